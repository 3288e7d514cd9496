//! Opcode handlers of calls and control transfer between frames and protocols: `CALL*`,
//! `MAKE_FUNCTION`, `RETURN_VALUE`, `YIELD_*`, `RAISE_VARARGS`/`RERAISE` and the exception
//! handler ops, `with`/`async with`, awaiting, imports, class building and pattern matching.
//! Part of [`super::opcodes`] (re-exported there, so the dispatch loop names them
//! `opcodes::x`); the conventions are that module's.

use super::call::{enter_depth, ex_args, setup_frame};
use super::coroutines;
use super::dispatch::{Ctx, Step, Stop};
use super::exceptions::{exc_match, make_exception, set_context};
use super::frame::{release_frame, set_cur};
use super::generators::{
    make_generator, next_target, resume_inline, return_to_consumer, send_to, yield_to_consumer,
    GenResult,
};
use super::PyErr;
use crate::compiler::bytecode::Op;
use crate::objects::ops::{self, ArgVec};
use crate::objects::*;
use crate::value::{is_null, kind_byte, Kind, Value};
use crate::vm::{self, intern, type_error, type_of, vm, C};
use metatracer::gc::{self, Gc, GcCell};

use super::opcodes::*;

/// `CALL`, `CALL_KW`, `CALL_EX`.
#[inline(always)]
pub(super) fn call(cx: &mut Ctx, pc: usize, arg: u32, op: Op) -> Step {
    let (kwnames, kwcount) = if op == Op::CALL_KW {
        let t = cx.pop();
        let n = as_tuple_exact(t).unwrap().len();
        (t, n)
    } else {
        (Value::NULL, 0)
    };
    let (base, callable, args_start) = if op == Op::CALL_EX {
        let nextra = if arg & 1 != 0 { 2 } else { 1 };
        let base = cx.sp - nextra - 2;
        (base, cx.regs.get(base + 1), base + 2)
    } else {
        let argc = arg as usize;
        let base = cx.sp - argc - 2;
        let a = cx.regs.get(base);
        if a.is_null() {
            (base, cx.regs.get(base + 1), base + 2)
        } else {
            (base, a, base + 1)
        }
    };
    // `C(args)` and `obj.method(args)` through a bound method: the
    // callable's stack slot takes the instance / self, so the arguments
    // are passed in place (no copy).
    if op != Op::CALL_EX && args_start == base + 2 {
        let mut init_of = None;
        let mut slf = Value::NULL;
        let mut target = None;
        if let Some(c) = as_class(callable) {
            if let Some(init) = crate::objects::class::cached_init(c) {
                slf = Value::obj(crate::objects::class::alloc_instance(c));
                init_of = Some(slf);
                target = Some(init);
            }
        } else if let Some(bm) = as_bound(callable) {
            if let Some(func) = as_function(bm.func) {
                if func.code.d.flags & CO_GENERATOR == 0 {
                    slf = bm.slf;
                    target = Some(func);
                }
            }
        }
        if let Some(func) = target {
            cx.regs.set(base + 1, slf);
            let kwt = kwt_of(kwnames);
            let all = &cx.regs.as_slice()[base + 1..cx.sp];
            let npos = all.len() - kwcount;
            let args = Args {
                pos: &all[..npos],
                kwnames: match &kwt {
                    Some(t) => t.as_slice(),
                    None => &[],
                },
                kwvals: &all[npos..],
            };
            let nf = setup_frame(func, args)?;
            if let Some(inst) = init_of {
                nf.ns_c.set(inst);
            }
            enter_depth()?;
            cx.f.pc.set(pc as u32);
            cx.f.sp.set(base as u32);
            return cx.switch_call(nf);
        }
    }
    if op == Op::CALL && arg == 1 && args_start == base + 2 {
        // `next(gen)`: resume the generator inside the loop
        if let Some(g) = next_target(callable, cx.regs.get(base + 2)) {
            if let Some(s) = resume_inline(cx, g, pc, Value::NONE, false) {
                return Err(s);
            }
        }
    }
    // owned argument storage for CALL_EX
    let ex;
    let kwt = as_tuple_exact(kwnames);
    let args = if op == Op::CALL_EX {
        let kw = if arg & 1 != 0 {
            cx.regs.get(cx.sp - 1)
        } else {
            Value::NULL
        };
        ex = ex_args(cx.regs.get(args_start), kw)?;
        Args {
            pos: &ex.0,
            kwnames: &ex.1,
            kwvals: &ex.2,
        }
    } else {
        let all = &cx.regs.as_slice()[args_start..cx.sp];
        let npos = all.len() - kwcount;
        Args {
            pos: &all[..npos],
            kwnames: match &kwt {
                Some(t) => t.as_slice(),
                None => &[],
            },
            kwvals: &all[npos..],
        }
    };
    // Python functions: switch frames without recursing
    if let Some(func) = as_function(callable) {
        let nf = setup_frame(func, args)?;
        if func.code.d.flags & CO_GENERATOR != 0 {
            cx.sp = base;
            cx.push(make_generator(nf, func));
            return Ok(());
        }
        enter_depth()?;
        cx.f.pc.set(pc as u32);
        cx.f.sp.set(base as u32);
        return cx.switch_call(nf);
    }
    if let Some(c) = as_class(callable) {
        if let Some((inst, init)) = crate::objects::class::fast_new(c, args)? {
            let mut v = ArgVec::with_capacity(args.pos.len() + 1);
            v.push(inst);
            v.extend_from_slice(args.pos);
            let nf = setup_frame(init, Args { pos: &v, ..args })?;
            nf.ns_c.set(inst);
            enter_depth()?;
            cx.f.pc.set(pc as u32);
            cx.f.sp.set(base as u32);
            return cx.switch_call(nf);
        }
    }
    if let Some(bm) = as_bound(callable) {
        if let Some(func) = as_function(bm.func) {
            let mut v = ArgVec::with_capacity(args.pos.len() + 1);
            v.push(bm.slf);
            v.extend_from_slice(args.pos);
            let nf = setup_frame(func, Args { pos: &v, ..args })?;
            if func.code.d.flags & CO_GENERATOR != 0 {
                cx.sp = base;
                cx.push(make_generator(nf, func));
                return Ok(());
            }
            enter_depth()?;
            cx.f.pc.set(pc as u32);
            cx.f.sp.set(base as u32);
            return cx.switch_call(nf);
        }
    }
    cx.f.pc.set(pc as u32);
    let r = super::call::call_object_from_bytecode(callable, args);
    set_cur(cx.f);
    let r = r?;
    cx.sp = base;
    cx.push(r);
    Ok(())
}

/// `MAKE_FUNCTION`.
#[inline(never)]
pub(super) fn make_function(cx: &mut Ctx, arg: u32) -> Step {
    let cv = cx.pop();
    if as_code(cv).is_none() {
        eprintln!(
            "MAKE_FUNCTION got {cv:?}; consts {:?} sp {} stack_base {}",
            cx.consts.as_slice(),
            cx.sp,
            cx.stack_base
        );
    }
    let c = as_code(cv).unwrap();
    let closure = if arg & 8 != 0 { cx.pop() } else { Value::NULL };
    let kwdefaults = if arg & 2 != 0 { cx.pop() } else { Value::NULL };
    let defaults = if arg & 1 != 0 { cx.pop() } else { Value::NULL };
    let func = gc::alloc(FunctionObj {
        kind: Kind::Function,
        per_call: cx.code.d.flags & crate::compiler::bytecode::CO_NAMESPACE == 0,
        code: c,
        globals: cx.f.globals(),
        defaults: GcCell::new(defaults),
        kwdefaults: GcCell::new(kwdefaults),
        closure,
        name: GcCell::new(vm::intern(&c.d.name)),
        qualname: GcCell::new(new_str(&c.d.qualname)),
        dict: GcCell::new(Value::NULL),
        doc: GcCell::new(match &c.d.doc {
            Some(d) => new_str(d),
            None => Value::NONE,
        }),
    });
    cx.push(Value::obj(func));
    Ok(())
}

/// `RETURN_VALUE`.
#[inline(always)]
pub(super) fn return_value(cx: &mut Ctx, pc: usize) -> Step {
    let v = cx.pop();
    let f = cx.f;
    f.pc.set(pc as u32);
    f.sp.set(cx.sp as u32);
    if f.entry.get() {
        return Err(Stop::ret(v));
    }
    if cx.code.d.flags & CO_GENERATOR != 0 {
        // a generator resumed inside the loop (`FOR_ITER`, `yield from`) finishes
        return Err(return_to_consumer(cx, v));
    }
    // return to the calling frame without leaving the loop
    let vm = vm();
    vm.depth.set(vm.depth.get() - 1);
    let back = f.back.get().unwrap();
    let err = super::dispatch::return_to_caller(f, back, v);
    cx.switch_to(back);
    match err {
        Some(e) => Err(Stop::switch_raise(e)),
        None => Err(Stop::SWITCH),
    }
}

/// `YIELD_VALUE`.
#[inline(always)]
pub(super) fn yield_value(cx: &mut Ctx, pc: usize) -> Step {
    let v = cx.pop();
    cx.f.pc.set(pc as u32);
    cx.f.sp.set(cx.sp as u32);
    if cx.f.entry.get() {
        return Err(Stop::yielded(v));
    }
    Err(yield_to_consumer(cx, v))
}

/// `YIELD_FROM`.
#[inline(never)]
pub(super) fn yield_from(cx: &mut Ctx, pc: usize, jitted: bool) -> Step {
    let v = cx.pop();
    let sub = cx.top();
    cx.f.pc.set(pc as u32);
    cx.f.sp.set(cx.sp as u32);
    if let Some(g) = as_generator(sub) {
        if let Some(s) = resume_inline(cx, g, pc, v, jitted) {
            return Err(s);
        }
    }
    match send_to(sub, v)? {
        GenResult::Yield(y) => {
            set_cur(cx.f);
            if cx.f.entry.get() {
                return Err(Stop::yielded(y));
            }
            return Err(yield_to_consumer(cx, y));
        }
        GenResult::Return(r) => {
            set_cur(cx.f);
            cx.regs.set(cx.sp - 1, r);
        }
    }
    Ok(())
}

/// `RAISE_VARARGS`.
#[inline(never)]
pub(super) fn raise_varargs(cx: &mut Ctx, arg: u32) -> Step {
    match arg {
        0 => {
            let h = vm().handled.get();
            match h.as_slice().last() {
                Some(&e) => Err(Stop::raise(PyErr(e))),
                None => Err(Stop::raise(vm::runtime_error(
                    "No active exception to reraise",
                ))),
            }
        }
        1 => {
            let v = cx.pop();
            let e = make_exception(v)?;
            set_context(e);
            Err(Stop::raise(PyErr(e)))
        }
        _ => {
            let cause = cx.pop();
            let v = cx.pop();
            let e = make_exception(v)?;
            let cause = if cause.is_none() {
                cause
            } else {
                make_exception(cause)?
            };
            if let Some(inst) = as_instance(e) {
                ops::instance_set(inst, intern("__cause__"), cause);
                ops::instance_set(inst, intern("__suppress_context__"), Value::TRUE);
            }
            set_context(e);
            Err(Stop::raise(PyErr(e)))
        }
    }
}

/// `RERAISE`.
#[inline(never)]
pub(super) fn reraise(cx: &mut Ctx) -> Step {
    let e = cx.pop();
    Err(Stop::raise(PyErr(e)))
}

/// `PUSH_EXC_INFO`.
#[inline(never)]
pub(super) fn push_exc_info(cx: &mut Ctx) -> Step {
    vm().handled.get().push(cx.top());
    Ok(())
}

/// `POP_EXC_INFO`.
#[inline(always)]
pub(super) fn pop_exc_info() -> Step {
    vm().handled.get().pop();
    Ok(())
}

/// `CHECK_EXC_MATCH`.
#[inline(never)]
pub(super) fn check_exc_match(cx: &mut Ctx) -> Step {
    let t = cx.pop();
    let e = cx.pop();
    let r = exc_match(e, t)?;
    cx.push(Value::bool(r));
    Ok(())
}

/// `LOAD_ASSERTION_ERROR`.
#[inline(never)]
pub(super) fn load_assertion_error(cx: &mut Ctx) -> Step {
    cx.push(vm::cls_v(C::AssertionError));
    Ok(())
}

/// `BEFORE_WITH`.
#[inline(never)]
pub(super) fn before_with(cx: &mut Ctx) -> Step {
    let mgr = cx.pop();
    let t = type_of(mgr);
    let (Some(enter), Some(exit)) = (
        ops::lookup_type(t, "__enter__"),
        ops::lookup_type(t, "__exit__"),
    ) else {
        return Err(Stop::raise(type_error(format!(
            "'{}' object does not support the context manager protocol",
            vm::type_name(mgr)
        ))));
    };
    let exit_b = ops::bind_descr(exit, mgr, t)?;
    cx.push(exit_b);
    let r = ops::call(enter, &[mgr])?;
    set_cur(cx.f);
    cx.push(r);
    Ok(())
}

/// `WITH_EXIT` (arg 1: keep the result, the awaitable of `__aexit__`).
#[inline(never)]
pub(super) fn with_exit(cx: &mut Ctx, arg: u32) -> Step {
    let exit = cx.pop();
    let r = ops::call(exit, &[Value::NONE, Value::NONE, Value::NONE])?;
    set_cur(cx.f);
    if arg == 1 {
        cx.push(r);
    }
    Ok(())
}

/// `BEFORE_ASYNC_WITH`.
#[inline(never)]
pub(super) fn before_async_with(cx: &mut Ctx) -> Step {
    let mgr = cx.pop();
    let t = type_of(mgr);
    let missing = |what: &str| {
        Stop::raise(type_error(format!(
            "'{}' object does not support the asynchronous context manager protocol{what}",
            vm::type_name(mgr)
        )))
    };
    let Some(enter) = ops::lookup_type(t, "__aenter__") else {
        return Err(missing(""));
    };
    let Some(exit) = ops::lookup_type(t, "__aexit__") else {
        return Err(missing(" (missed __aexit__ method)"));
    };
    let exit_b = ops::bind_descr(exit, mgr, t)?;
    cx.push(exit_b);
    let r = ops::call(enter, &[mgr])?;
    set_cur(cx.f);
    cx.push(r);
    Ok(())
}

/// `GET_AWAITABLE`.
#[inline(never)]
pub(super) fn get_awaitable(cx: &mut Ctx, arg: u32) -> Step {
    let v = coroutines::get_awaitable(cx.top(), arg)?;
    set_cur(cx.f);
    cx.regs.set(cx.sp - 1, v);
    Ok(())
}

/// `GET_AITER`.
#[inline(never)]
pub(super) fn get_aiter(cx: &mut Ctx) -> Step {
    let v = coroutines::get_aiter(cx.top())?;
    set_cur(cx.f);
    cx.regs.set(cx.sp - 1, v);
    Ok(())
}

/// `GET_ANEXT`.
#[inline(never)]
pub(super) fn get_anext(cx: &mut Ctx) -> Step {
    let v = coroutines::get_anext(cx.top())?;
    set_cur(cx.f);
    cx.push(v);
    Ok(())
}

/// `END_ASYNC_FOR`: `[aiter, exc]`; the loop ends on `StopAsyncIteration`.
#[inline(never)]
pub(super) fn end_async_for(cx: &mut Ctx) -> Step {
    let e = cx.pop();
    if vm::isinstance_c(e, C::StopAsyncIteration) {
        cx.pop();
        return Ok(());
    }
    Err(Stop::raise(PyErr(e)))
}

/// `WITH_EXCEPT_START`.
#[inline(never)]
pub(super) fn with_except_start(cx: &mut Ctx) -> Step {
    let e = cx.regs.get(cx.sp - 1);
    let exit = cx.regs.get(cx.sp - 2);
    let tb = as_instance(e)
        .and_then(|i| ops::instance_get(i, intern("__traceback__")))
        .unwrap_or(Value::NONE);
    let r = ops::call(exit, &[Value::obj(type_of(e)), e, tb])?;
    set_cur(cx.f);
    cx.push(r);
    Ok(())
}

/// `IMPORT_NAME`.
#[inline(never)]
pub(super) fn import_name(cx: &mut Ctx, arg: u32) -> Step {
    let fromlist = cx.pop();
    let level = cx.pop();
    let name = cx.names.get(arg as usize);
    let m = crate::import::import_name(
        name,
        level.as_small().unwrap_or(0),
        fromlist,
        cx.f.globals(),
    )?;
    set_cur(cx.f);
    cx.push(m);
    Ok(())
}

/// `IMPORT_FROM`.
#[inline(never)]
pub(super) fn import_from(cx: &mut Ctx, arg: u32) -> Step {
    let m = cx.top();
    let name = cx.names.get(arg as usize);
    let v = crate::import::import_from(m, name)?;
    set_cur(cx.f);
    cx.push(v);
    Ok(())
}

/// `IMPORT_STAR`.
#[inline(never)]
pub(super) fn import_star(cx: &mut Ctx) -> Step {
    let m = cx.pop();
    let ns = as_dict(cx.f.ns()).unwrap_or(cx.f.globals());
    crate::import::import_star(m, ns)?;
    Ok(())
}

/// `LOAD_BUILD_CLASS`.
#[inline(never)]
pub(super) fn load_build_class(cx: &mut Ctx) -> Step {
    let b = vm().builtins.get().get_str("__build_class__").unwrap();
    cx.push(b);
    Ok(())
}

/// `MATCH_SEQUENCE`.
#[inline(never)]
pub(super) fn match_sequence(cx: &mut Ctx) -> Step {
    let v = cx.top();
    let p = payload(v);
    let r = matches!(
        p.kind(),
        Some(Kind::List) | Some(Kind::Tuple) | Some(Kind::Range)
    ) || (v.is_kind(Kind::Instance)
        && p == v
        && ops::lookup_type_user(type_of(v), "__getitem__").is_some()
        && ops::lookup_type_user(type_of(v), "__len__").is_some());
    cx.regs.set(cx.sp - 1, Value::bool(r));
    Ok(())
}

/// `MATCH_MAPPING`.
#[inline(never)]
pub(super) fn match_mapping(cx: &mut Ctx) -> Step {
    let v = cx.top();
    cx.regs.set(cx.sp - 1, Value::bool(as_dict(v).is_some()));
    Ok(())
}

/// `GET_LEN`.
#[inline(never)]
pub(super) fn get_len(cx: &mut Ctx) -> Step {
    let n = ops::len(cx.top())?;
    cx.regs.set(cx.sp - 1, Value::small(n as i64));
    Ok(())
}

/// `MATCH_CLASS`.
#[inline(never)]
pub(super) fn match_class(cx: &mut Ctx, arg: u32) -> Step {
    let kw = cx.pop();
    let c = cx.pop();
    let subj = cx.top();
    let r = crate::objects::class::match_class(subj, c, kw, arg as usize)?;
    set_cur(cx.f);
    cx.regs.set(cx.sp - 1, r);
    Ok(())
}

// ---------------------------------------------------------------- traced calls and returns

/// Whether traces take Python calls and returns themselves (in a virtual frame,
/// [`call_py_virtual`]/[`return_virtual`], or with the [`call_py_fast`]/[`return_fast`]
/// helpers) instead of the residual general handlers. On since session 14: with everything
/// on (`PYGUEST_JIT_CALLS=15`, the default) the 12 bench programs run about 0.76x the time
/// of `PYGUEST_JIT_CALLS=6`, and 20 of pyperformance's benchmarks, which lost 1.35x in
/// session 13, now gain 1.05x (three values after one warm-up: the optimizer's passes run as
/// chains, functions made per call are identified by their code, class attributes are trace
/// constants; `docs/performance.md`, "Session 14: traced calls on").
pub(super) const TRACE_PY_CALLS: bool = true;

/// Whether a class call with a Python `__init__` runs in a virtual frame on an instance the
/// trace allocates ([`call_class_virtual`]; with [`TRACE_PY_CALLS`] and [`VIRTUAL_FRAMES`]).
pub(super) const VIRTUAL_CLASS_CALLS: bool = true;

/// Whether a `STORE_ATTR` that adds an attribute to an instance is traced (a constant map
/// transition and a store, `opcodes::store_attr`) instead of the residual general path. On
/// with [`TRACE_PY_CALLS`] (the `AttributeError` one run printed in session 11 was the
/// tracer's fresh-object aliasing rule, fixed in session 12, `docs/pyguest-jit.md`);
/// `PYGUEST_JIT_CALLS=7` turns it off alone.
pub(super) const TRACE_ATTR_ADD: bool = true;

/// The call switches in effect, as bits: [`TRACE_PY_CALLS`] 1, [`VIRTUAL_FRAMES`] 2,
/// [`VIRTUAL_CLASS_CALLS`] 4, [`TRACE_ATTR_ADD`] 8; by default the constants, or the
/// environment variable `PYGUEST_JIT_CALLS` (decimal) when it is set, for measuring one
/// binary both ways. Elidable: read once, a constant in every trace.
#[metatracer::elidable]
#[inline(never)]
pub(super) fn call_switches() -> u32 {
    static S: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *S.get_or_init(|| {
        let default = u32::from(TRACE_PY_CALLS)
            | u32::from(VIRTUAL_FRAMES) << 1
            | u32::from(VIRTUAL_CLASS_CALLS) << 2
            | u32::from(TRACE_ATTR_ADD) << 3;
        std::env::var("PYGUEST_JIT_CALLS")
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(default)
    })
}

const FUNCTION_KIND: u8 = Kind::Function as u8;
const CLASS_KIND: u8 = Kind::Class as u8;

/// `CALL arg` of a Python function (or of a plain class whose `__init__` is a Python
/// function) with exactly its positional parameters, while traced: one residual call of
/// [`push_frame`], which makes and links the callee's frame, then `Ctx` is switched to it by
/// traced code (its code object promoted: the callee's constants are constants, and the
/// frame's first `pc` and stack depth are known, so nothing is reloaded or guarded at the
/// next merge point). Without it, the whole `CALL` handler is the residual call and every
/// field of `Ctx` is read again after it. False when the general handler must run (nothing
/// was changed then): other callables, keywords, defaults to fill, `*args`/`**kwargs`,
/// keyword-only parameters, generators, a recursion depth at the limit, a pending signal.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn call_py_fast(cx: &mut Ctx, pc: usize, arg: u32) -> bool {
    let base = cx.sp - arg as usize - 2;
    let a = cx.regs.get(base);
    let k = if is_null(a) {
        kind_byte(cx.regs.get(base + 1))
    } else {
        kind_byte(a)
    };
    if k != FUNCTION_KIND && !(k == CLASS_KIND && is_null(a)) {
        return false;
    }
    let nf = push_frame(cx.f, cx.sp, arg as usize, pc);
    if is_null(nf) {
        return false;
    }
    // SAFETY: `push_frame` returns a live frame (or NULL, excluded above).
    let nf: Gc<FrameObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(nf)) };
    cx.enter_called(nf);
    true
}

/// The function a plain call of `callable` with `n` positional arguments runs (for a class,
/// `first_is_self`: its `__init__`, which also gets the new instance), or None when the
/// general handler must make the call.
#[inline(always)]
fn plain_callee(callable: Value, first_is_self: bool, n: usize) -> Option<Gc<FunctionObj>> {
    let func = match as_function(callable) {
        Some(f) => f,
        None if first_is_self => crate::objects::class::cached_init(as_class(callable)?)?,
        None => return None,
    };
    let d = &func.code.d;
    let n = n + usize::from(first_is_self);
    if d.flags & (CO_VARARGS | CO_VARKW | CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR) != 0
        || d.kwonly != 0
        || d.argcount as usize != n
    {
        return None;
    }
    Some(func)
}

/// The residual part of [`call_py_fast`]: for `CALL argc` with the caller `f`'s stack top at
/// `sp` (its registers in memory: the trace performed its pending stores), makes the
/// callee's frame (from the free list), binds the arguments, counts the recursion depth,
/// saves the caller's `pc` and `sp`, links the new frame and makes it current, as the
/// general handler does. NULL, with nothing changed, when the call is not a plain one or
/// would raise (the general handler then makes the error).
#[metatracer::dont_look_inside]
#[inline(never)]
fn push_frame(f: Gc<FrameObj>, sp: usize, argc: usize, pc: usize) -> Value {
    let regs = f.regs;
    let base = sp - argc - 2;
    let a = regs.get(base);
    let (callable, is_class) = if a.is_null() {
        let c = regs.get(base + 1);
        (c, c.kind() == Some(Kind::Class))
    } else {
        (a, false)
    };
    let Some(func) = plain_callee(callable, is_class, argc + usize::from(!a.is_null())) else {
        return Value::NULL;
    };
    let vm = vm();
    let depth = vm.depth.get() + 1;
    if depth > vm.recursion_limit.get() || metatracer::interrupt::pending() {
        return Value::NULL;
    }
    let code = func.code;
    let nf = super::frame::new_frame(code, func.globals, Value::NULL, Value::obj(func));
    let first = if is_class {
        // `C(args)`: the callable's slot takes the new instance, the first argument
        let inst = Value::obj(crate::objects::class::alloc_instance(
            as_class(callable).unwrap(),
        ));
        regs.set(base + 1, inst);
        nf.ns_c.set(inst);
        base + 1
    } else if a.is_null() {
        base + 2
    } else {
        base + 1
    };
    let nregs = nf.regs;
    for i in first..sp {
        nregs.set(i - first, regs.get(i));
    }
    let d = &code.d;
    if !d.cellvars.is_empty() || !d.freevars.is_empty() {
        super::frame::init_cells(nf, func.closure);
    }
    vm.depth.set(depth);
    f.pc.set(pc as u32);
    f.sp.set(base as u32);
    nf.back.set(Some(f));
    nf.exc_depth.set(vm.handled.get().len() as u32);
    set_cur(nf);
    Value::obj(nf)
}

/// `RETURN_VALUE` to a calling frame in the same dispatch loop, while traced: one residual
/// call of [`pop_frame`], then `Ctx` is switched to the caller by traced code (its code
/// object promoted). False when the general handler must run (nothing was changed then): an
/// entry frame, or an `__init__` returning something other than None.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn return_fast(cx: &mut Ctx, pc: usize) -> bool {
    let sp = cx.sp - 1;
    let back = pop_frame(cx.f, cx.regs.get(sp), sp, pc);
    if is_null(back) {
        return false;
    }
    // SAFETY: `pop_frame` returns a live frame (or NULL, excluded above).
    let back: Gc<FrameObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(back)) };
    cx.enter_caller(back);
    true
}

/// The residual part of [`return_fast`]: returns `v` from frame `f` (stack top `sp` after
/// popping `v`, next instruction `pc`) to its caller, as [`return_value`] does: the
/// recursion depth, the unlinking, the result pushed on the caller's stack, the frame
/// recycled, the caller made current. Gives the caller, or NULL (nothing changed) when the
/// general handler must run (an entry frame, a generator's, an `__init__` returning a value).
#[metatracer::dont_look_inside]
#[inline(never)]
fn pop_frame(f: Gc<FrameObj>, v: Value, sp: usize, pc: usize) -> Value {
    if f.entry.get() || f.code.d.flags & CO_GENERATOR != 0 {
        // (a generator resumed inside the loop finishes through `return_to_consumer`)
        return Value::NULL;
    }
    let v = if !f.ns().is_null() && f.func() != Value::NULL && f.code.d.flags & CO_NAMESPACE == 0 {
        // an __init__ frame started by a class call: the result is the instance
        if !v.is_none() {
            return Value::NULL;
        }
        f.ns()
    } else {
        v
    };
    f.pc.set(pc as u32);
    f.sp.set(sp as u32);
    let vm = vm();
    vm.depth.set(vm.depth.get() - 1);
    let back = f.back.get().unwrap();
    f.back.set(None);
    let bsp = back.sp.get() as usize;
    back.regs.set(bsp, v);
    back.sp.set(bsp as u32 + 1);
    release_frame(f);
    set_cur(back);
    Value::obj(back)
}

// ---------------------------------------------------------------- virtual frames

/// Whether traces make the frame of a plain Python call themselves ([`call_py_virtual`],
/// [`return_virtual`]) instead of the residual [`push_frame`]/[`pop_frame`] (with
/// [`TRACE_PY_CALLS`] on): the frame and its register array are then `new`s the optimizer
/// removes when the call and its return are both in the trace and nothing else keeps the
/// frame (a residual call that may read it, a failing guard, a return the trace does not
/// see make it real).
pub(super) const VIRTUAL_FRAMES: bool = true;

const FRAME_KIND: u8 = Kind::Frame as u8;

/// A function's code object (elidable: it never changes).
#[metatracer::elidable]
#[inline(always)]
fn func_code(f: Gc<FunctionObj>) -> Gc<CodeObj> {
    f.code
}

/// A function's globals (elidable: they never change).
#[metatracer::elidable]
#[inline(always)]
fn func_globals(f: Gc<FunctionObj>) -> Gc<DictObj> {
    f.globals
}

/// The handled-exception stack (elidable: one list per thread, never replaced).
#[metatracer::elidable]
#[inline(always)]
fn handled_list() -> Gc<ListObj> {
    vm().handled.get()
}

/// The number of registers a virtual frame of `code` needs when called with `n`
/// positional arguments, or 0 when such a call is not plain (the general paths handle it):
/// defaults to fill, keywords-only parameters, `*args`/`**kwargs`, generators, cells or free
/// variables, or more than 15 registers. Elidable: a property of the code object.
#[metatracer::elidable]
#[inline(never)]
fn virtual_nregs(code: Gc<CodeObj>, n: usize) -> usize {
    let d = &code.d;
    if d.flags & (CO_VARARGS | CO_VARKW | CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR) != 0
        || d.kwonly != 0
        || d.argcount as usize != n
        || !d.cellvars.is_empty()
        || !d.freevars.is_empty()
    {
        return 0;
    }
    let nregs = d.varnames.len() + d.stacksize as usize;
    if nregs > 15 {
        0
    } else {
        nregs
    }
}

/// A fresh register array of 8 registers holding the `n` arguments at `first` of the
/// caller's stack (allocated in the trace: [`Regs8`]; the stores into the fresh array are
/// removed with it).
#[metatracer::look_inside]
#[inline(always)]
fn new_regs8(cx: &Ctx, first: usize, n: usize) -> Gc<gc::Array<Value>> {
    let a = new_slots8();
    copy_args(cx, a, first, n);
    a
}

/// As [`new_regs8`], 15 registers ([`Regs15`]; with its length word, the widest register value).
#[metatracer::look_inside]
#[inline(always)]
fn new_regs15(cx: &Ctx, first: usize, n: usize) -> Gc<gc::Array<Value>> {
    let b = gc::alloc(Regs15 {
        len: 15,
        r0: Value::NULL,
        r1: Value::NULL,
        r2: Value::NULL,
        r3: Value::NULL,
        r4: Value::NULL,
        r5: Value::NULL,
        r6: Value::NULL,
        r7: Value::NULL,
        r8: Value::NULL,
        r9: Value::NULL,
        r10: Value::NULL,
        r11: Value::NULL,
        r12: Value::NULL,
        r13: Value::NULL,
        r14: Value::NULL,
    });
    // SAFETY: `Regs15` is laid out as an `Array<Value>` of 15 items.
    let a: Gc<gc::Array<Value>> = unsafe { metatracer::word_to_value(metatracer::word_bits(b)) };
    copy_args(cx, a, first, n);
    a
}

/// Copies the `n` registers at `first` of the caller's stack to the start of `a` (`n` is a
/// constant in a trace: the loop unrolls into `n` loads and stores).
#[metatracer::unroll_safe]
#[inline(always)]
fn copy_args(cx: &Ctx, a: Gc<gc::Array<Value>>, first: usize, n: usize) {
    let mut i = 0;
    while i < n {
        (*a).set(i, cx.regs.get(first + i));
        i += 1;
    }
}

/// `CALL arg` of a Python function (or a method `LOAD_METHOD` found) with exactly its
/// positional parameters and no cells, while traced, with the callee's frame made by the
/// trace: the function is promoted, the register array ([`new_regs8`]) and the frame
/// ([`FrameBox`]) are `gc::alloc`s of register values with the arguments, links and counters
/// as their initial fields (so no write barrier), the depth counter and the current frame
/// ([`super::frame::ExecState`]) are plain stores, and the caller's `pc`/`sp` are saved in
/// its frame. Then `Ctx` runs the new frame. When the return is in the same trace and
/// nothing let the frame out, the optimizer removes both allocations: the arguments stay
/// in registers. False (nothing changed) when the general paths must run.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn call_py_virtual(cx: &mut Ctx, pc: usize, arg: u32) -> bool {
    let base = cx.sp - arg as usize - 2;
    let a = cx.regs.get(base);
    let (callable, first) = if is_null(a) {
        (cx.regs.get(base + 1), base + 2)
    } else {
        (a, base + 1)
    };
    let k = kind_byte(callable);
    if k == CLASS_KIND && is_null(a) && call_switches() & 4 != 0 {
        return call_class_virtual(cx, pc, callable, base);
    }
    if k != FUNCTION_KIND {
        return false;
    }
    // SAFETY: the kind byte says it is a function.
    let func: Gc<FunctionObj> =
        unsafe { metatracer::word_to_value(metatracer::word_bits(callable)) };
    // A function made anew at each call of the body that defines it (a generator
    // expression, a closure, a lambda) is identified by its code object, which is the same
    // each time: a guard on the function object would fail at every new one (a chain of
    // bridges, one per object). The others (module-level functions, methods) are promoted
    // themselves, which makes their code, globals and the rest constants.
    let (callable, code) = if func.per_call {
        (callable, metatracer::promote(func_code(func)))
    } else {
        let callable = metatracer::promote(callable);
        // SAFETY: as above.
        let func: Gc<FunctionObj> =
            unsafe { metatracer::word_to_value(metatracer::word_bits(callable)) };
        (callable, func_code(func))
    };
    let n = cx.sp - first;
    let nregs = virtual_nregs(code, n);
    if nregs == 0 {
        return false;
    }
    let st = super::frame::exec_state();
    let depth = st.depth.get() + 1;
    if depth > st.limit.get() {
        return false;
    }
    enter_virtual(cx, pc, base, first, callable, code, nregs, Value::NULL);
    true
}

/// `CALL arg` of a class (on the stack as `NULL, C, args...` at `base`) whose instances are
/// plain and whose `__init__` is a Python function [`call_py_virtual`] could run: the
/// instance is allocated by the trace ([`InstanceBox`], its slot array a [`Regs4`] or
/// [`Regs8`] as the class's slot hint says), takes the class's stack slot (the first
/// argument of `__init__`) and is the frame's `ns` (so the return gives it, as the
/// interpreter's class call does). The class is promoted and `__init__` is an elidable
/// lookup for the class epoch of the time (quasi-immutable). False (nothing changed) when
/// the general paths must run.
#[metatracer::look_inside]
#[inline(always)]
fn call_class_virtual(cx: &mut Ctx, pc: usize, callable: Value, base: usize) -> bool {
    let epoch = super::opcodes::jit_epoch().epoch.get();
    if epoch == vm::EPOCH_UNSTABLE {
        return false;
    }
    let callable = metatracer::promote(callable);
    // SAFETY: the kind byte says it is a class.
    let cls: Gc<ClassObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(callable)) };
    let init = class_init(cls, epoch);
    if is_null(init) {
        return false;
    }
    // SAFETY: `class_init` gives a function (or NULL, excluded above).
    let func: Gc<FunctionObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(init)) };
    let code = func_code(func);
    let first = base + 1;
    let nregs = virtual_nregs(code, cx.sp - first);
    if nregs == 0 {
        return false;
    }
    let st = super::frame::exec_state();
    let depth = st.depth.get() + 1;
    if depth > st.limit.get() {
        return false;
    }
    let slots = if class_slot_count(cls) <= 4 {
        new_slots4()
    } else {
        new_slots8()
    };
    let inst = gc::alloc(InstanceBox {
        kind: INSTANCE_KIND_BYTE,
        map: 0,
        cls,
        slots,
        base: Value::NULL,
        ident: 0,
    });
    // SAFETY: an `InstanceBox` is laid out as an `InstanceObj`.
    let inst: Value = unsafe { metatracer::word_to_value(metatracer::word_bits(inst)) };
    cx.regs.set(first, inst);
    enter_virtual(cx, pc, base, first, init, code, nregs, inst);
    true
}

const INSTANCE_KIND_BYTE: u8 = Kind::Instance as u8;

/// The `__init__` (a Python function) of class `cls` whose class call traced code may run
/// with a virtual frame and an instance it allocates itself (what the interpreter's fast
/// class call checks, `objects::class::cached_init`), or NULL: a class with `__del__` (its
/// instances are registered for finalization), or whose instances need more than 8 slots.
/// Elidable: for the class epoch of the time (`_epoch`), which changes with any class
/// attribute.
#[metatracer::elidable]
#[inline(never)]
fn class_init(cls: Gc<ClassObj>, _epoch: u64) -> Value {
    if cls.flags.get() & crate::objects::class::CF_DEL != 0 || cls.nslots_hint.get() > 8 {
        return Value::NULL;
    }
    crate::objects::class::cached_init(cls).map_or(Value::NULL, Value::obj)
}

/// How many attribute slots a fresh instance of `cls` gets (as `alloc_instance` decides:
/// the class's hint, 4 before the first instance grew). Elidable: any size is correct (a
/// store that does not fit takes the general path), so the hint seen while tracing is kept.
#[metatracer::elidable]
#[inline(never)]
fn class_slot_count(cls: Gc<ClassObj>) -> usize {
    (cls.nslots_hint.get() as usize).max(4)
}

/// A fresh attribute slot array of 4 NULLs (allocated in the trace: [`Regs4`]).
#[metatracer::look_inside]
#[inline(always)]
fn new_slots4() -> Gc<gc::Array<Value>> {
    let b = gc::alloc(Regs4 {
        len: 4,
        r0: Value::NULL,
        r1: Value::NULL,
        r2: Value::NULL,
        r3: Value::NULL,
    });
    // SAFETY: `Regs4` is laid out as an `Array<Value>` of 4 items.
    unsafe { metatracer::word_to_value(metatracer::word_bits(b)) }
}

/// A fresh attribute slot array of 8 NULLs (allocated in the trace: [`Regs8`]).
#[metatracer::look_inside]
#[inline(always)]
fn new_slots8() -> Gc<gc::Array<Value>> {
    let b = gc::alloc(Regs8 {
        len: 8,
        r0: Value::NULL,
        r1: Value::NULL,
        r2: Value::NULL,
        r3: Value::NULL,
        r4: Value::NULL,
        r5: Value::NULL,
        r6: Value::NULL,
        r7: Value::NULL,
    });
    // SAFETY: `Regs8` is laid out as an `Array<Value>` of 8 items.
    unsafe { metatracer::word_to_value(metatracer::word_bits(b)) }
}

/// The frame of a virtual call ([`FrameBox`], allocated by the trace) running `func` (a
/// function value) with code `code`, globals `globals` and registers `regs`, called from
/// `cx`'s frame. (Its own function: the mirror builds a struct literal field by field only
/// when it names at most six locals.)
#[metatracer::look_inside]
#[inline(always)]
fn new_frame_box(
    cx: &Ctx,
    code: Gc<CodeObj>,
    globals: Gc<DictObj>,
    regs: Gc<gc::Array<Value>>,
    func: Value,
) -> Gc<FrameObj> {
    let f = cx.f;
    let back = Some(f);
    let nf = gc::alloc(FrameBox {
        kind: FRAME_KIND,
        pc: 0,
        sp: 0,
        exc_depth: 0,
        code,
        globals,
        ns: Value::NULL,
        regs,
        back,
        func,
        // (not exposed to the program yet; `release_frame` never recycles a box)
        escaped: false,
        entry: false,
        yielded: false,
        boxed: true,
        back_regs: cx.regs,
        back_code: cx.code,
    });
    // SAFETY: a `FrameBox` is laid out as a `FrameObj`.
    unsafe { metatracer::word_to_value(metatracer::word_bits(nf)) }
}

/// The common part of [`call_py_virtual`] and [`call_class_virtual`], once the call is
/// known to be plain (`fv`: the function): allocates the callee's registers (the `n` arguments at `first`) and
/// frame (`ns` is the instance of a class call, else NULL), counts the depth, makes the
/// frame current, saves the caller's `pc` and `sp` (`base`: the stack top after the call
/// pops its callable and arguments) and switches `Ctx` to the callee.
#[allow(clippy::too_many_arguments)]
#[metatracer::look_inside]
#[inline(always)]
fn enter_virtual(
    cx: &mut Ctx,
    pc: usize,
    base: usize,
    first: usize,
    fv: Value,
    code: Gc<CodeObj>,
    nregs: usize,
    ns: Value,
) {
    // SAFETY: the callers checked that `fv` is a function (whose code object is `code`).
    let func: Gc<FunctionObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(fv)) };
    let n = cx.sp - first;
    let st = super::frame::exec_state();
    let depth = st.depth.get() + 1;
    let regs = if nregs <= 8 {
        new_regs8(cx, first, n)
    } else {
        new_regs15(cx, first, n)
    };
    // (promoted: the callee's global lookups are constants of the trace for its globals)
    let globals = metatracer::promote(func_globals(func));
    let nf = new_frame_box(cx, code, globals, regs, fv);
    if !is_null(ns) {
        // (a class call's instance: the return gives it; a store into the fresh frame)
        nf.ns_c.set(ns);
    }
    nf.sp.set(super::dispatch::code_stack_base(code) as u32);
    nf.exc_depth.set(handled_list().len.get() as u32);
    st.depth.set(depth);
    let f = cx.f;
    f.pc.set(pc as u32);
    f.sp.set(base as u32);
    st.frame.set(Some(nf));
    cx.enter_called(nf);
}

/// A code object's positional parameter count (elidable: it never changes).
#[metatracer::elidable]
#[inline(never)]
fn code_argcount(code: Gc<CodeObj>) -> usize {
    code.d.argcount as usize
}

/// How many registers a frame of `code` has (locals, cells, stack; elidable: it never
/// changes). A virtual frame's register array may be longer, never shorter.
#[metatracer::elidable]
#[inline(never)]
pub(super) fn code_nregs(code: Gc<CodeObj>) -> usize {
    let d = &code.d;
    d.varnames.len() + d.cellvars.len() + d.freevars.len() + d.stacksize as usize
}

/// Stores NULL in registers `lo..hi` of `regs` (constants in a trace: the loop unrolls into
/// that many stores).
#[metatracer::unroll_safe]
#[inline(always)]
fn clear_regs(regs: Gc<gc::Array<Value>>, lo: usize, hi: usize) {
    let mut i = lo;
    while i < hi {
        (*regs).set(i, Value::NULL);
        i += 1;
    }
}

/// `RETURN_VALUE` from a frame a trace made ([`call_py_virtual`]), while traced: the
/// result goes onto the caller's stack, the depth counter and the current frame are
/// restored, and `Ctx` runs the caller again, its register array and code object taken
/// from the callee's frame (so nothing is read from the caller's frame but its saved
/// `sp`, which the call stored). `code` is the callee's code object (`cx.code`, as the
/// dispatch loop's green variable). False (nothing changed) for other frames.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn return_virtual(cx: &mut Ctx, code: Gc<CodeObj>, pc: usize) -> bool {
    let f = cx.f;
    if !f.boxed || f.entry.get() {
        return false;
    }
    // SAFETY: a frame with `boxed` set is a `FrameBox`.
    let b: Gc<FrameBox> = unsafe { metatracer::word_to_value(metatracer::word_bits(f)) };
    let Some(back) = b.back else {
        return false;
    };
    let sp = cx.sp - 1;
    let mut v = cx.regs.get(sp);
    // (`code`, the callee's code object, is the dispatch loop's green one: a constant, also
    // in a bridge that starts inside the callee, where `cx.code` is a load)
    let argc = code_argcount(code);
    let ns = b.ns;
    if !is_null(ns) {
        // an `__init__` run by a class call: the call gives the instance (a result other
        // than None takes the general path, which raises the `TypeError`)
        if metatracer::word_bits(v) != crate::value::NONE_BITS {
            return false;
        }
        v = ns;
    }
    f.pc.set(pc as u32);
    f.sp.set(sp as u32);
    f.back.set(None);
    // the finished frame's registers are cleared unless the program may still see the frame
    // (as `release_frame` does for the interpreter's frames): a stale copy of the frame's or
    // its register array's address on the conservatively scanned native stack would
    // otherwise keep its locals and temporaries alive (a list iterator of a comprehension,
    // and with it the list). Stores into a virtual frame's array: removed with it.
    if !f.escaped.get() {
        clear_regs(cx.regs, 0, code_nregs(code));
    }
    let st = super::frame::exec_state();
    st.depth.set(st.depth.get() - 1);
    st.frame.set(Some(back));
    cx.enter_caller_with(back, b.back_code, b.back_regs);
    cx.push(v);
    // the callable's and the arguments' slots, dead now, are cleared (as the interpreter
    // leaves them, they would keep an object the trace allocated alive: a residual call or
    // the loop's end would then make it for real)
    // (at most up to `base + 2 + argcount`: `NULL, f, args` or `method, self, args` or
    // `NULL, instance, args`; not beyond the caller's registers)
    let mut top = cx.sp + 1 + argc;
    let nregs = code_nregs(cx.code);
    if top > nregs {
        top = nregs;
    }
    clear_regs(cx.regs, cx.sp, top);
    true
}
