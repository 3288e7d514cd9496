"""Base16, Base32, Base64 (and URL-safe Base64) encodings (`base64`) for pyguest, over our
`binascii`. Functions and error messages as CPython 3.11: `b64encode`/`b64decode`
(`altchars`, `validate`), `standard_b64*`, `urlsafe_b64*`, `b32encode`/`b32decode`
(`casefold`, `map01`), `b32hexencode`/`b32hexdecode`, `b16encode`/`b16decode`,
`encodebytes`/`decodebytes`, `encode`/`decode` on file objects, Ascii85 (`a85encode`/`a85decode`
with `foldspaces`, `wrapcol`, `pad`, `adobe`, `ignorechars`) and Base85 (`b85encode`/`b85decode`).
"""

import binascii

try:  # pyguest's native byte loops (pyguest/src/modules/binascii.rs)
    import _pgbinascii as _native
except ImportError:
    _native = None

__all__ = ["encode", "decode", "encodebytes", "decodebytes", "b64encode", "b64decode",
           "b32encode", "b32decode", "b32hexencode", "b32hexdecode", "b16encode", "b16decode",
           "standard_b64encode", "standard_b64decode", "urlsafe_b64encode",
           "urlsafe_b64decode", "a85encode", "a85decode", "b85encode", "b85decode"]

bytes_types = (bytes, bytearray)


def _bytes_from_decode_data(s):
    if isinstance(s, str):
        try:
            return s.encode("ascii")
        except UnicodeEncodeError:
            raise ValueError("string argument should contain only ASCII characters")
    if isinstance(s, bytes_types):
        return bytes(s)
    try:
        return bytes(memoryview(s))
    except TypeError:
        raise TypeError("argument should be a bytes-like object or ASCII "
                        "string, not %r" % s.__class__.__name__) from None


def _translate(s, frm, to):
    if _native is not None:
        return _native.translate(s, frm, to)
    table = {a: b for a, b in zip(frm, to)}
    return bytes(table.get(c, c) for c in s)


def b64encode(s, altchars=None):
    """Encode bytes with Base64; `altchars` replaces '+' and '/'."""
    encoded = binascii.b2a_base64(s, newline=False)
    if altchars is not None:
        assert len(altchars) == 2, repr(altchars)
        return _translate(encoded, b"+/", altchars)
    return encoded


def b64decode(s, altchars=None, validate=False):
    """Decode Base64; non-alphabet characters are discarded unless `validate`."""
    s = _bytes_from_decode_data(s)
    if altchars is not None:
        altchars = _bytes_from_decode_data(altchars)
        assert len(altchars) == 2, repr(altchars)
        s = _translate(s, altchars, b"+/")
    return binascii.a2b_base64(s, strict_mode=validate)


def standard_b64encode(s):
    return b64encode(s)


def standard_b64decode(s):
    return b64decode(s)


def urlsafe_b64encode(s):
    return _translate(b64encode(s), b"+/", b"-_")


def urlsafe_b64decode(s):
    s = _bytes_from_decode_data(s)
    s = _translate(s, b"-_", b"+/")
    return b64decode(s)


_B32 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_B32HEX = b"0123456789ABCDEFGHIJKLMNOPQRSTUV"


def _b32encode(alphabet, s):
    if not isinstance(s, bytes_types):
        s = memoryview(s).tobytes()
    if _native is not None:
        return _native.b32encode(alphabet, s)
    leftover = len(s) % 5
    if leftover:
        s = s + b"\0" * (5 - leftover)
    encoded = bytearray()
    for i in range(0, len(s), 5):
        c = int.from_bytes(s[i:i + 5], "big")
        for shift in (35, 30, 25, 20, 15, 10, 5, 0):
            encoded.append(alphabet[(c >> shift) & 31])
    if leftover == 1:
        encoded[-6:] = b"======"
    elif leftover == 2:
        encoded[-4:] = b"===="
    elif leftover == 3:
        encoded[-3:] = b"==="
    elif leftover == 4:
        encoded[-1:] = b"="
    return bytes(encoded)


def _b32decode(alphabet, s, casefold=False, map01=None):
    s = _bytes_from_decode_data(s)
    if len(s) % 8:
        raise binascii.Error("Incorrect padding")
    if map01 is not None:
        map01 = _bytes_from_decode_data(map01)
        assert len(map01) == 1, repr(map01)
        s = _translate(s, b"01", b"O" + map01)
    if casefold:
        s = s.upper()
    if _native is not None:
        r = _native.b32decode(alphabet, s)
        if type(r) is str:
            raise binascii.Error(r)
        return r
    l = len(s)
    end = len(s)
    while end and s[end - 1] == 61:  # strip the '=' padding
        end -= 1
    s = s[:end]
    padchars = l - len(s)
    rev = {c: i for i, c in enumerate(alphabet)}
    decoded = bytearray()
    for i in range(0, len(s), 8):
        quanta = s[i:i + 8]
        acc = 0
        try:
            for c in quanta:
                acc = (acc << 5) + rev[c]
        except KeyError:
            raise binascii.Error("Non-base32 digit found") from None
        decoded += (acc << 5 * (8 - len(quanta))).to_bytes(5, "big")
    if l % 8 or padchars not in {0, 1, 3, 4, 6}:
        raise binascii.Error("Incorrect padding")
    if padchars and decoded:
        acc <<= 5 * padchars
        last = acc.to_bytes(5, "big")
        leftover = (43 - 5 * padchars) // 8
        decoded[-5:] = last[:leftover]
    return bytes(decoded)


def b32encode(s):
    return _b32encode(_B32, s)


def b32decode(s, casefold=False, map01=None):
    return _b32decode(_B32, s, casefold, map01)


def b32hexencode(s):
    return _b32encode(_B32HEX, s)


def b32hexdecode(s, casefold=False):
    return _b32decode(_B32HEX, s, casefold)


def b16encode(s):
    return binascii.hexlify(s).upper()


def b16decode(s, casefold=False):
    s = _bytes_from_decode_data(s)
    if casefold:
        s = s.upper()
    if _native is not None:
        r = _native.b16decode(s)
        if type(r) is str:
            raise binascii.Error(r)
        return r
    for c in s:
        if c not in b"0123456789ABCDEF":
            raise binascii.Error("Non-base16 digit found")
    return binascii.unhexlify(s)


MAXLINESIZE = 76
MAXBINSIZE = (MAXLINESIZE // 4) * 3


def encodebytes(s):
    """Base64 in lines of at most 76 characters, each ending with a newline."""
    pieces = []
    for i in range(0, len(s), MAXBINSIZE):
        chunk = s[i:i + MAXBINSIZE]
        pieces.append(binascii.b2a_base64(chunk))
    return b"".join(pieces)


def decodebytes(s):
    return binascii.a2b_base64(s)


def encode(input, output):
    while True:
        s = input.read(MAXBINSIZE)
        if not s:
            break
        while len(s) < MAXBINSIZE:
            ns = input.read(MAXBINSIZE - len(s))
            if not ns:
                break
            s += ns
        output.write(binascii.b2a_base64(s))


def decode(input, output):
    while True:
        line = input.readline()
        if not line:
            break
        output.write(binascii.a2b_base64(line))


# Base85 family: every 4 input bytes are one big-endian 32-bit word written as 5 digits in
# base 85, most significant first. A short last group is padded with zero bytes, encoded,
# and the digits standing for the padding are dropped (unless `pad`).

_A85_ALPHABET = bytes(range(33, 118))
_B85_ALPHABET = (b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                 b"abcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~")
_b85_values = None


def _to_bytes(b):
    if isinstance(b, bytes_types):
        return bytes(b)
    try:
        return bytes(memoryview(b))
    except TypeError:
        raise TypeError("memoryview: a bytes-like object is required, not %r"
                        % b.__class__.__name__) from None


def _base85_groups(data, alphabet, pad, fold_zero, fold_spaces):
    if _native is not None:
        return _native.b85encode(data, alphabet, pad, fold_zero, fold_spaces)
    extra = -len(data) % 4
    if extra:
        data = data + b"\0" * extra
    out = []
    digits = [0] * 5
    for i in range(0, len(data), 4):
        word = int.from_bytes(data[i:i + 4], "big")
        if fold_zero and word == 0:
            out.append(b"z")
            continue
        if fold_spaces and word == 0x20202020:
            out.append(b"y")
            continue
        for k in range(4, -1, -1):
            word, digits[k] = divmod(word, 85)
        out.append(bytes(alphabet[d] for d in digits))
    if extra and not pad and out:
        last = out[-1]
        if last == b"z":
            last = alphabet[:1] * 5
        out[-1] = last[:5 - extra]
    return b"".join(out)


def a85encode(b, *, foldspaces=False, wrapcol=0, pad=False, adobe=False):
    """Ascii85: digits are the characters '!'..'u'; an all-zero group is 'z', and with
    `foldspaces` four spaces are 'y'."""
    result = _base85_groups(_to_bytes(b), _A85_ALPHABET, pad, True, foldspaces)
    if adobe:
        result = b"<~" + result
    if wrapcol:
        wrapcol = max(2 if adobe else 1, wrapcol)
        lines = [result[i:i + wrapcol] for i in range(0, len(result), wrapcol)]
        if adobe and len(lines[-1]) + 2 > wrapcol:
            lines.append(b"")
        result = b"\n".join(lines)
    if adobe:
        result += b"~>"
    return result


def a85decode(b, *, foldspaces=False, adobe=False, ignorechars=b" \t\n\r\v"):
    b = _bytes_from_decode_data(b)
    if adobe:
        if not b.endswith(b"~>"):
            raise ValueError("Ascii85 encoded byte sequences must end with {!r}".format(b"~>"))
        b = b[2:-2] if b.startswith(b"<~") else b[:-2]
    if _native is not None:
        r = _native.a85decode(b, foldspaces, _to_bytes(ignorechars))
        if type(r) is str:
            raise ValueError(r)
        return r
    out = bytearray()
    group = []
    for c in b:
        if 33 <= c <= 117:
            group.append(c - 33)
            if len(group) == 5:
                word = 0
                for d in group:
                    word = word * 85 + d
                if word > 0xFFFFFFFF:
                    raise ValueError("Ascii85 overflow")
                out += word.to_bytes(4, "big")
                group = []
        elif c == 122:  # z
            if group:
                raise ValueError("z inside Ascii85 5-tuple")
            out += b"\0\0\0\0"
        elif foldspaces and c == 121:  # y
            if group:
                raise ValueError("y inside Ascii85 5-tuple")
            out += b"    "
        elif c in ignorechars:
            continue
        else:
            raise ValueError("Non-Ascii85 digit found: %c" % c)
    if group:
        missing = 5 - len(group)
        group += [84] * missing
        word = 0
        for d in group:
            word = word * 85 + d
        if word > 0xFFFFFFFF:
            raise ValueError("Ascii85 overflow")
        out += word.to_bytes(4, "big")[:4 - missing]
    return bytes(out)


def b85encode(b, pad=False):
    """Base85 as in git's binary patches (RFC 1924's alphabet)."""
    return _base85_groups(_to_bytes(b), _B85_ALPHABET, pad, False, False)


def b85decode(b):
    global _b85_values
    if _b85_values is None:
        _b85_values = [None] * 256
        for i, c in enumerate(_B85_ALPHABET):
            _b85_values[c] = i
    b = _bytes_from_decode_data(b)
    if _native is not None:
        r = _native.b85decode(b)
        if type(r) is str:
            raise ValueError(r)
        return r
    padding = -len(b) % 5
    b = b + b"~" * padding
    out = bytearray()
    for i in range(0, len(b), 5):
        word = 0
        for j in range(5):
            v = _b85_values[b[i + j]]
            if v is None:
                raise ValueError("bad base85 character at position %d" % (i + j))
            word = word * 85 + v
        if word > 0xFFFFFFFF:
            raise ValueError("base85 overflow in hunk starting at byte %d" % i)
        out += word.to_bytes(4, "big")
    if padding:
        del out[len(out) - padding:]
    return bytes(out)
