//! Traceback objects (`types.TracebackType`): one per frame an exception passed through,
//! the exception's `__traceback__` naming the outermost one (where it was caught, or the
//! last frame it left) and `tb_next` leading inward to the frame that raised it, as in
//! CPython. They are instances of the built-in class `traceback` with four attributes:
//! `tb_frame` (the frame, kept from recycling: `escaped` is set when the entry is made),
//! `tb_lineno` (the line at the time of the exception, while the frame's `f_lineno` moves
//! on), `tb_lasti` (the byte offset of the instruction in pyguest's own bytecode, as `dis`
//! shows it) and `tb_next`.
//! The interpreter prepends one per frame (`interpreter/exceptions.rs` `add_traceback`);
//! Python code may build them too (`TracebackType(tb_next, tb_frame, tb_lasti, tb_lineno)`).

use crate::objects::native::Method;
use crate::objects::ops;
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::{self, cls, intern, PyResult, C};
use metatracer::gc::Gc;

/// A new traceback entry for `frame` at `lineno` in front of `next` (a traceback or None).
pub fn new_traceback(next: Value, frame: Value, lasti: i64, lineno: i64) -> Value {
    let inst = crate::objects::class::alloc_instance(cls(C::traceback));
    set_fields(inst, next, frame, Value::small(lasti), Value::small(lineno));
    Value::obj(inst)
}

fn set_fields(inst: Gc<InstanceObj>, next: Value, frame: Value, lasti: Value, lineno: Value) {
    ops::instance_set(inst, intern("tb_next"), next);
    ops::instance_set(inst, intern("tb_frame"), frame);
    ops::instance_set(inst, intern("tb_lasti"), lasti);
    ops::instance_set(inst, intern("tb_lineno"), lineno);
}

/// Whether `v` is a traceback object.
pub fn is_traceback(v: Value) -> bool {
    as_instance(v).is_some_and(|i| vm::is_subclass(i.cls.get(), cls(C::traceback)))
}

/// The `(tb_frame, tb_lineno, tb_next)` of traceback `tb`, or None for anything else.
pub fn traceback_parts(tb: Value) -> Option<(Value, Value, Value)> {
    let inst = as_instance(tb).filter(|_| is_traceback(tb))?;
    let get = |n: &str| ops::instance_get(inst, intern(n)).unwrap_or(Value::NONE);
    Some((get("tb_frame"), get("tb_lineno"), get("tb_next")))
}

/// `types.TracebackType(tb_next, tb_frame, tb_lasti, tb_lineno)`, with CPython's checks.
pub fn new_traceback_from(a: Args) -> PyResult<Value> {
    if a.pos.len() != 4 || !a.kwnames.is_empty() {
        return Err(vm::type_error(format!(
            "TracebackType() takes exactly 4 positional arguments ({} given)",
            a.pos.len() + a.kwnames.len()
        )));
    }
    let (next, frame, lasti, lineno) = (a.pos[0], a.pos[1], a.pos[2], a.pos[3]);
    if !next.is_none() && !is_traceback(next) {
        return Err(vm::type_error(format!(
            "expected traceback object or None, got '{}'",
            vm::type_name(next)
        )));
    }
    if !frame.is_kind(Kind::Frame) {
        return Err(vm::type_error(format!(
            "TracebackType() argument 'tb_frame' must be frame, not {}",
            vm::type_name(frame)
        )));
    }
    for v in [lasti, lineno] {
        if !v.is_int() {
            return Err(vm::type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                vm::type_name(v)
            )));
        }
    }
    let inst = crate::objects::class::alloc_instance(cls(C::traceback));
    set_fields(inst, next, frame, lasti, lineno);
    Ok(Value::obj(inst))
}

/// The methods of `traceback`: none; its constructor is [`new_traceback_from`] and its
/// attributes are the instance's.
pub(crate) static METHODS: &[Method] = &[];
