//! `_pgprocess`: the native half of pyguest's own `subprocess` (`pyguest/lib/subprocess.py`)
//! and a few POSIX calls for `os` and `platform`: `uname()`, `pipe()`, `read(fd, n)`,
//! `write(fd, data)`, `close(fd)`, `kill(pid, sig)`, `getppid()`.
//!
//! Processes are started with `std::process::Command` (fork/exec done by the standard
//! library, which resets SIGPIPE in the child and closes every descriptor it did not pass on),
//! and kept in a per-thread table keyed by pid until they are reaped. `spawn` takes each of
//! stdin/stdout/stderr as `None` (inherit), `PIPE` (-1), `STDOUT` (-2, stderr only), `DEVNULL`
//! (-3) or a descriptor (int, or an object with `fileno()`); the parent's pipe ends are plain
//! descriptors (close-on-exec) that the Python side owns and closes. `communicate` waits with
//! poll(2) on all pipes at once, so a child that fills one pipe while we write another cannot
//! deadlock. Assumes Linux/POSIX (libc); return codes are CPython's: the exit status, or
//! minus the signal number.

use super::native_class::{arg, opt_arg};
use super::*;
use std::collections::HashMap;
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const PIPE: i64 = -1;
const STDOUT: i64 = -2;
const DEVNULL: i64 = -3;

thread_local! {
    static CHILDREN: RefCell<HashMap<i64, Child>> = RefCell::new(HashMap::new());
}

/// `OSError` (or its errno subclass) for the last failed call, without a file name.
fn last_os_error() -> crate::interpreter::PyErr {
    errno_error(&std::io::Error::last_os_error())
}

fn errno_error(e: &std::io::Error) -> crate::interpreter::PyErr {
    let code = e.raw_os_error().unwrap_or(0);
    let text = e.to_string();
    let text = text.split(" (os error").next().unwrap_or("").to_string();
    match ops::call(
        Value::obj(vm::cls(C::OSError)),
        &[new_int(code as i64), new_string(text)],
    ) {
        Ok(exc) => crate::interpreter::PyErr(exc),
        Err(e) => e,
    }
}

fn int_arg(a: &Args, i: usize, name: &str, func: &str) -> PyResult<i64> {
    index_of(arg(a, i, name, func)?)
}

fn fd_arg(a: &Args, i: usize, name: &str, func: &str) -> PyResult<i32> {
    let v = int_arg(a, i, name, func)?;
    i32::try_from(v).map_err(|_| value_error(format!("{func}(): bad file descriptor {v}")))
}

fn text_arg(v: Value, what: &str) -> PyResult<String> {
    if let Some(s) = as_str(v) {
        return Ok(s.s.to_string());
    }
    if let Some(b) = ops::bytes_like(v) {
        return String::from_utf8(b).map_err(|_| value_error(format!("{what}: not UTF-8")));
    }
    let p = ops::getattr_opt(v, vm::intern("__fspath__"))?;
    if let Some(f) = p {
        return text_arg(ops::call(f, &[])?, what);
    }
    Err(type_error(format!(
        "{what}: expected str, bytes or os.PathLike object, not {}",
        vm::type_name(v)
    )))
}

/// A descriptor of ours that a `Stdio` may own: a duplicate of `fd`.
fn dup_stdio(fd: i32) -> PyResult<Stdio> {
    // SAFETY: dup(2) on any integer is memory-safe; a bad descriptor gives -1/EBADF.
    let d = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 3) };
    if d < 0 {
        return Err(last_os_error());
    }
    // SAFETY: `d` is a fresh descriptor that nothing else owns.
    Ok(Stdio::from(unsafe { OwnedFd::from_raw_fd(d) }))
}

/// A close-on-exec pipe: (read end, write end).
fn new_pipe() -> PyResult<(i32, i32)> {
    let mut fds = [0i32; 2];
    // SAFETY: `fds` is a valid array of two ints for pipe2(2) to fill.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(last_os_error());
    }
    Ok((fds[0], fds[1]))
}

fn close_fd(fd: i32) {
    if fd >= 0 {
        // SAFETY: closing a descriptor this module created and has not handed out yet.
        unsafe { libc::close(fd) };
    }
}

/// The stream setting of `spawn`: None, PIPE, STDOUT, DEVNULL or a descriptor.
fn stream_spec(v: Value) -> PyResult<Option<i64>> {
    if v.is_none() {
        return Ok(None);
    }
    if let Some(n) = ops::int_of(v) {
        return Ok(Some(n));
    }
    match ops::getattr_opt(v, vm::intern("fileno"))? {
        Some(f) => Ok(Some(index_of(ops::call(f, &[])?)?)),
        None => Err(type_error(format!(
            "stdin/stdout/stderr must be None, PIPE, DEVNULL, STDOUT, an int or a file with \
             fileno(), not {}",
            vm::type_name(v)
        ))),
    }
}

fn return_code(st: ExitStatus) -> i64 {
    match st.code() {
        Some(c) => c as i64,
        None => -(st.signal().unwrap_or(0) as i64),
    }
}

/// spawn(args, executable, cwd, env, stdin, stdout, stderr, new_session)
///   -> (pid, stdin_w, stdout_r, stderr_r), -1 where there is no pipe.
fn spawn(a: Args) -> PyResult<Value> {
    let argv: Vec<String> = crate::objects::native::seq_items(arg(&a, 0, "args", "spawn")?)?
        .iter()
        .map(|&v| text_arg(v, "args"))
        .collect::<PyResult<_>>()?;
    if argv.is_empty() {
        return Err(value_error("args must not be empty"));
    }
    let exe = match opt_arg(&a, 1, "executable").filter(|v| !v.is_none()) {
        Some(v) => text_arg(v, "executable")?,
        None => argv[0].clone(),
    };
    if argv.iter().chain([&exe]).any(|s| s.contains('\0')) {
        return Err(value_error("embedded null byte"));
    }
    let mut cmd = Command::new(&exe);
    cmd.arg0(&argv[0]).args(&argv[1..]);
    if let Some(cwd) = opt_arg(&a, 2, "cwd").filter(|v| !v.is_none()) {
        cmd.current_dir(text_arg(cwd, "cwd")?);
    }
    if let Some(env) = opt_arg(&a, 3, "env").filter(|v| !v.is_none()) {
        cmd.env_clear();
        let keys = ops::call_method(env, "keys", &[])?;
        for k in crate::objects::native::seq_items(keys)?.iter() {
            let v = ops::getitem(env, *k)?;
            cmd.env(text_arg(*k, "env key")?, text_arg(v, "env value")?);
        }
    }
    let specs = [
        stream_spec(opt_arg(&a, 4, "stdin").unwrap_or(Value::NONE))?,
        stream_spec(opt_arg(&a, 5, "stdout").unwrap_or(Value::NONE))?,
        stream_spec(opt_arg(&a, 6, "stderr").unwrap_or(Value::NONE))?,
    ];
    if let Some(s) = opt_arg(&a, 7, "new_session") {
        if ops::truthy(s)? {
            // SAFETY: setsid(2) is async-signal-safe and touches no parent state.
            unsafe {
                cmd.pre_exec(|| {
                    libc::setsid();
                    Ok(())
                })
            };
        }
    }
    // parent ends (returned) and child ends (closed after the spawn)
    let mut parent = [-1i32; 3];
    let mut opened: Vec<i32> = Vec::new();
    let result = (|| -> PyResult<Child> {
        let mut stdout_child: Option<i32> = None; // descriptor stderr=STDOUT duplicates
        for (i, spec) in specs.iter().enumerate() {
            let stdio = match *spec {
                None => {
                    if i == 1 {
                        stdout_child = Some(1);
                    }
                    Stdio::inherit()
                }
                Some(PIPE) => {
                    let (r, w) = new_pipe()?;
                    opened.push(r);
                    opened.push(w);
                    let (mine, theirs) = if i == 0 { (w, r) } else { (r, w) };
                    parent[i] = mine;
                    if i == 1 {
                        stdout_child = Some(theirs);
                    }
                    dup_stdio(theirs)?
                }
                Some(DEVNULL) => {
                    if i == 1 {
                        let f = std::fs::OpenOptions::new()
                            .write(true)
                            .open("/dev/null")
                            .map_err(|e| errno_error(&e))?;
                        let fd = std::os::fd::IntoRawFd::into_raw_fd(f);
                        opened.push(fd);
                        stdout_child = Some(fd);
                    }
                    Stdio::null()
                }
                Some(STDOUT) if i == 2 => dup_stdio(stdout_child.unwrap_or(1))?,
                Some(STDOUT) => return Err(value_error("STDOUT is only valid for stderr")),
                Some(fd) if fd >= 0 => {
                    let fd = i32::try_from(fd).map_err(|_| value_error("bad file descriptor"))?;
                    if i == 1 {
                        stdout_child = Some(fd);
                    }
                    dup_stdio(fd)?
                }
                Some(n) => return Err(value_error(format!("invalid stream setting {n}"))),
            };
            match i {
                0 => cmd.stdin(stdio),
                1 => cmd.stdout(stdio),
                _ => cmd.stderr(stdio),
            };
        }
        vm::flush_stdout();
        cmd.spawn().map_err(|e| os_error(&e, &exe))
    })();
    // the child's ends (and /dev/null) are the child's now; keep only ours
    for fd in opened {
        if !parent.contains(&fd) {
            close_fd(fd);
        }
    }
    let child = match result {
        Ok(c) => c,
        Err(e) => {
            parent.iter().for_each(|&fd| close_fd(fd));
            return Err(e);
        }
    };
    let pid = child.id() as i64;
    CHILDREN.with(|c| c.borrow_mut().insert(pid, child));
    Ok(new_tuple(&[
        new_int(pid),
        new_int(parent[0] as i64),
        new_int(parent[1] as i64),
        new_int(parent[2] as i64),
    ]))
}

/// The exit code if the child has finished (reaping it), else None.
fn try_reap(pid: i64) -> PyResult<Option<i64>> {
    CHILDREN.with(|c| {
        let mut c = c.borrow_mut();
        let child = c
            .get_mut(&pid)
            .ok_or_else(|| value_error(format!("no child process {pid}")))?;
        match child.try_wait() {
            Ok(Some(st)) => {
                c.remove(&pid);
                Ok(Some(return_code(st)))
            }
            Ok(None) => Ok(None),
            Err(e) => Err(errno_error(&e)),
        }
    })
}

fn timeout_arg(v: Option<Value>) -> PyResult<Option<Duration>> {
    match v.filter(|v| !v.is_none()) {
        None => Ok(None),
        Some(t) => {
            let s = float_of(t).ok_or_else(|| type_error("timeout must be a number or None"))?;
            Ok(Some(Duration::from_secs_f64(s.max(0.0))))
        }
    }
}

/// wait(pid, timeout=None) -> return code, or None when the timeout passed first.
fn wait(a: Args) -> PyResult<Value> {
    let pid = int_arg(&a, 0, "pid", "wait")?;
    let deadline = timeout_arg(opt_arg(&a, 1, "timeout"))?.map(|t| Instant::now() + t);
    vm::flush_stdout();
    let mut nap = Duration::from_micros(200);
    loop {
        if let Some(rc) = try_reap(pid)? {
            return Ok(new_int(rc));
        }
        let now = Instant::now();
        if let Some(d) = deadline {
            if now >= d {
                return Ok(Value::NONE);
            }
            nap = nap.min(d - now);
        }
        // (an OS sleep, or other Python threads run meanwhile)
        crate::threads::sleep_until(Instant::now() + nap)?;
        super::signal::run_pending()?;
        nap = (nap * 2).min(Duration::from_millis(20));
    }
}

/// communicate(stdin_w, input, stdout_r, stderr_r, timeout)
///   -> (out, err, bytes_written, stdin_closed, timed_out).
/// Writes `input` then closes `stdin_w`; reads both outputs to end of file. Descriptors are
/// -1 when absent; the output descriptors stay open (the caller closes them).
fn communicate(a: Args) -> PyResult<Value> {
    let in_fd = fd_arg(&a, 0, "stdin", "communicate")?;
    let input = match opt_arg(&a, 1, "input").filter(|v| !v.is_none()) {
        Some(v) => ops::bytes_like(v).ok_or_else(|| {
            type_error(format!(
                "memoryview: a bytes-like object is required, not '{}'",
                vm::type_name(v)
            ))
        })?,
        None => Vec::new(),
    };
    let out_fd = fd_arg(&a, 2, "stdout", "communicate")?;
    let err_fd = fd_arg(&a, 3, "stderr", "communicate")?;
    let deadline = timeout_arg(opt_arg(&a, 4, "timeout"))?.map(|t| Instant::now() + t);
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut written = 0usize;
    let mut in_open = in_fd >= 0;
    let mut open = [out_fd >= 0, err_fd >= 0];
    if in_open && input.is_empty() {
        close_fd(in_fd);
        in_open = false;
    }
    let mut timed_out = false;
    vm::flush_stdout();
    while in_open || open[0] || open[1] {
        let mut fds = Vec::new();
        if in_open {
            fds.push(libc::pollfd {
                fd: in_fd,
                events: libc::POLLOUT,
                revents: 0,
            });
        }
        for (k, &fd) in [out_fd, err_fd].iter().enumerate() {
            if open[k] {
                fds.push(libc::pollfd {
                    fd,
                    events: libc::POLLIN,
                    revents: 0,
                });
            }
        }
        let ms = match deadline {
            None => -1,
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    timed_out = true;
                    break;
                }
                left.as_micros().div_ceil(1000).min(i32::MAX as u128) as libc::c_int
            }
        };
        // SAFETY: `fds` is a valid, exclusively borrowed vector of pollfd structs.
        let r = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ms) };
        if r < 0 {
            let e = std::io::Error::last_os_error();
            if e.raw_os_error() == Some(libc::EINTR) {
                super::signal::run_pending()?;
                continue;
            }
            return Err(errno_error(&e));
        }
        for p in &fds {
            if p.revents == 0 {
                continue;
            }
            if p.fd == in_fd && in_open {
                let chunk = &input[written..input.len().min(written + libc::PIPE_BUF)];
                // SAFETY: `chunk` is a valid byte slice; write(2) reads at most its length.
                let n = unsafe { libc::write(in_fd, chunk.as_ptr().cast(), chunk.len()) };
                if n < 0 {
                    let e = std::io::Error::last_os_error();
                    match e.raw_os_error() {
                        Some(libc::EINTR) | Some(libc::EAGAIN) => continue,
                        // the child stopped reading: drop the rest, as CPython does
                        Some(libc::EPIPE) => written = input.len(),
                        _ => return Err(errno_error(&e)),
                    }
                } else {
                    written += n as usize;
                }
                if written >= input.len() {
                    close_fd(in_fd);
                    in_open = false;
                }
            } else {
                let k = if p.fd == out_fd { 0 } else { 1 };
                let mut buf = [0u8; 32768];
                // SAFETY: `buf` is a valid writable buffer of the given length.
                let n = unsafe { libc::read(p.fd, buf.as_mut_ptr().cast(), buf.len()) };
                if n < 0 {
                    let e = std::io::Error::last_os_error();
                    if e.raw_os_error() == Some(libc::EINTR) {
                        continue;
                    }
                    return Err(errno_error(&e));
                }
                if n == 0 {
                    open[k] = false;
                } else if k == 0 {
                    out.extend_from_slice(&buf[..n as usize]);
                } else {
                    err.extend_from_slice(&buf[..n as usize]);
                }
            }
        }
    }
    let out = new_bytes(out, false);
    let err = new_bytes(err, false);
    Ok(new_tuple(&[
        out,
        err,
        new_int(written as i64),
        Value::bool(!in_open),
        Value::bool(timed_out),
    ]))
}

/// read(fd, n): up to `n` bytes (one read(2)); n < 0 reads to end of file.
fn read(a: Args) -> PyResult<Value> {
    let fd = fd_arg(&a, 0, "fd", "read")?;
    let n = int_arg(&a, 1, "n", "read")?;
    let mut data = Vec::new();
    let mut buf = vec![
        0u8;
        if n < 0 {
            65536
        } else {
            (n as usize).min(1 << 20)
        }
    ];
    vm::flush_stdout();
    loop {
        // SAFETY: `buf` is a valid writable buffer of the given length.
        let r = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        if r < 0 {
            let e = std::io::Error::last_os_error();
            if e.raw_os_error() == Some(libc::EINTR) {
                super::signal::run_pending()?;
                continue;
            }
            return Err(errno_error(&e));
        }
        data.extend_from_slice(&buf[..r as usize]);
        if r == 0 || n >= 0 {
            break;
        }
    }
    Ok(new_bytes(data, false))
}

/// write(fd, data) -> bytes written (all of them unless the reader went away).
fn write(a: Args) -> PyResult<Value> {
    let fd = fd_arg(&a, 0, "fd", "write")?;
    let data = ops::bytes_like(arg(&a, 1, "data", "write")?)
        .ok_or_else(|| type_error("a bytes-like object is required"))?;
    let mut done = 0;
    while done < data.len() {
        // SAFETY: the slice is valid for its length.
        let r = unsafe { libc::write(fd, data[done..].as_ptr().cast(), data.len() - done) };
        if r < 0 {
            let e = std::io::Error::last_os_error();
            if e.raw_os_error() == Some(libc::EINTR) {
                super::signal::run_pending()?;
                continue;
            }
            return Err(errno_error(&e));
        }
        done += r as usize;
    }
    Ok(new_int(done as i64))
}

fn uname(_: Args) -> PyResult<Value> {
    // SAFETY: utsname is plain old data; uname(2) fills it.
    let mut u: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: `u` is a valid, writable utsname.
    if unsafe { libc::uname(&mut u) } != 0 {
        return Err(last_os_error());
    }
    let field = |f: &[libc::c_char]| {
        let bytes: Vec<u8> = f
            .iter()
            .take_while(|&&c| c != 0)
            .map(|&c| c as u8)
            .collect();
        new_string(String::from_utf8_lossy(&bytes).into_owned())
    };
    let items = [
        field(&u.sysname),
        field(&u.nodename),
        field(&u.release),
        field(&u.version),
        field(&u.machine),
    ];
    Ok(new_tuple(&items))
}

/// The `_pgprocess` module.
pub fn make() -> Gc<ModuleObj> {
    let m = new_module("_pgprocess", None);
    m.dict.set_str("PIPE", new_int(PIPE));
    m.dict.set_str("STDOUT", new_int(STDOUT));
    m.dict.set_str("DEVNULL", new_int(DEVNULL));
    def(m, "spawn", spawn);
    def(m, "wait", wait);
    def(m, "poll", |a| {
        let pid = int_arg(&a, 0, "pid", "poll")?;
        Ok(try_reap(pid)?.map_or(Value::NONE, new_int))
    });
    def(m, "communicate", communicate);
    def(m, "read", read);
    def(m, "write", write);
    def(m, "close", |a| {
        let fd = fd_arg(&a, 0, "fd", "close")?;
        // SAFETY: close(2) on any integer is memory-safe; a bad descriptor gives EBADF.
        if unsafe { libc::close(fd) } != 0 {
            return Err(last_os_error());
        }
        Ok(Value::NONE)
    });
    def(m, "pipe", |_| {
        let (r, w) = new_pipe()?;
        Ok(new_tuple(&[new_int(r as i64), new_int(w as i64)]))
    });
    def(m, "kill", |a| {
        let pid = int_arg(&a, 0, "pid", "kill")?;
        let sig = int_arg(&a, 1, "signal", "kill")?;
        // SAFETY: kill(2) takes plain integers.
        if unsafe { libc::kill(pid as libc::pid_t, sig as libc::c_int) } != 0 {
            return Err(last_os_error());
        }
        Ok(Value::NONE)
    });
    def(m, "getppid", |_| {
        // SAFETY: getppid(2) takes no arguments and cannot fail.
        let pid = unsafe { libc::getppid() };
        Ok(new_int(pid as i64))
    });
    def(m, "uname", uname);
    m
}
