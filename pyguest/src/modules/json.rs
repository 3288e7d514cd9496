//! Native `_pyjson` module: the hot paths of `json` (pyguest/lib/json.py), an encoder and a
//! decoder producing exactly what the Python version (and CPython 3.11) produces.
//!
//! * `encode(obj, indent, item_sep, key_sep, sort_keys, skipkeys, ensure_ascii,
//!   check_circular, allow_nan, default)` returns the whole document as one str. `indent`
//!   is None or the indent string; `default` is called for objects JSON has no form for.
//! * `decode(s, idx, strict, object_hook, object_pairs_hook, parse_float, parse_int,
//!   parse_constant, error_class)` parses one value starting at character `idx` and returns
//!   `(value, end)`; hooks and parsers are None for the defaults. Errors are raised as
//!   `error_class(msg, doc, pos)` (the module's `JSONDecodeError`) with CPython's messages
//!   and character positions.
//!
//! Strings holding lone surrogates (`objects/surr.rs`) encode as `"\ud800"` (or, with
//! `ensure_ascii=False`, stay in the output `str`), and a `\ud800` escape not followed by a
//! low surrogate decodes to a lone surrogate, as in CPython. A document that itself holds
//! lone surrogates is not accepted by the native decoder.

use crate::import::new_module;
use crate::interpreter::{PyErr, PyResult};
use crate::objects::list::sort_values;
use crate::objects::ops;
use crate::objects::ops::call;
use crate::objects::surr::{self, TextBuf};
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::{self, type_error, value_error, C};
use metatracer::gc::{Gc, RootedVec};
use num_bigint::BigInt;

struct Enc {
    indent: Option<String>,
    item_sep: String,
    key_sep: String,
    sort_keys: bool,
    skipkeys: bool,
    ensure_ascii: bool,
    check_circular: bool,
    allow_nan: bool,
    default: Value,
    out: TextBuf,
    /// Containers being encoded (for "Circular reference detected"); rooted because
    /// `default` may run Python code that allocates.
    stack: RootedVec<Value>,
}

/// Appends `o` quoted as a JSON string.
fn quote_text(out: &mut TextBuf, o: &StrObj, ascii: bool) {
    if o.kind == Kind::Str {
        return quote(out, &o.s, ascii);
    }
    out.push('"');
    for n in surr::code_points(o) {
        match char::from_u32(n) {
            Some(ch) => quote_char(out, ch, ascii),
            None if ascii => out.push_str(&format!("\\u{n:04x}")),
            None => out.push_cp(n),
        }
    }
    out.push('"');
}

fn quote(out: &mut TextBuf, s: &str, ascii: bool) {
    out.push('"');
    for ch in s.chars() {
        quote_char(out, ch, ascii);
    }
    out.push('"');
}

fn quote_char(out: &mut TextBuf, ch: char, ascii: bool) {
    {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if ascii && !(' '..='~').contains(&c) => {
                let n = c as u32;
                if n < 0x10000 {
                    out.push_str(&format!("\\u{n:04x}"));
                } else {
                    let m = n - 0x10000;
                    out.push_str(&format!(
                        "\\u{:04x}\\u{:04x}",
                        0xd800 | (m >> 10),
                        0xdc00 | (m & 0x3ff)
                    ));
                }
            }
            c => out.push(c),
        }
    }
}

impl Enc {
    fn float_text(&self, f: f64) -> PyResult<String> {
        let t = if f.is_nan() {
            "NaN"
        } else if f == f64::INFINITY {
            "Infinity"
        } else if f == f64::NEG_INFINITY {
            "-Infinity"
        } else {
            return Ok(crate::objects::format::float_repr(f));
        };
        if !self.allow_nan {
            return Err(value_error(
                "Out of range float values are not JSON compliant",
            ));
        }
        Ok(t.to_string())
    }

    fn enter(&mut self, o: Value) -> PyResult<()> {
        if self.check_circular {
            if self.stack.iter().any(|x| x == o) {
                return Err(value_error("Circular reference detected"));
            }
            self.stack.push(o);
        }
        Ok(())
    }

    fn leave(&mut self) {
        if self.check_circular {
            self.stack.pop();
        }
    }

    fn newline(&mut self, level: usize) {
        if let Some(ind) = &self.indent {
            self.out.push('\n');
            for _ in 0..level {
                self.out.push_str(ind);
            }
        }
    }

    fn value(&mut self, o: Value, level: usize) -> PyResult<()> {
        if let Some(s) = surr::as_text(o) {
            quote_text(&mut self.out, &s, self.ensure_ascii);
            return Ok(());
        }
        if o == Value::NONE {
            self.out.push_str("null");
            return Ok(());
        }
        if o == Value::TRUE {
            self.out.push_str("true");
            return Ok(());
        }
        if o == Value::FALSE {
            self.out.push_str("false");
            return Ok(());
        }
        if let Some(i) = o.as_small() {
            self.out.push_str(&i.to_string());
            return Ok(());
        }
        let p = payload(o);
        if let Some(b) = as_bigint(p) {
            self.out.push_str(&b.v.to_string());
            return Ok(());
        }
        if p.is_int() {
            self.out.push_str(&p.as_int_unchecked().to_string());
            return Ok(());
        }
        if let Some(f) = as_float_obj(p) {
            let t = self.float_text(f.v)?;
            self.out.push_str(&t);
            return Ok(());
        }
        if let Some(s) = surr::as_text(p) {
            quote_text(&mut self.out, &s, self.ensure_ascii);
            return Ok(());
        }
        if p.is_kind(Kind::List) || p.is_kind(Kind::Tuple) {
            return self.array(o, p, level);
        }
        if let Some(d) = as_dict(p) {
            return self.object(o, d, level);
        }
        self.enter(o)?;
        let r = call(self.default, &[o])?;
        self.value(r, level)?;
        self.leave();
        Ok(())
    }

    fn array(&mut self, o: Value, p: Value, level: usize) -> PyResult<()> {
        let _g = crate::interpreter::enter_native(" while encoding a JSON object")?;
        let len = |p: Value| match as_list(p) {
            Some(l) => l.len(),
            None => as_tuple(p).map_or(0, |t| t.len()),
        };
        if len(p) == 0 {
            self.out.push_str("[]");
            return Ok(());
        }
        self.enter(o)?;
        self.out.push('[');
        self.newline(level + 1);
        let mut i = 0;
        // re-read the length each step: `default` may mutate the list
        while i < len(p) {
            if i > 0 {
                let sep = std::mem::take(&mut self.item_sep);
                self.out.push_str(&sep);
                self.item_sep = sep;
                self.newline(level + 1);
            }
            let item = match as_list(p) {
                Some(l) => l.get(i),
                None => as_tuple(p).unwrap().as_slice()[i],
            };
            self.value(item, level + 1)?;
            i += 1;
        }
        self.newline(level);
        self.out.push(']');
        self.leave();
        Ok(())
    }

    fn key_text(&self, k: Value) -> PyResult<Option<Value>> {
        if surr::as_text(k).is_some() {
            return Ok(Some(k));
        }
        let p = payload(k);
        if surr::as_text(p).is_some() {
            return Ok(Some(p));
        }
        Ok(self.key_text_other(k, p)?.map(new_string))
    }

    fn key_text_other(&self, k: Value, p: Value) -> PyResult<Option<String>> {
        if let Some(f) = as_float_obj(p) {
            return self.float_text(f.v).map(Some);
        }
        if k == Value::TRUE {
            return Ok(Some("true".into()));
        }
        if k == Value::FALSE {
            return Ok(Some("false".into()));
        }
        if k == Value::NONE {
            return Ok(Some("null".into()));
        }
        if p.is_int() {
            return Ok(Some(p.as_int_unchecked().to_string()));
        }
        if let Some(b) = as_bigint(p) {
            return Ok(Some(b.v.to_string()));
        }
        if self.skipkeys {
            return Ok(None);
        }
        Err(type_error(format!(
            "keys must be str, int, float, bool or None, not {}",
            vm::type_name(k)
        )))
    }

    fn object(&mut self, o: Value, d: Gc<DictObj>, level: usize) -> PyResult<()> {
        let _g = crate::interpreter::enter_native(" while encoding a JSON object")?;
        if d.is_empty() {
            self.out.push_str("{}");
            return Ok(());
        }
        self.enter(o)?;
        self.out.push('{');
        self.newline(level + 1);
        // the keys (reachable from the dict, so the scratch vector needs no rooting)
        let mut keys: crate::argvec::ArgVec = (0..d.entry_count())
            .map(|i| d.key_at(i))
            .filter(|k| !k.is_null())
            .collect();
        if self.sort_keys {
            // dict keys are distinct, so sorting the keys orders the items as
            // sorted(d.items()) does (same comparisons, same errors)
            sort_values(&mut keys, None, false)?;
        }
        let mut first = true;
        for &k in keys.iter() {
            let Some(v) = d.get(k)? else { continue };
            let Some(text) = self.key_text(k)? else {
                continue;
            };
            if !first {
                let sep = std::mem::take(&mut self.item_sep);
                self.out.push_str(&sep);
                self.item_sep = sep;
                self.newline(level + 1);
            }
            first = false;
            quote_text(
                &mut self.out,
                &surr::as_text(text).unwrap(),
                self.ensure_ascii,
            );
            let ks = std::mem::take(&mut self.key_sep);
            self.out.push_str(&ks);
            self.key_sep = ks;
            self.value(v, level + 1)?;
        }
        self.newline(level);
        self.out.push('}');
        self.leave();
        Ok(())
    }
}

fn opt_str(v: Value, what: &str) -> PyResult<String> {
    as_str(v)
        .map(|s| s.s.to_string())
        .ok_or_else(|| type_error(format!("{what} must be a str")))
}

fn f_encode(a: Args) -> PyResult<Value> {
    if a.pos.len() != 10 {
        return Err(type_error("_pyjson.encode() takes 10 arguments"));
    }
    let t = |v: Value| ops::truthy(v);
    let mut e = Enc {
        indent: if a.pos[1].is_none() {
            None
        } else {
            Some(opt_str(a.pos[1], "indent")?)
        },
        item_sep: opt_str(a.pos[2], "item separator")?,
        key_sep: opt_str(a.pos[3], "key separator")?,
        sort_keys: t(a.pos[4])?,
        skipkeys: t(a.pos[5])?,
        ensure_ascii: t(a.pos[6])?,
        check_circular: t(a.pos[7])?,
        allow_nan: t(a.pos[8])?,
        default: a.pos[9],
        out: TextBuf::default(),
        stack: RootedVec::new(),
    };
    e.value(a.pos[0], 0)?;
    e.out.finish()
}

// ---------------------------------------------------------------- decoding

struct Dec<'a> {
    s: &'a str,
    b: &'a [u8],
    doc: Value,
    strict: bool,
    object_hook: Value,
    pairs_hook: Value,
    parse_float: Value,
    parse_int: Value,
    parse_constant: Value,
    err_cls: Value,
    depth: usize,
}

/// Maximum nesting of arrays/objects (CPython stops at its recursion limit).
const MAX_DEPTH: usize = 100_000;

enum Fail {
    /// No value starts here ("Expecting value" at this byte offset).
    NoValue(usize),
    Err(PyErr),
}

impl From<PyErr> for Fail {
    fn from(e: PyErr) -> Fail {
        Fail::Err(e)
    }
}

type DRes<T> = Result<T, Fail>;

impl Dec<'_> {
    /// Character index of byte offset `pos`.
    fn char_pos(&self, pos: usize) -> usize {
        self.s[..pos.min(self.s.len())].chars().count()
    }

    fn error(&self, msg: &str, pos: usize) -> Fail {
        let cp = self.char_pos(pos);
        match call(
            self.err_cls,
            &[new_str(msg), self.doc, Value::small(cp as i64)],
        ) {
            Ok(e) => Fail::Err(PyErr(e)),
            Err(e) => Fail::Err(e),
        }
    }

    fn ws(&self, mut i: usize) -> usize {
        while i < self.b.len() && matches!(self.b[i], b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
        }
        i
    }

    fn value(&mut self, i: usize) -> DRes<(Value, usize)> {
        let b = self.b;
        if i >= b.len() {
            return Err(Fail::NoValue(i));
        }
        let rest = &b[i..];
        match b[i] {
            b'"' => {
                let (s, e) = self.string(i + 1)?;
                Ok((s.finish()?, e))
            }
            b'{' => self.nested(i, true),
            b'[' => self.nested(i, false),
            b'n' if rest.starts_with(b"null") => Ok((Value::NONE, i + 4)),
            b't' if rest.starts_with(b"true") => Ok((Value::TRUE, i + 4)),
            b'f' if rest.starts_with(b"false") => Ok((Value::FALSE, i + 5)),
            b'N' if rest.starts_with(b"NaN") => Ok((self.constant("NaN", f64::NAN)?, i + 3)),
            b'I' if rest.starts_with(b"Infinity") => {
                Ok((self.constant("Infinity", f64::INFINITY)?, i + 8))
            }
            b'-' if rest.starts_with(b"-Infinity") => {
                Ok((self.constant("-Infinity", f64::NEG_INFINITY)?, i + 9))
            }
            _ => self.number(i),
        }
    }

    fn constant(&self, name: &str, v: f64) -> DRes<Value> {
        if self.parse_constant.is_none() {
            Ok(new_float(v))
        } else {
            Ok(call(self.parse_constant, &[new_str(name)])?)
        }
    }

    fn nested(&mut self, i: usize, obj: bool) -> DRes<(Value, usize)> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Fail::Err(vm::exc(
                C::RecursionError,
                "maximum recursion depth exceeded while decoding a JSON document",
            )));
        }
        let r = if obj {
            self.object(i + 1)
        } else {
            self.array(i + 1)
        };
        self.depth -= 1;
        r
    }

    fn number(&mut self, start: usize) -> DRes<(Value, usize)> {
        let b = self.b;
        let n = b.len();
        let digit = |i: usize| i < n && b[i].is_ascii_digit();
        let mut i = start;
        if i < n && b[i] == b'-' {
            i += 1;
        }
        if i < n && b[i] == b'0' {
            i += 1;
        } else if i < n && (b'1'..=b'9').contains(&b[i]) {
            i += 1;
            while digit(i) {
                i += 1;
            }
        } else {
            return Err(Fail::NoValue(start));
        }
        let mut is_float = false;
        if i + 1 < n && b[i] == b'.' && b[i + 1].is_ascii_digit() {
            i += 2;
            while digit(i) {
                i += 1;
            }
            is_float = true;
        }
        if i < n && (b[i] == b'e' || b[i] == b'E') {
            let mut j = i + 1;
            if j < n && (b[j] == b'+' || b[j] == b'-') {
                j += 1;
            }
            if digit(j) {
                while digit(j) {
                    j += 1;
                }
                i = j;
                is_float = true;
            }
        }
        let text = &self.s[start..i];
        let v = if is_float {
            if self.parse_float.is_none() {
                new_float(text.parse::<f64>().unwrap_or(f64::NAN))
            } else {
                call(self.parse_float, &[new_str(text)])?
            }
        } else if self.parse_int.is_none() {
            match text.parse::<i64>() {
                Ok(v) => new_int(v),
                Err(_) => match text.parse::<BigInt>() {
                    Ok(v) => new_bigint(v),
                    Err(_) => return Err(Fail::NoValue(start)),
                },
            }
        } else {
            call(self.parse_int, &[new_str(text)])?
        };
        Ok((v, i))
    }

    fn hex4(&self, i: usize, errpos: usize) -> DRes<u32> {
        let b = self.b;
        if i + 4 <= b.len() && b[i..i + 4].iter().all(|c| c.is_ascii_hexdigit()) {
            let t = &self.s[i..i + 4];
            return Ok(u32::from_str_radix(t, 16).unwrap_or(0));
        }
        Err(self.error("Invalid \\uXXXX escape", errpos))
    }

    /// A string body starting after the opening quote at `i - 1`.
    fn string(&self, mut i: usize) -> DRes<(TextBuf, usize)> {
        let b = self.b;
        let n = b.len();
        let begin = i - 1;
        let mut out = TextBuf::default();
        loop {
            let mut j = i;
            while j < n {
                let c = b[j];
                if c == b'"' || c == b'\\' || (c < 0x20 && self.strict) {
                    break;
                }
                j += 1;
            }
            if j >= n {
                return Err(self.error("Unterminated string starting at", begin));
            }
            out.push_str(&self.s[i..j]);
            let c = b[j];
            if c == b'"' {
                return Ok((out, j + 1));
            }
            if c != b'\\' {
                return Err(self.error("Invalid control character at", j));
            }
            j += 1;
            if j >= n {
                return Err(self.error("Unterminated string starting at", begin));
            }
            let e = b[j];
            if e != b'u' {
                let rep = match e {
                    b'"' => '"',
                    b'\\' => '\\',
                    b'/' => '/',
                    b'b' => '\u{8}',
                    b'f' => '\u{c}',
                    b'n' => '\n',
                    b'r' => '\r',
                    b't' => '\t',
                    _ => return Err(self.error("Invalid \\escape", j - 1)),
                };
                out.push(rep);
                i = j + 1;
                continue;
            }
            let mut code = self.hex4(j + 1, j)?;
            i = j + 5;
            if (0xd800..=0xdbff).contains(&code) && b[i..].starts_with(b"\\u") {
                let low = self.hex4(i + 2, i + 1)?;
                if (0xdc00..=0xdfff).contains(&low) {
                    code = 0x10000 + (((code - 0xd800) << 10) | (low - 0xdc00));
                    i += 6;
                }
            }
            out.push_cp(code);
        }
    }

    fn object(&mut self, i: usize) -> DRes<(Value, usize)> {
        let n = self.b.len();
        let mut i = self.ws(i);
        let use_pairs = !self.pairs_hook.is_none();
        let pairs = new_list_cap(0);
        let d = new_dict();
        if i < n && self.b[i] == b'}' {
            i += 1;
        } else {
            loop {
                if i >= n || self.b[i] != b'"' {
                    return Err(self.error("Expecting property name enclosed in double quotes", i));
                }
                let (key, e) = self.string(i + 1)?;
                let key = key.finish()?;
                i = self.ws(e);
                if i >= n || self.b[i] != b':' {
                    return Err(self.error("Expecting ':' delimiter", i));
                }
                i = self.ws(i + 1);
                let (val, e) = match self.value(i) {
                    Err(Fail::NoValue(p)) => return Err(self.error("Expecting value", p)),
                    r => r?,
                };
                if use_pairs {
                    pairs.push(new_tuple(&[key, val]));
                } else {
                    d.set_item(key, val)?;
                }
                i = self.ws(e);
                if i < n && self.b[i] == b'}' {
                    i += 1;
                    break;
                }
                if i >= n || self.b[i] != b',' {
                    return Err(self.error("Expecting ',' delimiter", i));
                }
                i = self.ws(i + 1);
            }
        }
        if use_pairs {
            return Ok((call(self.pairs_hook, &[Value::obj(pairs)])?, i));
        }
        let mut r = Value::obj(d);
        if !self.object_hook.is_none() {
            r = call(self.object_hook, &[r])?;
        }
        Ok((r, i))
    }

    fn array(&mut self, i: usize) -> DRes<(Value, usize)> {
        let n = self.b.len();
        let items = new_list_cap(0);
        let mut i = self.ws(i);
        if i < n && self.b[i] == b']' {
            return Ok((Value::obj(items), i + 1));
        }
        loop {
            let (val, e) = match self.value(i) {
                Err(Fail::NoValue(p)) => return Err(self.error("Expecting value", p)),
                r => r?,
            };
            items.push(val);
            i = self.ws(e);
            if i < n && self.b[i] == b']' {
                return Ok((Value::obj(items), i + 1));
            }
            if i >= n || self.b[i] != b',' {
                return Err(self.error("Expecting ',' delimiter", i));
            }
            i = self.ws(i + 1);
        }
    }
}

fn f_decode(a: Args) -> PyResult<Value> {
    if a.pos.len() != 9 {
        return Err(type_error("_pyjson.decode() takes 9 arguments"));
    }
    let so = as_str(a.pos[0]).ok_or_else(|| type_error("_pyjson.decode() needs a str"))?;
    let s: &str = &so.s;
    let idx = ops::index_of(a.pos[1])?;
    if idx < 0 {
        return Err(value_error("idx cannot be negative"));
    }
    // character index -> byte offset
    let start = s
        .char_indices()
        .nth(idx as usize)
        .map_or(s.len(), |(b, _)| b);
    let mut d = Dec {
        s,
        b: s.as_bytes(),
        doc: a.pos[0],
        strict: ops::truthy(a.pos[2])?,
        object_hook: a.pos[3],
        pairs_hook: a.pos[4],
        parse_float: a.pos[5],
        parse_int: a.pos[6],
        parse_constant: a.pos[7],
        err_cls: a.pos[8],
        depth: 0,
    };
    match d.value(start) {
        Ok((v, end)) => {
            let ce = d.char_pos(end);
            Ok(new_tuple(&[v, Value::small(ce as i64)]))
        }
        Err(Fail::NoValue(p)) => match d.error("Expecting value", p) {
            Fail::Err(e) => Err(e),
            Fail::NoValue(_) => Err(value_error("Expecting value")),
        },
        Err(Fail::Err(e)) => Err(e),
    }
}

/// The `_pyjson` module object.
pub fn make_module() -> Gc<ModuleObj> {
    let m = new_module("_pyjson", None);
    m.dict.set_str("encode", new_builtin("encode", f_encode));
    m.dict.set_str("decode", new_builtin("decode", f_decode));
    m
}
