//! Moving the head off the tape, to the left or past the last cell, is a guest error (exit
//! status 1 naming the instruction, an index into the parsed program, where runs of `<`/`>` are one instruction), never a Rust panic, in the interpreter and in compiled
//! code (the check is traced: a loop that walks off the tape after it was compiled).

use std::process::Command;

fn run(name: &str, src: &str, mode: &str) -> (Option<i32>, String, String) {
    let p = std::env::temp_dir().join(format!("bf_bad_{}_{name}.b", std::process::id()));
    std::fs::write(&p, src).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_brainfuck"))
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

#[test]
fn moving_off_the_tape_is_a_guest_error() {
    let cases = [
        ("left", "<.", 0),
        ("left_later", "+++.>><<<<.", 2),
        // A loop that runs right until it leaves the tape (compiled long before).
        ("run_right", "+[>+]", 2),
        ("run_left", ">>>+[<+]", 3),
        ("big_step", &">".repeat(30_000), 0),
    ];
    for (name, src, at) in cases {
        for mode in ["off", "on", "threshold=1", "threshold=3,fail_guards=1"] {
            let (code, _, err) = run(name, src, mode);
            assert_eq!(code, Some(1), "{name} --jit {mode}: {err}");
            assert!(
                err.contains(&format!("instruction {at} moved the head off the tape")),
                "{name} --jit {mode}: {err}"
            );
            assert!(!err.contains("panicked"), "{name} --jit {mode}: {err}");
        }
    }
    // The last cell is still reachable.
    let (code, out, err) = run("edge", &format!("{}+++.", ">".repeat(29_999)), "on");
    assert_eq!((code, out.as_bytes()), (Some(0), &[3u8][..]), "{err}");
}
