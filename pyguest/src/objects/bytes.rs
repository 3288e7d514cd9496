//! `bytes` and `bytearray`: the shared object layout (`BytesObj`, a Rust byte vector; the
//! kind tells the two apart), constructors, and the method tables: the methods both types
//! share (search, split, strip, pad, case, hex, decode), `bytes.fromhex`, and the mutating
//! methods of `bytearray`; at the end the comparison, hash and repr slots (`bytes_compare`,
//! `bytes_hash`, `bytes_repr`).

use crate::objects::native::{arg_or_kw, cm, kwarg, m, seq_items, str_arg, Method};
use crate::objects::ops::{self, index_of, int_of, str_of, ArgVec};
use crate::objects::string::title_case;
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::{self, cls, intern, type_error, value_error, C};
use crate::vm::{PyErr, PyResult};
use metatracer::Trace;
use std::cell::UnsafeCell;

// ---------------------------------------------------------------- layout

#[repr(C)]
#[derive(Trace)]
pub struct BytesObj {
    pub kind: Kind,
    #[gc(no_trace)]
    pub v: UnsafeCell<Vec<u8>>,
}

downcast!(as_bytes, BytesObj, Bytes);
downcast!(as_bytearray, BytesObj, ByteArray);

pub fn new_bytes(v: Vec<u8>, mutable: bool) -> Value {
    Value::obj(gc::alloc(BytesObj {
        kind: if mutable {
            Kind::ByteArray
        } else {
            Kind::Bytes
        },
        v: UnsafeCell::new(v),
    }))
}

impl BytesObj {
    #[inline]
    #[allow(clippy::mut_from_ref)]
    pub fn data(&self) -> &mut Vec<u8> {
        // SAFETY: single-threaded; callers never keep the reference across another access.
        unsafe { &mut *self.v.get() }
    }
}

pub(crate) fn new_bytes_from(a: Args, mutable: bool) -> PyResult<Value> {
    let Some(&v) = a.pos.first() else {
        return Ok(new_bytes(Vec::new(), mutable));
    };
    if let Some(s) = as_str(v) {
        let _enc = a
            .pos
            .get(1)
            .copied()
            .or_else(|| kwarg(&a, "encoding"))
            .ok_or_else(|| type_error("string argument without an encoding"))?;
        return Ok(new_bytes(s.s.as_bytes().to_vec(), mutable));
    }
    if let Some(n) = v.as_small() {
        if n < 0 {
            return Err(value_error("negative count"));
        }
        crate::memlimit::check_bytes(n as usize)?;
        return Ok(new_bytes(vec![0; n as usize], mutable));
    }
    if let Some(big) = as_bigint(v) {
        use num_traits::ToPrimitive;
        return Err(match big.v.to_i64() {
            Some(n) if n < 0 => value_error("negative count"),
            Some(_) => crate::memlimit::memory_error(),
            None => vm::overflow("cannot fit 'int' into an index-sized integer"),
        });
    }
    if let Some(b) = ops::bytes_like(v) {
        return Ok(new_bytes(b, mutable));
    }
    let mut out = Vec::new();
    for x in seq_items(v)? {
        let i = index_of(x)?;
        if !(0..256).contains(&i) {
            return Err(value_error("bytes must be in range(0, 256)"));
        }
        out.push(i as u8);
    }
    Ok(new_bytes(out, mutable))
}

// ---------------------------------------------------------------- bytes

fn self_bytes(a: &Args) -> PyResult<Vec<u8>> {
    a.pos
        .first()
        .and_then(|&v| ops::bytes_like(payload(v)))
        .ok_or_else(|| type_error("descriptor requires a bytes object"))
}

fn bytes_pad(a: Args, mode: u8) -> PyResult<Value> {
    let b = self_bytes(&a)?;
    let w = index_of(a.pos[1])?.max(0) as usize;
    let fill = a
        .pos
        .get(2)
        .and_then(|&v| ops::bytes_like(v))
        .and_then(|f| f.first().copied())
        .unwrap_or(b' ');
    let mutable = payload(a.pos[0]).is_kind(Kind::ByteArray);
    if w <= b.len() {
        return Ok(new_bytes(b, mutable));
    }
    crate::memlimit::check_bytes(w)?;
    let pad = w - b.len();
    let (l, r) = match mode {
        0 => (0, pad),
        1 => (pad, 0),
        _ => {
            let l = pad / 2 + (pad & w & 1);
            (l, pad - l)
        }
    };
    let mut out = vec![fill; l];
    out.extend_from_slice(&b);
    out.extend(std::iter::repeat_n(fill, r));
    Ok(new_bytes(out, mutable))
}

/// `bytes.startswith`/`endswith(prefix_or_tuple[, start[, end]])`.
fn affix_match(a: &Args, which: &str) -> PyResult<Value> {
    let b = self_bytes(a)?;
    let Some(&pat) = a.pos.get(1) else {
        return Err(type_error(format!(
            "{which}() takes at least 1 argument (0 given)"
        )));
    };
    let bad = |v: Value| {
        type_error(format!(
            "{which} first arg must be bytes or a tuple of bytes, not {}",
            vm::type_name(v)
        ))
    };
    let pats: Vec<Vec<u8>> = match as_tuple(pat) {
        Some(t) => t
            .as_slice()
            .iter()
            .map(|&x| ops::bytes_like(x).ok_or_else(|| bad(x)))
            .collect::<PyResult<_>>()?,
        None => vec![ops::bytes_like(pat).ok_or_else(|| bad(pat))?],
    };
    let n = b.len() as i64;
    let bound = |i: usize, default: i64| -> PyResult<i64> {
        match a.pos.get(i) {
            Some(&v) if !v.is_none() => {
                let x = ops::index_of(v)?;
                Ok(if x < 0 { (x + n).max(0) } else { x.min(n) })
            }
            _ => Ok(default),
        }
    };
    let (start, end) = (bound(2, 0)?, bound(3, n)?);
    let past_end = match a.pos.get(2) {
        Some(&v) if !v.is_none() => ops::index_of(v)? > n,
        _ => false,
    };
    if start > end || past_end {
        return Ok(Value::FALSE);
    }
    let part = &b[start as usize..end as usize];
    Ok(Value::bool(pats.iter().any(|p| {
        if which == "startswith" {
            part.starts_with(p)
        } else {
            part.ends_with(p)
        }
    })))
}

/// The methods `bytes` and `bytearray` share.
pub(crate) static SHARED_METHODS: &[Method] = &[
    m("decode(encoding='utf-8', errors='strict')", |a| {
        let b = self_bytes(&a)?;
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
        if !matches!(errors.as_str(), "strict" | "replace" | "ignore") {
            if let Some(v) = crate::modules::codecs::decode_surrogates(&enc, &b, &errors)? {
                return Ok(v);
            }
        }
        match enc.as_str() {
            "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" => {
                return Ok(new_string(b.iter().map(|&x| x as char).collect()))
            }
            "ascii" if b.iter().all(|x| x.is_ascii()) => {
                return Ok(new_string(b.iter().map(|&x| x as char).collect()))
            }
            "utf-8" | "utf8" | "ascii" | "us-ascii" => {}
            // other codecs: through the registry (`_codecs`, the `encodings` package)
            _ => return crate::modules::codecs::decode_bytes(a.pos[0], &enc, &errors),
        }
        if errors == "replace" {
            return Ok(new_string(String::from_utf8_lossy(&b).into_owned()));
        }
        if errors == "ignore" {
            return Ok(new_string(
                String::from_utf8_lossy(&b).replace('\u{fffd}', ""),
            ));
        }
        if let Err(e) = std::str::from_utf8(&b) {
            let start = e.valid_up_to();
            let reason = if e.error_len().is_none() {
                "unexpected end of data"
            } else {
                "invalid start byte"
            };
            let ex = vm::new_exception(
                cls(C::UnicodeDecodeError),
                &[
                    new_str("utf-8"),
                    new_bytes(b.clone(), false),
                    Value::small(start as i64),
                    Value::small(start as i64 + 1),
                    new_str(reason),
                ],
            );
            if let Some(inst) = as_instance(ex) {
                ops::instance_set(inst, intern("start"), Value::small(start as i64));
                ops::instance_set(inst, intern("end"), Value::small(start as i64 + 1));
                ops::instance_set(inst, intern("reason"), new_str(reason));
            }
            return Err(PyErr(ex));
        }
        match String::from_utf8(b) {
            Ok(s) => Ok(new_string(s)),
            Err(e) => Err(vm::exc(
                C::UnicodeDecodeError,
                format!(
                    "'utf-8' codec can't decode byte 0x{:02x} in position {}: invalid start byte",
                    e.as_bytes()[e.utf8_error().valid_up_to()],
                    e.utf8_error().valid_up_to()
                ),
            )),
        }
    }),
    m("hex(sep=<unrepresentable>, bytes_per_sep=1)", |a| {
        let b = self_bytes(&a)?;
        Ok(new_string(b.iter().map(|x| format!("{x:02x}")).collect()))
    }),
    m("T:count(a0, a1=None, a2=None, /)", |a| {
        let b = self_bytes(&a)?;
        let n = match int_of(a.pos[1]) {
            Some(i) => vec![i as u8],
            None => ops::bytes_like(a.pos[1]).unwrap_or_default(),
        };
        let Some((lo, hi)) = search_span(&a, b.len())? else {
            return Ok(Value::small(0));
        };
        let b = &b[lo..hi];
        if n.is_empty() {
            return Ok(Value::small(b.len() as i64 + 1));
        }
        let mut c = 0;
        let mut i = 0;
        while i + n.len() <= b.len() {
            if b[i..i + n.len()] == n[..] {
                c += 1;
                i += n.len();
            } else {
                i += 1;
            }
        }
        Ok(Value::small(c))
    }),
    m("T:find(a0, a1=None, a2=None, /)", |a| {
        let b = self_bytes(&a)?;
        let n = match int_of(a.pos[1]) {
            Some(i) => vec![i as u8],
            None => ops::bytes_like(a.pos[1]).unwrap_or_default(),
        };
        Ok(Value::small(
            find_in(&a, &b, &n)?.map(|x| x as i64).unwrap_or(-1),
        ))
    }),
    m("center(width, fillchar=b' ', /)", |a| bytes_pad(a, 2)),
    m("ljust(width, fillchar=b' ', /)", |a| bytes_pad(a, 0)),
    m("rjust(width, fillchar=b' ', /)", |a| bytes_pad(a, 1)),
    m("zfill(width, /)", |a| {
        let b = self_bytes(&a)?;
        let w = index_of(a.pos[1])?.max(0) as usize;
        let mutable = payload(a.pos[0]).is_kind(Kind::ByteArray);
        if w <= b.len() {
            return Ok(new_bytes(b, mutable));
        }
        let (sign, rest) = if b.first().is_some_and(|&c| c == b'+' || c == b'-') {
            b.split_at(1)
        } else {
            (&b[..0], &b[..])
        };
        crate::memlimit::check_bytes(w)?;
        let mut out = sign.to_vec();
        out.extend(std::iter::repeat_n(b'0', w - b.len()));
        out.extend_from_slice(rest);
        Ok(new_bytes(out, mutable))
    }),
    m("title()", |a| {
        let b = self_bytes(&a)?;
        let s: String = b.iter().map(|&c| c as char).collect();
        let t = title_case(&s);
        Ok(new_bytes(
            t.chars().map(|c| c as u32 as u8).collect(),
            payload(a.pos[0]).is_kind(Kind::ByteArray),
        ))
    }),
    m("isalpha()", |a| {
        let b = self_bytes(&a)?;
        Ok(Value::bool(
            !b.is_empty() && b.iter().all(|x| x.is_ascii_alphabetic()),
        ))
    }),
    m("isdigit()", |a| {
        let b = self_bytes(&a)?;
        Ok(Value::bool(
            !b.is_empty() && b.iter().all(|x| x.is_ascii_digit()),
        ))
    }),
    m("isalnum()", |a| {
        let b = self_bytes(&a)?;
        Ok(Value::bool(
            !b.is_empty() && b.iter().all(|x| x.is_ascii_alphanumeric()),
        ))
    }),
    m("isspace()", |a| {
        let b = self_bytes(&a)?;
        Ok(Value::bool(
            !b.is_empty() && b.iter().all(|x| x.is_ascii_whitespace()),
        ))
    }),
    m("isupper()", |a| {
        let b = self_bytes(&a)?;
        Ok(Value::bool(
            b.iter().any(|x| x.is_ascii_uppercase()) && !b.iter().any(|x| x.is_ascii_lowercase()),
        ))
    }),
    m("islower()", |a| {
        let b = self_bytes(&a)?;
        Ok(Value::bool(
            b.iter().any(|x| x.is_ascii_lowercase()) && !b.iter().any(|x| x.is_ascii_uppercase()),
        ))
    }),
    m("T:index(a0, a1=None, a2=None, /)", |a| {
        let b = self_bytes(&a)?;
        let n = match int_of(a.pos[1]) {
            Some(i) => vec![i as u8],
            None => ops::bytes_like(a.pos[1]).unwrap_or_default(),
        };
        find_in(&a, &b, &n)?
            .map(|x| Value::small(x as i64))
            .ok_or_else(|| value_error("subsection not found"))
    }),
    m("T:startswith(a0, a1=None, a2=None, /)", |a| {
        affix_match(&a, "startswith")
    }),
    m("T:endswith(a0, a1=None, a2=None, /)", |a| {
        affix_match(&a, "endswith")
    }),
    m("upper()", |a| {
        let mutable = payload(a.pos[0]).is_kind(Kind::ByteArray);
        Ok(new_bytes(self_bytes(&a)?.to_ascii_uppercase(), mutable))
    }),
    m("lower()", |a| {
        let mutable = payload(a.pos[0]).is_kind(Kind::ByteArray);
        Ok(new_bytes(self_bytes(&a)?.to_ascii_lowercase(), mutable))
    }),
    m("strip(bytes=None, /)", |a| bytes_strip(&a, true, true)),
    m("lstrip(bytes=None, /)", |a| bytes_strip(&a, true, false)),
    m("rstrip(bytes=None, /)", |a| bytes_strip(&a, false, true)),
    m("split(sep=None, maxsplit=-1)", |a| {
        let b = self_bytes(&a)?;
        let mut out = ArgVec::new();
        match a.pos.get(1).and_then(|&v| ops::bytes_like(v)) {
            Some(sep) if !sep.is_empty() => {
                let mut start = 0;
                let mut i = 0;
                while i + sep.len() <= b.len() {
                    if b[i..i + sep.len()] == sep[..] {
                        out.push(new_bytes(b[start..i].to_vec(), false));
                        i += sep.len();
                        start = i;
                    } else {
                        i += 1;
                    }
                }
                out.push(new_bytes(b[start..].to_vec(), false));
            }
            _ => {
                for w in b
                    .split(|x| x.is_ascii_whitespace())
                    .filter(|w| !w.is_empty())
                {
                    out.push(new_bytes(w.to_vec(), false));
                }
            }
        }
        Ok(new_list_from(&out))
    }),
    m("join(iterable_of_bytes, /)", |a| {
        let sep = self_bytes(&a)?;
        let items = seq_items(a.pos[1])?;
        // first pass: the item types and the result's size, checked before building it
        let mut total = sep.len().saturating_mul(items.len().saturating_sub(1));
        for x in items.iter() {
            let b = as_bytes(*x)
                .or_else(|| as_bytearray(*x))
                .ok_or_else(|| type_error("sequence item: expected a bytes-like object"))?;
            total = total.saturating_add(b.data().len());
        }
        let mut out = crate::memlimit::vec_with_capacity(total)?;
        for (i, x) in items.iter().enumerate() {
            if i > 0 {
                out.extend_from_slice(&sep);
            }
            out.extend_from_slice(as_bytes(*x).or_else(|| as_bytearray(*x)).unwrap().data());
        }
        Ok(new_bytes(out, false))
    }),
    m("replace(old, new, count=-1, /)", |a| {
        let b = self_bytes(&a)?;
        let old = ops::bytes_like(a.pos[1]).unwrap_or_default();
        let new = ops::bytes_like(a.pos[2]).unwrap_or_default();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if !old.is_empty() && b[i..].starts_with(&old) {
                out.extend_from_slice(&new);
                i += old.len();
            } else {
                out.push(b[i]);
                i += 1;
            }
        }
        Ok(new_bytes(out, false))
    }),
];

/// The methods of `bytes` only.
pub(crate) static BYTES_METHODS: &[Method] = &[cm("fromhex(string, /)", |a| {
    let s = str_arg(a.pos[1], "fromhex arg")?;
    let clean: String = s.s.chars().filter(|c| !c.is_whitespace()).collect();
    if !clean.len().is_multiple_of(2) {
        return Err(value_error("non-hexadecimal number found in fromhex() arg"));
    }
    let mut out = Vec::new();
    for i in (0..clean.len()).step_by(2) {
        out.push(
            u8::from_str_radix(&clean[i..i + 2], 16)
                .map_err(|_| value_error("non-hexadecimal number found in fromhex() arg"))?,
        );
    }
    Ok(new_bytes(out, false))
})];

/// The mutating methods of `bytearray`.
pub(crate) static BYTEARRAY_METHODS: &[Method] = &[
    m("append(item, /)", |a| {
        let b = as_bytearray(payload(a.pos[0])).unwrap();
        let i = index_of(a.pos[1])?;
        if !(0..256).contains(&i) {
            return Err(value_error("byte must be in range(0, 256)"));
        }
        b.data().push(i as u8);
        Ok(Value::NONE)
    }),
    m("extend(iterable_of_ints, /)", |a| {
        let b = as_bytearray(payload(a.pos[0])).unwrap();
        let extra = match ops::bytes_like(a.pos[1]) {
            Some(x) => x,
            None => seq_items(a.pos[1])?
                .iter()
                .map(|&x| int_of(x).unwrap_or(0) as u8)
                .collect(),
        };
        b.data().extend_from_slice(&extra);
        Ok(Value::NONE)
    }),
    m("insert(index, item, /)", |a| {
        let b = as_bytearray(payload(a.pos[0])).unwrap();
        let n = b.data().len() as i64;
        let mut i = index_of(a.pos[1])?;
        if i < 0 {
            i = (i + n).max(0);
        }
        let x = index_of(a.pos[2])?;
        if !(0..256).contains(&x) {
            return Err(value_error("byte must be in range(0, 256)"));
        }
        b.data().insert(i.min(n) as usize, x as u8);
        Ok(Value::NONE)
    }),
    m("clear()", |a| {
        as_bytearray(payload(a.pos[0])).unwrap().data().clear();
        Ok(Value::NONE)
    }),
    m("copy()", |a| {
        let b = as_bytearray(payload(a.pos[0])).unwrap();
        Ok(new_bytes(b.data().clone(), true))
    }),
    m("reverse()", |a| {
        as_bytearray(payload(a.pos[0])).unwrap().data().reverse();
        Ok(Value::NONE)
    }),
    m("pop(index=-1, /)", |a| {
        let b = as_bytearray(payload(a.pos[0])).unwrap();
        b.data()
            .pop()
            .map(|x| Value::small(x as i64))
            .ok_or_else(|| vm::index_error("pop from empty bytearray"))
    }),
];

// ---------------------------------------------------------------- comparison, hash, repr

/// `a op b` for two bytes-like objects (bytes or bytearray, in any mix): byte order.
pub(crate) fn bytes_compare(a: &BytesObj, b: &BytesObj, op: u32) -> Value {
    // copies: `data()` hands out the vector mutably, and `a` and `b` may be one object
    let (x, y) = (a.data().clone(), b.data().clone());
    ops::compare::ord_result(x, y, op)
}

/// `hash` of a bytes object: the hash of its text read as UTF-8, so `b"abc"` hashes like
/// `"abc"` as in CPython (bytearrays are unhashable).
pub(crate) fn bytes_hash(b: &BytesObj) -> i64 {
    crate::objects::string::str_hash(&String::from_utf8_lossy(b.data()))
}

/// `repr` of bytes: `prefix` then the quoted bytes, printable ASCII as itself and the rest
/// as `\xNN` escapes.
pub fn bytes_repr(b: &[u8], prefix: &str) -> String {
    let q = if b.contains(&b'\'') && !b.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::from(prefix);
    out.push(q);
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            c if c as char == q => {
                out.push('\\');
                out.push(c as char)
            }
            0x20..=0x7e => out.push(c as char),
            c => out.push_str(&format!("\\x{c:02x}")),
        }
    }
    out.push(q);
    out
}

/// `repr` of a bytes or bytearray object: `b'...'`, `bytearray(b'...')`.
pub(crate) fn bytes_obj_repr(b: &BytesObj, out: &mut String) {
    if b.kind == Kind::ByteArray {
        out.push_str("bytearray(");
        out.push_str(&bytes_repr(b.data(), "b"));
        out.push(')');
    } else {
        out.push_str(&bytes_repr(b.data(), "b"));
    }
}

/// The `start`/`end` arguments (positions 2 and 3) of `find`/`index`/`count` as a range of
/// a sequence of `len` bytes, with slice semantics (negative counts from the end, clamped);
/// None when `start` lies past the end (nothing can be found there, not even b'').
fn search_span(a: &Args, len: usize) -> PyResult<Option<(usize, usize)>> {
    let bound = |i: usize, default: usize| -> PyResult<usize> {
        match a.pos.get(i).filter(|v| !v.is_none()) {
            None => Ok(default),
            Some(&v) => {
                let x = index_of(v)?;
                Ok(if x < 0 {
                    (x + len as i64).max(0) as usize
                } else {
                    x as usize
                })
            }
        }
    };
    let lo = bound(2, 0)?;
    let hi = bound(3, len)?.min(len);
    Ok(if lo > len {
        None
    } else {
        Some((lo, hi.max(lo)))
    })
}

/// The first position of `needle` in `hay[start:end]` (positions into `hay`).
fn find_in(a: &Args, hay: &[u8], needle: &[u8]) -> PyResult<Option<usize>> {
    let Some((lo, hi)) = search_span(a, hay.len())? else {
        return Ok(None);
    };
    let window = &hay[lo..hi];
    if needle.len() > window.len() {
        return Ok(None);
    }
    Ok((0..=window.len() - needle.len())
        .find(|&i| window[i..i + needle.len()] == needle[..])
        .map(|i| i + lo))
}

/// `bytes.strip`/`lstrip`/`rstrip`: drops the bytes in the argument (ASCII whitespace when
/// it is None or absent) from the chosen ends.
fn bytes_strip(a: &Args, left: bool, right: bool) -> PyResult<Value> {
    let b = self_bytes(a)?;
    let chars = a
        .pos
        .get(1)
        .and_then(|&v| ops::bytes_like(v))
        .unwrap_or_else(|| b" \t\n\r\x0b\x0c".to_vec());
    let s = if left {
        b.iter().position(|x| !chars.contains(x)).unwrap_or(b.len())
    } else {
        0
    };
    let e = if right {
        b.iter()
            .rposition(|x| !chars.contains(x))
            .map(|p| p + 1)
            .unwrap_or(s)
    } else {
        b.len()
    };
    Ok(new_bytes(
        b[s..e.max(s)].to_vec(),
        payload(a.pos[0]).is_kind(Kind::ByteArray),
    ))
}
