//! `tuple`: the object layout (an immutable GC array), constructors, accessors and the
//! methods of the type.

use crate::objects::*;
use crate::value::{Kind, Value};
use metatracer::gc::{self, Array, Gc};
use metatracer::Trace;

#[repr(C)]
#[derive(Trace)]
pub struct TupleObj {
    pub kind: Kind,
    pub items: Gc<Array<Value>>,
}

downcast!(as_tuple_exact, TupleObj, Tuple);

pub fn as_tuple(v: Value) -> Option<Gc<TupleObj>> {
    as_tuple_exact(payload(v))
}

pub fn new_tuple(items: &[Value]) -> Value {
    let arr = gc::alloc_array_from_slice(items);
    Value::obj(gc::alloc(TupleObj {
        kind: Kind::Tuple,
        items: arr,
    }))
}

impl TupleObj {
    #[inline]
    pub fn as_slice(&self) -> &[Value] {
        self.items.as_slice()
    }
    #[inline]
    pub fn len(&self) -> usize {
        self.items.len()
    }
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.items.len() == 0
    }
}
