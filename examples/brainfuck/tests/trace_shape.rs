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
    let (out, stats) = jit_run(&src, "threshold=5,enable_opts=all");
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
    // The recording has exactly two guards on the program: the tape bounds check and the `]`
    // test (the heap cache removes the repeated bounds checks of `-`). Peeled, the preamble
    // keeps both and the loop only the `]` test (the bounds check is on loop-invariant
    // values). Each half also starts with the interrupt check, which no pass removes.
    let (pre, lp) = peeled(&stats.loop_opt_traces[0]);
    assert_eq!(guards(&pre), 2, "preamble guards:\n{pre}");
    assert_eq!(guards(&lp), 1, "loop guards:\n{lp}");
    for half in [&pre, &lp] {
        let first = half.lines().find(|l| l.starts_with("guard_"));
        assert!(
            first.is_some_and(|l| l.starts_with("guard_not_interrupted()")),
            "the interrupt check first:\n{half}"
        );
    }
    assert_eq!(stats.loop_guards[0], 5);
    assert!(t.contains("store_i"), "the `-` writes the cell:\n{t}");
    // The cell address is computed once per iteration (the tracer CSEs casts and address
    // arithmetic), and the loop body stays short.
    assert!(
        t.lines().filter(|l| l.contains("cast_int_to_ptr")).count() <= 1,
        "one cell address:\n{t}"
    );
    let ops = t
        .lines()
        .filter(|l| !l.starts_with("debug_merge_point"))
        .count();
    assert!(ops <= 20, "short loop:\n{t}");
    // the guest positions of the loop, from `get_printable_location`
    assert!(t.contains("descr=\"pc "), "positions:\n{t}");
}

/// The preamble and the peeled loop of an optimized loop trace (split at its second label).
fn peeled(t: &str) -> (String, String) {
    let labels: Vec<usize> = t.match_indices("\nlabel(").map(|(i, _)| i + 1).collect();
    assert_eq!(labels.len(), 2, "a preamble and a peeled loop:\n{t}");
    (t[..labels[1]].to_string(), t[labels[1]..].to_string())
}

/// Guards of `t` other than the interrupt check (`guard_not_interrupted`, one at the top of
/// every loop: `metatracer::interrupt`).
fn guards(t: &str) -> usize {
    t.lines()
        .filter(|l| l.starts_with("guard_") && !l.starts_with("guard_not_interrupted"))
        .count()
}

#[test]
fn peeled_loops_carry_cells_in_registers() {
    let _serial = serial();
    // `[-]` and `[->+<]` store cells that the next iteration loads again: peeled, the loop
    // keeps them in registers (the values ride the back edge as extra label arguments), so
    // the loop loads nothing at all: the tape's pointer, position and length are loop
    // invariants too. Every iteration still stores (memory stays exact at every guard).
    for (src, out) in [
        (
            format!("{}[-]+++++++++++++++++++++++++++++++++.", "+".repeat(200)),
            b"!",
        ),
        (format!("{}[->+<]>.", "+".repeat(65)), b"A"),
    ] {
        let (got, stats) = jit_run(&src, "threshold=5,enable_opts=all");
        assert_eq!(&got, out, "{src}");
        assert_eq!(stats.loops, 1, "{stats:?}");
        let (pre, lp) = peeled(&stats.loop_opt_traces[0]);
        assert!(pre.contains("load_i"), "the preamble loads:\n{pre}");
        assert!(!lp.contains("load_"), "no load in the peeled loop:\n{lp}");
        assert!(lp.contains("store_i"), "the loop stores:\n{lp}");
        // the loop label takes more values than the trace's inputs: the carried cells
        let label_args = |t: &str| {
            let l = t.lines().find(|l| l.starts_with("label(")).unwrap();
            l.matches(", ").count()
        };
        assert!(label_args(&lp) > label_args(&pre), "{pre}{lp}");
        // without unroll the loop loads its cells every iteration
        let (again, plain) = jit_run(&src, "threshold=5,enable_opts=fold:cse:heap:intbounds:dce");
        assert_eq!(again, got);
        assert_eq!(plain.loop_opt_traces[0].matches("label(").count(), 1);
        assert!(plain.loop_opt_traces[0].contains("load_i"));
    }
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

#[test]
fn clear_loops_run_only_their_last_iteration() {
    let _serial = serial();
    // `[-]` counts its cell down to 0 and does nothing else: `intbounds` turns the
    // decrement's `(c + 255) & 255` into `c - 1` (the cell is in [1, 255] in the loop) and
    // `closedform` then runs only the loop's last iteration, whose guard fails with the cell
    // 0. Nested in counting loops (the bench's shape), each entry of `[-]` is one pass; the
    // output and the tape are the interpreter's.
    let src = format!(
        "{}>{}[>{}[>{}[-]<-]<-]<.>>>.",
        "+".repeat(66),
        "+".repeat(20),
        "+".repeat(30),
        "+".repeat(200)
    );
    metatracer::set_params("off").unwrap();
    let program = parse(&src).unwrap();
    let mut tape = Tape::new();
    run(&program, &mut tape);
    let reference = take_output();
    assert_eq!(reference, vec![66u8, 0]);
    let (got, stats) = jit_run(&src, "threshold=5,enable_opts=all");
    assert_eq!(got, reference);
    let clear = stats
        .loop_opt_traces
        .iter()
        .find(|t| {
            t.contains("Add(255)") && !t.contains("Move(") && t.matches("label(").count() == 2
        })
        .unwrap_or_else(|| panic!("no peeled `[-]` loop: {stats:?}"));
    let (_, lp) = peeled(clear);
    assert!(
        lp.contains("guard_true(0)"),
        "the loop exits at once:\n{lp}"
    );
    assert!(!lp.contains("int_add"), "no arithmetic left:\n{lp}");
    assert!(
        lp.contains("store_i(") && lp.contains(", 0, 0, descr=u8)"),
        "{lp}"
    );
    // without `closedform` the loop decrements (by `c - 1`, no mask) every iteration
    let (again, plain) = jit_run(
        &src,
        "threshold=5,enable_opts=unroll:fold:cse:heap:virtualize:cse:heap:intbounds:dce:wbarrier",
    );
    assert_eq!(again, reference);
    let clear = plain
        .loop_opt_traces
        .iter()
        .find(|t| {
            t.contains("Add(255)") && !t.contains("Move(") && t.matches("label(").count() == 2
        })
        .unwrap();
    let (_, lp) = peeled(clear);
    assert!(lp.contains("int_add(") && lp.contains(", -1)"), "{lp}");
    assert!(!lp.contains("int_and"), "{lp}");
}
