"""Abstract base classes for containers (`collections.abc`), written for pyguest.

The classes follow the documented CPython 3.11 hierarchy and mixin methods (Set operators,
Mapping.get/keys/items/values, MutableMapping.update/pop/setdefault, Sequence.index/count,
MutableSequence.append/extend/pop/remove, ...). Built-in types are attached as virtual
subclasses through `register` (list is a MutableSequence, dict a MutableMapping, ...).

Assumptions about the interpreter: `abc.ABCMeta` consults `__subclasshook__` and the
registries of the ABC itself, but `type.__subclasses__` may be empty, so registering a class
with an ABC here also registers it with that ABC's ABC ancestors (same answers as CPython's
subclass walk). The method checks of the one-method ABCs (Iterable, Sized, Hashable, ...) use
a table for built-in types instead of their `__dict__`, which may not be precise for them.
"""

from abc import ABCMeta, abstractmethod
import sys

__all__ = ["Awaitable", "Coroutine", "AsyncIterable", "AsyncIterator", "AsyncGenerator",
           "Hashable", "Iterable", "Iterator", "Generator", "Reversible", "Sized",
           "Container", "Callable", "Collection", "Set", "MutableSet", "Mapping",
           "MutableMapping", "MappingView", "KeysView", "ItemsView", "ValuesView",
           "Sequence", "MutableSequence", "ByteString"]



def _t(make):
    try:
        return type(make())
    except Exception:
        return None


def _gen():
    yield 1


_generator = _t(_gen)


async def _coro():
    pass


async def _agen():
    yield 1


def _closed_coro():
    c = _coro()
    c.close()  # never awaited on purpose
    return c


_coroutine = _t(_closed_coro)
_async_generator = _t(_agen)
_function = type(_gen)
_builtin = type(len)


class _C:
    def _m(self):
        pass


_method = type(_C()._m)
del _C
_dict_keys = type({}.keys())
_dict_values = type({}.values())
_dict_items = type({}.items())
_iterators = set()
for _mk in (lambda: iter(b""), lambda: iter(bytearray()), lambda: iter({}),
            lambda: iter({}.values()), lambda: iter({}.items()), lambda: iter([]),
            lambda: reversed([]), lambda: iter(range(0)), lambda: iter(set()),
            lambda: iter(""), lambda: iter(()), lambda: zip(), lambda: map(len, []),
            lambda: filter(None, []), lambda: enumerate([]), lambda: reversed(()),
            lambda: reversed(range(0))):
    _tp = _t(_mk)
    if _tp is not None and _tp not in (list, tuple):
        _iterators.add(_tp)
# the awaitables of coroutines and async generators are iterators too
for _mk in (lambda: _closed_coro().__await__(), lambda: _agen().asend(None),
            lambda: _agen().athrow(GeneratorExit)):
    _tp = _t(_mk)
    if _tp is not None:
        _iterators.add(_tp)

# Which of the checked special methods each built-in type defines (None: explicitly unset).
_ITER = {"__iter__": True}
_SIZED = {"__len__": True, "__contains__": True}
_BUILTIN_METHODS = {
    object: {"__hash__": True},
    list: dict(_ITER, __reversed__=True, __hash__=None, **_SIZED),
    tuple: dict(_ITER, **_SIZED),
    str: dict(_ITER, **_SIZED),
    bytes: dict(_ITER, **_SIZED),
    bytearray: dict(_ITER, __hash__=None, **_SIZED),
    range: dict(_ITER, __reversed__=True, **_SIZED),
    dict: dict(_ITER, __reversed__=True, __hash__=None, **_SIZED),
    set: dict(_ITER, __hash__=None, **_SIZED),
    frozenset: dict(_ITER, **_SIZED),
    _dict_keys: dict(_ITER, __reversed__=True, __hash__=None, **_SIZED),
    _dict_items: dict(_ITER, __reversed__=True, __hash__=None, **_SIZED),
    _dict_values: dict(_ITER, __reversed__=True, __len__=True),
    type: {"__call__": True},
    _function: {"__call__": True},
    _builtin: {"__call__": True},
    slice: {"__hash__": None},
}
if _method is not None:
    _BUILTIN_METHODS[_method] = {"__call__": True}
if _generator is not None:
    _BUILTIN_METHODS[_generator] = {"__iter__": True, "__next__": True, "send": True,
                                    "throw": True, "close": True}
if _coroutine is not None:
    _BUILTIN_METHODS[_coroutine] = {"__await__": True, "send": True, "throw": True,
                                    "close": True}
if _async_generator is not None:
    _BUILTIN_METHODS[_async_generator] = {"__aiter__": True, "__anext__": True,
                                          "asend": True, "athrow": True, "aclose": True}
for _tp in _iterators:
    _BUILTIN_METHODS[_tp] = {"__iter__": True, "__next__": True}
for _tp in (int, float, complex, bool, type(None)):
    _BUILTIN_METHODS[_tp] = {}
del _mk, _tp


def _own_methods(B):
    if B in _BUILTIN_METHODS:
        return _BUILTIN_METHODS[B]
    if getattr(B, "__module__", None) == "builtins" and B.__name__ not in ("object",):
        return {}
    return B.__dict__


def _check_methods(C, *methods):
    mro = getattr(C, "__mro__", None)
    if mro is None:
        return NotImplemented
    for method in methods:
        for B in mro:
            d = _own_methods(B)
            if method in d:
                if d[method] is None:
                    return NotImplemented
                break
        else:
            return NotImplemented
    return True


def _register(cls, subclass):
    """Register `subclass` as a virtual subclass of `cls` (and of cls's ABC ancestors)."""
    ABCMeta.register(cls, subclass)
    for base in cls.__mro__[1:]:
        if isinstance(base, ABCMeta) and "_abc_registry" in base.__dict__:
            if subclass not in base.__dict__["_abc_registry"] and not issubclass(subclass, base):
                base.__dict__["_abc_registry"].append(subclass)
    return subclass


def _class_getitem(cls, params):
    try:
        from types import GenericAlias
    except ImportError:
        return cls
    return GenericAlias(cls, params)


### one-trick ponies ###

class Hashable(metaclass=ABCMeta):
    __slots__ = ()
    register = classmethod(_register)

    @abstractmethod
    def __hash__(self):
        return 0

    @classmethod
    def __subclasshook__(cls, C):
        if cls is Hashable:
            return _check_methods(C, "__hash__")
        return NotImplemented


class Awaitable(metaclass=ABCMeta):
    __slots__ = ()
    register = classmethod(_register)

    @abstractmethod
    def __await__(self):
        yield

    @classmethod
    def __subclasshook__(cls, C):
        if cls is Awaitable:
            return _check_methods(C, "__await__")
        return NotImplemented

    __class_getitem__ = classmethod(_class_getitem)


class Coroutine(Awaitable):
    __slots__ = ()

    @abstractmethod
    def send(self, value):
        raise StopIteration

    @abstractmethod
    def throw(self, typ, val=None, tb=None):
        if val is None:
            if tb is None:
                raise typ
            val = typ()
        if tb is not None:
            val = val.with_traceback(tb)
        raise val

    def close(self):
        try:
            self.throw(GeneratorExit)
        except (GeneratorExit, StopIteration):
            pass
        else:
            raise RuntimeError("coroutine ignored GeneratorExit")

    @classmethod
    def __subclasshook__(cls, C):
        if cls is Coroutine:
            return _check_methods(C, '__await__', 'send', 'throw', 'close')
        return NotImplemented


class AsyncIterable(metaclass=ABCMeta):
    __slots__ = ()
    register = classmethod(_register)

    @abstractmethod
    def __aiter__(self):
        return AsyncIterator()

    @classmethod
    def __subclasshook__(cls, C):
        if cls is AsyncIterable:
            return _check_methods(C, "__aiter__")
        return NotImplemented

    __class_getitem__ = classmethod(_class_getitem)


class AsyncIterator(AsyncIterable):
    __slots__ = ()

    @abstractmethod
    def __anext__(self):
        raise StopAsyncIteration

    def __aiter__(self):
        return self

    @classmethod
    def __subclasshook__(cls, C):
        if cls is AsyncIterator:
            return _check_methods(C, "__anext__", "__aiter__")
        return NotImplemented


class AsyncGenerator(AsyncIterator):
    __slots__ = ()

    def __anext__(self):
        return self.asend(None)

    @abstractmethod
    def asend(self, value):
        raise StopAsyncIteration

    @abstractmethod
    def athrow(self, typ, val=None, tb=None):
        if val is None:
            if tb is None:
                raise typ
            val = typ()
        raise val

    def aclose(self):
        return self.athrow(GeneratorExit)

    @classmethod
    def __subclasshook__(cls, C):
        if cls is AsyncGenerator:
            return _check_methods(C, '__aiter__', '__anext__', 'asend', 'athrow', 'aclose')
        return NotImplemented


class Iterable(metaclass=ABCMeta):
    __slots__ = ()
    register = classmethod(_register)

    @abstractmethod
    def __iter__(self):
        while False:
            yield None

    @classmethod
    def __subclasshook__(cls, C):
        if cls is Iterable:
            return _check_methods(C, "__iter__")
        return NotImplemented

    __class_getitem__ = classmethod(_class_getitem)


class Iterator(Iterable):
    __slots__ = ()

    @abstractmethod
    def __next__(self):
        'Return the next item from the iterator. When exhausted, raise StopIteration'
        raise StopIteration

    def __iter__(self):
        return self

    @classmethod
    def __subclasshook__(cls, C):
        if cls is Iterator:
            return _check_methods(C, '__iter__', '__next__')
        return NotImplemented


class Reversible(Iterable):
    __slots__ = ()

    @abstractmethod
    def __reversed__(self):
        while False:
            yield None

    @classmethod
    def __subclasshook__(cls, C):
        if cls is Reversible:
            return _check_methods(C, "__reversed__", "__iter__")
        return NotImplemented


class Generator(Iterator):
    __slots__ = ()

    def __next__(self):
        return self.send(None)

    @abstractmethod
    def send(self, value):
        raise StopIteration

    @abstractmethod
    def throw(self, typ, val=None, tb=None):
        if val is None:
            if tb is None:
                raise typ
            val = typ()
        raise val

    def close(self):
        try:
            self.throw(GeneratorExit)
        except (GeneratorExit, StopIteration):
            pass
        else:
            raise RuntimeError("generator ignored GeneratorExit")

    @classmethod
    def __subclasshook__(cls, C):
        if cls is Generator:
            return _check_methods(C, '__iter__', '__next__', 'send', 'throw', 'close')
        return NotImplemented


class Sized(metaclass=ABCMeta):
    __slots__ = ()
    register = classmethod(_register)

    @abstractmethod
    def __len__(self):
        return 0

    @classmethod
    def __subclasshook__(cls, C):
        if cls is Sized:
            return _check_methods(C, "__len__")
        return NotImplemented


class Container(metaclass=ABCMeta):
    __slots__ = ()
    register = classmethod(_register)

    @abstractmethod
    def __contains__(self, x):
        return False

    @classmethod
    def __subclasshook__(cls, C):
        if cls is Container:
            return _check_methods(C, "__contains__")
        return NotImplemented

    __class_getitem__ = classmethod(_class_getitem)


class Collection(Sized, Iterable, Container):
    __slots__ = ()

    @classmethod
    def __subclasshook__(cls, C):
        if cls is Collection:
            return _check_methods(C, "__len__", "__iter__", "__contains__")
        return NotImplemented


class Callable(metaclass=ABCMeta):
    __slots__ = ()
    register = classmethod(_register)

    @abstractmethod
    def __call__(self, *args, **kwds):
        return False

    @classmethod
    def __subclasshook__(cls, C):
        if cls is Callable:
            return _check_methods(C, "__call__")
        return NotImplemented

    __class_getitem__ = classmethod(_class_getitem)


### SETS ###

class Set(Collection):
    """A set is a finite, iterable container (mixins: comparisons, & | - ^, isdisjoint)."""

    __slots__ = ()

    def __le__(self, other):
        if not isinstance(other, Set):
            return NotImplemented
        if len(self) > len(other):
            return False
        for elem in self:
            if elem not in other:
                return False
        return True

    def __lt__(self, other):
        if not isinstance(other, Set):
            return NotImplemented
        return len(self) < len(other) and self.__le__(other)

    def __gt__(self, other):
        if not isinstance(other, Set):
            return NotImplemented
        return len(self) > len(other) and self.__ge__(other)

    def __ge__(self, other):
        if not isinstance(other, Set):
            return NotImplemented
        if len(self) < len(other):
            return False
        for elem in other:
            if elem not in self:
                return False
        return True

    def __eq__(self, other):
        if not isinstance(other, Set):
            return NotImplemented
        return len(self) == len(other) and self.__le__(other)

    @classmethod
    def _from_iterable(cls, it):
        return cls(it)

    def __and__(self, other):
        if not isinstance(other, Iterable):
            return NotImplemented
        return self._from_iterable(value for value in other if value in self)

    __rand__ = __and__

    def isdisjoint(self, other):
        for value in other:
            if value in self:
                return False
        return True

    def __or__(self, other):
        if not isinstance(other, Iterable):
            return NotImplemented
        chain = [e for s in (self, other) for e in s]
        return self._from_iterable(chain)

    __ror__ = __or__

    def __sub__(self, other):
        if not isinstance(other, Set):
            if not isinstance(other, Iterable):
                return NotImplemented
            other = self._from_iterable(other)
        return self._from_iterable(value for value in self if value not in other)

    def __rsub__(self, other):
        if not isinstance(other, Set):
            if not isinstance(other, Iterable):
                return NotImplemented
            other = self._from_iterable(other)
        return self._from_iterable(value for value in other if value not in self)

    def __xor__(self, other):
        if not isinstance(other, Set):
            if not isinstance(other, Iterable):
                return NotImplemented
            other = self._from_iterable(other)
        return (self - other) | (other - self)

    __rxor__ = __xor__

    def _hash(self):
        MAX = sys.maxsize
        MASK = 2 * MAX + 1
        n = len(self)
        h = 1927868237 * (n + 1)
        h &= MASK
        for x in self:
            hx = hash(x)
            h ^= (hx ^ (hx << 16) ^ 89869747) * 3644798167
            h &= MASK
        h ^= (h >> 11) ^ (h >> 25)
        h = h * 69069 + 907133923
        h &= MASK
        if h > MAX:
            h -= MASK + 1
        if h == -1:
            h = 590923713
        return h

    __hash__ = None


class MutableSet(Set):
    """A mutable set (abstract add/discard; mixins clear, pop, remove, |= &= ^= -=)."""

    __slots__ = ()

    @abstractmethod
    def add(self, value):
        raise NotImplementedError

    @abstractmethod
    def discard(self, value):
        raise NotImplementedError

    def remove(self, value):
        if value not in self:
            raise KeyError(value)
        self.discard(value)

    def pop(self):
        it = iter(self)
        try:
            value = next(it)
        except StopIteration:
            raise KeyError from None
        self.discard(value)
        return value

    def clear(self):
        try:
            while True:
                self.pop()
        except KeyError:
            pass

    def __ior__(self, it):
        for value in it:
            self.add(value)
        return self

    def __iand__(self, it):
        for value in (self - it):
            self.discard(value)
        return self

    def __ixor__(self, it):
        if it is self:
            self.clear()
        else:
            if not isinstance(it, Set):
                it = self._from_iterable(it)
            for value in it:
                if value in self:
                    self.discard(value)
                else:
                    self.add(value)
        return self

    def __isub__(self, it):
        if it is self:
            self.clear()
        else:
            for value in it:
                self.discard(value)
        return self


### MAPPINGS ###

class Mapping(Collection):
    """A read-only mapping (abstract __getitem__/__iter__/__len__; mixins get, in, keys,
    items, values, ==)."""

    __slots__ = ()

    @abstractmethod
    def __getitem__(self, key):
        raise KeyError

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def __contains__(self, key):
        try:
            self[key]
        except KeyError:
            return False
        else:
            return True

    def keys(self):
        return KeysView(self)

    def items(self):
        return ItemsView(self)

    def values(self):
        return ValuesView(self)

    def __eq__(self, other):
        if not isinstance(other, Mapping):
            return NotImplemented
        return dict(self.items()) == dict(other.items())

    __reversed__ = None
    __hash__ = None


class MappingView(Sized):
    __slots__ = ('_mapping',)

    def __init__(self, mapping):
        self._mapping = mapping

    def __len__(self):
        return len(self._mapping)

    def __repr__(self):
        return '{0.__class__.__name__}({0._mapping!r})'.format(self)

    __class_getitem__ = classmethod(_class_getitem)


class KeysView(MappingView, Set):
    __slots__ = ()

    @classmethod
    def _from_iterable(cls, it):
        return set(it)

    def __contains__(self, key):
        return key in self._mapping

    def __iter__(self):
        yield from self._mapping


class ItemsView(MappingView, Set):
    __slots__ = ()

    @classmethod
    def _from_iterable(cls, it):
        return set(it)

    def __contains__(self, item):
        key, value = item
        try:
            v = self._mapping[key]
        except KeyError:
            return False
        else:
            return v is value or v == value

    def __iter__(self):
        for key in self._mapping:
            yield (key, self._mapping[key])


class ValuesView(MappingView, Collection):
    __slots__ = ()

    def __contains__(self, value):
        for key in self._mapping:
            v = self._mapping[key]
            if v is value or v == value:
                return True
        return False

    def __iter__(self):
        for key in self._mapping:
            yield self._mapping[key]


_marker = object()


class MutableMapping(Mapping):
    """A mutable mapping (abstract __setitem__/__delitem__; mixins pop, popitem, clear,
    update, setdefault)."""

    __slots__ = ()

    @abstractmethod
    def __setitem__(self, key, value):
        raise KeyError

    @abstractmethod
    def __delitem__(self, key):
        raise KeyError

    def pop(self, key, default=_marker):
        try:
            value = self[key]
        except KeyError:
            if default is _marker:
                raise
            return default
        else:
            del self[key]
            return value

    def popitem(self):
        try:
            key = next(iter(self))
        except StopIteration:
            raise KeyError from None
        value = self[key]
        del self[key]
        return key, value

    def clear(self):
        try:
            while True:
                self.popitem()
        except KeyError:
            pass

    def update(self, other=(), /, **kwds):
        if isinstance(other, Mapping):
            for key in other:
                self[key] = other[key]
        elif hasattr(other, "keys"):
            for key in other.keys():
                self[key] = other[key]
        else:
            for key, value in other:
                self[key] = value
        for key, value in kwds.items():
            self[key] = value

    def setdefault(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            self[key] = default
        return default


### SEQUENCES ###

class Sequence(Reversible, Collection):
    """A read-only sequence (abstract __getitem__/__len__; mixins iteration, in, reversed,
    index, count)."""

    __slots__ = ()

    @abstractmethod
    def __getitem__(self, index):
        raise IndexError

    def __iter__(self):
        i = 0
        try:
            while True:
                v = self[i]
                yield v
                i += 1
        except IndexError:
            return

    def __contains__(self, value):
        for v in self:
            if v is value or v == value:
                return True
        return False

    def __reversed__(self):
        for i in reversed(range(len(self))):
            yield self[i]

    def index(self, value, start=0, stop=None):
        if start is not None and start < 0:
            start = max(len(self) + start, 0)
        if stop is not None and stop < 0:
            stop += len(self)
        i = start
        while stop is None or i < stop:
            try:
                v = self[i]
            except IndexError:
                break
            if v is value or v == value:
                return i
            i += 1
        raise ValueError

    def count(self, value):
        return sum(1 for v in self if v is value or v == value)


class ByteString(Sequence):
    __slots__ = ()


class MutableSequence(Sequence):
    """A mutable sequence (abstract __setitem__/__delitem__/insert; mixins append, clear,
    reverse, extend, pop, remove, +=)."""

    __slots__ = ()

    @abstractmethod
    def __setitem__(self, index, value):
        raise IndexError

    @abstractmethod
    def __delitem__(self, index):
        raise IndexError

    @abstractmethod
    def insert(self, index, value):
        raise IndexError

    def append(self, value):
        self.insert(len(self), value)

    def clear(self):
        try:
            while True:
                self.pop()
        except IndexError:
            pass

    def reverse(self):
        n = len(self)
        for i in range(n // 2):
            self[i], self[n - i - 1] = self[n - i - 1], self[i]

    def extend(self, values):
        if values is self:
            values = list(values)
        for v in values:
            self.append(v)

    def pop(self, index=-1):
        v = self[index]
        del self[index]
        return v

    def remove(self, value):
        del self[self.index(value)]

    def __iadd__(self, values):
        self.extend(values)
        return self


# Built-in types as virtual subclasses.
Set.register(frozenset)
MutableSet.register(set)
MutableMapping.register(dict)
KeysView.register(_dict_keys)
ItemsView.register(_dict_items)
ValuesView.register(_dict_values)
Sequence.register(tuple)
Sequence.register(str)
Sequence.register(range)
if isinstance(memoryview, type):
    Sequence.register(memoryview)
ByteString.register(bytes)
ByteString.register(bytearray)
MutableSequence.register(list)
MutableSequence.register(bytearray)
if _generator is not None:
    Generator.register(_generator)
if _coroutine is not None:
    Coroutine.register(_coroutine)
if _async_generator is not None:
    AsyncGenerator.register(_async_generator)
for _tp in _iterators:
    Iterator.register(_tp)
for _tp in (_function, _builtin, type):
    Callable.register(_tp)
if _method is not None:
    Callable.register(_method)
try:
    from types import MappingProxyType as _mp
    if _mp is not dict:
        Mapping.register(_mp)
except ImportError:
    pass
del _tp
try:
    from collections import deque as _deque
    MutableSequence.register(_deque)
    del _deque
except ImportError:
    pass
