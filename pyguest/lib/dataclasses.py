"""Data classes: the @dataclass decorator, field(), fields(), asdict(), astuple(), replace(),
make_dataclass(), is_dataclass(), FrozenInstanceError, InitVar, KW_ONLY, MISSING.

pyguest's own implementation in plain Python, following the behaviour CPython 3.11 documents:
fields come from the class's `__annotations__` in order (inherited dataclass fields first);
the generated `__init__` is compiled from source with `exec` so its argument errors are the
interpreter's own; `__repr__`, `__eq__`, ordering, `__hash__` (by the documented
eq/frozen/unsafe_hash table), frozen `__setattr__`/`__delattr__`, `__match_args__`, `kw_only`
and `slots` follow 3.11. Needs from the interpreter: class-body `__annotations__`, `exec` with
a globals dict, `object.__setattr__`.
"""

import sys
import copy as _copy

__all__ = ["dataclass", "field", "Field", "FrozenInstanceError", "InitVar", "KW_ONLY",
           "MISSING", "fields", "asdict", "astuple", "make_dataclass", "replace",
           "is_dataclass"]


class FrozenInstanceError(AttributeError):
    """Raised when assigning to or deleting a field of a frozen dataclass instance."""


class _MissingType:
    def __repr__(self):
        return "MISSING"


MISSING = _MissingType()


class _HasDefaultFactory:
    def __repr__(self):
        return "<factory>"


_HAS_DEFAULT_FACTORY = _HasDefaultFactory()


class _KwOnlyType:
    def __repr__(self):
        return "KW_ONLY"


KW_ONLY = _KwOnlyType()


class _FieldKind:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name


_FIELD = _FieldKind("_FIELD")
_FIELD_CLASSVAR = _FieldKind("_FIELD_CLASSVAR")
_FIELD_INITVAR = _FieldKind("_FIELD_INITVAR")


class InitVar:
    """Annotation for an init-only pseudo-field: passed to __init__ and __post_init__."""

    __slots__ = ("type",)

    def __init__(self, type):
        self.type = type

    def __repr__(self):
        name = getattr(self.type, "__qualname__", None) if isinstance(self.type, type) else None
        return "dataclasses.InitVar[%s]" % (name if name else repr(self.type))

    def __class_getitem__(cls, type):
        return InitVar(type)


class Field:
    """Description of one field; made by field() or from a plain annotated default."""

    __slots__ = ("name", "type", "default", "default_factory", "repr", "hash", "init",
                 "compare", "metadata", "kw_only", "_field_type")

    def __init__(self, default, default_factory, init, repr, hash, compare, metadata, kw_only):
        self.name = None
        self.type = None
        self.default = default
        self.default_factory = default_factory
        self.init = init
        self.repr = repr
        self.hash = hash
        self.compare = compare
        self.metadata = {} if metadata is None else dict(metadata)
        self.kw_only = kw_only
        self._field_type = None

    def __repr__(self):
        return ("Field(name=%r,type=%r,default=%r,default_factory=%r,init=%r,repr=%r,"
                "hash=%r,compare=%r,metadata=%r,kw_only=%r,_field_type=%r)"
                % (self.name, self.type, self.default, self.default_factory, self.init,
                   self.repr, self.hash, self.compare, self.metadata, self.kw_only,
                   self._field_type))

    def __set_name__(self, owner, name):
        func = getattr(type(self.default), "__set_name__", None)
        if func is not None:
            func(self.default, owner, name)


def field(*, default=MISSING, default_factory=MISSING, init=True, repr=True, hash=None,
          compare=True, metadata=None, kw_only=MISSING):
    """Describe a field: default or default_factory, and whether it takes part in
    __init__, __repr__, comparisons and hashing."""
    if default is not MISSING and default_factory is not MISSING:
        raise ValueError("cannot specify both default and default_factory")
    return Field(default, default_factory, init, repr, hash, compare, metadata, kw_only)


_FIELDS = "__dataclass_fields__"
_PARAMS = "__dataclass_params__"


class _DataclassParams:
    __slots__ = ("init", "repr", "eq", "order", "unsafe_hash", "frozen")

    def __init__(self, init, repr, eq, order, unsafe_hash, frozen):
        self.init = init
        self.repr = repr
        self.eq = eq
        self.order = order
        self.unsafe_hash = unsafe_hash
        self.frozen = frozen

    def __repr__(self):
        return ("_DataclassParams(init=%r,repr=%r,eq=%r,order=%r,unsafe_hash=%r,frozen=%r)"
                % (self.init, self.repr, self.eq, self.order, self.unsafe_hash, self.frozen))


def _is_classvar(annotation):
    if isinstance(annotation, str):
        text = annotation.strip()
        return text.startswith(("ClassVar", "typing.ClassVar", "t.ClassVar"))
    typing = sys.modules.get("typing")
    if typing is None:
        return False
    cv = getattr(typing, "ClassVar", None)
    return annotation is cv or getattr(annotation, "__origin__", None) is cv


def _is_initvar(annotation):
    if isinstance(annotation, str):
        text = annotation.strip()
        return text.startswith(("InitVar", "dataclasses.InitVar"))
    return annotation is InitVar or isinstance(annotation, InitVar)


def _is_kw_only(annotation):
    if isinstance(annotation, str):
        return annotation.strip() in ("KW_ONLY", "dataclasses.KW_ONLY")
    return annotation is KW_ONLY


def _make_field(cls, name, annotation, kw_only):
    default = cls.__dict__.get(name, MISSING)
    if isinstance(default, Field):
        f = default
    else:
        f = field(default=default)
    f.name = name
    f.type = annotation
    f._field_type = _FIELD
    if _is_classvar(annotation):
        f._field_type = _FIELD_CLASSVAR
    elif _is_initvar(annotation):
        f._field_type = _FIELD_INITVAR
    if f._field_type is not _FIELD:
        if f.default_factory is not MISSING:
            raise TypeError("field %s cannot have a default factory" % name)
    if f._field_type in (_FIELD, _FIELD_INITVAR):
        if f.kw_only is MISSING:
            f.kw_only = kw_only
    else:
        f.kw_only = False
    if f._field_type is _FIELD and f.default is not MISSING:
        if type(f.default).__hash__ is None:
            raise ValueError("mutable default %s for field %s is not allowed: use default_factory"
                             % (type(f.default), name))
    return f


def _set_new_attribute(cls, name, value):
    if name in cls.__dict__:
        return True
    setattr(cls, name, value)
    return False


def _field_tuple_src(names, obj):
    if not names:
        return "()"
    return "(" + ",".join("%s.%s" % (obj, n) for n in names) + ",)"


def _compile(name, args_src, body_lines, namespace, qualname):
    src = "def %s(%s):\n" % (name, args_src)
    src += "".join("    %s\n" % line for line in (body_lines or ["pass"]))
    exec(src, namespace)
    fn = namespace[name]
    fn.__qualname__ = "%s.%s" % (qualname, name)
    return fn


def _make_init(cls, all_fields, frozen, has_post_init, self_name):
    init_fields = [f for f in all_fields if f._field_type in (_FIELD, _FIELD_INITVAR)]
    seen_default = False
    for f in init_fields:
        if f.init and not f.kw_only:
            if f.default is not MISSING or f.default_factory is not MISSING:
                seen_default = True
            elif seen_default:
                raise TypeError("non-default argument %r follows default argument" % f.name)
    ns = {"__dataclass_MISSING__": MISSING, "__dataclass_HAS_FACTORY__": _HAS_DEFAULT_FACTORY,
          "__dataclass_object__": object}
    params = []
    kw_params = []
    body = []
    for f in init_fields:
        if f.init:
            if f.default is not MISSING:
                ns["__dataclass_dflt_%s__" % f.name] = f.default
                param = "%s=__dataclass_dflt_%s__" % (f.name, f.name)
            elif f.default_factory is not MISSING:
                param = "%s=__dataclass_HAS_FACTORY__" % f.name
            else:
                param = f.name
            (kw_params if f.kw_only else params).append(param)
        if f._field_type is not _FIELD:
            continue
        if f.default_factory is not MISSING:
            ns["__dataclass_factory_%s__" % f.name] = f.default_factory
            if f.init:
                value = ("__dataclass_factory_%s__() if %s is __dataclass_HAS_FACTORY__ else %s"
                         % (f.name, f.name, f.name))
            else:
                value = "__dataclass_factory_%s__()" % f.name
        elif f.init:
            value = f.name
        elif f.default is not MISSING:
            ns["__dataclass_dflt_%s__" % f.name] = f.default
            value = "__dataclass_dflt_%s__" % f.name
        else:
            continue
        if frozen:
            body.append("__dataclass_object__.__setattr__(%s, %r, %s)" % (self_name, f.name, value))
        else:
            body.append("%s.%s = %s" % (self_name, f.name, value))
    if has_post_init:
        initvars = [f.name for f in init_fields if f._field_type is _FIELD_INITVAR]
        body.append("%s.__post_init__(%s)" % (self_name, ", ".join(initvars)))
    args = [self_name] + params
    if kw_params:
        args += ["*"] + kw_params
    return _compile("__init__", ", ".join(args), body, ns, cls.__qualname__)


def _make_repr(field_names):
    running = set()

    def __repr__(self):
        key = (id(self), _thread_ident())
        if key in running:
            return "..."
        running.add(key)
        try:
            parts = ["%s=%r" % (name, getattr(self, name)) for name in field_names]
        finally:
            running.discard(key)
        return "%s(%s)" % (self.__class__.__qualname__, ", ".join(parts))
    return __repr__


def _thread_ident():
    try:
        import _thread
        return _thread.get_ident()
    except ImportError:
        return 0


def _make_cmp(name, op, field_names):
    def as_tuple(obj):
        return tuple(getattr(obj, n) for n in field_names)

    if op == "==":
        def method(self, other):
            if other.__class__ is self.__class__:
                return as_tuple(self) == as_tuple(other)
            return NotImplemented
    elif op == "<":
        def method(self, other):
            if other.__class__ is self.__class__:
                return as_tuple(self) < as_tuple(other)
            return NotImplemented
    elif op == "<=":
        def method(self, other):
            if other.__class__ is self.__class__:
                return as_tuple(self) <= as_tuple(other)
            return NotImplemented
    elif op == ">":
        def method(self, other):
            if other.__class__ is self.__class__:
                return as_tuple(self) > as_tuple(other)
            return NotImplemented
    else:
        def method(self, other):
            if other.__class__ is self.__class__:
                return as_tuple(self) >= as_tuple(other)
            return NotImplemented
    method.__name__ = name
    return method


def _make_hash(field_names):
    def __hash__(self):
        return hash(tuple(getattr(self, n) for n in field_names))
    return __hash__


def _make_frozen(cls, field_names):
    names = set(field_names)

    def __setattr__(self, name, value):
        if type(self) is cls or name in names:
            raise FrozenInstanceError("cannot assign to field %r" % name)
        super(cls, self).__setattr__(name, value)

    def __delattr__(self, name):
        if type(self) is cls or name in names:
            raise FrozenInstanceError("cannot delete field %r" % name)
        super(cls, self).__delattr__(name)
    return __setattr__, __delattr__


def _format_annotation(annotation):
    if isinstance(annotation, type):
        if annotation.__module__ == "builtins":
            return annotation.__qualname__
        return "%s.%s" % (annotation.__module__, annotation.__qualname__)
    if isinstance(annotation, str):
        return repr(annotation)
    return repr(annotation).replace("typing.", "")


def _signature_text(cls, all_fields):
    parts = []
    kw = []
    for f in all_fields:
        if f._field_type is _FIELD_CLASSVAR or not f.init:
            continue
        text = "%s: %s" % (f.name, _format_annotation(f.type))
        if f.default is not MISSING:
            text += " = %r" % (f.default,)
        elif f.default_factory is not MISSING:
            text += " = <factory>"
        (kw if f.kw_only else parts).append(text)
    if kw:
        parts.append("*")
        parts += kw
    return "(%s)" % ", ".join(parts)


def _process_class(cls, init, repr, eq, order, unsafe_hash, frozen, match_args, kw_only,
                   slots, weakref_slot=False):
    all_fields = {}
    any_frozen_base = False
    has_dataclass_bases = False
    for base in cls.__mro__[-1:0:-1]:
        base_fields = base.__dict__.get(_FIELDS)
        if base_fields is not None:
            has_dataclass_bases = True
            for f in base_fields.values():
                all_fields[f.name] = f
            if base.__dict__[_PARAMS].frozen:
                any_frozen_base = True

    annotations = cls.__dict__.get("__annotations__", {})
    own = []
    kw_only_now = kw_only
    kw_marker_seen = False
    for name, annotation in annotations.items():
        if _is_kw_only(annotation):
            if kw_marker_seen:
                raise TypeError("%r is KW_ONLY, but KW_ONLY has already been specified" % name)
            kw_marker_seen = True
            kw_only_now = True
            continue
        own.append(_make_field(cls, name, annotation, kw_only_now))
    for f in own:
        all_fields[f.name] = f
        if isinstance(cls.__dict__.get(f.name), Field):
            if f.default is MISSING:
                delattr(cls, f.name)
            else:
                setattr(cls, f.name, f.default)
    for name, value in cls.__dict__.items():
        if isinstance(value, Field) and name not in annotations:
            raise TypeError("%r is a field but has no type annotation" % name)

    if has_dataclass_bases:
        if any_frozen_base and not frozen:
            raise TypeError("cannot inherit non-frozen dataclass from a frozen one")
        if not any_frozen_base and frozen:
            raise TypeError("cannot inherit frozen dataclass from a non-frozen one")

    setattr(cls, _FIELDS, all_fields)
    setattr(cls, _PARAMS, _DataclassParams(init, repr, eq, order, unsafe_hash, frozen))

    class_hash = cls.__dict__.get("__hash__", MISSING)
    has_explicit_hash = not (class_hash is MISSING
                             or (class_hash is None and "__eq__" in cls.__dict__))

    if order and not eq:
        raise ValueError("eq must be true if order is true")

    field_list = list(all_fields.values())
    real_fields = [f for f in field_list if f._field_type is _FIELD]

    if init:
        has_post_init = hasattr(cls, "__post_init__")
        self_name = "__dataclass_self__" if "self" in all_fields else "self"
        _set_new_attribute(cls, "__init__",
                           _make_init(cls, field_list, frozen or any_frozen_base,
                                      has_post_init, self_name))
    if repr:
        fn = _make_repr([f.name for f in real_fields if f.repr])
        fn.__qualname__ = "%s.__repr__" % cls.__qualname__
        _set_new_attribute(cls, "__repr__", fn)
    compare_names = [f.name for f in real_fields if f.compare]
    if eq:
        _set_new_attribute(cls, "__eq__", _make_cmp("__eq__", "==", compare_names))
    if order:
        for name, op in (("__lt__", "<"), ("__le__", "<="), ("__gt__", ">"), ("__ge__", ">=")):
            if _set_new_attribute(cls, name, _make_cmp(name, op, compare_names)):
                raise TypeError("Cannot overwrite attribute %s in class %s. Consider using "
                                "functools.total_ordering" % (name, cls.__name__))
    if frozen:
        setter, deleter = _make_frozen(cls, [f.name for f in real_fields])
        for name, fn in (("__setattr__", setter), ("__delattr__", deleter)):
            if _set_new_attribute(cls, name, fn):
                raise TypeError("Cannot overwrite attribute %s in class %s"
                                % (name, cls.__name__))

    hash_names = [f.name for f in real_fields if (f.compare if f.hash is None else f.hash)]
    if unsafe_hash:
        if has_explicit_hash:
            raise TypeError("Cannot overwrite attribute __hash__ in class %s" % cls.__name__)
        cls.__hash__ = _make_hash(hash_names)
    elif eq and frozen:
        if not has_explicit_hash:
            cls.__hash__ = _make_hash(hash_names)
    elif eq:
        if not has_explicit_hash:
            cls.__hash__ = None

    if not getattr(cls, "__doc__", None):
        cls.__doc__ = cls.__name__ + _signature_text(cls, field_list)
    if match_args:
        _set_new_attribute(cls, "__match_args__",
                           tuple(f.name for f in real_fields if f.init and not f.kw_only))
    if slots:
        cls = _add_slots(cls, frozen, weakref_slot)
    return cls


def _add_slots(cls, is_frozen, weakref_slot):
    cls_dict = dict(cls.__dict__)
    field_names = tuple(f.name for f in getattr(cls, _FIELDS).values()
                        if f._field_type is _FIELD)
    inherited = set()
    for base in cls.__mro__[1:-1]:
        inherited.update(base.__dict__.get("__slots__", ()))
    slots = tuple(n for n in field_names if n not in inherited)
    if weakref_slot:
        slots += ("__weakref__",)
    cls_dict["__slots__"] = slots
    for name in field_names:
        cls_dict.pop(name, None)
    cls_dict.pop("__dict__", None)
    cls_dict.pop("__weakref__", None)
    qualname = getattr(cls, "__qualname__", None)
    new_cls = type(cls)(cls.__name__, cls.__bases__, cls_dict)
    if qualname is not None:
        new_cls.__qualname__ = qualname
    if is_frozen:
        def __getstate__(self):
            return [getattr(self, n) for n in field_names]

        def __setstate__(self, state):
            for n, v in zip(field_names, state):
                object.__setattr__(self, n, v)
        new_cls.__getstate__ = __getstate__
        new_cls.__setstate__ = __setstate__
        # Rebind the frozen guards to the new class.
        setter, deleter = _make_frozen(new_cls, list(field_names))
        new_cls.__setattr__ = setter
        new_cls.__delattr__ = deleter
    return new_cls


def dataclass(cls=None, /, *, init=True, repr=True, eq=True, order=False, unsafe_hash=False,
              frozen=False, match_args=True, kw_only=False, slots=False, weakref_slot=False):
    """Add generated special methods to a class from its annotated fields."""

    def wrap(cls):
        return _process_class(cls, init, repr, eq, order, unsafe_hash, frozen, match_args,
                              kw_only, slots, weakref_slot)

    if cls is None:
        return wrap
    return wrap(cls)


def fields(class_or_instance):
    """The Field objects of a dataclass or instance (not ClassVar or InitVar pseudo-fields)."""
    try:
        all_fields = getattr(class_or_instance, _FIELDS)
    except AttributeError:
        raise TypeError("must be called with a dataclass type or instance") from None
    return tuple(f for f in all_fields.values() if f._field_type is _FIELD)


def _is_dataclass_instance(obj):
    return hasattr(type(obj), _FIELDS)


def is_dataclass(obj):
    """True for a dataclass or an instance of one."""
    cls = obj if isinstance(obj, type) else type(obj)
    return hasattr(cls, _FIELDS)


def asdict(obj, *, dict_factory=dict):
    """Recursively convert a dataclass instance to a dict (values deep-copied)."""
    if not _is_dataclass_instance(obj):
        raise TypeError("asdict() should be called on dataclass instances")
    return _asdict_inner(obj, dict_factory)


def _asdict_inner(obj, dict_factory):
    if _is_dataclass_instance(obj):
        return dict_factory([(f.name, _asdict_inner(getattr(obj, f.name), dict_factory))
                             for f in fields(obj)])
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return type(obj)(*[_asdict_inner(v, dict_factory) for v in obj])
    if isinstance(obj, (list, tuple)):
        return type(obj)(_asdict_inner(v, dict_factory) for v in obj)
    if isinstance(obj, dict):
        return type(obj)((_asdict_inner(k, dict_factory), _asdict_inner(v, dict_factory))
                         for k, v in obj.items())
    return _copy.deepcopy(obj)


def astuple(obj, *, tuple_factory=tuple):
    """Recursively convert a dataclass instance to a tuple (values deep-copied)."""
    if not _is_dataclass_instance(obj):
        raise TypeError("astuple() should be called on dataclass instances")
    return _astuple_inner(obj, tuple_factory)


def _astuple_inner(obj, tuple_factory):
    if _is_dataclass_instance(obj):
        return tuple_factory([_astuple_inner(getattr(obj, f.name), tuple_factory)
                              for f in fields(obj)])
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return type(obj)(*[_astuple_inner(v, tuple_factory) for v in obj])
    if isinstance(obj, (list, tuple)):
        return type(obj)(_astuple_inner(v, tuple_factory) for v in obj)
    if isinstance(obj, dict):
        return type(obj)((_astuple_inner(k, tuple_factory), _astuple_inner(v, tuple_factory))
                         for k, v in obj.items())
    return _copy.deepcopy(obj)


def replace(obj, /, **changes):
    """A new instance of obj's class with the given fields replaced."""
    if not _is_dataclass_instance(obj):
        raise TypeError("replace() should be called on dataclass instances")
    for f in getattr(obj, _FIELDS).values():
        if f._field_type is _FIELD_CLASSVAR:
            continue
        if not f.init:
            if f.name in changes:
                raise ValueError("field %s is declared with init=False, it cannot be specified "
                                 "with replace()" % f.name)
            continue
        if f.name not in changes:
            if f._field_type is _FIELD_INITVAR and f.default is MISSING:
                raise ValueError("InitVar %r must be specified with replace()" % f.name)
            changes[f.name] = getattr(obj, f.name)
    return obj.__class__(**changes)


def make_dataclass(cls_name, fields, *, bases=(), namespace=None, init=True, repr=True,
                   eq=True, order=False, unsafe_hash=False, frozen=False, match_args=True,
                   kw_only=False, slots=False, weakref_slot=False, module=None):
    """Create a dataclass from a list of names, (name, type) or (name, type, Field) items."""
    ns = dict(namespace or {})
    annotations = {}
    seen = set()
    for item in fields:
        if isinstance(item, str):
            name, tp = item, "typing.Any"
        elif len(item) == 2:
            name, tp = item
        elif len(item) == 3:
            name, tp, spec = item
            ns[name] = spec
        else:
            raise TypeError("Invalid field: %r" % (item,))
        if not isinstance(name, str) or not name.isidentifier():
            raise TypeError("Field names must be valid identifiers: %r" % (name,))
        if name in seen:
            raise TypeError("Field name duplicated: %r" % (name,))
        seen.add(name)
        annotations[name] = tp
    ns["__annotations__"] = annotations
    ns["__module__"] = module if module is not None else "types"
    cls = type(cls_name, tuple(bases), ns)
    return dataclass(cls, init=init, repr=repr, eq=eq, order=order, unsafe_hash=unsafe_hash,
                     frozen=frozen, match_args=match_args, kw_only=kw_only, slots=slots,
                     weakref_slot=weakref_slot)
