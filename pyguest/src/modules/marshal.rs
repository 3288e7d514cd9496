//! `marshal`: CPython's value serialisation format for the types it shares with pyguest:
//! `None`, `bool`, `int` (any size), `float`, `complex`, `str`, `bytes`/`bytearray`, `tuple`,
//! `list`, `dict`, `set`, `frozenset`, `Ellipsis`, `StopIteration`. `dumps(value[,
//! version])`, `loads(bytes)`, `dump(value, file[, version])`, `load(file)`, `version` (4).
//!
//! `loads` reads everything CPython writes for those types, at every version, including the
//! back-references (`FLAG_REF`, `r`) of versions 3 and 4; a container that refers to itself is
//! not supported (the inner reference reads as None). `dumps` writes exactly CPython's bytes
//! at versions 0-2; at 3 and 4 it uses version 4's compact codes (short ASCII strings, small
//! tuples) but sets no `FLAG_REF` (CPython flags objects by reference count, which pyguest has
//! not), so its output loads everywhere yet may differ from CPython's byte for byte. Code
//! objects (`c`) are rejected with CPython's "bad marshal data" / "unmarshallable object"
//! errors.

use super::native_class::{arg, opt_arg};
use super::*;
use crate::argvec::ArgVec;
use crate::value::Kind;
use crate::vm::cls;

const FLAG_REF: u8 = 0x80;

fn unmarshallable() -> crate::interpreter::PyErr {
    value_error("unmarshallable object")
}

fn w_u32(out: &mut Vec<u8>, n: u32) {
    out.extend_from_slice(&n.to_le_bytes());
}

fn w_size(out: &mut Vec<u8>, n: usize) -> PyResult<()> {
    let n = u32::try_from(n).map_err(|_| unmarshallable())?;
    w_u32(out, n);
    Ok(())
}

fn w_str(out: &mut Vec<u8>, s: &str, version: i64) -> PyResult<()> {
    if version >= 4 && s.is_ascii() && s.len() < 256 {
        out.push(b'z');
        out.push(s.len() as u8);
    } else if version >= 4 && s.is_ascii() {
        out.push(b'a');
        w_size(out, s.len())?;
    } else {
        out.push(b'u');
        w_size(out, s.len())?;
    }
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

fn w_items(out: &mut Vec<u8>, items: &[Value], version: i64, depth: usize) -> PyResult<()> {
    for &v in items {
        w_object(out, v, version, depth + 1)?;
    }
    Ok(())
}

fn w_object(out: &mut Vec<u8>, v: Value, version: i64, depth: usize) -> PyResult<()> {
    if depth > 2000 {
        return Err(value_error("object too deeply nested to marshal"));
    }
    if v.is_none() {
        out.push(b'N');
    } else if v == Value::TRUE {
        out.push(b'T');
    } else if v == Value::FALSE {
        out.push(b'F');
    } else if v == Value::obj(cls(C::StopIteration)) {
        out.push(b'S');
    } else if vm::type_name(v) == "ellipsis" {
        out.push(b'.');
    } else if let Some(i) = ops::int_of(v).filter(|i| i32::try_from(*i).is_ok()) {
        out.push(b'i');
        out.extend_from_slice(&(i as i32).to_le_bytes());
    } else if let Some(b) = ops::big_of(v).filter(|_| vm::isinstance_c(v, C::int)) {
        use num_traits::Signed;
        let (sign, mut mag) = (b.is_negative(), b.abs());
        let mut digits = Vec::new();
        let base = num_bigint::BigInt::from(1u32 << 15);
        while !mag.is_zero() {
            let d = (&mag % &base).to_u32().unwrap_or(0) as u16;
            digits.push(d);
            mag /= &base;
        }
        out.push(b'l');
        let n = digits.len() as i32;
        out.extend_from_slice(&(if sign { -n } else { n }).to_le_bytes());
        for d in digits {
            out.extend_from_slice(&d.to_le_bytes());
        }
    } else if let Some(f) = as_float_obj(v).filter(|_| vm::isinstance_c(v, C::float)) {
        if version > 1 {
            out.push(b'g');
            out.extend_from_slice(&f.v.to_le_bytes());
        } else {
            let text = ops::repr(v)?;
            out.push(b'f');
            out.push(text.len() as u8);
            out.extend_from_slice(text.as_bytes());
        }
    } else if let Some(c) = as_complex(v) {
        if version > 1 {
            out.push(b'y');
            out.extend_from_slice(&c.re.to_le_bytes());
            out.extend_from_slice(&c.im.to_le_bytes());
        } else {
            return Err(value_error(
                "complex at marshal version 0-1 is not supported",
            ));
        }
    } else if let Some(s) = as_str(v) {
        w_str(out, &s.s, version)?;
    } else if matches!(v.kind(), Some(Kind::Bytes) | Some(Kind::ByteArray)) {
        let b = ops::bytes_like(v).unwrap_or_default();
        out.push(b's');
        w_size(out, b.len())?;
        out.extend_from_slice(&b);
    } else if let Some(t) = as_tuple(v) {
        let items = ArgVec::from_slice(t.as_slice());
        if version >= 4 && items.len() < 256 {
            out.push(b')');
            out.push(items.len() as u8);
        } else {
            out.push(b'(');
            w_size(out, items.len())?;
        }
        w_items(out, &items, version, depth)?;
    } else if let Some(l) = as_list(v) {
        let items = l.values();
        out.push(b'[');
        w_size(out, items.len())?;
        w_items(out, &items, version, depth)?;
    } else if let Some(d) = as_dict(v) {
        out.push(b'{');
        let mut kv = ArgVec::new();
        for i in 0..d.entry_count() {
            let k = d.key_at(i);
            if !k.is_null() {
                kv.push(k);
                kv.push(d.val_at(i));
            }
        }
        w_items(out, &kv, version, depth)?;
        out.push(b'0');
    } else if matches!(v.kind(), Some(Kind::Set) | Some(Kind::FrozenSet)) {
        let items = crate::objects::native::seq_items(v)?;
        out.push(if v.is_kind(Kind::Set) { b'<' } else { b'>' });
        w_size(out, items.len())?;
        w_items(out, &items, version, depth)?;
    } else {
        return Err(unmarshallable());
    }
    Ok(())
}

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    refs: ArgVec,
}

fn bad(msg: &str) -> crate::interpreter::PyErr {
    value_error(format!("bad marshal data ({msg})"))
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> PyResult<&[u8]> {
        if self.pos + n > self.data.len() {
            return Err(vm::exc(C::EOFError, "marshal data too short"));
        }
        let s = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
    fn byte(&mut self) -> PyResult<u8> {
        Ok(self.take(1)?[0])
    }
    fn i32(&mut self) -> PyResult<i32> {
        let b = self.take(4)?;
        Ok(i32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn size(&mut self) -> PyResult<usize> {
        let n = self.i32()?;
        usize::try_from(n).map_err(|_| bad("size out of range"))
    }
    fn f64(&mut self) -> PyResult<f64> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(f64::from_le_bytes(a))
    }
    fn text_float(&mut self) -> PyResult<f64> {
        let n = self.byte()? as usize;
        let s = String::from_utf8_lossy(self.take(n)?).into_owned();
        s.trim().parse::<f64>().map_err(|_| bad("invalid float"))
    }
    fn text(&mut self, n: usize) -> PyResult<Value> {
        let b = self.take(n)?;
        let s = std::str::from_utf8(b).map_err(|_| bad("invalid UTF-8"))?;
        Ok(new_str(s))
    }

    fn object(&mut self, depth: usize) -> PyResult<Value> {
        if depth > 2000 {
            return Err(value_error("recursion limit exceeded"));
        }
        if self.pos >= self.data.len() {
            return Err(vm::exc(C::EOFError, "EOF read where object expected"));
        }
        let code = self.byte()?;
        let flag = code & FLAG_REF != 0;
        let ty = code & !FLAG_REF;
        // containers reserve their back-reference slot before their contents
        let slot = if flag {
            self.refs.push(Value::NONE);
            Some(self.refs.len() - 1)
        } else {
            None
        };
        let v = match ty {
            b'N' => Value::NONE,
            b'T' => Value::TRUE,
            b'F' => Value::FALSE,
            b'S' => Value::obj(cls(C::StopIteration)),
            b'.' => vm()
                .builtins
                .get()
                .get_str("Ellipsis")
                .unwrap_or(Value::NONE),
            b'i' => new_int(self.i32()? as i64),
            b'I' => {
                let b = self.take(8)?;
                let mut a = [0u8; 8];
                a.copy_from_slice(b);
                new_int(i64::from_le_bytes(a))
            }
            b'l' => {
                let n = self.i32()?;
                let mut v = num_bigint::BigInt::from(0);
                let count = n.unsigned_abs() as usize;
                let mut digits = Vec::with_capacity(count);
                for _ in 0..count {
                    let b = self.take(2)?;
                    let d = u16::from_le_bytes([b[0], b[1]]);
                    if d >= 1 << 15 {
                        return Err(bad("digit out of range in long"));
                    }
                    digits.push(d);
                }
                for d in digits.into_iter().rev() {
                    v = (v << 15) + num_bigint::BigInt::from(d);
                }
                new_bigint(if n < 0 { -v } else { v })
            }
            b'g' => new_float(self.f64()?),
            b'f' => new_float(self.text_float()?),
            b'y' => {
                let re = self.f64()?;
                new_complex(re, self.f64()?)
            }
            b'x' => {
                let re = self.text_float()?;
                new_complex(re, self.text_float()?)
            }
            b's' => {
                let n = self.size()?;
                new_bytes(self.take(n)?.to_vec(), false)
            }
            b'u' | b't' | b'a' | b'A' => {
                let n = self.size()?;
                self.text(n)?
            }
            b'z' | b'Z' => {
                let n = self.byte()? as usize;
                self.text(n)?
            }
            b')' | b'(' => {
                let n = if ty == b')' {
                    self.byte()? as usize
                } else {
                    self.size()?
                };
                let mut items = ArgVec::new();
                for _ in 0..n {
                    items.push(self.object(depth + 1)?);
                }
                new_tuple(&items)
            }
            b'[' => {
                let n = self.size()?;
                let mut items = ArgVec::new();
                for _ in 0..n {
                    items.push(self.object(depth + 1)?);
                }
                new_list_from(&items)
            }
            b'{' => {
                let d = new_dict();
                // pairs until a NULL ('0') where a key or a value would be
                loop {
                    if self.data.get(self.pos) == Some(&b'0') {
                        self.pos += 1;
                        break;
                    }
                    let k = self.object(depth + 1)?;
                    if self.data.get(self.pos) == Some(&b'0') {
                        self.pos += 1;
                        break;
                    }
                    let val = self.object(depth + 1)?;
                    d.set_item(k, val)?;
                }
                Value::obj(d)
            }
            b'<' | b'>' => {
                let n = self.size()?;
                let mut items = ArgVec::new();
                for _ in 0..n {
                    items.push(self.object(depth + 1)?);
                }
                let s = new_set(ty == b'>');
                crate::objects::set::set_update(s, new_list_from(&items))?;
                Value::obj(s)
            }
            b'r' => {
                let i = self.size()?;
                return self
                    .refs
                    .get(i)
                    .copied()
                    .ok_or_else(|| bad("invalid reference"));
            }
            _ => return Err(bad("unknown type code")),
        };
        if let Some(i) = slot {
            self.refs[i] = v;
        }
        Ok(v)
    }
}

fn version_arg(a: &Args, i: usize) -> PyResult<i64> {
    opt_arg(a, i, "version")
        .map(index_of)
        .transpose()
        .map(|v| v.unwrap_or(4))
}

fn dumps_value(v: Value, version: i64) -> PyResult<Value> {
    let mut out = Vec::new();
    w_object(&mut out, v, version, 0)?;
    Ok(new_bytes(out, false))
}

fn loads_bytes(data: &[u8]) -> PyResult<(Value, usize)> {
    let mut r = Reader {
        data,
        pos: 0,
        refs: ArgVec::new(),
    };
    let v = r.object(0)?;
    Ok((v, r.pos))
}

/// The `marshal` module.
pub fn make() -> Gc<ModuleObj> {
    let m = new_module("marshal", None);
    m.dict.set_str("version", Value::small(4));
    def(m, "dumps", |a| {
        let v = arg(&a, 0, "value", "dumps")?;
        dumps_value(v, version_arg(&a, 1)?)
    });
    def(m, "loads", |a| {
        let b = arg(&a, 0, "bytes", "loads")?;
        let data = ops::bytes_like(b).ok_or_else(|| {
            type_error(format!(
                "a bytes-like object is required, not '{}'",
                vm::type_name(b)
            ))
        })?;
        Ok(loads_bytes(&data)?.0)
    });
    def(m, "dump", |a| {
        let v = arg(&a, 0, "value", "dump")?;
        let f = arg(&a, 1, "file", "dump")?;
        let b = dumps_value(v, version_arg(&a, 2)?)?;
        ops::call_method(f, "write", &[b])?;
        Ok(Value::NONE)
    });
    def(m, "load", |a| {
        // reads the whole rest of the file, then puts back what one value did not use
        let f = arg(&a, 0, "file", "load")?;
        let rest = ops::call_method(f, "read", &[])?;
        let data =
            ops::bytes_like(rest).ok_or_else(|| type_error("file.read() must return bytes"))?;
        let (v, used) = loads_bytes(&data)?;
        if used < data.len() {
            if let Ok(pos) = ops::call_method(f, "tell", &[]).and_then(index_of) {
                let back = pos - (data.len() - used) as i64;
                ops::call_method(f, "seek", &[new_int(back)])?;
            }
        }
        Ok(v)
    });
    m
}
