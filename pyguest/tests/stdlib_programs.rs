//! Runs the standard-library programs (`pyguest/tests/programs/stdlib/lib_*.py`, `app_*.py`)
//! under the built `pyguest` binary and compares their stdout with `NAME.expected`, which
//! real CPython 3.11 produced (`lib_dis`, marked `# pyguest-only`, expects pyguest's own
//! disassembly instead).
//!
//! They live in their own directory so `programs.rs` (which needs every program there to
//! pass) does not run them. Programs named in `known_failures.txt` are blocked by a known
//! interpreter gap: they must still fail (so the list stays honest), and a program that
//! starts passing is reported so its line can be removed. Every other program must match.
//! `check_lib_cpython.sh` checks the same programs against CPython with pyguest's modules.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn programs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs/stdlib")
}

/// `name -> reason` from known_failures.txt (comments and blank lines skipped).
fn known_failures(dir: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(dir.join("known_failures.txt")).unwrap_or_default();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (name, reason) = l.split_once(char::is_whitespace).unwrap_or((l, ""));
            (name.to_string(), reason.trim().to_string())
        })
        .collect()
}

/// True when the program's stdout equals its .expected file.
fn run_matches(dir: &Path, name: &str) -> Result<bool, String> {
    let expected = std::fs::read(dir.join(format!("{name}.expected")))
        .map_err(|e| format!("{name}.expected: {e}"))?;
    let out = Command::new(env!("CARGO_BIN_EXE_pyguest"))
        .arg(format!("{name}.py"))
        .current_dir(dir)
        .env_remove("COLUMNS")
        .output()
        .map_err(|e| format!("cannot run pyguest on {name}.py: {e}"))?;
    Ok(out.stdout == expected)
}

#[test]
fn stdlib_programs_match_cpython() {
    let dir = programs_dir();
    let known = known_failures(&dir);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("programs directory")
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|f| (f.starts_with("lib_") || f.starts_with("app_")) && f.ends_with(".py"))
        .map(|f| f.trim_end_matches(".py").to_string())
        .collect();
    names.sort();
    assert!(
        names.len() >= 30,
        "expected the stdlib programs, found {}",
        names.len()
    );
    let mut problems = Vec::new();
    for name in &names {
        match (run_matches(&dir, name), known.get(name)) {
            (Ok(true), None) | (Ok(false), Some(_)) => {}
            (Ok(false), None) => problems.push(format!("{name}: output differs from CPython's")),
            (Ok(true), Some(_)) => problems.push(format!(
                "{name}: passes now; remove it from known_failures.txt"
            )),
            (Err(e), _) => problems.push(e),
        }
    }
    for name in known.keys() {
        if !names.contains(name) {
            problems.push(format!(
                "known_failures.txt names a missing program: {name}"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "stdlib programs:\n{}",
        problems.join("\n")
    );
}
