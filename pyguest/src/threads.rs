//! Python threads as stackful coroutines on the interpreter's one OS thread, and their
//! scheduler.
//!
//! Why not OS threads: the collector's heap, the VM state and the JIT's caches are per OS
//! thread (`thread_local!`), so a second OS thread would see an empty heap. Instead every
//! Python thread but the main one runs on its own native stack (a `corosensei` coroutine,
//! [`THREAD_STACK`] bytes of address space, committed as it is touched), registered with the
//! collector (`gc::register_stack`); every switch away from a stack goes through
//! `gc::suspend_current`, so collections scan every suspended thread's frames. There is no
//! parallelism: one thread runs at a time, as under CPython's GIL.
//!
//! Switches happen only at:
//! * blocking points: [`block_on`] (lock acquires, so `join`, `Condition.wait`, `Event.wait`,
//!   `queue.Queue.get`) and [`sleep_until`] (`time.sleep`);
//! * the switch interval: [`tick`] at every backward jump counts down [`TICKS`] jumps, then
//!   [`slice_expired`] switches if the running thread has had [`SLICE`] (5 ms, CPython's
//!   `sys.getswitchinterval()`) of time, so a busy thread cannot starve the others.
//!
//! The scheduler runs on the main thread's stack: coroutines are resumed only from there, and
//! a coroutine that blocks or whose slice ends suspends back to it. A thread blocked in
//! [`block_on`] is resumed (to re-test its condition) only when something may have changed:
//! the [`notify`] epoch moved (a lock was released, a thread ended) or its deadline passed.
//! When no thread can run, the main thread sleeps until the earliest deadline; when every
//! thread waits with no deadline, the main thread's wait raises `RuntimeError` (deadlock)
//! instead of hanging.
//!
//! A switch saves and restores the interpreter's per-thread state: the executing frame, the
//! call depth, the re-entry count, the handled-exception stack (its contents move to the
//! thread's own list) and the native stack floor (`stack.rs`).
//!
//! The JIT: a switch is always inside a residual call (`slice_expired`, a lock's `acquire`,
//! `time.sleep`), so compiled code and the tracer see it as a call that may write any memory;
//! their frames stay on the suspended thread's stack, and the driver holds no borrow across
//! residual calls (ARCHITECTURE.md, invariant 8), so another thread may run, trace and enter
//! compiled code meanwhile. In a program that never starts a thread, [`tick`] costs nothing
//! in traces: its test reads a quasi-immutable flag that folds to false.
//!
//! Threads still suspended when the program ends are abandoned (their coroutines leaked,
//! never unwound: machine code frames cannot be unwound), as daemon threads are in CPython.

use crate::interpreter::PyResult;
use crate::objects::{new_list_cap, ListObj};
use crate::vm::{self, vm};
use corosensei::stack::{DefaultStack, Stack};
use corosensei::{Coroutine, CoroutineResult, Yielder};
use metatracer::gc::{self, Gc, Root};
use std::cell::{Cell, RefCell};
use std::mem::ManuallyDrop;
use std::time::{Duration, Instant};

/// Address space of each thread's native stack (pages are committed as they are touched).
const THREAD_STACK: usize = 256 << 20;
/// Backward jumps between two looks at the clock.
const TICKS: i64 = 1000;
/// Time a thread runs before it lets the others run (CPython's default switch interval).
const SLICE: Duration = Duration::from_millis(5);

type Co = Coroutine<(), (), (), DefaultStack>;

#[derive(Clone, Copy, PartialEq)]
enum RunState {
    /// May run (started, or its slice ended).
    Runnable,
    /// Waits in [`block_on`]: worth resuming when the epoch differs or the deadline passed.
    Blocked {
        deadline: Option<Instant>,
        epoch: u64,
    },
}

/// The interpreter's per-thread state while the thread is switched out.
#[derive(Clone, Copy)]
struct Saved {
    frame: usize,
    depth: usize,
    reentry: usize,
    floor: usize,
}

struct PyThread {
    ident: i64,
    /// None for the main thread. Never dropped while suspended (see the module doc).
    co: Option<ManuallyDrop<Box<Co>>>,
    yielder: *const Yielder<(), ()>,
    state: RunState,
    saved: Saved,
    /// The handled-exception stack while the thread is switched out.
    handled: Root<ListObj>,
    /// Kept for as long as the coroutine's stack exists.
    reg: Option<ManuallyDrop<gc::StackRegistration>>,
}

struct Sched {
    /// Index 0 is the main thread (made by the first `start`).
    threads: Vec<PyThread>,
    current: usize,
    epoch: u64,
    slice_start: Instant,
    /// Where the next round of the main thread's scheduling starts (round robin).
    next: usize,
}

thread_local! {
    static SCHED: RefCell<Option<Sched>> = const { RefCell::new(None) };
    static NEXT_IDENT: Cell<i64> = const { Cell::new(1) };
    static SLICE_OBJ: RefCell<Option<Root<SliceObj>>> = const { RefCell::new(None) };
}

/// The switch-interval counter as traces see it.
#[repr(C)]
#[derive(metatracer::Trace, metatracer::Layout)]
pub struct SliceObj {
    /// True once a second thread was started: until then [`tick`] folds away in traces.
    threaded: metatracer::QuasiImmut<bool>,
    /// Backward jumps left before [`slice_expired`] looks at the clock.
    countdown: Cell<i64>,
}

/// The interpreter's switch-interval object (elidable: one per interpreter, a constant in
/// traces).
#[metatracer::elidable]
fn slice_obj() -> Gc<SliceObj> {
    SLICE_OBJ.with(|s| {
        let mut s = s.borrow_mut();
        s.get_or_insert_with(|| {
            Root::new(gc::alloc(SliceObj {
                threaded: metatracer::QuasiImmut::new(false),
                countdown: Cell::new(TICKS),
            }))
        })
        .get()
    })
}

/// The switch interval, at every backward jump of the interpreter (and of traces).
#[metatracer::look_inside]
#[inline(always)]
pub fn tick() {
    let s = slice_obj();
    if s.threaded.get() {
        let n = s.countdown.get() - 1;
        s.countdown.set(n);
        if n <= 0 {
            slice_expired();
        }
    }
}

/// The countdown of [`tick`] ran out: switch if this thread's time slice is over.
#[metatracer::dont_look_inside]
#[inline(never)]
fn slice_expired() {
    slice_obj().countdown.set(TICKS);
    let (cur, start) = match with_sched(|s| (s.current, s.slice_start)) {
        Some(x) => x,
        None => return,
    };
    if start.elapsed() < SLICE {
        return;
    }
    if cur == 0 {
        run_round();
    } else {
        with_sched(|s| s.threads[cur].state = RunState::Runnable);
        suspend_to_main();
    }
    with_sched(|s| s.slice_start = Instant::now());
}

fn with_sched<R>(f: impl FnOnce(&mut Sched) -> R) -> Option<R> {
    SCHED.with(|s| s.borrow_mut().as_mut().map(f))
}

fn main_ident() -> i64 {
    std::process::id() as i64
}

/// The ident of the running Python thread (`_thread.get_ident()`).
pub fn current_ident() -> i64 {
    with_sched(|s| s.threads[s.current].ident).unwrap_or_else(main_ident)
}

/// A fresh thread ident.
pub fn new_ident() -> i64 {
    main_ident()
        + NEXT_IDENT.with(|n| {
            let v = n.get();
            n.set(v + 1);
            v
        })
}

/// How many threads exist besides the main one.
pub fn count() -> usize {
    with_sched(|s| s.threads.len() - 1).unwrap_or(0)
}

/// Something a blocked thread may wait for changed (a lock was released, a thread ended).
pub fn notify() {
    with_sched(|s| s.epoch += 1);
}

fn capture() -> Saved {
    let v = vm();
    Saved {
        frame: crate::interpreter::frame::swap_current_frame(0),
        depth: v.depth.get(),
        reentry: v.reentry.get(),
        floor: crate::stack::swap_floor(0),
    }
}

fn install(s: Saved) {
    let v = vm();
    crate::interpreter::frame::swap_current_frame(s.frame);
    v.depth.set(s.depth);
    v.reentry.set(s.reentry);
    crate::stack::swap_floor(s.floor);
}

/// Moves every item of `from` to the end of `to`, emptying `from`.
fn move_items(from: Gc<ListObj>, to: Gc<ListObj>) {
    for i in 0..from.len() {
        to.push(from.get(i));
    }
    from.clear();
}

/// Starts a thread with ident `ident` that runs `body` (which must handle every Python
/// error itself). It first runs when the current thread blocks or its slice ends.
pub fn start(ident: i64, body: Box<dyn FnOnce()>) -> PyResult<()> {
    let stack = DefaultStack::new(THREAD_STACK).map_err(|e| {
        vm::exc(
            vm::C::RuntimeError,
            format!("can't start new thread: no memory for its stack ({e})"),
        )
    })?;
    let (limit, base) = (stack.limit().get(), stack.base().get());
    // SAFETY: the registration lives in the thread's record and is dropped before the
    // coroutine (and so the stack) is, or leaked with it.
    let reg = unsafe { gc::register_stack(limit, base) };
    let co = Coroutine::with_stack(stack, move |y: &Yielder<(), ()>, ()| {
        with_sched(|s| {
            let cur = s.current;
            s.threads[cur].yielder = y as *const _;
        });
        body();
    });
    let floor = limit + crate::stack::margin_for(THREAD_STACK);
    let first = SCHED.with(|s| s.borrow().is_none());
    if first {
        let main = PyThread {
            ident: main_ident(),
            co: None,
            yielder: std::ptr::null(),
            state: RunState::Runnable,
            saved: Saved {
                frame: 0,
                depth: 0,
                reentry: 0,
                floor: 0,
            },
            handled: Root::new(new_list_cap(0)),
            reg: None,
        };
        SCHED.with(|s| {
            *s.borrow_mut() = Some(Sched {
                threads: vec![main],
                current: 0,
                epoch: 0,
                slice_start: Instant::now(),
                next: 1,
            })
        });
        slice_obj().threaded.set(true);
    }
    let t = PyThread {
        ident,
        co: Some(ManuallyDrop::new(Box::new(co))),
        yielder: std::ptr::null(),
        state: RunState::Runnable,
        saved: Saved {
            frame: 0,
            depth: 0,
            reentry: 0,
            floor,
        },
        handled: Root::new(new_list_cap(0)),
        reg: Some(ManuallyDrop::new(reg)),
    };
    with_sched(|s| s.threads.push(t));
    Ok(())
}

/// Whether thread `i` is worth resuming now.
fn runnable(s: &Sched, i: usize, now: Instant) -> bool {
    match s.threads[i].state {
        RunState::Runnable => true,
        RunState::Blocked { deadline, epoch } => {
            epoch != s.epoch || deadline.is_some_and(|d| d <= now)
        }
    }
}

/// Runs thread `i` (not the main one) from the main thread until it suspends or ends.
fn resume(i: usize) {
    let handled = vm().handled.get();
    let Some((main_list, its_list)) =
        with_sched(|s| (s.threads[0].handled.get(), s.threads[i].handled.get()))
    else {
        return;
    };
    // (outside any borrow of the scheduler: growing a list may collect)
    move_items(handled, main_list);
    move_items(its_list, handled);
    let me = capture();
    let co: *mut Co = match with_sched(|s| {
        s.threads[0].saved = me;
        let t = &mut s.threads[i];
        t.state = RunState::Runnable;
        install(t.saved);
        s.current = i;
        s.slice_start = Instant::now();
        t.co.as_mut().map(|c| &mut ***c as *mut Co)
    }) {
        Some(Some(c)) => c,
        _ => return,
    };
    // SAFETY: the boxed coroutine stays in thread `i`'s record (only this function removes
    // it, after the resume returned); nothing else resumes it meanwhile.
    let r = gc::suspend_current(|| unsafe { (*co).resume(()) });
    let saved = capture();
    let finished = with_sched(|s| {
        s.threads[i].saved = saved;
        install(s.threads[0].saved);
        s.current = 0;
        s.slice_start = Instant::now();
        if let CoroutineResult::Return(()) = r {
            let mut t = s.threads.remove(i);
            s.epoch += 1;
            Some((t.reg.take(), t.co.take()))
        } else {
            None
        }
    });
    move_items(handled, its_list);
    move_items(main_list, handled);
    if let Some(Some((reg, co))) = finished {
        // the registration goes before the stack does
        drop(reg.map(ManuallyDrop::into_inner));
        drop(co.map(ManuallyDrop::into_inner));
    }
}

/// Suspends the running thread (not the main one) back to the main thread's scheduler.
fn suspend_to_main() {
    let y = with_sched(|s| s.threads[s.current].yielder).unwrap_or(std::ptr::null());
    if y.is_null() {
        return;
    }
    // SAFETY: the yielder belongs to the running coroutine, which is alive (it is running).
    gc::suspend_current(|| unsafe { (*y).suspend(()) });
}

/// From the main thread: resumes once every other thread that can run, in turn. Returns
/// whether any ran.
fn run_round() -> bool {
    let mut ran = false;
    let n = with_sched(|s| s.threads.len()).unwrap_or(1);
    if n <= 1 {
        return false;
    }
    let start = with_sched(|s| s.next).unwrap_or(1);
    let idents: Vec<i64> = with_sched(|s| {
        let len = s.threads.len();
        (0..len - 1)
            .map(|k| 1 + (start - 1 + k) % (len - 1))
            .map(|i| s.threads[i].ident)
            .collect()
    })
    .unwrap_or_default();
    for ident in idents {
        let now = Instant::now();
        let Some(i) = with_sched(|s| {
            s.threads
                .iter()
                .position(|t| t.ident == ident)
                .filter(|&i| runnable(s, i, now))
        })
        .flatten() else {
            continue;
        };
        resume(i);
        ran = true;
        with_sched(|s| s.next = i + 1);
    }
    ran
}

/// Blocks the running Python thread until `ready()` holds (true) or `deadline` passes
/// (false), letting the other threads run. `ready` is tested on this thread's stack, before
/// waiting and after each time something may have changed ([`notify`]). With no other thread
/// that could make it true (every thread waits with no deadline), it raises `RuntimeError`
/// instead of hanging; with no other thread at all it sleeps until the deadline.
pub fn block_on(ready: &mut dyn FnMut() -> bool, deadline: Option<Instant>) -> PyResult<bool> {
    loop {
        if ready() {
            return Ok(true);
        }
        let now = Instant::now();
        if deadline.is_some_and(|d| d <= now) {
            return Ok(false);
        }
        let cur = with_sched(|s| s.current);
        match cur {
            Some(c) if c != 0 => {
                with_sched(|s| {
                    s.threads[c].state = RunState::Blocked {
                        deadline,
                        epoch: s.epoch,
                    }
                });
                suspend_to_main();
            }
            _ => {
                let before = with_sched(|s| s.epoch).unwrap_or(0);
                if run_round() {
                    continue;
                }
                // nothing could run: sleep until the earliest deadline, mine or another's
                let others = with_sched(|s| {
                    s.threads[1..]
                        .iter()
                        .filter_map(|t| match t.state {
                            RunState::Blocked { deadline, .. } => deadline,
                            RunState::Runnable => Some(Instant::now()),
                        })
                        .min()
                })
                .flatten();
                let wake = match (deadline, others) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                let changed = with_sched(|s| s.epoch).unwrap_or(0) != before;
                match wake {
                    _ if changed => {}
                    Some(w) => {
                        let now = Instant::now();
                        if w > now {
                            std::thread::sleep((w - now).min(Duration::from_millis(50)));
                        }
                    }
                    None => {
                        return Err(vm::exc(
                            vm::C::RuntimeError,
                            "deadlock: every thread is blocked waiting (a lock acquire, join \
                             or queue get that no running thread can satisfy)",
                        ))
                    }
                }
            }
        }
    }
}

/// Lets the other threads that can run do so once (`time.sleep(0)`): a thread's slice ends.
pub fn yield_now() {
    match with_sched(|s| s.current) {
        Some(0) => {
            run_round();
        }
        Some(c) => {
            with_sched(|s| s.threads[c].state = RunState::Runnable);
            suspend_to_main();
        }
        None => {}
    }
}

/// Sleeps the running Python thread until `deadline`, letting the other threads run (an OS
/// sleep when there are none).
pub fn sleep_until(deadline: Instant) -> PyResult<()> {
    if count() == 0 {
        let now = Instant::now();
        if deadline > now {
            std::thread::sleep(deadline - now);
        }
        return Ok(());
    }
    block_on(&mut || false, Some(deadline)).map(|_| ())
}
