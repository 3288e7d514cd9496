//! The frame object's layout: program counter, stack pointer, registers (locals, cells, then
//! the value stack) and links, and the `f_*` attributes. Frame set-up, the free lists and the
//! current frame are in `interpreter/frame.rs`.

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

downcast!(as_frame, FrameObj, Frame);

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

// ---------------------------------------------------------------- attributes

/// The attributes of a frame (`f_lineno`, `f_code`, `f_globals`, `f_back`; reading `f_back`
/// marks the caller's frame escaped so it is not recycled).
pub(crate) fn frame_attr(f: Gc<FrameObj>, n: &str) -> crate::vm::PyResult<Option<Value>> {
    match n {
        "f_lineno" => return Ok(Some(Value::small(crate::interpreter::frame_line(f) as i64))),
        "f_code" => return Ok(Some(Value::obj(f.code))),
        "f_globals" => return Ok(Some(Value::obj(f.globals()))),
        "f_back" => {
            // the caller's frame; exposed frames are never recycled
            return Ok(Some(match f.back.get() {
                Some(b) => {
                    b.escaped.set(true);
                    Value::obj(b)
                }
                None => Value::NONE,
            }));
        }
        _ => {}
    }
    Ok(None)
}

/// The methods of `frame`: none are native; its attributes are computed from its layout
/// ([`frame_attr`]).
pub(crate) static METHODS: &[crate::objects::native::Method] = &[];
