//! (An interpreter written for the test, with the public annotations only.)
//!
//! RPython's call hints: `#[elidable]` calls with non-constant arguments are computed once
//! (CSE) and removed when their result is unused; `metatracer::record_known_result` tells the
//! trace the result of an elidable call, which a later call with the same arguments then
//! does not make; a `#[loop_invariant]` function is called once per trace and its result
//! reused. The loop must show exactly that (in the optimized trace), print what the
//! interpreter prints, and stay right with every guard failing and each guard failing in turn.

mod common;

use metatracer::jit::JitStats;
use metatracer::jitlog::{self, Section};
use metatracer::{dont_look_inside, elidable, jit_merge_point, loop_invariant, Layout};
use std::cell::Cell;

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

#[derive(Layout)]
struct State {
    n: i64,
    acc: i64,
}

thread_local! {
    /// Calls of `hash`, `third` and `context` actually made (by any executor).
    static CALLS: Cell<[u64; 3]> = const { Cell::new([0; 3]) };
}

fn count_call(i: usize) {
    CALLS.with(|c| {
        let mut v = c.get();
        v[i] += 1;
        c.set(v);
    });
}

/// A pure function (counting its calls is outside what the program observes).
#[elidable]
fn hash(x: i64) -> i64 {
    count_call(0);
    x.wrapping_mul(0x9e37_79b9).rotate_left(7)
}

#[elidable]
fn third(v: i64) -> i64 {
    count_call(1);
    v / 3
}

/// Opaque to the trace: its result is not a constant.
#[dont_look_inside]
fn times_three(n: i64) -> i64 {
    n * 3
}

/// The same for the whole loop (an interpreter's execution context, say).
#[loop_invariant]
fn context() -> i64 {
    count_call(2);
    5
}

#[jit_merge_point]
fn run(#[green] code: &Code, s: &mut State) {
    #[green]
    let mut pc: usize = 0;
    while pc < code.ops.len() {
        match code.ops[pc] {
            0 => {
                // one call left: the second is the first's value, the third is unused
                let h = hash(s.n);
                let _unused = hash(s.n + 1);
                s.acc = s.acc.wrapping_add(h).wrapping_add(hash(s.n));
            }
            1 => {
                let v = times_three(s.n);
                metatracer::record_known_result(s.n, third, (v,));
                s.acc += third(v);
            }
            2 => s.acc += context() + context(),
            3 => s.acc += context(),
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

/// The accumulator, the calls made, the stats and the optimized traces' log text.
fn go(params: &str) -> (i64, [u64; 3], JitStats, String) {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    metatracer::jit::reset();
    metatracer::set_params(params).unwrap();
    jitlog::capture(&[Section::Opt]);
    CALLS.with(|c| c.set([0; 3]));
    let code = Code {
        ops: vec![0, 1, 2, 3, 4],
        id: metatracer::JitIdentity::new(),
    };
    let mut s = State { n: 300, acc: 0 };
    run(&code, &mut s);
    let log = jitlog::take_captured();
    (s.acc, CALLS.with(Cell::get), metatracer::jit::stats(), log)
}

#[test]
fn elidable_known_result_and_loop_invariant_calls_in_the_loop() {
    let (reference, calls, _, _) = go("off");
    assert_eq!(calls, [900, 300, 900], "the interpreter makes every call");
    let (acc, calls, stats, log) = go("on,threshold=3,trace_eagerness=1000");
    assert_eq!(acc, reference, "{stats:?}");
    assert_eq!(stats.loops, 1, "{stats:?}");
    let t = &stats.loop_traces[0];
    // before optimization: every hash call is there (recorded as pure calls); the known
    // result took `third`'s place; `context` is called once
    assert_eq!(t.matches("\"hash\"").count(), 3, "{t}");
    assert!(
        !t.contains("third"),
        "record_known_result: no call of `third`:\n{t}"
    );
    assert_eq!(t.matches("\"context\"").count(), 1, "{t}");
    // after optimization: one hash call (CSE and dead-code removal) per iteration of the
    // loop (with loop peeling on, the loop is the part after the last `label`)
    let opt = log
        .split("jump(")
        .next()
        .expect("the optimized loop is logged");
    let opt = opt.rsplit("label(").next().unwrap_or(opt);
    assert_eq!(opt.matches("call_pure_i(").count(), 1, "{log}");
    assert_eq!(opt.matches("\"context\"").count(), 1, "{log}");
    // the compiled loop makes one call of `hash` and `context` per iteration, none of `third`
    // (the interpreter made three, one and three; the first iterations are interpreted)
    assert!(
        calls[0] <= 320 && calls[1] <= 20 && calls[2] <= 320,
        "{calls:?}"
    );
}

#[test]
fn every_guard_failing_and_each_in_turn() {
    let (reference, _, _, _) = go("off");
    for p in [
        "on,threshold=3,trace_eagerness=2",
        "on,threshold=1,fail_guards=1",
        "on,threshold=3,trace_eagerness=2,fail_guards_random=3",
    ] {
        let (acc, _, stats, _) = go(p);
        assert_eq!(acc, reference, "with {p}: {stats:?}");
    }
    common::sweep_fail_guard(
        |p| {
            let (acc, _, stats, _) = go(p);
            (acc, stats)
        },
        &reference,
        1,
    );
}
