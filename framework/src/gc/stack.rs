//! Conservative scanning of the current thread's native stack and callee-saved registers.
//!
//! Assumes x86-64 Linux (glibc): stack bounds come from `pthread_getattr_np`, and the six
//! callee-saved registers of the System V ABI (rbx, rbp, r12..r15) are spilled to a local
//! array before the scan. Caller-saved registers need no spilling: any value live across the
//! call into the collector has already been saved in some caller's frame, which is scanned.
//! Collections must run on the thread's own stack: on a foreign stack (a `stacker` segment, a
//! coroutine) the process stops with a clear message rather than scan the wrong memory.
//!
//! Every aligned word from the current stack pointer to the top of the stack is read with
//! `read_volatile` (no Rust reference to possibly uninitialized stack memory is formed) and
//! handed to the caller as a candidate pointer. The caller decides what it points into.

use std::cell::Cell;

thread_local! {
    static STACK_BOUNDS: Cell<(usize, usize)> = const { Cell::new((0, 0)) };
}

/// This thread's stack as `(lowest address, highest address + 1)`, cached after the first call.
fn stack_bounds() -> (usize, usize) {
    STACK_BOUNDS.with(|t| {
        if t.get().1 == 0 {
            t.set(query_stack_bounds());
        }
        t.get()
    })
}

fn query_stack_bounds() -> (usize, usize) {
    // SAFETY: `attr` is initialized by pthread_getattr_np before use and destroyed after;
    // the out-pointers are valid locals.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) != 0 {
            eprintln!(
                "fatal: pthread_getattr_np failed; cannot find the stack to scan for GC roots"
            );
            std::process::exit(1);
        }
        let mut addr: *mut libc::c_void = std::ptr::null_mut();
        let mut size: libc::size_t = 0;
        let rc = libc::pthread_attr_getstack(&attr, &mut addr, &mut size);
        libc::pthread_attr_destroy(&mut attr);
        if rc != 0 {
            eprintln!(
                "fatal: pthread_attr_getstack failed; cannot find the stack to scan for GC roots"
            );
            std::process::exit(1);
        }
        (addr as usize, addr as usize + size)
    }
}

/// Spills the callee-saved registers into this frame and calls `f(lo)`, where `lo` is the
/// stack pointer of this frame (below the spill area). While `f` runs, [`scan`] from `lo`
/// sees every frame of the callers of this function plus the spilled registers, and none of
/// the frames `f` itself creates (whose stale slots would cause spurious pinning).
#[inline(never)]
pub(crate) fn with_spilled_registers<R>(f: impl FnOnce(usize) -> R) -> R {
    let mut regs = [0usize; 6];
    let sp: usize;
    // SAFETY: stores six registers into the local array `regs` (48 bytes, valid for writes)
    // and reads rsp; touches no other memory and no flags.
    unsafe {
        std::arch::asm!(
            "mov [{r}], rbx",
            "mov [{r} + 8], rbp",
            "mov [{r} + 16], r12",
            "mov [{r} + 24], r13",
            "mov [{r} + 32], r14",
            "mov [{r} + 40], r15",
            "mov {sp}, rsp",
            r = in(reg) regs.as_mut_ptr(),
            sp = out(reg) sp,
            options(nostack, preserves_flags),
        );
    }
    debug_assert!(sp <= regs.as_ptr() as usize);
    let r = f(sp & !7);
    std::hint::black_box(&regs);
    r
}

/// Calls `f(word)` for every aligned stack word (read with `read_volatile`) from `lo` (a value
/// from [`with_spilled_registers`] whose call is still active) up to the stack top. A plain
/// loop, monomorphized for `f`: the scan runs at every collection, so it must cost a fraction
/// of a nanosecond per word.
#[inline]
pub(crate) fn scan(lo: usize, mut f: impl FnMut(usize)) {
    let (bottom, top) = stack_bounds();
    if lo < bottom || lo >= top {
        // A collection on a stack other than the thread's own (a `stacker` segment, a
        // coroutine): the frames between it and the thread stack cannot be found.
        eprintln!(
            "fatal: GC collection on a foreign stack (sp {lo:#x} outside the thread stack \
             {bottom:#x}..{top:#x}); allocating GC objects on stacker/coroutine stacks is \
             not supported"
        );
        std::process::exit(1);
    }
    let mut a = lo;
    while a < top {
        // SAFETY: `a` is an aligned address inside this thread's mapped stack, between a
        // live frame's stack pointer and the stack top; a volatile read of a usize creates
        // no reference and tolerates any bit pattern.
        f(unsafe { std::ptr::read_volatile(a as *const usize) });
        a += 8;
    }
}
