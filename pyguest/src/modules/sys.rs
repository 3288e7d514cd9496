//! The native `sys` module: `argv`, `path`, `modules`, `stdout`/`stderr`, recursion limit,
//! `_getframe`, `exc_info`, `exit`, version information and the other attributes programs read.

use super::*;

/// The `sys` module (created by `init_sys`).
pub fn sys_module() -> Gc<ModuleObj> {
    SYS.with(|s| s.borrow().as_ref().unwrap().get())
}

/// Where `print` writes: `None` for the real stdout, else the replacement object.
pub fn stdout_target() -> Option<Value> {
    let cur = sys_module().dict.get_str("stdout")?;
    let orig = vm().stdout.get().v.get();
    if cur == orig {
        None
    } else {
        Some(cur)
    }
}

/// Creates `sys` with `argv` and `path` filled in.
/// `-E`: `PYTHONPATH` (and the other `PYTHON*` variables) are not read.
pub static IGNORE_ENV: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub fn init_sys(argv: &[String], script_dir: Option<&str>) {
    let m = new_module("sys", None);
    SYS.with(|s| *s.borrow_mut() = Some(Root::new(m)));
    let vmr = vm();
    for a in argv {
        vmr.argv.get().push(new_str(a));
    }
    let path = vmr.sys_path.get();
    path.push(new_str(script_dir.unwrap_or("")));
    let ignore_env = IGNORE_ENV.load(std::sync::atomic::Ordering::Relaxed);
    if let Some(pp) = std::env::var("PYTHONPATH").ok().filter(|_| !ignore_env) {
        for p in pp.split(':').filter(|p| !p.is_empty()) {
            path.push(new_str(p));
        }
    }
    if let Some(n) = std::env::var("PYTHONINTMAXSTRDIGITS")
        .ok()
        .filter(|_| !ignore_env)
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n == 0 || n >= 640)
    {
        crate::objects::int::MAX_STR_DIGITS.store(n, std::sync::atomic::Ordering::Relaxed);
    }
    let d = m.dict;
    d.set_str("argv", Value::obj(vmr.argv.get()));
    d.set_str("path", Value::obj(path));
    d.set_str("modules", Value::obj(vmr.modules.get()));
    d.set_str("maxsize", Value::small(i64::MAX >> 1).max_i64());
    // CPython's layout (`VERSION (BUILD) [COMPILER]`) so `platform` can parse it
    d.set_str(
        "version",
        new_str("3.11.7 (pyguest) [Rust, metatracer JIT]"),
    );
    d.set_str(
        "version_info",
        new_tuple(&[
            Value::small(3),
            Value::small(11),
            Value::small(7),
            new_str("final"),
            Value::small(0),
        ]),
    );
    d.set_str("platform", new_str("linux"));
    d.set_str("byteorder", new_str("little"));
    d.set_str("executable", new_str("pyguest"));
    d.set_str("implementation", new_str("pyguest"));
    d.set_str(
        "float_info",
        new_tuple(&[
            new_float(f64::MAX),
            Value::small(1024),
            Value::small(308),
            new_float(f64::MIN_POSITIVE),
            Value::small(-1021),
            Value::small(-307),
            Value::small(15),
            Value::small(53),
            new_float(f64::EPSILON),
            Value::small(2),
            Value::small(1),
        ]),
    );
    let out = super::stdio::make_stream(1);
    vmr.stdout.get().v.set(out);
    d.set_str("stdout", out);
    d.set_str("__stdout__", out);
    d.set_str("stderr", super::stdio::make_stream(2));
    def(m, "exit", |a| {
        let code = a.pos.first().copied().unwrap_or(Value::NONE);
        let e = if code.is_none() {
            vm::new_exception(vm::cls(C::SystemExit), &[])
        } else {
            vm::new_exception(vm::cls(C::SystemExit), &[code])
        };
        Err(crate::interpreter::PyErr(e))
    });
    def(m, "getrecursionlimit", |_| {
        Ok(Value::small(vm().recursion_limit.get() as i64))
    });
    def(m, "setrecursionlimit", |a| {
        let n = index_of(a.pos[0])?;
        if n < 1 {
            return Err(value_error(
                "recursion limit must be greater or equal than 1",
            ));
        }
        vm().recursion_limit.set(n as usize);
        vm().exec.get().limit.set(n as usize);
        Ok(Value::NONE)
    });
    def(m, "intern", |a| {
        let v = a.pos.first().copied().unwrap_or(Value::NONE);
        if as_str(v).is_some() {
            Ok(vm::intern_value(v))
        } else if crate::objects::surr::is_surr(v) {
            // not interned (the table is keyed by UTF-8 text), but equal and hashable
            Ok(v)
        } else {
            Err(type_error(format!(
                "intern() argument must be str, not {}",
                vm::type_name(v)
            )))
        }
    });
    def(m, "getsizeof", |a| {
        Ok(Value::small(
            16 + 8 * ops::len(a.pos[0]).unwrap_or(1) as i64,
        ))
    });
    def(m, "exc_info", |_| {
        let h = vm().handled.get();
        Ok(match h.as_slice().last() {
            Some(&e) => {
                // the traceback is the exception's `__traceback__` entry list
                let tb = as_instance(e)
                    .and_then(|i| ops::instance_get(i, vm::intern("__traceback__")))
                    .unwrap_or(Value::NONE);
                new_tuple(&[Value::obj(vm::type_of(e)), e, tb])
            }
            None => new_tuple(&[Value::NONE, Value::NONE, Value::NONE]),
        })
    });
    def(m, "exception", |_| {
        Ok(vm()
            .handled
            .get()
            .as_slice()
            .last()
            .copied()
            .unwrap_or(Value::NONE))
    });
    def(m, "_getframe", |a| {
        // _getframe(depth=0): exposed frames are never recycled
        let mut depth = match a.pos.first() {
            Some(&d) => index_of(d)?,
            None => 0,
        };
        let mut f = crate::interpreter::current_frame();
        while depth > 0 {
            f = f.and_then(|x| x.back.get());
            depth -= 1;
        }
        match f {
            Some(f) => {
                f.escaped.set(true);
                Ok(Value::obj(f))
            }
            None => Err(value_error("call stack is not deep enough")),
        }
    });
    super::sysattrs::install(m);
    super::coro::install_sys(m);
    vmr.modules.get().set_str("sys", Value::obj(m));
    let bm = new_module("builtins", None);
    let b = vmr.builtins.get();
    for i in 0..b.entry_count() {
        let k = b.key_at(i);
        if !k.is_null() {
            let _ = bm.dict.set_item(k, b.val_at(i));
        }
    }
    vmr.modules.get().set_str("builtins", Value::obj(bm));
}

trait MaxI64 {
    fn max_i64(self) -> Value;
}
impl MaxI64 for Value {
    fn max_i64(self) -> Value {
        new_int(i64::MAX)
    }
}
