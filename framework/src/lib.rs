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
pub use jit::interrupt;
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

/// Types for which every 64-bit word is a valid value, so [`from_word_bits`] may build one
/// from any integer: integers, and an interpreter's tagged value word (a type whose `Word`
/// impl keeps either a small integer or an object address in one word).
///
/// # Safety
/// `Word::from_word` must accept any `u64` and return a valid value (for a tagged word that
/// holds object addresses: the collector must treat the word conservatively, as it does for
/// `Kind::Ref` registers and the native stack).
pub unsafe trait AnyBits: jit::word::Word + Copy {}
// SAFETY: every bit pattern is an integer.
unsafe impl AnyBits for u64 {}
// SAFETY: as above.
unsafe impl AnyBits for i64 {}
// SAFETY: as above.
unsafe impl AnyBits for usize {}
// SAFETY: a raw pointer has no validity invariant (dereferencing it is the unsafe part).
unsafe impl<T> AnyBits for *const T {}
// SAFETY: as above.
unsafe impl<T> AnyBits for *mut T {}

/// `word_bits(x)`: the one word of a register value as an integer (for a `Kind::Ref` word, a
/// `cast_ptr_to_int` in traces). Lets traced code test the tag bits of a tagged value word.
#[inline(always)]
pub fn word_bits<T: jit::word::Word>(x: T) -> u64 {
    x.to_word()
}

/// `from_word_bits(w)`: the inverse of [`word_bits`] for types where any word is valid.
#[inline(always)]
pub fn from_word_bits<T: AnyBits>(w: u64) -> T {
    // SAFETY: `AnyBits` promises that every word is a valid `T`.
    unsafe { T::from_word(w) }
}

/// `word_to_value(w)`: any one-word register value from its word (the inverse of
/// [`word_bits`]), e.g. a `Gc<T>` from the address a tagged value word holds. In traced code
/// it is a register move (a cast when the kinds differ).
///
/// # Safety
/// `w` must be the word of a valid `T` (for a `Gc<T>`: the address of a live `T`).
#[inline(always)]
pub unsafe fn word_to_value<T: jit::word::Word>(w: u64) -> T {
    // SAFETY: guaranteed by the caller.
    unsafe { T::from_word(w) }
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
