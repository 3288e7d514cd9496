//! Guest-level finalization: `__del__` of unreachable instances and `close()` of abandoned
//! generators and coroutines, over the collector's `metatracer::gc::guard` / `take_doomed`.
//!
//! pyguest has no reference counting, so an object dies only when a collection finds
//! it unreachable. Objects whose death the program can observe are registered with the
//! collector (`gc::guard`): instances of classes defining `__del__` (at allocation; see
//! `class::alloc_instance`), and generators and coroutines once they suspend at a `yield`
//! covered by a `try`/`with`/`finally` handler (closing one suspended elsewhere has no visible
//! effect). A collection that finds such an object unreachable (a minor one while it is
//! young, a full one later) keeps it alive (with what it refers to) and queues it, unless it
//! is a generator that has finished meanwhile; [`run_pending`] then calls `__del__` / `close()` on each one,
//! once (PEP 442: a resurrected object is not finalized again; a later collection frees it).
//!
//! When this runs: `gc.collect()` runs the queue before returning (so tests are
//! deterministic); after an automatic collection the collector's hook requests a signal poll,
//! and the queue runs at the next Python call (`signal::run_pending`). At interpreter exit,
//! [`finalize_at_exit`] finalizes every object still registered, reachable or not, as CPython
//! does when it clears modules at shutdown (order: registration order, which can differ from
//! CPython's). Errors are printed as CPython's "Exception ignored in: ..." with the traceback,
//! and ignored. An async generator that had a `sys.set_asyncgen_hooks` finalizer when first
//! iterated (asyncio's, which schedules `aclose()`) is registered at its first suspension and
//! the hook is called with it, as CPython does; one without is closed like a generator.

use crate::objects::coroutine::AG_CLOSED;
use crate::objects::ops;
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm;
use metatracer::gc;
use std::cell::Cell;

thread_local! {
    static HOOKED: Cell<bool> = const { Cell::new(false) };
    /// `run_pending` is draining the queue (a finalizer's own calls poll signals, which
    /// would otherwise start the next finalizer inside it).
    static RUNNING: Cell<bool> = const { Cell::new(false) };
}

/// Stand-in type for queued objects (only turned into a `Value`).
struct Target;

fn doomed_hook() {
    crate::modules::signal::request_poll();
}

/// Whether a registered object found dead still needs finalizing: a generator only while
/// suspended (one that finished after it was registered is freed without a `close()`).
///
/// # Safety
/// `p` is the payload of a dead, intact guest object (the collector's contract).
unsafe fn still_needs_finalizer(p: *const u8) -> bool {
    // SAFETY: every guest object starts with its `Kind` byte; a generator's layout is
    // `#[repr(C)]` `GeneratorObj`, whose fields are intact.
    unsafe {
        if *(p as *const Kind) == Kind::Generator {
            let g = &*(p as *const GeneratorObj);
            return g.state.get() == GEN_SUSPENDED;
        }
    }
    true
}

/// Installs the collector's hook and filter for objects registered with `gc::guard`
/// (instances of classes with `__del__`, `objects/class.rs`; generators suspended inside a
/// handler, `interpreter/generators.rs`). Called at start-up on the interpreter's thread, so
/// that the registering code needs nothing from this module.
pub fn install() {
    if !HOOKED.with(|h| h.replace(true)) {
        gc::set_doomed_hook(doomed_hook);
        // SAFETY: the filter reads only the dead object's own fields.
        unsafe { gc::set_doomed_filter(still_needs_finalizer) };
    }
}

/// Finalizes one object taken from the queue.
fn finalize(v: Value) {
    match v.kind() {
        Some(Kind::Generator) => {
            let Some(g) = as_generator(v) else { return };
            if g.state.get() != GEN_SUSPENDED {
                return;
            }
            // an async generator with a finalizer hook (asyncio's schedules `aclose()`) that
            // is not closed yet gets the hook; anything else is closed here (CPython's
            // `_PyGen_Finalize`)
            let fin = g.finalizer.get();
            let r = if !fin.is_null() && g.aflags.get() & AG_CLOSED == 0 {
                ops::call(fin, &[v]).map(|_| ())
            } else {
                crate::interpreter::coroutines::close(g)
            };
            if let Err(e) = r {
                crate::modules::native_class::report_exception("Exception ignored in", v, e.0);
            }
        }
        Some(Kind::Instance) => {
            let Some(del) = ops::lookup_type(vm::type_of(v), "__del__") else {
                return;
            };
            if let Err(e) = ops::call(del, &[v]) {
                crate::modules::native_class::report_exception("Exception ignored in", del, e.0);
            }
        }
        _ => {}
    }
}

/// Runs the finalizers of every queued object (including ones queued meanwhile); returns
/// how many objects were taken (0 when called from inside a finalizer: the outer call goes
/// on with the queue, so finalizers run one after another, in queue order).
pub fn run_pending() -> usize {
    if RUNNING.with(|r| r.replace(true)) {
        return 0;
    }
    let mut n = 0;
    // SAFETY: only guest objects (`Value` payloads) are registered by this module.
    while let Some(o) = unsafe { gc::take_doomed::<Target>() } {
        n += 1;
        finalize(Value::obj(o));
    }
    RUNNING.with(|r| r.set(false));
    n
}

/// At exit: finalizes the queue, then every object still registered (reachable or not),
/// repeating a few times for objects that finalizers created.
pub fn finalize_at_exit() {
    if !HOOKED.with(|h| h.get()) {
        return;
    }
    for _ in 0..4 {
        run_pending();
        gc::doom_all_guarded();
        if run_pending() == 0 {
            break;
        }
    }
}
