//! Differential test: every program in `programs/` prints the same with the JIT off, on
//! (default and eager settings), with every guard forced to fail, and with each guard index
//! failing in turn (`fail_guard=N` swept over every guard of every compiled trace, with bridges;
//! see `metatracer::testing`).

use metatracer::testing::assert_programs_agree;
use std::process::Command;

#[test]
fn all_programs_agree() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/programs");
    let report = assert_programs_agree(env!("CARGO_BIN_EXE_brainfuck"), dir, "b");
    eprintln!("{report:?}");
    assert!(report.programs >= 4, "{report:?}");
    // `squares.b` compiles traces with many guards (22 in its largest trace since the
    // optimizer merged the tape's roots; over 100 before), and forced failures made bridges.
    let swept = report.swept.iter().find(|(p, _)| p.ends_with("squares.b"));
    assert!(swept.is_some_and(|(_, n)| *n >= 15), "{report:?}");
    assert!(report.sweep_bridges > 0, "{report:?}");
}

#[test]
fn bad_arguments_give_errors() {
    let out = Command::new(env!("CARGO_BIN_EXE_brainfuck"))
        .args(["--jit", "bogus=1", "x.b"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown JIT parameter"));
    // the shared command line (metatracer::cli): usage errors exit with 2, --help with 0
    for (args, code, text) in [
        (&["--jit"][..], 2, "a value is required for '--jit"),
        (
            &["--jit", "fail_guard=x", "p.b"][..],
            2,
            "a number or `none`",
        ),
        (&["--fast", "p.b"][..], 2, "unexpected argument '--fast'"),
        (&["a.b", "b.b"][..], 2, "unexpected argument `b.b`"),
        (&[][..], 2, "required arguments were not provided"),
        (&["/nonexistent/p.b"][..], 1, "cannot read /nonexistent/p.b"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_brainfuck"))
            .args(args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
        assert!(err.contains(text), "{args:?}: {err}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_brainfuck"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("Usage: brainfuck [--jit"));
    let dir = std::env::temp_dir().join("bf_unmatched.b");
    std::fs::write(&dir, "[[]").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_brainfuck"))
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unmatched `[`"));
}

/// Regression: with `fail_guard=0` a bridge's first guard (the same test as its parent guard,
/// re-executed) used to be forced too, so every bridge grew another bridge: `bench.b` made
/// 10,000 bridges in five seconds. Bridges of bridges are now compiled without forced
/// failures, so the count stays small.
#[test]
fn forced_failures_do_not_grow_bridges_forever() {
    let prog = concat!(env!("CARGO_MANIFEST_DIR"), "/programs/bench.b");
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_brainfuck"));
    let limit = std::time::Duration::from_secs(60);
    let run = |jit: &str| {
        metatracer::testing::run(bin, jit, prog.as_ref(), limit).unwrap_or_else(|e| panic!("{e}"))
    };
    let reference = run("off").stdout;
    let r = run("threshold=3,trace_eagerness=2,fail_guard=0");
    assert_eq!(r.stdout, reference);
    assert!((1..50).contains(&r.summary.bridges), "{:?}", r.summary);
}
