//! Checks of the source layout of `pyguest/src/` (issue 13) that a change could silently
//! break: every module starts with a `//!` doc, no file grows past about 1,500 lines, the
//! dependency directions stated in `docs/pyguest.md` hold (`compiler/` stands alone, `objects/`
//! never reaches into the dispatch loop or the opcode handlers and names `modules/` only for the
//! two documented exceptions, `interpreter/` never names `modules/`), and the file table of
//! `docs/pyguest.md` lists exactly the files in the tree.
//!
//! The checks read the source text; lines that are comments are skipped, so prose may name
//! anything.

use std::path::{Path, PathBuf};

/// The most lines a source file may have (the "about 1,500").
const MAX_LINES: usize = 1_500;

/// Files allowed past [`MAX_LINES`], with the reason (none at present).
const LONG_FILES: &[(&str, &str)] = &[];

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `src/`, as (path relative to `src/` with `/` separators, text).
fn sources() -> Vec<(String, String)> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .map(|e| e.expect("directory entry").path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, root, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let rel = p.strip_prefix(root).expect("under src").to_string_lossy();
                let text = std::fs::read_to_string(&p).expect("readable source");
                out.push((rel.replace('\\', "/"), text));
            }
        }
    }
    let root = src_dir();
    let mut out = Vec::new();
    walk(&root, &root, &mut out);
    assert!(out.len() > 50, "found only {} source files", out.len());
    out
}

/// The lines of `text` that are code (not comments).
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with("//"))
        .map(|(i, l)| (i + 1, l))
}

#[test]
fn every_module_starts_with_a_doc_comment() {
    for (path, text) in sources() {
        let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        assert!(
            first.starts_with("//!"),
            "{path} does not start with a `//!` module doc"
        );
    }
}

#[test]
fn no_source_file_is_over_the_size_limit() {
    for (path, text) in sources() {
        let n = text.lines().count();
        if LONG_FILES.iter().any(|&(p, _)| p == path) {
            continue;
        }
        assert!(
            n <= MAX_LINES,
            "{path} has {n} lines (limit {MAX_LINES}): split it by concept, or add it to \
             LONG_FILES with the reason"
        );
    }
}

/// The `crate::NAME` paths a directory's code may use, by first component.
fn check_uses(dir: &str, allowed: &[&str]) {
    for (path, text) in sources() {
        if !path.starts_with(dir) {
            continue;
        }
        for (n, line) in code_lines(&text) {
            let mut rest = line;
            while let Some(i) = rest.find("crate::") {
                rest = &rest[i + "crate::".len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                assert!(
                    allowed.contains(&name.as_str()),
                    "{path}:{n} uses crate::{name}, which {dir} must not depend on"
                );
            }
        }
    }
}

#[test]
fn the_compiler_stands_alone() {
    check_uses("compiler/", &["compiler", "stack"]);
}

#[test]
fn the_interpreter_does_not_use_the_native_modules() {
    check_uses(
        "interpreter/",
        &[
            "interpreter",
            "objects",
            "compiler",
            "value",
            "vm",
            "stack",
            "import",
            "argvec",
            "memlimit",
            // the thread scheduler (the switch interval at backward jumps); it uses only
            // the interpreter, objects, vm and stack
            "threads",
        ],
    );
}

#[test]
fn objects_do_not_reach_into_the_dispatch_loop_or_the_modules() {
    check_uses(
        "objects/",
        &[
            "objects",
            "value",
            "vm",
            "memlimit",
            "argvec",
            "compiler",
            "interpreter",
            "modules",
            "stack",
        ],
    );
    // the two documented exceptions (docs/pyguest.md, "Dependencies") are the only module uses
    let allowed_modules = ["crate::modules::codecs::", "crate::modules::union::"];
    for (path, text) in sources() {
        if !path.starts_with("objects/") {
            continue;
        }
        for (n, line) in code_lines(&text) {
            for bad in [
                "dispatch::",
                "opcodes::",
                "opcodes_build::",
                "opcodes_calls::",
            ] {
                assert!(
                    !line.contains(bad),
                    "{path}:{n} names the interpreter's `{bad}`: objects call only the \
                     interpreter's entry points"
                );
            }
            let mut rest = line;
            while let Some(i) = rest.find("crate::modules::") {
                rest = &rest[i..];
                assert!(
                    allowed_modules.iter().any(|a| rest.starts_with(a)),
                    "{path}:{n} uses a native module other than codecs and union"
                );
                rest = &rest["crate::modules::".len()..];
            }
        }
    }
}

#[test]
fn the_file_table_in_the_docs_matches_the_tree() {
    let doc_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/pyguest.md");
    let doc = std::fs::read_to_string(&doc_path).expect("docs/pyguest.md");
    let start = doc.find("### Files").expect("a `### Files` section");
    let rest = &doc[start + 1..];
    let end = rest
        .find("\n### ")
        .or_else(|| rest.find("\n## "))
        .unwrap_or(rest.len());
    let table = &rest[..end];
    let files: Vec<String> = sources().into_iter().map(|(p, _)| p).collect();
    for f in &files {
        assert!(
            table.contains(&format!("`{f}`")),
            "docs/pyguest.md's file table does not list `{f}`"
        );
    }
    // and names no file that is gone
    for piece in table.split('`').skip(1).step_by(2) {
        if piece.ends_with(".rs") && !piece.contains(' ') {
            assert!(
                files.iter().any(|f| f == piece),
                "docs/pyguest.md's file table lists `{piece}`, which is not in pyguest/src"
            );
        }
    }
}
