//! Small helpers for native modules that define classes and plain attribute holders in Rust:
//! [`native_class`] (a class whose methods are `new_builtin` functions), [`namespace`] (an
//! instance of a one-off class carrying the given attributes, for things like `sys.flags`),
//! [`arg`]/[`opt_arg`] (positional-or-keyword argument access that reports a `TypeError`
//! instead of indexing past the argument vector) and [`report_exception`] (CPython's
//! "Exception ignored in ..." message with the traceback, for callbacks whose errors nobody
//! can catch: `atexit` functions, threads).
//!
//! The methods are builtins with qualified names (`lock.acquire`), which pyguest binds to the
//! instance like functions (`ops::binds_as_method`), so each receives `self` as `pos[0]`. State
//! lives in ordinary instance attributes, which the collector traces.

use crate::interpreter::PyResult;
use crate::objects::native::kwarg;
use crate::objects::*;
use crate::value::Value;
use crate::vm::{self, cls, type_error, C};
use metatracer::gc::Gc;

/// A class `module.name` (bases: `object`) with the given methods and class attributes.
pub fn native_class(
    module: &str,
    name: &str,
    methods: &[(&'static str, NativeFn)],
    attrs: &[(&str, Value)],
) -> Gc<ClassObj> {
    let ns = new_dict();
    ns.set_str("__module__", new_str(module));
    ns.set_str("__qualname__", new_str(name));
    for &(n, f) in methods {
        // a qualified name makes the builtin bind to instances like a method
        let qual: &'static str = Box::leak(format!("{name}.{n}").into_boxed_str());
        ns.set_str(n, new_builtin(qual, f));
    }
    for &(n, v) in attrs {
        ns.set_str(n, v);
    }
    let c = crate::objects::class::new_class(cls(C::type_), new_str(name), new_tuple(&[]), ns)
        .expect("a class with no bases and a plain namespace");
    as_class(c).expect("new_class returns a class")
}

/// An instance of a fresh class `module.name` whose attributes are `attrs`.
pub fn namespace(module: &str, name: &str, attrs: &[(&str, Value)]) -> Value {
    let c = native_class(module, name, &[], &[]);
    let inst = crate::objects::class::alloc_instance(c);
    for &(n, v) in attrs {
        crate::objects::ops::instance_set(inst, vm::intern(n), v);
    }
    Value::obj(inst)
}

/// Argument `i` (or keyword `name`) of a call to `func`, or a `TypeError`.
pub fn arg(a: &Args, i: usize, name: &str, func: &str) -> PyResult<Value> {
    opt_arg(a, i, name).ok_or_else(|| {
        type_error(format!(
            "{func}() missing required argument '{name}' (pos {})",
            i + 1
        ))
    })
}

/// Argument `i` (or keyword `name`), if given.
pub fn opt_arg(a: &Args, i: usize, name: &str) -> Option<Value> {
    a.pos.get(i).copied().or_else(|| kwarg(a, name))
}

/// Writes "`intro`: `repr(obj)`" and the exception's traceback to stderr (through the
/// `traceback` module when it imports, else just "Type: message").
pub fn report_exception(intro: &str, obj: Value, exc: Value) {
    use crate::objects::ops;
    vm::flush_stdout();
    let what = ops::repr(obj).unwrap_or_else(|_| "<object>".into());
    eprintln!("{intro}: {what}");
    let printed = crate::import::load_module("traceback")
        .and_then(|tb| ops::call_method(tb, "print_exception", &[exc]))
        .is_ok();
    if !printed {
        let msg = ops::str_of(exc).unwrap_or_default();
        let name = vm::class_name(vm::type_of(exc));
        if msg.is_empty() {
            eprintln!("{name}");
        } else {
            eprintln!("{name}: {msg}");
        }
    }
}
