//! File-driven IR tests: every `tests/filetests/**/*.trace` file is one case.
//!
//! A file has a header of `# key: value` lines, then sections introduced by `# --- name`:
//! * `# passes: fold` + sections `input` and `expected`: optimize `input` with the named
//!   passes and compare with `expected` (value numbering is free, see `opt::check_opt`).
//!   With a section `loop` too (a loop as `unroll` leaves it), `input` is a bridge jumping to
//!   the loop's first label: the loop's preamble is appended to it first
//!   (`opt::check_bridge_opt`).
//! * `# verify-error: TEXT` (repeatable) + section `input`: the verifier must reject the
//!   input with an error containing each TEXT.
//! * `# roundtrip: yes` + section `input`: printing the parsed input and parsing it again
//!   gives the same text.
//!
//! Name regression files after the bug they pin down.

use metatracer::ir::{parse, print, verify};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|e| e == "trace") {
            out.push(p);
        }
    }
}

struct Case {
    headers: Vec<(String, String)>,
    sections: BTreeMap<String, String>,
}

fn read_case(text: &str) -> Case {
    let mut headers = Vec::new();
    let mut sections = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("# --- ") {
            current = Some(name.trim().to_string());
            sections.insert(name.trim().to_string(), String::new());
        } else if let Some(cur) = &current {
            let s = sections.get_mut(cur).unwrap();
            s.push_str(line);
            s.push('\n');
        } else if let Some(h) = line.strip_prefix("# ") {
            if let Some((k, v)) = h.split_once(':') {
                headers.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
    }
    Case { headers, sections }
}

fn run_case(path: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let case = read_case(&text);
    let input = case
        .sections
        .get("input")
        .ok_or("no `# --- input` section")?;
    let header = |k: &str| {
        case.headers
            .iter()
            .filter(|(hk, _)| hk == k)
            .map(|(_, v)| v.clone())
            .collect::<Vec<_>>()
    };
    let mut checked = false;
    if let Some(passes) = header("passes").first() {
        let expected = case
            .sections
            .get("expected")
            .ok_or("no `# --- expected` section")?;
        match case.sections.get("loop") {
            Some(lp) => metatracer::opt::check_bridge_opt(lp, input, passes, expected)?,
            None => metatracer::opt::check_opt(input, passes, expected)?,
        }
        checked = true;
    }
    let errs = header("verify-error");
    if !errs.is_empty() {
        let t = parse(input).map_err(|e| e.to_string())?;
        let e = match verify(&t) {
            Ok(()) => return Err("expected verifier errors, trace verified".into()),
            Err(e) => e.to_string(),
        };
        for want in errs {
            if !e.contains(&want) {
                return Err(format!("verifier output lacks {want:?}:\n{e}"));
            }
        }
        checked = true;
    }
    if header("roundtrip").first().is_some_and(|v| v == "yes") {
        let t = parse(input).map_err(|e| e.to_string())?;
        verify(&t).map_err(|e| e.to_string())?;
        let p1 = print(&t);
        let p2 = print(&parse(&p1).map_err(|e| e.to_string())?);
        if p1 != p2 {
            return Err(format!("round trip differs:\n{p1}\n{p2}"));
        }
        checked = true;
    }
    if checked {
        Ok(())
    } else {
        Err("no check requested (passes / verify-error / roundtrip)".into())
    }
}

#[test]
fn filetests() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/filetests");
    let mut files = Vec::new();
    collect(&root, &mut files);
    assert!(!files.is_empty());
    let failures: Vec<String> = files
        .iter()
        .filter_map(|f| run_case(f).err().map(|e| format!("{}: {e}", f.display())))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} filetests failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
}
