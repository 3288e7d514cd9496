//! `property`, `classmethod` and `staticmethod`: the descriptor layouts, the methods of
//! `property` (`getter`, `setter`, `deleter`, `__get__`, `__set__`) and the attributes of all
//! three (`fget`, `__func__`, ...). How descriptors are applied on attribute access is
//! `objects/ops/attr.rs`.

use crate::objects::native::arg_or_kw;
use crate::objects::native::{m, Method};
use crate::objects::ops;
use crate::objects::ops::call;
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::{intern, PyResult};
use metatracer::gc::{self, Gc, GcCell};
use metatracer::Trace;

#[repr(C)]
#[derive(Trace)]
pub struct PropertyObj {
    pub kind: Kind,
    pub fget: Value,
    pub fset: Value,
    pub fdel: Value,
    /// Writable, as CPython's (`namedtuple` field docs are assigned after creation).
    pub doc: GcCell<Value>,
}

#[repr(C)]
#[derive(Trace)]
pub struct WrapperObj {
    pub kind: Kind,
    pub f: Value,
}

downcast!(as_property, PropertyObj, Property);
downcast!(as_classmethod, WrapperObj, ClassMethod);
downcast!(as_staticmethod, WrapperObj, StaticMethod);

/// A copy of property `a.pos[0]` with accessor `which` (0 get, 1 set, 2 delete) replaced.
fn prop_with(a: &Args, which: usize) -> PyResult<Value> {
    let p = as_property(a.pos[0]).unwrap();
    let mut f = [p.fget, p.fset, p.fdel];
    f[which] = a.pos[1];
    Ok(Value::obj(gc::alloc(PropertyObj {
        kind: Kind::Property,
        fget: f[0],
        fset: f[1],
        fdel: f[2],
        doc: GcCell::new(p.doc.get()),
    })))
}

/// `property(fget=None, fset=None, fdel=None, doc=None)`: the doc defaults to the getter's.
pub(crate) fn new_property_from(rest: Args) -> PyResult<Value> {
    let g = |i: usize, n: &str| arg_or_kw(&rest, i, n).unwrap_or(Value::NULL);
    let doc = g(3, "doc");
    let fget = g(0, "fget");
    let doc = if doc.is_null() && !fget.is_null() && !fget.is_none() {
        ops::getattr_opt(fget, intern("__doc__"))
            .ok()
            .flatten()
            .unwrap_or(Value::NONE)
    } else if doc.is_null() {
        Value::NONE
    } else {
        doc
    };
    Ok(Value::obj(gc::alloc(PropertyObj {
        kind: Kind::Property,
        fget,
        fset: g(1, "fset"),
        fdel: g(2, "fdel"),
        doc: GcCell::new(doc),
    })))
}

/// A `classmethod` or `staticmethod` (`kind`) wrapping `f`.
pub(crate) fn new_wrapper(kind: Kind, f: Value) -> Value {
    Value::obj(gc::alloc(WrapperObj { kind, f }))
}

/// The methods of `property`.
pub(crate) static METHODS: &[Method] = &[
    m("getter(x, /)", |a| prop_with(&a, 0)),
    m("setter(x, /)", |a| prop_with(&a, 1)),
    m("deleter(x, /)", |a| prop_with(&a, 2)),
    m("W:__get__(instance, owner=None, /)", |a| {
        let p = as_property(a.pos[0]).unwrap();
        if a.pos.get(1).is_none_or(|v| v.is_none()) {
            return Ok(a.pos[0]);
        }
        call(p.fget, &[a.pos[1]])
    }),
    m("W:__set__(instance, value, /)", |a| {
        let p = as_property(a.pos[0]).unwrap();
        call(p.fset, &[a.pos[1], a.pos[2]])?;
        Ok(Value::NONE)
    }),
];

// ---------------------------------------------------------------- attributes

/// The attributes of a property (`fget`, `fset`, `fdel`, `__doc__`).
pub(crate) fn property_attr(p: Gc<PropertyObj>, n: &str) -> crate::vm::PyResult<Option<Value>> {
    match n {
        "fget" => return Ok(Some(p.fget)),
        "fset" => {
            return Ok(Some(if p.fset.is_null() {
                Value::NONE
            } else {
                p.fset
            }))
        }
        "fdel" => {
            return Ok(Some(if p.fdel.is_null() {
                Value::NONE
            } else {
                p.fdel
            }))
        }
        "__doc__" => return Ok(Some(p.doc.get())),
        _ => {}
    }
    Ok(None)
}

/// The attributes of a classmethod or staticmethod: `__func__`, and any other the wrapped
/// function has.
pub(crate) fn wrapper_attr(
    w: Gc<WrapperObj>,
    n: &str,
    name: Value,
) -> crate::vm::PyResult<Option<Value>> {
    if n == "__func__" {
        return Ok(Some(w.f));
    }
    crate::objects::ops::getattr_opt(w.f, name)
}

/// The methods of `classmethod` and `staticmethod`: none are native; `__func__` and the
/// wrapped function's attributes come from [`wrapper_attr`], binding from
/// `objects/ops/attr.rs` `bind_descr`.
pub(crate) static WRAPPER_METHODS: &[Method] = &[];
