//! Bad Tiny programs end with a guest error (exit status 1 and a message), never a Rust panic or
//! a crash, with the JIT off, on, and eager (`threshold=1`), since the checks are traced too.
//! Each class is swept with several sizes: recursion past the frame stack, past the value
//! stack, expressions and blocks nested past the parser's limit, and functions too big for the
//! machine. Also `p.0.1`, which the lexer used to read as `p` followed by the float `0.1`.

use std::process::Command;

const MODES: [&str; 3] = ["off", "on", "threshold=1"];

fn run(name: &str, src: &str, mode: &str) -> (Option<i32>, String, String) {
    let p = std::env::temp_dir().join(format!("tiny_bad_{}_{name}.tiny", std::process::id()));
    std::fs::write(&p, src).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tiny"))
        .args(["--jit", mode])
        .arg(&p)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&p);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_guest_error(name: &str, src: &str, message: &str) {
    for mode in MODES {
        let (code, _, err) = run(name, src, mode);
        assert_eq!(code, Some(1), "{name} --jit {mode}: {err}");
        assert!(err.contains(message), "{name} --jit {mode}: {err}");
        assert!(!err.contains("panicked"), "{name} --jit {mode}: {err}");
    }
}

#[test]
fn runaway_recursion_is_a_guest_error() {
    // Frame stack (10000 frames) with few slots per frame, and value stack (50000 slots)
    // with many locals per frame: both run out before the other at some depth.
    for locals in [0, 3, 10, 40] {
        let lets: String = (0..locals).map(|i| format!("let v{i} = n;")).collect();
        let src = format!("fn f(n) {{ {lets} return f(n + 1) + 1; }}\nprint f(0);\n");
        assert_guest_error(&format!("rec{locals}"), &src, "stack overflow");
    }
    // Recursion that fits still runs (the check does not fire early).
    let src = "fn f(n) { if n == 0 { return 0; } return f(n - 1) + 1; }\nprint f(9000);\n";
    for mode in MODES {
        let (code, out, err) = run("fits", src, mode);
        assert_eq!(
            (code, out.as_str()),
            (Some(0), "9000\n"),
            "--jit {mode}: {err}"
        );
    }
}

#[test]
fn deep_nesting_is_a_syntax_error() {
    for depth in [600, 5_000, 100_000] {
        let parens = format!("print {}1{};\n", "(".repeat(depth), ")".repeat(depth));
        assert_guest_error(&format!("parens{depth}"), &parens, "nested more than");
        let minus = format!("print {}1;\n", "-".repeat(depth));
        assert_guest_error(&format!("minus{depth}"), &minus, "nested more than");
        let blocks = format!("{}print 1;{}\n", "if 1 {".repeat(depth), "}".repeat(depth));
        assert_guest_error(&format!("blocks{depth}"), &blocks, "nested more than");
    }
}

#[test]
fn functions_larger_than_the_machine_are_rejected() {
    let args: Vec<String> = (0..60_000).map(|i| i.to_string()).collect();
    let src = format!("fn g() {{ return 0; }}\nprint g({});\n", args.join(","));
    assert_guest_error("wide", &src, "value slots");
}

#[test]
fn field_chains_are_not_floats() {
    let src = "let p = pair(pair(1, 2), 3);\nprint p.0.1;\nprint p.0.0 + p.1;\nprint 0.5 + 1;\n";
    for mode in MODES {
        let (code, out, err) = run("fields", src, mode);
        assert_eq!(code, Some(0), "--jit {mode}: {err}");
        assert_eq!(out, "2\n4\n1.5\n", "--jit {mode}");
    }
}
