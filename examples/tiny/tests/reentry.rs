//! Re-entering the JIT: a residual call made by compiled code (or by the tracer, or by the
//! blackhole) runs the portal again, on another program or the same one, several levels deep.
//! Every level counts, traces, runs compiled code, fails guards and makes bridges, and prints
//! the same as with the JIT off; a panic in a residual call reaches the portal's caller as an
//! ordinary Rust panic and leaves the JIT usable.
//!
//! The interpreter here is written for the test, with the public annotations only. Its one
//! loop runs the ops of a program once per iteration; op `CALL` makes a residual call
//! ([`nested`], not annotated) that runs the portal on a program one level down.

use metatracer::{dont_look_inside, jit_merge_point, Layout};
use std::sync::OnceLock;

const ADD: u8 = 0;
/// A branch that flips at iteration `flip`: its guard starts failing mid-run (bridges).
const FLIP: u8 = 1;
/// `acc += nested(s)`: the portal again, one level down.
const CALL: u8 = 2;
/// A residual call that panics at `boom` (iteration) on level `boom_level`.
const BOOM: u8 = 3;
/// Loop end: the guest's backward jump.
const END: u8 = 4;

#[derive(Layout)]
struct Code {
    ops: Vec<u8>,
    id: metatracer::JitIdentity,
}

impl metatracer::JitGreen for Code {
    fn jit_identity(&self) -> &metatracer::JitIdentity {
        &self.id
    }
}

fn code(ops: Vec<u8>) -> Code {
    Code {
        ops,
        id: metatracer::JitIdentity::new(),
    }
}

#[derive(Layout, Default, Debug, PartialEq, Clone)]
struct State {
    /// Iteration.
    i: i64,
    /// Iterations to run.
    n: i64,
    acc: i64,
    /// Levels below this one (0: `CALL` does nothing).
    level: i64,
    flip: i64,
    /// Which program `CALL` runs one level down (index into [`programs`]).
    sub: i64,
    /// The first iteration whose `CALL` runs the portal (levels below get 0, or the same
    /// with `once`).
    arm: i64,
    /// Only iteration `arm` runs the portal, on every level (a deep chain, not a tree).
    once: bool,
    /// The trip count of the levels below is `inner_n + i % 9` (`i`: the caller's iteration).
    inner_n: i64,
    /// Their flip point is `inner_flip + i % 5`.
    inner_flip: i64,
    /// Iteration and level at which `BOOM` panics (-1: never).
    boom: i64,
    boom_level: i64,
    /// At `boom`, call `jit::reset()` first (which must refuse while the JIT is active).
    reset: bool,
    /// Portal calls made by `CALL` on this level and below.
    calls: i64,
}

/// The programs, built once and never freed (their traces stay valid for the whole process).
fn programs() -> &'static [Code] {
    static P: OnceLock<Vec<Code>> = OnceLock::new();
    P.get_or_init(|| {
        vec![
            code(vec![ADD, FLIP, CALL, BOOM, END]),
            code(vec![FLIP, CALL, ADD, BOOM, ADD, END]),
            code(vec![CALL, BOOM, FLIP, END]),
        ]
    })
}

/// The residual call: runs the portal on program `s.sub` one level down, with a trip count
/// and flip point derived from the caller's iteration.
fn nested(s: &mut State) -> i64 {
    if s.level <= 0 || s.i < s.arm || (s.once && s.i != s.arm) {
        return 0;
    }
    let mut inner = State {
        i: 0,
        n: s.inner_n + s.i % 9,
        acc: s.i,
        level: s.level - 1,
        flip: s.inner_flip + s.i % 5,
        sub: s.sub,
        arm: if s.once { s.arm } else { 0 },
        once: s.once,
        inner_n: s.inner_n,
        inner_flip: s.inner_flip,
        boom: s.boom,
        boom_level: s.boom_level,
        reset: s.reset,
        calls: 0,
    };
    run(&programs()[s.sub as usize], &mut inner);
    s.calls += 1 + inner.calls;
    inner.acc
}

#[dont_look_inside]
fn check(s: &mut State) -> i64 {
    if s.i == s.boom && s.level == s.boom_level {
        if s.reset {
            // Not allowed while an outer level's compiled code or recording is active.
            metatracer::jit::reset();
        }
        panic!("boom at level {} iteration {}", s.level, s.i);
    }
    0
}

#[jit_merge_point]
fn run(#[green] code: &Code, s: &mut State) {
    #[green]
    let mut pc: usize = 0;
    while pc < code.ops.len() {
        match code.ops[pc] {
            // (the traced subset matches on literals: 0 = ADD, 1 = FLIP, ...)
            0 => s.acc += s.i + 1,
            1 => {
                if s.i >= s.flip {
                    s.acc += 7;
                } else {
                    s.acc -= 1;
                }
            }
            2 => {
                let r = nested(s);
                s.acc = s.acc.wrapping_mul(3).wrapping_add(r);
            }
            3 => {
                s.acc += check(s);
            }
            _ => {
                s.i += 1;
                if s.i < s.n {
                    pc = 0;
                    metatracer::can_enter_jit!();
                    continue;
                }
            }
        }
        pc += 1;
    }
}

/// The JIT's parameters are process-wide: tests that set them run one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

/// A top-level state: `n` iterations, `levels` levels of nesting below, the top level
/// flipping at `flip`, nested levels running program `sub`.
fn start(n: i64, levels: i64, flip: i64, sub: i64) -> State {
    State {
        i: 0,
        n,
        acc: 0,
        level: levels,
        flip,
        sub,
        arm: 0,
        once: false,
        inner_n: 4,
        inner_flip: 2,
        boom: -1,
        boom_level: -1,
        reset: false,
        calls: 0,
    }
}

/// Sets the JIT parameters: `spec` on top of the defaults (parameters persist between
/// `set_params` calls, so every test states all it relies on).
fn params(spec: &str) {
    metatracer::set_params(&format!(
        "on,threshold=1000,trace_eagerness=200,fail_guards=0,fail_guard=none,\
         fail_guards_random=none,{spec}"
    ))
    .unwrap();
}

fn go(params: &str, prog: usize, mut s: State) -> (State, metatracer::jit::JitStats) {
    metatracer::jit::reset();
    self::params(params);
    run(&programs()[prog], &mut s);
    (s, metatracer::jit::stats())
}

fn reference(prog: usize, s: &State) -> State {
    go("off", prog, s.clone()).0
}

#[test]
fn inner_levels_run_compiled_code_while_outer_code_is_active() {
    let _g = serial();
    for (prog, sub) in [(0, 0), (1, 2), (2, 1)] {
        let s = start(200, 3, 120, sub);
        let want = reference(prog, &s);
        assert!(want.calls > 1000, "the test nests deeply: {want:?}");
        // No bridges: every guard failure goes through the blackhole.
        let (got, st) = go("threshold=3,trace_eagerness=100000", prog, s.clone());
        assert_eq!(got, want, "program {prog}/{sub}: {st:?}");
        assert!(st.loops >= 1, "{st:?}");
        assert!(
            st.nested_entries > 100,
            "inner levels entered compiled code while an outer level's was running: {st:?}"
        );
        assert!(st.guard_failures > 0, "{st:?}");
        // With bridges, at every level.
        let (got, st) = go("threshold=3,trace_eagerness=2", prog, s.clone());
        assert_eq!(got, want, "program {prog}/{sub} with bridges: {st:?}");
        assert!(st.bridges >= 1, "{st:?}");
        assert!(st.nested_entries > 100, "{st:?}");
    }
}

#[test]
fn inner_levels_trace_while_the_outer_level_is_tracing() {
    let _g = serial();
    // Threshold 2: the top level records its iteration 2. `CALL` runs the portal from that
    // iteration on (`arm`), so the first inner portal call happens inside the recording (the
    // tracer performs the residual call), and its loop of 30+ iterations gets hot, is traced
    // and compiled there; the outer recording goes on and closes its own loop.
    let mut s = start(40, 1, 30, 1);
    s.arm = 2;
    s.inner_n = 30;
    let want = reference(0, &s);
    for spec in [
        "threshold=2,trace_eagerness=3",
        "threshold=2,trace_eagerness=1,fail_guards_random=5",
    ] {
        let (got, st) = go(spec, 0, s.clone());
        assert_eq!(got, want, "{spec}: {st:?}");
        assert!(
            st.nested_traces >= 1,
            "{spec}: a trace was recorded while another recording was active: {st:?}"
        );
        assert_eq!(st.loops, 2, "{spec}: {st:?}");
        assert!(st.nested_entries > 30, "{spec}: {st:?}");
    }
    // Same program at both levels: the inner call meets the key the outer level is recording
    // and does not start a second recording of it; it runs that loop's code once compiled.
    let mut s = start(40, 1, 30, 0);
    s.arm = 2;
    s.inner_n = 30;
    let want = reference(0, &s);
    let (got, st) = go("threshold=2,trace_eagerness=3", 0, s);
    assert_eq!(got, want, "{st:?}");
    assert_eq!(st.nested_traces, 0, "{st:?}");
    assert_eq!(st.loops, 1, "{st:?}");
    assert!(st.nested_entries > 30, "{st:?}");
}

#[test]
fn inner_levels_fail_guards_and_bridge() {
    let _g = serial();
    for (prog, sub) in [(0, 0), (1, 2)] {
        let s = start(150, 3, 60, sub);
        let want = reference(prog, &s);
        // (`true`: compiled code gets as far as `CALL`, so inner levels enter compiled code
        // from it; when the first guard always fails, the interpreter makes the nested calls)
        for (spec, reaches_call) in [
            ("threshold=1,fail_guards=1", false),
            ("threshold=3,fail_guards=1", false),
            ("threshold=2,trace_eagerness=1,fail_guards_random=7", true),
            (
                "threshold=2,trace_eagerness=1,fail_guards_random=12345",
                true,
            ),
            ("threshold=2,trace_eagerness=1,fail_guard=0", false),
            ("threshold=2,trace_eagerness=1,fail_guard=1", true),
            ("threshold=2,trace_eagerness=1000,fail_guard=1", true),
        ] {
            let (got, st) = go(spec, prog, s.clone());
            assert_eq!(got, want, "program {prog}/{sub} with {spec}: {st:?}");
            assert!(st.guard_failures > 0, "{spec}: {st:?}");
            if reaches_call {
                assert!(st.nested_entries > 0, "{spec}: {st:?}");
            }
        }
        // Forced failures everywhere but no bridges; with the others, bridges at inner levels.
        let spec = "fail_guard=none,threshold=2,trace_eagerness=1,fail_guards_random=99";
        let (_, st) = go(spec, prog, s.clone());
        assert!(st.bridges >= 2, "{st:?}");
    }
}

/// Runs `f`, expecting a panic; returns its message.
fn panic_message(f: impl FnOnce()) -> String {
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    let p = r.expect_err("expected a panic");
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

/// Runs `prog` from `panicking` (which must panic with `msg`), then, in the same JIT state,
/// from `after`, whose result must equal the interpreter's and which must enter compiled
/// code again. Returns the stats after the panic and after the second run.
fn panic_then_run(
    spec: &str,
    prog: usize,
    mut panicking: State,
    msg: &str,
    after: State,
) -> (metatracer::jit::JitStats, metatracer::jit::JitStats) {
    let want = reference(prog, &after);
    metatracer::jit::reset();
    params(spec);
    let got = panic_message(|| run(&programs()[prog], &mut panicking));
    assert_eq!(got, msg, "{spec}");
    let st = metatracer::jit::stats();
    assert!(st.loops >= 1 && st.entries >= 1, "{spec}: {st:?}");
    // The JIT still works: the same loop runs compiled code again, to the interpreter's result.
    let mut got = after;
    run(&programs()[prog], &mut got);
    let st2 = metatracer::jit::stats();
    assert_eq!(got, want, "{spec}: {st2:?}");
    assert!(st2.entries > st.entries, "{spec}: {st2:?}");
    // No activity is left counted (`reset` refuses while one is).
    metatracer::jit::reset();
    (st, st2)
}

#[test]
fn a_panic_in_a_residual_call_reaches_the_portal_caller() {
    let _g = serial();
    for spec in [
        "threshold=3",
        "threshold=2,trace_eagerness=1",
        "threshold=3,fail_guards=1",
    ] {
        // Top level, no nesting: the loop is compiled by iteration 3, the panic at 50 comes
        // out of machine code (with every guard failing, out of the blackhole).
        let mut s = start(100, 0, 90, 0);
        s.boom = 50;
        s.boom_level = 0;
        let (st, _) = panic_then_run(
            spec,
            0,
            s,
            "boom at level 0 iteration 50",
            start(100, 0, 30, 0),
        );
        let through_code = u64::from(!spec.contains("fail_guards"));
        assert_eq!(st.residual_panics, through_code, "{spec}: {st:?}");
    }
}

#[test]
fn a_panic_in_a_nested_portal_call_unwinds_through_every_level() {
    let _g = serial();
    for spec in [
        "threshold=3",
        "threshold=2,trace_eagerness=1",
        "threshold=2,fail_guards=1",
    ] {
        // Level 0 is the innermost. The top level (2) calls the portal from iteration 10 on,
        // from its compiled loop; level 1 runs the same program, so it enters the same
        // compiled loop and calls level 0 from it, which panics at its iteration 5, in its
        // own compiled code: the panic leaves three activations of machine code.
        let mut s = start(100, 2, 90, 0);
        s.arm = 10;
        s.inner_flip = 100; // (no level leaves its compiled loop at `FLIP` before the panic)
        s.boom = 5;
        s.boom_level = 0;
        let (st, st2) = panic_then_run(
            spec,
            0,
            s,
            "boom at level 0 iteration 5",
            start(120, 2, 50, 0),
        );
        if !spec.contains("fail_guards") {
            assert_eq!(st.residual_panics, 3, "{spec}: {st:?}");
            assert!(st2.nested_entries > st.nested_entries, "{spec}: {st2:?}");
        }
    }
}

#[test]
fn a_panic_during_an_outer_recording_leaves_the_jit_usable() {
    let _g = serial();
    for spec in ["threshold=2", "threshold=2,trace_eagerness=1"] {
        // The top level records its iteration 2, whose `CALL` (performed by the tracer) runs
        // level 0, which panics at its iteration 5: the panic unwinds through the tracer.
        let mut s = start(40, 1, 30, 1);
        s.arm = 2;
        s.inner_n = 30;
        s.boom = 5;
        s.boom_level = 0;
        let mut after = start(40, 1, 30, 1);
        after.arm = 2;
        after.inner_n = 30;
        let (st, st2) = panic_then_run(spec, 0, s, "boom at level 0 iteration 5", after);
        // (level 0's loop was compiled before the panic, inside the recording)
        assert!(st.nested_traces >= 1, "{spec}: {st:?}");
        // The top level's key was released: it is traced and compiled on the second run.
        assert!(st2.loops > st.loops, "{spec}: {st2:?}");
    }
}

#[test]
fn reset_from_a_residual_call_is_refused() {
    let _g = serial();
    let reference = reference(0, &start(60, 1, 50, 0));
    metatracer::jit::reset();
    params("threshold=3");
    // Level 0 calls `jit::reset()` at its iteration 3, from a call of the top level's compiled
    // code: it panics instead of freeing that code.
    let mut s = start(60, 1, 50, 0);
    s.arm = 10;
    s.inner_flip = 100;
    s.boom = 3;
    s.boom_level = 0;
    s.reset = true;
    let msg = panic_message(|| run(&programs()[0], &mut s));
    assert!(
        msg.contains("jit::reset() called while compiled code or the tracer is running"),
        "{msg}"
    );
    let st = metatracer::jit::stats();
    assert_eq!(st.residual_panics, 2, "{st:?}");
    // The compiled code survived and runs again.
    let mut got = start(60, 1, 50, 0);
    run(&programs()[0], &mut got);
    assert_eq!(got, reference);
    let st2 = metatracer::jit::stats();
    assert!(st2.entries > st.entries && st2.loops == st.loops, "{st2:?}");
    metatracer::jit::reset();
}

#[test]
fn a_chain_of_sixteen_levels_runs_compiled_code_on_each() {
    let _g = serial();
    // Every level runs 30+ iterations and calls the next level once, at iteration 5, from
    // its compiled loop (all levels run the same program: the same loop, re-entered 16
    // times); the deepest one panics in the second case.
    let chain = || {
        let mut s = start(40, 15, 100, 0);
        s.arm = 5;
        s.once = true;
        s.inner_n = 30;
        s.inner_flip = 100;
        s
    };
    let want = reference(0, &chain());
    assert_eq!(want.calls, 15);
    for spec in [
        "threshold=3",
        "threshold=2,trace_eagerness=1,fail_guards_random=3",
    ] {
        let (got, st) = go(spec, 0, chain());
        assert_eq!(got, want, "{spec}: {st:?}");
        assert!(st.nested_entries >= 15, "{spec}: {st:?}");
    }
    let mut boom = chain();
    boom.boom = 7;
    boom.boom_level = 0;
    let (st, _) = panic_then_run(
        "threshold=3",
        0,
        boom,
        "boom at level 0 iteration 7",
        chain(),
    );
    assert_eq!(st.residual_panics, 16, "{st:?}");
}
