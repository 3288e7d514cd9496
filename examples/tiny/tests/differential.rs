//! Differential test: every program in `programs/` prints the same with the JIT off, on
//! (default and eager settings), with every guard forced to fail, and with each guard index
//! failing in turn (`fail_guard=N` swept over every guard of every compiled trace, with bridges;
//! see `metatracer::testing`).

use metatracer::testing::{programs, Differential};
use std::process::Command;

#[test]
fn all_programs_agree() {
    let progs = programs(concat!(env!("CARGO_MANIFEST_DIR"), "/programs"), "tiny");
    assert!(
        progs.len() >= 4,
        "expected the example programs, got {progs:?}"
    );
    let report = Differential::new(env!("CARGO_BIN_EXE_tiny"))
        .check_all(&progs)
        .unwrap_or_else(|e| panic!("{e}"));
    eprintln!("{report:?}");
    assert_eq!(report.programs, progs.len());
    // The sweep reached guards beyond the first in the compiled loops, and bridges were made
    // from forced failures.
    assert!(report.swept.iter().any(|(_, n)| *n > 10), "{report:?}");
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
