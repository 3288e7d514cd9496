//! `_heapq`: the binary-heap primitives of `heapq` in Rust, which `pyguest/lib/heapq.py`
//! takes over with `from _heapq import *` as CPython's `heapq.py` takes its C `_heapq`.
//!
//! Functions: `heappush`, `heappop`, `heapreplace`, `heappushpop`, `heapify` and the max-heap
//! helpers `heapq.py` uses for `nlargest`/`merge(reverse=True)` (`_heappop_max`,
//! `_heapreplace_max`, `_heapify_max`). Semantics follow CPython 3.11's `_heapqmodule.c`:
//! the heap must be a `list` (subclasses too; anything else is `TypeError: heappush()
//! argument 1 must be list, not tuple`); the only comparison is `<` (`PyObject_RichCompareBool`, so an error it
//! raises propagates and an identical pair compares as not-less only through `__lt__`);
//! sifting *swaps* the two slots after each comparison, re-reading them from the list, so a
//! `__lt__` that rewrites the list without changing its length leaves what CPython leaves;
//! and a `__lt__` that changes the list's length stops the sift with `RuntimeError: list
//! changed size during iteration`. Empty heaps give `IndexError: index out of range`.
//!
//! Assumes: the list's length is re-read after every comparison (a comparison runs arbitrary
//! Python code), so every index used is in range of the list as it is at that moment.

use super::*;
use crate::objects::sig::{Recv, Sig};

fn def(m: Gc<ModuleObj>, sig: &'static str, f: NativeFn) {
    let s = Sig::leak(sig, Recv::None);
    m.dict
        .set_str(s.name, crate::objects::new_builtin_sig(s.name, s, f));
}

/// The heap argument of `func` as a list, or the `TypeError` of CPython's argument clinic
/// (`heappush() argument 1 must be list, not tuple`; "argument" alone for one-argument
/// functions; `None` by name).
fn heap_arg(a: &Args, func: &str) -> PyResult<Gc<ListObj>> {
    let v = a.pos[0];
    as_list(v).ok_or_else(|| {
        let which = if a.pos.len() > 1 {
            "argument 1"
        } else {
            "argument"
        };
        let got = if v == Value::NONE {
            "None".to_string()
        } else {
            vm::type_name(v).to_string()
        };
        type_error(format!("{func}() {which} must be list, not {got}"))
    })
}

fn index_out_of_range() -> vm::PyErr {
    vm::index_error("index out of range")
}

fn changed_size() -> vm::PyErr {
    vm::runtime_error("list changed size during iteration")
}

/// `a < b` as a bool (`PyObject_RichCompareBool(a, b, Py_LT)`: identity does not shortcut `<`).
#[inline]
fn less(a: Value, b: Value) -> PyResult<bool> {
    ops::truthy(ops::compare(a, b, 0)?)
}

/// `x < y` for the min-heap, `y < x` for the max-heap.
#[inline]
fn before(x: Value, y: Value, max: bool) -> PyResult<bool> {
    if max {
        less(y, x)
    } else {
        less(x, y)
    }
}

/// Moves the item at `pos` towards the root (`startpos`) while it sorts before its parent.
fn siftdown(heap: Gc<ListObj>, startpos: usize, mut pos: usize, max: bool) -> PyResult<()> {
    let size = heap.len();
    if pos >= size {
        return Err(index_out_of_range());
    }
    while pos > startpos {
        let parentpos = (pos - 1) >> 1;
        let (newitem, parent) = (heap.get(pos), heap.get(parentpos));
        let lt = before(newitem, parent, max)?;
        if heap.len() != size {
            return Err(changed_size());
        }
        if !lt {
            break;
        }
        // re-read both: the comparison may have stored other values in the list
        let (newitem, parent) = (heap.get(pos), heap.get(parentpos));
        heap.set(parentpos, newitem);
        heap.set(pos, parent);
        pos = parentpos;
    }
    Ok(())
}

/// Moves the smaller child up from `pos` to a leaf, then the item found there back towards
/// `pos` (fewer comparisons than stopping early: the item usually belongs near a leaf).
fn siftup(heap: Gc<ListObj>, mut pos: usize, max: bool) -> PyResult<()> {
    let endpos = heap.len();
    let startpos = pos;
    if pos >= endpos {
        return Err(index_out_of_range());
    }
    let limit = endpos >> 1; // the first position without a child
    while pos < limit {
        let mut childpos = 2 * pos + 1;
        if childpos + 1 < endpos {
            let (a, b) = (heap.get(childpos), heap.get(childpos + 1));
            if !before(a, b, max)? {
                childpos += 1;
            }
            if heap.len() != endpos {
                return Err(changed_size());
            }
        }
        let (child, cur) = (heap.get(childpos), heap.get(pos));
        heap.set(childpos, cur);
        heap.set(pos, child);
        pos = childpos;
    }
    siftdown(heap, startpos, pos, max)
}

fn heappush(a: Args) -> PyResult<Value> {
    let heap = heap_arg(&a, "heappush")?;
    heap.push(a.pos[1]);
    siftdown(heap, 0, heap.len() - 1, false)?;
    Ok(Value::NONE)
}

fn pop(a: Args, name: &str, max: bool) -> PyResult<Value> {
    let heap = heap_arg(&a, name)?;
    let Some(last) = heap.pop() else {
        return Err(index_out_of_range());
    };
    if heap.is_empty() {
        return Ok(last);
    }
    let top = heap.get(0);
    heap.set(0, last);
    siftup(heap, 0, max)?;
    Ok(top)
}

fn replace(a: Args, name: &str, max: bool) -> PyResult<Value> {
    let heap = heap_arg(&a, name)?;
    if heap.is_empty() {
        return Err(index_out_of_range());
    }
    let top = heap.get(0);
    heap.set(0, a.pos[1]);
    siftup(heap, 0, max)?;
    Ok(top)
}

fn heappushpop(a: Args) -> PyResult<Value> {
    let heap = heap_arg(&a, "heappushpop")?;
    let item = a.pos[1];
    if heap.is_empty() {
        return Ok(item);
    }
    if !less(heap.get(0), item)? {
        return Ok(item);
    }
    if heap.is_empty() {
        return Err(index_out_of_range());
    }
    let top = heap.get(0);
    heap.set(0, item);
    siftup(heap, 0, false)?;
    Ok(top)
}

fn heapify(a: Args, name: &str, max: bool) -> PyResult<Value> {
    let heap = heap_arg(&a, name)?;
    // children are heaps before their parent is sifted; the bound is re-read because a
    // comparison may shrink the list (then `siftup` reports it or finds `pos` out of range)
    let n = heap.len();
    for i in (0..n / 2).rev() {
        siftup(heap, i, max)?;
    }
    Ok(Value::NONE)
}

/// The `_heapq` module.
pub fn make() -> Gc<ModuleObj> {
    let m = new_module("_heapq", None);
    m.dict.set_str(
        "__about__",
        new_str("Heap queues (pyguest's native _heapq, after CPython's)."),
    );
    def(m, "heappush(heap, item, /)", heappush);
    def(m, "heappop(heap, /)", |a| pop(a, "heappop", false));
    def(m, "heapreplace(heap, item, /)", |a| {
        replace(a, "heapreplace", false)
    });
    def(m, "heappushpop(heap, item, /)", heappushpop);
    def(m, "heapify(heap, /)", |a| heapify(a, "heapify", false));
    def(m, "_heappop_max(heap, /)", |a| pop(a, "_heappop_max", true));
    def(m, "_heapreplace_max(heap, item, /)", |a| {
        replace(a, "_heapreplace_max", true)
    });
    def(m, "_heapify_max(heap, /)", |a| {
        heapify(a, "_heapify_max", true)
    });
    m
}
