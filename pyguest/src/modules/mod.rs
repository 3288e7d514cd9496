//! The modules built into the binary: the table of native modules ([`builtin_module`]) and
//! of Python modules shipped as source (`pyguest/lib/*.py`, see [`EMBEDDED`]).
//!
//! One submodule per native module: [`builtins`], [`sys`], [`math`], [`time`] (`_pgtime`, under `time`), [`os`] (`_os`),
//! [`fs`] (more `_os` file-system primitives), [`json`] (`_pyjson`), [`random`] (`_mt19937`),
//! [`re`] (`_pyre`), [`hash`] (`_pghash`), [`zlib`] (`_pgzlib`), [`binascii`] (`_pgbinascii`, under `binascii`/`base64`), [`dis`] (`_pgdis`, under `dis`), [`weak`] (`_pgweak`), [`gcmod`] (`_pggc`, under
//! `gc`), [`coro`] (`_pgcoro` for `types.coroutine`, and the `sys` async generator
//! hooks), [`process`] (`_pgprocess`, under `subprocess`, `os` and `platform`) , [`sqlite`]
//! (`_pgsqlite`, under `sqlite3`), [`heapq`] (`_heapq`) and [`bisect`] (`_bisect`), the
//! accelerators `heapq.py`/`bisect.py` import as CPython's do, and [`array`] (`_pgarray`,
//! the item access of `array.py`). The native modules CPython's own `Lib` is written over (for the stdlib fallback of
//! `stdlib_dir.rs`): [`thread`] (`_thread`), [`weakref`] (`_weakref`), [`atexit`],
//! [`string`] (`_string`), [`signal`] (`_signal`), [`codecs`] (`_codecs`), [`contextvars`]
//! (`_contextvars`), [`select`], [`socket`] (`_socket`, with [`sockaddr`]), [`unicodedata`] (with its generated
//! [`unicodedata_tables`]), [`marshal`], [`sysattrs`] (more of `sys`) and [`union`] (`X | Y` on
//! classes); [`native_class`] has their shared helpers. `_collections_abc` is an alias of the
//! embedded `collections.abc`. Modules use the object model (`objects/`) and the interpreter; neither of those uses
//! a module, except that frames register their free lists with `gcmod` (so `gc.collect()` can
//! clear them).
//!
//! To add a native module: write `fn make_NAME() -> Gc<ModuleObj>` filling a module dict with
//! `new_builtin` functions, and add it to [`builtin_module`]. To add a Python module: drop
//! `NAME.py` in `pyguest/lib/` and add a line to [`EMBEDDED`].

pub mod array;
pub mod atexit;
pub mod binascii;
pub mod bisect;
pub mod builtins;
pub mod codecs;
pub mod contextvars;
pub mod coro;
pub mod dis;
pub mod finalize;
pub mod fs;
pub mod gcmod;
pub mod hash;
pub mod heapq;
pub mod json;
pub mod marshal;
pub mod math;
pub mod native_class;
pub mod os;
pub mod process;
pub mod random;
pub mod re;
pub mod select;
pub mod signal;
pub mod sockaddr;
pub mod socket;
pub mod sqlite;
pub mod stdio;
pub mod string;
pub mod sys;
pub mod sysattrs;
pub mod thread;
pub mod time;
pub mod unicodedata;
#[rustfmt::skip]
pub mod unicodedata_tables;
pub mod union;
pub mod weak;
pub mod weakref;
pub mod zlib;

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

use math::make_math;
use os::make_os;
pub use os::os_error;
use sys::sys_module;
pub use sys::{init_sys, stdout_target};
use time::make_time;

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
    // the names of CPython's native `_io`, from pyguest's `io`
    ("_io", include_str!("../../lib/_io.py")),
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
    // struct_time and the calendar functions over the native `_pgtime`
    ("time", include_str!("../../lib/time.py")),
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
    // regular expressions: Python-level API over the native `_pyre` engine (modules/re/)
    ("re", include_str!("../../lib/re.py")),
    // processes, platform facts and SQLite over the native `_pgprocess` and `_pgsqlite`
    ("subprocess", include_str!("../../lib/subprocess.py")),
    ("platform", include_str!("../../lib/platform.py")),
    ("sqlite3", include_str!("../../lib/sqlite3.py")),
    // pyguest's own bytecode, disassembled (over the native `_pgdis`)
    ("dis", include_str!("../../lib/dis.py")),
    // the public importlib API over pyguest's importer (CPython's needs `_imp`)
    ("importlib", include_str!("../../lib/importlib/__init__.py")),
    (
        "importlib.machinery",
        include_str!("../../lib/importlib/machinery.py"),
    ),
    (
        "importlib.util",
        include_str!("../../lib/importlib/util.py"),
    ),
    (
        "importlib._bootstrap",
        include_str!("../../lib/importlib/_bootstrap.py"),
    ),
    (
        "importlib._bootstrap_external",
        include_str!("../../lib/importlib/_bootstrap_external.py"),
    ),
    // the import primitives of CPython's `imp` and bytecode tools, over pyguest's importer
    ("_imp", include_str!("../../lib/_imp.py")),
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
        "_pgtime" => make_time(),
        "_os" => make_os(),
        "_pghash" => crate::modules::hash::make(),
        "_pgzlib" => crate::modules::zlib::make(),
        "_pgbinascii" => crate::modules::binascii::make(),
        "_pgdis" => crate::modules::dis::make(),
        "_pgweak" => crate::modules::weak::make(),
        "_pggc" => crate::modules::gcmod::make(),
        "_pyre" => crate::modules::re::make_module(),
        "_mt19937" => crate::modules::random::make_module(),
        "_pyjson" => crate::modules::json::make_module(),
        "_thread" => crate::modules::thread::make(),
        "atexit" => crate::modules::atexit::make(),
        "_string" => crate::modules::string::make(),
        "_signal" => crate::modules::signal::make(),
        "_codecs" => crate::modules::codecs::make(),
        "_contextvars" => crate::modules::contextvars::make(),
        "select" => crate::modules::select::make(),
        "marshal" => crate::modules::marshal::make(),
        "_pgcoro" => crate::modules::coro::make(),
        "_pgprocess" => crate::modules::process::make(),
        "_pgsqlite" => crate::modules::sqlite::make(),
        "_heapq" => crate::modules::heapq::make(),
        "_bisect" => crate::modules::bisect::make(),
        "_pgarray" => crate::modules::array::make(),
        "unicodedata" => crate::modules::unicodedata::make(),
        // CPython's name for the module pyguest ships as `collections.abc`
        "_collections_abc" => {
            let abc = crate::import::load_module("collections.abc")?;
            vm().modules.get().set_str(name, abc);
            return Ok(Some(abc));
        }
        "_weakref" => crate::modules::weakref::make()?,
        "_socket" => crate::modules::socket::make()?,
        _ => {
            if let Some((_, src)) = EMBEDDED.iter().find(|(n, _)| *n == name) {
                return run_embedded(name, src).map(Some);
            }
            return Ok(None);
        }
    };
    crate::objects::function::register_native_module(name, m.dict);
    let v = Value::obj(m);
    vm().modules.get().set_str(name, v);
    Ok(Some(v))
}

pub(crate) fn run_embedded(name: &str, src: &str) -> PyResult<Value> {
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
