//! `_thread`: the low-level thread module CPython's `threading.py` is written over.
//!
//! Threads are `crate::threads`' coroutines on the interpreter's OS thread (see that module
//! and docs/pyguest.md, "Threads"): `start_new_thread(f, args[, kwargs])` makes one that
//! calls `f` and returns its ident at once; the new thread first runs when the caller
//! blocks or its time slice ends. A blocking `acquire` of a held lock waits through
//! `threads::block_on` (other threads run meanwhile; with a timeout it gives up at the
//! deadline); when every thread waits with no timeout it raises `RuntimeError` (deadlock)
//! instead of hanging.
//!
//! An exception escaping `f` is reported as CPython does ("Exception ignored in thread started
//! by: ..." and the traceback on stderr); `SystemExit` ends the thread quietly. Locks made by
//! `_set_sentinel()` in a thread are released when it ends (CPython releases them when the
//! thread state dies), which is what `Thread.join()` waits for.
//!
//! `_local` (`threading.local`) keeps one attribute dict per thread ident, made on that
//! thread's first access (running `__init__` again with the construction arguments, as
//! CPython's does); its bookkeeping lives in `_pyguest_local_*` instance attributes.
//!
//! `LockType` (`lock`) and `RLock` are classes with their state in instance attributes
//! (`_locked`; `_owner`/`_count`), so `threading`'s `Condition` and `RLock` logic runs
//! unchanged. `interrupt_main()` raises `KeyboardInterrupt` in the caller.

use super::native_class::{arg, native_class, opt_arg, report_exception};
use super::*;
use crate::argvec::ArgVec;
use crate::objects::ops::{instance_get, instance_set};
use crate::vm::cls;
use metatracer::gc::Root;
use std::time::{Duration, Instant};

/// `threading.TIMEOUT_MAX` on 64-bit Linux CPython.
const TIMEOUT_MAX: f64 = 9_223_372_036.0;

struct State {
    lock_cls: Option<Root<ClassObj>>,
    rlock_cls: Option<Root<ClassObj>>,
    /// `(ident, lock)` pairs made by `_set_sentinel`, released when `ident` ends.
    sentinels: Option<Root<ListObj>>,
}

thread_local! {
    static STATE: RefCell<State> = const {
        RefCell::new(State { lock_cls: None, rlock_cls: None, sentinels: None })
    };
}

/// The ident of the running thread.
pub fn current_ident() -> i64 {
    crate::threads::current_ident()
}

fn lock_class() -> Gc<ClassObj> {
    STATE.with(|s| {
        s.borrow()
            .lock_cls
            .as_ref()
            .expect("_thread initialised")
            .get()
    })
}

fn sentinels() -> Gc<ListObj> {
    STATE.with(|s| {
        s.borrow()
            .sentinels
            .as_ref()
            .expect("_thread initialised")
            .get()
    })
}

fn attr(slf: Value, name: &str) -> Value {
    as_instance(slf)
        .and_then(|i| instance_get(i, vm::intern(name)))
        .unwrap_or(Value::NONE)
}

fn set_attr(slf: Value, name: &str, v: Value) -> PyResult<()> {
    let i = as_instance(slf).ok_or_else(|| type_error("descriptor requires a lock object"))?;
    instance_set(i, vm::intern(name), v);
    Ok(())
}

/// `(blocking, timeout)` of `acquire(blocking=True, timeout=-1)`, with CPython's checks.
fn acquire_args(a: &Args) -> PyResult<(bool, f64)> {
    let blocking = match opt_arg(a, 1, "blocking") {
        Some(b) => ops::truthy(b)?,
        None => true,
    };
    let timeout = match opt_arg(a, 2, "timeout") {
        Some(t) => float_of(t).ok_or_else(|| type_error("timeout must be a number"))?,
        None => -1.0,
    };
    if !blocking && timeout != -1.0 {
        return Err(value_error(
            "can't specify a timeout for a non-blocking call",
        ));
    }
    if timeout < 0.0 && timeout != -1.0 {
        return Err(value_error("timeout value must be positive"));
    }
    if timeout > TIMEOUT_MAX {
        return Err(vm::exc(C::OverflowError, "timeout value is too large"));
    }
    Ok((blocking, timeout))
}

/// Acquires when `free()` says so: at once if it holds, otherwise (when `blocking`) after
/// waiting for it with the other threads running, up to `timeout` seconds (-1: no limit).
fn acquire_when(blocking: bool, timeout: f64, free: &mut dyn FnMut() -> bool) -> PyResult<bool> {
    if free() {
        return Ok(true);
    }
    if !blocking {
        return Ok(false);
    }
    let deadline = (timeout >= 0.0).then(|| Instant::now() + Duration::from_secs_f64(timeout));
    crate::threads::block_on(free, deadline)
}

fn lock_acquire(a: Args) -> PyResult<Value> {
    let slf = arg(&a, 0, "self", "acquire")?;
    let (blocking, timeout) = acquire_args(&a)?;
    if !acquire_when(blocking, timeout, &mut || {
        attr(slf, "_locked") != Value::TRUE
    })? {
        return Ok(Value::FALSE);
    }
    set_attr(slf, "_locked", Value::TRUE)?;
    Ok(Value::TRUE)
}

fn lock_release(a: Args) -> PyResult<Value> {
    let slf = arg(&a, 0, "self", "release")?;
    if attr(slf, "_locked") != Value::TRUE {
        return Err(vm::exc(C::RuntimeError, "release unlocked lock"));
    }
    set_attr(slf, "_locked", Value::FALSE)?;
    crate::threads::notify();
    Ok(Value::NONE)
}

fn lock_exit(a: Args) -> PyResult<Value> {
    let slf = arg(&a, 0, "self", "__exit__")?;
    lock_release(Args {
        pos: &[slf],
        kwnames: &[],
        kwvals: &[],
    })
}

fn lock_locked(a: Args) -> PyResult<Value> {
    let slf = arg(&a, 0, "self", "locked")?;
    Ok(Value::bool(attr(slf, "_locked") == Value::TRUE))
}

fn lock_repr(a: Args) -> PyResult<Value> {
    let slf = arg(&a, 0, "self", "__repr__")?;
    let state = if attr(slf, "_locked") == Value::TRUE {
        "locked"
    } else {
        "unlocked"
    };
    Ok(new_string(format!(
        "<{state} _thread.lock object at {:#x}>",
        ops::id_of(slf)
    )))
}

fn lock_init(a: Args) -> PyResult<Value> {
    let slf = arg(&a, 0, "self", "__init__")?;
    set_attr(slf, "_locked", Value::FALSE)?;
    Ok(Value::NONE)
}

fn new_lock() -> PyResult<Value> {
    ops::call(Value::obj(lock_class()), &[])
}

fn rlock_init(a: Args) -> PyResult<Value> {
    let slf = arg(&a, 0, "self", "__init__")?;
    set_attr(slf, "_owner", Value::small(0))?;
    set_attr(slf, "_count", Value::small(0))?;
    Ok(Value::NONE)
}

fn count_of(slf: Value) -> i64 {
    ops::int_of(attr(slf, "_count")).unwrap_or(0)
}

fn rlock_acquire(a: Args) -> PyResult<Value> {
    let slf = arg(&a, 0, "self", "acquire")?;
    let (blocking, timeout) = acquire_args(&a)?;
    let me = current_ident();
    let free = &mut || count_of(slf) == 0 || ops::int_of(attr(slf, "_owner")) == Some(me);
    if !acquire_when(blocking, timeout, free)? {
        return Ok(Value::FALSE);
    }
    let count = count_of(slf);
    set_attr(slf, "_owner", new_int(me))?;
    set_attr(slf, "_count", new_int(count + 1))?;
    Ok(Value::TRUE)
}

fn rlock_release(a: Args) -> PyResult<Value> {
    let slf = arg(&a, 0, "self", "release")?;
    let count = count_of(slf);
    if count == 0 || ops::int_of(attr(slf, "_owner")) != Some(current_ident()) {
        return Err(vm::exc(C::RuntimeError, "cannot release un-acquired lock"));
    }
    set_attr(slf, "_count", new_int(count - 1))?;
    if count == 1 {
        set_attr(slf, "_owner", Value::small(0))?;
        crate::threads::notify();
    }
    Ok(Value::NONE)
}

fn rlock_exit(a: Args) -> PyResult<Value> {
    let slf = arg(&a, 0, "self", "__exit__")?;
    rlock_release(Args {
        pos: &[slf],
        kwnames: &[],
        kwvals: &[],
    })
}

fn rlock_is_owned(a: Args) -> PyResult<Value> {
    let slf = arg(&a, 0, "self", "_is_owned")?;
    Ok(Value::bool(
        count_of(slf) > 0 && ops::int_of(attr(slf, "_owner")) == Some(current_ident()),
    ))
}

/// `_release_save()`: drop every level at once, returning `(count, owner)` to restore.
fn rlock_release_save(a: Args) -> PyResult<Value> {
    let slf = arg(&a, 0, "self", "_release_save")?;
    let count = count_of(slf);
    if count == 0 {
        return Err(vm::exc(C::RuntimeError, "cannot release un-acquired lock"));
    }
    let saved = new_tuple(&[new_int(count), attr(slf, "_owner")]);
    set_attr(slf, "_count", Value::small(0))?;
    set_attr(slf, "_owner", Value::small(0))?;
    crate::threads::notify();
    Ok(saved)
}

fn rlock_acquire_restore(a: Args) -> PyResult<Value> {
    let slf = arg(&a, 0, "self", "_acquire_restore")?;
    let state = crate::objects::native::seq_items(arg(&a, 1, "state", "_acquire_restore")?)?;
    if state.len() != 2 {
        return Err(type_error(
            "_acquire_restore() argument must be (count, owner)",
        ));
    }
    acquire_when(true, -1.0, &mut || count_of(slf) == 0)?;
    set_attr(slf, "_count", state[0])?;
    set_attr(slf, "_owner", state[1])?;
    Ok(Value::NONE)
}

fn rlock_repr(a: Args) -> PyResult<Value> {
    let slf = arg(&a, 0, "self", "__repr__")?;
    let count = count_of(slf);
    let owner = ops::int_of(attr(slf, "_owner")).unwrap_or(0);
    let cname = vm::class_name(vm::type_of(slf));
    let module = vm::type_of(slf)
        .dict
        .get_str("__module__")
        .and_then(|m| ops::str_of(m).ok())
        .unwrap_or_default();
    Ok(new_string(format!(
        "<{} {module}.{cname} object owner={owner} count={count} at {:#x}>",
        if count > 0 { "locked" } else { "unlocked" },
        ops::id_of(slf)
    )))
}

fn enter(a: Args) -> PyResult<Value> {
    // `with lock:` acquires blocking; the method is looked up so RLock gets its own
    let slf = arg(&a, 0, "self", "__enter__")?;
    ops::call_method(slf, "acquire", &[])
}

fn start_new_thread(a: Args) -> PyResult<Value> {
    let f = arg(&a, 0, "function", "start_new_thread")?;
    let args = arg(&a, 1, "args", "start_new_thread")?;
    if as_tuple(args).is_none() {
        return Err(type_error("2nd arg must be a tuple"));
    }
    let kwargs = opt_arg(&a, 2, "kwargs").filter(|k| !k.is_none());
    if kwargs.is_some_and(|k| as_dict(k).is_none()) {
        return Err(type_error("optional 3rd arg must be a dictionary"));
    }
    let callable = vm().builtins.get().get_str("callable");
    if !callable.map_or(Ok(true), |c| ops::call(c, &[f]).and_then(ops::truthy))? {
        return Err(type_error("first arg must be callable"));
    }
    let ident = crate::threads::new_ident();
    let payload = new_tuple(&[f, args, kwargs.unwrap_or(Value::NONE)]);
    let payload = Root::new(as_tuple(payload).expect("a tuple"));
    crate::threads::start(ident, Box::new(move || run_thread(ident, payload)))?;
    Ok(new_int(ident))
}

/// The body of the thread `ident`: calls the function of `payload` (`(f, args, kwargs)`),
/// reports an exception that escapes it, and releases the thread's sentinel locks.
fn run_thread(ident: i64, payload: Root<TupleObj>) {
    let p = payload.get();
    drop(payload);
    let (f, args, kwargs) = (p.as_slice()[0], p.as_slice()[1], p.as_slice()[2]);
    let r = (|| {
        let pos = crate::objects::native::seq_items(args)?;
        let (mut names, mut vals) = (ArgVec::new(), ArgVec::new());
        if let Some(d) = as_dict(kwargs) {
            for i in 0..d.entry_count() {
                let key = d.key_at(i);
                if !key.is_null() {
                    names.push(key);
                    vals.push(d.val_at(i));
                }
            }
        }
        crate::interpreter::call_object(
            f,
            Args {
                pos: &pos,
                kwnames: &names,
                kwvals: &vals,
            },
        )
    })();
    if let Err(e) = r {
        if !vm::isinstance_c(e.0, C::SystemExit) {
            report_exception("Exception ignored in thread started by", f, e.0);
        }
    }
    // the thread state dies: release its sentinel locks
    let sent = sentinels();
    let mut i = 0;
    while i < sent.len() {
        let pair = sent.get(i);
        let mine = as_tuple(pair).is_some_and(|t| {
            t.as_slice().len() == 2 && ops::int_of(t.as_slice()[0]) == Some(ident)
        });
        if mine {
            if let Some(t) = as_tuple(pair) {
                let _ = set_attr(t.as_slice()[1], "_locked", Value::FALSE);
            }
            sent.remove_at(i);
        } else {
            i += 1;
        }
    }
    crate::threads::notify();
}

// ---------------------------------------------------------------- _local

/// The attribute dict of `slf` for the running (pseudo-)thread, made (and `__init__` run
/// with the construction arguments) the first time that thread touches it.
fn local_dict(slf: Value) -> PyResult<Gc<DictObj>> {
    let dicts = as_dict(attr(slf, "_pyguest_local_dicts"))
        .ok_or_else(|| type_error("_thread._local object is not initialised"))?;
    let key = new_int(current_ident());
    if let Some(d) = dicts.get(key)?.and_then(as_dict) {
        return Ok(d);
    }
    let d = new_dict();
    dicts.set_item(key, Value::obj(d))?;
    // a thread other than the creator sees a fresh dict: run __init__ for it, as CPython does
    if attr(slf, "_pyguest_local_creator") != key {
        let init = ops::lookup_type(vm::type_of(slf), "__init__");
        let object_init = ops::lookup_type(cls(C::object), "__init__");
        if let (Some(f), false) = (init, init == object_init) {
            let saved = attr(slf, "_pyguest_local_args");
            let parts = as_tuple(saved).map(|t| ArgVec::from_slice(t.as_slice()));
            if let Some(parts) = parts.filter(|p| p.len() == 2) {
                let mut pos = ArgVec::from_slice(&[slf]);
                if let Some(t) = as_tuple(parts[0]) {
                    pos.extend_from_slice(t.as_slice());
                }
                let (mut names, mut vals) = (ArgVec::new(), ArgVec::new());
                if let Some(kw) = as_dict(parts[1]) {
                    for i in 0..kw.entry_count() {
                        let k = kw.key_at(i);
                        if !k.is_null() {
                            names.push(k);
                            vals.push(kw.val_at(i));
                        }
                    }
                }
                crate::interpreter::call_object(
                    f,
                    Args {
                        pos: &pos,
                        kwnames: &names,
                        kwvals: &vals,
                    },
                )?;
            }
        }
    }
    Ok(d)
}

fn local_new(a: Args) -> PyResult<Value> {
    let c = arg(&a, 0, "cls", "_local")?;
    let c = as_class(c).ok_or_else(|| type_error("_local.__new__(X): X is not a type"))?;
    let has_args = a.pos.len() > 1 || !a.kwnames.is_empty();
    let init = ops::lookup_type(c, "__init__");
    if has_args && init == ops::lookup_type(cls(C::object), "__init__") {
        return Err(type_error("Initialization arguments are not supported"));
    }
    let inst = crate::objects::class::alloc_instance(c);
    let slf = Value::obj(inst);
    let kw = new_dict();
    for (i, &k) in a.kwnames.iter().enumerate() {
        kw.set_item(k, a.kwvals[i])?;
    }
    let saved = new_tuple(&[new_tuple(&a.pos[1..]), Value::obj(kw)]);
    instance_set(inst, vm::intern("_pyguest_local_args"), saved);
    let dicts = new_dict();
    instance_set(inst, vm::intern("_pyguest_local_dicts"), Value::obj(dicts));
    let creator = new_int(current_ident());
    instance_set(inst, vm::intern("_pyguest_local_creator"), creator);
    dicts.set_item(creator, Value::obj(new_dict()))?;
    Ok(slf)
}

/// The type name CPython prints for `_local` objects (`_thread._local` for the base class).
fn local_type_name(slf: Value) -> String {
    let n = vm::class_name(vm::type_of(slf));
    if n == "_local" {
        "_thread._local".into()
    } else {
        n
    }
}

fn local_getattribute(a: Args) -> PyResult<Value> {
    let slf = arg(&a, 0, "self", "__getattribute__")?;
    let name = arg(&a, 1, "name", "__getattribute__")?;
    let d = local_dict(slf)?;
    if as_str(name).is_some_and(|s| &*s.s == "__dict__") {
        return Ok(Value::obj(d));
    }
    if let Some(v) = d.get(name)? {
        return Ok(v);
    }
    match ops::generic_getattr(slf, name)? {
        Some(v) => Ok(v),
        None => Err(vm::attr_error(format!(
            "'{}' object has no attribute '{}'",
            local_type_name(slf),
            ops::str_of(name)?
        ))),
    }
}

fn local_setattr(a: Args) -> PyResult<Value> {
    let slf = arg(&a, 0, "self", "__setattr__")?;
    let name = arg(&a, 1, "name", "__setattr__")?;
    let v = arg(&a, 2, "value", "__setattr__")?;
    if as_str(name).is_some_and(|s| &*s.s == "__dict__") {
        return Err(vm::attr_error(format!(
            "'{}' object attribute '__dict__' is read-only",
            local_type_name(slf)
        )));
    }
    local_dict(slf)?.set_item(name, v)?;
    Ok(Value::NONE)
}

fn local_delattr(a: Args) -> PyResult<Value> {
    let slf = arg(&a, 0, "self", "__delattr__")?;
    let name = arg(&a, 1, "name", "__delattr__")?;
    let d = local_dict(slf)?;
    if d.get(name)?.is_none() {
        return Err(vm::attr_error(format!(
            "'{}' object has no attribute '{}'",
            local_type_name(slf),
            ops::str_of(name)?
        )));
    }
    d.remove(name)?;
    Ok(Value::NONE)
}

/// At exit, before the `atexit` functions (as CPython's finalization does): when `threading`
/// was imported, `threading._shutdown()` waits for the non-daemon threads; an error in it is
/// reported like an exception in a thread. Threads still running afterwards are abandoned.
pub fn shutdown() {
    if crate::threads::count() == 0 {
        return;
    }
    let Ok(Some(threading)) = vm().modules.get().get(new_str("threading")) else {
        return;
    };
    if let Ok(f) = ops::getattr(threading, new_str("_shutdown")) {
        if let Err(e) = ops::call(f, &[]) {
            report_exception("Exception ignored in", f, e.0);
        }
    }
}

/// The `_thread` module.
pub fn make() -> Gc<ModuleObj> {
    let m = crate::import::new_module("_thread", None);
    let lock_methods: &[(&'static str, NativeFn)] = &[
        ("__init__", lock_init),
        ("acquire", lock_acquire),
        ("acquire_lock", lock_acquire),
        ("release", lock_release),
        ("release_lock", lock_release),
        ("locked", lock_locked),
        ("locked_lock", lock_locked),
        ("__enter__", enter),
        ("__exit__", lock_exit),
        ("_at_fork_reinit", lock_init),
        ("__repr__", lock_repr),
    ];
    let lock = native_class("_thread", "lock", lock_methods, &[]);
    let rlock_methods: &[(&'static str, NativeFn)] = &[
        ("__init__", rlock_init),
        ("acquire", rlock_acquire),
        ("release", rlock_release),
        ("__enter__", enter),
        ("__exit__", rlock_exit),
        ("_is_owned", rlock_is_owned),
        ("_release_save", rlock_release_save),
        ("_acquire_restore", rlock_acquire_restore),
        ("_at_fork_reinit", rlock_init),
        ("__repr__", rlock_repr),
    ];
    let rlock = native_class("_thread", "RLock", rlock_methods, &[]);
    let local = native_class(
        "_thread",
        "_local",
        &[
            ("__new__", local_new),
            ("__getattribute__", local_getattribute),
            ("__setattr__", local_setattr),
            ("__delattr__", local_delattr),
        ],
        &[],
    );
    if let Some(f) = local.dict.get_str("__new__") {
        let w = WrapperObj {
            kind: crate::value::Kind::StaticMethod,
            f,
        };
        local
            .dict
            .set_str("__new__", Value::obj(metatracer::gc::alloc(w)));
    }
    m.dict.set_str("_local", Value::obj(local));
    let sent = new_list_cap(4);
    m.dict.set_str("_sentinels", Value::obj(sent));
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.lock_cls = Some(Root::new(lock));
        s.rlock_cls = Some(Root::new(rlock));
        s.sentinels = Some(Root::new(sent));
    });
    m.dict.set_str("LockType", Value::obj(lock));
    m.dict.set_str("RLock", Value::obj(rlock));
    m.dict.set_str("error", Value::obj(cls(C::RuntimeError)));
    m.dict.set_str("TIMEOUT_MAX", new_float(TIMEOUT_MAX));
    def(m, "allocate_lock", |_| new_lock());
    def(m, "allocate", |_| new_lock());
    def(m, "get_ident", |_| Ok(new_int(current_ident())));
    def(m, "get_native_id", |_| Ok(new_int(current_ident())));
    def(m, "_count", |_| Ok(new_int(crate::threads::count() as i64)));
    def(m, "daemon_threads_allowed", |_| Ok(Value::TRUE));
    def(m, "stack_size", |a| {
        if let Some(size) = opt_arg(&a, 0, "size") {
            let n = index_of(size)?;
            if n != 0 && n < 32768 {
                return Err(value_error("size not valid: 32768 bytes minimum"));
            }
        }
        Ok(Value::small(0))
    });
    def(m, "start_new_thread", start_new_thread);
    def(m, "start_new", start_new_thread);
    def(m, "_set_sentinel", |_| {
        let l = new_lock()?;
        sentinels().push(new_tuple(&[new_int(current_ident()), l]));
        Ok(l)
    });
    def(m, "exit", |_| {
        Err(crate::interpreter::PyErr(vm::new_exception(
            cls(C::SystemExit),
            &[],
        )))
    });
    def(m, "exit_thread", |_| {
        Err(crate::interpreter::PyErr(vm::new_exception(
            cls(C::SystemExit),
            &[],
        )))
    });
    def(m, "interrupt_main", |_| {
        Err(crate::interpreter::PyErr(vm::new_exception(
            cls(C::KeyboardInterrupt),
            &[],
        )))
    });
    m
}
