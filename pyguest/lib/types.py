"""Names for built-in types and helpers for dynamic classes (`types`), written for pyguest.

The type names are taken from live objects (`FunctionType = type(f)` for a function `f`), so
they are whatever the interpreter uses. `SimpleNamespace`, `MappingProxyType` (a read-only
view over a mapping) and `GenericAlias` are plain Python classes here; `new_class`,
`prepare_class` and `resolve_bases` follow PEP 3115/560. Assumes `type(module)(name)` and
`type(bound_method)(func, obj)` construct modules and bound methods.
"""

import sys


def _f():
    pass


FunctionType = type(_f)
LambdaType = type(lambda: None)
CodeType = type(_f.__code__)
MappingProxyType = None  # defined below
SimpleNamespace = None  # defined below


def _cell_factory():
    a = 1

    def f():
        nonlocal a
    return f.__closure__[0] if getattr(f, "__closure__", None) else None


_cell = _cell_factory()
CellType = type(_cell) if _cell is not None else None
del _cell, _cell_factory


def _g():
    yield 1


GeneratorType = type(_g())


async def _c():
    pass


_co = _c()
CoroutineType = type(_co)
_co.close()
del _co


async def _ag():
    yield


AsyncGeneratorType = type(_ag())


class _C:
    def _m(self):
        pass


MethodType = type(_C()._m)
BuiltinFunctionType = type(len)
BuiltinMethodType = type([].append)
WrapperDescriptorType = type(object.__init__)
MethodWrapperType = type(object().__str__)
MethodDescriptorType = type(str.join)
ClassMethodDescriptorType = type(dict.__dict__["fromkeys"]) if "fromkeys" in dict.__dict__ \
    else type(dict.fromkeys)
ModuleType = type(sys)
try:
    raise TypeError
except TypeError as _e:
    TracebackType = type(_e.__traceback__)
    del _e
FrameType = type(sys._getframe()) if hasattr(sys, "_getframe") else None
NoneType = type(None)
EllipsisType = type(Ellipsis)
NotImplementedType = type(NotImplemented)
GetSetDescriptorType = type(FunctionType.__dict__.get("__code__")) \
    if "__code__" in getattr(FunctionType, "__dict__", {}) else None
MemberDescriptorType = None
del _C, _f, _g, _c, _ag


class SimpleNamespace:
    """An object whose attributes are set from keyword arguments; repr `namespace(a=1)`."""

    def __init__(self, *args, **kwargs):
        if args:
            raise TypeError("no positional arguments expected")
        for k, v in kwargs.items():
            setattr(self, k, v)

    def __repr__(self):
        name = "namespace" if type(self) is SimpleNamespace else type(self).__name__
        key = id(self)
        if key in _repr_running:
            return name + "(...)"
        _repr_running.add(key)
        try:
            items = ("%s=%r" % (k, v) for k, v in vars(self).items())
            return "%s(%s)" % (name, ", ".join(items))
        finally:
            _repr_running.discard(key)

    def __eq__(self, other):
        if isinstance(self, SimpleNamespace) and isinstance(other, SimpleNamespace):
            return vars(self) == vars(other)
        return NotImplemented

    __hash__ = None

    def __reduce__(self):
        return (type(self), (), dict(vars(self)))


SimpleNamespace.__module__ = "types"
_repr_running = set()


class MappingProxyType:
    """A read-only view of a mapping (`mappingproxy({...})`)."""

    __slots__ = ("_m",)

    def __new__(cls, mapping):
        if not hasattr(mapping, "__getitem__") or not hasattr(mapping, "keys") or \
                isinstance(mapping, (list, tuple)):
            raise TypeError("mappingproxy() argument must be a mapping, not %s"
                            % type(mapping).__name__)
        self = object.__new__(cls)
        object.__setattr__(self, "_m", mapping)
        return self

    def __getitem__(self, key):
        return self._m[key]

    def __setitem__(self, key, value):
        raise TypeError("'mappingproxy' object does not support item assignment")

    def __delitem__(self, key):
        raise TypeError("'mappingproxy' object does not support item deletion")

    def __setattr__(self, name, value):
        raise AttributeError("'mappingproxy' object has no attribute '%s'" % name)

    def __iter__(self):
        return iter(self._m)

    def __reversed__(self):
        return reversed(self._m)

    def __len__(self):
        return len(self._m)

    def __contains__(self, key):
        return key in self._m

    def get(self, key, default=None):
        return self._m.get(key, default)

    def keys(self):
        return self._m.keys()

    def values(self):
        return self._m.values()

    def items(self):
        return self._m.items()

    def copy(self):
        return self._m.copy()

    def __eq__(self, other):
        return self._m == other

    def __or__(self, other):
        if isinstance(other, MappingProxyType):
            other = other._m
        return dict(self._m) | other

    def __ror__(self, other):
        return other | dict(self._m)

    def __ior__(self, other):
        raise TypeError("'|=' is not supported by mappingproxy; use '|' instead")

    def __repr__(self):
        return "mappingproxy(%r)" % (self._m,)

    def __str__(self):
        return str(self._m)

    __hash__ = None


MappingProxyType.__name__ = "mappingproxy"
MappingProxyType.__qualname__ = "mappingproxy"
MappingProxyType.__module__ = "builtins"


class GenericAlias:
    """`list[int]`-style parameterized type: `__origin__`, `__args__`, callable, repr."""

    def __init__(self, origin, args):
        if not isinstance(args, tuple):
            args = (args,)
        self.__origin__ = origin
        self.__args__ = args
        params = []
        for a in args:
            for p in getattr(a, "__parameters__", ()) if not isinstance(a, type) else ():
                if p not in params:
                    params.append(p)
            if hasattr(a, "__typing_subst__") and a not in params:
                params.append(a)
        self.__parameters__ = tuple(params)

    def __call__(self, *args, **kwargs):
        result = self.__origin__(*args, **kwargs)
        try:
            result.__orig_class__ = self
        except Exception:
            pass
        return result

    def __mro_entries__(self, bases):
        return (self.__origin__,)

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return getattr(self.__origin__, name)

    def __eq__(self, other):
        if not isinstance(other, GenericAlias):
            return NotImplemented
        return self.__origin__ == other.__origin__ and self.__args__ == other.__args__

    def __hash__(self):
        return hash(self.__origin__) ^ hash(self.__args__)

    def __repr__(self):
        def r(a):
            if a is Ellipsis:
                return "..."
            if isinstance(a, type) and not isinstance(a, GenericAlias):
                if a.__module__ == "builtins":
                    return a.__qualname__
                return "%s.%s" % (a.__module__, a.__qualname__)
            if isinstance(a, (list, tuple)) and not isinstance(a, GenericAlias):
                return "[%s]" % ", ".join(r(x) for x in a)
            return repr(a)
        args = ", ".join(r(a) for a in self.__args__) if self.__args__ else "()"
        return "%s[%s]" % (r(self.__origin__), args)


def resolve_bases(bases):
    """Replace bases that define `__mro_entries__` (PEP 560) by the classes they stand for."""
    new_bases = list(bases)
    updated = False
    shift = 0
    for i, base in enumerate(bases):
        if isinstance(base, type):
            continue
        entries = getattr(base, "__mro_entries__", None)
        if entries is None:
            continue
        new = entries(bases)
        updated = True
        if not isinstance(new, tuple):
            raise TypeError("__mro_entries__ must return a tuple")
        new_bases[i + shift:i + shift + 1] = new
        shift += len(new) - 1
    return tuple(new_bases) if updated else bases


def _calculate_meta(meta, bases):
    winner = meta
    for base in bases:
        base_meta = type(base)
        if issubclass(winner, base_meta):
            continue
        if issubclass(base_meta, winner):
            winner = base_meta
            continue
        raise TypeError("metaclass conflict: the metaclass of a derived class must be a "
                        "(non-strict) subclass of the metaclasses of all its bases")
    return winner


def prepare_class(name, bases=(), kwds=None):
    """Return (metaclass, namespace, remaining keywords) for a class about to be created."""
    kwds = {} if kwds is None else dict(kwds)
    if "metaclass" in kwds:
        meta = kwds.pop("metaclass")
    else:
        meta = type(bases[0]) if bases else type
    if isinstance(meta, type):
        meta = _calculate_meta(meta, bases)
    prepare = getattr(meta, "__prepare__", None)
    ns = prepare(name, bases, **kwds) if prepare is not None else {}
    return meta, ns, kwds


def new_class(name, bases=(), kwds=None, exec_body=None):
    """Create a class object dynamically, as a `class` statement would."""
    resolved = resolve_bases(bases)
    meta, ns, kwds = prepare_class(name, resolved, kwds)
    if exec_body is not None:
        exec_body(ns)
    if resolved is not bases:
        ns["__orig_bases__"] = bases
    return meta(name, resolved, ns, **kwds)


def coroutine(func):
    """Make a generator function's generators awaitable (`await` accepts them).

    A plain generator function comes back as a copy whose code carries CPython's
    CO_ITERABLE_COROUTINE flag (pyguest cannot change a function's code in place, so the
    result is a new function object); coroutine functions come back unchanged; any other
    callable is wrapped so that a generator it returns is awaitable through
    `_GeneratorWrapper`.
    """
    if not callable(func):
        raise TypeError("types.coroutine() expects a callable")
    if type(func) is FunctionType:
        flags = func.__code__.co_flags
        if flags & 0x180:  # CO_COROUTINE | CO_ITERABLE_COROUTINE
            return func
        if flags & 0x20:  # CO_GENERATOR
            import _pgcoro
            return _pgcoro.iterable_coroutine(func)

    import functools
    import _collections_abc

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        res = func(*args, **kwargs)
        if type(res) is CoroutineType or (
                type(res) is GeneratorType and res.gi_code.co_flags & 0x100):
            return res
        if (isinstance(res, _collections_abc.Generator)
                and not isinstance(res, _collections_abc.Coroutine)):
            return _GeneratorWrapper(res)
        return res

    return wrapped


class _GeneratorWrapper:
    """An awaitable view of a generator (or generator-like object) for `types.coroutine`."""

    def __init__(self, gen):
        self.__wrapped = gen
        self.__isgen = type(gen) is GeneratorType
        self.__name__ = getattr(gen, "__name__", None)
        self.__qualname__ = getattr(gen, "__qualname__", None)

    def send(self, val):
        return self.__wrapped.send(val)

    def throw(self, tp, *rest):
        return self.__wrapped.throw(tp, *rest)

    def close(self):
        return self.__wrapped.close()

    @property
    def gi_code(self):
        return self.__wrapped.gi_code

    @property
    def gi_frame(self):
        return self.__wrapped.gi_frame

    @property
    def gi_running(self):
        return self.__wrapped.gi_running

    @property
    def gi_yieldfrom(self):
        return self.__wrapped.gi_yieldfrom

    cr_code = gi_code
    cr_frame = gi_frame
    cr_running = gi_running
    cr_await = gi_yieldfrom

    def __next__(self):
        return next(self.__wrapped)

    def __iter__(self):
        return self.__wrapped if self.__isgen else self

    __await__ = __iter__


class DynamicClassAttribute(property):
    """A property that routes class-level access to the metaclass's `__getattr__`."""

    def __get__(self, instance, ownerclass=None):
        if instance is None:
            if getattr(self, "__isabstractmethod__", False):
                return self
            raise AttributeError()
        return super().__get__(instance, ownerclass)


try:
    UnionType = type(int | str)
except TypeError:
    class UnionType:
        """The type of `X | Y` unions (pyguest has no `type.__or__` yet, so none exist)."""


__all__ = [n for n in globals() if n[:1] != "_" and n not in ("sys",)]
