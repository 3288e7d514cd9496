//! (An interpreter written for the test, with the public annotations only.)
//!
//! A loop whose body leaves the portal on every pass, as a generator's loop does when it
//! yields: the portal is called again and resumes after the "yield", runs to the backward
//! jump and around to the yield again. Tracing from the loop header reaches the portal's
//! `return` before the loop closes; the attempt aborts and is retried with the linear
//! back-off of every abort (compiling such a pass to end in `finish` was tried and measured
//! slower than interpreting it: pyguest's generators, 2.4x; see `tracer::PORTAL_RETURNED`).
//! Between attempts the jumps are granted by the skip table and do not reach the driver.
//! Checked: the results equal the interpreter's, nothing is compiled, every abort is this
//! one, and the attempts grow like the square root of the passes (linear back-off), not
//! like the passes.

use metatracer::{jit_merge_point, Layout};

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

/// A suspended "generator": where it resumes, its loop variable, bound and running total.
#[derive(Layout, Default, Debug, PartialEq, Clone)]
struct Gen {
    resume: i64,
    i: i64,
    n: i64,
    acc: i64,
}

/// The generator body `while i < n: acc += i * i; yield acc; i += 1` (then -1 when done),
/// resumed at `g.resume`.
#[jit_merge_point]
fn resume(#[green] code: &Code, start: usize, g: &mut Gen) -> i64 {
    #[green]
    let mut pc: usize = start;
    loop {
        match code.ops[pc] {
            0 => {
                // the loop header: test
                if g.i < g.n {
                    pc = 1;
                } else {
                    pc = 3;
                }
            }
            1 => {
                // body, then yield (leave the portal, resume at 2)
                g.acc += g.i * g.i;
                g.resume = 2;
                return g.acc;
            }
            2 => {
                // after the yield: step, jump back
                g.i += 1;
                pc = 0;
                metatracer::can_enter_jit!();
                continue;
            }
            _ => {
                g.resume = 3;
                return -1;
            }
        }
    }
}

static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Drains 30 generators (lengths 50..80) in one process; returns every value they yield.
fn go(params: &str) -> (Vec<i64>, metatracer::jit::JitStats) {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    metatracer::jit::reset();
    metatracer::set_params(params).unwrap();
    let code = Code {
        ops: vec![0, 1, 2, 3],
        id: metatracer::JitIdentity::new(),
    };
    let mut out = Vec::new();
    for k in 0..30 {
        let mut g = Gen {
            n: 50 + k,
            ..Default::default()
        };
        loop {
            let start = g.resume as usize;
            let v = resume(&code, start, &mut g);
            out.push(v);
            if v < 0 {
                break;
            }
        }
    }
    (out, metatracer::jit::stats())
}

#[test]
fn a_loop_that_leaves_the_portal_on_every_pass_is_retried_with_back_off() {
    let (reference, _) = go("off");
    assert_eq!(reference.len(), (50..80).map(|n| n + 1).sum::<usize>());
    for params in [
        "on,threshold=5",
        "on,threshold=5,fail_guards=1",
        "on,threshold=1",
    ] {
        let (jit, stats) = go(params);
        assert_eq!(jit, reference, "{params}: {stats:?}");
        assert_eq!(stats.loops, 0, "{params}: {stats:?}");
        assert!(
            stats
                .aborts
                .iter()
                .all(|a| a == "the portal function returned while tracing"),
            "{params}: {:?}",
            stats.aborts
        );
        // (about 2,000 passes: attempt k comes k * threshold jumps after attempt k - 1)
        let (lo, hi) = if params.contains("threshold=1") {
            (30, 80)
        } else {
            (10, 40)
        };
        let n = stats.aborts.len();
        assert!(lo <= n && n <= hi, "{params}: {n} attempts");
    }
}
