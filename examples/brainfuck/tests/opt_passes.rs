//! End-to-end: the optimizer's `cse`, `heap` and `intbounds` passes on Brainfuck's real
//! traces. The same program runs with the JIT off, with the old pipeline (`fold:dce`) and with
//! the default one; outputs must agree, the JIT must have compiled bridges, and the default
//! pipeline must leave fewer guards, in particular no unsigned tape check that a signed one
//! (`pos - 1 >= 0`, `pos - 1 < len`) already implies.
//!
//! The JIT parameters are process-wide: the tests of this file run one at a time.

use brainfuck::{parse, run, take_output, Tape};
use metatracer::ir::Opcode;

static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// `>` and `<` in the inner loop give bridges that move the head both ways.
const NESTED: &str = "++++++++[>++++++++[>++++<-]<-]>>+.";

fn run_with(params: &str) -> (Vec<u8>, metatracer::jit::JitStats) {
    metatracer::jit::reset();
    metatracer::set_params(params).unwrap();
    let program = parse(NESTED).unwrap();
    let mut tape = Tape::new();
    run(&program, &mut tape);
    (take_output(), metatracer::jit::stats())
}

fn count(t: &metatracer::ir::Trace, opc: Opcode) -> usize {
    (0..t.len()).filter(|&i| t.op(i).opcode == opc).count()
}

#[test]
fn default_pipeline_removes_implied_tape_checks_from_bridges() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let (reference, _) = run_with("off");
    let jit = "on,threshold=2,trace_eagerness=1";
    let (old_out, old) = run_with(&format!("{jit},enable_opts=fold:dce"));
    let (new_out, new) = run_with(&format!("{jit},enable_opts=all"));
    assert_eq!(old_out, reference);
    assert_eq!(new_out, reference);
    assert!(new.bridges >= 1, "{new:?}");
    assert_eq!(
        (old.loops, old.bridges),
        (new.loops, new.bridges),
        "same traces recorded"
    );
    let guards = |s: &metatracer::jit::JitStats| {
        s.loop_guards.iter().sum::<usize>() + s.bridge_guards.iter().sum::<usize>()
    };
    assert!(
        guards(&new) < guards(&old),
        "default pipeline: {} guards, fold:dce: {}",
        guards(&new),
        guards(&old)
    );
    // What the driver compiled (the recorded bridge, with a copy of its loop's preamble
    // when it jumps to a peeled loop: `short_preamble_limit`).
    let mut unsigned_left = 0;
    let mut unsigned_before = 0;
    for ((text, opt), &g) in new
        .bridge_traces
        .iter()
        .zip(&new.bridge_opt_traces)
        .zip(&new.bridge_guards)
    {
        let t = metatracer::ir::parse(text).unwrap();
        let o = metatracer::ir::parse(opt).unwrap();
        assert_eq!(o.guards().len(), g, "{o}");
        unsigned_before += count(&t, Opcode::UintLt);
        unsigned_left += count(&o, Opcode::UintLt);
    }
    assert!(unsigned_before > 0, "the bridges have tape checks");
    assert_eq!(
        unsigned_left, 0,
        "every uint_lt tape check in a bridge is implied"
    );
}

#[test]
fn every_guard_failing_still_agrees_with_all_passes() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let (reference, _) = run_with("off");
    let (out, stats) = run_with("on,threshold=2,trace_eagerness=1,enable_opts=all,fail_guards=1");
    assert_eq!(out, reference);
    assert!(stats.guard_failures > 0, "{stats:?}");
}
