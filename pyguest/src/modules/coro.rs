//! The module-level surface of coroutines: `_pgcoro` (the native half of
//! `types.coroutine`) and the `sys` functions about async generators and coroutines
//! (`get_asyncgen_hooks`, `set_asyncgen_hooks`, the coroutine-origin tracking depth).
//!
//! `types.coroutine(genfunc)` in CPython sets `CO_ITERABLE_COROUTINE` on the function's code
//! in place; pyguest's code data is immutable and a function's code is fixed, so
//! `_pgcoro.iterable_coroutine(f)` returns a copy of `f` whose code is a copy with that flag
//! (same instructions, constants and names; fresh inline caches). `await` accepts the
//! generators it makes, and they may `yield from` coroutines.

use crate::import::new_module;
use crate::interpreter::coroutines::{get_asyncgen_hooks, set_asyncgen_hooks};
use crate::interpreter::PyResult;
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::{self, type_error};
use metatracer::gc::{self, Gc, GcCell};
use std::cell::Cell;

/// The `_pgcoro` module.
pub fn make() -> Gc<ModuleObj> {
    let m = new_module("_pgcoro", None);
    m.dict.set_str(
        "iterable_coroutine",
        new_builtin("iterable_coroutine", iterable_coroutine),
    );
    m
}

/// Adds the coroutine-related functions to `sys`.
pub fn install_sys(m: Gc<ModuleObj>) {
    let d = m.dict;
    d.set_str(
        "get_asyncgen_hooks",
        new_builtin("get_asyncgen_hooks", get_asyncgen_hooks),
    );
    d.set_str(
        "set_asyncgen_hooks",
        new_builtin("set_asyncgen_hooks", set_asyncgen_hooks),
    );
    d.set_str(
        "get_coroutine_origin_tracking_depth",
        new_builtin("get_coroutine_origin_tracking_depth", |_| {
            Ok(Value::small(ORIGIN_DEPTH.with(|d| d.get())))
        }),
    );
    d.set_str(
        "set_coroutine_origin_tracking_depth",
        new_builtin("set_coroutine_origin_tracking_depth", |a| {
            let Some(n) = a.pos.first().and_then(|v| v.as_small()) else {
                return Err(type_error(
                    "set_coroutine_origin_tracking_depth() expects an int depth",
                ));
            };
            if n < 0 {
                return Err(vm::value_error("depth must be >= 0"));
            }
            // recorded for the getter; pyguest keeps no origins (`cr_origin` is None)
            ORIGIN_DEPTH.with(|d| d.set(n));
            Ok(Value::NONE)
        }),
    );
}

thread_local! {
    static ORIGIN_DEPTH: Cell<i64> = const { Cell::new(0) };
}

/// `_pgcoro.iterable_coroutine(f)`: `f` with `CO_ITERABLE_COROUTINE` on a copy of its code.
fn iterable_coroutine(a: Args) -> PyResult<Value> {
    let Some(f) = a.pos.first().and_then(|&v| as_function(v)) else {
        return Err(type_error("iterable_coroutine() expects a function"));
    };
    let c = f.code;
    if c.d.flags & CO_GENERATOR == 0 {
        return Err(type_error(
            "iterable_coroutine() expects a generator function",
        ));
    }
    let d = &c.d;
    let data = CodeData {
        name: d.name.clone(),
        qualname: d.qualname.clone(),
        filename: d.filename.clone(),
        code: d.code.clone(),
        lines: d.lines.clone(),
        firstline: d.firstline,
        doc: d.doc.clone(),
        argcount: d.argcount,
        posonly: d.posonly,
        kwonly: d.kwonly,
        flags: d.flags | CO_ITERABLE_COROUTINE,
        varnames: d.varnames.clone(),
        cellvars: d.cellvars.clone(),
        freevars: d.freevars.clone(),
        cell_args: d.cell_args.clone(),
        stacksize: d.stacksize,
        exc_table: d.exc_table.clone(),
    };
    // (the method-cache site numbers of LOAD_METHOD live in `cache`, so it is copied)
    let cache: Box<[Cell<u64>]> = c.cache.iter().map(|x| Cell::new(x.get())).collect();
    let icache = gc::alloc_array(c.icache.len(), Value::NULL);
    let code = gc::alloc(CodeObj {
        kind: Kind::Code,
        consts: c.consts,
        names: c.names,
        cache,
        free_frames: GcCell::new(Value::NULL),
        icache,
        d: Box::new(data),
    });
    let nf = gc::alloc(FunctionObj {
        kind: Kind::Function,
        per_call: f.per_call,
        code,
        globals: f.globals,
        defaults: GcCell::new(f.defaults.get()),
        kwdefaults: GcCell::new(f.kwdefaults.get()),
        closure: f.closure,
        name: GcCell::new(f.name.get()),
        qualname: GcCell::new(f.qualname.get()),
        dict: GcCell::new(f.dict.get()),
        doc: GcCell::new(f.doc.get()),
    });
    Ok(Value::obj(nf))
}
