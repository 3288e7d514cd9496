//! Runs small Python programs under `METATRACER_GC_STRESS=1` (a collection at every
//! allocation, vacated nursery poisoned) and compares their output with CPython's (the
//! `.expected` files next to them, produced by `python3`). A rooting bug in pyguest (a value
//! kept where the collector cannot see it) shows up here as wrong output or a crash.
//!
//! Assumes the `pyguest` binary built by Cargo for this test (`CARGO_BIN_EXE_pyguest`).

use std::path::Path;
use std::process::Command;

fn run_stressed(name: &str, major_every: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/stress");
    let prog = dir.join(format!("{name}.py"));
    let expected = std::fs::read_to_string(dir.join(format!("{name}.expected")))
        .unwrap_or_else(|e| panic!("reading {name}.expected: {e}"));
    let out = Command::new(env!("CARGO_BIN_EXE_pyguest"))
        .arg("run")
        .arg(&prog)
        .env("METATRACER_GC_STRESS", "1")
        .env("METATRACER_GC_STRESS_MAJOR_EVERY", major_every)
        .output()
        .expect("running pyguest");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{name} under GC stress exited with {:?}\nstdout:\n{stdout}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout, expected, "{name} under GC stress: output differs");
}

#[test]
fn scratch_vectors_survive_every_collection() {
    run_stressed("scratch_vectors", "64");
}

#[test]
fn objects_survive_every_collection() {
    run_stressed("objects", "64");
}

#[test]
fn frequent_major_collections() {
    run_stressed("scratch_vectors", "3");
}
