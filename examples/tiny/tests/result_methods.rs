//! (An interpreter written for the test, with the public annotations only.)
//!
//! `is_ok()` / `is_err()` on a `Result` (here `Result<(), u32>`, whose `Ok` carries no
//! word) and `is_some()` / `is_none()` on an `Option` in traced code: the mirror reads them as
//! `match`es on the value, so they trace like one. Before, `r.is_ok()` on a `Result<(), _>`
//! became a residual call of `Result::is_ok` with a void argument, which the trace verifier
//! rejected: every trace aborted and the loop never compiled.

mod common;

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

#[derive(Layout, Default)]
struct State {
    sum: i64,
    n: i64,
}

#[dont_look_inside]
fn step(s: &mut State) -> Result<(), u32> {
    if s.n % 3 == 0 {
        Err(7)
    } else {
        Ok(())
    }
}

#[dont_look_inside]
fn maybe(s: &mut State) -> Option<u32> {
    if s.n % 4 == 0 {
        None
    } else {
        Some(2)
    }
}

#[jit_merge_point]
fn run(#[green] code: &Code, s: &mut State) {
    #[green]
    let mut pc: usize = 0;
    while pc < code.ops.len() {
        match code.ops[pc] {
            0 => {
                let r = step(s);
                if r.is_ok() {
                    s.sum += 1;
                }
                if r.is_err() {
                    s.sum += 10;
                }
            }
            1 => {
                let m = maybe(s);
                if m.is_some() {
                    s.sum += 100;
                }
                if m.is_none() {
                    s.sum += 1000;
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

fn go(params: &str) -> (i64, metatracer::jit::JitStats) {
    metatracer::jit::reset();
    metatracer::set_params(params).unwrap();
    let code = Code {
        ops: vec![0, 1, 2],
        id: metatracer::JitIdentity::new(),
    };
    let mut s = State {
        n: 300,
        ..Default::default()
    };
    run(&code, &mut s);
    (s.sum, metatracer::jit::stats())
}

#[test]
fn result_and_option_tests_trace_like_matches() {
    let (reference, _) = go("off");
    let (sum, stats) = go("on,threshold=5");
    assert_eq!(sum, reference, "{stats:?}");
    assert!(
        stats.loops >= 1,
        "no loop compiled: {}",
        stats.aborts.first().map_or("", |a| &a[..a.len().min(400)])
    );
    assert!(stats.aborts.is_empty(), "{:?}", stats.aborts);
    let t = &stats.loop_traces[0];
    assert!(
        !t.contains("is_ok") && !t.contains("is_err") && !t.contains("is_some"),
        "the tests should not be calls:\n{t}"
    );
    let (sum, _) = go("on,threshold=5,trace_eagerness=2");
    assert_eq!(sum, reference);
    let (sum, _) = go("on,threshold=1,fail_guards=1");
    assert_eq!(sum, reference);
    common::sweep_fail_guard(go, &reference, 2);
}
