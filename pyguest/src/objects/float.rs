//! `float`: the object layout, the constructor (string parsing with CPython's rules), the
//! methods of the type, and float-to-int rounding helpers. Operators are in
//! `objects/ops/arith.rs`, repr and format specs in `objects/format.rs`.

use crate::value::{Kind, Value};
use metatracer::gc::{self, Gc};
use metatracer::Trace;

#[repr(C)]
#[derive(Trace, metatracer::Layout)]
pub struct FloatObj {
    pub kind: Kind,
    pub v: f64,
}

downcast!(as_float_obj, FloatObj, Float);

pub fn new_float(v: f64) -> Value {
    Value::obj(gc::alloc(FloatObj {
        kind: Kind::Float,
        v,
    }))
}
