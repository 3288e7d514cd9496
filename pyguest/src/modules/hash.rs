//! `_pghash`: the native hash functions behind the Python `hashlib`, `binascii` and `zlib`
//! modules.
//!
//! Message digests (`md5`, `sha1`, `sha224`, `sha256`, `sha384`, `sha512`) come from the
//! RustCrypto crates (`md-5`, `sha1`, `sha2`). A hasher's state lives in a per-thread table of
//! boxed `DynDigest`s indexed by a small integer handle that the Python hash object keeps.
//! Each entry also holds a weak reference to its Python owner: when the table has grown,
//! entries whose owner was collected are freed (no guest references are held strongly, so the
//! table needs no rooting). `crc32` and `adler32` are our own table-driven/running-sum code.
//!
//! Functions: `new(name, owner) -> handle` (ValueError for unknown names), `update(handle,
//! data)`, `digest(handle) -> bytes` (the state is not consumed), `copy(handle, owner) ->
//! handle`, `sizes(name) -> (digest_size, block_size)`, `crc32(data, value)`,
//! `adler32(data, value)`.

use crate::interpreter::PyResult;
use crate::objects::ops::{self, index_of};
use crate::objects::*;
use crate::value::Value;
use crate::vm::{self, type_error, value_error};
use metatracer::gc::{Gc, Weak};
use sha2::digest::DynDigest;
use std::cell::RefCell;

/// Stand-in type for the weak reference to a hash object's Python owner (never
/// dereferenced: only liveness is asked).
pub(crate) struct Owner;

struct Entry {
    digest: Box<dyn DynDigest>,
    owner: Weak<Owner>,
}

struct Table {
    entries: Vec<Option<Entry>>,
    free: Vec<usize>,
    /// Live entry count after the last sweep; a sweep runs when the table doubles.
    swept_at: usize,
}

thread_local! {
    static TABLE: RefCell<Table> = const {
        RefCell::new(Table { entries: Vec::new(), free: Vec::new(), swept_at: 64 })
    };
}

fn new_digest(name: &str) -> Option<Box<dyn DynDigest>> {
    Some(match name {
        "md5" => Box::new(md5::Md5::default()),
        "sha1" => Box::new(sha1::Sha1::default()),
        "sha224" => Box::new(sha2::Sha224::default()),
        "sha256" => Box::new(sha2::Sha256::default()),
        "sha384" => Box::new(sha2::Sha384::default()),
        "sha512" => Box::new(sha2::Sha512::default()),
        _ => return None,
    })
}

fn block_size(name: &str) -> usize {
    match name {
        "sha384" | "sha512" => 128,
        _ => 64,
    }
}

pub(crate) fn owner_weak(v: Value) -> PyResult<Weak<Owner>> {
    if !v.is_ptr() {
        return Err(type_error("_pghash: owner must be an object"));
    }
    // SAFETY: `v` is a pointer value, i.e. the address of a live heap object; the handle is
    // only used to build a weak reference (its target is never read as an `Owner`).
    let g: Gc<Owner> = unsafe { v.as_gc::<Owner>() };
    Ok(Weak::new(g))
}

fn insert(digest: Box<dyn DynDigest>, owner: Weak<Owner>) -> usize {
    TABLE.with(|t| {
        let mut t = t.borrow_mut();
        let live = t.entries.len() - t.free.len();
        if live >= 2 * t.swept_at {
            for i in 0..t.entries.len() {
                let dead = matches!(&t.entries[i], Some(e) if e.owner.is_cleared());
                if dead {
                    t.entries[i] = None;
                    t.free.push(i);
                }
            }
            t.swept_at = (t.entries.len() - t.free.len()).max(64);
        }
        let e = Some(Entry { digest, owner });
        match t.free.pop() {
            Some(i) => {
                t.entries[i] = e;
                i
            }
            None => {
                t.entries.push(e);
                t.entries.len() - 1
            }
        }
    })
}

fn with_entry<R>(h: Value, f: impl FnOnce(&mut Entry) -> R) -> PyResult<R> {
    let i = index_of(h)?;
    TABLE.with(|t| {
        let mut t = t.borrow_mut();
        match usize::try_from(i).ok().and_then(|i| t.entries.get_mut(i)) {
            Some(Some(e)) => Ok(f(e)),
            _ => Err(value_error("_pghash: invalid hash handle")),
        }
    })
}

fn str_arg(a: &Args, i: usize) -> PyResult<String> {
    match a.pos.get(i).and_then(|&v| as_str(v)) {
        Some(s) => Ok(s.s.to_string()),
        None => Err(type_error("_pghash: expected a str argument")),
    }
}

pub(crate) fn data_arg(a: &Args, i: usize) -> PyResult<Vec<u8>> {
    let v = a
        .pos
        .get(i)
        .copied()
        .ok_or_else(|| type_error("_pghash: missing data argument"))?;
    if as_str(v).is_some() {
        return Err(type_error("Strings must be encoded before hashing"));
    }
    ops::bytes_like(v).ok_or_else(|| {
        type_error(format!(
            "object supporting the buffer API required, not '{}'",
            vm::type_name(v)
        ))
    })
}

fn arg(a: &Args, i: usize) -> PyResult<Value> {
    a.pos
        .get(i)
        .copied()
        .ok_or_else(|| type_error("_pghash: missing argument"))
}

fn def(m: Gc<ModuleObj>, name: &'static str, f: NativeFn) {
    m.dict.set_str(name, new_builtin(name, f));
}

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) continuing from `crc`.
fn crc32(data: &[u8], crc: u32) -> u32 {
    thread_local! {
        static CRC_TABLE: [u32; 256] = {
            let mut t = [0u32; 256];
            for (n, slot) in t.iter_mut().enumerate() {
                let mut c = n as u32;
                for _ in 0..8 {
                    c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
                }
                *slot = c;
            }
            t
        };
    }
    CRC_TABLE.with(|t| {
        let mut c = !crc;
        for &b in data {
            c = t[((c ^ b as u32) & 0xff) as usize] ^ (c >> 8);
        }
        !c
    })
}

/// Adler-32 continuing from `value`.
fn adler32(data: &[u8], value: u32) -> u32 {
    const MOD: u32 = 65521;
    let (mut a, mut b) = (value & 0xffff, value >> 16);
    // 5552 is the largest run for which the sums cannot overflow u32 before reduction.
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += x as u32;
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

/// Masks a Python int to its low 32 bits (start values may be given as negative or big).
fn u32_arg(a: &Args, i: usize, default: u32) -> PyResult<u32> {
    match a.pos.get(i) {
        None => Ok(default),
        Some(&v) => {
            let b = ops::big_of(v).ok_or_else(|| {
                type_error(format!(
                    "'{}' object cannot be interpreted as an integer",
                    vm::type_name(v)
                ))
            })?;
            let m: num_bigint::BigInt = b & num_bigint::BigInt::from(0xffff_ffffu32);
            Ok(num_traits::ToPrimitive::to_u32(&m).unwrap_or(0))
        }
    }
}

/// The `_pghash` module.
pub fn make() -> Gc<ModuleObj> {
    let m = crate::import::new_module("_pghash", None);
    def(m, "new", |a| {
        let name = str_arg(&a, 0)?;
        let d = new_digest(&name)
            .ok_or_else(|| value_error(format!("unsupported hash type {name}")))?;
        let owner = owner_weak(arg(&a, 1)?)?;
        Ok(new_int(insert(d, owner) as i64))
    });
    def(m, "update", |a| {
        let data = data_arg(&a, 1)?;
        with_entry(arg(&a, 0)?, |e| e.digest.update(&data))?;
        Ok(Value::NONE)
    });
    def(m, "digest", |a| {
        let out = with_entry(arg(&a, 0)?, |e| e.digest.box_clone().finalize())?;
        Ok(new_bytes(out.into_vec(), false))
    });
    def(m, "copy", |a| {
        let d = with_entry(arg(&a, 0)?, |e| e.digest.box_clone())?;
        let owner = owner_weak(arg(&a, 1)?)?;
        Ok(new_int(insert(d, owner) as i64))
    });
    def(m, "sizes", |a| {
        let name = str_arg(&a, 0)?;
        let d = new_digest(&name)
            .ok_or_else(|| value_error(format!("unsupported hash type {name}")))?;
        Ok(new_tuple(&[
            new_int(d.output_size() as i64),
            new_int(block_size(&name) as i64),
        ]))
    });
    def(m, "crc32", |a| {
        let data = data_arg(&a, 0)?;
        Ok(new_int(crc32(&data, u32_arg(&a, 1, 0)?) as i64))
    });
    def(m, "adler32", |a| {
        let data = data_arg(&a, 0)?;
        Ok(new_int(adler32(&data, u32_arg(&a, 1, 1)?) as i64))
    });
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_and_adler32_known_values() {
        assert_eq!(crc32(b"hello world", 0), 0x0d4a_1185);
        assert_eq!(crc32(b"world", crc32(b"hello ", 0)), 0x0d4a_1185);
        assert_eq!(adler32(b"hello world", 1), 0x1a0b_045d);
        assert_eq!(adler32(b"", 1), 1);
    }
}
