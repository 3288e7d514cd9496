//! `set` and `frozenset`: the constructor of `frozenset`, set algebra shared by the operators
//! and the methods (`set_binop`), in-place updates, and the methods of both types.

use crate::compiler::bytecode::binop;
use crate::interpreter::PyResult;
use crate::objects::native::meth;
use crate::objects::ops::{self};
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::{self, type_error, C};
use metatracer::gc::Gc;

pub(crate) fn new_frozenset(a: Args) -> PyResult<Value> {
    let s = new_set(true);
    if let Some(&it) = a.pos.first() {
        set_update(s, it)?;
    }
    Ok(Value::obj(s))
}

// ---------------------------------------------------------------- set methods

pub fn set_update(s: Gc<SetObj>, v: Value) -> PyResult<()> {
    if let Some(o) = as_set(v) {
        for i in 0..o.capacity() {
            let k = o.slot(i);
            if !k.is_null() {
                s.add_h(k, o.hash_at(i))?;
            }
        }
        return Ok(());
    }
    if let Some(d) = as_dict(v) {
        for i in 0..d.entry_count() {
            let k = d.key_at(i);
            if !k.is_null() {
                s.add_h(k, d.hash_at(i))?;
            }
        }
        return Ok(());
    }
    let it = ops::get_iter(v)?;
    while let Some(x) = ops::next(it)? {
        s.add(x)?;
    }
    Ok(())
}

pub(crate) fn to_set(v: Value) -> PyResult<Gc<SetObj>> {
    if let Some(s) = as_set(v) {
        return Ok(s);
    }
    let s = new_set(false);
    set_update(s, v)?;
    Ok(s)
}

/// `a op b` for sets (op: OR, AND, SUB, XOR); the result has `a`'s frozenness.
pub fn set_binop(a: Value, b: Value, op: u32) -> PyResult<Value> {
    let frozen = payload(a).is_kind(Kind::FrozenSet);
    let x = to_set(a)?;
    let y = to_set(b)?;
    let r = match op {
        binop::OR => {
            let r = x.copy(frozen);
            set_update(r, Value::obj(y))?;
            r
        }
        binop::AND => {
            let r = new_set(frozen);
            // CPython walks the smaller set (the right one when sizes are equal)
            let (small, big) = if x.len() >= y.len() { (y, x) } else { (x, y) };
            add_filtered(r, small, big, true)?;
            r
        }
        binop::SUB => {
            let r = new_set(frozen);
            add_filtered(r, x, y, false)?;
            r
        }
        _ => {
            let r = new_set(frozen);
            add_filtered(r, x, y, false)?;
            add_filtered(r, y, x, false)?;
            r
        }
    };
    Ok(Value::obj(r))
}

/// Adds to `r` each element of `from` that is (`keep_in`) or is not in `other`. The slot
/// count is re-read after every membership test: a guest `__eq__` may resize or clear `from`.
fn add_filtered(r: Gc<SetObj>, from: Gc<SetObj>, other: Gc<SetObj>, keep_in: bool) -> PyResult<()> {
    let mut i = 0;
    while i < from.capacity() {
        let k = from.slot(i);
        if !k.is_null() {
            let h = from.hash_at(i);
            if other.contains(k)? == keep_in {
                r.add_h(k, h)?;
            }
        }
        i += 1;
    }
    Ok(())
}

fn self_set(a: &Args) -> PyResult<Gc<SetObj>> {
    a.pos
        .first()
        .and_then(|&v| as_set(v))
        .ok_or_else(|| type_error("descriptor requires a 'set' object"))
}

fn multi_setop(a: Args, op: u32) -> PyResult<Value> {
    let mut acc = payload(a.pos[0]);
    if a.pos.len() == 1 {
        return Ok(Value::obj(
            as_set(acc).unwrap().copy(acc.is_kind(Kind::FrozenSet)),
        ));
    }
    for &o in &a.pos[1..] {
        acc = set_binop(acc, o, op)?;
    }
    Ok(acc)
}

fn inplace_setop(a: Args, op: u32) -> PyResult<Value> {
    let s = self_set(&a)?;
    let mut acc = Value::obj(s);
    for &o in &a.pos[1..] {
        acc = set_binop(acc, o, op)?;
    }
    let r = as_set(acc).unwrap();
    if !Gc::ptr_eq(r, s) {
        s.clear();
        set_update(s, acc)?;
    }
    Ok(Value::NONE)
}

pub(crate) fn install_set_methods() {
    for c in [C::set, C::frozenset] {
        meth(c, "union(*others)", |a| multi_setop(a, binop::OR));
        meth(c, "intersection(*others)", |a| multi_setop(a, binop::AND));
        meth(c, "difference(*others)", |a| multi_setop(a, binop::SUB));
        meth(c, "symmetric_difference(x, /)", |a| {
            multi_setop(a, binop::XOR)
        });
        meth(c, "issubset(x, /)", |a| {
            let o = to_set(a.pos[1])?;
            ops::compare(payload(a.pos[0]), Value::obj(o), 1)
        });
        meth(c, "issuperset(x, /)", |a| {
            let o = to_set(a.pos[1])?;
            ops::compare(payload(a.pos[0]), Value::obj(o), 5)
        });
        meth(c, "isdisjoint(x, /)", |a| {
            let s = self_set(&a)?;
            let o = to_set(a.pos[1])?;
            for i in 0..s.capacity() {
                let k = s.slot(i);
                if !k.is_null() && o.contains(k)? {
                    return Ok(Value::FALSE);
                }
            }
            Ok(Value::TRUE)
        });
        meth(c, "copy()", |a| {
            let p = payload(a.pos[0]);
            Ok(Value::obj(
                as_set(p).unwrap().copy(p.is_kind(Kind::FrozenSet)),
            ))
        });
    }
    use C::set as S;
    meth(S, "add(x, /)", |a| {
        self_set(&a)?.add(a.pos[1])?;
        Ok(Value::NONE)
    });
    meth(S, "discard(x, /)", |a| {
        self_set(&a)?.discard(a.pos[1])?;
        Ok(Value::NONE)
    });
    meth(S, "remove(x, /)", |a| {
        if !self_set(&a)?.discard(a.pos[1])? {
            return Err(vm::key_error(a.pos[1]));
        }
        Ok(Value::NONE)
    });
    meth(S, "pop()", |a| {
        self_set(&a)?
            .pop_any()
            .ok_or_else(|| vm::exc(C::KeyError, "pop from an empty set"))
    });
    meth(S, "clear()", |a| {
        self_set(&a)?.clear();
        Ok(Value::NONE)
    });
    meth(S, "update(*others)", |a| {
        let s = self_set(&a)?;
        for &o in &a.pos[1..] {
            set_update(s, o)?;
        }
        Ok(Value::NONE)
    });
    meth(S, "intersection_update(*others)", |a| {
        inplace_setop(a, binop::AND)
    });
    meth(S, "difference_update(*others)", |a| {
        // as CPython: walk each other set, discarding its elements from this one
        let s = self_set(&a)?;
        for &o in &a.pos[1..] {
            let o = to_set(o)?;
            if Gc::ptr_eq(o, s) {
                s.clear();
                continue;
            }
            let mut i = 0;
            while i < o.capacity() {
                let k = o.slot(i);
                if !k.is_null() {
                    s.discard(k)?;
                }
                i += 1;
            }
        }
        Ok(Value::NONE)
    });
    meth(S, "symmetric_difference_update(x, /)", |a| {
        // as CPython: walk the other set; each element is removed if present, else added
        let s = self_set(&a)?;
        let o = to_set(a.pos[1])?;
        if Gc::ptr_eq(o, s) {
            s.clear();
            return Ok(Value::NONE);
        }
        let mut i = 0;
        while i < o.capacity() {
            let (k, h) = (o.slot(i), o.hash_at(i));
            if !k.is_null() && !s.discard(k)? {
                s.add_h(k, h)?;
            }
            i += 1;
        }
        Ok(Value::NONE)
    });
    meth(S, "E:__init__(iterable=None, /)", |a| {
        let s = self_set(&a)?;
        s.clear();
        if let Some(&v) = a.pos.get(1) {
            set_update(s, v)?;
        }
        Ok(Value::NONE)
    });
}
