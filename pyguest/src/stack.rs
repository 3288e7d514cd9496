//! How much native (Rust) stack this thread has left. Rust-level re-entry (the interpreter
//! loop started from Rust, built-ins calling back into Python, containers recursing into
//! their items: `interpreter::call::enter_native`) and the compiler's nesting limit
//! (`compiler/nesting.rs`) check it, so deep recursion ends in `RecursionError` rather than a
//! stack overflow. The floor is found once per thread with `pthread_getattr_np`.

use std::cell::Cell;

/// Bytes of native stack kept free below the deepest re-entry: room to raise the
/// `RecursionError` and for the work one level does before it reaches the next check.
const STACK_MARGIN: usize = 1 << 20;

thread_local! {
    /// Lowest native stack address re-entry may reach on this thread (0: not yet known).
    static STACK_FLOOR: Cell<usize> = const { Cell::new(0) };
}

/// This thread's stack floor: its lowest address plus [`STACK_MARGIN`] (or a quarter of the
/// stack if that is smaller), from `pthread_getattr_np`; `1` if the stack cannot be found
/// (then only the counter applies).
#[cold]
fn stack_floor_slow() -> usize {
    // SAFETY: `attr` is initialized by pthread_getattr_np before use and destroyed after; the
    // out-pointers are valid locals.
    let floor = unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) != 0 {
            1
        } else {
            let mut addr: *mut libc::c_void = std::ptr::null_mut();
            let mut size: libc::size_t = 0;
            let rc = libc::pthread_attr_getstack(&attr, &mut addr, &mut size);
            libc::pthread_attr_destroy(&mut attr);
            if rc != 0 || addr.is_null() {
                1
            } else {
                addr as usize + STACK_MARGIN.min(size / 4)
            }
        }
    };
    STACK_FLOOR.with(|f| f.set(floor));
    floor
}

/// Replaces this thread's stack floor (0: find the OS thread's again), returning the old one:
/// a switch to a Python thread on its own native stack installs that stack's floor
/// (`threads.rs`).
pub fn swap_floor(floor: usize) -> usize {
    STACK_FLOOR.with(|f| f.replace(floor))
}

/// Bytes kept free at the bottom of a stack of `size` bytes (see [`STACK_MARGIN`]).
pub fn margin_for(size: usize) -> usize {
    STACK_MARGIN.min(size / 4)
}

/// Whether the native stack is too deep for another level of re-entry.
#[inline]
pub fn stack_exhausted() -> bool {
    let probe = 0u8;
    let sp = std::ptr::addr_of!(probe) as usize;
    let floor = STACK_FLOOR.with(|f| f.get());
    let floor = if floor == 0 {
        stack_floor_slow()
    } else {
        floor
    };
    sp < floor
}

/// Native stack bytes left above this thread's floor (see [`stack_exhausted`]).
pub fn stack_left() -> usize {
    let probe = 0u8;
    let sp = std::ptr::addr_of!(probe) as usize;
    let floor = STACK_FLOOR.with(|f| f.get());
    let floor = if floor == 0 {
        stack_floor_slow()
    } else {
        floor
    };
    sp.saturating_sub(floor)
}
