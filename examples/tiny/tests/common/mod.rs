//! Shared by Tiny's in-process JIT tests of the traced subset (`subset.rs`, `memory.rs`,
//! `methods.rs`, `regvalue.rs`): the sweep that makes each guard fail in turn.

use metatracer::jit::JitStats;
use std::fmt::Debug;

/// The most guards in one compiled trace (loop or bridge) of a run.
pub fn most_guards(s: &JitStats) -> usize {
    s.loop_guards
        .iter()
        .chain(&s.bridge_guards)
        .copied()
        .max()
        .unwrap_or(0)
}

/// Runs `go` with `fail_guard=N` for every guard index of every trace compiled, with bridges
/// (eagerness 2) and without (the blackhole every time); every result must equal `reference`.
/// The count of guards is taken from the runs themselves (forced failures compile bridges that
/// may have more), and the traces must have at least `min_guards`.
pub fn sweep_fail_guard<T: PartialEq + Debug>(
    go: impl Fn(&str) -> (T, JitStats),
    reference: &T,
    min_guards: usize,
) {
    // (parameters persist between runs: turn `fail_guards` off again)
    let mut guards = most_guards(&go("on,fail_guards=0,threshold=3,trace_eagerness=2").1);
    assert!(guards >= min_guards, "{guards} guards");
    let mut n = 0;
    while n < guards {
        for eagerness in [2, 100_000] {
            let spec = format!("on,threshold=3,trace_eagerness={eagerness},fail_guard={n}");
            let (jit, stats) = go(&spec);
            assert_eq!(&jit, reference, "with {spec}: {stats:?}");
            guards = guards.max(most_guards(&stats));
        }
        n += 1;
    }
}
