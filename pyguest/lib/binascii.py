"""Conversions between binary data and ASCII encodings (`binascii`) for pyguest.

`hexlify`/`b2a_hex` (with `sep`/`bytes_per_sep`), `unhexlify`/`a2b_hex`, `b2a_base64`,
`a2b_base64` (`strict_mode`), `crc32` (native via `_pghash` when present, else a table in
Python), `crc_hqx`, `Error`, `Incomplete`. Messages follow CPython 3.11. Not provided: the
uu, quoted-printable and BinHex codecs.

Under pyguest the byte loops are native (`_pgbinascii`, `pyguest/src/modules/binascii.rs`);
elsewhere (CPython running this file in the tests) the Python loops below run. The native
decoders return an error message as a `str` instead of raising.
"""

try:
    import _pghash
except ImportError:
    _pghash = None
try:
    import _pgbinascii as _native
except ImportError:
    _native = None


class Error(ValueError):
    pass


class Incomplete(Exception):
    pass


def _bytes(data, what="a bytes-like object is required"):
    if isinstance(data, str):
        try:
            return data.encode("ascii")
        except UnicodeEncodeError:
            raise ValueError("string argument should contain only ASCII characters")
    if isinstance(data, (bytes, bytearray)):
        return bytes(data)
    try:
        return bytes(memoryview(data))
    except TypeError:
        raise TypeError("a bytes-like object is required, not '%s'" % type(data).__name__)


def _binary(data):
    if isinstance(data, (bytes, bytearray)):
        return bytes(data)
    if isinstance(data, str):
        raise TypeError("a bytes-like object is required, not 'str'")
    try:
        return bytes(memoryview(data))
    except TypeError:
        raise TypeError("a bytes-like object is required, not '%s'" % type(data).__name__)


def hexlify(data, sep=None, bytes_per_sep=1):
    data = _binary(data)
    if sep is None:
        if _native is not None:
            return _native.hexlify(data)
        return data.hex().encode("ascii")
    if isinstance(sep, bytes):
        sep = sep.decode("ascii")
    if len(sep) != 1:
        raise ValueError("sep must be length 1.")
    h = data.hex()
    n = abs(bytes_per_sep)
    if n == 0 or not h:
        return h.encode("ascii")
    groups = []
    if bytes_per_sep > 0:
        end = len(data)
        while end > 0:
            start = max(0, end - n)
            groups.append(h[2 * start:2 * end])
            end = start
        groups.reverse()
    else:
        for start in range(0, len(data), n):
            groups.append(h[2 * start:2 * (start + n)])
    return sep.join(groups).encode("ascii")


b2a_hex = hexlify


def unhexlify(hexstr):
    s = _bytes(hexstr)
    if _native is not None:
        r = _native.unhexlify(s)
        if type(r) is str:
            raise Error(r)
        return r
    if len(s) % 2:
        raise Error("Odd-length string")
    try:
        return bytes.fromhex(s.decode("ascii"))
    except ValueError:
        raise Error("Non-hexadecimal digit found")


a2b_hex = unhexlify

_B64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B64_REV = {c: i for i, c in enumerate(_B64)}


def b2a_base64(data, *, newline=True):
    data = _binary(data)
    if _native is not None:
        return _native.b64encode(data, newline)
    out = bytearray()
    n = len(data)
    full = n - n % 3
    tbl = _B64
    for i in range(0, full, 3):
        v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2]
        out.append(tbl[v >> 18])
        out.append(tbl[(v >> 12) & 63])
        out.append(tbl[(v >> 6) & 63])
        out.append(tbl[v & 63])
    rest = n - full
    if rest == 1:
        v = data[full] << 16
        out += bytes((tbl[v >> 18], tbl[(v >> 12) & 63])) + b"=="
    elif rest == 2:
        v = (data[full] << 16) | (data[full + 1] << 8)
        out += bytes((tbl[v >> 18], tbl[(v >> 12) & 63], tbl[(v >> 6) & 63])) + b"="
    if newline:
        out.append(10)
    return bytes(out)


def a2b_base64(data, *, strict_mode=False):
    s = _bytes(data)
    if _native is not None:
        r = _native.b64decode(s, strict_mode)
        if type(r) is str:
            raise Error(r)
        return r
    rev = _B64_REV
    out = bytearray()
    acc = 0
    nbits = 0
    count = 0
    pads = 0
    if strict_mode and s[:1] == b"=":
        raise Error("Leading padding not allowed")
    for i, c in enumerate(s):
        if c == 61:  # '='
            pads += 1
            if count % 4 >= 2 and (count + pads) % 4 == 0:
                if strict_mode and i + 1 != len(s):
                    raise Error("Excess data after padding")
                # padding completed the last quad: decoding stops here
                count = 0
                break
            continue
        v = rev.get(c)
        if v is None:
            if strict_mode:
                raise Error("Only base64 data is allowed")
            continue
        if pads and strict_mode:
            raise Error("Discontinuous padding not allowed")
        pads = 0
        acc = (acc << 6) | v
        nbits += 6
        count += 1
        if nbits >= 8:
            nbits -= 8
            out.append((acc >> nbits) & 0xFF)
            acc &= (1 << nbits) - 1
    if count % 4 == 1:
        raise Error("Invalid base64-encoded string: number of data characters (%d) cannot "
                    "be 1 more than a multiple of 4" % count)
    if count % 4:
        raise Error("Incorrect padding")
    return bytes(out)


_CRC_TABLE = None


def crc32(data, value=0):
    data = _binary(data)
    if _pghash is not None:
        return _pghash.crc32(data, value)
    global _CRC_TABLE
    if _CRC_TABLE is None:
        t = []
        for n in range(256):
            c = n
            for _ in range(8):
                c = 0xEDB88320 ^ (c >> 1) if c & 1 else c >> 1
            t.append(c)
        _CRC_TABLE = t
    tbl = _CRC_TABLE
    c = ~value & 0xFFFFFFFF
    for b in data:
        c = tbl[(c ^ b) & 0xFF] ^ (c >> 8)
    return ~c & 0xFFFFFFFF


def crc_hqx(data, value):
    data = _binary(data)
    if _native is not None:
        return _native.crc_hqx(data, value & 0xFFFF)
    crc = value & 0xFFFF
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc
