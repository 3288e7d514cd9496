//! `_codecs`: the codec registry and the codec primitives CPython's `codecs.py` and the
//! `encodings` package are written over.
//!
//! Registry: `register`/`unregister` search functions, `lookup(name)` (imports `encodings`
//! first, as CPython's start-up does; the name is lower-cased with spaces turned into
//! underscores; results are cached until `_forget_codec`), `encode`/`decode` through the
//! registry, `register_error`/`lookup_error` (the built-in handlers `strict`, `ignore`,
//! `replace`, `backslashreplace`, `xmlcharrefreplace`, `namereplace`, `surrogateescape`,
//! `surrogatepass` are builtins that implement the `(replacement, position)` protocol).
//!
//! Primitives, each returning `(result, consumed)` as CPython's: `utf_8`, `ascii`, `latin_1`,
//! `utf_16`/`utf_16_le`/`utf_16_be`/`utf_16_ex_decode`, the `utf_32` family, `charmap_*`
//! (with `charmap_build`, which makes every table-driven codec in `encodings/`, `cp1252` and
//! the `iso8859_*` ones, work), `escape_*` (bytes escapes, used by `pickle`), `unicode_escape_*`,
//! `raw_unicode_escape_*` and `readbuffer_encode`. The primitives handle the error modes
//! `strict`, `ignore`, `replace`, `backslashreplace`, (encoding) `xmlcharrefreplace`,
//! `surrogateescape` (bytes 0x80..0xFF <-> U+DC80..U+DCFF) and `surrogatepass` (lone
//! surrogates encoded as such by the UTF-8/16/32 codecs) themselves; other registered handler
//! names are treated as `strict`. Text is read as code points, so strings holding lone
//! surrogates (`objects/surr.rs`) encode, and decoders build their result with
//! `surr::TextBuf`, so they can produce them.
//! `UnicodeDecodeError`/`UnicodeEncodeError` carry CPython's message and the attributes
//! `encoding`, `object`, `start`, `end`, `reason`. Not provided: `utf_7`, `mbcs`/`oem`.

use super::native_class::{arg, opt_arg};
use super::*;
use crate::argvec::ArgVec;
use crate::vm::cls;
use metatracer::gc::Root;

struct Registry {
    search: Option<Root<ListObj>>,
    cache: Option<Root<DictObj>>,
    errors: Option<Root<DictObj>>,
}

thread_local! {
    static REG: RefCell<Registry> = const {
        RefCell::new(Registry { search: None, cache: None, errors: None })
    };
}

/// The registry's (search functions, cache, error handlers), importing `_codecs` first if
/// nothing has yet (`str.encode` can get here before any `import codecs`).
fn registry() -> PyResult<(Gc<ListObj>, Gc<DictObj>, Gc<DictObj>)> {
    let get = || {
        REG.with(|r| {
            let r = r.borrow();
            Some((
                r.search.as_ref()?.get(),
                r.cache.as_ref()?.get(),
                r.errors.as_ref()?.get(),
            ))
        })
    };
    if let Some(x) = get() {
        return Ok(x);
    }
    crate::import::load_module("_codecs")?;
    get().ok_or_else(|| vm::exc(C::SystemError, "_codecs did not initialise"))
}
fn search_list() -> PyResult<Gc<ListObj>> {
    Ok(registry()?.0)
}
fn cache() -> PyResult<Gc<DictObj>> {
    Ok(registry()?.1)
}
fn error_handlers() -> PyResult<Gc<DictObj>> {
    Ok(registry()?.2)
}

type PyErr = crate::interpreter::PyErr;

#[derive(Clone, Copy, PartialEq)]
enum Errors {
    Strict,
    Ignore,
    Replace,
    BackslashReplace,
    XmlCharRefReplace,
    SurrogateEscape,
    SurrogatePass,
}

use crate::objects::surr::{self, TextBuf};

/// The built-in error mode named `name`, if it is one.
fn errors_named(name: &str) -> Option<Errors> {
    Some(match name {
        "strict" => Errors::Strict,
        "ignore" => Errors::Ignore,
        "replace" => Errors::Replace,
        "backslashreplace" => Errors::BackslashReplace,
        "xmlcharrefreplace" => Errors::XmlCharRefReplace,
        "surrogateescape" => Errors::SurrogateEscape,
        "surrogatepass" => Errors::SurrogatePass,
        _ => return None,
    })
}

fn errors_arg(a: &Args, i: usize) -> PyResult<Errors> {
    let Some(v) = opt_arg(a, i, "errors").filter(|v| !v.is_none()) else {
        return Ok(Errors::Strict);
    };
    let name = ops::str_of(v)?;
    Ok(match errors_named(&name) {
        Some(e) => e,
        None => {
            if error_handlers()?.get_str(&name).is_none() {
                return Err(vm::exc(
                    C::LookupError,
                    format!("unknown error handler name '{name}'"),
                ));
            }
            Errors::Strict
        }
    })
}

fn final_arg(a: &Args, i: usize) -> PyResult<bool> {
    match opt_arg(a, i, "final") {
        Some(v) => ops::truthy(v),
        None => Ok(false),
    }
}

/// The code points of argument 0, a `str` that may hold lone surrogates.
fn cps_input(a: &Args, func: &str) -> PyResult<Vec<u32>> {
    let v = arg(a, 0, "str", func)?;
    match surr::as_text(payload(v)) {
        Some(s) => Ok(surr::code_points(&s).collect()),
        None => Err(type_error(format!(
            "{func}() argument 1 must be str, not {}",
            vm::type_name(v)
        ))),
    }
}

fn bytes_input(a: &Args, func: &str) -> PyResult<Vec<u8>> {
    let v = arg(a, 0, "data", func)?;
    ops::bytes_like(v).ok_or_else(|| {
        type_error(format!(
            "a bytes-like object is required, not '{}'",
            vm::type_name(v)
        ))
    })
}

fn set_attrs(e: Value, enc: &str, object: Value, start: usize, end: usize, reason: &str) {
    if let Some(i) = as_instance(e) {
        ops::instance_set(i, vm::intern("encoding"), new_str(enc));
        ops::instance_set(i, vm::intern("object"), object);
        ops::instance_set(i, vm::intern("start"), new_int(start as i64));
        ops::instance_set(i, vm::intern("end"), new_int(end as i64));
        ops::instance_set(i, vm::intern("reason"), new_str(reason));
    }
}

fn decode_error(enc: &str, data: &[u8], start: usize, end: usize, reason: &str) -> PyErr {
    let msg = if end == start + 1 {
        format!(
            "'{enc}' codec can't decode byte 0x{:02x} in position {start}: {reason}",
            data[start]
        )
    } else {
        format!(
            "'{enc}' codec can't decode bytes in position {start}-{}: {reason}",
            end - 1
        )
    };
    let e = vm::new_exception(cls(C::UnicodeDecodeError), &[new_string(msg)]);
    set_attrs(e, enc, new_bytes(data.to_vec(), false), start, end, reason);
    crate::interpreter::PyErr(e)
}

fn char_escape(n: u32) -> String {
    if n < 0x100 {
        format!("\\x{n:02x}")
    } else if n < 0x10000 {
        format!("\\u{n:04x}")
    } else {
        format!("\\U{n:08x}")
    }
}

fn encode_error(enc: &str, s: &[u32], start: usize, end: usize, reason: &str) -> PyErr {
    let object = match surr::from_code_points(s) {
        Ok(v) => v,
        Err(e) => return e,
    };
    surr::unicode_encode_error(enc, object, s, start, end, reason)
}

/// Encodes `s` with `enc_char` (None: not encodable), applying `errors`.
fn encode_with(
    enc: &str,
    chars: &[u32],
    errors: Errors,
    reason: &str,
    replacement: &[u8],
    enc_char: impl FnMut(u32, &mut Vec<u8>) -> bool,
) -> PyResult<Value> {
    encode_runs(enc, chars, errors, reason, replacement, true, enc_char)
}

/// [`encode_with`]; `runs`: a failure covers the whole run of unencodable characters (as
/// CPython's UTF-8 and single-byte encoders report it), else one character (UTF-16/32).
fn encode_runs(
    enc: &str,
    chars: &[u32],
    errors: Errors,
    reason: &str,
    replacement: &[u8],
    runs: bool,
    mut enc_char: impl FnMut(u32, &mut Vec<u8>) -> bool,
) -> PyResult<Value> {
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        if enc_char(chars[i], &mut out) {
            i += 1;
            continue;
        }
        let mut end = i + 1;
        while runs && end < chars.len() && {
            let mut probe = Vec::new();
            !enc_char(chars[end], &mut probe)
        } {
            end += 1;
        }
        match errors {
            Errors::Strict | Errors::SurrogatePass => {
                return Err(encode_error(enc, chars, i, end, reason))
            }
            Errors::SurrogateEscape => {
                for (k, &c) in chars[i..end].iter().enumerate() {
                    if !(0xDC80..0xDD00).contains(&c) {
                        return Err(encode_error(enc, chars, i + k, end, reason));
                    }
                    out.push((c - 0xDC00) as u8);
                }
            }
            Errors::Ignore => {}
            Errors::Replace => {
                for _ in i..end {
                    out.extend_from_slice(replacement);
                }
            }
            Errors::BackslashReplace | Errors::XmlCharRefReplace => {
                // the replacement text is encoded by the codec itself (two or four bytes a
                // character in UTF-16/32); a byte as it is where the codec cannot
                for &c in &chars[i..end] {
                    let text = if errors == Errors::BackslashReplace {
                        char_escape(c)
                    } else {
                        format!("&#{c};")
                    };
                    for b in text.bytes() {
                        if !enc_char(b as u32, &mut out) {
                            out.push(b);
                        }
                    }
                }
            }
        }
        i = end;
    }
    Ok(new_tuple(&[
        new_bytes(out, false),
        new_int(chars.len() as i64),
    ]))
}

/// Decoding: appends the replacement for bytes `data[start..end]` per `errors`.
fn decode_failure(
    enc: &str,
    data: &[u8],
    start: usize,
    end: usize,
    reason: &str,
    errors: Errors,
    out: &mut TextBuf,
) -> PyResult<()> {
    match errors {
        Errors::Strict | Errors::XmlCharRefReplace | Errors::SurrogatePass => {
            Err(decode_error(enc, data, start, end, reason))
        }
        Errors::SurrogateEscape => {
            for (k, &b) in data[start..end].iter().enumerate() {
                if b < 0x80 {
                    return Err(decode_error(enc, data, start + k, end, reason));
                }
                out.push_cp(0xDC00 + b as u32);
            }
            Ok(())
        }
        Errors::Ignore => Ok(()),
        Errors::Replace => {
            out.push('\u{fffd}');
            Ok(())
        }
        Errors::BackslashReplace => {
            for b in &data[start..end] {
                out.push_str(&format!("\\x{b:02x}"));
            }
            Ok(())
        }
    }
}

fn decoded(s: TextBuf, consumed: usize) -> PyResult<Value> {
    Ok(new_tuple(&[s.finish()?, new_int(consumed as i64)]))
}

fn utf8_decode(data: &[u8], errors: Errors, final_: bool) -> PyResult<Value> {
    let mut out = TextBuf::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        match std::str::from_utf8(&data[i..]) {
            Ok(s) => {
                out.push_str(s);
                i = data.len();
            }
            Err(e) => {
                let good = e.valid_up_to();
                out.push_str(std::str::from_utf8(&data[i..i + good]).unwrap_or(""));
                i += good;
                match e.error_len() {
                    None => {
                        // an incomplete sequence at the end
                        if !final_ {
                            return decoded(out, i);
                        }
                        decode_failure(
                            "utf-8",
                            data,
                            i,
                            data.len(),
                            "unexpected end of data",
                            errors,
                            &mut out,
                        )?;
                        i = data.len();
                    }
                    Some(_) if errors == Errors::SurrogatePass && is_wtf8_surrogate(&data[i..]) => {
                        let n = ((data[i + 1] as u32 & 0x3F) << 6) | (data[i + 2] as u32 & 0x3F);
                        out.push_cp(0xD000 | n);
                        i += 3;
                    }
                    Some(n) => {
                        let b = data[i];
                        let reason = if (0x80..0xc2).contains(&b) || b > 0xf4 {
                            "invalid start byte"
                        } else {
                            "invalid continuation byte"
                        };
                        decode_failure("utf-8", data, i, i + n, reason, errors, &mut out)?;
                        i += n;
                    }
                }
            }
        }
    }
    decoded(out, data.len())
}

/// Whether `b` starts with a surrogate written as UTF-8 (ED A0..BF 80..BF).
fn is_wtf8_surrogate(b: &[u8]) -> bool {
    b.len() >= 3 && b[0] == 0xED && (0xA0..0xC0).contains(&b[1]) && (0x80..0xC0).contains(&b[2])
}

fn single_byte_decode(enc: &str, data: &[u8], limit: u32, errors: Errors) -> PyResult<Value> {
    let mut out = TextBuf::with_capacity(data.len());
    for (i, &b) in data.iter().enumerate() {
        if (b as u32) < limit {
            out.push(b as char);
        } else {
            decode_failure(
                enc,
                data,
                i,
                i + 1,
                "ordinal not in range(128)",
                errors,
                &mut out,
            )?;
        }
    }
    decoded(out, data.len())
}

/// UTF-16/32 decoding with byte order `order` (-1 little, 1 big, 0 detect from a BOM).
/// Returns (text, consumed, detected order).
fn utf_wide_decode(
    width: usize,
    data: &[u8],
    errors: Errors,
    mut order: i64,
    final_: bool,
) -> PyResult<(TextBuf, usize, i64)> {
    let enc = match (width, order) {
        (2, -1) => "utf-16-le",
        (2, 1) => "utf-16-be",
        (2, _) => "utf-16",
        (_, -1) => "utf-32-le",
        (_, 1) => "utf-32-be",
        _ => "utf-32",
    };
    let mut i = 0;
    if order == 0 && data.len() >= width {
        let le_bom = if width == 2 {
            &[0xff, 0xfe][..]
        } else {
            &[0xff, 0xfe, 0, 0][..]
        };
        let be_bom = if width == 2 {
            &[0xfe, 0xff][..]
        } else {
            &[0, 0, 0xfe, 0xff][..]
        };
        if data.starts_with(le_bom) {
            order = -1;
            i = width;
        } else if data.starts_with(be_bom) {
            order = 1;
            i = width;
        }
    }
    let big = order == 1;
    let unit = |j: usize| -> u32 {
        let b = &data[j..j + width];
        let mut v = 0u32;
        for k in 0..width {
            let byte = if big { b[k] } else { b[width - 1 - k] };
            v = (v << 8) | byte as u32;
        }
        v
    };
    let mut out = TextBuf::default();
    let pass = errors == Errors::SurrogatePass;
    while i + width <= data.len() {
        let u = unit(i);
        if width == 4 {
            match char::from_u32(u) {
                Some(c) => out.push(c),
                None if pass && surr::is_surrogate(u) => out.push_cp(u),
                None => {
                    let reason = if u > 0x10ffff {
                        "code point not in range(0x110000)"
                    } else {
                        "code point in surrogate code point range(0xd800, 0xe000)"
                    };
                    decode_failure(enc, data, i, i + 4, reason, errors, &mut out)?;
                }
            }
            i += 4;
            continue;
        }
        if (0xd800..0xdc00).contains(&u) {
            if i + 4 > data.len() {
                if !final_ {
                    break;
                }
                if pass && i + 2 == data.len() {
                    out.push_cp(u);
                    i += 2;
                    break;
                }
                decode_failure(
                    enc,
                    data,
                    i,
                    data.len(),
                    "unexpected end of data",
                    errors,
                    &mut out,
                )?;
                i = data.len();
                break;
            }
            let lo = unit(i + 2);
            if (0xdc00..0xe000).contains(&lo) {
                let c = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
                out.push(char::from_u32(c).unwrap_or('\u{fffd}'));
                i += 4;
            } else if pass {
                out.push_cp(u);
                i += 2;
            } else {
                decode_failure(
                    enc,
                    data,
                    i,
                    i + 2,
                    "illegal UTF-16 surrogate",
                    errors,
                    &mut out,
                )?;
                i += 2;
            }
        } else if (0xdc00..0xe000).contains(&u) && pass {
            out.push_cp(u);
            i += 2;
        } else if (0xdc00..0xe000).contains(&u) {
            decode_failure(enc, data, i, i + 2, "illegal encoding", errors, &mut out)?;
            i += 2;
        } else {
            out.push(char::from_u32(u).unwrap_or('\u{fffd}'));
            i += 2;
        }
    }
    if i < data.len() && final_ {
        decode_failure(enc, data, i, data.len(), "truncated data", errors, &mut out)?;
        i = data.len();
    }
    Ok((out, i, order))
}

fn utf_wide_encode(width: usize, s: &[u32], order: i64, errors: Errors) -> PyResult<Value> {
    let enc = match (width, order) {
        (2, -1) => "utf-16-le",
        (2, 1) => "utf-16-be",
        (2, _) => "utf-16",
        (_, -1) => "utf-32-le",
        (_, 1) => "utf-32-be",
        _ => "utf-32",
    };
    let mut out = Vec::new();
    let big = order == 1;
    let put = |v: u32, out: &mut Vec<u8>| {
        let bytes = if width == 2 {
            let b = (v as u16).to_be_bytes();
            if big {
                b.to_vec()
            } else {
                vec![b[1], b[0]]
            }
        } else if big {
            v.to_be_bytes().to_vec()
        } else {
            v.to_le_bytes().to_vec()
        };
        out.extend(bytes);
    };
    if order == 0 {
        put(0xfeff, &mut out);
    }
    let pass = errors == Errors::SurrogatePass;
    let mut question = Vec::new();
    put('?' as u32, &mut question);
    let r = encode_runs(
        enc,
        s,
        errors,
        "surrogates not allowed",
        &question,
        false,
        |c, o| {
            match char::from_u32(c) {
                Some(ch) if width == 2 => {
                    let mut buf = [0u16; 2];
                    for u in ch.encode_utf16(&mut buf) {
                        put(*u as u32, o);
                    }
                }
                Some(_) => put(c, o),
                None if pass => put(c, o),
                None => return false,
            }
            true
        },
    )?;
    let t = as_tuple(r).unwrap();
    let mut bytes = out;
    bytes.extend(ops::bytes_like(t.as_slice()[0]).unwrap_or_default());
    Ok(new_tuple(&[new_bytes(bytes, false), t.as_slice()[1]]))
}

/// UTF-8 encoding of code points with `errors` (surrogates: "surrogates not allowed").
fn utf8_encode(s: &[u32], errors: Errors) -> PyResult<Value> {
    let pass = errors == Errors::SurrogatePass;
    encode_with(
        "utf-8",
        s,
        errors,
        "surrogates not allowed",
        b"?",
        |c, o| {
            if surr::is_surrogate(c) && !pass {
                return false;
            }
            surr::push_wtf8(o, c);
            true
        },
    )
}

/// `str.encode` of a string holding lone surrogates: the codecs pyguest knows natively,
/// others through the registry (whose Python codecs call this module's primitives).
pub fn str_encode_surr(a: Args) -> PyResult<Value> {
    let slf = payload(a.pos[0]);
    let o = surr::as_text(slf).ok_or_else(|| type_error("descriptor requires a 'str' object"))?;
    let get = |i: usize, n: &str| {
        a.pos
            .get(i)
            .copied()
            .or_else(|| crate::objects::native::kwarg(&a, n))
    };
    let enc = match get(1, "encoding") {
        Some(v) => ops::str_of(v)?,
        None => "utf-8".into(),
    }
    .to_lowercase()
    .replace('_', "-");
    let errors_name = match get(2, "errors") {
        Some(v) => ops::str_of(v)?,
        None => "strict".into(),
    };
    let cps: Vec<u32> = surr::code_points(&o).collect();
    let Some(errors) = errors_named(&errors_name) else {
        return encode_text(slf, &enc, &errors_name);
    };
    let first = |r: Value| Ok(as_tuple(r).unwrap().as_slice()[0]);
    match enc.as_str() {
        "utf-8" | "utf8" => first(utf8_encode(&cps, errors)?),
        "ascii" | "us-ascii" => first(encode_with(
            "ascii",
            &cps,
            errors,
            "ordinal not in range(128)",
            b"?",
            |c, o| {
                c < 128 && {
                    o.push(c as u8);
                    true
                }
            },
        )?),
        "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" => first(encode_with(
            "latin-1",
            &cps,
            errors,
            "ordinal not in range(256)",
            b"?",
            |c, o| {
                c < 256 && {
                    o.push(c as u8);
                    true
                }
            },
        )?),
        "utf-16" | "utf16" => first(utf_wide_encode(2, &cps, 0, errors)?),
        "utf-16-le" | "utf-16le" => first(utf_wide_encode(2, &cps, -1, errors)?),
        "utf-16-be" | "utf-16be" => first(utf_wide_encode(2, &cps, 1, errors)?),
        "utf-32" | "utf32" => first(utf_wide_encode(4, &cps, 0, errors)?),
        "utf-32-le" | "utf-32le" => first(utf_wide_encode(4, &cps, -1, errors)?),
        "utf-32-be" | "utf-32be" => first(utf_wide_encode(4, &cps, 1, errors)?),
        _ => encode_text(slf, &enc, &errors_name),
    }
}

/// `bytes.decode` with `surrogateescape`/`surrogatepass` for the codecs pyguest decodes
/// natively (`None`: not one of them).
pub fn decode_surrogates(enc: &str, data: &[u8], errors: &str) -> PyResult<Option<Value>> {
    let Some(e) = errors_named(errors) else {
        return Ok(None);
    };
    let r = match enc {
        "utf-8" | "utf8" => utf8_decode(data, e, true)?,
        "ascii" | "us-ascii" => single_byte_decode("ascii", data, 128, e)?,
        _ => return Ok(None),
    };
    Ok(Some(as_tuple(r).unwrap().as_slice()[0]))
}

/// Bytes with Python's escapes (`escape_decode`, the `unicode_escape` family for ASCII).
fn unescape(
    enc: &str,
    data: &[u8],
    errors: Errors,
    unicode: bool,
    raw: bool,
) -> PyResult<(Vec<u32>, Vec<u8>)> {
    let mut chars = Vec::new();
    let mut bytes = Vec::new();
    let push = |c: u32, chars: &mut Vec<u32>, bytes: &mut Vec<u8>| {
        if unicode {
            chars.push(c);
        } else {
            bytes.push(c as u8);
        }
    };
    let mut i = 0;
    while i < data.len() {
        let b = data[i];
        if b != b'\\' || i + 1 >= data.len() {
            if b == b'\\' && !raw {
                if unicode {
                    let mut s = TextBuf::default();
                    decode_failure(
                        enc,
                        data,
                        i,
                        data.len(),
                        "\\ at end of string",
                        errors,
                        &mut s,
                    )?;
                    chars.extend(s.into_cps());
                    break;
                }
                return Err(value_error("Trailing \\ in string"));
            }
            push(b as u32, &mut chars, &mut bytes);
            i += 1;
            continue;
        }
        let c = data[i + 1];
        if raw && c != b'u' && c != b'U' {
            push(b as u32, &mut chars, &mut bytes);
            i += 1;
            continue;
        }
        let simple = match c {
            b'\n' => Some(None),
            b'\\' => Some(Some(b'\\')),
            b'\'' => Some(Some(b'\'')),
            b'"' => Some(Some(b'"')),
            b'a' => Some(Some(7)),
            b'b' => Some(Some(8)),
            b'f' => Some(Some(12)),
            b'n' => Some(Some(b'\n')),
            b'r' => Some(Some(b'\r')),
            b't' => Some(Some(b'\t')),
            b'v' => Some(Some(11)),
            _ => None,
        };
        if let Some(v) = simple {
            if let Some(v) = v {
                push(v as u32, &mut chars, &mut bytes);
            }
            i += 2;
            continue;
        }
        if (b'0'..=b'7').contains(&c) {
            let mut v = 0u32;
            let mut j = i + 1;
            while j < data.len() && j < i + 4 && (b'0'..=b'7').contains(&data[j]) {
                v = v * 8 + (data[j] - b'0') as u32;
                j += 1;
            }
            push(if unicode { v } else { v & 0xff }, &mut chars, &mut bytes);
            i = j;
            continue;
        }
        let digits = match c {
            b'x' => 2,
            b'u' if unicode => 4,
            b'U' if unicode => 8,
            _ => 0,
        };
        if digits > 0 {
            let hex = data.get(i + 2..i + 2 + digits);
            let v = hex
                .filter(|h| h.iter().all(|d| d.is_ascii_hexdigit()))
                .and_then(|h| u32::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
            match v {
                Some(v) if !unicode || v < 0x110000 => {
                    push(v, &mut chars, &mut bytes);
                    i += 2 + digits;
                }
                _ => {
                    let avail = data[i + 2..]
                        .iter()
                        .take(digits)
                        .take_while(|d| d.is_ascii_hexdigit())
                        .count();
                    if !unicode {
                        return Err(value_error(format!("invalid \\x escape at position {i}")));
                    }
                    let reason = match (c, v) {
                        (b'x', _) => "truncated \\xXX escape",
                        (b'u', _) => "truncated \\uXXXX escape",
                        (_, Some(_)) => "illegal Unicode character",
                        _ => "truncated \\UXXXXXXXX escape",
                    };
                    let end = if v.is_some() {
                        i + 2 + digits
                    } else {
                        i + 2 + avail
                    };
                    let mut s = TextBuf::default();
                    decode_failure(enc, data, i, end, reason, errors, &mut s)?;
                    chars.extend(s.into_cps());
                    i = end;
                }
            }
            continue;
        }
        // an unknown escape stays as it is
        push(b'\\' as u32, &mut chars, &mut bytes);
        push(c as u32, &mut chars, &mut bytes);
        i += 2;
    }
    Ok((chars, bytes))
}

/// `unicode_escape`/`raw_unicode_escape` encoding of a str.
fn escape_text(s: &[u32], raw: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for &n in s {
        if raw {
            if n < 0x100 {
                out.push(n as u8);
            } else {
                out.extend(char_escape(n).bytes());
            }
            continue;
        }
        let c = char::from_u32(n).unwrap_or('\u{fffd}');
        match c {
            '\\' => out.extend(b"\\\\"),
            '\t' => out.extend(b"\\t"),
            '\n' => out.extend(b"\\n"),
            '\r' => out.extend(b"\\r"),
            ' '..='~' => out.push(n as u8),
            _ => out.extend(char_escape(n).bytes()),
        }
    }
    out
}

/// Bytes with non-printable bytes and quotes escaped (`escape_encode`).
fn escape_bytes(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for &b in data {
        match b {
            b'\\' => out.extend(b"\\\\"),
            b'\'' => out.extend(b"\\'"),
            b'\t' => out.extend(b"\\t"),
            b'\n' => out.extend(b"\\n"),
            b'\r' => out.extend(b"\\r"),
            0x20..=0x7e => out.push(b),
            _ => out.extend(format!("\\x{b:02x}").bytes()),
        }
    }
    out
}

fn charmap_decode(a: Args) -> PyResult<Value> {
    let data = bytes_input(&a, "charmap_decode")?;
    let errors = errors_arg(&a, 1)?;
    let mapping = opt_arg(&a, 2, "mapping").filter(|m| !m.is_none());
    let Some(mapping) = mapping else {
        return single_byte_decode("latin-1", &data, 256, errors);
    };
    let table: Option<Vec<char>> = as_str(mapping).map(|s| s.s.chars().collect());
    let mut out = TextBuf::with_capacity(data.len());
    for (i, &b) in data.iter().enumerate() {
        let c = match &table {
            Some(t) => t.get(b as usize).copied().filter(|&c| c != '\u{fffe}'),
            None => {
                let v = match ops::getitem(mapping, Value::small(b as i64)) {
                    Ok(v) => v,
                    Err(e) if vm::exc_matches(&e, C::LookupError) => Value::NONE,
                    Err(e) => return Err(e),
                };
                if v.is_none() {
                    None
                } else if let Some(n) = ops::int_of(v) {
                    Some(char::from_u32(n as u32).ok_or_else(|| {
                        type_error("character mapping must be in range(0x110000)")
                    })?)
                } else {
                    let s = ops::str_of(v)?;
                    out.push_str(&s);
                    continue;
                }
            }
        };
        match c {
            Some(c) => out.push(c),
            None => decode_failure(
                "charmap",
                &data,
                i,
                i + 1,
                "character maps to <undefined>",
                errors,
                &mut out,
            )?,
        }
    }
    decoded(out, data.len())
}

fn charmap_encode(a: Args) -> PyResult<Value> {
    let s = cps_input(&a, "charmap_encode")?;
    let errors = errors_arg(&a, 1)?;
    let mapping = opt_arg(&a, 2, "mapping").filter(|m| !m.is_none());
    let Some(mapping) = mapping else {
        return encode_with(
            "latin-1",
            &s,
            errors,
            "ordinal not in range(256)",
            b"?",
            |c, o| {
                c < 256 && {
                    o.push(c as u8);
                    true
                }
            },
        );
    };
    let mut failure = None;
    let r = encode_with(
        "charmap",
        &s,
        errors,
        "character maps to <undefined>",
        b"?",
        |c, o| {
            let v = match ops::getitem(mapping, Value::small(c as i64)) {
                Ok(v) => v,
                Err(e) if vm::exc_matches(&e, C::LookupError) => return false,
                Err(e) => {
                    failure = Some(e);
                    return true;
                }
            };
            if v.is_none() {
                return false;
            }
            if let Some(n) = ops::int_of(v) {
                o.push(n as u8);
            } else if let Some(b) = ops::bytes_like(v) {
                o.extend(b);
            } else {
                failure = Some(type_error(
                    "character mapping must return integer, bytes or None, not str",
                ));
            }
            true
        },
    );
    match failure {
        Some(e) => Err(e),
        None => r,
    }
}

fn check_codec_tuple(v: Value, what: &str) -> PyResult<Value> {
    match as_tuple(v) {
        Some(t) if t.as_slice().len() == 2 => Ok(t.as_slice()[0]),
        _ => Err(type_error(format!(
            "{what} must return a tuple (object, integer)"
        ))),
    }
}

fn normalize(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c == ' ' {
                '_'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

/// `codecs.lookup(name)`: the CodecInfo the search functions give for `name`.
pub fn lookup(name: &str) -> PyResult<Value> {
    let key = normalize(name);
    if let Some(v) = cache()?.get_str(&key) {
        return Ok(v);
    }
    if search_list()?.is_empty() {
        crate::import::load_module("encodings")?;
    }
    let funcs = ArgVec::from_slice(search_list()?.as_slice());
    for f in funcs {
        let r = ops::call(f, &[new_str(&key)])?;
        if r.is_none() {
            continue;
        }
        if as_tuple(r).is_none_or(|t| t.as_slice().len() != 4) {
            return Err(type_error("codec search functions must return 4-tuples"));
        }
        cache()?.set_str(&key, r);
        return Ok(r);
    }
    Err(vm::exc(C::LookupError, format!("unknown encoding: {name}")))
}

/// Looks `enc` up for `str.encode`/`bytes.decode`: a text encoding is required.
fn text_codec(enc: &str, which: usize) -> PyResult<Value> {
    let info = lookup(enc)?;
    if let Some(t) = ops::getattr_opt(info, vm::intern("_is_text_encoding"))? {
        if !ops::truthy(t)? {
            let how = if which == 0 {
                "codecs.encode()"
            } else {
                "codecs.decode()"
            };
            return Err(vm::exc(
                C::LookupError,
                format!("'{enc}' is not a text encoding; use {how} to handle arbitrary codecs"),
            ));
        }
    }
    Ok(as_tuple(info)
        .map(|t| t.as_slice()[which])
        .unwrap_or(Value::NONE))
}

/// `str.encode(enc, errors)` for codecs pyguest's `str` does not know itself.
pub fn encode_text(s: Value, enc: &str, errors: &str) -> PyResult<Value> {
    let f = text_codec(enc, 0)?;
    let r = check_codec_tuple(ops::call(f, &[s, new_str(errors)])?, "encoder")?;
    if !r.is_kind(crate::value::Kind::Bytes) {
        return Err(type_error(format!(
            "'{enc}' encoder returned '{}' instead of 'bytes'; use codecs.encode() to encode to arbitrary types",
            vm::type_name(r)
        )));
    }
    Ok(r)
}

/// `bytes.decode(enc, errors)` for codecs pyguest's `bytes` does not know itself.
pub fn decode_bytes(b: Value, enc: &str, errors: &str) -> PyResult<Value> {
    let f = text_codec(enc, 1)?;
    let r = check_codec_tuple(ops::call(f, &[b, new_str(errors)])?, "decoder")?;
    if surr::as_text(r).is_none() {
        return Err(type_error(format!(
            "'{enc}' decoder returned '{}' instead of 'str'; use codecs.decode() to decode to arbitrary types",
            vm::type_name(r)
        )));
    }
    Ok(r)
}

fn codec_call(a: &Args, which: usize, func: &str) -> PyResult<Value> {
    let obj = arg(a, 0, "obj", func)?;
    let enc = match opt_arg(a, 1, "encoding") {
        Some(e) => ops::str_of(e)?,
        None => "utf-8".into(),
    };
    let errors = opt_arg(a, 2, "errors").unwrap_or_else(|| new_str("strict"));
    let info = lookup(&enc)?;
    let f = as_tuple(info)
        .map(|t| t.as_slice()[which])
        .unwrap_or(Value::NONE);
    let r = ops::call(f, &[obj, errors])?;
    check_codec_tuple(r, if which == 0 { "encoder" } else { "decoder" })
}

/// The built-in error handlers, as callables taking the UnicodeError.
fn error_handler(a: Args, mode: &str) -> PyResult<Value> {
    let exc = arg(&a, 0, "exception", mode)?;
    if mode == "strict" || mode == "surrogateescape" || mode == "surrogatepass" {
        return Err(crate::interpreter::PyErr(exc));
    }
    let get = |n: &str| ops::getattr(exc, vm::intern(n));
    let start = index_of(get("start")?)? as usize;
    let end = index_of(get("end")?)? as usize;
    let object = get("object")?;
    let decoding = vm::isinstance_c(exc, C::UnicodeDecodeError);
    let text = if mode == "ignore" {
        String::new()
    } else if decoding {
        let data = ops::bytes_like(object).unwrap_or_default();
        let part = data.get(start..end).unwrap_or(&[]);
        match mode {
            "backslashreplace" => part.iter().map(|b| format!("\\x{b:02x}")).collect(),
            _ => "\u{fffd}".into(),
        }
    } else {
        let chars: Vec<u32> = match surr::as_text(object) {
            Some(o) => surr::code_points(&o).collect(),
            None => ops::str_of(object)?.chars().map(|c| c as u32).collect(),
        };
        let part = chars.get(start..end).unwrap_or(&[]);
        match mode {
            "replace" => "?".repeat(part.len()),
            "xmlcharrefreplace" => part.iter().map(|&c| format!("&#{c};")).collect(),
            _ => part.iter().map(|&c| char_escape(c)).collect(),
        }
    };
    Ok(new_tuple(&[new_string(text), new_int(end as i64)]))
}

/// The `_codecs` module.
pub fn make() -> Gc<ModuleObj> {
    let m = new_module("_codecs", None);
    let search = new_list_cap(2);
    let cache_dict = new_dict();
    let errs = new_dict();
    m.dict.set_str("_search_functions", Value::obj(search));
    m.dict.set_str("_cache", Value::obj(cache_dict));
    m.dict.set_str("_error_handlers", Value::obj(errs));
    REG.with(|r| {
        let mut r = r.borrow_mut();
        r.search = Some(Root::new(search));
        r.cache = Some(Root::new(cache_dict));
        r.errors = Some(Root::new(errs));
    });
    let handlers: &[(&str, NativeFn)] = &[
        ("strict", |a| error_handler(a, "strict")),
        ("ignore", |a| error_handler(a, "ignore")),
        ("replace", |a| error_handler(a, "replace")),
        ("backslashreplace", |a| error_handler(a, "backslashreplace")),
        ("xmlcharrefreplace", |a| {
            error_handler(a, "xmlcharrefreplace")
        }),
        ("namereplace", |a| error_handler(a, "backslashreplace")),
        ("surrogateescape", |a| error_handler(a, "surrogateescape")),
        ("surrogatepass", |a| error_handler(a, "surrogatepass")),
    ];
    for &(n, f) in handlers {
        let name: &'static str = match n {
            "strict" => "strict_errors",
            "ignore" => "ignore_errors",
            "replace" => "replace_errors",
            "backslashreplace" => "backslashreplace_errors",
            "xmlcharrefreplace" => "xmlcharrefreplace_errors",
            "namereplace" => "namereplace_errors",
            "surrogateescape" => "surrogateescape",
            _ => "surrogatepass",
        };
        errs.set_str(n, new_builtin(name, f));
    }
    def(m, "register", |a| {
        let f = arg(&a, 0, "search_function", "register")?;
        let callable = vm().builtins.get().get_str("callable");
        if !callable.map_or(Ok(true), |c| ops::call(c, &[f]).and_then(ops::truthy))? {
            return Err(type_error("argument must be callable"));
        }
        search_list()?.push(f);
        Ok(Value::NONE)
    });
    def(m, "unregister", |a| {
        let f = arg(&a, 0, "search_function", "unregister")?;
        let l = search_list()?;
        if let Some(i) = l.as_slice().iter().position(|&g| g == f) {
            l.remove_at(i);
            cache()?.clear();
        }
        Ok(Value::NONE)
    });
    def(m, "lookup", |a| {
        let name = ops::str_of(arg(&a, 0, "encoding", "lookup")?)?;
        lookup(&name)
    });
    def(m, "_forget_codec", |a| {
        let name = ops::str_of(arg(&a, 0, "encoding", "_forget_codec")?)?;
        let _ = cache()?.remove(new_string(normalize(&name)));
        Ok(Value::NONE)
    });
    def(m, "encode", |a| codec_call(&a, 0, "encode"));
    def(m, "decode", |a| codec_call(&a, 1, "decode"));
    def(m, "register_error", |a| {
        let name = ops::str_of(arg(&a, 0, "errors", "register_error")?)?;
        let f = arg(&a, 1, "handler", "register_error")?;
        error_handlers()?.set_str(&name, f);
        Ok(Value::NONE)
    });
    def(m, "lookup_error", |a| {
        let name = ops::str_of(arg(&a, 0, "name", "lookup_error")?)?;
        error_handlers()?.get_str(&name).ok_or_else(|| {
            vm::exc(
                C::LookupError,
                format!("unknown error handler name '{name}'"),
            )
        })
    });
    def(m, "utf_8_encode", |a| {
        let s = cps_input(&a, "utf_8_encode")?;
        utf8_encode(&s, errors_arg(&a, 1)?)
    });
    def(m, "utf_8_decode", |a| {
        let data = bytes_input(&a, "utf_8_decode")?;
        utf8_decode(&data, errors_arg(&a, 1)?, final_arg(&a, 2)?)
    });
    def(m, "ascii_encode", |a| {
        let s = cps_input(&a, "ascii_encode")?;
        encode_with(
            "ascii",
            &s,
            errors_arg(&a, 1)?,
            "ordinal not in range(128)",
            b"?",
            |c, o| {
                c < 128 && {
                    o.push(c as u8);
                    true
                }
            },
        )
    });
    def(m, "ascii_decode", |a| {
        let data = bytes_input(&a, "ascii_decode")?;
        single_byte_decode("ascii", &data, 128, errors_arg(&a, 1)?)
    });
    def(m, "latin_1_encode", |a| {
        let s = cps_input(&a, "latin_1_encode")?;
        encode_with(
            "latin-1",
            &s,
            errors_arg(&a, 1)?,
            "ordinal not in range(256)",
            b"?",
            |c, o| {
                c < 256 && {
                    o.push(c as u8);
                    true
                }
            },
        )
    });
    def(m, "latin_1_decode", |a| {
        let data = bytes_input(&a, "latin_1_decode")?;
        single_byte_decode("latin-1", &data, 256, errors_arg(&a, 1)?)
    });
    fn wide_encode(a: &Args, width: usize, fixed: Option<i64>) -> PyResult<Value> {
        let s = cps_input(a, "utf_encode")?;
        let errors = errors_arg(a, 1)?;
        let order = match fixed {
            Some(o) => o,
            None => opt_arg(a, 2, "byteorder")
                .map(index_of)
                .transpose()?
                .unwrap_or(0),
        };
        utf_wide_encode(width, &s, order.signum(), errors)
    }
    fn wide_decode(a: &Args, width: usize, fixed: i64) -> PyResult<Value> {
        let data = bytes_input(a, "utf_decode")?;
        let (s, n, _) = utf_wide_decode(width, &data, errors_arg(a, 1)?, fixed, final_arg(a, 2)?)?;
        decoded(s, n)
    }
    fn wide_ex_decode(a: &Args, width: usize) -> PyResult<Value> {
        let data = bytes_input(a, "utf_ex_decode")?;
        let order = opt_arg(a, 2, "byteorder")
            .map(index_of)
            .transpose()?
            .unwrap_or(0);
        let final_ = final_arg(a, 3)?;
        let (s, n, o) = utf_wide_decode(width, &data, errors_arg(a, 1)?, order, final_)?;
        Ok(new_tuple(&[s.finish()?, new_int(n as i64), new_int(o)]))
    }
    def(m, "utf_16_encode", |a| wide_encode(&a, 2, None));
    def(m, "utf_16_le_encode", |a| wide_encode(&a, 2, Some(-1)));
    def(m, "utf_16_be_encode", |a| wide_encode(&a, 2, Some(1)));
    def(m, "utf_16_decode", |a| wide_decode(&a, 2, 0));
    def(m, "utf_16_le_decode", |a| wide_decode(&a, 2, -1));
    def(m, "utf_16_be_decode", |a| wide_decode(&a, 2, 1));
    def(m, "utf_16_ex_decode", |a| wide_ex_decode(&a, 2));
    def(m, "utf_32_encode", |a| wide_encode(&a, 4, None));
    def(m, "utf_32_le_encode", |a| wide_encode(&a, 4, Some(-1)));
    def(m, "utf_32_be_encode", |a| wide_encode(&a, 4, Some(1)));
    def(m, "utf_32_decode", |a| wide_decode(&a, 4, 0));
    def(m, "utf_32_le_decode", |a| wide_decode(&a, 4, -1));
    def(m, "utf_32_be_decode", |a| wide_decode(&a, 4, 1));
    def(m, "utf_32_ex_decode", |a| wide_ex_decode(&a, 4));
    def(m, "charmap_decode", charmap_decode);
    def(m, "charmap_encode", charmap_encode);
    def(m, "charmap_build", |a| {
        let table = ops::str_of(arg(&a, 0, "map", "charmap_build")?)?;
        let d = new_dict();
        for (i, c) in table.chars().enumerate() {
            d.set_item(Value::small(c as i64), Value::small(i as i64))?;
        }
        Ok(Value::obj(d))
    });
    def(m, "escape_encode", |a| {
        let data = bytes_input(&a, "escape_encode")?;
        let n = data.len();
        Ok(new_tuple(&[
            new_bytes(escape_bytes(&data), false),
            new_int(n as i64),
        ]))
    });
    def(m, "escape_decode", |a| {
        let v = arg(&a, 0, "data", "escape_decode")?;
        let data = match as_str(v) {
            Some(s) => s.s.as_bytes().to_vec(),
            None => bytes_input(&a, "escape_decode")?,
        };
        let (_, bytes) = unescape("escape", &data, errors_arg(&a, 1)?, false, false)?;
        Ok(new_tuple(&[
            new_bytes(bytes, false),
            new_int(data.len() as i64),
        ]))
    });
    for (name, raw) in [("unicode_escape", false), ("raw_unicode_escape", true)] {
        let (enc, dec): (NativeFn, NativeFn) = if raw {
            (
                |a| {
                    let s = cps_input(&a, "raw_unicode_escape_encode")?;
                    let n = s.len();
                    Ok(new_tuple(&[
                        new_bytes(escape_text(&s, true), false),
                        new_int(n as i64),
                    ]))
                },
                |a| {
                    let data = bytes_input(&a, "raw_unicode_escape_decode")?;
                    let e = errors_arg(&a, 1)?;
                    let (chars, _) = unescape("rawunicodeescape", &data, e, true, true)?;
                    Ok(new_tuple(&[
                        surr::from_code_points(&chars)?,
                        new_int(data.len() as i64),
                    ]))
                },
            )
        } else {
            (
                |a| {
                    let s = cps_input(&a, "unicode_escape_encode")?;
                    let n = s.len();
                    Ok(new_tuple(&[
                        new_bytes(escape_text(&s, false), false),
                        new_int(n as i64),
                    ]))
                },
                |a| {
                    let data = bytes_input(&a, "unicode_escape_decode")?;
                    let e = errors_arg(&a, 1)?;
                    let (chars, _) = unescape("unicodeescape", &data, e, true, false)?;
                    Ok(new_tuple(&[
                        surr::from_code_points(&chars)?,
                        new_int(data.len() as i64),
                    ]))
                },
            )
        };
        let en: &'static str = if raw {
            "raw_unicode_escape_encode"
        } else {
            "unicode_escape_encode"
        };
        let de: &'static str = if raw {
            "raw_unicode_escape_decode"
        } else {
            "unicode_escape_decode"
        };
        let _ = name;
        def(m, en, enc);
        def(m, de, dec);
    }
    def(m, "readbuffer_encode", |a| {
        let v = arg(&a, 0, "data", "readbuffer_encode")?;
        let data = match as_str(v) {
            Some(s) => s.s.as_bytes().to_vec(),
            None => bytes_input(&a, "readbuffer_encode")?,
        };
        let n = data.len();
        Ok(new_tuple(&[new_bytes(data, false), new_int(n as i64)]))
    });
    m
}
