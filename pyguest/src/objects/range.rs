//! `range`: the object layout (start, stop, step as machine ints), its length (`range_len`),
//! the methods of the type and its equality, repr and attribute slots. `FOR_ITER` iterates
//! ranges inline; the constructor is in `objects/class.rs` (`builtin_new`), iteration in
//! `objects/iter.rs`.

use crate::objects::native::{m, Method};
use crate::objects::ops::{self, int_of};
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::value_error;
use metatracer::gc::Gc;
use metatracer::Trace;

#[repr(C)]
#[derive(Trace)]
pub struct RangeObj {
    pub kind: Kind,
    pub start: i64,
    pub stop: i64,
    pub step: i64,
}

downcast!(as_range, RangeObj, Range);

/// The number of values a range produces (0 when the bounds are in the wrong order).
pub fn range_len(r: Gc<RangeObj>) -> i64 {
    if r.step > 0 {
        if r.stop > r.start {
            (r.stop - r.start - 1) / r.step + 1
        } else {
            0
        }
    } else if r.start > r.stop {
        (r.start - r.stop - 1) / (-r.step) + 1
    } else {
        0
    }
}

/// The methods of `range`.
pub(crate) static METHODS: &[Method] = &[
    m("index(x, /)", |a| {
        let r = as_range(a.pos[0]).unwrap();
        if !ops::contains(a.pos[0], a.pos[1])? {
            return Err(value_error(format!(
                "{} is not in range",
                ops::repr(a.pos[1])?
            )));
        }
        Ok(new_int((int_of(a.pos[1]).unwrap() - r.start) / r.step))
    }),
    m("count(x, /)", |a| {
        Ok(Value::small(ops::contains(a.pos[0], a.pos[1])? as i64))
    }),
];

// ---------------------------------------------------------------- comparison, repr

/// `a == b` / `a != b` for two ranges: equal when they produce the same sequence (so all
/// empty ranges are equal, and the step of a one-item range does not matter); ranges have no
/// ordering (`NotImplemented`).
pub(crate) fn range_compare(a: Gc<RangeObj>, b: Gc<RangeObj>, op: u32) -> Value {
    if op != 2 && op != 3 {
        return Value::NOT_IMPLEMENTED;
    }
    let (la, lb) = (range_len(a), range_len(b));
    let e = la == lb && (la == 0 || (a.start == b.start && (la == 1 || a.step == b.step)));
    Value::bool(e == (op == 2))
}

/// `repr` of a range: `range(0, 10)`, with the step only when it is not 1.
pub(crate) fn range_repr(r: &RangeObj, out: &mut String) {
    if r.step == 1 {
        out.push_str(&format!("range({}, {})", r.start, r.stop));
    } else {
        out.push_str(&format!("range({}, {}, {})", r.start, r.stop, r.step));
    }
}

// ---------------------------------------------------------------- attributes

/// The attributes of a range (`start`, `stop`, `step`).
pub(crate) fn range_attr(r: Gc<RangeObj>, n: &str) -> crate::vm::PyResult<Option<Value>> {
    match n {
        "start" => return Ok(Some(new_int(r.start))),
        "stop" => return Ok(Some(new_int(r.stop))),
        "step" => return Ok(Some(new_int(r.step))),
        _ => {}
    }
    Ok(None)
}
