//! `range`: the object layout (start, stop, step as machine ints), the constructor
//! (`new_range_from`, which `range(...)` reaches through `objects/class.rs` `builtin_new`), its
//! length (`range_len`), the methods of the type and its equality, repr and attribute slots.
//! `FOR_ITER` iterates ranges inline; other iteration is `objects/iter.rs`.

use crate::objects::native::{m, Method};
use crate::objects::ops::{self, index_of, int_of, ArgVec};
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::{type_error, value_error, PyErr, PyResult};
use metatracer::gc::{self, Gc};
use metatracer::Trace;

#[repr(C)]
#[derive(Trace, metatracer::Layout)]
pub struct RangeObj {
    pub kind: Kind,
    pub start: i64,
    pub stop: i64,
    pub step: i64,
}

downcast!(as_range, RangeObj, Range);

/// A range as traced code allocates it (`range(n)` in a loop, `interpreter/opcodes_builtins.rs`):
/// laid out exactly like [`RangeObj`] but made of register values, so `gc::alloc` of it is a
/// `new` plus stores in the trace, which allocation removal can delete (as `FloatBox`,
/// `objects/float.rs`). Everything else reads the object as a `RangeObj`.
#[repr(C)]
#[derive(Clone, Copy, Trace, metatracer::Layout, metatracer::RegValue)]
#[reg_value(in_memory)]
pub struct RangeBox {
    pub kind: u8,
    pub start: i64,
    pub stop: i64,
    pub step: i64,
}

const _: () = {
    assert!(std::mem::size_of::<RangeBox>() == std::mem::size_of::<RangeObj>());
    assert!(std::mem::align_of::<RangeBox>() == std::mem::align_of::<RangeObj>());
    assert!(std::mem::offset_of!(RangeBox, start) == std::mem::offset_of!(RangeObj, start));
    assert!(std::mem::offset_of!(RangeBox, stop) == std::mem::offset_of!(RangeObj, stop));
    assert!(std::mem::offset_of!(RangeBox, step) == std::mem::offset_of!(RangeObj, step));
};

/// The kind byte of a range object.
const RANGE_KIND_BYTE: u8 = Kind::Range as u8;

/// `range(start, stop, step)` (step not 0) for traced code: the allocation is in the trace.
#[metatracer::look_inside]
#[inline(always)]
pub fn new_range_traced(start: i64, stop: i64, step: i64) -> Value {
    let b = gc::alloc(RangeBox {
        kind: RANGE_KIND_BYTE,
        start,
        stop,
        step,
    });
    metatracer::from_word_bits(metatracer::word_bits(b))
}

/// The number of values a range produces (0 when the bounds are in the wrong order).
pub fn range_len(r: Gc<RangeObj>) -> i64 {
    if r.step > 0 {
        if r.stop > r.start {
            (r.stop - r.start - 1) / r.step + 1
        } else {
            0
        }
    } else if r.start > r.stop {
        (r.start - r.stop - 1) / (-r.step) + 1
    } else {
        0
    }
}

/// `range(stop)`, `range(start, stop[, step])`: the bounds as machine ints (`__index__`), a
/// zero step a `ValueError`.
pub(crate) fn new_range_from(rest: Args) -> PyResult<Value> {
    let p: ArgVec = rest.pos.iter().copied().collect();
    let ints: Result<Vec<i64>, PyErr> = p.iter().map(|&x| index_of(x)).collect();
    let ints = ints?;
    let (start, stop, step) = match ints.len() {
        1 => (0, ints[0], 1),
        2 => (ints[0], ints[1], 1),
        3 => (ints[0], ints[1], ints[2]),
        n => {
            return Err(type_error(format!(
                "range expected at most 3 arguments, got {n}"
            )))
        }
    };
    if step == 0 {
        return Err(value_error("range() arg 3 must not be zero"));
    }
    Ok(Value::obj(gc::alloc(RangeObj {
        kind: Kind::Range,
        start,
        stop,
        step,
    })))
}

/// The methods of `range`.
pub(crate) static METHODS: &[Method] = &[
    m("index(x, /)", |a| {
        let r = as_range(a.pos[0]).unwrap();
        if !ops::contains(a.pos[0], a.pos[1])? {
            return Err(value_error(format!(
                "{} is not in range",
                ops::repr(a.pos[1])?
            )));
        }
        Ok(new_int((int_of(a.pos[1]).unwrap() - r.start) / r.step))
    }),
    m("count(x, /)", |a| {
        Ok(Value::small(ops::contains(a.pos[0], a.pos[1])? as i64))
    }),
];

// ---------------------------------------------------------------- comparison, repr

/// `a == b` / `a != b` for two ranges: equal when they produce the same sequence (so all
/// empty ranges are equal, and the step of a one-item range does not matter); ranges have no
/// ordering (`NotImplemented`).
pub(crate) fn range_compare(a: Gc<RangeObj>, b: Gc<RangeObj>, op: u32) -> Value {
    if op != 2 && op != 3 {
        return Value::NOT_IMPLEMENTED;
    }
    let (la, lb) = (range_len(a), range_len(b));
    let e = la == lb && (la == 0 || (a.start == b.start && (la == 1 || a.step == b.step)));
    Value::bool(e == (op == 2))
}

/// `repr` of a range: `range(0, 10)`, with the step only when it is not 1.
pub(crate) fn range_repr(r: &RangeObj, out: &mut String) {
    if r.step == 1 {
        out.push_str(&format!("range({}, {})", r.start, r.stop));
    } else {
        out.push_str(&format!("range({}, {}, {})", r.start, r.stop, r.step));
    }
}

// ---------------------------------------------------------------- attributes

/// The attributes of a range (`start`, `stop`, `step`).
pub(crate) fn range_attr(r: Gc<RangeObj>, n: &str) -> crate::vm::PyResult<Option<Value>> {
    match n {
        "start" => return Ok(Some(new_int(r.start))),
        "stop" => return Ok(Some(new_int(r.stop))),
        "step" => return Ok(Some(new_int(r.step))),
        _ => {}
    }
    Ok(None)
}
