//! Differential test: every program in `programs/` prints the same with the JIT off, on
//! (default and eager settings), and with every guard forced to fail.

use std::path::Path;
use std::process::Command;

fn run(prog: &Path, jit: &str) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_brainfuck"))
        .args(["--jit", jit])
        .arg(prog)
        .output()
        .expect("run brainfuck");
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
        if p.extension().is_none_or(|x| x != "b") {
            continue;
        }
        let reference = run(&p, "off");
        assert!(!reference.is_empty(), "{} prints nothing", p.display());
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
    assert!(n >= 3, "expected the example programs");
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
