//! Mid-opcode deoptimization: a guard that fails *after* a store and *after* a residual call
//! in the same opcode handler must resume exactly there (the store and the call are not
//! repeated, the rest of the handler runs once).
//!
//! The interpreter here is written for the test, with the public annotations only.

use metatracer::{dont_look_inside, jit_merge_point, Layout};

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

#[derive(Layout, Default, Debug, PartialEq, Clone)]
struct State {
    acc: i64,
    calls: i64,
    big: i64,
    n: i64,
}

#[dont_look_inside]
fn bump(s: &mut State) -> i64 {
    s.calls += 1;
    s.calls
}

#[jit_merge_point]
fn run(#[green] code: &Code, s: &mut State) {
    #[green]
    let mut pc: usize = 0;
    while pc < code.ops.len() {
        match code.ops[pc] {
            0 => {
                s.acc += 1; // a store ...
                let c = bump(s); // ... a residual call ...
                if c > 40 {
                    // ... then a guard that starts failing at iteration 41
                    s.big += c;
                }
                if s.acc > 60 {
                    // a guard right after the store (and the call)
                    s.big += 1000;
                }
            }
            2 => {
                s.acc += 1; // two stores the trace holds back past the guard below ...
                s.big += 2;
                if s.acc > 60 {
                    // ... which fails from iteration 61: deopt performs them first
                    s.big += 1000;
                }
            }
            _ => {
                s.n -= 1;
                if s.n > 0 {
                    pc = 0;
                    metatracer::can_enter_jit!();
                    continue;
                }
            }
        }
        pc += 1;
    }
}

fn go(params: &str) -> (State, metatracer::jit::JitStats) {
    go_ops(params, vec![0, 1])
}

/// The JIT's parameters are process-wide: tests that set them run one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn go_ops(params: &str, ops: Vec<u8>) -> (State, metatracer::jit::JitStats) {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    metatracer::jit::reset();
    metatracer::set_params(&format!("on,{params}")).unwrap();
    let code = Code {
        ops,
        id: metatracer::JitIdentity::new(),
    };
    let mut s = State {
        n: 100,
        ..Default::default()
    };
    run(&code, &mut s);
    (s, metatracer::jit::stats())
}

#[test]
fn guard_after_store_and_call_resumes_exactly() {
    let (reference, _) = go("off");
    assert_eq!(reference.calls, 100);
    assert_eq!(reference.acc, 100);
    // Compile early; the guards on `c > 40` and `acc > 60` fail later, mid-opcode.
    let (jit, stats) = go("threshold=3,trace_eagerness=1000");
    assert_eq!(jit, reference, "stats: {stats:?}");
    assert!(stats.loops >= 1, "{stats:?}");
    assert!(stats.guard_failures >= 1, "{stats:?}");
    // With bridges the result is the same too.
    let (jit, stats) = go("threshold=3,trace_eagerness=2");
    assert_eq!(jit, reference);
    assert!(stats.bridges >= 1, "{stats:?}");
    // And when every guard fails.
    let (jit, _) = go("threshold=1,fail_guards=1");
    assert_eq!(jit, reference);
    // And when each guard fails in turn (kept in this test: the JIT on/off switch is global).
    every_guard_failing_in_turn(&reference);
}

/// Sweeps `fail_guard=N` over every guard index of every trace compiled (loops and bridges,
/// counted by `jit::stats`), with bridges (eagerness 2) and without (blackhole every time).
fn every_guard_failing_in_turn(reference: &State) {
    let most = |s: &metatracer::jit::JitStats| {
        s.loop_guards
            .iter()
            .chain(&s.bridge_guards)
            .copied()
            .max()
            .unwrap_or(0)
    };
    // (parameters persist between runs: turn `fail_guards` off again)
    let mut guards = most(&go("fail_guards=0,threshold=3,trace_eagerness=2").1);
    assert!(
        guards >= 3,
        "the loop has guards after the store and the call"
    );
    let (mut n, mut bridges) = (0, 0);
    while n < guards {
        for eagerness in [2, 100_000] {
            let spec = format!("threshold=3,trace_eagerness={eagerness},fail_guard={n}");
            let (jit, stats) = go(&spec);
            assert_eq!(&jit, reference, "with {spec}: {stats:?}");
            assert!(stats.guard_failures >= 1, "with {spec}: {stats:?}");
            guards = guards.max(most(&stats));
            bridges += stats.bridges;
        }
        n += 1;
    }
    assert!(bridges > 0, "forced failures made bridges");
}

#[test]
fn stores_held_back_past_a_guard_are_performed_on_deopt() {
    let ops = vec![2, 1];
    let (reference, _) = go_ops("off", ops.clone());
    assert_eq!(reference.acc, 100);
    let (jit, stats) = go_ops("threshold=3,trace_eagerness=1000", ops.clone());
    assert_eq!(jit, reference, "stats: {stats:?}");
    assert!(stats.guard_failures >= 1, "{stats:?}");
    // The loop stores `acc` and `big` once, at its end, after every guard: the guards carry
    // the pending stores in their snapshots (the PENDING_STORES frame, jitcode 4294967295).
    let t = &stats.loop_traces[0];
    let lines: Vec<&str> = t.lines().collect();
    let last_guard = lines.iter().rposition(|l| l.starts_with("guard_")).unwrap();
    let first_store = t.lines().position(|l| l.starts_with("store_")).unwrap();
    assert!(first_store > last_guard, "stores before a guard:\n{t}");
    assert!(
        t.contains("4294967295@0:"),
        "no pending stores in snapshots:\n{t}"
    );
    // Bridges start from such a snapshot: they perform the stores too.
    let (jit, stats) = go_ops("threshold=3,trace_eagerness=2", ops.clone());
    assert_eq!(jit, reference);
    assert!(stats.bridges >= 1, "{stats:?}");
    let (jit, _) = go_ops("threshold=1,fail_guards=1", ops);
    assert_eq!(jit, reference);
}
