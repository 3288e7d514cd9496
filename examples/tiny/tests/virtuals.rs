//! Allocation removal on Tiny: `new_pair` is `#[look_inside]`, so traced code allocates a
//! pair with a `new` the optimizer removes when the pair does not outlive the loop
//! iteration (`opt/virtualize.rs`). The loop of `programs/virtual_pairs.tiny` must then
//! allocate nothing (no `new`, no allocation call left in its optimized trace, no collection
//! while it runs), print what `--jit off` prints, and stay exact when guards fail in the
//! middle of an iteration (each guard index in turn, all guards, random guards): the pairs a
//! failing guard's snapshot describes are materialized before the interpreter resumes.

use metatracer::testing::run;
use std::path::Path;
use std::time::Duration;

/// The JIT's parameters are process-wide: in-process runs go one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn program() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/programs/virtual_pairs.tiny"
    ))
}

fn run_tiny(jit: &str) -> Vec<u8> {
    let bin = Path::new(env!("CARGO_BIN_EXE_tiny"));
    let r = run(bin, jit, program(), Duration::from_secs(120)).unwrap();
    assert_eq!(
        r.code,
        Some(0),
        "--jit {jit}: {}",
        String::from_utf8_lossy(&r.stderr)
    );
    r.stdout
}

#[test]
fn the_loop_allocates_nothing_and_prints_what_the_interpreter_prints() {
    let want = run_tiny("off");
    assert!(
        String::from_utf8_lossy(&want).contains("(29007, ("),
        "{want:?}"
    );
    assert_eq!(run_tiny("on"), want);
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    metatracer::jit::reset();
    metatracer::set_params("on,threshold=5,enable_opts=all").unwrap();
    let src = std::fs::read_to_string(program()).unwrap();
    // (the program without its prints: this run's output would go to the test's stdout)
    let src: String = src
        .lines()
        .filter(|l| !l.starts_with("print"))
        .map(|l| format!("{l}\n"))
        .collect();
    let p = tiny::compile(&src).unwrap();
    let mut slots = tiny::new_slots();
    let mut m = tiny::Machine::new(&mut slots);
    tiny::run(&p, &mut m);
    let stats = metatracer::jit::stats();
    assert_eq!(stats.loops, 1, "{stats:?}");
    let t = &stats.loop_opt_traces[0];
    let body = &t[t.find("label(").unwrap()..];
    assert!(!t.contains("new("), "an allocation is left:\n{t}");
    assert!(!t.contains("alloc<"), "an allocation call is left:\n{t}");
    // the pairs are gone, their fields are registers: no load or store of a pair field
    // (the only loads and stores address the value stack and the machine)
    assert!(!body.contains("call_n("), "a residual call is left:\n{t}");
    // guards describe the pairs they can see: as virtual objects, or (since session 12's
    // merges) as the pending stores of their fields into the value stack's slots, the
    // `4294967295@0` frame of the snapshot; either way the failing guard rebuilds them
    assert!(
        t.contains("=alloc(64, ") || t.contains("[4294967295@0: "),
        "no virtual pair and no pending stores in a snapshot:\n{t}"
    );
}

#[test]
fn no_collection_while_the_loop_runs() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    // 200000 iterations of 3 pairs of 72 bytes would fill a 4 MiB nursery ten times over
    let src = "let i = 0;\nlet s = 0;\nwhile i < 200000 {\n    s = s + pair(i, 1).0 + pair(pair(2, i), 3).0.1;\n    i = i + 1;\n}\n";
    let p = tiny::compile(src).unwrap();
    let mut collections = Vec::new();
    for params in ["off", "on,threshold=5,enable_opts=all"] {
        metatracer::jit::reset();
        metatracer::set_params(params).unwrap();
        let mut slots = tiny::new_slots();
        let mut m = tiny::Machine::new(&mut slots);
        let before = metatracer::gc::stats().minor_collections;
        tiny::run(&p, &mut m);
        collections.push(metatracer::gc::stats().minor_collections - before);
        // s = sum(i) + sum(i) over the loop
        assert_eq!(m.stack[1].i, 199999 * 200000, "{params}");
    }
    assert!(collections[0] >= 5, "{collections:?}");
    assert_eq!(collections[1], 0, "{collections:?}");
}

#[test]
fn guards_failing_mid_iteration_resume_with_the_pairs_materialized() {
    let want = run_tiny("off");
    let bin = Path::new(env!("CARGO_BIN_EXE_tiny"));
    let base = "threshold=3,trace_eagerness=2";
    let r = run(bin, base, program(), Duration::from_secs(120)).unwrap();
    assert_eq!(r.stdout, want);
    let guards = r.summary.most_guards;
    assert!(guards >= 10, "{:?}", r.summary);
    for n in 0..guards {
        let jit = format!("{base},fail_guard={n}");
        assert_eq!(run_tiny(&jit), want, "--jit {jit}");
    }
    for jit in [
        "fail_guards=1".to_string(),
        format!("{base},fail_guards=1"),
        format!("{base},fail_guards_random=7"),
        "threshold=2,trace_eagerness=1".to_string(),
    ] {
        assert_eq!(run_tiny(&jit), want, "--jit {jit}");
    }
}
