//! `select`: waiting for file descriptors, over poll(2): `select(rlist, wlist, xlist[,
//! timeout])`, `poll()` objects (`register`, `modify`, `unregister`, `poll([timeout_ms])`),
//! the `POLL*` constants, `PIPE_BUF` and `error` (= `OSError`). Enough for CPython's
//! `selectors` (which picks `PollSelector` as `epoll` is absent) and code that waits on pipes.
//!
//! `select()` is implemented with poll(2) too, so descriptors above 1023 work; readable means
//! POLLIN/POLLHUP/POLLERR, writable POLLOUT/POLLERR, exceptional POLLPRI. A call interrupted
//! by a signal runs the pending Python signal handlers (`signal.rs`) and retries with the
//! remaining time (PEP 475). While other Python threads exist a wait does not block the OS
//! thread but polls and lets them run in between ([`poll_until`], also used by `_socket`),
//! so a thread can wake a `select` on the main thread (asyncio's `run_in_executor`).
//! Descriptors are ints or objects with `fileno()`. Not provided:
//! `epoll`, `devpoll`, `kqueue`.

use super::native_class::{arg, native_class, opt_arg};
use super::*;
use crate::argvec::ArgVec;
use crate::objects::ops::{instance_get, instance_set};
use crate::vm::cls;
use std::time::{Duration, Instant};

const POLL_CONSTS: &[(&str, i64)] = &[
    ("POLLIN", libc::POLLIN as i64),
    ("POLLPRI", libc::POLLPRI as i64),
    ("POLLOUT", libc::POLLOUT as i64),
    ("POLLERR", libc::POLLERR as i64),
    ("POLLHUP", libc::POLLHUP as i64),
    ("POLLNVAL", libc::POLLNVAL as i64),
    ("POLLRDNORM", libc::POLLRDNORM as i64),
    ("POLLRDBAND", libc::POLLRDBAND as i64),
    ("POLLWRNORM", libc::POLLWRNORM as i64),
    ("POLLWRBAND", libc::POLLWRBAND as i64),
    ("POLLMSG", 0x400), // not in the libc crate; <bits/poll.h> on Linux
    ("POLLRDHUP", libc::POLLRDHUP as i64),
];

/// The descriptor of `v`: an int, or what its `fileno()` returns.
fn fd_of(v: Value) -> PyResult<i32> {
    let fd = match ops::int_of(v) {
        Some(n) => n,
        None => match ops::getattr_opt(v, vm::intern("fileno"))? {
            Some(f) => ops::int_of(ops::call(f, &[])?)
                .ok_or_else(|| type_error("fileno() returned a non-integer"))?,
            None => {
                return Err(type_error(
                    "argument must be an int, or have a fileno() method.",
                ))
            }
        },
    };
    if fd < 0 {
        return Err(value_error(format!(
            "file descriptor cannot be a negative integer ({fd})"
        )));
    }
    i32::try_from(fd).map_err(|_| vm::exc(C::OverflowError, "file descriptor out of range"))
}

fn os_error_now() -> crate::interpreter::PyErr {
    let e = std::io::Error::last_os_error();
    let errno = e.raw_os_error().unwrap_or(0);
    let text = e.to_string();
    let text = text.split(" (os error").next().unwrap_or("").to_string();
    match ops::call(
        Value::obj(cls(C::OSError)),
        &[Value::small(errno as i64), new_string(text)],
    ) {
        Ok(exc) => crate::interpreter::PyErr(exc),
        Err(e) => e,
    }
}

/// poll(2) on `fds`, retrying after signals; `timeout` None waits for ever.
fn poll_fds(fds: &mut [libc::pollfd], timeout: Option<Duration>) -> PyResult<()> {
    poll_until(fds, timeout.map(|t| Instant::now() + t)).map(|_| ())
}

/// poll(2) on `fds` until one is ready (true) or `deadline` passes (false), retrying after
/// signals (running the Python handlers). While other Python threads exist it does not block
/// the OS thread: it polls without waiting and, between polls, sleeps the Python thread
/// through the scheduler (1 ms, growing to 10 ms while nothing happens) so the others run.
pub(crate) fn poll_until(fds: &mut [libc::pollfd], deadline: Option<Instant>) -> PyResult<bool> {
    let mut nap = Duration::from_millis(1);
    loop {
        let coop = crate::threads::count() > 0;
        let ms = match deadline {
            _ if coop => 0,
            None => -1,
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                // round up so a short positive timeout does not become a busy 0
                left.as_micros().div_ceil(1000).min(i32::MAX as u128) as libc::c_int
            }
        };
        if ms != 0 {
            vm::flush_stdout();
        }
        // SAFETY: `fds` is a valid, exclusively borrowed slice of pollfd structs.
        let r = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ms) };
        if r > 0 {
            return Ok(true);
        }
        if r < 0 {
            let e = std::io::Error::last_os_error();
            if e.raw_os_error() != Some(libc::EINTR) {
                return Err(os_error_now());
            }
            super::signal::run_pending()?;
            continue;
        }
        let now = Instant::now();
        if deadline.is_some_and(|d| now >= d) {
            return Ok(false);
        }
        if coop {
            super::signal::poll()?;
            let next = now + nap;
            crate::threads::sleep_until(deadline.map_or(next, |d| d.min(next)))?;
            nap = (nap * 2).min(Duration::from_millis(10));
        }
    }
}

fn seconds_timeout(v: Option<Value>) -> PyResult<Option<Duration>> {
    match v.filter(|v| !v.is_none()) {
        None => Ok(None),
        Some(t) => {
            let s = float_of(t).ok_or_else(|| type_error("timeout must be a float or None"))?;
            if s < 0.0 {
                return Err(value_error("timeout must be non-negative"));
            }
            Ok(Some(Duration::from_secs_f64(s)))
        }
    }
}

fn bi_select(a: Args) -> PyResult<Value> {
    let lists = [
        arg(&a, 0, "rlist", "select")?,
        arg(&a, 1, "wlist", "select")?,
        arg(&a, 2, "xlist", "select")?,
    ];
    let timeout = seconds_timeout(opt_arg(&a, 3, "timeout"))?;
    let events = [libc::POLLIN, libc::POLLOUT, libc::POLLPRI];
    let ready = [
        libc::POLLIN | libc::POLLHUP | libc::POLLERR,
        libc::POLLOUT | libc::POLLERR,
        libc::POLLPRI,
    ];
    // (which list, object) per pollfd, objects kept rooted in an ArgVec
    let mut objs = ArgVec::new();
    let mut which = Vec::new();
    let mut fds = Vec::new();
    for (k, &l) in lists.iter().enumerate() {
        for o in crate::objects::native::seq_items(l)? {
            let fd = fd_of(o)?;
            objs.push(o);
            which.push(k);
            fds.push(libc::pollfd {
                fd,
                events: events[k],
                revents: 0,
            });
        }
    }
    poll_fds(&mut fds, timeout)?;
    let out = [new_list_cap(0), new_list_cap(0), new_list_cap(0)];
    for (i, p) in fds.iter().enumerate() {
        if p.revents & libc::POLLNVAL != 0 {
            return Err(crate::interpreter::PyErr(
                ops::call(
                    Value::obj(cls(C::OSError)),
                    &[
                        Value::small(libc::EBADF as i64),
                        new_str("Bad file descriptor"),
                    ],
                )
                .unwrap_or(Value::NONE),
            ));
        }
        if p.revents & ready[which[i]] != 0 {
            out[which[i]].push(objs[i]);
        }
    }
    Ok(new_tuple(&[
        Value::obj(out[0]),
        Value::obj(out[1]),
        Value::obj(out[2]),
    ]))
}

fn registered(slf: Value) -> PyResult<Gc<DictObj>> {
    as_instance(slf)
        .and_then(|i| instance_get(i, vm::intern("_fds")))
        .and_then(as_dict)
        .ok_or_else(|| type_error("not a select.poll object"))
}

fn poll_register(a: Args) -> PyResult<Value> {
    let slf = arg(&a, 0, "self", "register")?;
    let fd = fd_of(arg(&a, 1, "fd", "register")?)?;
    let mask = match opt_arg(&a, 2, "eventmask") {
        Some(m) => index_of(m)?,
        None => (libc::POLLIN | libc::POLLPRI | libc::POLLOUT) as i64,
    };
    registered(slf)?.set_item(Value::small(fd as i64), Value::small(mask))?;
    Ok(Value::NONE)
}

fn poll_modify(a: Args) -> PyResult<Value> {
    let slf = arg(&a, 0, "self", "modify")?;
    let fd = fd_of(arg(&a, 1, "fd", "modify")?)?;
    let mask = index_of(arg(&a, 2, "eventmask", "modify")?)?;
    let d = registered(slf)?;
    if d.get(Value::small(fd as i64))?.is_none() {
        return Err(crate::interpreter::PyErr(ops::call(
            Value::obj(cls(C::FileNotFoundError)),
            &[Value::small(2), new_str("No such file or directory")],
        )?));
    }
    d.set_item(Value::small(fd as i64), Value::small(mask))?;
    Ok(Value::NONE)
}

fn poll_unregister(a: Args) -> PyResult<Value> {
    let slf = arg(&a, 0, "self", "unregister")?;
    let fd = fd_of(arg(&a, 1, "fd", "unregister")?)?;
    let d = registered(slf)?;
    if d.get(Value::small(fd as i64))?.is_none() {
        return Err(crate::interpreter::PyErr(vm::new_exception(
            cls(C::KeyError),
            &[Value::small(fd as i64)],
        )));
    }
    d.remove(Value::small(fd as i64))?;
    Ok(Value::NONE)
}

fn poll_poll(a: Args) -> PyResult<Value> {
    let slf = arg(&a, 0, "self", "poll")?;
    let timeout = match opt_arg(&a, 1, "timeout").filter(|v| !v.is_none()) {
        None => None,
        Some(t) => {
            let ms = float_of(t).ok_or_else(|| type_error("timeout must be an integer or None"))?;
            if ms < 0.0 {
                None
            } else {
                Some(Duration::from_secs_f64(ms / 1000.0))
            }
        }
    };
    let d = registered(slf)?;
    let mut fds = Vec::new();
    for i in 0..d.entry_count() {
        let k = d.key_at(i);
        if k.is_null() {
            continue;
        }
        fds.push(libc::pollfd {
            fd: ops::int_of(k).unwrap_or(-1) as i32,
            events: ops::int_of(d.val_at(i)).unwrap_or(0) as libc::c_short,
            revents: 0,
        });
    }
    poll_fds(&mut fds, timeout)?;
    let out = new_list_cap(fds.len());
    for p in &fds {
        if p.revents != 0 {
            out.push(new_tuple(&[
                Value::small(p.fd as i64),
                Value::small((p.revents as u16) as i64),
            ]));
        }
    }
    Ok(Value::obj(out))
}

/// The `select` module.
pub fn make() -> Gc<ModuleObj> {
    let m = new_module("select", None);
    for &(n, v) in POLL_CONSTS {
        m.dict.set_str(n, Value::small(v));
    }
    m.dict
        .set_str("PIPE_BUF", Value::small(libc::PIPE_BUF as i64));
    m.dict.set_str("error", Value::obj(cls(C::OSError)));
    let poll_cls = native_class(
        "select",
        "poll",
        &[
            ("register", poll_register),
            ("modify", poll_modify),
            ("unregister", poll_unregister),
            ("poll", poll_poll),
        ],
        &[],
    );
    m.dict.set_str("_poll_type", Value::obj(poll_cls));
    def(m, "select", bi_select);
    def(m, "poll", |_| {
        let m = crate::import::load_module("select")?;
        let c = ops::getattr(m, vm::intern("_poll_type"))?;
        let c = as_class(c).ok_or_else(|| type_error("select._poll_type is not a class"))?;
        let inst = crate::objects::class::alloc_instance(c);
        instance_set(inst, vm::intern("_fds"), Value::obj(new_dict()));
        Ok(Value::obj(inst))
    });
    m
}
