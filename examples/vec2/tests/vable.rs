//! The virtualizable frame, seen through Vec2's traces: a loop that only touches the frame
//! keeps the stack pointer and the slots in registers (no load, store or call left in the
//! peeled loop), the frame in memory is exactly the interpreter's whenever compiled code
//! hands control back (guard failures, forced ones, bridges, each guard failing in turn),
//! and a residual call in the loop makes the trace write the frame back before it.

use vec2::{compile, execute, Frame, Value};

/// The JIT's parameters are process-wide: tests that set them run one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs `src` with the JIT parameters `spec`; the frame afterwards and the JIT's counters.
fn run(src: &str, spec: &str) -> (Vec<Value>, usize, metatracer::jit::JitStats) {
    metatracer::jit::reset();
    metatracer::set_params(spec).unwrap();
    let code = compile(src).unwrap();
    let mut frame = Frame::new(&code);
    execute(&code, &mut frame).unwrap();
    let stats = metatracer::jit::stats();
    metatracer::set_params("off").unwrap();
    (frame.slots, frame.sp, stats)
}

/// The peeled loop of an optimized loop trace (after its second `label`), without markers.
fn peeled_loop(t: &str) -> Vec<&str> {
    let start = t
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("label("))
        .nth(1)
        .map(|(i, _)| i)
        .unwrap_or_else(|| panic!("not peeled:\n{t}"));
    t.lines()
        .skip(start)
        .filter(|l| !l.starts_with("debug_merge_point"))
        .collect()
}

const ORBIT: &str = "
let p = vec(1.0, 0.0)
let v = vec(0.0, 1.0)
let dt = 0.001
let i = 0
while i < 2000 {
    let a = -p * (1.0 / (p * p))
    v = v + a * dt
    p = p + v * dt
    i = i + 1
}
";

#[test]
fn a_loop_over_the_frame_keeps_it_in_registers() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let (reference, sp_ref, _) = run(ORBIT, "off");
    let (slots, sp, stats) = run(ORBIT, "on,threshold=5,enable_opts=all");
    assert_eq!(stats.loops, 1, "{stats:?}");
    assert_eq!((slots, sp), (reference, sp_ref), "frame after the run");
    let t = &stats.loop_opt_traces[0];
    let body = peeled_loop(t);
    for l in &body {
        assert!(
            !l.contains("load_") && !l.contains("store_") && !l.contains("call_"),
            "the loop touches memory: {l}\n{t}"
        );
    }
    // The arithmetic is there, on registers: the loop is the guest's float math.
    assert!(
        body.iter().filter(|l| l.contains("float_mul")).count() >= 6,
        "{t}"
    );
    // The preamble read the frame (its fields and slots are `vable_`/`vitem_` accesses).
    assert!(
        t.contains("descr=vable_i64") && t.contains("descr=vitem_f64"),
        "{t}"
    );
    // Each guard of the loop lists the slots it changed as pending stores, so a failing guard
    // writes them into the frame first.
    let guard = body
        .iter()
        .find(|l| l.starts_with("guard_"))
        .expect("a guard");
    assert!(guard.contains("4294967295@0"), "{guard}");
}

#[test]
fn the_frame_is_exact_after_every_kind_of_guard_failure() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    // The loop's types change twice, so type guards fail for real and bridges take over.
    let src = "
let x = 1
let acc = 0
let i = 0
while i < 300 {
    if i == 100 {
        x = 1.5
    }
    if i == 200 {
        x = vec(1, 2)
        acc = vec(0.0, 0.0)
    }
    acc = acc + x * 2
    i = i + 1
}
";
    let reference = run(src, "off");
    let on = run(src, "on,threshold=5,trace_eagerness=5,enable_opts=all");
    assert!(on.2.loops >= 1 && on.2.bridges >= 1, "{:?}", on.2);
    assert_eq!((&on.0, on.1), (&reference.0, reference.1));
    let all = run(src, "on,threshold=5,fail_guards=1");
    assert!(all.2.guard_failures > 10, "{:?}", all.2);
    assert_eq!((&all.0, all.1), (&reference.0, reference.1));
    // each guard of each trace failing in turn, with and without bridges
    let most =
        on.2.loop_guards
            .iter()
            .chain(&on.2.bridge_guards)
            .copied()
            .max()
            .unwrap_or(0);
    assert!(most >= 3, "{:?}", on.2);
    for n in 0..most {
        for eagerness in [2, 100_000] {
            let spec = format!("on,threshold=3,trace_eagerness={eagerness},fail_guard={n}");
            let r = run(src, &spec);
            assert_eq!((&r.0, r.1), (&reference.0, reference.1), "with {spec}");
        }
    }
}

#[test]
fn a_residual_call_after_a_guard_failure_sees_the_frame_written_back() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    // `print` (a residual call, `print_value`) runs once the `i == 50` guard has failed: in
    // the interpreter or a bridge, after the guard's pending stores wrote the frame back.
    // (`programs/printing.v2` has the call inside the loop; the differential test runs it.)
    let src = "
let s = vec(0.0, 0.0)
let i = 0
while i < 60 {
    s = s + vec(i, 1)
    if i == 50 {
        print s
    }
    i = i + 1
}
";
    let reference = run(src, "off");
    let on = run(src, "on,threshold=5,trace_eagerness=3,enable_opts=all");
    assert!(on.2.loops >= 1, "{:?}", on.2);
    assert_eq!((&on.0, on.1), (&reference.0, reference.1));
}

#[test]
fn sinking_can_be_seen_in_the_trace_text() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    // A counting loop: the unoptimized trace stores `i` and `sp`, the optimized loop does not.
    let src = "let i = 0\nwhile i < 500 {\n    i = i + 1\n}\n";
    let (slots, _, stats) = run(src, "on,threshold=5,enable_opts=all");
    assert_eq!(slots[0], Value::int(500));
    assert!(
        stats.loop_traces[0].contains("store_"),
        "{}",
        stats.loop_traces[0]
    );
    let t = &stats.loop_opt_traces[0];
    assert!(
        !peeled_loop(t)
            .iter()
            .any(|l| l.contains("store_") || l.contains("load_")),
        "{t}"
    );
    // without `unroll`, the stores stay (written back once per iteration, at the end)
    let (_, _, stats) = run(src, "on,threshold=5,enable_opts=fold:cse:heap:dce");
    assert!(
        stats.loop_opt_traces[0].contains("store_"),
        "{}",
        stats.loop_opt_traces[0]
    );
}
