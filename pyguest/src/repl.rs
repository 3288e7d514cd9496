//! The interactive interpreter (REPL): started when pyguest has no program and standard
//! input is a terminal, or after the program with `-i`.
//!
//! Lines are read with `rustyline` (line editing, and a history kept in
//! `~/.pyguest_history`). An entry is complete when its brackets, strings and backslash
//! continuations are closed and, if it starts a compound statement (`if`, `def`, `@`, ...),
//! an empty line follows; until then the `sys.ps2` prompt asks for more, as CPython's does.
//! A complete entry is compiled in `'single'` mode (each top-level expression statement's
//! value goes to `sys.displayhook`, which prints its repr and sets `_`) and run in
//! `__main__`. An exception prints its traceback and the REPL goes on; `SystemExit` (from
//! `exit()`, `sys.exit()`) ends it with its status, as does end of input (Ctrl-D); Ctrl-C
//! drops the entry being typed with `KeyboardInterrupt`.

use crate::objects::{new_str, ModuleObj};
use crate::value::Value;
use crate::{import, interpreter, modules, vm};
use metatracer::gc::Gc;
use rustyline::error::ReadlineError;

/// Words that start a compound statement: an entry beginning with one ends at an empty line.
const BLOCK_WORDS: &[&str] = &[
    "if", "for", "while", "def", "class", "with", "try", "async", "match",
];

/// What the entry typed so far needs.
#[derive(Debug, PartialEq, Eq)]
pub enum Entry {
    /// More lines (an open bracket or string, a continuation, or a block without its
    /// terminating empty line).
    Incomplete,
    /// Compile and run it.
    Complete,
}

/// Scans `src` as Python tokens far enough to tell whether a bracket, a string or a
/// backslash continuation is still open at its end.
fn lexically_open(src: &str) -> bool {
    let b = src.as_bytes();
    let mut depth = 0i32;
    let mut i = 0;
    let mut line_continues = false;
    while i < b.len() {
        let c = b[i];
        line_continues = false;
        match c {
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b'\\' if b.get(i + 1) == Some(&b'\n') => {
                line_continues = true;
                i += 2;
                continue;
            }
            b'\'' | b'"' => {
                let triple = b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&c);
                let q = if triple { 3 } else { 1 };
                i += q;
                loop {
                    if i >= b.len() {
                        return true;
                    }
                    if b[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if !triple && b[i] == b'\n' {
                        // an unterminated one-line string: a syntax error, not more input
                        break;
                    }
                    if b[i] == c
                        && (!triple || (b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&c)))
                    {
                        i += q;
                        break;
                    }
                    i += 1;
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    depth > 0 || line_continues || src.trim_end_matches('\n').ends_with('\\')
}

/// Whether the entry's first line starts a compound statement.
fn starts_block(src: &str) -> bool {
    let first = src.trim_start();
    if first.starts_with('@') {
        return true;
    }
    let word: String = first
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if !BLOCK_WORDS.contains(&word.as_str()) {
        return false;
    }
    // `match` is a soft keyword: `match = 3` is an assignment
    let line = first.lines().next().unwrap_or("");
    word != "match" || line.trim_end().ends_with(':')
}

/// Classifies the entry typed so far (lines joined with `\n`, ending with one).
pub fn classify(src: &str) -> Entry {
    if lexically_open(src) {
        return Entry::Incomplete;
    }
    // the line just typed (the entry ends with its newline)
    let last = src
        .strip_suffix('\n')
        .unwrap_or(src)
        .rsplit('\n')
        .next()
        .unwrap_or("");
    if starts_block(src) && !last.trim().is_empty() {
        return Entry::Incomplete;
    }
    Entry::Complete
}

/// Reads `sys.psN` (CPython's prompts; the user may replace them).
fn prompt(name: &str, default: &str) -> String {
    let sys = modules::sys::sys_module();
    match sys.dict.get_str(name) {
        Some(v) => crate::objects::ops::str_of(v).unwrap_or_else(|_| default.to_string()),
        None => default.to_string(),
    }
}

fn history_file() -> Option<std::path::PathBuf> {
    std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".pyguest_history"))
}

/// Runs the REPL in module `main`; returns the process exit status.
pub fn run_repl(main: Gc<ModuleObj>, banner: bool) -> i32 {
    let sys = modules::sys::sys_module();
    if sys.dict.get_str("ps1").is_none() {
        sys.dict.set_str("ps1", new_str(">>> "));
    }
    if sys.dict.get_str("ps2").is_none() {
        sys.dict.set_str("ps2", new_str("... "));
    }
    if banner {
        eprintln!(
            "Python 3.11.7 (pyguest {}, on the metatracer JIT) on linux\n\
             Type \"help\", \"copyright\", \"credits\" or \"license\" for more information.",
            env!("CARGO_PKG_VERSION")
        );
    }
    let mut rl = match rustyline::DefaultEditor::new() {
        Ok(rl) => rl,
        Err(e) => {
            eprintln!("pyguest: cannot start the line editor: {e}");
            return 1;
        }
    };
    let hist = history_file();
    if let Some(h) = &hist {
        let _ = rl.load_history(h);
    }
    let mut entry = String::new();
    let status = loop {
        vm::flush_stdout();
        let p = if entry.is_empty() {
            prompt("ps1", ">>> ")
        } else {
            prompt("ps2", "... ")
        };
        match rl.readline(&p) {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = rl.add_history_entry(line.as_str());
                }
                if entry.is_empty() && line.trim().is_empty() {
                    continue;
                }
                entry.push_str(&line);
                entry.push('\n');
                if classify(&entry) == Entry::Incomplete {
                    continue;
                }
                let src = std::mem::take(&mut entry);
                if let Some(code) = run_entry(&src, main) {
                    break code;
                }
            }
            Err(ReadlineError::Interrupted) => {
                eprintln!("\nKeyboardInterrupt");
                entry.clear();
            }
            Err(ReadlineError::Eof) => {
                println!();
                break 0;
            }
            Err(e) => {
                eprintln!("pyguest: reading input: {e}");
                break 1;
            }
        }
    };
    if let Some(h) = &hist {
        let _ = rl.save_history(h);
    }
    status
}

/// Compiles and runs one entry; `Some(status)` when it raised `SystemExit`.
fn run_entry(src: &str, main: Gc<ModuleObj>) -> Option<i32> {
    let r = import::compile_interactive_src(src, "<stdin>")
        .and_then(|code| interpreter::run_module_code(code, main.dict));
    vm::flush_stdout();
    match r {
        Ok(_) => None,
        Err(e) => {
            if vm::isinstance_c(e.0, vm::C::SystemExit) {
                return Some(crate::report_uncaught(e.0));
            }
            // the traceback; the REPL goes on
            let sys = modules::sys::sys_module();
            sys.dict.set_str("last_value", e.0);
            sys.dict.set_str("last_type", Value::obj(vm::type_of(e.0)));
            crate::report_uncaught(e.0);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complete_and_incomplete_entries() {
        use Entry::*;
        let cases: &[(&str, Entry)] = &[
            ("1 + 2\n", Complete),
            ("x = (1,\n", Incomplete),
            ("x = (1,\n 2)\n", Complete),
            ("s = '''a\n", Incomplete),
            ("s = '''a\nb'''\n", Complete),
            ("s = 'it''s'\n", Complete),
            ("t = \"(\"\n", Complete),
            ("x = 1 + \\\n", Incomplete),
            ("# a ( comment\n", Complete),
            ("if x:\n", Incomplete),
            ("if x:\n    y = 1\n", Incomplete),
            ("if x:\n    y = 1\n\n", Complete),
            ("for i in range(3): print(i)\n", Incomplete),
            ("@dec\n", Incomplete),
            ("match = 3\n", Complete),
            ("match x:\n", Incomplete),
            ("classic = 1\n", Complete),
            ("d = {1:\n", Incomplete),
            ("d = {1:\n 2}\n", Complete),
            ("'unterminated\n", Complete),
        ];
        for (src, want) in cases {
            assert_eq!(&classify(src), want, "{src:?}");
        }
    }
}
