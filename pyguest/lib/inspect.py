"""Live-object introspection (`inspect`) for pyguest, the commonly used part of CPython 3.11's:

* type tests: `isclass`, `isfunction`, `ismethod`, `ismodule`, `isbuiltin`, `isroutine`,
  `isgenerator`, `isgeneratorfunction`, `iscode`, `isframe`, `istraceback`, `isabstract`,
  `isdatadescriptor`, `ismethoddescriptor`, `isawaitable` and the coroutine/async tests
  (always False: pyguest has no `async def`);
* `getmembers`, `getmro`, `getdoc`, `cleandoc`, `getmodule`, `getmodulename`, `getfile`, `getsourcefile`,
  `getsourcelines`, `getsource` (read from the file named by the code object), `unwrap`,
  `currentframe`;
* `signature` / `Signature` / `Parameter` (kinds, defaults, annotations, `bind`,
  `bind_partial`, `replace`, `str()` as CPython), `getfullargspec`, `FullArgSpec`.

Signatures of built-in functions are not known (ValueError, as for CPython builtins without
text signatures); classes use `__init__`/`__new__`, objects their `__call__`.
"""

import sys
from collections import namedtuple

CO_OPTIMIZED = 1
CO_NEWLOCALS = 2
CO_VARARGS = 4
CO_VARKEYWORDS = 8
CO_NESTED = 16
CO_GENERATOR = 32
CO_NOFREE = 64
CO_COROUTINE = 128
CO_ITERABLE_COROUTINE = 256
CO_ASYNC_GENERATOR = 512

TPFLAGS_IS_ABSTRACT = 1 << 20


def _type_name_is(obj, *names):
    return type(obj).__name__ in names


def ismodule(object):
    return _type_name_is(object, "module")


def isclass(object):
    return isinstance(object, type)


def ismethod(object):
    return _type_name_is(object, "method")


def isfunction(object):
    return _type_name_is(object, "function")


def isbuiltin(object):
    return _type_name_is(object, "builtin_function_or_method")


def isroutine(object):
    return (isbuiltin(object) or isfunction(object) or ismethod(object)
            or ismethoddescriptor(object))


def ismethoddescriptor(object):
    if isclass(object) or ismethod(object) or isfunction(object):
        return False
    tp = type(object)
    return _type_name_is(object, "method_descriptor", "wrapper_descriptor",
                         "classmethod_descriptor") or (
        hasattr(tp, "__get__") and not hasattr(tp, "__set__")
        and not isinstance(object, (staticmethod, classmethod, property))
        and _type_name_is(object, "staticmethod", "classmethod"))


def isdatadescriptor(object):
    if isclass(object) or ismethod(object) or isfunction(object):
        return False
    if isinstance(object, property):
        return True
    tp = type(object)
    return hasattr(tp, "__set__") or hasattr(tp, "__delete__")


def isgenerator(object):
    return _type_name_is(object, "generator")


def _code_flags(f):
    code = getattr(f, "__code__", None)
    return getattr(code, "co_flags", 0) if code is not None else 0


def isgeneratorfunction(obj):
    while ismethod(obj):
        obj = obj.__func__
    return isfunction(obj) and bool(_code_flags(obj) & CO_GENERATOR)


def iscoroutinefunction(obj):
    while ismethod(obj):
        obj = obj.__func__
    return isfunction(obj) and bool(_code_flags(obj) & CO_COROUTINE)


def isasyncgenfunction(obj):
    while ismethod(obj):
        obj = obj.__func__
    return isfunction(obj) and bool(_code_flags(obj) & CO_ASYNC_GENERATOR)


def iscoroutine(object):
    return _type_name_is(object, "coroutine")


def isasyncgen(object):
    return _type_name_is(object, "async_generator")


def isawaitable(object):
    return (iscoroutine(object) or hasattr(type(object), "__await__")
            or (isgenerator(object)
                and bool(object.gi_code.co_flags & CO_ITERABLE_COROUTINE)))


GEN_CREATED = "GEN_CREATED"
GEN_RUNNING = "GEN_RUNNING"
GEN_SUSPENDED = "GEN_SUSPENDED"
GEN_CLOSED = "GEN_CLOSED"


def getgeneratorstate(generator):
    """One of GEN_CREATED, GEN_RUNNING, GEN_SUSPENDED, GEN_CLOSED."""
    if generator.gi_running:
        return GEN_RUNNING
    if generator.gi_suspended:
        return GEN_SUSPENDED
    if generator.gi_frame is None:
        return GEN_CLOSED
    return GEN_CREATED


CORO_CREATED = "CORO_CREATED"
CORO_RUNNING = "CORO_RUNNING"
CORO_SUSPENDED = "CORO_SUSPENDED"
CORO_CLOSED = "CORO_CLOSED"


def getcoroutinestate(coroutine):
    """One of CORO_CREATED, CORO_RUNNING, CORO_SUSPENDED, CORO_CLOSED."""
    if coroutine.cr_running:
        return CORO_RUNNING
    if coroutine.cr_suspended:
        return CORO_SUSPENDED
    if coroutine.cr_frame is None:
        return CORO_CLOSED
    return CORO_CREATED


def iscode(object):
    return _type_name_is(object, "code")


def isframe(object):
    return _type_name_is(object, "frame")


def istraceback(object):
    return _type_name_is(object, "traceback")


def isabstract(object):
    return bool(isinstance(object, type) and getattr(object, "__abstractmethods__", None))


def ismemberdescriptor(object):
    return _type_name_is(object, "member_descriptor")


def isgetsetdescriptor(object):
    return _type_name_is(object, "getset_descriptor")


def getmro(cls):
    return cls.__mro__


def getmembers(object, predicate=None):
    """(name, value) pairs of the attributes of `object`, sorted by name."""
    results = []
    processed = set()
    names = dir(object)
    for key in names:
        try:
            value = getattr(object, key)
            if key in processed:
                raise AttributeError
        except AttributeError:
            continue
        if not predicate or predicate(value):
            results.append((key, value))
        processed.add(key)
    results.sort(key=lambda pair: pair[0])
    return results


def getmembers_static(object, predicate=None):
    return getmembers(object, predicate)


def cleandoc(doc):
    """Remove the common indentation of a docstring's lines (after the first) and leading
    and trailing blank lines."""
    lines = doc.expandtabs().split("\n")
    margin = sys.maxsize
    for line in lines[1:]:
        content = len(line.lstrip())
        if content:
            indent = len(line) - content
            margin = min(margin, indent)
    if lines:
        lines[0] = lines[0].lstrip()
    if margin < sys.maxsize:
        for i in range(1, len(lines)):
            lines[i] = lines[i][margin:]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines)


def _finddoc(obj):
    if isclass(obj):
        for base in obj.__mro__:
            if base is not object:
                doc = base.__dict__.get("__doc__")
                if doc is not None:
                    return doc
        return None
    if ismethod(obj):
        name = obj.__func__.__name__
        self = obj.__self__
        cls = self if isclass(self) else type(self)
    elif isfunction(obj):
        name = obj.__name__
        qual = obj.__qualname__.split(".")
        if len(qual) < 2:
            return None
        cls = getattr(sys.modules.get(obj.__module__), qual[-2], None)
        if not isclass(cls):
            return None
    elif isinstance(obj, property):
        return None
    else:
        return None
    for base in cls.__mro__[1:]:
        attr = base.__dict__.get(name)
        if attr is not None:
            doc = getattr(attr, "__doc__", None)
            if doc is not None:
                return doc
    return None


def getdoc(object):
    """The cleaned-up docstring of `object`, inherited from a base class when missing."""
    try:
        doc = object.__doc__
    except AttributeError:
        return None
    if doc is None:
        try:
            doc = _finddoc(object)
        except (AttributeError, TypeError):
            return None
    if not isinstance(doc, str):
        return None
    return cleandoc(doc)


def getmodule(object, _filename=None):
    if ismodule(object):
        return object
    name = getattr(object, "__module__", None)
    if name is not None:
        return sys.modules.get(name)
    return None


def unwrap(func, *, stop=None):
    """Follow the chain of `__wrapped__` attributes (set by `functools.wraps`)."""
    f = func
    memo = {id(f): f}
    while hasattr(func, "__wrapped__"):
        if stop is not None and stop(func):
            break
        func = func.__wrapped__
        if id(func) in memo or len(memo) >= sys.getrecursionlimit():
            raise ValueError("wrapper loop when unwrapping {!r}".format(f))
        memo[id(func)] = func
    return func


def _get_code(object):
    if ismethod(object):
        object = object.__func__
    if isfunction(object):
        object = object.__code__
    if iscode(object):
        return object
    return None


def getmodulename(path):
    """The module name a file name would import as ('a/b.py' -> 'b'), or None."""
    fname = path.rsplit("/", 1)[-1]
    for suffix in (".pyc", ".py"):
        if fname.endswith(suffix):
            return fname[:-len(suffix)]
    return None


def getfile(object):
    """The file in which an object was defined."""
    if ismodule(object):
        f = getattr(object, "__file__", None)
        if f:
            return f
        raise TypeError("{!r} is a built-in module".format(object))
    if isclass(object):
        mod = sys.modules.get(object.__module__)
        f = getattr(mod, "__file__", None)
        if f:
            return f
        raise TypeError("{!r} is a built-in class".format(object))
    code = _get_code(object)
    if code is not None:
        return code.co_filename
    raise TypeError("module, class, method, function, traceback, frame, or "
                    "code object was expected, got {}".format(type(object).__name__))


def getsourcefile(object):
    f = getfile(object)
    if f.startswith("<"):
        return None
    return f


def _read_lines(filename):
    try:
        with open(filename) as fh:
            return fh.read().splitlines(True)
    except (OSError, TypeError):
        raise OSError("could not get source code")


def _block(lines, start):
    """The lines of the definition starting at index `start` (decorators included)."""
    first = lines[start]
    indent = len(first) - len(first.lstrip())
    end = start + 1
    # skip decorators to the def/class line
    i = start
    while i < len(lines) and lines[i].lstrip().startswith("@"):
        i += 1
    end = i + 1
    depth = 0
    for ch in lines[i] if i < len(lines) else "":
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
    while end < len(lines) and depth > 0:
        for ch in lines[end]:
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                depth -= 1
        end += 1
    last = end
    while end < len(lines):
        line = lines[end]
        if line.strip():
            if len(line) - len(line.lstrip()) <= indent:
                break
            last = end + 1
        end += 1
    return lines[start:last]


def getsourcelines(object):
    object = unwrap(object)
    lines = _read_lines(getsourcefile(object) or getfile(object))
    if ismodule(object):
        return lines, 0
    if isclass(object):
        name = object.__name__
        for i, line in enumerate(lines):
            s = line.lstrip()
            if s.startswith("class " + name) and s[6 + len(name):6 + len(name) + 1] in ("(", ":"):
                j = i
                while j > 0 and lines[j - 1].lstrip().startswith("@"):
                    j -= 1
                return _block(lines, j), j + 1
        raise OSError("could not find class definition")
    code = _get_code(object)
    if code is None:
        raise TypeError("module, class, method, function, traceback, frame, or "
                        "code object was expected, got {}".format(type(object).__name__))
    lnum = code.co_firstlineno - 1
    if lnum >= len(lines):
        raise OSError("lineno is out of bounds")
    while lnum > 0 and lines[lnum - 1].lstrip().startswith("@"):
        lnum -= 1
    return _block(lines, lnum), lnum + 1


def getsource(object):
    """The source text of a module, class, method or function."""
    lines, lnum = getsourcelines(object)
    return "".join(lines)


def currentframe():
    return sys._getframe(1) if hasattr(sys, "_getframe") else None


# ---------------------------------------------------------------- signatures

class _empty:
    """Marker object for Signature.empty and Parameter.empty."""


class _void:
    """A private marker - used in Parameter & Signature."""


class _ParameterKind(int):
    _names = ("POSITIONAL_ONLY", "POSITIONAL_OR_KEYWORD", "VAR_POSITIONAL", "KEYWORD_ONLY",
              "VAR_KEYWORD")
    _descriptions = ("positional-only", "positional or keyword", "variadic positional",
                     "keyword-only", "variadic keyword")

    def __new__(cls, value):
        return int.__new__(cls, value)

    @property
    def name(self):
        return _ParameterKind._names[int(self)]

    @property
    def value(self):
        return int(self)

    @property
    def description(self):
        return _ParameterKind._descriptions[int(self)]

    def __str__(self):
        return self.name

    def __repr__(self):
        return "<_ParameterKind.%s: %d>" % (self.name, int(self))


_POSITIONAL_ONLY = _ParameterKind(0)
_POSITIONAL_OR_KEYWORD = _ParameterKind(1)
_VAR_POSITIONAL = _ParameterKind(2)
_KEYWORD_ONLY = _ParameterKind(3)
_VAR_KEYWORD = _ParameterKind(4)


def formatannotation(annotation, base_module=None):
    if getattr(annotation, "__module__", None) == "typing":
        return repr(annotation).replace("typing.", "")
    if isinstance(annotation, type):
        if annotation.__module__ in ("builtins", base_module):
            return annotation.__qualname__
        return annotation.__module__ + "." + annotation.__qualname__
    return repr(annotation)


class Parameter:
    """One parameter of a `Signature`: `name`, `kind`, `default`, `annotation`."""

    POSITIONAL_ONLY = _POSITIONAL_ONLY
    POSITIONAL_OR_KEYWORD = _POSITIONAL_OR_KEYWORD
    VAR_POSITIONAL = _VAR_POSITIONAL
    KEYWORD_ONLY = _KEYWORD_ONLY
    VAR_KEYWORD = _VAR_KEYWORD
    empty = _empty

    def __init__(self, name, kind, *, default=_empty, annotation=_empty):
        if kind not in (0, 1, 2, 3, 4):
            raise ValueError("value %r is not a valid Parameter.kind" % (kind,))
        kind = _ParameterKind(kind)
        if default is not _empty and kind in (_VAR_POSITIONAL, _VAR_KEYWORD):
            raise ValueError("{} parameters cannot have default values"
                             .format(kind.description))
        if not isinstance(name, str):
            raise TypeError("name must be a str, not a {}".format(type(name).__name__))
        if not name.isidentifier():
            raise ValueError("{!r} is not a valid parameter name".format(name))
        self._name = name
        self._kind = kind
        self._default = default
        self._annotation = annotation

    name = property(lambda self: self._name)
    kind = property(lambda self: self._kind)
    default = property(lambda self: self._default)
    annotation = property(lambda self: self._annotation)

    def replace(self, *, name=_void, kind=_void, annotation=_void, default=_void):
        if name is _void:
            name = self._name
        if kind is _void:
            kind = self._kind
        if annotation is _void:
            annotation = self._annotation
        if default is _void:
            default = self._default
        return type(self)(name, kind, default=default, annotation=annotation)

    def __str__(self):
        kind = self.kind
        formatted = self._name
        if self._annotation is not _empty:
            formatted = "{}: {}".format(formatted, formatannotation(self._annotation))
        if self._default is not _empty:
            if self._annotation is not _empty:
                formatted = "{} = {}".format(formatted, repr(self._default))
            else:
                formatted = "{}={}".format(formatted, repr(self._default))
        if kind == _VAR_POSITIONAL:
            formatted = "*" + formatted
        elif kind == _VAR_KEYWORD:
            formatted = "**" + formatted
        return formatted

    def __repr__(self):
        return '<{} "{}">'.format(self.__class__.__name__, self)

    def __hash__(self):
        return hash((self.name, self.kind, self.annotation, self.default))

    def __eq__(self, other):
        if self is other:
            return True
        if not isinstance(other, Parameter):
            return NotImplemented
        return (self._name == other._name and self._kind == other._kind
                and self._default == other._default
                and self._annotation == other._annotation)


class BoundArguments:
    """The result of `Signature.bind`: `arguments` (a dict), `args`, `kwargs`,
    `apply_defaults()`."""

    def __init__(self, signature, arguments):
        self.arguments = arguments
        self._signature = signature

    signature = property(lambda self: self._signature)

    @property
    def args(self):
        args = []
        for param_name, param in self._signature.parameters.items():
            if param.kind in (_VAR_KEYWORD, _KEYWORD_ONLY):
                break
            try:
                arg = self.arguments[param_name]
            except KeyError:
                break
            else:
                if param.kind == _VAR_POSITIONAL:
                    args.extend(arg)
                else:
                    args.append(arg)
        return tuple(args)

    @property
    def kwargs(self):
        kwargs = {}
        kwargs_started = False
        for param_name, param in self._signature.parameters.items():
            if not kwargs_started:
                if param.kind in (_VAR_KEYWORD, _KEYWORD_ONLY):
                    kwargs_started = True
                else:
                    if param_name not in self.arguments:
                        kwargs_started = True
                        continue
            if not kwargs_started:
                continue
            try:
                arg = self.arguments[param_name]
            except KeyError:
                pass
            else:
                if param.kind == _VAR_KEYWORD:
                    kwargs.update(arg)
                else:
                    kwargs[param_name] = arg
        return kwargs

    def apply_defaults(self):
        arguments = self.arguments
        new_arguments = []
        for name, param in self._signature.parameters.items():
            try:
                new_arguments.append((name, arguments[name]))
            except KeyError:
                if param.default is not _empty:
                    val = param.default
                elif param.kind is _VAR_POSITIONAL or param.kind == _VAR_POSITIONAL:
                    val = ()
                elif param.kind == _VAR_KEYWORD:
                    val = {}
                else:
                    continue
                new_arguments.append((name, val))
        self.arguments = dict(new_arguments)

    def __eq__(self, other):
        if self is other:
            return True
        if not isinstance(other, BoundArguments):
            return NotImplemented
        return self.signature == other.signature and self.arguments == other.arguments

    def __repr__(self):
        args = []
        for arg, value in self.arguments.items():
            args.append("{}={!r}".format(arg, value))
        return "<{} ({})>".format(self.__class__.__name__, ", ".join(args))


class Signature:
    """A callable's parameters and return annotation; `str()` gives e.g.
    `(a, b=2, *args, c, **kw) -> int`."""

    empty = _empty

    def __init__(self, parameters=None, *, return_annotation=_empty, __validate_parameters__=True):
        params = {}
        if parameters is not None:
            top_kind = _POSITIONAL_ONLY
            seen_default = False
            for param in parameters:
                kind = param.kind
                name = param.name
                if __validate_parameters__:
                    if kind < top_kind:
                        raise ValueError(
                            "wrong parameter order: {} parameter before {} parameter"
                            .format(top_kind.description, kind.description))
                    elif kind > top_kind:
                        top_kind = kind
                    if kind in (_POSITIONAL_ONLY, _POSITIONAL_OR_KEYWORD):
                        if param.default is _empty:
                            if seen_default:
                                raise ValueError("non-default argument follows default "
                                                 "argument")
                        else:
                            seen_default = True
                if name in params:
                    raise ValueError("duplicate parameter name: {!r}".format(name))
                params[name] = param
        self._parameters = params
        self._return_annotation = return_annotation

    @classmethod
    def from_callable(cls, obj, *, follow_wrapped=True, globals=None, locals=None,
                      eval_str=False):
        return _signature_from_callable(obj, follow_wrapped)

    parameters = property(lambda self: _MappingProxy(self._parameters))
    return_annotation = property(lambda self: self._return_annotation)

    def replace(self, *, parameters=_void, return_annotation=_void):
        if parameters is _void:
            parameters = self._parameters.values()
        if return_annotation is _void:
            return_annotation = self._return_annotation
        return type(self)(parameters, return_annotation=return_annotation)

    def __hash__(self):
        params = tuple(p for p in self._parameters.values() if p.kind != _KEYWORD_ONLY)
        kwo = frozenset(p for p in self._parameters.values() if p.kind == _KEYWORD_ONLY)
        return hash((params, kwo, self._return_annotation))

    def __eq__(self, other):
        if self is other:
            return True
        if not isinstance(other, Signature):
            return NotImplemented
        return (self._return_annotation == other._return_annotation
                and list(self._parameters.values()) == list(other._parameters.values()))

    def _bind(self, args, kwargs, *, partial=False):
        arguments = {}
        parameters = iter(self._parameters.values())
        parameters_ex = ()
        arg_vals = iter(args)
        while True:
            try:
                arg_val = next(arg_vals)
            except StopIteration:
                try:
                    param = next(parameters)
                except StopIteration:
                    break
                else:
                    if param.kind == _VAR_POSITIONAL:
                        break
                    elif param.name in kwargs:
                        if param.kind == _POSITIONAL_ONLY:
                            msg = ("{arg!r} parameter is positional only, "
                                   "but was passed as a keyword")
                            raise TypeError(msg.format(arg=param.name)) from None
                        parameters_ex = (param,)
                        break
                    elif (param.kind == _VAR_KEYWORD or param.default is not _empty):
                        parameters_ex = (param,)
                        break
                    else:
                        if partial:
                            parameters_ex = (param,)
                            break
                        else:
                            raise TypeError("missing a required argument: {arg!r}"
                                            .format(arg=param.name)) from None
            else:
                try:
                    param = next(parameters)
                except StopIteration:
                    raise TypeError("too many positional arguments") from None
                else:
                    if param.kind in (_VAR_KEYWORD, _KEYWORD_ONLY):
                        raise TypeError("too many positional arguments") from None
                    if param.kind == _VAR_POSITIONAL:
                        values = [arg_val]
                        values.extend(arg_vals)
                        arguments[param.name] = tuple(values)
                        break
                    if param.name in kwargs and param.kind != _POSITIONAL_ONLY:
                        raise TypeError("multiple values for argument {arg!r}"
                                        .format(arg=param.name)) from None
                    arguments[param.name] = arg_val
        kwargs_param = None
        for param in list(parameters_ex) + list(parameters):
            if param.kind == _VAR_KEYWORD:
                kwargs_param = param
                continue
            if param.kind == _VAR_POSITIONAL:
                continue
            param_name = param.name
            try:
                arg_val = kwargs.pop(param_name)
            except KeyError:
                if (not partial and param.kind != _VAR_POSITIONAL
                        and param.default is _empty):
                    raise TypeError("missing a required argument: {arg!r}"
                                    .format(arg=param_name)) from None
            else:
                if param.kind == _POSITIONAL_ONLY:
                    raise TypeError("{arg!r} parameter is positional only, but was passed "
                                    "as a keyword".format(arg=param.name))
                arguments[param_name] = arg_val
        if kwargs:
            if kwargs_param is not None:
                arguments[kwargs_param.name] = kwargs
            else:
                raise TypeError("got an unexpected keyword argument {arg!r}"
                                .format(arg=next(iter(kwargs))))
        return BoundArguments(self, arguments)

    def bind(self, /, *args, **kwargs):
        return self._bind(args, kwargs)

    def bind_partial(self, /, *args, **kwargs):
        return self._bind(args, kwargs, partial=True)

    def __repr__(self):
        return "<{} {}>".format(self.__class__.__name__, self)

    def __str__(self):
        result = []
        render_pos_only_separator = False
        render_kw_only_separator = True
        for param in self._parameters.values():
            formatted = str(param)
            kind = param.kind
            if kind == _POSITIONAL_ONLY:
                render_pos_only_separator = True
            elif render_pos_only_separator:
                result.append("/")
                render_pos_only_separator = False
            if kind == _VAR_POSITIONAL:
                render_kw_only_separator = False
            elif kind == _KEYWORD_ONLY and render_kw_only_separator:
                result.append("*")
                render_kw_only_separator = False
            result.append(formatted)
        if render_pos_only_separator:
            result.append("/")
        rendered = "({})".format(", ".join(result))
        if self._return_annotation is not _empty:
            anno = formatannotation(self._return_annotation)
            rendered += " -> {}".format(anno)
        return rendered


class _MappingProxy:
    """A read-only view of the parameters dict (CPython's `mappingproxy`)."""

    def __init__(self, d):
        self._d = d

    def __getitem__(self, k):
        return self._d[k]

    def __iter__(self):
        return iter(self._d)

    def __len__(self):
        return len(self._d)

    def __contains__(self, k):
        return k in self._d

    def keys(self):
        return self._d.keys()

    def values(self):
        return self._d.values()

    def items(self):
        return self._d.items()

    def get(self, k, default=None):
        return self._d.get(k, default)

    def __eq__(self, other):
        return dict(self.items()) == dict(other.items())

    def __repr__(self):
        return "mappingproxy(%r)" % (self._d,)


def _signature_from_function(func):
    code = func.__code__
    pos_count = code.co_argcount
    arg_names = code.co_varnames
    posonly_count = getattr(code, "co_posonlyargcount", 0)
    keyword_only_count = getattr(code, "co_kwonlyargcount", 0)
    positional = arg_names[:pos_count]
    keyword_only = arg_names[pos_count:pos_count + keyword_only_count]
    annotations = getattr(func, "__annotations__", None) or {}
    defaults = func.__defaults__
    kwdefaults = func.__kwdefaults__
    pos_default_count = len(defaults) if defaults else 0
    parameters = []
    non_default_count = pos_count - pos_default_count
    posonly_left = posonly_count
    for i, name in enumerate(positional[:non_default_count]):
        kind = _POSITIONAL_ONLY if posonly_left else _POSITIONAL_OR_KEYWORD
        parameters.append(Parameter(name, kind, annotation=annotations.get(name, _empty)))
        if posonly_left:
            posonly_left -= 1
    for offset, name in enumerate(positional[non_default_count:]):
        kind = _POSITIONAL_ONLY if posonly_left else _POSITIONAL_OR_KEYWORD
        parameters.append(Parameter(name, kind, annotation=annotations.get(name, _empty),
                                    default=defaults[offset]))
        if posonly_left:
            posonly_left -= 1
    flags = getattr(code, "co_flags", 0)
    index = pos_count + keyword_only_count
    if flags & CO_VARARGS:
        name = arg_names[index]
        parameters.append(Parameter(name, _VAR_POSITIONAL,
                                    annotation=annotations.get(name, _empty)))
        index += 1
    for name in keyword_only:
        default = _empty
        if kwdefaults is not None:
            default = kwdefaults.get(name, _empty)
        parameters.append(Parameter(name, _KEYWORD_ONLY,
                                    annotation=annotations.get(name, _empty), default=default))
    if flags & CO_VARKEYWORDS:
        name = arg_names[index]
        parameters.append(Parameter(name, _VAR_KEYWORD,
                                    annotation=annotations.get(name, _empty)))
    return Signature(parameters, return_annotation=annotations.get("return", _empty),
                     __validate_parameters__=False)


def _drop_first(sig):
    params = list(sig.parameters.values())
    if not params or params[0].kind in (_VAR_KEYWORD, _KEYWORD_ONLY):
        raise ValueError("invalid method signature")
    if params[0].kind == _VAR_POSITIONAL:
        return sig
    return sig.replace(parameters=params[1:])


def _signature_from_callable(obj, follow_wrapped=True, skip_bound_arg=True):
    if not callable(obj):
        raise TypeError("{!r} is not a callable object".format(obj))
    if ismethod(obj):
        sig = _signature_from_callable(obj.__func__, follow_wrapped)
        return _drop_first(sig) if skip_bound_arg else sig
    if follow_wrapped:
        obj = unwrap(obj, stop=lambda f: hasattr(f, "__signature__"))
        if ismethod(obj):
            return _signature_from_callable(obj, follow_wrapped)
    sig = getattr(obj, "__signature__", None)
    if sig is not None and not isclass(obj):
        if not isinstance(sig, Signature):
            raise TypeError("unexpected object {!r} in __signature__ attribute".format(sig))
        return sig
    if isfunction(obj):
        return _signature_from_function(obj)
    partial_cls = None
    try:
        import functools
        partial_cls = getattr(functools, "partial", None)
    except ImportError:
        pass
    if partial_cls is not None and isinstance(obj, partial_cls):
        wrapped = _signature_from_callable(obj.func, follow_wrapped)
        params = list(wrapped.parameters.values())
        n = len(obj.args)
        keep = []
        for p in params:
            if n and p.kind in (_POSITIONAL_ONLY, _POSITIONAL_OR_KEYWORD):
                n -= 1
                continue
            if p.name in (obj.keywords or {}):
                p = p.replace(default=obj.keywords[p.name], kind=_KEYWORD_ONLY)
            keep.append(p)
        pos = [p for p in keep if p.kind != _KEYWORD_ONLY and p.kind != _VAR_KEYWORD]
        kw = [p for p in keep if p.kind == _KEYWORD_ONLY]
        var_kw = [p for p in keep if p.kind == _VAR_KEYWORD]
        return Signature(pos + kw + var_kw, return_annotation=wrapped.return_annotation,
                         __validate_parameters__=False)
    if isbuiltin(obj):
        raise ValueError("no signature found for builtin {!r}".format(obj))
    if isclass(obj):
        for base in obj.__mro__:
            init = base.__dict__.get("__init__")
            if init is not None and isfunction(init):
                return _drop_first(_signature_from_function(init))
            new = base.__dict__.get("__new__")
            if new is not None:
                new = getattr(new, "__func__", new)
                if isfunction(new):
                    return _drop_first(_signature_from_function(new))
        if obj.__init__ is object.__init__ and obj.__new__ is object.__new__:
            return Signature()
        raise ValueError("no signature found for builtin type {!r}".format(obj))
    call = getattr(type(obj), "__call__", None)
    if call is not None and isfunction(call):
        return _drop_first(_signature_from_function(call))
    raise ValueError("callable {!r} is not supported by signature".format(obj))


def signature(obj, *, follow_wrapped=True, globals=None, locals=None, eval_str=False):
    """The `Signature` of a callable."""
    return _signature_from_callable(obj, follow_wrapped)


FullArgSpec = namedtuple("FullArgSpec",
                         "args, varargs, varkw, defaults, kwonlyargs, kwonlydefaults, "
                         "annotations")


def getfullargspec(func):
    try:
        sig = _signature_from_callable(func, follow_wrapped=False, skip_bound_arg=False)
    except Exception as ex:
        raise TypeError("unsupported callable") from ex
    args = []
    varargs = None
    varkw = None
    posonlyargs = []
    kwonlyargs = []
    annotations = {}
    defaults = ()
    kwdefaults = {}
    if sig.return_annotation is not _empty:
        annotations["return"] = sig.return_annotation
    for param in sig.parameters.values():
        kind = param.kind
        name = param.name
        if kind == _POSITIONAL_ONLY:
            posonlyargs.append(name)
            if param.default is not _empty:
                defaults += (param.default,)
        elif kind == _POSITIONAL_OR_KEYWORD:
            args.append(name)
            if param.default is not _empty:
                defaults += (param.default,)
        elif kind == _VAR_POSITIONAL:
            varargs = name
        elif kind == _KEYWORD_ONLY:
            kwonlyargs.append(name)
            if param.default is not _empty:
                kwdefaults[name] = param.default
        elif kind == _VAR_KEYWORD:
            varkw = name
        if param.annotation is not _empty:
            annotations[name] = param.annotation
    if not kwdefaults:
        kwdefaults = None
    if not defaults:
        defaults = None
    return FullArgSpec(posonlyargs + args, varargs, varkw, defaults, kwonlyargs, kwdefaults,
                       annotations)
