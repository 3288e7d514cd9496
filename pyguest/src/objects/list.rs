//! `list`: the object layout (a GC array with a length, in one of two storage strategies),
//! constructors and accessors, `list.sort` (a stable merge sort over indices, with `key=` and
//! `reverse=`, also behind `sorted`), slice assignment, the table of the methods of the type
//! and, at the end, its comparison and repr slots (`list_compare`, `list_repr`).
//!
//! Storage strategies (PyPy's list strategies, two of them): a list of exact floats none of
//! which is a NaN keeps them unboxed in `floats` (strategy [`FLOATS`]); any other list keeps
//! its values in `items` ([`OBJECTS`]). A list becomes a float list when it is built from
//! such floats (`new_list_from`, `set_all`) or when a float is pushed into a list that has no
//! storage yet (a fresh or cleared `[]`); it switches to objects for good (boxing every item,
//! [`ListObj::generalize`]) at the first value it cannot keep unboxed, and whenever a caller
//! asks for [`ListObj::as_slice`]. Reads box a new float each time (`l[0] is l[0]` is false,
//! as `id` differs; equality, hashing, ordering and repr are the float's). NaNs stay boxed
//! so that `x in l`, `l.index(x)`, `l.count(x)` and `==` see the identity CPython sees
//! (`nan in [nan]` is true there because the same object is found). Read-only users that do
//! not want to switch the list take a copy with [`ListObj::values`].

use crate::objects::native::{kwarg, m, seq_items, Method};
use crate::objects::ops::{self, call, index_of, truthy, ArgVec};
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::{self, type_error, value_error};
use crate::vm::{PyErr, PyResult};
use metatracer::gc::Gc;
use metatracer::gc::{Array, GcCell};
use metatracer::Trace;
use std::cell::Cell;

// ---------------------------------------------------------------- layout

/// Strategy of a list whose values are in `items`.
pub const OBJECTS: u8 = 0;
/// Strategy of a list of exact, non-NaN floats kept unboxed in `floats`.
pub const FLOATS: u8 = 1;

#[repr(C)]
#[derive(Trace, metatracer::Layout)]
pub struct ListObj {
    pub kind: Kind,
    /// [`OBJECTS`] or [`FLOATS`]: which of the two arrays holds the values.
    pub strategy: Cell<u8>,
    pub len: Cell<usize>,
    /// The values when the strategy is [`OBJECTS`] (an empty array otherwise).
    pub items: GcCell<Gc<Array<Value>>>,
    /// The values when the strategy is [`FLOATS`] (an empty array otherwise).
    pub floats: GcCell<Gc<Array<f64>>>,
}

downcast!(as_list_exact, ListObj, List);

pub fn as_list(v: Value) -> Option<Gc<ListObj>> {
    as_list_exact(payload(v))
}

/// The value of `v` if a float list can keep it unboxed: an exact float that is not a NaN.
#[inline]
pub fn storable_float(v: Value) -> Option<f64> {
    match as_float_obj(v) {
        Some(f) if !f.v.is_nan() => Some(f.v),
        _ => None,
    }
}

fn empty_floats() -> Gc<Array<f64>> {
    gc::alloc_array(0, 0.0)
}

/// The unboxed values of `items` if every one can be kept in a float list (and there is one).
fn all_floats(items: &[Value]) -> Option<Vec<f64>> {
    if items.is_empty() {
        return None;
    }
    items.iter().map(|&v| storable_float(v)).collect()
}

pub fn new_list_from(items: &[Value]) -> Value {
    let (strategy, arr, floats) = match all_floats(items) {
        Some(fs) => (FLOATS, empty_array(), gc::alloc_array_from_slice(&fs)),
        None => (OBJECTS, gc::alloc_array_from_slice(items), empty_floats()),
    };
    Value::obj(gc::alloc(ListObj {
        kind: Kind::List,
        strategy: Cell::new(strategy),
        len: Cell::new(items.len()),
        items: GcCell::new(arr),
        floats: GcCell::new(floats),
    }))
}

/// The indices slice `s` covers in list `l` (`ops::slice_indices`), for the length the list
/// has after the slice's `__index__` methods ran (as CPython adjusts them): one of those may
/// have changed the list.
fn list_slice_indices(l: Gc<ListObj>, s: Gc<SliceObj>) -> PyResult<(i64, i64, i64, usize)> {
    for _ in 0..2 {
        let n = l.len();
        let r = ops::slice_indices(s, n)?;
        if l.len() == n {
            return Ok(r);
        }
    }
    Err(vm::runtime_error(
        "list changed size while its slice was computed",
    ))
}

/// `l[s]` for a slice `s`: the items copied from the list's array straight into the new
/// list's, in the list's strategy. (The source array does not move while the new one is
/// allocated: the borrowed slice points into it, and the collector pins what the stack
/// points into.)
pub fn list_get_slice(l: Gc<ListObj>, s: Gc<SliceObj>) -> PyResult<Value> {
    let (start, _, step, count) = list_slice_indices(l, s)?;
    if count == 0 {
        return Ok(new_list_from(&[]));
    }
    let floats = l.is_floats();
    let list = |strategy, items, floats| {
        Value::obj(gc::alloc(ListObj {
            kind: Kind::List,
            strategy: Cell::new(strategy),
            len: Cell::new(count),
            items: GcCell::new(items),
            floats: GcCell::new(floats),
        }))
    };
    if step == 1 {
        let range = start as usize..start as usize + count;
        return Ok(if floats {
            let fl = gc::alloc_array_from_slice(&l.floats.get().as_slice()[range]);
            list(FLOATS, empty_array(), fl)
        } else {
            let arr = gc::alloc_array_from_slice(&l.items.get().as_slice()[range]);
            list(OBJECTS, arr, empty_floats())
        });
    }
    // (each array read after the allocation, which may collect)
    let index = |k: usize| (start + k as i64 * step) as usize;
    Ok(if floats {
        let fl = gc::alloc_array(count, 0.0);
        let src = l.floats.get();
        for k in 0..count {
            fl.set(k, src.get(index(k)));
        }
        list(FLOATS, empty_array(), fl)
    } else {
        let arr = gc::alloc_array(count, Value::NULL);
        let src = l.items.get();
        for k in 0..count {
            arr.set(k, src.get(index(k)));
        }
        list(OBJECTS, arr, empty_floats())
    })
}

pub fn new_list_cap(cap: usize) -> Gc<ListObj> {
    let arr = gc::alloc_array(cap, Value::NULL);
    let floats = empty_floats();
    gc::alloc(ListObj {
        kind: Kind::List,
        strategy: Cell::new(OBJECTS),
        len: Cell::new(0),
        items: GcCell::new(arr),
        floats: GcCell::new(floats),
    })
}

impl ListObj {
    #[inline]
    pub fn len(&self) -> usize {
        self.len.get()
    }
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len.get() == 0
    }
    /// Whether the values are unboxed floats (strategy [`FLOATS`]).
    #[inline]
    pub fn is_floats(&self) -> bool {
        self.strategy.get() == FLOATS
    }
    /// Switches a float list to the objects strategy for good, boxing its values (same
    /// capacity); nothing for an objects list.
    pub fn generalize(&self) {
        if !self.is_floats() {
            return;
        }
        let fl = self.floats.get();
        let n = self.len.get();
        let arr = gc::alloc_array(fl.len().max(n), Value::NULL);
        for i in 0..n {
            arr.set(i, new_float(fl.get(i)));
        }
        self.items.set(arr);
        self.floats.set(empty_floats());
        self.strategy.set(OBJECTS);
    }
    /// The live elements (do not hold across calls that may change the list). A float list
    /// switches to the objects strategy for good ([`ListObj::generalize`]); a caller that only
    /// reads should take [`ListObj::values`].
    #[inline]
    pub fn as_slice(&self) -> &[Value] {
        self.generalize();
        let arr = self.items.get();
        let s: &[Value] = &arr.as_slice()[..self.len.get()];
        // SAFETY: the array is owned by this list, which the caller keeps alive; the slice is
        // only used until the list is next modified (documented on this method).
        unsafe { &*(s as *const [Value]) }
    }
    /// A copy of the elements, boxing the floats of a float list (which stays one).
    pub fn values(&self) -> ArgVec {
        let n = self.len.get();
        if self.is_floats() {
            let fl = self.floats.get();
            (0..n).map(|i| new_float(fl.get(i))).collect()
        } else {
            ArgVec::from_slice(&self.items.get().as_slice()[..n])
        }
    }
    /// Runs `f` over the elements: a borrow of the list's own storage (no copy), or for a
    /// float list a boxed copy. `f` must not run guest code or modify the list (it gets a
    /// view of storage the list may replace); it is for copying the elements somewhere.
    #[inline]
    pub fn with_items<R>(&self, f: impl FnOnce(&[Value]) -> R) -> R {
        if self.is_floats() {
            f(&self.values())
        } else {
            let arr = self.items.get();
            f(&arr.as_slice()[..self.len.get()])
        }
    }
    #[inline]
    pub fn get(&self, i: usize) -> Value {
        if self.is_floats() {
            new_float(self.floats.get().get(i))
        } else {
            self.items.get().get(i)
        }
    }
    #[inline]
    pub fn set(&self, i: usize, v: Value) {
        if self.is_floats() {
            if let Some(f) = storable_float(v) {
                self.floats.get().set(i, f);
                return;
            }
            self.generalize();
        }
        self.items.get().set(i, v)
    }
    fn grow(&self, need: usize) {
        if self.is_floats() {
            let old = self.floats.get();
            let cap = (old.len() * 2).max(need).max(4);
            let arr = gc::alloc_array(cap, 0.0);
            for i in 0..self.len.get() {
                arr.set(i, old.get(i));
            }
            self.floats.set(arr);
            return;
        }
        let old = self.items.get();
        let cap = (old.len() * 2).max(need).max(4);
        let arr = gc::alloc_array(cap, Value::NULL);
        for (i, v) in old.as_slice()[..self.len.get()].iter().enumerate() {
            arr.set(i, *v);
        }
        self.items.set(arr);
    }
    /// Makes room for one more element in the current strategy's array, after choosing the
    /// strategy `v` needs: a list with no storage yet takes floats unboxed, a float list
    /// switches to objects for anything else.
    fn prepare_add(&self, v: Value) {
        let n = self.len.get();
        if self.is_floats() {
            if storable_float(v).is_none() {
                self.generalize();
            }
        } else if n == 0 && self.items.get().is_empty() && storable_float(v).is_some() {
            self.floats.set(gc::alloc_array(4, 0.0));
            self.strategy.set(FLOATS);
        }
        let cap = if self.is_floats() {
            self.floats.get().len()
        } else {
            self.items.get().len()
        };
        if n >= cap {
            self.grow(n + 1);
        }
    }
    #[inline]
    pub fn push(&self, v: Value) {
        self.prepare_add(v);
        let n = self.len.get();
        if self.is_floats() {
            // (checked by `prepare_add`: a float list stays one only for a storable float)
            self.floats.get().set(n, storable_float(v).unwrap_or(0.0));
        } else {
            self.items.get().set(n, v);
        }
        self.len.set(n + 1);
    }
    pub fn pop(&self) -> Option<Value> {
        let n = self.len.get();
        if n == 0 {
            return None;
        }
        let v = self.get(n - 1);
        if !self.is_floats() {
            self.items.get().set(n - 1, Value::NULL);
        }
        self.len.set(n - 1);
        Some(v)
    }
    pub fn insert(&self, i: usize, v: Value) {
        self.prepare_add(v);
        let n = self.len.get();
        // the tail moves up one slot in one block move (one barrier per card, not per slot)
        if self.is_floats() {
            let arr = self.floats.get();
            arr.copy_within(i, i + 1, n - i);
            arr.set(i, storable_float(v).unwrap_or(0.0));
        } else {
            let arr = self.items.get();
            arr.copy_within(i, i + 1, n - i);
            arr.set(i, v);
        }
        self.len.set(n + 1);
    }
    pub fn remove_at(&self, i: usize) -> Value {
        let n = self.len.get();
        let v = self.get(i);
        if self.is_floats() {
            let arr = self.floats.get();
            arr.copy_within(i + 1, i, n - 1 - i);
        } else {
            let arr = self.items.get();
            arr.copy_within(i + 1, i, n - 1 - i);
            arr.set(n - 1, Value::NULL);
        }
        self.len.set(n - 1);
        v
    }
    /// Replaces the whole content (a float list when every value can be kept unboxed).
    pub fn set_all(&self, items: &[Value]) {
        if let Some(fs) = all_floats(items) {
            let arr = gc::alloc_array_from_slice(&fs);
            self.floats.set(arr);
            self.items.set(empty_array());
            self.strategy.set(FLOATS);
        } else {
            let arr = gc::alloc_array_from_slice(items);
            self.items.set(arr);
            if self.is_floats() {
                self.floats.set(empty_floats());
                self.strategy.set(OBJECTS);
            }
        }
        self.len.set(items.len());
    }
    pub fn clear(&self) {
        // an empty list keeps its array (`list.sort` relies on it to see a key's `clear()`
        // as no change)
        if self.len.get() == 0 {
            return;
        }
        self.items.set(empty_array());
        if self.is_floats() {
            self.floats.set(empty_floats());
            self.strategy.set(OBJECTS);
        }
        self.len.set(0);
    }
}

pub fn sort_values(items: &mut ArgVec, key: Option<Value>, reverse: bool) -> PyResult<()> {
    let keys: ArgVec = match key {
        Some(k) => {
            let mut ks = ArgVec::with_capacity(items.len());
            for &x in items.iter() {
                ks.push(call(k, &[x])?);
            }
            ks
        }
        None => items.clone(),
    };
    let n = items.len();
    let mut idx: Vec<usize> = (0..n).collect();
    // merge sort on indices with fallible comparison
    let mut err: Option<PyErr> = None;
    let lt = |a: usize, b: usize, err: &mut Option<PyErr>| -> bool {
        if err.is_some() {
            return false;
        }
        let (x, y) = (keys[a], keys[b]);
        if x.is_int() && y.is_int() {
            return x.as_int_unchecked() < y.as_int_unchecked();
        }
        match ops::compare(x, y, 0).and_then(truthy) {
            Ok(r) => r,
            Err(e) => {
                *err = Some(e);
                false
            }
        }
    };
    merge_sort(&mut idx, &mut |a, b| {
        if reverse {
            lt(b, a, &mut err)
        } else {
            lt(a, b, &mut err)
        }
    });
    if let Some(e) = err {
        return Err(e);
    }
    let sorted: ArgVec = idx.iter().map(|&i| items[i]).collect();
    *items = sorted;
    Ok(())
}

fn merge_sort(v: &mut [usize], lt: &mut dyn FnMut(usize, usize) -> bool) {
    let n = v.len();
    if n < 2 {
        return;
    }
    // insertion sort for small runs, then bottom-up merge (stable)
    const RUN: usize = 16;
    let mut i = 0;
    while i < n {
        let end = (i + RUN).min(n);
        for j in i + 1..end {
            let x = v[j];
            let mut k = j;
            while k > i && lt(x, v[k - 1]) {
                v[k] = v[k - 1];
                k -= 1;
            }
            v[k] = x;
        }
        i = end;
    }
    let mut width = RUN;
    let mut buf = vec![0usize; n];
    while width < n {
        let mut lo = 0;
        while lo < n {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            let (mut a, mut b, mut k) = (lo, mid, lo);
            while a < mid && b < hi {
                if lt(v[b], v[a]) {
                    buf[k] = v[b];
                    b += 1;
                } else {
                    buf[k] = v[a];
                    a += 1;
                }
                k += 1;
            }
            while a < mid {
                buf[k] = v[a];
                a += 1;
                k += 1;
            }
            while b < hi {
                buf[k] = v[b];
                b += 1;
                k += 1;
            }
            lo = hi;
        }
        v.copy_from_slice(&buf);
        width *= 2;
    }
}

/// `list(iterable=(), /)`.
pub(crate) fn new_list_from_args(rest: Args) -> PyResult<Value> {
    match rest.pos.first() {
        Some(&v) => crate::objects::native::list_of(v),
        None => Ok(Value::obj(new_list_cap(0))),
    }
}

// ---------------------------------------------------------------- list methods

pub fn list_set_slice(l: Gc<ListObj>, s: Gc<SliceObj>, v: Value) -> PyResult<()> {
    if let Some(src) = as_list_exact(v).filter(|&src| !Gc::ptr_eq(src, l)) {
        // Another list of as many items as the slice covers: they are stored one by one,
        // with no copy of them first (the slice's indices are computed before, in case
        // they call `__index__`).
        let (start, stop, step, count) = list_slice_indices(l, s)?;
        let n = src.len();
        let fits = if step == 1 {
            n as i64 == stop.max(start) - start
        } else {
            n == count
        };
        if fits {
            for k in 0..n {
                l.set((start + k as i64 * step) as usize, src.get(k));
            }
            return Ok(());
        }
    }
    let items = seq_items(v)?;
    let (start, stop, step, count) = ops::slice_indices(s, l.len())?;
    if step == 1 {
        let stop = stop.max(start) as usize;
        let start = start as usize;
        if items.len() == stop - start {
            // same length: the items are replaced in place
            for (i, &x) in items.iter().enumerate() {
                l.set(start + i, x);
            }
            return Ok(());
        }
        let cur: ArgVec = l.values();
        let mut out = ArgVec::new();
        out.extend_from_slice(&cur[..start]);
        out.extend_from_slice(&items);
        out.extend_from_slice(&cur[stop..]);
        l.set_all(&out);
        return Ok(());
    }
    if items.len() != count {
        return Err(value_error(format!(
            "attempt to assign sequence of size {} to extended slice of size {}",
            items.len(),
            count
        )));
    }
    let mut i = start;
    for &x in &items {
        l.set(i as usize, x);
        i += step;
    }
    Ok(())
}

fn self_list(a: &Args) -> PyResult<Gc<ListObj>> {
    a.pos
        .first()
        .and_then(|&v| as_list(v))
        .ok_or_else(|| type_error("descriptor requires a 'list' object"))
}

/// The methods of `list`.
pub(crate) static METHODS: &[Method] = &[
    m("append(object, /)", |a| {
        self_list(&a)?.push(a.pos[1]);
        Ok(Value::NONE)
    }),
    m("extend(iterable, /)", |a| {
        ops::list_extend(self_list(&a)?, a.pos[1])?;
        Ok(Value::NONE)
    }),
    m("pop(index=-1, /)", |a| {
        let l = self_list(&a)?;
        if l.is_empty() {
            return Err(vm::index_error("pop from empty list"));
        }
        match a.pos.get(1) {
            None => Ok(l.pop().unwrap()),
            Some(&i) => {
                let j = ops::norm_index(index_of(i)?, l.len(), "pop")?;
                Ok(l.remove_at(j))
            }
        }
    }),
    m("insert(index, object, /)", |a| {
        let l = self_list(&a)?;
        let n = l.len() as i64;
        let mut i = index_of(a.pos[1])?;
        if i < 0 {
            i = (i + n).max(0);
        }
        l.insert(i.min(n) as usize, a.pos[2]);
        Ok(Value::NONE)
    }),
    m("remove(value, /)", |a| {
        let l = self_list(&a)?;
        // the length is re-read after every comparison: a guest __eq__ may change the list
        let mut i = 0;
        while i < l.len() {
            if ops::compare::item_eq(l.get(i), a.pos[1])? {
                if i < l.len() {
                    l.remove_at(i);
                }
                return Ok(Value::NONE);
            }
            i += 1;
        }
        Err(value_error("list.remove(x): x not in list"))
    }),
    m("index(value, start=0, stop=sys.maxsize, /)", |a| {
        let l = self_list(&a)?;
        let n = l.len() as i64;
        let norm = |v: Option<&Value>, d: i64| -> PyResult<i64> {
            match v {
                Some(&x) => {
                    let k = index_of(x)?;
                    Ok(if k < 0 { (k + n).max(0) } else { k.min(n) })
                }
                None => Ok(d),
            }
        };
        let st = norm(a.pos.get(2), 0)?;
        let en = norm(a.pos.get(3), n)?;
        let mut i = st;
        while i < en && (i as usize) < l.len() {
            if ops::compare::item_eq(l.get(i as usize), a.pos[1])? {
                return Ok(Value::small(i));
            }
            i += 1;
        }
        Err(value_error(format!(
            "{} is not in list",
            ops::repr(a.pos[1])?
        )))
    }),
    m("count(value, /)", |a| {
        let l = self_list(&a)?;
        let mut c = 0;
        let mut i = 0;
        while i < l.len() {
            if ops::compare::item_eq(l.get(i), a.pos[1])? {
                c += 1;
            }
            i += 1;
        }
        Ok(Value::small(c))
    }),
    m("sort(*, key=None, reverse=False)", |a| {
        let l = self_list(&a)?;
        let mut items: ArgVec = l.values();
        let key = kwarg(&a, "key").filter(|k| !k.is_none());
        let rev = kwarg(&a, "reverse")
            .map(truthy)
            .transpose()?
            .unwrap_or(false);
        // As in CPython, the list is empty while it sorts (a key or comparison sees `[]`);
        // a change made meanwhile is dropped and reported once the sorted items are back.
        let during = empty_array();
        l.items.set(during);
        if l.is_floats() {
            l.floats.set(empty_floats());
            l.strategy.set(OBJECTS);
        }
        l.len.set(0);
        let r = sort_values(&mut items, key, rev);
        let modified = !Gc::ptr_eq(l.items.get(), during) || !l.is_empty();
        l.set_all(&items);
        r?;
        if modified {
            return Err(value_error("list modified during sort"));
        }
        Ok(Value::NONE)
    }),
    m("reverse()", |a| {
        let l = self_list(&a)?;
        let mut items: ArgVec = l.values();
        items.reverse();
        l.set_all(&items);
        Ok(Value::NONE)
    }),
    m("copy()", |a| Ok(self_list(&a)?.with_items(new_list_from))),
    m("clear()", |a| {
        self_list(&a)?.clear();
        Ok(Value::NONE)
    }),
    m("E:__init__(iterable=None, /)", |a| {
        let l = self_list(&a)?;
        l.clear();
        if let Some(&v) = a.pos.get(1) {
            ops::list_extend(l, v)?;
        }
        Ok(Value::NONE)
    }),
];

// ---------------------------------------------------------------- comparison, repr

/// `a op b` for two lists: lexicographic, over a snapshot of the items (an item's `__eq__`
/// may change either list while the comparison runs).
pub(crate) fn list_compare(a: Gc<ListObj>, b: Gc<ListObj>, op: u32) -> PyResult<Value> {
    let x: ArgVec = a.values();
    let y: ArgVec = b.values();
    ops::compare::seq_compare(&x, &y, op)
}

/// `repr` of a list: `[a, b]`, `[...]` where a list contains itself.
pub(crate) fn list_repr(l: Gc<ListObj>, out: &mut String) -> PyResult<()> {
    ops::repr::repr_guard(Value::obj(l), out, "[...]", |out| {
        // the length is re-read after each item: an item's __repr__ may change the list
        out.push('[');
        let mut i = 0;
        while i < l.len() {
            if i > 0 {
                out.push_str(", ");
            }
            ops::repr_into(l.get(i), out)?;
            i += 1;
        }
        out.push(']');
        Ok(())
    })
}
