//! `_string`: the format-string parser behind `string.Formatter` (CPython's `string.py`
//! imports it): `formatter_parser(s)` and `formatter_field_name_split(name)`.
//!
//! `formatter_parser` yields `(literal, field_name, format_spec, conversion)` for each piece
//! of a `str.format` template: doubled braces become one brace at the end of a literal
//! (`'b{{c'` gives `('b{', None, None, None)`, `('c', None, None, None)`), a replacement field
//! gives its name, its spec (`''` when absent; nested `{...}` kept verbatim) and its conversion
//! character or None. `formatter_field_name_split('a.b[0]')` gives `('a', iter([(True, 'b'),
//! (False, 0)]))`; runs of ASCII digits become ints. Errors are CPython 3.11's `ValueError`s
//! with its messages, but they are raised when the function is called (CPython raises them
//! while iterating, at the offending piece); both functions return iterators over a list
//! built at once.

use super::native_class::arg;
use super::*;
use crate::argvec::ArgVec;

/// One piece: literal text and, for a replacement field, (name, spec, conversion).
type Piece = (String, Option<(String, String, Option<char>)>);

fn err(msg: &str) -> crate::interpreter::PyErr {
    value_error(msg)
}

/// The field after `{`: returns (name, spec, conversion) and advances `pos` past its `}`.
fn parse_field(s: &[char], pos: &mut usize) -> PyResult<(String, String, Option<char>)> {
    let start = *pos;
    let mut c = '\0';
    while *pos < s.len() {
        c = s[*pos];
        *pos += 1;
        match c {
            '{' => return Err(err("unexpected '{' in field name")),
            // an index may hold any character up to the next ']'
            '[' => {
                while *pos < s.len() && s[*pos] != ']' {
                    *pos += 1;
                }
            }
            '}' | ':' | '!' => break,
            _ => {}
        }
    }
    let name: String = s[start..*pos - usize::from(matches!(c, '}' | ':' | '!'))]
        .iter()
        .collect();
    if c != '!' && c != ':' {
        if c != '}' {
            return Err(err("expected '}' before end of string"));
        }
        return Ok((name, String::new(), None));
    }
    let mut conversion = None;
    if c == '!' {
        if *pos >= s.len() {
            return Err(err("end of string while looking for conversion specifier"));
        }
        conversion = Some(s[*pos]);
        *pos += 1;
        if *pos < s.len() {
            let next = s[*pos];
            *pos += 1;
            if next == '}' {
                return Ok((name, String::new(), conversion));
            }
            if next != ':' {
                return Err(err("expected ':' after conversion specifier"));
            }
        }
    }
    // the spec runs to the '}' that balances the field's '{'
    let spec_start = *pos;
    let mut depth = 1;
    while *pos < s.len() {
        let ch = s[*pos];
        *pos += 1;
        match ch {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    let spec = s[spec_start..*pos - 1].iter().collect();
                    return Ok((name, spec, conversion));
                }
            }
            _ => {}
        }
    }
    Err(err("unmatched '{' in format spec"))
}

/// Splits a `str.format` template into pieces (see the module doc).
pub fn parse_template(text: &str) -> PyResult<Vec<Piece>> {
    let s: Vec<char> = text.chars().collect();
    let mut pos = 0;
    let mut out = Vec::new();
    while pos < s.len() {
        let start = pos;
        let mut brace = None;
        while pos < s.len() {
            let c = s[pos];
            pos += 1;
            if c == '{' || c == '}' {
                brace = Some(c);
                break;
            }
        }
        let at_end = pos >= s.len();
        let mut literal_end = pos;
        let mut markup = brace.is_some();
        if brace == Some('}') && (at_end || s[pos] != '}') {
            return Err(err("Single '}' encountered in format string"));
        }
        if brace == Some('{') && at_end {
            return Err(err("Single '{' encountered in format string"));
        }
        if let (Some(b), false) = (brace, at_end) {
            if s[pos] == b {
                // a doubled brace: one of it ends the literal, no field follows
                pos += 1;
                markup = false;
            } else {
                literal_end -= 1;
            }
        }
        let literal: String = s[start..literal_end].iter().collect();
        if !markup {
            out.push((literal, None));
            continue;
        }
        let field = parse_field(&s, &mut pos)?;
        out.push((literal, Some(field)));
    }
    Ok(out)
}

/// A key of a field name: an int for a run of ASCII digits, else the text.
fn key_value(k: &str) -> PyResult<Value> {
    if !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()) {
        return k
            .parse::<i64>()
            .map(new_int)
            .map_err(|_| err("Too many decimal digits in format string"));
    }
    Ok(new_str(k))
}

/// `(first, [(is_attribute, key), ...])` of a field name like `a.b[0]`.
fn split_field_name(name: &str) -> PyResult<(Value, ArgVec)> {
    let s: Vec<char> = name.chars().collect();
    let first_end = s
        .iter()
        .position(|&c| c == '.' || c == '[')
        .unwrap_or(s.len());
    let first = key_value(&s[..first_end].iter().collect::<String>())?;
    // (is_attribute, key) tuples, built as they are found (an ArgVec keeps them rooted)
    let mut rest = ArgVec::new();
    let mut pos = first_end;
    while pos < s.len() {
        let c = s[pos];
        pos += 1;
        match c {
            '.' => {
                let start = pos;
                while pos < s.len() && s[pos] != '.' && s[pos] != '[' {
                    pos += 1;
                }
                if pos == start {
                    return Err(err("Empty attribute in format string"));
                }
                let key = new_string(s[start..pos].iter().collect());
                rest.push(new_tuple(&[Value::TRUE, key]));
            }
            '[' => {
                let start = pos;
                while pos < s.len() && s[pos] != ']' {
                    pos += 1;
                }
                if pos >= s.len() {
                    return Err(err("Missing ']' in format string"));
                }
                if pos == start {
                    return Err(err("Empty attribute in format string"));
                }
                let key: String = s[start..pos].iter().collect();
                pos += 1;
                if pos < s.len() && s[pos] != '.' && s[pos] != '[' {
                    return Err(err(
                        "Only '.' or '[' may follow ']' in format field specifier",
                    ));
                }
                let key = key_value(&key)?;
                rest.push(new_tuple(&[Value::FALSE, key]));
            }
            _ => {
                return Err(err(
                    "Only '.' or '[' may follow ']' in format field specifier",
                ))
            }
        }
    }
    Ok((first, rest))
}

fn str_arg(a: &Args, func: &str) -> PyResult<String> {
    let v = arg(a, 0, "str", func)?;
    match as_str(v) {
        Some(s) => Ok(s.s.to_string()),
        None => Err(type_error(format!(
            "{func}() argument must be str, not {}",
            vm::type_name(v)
        ))),
    }
}

fn iter_of(items: &[Value]) -> PyResult<Value> {
    ops::get_iter(new_list_from(items))
}

/// The `_string` module.
pub fn make() -> Gc<ModuleObj> {
    let m = new_module("_string", None);
    def(m, "formatter_parser", |a| {
        let text = str_arg(&a, "formatter_parser")?;
        let mut items = ArgVec::new();
        for (literal, field) in parse_template(&text)? {
            let t = match field {
                None => new_tuple(&[new_string(literal), Value::NONE, Value::NONE, Value::NONE]),
                Some((name, spec, conv)) => new_tuple(&[
                    new_string(literal),
                    new_string(name),
                    new_string(spec),
                    conv.map_or(Value::NONE, |c| new_string(c.to_string())),
                ]),
            };
            items.push(t);
        }
        iter_of(&items)
    });
    def(m, "formatter_field_name_split", |a| {
        let name = str_arg(&a, "formatter_field_name_split")?;
        let (first, rest) = split_field_name(&name)?;
        let it = iter_of(&rest)?;
        Ok(new_tuple(&[first, it]))
    });
    m
}
