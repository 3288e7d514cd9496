//! The interpreter: code objects, frames, the dispatch loop, one handler per opcode, calls,
//! exceptions and generators.
//!
//! Design (future JIT virtualizable): a frame is a GC object whose `regs` array holds locals,
//! cells and the value stack. [`dispatch::execute`] runs frames in one flat
//! `loop { match op { ... } }` whose arms each call one handler of [`opcodes`]; the code object
//! and `pc` are the position variables. A Python-to-Python call does not recurse on the Rust
//! stack: the `CALL` handler switches the loop to the new frame (frames are linked through
//! `back`), and `RETURN_VALUE` switches back. Only built-ins that call back into Python
//! (sorted's `key=`, `__eq__` from a dict lookup, generators resumed by `next`) re-enter the
//! driver [`dispatch::run_frame`]; that nesting is bounded by `vm().reentry` and the
//! interpreter thread has a large stack.
//!
//! Exceptions use per-code exception tables (see `compiler/codegen.rs`): an error at `pc` looks
//! up the innermost entry covering it, cuts the stack to the entry's depth, pushes the
//! exception and jumps to the handler ([`exceptions::unwind`]). Unhandled errors leave the
//! frame and record a traceback entry.
//!
//! Modules: [`code`] (compiled unit to code object), [`frame`] (frame objects, the current
//! frame, cells), [`call`] (argument binding, `call_object`), [`dispatch`] (the loop and the
//! driver), [`opcodes`] (the handlers), [`exceptions`] (tables, tracebacks, `raise`
//! normalisation), [`generators`], [`coroutines`] (`await`, `async for`, async generator
//! awaitables). Dependencies point inwards: `opcodes` uses `frame`, `call`,
//! `exceptions` and `generators`; none of those uses `opcodes`, and only `dispatch` names it.

pub mod call;
pub mod code;
pub mod coroutines;
pub mod dispatch;
pub mod exceptions;
pub mod frame;
pub mod generators;
pub mod opcodes;
mod opcodes_build;
mod opcodes_builtins;
mod opcodes_calls;
mod opcodes_containers;
mod opcodes_iter;

pub use call::{call_object, enter_native};
pub use code::materialize;
pub use exceptions::{make_exception, traceback_entries};
pub use frame::{current_frame, frame_line};
pub use generators::{gen_next, gen_resume, GenResult};

use crate::objects::*;
use crate::value::Value;
use call::enter_depth;
use dispatch::run_frame;
use frame::{init_cells, new_frame};
use metatracer::gc::Gc;

pub use crate::vm::{PyErr, PyResult};

// ---------------------------------------------------------------- entry points

/// Runs module-level code in `globals`.
pub fn run_module_code(code: Gc<CodeObj>, globals: Gc<DictObj>) -> PyResult<Value> {
    run_code_ns(code, globals, Value::obj(globals))
}

/// Runs code with a separate namespace (class bodies, `exec` with locals).
pub fn run_code_ns(code: Gc<CodeObj>, globals: Gc<DictObj>, ns: Value) -> PyResult<Value> {
    let f = new_frame(code, globals, ns, Value::NULL);
    enter_depth()?;
    let saved = frame::current_frame_addr();
    let r = run_frame(f, None);
    frame::swap_current_frame(saved);
    r
}

/// Runs a class body with `ns` (a dict or a `__prepare__` mapping) as its local namespace.
pub fn run_class_body(func: Gc<FunctionObj>, ns: Value) -> PyResult<Value> {
    let f = new_frame(func.code, func.globals, ns, Value::obj(func));
    init_cells(f, func.closure);
    enter_depth()?;
    let saved = frame::current_frame_addr();
    let r = run_frame(f, None);
    frame::swap_current_frame(saved);
    r
}
