//! Bound methods: a callable and the receiver to pass as its first argument.

use crate::value::{Kind, Value};
use metatracer::gc::{self, Gc};
use metatracer::Trace;

#[repr(C)]
#[derive(Trace)]
pub struct BoundMethodObj {
    pub kind: Kind,
    pub func: Value,
    pub slf: Value,
}

downcast!(as_bound, BoundMethodObj, BoundMethod);

pub fn new_bound(func: Value, slf: Value) -> Value {
    Value::obj(gc::alloc(BoundMethodObj {
        kind: Kind::BoundMethod,
        func,
        slf,
    }))
}
