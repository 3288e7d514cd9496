//! `_pgzlib`: deflate and inflate streams for the Python `zlib` module (`pyguest/lib/zlib.py`),
//! over the `flate2` crate with its pure-Rust backend (`miniz_oxide`, no C library).
//!
//! A stream is a `flate2::Compress` or `flate2::Decompress` in a per-thread table, named by a
//! small integer handle that the Python object keeps, with a weak reference to that object:
//! when the table has grown, entries whose owner was collected are freed (as `_pghash` does),
//! and `free(handle)` releases one at once. Only the zlib and raw deflate formats exist here;
//! the gzip wrapper (header, CRC-32 and size trailer) is written and checked by `zlib.py`.
//!
//! Functions: `deflate_new(level, zlib_header, owner) -> handle`, `deflate(handle, data,
//! flush) -> bytes` (flush: 0 none, 1 partial, 2 sync, 3 full, 4 finish, zlib's numbering),
//! `inflate_new(zlib_header, owner) -> handle`, `inflate(handle, data, max_length) -> (bytes,
//! consumed, eof)` (`max_length` 0 means unlimited), `free(handle)`. Errors are `ValueError`
//! (bad handle) or `RuntimeError` carrying the backend's message, which `zlib.py` turns into
//! `zlib.error` with zlib's "Error -N while ..." wording. Not provided (needs the C zlib
//! backend): preset dictionaries (`zdict`), window sizes other than 32 KiB for compression,
//! `memLevel` and `strategy` (accepted and ignored by `zlib.py`), copying a stream.
//! Compressed bytes are valid deflate but not byte-identical to CPython's zlib output.

use super::hash::{data_arg, owner_weak, Owner};
use crate::interpreter::PyResult;
use crate::objects::ops::index_of;
use crate::objects::*;
use crate::value::Value;
use crate::vm::{self, type_error, value_error, C};
use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use metatracer::gc::{Gc, Weak};
use std::cell::RefCell;

enum Stream {
    Deflate(Compress),
    Inflate(Decompress),
}

struct Entry {
    stream: Stream,
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
        RefCell::new(Table { entries: Vec::new(), free: Vec::new(), swept_at: 32 })
    };
}

fn insert(stream: Stream, owner: Weak<Owner>) -> usize {
    TABLE.with(|t| {
        let mut t = t.borrow_mut();
        let live = t.entries.len() - t.free.len();
        if live >= 2 * t.swept_at {
            for i in 0..t.entries.len() {
                if matches!(&t.entries[i], Some(e) if e.owner.is_cleared()) {
                    t.entries[i] = None;
                    t.free.push(i);
                }
            }
            t.swept_at = (t.entries.len() - t.free.len()).max(32);
        }
        let e = Some(Entry { stream, owner });
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

fn with_stream<R>(h: Value, f: impl FnOnce(&mut Stream) -> PyResult<R>) -> PyResult<R> {
    let i = index_of(h)?;
    TABLE.with(|t| {
        let mut t = t.borrow_mut();
        match usize::try_from(i).ok().and_then(|i| t.entries.get_mut(i)) {
            Some(Some(e)) => f(&mut e.stream),
            _ => Err(value_error("_pgzlib: invalid stream handle")),
        }
    })
}

fn arg(a: &Args, i: usize) -> PyResult<Value> {
    a.pos
        .get(i)
        .copied()
        .ok_or_else(|| type_error("_pgzlib: missing argument"))
}

fn backend_error(what: &str, e: impl std::fmt::Display) -> crate::interpreter::PyErr {
    vm::exc(C::RuntimeError, format!("{what}: {e}"))
}

/// Room for at least `min` more output bytes (doubling, so long outputs cost O(n)).
fn grow(out: &mut Vec<u8>, min: usize) {
    if out.capacity() - out.len() < min {
        out.reserve(out.capacity().max(min));
    }
}

/// Feeds all of `data` to `c` and returns what it produced; with a flush other than `None`
/// also drains the compressor (up to the end of the stream for `Finish`).
fn deflate(c: &mut Compress, data: &[u8], flush: FlushCompress) -> PyResult<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len() / 4 + 64);
    let mut pos = 0;
    loop {
        grow(&mut out, 4096);
        let (in0, out0) = (c.total_in(), out.len());
        let st = c
            .compress_vec(&data[pos..], &mut out, flush)
            .map_err(|e| backend_error("compress", e))?;
        pos += (c.total_in() - in0) as usize;
        let room_left = out.len() < out.capacity();
        if st == Status::StreamEnd {
            break;
        }
        if pos >= data.len() && room_left && flush != FlushCompress::Finish {
            break;
        }
        if c.total_in() == in0 && out.len() == out0 && room_left {
            break; // no progress possible (BufError)
        }
    }
    Ok(out)
}

/// Inflates from `data` until it is used up, the stream ends, or `max_len` (if not 0) bytes
/// are out; returns (output, bytes of `data` consumed, end of stream reached).
fn inflate(d: &mut Decompress, data: &[u8], max_len: usize) -> PyResult<(Vec<u8>, usize, bool)> {
    let mut out = Vec::new();
    let mut pos = 0;
    loop {
        // each round decompresses into a fresh chunk whose capacity is the most it may take
        let room = if max_len > 0 {
            (max_len - out.len()).min(1 << 16)
        } else {
            (data.len() * 4).clamp(1 << 12, 1 << 20)
        };
        let mut chunk = Vec::with_capacity(room);
        let in0 = d.total_in();
        let st = d
            .decompress_vec(&data[pos..], &mut chunk, FlushDecompress::None)
            .map_err(|e| backend_error("decompress", e))?;
        pos += (d.total_in() - in0) as usize;
        let produced = chunk.len();
        if out.is_empty() {
            out = chunk;
        } else {
            out.extend_from_slice(&chunk);
        }
        if st == Status::StreamEnd {
            return Ok((out, pos, true));
        }
        if max_len > 0 && out.len() >= max_len {
            break;
        }
        let progressed = d.total_in() != in0 || produced > 0;
        if !progressed || (pos >= data.len() && produced < room) {
            break;
        }
    }
    Ok((out, pos, false))
}

fn flush_mode(v: i64) -> PyResult<FlushCompress> {
    Ok(match v {
        0 => FlushCompress::None,
        1 => FlushCompress::Partial,
        2 => FlushCompress::Sync,
        3 => FlushCompress::Full,
        4 => FlushCompress::Finish,
        _ => return Err(value_error(format!("_pgzlib: unsupported flush mode {v}"))),
    })
}

fn def(m: Gc<ModuleObj>, name: &'static str, f: NativeFn) {
    m.dict.set_str(name, new_builtin(name, f));
}

/// The `_pgzlib` module.
pub fn make() -> Gc<ModuleObj> {
    let m = crate::import::new_module("_pgzlib", None);
    def(m, "deflate_new", |a| {
        let level = index_of(arg(&a, 0)?)?;
        if !(0..=9).contains(&level) {
            return Err(value_error("_pgzlib: level must be 0..9"));
        }
        let zlib_header = crate::objects::ops::truthy(arg(&a, 1)?)?;
        let owner = owner_weak(arg(&a, 2)?)?;
        let c = Compress::new(Compression::new(level as u32), zlib_header);
        Ok(new_int(insert(Stream::Deflate(c), owner) as i64))
    });
    def(m, "deflate", |a| {
        let data = data_arg(&a, 1)?;
        let flush = flush_mode(index_of(arg(&a, 2)?)?)?;
        let out = with_stream(arg(&a, 0)?, |s| match s {
            Stream::Deflate(c) => deflate(c, &data, flush),
            Stream::Inflate(_) => Err(value_error("_pgzlib: not a deflate stream")),
        })?;
        Ok(new_bytes(out, false))
    });
    def(m, "inflate_new", |a| {
        let zlib_header = crate::objects::ops::truthy(arg(&a, 0)?)?;
        let owner = owner_weak(arg(&a, 1)?)?;
        Ok(new_int(
            insert(Stream::Inflate(Decompress::new(zlib_header)), owner) as i64,
        ))
    });
    def(m, "inflate", |a| {
        let data = data_arg(&a, 1)?;
        let max_len = index_of(arg(&a, 2)?)?.max(0) as usize;
        let (out, used, eof) = with_stream(arg(&a, 0)?, |s| match s {
            Stream::Inflate(d) => inflate(d, &data, max_len),
            Stream::Deflate(_) => Err(value_error("_pgzlib: not an inflate stream")),
        })?;
        Ok(new_tuple(&[
            new_bytes(out, false),
            new_int(used as i64),
            Value::bool(eof),
        ]))
    });
    def(m, "free", |a| {
        let i = index_of(arg(&a, 0)?)?;
        TABLE.with(|t| {
            let mut t = t.borrow_mut();
            if let Some(slot) = usize::try_from(i).ok().and_then(|i| t.entries.get_mut(i)) {
                if slot.take().is_some() {
                    t.free.push(i as usize);
                }
            }
        });
        Ok(Value::NONE)
    });
    m
}
