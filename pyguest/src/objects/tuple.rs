//! `tuple`: the object layout (an immutable GC array), constructors, accessors, the
//! methods of the type and its comparison, hash and repr slots (`tuple_compare`, `tuple_hash`,
//! `tuple_repr`).

use crate::objects::native::{m, seq_items, Method};
use crate::objects::ops;
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::value_error;
use crate::vm::PyResult;
use metatracer::gc::{self, Array, Gc};
use metatracer::Trace;

#[repr(C)]
#[derive(Trace, metatracer::Layout)]
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

// ---------------------------------------------------------------- comparison, hash, repr

/// `a op b` for two tuples: lexicographic, item by item.
pub(crate) fn tuple_compare(a: &TupleObj, b: &TupleObj, op: u32) -> PyResult<Value> {
    ops::compare::seq_compare(a.as_slice(), b.as_slice(), op)
}

/// `hash` of a tuple: CPython's xxHash-based combination of the items' hashes (so equal
/// tuples hash alike whatever the items' types); an unhashable item raises `TypeError`.
pub(crate) fn tuple_hash(t: &TupleObj) -> PyResult<i64> {
    const P1: u64 = 11400714785074694791;
    const P2: u64 = 14029467366897019727;
    const P5: u64 = 2870177450012600261;
    let items = t.as_slice();
    let mut acc: u64 = P5;
    for &v in items {
        let lane = ops::compare::item_hash(v)? as u64;
        acc = acc.wrapping_add(lane.wrapping_mul(P2));
        acc = acc.rotate_left(31);
        acc = acc.wrapping_mul(P1);
    }
    acc = acc.wrapping_add((items.len() as u64) ^ (P5 ^ 3527539));
    if acc == u64::MAX {
        return Ok(1546275796);
    }
    Ok(acc as i64)
}

/// `repr` of a tuple: `(a, b)`, with the trailing comma of a one-item tuple.
pub(crate) fn tuple_repr(t: &TupleObj, out: &mut String) -> PyResult<()> {
    if t.len() == 1 {
        out.push('(');
        ops::repr_into(t.as_slice()[0], out)?;
        out.push_str(",)");
        Ok(())
    } else {
        ops::repr::seq_repr(t.as_slice(), "(", ")", out)
    }
}
