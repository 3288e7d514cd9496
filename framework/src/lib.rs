//! `metatracer`: a meta-tracing JIT framework in Rust (what RPython's JIT toolchain is to PyPy).
//!
//! A language implementer writes a plain Rust interpreter, annotates it, and gets a tracing JIT
//! and a generational garbage collector. This crate knows nothing about any particular guest
//! language; guests use only its public API and the macros it re-exports.
//!
//! Subsystems (see `docs/ARCHITECTURE.md` for the map):
//! * [`gc`]: the garbage-collected heap guest objects live in (`Gc<T>`, `#[derive(Trace)]`).
//! * [`backend`]: machine code for traces (x86-64 via dynasmrt), guard exits and bridges.
//! * [`ir`]: the trace IR (op table, builder, text format, verifier, IR interpreter).
//! * [`jitlog`](mod@jitlog): the `METATRACER_LOG` log and JIT statistics.
//! * [`opt`]: the trace optimizer pipeline (`enable_opts`).

extern crate self as metatracer;

pub mod backend;
pub mod gc;
pub mod ir;
pub mod jitlog;
pub mod opt;

pub use metatracer_macros::Trace;
