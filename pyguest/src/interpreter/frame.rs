//! Frames: allocation and recycling (a per-code free list), the thread's current frame
//! (`CUR_FRAME`, for `super()`, `globals()` and `sys._getframe`), line numbers and cells.
//!
//! A frame's `regs` array holds the locals, then the cells (own cell variables, then the
//! closure's free variables), then the value stack. A recycled frame has NULL in every
//! register below its old stack top.

use crate::objects::*;
use crate::value::{Kind, Value};
use metatracer::gc::{self, Gc, GcCell};
use std::cell::Cell;

thread_local! {
    /// Address of the executing frame. Not a root: it is always a frame that an active
    /// `execute` holds in a local, or that a `run_frame` saved on the native stack (both
    /// pinned by the conservative scan); see "Rooting in pyguest" in docs/gc.md.
    pub(super) static CUR_FRAME: Cell<usize> = const { Cell::new(0) };
}

/// The frame currently executing (for `super()`, `globals()`, `sys._getframe`).
pub fn current_frame() -> Option<Gc<FrameObj>> {
    let p = CUR_FRAME.with(|c| c.get());
    if p == 0 {
        None
    } else {
        // SAFETY: set by `execute` to a frame that is live on the frame chain.
        Some(unsafe { Gc::from_raw(p as *const FrameObj) })
    }
}

/// Replaces the executing frame's address, returning the old one: a thread switch saves the
/// switched-out thread's and installs the other's (`threads.rs`). The saved frame stays
/// pinned by the suspended thread's stack, which the collector scans.
pub fn swap_current_frame(a: usize) -> usize {
    CUR_FRAME.with(|c| c.replace(a))
}

#[inline(always)]
pub(super) fn set_cur(f: Gc<FrameObj>) {
    CUR_FRAME.with(|c| c.set(f.addr()));
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
    })
}

/// Frames kept per code object for reuse (allocation is the main cost of a call).
const FREE_FRAMES_PER_CODE: usize = 48;

/// Returns a finished frame to its code's free list (unless something else may refer to it).
#[inline]
pub(super) fn release_frame(f: Gc<FrameObj>) {
    if f.escaped.get() {
        return;
    }
    let code = f.code;
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
    if free.len() >= FREE_FRAMES_PER_CODE {
        return;
    }
    let d = &code.d;
    let n = d.varnames.len() + d.cellvars.len() + d.freevars.len();
    let top = (f.sp.get() as usize).max(n);
    // SAFETY: storing NULL creates no reference, so these stores need no write barrier; no
    // other reference into the frame's registers is live here (the frame has finished).
    unsafe { f.regs.as_mut_slice()[..top].fill(Value::NULL) };
    f.back.set(None);
    f.ns_c.set(Value::NULL);
    f.func_c.set(Value::NULL);
    free.push(Value::obj(f));
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
