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

/// A tuple object as traced code allocates it: laid out exactly like [`TupleObj`] (the kind
/// byte, then the item array) but made of register values, so `gc::alloc(TupleBox { .. })` in
/// `#[look_inside]` code is a `new` the optimizer removes when the tuple does not outlive the
/// trace (as `float::FloatBox`). Everything else reads it as a `TupleObj` (the collector
/// traces its one reference either way).
#[repr(C)]
#[derive(Clone, Copy, Trace, metatracer::Layout, metatracer::RegValue)]
#[reg_value(in_memory)]
pub struct TupleBox {
    pub kind: u8,
    pub items: Gc<Array<Value>>,
}

const _: () = {
    assert!(std::mem::size_of::<TupleBox>() == std::mem::size_of::<TupleObj>());
    assert!(std::mem::align_of::<TupleBox>() == std::mem::align_of::<TupleObj>());
    assert!(std::mem::offset_of!(TupleBox, items) == std::mem::offset_of!(TupleObj, items));
};

/// The kind byte of a tuple object.
const TUPLE_KIND_BYTE: u8 = Kind::Tuple as u8;

/// `(a,)`, `(a, b)` or `(a, b, c)` (the first `n`, 1 to 3) built by traced code: the item
/// array (`Regs1` to `Regs3`, laid out as a `gc::Array<Value>`) and the tuple are both
/// allocated in the trace, so a tuple that does not escape it (`x, y = y, x % y` written with
/// a tuple, a pair returned by an inlined call and unpacked) costs nothing.
#[metatracer::look_inside]
#[inline(always)]
pub fn new_tuple_traced(n: usize, a: Value, b: Value, c: Value) -> Value {
    let items: Gc<Array<Value>> = if n == 1 {
        let r = gc::alloc(Regs1 { len: 1, r0: a });
        // SAFETY: `Regs1` is laid out as an `Array<Value>` of 1 item.
        unsafe { metatracer::word_to_value(metatracer::word_bits(r)) }
    } else if n == 2 {
        let r = gc::alloc(Regs2 {
            len: 2,
            r0: a,
            r1: b,
        });
        // SAFETY: `Regs2` is laid out as an `Array<Value>` of 2 items.
        unsafe { metatracer::word_to_value(metatracer::word_bits(r)) }
    } else {
        let r = gc::alloc(Regs3 {
            len: 3,
            r0: a,
            r1: b,
            r2: c,
        });
        // SAFETY: `Regs3` is laid out as an `Array<Value>` of 3 items.
        unsafe { metatracer::word_to_value(metatracer::word_bits(r)) }
    };
    let t = gc::alloc(TupleBox {
        kind: TUPLE_KIND_BYTE,
        items,
    });
    metatracer::from_word_bits(metatracer::word_bits(t))
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
