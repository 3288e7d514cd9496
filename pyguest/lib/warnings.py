"""Warning control (`warnings`), written for pyguest.

`warn` finds the warning's location from the caller's frame (`stacklevel`), applies the first
matching entry of `filters` (actions "error", "ignore", "always", "default", "module", "once")
with per-module `__warningregistry__` bookkeeping that is reset whenever the filters change,
and shows it with `showwarning`, which writes `formatwarning`'s
"file:line: Category: message\\n  source line\\n" to sys.stderr. `catch_warnings` saves and
restores the filters and `showwarning` (with `record=True` it returns the list of
`WarningMessage`s). The default filters are CPython 3.11's release-build ones.

Assumptions: `sys._getframe(depth)` with `f_globals`, `f_code`, `f_lineno`, `f_back`; message
and module patterns use `re` when it can be imported, otherwise a small matcher for literal
text with `.`, `.*` and backslash escapes (case-insensitive, anchored at the start).
"""

import sys

__all__ = ["warn", "warn_explicit", "showwarning", "formatwarning", "filterwarnings",
           "simplefilter", "resetwarnings", "catch_warnings"]

_ACTIONS = ("error", "ignore", "always", "default", "module", "once")


class _Pattern:
    """Stand-in for a compiled regex when `re` is unavailable: `.`, `.*`, escapes, literal."""

    def __init__(self, pattern, flags=0):
        self.pattern = pattern
        self._ci = bool(flags)

    def match(self, text):
        p = self.pattern.lower() if self._ci else self.pattern
        t = text.lower() if self._ci else text
        return self._m(p, 0, t, 0)

    def _m(self, p, i, t, j):
        while i < len(p):
            c = p[i]
            if c == "$" and i == len(p) - 1:
                return j == len(t)
            if c == "\\" and i + 1 < len(p):
                c = p[i + 1]
                i += 1
                lit = True
            else:
                lit = False
            star = i + 1 < len(p) and p[i + 1] == "*"
            if star:
                k = j
                while True:
                    if self._m(p, i + 2, t, k):
                        return True
                    if k < len(t) and ((c == "." and not lit) or t[k] == c):
                        k += 1
                    else:
                        return False
            if j < len(t) and ((c == "." and not lit) or t[j] == c):
                i += 1
                j += 1
                continue
            return False
        return True

    def __eq__(self, other):
        return isinstance(other, _Pattern) and other.pattern == self.pattern

    def __hash__(self):
        return hash(self.pattern)

    def __repr__(self):
        return "re.compile(%r, re.IGNORECASE)" % self.pattern


def _compile(pattern, ignore_case):
    try:
        import re
        return re.compile(pattern, re.I if ignore_case else 0)
    except ImportError:
        return _Pattern(pattern, ignore_case)


class _Version:
    value = 0


_version = _Version()


def _filters_mutated():
    _version.value += 1


filters = []
defaultaction = "default"
onceregistry = {}


def _add_filter(*item, append):
    if not append:
        try:
            filters.remove(item)
        except ValueError:
            pass
        filters.insert(0, item)
    elif item not in filters:
        filters.append(item)
    _filters_mutated()


def filterwarnings(action, message="", category=Warning, module="", lineno=0, append=False):
    """Insert an entry into the warnings filter list (at the front unless append)."""
    if action not in _ACTIONS:
        raise AssertionError("invalid action: %r" % (action,))
    if not isinstance(message, str):
        raise AssertionError("message must be a string")
    if not isinstance(category, type) or not issubclass(category, Warning):
        raise AssertionError("category must be a Warning subclass")
    if not isinstance(module, str):
        raise AssertionError("module must be a string")
    if not isinstance(lineno, int) or lineno < 0:
        raise AssertionError("lineno must be an int >= 0")
    msg = _compile(message, True) if message else None
    mod = _compile(module + "$" if module else module, False) if module else None
    _add_filter(action, msg, category, mod, lineno, append=append)


def simplefilter(action, category=Warning, lineno=0, append=False):
    """Insert a simple entry (no message or module pattern) into the filter list."""
    if action not in _ACTIONS:
        raise AssertionError("invalid action: %r" % (action,))
    if not isinstance(lineno, int) or lineno < 0:
        raise AssertionError("lineno must be an int >= 0")
    _add_filter(action, None, category, None, lineno, append=append)


def resetwarnings():
    """Clear the filter list (every warning then gets the default action)."""
    filters[:] = []
    _filters_mutated()


class WarningMessage:
    """One recorded warning (what catch_warnings(record=True) collects)."""

    _WARNING_DETAILS = ("message", "category", "filename", "lineno", "file", "line", "source")

    def __init__(self, message, category, filename, lineno, file=None, line=None, source=None):
        self.message = message
        self.category = category
        self.filename = filename
        self.lineno = lineno
        self.file = file
        self.line = line
        self.source = source
        self._category_name = category.__name__ if category else None

    def __str__(self):
        return ("{message : %r, category : %r, filename : %r, lineno : %s, line : %r}"
                % (self.message, self._category_name, self.filename, self.lineno, self.line))


def _source_line(filename, lineno):
    try:
        import linecache
        return linecache.getline(filename, lineno)
    except Exception:
        return ""


def formatwarning(message, category, filename, lineno, line=None):
    """The text showwarning prints: 'file:line: Category: message' and the source line."""
    s = "%s:%s: %s: %s\n" % (filename, lineno, category.__name__, message)
    if line is None:
        line = _source_line(filename, lineno)
    if line:
        s += "  %s\n" % line.strip()
    return s


def _showwarnmsg_impl(msg):
    file = msg.file
    if file is None:
        file = sys.stderr
        if file is None:
            return
    text = formatwarning(msg.message, msg.category, msg.filename, msg.lineno, msg.line)
    try:
        file.write(text)
    except OSError:
        pass


def showwarning(message, category, filename, lineno, file=None, line=None):
    """Write a warning to `file` (default sys.stderr); replaceable hook."""
    _showwarnmsg_impl(WarningMessage(message, category, filename, lineno, file, line))


_showwarning_orig = showwarning


def _showwarnmsg(msg):
    sw = globals()["showwarning"]
    if sw is not _showwarning_orig:
        if not callable(sw):
            raise TypeError("warnings.showwarning() must be set to a function or method")
        sw(msg.message, msg.category, msg.filename, msg.lineno, msg.file, msg.line)
        return
    _showwarnmsg_impl(msg)


def _frame_info(stacklevel):
    try:
        frame = sys._getframe(stacklevel + 1)
    except ValueError:
        return sys.__dict__, "sys", 1
    return frame.f_globals, frame.f_code.co_filename, frame.f_lineno


def warn(message, category=None, stacklevel=1, source=None):
    """Issue a warning (or raise it, if a filter says "error")."""
    if isinstance(message, Warning):
        category = message.__class__
    if category is None:
        category = UserWarning
    if not (isinstance(category, type) and issubclass(category, Warning)):
        raise TypeError("category must be a Warning subclass, not '{:s}'"
                        .format(type(category).__name__))
    globals_, filename, lineno = _frame_info(stacklevel)
    module = globals_.get("__name__", "<string>") if isinstance(globals_, dict) else "<string>"
    if isinstance(globals_, dict):
        registry = globals_.get("__warningregistry__")
        if registry is None:
            registry = {}
            globals_["__warningregistry__"] = registry
    else:
        registry = {}
    warn_explicit(message, category, filename, lineno, module, registry, globals_, source)


def warn_explicit(message, category, filename, lineno, module=None, registry=None,
                  module_globals=None, source=None):
    """Issue a warning with an explicit location (the low-level form of warn)."""
    lineno = int(lineno)
    if module is None:
        module = filename or "<unknown>"
        if module[-3:].lower() == ".py":
            module = module[:-3]
    if registry is None:
        registry = {}
    if registry.get("version", 0) != _version.value:
        registry.clear()
        registry["version"] = _version.value
    if isinstance(message, Warning):
        text = str(message)
        category = message.__class__
    else:
        text = message
        message = category(message)
    key = (text, category, lineno)
    if registry.get(key):
        return
    for item in filters:
        action, msg, cat, mod, ln = item
        if ((msg is None or msg.match(text)) and issubclass(category, cat)
                and (mod is None or mod.match(module)) and (ln == 0 or lineno == ln)):
            break
    else:
        action = defaultaction
    if action == "ignore":
        return
    if action == "error":
        raise message
    if action == "once":
        registry[key] = 1
        oncekey = (text, category)
        if onceregistry.get(oncekey):
            return
        onceregistry[oncekey] = 1
    elif action == "always":
        pass
    elif action == "module":
        registry[key] = 1
        altkey = (text, category, 0)
        if registry.get(altkey):
            return
        registry[altkey] = 1
    elif action == "default":
        registry[key] = 1
    else:
        raise RuntimeError("Unrecognized action (%r) in warnings.filters:\n %s"
                           % (action, item))
    _showwarnmsg(WarningMessage(message, category, filename, lineno, source=source))


class catch_warnings:
    """Context manager saving and restoring the warning filters and showwarning.

    With record=True, `__enter__` returns a list that receives a WarningMessage per warning.
    """

    def __init__(self, *, record=False, module=None, action=None, category=Warning, lineno=0,
                 append=False):
        self._record = record
        self._module = sys.modules["warnings"] if module is None else module
        self._entered = False
        if action is None:
            self._filter = None
        else:
            self._filter = (action, category, lineno, append)

    def __repr__(self):
        args = []
        if self._record:
            args.append("record=True")
        if self._module is not sys.modules["warnings"]:
            args.append("module=%r" % self._module)
        return "%s(%s)" % (type(self).__name__, ", ".join(args))

    def __enter__(self):
        if self._entered:
            raise RuntimeError("Cannot enter %r twice" % self)
        self._entered = True
        mod = self._module
        self._filters = mod.filters
        mod.filters = self._filters[:]
        _set_filters(mod, mod.filters)
        mod._filters_mutated()
        self._showwarning = mod.showwarning
        if self._filter is not None:
            mod.simplefilter(*self._filter)
        if self._record:
            log = []

            def record(message, category, filename, lineno, file=None, line=None):
                log.append(WarningMessage(message, category, filename, lineno, file, line))
            mod.showwarning = record
            return log
        return None

    def __exit__(self, *exc_info):
        if not self._entered:
            raise RuntimeError("Cannot exit %r without entering first" % self)
        mod = self._module
        mod.filters = self._filters
        _set_filters(mod, mod.filters)
        mod._filters_mutated()
        mod.showwarning = self._showwarning


def _set_filters(mod, lst):
    # functions in this module refer to the global `filters`; keep it the module's list
    if mod is sys.modules.get(__name__):
        globals()["filters"] = lst


# CPython 3.11's default filters for a release build
filters.append(("default", None, DeprecationWarning, _compile("__main__$", False), 0))
filters.append(("ignore", None, DeprecationWarning, None, 0))
filters.append(("ignore", None, PendingDeprecationWarning, None, 0))
filters.append(("ignore", None, ImportWarning, None, 0))
filters.append(("ignore", None, ResourceWarning, None, 0))

for _arg in getattr(sys, "warnoptions", ()):
    _parts = (_arg.split(":") + [""] * 5)[:5]
    if _parts[0] in _ACTIONS or not _parts[0]:
        simplefilter(_parts[0] or "default")


_DEPRECATED_MSG = "{name!r} is deprecated and slated for removal in Python {remove}"


def _deprecated(name, message=_DEPRECATED_MSG, *, remove, _version=sys.version_info):
    """Warn that module `name` goes away in version `remove` (a (major, minor) pair); raise
    RuntimeError once that version's alpha is past (CPython's helper, used by its modules)."""
    where = "%d.%d" % (remove[0], remove[1])
    current = tuple(_version[:2])
    if current > tuple(remove) or (current == tuple(remove) and _version[3] != "alpha"):
        raise RuntimeError("%r was slated for removal after Python %s alpha" % (name, where))
    warn(message.format(name=name, remove=where), DeprecationWarning, stacklevel=3)
