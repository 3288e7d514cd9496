//! Program-sized allocations fail with `MemoryError` instead of aborting the process.
//!
//! Python code chooses the size of many allocations (`[0] * n`, `'ab' * n`, `bytes(n)`,
//! `str.ljust(n)`, `x << n`, ...). Without a check, a size the machine cannot hold either
//! reaches the collector, which exits with "fatal: out of memory", or Rust's allocator, which
//! aborts with "memory allocation of N bytes failed". CPython raises a catchable
//! `MemoryError` in both cases, and so does pyguest: every such path calls [`check_bytes`] (or
//! [`check_items`]) with the size it is about to allocate before allocating, and growth of a
//! Rust `Vec`/`String` by a program-chosen amount goes through [`reserve`] / [`reserve_str`]
//! (a size check plus `try_reserve`, so an allocator refusal is a `MemoryError` too).
//!
//! The limit is the collector's `METATRACER_GC_MAX_HEAP` (default: the machine's physical
//! memory), read from `gc::stats().max_heap`: one allocation may use what the GC heap leaves
//! free of it. Memory on the Rust heap (string text, bytes, big-int digits) is checked against
//! the same budget, though the collector does not count it, so the budget is per allocation,
//! not a cap on the process. Requests below [`CHECK_FROM`] are not checked at all (the hot
//! paths pay one comparison): the collector's own limit stays the backstop for a program that
//! grows its heap one small object at a time.

use crate::vm::{self, PyErr, PyResult, C};
use metatracer::gc;

/// Requests smaller than this are never refused here (1 MiB).
pub const CHECK_FROM: usize = 1 << 20;

/// A `MemoryError` with no message, as CPython raises it.
#[cold]
pub fn memory_error() -> PyErr {
    PyErr(vm::new_exception(vm::cls(C::MemoryError), &[]))
}

/// Fails with `MemoryError` unless `bytes` more bytes fit in the heap budget.
#[inline]
pub fn check_bytes(bytes: usize) -> PyResult<()> {
    if bytes < CHECK_FROM {
        return Ok(());
    }
    check_slow(bytes)
}

/// [`check_bytes`] for `n` items of `size` bytes each (overflow is a `MemoryError`).
#[inline]
pub fn check_items(n: usize, size: usize) -> PyResult<()> {
    match n.checked_mul(size) {
        Some(b) => check_bytes(b),
        None => Err(memory_error()),
    }
}

#[cold]
#[inline(never)]
fn check_slow(bytes: usize) -> PyResult<()> {
    let room = || {
        let s = gc::stats();
        (s.max_heap as usize).saturating_sub(s.heap_bytes as usize)
    };
    if bytes <= room() {
        return Ok(());
    }
    if bytes <= gc::stats().max_heap as usize {
        // Garbage may be holding the room: collect once before refusing.
        gc::collect();
        if bytes <= room() {
            return Ok(());
        }
    }
    Err(memory_error())
}

/// Makes room for `extra` more elements in `v`: the grown length is checked, then
/// `try_reserve` (amortized growth) asks the allocator.
pub fn reserve<T>(v: &mut Vec<T>, extra: usize) -> PyResult<()> {
    let len = v.len().checked_add(extra).ok_or_else(memory_error)?;
    check_items(len, std::mem::size_of::<T>().max(1))?;
    v.try_reserve(extra).map_err(|_| memory_error())
}

/// Makes room for `extra` more bytes in `s` (the grown length checked, then `try_reserve`).
pub fn reserve_str(s: &mut String, extra: usize) -> PyResult<()> {
    check_bytes(s.len().checked_add(extra).ok_or_else(memory_error)?)?;
    s.try_reserve(extra).map_err(|_| memory_error())
}

/// A new `Vec` with room for `n` elements, or `MemoryError`.
pub fn vec_with_capacity<T>(n: usize) -> PyResult<Vec<T>> {
    let mut v = Vec::new();
    reserve(&mut v, n)?;
    Ok(v)
}

/// A new `String` with room for `n` bytes, or `MemoryError`.
pub fn string_with_capacity(n: usize) -> PyResult<String> {
    let mut s = String::new();
    reserve_str(&mut s, n)?;
    Ok(s)
}

/// `s` repeated `n` times (`str * n`), or `MemoryError` when the result cannot be held.
pub fn repeat_str(s: &str, n: usize) -> PyResult<String> {
    let v = repeat_bytes(s.as_bytes(), n)?;
    // SAFETY: `v` is whole copies of the valid UTF-8 text `s`, one after another.
    Ok(unsafe { String::from_utf8_unchecked(v) })
}

/// `b` repeated `n` times (`bytes * n`), or `MemoryError`. The copy doubles the filled
/// prefix, so it costs `log n` copies rather than `n`.
pub fn repeat_bytes(b: &[u8], n: usize) -> PyResult<Vec<u8>> {
    if b.is_empty() || n == 0 {
        return Ok(Vec::new());
    }
    let total = b.len().checked_mul(n).ok_or_else(memory_error)?;
    let mut out = vec_with_capacity(total)?;
    out.extend_from_slice(b);
    while out.len() < total {
        let k = out.len().min(total - out.len());
        out.extend_from_within(..k);
    }
    Ok(out)
}

/// Before the items of `v` are collected into a list, tuple or set: a `range` knows its
/// length, so `list(range(10**12))` fails at once instead of after filling the heap.
pub fn check_materialize(v: crate::value::Value) -> PyResult<()> {
    if let Some(r) = crate::objects::as_range(v) {
        let n = crate::objects::range_len(r).max(0) as usize;
        check_items(n, 2 * std::mem::size_of::<crate::value::Value>())?;
    }
    Ok(())
}

/// Called as a collection of `len` items of `elem` bytes grows one item at a time: at each
/// power of two from 64K items, checks that the doubled storage still fits, so a long
/// iteration ends in `MemoryError` rather than the collector's fatal exit.
#[inline]
pub fn check_growth(len: usize, elem: usize) -> PyResult<()> {
    if len >= 1 << 16 && len.is_power_of_two() {
        return check_items(len * 2, elem);
    }
    Ok(())
}
