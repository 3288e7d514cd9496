//! `_bisect`: binary search in sorted sequences in Rust, which `pyguest/lib/bisect.py` takes
//! over with `from _bisect import *` as CPython's `bisect.py` takes its C `_bisect`.
//!
//! `bisect_left`/`bisect_right(a, x, lo=0, hi=None, *, key=None)` and
//! `insort_left`/`insort_right` (same parameters) as CPython 3.11's `_bisectmodule.c` has
//! them: `a` is any sequence (`len` and `__getitem__`, with a fast path for lists); `lo` and
//! `hi` are indices (`__index__`), `lo < 0` is `ValueError: lo must be non-negative`, `hi`
//! `None` (or -1) means `len(a)`; `key` is applied to the probed items, not to `x` (insort
//! applies it to `x` once); the only comparison is `<`, and an error it (or `key`, or
//! `__getitem__`) raises propagates. A `__lt__` that shortens the list makes the next probe an
//! `IndexError`, as in CPython. `insort_*` inserts into an exact list directly and calls
//! `a.insert(i, x)` on anything else (so list subclasses' `insert` overrides run).

use super::native_class::opt_arg;
use super::*;
use crate::objects::sig::{Recv, Sig};

fn def(m: Gc<ModuleObj>, sig: &'static str, f: NativeFn) {
    let s = Sig::leak(sig, Recv::None);
    m.dict
        .set_str(s.name, crate::objects::new_builtin_sig(s.name, s, f));
}

/// The parsed arguments shared by the four functions.
struct Search {
    a: Value,
    x: Value,
    lo: i64,
    /// -1: `len(a)`
    hi: i64,
    key: Option<Value>,
}

fn parse(a: &Args) -> PyResult<Search> {
    let lo = match opt_arg(a, 2, "lo") {
        Some(v) => index_of(v)?,
        None => 0,
    };
    let hi = match opt_arg(a, 3, "hi") {
        Some(v) if v != Value::NONE => {
            let is_index = ops::int_of(v).is_some()
                || as_bigint(v).is_some()
                || ops::lookup_type(vm::type_of(v), "__index__").is_some();
            if !is_index {
                return Err(type_error(format!(
                    "argument should be integer or None, not '{}'",
                    vm::type_name(v)
                )));
            }
            index_of(v)?
        }
        _ => -1,
    };
    let key = kwarg(a, "key").filter(|&k| k != Value::NONE);
    Ok(Search {
        a: a.pos[0],
        x: a.pos[1],
        lo,
        hi,
        key,
    })
}

/// `a[i]`: the list's slot (bounds-checked, the list may have shrunk) or `__getitem__`.
fn item(a: Value, i: i64) -> PyResult<Value> {
    if let Some(l) = as_list_exact(a) {
        if (i as usize) < l.len() {
            return Ok(l.get(i as usize));
        }
        return Err(vm::index_error("list index out of range"));
    }
    ops::getitem(a, Value::small(i))
}

/// The insertion point of `x` (already a key when `key` is given) in `a[lo:hi]`: the first
/// position whose item is not less than `x` (`left`), or the first whose item is greater.
fn search(s: &Search, x: Value, left: bool) -> PyResult<i64> {
    let (mut lo, mut hi) = (s.lo, s.hi);
    if lo < 0 {
        return Err(value_error("lo must be non-negative"));
    }
    if hi == -1 {
        hi = ops::len(s.a)? as i64;
    }
    while lo < hi {
        // (lo + hi) / 2 without overflow: both are non-negative here
        let mid = lo + (hi - lo) / 2;
        let mut probe = item(s.a, mid)?;
        if let Some(k) = s.key {
            probe = ops::call(k, &[probe])?;
        }
        let go_right = if left {
            ops::truthy(ops::compare(probe, x, 0)?)?
        } else {
            !ops::truthy(ops::compare(x, probe, 0)?)?
        };
        if go_right {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    Ok(lo)
}

fn bisect(a: Args, left: bool) -> PyResult<Value> {
    let s = parse(&a)?;
    Ok(Value::small(search(&s, s.x, left)?))
}

fn insort(a: Args, left: bool) -> PyResult<Value> {
    let s = parse(&a)?;
    let x = match s.key {
        Some(k) => ops::call(k, &[s.x])?,
        None => s.x,
    };
    let i = search(&s, x, left)?;
    if let Some(l) = as_list_exact(s.a) {
        l.insert((i as usize).min(l.len()), s.x);
    } else {
        ops::call_method(s.a, "insert", &[Value::small(i), s.x])?;
    }
    Ok(Value::NONE)
}

/// The `_bisect` module.
pub fn make() -> Gc<ModuleObj> {
    let m = new_module("_bisect", None);
    def(m, "bisect_right(a, x, lo=0, hi=None, *, key=None)", |a| {
        bisect(a, false)
    });
    def(m, "bisect_left(a, x, lo=0, hi=None, *, key=None)", |a| {
        bisect(a, true)
    });
    def(m, "insort_right(a, x, lo=0, hi=None, *, key=None)", |a| {
        insort(a, false)
    });
    def(m, "insort_left(a, x, lo=0, hi=None, *, key=None)", |a| {
        insort(a, true)
    });
    m
}
