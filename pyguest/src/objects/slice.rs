//! `slice`: the object layout and the methods of the type. Resolving a slice against a
//! length is `ops::slice_indices` (`objects/ops/container.rs`), shared by every sequence.

use crate::value::{Kind, Value};
use metatracer::gc::Gc;
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
