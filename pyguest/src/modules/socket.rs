//! `_socket`: BSD sockets over libc, enough for CPython 3.11's `socket.py` (and so `asyncio`,
//! `socketserver`, `http.client`, `multiprocessing.connection`): the `socket` class
//! (`AF_INET`/`AF_INET6`/`AF_UNIX`, stream and datagram), `socketpair`, `dup`, `close`,
//! the default timeout, the errors (`error` = `OSError`, `timeout` = `TimeoutError`,
//! `gaierror`, `herror`); addresses, name resolution and constants are in `sockaddr.rs`.
//!
//! A socket object is an instance of the native class `_socket.socket` (CPython's
//! `socket.socket` subclasses it) whose state is five instance attributes: the descriptor
//! (-1 once closed or detached), family, type, protocol and timeout. The timeout follows
//! CPython: None is blocking (the descriptor is in blocking mode), 0.0 non-blocking
//! (`O_NONBLOCK`; a call that would block raises `BlockingIOError`), a positive number waits
//! with poll(2) up to that long before each call, then raises `TimeoutError('timed out')`.
//! Descriptors are created close-on-exec. Errors are `OSError` subclasses chosen by errno as
//! CPython does (`ConnectionRefusedError`, ...), with its `[Errno N] text` messages; a call
//! interrupted by a signal runs the Python handlers and retries (PEP 475).
//!
//! Threads (`threads.rs`): while other Python threads exist, a call that could block does not
//! block the OS thread: it polls the descriptor without waiting and, when it is not ready,
//! sleeps the Python thread for 1-10 ms through the scheduler (so the other threads
//! run), then polls again; the call itself is made with `MSG_DONTWAIT` (and a blocking
//! `connect` with the descriptor made non-blocking for the call). With no other thread,
//! blocking calls block in the kernel as in CPython. Sockets are closed by `close()` (or
//! `with`); one that is collected without it keeps its descriptor (no finalizer).

use super::native_class::{arg, native_class, opt_arg};
use super::sockaddr::{errno_error, last_errno, last_error, make_addr, parse_addr, SockAddr};
use super::*;
use crate::objects::ops::{instance_get, instance_set};
use std::cell::Cell;
use std::time::{Duration, Instant};

const FD: &str = "_pgsock_fd";
const FAMILY: &str = "_pgsock_family";
const TYPE: &str = "_pgsock_type";
const PROTO: &str = "_pgsock_proto";
const TIMEOUT: &str = "_pgsock_timeout";

thread_local! {
    /// `setdefaulttimeout`: None (blocking) or seconds.
    static DEFAULT_TIMEOUT: Cell<Option<f64>> = const { Cell::new(None) };
}

/// The state of a socket object, read from its attributes.
struct Sock {
    inst: Gc<InstanceObj>,
    fd: i32,
    family: i32,
    timeout: Option<f64>,
}

impl Sock {
    /// The descriptor, or `OSError(EBADF)` for a closed socket.
    fn open_fd(&self) -> PyResult<i32> {
        if self.fd < 0 {
            return Err(errno_error(libc::EBADF));
        }
        Ok(self.fd)
    }
    fn set(&self, name: &str, v: Value) {
        instance_set(self.inst, vm::intern(name), v);
    }
}

fn get_int(inst: Gc<InstanceObj>, name: &str) -> Option<i64> {
    instance_get(inst, vm::intern(name)).and_then(ops::int_of)
}

/// The socket state of `v` (argument 0 of method `func`), or a `TypeError`.
fn sock(a: &Args, func: &str) -> PyResult<Sock> {
    let v = arg(a, 0, "self", func)?;
    let bad = || {
        type_error(format!(
            "descriptor '{func}' for '_socket.socket' objects doesn't apply to a '{}' object",
            vm::type_name(v)
        ))
    };
    let inst = as_instance(v).ok_or_else(bad)?;
    let fd = get_int(inst, FD).ok_or_else(bad)?;
    let timeout = instance_get(inst, vm::intern(TIMEOUT)).and_then(ops::float_of);
    Ok(Sock {
        inst,
        fd: fd as i32,
        family: get_int(inst, FAMILY).unwrap_or(0) as i32,
        timeout,
    })
}

/// Sets or clears `O_NONBLOCK` on `fd`.
fn set_nonblocking(fd: i32, on: bool) -> PyResult<()> {
    // SAFETY: fcntl on an integer descriptor touches no memory; errors come back as -1.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 {
        return Err(last_error());
    }
    let new = if on {
        flags | libc::O_NONBLOCK
    } else {
        flags & !libc::O_NONBLOCK
    };
    // SAFETY: as above.
    if new != flags && unsafe { libc::fcntl(fd, libc::F_SETFL, new) } < 0 {
        return Err(last_error());
    }
    Ok(())
}

fn timeout_error() -> crate::interpreter::PyErr {
    vm::exc(C::TimeoutError, "timed out")
}

/// Waits until `fd` is readable (or writable), or `deadline` passes: false on timeout. With
/// other Python threads it polls without waiting and lets them run between polls.
fn wait_ready(fd: i32, write: bool, deadline: Option<Instant>) -> PyResult<bool> {
    let events = if write { libc::POLLOUT } else { libc::POLLIN };
    let mut p = [libc::pollfd {
        fd,
        events,
        revents: 0,
    }];
    super::select::poll_until(&mut p, deadline)
}

/// Runs `op` (which returns a result or an errno) the way the socket's timeout asks:
/// waiting for readiness first when it has a timeout or other threads may run, retrying
/// after signals and spurious wake-ups. `op` gets true when it must not block
/// (`MSG_DONTWAIT`).
fn sock_call<T>(s: &Sock, write: bool, mut op: impl FnMut(bool) -> Result<T, i32>) -> PyResult<T> {
    let fd = s.open_fd()?;
    let nonblocking = s.timeout == Some(0.0);
    let deadline = s
        .timeout
        .filter(|&t| t > 0.0)
        .map(|t| Instant::now() + Duration::from_secs_f64(t.min(1e9)));
    loop {
        let coop = !nonblocking && crate::threads::count() > 0;
        if (deadline.is_some() || coop) && !wait_ready(fd, write, deadline)? {
            return Err(timeout_error());
        }
        if !nonblocking && !coop && deadline.is_none() {
            vm::flush_stdout();
        }
        match op(coop) {
            Ok(v) => return Ok(v),
            Err(libc::EINTR) => super::signal::run_pending()?,
            Err(e) if e == libc::EAGAIN && (deadline.is_some() || coop) => {}
            Err(e) => return Err(errno_error(e)),
        }
    }
}

/// The errno of a failed call (`r < 0`), else `Ok(r)`.
fn check(r: isize) -> Result<usize, i32> {
    if r < 0 {
        Err(last_errno())
    } else {
        Ok(r as usize)
    }
}

fn flags_arg(a: &Args, i: usize) -> PyResult<i32> {
    match opt_arg(a, i, "flags") {
        Some(v) => Ok(index_of(v)? as i32),
        None => Ok(0),
    }
}

fn dontwait(coop: bool) -> i32 {
    if coop {
        libc::MSG_DONTWAIT
    } else {
        0
    }
}

fn data_arg(v: Value) -> PyResult<Vec<u8>> {
    ops::bytes_like(v).ok_or_else(|| {
        type_error(format!(
            "a bytes-like object is required, not '{}'",
            vm::type_name(v)
        ))
    })
}

fn size_arg(v: Value, func: &str) -> PyResult<usize> {
    let n = index_of(v)?;
    if n < 0 {
        return Err(value_error(format!("negative buffersize in {func}")));
    }
    crate::memlimit::check_bytes(n as usize)?;
    Ok(n as usize)
}

/// The timeout of `settimeout`/`setdefaulttimeout`: None or non-negative seconds.
fn parse_timeout(v: Value) -> PyResult<Option<f64>> {
    if v.is_none() {
        return Ok(None);
    }
    let t = ops::float_of(v).ok_or_else(|| {
        type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            vm::type_name(v)
        ))
    })?;
    if t.is_nan() {
        return Err(value_error("Invalid value NaN (not a number)"));
    }
    if t < 0.0 {
        return Err(value_error("Timeout value out of range"));
    }
    Ok(Some(t))
}

fn timeout_value(t: Option<f64>) -> Value {
    t.map_or(Value::NONE, new_float)
}

/// Fills in the state of socket object `inst` for descriptor `fd`.
fn init_state(inst: Gc<InstanceObj>, fd: i32, family: i32, ty: i32, proto: i32) -> PyResult<()> {
    let timeout = if ty & libc::SOCK_NONBLOCK != 0 {
        Some(0.0)
    } else {
        DEFAULT_TIMEOUT.with(|d| d.get())
    };
    if timeout.is_some() {
        set_nonblocking(fd, true)?;
    }
    let set = |n: &str, v: Value| instance_set(inst, vm::intern(n), v);
    set(FD, Value::small(fd as i64));
    set(FAMILY, Value::small(family as i64));
    set(
        TYPE,
        Value::small((ty & !(libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC)) as i64),
    );
    set(PROTO, Value::small(proto as i64));
    set(TIMEOUT, timeout_value(timeout));
    Ok(())
}

fn new_socket_fd(family: i32, ty: i32, proto: i32) -> PyResult<i32> {
    // SAFETY: socket(2) takes plain integers.
    let fd = unsafe { libc::socket(family, ty | libc::SOCK_CLOEXEC, proto) };
    if fd < 0 {
        return Err(last_error());
    }
    Ok(fd)
}

fn sockopt_int(fd: i32, opt: i32) -> PyResult<i32> {
    let mut v: libc::c_int = 0;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: `v` and `len` are valid out-parameters of the sizes passed.
    let r = unsafe {
        libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            opt,
            (&mut v as *mut libc::c_int).cast(),
            &mut len,
        )
    };
    if r < 0 {
        return Err(last_error());
    }
    Ok(v)
}

/// `socket.__init__(self, family=-1, type=-1, proto=-1, fileno=None)`.
fn sock_init(a: Args) -> PyResult<Value> {
    let slf = arg(&a, 0, "self", "__init__")?;
    let inst = as_instance(slf).ok_or_else(|| type_error("socket.__init__ needs a socket"))?;
    let int_or = |i: usize, name: &str| -> PyResult<i64> {
        match opt_arg(&a, i, name) {
            Some(v) if !v.is_none() => index_of(v),
            _ => Ok(-1),
        }
    };
    let (mut family, mut ty, mut proto) = (
        int_or(1, "family")?,
        int_or(2, "type")?,
        int_or(3, "proto")?,
    );
    let fileno = opt_arg(&a, 4, "fileno").filter(|v| !v.is_none());
    let fd = match fileno {
        None => {
            if family == -1 {
                family = libc::AF_INET as i64;
            }
            if ty == -1 {
                ty = libc::SOCK_STREAM as i64;
            }
            if proto == -1 {
                proto = 0;
            }
            new_socket_fd(family as i32, ty as i32, proto as i32)?
        }
        Some(f) => {
            if ops::float_of(f).is_some() && ops::int_of(f).is_none() {
                return Err(type_error(
                    "'float' object cannot be interpreted as an integer",
                ));
            }
            let fd = index_of(f)?;
            if fd < 0 {
                return Err(value_error("negative file descriptor"));
            }
            let fd = i32::try_from(fd).map_err(|_| vm::overflow("file descriptor out of range"))?;
            if family == -1 {
                family = sockopt_int(fd, libc::SO_DOMAIN)? as i64;
            }
            if ty == -1 {
                ty = sockopt_int(fd, libc::SO_TYPE)? as i64;
            }
            if proto == -1 {
                proto = sockopt_int(fd, libc::SO_PROTOCOL)? as i64;
            }
            fd
        }
    };
    init_state(inst, fd, family as i32, ty as i32, proto as i32)?;
    Ok(Value::NONE)
}

/// A new `_socket.socket` object for `fd`.
fn wrap_fd(fd: i32, family: i32, ty: i32, proto: i32) -> PyResult<Value> {
    let m = crate::import::load_module("_socket")?;
    let c = ops::getattr(m, vm::intern("socket"))?;
    let c = as_class(c).ok_or_else(|| type_error("_socket.socket is not a class"))?;
    let inst = crate::objects::class::alloc_instance(c);
    init_state(inst, fd, family, ty, proto)?;
    Ok(Value::obj(inst))
}

fn sock_accept(a: Args) -> PyResult<Value> {
    let s = sock(&a, "_accept")?;
    let mut sa = SockAddr::empty();
    let fd = sock_call(&s, false, |_| {
        sa = SockAddr::empty();
        // SAFETY: `sa` is a valid sockaddr_storage with its length.
        let r = unsafe { libc::accept4(s.fd, sa.mut_ptr(), &mut sa.len, libc::SOCK_CLOEXEC) };
        check(r as isize)
    })?;
    Ok(new_tuple(&[Value::small(fd as i64), make_addr(&sa)]))
}

fn sock_bind(a: Args) -> PyResult<Value> {
    let s = sock(&a, "bind")?;
    let sa = parse_addr(s.family, arg(&a, 1, "address", "bind")?, "bind")?;
    let fd = s.open_fd()?;
    // SAFETY: `sa` is a valid address of `sa.len` bytes.
    if unsafe { libc::bind(fd, sa.ptr(), sa.len) } < 0 {
        return Err(last_error());
    }
    Ok(Value::NONE)
}

fn sock_close(a: Args) -> PyResult<Value> {
    let s = sock(&a, "close")?;
    if s.fd >= 0 {
        s.set(FD, Value::small(-1));
        // SAFETY: closing the descriptor this socket owned; it is forgotten above.
        if unsafe { libc::close(s.fd) } < 0 {
            let e = last_errno();
            if e != libc::ECONNRESET {
                return Err(errno_error(e));
            }
        }
    }
    Ok(Value::NONE)
}

fn sock_detach(a: Args) -> PyResult<Value> {
    let s = sock(&a, "detach")?;
    s.set(FD, Value::small(-1));
    Ok(Value::small(s.fd as i64))
}

/// connect(2) as the timeout asks; the errno (0: connected).
fn do_connect(s: &Sock, addr: Value, func: &str) -> PyResult<i32> {
    let sa = parse_addr(s.family, addr, func)?;
    let fd = s.fd;
    let coop = s.timeout.is_none() && crate::threads::count() > 0 && fd >= 0;
    let waits = coop || s.timeout.is_some_and(|t| t > 0.0);
    if coop {
        set_nonblocking(fd, true)?;
    }
    let result = (|| {
        if s.timeout.is_none() && !coop {
            vm::flush_stdout();
        }
        // SAFETY: `sa` is a valid address of `sa.len` bytes.
        let r = unsafe { libc::connect(fd, sa.ptr(), sa.len) };
        let err = if r < 0 { last_errno() } else { 0 };
        if !(waits && (err == libc::EINPROGRESS || err == libc::EINTR)) {
            if err == libc::EINTR {
                super::signal::run_pending()?;
            }
            return Ok(err);
        }
        let deadline = s
            .timeout
            .map(|t| Instant::now() + Duration::from_secs_f64(t.min(1e9)));
        if !wait_ready(fd, true, deadline)? {
            return Err(timeout_error());
        }
        sockopt_int(fd, libc::SO_ERROR)
    })();
    if coop {
        set_nonblocking(fd, false)?;
    }
    result
}

fn sock_connect(a: Args) -> PyResult<Value> {
    let s = sock(&a, "connect")?;
    match do_connect(&s, arg(&a, 1, "address", "connect")?, "connect")? {
        0 => Ok(Value::NONE),
        e => Err(errno_error(e)),
    }
}

fn sock_connect_ex(a: Args) -> PyResult<Value> {
    let s = sock(&a, "connect_ex")?;
    let e = do_connect(&s, arg(&a, 1, "address", "connect_ex")?, "connect_ex")?;
    Ok(Value::small(e as i64))
}

fn sock_fileno(a: Args) -> PyResult<Value> {
    Ok(Value::small(sock(&a, "fileno")?.fd as i64))
}

/// getsockname(2) or getpeername(2).
fn sock_name(a: &Args, func: &str, peer: bool) -> PyResult<Value> {
    let s = sock(a, func)?;
    let fd = s.open_fd()?;
    let mut sa = SockAddr::empty();
    // SAFETY: `sa` is a valid sockaddr_storage with its length.
    let r = unsafe {
        if peer {
            libc::getpeername(fd, sa.mut_ptr(), &mut sa.len)
        } else {
            libc::getsockname(fd, sa.mut_ptr(), &mut sa.len)
        }
    };
    if r < 0 {
        return Err(last_error());
    }
    if sa.len as usize <= std::mem::size_of::<libc::sa_family_t>() && s.family == libc::AF_UNIX {
        return Ok(new_str(""));
    }
    Ok(make_addr(&sa))
}

fn sock_getsockopt(a: Args) -> PyResult<Value> {
    let s = sock(&a, "getsockopt")?;
    let level = index_of(arg(&a, 1, "level", "getsockopt")?)? as i32;
    let opt = index_of(arg(&a, 2, "option", "getsockopt")?)? as i32;
    let fd = s.open_fd()?;
    let buflen = match opt_arg(&a, 3, "buflen") {
        Some(v) => index_of(v)?,
        None => 0,
    };
    if buflen == 0 {
        let mut v: libc::c_int = 0;
        let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
        // SAFETY: `v` and `len` are valid out-parameters of the sizes passed.
        let r = unsafe {
            libc::getsockopt(
                fd,
                level,
                opt,
                (&mut v as *mut libc::c_int).cast(),
                &mut len,
            )
        };
        if r < 0 {
            return Err(last_error());
        }
        return Ok(Value::small(v as i64));
    }
    if !(1..=1024).contains(&buflen) {
        return Err(super::sockaddr::plain_os_error(
            "getsockopt buflen out of range",
        ));
    }
    let mut buf = vec![0u8; buflen as usize];
    let mut len = buflen as libc::socklen_t;
    // SAFETY: `buf` has `len` bytes.
    let r = unsafe { libc::getsockopt(fd, level, opt, buf.as_mut_ptr().cast(), &mut len) };
    if r < 0 {
        return Err(last_error());
    }
    buf.truncate(len as usize);
    Ok(new_bytes(buf, false))
}

fn sock_setsockopt(a: Args) -> PyResult<Value> {
    let s = sock(&a, "setsockopt")?;
    let level = index_of(arg(&a, 1, "level", "setsockopt")?)? as i32;
    let opt = index_of(arg(&a, 2, "option", "setsockopt")?)? as i32;
    let value = arg(&a, 3, "value", "setsockopt")?;
    let fd = s.open_fd()?;
    let r = if let Some(optlen) = opt_arg(&a, 4, "optlen") {
        if !value.is_none() {
            return Err(type_error(
                "setsockopt() takes an int or a bytes-like object, or None with an optlen",
            ));
        }
        let n = index_of(optlen)?;
        let n = u32::try_from(n).map_err(|_| vm::overflow("optlen out of range"))?;
        // SAFETY: a null value with a length is how Linux takes "no buffer" options.
        unsafe { libc::setsockopt(fd, level, opt, std::ptr::null(), n) }
    } else if let Some(b) = ops::bytes_like(value) {
        // SAFETY: `b` has `b.len()` bytes.
        unsafe {
            libc::setsockopt(
                fd,
                level,
                opt,
                b.as_ptr().cast(),
                b.len() as libc::socklen_t,
            )
        }
    } else {
        let n = index_of(value).map_err(|_| {
            type_error(format!(
                "a bytes-like object is required, not '{}'",
                vm::type_name(value)
            ))
        })? as libc::c_int;
        // SAFETY: `n` is a c_int of the size passed.
        unsafe {
            libc::setsockopt(
                fd,
                level,
                opt,
                (&n as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        }
    };
    if r < 0 {
        return Err(last_error());
    }
    Ok(Value::NONE)
}

fn set_timeout(s: &Sock, t: Option<f64>) -> PyResult<()> {
    s.set(TIMEOUT, timeout_value(t));
    if s.fd >= 0 {
        set_nonblocking(s.fd, t.is_some())?;
    }
    Ok(())
}

fn sock_settimeout(a: Args) -> PyResult<Value> {
    let s = sock(&a, "settimeout")?;
    let t = parse_timeout(arg(&a, 1, "value", "settimeout")?)?;
    set_timeout(&s, t)?;
    Ok(Value::NONE)
}

fn sock_setblocking(a: Args) -> PyResult<Value> {
    let s = sock(&a, "setblocking")?;
    let flag = ops::truthy(arg(&a, 1, "flag", "setblocking")?)?;
    set_timeout(&s, if flag { None } else { Some(0.0) })?;
    Ok(Value::NONE)
}

fn sock_listen(a: Args) -> PyResult<Value> {
    let s = sock(&a, "listen")?;
    let backlog = match opt_arg(&a, 1, "backlog") {
        Some(v) => index_of(v)?.clamp(0, i32::MAX as i64) as i32,
        None => libc::SOMAXCONN.min(128),
    };
    let fd = s.open_fd()?;
    // SAFETY: listen(2) takes plain integers.
    if unsafe { libc::listen(fd, backlog) } < 0 {
        return Err(last_error());
    }
    Ok(Value::NONE)
}

/// recv(2)/recvfrom(2) of up to `n` bytes: the bytes and the sender's address.
fn recv_some(s: &Sock, n: usize, flags: i32) -> PyResult<(Vec<u8>, SockAddr)> {
    let mut buf = vec![0u8; n];
    let mut sa = SockAddr::empty();
    let got = sock_call(s, false, |coop| {
        sa = SockAddr::empty();
        // SAFETY: `buf` has `n` bytes, `sa` is valid storage with its length.
        let r = unsafe {
            libc::recvfrom(
                s.fd,
                buf.as_mut_ptr().cast(),
                n,
                flags | dontwait(coop),
                sa.mut_ptr(),
                &mut sa.len,
            )
        };
        check(r)
    })?;
    buf.truncate(got);
    Ok((buf, sa))
}

fn sock_recv(a: Args) -> PyResult<Value> {
    let s = sock(&a, "recv")?;
    let n = size_arg(arg(&a, 1, "bufsize", "recv")?, "recv")?;
    let (buf, _) = recv_some(&s, n, flags_arg(&a, 2)?)?;
    Ok(new_bytes(buf, false))
}

fn sock_recvfrom(a: Args) -> PyResult<Value> {
    let s = sock(&a, "recvfrom")?;
    let n = size_arg(arg(&a, 1, "bufsize", "recvfrom")?, "recvfrom")?;
    let (buf, sa) = recv_some(&s, n, flags_arg(&a, 2)?)?;
    Ok(new_tuple(&[new_bytes(buf, false), make_addr(&sa)]))
}

/// `recv_into`/`recvfrom_into(buffer, nbytes=0, flags=0)`: (count, address).
fn recv_into(a: &Args, func: &str) -> PyResult<(usize, SockAddr)> {
    let s = sock(a, func)?;
    let target = arg(a, 1, "buffer", func)?;
    let ba = as_bytearray(target).ok_or_else(|| {
        type_error(format!(
            "{func}() argument 1 must be read-write bytes-like object, not {}",
            vm::type_name(target)
        ))
    })?;
    let len = ba.data().len();
    let n = match opt_arg(a, 2, "nbytes") {
        Some(v) => size_arg(v, func)?,
        None => 0,
    };
    if n > len {
        return Err(value_error(format!(
            "{func}(): buffer too small for requested bytes"
        )));
    }
    let n = if n == 0 { len } else { n };
    let flags = match opt_arg(a, 3, "flags") {
        Some(v) => index_of(v)? as i32,
        None => 0,
    };
    let (buf, sa) = recv_some(&s, n, flags)?;
    // the bytearray may have been resized by another thread meanwhile
    let data = ba.data();
    let k = buf.len().min(data.len());
    data[..k].copy_from_slice(&buf[..k]);
    Ok((buf.len(), sa))
}

fn sock_send(a: Args) -> PyResult<Value> {
    let s = sock(&a, "send")?;
    let data = data_arg(arg(&a, 1, "data", "send")?)?;
    let flags = flags_arg(&a, 2)?;
    let n = sock_call(&s, true, |coop| {
        // SAFETY: `data` has `data.len()` bytes.
        let r = unsafe {
            libc::send(
                s.fd,
                data.as_ptr().cast(),
                data.len(),
                flags | dontwait(coop) | libc::MSG_NOSIGNAL,
            )
        };
        check(r)
    })?;
    Ok(Value::small(n as i64))
}

fn sock_sendall(a: Args) -> PyResult<Value> {
    let s = sock(&a, "sendall")?;
    let data = data_arg(arg(&a, 1, "data", "sendall")?)?;
    let flags = flags_arg(&a, 2)?;
    let mut off = 0;
    while off < data.len() {
        let rest = &data[off..];
        off += sock_call(&s, true, |coop| {
            // SAFETY: `rest` has `rest.len()` bytes.
            let r = unsafe {
                libc::send(
                    s.fd,
                    rest.as_ptr().cast(),
                    rest.len(),
                    flags | dontwait(coop) | libc::MSG_NOSIGNAL,
                )
            };
            check(r)
        })?;
        super::signal::poll()?;
    }
    Ok(Value::NONE)
}

fn sock_sendto(a: Args) -> PyResult<Value> {
    let s = sock(&a, "sendto")?;
    let data = data_arg(arg(&a, 1, "data", "sendto")?)?;
    let (flags, addr) = match a.pos.len() {
        3 => (0, a.pos[2]),
        4 => (index_of(a.pos[2])? as i32, a.pos[3]),
        n => {
            return Err(type_error(format!(
                "sendto() takes 2 or 3 arguments ({} given)",
                n.saturating_sub(1)
            )))
        }
    };
    let sa = parse_addr(s.family, addr, "sendto")?;
    let n = sock_call(&s, true, |coop| {
        // SAFETY: `data` has `data.len()` bytes, `sa` is a valid address of `sa.len` bytes.
        let r = unsafe {
            libc::sendto(
                s.fd,
                data.as_ptr().cast(),
                data.len(),
                flags | dontwait(coop) | libc::MSG_NOSIGNAL,
                sa.ptr(),
                sa.len,
            )
        };
        check(r)
    })?;
    Ok(Value::small(n as i64))
}

fn sock_shutdown(a: Args) -> PyResult<Value> {
    let s = sock(&a, "shutdown")?;
    let how = index_of(arg(&a, 1, "how", "shutdown")?)? as i32;
    let fd = s.open_fd()?;
    // SAFETY: shutdown(2) takes plain integers.
    if unsafe { libc::shutdown(fd, how) } < 0 {
        return Err(last_error());
    }
    Ok(Value::NONE)
}

fn sock_repr(a: Args) -> PyResult<Value> {
    let s = sock(&a, "__repr__")?;
    let get = |n: &str| get_int(s.inst, n).unwrap_or(0);
    Ok(new_string(format!(
        "<socket object, fd={}, family={}, type={}, proto={}>",
        s.fd,
        get(FAMILY),
        get(TYPE),
        get(PROTO)
    )))
}

/// A read-only property whose getter is the builtin `name` (a qualified name: it binds).
fn getter(name: &'static str, f: NativeFn) -> Value {
    let g = new_builtin(name, f);
    ops::call(Value::obj(vm::cls(C::property)), &[g]).unwrap_or(Value::NONE)
}

fn bi_socketpair(a: Args) -> PyResult<Value> {
    let get = |i: usize, name: &str, dflt: i32| -> PyResult<i32> {
        match opt_arg(&a, i, name) {
            Some(v) if !v.is_none() => Ok(index_of(v)? as i32),
            _ => Ok(dflt),
        }
    };
    let family = get(0, "family", libc::AF_UNIX)?;
    let ty = get(1, "type", libc::SOCK_STREAM)?;
    let proto = get(2, "proto", 0)?;
    let mut fds = [0i32; 2];
    // SAFETY: `fds` is a valid array of two ints for socketpair(2) to fill.
    if unsafe { libc::socketpair(family, ty | libc::SOCK_CLOEXEC, proto, fds.as_mut_ptr()) } < 0 {
        return Err(last_error());
    }
    let x = wrap_fd(fds[0], family, ty, proto)?;
    let y = wrap_fd(fds[1], family, ty, proto)?;
    Ok(new_tuple(&[x, y]))
}

fn fd_arg(a: &Args, func: &str) -> PyResult<i32> {
    let v = index_of(arg(a, 0, "fd", func)?)?;
    i32::try_from(v).map_err(|_| vm::overflow("file descriptor out of range"))
}

/// The `_socket` module.
pub fn make() -> PyResult<Gc<ModuleObj>> {
    let m = new_module("_socket", None);
    super::sockaddr::add_to(m);
    let methods: &[(&'static str, NativeFn)] = &[
        ("__init__", sock_init),
        ("__repr__", sock_repr),
        ("_accept", sock_accept),
        ("bind", sock_bind),
        ("close", sock_close),
        ("detach", sock_detach),
        ("connect", sock_connect),
        ("connect_ex", sock_connect_ex),
        ("fileno", sock_fileno),
        ("getsockname", |a| sock_name(&a, "getsockname", false)),
        ("getpeername", |a| sock_name(&a, "getpeername", true)),
        ("getsockopt", sock_getsockopt),
        ("setsockopt", sock_setsockopt),
        ("gettimeout", |a| {
            Ok(timeout_value(sock(&a, "gettimeout")?.timeout))
        }),
        ("settimeout", sock_settimeout),
        ("setblocking", sock_setblocking),
        ("getblocking", |a| {
            Ok(Value::bool(sock(&a, "getblocking")?.timeout != Some(0.0)))
        }),
        ("listen", sock_listen),
        ("recv", sock_recv),
        ("recvfrom", sock_recvfrom),
        ("recv_into", |a| {
            recv_into(&a, "recv_into").map(|(n, _)| Value::small(n as i64))
        }),
        ("recvfrom_into", |a| {
            let (n, sa) = recv_into(&a, "recvfrom_into")?;
            Ok(new_tuple(&[Value::small(n as i64), make_addr(&sa)]))
        }),
        ("send", sock_send),
        ("sendall", sock_sendall),
        ("sendto", sock_sendto),
        ("shutdown", sock_shutdown),
    ];
    let props = [
        (
            "family",
            getter("socket.family", |a| {
                Ok(Value::small(
                    get_int(sock(&a, "family")?.inst, FAMILY).unwrap_or(0),
                ))
            }),
        ),
        (
            "type",
            getter("socket.type", |a| {
                Ok(Value::small(
                    get_int(sock(&a, "type")?.inst, TYPE).unwrap_or(0),
                ))
            }),
        ),
        (
            "proto",
            getter("socket.proto", |a| {
                Ok(Value::small(
                    get_int(sock(&a, "proto")?.inst, PROTO).unwrap_or(0),
                ))
            }),
        ),
        (
            "timeout",
            getter("socket.timeout", |a| {
                Ok(timeout_value(sock(&a, "timeout")?.timeout))
            }),
        ),
    ];
    let c = native_class("_socket", "socket", methods, &props);
    m.dict.set_str("socket", Value::obj(c));
    m.dict.set_str("SocketType", Value::obj(c));
    m.dict.set_str("error", Value::obj(vm::cls(C::OSError)));
    m.dict
        .set_str("timeout", Value::obj(vm::cls(C::TimeoutError)));
    for name in ["gaierror", "herror"] {
        let ns = new_dict();
        ns.set_str("__module__", new_str("socket"));
        ns.set_str("__qualname__", new_str(name));
        let e = crate::objects::class::new_class(
            vm::cls(C::type_),
            new_str(name),
            new_tuple(&[Value::obj(vm::cls(C::OSError))]),
            ns,
        )?;
        m.dict.set_str(name, e);
    }
    m.dict.set_str("has_ipv6", Value::TRUE);
    def(m, "socketpair", bi_socketpair);
    def(m, "getdefaulttimeout", |_| {
        Ok(timeout_value(DEFAULT_TIMEOUT.with(|d| d.get())))
    });
    def(m, "setdefaulttimeout", |a| {
        let t = parse_timeout(arg(&a, 0, "timeout", "setdefaulttimeout")?)?;
        DEFAULT_TIMEOUT.with(|d| d.set(t));
        Ok(Value::NONE)
    });
    def(m, "dup", |a| {
        let fd = fd_arg(&a, "dup")?;
        // SAFETY: fcntl on an integer descriptor; a bad one gives -1/EBADF.
        let d = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0) };
        if d < 0 {
            return Err(last_error());
        }
        Ok(Value::small(d as i64))
    });
    def(m, "close", |a| {
        let fd = fd_arg(&a, "close")?;
        // SAFETY: closing a descriptor the caller names, as os.close does.
        if unsafe { libc::close(fd) } < 0 && last_errno() != libc::ECONNRESET {
            return Err(last_error());
        }
        Ok(Value::NONE)
    });
    Ok(m)
}
