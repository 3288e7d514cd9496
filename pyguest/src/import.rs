//! Source loading, compilation entry points and the import system.
//!
//! Module search: `sys.modules`, then for each `sys.path` entry (the script's directory, then
//! `PYTHONPATH` entries) `NAME.py` or `NAME/__init__.py` (submodules search the package's
//! `__path__`), then the modules built into the binary (`modules/mod.rs`), then the pure-Python
//! module of an installed CPython's standard library (`stdlib_dir.rs`). Sources of loaded files
//! are remembered for tracebacks.

use crate::compiler::codegen::{CodeUnit, CompileError};
use crate::interpreter::{self, PyErr, PyResult};
use crate::objects::ops;
use crate::objects::*;
use crate::value::Value;
use crate::vm::{self, cls, intern, type_error, vm, C};
use metatracer::gc::Gc;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

thread_local! {
    static SOURCES: RefCell<HashMap<String, (String, Vec<usize>)>> = RefCell::new(HashMap::new());
}

/// Line `n` (1-based) of a loaded source file.
pub fn source_line(filename: &str, n: u32) -> Option<String> {
    SOURCES.with(|s| {
        let s = s.borrow();
        let (src, starts) = s.get(filename)?;
        let i = (n as usize).checked_sub(1)?;
        let start = *starts.get(i)?;
        Some(line_at(src, start).to_string())
    })
}

/// The line of `src` starting at byte `start`, as `str::lines` gives it (a `\r` before the
/// `\n` that ends it is dropped).
fn line_at(src: &str, start: usize) -> &str {
    match src[start..].find('\n') {
        Some(e) => {
            let line = &src[start..start + e];
            line.strip_suffix('\r').unwrap_or(line)
        }
        None => &src[start..],
    }
}

/// Where each line of `src` starts, as `str::lines` splits it (no entry for the empty tail
/// after a final newline): `source_line` is asked for a line of a large file at every
/// merge point of every trace the JIT compiles, and at every traceback entry.
fn line_starts(src: &str) -> Vec<usize> {
    if src.is_empty() {
        return Vec::new();
    }
    let mut starts = vec![0];
    for (i, b) in src.bytes().enumerate() {
        if b == b'\n' && i + 1 < src.len() {
            starts.push(i + 1);
        }
    }
    starts
}

pub fn remember_source(filename: &str, src: &str) {
    SOURCES.with(|s| {
        s.borrow_mut()
            .insert(filename.to_string(), (src.to_string(), line_starts(src)))
    });
}

fn line_col(src: &str, off: usize) -> (u32, u32) {
    let off = off.min(src.len());
    let before = &src[..off];
    let line = before.matches('\n').count() as u32 + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0) as u32
        + 1;
    (line, col)
}

/// A `SyntaxError` with a message and no location (CPython prints it as one line).
fn plain_syntax_error(msg: String) -> PyErr {
    let e = vm::exc(C::SyntaxError, msg.clone());
    if let Some(i) = as_instance(e.0) {
        ops::instance_set(i, intern("msg"), new_string(msg));
        for n in [
            "filename",
            "lineno",
            "offset",
            "text",
            "end_lineno",
            "end_offset",
        ] {
            ops::instance_set(i, intern(n), Value::NONE);
        }
    }
    e
}

/// CPython's message for undecodable UTF-8 in a source that is not the main script: the
/// tokenizer decodes string literals, so the position counts from the literal's opening
/// quote.
fn literal_utf8_error(body: &[u8], at: usize) -> String {
    let line_start = body[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let quote = body[line_start..at]
        .iter()
        .rposition(|&b| b == b'\'' || b == b'"')
        .map(|p| line_start + p);
    let (start, end) = match quote {
        Some(q) => {
            let close = body[at..]
                .iter()
                .position(|&b| b == body[q] || b == b'\n')
                .map_or(body.len(), |p| at + p);
            (q + 1, close)
        }
        None => (line_start, body.len()),
    };
    let slice = &body[start..end];
    let (pos, reason) = match std::str::from_utf8(slice) {
        Err(e) => {
            let p = e.valid_up_to();
            let reason = match e.error_len() {
                None => "unexpected end of data",
                Some(_) if (0xc2..=0xf4).contains(&slice[p]) => "invalid continuation byte",
                Some(_) => "invalid start byte",
            };
            (p, reason)
        }
        Ok(_) => (at - start, "invalid start byte"),
    };
    format!(
        "(unicode error) 'utf-8' codec can't decode byte 0x{:02x} in position {pos}: {reason}",
        slice.get(pos).copied().unwrap_or(body[at])
    )
}

/// The encoding a PEP 263 cookie (`# -*- coding: NAME -*-`) on line 1 or 2 declares; line 2
/// counts only when line 1 is blank or a comment.
fn coding_cookie(src: &[u8]) -> Option<String> {
    let mut lines = src.split(|&b| b == b'\n');
    let first = lines.next()?;
    let find = |line: &[u8]| -> Option<String> {
        let line = String::from_utf8_lossy(line);
        let t = line.trim_start_matches([' ', '\t', '\x0c']);
        let comment = t.strip_prefix('#')?;
        let at = comment.find("coding")?;
        let rest = comment[at + 6..].strip_prefix([':', '='])?;
        let name: String = rest
            .trim_start_matches([' ', '\t'])
            .chars()
            .take_while(|c| c.is_alphanumeric() || "-_.".contains(*c))
            .collect();
        (!name.is_empty()).then_some(name)
    };
    if let Some(n) = find(first) {
        return Some(n);
    }
    let t = String::from_utf8_lossy(first);
    let t = t.trim_start_matches([' ', '\t', '\x0c', '\r']);
    if t.is_empty() || t.starts_with('#') {
        return lines.next().and_then(find);
    }
    None
}

/// CPython's `get_normal_name`: the spellings of UTF-8 and Latin-1 folded to one name.
fn normal_encoding(name: &str) -> String {
    let low: String = name
        .chars()
        .take(12)
        .map(|c| {
            if c == '_' {
                '-'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    if low == "utf-8" || low.starts_with("utf-8-") {
        return "utf-8".into();
    }
    for l1 in ["latin-1", "iso-8859-1", "iso-latin-1"] {
        if low == l1 || low.starts_with(&format!("{l1}-")) {
            return "iso-8859-1".into();
        }
    }
    name.to_string()
}

/// Source bytes to text as PEP 263 says (CPython's tokenizer): a UTF-8 byte-order mark, a
/// coding cookie on line 1 or 2 (any codec pyguest's `codecs` knows), otherwise strict
/// UTF-8. Undecodable bytes, an unknown codec, a BOM with another cookie and NUL bytes are
/// `SyntaxError`s with CPython's messages.
/// `main` is the program itself (CPython words its errors differently for a script than for
/// `compile()`, `exec()` and imports).
pub fn decode_source(src: &[u8], filename: &str, main: bool) -> PyResult<String> {
    let (bom, body) = match src.strip_prefix(b"\xef\xbb\xbf") {
        Some(rest) => (true, rest),
        None => (false, src),
    };
    let text = match coding_cookie(body).map(|n| (normal_encoding(&n), n)) {
        Some((enc, _)) if bom && enc != "utf-8" => {
            return Err(plain_syntax_error(format!(
                "encoding problem: {enc} with BOM"
            )))
        }
        Some((enc, _)) if enc == "iso-8859-1" => body.iter().map(|&b| b as char).collect(),
        Some((enc, raw)) if enc != "utf-8" => {
            if crate::modules::codecs::lookup(&enc).is_err() {
                return Err(if main {
                    plain_syntax_error(format!("encoding problem: {raw}"))
                } else {
                    decoding_syntax_error(format!("unknown encoding: {raw}"), filename, 0)
                });
            }
            let r = crate::modules::codecs::decode_bytes(
                new_bytes(body.to_vec(), false),
                &enc,
                "strict",
            )
            .map_err(|e| {
                plain_syntax_error(format!(
                    "(unicode error) {}",
                    ops::str_of(e.0).unwrap_or_default()
                ))
            })?;
            ops::str_of(r)?
        }
        _ => match std::str::from_utf8(body) {
            Ok(t) => t.to_string(),
            Err(e) if !main => {
                let at = e.valid_up_to();
                let line = body[..at].iter().filter(|&&b| b == b'\n').count() + 1;
                return Err(decoding_syntax_error(
                    literal_utf8_error(body, at),
                    filename,
                    line as i64,
                ));
            }
            Err(e) => {
                let at = e.valid_up_to();
                let line = body[..at].iter().filter(|&&b| b == b'\n').count() + 1;
                return Err(plain_syntax_error(format!(
                    "Non-UTF-8 code starting with '\\x{:02x}' in file {filename} on line \
                     {line}, but no encoding declared; see https://peps.python.org/pep-0263/ \
                     for details",
                    body[at]
                )));
            }
        },
    };
    if let Some(at) = text.find('\0') {
        if !main {
            return Err(plain_syntax_error(
                "source code string cannot contain null bytes".into(),
            ));
        }
        return Err(syntax_error(
            "source code cannot contain null bytes",
            filename,
            &text,
            at,
        ));
    }
    Ok(text)
}

/// A `SyntaxError` instance for a message at byte offset `off`.
/// A `SyntaxError` about undecodable source given to `compile()`/`exec()`: CPython's message
/// with the file name and a line (`lineno` 0, `offset` -1 for a bad coding cookie; the line
/// of the first bad byte otherwise), so that its `str()` ends in `(FILE, line N)`.
fn decoding_syntax_error(msg: String, filename: &str, lineno: i64) -> PyErr {
    let offset = if lineno == 0 { -1 } else { 1 };
    let details = new_tuple(&[
        new_str(filename),
        Value::small(lineno),
        Value::small(offset),
        Value::NONE,
    ]);
    let e = vm::new_exception(cls(C::SyntaxError), &[new_string(msg.clone()), details]);
    if let Some(i) = as_instance(e) {
        ops::instance_set(i, intern("msg"), new_string(msg));
        ops::instance_set(i, intern("filename"), new_str(filename));
        ops::instance_set(i, intern("lineno"), Value::small(lineno));
        ops::instance_set(i, intern("offset"), Value::small(offset));
        for n in ["text", "end_lineno", "end_offset"] {
            ops::instance_set(i, intern(n), Value::NONE);
        }
    }
    PyErr(e)
}

pub fn syntax_error(msg: &str, filename: &str, src: &str, off: usize) -> PyErr {
    let (line, col) = line_col(src, off);
    let text = src.lines().nth(line as usize - 1).unwrap_or("").to_string();
    let details = new_tuple(&[
        new_str(filename),
        Value::small(line as i64),
        Value::small(col as i64),
        new_string(text.clone()),
    ]);
    let e = vm::new_exception(cls(C::SyntaxError), &[new_str(msg), details]);
    if let Some(i) = as_instance(e) {
        ops::instance_set(i, intern("msg"), new_str(msg));
        ops::instance_set(i, intern("filename"), new_str(filename));
        ops::instance_set(i, intern("lineno"), Value::small(line as i64));
        ops::instance_set(i, intern("offset"), Value::small(col as i64));
        ops::instance_set(i, intern("text"), new_string(text));
    }
    PyErr(e)
}

/// CPython's message for a malformed number literal starting at byte `at` of `src`
/// (`0xx`, `0b2`, `0o`, `09`), which the parser reports with Rust's wording
/// (`ParseIntError { kind: Empty }`, "Invalid decimal integer literal").
fn number_literal_msg(src: &str, at: usize) -> Option<String> {
    let tail = src.get(at..)?;
    let tok: String = tail
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
        .collect();
    let lower = tok.to_ascii_lowercase();
    let (name, radix) = match lower.get(..2) {
        Some("0x") => ("hexadecimal", 16),
        Some("0o") => ("octal", 8),
        Some("0b") => ("binary", 2),
        _ => {
            if tok.len() > 1
                && tok.starts_with('0')
                && tok.chars().all(|c| c.is_ascii_digit() || c == '_')
            {
                return Some(
                    "leading zeros in decimal integer literals are not permitted; use an 0o \
                     prefix for octal integers"
                        .to_string(),
                );
            }
            return None;
        }
    };
    // a decimal digit out of range right after valid digits: "invalid digit '8' in octal literal"
    let digits = &tok[2..];
    let bad = digits.chars().find(|c| *c != '_' && !c.is_digit(radix));
    if let Some(c) = bad.filter(|c| c.is_ascii_digit()) {
        return Some(format!("invalid digit '{c}' in {name} literal"));
    }
    Some(format!("invalid {name} literal"))
}

fn parse_msg(e: &ruff_python_parser::ParseError, src: &str) -> String {
    let s = e.error.to_string();
    if s.starts_with("ParseIntError") || s.contains("Invalid decimal integer literal") {
        if let Some(m) = number_literal_msg(src, e.location.start().to_usize()) {
            return m;
        }
    }
    // CPython's wording for the most common case
    if s.starts_with("Expected") || s.starts_with("Unexpected") || s.contains("invalid syntax") {
        format!("invalid syntax ({})", s)
    } else {
        s
    }
}

/// The Python error for a program that nests too deeply (CPython's kinds and wording).
fn nesting_error(e: crate::compiler::nesting::Nesting, filename: &str, src: &str) -> PyErr {
    match e {
        crate::compiler::nesting::Nesting::Brackets(at) => {
            syntax_error("too many nested parentheses", filename, src, at)
        }
        crate::compiler::nesting::Nesting::Depth(_) => vm::exc(
            C::RecursionError,
            "maximum recursion depth exceeded during compilation",
        ),
    }
}

/// The `SyntaxError` of a parse failure in `src`.
fn parse_error(e: &ruff_python_parser::ParseError, filename: &str, src: &str) -> PyErr {
    syntax_error(
        &parse_msg(e, src),
        filename,
        src,
        e.location.start().to_usize(),
    )
}

/// The code object of a compiled unit, or the `SyntaxError` of a compile failure in `src`.
fn materialize_unit(
    unit: Result<Rc<CodeUnit>, CompileError>,
    filename: &str,
    src: &str,
) -> PyResult<Gc<CodeObj>> {
    let unit = unit.map_err(|e| syntax_error(&e.msg, filename, src, e.offset as usize))?;
    Ok(interpreter::materialize(&unit))
}

/// Compiles module source to a code object.
pub fn compile_module_src(src: &str, filename: &str, name: &str) -> PyResult<Gc<CodeObj>> {
    remember_source(filename, src);
    use crate::compiler::nesting;
    nesting::check_brackets(src).map_err(|e| nesting_error(e, filename, src))?;
    let parsed =
        ruff_python_parser::parse_module(src).map_err(|e| parse_error(&e, filename, src))?;
    let module = parsed.syntax();
    nesting::check_depth(&module.body, nesting::depth_limit())
        .map_err(|e| nesting_error(e, filename, src))?;
    let unit = crate::compiler::codegen::compile_module(&module.body, src, filename, name);
    materialize_unit(unit, filename, src)
}

/// Compiles interactive input (`compile(..., 'single')`, the REPL): expression statements
/// at the top level are shown with `sys.displayhook`.
pub fn compile_interactive_src(src: &str, filename: &str) -> PyResult<Gc<CodeObj>> {
    remember_source(filename, src);
    let parsed =
        ruff_python_parser::parse_module(src).map_err(|e| parse_error(&e, filename, src))?;
    let module = parsed.syntax();
    let unit = crate::compiler::codegen::compile_interactive(&module.body, src, filename);
    materialize_unit(unit, filename, src)
}

pub fn compile_eval_src(src: &str, filename: &str) -> PyResult<Gc<CodeObj>> {
    let trimmed = src.trim_start_matches([' ', '\t']);
    use crate::compiler::nesting;
    nesting::check_brackets(trimmed).map_err(|e| nesting_error(e, filename, trimmed))?;
    let parsed = ruff_python_parser::parse_expression(trimmed)
        .map_err(|e| parse_error(&e, filename, trimmed))?;
    nesting::check_expr_depth(&parsed.syntax().body, nesting::depth_limit())
        .map_err(|e| nesting_error(e, filename, trimmed))?;
    let unit = crate::compiler::codegen::compile_eval(&parsed.syntax().body, trimmed, filename);
    materialize_unit(unit, filename, trimmed)
}

pub use crate::objects::module::new_module;

fn module_not_found(name: &str) -> PyErr {
    not_found_error(name, format!("No module named '{name}'"))
}

/// A `ModuleNotFoundError` with its `msg` and `name` set (as importlib raises them).
fn not_found_error(name: &str, msg: String) -> PyErr {
    let e = vm::exc(C::ModuleNotFoundError, msg.clone());
    if let Some(i) = as_instance(e.0) {
        ops::instance_set(i, intern("msg"), new_string(msg));
        ops::instance_set(i, intern("name"), new_str(name));
    }
    e
}

/// `sys.modules[name] = None` blocks the import of `name` (CPython's `_find_and_load`).
fn import_halted(name: &str) -> PyErr {
    not_found_error(
        name,
        format!("import of {name} halted; None in sys.modules"),
    )
}

/// `sys.modules[name]`, or the error of a blocked import when that is None.
fn loaded_module(modules: Gc<DictObj>, name: &str) -> PyResult<Option<Value>> {
    match modules.get_str(name) {
        Some(m) if m.is_none() => Err(import_halted(name)),
        m => Ok(m),
    }
}

/// Finds a file for module `name` (last component `leaf`) in `dirs`.
fn find_file(leaf: &str, dirs: &[String]) -> Option<(String, bool)> {
    for d in dirs {
        let base = if d.is_empty() {
            ".".to_string()
        } else {
            d.clone()
        };
        let pkg = format!("{base}/{leaf}/__init__.py");
        if std::path::Path::new(&pkg).is_file() {
            return Some((pkg, true));
        }
        let f = format!("{base}/{leaf}.py");
        if std::path::Path::new(&f).is_file() {
            return Some((f, false));
        }
    }
    None
}

fn str_list(v: Value) -> Vec<String> {
    match as_list(v) {
        Some(l) => l
            .as_slice()
            .iter()
            .filter_map(|&x| as_str(x).map(|s| s.s.to_string()))
            .collect(),
        None => Vec::new(),
    }
}

/// Runs a source file as module `name`, registering it in `sys.modules` first.
pub fn exec_file_module(name: &str, path: &str, is_pkg: bool) -> PyResult<Value> {
    let src = std::fs::read(path)
        .map_err(|e| vm::exc(C::ImportError, format!("cannot read {path}: {e}")))?;
    let src = decode_source(&src, path, false)?;
    let m = new_module(name, Some(path));
    if is_pkg {
        let dir = std::path::Path::new(path)
            .parent()
            .map(|p| p.to_string_lossy().to_string())
            .unwrap_or_default();
        m.dict
            .set_str("__path__", new_list_from(&[new_string(dir)]));
        m.dict.set_str("__package__", new_str(name));
    } else {
        let pkg = name.rsplit_once('.').map(|(p, _)| p).unwrap_or("");
        m.dict.set_str("__package__", new_str(pkg));
    }
    let mv = Value::obj(m);
    let modules = vm().modules.get();
    modules.set_item(new_str(name), mv)?;
    let r = compile_module_src(&src, path, name)
        .and_then(|code| interpreter::run_module_code(code, m.dict));
    if let Err(e) = r {
        let _ = modules.remove(new_str(name));
        return Err(e);
    }
    // the module may have replaced itself in sys.modules
    Ok(modules.get_str(name).unwrap_or(mv))
}

/// For `-m`: the source, file name and (for a package) directory of module `name`, found
/// where [`load_module`] would find it (`sys.path` or the parent's `__path__`, then
/// pyguest's embedded modules, then the CPython library fallback) without running it; the
/// parent packages are imported. None when no module has source by that name.
pub fn find_module_source(name: &str) -> PyResult<Option<(String, String, Option<String>)>> {
    let (parent, leaf) = match name.rsplit_once('.') {
        Some((p, l)) => (Some(p), l),
        None => (None, name),
    };
    let dirs = match parent {
        Some(p) => match ops::getattr_opt(load_module(p)?, intern("__path__"))? {
            Some(path) => str_list(path),
            None => return Ok(None),
        },
        None => str_list(Value::obj(vm().sys_path.get())),
    };
    let read = |path: &str, is_pkg: bool| -> PyResult<Option<(String, String, Option<String>)>> {
        let src = std::fs::read(path)
            .map_err(|e| vm::exc(C::ImportError, format!("cannot read {path}: {e}")))?;
        let src = decode_source(&src, path, false)?;
        let dir = is_pkg.then(|| {
            std::path::Path::new(path)
                .parent()
                .map(|p| p.to_string_lossy().to_string())
                .unwrap_or_default()
        });
        Ok(Some((src, path.to_string(), dir)))
    };
    if let Some((path, is_pkg)) = find_file(leaf, &dirs) {
        return read(&path, is_pkg);
    }
    if let Some((_, src)) = crate::modules::EMBEDDED.iter().find(|(n, _)| *n == name) {
        return Ok(Some((
            src.to_string(),
            format!("<pyguest>/{name}.py"),
            None,
        )));
    }
    match crate::stdlib_dir::fallback_file(name, dirs.is_empty()) {
        Some((path, is_pkg)) => read(&path, is_pkg),
        None => Ok(None),
    }
}

/// Imports the module with absolute dotted `name`, importing parents first.
pub fn load_module(name: &str) -> PyResult<Value> {
    let modules = vm().modules.get();
    if let Some(m) = loaded_module(modules, name)? {
        return Ok(m);
    }
    let (parent, leaf) = match name.rsplit_once('.') {
        Some((p, l)) => (Some(p), l),
        None => (None, name),
    };
    let dirs = match parent {
        Some(p) => {
            // a parent already in sys.modules is not imported again, even when it is None
            // (then it is "not a package", as in CPython's `_find_and_load_unlocked`)
            let pm = match modules.get_str(p) {
                Some(pm) => pm,
                None => load_module(p)?,
            };
            if let Some(m) = loaded_module(modules, name)? {
                return Ok(m);
            }
            match ops::getattr_opt(pm, intern("__path__"))? {
                Some(path) => str_list(path),
                None => {
                    return Err(not_found_error(
                        name,
                        format!("No module named '{name}'; '{p}' is not a package"),
                    ))
                }
            }
        }
        None => str_list(Value::obj(vm().sys_path.get())),
    };
    let m = if name == "sys" {
        None
    } else {
        find_file(leaf, &dirs)
    };
    let m = match m {
        Some((path, is_pkg)) => exec_file_module(name, &path, is_pkg)?,
        None => match crate::modules::builtin_module(name)? {
            Some(m) => m,
            // neither on sys.path nor built in: an installed CPython's pure-Python module
            None => match crate::stdlib_dir::fallback_file(name, dirs.is_empty()) {
                Some((path, is_pkg)) => exec_file_module(name, &path, is_pkg)?,
                None => return Err(module_not_found(name)),
            },
        },
    };
    if let Some(p) = parent {
        if let Some(pm) = modules.get_str(p) {
            let _ = ops::setattr(pm, intern(leaf), m);
        }
    }
    Ok(m)
}

fn resolve_relative(name: &str, level: i64, globals: Gc<DictObj>) -> PyResult<String> {
    if level == 0 {
        return Ok(name.to_string());
    }
    let pkg = match globals.get_str("__package__") {
        Some(p) if as_str(p).is_some_and(|s| !s.s.is_empty()) => ops::str_of(p)?,
        _ => {
            let n = globals
                .get_str("__name__")
                .map(ops::str_of)
                .transpose()?
                .unwrap_or_default();
            if globals.get_str("__path__").is_some() {
                n
            } else {
                n.rsplit_once('.')
                    .map(|(p, _)| p.to_string())
                    .unwrap_or_default()
            }
        }
    };
    if pkg.is_empty() || pkg == "__main__" {
        return Err(vm::exc(
            C::ImportError,
            "attempted relative import with no known parent package",
        ));
    }
    let mut base = pkg.as_str();
    for _ in 1..level {
        base = match base.rsplit_once('.') {
            Some((p, _)) => p,
            None => {
                return Err(vm::exc(
                    C::ImportError,
                    "attempted relative import beyond top-level package",
                ))
            }
        };
    }
    Ok(if name.is_empty() {
        base.to_string()
    } else {
        format!("{base}.{name}")
    })
}

/// IMPORT_NAME: returns the top package (`import a.b`) or the leaf module.
pub fn import_name(
    name: Value,
    level: i64,
    fromlist: Value,
    globals: Gc<DictObj>,
) -> PyResult<Value> {
    let n = ops::str_of(name)?;
    let full = resolve_relative(&n, level, globals)?;
    let leaf = load_module(&full)?;
    if fromlist.is_none() {
        let top = full.split('.').next().unwrap();
        return Ok(vm().modules.get().get_str(top).unwrap_or(leaf));
    }
    if let Some(t) = as_tuple(fromlist) {
        let is_pkg = ops::getattr_opt(leaf, intern("__path__"))?.is_some();
        if is_pkg {
            for &x in t.as_slice() {
                let xs = ops::str_of(x)?;
                if xs != "*" && ops::getattr_opt(leaf, x)?.is_none() {
                    let sub = format!("{full}.{xs}");
                    // a missing submodule is left to IMPORT_FROM's error, a blocked one
                    // (None in sys.modules) is not (CPython's `_handle_fromlist`)
                    let blocked = vm()
                        .modules
                        .get()
                        .get_str(&sub)
                        .is_some_and(|v| v.is_none());
                    match load_module(&sub) {
                        Ok(_) => {}
                        Err(e) if vm::exc_matches(&e, C::ModuleNotFoundError) && !blocked => {}
                        Err(e) => return Err(e),
                    }
                }
            }
        }
    }
    Ok(leaf)
}

pub fn import_from(m: Value, name: Value) -> PyResult<Value> {
    if let Some(v) = ops::getattr_opt(m, name)? {
        return Ok(v);
    }
    let mname = ops::getattr_opt(m, intern("__name__"))?
        .map(ops::str_of)
        .transpose()?
        .unwrap_or_default();
    let n = ops::str_of(name)?;
    if let Ok(v) = load_module(&format!("{mname}.{n}")) {
        return Ok(v);
    }
    let file = ops::getattr_opt(m, intern("__file__"))?
        .map(ops::str_of)
        .transpose()?;
    let msg = match &file {
        Some(f) => format!("cannot import name '{n}' from '{mname}' ({f})"),
        None => format!("cannot import name '{n}' from '{mname}' (unknown location)"),
    };
    let e = vm::exc(C::ImportError, msg.clone());
    if let Some(i) = as_instance(e.0) {
        ops::instance_set(i, intern("msg"), new_string(msg));
        ops::instance_set(i, intern("name"), new_string(mname));
        if let Some(f) = file {
            ops::instance_set(i, intern("path"), new_string(f));
        }
    }
    Err(e)
}

pub fn import_star(m: Value, ns: Gc<DictObj>) -> PyResult<()> {
    let md = as_module(m)
        .map(|x| x.dict)
        .ok_or_else(|| type_error("import * from non-module"))?;
    if let Some(all) = md.get_str("__all__") {
        for n in crate::objects::native::seq_items(all)? {
            let v = ops::getattr(m, n)?;
            ns.set_item(n, v)?;
        }
        return Ok(());
    }
    for i in 0..md.entry_count() {
        let k = md.key_at(i);
        if let Some(s) = as_str(k) {
            if !s.s.starts_with('_') {
                ns.set_item(k, md.val_at(i))?;
            }
        }
    }
    Ok(())
}

/// `exec(src, globals, locals)` / `eval(...)`.
pub fn exec_eval(a: Args, is_eval: bool) -> PyResult<Value> {
    let src = a.pos[0];
    let cur = interpreter::current_frame();
    let globals = match a.pos.get(1).copied().filter(|v| !v.is_none()) {
        Some(g) => as_dict(g).ok_or_else(|| type_error("globals must be a dict"))?,
        None => cur
            .map(|f| f.globals())
            .ok_or_else(|| type_error("no globals"))?,
    };
    if globals.get_str("__builtins__").is_none() {
        globals.set_str("__builtins__", Value::obj(vm().builtins.get()));
    }
    let locals = match a.pos.get(2).copied().filter(|v| !v.is_none()) {
        Some(l) => l,
        None if a.pos.get(1).is_some_and(|v| !v.is_none()) => Value::obj(globals),
        None => match cur {
            Some(f) if !f.ns().is_null() => f.ns(),
            Some(f) if f.code.d.flags & CO_NAMESPACE == 0 => {
                crate::objects::native::seq_items(new_tuple(&[]))?;
                // function frame: a snapshot of its locals
                let d = new_dict();
                for (i, n) in f.code.d.varnames.iter().enumerate() {
                    let v = f.regs.get(i);
                    if !v.is_null() {
                        d.set_str(n, v);
                    }
                }
                Value::obj(d)
            }
            _ => Value::obj(globals),
        },
    };
    let code = if let Some(c) = as_code(src) {
        c
    } else {
        let s = match as_str(src) {
            Some(s) => s.s.to_string(),
            None => match ops::bytes_like(src) {
                Some(b) => decode_source(&b, "<string>", false)?,
                None => {
                    return Err(type_error(format!(
                        "{}() arg 1 must be a string, bytes or code object",
                        if is_eval { "eval" } else { "exec" }
                    )))
                }
            },
        };
        if is_eval {
            compile_eval_src(&s, "<string>")?
        } else {
            compile_module_src(&s, "<string>", "<string>")?
        }
    };
    let r = interpreter::run_code_ns(code, globals, locals)?;
    Ok(if is_eval { r } else { Value::NONE })
}

pub fn bi_compile(a: Args) -> PyResult<Value> {
    let filename = a
        .pos
        .get(1)
        .map(|&v| ops::str_of(v))
        .transpose()?
        .unwrap_or_else(|| "<string>".into());
    let src = match (as_str(a.pos[0]), ops::bytes_like(a.pos[0])) {
        (None, Some(b)) => decode_source(&b, &filename, false)?,
        _ => ops::str_of(a.pos[0])?,
    };
    let mode = a
        .pos
        .get(2)
        .map(|&v| ops::str_of(v))
        .transpose()?
        .unwrap_or_else(|| "exec".into());
    let code = match mode.as_str() {
        "eval" => compile_eval_src(&src, &filename)?,
        "exec" => compile_module_src(&src, &filename, "<module>")?,
        "single" => compile_interactive_src(&src, &filename)?,
        _ => {
            return Err(vm::value_error(
                "compile() mode must be 'exec', 'eval' or 'single'",
            ))
        }
    };
    Ok(Value::obj(code))
}

pub fn bi_import(a: Args) -> PyResult<Value> {
    let name = ops::str_of(a.pos[0])?;
    let fromlist = crate::objects::native::kwarg(&a, "fromlist")
        .or(a.pos.get(3).copied())
        .unwrap_or(Value::NONE);
    let m = load_module(&name)?;
    if fromlist.is_none() || !ops::truthy(fromlist)? {
        let top = name.split('.').next().unwrap();
        return Ok(vm().modules.get().get_str(top).unwrap_or(m));
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::{line_at, line_starts};

    /// The line index gives exactly what `str::lines` gives, line by line and in number.
    #[test]
    fn line_index_matches_str_lines() {
        for src in [
            "",
            "a",
            "a\n",
            "a\nb",
            "a\r\nb\r\n",
            "\n\n",
            "x\r",
            "x\ry\n\r\n z",
            "é\nü\n",
        ] {
            let want: Vec<&str> = src.lines().collect();
            let got: Vec<&str> = line_starts(src).iter().map(|&s| line_at(src, s)).collect();
            assert_eq!(got, want, "{src:?}");
        }
    }
}
