//! The `sys` attributes that CPython's own pure-Python modules read at import time and that
//! the core `sys` module (`sys.rs`) does not set: `warnoptions`, `_xoptions`, the install
//! prefixes, `flags`, `implementation`, `hash_info`, `int_info`, `thread_info`,
//! `getfilesystemencoding()` and friends, the trace/profile/audit hooks (stored, never
//! called), `excepthook`/`displayhook`/`unraisablehook`, and `_stdlib_dir` (the CPython
//! library pyguest falls back to, see `stdlib_dir.rs`; found on first use through the module's
//! `__getattr__`, so start-up does not look for it) and, the same way, `stdin`/`__stdin__`
//! (`io._make_stdin`).
//!
//! Assumptions, written down where a value cannot be exact: there is no reference counting,
//! so `getrefcount` answers 2 (the object plus the argument, what CPython says for a fresh
//! object); `flags` are those of a plain `python3 FILE` run except `dont_write_bytecode`
//! (pyguest writes no bytecode); the prefixes are the directory above the binary's directory
//! (`/usr` for `/usr/bin/pyguest`), as CPython derives them.

use super::native_class::{arg, namespace, report_exception};
use super::*;
use crate::argvec::ArgVec;

/// Sets the extra attributes on `sys` (called by `init_sys`).
pub fn install(m: Gc<ModuleObj>) {
    let d = m.dict;
    let exe = std::env::current_exe()
        .ok()
        .map(|p| p.to_string_lossy().into_owned());
    if let Some(exe) = &exe {
        d.set_str("executable", new_str(exe));
        d.set_str("_base_executable", new_str(exe));
    }
    let prefix = exe
        .as_deref()
        .map(std::path::Path::new)
        .and_then(|p| p.parent()?.parent())
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|| "/usr".into());
    for k in ["prefix", "base_prefix", "exec_prefix", "base_exec_prefix"] {
        d.set_str(k, new_str(&prefix));
    }
    d.set_str("warnoptions", new_list_from(&[]));
    d.set_str("_xoptions", Value::obj(new_dict()));
    d.set_str("platlibdir", new_str("lib"));
    d.set_str("pycache_prefix", Value::NONE);
    d.set_str("dont_write_bytecode", Value::TRUE);
    d.set_str("abiflags", new_str(""));
    d.set_str("api_version", Value::small(1013));
    d.set_str("hexversion", Value::small(0x030B_07F0));
    d.set_str("maxunicode", Value::small(0x10_FFFF));
    d.set_str("float_repr_style", new_str("short"));
    d.set_str(
        "copyright",
        new_str("pyguest: Python 3 on the metatracer framework"),
    );
    d.set_str("meta_path", new_list_from(&[]));
    d.set_str("path_hooks", new_list_from(&[]));
    d.set_str("path_importer_cache", Value::obj(new_dict()));
    let names: ArgVec = BUILTIN_MODULE_NAMES.iter().map(|n| new_str(n)).collect();
    d.set_str("builtin_module_names", new_tuple(&names));
    let argv = vm().argv.get();
    let mut orig = ArgVec::from_slice(&[new_str(exe.as_deref().unwrap_or("pyguest"))]);
    orig.extend_from_slice(argv.as_slice());
    d.set_str("orig_argv", new_list_from(&orig));
    let small = |v: i64| Value::small(v);
    let flag_names = [
        ("debug", 0),
        ("inspect", 0),
        ("interactive", 0),
        ("optimize", 0),
        ("dont_write_bytecode", 1),
        ("no_user_site", 0),
        ("no_site", 0),
        ("ignore_environment", 0),
        ("verbose", 0),
        ("bytes_warning", 0),
        ("quiet", 0),
        ("hash_randomization", 1),
        ("isolated", 0),
        ("utf8_mode", 0),
        ("warn_default_encoding", 0),
        ("int_max_str_digits", -1),
    ];
    let mut flags: Vec<(&str, Value)> = flag_names.iter().map(|&(n, v)| (n, small(v))).collect();
    flags.push(("dev_mode", Value::FALSE));
    flags.push(("safe_path", Value::FALSE));
    d.set_str("flags", namespace("sys", "flags", &flags));
    let version = d.get_str("version_info").unwrap_or(Value::NONE);
    d.set_str(
        "implementation",
        namespace(
            "types",
            "SimpleNamespace",
            &[
                ("name", new_str("pyguest")),
                // no bytecode cache files: importlib's cache_tag None means "don't write"
                ("cache_tag", Value::NONE),
                ("version", version),
                ("hexversion", small(0x030B_07F0)),
                ("_multiarch", new_str("x86_64-linux-gnu")),
            ],
        ),
    );
    d.set_str(
        "hash_info",
        namespace(
            "sys",
            "hash_info",
            &[
                ("width", small(64)),
                ("modulus", small((1i64 << 61) - 1)),
                ("inf", small(314_159)),
                ("nan", small(0)),
                ("imag", small(1_000_003)),
                ("algorithm", new_str("siphash13")),
                ("hash_bits", small(64)),
                ("seed_bits", small(128)),
                ("cutoff", small(0)),
            ],
        ),
    );
    d.set_str(
        "int_info",
        namespace(
            "sys",
            "int_info",
            &[
                ("bits_per_digit", small(30)),
                ("sizeof_digit", small(4)),
                ("default_max_str_digits", small(4300)),
                ("str_digits_check_threshold", small(640)),
            ],
        ),
    );
    d.set_str(
        "thread_info",
        namespace(
            "sys",
            "thread_info",
            &[
                ("name", new_str("pthread")),
                ("lock", new_str("semaphore")),
                ("version", Value::NONE),
            ],
        ),
    );
    if let Some(err) = d.get_str("stderr") {
        d.set_str("__stderr__", err);
    }
    def(m, "getfilesystemencoding", |_| Ok(new_str("utf-8")));
    def(m, "getfilesystemencodeerrors", |_| {
        Ok(new_str("surrogateescape"))
    });
    def(m, "getdefaultencoding", |_| Ok(new_str("utf-8")));
    def(m, "getrefcount", |a| {
        arg(&a, 0, "object", "getrefcount")?;
        Ok(Value::small(2))
    });
    def(m, "getswitchinterval", |_| {
        Ok(new_float(HOOKS.with(|h| h.borrow().switch_interval)))
    });
    def(m, "setswitchinterval", |a| {
        let v = float_of(arg(&a, 0, "interval", "setswitchinterval")?)
            .ok_or_else(|| type_error("must be real number"))?;
        if v <= 0.0 {
            return Err(value_error("switch interval must be strictly positive"));
        }
        HOOKS.with(|h| h.borrow_mut().switch_interval = v);
        Ok(Value::NONE)
    });
    def(m, "is_finalizing", |_| Ok(Value::FALSE));
    def(m, "audit", |a| {
        arg(&a, 0, "event", "audit")?;
        Ok(Value::NONE)
    });
    def(m, "addaudithook", |a| {
        arg(&a, 0, "hook", "addaudithook")?;
        Ok(Value::NONE)
    });
    def(m, "_clear_type_cache", |_| Ok(Value::NONE));
    def(m, "getallocatedblocks", |_| Ok(Value::small(0)));
    def(m, "get_int_max_str_digits", |_| {
        let n = crate::objects::int::MAX_STR_DIGITS.load(std::sync::atomic::Ordering::Relaxed);
        Ok(Value::small(n as i64))
    });
    def(m, "set_int_max_str_digits", |a| {
        let n = index_of(arg(&a, 0, "maxdigits", "set_int_max_str_digits")?)?;
        if n != 0 && n < 640 {
            return Err(value_error("maxdigits must be 0 or larger than 640"));
        }
        crate::objects::int::MAX_STR_DIGITS.store(n as usize, std::sync::atomic::Ordering::Relaxed);
        Ok(Value::NONE)
    });
    // trace and profile functions are remembered (so save/restore code works), never called
    def(m, "settrace", |a| {
        let f = arg(&a, 0, "function", "settrace")?;
        set_hook_value("_pyguest_trace", f);
        Ok(Value::NONE)
    });
    def(m, "setprofile", |a| {
        let f = arg(&a, 0, "function", "setprofile")?;
        set_hook_value("_pyguest_profile", f);
        Ok(Value::NONE)
    });
    d.set_str("gettrace", new_builtin("gettrace", get_trace));
    d.set_str("getprofile", new_builtin("getprofile", get_profile));
    def(m, "call_tracing", |a| {
        let f = arg(&a, 0, "func", "call_tracing")?;
        let args = crate::objects::native::seq_items(arg(&a, 1, "args", "call_tracing")?)?;
        ops::call(f, &args)
    });
    let hook = new_builtin("excepthook", excepthook);
    d.set_str("excepthook", hook);
    d.set_str("__excepthook__", hook);
    let dh = new_builtin("displayhook", displayhook);
    d.set_str("displayhook", dh);
    d.set_str("__displayhook__", dh);
    let uh = new_builtin("unraisablehook", unraisablehook);
    d.set_str("unraisablehook", uh);
    d.set_str("__unraisablehook__", uh);
    def(m, "__getattr__", |a| {
        let name = ops::str_of(arg(&a, 0, "name", "__getattr__")?)?;
        if name == "_stdlib_dir" {
            return Ok(match crate::stdlib_dir::stdlib_dir() {
                Some(p) => new_string(p.to_string_lossy().into_owned()),
                None => Value::NONE,
            });
        }
        if name == "stdin" || name == "__stdin__" {
            // made on first use (`io._make_stdin`: a `TextIOWrapper` over a `BufferedReader`
            // over `FileIO(0)`), so programs that never read standard input do not load `io`
            let io = crate::import::load_module("io")?;
            let make = ops::getattr(io, vm::intern("_make_stdin"))?;
            let stdin = ops::call(make, &[])?;
            let d = sys_module().dict;
            if d.get_str("stdin").is_none() {
                d.set_str("stdin", stdin);
            }
            if d.get_str("__stdin__").is_none() {
                d.set_str("__stdin__", stdin);
            }
            return Ok(d.get_str(&name).unwrap_or(stdin));
        }
        let e = vm::exc(
            C::AttributeError,
            format!("module 'sys' has no attribute '{name}'"),
        );
        Err(e)
    });
}

/// The native modules (`sys.builtin_module_names`), as `builtin_module` knows them.
pub const BUILTIN_MODULE_NAMES: &[&str] = &[
    "_codecs",
    "_contextvars",
    "_mt19937",
    "_os",
    "_pggc",
    "_pgtime",
    "_pghash",
    "_pgweak",
    "_pyjson",
    "_pyre",
    "_signal",
    "_string",
    "_thread",
    "_weakref",
    "atexit",
    "builtins",
    "marshal",
    "math",
    "select",
    "sys",
    "time",
    "unicodedata",
];

struct Hooks {
    switch_interval: f64,
}

thread_local! {
    static HOOKS: RefCell<Hooks> = const {
        RefCell::new(Hooks { switch_interval: 0.005 })
    };
}

/// Trace/profile functions live in the `sys` dict under private names (rooted there).
fn set_hook_value(key: &str, f: Value) {
    sys_module().dict.set_str(key, f);
}

fn get_trace(_: Args) -> PyResult<Value> {
    Ok(sys_module()
        .dict
        .get_str("_pyguest_trace")
        .unwrap_or(Value::NONE))
}

fn get_profile(_: Args) -> PyResult<Value> {
    Ok(sys_module()
        .dict
        .get_str("_pyguest_profile")
        .unwrap_or(Value::NONE))
}

/// `sys.excepthook(type, value, traceback)`: prints the exception with its traceback.
fn excepthook(a: Args) -> PyResult<Value> {
    let value = arg(&a, 1, "value", "excepthook")?;
    vm::flush_stdout();
    let tb = crate::import::load_module("traceback")?;
    ops::call_method(tb, "print_exception", &[value])?;
    Ok(Value::NONE)
}

/// `sys.displayhook(value)`: prints `repr(value)` and stores it in `builtins._`.
fn displayhook(a: Args) -> PyResult<Value> {
    let v = arg(&a, 0, "object", "displayhook")?;
    if v.is_none() {
        return Ok(Value::NONE);
    }
    let b = vm().builtins.get();
    b.set_str("_", Value::NONE);
    let text = new_string(ops::repr(v)?);
    if let Some(print) = b.get_str("print") {
        ops::call(print, &[text])?;
    }
    b.set_str("_", v);
    Ok(Value::NONE)
}

/// `sys.unraisablehook(unraisable)`: "Exception ignored in: OBJ" and the traceback.
fn unraisablehook(a: Args) -> PyResult<Value> {
    let u = arg(&a, 0, "unraisable", "unraisablehook")?;
    let exc = ops::getattr(u, vm::intern("exc_value"))?;
    let obj = ops::getattr_opt(u, vm::intern("object"))?.unwrap_or(Value::NONE);
    let msg = ops::getattr_opt(u, vm::intern("err_msg"))?
        .filter(|m| !m.is_none())
        .map(ops::str_of)
        .transpose()?
        .unwrap_or_else(|| "Exception ignored in".into());
    report_exception(&msg, obj, exc);
    Ok(Value::NONE)
}
