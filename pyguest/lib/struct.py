"""Packing values into bytes and back: pack, unpack, calcsize, pack_into, unpack_from,
iter_unpack, Struct and struct.error, with CPython 3.11's formats and messages.

pyguest's own implementation in plain Python. Byte orders `@` (native: x86-64 sizes and
alignment), `=`, `<`, `>`, `!`; codes x c b B ? h H i I l L q Q n N e f d s p P with repeat
counts. Integers are converted with int.to_bytes/from_bytes; floats (d, f, e) are encoded to
IEEE 754 bits with exact round-half-even from `float.as_integer_ratio`, so no C `struct` is
needed. Assumes a little-endian 64-bit host for `@` and `=`.
"""

import math as _math

__all__ = ["calcsize", "pack", "pack_into", "unpack", "unpack_from", "iter_unpack", "Struct",
           "error"]


class error(Exception):
    pass


# code -> (standard size, native size, native alignment, kind)
_CODES = {
    "x": (1, 1, 1, "pad"), "c": (1, 1, 1, "char"), "b": (1, 1, 1, "int"),
    "B": (1, 1, 1, "uint"), "?": (1, 1, 1, "bool"), "h": (2, 2, 2, "int"),
    "H": (2, 2, 2, "uint"), "i": (4, 4, 4, "int"), "I": (4, 4, 4, "uint"),
    "l": (4, 8, 8, "int"), "L": (4, 8, 8, "uint"), "q": (8, 8, 8, "int"),
    "Q": (8, 8, 8, "uint"), "n": (None, 8, 8, "int"), "N": (None, 8, 8, "uint"),
    "e": (2, 2, 2, "float"), "f": (4, 4, 4, "float"), "d": (8, 8, 8, "float"),
    "s": (1, 1, 1, "bytes"), "p": (1, 1, 1, "pascal"), "P": (None, 8, 8, "uint"),
}
_RANGE_NAMES = {"b": "byte", "B": "ubyte", "h": "short", "H": "ushort"}


def _parse(fmt):
    """(byte order, native flag, items [(code, count, offset, size)], total size)."""
    if isinstance(fmt, bytes):
        fmt = fmt.decode("ascii")
    if not isinstance(fmt, str):
        raise TypeError("Struct() argument 1 must be a str or bytes object, not %s"
                        % type(fmt).__name__)
    order = "@"
    i = 0
    if fmt and fmt[0] in "@=<>!":
        order = fmt[0]
        i = 1
    native = order == "@"
    little = order in "@=<"
    items = []
    offset = 0
    n = len(fmt)
    while i < n:
        ch = fmt[i]
        if ch.isspace():
            i += 1
            continue
        count = None
        if ch.isdigit():
            j = i
            while j < n and fmt[j].isdigit():
                j += 1
            count = int(fmt[i:j])
            if j >= n:
                raise error("repeat count given without format specifier")
            i = j
            ch = fmt[i]
        i += 1
        spec = _CODES.get(ch)
        if spec is None or (not native and spec[0] is None):
            raise error("bad char in struct format")
        std_size, nat_size, align, kind = spec
        size = nat_size if native else std_size
        if native and kind not in ("bytes", "pascal", "pad", "char"):
            offset = (offset + align - 1) // align * align
        if count is None:
            count = 1
        if kind in ("bytes", "pascal"):
            items.append((ch, count, offset, count))
            offset += count
        elif kind == "pad":
            offset += count
        else:
            for _ in range(count):
                items.append((ch, 1, offset, size))
                offset += size
    return little, native, items, offset


def _round_scaled(num, den, shift):
    """round(num / den * 2**shift), ties to even."""
    if shift >= 0:
        num <<= shift
    else:
        den <<= -shift
    q, r = divmod(num, den)
    if 2 * r > den or (2 * r == den and q & 1):
        q += 1
    return q


def _float_bits(x, exp_bits, man_bits, code):
    """IEEE 754 bit pattern of float x with the given field widths (round half to even)."""
    bias = (1 << (exp_bits - 1)) - 1
    top = (1 << exp_bits) - 1
    sign = (1 if _math.copysign(1.0, x) < 0 else 0) << (exp_bits + man_bits)
    if x != x:
        return sign | (top << man_bits) | (1 << (man_bits - 1))
    if x in (float("inf"), float("-inf")):
        return sign | (top << man_bits)
    num, den = abs(x).as_integer_ratio()
    if num == 0:
        return sign
    e = num.bit_length() - den.bit_length()
    if (num << max(0, -e)) < (den << max(0, e)):
        e -= 1
    min_exp = 1 - bias
    if e < min_exp:
        # Subnormal: the rounded value is the whole bit pattern (rounding up into the
        # smallest normal number sets the exponent field to 1 by itself).
        return sign | _round_scaled(num, den, man_bits - min_exp)
    q = _round_scaled(num, den, man_bits - e)
    if q == 1 << (man_bits + 1):
        q >>= 1
        e += 1
    biased = e + bias
    if biased >= top:
        raise OverflowError("float too large to pack with %s format" % code)
    return sign | (biased << man_bits) | (q - (1 << man_bits))


def _bits_float(bits, exp_bits, man_bits):
    bias = (1 << (exp_bits - 1)) - 1
    sign = -1.0 if bits >> (exp_bits + man_bits) else 1.0
    expo = (bits >> man_bits) & ((1 << exp_bits) - 1)
    man = bits & ((1 << man_bits) - 1)
    if expo == (1 << exp_bits) - 1:
        return sign * float("inf") if man == 0 else float("nan")
    if expo == 0:
        return sign * _scaled_float(man, 1 - bias - man_bits)
    return sign * _scaled_float(man + (1 << man_bits), expo - bias - man_bits)


def _scaled_float(man, e):
    """man * 2**e as a float, correctly rounded (exact int division, no ldexp)."""
    if e >= 0:
        return float(man << e)
    if e < -1000:
        # Two power-of-two steps keep every operand inside the float range; the first is
        # exact (man < 2**54), so only the last one rounds.
        return (man / (1 << 1000)) / (1 << (-e - 1000))
    return man / (1 << -e)


_FLOAT_LAYOUT = {"e": (5, 10), "f": (8, 23), "d": (11, 52)}


def _as_int(value):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    index = getattr(type(value), "__index__", None)
    if index is None:
        raise error("required argument is not an integer")
    return index(value)


def _pack_one(code, size, value, little, native):
    kind = _CODES[code][3]
    order = "little" if little else "big"
    if kind in ("int", "uint"):
        v = _as_int(value)
        bits = size * 8
        lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if kind == "int" else (0, (1 << bits) - 1)
        if not lo <= v <= hi:
            if code in _RANGE_NAMES:
                raise error("%s format requires %d <= number <= %d" % (_RANGE_NAMES[code], lo, hi))
            if code == "i":
                raise error("'i' format requires %d <= number <= %d" % (lo, hi))
            raise error("argument out of range")
        return v.to_bytes(size, order, signed=(kind == "int"))
    if kind == "bool":
        return b"\x01" if value else b"\x00"
    if kind == "char":
        if not isinstance(value, (bytes, bytearray)) or len(value) != 1:
            raise error("char format requires a bytes object of length 1")
        return bytes(value)
    if kind == "float":
        if not isinstance(value, (int, float)):
            f = getattr(type(value), "__float__", None)
            if f is None:
                raise error("required argument is not a float")
            value = f(value)
        exp_bits, man_bits = _FLOAT_LAYOUT[code]
        return _float_bits(float(value), exp_bits, man_bits, code).to_bytes(size, order)
    raise error("bad char in struct format")


def _check_bytes_arg(code, value):
    if not isinstance(value, (bytes, bytearray)):
        raise error("argument for '%s' must be a bytes object" % code)
    return bytes(value)


class Struct:
    """A compiled format string."""

    def __init__(self, format):
        self.format = format if isinstance(format, str) else format.decode("ascii")
        self._little, self._native, self._items, self.size = _parse(format)

    def __repr__(self):
        return "Struct(%r)" % (self.format,)

    def pack(self, *values):
        if len(values) != len(self._items):
            raise error("pack expected %d items for packing (got %d)"
                        % (len(self._items), len(values)))
        chunks = []
        pos = 0
        for (code, count, offset, size), value in zip(self._items, values):
            if offset > pos:
                chunks.append(b"\0" * (offset - pos))
            if code == "s":
                data = _check_bytes_arg(code, value)[:count]
                chunk = data + b"\0" * (count - len(data))
            elif code == "p":
                data = _check_bytes_arg(code, value)[:max(count - 1, 0)]
                chunk = (bytes([min(len(data), 255)]) + data + b"\0" * (count - 1 - len(data))
                         if count else b"")
            else:
                chunk = _pack_one(code, size, value, self._little, self._native)
            chunks.append(chunk)
            pos = offset + len(chunk)
        if self.size > pos:
            chunks.append(b"\0" * (self.size - pos))
        return b"".join(chunks)

    def pack_into(self, buffer, offset, *values):
        data = self.pack(*values)
        if offset < 0:
            offset += len(buffer)
        if offset < 0 or offset + len(data) > len(buffer):
            raise error("pack_into requires a buffer of at least %d bytes for packing %d "
                        "bytes at offset %d (actual buffer size is %d)"
                        % (len(data) + offset, len(data), offset, len(buffer)))
        for k, byte in enumerate(data):
            buffer[offset + k] = byte

    def unpack(self, buffer):
        data = bytes(buffer)
        if len(data) != self.size:
            raise error("unpack requires a buffer of %d bytes" % self.size)
        return self._unpack_at(data, 0)

    def unpack_from(self, buffer, offset=0):
        data = bytes(buffer)
        if offset < 0:
            offset += len(data)
        if offset < 0 or len(data) - offset < self.size:
            raise error("unpack_from requires a buffer of at least %d bytes for unpacking %d "
                        "bytes at offset %d (actual buffer size is %d)"
                        % (self.size + offset, self.size, offset, len(data)))
        return self._unpack_at(data, offset)

    def iter_unpack(self, buffer):
        data = bytes(buffer)
        if self.size == 0:
            raise error("cannot iteratively unpack with a struct of length 0")
        if len(data) % self.size:
            raise error("iterative unpacking requires a buffer of a multiple of %d bytes"
                        % self.size)
        return (self._unpack_at(data, k) for k in range(0, len(data), self.size))

    def _unpack_at(self, data, base):
        order = "little" if self._little else "big"
        out = []
        for code, count, offset, size in self._items:
            chunk = data[base + offset:base + offset + size]
            kind = _CODES[code][3]
            if code == "s":
                out.append(chunk)
            elif code == "p":
                n = min(chunk[0], count - 1) if count else 0
                out.append(chunk[1:1 + n])
            elif kind == "int":
                out.append(int.from_bytes(chunk, order, signed=True))
            elif kind == "uint":
                out.append(int.from_bytes(chunk, order, signed=False))
            elif kind == "bool":
                out.append(chunk != b"\x00")
            elif kind == "char":
                out.append(chunk)
            elif kind == "float":
                exp_bits, man_bits = _FLOAT_LAYOUT[code]
                out.append(_bits_float(int.from_bytes(chunk, order), exp_bits, man_bits))
        return tuple(out)


_cache = {}


def _compiled(fmt):
    s = _cache.get(fmt)
    if s is None:
        s = Struct(fmt)
        if len(_cache) > 100:
            _cache.clear()
        _cache[fmt] = s
    return s


def calcsize(format):
    return _compiled(format).size


def pack(format, *values):
    return _compiled(format).pack(*values)


def pack_into(format, buffer, offset, *values):
    return _compiled(format).pack_into(buffer, offset, *values)


def unpack(format, buffer):
    return _compiled(format).unpack(buffer)


def unpack_from(format, buffer, offset=0):
    return _compiled(format).unpack_from(buffer, offset)


def iter_unpack(format, buffer):
    return _compiled(format).iter_unpack(buffer)
