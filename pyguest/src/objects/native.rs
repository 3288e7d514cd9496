//! Helpers for native (Rust) functions and methods: reading positional and keyword
//! arguments ([`kwarg`], [`opt`], [`arg_or_kw`], ...), common conversions, and registering a
//! native method on a built-in class ([`meth`], [`classmeth`]).
//!
//! Every type module's `install` function is a list of `meth(C::TYPE, "name(params)", f)`
//! lines: the table of the methods that type exposes, each with its signature
//! (`objects/sig.rs`), which the call machinery checks before `f` runs. A native method
//! receives `self` in `a.pos[0]`.

use crate::interpreter::PyResult;
use crate::objects::ops::{self, ArgVec};
use crate::objects::sig::{Recv, Sig};
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::{self, cls, type_error, C};
use metatracer::gc::{self, Gc};
use num_bigint::BigInt;

// ---------------------------------------------------------------- argument helpers

pub fn kwarg(a: &Args, name: &str) -> Option<Value> {
    for (i, &k) in a.kwnames.iter().enumerate() {
        if str_eq(k, name) {
            return Some(a.kwvals[i]);
        }
    }
    None
}

pub(crate) fn nargs(a: &Args, min: usize, max: usize, fname: &str) -> PyResult<()> {
    let n = a.pos.len();
    if n < min || n > max {
        if min == max {
            return Err(type_error(format!(
                "{fname}() takes exactly {min} argument{} ({n} given)",
                if min == 1 { "" } else { "s" }
            )));
        }
        if n < min {
            return Err(type_error(format!(
                "{fname}() takes at least {min} argument{} ({n} given)",
                if min == 1 { "" } else { "s" }
            )));
        }
        return Err(type_error(format!(
            "{fname}() takes at most {max} argument{} ({n} given)",
            if max == 1 { "" } else { "s" }
        )));
    }
    Ok(())
}

pub(crate) fn opt(a: &Args, i: usize) -> Option<Value> {
    a.pos.get(i).copied().filter(|v| !v.is_none())
}

pub(crate) fn arg_or_kw(a: &Args, i: usize, name: &str) -> Option<Value> {
    a.pos.get(i).copied().or_else(|| kwarg(a, name))
}

pub(crate) fn self_str(a: &Args) -> PyResult<Gc<StrObj>> {
    a.pos
        .first()
        .and_then(|&v| as_str(payload(v)))
        .ok_or_else(|| type_error("descriptor requires a 'str' object"))
}

pub(crate) fn str_arg(v: Value, what: &str) -> PyResult<Gc<StrObj>> {
    as_str(payload(v))
        .ok_or_else(|| type_error(format!("{what} must be str, not {}", vm::type_name(v))))
}

pub fn char_str(c: char) -> Value {
    if c.is_ascii() {
        // single ASCII chars are interned: cheap repeated indexing
        let mut b = [0u8; 4];
        return vm::intern(c.encode_utf8(&mut b));
    }
    new_string(c.to_string())
}

/// Items of any iterable, collected.
pub fn seq_items(v: Value) -> PyResult<ArgVec> {
    if let Some(t) = as_tuple_exact(v) {
        return Ok(t.as_slice().iter().copied().collect());
    }
    if let Some(l) = as_list_exact(v) {
        return Ok(l.as_slice().iter().copied().collect());
    }
    crate::memlimit::check_materialize(v)?;
    let it = ops::get_iter(v)?;
    let mut out = ArgVec::new();
    while let Some(x) = ops::next(it)? {
        crate::memlimit::check_growth(out.len(), 2 * std::mem::size_of::<Value>())?;
        out.push(x);
    }
    Ok(out)
}

/// `list(v)` as a value.
pub fn list_of(v: Value) -> PyResult<Value> {
    let l = new_list_cap(0);
    ops::list_extend(l, v)?;
    Ok(Value::obj(l))
}

pub fn ascii_of(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let n = c as u32;
        if n < 128 {
            out.push(c);
        } else if n < 0x100 {
            out.push_str(&format!("\\x{n:02x}"));
        } else if n < 0x10000 {
            out.push_str(&format!("\\u{n:04x}"));
        } else {
            out.push_str(&format!("\\U{n:08x}"));
        }
    }
    out
}

pub fn parse_int_literal(s: &str) -> Option<Value> {
    let t: String = s.chars().filter(|&c| c != '_').collect();
    let (radix, digits) = if let Some(r) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        (16, r.to_string())
    } else if let Some(r) = t.strip_prefix("0o").or_else(|| t.strip_prefix("0O")) {
        (8, r.to_string())
    } else if let Some(r) = t.strip_prefix("0b").or_else(|| t.strip_prefix("0B")) {
        (2, r.to_string())
    } else {
        (10, t)
    };
    BigInt::parse_bytes(digits.as_bytes(), radix).map(new_bigint)
}

/// Registers native method `f` of built-in class `c` under the signature `sig` (written as
/// in `objects/sig.rs`, without the receiver: `"get(key, default=None, /)"`). The call
/// machinery checks every call against it, receiver included, before `f` runs.
pub(crate) fn meth(c: C, sig: &'static str, f: NativeFn) {
    let s = Sig::leak(sig, Recv::Inst(c));
    cls(c)
        .dict
        .set_str(s.name, new_builtin_sig(qualify(c, s.name), s, f));
}

/// Registers a class method (`dict.fromkeys`): like [`meth`], the receiver is the class.
pub(crate) fn classmeth(c: C, sig: &'static str, f: NativeFn) {
    let s = Sig::leak(sig, Recv::Class(c));
    let w = Value::obj(gc::alloc(WrapperObj {
        kind: Kind::ClassMethod,
        f: new_builtin_sig(qualify(c, s.name), s, f),
    }));
    cls(c).dict.set_str(s.name, w);
}

/// `list.append` for class `c` and method `name`, leaked (built-in names live forever).
pub(crate) fn qualify(c: C, name: &str) -> &'static str {
    Box::leak(format!("{}.{}", vm::CLASS_NAMES[c as usize], name).into_boxed_str())
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
