//! Calls: binding arguments to a new frame ([`setup_frame`]: positional, keyword, defaults,
//! `*args`, `**kwargs`, keyword-only, with CPython's error messages), the recursion-depth
//! check, the operands of `CALL_EX`, and [`call_object`], which calls any callable from Rust
//! (re-entering the driver for Python functions).

use super::dispatch::run_frame;
use super::frame::{init_cells, new_frame};
use super::generators::make_generator;
use super::{PyErr, PyResult};
use crate::objects::ops::{self, ArgVec};
use crate::objects::*;
use crate::stack::stack_exhausted;
use crate::value::{Kind, Value};
use crate::vm::{self, type_error, type_of, vm, C};
use metatracer::gc::Gc;

/// The `RecursionError` suffix of a call (CPython's wording).
pub const WHILE_CALLING: &str = " while calling a Python object";

/// The function's `__qualname__` (assignable, e.g. by `dataclasses`), for argument errors.
fn func_qualname(func: Gc<FunctionObj>) -> String {
    ops::str_of(func.qualname.get()).unwrap_or_else(|_| func.code.d.qualname.clone())
}

fn too_many_positional(func: Gc<FunctionObj>, given: usize) -> PyErr {
    let d = &func.code.d;
    let name = &func_qualname(func);
    let ndef = as_tuple_exact(func.defaults.get())
        .map(|t| t.len())
        .unwrap_or(0);
    let argc = d.argcount as usize;
    let takes = if ndef > 0 {
        format!("from {} to {} positional arguments", argc - ndef, argc)
    } else {
        format!(
            "{} positional argument{}",
            argc,
            if argc == 1 { "" } else { "s" }
        )
    };
    type_error(format!(
        "{}() takes {} but {} {} given",
        name,
        takes,
        given,
        if given == 1 { "was" } else { "were" }
    ))
}

/// Binds `args` to a new frame for `func` (all signature features).
pub fn setup_frame(func: Gc<FunctionObj>, args: Args) -> PyResult<Gc<FrameObj>> {
    let code = func.code;
    let f = new_frame(code, func.globals, Value::NULL, Value::obj(func));
    let d = &code.d;
    let regs = f.regs;
    let argc = d.argcount as usize;
    let kwonly = d.kwonly as usize;
    let npos = args.pos.len();
    // fast path
    if args.kwnames.is_empty()
        && npos == argc
        && d.flags & (CO_VARARGS | CO_VARKW) == 0
        && kwonly == 0
    {
        for (i, &v) in args.pos.iter().enumerate() {
            regs.set(i, v);
        }
        if !d.cellvars.is_empty() || !d.freevars.is_empty() {
            init_cells(f, func.closure);
        }
        return Ok(f);
    }
    for i in 0..npos.min(argc) {
        regs.set(i, args.pos[i]);
    }
    let mut extra_idx = argc + kwonly;
    if d.flags & CO_VARARGS != 0 {
        let rest = if npos > argc {
            &args.pos[argc..]
        } else {
            &[][..]
        };
        regs.set(extra_idx, new_tuple(rest));
        extra_idx += 1;
    } else if npos > argc {
        return Err(too_many_positional(func, npos));
    }
    let kwdict = if d.flags & CO_VARKW != 0 {
        let dd = new_dict();
        regs.set(extra_idx, Value::obj(dd));
        Some(dd)
    } else {
        None
    };
    for (k, &name) in args.kwnames.iter().enumerate() {
        let val = args.kwvals[k];
        let ns = ops::str_of(name)?;
        let pos = d.varnames[..argc + kwonly]
            .iter()
            .position(|v| *v == ns)
            .filter(|&p| p >= d.posonly as usize);
        match pos {
            Some(p) => {
                if !regs.get(p).is_null() {
                    return Err(type_error(format!(
                        "{}() got multiple values for argument '{}'",
                        func_qualname(func),
                        ns
                    )));
                }
                regs.set(p, val);
            }
            None => match kwdict {
                Some(dd) => dd.set_item(name, val)?,
                None => {
                    return Err(type_error(format!(
                        "{}() got an unexpected keyword argument '{}'",
                        func_qualname(func),
                        ns
                    )))
                }
            },
        }
    }
    // defaults
    if npos < argc {
        let defaults = as_tuple_exact(func.defaults.get());
        let ndef = defaults.map(|t| t.len()).unwrap_or(0);
        let mut missing = Vec::new();
        for i in npos..argc {
            if regs.get(i).is_null() {
                let di = i as isize - (argc as isize - ndef as isize);
                if di >= 0 {
                    regs.set(i, defaults.unwrap().as_slice()[di as usize]);
                } else {
                    missing.push(d.varnames[i].clone());
                }
            }
        }
        if !missing.is_empty() {
            return Err(missing_args(&func_qualname(func), &missing, "positional"));
        }
    }
    if kwonly > 0 {
        let kwd = as_dict_exact(func.kwdefaults.get());
        let mut missing = Vec::new();
        for i in argc..argc + kwonly {
            if regs.get(i).is_null() {
                match kwd.and_then(|k| k.get_str(&d.varnames[i])) {
                    Some(v) => regs.set(i, v),
                    None => missing.push(d.varnames[i].clone()),
                }
            }
        }
        if !missing.is_empty() {
            return Err(missing_args(&func_qualname(func), &missing, "keyword-only"));
        }
    }
    if !d.cellvars.is_empty() || !d.freevars.is_empty() {
        init_cells(f, func.closure);
    }
    Ok(f)
}

fn missing_args(name: &str, missing: &[String], kind: &str) -> PyErr {
    let quoted: Vec<String> = missing.iter().map(|m| format!("'{m}'")).collect();
    let list = match quoted.len() {
        1 => quoted[0].clone(),
        2 => format!("{} and {}", quoted[0], quoted[1]),
        _ => format!(
            "{}, and {}",
            quoted[..quoted.len() - 1].join(", "),
            quoted[quoted.len() - 1]
        ),
    };
    type_error(format!(
        "{}() missing {} required {} argument{}: {}",
        name,
        missing.len(),
        kind,
        if missing.len() == 1 { "" } else { "s" },
        list
    ))
}

pub(super) fn enter_depth() -> PyResult<()> {
    // Every Python call is a point where a pending signal (Ctrl-C) is delivered.
    crate::vm::poll_signals()?;
    let vm = vm();
    let d = vm.depth.get() + 1;
    if d > vm.recursion_limit.get() {
        return Err(vm::exc(
            C::RecursionError,
            "maximum recursion depth exceeded",
        ));
    }
    vm.depth.set(d);
    Ok(())
}

/// Maximum nesting of Rust-level re-entry: [`run_frame`] (the interpreter loop started from
/// Rust) and [`enter_native`] (a built-in, class or callable instance called from Rust, a
/// container's repr/compare/hash recursing into its items) share the count `vm().reentry`.
pub const MAX_REENTRY: usize = 20_000;

/// One level of Rust-level re-entry, released when dropped (see [`enter_native`]).
pub struct NativeGuard(());

impl Drop for NativeGuard {
    #[inline]
    fn drop(&mut self) {
        let vm = vm();
        vm.reentry.set(vm.reentry.get() - 1);
    }
}

/// Enters one level of Rust-level recursion that does not go through a Python frame: calling a
/// built-in, class or callable instance from Rust, or a container's repr, comparison or hash
/// recursing into its items. Past [`MAX_REENTRY`] levels or near the end of the native stack
/// it raises `RecursionError` ("maximum recursion depth exceeded" + `what`), so a cycle such
/// as `C.__call__ = C()`, `__len__ = len` or a list nested a million deep ends in a Python
/// exception instead of exhausting memory or overflowing the stack.
#[inline]
pub fn enter_native(what: &'static str) -> PyResult<NativeGuard> {
    let vm = vm();
    let re = vm.reentry.get() + 1;
    if re > MAX_REENTRY || stack_exhausted() {
        return Err(recursion_error(what));
    }
    vm.reentry.set(re);
    Ok(NativeGuard(()))
}

#[cold]
#[inline(never)]
fn recursion_error(what: &str) -> PyErr {
    vm::exc(
        C::RecursionError,
        format!("maximum recursion depth exceeded{what}"),
    )
}

/// Calls any callable with `args` (may re-enter the interpreter).
pub fn call_object(callable: Value, args: Args) -> PyResult<Value> {
    match callable.kind() {
        Some(Kind::Function) => {
            let func = as_function(callable).unwrap();
            let f = setup_frame(func, args)?;
            if func.code.d.flags & CO_GENERATOR != 0 {
                return Ok(make_generator(f, func));
            }
            enter_depth()?;
            let saved = super::frame::current_frame_addr();
            let r = run_frame(f, None);
            super::frame::swap_current_frame(saved);
            r
        }
        Some(Kind::Builtin) => {
            let b = as_builtin(callable).unwrap();
            let _g = enter_native(WHILE_CALLING)?;
            if b.bound.is_null() && b.sig.fits_fast(&args) {
                b.sig.run(b.name, b.f, args)
            } else {
                call_builtin_slow(b, args)
            }
        }
        Some(Kind::BoundMethod) => {
            let m = as_bound(callable).unwrap();
            let mut v = ArgVec::with_capacity(args.pos.len() + 1);
            v.push(m.slf);
            v.extend_from_slice(args.pos);
            call_object(m.func, Args { pos: &v, ..args })
        }
        Some(Kind::Class) => {
            let _g = enter_native(WHILE_CALLING)?;
            crate::objects::class::construct(as_class(callable).unwrap(), args)
        }
        Some(Kind::StaticMethod) => call_object(as_staticmethod(callable).unwrap().f, args),
        _ => {
            let t = type_of(callable);
            if let Some(m) = ops::lookup_type_user(t, "__call__") {
                let _g = enter_native(WHILE_CALLING)?;
                let mut v = ArgVec::with_capacity(args.pos.len() + 1);
                v.push(callable);
                v.extend_from_slice(args.pos);
                return call_object(m, Args { pos: &v, ..args });
            }
            Err(type_error(format!(
                "'{}' object is not callable",
                vm::type_name(callable)
            )))
        }
    }
}

/// [`call_object`] from the bytecode's `CALL`: a built-in called there is not a Rust-level
/// re-entry (the dispatch loop is not nested by it), so it skips [`enter_native`]; whatever
/// it calls back into is counted where it re-enters (`call_object`, `run_frame`).
#[inline(never)]
pub(super) fn call_object_from_bytecode(callable: Value, args: Args) -> PyResult<Value> {
    if let Some(b) = as_builtin(callable) {
        if b.bound.is_null() && b.sig.fits_fast(&args) {
            return b.sig.run(b.name, b.f, args);
        }
        return call_builtin_slow(b, args);
    }
    call_object(callable, args)
}

/// A built-in call past the fast path: a bound receiver to prepend, or arguments the
/// signature's quick test did not accept (`Sig::call_slow` checks them fully). Out of line,
/// so `call_object`'s frame stays as small as the common case needs.
#[inline(never)]
fn call_builtin_slow(b: Gc<BuiltinObj>, args: Args) -> PyResult<Value> {
    if b.bound.is_null() {
        return b.sig.call_slow(b.name, b.f, args);
    }
    let mut v = ArgVec::with_capacity(args.pos.len() + 1);
    v.push(b.bound);
    v.extend_from_slice(args.pos);
    b.sig.call(b.name, b.f, Args { pos: &v, ..args })
}

/// Builds positional + keyword args from the CALL_EX operands.
pub(super) fn ex_args(args: Value, kwargs: Value) -> PyResult<(ArgVec, ArgVec, ArgVec)> {
    let pos: ArgVec = match as_tuple_exact(args) {
        Some(t) => t.as_slice().iter().copied().collect(),
        None => crate::objects::native::seq_items(args)?
            .into_iter()
            .collect(),
    };
    let mut kn = ArgVec::new();
    let mut kv = ArgVec::new();
    if let Some(d) = as_dict(kwargs) {
        for i in 0..d.entry_count() {
            let k = d.key_at(i);
            if !k.is_null() {
                if as_str(k).is_none() {
                    return Err(type_error("keywords must be strings"));
                }
                kn.push(k);
                kv.push(d.val_at(i));
            }
        }
    }
    Ok((pos, kn, kv))
}
