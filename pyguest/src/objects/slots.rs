//! The generic slot wrappers of the built-in types: `__getitem__`, `__len__`, `__eq__`,
//! `__add__`, `__hash__`, ... as entries in the class dicts of `int`, `str`, `list`, `dict`, ...,
//! each calling the object protocol (`objects/ops/`) on the receiver's built-in payload, so
//! `super().__getitem__(i)` in a subclass and `int.__add__(1, 2)` work. One table serves every
//! type: a wrapper is only installed where CPython's type has the slot
//! ([`builtin_has_dunder`]) and the type's own table did not define the name, so this runs
//! after the type tables.

use crate::compiler::bytecode::binop;
use crate::objects::native::qualify;
use crate::objects::ops::{self, bi_abs, truthy};
use crate::objects::sig::{Recv, Sig};
use crate::objects::*;
use crate::value::Value;
use crate::vm::{cls, C};

/// The wrappers: signature (`objects/sig.rs`) and handler.
static SLOT_WRAPPERS: &[(&str, NativeFn)] = &[
    ("__getitem__(x, /)", |a| {
        ops::getitem(payload(a.pos[0]), a.pos[1])
    }),
    ("W:__setitem__(key, value, /)", |a| {
        ops::setitem(payload(a.pos[0]), a.pos[1], a.pos[2]).map(|_| Value::NONE)
    }),
    ("W:__delitem__(key, /)", |a| {
        ops::delitem(payload(a.pos[0]), a.pos[1]).map(|_| Value::NONE)
    }),
    ("W:__len__()", |a| {
        Ok(Value::small(ops::len(payload(a.pos[0]))? as i64))
    }),
    ("W:__contains__(key, /)", |a| {
        Ok(Value::bool(ops::contains(payload(a.pos[0]), a.pos[1])?))
    }),
    ("W:__iter__()", |a| ops::get_iter(payload(a.pos[0]))),
    ("W:__repr__()", |a| {
        Ok(new_string(ops::repr(payload(a.pos[0]))?))
    }),
    ("W:__eq__(value, /)", |a| {
        ops::compare(payload(a.pos[0]), payload(a.pos[1]), 2)
    }),
    ("W:__ne__(value, /)", |a| {
        ops::compare(payload(a.pos[0]), payload(a.pos[1]), 3)
    }),
    ("W:__lt__(value, /)", |a| {
        ops::compare(payload(a.pos[0]), payload(a.pos[1]), 0)
    }),
    ("W:__le__(value, /)", |a| {
        ops::compare(payload(a.pos[0]), payload(a.pos[1]), 1)
    }),
    ("W:__gt__(value, /)", |a| {
        ops::compare(payload(a.pos[0]), payload(a.pos[1]), 4)
    }),
    ("W:__ge__(value, /)", |a| {
        ops::compare(payload(a.pos[0]), payload(a.pos[1]), 5)
    }),
    ("W:__hash__()", |a| {
        Ok(new_int(ops::hash(payload(a.pos[0]))?))
    }),
    ("W:__add__(value, /)", |a| {
        ops::binary_op(payload(a.pos[0]), a.pos[1], binop::ADD)
    }),
    ("W:__sub__(value, /)", |a| {
        ops::binary_op(payload(a.pos[0]), a.pos[1], binop::SUB)
    }),
    ("W:__mul__(value, /)", |a| {
        ops::binary_op(payload(a.pos[0]), a.pos[1], binop::MUL)
    }),
    ("W:__truediv__(value, /)", |a| {
        ops::binary_op(payload(a.pos[0]), a.pos[1], binop::TRUEDIV)
    }),
    ("W:__floordiv__(value, /)", |a| {
        ops::binary_op(payload(a.pos[0]), a.pos[1], binop::FLOORDIV)
    }),
    ("W:__mod__(value, /)", |a| {
        ops::binary_op(payload(a.pos[0]), a.pos[1], binop::MOD)
    }),
    ("W:__pow__(value, /)", |a| {
        ops::binary_op(payload(a.pos[0]), a.pos[1], binop::POW)
    }),
    ("W:__and__(value, /)", |a| {
        ops::binary_op(payload(a.pos[0]), a.pos[1], binop::AND)
    }),
    ("W:__or__(value, /)", |a| {
        ops::binary_op(payload(a.pos[0]), a.pos[1], binop::OR)
    }),
    ("W:__xor__(value, /)", |a| {
        ops::binary_op(payload(a.pos[0]), a.pos[1], binop::XOR)
    }),
    ("W:__lshift__(value, /)", |a| {
        ops::binary_op(payload(a.pos[0]), a.pos[1], binop::LSHIFT)
    }),
    ("W:__rshift__(value, /)", |a| {
        ops::binary_op(payload(a.pos[0]), a.pos[1], binop::RSHIFT)
    }),
    ("W:__radd__(value, /)", |a| {
        ops::binary_op(a.pos[1], payload(a.pos[0]), binop::ADD)
    }),
    ("W:__rsub__(value, /)", |a| {
        ops::binary_op(a.pos[1], payload(a.pos[0]), binop::SUB)
    }),
    ("W:__rmul__(value, /)", |a| {
        ops::binary_op(a.pos[1], payload(a.pos[0]), binop::MUL)
    }),
    ("W:__neg__()", |a| ops::unary_neg(payload(a.pos[0]))),
    ("W:__abs__()", |a| {
        bi_abs(Args {
            pos: &[payload(a.pos[0])],
            kwnames: &[],
            kwvals: &[],
        })
    }),
    ("W:__bool__()", |a| {
        Ok(Value::bool(truthy(payload(a.pos[0]))?))
    }),
];

/// Installs the generic slot wrappers (see the module docs).
pub(crate) fn install_slot_wrappers() {
    for c in [
        C::int,
        C::float,
        C::str,
        C::list,
        C::tuple,
        C::dict,
        C::set,
        C::frozenset,
        C::bytes,
        C::bytearray,
        C::range,
        C::complex,
        C::bool_,
    ] {
        let d = cls(c).dict;
        let unhashable = matches!(c, C::list | C::dict | C::set | C::bytearray);
        if unhashable && d.get_str("__hash__").is_none() {
            // as CPython: `list.__hash__ is None` (abc/dataclasses test for it)
            d.set_str("__hash__", Value::NONE);
        }
        for &(text, f) in SLOT_WRAPPERS {
            let sig = Sig::leak(text, Recv::Inst(c));
            let name = sig.name;
            if !builtin_has_dunder(c, name) {
                continue;
            }
            if d.get_str(name).is_none() {
                d.set_str(name, new_builtin_sig(qualify(c, name), sig, f));
            }
        }
    }
}

/// Whether CPython's built-in type `c` defines the generic dunder `name` (so `"__len__" in
/// int.__dict__` and `hasattr(float, "__and__")` answer as in CPython; ABC subclass hooks
/// and `typing` protocols probe them).
pub(crate) fn builtin_has_dunder(c: C, name: &str) -> bool {
    let number = matches!(c, C::int | C::float | C::complex | C::bool_);
    let container = !number;
    match name {
        "__getitem__" | "__len__" | "__contains__" | "__iter__" => container,
        "__setitem__" | "__delitem__" => matches!(c, C::list | C::dict | C::bytearray),
        "__repr__" | "__eq__" | "__ne__" | "__lt__" | "__le__" | "__gt__" | "__ge__" => true,
        "__hash__" => !matches!(c, C::list | C::dict | C::set | C::bytearray),
        "__add__" | "__mul__" | "__rmul__" => {
            number || matches!(c, C::str | C::list | C::tuple | C::bytes | C::bytearray)
        }
        "__mod__" => matches!(
            c,
            C::int | C::float | C::bool_ | C::str | C::bytes | C::bytearray
        ),
        "__sub__" | "__and__" | "__or__" | "__xor__" => {
            matches!(c, C::int | C::bool_ | C::set | C::frozenset)
                || (name == "__sub__" && matches!(c, C::float | C::complex))
                || (name == "__or__" && c == C::dict)
        }
        "__lshift__" | "__rshift__" => matches!(c, C::int | C::bool_),
        "__floordiv__" => matches!(c, C::int | C::float | C::bool_),
        "__truediv__" | "__pow__" | "__radd__" | "__rsub__" | "__neg__" | "__abs__"
        | "__bool__" => number,
        _ => true,
    }
}
