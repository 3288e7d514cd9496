//! The frame object's layout: program counter, stack pointer, registers (locals, cells, then
//! the value stack) and links. Frame set-up, the free lists and the current frame are in
//! `interpreter/frame.rs`.

use crate::objects::*;
use crate::value::{Kind, Value};
use metatracer::gc::{Array, Gc, GcCell};
use metatracer::Trace;
use std::cell::Cell;

#[repr(C)]
#[derive(Trace, metatracer::Layout)]
pub struct FrameObj {
    pub kind: Kind,
    pub pc: Cell<u32>,
    pub sp: Cell<u32>,
    /// Depth of the handled-exception stack when the frame started.
    pub exc_depth: Cell<u32>,
    pub code: Gc<CodeObj>,
    pub globals_c: GcCell<Gc<DictObj>>,
    /// Namespace dict for module/class bodies (NULL in functions); for `__init__` frames
    /// started by a class call, the new instance.
    pub ns_c: GcCell<Value>,
    /// Locals, then cells, then the value stack.
    pub regs: Gc<Array<Value>>,
    pub back: GcCell<Option<Gc<FrameObj>>>,
    /// The function being run, or NULL.
    pub func_c: GcCell<Value>,
    /// Exposed to the program (`sys._getframe`) or owned by a generator: never recycled.
    pub escaped: Cell<bool>,
    /// Non-zero when returning from this frame must leave the dispatch loop.
    pub entry: Cell<bool>,
    /// Set by YIELD_VALUE / YIELD_FROM when the frame suspended instead of returning.
    pub yielded: Cell<bool>,
}

impl FrameObj {
    #[inline(always)]
    pub fn globals(&self) -> Gc<DictObj> {
        self.globals_c.get()
    }
    #[inline(always)]
    pub fn ns(&self) -> Value {
        self.ns_c.get()
    }
    #[inline(always)]
    pub fn func(&self) -> Value {
        self.func_c.get()
    }
}
