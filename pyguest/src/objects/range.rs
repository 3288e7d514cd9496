//! `range`: the object layout (start, stop, step as machine ints) and the methods of the
//! type. `FOR_ITER` iterates ranges inline; the constructor is in `objects/class.rs`
//! (`builtin_new`), iteration in `objects/iter.rs`.

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
