//! `int` (and `bool`, whose values are the immediates `True`/`False`): the big-int layout
//! (small ints are unboxed in the `Value` word, see `value.rs`), constructors that normalise
//! to the small form when a value fits, `int(...)` parsing and the methods of the type.
//! Operators are in `objects/ops/arith.rs`.

use crate::value::{Kind, Value};
use metatracer::gc::{self, Gc};
use metatracer::Trace;
use num_bigint::BigInt;

#[repr(C)]
#[derive(Trace)]
pub struct BigIntObj {
    pub kind: Kind,
    #[gc(no_trace)]
    pub v: BigInt,
}

downcast!(as_bigint, BigIntObj, BigInt);

/// An int value: small when it fits, else a big int.
#[inline]
pub fn new_int(i: i64) -> Value {
    if Value::fits_small(i) {
        Value::small(i)
    } else {
        new_bigint_raw(BigInt::from(i))
    }
}

fn new_bigint_raw(v: BigInt) -> Value {
    // The digits live on the Rust heap: tell the collector how much memory this object owns.
    let external = (v.bits() / 8) as usize;
    let obj = Value::obj(gc::alloc(BigIntObj {
        kind: Kind::BigInt,
        v,
    }));
    if external > 64 {
        gc::add_memory_pressure(external);
    }
    obj
}

/// Normalizes a big int: small when it fits.
pub fn new_bigint(v: BigInt) -> Value {
    use num_traits::ToPrimitive;
    if let Some(i) = v.to_i64() {
        if Value::fits_small(i) {
            return Value::small(i);
        }
    }
    new_bigint_raw(v)
}
