//! (An interpreter written for the test, with the public annotations only.)
//!
//! A bridge may leave the portal: when the guard that ends a compiled loop fails often enough,
//! the bridge traced from it runs the code after the loop up to the portal's `return`, and
//! ends in `finish`, which hands the return value to the driver. Before, such a bridge was
//! aborted ("the portal function returned while tracing") and every later exit deoptimized
//! through the blackhole. Checked: the results with the bridge equal the interpreter's, the
//! bridge is compiled and ends in `finish`, and later calls leave through it without guard
//! exits to the blackhole; also with every guard failing and each guard failing in turn.

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

/// `acc += i * 3` for `i` in `0..n`, then `return acc * 2 + n` (the code after the loop is
/// what the bridge from the loop's exit guard traces, ending at the return).
#[jit_merge_point]
fn run(#[green] code: &Code, st: &mut St) -> i64 {
    #[green]
    let mut pc: usize = 0;
    loop {
        match code.ops[pc] {
            0 => {
                st.acc += st.i * 3;
                st.i += 1;
                pc = 1;
            }
            1 => {
                if st.i < st.n {
                    pc = 0;
                    metatracer::can_enter_jit!();
                    continue;
                }
                pc = 2;
            }
            _ => {
                return st.acc * 2 + st.n;
            }
        }
    }
}

static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs the program 60 times in one process (trip counts 40..100) and returns the results.
fn go(params: &str) -> (Vec<i64>, metatracer::jit::JitStats) {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    metatracer::jit::reset();
    metatracer::set_params(params).unwrap();
    let code = Code {
        ops: vec![0, 1, 2],
        id: metatracer::JitIdentity::new(),
    };
    let mut out = Vec::new();
    for k in 0..60 {
        let mut st = St {
            n: 40 + k,
            ..Default::default()
        };
        out.push(run(&code, &mut st));
        out.push(st.i);
    }
    (out, metatracer::jit::stats())
}

#[test]
fn a_bridge_that_leaves_the_portal_ends_in_finish() {
    let (reference, _) = go("off");
    let (jit, stats) = go("on,threshold=5,trace_eagerness=3");
    assert_eq!(jit, reference, "{stats:?}");
    assert!(stats.loops >= 1, "{stats:?}");
    assert!(stats.bridges >= 1, "{stats:?}");
    assert!(
        stats.bridge_traces.iter().any(|t| t.contains("finish")),
        "{:?}",
        stats.bridge_traces
    );
    assert!(
        !stats.aborts.iter().any(|a| a.contains("returned")),
        "{:?}",
        stats.aborts
    );
    // once the bridge exists, each run leaves through it: the exit guard failed only until
    // the bridge was made (trace_eagerness), not once per run
    assert!(stats.guard_failures < 20, "{stats:?}");
    let (jit, _) = go("on,threshold=5,fail_guards=1");
    assert_eq!(jit, reference);
    common::sweep_fail_guard(go, &reference, 2);
}
