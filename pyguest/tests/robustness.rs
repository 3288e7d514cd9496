//! Robustness of the `pyguest` binary on hostile programs (issue 15): running out of memory,
//! Rust-level recursion and address-space limits end in Python exceptions or clear errors,
//! never an abort, a Rust panic or unbounded memory growth. Programs whose expected output
//! is CPython's live in `tests/programs/` (`memory_errors.py`, `mutation_during_walk.py`,
//! `recursion_native.py`); the checks here need an environment CPython cannot share (a small
//! `METATRACER_GC_MAX_HEAP`, a small stack, `ulimit -v`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn robust_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/robust")
}

/// Runs `pyguest run <file>` through `sh` with `prefix` (a `ulimit` and/or `export`s).
fn run_with(prefix: &str, file: &Path) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!("{prefix} exec \"$0\" run \"$1\"",))
        .arg(env!("CARGO_BIN_EXE_pyguest"))
        .arg(file)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// With a 256 MiB heap, doubling loops and program-sized allocations of every kind end in a
/// caught `MemoryError` and the program goes on; the process never holds much more than the
/// limit (`ulimit -v` makes a runaway allocation fail instead of swapping the machine).
#[test]
fn memory_errors_under_a_small_heap_are_catchable() {
    let out = run_with(
        "ulimit -v 8000000; export METATRACER_GC_MAX_HEAP=256M;",
        &robust_dir().join("memory_low_heap.py"),
    );
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        text(&out.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 20, "{stdout}");
    // the doubling loops: (steps, final length) before MemoryError, within the 256M budget
    for l in &lines[..6] {
        let nums: Vec<u64> = l
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap())
            .collect();
        let (steps, len) = (nums[nums.len() - 2], nums[nums.len() - 1]);
        assert!((20..=28).contains(&steps), "{l}");
        assert!((1 << 20..=256 << 20).contains(&len), "{l}");
    }
    for l in &lines[6..19] {
        assert!(l.ends_with(" MemoryError"), "{l}");
    }
    assert_eq!(lines[19], "done");
}

/// Runs `file` with the interpreter stack `stack` (and a 2 GiB heap) and returns stdout.
fn run_with_stack(file: &str, stack: &str) -> String {
    let out = run_with(
        &format!(
            "ulimit -v 16000000; export PYGUEST_STACK_SIZE={stack} METATRACER_GC_MAX_HEAP=2G;"
        ),
        &robust_dir().join(file),
    );
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stack {stack}: {stdout}\n{}",
        text(&out.stderr)
    );
    assert!(stdout.ends_with("done\n"), "stack {stack}: {stdout}");
    stdout
}

/// Every path on which Rust calls back into Python (`__call__`, `__getattr__`,
/// `__getattribute__`, descriptors, metaclass `__call__`, `__instancecheck__`, `__index__`,
/// `__len__`, `__bool__`, `__iter__`, `__repr__`, `__hash__`, `__eq__`, ...), made to recurse
/// without a Python frame, and repr/compare/hash/isinstance/json of data nested 200,000 deep,
/// end in `RecursionError`, with the default 2 GiB stack and with a 4 MiB one (where the
/// stack-pointer check, not the 20,000-level counter, must stop them).
#[test]
fn native_recursion_raises_recursion_error_on_any_stack() {
    for stack in ["2G", "4M"] {
        let stdout = run_with_stack("recursion_native_all.py", stack);
        let lines: Vec<&str> = stdout.lines().collect();
        assert!(lines.len() >= 30, "stack {stack}: {stdout}");
        for l in &lines[..lines.len() - 1] {
            assert!(l.ends_with(" RecursionError"), "stack {stack}: {l}");
        }
    }
}

/// With `sys.setrecursionlimit(10**6)`, recursion through Rust re-entry (a Python `__eq__`
/// using `==`, a `sorted` key calling back, `__repr__` using `repr`) is stopped by the native
/// stack check before the stack overflows, while plain Python recursion (no native stack)
/// still goes 200,000 deep.
#[test]
fn high_recursion_limit_cannot_overflow_the_native_stack() {
    for stack in ["2G", "4M"] {
        let stdout = run_with_stack("recursion_high_limit.py", stack);
        assert_eq!(
            stdout,
            "python __eq__ recursion RecursionError\nsorted key recursion RecursionError\n\
             python __repr__ recursion RecursionError\n\
             plain python recursion 200000 no error 200000\ndone\n",
            "stack {stack}"
        );
    }
}

/// Under an address-space limit far below the default reservations (2 GiB of stack, twice
/// the machine's memory of GC heap), `print(1)` still runs: both reservations fall back to
/// smaller sizes. A bad `PYGUEST_STACK_SIZE` or `METATRACER_GC_MAX_HEAP` is a one-line error
/// with exit status 2, not a panic.
#[test]
fn small_address_space_and_bad_settings() {
    let hello = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs/hello.py");
    let expected = std::fs::read_to_string(hello.with_extension("expected")).unwrap();
    for limit in ["4000000", "1000000"] {
        let out = run_with(&format!("ulimit -v {limit};"), &hello);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert_eq!(text(&out.stdout), expected);
    }
    for (var, val, msg) in [
        (
            "METATRACER_GC_MAX_HEAP",
            "",
            "METATRACER_GC_MAX_HEAP=\"\" is not a size",
        ),
        ("METATRACER_GC_MAX_HEAP", "lots", "is not a size"),
        (
            "PYGUEST_STACK_SIZE",
            "1k",
            "PYGUEST_STACK_SIZE=\"1k\" must be a size",
        ),
        ("PYGUEST_STACK_SIZE", "big", "must be a size"),
    ] {
        let out = run_with(&format!("export {var}='{val}';"), &hello);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{var}={val}: {err}");
        assert!(
            err.contains(msg) && !err.contains("panicked"),
            "{var}={val}: {err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

/// A lambda nested 20,000 deep and 100,000 nested parentheses fail in well under a second
/// with CPython's errors, within a 4 GB address space (they used to take gigabytes).
#[test]
fn deep_source_nesting_fails_fast() {
    let dir = std::env::temp_dir().join(format!("pyguest-robust-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases = [
        (
            "lambdas.py",
            format!("f = {}1\nprint(1)\n", "lambda: ".repeat(20_000)),
            "RecursionError: maximum recursion depth exceeded during compilation",
        ),
        (
            "parens.py",
            format!(
                "x = {}1{}\nprint(1)\n",
                "(".repeat(100_000),
                ")".repeat(100_000)
            ),
            "SyntaxError: too many nested parentheses",
        ),
        (
            "nots.py",
            format!("x = {}1\nprint(1)\n", "not ".repeat(100_000)),
            "RecursionError: maximum recursion depth exceeded during compilation",
        ),
    ];
    for (name, src, last) in cases {
        let file = dir.join(name);
        std::fs::write(&file, src).unwrap();
        let start = std::time::Instant::now();
        let out = run_with("ulimit -v 4000000;", &file);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        assert_eq!(err.lines().last(), Some(last), "{name}: {err}");
        assert!(out.stdout.is_empty(), "{name}");
        assert!(
            start.elapsed().as_secs() < 10,
            "{name}: {:?}",
            start.elapsed()
        );
    }
}

/// Starts `pyguest run <file>` with SIGINT at its default disposition (a test runner started
/// in the background may have it ignored, which the child would inherit), sends SIGINT after
/// each delay, and returns the exit status (negative: the signal that ended it) and output.
fn run_interrupted(file: &str, jit: &str, delays_ms: &[u64]) -> (i32, String, String) {
    use std::os::unix::process::{CommandExt, ExitStatusExt};
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pyguest"));
    cmd.args(["--jit", jit, "run"])
        .arg(robust_dir().join(file))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    // SAFETY: only async-signal-safe signal(2) runs between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            Ok(())
        });
    }
    let child = cmd.spawn().unwrap();
    for &d in delays_ms {
        std::thread::sleep(std::time::Duration::from_millis(d));
        // SAFETY: kill(2) of our own child process.
        unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    }
    let out = child.wait_with_output().unwrap();
    let status = out
        .status
        .code()
        .unwrap_or_else(|| -out.status.signal().unwrap_or(0));
    (status, text(&out.stdout), text(&out.stderr))
}

/// Ctrl-C is `KeyboardInterrupt`, delivered at the next Python call or `time.sleep` slice,
/// with the JIT off and on: `except` and `finally` run, and the unhandled one prints its
/// traceback and ends the process by SIGINT (as CPython: status -2, 130 in a shell).
#[test]
fn sigint_is_keyboard_interrupt() {
    for jit in ["off", "on"] {
        let (status, out, err) = run_interrupted("keyboard_interrupt.py", jit, &[1500, 800, 800]);
        assert_eq!(
            out,
            "start\ncaught KeyboardInterrupt True\nfinally 1\n\
             sleep interrupted KeyboardInterrupt()\nfinally 2\n",
            "jit {jit}; stderr: {err}"
        );
        assert!(
            err.starts_with("Traceback (most recent call last):"),
            "{err}"
        );
        assert!(err.ends_with("KeyboardInterrupt\n"), "{err}");
        assert_eq!(status, -libc::SIGINT, "jit {jit}");
    }
}

/// Starts `pyguest --jit <jit> run <file>` like [`run_interrupted`], with the JIT's exit
/// summary written to `log`, and sends SIGINT `delay_ms` after each line of its output that
/// starts with `ready`. Returns the exit status, output and error output.
fn run_interrupted_when_ready(
    file: &str,
    jit: &str,
    log: &Path,
    delay_ms: u64,
) -> (i32, String, String) {
    use std::io::BufRead;
    use std::os::unix::process::{CommandExt, ExitStatusExt};
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pyguest"));
    cmd.args(["--jit", jit, "run"])
        .arg(robust_dir().join(file))
        .env("METATRACER_LOG", format!("summary:{}", log.display()))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    // SAFETY: only async-signal-safe signal(2) runs between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut out = String::new();
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if line.starts_with("ready") {
            std::thread::sleep(std::time::Duration::from_millis(delay_ms));
            // SAFETY: kill(2) of our own child process.
            unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
        }
        out.push_str(&line);
        out.push('\n');
    }
    let res = child.wait_with_output().unwrap();
    let status = res
        .status
        .code()
        .unwrap_or_else(|| -res.status.signal().unwrap_or(0));
    (status, out, text(&res.stderr))
}

/// Ctrl-C in loops that make no Python call (while, for, a comprehension, nested loops,
/// inside `try`/`finally` and inside an `except` block) is `KeyboardInterrupt` at the next
/// backward jump, as CPython delivers it: interpreted (`--jit off`), compiled after warm-up
/// (the default threshold; SIGINT comes 300 ms after the loop starts) and compiled at once
/// (`threshold=1`). With the JIT on, the compiled loops left through their interrupt guard
/// (the exit summary counts those exits), not through a watchdog: `finally` blocks run, and
/// the unhandled one prints its traceback (with the loop's line) and ends the process by
/// SIGINT. Expected output: CPython 3.11's.
#[test]
fn sigint_stops_loops_without_calls() {
    let expected = "ready while\ncaught while True\nready for\ncaught for True\n\
                    ready comprehension\ncaught comprehension\nready nested\n\
                    caught nested KeyboardInterrupt()\nready finally\nfinally ran True\n\
                    caught finally\nready handler\ninner ValueError\ncaught handler\n\
                    all handled\nready unhandled\nfinally unhandled True\n";
    let dir = std::env::temp_dir().join(format!("pyguest-sigint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for jit in ["off", "on", "threshold=1"] {
        let log = dir.join(format!("{jit}.log"));
        let start = std::time::Instant::now();
        let (status, out, err) =
            run_interrupted_when_ready("keyboard_interrupt_loops.py", jit, &log, 300);
        assert_eq!(out, expected, "jit {jit}; stderr: {err}");
        assert!(
            err.starts_with("Traceback (most recent call last):\n"),
            "jit {jit}: {err}"
        );
        // (CPython names the `while` line, 82; pyguest the line of the body's last
        // statement, whose instruction the backward jump follows: docs/compatibility.md)
        assert!(
            err.ends_with("line 82, in <module>\n    while True:\nKeyboardInterrupt\n")
                || err.ends_with("line 83, in <module>\n    y += 1\nKeyboardInterrupt\n"),
            "jit {jit}: {err}"
        );
        assert_eq!(status, -libc::SIGINT, "jit {jit}");
        // 7 loops of 300 ms each, and no second-long wait for a watchdog
        assert!(
            start.elapsed() < std::time::Duration::from_secs(7),
            "jit {jit}"
        );
        let summary = std::fs::read_to_string(&log).unwrap_or_default();
        let count = |what: &str| -> u64 {
            let line = summary.lines().find(|l| l.trim_start().starts_with(what));
            line.and_then(|l| l.split_whitespace().last()?.parse().ok())
                .unwrap_or(0)
        };
        if jit == "off" {
            assert_eq!(count("loops compiled"), 0, "{summary}");
        } else {
            // every interrupted loop (seven; the nested one's inner loops too) was compiled
            // code when the signal came, and left at its interrupt guard
            assert!(count("loops compiled") >= 7, "jit {jit}: {summary}");
            assert!(count("at an interrupt") >= 7, "jit {jit}: {summary}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
