//! The JIT driver: hot-loop counters, tracing, compiling, running machine code, guard
//! failures, bridges, and the hand-over back to the plain interpreter.
//!
//! The `#[jit_merge_point]` macro puts one hook at the top of the interpreter's dispatch loop.
//! It runs only when `can_enter_jit!()` was executed in the previous iteration (a guest backward
//! jump), so the cost for the plain interpreter is one flag test. The hook calls
//! [`loop_header`] with the state variables as words (in the merge point's order); the driver
//! counts the green key, traces when the count reaches `threshold`, runs compiled code when
//! there is some, and writes the state at the next merge point back into the array. The
//! interpreter then simply continues its loop.
//!
//! Compiled code: every trace gets a label after its inputs (the red state variables), so a
//! trace or bridge that reaches the merge point of a key with compiled code jumps straight to
//! it. A guard exit either runs its bridge (inside the backend), or comes back here: after
//! `trace_eagerness` failures a bridge is traced from it, otherwise the blackhole interpreter
//! resumes from the guard's snapshot.
//!
//! Keys and validity (`jit::validity`, `docs/ARCHITECTURE.md`): a loop key is the green words
//! made key words by their `GreenKind` (a `JitGreen` object's identity number, not its
//! address). Compiled loops pin the `Gc` greens of their keys; the traces that saw a
//! `JitIdentity` are freed (with their bridges and the traces jumping into them) when it is
//! dropped, as soon as no compiled code runs on the thread.
//!
//! Re-entrancy: a residual call (made by compiled code, by the tracer or by the blackhole) may
//! call the portal again, to any depth: that inner portal call counts, traces, runs compiled
//! code, fails guards and makes bridges like an outer one. This works because the driver
//! never holds a borrow of its thread-local state across machine code, tracing or
//! blackholing: it copies the entry point and a frame buffer out, runs the code, then borrows
//! again to account for the exit; the tracer and the blackhole get an `Rc` of the jitcode.
//! Machine code itself is re-entrant (its state is its native frame and its own frame
//! buffer), and attaching a bridge to a trace suspended in a call only patches a jump in
//! place. A recording in progress does not stop inner levels from tracing (a nested
//! recording is an independent `Tracer`; the outer one records the residual call as a call),
//! except that a green key already being recorded is not traced again until that recording
//! ends. [`reset`] refuses to run while compiled code or a recording is active on the thread.
//!
//! Panics: a panic in a residual call made by machine code is caught by the call's trampoline,
//! the code leaves through its panic exit (`backend::unwind`) and [`loop_header`] resumes the
//! panic, so it reaches the portal's caller as an ordinary Rust panic; panics during tracing or
//! blackholing unwind through Rust frames. Drop guards restore the driver's own bookkeeping
//! (activity depths, the key being recorded), so later portal calls work as before.

use super::blackhole::{self, Frame, Outcome};
use super::codewriter::{Builder, Codewriter};
use super::jitcode::CodeSet;
use super::lower::{lower, LowerCtx};
use super::params::{params, with_params, JIT_ON};
use super::recorded::{perform_pending, ROp, RTrace, PENDING_STORES};
use super::tracer::{BridgeVal, TraceEnd, Tracer};
use super::validity::GreenKind;
use super::word::Kind as WKind;
use crate::backend::x64::X64Backend;
use crate::backend::{Backend, ExitId, ExitKind, MAX_FRAME_WORDS};
use crate::gc::PinnedVec;
use crate::ir::{Kind, Opcode, ResumeSlot, ResumeVirtual, TargetToken, TraceId};
use crate::jitlog::{self, Phase, Section, Timer, TraceKind};
use std::cell::{Cell, RefCell};
// FxHash: the hook hashes the green key on every backward jump that reaches it (all of them
// before a loop is compiled, and under `fail_guards=1`); SipHash made that the hot spot.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// A portal's printable-location function: the green variables' words (addresses of references, not key words) to the text logs show.
pub type LocationFn = fn(&[u64]) -> String;

/// The static descriptor of a portal (one per `#[jit_merge_point]` function).
pub struct Portal {
    /// The function's name.
    pub name: &'static str,
    /// Its builder.
    pub builder: Builder,
    /// The implementer's printable location: the green variables' words (merge-point order) to text
    /// (`#[jit_merge_point(get_printable_location = f)]`).
    pub location: Option<LocationFn>,
}

impl Portal {
    /// A descriptor; used by the macro in a `static`.
    pub const fn new(name: &'static str, builder: Builder) -> Self {
        Portal {
            name,
            builder,
            location: None,
        }
    }

    /// The same descriptor with a printable-location function.
    pub const fn with_location(mut self, location: LocationFn) -> Self {
        self.location = Some(location);
        self
    }
}

/// What the hook tells the interpreter.
pub enum HookResult {
    /// Continue the dispatch loop with the (possibly updated) state.
    Continue,
    /// Return this word from the portal function.
    Return(u64),
}

/// How much trace text [`JitStats`] keeps by default (tests read it; big programs would pile
/// it up): the default of the `trace_texts` parameter.
pub const TRACE_TEXT_BUDGET: usize = 4 << 20;

/// Counters for tests and logs (per thread; `jitlog` keeps the process-wide summary).
#[derive(Clone, Debug, Default)]
pub struct JitStats {
    /// Loops (traces entered from the interpreter) compiled.
    pub loops: usize,
    /// Bridges compiled.
    pub bridges: usize,
    /// Aborted tracing attempts with their reasons.
    pub aborts: Vec<String>,
    /// Guard failures handled by the driver (blackhole or new bridge).
    pub guard_failures: u64,
    /// Times compiled code was entered from the interpreter.
    pub entries: u64,
    /// Text (trace IR, before optimization) of every compiled loop, in order (while the texts
    /// kept total less than the `trace_texts` parameter's bytes, by default
    /// [`TRACE_TEXT_BUDGET`]; empty after that).
    pub loop_traces: Vec<String>,
    /// Text of every compiled bridge, in order (same budget).
    pub bridge_traces: Vec<String>,
    /// Bytes of trace text kept in this struct.
    pub trace_text_bytes: usize,
    /// Text (trace IR, after optimization: what the backend compiled) of every compiled loop,
    /// in order. With `unroll` a loop is a preamble and a peeled loop after a second `label`.
    pub loop_opt_traces: Vec<String>,
    /// Number of guards in every compiled loop (after optimization), in order.
    pub loop_guards: Vec<usize>,
    /// Number of guards in every compiled bridge (after optimization), in order.
    pub bridge_guards: Vec<usize>,
    /// Text (after optimization) of every compiled bridge, in order (same budget).
    pub bridge_opt_traces: Vec<String>,
    /// Bridges (counted in `bridges`) that got a copy of their target loop's preamble and
    /// jump straight to the peeled loop (`short_preamble_limit`).
    pub short_preambles: usize,
    /// Entries into compiled code made by a portal call nested in an outer one's JIT
    /// activity on this thread: a residual call of its compiled code, tracer or blackhole
    /// re-entered the portal.
    pub nested_entries: u64,
    /// Recordings (loops or bridges) started while another recording was in progress on
    /// this thread (a residual call performed by the tracer re-entered the portal).
    pub nested_traces: u64,
    /// Panics of residual calls that left compiled code (through its panic exit) and were
    /// resumed; a panic passing through several nested levels of compiled code counts once
    /// per level.
    pub residual_panics: u64,
    /// Traces (loops and bridges) whose machine code was freed because an object they
    /// specialised on died (`jit::validity`), including the traces that jumped into them.
    pub traces_freed: usize,
    /// `JitIdentity` objects seen by the JIT whose death was processed.
    pub identities_died: usize,
    /// Writes (or drops) of watched quasi-immutable cells: each invalidated the traces that
    /// folded a read of the cell (`jit::quasi`).
    pub quasi_invalidations: u64,
    /// Compiled traces whose invalidation flag such a write set (counted once per trace and
    /// write; the traces are freed later, counted in `traces_freed`).
    pub traces_invalidated: u64,
    /// Exits of compiled code at a `guard_not_interrupted` (`jit::interrupt`).
    pub interrupt_exits: u64,
    /// Bridges (counted in `bridges`) that reached the `bridge_limit` parameter and end at a
    /// guest instruction boundary, leaving to the interpreter (`Tracer::cut_at`).
    pub bridges_cut: usize,
}

type Key = [u64; 4];

/// The hot counter of one green key.
#[derive(Default)]
struct Counter {
    /// Backward jumps since the last tracing attempt (or, under `fail_guards=1`, entry).
    hits: u32,
    /// Aborted tracing attempts: the threshold is multiplied by one more than this.
    backoff: u32,
    /// A recording of this key is in progress (an inner portal call does not start another).
    tracing: bool,
}

#[derive(Default)]
struct PortalState {
    codes: Option<Rc<CodeSet>>,
    /// The portal's name and printable-location function (for logs).
    describe: Option<(&'static str, Option<LocationFn>)>,
    /// Where the greens are in the merge point's state, and how each becomes a key word
    /// (computed with `codes`, so that the hook does not walk the merge variables).
    greens: Vec<(usize, GreenKind)>,
    counters: HashMap<Key, Counter>,
    /// The timetable (RPython's name): a direct-mapped table indexed by a hash of the key, so
    /// that the common backward jump costs no hash-map probe. A slot holds the hit count of
    /// the key counting toward its [`Counter`] and, once the key has a compiled loop, that
    /// loop (a copy of its `loops` entry, kept in step by [`PortalState::set_loop`] and
    /// [`PortalState::remove_loop`]). A collision restarts the count of the key that lost
    /// the slot, which only delays its tracing; a compiled key that lost its slot finds its
    /// loop in `loops` when it claims the slot back.
    hot: Vec<HotSlot>,
    loops: HashMap<Key, (TraceId, TargetToken)>,
    /// Per compiled loop: the GC objects among its key's greens, kept alive and pinned so
    /// that their addresses (the key) cannot be reused while the loop exists.
    key_pins: HashMap<Key, PinnedVec<u64>>,
}

/// One slot of [`PortalState::hot`].
#[derive(Clone, Copy)]
struct HotSlot {
    key: Key,
    /// Backward jumps since the count last moved into the key's [`Counter`].
    count: u32,
    /// The key's compiled loop.
    compiled: Option<TraceId>,
}

impl PortalState {
    /// The key's loop is `t` from now on.
    fn set_loop(&mut self, key: Key, t: TraceId, token: TargetToken, pins: PinnedVec<u64>) {
        self.loops.insert(key, (t, token));
        self.key_pins.insert(key, pins);
        if let Some(slot) = self.hot.get_mut(hot_index(&key)).filter(|s| s.key == key) {
            slot.compiled = Some(t);
        }
    }

    /// The key's loop is gone (freed or unhooked).
    fn remove_loop(&mut self, key: &Key) {
        // (the key's objects need no pin once nothing can enter the loop)
        self.loops.remove(key);
        self.key_pins.remove(key);
        if let Some(slot) = self.hot.get_mut(hot_index(key)).filter(|s| s.key == *key) {
            slot.compiled = None;
        }
    }

    /// The loop key of the interpreter's state `state` (greens made key words by their
    /// `GreenKind`; `jit::validity`).
    fn key_of(&self, state: &[u64]) -> Key {
        let mut key = [0u64; 4];
        for (k, (i, g)) in key.iter_mut().zip(&self.greens) {
            // SAFETY: `state` is the interpreter's live state at its merge point.
            *k = unsafe { g.key_word(state[*i]) };
        }
        key
    }
}

#[derive(Default)]
struct Jit {
    portals: HashMap<usize, PortalState>,
    backend: X64Backend,
    no_bridge: HashSet<ExitId>,
    /// Resume plans of the guard exits taken so far.
    plans: HashMap<ExitId, Rc<ExitPlan>>,
    /// Frame buffers not in use (one is taken per activation of machine code).
    frames: Vec<Box<[u64]>>,
    /// Register vectors for the blackhole's frames, kept between exits.
    spare_regs: Vec<Vec<u64>>,
    stats: JitStats,
    /// Identity number of a `JitGreen` object -> the traces that specialised on it.
    deps: HashMap<u64, Vec<TraceId>>,
    /// The optimized preambles of compiled peeled loops, by the loop's first label (the one
    /// bridges jump to), for bridges that copy them (`short_preamble_limit`).
    preambles: HashMap<TargetToken, LoopPreamble>,
    /// Bridges with a copy of a loop's preamble: the op position where the copy starts (its
    /// marker). A bridge from a guard after it jumps to the loop's preamble, not to a copy of
    /// it: a path that fails a preamble guard at every return to the loop would otherwise
    /// make a new bridge, with a new copy of the guard, at every return.
    copied_from: HashMap<TraceId, usize>,
}

/// A compiled loop's preamble, with what a bridge copying it must depend on too.
struct LoopPreamble {
    /// The loop.
    trace: TraceId,
    pre: Rc<crate::opt::unroll::Preamble>,
    /// The loop's identity and quasi-immutable dependencies (`add_deps`): a bridge running a
    /// copy of its preamble specialised on them as well.
    deps: Vec<u64>,
    quasi: Vec<u64>,
}

thread_local! {
    static JIT: RefCell<Jit> = RefCell::new(Jit::default());
    /// How many activations of machine code and of the tracer are live on this thread
    /// (outer portal calls suspended in residual calls included); kept outside `JIT` so that
    /// no borrow is needed to maintain it.
    static ACTIVE: Cell<Active> = const { Cell::new(Active { machine: 0, recording: 0, blackhole: 0 }) };
    /// Identities dropped (and quasi-immutable cells written) whose traces are not freed yet
    /// (see [`identity_died`], [`quasi_invalidated`]): the number, whether it is a
    /// quasi-immutable cell's, and whether the traces' loop entries were removed already.
    static DEAD: RefCell<Vec<Dead>> = const { RefCell::new(Vec::new()) };
    /// Quasi-immutable dependency number -> the invalidation flags of the compiled traces
    /// that folded a read of the cell. Kept outside `JIT` so that a write of the cell sets
    /// them without borrowing anything, whatever runs on the thread.
    static QUASI: RefCell<HashMap<u64, Vec<Arc<AtomicU64>>>> = RefCell::new(HashMap::default());
    /// Dependency numbers invalidated while a recording was active (since the outermost
    /// active recording started): a trace that folded one of them is not compiled.
    static QUASI_RECENT: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
    /// Counters kept outside `JIT` (merged into [`stats`]): quasi-immutable invalidations and
    /// the flags they set.
    static QUASI_COUNTS: Cell<(u64, u64)> = const { Cell::new((0, 0)) };
    /// How many `execute`s of compiled code are active on this thread's stack.
    static RUNNING: Cell<u32> = const { Cell::new(0) };
}

/// A pending death or invalidation (see `DEAD`).
#[derive(Clone, Copy)]
struct Dead {
    id: u64,
    quasi: bool,
    unhooked: bool,
}

#[derive(Clone, Copy)]
struct Active {
    machine: u32,
    recording: u32,
    blackhole: u32,
}

/// One live activation counted in [`ACTIVE`]; the count drops with the guard, also when a
/// panic unwinds through it.
struct Activity(fn(&mut Active) -> &mut u32);

impl Activity {
    fn enter(which: fn(&mut Active) -> &mut u32) -> Activity {
        ACTIVE.with(|a| {
            let mut v = a.get();
            *which(&mut v) += 1;
            a.set(v);
        });
        Activity(which)
    }
}

impl Drop for Activity {
    fn drop(&mut self) {
        ACTIVE.with(|a| {
            let mut v = a.get();
            *(self.0)(&mut v) -= 1;
            a.set(v);
        });
    }
}

/// A recording in progress (loop or bridge): counts as an activity, counts nested
/// recordings, and for a loop marks its key as being traced until the guard drops.
struct Recording {
    _active: Activity,
    key: Option<(usize, Key)>,
}

impl Recording {
    fn start(id: usize, key: Option<Key>) -> Recording {
        let nested = ACTIVE.with(|a| a.get().recording > 0);
        if !nested {
            QUASI_RECENT.with(|r| r.borrow_mut().clear());
        }
        JIT.with(|j| {
            let mut j = j.borrow_mut();
            j.stats.nested_traces += u64::from(nested);
            if let Some(key) = key {
                let ps = j.portals.entry(id).or_default();
                ps.counters.entry(key).or_default().tracing = true;
            }
        });
        Recording {
            _active: Activity::enter(|a| &mut a.recording),
            key: key.map(|k| (id, k)),
        }
    }
}

impl Drop for Recording {
    fn drop(&mut self) {
        if let Some((id, key)) = self.key {
            JIT.with(|j| {
                // (`try_`: never a second panic while unwinding)
                if let Ok(mut j) = j.try_borrow_mut() {
                    if let Some(c) = j
                        .portals
                        .get_mut(&id)
                        .and_then(|p| p.counters.get_mut(&key))
                    {
                        c.tracing = false;
                    }
                }
            });
        }
    }
}

/// Counts one active run of compiled code on this thread for as long as it lives (also when
/// the run unwinds), so that dead traces are never freed under running code.
struct Running;

impl Running {
    fn enter() -> Running {
        RUNNING.with(|r| r.set(r.get() + 1));
        Running
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let outermost = RUNNING
            .try_with(|r| {
                r.set(r.get() - 1);
                r.get() == 0
            })
            .unwrap_or(false);
        if outermost && DEAD.try_with(|d| !d.borrow().is_empty()).unwrap_or(false) {
            free_dead();
        }
    }
}

/// Called when a `JitIdentity` the JIT has seen is dropped: its traces must never run again
/// and their code is freed. The traces are freed at once when no compiled code is running
/// (the usual case: the guest drops a program after its portal call returned), otherwise
/// at the next safe point (a merge-point hook, or the end of the outermost compiled-code run).
/// Until then nothing can enter them: their keys hold the dead identity's number, which no
/// other object will ever have.
pub(crate) fn identity_died(id: u64) {
    let dead = Dead {
        id,
        quasi: false,
        unhooked: false,
    };
    let queued = DEAD.try_with(|d| d.borrow_mut().push(dead)).is_ok();
    if queued {
        free_dead();
    }
}

/// Called when a watched quasi-immutable cell with dependency number `id` is written or
/// dropped (`jit::quasi`): every compiled trace that folded a read of it gets its
/// invalidation flag set at once (a running one leaves at its next `guard_not_invalidated`),
/// its loop entry is removed as soon as the driver's state is free (now, unless a hook further
/// up this stack holds it), and its code is freed like a dead identity's (at once when no
/// compiled code runs, else at the next safe point). A recording in progress that folded the
/// cell is not compiled (`QUASI_RECENT`). `free_now: false` (a cell being dropped, maybe by
/// the collector finalizing its object) leaves the freeing to the next safe point.
pub(crate) fn quasi_invalidated(id: u64, free_now: bool) {
    let flags = QUASI
        .try_with(|q| q.borrow_mut().remove(&id))
        .ok()
        .flatten()
        .unwrap_or_default();
    for f in &flags {
        f.store(1, Ordering::Relaxed);
    }
    let _ = QUASI_COUNTS.try_with(|c| {
        let (w, t) = c.get();
        c.set((w + 1, t + flags.len() as u64));
    });
    if ACTIVE.try_with(|a| a.get().recording > 0).unwrap_or(false) {
        let _ = QUASI_RECENT.try_with(|r| r.borrow_mut().push(id));
    }
    let dead = Dead {
        id,
        quasi: true,
        unhooked: false,
    };
    let queued = DEAD.try_with(|d| d.borrow_mut().push(dead)).is_ok();
    if queued && free_now {
        free_dead();
    } else if queued {
        unhook_dead();
    }
}

/// While compiled code runs (so nothing can be freed): removes the loop entries of the traces
/// of dead identities and invalidated cells, so that neither the interpreter nor a new trace
/// or bridge enters or jumps into them again.
fn unhook_dead() {
    let _ = DEAD.try_with(|d| {
        let Ok(mut d) = d.try_borrow_mut() else {
            return;
        };
        if d.iter().all(|x| x.unhooked) {
            return;
        }
        let _ = JIT.try_with(|j| {
            let Ok(mut j) = j.try_borrow_mut() else {
                return;
            };
            let j = &mut *j;
            for x in d.iter_mut().filter(|x| !x.unhooked) {
                x.unhooked = true;
                let Some(ts) = j.deps.get(&x.id) else {
                    continue;
                };
                for ps in j.portals.values_mut() {
                    let gone: Vec<Key> = ps
                        .loops
                        .iter()
                        .filter(|(_, l)| ts.contains(&l.0))
                        .map(|(k, _)| *k)
                        .collect();
                    for k in gone {
                        ps.remove_loop(&k);
                    }
                }
            }
        });
    });
}

/// Frees the traces of dead identities, if nothing runs compiled code now.
fn free_dead() {
    if RUNNING.try_with(|r| r.get()).unwrap_or(1) != 0 {
        unhook_dead();
        return;
    }
    let Ok(dead) = DEAD.try_with(|d| std::mem::take(&mut *d.borrow_mut())) else {
        return;
    };
    if dead.is_empty() {
        return;
    }
    let done = JIT.try_with(|j| {
        let Ok(mut j) = j.try_borrow_mut() else {
            return false;
        };
        let j = &mut *j;
        for &Dead { id, quasi, .. } in &dead {
            let id = &id;
            if !quasi {
                j.stats.identities_died += 1;
            }
            let mut freed = Vec::new();
            for t in j.deps.remove(id).unwrap_or_default() {
                // SAFETY: `RUNNING` is 0, so no compiled code is on this thread's stack.
                freed.extend(unsafe { j.backend.free_trace(t) });
            }
            j.stats.traces_freed += freed.len();
            j.preambles.retain(|_, p| !freed.contains(&p.trace));
            j.copied_from.retain(|t, _| !freed.contains(t));
            // (their exits are never taken again: drop their resume plans)
            let backend = &j.backend;
            j.plans
                .retain(|e, _| backend.exit(*e).is_some_and(|i| !freed.contains(&i.trace)));
            for ps in j.portals.values_mut() {
                let gone: Vec<Key> = ps
                    .loops
                    .iter()
                    .filter(|(_, l)| freed.contains(&l.0))
                    .map(|(k, _)| *k)
                    .collect();
                for k in gone {
                    ps.remove_loop(&k);
                }
                // Counters keyed on the dead identity can never be hit again.
                if let Some(merge) = ps.codes.as_ref().and_then(|c| c.codes[0].merge.clone()) {
                    let ident: Vec<bool> = merge
                        .vars
                        .iter()
                        .zip(&merge.green)
                        .filter(|(v, _)| v.1)
                        .map(|(_, g)| matches!(g, GreenKind::Identity(_)))
                        .collect();
                    ps.counters
                        .retain(|k, _| !k.iter().zip(&ident).any(|(w, is_id)| *is_id && w == id));
                }
            }
        }
        true
    });
    if done != Ok(true) {
        // The JIT is busy (a hook further up this stack): retry at the next safe point.
        let _ = DEAD.try_with(|d| d.borrow_mut().extend(dead));
    }
}

/// The counters so far (for tests).
pub fn stats() -> JitStats {
    let mut s = JIT.with(|j| j.borrow().stats.clone());
    (s.quasi_invalidations, s.traces_invalidated) = QUASI_COUNTS.with(Cell::get);
    s
}

/// Forgets all compiled code, counters and statistics (tests use it between runs).
///
/// # Panics
/// When called while compiled code or a recording is active on this thread (from a residual
/// call of a portal call): the code of the outer call would be freed under it.
pub fn reset() {
    let a = ACTIVE.with(Cell::get);
    assert!(
        a.machine == 0 && a.recording == 0,
        "metatracer: jit::reset() called while compiled code or the tracer is running on this \
         thread (from a residual call); call it between portal calls"
    );
    JIT.with(|j| *j.borrow_mut() = Jit::default());
    DEAD.with(|d| d.borrow_mut().clear());
    QUASI.with(|q| q.borrow_mut().clear());
    QUASI_RECENT.with(|q| q.borrow_mut().clear());
    QUASI_COUNTS.with(|c| c.set((0, 0)));
    SKIP.with(|t| t.iter().for_each(|s| s.set(0)));
}

/// Slots of the skip table ([`skip_hook`]).
const SKIP_SLOTS: usize = 1024;
/// The low bits of a skip-table slot hold the jumps left; the high bits, the key's hash.
const SKIP_BUDGET_BITS: u32 = 24;
const SKIP_BUDGET: u64 = (1 << SKIP_BUDGET_BITS) - 1;

thread_local! {
    /// The skip table: per hash of a portal's green words, how many more backward jumps to
    /// that key the interpreter may take without calling [`loop_header`]. The driver grants
    /// such a budget when a key is counting toward the threshold and has no compiled loop,
    /// and adds it to the key's count at once; the interpreter spends it (`skip_hook`, which
    /// the portal macro inlines at the top of the dispatch loop). So a loop that is not
    /// compiled costs a hash and a table probe per jump instead of leaving the interpreter
    /// function and entering the driver. Stale or colliding entries only change when a key
    /// reaches its threshold (a jump skipped for one key counted for another), never what
    /// runs: a key with compiled code gets no budget, and the driver is called at every
    /// jump to it once its budget is spent.
    static SKIP: [Cell<u64>; SKIP_SLOTS] = const { [const { Cell::new(0) }; SKIP_SLOTS] };
}

/// The skip table's hash of the green words (their raw words, in merge-point order).
#[inline(always)]
fn skip_hash(greens: &[u64]) -> u64 {
    let mut h: u64 = 0x243f_6a88_85a3_08d3;
    for w in greens {
        h = (h.rotate_left(23) ^ w).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    h
}

/// Whether the interpreter may take this backward jump without calling the driver (it
/// spends one jump of the budget the driver granted to these greens). Called by the
/// interpreter half of a portal (`#[jit_merge_point]`) with the green variables' words.
#[inline(always)]
pub fn skip_hook(greens: &[u64]) -> bool {
    let h = skip_hash(greens);
    SKIP.with(|t| {
        let slot = &t[(h >> (64 - SKIP_SLOTS.trailing_zeros())) as usize];
        let v = slot.get();
        if (v ^ h) & !SKIP_BUDGET == 0 && v & SKIP_BUDGET != 0 {
            slot.set(v - 1);
            true
        } else {
            false
        }
    })
}

/// Grants `budget` jumps to the greens of `state` (see [`SKIP`]).
fn skip_grant(greens: &[(usize, GreenKind)], state: &[u64], budget: u32) {
    let mut words = [0u64; 4];
    for (w, (i, _)) in words.iter_mut().zip(greens) {
        *w = state[*i];
    }
    let h = skip_hash(&words[..greens.len()]);
    let budget = u64::from(budget).min(SKIP_BUDGET);
    SKIP.with(|t| {
        t[(h >> (64 - SKIP_SLOTS.trailing_zeros())) as usize].set((h & !SKIP_BUDGET) | budget)
    });
}

/// Slots of [`PortalState::hot`].
const HOT_SLOTS: usize = 4096;

/// The timetable slot of `key`. If another key held it, the slot is claimed for `key`, with
/// a count of 0 and `key`'s compiled loop (one probe of `loops`, only on a claim).
fn hot_slot<'a>(
    hot: &'a mut Vec<HotSlot>,
    loops: &HashMap<Key, (TraceId, TargetToken)>,
    key: &Key,
) -> &'a mut HotSlot {
    if hot.is_empty() {
        let empty = HotSlot {
            key: [u64::MAX; 4],
            count: 0,
            compiled: None,
        };
        hot.resize(HOT_SLOTS, empty);
    }
    let slot = &mut hot[hot_index(key)];
    if slot.key != *key {
        *slot = HotSlot {
            key: *key,
            count: 0,
            compiled: loops.get(key).map(|l| l.0),
        };
    }
    slot
}

/// The timetable slot number of `key` (a multiplicative hash of its words).
fn hot_index(key: &Key) -> usize {
    let mut h: u64 = 0;
    for w in key {
        h = (h.rotate_left(5) ^ w).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    (h >> 52) as usize & (HOT_SLOTS - 1)
}

/// Where the greens are in the portal's merge-point state, and their kinds (for
/// [`PortalState::key_of`]).
fn greens_of(codes: &CodeSet) -> Vec<(usize, GreenKind)> {
    let merge = codes.codes[0].merge.as_ref().expect("portal merge info");
    let greens = merge.vars.iter().zip(&merge.green).enumerate();
    greens
        .filter(|(_, ((_, green, _), _))| *green)
        .map(|(i, (_, g))| (i, *g))
        .collect()
}

/// The GC references among the greens of `key`, for the loop to keep alive and pinned.
fn gc_key_pins(codes: &CodeSet, key: &Key) -> PinnedVec<u64> {
    let merge = codes.codes[0].merge.as_ref().expect("portal merge info");
    let mut pins = PinnedVec::new();
    let greens = merge.vars.iter().zip(&merge.green).filter(|(v, _)| v.1);
    for ((_, g), w) in greens.zip(key) {
        if matches!(g, GreenKind::Gc) {
            pins.push(*w);
        }
    }
    pins
}

/// Records that `t` specialised on the identities and quasi-immutable cells of `rt`: their
/// death or a write frees it; a write sets its invalidation flag first.
fn add_deps(t: TraceId, rt: &RTrace) {
    add_dep_ids(t, &rt.deps, &rt.quasi);
}

/// [`add_deps`] with the identity numbers `deps` and quasi-immutable dependency numbers
/// `quasi`.
fn add_dep_ids(t: TraceId, deps: &[u64], quasi: &[u64]) {
    let flag = JIT.with(|j| {
        let mut j = j.borrow_mut();
        for d in deps.iter().chain(quasi) {
            let ts = j.deps.entry(*d).or_default();
            if !ts.contains(&t) {
                ts.push(t);
            }
        }
        j.backend.invalidation_flag(t)
    });
    if let Some(flag) = flag.filter(|_| !quasi.is_empty()) {
        QUASI.with(|q| {
            let mut q = q.borrow_mut();
            for n in quasi {
                let fs = q.entry(*n).or_default();
                if !fs.iter().any(|f| Arc::ptr_eq(f, &flag)) {
                    fs.push(flag.clone());
                }
            }
        });
    }
}

/// Failures of a guard of a loop's preamble up to which bridges still get a copy of it.
const QUIET_FAILURES: u64 = 20;

/// Whether guard exit `e` is a guard of a bridge's copy of a loop's preamble (`copied_from`).
fn from_copied_guard(e: ExitId) -> bool {
    JIT.with(|j| {
        let j = j.borrow();
        match j.backend.exit(e) {
            Some(crate::backend::ExitInfo {
                trace,
                kind: ExitKind::Guard { pos, .. },
                ..
            }) => j.copied_from.get(trace).is_some_and(|&m| *pos > m),
            _ => false,
        }
    })
}

/// The preamble of the compiled loop whose first label is `t0`, if a bridge may copy it now:
/// the loop is live, not invalidated, and still the loop of its key (not unhooked), the same
/// conditions under which a new trace may jump to `t0` at all.
fn live_preamble(t0: TargetToken) -> Option<(Rc<crate::opt::unroll::Preamble>, TraceId)> {
    JIT.with(|j| {
        let j = j.borrow();
        let p = j.preambles.get(&t0)?;
        // A preamble guard that fails often (it has a bridge, or it exited) would fail in every
        // copy too, each needing its own bridge: such a loop keeps its bridges jumping to `t0`.
        let quiet = || {
            j.backend
                .guard_exits(p.trace)
                .iter()
                .filter(|g| g.0 < p.pre.body_pos)
                .all(|&(_, failures, bridged)| !bridged && failures < QUIET_FAILURES)
        };
        let valid = j.backend.is_live(p.trace)
            && quiet()
            && j.backend
                .invalidation_flag(p.trace)
                .is_some_and(|f| f.load(Ordering::Relaxed) == 0)
            && j.portals
                .values()
                .any(|ps| ps.loops.values().any(|l| *l == (p.trace, t0)));
        valid.then(|| (p.pre.clone(), p.trace))
    })
}

/// Whether a quasi-immutable cell `rt` folded was written while it was being recorded (the
/// trace would be invalid from the start).
fn invalidated_while_recording(rt: &RTrace) -> bool {
    !rt.quasi.is_empty() && QUASI_RECENT.with(|r| r.borrow().iter().any(|n| rt.quasi.contains(n)))
}

/// Calls `f` with the red words of `state` (merge-point order), gathered on the stack: this
/// runs at every entry of compiled code.
fn with_reds<R>(codes: &CodeSet, state: &[u64], f: impl FnOnce(&[u64]) -> R) -> R {
    let merge = codes.codes[0].merge.as_ref().expect("portal merge info");
    let reds = merge
        .vars
        .iter()
        .zip(state)
        .filter(|((_, g, _), _)| !*g)
        .map(|(_, w)| *w);
    let mut buf = [0u64; 16];
    let mut n = 0;
    for w in reds.clone() {
        if n == buf.len() {
            return f(&reds.collect::<Vec<u64>>());
        }
        buf[n] = w;
        n += 1;
    }
    f(&buf[..n])
}

fn wkind(k: Kind) -> WKind {
    match k {
        Kind::Int => WKind::Int,
        Kind::Float => WKind::Float,
        Kind::Ref => WKind::Ref,
        Kind::Void => WKind::Void,
    }
}

/// The hook at the top of the portal's dispatch loop (after a backward jump).
#[cold]
#[inline(never)]
pub fn loop_header(portal: &'static Portal, state: &mut [u64]) -> HookResult {
    if !JIT_ON.load(Ordering::Relaxed) {
        return HookResult::Continue;
    }
    // (an interrupt is pending: stay in the interpreter until the guest has polled it at a
    // backward jump and cleared the flag, `jit::interrupt`)
    if super::interrupt::pending() {
        return HookResult::Continue;
    }
    if DEAD.with(|d| !d.borrow().is_empty()) {
        free_dead();
    }
    let id = portal as *const Portal as usize;
    enum Action {
        Run(TraceId),
        Trace,
        Nothing,
    }
    // (the two numbers only: `params()` clones the whole struct, strings included)
    let (threshold, fail_all) = with_params(|p| (p.threshold, p.fail_guards));
    // One borrow, one portal lookup and one timetable slot: this runs on every backward
    // jump until the loop is compiled, and on every entry of a compiled loop.
    let (codes, key, action) = JIT.with(|j| {
        let mut j = j.borrow_mut();
        let ps = j.portals.entry(id).or_default();
        if ps.codes.is_none() {
            ps.describe = Some((portal.name, portal.location));
            let codes = Rc::new(Codewriter::build_set(portal.name, portal.builder));
            ps.greens = greens_of(&codes);
            ps.codes = Some(codes);
        }
        let key = ps.key_of(state);
        let slot = hot_slot(&mut ps.hot, &ps.loops, &key);
        let action = match slot.compiled {
            Some(t) if !fail_all => Action::Run(t),
            None => {
                slot.count += 1;
                if slot.count < threshold {
                    // (the jumps until the threshold need not come here: see `SKIP`)
                    let budget = threshold - 1 - slot.count;
                    if budget > 0 && !fail_all {
                        slot.count += budget.min(SKIP_BUDGET as u32);
                        skip_grant(&ps.greens, state, budget);
                    }
                    Action::Nothing
                } else {
                    let hits = std::mem::take(&mut slot.count);
                    let c = ps.counters.entry(key).or_default();
                    c.hits = c.hits.saturating_add(hits);
                    if !c.tracing && c.hits >= threshold.saturating_mul(1 + c.backoff) {
                        c.hits = 0;
                        Action::Trace
                    } else {
                        Action::Nothing
                    }
                }
            }
            Some(t) => {
                // Every guard fails in this mode, so each entry deoptimizes at once: enter
                // only on every `threshold`-th backward jump, or long programs would crawl.
                let c = ps.counters.entry(key).or_default();
                c.hits += 1;
                if c.hits >= threshold {
                    c.hits = 0;
                    Action::Run(t)
                } else {
                    Action::Nothing
                }
            }
        };
        let codes = match action {
            Action::Nothing => None,
            _ => ps.codes.clone(),
        };
        (codes, key, action)
    });
    let outcome = match (action, codes) {
        (Action::Run(t), Some(codes)) => {
            with_reds(&codes, state, |reds| run_compiled(id, &codes, t, reds))
        }
        (Action::Trace, Some(codes)) => trace_loop(id, portal.name, &codes, state, key),
        _ => return HookResult::Continue,
    };
    match outcome {
        Outcome::Returned(w) => HookResult::Return(w),
        Outcome::Merge { state: s, .. } => {
            state.copy_from_slice(&s);
            HookResult::Continue
        }
    }
}

fn label_of(id: usize) -> impl Fn(&[u64]) -> Option<TargetToken> {
    move |k: &[u64]| {
        let mut key = [0u64; 4];
        key[..k.len()].copy_from_slice(k);
        JIT.with(|j| {
            j.borrow()
                .portals
                .get(&id)
                .and_then(|ps| ps.loops.get(&key).map(|l| l.1))
        })
    }
}

/// The printable guest position of the green words `key` (the green variables' own words, in
/// merge-point order, of live objects: see `tracer::green_words`) of portal `id`: the
/// implementer's `get_printable_location` text, or the portal's name and the words.
fn location(id: usize, key: &[u64]) -> String {
    let describe = JIT.with(|j| j.borrow().portals.get(&id).and_then(|ps| ps.describe));
    match describe {
        Some((_, Some(f))) => f(key),
        Some((name, None)) => format!("{name} {key:?}"),
        None => format!("{key:?}"),
    }
}

fn abort(reason: String, where_: &str) {
    jitlog::log_abort(&reason, where_);
    JIT.with(|j| j.borrow_mut().stats.aborts.push(reason));
}

/// Lowers, optimizes and compiles a recorded trace; `bridge` attaches it to a guard exit.
fn compile(
    rt: &RTrace,
    own_label: Option<TargetToken>,
    id: usize,
    name: &str,
    bridge: Option<ExitId>,
) -> Result<TraceId, String> {
    if invalidated_while_recording(rt) {
        return Err("a quasi-immutable value the trace folded was written while tracing".into());
    }
    let p = params();
    let lab = label_of(id);
    let loc = |k: &[u64]| location(id, k);
    let cx = LowerCtx {
        own_label,
        label_of: &lab,
        name: name.to_string(),
        location: &loc,
    };
    let ir = lower(rt, &cx)?;
    let kind = if bridge.is_some() {
        TraceKind::Bridge
    } else if matches!(rt.ops.last(), Some(ROp::Finish(_))) {
        TraceKind::Entry
    } else {
        TraceKind::Loop
    };
    let n = JIT.with(|j| {
        let j = j.borrow();
        (j.stats.loops + j.stats.bridges) as u32
    });
    jitlog::log_trace(kind, false, n, name, &ir);
    // A bridge jumping to a peeled loop runs (an optimized copy of) the loop's preamble
    // itself and jumps past it (`opt::unroll`, "Bridges and the short preamble").
    let short = match (bridge, ir.len().checked_sub(1).and_then(|e| ir.target(e))) {
        (Some(e), Some(t0)) if p.short_preamble_limit > 0 && !from_copied_guard(e) => {
            live_preamble(t0)
                .filter(|(pre, _)| pre.len() <= p.short_preamble_limit)
                .and_then(|(pre, lp)| Some((pre.append_to(&ir)?, lp)))
        }
        _ => None,
    };
    let opt = {
        let _t = Timer::start(Phase::Optimizing);
        let input = short.as_ref().map_or(&ir, |s| &s.0);
        let o =
            crate::opt::optimize(input, &p.enable_opts).map_err(|e| format!("optimizer: {e}"))?;
        if short.is_some() && p.enable_opts == "all" {
            // (the copy's loads of what the bridge stored became known values only in `heap`,
            // after `fold`: one more round folds what they decide, e.g. `sp + 3 - sp`)
            crate::opt::optimize(&o, crate::opt::unroll::SHORT_SECOND_ROUND)
                .map_err(|e| format!("optimizer: {e}"))?
        } else {
            o
        }
    };
    // the preamble of a peeled loop, for the bridges that will jump to it
    let preamble = own_label.filter(|_| bridge.is_none()).and_then(|t0| {
        crate::opt::unroll::Preamble::of(&opt, p.short_preamble_limit).filter(|pre| pre.entry == t0)
    });
    jitlog::log_trace(kind, true, n, name, &opt);
    let _t = Timer::start(Phase::Compiling);
    let t = JIT.with(|j| {
        let mut j = j.borrow_mut();
        j.backend.set_forced_failures(p.forced_failures());
        let r = match bridge {
            None => j.backend.compile_loop(&opt, name),
            Some(e) => j.backend.compile_bridge(e, &opt, name),
        };
        let t = r.map_err(|e| format!("backend: {e}"))?;
        if jitlog::enabled(Section::Opt) || jitlog::enabled(Section::Summary) {
            jitlog::note_residual_calls(t.as_u32(), &opt);
        }
        // (the texts are for tests and tools; a long-running program with large traces would
        // otherwise keep megabytes of them: past the budget, empty strings keep the indices)
        let keep = j.stats.trace_text_bytes < p.trace_texts;
        let print = |t: &crate::ir::Trace| {
            if keep {
                crate::ir::print(t)
            } else {
                String::new()
            }
        };
        let text = print(&ir);
        let guards = opt.guards().len();
        if bridge.is_some() {
            let opt_text = print(&opt);
            j.stats.bridges += 1;
            j.stats.short_preambles += usize::from(short.is_some());
            j.stats.trace_text_bytes += text.len() + opt_text.len();
            j.stats.bridge_traces.push(text);
            j.stats.bridge_opt_traces.push(opt_text);
            j.stats.bridge_guards.push(guards);
        } else {
            let opt_text = print(&opt);
            j.stats.loops += 1;
            j.stats.trace_text_bytes += text.len() + opt_text.len();
            j.stats.loop_traces.push(text);
            j.stats.loop_opt_traces.push(opt_text);
            j.stats.loop_guards.push(guards);
        }
        if short.is_some() {
            let marker = (0..opt.len()).find(|&i| {
                opt.op(i).opcode == Opcode::DebugMergePoint
                    && opt.op(i).descr().is_some_and(|d| {
                        matches!(opt.descr(d), crate::ir::Descr::Text(s)
                            if s == crate::opt::unroll::SHORT_MARKER)
                    })
            });
            j.copied_from.insert(t, marker.unwrap_or(0));
        }
        if let Some(pre) = preamble {
            let entry = pre.entry;
            let lp = LoopPreamble {
                trace: t,
                pre: Rc::new(pre),
                deps: rt.deps.clone(),
                quasi: rt.quasi.clone(),
            };
            j.preambles.insert(entry, lp);
        }
        Ok::<_, String>(t)
    })?;
    if let Some((_, lp)) = short {
        // (the bridge folded what the loop's preamble specialised on)
        let deps = JIT.with(|j| {
            let j = j.borrow();
            j.preambles
                .values()
                .find(|p| p.trace == lp)
                .map(|p| (p.deps.clone(), p.quasi.clone()))
        });
        if let Some((deps, quasi)) = deps {
            add_dep_ids(t, &deps, &quasi);
        }
    }
    Ok(t)
}

/// A loop trace of at most two guest instructions closed at its own key without passing
/// `can_enter_jit!()`: the greens were the same at two consecutive dispatches, so every "loop"
/// is one guest instruction (measured: 7x slower than no JIT). The usual cause is a program
/// counter without `#[green]`. Counted for
/// the summary, logged under `abort`, and said once per process on stderr.
fn warn_closed_without_jump(portal: &str, where_: &str) {
    static WARNED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    jitlog::stats::bump(&jitlog::stats::LOOPS_WITHOUT_JUMP);
    let msg = format!(
        "warning: the loop at {where_} closed without a guest backward jump (`can_enter_jit!()`): \
         the greens of `{portal}` did not change from one dispatch to the next, so the JIT \
         compiles one guest instruction per loop; mark the program counter `#[green]`"
    );
    crate::jitlog!(Section::Abort, "{msg}");
    if !WARNED.swap(true, Ordering::Relaxed) {
        eprintln!("metatracer: {msg}");
    }
}

fn trace_loop(id: usize, name: &str, codes: &Rc<CodeSet>, state: &[u64], key: Key) -> Outcome {
    let p = params();
    let merge = codes.codes[0].merge.as_ref().expect("portal merge info");
    let where_ = format!(
        "{name} at {}",
        location(id, &super::tracer::green_words(merge, state))
    );
    let _rec = Recording::start(id, Some(key));
    let end = {
        let _t = Timer::start(Phase::Tracing);
        let tracer = Tracer::for_loop(codes, state, p.trace_limit);
        let lab = label_of(id);
        tracer.run(&|k| lab(k).is_some())
    };
    match end {
        TraceEnd::Done { trace, outcome } => {
            let token = TargetToken::fresh();
            match compile(&trace, Some(token), id, &where_, None) {
                Ok(t) => {
                    // (only a loop of at most two guest instructions is the symptom: a longer
                    // one closing without a backward jump is a guest's own recursion, e.g. a
                    // recursive generator's frames of one code object resumed in turn)
                    let positions = trace
                        .ops
                        .iter()
                        .filter(|o| matches!(o, ROp::MergePoint(_)))
                        .count();
                    if matches!(outcome, Outcome::Merge { jumped: false, .. })
                        && matches!(trace.ops.last(), Some(ROp::Jump(_)))
                        && positions <= 2
                    {
                        warn_closed_without_jump(name, &where_);
                    }
                    add_deps(t, &trace);
                    let pins = gc_key_pins(codes, &key);
                    JIT.with(|j| {
                        let mut j = j.borrow_mut();
                        let ps = j.portals.get_mut(&id).expect("portal state");
                        ps.set_loop(key, t, token, pins);
                    })
                }
                Err(e) => {
                    abort(e, &where_);
                    backoff(id, key);
                }
            }
            outcome
        }
        TraceEnd::Aborted { reason, outcome } => {
            abort(reason, &where_);
            backoff(id, key);
            outcome
        }
    }
}

fn backoff(id: usize, key: Key) {
    JIT.with(|j| {
        let mut j = j.borrow_mut();
        let ps = j.portals.get_mut(&id).expect("portal state");
        ps.counters.entry(key).or_default().backoff += 1;
    });
}

/// How to resume from one guard exit, computed from its trace once (at its first failure)
/// and kept: an exit then costs copying a register template and patching the saved values
/// in, not a walk over the trace's snapshot (a portal's frame has hundreds of registers,
/// nearly all constant at any one guard).
struct ExitPlan {
    /// Kinds of the saved values (a bridge's inputs).
    saved: Vec<WKind>,
    /// The snapshot's frames, outermost first: jitcode, pc, and where each register's value
    /// comes from (a constant or saved value number `k`); what a bridge tracer starts from.
    frames: Vec<(u32, u32, Vec<BridgeVal>)>,
    /// Per frame: its registers as the blackhole gets them.
    templates: Vec<RegTemplate>,
    /// The virtual objects the snapshot describes (allocation removal): allocated and
    /// filled at each exit, before the blackhole resumes.
    virtuals: Vec<ResumeVirtual>,
    /// (frame, register, virtual number) for each register holding a virtual object.
    virt_patches: Vec<(u32, u32, u32)>,
    /// The exit is a `guard_not_invalidated` (it fails because the trace is invalid; the
    /// trace is freed soon) or a `guard_not_interrupted` (it fails because of an event, not
    /// a path the loop takes): it never gets a bridge, the blackhole resumes.
    invalidation: bool,
    /// The exit is a `guard_not_interrupted`.
    interrupt: bool,
}

/// A frame's registers with every constant filled in, and the (register, saved value
/// number) pairs to patch in at an exit.
struct RegTemplate {
    regs: Vec<u64>,
    patches: Vec<(u32, u32)>,
}

impl ExitPlan {
    fn of(be: &X64Backend, exit: ExitId) -> ExitPlan {
        let info = be.exit(exit).expect("exit info");
        let ExitKind::Guard { snapshot, .. } = info.kind else {
            panic!("metatracer: compiled traces end in jumps, not finish");
        };
        let trace = be.trace(info.trace).expect("exit trace");
        let opcode = match info.kind {
            ExitKind::Guard { pos, .. } => Some(trace.op(pos).opcode),
            ExitKind::Finish { .. } => None,
        };
        let interrupt = opcode == Some(Opcode::GuardNotInterrupted);
        let invalidation = interrupt || opcode == Some(Opcode::GuardNotInvalidated);
        let saved = trace
            .exit_refs(snapshot)
            .iter()
            .map(|r| wkind(trace.kind(*r)))
            .collect();
        let virtuals = trace.resume_virtuals(snapshot);
        let mut virt_patches = Vec::new();
        let frames = trace
            .resume_layout(snapshot)
            .into_iter()
            .enumerate()
            .map(|(fi, (code, pc, slots))| {
                let vals: Vec<BridgeVal> = slots
                    .into_iter()
                    .enumerate()
                    .map(|(r, s)| match s {
                        ResumeSlot::Const(c) => BridgeVal::Const(wkind(c.kind()), c.to_bits()),
                        ResumeSlot::Saved(k) => BridgeVal::Input(k as u32),
                        ResumeSlot::Virtual(v) => {
                            virt_patches.push((fi as u32, r as u32, v as u32));
                            BridgeVal::Virtual(v as u32)
                        }
                    })
                    .collect();
                (code, pc, vals)
            })
            .collect::<Vec<_>>();
        let templates = frames
            .iter()
            .map(|(_, _, vals)| {
                let mut regs = Vec::with_capacity(vals.len());
                let mut patches = Vec::new();
                for (r, v) in vals.iter().enumerate() {
                    match *v {
                        BridgeVal::Const(_, w) => regs.push(w),
                        BridgeVal::Virtual(_) => regs.push(0),
                        BridgeVal::Input(k) => {
                            regs.push(0);
                            patches.push((r as u32, k));
                        }
                    }
                }
                RegTemplate { regs, patches }
            })
            .collect();
        ExitPlan {
            saved,
            frames,
            templates,
            virtuals,
            virt_patches,
            invalidation,
            interrupt,
        }
    }
}

/// A frame buffer for machine code (see the backend's entry ABI).
fn new_frame() -> Box<[u64]> {
    vec![0u64; MAX_FRAME_WORDS].into_boxed_slice()
}

/// Runs compiled code until it exits to the driver, then resumes or builds a bridge.
fn run_compiled(id: usize, codes: &Rc<CodeSet>, t: TraceId, inputs: &[u64]) -> Outcome {
    // Copy the entry point and a frame buffer out: no borrow of the JIT is held while machine
    // code runs, so its residual calls may re-enter the portal (and this driver).
    let nested = ACTIVE.with(|a| {
        let a = a.get();
        a.machine + a.recording + a.blackhole > 0
    });
    let (entry, mut frame) = JIT.with(|j| {
        let mut j = j.borrow_mut();
        j.stats.entries += 1;
        j.stats.nested_entries += u64::from(nested);
        let entry = j.backend.entry_point(t).expect("a compiled loop");
        let frame = j.frames.pop().unwrap_or_else(new_frame);
        (entry, frame)
    });
    frame[..inputs.len()].copy_from_slice(inputs);
    let started = jitlog::json().then(std::time::Instant::now);
    // (`Running` defers freeing dead traces to the end of the outermost run, here after the
    // exit's resume plan is made: the trace that exited may be one of them, invalidated by
    // its own residual call; `Activity` makes `reset` refuse and counts nested entries)
    let running = Running::enter();
    let raw = {
        let _active = Activity::enter(|a| &mut a.machine);
        // SAFETY: the trace was recorded from this portal's jitcode, whose loads, stores and
        // calls mirror the interpreter's; `inputs` are the red state words of kinds matching
        // the trace's inputs (the same merge point layout every trace of this portal uses);
        // the backend lives in this thread's JIT, which `reset` refuses to drop while code
        // runs; `frame` has MAX_FRAME_WORDS words.
        unsafe { entry.call(&mut frame) }
    };
    if let Some(t0) = started {
        jitlog::count_entry(t.as_u32(), t0.elapsed().as_nanos() as u64);
    }
    let raw = match raw {
        Ok(raw) => raw,
        Err(payload) => {
            // A residual call panicked: the machine code has returned, nothing of the JIT is
            // borrowed or half-done; let the panic continue to the portal's caller.
            JIT.with(|j| {
                let mut j = j.borrow_mut();
                j.frames.push(frame);
                j.stats.residual_panics += 1;
            });
            std::panic::resume_unwind(payload);
        }
    };
    let (fail_all, eagerness) = with_params(|p| (p.fail_guards, p.trace_eagerness));
    let exited = JIT.with(|j| {
        let mut j = j.borrow_mut();
        let j = &mut *j;
        let (exit, n) = match j.backend.record_exit(raw) {
            Ok(e) => e,
            Err(e) => panic!("metatracer: executing compiled trace failed: {e}"),
        };
        if let Some(ExitKind::Finish { .. }) = j.backend.exit(exit).map(|i| i.kind) {
            // a bridge that left the portal: its return value is the frame's first word
            return None;
        }
        j.stats.guard_failures += 1;
        let backend = &j.backend;
        let plan = j
            .plans
            .entry(exit)
            .or_insert_with(|| Rc::new(ExitPlan::of(backend, exit)))
            .clone();
        let info = backend.exit(exit).expect("exit info");
        if let ExitKind::Guard { index, .. } = info.kind {
            jitlog::count_guard_failure(info.trace.as_u32(), index);
        }
        if plan.interrupt {
            j.stats.interrupt_exits += 1;
            jitlog::stats::bump(&jitlog::stats::INTERRUPT_EXITS);
        }
        let eligible = !fail_all
            && !plan.invalidation
            && info.failures > eagerness as u64
            && info.bridge.is_none()
            && !j.no_bridge.contains(&exit);
        Some((exit, n, plan, eligible))
    });
    drop(running);
    let Some((exit, n, plan, eligible)) = exited else {
        let w = frame[0];
        JIT.with(|j| j.borrow_mut().frames.push(frame));
        return Outcome::Returned(w);
    };
    // (no bridge for a trace freed just now)
    let eligible = eligible
        && JIT.with(|j| {
            let j = j.borrow();
            j.backend
                .exit(exit)
                .is_some_and(|i| j.backend.is_live(i.trace))
        });
    let values = &frame[..n];
    if eligible {
        // Trace a bridge from this guard, starting from its snapshot.
        let inputs: Vec<(WKind, u64)> = plan
            .saved
            .iter()
            .copied()
            .zip(values.iter().copied())
            .collect();
        // (the snapshot's virtual objects, made real: the bridge starts from them)
        let objects = crate::ir::materialize(&plan.virtuals, values);
        JIT.with(|j| j.borrow_mut().frames.push(frame));
        let where_ = JIT.with(
            |j| match j.borrow().backend.exit(exit).map(|i| (i.kind, i.trace)) {
                Some((ExitKind::Guard { index, .. }, trace)) => {
                    format!("guard {index} of trace {}", trace.as_u32())
                }
                _ => format!("guard exit {}", exit.0),
            },
        );
        let end = {
            let _rec = Recording::start(id, None);
            let _t = Timer::start(Phase::Tracing);
            let (limit, cut) = with_params(|p| (p.trace_limit, p.bridge_limit));
            let mut tracer = Tracer::for_bridge(
                codes,
                &plan.frames,
                &inputs,
                &plan.virtuals,
                &objects,
                limit,
            );
            if cut > 0 {
                tracer = tracer.cut_at(cut);
            }
            let lab = label_of(id);
            tracer.run(&|k| lab(k).is_some())
        };
        return match end {
            TraceEnd::Done { trace: rt, outcome } => {
                // (the backend logs the attached bridge)
                match compile(&rt, None, id, &where_, Some(exit)) {
                    Ok(t) => {
                        if rt.leaves_to_interpreter() {
                            JIT.with(|j| j.borrow_mut().stats.bridges_cut += 1);
                            jitlog::stats::bump(&jitlog::stats::BRIDGES_CUT);
                        }
                        add_deps(t, &rt)
                    }
                    Err(e) => {
                        abort(e, &where_);
                        JIT.with(|j| j.borrow_mut().no_bridge.insert(exit));
                    }
                }
                outcome
            }
            TraceEnd::Aborted { reason, outcome } => {
                abort(reason, &where_);
                JIT.with(|j| j.borrow_mut().no_bridge.insert(exit));
                outcome
            }
        };
    }
    // (timed only when the summary that reports it is on: two clock reads were a tenth of an
    // exit's cost)
    let _t = jitlog::enabled(Section::Summary).then(|| Timer::start(Phase::Deopt));
    // Virtual objects first (allocation may collect; `materialize` pins the saved values
    // meanwhile), then no allocation until the blackhole holds every reference.
    let objects = crate::ir::materialize(&plan.virtuals, values);
    let mut spare = JIT.with(|j| std::mem::take(&mut j.borrow_mut().spare_regs));
    let mut frames: Vec<Frame> = Vec::with_capacity(plan.frames.len() + 4);
    frames.extend(
        plan.frames
            .iter()
            .zip(&plan.templates)
            .map(|((code, pc, _), t)| {
                let mut regs = spare.pop().unwrap_or_default();
                regs.clear();
                regs.extend_from_slice(&t.regs);
                for &(r, k) in &t.patches {
                    regs[r as usize] = values[k as usize];
                }
                Frame {
                    code: *code,
                    pc: *pc,
                    regs,
                }
            }),
    );
    for &(fi, r, v) in &plan.virt_patches {
        frames[fi as usize].regs[r as usize] = objects[v as usize] as u64;
    }
    JIT.with(|j| j.borrow_mut().frames.push(frame));
    if frames.first().is_some_and(|f| f.code == PENDING_STORES) {
        let pending = frames.remove(0);
        // SAFETY: the stores are the interpreter's own, delayed by the trace past this guard
        // (same addresses, same values); performing them now restores the memory the
        // interpreter expects at the snapshot.
        unsafe { perform_pending(&pending.regs) };
        spare.push(pending.regs);
    }
    let outcome = {
        let _active = Activity::enter(|a| &mut a.blackhole);
        blackhole::run_in(codes, &mut frames, &mut spare)
    };
    spare.extend(frames.into_iter().map(|f| f.regs));
    JIT.with(|j| {
        let mut j = j.borrow_mut();
        if j.spare_regs.len() < spare.len() {
            j.spare_regs = spare;
        }
    });
    outcome
}

#[allow(dead_code)]
fn log_on(s: Section) -> bool {
    jitlog::enabled(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jit::codewriter::Sym;
    use crate::jit::private as p;

    #[test]
    fn the_timetable_counts_per_key_and_a_collision_restarts_the_count() {
        let mut hot = Vec::new();
        let mut loops = HashMap::default();
        let a = [1, 2, 0, 0];
        hot_slot(&mut hot, &loops, &a).count += 3;
        assert_eq!(hot_slot(&mut hot, &loops, &a).count, 3);
        // a key that lands in a's slot takes the slot over with a count of 0
        let b = (3..u64::MAX)
            .map(|i| [i, 2, 0, 0])
            .find(|k| hot_index(k) == hot_index(&a))
            .unwrap();
        assert_eq!(hot_slot(&mut hot, &loops, &b).count, 0);
        hot_slot(&mut hot, &loops, &b).count += 1;
        assert_eq!(
            hot_slot(&mut hot, &loops, &a).count,
            0,
            "a lost its slot to b"
        );
        assert_eq!(hot.len(), HOT_SLOTS);
        // a compiled key that claims its slot back finds its loop
        let t = TraceId::new(7);
        loops.insert(b, (t, TargetToken::fresh()));
        assert_eq!(hot_slot(&mut hot, &loops, &b).compiled, Some(t));
        assert_eq!(hot_slot(&mut hot, &loops, &a).compiled, None);
    }

    /// The jitcode of `countdown` below, written against the codewriter directly (what the
    /// macros would emit for it).
    fn countdown_builder(cw: &mut Codewriter) {
        let pc = cw.param::<u64>();
        let n = cw.param::<i64>();
        let top = cw.label();
        cw.bind(top);
        cw.merge_point(&[
            (pc.reg, Some(crate::jit::validity::GreenKind::Plain)),
            (n.reg, None),
        ]);
        let one = p::lit(cw, 1i64);
        let n1 = p::sub(cw, n, one);
        cw.mov(n, n1);
        let zero = p::lit(cw, 0i64);
        let more: Sym<bool> = p::gt(cw, n, zero);
        let done = cw.label();
        cw.branch_if_false(more, done);
        cw.can_enter_jit();
        cw.jump(top);
        cw.bind(done);
        cw.ret(n);
    }
    static COUNTDOWN: Portal = Portal::new("countdown", countdown_builder);

    /// The interpreter `countdown_builder` mirrors, with the hook where the macros put it (at
    /// the top of the loop after a backward jump: the skip table, then the driver). Returns
    /// the result and the hooks (backward jumps that reached the hook, skipped or not).
    fn countdown(n0: i64) -> (i64, usize) {
        let (mut n, mut jumped, mut hooks) = (n0, false, 0);
        loop {
            if jumped {
                hooks += 1;
                let mut state = [0, n as u64];
                if !skip_hook(&[state[0]]) {
                    match loop_header(&COUNTDOWN, &mut state) {
                        HookResult::Continue => n = state[1] as i64,
                        HookResult::Return(w) => return (w as i64, hooks),
                    }
                }
            }
            n -= 1;
            if n > 0 {
                jumped = true;
                continue;
            }
            return (n, hooks);
        }
    }

    #[test]
    fn a_loop_is_traced_at_the_threshold_and_then_runs_compiled() {
        reset();
        crate::set_params("on,threshold=5,trace_limit=6000,fail_guards=0").unwrap();
        // 4 backward jumps: below the threshold
        assert_eq!(countdown(5), (0, 4));
        let s = stats();
        assert_eq!((s.loops, s.entries, s.aborts.len()), (0, 0, 0), "{s:?}");
        // the 5th backward jump of the key traces (counts persist across calls)
        let (r, hooks) = countdown(100);
        assert_eq!(r, 0);
        let s = stats();
        assert_eq!(s.loops, 1, "{s:?}");
        // one entry ran the rest of the loop in machine code: it left at the end
        assert_eq!(s.entries, 1, "{s:?}");
        assert_eq!(s.guard_failures, 1, "{s:?}");
        assert_eq!(
            hooks, 2,
            "hook 1 (the key's 5th) traced, hook 2 entered and finished"
        );
        assert!(
            s.loop_traces[0].contains("int_add(i0, -1)"),
            "{}",
            s.loop_traces[0]
        );
        // the loop is peeled (default pipeline): the interrupt check and the condition's
        // guard in the preamble, and both again in the loop
        assert_eq!(s.loop_guards, [4]);
    }

    #[test]
    fn aborted_traces_back_off_linearly() {
        reset();
        // every attempt aborts: the trace limit is below one iteration
        crate::set_params("on,threshold=3,trace_limit=1,fail_guards=0").unwrap();
        let (r, hooks) = countdown(100);
        // (each abort finishes its iteration in the blackhole: 99 jumps, 7 of them aborted)
        assert_eq!((r, hooks), (0, 92));
        let s = stats();
        // attempt k waits 3k hooks: at hooks 3, 9, 18, 30, 45, 63, 84 (the next at 108)
        assert_eq!(s.aborts.len(), 7, "{s:?}");
        assert!(s.aborts.iter().all(|a| a == "trace too long"), "{s:?}");
        assert_eq!(s.loops, 0);
        crate::set_params("trace_limit=6000").unwrap();
    }

    #[test]
    fn with_every_guard_failing_compiled_code_is_entered_every_threshold_jumps() {
        reset();
        crate::set_params("on,threshold=4,trace_limit=6000,fail_guards=1").unwrap();
        // (the JIT runs the iteration after a hook it acts on: fewer hooks than iterations)
        let (r, hooks) = countdown(40);
        assert_eq!((r, hooks), (0, 32));
        let s = stats();
        assert_eq!(s.loops, 1, "{s:?}");
        assert_eq!(s.bridges, 0, "no bridges when every guard fails");
        // traced at hook 4; then entered at every 4th hook: 8, 12, ..., 32
        assert_eq!(s.entries, 7, "{s:?}");
        assert_eq!(s.guard_failures, s.entries);
        crate::set_params("fail_guards=0").unwrap();
    }

    #[test]
    fn green_keys_have_separate_counters() {
        reset();
        crate::set_params("on,threshold=3,fail_guards=0").unwrap();
        let codes = Codewriter::build_set("countdown", countdown_builder);
        let ps = PortalState {
            greens: greens_of(&codes),
            ..PortalState::default()
        };
        assert_eq!(ps.key_of(&[7, 99]), [7, 0, 0, 0]);
        assert_eq!(with_reds(&codes, &[7, 99], <[u64]>::to_vec), [99]);
        // two hits on key 1 and two on key 2: nothing traced (the first hit of each goes to
        // the driver, which lets the key's next jump skip it)
        for (pc, skipped) in [(1, false), (2, false), (1, true), (2, true)] {
            assert_eq!(skip_hook(&[pc]), skipped);
            if !skipped {
                let mut st = [pc, 50];
                assert!(matches!(
                    loop_header(&COUNTDOWN, &mut st),
                    HookResult::Continue
                ));
                assert_eq!(st, [pc, 50], "no state change without compiled code");
            }
        }
        // ... and no further: the third jump of key 1 is the threshold's, it goes to the driver
        assert!(!skip_hook(&[1]));
        assert_eq!(stats().loops, 0);
    }
}
