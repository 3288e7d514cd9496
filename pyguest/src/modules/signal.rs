//! `_signal`: the native half of CPython's `signal.py` (which builds the `Signals`,
//! `Handlers` and `Sigmasks` enums over it): the Linux x86-64 signal numbers, `signal`,
//! `getsignal`, `default_int_handler`, `raise_signal`, `strsignal`, `valid_signals`, `alarm`,
//! `pause`, `pthread_sigmask`, `sigpending`, `sigwait`, `setitimer`/`getitimer`,
//! `siginterrupt`, `set_wakeup_fd`.
//!
//! Dispositions are real: `SIG_IGN`/`SIG_DFL` go to the OS, and installing a Python handler
//! installs an OS handler that only records the signal as pending (an atomic flag per
//! signal, and the JIT's interrupt flag, `metatracer::interrupt`). Pending handlers run at
//! the interpreter's polls ([`poll`]: every Python call, backward jump and generator
//! resumption, each slice of `time.sleep`) and at the next call into this module: right
//! after `raise_signal` (as in CPython, where the handler runs before the next bytecode),
//! and in `pause`, `sigwait`, `signal`, `getsignal`, `sigpending`. A compiled loop leaves for
//! the interpreter at its next iteration when the interrupt flag is set, and the interpreter
//! polls at its next backward jump (so a signal reaches compiled code at most about one
//! iteration later than the interpreter). Handlers receive `None` as their frame argument.
//!
//! SIGINT is recorded from start-up ([`install_sigint`]) and its default handler raises
//! `KeyboardInterrupt`, so Ctrl-C runs `except`/`finally` blocks and, unhandled, prints the
//! traceback and ends the process by SIGINT (exit status 130 in a shell), as CPython.
//!
//! What `getsignal` reports at start-up follows CPython: `default_int_handler` for SIGINT,
//! `SIG_IGN` where the OS disposition is "ignore"
//! (SIGPIPE and SIGXFSZ, as both runtimes set them), `SIG_DFL` elsewhere, including the
//! signals for which the Rust runtime has its own handler (stack-overflow detection). Only
//! the main thread may install handlers (pseudo-threads of `_thread` get CPython's
//! `ValueError`).

use super::native_class::{arg, opt_arg};
use super::*;
use crate::argvec::ArgVec;
use crate::vm::cls;
use metatracer::gc::Root;
use std::sync::atomic::{AtomicBool, Ordering};

const NSIG: usize = 65;

/// Linux x86-64 signal numbers, CPython's `_signal` names (aliases included).
const SIGNALS: &[(&str, i64)] = &[
    ("SIGHUP", 1),
    ("SIGINT", 2),
    ("SIGQUIT", 3),
    ("SIGILL", 4),
    ("SIGTRAP", 5),
    ("SIGABRT", 6),
    ("SIGIOT", 6),
    ("SIGBUS", 7),
    ("SIGFPE", 8),
    ("SIGKILL", 9),
    ("SIGUSR1", 10),
    ("SIGSEGV", 11),
    ("SIGUSR2", 12),
    ("SIGPIPE", 13),
    ("SIGALRM", 14),
    ("SIGTERM", 15),
    ("SIGSTKFLT", 16),
    ("SIGCHLD", 17),
    ("SIGCLD", 17),
    ("SIGCONT", 18),
    ("SIGSTOP", 19),
    ("SIGTSTP", 20),
    ("SIGTTIN", 21),
    ("SIGTTOU", 22),
    ("SIGURG", 23),
    ("SIGXCPU", 24),
    ("SIGXFSZ", 25),
    ("SIGVTALRM", 26),
    ("SIGPROF", 27),
    ("SIGWINCH", 28),
    ("SIGIO", 29),
    ("SIGPOLL", 29),
    ("SIGPWR", 30),
    ("SIGSYS", 31),
    ("SIGRTMIN", 34),
    ("SIGRTMAX", 64),
];

static PENDING: [AtomicBool; NSIG] = [const { AtomicBool::new(false) }; NSIG];
// "Some signal (or the finalizer queue) needs a poll" is the JIT framework's interrupt flag
// (`metatracer::interrupt`): setting it also makes compiled loops return to the interpreter,
// which polls at its next backward jump (`vm::poll_signals`).
use metatracer::interrupt;

/// The OS-level handler for signals with a Python handler: async-signal-safe, it only sets
/// flags.
extern "C" fn record_signal(sig: libc::c_int) {
    if let Some(flag) = PENDING.get(sig as usize) {
        flag.store(true, Ordering::SeqCst);
        interrupt::request();
    }
}

thread_local! {
    /// Python-level handler of each signal (index = signal number), kept in the module.
    static HANDLERS: RefCell<Option<Root<ListObj>>> = const { RefCell::new(None) };
    static WAKEUP_FD: std::cell::Cell<i64> = const { std::cell::Cell::new(-1) };
}

fn handlers() -> PyResult<Gc<ListObj>> {
    HANDLERS
        .with(|h| h.borrow().as_ref().map(|r| r.get()))
        .ok_or_else(|| vm::exc(C::RuntimeError, "_signal is not initialised"))
}

fn signum_arg(a: &Args, i: usize, func: &str) -> PyResult<usize> {
    let n = index_of(arg(a, i, "signalnum", func)?)?;
    if n < 1 || n >= NSIG as i64 {
        return Err(value_error("signal number out of range"));
    }
    Ok(n as usize)
}

fn os_error_now() -> crate::interpreter::PyErr {
    let e = std::io::Error::last_os_error();
    os_error_code(e.raw_os_error().unwrap_or(0))
}

/// `OSError(errno, strerror)` as calling the class makes it (attributes set).
fn os_error_code(errno: i32) -> crate::interpreter::PyErr {
    let text = std::io::Error::from_raw_os_error(errno).to_string();
    let text = text.split(" (os error").next().unwrap_or("").to_string();
    match ops::call(
        Value::obj(cls(C::OSError)),
        &[Value::small(errno as i64), new_string(text)],
    ) {
        Ok(exc) => crate::interpreter::PyErr(exc),
        Err(e) => e,
    }
}

/// Whether SIGINT is delivered to its start-up Python handler (`default_int_handler`, which
/// raises `KeyboardInterrupt`): set by [`install_sigint`], cleared when a program installs
/// another handler. The watchdog only acts while it is set.
static SIGINT_DEFAULT: AtomicBool = AtomicBool::new(false);

/// Start-up: SIGINT (unless inherited as ignored) is recorded as pending, and the
/// interpreter raises `KeyboardInterrupt` at its next poll ([`poll`]: every Python call,
/// backward jump, generator resumption and `time.sleep` slice; compiled loops return to the
/// interpreter for it). A watchdog thread remains as a last resort for native code that
/// never polls (a long `sorted`, `sum` over a huge range, a blocking read): once a SIGINT has
/// stayed pending for a second it ends the process as an unhandled `KeyboardInterrupt`
/// would (the message, then death by SIGINT), without running `finally` blocks. Python code,
/// interpreted or compiled, always polls well within that second.
pub fn install_sigint() {
    let _ = crate::vm::SIGNAL_RUNNER.set(run_pending);
    // SAFETY: a query only (null new action) into a zeroed, caller-owned struct.
    let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
    // SAFETY: a query for SIGINT into `old`.
    let r = unsafe { libc::sigaction(libc::SIGINT, std::ptr::null(), &mut old) };
    if r != 0 || old.sa_sigaction == libc::SIG_IGN {
        return;
    }
    let handler = record_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
    // SAFETY: `record_signal` is async-signal-safe (atomic stores only).
    if unsafe { libc::signal(libc::SIGINT, handler) } == libc::SIG_ERR {
        return;
    }
    SIGINT_DEFAULT.store(true, Ordering::SeqCst);
    let _ = std::thread::Builder::new()
        .name("pyguest-sigint".into())
        .stack_size(64 * 1024)
        .spawn(|| {
            let mut strikes = 0;
            loop {
                std::thread::sleep(std::time::Duration::from_millis(200));
                let pending = PENDING[libc::SIGINT as usize].load(Ordering::SeqCst);
                if pending && SIGINT_DEFAULT.load(Ordering::SeqCst) {
                    strikes += 1;
                    if strikes >= 5 {
                        let msg = b"\nKeyboardInterrupt\n";
                        // SAFETY: write(2) of a static buffer to standard error.
                        unsafe { libc::write(2, msg.as_ptr().cast(), msg.len()) };
                        exit_by_sigint();
                    }
                } else {
                    strikes = 0;
                }
            }
        });
}

/// Ends the process the way CPython does after an unhandled `KeyboardInterrupt`: by the
/// default action of SIGINT, so the parent sees death by signal (a shell shows 130). The
/// caller flushes what it owns first (the watchdog thread cannot reach the interpreter's
/// buffered stdout).
pub fn exit_by_sigint() -> ! {
    // SAFETY: restoring the default disposition and signalling this process; if the signal
    // does not end it (blocked in this thread), exit with the shell's status for it.
    unsafe {
        libc::signal(libc::SIGINT, libc::SIG_DFL);
        libc::kill(libc::getpid(), libc::SIGINT);
    }
    std::process::exit(128 + libc::SIGINT)
}

/// Makes the next poll run [`run_pending`] (used by the collector's finalization hook, which
/// runs inside a collection and must not run Python code itself).
pub fn request_poll() {
    interrupt::request();
}

/// The interpreter's poll: runs the handlers of pending signals (one atomic load when none
/// is pending).
#[inline]
pub fn poll() -> PyResult<()> {
    crate::vm::poll_signals()
}

/// Runs the Python handlers of the signals recorded as pending. Before `_signal` is
/// imported, SIGINT's handler is `default_int_handler` (`KeyboardInterrupt`) and the
/// others have none.
pub fn run_pending() -> PyResult<()> {
    if !interrupt::take() {
        return Ok(());
    }
    // objects queued for finalization by an automatic collection (`finalize.rs`)
    crate::modules::finalize::run_pending();
    let table = HANDLERS.with(|h| h.borrow().as_ref().map(|r| r.get()));
    for (sig, flag) in PENDING.iter().enumerate() {
        if flag.swap(false, Ordering::SeqCst) {
            let r = match table {
                Some(table) => {
                    let h = table.get(sig);
                    if !h.is_none() && ops::int_of(h).is_none() {
                        ops::call(h, &[Value::small(sig as i64), Value::NONE]).map(|_| ())
                    } else {
                        Ok(())
                    }
                }
                None if sig == libc::SIGINT as usize => Err(crate::interpreter::PyErr(
                    vm::new_exception(cls(C::KeyboardInterrupt), &[]),
                )),
                None => Ok(()),
            };
            if let Err(e) = r {
                // Signals still pending wait for the next poll.
                if PENDING.iter().any(|f| f.load(Ordering::SeqCst)) {
                    interrupt::request();
                }
                return Err(e);
            }
        }
    }
    Ok(())
}

fn in_main_thread() -> bool {
    crate::modules::thread::current_ident() == std::process::id() as i64
}

fn bi_signal(a: Args) -> PyResult<Value> {
    let sig = signum_arg(&a, 0, "signal")?;
    let handler = arg(&a, 1, "handler", "signal")?;
    if !in_main_thread() {
        return Err(value_error(
            "signal only works in main thread of the main interpreter",
        ));
    }
    let disposition = match ops::int_of(handler) {
        Some(0) => libc::SIG_DFL,
        Some(1) => libc::SIG_IGN,
        _ => {
            let callable = vm().builtins.get().get_str("callable");
            let ok = callable.map_or(Ok(false), |c| {
                ops::call(c, &[handler]).and_then(ops::truthy)
            })?;
            if !ok || ops::int_of(handler).is_some() {
                return Err(type_error(
                    "signal handler must be signal.SIG_IGN, signal.SIG_DFL, or a callable object",
                ));
            }
            record_signal as extern "C" fn(libc::c_int) as libc::sighandler_t
        }
    };
    // SAFETY: `sig` is in 1..NSIG; the handler is SIG_DFL, SIG_IGN or `record_signal`, which
    // is async-signal-safe (atomic stores only).
    let old = unsafe { libc::signal(sig as libc::c_int, disposition) };
    if old == libc::SIG_ERR {
        return Err(os_error_now());
    }
    let table = handlers()?;
    let previous = table.get(sig);
    table.set(sig, handler);
    if sig == libc::SIGINT as usize {
        let default = as_builtin(handler).is_some_and(|b| b.name == "default_int_handler");
        SIGINT_DEFAULT.store(default, Ordering::SeqCst);
    }
    run_pending()?;
    Ok(previous)
}

fn sigset_of(v: Value) -> PyResult<libc::sigset_t> {
    // SAFETY: sigemptyset initialises the zeroed set; sigaddset gets numbers checked below.
    let mut set: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: `set` was zero-initialised above; sigemptyset only writes into it.
    unsafe { libc::sigemptyset(&mut set) };
    for s in crate::objects::native::seq_items(v)? {
        let n = index_of(s)?;
        if n < 1 || n >= NSIG as i64 {
            return Err(value_error(format!(
                "signal number {n} out of range [1; {}]",
                NSIG - 1
            )));
        }
        // SAFETY: `set` is initialised and `n` a valid signal number.
        unsafe { libc::sigaddset(&mut set, n as libc::c_int) };
    }
    Ok(set)
}

fn set_of(set: &libc::sigset_t) -> PyResult<Value> {
    let mut members = ArgVec::new();
    for n in 1..NSIG as libc::c_int {
        // SAFETY: `set` is an initialised signal set and `n` in range.
        if unsafe { libc::sigismember(set, n) } == 1 {
            members.push(Value::small(n as i64));
        }
    }
    let s = new_set(false);
    crate::objects::set::set_update(s, new_list_from(&members))?;
    Ok(Value::obj(s))
}

fn timeval_secs(t: &libc::timeval) -> f64 {
    t.tv_sec as f64 + t.tv_usec as f64 / 1e6
}

fn itimer_tuple(it: &libc::itimerval) -> Value {
    new_tuple(&[
        new_float(timeval_secs(&it.it_value)),
        new_float(timeval_secs(&it.it_interval)),
    ])
}

fn timeval_of(secs: f64) -> libc::timeval {
    libc::timeval {
        tv_sec: secs.trunc() as libc::time_t,
        tv_usec: ((secs.fract()) * 1e6).round() as libc::suseconds_t,
    }
}

/// The `_signal` module.
pub fn make() -> Gc<ModuleObj> {
    let m = new_module("_signal", None);
    let d = m.dict;
    for &(name, n) in SIGNALS {
        d.set_str(name, Value::small(n));
    }
    for (name, n) in [
        ("SIG_DFL", 0),
        ("SIG_IGN", 1),
        ("SIG_BLOCK", libc::SIG_BLOCK as i64),
        ("SIG_UNBLOCK", libc::SIG_UNBLOCK as i64),
        ("SIG_SETMASK", libc::SIG_SETMASK as i64),
        ("NSIG", NSIG as i64),
        ("ITIMER_REAL", libc::ITIMER_REAL as i64),
        ("ITIMER_VIRTUAL", libc::ITIMER_VIRTUAL as i64),
        ("ITIMER_PROF", libc::ITIMER_PROF as i64),
    ] {
        d.set_str(name, Value::small(n));
    }
    let default_int = new_builtin("default_int_handler", |_| {
        Err(crate::interpreter::PyErr(vm::new_exception(
            cls(C::KeyboardInterrupt),
            &[],
        )))
    });
    d.set_str("default_int_handler", default_int);
    let table = new_list_cap(NSIG);
    for sig in 0..NSIG {
        let h = if sig == 0 {
            Value::NONE
        } else if sig == libc::SIGINT as usize {
            default_int
        } else {
            // SAFETY: a query only (null new action) into a zeroed, caller-owned struct.
            let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
            // SAFETY: a query (null new action) for a signal number in range into `old`.
            let r = unsafe { libc::sigaction(sig as libc::c_int, std::ptr::null(), &mut old) };
            Value::small(i64::from(r == 0 && old.sa_sigaction == libc::SIG_IGN))
        };
        table.push(h);
    }
    d.set_str("_handlers", Value::obj(table));
    HANDLERS.with(|h| *h.borrow_mut() = Some(Root::new(table)));
    let itimer_error = crate::objects::class::new_class(
        cls(C::type_),
        new_str("ItimerError"),
        new_tuple(&[Value::obj(cls(C::OSError))]),
        {
            let ns = new_dict();
            ns.set_str("__module__", new_str("signal"));
            ns
        },
    )
    .unwrap_or(Value::obj(cls(C::OSError)));
    d.set_str("ItimerError", itimer_error);
    def(m, "signal", bi_signal);
    def(m, "getsignal", |a| {
        let sig = signum_arg(&a, 0, "getsignal")?;
        run_pending()?;
        Ok(handlers()?.get(sig))
    });
    def(m, "raise_signal", |a| {
        let sig = signum_arg(&a, 0, "raise_signal")?;
        vm::flush_stdout();
        // SAFETY: raise(3) with a valid signal number.
        if unsafe { libc::raise(sig as libc::c_int) } != 0 {
            return Err(os_error_now());
        }
        run_pending()?;
        Ok(Value::NONE)
    });
    def(m, "strsignal", |a| {
        let sig = signum_arg(&a, 0, "strsignal")?;
        // SAFETY: strsignal returns a NUL-terminated string (or null) that we copy at once.
        let p = unsafe { libc::strsignal(sig as libc::c_int) };
        if p.is_null() {
            return Ok(Value::NONE);
        }
        // SAFETY: `p` is a non-null NUL-terminated string from strsignal, copied at once.
        let s = unsafe { std::ffi::CStr::from_ptr(p) }
            .to_string_lossy()
            .into_owned();
        Ok(new_string(s))
    });
    def(m, "valid_signals", |_| {
        // SAFETY: sigfillset initialises the set: every signal the C library accepts.
        let mut set: libc::sigset_t = unsafe { std::mem::zeroed() };
        // SAFETY: `set` is caller-owned; sigfillset only writes into it.
        unsafe { libc::sigfillset(&mut set) };
        set_of(&set)
    });
    def(m, "alarm", |a| {
        let secs = index_of(arg(&a, 0, "seconds", "alarm")?)?;
        // SAFETY: alarm(2) takes any unsigned count.
        let left = unsafe { libc::alarm(secs.clamp(0, u32::MAX as i64) as libc::c_uint) };
        Ok(Value::small(left as i64))
    });
    def(m, "pause", |_| {
        vm::flush_stdout();
        // SAFETY: pause(2) returns when a signal was caught.
        unsafe { libc::pause() };
        run_pending()?;
        Ok(Value::NONE)
    });
    def(m, "pthread_sigmask", |a| {
        let how = index_of(arg(&a, 0, "how", "pthread_sigmask")?)?;
        let set = sigset_of(arg(&a, 1, "mask", "pthread_sigmask")?)?;
        // SAFETY: both sets are initialised/owned here; `how` is checked by the call.
        let mut old: libc::sigset_t = unsafe { std::mem::zeroed() };
        // SAFETY: `set` and `old` are initialised, caller-owned sets; a bad `how` gives EINVAL.
        let r = unsafe { libc::pthread_sigmask(how as libc::c_int, &set, &mut old) };
        if r != 0 {
            return Err(os_error_code(r));
        }
        run_pending()?;
        set_of(&old)
    });
    def(m, "sigpending", |_| {
        // SAFETY: sigpending fills the caller-owned set.
        let mut set: libc::sigset_t = unsafe { std::mem::zeroed() };
        // SAFETY: sigpending only writes into the caller-owned `set`.
        if unsafe { libc::sigpending(&mut set) } != 0 {
            return Err(os_error_now());
        }
        run_pending()?;
        set_of(&set)
    });
    def(m, "sigwait", |a| {
        let set = sigset_of(arg(&a, 0, "sigset", "sigwait")?)?;
        vm::flush_stdout();
        let mut sig: libc::c_int = 0;
        // SAFETY: `set` is initialised; sigwait writes the signal number into `sig`.
        let r = unsafe { libc::sigwait(&set, &mut sig) };
        if r != 0 {
            return Err(os_error_now());
        }
        run_pending()?;
        Ok(Value::small(sig as i64))
    });
    def(m, "setitimer", |a| {
        let which = index_of(arg(&a, 0, "which", "setitimer")?)?;
        let secs = float_of(arg(&a, 1, "seconds", "setitimer")?)
            .ok_or_else(|| type_error("seconds must be a number"))?;
        let interval = match opt_arg(&a, 2, "interval") {
            Some(v) => float_of(v).ok_or_else(|| type_error("interval must be a number"))?,
            None => 0.0,
        };
        let new = libc::itimerval {
            it_value: timeval_of(secs),
            it_interval: timeval_of(interval),
        };
        // SAFETY: both structs are caller-owned and initialised.
        let mut old: libc::itimerval = unsafe { std::mem::zeroed() };
        // SAFETY: `new` and `old` are caller-owned; a bad `which` gives EINVAL.
        if unsafe { libc::setitimer(which as libc::c_int, &new, &mut old) } != 0 {
            return Err(os_error_now());
        }
        Ok(itimer_tuple(&old))
    });
    def(m, "getitimer", |a| {
        let which = index_of(arg(&a, 0, "which", "getitimer")?)?;
        // SAFETY: getitimer fills the caller-owned struct.
        let mut cur: libc::itimerval = unsafe { std::mem::zeroed() };
        // SAFETY: getitimer only writes into the caller-owned `cur`; a bad `which` gives EINVAL.
        if unsafe { libc::getitimer(which as libc::c_int, &mut cur) } != 0 {
            return Err(os_error_now());
        }
        Ok(itimer_tuple(&cur))
    });
    def(m, "siginterrupt", |a| {
        let sig = signum_arg(&a, 0, "siginterrupt")?;
        let flag = ops::truthy(arg(&a, 1, "flag", "siginterrupt")?)?;
        // SAFETY: reads the current action of a valid signal into a caller-owned struct and
        // writes it back with only SA_RESTART changed (what siginterrupt(3) does).
        let mut act: libc::sigaction = unsafe { std::mem::zeroed() };
        // SAFETY: `act` holds the action just read; only SA_RESTART changed.
        if unsafe { libc::sigaction(sig as libc::c_int, std::ptr::null(), &mut act) } != 0 {
            return Err(os_error_now());
        }
        if flag {
            act.sa_flags &= !libc::SA_RESTART;
        } else {
            act.sa_flags |= libc::SA_RESTART;
        }
        // SAFETY: writes the action read above back with only SA_RESTART changed.
        if unsafe { libc::sigaction(sig as libc::c_int, &act, std::ptr::null_mut()) } != 0 {
            return Err(os_error_now());
        }
        Ok(Value::NONE)
    });
    def(m, "set_wakeup_fd", |a| {
        // remembered only: pending signals are not written to the descriptor
        let fd = index_of(arg(&a, 0, "fd", "set_wakeup_fd")?)?;
        if !in_main_thread() {
            return Err(value_error(
                "set_wakeup_fd only works in main thread of the main interpreter",
            ));
        }
        Ok(Value::small(WAKEUP_FD.with(|w| w.replace(fd))))
    });
    m
}
