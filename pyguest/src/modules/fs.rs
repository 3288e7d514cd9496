//! File-system primitives added to the native `_os` module for `os`, `pathlib`, `shutil` and
//! `glob`: `stat` (with or without following symlinks), `chdir`, `symlink`, `readlink`,
//! `chmod`, `utime`, `realpath` and `copyfile`. Paths are `str` (POSIX, UTF-8); failures
//! raise the same `OSError` subclasses as the rest of `_os` (see `modules::os_error`).

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
