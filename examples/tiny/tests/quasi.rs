//! (An interpreter written for the test, with the public annotations only.)
//!
//! Quasi-immutable fields (`metatracer::QuasiImmut`): a read from a constant object (a
//! promoted `Gc`, a field of the green program) is a constant in the trace, with no load and
//! no guard per read (one `guard_not_invalidated` per trace start and per residual call
//! before the next read). A write invalidates every trace that folded the field: from the
//! interpreter between portal calls, from a residual call while the trace runs, and from
//! compiled code itself (a traced `set` is a residual call). Each time the program must print
//! what the interpreter prints, and a new trace with the new constant must be made. Runs also
//! with every guard failing and with each guard failing in turn.

mod common;

use metatracer::gc::{self, Gc};
use metatracer::jit::JitStats;
use metatracer::{dont_look_inside, jit_merge_point, Layout, QuasiImmut, RegValue, Trace};

/// A value of two words (a tagged value, say) in a quasi-immutable cell.
#[derive(Clone, Copy, RegValue, Trace)]
struct Pair {
    tag: u64,
    val: i64,
}

#[derive(Layout, Trace)]
struct Class {
    factor: QuasiImmut<i64>,
}

#[derive(Layout)]
struct Code {
    ops: Vec<u8>,
    scale: QuasiImmut<i64>,
    global: QuasiImmut<Pair>,
    id: metatracer::JitIdentity,
}

impl metatracer::JitGreen for Code {
    fn jit_identity(&self) -> &metatracer::JitIdentity {
        &self.id
    }
}

#[derive(Layout)]
struct State {
    cls: Gc<Class>,
    n: i64,
    acc: i64,
    /// `op 1` (a residual call) changes the factor when `n` is this.
    bump_at: i64,
    /// `op 2` (traced code) changes the factor when `n` is this.
    set_at: i64,
}

/// A residual call that writes the quasi-immutable field while compiled code runs.
#[dont_look_inside]
fn bump(s: &mut State) {
    if s.n == s.bump_at {
        s.cls.factor.set(s.cls.factor.get() + 10);
    }
}

/// A residual call that runs the interpreter again (at `n == bump_at`) on another program,
/// which reads the same class's factor in a hot loop and bumps it from its own residual call
/// half-way: the outer loop's compiled code is suspended in this call meanwhile.
#[dont_look_inside]
fn nested(s: &mut State) {
    if s.n != s.bump_at {
        return;
    }
    let code = Code {
        ops: vec![0, 1, 3, 4],
        scale: QuasiImmut::new(2),
        global: QuasiImmut::new(Pair { tag: 0, val: 0 }),
        id: metatracer::JitIdentity::new(),
    };
    let mut inner = State {
        cls: s.cls,
        n: 50,
        acc: 0,
        bump_at: 25,
        set_at: -1,
    };
    run(&code, &mut inner);
    s.acc += inner.acc;
}

#[jit_merge_point]
fn run(#[green] code: &Code, s: &mut State) {
    #[green]
    let mut pc: usize = 0;
    while pc < code.ops.len() {
        let cls = metatracer::promote(s.cls);
        match code.ops[pc] {
            0 => s.acc += cls.factor.get() * code.scale.get(),
            1 => bump(s),
            // the same bits (no invalidation) except when `n == set_at`
            2 => cls
                .factor
                .set(cls.factor.get() + (s.n == s.set_at) as i64 * 5),
            3 => s.acc += cls.factor.get(),
            6 => nested(s),
            5 => {
                let g = code.global.get();
                s.acc += g.val - g.tag as i64;
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

static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Result of a run: per portal call, the accumulator and the final factor and scale.
type Out = Vec<(i64, i64, i64)>;

/// Runs `ops` twice (200 iterations each); between the two calls the interpreter sets the
/// scale to `rescale` (if any).
fn go(
    params: &str,
    ops: &[u8],
    bump_at: i64,
    set_at: i64,
    rescale: Option<i64>,
) -> (Out, JitStats) {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    metatracer::jit::reset();
    metatracer::set_params(params).unwrap();
    let code = Code {
        ops: ops.to_vec(),
        scale: QuasiImmut::new(3),
        global: QuasiImmut::new(Pair { tag: 1, val: 1001 }),
        id: metatracer::JitIdentity::new(),
    };
    let cls = gc::alloc(Class {
        factor: QuasiImmut::new(7),
    });
    let mut out = Vec::new();
    for round in 0..2 {
        if round == 1 {
            if let Some(k) = rescale {
                code.scale.set(k);
            }
        }
        let mut s = State {
            cls,
            n: 200,
            acc: 0,
            bump_at,
            set_at,
        };
        run(&code, &mut s);
        out.push((s.acc, cls.factor.get(), code.scale.get()));
    }
    (out, metatracer::jit::stats())
}

fn count(t: &str, what: &str) -> usize {
    t.matches(what).count()
}

#[test]
fn reads_from_constant_objects_fold_with_one_guard_per_trace() {
    let ops = [0, 3, 5, 4];
    let (reference, _) = go("off", &ops, -1, -1, None);
    assert_eq!(reference[0], (200 * (21 + 7 + 1000), 7, 3));
    let (out, stats) = go("on,threshold=3,trace_eagerness=1000", &ops, -1, -1, None);
    assert_eq!(out, reference, "{stats:?}");
    assert_eq!(stats.loops, 1, "{stats:?}");
    let t = &stats.loop_traces[0];
    // four reads (one of two words) of three cells: one guard, no load from a constant
    // object, the values folded
    assert_eq!(count(t, "guard_not_invalidated"), 1, "{t}");
    let const_loads: Vec<&str> = t
        .lines()
        .filter(|l| l.contains("= load_") && l.contains("(ptr("))
        .collect();
    assert!(const_loads.is_empty(), "{const_loads:?}\n{t}");
    // acc + factor * scale + factor + (val - tag): the tracer's linear forms make it
    // acc + 21 + 7 + 1000
    assert!(
        t.contains(", 21)") && t.contains(", 28)"),
        "reads folded:\n{t}"
    );
    assert!(t.contains(", 1028)"), "the two-word value folded:\n{t}");
    assert_eq!(stats.quasi_invalidations, 0);
}

#[test]
fn a_write_from_the_interpreter_between_runs_invalidates_and_retraces() {
    let ops = [0, 3, 4];
    let (reference, _) = go("off", &ops, -1, -1, Some(5));
    assert_eq!(reference[1], (200 * (35 + 7), 7, 5));
    let (out, stats) = go("on,threshold=3,trace_eagerness=1000", &ops, -1, -1, Some(5));
    assert_eq!(out, reference, "{stats:?}");
    assert_eq!(stats.quasi_invalidations, 1, "{stats:?}");
    assert_eq!(stats.traces_invalidated, 1, "{stats:?}");
    assert_eq!(
        stats.traces_freed, 1,
        "freed at once (nothing was running): {stats:?}"
    );
    assert_eq!(stats.loops, 2, "a new trace for the new scale: {stats:?}");
    assert!(
        stats.loop_traces[1].contains(", 35)"),
        "{}",
        stats.loop_traces[1]
    );
}

#[test]
fn a_write_from_a_residual_call_stops_the_running_trace() {
    // op 1 bumps the factor from a residual call at n == 100, while the loop's machine code
    // runs; op 3 reads it again after the call, in the same iteration.
    let ops = [0, 1, 3, 4];
    let (reference, _) = go("off", &ops, 100, -1, None);
    assert_eq!(reference[0].1, 17);
    let (out, stats) = go("on,threshold=3,trace_eagerness=1000", &ops, 100, -1, None);
    assert_eq!(out, reference, "{stats:?}");
    // (each of the two portal calls bumps once, each time invalidating the loop then running)
    assert_eq!(stats.quasi_invalidations, 2, "{stats:?}");
    assert_eq!(stats.traces_invalidated, 2, "{stats:?}");
    assert_eq!(stats.traces_freed, 2, "{stats:?}");
    assert_eq!(stats.loops, 3, "{stats:?}");
    // the first trace checks before its first read and again after the call
    assert_eq!(
        count(&stats.loop_traces[0], "guard_not_invalidated"),
        2,
        "{}",
        stats.loop_traces[0]
    );
    assert!(
        stats.loop_traces[1].contains(", 51)"),
        "17 * 3:\n{}",
        stats.loop_traces[1]
    );
    assert!(
        stats.loop_traces[2].contains(", 81)"),
        "27 * 3:\n{}",
        stats.loop_traces[2]
    );
    assert_eq!(
        stats.bridges, 0,
        "no bridge from guard_not_invalidated: {stats:?}"
    );
}

#[test]
fn a_write_from_compiled_code_invalidates_its_own_trace() {
    // op 2 is a traced `set`: a residual call in the trace, which writes new bits only at
    // n == 120 (the trace itself invalidates itself there).
    let ops = [0, 2, 3, 4];
    let (reference, _) = go("off", &ops, -1, 120, None);
    assert_eq!(reference[0].1, 12);
    let (out, stats) = go("on,threshold=3,trace_eagerness=1000", &ops, -1, 120, None);
    assert_eq!(out, reference, "{stats:?}");
    let t = &stats.loop_traces[0];
    assert!(
        t.contains("set_from_trace"),
        "the traced set is a call:\n{t}"
    );
    // (once per portal call: the trace writes new bits at n == 120 and stops itself)
    assert_eq!(stats.quasi_invalidations, 2, "{stats:?}");
    assert_eq!(stats.traces_invalidated, 2, "{stats:?}");
    assert_eq!(stats.loops, 3, "{stats:?}");
    assert!(
        stats.loop_traces[1].contains(", 36)"),
        "12 * 3:\n{}",
        stats.loop_traces[1]
    );
}

#[test]
fn every_guard_failing_and_each_in_turn() {
    for (ops, bump_at, set_at, rescale) in [
        (&[0u8, 3, 5, 4][..], -1, -1, Some(5)),
        (&[0, 1, 3, 4][..], 100, -1, None),
        (&[0, 2, 3, 4][..], -1, 120, Some(2)),
    ] {
        let (reference, _) = go("off", ops, bump_at, set_at, rescale);
        for p in [
            "on,threshold=3,trace_eagerness=2",
            "on,threshold=1,fail_guards=1",
            "on,threshold=3,trace_eagerness=2,fail_guards_random=7",
        ] {
            let (out, stats) = go(p, ops, bump_at, set_at, rescale);
            assert_eq!(out, reference, "{ops:?} with {p}: {stats:?}");
        }
        common::sweep_fail_guard(|p| go(p, ops, bump_at, set_at, rescale), &reference, 2);
    }
}

#[test]
fn a_write_while_the_loop_is_being_traced_keeps_the_trace_from_being_compiled() {
    // The residual call bumps the factor in one of the first iterations: for some `bump_at`,
    // in the very iteration the tracer records (after the trace folded the factor).
    let ops = [0, 1, 3, 4];
    let mut refused = 0;
    for bump_at in 190..=200 {
        let (reference, _) = go("off", &ops, bump_at, -1, None);
        let (out, stats) = go(
            "on,threshold=3,trace_eagerness=1000",
            &ops,
            bump_at,
            -1,
            None,
        );
        assert_eq!(out, reference, "bump at {bump_at}: {stats:?}");
        refused += stats
            .aborts
            .iter()
            .filter(|a| a.contains("quasi-immutable value the trace folded was written"))
            .count();
    }
    assert!(refused >= 1, "no recording saw its cell written");
}

#[test]
fn a_nested_portal_call_writes_the_cell_under_suspended_compiled_code() {
    let ops = [0, 6, 3, 4];
    let (reference, _) = go("off", &ops, 100, -1, None);
    for p in [
        "on,threshold=3,trace_eagerness=1000",
        "on,threshold=3,trace_eagerness=2",
        "on,threshold=1,fail_guards=1",
    ] {
        let (out, stats) = go(p, &ops, 100, -1, None);
        assert_eq!(out, reference, "with {p}: {stats:?}");
        if p.contains("1000") {
            assert!(stats.nested_entries >= 1, "{stats:?}");
            // per outer portal call: the inner bump, and the inner program's `scale` cell
            // (read by the inner traces) dropped at the end of the nested call
            assert_eq!(stats.quasi_invalidations, 4, "{stats:?}");
            // the outer loop and the inner one, each round
            assert!(stats.traces_invalidated >= 3, "{stats:?}");
        }
    }
}
