//! Classes (`type` objects): the layout (`ClassObj`, with the class flags `CF_*` that gate the
//! interpreter's fast paths), creation by a `class` statement or `type(...)` (C3 MRO,
//! `__init_subclass__`, `__set_name__`), construction of instances (`__new__`/`__init__`, the
//! cached-`__init__` fast path used by `CALL`), `object.__new__`, the constructors of the
//! built-in types that dispatch to the type modules (and the `__new__` every built-in class
//! exposes), the methods of `type`, `super()` (`SuperObj`), class patterns of `match`, and a
//! class's repr and computed attributes (`__name__`, `__mro__`, `__bases__`, `__dict__`, ...).
//!
//! Attribute lookup through the MRO and descriptors lives in `objects/ops/attr.rs`; the methods of
//! `object` in `objects/object.rs`; the instance layout in `objects/instance.rs`.

use crate::interpreter;
use crate::objects::bytes::new_bytes_from;
use crate::objects::float::new_float_from;
use crate::objects::int::new_int_from;
use crate::objects::native::{kwarg, m, qualify, seq_items, Method};
use crate::objects::ops::{self, call, truthy, ArgVec};
use crate::objects::set::new_frozenset;
use crate::objects::sig::{Recv, Sig};
use crate::objects::string::new_str_from;
use crate::objects::tuple::new_tuple_from;
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::PyResult;
use crate::vm::{self, cls, cls_v, intern, type_error, type_of, vm, C};
use metatracer::gc::{self, Gc, GcCell};
use metatracer::Trace;
use std::cell::Cell;

// ---------------------------------------------------------------- layout

pub const CF_GETATTRIBUTE: u32 = 1;
pub const CF_GETATTR: u32 = 2;
pub const CF_SETATTR: u32 = 4;
pub const CF_DELATTR: u32 = 8;
pub const CF_SLOTS: u32 = 16;
pub const CF_EXCEPTION: u32 = 32;
/// Class is a builtin type (its dict is not meant to be changed by programs).
pub const CF_BUILTIN: u32 = 64;
pub const CF_HAS_DESCRIPTORS: u32 = 128;
/// The class or a base defines `__del__`: its instances are registered for finalization.
pub const CF_DEL: u32 = 256;

#[repr(C)]
#[derive(Trace, metatracer::Layout)]
pub struct ClassObj {
    pub kind: Kind,
    /// Kind of the built-in base's payload (for `class L(list)`), or `None`.
    pub base_kind: Cell<u8>,
    pub flags: Cell<u32>,
    pub name: GcCell<Value>,
    pub bases: GcCell<Value>,
    pub mro: GcCell<Value>,
    pub dict: Gc<DictObj>,
    pub metaclass: GcCell<Value>,
    /// Attribute version: bumped when the dict of this class (or a base) changes.
    pub version: Cell<u64>,
    /// `C(...)` fast path (see `builtins::cached_init`): the Python `__init__` to run on a
    /// fresh instance, or None when the class needs the general protocol; valid while
    /// `init_epoch == vm().class_epoch + 1` (0: never computed).
    pub init_cache: GcCell<Value>,
    pub init_epoch: Cell<u64>,
    /// Attribute count of the class's most recent instances (sizes new instances' slots).
    pub nslots_hint: Cell<u32>,
}

downcast!(as_class, ClassObj, Class);

/// A `super` object: `cls` is `__thisclass__` (where the MRO search starts after), `obj` the
/// object methods bind to (`__self__`) and `obj_type` the class whose MRO is searched
/// (`__self_class__`: `type(obj)`, or `obj` itself when it is a subclass of `cls`). Both are
/// NULL in an unbound `super(cls)`, which only its `__get__` binds.
#[repr(C)]
#[derive(Trace)]
pub struct SuperObj {
    pub kind: Kind,
    pub cls: Value,
    pub obj: Value,
    pub obj_type: Value,
}

downcast!(as_super, SuperObj, Super);

thread_local! {
    /// Every class created by a `class` statement or `type(...)`, in creation order, for
    /// `type.__subclasses__` (which scans it for classes listing the receiver as a base).
    /// Strong references: such classes live as long as the program (CPython's are weak).
    static ALL_CLASSES: metatracer::gc::Root<ListObj> = metatracer::gc::Root::new(new_list_cap(64));
}

pub(crate) fn all_classes() -> Gc<ListObj> {
    ALL_CLASSES.with(|r| r.get())
}

// ---------------------------------------------------------------- classes

/// C3 linearization.
fn c3_mro(c: Value, bases: &[Value]) -> PyResult<ArgVec> {
    let mut seqs: Vec<Vec<Value>> = Vec::new();
    for &b in bases {
        let bc = as_class(b).ok_or_else(|| type_error("bases must be types"))?;
        seqs.push(as_tuple(bc.mro.get()).unwrap().as_slice().to_vec());
    }
    seqs.push(bases.to_vec());
    // `out` is returned to a caller that allocates (the mro tuple): pinned.
    let mut out = ArgVec::from_slice(&[c]);
    loop {
        seqs.retain(|s| !s.is_empty());
        if seqs.is_empty() {
            return Ok(out);
        }
        let mut found = None;
        for s in &seqs {
            let cand = s[0];
            if !seqs.iter().any(|t| t[1..].contains(&cand)) {
                found = Some(cand);
                break;
            }
        }
        let Some(cand) = found else {
            let names: Vec<String> = bases
                .iter()
                .map(|&b| vm::class_name(as_class(b).unwrap()))
                .collect();
            return Err(type_error(format!(
                "Cannot create a consistent method resolution order (MRO) for bases {}",
                names.join(", ")
            )));
        };
        out.push(cand);
        for s in seqs.iter_mut() {
            if s[0] == cand {
                s.remove(0);
            }
        }
    }
}

/// Recomputes a class's cached flags (after creation or a class attribute change).
pub(crate) fn compute_flags(c: Gc<ClassObj>) {
    let mut flags = c.flags.get() & (CF_BUILTIN | CF_EXCEPTION);
    let mro = as_tuple(c.mro.get()).unwrap();
    let mut all_slots = true;
    for &k in mro.as_slice() {
        let kc = as_class(k).unwrap();
        if kc.flags.get() & CF_BUILTIN != 0 {
            if Gc::ptr_eq(kc, cls(C::BaseException)) {
                flags |= CF_EXCEPTION;
            }
            continue;
        }
        let d = kc.dict;
        if d.get_str("__getattribute__").is_some() {
            flags |= CF_GETATTRIBUTE;
        }
        if d.get_str("__getattr__").is_some() {
            flags |= CF_GETATTR;
        }
        if d.get_str("__setattr__").is_some() {
            flags |= CF_SETATTR;
        }
        if d.get_str("__delattr__").is_some() {
            flags |= CF_DELATTR;
        }
        if d.get_str("__del__").is_some() {
            flags |= CF_DEL;
        }
        if d.get_str("__slots__").is_none() {
            all_slots = false;
        }
        for i in 0..d.entry_count() {
            let v = d.val_at(i);
            if d.key_at(i).is_null() {
                continue;
            }
            if v.is_kind(Kind::Property)
                || (v.is_kind(Kind::Instance)
                    && (ops::lookup_type(type_of(v), "__set__").is_some()
                        || ops::lookup_type(type_of(v), "__get__").is_some()))
            {
                flags |= CF_HAS_DESCRIPTORS;
            }
        }
    }
    if all_slots && mro.len() > 1 {
        flags |= CF_SLOTS;
    }
    c.flags.set(flags);
}

pub fn class_changed(c: Gc<ClassObj>, _name: Value) {
    if c.flags.get() & CF_BUILTIN == 0 {
        compute_flags(c);
    }
    c.version.set(c.version.get() + 1);
    crate::vm::bump_class_epoch();
}

/// Creates a class object (the work of `type(name, bases, ns)`).
pub fn new_class(
    meta: Gc<ClassObj>,
    name: Value,
    bases: Value,
    ns: Gc<DictObj>,
) -> PyResult<Value> {
    let none: [Value; 0] = [];
    new_class_kw(meta, name, bases, ns, &none, &none)
}

/// `new_class` passing the class statement's keyword arguments (`kwnames[i]=kwvals[i]`)
/// on to the parent's `__init_subclass__`.
fn new_class_kw(
    meta: Gc<ClassObj>,
    name: Value,
    bases: Value,
    ns: Gc<DictObj>,
    kwnames: &[Value],
    kwvals: &[Value],
) -> PyResult<Value> {
    let mut bl: ArgVec = seq_items(bases)?;
    if bl.is_empty() {
        bl.push(cls_v(C::object));
    }
    for &b in &bl {
        let Some(bc) = as_class(b) else {
            return Err(type_error(format!(
                "bases must be types, not {}",
                vm::type_name(b)
            )));
        };
        if Gc::ptr_eq(bc, cls(C::bool_))
            || Gc::ptr_eq(bc, cls(C::function))
            || Gc::ptr_eq(bc, cls(C::generator))
        {
            return Err(type_error(format!(
                "type '{}' is not an acceptable base type",
                vm::class_name(bc)
            )));
        }
    }
    let dict = ns.copy();
    // implicit conversions
    if let Some(f) = dict.get_str("__new__") {
        if f.is_kind(Kind::Function) {
            dict.set_str(
                "__new__",
                Value::obj(gc::alloc(WrapperObj {
                    kind: Kind::StaticMethod,
                    f,
                })),
            );
        }
    }
    for n in ["__init_subclass__", "__class_getitem__"] {
        if let Some(f) = dict.get_str(n) {
            if f.is_kind(Kind::Function) {
                dict.set_str(
                    n,
                    Value::obj(gc::alloc(WrapperObj {
                        kind: Kind::ClassMethod,
                        f,
                    })),
                );
            }
        }
    }
    if dict.get_str("__eq__").is_some() && dict.get_str("__hash__").is_none() {
        dict.set_str("__hash__", Value::NONE);
    }
    if dict.get_str("__qualname__").is_none() {
        dict.set_str("__qualname__", name);
    }
    // as CPython's `type_new`: a class without a docstring has `__doc__ = None` of its own,
    // so it does not show a built-in base's doc
    if dict.get_str("__doc__").is_none() {
        dict.set_str("__doc__", Value::NONE);
    }
    let c = gc::alloc(ClassObj {
        kind: Kind::Class,
        base_kind: Cell::new(0),
        flags: Cell::new(0),
        name: GcCell::new(name),
        bases: GcCell::new(new_tuple(&bl)),
        mro: GcCell::new(Value::NONE),
        dict,
        metaclass: GcCell::new(if Gc::ptr_eq(meta, cls(C::type_)) {
            Value::NULL
        } else {
            Value::obj(meta)
        }),
        version: Cell::new(0),
        init_cache: GcCell::new(Value::NULL),
        init_epoch: Cell::new(0),
        nslots_hint: Cell::new(0),
    });
    let mro = c3_mro(Value::obj(c), &bl)?;
    c.mro.set(new_tuple(&mro));
    for &m in &mro[1..] {
        let k = as_class(m).unwrap().base_kind.get();
        if k != 0 {
            c.base_kind.set(k);
            break;
        }
    }
    compute_flags(c);
    let cv = Value::obj(c);
    all_classes().push(cv);
    // __set_name__
    for i in 0..dict.entry_count() {
        let k = dict.key_at(i);
        if k.is_null() {
            continue;
        }
        let v = dict.val_at(i);
        if v.is_kind(Kind::Instance) {
            if let Some(m) = ops::lookup_type_user(type_of(v), "__set_name__") {
                call(m, &[v, cv, k])?;
            }
        }
    }
    // __init_subclass__: the first one along the new class's MRO after itself (as
    // `super(cls, cls).__init_subclass__`), whichever base position defines it
    let hook = mro[1..].iter().find_map(|&p| {
        let pc = as_class(p)?;
        if pc.flags.get() & CF_BUILTIN != 0 {
            return None;
        }
        pc.dict.get_str("__init_subclass__")
    });
    if let Some(&parent) = mro.get(1) {
        let found = match hook {
            Some(m) => Some(m),
            None => ops::lookup_type_user(as_class(parent).unwrap(), "__init_subclass__"),
        };
        if let Some(m) = found {
            let f = as_classmethod(m).map(|w| w.f).unwrap_or(m);
            interpreter::call_object(
                f,
                Args {
                    pos: &[cv],
                    kwnames,
                    kwvals,
                },
            )?;
        }
    }
    Ok(cv)
}

pub(crate) fn bi_build_class(a: Args) -> PyResult<Value> {
    let func = as_function(a.pos[0])
        .ok_or_else(|| type_error("__build_class__: func must be a function"))?;
    let name = a.pos[1];
    let bases = new_tuple(&a.pos[2..]);
    let mut meta: Option<Value> = kwarg(&a, "metaclass");
    // a base that is not a class (a typing alias: pyguest has no `__mro_entries__`) makes
    // its type the metaclass, which rebuilds the class
    let all_classes = a.pos[2..].iter().all(|&b| as_class(b).is_some());
    if meta.is_none() && !all_classes {
        for &b in &a.pos[2..] {
            let t = type_of(b);
            if !Gc::ptr_eq(t, cls(C::type_)) {
                meta = Some(Value::obj(t));
                break;
            }
        }
    }
    // the most derived of the given metaclass and the bases' metaclasses (CPython's
    // `_PyType_CalculateMetaclass`); a metaclass that is not a class is used as it is
    if all_classes && meta.is_none_or(|m| as_class(m).is_some()) {
        let mut winner = meta.and_then(as_class).unwrap_or_else(|| cls(C::type_));
        for &b in &a.pos[2..] {
            let t = type_of(b);
            if vm::is_subclass(winner, t) {
                continue;
            }
            if vm::is_subclass(t, winner) {
                winner = t;
                continue;
            }
            return Err(type_error(
                "metaclass conflict: the metaclass of a derived class must be a (non-strict) \
                 subclass of the metaclasses of all its bases",
            ));
        }
        if meta.is_some() || !Gc::ptr_eq(winner, cls(C::type_)) {
            meta = Some(Value::obj(winner));
        }
    }
    let mut ns = Value::obj(new_dict());
    // metaclass __prepare__: its result (a dict or a dict subclass, whose own
    // __getitem__/__setitem__ the class body then uses) is the class namespace
    if let Some(mc) = meta.and_then(as_class) {
        if let Some(p) = ops::lookup_type_user(mc, "__prepare__") {
            let f = as_classmethod(p).map_or(p, |w| new_bound(w.f, Value::obj(mc)));
            let mut pa = ArgVec::new();
            pa.push(name);
            pa.push(bases);
            let kw: Vec<usize> = (0..a.kwnames.len())
                .filter(|&i| !crate::objects::str_eq(a.kwnames[i], "metaclass"))
                .collect();
            let kwn: ArgVec = kw.iter().map(|&i| a.kwnames[i]).collect();
            let kwv: ArgVec = kw.iter().map(|&i| a.kwvals[i]).collect();
            let r = interpreter::call_object(
                f,
                Args {
                    pos: &pa,
                    kwnames: &kwn,
                    kwvals: &kwv,
                },
            )?;
            if as_dict(r).is_some() {
                ns = r;
            }
        }
    }
    let cell = interpreter::run_class_body(func, ns)?;
    let kw: Vec<usize> = (0..a.kwnames.len())
        .filter(|&i| !crate::objects::str_eq(a.kwnames[i], "metaclass"))
        .collect();
    let kwn: ArgVec = kw.iter().map(|&i| a.kwnames[i]).collect();
    let kwv: ArgVec = kw.iter().map(|&i| a.kwvals[i]).collect();
    let c = match meta {
        // a metaclass other than `type`, or any other object (called as it is: a function
        // works, a non-callable such as `metaclass=1` is CPython's TypeError)
        Some(m) if as_class(m).is_none_or(|mc| !Gc::ptr_eq(mc, cls(C::type_))) => {
            interpreter::call_object(
                m,
                Args {
                    pos: &[name, bases, ns],
                    kwnames: &kwn,
                    kwvals: &kwv,
                },
            )?
        }
        _ => new_class_kw(cls(C::type_), name, bases, as_dict(ns).unwrap(), &kwn, &kwv)?,
    };
    if let Some(cell) = as_cell(cell) {
        cell.v.set(c);
    }
    Ok(c)
}

pub fn alloc_instance(c: Gc<ClassObj>) -> Gc<InstanceObj> {
    // room for as many attributes as earlier instances ended up with (4 before the first)
    let n = match c.nslots_hint.get() {
        0 => 4,
        n => n as usize,
    };
    let slots = gc::alloc_array(n, Value::NULL);
    let inst = gc::alloc(InstanceObj {
        kind: Kind::Instance,
        map: Cell::new(0),
        cls: GcCell::new(c),
        slots: GcCell::new(slots),
        base: GcCell::new(Value::NULL),
        ident: Cell::new(0),
    });
    if c.flags.get() & CF_DEL != 0 {
        // (finalized by `modules/finalize.rs` when found unreachable)
        metatracer::gc::guard(inst);
    }
    inst
}

/// The Python `__init__` that `C(...)` runs on a fresh plain instance, when `C` qualifies for
/// the interpreter's fast path (what [`fast_new`] checks), cached in the class until any class
/// attribute changes (`class_epoch`).
#[inline]
pub fn cached_init(c: Gc<ClassObj>) -> Option<Gc<FunctionObj>> {
    let epoch = vm().class_epoch.get() + 1;
    if c.init_epoch.get() != epoch {
        let init = fast_init(c);
        c.init_cache.set(init.map_or(Value::NONE, Value::obj));
        c.init_epoch.set(epoch);
    }
    as_function(c.init_cache.get())
}

/// The conditions of the `C(...)` fast path: a plain Python class with `object.__new__` and a
/// Python (non-generator) `__init__`.
fn fast_init(c: Gc<ClassObj>) -> Option<Gc<FunctionObj>> {
    if c.flags.get() & (CF_BUILTIN | CF_EXCEPTION) != 0
        || c.base_kind.get() != 0
        || !c.metaclass.get().is_null()
    {
        return None;
    }
    let new = ops::lookup_type(c, "__new__")?;
    // (built-in classes hold their `__new__` as a static method over the built-in)
    let new = as_staticmethod(new).map_or(new, |w| w.f);
    if as_builtin(new).is_none_or(|b| b.name != "object.__new__") {
        return None;
    }
    let init = ops::lookup_type(c, "__init__").and_then(as_function)?;
    if init.code.d.flags & CO_GENERATOR != 0 {
        return None;
    }
    Some(init)
}

/// Fast instance creation for `C(...)` when `C` has no custom `__new__` and a Python
/// `__init__`: returns the fresh instance and the `__init__` function to run.
pub fn fast_new(c: Gc<ClassObj>, _args: Args) -> PyResult<Option<(Value, Gc<FunctionObj>)>> {
    Ok(cached_init(c).map(|init| (Value::obj(alloc_instance(c)), init)))
}

/// `C(*args, **kw)` for any class.
pub fn construct(c: Gc<ClassObj>, a: Args) -> PyResult<Value> {
    let cv = Value::obj(c);
    // metaclass __call__
    if let Some(meta) = as_class(c.metaclass.get()) {
        if let Some(m) = ops::lookup_type_user(meta, "__call__") {
            let mut v = ArgVec::new();
            v.push(cv);
            v.extend_from_slice(a.pos);
            return call_kw(m, &v, a);
        }
    }
    construct_plain(c, a)
}

/// `type.__call__(c, ...)`: `__new__` then `__init__`, without the metaclass's `__call__`.
pub(crate) fn construct_plain(c: Gc<ClassObj>, a: Args) -> PyResult<Value> {
    let cv = Value::obj(c);
    if Gc::ptr_eq(c, cls(C::type_)) && a.pos.len() == 1 && a.kwnames.is_empty() {
        return Ok(Value::obj(type_of(a.pos[0])));
    }
    // `enumerate(xs)`, `zip(a, b)`, ...: straight to the constructor (hot in loops); the
    // base-kind byte singles them out, so `range(n)`, `list(x)` pay one compare more
    if c.base_kind.get() == Kind::Iter as u8 && c.flags.get() & CF_BUILTIN != 0 {
        if let Some((id, f)) = crate::objects::iter::direct_ctor(c) {
            return ctor_sig(id as usize)
                .unwrap()
                .call(vm::CLASS_NAMES[id as usize], f, a);
        }
    }
    let new = ops::lookup_type(c, "__new__").unwrap();
    let mut v = ArgVec::new();
    v.push(cv);
    v.extend_from_slice(a.pos);
    let newf = if let Some(w) = as_staticmethod(new) {
        w.f
    } else {
        new
    };
    let obj = call_kw(newf, &v, a)?;
    if !vm::is_subclass(type_of(obj), c) {
        return Ok(obj);
    }
    // exact built-in types are fully built by __new__
    if c.flags.get() & CF_BUILTIN != 0 && !vm::isinstance_c(obj, C::BaseException) {
        return Ok(obj);
    }
    if let Some(init) = ops::lookup_type(c, "__init__") {
        let is_obj_init = as_builtin(init).is_some_and(|b| b.name == "object.__init__");
        if is_obj_init {
            let new_is_obj = as_builtin(newf).is_some_and(|b| b.name == "object.__new__");
            if new_is_obj && (!a.pos.is_empty() || !a.kwnames.is_empty()) {
                return Err(type_error(format!(
                    "{}() takes no arguments",
                    vm::class_name(c)
                )));
            }
        } else {
            v[0] = obj;
            let r = call_kw(init, &v, a)?;
            if !r.is_none() {
                return Err(type_error(format!(
                    "__init__() should return None, not '{}'",
                    vm::type_name(r)
                )));
            }
        }
    }
    Ok(obj)
}

fn call_kw(f: Value, pos: &[Value], a: Args) -> PyResult<Value> {
    interpreter::call_object(
        f,
        Args {
            pos,
            kwnames: a.kwnames,
            kwvals: a.kwvals,
        },
    )
}

pub(crate) fn object_new(a: Args) -> PyResult<Value> {
    let c = as_class(a.pos[0])
        .ok_or_else(|| type_error("object.__new__(X): X is not a type object"))?;
    let inst = alloc_instance(c);
    let k = c.base_kind.get();
    if k != 0 {
        // subclass of a built-in: create the payload
        let base = builtin_payload(c, k, &a.pos[1..], a)?;
        inst.base.set(base);
    }
    if vm::is_subclass(c, cls(C::BaseException)) {
        ops::instance_set(inst, intern("args"), new_tuple(&a.pos[1..]));
    }
    Ok(Value::obj(inst))
}

/// `OSError.__new__`: `OSError(errno, strerror, ...)` builds the subclass PEP 3151 picks for
/// the errno (`OSError(111, 'x')` is a `ConnectionRefusedError`), as CPython does; only for
/// `OSError` itself, not its subclasses.
fn oserror_new(a: Args) -> PyResult<Value> {
    let exact = as_class(a.pos[0]).is_some_and(|c| Gc::ptr_eq(c, cls(C::OSError)));
    if exact && a.pos.len() >= 3 {
        if let Some(sub) = a.pos[1]
            .as_small()
            .and_then(crate::objects::exceptions::errno_subclass)
        {
            let mut v = ArgVec::from_slice(a.pos);
            v[0] = Value::obj(cls(sub));
            return object_new(Args {
                pos: &v,
                kwnames: a.kwnames,
                kwvals: a.kwvals,
            });
        }
    }
    object_new(a)
}

fn builtin_payload(c: Gc<ClassObj>, k: u8, args: &[Value], a: Args) -> PyResult<Value> {
    let kind: Kind = {
        // SAFETY: base_kind values are only ever set from valid `Kind`s in vm.rs.
        unsafe { std::mem::transmute::<u8, Kind>(k) }
    };
    let a2 = Args {
        pos: args,
        kwnames: a.kwnames,
        kwvals: a.kwvals,
    };
    Ok(match kind {
        Kind::List => Value::obj(new_list_cap(0)),
        Kind::Dict => Value::obj(new_dict()),
        Kind::Set => Value::obj(new_set(false)),
        Kind::FrozenSet => new_frozenset(a2)?,
        Kind::Tuple => new_tuple_from(a2)?,
        Kind::Str => new_str_from(a2)?,
        Kind::BigInt => new_int_from(a2)?,
        Kind::Float => new_float_from(a2)?,
        Kind::Bytes => new_bytes_from(a2, false)?,
        Kind::ByteArray => new_bytes_from(a2, true)?,
        // a subclass of `enumerate`, `zip`, ...: the iterator its built-in base makes
        Kind::Iter => {
            let (id, f) = as_tuple(c.mro.get())
                .unwrap()
                .as_slice()
                .iter()
                .find_map(|&m| crate::objects::iter::direct_ctor(as_class(m)?))
                .ok_or_else(|| type_error("no built-in iterator base"))?;
            ctor_sig(id as usize)
                .unwrap()
                .call(vm::CLASS_NAMES[id as usize], f, a2)?
        }
        _ => Value::NULL,
    })
}

/// The signatures of the built-in constructors (`objects/sig.rs`), checked before
/// [`builtin_new`] builds an instance; classes not listed check their own arguments.
const CTOR_SIGS: &[&str] = &[
    "int(x=0, /, base=10)",
    "bool(x=False, /)",
    "float(x=0, /)",
    "complex(real=0, imag=0)",
    "str(object='', encoding='utf-8', errors='strict')",
    "bytes(source=b'', encoding='utf-8', errors='strict')",
    "bytearray(source=b'', encoding='utf-8', errors='strict')",
    "list(iterable=(), /)",
    "tuple(iterable=(), /)",
    "E:dict(iterable=(), /, **kwargs)",
    "set(iterable=(), /)",
    "frozenset(iterable=(), /)",
    "range(start_or_stop, stop=None, step=None, /)",
    "slice(start_or_stop, stop=None, step=None, /)",
    "property(fget=None, fset=None, fdel=None, doc=None)",
    "E:classmethod(function, /)",
    "E:staticmethod(function, /)",
    "E:super(type=None, object_or_type=None, /)",
    // (`iterable` and map's arguments are checked by the constructors, with CPython's words)
    "enumerate(iterable=<required>, start=0)",
    "zip(*iterables, strict=False)",
    "map(*args)",
    "filter(function, iterable, /)",
    "E:reversed(sequence, /)",
];

thread_local! {
    /// [`CTOR_SIGS`] parsed, indexed by class id.
    static CTORS: Vec<Option<&'static Sig>> = {
        let mut v = vec![None; vm::CLASS_NAMES.len()];
        for text in CTOR_SIGS {
            let sig = Sig::leak(text, Recv::None);
            let i = vm::CLASS_NAMES.iter().position(|&n| n == sig.name).unwrap();
            v[i] = Some(sig);
        }
        v
    };
}

/// The constructor signature of built-in class number `id`, if it has one.
pub(crate) fn ctor_sig(id: usize) -> Option<&'static Sig> {
    CTORS.with(|v| v[id])
}

/// The full constructor check: `Some(instance)` when arguments came by keyword and were
/// rearranged (the instance is built from those), `None` to go on with `a`. Out of line for
/// the reason given at [`Sig::call_slow`].
#[inline(never)]
fn ctor_check_slow(sig: &Sig, name: &str, a: Args) -> PyResult<Option<Value>> {
    let rest = Args {
        pos: &a.pos[1..],
        kwnames: a.kwnames,
        kwvals: a.kwvals,
    };
    let Some(m) = sig.check_slow(name, &rest)? else {
        return Ok(None);
    };
    let mut pos = ArgVec::from_slice(&a.pos[..1]);
    pos.extend_from_slice(&m.pos);
    builtin_new(Args {
        pos: &pos,
        kwnames: &m.kwnames,
        kwvals: &m.kwvals,
    })
    .map(Some)
}

pub(crate) fn builtin_new(a: Args) -> PyResult<Value> {
    let c = as_class(a.pos[0]).unwrap();
    // find the built-in class this constructor belongs to
    let mut id = None;
    for &m in as_tuple(c.mro.get()).unwrap().as_slice() {
        let mc = as_class(m).unwrap();
        if mc.flags.get() & CF_BUILTIN != 0 {
            for (i, _) in vm::CLASS_NAMES.iter().enumerate() {
                if Gc::ptr_eq(vm().classes[i].get(), mc) {
                    id = Some(i);
                    break;
                }
            }
            break;
        }
    }
    let rest = Args {
        pos: &a.pos[1..],
        kwnames: a.kwnames,
        kwvals: a.kwvals,
    };
    let exact = c.flags.get() & CF_BUILTIN != 0;
    let name = vm::CLASS_NAMES[id.unwrap_or(0)];
    // subclasses may take other arguments (their own `__init__`): only exact classes check
    if let Some(sig) = ctor_sig(id.unwrap_or(0)).filter(|_| exact) {
        if !sig.fits_fast(&rest) {
            if let Some(v) = ctor_check_slow(sig, name, a)? {
                return Ok(v);
            }
        }
    }
    if !exact {
        // `type.__new__(M, name, bases, ns)` for a Python metaclass M builds a real class
        if name == "type" && rest.pos.len() == 3 {
            let ns = as_dict(rest.pos[2])
                .ok_or_else(|| type_error("type.__new__() argument 3 must be dict"))?;
            return new_class_kw(c, rest.pos[0], rest.pos[1], ns, rest.kwnames, rest.kwvals);
        }
        return object_new(a);
    }
    match name {
        "int" => new_int_from(rest),
        "bool" => Ok(Value::bool(match rest.pos.first() {
            Some(&v) => truthy(v)?,
            None => false,
        })),
        "float" => new_float_from(rest),
        "complex" => crate::objects::complex::new_complex_from(rest),
        "str" => new_str_from(rest),
        "bytes" => new_bytes_from(rest, false),
        "bytearray" => new_bytes_from(rest, true),
        "list" => crate::objects::list::new_list_from_args(rest),
        "tuple" => new_tuple_from(rest),
        "dict" => crate::objects::dict::new_dict_from(rest),
        "set" => crate::objects::set::new_set_from(rest),
        "frozenset" => new_frozenset(rest),
        "range" => crate::objects::range::new_range_from(rest),
        "slice" => crate::objects::slice::new_slice_from(rest),
        "object" => object_new(a),
        "type" => {
            if rest.pos.len() == 1 {
                return Ok(Value::obj(type_of(rest.pos[0])));
            }
            if rest.pos.len() != 3 {
                return Err(type_error("type() takes 1 or 3 arguments"));
            }
            let ns = as_dict(rest.pos[2])
                .ok_or_else(|| type_error("type.__new__() argument 3 must be dict"))?;
            new_class(c, rest.pos[0], rest.pos[1], ns)
        }
        "property" => crate::objects::property::new_property_from(rest),
        "classmethod" => Ok(crate::objects::property::new_wrapper(
            Kind::ClassMethod,
            rest.pos[0],
        )),
        "staticmethod" => Ok(crate::objects::property::new_wrapper(
            Kind::StaticMethod,
            rest.pos[0],
        )),
        "super" => bi_super(rest),
        "enumerate" | "zip" | "map" | "filter" | "reversed" => {
            let (_, f) = crate::objects::iter::direct_ctor(c).unwrap();
            f(rest)
        }
        // types.ModuleType(name, doc=None)
        "module" => crate::objects::module::new_module_from(rest),
        // types.MethodType(function, instance)
        "method" => crate::objects::method::new_bound_from(rest),
        "NoneType" if rest.pos.is_empty() => Ok(Value::NONE),
        // types.TracebackType(tb_next, tb_frame, tb_lasti, tb_lineno)
        "traceback" => crate::objects::traceback::new_traceback_from(rest),
        _ => {
            if vm::is_subclass(c, cls(C::BaseException)) {
                return object_new(a);
            }
            Err(type_error(format!("cannot create '{name}' instances")))
        }
    }
}

fn bi_super(a: Args) -> PyResult<Value> {
    let (tcls, obj) = if !a.pos.is_empty() {
        // `super(cls)` (unbound) or `super(cls, obj)`; `super(cls, None)` is unbound too
        let obj = a.pos.get(1).copied().unwrap_or(Value::NULL);
        (a.pos[0], if obj.is_none() { Value::NULL } else { obj })
    } else {
        let f = interpreter::current_frame()
            .ok_or_else(|| vm::runtime_error("super(): no current frame"))?;
        let d = &f.code.d;
        let nl = d.varnames.len();
        let idx = d
            .cellvars
            .iter()
            .position(|c| c == "__class__")
            .or_else(|| {
                d.freevars
                    .iter()
                    .position(|c| c == "__class__")
                    .map(|i| i + d.cellvars.len())
            });
        let Some(idx) = idx else {
            return Err(vm::runtime_error("super(): __class__ cell not found"));
        };
        let c = as_cell(f.regs.get(nl + idx)).unwrap().v.get();
        if d.argcount == 0 && d.flags & CO_VARARGS == 0 {
            return Err(vm::runtime_error("super(): no arguments"));
        }
        let mut first = f.regs.get(0);
        if let Some(ci) = d.cell_args.iter().position(|x| *x == Some(0)) {
            first = as_cell(f.regs.get(nl + ci)).unwrap().v.get();
        }
        if first.is_null() && d.flags & CO_VARARGS != 0 {
            first = as_tuple(f.regs.get(d.argcount as usize + d.kwonly as usize))
                .and_then(|t| t.as_slice().first().copied())
                .unwrap_or(Value::NULL);
        }
        (c, first)
    };
    new_super(tcls, obj)
}

/// A `super` object for class `tcls` and `obj` (NULL: unbound), with CPython's checks.
fn new_super(tcls: Value, obj: Value) -> PyResult<Value> {
    let Some(start) = as_class(tcls) else {
        return Err(type_error(format!(
            "super() argument 1 must be a type, not {}",
            vm::type_name(tcls)
        )));
    };
    let obj_type = if obj.is_null() {
        Value::NULL
    } else {
        Value::obj(super_check(start, obj)?)
    };
    Ok(Value::obj(gc::alloc(SuperObj {
        kind: Kind::Super,
        cls: tcls,
        obj,
        obj_type,
    })))
}

/// The class whose MRO `super(start, obj)` searches (CPython's `supercheck`): `obj` itself
/// when it is a subclass of `start`, else `type(obj)` (or `obj.__class__`) when that is one.
fn super_check(start: Gc<ClassObj>, obj: Value) -> PyResult<Gc<ClassObj>> {
    if let Some(c) = as_class(obj) {
        if vm::is_subclass(c, start) {
            return Ok(c);
        }
    }
    let t = type_of(obj);
    if vm::is_subclass(t, start) {
        return Ok(t);
    }
    if let Some(c) = ops::getattr_opt(obj, intern("__class__"))?.and_then(as_class) {
        if vm::is_subclass(c, start) {
            return Ok(c);
        }
    }
    Err(type_error(
        "super(type, obj): obj must be an instance or subtype of type",
    ))
}

/// `super.__get__(instance, owner)`: an unbound `super(cls)` bound to `instance`; a bound
/// one, or a lookup on the class (`instance` None), is itself.
fn super_get(a: Args) -> PyResult<Value> {
    let s = as_super(a.pos[0]).unwrap();
    let inst = a.pos[1];
    if inst.is_none() || !s.obj.is_null() {
        return Ok(a.pos[0]);
    }
    new_super(s.cls, inst)
}

/// The attributes of a `super` object's layout: `__thisclass__`, `__self__`,
/// `__self_class__` (None when unbound).
pub(crate) fn super_attr(s: Gc<SuperObj>, n: &str) -> PyResult<Option<Value>> {
    let or_none = |v: Value| if v.is_null() { Value::NONE } else { v };
    Ok(match n {
        "__thisclass__" => Some(s.cls),
        "__self__" => Some(or_none(s.obj)),
        "__self_class__" => Some(or_none(s.obj_type)),
        _ => None,
    })
}

/// `repr` of a `super` object, as CPython: `<super: <class 'B'>, <B object>>`, or
/// `<super: <class 'B'>, NULL>` when unbound.
pub(crate) fn super_repr(s: Gc<SuperObj>) -> String {
    let name = |c: Value| as_class(c).map(vm::class_name).unwrap_or_default();
    match s.obj_type.is_null() {
        true => format!("<super: <class '{}'>, NULL>", name(s.cls)),
        false => format!(
            "<super: <class '{}'>, <{} object>>",
            name(s.cls),
            name(s.obj_type)
        ),
    }
}

/// Attribute lookup through a `super` object.
pub fn super_getattr(s: Gc<SuperObj>, name: Value) -> PyResult<Option<Value>> {
    let start = as_class(s.cls).ok_or_else(|| type_error("super() argument 1 must be a type"))?;
    let obj = s.obj;
    // an unbound super finds only its own attributes (`__get__`, `__thisclass__`, ...)
    let Some(owner) = as_class(s.obj_type) else {
        return Ok(None);
    };
    if str_eq(name, "__class__") {
        return Ok(None);
    }
    let is_class = obj == s.obj_type;
    let mro = as_tuple(owner.mro.get()).unwrap();
    let mut found = false;
    for &k in mro.as_slice() {
        if found {
            let kc = as_class(k).unwrap();
            if let Some(d) = kc.dict.get(name)? {
                return Ok(Some(match d.kind() {
                    Some(Kind::Function) | Some(Kind::Builtin) if ops::binds_as_method(d) => {
                        if is_class {
                            d
                        } else {
                            new_bound(d, obj)
                        }
                    }
                    Some(Kind::ClassMethod) => {
                        new_bound(as_classmethod(d).unwrap().f, Value::obj(owner))
                    }
                    Some(Kind::StaticMethod) => as_staticmethod(d).unwrap().f,
                    Some(Kind::Property) if !is_class => {
                        let p = as_property(d).unwrap();
                        call(p.fget, &[obj])?
                    }
                    _ => d,
                }));
            }
        } else if k == Value::obj(start) {
            found = true;
        }
    }
    Ok(None)
}

/// `repr` of a class without a metaclass `__repr__`: `<class 'MODULE.QUALNAME'>`, or
/// `<class 'NAME'>` for the built-in classes.
pub(crate) fn class_repr(c: Gc<ClassObj>) -> PyResult<String> {
    let module = c.dict.get_str("__module__");
    let qual = c.dict.get_str("__qualname__").unwrap_or(c.name.get());
    Ok(match module {
        Some(m) if !str_eq(m, "builtins") => {
            format!("<class '{}.{}'>", ops::str_of(m)?, ops::str_of(qual)?)
        }
        _ => format!("<class '{}'>", ops::str_of(c.name.get())?),
    })
}

// ---------------------------------------------------------------- match support

pub fn match_class(subj: Value, c: Value, kw: Value, npos: usize) -> PyResult<Value> {
    let Some(cc) = as_class(c) else {
        return Err(type_error("called match pattern must be a class"));
    };
    if !vm::is_subclass(type_of(subj), cc) {
        return Ok(Value::NONE);
    }
    let mut out = ArgVec::new();
    if npos > 0 {
        match ops::lookup_type(cc, "__match_args__") {
            Some(ma) => {
                let names = seq_items(ma)?;
                if npos > names.len() {
                    return Err(type_error(format!(
                        "{}() accepts {} positional sub-patterns ({} given)",
                        vm::class_name(cc),
                        names.len(),
                        npos
                    )));
                }
                for &n in &names[..npos] {
                    match ops::getattr_opt(subj, n)? {
                        Some(v) => out.push(v),
                        None => return Ok(Value::NONE),
                    }
                }
            }
            None => {
                if cc.flags.get() & CF_BUILTIN != 0 && npos == 1 {
                    out.push(subj);
                } else {
                    return Err(type_error(format!(
                        "{}() accepts 0 positional sub-patterns ({} given)",
                        vm::class_name(cc),
                        npos
                    )));
                }
            }
        }
    }
    for &k in as_tuple(kw).unwrap().as_slice() {
        match ops::getattr_opt(subj, k)? {
            Some(v) => out.push(v),
            None => return Ok(Value::NONE),
        }
    }
    Ok(new_tuple(&out))
}

/// Every `__new__`: the receiver is the class to build (a subclass of the registering one);
/// the rest is checked by the constructor's own signature ([`ctor_sig`]).
const NEW_SIG: &str = "__new__(*args, **kwargs)";

/// Puts `__new__` (a static method over [`builtin_new`], or [`object_new`] for `object` and
/// `BaseException`) in the dict of every built-in class.
pub(crate) fn install_constructors() {
    for (i, _) in vm::CLASS_NAMES.iter().enumerate() {
        let c = vm().classes[i].get();
        let id = vm::class_id(i);
        c.dict.set_str(
            "__new__",
            Value::obj(gc::alloc(WrapperObj {
                kind: Kind::StaticMethod,
                f: new_builtin_sig(
                    qualify(id, "__new__"),
                    Sig::leak(NEW_SIG, Recv::Class(id)),
                    builtin_new,
                ),
            })),
        );
    }
    for (c, f) in [
        (C::object, object_new as NativeFn),
        (C::BaseException, object_new),
        (C::OSError, oserror_new),
    ] {
        cls(c).dict.set_str(
            "__new__",
            Value::obj(gc::alloc(WrapperObj {
                kind: Kind::StaticMethod,
                f: new_builtin_sig(qualify(c, "__new__"), Sig::leak(NEW_SIG, Recv::Class(c)), f),
            })),
        );
    }
}

/// The methods of `type`.
/// The methods of `super`: `__get__` (binding an unbound `super(cls)`); attribute lookup
/// through a `super` object is [`super_getattr`], its other attributes [`super_attr`].
pub(crate) static SUPER_METHODS: &[Method] = &[m("__get__(instance, owner=None, /)", super_get)];

pub(crate) static TYPE_METHODS: &[Method] = &[
    m("mro()", |a| {
        let c = as_class(a.pos[0]).unwrap();
        Ok(new_list_from(as_tuple(c.mro.get()).unwrap().as_slice()))
    }),
    m("__subclasses__()", |a| {
        let c = a.pos[0];
        let out = new_list_cap(4);
        let all = all_classes();
        for i in 0..all.len() {
            let k = all.get(i);
            if let Some(kc) = as_class(k) {
                if as_tuple(kc.bases.get()).is_some_and(|b| b.as_slice().contains(&c)) {
                    out.push(k);
                }
            }
        }
        Ok(Value::obj(out))
    }),
    m("__call__(*args, **kwargs)", |a| {
        let c = as_class(a.pos[0]).ok_or_else(|| type_error("type.__call__ needs a class"))?;
        construct_plain(
            c,
            Args {
                pos: &a.pos[1..],
                kwnames: a.kwnames,
                kwvals: a.kwvals,
            },
        )
    }),
];

// ---------------------------------------------------------------- attributes

/// The attributes of a class computed from its layout (`__name__`, `__qualname__`, `__mro__`,
/// `__bases__`, `__base__`, `__dict__`, ...); `None` for any other name.
pub(crate) fn class_attr(c: Gc<ClassObj>, n: &str) -> crate::vm::PyResult<Option<Value>> {
    match n {
        "__name__" => return Ok(Some(c.name.get())),
        "__qualname__" => return Ok(Some(c.dict.get_str("__qualname__").unwrap_or(c.name.get()))),
        "__mro__" => return Ok(Some(c.mro.get())),
        "__bases__" => return Ok(Some(c.bases.get())),
        "__base__" => {
            let b = as_tuple(c.bases.get()).unwrap();
            return Ok(Some(b.as_slice().first().copied().unwrap_or(Value::NONE)));
        }
        "__dict__" => return Ok(Some(Value::obj(c.dict))),
        "__doc__" => {
            return Ok(Some(if c.flags.get() & CF_BUILTIN != 0 {
                builtin_type_doc(&vm::class_name(c)).map_or(Value::NONE, new_str)
            } else {
                Value::NONE
            }))
        }
        "__module__" => return Ok(Some(new_str("builtins"))),
        _ => {}
    }
    Ok(None)
}

/// `__doc__` of the built-in types that programs most often read it from (directly or through
/// an instance: `'x'.__doc__ is str.__doc__`). The first lines give the call signatures in
/// CPython's form; the prose is pyguest's own. Other built-in types answer `None`.
fn builtin_type_doc(name: &str) -> Option<&'static str> {
    Some(match name {
        "object" => "The base class of every class. Calling it gives a featureless instance.",
        "type" => {
            "type(object) -> the object's type\ntype(name, bases, dict, **kwds) -> a new type"
        }
        "int" => {
            "int([x]) -> integer\nint(x, base=10) -> integer\n\n\
             Convert a number or a string to an integer; int() is 0."
        }
        "bool" => {
            "bool(x) -> bool\n\n\
             True when x is true (see truth value testing), else False."
        }
        "float" => "Convert a string or number to a floating point number, if possible.",
        "complex" => "Create a complex number from a real part and an optional imaginary part.",
        "str" => {
            "str(object='') -> str\nstr(bytes_or_buffer[, encoding[, errors]]) -> str\n\n\
             Text made from the object: its __str__ (or repr), or the bytes decoded with \
             the encoding (default: sys.getdefaultencoding()) and errors (default 'strict')."
        }
        "bytes" => {
            "bytes(iterable_of_ints) -> bytes\nbytes(string, encoding[, errors]) -> bytes\n\
             bytes(bytes_or_buffer) -> immutable copy of bytes_or_buffer\n\
             bytes(int) -> bytes object of size given by the parameter initialized with null bytes\n\
             bytes() -> empty bytes object\n\nAn immutable sequence of bytes."
        }
        "bytearray" => {
            "bytearray(iterable_of_ints) -> bytearray\n\
             bytearray(string, encoding[, errors]) -> bytearray\n\
             bytearray(bytes_or_buffer) -> mutable copy of bytes_or_buffer\n\
             bytearray(int) -> bytes array of size given by the parameter initialized with null bytes\n\
             bytearray() -> empty bytes array\n\nA mutable sequence of bytes."
        }
        "list" => "A mutable sequence; list() is empty, list(iterable) holds its items.",
        "tuple" => "An immutable sequence; tuple() is empty, tuple(iterable) holds its items.",
        "dict" => {
            "dict() -> new empty dictionary\n\
             dict(mapping) -> new dictionary initialized from a mapping object's (key, value) pairs\n\
             dict(iterable) -> new dictionary initialized from (key, value) pairs\n\
             dict(**kwargs) -> new dictionary initialized with the name=value pairs"
        }
        "set" => "set() -> new empty set object\nset(iterable) -> new set object\n\nAn unordered collection of unique elements.",
        "frozenset" => "frozenset() -> empty frozenset object\nfrozenset(iterable) -> frozenset object\n\nAn immutable unordered collection of unique elements.",
        "range" => "range(stop) -> range object\nrange(start, stop[, step]) -> range object\n\nThe integers from start (inclusive) to stop (exclusive) by step.",
        "slice" => "slice(stop)\nslice(start, stop[, step])\n\nThe indices of a[start:stop:step].",
        "NoneType" | "NotImplementedType" | "ellipsis" => return None,
        "BaseException" => "The base class of every exception.",
        "Exception" => "The base class of the exceptions that do not end the program.",
        _ => return None,
    })
}
