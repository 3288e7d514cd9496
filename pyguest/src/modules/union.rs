//! `X | Y` on classes (PEP 604): the `types.UnionType` objects that `int | str`, `int | None`
//! and `list[int] | None` make, with `__args__`, CPython's repr (`int | str | None`),
//! order-insensitive `==` and `hash`, `|` chaining, and `isinstance`/`issubclass` through
//! `__instancecheck__`/`__subclasscheck__` (which pyguest's `isinstance` consults for
//! objects that are not classes).
//!
//! The arithmetic code calls [`type_or`] for `|` after the operands' own `__or__`/`__ror__`
//! (a metaclass or a typing object defining them still wins), before the built-in numeric
//! and set cases. Operands that can be members: classes, `None` (stored as `NoneType`),
//! unions (flattened) and generic aliases (anything with `__origin__`, e.g. `list[int]`).
//! Duplicate members are dropped (`int | int` is `int`). `types.UnionType` cannot be called,
//! as in CPython.

use super::native_class::{arg, native_class};
use super::*;
use crate::argvec::ArgVec;
use metatracer::gc::Root;

thread_local! {
    static UNION: RefCell<Option<Root<ClassObj>>> = const { RefCell::new(None) };
}

fn union_class() -> Gc<ClassObj> {
    if let Some(c) = UNION.with(|u| u.borrow().as_ref().map(|r| r.get())) {
        return c;
    }
    let methods: &[(&'static str, NativeFn)] = &[
        ("__new__", |_| {
            Err(type_error("cannot create 'types.UnionType' instances"))
        }),
        ("__repr__", union_repr),
        ("__or__", |a| {
            let (x, y) = (
                arg(&a, 0, "self", "__or__")?,
                arg(&a, 1, "other", "__or__")?,
            );
            type_or(x, y).unwrap_or(Ok(Value::NOT_IMPLEMENTED))
        }),
        ("__ror__", |a| {
            let (x, y) = (
                arg(&a, 0, "self", "__ror__")?,
                arg(&a, 1, "other", "__ror__")?,
            );
            type_or(y, x).unwrap_or(Ok(Value::NOT_IMPLEMENTED))
        }),
        ("__eq__", union_eq),
        ("__hash__", union_hash),
        ("__instancecheck__", |a| member_check(a, "isinstance")),
        ("__subclasscheck__", |a| member_check(a, "issubclass")),
    ];
    let c = native_class("types", "UnionType", methods, &[]);
    UNION.with(|u| *u.borrow_mut() = Some(Root::new(c)));
    c
}

fn is_union(v: Value) -> bool {
    as_instance(v).is_some_and(|i| Gc::ptr_eq(i.cls.get(), union_class()))
}

fn args_of(u: Value) -> ArgVec {
    as_instance(u)
        .and_then(|i| ops::instance_get(i, vm::intern("__args__")))
        .and_then(as_tuple)
        .map(|t| ArgVec::from_slice(t.as_slice()))
        .unwrap_or_default()
}

/// Whether `v` can be a member of a union, and its members (a union gives several).
fn members(v: Value) -> PyResult<Option<ArgVec>> {
    if v.is_none() {
        return Ok(Some(ArgVec::from_slice(&[Value::obj(vm::type_of(
            Value::NONE,
        ))])));
    }
    if as_class(v).is_some() {
        return Ok(Some(ArgVec::from_slice(&[v])));
    }
    if is_union(v) {
        return Ok(Some(args_of(v)));
    }
    if ops::getattr_opt(v, vm::intern("__origin__"))?.is_some() {
        return Ok(Some(ArgVec::from_slice(&[v])));
    }
    Ok(None)
}

/// `a | b` when both sides can be union members (None otherwise: not ours).
pub fn type_or(a: Value, b: Value) -> Option<PyResult<Value>> {
    if !(as_class(a).is_some() || as_class(b).is_some() || is_union(a) || is_union(b)) {
        return None;
    }
    let (ma, mb) = match (members(a), members(b)) {
        (Ok(Some(x)), Ok(Some(y))) => (x, y),
        (Err(e), _) | (_, Err(e)) => return Some(Err(e)),
        _ => return None,
    };
    let mut all = ArgVec::new();
    for v in ma.into_iter().chain(mb) {
        let mut dup = false;
        for &w in &all {
            match ops::eq(v, w) {
                Ok(true) => dup = true,
                Ok(false) => {}
                Err(e) => return Some(Err(e)),
            }
        }
        if !dup {
            all.push(v);
        }
    }
    if all.len() == 1 {
        return Some(Ok(all[0]));
    }
    let inst = crate::objects::class::alloc_instance(union_class());
    ops::instance_set(inst, vm::intern("__args__"), new_tuple(&all));
    ops::instance_set(inst, vm::intern("__parameters__"), new_tuple(&[]));
    Some(Ok(Value::obj(inst)))
}

fn member_repr(v: Value) -> PyResult<String> {
    if v == Value::obj(vm::type_of(Value::NONE)) {
        return Ok("None".into());
    }
    if let Some(c) = as_class(v) {
        if ops::getattr_opt(v, vm::intern("__origin__"))?.is_none() {
            let qual = ops::getattr_opt(v, vm::intern("__qualname__"))?
                .map(ops::str_of)
                .transpose()?
                .unwrap_or_else(|| vm::class_name(c));
            let module = c
                .dict
                .get_str("__module__")
                .map(ops::str_of)
                .transpose()?
                .unwrap_or_default();
            return Ok(if module == "builtins" || module.is_empty() {
                qual
            } else {
                format!("{module}.{qual}")
            });
        }
    }
    ops::repr(v)
}

fn union_repr(a: Args) -> PyResult<Value> {
    let u = arg(&a, 0, "self", "__repr__")?;
    let parts: Vec<String> = args_of(u)
        .into_iter()
        .map(member_repr)
        .collect::<PyResult<_>>()?;
    Ok(new_string(parts.join(" | ")))
}

fn union_eq(a: Args) -> PyResult<Value> {
    let (x, y) = (
        arg(&a, 0, "self", "__eq__")?,
        arg(&a, 1, "other", "__eq__")?,
    );
    if !is_union(y) {
        return Ok(Value::NOT_IMPLEMENTED);
    }
    let (ax, ay) = (args_of(x), args_of(y));
    let contains = |set: &[Value], v: Value| -> PyResult<bool> {
        for &w in set {
            if ops::eq(v, w)? {
                return Ok(true);
            }
        }
        Ok(false)
    };
    for &v in &ax {
        if !contains(&ay, v)? {
            return Ok(Value::FALSE);
        }
    }
    for &v in &ay {
        if !contains(&ax, v)? {
            return Ok(Value::FALSE);
        }
    }
    Ok(Value::TRUE)
}

fn union_hash(a: Args) -> PyResult<Value> {
    let u = arg(&a, 0, "self", "__hash__")?;
    let b = vm().builtins.get();
    let frozen = b
        .get_str("frozenset")
        .ok_or_else(|| type_error("no frozenset"))?;
    let hash = b.get_str("hash").ok_or_else(|| type_error("no hash"))?;
    let f = ops::call(frozen, &[new_tuple(&args_of(u))])?;
    ops::call(hash, &[f])
}

/// `isinstance(obj, union)` / `issubclass(cls, union)`: any member matches.
fn member_check(a: Args, which: &str) -> PyResult<Value> {
    let u = arg(&a, 0, "self", which)?;
    let obj = arg(&a, 1, "instance", which)?;
    let check = vm()
        .builtins
        .get()
        .get_str(which)
        .ok_or_else(|| type_error("no isinstance"))?;
    let args = args_of(u);
    for &m in &args {
        if as_class(m).is_none() {
            return Err(type_error(format!(
                "{which}() argument 2 cannot be a parameterized generic"
            )));
        }
    }
    for m in args {
        if ops::truthy(ops::call(check, &[obj, m])?)? {
            return Ok(Value::TRUE);
        }
    }
    Ok(Value::FALSE)
}
