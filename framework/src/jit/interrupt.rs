//! Interrupts: a process-wide flag that makes every compiled loop return to the interpreter,
//! so that a guest can deliver an asynchronous event (Ctrl-C, a signal handler, a finalizer
//! queue) in a loop that makes no call.
//!
//! The guest's interpreter polls its own state at guest backward jumps (one relaxed load of
//! [`pending`], outside traced code: `if !we_are_jitted() && interrupt::pending() { .. }`).
//! Compiled code cannot run that poll, so the framework checks for it: every loop trace
//! starts with `guard_not_interrupted`, which compares the flag's word with zero (a
//! `mov`/`cmp`/`jne`; `unroll` keeps one copy in the preamble and one at the top of the
//! peeled loop, so every iteration of every compiled loop tests it, and a bridge jumps to a
//! loop's label and so to its check). When [`request`] has set the flag, the guard fails,
//! the blackhole finishes the guest instruction and the interpreter goes on; the driver
//! does not enter compiled code while the flag is set, so the interpreter reaches the
//! guest's next backward jump, where the guest polls, handles the event and clears the flag
//! ([`take`]). Such an exit never gets a bridge.
//!
//! Assumptions: [`request`] is async-signal-safe (one atomic store), so an OS signal
//! handler may call it; the flag is shared by all threads (compiled loops of every thread
//! leave; the guest decides which thread handles the event). A guest that never clears the
//! flag keeps running correctly, in its interpreter.

use std::sync::atomic::{AtomicU64, Ordering};

/// The flag machine code tests (non-zero: interrupted). A word, so that the compare is one
/// instruction on its absolute address.
static FLAG: AtomicU64 = AtomicU64::new(0);

/// Asks running compiled loops to return to the interpreter (and the driver not to enter
/// compiled code) until the guest clears the flag. Async-signal-safe.
#[inline]
pub fn request() {
    FLAG.store(1, Ordering::SeqCst);
}

/// Whether an interrupt was requested and not yet taken (one relaxed load).
#[inline(always)]
pub fn pending() -> bool {
    FLAG.load(Ordering::Relaxed) != 0
}

/// Clears the flag; returns whether it was set.
#[inline]
pub fn take() -> bool {
    FLAG.swap(0, Ordering::SeqCst) != 0
}

/// The address of the flag's word, embedded in machine code by `guard_not_interrupted`.
pub(crate) fn flag_addr() -> usize {
    FLAG.as_ptr() as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_take_pending() {
        // (the flag is process-wide; this is the only unit test that sets it)
        assert!(!pending());
        request();
        assert!(pending());
        // SAFETY: the address is the live static's word.
        assert_eq!(unsafe { *(flag_addr() as *const u64) }, 1);
        assert!(take());
        assert!(!pending());
        assert!(!take());
    }
}
