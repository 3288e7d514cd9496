//! `unicodedata`: the Unicode character database as CPython 3.11 answers it (Unicode 14.0.0).
//!
//! The per-character properties (`category`, `bidirectional`, `east_asian_width`,
//! `combining`, `mirrored`, `decomposition`, `decimal`, `digit`, `numeric`) come from
//! `unicodedata_tables.rs`, generated from CPython 3.11's own module by
//! `pyguest/tools/gen_unicodedata.py`, so they agree with it for every code point. Names
//! (`name`, `lookup`) come from the `unicode_names2` crate and normalization (`normalize`,
//! `is_normalized`) from `unicode-normalization` (both already built for the parser); those
//! crates follow newer Unicode versions, so `name` answers only for characters assigned in
//! 14.0 (category not `Cn`), and normalization of characters added after 14.0 may differ
//! from CPython's. `lookup` accepts names and aliases, not CPython's named sequences.
//! `ucd_3_2_0` (used by `stringprep`/IDNA) is a second module object with the same functions
//! and `unidata_version` "3.2.0", answering with the 14.0 data: characters assigned after
//! Unicode 3.2 are not reported as unassigned there, unlike CPython.
//! Errors and messages are CPython's (`TypeError` for a non-character argument, `ValueError`
//! "no such name", `KeyError` "undefined character name ...").

use super::native_class::arg;
use super::unicodedata_tables as t;
use super::*;
use crate::vm::key_error;
use unicode_normalization::UnicodeNormalization;

/// The value of the run holding `cp` in a run table.
fn run_value(table: &[(u32, u8)], cp: u32) -> u8 {
    let i = table.partition_point(|&(start, _)| start <= cp);
    table[i - 1].1
}

fn sparse<T: Copy>(table: &[(u32, T)], cp: u32) -> Option<T> {
    table
        .binary_search_by_key(&cp, |&(c, _)| c)
        .ok()
        .map(|i| table[i].1)
}

/// The one character of argument 0, or CPython's `TypeError`.
fn char_arg(a: &Args, func: &str) -> PyResult<u32> {
    let v = arg(a, 0, "chr", func)?;
    if let Some(s) = as_str(v) {
        let mut it = s.s.chars();
        if let (Some(c), None) = (it.next(), it.next()) {
            return Ok(c as u32);
        }
    }
    Err(type_error(format!(
        "{func}() argument must be a unicode character, not {}",
        vm::type_name(v)
    )))
}

fn category_of(cp: u32) -> &'static str {
    t::CATEGORY_NAMES[run_value(t::CATEGORY, cp) as usize]
}

/// `f(chr[, default])` for the numeric properties: the value, else `default`, else
/// `ValueError(msg)`.
fn numeric_prop(a: &Args, v: Option<Value>, msg: &str) -> PyResult<Value> {
    match v {
        Some(v) => Ok(v),
        None => a.pos.get(1).copied().ok_or_else(|| value_error(msg)),
    }
}

fn str_of_arg(a: &Args, i: usize, name: &str, func: &str) -> PyResult<String> {
    let v = arg(a, i, name, func)?;
    match as_str(v) {
        Some(s) => Ok(s.s.to_string()),
        None => Err(type_error(format!(
            "{func}() argument {} must be str, not {}",
            i + 1,
            vm::type_name(v)
        ))),
    }
}

fn form_arg(a: &Args, func: &str) -> PyResult<(String, String)> {
    let form = str_of_arg(a, 0, "form", func)?;
    let text = str_of_arg(a, 1, "unistr", func)?;
    if !matches!(form.as_str(), "NFC" | "NFD" | "NFKC" | "NFKD") {
        return Err(value_error("invalid normalization form"));
    }
    Ok((form, text))
}

fn fill(m: Gc<ModuleObj>, version: &str) {
    m.dict.set_str("unidata_version", new_str(version));
    def(m, "category", |a| {
        Ok(new_str(category_of(char_arg(&a, "category")?)))
    });
    def(m, "bidirectional", |a| {
        let cp = char_arg(&a, "bidirectional")?;
        Ok(new_str(t::BIDI_NAMES[run_value(t::BIDI, cp) as usize]))
    });
    def(m, "east_asian_width", |a| {
        let cp = char_arg(&a, "east_asian_width")?;
        Ok(new_str(t::EAW_NAMES[run_value(t::EAW, cp) as usize]))
    });
    def(m, "combining", |a| {
        let cp = char_arg(&a, "combining")?;
        Ok(new_int(i64::from(run_value(t::COMBINING, cp))))
    });
    def(m, "mirrored", |a| {
        let cp = char_arg(&a, "mirrored")?;
        Ok(new_int(i64::from(run_value(t::MIRRORED, cp))))
    });
    def(m, "decomposition", |a| {
        let cp = char_arg(&a, "decomposition")?;
        Ok(new_str(sparse(t::DECOMPOSITION, cp).unwrap_or("")))
    });
    def(m, "decimal", |a| {
        let cp = char_arg(&a, "decimal")?;
        let v = sparse(t::DECIMAL, cp).map(|d| new_int(i64::from(d)));
        numeric_prop(&a, v, "not a decimal")
    });
    def(m, "digit", |a| {
        let cp = char_arg(&a, "digit")?;
        let v = sparse(t::DIGIT, cp).map(|d| new_int(i64::from(d)));
        numeric_prop(&a, v, "not a digit")
    });
    def(m, "numeric", |a| {
        let cp = char_arg(&a, "numeric")?;
        let v = sparse(t::NUMERIC, cp).map(new_float);
        numeric_prop(&a, v, "not a numeric character")
    });
    def(m, "name", |a| {
        let cp = char_arg(&a, "name")?;
        let found = char::from_u32(cp)
            .filter(|_| category_of(cp) != "Cn")
            .and_then(unicode_names2::name)
            .map(|n| new_string(n.to_string()));
        match found {
            Some(v) => Ok(v),
            None => a
                .pos
                .get(1)
                .copied()
                .ok_or_else(|| value_error("no such name")),
        }
    });
    def(m, "lookup", |a| {
        let v = arg(&a, 0, "name", "lookup")?;
        let Some(name) = as_str(v).map(|s| s.s.to_string()) else {
            return Err(type_error(format!(
                "lookup() argument must be str, not {}",
                vm::type_name(v)
            )));
        };
        match unicode_names2::character(&name).filter(|&c| category_of(c as u32) != "Cn") {
            Some(c) => Ok(new_string(c.to_string())),
            None => Err(key_error(new_string(format!(
                "undefined character name '{name}'"
            )))),
        }
    });
    def(m, "normalize", |a| {
        let (form, text) = form_arg(&a, "normalize")?;
        let out: String = match form.as_str() {
            "NFC" => text.nfc().collect(),
            "NFD" => text.nfd().collect(),
            "NFKC" => text.nfkc().collect(),
            _ => text.nfkd().collect(),
        };
        Ok(new_string(out))
    });
    def(m, "is_normalized", |a| {
        let (form, text) = form_arg(&a, "is_normalized")?;
        let yes = match form.as_str() {
            "NFC" => unicode_normalization::is_nfc(&text),
            "NFD" => unicode_normalization::is_nfd(&text),
            "NFKC" => unicode_normalization::is_nfkc(&text),
            _ => unicode_normalization::is_nfkd(&text),
        };
        Ok(Value::bool(yes))
    });
}

pub fn make() -> Gc<ModuleObj> {
    let m = new_module("unicodedata", None);
    fill(m, "14.0.0");
    let old = new_module("unicodedata.ucd_3_2_0", None);
    fill(old, "3.2.0");
    m.dict.set_str("ucd_3_2_0", Value::obj(old));
    m
}
