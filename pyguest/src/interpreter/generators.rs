//! Generators: creating one from a frame, resuming it with a value or a thrown exception
//! (forwarding to a `yield from` delegate), `next`, and the sub-iterator protocol of
//! `YIELD_FROM`.
//!
//! A generator owns its frame (marked escaped, so it is never recycled); resuming re-enters
//! the driver on that frame, which returns when the frame yields or finishes. Coroutines and
//! async generators are the same object and the same resumption (their flavor is their code's
//! flags, `objects/coroutine.rs`); only error wording and the exhausted-coroutine rule differ
//! here, the rest of their protocol is `coroutines.rs`.

use super::call::enter_depth;
use super::coroutines::{awaitable_send, is_await_iter};
use super::dispatch::{run_frame, Ctx, Stop};
use super::{PyErr, PyResult};
use crate::compiler::bytecode::Op;
use crate::objects::coroutine::{flavor, Flavor};
use crate::objects::generator::G_GUARDED;
use crate::objects::ops;
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::{self, intern, type_error, C};
use metatracer::gc::{self, Gc};
use std::cell::Cell;

pub(super) fn make_generator(f: Gc<FrameObj>, func: Gc<FunctionObj>) -> Value {
    f.escaped.set(true);
    Value::obj(gc::alloc(GeneratorObj {
        kind: Kind::Generator,
        state: Cell::new(GEN_CREATED),
        aflags: Cell::new(0),
        frame: f,
        name: func.name.get(),
        finalizer: gc::GcCell::new(Value::NULL),
    }))
}

pub enum GenResult {
    Yield(Value),
    Return(Value),
}

fn stop_value(e: &PyErr) -> Value {
    let args = ops::getattr(e.0, intern("args")).ok();
    args.and_then(as_tuple_exact)
        .and_then(|t| t.as_slice().first().copied())
        .unwrap_or(Value::NONE)
}

/// Sends `v` into a sub-iterator (for `yield from`).
pub(super) fn send_to(sub: Value, v: Value) -> PyResult<GenResult> {
    if let Some(g) = as_generator(sub) {
        return gen_resume(g, v, None);
    }
    if let Some(it) = is_await_iter(sub) {
        // `coroutine.__await__()`, `asend`, `athrow`: keep the return value (a plain
        // iterator's exhaustion would lose it)
        return awaitable_send(it, v, None);
    }
    let r = if v.is_none() {
        match ops::next(sub) {
            Ok(Some(x)) => return Ok(GenResult::Yield(x)),
            Ok(None) => return Ok(GenResult::Return(Value::NONE)),
            Err(e) => Err(e),
        }
    } else {
        ops::call_method(sub, "send", &[v])
    };
    match r {
        Ok(x) => Ok(GenResult::Yield(x)),
        Err(e) if vm::exc_matches(&e, C::StopIteration) => Ok(GenResult::Return(stop_value(&e))),
        Err(e) => Err(e),
    }
}

/// Resumes a generator with a sent value or a thrown exception.
pub fn gen_resume(g: Gc<GeneratorObj>, v: Value, throw: Option<PyErr>) -> PyResult<GenResult> {
    let fl = flavor(g);
    match g.state.get() {
        GEN_RUNNING => return Err(vm::value_error(format!("{} already executing", fl.noun()))),
        GEN_DONE => {
            if fl == Flavor::Coroutine {
                return Err(vm::runtime_error("cannot reuse already awaited coroutine"));
            }
            return match throw {
                Some(e) => Err(e),
                None => Ok(GenResult::Return(Value::NONE)),
            };
        }
        GEN_CREATED => {
            if let Some(e) = throw {
                g.state.set(GEN_DONE);
                return Err(e);
            }
            if !v.is_none() {
                return Err(type_error(format!(
                    "can't send non-None value to a just-started {}",
                    fl.noun()
                )));
            }
        }
        _ => {}
    }
    let f = g.frame;
    let mut pending = throw;
    if g.state.get() == GEN_SUSPENDED {
        let pc = f.pc.get() as usize;
        let at_yield_from = suspended_at(g, Op::YIELD_FROM);
        if at_yield_from {
            if let Some(e) = pending.take() {
                // forward the exception to the delegate
                let sp = f.sp.get() as usize;
                let sub = f.regs.get(sp - 1);
                let r = if let Some(sg) = as_generator(sub) {
                    g.state.set(GEN_RUNNING);
                    let r = gen_resume(sg, Value::NONE, Some(e));
                    g.state.set(GEN_SUSPENDED);
                    r
                } else if vm::exc_matches(&e, C::GeneratorExit) {
                    if let Ok(Some(c)) = ops::getattr_opt(sub, intern("close")) {
                        ops::call(c, &[])?;
                    }
                    Err(e)
                } else {
                    match ops::getattr_opt(sub, intern("throw"))? {
                        Some(t) => match ops::call(t, &[e.0]) {
                            Ok(x) => Ok(GenResult::Yield(x)),
                            Err(e2) if vm::exc_matches(&e2, C::StopIteration) => {
                                Ok(GenResult::Return(stop_value(&e2)))
                            }
                            Err(e2) => Err(e2),
                        },
                        None => Err(e),
                    }
                };
                match r {
                    Ok(GenResult::Yield(y)) => return Ok(GenResult::Yield(y)),
                    Ok(GenResult::Return(r)) => {
                        f.regs.set(sp - 1, r);
                    }
                    Err(e2) => {
                        f.sp.set(sp as u32 - 1);
                        pending = Some(e2);
                    }
                }
            } else {
                // re-run YIELD_FROM with the sent value
                let sp = f.sp.get() as usize;
                f.regs.set(sp, v);
                f.sp.set(sp as u32 + 1);
                f.pc.set(pc as u32 - 1);
            }
        } else if pending.is_none() {
            let sp = f.sp.get() as usize;
            f.regs.set(sp, v);
            f.sp.set(sp as u32 + 1);
        }
    }
    enter_depth()?;
    g.state.set(GEN_RUNNING);
    f.yielded.set(false);
    let saved = super::frame::current_frame_addr();
    let r = run_frame(f, pending);
    super::frame::swap_current_frame(saved);
    if f.yielded.get() {
        g.state.set(GEN_SUSPENDED);
        note_suspended(g, fl);
    } else {
        g.state.set(GEN_DONE);
    }
    match r {
        Ok(v) if f.yielded.get() => Ok(GenResult::Yield(v)),
        Ok(v) => Ok(GenResult::Return(v)),
        Err(e) => Err(escaped_error(e, fl)),
    }
}

/// The exception a generator's caller sees when `e` leaves the generator's frame: a
/// `StopIteration` (or an async generator's `StopAsyncIteration`) becomes a `RuntimeError`
/// caused by it (PEP 479).
fn escaped_error(e: PyErr, fl: Flavor) -> PyErr {
    let bad = if vm::exc_matches(&e, C::StopIteration) {
        Some("StopIteration")
    } else if fl == Flavor::AsyncGenerator && vm::exc_matches(&e, C::StopAsyncIteration) {
        Some("StopAsyncIteration")
    } else {
        None
    };
    if let Some(what) = bad {
        let re = vm::runtime_error(format!("{} raised {what}", fl.noun()));
        if let Some(inst) = as_instance(re.0) {
            ops::instance_set(inst, intern("__cause__"), e.0);
        }
        return re;
    }
    e
}

/// Whether `g` is suspended just after an instruction `op` (`YIELD_FROM`: awaiting or
/// delegating; `YIELD_VALUE`: a plain `yield`, which in an async generator is its output).
pub fn suspended_at(g: Gc<GeneratorObj>, op: Op) -> bool {
    let pc = g.frame.pc.get() as usize;
    g.state.get() == GEN_SUSPENDED
        && pc > 0
        && crate::compiler::bytecode::decode(g.frame.code.d.code[pc - 1]).0 == op
}

/// Whether `g` delegates (`yield from`) to a generator that delegates in turn.
fn delegates_twice(g: Gc<GeneratorObj>) -> bool {
    delegate(g)
        .and_then(as_generator)
        .is_some_and(|d| suspended_at(d, Op::YIELD_FROM))
}

/// The iterator `g` is delegating to (`yield from`, `await`), if it is suspended in one.
pub fn delegate(g: Gc<GeneratorObj>) -> Option<Value> {
    if suspended_at(g, Op::YIELD_FROM) {
        let sp = g.frame.sp.get() as usize;
        Some(g.frame.regs.get(sp - 1))
    } else {
        None
    }
}

/// `next(gen)`: `None` when the generator finished.
pub fn gen_next(g: Gc<GeneratorObj>) -> PyResult<Option<Value>> {
    match gen_resume(g, Value::NONE, None)? {
        GenResult::Yield(v) => Ok(Some(v)),
        GenResult::Return(_) => Ok(None),
    }
}

/// Called when `g` has just suspended: registers it with the collector (`gc::guard`) if it
/// is suspended inside a handler (a `try`, `with` or `finally` whose clean-up must run when
/// the generator is dropped; `modules/finalize.rs` closes it once it is unreachable), or if
/// it is an async generator with a finalizer hook (`finalize.rs` calls the hook, as CPython
/// does for any suspended async generator that has one: asyncio then schedules `aclose()`).
#[inline]
fn note_suspended(g: Gc<GeneratorObj>, fl: Flavor) {
    if g.aflags.get() & G_GUARDED != 0 {
        return;
    }
    if fl == Flavor::AsyncGenerator && !g.finalizer.get().is_null() {
        g.aflags.set(g.aflags.get() | G_GUARDED);
        metatracer::gc::guard(g);
        return;
    }
    let f = g.frame;
    let d = &f.code.d;
    if d.exc_table.is_empty() {
        return;
    }
    // the instruction that yielded precedes the resume point
    if super::exceptions::has_handler_at(d, (f.pc.get() as usize).saturating_sub(1)) {
        g.aflags.set(g.aflags.get() | G_GUARDED);
        metatracer::gc::guard(g);
    }
}

// ---------------------------------------------------------------- resuming inside the dispatch loop

/// Whether the running frame `f` belongs to a generator resumed inside the dispatch loop by
/// [`resume_inline`]: it yields and returns by switching `Ctx` back to `f.back` (its
/// consumer), not by leaving the loop. A generator resumed by [`gen_resume`] runs as an entry
/// frame of `run_frame` (`entry` set); only frames of generator code are ever resumed.
#[inline(always)]
pub(super) fn is_inline_gen(f: Gc<FrameObj>) -> bool {
    !f.entry.get() && f.code.d.flags & CO_GENERATOR != 0
}

/// The generator whose frame `f` runs inline for consumer frame `back`: the consumer is
/// suspended in its `FOR_ITER`, `YIELD_FROM` or `CALL` of `next` with the generator on top of
/// its stack.
fn inline_gen_of(f: Gc<FrameObj>, back: Gc<FrameObj>) -> Gc<GeneratorObj> {
    let g = as_generator(back.regs.get(back.sp.get() as usize - 1))
        .expect("an inline generator's consumer has the generator on top of its stack");
    debug_assert!(Gc::ptr_eq(g.frame, f));
    g
}

/// `FOR_ITER` or `next(g)` (`v` None) or `YIELD_FROM` (`v` the sent value) on generator `g`
/// in the running frame, whose next instruction is `pc` and whose stack has `g` on top: switches `Ctx` to
/// `g`'s frame, linked to the running frame as the one its `yield` and `return` go back to
/// (no Rust recursion, so a trace goes on into the generator's body, as into a called
/// function). `None` when `g` is not a plain generator that can simply go on (not started
/// and sent a value, running, finished, a coroutine or an async generator): the caller takes
/// the general path ([`gen_resume`]), which raises what must be raised.
///
/// `jitted` (the resume is made by compiled code, a trace or the blackhole): a generator
/// suspended in its own `YIELD_FROM` on a generator that is itself suspended in one (a chain
/// of at least two delegations) takes the general path too, which runs it (and the chain of
/// generators it delegates to, switched inline by the interpreter) in a nested loop. A
/// trace that followed such a chain (a recursive generator: a tree walked by `yield from`)
/// guarded on every level's position, one bridge per path down the chain: pyperformance's
/// `generators` compiled about 450 bridges per pass and never stopped, 2.5x the time of the
/// interpreter.
pub(super) fn resume_inline(
    cx: &mut Ctx,
    g: Gc<GeneratorObj>,
    pc: usize,
    v: Value,
    jitted: bool,
) -> Option<Stop> {
    let f = g.frame;
    if f.code.d.flags & (CO_COROUTINE | CO_ASYNC_GENERATOR) != 0 {
        return None;
    }
    let st = g.state.get();
    if !(st == GEN_SUSPENDED || (st == GEN_CREATED && v.is_none())) {
        return None;
    }
    if jitted && delegates_twice(g) {
        return None;
    }
    if let Err(e) = enter_depth() {
        return Some(Stop::raise(e));
    }
    if st == GEN_SUSPENDED {
        let at_yield_from = suspended_at(g, Op::YIELD_FROM);
        let sp = f.sp.get() as usize;
        f.regs.set(sp, v);
        f.sp.set(sp as u32 + 1);
        if at_yield_from {
            // re-run `YIELD_FROM` with the sent value
            f.pc.set(f.pc.get() - 1);
        }
    }
    g.state.set(GEN_RUNNING);
    f.entry.set(false);
    f.yielded.set(false);
    cx.f.pc.set(pc as u32);
    cx.f.sp.set(cx.sp as u32);
    Some(cx.switch_call(f).err().unwrap_or(Stop::SWITCH))
}

/// `next(arg)` called as `callable` (the instruction `CALL 1` with `[NULL, callable, arg]` on
/// the stack): the generator to resume inline when `callable` is the built-in `next` and
/// `arg` a generator.
#[inline]
pub(super) fn next_target(callable: Value, arg: Value) -> Option<Gc<GeneratorObj>> {
    let b = as_builtin(callable)?;
    if b.name != "next" || !b.bound.is_null() {
        return None;
    }
    let g = as_generator(arg)?;
    (vm::vm().builtins.get().get_str("next") == Some(callable)).then_some(g)
}

/// A yield of `v` by the running frame (its `pc` and `sp` saved): from a generator resumed
/// inline, switch `Ctx` back to its consumer, which takes the value (`FOR_ITER`) or, being a
/// generator delegating to it (`YIELD_FROM`), yields it in turn; from an entry frame (or when
/// the chain of delegating generators reaches one), leave the loop with it.
pub(super) fn yield_to_consumer(cx: &mut Ctx, v: Value) -> Stop {
    let mut f = cx.f;
    loop {
        if !is_inline_gen(f) {
            if !Gc::ptr_eq(f, cx.f) {
                cx.switch_to(f);
            }
            return Stop::yielded(v);
        }
        let back = f.back.get().unwrap();
        let g = inline_gen_of(f, back);
        unlink(f);
        g.state.set(GEN_SUSPENDED);
        note_suspended(g, Flavor::Generator);
        let vm = vm::vm();
        vm.depth.set(vm.depth.get() - 1);
        let bpc = back.pc.get() as usize;
        let op = crate::compiler::bytecode::decode(back.code.d.code[bpc - 1]).0;
        if op != Op::YIELD_FROM {
            // `FOR_ITER` pushes the value; `next(g)` (`CALL`) replaces `[NULL, next, g]` by it
            let sp = back.sp.get() as usize - if op == Op::CALL { 3 } else { 0 };
            back.regs.set(sp, v);
            back.sp.set(sp as u32 + 1);
            cx.switch_to(back);
            return Stop::SWITCH;
        }
        // `back` delegates to `g` (`yield from`): it yields `v` itself
        f = back;
    }
}

/// Clears the link of a generator's frame to its consumer (the generator stops running).
#[inline(always)]
fn unlink(f: Gc<FrameObj>) {
    // SAFETY: storing `None` creates no reference, so it needs no write barrier; nothing
    // holds a reference into the cell.
    unsafe { *f.back.as_ptr() = None };
}

/// `RETURN_VALUE` of `v` in a generator frame resumed inline (its `pc` and `sp` saved): the
/// generator is finished; its consumer's `FOR_ITER` ends the loop (pops the generator and
/// jumps past the loop), its `next(g)` raises `StopIteration(v)`, or its `YIELD_FROM` gives
/// `v`. Switches `Ctx` to the consumer.
pub(super) fn return_to_consumer(cx: &mut Ctx, v: Value) -> Stop {
    let f = cx.f;
    let back = f.back.get().unwrap();
    let g = inline_gen_of(f, back);
    unlink(f);
    g.state.set(GEN_DONE);
    let vm = vm::vm();
    vm.depth.set(vm.depth.get() - 1);
    let bpc = back.pc.get() as usize;
    let (op, arg) = crate::compiler::bytecode::decode(back.code.d.code[bpc - 1]);
    let sp = back.sp.get() as usize;
    if op == Op::FOR_ITER {
        back.sp.set(sp as u32 - 1);
        back.pc.set(arg);
    } else if op == Op::CALL {
        // `next(g)` raises `StopIteration(v)` where it was called
        back.sp.set(sp as u32 - 3);
        cx.switch_to(back);
        return Stop::switch_raise(vm::stop_iteration(v));
    } else {
        back.regs.set(sp - 1, v);
    }
    cx.switch_to(back);
    Stop::SWITCH
}

/// Exception `e` leaves generator frame `f`, resumed inline for consumer `back`
/// (`run_frame`, which raises the result in `back`): the generator is finished, and a
/// `StopIteration` becomes a `RuntimeError`.
pub(super) fn inline_gen_failed(f: Gc<FrameObj>, back: Gc<FrameObj>, e: PyErr) -> PyErr {
    let g = inline_gen_of(f, back);
    g.state.set(GEN_DONE);
    escaped_error(e, Flavor::Generator)
}
