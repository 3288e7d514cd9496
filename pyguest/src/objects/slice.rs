//! `slice`: the object layout, the methods of the type and its repr and attribute slots.
//! Resolving a slice against a length is `ops::slice_indices` (`objects/ops/container.rs`),
//! shared by every sequence.

use crate::objects::native::{m, Method};
use crate::objects::ops::{self, index_of};
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::{value_error, PyResult};
use metatracer::gc::{self, Gc};
use metatracer::Trace;

#[repr(C)]
#[derive(Trace)]
pub struct SliceObj {
    pub kind: Kind,
    pub start: Value,
    pub stop: Value,
    pub step: Value,
}

downcast!(as_slice, SliceObj, Slice);

/// `slice(stop)`, `slice(start, stop[, step])`.
pub(crate) fn new_slice_from(rest: Args) -> PyResult<Value> {
    let p = rest.pos;
    let (a0, b0, c0) = match p.len() {
        1 => (Value::NONE, p[0], Value::NONE),
        2 => (p[0], p[1], Value::NONE),
        _ => (p[0], p[1], p[2]),
    };
    Ok(Value::obj(gc::alloc(SliceObj {
        kind: Kind::Slice,
        start: a0,
        stop: b0,
        step: c0,
    })))
}

/// The methods of `slice`.
pub(crate) static METHODS: &[Method] = &[m("indices(x, /)", |a| {
    let s = as_slice(a.pos[0]).unwrap();
    let len = usize::try_from(index_of(a.pos[1])?)
        .map_err(|_| value_error("length should not be negative"))?;
    let (st, sp, step, _) = ops::slice_indices(s, len)?;
    Ok(new_tuple(&[new_int(st), new_int(sp), new_int(step)]))
})];

/// `repr` of a slice: `slice(start, stop, step)`, each part by its own repr.
pub(crate) fn slice_repr(s: &SliceObj, out: &mut String) -> crate::vm::PyResult<()> {
    out.push_str("slice(");
    ops::repr_into(s.start, out)?;
    out.push_str(", ");
    ops::repr_into(s.stop, out)?;
    out.push_str(", ");
    ops::repr_into(s.step, out)?;
    out.push(')');
    Ok(())
}

// ---------------------------------------------------------------- attributes

/// The attributes of a slice (`start`, `stop`, `step`).
pub(crate) fn slice_attr(s: Gc<SliceObj>, n: &str) -> crate::vm::PyResult<Option<Value>> {
    match n {
        "start" => return Ok(Some(s.start)),
        "stop" => return Ok(Some(s.stop)),
        "step" => return Ok(Some(s.step)),
        _ => {}
    }
    Ok(None)
}
