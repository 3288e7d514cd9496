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
    /// Made by a trace as a [`FrameBox`] (a virtual frame, `opcodes_calls.rs`): it has the
    /// box's extra fields, and is never recycled (`escaped` is set too).
    pub boxed: bool,
}

downcast!(as_frame, FrameObj, Frame);

/// A frame as traced code allocates it for an inlined call (`gc::alloc` of a register
/// value, so the optimizer can remove it, `opcodes_calls.rs` "virtual frames"): laid out
/// exactly like [`FrameObj`] (compile-time asserts below), plus what the traced return needs
/// to switch back without reading the caller's frame: the caller's register array and code
/// object. Its collector type is its own (same references at the same offsets, plus the
/// two extra ones); everything else reads it as a `FrameObj` (`boxed` is set).
#[repr(C)]
#[derive(Clone, Copy, metatracer::Trace, metatracer::Layout, metatracer::RegValue)]
#[reg_value(in_memory)]
pub struct FrameBox {
    pub kind: u8,
    pub pc: u32,
    pub sp: u32,
    pub exc_depth: u32,
    pub code: Gc<CodeObj>,
    pub globals: Gc<DictObj>,
    pub ns: Value,
    pub regs: Gc<Array<Value>>,
    pub back: Option<Gc<FrameObj>>,
    pub func: Value,
    pub escaped: bool,
    pub entry: bool,
    pub yielded: bool,
    pub boxed: bool,
    /// The caller's register array (its `regs`).
    pub back_regs: Gc<Array<Value>>,
    /// The caller's code object.
    pub back_code: Gc<CodeObj>,
}

const _: () = {
    use std::mem::offset_of;
    assert!(offset_of!(FrameBox, kind) == offset_of!(FrameObj, kind));
    assert!(offset_of!(FrameBox, pc) == offset_of!(FrameObj, pc));
    assert!(offset_of!(FrameBox, sp) == offset_of!(FrameObj, sp));
    assert!(offset_of!(FrameBox, exc_depth) == offset_of!(FrameObj, exc_depth));
    assert!(offset_of!(FrameBox, code) == offset_of!(FrameObj, code));
    assert!(offset_of!(FrameBox, globals) == offset_of!(FrameObj, globals_c));
    assert!(offset_of!(FrameBox, ns) == offset_of!(FrameObj, ns_c));
    assert!(offset_of!(FrameBox, regs) == offset_of!(FrameObj, regs));
    assert!(offset_of!(FrameBox, back) == offset_of!(FrameObj, back));
    assert!(offset_of!(FrameBox, func) == offset_of!(FrameObj, func_c));
    assert!(offset_of!(FrameBox, escaped) == offset_of!(FrameObj, escaped));
    assert!(offset_of!(FrameBox, entry) == offset_of!(FrameObj, entry));
    assert!(offset_of!(FrameBox, yielded) == offset_of!(FrameObj, yielded));
    assert!(offset_of!(FrameBox, boxed) == offset_of!(FrameObj, boxed));
    assert!(offset_of!(FrameBox, back_regs) >= std::mem::size_of::<FrameObj>());
    assert!(std::mem::align_of::<FrameBox>() == std::mem::align_of::<FrameObj>());
};

/// Register arrays traced code allocates for a virtual frame (`RegsN` holds `N` registers;
/// `Regs4` and `Regs8` also serve as the slot arrays of instances traced code allocates,
/// `Regs1` to `Regs3` as the item arrays of tuples it builds, `tuple::new_tuple_traced`):
/// laid out like a `gc::Array<Value>` of length `N` (the length word, then the items), so
/// the frame's `regs` field may point to one; the collector traces its `N` items.
macro_rules! regs_box {
    ($name:ident, $n:expr, $($r:ident)*) => {
        #[repr(C)]
        #[derive(Clone, Copy, metatracer::Trace, metatracer::Layout, metatracer::RegValue)]
        #[reg_value(in_memory)]
        pub struct $name {
            pub len: usize,
            $(pub $r: Value,)*
        }
        const _: () = {
            assert!(std::mem::size_of::<$name>() == 8 + 8 * $n);
        };
    };
}
regs_box!(Regs1, 1, r0);
regs_box!(Regs2, 2, r0 r1);
regs_box!(Regs3, 3, r0 r1 r2);
regs_box!(Regs4, 4, r0 r1 r2 r3);
regs_box!(Regs8, 8, r0 r1 r2 r3 r4 r5 r6 r7);
regs_box!(Regs15, 15, r0 r1 r2 r3 r4 r5 r6 r7 r8 r9 r10 r11 r12 r13 r14);

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

/// The attributes of a frame (`f_lineno`, `f_code`, `f_globals`, `f_locals`, `f_back`;
/// reading `f_back` marks the caller's frame escaped so it is not recycled).
pub(crate) fn frame_attr(f: Gc<FrameObj>, n: &str) -> crate::vm::PyResult<Option<Value>> {
    match n {
        "f_lineno" => return Ok(Some(Value::small(crate::interpreter::frame_line(f) as i64))),
        "f_code" => return Ok(Some(Value::obj(f.code))),
        "f_globals" => return Ok(Some(Value::obj(f.globals()))),
        "f_locals" => return frame_locals(f).map(Some),
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

/// `locals()` of frame `f`, and its `f_locals`: a module or class body's namespace itself;
/// for a function, a new dict of the bound local variables, then the cell and free
/// variables with a value (a cell's value replaces the stale register of an argument the
/// function keeps in a cell). Compiler temporaries (`.0`) are left out. A snapshot: writing
/// to it changes no variable.
pub(crate) fn frame_locals(f: Gc<FrameObj>) -> crate::vm::PyResult<Value> {
    if !f.ns().is_null() && f.code.d.flags & CO_NAMESPACE != 0 {
        return Ok(f.ns());
    }
    let d = new_dict();
    let code = &f.code.d;
    let nl = code.varnames.len();
    for (i, n) in code.varnames.iter().enumerate() {
        let v = f.regs.get(i);
        if !v.is_null() && !n.starts_with('.') {
            d.set_str(n, v);
        }
    }
    for (j, n) in code.cellvars.iter().chain(code.freevars.iter()).enumerate() {
        let Some(c) = as_cell(f.regs.get(nl + j)) else {
            continue;
        };
        let v = c.v.get();
        if !v.is_null() {
            d.set_str(n, v);
        } else if d.get_str(n).is_some() {
            d.remove(new_str(n))?;
        }
    }
    Ok(Value::obj(d))
}

/// The methods of `frame`: none are native; its attributes are computed from its layout
/// ([`frame_attr`]).
pub(crate) static METHODS: &[crate::objects::native::Method] = &[];
