//! Backends turn verified traces into machine code. One target exists ([`x64`], x86-64 SysV via
//! `dynasmrt`); the [`Backend`] trait is what the driver codes against.
//!
//! # Model
//! * [`Backend::compile_loop`] compiles a trace that starts with inputs (a loop: inputs,
//!   `label`, body, `jump` back; or any trace ending in `finish`). It gets a [`TraceId`].
//! * [`Backend::execute`] runs a compiled trace on input values (raw 64-bit bits, one per input,
//!   floats as `f64::to_bits`, refs as addresses) until an exit: a failing guard or a `finish`.
//!   It returns an [`ExitId`] and the exit's saved values. Guard exits save the values of
//!   `Trace::exit_refs(snapshot)` in that order; `finish` saves its arguments.
//! * [`Backend::exit`] describes an exit (which trace, which guard, snapshot, failure count) and
//!   [`Backend::resume_frames`] turns saved values into the snapshot's concrete frames for deopt.
//! * [`Backend::compile_bridge`] compiles a bridge for a guard exit: the bridge trace's inputs
//!   are the guard's saved values (same order and kinds); it ends with a `jump` to any
//!   compiled label (normally its loop's) or a `finish`. Afterwards the guard's exit runs the
//!   bridge instead of returning.
//! * Compiled code stays alive in the backend's registry until [`Backend::free_trace`] frees
//!   it (with its bridges and the traces that jump into it) or the backend is dropped.
//! * A panic in a residual call made by machine code never unwinds through it: the call's
//!   trampoline catches it, the code leaves through a panic exit, and `execute` resumes the
//!   panic after the machine code has returned (see [`unwind`]).

pub mod unwind;
pub mod x64;

use crate::ir::{ResumeFrame, SnapshotId, TargetToken, Trace, TraceId, VerifierErrors};
use crate::jitlog::{self, Phase, Timer, TraceKind};
use std::fmt;

/// Words in a frame buffer (the last one is reserved, [`unwind::PANIC_FLAG_WORD`]).
pub const MAX_FRAME_WORDS: usize = 1024;

/// The limit on trace inputs and on values saved by one exit.
pub const MAX_SAVED_WORDS: usize = MAX_FRAME_WORDS - 1;

/// A global exit number (unique within one backend instance).
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub struct ExitId(pub u32);

/// What kind of exit.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum ExitKind {
    /// A guard failed: guard number `index` (into `Trace::guards()`), op position `pos`.
    Guard {
        /// Guard number within its trace.
        index: usize,
        /// Op position of the guard.
        pos: usize,
        /// The guard's snapshot.
        snapshot: SnapshotId,
    },
    /// A `finish` op at position `pos`.
    Finish {
        /// Op position of the finish.
        pos: usize,
    },
}

/// Facts about an exit.
#[derive(Clone, Debug)]
pub struct ExitInfo {
    /// The trace containing the exit.
    pub trace: TraceId,
    /// Guard or finish.
    pub kind: ExitKind,
    /// How many times this exit was taken and returned to the caller of `execute`.
    pub failures: u64,
    /// The bridge attached to this guard, if any.
    pub bridge: Option<TraceId>,
    /// Number of values the exit saves.
    pub num_values: usize,
}

/// The result of running compiled code.
#[derive(Clone, PartialEq, Debug)]
pub struct ExitResult {
    /// Which exit was taken.
    pub exit: ExitId,
    /// The saved values (raw bits), see the module docs for their order.
    pub values: Vec<u64>,
}

/// Why compilation failed (the driver logs it as an abort and keeps interpreting).
#[derive(Clone, PartialEq, Debug)]
pub enum CompileError {
    /// The trace does not verify.
    Verifier(VerifierErrors),
    /// The trace uses something this backend cannot compile.
    Unsupported(String),
    /// A `jump` targets a label that is neither in the trace nor compiled before.
    UnknownTarget(TargetToken),
    /// A bridge's inputs do not match its guard's saved values.
    BridgeMismatch(String),
    /// Unknown trace or exit id.
    BadId(String),
    /// The assembler failed.
    Assembler(String),
    /// The optimizer rejected the trace or `enable_opts`.
    Optimizer(String),
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompileError::Verifier(e) => write!(f, "trace does not verify:\n{e}"),
            CompileError::Unsupported(m) => write!(f, "unsupported: {m}"),
            CompileError::UnknownTarget(t) => write!(f, "jump to unknown label {t}"),
            CompileError::BridgeMismatch(m) => write!(f, "bridge does not fit its guard: {m}"),
            CompileError::BadId(m) => write!(f, "bad id: {m}"),
            CompileError::Assembler(m) => write!(f, "assembler error: {m}"),
            CompileError::Optimizer(m) => write!(f, "optimizer: {m}"),
        }
    }
}

impl std::error::Error for CompileError {}

/// A code generator plus the registry of what it compiled.
pub trait Backend {
    /// Compile a trace that is entered from the interpreter (a loop or an entry trace).
    fn compile_loop(
        &mut self,
        trace: &crate::ir::Trace,
        name: &str,
    ) -> Result<TraceId, CompileError>;

    /// Compile `bridge` and attach it to guard exit `exit`.
    fn compile_bridge(
        &mut self,
        exit: ExitId,
        bridge: &crate::ir::Trace,
        name: &str,
    ) -> Result<TraceId, CompileError>;

    /// Run compiled trace `trace` with `inputs` (raw bits, one per trace input).
    ///
    /// A panic in a residual call the code makes is resumed from here (with
    /// `std::panic::resume_unwind`) once the machine code has returned; the backend is left
    /// consistent (the exit counts nothing).
    ///
    /// # Safety
    /// The trace's loads, stores and calls must be valid for these inputs (as for
    /// [`crate::ir::interp::run`]); the inputs' kinds must match the trace's inputs.
    unsafe fn execute(
        &mut self,
        trace: TraceId,
        inputs: &[u64],
    ) -> Result<ExitResult, CompileError>;

    /// Facts about an exit.
    fn exit(&self, exit: ExitId) -> Option<&ExitInfo>;

    /// Resolve a guard exit's saved values into the snapshot's frames (empty for finish).
    fn resume_frames(&self, exit: ExitId, values: &[u64]) -> Vec<ResumeFrame>;

    /// What the backend keeps of the (optimized) trace compiled as `trace`: its resume copy
    /// (`Trace::resume_copy`: snapshots, constants and op kinds, no op arguments).
    fn trace(&self, trace: TraceId) -> Option<&crate::ir::Trace>;

    /// Frees the machine code of `trace`, of every bridge attached to a freed trace, and of
    /// every trace that jumps to a label of a freed trace (transitively); a freed bridge whose
    /// parent stays has its guard exit restored (it returns to the driver again). The pins on
    /// the freed traces' constants are released. Returns every freed trace; their ids stay
    /// unused (`trace`, `execute` and `compile_bridge` on them report an error).
    ///
    /// # Safety
    /// None of the freed code may be running or be returned to: no `execute` of a trace that
    /// can reach it may be active on any stack (the driver frees only when no compiled code
    /// runs).
    unsafe fn free_trace(&mut self, trace: TraceId) -> Vec<TraceId>;

    /// Make every guard compiled from now on fail unconditionally (the "all guards fail"
    /// testing switch); `false` turns forced failures off.
    fn set_fail_all_guards(&mut self, on: bool) {
        self.set_forced_failures(if on {
            ForcedFailures::All
        } else {
            ForcedFailures::None
        });
    }

    /// Choose which guards of the traces compiled from now on fail unconditionally
    /// (differential testing of deoptimization, see [`ForcedFailures`]).
    fn set_forced_failures(&mut self, which: ForcedFailures);

    /// The invalidation flag of a live compiled trace: its `guard_not_invalidated`s fail once
    /// the flag is non-zero. Setting it needs no access to the backend, so it can be done
    /// while the trace runs (from a residual call). `None` for unknown or freed traces.
    fn invalidation_flag(
        &self,
        trace: TraceId,
    ) -> Option<std::sync::Arc<std::sync::atomic::AtomicU64>>;
}

/// Which compiled guards fail whatever their condition (a testing switch; the JIT parameters
/// `fail_guards`, `fail_guard` and `fail_guards_random` choose it).
///
/// A forced failure is always safe: the guard's exit resumes the interpreter from the guard's
/// snapshot, which re-executes the guarded instruction with the real values and so takes the
/// same path the trace would have taken. In a trace, only the *first* forced guard on the path
/// matters (the code after it does not run), so the useful single-guard modes force exactly one
/// guard per trace; a sweep over `Index(0..n)` makes every guard of every trace with at most `n`
/// guards fail in turn, mid-opcode ones included.
///
/// The choice applies to loops and to bridges attached to a loop's guard, not to bridges of
/// bridges: a bridge starts by re-executing its guard's instruction, so its first guard is
/// often the same test again, and forcing it in every generation would grow an endless chain
/// of bridges. Bridges are still made (after `trace_eagerness` failures) and run in every mode
/// but `All`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ForcedFailures {
    /// Guards fail only when their condition does (normal operation).
    #[default]
    None,
    /// Every guard fails.
    All,
    /// In every trace, the guard with this index in [`Trace::guards`] order (of the optimized
    /// trace) fails; traces with fewer guards are unaffected.
    Index(usize),
    /// In every trace, one guard chosen pseudo-randomly from this seed and the trace's number
    /// (compile order) fails.
    Random(u64),
}

impl ForcedFailures {
    /// Whether guard `index` (of `num_guards`) of the `trace_no`-th compiled trace fails.
    pub fn forces(self, trace_no: usize, index: usize, num_guards: usize) -> bool {
        match self {
            ForcedFailures::None => false,
            ForcedFailures::All => true,
            ForcedFailures::Index(i) => i == index,
            ForcedFailures::Random(seed) => {
                num_guards > 0 && mix(seed, trace_no as u64) % num_guards as u64 == index as u64
            }
        }
    }
}

/// A 64-bit mixing function (splitmix64's finalizer over `seed + k * golden`).
fn mix(seed: u64, k: u64) -> u64 {
    let mut z = seed.wrapping_add(k.wrapping_add(1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The driver's one-call path from a recorded trace to machine code: log it (`trace`
/// section), optimize it with `enable_opts` (timed), log the result (`opt` section), then
/// compile it as a loop, or as a bridge of `bridge_of`. Returns the compiled trace's id and
/// the optimized trace (whose snapshots are the ones exits report).
pub fn optimize_and_compile(
    be: &mut dyn Backend,
    trace: &Trace,
    enable_opts: &str,
    bridge_of: Option<ExitId>,
    name: &str,
) -> Result<(TraceId, Trace), CompileError> {
    let kind = if bridge_of.is_some() {
        TraceKind::Bridge
    } else {
        TraceKind::Loop
    };
    let n = jitlog::next_log_number();
    jitlog::log_trace(kind, false, n, name, trace);
    let optimized = {
        let _t = Timer::start(Phase::Optimizing);
        crate::opt::optimize(trace, enable_opts)
            .map_err(|e| CompileError::Optimizer(e.to_string()))?
    };
    jitlog::log_trace(kind, true, n, name, &optimized);
    let id = match bridge_of {
        Some(exit) => be.compile_bridge(exit, &optimized, name)?,
        None => be.compile_loop(&optimized, name)?,
    };
    Ok((id, optimized))
}
