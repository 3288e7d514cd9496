//! The methods of the built-in exception classes: `BaseException` (`args`, `__str__`,
//! `__repr__`, `with_traceback`, `add_note`), `OSError` (`errno`, `strerror`, `filename`
//! and CPython's "[Errno N] text: 'file'" form), the Unicode errors' attributes and messages,
//! and `StopIteration.value` / `SystemExit.code`. The classes themselves are created in
//! `vm.rs`; raising, handler lookup and tracebacks are `interpreter/exceptions.rs`.

use crate::objects::class::compute_flags;
use crate::objects::native::{m, Method};
use crate::objects::ops::{self, int_of, str_of, ArgVec};
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm;
use crate::vm::PyResult;
use crate::vm::{cls, intern, C};
use metatracer::gc::{self, GcCell};

fn exc_args(v: Value) -> ArgVec {
    ops::getattr(v, intern("args"))
        .ok()
        .and_then(as_tuple)
        .map(|t| t.as_slice().iter().copied().collect())
        .unwrap_or_default()
}

/// `__init__` of `UnicodeEncodeError`/`UnicodeDecodeError(encoding, object, start, end,
/// reason)`: `args`, and the five attributes when all are given.
fn unicode_error_init(a: Args) -> PyResult<Value> {
    if let Some(inst) = as_instance(a.pos[0]) {
        let args = &a.pos[1..];
        ops::instance_set(inst, intern("args"), new_tuple(args));
        if args.len() == 5 {
            for (i, n) in ["encoding", "object", "start", "end", "reason"]
                .iter()
                .enumerate()
            {
                ops::instance_set(inst, intern(n), args[i]);
            }
        }
    }
    Ok(Value::NONE)
}

/// The methods of `BaseException`, inherited by every exception class.
pub(crate) static BASE_EXCEPTION_METHODS: &[Method] = &[
    m("__init__(*args, **kwargs)", |a| {
        if let Some(inst) = as_instance(a.pos[0]) {
            ops::instance_set(inst, intern("args"), new_tuple(&a.pos[1..]));
        }
        Ok(Value::NONE)
    }),
    m("W:__str__()", |a| {
        let args = exc_args(a.pos[0]);
        Ok(match args.len() {
            0 => new_str(""),
            1 => {
                if vm::isinstance_c(a.pos[0], C::KeyError) {
                    new_string(ops::repr(args[0])?)
                } else {
                    ops::to_str(args[0])?
                }
            }
            _ => new_string(ops::repr(new_tuple(&args))?),
        })
    }),
    m("W:__repr__()", |a| {
        let args = exc_args(a.pos[0]);
        let name = vm::type_name(a.pos[0]);
        Ok(new_string(if args.len() == 1 {
            format!("{}({})", name, ops::repr(args[0])?)
        } else {
            format!("{}{}", name, ops::repr(new_tuple(&args))?)
        }))
    }),
    m("with_traceback(x, /)", |a| {
        ops::setattr(a.pos[0], intern("__traceback__"), a.pos[1])?;
        Ok(a.pos[0])
    }),
    m("add_note(x, /)", |a| {
        let inst = as_instance(a.pos[0]).unwrap();
        let key = intern("__notes__");
        let l = match ops::instance_get(inst, key) {
            Some(l) => l,
            None => {
                let l = Value::obj(new_list_cap(1));
                ops::instance_set(inst, key, l);
                l
            }
        };
        as_list(l).unwrap().push(a.pos[1]);
        Ok(Value::NONE)
    }),
];

/// The `OSError` subclass for errno `code` (PEP 3151's table, Linux's numbers): what
/// `OSError(code, text)` builds (`class.rs`, `oserror_new`).
pub(crate) fn errno_subclass(code: i64) -> Option<C> {
    Some(match code as i32 {
        libc::EAGAIN | libc::EALREADY | libc::EINPROGRESS => C::BlockingIOError,
        libc::ECHILD => C::ChildProcessError,
        libc::EPIPE | libc::ESHUTDOWN => C::BrokenPipeError,
        libc::ECONNABORTED => C::ConnectionAbortedError,
        libc::ECONNREFUSED => C::ConnectionRefusedError,
        libc::ECONNRESET => C::ConnectionResetError,
        libc::EEXIST => C::FileExistsError,
        libc::ENOENT => C::FileNotFoundError,
        libc::EISDIR => C::IsADirectoryError,
        libc::ENOTDIR => C::NotADirectoryError,
        libc::EINTR => C::InterruptedError,
        libc::EACCES | libc::EPERM => C::PermissionError,
        libc::ESRCH => C::ProcessLookupError,
        libc::ETIMEDOUT => C::TimeoutError,
        _ => return None,
    })
}

/// `OSError(errno, strerror[, filename[, winerror[, filename2]]])`: the attributes and
/// CPython's "[Errno N] text: 'file'" form; other argument counts behave as `Exception`.
pub(crate) static OS_ERROR_METHODS: &[Method] = &[
    m("__init__(*args, **kwargs)", |a| {
        if let Some(inst) = as_instance(a.pos[0]) {
            let args = &a.pos[1..];
            if (2..=5).contains(&args.len()) {
                ops::instance_set(inst, intern("errno"), args[0]);
                ops::instance_set(inst, intern("strerror"), args[1]);
                if let Some(&f) = args.get(2) {
                    ops::instance_set(inst, intern("filename"), f);
                    ops::instance_set(inst, intern("args"), new_tuple(&args[..2]));
                } else {
                    ops::instance_set(inst, intern("args"), new_tuple(args));
                }
                if let Some(&f2) = args.get(4) {
                    ops::instance_set(inst, intern("filename2"), f2);
                }
            } else {
                ops::instance_set(inst, intern("args"), new_tuple(args));
            }
        }
        Ok(Value::NONE)
    }),
    m("W:__str__()", |a| {
        let v = a.pos[0];
        let get = |n: &str| ops::getattr(v, intern(n)).unwrap_or(Value::NONE);
        let (errno, strerror) = (get("errno"), get("strerror"));
        let args = exc_args(v);
        if !errno.is_none() && !strerror.is_none() && args.len() != 1 {
            let mut s = format!("[Errno {}] {}", str_of(errno)?, str_of(strerror)?);
            let f = get("filename");
            if !f.is_none() {
                s.push_str(&format!(": {}", ops::repr(f)?));
                let f2 = get("filename2");
                if !f2.is_none() {
                    s.push_str(&format!(" -> {}", ops::repr(f2)?));
                }
            }
            return Ok(new_string(s));
        }
        Ok(match args.len() {
            0 => new_str(""),
            1 => ops::to_str(args[0])?,
            _ => new_string(ops::repr(new_tuple(&args))?),
        })
    }),
];

/// `ImportError(*args, name=None, path=None)`: `msg` (the only argument, else None),
/// `name` and `path`; `str()` is `msg` when it is a `str`. Instances the interpreter raises
/// without running `__init__` read the class's None defaults (`install_os_error_attributes`).
pub(crate) static IMPORT_ERROR_METHODS: &[Method] = &[
    m("__init__(*args, **kwargs)", |a| {
        if let Some(inst) = as_instance(a.pos[0]) {
            let args = &a.pos[1..];
            ops::instance_set(inst, intern("args"), new_tuple(args));
            let msg = if args.len() == 1 {
                args[0]
            } else {
                Value::NONE
            };
            ops::instance_set(inst, intern("msg"), msg);
            for (&k, &v) in a.kwnames.iter().zip(a.kwvals) {
                let k = str_of(k)?;
                if k != "name" && k != "path" {
                    return Err(vm::type_error(format!(
                        "'{k}' is an invalid keyword argument for ImportError()"
                    )));
                }
                ops::instance_set(inst, intern(&k), v);
            }
        }
        Ok(Value::NONE)
    }),
    m("W:__str__()", |a| {
        let v = a.pos[0];
        if let Some(msg) = ops::getattr_opt(v, intern("msg"))? {
            if msg.is_kind(Kind::Str) {
                return Ok(msg);
            }
        }
        let args = exc_args(v);
        Ok(match args.len() {
            0 => new_str(""),
            1 => ops::to_str(args[0])?,
            _ => new_string(ops::repr(new_tuple(&args))?),
        })
    }),
];

/// `SyntaxError(msg, (filename, lineno, offset, text[, end_lineno, end_offset]))`: the
/// attributes (None when not given) and CPython's `msg (file.py, line N)` string.
pub(crate) static SYNTAX_ERROR_METHODS: &[Method] = &[
    m("__init__(*args, **kwargs)", |a| {
        if let Some(inst) = as_instance(a.pos[0]) {
            let args = &a.pos[1..];
            ops::instance_set(inst, intern("args"), new_tuple(args));
            let names = [
                "msg",
                "filename",
                "lineno",
                "offset",
                "text",
                "end_lineno",
                "end_offset",
                "print_file_and_line",
            ];
            for n in names {
                ops::instance_set(inst, intern(n), Value::NONE);
            }
            if let Some(&msg) = args.first() {
                ops::instance_set(inst, intern("msg"), msg);
            }
            if args.len() == 2 {
                let info = crate::objects::native::seq_items(args[1])?;
                if !(4..=6).contains(&info.len()) {
                    return Err(vm::type_error(format!(
                        "function takes at least 4 arguments ({} given)",
                        info.len()
                    )));
                }
                for (n, v) in names[1..].iter().zip(info) {
                    ops::instance_set(inst, intern(n), v);
                }
            }
        }
        Ok(Value::NONE)
    }),
    m("W:__str__()", |a| {
        let v = a.pos[0];
        let get = |n: &str| ops::getattr(v, intern(n)).unwrap_or(Value::NONE);
        // (an exception made without `__init__`, as the interpreter's own, has only `args`)
        let msg = match ops::getattr(v, intern("msg")) {
            Ok(m) => m,
            Err(_) => exc_args(v).first().copied().unwrap_or(Value::NONE),
        };
        let msg = str_of(msg)?;
        let file = as_str(get("filename")).map(|f| {
            let f = f.s.to_string();
            f.rsplit('/').next().unwrap_or(&f).to_string()
        });
        let line = get("lineno");
        let line = if line.is_int() || line.is_kind(Kind::BigInt) {
            Some(str_of(line)?)
        } else {
            None
        };
        Ok(new_string(match (file, line) {
            (Some(f), Some(l)) => format!("{msg} ({f}, line {l})"),
            (Some(f), None) => format!("{msg} ({f})"),
            (None, Some(l)) => format!("{msg} (line {l})"),
            (None, None) => msg,
        }))
    }),
];

/// The methods of `UnicodeDecodeError`.
pub(crate) static UNICODE_DECODE_ERROR_METHODS: &[Method] = &[
    m("__init__(*args, **kwargs)", unicode_error_init),
    m("W:__str__()", |a| {
        let args = exc_args(a.pos[0]);
        if args.len() < 5 {
            return Ok(new_string(
                args.first()
                    .map(|&x| str_of(x))
                    .transpose()?
                    .unwrap_or_default(),
            ));
        }
        let b = ops::bytes_like(args[1]).unwrap_or_default();
        let st = int_of(args[2]).unwrap_or(0) as usize;
        Ok(new_string(format!(
            "'{}' codec can't decode byte 0x{:02x} in position {}: {}",
            str_of(args[0])?,
            b.get(st).copied().unwrap_or(0),
            st,
            str_of(args[4])?
        )))
    }),
];

/// The methods of `UnicodeEncodeError`.
pub(crate) static UNICODE_ENCODE_ERROR_METHODS: &[Method] = &[
    m("__init__(*args, **kwargs)", unicode_error_init),
    m("W:__str__()", |a| {
        let args = exc_args(a.pos[0]);
        if args.len() < 5 {
            return Ok(new_string(
                args.first()
                    .map(|&x| str_of(x))
                    .transpose()?
                    .unwrap_or_default(),
            ));
        }
        let s = str_of(args[1])?;
        let st = int_of(args[2]).unwrap_or(0) as usize;
        let c = s.chars().nth(st).unwrap_or('?');
        let lim = if str_of(args[0])?.contains("ascii") {
            128
        } else {
            256
        };
        let cs = if (c as u32) < 0x100 {
            format!("\\x{:02x}", c as u32)
        } else {
            format!("\\u{:04x}", c as u32)
        };
        Ok(new_string(format!(
            "'{}' codec can't encode character '{}' in position {}: {}({})",
            str_of(args[0])?,
            cs,
            st,
            str_of(args[4])?,
            lim
        )))
    }),
];

/// `OSError`'s attribute defaults (`errno`, `strerror`, `filename`, `filename2`: None) and
/// `ImportError`'s (`msg`, `name`, `path`), set before their methods so their dicts keep
/// that order.
pub(crate) fn install_os_error_attributes() {
    for attr in ["errno", "strerror", "filename", "filename2"] {
        cls(C::OSError).dict.set_str(attr, Value::NONE);
    }
    for attr in ["msg", "name", "path"] {
        cls(C::ImportError).dict.set_str(attr, Value::NONE);
    }
}

/// The `StopIteration.value` and `SystemExit.code` properties (the first argument).
pub(crate) fn install_exception_properties() {
    cls(C::StopIteration).dict.set_str(
        "value",
        Value::obj(gc::alloc(PropertyObj {
            kind: Kind::Property,
            fget: new_builtin("StopIteration.value", |a| {
                Ok(exc_args(a.pos[0]).first().copied().unwrap_or(Value::NONE))
            }),
            fset: Value::NULL,
            fdel: Value::NULL,
            doc: GcCell::new(Value::NONE),
        })),
    );
    cls(C::SystemExit).dict.set_str(
        "code",
        Value::obj(gc::alloc(PropertyObj {
            kind: Kind::Property,
            fget: new_builtin("SystemExit.code", |a| {
                Ok(exc_args(a.pos[0]).first().copied().unwrap_or(Value::NONE))
            }),
            fset: Value::NULL,
            fdel: Value::NULL,
            doc: GcCell::new(Value::NONE),
        })),
    );
    compute_flags(cls(C::StopIteration));
    compute_flags(cls(C::SystemExit));
    for c in [C::StopIteration, C::SystemExit] {
        cls(c).flags.set(cls(c).flags.get() | CF_HAS_DESCRIPTORS);
    }
    // propagate descriptor flag to subclasses created later via compute_flags (mro walk)
}
