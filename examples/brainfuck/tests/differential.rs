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
    // `squares.b` compiles traces with many guards, and forced failures made bridges.
    let swept = report.swept.iter().find(|(p, _)| p.ends_with("squares.b"));
    assert!(swept.is_some_and(|(_, n)| *n >= 100), "{report:?}");
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
    let dir = std::env::temp_dir().join("bf_unmatched.b");
    std::fs::write(&dir, "[[]").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_brainfuck"))
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unmatched `[`"));
}
