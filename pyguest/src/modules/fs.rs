//! File-system primitives added to the native `_os` module for `os`, `pathlib`, `shutil` and
//! `glob`: `stat` (with or without following symlinks), `chdir`, `symlink`, `readlink`,
//! `chmod`, `utime`, `realpath` and `copyfile`, and the descriptor calls under `io.FileIO`
//! (`lseek`, `ftruncate`, `isatty`, `fstat_mode_size`). Paths are `str` (POSIX, UTF-8);
//! failures raise the same `OSError` subclasses as the rest of `_os` (see `modules::os_error`;
//! a descriptor call's error has no file name).

use crate::interpreter::PyResult;
use crate::modules::os_error;
use crate::objects::ops::{self, float_of, index_of};
use crate::objects::*;
use crate::value::Value;
use crate::vm::{self, type_error};
use metatracer::gc::Gc;
use std::os::unix::fs::{MetadataExt, PermissionsExt};

fn def(m: Gc<ModuleObj>, name: &'static str, f: NativeFn) {
    m.dict.set_str(name, new_builtin(name, f));
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

fn flag(a: &Args, i: usize, default: bool) -> PyResult<bool> {
    match a.pos.get(i) {
        Some(&v) => ops::truthy(v),
        None => Ok(default),
    }
}

/// The integer argument `i` (a descriptor, an offset, a `whence`).
fn int_arg(a: &Args, i: usize, what: &str) -> PyResult<i64> {
    match a.pos.get(i) {
        Some(&v) => index_of(v),
        None => Err(type_error(format!("missing {what} argument"))),
    }
}

/// The descriptor argument `i`, refused with `ValueError` when it does not fit a C `int`.
fn fd_arg(a: &Args, i: usize) -> PyResult<i32> {
    let v = int_arg(a, i, "fd")?;
    i32::try_from(v).map_err(|_| vm::value_error(format!("bad file descriptor {v}")))
}

/// `OSError` (the constructor picks the errno subclass) for the last failed descriptor
/// call: `[Errno N] text`, no file name to show.
fn fd_error() -> crate::interpreter::PyErr {
    let e = std::io::Error::last_os_error();
    let code = e.raw_os_error().unwrap_or(0);
    let text = e.to_string();
    let text = text.split(" (os error").next().unwrap_or("").to_string();
    match ops::call(
        Value::obj(vm::cls(vm::C::OSError)),
        &[new_int(code as i64), new_string(text)],
    ) {
        Ok(exc) => crate::interpreter::PyErr(exc),
        Err(err) => err,
    }
}

fn float_arg(a: &Args, i: usize) -> PyResult<f64> {
    let v = a
        .pos
        .get(i)
        .copied()
        .ok_or_else(|| type_error("missing time argument"))?;
    float_of(v).ok_or_else(|| type_error(format!("must be real number, not {}", vm::type_name(v))))
}

/// Adds the primitives to `m` (the `_os` module).
pub fn extend_os(m: Gc<ModuleObj>) {
    // stat(path, follow_symlinks) -> (mode, ino, dev, nlink, uid, gid, size,
    //                                 atime, mtime, ctime, atime_ns, mtime_ns, ctime_ns)
    def(m, "stat", |a| {
        let p = path_arg(&a, 0)?;
        let md = if flag(&a, 1, true)? {
            std::fs::metadata(&p)
        } else {
            std::fs::symlink_metadata(&p)
        }
        .map_err(|e| os_error(&e, &p))?;
        let ns = |s: i64, n: i64| new_bigint(num_bigint::BigInt::from(s) * 1_000_000_000 + n);
        let t = |s: i64, n: i64| new_float(s as f64 + n as f64 * 1e-9);
        Ok(new_tuple(&[
            new_int(md.mode() as i64),
            new_int(md.ino() as i64),
            new_int(md.dev() as i64),
            new_int(md.nlink() as i64),
            new_int(md.uid() as i64),
            new_int(md.gid() as i64),
            new_int(md.size() as i64),
            t(md.atime(), md.atime_nsec()),
            t(md.mtime(), md.mtime_nsec()),
            t(md.ctime(), md.ctime_nsec()),
            ns(md.atime(), md.atime_nsec()),
            ns(md.mtime(), md.mtime_nsec()),
            ns(md.ctime(), md.ctime_nsec()),
        ]))
    });
    def(m, "chdir", |a| {
        let p = path_arg(&a, 0)?;
        std::env::set_current_dir(&p).map_err(|e| os_error(&e, &p))?;
        Ok(Value::NONE)
    });
    def(m, "symlink", |a| {
        let src = path_arg(&a, 0)?;
        let dst = path_arg(&a, 1)?;
        std::os::unix::fs::symlink(&src, &dst).map_err(|e| os_error(&e, &src))?;
        Ok(Value::NONE)
    });
    def(m, "readlink", |a| {
        let p = path_arg(&a, 0)?;
        let t = std::fs::read_link(&p).map_err(|e| os_error(&e, &p))?;
        Ok(new_string(t.to_string_lossy().into_owned()))
    });
    def(m, "chmod", |a| {
        let p = path_arg(&a, 0)?;
        let mode = index_of(a.pos.get(1).copied().unwrap_or(Value::small(0o644)))?;
        let perm = std::fs::Permissions::from_mode((mode & 0o7777) as u32);
        std::fs::set_permissions(&p, perm).map_err(|e| os_error(&e, &p))?;
        Ok(Value::NONE)
    });
    // utime(path, atime, mtime): seconds as floats
    def(m, "utime", |a| {
        let p = path_arg(&a, 0)?;
        let to_time = |s: f64| {
            let d = std::time::Duration::from_secs_f64(s.max(0.0));
            std::time::UNIX_EPOCH + d
        };
        let times = std::fs::FileTimes::new()
            .set_accessed(to_time(float_arg(&a, 1)?))
            .set_modified(to_time(float_arg(&a, 2)?));
        std::fs::File::options()
            .write(true)
            .open(&p)
            .or_else(|_| std::fs::File::open(&p))
            .and_then(|f| f.set_times(times))
            .map_err(|e| os_error(&e, &p))?;
        Ok(Value::NONE)
    });
    // realpath(path): the canonical absolute path of an existing path
    def(m, "realpath", |a| {
        let p = path_arg(&a, 0)?;
        let r = std::fs::canonicalize(&p).map_err(|e| os_error(&e, &p))?;
        Ok(new_string(r.to_string_lossy().into_owned()))
    });
    // lseek(fd, pos, whence) -> the new offset: lseek(2), for `io.FileIO.seek`/`tell`
    def(m, "lseek", |a| {
        let fd = fd_arg(&a, 0)?;
        let (pos, whence) = (int_arg(&a, 1, "pos")?, int_arg(&a, 2, "whence")?);
        // SAFETY: lseek(2) takes plain integers; a bad descriptor or offset gives -1/errno.
        let r = unsafe { libc::lseek(fd, pos as libc::off_t, whence as i32) };
        if r < 0 {
            return Err(fd_error());
        }
        Ok(new_int(r))
    });
    // ftruncate(fd, size): ftruncate(2), for `io.FileIO.truncate`
    def(m, "ftruncate", |a| {
        let fd = fd_arg(&a, 0)?;
        let size = int_arg(&a, 1, "length")?;
        // SAFETY: ftruncate(2) takes plain integers; errors come back as -1/errno.
        if unsafe { libc::ftruncate(fd, size as libc::off_t) } != 0 {
            return Err(fd_error());
        }
        Ok(Value::NONE)
    });
    // isatty(fd) -> bool: isatty(3)
    def(m, "isatty", |a| {
        let fd = fd_arg(&a, 0)?;
        // SAFETY: isatty(3) on any integer is memory-safe (false for a bad descriptor).
        Ok(Value::bool(unsafe { libc::isatty(fd) } == 1))
    });
    // fstat_mode_size(fd) -> (st_mode, st_size): fstat(2), so `FileIO` can refuse a
    // directory and size its `readall`
    def(m, "fstat_mode_size", |a| {
        let fd = fd_arg(&a, 0)?;
        // SAFETY: `st` is plain old data that fstat(2) fills when it returns 0.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: `st` is a valid, writable `stat` buffer.
        if unsafe { libc::fstat(fd, &mut st) } != 0 {
            return Err(fd_error());
        }
        Ok(new_tuple(&[
            new_int(st.st_mode as i64),
            new_int(st.st_size),
        ]))
    });
    // copyfile(src, dst): contents only (not permissions), returns the byte count
    def(m, "copyfile", |a| {
        let src = path_arg(&a, 0)?;
        let dst = path_arg(&a, 1)?;
        let mut r = std::fs::File::open(&src).map_err(|e| os_error(&e, &src))?;
        let mut w = std::fs::File::create(&dst).map_err(|e| os_error(&e, &dst))?;
        let n = std::io::copy(&mut r, &mut w).map_err(|e| os_error(&e, &dst))?;
        Ok(new_int(n as i64))
    });
}
