//! `tuple`: the object layout (an immutable GC array), constructors, accessors and the
//! methods of the type.

use crate::interpreter::PyResult;
use crate::objects::native::{m, seq_items, Method};
use crate::objects::ops;
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::value_error;
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

/// `tuple(iterable=(), /)`.
pub(crate) fn new_tuple_from(a: Args) -> PyResult<Value> {
    match a.pos.first() {
        None => Ok(new_tuple(&[])),
        Some(&v) if v.is_kind(Kind::Tuple) => Ok(v),
        Some(&v) => Ok(new_tuple(&seq_items(v)?)),
    }
}

/// The methods of `tuple`.
pub(crate) static METHODS: &[Method] = &[
    m("index(value, start=0, stop=sys.maxsize, /)", |a| {
        let t = as_tuple(a.pos[0]).unwrap();
        for (i, &x) in t.as_slice().iter().enumerate() {
            if ops::eq(x, a.pos[1])? {
                return Ok(Value::small(i as i64));
            }
        }
        Err(value_error("tuple.index(x): x not in tuple"))
    }),
    m("count(value, /)", |a| {
        let t = as_tuple(a.pos[0]).unwrap();
        let mut c = 0;
        for &x in t.as_slice() {
            if ops::eq(x, a.pos[1])? {
                c += 1;
            }
        }
        Ok(Value::small(c))
    }),
];
