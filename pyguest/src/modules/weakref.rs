//! `_weakref`: the native weak-reference module CPython's `Lib` imports (`weakref.py`,
//! `_weakrefset.py`, `_py_abc.py`, `threading` through `_weakrefset`).
//!
//! pyguest's weak references are the `ref`/`proxy` classes of its own `weakref` module
//! (`pyguest/lib/weakref.py`, over the collector's weak table in `weak.rs`), so this module
//! hands out those same objects: `ref`/`ReferenceType`, `proxy`, `ProxyType`,
//! `CallableProxyType`, `getweakrefcount`, `getweakrefs`; `isinstance(r, _weakref.ref)` holds for
//! every weak reference the program makes either way. `_remove_dead_weakref(d, key)` is native.
//!
//! Which `weakref` supplies them: the one in `sys.modules` when it is pyguest's (it has no
//! `__file__`); else pyguest's, imported normally, when no `weakref.py` on `sys.path` would
//! shadow it; else (CPython's `weakref.py` is the one being imported, e.g. with CPython's
//! `Lib` on `PYTHONPATH`) pyguest's source runs once more as the private module
//! `_pyguest_weakref`, so CPython's module can build on it without a circular import.
//!
//! Semantics are those of the collector (see `weak.rs`): a referent dies when a collection
//! finds it unreachable, not at its last `del`; callbacks run from `gc.collect()`.

use super::native_class::arg;
use super::*;

/// Names `_weakref` re-exports from pyguest's `weakref`.
const EXPORTS: &[&str] = &[
    "ref",
    "ReferenceType",
    "proxy",
    "ProxyType",
    "CallableProxyType",
    "getweakrefcount",
    "getweakrefs",
];

fn shadowed_on_sys_path() -> bool {
    vm().sys_path.get().as_slice().iter().any(|&p| {
        let dir = ops::str_of(p).unwrap_or_default();
        let dir = if dir.is_empty() { ".".into() } else { dir };
        let base = std::path::Path::new(&dir);
        base.join("weakref.py").is_file() || base.join("weakref/__init__.py").is_file()
    })
}

/// pyguest's own `weakref` module (see the module doc for which copy).
fn pyguest_weakref() -> PyResult<Value> {
    let modules = vm().modules.get();
    match modules.get_str("weakref") {
        Some(w) if as_module(w).is_some_and(|m| m.dict.get_str("__file__").is_none()) => {
            return Ok(w)
        }
        None if !shadowed_on_sys_path() => return crate::import::load_module("weakref"),
        _ => {}
    }
    if let Some(w) = modules.get_str("_pyguest_weakref") {
        return Ok(w);
    }
    let (_, src) = EMBEDDED
        .iter()
        .find(|(n, _)| *n == "weakref")
        .expect("weakref is embedded");
    run_embedded("_pyguest_weakref", src)
}

/// The `_weakref` module.
pub fn make() -> PyResult<Gc<ModuleObj>> {
    let src = pyguest_weakref()?;
    let m = new_module("_weakref", None);
    for &n in EXPORTS {
        m.dict.set_str(n, ops::getattr(src, vm::intern(n))?);
    }
    def(m, "_remove_dead_weakref", |a| {
        // delete d[key] if it is a dead weak reference (CPython: atomically)
        let d = arg(&a, 0, "dct", "_remove_dead_weakref")?;
        let key = arg(&a, 1, "key", "_remove_dead_weakref")?;
        if as_dict(d).is_none() {
            return Err(type_error(format!(
                "_remove_dead_weakref() argument 1 must be dict, not {}",
                vm::type_name(d)
            )));
        }
        if ops::contains(d, key)? {
            let r = ops::getitem(d, key)?;
            if ops::call(r, &[])?.is_none() {
                ops::delitem(d, key)?;
            }
        }
        Ok(Value::NONE)
    });
    Ok(m)
}
