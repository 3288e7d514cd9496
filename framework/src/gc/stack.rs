//! Conservative scanning of the native stacks of the current thread and callee-saved registers.
//!
//! Assumes x86-64 Linux (glibc): the thread's own stack bounds come from `pthread_getattr_np`,
//! and the six callee-saved registers of the System V ABI (rbx, rbp, r12..r15) are spilled to a
//! local array before the scan. Caller-saved registers need no spilling: any value live across
//! the call into the collector has already been saved in some caller's frame, which is scanned.
//!
//! An embedder that switches the thread between several native stacks (stackful coroutines,
//! green threads) tells the collector about them:
//! * [`register_stack`] names an extra stack the mutator may run on (its bounds), so that a
//!   collection on it scans from the stack pointer to *its* top;
//! * [`suspend_current`] wraps the switch away from a stack: it spills the registers, records
//!   the stack's live range (stack pointer to top) as *suspended* for as long as the switch
//!   call has not returned, and every collection meanwhile scans that range too.
//!
//! A collection on a stack that is neither the thread's own nor registered (a `stacker`
//! segment, an unregistered coroutine) stops the process with a clear message rather than
//! scan the wrong memory.
//!
//! Every aligned word of a scanned range is read with `read_volatile` (no Rust reference to
//! possibly uninitialized stack memory is formed) and handed to the caller as a candidate
//! pointer. The caller decides what it points into.

use std::cell::{Cell, RefCell};

thread_local! {
    static STACK_BOUNDS: Cell<(usize, usize)> = const { Cell::new((0, 0)) };
    static EXTRA: RefCell<Extra> = const { RefCell::new(Extra { stacks: Vec::new(), suspended: Vec::new() }) };
}

/// The embedder's stacks of this thread.
struct Extra {
    /// Registered stacks `(lowest address, top)`; `None` marks a free slot.
    stacks: Vec<Option<(usize, usize)>>,
    /// Live ranges `(stack pointer, top)` of suspended stacks; `None` marks a free slot.
    suspended: Vec<Option<(usize, usize)>>,
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

/// Takes a free slot of `v` for `x` and returns its index.
fn insert(v: &mut Vec<Option<(usize, usize)>>, x: (usize, usize)) -> usize {
    match v.iter().position(Option::is_none) {
        Some(i) => {
            v[i] = Some(x);
            i
        }
        None => {
            v.push(Some(x));
            v.len() - 1
        }
    }
}

/// A native stack registered with [`register_stack`]; dropping it unregisters the stack.
#[must_use = "the stack is unregistered when this is dropped"]
pub struct StackRegistration {
    index: usize,
}

impl Drop for StackRegistration {
    fn drop(&mut self) {
        let _ = EXTRA.try_with(|e| e.borrow_mut().stacks[self.index] = None);
    }
}

/// Registers `[bottom, top)` as a native stack this thread's mutator may run on besides its
/// own (a coroutine's), until the returned value is dropped. A collection that starts on it
/// scans from its stack pointer up to `top`.
///
/// # Safety
/// The range must stay mapped and readable while registered; unregister (drop the result)
/// before freeing it. Switches away from it must go through [`suspend_current`].
pub unsafe fn register_stack(bottom: usize, top: usize) -> StackRegistration {
    assert!(
        bottom < top,
        "register_stack: empty range {bottom:#x}..{top:#x}"
    );
    let index = EXTRA.with(|e| insert(&mut e.borrow_mut().stacks, (bottom, top)));
    StackRegistration { index }
}

/// The top of the stack (the thread's own or a registered one) that contains `sp`.
fn top_of(sp: usize) -> Option<usize> {
    let (bottom, top) = stack_bounds();
    if sp >= bottom && sp < top {
        return Some(top);
    }
    EXTRA.with(|e| {
        e.borrow()
            .stacks
            .iter()
            .flatten()
            .find(|&&(b, t)| sp >= b && sp < t)
            .map(|&(_, t)| t)
    })
}

/// Runs `f`, a call that switches this thread to another native stack and returns when
/// something switches back, with the current stack recorded as suspended: until `f` returns,
/// every collection (on whatever stack it runs) also scans this stack from here up to its
/// top, and the callee-saved registers are spilled into that range first. The current stack
/// must be the thread's own or one registered with [`register_stack`]; otherwise the process
/// stops with a message (its top is unknown).
///
/// `f` itself must not hold GC references that the code on the other stacks needs (its frames
/// lie below the recorded range); callers pass a closure that only performs the switch.
#[inline(never)]
pub fn suspend_current<R>(f: impl FnOnce() -> R) -> R {
    with_spilled_registers(|sp| {
        let Some(top) = top_of(sp) else {
            eprintln!(
                "fatal: gc::suspend_current on an unregistered stack (sp {sp:#x}); register \
                 coroutine stacks with gc::register_stack"
            );
            std::process::exit(1);
        };
        let index = EXTRA.with(|e| insert(&mut e.borrow_mut().suspended, (sp, top)));
        let r = f();
        let _ = EXTRA.try_with(|e| e.borrow_mut().suspended[index] = None);
        r
    })
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

/// Hands `f` every aligned word of `[lo, top)`.
#[inline]
fn scan_range(lo: usize, top: usize, f: &mut impl FnMut(usize)) {
    let mut a = lo;
    while a < top {
        // SAFETY: `a` is an aligned address inside a mapped stack (the thread's own or a
        // registered one), between a live or suspended frame's stack pointer and the stack
        // top; a volatile read of a usize creates no reference and tolerates any bit pattern.
        f(unsafe { std::ptr::read_volatile(a as *const usize) });
        a += 8;
    }
}

/// Diagnostics ([`crate::gc::debug_conservative_refs`]): calls `f(address, word)` for every
/// aligned word of the stack `lo` lies in, from `lo` to its top (suspended stacks left out).
pub(crate) fn scan_with_addresses(lo: usize, mut f: impl FnMut(usize, usize)) {
    let Some(top) = top_of(lo) else { return };
    let mut a = lo;
    while a < top {
        // SAFETY: as in `scan_range`.
        f(a, unsafe { std::ptr::read_volatile(a as *const usize) });
        a += 8;
    }
}

/// The top (highest address + 1) of the stack `sp` lies in, if known.
pub(crate) fn stack_top_of(sp: usize) -> Option<usize> {
    top_of(sp)
}

/// Calls `f(word)` for every aligned stack word (read with `read_volatile`) from `lo` (a value
/// from [`with_spilled_registers`] whose call is still active) up to the top of the stack it
/// lies in, then for every word of every suspended stack range ([`suspend_current`]). A plain
/// loop, monomorphized for `f`: the scan runs at every collection, so it must cost a fraction
/// of a nanosecond per word.
#[inline]
pub(crate) fn scan(lo: usize, mut f: impl FnMut(usize)) {
    let Some(top) = top_of(lo) else {
        // A collection on a stack other than the thread's own or a registered one (a
        // `stacker` segment, a coroutine): the frames between it and the thread stack
        // cannot be found.
        let (bottom, top) = stack_bounds();
        eprintln!(
            "fatal: GC collection on a foreign stack (sp {lo:#x} outside the thread stack \
             {bottom:#x}..{top:#x} and every registered stack); allocating GC objects on \
             stacker/coroutine stacks needs gc::register_stack"
        );
        std::process::exit(1);
    };
    scan_range(lo, top, &mut f);
    EXTRA.with(|e| {
        for &(sp, top) in e.borrow().suspended.iter().flatten() {
            scan_range(sp, top, &mut f);
        }
    });
}
