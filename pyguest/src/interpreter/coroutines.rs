//! Coroutines and async generators at run time: what `await`, `async for` and `async with`
//! do with their operands (`GET_AWAITABLE`, `GET_AITER`, `GET_ANEXT`), and the awaitables
//! that drive an async generator (`asend`, `athrow`/`aclose`) or expose a coroutine as an
//! iterator (`coroutine.__await__()`).
//!
//! A coroutine and an async generator are generator objects whose code says which they are
//! (`objects/coroutine.rs`); they run through `gen_resume` like any generator. An `await`
//! is a `YIELD_FROM` delegation: whatever the innermost awaitable yields (a bare `yield` of a
//! `types.coroutine` generator, an `asyncio` future) travels out through every awaiting
//! frame to the code that called `send`, and the awaitable's return value is the result.
//!
//! An async generator's own `yield` is a `YIELD_VALUE` (its `await`s are `YIELD_FROM`s), so
//! when the frame stops, the instruction it stopped after tells an async `yield` (which the
//! `asend` awaitable turns into `StopIteration(value)`, the result of `await agen.asend()`)
//! from an `await` passing through (the value goes on out to the event loop). CPython wraps
//! the yielded value instead; reading the instruction needs no allocation.
//!
//! The awaitables are built-in iterator objects (`IterObj`, kinds `CoroWait`, `ASend`,
//! `AThrow`): `a` the generator, `b` the value or exception to start with, `i` the state
//! (`AW_INIT`, `AW_ITER`, `AW_CLOSED`). `sys.set_asyncgen_hooks`' `firstiter` hook runs when
//! an async generator is first iterated; the finalizer hook in force then is kept in the
//! generator and called when it is found unreachable while suspended (`modules/finalize.rs`).

use super::generators::{delegate, gen_resume, suspended_at, GenResult};
use super::make_exception;
use super::{PyErr, PyResult};
use crate::compiler::bytecode::Op;
use crate::objects::coroutine::{flavor, Flavor, AG_CLOSED, AG_HOOKED, AG_RUNNING};
use crate::objects::ops;
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::{self, cls, type_error, type_of, C};
use metatracer::gc::{Gc, Root};
use std::cell::RefCell;

/// Awaitable state: not started.
pub const AW_INIT: i64 = 0;
/// Awaitable state: running (the generator is between two resumptions by this awaitable).
pub const AW_ITER: i64 = 1;
/// Awaitable state: finished; awaiting it again is an error.
pub const AW_CLOSED: i64 = 2;

/// The object `await v` iterates (`place`: 0 a plain `await`, 1 the result of `__aenter__`,
/// 2 of `__aexit__`, for the error message).
pub fn get_awaitable(v: Value, place: u32) -> PyResult<Value> {
    if let Some(g) = as_generator(v) {
        match flavor(g) {
            Flavor::Coroutine => {
                if delegate(g).is_some() {
                    return Err(vm::runtime_error("coroutine is being awaited already"));
                }
                return Ok(v);
            }
            Flavor::Generator if g.frame.code.d.flags & CO_ITERABLE_COROUTINE != 0 => return Ok(v),
            _ => {}
        }
    }
    if is_await_iter(v).is_some() {
        return Ok(v);
    }
    let Some(m) = ops::lookup_type(type_of(v), "__await__") else {
        let t = vm::type_name(v);
        return Err(type_error(match place {
            1 => format!(
                "'async with' received an object from __aenter__ that does not implement __await__: {t}"
            ),
            2 => format!(
                "'async with' received an object from __aexit__ that does not implement __await__: {t}"
            ),
            _ => format!("object {t} can't be used in 'await' expression"),
        }));
    };
    let r = ops::call(m, &[v])?;
    if let Some(g) = as_generator(r) {
        let fl = flavor(g);
        if fl == Flavor::Coroutine || g.frame.code.d.flags & CO_ITERABLE_COROUTINE != 0 {
            return Err(type_error("__await__() returned a coroutine"));
        }
        if fl == Flavor::Generator {
            return Ok(r);
        }
    }
    if r.is_kind(Kind::Iter) || ops::lookup_type(type_of(r), "__next__").is_some() {
        return Ok(r);
    }
    Err(type_error(format!(
        "__await__() returned non-iterator of type '{}'",
        vm::type_name(r)
    )))
}

/// `GET_AITER`: `v.__aiter__()`, checked to have `__anext__`.
pub fn get_aiter(v: Value) -> PyResult<Value> {
    if let Some(g) = as_generator(v) {
        if flavor(g) == Flavor::AsyncGenerator {
            return Ok(v);
        }
    }
    let Some(m) = ops::lookup_type(type_of(v), "__aiter__") else {
        return Err(type_error(format!(
            "'async for' requires an object with __aiter__ method, got {}",
            vm::type_name(v)
        )));
    };
    let r = ops::call(m, &[v])?;
    let native_agen = as_generator(r).is_some_and(|g| flavor(g) == Flavor::AsyncGenerator);
    if !native_agen && ops::lookup_type(type_of(r), "__anext__").is_none() {
        return Err(type_error(format!(
            "'async for' received an object from __aiter__ that does not implement __anext__: {}",
            vm::type_name(r)
        )));
    }
    Ok(r)
}

/// `GET_ANEXT`: the awaitable of `aiter.__anext__()`.
pub fn get_anext(aiter: Value) -> PyResult<Value> {
    if let Some(g) = as_generator(aiter) {
        if flavor(g) == Flavor::AsyncGenerator {
            return new_asend(g, Value::NONE);
        }
    }
    let Some(m) = ops::lookup_type(type_of(aiter), "__anext__") else {
        return Err(type_error(format!(
            "'async for' requires an iterator with __anext__ method, got {}",
            vm::type_name(aiter)
        )));
    };
    let r = ops::call(m, &[aiter])?;
    get_awaitable(r, 0).map_err(|e| {
        if vm::exc_matches(&e, C::TypeError) {
            let te = type_error(format!(
                "'async for' received an invalid object from __anext__: {}",
                vm::type_name(r)
            ));
            if let Some(inst) = as_instance(te.0) {
                ops::instance_set(inst, vm::intern("__cause__"), e.0);
            }
            te
        } else {
            e
        }
    })
}

/// The awaitable iterator object behind `v` (`coroutine_wrapper`, `asend`, `athrow`,
/// `anext_awaitable`).
pub fn is_await_iter(v: Value) -> Option<Gc<IterObj>> {
    as_iter(v).filter(|it| {
        matches!(
            it.sub,
            IterKind::CoroWait | IterKind::ASend | IterKind::AThrow | IterKind::ANextDefault
        )
    })
}

/// `aiter(obj)`.
pub fn bi_aiter(a: Args) -> PyResult<Value> {
    let v = a.pos[0];
    if as_generator(v).is_some_and(|g| flavor(g) == Flavor::AsyncGenerator) {
        return Ok(v);
    }
    let Some(m) = ops::lookup_type(type_of(v), "__aiter__") else {
        return Err(type_error(format!(
            "'{}' object is not an async iterable",
            vm::type_name(v)
        )));
    };
    let r = ops::call(m, &[v])?;
    let native_agen = as_generator(r).is_some_and(|g| flavor(g) == Flavor::AsyncGenerator);
    if !native_agen && ops::lookup_type(type_of(r), "__anext__").is_none() {
        return Err(type_error(format!(
            "aiter() returned not an async iterator of type '{}'",
            vm::type_name(r)
        )));
    }
    Ok(r)
}

/// `anext(aiterator[, default])`: the awaitable of `__anext__()`; with a default, an
/// `anext_awaitable` whose `StopAsyncIteration` becomes the default.
pub fn bi_anext(a: Args) -> PyResult<Value> {
    let it = a.pos[0];
    let aw = if let Some(g) = as_generator(it).filter(|&g| flavor(g) == Flavor::AsyncGenerator) {
        new_asend(g, Value::NONE)?
    } else {
        let Some(m) = ops::lookup_type(type_of(it), "__anext__") else {
            return Err(type_error(format!(
                "'{}' object is not an async iterator",
                vm::type_name(it)
            )));
        };
        ops::call(m, &[it])?
    };
    match a.pos.get(1) {
        None => Ok(aw),
        Some(&default) => Ok(new_iter(IterKind::ANextDefault, aw, default, 0, 0, 0)),
    }
}

/// One step of an `anext_awaitable`.
fn anext_default_step(it: Gc<IterObj>, v: Value, throw: Option<PyErr>) -> PyResult<GenResult> {
    if it.i.get() == 0 {
        let inner = get_awaitable(it.a.get(), 0)?;
        it.a.set(inner);
        it.i.set(1);
    }
    let inner = it.a.get();
    let r = match throw {
        None => super::generators::send_to(inner, v),
        Some(e) => throw_into(inner, e),
    };
    match r {
        Err(e) if vm::exc_matches(&e, C::StopAsyncIteration) => Ok(GenResult::Return(it.b.get())),
        r => r,
    }
}

/// Throws `e` into an awaitable iterator (a generator object, one of ours, or any object
/// with a `throw` method; without one, `e` is raised here).
fn throw_into(sub: Value, e: PyErr) -> PyResult<GenResult> {
    if let Some(g) = as_generator(sub) {
        return gen_resume(g, Value::NONE, Some(e));
    }
    if let Some(it) = is_await_iter(sub) {
        return awaitable_send(it, Value::NONE, Some(e));
    }
    let Some(t) = ops::getattr_opt(sub, vm::intern("throw"))? else {
        return Err(e);
    };
    match ops::call(t, &[e.0]) {
        Ok(y) => Ok(GenResult::Yield(y)),
        Err(e2) if vm::exc_matches(&e2, C::StopIteration) => {
            let v = ops::getattr(e2.0, vm::intern("value")).unwrap_or(Value::NONE);
            Ok(GenResult::Return(v))
        }
        Err(e2) => Err(e2),
    }
}

/// `coroutine.__await__()`.
pub fn new_coro_wrapper(coro: Value) -> Value {
    new_iter(IterKind::CoroWait, coro, Value::NULL, AW_INIT, 0, 0)
}

/// `agen.asend(v)` (and `agen.__anext__()` with None).
pub fn new_asend(g: Gc<GeneratorObj>, v: Value) -> PyResult<Value> {
    first_iter_hook(g)?;
    Ok(new_iter(IterKind::ASend, Value::obj(g), v, AW_INIT, 0, 0))
}

/// `agen.athrow(exc)`, or `agen.aclose()` when `exc` is NULL.
pub fn new_athrow(g: Gc<GeneratorObj>, exc: Value) -> PyResult<Value> {
    first_iter_hook(g)?;
    Ok(new_iter(
        IterKind::AThrow,
        Value::obj(g),
        exc,
        AW_INIT,
        0,
        0,
    ))
}

/// One step of an awaitable: send `v` (or throw `throw`) into it. `Yield` is a value for the
/// event loop; `Return` ends the `await` with that result.
pub fn awaitable_send(it: Gc<IterObj>, v: Value, throw: Option<PyErr>) -> PyResult<GenResult> {
    let g = || as_generator(it.a.get()).expect("awaitable of a generator");
    match it.sub {
        IterKind::ASend => asend_step(it, g(), v, throw),
        IterKind::AThrow => athrow_step(it, g(), v, throw),
        IterKind::ANextDefault => anext_default_step(it, v, throw),
        _ => gen_resume(g(), v, throw),
    }
}

/// `close()` of an awaitable: a `coroutine_wrapper` closes its coroutine; `asend`/`athrow`
/// only stop (their generator stays as it is, as in CPython).
pub fn awaitable_close(it: Gc<IterObj>) -> PyResult<()> {
    if it.sub == IterKind::CoroWait {
        return close(as_generator(it.a.get()).expect("coroutine"));
    }
    if it.sub == IterKind::ANextDefault {
        // an `anext_awaitable` closes what it awaits
        let inner = it.a.get();
        if let Some(g) = as_generator(inner) {
            return close(g);
        }
        if let Some(sub) = is_await_iter(inner) {
            return awaitable_close(sub);
        }
        if let Some(c) = ops::getattr_opt(inner, vm::intern("close"))? {
            ops::call(c, &[])?;
        }
        return Ok(());
    }
    it.i.set(AW_CLOSED);
    Ok(())
}

fn set_flag(g: Gc<GeneratorObj>, bit: u8, on: bool) {
    let f = g.aflags.get();
    g.aflags.set(if on { f | bit } else { f & !bit });
}

/// The result of resuming an async generator seen through an `asend`/`athrow`: its async
/// `yield` becomes the awaitable's return value, its end `StopAsyncIteration`.
fn unwrap_agen(g: Gc<GeneratorObj>, r: PyResult<GenResult>) -> PyResult<GenResult> {
    match r {
        Ok(GenResult::Yield(y)) if suspended_at(g, Op::YIELD_VALUE) => {
            set_flag(g, AG_RUNNING, false);
            Ok(GenResult::Return(y))
        }
        Ok(GenResult::Yield(y)) => Ok(GenResult::Yield(y)),
        Ok(GenResult::Return(_)) => {
            set_flag(g, AG_RUNNING | AG_CLOSED, false);
            set_flag(g, AG_CLOSED, true);
            Err(PyErr(vm::new_exception(cls(C::StopAsyncIteration), &[])))
        }
        Err(e) => {
            if vm::exc_matches(&e, C::StopAsyncIteration) || vm::exc_matches(&e, C::GeneratorExit) {
                set_flag(g, AG_CLOSED, true);
            }
            set_flag(g, AG_RUNNING, false);
            Err(e)
        }
    }
}

fn asend_step(
    it: Gc<IterObj>,
    g: Gc<GeneratorObj>,
    mut v: Value,
    throw: Option<PyErr>,
) -> PyResult<GenResult> {
    match it.i.get() {
        AW_CLOSED => {
            return Err(vm::runtime_error(
                "cannot reuse already awaited __anext__()/asend()",
            ))
        }
        AW_INIT if throw.is_none() => {
            if g.aflags.get() & AG_RUNNING != 0 {
                it.i.set(AW_CLOSED);
                return Err(vm::runtime_error(
                    "anext(): asynchronous generator is already running",
                ));
            }
            if v.is_none() {
                v = it.b.get();
            }
            it.i.set(AW_ITER);
            set_flag(g, AG_RUNNING, true);
        }
        _ => {}
    }
    let r = unwrap_agen(g, gen_resume(g, v, throw));
    if !matches!(r, Ok(GenResult::Yield(_))) {
        it.i.set(AW_CLOSED);
    }
    r
}

fn athrow_step(
    it: Gc<IterObj>,
    g: Gc<GeneratorObj>,
    v: Value,
    throw: Option<PyErr>,
) -> PyResult<GenResult> {
    let aclose = it.b.get().is_null();
    let r = match it.i.get() {
        AW_CLOSED => {
            return Err(vm::runtime_error(
                "cannot reuse already awaited aclose()/athrow()",
            ))
        }
        AW_INIT => {
            if g.aflags.get() & AG_RUNNING != 0 {
                it.i.set(AW_CLOSED);
                return Err(vm::runtime_error(if aclose {
                    "aclose(): asynchronous generator is already running"
                } else {
                    "athrow(): asynchronous generator is already running"
                }));
            }
            if g.aflags.get() & AG_CLOSED != 0 || g.state.get() == GEN_DONE {
                it.i.set(AW_CLOSED);
                return Ok(GenResult::Return(Value::NONE));
            }
            if let Some(e) = throw {
                return Err(e);
            }
            if !v.is_none() {
                return Err(vm::runtime_error(
                    "can't send non-None value to a just-started coroutine",
                ));
            }
            it.i.set(AW_ITER);
            set_flag(g, AG_RUNNING, true);
            if aclose {
                set_flag(g, AG_CLOSED, true);
                let exit = vm::new_exception(cls(C::GeneratorExit), &[]);
                gen_resume(g, Value::NONE, Some(PyErr(exit)))
            } else {
                gen_resume(g, Value::NONE, Some(PyErr(it.b.get())))
            }
        }
        _ => gen_resume(g, v, throw),
    };
    if !aclose {
        let r = unwrap_agen(g, r);
        if !matches!(r, Ok(GenResult::Yield(_))) {
            it.i.set(AW_CLOSED);
        }
        return r;
    }
    // aclose(): an async `yield` means the generator ignored GeneratorExit; its end (or
    // GeneratorExit / StopAsyncIteration out of it) means the close is done
    match r {
        Ok(GenResult::Yield(_)) if suspended_at(g, Op::YIELD_VALUE) => {
            set_flag(g, AG_RUNNING, false);
            it.i.set(AW_CLOSED);
            Err(vm::runtime_error("async generator ignored GeneratorExit"))
        }
        Ok(GenResult::Yield(y)) => Ok(GenResult::Yield(y)),
        Ok(GenResult::Return(_)) => {
            set_flag(g, AG_RUNNING, false);
            it.i.set(AW_CLOSED);
            Ok(GenResult::Return(Value::NONE))
        }
        Err(e) => {
            set_flag(g, AG_RUNNING, false);
            it.i.set(AW_CLOSED);
            if vm::exc_matches(&e, C::StopAsyncIteration) || vm::exc_matches(&e, C::GeneratorExit) {
                Ok(GenResult::Return(Value::NONE))
            } else {
                Err(e)
            }
        }
    }
}

/// `close()` of a generator, coroutine or async generator (the synchronous one: an async
/// generator's `aclose()` is [`new_athrow`]): throws `GeneratorExit` in at the suspension
/// point; yielding again is a `RuntimeError`.
pub fn close(g: Gc<GeneratorObj>) -> PyResult<()> {
    if g.state.get() == GEN_CREATED || g.state.get() == GEN_DONE {
        g.state.set(GEN_DONE);
        return Ok(());
    }
    let e = vm::new_exception(cls(C::GeneratorExit), &[]);
    match gen_resume(g, Value::NONE, Some(PyErr(e))) {
        Ok(GenResult::Yield(_)) => Err(vm::runtime_error(format!(
            "{} ignored GeneratorExit",
            flavor(g).noun()
        ))),
        Ok(GenResult::Return(_)) => Ok(()),
        Err(e)
            if vm::exc_matches(&e, C::GeneratorExit) || vm::exc_matches(&e, C::StopIteration) =>
        {
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// The exception `throw(typ, val=None, tb=None)` raises: `typ` an exception instance, or a
/// class instantiated with `val`.
pub fn throw_arg(typ: Value, val: Option<Value>) -> PyResult<PyErr> {
    let mut e = typ;
    if let (Some(c), Some(v)) = (as_class(e), val.filter(|v| !v.is_none())) {
        // an instance of the class is thrown as it is, anything else is its argument
        if !vm::is_subclass(type_of(v), c) {
            e = ops::call(e, &[v])?;
        } else {
            e = v;
        }
    }
    Ok(PyErr(make_exception(e)?))
}

// ---------------------------------------------------------------- async generator hooks

thread_local! {
    /// `[firstiter, finalizer]` of `sys.set_asyncgen_hooks` (None when unset).
    static HOOKS: RefCell<Option<Root<ListObj>>> = const { RefCell::new(None) };
}

fn hooks() -> Gc<ListObj> {
    HOOKS.with(|h| {
        let mut h = h.borrow_mut();
        if h.is_none() {
            let l = as_list_exact(new_list_from(&[Value::NONE, Value::NONE])).unwrap();
            *h = Some(Root::new(l));
        }
        h.as_ref().unwrap().get()
    })
}

/// Runs the `firstiter` hook the first time an async generator is iterated.
fn first_iter_hook(g: Gc<GeneratorObj>) -> PyResult<()> {
    if g.aflags.get() & AG_HOOKED != 0 {
        return Ok(());
    }
    set_flag(g, AG_HOOKED, true);
    let fin = hooks().get(1);
    if !fin.is_none() {
        g.finalizer.set(fin);
    }
    let first = hooks().get(0);
    if !first.is_none() {
        ops::call(first, &[Value::obj(g)])?;
    }
    Ok(())
}

/// `sys.get_asyncgen_hooks()`: `(firstiter, finalizer)` (a plain tuple here, which unpacks
/// like CPython's struct sequence).
pub fn get_asyncgen_hooks(_a: Args) -> PyResult<Value> {
    let h = hooks();
    Ok(new_tuple(&[h.get(0), h.get(1)]))
}

/// `sys.set_asyncgen_hooks(firstiter=..., finalizer=...)`: an argument left out keeps its
/// hook; None removes it.
pub fn set_asyncgen_hooks(a: Args) -> PyResult<Value> {
    let h = hooks();
    let names = ["firstiter", "finalizer"];
    let mut new = [None, None];
    if a.pos.len() > 2 {
        return Err(type_error(format!(
            "set_asyncgen_hooks() takes at most 2 positional arguments ({} given)",
            a.pos.len()
        )));
    }
    for (i, &v) in a.pos.iter().enumerate() {
        new[i] = Some(v);
    }
    for (k, &v) in a.kwnames.iter().zip(a.kwvals) {
        let k = as_str(*k).map(|s| s.s.to_string()).unwrap_or_default();
        match names.iter().position(|n| *n == k) {
            Some(i) => new[i] = Some(v),
            None => {
                return Err(type_error(format!(
                    "set_asyncgen_hooks() got an unexpected keyword argument '{k}'"
                )))
            }
        }
    }
    for (i, v) in new.iter().enumerate() {
        if let Some(v) = *v {
            if !v.is_none() && !is_callable(v) {
                return Err(type_error(format!(
                    "callable {} expected, got {}",
                    names[i],
                    vm::type_name(v)
                )));
            }
        }
    }
    for (i, v) in new.iter().enumerate() {
        if let Some(v) = *v {
            h.set(i, v);
        }
    }
    Ok(Value::NONE)
}

fn is_callable(v: Value) -> bool {
    match v.kind() {
        Some(Kind::Function)
        | Some(Kind::Builtin)
        | Some(Kind::BoundMethod)
        | Some(Kind::Class) => true,
        _ => ops::lookup_type(type_of(v), "__call__").is_some(),
    }
}
