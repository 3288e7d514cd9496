//! Exceptions: traceback entries, `__context__` chaining, exception-table lookup, `raise`
//! normalisation, `except` matching, and [`unwind`], which moves a frame to the handler of
//! the instruction that failed.
//!
//! The exception's `__traceback__` is a chain of traceback objects (`objects/traceback.rs`),
//! one prepended per frame the exception passes through (the frame that raised it, each
//! frame it leaves, and the frame that catches it), as CPython's `PyTraceBack_Here` does.
//! An entry holds its frame, so that frame is marked `escaped` and never recycled.

use super::frame::frame_line;
use super::{PyErr, PyResult};
use crate::objects::ops;
use crate::objects::traceback;
use crate::objects::*;
use crate::value::Value;
use crate::vm::{self, cls, intern, type_error, type_of, vm, C};
use metatracer::gc::Gc;

/// Prepends a traceback entry for frame `f` to exception `e` (once per frame in a row: the
/// frame that raised an exception and catches it gets one entry).
#[inline(never)]
pub(super) fn add_traceback(e: Value, f: Gc<FrameObj>) {
    let Some(inst) = as_instance(e) else { return };
    let key = intern("__traceback__");
    let head = match ops::instance_get(inst, key) {
        Some(t) if traceback::is_traceback(t) => t,
        _ => Value::NONE,
    };
    if let Some((frame, _, _)) = traceback::traceback_parts(head) {
        if frame == Value::obj(f) {
            return;
        }
    }
    // the entry keeps the frame (`tb_frame`): it must not be recycled
    f.escaped.set(true);
    let line = frame_line(f) as i64;
    // the failing instruction's byte offset (4 bytes an instruction, as `dis` shows them)
    let lasti = 4 * f.pc.get().saturating_sub(1) as i64;
    let tb = traceback::new_traceback(head, Value::obj(f), lasti, line);
    ops::instance_set(inst, key, tb);
}

/// Traceback entries (filename, line, function name), outermost first.
pub fn traceback_entries(e: Value) -> Vec<(String, u32, String)> {
    let mut out = Vec::new();
    let Some(inst) = as_instance(e) else {
        return out;
    };
    let mut tb = ops::instance_get(inst, intern("__traceback__")).unwrap_or(Value::NONE);
    // (a chain built by the program could loop: stop after a million entries)
    while let Some((frame, line, next)) = traceback::traceback_parts(tb) {
        if let Some(fr) = as_frame(frame) {
            let code = &fr.code.d;
            let line = line.as_small().unwrap_or(0) as u32;
            out.push((code.filename.to_string(), line, code.name.clone()));
        }
        if out.len() > 1_000_000 {
            break;
        }
        tb = next;
    }
    out
}

/// Whether an exception raised by the instruction at `pc` would be caught in the same frame
/// (a `try`, `with` or `finally` block covers it).
pub fn has_handler_at(d: &CodeData, pc: usize) -> bool {
    find_handler(d, pc).is_some()
}

fn find_handler(d: &CodeData, pc: usize) -> Option<ExcEntry> {
    let pc = pc as u32;
    d.exc_table
        .iter()
        .find(|e| e.start <= pc && pc < e.end)
        .copied()
}

pub(super) fn set_context(e: Value) {
    let h = vm().handled.get();
    if let Some(&top) = h.as_slice().last() {
        if top != e {
            if let Some(inst) = as_instance(e) {
                let key = intern("__context__");
                if ops::instance_get(inst, key).is_none() {
                    ops::instance_set(inst, key, top);
                }
            }
        }
    }
}

fn is_fresh(e: Value) -> bool {
    match as_instance(e) {
        Some(i) => ops::instance_get(i, intern("__traceback__")).is_none(),
        None => false,
    }
}

/// Normalizes `raise X`: a class is instantiated; anything else must be an exception.
pub fn make_exception(v: Value) -> PyResult<Value> {
    if let Some(c) = as_class(v) {
        if vm::is_subclass(c, cls(C::BaseException)) {
            return ops::call(v, &[]);
        }
    }
    if vm::isinstance_c(v, C::BaseException) {
        return Ok(v);
    }
    Err(type_error("exceptions must derive from BaseException"))
}

pub(super) fn exc_match(e: Value, t: Value) -> PyResult<bool> {
    if let Some(tu) = as_tuple_exact(t) {
        for &x in tu.as_slice() {
            if exc_match(e, x)? {
                return Ok(true);
            }
        }
        return Ok(false);
    }
    match as_class(t) {
        Some(c) if vm::is_subclass(c, cls(C::BaseException)) => Ok(vm::is_subclass(type_of(e), c)),
        _ => Err(type_error(
            "catching classes that do not inherit from BaseException is not allowed",
        )),
    }
}

/// Handles error `err` raised by the instruction before `f.pc` of frame `f` (whose `f.sp` is
/// up to date): records the traceback entry, then either moves the frame to the innermost
/// handler covering the instruction (stack cut to the handler's depth, the exception pushed,
/// `f.pc` at the handler; returns `Ok`) or returns the error to leave the frame.
pub(super) fn unwind(f: Gc<FrameObj>, err: PyErr) -> Result<(), PyErr> {
    let e = err.0;
    let pc = f.pc.get() as usize;
    if is_fresh(e) {
        set_context(e);
        add_traceback(e, f);
    }
    let d = &f.code.d;
    match find_handler(d, pc.saturating_sub(1)) {
        Some(h) => {
            // the catching frame is part of the traceback (CPython's tb starts there)
            add_traceback(e, f);
            let sp = d.varnames.len() + d.cellvars.len() + d.freevars.len() + h.depth as usize;
            f.regs.set(sp, e);
            f.sp.set(sp as u32 + 1);
            f.pc.set(h.handler);
            Ok(())
        }
        None => Err(err),
    }
}
