//! Differential test: every program in `programs/` prints the same with the JIT off, on
//! (default and eager settings), with every guard forced to fail, and with each guard index
//! failing in turn (`fail_guard=N` over every guard of every compiled trace, with bridges; see
//! `metatracer::testing`). Plus the command line's error reporting.

use metatracer::testing::assert_programs_agree;
use std::process::Command;

#[test]
fn all_programs_agree() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/programs");
    let report = assert_programs_agree(env!("CARGO_BIN_EXE_vec2"), dir, "v2");
    eprintln!("{report:?}");
    assert!(report.programs >= 3, "{report:?}");
    assert!(report.sweep_bridges > 0, "{report:?}");
}

fn run_source(name: &str, src: &str, args: &[&str]) -> std::process::Output {
    let p = std::env::temp_dir().join(format!("vec2_{}_{name}.v2", std::process::id()));
    std::fs::write(&p, src).unwrap();
    Command::new(env!("CARGO_BIN_EXE_vec2"))
        .args(args)
        .arg(&p)
        .output()
        .unwrap()
}

#[test]
fn errors_are_reported_with_status_1() {
    for jit in ["off", "on"] {
        let out = run_source("div0", "let x = 0\nprint 1 / x\n", &["--jit", jit]);
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("runtime error: division by zero"), "{err}");

        // a type error inside a hot loop: the guard fails, the interpreter reports it
        let src = "let i = 0\nlet v = 0\nwhile i < 100 {\n  if i == 80 {\n    v = vec(1, 1)\n  }\n  v = v + 1\n  i = i + 1\n}\n";
        let out = run_source("type", src, &["--jit", jit]);
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("operand of the wrong type"), "{err}");
    }
    let out = run_source("syntax", "let x = \n", &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 1: expected an expression"), "{err}");
    let out = run_source("name", "print y\n", &[]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown variable `y`"));
    let out = run_source("help", "", &["--jit", "bogus=1"]);
    assert_eq!(out.status.code(), Some(2));
}
