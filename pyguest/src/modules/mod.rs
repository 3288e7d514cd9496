//! Modules built into the binary: native `sys`, `math`, `time`, and Python-level modules
//! shipped as source (`pyguest/lib/*.py`, see [`EMBEDDED`]).
//!
//! To add a native module: write `fn make_NAME() -> Gc<ModuleObj>` filling a module dict with
//! `new_builtin` functions, and add it to [`builtin_module`]. To add a Python module: drop
//! `NAME.py` in `pyguest/lib/` and add a line to [`EMBEDDED`].

pub mod builtins;
pub mod fs;
pub mod gcmod;
pub mod hash;
pub mod json;
pub mod random;
pub mod re;
pub mod weak;

use crate::import::new_module;
use crate::interpreter::PyResult;
use crate::objects::native::kwarg;
use crate::objects::ops::{self, float_of, index_of};
use crate::objects::*;
use crate::value::Value;
use crate::vm::{self, type_error, value_error, vm, C};
use metatracer::gc::{Gc, Root};
use num_bigint::BigInt;
use num_traits::{One, Signed, ToPrimitive, Zero};
use std::cell::RefCell;

/// Python modules shipped inside the binary: (name, source).
pub const EMBEDDED: &[(&str, &str)] = &[
    ("collections", include_str!("../../lib/collections.py")),
    (
        "collections.abc",
        include_str!("../../lib/_collections_abc.py"),
    ),
    ("itertools", include_str!("../../lib/itertools.py")),
    ("functools", include_str!("../../lib/functools.py")),
    ("operator", include_str!("../../lib/operator.py")),
    ("string", include_str!("../../lib/string.py")),
    ("heapq", include_str!("../../lib/heapq.py")),
    ("bisect", include_str!("../../lib/bisect.py")),
    // Wider standard library (issue 5), plain Python, checked against CPython by
    // pyguest/tests/check_lib_cpython.sh.
    ("__future__", include_str!("../../lib/__future__.py")),
    ("abc", include_str!("../../lib/abc.py")),
    ("argparse", include_str!("../../lib/argparse.py")),
    ("array", include_str!("../../lib/array.py")),
    ("contextlib", include_str!("../../lib/contextlib.py")),
    ("copy", include_str!("../../lib/copy.py")),
    ("dataclasses", include_str!("../../lib/dataclasses.py")),
    ("datetime", include_str!("../../lib/datetime.py")),
    ("decimal", include_str!("../../lib/decimal.py")),
    ("enum", include_str!("../../lib/enum.py")),
    ("fractions", include_str!("../../lib/fractions.py")),
    ("io", include_str!("../../lib/io.py")),
    ("json", include_str!("../../lib/json.py")),
    ("random", include_str!("../../lib/random.py")),
    ("statistics", include_str!("../../lib/statistics.py")),
    ("struct", include_str!("../../lib/struct.py")),
    ("textwrap", include_str!("../../lib/textwrap.py")),
    ("typing", include_str!("../../lib/typing.py")),
    // batch A (mods1): collections.abc is registered next to collections above
    ("types", include_str!("../../lib/types.py")),
    ("numbers", include_str!("../../lib/numbers.py")),
    ("keyword", include_str!("../../lib/keyword.py")),
    ("errno", include_str!("../../lib/errno.py")),
    ("linecache", include_str!("../../lib/linecache.py")),
    ("traceback", include_str!("../../lib/traceback.py")),
    ("warnings", include_str!("../../lib/warnings.py")),
    ("logging", include_str!("../../lib/logging/__init__.py")),
    (
        "logging.handlers",
        include_str!("../../lib/logging/handlers.py"),
    ),
    ("pprint", include_str!("../../lib/pprint.py")),
    ("csv", include_str!("../../lib/csv.py")),
    // file system: `os`/`os.path`/`tempfile` over the native `_os`; `open` lives in `_file`
    ("os", include_str!("../../lib/os.py")),
    ("tempfile", include_str!("../../lib/tempfile.py")),
    ("_file", include_str!("../../lib/_file.py")),
    // batch B: files, hashing/encoding, ids, queues, weak refs, introspection, testing
    ("stat", include_str!("../../lib/stat.py")),
    ("fnmatch", include_str!("../../lib/fnmatch.py")),
    ("glob", include_str!("../../lib/glob.py")),
    ("pathlib", include_str!("../../lib/pathlib.py")),
    ("shutil", include_str!("../../lib/shutil.py")),
    ("hashlib", include_str!("../../lib/hashlib.py")),
    ("binascii", include_str!("../../lib/binascii.py")),
    ("base64", include_str!("../../lib/base64.py")),
    ("zlib", include_str!("../../lib/zlib.py")),
    ("uuid", include_str!("../../lib/uuid.py")),
    ("secrets", include_str!("../../lib/secrets.py")),
    ("queue", include_str!("../../lib/queue.py")),
    ("weakref", include_str!("../../lib/weakref.py")),
    ("inspect", include_str!("../../lib/inspect.py")),
    ("unittest", include_str!("../../lib/unittest.py")),
    ("gc", include_str!("../../lib/gc.py")),
    ("hmac", include_str!("../../lib/hmac.py")),
    // regular expressions: Python-level API over the native `_pyre` engine (src/re/)
    ("re", include_str!("../../lib/re.py")),
];

thread_local! {
    static SYS: RefCell<Option<Root<ModuleObj>>> = const { RefCell::new(None) };
}

fn def(m: Gc<ModuleObj>, name: &'static str, f: NativeFn) {
    m.dict.set_str(name, new_builtin(name, f));
}

/// The module object for a built-in module name, created on first import.
pub fn builtin_module(name: &str) -> PyResult<Option<Value>> {
    let m = match name {
        "sys" => return Ok(Some(Value::obj(sys_module()))),
        "math" => make_math(),
        "time" => make_time(),
        "_os" => make_os(),
        "_pghash" => crate::modules::hash::make(),
        "_pgweak" => crate::modules::weak::make(),
        "_pggc" => crate::modules::gcmod::make(),
        "_pyre" => crate::modules::re::make_module(),
        "_mt19937" => crate::modules::random::make_module(),
        "_pyjson" => crate::modules::json::make_module(),
        _ => {
            if let Some((_, src)) = EMBEDDED.iter().find(|(n, _)| *n == name) {
                return run_embedded(name, src).map(Some);
            }
            return Ok(None);
        }
    };
    let v = Value::obj(m);
    vm().modules.get().set_str(name, v);
    Ok(Some(v))
}

fn run_embedded(name: &str, src: &str) -> PyResult<Value> {
    let m = new_module(name, None);
    // a module with embedded submodules (`collections` for `collections.abc`) is a package:
    // an empty `__path__` makes the importer look the submodule up in EMBEDDED
    let prefix = format!("{name}.");
    if EMBEDDED.iter().any(|(n, _)| n.starts_with(&prefix)) {
        m.dict.set_str("__path__", new_list_from(&[]));
        m.dict.set_str("__package__", new_str(name));
    } else if let Some((parent, _)) = name.rsplit_once('.') {
        m.dict.set_str("__package__", new_str(parent));
    }
    let v = Value::obj(m);
    vm().modules.get().set_str(name, v);
    let filename = format!("<pyguest>/{name}.py");
    let code = crate::import::compile_module_src(src, &filename, name)?;
    if let Err(e) = crate::interpreter::run_module_code(code, m.dict) {
        let _ = vm().modules.get().remove(new_str(name));
        return Err(e);
    }
    Ok(v)
}

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
pub fn init_sys(argv: &[String], script_dir: Option<&str>) {
    let m = new_module("sys", None);
    SYS.with(|s| *s.borrow_mut() = Some(Root::new(m)));
    let vmr = vm();
    for a in argv {
        vmr.argv.get().push(new_str(a));
    }
    let path = vmr.sys_path.get();
    path.push(new_str(script_dir.unwrap_or("")));
    if let Ok(pp) = std::env::var("PYTHONPATH") {
        for p in pp.split(':').filter(|p| !p.is_empty()) {
            path.push(new_str(p));
        }
    }
    let d = m.dict;
    d.set_str("argv", Value::obj(vmr.argv.get()));
    d.set_str("path", Value::obj(path));
    d.set_str("modules", Value::obj(vmr.modules.get()));
    d.set_str("maxsize", Value::small(i64::MAX >> 1).max_i64());
    d.set_str("version", new_str("3.11.7 (pyguest)"));
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
    let out = new_module("stdout", None);
    def(out, "write", |a| {
        let s = ops::str_of(a.pos[0])?;
        use std::io::Write;
        let _ = vm().out.borrow_mut().write_all(s.as_bytes());
        Ok(Value::small(s.chars().count() as i64))
    });
    def(out, "flush", |_| {
        vm::flush_stdout();
        Ok(Value::NONE)
    });
    vmr.stdout.get().v.set(Value::obj(out));
    d.set_str("stdout", Value::obj(out));
    d.set_str("__stdout__", Value::obj(out));
    let err = new_module("stderr", None);
    def(err, "write", |a| {
        vm::flush_stdout();
        let s = ops::str_of(a.pos[0])?;
        eprint!("{s}");
        Ok(Value::small(s.chars().count() as i64))
    });
    def(err, "flush", |_| Ok(Value::NONE));
    d.set_str("stderr", Value::obj(err));
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
        Ok(Value::NONE)
    });
    def(m, "intern", |a| Ok(vm::intern_value(a.pos[0])));
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

fn f1(a: &Args) -> PyResult<f64> {
    let v = *a
        .pos
        .first()
        .ok_or_else(|| type_error("math function takes an argument"))?;
    float_of(v).ok_or_else(|| type_error(format!("must be real number, not {}", vm::type_name(v))))
}

fn checked(x: f64) -> PyResult<Value> {
    if x.is_nan() {
        return Err(value_error("math domain error"));
    }
    Ok(new_float(x))
}

fn math_int(a: &Args, i: usize) -> PyResult<BigInt> {
    let v = a.pos[i];
    if v.is_kind(crate::value::Kind::Float) {
        return Err(type_error(
            "'float' object cannot be interpreted as an integer",
        ));
    }
    ops::big_of(v).ok_or_else(|| {
        type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            vm::type_name(v)
        ))
    })
}

fn make_math() -> Gc<ModuleObj> {
    let m = new_module("math", None);
    let d = m.dict;
    d.set_str("pi", new_float(std::f64::consts::PI));
    d.set_str("e", new_float(std::f64::consts::E));
    d.set_str("tau", new_float(std::f64::consts::TAU));
    d.set_str("inf", new_float(f64::INFINITY));
    d.set_str("nan", new_float(f64::NAN));
    def(m, "sqrt", |a| {
        let x = f1(&a)?;
        if x < 0.0 {
            return Err(value_error("math domain error"));
        }
        Ok(new_float(x.sqrt()))
    });
    def(m, "sin", |a| checked(f1(&a)?.sin()));
    def(m, "cos", |a| checked(f1(&a)?.cos()));
    def(m, "tan", |a| checked(f1(&a)?.tan()));
    def(m, "asin", |a| checked(f1(&a)?.asin()));
    def(m, "acos", |a| checked(f1(&a)?.acos()));
    def(m, "atan", |a| Ok(new_float(f1(&a)?.atan())));
    def(m, "sinh", |a| Ok(new_float(f1(&a)?.sinh())));
    def(m, "cosh", |a| Ok(new_float(f1(&a)?.cosh())));
    def(m, "tanh", |a| Ok(new_float(f1(&a)?.tanh())));
    def(m, "atan2", |a| {
        Ok(new_float(f1(&a)?.atan2(float_of(a.pos[1]).unwrap_or(0.0))))
    });
    def(m, "exp", |a| {
        let r = f1(&a)?.exp();
        if r.is_infinite() {
            return Err(vm::overflow("math range error"));
        }
        Ok(new_float(r))
    });
    def(m, "log", |a| {
        let v = a.pos[0];
        let ln = |v: Value| -> PyResult<f64> {
            if let Some(b) = as_bigint(v) {
                if b.v.is_positive() {
                    let bits = b.v.bits() as i64;
                    let shift = (bits - 60).max(0);
                    let top = (&b.v >> shift as usize).to_f64().unwrap();
                    return Ok(top.ln() + shift as f64 * std::f64::consts::LN_2);
                }
            }
            let x = float_of(v).ok_or_else(|| type_error("must be real number"))?;
            if x <= 0.0 {
                return Err(value_error("math domain error"));
            }
            Ok(x.ln())
        };
        let r = ln(v)?;
        match a.pos.get(1) {
            Some(&b) => Ok(new_float(r / ln(b)?)),
            None => Ok(new_float(r)),
        }
    });
    def(m, "log2", |a| {
        let x = f1(&a)?;
        if x <= 0.0 {
            return Err(value_error("math domain error"));
        }
        Ok(new_float(x.log2()))
    });
    def(m, "log10", |a| {
        let x = f1(&a)?;
        if x <= 0.0 {
            return Err(value_error("math domain error"));
        }
        Ok(new_float(x.log10()))
    });
    def(m, "pow", |a| {
        let (x, y) = (f1(&a)?, float_of(a.pos[1]).unwrap_or(0.0));
        Ok(new_float(x.powf(y)))
    });
    def(m, "floor", |a| {
        let v = a.pos[0];
        if ops::is_int_like(v) {
            return Ok(v);
        }
        if let Some(mm) = ops::lookup_type_user(vm::type_of(v), "__floor__") {
            return ops::call(mm, &[v]);
        }
        Ok(crate::objects::number::float_to_int(f1(&a)?.floor()))
    });
    def(m, "ceil", |a| {
        let v = a.pos[0];
        if ops::is_int_like(v) {
            return Ok(v);
        }
        if let Some(mm) = ops::lookup_type_user(vm::type_of(v), "__ceil__") {
            return ops::call(mm, &[v]);
        }
        Ok(crate::objects::number::float_to_int(f1(&a)?.ceil()))
    });
    def(m, "trunc", |a| {
        let v = a.pos[0];
        if ops::is_int_like(v) {
            return Ok(v);
        }
        if let Some(mm) = ops::lookup_type_user(vm::type_of(v), "__trunc__") {
            return ops::call(mm, &[v]);
        }
        Ok(crate::objects::number::float_to_int(f1(&a)?.trunc()))
    });
    def(m, "fabs", |a| Ok(new_float(f1(&a)?.abs())));
    def(m, "isnan", |a| Ok(Value::bool(f1(&a)?.is_nan())));
    def(m, "isinf", |a| Ok(Value::bool(f1(&a)?.is_infinite())));
    def(m, "isfinite", |a| Ok(Value::bool(f1(&a)?.is_finite())));
    def(m, "copysign", |a| {
        Ok(new_float(
            f1(&a)?.copysign(float_of(a.pos[1]).unwrap_or(0.0)),
        ))
    });
    def(m, "fmod", |a| {
        let (x, y) = (f1(&a)?, float_of(a.pos[1]).unwrap_or(0.0));
        if y == 0.0 {
            return Err(value_error("math domain error"));
        }
        Ok(new_float(x % y))
    });
    def(m, "modf", |a| {
        let x = f1(&a)?;
        Ok(new_tuple(&[new_float(x.fract()), new_float(x.trunc())]))
    });
    def(m, "frexp", |a| {
        let (mm, e) = ops::frexp(f1(&a)?);
        Ok(new_tuple(&[new_float(mm), Value::small(e as i64)]))
    });
    def(m, "ldexp", |a| {
        Ok(new_float(f1(&a)? * 2f64.powi(index_of(a.pos[1])? as i32)))
    });
    def(m, "degrees", |a| Ok(new_float(f1(&a)?.to_degrees())));
    def(m, "radians", |a| Ok(new_float(f1(&a)?.to_radians())));
    def(m, "hypot", |a| {
        let mut s = 0.0f64;
        for &v in a.pos {
            let x = float_of(v).ok_or_else(|| type_error("must be real number"))?;
            s = s.hypot(x);
        }
        Ok(new_float(s))
    });
    def(m, "dist", |a| {
        let p = crate::objects::native::seq_items(a.pos[0])?;
        let q = crate::objects::native::seq_items(a.pos[1])?;
        let mut s = 0.0f64;
        for (x, y) in p.iter().zip(q.iter()) {
            s = s.hypot(float_of(*x).unwrap_or(0.0) - float_of(*y).unwrap_or(0.0));
        }
        Ok(new_float(s))
    });
    def(m, "isclose", |a| {
        let (x, y) = (f1(&a)?, float_of(a.pos[1]).unwrap_or(0.0));
        let rel = kwarg(&a, "rel_tol").and_then(float_of).unwrap_or(1e-9);
        let abs = kwarg(&a, "abs_tol").and_then(float_of).unwrap_or(0.0);
        if x == y {
            return Ok(Value::TRUE);
        }
        if x.is_infinite() || y.is_infinite() {
            return Ok(Value::FALSE);
        }
        let diff = (x - y).abs();
        Ok(Value::bool(
            diff <= (rel * y.abs()).max(rel * x.abs()) || diff <= abs,
        ))
    });
    def(m, "fsum", |a| {
        // Neumaier summation, then exact correction via partials (Shewchuk)
        let mut partials: Vec<f64> = Vec::new();
        for v in crate::objects::native::seq_items(a.pos[0])? {
            let mut x = float_of(v).ok_or_else(|| type_error("must be real number"))?;
            let mut i = 0;
            for j in 0..partials.len() {
                let mut y = partials[j];
                if x.abs() < y.abs() {
                    std::mem::swap(&mut x, &mut y);
                }
                let hi = x + y;
                let lo = y - (hi - x);
                if lo != 0.0 {
                    partials[i] = lo;
                    i += 1;
                }
                x = hi;
            }
            partials.truncate(i);
            partials.push(x);
        }
        let mut hi = 0.0;
        if let Some(mut n) = partials.len().checked_sub(0) {
            if n > 0 {
                n -= 1;
                hi = partials[n];
                let mut lo = 0.0;
                while n > 0 {
                    let x = hi;
                    n -= 1;
                    let y = partials[n];
                    hi = x + y;
                    let yr = hi - x;
                    lo = y - yr;
                    if lo != 0.0 {
                        break;
                    }
                }
                if n > 0
                    && ((lo < 0.0 && partials[n - 1] < 0.0) || (lo > 0.0 && partials[n - 1] > 0.0))
                {
                    let y = lo * 2.0;
                    let x = hi + y;
                    let yr = x - hi;
                    if y == yr {
                        hi = x;
                    }
                }
            }
        }
        Ok(new_float(hi))
    });
    def(m, "factorial", |a| {
        let n = math_int(&a, 0)?;
        if n.is_negative() {
            return Err(value_error("factorial() not defined for negative values"));
        }
        let n = n.to_u64().unwrap_or(0);
        let mut r = BigInt::one();
        for k in 2..=n {
            r *= k;
        }
        Ok(new_bigint(r))
    });
    def(m, "gcd", |a| {
        let mut g = BigInt::zero();
        for i in 0..a.pos.len() {
            g = num_integer::Integer::gcd(&g, &math_int(&a, i)?);
        }
        Ok(new_bigint(g))
    });
    def(m, "lcm", |a| {
        let mut l = BigInt::one();
        for i in 0..a.pos.len() {
            let x = math_int(&a, i)?;
            if x.is_zero() {
                return Ok(Value::small(0));
            }
            l = num_integer::Integer::lcm(&l, &x);
        }
        Ok(new_bigint(l))
    });
    def(m, "isqrt", |a| {
        let n = math_int(&a, 0)?;
        if n.is_negative() {
            return Err(value_error("isqrt() argument must be nonnegative"));
        }
        Ok(new_bigint(n.sqrt()))
    });
    def(m, "comb", |a| {
        let n = math_int(&a, 0)?;
        let k = math_int(&a, 1)?;
        if n.is_negative() || k.is_negative() {
            return Err(value_error("n must be a non-negative integer"));
        }
        if k > n {
            return Ok(Value::small(0));
        }
        let k = k
            .to_u64()
            .unwrap()
            .min((&n - &k).to_u64().unwrap_or(u64::MAX));
        let mut r = BigInt::one();
        for i in 0..k {
            r = r * (&n - i) / (i + 1);
        }
        Ok(new_bigint(r))
    });
    def(m, "perm", |a| {
        let n = math_int(&a, 0)?;
        let k = if a.pos.len() > 1 {
            math_int(&a, 1)?
        } else {
            n.clone()
        };
        if k > n {
            return Ok(Value::small(0));
        }
        let mut r = BigInt::one();
        for i in 0..k.to_u64().unwrap() {
            r *= &n - i;
        }
        Ok(new_bigint(r))
    });
    def(m, "prod", |a| {
        let mut acc = kwarg(&a, "start").unwrap_or(Value::small(1));
        for v in crate::objects::native::seq_items(a.pos[0])? {
            acc = ops::binary_op(acc, v, crate::compiler::bytecode::binop::MUL)?;
        }
        Ok(acc)
    });
    def(m, "erf", |a| Ok(new_float(erf(f1(&a)?))));
    def(m, "erfc", |a| Ok(new_float(erfc(f1(&a)?))));
    def(m, "gamma", |a| Ok(new_float(gamma(f1(&a)?))));
    def(m, "lgamma", |a| Ok(new_float(gamma(f1(&a)?).abs().ln())));
    m
}

// CPython 3.11's `math.erf`/`math.erfc` are the C library's; calling the same functions
// gives bit-identical results. Rust's std links the system libm on every supported target.
extern "C" {
    #[link_name = "erf"]
    fn libm_erf(x: f64) -> f64;
    #[link_name = "erfc"]
    fn libm_erfc(x: f64) -> f64;
}

fn erf(x: f64) -> f64 {
    // SAFETY: `erf` from libm is a pure function of a double, defined for every input.
    unsafe { libm_erf(x) }
}

fn erfc(x: f64) -> f64 {
    // SAFETY: `erfc` from libm is a pure function of a double, defined for every input.
    unsafe { libm_erfc(x) }
}

fn gamma(x: f64) -> f64 {
    if x.fract() == 0.0 && x > 0.0 && x < 171.0 {
        let mut r = 1.0;
        for k in 2..(x as u64) {
            r *= k as f64;
        }
        return r;
    }
    // Lanczos approximation
    let g = 7.0;
    let c = [
        0.999_999_999_999_809_9,
        676.5203681218851,
        -1259.1392167224028,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507343278686905,
        -0.13857109526572012,
        9.984_369_578_019_572e-6,
        1.5056327351493116e-7,
    ];
    if x < 0.5 {
        return std::f64::consts::PI / ((std::f64::consts::PI * x).sin() * gamma(1.0 - x));
    }
    let x = x - 1.0;
    let mut a = c[0];
    let t = x + g + 0.5;
    for (i, &ci) in c.iter().enumerate().skip(1) {
        a += ci / (x + i as f64);
    }
    (2.0 * std::f64::consts::PI).sqrt() * t.powf(x + 0.5) * (-t).exp() * a
}

fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

thread_local! {
    static START: std::time::Instant = std::time::Instant::now();
}

fn make_time() -> Gc<ModuleObj> {
    let m = new_module("time", None);
    def(m, "time", |_| Ok(new_float(now())));
    def(m, "time_ns", |_| Ok(new_int((now() * 1e9) as i64)));
    def(m, "perf_counter", |_| {
        Ok(new_float(START.with(|s| s.elapsed().as_secs_f64())))
    });
    def(m, "perf_counter_ns", |_| {
        Ok(new_int(START.with(|s| s.elapsed().as_nanos() as i64)))
    });
    def(m, "monotonic", |_| {
        Ok(new_float(START.with(|s| s.elapsed().as_secs_f64())))
    });
    def(m, "process_time", |_| {
        Ok(new_float(START.with(|s| s.elapsed().as_secs_f64())))
    });
    def(m, "sleep", |a| {
        let s = float_of(a.pos[0]).unwrap_or(0.0);
        if s > 0.0 {
            std::thread::sleep(std::time::Duration::from_secs_f64(s));
        }
        Ok(Value::NONE)
    });
    m
}

// ---------------------------------------------------------------- _os

/// The Python exception for a failed file-system call on `path`: `FileNotFoundError`,
/// `PermissionError` or `OSError`, with CPython's `[Errno N] text: 'path'` message and the
/// `errno`/`strerror`/`filename` attributes.
pub fn os_error(e: &std::io::Error, path: &str) -> crate::interpreter::PyErr {
    let code = e.raw_os_error().unwrap_or(0);
    let text = e.to_string();
    let text = match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    };
    let c = match code {
        2 => C::FileNotFoundError,
        1 | 13 => C::PermissionError,
        17 => C::FileExistsError,
        20 => C::NotADirectoryError,
        21 => C::IsADirectoryError,
        4 => C::InterruptedError,
        3 => C::ProcessLookupError,
        32 => C::BrokenPipeError,
        _ => C::OSError,
    };
    let msg = format!("[Errno {code}] {text}: {}", ops::str_repr(path));
    let exc = vm::new_exception(vm::cls(c), &[new_string(msg)]);
    if let Some(inst) = as_instance(exc) {
        ops::instance_set(inst, new_str("errno"), new_int(code as i64));
        ops::instance_set(inst, new_str("strerror"), new_string(text));
        ops::instance_set(inst, new_str("filename"), new_str(path));
    }
    crate::interpreter::PyErr(exc)
}

fn path_arg(a: &Args, i: usize) -> PyResult<String> {
    let v = a
        .pos
        .get(i)
        .copied()
        .ok_or_else(|| type_error("missing path argument"))?;
    match as_str(v) {
        Some(s) => Ok(s.s.to_string()),
        None => Err(type_error(format!(
            "expected str, bytes or os.PathLike object, not {}",
            vm::type_name(v)
        ))),
    }
}

/// Native file-system primitives used by the Python `os`, `tempfile` and `_file` modules.
fn make_os() -> Gc<ModuleObj> {
    let m = new_module("_os", None);
    def(m, "read", |a| {
        let p = path_arg(&a, 0)?;
        match std::fs::read(&p) {
            Ok(b) => Ok(new_bytes(b, false)),
            Err(e) => Err(os_error(&e, &p)),
        }
    });
    // write(path, data, append): create/truncate (append=False) or append
    def(m, "write", |a| {
        use std::io::Write;
        let p = path_arg(&a, 0)?;
        let data = a
            .pos
            .get(1)
            .and_then(|&v| ops::bytes_like(v))
            .ok_or_else(|| type_error("_os.write: data must be bytes"))?;
        let append = match a.pos.get(2) {
            Some(&v) => ops::truthy(v)?,
            None => false,
        };
        let f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .append(append)
            .truncate(!append)
            .open(&p);
        f.and_then(|mut f| f.write_all(&data))
            .map_err(|e| os_error(&e, &p))?;
        Ok(Value::NONE)
    });
    def(m, "getcwd", |_| match std::env::current_dir() {
        Ok(d) => Ok(new_string(d.to_string_lossy().into_owned())),
        Err(e) => Err(os_error(&e, ".")),
    });
    def(m, "listdir", |a| {
        let p = path_arg(&a, 0)?;
        let rd = std::fs::read_dir(&p).map_err(|e| os_error(&e, &p))?;
        let l = new_list_cap(0);
        for ent in rd {
            let ent = ent.map_err(|e| os_error(&e, &p))?;
            l.push(new_string(ent.file_name().to_string_lossy().into_owned()));
        }
        Ok(Value::obj(l))
    });
    def(m, "remove", |a| {
        let p = path_arg(&a, 0)?;
        std::fs::remove_file(&p).map_err(|e| os_error(&e, &p))?;
        Ok(Value::NONE)
    });
    def(m, "mkdir", |a| {
        let p = path_arg(&a, 0)?;
        std::fs::create_dir(&p).map_err(|e| os_error(&e, &p))?;
        Ok(Value::NONE)
    });
    def(m, "rmdir", |a| {
        let p = path_arg(&a, 0)?;
        std::fs::remove_dir(&p).map_err(|e| os_error(&e, &p))?;
        Ok(Value::NONE)
    });
    def(m, "rmtree", |a| {
        let p = path_arg(&a, 0)?;
        std::fs::remove_dir_all(&p).map_err(|e| os_error(&e, &p))?;
        Ok(Value::NONE)
    });
    def(m, "rename", |a| {
        let p = path_arg(&a, 0)?;
        let q = path_arg(&a, 1)?;
        std::fs::rename(&p, &q).map_err(|e| os_error(&e, &p))?;
        Ok(Value::NONE)
    });
    // kind(path): 0 missing, 1 file, 2 directory, 3 other
    def(m, "kind", |a| {
        let p = path_arg(&a, 0)?;
        Ok(new_int(match std::fs::metadata(&p) {
            Err(_) => 0,
            Ok(md) if md.is_file() => 1,
            Ok(md) if md.is_dir() => 2,
            Ok(_) => 3,
        }))
    });
    def(m, "size", |a| {
        let p = path_arg(&a, 0)?;
        let md = std::fs::metadata(&p).map_err(|e| os_error(&e, &p))?;
        Ok(new_int(md.len() as i64))
    });
    def(m, "environ", |_| {
        let d = new_dict();
        for (k, v) in std::env::vars_os() {
            d.set_item(
                new_string(k.to_string_lossy().into_owned()),
                new_string(v.to_string_lossy().into_owned()),
            )?;
        }
        Ok(Value::obj(d))
    });
    def(m, "getpid", |_| Ok(new_int(std::process::id() as i64)));
    def(m, "urandom", |a| {
        let n = index_of(a.pos.first().copied().unwrap_or(Value::small(0)))?.max(0) as usize;
        let mut buf = vec![0u8; n];
        use std::io::Read;
        std::fs::File::open("/dev/urandom")
            .and_then(|mut f| f.read_exact(&mut buf))
            .map_err(|e| os_error(&e, "/dev/urandom"))?;
        Ok(new_bytes(buf, false))
    });
    crate::modules::fs::extend_os(m);
    m
}
