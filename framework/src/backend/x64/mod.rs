//! x86-64 (SysV) backend with `dynasmrt`.
//!
//! # Entry ABI
//! A compiled loop is `extern "sysv64" fn(frame: *mut u64) -> u64`. On entry `frame[i]` holds
//! the bits of input `i` (ints as two's complement, floats as `f64::to_bits`, refs as
//! addresses). It returns an exit number ([`ExitId`]); `frame[0..k]` then holds that exit's
//! `k` saved values (guard: `Trace::exit_refs(snapshot)` order; finish: its arguments). The
//! frame buffer must have [`MAX_FRAME_WORDS`] words: compilation rejects traces with more
//! than [`MAX_SAVED_WORDS`] inputs or exit values, so that size is enough for any bridge
//! attached later, even while the trace runs. Its last word, [`PANIC_FLAG_WORD`], holds the
//! address of the entering thread's residual-panic flag ([`super::unwind`]): after every call
//! the code tests that flag and, when a residual callee panicked, returns [`PANIC_EXIT`]
//! without saving anything. [`EntryPoint::call`] fills that word in; [`X64Backend::execute`]
//! supplies a pooled buffer and resumes such a panic after the code has returned.
//!
//! # Native frame (fixed for every trace, so bridges and loops can jump into each other)
//! ```text
//! [rbp+8]            return address
//! [rbp]              caller's rbp
//! [rbp-8 .. rbp-40]  saved rbx, r12, r13, r14, r15
//! [rbp-48]           the frame-buffer pointer (entry argument)
//! [rbp-56 .. -160]   outgoing call area: 14 slots, arguments are staged here when a
//!                    parallel move into the argument registers needs it
//! [rbp-168-8*s]      spill slot s (s < SPILL_SLOTS)
//! ```
//! rsp is 16-byte aligned inside trace code, so calls need no adjustment.
//!
//! # Registers
//! Allocated: rsi, rdi, r8, r9 (caller-saved) and rbx, r12-r15 (callee-saved); xmm0-13.
//! Scratch: rax, rcx, rdx, r10, r11, xmm14, xmm15. Values that live across a call are in
//! callee-saved registers or spill slots (see `regalloc`), so calls save nothing.
//!
//! # Guards and bridges
//! A guard is an inline test and a conditional jump to an out-of-line stub. The stub stores
//! the snapshot's live values into the frame buffer, sets `eax` to the exit number and
//! reaches a 13-byte patch site, initially `jmp epilogue` + padding. Attaching a bridge
//! rewrites the site (made writable for the moment, [`patch_code`]) to `mov r11, bridge;
//! jmp r11`. A bridge starts
//! by loading its inputs from the frame buffer, so it runs in the same native frame; it ends
//! with a `jump` that moves values into the target label's locations and jumps there.
//!
//! # Counters (JSON log only)
//! When `METATRACER_LOG=json` is on at compile time, the code increments counter words owned by
//! the log (`jitlog::code_counters`; never freed) with `mov rax, imm64; inc qword [rax]` at the
//! trace's start, at each `label` (after the address other traces jump to), at the start of
//! each guard's exit stub, and in a bridge at the marker in front of its copy of its loop's
//! preamble (`opt::unroll`, "Bridges and the short preamble"), where it counts at the loop's
//! label `t0` the pass the copy stands for. Those are points where rax and the flags are dead.
//! Without the JSON log nothing is emitted.
//!
//! # Memory
//! A trace is assembled into a fresh `Assembler`, committed once and finalized: the backend
//! keeps only the executable mapping (`ExecutableBuffer`), not the assembler's staging buffer,
//! labels and relocations (they were as large as the code itself, and only patching used the
//! assembler afterwards). The code never moves; a patch flips its pages to writable and back.

// dynasm's expansion converts dynamic register numbers with `.into()`, which clippy flags on
// every `Rq(r)`; the conversion is the macro's, not ours.
#![allow(clippy::useless_conversion)]

mod divmagic;
pub mod regalloc;

use super::unwind::{self, Payload, PANIC_EXIT, PANIC_FLAG_WORD};
use super::{
    Backend, CompileError, ExitId, ExitInfo, ExitKind, ExitResult, ForcedFailures, MAX_FRAME_WORDS,
    MAX_SAVED_WORDS,
};
use crate::gc::PinnedVec;
use crate::ir::{
    verify, Kind, OpFlags, OpRef, Opcode, ResumeFrame, TargetToken, Trace, TraceId, Value,
};
use crate::jitlog::{self, stats, Phase, Section, Timer};
use dynasmrt::x64::Assembler;
use dynasmrt::{
    dynasm, AssemblyOffset, DynamicLabel, DynasmApi, DynasmLabelApi, ExecutableBuffer,
    SimpleAssembler,
};
use regalloc::{Loc, SPILL_SLOTS};
use rustc_hash::FxHashMap as HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

/// The `new` of a raw test object (alloc descr with header 0): see `ir::alloc_object`.
extern "sysv64" fn alloc_raw_object(size: u32) -> usize {
    crate::ir::alloc_object(crate::ir::AllocDescr { size, header: 0 })
}

/// Every dynasm use goes through this macro, which fixes the architecture.
macro_rules! x64 {
    ($ops:ident $($t:tt)*) => {
        dynasm!($ops ; .arch x64 $($t)*)
    };
}

const RAX: u8 = 0;
const RCX: u8 = 1;
const R10: u8 = 10;
const R11: u8 = 11;
const XMM14: u8 = 14;
const XMM15: u8 = 15;
const FBUF_OFF: i32 = -48;
const CALL_AREA: i32 = -56;
const CALL_SLOTS: usize = 14;
/// Bytes reserved below the saved registers: frame pointer slot, call area, spill area.
/// Must be 8 mod 16 so that rsp is 16-byte aligned after the 6 pushes.
const FRAME_BYTES: i32 = 8 + 8 * CALL_SLOTS as i32 + 8 * SPILL_SLOTS as i32;
const PATCH_SITE_LEN: usize = 13;
const INT_ARG_REGS: [u8; 6] = [7, 6, 2, 1, 8, 9]; // rdi rsi rdx rcx r8 r9

fn slot_off(s: u32) -> i32 {
    -168 - 8 * s as i32
}

fn call_slot_off(k: usize) -> i32 {
    CALL_AREA - 8 * k as i32
}

/// An x86 condition code (after `cmp a, b`: L = a < b signed, B = a < b unsigned, ...).
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
enum Cond {
    L,
    Le,
    G,
    Ge,
    E,
    Ne,
    B,
    Be,
    A,
    Ae,
}

impl Cond {
    fn negate(self) -> Cond {
        match self {
            Cond::L => Cond::Ge,
            Cond::Ge => Cond::L,
            Cond::Le => Cond::G,
            Cond::G => Cond::Le,
            Cond::E => Cond::Ne,
            Cond::Ne => Cond::E,
            Cond::B => Cond::Ae,
            Cond::Ae => Cond::B,
            Cond::Be => Cond::A,
            Cond::A => Cond::Be,
        }
    }
}

/// An operand source for moves.
#[derive(Copy, Clone, PartialEq, Debug)]
enum Src {
    Loc(Loc),
    Bits(u64),
}

/// A compiled label that other traces may jump to.
#[derive(Clone, Debug)]
struct LabelInfo {
    addr: usize,
    locs: Vec<Loc>,
    kinds: Vec<Kind>,
    /// The address of the label's counter word (JSON log only).
    counter: Option<usize>,
    /// The label before it in its trace (a peeled loop's `t0` for its `t1`).
    before: Option<TargetToken>,
}

/// A label of the trace being compiled, for [`LabelInfo`] once the code's address is known.
struct NewLabel {
    tok: TargetToken,
    off: AssemblyOffset,
    locs: Vec<Loc>,
    kinds: Vec<Kind>,
    counter: Option<usize>,
}

struct Compiled {
    trace: Trace,
    /// The machine code (the finalized assembler's mapping); `None` once freed
    /// ([`Backend::free_trace`]).
    asm: Option<ExecutableBuffer>,
    /// The address of the trace's first instruction (the code is committed once and never
    /// moves; patching a guard rewrites bytes in place), so entering needs no lock.
    entry_addr: usize,
    is_bridge: bool,
    size: usize,
    /// Labels this trace defines (other traces may jump to them).
    labels: Vec<TargetToken>,
    /// Labels of other traces this trace jumps to.
    jumps_to: Vec<TargetToken>,
    /// For a bridge: the guard exit it is attached to.
    parent_exit: Option<ExitId>,
    /// The trace's integer and reference constants, which its machine code embeds: a
    /// conservatively scanned root, so GC objects they point into stay alive and never move
    /// while the code exists (`docs/gc.md`, "Roots held by the JIT").
    _pins: PinnedVec<u64>,
    /// The trace's invalidation flag, tested by its `guard_not_invalidated`s (non-zero:
    /// invalidated); shared with the driver, which sets it ([`Backend::invalidation_flag`]).
    invalid: Arc<AtomicU64>,
}

struct PendingExit {
    label: DynamicLabel,
    pos: usize,
    exit: ExitId,
    patch_site: AssemblyOffset,
    /// A snapshot value known at this exit without a register: the result of a compare
    /// fused into the guard (0 when a `guard_true` fails, 1 when a `guard_false` fails).
    known: Option<(OpRef, u64)>,
}

/// The x86-64 backend: code generator plus registry of compiled traces and exits.
pub struct X64Backend {
    traces: Vec<Compiled>,
    exits: Vec<ExitInfo>,
    patch_sites: Vec<Option<AssemblyOffset>>,
    /// The original bytes of patch sites rewritten for a bridge (restored when it is freed).
    patched: HashMap<ExitId, Vec<u8>>,
    labels: HashMap<TargetToken, LabelInfo>,
    frame_words: usize,
    forced: ForcedFailures,
    /// Reusable frame buffers (one per nesting level of `execute`).
    frame_pool: Vec<Box<[u64]>>,
}

impl Default for X64Backend {
    fn default() -> Self {
        Self::new()
    }
}

impl X64Backend {
    /// An empty backend.
    pub fn new() -> X64Backend {
        X64Backend {
            traces: Vec::new(),
            exits: Vec::new(),
            patch_sites: Vec::new(),
            patched: HashMap::default(),
            labels: HashMap::default(),
            frame_words: 1,
            forced: ForcedFailures::None,
            frame_pool: Vec::new(),
        }
    }

    /// Words the frame buffer needs for any trace compiled so far.
    pub fn frame_words(&self) -> usize {
        self.frame_words
    }

    /// The entry point of a compiled loop (see the module docs for the ABI).
    pub fn entry_point(&self, trace: TraceId) -> Option<EntryPoint> {
        let c = self.traces.get(trace.index())?;
        if c.is_bridge {
            return None;
        }
        c.asm.as_ref()?;
        // SAFETY: `entry_addr` is the start of a committed prologue generated for exactly
        // this ABI; the code stays mapped while `self` owns the assembler (not freed, checked
        // above).
        Some(EntryPoint(unsafe {
            std::mem::transmute::<usize, extern "sysv64" fn(*mut u64) -> u64>(c.entry_addr)
        }))
    }

    /// Account for an exit returned by machine code called through [`Self::entry_point`]
    /// (bumps its failure counter); returns the exit and how many values it saved.
    ///
    /// Together with `entry_point` this lets a driver run machine code without holding a
    /// borrow of the backend, so residual calls may re-enter the driver (and even compile
    /// bridges) while a trace is active: copy the entry point out, call it with a
    /// [`MAX_FRAME_WORDS`]-word buffer, then call `record_exit`. (A residual panic is not an
    /// exit: [`EntryPoint::call`] returns it as an error instead.)
    pub fn record_exit(&mut self, raw: u64) -> Result<(ExitId, usize), CompileError> {
        let info = self.exits.get_mut(raw as usize).ok_or_else(|| {
            CompileError::BadId(format!("machine code returned unknown exit {raw}"))
        })?;
        info.failures += 1;
        if matches!(info.kind, ExitKind::Guard { .. }) {
            stats::bump(&stats::GUARD_EXITS);
        }
        Ok((ExitId(raw as u32), info.num_values))
    }

    /// Size in bytes of a compiled trace's machine code.
    pub fn code_size(&self, trace: TraceId) -> Option<usize> {
        self.traces
            .get(trace.index())
            .filter(|c| c.asm.is_some())
            .map(|c| c.size)
    }

    /// The guard exits of `trace`: (op position, failures returned to the driver, whether a
    /// bridge is attached).
    pub fn guard_exits(&self, trace: TraceId) -> Vec<(usize, u64, bool)> {
        self.exits
            .iter()
            .filter(|e| e.trace == trace)
            .filter_map(|e| match e.kind {
                ExitKind::Guard { pos, .. } => Some((pos, e.failures, e.bridge.is_some())),
                ExitKind::Finish { .. } => None,
            })
            .collect()
    }

    /// Whether `trace` was compiled and not freed.
    pub fn is_live(&self, trace: TraceId) -> bool {
        self.traces
            .get(trace.index())
            .is_some_and(|c| c.asm.is_some())
    }

    /// Compiles `t`; `forced` chooses its guards that fail unconditionally.
    fn compile(
        &mut self,
        t: &Trace,
        name: &str,
        is_bridge: bool,
        forced: ForcedFailures,
    ) -> Result<TraceId, CompileError> {
        let _timer = Timer::start(Phase::Compiling);
        verify(t).map_err(CompileError::Verifier)?;
        let id = TraceId::new(self.traces.len());
        let alloc = regalloc::allocate(t).map_err(CompileError::Unsupported)?;
        let mut asm = Assembler::new().map_err(|e| CompileError::Assembler(e.to_string()))?;
        let epilogue = asm.new_dynamic_label();
        let first_exit = self.exits.len();
        let invalid = Arc::new(AtomicU64::new(0));

        let guards = t.guards();
        let mut guard_no = vec![usize::MAX; t.len()];
        for (i, &g) in guards.iter().enumerate() {
            guard_no[g] = i;
        }
        let nlabels = (0..t.len())
            .filter(|&p| t.op(p).opcode == Opcode::Label)
            .count();
        let counters = jitlog::code_counters(id.as_u32(), guards.len(), nlabels);
        let mut gen = Gen {
            invalid_addr: Arc::as_ptr(&invalid) as usize,
            t,
            locs: &alloc.locs,
            ops: &mut asm,
            epilogue,
            exits: Vec::new(),
            local_labels: HashMap::default(),
            ext_labels: &self.labels,
            next_exit: first_exit as u32,
            forced: forced_positions(t, forced, id.index()),
            max_words: t.num_inputs().max(1),
            new_labels: Vec::new(),
            ext_targets: Vec::new(),
            ends: regalloc::live_ends(t),
            fused: None,
            panic_exit: None,
            counters,
            guard_no,
            nguards: guards.len(),
            labels_seen: 0,
        };
        let entry = gen.ops.offset();
        gen.entry(is_bridge);
        gen.body()?;
        gen.stubs();
        gen.epilogue();
        let Gen {
            exits,
            new_labels,
            max_words,
            ext_targets,
            ..
        } = gen;
        if max_words > MAX_SAVED_WORDS {
            return Err(CompileError::Unsupported(format!(
                "an exit saves {max_words} values (limit {MAX_SAVED_WORDS})"
            )));
        }
        asm.commit()
            .map_err(|e| CompileError::Assembler(e.to_string()))?;
        let size = asm.offset().0;
        // (the staging buffer, labels and relocations go; only the mapping is kept)
        let asm = asm
            .finalize()
            .map_err(|_| CompileError::Assembler("the code buffer is still shared".into()))?;
        let base = asm.ptr(AssemblyOffset(0)) as usize;
        // register exits
        for e in &exits {
            let op = t.op(e.pos);
            let (kind, num_values) = match op.snapshot() {
                Some(s) => (
                    ExitKind::Guard {
                        index: guards.iter().position(|&g| g == e.pos).unwrap_or(0),
                        pos: e.pos,
                        snapshot: s,
                    },
                    t.exit_refs(s).len(),
                ),
                None => (ExitKind::Finish { pos: e.pos }, t.args(e.pos).len()),
            };
            debug_assert_eq!(e.exit.0 as usize, self.exits.len());
            self.exits.push(ExitInfo {
                trace: id,
                kind,
                failures: 0,
                bridge: None,
                num_values,
            });
            self.patch_sites.push(if op.snapshot().is_some() {
                Some(e.patch_site)
            } else {
                None
            });
        }
        let labels = new_labels.iter().map(|l| l.tok).collect();
        let mut before = None;
        for l in new_labels {
            self.labels.insert(
                l.tok,
                LabelInfo {
                    addr: base + l.off.0,
                    locs: l.locs,
                    kinds: l.kinds,
                    counter: l.counter,
                    before,
                },
            );
            before = Some(l.tok);
        }
        self.frame_words = self.frame_words.max(max_words);
        let nguards = guards.len() as u64;
        // (a trace from a key that leaves through `finish` instead of jumping back is an
        // entry trace: a function-entry trace whose guest function returned)
        let ends_in_finish = !t.is_empty() && t.op(t.len() - 1).opcode == Opcode::Finish;
        stats::bump(if is_bridge {
            &stats::BRIDGES
        } else if ends_in_finish {
            &stats::ENTRIES
        } else {
            &stats::LOOPS
        });
        if !is_bridge && !ends_in_finish {
            jitlog::note_loop_compiled();
        }
        stats::add(&stats::GUARDS, nguards);
        stats::MAX_GUARDS.fetch_max(nguards, std::sync::atomic::Ordering::Relaxed);
        stats::add(&stats::OPS, t.len() as u64);
        stats::add(&stats::CODE_BYTES, size as u64);
        if jitlog::enabled(Section::Asm) {
            let locs = alloc
                .locs
                .iter()
                .enumerate()
                .filter(|(_, l)| **l != Loc::None)
                .map(|(i, l)| (crate::ir::operand(t, OpRef::op(i)), loc_name(*l)))
                .collect();
            let code = &asm;
            jitlog::log_code(&jitlog::CodeInfo {
                id: id.as_u32(),
                is_bridge,
                name,
                addr: base,
                bytes: &code[..size],
                guards: nguards as usize,
                spill_slots: alloc.spill_slots as usize,
                locs,
            });
        }
        let mut pins = PinnedVec::with_capacity(t.consts().len());
        pins.extend(
            t.consts()
                .iter()
                .filter(|c| c.kind() != Kind::Float)
                .map(|c| c.to_bits()),
        );
        self.traces.push(Compiled {
            // (exits and bridges read only the snapshots and the ops' kinds)
            trace: t.resume_copy(),
            asm: Some(asm),
            entry_addr: base + entry.0,
            is_bridge,
            size,
            labels,
            jumps_to: ext_targets,
            parent_exit: None,
            _pins: pins,
            invalid,
        });
        Ok(id)
    }
}

/// Which op positions of `t` (the `trace_no`-th compiled trace) hold a guard that `which`
/// forces to fail. `Index` and `Random` leave out (and do not number) the
/// `guard_not_interrupted`s: such an exit never gets a bridge, so forcing the one at a
/// loop's top would send every iteration back to the interpreter; `All` forces them too.
fn forced_positions(t: &Trace, which: ForcedFailures, trace_no: usize) -> Vec<bool> {
    let mut forced = vec![false; t.len()];
    let mut guards = t.guards();
    if which != ForcedFailures::All {
        guards.retain(|&pos| t.op(pos).opcode != Opcode::GuardNotInterrupted);
    }
    for (i, &pos) in guards.iter().enumerate() {
        forced[pos] = which.forces(trace_no, i, guards.len());
    }
    forced
}

fn loc_name(l: Loc) -> String {
    const NAMES: [&str; 16] = [
        "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12",
        "r13", "r14", "r15",
    ];
    match l {
        Loc::Gpr(r) => NAMES[r as usize & 15].to_string(),
        Loc::Xmm(x) => format!("xmm{x}"),
        Loc::Stack(s) => format!("[rbp{}]", slot_off(s)),
        Loc::None => "-".into(),
    }
}

impl Backend for X64Backend {
    fn compile_loop(&mut self, trace: &Trace, name: &str) -> Result<TraceId, CompileError> {
        self.compile(trace, name, false, self.forced)
    }

    fn compile_bridge(
        &mut self,
        exit: ExitId,
        bridge: &Trace,
        name: &str,
    ) -> Result<TraceId, CompileError> {
        let info = self
            .exits
            .get(exit.0 as usize)
            .ok_or_else(|| CompileError::BadId(format!("exit {}", exit.0)))?;
        let ExitKind::Guard { snapshot, .. } = info.kind else {
            return Err(CompileError::BridgeMismatch(
                "exit is a finish, not a guard".into(),
            ));
        };
        if info.bridge.is_some() {
            return Err(CompileError::BridgeMismatch(
                "guard already has a bridge".into(),
            ));
        }
        if !self.is_live(info.trace) {
            return Err(CompileError::BadId(format!(
                "exit {} of a freed trace",
                exit.0
            )));
        }
        let parent = &self.traces[info.trace.index()].trace;
        let want: Vec<Kind> = parent
            .exit_refs(snapshot)
            .iter()
            .map(|&r| parent.kind(r))
            .collect();
        let got = bridge.input_kinds();
        if want != got {
            return Err(CompileError::BridgeMismatch(format!(
                "guard saves {want:?}, bridge takes {got:?}"
            )));
        }
        let parent_id = info.trace;
        // Forced failures apply to loops and their bridges, not to bridges of bridges: a
        // bridge re-executes its guard's instruction first, so its own guard 0 is often the
        // same test again, and forcing it in every generation would grow bridges forever.
        let forced = if self.traces[parent_id.index()].is_bridge {
            ForcedFailures::None
        } else {
            self.forced
        };
        let site = self.patch_sites[exit.0 as usize]
            .ok_or_else(|| CompileError::BridgeMismatch("guard has no patch site".into()))?;
        let id = self.compile(bridge, name, true, forced)?;
        self.traces[id.index()].parent_exit = Some(exit);
        let addr = self.traces[id.index()].entry_addr;
        let owner = self.traces[parent_id.index()]
            .asm
            .as_mut()
            .expect("live parent");
        let original = owner[site.0..site.0 + PATCH_SITE_LEN].to_vec();
        let mut m = SimpleAssembler::new();
        x64!(m
            ; mov r11, QWORD addr as i64
            ; jmp r11
        );
        let bytes = m.finalize();
        if bytes.len() != PATCH_SITE_LEN {
            return Err(CompileError::Assembler(format!(
                "a bridge jump is {} bytes, the patch site {PATCH_SITE_LEN}",
                bytes.len()
            )));
        }
        patch_code(owner, site.0, &bytes).map_err(|e| CompileError::Assembler(e.to_string()))?;
        self.patched.insert(exit, original);
        let info = &mut self.exits[exit.0 as usize];
        info.bridge = Some(id);
        let guard_index = match info.kind {
            ExitKind::Guard { index, .. } => index,
            ExitKind::Finish { .. } => 0,
        };
        jitlog::log_bridge(parent_id.as_u32(), guard_index, id.as_u32(), info.failures);
        crate::jitlog!(
            Section::Asm,
            "patched exit {} of trace {} to bridge {} at {:#x}",
            exit.0,
            parent_id,
            id,
            addr
        );
        Ok(id)
    }

    unsafe fn execute(
        &mut self,
        trace: TraceId,
        inputs: &[u64],
    ) -> Result<ExitResult, CompileError> {
        let c = self
            .traces
            .get(trace.index())
            .ok_or_else(|| CompileError::BadId(format!("{trace}")))?;
        if c.trace.num_inputs() != inputs.len() {
            return Err(CompileError::BadId(format!(
                "{trace} takes {} inputs, got {}",
                c.trace.num_inputs(),
                inputs.len()
            )));
        }
        let f = self
            .entry_point(trace)
            .ok_or_else(|| CompileError::BadId(format!("{trace} is a bridge")))?;
        let mut frame = self
            .frame_pool
            .pop()
            .unwrap_or_else(|| vec![0u64; MAX_FRAME_WORDS].into_boxed_slice());
        frame[..inputs.len()].copy_from_slice(inputs);
        // SAFETY: `f` is a compiled loop of this backend and `frame` has MAX_FRAME_WORDS
        // words; the caller guarantees the trace's memory accesses and calls are valid for
        // these inputs.
        let raw = unsafe { f.call(&mut frame) };
        let result = match raw {
            Ok(raw) => self.record_exit(raw).map(|(exit, n)| ExitResult {
                exit,
                values: frame[..n].to_vec(),
            }),
            Err(p) => {
                self.frame_pool.push(frame);
                std::panic::resume_unwind(p)
            }
        };
        self.frame_pool.push(frame);
        result
    }

    fn exit(&self, exit: ExitId) -> Option<&ExitInfo> {
        self.exits.get(exit.0 as usize)
    }

    fn resume_frames(&self, exit: ExitId, values: &[u64]) -> Vec<ResumeFrame> {
        match self.exits.get(exit.0 as usize) {
            Some(ExitInfo {
                trace,
                kind: ExitKind::Guard { snapshot, .. },
                ..
            }) => self.traces[trace.index()]
                .trace
                .resume_frames(*snapshot, values),
            _ => Vec::new(),
        }
    }

    fn trace(&self, trace: TraceId) -> Option<&Trace> {
        self.traces
            .get(trace.index())
            .filter(|c| c.asm.is_some())
            .map(|c| &c.trace)
    }

    unsafe fn free_trace(&mut self, trace: TraceId) -> Vec<TraceId> {
        // What dies: the trace, every bridge attached to a dying trace, every trace that
        // jumps to a label of a dying trace (its jump would land in freed memory).
        let mut dying: Vec<TraceId> = Vec::new();
        let mut work = vec![trace];
        while let Some(t) = work.pop() {
            if !self.is_live(t) || dying.contains(&t) {
                continue;
            }
            dying.push(t);
            for e in self.exits.iter().filter(|e| e.trace == t) {
                if let Some(b) = e.bridge {
                    work.push(b);
                }
            }
            let labels = &self.traces[t.index()].labels;
            for (i, c) in self.traces.iter().enumerate() {
                if c.asm.is_some() && c.jumps_to.iter().any(|l| labels.contains(l)) {
                    work.push(TraceId::new(i));
                }
            }
        }
        // A dying bridge whose parent lives: its guard exits to the driver again.
        for &t in &dying {
            let Some(exit) = self.traces[t.index()].parent_exit else {
                continue;
            };
            let parent = self.exits[exit.0 as usize].trace;
            if dying.contains(&parent) {
                continue;
            }
            let site = self.patch_sites[exit.0 as usize].expect("patched guard has a site");
            let original = self
                .patched
                .remove(&exit)
                .expect("original patch-site bytes");
            let owner = self.traces[parent.index()]
                .asm
                .as_mut()
                .expect("live parent");
            // (this only fails if the pages cannot be made writable or executable again,
            // after which the process cannot continue safely either)
            patch_code(owner, site.0, &original)
                .expect("metatracer: could not restore a guard's exit after freeing its bridge");
            self.exits[exit.0 as usize].bridge = None;
        }
        for &t in &dying {
            for i in 0..self.exits.len() {
                if self.exits[i].trace == t {
                    self.patch_sites[i] = None;
                    self.patched.remove(&ExitId(i as u32));
                }
            }
            let c = &mut self.traces[t.index()];
            for l in &c.labels {
                self.labels.remove(l);
            }
            // Dropping the assembler unmaps the code; dropping the constants' pins lets the
            // collector reclaim or move what only this trace kept.
            c.asm = None;
            c.trace = Trace::default();
            c.labels.clear();
            c.jumps_to.clear();
            c._pins.clear();
            stats::bump(&stats::FREED);
            crate::jitlog!(Section::Asm, "freed trace {}", t);
        }
        dying
    }

    fn set_forced_failures(&mut self, which: ForcedFailures) {
        self.forced = which;
    }

    fn invalidation_flag(&self, trace: TraceId) -> Option<Arc<AtomicU64>> {
        self.traces
            .get(trace.index())
            .filter(|c| c.asm.is_some())
            .map(|c| c.invalid.clone())
    }
}

/// Overwrites `bytes.len()` bytes of committed code at offset `at`: the pages turn writable
/// (not executable) for the copy and executable again, in place (the mapping keeps its
/// address: jumps into it and code suspended in it stay valid). Only this thread runs the
/// code, and none of it runs during the copy.
fn patch_code(buf: &mut ExecutableBuffer, at: usize, bytes: &[u8]) -> std::io::Result<()> {
    let mut m = std::mem::take(buf).make_mut()?;
    m[at..at + bytes.len()].copy_from_slice(bytes);
    *buf = m.make_exec()?;
    Ok(())
}

/// The entry point of a compiled loop: `extern "sysv64" fn(frame: *mut u64) -> u64` (see
/// the module docs). Copying it out of the backend lets a driver run machine code without
/// holding a borrow of the backend.
#[derive(Clone, Copy, Debug)]
pub struct EntryPoint(extern "sysv64" fn(*mut u64) -> u64);

impl EntryPoint {
    /// Runs the code on `frame` (inputs in its first words) and returns the raw exit number,
    /// or the payload of a panic raised by a residual call the code made (the code has
    /// returned by then; resume it with `std::panic::resume_unwind`).
    ///
    /// # Safety
    /// The code's backend must still be alive. `frame` must have [`MAX_FRAME_WORDS`] words
    /// (checked) and hold inputs of the kinds the trace takes, for which its loads, stores and
    /// calls are valid.
    pub unsafe fn call(self, frame: &mut [u64]) -> Result<u64, Payload> {
        assert!(
            frame.len() >= MAX_FRAME_WORDS,
            "EntryPoint::call needs a frame buffer of {MAX_FRAME_WORDS} words, got {}",
            frame.len()
        );
        frame[PANIC_FLAG_WORD] = unwind::flag_address();
        let raw = (self.0)(frame.as_mut_ptr());
        if raw == PANIC_EXIT {
            if let Some(p) = unwind::take() {
                return Err(p);
            }
        }
        Ok(raw)
    }
}

/// Code generation state for one trace.
struct Gen<'a> {
    t: &'a Trace,
    /// Address of the trace's invalidation flag (an `AtomicU64` the compiled trace owns).
    invalid_addr: usize,
    locs: &'a [Loc],
    ops: &'a mut Assembler,
    epilogue: DynamicLabel,
    exits: Vec<PendingExit>,
    local_labels: HashMap<TargetToken, (DynamicLabel, usize)>,
    ext_labels: &'a HashMap<TargetToken, LabelInfo>,
    next_exit: u32,
    /// Per op position: a guard that fails unconditionally (`ForcedFailures`).
    forced: Vec<bool>,
    max_words: usize,
    new_labels: Vec<NewLabel>,
    /// Labels of other traces this trace jumps to.
    ext_targets: Vec<TargetToken>,
    /// Last use of each value (from the register allocator's liveness).
    ends: Vec<usize>,
    /// A compare whose condition is still in the flags for the next guard.
    fused: Option<Cond>,
    /// Where code goes when a residual call panicked (bound after the stubs if used).
    panic_exit: Option<DynamicLabel>,
    /// The address of this trace's counter words when the JSON log is on
    /// (`jitlog::code_counters`: runs, one per guard, one per label); `None` emits no counting.
    counters: Option<usize>,
    /// Per op position: its guard number (`Trace::guards` order), `usize::MAX` for non-guards.
    guard_no: Vec<usize>,
    /// Guards in the trace (label counters follow the guards' in the counter words).
    nguards: usize,
    /// Labels emitted so far (the next label's counter).
    labels_seen: usize,
}

impl Gen<'_> {
    fn src(&self, r: OpRef) -> Src {
        match self.t.const_value(r) {
            Some(v) => Src::Bits(v.to_bits()),
            None => Src::Loc(self.locs[r.as_op().unwrap_or(0)]),
        }
    }

    /// Load an int/ref (or the bits of a float) into GPR `dst`.
    fn load_gpr(&mut self, dst: u8, s: Src) {
        let ops = &mut *self.ops;
        match s {
            Src::Bits(b) => {
                let v = b as i64;
                if i32::try_from(v).is_ok() {
                    x64!(ops ; mov Rq(dst), DWORD v as i32);
                } else {
                    x64!(ops ; mov Rq(dst), QWORD v);
                }
            }
            Src::Loc(Loc::Gpr(r)) => {
                if r != dst {
                    x64!(ops ; mov Rq(dst), Rq(r));
                }
            }
            Src::Loc(Loc::Xmm(x)) => x64!(ops ; movq Rq(dst), Rx(x)),
            Src::Loc(Loc::Stack(s)) => {
                let off = slot_off(s);
                x64!(ops ; mov Rq(dst), QWORD [rbp + off]);
            }
            Src::Loc(Loc::None) => x64!(ops ; xor Rd(dst), Rd(dst)),
        }
    }

    /// Load a float into XMM `dst` (uses rax for constants).
    fn load_xmm(&mut self, dst: u8, s: Src) {
        let ops = &mut *self.ops;
        match s {
            Src::Bits(b) => {
                x64!(ops ; mov rax, QWORD b as i64 ; movq Rx(dst), rax);
            }
            Src::Loc(Loc::Xmm(x)) => {
                if x != dst {
                    x64!(ops ; movaps Rx(dst), Rx(x));
                }
            }
            Src::Loc(Loc::Gpr(r)) => x64!(ops ; movq Rx(dst), Rq(r)),
            Src::Loc(Loc::Stack(s)) => {
                let off = slot_off(s);
                x64!(ops ; movsd Rx(dst), QWORD [rbp + off]);
            }
            Src::Loc(Loc::None) => x64!(ops ; xorps Rx(dst), Rx(dst)),
        }
    }

    /// Store GPR `src` into location `dst`.
    fn store_gpr(&mut self, dst: Loc, src: u8) {
        let ops = &mut *self.ops;
        match dst {
            Loc::Gpr(d) => {
                if d != src {
                    x64!(ops ; mov Rq(d), Rq(src));
                }
            }
            Loc::Xmm(x) => x64!(ops ; movq Rx(x), Rq(src)),
            Loc::Stack(s) => {
                let off = slot_off(s);
                x64!(ops ; mov QWORD [rbp + off], Rq(src));
            }
            Loc::None => {}
        }
    }

    /// Store XMM `src` into location `dst`.
    fn store_xmm(&mut self, dst: Loc, src: u8) {
        let ops = &mut *self.ops;
        match dst {
            Loc::Xmm(d) => {
                if d != src {
                    x64!(ops ; movaps Rx(d), Rx(src));
                }
            }
            Loc::Gpr(r) => x64!(ops ; movq Rq(r), Rx(src)),
            Loc::Stack(s) => {
                let off = slot_off(s);
                x64!(ops ; movsd QWORD [rbp + off], Rx(src));
            }
            Loc::None => {}
        }
    }

    fn arg(&self, p: usize, k: usize) -> Src {
        self.src(self.t.args(p)[k])
    }

    fn const_arg(&self, p: usize, k: usize) -> Option<i64> {
        self.t
            .const_value(self.t.args(p)[k])
            .and_then(Value::as_int)
    }

    /// A register holding int operand `s`: its own register, or r10 after loading it.
    fn int_operand(&mut self, s: Src) -> u8 {
        self.int_operand_in(s, R10)
    }

    /// A register holding int operand `s`: its own register, or `scratch` after loading it.
    fn int_operand_in(&mut self, s: Src, scratch: u8) -> u8 {
        match s {
            Src::Loc(Loc::Gpr(r)) => r,
            _ => {
                self.load_gpr(scratch, s);
                scratch
            }
        }
    }

    /// After a `cmp`/`test`: materialize condition `cc` as 0/1 in op `p`'s location, or,
    /// when the only use of the result is the guard right after, leave it in the flags.
    fn set_or_fuse(&mut self, p: usize, cc: Cond) {
        let t = self.t;
        let fusable = p + 1 < t.len()
            && !self.forced[p + 1]
            && matches!(t.op(p + 1).opcode, Opcode::GuardTrue | Opcode::GuardFalse)
            && t.args(p + 1) == [OpRef::op(p)]
            && self.ends[p] == p + 1;
        // The guard's snapshot may list the compare's result (the interpreter resumes on the
        // branch that reads it): its exit stub then stores the value the result must have
        // when the guard fails, so the result needs no register.
        if fusable {
            self.fused = Some(cc);
            return;
        }
        let ops = &mut *self.ops;
        match cc {
            Cond::L => x64!(ops ; setl al),
            Cond::Le => x64!(ops ; setle al),
            Cond::G => x64!(ops ; setg al),
            Cond::Ge => x64!(ops ; setge al),
            Cond::E => x64!(ops ; sete al),
            Cond::Ne => x64!(ops ; setne al),
            Cond::B => x64!(ops ; setb al),
            Cond::Be => x64!(ops ; setbe al),
            Cond::A => x64!(ops ; seta al),
            Cond::Ae => x64!(ops ; setae al),
        }
        x64!(ops ; movzx eax, al);
        self.store_gpr(self.locs[p], RAX);
    }

    /// Jump to `label` if `cc` holds.
    fn jcc(&mut self, cc: Cond, label: DynamicLabel) {
        let ops = &mut *self.ops;
        match cc {
            Cond::L => x64!(ops ; jl =>label),
            Cond::Le => x64!(ops ; jle =>label),
            Cond::G => x64!(ops ; jg =>label),
            Cond::Ge => x64!(ops ; jge =>label),
            Cond::E => x64!(ops ; je =>label),
            Cond::Ne => x64!(ops ; jne =>label),
            Cond::B => x64!(ops ; jb =>label),
            Cond::Be => x64!(ops ; jbe =>label),
            Cond::A => x64!(ops ; ja =>label),
            Cond::Ae => x64!(ops ; jae =>label),
        }
    }

    /// `inc` of counter word `k` (JSON log only; nothing is emitted otherwise). Clobbers rax
    /// and the flags, so it goes where neither is live: a trace's start, a label, an exit stub.
    fn count(&mut self, k: usize) {
        if let Some(base) = self.counters {
            self.count_word(base + 8 * k);
        }
    }

    /// `inc` of the counter word at `addr` (clobbers rax and the flags, as [`Gen::count`]).
    fn count_word(&mut self, addr: usize) {
        let ops = &mut *self.ops;
        x64!(ops ; mov rax, QWORD addr as i64 ; inc QWORD [rax]);
    }

    /// At the marker in front of a bridge's copy of its loop's preamble
    /// (`opt::unroll::SHORT_MARKER`, JSON log only): the copy is the bridge's pass through the
    /// loop's label `t0` (without the copy the bridge would jump there), so it counts at that
    /// label's counter, the label before the `t1` the bridge ends jumping to. Between two ops
    /// rax and the flags are dead (a compare fuses only with the guard right after it).
    fn count_copied_preamble(&mut self, p: usize) {
        let t = self.t;
        if self.counters.is_none()
            || !t.op(p).descr().is_some_and(|d| {
                matches!(t.descr(d), crate::ir::Descr::Text(s)
                    if s == crate::opt::unroll::SHORT_MARKER)
            })
        {
            return;
        }
        let Some(t1) = t.len().checked_sub(1).and_then(|e| t.target(e)) else {
            return;
        };
        let t0 = self.ext_labels.get(&t1).and_then(|l| l.before);
        if let Some(addr) = t0.and_then(|t0| self.ext_labels.get(&t0)?.counter) {
            self.count_word(addr);
        }
    }

    fn entry(&mut self, is_bridge: bool) {
        if is_bridge {
            self.count(0);
        }
        let ops = &mut *self.ops;
        if is_bridge {
            x64!(ops ; mov r11, QWORD [rbp + FBUF_OFF]);
        } else {
            x64!(ops
                ; push rbp
                ; mov rbp, rsp
                ; push rbx
                ; push r12
                ; push r13
                ; push r14
                ; push r15
                ; sub rsp, FRAME_BYTES
                ; mov [rbp + FBUF_OFF], rdi
            );
            self.count(0);
            let ops = &mut *self.ops;
            x64!(ops ; mov r11, rdi);
        }
        let ops = &mut *self.ops;
        for i in 0..self.t.num_inputs() {
            let off = 8 * i as i32;
            match self.locs[i] {
                Loc::Gpr(r) => x64!(ops ; mov Rq(r), QWORD [r11 + off]),
                Loc::Xmm(x) => x64!(ops ; movsd Rx(x), QWORD [r11 + off]),
                Loc::Stack(s) => {
                    let so = slot_off(s);
                    x64!(ops ; mov r10, QWORD [r11 + off] ; mov QWORD [rbp + so], r10);
                }
                Loc::None => {}
            }
        }
    }

    fn new_exit(&mut self, pos: usize) -> (DynamicLabel, ExitId) {
        let label = self.ops.new_dynamic_label();
        let exit = ExitId(self.next_exit);
        self.next_exit += 1;
        self.exits.push(PendingExit {
            label,
            pos,
            exit,
            patch_site: AssemblyOffset(0),
            known: None,
        });
        (label, exit)
    }

    fn body(&mut self) -> Result<(), CompileError> {
        let t = self.t;
        for p in t.num_inputs()..t.len() {
            self.op(p)?;
        }
        Ok(())
    }

    fn op(&mut self, p: usize) -> Result<(), CompileError> {
        let t = self.t;
        let opc = t.op(p).opcode;
        let dst = self.locs[p];
        let flags = opc.flags();
        use Opcode as O;
        match opc {
            O::InputI | O::InputF | O::InputR => {}
            O::IntAdd
            | O::IntSub
            | O::IntAnd
            | O::IntOr
            | O::IntXor
            | O::IntAddOvf
            | O::IntSubOvf
            | O::IntMul
            | O::IntMulOvf => {
                let (mut a, mut b) = (self.arg(p, 0), self.arg(p, 1));
                // `x = y op x` with op commutative: compute `x op= y` in place
                if flags.contains(OpFlags::COMMUTATIVE)
                    && b == Src::Loc(dst)
                    && matches!(a, Src::Loc(_))
                {
                    std::mem::swap(&mut a, &mut b);
                }
                // compute in the destination register when that does not clobber `b`
                let w = match dst {
                    Loc::Gpr(d) if b != Src::Loc(Loc::Gpr(d)) => d,
                    _ => R11,
                };
                self.load_gpr(w, a);
                let imm = match b {
                    Src::Bits(v) => i32::try_from(v as i64).ok(),
                    Src::Loc(_) => None,
                };
                let is_mul = matches!(opc, O::IntMul | O::IntMulOvf);
                match imm {
                    Some(i) => {
                        let ops = &mut *self.ops;
                        match opc {
                            O::IntAdd | O::IntAddOvf => x64!(ops ; add Rq(w), i),
                            O::IntSub | O::IntSubOvf => x64!(ops ; sub Rq(w), i),
                            O::IntAnd => x64!(ops ; and Rq(w), i),
                            O::IntOr => x64!(ops ; or Rq(w), i),
                            _ if is_mul => x64!(ops ; imul Rq(w), Rq(w), i),
                            _ => x64!(ops ; xor Rq(w), i),
                        }
                    }
                    None => {
                        let r = self.int_operand(b);
                        let ops = &mut *self.ops;
                        match opc {
                            O::IntAdd | O::IntAddOvf => x64!(ops ; add Rq(w), Rq(r)),
                            O::IntSub | O::IntSubOvf => x64!(ops ; sub Rq(w), Rq(r)),
                            O::IntAnd => x64!(ops ; and Rq(w), Rq(r)),
                            O::IntOr => x64!(ops ; or Rq(w), Rq(r)),
                            _ if is_mul => x64!(ops ; imul Rq(w), Rq(r)),
                            _ => x64!(ops ; xor Rq(w), Rq(r)),
                        }
                    }
                }
                self.store_gpr(dst, w);
            }
            O::IntDiv | O::IntMod if self.const_arg(p, 1).and_then(divmagic::magic).is_some() => {
                self.div_by_constant(p, opc == O::IntMod);
            }
            O::IntDiv | O::IntMod => {
                self.load_gpr(R11, self.arg(p, 1));
                self.load_gpr(RAX, self.arg(p, 0));
                let ops = &mut *self.ops;
                x64!(ops ; cqo ; idiv r11);
                self.store_gpr(dst, if opc == O::IntDiv { RAX } else { 2 });
            }
            O::IntLshift | O::IntRshift | O::UintRshift => {
                self.load_gpr(R11, self.arg(p, 0));
                match self.const_arg(p, 1) {
                    Some(c) => {
                        let c = (c & 63) as i8;
                        let ops = &mut *self.ops;
                        match opc {
                            O::IntLshift => x64!(ops ; shl r11, c),
                            O::IntRshift => x64!(ops ; sar r11, c),
                            _ => x64!(ops ; shr r11, c),
                        }
                    }
                    None => {
                        self.load_gpr(RCX, self.arg(p, 1));
                        let ops = &mut *self.ops;
                        match opc {
                            O::IntLshift => x64!(ops ; shl r11, cl),
                            O::IntRshift => x64!(ops ; sar r11, cl),
                            _ => x64!(ops ; shr r11, cl),
                        }
                    }
                }
                self.store_gpr(dst, R11);
            }
            O::IntNeg | O::IntInvert => {
                self.load_gpr(R11, self.arg(p, 0));
                let ops = &mut *self.ops;
                if opc == O::IntNeg {
                    x64!(ops ; neg r11);
                } else {
                    x64!(ops ; not r11);
                }
                self.store_gpr(dst, R11);
            }
            O::IntLt
            | O::IntLe
            | O::IntGt
            | O::IntGe
            | O::IntEq
            | O::IntNe
            | O::UintLt
            | O::UintLe
            | O::UintGt
            | O::UintGe
            | O::PtrEq
            | O::PtrNe => {
                let a = self.int_operand_in(self.arg(p, 0), R11);
                match self.const_arg(p, 1).and_then(|v| i32::try_from(v).ok()) {
                    Some(i) => {
                        let ops = &mut *self.ops;
                        x64!(ops ; cmp Rq(a), i);
                    }
                    None => {
                        let b = self.int_operand(self.arg(p, 1));
                        let ops = &mut *self.ops;
                        x64!(ops ; cmp Rq(a), Rq(b));
                    }
                }
                let cc = match opc {
                    O::IntLt => Cond::L,
                    O::IntLe => Cond::Le,
                    O::IntGt => Cond::G,
                    O::IntGe => Cond::Ge,
                    O::IntEq | O::PtrEq => Cond::E,
                    O::IntNe | O::PtrNe => Cond::Ne,
                    O::UintLt => Cond::B,
                    O::UintLe => Cond::Be,
                    O::UintGt => Cond::A,
                    _ => Cond::Ae,
                };
                self.set_or_fuse(p, cc);
            }
            O::IntIsZero | O::IntIsTrue => {
                let a = self.int_operand_in(self.arg(p, 0), R11);
                let ops = &mut *self.ops;
                x64!(ops ; test Rq(a), Rq(a));
                self.set_or_fuse(
                    p,
                    if opc == O::IntIsZero {
                        Cond::E
                    } else {
                        Cond::Ne
                    },
                );
            }
            O::FloatAdd | O::FloatSub | O::FloatMul | O::FloatTrueDiv => {
                self.load_xmm(XMM15, self.arg(p, 0));
                self.load_xmm(XMM14, self.arg(p, 1));
                let ops = &mut *self.ops;
                match opc {
                    O::FloatAdd => x64!(ops ; addsd xmm15, xmm14),
                    O::FloatSub => x64!(ops ; subsd xmm15, xmm14),
                    O::FloatMul => x64!(ops ; mulsd xmm15, xmm14),
                    _ => x64!(ops ; divsd xmm15, xmm14),
                }
                self.store_xmm(dst, XMM15);
            }
            O::FloatNeg | O::FloatAbs => {
                self.load_xmm(XMM15, self.arg(p, 0));
                let ops = &mut *self.ops;
                if opc == O::FloatNeg {
                    x64!(ops ; mov rax, QWORD i64::MIN ; movq xmm14, rax ; xorpd xmm15, xmm14);
                } else {
                    x64!(ops ; mov rax, QWORD i64::MAX ; movq xmm14, rax ; andpd xmm15, xmm14);
                }
                self.store_xmm(dst, XMM15);
            }
            O::FloatLt | O::FloatLe | O::FloatGt | O::FloatGe | O::FloatEq | O::FloatNe => {
                // a < b is b > a: compare with swapped operands so "above" works (false on NaN)
                let (x, y) = if matches!(opc, O::FloatLt | O::FloatLe) {
                    (1, 0)
                } else {
                    (0, 1)
                };
                self.load_xmm(XMM15, self.arg(p, x));
                self.load_xmm(XMM14, self.arg(p, y));
                let ops = &mut *self.ops;
                x64!(ops ; ucomisd xmm15, xmm14);
                match opc {
                    // "above (or equal)" is false when unordered, and its negation true
                    O::FloatLt | O::FloatGt => self.set_or_fuse(p, Cond::A),
                    O::FloatLe | O::FloatGe => self.set_or_fuse(p, Cond::Ae),
                    O::FloatEq => {
                        x64!(ops ; sete al ; setnp cl ; and al, cl ; movzx eax, al);
                        self.store_gpr(dst, RAX);
                    }
                    _ => {
                        x64!(ops ; setne al ; setp cl ; or al, cl ; movzx eax, al);
                        self.store_gpr(dst, RAX);
                    }
                }
            }
            O::CastFloatToInt => {
                self.load_xmm(XMM15, self.arg(p, 0));
                let ops = &mut *self.ops;
                x64!(ops ; cvttsd2si r11, xmm15);
                self.store_gpr(dst, R11);
            }
            O::CastIntToFloat => {
                self.load_gpr(R11, self.arg(p, 0));
                let ops = &mut *self.ops;
                x64!(ops ; xorps xmm15, xmm15 ; cvtsi2sd xmm15, r11);
                self.store_xmm(dst, XMM15);
            }
            O::CastPtrToInt | O::CastIntToPtr | O::SameAsI | O::SameAsR => match dst {
                Loc::Gpr(d) => self.load_gpr(d, self.arg(p, 0)),
                _ => {
                    self.load_gpr(R11, self.arg(p, 0));
                    self.store_gpr(dst, R11);
                }
            },
            O::SameAsF => {
                self.load_xmm(XMM15, self.arg(p, 0));
                self.store_xmm(dst, XMM15);
            }
            O::GuardTrue
            | O::GuardFalse
            | O::GuardNonnull
            | O::GuardIsnull
            | O::GuardValue
            | O::GuardNoOverflow
            | O::GuardOverflow
            | O::GuardNotInvalidated
            | O::GuardNotInterrupted => {
                let (label, _) = self.new_exit(p);
                if self.forced[p] {
                    let ops = &mut *self.ops;
                    x64!(ops ; jmp =>label);
                    return Ok(());
                }
                match opc {
                    O::GuardNotInvalidated | O::GuardNotInterrupted => {
                        // (the trace's invalidation flag, or the process-wide interrupt flag)
                        let flag = if opc == O::GuardNotInvalidated {
                            self.invalid_addr as i64
                        } else {
                            crate::jit::interrupt::flag_addr() as i64
                        };
                        let ops = &mut *self.ops;
                        x64!(ops
                            ; mov r11, QWORD flag
                            ; cmp QWORD [r11], 0
                            ; jne =>label
                        );
                    }
                    O::GuardNoOverflow => {
                        let ops = &mut *self.ops;
                        x64!(ops ; jo =>label);
                    }
                    O::GuardOverflow => {
                        let ops = &mut *self.ops;
                        x64!(ops ; jno =>label);
                    }
                    O::GuardValue => {
                        let a = self.int_operand_in(self.arg(p, 0), R11);
                        match self.const_arg(p, 1).and_then(|v| i32::try_from(v).ok()) {
                            Some(i) => {
                                let ops = &mut *self.ops;
                                x64!(ops ; cmp Rq(a), i ; jne =>label);
                            }
                            None => {
                                self.load_gpr(R10, self.arg(p, 1));
                                let ops = &mut *self.ops;
                                x64!(ops ; cmp Rq(a), r10 ; jne =>label);
                            }
                        }
                    }
                    _ => {
                        let fails_if_zero = matches!(opc, O::GuardTrue | O::GuardNonnull);
                        match self.fused.take() {
                            // the preceding compare left its condition in the flags
                            Some(cc) => {
                                let cmp = t.args(p)[0];
                                if let Some(e) = self.exits.last_mut() {
                                    e.known = Some((cmp, u64::from(!fails_if_zero)));
                                }
                                self.jcc(if fails_if_zero { cc.negate() } else { cc }, label)
                            }
                            None => {
                                let a = self.int_operand_in(self.arg(p, 0), R11);
                                let ops = &mut *self.ops;
                                x64!(ops ; test Rq(a), Rq(a));
                                self.jcc(if fails_if_zero { Cond::E } else { Cond::Ne }, label);
                            }
                        }
                    }
                }
            }
            O::LoadI | O::LoadF | O::LoadR | O::LoadIdxI | O::LoadIdxF | O::LoadIdxR => {
                let m = t
                    .mem_descr(p)
                    .ok_or_else(|| CompileError::Unsupported("load without descr".into()))?;
                let (b, off) = self.address(p, flags.contains(OpFlags::INDEXED), m.scale)?;
                let ops = &mut *self.ops;
                use crate::ir::MemType as M;
                let r = match dst {
                    Loc::Gpr(d) => d,
                    _ => R11,
                };
                match m.ty {
                    M::F64 => {
                        match dst {
                            Loc::Xmm(x) => x64!(ops ; movsd Rx(x), QWORD [Rq(b) + off]),
                            _ => {
                                x64!(ops ; movsd xmm15, QWORD [Rq(b) + off]);
                                self.store_xmm(dst, XMM15);
                            }
                        }
                        return Ok(());
                    }
                    M::Int {
                        size: 1,
                        signed: true,
                    } => x64!(ops ; movsx Rq(r), BYTE [Rq(b) + off]),
                    M::Int {
                        size: 1,
                        signed: false,
                    } => x64!(ops ; movzx Rq(r), BYTE [Rq(b) + off]),
                    M::Int {
                        size: 2,
                        signed: true,
                    } => x64!(ops ; movsx Rq(r), WORD [Rq(b) + off]),
                    M::Int {
                        size: 2,
                        signed: false,
                    } => x64!(ops ; movzx Rq(r), WORD [Rq(b) + off]),
                    M::Int {
                        size: 4,
                        signed: true,
                    } => x64!(ops ; movsxd Rq(r), DWORD [Rq(b) + off]),
                    M::Int {
                        size: 4,
                        signed: false,
                    } => x64!(ops ; mov Rd(r), DWORD [Rq(b) + off]),
                    _ => x64!(ops ; mov Rq(r), QWORD [Rq(b) + off]),
                }
                self.store_gpr(dst, r);
            }
            O::StoreI | O::StoreF | O::StoreR | O::StoreIdxI | O::StoreIdxF | O::StoreIdxR => {
                let m = t
                    .mem_descr(p)
                    .ok_or_else(|| CompileError::Unsupported("store without descr".into()))?;
                let indexed = flags.contains(OpFlags::INDEXED);
                let vk = if indexed { 3 } else { 2 };
                let value = self.arg(p, vk);
                use crate::ir::MemType as M;
                // the value: an immediate, its own register, or rax/xmm15 after loading it
                let imm = match value {
                    Src::Bits(v) if m.ty != M::F64 => i32::try_from(v as i64).ok(),
                    _ => None,
                };
                let vr = match (m.ty, value) {
                    (M::F64, Src::Loc(Loc::Xmm(x))) => x,
                    (M::F64, _) => {
                        self.load_xmm(XMM15, value);
                        XMM15
                    }
                    _ if imm.is_some() => RAX,
                    (_, Src::Loc(Loc::Gpr(g))) => g,
                    _ => {
                        self.load_gpr(RAX, value);
                        RAX
                    }
                };
                let (b, off) = self.address(p, indexed, m.scale)?;
                let ops = &mut *self.ops;
                match (m.ty.size(), imm) {
                    _ if m.ty == M::F64 => x64!(ops ; movsd QWORD [Rq(b) + off], Rx(vr)),
                    (1, Some(i)) => x64!(ops ; mov BYTE [Rq(b) + off], i as i8),
                    (2, Some(i)) => x64!(ops ; mov WORD [Rq(b) + off], i as i16),
                    (4, Some(i)) => x64!(ops ; mov DWORD [Rq(b) + off], i),
                    (_, Some(i)) => x64!(ops ; mov QWORD [Rq(b) + off], i),
                    (1, None) => x64!(ops ; mov BYTE [Rq(b) + off], Rb(vr)),
                    (2, None) => x64!(ops ; mov WORD [Rq(b) + off], Rw(vr)),
                    (4, None) => x64!(ops ; mov DWORD [Rq(b) + off], Rd(vr)),
                    (_, None) => x64!(ops ; mov QWORD [Rq(b) + off], Rq(vr)),
                }
            }
            O::CallI
            | O::CallF
            | O::CallR
            | O::CallN
            | O::CallPureI
            | O::CallPureF
            | O::CallPureR
            | O::CallPureN => self.call(p)?,
            O::New => self.new_object(p)?,
            O::Label => {
                let tok = t
                    .target(p)
                    .ok_or_else(|| CompileError::Unsupported("label without target".into()))?;
                let label = self.ops.new_dynamic_label();
                let ops = &mut *self.ops;
                x64!(ops ; =>label);
                let off = self.ops.offset();
                // (after `off`: jumps from other traces count too)
                let k = 1 + self.nguards + self.labels_seen;
                self.count(k);
                let counter = self.counters.map(|base| base + 8 * k);
                self.labels_seen += 1;
                self.local_labels.insert(tok, (label, p));
                let args = t.args(p);
                let locs: Vec<Loc> = args
                    .iter()
                    .map(|&a| self.locs[a.as_op().unwrap_or(0)])
                    .collect();
                let kinds: Vec<Kind> = args.iter().map(|&a| t.kind(a)).collect();
                for &a in args {
                    if a.is_const() {
                        return Err(CompileError::Unsupported("constant label argument".into()));
                    }
                }
                self.new_labels.push(NewLabel {
                    tok,
                    off,
                    locs,
                    kinds,
                    counter,
                });
            }
            O::Jump => self.jump(p)?,
            O::Finish => {
                let (_, exit) = self.new_exit(p);
                // finish exits are not patchable: drop the stub label and store inline
                if let Some(e) = self.exits.last_mut() {
                    e.patch_site = AssemblyOffset(usize::MAX);
                }
                let args: Vec<OpRef> = t.args(p).to_vec();
                self.max_words = self.max_words.max(args.len());
                self.store_exit_values(&args, None);
                let epi = self.epilogue;
                let ops = &mut *self.ops;
                x64!(ops ; mov eax, exit.0 as i32 ; jmp =>epi);
            }
            O::DebugMergePoint => self.count_copied_preamble(p),
        }
        Ok(())
    }

    /// A register holding `base + index * scale` (the base's own register when there is no
    /// dynamic index, else r11) and the constant displacement. Uses r10 and r11 only.
    fn address(&mut self, p: usize, indexed: bool, scale: u32) -> Result<(u8, i32), CompileError> {
        let ofs_k = if indexed { 2 } else { 1 };
        let mut off = self
            .const_arg(p, ofs_k)
            .ok_or_else(|| CompileError::Unsupported("non-constant offset".into()))?;
        if indexed {
            if let Some(i) = self.const_arg(p, 1) {
                off = i
                    .checked_mul(scale as i64)
                    .and_then(|x| x.checked_add(off))
                    .unwrap_or(i64::MAX);
            } else {
                self.load_gpr(R10, self.arg(p, 1));
            }
        }
        let off32 = i32::try_from(off);
        let dynamic_index = indexed && self.const_arg(p, 1).is_none();
        if let (false, Ok(o), Src::Loc(Loc::Gpr(b))) = (dynamic_index, off32, self.arg(p, 0)) {
            return Ok((b, o));
        }
        self.load_gpr(R11, self.arg(p, 0));
        let ops = &mut *self.ops;
        if dynamic_index {
            match scale {
                1 => x64!(ops ; add r11, r10),
                2 => x64!(ops ; lea r11, [r11 + r10 * 2]),
                4 => x64!(ops ; lea r11, [r11 + r10 * 4]),
                8 => x64!(ops ; lea r11, [r11 + r10 * 8]),
                s => {
                    let s = i32::try_from(s)
                        .map_err(|_| CompileError::Unsupported("huge stride".into()))?;
                    x64!(ops ; imul r10, r10, s ; add r11, r10);
                }
            }
        }
        match off32 {
            Ok(o) => Ok((R11, o)),
            Err(_) => {
                // displacement does not fit: add it to the base
                x64!(ops ; mov r10, QWORD off ; add r11, r10);
                Ok((R11, 0))
            }
        }
    }

    fn call(&mut self, p: usize) -> Result<(), CompileError> {
        let t = self.t;
        let cd = t
            .call_descr(p)
            .ok_or_else(|| CompileError::Unsupported("call without descr".into()))?
            .clone();
        if cd.name == crate::gc::jit::WRITE_BARRIER_CALL
            && cd.args.len() == 1
            && cd.args[0] != Kind::Float
            && cd.ret == Kind::Void
        {
            self.write_barrier(p);
            return Ok(());
        }
        let args = t.args(p).to_vec();
        if cd.args.len() > CALL_SLOTS {
            return Err(CompileError::Unsupported("too many call arguments".into()));
        }
        // A parallel move into the argument registers. Float arguments and the int arguments
        // whose source is another int argument's register are staged in the call area first;
        // the other int arguments (constants, spill slots, registers no argument goes to)
        // then move straight into their registers, which overwrites nothing still to be read;
        // the staged ones are loaded last. (Staging every argument cost three moves each:
        // the calls' set-up was a large part of the code of call-heavy traces.)
        let mut int_targets = Vec::with_capacity(INT_ARG_REGS.len());
        let mut nfloat = 0u8;
        for kind in &cd.args {
            if *kind == Kind::Float {
                nfloat += 1;
            } else {
                let r = *INT_ARG_REGS.get(int_targets.len()).ok_or_else(|| {
                    CompileError::Unsupported("more than 6 int call arguments".into())
                })?;
                int_targets.push(r);
            }
        }
        if nfloat > 8 {
            return Err(CompileError::Unsupported(
                "more than 8 float call arguments".into(),
            ));
        }
        let mut staged = vec![false; cd.args.len()];
        let mut target = vec![0u8; cd.args.len()];
        let mut ni = 0usize;
        for (k, kind) in cd.args.iter().enumerate() {
            let s = self.src(args[k + 1]);
            let off = call_slot_off(k);
            if *kind == Kind::Float {
                self.load_xmm(XMM15, s);
                let ops = &mut *self.ops;
                x64!(ops ; movsd QWORD [rbp + off], xmm15);
                staged[k] = true;
            } else {
                target[k] = int_targets[ni];
                ni += 1;
                if let Src::Loc(Loc::Gpr(r)) = s {
                    if r != target[k] && int_targets.contains(&r) {
                        let ops = &mut *self.ops;
                        x64!(ops ; mov QWORD [rbp + off], Rq(r));
                        staged[k] = true;
                    }
                }
            }
        }
        for (k, kind) in cd.args.iter().enumerate() {
            if *kind != Kind::Float && !staged[k] {
                let s = self.src(args[k + 1]);
                self.load_gpr(target[k], s);
            }
        }
        let mut nf = 0u8;
        for (k, kind) in cd.args.iter().enumerate() {
            let off = call_slot_off(k);
            let ops = &mut *self.ops;
            if *kind == Kind::Float {
                x64!(ops ; movsd Rx(nf), QWORD [rbp + off]);
                nf += 1;
            } else if staged[k] {
                x64!(ops ; mov Rq(target[k]), QWORD [rbp + off]);
            }
        }
        let func = t
            .const_value(args[0])
            .map(|v| v.to_bits() as i64)
            .unwrap_or(0);
        let ops = &mut *self.ops;
        // al: the number of vector registers used (the SysV rule for variadic callees)
        if nf == 0 {
            x64!(ops ; xor eax, eax);
        } else {
            x64!(ops ; mov eax, nf as i32);
        }
        x64!(ops ; mov r11, QWORD func ; call r11);
        // A residual callee that panicked set this thread's flag (`super::unwind`): leave.
        let panic_exit = *self
            .panic_exit
            .get_or_insert_with(|| ops.new_dynamic_label());
        x64!(ops
            ; mov r11, QWORD [rbp + FBUF_OFF]
            ; mov r11, QWORD [r11 + 8 * PANIC_FLAG_WORD as i32]
            ; cmp BYTE [r11], 0
            ; jne =>panic_exit
        );
        let dst = self.locs[p];
        match cd.ret {
            Kind::Float => self.store_xmm(dst, 0),
            Kind::Void => {}
            _ => self.store_gpr(dst, RAX),
        }
        Ok(())
    }

    /// `int_div`/`int_mod` of op `p` by a constant divisor `d` (`|d| >= 2`): a multiply by
    /// `divmagic::magic(d)` instead of `idiv` (a few cycles instead of tens). Uses rax, rdx,
    /// r10, r11 as scratch. The remainder is `n - q * d`.
    fn div_by_constant(&mut self, p: usize, rem: bool) {
        let d = self.const_arg(p, 1).unwrap_or(0);
        let Some((m, s)) = divmagic::magic(d) else {
            return;
        };
        let dst = self.locs[p];
        self.load_gpr(R11, self.arg(p, 0));
        let ops = &mut *self.ops;
        // rdx = high half of m * n
        x64!(ops ; mov rax, QWORD m ; imul r11);
        if d > 0 && m < 0 {
            x64!(ops ; add rdx, r11);
        } else if d < 0 && m > 0 {
            x64!(ops ; sub rdx, r11);
        }
        if s > 0 {
            x64!(ops ; sar rdx, s as i8);
        }
        // round toward zero: add 1 when the shifted quotient is negative
        x64!(ops ; mov rax, rdx ; shr rax, 63 ; add rdx, rax);
        if rem {
            if let Ok(d32) = i32::try_from(d) {
                x64!(ops ; imul rdx, rdx, d32);
            } else {
                x64!(ops ; mov r10, QWORD d ; imul rdx, r10);
            }
            x64!(ops ; sub r11, rdx);
            self.store_gpr(dst, R11);
        } else {
            self.store_gpr(dst, 2);
        }
    }

    /// The write barrier after a reference was stored at the address in argument 1 (a call
    /// named `gc::jit::WRITE_BARRIER_CALL`), inline: `off = slot - barrier_base`; if
    /// `off <u barrier_len` and the card byte `cards[off >> card_shift]` is 0, call
    /// `gc::jit::remember_card(card)`. The register allocator placed live values as for any
    /// call, so the cold call saves nothing.
    fn write_barrier(&mut self, p: usize) {
        let lay = crate::gc::jit::layout();
        let slot = self.arg(p, 1);
        self.load_gpr(R11, slot);
        let f = crate::gc::jit::remember_card as *const () as i64;
        let shift = lay.card_shift as i8;
        let ops = &mut *self.ops;
        let done = ops.new_dynamic_label();
        x64!(ops
            ; mov rax, QWORD lay.barrier_base as i64
            ; sub r11, rax
            ; mov rax, QWORD lay.barrier_len as i64
            ; cmp r11, rax
            ; jae =>done
            ; shr r11, shift
            ; mov rax, QWORD lay.cards as i64
            ; add r11, rax
            ; cmp BYTE [r11], 0
            ; jne =>done
            ; mov rdi, r11
            ; mov rax, QWORD f
            ; call rax
            ; =>done
        );
    }

    /// `new`: inline nursery bump allocation (`gc::jit`), the header word and a zeroed
    /// payload; the slow path calls `gc::jit::alloc_zeroed`. A raw test object (header 0)
    /// always calls [`alloc_raw_object`]. The register allocator treats `new` as a call (only
    /// callee-saved registers and spill slots survive it), so the slow path saves nothing.
    fn new_object(&mut self, p: usize) -> Result<(), CompileError> {
        let a = self
            .t
            .alloc_descr(p)
            .ok_or_else(|| CompileError::Unsupported("new without an alloc descr".into()))?;
        let size = a.size as i32;
        let dst = self.locs[p];
        let ops = &mut *self.ops;
        if a.header == 0 {
            let f = alloc_raw_object as *const () as i64;
            x64!(ops ; mov edi, size ; mov r11, QWORD f ; call r11);
            self.store_gpr(dst, RAX);
            return Ok(());
        }
        let lay = crate::gc::jit::layout();
        let total = crate::gc::jit::object_size(a.size as usize) as i32;
        let (slow, done) = (ops.new_dynamic_label(), ops.new_dynamic_label());
        x64!(ops
            ; mov rax, QWORD lay.free_addr as i64
            ; mov rcx, QWORD [rax]
            ; lea rdx, [rcx + total]
            ; mov r10, QWORD lay.top_addr as i64
            ; cmp rdx, QWORD [r10]
            ; ja =>slow
            ; mov QWORD [rax], rdx
            ; mov r10, QWORD a.header as i64
            ; mov QWORD [rcx], r10
        );
        let mut off = 8;
        while off < total {
            x64!(ops ; mov QWORD [rcx + off], 0);
            off += 8;
        }
        let f = crate::gc::jit::alloc_zeroed as *const () as i64;
        x64!(ops
            ; lea rax, [rcx + 8]
            ; jmp =>done
            ; =>slow
            ; mov rdi, QWORD a.header as i64
            ; mov esi, size
            ; mov r11, QWORD f
            ; call r11
            ; =>done
        );
        self.store_gpr(dst, RAX);
        Ok(())
    }

    fn jump(&mut self, p: usize) -> Result<(), CompileError> {
        let t = self.t;
        let tok = t
            .target(p)
            .ok_or_else(|| CompileError::Unsupported("jump without target".into()))?;
        let args = t.args(p).to_vec();
        let (dsts, kinds, target) = match self.local_labels.get(&tok) {
            Some(&(label, lp)) => {
                let la = t.args(lp);
                (
                    la.iter()
                        .map(|&a| self.locs[a.as_op().unwrap_or(0)])
                        .collect::<Vec<_>>(),
                    la.iter().map(|&a| t.kind(a)).collect::<Vec<_>>(),
                    Err(label),
                )
            }
            None => {
                let info = self
                    .ext_labels
                    .get(&tok)
                    .ok_or(CompileError::UnknownTarget(tok))?;
                if !self.ext_targets.contains(&tok) {
                    self.ext_targets.push(tok);
                }
                (info.locs.clone(), info.kinds.clone(), Ok(info.addr))
            }
        };
        if dsts.len() != args.len() {
            return Err(CompileError::Unsupported(format!(
                "jump passes {} values to a label taking {}",
                args.len(),
                dsts.len()
            )));
        }
        for (k, &a) in args.iter().enumerate() {
            if t.kind(a) != kinds[k] {
                return Err(CompileError::Unsupported(format!(
                    "jump value {k} has the wrong kind"
                )));
            }
        }
        let moves: Vec<(Loc, Src, bool)> = args
            .iter()
            .zip(&dsts)
            .zip(&kinds)
            .map(|((&a, &d), &k)| (d, self.src(a), k == Kind::Float))
            .collect();
        self.parallel_move(moves);
        let ops = &mut *self.ops;
        match target {
            Err(label) => x64!(ops ; jmp =>label),
            Ok(addr) => x64!(ops ; mov r11, QWORD addr as i64 ; jmp r11),
        }
        Ok(())
    }

    /// Perform all moves "at once" (sources are read before any destination is written).
    fn parallel_move(&mut self, moves: Vec<(Loc, Src, bool)>) {
        let mut pending: Vec<(Loc, Src, bool)> = moves
            .into_iter()
            .filter(|(d, s, _)| *d != Loc::None && Src::Loc(*d) != *s)
            .collect();
        // a destination written twice would be a malformed label; keep the first move only
        let mut seen = Vec::new();
        pending.retain(|(d, _, _)| {
            if seen.contains(d) {
                false
            } else {
                seen.push(*d);
                true
            }
        });
        while !pending.is_empty() {
            let ready = (0..pending.len()).find(|&i| {
                let d = pending[i].0;
                !pending
                    .iter()
                    .enumerate()
                    .any(|(j, m)| j != i && m.1 == Src::Loc(d))
            });
            match ready {
                Some(i) => {
                    let (d, s, f) = pending.remove(i);
                    self.move_to(d, s, f);
                }
                None => {
                    // a cycle: save the first destination's current value in a temp
                    let (d, _, f) = pending[0];
                    let temp = if f { Loc::Xmm(XMM14) } else { Loc::Gpr(R10) };
                    self.move_to(temp, Src::Loc(d), f);
                    for m in pending.iter_mut() {
                        if m.1 == Src::Loc(d) {
                            m.1 = Src::Loc(temp);
                        }
                    }
                }
            }
        }
    }

    fn move_to(&mut self, d: Loc, s: Src, float: bool) {
        if float {
            match d {
                Loc::Xmm(x) => self.load_xmm(x, s),
                _ => {
                    self.load_xmm(XMM15, s);
                    self.store_xmm(d, XMM15);
                }
            }
        } else {
            match d {
                Loc::Gpr(r) => self.load_gpr(r, s),
                _ => {
                    self.load_gpr(R11, s);
                    self.store_gpr(d, R11);
                }
            }
        }
    }

    /// Store operands into frame-buffer slots 0.. (r11 = frame buffer).
    fn store_exit_values(&mut self, refs: &[OpRef], known: Option<(OpRef, u64)>) {
        {
            let ops = &mut *self.ops;
            x64!(ops ; mov r11, QWORD [rbp + FBUF_OFF]);
        }
        for (k, &r) in refs.iter().enumerate() {
            let off = 8 * k as i32;
            let s = match known {
                Some((kr, v)) if kr == r => Src::Bits(v),
                _ => self.src(r),
            };
            match s {
                Src::Loc(Loc::Gpr(g)) => {
                    let ops = &mut *self.ops;
                    x64!(ops ; mov QWORD [r11 + off], Rq(g));
                }
                Src::Loc(Loc::Xmm(x)) => {
                    let ops = &mut *self.ops;
                    x64!(ops ; movsd QWORD [r11 + off], Rx(x));
                }
                _ => {
                    self.load_gpr(R10, s);
                    let ops = &mut *self.ops;
                    x64!(ops ; mov QWORD [r11 + off], r10);
                }
            }
        }
    }

    fn stubs(&mut self) {
        let t = self.t;
        let epi = self.epilogue;
        for k in 0..self.exits.len() {
            let pos = self.exits[k].pos;
            let Some(s) = t.op(pos).snapshot() else {
                continue;
            };
            let label = self.exits[k].label;
            let exit = self.exits[k].exit;
            {
                let ops = &mut *self.ops;
                x64!(ops ; =>label);
            }
            let g = self.guard_no[pos];
            if g != usize::MAX {
                self.count(1 + g);
            }
            let refs = t.exit_refs(s);
            self.max_words = self.max_words.max(refs.len());
            let known = self.exits[k].known;
            self.store_exit_values(&refs, known);
            let ops = &mut *self.ops;
            x64!(ops ; mov eax, exit.0 as i32);
            let site = ops.offset();
            x64!(ops ; jmp =>epi);
            let used = ops.offset().0 - site.0;
            for _ in used..PATCH_SITE_LEN {
                x64!(ops ; nop);
            }
            self.exits[k].patch_site = site;
        }
        if let Some(l) = self.panic_exit {
            let ops = &mut *self.ops;
            x64!(ops ; =>l ; mov eax, PANIC_EXIT as u32 as i32 ; jmp =>epi);
        }
    }

    fn epilogue(&mut self) {
        let epi = self.epilogue;
        let ops = &mut *self.ops;
        x64!(ops
            ; =>epi
            ; lea rsp, [rbp - 40]
            ; pop r15
            ; pop r14
            ; pop r13
            ; pop r12
            ; pop rbx
            ; pop rbp
            ; ret
        );
    }
}
