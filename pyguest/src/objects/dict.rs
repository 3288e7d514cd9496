//! `dict`: the object layout (`DictObj`: key and value GC arrays plus the reference-free index
//! `DictTable`), `dict.update` (also behind `DICT_UPDATE` and `dict(...)`), the table of the
//! methods of the type and its equality and repr slots (`dict_compare`, `dict_repr`). The
//! hashing and probing (insertion-ordered, CPython's layout) are `objects/table.rs`.

use crate::objects::class::construct;
use crate::objects::iter::dict_view;
use crate::objects::native::{cm, m, seq_items, Method};
use crate::objects::ops::{self};
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::PyResult;
use crate::vm::{self, intern, type_error, type_of, value_error, C};
use metatracer::gc::Gc;
use metatracer::gc::{Array, GcCell};
use metatracer::Trace;
use std::cell::UnsafeCell;

// ---------------------------------------------------------------- layout

/// Index metadata of an insertion-ordered dict (no references: keys/values are GC arrays).
#[derive(Default)]
pub struct DictTable {
    /// Hash of each entry (same order as the key/value arrays).
    pub hashes: Vec<i64>,
    /// Open-addressing index: entry number, or `EMPTY` / `DELETED`.
    pub index: Vec<u32>,
    /// Entries used in the arrays (live + deleted).
    pub used: usize,
    /// Live entries.
    pub live: usize,
}

#[repr(C)]
#[derive(Trace, metatracer::Layout)]
pub struct DictObj {
    pub kind: Kind,
    pub keys: GcCell<Gc<Array<Value>>>,
    pub vals: GcCell<Gc<Array<Value>>>,
    /// Bumped whenever a key is added or removed or the entry arrays are replaced (not when
    /// a value changes): while it holds, every key stays at its entry index. Quasi-immutable,
    /// so a trace that read a global through a constant index depends on it
    /// (`interpreter/opcodes.rs` `load_global`).
    pub shape: metatracer::QuasiImmut<u64>,
    #[gc(no_trace)]
    pub t: UnsafeCell<DictTable>,
}

downcast!(as_dict_exact, DictObj, Dict);

pub fn as_dict(v: Value) -> Option<Gc<DictObj>> {
    as_dict_exact(payload(v))
}

pub fn new_dict() -> Gc<DictObj> {
    gc::alloc(DictObj {
        kind: Kind::Dict,
        keys: GcCell::new(empty_array()),
        vals: GcCell::new(empty_array()),
        shape: metatracer::QuasiImmut::new(0),
        t: UnsafeCell::new(DictTable::default()),
    })
}

/// `dict(mapping_or_iterable=(), /, **kwargs)`.
pub(crate) fn new_dict_from(rest: Args) -> PyResult<Value> {
    let d = new_dict();
    if let Some(&v) = rest.pos.first() {
        dict_update(d, v)?;
    }
    for (i, &k) in rest.kwnames.iter().enumerate() {
        d.set_item(k, rest.kwvals[i])?;
    }
    Ok(Value::obj(d))
}

// ---------------------------------------------------------------- dict methods

pub fn dict_update(d: Gc<DictObj>, src: Value) -> PyResult<()> {
    if let Some(s) = as_dict(src) {
        if ops::lookup_type_user(type_of(src), "keys").is_none() {
            // an insertion may run a key's __eq__, which may change `s`: CPython's error
            let (n, keys) = (s.entry_count(), s.keys.get());
            for i in 0..n {
                let k = s.key_at(i);
                if !k.is_null() {
                    d.set_item_h(k, s.hash_at(i), s.val_at(i))?;
                    if s.entry_count() != n || !Gc::ptr_eq(keys, s.keys.get()) {
                        return Err(vm::runtime_error("dict mutated during update"));
                    }
                }
            }
            return Ok(());
        }
    }
    if ops::getattr_opt(src, intern("keys"))?.is_some() && !src.is_kind(Kind::List) {
        let keys = ops::call_method(src, "keys", &[])?;
        for k in seq_items(keys)? {
            let v = ops::getitem(src, k)?;
            d.set_item(k, v)?;
        }
        return Ok(());
    }
    let it = ops::get_iter(src)?;
    let mut idx = 0;
    while let Some(pair) = ops::next(it)? {
        let items = seq_items(pair).map_err(|_| {
            type_error(format!(
                "cannot convert dictionary update sequence element #{idx} to a sequence"
            ))
        })?;
        if items.len() != 2 {
            return Err(value_error(format!(
                "dictionary update sequence element #{} has length {}; 2 is required",
                idx,
                items.len()
            )));
        }
        d.set_item(items[0], items[1])?;
        idx += 1;
    }
    Ok(())
}

fn self_dict(a: &Args) -> PyResult<Gc<DictObj>> {
    a.pos
        .first()
        .and_then(|&v| as_dict(v))
        .ok_or_else(|| type_error("descriptor requires a 'dict' object"))
}

/// The methods of `dict`.
pub(crate) static METHODS: &[Method] = &[
    m("keys()", |a| {
        Ok(dict_view(payload(a.pos[0]), IterKind::DictKeys))
    }),
    m("values()", |a| {
        Ok(dict_view(payload(a.pos[0]), IterKind::DictValues))
    }),
    m("items()", |a| {
        Ok(dict_view(payload(a.pos[0]), IterKind::DictItems))
    }),
    m("get(key, default=None, /)", |a| {
        let d = self_dict(&a)?;
        Ok(d.get(a.pos[1])?
            .unwrap_or(a.pos.get(2).copied().unwrap_or(Value::NONE)))
    }),
    m("pop(key, default=<unrepresentable>, /)", |a| {
        let d = self_dict(&a)?;
        match d.remove(a.pos[1])? {
            Some(v) => Ok(v),
            None => match a.pos.get(2) {
                Some(&dv) => Ok(dv),
                None => Err(vm::key_error(a.pos[1])),
            },
        }
    }),
    m("popitem()", |a| {
        let d = self_dict(&a)?;
        match d.pop_last() {
            Some((k, v)) => Ok(new_tuple(&[k, v])),
            None => Err(vm::exc(C::KeyError, "popitem(): dictionary is empty")),
        }
    }),
    m("setdefault(key, default=None, /)", |a| {
        let d = self_dict(&a)?;
        if let Some(v) = d.get(a.pos[1])? {
            return Ok(v);
        }
        let dv = a.pos.get(2).copied().unwrap_or(Value::NONE);
        d.set_item(a.pos[1], dv)?;
        Ok(dv)
    }),
    m("E:update(other=None, /, **kwargs)", |a| {
        let d = self_dict(&a)?;
        if let Some(&src) = a.pos.get(1) {
            dict_update(d, src)?;
        }
        for (i, &k) in a.kwnames.iter().enumerate() {
            d.set_item(k, a.kwvals[i])?;
        }
        Ok(Value::NONE)
    }),
    m("copy()", |a| Ok(Value::obj(self_dict(&a)?.copy()))),
    m("clear()", |a| {
        self_dict(&a)?.clear();
        Ok(Value::NONE)
    }),
    m("E:__init__(iterable=None, /, **kwargs)", |a| {
        let d = self_dict(&a)?;
        if let Some(&src) = a.pos.get(1) {
            dict_update(d, src)?;
        }
        for (i, &k) in a.kwnames.iter().enumerate() {
            d.set_item(k, a.kwvals[i])?;
        }
        Ok(Value::NONE)
    }),
    cm("fromkeys(iterable, value=None, /)", |a| {
        let c = as_class(a.pos[0]).unwrap();
        let v = a.pos.get(2).copied().unwrap_or(Value::NONE);
        let obj = construct(
            c,
            Args {
                pos: &[],
                kwnames: &[],
                kwvals: &[],
            },
        )?;
        for k in seq_items(a.pos[1])? {
            ops::setitem(obj, k, v)?;
        }
        Ok(obj)
    }),
];

// ---------------------------------------------------------------- comparison, repr

/// `a == b` / `a != b` for two dicts (the same keys mapping to equal values, in any order);
/// dicts have no ordering (`NotImplemented`).
pub(crate) fn dict_compare(a: Gc<DictObj>, b: Gc<DictObj>, op: u32) -> PyResult<Value> {
    if op != 2 && op != 3 {
        return Ok(Value::NOT_IMPLEMENTED);
    }
    let mut e = a.len() == b.len();
    if e {
        // entries are read before each lookup and the count re-read after it: the lookup's
        // __eq__ may change either dict
        let mut i = 0;
        while i < a.entry_count() {
            let (k, h, av) = (a.key_at(i), a.hash_at(i), a.val_at(i));
            i += 1;
            if k.is_null() {
                continue;
            }
            match b.get_h(k, h)? {
                Some(bv) if ops::compare::item_eq(av, bv)? => {}
                _ => {
                    e = false;
                    break;
                }
            }
        }
    }
    Ok(Value::bool(e == (op == 2)))
}

/// `repr` of a dict: `{k: v, ...}` in insertion order, `{...}` where a dict contains itself.
pub(crate) fn dict_repr(d: Gc<DictObj>, out: &mut String) -> PyResult<()> {
    ops::repr::repr_guard(Value::obj(d), out, "{...}", |out| {
        out.push('{');
        let mut first = true;
        let mut i = 0;
        while i < d.entry_count() {
            let k = d.key_at(i);
            if !k.is_null() {
                if !first {
                    out.push_str(", ");
                }
                first = false;
                ops::repr_into(k, out)?;
                out.push_str(": ");
                ops::repr_into(d.val_at(i), out)?;
            }
            i += 1;
        }
        out.push('}');
        Ok(())
    })
}
