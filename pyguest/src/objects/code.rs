//! Code objects: the GC part (constants, names, inline caches, the frame free list) and the
//! reference-free compiled part (`CodeData`: instructions, line table, exception table,
//! parameter counts). Built from the compiler's output by `interpreter/code.rs`.

use crate::value::{Kind, Value};
use metatracer::gc::{Array, Gc, GcCell};
use metatracer::Trace;
use std::cell::Cell;

/// One exception-table entry: instructions in `start..end` jump to `handler` with the value
/// stack cut to `depth` (then the exception pushed).
#[derive(Clone, Copy, Debug)]
pub struct ExcEntry {
    pub start: u32,
    pub end: u32,
    pub handler: u32,
    pub depth: u32,
}

pub const CO_VARARGS: u32 = 1;
pub const CO_VARKW: u32 = 2;
pub const CO_GENERATOR: u32 = 4;
/// Names are resolved through a namespace dict (module and class bodies).
pub const CO_NAMESPACE: u32 = 8;
/// An `async def` body or an async comprehension: a call makes a coroutine (the code also
/// has `CO_GENERATOR`, the resumable-frame bit).
pub const CO_COROUTINE: u32 = 16;
/// An async generator function or expression (also `CO_GENERATOR`).
pub const CO_ASYNC_GENERATOR: u32 = 32;
/// A generator function made awaitable by `types.coroutine` (CPython's
/// `CO_ITERABLE_COROUTINE`): `await` accepts its generators.
pub const CO_ITERABLE_COROUTINE: u32 = 64;

/// The compiled, reference-free part of a code object.
pub struct CodeData {
    pub name: String,
    pub qualname: String,
    pub filename: std::rc::Rc<str>,
    /// Instructions: opcode in the low 8 bits, argument in the high 24 (see `compiler/bytecode.rs`).
    pub code: Vec<u32>,
    /// Source line of each instruction.
    pub lines: Vec<u32>,
    pub firstline: u32,
    /// Docstring of a function body, if any.
    pub doc: Option<String>,
    pub argcount: u32,
    pub posonly: u32,
    pub kwonly: u32,
    pub flags: u32,
    /// Local variable names: parameters first, then other locals.
    pub varnames: Vec<String>,
    /// Variables captured by inner functions (stored in cells).
    pub cellvars: Vec<String>,
    /// Variables captured from enclosing functions.
    pub freevars: Vec<String>,
    /// For each cellvar that is also a parameter, its parameter index.
    pub cell_args: Vec<Option<u32>>,
    pub stacksize: u32,
    pub exc_table: Vec<ExcEntry>,
}

#[repr(C)]
#[derive(Trace, metatracer::Layout)]
pub struct CodeObj {
    pub kind: Kind,
    pub consts: Gc<Array<Value>>,
    /// Interned name strings used by name/attribute opcodes.
    pub names: Gc<Array<Value>>,
    /// Per-instruction inline-cache words (attribute maps and slots), see `interpreter/opcodes.rs`.
    #[gc(no_trace)]
    pub cache: Box<[Cell<u64>]>,
    /// Recycled frames of this code (a list), or NULL.
    pub free_frames: GcCell<Value>,
    /// Method caches of LOAD_METHOD sites: 3 slots each (class, method, epoch/map key);
    /// `cache[pc]` of such a site holds its slot index + 1.
    pub icache: Gc<Array<Value>>,
    #[gc(no_trace)]
    pub d: Box<CodeData>,
}

downcast!(as_code, CodeObj, Code);
