"""Typed arrays of numbers: array.array with CPython 3.11's type codes, range checks, error
messages, repr and byte conversions.

pyguest's own implementation in plain Python: the items live in a Python list, values are
checked (and floats of type 'f' rounded to single precision) on the way in, and
tobytes/frombytes go through the `struct` module with native (x86-64, little-endian) sizes.
"""

import struct as _struct
import _pgarray

__all__ = ["array", "ArrayType", "typecodes"]

typecodes = "bBuhHiIlLqQfd"

# code -> (itemsize, lo, hi, overflow messages (too big, too small)) for the integer codes
_INT_INFO = {
    "b": (1, -128, 127, "signed char is greater than maximum", "signed char is less than minimum"),
    "B": (1, 0, 255, "unsigned byte integer is greater than maximum",
          "unsigned byte integer is less than minimum"),
    "h": (2, -32768, 32767, "signed short integer is greater than maximum",
          "signed short integer is less than minimum"),
    "H": (2, 0, 65535, "unsigned short is greater than maximum",
          "unsigned short is less than minimum"),
    "i": (4, -2 ** 31, 2 ** 31 - 1, "signed integer is greater than maximum",
          "signed integer is less than minimum"),
    "I": (4, 0, 2 ** 32 - 1, "unsigned int is greater than maximum",
          "can't convert negative value to unsigned int"),
    "l": (8, -2 ** 63, 2 ** 63 - 1, "Python int too large to convert to C long",
          "Python int too large to convert to C long"),
    "L": (8, 0, 2 ** 64 - 1, "Python int too large to convert to C unsigned long",
          "can't convert negative value to unsigned int"),
    "q": (8, -2 ** 63, 2 ** 63 - 1, "int too big to convert", "int too big to convert"),
    "Q": (8, 0, 2 ** 64 - 1, "int too big to convert", "can't convert negative int to unsigned"),
}
_SIZES = {"u": 4, "f": 4, "d": 8}


def _itemsize(code):
    if code in _INT_INFO:
        return _INT_INFO[code][0]
    return _SIZES[code]


def _check(code, value):
    """The stored form of value for an array of type code, or the CPython error."""
    if code in _INT_INFO:
        if isinstance(value, float):
            raise TypeError("'float' object cannot be interpreted as an integer")
        if not isinstance(value, int):
            index = getattr(type(value), "__index__", None)
            if index is None:
                raise TypeError("an integer is required (got type %s)" % type(value).__name__)
            value = index(value)
        _, lo, hi, too_big, too_small = _INT_INFO[code]
        if value > hi:
            raise OverflowError(too_big)
        if value < lo:
            raise OverflowError(too_small)
        return int(value)
    if code == "u":
        if not isinstance(value, str) or len(value) != 1:
            raise TypeError("array item must be unicode character")
        return value
    if isinstance(value, str) or not isinstance(value, (int, float)) and \
            getattr(type(value), "__float__", None) is None:
        raise TypeError("must be real number, not %s" % type(value).__name__)
    value = float(value)
    if code == "f":
        value = _struct.unpack("<f", _struct.pack("<f", value))[0] if value == value and \
            abs(value) != float("inf") and abs(value) < 3.4028235677973366e38 else value
    return value


def _index(index):
    """An item index as an int (`__index__`), or CPython's TypeError for an array."""
    if isinstance(index, int):
        return index
    conv = getattr(type(index), "__index__", None)
    if conv is None:
        raise TypeError("array indices must be integers")
    return conv(index)


class array:
    """array(typecode[, initializer]): a sequence of numbers of one machine type."""

    def __init__(self, typecode, initializer=None):
        if not isinstance(typecode, str) or len(typecode) != 1 or typecode not in typecodes:
            raise ValueError("bad typecode (must be b, B, u, h, H, i, I, l, L, q, Q, f or d)")
        self._code = typecode
        self._items = []
        if initializer is None:
            return
        if isinstance(initializer, array):
            if initializer._code == "u" and typecode != "u":
                raise TypeError("cannot use a unicode array to initialize an array with "
                                "typecode '%s'" % typecode)
            self.extend(initializer._items)
        elif isinstance(initializer, str):
            if typecode != "u":
                raise TypeError("cannot use a str to initialize an array with typecode '%s'"
                                % typecode)
            self._items = list(initializer)
        elif isinstance(initializer, (bytes, bytearray)):
            self.frombytes(initializer)
        else:
            self.extend(initializer)

    # -- properties ----------------------------------------------------------------------------

    @property
    def typecode(self):
        return self._code

    @property
    def itemsize(self):
        return _itemsize(self._code)

    def buffer_info(self):
        return (id(self), len(self._items))

    # -- sequence protocol ------------------------------------------------------------------

    def __len__(self):
        return len(self._items)

    def __iter__(self):
        return iter(self._items)

    def __contains__(self, value):
        return value in self._items

    # `a[i]` and `a[i] = x` are `_pgarray`'s builtins (Rust): they handle an int index into
    # the items and the stores that need no conversion, and call `_getitem`/`_setitem` for
    # everything else
    __getitem__ = _pgarray.getitem
    __setitem__ = _pgarray.setitem

    def _getitem(self, index):
        if isinstance(index, slice):
            result = array(self._code)
            result._items = self._items[index]
            return result
        index = _index(index)
        try:
            return self._items[index]
        except IndexError:
            raise IndexError("array index out of range") from None

    def _setitem(self, index, value):
        if isinstance(index, slice):
            if not isinstance(value, array):
                raise TypeError('can only assign array (not "%s") to array slice'
                                % type(value).__name__)
            if value._code != self._code:
                raise TypeError("bad argument type for built-in operation")
            self._items[index] = list(value._items)
            return
        index = _index(index)
        try:
            self._items[index] = _check(self._code, value)
        except IndexError:
            raise IndexError("array assignment index out of range") from None

    def __delitem__(self, index):
        try:
            del self._items[index]
        except IndexError:
            raise IndexError("array assignment index out of range") from None

    def __add__(self, other):
        if not isinstance(other, array):
            return NotImplemented
        if other._code != self._code:
            raise TypeError("bad argument type for built-in operation")
        result = array(self._code)
        result._items = self._items + other._items
        return result

    def __iadd__(self, other):
        if not isinstance(other, array):
            return NotImplemented
        if other._code != self._code:
            raise TypeError("bad argument type for built-in operation")
        self._items.extend(other._items)
        return self

    def __mul__(self, n):
        result = array(self._code)
        result._items = self._items * n
        return result

    __rmul__ = __mul__

    def __imul__(self, n):
        self._items *= n
        return self

    def _cmp_items(self, other):
        if not isinstance(other, array):
            return NotImplemented
        return other._items

    def __eq__(self, other):
        items = self._cmp_items(other)
        return items if items is NotImplemented else self._items == items

    def __ne__(self, other):
        items = self._cmp_items(other)
        return items if items is NotImplemented else self._items != items

    def __lt__(self, other):
        items = self._cmp_items(other)
        return items if items is NotImplemented else self._items < items

    def __le__(self, other):
        items = self._cmp_items(other)
        return items if items is NotImplemented else self._items <= items

    def __gt__(self, other):
        items = self._cmp_items(other)
        return items if items is NotImplemented else self._items > items

    def __ge__(self, other):
        items = self._cmp_items(other)
        return items if items is NotImplemented else self._items >= items

    __hash__ = None

    def __repr__(self):
        if not self._items:
            return "array('%s')" % self._code
        if self._code == "u":
            return "array('u', %r)" % "".join(self._items)
        return "array('%s', %r)" % (self._code, self._items)

    def __copy__(self):
        return array(self._code, self)

    def __deepcopy__(self, memo):
        return array(self._code, self)

    def __reduce__(self):
        return (array, (self._code, list(self._items)))

    # -- list-like methods --------------------------------------------------------------------

    def append(self, value):
        self._items.append(_check(self._code, value))

    def extend(self, iterable):
        if isinstance(iterable, array):
            if iterable._code != self._code:
                raise TypeError("can only extend with array of same kind")
            self._items.extend(iterable._items)
            return
        for value in iterable:
            self._items.append(_check(self._code, value))

    def insert(self, index, value):
        self._items.insert(index, _check(self._code, value))

    def pop(self, index=-1):
        if not self._items:
            raise IndexError("pop from empty array")
        try:
            return self._items.pop(index)
        except IndexError:
            raise IndexError("pop index out of range") from None

    def remove(self, value):
        try:
            self._items.remove(value)
        except ValueError:
            raise ValueError("array.remove(x): x not in array") from None

    def index(self, value, start=0, stop=None):
        n = len(self._items)
        stop = n if stop is None else stop
        for i in range(*slice(start, stop).indices(n)):
            if self._items[i] == value:
                return i
        raise ValueError("array.index(x): x not in array")

    def count(self, value):
        return self._items.count(value)

    def reverse(self):
        self._items.reverse()

    def byteswap(self):
        if self._code == "u":
            raise RuntimeError("don't know how to byteswap this array type")
        data = self.tobytes()
        size = self.itemsize
        swapped = b"".join(data[i:i + size][::-1] for i in range(0, len(data), size))
        self._items = []
        self.frombytes(swapped)

    # -- conversions -------------------------------------------------------------------------

    def tolist(self):
        return list(self._items)

    def fromlist(self, values):
        if not isinstance(values, list):
            raise TypeError("arg must be list")
        checked = [_check(self._code, v) for v in values]
        self._items.extend(checked)

    def tobytes(self):
        if self._code == "u":
            return b"".join(ord(c).to_bytes(4, "little") for c in self._items)
        return _struct.pack("<%d%s" % (len(self._items), _struct_code(self._code)), *self._items)

    def frombytes(self, data):
        data = bytes(data)
        size = self.itemsize
        if len(data) % size:
            raise ValueError("bytes length not a multiple of item size")
        if self._code == "u":
            self._items.extend(chr(int.from_bytes(data[i:i + 4], "little"))
                               for i in range(0, len(data), 4))
            return
        count = len(data) // size
        self._items.extend(_struct.unpack("<%d%s" % (count, _struct_code(self._code)), data))

    def tounicode(self):
        if self._code != "u":
            raise ValueError("tounicode() may only be called on unicode type arrays")
        return "".join(self._items)

    def fromunicode(self, s):
        if self._code != "u":
            raise ValueError("fromunicode() may only be called on unicode type arrays")
        self._items.extend(s)

    def tofile(self, f):
        f.write(self.tobytes())

    def fromfile(self, f, n):
        data = f.read(n * self.itemsize)
        self.frombytes(data[:len(data) - len(data) % self.itemsize])
        if len(data) < n * self.itemsize:
            raise EOFError("read() didn't return enough bytes")


def _struct_code(code):
    # Native sizes on x86-64 with the standard-size struct codes.
    return {"l": "q", "L": "Q"}.get(code, code)


ArrayType = array
