"""JSON encoding and decoding (RFC 8259), in plain Python, with CPython 3.11's output format.

pyguest's own implementation of the `json` API: dumps/dump/loads/load, JSONEncoder,
JSONDecoder, JSONDecodeError. Output is byte-for-byte what CPython's json prints for the same
options (indent, sort_keys, separators, ensure_ascii, allow_nan, default, skipkeys); decoder
error messages and positions match CPython's for the common malformed inputs.

Assumes the interpreter's `float.__repr__` is the shortest round-tripping repr (as CPython's).
A Rust implementation may replace this module later; the API and output must stay the same.
"""

__all__ = ["dump", "dumps", "load", "loads", "JSONDecoder", "JSONDecodeError", "JSONEncoder"]

__version__ = "2.0.9"

_INF = float("inf")

try:
    # pyguest's native encoder/decoder (pyguest/src/modules/json.rs); elsewhere the Python code below
    import _pyjson as _native
except ImportError:
    _native = None


class JSONDecodeError(ValueError):
    """Subclass of ValueError with msg, doc, pos, lineno and colno attributes."""

    def __init__(self, msg, doc, pos):
        lineno = doc.count("\n", 0, pos) + 1
        colno = pos - doc.rfind("\n", 0, pos)
        errmsg = "%s: line %d column %d (char %d)" % (msg, lineno, colno, pos)
        ValueError.__init__(self, errmsg)
        self.msg = msg
        self.doc = doc
        self.pos = pos
        self.lineno = lineno
        self.colno = colno

    def __reduce__(self):
        return self.__class__, (self.msg, self.doc, self.pos)


# ----------------------------------------------------------------------------------------
# Encoding

_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t",
                  "\b": "\\b", "\f": "\\f"}


def _encode_str_unicode(s):
    """Quote s, escaping only quotes, backslashes and control characters."""
    out = ['"']
    start = 0
    for i, ch in enumerate(s):
        if ch < " " or ch == '"' or ch == "\\":
            if start < i:
                out.append(s[start:i])
            esc = _SHORT_ESCAPES.get(ch)
            out.append(esc if esc is not None else "\\u%04x" % ord(ch))
            start = i + 1
    if start == 0:
        return '"' + s + '"'
    out.append(s[start:])
    out.append('"')
    return "".join(out)


def _encode_str_ascii(s):
    """Quote s with every non-printable-ASCII character escaped (\\uXXXX, surrogate pairs)."""
    out = ['"']
    start = 0
    for i, ch in enumerate(s):
        if " " <= ch <= "~" and ch != '"' and ch != "\\":
            continue
        if start < i:
            out.append(s[start:i])
        start = i + 1
        esc = _SHORT_ESCAPES.get(ch)
        if esc is not None:
            out.append(esc)
            continue
        n = ord(ch)
        if n < 0x10000:
            out.append("\\u%04x" % n)
        else:
            n -= 0x10000
            out.append("\\u%04x\\u%04x" % (0xD800 | (n >> 10), 0xDC00 | (n & 0x3FF)))
    if start == 0:
        return '"' + s + '"'
    out.append(s[start:])
    out.append('"')
    return "".join(out)


class JSONEncoder:
    """Configurable encoder; subclass and override default() to serialize more types."""

    item_separator = ", "
    key_separator = ": "

    def __init__(self, *, skipkeys=False, ensure_ascii=True, check_circular=True,
                 allow_nan=True, sort_keys=False, indent=None, separators=None, default=None):
        self.skipkeys = skipkeys
        self.ensure_ascii = ensure_ascii
        self.check_circular = check_circular
        self.allow_nan = allow_nan
        self.sort_keys = sort_keys
        self.indent = indent
        if separators is not None:
            self.item_separator, self.key_separator = separators
        elif indent is not None:
            self.item_separator = ","
        if default is not None:
            self.default = default

    def default(self, o):
        raise TypeError("Object of type %s is not JSON serializable" % o.__class__.__name__)

    def encode(self, o):
        if isinstance(o, str):
            return _encode_str_ascii(o) if self.ensure_ascii else _encode_str_unicode(o)
        if _native is not None and type(self).iterencode is JSONEncoder.iterencode:
            return self._native_encode(o)
        return "".join(self.iterencode(o, _one_shot=True))

    def _native_encode(self, o):
        indent = self.indent
        if indent is not None and not isinstance(indent, str):
            indent = " " * indent
        return _native.encode(o, indent, self.item_separator, self.key_separator,
                              self.sort_keys, self.skipkeys, self.ensure_ascii,
                              self.check_circular, self.allow_nan, self.default)

    def iterencode(self, o, _one_shot=False):
        if _native is not None:
            return iter([self._native_encode(o)])
        out = []
        _Writer(self, out).value(o, 0)
        return iter(out)


class _Writer:
    """One encoding pass: appends the text pieces of a value to `out`."""

    def __init__(self, enc, out):
        self.enc = enc
        self.out = out
        self.markers = {} if enc.check_circular else None
        self.quote = _encode_str_ascii if enc.ensure_ascii else _encode_str_unicode
        indent = enc.indent
        if indent is not None and not isinstance(indent, str):
            indent = " " * indent
        self.indent = indent

    def float_text(self, o):
        if o != o:
            text = "NaN"
        elif o == _INF:
            text = "Infinity"
        elif o == -_INF:
            text = "-Infinity"
        else:
            return float.__repr__(o)
        if not self.enc.allow_nan:
            raise ValueError("Out of range float values are not JSON compliant")
        return text

    def enter(self, o):
        if self.markers is not None:
            key = id(o)
            if key in self.markers:
                raise ValueError("Circular reference detected")
            self.markers[key] = o

    def leave(self, o):
        if self.markers is not None:
            del self.markers[id(o)]

    def value(self, o, level):
        out = self.out
        if isinstance(o, str):
            out.append(self.quote(o))
        elif o is None:
            out.append("null")
        elif o is True:
            out.append("true")
        elif o is False:
            out.append("false")
        elif isinstance(o, int):
            out.append(int.__repr__(o))
        elif isinstance(o, float):
            out.append(self.float_text(o))
        elif isinstance(o, (list, tuple)):
            self.array(o, level)
        elif isinstance(o, dict):
            self.obj(o, level)
        else:
            self.enter(o)
            self.value(self.enc.default(o), level)
            self.leave(o)

    def array(self, seq, level):
        out = self.out
        if not seq:
            out.append("[]")
            return
        self.enter(seq)
        if self.indent is not None:
            level += 1
            nl = "\n" + self.indent * level
            sep = self.enc.item_separator + nl
            out.append("[" + nl)
        else:
            nl = None
            sep = self.enc.item_separator
            out.append("[")
        first = True
        for item in seq:
            if not first:
                out.append(sep)
            first = False
            self.value(item, level)
        if nl is not None:
            out.append("\n" + self.indent * (level - 1))
        out.append("]")
        self.leave(seq)

    def key_text(self, key):
        if isinstance(key, str):
            return key
        if isinstance(key, float):
            return self.float_text(key)
        if key is True:
            return "true"
        if key is False:
            return "false"
        if key is None:
            return "null"
        if isinstance(key, int):
            return int.__repr__(key)
        if self.enc.skipkeys:
            return None
        raise TypeError("keys must be str, int, float, bool or None, not %s"
                        % key.__class__.__name__)

    def obj(self, dct, level):
        out = self.out
        if not dct:
            out.append("{}")
            return
        self.enter(dct)
        if self.indent is not None:
            level += 1
            nl = "\n" + self.indent * level
            sep = self.enc.item_separator + nl
            out.append("{" + nl)
        else:
            nl = None
            sep = self.enc.item_separator
            out.append("{")
        items = dct.items()
        if self.enc.sort_keys:
            items = sorted(items)
        first = True
        for key, val in items:
            text = self.key_text(key)
            if text is None:
                continue
            if not first:
                out.append(sep)
            first = False
            out.append(self.quote(text))
            out.append(self.enc.key_separator)
            self.value(val, level)
        if nl is not None:
            out.append("\n" + self.indent * (level - 1))
        out.append("}")
        self.leave(dct)


_default_encoder = JSONEncoder()


def dumps(obj, *, skipkeys=False, ensure_ascii=True, check_circular=True, allow_nan=True,
          cls=None, indent=None, separators=None, default=None, sort_keys=False, **kw):
    """Serialize obj to a JSON formatted str."""
    if (not skipkeys and ensure_ascii and check_circular and allow_nan and cls is None
            and indent is None and separators is None and default is None
            and not sort_keys and not kw):
        return _default_encoder.encode(obj)
    if cls is None:
        cls = JSONEncoder
    return cls(skipkeys=skipkeys, ensure_ascii=ensure_ascii, check_circular=check_circular,
               allow_nan=allow_nan, indent=indent, separators=separators, default=default,
               sort_keys=sort_keys, **kw).encode(obj)


def dump(obj, fp, *, skipkeys=False, ensure_ascii=True, check_circular=True, allow_nan=True,
         cls=None, indent=None, separators=None, default=None, sort_keys=False, **kw):
    """Serialize obj as a JSON formatted stream to the file-like object fp."""
    if cls is None:
        cls = JSONEncoder
    enc = cls(skipkeys=skipkeys, ensure_ascii=ensure_ascii, check_circular=check_circular,
              allow_nan=allow_nan, indent=indent, separators=separators, default=default,
              sort_keys=sort_keys, **kw)
    for chunk in enc.iterencode(obj):
        fp.write(chunk)


# ----------------------------------------------------------------------------------------
# Decoding

_WS = " \t\n\r"
_DIGITS = "0123456789"
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r",
            "t": "\t"}
_CONSTANTS = {"NaN": float("nan"), "Infinity": _INF, "-Infinity": -_INF}
_default_constant = _CONSTANTS.__getitem__


class JSONDecoder:
    """Configurable decoder; decode() parses a whole document, raw_decode() a prefix."""

    def __init__(self, *, object_hook=None, parse_float=None, parse_int=None,
                 parse_constant=None, strict=True, object_pairs_hook=None):
        self.object_hook = object_hook
        self.parse_float = parse_float or float
        self.parse_int = parse_int or int
        self.parse_constant = parse_constant or _default_constant
        self.strict = strict
        self.object_pairs_hook = object_pairs_hook

    def decode(self, s):
        end = len(s)
        i = _skip_ws(s, 0)
        obj, i = self.raw_decode(s, i)
        i = _skip_ws(s, i)
        if i != end:
            raise JSONDecodeError("Extra data", s, i)
        return obj

    def raw_decode(self, s, idx=0):
        if _native is not None:
            return _native.decode(
                s, idx, self.strict, self.object_hook, self.object_pairs_hook,
                None if self.parse_float is float else self.parse_float,
                None if self.parse_int is int else self.parse_int,
                None if self.parse_constant is _default_constant else self.parse_constant,
                JSONDecodeError)
        try:
            return _Parser(self, s).value(idx)
        except RecursionError:
            raise
        except _StopAt as stop:
            raise JSONDecodeError("Expecting value", s, stop.pos) from None


class _StopAt(Exception):
    def __init__(self, pos):
        Exception.__init__(self, pos)
        self.pos = pos


def _skip_ws(s, i):
    n = len(s)
    while i < n and s[i] in _WS:
        i += 1
    return i


class _Parser:
    def __init__(self, dec, s):
        self.dec = dec
        self.s = s
        self.n = len(s)

    def value(self, i):
        """Parse one value starting exactly at i; return (value, end)."""
        s = self.s
        if i >= self.n:
            raise _StopAt(i)
        ch = s[i]
        if ch == '"':
            return self.string(i + 1)
        if ch == "{":
            return self.obj(i + 1)
        if ch == "[":
            return self.array(i + 1)
        if ch == "n" and s.startswith("null", i):
            return None, i + 4
        if ch == "t" and s.startswith("true", i):
            return True, i + 4
        if ch == "f" and s.startswith("false", i):
            return False, i + 5
        if ch == "N" and s.startswith("NaN", i):
            return self.dec.parse_constant("NaN"), i + 3
        if ch == "I" and s.startswith("Infinity", i):
            return self.dec.parse_constant("Infinity"), i + 8
        if ch == "-" and s.startswith("-Infinity", i):
            return self.dec.parse_constant("-Infinity"), i + 9
        return self.number(i)

    def number(self, i):
        s = self.s
        n = self.n
        start = i
        if i < n and s[i] == "-":
            i += 1
        if i < n and s[i] == "0":
            i += 1
        elif i < n and "1" <= s[i] <= "9":
            i += 1
            while i < n and s[i] in _DIGITS:
                i += 1
        else:
            raise _StopAt(start)
        is_float = False
        if i + 1 < n and s[i] == "." and s[i + 1] in _DIGITS:
            i += 2
            while i < n and s[i] in _DIGITS:
                i += 1
            is_float = True
        if i < n and s[i] in "eE":
            j = i + 1
            if j < n and s[j] in "+-":
                j += 1
            if j < n and s[j] in _DIGITS:
                while j < n and s[j] in _DIGITS:
                    j += 1
                i = j
                is_float = True
        text = s[start:i]
        if is_float:
            return self.dec.parse_float(text), i
        return self.dec.parse_int(text), i

    def string(self, i):
        """Parse a string body starting after the opening quote at i - 1."""
        s = self.s
        n = self.n
        begin = i - 1
        chunks = []
        strict = self.dec.strict
        while True:
            j = i
            while j < n:
                c = s[j]
                if c == '"' or c == "\\" or (c < " " and strict):
                    break
                j += 1
            else:
                raise JSONDecodeError("Unterminated string starting at", s, begin)
            if j > i:
                chunks.append(s[i:j])
            c = s[j]
            if c == '"':
                return "".join(chunks), j + 1
            if c != "\\":
                raise JSONDecodeError("Invalid control character at", s, j)
            j += 1
            if j >= n:
                raise JSONDecodeError("Unterminated string starting at", s, begin)
            e = s[j]
            if e != "u":
                rep = _ESCAPES.get(e)
                if rep is None:
                    raise JSONDecodeError("Invalid \\escape", s, j - 1)
                chunks.append(rep)
                i = j + 1
                continue
            code = self.hex4(j + 1, j)
            i = j + 5
            if 0xD800 <= code <= 0xDBFF and s[i:i + 2] == "\\u":
                low = self.hex4(i + 2, i + 1)
                if 0xDC00 <= low <= 0xDFFF:
                    code = 0x10000 + (((code - 0xD800) << 10) | (low - 0xDC00))
                    i += 6
            chunks.append(chr(code))

    def hex4(self, i, errpos):
        text = self.s[i:i + 4]
        if len(text) == 4 and all(c in "0123456789abcdefABCDEF" for c in text):
            return int(text, 16)
        raise JSONDecodeError("Invalid \\uXXXX escape", self.s, errpos)

    def obj(self, i):
        s = self.s
        dec = self.dec
        pairs = []
        i = _skip_ws(s, i)
        if i < self.n and s[i] == "}":
            i += 1
        else:
            while True:
                if i >= self.n or s[i] != '"':
                    raise JSONDecodeError(
                        "Expecting property name enclosed in double quotes", s, i)
                key, i = self.string(i + 1)
                i = _skip_ws(s, i)
                if i >= self.n or s[i] != ":":
                    raise JSONDecodeError("Expecting ':' delimiter", s, i)
                i = _skip_ws(s, i + 1)
                try:
                    val, i = self.value(i)
                except _StopAt as stop:
                    raise JSONDecodeError("Expecting value", s, stop.pos) from None
                pairs.append((key, val))
                i = _skip_ws(s, i)
                if i < self.n and s[i] == "}":
                    i += 1
                    break
                if i >= self.n or s[i] != ",":
                    raise JSONDecodeError("Expecting ',' delimiter", s, i)
                i = _skip_ws(s, i + 1)
        if dec.object_pairs_hook is not None:
            return dec.object_pairs_hook(pairs), i
        result = dict(pairs)
        if dec.object_hook is not None:
            result = dec.object_hook(result)
        return result, i

    def array(self, i):
        s = self.s
        items = []
        i = _skip_ws(s, i)
        if i < self.n and s[i] == "]":
            return items, i + 1
        while True:
            try:
                val, i = self.value(i)
            except _StopAt as stop:
                raise JSONDecodeError("Expecting value", s, stop.pos) from None
            items.append(val)
            i = _skip_ws(s, i)
            if i < self.n and s[i] == "]":
                return items, i + 1
            if i >= self.n or s[i] != ",":
                raise JSONDecodeError("Expecting ',' delimiter", s, i)
            i = _skip_ws(s, i + 1)


_default_decoder = JSONDecoder()


def _detect_encoding(b):
    if b.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if b.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if len(b) >= 4:
        if not b[0]:
            return "utf-16-be" if b[1] else "utf-32-be"
        if not b[1]:
            return "utf-16-le" if b[2] or b[3] else "utf-32-le"
    elif len(b) == 2:
        if not b[0]:
            return "utf-16-be"
        if not b[1]:
            return "utf-16-le"
    return "utf-8"


def loads(s, *, cls=None, object_hook=None, parse_float=None, parse_int=None,
          parse_constant=None, object_pairs_hook=None, **kw):
    """Deserialize s (a str, bytes or bytearray holding a JSON document) to a Python object."""
    if isinstance(s, str):
        if s.startswith("\ufeff"):
            raise JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", s, 0)
    else:
        if not isinstance(s, (bytes, bytearray)):
            raise TypeError("the JSON object must be str, bytes or bytearray, not %s"
                            % s.__class__.__name__)
        s = bytes(s).decode(_detect_encoding(s), "surrogatepass")
    if (cls is None and object_hook is None and parse_int is None and parse_float is None
            and parse_constant is None and object_pairs_hook is None and not kw):
        return _default_decoder.decode(s)
    if cls is None:
        cls = JSONDecoder
    if object_hook is not None:
        kw["object_hook"] = object_hook
    if object_pairs_hook is not None:
        kw["object_pairs_hook"] = object_pairs_hook
    if parse_float is not None:
        kw["parse_float"] = parse_float
    if parse_int is not None:
        kw["parse_int"] = parse_int
    if parse_constant is not None:
        kw["parse_constant"] = parse_constant
    return cls(**kw).decode(s)


def load(fp, *, cls=None, object_hook=None, parse_float=None, parse_int=None,
         parse_constant=None, object_pairs_hook=None, **kw):
    """Deserialize the contents of the file-like object fp."""
    return loads(fp.read(), cls=cls, object_hook=object_hook, parse_float=parse_float,
                 parse_int=parse_int, parse_constant=parse_constant,
                 object_pairs_hook=object_pairs_hook, **kw)
