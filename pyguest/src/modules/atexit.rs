//! `atexit`: functions to call when the program ends.
//!
//! `register(func, *args, **kwargs)` appends `(func, args, kwargs)` to a list kept in the
//! module (`_callbacks`, so the collector sees it); `unregister(func)` drops every entry whose
//! function compares equal to `func`; `_run_exitfuncs()` calls them last-registered first and
//! empties the list; `_clear()`, `_ncallbacks()`. `main.rs` calls [`run_exitfuncs`] once the
//! main module has finished, after an uncaught exception's traceback was printed and also when
//! the program ended with `SystemExit`, as CPython does. An exception raised by a callback is
//! reported ("Exception ignored in atexit callback: ...", traceback on stderr) and the
//! remaining callbacks still run. Nothing runs when the process is killed by a signal or
//! leaves through `os._exit`.

use super::native_class::{arg, report_exception};
use super::*;
use crate::argvec::ArgVec;
use metatracer::gc::Root;

thread_local! {
    static CALLBACKS: RefCell<Option<Root<ListObj>>> = const { RefCell::new(None) };
}

fn callbacks() -> Option<Gc<ListObj>> {
    CALLBACKS.with(|c| c.borrow().as_ref().map(|r| r.get()))
}

fn register(a: Args) -> PyResult<Value> {
    let f = arg(&a, 0, "func", "register")?;
    let callable = vm().builtins.get().get_str("callable");
    if !callable.map_or(Ok(true), |c| ops::call(c, &[f]).and_then(ops::truthy))? {
        return Err(type_error("the first argument must be callable"));
    }
    let kw = new_dict();
    for (i, &k) in a.kwnames.iter().enumerate() {
        kw.set_item(k, a.kwvals[i])?;
    }
    let entry = new_tuple(&[f, new_tuple(&a.pos[1..]), Value::obj(kw)]);
    if let Some(l) = callbacks() {
        l.push(entry);
    }
    Ok(f)
}

fn unregister(a: Args) -> PyResult<Value> {
    let f = arg(&a, 0, "func", "unregister")?;
    let Some(l) = callbacks() else {
        return Ok(Value::NONE);
    };
    let mut i = 0;
    while i < l.len() {
        let entry = l.get(i);
        let g = as_tuple(entry)
            .map(|t| t.as_slice()[0])
            .unwrap_or(Value::NONE);
        if ops::eq(g, f)? {
            l.remove_at(i);
        } else {
            i += 1;
        }
    }
    Ok(Value::NONE)
}

/// Calls the registered functions, last first, and forgets them.
pub fn run_exitfuncs() {
    let Some(l) = callbacks() else {
        return;
    };
    while !l.is_empty() {
        let entry = l.remove_at(l.len() - 1);
        let Some(t) = as_tuple(entry) else { continue };
        let (f, args, kw) = (t.as_slice()[0], t.as_slice()[1], t.as_slice()[2]);
        let pos = as_tuple(args)
            .map(|t| ArgVec::from_slice(t.as_slice()))
            .unwrap_or_default();
        let (mut names, mut vals) = (ArgVec::new(), ArgVec::new());
        if let Some(d) = as_dict(kw) {
            for i in 0..d.entry_count() {
                let k = d.key_at(i);
                if !k.is_null() {
                    names.push(k);
                    vals.push(d.val_at(i));
                }
            }
        }
        let r = crate::interpreter::call_object(
            f,
            Args {
                pos: &pos,
                kwnames: &names,
                kwvals: &vals,
            },
        );
        if let Err(e) = r {
            report_exception("Exception ignored in atexit callback", f, e.0);
        }
    }
    vm::flush_stdout();
}

/// The `atexit` module.
pub fn make() -> Gc<ModuleObj> {
    let m = new_module("atexit", None);
    let l = new_list_cap(4);
    m.dict.set_str("_callbacks", Value::obj(l));
    CALLBACKS.with(|c| *c.borrow_mut() = Some(Root::new(l)));
    def(m, "register", register);
    def(m, "unregister", unregister);
    def(m, "_run_exitfuncs", |_| {
        run_exitfuncs();
        Ok(Value::NONE)
    });
    def(m, "_clear", |_| {
        if let Some(l) = callbacks() {
            l.clear();
        }
        Ok(Value::NONE)
    });
    def(m, "_ncallbacks", |_| {
        Ok(new_int(callbacks().map_or(0, |l| l.len()) as i64))
    });
    m
}
