//! Where an installed CPython keeps its pure-Python standard library, for the modules pyguest
//! has none of its own for.
//!
//! The importer (`import.rs`) asks [`fallback_file`] only after a module was found neither on
//! `sys.path` nor among the modules built into the binary, so pyguest's own modules always come
//! first and a program that imports only those never looks for CPython at all (start-up does no
//! file-system probing and spawns nothing). The directory is looked up once per process, the
//! first time an import misses, in this order:
//!
//! 1. `PYGUEST_STDLIB`: the directory itself; set but empty turns the fallback off.
//! 2. The `python3` on `PATH`, symbolic links resolved: `PREFIX/lib/python3.N` beside
//!    `PREFIX/bin/python3.N` (no process started).
//! 3. `python3 -S -c 'import sysconfig; print(sysconfig.get_path("stdlib"))'` (covers wrappers
//!    such as pyenv's shims; one process, once).
//! 4. The usual places of CPython 3.11: `/usr/lib/python3.11`, `/usr/local/lib/python3.11`.
//!
//! A candidate counts only if it holds `os.py`. The directory is not added to `sys.path`
//! (that would put it before the built-in modules); packages found in it get their own
//! `__path__` as usual. A submodule of one of pyguest's embedded packages (whose `__path__`
//! is empty, e.g. `logging.config`) is looked for in the matching CPython package directory.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

static STDLIB: OnceLock<Option<PathBuf>> = OnceLock::new();

fn is_stdlib(dir: &Path) -> bool {
    dir.join("os.py").is_file()
}

/// `PREFIX/lib/python3.N` of the `python3` found on `PATH`, when it is a (link to a) real
/// `python3.N` binary.
fn from_path_python() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    let exe = std::env::split_paths(&path)
        .map(|d| d.join("python3"))
        .find(|p| p.is_file())?;
    let real = std::fs::canonicalize(&exe).ok()?;
    let name = real.file_name()?.to_str()?.to_string();
    let prefix = real.parent()?.parent()?;
    let mut names = Vec::new();
    if name.starts_with("python3.") {
        names.push(name);
    }
    names.push("python3.11".to_string());
    names
        .into_iter()
        .map(|n| prefix.join("lib").join(n))
        .find(|d| is_stdlib(d))
}

/// What `sysconfig` of the `python3` on `PATH` says.
fn from_sysconfig() -> Option<PathBuf> {
    let out = std::process::Command::new("python3")
        .args([
            "-S",
            "-c",
            "import sysconfig; print(sysconfig.get_path('stdlib'))",
        ])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let dir = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim());
    is_stdlib(&dir).then_some(dir)
}

fn locate() -> Option<PathBuf> {
    if let Some(v) = std::env::var_os("PYGUEST_STDLIB") {
        return if v.is_empty() {
            None
        } else {
            Some(PathBuf::from(v))
        };
    }
    from_path_python().or_else(from_sysconfig).or_else(|| {
        ["/usr/lib/python3.11", "/usr/local/lib/python3.11"]
            .iter()
            .map(PathBuf::from)
            .find(|d| is_stdlib(d))
    })
}

/// The CPython standard-library directory, found on first use (see the module doc).
pub fn stdlib_dir() -> Option<&'static Path> {
    STDLIB.get_or_init(locate).as_deref()
}

/// The file of module `name` (dotted) in the CPython library and whether it is a package,
/// for a top-level name or a submodule of an embedded package (`parent_embedded`).
pub fn fallback_file(name: &str, parent_embedded: bool) -> Option<(String, bool)> {
    if name.contains('.') && !parent_embedded {
        return None;
    }
    let mut dir = stdlib_dir()?.to_path_buf();
    let mut parts: Vec<&str> = name.split('.').collect();
    let leaf = parts.pop()?;
    for p in parts {
        dir.push(p);
    }
    let pkg = dir.join(leaf).join("__init__.py");
    if pkg.is_file() {
        return Some((pkg.to_string_lossy().into_owned(), true));
    }
    let file = dir.join(format!("{leaf}.py"));
    file.is_file()
        .then(|| (file.to_string_lossy().into_owned(), false))
}
