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
//! * [`cli`]: the `[--jit SPEC] PROGRAM` command line guest binaries share.
//! * [`testing`]: differential tests of a guest binary (JIT off / on / guards failing).

extern crate self as metatracer;

pub mod backend;
pub mod cli;
pub mod gc;
pub mod ir;
pub mod jitlog;
pub mod opt;
pub mod testing;

pub use metatracer_macros::Trace;

pub mod jit;
#[doc(hidden)]
pub use jit::private as __private;
pub use jit::quasi::QuasiImmut;
pub use jit::validity::{JitGreen, JitIdentity};
pub use jit::{set_params, Params};

/// `promote(x)`: in traced code, guard on the value seen while tracing and treat it as a
/// constant afterwards. In the interpreter it returns `x` unchanged.
#[inline(always)]
pub fn promote<T>(x: T) -> T {
    x
}

/// `record_known_result(result, f, (a, b, ..))`: tells the JIT that the `#[elidable]` function
/// `f` returns `result` for these arguments (RPython's `record_known_result`), so a later call
/// `f(a, b, ..)` in the same trace is replaced by `result` instead of being made. In the
/// interpreter, and when `f` is not `#[elidable]` or returns more than one word, it does
/// nothing (`f` is never called here). The arguments are a tuple (`(s,)` for one).
///
/// ```
/// #[metatracer::elidable]
/// fn str_len(s: &'static str) -> usize { s.len() }
/// let s = "four";
/// metatracer::record_known_result(4, str_len, (s,));
/// ```
#[inline(always)]
pub fn record_known_result<F, A: jit::private::KnownArgs<F>>(result: A::Out, f: F, args: A) {
    let _ = (result, f, args);
}

/// True inside jitcode (tracing and deoptimization), false in the plain interpreter.
#[inline(always)]
pub fn we_are_jitted() -> bool {
    false
}

/// Marks a guest backward jump inside a `#[jit_merge_point]` function. The attribute rewrites
/// it; used anywhere else it is a compile error.
#[macro_export]
macro_rules! can_enter_jit {
    () => {
        compile_error!(
            "`can_enter_jit!()` must be used directly inside the body of a `#[jit_merge_point]` function"
        )
    };
}
pub use metatracer_macros::{
    dont_look_inside, elidable, jit_merge_point, look_inside, loop_invariant, unroll_safe, Layout,
    RegValue,
};
