//! Python threads (`src/threads.rs`: coroutines on their own native stacks, switched at
//! blocking calls and every 5 ms) under every JIT mode and under GC stress: the programs
//! `tests/programs/cpython_lib/threads_*.py` (CPython's own `threading`, `queue` and
//! `concurrent.futures` over pyguest's `_thread`) must print exactly what CPython 3.11
//! printed into their `.expected` files with the JIT off, on, tracing every loop at once,
//! with every guard failing, and with a collection at every allocation; and the JIT must
//! have compiled loops that run inside threads (a busy loop preempted by the switch
//! interval from compiled code).
//!
//! Needs a CPython 3.11 `python3` on `PATH` for its `Lib` (as `stdlib_fallback.rs` does);
//! without one the tests print why they are skipped.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The `Lib` directory of the `python3` on PATH, when it is CPython 3.11.
fn cpython_311_lib() -> Option<PathBuf> {
    let out = Command::new("python3")
        .args([
            "-c",
            "import sys, sysconfig; print(sys.implementation.name, sys.version_info[:2] == (3, 11), sysconfig.get_path('stdlib'))",
        ])
        .output()
        .ok()?;
    let s = text(&out.stdout);
    let mut parts = s.split_whitespace();
    if parts.next()? != "cpython" || parts.next()? != "True" {
        return None;
    }
    Some(PathBuf::from(parts.next()?))
}

fn program(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/programs/cpython_lib")
        .join(format!("{name}.py"))
}

fn run(lib: &Path, name: &str, jit: &str, stress: bool) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pyguest"));
    cmd.env("PYGUEST_STDLIB", lib)
        .env_remove("PYTHONPATH")
        .env("METATRACER_LOG", "summary")
        .args(["--jit", jit])
        .arg(program(name));
    if stress {
        cmd.env("METATRACER_GC_STRESS", "1")
            .env("METATRACER_GC_STRESS_MAJOR_EVERY", "64");
    }
    cmd.output().expect("running pyguest")
}

/// Runs `name` in mode `jit` and checks its output against CPython's; returns stderr.
fn check(lib: &Path, name: &str, jit: &str, stress: bool) -> String {
    let expected = std::fs::read_to_string(program(name).with_extension("expected")).unwrap();
    let out = run(lib, name, jit, stress);
    assert!(
        out.status.success() && text(&out.stdout) == expected,
        "{name} with --jit {jit} (GC stress {stress}): status {:?}\n--- got\n{}\n--- expected\n{expected}\n--- stderr\n{}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stderr)
}

/// The number after `label` in the JIT summary.
fn summary_count(err: &str, label: &str) -> usize {
    err.lines()
        .find_map(|l| l.trim().strip_prefix(label))
        .and_then(|rest| rest.trim().parse().ok())
        .unwrap_or_else(|| panic!("no `{label}` in the summary:\n{err}"))
}

const PROGRAMS: [&str; 7] = [
    "threads_exit",
    "threads_basic",
    "threads_sync",
    "threads_queue",
    "threads_interleave",
    "threads_pool",
    "threads_gc",
];

#[test]
fn thread_programs_match_cpython_in_every_jit_mode() {
    let Some(lib) = cpython_311_lib() else {
        eprintln!("skipped: no CPython 3.11 python3 on PATH to take Lib from");
        return;
    };
    for name in PROGRAMS {
        for jit in ["off", "on", "threshold=1", "threshold=3,fail_guards=1"] {
            let err = check(&lib, name, jit, false);
            if jit == "threshold=1" {
                assert!(
                    summary_count(&err, "loops compiled") >= 1,
                    "{name}: nothing compiled with threshold=1:\n{err}"
                );
            }
        }
    }
}

#[test]
fn a_compiled_busy_loop_is_preempted_by_the_switch_interval() {
    let Some(lib) = cpython_311_lib() else {
        eprintln!("skipped: no CPython 3.11 python3 on PATH to take Lib from");
        return;
    };
    // with the default threshold, the busy loops (millions of iterations) are compiled after
    // warm-up; the sleeper still finishes, so the switch happens from compiled code
    let err = check(&lib, "threads_interleave", "threshold=200", false);
    assert!(
        summary_count(&err, "loops compiled") >= 2,
        "the busy loops should be compiled:\n{err}"
    );
}

#[test]
fn thread_programs_survive_gc_stress() {
    let Some(lib) = cpython_311_lib() else {
        eprintln!("skipped: no CPython 3.11 python3 on PATH to take Lib from");
        return;
    };
    for (name, jit) in [
        ("threads_gc", "off"),
        ("threads_gc", "threshold=1"),
        ("threads_queue", "threshold=1"),
    ] {
        check(&lib, name, jit, true);
    }
}
