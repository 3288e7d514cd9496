//! The interpreter: frames, the dispatch loop, calls, generators, exceptions and tracebacks.
//!
//! Design (future JIT virtualizable): a frame is a GC object whose `regs` array holds locals,
//! cells and the value stack. [`execute`] runs one frame in a `loop { match op { ... } }` with
//! the code object and `pc` as the position variables; handlers are plain Rust code or calls of
//! plain functions in `ops.rs`. A Python-to-Python call does not recurse on the Rust stack:
//! `execute` returns [`Flow::Call`] and the driver [`run_frame`] switches to the new frame
//! (frames are linked through `back`). Only built-ins that call back into Python (sorted's
//! `key=`, `__eq__` from a dict lookup, generators resumed by `next`) re-enter the driver; that
//! nesting is bounded by `vm().reentry` and the interpreter thread has a large stack.
//!
//! Exceptions use per-code exception tables (see `compiler.rs`): an error at `pc` looks up the
//! innermost entry covering it, cuts the stack to the entry's depth, pushes the exception and
//! jumps to the handler. Unhandled errors leave the frame and record a traceback entry.

use crate::compiler::bytecode::Op;
use crate::compiler::codegen::{CodeUnit, Const};
use crate::objects::ops::{self, ArgVec};
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::{self, cls, intern, type_error, type_of, vm, C};
use metatracer::gc::{self, Gc, GcCell};
use std::cell::Cell;

/// A raised Python exception (the exception instance).
#[derive(Clone, Copy, Debug)]
pub struct PyErr(pub Value);

pub type PyResult<T> = Result<T, PyErr>;

/// Maximum nesting of the Rust-level interpreter loop.
const MAX_REENTRY: usize = 20_000;

thread_local! {
    /// Address of the executing frame. Not a root: it is always a frame that an active
    /// `execute` holds in a local, or that a `run_frame` saved on the native stack (both
    /// pinned by the conservative scan); see "Rooting in pyguest" in docs/gc.md.
    static CUR_FRAME: Cell<usize> = const { Cell::new(0) };
}

/// The frame currently executing (for `super()`, `globals()`, `sys._getframe`).
pub fn current_frame() -> Option<Gc<FrameObj>> {
    let p = CUR_FRAME.with(|c| c.get());
    if p == 0 {
        None
    } else {
        // SAFETY: set by `execute` to a frame that is live on the frame chain.
        Some(unsafe { Gc::from_raw(p as *const FrameObj) })
    }
}

#[inline(always)]
fn set_cur(f: Gc<FrameObj>) {
    CUR_FRAME.with(|c| c.set(f.addr()));
}

// ---------------------------------------------------------------- code objects

/// Turns a compiled unit into a GC code object (constants become values).
pub fn materialize(unit: &CodeUnit) -> Gc<CodeObj> {
    // ArgVec, not Vec: `const_value` and `intern` allocate (rooting in docs/gc.md).
    let consts: ArgVec = unit.consts.iter().map(const_value).collect();
    let names: ArgVec = unit.names.iter().map(|n| vm::intern(n)).collect();
    let consts = gc::alloc_array_from_slice(&consts);
    let names = gc::alloc_array_from_slice(&names);
    let cache: Box<[Cell<u64>]> = (0..unit.data.code.len()).map(|_| Cell::new(0u64)).collect();
    let mut nsites = 0u64;
    for (i, w) in unit.data.code.iter().enumerate() {
        if crate::compiler::bytecode::decode(*w).0 == Op::LOAD_METHOD {
            nsites += 1;
            cache[i].set(nsites);
        }
    }
    let icache = gc::alloc_array(3 * nsites as usize, Value::NULL);
    if std::env::var_os("PYGUEST_DIS").is_some() {
        eprintln!("{}", disassemble(unit));
    }
    gc::alloc(CodeObj {
        kind: Kind::Code,
        consts,
        names,
        cache,
        free_frames: GcCell::new(Value::NULL),
        icache,
        d: Box::new(unit.data.to_data()),
    })
}

/// Human-readable listing of a compiled unit (set `PYGUEST_DIS=1` to print every unit).
pub fn disassemble(unit: &CodeUnit) -> String {
    let d = &unit.data;
    let mut out = format!(
        "code {} ({}:{}) vars={:?} cells={:?} free={:?}\n",
        d.qualname, d.filename, d.firstline, d.varnames, d.cellvars, d.freevars
    );
    for (i, w) in d.code.iter().enumerate() {
        let (op, arg) = crate::compiler::bytecode::decode(*w);
        let extra = match op {
            Op::LOAD_CONST => format!(
                "{:?}",
                unit.consts.get(arg as usize).map(|c| match c {
                    Const::Code(u) => format!("<code {}>", u.data.name),
                    other => format!("{other:?}"),
                })
            ),
            Op::LOAD_GLOBAL
            | Op::STORE_GLOBAL
            | Op::LOAD_NAME
            | Op::STORE_NAME
            | Op::LOAD_ATTR
            | Op::STORE_ATTR
            | Op::LOAD_METHOD
            | Op::IMPORT_NAME
            | Op::IMPORT_FROM => unit.names.get(arg as usize).cloned().unwrap_or_default(),
            Op::LOAD_FAST | Op::STORE_FAST => {
                d.varnames.get(arg as usize).cloned().unwrap_or_default()
            }
            _ => String::new(),
        };
        out.push_str(&format!(
            "  {:4} L{:<4} {:<22} {:<6} {}\n",
            i,
            d.lines[i],
            op.name(),
            arg,
            extra
        ));
    }
    for e in &d.exc_table {
        out.push_str(&format!(
            "  except [{}, {}) -> {} depth {}\n",
            e.start, e.end, e.handler, e.depth
        ));
    }
    out
}

/// Float arithmetic fast path for the dispatch loop (float op float, float op small int and
/// small int op float); `None` sends the operation to the general path.
#[inline(always)]
fn float_fast(a: Value, b: Value, op: u32) -> Option<Value> {
    use crate::compiler::bytecode::binop;
    let x = match as_float_obj(a) {
        Some(f) => f.v,
        None if a.is_int() && b.is_kind(Kind::Float) => a.as_int_unchecked() as f64,
        None => return None,
    };
    let y = match as_float_obj(b) {
        Some(f) => f.v,
        None if b.is_int() => b.as_int_unchecked() as f64,
        None => return None,
    };
    let r = match op {
        binop::ADD => x + y,
        binop::SUB => x - y,
        binop::MUL => x * y,
        binop::TRUEDIV if y != 0.0 => x / y,
        _ => return None,
    };
    Some(new_float(r))
}

fn trace_ops() -> bool {
    thread_local! { static T: bool = std::env::var_os("PYGUEST_TRACE").is_some(); }
    T.with(|t| *t)
}

fn const_value(c: &Const) -> Value {
    match c {
        Const::None => Value::NONE,
        Const::Bool(b) => Value::bool(*b),
        Const::Ellipsis => Value::ELLIPSIS,
        Const::Int(i) => new_int(*i),
        Const::BigInt(s) => {
            crate::modules::builtins::parse_int_literal(s).unwrap_or(Value::small(0))
        }
        Const::Float(f) => new_float(*f),
        Const::Complex(r, i) => new_complex(*r, *i),
        Const::Str(s) => {
            if s.len() <= 40 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                vm::intern(s)
            } else {
                new_str(s)
            }
        }
        Const::Bytes(b) => new_bytes(b.clone(), false),
        Const::Tuple(items) => {
            let v: ArgVec = items.iter().map(const_value).collect();
            new_tuple(&v)
        }
        Const::Code(u) => Value::obj(materialize(u)),
    }
}

// ---------------------------------------------------------------- frames

pub fn new_frame(code: Gc<CodeObj>, globals: Gc<DictObj>, ns: Value, func: Value) -> Gc<FrameObj> {
    let d = &code.d;
    let nl = d.varnames.len();
    let nc = d.cellvars.len() + d.freevars.len();
    if let Some(free) = as_list_exact(code.free_frames.get()) {
        if let Some(fv) = free.pop() {
            // SAFETY: only frames of this code are put on its free list.
            let f: Gc<FrameObj> = unsafe { fv.as_gc() };
            f.pc.set(0);
            f.sp.set((nl + nc) as u32);
            f.exc_depth.set(0);
            f.globals_c.set(globals);
            f.ns_c.set(ns);
            f.func_c.set(func);
            f.entry.set(false);
            f.yielded.set(false);
            return f;
        }
    }
    let regs = gc::alloc_array(nl + nc + d.stacksize as usize, Value::NULL);
    gc::alloc(FrameObj {
        kind: Kind::Frame,
        pc: Cell::new(0),
        sp: Cell::new((nl + nc) as u32),
        exc_depth: Cell::new(0),
        code,
        globals_c: GcCell::new(globals),
        ns_c: GcCell::new(ns),
        regs,
        back: GcCell::new(None),
        func_c: GcCell::new(func),
        escaped: Cell::new(false),
        entry: Cell::new(false),
        yielded: Cell::new(false),
    })
}

/// Frames kept per code object for reuse (allocation is the main cost of a call).
const FREE_FRAMES_PER_CODE: usize = 48;

/// Returns a finished frame to its code's free list (unless something else may refer to it).
#[inline]
fn release_frame(f: Gc<FrameObj>) {
    if f.escaped.get() {
        return;
    }
    let code = f.code;
    let free = match as_list_exact(code.free_frames.get()) {
        Some(l) => l,
        None => {
            let l = new_list_cap(4);
            code.free_frames.set(Value::obj(l));
            // so `gc.collect()` can clear the stale stack slots of waiting frames
            crate::modules::gcmod::register_free_list(l);
            l
        }
    };
    if free.len() >= FREE_FRAMES_PER_CODE {
        return;
    }
    let d = &code.d;
    let n = d.varnames.len() + d.cellvars.len() + d.freevars.len();
    let top = (f.sp.get() as usize).max(n);
    // SAFETY: storing NULL creates no reference, so these stores need no write barrier; no
    // other reference into the frame's registers is live here (the frame has finished).
    unsafe { f.regs.as_mut_slice()[..top].fill(Value::NULL) };
    f.back.set(None);
    f.ns_c.set(Value::NULL);
    f.func_c.set(Value::NULL);
    free.push(Value::obj(f));
}

/// Source line the frame is at.
pub fn frame_line(f: Gc<FrameObj>) -> u32 {
    let pc = f.pc.get() as usize;
    let lines = &f.code.d.lines;
    if lines.is_empty() {
        return f.code.d.firstline;
    }
    lines[pc.saturating_sub(1).min(lines.len() - 1)]
}

fn init_cells(f: Gc<FrameObj>, closure: Value) {
    let d = &f.code.d;
    let nl = d.varnames.len();
    for (i, ca) in d.cell_args.iter().enumerate() {
        let init = match ca {
            Some(a) => f.regs.get(*a as usize),
            None => Value::NULL,
        };
        f.regs.set(nl + i, new_cell(init));
    }
    if let Some(t) = as_tuple_exact(closure) {
        let base = nl + d.cellvars.len();
        for (j, &c) in t.as_slice().iter().enumerate() {
            f.regs.set(base + j, c);
        }
    }
}

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

fn enter_depth() -> PyResult<()> {
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

fn make_generator(f: Gc<FrameObj>, func: Gc<FunctionObj>) -> Value {
    f.escaped.set(true);
    Value::obj(gc::alloc(GeneratorObj {
        kind: Kind::Generator,
        state: Cell::new(GEN_CREATED),
        frame: f,
        name: func.name.get(),
    }))
}

// ---------------------------------------------------------------- calls

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
            let saved = CUR_FRAME.with(|c| c.get());
            let r = run_frame(f, None);
            CUR_FRAME.with(|c| c.set(saved));
            r
        }
        Some(Kind::Builtin) => {
            let b = as_builtin(callable).unwrap();
            if b.bound.is_null() {
                (b.f)(args)
            } else {
                let mut v = ArgVec::with_capacity(args.pos.len() + 1);
                v.push(b.bound);
                v.extend_from_slice(args.pos);
                (b.f)(Args { pos: &v, ..args })
            }
        }
        Some(Kind::BoundMethod) => {
            let m = as_bound(callable).unwrap();
            let mut v = ArgVec::with_capacity(args.pos.len() + 1);
            v.push(m.slf);
            v.extend_from_slice(args.pos);
            call_object(m.func, Args { pos: &v, ..args })
        }
        Some(Kind::Class) => crate::modules::builtins::construct(as_class(callable).unwrap(), args),
        Some(Kind::StaticMethod) => call_object(as_staticmethod(callable).unwrap().f, args),
        _ => {
            let t = type_of(callable);
            if let Some(m) = ops::lookup_type_user(t, "__call__") {
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

// ---------------------------------------------------------------- the driver

enum Flow {
    Return(Value),
    Yield(Value),
    Err(PyErr),
}

/// Runs `entry` (and every frame it calls) until `entry` returns or yields.
pub fn run_frame(entry: Gc<FrameObj>, pending: Option<PyErr>) -> PyResult<Value> {
    let vm = vm();
    let re = vm.reentry.get() + 1;
    if re > MAX_REENTRY {
        vm.depth.set(vm.depth.get() - 1);
        return Err(vm::exc(
            C::RecursionError,
            "maximum recursion depth exceeded",
        ));
    }
    vm.reentry.set(re);
    // CUR_FRAME is a raw address, not a root: restore the caller's frame on exit. `saved`
    // stays live on the native stack for the whole run, so the collector pins that frame.
    let saved = current_frame();
    entry.entry.set(true);
    entry.exc_depth.set(vm.handled.get().len() as u32);
    let mut f = entry;
    let mut pending = pending;
    let result = loop {
        match execute(&mut f, pending.take()) {
            Flow::Return(v) => {
                vm.depth.set(vm.depth.get() - 1);
                if Gc::ptr_eq(f, entry) {
                    release_frame(f);
                    break Ok(v);
                }
                let back = f.back.get().unwrap();
                f.back.set(None);
                let v = if !f.ns().is_null()
                    && f.func() != Value::NULL
                    && f.code.d.flags & CO_NAMESPACE == 0
                {
                    // an __init__ frame started by a class call: the result is the instance
                    if !v.is_none() {
                        pending = Some(type_error(format!(
                            "__init__() should return None, not '{}'",
                            vm::type_name(v)
                        )));
                    }
                    f.ns()
                } else {
                    v
                };
                let sp = back.sp.get() as usize;
                back.regs.set(sp, v);
                back.sp.set(sp as u32 + 1);
                release_frame(f);
                f = back;
            }
            Flow::Yield(v) => {
                vm.depth.set(vm.depth.get() - 1);
                f.yielded.set(true);
                break Ok(v);
            }
            Flow::Err(e) => {
                add_traceback(e.0, f);
                let h = vm.handled.get();
                while h.len() > f.exc_depth.get() as usize {
                    h.pop();
                }
                vm.depth.set(vm.depth.get() - 1);
                if Gc::ptr_eq(f, entry) {
                    release_frame(f);
                    break Err(e);
                }
                let back = f.back.get().unwrap();
                f.back.set(None);
                f = back;
                pending = Some(e);
            }
        }
    };
    vm.reentry.set(re - 1);
    CUR_FRAME.with(|c| c.set(std::hint::black_box(saved).map_or(0, |g| g.addr())));
    result
}

/// Appends a traceback entry for frame `f` to exception `e`.
fn add_traceback(e: Value, f: Gc<FrameObj>) {
    let Some(inst) = as_instance(e) else { return };
    let key = intern("__traceback__");
    let tb = match ops::instance_get(inst, key) {
        Some(t) if as_list_exact(t).is_some() => as_list_exact(t).unwrap(),
        _ => {
            let l = new_list_cap(4);
            ops::instance_set(inst, key, Value::obj(l));
            l
        }
    };
    // entries hold the code and line, not the frame (frames are recycled)
    let fid = Value::small((f.addr() >> 3) as i64 & ((1 << 60) - 1));
    if let Some(last) = tb.as_slice().last() {
        if let Some(t) = as_tuple_exact(*last) {
            if t.as_slice()[2] == fid {
                return;
            }
        }
    }
    let line = frame_line(f) as i64;
    tb.push(new_tuple(&[Value::obj(f.code), Value::small(line), fid]));
}

/// Traceback entries (filename, line, function name), outermost first.
pub fn traceback_entries(e: Value) -> Vec<(String, u32, String)> {
    let mut out = Vec::new();
    if let Some(inst) = as_instance(e) {
        if let Some(tb) = ops::instance_get(inst, intern("__traceback__")).and_then(as_list_exact) {
            for &t in tb.as_slice().iter().rev() {
                let t = as_tuple_exact(t).unwrap();
                let code = as_code(t.as_slice()[0]).unwrap();
                let line = t.as_slice()[1].as_int_unchecked() as u32;
                out.push((code.d.filename.to_string(), line, code.d.name.clone()));
            }
        }
    }
    out
}

fn find_handler(d: &CodeData, pc: usize) -> Option<ExcEntry> {
    let pc = pc as u32;
    d.exc_table
        .iter()
        .find(|e| e.start <= pc && pc < e.end)
        .copied()
}

fn set_context(e: Value) {
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

fn exc_match(e: Value, t: Value) -> PyResult<bool> {
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

fn unbound_local(f: Gc<FrameObj>, i: usize) -> PyErr {
    vm::exc(
        C::UnboundLocalError,
        format!(
            "cannot access local variable '{}' where it is not associated with a value",
            f.code.d.varnames[i]
        ),
    )
}

fn free_name(f: Gc<FrameObj>, i: usize) -> String {
    let d = &f.code.d;
    if i < d.cellvars.len() {
        d.cellvars[i].clone()
    } else {
        d.freevars[i - d.cellvars.len()].clone()
    }
}

fn load_global(f: Gc<FrameObj>, name: Value) -> PyResult<Value> {
    let h = ops::hash(name)?;
    if let Some(v) = f.globals().get_h(name, h)? {
        return Ok(v);
    }
    let b = builtins_of(f.globals());
    if let Some(v) = b.get_h(name, h)? {
        return Ok(v);
    }
    Err(vm::name_error(&ops::str_of(name)?))
}

#[inline(always)]
fn kwt_of(kwnames: Value) -> Option<Gc<TupleObj>> {
    as_tuple_exact(kwnames)
}

/// `load_global` that also fills the LOAD_GLOBAL site's cache when the name is found in
/// the globals dict.
fn load_global_cached(f: Gc<FrameObj>, name: Value, cache: &Cell<u64>) -> PyResult<Value> {
    let h = ops::hash(name)?;
    let g = f.globals();
    if let Some(e) = g.find(name, h)? {
        if g.keys.get().get(e) == name {
            cache.set(e as u64 + 1);
        }
        return Ok(g.vals.get().get(e));
    }
    let b = builtins_of(g);
    if let Some(v) = b.get_h(name, h)? {
        return Ok(v);
    }
    Err(vm::name_error(&ops::str_of(name)?))
}

fn builtins_of(_g: Gc<DictObj>) -> Gc<DictObj> {
    vm().builtins.get()
}

fn unpack(v: Value, n: usize) -> PyResult<ArgVec> {
    let items: ArgVec = if let Some(t) = as_tuple_exact(v) {
        t.as_slice().iter().copied().collect()
    } else if let Some(l) = as_list_exact(v) {
        l.as_slice().iter().copied().collect()
    } else {
        let it = ops::get_iter(v).map_err(|_| {
            type_error(format!(
                "cannot unpack non-iterable {} object",
                vm::type_name(v)
            ))
        })?;
        let mut out = ArgVec::new();
        while let Some(x) = ops::next(it)? {
            out.push(x);
            if out.len() > n {
                break;
            }
        }
        out
    };
    if items.len() < n {
        return Err(vm::value_error(format!(
            "not enough values to unpack (expected {}, got {})",
            n,
            items.len()
        )));
    }
    if items.len() > n {
        return Err(vm::value_error(format!(
            "too many values to unpack (expected {n})"
        )));
    }
    Ok(items)
}

/// Builds positional + keyword args from the CALL_EX operands.
fn ex_args(args: Value, kwargs: Value) -> PyResult<(ArgVec, ArgVec, ArgVec)> {
    let pos: ArgVec = match as_tuple_exact(args) {
        Some(t) => t.as_slice().iter().copied().collect(),
        None => crate::modules::builtins::seq_items(args)?
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

/// Executes frame `f` until it calls, returns, yields or fails.
#[allow(clippy::cognitive_complexity)]
/// STORE_ATTR cache word flag: the entry is a map transition (`old map << 40 | new map << 16
/// | slot`) for stores that add an attribute; without it, `map << 32 | slot + 1` for stores
/// into an existing attribute (map ids below 2^31 there, so the flag bit is free).
const ATTR_ADD: u64 = 1 << 63;

/// Runs frames starting with `*fr`. Calls of Python functions and returns to a caller that
/// is not an entry frame switch frames here, without leaving this function; `*fr` is always
/// the frame being run, so when a [`Flow`] comes back to [`run_frame`], it names the frame
/// the flow is about.
fn execute(fr: &mut Gc<FrameObj>, pending: Option<PyErr>) -> Flow {
    let mut pending = pending;
    'frames: loop {
        let f = *fr;
        set_cur(f);
        let code = f.code;
        let d: &CodeData = &code.d;
        let instrs: &[u32] = &d.code;
        let consts = code.consts;
        let names = code.names;
        let regs = f.regs;
        let nlocals = d.varnames.len();
        let stack_base = nlocals + d.cellvars.len() + d.freevars.len();
        let mut pc = f.pc.get() as usize;
        let mut sp = f.sp.get() as usize;

        macro_rules! push {
            ($v:expr) => {{
                let v = $v;
                regs.set(sp, v);
                sp += 1;
            }};
        }
        macro_rules! pop {
            () => {{
                sp -= 1;
                regs.get(sp)
            }};
        }
        macro_rules! top {
            () => {
                regs.get(sp - 1)
            };
        }
        // switch to the new frame `nf` called from `f` (the caller saved its pc and sp)
        macro_rules! switch_call {
            ($nf:expr) => {{
                let nf = $nf;
                nf.back.set(Some(f));
                nf.exc_depth.set(vm().handled.get().len() as u32);
                *fr = nf;
                continue 'frames;
            }};
        }

        loop {
            let err: PyErr = match pending.take() {
                Some(e) => e,
                None => 'dispatch: loop {
                    macro_rules! tri {
                        ($e:expr) => {
                            match $e {
                                Ok(v) => v,
                                Err(e) => break 'dispatch e,
                            }
                        };
                    }
                    let w = instrs[pc];
                    pc += 1;
                    let arg = w >> 8;
                    if cfg!(debug_assertions) && trace_ops() {
                        eprintln!(
                            "  {:>4} {:<20} {:<5} sp={}",
                            pc - 1,
                            Op::from_u8(w as u8).name(),
                            arg,
                            sp
                        );
                    }
                    match Op::from_u8(w as u8) {
                        Op::NOP | Op::GEN_START | Op::SETUP_ANNOTATIONS => {}
                        Op::POP_TOP => {
                            sp -= 1;
                        }
                        Op::ROT_TWO => {
                            let a = regs.get(sp - 1);
                            regs.set(sp - 1, regs.get(sp - 2));
                            regs.set(sp - 2, a);
                        }
                        Op::ROT_THREE => {
                            let a = regs.get(sp - 1);
                            regs.set(sp - 1, regs.get(sp - 2));
                            regs.set(sp - 2, regs.get(sp - 3));
                            regs.set(sp - 3, a);
                        }
                        Op::ROT_FOUR => {
                            let a = regs.get(sp - 1);
                            regs.set(sp - 1, regs.get(sp - 2));
                            regs.set(sp - 2, regs.get(sp - 3));
                            regs.set(sp - 3, regs.get(sp - 4));
                            regs.set(sp - 4, a);
                        }
                        Op::DUP_TOP => {
                            let a = top!();
                            push!(a);
                        }
                        Op::DUP_TOP_TWO => {
                            let a = regs.get(sp - 2);
                            let b = regs.get(sp - 1);
                            push!(a);
                            push!(b);
                        }
                        Op::COPY => {
                            let a = regs.get(sp - arg as usize);
                            push!(a);
                        }
                        Op::SWAP => {
                            let i = sp - arg as usize;
                            let a = regs.get(sp - 1);
                            regs.set(sp - 1, regs.get(i));
                            regs.set(i, a);
                        }
                        Op::LOAD_CONST => push!(consts.get(arg as usize)),
                        Op::LOAD_FAST => {
                            let v = regs.get(arg as usize);
                            if v.is_null() {
                                break 'dispatch unbound_local(f, arg as usize);
                            }
                            push!(v);
                        }
                        Op::STORE_FAST => {
                            let v = pop!();
                            regs.set(arg as usize, v);
                        }
                        Op::DELETE_FAST => {
                            if regs.get(arg as usize).is_null() {
                                break 'dispatch unbound_local(f, arg as usize);
                            }
                            regs.set(arg as usize, Value::NULL);
                        }
                        Op::LOAD_DEREF => {
                            let c = as_cell(regs.get(nlocals + arg as usize)).unwrap();
                            let v = c.v.get();
                            if v.is_null() {
                                let n = free_name(f, arg as usize);
                                break 'dispatch if (arg as usize) < d.cellvars.len() {
                                    vm::exc(C::UnboundLocalError, format!("cannot access local variable '{n}' where it is not associated with a value"))
                                } else {
                                    vm::exc(C::NameError, format!("cannot access free variable '{n}' where it is not associated with a value in enclosing scope"))
                                };
                            }
                            push!(v);
                        }
                        Op::STORE_DEREF => {
                            let v = pop!();
                            as_cell(regs.get(nlocals + arg as usize)).unwrap().v.set(v);
                        }
                        Op::DELETE_DEREF => {
                            as_cell(regs.get(nlocals + arg as usize))
                                .unwrap()
                                .v
                                .set(Value::NULL);
                        }
                        Op::LOAD_CLOSURE => push!(regs.get(nlocals + arg as usize)),
                        Op::LOAD_CLASSDEREF => {
                            let n = free_name(f, arg as usize);
                            let ns = as_dict(f.ns());
                            let from_ns = ns.and_then(|d| d.get_str(&n));
                            match from_ns {
                                Some(v) => push!(v),
                                None => {
                                    let v =
                                        as_cell(regs.get(nlocals + arg as usize)).unwrap().v.get();
                                    if v.is_null() {
                                        break 'dispatch vm::name_error(&n);
                                    }
                                    push!(v);
                                }
                            }
                        }
                        Op::LOAD_GLOBAL => {
                            let name = names.get(arg as usize);
                            // inline cache: entry index + 1 of the name in the globals dict;
                            // valid while that entry still holds this (interned) key object
                            let c = code.cache[pc - 1].get() as usize;
                            if c != 0 {
                                let g = f.globals();
                                let keys = g.keys.get();
                                if c - 1 < keys.len() && keys.get(c - 1) == name {
                                    push!(g.vals.get().get(c - 1));
                                    continue;
                                }
                            }
                            let v = tri!(load_global_cached(f, name, &code.cache[pc - 1]));
                            push!(v);
                        }
                        Op::STORE_GLOBAL => {
                            let v = pop!();
                            tri!(f.globals().set_item(names.get(arg as usize), v));
                        }
                        Op::DELETE_GLOBAL => {
                            let name = names.get(arg as usize);
                            if tri!(f.globals().remove(name)).is_none() {
                                break 'dispatch vm::name_error(
                                    &ops::str_of(name).unwrap_or_default(),
                                );
                            }
                        }
                        Op::LOAD_NAME => {
                            let name = names.get(arg as usize);
                            let v = match tri!(load_name_ns(f.ns(), f.globals(), name)) {
                                Some(v) => v,
                                None => tri!(load_global(f, name)),
                            };
                            push!(v);
                        }
                        Op::STORE_NAME => {
                            let v = pop!();
                            let ns = if f.ns().is_null() {
                                Value::obj(f.globals())
                            } else {
                                f.ns()
                            };
                            let name = names.get(arg as usize);
                            match as_dict_exact(ns) {
                                Some(dd) => tri!(dd.set_item(name, v)),
                                None => tri!(ops::setitem(ns, name, v)),
                            }
                        }
                        Op::DELETE_NAME => {
                            let name = names.get(arg as usize);
                            let nsv = f.ns();
                            if !nsv.is_null() && as_dict_exact(nsv).is_none() {
                                // a `__prepare__` mapping: its own `__delitem__`
                                if let Err(e) = ops::delitem(nsv, name) {
                                    if vm::exc_matches(&e, vm::C::KeyError) {
                                        break 'dispatch vm::name_error(
                                            &ops::str_of(name).unwrap_or_default(),
                                        );
                                    }
                                    break 'dispatch e;
                                }
                                continue;
                            }
                            let ns = as_dict(nsv).unwrap_or(f.globals());
                            if tri!(ns.remove(name)).is_none() {
                                break 'dispatch vm::name_error(
                                    &ops::str_of(name).unwrap_or_default(),
                                );
                            }
                        }
                        Op::LOAD_ATTR => {
                            let obj = top!();
                            let name = names.get(arg as usize);
                            // inline cache: instance slot by map
                            if let Some(inst) = as_instance(obj) {
                                let c = code.cache[pc - 1].get();
                                if c != 0
                                    && (c >> 32) as u32 == inst.map.get()
                                    && inst.cls.get().flags.get() & CF_GETATTRIBUTE == 0
                                {
                                    let v = inst.slots.get().get((c & 0xffff_ffff) as usize - 1);
                                    if !v.is_null() {
                                        regs.set(sp - 1, v);
                                        continue;
                                    }
                                }
                                let t = inst.cls.get();
                                if t.flags.get() & (CF_GETATTRIBUTE | CF_HAS_DESCRIPTORS) == 0 {
                                    if let Some(slot) =
                                        vm::map_lookup(inst.map.get(), vm::sym_of(name))
                                    {
                                        let v = inst.slots.get().get(slot);
                                        if !v.is_null() {
                                            code.cache[pc - 1].set(
                                                ((inst.map.get() as u64) << 32) | (slot as u64 + 1),
                                            );
                                            regs.set(sp - 1, v);
                                            continue;
                                        }
                                    }
                                }
                            }
                            let v = tri!(ops::getattr(obj, name));
                            set_cur(f);
                            regs.set(sp - 1, v);
                        }
                        Op::STORE_ATTR => {
                            let obj = pop!();
                            let v = pop!();
                            let name = names.get(arg as usize);
                            if let Some(inst) = as_instance(obj) {
                                let t = inst.cls.get();
                                if t.flags.get() & (CF_SETATTR | CF_HAS_DESCRIPTORS | CF_SLOTS) == 0
                                {
                                    let c = code.cache[pc - 1].get();
                                    let m = inst.map.get();
                                    if c & ATTR_ADD != 0 {
                                        // cached transition: adds the attribute as slot `s`
                                        let s = (c & 0xffff) as usize;
                                        let slots = inst.slots.get();
                                        if (c >> 40) as u32 & 0x7f_ffff == m && s < slots.len() {
                                            slots.set(s, v);
                                            inst.map.set((c >> 16) as u32 & 0xff_ffff);
                                            continue;
                                        }
                                    } else if c != 0 && (c >> 32) as u32 == m {
                                        inst.slots.get().set((c & 0xffff_ffff) as usize - 1, v);
                                        continue;
                                    }
                                    ops::instance_set(inst, name, v);
                                    let nm = inst.map.get();
                                    if let Some(slot) = vm::map_lookup(nm, vm::sym_of(name)) {
                                        if nm == m && m < 1 << 31 {
                                            code.cache[pc - 1]
                                                .set(((m as u64) << 32) | (slot as u64 + 1));
                                        } else if m < 1 << 23 && nm < 1 << 24 && slot < 1 << 16 {
                                            code.cache[pc - 1].set(
                                                ATTR_ADD
                                                    | (m as u64) << 40
                                                    | (nm as u64) << 16
                                                    | slot as u64,
                                            );
                                        }
                                    }
                                    continue;
                                }
                            }
                            tri!(ops::setattr(obj, name, v));
                            set_cur(f);
                        }
                        Op::DELETE_ATTR => {
                            let obj = pop!();
                            tri!(ops::delattr(obj, names.get(arg as usize)));
                        }
                        Op::LOAD_METHOD => {
                            let obj = top!();
                            let name = names.get(arg as usize);
                            let t = type_of(obj);
                            let k = (code.cache[pc - 1].get() as usize - 1) * 3;
                            let key = Value::small(
                                (((vm().class_epoch.get() & 0xfff_ffff) << 33)
                                    | (as_instance(obj)
                                        .map(|i| i.map.get() as u64 + 1)
                                        .unwrap_or(0))) as i64,
                            );
                            let ic = code.icache;
                            if ic.get(k) == Value::obj(t) && ic.get(k + 2) == key {
                                regs.set(sp - 1, ic.get(k + 1));
                                push!(obj);
                                continue;
                            }
                            let mut done = false;
                            if t.flags.get() & CF_GETATTRIBUTE == 0 {
                                let shadow = match as_instance(obj) {
                                    Some(inst) => ops::instance_get(inst, name).is_some(),
                                    None => {
                                        obj.is_kind(Kind::Class)
                                            || obj.is_kind(Kind::Module)
                                            || obj.is_kind(Kind::Super)
                                    }
                                };
                                if !shadow {
                                    if let Some(m) = ops::lookup_mro(t, name) {
                                        if matches!(
                                            m.kind(),
                                            Some(Kind::Function) | Some(Kind::Builtin)
                                        ) {
                                            regs.set(sp - 1, m);
                                            push!(obj);
                                            done = true;
                                            // dict-mode instances change attributes without
                                            // changing map: never cache for them
                                            if as_instance(obj)
                                                .is_none_or(|i| i.map.get() != ops::DICT_MAP)
                                            {
                                                ic.set(k, Value::obj(t));
                                                ic.set(k + 1, m);
                                                ic.set(k + 2, key);
                                            }
                                        }
                                    }
                                }
                            }
                            if !done {
                                let v = tri!(ops::getattr(obj, name));
                                set_cur(f);
                                regs.set(sp - 1, Value::NULL);
                                push!(v);
                            }
                        }
                        Op::BINARY_SUBSCR => {
                            let k = pop!();
                            let o = top!();
                            if let (Some(l), Some(i)) = (as_list_exact(o), k.as_small()) {
                                let n = l.len() as i64;
                                let j = if i < 0 { i + n } else { i };
                                if j >= 0 && j < n {
                                    regs.set(sp - 1, l.get(j as usize));
                                    continue;
                                }
                            }
                            let v = tri!(ops::getitem(o, k));
                            set_cur(f);
                            regs.set(sp - 1, v);
                        }
                        Op::STORE_SUBSCR => {
                            let k = pop!();
                            let o = pop!();
                            let v = pop!();
                            if let (Some(l), Some(i)) = (as_list_exact(o), k.as_small()) {
                                let n = l.len() as i64;
                                let j = if i < 0 { i + n } else { i };
                                if j >= 0 && j < n {
                                    l.set(j as usize, v);
                                    continue;
                                }
                            }
                            tri!(ops::setitem(o, k, v));
                            set_cur(f);
                        }
                        Op::DELETE_SUBSCR => {
                            let k = pop!();
                            let o = pop!();
                            tri!(ops::delitem(o, k));
                        }
                        Op::BINARY_OP => {
                            let b = pop!();
                            let a = top!();
                            if a.is_int() && b.is_int() {
                                let (x, y) = (a.as_int_unchecked(), b.as_int_unchecked());
                                let r = match arg {
                                    crate::compiler::bytecode::binop::ADD => Some(x + y),
                                    crate::compiler::bytecode::binop::SUB => Some(x - y),
                                    crate::compiler::bytecode::binop::MUL => x.checked_mul(y),
                                    crate::compiler::bytecode::binop::AND => Some(x & y),
                                    crate::compiler::bytecode::binop::OR => Some(x | y),
                                    crate::compiler::bytecode::binop::XOR => Some(x ^ y),
                                    crate::compiler::bytecode::binop::MOD if y > 0 => {
                                        Some(x.rem_euclid(y))
                                    }
                                    crate::compiler::bytecode::binop::FLOORDIV if y > 0 => {
                                        Some(x.div_euclid(y))
                                    }
                                    _ => None,
                                };
                                if let Some(r) = r {
                                    if Value::fits_small(r) {
                                        regs.set(sp - 1, Value::small(r));
                                        continue;
                                    }
                                }
                            }
                            if let Some(r) = float_fast(a, b, arg) {
                                regs.set(sp - 1, r);
                                continue;
                            }
                            let v = tri!(ops::binary_op(a, b, arg));
                            set_cur(f);
                            regs.set(sp - 1, v);
                        }
                        Op::INPLACE_OP => {
                            let b = pop!();
                            let a = top!();
                            if a.is_int() && b.is_int() {
                                let (x, y) = (a.as_int_unchecked(), b.as_int_unchecked());
                                let r = match arg {
                                    crate::compiler::bytecode::binop::ADD => Some(x + y),
                                    crate::compiler::bytecode::binop::SUB => Some(x - y),
                                    _ => None,
                                };
                                if let Some(r) = r {
                                    if Value::fits_small(r) {
                                        regs.set(sp - 1, Value::small(r));
                                        continue;
                                    }
                                }
                            }
                            if let Some(r) = float_fast(a, b, arg) {
                                regs.set(sp - 1, r);
                                continue;
                            }
                            let v = tri!(ops::inplace_op(a, b, arg));
                            set_cur(f);
                            regs.set(sp - 1, v);
                        }
                        Op::UNARY_NEG => {
                            let v = tri!(ops::unary_neg(top!()));
                            regs.set(sp - 1, v);
                        }
                        Op::UNARY_POS => {
                            let v = tri!(ops::unary_pos(top!()));
                            regs.set(sp - 1, v);
                        }
                        Op::UNARY_INVERT => {
                            let v = tri!(ops::unary_invert(top!()));
                            regs.set(sp - 1, v);
                        }
                        Op::UNARY_NOT => {
                            let b = tri!(ops::truthy(top!()));
                            regs.set(sp - 1, Value::bool(!b));
                        }
                        Op::COMPARE_OP => {
                            let b = pop!();
                            let a = top!();
                            if a.is_int() && b.is_int() {
                                let (x, y) = (a.as_int_unchecked(), b.as_int_unchecked());
                                let r = match arg {
                                    0 => x < y,
                                    1 => x <= y,
                                    2 => x == y,
                                    3 => x != y,
                                    4 => x > y,
                                    _ => x >= y,
                                };
                                regs.set(sp - 1, Value::bool(r));
                                continue;
                            }
                            if let (Some(x), Some(y)) = (as_float_obj(a), as_float_obj(b)) {
                                let (x, y) = (x.v, y.v);
                                let r = match arg {
                                    0 => x < y,
                                    1 => x <= y,
                                    2 => x == y,
                                    3 => x != y,
                                    4 => x > y,
                                    _ => x >= y,
                                };
                                regs.set(sp - 1, Value::bool(r));
                                continue;
                            }
                            let v = tri!(ops::compare(a, b, arg));
                            set_cur(f);
                            regs.set(sp - 1, v);
                        }
                        Op::IS_OP => {
                            let b = pop!();
                            let a = top!();
                            regs.set(sp - 1, Value::bool((a == b) != (arg == 1)));
                        }
                        Op::CONTAINS_OP => {
                            let b = pop!();
                            let a = top!();
                            let r = tri!(ops::contains(b, a));
                            set_cur(f);
                            regs.set(sp - 1, Value::bool(r != (arg == 1)));
                        }
                        Op::JUMP => pc = arg as usize,
                        Op::POP_JUMP_IF_FALSE => {
                            let v = pop!();
                            let t = if v == Value::TRUE {
                                true
                            } else if v == Value::FALSE {
                                false
                            } else {
                                tri!(ops::truthy(v))
                            };
                            if !t {
                                pc = arg as usize;
                            }
                        }
                        Op::POP_JUMP_IF_TRUE => {
                            let v = pop!();
                            let t = if v == Value::TRUE {
                                true
                            } else if v == Value::FALSE {
                                false
                            } else {
                                tri!(ops::truthy(v))
                            };
                            if t {
                                pc = arg as usize;
                            }
                        }
                        Op::JUMP_IF_FALSE_OR_POP => {
                            if !tri!(ops::truthy(top!())) {
                                pc = arg as usize;
                            } else {
                                sp -= 1;
                            }
                        }
                        Op::JUMP_IF_TRUE_OR_POP => {
                            if tri!(ops::truthy(top!())) {
                                pc = arg as usize;
                            } else {
                                sp -= 1;
                            }
                        }
                        Op::GET_ITER => {
                            let v = tri!(ops::get_iter(top!()));
                            set_cur(f);
                            regs.set(sp - 1, v);
                        }
                        Op::FOR_ITER => {
                            let it = top!();
                            if let Some(io) = as_iter(it) {
                                match io.sub {
                                    IterKind::Range => {
                                        let n = io.n.get();
                                        if n > 0 {
                                            let i = io.i.get();
                                            io.n.set(n - 1);
                                            io.i.set(i + io.step.get());
                                            push!(new_int(i));
                                        } else {
                                            sp -= 1;
                                            pc = arg as usize;
                                        }
                                        continue;
                                    }
                                    IterKind::Seq => {
                                        let s = io.a.get();
                                        let i = io.i.get() as usize;
                                        let item = if let Some(l) = as_list_exact(s) {
                                            if i < l.len() {
                                                Some(l.get(i))
                                            } else {
                                                None
                                            }
                                        } else {
                                            let t = as_tuple_exact(s).unwrap();
                                            t.as_slice().get(i).copied()
                                        };
                                        match item {
                                            Some(v) => {
                                                io.i.set(i as i64 + 1);
                                                push!(v);
                                            }
                                            None => {
                                                sp -= 1;
                                                pc = arg as usize;
                                            }
                                        }
                                        continue;
                                    }
                                    _ => {}
                                }
                            }
                            match tri!(ops::next(it)) {
                                Some(v) => {
                                    set_cur(f);
                                    push!(v)
                                }
                                None => {
                                    set_cur(f);
                                    sp -= 1;
                                    pc = arg as usize;
                                }
                            }
                        }
                        Op::BUILD_TUPLE => {
                            let n = arg as usize;
                            let v = new_tuple(&regs.as_slice()[sp - n..sp]);
                            sp -= n;
                            push!(v);
                        }
                        Op::BUILD_LIST => {
                            let n = arg as usize;
                            let v = new_list_from(&regs.as_slice()[sp - n..sp]);
                            sp -= n;
                            push!(v);
                        }
                        Op::BUILD_SET => {
                            let n = arg as usize;
                            let s = new_set(false);
                            for i in sp - n..sp {
                                tri!(s.add(regs.get(i)));
                            }
                            sp -= n;
                            push!(Value::obj(s));
                        }
                        Op::BUILD_MAP => {
                            let n = arg as usize;
                            let dd = new_dict();
                            let base = sp - 2 * n;
                            for i in 0..n {
                                tri!(
                                    dd.set_item(regs.get(base + 2 * i), regs.get(base + 2 * i + 1))
                                );
                            }
                            sp = base;
                            push!(Value::obj(dd));
                        }
                        Op::BUILD_SLICE => {
                            let (start, stop, step) = if arg == 3 {
                                let st = pop!();
                                let b = pop!();
                                let a = pop!();
                                (a, b, st)
                            } else {
                                let b = pop!();
                                let a = pop!();
                                (a, b, Value::NONE)
                            };
                            push!(Value::obj(gc::alloc(SliceObj {
                                kind: Kind::Slice,
                                start,
                                stop,
                                step
                            })));
                        }
                        Op::BUILD_STRING => {
                            let n = arg as usize;
                            let mut s = String::new();
                            for i in sp - n..sp {
                                s.push_str(&as_str(regs.get(i)).unwrap().s);
                            }
                            sp -= n;
                            push!(new_string(s));
                        }
                        Op::LIST_APPEND => {
                            let v = pop!();
                            as_list_exact(regs.get(sp - arg as usize)).unwrap().push(v);
                        }
                        Op::SET_ADD => {
                            let v = pop!();
                            tri!(as_set(regs.get(sp - arg as usize)).unwrap().add(v));
                        }
                        Op::MAP_ADD => {
                            let v = pop!();
                            let k = pop!();
                            tri!(as_dict_exact(regs.get(sp - arg as usize))
                                .unwrap()
                                .set_item(k, v));
                        }
                        Op::LIST_EXTEND => {
                            let v = pop!();
                            let l = as_list_exact(regs.get(sp - arg as usize)).unwrap();
                            tri!(ops::list_extend(l, v).map_err(|e| {
                                if vm::exc_matches(&e, C::TypeError) && ops::get_iter(v).is_err() {
                                    type_error(format!(
                                        "Value after * must be an iterable, not {}",
                                        vm::type_name(v)
                                    ))
                                } else {
                                    e
                                }
                            }));
                            set_cur(f);
                        }
                        Op::SET_UPDATE => {
                            let v = pop!();
                            let s = as_set(regs.get(sp - arg as usize)).unwrap();
                            let it = tri!(ops::get_iter(v));
                            while let Some(x) = tri!(ops::next(it)) {
                                tri!(s.add(x));
                            }
                            set_cur(f);
                        }
                        Op::DICT_UPDATE | Op::DICT_MERGE => {
                            let v = pop!();
                            let dd = as_dict_exact(regs.get(sp - arg as usize)).unwrap();
                            if Op::from_u8(w as u8) == Op::DICT_MERGE {
                                if let Some(src) = as_dict(v) {
                                    for i in 0..src.entry_count() {
                                        let k = src.key_at(i);
                                        if !k.is_null() && tri!(dd.get(k)).is_some() {
                                            break 'dispatch type_error(format!(
                                                "got multiple values for keyword argument '{}'",
                                                ops::str_of(k).unwrap_or_default()
                                            ));
                                        }
                                    }
                                } else if ops::lookup_type(type_of(v), "keys").is_none() {
                                    break 'dispatch type_error(format!(
                                        "argument after ** must be a mapping, not {}",
                                        vm::type_name(v)
                                    ));
                                }
                            }
                            tri!(crate::modules::builtins::dict_update(dd, v));
                            set_cur(f);
                        }
                        Op::LIST_TO_TUPLE => {
                            let l = as_list_exact(top!()).unwrap();
                            let t = new_tuple(l.as_slice());
                            regs.set(sp - 1, t);
                        }
                        Op::UNPACK_SEQUENCE => {
                            let v = pop!();
                            let n = arg as usize;
                            let items = tri!(unpack(v, n));
                            for i in (0..n).rev() {
                                push!(items[i]);
                            }
                        }
                        Op::UNPACK_EX => {
                            let v = pop!();
                            let before = (arg & 0xff) as usize;
                            let after = (arg >> 8) as usize;
                            let items = tri!(crate::modules::builtins::seq_items(v));
                            if items.len() < before + after {
                                break 'dispatch vm::value_error(format!(
                                    "not enough values to unpack (expected at least {}, got {})",
                                    before + after,
                                    items.len()
                                ));
                            }
                            let n = items.len();
                            for i in (n - after..n).rev() {
                                push!(items[i]);
                            }
                            push!(new_list_from(&items[before..n - after]));
                            for i in (0..before).rev() {
                                push!(items[i]);
                            }
                        }
                        Op::FORMAT_VALUE => {
                            let spec = if arg & 4 != 0 { pop!() } else { Value::NULL };
                            let v = pop!();
                            let v = match arg & 3 {
                                1 => tri!(ops::to_str(v)),
                                2 => new_string(tri!(ops::repr(v))),
                                3 => new_string(crate::modules::builtins::ascii_of(&tri!(
                                    ops::repr(v)
                                ))),
                                _ => v,
                            };
                            let r = if spec.is_null() && v.is_kind(Kind::Str) {
                                v
                            } else {
                                let spec_s = as_str(spec);
                                let spec_str: &str = match &spec_s {
                                    Some(s) => &s.s,
                                    None => "",
                                };
                                tri!(crate::objects::format::format_value(v, spec_str))
                            };
                            set_cur(f);
                            push!(r);
                        }
                        Op::PUSH_NULL => push!(Value::NULL),
                        Op::CALL | Op::CALL_KW | Op::CALL_EX => {
                            let op = Op::from_u8(w as u8);
                            let (kwnames, kwcount) = if op == Op::CALL_KW {
                                let t = pop!();
                                let n = as_tuple_exact(t).unwrap().len();
                                (t, n)
                            } else {
                                (Value::NULL, 0)
                            };
                            let (base, callable, args_start) = if op == Op::CALL_EX {
                                let nextra = if arg & 1 != 0 { 2 } else { 1 };
                                let base = sp - nextra - 2;
                                (base, regs.get(base + 1), base + 2)
                            } else {
                                let argc = arg as usize;
                                let base = sp - argc - 2;
                                let a = regs.get(base);
                                if a.is_null() {
                                    (base, regs.get(base + 1), base + 2)
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
                                    if let Some(init) = crate::modules::builtins::cached_init(c) {
                                        slf =
                                            Value::obj(crate::modules::builtins::alloc_instance(c));
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
                                    regs.set(base + 1, slf);
                                    let kwt = kwt_of(kwnames);
                                    let all = &regs.as_slice()[base + 1..sp];
                                    let npos = all.len() - kwcount;
                                    let args = Args {
                                        pos: &all[..npos],
                                        kwnames: match &kwt {
                                            Some(t) => t.as_slice(),
                                            None => &[],
                                        },
                                        kwvals: &all[npos..],
                                    };
                                    let nf = tri!(setup_frame(func, args));
                                    if let Some(inst) = init_of {
                                        nf.ns_c.set(inst);
                                    }
                                    tri!(enter_depth());
                                    f.pc.set(pc as u32);
                                    f.sp.set(base as u32);
                                    switch_call!(nf);
                                }
                            }
                            // owned argument storage for CALL_EX
                            let ex;
                            let kwt = as_tuple_exact(kwnames);
                            let args = if op == Op::CALL_EX {
                                let kw = if arg & 1 != 0 {
                                    regs.get(sp - 1)
                                } else {
                                    Value::NULL
                                };
                                ex = tri!(ex_args(regs.get(args_start), kw));
                                Args {
                                    pos: &ex.0,
                                    kwnames: &ex.1,
                                    kwvals: &ex.2,
                                }
                            } else {
                                let all = &regs.as_slice()[args_start..sp];
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
                                let nf = tri!(setup_frame(func, args));
                                if func.code.d.flags & CO_GENERATOR != 0 {
                                    sp = base;
                                    push!(make_generator(nf, func));
                                    continue;
                                }
                                tri!(enter_depth());
                                f.pc.set(pc as u32);
                                f.sp.set(base as u32);
                                switch_call!(nf);
                            }
                            if let Some(c) = as_class(callable) {
                                if let Some((inst, init)) =
                                    tri!(crate::modules::builtins::fast_new(c, args))
                                {
                                    let mut v = ArgVec::with_capacity(args.pos.len() + 1);
                                    v.push(inst);
                                    v.extend_from_slice(args.pos);
                                    let nf = tri!(setup_frame(init, Args { pos: &v, ..args }));
                                    nf.ns_c.set(inst);
                                    tri!(enter_depth());
                                    f.pc.set(pc as u32);
                                    f.sp.set(base as u32);
                                    switch_call!(nf);
                                }
                            }
                            if let Some(bm) = as_bound(callable) {
                                if let Some(func) = as_function(bm.func) {
                                    let mut v = ArgVec::with_capacity(args.pos.len() + 1);
                                    v.push(bm.slf);
                                    v.extend_from_slice(args.pos);
                                    let nf = tri!(setup_frame(func, Args { pos: &v, ..args }));
                                    if func.code.d.flags & CO_GENERATOR != 0 {
                                        sp = base;
                                        push!(make_generator(nf, func));
                                        continue;
                                    }
                                    tri!(enter_depth());
                                    f.pc.set(pc as u32);
                                    f.sp.set(base as u32);
                                    switch_call!(nf);
                                }
                            }
                            f.pc.set(pc as u32);
                            let r = call_object(callable, args);
                            set_cur(f);
                            let r = tri!(r);
                            sp = base;
                            push!(r);
                        }
                        Op::MAKE_FUNCTION => {
                            let cv = pop!();
                            if as_code(cv).is_none() {
                                eprintln!("MAKE_FUNCTION got {cv:?}; consts {:?} sp {sp} stack_base {stack_base}", consts.as_slice());
                            }
                            let c = as_code(cv).unwrap();
                            let closure = if arg & 8 != 0 { pop!() } else { Value::NULL };
                            let kwdefaults = if arg & 2 != 0 { pop!() } else { Value::NULL };
                            let defaults = if arg & 1 != 0 { pop!() } else { Value::NULL };
                            let func = gc::alloc(FunctionObj {
                                kind: Kind::Function,
                                code: c,
                                globals: f.globals(),
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
                            push!(Value::obj(func));
                        }
                        Op::RETURN_VALUE => {
                            let v = pop!();
                            f.pc.set(pc as u32);
                            f.sp.set(sp as u32);
                            if f.entry.get() {
                                return Flow::Return(v);
                            }
                            // return to the calling frame without leaving this loop
                            let vm = vm();
                            vm.depth.set(vm.depth.get() - 1);
                            let back = f.back.get().unwrap();
                            f.back.set(None);
                            let v = if !f.ns().is_null()
                                && f.func() != Value::NULL
                                && d.flags & CO_NAMESPACE == 0
                            {
                                // an __init__ frame started by a class call: the result is the
                                // instance
                                if !v.is_none() {
                                    pending = Some(type_error(format!(
                                        "__init__() should return None, not '{}'",
                                        vm::type_name(v)
                                    )));
                                }
                                f.ns()
                            } else {
                                v
                            };
                            let bsp = back.sp.get() as usize;
                            back.regs.set(bsp, v);
                            back.sp.set(bsp as u32 + 1);
                            release_frame(f);
                            *fr = back;
                            continue 'frames;
                        }
                        Op::YIELD_VALUE => {
                            let v = pop!();
                            f.pc.set(pc as u32);
                            f.sp.set(sp as u32);
                            return Flow::Yield(v);
                        }
                        Op::YIELD_FROM => {
                            let v = pop!();
                            let sub = top!();
                            f.pc.set(pc as u32);
                            f.sp.set(sp as u32);
                            match tri!(send_to(sub, v)) {
                                GenResult::Yield(y) => {
                                    set_cur(f);
                                    return Flow::Yield(y);
                                }
                                GenResult::Return(r) => {
                                    set_cur(f);
                                    regs.set(sp - 1, r);
                                }
                            }
                        }
                        Op::RAISE_VARARGS => match arg {
                            0 => {
                                let h = vm().handled.get();
                                match h.as_slice().last() {
                                    Some(&e) => break 'dispatch PyErr(e),
                                    None => {
                                        break 'dispatch vm::runtime_error(
                                            "No active exception to reraise",
                                        )
                                    }
                                }
                            }
                            1 => {
                                let v = pop!();
                                let e = tri!(make_exception(v));
                                set_context(e);
                                break 'dispatch PyErr(e);
                            }
                            _ => {
                                let cause = pop!();
                                let v = pop!();
                                let e = tri!(make_exception(v));
                                let cause = if cause.is_none() {
                                    cause
                                } else {
                                    tri!(make_exception(cause))
                                };
                                if let Some(inst) = as_instance(e) {
                                    ops::instance_set(inst, intern("__cause__"), cause);
                                    ops::instance_set(
                                        inst,
                                        intern("__suppress_context__"),
                                        Value::TRUE,
                                    );
                                }
                                set_context(e);
                                break 'dispatch PyErr(e);
                            }
                        },
                        Op::RERAISE => {
                            let e = pop!();
                            break 'dispatch PyErr(e);
                        }
                        Op::PUSH_EXC_INFO => {
                            vm().handled.get().push(top!());
                        }
                        Op::POP_EXC_INFO => {
                            vm().handled.get().pop();
                        }
                        Op::CHECK_EXC_MATCH => {
                            let t = pop!();
                            let e = pop!();
                            let r = tri!(exc_match(e, t));
                            push!(Value::bool(r));
                        }
                        Op::LOAD_ASSERTION_ERROR => push!(vm::cls_v(C::AssertionError)),
                        Op::BEFORE_WITH => {
                            let mgr = pop!();
                            let t = type_of(mgr);
                            let (Some(enter), Some(exit)) = (
                                ops::lookup_type(t, "__enter__"),
                                ops::lookup_type(t, "__exit__"),
                            ) else {
                                break 'dispatch type_error(format!(
                                    "'{}' object does not support the context manager protocol",
                                    vm::type_name(mgr)
                                ));
                            };
                            let exit_b = tri!(ops::bind_descr(exit, mgr, t));
                            push!(exit_b);
                            let r = tri!(ops::call(enter, &[mgr]));
                            set_cur(f);
                            push!(r);
                        }
                        Op::WITH_EXIT => {
                            let exit = pop!();
                            tri!(ops::call(exit, &[Value::NONE, Value::NONE, Value::NONE]));
                            set_cur(f);
                        }
                        Op::WITH_EXCEPT_START => {
                            let e = regs.get(sp - 1);
                            let exit = regs.get(sp - 2);
                            let tb = as_instance(e)
                                .and_then(|i| ops::instance_get(i, intern("__traceback__")))
                                .unwrap_or(Value::NONE);
                            let r = tri!(ops::call(exit, &[Value::obj(type_of(e)), e, tb]));
                            set_cur(f);
                            push!(r);
                        }
                        Op::IMPORT_NAME => {
                            let fromlist = pop!();
                            let level = pop!();
                            let name = names.get(arg as usize);
                            let m = tri!(crate::import::import_name(
                                name,
                                level.as_small().unwrap_or(0),
                                fromlist,
                                f.globals()
                            ));
                            set_cur(f);
                            push!(m);
                        }
                        Op::IMPORT_FROM => {
                            let m = top!();
                            let name = names.get(arg as usize);
                            let v = tri!(crate::import::import_from(m, name));
                            set_cur(f);
                            push!(v);
                        }
                        Op::IMPORT_STAR => {
                            let m = pop!();
                            let ns = as_dict(f.ns()).unwrap_or(f.globals());
                            tri!(crate::import::import_star(m, ns));
                        }
                        Op::LOAD_BUILD_CLASS => {
                            let b = vm().builtins.get().get_str("__build_class__").unwrap();
                            push!(b);
                        }
                        Op::MATCH_SEQUENCE => {
                            let v = top!();
                            let p = payload(v);
                            let r = matches!(
                                p.kind(),
                                Some(Kind::List) | Some(Kind::Tuple) | Some(Kind::Range)
                            ) || (v.is_kind(Kind::Instance)
                                && p == v
                                && ops::lookup_type_user(type_of(v), "__getitem__").is_some()
                                && ops::lookup_type_user(type_of(v), "__len__").is_some());
                            regs.set(sp - 1, Value::bool(r));
                        }
                        Op::MATCH_MAPPING => {
                            let v = top!();
                            regs.set(sp - 1, Value::bool(as_dict(v).is_some()));
                        }
                        Op::GET_LEN => {
                            let n = tri!(ops::len(top!()));
                            regs.set(sp - 1, Value::small(n as i64));
                        }
                        Op::MATCH_CLASS => {
                            let kw = pop!();
                            let c = pop!();
                            let subj = top!();
                            let r = tri!(crate::modules::builtins::match_class(
                                subj,
                                c,
                                kw,
                                arg as usize
                            ));
                            set_cur(f);
                            regs.set(sp - 1, r);
                        }
                    }
                },
            };
            // exception handling
            let e = err.0;
            if is_fresh(e) {
                set_context(e);
                add_traceback(e, {
                    f.pc.set(pc as u32);
                    f
                });
            }
            match find_handler(d, pc.saturating_sub(1)) {
                Some(h) => {
                    // the catching frame is part of the traceback (CPython's tb starts there)
                    f.pc.set(pc as u32);
                    add_traceback(e, f);
                    sp = stack_base + h.depth as usize;
                    push!(e);
                    pc = h.handler as usize;
                }
                None => {
                    f.pc.set(pc as u32);
                    f.sp.set(sp as u32);
                    return Flow::Err(err);
                }
            }
        }
    }
}

// ---------------------------------------------------------------- generators

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
fn send_to(sub: Value, v: Value) -> PyResult<GenResult> {
    if let Some(g) = as_generator(sub) {
        return gen_resume(g, v, None);
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
    match g.state.get() {
        GEN_RUNNING => return Err(vm::value_error("generator already executing")),
        GEN_DONE => {
            return match throw {
                Some(e) => Err(e),
                None => Ok(GenResult::Return(Value::NONE)),
            }
        }
        GEN_CREATED => {
            if let Some(e) = throw {
                g.state.set(GEN_DONE);
                return Err(e);
            }
            if !v.is_none() {
                return Err(type_error(
                    "can't send non-None value to a just-started generator",
                ));
            }
        }
        _ => {}
    }
    let f = g.frame;
    let mut pending = throw;
    if g.state.get() == GEN_SUSPENDED {
        let pc = f.pc.get() as usize;
        let at_yield_from =
            pc > 0 && crate::compiler::bytecode::decode(f.code.d.code[pc - 1]).0 == Op::YIELD_FROM;
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
    let saved = CUR_FRAME.with(|c| c.get());
    let r = run_frame(f, pending);
    CUR_FRAME.with(|c| c.set(saved));
    if f.yielded.get() {
        g.state.set(GEN_SUSPENDED);
    } else {
        g.state.set(GEN_DONE);
    }
    match r {
        Ok(v) if f.yielded.get() => Ok(GenResult::Yield(v)),
        Ok(v) => Ok(GenResult::Return(v)),
        Err(e) => {
            if vm::exc_matches(&e, C::StopIteration) {
                let re = vm::runtime_error("generator raised StopIteration");
                if let Some(inst) = as_instance(re.0) {
                    ops::instance_set(inst, intern("__cause__"), e.0);
                }
                return Err(re);
            }
            Err(e)
        }
    }
}

/// `next(gen)`: `None` when the generator finished.
pub fn gen_next(g: Gc<GeneratorObj>) -> PyResult<Option<Value>> {
    match gen_resume(g, Value::NONE, None)? {
        GenResult::Yield(v) => Ok(Some(v)),
        GenResult::Return(_) => Ok(None),
    }
}

// ---------------------------------------------------------------- modules

/// Runs module-level code in `globals`.
pub fn run_module_code(code: Gc<CodeObj>, globals: Gc<DictObj>) -> PyResult<Value> {
    run_code_ns(code, globals, Value::obj(globals))
}

/// Runs code with a separate namespace (class bodies, `exec` with locals).
pub fn run_code_ns(code: Gc<CodeObj>, globals: Gc<DictObj>, ns: Value) -> PyResult<Value> {
    let f = new_frame(code, globals, ns, Value::NULL);
    enter_depth()?;
    let saved = CUR_FRAME.with(|c| c.get());
    let r = run_frame(f, None);
    CUR_FRAME.with(|c| c.set(saved));
    r
}

/// Runs a class body function with `ns` as namespace; returns the `__class__` cell or None.
/// `LOAD_NAME` in the local namespace: an exact dict is read directly, any other mapping
/// (a metaclass `__prepare__` result such as a dict subclass) through its `__getitem__`,
/// a `KeyError` meaning "not here" as in CPython. `None` when the name is not local.
fn load_name_ns(nsv: Value, globals: Gc<DictObj>, name: Value) -> PyResult<Option<Value>> {
    if nsv.is_null() {
        return globals.get(name);
    }
    if let Some(d) = as_dict_exact(nsv) {
        return d.get(name);
    }
    match ops::getitem(nsv, name) {
        Ok(v) => Ok(Some(v)),
        Err(e) if vm::exc_matches(&e, vm::C::KeyError) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Runs a class body with `ns` (a dict or a `__prepare__` mapping) as its local namespace.
pub fn run_class_body(func: Gc<FunctionObj>, ns: Value) -> PyResult<Value> {
    let f = new_frame(func.code, func.globals, ns, Value::obj(func));
    init_cells(f, func.closure);
    enter_depth()?;
    let saved = CUR_FRAME.with(|c| c.get());
    let r = run_frame(f, None);
    CUR_FRAME.with(|c| c.set(saved));
    r
}
