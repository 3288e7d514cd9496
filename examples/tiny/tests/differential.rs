//! Differential test: every Tiny program prints the same with the JIT off, on, eager, and with
//! every guard forced to fail.

use std::path::Path;
use std::process::Command;

fn run(prog: &Path, jit: &str) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_tiny"))
        .args(["--jit", jit])
        .arg(prog)
        .output()
        .expect("run tiny");
    assert!(
        out.status.success(),
        "{} with --jit {jit} failed: {}",
        prog.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn all_programs_agree() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("programs");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).expect("programs dir") {
        let p = e.expect("entry").path();
        if p.extension().is_none_or(|x| x != "tiny") {
            continue;
        }
        let reference = run(&p, "off");
        assert!(!reference.is_empty());
        for jit in [
            "on",
            "threshold=3",
            "threshold=3,trace_eagerness=2",
            "threshold=1000,fail_guards=1",
        ] {
            assert_eq!(
                run(&p, jit),
                reference,
                "{} differs with --jit {jit}",
                p.display()
            );
        }
        n += 1;
    }
    assert!(n >= 3);
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
