"""Enumerations: Enum, IntEnum, StrEnum, Flag, IntFlag, auto, unique, with CPython 3.11's
behaviour for the common cases (member lookup by value and by name, aliases, iteration,
`repr`/`str`/`format` as 3.11 prints them, auto values, Flag composition).

pyguest's own implementation in plain Python. The metaclass `EnumType` builds the members in
`__new__` from the class namespace in definition order (dicts keep insertion order), so it does
not depend on `__prepare__` returning a custom mapping: it needs only metaclasses with
`__new__`/`__call__`/`__iter__`/`__getitem__`/`__len__`/`__contains__`/`__setattr__`,
`property`, and `object.__new__`/`int.__new__`/`str.__new__` taking a subclass.
Known gaps: Flag boundaries other than STRICT (Flag) and KEEP (IntFlag), `_ignore_`,
pickling by name, `enum.property`/`member`/`nonmember`, `verify`.
"""

__all__ = ["EnumType", "EnumMeta", "Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "ReprEnum",
           "auto", "unique", "FlagBoundary", "STRICT", "CONFORM", "EJECT", "KEEP",
           "global_enum", "EnumCheck", "CONTINUOUS", "NAMED_FLAGS", "UNIQUE"]

# Set once the base classes exist: EnumType.__new__ treats their own creation specially.
Enum = None
Flag = None
ReprEnum = None

_AUTO_PENDING = object()


class auto:
    """Placeholder: the member's value is chosen by _generate_next_value_."""

    def __init__(self, value=_AUTO_PENDING):
        self.value = value

    def __repr__(self):
        return "auto(%r)" % (self.value,)


def _is_dunder(name):
    return len(name) > 4 and name[:2] == name[-2:] == "__" and name[2] != "_" and name[-3] != "_"


def _is_sunder(name):
    return len(name) > 2 and name[0] == name[-1] == "_" and name[1] != "_" and name[-2] != "_"


def _is_private(cls_name, name):
    prefix = "_%s__" % cls_name.lstrip("_")
    return name.startswith(prefix) and not name.endswith("__")


def _is_descriptor(obj):
    if isinstance(obj, (_FunctionType, classmethod, staticmethod, property)):
        return True
    t = type(obj)
    return hasattr(t, "__get__") or hasattr(t, "__set__") or hasattr(t, "__delete__")


_FunctionType = type(_is_descriptor)


def _high_bit(value):
    return value.bit_length() - 1


def _bits(value):
    """The single-bit values set in a non-negative int, lowest first."""
    out = []
    while value:
        low = value & -value
        out.append(low)
        value ^= low
    return out


class _MembersView:
    """Read-only name -> member mapping returned by `__members__`."""

    def __init__(self, mapping):
        self._m = mapping

    def __getitem__(self, key):
        return self._m[key]

    def __iter__(self):
        return iter(self._m)

    def __len__(self):
        return len(self._m)

    def __contains__(self, key):
        return key in self._m

    def keys(self):
        return self._m.keys()

    def values(self):
        return self._m.values()

    def items(self):
        return self._m.items()

    def get(self, key, default=None):
        return self._m.get(key, default)

    def __eq__(self, other):
        if isinstance(other, _MembersView):
            other = other._m
        return self._m == other

    def __repr__(self):
        return repr(self._m)


def _find_data_type(bases):
    """The non-enum builtin/data type mixed into an enum (int, str, ...) or object."""
    for chain in bases:
        for base in chain.__mro__:
            if base is object:
                continue
            if isinstance(base, EnumType):
                if base._member_type_ is not object:
                    return base._member_type_
                continue
            if "__new__" in base.__dict__ or "__init__" in base.__dict__ or base.__module__ == "builtins":
                return base
    return object


def _find_new(classdict, member_type, bases):
    """The __new__ used to create members: one defined in the enum body or an enum base,
    else the data type's."""
    new = classdict.get("__new__")
    if new is not None:
        return new, True
    for chain in bases:
        for base in chain.__mro__:
            if isinstance(base, EnumType):
                saved = base.__dict__.get("_new_member_")
                if saved is not None:
                    return saved, True
    if member_type is object:
        return object.__new__, False
    return member_type.__new__, False


class _EnumDict(dict):
    """Class-body namespace that resolves auto() as soon as it is assigned, so later lines of
    the body (`ALL = A | B`) see plain values. Interpreters that ignore a custom
    `__prepare__` mapping still work: EnumType.__new__ resolves leftover auto() objects."""

    def __init__(self, bases):
        super().__init__()
        self._last_values = []
        self._gen = None
        for chain in bases:
            for base in chain.__mro__:
                if "_generate_next_value_" in base.__dict__:
                    self._gen = base.__dict__["_generate_next_value_"]
                    break
            if self._gen is not None:
                break

    def __setitem__(self, key, value):
        if key == "_generate_next_value_":
            self._gen = value
        elif not (_is_dunder(key) or _is_sunder(key) or _is_descriptor(value)):
            if isinstance(value, auto):
                if value.value is _AUTO_PENDING and self._gen is not None:
                    gen = getattr(self._gen, "__func__", self._gen)
                    value.value = gen(key, 1, len(self._last_values), self._last_values[:])
                if value.value is not _AUTO_PENDING:
                    value = value.value
            self._last_values.append(value)
        super().__setitem__(key, value)


class EnumType(type):
    """Metaclass for Enum: turns the class body's plain attributes into members."""

    @classmethod
    def __prepare__(metacls, cls, bases, **kwds):
        return _EnumDict(bases)

    def __new__(metacls, cls, bases, classdict, *, boundary=None, **kwds):
        if Enum is None:
            # Creating Enum itself.
            enum_class = super().__new__(metacls, cls, bases, dict(classdict), **kwds)
            enum_class._member_names_ = []
            enum_class._member_map_ = {}
            enum_class._value2member_map_ = {}
            enum_class._member_type_ = object
            enum_class._flag_mask_ = 0
            enum_class._all_bits_ = 0
            enum_class._boundary_ = boundary
            return enum_class
        for base in bases:
            if isinstance(base, EnumType) and base._member_names_:
                raise TypeError("%r cannot extend %r" % (_FakeName(metacls, cls), base))
        member_type = _find_data_type(bases)
        new, custom_new = _find_new(classdict, member_type, bases)

        # Separate members from ordinary attributes, in definition order.
        body = {}
        members = []
        ignore = classdict.get("_ignore_", [])
        if isinstance(ignore, str):
            ignore = ignore.replace(",", " ").split()
        for key, value in classdict.items():
            if key in ignore or key == "_ignore_":
                continue
            if (_is_dunder(key) or _is_sunder(key) or _is_private(cls, key)
                    or _is_descriptor(value)):
                body[key] = value
            else:
                members.append((key, value))
        if "__new__" in body:
            body["_new_member_"] = body.pop("__new__")

        # Reserve member names so the class has no ordinary attribute with those names.
        enum_class = super().__new__(metacls, cls, bases, body, **kwds)
        # Calling the class looks members up; a mixin's __new__ must not shadow that.
        type.__setattr__(enum_class, "__new__", staticmethod(_lookup_member))
        enum_class._member_names_ = []
        enum_class._member_map_ = {}
        enum_class._value2member_map_ = {}
        enum_class._unhashable_values_ = []
        enum_class._member_type_ = member_type
        if boundary is None:
            boundary = getattr(enum_class, "_boundary_", None)
        enum_class._boundary_ = boundary
        is_flag = Flag is not None and issubclass(enum_class, Flag)

        # Resolve auto() values in order.
        gen = enum_class._generate_next_value_
        last_values = []
        resolved = []
        for count, (name, value) in enumerate(members):
            if isinstance(value, auto):
                if value.value is _AUTO_PENDING:
                    value.value = gen(name, 1, count, last_values[:])
                value = value.value
            elif isinstance(value, tuple) and any(isinstance(v, auto) for v in value):
                parts = []
                for v in value:
                    if isinstance(v, auto):
                        if v.value is _AUTO_PENDING:
                            v.value = gen(name, 1, count, last_values[:])
                        v = v.value
                    parts.append(v)
                value = tuple(parts)
            last_values.append(value)
            resolved.append((name, value))

        flag_mask = 0
        for name, value in resolved:
            if isinstance(value, tuple):
                args = value
            else:
                args = (value,)
            if member_type is tuple:
                args = (args,)
            if custom_new:
                member = new(enum_class, *args)
            elif member_type is object:
                member = object.__new__(enum_class)
            else:
                member = member_type.__new__(enum_class, *args)
            if not hasattr(member, "_value_"):
                if member_type is object:
                    member._value_ = value
                else:
                    try:
                        member._value_ = member_type(*args)
                    except Exception:
                        member._value_ = value
            value = member._value_
            member._name_ = name
            member.__objclass__ = enum_class
            member.__init__(*args)
            member._sort_order_ = len(enum_class._member_names_)

            canonical = None
            for existing_name in enum_class._member_names_:
                existing = enum_class._member_map_[existing_name]
                if existing._value_ == value:
                    canonical = existing
                    break
            if canonical is None and is_flag and isinstance(value, int):
                # Multi-bit (or zero) flag values are named aliases, not iterated.
                for m in enum_class._member_map_.values():
                    if m._value_ == value:
                        canonical = m
                        break
                if canonical is None and (value == 0 or value & (value - 1)):
                    canonical = member
                    enum_class._member_map_[name] = member
                    _remember_value(enum_class, value, member)
                    type.__setattr__(enum_class, name, member)
                    continue
            if canonical is not None:
                member = canonical
            else:
                enum_class._member_names_.append(name)
                _remember_value(enum_class, value, member)
                if is_flag and isinstance(value, int):
                    flag_mask |= value
            enum_class._member_map_[name] = member
            type.__setattr__(enum_class, name, member)

        # A data-type mixin (int, str, ...) precedes Enum in the MRO: keep Enum's repr/str/format
        # unless the class body or an enum base chose otherwise.
        first_enum = bases[-1] if bases else None
        if member_type is not object and isinstance(first_enum, EnumType):
            for meth in ("__repr__", "__str__", "__format__", "__reduce_ex__"):
                if meth in classdict:
                    continue
                found = getattr(enum_class, meth, None)
                if (found is None or found == getattr(member_type, meth, None)
                        or found == getattr(object, meth, None)):
                    type.__setattr__(enum_class, meth, getattr(first_enum, meth))

        if is_flag:
            all_named = 0
            for m in enum_class._member_map_.values():
                if isinstance(m._value_, int):
                    all_named |= m._value_
            enum_class._flag_mask_ = flag_mask
            enum_class._all_bits_ = 2 ** (all_named.bit_length()) - 1 if all_named >= 0 else 0
        return enum_class

    def __init__(cls, *args, boundary=None, **kwds):
        super().__init__(*args)

    def __call__(cls, value, names=None, *, module=None, qualname=None, type=None, start=1,
                 boundary=None):
        if names is None:
            return _lookup_member(cls, value)
        return cls._create_(value, names, module=module, qualname=qualname, type=type,
                            start=start, boundary=boundary)

    def _create_(cls, class_name, names, *, module=None, qualname=None, type=None, start=1,
                 boundary=None):
        """Functional API: Enum('Name', 'A B C') and friends."""
        bases = (cls,) if type is None else (type, cls)
        if isinstance(names, str):
            names = names.replace(",", " ").split()
        pairs = []
        if isinstance(names, dict):
            pairs = list(names.items())
        else:
            names = list(names)
            last_values = []
            for count, item in enumerate(names):
                if isinstance(item, str):
                    value = cls._generate_next_value_(item, start, count, last_values[:])
                    last_values.append(value)
                    pairs.append((item, value))
                else:
                    pairs.append((item[0], item[1]))
        classdict = {name: value for name, value in pairs}
        classdict["__module__"] = module if module is not None else "__main__"
        if qualname is not None:
            classdict["__qualname__"] = qualname
        metacls = cls.__class__
        if boundary is not None:
            return metacls.__new__(metacls, class_name, bases, classdict, boundary=boundary)
        return metacls.__new__(metacls, class_name, bases, classdict)

    def _convert_(cls, name, module, filter, source=None, *, boundary=None, as_global=False):
        """Make enum `name` of this type from the constants of module `module` (or of the
        object `source`) whose names pass `filter`, and replace those constants in the module
        by the members (how CPython's `signal`, `socket`, ... build their enums)."""
        import sys
        module_globals = sys.modules[module].__dict__
        namespace = source.__dict__ if source else module_globals
        pairs = [(key, value) for key, value in namespace.items() if filter(key)]
        try:
            pairs.sort(key=lambda kv: (kv[1], kv[0]))
        except TypeError:
            pairs.sort(key=lambda kv: kv[0])
        enum_class = cls._create_(name, pairs, module=module,
                                  boundary=boundary or (KEEP if Flag is not None else None))
        if as_global:
            global_enum(enum_class)
        else:
            module_globals.update(enum_class.__members__)
        module_globals[name] = enum_class
        return enum_class

    def __iter__(cls):
        return (cls._member_map_[name] for name in cls._member_names_)

    def __reversed__(cls):
        return (cls._member_map_[name] for name in reversed(cls._member_names_))

    def __len__(cls):
        return len(cls._member_names_)

    def __bool__(cls):
        return True

    def __contains__(cls, member):
        if not isinstance(member, Enum):
            raise TypeError("unsupported operand type(s) for 'in': '%s' and '%s'"
                            % (member.__class__.__qualname__, cls.__class__.__qualname__))
        return isinstance(member, cls) and member._name_ in cls._member_map_

    def __getitem__(cls, name):
        return cls._member_map_[name]

    @property
    def __members__(cls):
        return _MembersView(dict(cls._member_map_))

    def __repr__(cls):
        if Flag is not None and issubclass(cls, Flag):
            return "<flag %r>" % cls.__name__
        return "<enum %r>" % cls.__name__

    def __setattr__(cls, name, value):
        if name in cls.__dict__.get("_member_map_", {}):
            raise AttributeError("cannot reassign member %r" % name)
        type.__setattr__(cls, name, value)

    def __delattr__(cls, name):
        if name in cls.__dict__.get("_member_map_", {}):
            raise AttributeError("cannot delete member %r" % name)
        type.__delattr__(cls, name)


EnumMeta = EnumType


class _FakeName:
    """Formats a class that is not created yet the way EnumType.__repr__ would."""

    def __init__(self, metacls, name):
        self.metacls = metacls
        self.name = name

    def __repr__(self):
        return "<enum %r>" % self.name


def _remember_value(enum_class, value, member):
    try:
        enum_class._value2member_map_.setdefault(value, member)
    except TypeError:
        enum_class._unhashable_values_.append((value, member))


def _lookup_member(cls, value):
    """Member of cls whose value is value (via _missing_ if none)."""
    if type(value) is cls:
        return value
    try:
        return cls._value2member_map_[value]
    except KeyError:
        pass
    except TypeError:
        for v, m in cls._unhashable_values_:
            if v == value:
                return m
    for m in cls._member_map_.values():
        if m._value_ == value:
            return m
    result = cls._missing_(value)
    if isinstance(result, cls):
        return result
    if result is None:
        raise ValueError("%r is not a valid %s" % (value, cls.__qualname__))
    raise TypeError("error in %s._missing_: returned %r instead of None or a valid member"
                    % (cls.__name__, result))


class Enum(metaclass=EnumType):
    """Base class for enumerations: `class Color(Enum): RED = 1`."""

    __new__ = _lookup_member

    def __init__(self, *args, **kwds):
        pass

    @staticmethod
    def _generate_next_value_(name, start, count, last_values):
        if not last_values:
            return start
        for value in reversed(last_values):
            try:
                return value + 1
            except TypeError:
                continue
        return start

    @classmethod
    def _missing_(cls, value):
        return None

    def __repr__(self):
        value_repr = type(self)._member_type_.__repr__ if type(self)._member_type_ is not object else repr
        return "<%s.%s: %s>" % (self.__class__.__name__, self._name_, value_repr(self._value_))

    def __str__(self):
        return "%s.%s" % (self.__class__.__name__, self._name_)

    def __format__(self, format_spec):
        return str.__format__(str(self), format_spec)

    def __hash__(self):
        return hash(self._name_)

    def __reduce_ex__(self, proto):
        return self.__class__, (self._value_,)

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __dir__(self):
        names = ["__class__", "__doc__", "__eq__", "__hash__", "__module__", "name", "value"]
        names += [k for k in type(self).__dict__ if not k.startswith("_")]
        return sorted(set(names))

    @property
    def name(self):
        """The member's name."""
        return self._name_

    @property
    def value(self):
        """The member's value."""
        return self._value_


class ReprEnum(Enum):
    """Enum whose str() and format() are those of the mixed-in data type."""


def _mixin_str(self):
    mtype = type(self)._member_type_
    if mtype.__str__ is object.__str__:
        return mtype.__repr__(self._value_)
    return mtype.__str__(self._value_)


def _mixin_format(self, format_spec):
    return type(self)._member_type_.__format__(self._value_, format_spec)


class IntEnum(int, ReprEnum):
    """Enum whose members are also ints."""

    __str__ = _mixin_str
    __format__ = _mixin_format


class StrEnum(str, ReprEnum):
    """Enum whose members are also strs; auto() gives the lower-cased name."""

    def __new__(cls, *values):
        if len(values) > 3:
            raise TypeError("too many arguments for str(): %r" % (values,))
        if len(values) == 1 and not isinstance(values[0], str):
            raise TypeError("%r is not a string" % (values[0],))
        value = str(*values)
        member = str.__new__(cls, value)
        member._value_ = value
        return member

    __str__ = _mixin_str
    __format__ = _mixin_format

    @staticmethod
    def _generate_next_value_(name, start, count, last_values):
        return name.lower()


class FlagBoundary(Enum):
    STRICT = "strict"
    CONFORM = "conform"
    EJECT = "eject"
    KEEP = "keep"


STRICT, CONFORM, EJECT, KEEP = (FlagBoundary.STRICT, FlagBoundary.CONFORM,
                                 FlagBoundary.EJECT, FlagBoundary.KEEP)


class EnumCheck(Enum):
    CONTINUOUS = "no skipped integer values"
    NAMED_FLAGS = "multi-flag aliases may not contain unnamed flags"
    UNIQUE = "one name per value"


CONTINUOUS, NAMED_FLAGS, UNIQUE = (EnumCheck.CONTINUOUS, EnumCheck.NAMED_FLAGS,
                                   EnumCheck.UNIQUE)


class Flag(Enum, boundary=STRICT):
    """Enum whose members combine with |, &, ^ and ~."""

    @staticmethod
    def _generate_next_value_(name, start, count, last_values):
        if not count:
            return start if start is not None else 1
        last = max(last_values)
        return 2 ** (_high_bit(last) + 1)

    @classmethod
    def _missing_(cls, value):
        if not isinstance(value, int):
            raise ValueError("%r is not a valid %s" % (value, cls.__qualname__))
        mask = cls._flag_mask_
        boundary = cls._boundary_
        if value < 0:
            value = value & cls._all_bits_ if boundary is not KEEP else value
            if value < 0:
                value = max(cls._all_bits_ + 1, 2 ** value.bit_length()) + value
        if value & ~mask and boundary is STRICT:
            width = max(mask.bit_length(), value.bit_length())
            raise ValueError("%r invalid value %r\n    given %s\n  allowed %s"
                             % (cls, value, _bin(value, width), _bin(mask, width)))
        if value & ~mask and boundary is CONFORM:
            value &= mask
        existing = cls._value2member_map_.get(value)
        if existing is not None:
            return existing
        mtype = cls._member_type_
        if mtype is object:
            pseudo = object.__new__(cls)
        else:
            pseudo = mtype.__new__(cls, value)
        pseudo._value_ = value
        if value == 0:
            pseudo._name_ = None
        else:
            names = [m._name_ for m in cls if m._value_ & value]
            extra = value & ~mask
            if extra:
                names.append(str(extra))
            pseudo._name_ = "|".join(names)
        cls._value2member_map_.setdefault(value, pseudo)
        return pseudo

    def __contains__(self, other):
        if not isinstance(other, self.__class__):
            raise TypeError("unsupported operand type(s) for 'in': %r and %r"
                            % (type(other).__qualname__, self.__class__.__qualname__))
        return other._value_ & self._value_ == other._value_

    def __iter__(self):
        for m in self.__class__:
            if m._value_ & self._value_:
                yield m

    def __len__(self):
        return bin(self._value_).count("1")

    def __bool__(self):
        return bool(self._value_)

    def __repr__(self):
        cls_name = self.__class__.__name__
        value_repr = type(self)._member_type_.__repr__ if type(self)._member_type_ is not object else repr
        if self._name_ is None:
            return "<%s: %s>" % (cls_name, value_repr(self._value_))
        return "<%s.%s: %s>" % (cls_name, self._name_, value_repr(self._value_))

    def __str__(self):
        if self._name_ is None:
            return "%s(%r)" % (self.__class__.__name__, self._value_)
        return "%s.%s" % (self.__class__.__name__, self._name_)

    def _other_value(self, other):
        if isinstance(other, self.__class__):
            return other._value_
        if self._member_type_ is not object and isinstance(other, self._member_type_):
            return other
        return NotImplemented

    def __or__(self, other):
        v = self._other_value(other)
        if v is NotImplemented:
            return NotImplemented
        return self.__class__(self._value_ | v)

    def __and__(self, other):
        v = self._other_value(other)
        if v is NotImplemented:
            return NotImplemented
        return self.__class__(self._value_ & v)

    def __xor__(self, other):
        v = self._other_value(other)
        if v is NotImplemented:
            return NotImplemented
        return self.__class__(self._value_ ^ v)

    __ror__ = __or__
    __rand__ = __and__
    __rxor__ = __xor__

    def __invert__(self):
        if self._boundary_ is KEEP and self._member_type_ is not object:
            return self.__class__(self._flag_mask_ & ~self._value_ if self._value_ >= 0 else ~self._value_)
        return self.__class__(self._flag_mask_ & ~self._value_)

    def __hash__(self):
        return hash(self._value_)


def _bin(num, width):
    digits = bin(num)[2:].rjust(width, "0")
    return "0b0 " + digits


class IntFlag(int, ReprEnum, Flag, boundary=KEEP):
    """Flag whose members are also ints."""

    __str__ = _mixin_str
    __format__ = _mixin_format

    def __or__(self, other):
        if isinstance(other, int):
            return self.__class__(int(self) | int(other))
        return NotImplemented

    def __and__(self, other):
        if isinstance(other, int):
            return self.__class__(int(self) & int(other))
        return NotImplemented

    def __xor__(self, other):
        if isinstance(other, int):
            return self.__class__(int(self) ^ int(other))
        return NotImplemented

    __ror__ = __or__
    __rand__ = __and__
    __rxor__ = __xor__

    def __invert__(self):
        return self.__class__(self._flag_mask_ & ~int(self))


def unique(enumeration):
    """Class decorator: raise ValueError if any value has more than one name."""
    dups = []
    for name, member in enumeration.__members__.items():
        if name != member._name_:
            dups.append((name, member._name_))
    if dups:
        text = ", ".join("%s -> %s" % pair for pair in dups)
        raise ValueError("duplicate values found in %r: %s" % (enumeration, text))
    return enumeration


def _simple_enum(etype=None, *, boundary=None, use_args=None):
    """Class decorator turning a plain class into an enum of type `etype` (default Enum): its
    plain attributes become members, its methods stay methods (CPython uses it for
    `http.HTTPStatus` and other enums defined in the standard library)."""
    def convert(cls):
        body = {key: value for key, value in cls.__dict__.items()
                if key not in ("__dict__", "__weakref__")}
        base = Enum if etype is None else etype
        metacls = type(base)
        if boundary is not None:
            return metacls.__new__(metacls, cls.__name__, (base,), body, boundary=boundary)
        return metacls.__new__(metacls, cls.__name__, (base,), body)
    return convert


def global_enum(cls):
    """Export the members into the defining module's namespace (needs sys.modules)."""
    import sys
    module = sys.modules.get(cls.__module__)
    if module is not None:
        module.__dict__.update(cls.__members__.items())
    return cls
