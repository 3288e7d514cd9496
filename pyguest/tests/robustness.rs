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
        .arg(format!(
            "{prefix} exec \"$0\" run \"$1\"",
        ))
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
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{}", text(&out.stderr));
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
        assert!(len <= 256 << 20 && len >= 1 << 20, "{l}");
    }
    for l in &lines[6..19] {
        assert!(l.ends_with(" MemoryError"), "{l}");
    }
    assert_eq!(lines[19], "done");
}
