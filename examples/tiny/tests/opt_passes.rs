//! End-to-end: the optimizer's `cse`, `heap` and `intbounds` passes on Tiny's real loop
//! trace. The program runs with the JIT off, with the old pipeline (`fold:dce`) and with the
//! default one: the results must agree, one loop must be compiled, and the default pipeline
//! must leave fewer guards, among them fewer value-stack bounds checks (`sp + k < 50000`
//! implied by a later-checked larger `k` that the trace tested earlier).
//!
//! The JIT parameters are process-wide: the tests of this file run one at a time.

use metatracer::ir::Opcode;

static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The bench loop's shape (calls, `%`, a pair, floats), shorter.
const SRC: &str = "fn step(x, k) {\n    return (x * 7 + k) % 1000003;\n}\n\
fn norm(p) {\n    return p.0 * p.0 + p.1 * p.1;\n}\n\
let i = 0;\nlet acc = 0;\nlet f = 0.0;\n\
while i < 3000 {\n    acc = step(acc, i);\n    let p = pair(i % 10, 0.5);\n    f = f + norm(p) * 0.001;\n    i = i + 1;\n}\n\
return acc;\n";

fn run_with(params: &str) -> (i64, metatracer::jit::JitStats) {
    metatracer::jit::reset();
    metatracer::set_params(params).unwrap();
    let program = tiny::compile(SRC).unwrap();
    let mut slots = tiny::new_slots();
    let mut m = tiny::Machine::new(&mut slots);
    let r = tiny::run(&program, &mut m);
    (r, metatracer::jit::stats())
}

/// Ops with opcode `opc` in the part of `t` that repeats: after its last label (with
/// `unroll`, the peeled loop; the preamble before it runs once).
fn count(t: &metatracer::ir::Trace, opc: Opcode) -> usize {
    let lp = (0..t.len())
        .rfind(|&i| t.op(i).opcode == Opcode::Label)
        .unwrap_or(0);
    (lp..t.len()).filter(|&i| t.op(i).opcode == opc).count()
}

fn loop_guards(t: &metatracer::ir::Trace) -> usize {
    let lp = (0..t.len())
        .rfind(|&i| t.op(i).opcode == Opcode::Label)
        .unwrap_or(0);
    t.guards().iter().filter(|&&g| g > lp).count()
}

#[test]
fn default_pipeline_removes_implied_stack_checks() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let (reference, _) = run_with("off");
    let (old_r, old) = run_with("on,threshold=5,enable_opts=fold:dce");
    let (new_r, new) = run_with("on,threshold=5,enable_opts=all");
    assert_eq!(old_r, reference);
    assert_eq!(new_r, reference);
    assert_eq!(new.loops, 1, "{new:?}");
    assert!(new.entries > 0, "the loop ran: {new:?}");
    // (the default pipeline peels the loop: compare the part that repeats)
    let newt = metatracer::ir::parse(&new.loop_opt_traces[0]).unwrap();
    let oldt = metatracer::ir::parse(&old.loop_opt_traces[0]).unwrap();
    assert_eq!(old.loop_guards[0], oldt.guards().len());
    assert!(
        loop_guards(&newt) < loop_guards(&oldt),
        "default pipeline: {} guards per iteration, fold:dce: {}",
        loop_guards(&newt),
        loop_guards(&oldt)
    );
    let t = metatracer::ir::parse(&new.loop_traces[0]).unwrap();
    let o = metatracer::opt::optimize(&t, "all").unwrap();
    // (the trace text does not carry the tracer's alias classes, `MemDescr::class`: the
    // parsed trace may alias more, so it keeps at least the guards the JIT's own run kept)
    assert!(o.guards().len() >= new.loop_guards[0], "{o}");
    let before = metatracer::opt::optimize(&t, "fold:dce").unwrap();
    assert!(
        count(&o, Opcode::UintLt) < count(&before, Opcode::UintLt),
        "bounds checks left:\n{o}"
    );
}

#[test]
fn every_guard_failing_still_agrees_with_all_passes() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let (reference, _) = run_with("off");
    let (r, stats) = run_with("on,threshold=5,enable_opts=all,fail_guards=1");
    assert_eq!(r, reference);
    assert!(stats.guard_failures > 0, "{stats:?}");
}
