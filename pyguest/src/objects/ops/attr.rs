//! Attribute access: `getattr`/`setattr`/`delattr` for every kind of object, class attribute
//! lookup along the MRO (`lookup_mro`), descriptors (functions become
//! bound methods, properties, `__get__`/`__set__`), instance attributes in map slots
//! (`instance_get`/`instance_set`, `DICT_MAP` for dict-mode instances), `__getattr__` /
//! `__getattribute__` hooks, and `call`/`call_method`. The attributes a type computes from its
//! layout (`range.start`, `f.__defaults__`, `c.__mro__`, ...) are answered by the type's module
//! (`range_attr`, `function_attr`, `class_attr`, ...), picked by kind in `special_attr`.

use super::*;
use crate::objects::{class, code, complex, float, frame, function, int, method, module, property};
use crate::objects::{range, slice};

// ---------------------------------------------------------------- attributes

/// Looks `name` up along the MRO of class `c` (class attributes only).
#[inline]
pub fn lookup_mro(c: Gc<ClassObj>, name: Value) -> Option<Value> {
    let mro = as_tuple_exact(c.mro.get())?;
    let h = hash(name).ok()?;
    for &k in mro.as_slice() {
        let kc = as_class(k)?;
        if let Ok(Some(v)) = kc.dict.get_h(name, h) {
            return Some(v);
        }
    }
    None
}

pub fn lookup_type(c: Gc<ClassObj>, name: &str) -> Option<Value> {
    lookup_mro(c, intern(name))
}

/// A special method defined by the Python metaclass of class `v` (None for plain classes).
pub(super) fn meta_dunder(v: Value, name: &str) -> Option<Value> {
    let c = as_class(v)?;
    let m = as_class(c.metaclass.get())?;
    lookup_type_user(m, name)
}

/// Like `lookup_type`, but ignores attributes provided by built-in classes.
pub fn lookup_type_user(c: Gc<ClassObj>, name: &str) -> Option<Value> {
    let mro = as_tuple_exact(c.mro.get())?;
    let key = intern(name);
    for &k in mro.as_slice() {
        let kc = as_class(k)?;
        if kc.flags.get() & CF_BUILTIN != 0 {
            continue;
        }
        if let Some(v) = kc.dict.get_str(name) {
            return Some(v);
        }
    }
    let _ = key;
    None
}

/// Map id of an instance in *dict mode*: once Python code asks for `obj.__dict__`, the
/// attributes move into a real dict kept in `slots[0]` (so the dict is live: writes through
/// it are attribute writes and vice versa). Never a valid map index, so the map-keyed inline
/// caches never hit for such instances and fall back to the functions below.
pub const DICT_MAP: u32 = u32::MAX;

/// The attribute dict of an instance in dict mode.
#[inline]
fn mode_dict(inst: Gc<InstanceObj>) -> Option<Gc<DictObj>> {
    if inst.map.get() == DICT_MAP {
        as_dict_exact(inst.slots.get().get(0))
    } else {
        None
    }
}

pub fn instance_get(inst: Gc<InstanceObj>, name: Value) -> Option<Value> {
    if let Some(d) = mode_dict(inst) {
        return d.get(name).ok().flatten();
    }
    let sym = vm::sym_of(name);
    let slot = vm::map_lookup(inst.map.get(), sym)?;
    let v = inst.slots.get().get(slot);
    if v.is_null() {
        None
    } else {
        Some(v)
    }
}

pub fn instance_set(inst: Gc<InstanceObj>, name: Value, v: Value) {
    if let Some(d) = mode_dict(inst) {
        if !str_eq(name, "__dict__") || as_dict(v).is_none() {
            // str keys hash without failing
            let _ = d.set_item(name, v);
            return;
        }
    }
    let sym = vm::sym_of(name);
    let m = inst.map.get();
    if let Some(slot) = vm::map_lookup(m, sym) {
        inst.slots.get().set(slot, v);
        return;
    }

    if str_eq(name, "__dict__") {
        // `obj.__dict__ = d` reaching here through the STORE_ATTR fast path
        if let Some(d) = as_dict(v) {
            let own = if v.is_kind(Kind::Dict) { d } else { d.copy() };
            set_instance_dict(inst, own);
            return;
        }
    }
    let nm = vm::map_add(m, sym);
    let slots = inst.slots.get();
    let n = slots.len();
    let need = vm::map_len(nm);
    let c = inst.cls.get();
    if need as u32 > c.nslots_hint.get() && need <= 64 {
        c.nslots_hint.set(need as u32);
    }
    if need > n {
        let arr = gc::alloc_array((n * 2).max(need).max(4), Value::NULL);
        for i in 0..n {
            arr.set(i, slots.get(i));
        }
        inst.slots.set(arr);
    }
    inst.slots.get().set(need - 1, v);
    inst.map.set(nm);
}

pub fn instance_del(inst: Gc<InstanceObj>, name: Value) -> bool {
    if let Some(d) = mode_dict(inst) {
        return d.remove(name).ok().flatten().is_some();
    }
    let sym = vm::sym_of(name);
    let m = inst.map.get();
    if vm::map_lookup(m, sym).is_none() {
        return false;
    }
    let (nm, keep) = vm::map_without(m, sym);
    let old = inst.slots.get();
    let arr = gc::alloc_array(keep.len().max(4), Value::NULL);
    for (j, &i) in keep.iter().enumerate() {
        arr.set(j, old.get(i));
    }
    inst.slots.set(arr);
    inst.map.set(nm);
    true
}

/// The instance's attribute dict (`obj.__dict__`): switches the instance to dict mode
/// (see [`DICT_MAP`]) so the returned dict stays the instance's storage.
pub fn instance_dict(inst: Gc<InstanceObj>) -> Value {
    if let Some(d) = mode_dict(inst) {
        return Value::obj(d);
    }
    let d = new_dict();
    for (i, sym) in vm::map_names(inst.map.get()).into_iter().enumerate() {
        let v = inst.slots.get().get(i);
        if !v.is_null() {
            let _ = d.set_item(vm::sym_str(sym), v);
        }
    }
    set_instance_dict(inst, d);
    Value::obj(d)
}

/// `obj.__dict__ = d`: the instance keeps its attributes in `d` from now on.
pub fn set_instance_dict(inst: Gc<InstanceObj>, d: Gc<DictObj>) {
    let arr = gc::alloc_array(1, Value::NULL);
    arr.set(0, Value::obj(d));
    inst.slots.set(arr);
    inst.map.set(DICT_MAP);
}

/// Names of the instance's attributes (for `dir`).
pub fn instance_attr_names(inst: Gc<InstanceObj>) -> Vec<Value> {
    if let Some(d) = mode_dict(inst) {
        return (0..d.entry_count())
            .map(|i| d.key_at(i))
            .filter(|k| !k.is_null() && k.is_kind(Kind::Str))
            .collect();
    }
    vm::map_names(inst.map.get())
        .into_iter()
        .map(vm::sym_str)
        .collect()
}

fn is_data_descriptor(d: Value) -> bool {
    match d.kind() {
        Some(Kind::Property) => true,
        Some(Kind::Instance) => {
            lookup_type(type_of(d), "__set__").is_some()
                || lookup_type(type_of(d), "__delete__").is_some()
        }
        _ => false,
    }
}

/// Whether `d` becomes a bound method when found on a class: Python functions and the
/// methods of built-in types (builtins with a qualified name, `list.append`). A module-level
/// builtin stored as a class attribute (`_buffer_decode = codecs.utf_8_decode`) stays a plain
/// function, as in CPython, where `builtin_function_or_method` is not a descriptor.
#[inline]
pub fn binds_as_method(d: Value) -> bool {
    match d.kind() {
        Some(Kind::Function) => true,
        Some(Kind::Builtin) => as_builtin(d).is_some_and(|b| b.name.contains('.')),
        _ => false,
    }
}

/// Binds a class attribute found for instance `obj` (functions become bound methods).
#[inline]
pub fn bind_descr(d: Value, obj: Value, owner: Gc<ClassObj>) -> PyResult<Value> {
    match d.kind() {
        Some(Kind::Function) | Some(Kind::Builtin) if binds_as_method(d) => Ok(new_bound(d, obj)),
        Some(Kind::ClassMethod) => Ok(new_bound(as_classmethod(d).unwrap().f, Value::obj(owner))),
        Some(Kind::StaticMethod) => Ok(as_staticmethod(d).unwrap().f),
        Some(Kind::Property) => {
            let p = as_property(d).unwrap();
            if p.fget.is_null() || p.fget.is_none() {
                return Err(vm::attr_error("property has no getter"));
            }
            call(p.fget, &[obj])
        }
        Some(Kind::Instance) => {
            if let Some(g) = lookup_type(type_of(d), "__get__") {
                return call(g, &[d, obj, Value::obj(owner)]);
            }
            Ok(d)
        }
        // an unbound `super(cls)` stored on a class binds to the instance
        Some(Kind::Super) if as_super(d).is_some_and(|s| s.obj.is_null()) => {
            let g = lookup_type(type_of(d), "__get__").unwrap();
            call(g, &[d, obj, Value::obj(owner)])
        }
        _ => Ok(d),
    }
}

pub fn attr_missing(obj: Value, name: Value) -> PyErr {
    let n = str_of(name).unwrap_or_default();
    if let Some(m) = as_module(obj) {
        return vm::attr_error(format!(
            "module '{}' has no attribute '{}'",
            str_of(m.name).unwrap_or_default(),
            n
        ));
    }
    if let Some(c) = as_class(obj) {
        return vm::attr_error(format!(
            "type object '{}' has no attribute '{}'",
            vm::class_name(c),
            n
        ));
    }
    vm::attr_error(format!(
        "'{}' object has no attribute '{}'",
        vm::type_name(obj),
        n
    ))
}

/// `getattr(obj, name)`; `name` must be a str (interned or not).
pub fn getattr(obj: Value, name: Value) -> PyResult<Value> {
    match getattr_opt(obj, name)? {
        Some(v) => Ok(v),
        None => Err(attr_missing(obj, name)),
    }
}

/// Attribute lookup returning `None` instead of raising AttributeError for plain misses
/// (errors raised by hooks are still errors).
pub fn getattr_opt(obj: Value, name: Value) -> PyResult<Option<Value>> {
    let t = type_of(obj);
    if t.flags.get() & CF_GETATTRIBUTE != 0 {
        if let Some(m) = lookup_type_user(t, "__getattribute__") {
            return match call(m, &[obj, name]) {
                Ok(v) => Ok(Some(v)),
                Err(e) if vm::exc_matches(&e, C::AttributeError) => {
                    if t.flags.get() & CF_GETATTR != 0 {
                        if let Some(g) = lookup_type_user(t, "__getattr__") {
                            return call(g, &[obj, name]).map(Some);
                        }
                    }
                    Err(e)
                }
                Err(e) => Err(e),
            };
        }
    }
    let r = generic_getattr(obj, name)?;
    if r.is_some() {
        return Ok(r);
    }
    if t.flags.get() & CF_GETATTR != 0 {
        if let Some(g) = lookup_type_user(t, "__getattr__") {
            return call(g, &[obj, name]).map(Some);
        }
    }
    Ok(None)
}

/// `object.__getattribute__` semantics (no `__getattr__` fallback).
pub fn generic_getattr(obj: Value, name: Value) -> PyResult<Option<Value>> {
    let name = match as_str(name) {
        Some(s) if s.sym.get() == 0 => vm::intern_value(name),
        Some(_) => name,
        None => return Err(attr_name_error(name)),
    };
    match obj.kind() {
        Some(Kind::Instance) => {
            let inst = as_instance(obj).unwrap();
            let t = inst.cls.get();
            let d = lookup_mro(t, name);
            if let Some(d) = d {
                if is_data_descriptor(d) {
                    if let Some(p) = as_property(d) {
                        if p.fget.is_null() || p.fget.is_none() {
                            return Err(vm::attr_error(format!(
                                "property '{}' of '{}' object has no getter",
                                str_of(name)?,
                                vm::class_name(t)
                            )));
                        }
                        return call(p.fget, &[obj]).map(Some);
                    }
                    return bind_descr(d, obj, t).map(Some);
                }
            }
            if let Some(v) = instance_get(inst, name) {
                return Ok(Some(v));
            }
            if let Some(d) = d {
                return bind_descr(d, obj, t).map(Some);
            }
            special_attr(obj, name)
        }
        Some(Kind::Class) => {
            let c = as_class(obj).unwrap();
            if let Some(d) = lookup_mro(c, name) {
                return Ok(Some(match d.kind() {
                    Some(Kind::ClassMethod) => new_bound(as_classmethod(d).unwrap().f, obj),
                    Some(Kind::StaticMethod) => as_staticmethod(d).unwrap().f,
                    Some(Kind::Instance) => {
                        if let Some(g) = lookup_type(type_of(d), "__get__") {
                            call(g, &[d, Value::NONE, obj])?
                        } else {
                            d
                        }
                    }
                    _ => d,
                }));
            }
            // metaclass attributes (type's methods such as mro())
            let meta = type_of(obj);
            if let Some(d) = lookup_mro(meta, name) {
                if !(Gc::ptr_eq(meta, cls(C::type_))
                    && as_str(name)
                        .is_some_and(|s| s.s.starts_with("__") && &*s.s != "__subclasses__"))
                {
                    return bind_descr(d, obj, meta).map(Some);
                }
            }
            special_attr(obj, name)
        }
        Some(Kind::Module) => {
            let m = as_module(obj).unwrap();
            if let Some(v) = m.dict.get(name)? {
                return Ok(Some(v));
            }
            if let Some(v) = special_attr(obj, name)? {
                return Ok(Some(v));
            }
            // PEP 562: a module-level __getattr__ answers for missing names
            match m.dict.get_str("__getattr__") {
                Some(hook) => match call(hook, &[name]) {
                    Ok(v) => Ok(Some(v)),
                    Err(e) if vm::exc_matches(&e, C::AttributeError) => Ok(None),
                    Err(e) => Err(e),
                },
                None => Ok(None),
            }
        }
        Some(Kind::Super) => {
            if let Some(v) = crate::objects::class::super_getattr(as_super(obj).unwrap(), name)? {
                return Ok(Some(v));
            }
            // the attributes of the `super` object itself (`__get__`, `__thisclass__`, ...)
            let t = type_of(obj);
            if let Some(d) = lookup_mro(t, name) {
                return bind_descr(d, obj, t).map(Some);
            }
            special_attr(obj, name)
        }
        _ => {
            let t = type_of(obj);
            // a function's `__module__` comes from its globals (a built-in's from where it is
            // defined), not from `object.__module__`
            if matches!(obj.kind(), Some(Kind::Function) | Some(Kind::Builtin))
                && as_str(name).is_some_and(|s| &*s.s == "__module__")
            {
                return special_attr(obj, name);
            }
            if let Some(d) = lookup_mro(t, name) {
                return bind_descr(d, obj, t).map(Some);
            }
            special_attr(obj, name)
        }
    }
}

/// Attributes computed from object internals (`__class__`, an instance's `__dict__`, and the
/// attributes each type computes from its layout, which its module answers: `class_attr`,
/// `function_attr`, `code_attr`, `frame_attr`, `range_attr`, ...).
///
/// `__doc__` missing everywhere else is the type's (`'x'.__doc__ is str.__doc__`, as
/// CPython's instances of built-in types find it on their type).
fn special_attr(obj: Value, name: Value) -> PyResult<Option<Value>> {
    let r = layout_attr(obj, name)?;
    if r.is_none() && &*as_str(name).unwrap().s == "__doc__" {
        return getattr_opt(Value::obj(type_of(obj)), name);
    }
    Ok(r)
}

fn layout_attr(obj: Value, name: Value) -> PyResult<Option<Value>> {
    let n = &*as_str(name).unwrap().s;
    if n == "__class__" {
        return Ok(Some(Value::obj(type_of(obj))));
    }
    match obj.kind() {
        Some(Kind::Instance) => {
            let inst = as_instance(obj).unwrap();
            if n == "__dict__" && inst.cls.get().flags.get() & CF_SLOTS == 0 {
                return Ok(Some(instance_dict(inst)));
            }
            if vm::isinstance_c(obj, C::BaseException) {
                match n {
                    "__cause__" | "__context__" | "__traceback__" => return Ok(Some(Value::NONE)),
                    "__suppress_context__" => return Ok(Some(Value::FALSE)),
                    _ => {}
                }
            }
            let p = payload(obj);
            if p != obj {
                return layout_attr(p, name);
            }
        }
        Some(Kind::Class) => return class::class_attr(as_class(obj).unwrap(), n),
        Some(Kind::Function) => return function::function_attr(as_function(obj).unwrap(), n, name),
        Some(Kind::Builtin) => return function::builtin_attr(as_builtin(obj).unwrap(), n),
        Some(Kind::BoundMethod) => return method::bound_attr(as_bound(obj).unwrap(), n, name),
        Some(Kind::Module) => return module::module_attr(as_module(obj).unwrap(), n),
        Some(Kind::Code) => return code::code_attr(as_code(obj).unwrap(), n),
        Some(Kind::Property) => return property::property_attr(as_property(obj).unwrap(), n),
        Some(Kind::ClassMethod) | Some(Kind::StaticMethod) => {
            if let Some(w) = as_classmethod(obj).or_else(|| as_staticmethod(obj)) {
                return property::wrapper_attr(w, n, name);
            }
        }
        Some(Kind::Generator) => {
            let g = as_generator(obj).unwrap();
            if let Some(v) = crate::objects::coroutine::gen_attr(g, n) {
                return Ok(Some(v));
            }
        }
        Some(Kind::Frame) => return frame::frame_attr(as_frame(obj).unwrap(), n),
        Some(Kind::Super) => return class::super_attr(as_super(obj).unwrap(), n),
        Some(Kind::Complex) => return complex::complex_attr(as_complex(obj).unwrap(), n),
        Some(Kind::Float) => return Ok(float::float_attr(obj, n)),
        Some(Kind::Slice) => return slice::slice_attr(as_slice(obj).unwrap(), n),
        Some(Kind::Range) => return range::range_attr(as_range(obj).unwrap(), n),
        _ => {}
    }
    if is_int_like(obj) && !obj.is_kind(Kind::Instance) {
        return Ok(int::int_attr(obj, n));
    }
    Ok(None)
}

/// `setattr(obj, name, v)`.
pub fn setattr(obj: Value, name: Value, v: Value) -> PyResult<()> {
    let t = type_of(obj);
    if t.flags.get() & CF_SETATTR != 0 {
        if let Some(m) = lookup_type_user(t, "__setattr__") {
            call(m, &[obj, name, v])?;
            return Ok(());
        }
    }
    generic_setattr(obj, name, v)
}

/// `TypeError` for an attribute name that is not a string (`object.__setattr__(x, 1, 2)`).
fn attr_name_error(name: Value) -> PyErr {
    type_error(format!(
        "attribute name must be string, not '{}'",
        vm::type_name(name)
    ))
}

/// `exc.__traceback__ = v` takes a traceback or None.
#[cold]
#[inline(never)]
fn check_traceback_value(obj: Value, v: Value) -> PyResult<()> {
    if !v.is_none()
        && !crate::objects::traceback::is_traceback(v)
        && vm::isinstance_c(obj, C::BaseException)
    {
        return Err(type_error("__traceback__ must be a traceback or None"));
    }
    Ok(())
}

pub fn generic_setattr(obj: Value, name: Value, v: Value) -> PyResult<()> {
    if as_str(name).is_none() {
        return Err(attr_name_error(name));
    }
    let name = vm::intern_value(name);
    match obj.kind() {
        Some(Kind::Instance) => {
            let inst = as_instance(obj).unwrap();
            let t = inst.cls.get();
            if t.flags.get() & CF_HAS_DESCRIPTORS != 0 {
                if let Some(d) = lookup_mro(t, name) {
                    if let Some(p) = as_property(d) {
                        if p.fset.is_null() || p.fset.is_none() {
                            return Err(vm::attr_error(format!(
                                "property '{}' of '{}' object has no setter",
                                str_of(name)?,
                                vm::class_name(t)
                            )));
                        }
                        call(p.fset, &[obj, v])?;
                        return Ok(());
                    }
                    if d.is_kind(Kind::Instance) {
                        if let Some(s) = lookup_type(type_of(d), "__set__") {
                            call(s, &[d, obj, v])?;
                            return Ok(());
                        }
                    }
                }
            }
            if t.flags.get() & CF_SLOTS != 0 && !slot_allowed(t, name) {
                return Err(vm::attr_error(format!(
                    "'{}' object has no attribute '{}'",
                    vm::class_name(t),
                    str_of(name)?
                )));
            }
            if str_eq(name, "__dict__") && t.flags.get() & CF_SLOTS == 0 {
                let d = as_dict(v).ok_or_else(|| {
                    type_error(format!(
                        "__dict__ must be set to a dictionary, not a '{}'",
                        vm::type_name(v)
                    ))
                })?;
                let own = if v.is_kind(Kind::Dict) { d } else { d.copy() };
                set_instance_dict(inst, own);
                return Ok(());
            }
            if str_eq(name, "__traceback__") {
                check_traceback_value(obj, v)?;
            }
            instance_set(inst, name, v);
            Ok(())
        }
        Some(Kind::Class) => {
            let c = as_class(obj).unwrap();
            c.dict.set_item(name, v)?;
            crate::objects::class::class_changed(c, name);
            Ok(())
        }
        Some(Kind::Module) => as_module(obj).unwrap().dict.set_item(name, v),
        Some(Kind::Property) if str_eq(name, "__doc__") => {
            as_property(obj).unwrap().doc.set(v);
            Ok(())
        }
        Some(Kind::Function) => {
            let f = as_function(obj).unwrap();
            let n = &*as_str(name).unwrap().s;
            match n {
                "__name__" => f.name.set(v),
                "__qualname__" => f.qualname.set(v),
                "__doc__" => f.doc.set(v),
                "__defaults__" => f.defaults.set(if v.is_none() { Value::NULL } else { v }),
                _ => {
                    if f.dict.get().is_null() {
                        f.dict.set(Value::obj(new_dict()));
                    }
                    as_dict_exact(f.dict.get()).unwrap().set_item(name, v)?;
                }
            }
            Ok(())
        }
        _ => Err(vm::attr_error(format!(
            "'{}' object has no attribute '{}'",
            vm::type_name(obj),
            str_of(name)?
        ))),
    }
}

/// Whether the `__slots__` entry `slot` of class `kc` admits the attribute `name`. A private
/// entry is mangled with the class name, as CPython's `type.__new__` does (the compiler
/// mangles `self.__x` the same way): `__slots__ = ('__x',)` in `class C` admits `_C__x`,
/// not `__x`.
#[inline(never)]
fn slot_names(kc: &ClassObj, slot: Value, name: Value) -> bool {
    if let (Some(s), Some(n), Some(cls)) = (as_str(slot), as_str(name), as_str(kc.name.get())) {
        let (s, cls) = (s.s.as_str(), cls.s.as_str().trim_start_matches('_'));
        if s.starts_with("__") && !s.ends_with("__") && !s.contains('.') && !cls.is_empty() {
            let n = n.s.as_str();
            return n.len() == 1 + cls.len() + s.len()
                && n.starts_with('_')
                && n[1..].starts_with(cls)
                && n.ends_with(s);
        }
    }
    eq(slot, name).unwrap_or(false)
}

#[inline(never)]
fn slot_allowed(t: Gc<ClassObj>, name: Value) -> bool {
    let mro = as_tuple(t.mro.get()).unwrap();
    for &k in mro.as_slice() {
        let kc = as_class(k).unwrap();
        if kc.flags.get() & CF_BUILTIN != 0 {
            continue;
        }
        match kc.dict.get_str("__slots__") {
            Some(s) => {
                if let Ok(items) = crate::objects::native::seq_items(s) {
                    if items.iter().any(|&x| slot_names(&kc, x, name)) {
                        return true;
                    }
                } else if slot_names(&kc, s, name) {
                    return true;
                }
            }
            None => return true,
        }
    }
    false
}

pub fn delattr(obj: Value, name: Value) -> PyResult<()> {
    let t = type_of(obj);
    if t.flags.get() & CF_DELATTR != 0 {
        if let Some(m) = lookup_type_user(t, "__delattr__") {
            call(m, &[obj, name])?;
            return Ok(());
        }
    }
    generic_delattr(obj, name)
}

pub fn generic_delattr(obj: Value, name: Value) -> PyResult<()> {
    if as_str(name).is_none() {
        return Err(attr_name_error(name));
    }
    let name = vm::intern_value(name);
    match obj.kind() {
        Some(Kind::Instance) => {
            let inst = as_instance(obj).unwrap();
            if let Some(d) = lookup_mro(inst.cls.get(), name) {
                if let Some(p) = as_property(d) {
                    if !p.fdel.is_null() && !p.fdel.is_none() {
                        call(p.fdel, &[obj])?;
                        return Ok(());
                    }
                }
                if d.is_kind(Kind::Instance) {
                    if let Some(s) = lookup_type(type_of(d), "__delete__") {
                        call(s, &[d, obj])?;
                        return Ok(());
                    }
                }
            }
            if instance_del(inst, name) {
                Ok(())
            } else {
                Err(attr_missing(obj, name))
            }
        }
        Some(Kind::Class) => {
            let c = as_class(obj).unwrap();
            if c.dict.remove(name)?.is_none() {
                return Err(attr_missing(obj, name));
            }
            crate::objects::class::class_changed(c, name);
            Ok(())
        }
        Some(Kind::Module) => {
            as_module(obj).unwrap().dict.remove(name)?;
            Ok(())
        }
        Some(Kind::Function) => {
            let f = as_function(obj).unwrap();
            if let Some(d) = as_dict_exact(f.dict.get()) {
                if d.remove(name)?.is_some() {
                    return Ok(());
                }
            }
            Err(attr_missing(obj, name))
        }
        _ => Err(attr_missing(obj, name)),
    }
}

// ---------------------------------------------------------------- calls

#[inline]
pub fn call(f: Value, args: &[Value]) -> PyResult<Value> {
    interpreter::call_object(
        f,
        Args {
            pos: args,
            kwnames: &[],
            kwvals: &[],
        },
    )
}

/// Calls method `name` of `obj` with `args`.
pub fn call_method(obj: Value, name: &str, args: &[Value]) -> PyResult<Value> {
    let m = getattr(obj, intern(name))?;
    call(m, args)
}
