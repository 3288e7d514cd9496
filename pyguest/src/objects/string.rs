//! `str`: the object layout (`StrObj`: UTF-8 text inline up to 15 bytes, see `sstr.rs`, with
//! its cached hash, interned-symbol id and code-point count), constructors, slicing by code
//! point, the table of the methods of the type (find, split, strip, pad, case, predicates,
//! join, replace, encode, format, ...) and, at the end, its comparison, hash and repr slots
//! (`str_compare`, `str_hash`, `str_repr`). ASCII strings take fast paths; indices are code
//! points.

use crate::objects::native::{arg_or_kw, kwarg, m, self_str, seq_items, sm, str_arg, Method};
use crate::objects::ops::{self, index_of, int_of, str_of, truthy, ArgVec};
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::{self, cls, intern, type_error, value_error, C};
use crate::vm::{PyErr, PyResult};
use metatracer::gc::{self, Gc};
use metatracer::Trace;
use std::cell::Cell;

// ---------------------------------------------------------------- layout

#[repr(C)]
#[derive(Trace, metatracer::Layout)]
pub struct StrObj {
    pub kind: Kind,
    pub ascii: bool,
    /// For a `Kind::SurrStr` string, the block of private-use code points its text uses for
    /// its lone surrogates (`objects/surr.rs`); 0 otherwise.
    pub surr_block: u16,
    /// Interned symbol id (0: not interned).
    pub sym: Cell<u32>,
    pub hash: Cell<i64>,
    pub nchars: usize,
    #[gc(no_trace)]
    pub s: crate::objects::sstr::SmallStr,
}

downcast!(as_str, StrObj, Str);

pub fn new_str(s: &str) -> Value {
    let ascii = s.is_ascii();
    let nchars = if ascii { s.len() } else { s.chars().count() };
    Value::obj(gc::alloc(StrObj {
        kind: Kind::Str,
        ascii,
        surr_block: 0,
        sym: Cell::new(0),
        hash: Cell::new(0),
        nchars,
        s: crate::objects::sstr::SmallStr::new(s),
    }))
}

pub fn new_string(s: String) -> Value {
    let ascii = s.is_ascii();
    let nchars = if ascii { s.len() } else { s.chars().count() };
    Value::obj(gc::alloc(StrObj {
        kind: Kind::Str,
        ascii,
        surr_block: 0,
        sym: Cell::new(0),
        hash: Cell::new(0),
        nchars,
        s: crate::objects::sstr::SmallStr::from_string(s),
    }))
}

/// Equality of an interned name string with a Rust string.
pub fn str_eq(v: Value, s: &str) -> bool {
    as_str(v).is_some_and(|o| &*o.s == s)
}

pub(crate) fn new_str_from(a: Args) -> PyResult<Value> {
    match a.pos.first() {
        None => Ok(new_str("")),
        Some(&v) => {
            let enc = a.pos.get(1).copied().or(kwarg(&a, "encoding"));
            let errors = a.pos.get(2).copied().or(kwarg(&a, "errors"));
            if (enc.is_some() || errors.is_some()) && ops::bytes_like(v).is_some() {
                // `str(b, encoding, errors)` is `b.decode(encoding, errors)`, every codec
                let enc = enc.unwrap_or_else(|| new_str("utf-8"));
                let errors = errors.unwrap_or_else(|| new_str("strict"));
                return ops::call_method(v, "decode", &[enc, errors]);
            }
            ops::to_str(v)
        }
    }
}

// ---------------------------------------------------------------- str methods

pub fn str_slice(s: Gc<StrObj>, sl: Gc<SliceObj>) -> PyResult<Value> {
    let (start, _, step, count) = ops::slice_indices(sl, s.nchars)?;
    if s.ascii {
        let b = s.s.as_bytes();
        if step == 1 {
            return Ok(new_str(&s.s[start as usize..start as usize + count]));
        }
        let mut out = String::with_capacity(count);
        let mut i = start;
        for _ in 0..count {
            out.push(b[i as usize] as char);
            i += step;
        }
        return Ok(new_string(out));
    }
    let chars: Vec<char> = s.s.chars().collect();
    let mut out = String::new();
    let mut i = start;
    for _ in 0..count {
        out.push(chars[i as usize]);
        i += step;
    }
    Ok(new_string(out))
}

fn char_index_to_byte(s: &StrObj, ci: usize) -> usize {
    if s.ascii {
        return ci.min(s.s.len());
    }
    s.s.char_indices()
        .nth(ci)
        .map(|(b, _)| b)
        .unwrap_or(s.s.len())
}

fn byte_to_char_index(s: &StrObj, bi: usize) -> usize {
    if s.ascii {
        return bi;
    }
    s.s[..bi].chars().count()
}

/// Resolves optional start/end arguments into a byte range of `s`.
fn str_range(s: &StrObj, a: &Args, i: usize) -> PyResult<(usize, usize)> {
    let n = s.nchars as i64;
    let norm = |v: Option<Value>, d: i64| -> PyResult<i64> {
        match v {
            None => Ok(d),
            Some(x) if x.is_none() => Ok(d),
            Some(x) => {
                let mut k = index_of(x)?;
                if k < 0 {
                    k = (k + n).max(0);
                }
                Ok(k.min(n))
            }
        }
    };
    let st = norm(a.pos.get(i).copied(), 0)?;
    let en = norm(a.pos.get(i + 1).copied(), n)?;
    let (st, en) = (st as usize, en.max(st) as usize);
    Ok((char_index_to_byte(s, st), char_index_to_byte(s, en)))
}

fn str_find_impl(a: Args, rev: bool, raise: bool) -> PyResult<Value> {
    let s = self_str(&a)?;
    let sub = str_arg(a.pos[1], "substring")?;
    let (b0, b1) = str_range(&s, &a, 2)?;
    if b1 < b0 || (b1 - b0) < sub.s.len() {
        if raise {
            return Err(value_error("substring not found"));
        }
        return Ok(Value::small(-1));
    }
    let hay = &s.s[b0..b1];
    let r = if rev {
        hay.rfind(&*sub.s)
    } else {
        hay.find(&*sub.s)
    };
    match r {
        Some(p) => Ok(Value::small(byte_to_char_index(&s, b0 + p) as i64)),
        None if raise => Err(value_error("substring not found")),
        None => Ok(Value::small(-1)),
    }
}

fn strip_chars(a: &Args) -> PyResult<Option<Vec<char>>> {
    match a.pos.get(1) {
        Some(&v) if !v.is_none() => Ok(Some(str_arg(v, "strip arg")?.s.chars().collect())),
        _ => Ok(None),
    }
}

fn str_split_impl(a: Args, rev: bool) -> PyResult<Value> {
    let s = self_str(&a)?;
    let sep = arg_or_kw(&a, 1, "sep").filter(|v| !v.is_none());
    let maxsplit = match arg_or_kw(&a, 2, "maxsplit") {
        Some(m) => index_of(m)?,
        None => -1,
    };
    // Pieces borrow the text of `s` (kept alive and pinned: it is used after the loop);
    // a `Vec<String>` here cost a malloc per piece, which for a million words left tens of
    // megabytes of fragmented Rust heap behind.
    let mut parts: Vec<&str> = Vec::new();
    match sep {
        None => {
            if rev {
                let mut words: Vec<&str> = s.s.split_whitespace().collect();
                if maxsplit >= 0 && words.len() > maxsplit as usize + 1 {
                    // rejoin the head part from the original string
                    let keep = maxsplit as usize;
                    let tail: Vec<&str> = words.split_off(words.len() - keep);
                    let mut rest = s.s.trim_end();
                    for w in tail.iter().rev() {
                        rest = rest[..rest.len() - w.len()].trim_end();
                    }
                    parts.push(rest);
                    parts.extend(tail.iter().copied());
                } else {
                    parts = words;
                }
            } else {
                let mut rest = s.s.trim_start();
                let mut count = 0;
                while !rest.is_empty() {
                    if maxsplit >= 0 && count >= maxsplit {
                        parts.push(rest);
                        break;
                    }
                    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                    parts.push(&rest[..end]);
                    rest = rest[end..].trim_start();
                    count += 1;
                }
            }
        }
        Some(sepv) => {
            let sep = str_arg(sepv, "sep")?;
            if sep.s.is_empty() {
                return Err(value_error("empty separator"));
            }
            if maxsplit < 0 {
                parts = s.s.split(&*sep.s).collect();
            } else if rev {
                parts = s.s.rsplitn(maxsplit as usize + 1, &*sep.s).collect();
                parts.reverse();
            } else {
                parts = s.s.splitn(maxsplit as usize + 1, &*sep.s).collect();
            }
        }
    }
    // Straight into the (precisely traced) list: pinning a million fresh strings in an
    // ArgVec would fill the nursery with pinned objects.
    let out = new_list_cap(parts.len());
    for p in parts.iter() {
        out.push(new_str(p));
    }
    std::hint::black_box(s);
    Ok(Value::obj(out))
}

fn str_pad(a: Args, mode: u8) -> PyResult<Value> {
    let s = self_str(&a)?;
    let w = index_of(a.pos[1])?;
    let fill = match a.pos.get(2) {
        Some(&f) => {
            let fs = str_arg(f, "fill character")?;
            if fs.nchars != 1 {
                return Err(type_error(
                    "The fill character must be exactly one character long",
                ));
            }
            fs.s.chars().next().unwrap()
        }
        None => ' ',
    };
    let n = s.nchars as i64;
    if w <= n {
        return Ok(a.pos[0]);
    }
    let pad = (w - n) as usize;
    crate::memlimit::check_items(pad, fill.len_utf8())?;
    let (l, r) = match mode {
        0 => (0, pad),
        1 => (pad, 0),
        _ => {
            let l = pad / 2 + (pad & w as usize & 1);
            (l, pad - l)
        }
    };
    let mut out = String::new();
    out.extend(std::iter::repeat_n(fill, l));
    out.push_str(&s.s);
    out.extend(std::iter::repeat_n(fill, r));
    Ok(new_string(out))
}

fn is_title(s: &str) -> bool {
    let mut prev_cased = false;
    let mut any = false;
    for c in s.chars() {
        if c.is_uppercase() {
            if prev_cased {
                return false;
            }
            prev_cased = true;
            any = true;
        } else if c.is_lowercase() {
            if !prev_cased {
                return false;
            }
            prev_cased = true;
            any = true;
        } else {
            prev_cased = false;
        }
    }
    any
}

pub(crate) fn title_case(s: &str) -> String {
    let mut out = String::new();
    let mut prev_cased = false;
    for c in s.chars() {
        if prev_cased {
            out.extend(c.to_lowercase());
        } else {
            crate::objects::unicode_case::push_title(&mut out, c);
        }
        prev_cased = c.is_alphabetic();
    }
    out
}

fn str_pred(a: &Args, f: fn(char) -> bool) -> PyResult<Value> {
    let s = self_str(a)?;
    Ok(Value::bool(!s.s.is_empty() && s.s.chars().all(f)))
}

fn starts_ends(a: Args, ends: bool) -> PyResult<Value> {
    let s = self_str(&a)?;
    let (b0, b1) = str_range(&s, &a, 2)?;
    let hay = if b1 >= b0 { &s.s[b0..b1] } else { "" };
    let check = |p: &str| {
        if ends {
            hay.ends_with(p)
        } else {
            hay.starts_with(p)
        }
    };
    if let Some(t) = as_tuple(a.pos[1]) {
        for &x in t.as_slice() {
            if check(&str_arg(x, "prefix")?.s) {
                return Ok(Value::TRUE);
            }
        }
        return Ok(Value::FALSE);
    }
    if crate::objects::surr::is_surr(a.pos[1]) {
        return Err(crate::objects::surr::reject(a.pos[1]));
    }
    let p = as_str(a.pos[1]).ok_or_else(|| {
        type_error(format!(
            "{} first arg must be str or a tuple of str, not {}",
            if ends { "endswith" } else { "startswith" },
            vm::type_name(a.pos[1])
        ))
    })?;
    Ok(Value::bool(check(&p.s)))
}

fn partition(a: Args, rev: bool) -> PyResult<Value> {
    let s = self_str(&a)?;
    let sep = str_arg(a.pos[1], "sep")?;
    if sep.s.is_empty() {
        return Err(value_error("empty separator"));
    }
    let r = if rev {
        s.s.rfind(&*sep.s)
    } else {
        s.s.find(&*sep.s)
    };
    Ok(match r {
        Some(p) => new_tuple(&[
            new_str(&s.s[..p]),
            Value::obj(sep),
            new_str(&s.s[p + sep.s.len()..]),
        ]),
        None if rev => new_tuple(&[new_str(""), new_str(""), a.pos[0]]),
        None => new_tuple(&[a.pos[0], new_str(""), new_str("")]),
    })
}

/// `str.maketrans(x[, y[, z]])`, a static method.
fn str_maketrans(a: Args) -> PyResult<Value> {
    let args = if a.pos.len() > 1 && a.pos[0].is_kind(Kind::Class) {
        &a.pos[1..]
    } else {
        a.pos
    };
    let d = new_dict();
    if args.len() == 1 {
        let src = as_dict(args[0]).ok_or_else(|| {
            type_error("if you give only one argument to maketrans it must be a dict")
        })?;
        for i in 0..src.entry_count() {
            let k = src.key_at(i);
            if k.is_null() {
                continue;
            }
            let key = match as_str(k) {
                Some(s) if s.nchars == 1 => Value::small(s.s.chars().next().unwrap() as i64),
                Some(_) => {
                    return Err(value_error(
                        "string keys in translate table must be of length 1",
                    ))
                }
                None => k,
            };
            d.set_item(key, src.val_at(i))?;
        }
    } else {
        let x = str_arg(args[0], "maketrans arg")?;
        let y = str_arg(args[1], "maketrans arg")?;
        if x.nchars != y.nchars {
            return Err(value_error(
                "the first two maketrans arguments must have equal length",
            ));
        }
        for (c1, c2) in x.s.chars().zip(y.s.chars()) {
            d.set_item(Value::small(c1 as i64), Value::small(c2 as i64))?;
        }
        if let Some(&z) = args.get(2) {
            for c in str_arg(z, "maketrans arg")?.s.chars() {
                d.set_item(Value::small(c as i64), Value::NONE)?;
            }
        }
    }
    Ok(Value::obj(d))
}

/// The methods of `str`.
pub(crate) static METHODS: &[Method] = &[
    m("join(iterable, /)", |a| {
        let s = self_str(&a)?;
        let items = seq_items(a.pos[1])?;
        // first pass: the item types and the result's size, checked before building it
        let mut total = s.s.len().saturating_mul(items.len().saturating_sub(1));
        for (i, &x) in items.iter().enumerate() {
            match as_str(payload(x)) {
                Some(xs) => total = total.saturating_add(xs.s.len()),
                None if crate::objects::surr::is_surr(payload(x)) => {
                    return crate::objects::surr::join(a.pos[0], &items);
                }
                None => {
                    return Err(type_error(format!(
                        "sequence item {}: expected str instance, {} found",
                        i,
                        vm::type_name(x)
                    )))
                }
            }
        }
        let mut out = crate::memlimit::string_with_capacity(total)?;
        for (i, &x) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(&s.s);
            }
            out.push_str(&as_str(payload(x)).unwrap().s);
        }
        Ok(new_string(out))
    }),
    m("split(sep=None, maxsplit=-1)", |a| str_split_impl(a, false)),
    m("rsplit(sep=None, maxsplit=-1)", |a| str_split_impl(a, true)),
    m("strip(chars=None, /)", |a| {
        let s = self_str(&a)?;
        Ok(new_str(match strip_chars(&a)? {
            Some(cs) => s.s.trim_matches(|c| cs.contains(&c)),
            None => s.s.trim(),
        }))
    }),
    m("lstrip(chars=None, /)", |a| {
        let s = self_str(&a)?;
        Ok(new_str(match strip_chars(&a)? {
            Some(cs) => s.s.trim_start_matches(|c| cs.contains(&c)),
            None => s.s.trim_start(),
        }))
    }),
    m("rstrip(chars=None, /)", |a| {
        let s = self_str(&a)?;
        Ok(new_str(match strip_chars(&a)? {
            Some(cs) => s.s.trim_end_matches(|c| cs.contains(&c)),
            None => s.s.trim_end(),
        }))
    }),
    m("replace(old, new, count=-1, /)", |a| {
        let s = self_str(&a)?;
        let old = str_arg(a.pos[1], "replace() argument 1")?;
        let new = str_arg(a.pos[2], "replace() argument 2")?;
        let count = match a.pos.get(3) {
            Some(&c) => index_of(c)?,
            None => -1,
        };
        if new.s.len() > old.s.len() {
            let found = if old.s.is_empty() {
                s.nchars + 1
            } else {
                s.s.matches(&*old.s).count()
            };
            let n = if count < 0 {
                found
            } else {
                found.min(count as usize)
            };
            let grow = n.saturating_mul(new.s.len() - old.s.len());
            crate::memlimit::check_bytes(s.s.len().saturating_add(grow))?;
        }
        if count < 0 {
            if old.s.is_empty() {
                let mut out = String::from(&*new.s);
                for c in s.s.chars() {
                    out.push(c);
                    out.push_str(&new.s);
                }
                return Ok(new_string(out));
            }
            return Ok(new_string(s.s.replace(&*old.s, &new.s)));
        }
        Ok(new_string(s.s.replacen(&*old.s, &new.s, count as usize)))
    }),
    m("T:find(a0, a1=None, a2=None, /)", |a| {
        str_find_impl(a, false, false)
    }),
    m("T:rfind(a0, a1=None, a2=None, /)", |a| {
        str_find_impl(a, true, false)
    }),
    m("T:index(a0, a1=None, a2=None, /)", |a| {
        str_find_impl(a, false, true)
    }),
    m("T:rindex(a0, a1=None, a2=None, /)", |a| {
        str_find_impl(a, true, true)
    }),
    m("T:count(a0, a1=None, a2=None, /)", |a| {
        let s = self_str(&a)?;
        let sub = str_arg(a.pos[1], "substring")?;
        let (b0, b1) = str_range(&s, &a, 2)?;
        let hay = &s.s[b0..b1.max(b0)];
        if sub.s.is_empty() {
            return Ok(Value::small(hay.chars().count() as i64 + 1));
        }
        Ok(Value::small(hay.matches(&*sub.s).count() as i64))
    }),
    m("T:startswith(a0, a1=None, a2=None, /)", |a| {
        starts_ends(a, false)
    }),
    m("T:endswith(a0, a1=None, a2=None, /)", |a| {
        starts_ends(a, true)
    }),
    m("W:__str__()", |a| {
        let v = a.pos[0];
        if v.is_kind(Kind::Str) {
            return Ok(v);
        }
        Ok(new_string(self_str(&a)?.s.to_string()))
    }),
    m("upper()", |a| {
        Ok(new_string(self_str(&a)?.s.to_uppercase()))
    }),
    m("lower()", |a| {
        Ok(new_string(self_str(&a)?.s.to_lowercase()))
    }),
    m("casefold()", |a| {
        Ok(new_string(crate::objects::unicode_case::casefold(
            &self_str(&a)?.s,
        )))
    }),
    m("swapcase()", |a| {
        let s = self_str(&a)?;
        let mut out = String::new();
        for c in s.s.chars() {
            if c.is_uppercase() {
                out.extend(c.to_lowercase());
            } else if c.is_lowercase() {
                out.extend(c.to_uppercase());
            } else {
                out.push(c);
            }
        }
        Ok(new_string(out))
    }),
    m("title()", |a| Ok(new_string(title_case(&self_str(&a)?.s)))),
    m("capitalize()", |a| {
        let s = self_str(&a)?;
        let mut cs = s.s.chars();
        let mut out = String::new();
        if let Some(c) = cs.next() {
            crate::objects::unicode_case::push_title(&mut out, c);
            out.push_str(&cs.as_str().to_lowercase());
        }
        Ok(new_string(out))
    }),
    m("isdigit()", |a| {
        str_pred(&a, crate::objects::unicode_num::is_digit)
    }),
    m("isdecimal()", |a| {
        str_pred(&a, |c| {
            crate::objects::unicode_num::decimal_value(c).is_some()
        })
    }),
    m("isnumeric()", |a| {
        str_pred(&a, crate::objects::unicode_num::is_numeric)
    }),
    m("isalpha()", |a| str_pred(&a, |c| c.is_alphabetic())),
    m("isalnum()", |a| str_pred(&a, |c| c.is_alphanumeric())),
    m("isspace()", |a| str_pred(&a, |c| c.is_whitespace())),
    m("isascii()", |a| Ok(Value::bool(self_str(&a)?.ascii))),
    m("isprintable()", |a| {
        let s = self_str(&a)?;
        Ok(Value::bool(s.s.chars().all(|c| {
            c as u32 >= 0x20 && c as u32 != 0x7f && is_printable(c)
        })))
    }),
    m("isupper()", |a| {
        let s = self_str(&a)?;
        Ok(Value::bool(
            s.s.chars().any(|c| c.is_uppercase()) && !s.s.chars().any(|c| c.is_lowercase()),
        ))
    }),
    m("islower()", |a| {
        let s = self_str(&a)?;
        Ok(Value::bool(
            s.s.chars().any(|c| c.is_lowercase()) && !s.s.chars().any(|c| c.is_uppercase()),
        ))
    }),
    m("istitle()", |a| Ok(Value::bool(is_title(&self_str(&a)?.s)))),
    m("isidentifier()", |a| {
        let s = self_str(&a)?;
        let mut cs = s.s.chars();
        Ok(Value::bool(match cs.next() {
            Some(c) => {
                (c.is_alphabetic() || c == '_') && cs.all(|c| c.is_alphanumeric() || c == '_')
            }
            None => false,
        }))
    }),
    m("center(width, fillchar=' ', /)", |a| str_pad(a, 2)),
    m("ljust(width, fillchar=' ', /)", |a| str_pad(a, 0)),
    m("rjust(width, fillchar=' ', /)", |a| str_pad(a, 1)),
    m("zfill(width, /)", |a| {
        let s = self_str(&a)?;
        let w = index_of(a.pos[1])?.max(0) as usize;
        if w <= s.nchars {
            return Ok(a.pos[0]);
        }
        crate::memlimit::check_bytes(w)?;
        let (sign, rest) = if s.s.starts_with('+') || s.s.starts_with('-') {
            s.s.split_at(1)
        } else {
            ("", &*s.s)
        };
        Ok(new_string(format!(
            "{}{}{}",
            sign,
            "0".repeat(w - s.nchars),
            rest
        )))
    }),
    m("splitlines(keepends=False)", |a| {
        let s = self_str(&a)?;
        let keep = arg_or_kw(&a, 1, "keepends")
            .map(truthy)
            .transpose()?
            .unwrap_or(false);
        let mut out = ArgVec::new();
        let mut cur = String::new();
        let mut cs = s.s.chars().peekable();
        while let Some(c) = cs.next() {
            if c == '\n'
                || c == '\r'
                || c == '\x0b'
                || c == '\x0c'
                || c == '\x1c'
                || c == '\x1d'
                || c == '\x1e'
                || c == '\u{85}'
                || c == '\u{2028}'
                || c == '\u{2029}'
            {
                let mut end = c.to_string();
                if c == '\r' && cs.peek() == Some(&'\n') {
                    cs.next();
                    end.push('\n');
                }
                if keep {
                    cur.push_str(&end);
                }
                out.push(new_string(std::mem::take(&mut cur)));
            } else {
                cur.push(c);
            }
        }
        if !cur.is_empty() {
            out.push(new_string(cur));
        }
        Ok(new_list_from(&out))
    }),
    m("partition(sep, /)", |a| partition(a, false)),
    m("rpartition(sep, /)", |a| partition(a, true)),
    m("encode(encoding='utf-8', errors='strict')", |a| {
        let s = self_str(&a)?;
        let enc = arg_or_kw(&a, 1, "encoding")
            .map(str_of)
            .transpose()?
            .unwrap_or_else(|| "utf-8".into())
            .to_lowercase()
            .replace('_', "-");
        let errors = arg_or_kw(&a, 2, "errors")
            .map(str_of)
            .transpose()?
            .unwrap_or_else(|| "strict".into());
        let simple_errors = matches!(errors.as_str(), "strict" | "replace" | "ignore");
        let limit = match enc.as_str() {
            "utf-8" | "utf8" => return Ok(new_bytes(s.s.as_bytes().to_vec(), false)),
            // `xmlcharrefreplace`, `backslashreplace`, ...: the registry's codecs apply them
            "ascii" | "us-ascii" | "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1"
                if !simple_errors =>
            {
                return crate::modules::codecs::encode_text(a.pos[0], &enc, &errors);
            }
            "ascii" | "us-ascii" => 128u32,
            "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" => 256u32,
            // other codecs: through the registry (`_codecs`, the `encodings` package)
            _ => return crate::modules::codecs::encode_text(a.pos[0], &enc, &errors),
        };
        let mut out = Vec::new();
        for (i, c) in s.s.chars().enumerate() {
            if (c as u32) < limit {
                out.push(c as u32 as u8);
            } else {
                match errors.as_str() {
                    "replace" => out.push(b'?'),
                    "ignore" => {}
                    _ => {
                        let e = vm::new_exception(
                            cls(C::UnicodeEncodeError),
                            &[
                                new_string(enc.clone()),
                                a.pos[0],
                                Value::small(i as i64),
                                Value::small(i as i64 + 1),
                                new_str("ordinal not in range"),
                            ],
                        );
                        if let Some(inst) = as_instance(e) {
                            ops::instance_set(inst, intern("start"), Value::small(i as i64));
                            ops::instance_set(inst, intern("end"), Value::small(i as i64 + 1));
                            ops::instance_set(
                                inst,
                                intern("reason"),
                                new_str("ordinal not in range"),
                            );
                        }
                        return Err(PyErr(e));
                    }
                }
            }
        }
        Ok(new_bytes(out, false))
    }),
    m("expandtabs(tabsize=8)", |a| {
        let s = self_str(&a)?;
        let ts = match arg_or_kw(&a, 1, "tabsize") {
            Some(t) => index_of(t)?,
            None => 8,
        };
        let mut out = String::new();
        let mut col = 0i64;
        for c in s.s.chars() {
            match c {
                '\t' => {
                    if ts > 0 {
                        let n = ts - col % ts;
                        crate::memlimit::reserve_str(&mut out, n as usize)?;
                        out.extend(std::iter::repeat_n(' ', n as usize));
                        col += n;
                    }
                }
                '\n' | '\r' => {
                    out.push(c);
                    col = 0;
                }
                _ => {
                    out.push(c);
                    col += 1;
                }
            }
        }
        Ok(new_string(out))
    }),
    m("removeprefix(prefix, /)", |a| {
        let s = self_str(&a)?;
        let p = str_arg(a.pos[1], "prefix")?;
        Ok(match s.s.strip_prefix(&*p.s) {
            Some(r) => new_str(r),
            None => a.pos[0],
        })
    }),
    m("removesuffix(suffix, /)", |a| {
        let s = self_str(&a)?;
        let p = str_arg(a.pos[1], "suffix")?;
        Ok(match s.s.strip_suffix(&*p.s) {
            Some(r) if !p.s.is_empty() => new_str(r),
            _ => a.pos[0],
        })
    }),
    m("format(*args, **kwargs)", |a| {
        let s = self_str(&a)?;
        crate::objects::format::str_format(&s.s, &a.pos[1..], &a)
    }),
    m("format_map(x, /)", |a| {
        let s = self_str(&a)?;
        crate::objects::format::str_format_map(&s.s, a.pos[1])
    }),
    m("translate(table, /)", |a| {
        let s = self_str(&a)?;
        let table = a.pos[1];
        let mut out = String::new();
        for c in s.s.chars() {
            match ops::getitem(table, Value::small(c as i64)) {
                Ok(v) if v.is_none() => {}
                Ok(v) if crate::objects::surr::is_surr(payload(v)) => {
                    return crate::objects::surr::translate(&s, table);
                }
                Ok(v) => {
                    if let Some(i) = int_of(v) {
                        if (0xD800..0xE000).contains(&i) {
                            return crate::objects::surr::translate(&s, table);
                        }
                        out.push(char::from_u32(i as u32).unwrap_or(c));
                    } else {
                        out.push_str(&str_of(v)?);
                    }
                }
                Err(e) if vm::exc_matches(&e, C::LookupError) => out.push(c),
                Err(e) => return Err(e),
            }
        }
        Ok(new_string(out))
    }),
    sm("maketrans(x, y=None, z=None, /)", str_maketrans),
    m("__format__(format_spec, /)", |a| {
        crate::objects::format::format_value(a.pos[0], &str_arg(a.pos[1], "format spec")?.s)
    }),
];

// ---------------------------------------------------------------- comparison, hash, repr

/// Ordering of two strings: by code point, which for UTF-8 text is byte order.
pub(crate) fn str_compare(a: &StrObj, b: &StrObj, op: u32) -> Value {
    crate::objects::ops::compare::ord_result(&*a.s, &*b.s, op)
}

/// The hash of a string's text (FNV-1a over the UTF-8 bytes, folded; -1 is reserved). Strings
/// cache it in `StrObj::hash`; `ops::hash` fills the cache.
pub fn str_hash(s: &str) -> i64 {
    str_hash_bytes(s.as_bytes())
}

/// [`str_hash`] over bytes (a surrogate string hashes its generalized UTF-8, `surr.rs`).
pub fn str_hash_bytes(bytes: &[u8]) -> i64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h ^= h >> 29;
    let h = h as i64;
    if h == -1 {
        -2
    } else {
        h
    }
}

/// `repr` of a string: quoted with `'` unless the text has `'` and no `"`, with the escapes
/// CPython uses (`\n`, `\xNN`, `\uNNNN`, `\UNNNNNNNN` for characters it does not print).
pub fn str_repr(s: &str) -> String {
    let q = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(q);
    for c in s.chars() {
        push_repr_char(&mut out, c, q);
    }
    out.push(q);
    out
}

/// Appends character `c` of a string quoted with `q` as `repr` shows it.
pub(crate) fn push_repr_char(out: &mut String, c: char, q: char) {
    match c {
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if c == q => {
            out.push('\\');
            out.push(c)
        }
        c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
        c if !is_printable(c) => {
            let n = crate::objects::surr::active_surrogate(c).unwrap_or(c as u32);
            if n < 0x100 {
                out.push_str(&format!("\\x{n:02x}"));
            } else if n < 0x10000 {
                out.push_str(&format!("\\u{n:04x}"));
            } else {
                out.push_str(&format!("\\U{n:08x}"));
            }
        }
        c => out.push(c),
    }
}

/// Whether `repr` shows `c` as itself (an approximation of `str.isprintable` by the ranges of
/// control, format, separator and private-use characters CPython escapes).
fn is_printable(c: char) -> bool {
    let n = c as u32;
    const NON: &[(u32, u32)] = &[
        (0x80, 0xa0),
        (0xad, 0xad),
        (0x600, 0x605),
        (0x61c, 0x61c),
        (0x6dd, 0x6dd),
        (0x70f, 0x70f),
        (0x1680, 0x1680),
        (0x180e, 0x180e),
        (0x2000, 0x200f),
        (0x2028, 0x202f),
        (0x205f, 0x2064),
        (0x2066, 0x206f),
        (0x3000, 0x3000),
        (0xd800, 0xf8ff),
        (0xfeff, 0xfeff),
        (0xfff0, 0xfffb),
        (0xfffe, 0xffff),
        (0x110bd, 0x110bd),
        (0x1d173, 0x1d17a),
        (0xe0000, 0xe0fff),
        (0xf0000, 0x10ffff),
    ];
    !NON.iter().any(|&(a, b)| n >= a && n <= b)
}
