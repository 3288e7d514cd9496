//! The JIT front end: from the guest's annotations to recorded traces and exact resumption.
//!
//! Pipeline (see `docs/ARCHITECTURE.md`):
//! 1. The macros (`#[jit_merge_point]`, `#[look_inside]`, ...) emit, next to each annotated
//!    function, a *builder* that mirrors its body over symbolic values ([`codewriter`],
//!    [`private`]).
//! 2. Running the builders once yields [`jitcode`], a register bytecode.
//! 3. The [`driver`] counts backward jumps per green key; a hot loop is recorded by the
//!    [`tracer`], which executes the jitcode concretely and records a trace ([`recorded`]).
//! 4. A failing guard resumes in the [`blackhole`] interpreter from the guard's snapshot,
//!    which finishes the current opcode and hands the state back to the plain interpreter;
//!    a guard failing more than `trace_eagerness` times gets a bridge.
//!
//! [`params`] holds the run-time parameters (`threshold`, `trace_eagerness`, ...).

pub mod blackhole;
pub mod codewriter;
pub mod driver;
pub mod gcroots;
pub mod interrupt;
pub mod jitcode;
pub mod lower;
pub mod params;
pub mod private;
pub mod quasi;
pub mod recorded;
pub mod regs;
#[cfg(test)]
mod testutil;
pub mod tracer;
pub mod validity;
pub mod word;

pub use driver::{reset, stats, JitStats};
pub use params::{help as params_help, params, set_params, ParamSpec, Params, PARAMS};
