"""Type hints at run time: enough of `typing` that annotations, `TYPE_CHECKING` imports and
generic classes never break a program, with CPython 3.11's reprs for the common forms.

pyguest's own implementation in plain Python. Subscription (`List[int]`, `Dict[str, T]`,
`Optional[X]`, `Union[...]`, `Callable[[A], R]`, `Literal[...]`, `Annotated[...]`) builds alias
objects with `__origin__`/`__args__`/`__parameters__`; `Generic`, `Protocol` (with
`runtime_checkable`), `NamedTuple`, `TypedDict`, `NewType`, `TypeVar`, `ParamSpec`, `cast`,
`overload`, `final`, `get_type_hints`, `get_origin`, `get_args` work as in 3.11.

Interpreter hooks used: `__class_getitem__`, `__mro_entries__` (subclassing `Generic[T]` or
`List[int]`; `__orig_bases__` is read if the interpreter sets it), metaclass
`__instancecheck__`. `NamedTuple` and `TypedDict` are classes with metaclasses, so class-syntax
definitions need no `__mro_entries__`. `NewType` and `TypeVar` read the caller's module name
with `sys._getframe` when it exists and fall back to `__main__`.
"""

import sys
import collections
import functools
import operator

__all__ = ["Annotated", "Any", "Callable", "ClassVar", "Concatenate", "Final", "ForwardRef",
           "Generic", "Literal", "Optional", "ParamSpec", "Protocol", "Tuple", "Type",
           "TypeVar", "TypeVarTuple", "Union", "AbstractSet", "ByteString", "Container",
           "ContextManager", "Hashable", "ItemsView", "Iterable", "Iterator", "KeysView",
           "Mapping", "MappingView", "MutableMapping", "MutableSequence", "MutableSet",
           "Sequence", "Sized", "ValuesView", "Awaitable", "AsyncIterator", "AsyncIterable",
           "Coroutine", "Collection", "AsyncGenerator", "AsyncContextManager", "Reversible",
           "SupportsAbs", "SupportsBytes", "SupportsComplex", "SupportsFloat", "SupportsIndex",
           "SupportsInt", "SupportsRound", "ChainMap", "Counter", "Deque", "Dict",
           "DefaultDict", "List", "OrderedDict", "Set", "FrozenSet", "NamedTuple", "TypedDict",
           "Generator", "BinaryIO", "IO", "Match", "Pattern", "TextIO", "AnyStr",
           "assert_type", "assert_never", "cast", "clear_overloads", "dataclass_transform",
           "final", "get_args", "get_origin", "get_overloads", "get_type_hints", "is_typeddict",
           "LiteralString", "Never", "NewType", "no_type_check", "no_type_check_decorator",
           "NoReturn", "NotRequired", "overload", "ParamSpecArgs", "ParamSpecKwargs",
           "Required", "reveal_type", "runtime_checkable", "Self", "Text", "TYPE_CHECKING",
           "TypeAlias", "TypeGuard", "Unpack"]

TYPE_CHECKING = False

_NoneType = type(None)


def _caller_module(depth=2, default="__main__"):
    getframe = getattr(sys, "_getframe", None)
    if getframe is None:
        return default
    try:
        return getframe(depth).f_globals.get("__name__", default)
    except (AttributeError, ValueError):
        return default


def _type_repr(obj):
    """How an argument is shown inside an alias repr: classes by (qualified) name."""
    if isinstance(obj, type) and not isinstance(obj, _GenericAlias):
        if obj.__module__ == "builtins":
            return obj.__qualname__
        return "%s.%s" % (obj.__module__, obj.__qualname__)
    if obj is ...:
        return "..."
    if type(obj).__name__ == "function":
        return obj.__name__
    if isinstance(obj, (list, tuple)):
        return "[%s]" % ", ".join(_type_repr(a) for a in obj)
    return repr(obj)


def _type_check(arg, msg="", allow_special=False):
    if arg is None:
        return _NoneType
    if isinstance(arg, str):
        return ForwardRef(arg)
    return arg


def _collect_parameters(args):
    params = []
    for a in args:
        if isinstance(a, (TypeVar, ParamSpec, TypeVarTuple)):
            if a not in params:
                params.append(a)
        elif isinstance(a, (list, tuple)):
            for p in _collect_parameters(a):
                if p not in params:
                    params.append(p)
        else:
            for p in getattr(a, "__parameters__", ()) if not isinstance(a, type) or isinstance(a, _GenericAlias) else ():
                if p not in params:
                    params.append(p)
    return tuple(params)


def _subst(arg, mapping):
    if isinstance(arg, (TypeVar, ParamSpec)) and arg in mapping:
        return mapping[arg]
    if isinstance(arg, _GenericAlias) and arg.__parameters__:
        return arg[tuple(mapping.get(p, p) for p in arg.__parameters__)]
    if isinstance(arg, (list, tuple)):
        return type(arg)(_subst(a, mapping) for a in arg)
    return arg


# ----------------------------------------------------------------------------------------
# Special forms

class _SpecialForm:
    """Any, Union, Optional, ClassVar, Final, Literal, ...: subscriptable markers."""

    def __init__(self, name, getitem=None, doc=""):
        self._name = name
        self._getitem = getitem
        self.__doc__ = doc

    def __repr__(self):
        return "typing." + self._name

    def __reduce__(self):
        return self._name

    def __getitem__(self, parameters):
        if self._getitem is None:
            raise TypeError("%r is not subscriptable" % self)
        return self._getitem(self, parameters)

    def __call__(self, *args, **kwds):
        raise TypeError("Cannot instantiate %r" % self)

    def __or__(self, other):
        return Union[self, other]

    def __ror__(self, other):
        return Union[other, self]

    def __instancecheck__(self, obj):
        raise TypeError("%r cannot be used with isinstance()" % self)

    def __subclasscheck__(self, cls):
        raise TypeError("%r cannot be used with issubclass()" % self)

    def __mro_entries__(self, bases):
        raise TypeError("Cannot subclass %r" % self)


class _AnyMeta(type):
    def __instancecheck__(self, obj):
        if self is Any:
            raise TypeError("typing.Any cannot be used with isinstance()")
        return super().__instancecheck__(obj)

    def __repr__(self):
        if self is Any:
            return "typing.Any"
        return super().__repr__()


try:
    class Any(metaclass=_AnyMeta):
        """Special type compatible with every type."""
    Any.__name__
except (TypeError, AttributeError):
    # Degraded: the interpreter cannot create classes with a Python metaclass.
    class Any:
        """Special type compatible with every type."""


def _no_params(self, parameters):
    raise TypeError("%r is not subscriptable" % self)


NoReturn = _SpecialForm("NoReturn", None, "Special type indicating functions that never return.")
Never = _SpecialForm("Never", None, "The bottom type.")
Self = _SpecialForm("Self", None, "Used to spell the type of 'self' in classes.")
LiteralString = _SpecialForm("LiteralString", None, "Any literal string.")
TypeAlias = _SpecialForm("TypeAlias", None, "Marks an explicit type alias.")


def _one_param(self, parameters):
    if isinstance(parameters, tuple):
        if len(parameters) != 1:
            raise TypeError("%s accepts only single type." % self._name)
        parameters = parameters[0]
    return _GenericAlias(self, (_type_check(parameters),))


ClassVar = _SpecialForm("ClassVar", _one_param, "Marks a class variable.")
Final = _SpecialForm("Final", _one_param, "A name that cannot be re-assigned.")
TypeGuard = _SpecialForm("TypeGuard", _one_param, "Marks a user-defined type guard.")
Required = _SpecialForm("Required", _one_param, "A required TypedDict key.")
NotRequired = _SpecialForm("NotRequired", _one_param, "A possibly-missing TypedDict key.")
Unpack = _SpecialForm("Unpack", _one_param, "Unpack a TypeVarTuple.")


def _union_getitem(self, parameters):
    if parameters == ():
        raise TypeError("Cannot take a Union of no types.")
    if not isinstance(parameters, tuple):
        parameters = (parameters,)
    flat = []
    for p in parameters:
        p = _type_check(p)
        if isinstance(p, _UnionGenericAlias):
            items = p.__args__
        elif type(p).__name__ == "UnionType":
            items = p.__args__
        else:
            items = (p,)
        for item in items:
            if item not in flat:
                flat.append(item)
    if len(flat) == 1:
        return flat[0]
    return _UnionGenericAlias(self, tuple(flat))


def _optional_getitem(self, parameters):
    return Union[parameters, None]


Union = _SpecialForm("Union", _union_getitem, "Union type; Union[X, Y] means either X or Y.")
Optional = _SpecialForm("Optional", _optional_getitem, "Optional[X] is Union[X, None].")


def _literal_getitem(self, parameters):
    if not isinstance(parameters, tuple):
        parameters = (parameters,)
    unique = []
    for p in parameters:
        if isinstance(p, _LiteralGenericAlias):
            for q in p.__args__:
                if not any(q == u and type(q) is type(u) for u in unique):
                    unique.append(q)
        elif not any(p == u and type(p) is type(u) for u in unique):
            unique.append(p)
    return _LiteralGenericAlias(self, tuple(unique))


Literal = _SpecialForm("Literal", _literal_getitem, "Literal values.")


def _concat_getitem(self, parameters):
    if not isinstance(parameters, tuple):
        parameters = (parameters,)
    return _GenericAlias(self, parameters)


Concatenate = _SpecialForm("Concatenate", _concat_getitem, "Used with Callable and ParamSpec.")


class _AnnotatedForm(_SpecialForm):
    def __getitem__(self, params):
        if not isinstance(params, tuple) or len(params) < 2:
            raise TypeError("Annotated[...] should be used with at least two arguments "
                            "(a type and an annotation).")
        origin = _type_check(params[0])
        return _AnnotatedAlias(origin, tuple(params[1:]))


Annotated = _AnnotatedForm("Annotated", None, "Add context-specific metadata to a type.")


class ForwardRef:
    """A type written as a string, evaluated lazily (get_type_hints)."""

    def __init__(self, arg, is_argument=True, module=None, *, is_class=False):
        if not isinstance(arg, str):
            raise TypeError("Forward reference must be a string -- got %r" % (arg,))
        self.__forward_arg__ = arg
        self.__forward_evaluated__ = False
        self.__forward_value__ = None
        self.__forward_module__ = module

    def _evaluate(self, globalns, localns, recursive_guard=frozenset()):
        value = eval(self.__forward_arg__, globalns, localns)
        return _type_check(value)

    def __eq__(self, other):
        if not isinstance(other, ForwardRef):
            return NotImplemented
        return self.__forward_arg__ == other.__forward_arg__

    def __hash__(self):
        return hash(self.__forward_arg__)

    def __or__(self, other):
        return Union[self, other]

    def __ror__(self, other):
        return Union[other, self]

    def __repr__(self):
        return "ForwardRef(%r)" % (self.__forward_arg__,)


# ----------------------------------------------------------------------------------------
# Type variables

class _TypeVarLike:
    def __or__(self, right):
        return Union[self, right]

    def __ror__(self, left):
        return Union[left, self]

    def __repr__(self):
        if getattr(self, "__covariant__", False):
            prefix = "+"
        elif getattr(self, "__contravariant__", False):
            prefix = "-"
        else:
            prefix = "~"
        return prefix + self.__name__

    def __reduce__(self):
        return self.__name__

    def __mro_entries__(self, bases):
        raise TypeError("Cannot subclass an instance of %s" % type(self).__name__)


class TypeVar(_TypeVarLike):
    """Type variable: T = TypeVar('T'), optionally constrained or bounded."""

    def __init__(self, name, *constraints, bound=None, covariant=False, contravariant=False):
        if covariant and contravariant:
            raise ValueError("Bivariant types are not supported.")
        if len(constraints) == 1:
            raise TypeError("A single constraint is not allowed")
        self.__name__ = name
        self.__covariant__ = bool(covariant)
        self.__contravariant__ = bool(contravariant)
        self.__constraints__ = tuple(_type_check(c) for c in constraints)
        self.__bound__ = _type_check(bound) if bound is not None else None
        mod = _caller_module()
        if mod != "typing":
            self.__module__ = mod


class TypeVarTuple(_TypeVarLike):
    def __init__(self, name):
        self.__name__ = name

    def __iter__(self):
        yield Unpack[self]

    def __repr__(self):
        return self.__name__


class ParamSpecArgs:
    def __init__(self, origin):
        self.__origin__ = origin

    def __repr__(self):
        return "%s.args" % self.__origin__.__name__


class ParamSpecKwargs:
    def __init__(self, origin):
        self.__origin__ = origin

    def __repr__(self):
        return "%s.kwargs" % self.__origin__.__name__


class ParamSpec(_TypeVarLike):
    """Parameter specification variable: P = ParamSpec('P')."""

    def __init__(self, name, *, bound=None, covariant=False, contravariant=False):
        self.__name__ = name
        self.__covariant__ = bool(covariant)
        self.__contravariant__ = bool(contravariant)
        self.__bound__ = bound

    @property
    def args(self):
        return ParamSpecArgs(self)

    @property
    def kwargs(self):
        return ParamSpecKwargs(self)


AnyStr = TypeVar("AnyStr", bytes, str)
T = TypeVar("T")
KT = TypeVar("KT")
VT = TypeVar("VT")
T_co = TypeVar("T_co", covariant=True)
V_co = TypeVar("V_co", covariant=True)
VT_co = TypeVar("VT_co", covariant=True)
T_contra = TypeVar("T_contra", contravariant=True)
CT_co = TypeVar("CT_co", covariant=True, bound=type)


# ----------------------------------------------------------------------------------------
# Generic aliases

def _looks_like_class_creation(args, kwargs):
    return (len(args) == 3 and isinstance(args[0], str) and isinstance(args[1], tuple)
            and isinstance(args[2], dict))


def _create_class_without_pep560(name, bases, ns, kwargs):
    """Used when an interpreter without __mro_entries__ support calls an alias's type as
    the metaclass of `class Box(Generic[T])`: resolve the bases as PEP 560 would."""
    resolved = []
    for b in bases:
        if not isinstance(b, type) and hasattr(b, "__mro_entries__"):
            resolved.extend(b.__mro_entries__(bases))
        else:
            resolved.append(b)
    ns = dict(ns)
    ns["__orig_bases__"] = bases
    meta = type
    for b in resolved:
        if isinstance(b, type) and issubclass(type(b), meta):
            meta = type(b)
    return meta(name, tuple(resolved), ns, **kwargs)


class _GenericAlias:
    """A subscripted generic: List[int], Box[T], ClassVar[int], ..."""

    def __new__(cls, *args, **kwargs):
        if _looks_like_class_creation(args, kwargs):
            return _create_class_without_pep560(args[0], args[1], args[2], kwargs)
        return object.__new__(cls)

    def __init__(self, origin, args, *, name=None, inst=True):
        if not isinstance(args, tuple):
            args = (args,)
        self.__origin__ = origin
        self.__args__ = tuple(... if a is ... else _type_check(a) for a in args)
        self.__parameters__ = _collect_parameters(self.__args__)
        self._name = name
        self._inst = inst
        if not name:
            self.__module__ = getattr(origin, "__module__", "typing")

    def _origin_repr(self):
        if self._name:
            return "typing." + self._name
        return _type_repr(self.__origin__)

    def __repr__(self):
        if not self.__args__ and self._name == "Tuple":
            return "typing.Tuple[()]"
        return "%s[%s]" % (self._origin_repr(), ", ".join(_type_repr(a) for a in self.__args__))

    def __eq__(self, other):
        if not isinstance(other, _GenericAlias):
            return NotImplemented
        return self.__origin__ == other.__origin__ and self.__args__ == other.__args__

    def __hash__(self):
        return hash((self.__origin__, self.__args__))

    def __getitem__(self, args):
        if not self.__parameters__:
            raise TypeError("%r is not a generic class" % self)
        if not isinstance(args, tuple):
            args = (args,)
        if len(args) != len(self.__parameters__):
            raise TypeError("Too %s arguments for %r; actual %d, expected %d"
                            % ("many" if len(args) > len(self.__parameters__) else "few",
                               self, len(args), len(self.__parameters__)))
        mapping = dict(zip(self.__parameters__, args))
        new_args = tuple(_subst(a, mapping) for a in self.__args__)
        return self.copy_with(new_args)

    def copy_with(self, args):
        return self.__class__(self.__origin__, args, name=self._name, inst=self._inst)

    def __call__(self, *args, **kwargs):
        if not self._inst:
            raise TypeError("Type %s cannot be instantiated; use %s() instead"
                            % (self._name, self.__origin__.__name__.lower()))
        result = self.__origin__(*args, **kwargs)
        try:
            result.__orig_class__ = self
        except Exception:
            pass
        return result

    def __mro_entries__(self, bases):
        origin = self.__origin__
        if isinstance(origin, _SpecialForm):
            raise TypeError("Cannot subclass %r" % self)
        if origin in bases:
            return ()
        return (origin,)

    def __getattr__(self, attr):
        if attr in ("__origin__", "__args__", "_name", "_inst", "__parameters__"):
            raise AttributeError(attr)
        if not (attr.startswith("__") and attr.endswith("__")):
            return getattr(self.__origin__, attr)
        raise AttributeError(attr)

    def __setattr__(self, attr, val):
        object.__setattr__(self, attr, val)

    def __instancecheck__(self, obj):
        raise TypeError("Subscripted generics cannot be used with class and instance checks")

    def __subclasscheck__(self, cls):
        raise TypeError("Subscripted generics cannot be used with class and instance checks")

    def __or__(self, right):
        return Union[self, right]

    def __ror__(self, left):
        return Union[left, self]

    def __reduce__(self):
        return operator.getitem, (self.__origin__, self.__args__)


class _UnionGenericAlias(_GenericAlias):
    def __init__(self, origin, args, *, name="Union", inst=True):
        _GenericAlias.__init__(self, origin, args, name=name, inst=inst)

    def copy_with(self, args):
        return Union[args]

    def __repr__(self):
        args = self.__args__
        if len(args) == 2:
            if args[0] is _NoneType:
                return "typing.Optional[%s]" % _type_repr(args[1])
            if args[1] is _NoneType:
                return "typing.Optional[%s]" % _type_repr(args[0])
        return "typing.Union[%s]" % ", ".join(_type_repr(a) for a in args)

    def __eq__(self, other):
        if not isinstance(other, _UnionGenericAlias):
            if type(other).__name__ == "UnionType":
                return set(self.__args__) == set(other.__args__)
            return NotImplemented
        return set(self.__args__) == set(other.__args__)

    def __hash__(self):
        return hash(frozenset(self.__args__))

    def __instancecheck__(self, obj):
        return self.__subclasscheck__(type(obj))

    def __subclasscheck__(self, cls):
        for arg in self.__args__:
            if isinstance(arg, _GenericAlias):
                raise TypeError("Subscripted generics cannot be used with class and "
                                "instance checks")
            if issubclass(cls, arg):
                return True
        return False


class _LiteralGenericAlias(_GenericAlias):
    def __init__(self, origin, args, *, name="Literal", inst=True):
        object.__setattr__(self, "__origin__", origin)
        object.__setattr__(self, "__args__", tuple(args))
        object.__setattr__(self, "__parameters__", ())
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_inst", inst)

    def __repr__(self):
        return "typing.Literal[%s]" % ", ".join(repr(a) for a in self.__args__)

    def __eq__(self, other):
        if not isinstance(other, _LiteralGenericAlias):
            return NotImplemented
        return set(self.__args__) == set(other.__args__)

    def __hash__(self):
        return hash(frozenset(self.__args__))


class _AnnotatedAlias(_GenericAlias):
    def __init__(self, origin, metadata):
        _GenericAlias.__init__(self, origin, (origin,), name=None)
        self.__metadata__ = metadata

    def __repr__(self):
        return "typing.Annotated[%s, %s]" % (_type_repr(self.__origin__),
                                            ", ".join(repr(m) for m in self.__metadata__))

    def copy_with(self, args):
        return _AnnotatedAlias(args[0], self.__metadata__)

    def __eq__(self, other):
        if not isinstance(other, _AnnotatedAlias):
            return NotImplemented
        return self.__origin__ == other.__origin__ and self.__metadata__ == other.__metadata__

    def __hash__(self):
        return hash((self.__origin__, self.__metadata__))

    def __mro_entries__(self, bases):
        return (self.__origin__,)


class _CallableGenericAlias(_GenericAlias):
    def __repr__(self):
        args = self.__args__
        if len(args) == 2 and args[0] is ...:
            return "typing.Callable[..., %s]" % _type_repr(args[1])
        params = ", ".join(_type_repr(a) for a in args[:-1])
        return "typing.Callable[[%s], %s]" % (params, _type_repr(args[-1]))

    def copy_with(self, args):
        return _CallableGenericAlias(self.__origin__, args, name=self._name, inst=self._inst)


class _LazyOrigin:
    """Resolves 'module.attr' on first use, so typing loads without collections.abc."""

    def __init__(self, spec):
        self.spec = spec
        self.value = None

    def get(self):
        if self.value is None:
            if isinstance(self.spec, str):
                module, _, attr = self.spec.rpartition(".")
                try:
                    mod = __import__(module)
                    for part in module.split(".")[1:]:
                        mod = getattr(mod, part)
                    self.value = getattr(mod, attr)
                except (ImportError, AttributeError):
                    self.value = object
            else:
                self.value = self.spec
        return self.value


class _SpecialGenericAlias:
    """An unsubscripted alias such as typing.List: isinstance works, subscripting builds a
    _GenericAlias with the builtin/ABC origin."""

    def __new__(cls, *args, **kwargs):
        if _looks_like_class_creation(args, kwargs):
            return _create_class_without_pep560(args[0], args[1], args[2], kwargs)
        return object.__new__(cls)

    def __init__(self, origin, nparams, *, inst=True, name=None, defaults=()):
        self._lazy = _LazyOrigin(origin)
        self._nparams = nparams
        self._inst = inst
        self._name = name
        self.__parameters__ = ()

    @property
    def __origin__(self):
        return self._lazy.get()

    def __repr__(self):
        return "typing." + self._name

    def __getitem__(self, params):
        if not isinstance(params, tuple):
            params = (params,)
        if self._nparams >= 0 and len(params) != self._nparams:
            raise TypeError("Too %s arguments for %r; actual %d, expected %d"
                            % ("many" if len(params) > self._nparams else "few", self,
                               len(params), self._nparams))
        return _GenericAlias(self.__origin__, params, name=self._name, inst=self._inst)

    def __call__(self, *args, **kwargs):
        if not self._inst:
            raise TypeError("Type %s cannot be instantiated; use %s() instead"
                            % (self._name, self.__origin__.__name__.lower()))
        return self.__origin__(*args, **kwargs)

    def __mro_entries__(self, bases):
        return (self.__origin__,)

    def __instancecheck__(self, obj):
        return isinstance(obj, self.__origin__)

    def __subclasscheck__(self, cls):
        if isinstance(cls, _SpecialGenericAlias):
            return issubclass(cls.__origin__, self.__origin__)
        return issubclass(cls, self.__origin__)

    def __or__(self, right):
        return Union[self, right]

    def __ror__(self, left):
        return Union[left, self]

    def __eq__(self, other):
        if isinstance(other, _SpecialGenericAlias):
            return self._name == other._name
        return NotImplemented

    def __hash__(self):
        return hash(self._name)

    def __getattr__(self, attr):
        if attr.startswith("_"):
            raise AttributeError(attr)
        return getattr(self.__origin__, attr)

    def __reduce__(self):
        return self._name


class _CallableType(_SpecialGenericAlias):
    def __getitem__(self, params):
        if not isinstance(params, tuple) or len(params) != 2:
            raise TypeError("Callable must be used as Callable[[arg, ...], result].")
        args, result = params
        if args is ...:
            flat = (..., result)
        elif isinstance(args, list):
            flat = tuple(args) + (result,)
        elif isinstance(args, (ParamSpec, _GenericAlias)):
            flat = (args, result)
        else:
            raise TypeError("Callable[args, result]: args must be a list. Got %r" % (args,))
        return _CallableGenericAlias(self.__origin__, flat, name="Callable", inst=True)


class _TupleType(_SpecialGenericAlias):
    def __getitem__(self, params):
        if params == ():
            return _GenericAlias(tuple, (), name="Tuple", inst=False)
        if not isinstance(params, tuple):
            params = (params,)
        return _GenericAlias(tuple, params, name="Tuple", inst=False)


Hashable = _SpecialGenericAlias("collections.abc.Hashable", 0, name="Hashable")
Awaitable = _SpecialGenericAlias("collections.abc.Awaitable", 1, name="Awaitable")
Coroutine = _SpecialGenericAlias("collections.abc.Coroutine", 3, name="Coroutine")
AsyncIterable = _SpecialGenericAlias("collections.abc.AsyncIterable", 1, name="AsyncIterable")
AsyncIterator = _SpecialGenericAlias("collections.abc.AsyncIterator", 1, name="AsyncIterator")
Iterable = _SpecialGenericAlias("collections.abc.Iterable", 1, name="Iterable")
Iterator = _SpecialGenericAlias("collections.abc.Iterator", 1, name="Iterator")
Reversible = _SpecialGenericAlias("collections.abc.Reversible", 1, name="Reversible")
Sized = _SpecialGenericAlias("collections.abc.Sized", 0, name="Sized")
Container = _SpecialGenericAlias("collections.abc.Container", 1, name="Container")
Collection = _SpecialGenericAlias("collections.abc.Collection", 1, name="Collection")
Callable = _CallableType("collections.abc.Callable", 2, name="Callable")
AbstractSet = _SpecialGenericAlias("collections.abc.Set", 1, name="AbstractSet")
MutableSet = _SpecialGenericAlias("collections.abc.MutableSet", 1, name="MutableSet")
Mapping = _SpecialGenericAlias("collections.abc.Mapping", 2, name="Mapping")
MutableMapping = _SpecialGenericAlias("collections.abc.MutableMapping", 2, name="MutableMapping")
Sequence = _SpecialGenericAlias("collections.abc.Sequence", 1, name="Sequence")
MutableSequence = _SpecialGenericAlias("collections.abc.MutableSequence", 1,
                                       name="MutableSequence")
ByteString = _SpecialGenericAlias("collections.abc.ByteString", 0, name="ByteString")
Tuple = _TupleType(tuple, -1, inst=False, name="Tuple")
List = _SpecialGenericAlias(list, 1, inst=False, name="List")
Deque = _SpecialGenericAlias("collections.deque", 1, name="Deque")
Set = _SpecialGenericAlias(set, 1, inst=False, name="Set")
FrozenSet = _SpecialGenericAlias(frozenset, 1, inst=False, name="FrozenSet")
MappingView = _SpecialGenericAlias("collections.abc.MappingView", 1, name="MappingView")
KeysView = _SpecialGenericAlias("collections.abc.KeysView", 1, name="KeysView")
ItemsView = _SpecialGenericAlias("collections.abc.ItemsView", 2, name="ItemsView")
ValuesView = _SpecialGenericAlias("collections.abc.ValuesView", 1, name="ValuesView")
ContextManager = _SpecialGenericAlias("contextlib.AbstractContextManager", 1,
                                      name="ContextManager")
AsyncContextManager = _SpecialGenericAlias("contextlib.AbstractAsyncContextManager", 1,
                                           name="AsyncContextManager")
Dict = _SpecialGenericAlias(dict, 2, inst=False, name="Dict")
DefaultDict = _SpecialGenericAlias("collections.defaultdict", 2, name="DefaultDict")
OrderedDict = _SpecialGenericAlias("collections.OrderedDict", 2, name="OrderedDict")
Counter = _SpecialGenericAlias("collections.Counter", 1, name="Counter")
ChainMap = _SpecialGenericAlias("collections.ChainMap", 2, name="ChainMap")
Generator = _SpecialGenericAlias("collections.abc.Generator", 3, name="Generator")
AsyncGenerator = _SpecialGenericAlias("collections.abc.AsyncGenerator", 2, name="AsyncGenerator")
Type = _SpecialGenericAlias(type, 1, inst=False, name="Type")
Pattern = _SpecialGenericAlias("re.Pattern", 1, name="Pattern")
Match = _SpecialGenericAlias("re.Match", 1, name="Match")
Text = str


# ----------------------------------------------------------------------------------------
# Generic and Protocol

class Generic:
    """Base class for generic classes: class Box(Generic[T])."""

    __slots__ = ()
    _is_protocol = False

    def __class_getitem__(cls, params):
        if not isinstance(params, tuple):
            params = (params,)
        if cls is Generic or cls is Protocol:
            if not params:
                raise TypeError("Parameter list to %s[...] cannot be empty" % cls.__qualname__)
            for p in params:
                if not isinstance(p, (TypeVar, ParamSpec, TypeVarTuple)) and \
                        not (isinstance(p, _GenericAlias) and p.__origin__ is Unpack):
                    raise TypeError("Parameters to %s[...] must all be type variables or "
                                    "parameter specification variables." % cls.__name__)
            if len(set(params)) != len(params):
                raise TypeError("Parameters to %s[...] must all be unique" % cls.__name__)
            return _GenericAlias(cls, params)
        own = cls.__dict__.get("__parameters__", ())
        if not own and "__orig_bases__" not in cls.__dict__:
            # The interpreter did not record __orig_bases__: accept the subscription.
            return _GenericAlias(cls, params)
        if not own:
            raise TypeError("%s is not a generic class" % _type_repr(cls))
        if len(params) != len(own):
            raise TypeError("Too %s arguments for %s; actual %d, expected %d"
                            % ("many" if len(params) > len(own) else "few", _type_repr(cls),
                               len(params), len(own)))
        return _GenericAlias(cls, params)

    def __init_subclass__(cls, *args, **kwargs):
        super().__init_subclass__(*args, **kwargs)
        orig = cls.__dict__.get("__orig_bases__", ())
        tvars = []
        gvars = None
        for base in orig:
            if isinstance(base, _GenericAlias) and base.__origin__ in (Generic, Protocol):
                gvars = base.__parameters__
            elif isinstance(base, _GenericAlias):
                for p in base.__parameters__:
                    if p not in tvars:
                        tvars.append(p)
        if gvars is not None:
            missing = [t for t in tvars if t not in gvars]
            if missing:
                raise TypeError("Some type variables (%s) are not listed in Generic[%s]"
                                % (", ".join(str(t) for t in missing),
                                   ", ".join(str(g) for g in gvars)))
            tvars = list(gvars)
        cls.__parameters__ = tuple(tvars)


def _protocol_attrs(cls):
    attrs = set()
    skip = {"__abstractmethods__", "__annotations__", "__dict__", "__doc__", "__init__",
            "__module__", "__new__", "__slots__", "__subclasshook__", "__weakref__",
            "__class_getitem__", "__parameters__", "__orig_bases__", "__qualname__",
            "_is_protocol", "_is_runtime_protocol", "__protocol_attrs__", "_abc_registry",
            "__init_subclass__", "__match_args__", "__orig_class__", "__classcell__"}
    for base in cls.__mro__[:-1]:
        if base.__name__ in ("Protocol", "Generic"):
            continue
        annotations = base.__dict__.get("__annotations__", {})
        for attr in list(base.__dict__) + list(annotations):
            if not attr.startswith("_abc_") and attr not in skip:
                attrs.add(attr)
    return attrs


from abc import ABCMeta as _ABCMeta


class _ProtocolMeta(_ABCMeta):
    def __instancecheck__(cls, instance):
        if getattr(cls, "_is_protocol", False):
            if not getattr(cls, "_is_runtime_protocol", False):
                raise TypeError("Instance and class checks can only be used with "
                                "@runtime_checkable protocols")
            if cls in type(instance).__mro__:
                return True
            for attr in _protocol_attrs(cls):
                if not hasattr(instance, attr):
                    return False
                if callable(getattr(cls, attr, None)) and getattr(instance, attr) is None:
                    return False
            return True
        return super().__instancecheck__(instance)

    def __subclasscheck__(cls, other):
        if getattr(cls, "_is_protocol", False):
            if not getattr(cls, "_is_runtime_protocol", False):
                raise TypeError("Instance and class checks can only be used with "
                                "@runtime_checkable protocols")
            if cls in other.__mro__:
                return True
            for attr in _protocol_attrs(cls):
                if not any(attr in base.__dict__ for base in other.__mro__):
                    return False
            return True
        return super().__subclasscheck__(other)


def _protocol_init_subclass(cls, *args, **kwargs):
    super(Protocol, cls).__init_subclass__(*args, **kwargs)
    if not cls.__dict__.get("_is_protocol", False):
        cls._is_protocol = any(b is Protocol or
                               (isinstance(b, _GenericAlias) and b.__origin__ is Protocol)
                               for b in cls.__dict__.get("__orig_bases__", cls.__bases__))


def _protocol_new(cls, *args, **kwargs):
    if getattr(cls, "_is_protocol", False):
        raise TypeError("Protocols cannot be instantiated")
    return object.__new__(cls)


_PROTOCOL_NS = {"__slots__": (), "_is_protocol": True, "_is_runtime_protocol": False,
                "__init_subclass__": classmethod(_protocol_init_subclass),
                "__new__": staticmethod(_protocol_new), "__module__": "typing",
                "__doc__": "Base class for structural (duck-typed) protocol classes.",
                "__qualname__": "Protocol"}

try:
    Protocol = _ProtocolMeta("Protocol", (Generic,), dict(_PROTOCOL_NS))
    Protocol.__mro__
except (TypeError, AttributeError):
    # Degraded: no Python metaclasses; Protocol classes work as plain base classes and
    # isinstance() against them is nominal.
    Protocol = type("Protocol", (Generic,), dict(_PROTOCOL_NS))


def runtime_checkable(cls):
    """Allow isinstance()/issubclass() with a Protocol class (checks member presence)."""
    if not getattr(cls, "_is_protocol", False):
        raise TypeError("@runtime_checkable can be only applied to protocol classes, got %r"
                        % cls)
    cls._is_runtime_protocol = True
    return cls


def _make_supports(name, method):
    ns = {method: lambda self: None, "__module__": "typing", "_is_protocol": True}
    try:
        cls = _ProtocolMeta(name, (Protocol,), ns)
        cls.__mro__
    except (TypeError, AttributeError):
        cls = type(name, (Protocol,), ns)
    cls._is_runtime_protocol = True
    return cls


SupportsInt = _make_supports("SupportsInt", "__int__")
SupportsFloat = _make_supports("SupportsFloat", "__float__")
SupportsComplex = _make_supports("SupportsComplex", "__complex__")
SupportsBytes = _make_supports("SupportsBytes", "__bytes__")
SupportsIndex = _make_supports("SupportsIndex", "__index__")
SupportsAbs = _make_supports("SupportsAbs", "__abs__")
SupportsRound = _make_supports("SupportsRound", "__round__")


# ----------------------------------------------------------------------------------------
# NamedTuple, TypedDict, NewType

class NamedTupleMeta(type):
    """`class P(NamedTuple): x: int` builds a collections.namedtuple class; calling
    NamedTuple('P', [('x', int)]) does the same functionally."""

    def __new__(mcls, typename, bases, ns):
        if ns.get("_root", False):
            return super().__new__(mcls, typename, bases, ns)
        types = ns.get("__annotations__", {})
        field_names = list(types)
        defaults = []
        default_names = []
        for name in field_names:
            if name in ns:
                defaults.append(ns[name])
                default_names.append(name)
            elif defaults:
                raise TypeError("Non-default namedtuple field %s cannot follow default field%s %s"
                                % (name, "s" if len(default_names) > 1 else "",
                                   ", ".join(default_names)))
        nm_tpl = _make_nmtuple(typename, types.items(), defaults=defaults,
                               module=ns.get("__module__", "__main__"))
        for key, value in ns.items():
            if key in ("__module__", "__qualname__", "__annotations__", "_root",
                       "__orig_bases__", "__classcell__"):
                continue
            if key in ("_make", "_asdict", "_replace", "_fields", "_field_defaults",
                       "__new__", "__init__", "__slots__", "__getnewargs__"):
                raise AttributeError("Cannot overwrite NamedTuple attribute " + key)
            if key not in field_names:
                setattr(nm_tpl, key, value)
        if "__qualname__" in ns:
            nm_tpl.__qualname__ = ns["__qualname__"]
        return nm_tpl

    def __call__(cls, typename=None, fields=None, /, **kwargs):
        if fields is None:
            fields = kwargs.items()
        elif kwargs:
            raise TypeError("Either list of fields or keywords can be provided to NamedTuple, "
                            "not both")
        return _make_nmtuple(typename, fields, module=_caller_module())


def _make_nmtuple(name, types, defaults=(), module="__main__"):
    fields = [n for n, t in types]
    annotations = {n: _type_check(t) for n, t in types}
    nm_tpl = collections.namedtuple(name, fields, defaults=defaults, module=module)
    nm_tpl.__annotations__ = nm_tpl.__new__.__annotations__ = annotations
    return nm_tpl


class NamedTuple(metaclass=NamedTupleMeta):
    """Typed version of collections.namedtuple."""

    _root = True


class _TypedDictMeta(type):
    def __new__(cls, name, bases, ns, total=True):
        annotations = {}
        required = set()
        optional = set()
        for base in bases:
            annotations.update(getattr(base, "__annotations__", {}))
            required.update(getattr(base, "__required_keys__", ()))
            optional.update(getattr(base, "__optional_keys__", ()))
        own = ns.get("__annotations__", {})
        for key, tp in own.items():
            annotations[key] = _type_check(tp)
            origin = getattr(tp, "__origin__", None)
            if origin is Required:
                required.add(key)
            elif origin is NotRequired:
                optional.add(key)
            elif total:
                required.add(key)
            else:
                optional.add(key)
        body = dict(ns)
        body["__annotations__"] = annotations
        tp_dict = type.__new__(_TypedDictMeta, name, (dict,), body)
        tp_dict.__required_keys__ = frozenset(required)
        tp_dict.__optional_keys__ = frozenset(optional)
        tp_dict.__total__ = total
        return tp_dict

    def __init__(cls, *args, **kwargs):
        pass

    def __call__(cls, *args, **kwargs):
        if cls is TypedDict:
            return _typeddict_call(*args, **kwargs)
        return dict(*args, **kwargs)

    def __subclasscheck__(cls, other):
        raise TypeError("TypedDict does not support instance and class checks")

    __instancecheck__ = __subclasscheck__


class TypedDict(dict, metaclass=_TypedDictMeta):
    """A dict with a fixed set of typed keys (a plain dict at run time)."""


def _typeddict_call(typename, fields=None, /, *, total=True, **kwargs):
    if fields is None:
        fields = kwargs
    ns = {"__annotations__": dict(fields), "__module__": _caller_module()}
    return _TypedDictMeta(typename, (), ns, total=total)


def is_typeddict(tp):
    return isinstance(tp, _TypedDictMeta)


class NewType:
    """NewType('UserId', int): a callable that returns its argument unchanged."""

    def __init__(self, name, tp):
        self.__qualname__ = name
        if "." in name:
            name = name.rpartition(".")[-1]
        self.__name__ = name
        self.__supertype__ = tp
        mod = _caller_module()
        if mod != "typing":
            self.__module__ = mod

    def __repr__(self):
        return "%s.%s" % (getattr(self, "__module__", "__main__"), self.__qualname__)

    def __call__(self, x):
        return x

    def __mro_entries__(self, bases):
        raise TypeError("Cannot subclass an instance of NewType. Perhaps you were looking "
                        "for: `%s = NewType(%r, %s)`" % (self.__name__, self.__name__, self.__name__))

    def __or__(self, other):
        return Union[self, other]

    def __ror__(self, other):
        return Union[other, self]


# ----------------------------------------------------------------------------------------
# IO types (only for annotations and isinstance against the io classes)

class IO(Generic):
    """Generic base for file objects (annotation use)."""
    __slots__ = ()
    __parameters__ = (AnyStr,)


class BinaryIO(IO):
    __slots__ = ()


class TextIO(IO):
    __slots__ = ()


# ----------------------------------------------------------------------------------------
# Functions

def cast(typ, val):
    """Tell a type checker that val has type typ; returns val unchanged."""
    return val


def assert_type(val, typ, /):
    return val


def assert_never(arg, /):
    value = repr(arg)
    if len(value) > 100:
        value = value[:100] + "..."
    raise AssertionError("Expected code to be unreachable, but got: %s" % value)


def reveal_type(obj, /):
    print("Runtime type is %r" % type(obj).__name__, file=sys.stderr)
    return obj


_overload_registry = {}


def _overload_dummy(*args, **kwds):
    raise NotImplementedError(
        "You should not call an overloaded function. "
        "A series of @overload-decorated functions "
        "outside a stub module should always be followed "
        "by an implementation that is not @overload-ed.")


def overload(func):
    """Mark a signature-only variant of an overloaded function."""
    key = (getattr(func, "__module__", None), getattr(func, "__qualname__", None))
    _overload_registry.setdefault(key, []).append(func)
    return _overload_dummy


def get_overloads(func):
    key = (getattr(func, "__module__", None), getattr(func, "__qualname__", None))
    return list(_overload_registry.get(key, []))


def clear_overloads():
    _overload_registry.clear()


def final(f):
    """Mark a method or class final; sets __final__ = True where possible."""
    try:
        f.__final__ = True
    except (AttributeError, TypeError):
        pass
    return f


def no_type_check(arg):
    try:
        arg.__no_type_check__ = True
    except (AttributeError, TypeError):
        pass
    return arg


def no_type_check_decorator(decorator):
    @functools.wraps(decorator)
    def wrapped_decorator(*args, **kwds):
        return no_type_check(decorator(*args, **kwds))
    return wrapped_decorator


def dataclass_transform(*, eq_default=True, order_default=False, kw_only_default=False,
                        field_specifiers=(), **kwargs):
    def decorator(cls_or_fn):
        cls_or_fn.__dataclass_transform__ = {
            "eq_default": eq_default, "order_default": order_default,
            "kw_only_default": kw_only_default, "field_specifiers": field_specifiers,
            "kwargs": kwargs}
        return cls_or_fn
    return decorator


def get_origin(tp):
    """The unsubscripted form: get_origin(List[int]) is list, of Union[...] is Union."""
    if isinstance(tp, _AnnotatedAlias):
        return Annotated
    if isinstance(tp, (_GenericAlias, _SpecialGenericAlias, ParamSpecArgs, ParamSpecKwargs)):
        return tp.__origin__
    if tp is Generic:
        return Generic
    if type(tp).__name__ == "GenericAlias":
        return tp.__origin__
    if type(tp).__name__ == "UnionType":
        import types
        return types.UnionType
    return None


def get_args(tp):
    """The arguments: get_args(Dict[str, int]) == (str, int)."""
    if isinstance(tp, _AnnotatedAlias):
        return (tp.__origin__,) + tp.__metadata__
    if isinstance(tp, _GenericAlias):
        res = tp.__args__
        if isinstance(tp, _CallableGenericAlias) and res and res[0] is not ...:
            res = (list(res[:-1]), res[-1])
        return res
    if type(tp).__name__ in ("GenericAlias", "UnionType"):
        return tp.__args__
    return ()


def _eval_hint(value, globalns, localns):
    if value is None:
        return _NoneType
    if isinstance(value, str):
        value = ForwardRef(value)
    if isinstance(value, ForwardRef):
        return _eval_hint(eval(value.__forward_arg__, globalns, localns), globalns, localns)
    if isinstance(value, _GenericAlias) and not isinstance(value, _LiteralGenericAlias):
        args = tuple(_eval_hint(a, globalns, localns) if a is not ... else a
                     for a in value.__args__)
        if args != value.__args__:
            if isinstance(value, _UnionGenericAlias):
                return Union[args]
            if isinstance(value, _AnnotatedAlias):
                return value
            return value.copy_with(args)
    return value


def _strip_annotations(t):
    if isinstance(t, _AnnotatedAlias):
        return _strip_annotations(t.__origin__)
    if isinstance(t, _GenericAlias) and getattr(t.__origin__, "_name", None) in ("Required", "NotRequired"):
        return _strip_annotations(t.__args__[0])
    return t


def get_type_hints(obj, globalns=None, localns=None, include_extras=False):
    """Annotations of a class, module or function with string forms evaluated."""
    if getattr(obj, "__no_type_check__", None):
        return {}
    hints = {}
    if isinstance(obj, type):
        for base in reversed(obj.__mro__):
            ann = base.__dict__.get("__annotations__", {})
            if globalns is None:
                mod = sys.modules.get(base.__module__)
                base_globals = getattr(mod, "__dict__", {})
            else:
                base_globals = globalns
            base_locals = dict(vars(base)) if localns is None else localns
            if localns is None and globalns is None:
                base_globals, base_locals = base_locals, base_globals
            for name, value in ann.items():
                hints[name] = _eval_hint(value, base_globals, base_locals)
    else:
        ann = getattr(obj, "__annotations__", None)
        if ann is None:
            raise TypeError("%r is not a module, class, method, or function." % (obj,))
        if globalns is None:
            if hasattr(obj, "__globals__"):
                globalns = obj.__globals__
            else:
                globalns = getattr(obj, "__dict__", {})
                wrapped = obj
                while hasattr(wrapped, "__wrapped__"):
                    wrapped = wrapped.__wrapped__
                globalns = getattr(wrapped, "__globals__", globalns)
        if localns is None:
            localns = globalns
        for name, value in ann.items():
            hints[name] = _eval_hint(value, globalns, localns)
    if include_extras:
        return hints
    return {k: _strip_annotations(v) for k, v in hints.items()}
