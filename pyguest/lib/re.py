"""Regular expressions (the API of CPython 3.11's `re`), over pyguest's native `_pyre` engine.

The parser, compiler and backtracking matcher are Rust (pyguest/src/re/); this module holds the
Python-visible objects: `Pattern`, `Match`, `error`, the flags, the module-level functions,
replacement templates (`\\1`, `\\g<name>`) and the compile cache.

`_pyre.compile` returns an id (or a (None, message, position) error triple); `_pyre.match`
returns a tuple (lastindex, start0, end0, start1, end1, ...) with -1 for unmatched groups;
`findall`, `sub` (with a parsed template) and `split` run entirely in Rust.
"""

import _pyre

__all__ = [
    "match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer",
    "compile", "purge", "template", "escape", "error", "Pattern", "Match", "A", "I", "L",
    "M", "S", "X", "U", "ASCII", "IGNORECASE", "LOCALE", "MULTILINE", "DOTALL", "VERBOSE",
    "UNICODE", "NOFLAG", "RegexFlag",
]

_MAXSIZE = 9223372036854775807

_FLAG_NAMES = [
    (1, "TEMPLATE"), (2, "IGNORECASE"), (4, "LOCALE"), (8, "MULTILINE"), (16, "DOTALL"),
    (32, "UNICODE"), (64, "VERBOSE"), (128, "DEBUG"), (256, "ASCII"),
]


class RegexFlag(int):
    """The flag constants: ints that print as `re.NAME|re.NAME`."""

    def __repr__(self):
        v = int(self)
        if v == 0:
            return "re.NOFLAG"
        parts = []
        for bit, name in _FLAG_NAMES:
            if v & bit:
                parts.append("re." + name)
                v &= ~bit
        if v:
            parts.append(hex(v))
        return "|".join(parts)

    __str__ = __repr__

    def __format__(self, spec):
        return format(int(self), spec)

    def __or__(self, other):
        if isinstance(other, int):
            return RegexFlag(int(self) | int(other))
        return NotImplemented

    __ror__ = __or__

    def __and__(self, other):
        if isinstance(other, int):
            return RegexFlag(int(self) & int(other))
        return NotImplemented

    __rand__ = __and__

    def __xor__(self, other):
        if isinstance(other, int):
            return RegexFlag(int(self) ^ int(other))
        return NotImplemented

    __rxor__ = __xor__

    def __invert__(self):
        return RegexFlag(~int(self) & 511)


NOFLAG = RegexFlag(0)
TEMPLATE = T = RegexFlag(1)
IGNORECASE = I = RegexFlag(2)
LOCALE = L = RegexFlag(4)
MULTILINE = M = RegexFlag(8)
DOTALL = S = RegexFlag(16)
UNICODE = U = RegexFlag(32)
VERBOSE = X = RegexFlag(64)
DEBUG = RegexFlag(128)
ASCII = A = RegexFlag(256)


class error(Exception):
    """A pattern or replacement template is invalid.

    Attributes: msg (the bare message), pattern, pos, lineno, colno."""

    def __init__(self, msg, pattern=None, pos=None):
        self.msg = msg
        self.pattern = pattern
        self.pos = pos
        if pattern is not None and pos is not None:
            msg = "%s at position %d" % (msg, pos)
            nl = "\n" if isinstance(pattern, str) else b"\n"
            before = pattern[:pos]
            self.lineno = before.count(nl) + 1
            last = before.rfind(nl)
            self.colno = pos - last
            if nl in pattern:
                msg = "%s (line %d, column %d)" % (msg, self.lineno, self.colno)
        else:
            self.lineno = self.colno = None
        super().__init__(msg)


PatternError = error


class _MappingProxy(dict):
    """Read-only dict shown as `mappingproxy({...})` (the type of `Pattern.groupindex`)."""

    def __repr__(self):
        return "mappingproxy(%s)" % dict.__repr__(self)

    def _readonly(self, *args, **kwargs):
        raise TypeError("'mappingproxy' object does not support item assignment")

    __setitem__ = __delitem__ = _readonly
    update = pop = popitem = clear = setdefault = _readonly


def _flag_value(flags):
    if isinstance(flags, int):
        return int(flags)
    raise TypeError("flags must be an int, not %s" % type(flags).__name__)


class Pattern:
    """A compiled regular expression."""

    def __init__(self, pattern, flags):
        flags = _flag_value(flags)
        is_str = isinstance(pattern, str)
        if is_str:
            if flags & LOCALE:
                raise ValueError("cannot use LOCALE flag with a str pattern")
        else:
            if flags & UNICODE:
                raise ValueError("cannot use UNICODE flag with a bytes pattern")
            if flags & LOCALE and flags & ASCII:
                raise ValueError("ASCII and LOCALE flags are incompatible")
        r = _pyre.compile(pattern, flags)
        if r[0] is None:
            raise error(r[1], pattern, None if r[2] < 0 else r[2])
        self._id, self.groups, names, final = r
        # plain ints (not RegexFlag), as CPython's Pattern.flags
        final = int(final) | (flags & 0x1DB)
        if is_str:
            if final & 256 and final & 32:
                raise ValueError("ASCII and UNICODE flags are incompatible")
            if not final & 256:
                final |= 32
        self.pattern = pattern
        self.flags = final
        self.groupindex = _MappingProxy(names)
        self._names = {}
        for name, idx in names:
            self._names[idx] = name
        self._templates = {}

    def __repr__(self):
        flags = self.flags
        if isinstance(self.pattern, str):
            flags &= ~UNICODE
        text = repr(self.pattern)[:200]
        if flags:
            return "re.compile(%s, %r)" % (text, RegexFlag(flags))
        return "re.compile(%s)" % text

    def __eq__(self, other):
        if not isinstance(other, Pattern):
            return NotImplemented
        return self.pattern == other.pattern and self.flags == other.flags

    def __hash__(self):
        return hash((self.pattern, self.flags))

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def _bounds(self, string, pos, endpos):
        n = len(string)
        if pos < 0:
            pos = 0
        elif pos > n:
            pos = n
        if endpos < 0:
            endpos = 0
        elif endpos > n:
            endpos = n
        return pos, endpos

    def match(self, string, pos=0, endpos=_MAXSIZE):
        return _pyre.match(self._id, string, pos, endpos, 0, self)

    def fullmatch(self, string, pos=0, endpos=_MAXSIZE):
        return _pyre.match(self._id, string, pos, endpos, 1, self)

    def search(self, string, pos=0, endpos=_MAXSIZE):
        return _pyre.match(self._id, string, pos, endpos, 2, self)

    def findall(self, string, pos=0, endpos=_MAXSIZE):
        pos, endpos = self._bounds(string, pos, endpos)
        return _pyre.findall(self._id, string, pos, endpos)

    def finditer(self, string, pos=0, endpos=_MAXSIZE):
        pos, endpos = self._bounds(string, pos, endpos)
        return self._iter(string, pos, endpos)

    def _iter(self, string, pos, endpos):
        mode = 2
        first = pos
        while pos <= endpos:
            m = _pyre.match(self._id, string, pos, endpos, mode, self)
            if m is None:
                return
            m.pos = first
            yield m
            r = m._spans
            s, e = r[1], r[2]
            mode = 6 if s == e else 2
            pos = e

    def scanner(self, string, pos=0, endpos=_MAXSIZE):
        return _Scanner(self, string, pos, endpos)

    def split(self, string, maxsplit=0):
        if maxsplit < 0:
            return [string]
        return _pyre.split(self._id, string, maxsplit)

    def _template(self, repl):
        t = self._templates.get(repl)
        if t is None:
            t = _parse_template(repl, self)
            if len(self._templates) > 100:
                self._templates.clear()
            self._templates[repl] = t
        return t

    def subn(self, repl, string, count=0):
        if count < 0:
            return (string[:0] + string, 0) if False else (string, 0)
        if isinstance(repl, (str, bytes)):
            if isinstance(repl, str) != isinstance(self.pattern, str):
                if isinstance(repl, str):
                    raise TypeError("expected a bytes-like object, str found")
                raise TypeError("expected str instance, %s found" % type(repl).__name__)
            return _pyre.sub(self._id, self._template(repl), string, count)
        if not callable(repl):
            raise TypeError("expected str or bytes-like object")
        parts = []
        last = 0
        n = 0
        for m in self.finditer(string):
            if count and n >= count:
                break
            s, e = m.span()
            parts.append(string[last:s])
            r = repl(m)
            if r is not None:
                parts.append(r)
            last = e
            n += 1
        parts.append(string[last:])
        return string[:0].join(parts), n

    def sub(self, repl, string, count=0):
        return self.subn(repl, string, count)[0]


class _Scanner:
    def __init__(self, pattern, string, pos, endpos):
        self.pattern = pattern
        self._string = string
        self._pos, self._endpos = pattern._bounds(string, pos, endpos)
        self._first = self._pos
        self._adv = False

    def _next(self, mode):
        if self._pos > self._endpos:
            return None
        m = _pyre.match(self.pattern._id, self._string, self._pos, self._endpos,
                        mode | (4 if self._adv else 0), self.pattern)
        if m is None:
            return None
        m.pos = self._first
        r = m._spans
        self._adv = r[1] == r[2]
        self._pos = r[2]
        return m

    def match(self):
        return self._next(0)

    def search(self):
        return self._next(2)


class Match:
    """The result of a successful match. Instances are made by `_pyre.match`, which sets
    `re`, `string`, `pos`, `endpos`, `lastindex` and `_spans` (lastindex, start0, end0,
    start1, ...: -1 for unmatched groups); the hot accessors are native."""

    group = _pyre.group
    __getitem__ = _pyre.group
    groups = _pyre.groups
    span = _pyre.span
    start = _pyre.start
    end = _pyre.end

    def _index(self, g):
        if isinstance(g, int):
            if 0 <= g <= self.re.groups:
                return g
        elif isinstance(g, (str, bytes)):
            idx = self.re.groupindex.get(g)
            if idx is not None:
                return idx
        raise IndexError("no such group")

    def _group(self, i, default=None):
        s = self._spans[2 * i + 1]
        if s < 0:
            return default
        return self.string[s:self._spans[2 * i + 2]]

    def groupdict(self, default=None):
        d = {}
        for name, i in self.re.groupindex.items():
            d[name] = self._group(i, default)
        return d

    @property
    def regs(self):
        return tuple([(self._spans[2 * i + 1], self._spans[2 * i + 2])
                      for i in range(self.re.groups + 1)])

    @property
    def lastgroup(self):
        if self.lastindex is None:
            return None
        return self.re._names.get(self.lastindex)

    def expand(self, template):
        out = []
        for piece in _parse_template(template, self.re):
            if isinstance(piece, int):
                v = self._group(piece)
                if v is not None:
                    out.append(v)
            else:
                out.append(piece)
        return template[:0].join(out)

    def __bool__(self):
        return True

    def __repr__(self):
        return "<re.Match object; span=(%d, %d), match=%r>" % (
            self._spans[1], self._spans[2], self._group(0))

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


_pyre.init(Match)


def _parse_template(repl, pattern):
    """Splits a replacement template into literal pieces and group numbers."""
    is_str = isinstance(repl, str)
    if is_str:
        if "\\" not in repl:
            return [repl]
        chars = repl
    else:
        if b"\\" not in repl:
            return [bytes(repl)]
        chars = repl.decode("latin-1")
    out = []
    lit = []
    i = 0
    n = len(chars)
    groups = pattern.groups
    while i < n:
        c = chars[i]
        if c != "\\":
            lit.append(c)
            i += 1
            continue
        start = i
        i += 1
        if i >= n:
            raise error("bad escape (end of pattern)", repl, start)
        c = chars[i]
        i += 1
        g = None
        if c == "g":
            if i >= n or chars[i] != "<":
                raise error("missing <", repl, i)
            j = chars.find(">", i + 1)
            if j < 0:
                raise error("missing >, unterminated name", repl, i + 1)
            name = chars[i + 1:j]
            if not name:
                raise error("missing group name", repl, i + 1)
            if name.isdigit() and name.isascii():
                g = int(name)
                if g > groups:
                    raise error("invalid group reference %d" % g, repl, i + 1)
            elif name.isidentifier():
                if name not in pattern.groupindex:
                    raise IndexError("unknown group name '%s'" % name)
                g = pattern.groupindex[name]
            else:
                raise error("bad character in group name %r" % name, repl, i + 1)
            i = j + 1
        elif c == "0":
            v = 0
            k = 0
            while k < 2 and i < n and chars[i] in "01234567":
                v = v * 8 + int(chars[i])
                i += 1
                k += 1
            lit.append(chr(v))
        elif c in "123456789":
            if (i + 1 < n and c in "01234567" and chars[i] in "01234567"
                    and chars[i + 1] in "01234567"):
                v = int(chars[i - 1:i + 2], 8)
                if v > 0o377:
                    raise error("octal escape value \\%s outside of range 0-0o377"
                                % chars[i - 1:i + 2], repl, start)
                lit.append(chr(v))
                i += 2
            else:
                g = int(c)
                if i < n and chars[i] in "0123456789":
                    g = g * 10 + int(chars[i])
                    i += 1
                if g > groups:
                    raise error("invalid group reference %d" % g, repl, start + 1)
        else:
            esc = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t",
                   "v": "\v", "\\": "\\"}.get(c)
            if esc is not None:
                lit.append(esc)
            elif c.isascii() and c.isalpha():
                raise error("bad escape \\%s" % c, repl, start)
            else:
                lit.append("\\")
                lit.append(c)
        if g is not None:
            if lit:
                out.append("".join(lit))
                lit = []
            out.append(g)
    if lit:
        out.append("".join(lit))
    if not is_str:
        out = [p if isinstance(p, int) else p.encode("latin-1") for p in out]
    return out


_cache = {}
_MAXCACHE = 512


def _compile(pattern, flags):
    if isinstance(flags, RegexFlag):
        flags = int(flags)
    key = (type(pattern), pattern, flags)
    p = _cache.get(key)
    if p is not None:
        return p
    if isinstance(pattern, Pattern):
        if flags:
            raise ValueError("cannot process flags argument with a compiled pattern")
        return pattern
    if not isinstance(pattern, (str, bytes)):
        raise TypeError("first argument must be string or compiled pattern")
    p = Pattern(pattern, flags)
    if len(_cache) >= _MAXCACHE:
        _cache.clear()
    _cache[key] = p
    return p


def compile(pattern, flags=0):
    return _compile(pattern, flags)


def match(pattern, string, flags=0):
    return _compile(pattern, flags).match(string)


def fullmatch(pattern, string, flags=0):
    return _compile(pattern, flags).fullmatch(string)


def search(pattern, string, flags=0):
    return _compile(pattern, flags).search(string)


def findall(pattern, string, flags=0):
    return _compile(pattern, flags).findall(string)


def finditer(pattern, string, flags=0):
    return _compile(pattern, flags).finditer(string)


def sub(pattern, repl, string, count=0, flags=0):
    return _compile(pattern, flags).subn(repl, string, count)[0]


def subn(pattern, repl, string, count=0, flags=0):
    return _compile(pattern, flags).subn(repl, string, count)


def split(pattern, string, maxsplit=0, flags=0):
    return _compile(pattern, flags).split(string, maxsplit)


def purge():
    _cache.clear()


def template(pattern, flags=0):
    return _compile(pattern, flags | TEMPLATE)


_SPECIAL = frozenset("()[]{}?*+-|^$\\.&~# \t\n\r\v\f")


def escape(pattern):
    if isinstance(pattern, str):
        return "".join(["\\" + c if c in _SPECIAL else c for c in pattern])
    text = pattern.decode("latin-1")
    return "".join(["\\" + c if c in _SPECIAL else c for c in text]).encode("latin-1")
