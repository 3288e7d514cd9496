//! `_pgarray`: the item access of `array.array` in Rust. `pyguest/lib/array.py` keeps an
//! array's items in a list (`self._items`) and its type code in `self._code`; its
//! `__getitem__`/`__setitem__` are these builtins, which read or store an item at an int
//! index when nothing needs checking (any index of the list, an exact float for `'d'`, a small
//! int for `'q'`/`'l'` or one in range for `'i'`), and otherwise call the Python methods
//! `_getitem`/`_setitem` of the array's class, which make every error, slices and the
//! conversions of the other type codes. In Python, an item access was a Python call with a
//! `try` block (and `_check` on every store): scimark's `fft` ran 8x CPython's time.
//!
//! Assumes the attribute names and list representation of `pyguest/lib/array.py`.

use super::*;
use crate::objects::ops;
use crate::value::Kind;

/// The items list and the type code (a one-character `str`) of an `array`, if `s` is one.
fn parts(s: Value) -> Option<(Gc<ListObj>, char)> {
    let inst = as_instance(s)?;
    let items = ops::instance_get(inst, vm::intern("_items"))?;
    let l = as_list_exact(items)?;
    let code = ops::instance_get(inst, vm::intern("_code"))?;
    let c = as_str(code)?.s.chars().next()?;
    Some((l, c))
}

/// The list position of int index `k` of a list of `n` items, if in range.
fn position(k: Value, n: usize) -> Option<usize> {
    let i = k.as_small()?;
    let j = if i < 0 { i + n as i64 } else { i };
    (0..n as i64).contains(&j).then_some(j as usize)
}

/// `type(s).name(s, *args)`: the Python implementation.
fn slow(s: Value, name: &str, args: &[Value]) -> PyResult<Value> {
    let Some(m) = ops::lookup_type_user(vm::type_of(s), name) else {
        return Err(type_error(format!(
            "'{}' object has no {name}",
            vm::type_name(s)
        )));
    };
    let mut all = vec![s];
    all.extend_from_slice(args);
    ops::call(m, &all)
}

fn getitem(a: Args) -> PyResult<Value> {
    let (s, k) = (a.pos[0], a.pos[1]);
    if let Some((l, _)) = parts(s) {
        if let Some(j) = position(k, l.len()) {
            return Ok(l.get(j));
        }
    }
    slow(s, "_getitem", &[k])
}

fn setitem(a: Args) -> PyResult<Value> {
    let (s, k, v) = (a.pos[0], a.pos[1], a.pos[2]);
    if let Some((l, code)) = parts(s) {
        let plain = match code {
            'd' => v.is_kind(Kind::Float),
            'q' | 'l' => v.is_int(),
            'i' => v
                .as_small()
                .is_some_and(|x| (i32::MIN as i64..=i32::MAX as i64).contains(&x)),
            _ => false,
        };
        if plain {
            if let Some(j) = position(k, l.len()) {
                l.set(j, v);
                return Ok(Value::NONE);
            }
        }
    }
    slow(s, "_setitem", &[k, v])
}

pub fn make() -> Gc<ModuleObj> {
    let m = new_module("_pgarray", None);
    // (qualified names: they bind to instances as methods, `ops::binds_as_method`)
    m.dict.set_str(
        "getitem",
        new_builtin("array.__getitem__", |a| {
            if a.pos.len() != 2 {
                return Err(type_error("__getitem__ expected 1 argument"));
            }
            getitem(a)
        }),
    );
    m.dict.set_str(
        "setitem",
        new_builtin("array.__setitem__", |a| {
            if a.pos.len() != 3 {
                return Err(type_error("__setitem__ expected 2 arguments"));
            }
            setitem(a)
        }),
    );
    m
}
