//! The JIT driver: hot-loop counters, tracing, running compiled traces, guard failures,
//! bridges, and the hand-over back to the plain interpreter.
//!
//! The `#[jit_merge_point]` macro puts one hook at the top of the interpreter's dispatch loop.
//! It runs only when `can_enter_jit!()` was executed in the previous iteration (a guest backward
//! jump), so the cost for the plain interpreter is one flag test. The hook calls
//! [`loop_header`] with the state variables as words (greens first in declaration order, the
//! order is the merge point's); the driver counts the green key, traces when it reaches
//! `threshold`, runs compiled code when there is some, and writes the state at the next merge
//! point back into the array. The interpreter then simply continues its loop.

use super::blackhole::{self, Outcome};
use super::codewriter::{Builder, Codewriter};
use super::jitcode::CodeSet;
use super::params::{params, JIT_ON};
use super::recorded::{self, ROp, RTrace, RunEnd};
use super::tracer::{TraceEnd, Tracer};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::atomic::Ordering;

/// The static descriptor of a portal (one per `#[jit_merge_point]` function).
pub struct Portal {
    /// The function's name.
    pub name: &'static str,
    /// Its builder.
    pub builder: Builder,
}

impl Portal {
    /// A descriptor; used by the macro in a `static`.
    pub const fn new(name: &'static str, builder: Builder) -> Self {
        Portal { name, builder }
    }
}

/// What the hook tells the interpreter.
pub enum HookResult {
    /// Continue the dispatch loop with the (possibly updated) state.
    Continue,
    /// Return this word from the portal function.
    Return(u64),
}

/// A compiled trace (loop or bridge) and what hangs off it.
struct Compiled {
    trace: RTrace,
    /// Failure count per snapshot.
    fails: RefCell<Vec<u32>>,
    /// Bridges by snapshot: the bridge and which of this trace's ops feed its inputs.
    bridges: RefCell<HashMap<u32, (Rc<Compiled>, Vec<u32>)>>,
    /// Snapshots whose bridge tracing was aborted (not retried).
    no_bridge: RefCell<Vec<u32>>,
}

impl Compiled {
    fn new(trace: RTrace) -> Rc<Self> {
        let n = trace.snapshots.len();
        Rc::new(Compiled {
            trace,
            fails: RefCell::new(vec![0; n]),
            bridges: RefCell::new(HashMap::new()),
            no_bridge: RefCell::new(Vec::new()),
        })
    }
}

/// Counters for tests, logs and the exit summary.
#[derive(Clone, Debug, Default)]
pub struct JitStats {
    /// Loops (and loop-entry paths) compiled.
    pub loops: usize,
    /// Bridges compiled.
    pub bridges: usize,
    /// Aborted tracing attempts with their reasons.
    pub aborts: Vec<String>,
    /// Guard failures (each resumed through the blackhole or a bridge).
    pub guard_failures: u64,
    /// Times compiled code was entered from the interpreter.
    pub entries: u64,
    /// Text of every compiled loop trace, in compilation order.
    pub loop_traces: Vec<String>,
    /// Text of every bridge, in compilation order.
    pub bridge_traces: Vec<String>,
}

type Key = [u64; 4];

#[derive(Default)]
struct PortalState {
    codes: Option<Rc<CodeSet>>,
    counters: HashMap<Key, u32>,
    loops: HashMap<Key, Rc<Compiled>>,
    /// Keys whose tracing aborted: counted again from zero with a doubled threshold.
    backoff: HashMap<Key, u32>,
}

#[derive(Default)]
struct Jit {
    portals: HashMap<usize, PortalState>,
    stats: JitStats,
}

thread_local! {
    static JIT: RefCell<Jit> = RefCell::new(Jit::default());
}

/// The counters so far (for tests and the exit summary).
pub fn stats() -> JitStats {
    JIT.with(|j| j.borrow().stats.clone())
}

/// Forgets all compiled code, counters and statistics (tests use it between runs).
pub fn reset() {
    JIT.with(|j| *j.borrow_mut() = Jit::default());
}

fn log_enabled() -> bool {
    std::env::var_os("METATRACER_LOG").is_some()
}

fn key_of(codes: &CodeSet, state: &[u64]) -> Key {
    let merge = codes.codes[0].merge.as_ref().expect("portal merge info");
    let mut key = [0u64; 4];
    for (i, (_, w)) in merge
        .vars
        .iter()
        .zip(state)
        .filter(|((_, g, _), _)| *g)
        .enumerate()
    {
        key[i] = *w;
    }
    key
}

fn reds_of(codes: &CodeSet, state: &[u64]) -> Vec<u64> {
    let merge = codes.codes[0].merge.as_ref().expect("portal merge info");
    merge
        .vars
        .iter()
        .zip(state)
        .filter(|((_, g, _), _)| !*g)
        .map(|(_, w)| *w)
        .collect()
}

/// The hook at the top of the portal's dispatch loop (after a backward jump).
pub fn loop_header(portal: &'static Portal, state: &mut [u64]) -> HookResult {
    if !JIT_ON.load(Ordering::Relaxed) {
        return HookResult::Continue;
    }
    let id = portal as *const Portal as usize;
    let codes = JIT.with(|j| {
        let mut j = j.borrow_mut();
        let ps = j.portals.entry(id).or_default();
        ps.codes
            .get_or_insert_with(|| Rc::new(Codewriter::build_set(portal.name, portal.builder)))
            .clone()
    });
    let mut key = key_of(&codes, state);
    // Count, and decide whether to run compiled code or to trace.
    enum Action {
        Run(Rc<Compiled>),
        Trace,
        Nothing,
    }
    let p = params();
    let action = JIT.with(|j| {
        let mut j = j.borrow_mut();
        let ps = j.portals.get_mut(&id).expect("portal state");
        if let Some(c) = ps.loops.get(&key) {
            return Action::Run(c.clone());
        }
        let limit = p
            .threshold
            .saturating_mul(1 + ps.backoff.get(&key).copied().unwrap_or(0));
        let n = ps.counters.entry(key).or_insert(0);
        *n += 1;
        if *n >= limit {
            *n = 0;
            Action::Trace
        } else {
            Action::Nothing
        }
    });
    let mut outcome = match action {
        Action::Nothing => return HookResult::Continue,
        Action::Run(c) => {
            JIT.with(|j| j.borrow_mut().stats.entries += 1);
            run_compiled(id, &codes, c, reds_of(&codes, state))
        }
        Action::Trace => trace_loop(id, &codes, state, key),
    };
    // Keep running compiled code while the merge point we land on has some.
    loop {
        match outcome {
            Outcome::Returned(w) => return HookResult::Return(w),
            Outcome::Merge { state: s, .. } => {
                state.copy_from_slice(&s);
                key = key_of(&codes, state);
                let next = JIT.with(|j| {
                    j.borrow()
                        .portals
                        .get(&id)
                        .and_then(|ps| ps.loops.get(&key).cloned())
                });
                match next {
                    Some(c) => outcome = run_compiled(id, &codes, c, reds_of(&codes, state)),
                    None => return HookResult::Continue,
                }
            }
        }
    }
}

fn has_code_fn(id: usize) -> impl Fn(&[u64]) -> bool {
    move |k: &[u64]| {
        let mut key = [0u64; 4];
        key[..k.len()].copy_from_slice(k);
        JIT.with(|j| {
            j.borrow()
                .portals
                .get(&id)
                .is_some_and(|ps| ps.loops.contains_key(&key))
        })
    }
}

fn trace_loop(id: usize, codes: &Rc<CodeSet>, state: &[u64], key: Key) -> Outcome {
    let p = params();
    let tracer = Tracer::for_loop(codes, state, p.trace_limit);
    match tracer.run(&has_code_fn(id)) {
        TraceEnd::Done { trace, outcome } => {
            let text = trace.to_string();
            if log_enabled() {
                eprintln!(
                    "[jit] loop at key {key:?} ({} ops):\n{text}",
                    trace.ops.len()
                );
            }
            JIT.with(|j| {
                let mut j = j.borrow_mut();
                j.stats.loops += 1;
                j.stats.loop_traces.push(text);
                let ps = j.portals.get_mut(&id).expect("portal state");
                ps.loops.insert(key, Compiled::new(trace));
            });
            outcome
        }
        TraceEnd::Aborted { reason, outcome } => {
            if log_enabled() {
                eprintln!("[jit] abort at key {key:?}: {reason}");
            }
            JIT.with(|j| {
                let mut j = j.borrow_mut();
                j.stats.aborts.push(reason);
                let ps = j.portals.get_mut(&id).expect("portal state");
                *ps.backoff.entry(key).or_insert(0) += 1;
            });
            outcome
        }
    }
}

/// Runs a compiled trace and its bridges until control leaves compiled code.
fn run_compiled(
    id: usize,
    codes: &Rc<CodeSet>,
    mut cur: Rc<Compiled>,
    mut inputs: Vec<u64>,
) -> Outcome {
    let p = params();
    loop {
        let RunEnd::Exit(s, vals) = recorded::eval(&cur.trace, &inputs, p.fail_guards);
        let is_guard = !cur
            .trace
            .ops
            .iter()
            .any(|o| matches!(o, ROp::Exit(x) if *x == s));
        if is_guard {
            JIT.with(|j| j.borrow_mut().stats.guard_failures += 1);
        }
        let bridge = cur.bridges.borrow().get(&s).cloned();
        if let Some((b, map)) = bridge {
            inputs = map.iter().map(|&i| vals[i as usize]).collect();
            cur = b;
            continue;
        }
        let snap = &cur.trace.snapshots[s as usize];
        let fails = {
            let mut f = cur.fails.borrow_mut();
            f[s as usize] += 1;
            f[s as usize]
        };
        if is_guard && fails > p.trace_eagerness && !cur.no_bridge.borrow().contains(&s) {
            let kinds = |i: u32| cur.trace.ops[i as usize].kind();
            let (tracer, map) =
                Tracer::for_bridge(codes, snap, &|i| vals[i as usize], &kinds, p.trace_limit);
            match tracer.run(&has_code_fn(id)) {
                TraceEnd::Done { trace, outcome } => {
                    let text = trace.to_string();
                    if log_enabled() {
                        eprintln!(
                            "[jit] bridge from guard @s{s} ({} ops):\n{text}",
                            trace.ops.len()
                        );
                    }
                    JIT.with(|j| {
                        let mut j = j.borrow_mut();
                        j.stats.bridges += 1;
                        j.stats.bridge_traces.push(text);
                    });
                    cur.bridges
                        .borrow_mut()
                        .insert(s, (Compiled::new(trace), map));
                    return outcome;
                }
                TraceEnd::Aborted { reason, outcome } => {
                    if log_enabled() {
                        eprintln!("[jit] bridge abort at @s{s}: {reason}");
                    }
                    JIT.with(|j| j.borrow_mut().stats.aborts.push(reason));
                    cur.no_bridge.borrow_mut().push(s);
                    return outcome;
                }
            }
        }
        let frames = snap.frames(&|i| vals[i as usize]);
        return blackhole::run(codes, frames);
    }
}
