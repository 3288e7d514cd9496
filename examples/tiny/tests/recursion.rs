//! Recursion on the JIT: Tiny calls `can_enter_jit!()` at function entry, so a recursive
//! function (no backward jump of its own) gets a function-entry trace. Tiny keeps its frames
//! in memory (`Machine::frames` and the value slots), so the trace of a call that reaches the
//! entry of the same function again simply closes there: the frame record is stored, and the
//! loop "descends" one level per iteration. A return loads the caller's function and pc from
//! the frame record and promotes them (a `guard_value` on the return address), so each call
//! site a return goes back to becomes a bridge, and the whole recursion runs in compiled code.
//!
//! These tests assert that such traces exist and carry the work (few exits to the driver for
//! many calls), and that the results equal the interpreter's, also when guards fail deep
//! inside the recursion and in every `fail_guard=N` run.

mod common;

use metatracer::jit::JitStats;

/// The JIT's parameters are process-wide: tests that set them run one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs `src` with JIT parameters `jit`; main's result and the JIT's statistics.
fn run(src: &str, jit: &str) -> (i64, JitStats) {
    metatracer::jit::reset();
    metatracer::set_params(jit).unwrap();
    let program = tiny::compile(src).unwrap();
    let mut slots = tiny::new_slots();
    let mut m = tiny::Machine::new(&mut slots);
    let r = tiny::run(&program, &mut m);
    let stats = metatracer::jit::stats();
    metatracer::set_params("on,threshold=1000,fail_guards=0,fail_guard=-1").ok();
    (r, stats)
}

/// The first position of a trace (its first `debug_merge_point`'s text).
fn start_of(trace: &str) -> &str {
    trace
        .lines()
        .find(|l| l.starts_with("debug_merge_point"))
        .and_then(|l| l.split("descr=\"").nth(1))
        .unwrap_or("")
}

const FIB: &str = "fn fib(n) {\n    if n < 2 {\n        return n;\n    }\n    return fib(n - 1) + fib(n - 2);\n}\nreturn fib(20);\n";

#[test]
fn recursive_fib_gets_a_function_entry_trace_that_does_the_work() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let (off, _) = run(FIB, "off");
    assert_eq!(off, 6765);
    let (on, stats) = run(FIB, "on,threshold=20,trace_eagerness=5");
    assert_eq!(on, off);
    // The loop starts at fib's entry and closes there (`jump`, not an exit to another loop).
    let entry = stats
        .loop_opt_traces
        .iter()
        .find(|t| start_of(t).starts_with("fib pc 0"))
        .unwrap_or_else(|| panic!("no function-entry trace of fib: {stats:?}"));
    assert!(entry.contains("jump("), "{entry}");
    // Returns come back as bridges (one per return address at least).
    assert!(stats.bridges >= 2, "{stats:?}");
    // fib(20) makes 21891 calls; nearly all run in compiled code: the exits to the driver
    // (each followed by the blackhole up to the next merge point) are a small fraction.
    assert!(stats.guard_failures < 500, "{stats:?}");
    assert!(stats.aborts.is_empty(), "{:?}", stats.aborts);
}

#[test]
fn a_guard_failing_deep_inside_the_recursion_resumes_exactly() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    // Below depth `k` the result becomes a float: a type guard compiled for ints fails deep
    // down, after the trace has been running for many levels; then the compare `x < 1000`
    // sees a float. Main's result stays an integer.
    let src = "fn mixed(n, k) {\n    if n == 0 {\n        return 0;\n    }\n    if n < k {\n        return mixed(n - 1, k) + 0.5;\n    }\n    return mixed(n - 1, k) + 1;\n}\nfn count(n) {\n    if n == 0 {\n        return 0;\n    }\n    return count(n - 1) + 1;\n}\nlet s = 0;\nlet i = 0;\nwhile i < 60 {\n    let x = mixed(200, i);\n    if x < 1000 {\n        s = s + count(i) * 3;\n    }\n    s = s + i;\n    i = i + 1;\n}\nreturn s * 1000 + count(3000);\n";
    let (off, _) = run(src, "off");
    for jit in [
        "on,threshold=5",
        "on,threshold=1,trace_eagerness=1",
        "on,threshold=3,fail_guards=1",
        "on,threshold=3,trace_eagerness=2,fail_guards_random=7",
    ] {
        let (on, stats) = run(src, jit);
        assert_eq!(on, off, "{jit}: {stats:?}");
        if !jit.contains("fail_guards=1") {
            assert!(
                stats
                    .loop_opt_traces
                    .iter()
                    .any(|t| start_of(t).starts_with("mixed pc 0")),
                "{jit}: {stats:?}"
            );
        }
    }
    common::sweep_fail_guard(|jit| run(src, jit), &off, 5);
}

#[test]
fn mutual_recursion_and_a_pair_tree_walk_run_compiled() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let src = "fn even(n) {\n    if n == 0 {\n        return 1;\n    }\n    return odd(n - 1);\n}\nfn odd(n) {\n    if n == 0 {\n        return 0;\n    }\n    return even(n - 1);\n}\nfn tree(d) {\n    if d == 0 {\n        return 1;\n    }\n    return pair(tree(d - 1), tree(d - 1));\n}\nfn total(t, d) {\n    if d == 0 {\n        return t;\n    }\n    return total(t.0, d - 1) + total(t.1, d - 1);\n}\nlet t = tree(9);\nlet s = 0;\nlet k = 0;\nwhile k < 5 {\n    s = s + total(t, 9) + even(2001) * 7 + odd(1500);\n    k = k + 1;\n}\nreturn s;\n";
    let (off, _) = run(src, "off");
    // 2^9 leaves of 1 each; even(2001) and odd(1500) are both 0
    assert_eq!(off, 5 * 512);
    let (on, stats) = run(src, "on,threshold=10,trace_eagerness=3");
    assert_eq!(on, off);
    let starts: Vec<&str> = stats.loop_opt_traces.iter().map(|t| start_of(t)).collect();
    for f in ["tree pc 0", "total pc 0"] {
        assert!(starts.iter().any(|s| s.starts_with(f)), "{f}: {starts:?}");
    }
    assert!(
        starts
            .iter()
            .any(|s| s.starts_with("even pc 0") || s.starts_with("odd pc 0")),
        "{starts:?}"
    );
}

#[test]
fn recursion_too_deep_is_a_guest_error_with_the_jit_on() {
    let dir = std::env::temp_dir();
    let p = dir.join("tiny_deep_recursion.tiny");
    std::fs::write(
        &p,
        "fn down(n) {\n    return down(n + 1) + 1;\n}\nprint down(0);\n",
    )
    .unwrap();
    for jit in ["off", "on", "threshold=1", "threshold=1,fail_guards=1"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_tiny"))
            .args(["--jit", jit])
            .arg(&p)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{jit}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("recursion too deep"), "{jit}: {err}");
    }
}
