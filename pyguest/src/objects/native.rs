//! Helpers for native (Rust) functions and methods: reading positional and keyword
//! arguments ([`kwarg`], [`opt`], [`arg_or_kw`], ...), common conversions, and the method
//! tables of the built-in types ([`Method`], [`install_table`]).
//!
//! Each type module declares the methods its type exposes as a `static` table,
//! `pub(crate) static METHODS: &[Method] = &[m("append(object, /)", list_append), ...]`: one
//! entry per method with its signature (`objects/sig.rs`), which the call machinery checks
//! before the handler runs. A native method receives `self` in `a.pos[0]`. The tables are
//! read once, at start-up ([`crate::objects::install_methods`]), into ordinary built-in
//! function objects in the class dicts, so a call costs the same as with hand-written
//! registration code.

use crate::objects::ops::{self, ArgVec};
use crate::objects::sig::{Recv, Sig};
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::PyResult;
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

/// The receiver of a `str` method. A string holding lone surrogates is turned away with
/// [`surr::reject`](crate::objects::surr::reject), which lets the method be retried over
/// mapped text (`objects/surr.rs`).
pub(crate) fn self_str(a: &Args) -> PyResult<Gc<StrObj>> {
    let v = a.pos.first().map(|&v| payload(v));
    match v.and_then(as_str) {
        Some(s) => Ok(s),
        None => match v {
            Some(v) if crate::objects::surr::is_surr(v) => Err(crate::objects::surr::reject(v)),
            _ => Err(type_error("descriptor requires a 'str' object")),
        },
    }
}

/// A `str` argument (a surrogate string is turned away as in [`self_str`]).
pub(crate) fn str_arg(v: Value, what: &str) -> PyResult<Gc<StrObj>> {
    let p = payload(v);
    as_str(p).ok_or_else(|| {
        if crate::objects::surr::is_surr(p) {
            crate::objects::surr::reject(p)
        } else {
            type_error(format!("{what} must be str, not {}", vm::type_name(v)))
        }
    })
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
        return Ok(l.values());
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

/// How a table entry is bound in its class's dict.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Bind {
    /// An instance method: the receiver must be an instance of the class.
    Inst,
    /// A class method (`dict.fromkeys`): the receiver is the class or a subclass.
    Class,
    /// A static method (`str.maketrans`): no receiver.
    Static,
    /// A plain function in the class dict whose receiver is not checked
    /// (`object.__init_subclass__`, reached through `super()` without one).
    Free,
}

/// One entry of a built-in type's method table: the signature text (`objects/sig.rs`, without
/// the receiver), the handler, and how it is bound.
pub(crate) struct Method {
    pub sig: &'static str,
    pub f: NativeFn,
    pub bind: Bind,
}

/// An instance method entry.
pub(crate) const fn m(sig: &'static str, f: NativeFn) -> Method {
    Method {
        sig,
        f,
        bind: Bind::Inst,
    }
}

/// A class method entry.
pub(crate) const fn cm(sig: &'static str, f: NativeFn) -> Method {
    Method {
        sig,
        f,
        bind: Bind::Class,
    }
}

/// A static method entry.
pub(crate) const fn sm(sig: &'static str, f: NativeFn) -> Method {
    Method {
        sig,
        f,
        bind: Bind::Static,
    }
}

/// An entry whose receiver is not checked (see [`Bind::Free`]).
pub(crate) const fn free(sig: &'static str, f: NativeFn) -> Method {
    Method {
        sig,
        f,
        bind: Bind::Free,
    }
}

/// Registers every entry of `table` in the dict of built-in class `c`, in table order, as a
/// built-in function named `TYPE.NAME` carrying its parsed signature.
pub(crate) fn install_table(c: C, table: &[Method]) {
    for e in table {
        let recv = match e.bind {
            Bind::Inst => Recv::Inst(c),
            Bind::Class => Recv::Class(c),
            Bind::Static | Bind::Free => Recv::None,
        };
        let s = Sig::leak(e.sig, recv);
        let f = new_builtin_sig(qualify(c, s.name), s, e.f);
        let wrapped = |kind| Value::obj(gc::alloc(WrapperObj { kind, f }));
        let v = match e.bind {
            Bind::Inst | Bind::Free => f,
            Bind::Class => wrapped(Kind::ClassMethod),
            Bind::Static => wrapped(Kind::StaticMethod),
        };
        cls(c).dict.set_str(s.name, v);
    }
}

/// `list.append` for class `c` and method `name`, leaked (built-in names live forever).
pub(crate) fn qualify(c: C, name: &str) -> &'static str {
    Box::leak(format!("{}.{}", vm::CLASS_NAMES[c as usize], name).into_boxed_str())
}
