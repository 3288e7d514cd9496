//! End-to-end tests that look at the traces the JIT produced for Brainfuck loops.
//!
//! The JIT parameters (`set_params`) are process-wide and the tests of one file run on
//! parallel threads, so every test holds `SERIAL` while it sets parameters and runs: one test
//! switching the JIT off under another made `inner_loop_is_compiled_without_dispatch` fail now
//! and then on a loaded machine.

use brainfuck::{parse, run, take_output, Tape};

/// Serializes the tests of this file (see the module comment).
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

fn jit_run(src: &str, params: &str) -> (Vec<u8>, metatracer::jit::JitStats) {
    metatracer::jit::reset();
    metatracer::set_params(&format!("on,{params}")).unwrap();
    let program = parse(src).unwrap();
    let mut tape = Tape::new();
    run(&program, &mut tape);
    (take_output(), metatracer::jit::stats())
}

#[test]
fn inner_loop_is_compiled_without_dispatch() {
    let _serial = serial();
    // cell0 = 200, then `[-]` counts it down: one hot loop.
    let src = format!("{}[-]+++++++++++++++++++++++++++++++++.", "+".repeat(200));
    let (out, stats) = jit_run(&src, "threshold=5");
    assert_eq!(out, b"!");
    assert_eq!(stats.loops, 1, "one loop compiled: {stats:?}");
    let t = &stats.loop_traces[0];
    // The opcode dispatch (match on program.ops[pc]) folded away: the program and pc are
    // green, so no residual calls and no guard on an opcode value remain.
    assert!(!t.contains("call"), "no calls in the loop:\n{t}");
    assert!(
        !t.contains("guard_value"),
        "no dispatch guard in the loop:\n{t}"
    );
    // Exactly two guards: the tape bounds check and the `]` test (the heap cache removes the
    // repeated bounds checks of `-`).
    assert_eq!(stats.loop_guards[0], 2, "guards:\n{t}");
    assert!(t.contains("store_i"), "the `-` writes the cell:\n{t}");
    // The cell address is computed once per iteration (the tracer CSEs casts and address
    // arithmetic), and the loop body stays short.
    assert!(
        t.lines().filter(|l| l.contains("cast_int_to_ptr")).count() <= 1,
        "one cell address:\n{t}"
    );
    assert!(t.lines().count() <= 20, "short loop:\n{t}");
}

#[test]
fn nested_loops_get_bridges_and_agree() {
    let _serial = serial();
    let src = "++++++++[>++++++++[>++++<-]<-]>>+.";
    metatracer::set_params("off").unwrap();
    let program = parse(src).unwrap();
    let mut tape = Tape::new();
    run(&program, &mut tape);
    let reference = take_output();
    let (out, stats) = jit_run(src, "threshold=2,trace_eagerness=1");
    assert_eq!(out, reference);
    assert!(stats.loops >= 1, "{stats:?}");
    assert!(
        stats.bridges >= 1,
        "a guard that fails often gets a bridge: {stats:?}"
    );
}

#[test]
fn forced_guard_failures_still_agree() {
    let _serial = serial();
    let src = format!("{}[>+++<-]>.", "+".repeat(30));
    let (out, stats) = jit_run(&src, "threshold=2,fail_guards=1");
    assert_eq!(out, vec![90u8]);
    assert!(stats.guard_failures > 0, "{stats:?}");
}
