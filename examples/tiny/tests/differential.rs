//! Differential test: every program in `programs/` prints the same with the JIT off, on
//! (default and eager settings), with every guard forced to fail, and with each guard index
//! failing in turn (`fail_guard=N` swept over every guard of every compiled trace, with bridges;
//! see `metatracer::testing`).

use metatracer::testing::assert_programs_agree;
use std::process::Command;

#[test]
fn all_programs_agree() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/programs");
    let report = assert_programs_agree(env!("CARGO_BIN_EXE_tiny"), dir, "tiny");
    eprintln!("{report:?}");
    assert!(report.programs >= 4, "{report:?}");
    // `phases.tiny` compiles traces with many guards, and forced failures made bridges.
    let swept = report
        .swept
        .iter()
        .find(|(p, _)| p.ends_with("phases.tiny"));
    assert!(swept.is_some_and(|(_, n)| *n >= 20), "{report:?}");
    assert!(report.sweep_bridges > 0, "{report:?}");
}

#[test]
fn errors_are_reported() {
    let dir = std::env::temp_dir();
    let p = dir.join("tiny_div0.tiny");
    std::fs::write(&p, "let x = 0;\nprint 1 / x;\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tiny"))
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("division by zero"));
    let p = dir.join("tiny_syntax.tiny");
    std::fs::write(&p, "let x = ;\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tiny"))
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 1: expected an expression"));
}
