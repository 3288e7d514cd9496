//! Frames: allocation and recycling (a per-code free list), the thread's current frame and
//! call depth ([`ExecState`], for `super()`, `globals()`, `sys._getframe` and the recursion
//! limit), line numbers and cells.
//!
//! A frame's `regs` array holds the locals, then the cells (own cell variables, then the
//! closure's free variables), then the value stack. A recycled frame has NULL in every
//! register below its old stack top.

use crate::objects::*;
use crate::value::{Kind, Value};
use metatracer::gc::{self, Gc, GcCell};
use std::cell::Cell;

/// The thread's execution state that traced code reads and writes as memory (RPython's
/// execution context): the executing frame and the recursion depth. A GC object reached
/// through [`crate::vm::Vm::exec`], so that a trace finds it as a constant
/// ([`exec_state`]) and its stores are ordinary lazy stores: a call inlined into a trace
/// with a virtual frame (`opcodes_calls.rs`, "virtual frames") stores the callee's frame
/// here, the return stores the caller's, and when nothing reads the field in between the
/// first store is never performed (a guard lists it as a pending store, which
/// materializes the frame only if the guard fails).
#[repr(C)]
#[derive(metatracer::Trace, metatracer::Layout)]
pub struct ExecState {
    /// The executing frame (for `super()`, `globals()`, `sys._getframe`), or None.
    pub frame: GcCell<Option<Gc<FrameObj>>>,
    /// Python call depth (`vm().depth` reads and writes it).
    pub depth: Cell<usize>,
    /// `sys.getrecursionlimit()`.
    pub limit: Cell<usize>,
}

/// The thread's [`ExecState`] (elidable: one per thread, a constant in traces).
#[metatracer::elidable]
#[inline(always)]
pub(super) fn exec_state() -> Gc<ExecState> {
    crate::vm::vm().exec.get()
}

/// The frame currently executing (for `super()`, `globals()`, `sys._getframe`).
pub fn current_frame() -> Option<Gc<FrameObj>> {
    crate::vm::vm().exec.get().frame.get()
}

/// Replaces the executing frame's address (0: none), returning the old one: a thread switch
/// saves the switched-out thread's and installs the other's (`threads.rs`), and a nested
/// run restores its caller's. The saved frame stays pinned by the native stack that holds
/// its address (the suspended thread's, or the caller's), which the collector scans.
pub fn swap_current_frame(a: usize) -> usize {
    let st = crate::vm::vm().exec.get();
    let old = st.frame.get().map_or(0, |f| f.addr());
    let new = if a == 0 {
        None
    } else {
        // SAFETY: `a` is the address of a live frame (saved by this function earlier).
        Some(unsafe { Gc::from_raw(a as *const FrameObj) })
    };
    st.frame.set(new);
    old
}

/// The executing frame's address (0: none), to restore later with [`swap_current_frame`].
#[inline]
pub(super) fn current_frame_addr() -> usize {
    crate::vm::vm()
        .exec
        .get()
        .frame
        .get()
        .map_or(0, |f| f.addr())
}

#[inline(always)]
pub(super) fn set_cur(f: Gc<FrameObj>) {
    crate::vm::vm().exec.get().frame.set(Some(f));
}

pub fn new_frame(code: Gc<CodeObj>, globals: Gc<DictObj>, ns: Value, func: Value) -> Gc<FrameObj> {
    let d = &code.d;
    let nl = d.varnames.len();
    let nc = d.cellvars.len() + d.freevars.len();
    if let Some(free) = as_list_exact(code.free_frames.get()) {
        if let Some(fv) = free.pop() {
            // SAFETY: only frames of this code are put on its free list.
            let f: Gc<FrameObj> = unsafe { fv.as_gc() };
            f.pc.set(0);
            f.sp.set((nl + nc) as u32);
            f.exc_depth.set(0);
            f.globals_c.set(globals);
            f.ns_c.set(ns);
            f.func_c.set(func);
            f.entry.set(false);
            f.yielded.set(false);
            return f;
        }
    }
    let regs = gc::alloc_array(nl + nc + d.stacksize as usize, Value::NULL);
    gc::alloc(FrameObj {
        kind: Kind::Frame,
        pc: Cell::new(0),
        sp: Cell::new((nl + nc) as u32),
        exc_depth: Cell::new(0),
        code,
        globals_c: GcCell::new(globals),
        ns_c: GcCell::new(ns),
        regs,
        back: GcCell::new(None),
        func_c: GcCell::new(func),
        escaped: Cell::new(false),
        entry: Cell::new(false),
        yielded: Cell::new(false),
        boxed: false,
    })
}

/// Frames kept per code object for reuse (allocation is the main cost of a call).
const FREE_FRAMES_PER_CODE: usize = 48;

/// Returns a finished frame to its code's free list (unless something else may refer to it),
/// its registers cleared.
#[inline]
pub(super) fn release_frame(f: Gc<FrameObj>) {
    if f.escaped.get() {
        return;
    }
    let code = f.code;
    let d = &code.d;
    let n = d.varnames.len() + d.cellvars.len() + d.freevars.len();
    // (a frame traced code made, `FrameBox`, has at most 15 registers and is not recycled,
    // so `clear_free_frames` never sees it: all of them; other frames up to the stack top)
    let top = if f.boxed {
        f.regs.len()
    } else {
        (f.sp.get() as usize).max(n).min(f.regs.len())
    };
    // SAFETY: storing NULL creates no reference, so these stores need no write barrier; no
    // other reference into the frame's registers is live here (the frame has finished).
    // (also when the frame is not kept: a stale copy of its address on the conservatively
    // scanned native stack would keep its locals alive)
    unsafe { f.regs.as_mut_slice()[..top].fill(Value::NULL) };
    f.back.set(None);
    f.ns_c.set(Value::NULL);
    f.func_c.set(Value::NULL);
    // (a `FrameBox`'s register array is sized for the call it was made for)
    if f.boxed {
        return;
    }
    let free = match as_list_exact(code.free_frames.get()) {
        Some(l) => l,
        None => {
            let l = new_list_cap(4);
            code.free_frames.set(Value::obj(l));
            // so `gc.collect()` can clear the stale stack slots of waiting frames
            register_free_list(l);
            l
        }
    };
    if free.len() < FREE_FRAMES_PER_CODE {
        free.push(Value::obj(f));
    }
}

/// Source line the frame is at.
pub fn frame_line(f: Gc<FrameObj>) -> u32 {
    let pc = f.pc.get() as usize;
    let lines = &f.code.d.lines;
    if lines.is_empty() {
        return f.code.d.firstline;
    }
    lines[pc.saturating_sub(1).min(lines.len() - 1)]
}

pub(super) fn init_cells(f: Gc<FrameObj>, closure: Value) {
    let d = &f.code.d;
    let nl = d.varnames.len();
    for (i, ca) in d.cell_args.iter().enumerate() {
        let init = match ca {
            Some(a) => f.regs.get(*a as usize),
            None => Value::NULL,
        };
        f.regs.set(nl + i, new_cell(init));
    }
    if let Some(t) = as_tuple_exact(closure) {
        let base = nl + d.cellvars.len();
        for (j, &c) in t.as_slice().iter().enumerate() {
            f.regs.set(base + j, c);
        }
    }
}

// ---------------------------------------------------------------- free lists and gc.collect()

thread_local! {
    /// The per-code free lists of recycled frames (weakly: a list dies with its code object).
    static FREE_LISTS: std::cell::RefCell<Vec<metatracer::gc::Weak<ListObj>>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Records a code object's new frame free list (once per code object that recycles frames),
/// so `gc.collect()` can clear the frames waiting in it ([`clear_free_frames`]).
fn register_free_list(l: Gc<ListObj>) {
    FREE_LISTS.with(|f| f.borrow_mut().push(metatracer::gc::Weak::new(l)));
}

/// Clears every register of the frames waiting in free lists (`gc.collect()` in
/// `modules/gcmod.rs` calls it before collecting). A finished frame keeps its
/// locals cleared but not the stack slots above its last stack top (clearing them on every
/// return would cost too much per call), so popped temporaries (a call's arguments, a loop's
/// iterator) would otherwise stay reachable until the frame is reused.
pub fn clear_free_frames() {
    // Collect the lists first: clearing does not allocate, but keep the borrow short.
    let lists: Vec<Gc<ListObj>> = FREE_LISTS.with(|f| {
        let mut f = f.borrow_mut();
        f.retain(|w| !w.is_cleared());
        f.iter().filter_map(|w| w.upgrade()).collect()
    });
    // The lists are only read and NULLs stored below; nothing allocates, so no collection
    // can run while `lists` (a Rust-heap vector) holds them.
    for l in lists {
        for &fv in l.as_slice() {
            if fv.kind() == Some(Kind::Frame) {
                // SAFETY: the kind was checked: `fv` addresses a live frame object.
                let fr: Gc<FrameObj> = unsafe { fv.as_gc() };
                for i in 0..fr.regs.len() {
                    fr.regs.set(i, Value::NULL);
                }
            }
        }
    }
}
