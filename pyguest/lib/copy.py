"""Shallow and deep copying: copy(), deepcopy() with a memo, the __copy__/__deepcopy__ hooks.

pyguest's own implementation in plain Python. Built-in containers are copied directly;
instances of ordinary classes are copied by creating `cls.__new__(cls)` and copying their
`__dict__` and `__slots__` (honouring `__getstate__`/`__setstate__`), so the module does not
need `object.__reduce_ex__`; classes that define `__reduce_ex__`/`__reduce__` themselves are
copied through that protocol. deepcopy keeps the memo CPython keeps (shared and cyclic
references are copied once).
"""

__all__ = ["Error", "copy", "deepcopy"]


class Error(Exception):
    pass


error = Error

_ATOMIC = (type(None), int, float, bool, complex, str, bytes, type, range,
           type(Ellipsis), type(NotImplemented), type(len), type(lambda: 0), property)


def _is_atomic(x):
    cls = type(x)
    if cls in _ATOMIC or isinstance(x, type):
        return True
    name = getattr(cls, "__name__", "")
    return name in ("code", "weakref", "builtin_function_or_method", "module", "method",
                    "EnumType", "NoneType")


def _slot_names(cls):
    names = []
    for klass in getattr(cls, "__mro__", (cls,)):
        slots = klass.__dict__.get("__slots__", ())
        if isinstance(slots, str):
            slots = (slots,)
        for name in slots:
            if name in ("__dict__", "__weakref__"):
                continue
            if name.startswith("__") and not name.endswith("__"):
                name = "_%s%s" % (klass.__name__.lstrip("_"), name)
            names.append(name)
    return names


def _custom_reduce(cls):
    """The class's own __reduce_ex__/__reduce__, if it overrides object's."""
    for klass in getattr(cls, "__mro__", ()):
        if klass is object:
            return None
        if "__reduce_ex__" in klass.__dict__ or "__reduce__" in klass.__dict__:
            return klass
    return None


def _get_state(x):
    cls = type(x)
    getstate = None
    for klass in getattr(cls, "__mro__", ()):
        if klass is object:
            break
        if "__getstate__" in klass.__dict__:
            getstate = klass.__dict__["__getstate__"]
            break
    if getstate is not None:
        return getstate(x), True
    state = dict(x.__dict__) if hasattr(x, "__dict__") else None
    slots = {}
    for name in _slot_names(cls):
        try:
            slots[name] = object.__getattribute__(x, name)
        except AttributeError:
            pass
    if slots:
        return (state, slots), False
    return state, False


def _set_state(y, state, custom):
    setstate = getattr(y, "__setstate__", None)
    if setstate is not None and custom:
        setstate(state)
        return
    if setstate is not None and type(y).__dict__.get("__setstate__") is not None:
        setstate(state)
        return
    slots = None
    if isinstance(state, tuple) and len(state) == 2:
        state, slots = state
    if state:
        _update_dict(y, state)
    if slots:
        for key, value in slots.items():
            setattr(y, key, value)


def _update_dict(y, state):
    """y.__dict__.update(state), also on interpreters whose __dict__ is a snapshot."""
    d = y.__dict__
    d.update(state)
    live = y.__dict__
    for key, value in state.items():
        if key not in live:
            object.__setattr__(y, key, value)


def _reconstruct(x, memo, deep, rv):
    if isinstance(rv, str):
        return x
    func, args = rv[0], rv[1]
    state = rv[2] if len(rv) > 2 else None
    listiter = rv[3] if len(rv) > 3 else None
    dictiter = rv[4] if len(rv) > 4 else None
    if deep:
        args = deepcopy(args, memo)
    y = func(*args)
    if deep:
        memo[id(x)] = y
    if state is not None:
        if deep:
            state = deepcopy(state, memo)
        if hasattr(y, "__setstate__"):
            y.__setstate__(state)
        else:
            if isinstance(state, tuple) and len(state) == 2:
                state, slotstate = state
            else:
                slotstate = None
            if state is not None:
                _update_dict(y, state)
            if slotstate is not None:
                for key, value in slotstate.items():
                    setattr(y, key, value)
    if listiter is not None:
        for item in listiter:
            y.append(deepcopy(item, memo) if deep else item)
    if dictiter is not None:
        for key, value in dictiter:
            if deep:
                key = deepcopy(key, memo)
                value = deepcopy(value, memo)
            y[key] = value
    return y


def _copy_instance(x, deep, memo):
    cls = type(x)
    y = cls.__new__(cls)
    if deep:
        memo[id(x)] = y
    # Subclasses of built-in containers carry their items too.
    if isinstance(x, list):
        y.extend(deepcopy(v, memo) for v in x) if deep else y.extend(x)
    elif isinstance(x, dict):
        for k, v in x.items():
            y[deepcopy(k, memo) if deep else k] = deepcopy(v, memo) if deep else v
    elif isinstance(x, set):
        y.update(deepcopy(v, memo) for v in x) if deep else y.update(x)
    state, custom = _get_state(x)
    if state is not None and state != {}:
        if deep:
            state = deepcopy(state, memo)
        _set_state(y, state, custom)
    return y


def copy(x):
    """Shallow copy: a new container holding the same elements."""
    cls = type(x)
    if _is_atomic(x) or cls in (tuple, frozenset):
        return x
    if cls is list:
        return x[:]
    if cls is dict:
        return x.copy()
    if cls is set:
        return x.copy()
    if cls is bytearray:
        return bytearray(x)
    copier = getattr(cls, "__copy__", None)
    if copier is not None:
        return copier(x)
    if _custom_reduce(cls) is not None:
        reductor = getattr(x, "__reduce_ex__", None)
        rv = reductor(4) if reductor is not None else x.__reduce__()
        return _reconstruct(x, None, False, rv)
    if cls.__module__ == "builtins" and not hasattr(x, "__dict__"):
        raise Error("un(shallow)copyable object of type %s" % cls)
    return _copy_instance(x, False, None)


def deepcopy(x, memo=None, _nil=[]):
    """Deep copy: copies containers recursively, preserving shared and cyclic structure."""
    if memo is None:
        memo = {}
    d = id(x)
    y = memo.get(d, _nil)
    if y is not _nil:
        return y
    cls = type(x)
    if _is_atomic(x):
        return x
    if cls is list:
        y = []
        memo[d] = y
        for item in x:
            y.append(deepcopy(item, memo))
    elif cls is dict:
        y = {}
        memo[d] = y
        for key, value in x.items():
            y[deepcopy(key, memo)] = deepcopy(value, memo)
    elif cls is tuple:
        items = [deepcopy(item, memo) for item in x]
        # A cycle through the tuple may already have produced its copy.
        if d in memo:
            return memo[d]
        if all(a is b for a, b in zip(items, x)):
            y = x
        else:
            y = tuple(items)
    elif cls is set:
        y = set()
        memo[d] = y
        for item in x:
            y.add(deepcopy(item, memo))
    elif cls is frozenset:
        y = frozenset(deepcopy(item, memo) for item in x)
    elif cls is bytearray:
        y = bytearray(x)
    else:
        copier = getattr(x, "__deepcopy__", None)
        if copier is not None and not isinstance(x, type):
            y = copier(memo)
        elif _custom_reduce(cls) is not None:
            reductor = getattr(x, "__reduce_ex__", None)
            rv = reductor(4) if reductor is not None else x.__reduce__()
            y = _reconstruct(x, memo, True, rv)
        else:
            if cls.__module__ == "builtins" and not hasattr(x, "__dict__"):
                raise Error("un(deep)copyable object of type %s" % cls)
            y = _copy_instance(x, True, memo)
    if y is not x:
        memo[d] = y
        _keep_alive(x, memo)
    return y


def _keep_alive(x, memo):
    """Keep x alive as long as the memo, so its id cannot be reused meanwhile."""
    try:
        memo[id(memo)].append(x)
    except KeyError:
        memo[id(memo)] = [x]
