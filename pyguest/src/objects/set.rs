//! `set` and `frozenset`: the shared object layout (`SetObj`, slots laid out like CPython's so
//! iteration order matches; the kind tells the two apart), the constructors of `set` and
//! `frozenset`, set algebra shared by the operators and the methods (`set_binop`), in-place
//! updates, the method tables (shared, then `set`'s mutating ones) and the comparison (subset
//! order), hash (frozenset) and repr slots. Probing is `objects/table.rs`.

use crate::compiler::bytecode::binop;
use crate::objects::native::{m, Method};
use crate::objects::ops::{self};
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::PyResult;
use crate::vm::{self, type_error, C};
use metatracer::gc::Gc;
use metatracer::gc::{Array, GcCell};
use metatracer::Trace;
use std::cell::UnsafeCell;

// ---------------------------------------------------------------- layout

/// Slot metadata of a set table, laid out like CPython's so iteration order matches.
#[derive(Default)]
pub struct SetTable {
    pub hashes: Vec<i64>,
    pub fill: usize,
    pub used: usize,
    pub mask: usize,
}

#[repr(C)]
#[derive(Trace)]
pub struct SetObj {
    pub kind: Kind,
    pub slots: GcCell<Gc<Array<Value>>>,
    #[gc(no_trace)]
    pub t: UnsafeCell<SetTable>,
}

pub fn as_set(v: Value) -> Option<Gc<SetObj>> {
    let p = payload(v);
    match p.kind() {
        // SAFETY: both kinds use the `SetObj` layout.
        Some(Kind::Set) | Some(Kind::FrozenSet) => Some(unsafe { p.as_gc::<SetObj>() }),
        _ => None,
    }
}

pub fn new_set(frozen: bool) -> Gc<SetObj> {
    gc::alloc(SetObj {
        kind: if frozen { Kind::FrozenSet } else { Kind::Set },
        slots: GcCell::new(gc::alloc_array(8, Value::NULL)),
        t: UnsafeCell::new(SetTable {
            hashes: vec![0; 8],
            fill: 0,
            used: 0,
            mask: 7,
        }),
    })
}

pub(crate) fn new_frozenset(a: Args) -> PyResult<Value> {
    let s = new_set(true);
    if let Some(&it) = a.pos.first() {
        set_update(s, it)?;
    }
    Ok(Value::obj(s))
}

/// `set(iterable=(), /)`.
pub(crate) fn new_set_from(rest: Args) -> PyResult<Value> {
    let s = new_set(false);
    if let Some(&v) = rest.pos.first() {
        set_update(s, v)?;
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

/// The methods `set` and `frozenset` share.
pub(crate) static SHARED_METHODS: &[Method] = &[
    m("union(*others)", |a| multi_setop(a, binop::OR)),
    m("intersection(*others)", |a| multi_setop(a, binop::AND)),
    m("difference(*others)", |a| multi_setop(a, binop::SUB)),
    m("symmetric_difference(x, /)", |a| multi_setop(a, binop::XOR)),
    m("issubset(x, /)", |a| {
        let o = to_set(a.pos[1])?;
        ops::compare(payload(a.pos[0]), Value::obj(o), 1)
    }),
    m("issuperset(x, /)", |a| {
        let o = to_set(a.pos[1])?;
        ops::compare(payload(a.pos[0]), Value::obj(o), 5)
    }),
    m("isdisjoint(x, /)", |a| {
        let s = self_set(&a)?;
        let o = to_set(a.pos[1])?;
        for i in 0..s.capacity() {
            let k = s.slot(i);
            if !k.is_null() && o.contains(k)? {
                return Ok(Value::FALSE);
            }
        }
        Ok(Value::TRUE)
    }),
    m("copy()", |a| {
        let p = payload(a.pos[0]);
        Ok(Value::obj(
            as_set(p).unwrap().copy(p.is_kind(Kind::FrozenSet)),
        ))
    }),
];

/// The mutating methods of `set`.
pub(crate) static METHODS: &[Method] = &[
    m("add(x, /)", |a| {
        self_set(&a)?.add(a.pos[1])?;
        Ok(Value::NONE)
    }),
    m("discard(x, /)", |a| {
        self_set(&a)?.discard(a.pos[1])?;
        Ok(Value::NONE)
    }),
    m("remove(x, /)", |a| {
        if !self_set(&a)?.discard(a.pos[1])? {
            return Err(vm::key_error(a.pos[1]));
        }
        Ok(Value::NONE)
    }),
    m("pop()", |a| {
        self_set(&a)?
            .pop_any()
            .ok_or_else(|| vm::exc(C::KeyError, "pop from an empty set"))
    }),
    m("clear()", |a| {
        self_set(&a)?.clear();
        Ok(Value::NONE)
    }),
    m("update(*others)", |a| {
        let s = self_set(&a)?;
        for &o in &a.pos[1..] {
            set_update(s, o)?;
        }
        Ok(Value::NONE)
    }),
    m("intersection_update(*others)", |a| {
        inplace_setop(a, binop::AND)
    }),
    m("difference_update(*others)", |a| {
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
    }),
    m("symmetric_difference_update(x, /)", |a| {
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
    }),
    m("E:__init__(iterable=None, /)", |a| {
        let s = self_set(&a)?;
        s.clear();
        if let Some(&v) = a.pos.get(1) {
            set_update(s, v)?;
        }
        Ok(Value::NONE)
    }),
];

// ---------------------------------------------------------------- comparison, hash, repr

/// `a op b` for two sets or frozensets: equality, and the ordering is the subset relation
/// (`<` proper subset, `<=` subset, `>`/`>=` the supersets).
pub(crate) fn set_compare(a: Gc<SetObj>, b: Gc<SetObj>, op: u32) -> PyResult<Value> {
    // every member of p is in q
    let sub = |p: Gc<SetObj>, q: Gc<SetObj>| -> PyResult<bool> {
        let mut i = 0;
        while i < p.capacity() {
            let k = p.slot(i);
            if !k.is_null() && !q.contains(k)? {
                return Ok(false);
            }
            i += 1;
        }
        Ok(true)
    };
    let r = match op {
        0 => a.len() < b.len() && sub(a, b)?,
        1 => sub(a, b)?,
        2 => a.len() == b.len() && sub(a, b)?,
        3 => !(a.len() == b.len() && sub(a, b)?),
        4 => a.len() > b.len() && sub(b, a)?,
        _ => sub(b, a)?,
    };
    Ok(Value::bool(r))
}

/// `hash` of a frozenset: CPython's order-independent mix of the members' hashes (read from
/// the table, so nothing is rehashed).
pub(crate) fn frozenset_hash(s: Gc<SetObj>) -> i64 {
    let mut h: u64 = 0;
    for i in 0..s.capacity() {
        if !s.slot(i).is_null() {
            let x = s.hash_at(i) as u64;
            h ^= (x ^ (x << 16) ^ 89869747).wrapping_mul(3644798167);
        }
    }
    h ^= (s.len() as u64 + 1).wrapping_mul(1927868237);
    h as i64
}

/// `repr` of a set or frozenset: `{a, b}`, `frozenset({a, b})`, `set()` when empty.
pub(crate) fn set_repr(s: Gc<SetObj>, out: &mut String) -> PyResult<()> {
    let frozen = s.kind == Kind::FrozenSet;
    if s.is_empty() {
        out.push_str(if frozen { "frozenset()" } else { "set()" });
        return Ok(());
    }
    if frozen {
        out.push_str("frozenset(");
    }
    let items: ops::ArgVec = match as_list_exact(s.items()) {
        Some(l) => l.as_slice().iter().copied().collect(),
        None => ops::ArgVec::new(),
    };
    ops::repr::seq_repr(&items, "{", "}", out)?;
    if frozen {
        out.push(')');
    }
    Ok(())
}
