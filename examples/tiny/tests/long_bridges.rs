//! (An interpreter written for the test, with the public annotations only.)
//!
//! A bridge longer than the `bridge_limit` parameter stops at the next guest instruction
//! boundary and leaves to the interpreter there (a guard that always fails, whose snapshot is
//! the interpreter's state at that merge point); once that exit is hot it gets a bridge of its
//! own, which continues the path. So a side path longer than `trace_limit` runs compiled, as a
//! chain of bridges, where it used to abort ("trace too long") and send every later failure of
//! its guard through the blackhole into the interpreter. Checked: results equal the
//! interpreter's; with the limit the bridges are cut, chained, and the guard exits stop once
//! the chain is built; without it the same run aborts and keeps exiting; also with every guard
//! failing and each guard failing in turn.

mod common;

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

#[derive(Layout, Default, Debug, PartialEq, Clone)]
struct St {
    i: i64,
    n: i64,
    acc: i64,
}

/// For `i` in `0..n`: even `i` add `i` to `acc` (one instruction), odd `i` run the long path
/// (one instruction per step, each `acc = (acc * 3 + pc) & 0xfffff`); then return `acc`.
#[jit_merge_point]
fn run(#[green] code: &Code, st: &mut St) -> i64 {
    #[green]
    let mut pc: usize = 0;
    loop {
        match code.ops[pc] {
            0 => {
                if st.i & 1 == 1 {
                    pc = 2;
                } else {
                    pc = 1;
                }
            }
            1 => {
                st.acc += st.i;
                pc = code.ops.len() - 1;
            }
            2 => {
                st.acc = (st.acc * 3 + pc as i64) & 0xfffff;
                pc += 1;
            }
            _ => {
                st.i += 1;
                if st.i < st.n {
                    pc = 0;
                    metatracer::can_enter_jit!();
                    continue;
                }
                return st.acc;
            }
        }
    }
}

static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs the program (a long path of 40 steps) 3 times with 400 iterations each; the results.
fn go(params: &str) -> (Vec<i64>, metatracer::jit::JitStats) {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    metatracer::jit::reset();
    metatracer::set_params(params).unwrap();
    let mut ops = vec![0, 1];
    ops.extend([2; 40]);
    ops.push(3);
    let code = Code {
        ops,
        id: metatracer::JitIdentity::new(),
    };
    let mut out = Vec::new();
    for k in 0..3 {
        let mut st = St {
            n: 400 + k,
            ..Default::default()
        };
        out.push(run(&code, &mut st));
        out.push(st.i);
    }
    (out, metatracer::jit::stats())
}

#[test]
fn a_long_bridge_is_cut_at_a_guest_instruction_and_continued_by_another() {
    let (reference, _) = go("off");
    // the long path records far more than 60 ops: without a cut its bridge aborts
    let (jit, aborted) = go("on,threshold=5,trace_eagerness=3,trace_limit=60,bridge_limit=0");
    assert_eq!(jit, reference, "{aborted:?}");
    assert!(
        aborted.aborts.iter().any(|a| a == "trace too long"),
        "{aborted:?}"
    );
    assert_eq!(aborted.bridges_cut, 0);
    // ... and every odd iteration leaves compiled code for the interpreter
    assert!(aborted.guard_failures > 500, "{aborted:?}");

    let (jit, cut) = go("on,threshold=5,trace_eagerness=3,trace_limit=60,bridge_limit=30");
    assert_eq!(jit, reference, "{cut:?}");
    assert!(cut.bridges_cut >= 2, "a chain of cut bridges: {cut:?}");
    assert!(
        cut.bridges > cut.bridges_cut,
        "the last link reaches the loop: {cut:?}"
    );
    // (the loop itself may still abort when traced on an odd iteration, then retries; the
    // long path's bridges no longer do)
    let too_long =
        |s: &metatracer::jit::JitStats| s.aborts.iter().filter(|a| *a == "trace too long").count();
    assert!(too_long(&cut) < too_long(&aborted), "{cut:?}");
    // a cut bridge ends in a guard on a constant false and a `finish` that is never reached
    assert!(
        cut.bridge_traces
            .iter()
            .any(|t| t.contains("guard_true(0)") && t.trim_end().ends_with("finish()")),
        "{:?}",
        cut.bridge_traces
    );
    // once the chain is built the long path runs compiled: exits only while it was growing
    assert!(
        cut.guard_failures * 4 < aborted.guard_failures,
        "cut: {} exits, aborted: {}",
        cut.guard_failures,
        aborted.guard_failures
    );

    let (jit, _) = go("on,threshold=5,bridge_limit=30,fail_guards=1");
    assert_eq!(jit, reference);
    common::sweep_fail_guard(|p| go(&format!("{p},bridge_limit=30")), &reference, 2);
}
