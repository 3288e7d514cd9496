//! How a panic inside a residual call leaves machine code.
//!
//! Trace code has no unwind tables, so a Rust panic must never unwind through it (the
//! unwinder would find no frame information and abort the process). Instead:
//!
//! 1. The native-ABI trampoline machine code calls for a residual callee runs the callee under
//!    [`catch`]. A panic is caught there, its payload parked in this thread's slot and this
//!    thread's flag set; the trampoline returns a dummy result.
//! 2. After every call, machine code tests the flag (through the pointer the entry stores in
//!    the frame buffer's word [`PANIC_FLAG_WORD`]) and, when it is set, leaves at once through
//!    an exit that saves nothing and returns [`PANIC_EXIT`].
//! 3. Whoever entered the machine code ([`super::x64::EntryPoint::call`]) sees `PANIC_EXIT`,
//!    takes the payload with [`take`] and hands it to its caller, which resumes unwinding with
//!    `std::panic::resume_unwind` once it has put its own state back in order.
//!
//! Assumptions: the flag is set only between a trampoline's catch and the test right after
//! the call that follows it, so no other entry into machine code can observe it; the slot holds
//! at most one payload (a nested level has consumed its own before control returns to the
//! trampoline of the level above, which may then park a new one). Rust callers of residual
//! callees (the tracer, the blackhole) use the unwinding trampolines instead and need none of
//! this.

use std::any::Any;
use std::cell::{Cell, RefCell};

/// The raw exit number machine code returns when a residual call panicked (never a real exit:
/// exit numbers are indices of registered exits, far below `u32::MAX`).
pub const PANIC_EXIT: u64 = u32::MAX as u64;

/// The frame-buffer word that holds the address of the entering thread's panic flag (the
/// last one; exits save at most [`super::MAX_SAVED_WORDS`] values, so they never reach it).
pub const PANIC_FLAG_WORD: usize = super::MAX_FRAME_WORDS - 1;

/// A panic payload.
pub type Payload = Box<dyn Any + Send + 'static>;

thread_local! {
    /// Non-zero while a caught panic waits for machine code to exit (a byte, read by
    /// `cmp byte [flag], 0`).
    static FLAG: Cell<u8> = const { Cell::new(0) };
    static PAYLOAD: RefCell<Option<Payload>> = const { RefCell::new(None) };
}

/// The address of this thread's flag: stable for the thread's lifetime (a const-initialised
/// thread-local without a destructor).
pub fn flag_address() -> u64 {
    FLAG.with(|f| f.as_ptr() as u64)
}

/// Runs `f`; if it panics, parks the payload, sets the flag and returns `None`.
#[inline(always)]
pub fn catch<R>(f: impl FnOnce() -> R) -> Option<R> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => Some(r),
        Err(p) => {
            park(p);
            None
        }
    }
}

#[cold]
#[inline(never)]
fn park(p: Payload) {
    PAYLOAD.with(|s| *s.borrow_mut() = Some(p));
    FLAG.with(|f| f.set(1));
}

/// Takes the parked payload (and clears the flag); `None` if no panic is waiting.
pub fn take() -> Option<Payload> {
    FLAG.with(|f| f.set(0));
    PAYLOAD.with(|s| s.borrow_mut().take())
}

/// Whether a caught panic is waiting.
pub fn pending() -> bool {
    FLAG.with(|f| f.get() != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catch_parks_the_payload_and_take_clears_it() {
        assert!(!pending());
        assert_eq!(catch(|| 5), Some(5));
        assert!(!pending());
        let r: Option<i32> = catch(|| panic!("inside"));
        assert_eq!(r, None);
        assert!(pending());
        // SAFETY: reading this thread's flag through the address machine code uses.
        assert_eq!(unsafe { *(flag_address() as *const u8) }, 1);
        let p = take().expect("payload");
        assert_eq!(p.downcast_ref::<&str>(), Some(&"inside"));
        assert!(!pending());
        assert!(take().is_none());
    }
}
