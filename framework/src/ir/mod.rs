//! The trace IR: a linear, typed SSA list of operations recorded by the tracer, optimized by
//! [`crate::opt`], executed by [`interp`] (the oracle) and compiled by [`crate::backend`].
//!
//! # API overview (what the tracer codes against)
//!
//! * Kinds: [`Kind`] `Int` (i64) / `Float` (f64) / `Ref` (machine pointer) / `Void`.
//! * Ops: [`Opcode`] from the one op table in `ops.rs`; ask `opc.flags()` ([`OpFlags`]:
//!   `PURE`, `GUARD`, `CAN_RAISE`, `ALLOC`, `LOAD`, `STORE`, `OVF`, `CALL`, ...),
//!   `opc.result()`, `opc.arity()`, `opc.name()`, `opc.doc()`.
//! * Entities (typed `u32` indices, `entity.rs`): [`OpRef`] (an op's result *or* a constant:
//!   every operand is one `OpRef`), [`ConstRef`], [`SnapshotId`], [`FrameId`], [`DescrId`],
//!   [`TargetToken`] (loop headers; `TargetToken::fresh()`), [`TraceId`].
//! * Recording: [`TraceBuilder`]:
//!   - `input(kind) -> OpRef` (all inputs first), `const_int/const_float/const_ref(v) -> OpRef`;
//!   - `op(opcode, &[args]) -> OpRef` for arithmetic/compare/cast/same_as;
//!   - memory: `load(base, offset, MemDescr)`, `load_idx(base, index, offset, MemDescr)`,
//!     `store(base, offset, value, MemDescr)`, `store_idx(...)`; a [`MemDescr`] gives the
//!     in-memory type ([`MemType`]: int of 1/2/4/8 bytes signed or not, `F64`, `Ref`) and for
//!     indexed forms the stride (`MemDescr::int(4, true).scaled(4)`); address is
//!     `base + index * scale + offset`;
//!   - calls: `call(fn_addr, &[args], CallDescr::new(&[arg kinds], ret kind, "name"), pure)`
//!     emits `call_{i,f,r,n}` or `call_pure_*` (pure = elidable);
//!   - guards: build the frame chain with `frame(parent, jitcode, pc, &live_values) -> FrameId`
//!     (reuse the parent `FrameId` for all guards inside one inlined callee), then
//!     `snapshot(top_frame) -> SnapshotId`, then `guard(Opcode::GuardTrue, &[cond], snap)`;
//!     `guard_no_overflow`/`guard_overflow` take no args and must directly follow `int_*_ovf`;
//!   - control: `label(&args, token)`, `jump(&args, token)`, `finish(&args)`,
//!     `debug_merge_point(&green_key_consts, "text for logs")`;
//!   - `build() -> Trace`.
//! * Reading: [`Trace`] `ops()`, `op(i)`, `args(i)`, `kind(r)`, `const_value(r)`,
//!   `mem_descr(i)`, `call_descr(i)`, `target(i)`, `guards()`, `snapshot_frames(s)`,
//!   `frame_values(f)`, `exit_refs(s)` (the values a failing guard saves, in frame-buffer
//!   order = the inputs of a bridge from that guard), `resume_frames(s, &saved_bits)` ->
//!   [`ResumeFrame`]s (`jitcode`, `pc`, concrete [`Value`]s) for deopt, and
//!   `resume_layout(s)` (per frame value: [`ResumeSlot::Saved`]`(k)` or `Const`) for
//!   mapping a bridge's inputs onto frames. `TraceBuilder::exit_via(snap)` ends a trace
//!   with an unconditional exit.
//! * Text: [`print()`] / [`parse`] (round-trip; `Display` on `Trace` prints too); [`verify`]
//!   returns every error with its op position.
//! * Oracle: [`interp::run`] executes a trace on concrete inputs and reports the failing
//!   guard with its resume frames.
//!
//! Memory-access semantics: `load_i` widens per the descr (sign- or zero-extend), `store_i`
//! writes the low `size` bytes. Calls follow SysV: at most 6 int/ref and 8 float arguments, int
//! results are full 64-bit values.

mod entity;
pub mod interp;
mod ops;
mod text;
mod trace;
mod verify;

pub use entity::{ConstRef, DescrId, FrameId, OpRef, SnapshotId, TargetToken, TraceId, VirtId};
pub use ops::{Arity, Kind, OpFlags, Opcode};
pub use text::{op_to_string, operand, parse, print, write_value, ParseError};
pub use trace::{
    alloc_object, materialize, store_bits, AllocDescr, CallDescr, Descr, Frame, MemDescr, MemType,
    Op, ResumeFrame, ResumeSlot, ResumeVirtual, Snapshot, Trace, TraceBuilder, VField, Value,
    VirtualObj,
};
pub use verify::{verify, VerifierError, VerifierErrors};

/// `docs/trace-ir.md`, included so its Rust examples are compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/trace-ir.md")]
pub struct TraceIrDocs;
