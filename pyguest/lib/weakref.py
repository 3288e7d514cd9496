"""Weak references (`weakref`) for pyguest: `ref` (also `ReferenceType`), `proxy`
(`ProxyType`/`CallableProxyType`), `WeakMethod`, `getweakrefcount`, `getweakrefs`,
`WeakValueDictionary`, `WeakKeyDictionary`, `WeakSet`, `finalize`.

Built on the native `_pgweak` (a table of the collector's weak references, see
`pyguest/src/modules/weak.rs`); under another interpreter the primitives come from its own
`_weakref` and only the containers and `finalize` below are ours.

pyguest has a tracing collector, not reference counting: an object dies when a collection
finds it unreachable, so after `del obj` a weak reference keeps answering the object until
`gc.collect()` (or an automatic collection) has run. Callbacks and `finalize` functions run
from `gc.collect()` (and at the next weak-reference operation after an automatic collection),
not at the moment of death. The containers drop dead entries whenever they are read, so
`len()`/iteration are exact after a collection.
"""

import sys

try:
    import _pgweak
except ImportError:
    _pgweak = None

__all__ = ["ref", "proxy", "getweakrefcount", "getweakrefs", "WeakKeyDictionary",
           "ReferenceType", "ProxyType", "CallableProxyType", "ProxyTypes",
           "WeakValueDictionary", "WeakSet", "WeakMethod", "finalize"]

if _pgweak is None:
    from _weakref import (ref, proxy, getweakrefcount, getweakrefs, ReferenceType,
                          ProxyType, CallableProxyType)

    def _run_callbacks():
        pass
else:
    def _run_callbacks():
        """Call the callbacks of refs whose targets the collector found dead."""
        for r in _pgweak.dead():
            cb = r.__callback__
            if cb is not None:
                try:
                    cb(r)
                except Exception as e:
                    print("Exception ignored in: %r\n%s: %s" % (cb, type(e).__name__, e),
                          file=sys.stderr)

    _created = [0]

    class ReferenceType:
        """`ref(obj[, callback])`: call it to get `obj`, or None once `obj` was collected."""

        def __new__(cls, ob, callback=None):
            self = object.__new__(cls)
            self._h = _pgweak.new(ob, self)
            self.__callback__ = callback
            self._hash = None
            _created[0] += 1
            if _created[0] % 256 == 0:
                _run_callbacks()
            return self

        def __init__(self, ob, callback=None):
            pass

        def __call__(self):
            return _pgweak.get(self._h)

        def __hash__(self):
            if self._hash is None:
                o = self()
                if o is None:
                    raise TypeError("weak object has gone away")
                self._hash = hash(o)
            return self._hash

        def __eq__(self, other):
            if not isinstance(other, ReferenceType):
                return NotImplemented
            a, b = self(), other()
            if a is None or b is None:
                return self is other
            return a == b

        def __ne__(self, other):
            r = self.__eq__(other)
            return r if r is NotImplemented else not r

        def __repr__(self):
            o = self()
            if o is None:
                return "<weakref at %#x; dead>" % id(self)
            return "<weakref at %#x; to '%s' at %#x>" % (id(self), type(o).__name__, id(o))

        def __class_getitem__(cls, item):
            return cls

    ref = ReferenceType

    def getweakrefcount(obj):
        """The number of weak references (and proxies) to `obj`."""
        return _pgweak.count(obj)

    def getweakrefs(obj):
        """The weak references and proxies to `obj`."""
        return _pgweak.refs(obj)

    def _deref(p):
        o = object.__getattribute__(p, "_ref")()
        if o is None:
            raise ReferenceError("weakly-referenced object no longer exists")
        return o

    class ProxyType:
        """`proxy(obj)`: forwards attribute access and operators to `obj` while it lives."""

        def __init__(self, ob, callback=None):
            object.__setattr__(self, "_ref", ref(ob, callback))

        def __getattr__(self, name):
            return getattr(_deref(self), name)

        def __setattr__(self, name, value):
            setattr(_deref(self), name, value)

        def __delattr__(self, name):
            delattr(_deref(self), name)

        def __repr__(self):
            o = object.__getattribute__(self, "_ref")()
            return "<weakproxy at %#x; to '%s' at %#x>" % (id(self), type(o).__name__, id(o))

        def __str__(self):
            return str(_deref(self))

        def __bool__(self):
            return bool(_deref(self))

        def __len__(self):
            return len(_deref(self))

        def __iter__(self):
            return iter(_deref(self))

        def __contains__(self, item):
            return item in _deref(self)

        def __getitem__(self, key):
            return _deref(self)[key]

        def __setitem__(self, key, value):
            _deref(self)[key] = value

        def __delitem__(self, key):
            del _deref(self)[key]

        def __eq__(self, other):
            return _deref(self) == other

        def __ne__(self, other):
            return _deref(self) != other

        def __lt__(self, other):
            return _deref(self) < other

        def __le__(self, other):
            return _deref(self) <= other

        def __gt__(self, other):
            return _deref(self) > other

        def __ge__(self, other):
            return _deref(self) >= other

        def __add__(self, other):
            return _deref(self) + other

        def __sub__(self, other):
            return _deref(self) - other

        def __mul__(self, other):
            return _deref(self) * other

        def __hash__(self):
            raise TypeError("unhashable type: 'weakref.ProxyType'")

    class CallableProxyType(ProxyType):
        def __call__(self, *args, **kwargs):
            return _deref(self)(*args, **kwargs)

    def proxy(ob, callback=None):
        """A proxy to `ob` that raises ReferenceError once `ob` was collected."""
        if callable(ob):
            return CallableProxyType(ob, callback)
        return ProxyType(ob, callback)

ProxyTypes = (ProxyType, CallableProxyType)


class WeakMethod(ref):
    """A weak reference to a bound method: alive while both the object and the function
    are."""

    def __new__(cls, meth, callback=None):
        try:
            obj = meth.__self__
            func = meth.__func__
        except AttributeError:
            raise TypeError("argument should be a bound method, not {}"
                            .format(type(meth))) from None
        self = ref.__new__(cls, obj, callback)
        self._func_ref = ref(func)
        self._meth_type = type(meth)
        self._alive = True
        return self

    def __call__(self):
        obj = ref.__call__(self)
        func = self._func_ref()
        if obj is None or func is None:
            return None
        try:
            return self._meth_type(func, obj)
        except TypeError:
            return getattr(obj, func.__name__)

    def __eq__(self, other):
        if isinstance(other, WeakMethod):
            if not self._alive or not other._alive:
                return self is other
            return ref.__eq__(self, other) and self._func_ref == other._func_ref
        return NotImplemented

    def __ne__(self, other):
        r = self.__eq__(other)
        return r if r is NotImplemented else not r

    __hash__ = ref.__hash__


class WeakValueDictionary:
    """A mapping whose values are held weakly: an entry disappears once its value was
    collected."""

    def __init__(self, other=(), /, **kw):
        self.data = {}
        self.update(other, **kw)

    def _purge(self):
        dead = [k for k, r in self.data.items() if r() is None]
        for k in dead:
            del self.data[k]

    def __getitem__(self, key):
        o = self.data[key]()
        if o is None:
            raise KeyError(key)
        return o

    def __delitem__(self, key):
        del self.data[key]

    def __len__(self):
        self._purge()
        return len(self.data)

    def __contains__(self, key):
        try:
            o = self.data[key]()
        except KeyError:
            return False
        return o is not None

    def __repr__(self):
        return "<%s at %#x>" % (self.__class__.__name__, id(self))

    def __setitem__(self, key, value):
        self.data[key] = ref(value)

    def clear(self):
        self.data.clear()

    def copy(self):
        new = WeakValueDictionary()
        for key, r in list(self.data.items()):
            o = r()
            if o is not None:
                new[key] = o
        return new

    __copy__ = copy

    def get(self, key, default=None):
        try:
            r = self.data[key]
        except KeyError:
            return default
        o = r()
        return default if o is None else o

    def items(self):
        for k, r in list(self.data.items()):
            v = r()
            if v is not None:
                yield k, v

    def keys(self):
        for k, r in list(self.data.items()):
            if r() is not None:
                yield k

    __iter__ = keys

    def itervaluerefs(self):
        yield from list(self.data.values())

    def valuerefs(self):
        return list(self.data.values())

    def values(self):
        for r in list(self.data.values()):
            o = r()
            if o is not None:
                yield o

    def popitem(self):
        while True:
            key, r = self.data.popitem()
            o = r()
            if o is not None:
                return key, o

    def pop(self, key, *args):
        try:
            o = self.data.pop(key)()
        except KeyError:
            o = None
        if o is None:
            if args:
                return args[0]
            raise KeyError(key)
        return o

    def setdefault(self, key, default=None):
        try:
            o = self.data[key]()
        except KeyError:
            o = None
        if o is None:
            self.data[key] = ref(default)
            return default
        return o

    def update(self, other=None, /, **kwargs):
        if other is not None:
            if not hasattr(other, "items"):
                other = dict(other)
            for key, o in other.items():
                self.data[key] = ref(o)
        for key, o in kwargs.items():
            self.data[key] = ref(o)

    def __or__(self, other):
        c = self.copy()
        c.update(other)
        return c

    def __ior__(self, other):
        self.update(other)
        return self


class WeakKeyDictionary:
    """A mapping whose keys are held weakly: an entry disappears once its key was
    collected."""

    def __init__(self, dict=None):
        self.data = {}
        if dict is not None:
            self.update(dict)

    def _purge(self):
        dead = [r for r in self.data if r() is None]
        for r in dead:
            del self.data[r]

    def __delitem__(self, key):
        del self.data[ref(key)]

    def __getitem__(self, key):
        return self.data[ref(key)]

    def __len__(self):
        self._purge()
        return len(self.data)

    def __repr__(self):
        return "<%s at %#x>" % (self.__class__.__name__, id(self))

    def __setitem__(self, key, value):
        self.data[ref(key)] = value

    def clear(self):
        self.data.clear()

    def copy(self):
        new = WeakKeyDictionary()
        for key, value in self.items():
            new[key] = value
        return new

    __copy__ = copy

    def get(self, key, default=None):
        return self.data.get(ref(key), default)

    def __contains__(self, key):
        try:
            wr = ref(key)
        except TypeError:
            return False
        return wr in self.data

    def items(self):
        for wr, value in list(self.data.items()):
            key = wr()
            if key is not None:
                yield key, value

    def keys(self):
        for wr in list(self.data):
            obj = wr()
            if obj is not None:
                yield obj

    __iter__ = keys

    def values(self):
        for wr, value in list(self.data.items()):
            if wr() is not None:
                yield value

    def keyrefs(self):
        return list(self.data)

    def popitem(self):
        while True:
            key, value = self.data.popitem()
            o = key()
            if o is not None:
                return o, value

    def pop(self, key, *args):
        return self.data.pop(ref(key), *args)

    def setdefault(self, key, default=None):
        return self.data.setdefault(ref(key), default)

    def update(self, dict=None, /, **kwargs):
        d = self.data
        if dict is not None:
            if not hasattr(dict, "items"):
                dict = type({})(dict)
            for key, value in dict.items():
                d[ref(key)] = value
        if kwargs:
            self.update(kwargs)

    def __or__(self, other):
        c = self.copy()
        c.update(other)
        return c

    def __ior__(self, other):
        self.update(other)
        return self


class WeakSet:
    """A set whose elements are held weakly."""

    def __init__(self, data=None):
        self.data = set()
        if data is not None:
            self.update(data)

    def _purge(self):
        dead = [r for r in self.data if r() is None]
        for r in dead:
            self.data.discard(r)

    def __iter__(self):
        for itemref in list(self.data):
            item = itemref()
            if item is not None:
                yield item

    def __len__(self):
        self._purge()
        return len(self.data)

    def __contains__(self, item):
        try:
            wr = ref(item)
        except TypeError:
            return False
        return wr in self.data

    def __repr__(self):
        return repr(self.data)

    def add(self, item):
        self.data.add(ref(item))

    def clear(self):
        self.data.clear()

    def copy(self):
        return self.__class__(self)

    def pop(self):
        while True:
            try:
                itemref = self.data.pop()
            except KeyError:
                raise KeyError("pop from empty WeakSet") from None
            item = itemref()
            if item is not None:
                return item

    def remove(self, item):
        self.data.remove(ref(item))

    def discard(self, item):
        self.data.discard(ref(item))

    def update(self, other):
        for element in other:
            self.add(element)

    def __ior__(self, other):
        self.update(other)
        return self

    def difference(self, other):
        newset = self.copy()
        newset.difference_update(other)
        return newset

    __sub__ = difference

    def difference_update(self, other):
        for item in other:
            self.discard(item)

    def intersection(self, other):
        return self.__class__(item for item in other if item in self)

    __and__ = intersection

    def issubset(self, other):
        return all(x in other for x in self)

    __le__ = issubset

    def issuperset(self, other):
        return all(x in self for x in other)

    __ge__ = issuperset

    def __eq__(self, other):
        if not isinstance(other, self.__class__):
            return NotImplemented
        return set(self) == set(other)

    def union(self, other):
        c = self.copy()
        c.update(other)
        return c

    __or__ = union

    def isdisjoint(self, other):
        return len(self.intersection(other)) == 0


class finalize:
    """`finalize(obj, func, *args, **kwargs)`: call `func(*args, **kwargs)` once, when `obj`
    is collected (reported by `gc.collect()`) or when the finalizer is called."""

    _registry = {}
    _index = [0]

    def __init__(self, obj, func, /, *args, **kwargs):
        self._key = finalize._index[0]
        finalize._index[0] += 1
        self._ref = ref(obj, self._fire)
        self._info = (func, args, kwargs or None)
        self.atexit = True
        finalize._registry[self._key] = self

    def _fire(self, wr):
        self()

    def __call__(self, _=None):
        if finalize._registry.pop(self._key, None) is not None:
            func, args, kwargs = self._info
            return func(*args, **(kwargs or {}))

    def detach(self):
        obj = self._ref()
        if obj is not None and finalize._registry.pop(self._key, None) is not None:
            func, args, kwargs = self._info
            return (obj, func, args, kwargs or {})

    def peek(self):
        obj = self._ref()
        if obj is not None and self._key in finalize._registry:
            func, args, kwargs = self._info
            return (obj, func, args, kwargs or {})

    @property
    def alive(self):
        return self._key in finalize._registry

    def __repr__(self):
        obj = self._ref()
        if obj is None:
            return "<%s object at %#x; dead>" % (type(self).__name__, id(self))
        return "<%s object at %#x; for %r at %#x>" % (type(self).__name__, id(self),
                                                        type(obj).__name__, id(obj))
