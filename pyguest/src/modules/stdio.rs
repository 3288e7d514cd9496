//! `sys.stdout` and `sys.stderr` as file objects: instances of `_io.TextIOWrapper` (write
//! returning the count of characters, `writelines`, `flush`, `close` and `closed`, `fileno`,
//! `isatty`, `readable`/`writable`/`seekable`, the context-manager protocol, `name`, `mode`,
//! `encoding`, `errors`) each with a `buffer` (`_io.BufferedWriter`, writing bytes).
//!
//! Standard output keeps the interpreter's own buffer (`vm().out`, which `print` fills
//! directly while `sys.stdout` is this object); standard error is unbuffered and flushes
//! standard output first, so interleaved output keeps its order. After `sys.stdout.close()`
//! writes and `print` raise `ValueError: I/O operation on closed file.`, as in CPython.

use super::native_class::{arg, native_class};
use super::*;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set by `sys.stdout.close()`: `print` and writes to standard output then fail.
pub static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);
static STDERR_CLOSED: AtomicBool = AtomicBool::new(false);

fn closed_flag(fd: i64) -> &'static AtomicBool {
    if fd == 1 {
        &STDOUT_CLOSED
    } else {
        &STDERR_CLOSED
    }
}

/// The error of any operation on a closed stream.
pub fn closed_error() -> crate::interpreter::PyErr {
    value_error("I/O operation on closed file.")
}

fn fd_of(v: Value) -> PyResult<i64> {
    let fd = ops::getattr(v, vm::intern("_fd"))?;
    Ok(ops::int_of(fd).unwrap_or(1))
}

fn check_open(fd: i64) -> PyResult<()> {
    if closed_flag(fd).load(Ordering::Relaxed) {
        return Err(closed_error());
    }
    Ok(())
}

fn write_bytes(fd: i64, b: &[u8]) {
    if fd == 1 {
        let mut o = vm().out.borrow_mut();
        let _ = o.write_all(b);
        if vm::UNBUFFERED.load(Ordering::Relaxed) {
            let _ = o.flush();
        }
    } else {
        vm::flush_stdout();
        let _ = std::io::stderr().write_all(b);
    }
}

fn text_write(a: Args) -> PyResult<Value> {
    let fd = fd_of(a.pos[0])?;
    let s = arg(&a, 1, "s", "write")?;
    if crate::objects::surr::is_surr(s) {
        // the stream encodes with `strict`: no lone surrogate gets out
        return Err(crate::objects::surr::encode_error(s));
    }
    let Some(s) = as_str(s) else {
        return Err(type_error(format!(
            "write() argument must be str, not {}",
            vm::type_name(s)
        )));
    };
    check_open(fd)?;
    write_bytes(fd, s.s.as_bytes());
    Ok(Value::small(s.s.chars().count() as i64))
}

fn text_writelines(a: Args) -> PyResult<Value> {
    let lines = arg(&a, 1, "lines", "writelines")?;
    for line in crate::objects::native::seq_items(lines)? {
        text_write(Args {
            pos: &[a.pos[0], line],
            kwnames: &[],
            kwvals: &[],
        })?;
    }
    Ok(Value::NONE)
}

fn flush(a: Args) -> PyResult<Value> {
    check_open(fd_of(a.pos[0])?)?;
    vm::flush_stdout();
    Ok(Value::NONE)
}

fn close(a: Args) -> PyResult<Value> {
    let fd = fd_of(a.pos[0])?;
    vm::flush_stdout();
    closed_flag(fd).store(true, Ordering::Relaxed);
    for obj in [a.pos[0], ops::getattr(a.pos[0], vm::intern("buffer"))?] {
        if let Some(i) = as_instance(obj) {
            ops::instance_set(i, vm::intern("closed"), Value::TRUE);
        }
    }
    Ok(Value::NONE)
}

fn buffer_write(a: Args) -> PyResult<Value> {
    let fd = fd_of(a.pos[0])?;
    let b = arg(&a, 1, "buffer", "write")?;
    let bytes = ops::bytes_like(b).ok_or_else(|| {
        type_error(format!(
            "a bytes-like object is required, not '{}'",
            vm::type_name(b)
        ))
    })?;
    check_open(fd)?;
    write_bytes(fd, &bytes);
    Ok(Value::small(bytes.len() as i64))
}

fn fileno(a: Args) -> PyResult<Value> {
    let fd = fd_of(a.pos[0])?;
    check_open(fd)?;
    Ok(Value::small(fd))
}

fn isatty(a: Args) -> PyResult<Value> {
    let fd = fd_of(a.pos[0])?;
    check_open(fd)?;
    // SAFETY: isatty(3) on a file descriptor number; it only queries.
    Ok(Value::bool(unsafe { libc::isatty(fd as libc::c_int) } == 1))
}

fn seekable(a: Args) -> PyResult<Value> {
    let fd = fd_of(a.pos[0])?;
    check_open(fd)?;
    // SAFETY: lseek(2) to the current position only queries whether the file can seek.
    Ok(Value::bool(
        unsafe { libc::lseek(fd as libc::c_int, 0, libc::SEEK_CUR) } != -1,
    ))
}

fn repr(a: Args) -> PyResult<Value> {
    let get = |n: &str| ops::getattr(a.pos[0], vm::intern(n)).and_then(ops::repr);
    Ok(new_string(format!(
        "<_io.TextIOWrapper name={} mode={} encoding={}>",
        get("name")?,
        get("mode")?,
        get("encoding")?
    )))
}

/// The `sys.stdout` (fd 1) or `sys.stderr` (fd 2) object.
pub fn make_stream(fd: i64) -> Value {
    let text_cls = native_class(
        "_io",
        "TextIOWrapper",
        &[
            ("write", text_write),
            ("writelines", text_writelines),
            ("flush", flush),
            ("close", close),
            ("fileno", fileno),
            ("isatty", isatty),
            ("readable", |_| Ok(Value::FALSE)),
            ("writable", |_| Ok(Value::TRUE)),
            ("seekable", seekable),
            ("reconfigure", |_| Ok(Value::NONE)),
            ("__enter__", |a| Ok(a.pos[0])),
            ("__exit__", close),
            ("__repr__", repr),
        ],
        &[],
    );
    let buffer_cls = native_class(
        "_io",
        "BufferedWriter",
        &[
            ("write", buffer_write),
            ("flush", flush),
            ("close", close),
            ("fileno", fileno),
            ("isatty", isatty),
            ("readable", |_| Ok(Value::FALSE)),
            ("writable", |_| Ok(Value::TRUE)),
            ("seekable", seekable),
        ],
        &[],
    );
    let name = new_str(if fd == 1 { "<stdout>" } else { "<stderr>" });
    let buffer = crate::objects::class::alloc_instance(buffer_cls);
    let text = crate::objects::class::alloc_instance(text_cls);
    for (n, v) in [
        ("_fd", Value::small(fd)),
        ("name", name),
        ("mode", new_str("wb")),
        ("closed", Value::FALSE),
        ("buffer", Value::obj(text)),
    ] {
        ops::instance_set(buffer, vm::intern(n), v);
    }
    for (n, v) in [
        ("_fd", Value::small(fd)),
        ("name", name),
        ("mode", new_str("w")),
        ("encoding", new_str("utf-8")),
        (
            "errors",
            new_str(if fd == 1 {
                "strict"
            } else {
                "backslashreplace"
            }),
        ),
        ("line_buffering", Value::FALSE),
        ("closed", Value::FALSE),
        ("buffer", Value::obj(buffer)),
    ] {
        ops::instance_set(text, vm::intern(n), v);
    }
    // (the buffer's own `buffer` attribute is only a back-reference for `close`)
    Value::obj(text)
}
