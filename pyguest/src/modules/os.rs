//! The native `_os` module under `os.py`: files, directories, environment and process
//! primitives, and [`os_error`], the `OSError` subclass for a failed call. More file-system
//! primitives are in `fs.rs`.

use super::*;

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
    let msg = format!(
        "[Errno {code}] {text}: {}",
        crate::objects::string::str_repr(path)
    );
    let exc = vm::new_exception(vm::cls(c), &[new_string(msg)]);
    if let Some(inst) = as_instance(exc) {
        ops::instance_set(inst, new_str("errno"), new_int(code as i64));
        ops::instance_set(inst, new_str("strerror"), new_string(text));
        ops::instance_set(inst, new_str("filename"), new_str(path));
    }
    crate::interpreter::PyErr(exc)
}

/// The message of an OS error without Rust's " (os error N)" suffix.
fn os_error_text(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
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
pub(crate) fn make_os() -> Gc<ModuleObj> {
    let m = new_module("_os", None);
    // open_fd(path, flags, mode) -> file descriptor: open(2), for `os.open`/`tempfile.mkstemp`
    def(m, "open_fd", |a| {
        let p = path_arg(&a, 0)?;
        let num = |i: usize, d: i64| -> PyResult<i64> {
            match a.pos.get(i) {
                Some(&v) => ops::index_of(v),
                None => Ok(d),
            }
        };
        let (flags, mode) = (num(1, 0)?, num(2, 0o777)?);
        let c =
            std::ffi::CString::new(p.clone()).map_err(|_| vm::value_error("embedded null byte"))?;
        // SAFETY: `c` is a valid NUL-terminated path; open(2) reads it and returns a new
        // descriptor or -1 (O_CLOEXEC added, as CPython makes descriptors non-inheritable).
        let fd = unsafe { libc::open(c.as_ptr(), flags as i32 | libc::O_CLOEXEC, mode as u32) };
        if fd < 0 {
            return Err(os_error(&std::io::Error::last_os_error(), &p));
        }
        Ok(new_int(fd as i64))
    });
    // close_fd(fd): close(2)
    def(m, "close_fd", |a| {
        let fd = match a.pos.first() {
            Some(&v) => ops::index_of(v)?,
            None => return Err(type_error("close_fd() missing argument 'fd'")),
        };
        // SAFETY: close(2) on any integer is memory-safe; a bad descriptor gives EBADF.
        if unsafe { libc::close(fd as i32) } != 0 {
            let e = std::io::Error::last_os_error();
            let code = e.raw_os_error().unwrap_or(0);
            let text = os_error_text(&e);
            let exc = vm::new_exception(
                vm::cls(C::OSError),
                &[new_string(format!("[Errno {code}] {text}"))],
            );
            if let Some(inst) = as_instance(exc) {
                ops::instance_set(inst, new_str("errno"), new_int(code as i64));
                ops::instance_set(inst, new_str("strerror"), new_string(text));
            }
            return Err(crate::interpreter::PyErr(exc));
        }
        Ok(Value::NONE)
    });
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
