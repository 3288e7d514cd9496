//! Generators: the object layout (a suspended frame and a state), and the methods
//! `send`, `throw`, `close`, `__iter__` and `__next__`. Resuming a frame is
//! `interpreter/generators.rs`.

use crate::interpreter;
use crate::objects::iter::{iter_next_method, iter_self};
use crate::objects::native::{m, Method};
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::PyErr;
use crate::vm::{self, cls, C};
use metatracer::gc::{Gc, GcCell};
use metatracer::Trace;
use std::cell::Cell;

/// Generator states: not started yet.
pub const GEN_CREATED: u8 = 0;
/// Stopped at a `yield`.
pub const GEN_SUSPENDED: u8 = 1;
/// Running (re-entering it raises `ValueError`).
pub const GEN_RUNNING: u8 = 2;
/// Returned or raised: every further `next` raises `StopIteration`.
pub const GEN_DONE: u8 = 3;

/// `GeneratorObj::aflags` bit of a (non-async) generator: it is registered with the collector
/// for finalization (`interpreter/generators.rs`, `modules/finalize.rs`).
pub const G_GUARDED: u8 = 0x80;

#[repr(C)]
#[derive(Trace)]
pub struct GeneratorObj {
    pub kind: Kind,
    pub state: Cell<u8>,
    /// Async generators: `coroutine::AG_*` bits (an `asend`/`athrow` is in progress, the
    /// generator was closed, the first-iteration hook ran); other generators: `G_GUARDED`.
    pub aflags: Cell<u8>,
    pub frame: Gc<FrameObj>,
    pub name: Value,
    /// Async generators: the `sys.set_asyncgen_hooks` finalizer in force when it was first
    /// iterated (CPython's `ag_finalizer`), called instead of closing it when it is found
    /// unreachable while suspended (`modules/finalize.rs`); NULL otherwise.
    pub finalizer: GcCell<Value>,
}

downcast!(as_generator, GeneratorObj, Generator);

/// The methods of generators.
pub(crate) static METHODS: &[Method] = &[
    m("send(value, /)", |a| {
        let g = as_generator(a.pos[0]).unwrap();
        match interpreter::gen_resume(g, a.pos.get(1).copied().unwrap_or(Value::NONE), None)? {
            interpreter::GenResult::Yield(v) => Ok(v),
            interpreter::GenResult::Return(r) => Err(vm::stop_iteration(r)),
        }
    }),
    m("throw(typ, val=None, tb=None, /)", |a| {
        let g = as_generator(a.pos[0]).unwrap();
        let e = interpreter::coroutines::throw_arg(a.pos[1], a.pos.get(2).copied())?;
        match interpreter::gen_resume(g, Value::NONE, Some(e))? {
            interpreter::GenResult::Yield(v) => Ok(v),
            interpreter::GenResult::Return(r) => Err(vm::stop_iteration(r)),
        }
    }),
    m("close()", |a| {
        let g = as_generator(a.pos[0]).unwrap();
        if g.state.get() == GEN_CREATED || g.state.get() == GEN_DONE {
            g.state.set(GEN_DONE);
            return Ok(Value::NONE);
        }
        let e = vm::new_exception(cls(C::GeneratorExit), &[]);
        match interpreter::gen_resume(g, Value::NONE, Some(PyErr(e))) {
            Ok(interpreter::GenResult::Yield(_)) => {
                Err(vm::runtime_error("generator ignored GeneratorExit"))
            }
            Ok(interpreter::GenResult::Return(_)) => Ok(Value::NONE),
            Err(e)
                if vm::exc_matches(&e, C::GeneratorExit)
                    || vm::exc_matches(&e, C::StopIteration) =>
            {
                Ok(Value::NONE)
            }
            Err(e) => Err(e),
        }
    }),
    m("W:__iter__()", iter_self),
    m("W:__next__()", iter_next_method),
];
