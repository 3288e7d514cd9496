//! `range`: the object layout (start, stop, step as machine ints) and the methods of the
//! type. `FOR_ITER` iterates ranges inline; the constructor is in `objects/class.rs`
//! (`builtin_new`), iteration in `objects/iter.rs`.

use crate::value::{Kind, Value};
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
