//! The `#[jit_merge_point]` expansion (docs/jit-subset.md, "What the portal expands to"): the
//! dispatch loop runs in a nested function that hands control to the JIT by returning, and is
//! re-entered with the state the JIT hands back. These tests check what that must preserve:
//! statements before the loop run once per call however often the JIT takes over; `mut`
//! parameters and `let`s before the loop keep their values across the JIT; `return` inside
//! the loop and the statements after it give the function's result; and the JIT really ran.
//!
//! It lives in an example crate because the framework alone builds without the `jit` feature.

use metatracer::{jit_merge_point, Layout};

#[derive(Layout)]
struct Prog {
    ops: Vec<u8>,
    id: metatracer::JitIdentity,
}

impl metatracer::JitGreen for Prog {
    fn jit_identity(&self) -> &metatracer::JitIdentity {
        &self.id
    }
}

#[derive(Layout, Default, Debug, PartialEq, Clone)]
struct Env {
    prologue_runs: i64,
    after_loop: i64,
}

/// Op 0 adds `budget` to `acc` and decrements it; op 1 returns early once `budget` is below
/// `stop`; op 2 jumps back to the start while `budget` is positive.
#[jit_merge_point]
fn run(#[green] p: &Prog, e: &mut Env, mut budget: i64, stop: i64) -> i64 {
    e.prologue_runs += 1;
    #[green]
    let mut pc: usize = 0;
    let mut acc: i64 = 7;
    while pc < p.ops.len() {
        match p.ops[pc] {
            0 => {
                acc += budget * 3 + (acc & 5);
                budget -= 1;
            }
            1 => {
                if budget < stop {
                    return acc * 2 + 1;
                }
            }
            _ => {
                if budget > 0 {
                    pc = 0;
                    metatracer::can_enter_jit!();
                    continue;
                }
            }
        }
        pc += 1;
    }
    e.after_loop += 1;
    acc - budget
}

/// The JIT parameters are process-wide: the tests of this file run one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn go(params: &str, budget: i64, stop: i64) -> (i64, Env, metatracer::jit::JitStats) {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    metatracer::jit::reset();
    metatracer::set_params(params).unwrap();
    let p = Prog {
        ops: vec![0, 1, 0, 2],
        id: metatracer::JitIdentity::new(),
    };
    let mut e = Env::default();
    let r = run(&p, &mut e, budget, stop);
    (r, e, metatracer::jit::stats())
}

#[test]
fn loop_that_ends_normally_runs_the_prologue_once() {
    let (want, env_ref, _) = go("off", 5000, i64::MIN);
    assert_eq!(
        env_ref,
        Env {
            prologue_runs: 1,
            after_loop: 1
        }
    );
    for params in ["on,threshold=3", "on,threshold=3,fail_guards=1"] {
        let (got, env, stats) = go(params, 5000, i64::MIN);
        assert_eq!(got, want, "{params}: {stats:?}");
        assert_eq!(
            env, env_ref,
            "{params}: prologue or tail ran the wrong number of times"
        );
        assert!(stats.loops >= 1, "{params}: no loop compiled: {stats:?}");
    }
}

#[test]
fn return_inside_the_loop_gives_the_result() {
    let (want, env_ref, _) = go("off", 5000, 1200);
    assert_eq!(
        env_ref,
        Env {
            prologue_runs: 1,
            after_loop: 0
        }
    );
    for params in ["on,threshold=3", "on,threshold=3,fail_guards=1"] {
        let (got, env, stats) = go(params, 5000, 1200);
        assert_eq!(got, want, "{params}: {stats:?}");
        assert_eq!(env, env_ref, "{params}");
        assert!(stats.loops >= 1, "{params}: no loop compiled: {stats:?}");
    }
}
