//! `_pgbinascii`: the byte loops of `binascii` and `base64` (`pyguest/lib/binascii.py`,
//! `pyguest/lib/base64.py`), which are Python loops otherwise (about 100x slower than
//! CPython's C, so pyperformance's `base64` did not finish in 120 s).
//!
//! The Python modules keep the argument checking, the exception classes and the options;
//! these functions take bytes-like data and plain flags and never raise for bad *data*:
//! a decoder returns the decoded `bytes`, or a `str` holding CPython 3.11's error message,
//! which the caller raises as `binascii.Error` or `ValueError` (so the native module needs
//! no reference to a Python exception class). Wrong argument *types* are a `TypeError`.
//!
//! Functions: `b64encode(data, newline)`, `b64decode(data, strict_mode)`, `hexlify(data)`,
//! `unhexlify(data)`, `b16decode(data)` (upper-case digits only), `b32encode(alphabet, data)`, `b32decode(alphabet, data)` (data
//! already checked for length and case-folded by `base64.py`), `b85encode(data, alphabet,
//! pad, fold_zero, fold_spaces)` (the Ascii85 and Base85 digit groups), `a85decode(data,
//! foldspaces, ignorechars)`, `b85decode(data)`, `crc_hqx(data, value)`, `translate(data,
//! frm, to)` (byte-for-byte substitution, for `altchars`/url-safe alphabets).

use crate::interpreter::PyResult;
use crate::objects::ops::{bytes_like, index_of, truthy};
use crate::objects::*;
use crate::value::Value;
use crate::vm::{self, type_error};
use metatracer::gc::Gc;

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B85: &[u8; 85] =
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~";

fn arg(a: &Args, i: usize) -> PyResult<Value> {
    a.pos
        .get(i)
        .copied()
        .ok_or_else(|| type_error("_pgbinascii: missing argument"))
}

/// Argument `i` as bytes (`bytes` or `bytearray`).
fn data(a: &Args, i: usize) -> PyResult<Vec<u8>> {
    let v = arg(a, i)?;
    bytes_like(v).ok_or_else(|| {
        type_error(format!(
            "a bytes-like object is required, not '{}'",
            vm::type_name(v)
        ))
    })
}

fn flag(a: &Args, i: usize) -> PyResult<bool> {
    truthy(arg(a, i)?)
}

fn ok(v: Vec<u8>) -> PyResult<Value> {
    Ok(new_bytes(v, false))
}

fn fail(msg: impl AsRef<str>) -> PyResult<Value> {
    Ok(new_str(msg.as_ref()))
}

fn b64encode(d: &[u8], newline: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(d.len().div_ceil(3) * 4 + 1);
    let mut chunks = d.chunks_exact(3);
    for c in &mut chunks {
        let v = (c[0] as u32) << 16 | (c[1] as u32) << 8 | c[2] as u32;
        out.extend_from_slice(&[
            B64[(v >> 18) as usize],
            B64[(v >> 12 & 63) as usize],
            B64[(v >> 6 & 63) as usize],
            B64[(v & 63) as usize],
        ]);
    }
    match *chunks.remainder() {
        [a] => {
            let v = (a as u32) << 16;
            out.extend_from_slice(&[B64[(v >> 18) as usize], B64[(v >> 12 & 63) as usize]]);
            out.extend_from_slice(b"==");
        }
        [a, b] => {
            let v = (a as u32) << 16 | (b as u32) << 8;
            out.extend_from_slice(&[
                B64[(v >> 18) as usize],
                B64[(v >> 12 & 63) as usize],
                B64[(v >> 6 & 63) as usize],
                b'=',
            ]);
        }
        _ => {}
    }
    if newline {
        out.push(b'\n');
    }
    out
}

fn b64value(c: u8) -> Option<u32> {
    Some(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    } as u32)
}

/// `binascii.a2b_base64` as CPython 3.11: characters outside the alphabet are skipped
/// (errors in strict mode), and a pad that completes a quad ends the data.
fn b64decode(s: &[u8], strict: bool) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3 + 3);
    let (mut acc, mut nbits, mut count, mut pads) = (0u32, 0u32, 0usize, 0usize);
    if strict && s.first() == Some(&b'=') {
        return Err("Leading padding not allowed".into());
    }
    for (i, &c) in s.iter().enumerate() {
        if c == b'=' {
            pads += 1;
            if count % 4 >= 2 && (count + pads) % 4 == 0 {
                if strict && i + 1 != s.len() {
                    return Err("Excess data after padding".into());
                }
                count = 0;
                break;
            }
            continue;
        }
        let Some(v) = b64value(c) else {
            if strict {
                return Err("Only base64 data is allowed".into());
            }
            continue;
        };
        if pads > 0 && strict {
            return Err("Discontinuous padding not allowed".into());
        }
        pads = 0;
        acc = (acc << 6) | v;
        nbits += 6;
        count += 1;
        if nbits >= 8 {
            nbits -= 8;
            out.push((acc >> nbits) as u8);
            acc &= (1 << nbits) - 1;
        }
    }
    if count % 4 == 1 {
        return Err(format!(
            "Invalid base64-encoded string: number of data characters ({count}) cannot be 1 more than a multiple of 4"
        ));
    }
    if count % 4 != 0 {
        return Err("Incorrect padding".into());
    }
    Ok(out)
}

fn hexlify(d: &[u8]) -> Vec<u8> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = Vec::with_capacity(d.len() * 2);
    for &b in d {
        out.push(HEX[(b >> 4) as usize]);
        out.push(HEX[(b & 15) as usize]);
    }
    out
}

fn unhexlify(s: &[u8]) -> Result<Vec<u8>, String> {
    if !s.len().is_multiple_of(2) {
        return Err("Odd-length string".into());
    }
    let digit = |c: u8| (c as char).to_digit(16);
    s.chunks_exact(2)
        .map(|p| match (digit(p[0]), digit(p[1])) {
            (Some(h), Some(l)) => Ok((h * 16 + l) as u8),
            _ => Err("Non-hexadecimal digit found".to_string()),
        })
        .collect()
}

fn b32encode(alphabet: &[u8], s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len().div_ceil(5) * 8);
    for chunk in s.chunks(5) {
        let mut buf = [0u8; 8];
        buf[3..3 + chunk.len()].copy_from_slice(chunk);
        let c = u64::from_be_bytes(buf);
        for shift in [35, 30, 25, 20, 15, 10, 5, 0] {
            out.push(alphabet[(c >> shift & 31) as usize]);
        }
    }
    let pad = match s.len() % 5 {
        1 => 6,
        2 => 4,
        3 => 3,
        4 => 1,
        _ => 0,
    };
    let n = out.len();
    out[n - pad..].fill(b'=');
    out
}

/// Base32 decoding of upper-cased data whose length is a multiple of 8 (checked by the
/// caller), as CPython's `base64._b32decode`.
fn b32decode(alphabet: &[u8], s: &[u8]) -> Result<Vec<u8>, String> {
    let mut rev = [0xffu8; 256];
    for (i, &c) in alphabet.iter().enumerate() {
        rev[c as usize] = i as u8;
    }
    let l = s.len();
    let end = l - s.iter().rev().take_while(|&&c| c == b'=').count();
    let body = &s[..end];
    let padchars = l - end;
    let mut out = Vec::with_capacity(l / 8 * 5);
    let mut acc = 0u64;
    for quanta in body.chunks(8) {
        acc = 0;
        for &c in quanta {
            let v = rev[c as usize];
            if v == 0xff {
                return Err("Non-base32 digit found".into());
            }
            acc = (acc << 5) | v as u64;
        }
        let full = acc << (5 * (8 - quanta.len()));
        out.extend_from_slice(&full.to_be_bytes()[3..]);
    }
    if !l.is_multiple_of(8) || ![0, 1, 3, 4, 6].contains(&padchars) {
        return Err("Incorrect padding".into());
    }
    if padchars > 0 && !out.is_empty() {
        let last = (acc << (5 * padchars)).to_be_bytes();
        let leftover = (43 - 5 * padchars) / 8;
        let n = out.len();
        out.truncate(n - 5);
        out.extend_from_slice(&last[3..3 + leftover]);
    }
    Ok(out)
}

/// The digit groups of Ascii85/Base85: each 4-byte big-endian word as 5 base-85 digits;
/// a short last group is zero-padded and its padding digits dropped unless `pad`.
fn b85encode(d: &[u8], alphabet: &[u8], pad: bool, fold_zero: bool, fold_spaces: bool) -> Vec<u8> {
    let extra = (4 - d.len() % 4) % 4;
    let mut out = Vec::with_capacity(d.len() / 4 * 5 + 5);
    let mut last_start = 0;
    for chunk in d.chunks(4) {
        let mut w = [0u8; 4];
        w[..chunk.len()].copy_from_slice(chunk);
        let mut word = u32::from_be_bytes(w);
        last_start = out.len();
        if fold_zero && word == 0 {
            out.push(b'z');
            continue;
        }
        if fold_spaces && word == 0x2020_2020 {
            out.push(b'y');
            continue;
        }
        let mut digits = [0u8; 5];
        for k in (0..5).rev() {
            digits[k] = alphabet[(word % 85) as usize];
            word /= 85;
        }
        out.extend_from_slice(&digits);
    }
    if extra > 0 && !pad && !d.is_empty() {
        if out.len() - last_start == 1 && out[last_start] == b'z' {
            out.truncate(last_start);
            out.extend(std::iter::repeat_n(alphabet[0], 5));
        }
        out.truncate(out.len() - extra);
    }
    out
}

fn a85decode(b: &[u8], foldspaces: bool, ignore: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(b.len() / 5 * 4 + 4);
    let mut group = [0u8; 5];
    let mut n = 0;
    let word_of = |g: &[u8; 5]| g.iter().fold(0u64, |w, &d| w * 85 + d as u64);
    for &c in b {
        if (33..=117).contains(&c) {
            group[n] = c - 33;
            n += 1;
            if n == 5 {
                let w = word_of(&group);
                if w > 0xffff_ffff {
                    return Err("Ascii85 overflow".into());
                }
                out.extend_from_slice(&(w as u32).to_be_bytes());
                n = 0;
            }
        } else if c == b'z' {
            if n > 0 {
                return Err("z inside Ascii85 5-tuple".into());
            }
            out.extend_from_slice(&[0; 4]);
        } else if foldspaces && c == b'y' {
            if n > 0 {
                return Err("y inside Ascii85 5-tuple".into());
            }
            out.extend_from_slice(b"    ");
        } else if ignore.contains(&c) {
            continue;
        } else {
            return Err(format!("Non-Ascii85 digit found: {}", c as char));
        }
    }
    if n > 0 {
        let missing = 5 - n;
        group[n..].fill(84);
        let w = word_of(&group);
        if w > 0xffff_ffff {
            return Err("Ascii85 overflow".into());
        }
        out.extend_from_slice(&(w as u32).to_be_bytes()[..4 - missing]);
    }
    Ok(out)
}

fn b85decode(b: &[u8]) -> Result<Vec<u8>, String> {
    let mut rev = [0xffu8; 256];
    for (i, &c) in B85.iter().enumerate() {
        rev[c as usize] = i as u8;
    }
    let padding = (5 - b.len() % 5) % 5;
    let mut padded = b.to_vec();
    padded.extend(std::iter::repeat_n(b'~', padding));
    let mut out = Vec::with_capacity(padded.len() / 5 * 4);
    for (k, chunk) in padded.chunks_exact(5).enumerate() {
        let mut w = 0u64;
        for (j, &c) in chunk.iter().enumerate() {
            let v = rev[c as usize];
            if v == 0xff {
                return Err(format!("bad base85 character at position {}", k * 5 + j));
            }
            w = w * 85 + v as u64;
        }
        if w > 0xffff_ffff {
            return Err(format!(
                "base85 overflow in hunk starting at byte {}",
                k * 5
            ));
        }
        out.extend_from_slice(&(w as u32).to_be_bytes());
    }
    out.truncate(out.len() - padding);
    Ok(out)
}

fn crc_hqx(d: &[u8], value: u16) -> u16 {
    let mut crc = value;
    for &b in d {
        crc ^= (b as u16) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

fn result(r: Result<Vec<u8>, String>) -> PyResult<Value> {
    match r {
        Ok(v) => ok(v),
        Err(m) => fail(m),
    }
}

fn def(m: Gc<ModuleObj>, name: &'static str, f: NativeFn) {
    m.dict.set_str(name, new_builtin(name, f));
}

/// The `_pgbinascii` module.
pub fn make() -> Gc<ModuleObj> {
    let m = crate::import::new_module("_pgbinascii", None);
    def(m, "b64encode", |a| {
        ok(b64encode(&data(&a, 0)?, flag(&a, 1)?))
    });
    def(m, "b64decode", |a| {
        result(b64decode(&data(&a, 0)?, flag(&a, 1)?))
    });
    def(m, "hexlify", |a| ok(hexlify(&data(&a, 0)?)));
    def(m, "unhexlify", |a| result(unhexlify(&data(&a, 0)?)));
    def(m, "b16decode", |a| {
        let d = data(&a, 0)?;
        if d.iter().any(|c| !matches!(c, b'0'..=b'9' | b'A'..=b'F')) {
            return fail("Non-base16 digit found");
        }
        result(unhexlify(&d))
    });
    def(m, "b32encode", |a| {
        let alphabet = data(&a, 0)?;
        if alphabet.len() != 32 {
            return Err(vm::value_error("_pgbinascii: alphabet must have 32 bytes"));
        }
        ok(b32encode(&alphabet, &data(&a, 1)?))
    });
    def(m, "b32decode", |a| {
        let alphabet = data(&a, 0)?;
        if alphabet.len() != 32 {
            return Err(vm::value_error("_pgbinascii: alphabet must have 32 bytes"));
        }
        result(b32decode(&alphabet, &data(&a, 1)?))
    });
    def(m, "b85encode", |a| {
        let alphabet = data(&a, 1)?;
        if alphabet.len() != 85 {
            return Err(vm::value_error("_pgbinascii: alphabet must have 85 bytes"));
        }
        ok(b85encode(
            &data(&a, 0)?,
            &alphabet,
            flag(&a, 2)?,
            flag(&a, 3)?,
            flag(&a, 4)?,
        ))
    });
    def(m, "a85decode", |a| {
        result(a85decode(&data(&a, 0)?, flag(&a, 1)?, &data(&a, 2)?))
    });
    def(m, "b85decode", |a| result(b85decode(&data(&a, 0)?)));
    def(m, "crc_hqx", |a| {
        let value = index_of(arg(&a, 1)?)?;
        Ok(new_int(crc_hqx(&data(&a, 0)?, value as u16) as i64))
    });
    def(m, "translate", |a| {
        let (d, frm, to) = (data(&a, 0)?, data(&a, 1)?, data(&a, 2)?);
        let mut table: [u8; 256] = std::array::from_fn(|i| i as u8);
        for (&f, &t) in frm.iter().zip(to.iter()) {
            table[f as usize] = t;
        }
        ok(d.iter().map(|&c| table[c as usize]).collect())
    });
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trip() {
        for n in 0..10 {
            let d: Vec<u8> = (0..n as u8).map(|i| i.wrapping_mul(77)).collect();
            let e = b64encode(&d, false);
            assert_eq!(b64decode(&e, true).unwrap(), d);
        }
        assert_eq!(b64encode(b"ab", true), b"YWI=\n");
    }

    #[test]
    fn base32_and_base85() {
        let b32 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        assert_eq!(b32encode(b32, b"a"), b"ME======");
        assert_eq!(b32decode(b32, b"ME======").unwrap(), b"a");
        assert_eq!(b85encode(b"a", B85, false, false, false), b"VE");
        assert_eq!(b85decode(b"VE").unwrap(), b"a");
    }
}
