//! The fallback to an installed CPython's pure-Python standard library (`src/stdlib_dir.rs`).
//!
//! Always run: with `PYGUEST_STDLIB` naming a directory this test builds, a module pyguest
//! lacks is loaded from there (also a package, and a submodule of one of pyguest's embedded
//! packages); pyguest's own modules stay first; an empty `PYGUEST_STDLIB` turns the fallback
//! off; the library is looked for only when an import misses.
//!
//! With a real CPython 3.11 `Lib` (the `python3` on `PATH`, when it is 3.11): the programs in
//! `tests/programs/cpython_lib/` import CPython's own `threading`, `signal`, `codecs`,
//! `pickle`, `http`, ... over pyguest's native modules, and their stdout must equal the
//! `.expected` files CPython 3.11 wrote. Without one that part prints why it is skipped.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn pyguest() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pyguest"))
}

fn run_with_lib(lib: &Path, code: &str) -> Output {
    pyguest()
        .env("PYGUEST_STDLIB", lib)
        .env_remove("PYTHONPATH")
        .args(["-c", code])
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A fake library: `fakemod.py`, a package `fakepkg/` with a submodule, a `json.py` that must
/// never be used (pyguest has its own json) and `logging/fakesub.py` (a submodule of
/// pyguest's embedded `logging` package).
fn fake_lib() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pyguest-fake-stdlib-{}", std::process::id()));
    let write = |rel: &str, src: &str| {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, src).unwrap();
    };
    write(
        "os.py",
        "raise ImportError('the fake os.py must not be imported')\n",
    );
    write("fakemod.py", "VALUE = 41 + 1\n");
    write("fakepkg/__init__.py", "from .inner import twice\n");
    write("fakepkg/inner.py", "def twice(x):\n    return 2 * x\n");
    write(
        "json.py",
        "raise ImportError('the fake json.py must not be imported')\n",
    );
    write(
        "logging/fakesub.py",
        "import logging\nLEVEL = logging.INFO\n",
    );
    dir
}

#[test]
fn missing_modules_come_from_the_cpython_library_after_pyguests_own() {
    let lib = fake_lib();
    let out = run_with_lib(
        &lib,
        "import fakemod, fakepkg, json, logging.fakesub\n\
         print(fakemod.VALUE, fakepkg.twice(21), fakepkg.inner.__name__)\n\
         print(fakemod.__file__.endswith('fakemod.py'), hasattr(json, '__file__'))\n\
         print(logging.fakesub.LEVEL, json.dumps([1]))\n",
    );
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "42 42 fakepkg.inner\nTrue False\n20 [1]\n"
    );
}

#[test]
fn an_empty_pyguest_stdlib_turns_the_fallback_off() {
    let out = pyguest()
        .env("PYGUEST_STDLIB", "")
        .args(["-c", "import colorsys"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.trim_end()
            .ends_with("ModuleNotFoundError: No module named 'colorsys'"),
        "{err}"
    );
}

#[test]
fn sys_stdlib_dir_names_the_fallback_directory() {
    let lib = fake_lib();
    let out = run_with_lib(&lib, "import sys; print(sys._stdlib_dir)");
    assert_eq!(text(&out.stdout).trim(), lib.to_string_lossy());
}

#[test]
fn the_library_is_looked_for_only_when_an_import_misses() {
    // a `python3` on PATH that leaves a mark when run: `pass` and imports of pyguest's own
    // modules must not run it; the first import that misses asks it (once)
    let dir = std::env::temp_dir().join(format!("pyguest-fake-python-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mark = dir.join("ran");
    let script = dir.join("python3");
    std::fs::write(
        &script,
        format!("#!/bin/sh\necho x >> '{}'\nexit 1\n", mark.display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let run = |code: &str| {
        pyguest()
            .env_remove("PYGUEST_STDLIB")
            .env("PATH", &dir)
            .args(["-c", code])
            .output()
            .unwrap()
    };
    let _ = std::fs::remove_file(&mark);
    assert!(run("pass").status.success());
    assert!(run("import json, re, collections").status.success());
    assert!(!mark.exists(), "start-up or a found import ran python3");
    let out = run("import no_such_module_anywhere");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("No module named 'no_such_module_anywhere'"));
    let runs = std::fs::read_to_string(&mark).unwrap_or_default();
    assert_eq!(runs.lines().count(), 1, "python3 asked once per process");
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

#[test]
fn cpython_lib_programs_match_cpython() {
    let Some(lib) = cpython_311_lib() else {
        eprintln!("skipped: no CPython 3.11 python3 on PATH to take Lib from");
        return;
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs/cpython_lib");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    names.sort();
    assert!(names.len() >= 4, "expected the cpython_lib programs");
    let mut failures = Vec::new();
    for path in &names {
        let expected = std::fs::read_to_string(path.with_extension("expected")).unwrap();
        let out = pyguest()
            .env("PYGUEST_STDLIB", &lib)
            .env_remove("PYTHONPATH")
            .arg(path)
            .output()
            .unwrap();
        if text(&out.stdout) != expected || !out.status.success() {
            failures.push(format!(
                "{}: status {:?}\n--- got\n{}\n--- expected\n{}\n--- stderr\n{}",
                path.display(),
                out.status.code(),
                text(&out.stdout),
                expected,
                text(&out.stderr)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
