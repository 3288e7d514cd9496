//! `complex`: the object layout, the constructor's string parsing and the methods of the
//! type. Operators are in `objects/ops/arith.rs`.

use crate::value::{Kind, Value};
use metatracer::gc::{self, Gc};
use metatracer::Trace;

#[repr(C)]
#[derive(Trace)]
pub struct ComplexObj {
    pub kind: Kind,
    pub re: f64,
    pub im: f64,
}

downcast!(as_complex, ComplexObj, Complex);

pub fn new_complex(re: f64, im: f64) -> Value {
    Value::obj(gc::alloc(ComplexObj {
        kind: Kind::Complex,
        re,
        im,
    }))
}
