"""Abstract base classes: ABC, ABCMeta, abstractmethod and friends, in plain Python.

pyguest's own implementation. ABCMeta records a class's unimplemented abstract methods in
`__abstractmethods__` and refuses to instantiate such a class with CPython 3.11's TypeError
message (the check lives in ABCMeta.__call__, so it needs no support from object.__new__).
`register` adds virtual subclasses seen by isinstance/issubclass through `__instancecheck__` /
`__subclasscheck__` and `__subclasshook__`; those hooks need the interpreter to consult a
metaclass's `__instancecheck__`/`__subclasscheck__` in isinstance()/issubclass().
"""

__all__ = ["ABC", "ABCMeta", "abstractmethod", "abstractclassmethod", "abstractstaticmethod",
           "abstractproperty", "get_cache_token", "update_abstractmethods"]

_token = [0]


def abstractmethod(funcobj):
    """Mark a method abstract: subclasses must override it before they can be instantiated."""
    funcobj.__isabstractmethod__ = True
    return funcobj


class abstractclassmethod(classmethod):
    __isabstractmethod__ = True

    def __init__(self, callable):
        callable.__isabstractmethod__ = True
        super().__init__(callable)


class abstractstaticmethod(staticmethod):
    __isabstractmethod__ = True

    def __init__(self, callable):
        callable.__isabstractmethod__ = True
        super().__init__(callable)


class abstractproperty(property):
    __isabstractmethod__ = True


def get_cache_token():
    """A value that changes whenever a virtual subclass is registered anywhere."""
    return _token[0]


def _is_abstract(value):
    if getattr(value, "__isabstractmethod__", False):
        return True
    # property/classmethod/staticmethod wrapping an abstract function.
    for attr in ("fget", "fset", "fdel", "__func__"):
        inner = getattr(value, attr, None)
        if inner is not None and getattr(inner, "__isabstractmethod__", False):
            return True
    return False


def _compute_abstracts(cls):
    abstracts = set()
    for name, value in cls.__dict__.items():
        if _is_abstract(value):
            abstracts.add(name)
    for base in cls.__bases__:
        for name in getattr(base, "__abstractmethods__", ()):
            value = getattr(cls, name, None)
            if _is_abstract(value):
                abstracts.add(name)
    return frozenset(abstracts)


def update_abstractmethods(cls):
    """Recompute cls.__abstractmethods__ after methods were added or removed."""
    if hasattr(cls, "__abstractmethods__"):
        cls.__abstractmethods__ = _compute_abstracts(cls)
    return cls


def _type_call(cls, args, kwargs):
    """type.__call__(cls, *args, **kwargs); spelled out for interpreters whose `type` does
    not expose __call__ to Python code."""
    call = getattr(type, "__call__", None)
    if call is not None:
        return call(cls, *args, **kwargs)
    new = cls.__new__
    if new is object.__new__:
        obj = new(cls)
    else:
        obj = new(cls, *args, **kwargs)
    if isinstance(obj, cls):
        obj.__init__(*args, **kwargs)
    return obj


class ABCMeta(type):
    """Metaclass for abstract base classes."""

    def __new__(mcls, name, bases, namespace, **kwargs):
        cls = super().__new__(mcls, name, bases, namespace, **kwargs)
        try:
            cls.__bases__
        except AttributeError:
            # Degraded: the interpreter cannot create instances of a Python metaclass yet;
            # make a plain class (abstract methods are recorded but not enforced, no
            # virtual subclasses).
            plain = type(name, bases, dict(namespace))
            plain.__abstractmethods__ = _compute_abstracts(plain)
            return plain
        cls.__abstractmethods__ = _compute_abstracts(cls)
        cls._abc_registry = []
        return cls

    def __call__(cls, *args, **kwargs):
        abstracts = getattr(cls, "__abstractmethods__", ())
        if abstracts:
            names = sorted(abstracts)
            raise TypeError("Can't instantiate abstract class %s with abstract method%s %s"
                            % (cls.__name__, "s" if len(names) > 1 else "", ", ".join(names)))
        return _type_call(cls, args, kwargs)

    def register(cls, subclass):
        """Register a virtual subclass of an ABC; returns the subclass (usable as decorator)."""
        if not isinstance(subclass, type):
            raise TypeError("Can only register classes")
        if issubclass(subclass, cls):
            return subclass
        if issubclass(cls, subclass):
            raise RuntimeError("Refusing to create an inheritance cycle")
        cls._abc_registry.append(subclass)
        _token[0] += 1
        return subclass

    def __instancecheck__(cls, instance):
        subclass = instance.__class__
        if cls.__subclasscheck__(subclass):
            return True
        subtype = type(instance)
        if subtype is not subclass:
            return cls.__subclasscheck__(subtype)
        return False

    def __subclasscheck__(cls, subclass):
        if not isinstance(subclass, type):
            raise TypeError("issubclass() arg 1 must be a class")
        if cls in getattr(subclass, "__mro__", ()):
            return True
        hook = getattr(cls, "__subclasshook__", None)
        hook = NotImplemented if hook is None else hook(subclass)
        if hook is not NotImplemented:
            return bool(hook)
        for reg in cls.__dict__.get("_abc_registry", ()):
            if subclass is reg or issubclass(subclass, reg):
                return True
        try:
            subs = type.__subclasses__(cls)
        except (AttributeError, TypeError):
            subs = ()
        for sub in subs:
            if sub is not cls and issubclass(subclass, sub):
                return True
        return False

    def _dump_registry(cls, file=None):
        print("Class: %s.%s" % (cls.__module__, cls.__qualname__), file=file)
        print("Inv. counter: %s" % get_cache_token(), file=file)

    def _abc_registry_clear(cls):
        cls._abc_registry = []

    def _abc_caches_clear(cls):
        pass


class ABC(metaclass=ABCMeta):
    """Helper base class: `class Shape(ABC)` instead of `metaclass=ABCMeta`."""

    __slots__ = ()

    @classmethod
    def __subclasshook__(cls, subclass):
        return NotImplemented
