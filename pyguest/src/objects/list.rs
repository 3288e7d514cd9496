//! `list`: the object layout (a GC array with a length), constructors and accessors,
//! `list.sort` (a stable merge sort over indices, with `key=` and `reverse=`, also behind
//! `sorted`), slice assignment, the table of the methods of the type and, at the end, its
//! comparison and repr slots (`list_compare`, `list_repr`).

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

#[repr(C)]
#[derive(Trace, metatracer::Layout)]
pub struct ListObj {
    pub kind: Kind,
    pub len: Cell<usize>,
    pub items: GcCell<Gc<Array<Value>>>,
}

downcast!(as_list_exact, ListObj, List);

pub fn as_list(v: Value) -> Option<Gc<ListObj>> {
    as_list_exact(payload(v))
}

pub fn new_list_from(items: &[Value]) -> Value {
    let arr = gc::alloc_array_from_slice(items);
    Value::obj(gc::alloc(ListObj {
        kind: Kind::List,
        len: Cell::new(items.len()),
        items: GcCell::new(arr),
    }))
}

pub fn new_list_cap(cap: usize) -> Gc<ListObj> {
    let arr = gc::alloc_array(cap, Value::NULL);
    gc::alloc(ListObj {
        kind: Kind::List,
        len: Cell::new(0),
        items: GcCell::new(arr),
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
    /// The live elements (do not hold across calls that may change the list).
    #[inline]
    pub fn as_slice(&self) -> &[Value] {
        let arr = self.items.get();
        let s: &[Value] = &arr.as_slice()[..self.len.get()];
        // SAFETY: the array is owned by this list, which the caller keeps alive; the slice is
        // only used until the list is next modified (documented on this method).
        unsafe { &*(s as *const [Value]) }
    }
    #[inline]
    pub fn get(&self, i: usize) -> Value {
        self.items.get().get(i)
    }
    #[inline]
    pub fn set(&self, i: usize, v: Value) {
        self.items.get().set(i, v)
    }
    fn grow(&self, need: usize) {
        let old = self.items.get();
        let cap = (old.len() * 2).max(need).max(4);
        let arr = gc::alloc_array(cap, Value::NULL);
        for (i, v) in old.as_slice()[..self.len.get()].iter().enumerate() {
            arr.set(i, *v);
        }
        self.items.set(arr);
    }
    #[inline]
    pub fn push(&self, v: Value) {
        let n = self.len.get();
        if n >= self.items.get().len() {
            self.grow(n + 1);
        }
        self.items.get().set(n, v);
        self.len.set(n + 1);
    }
    pub fn pop(&self) -> Option<Value> {
        let n = self.len.get();
        if n == 0 {
            return None;
        }
        let v = self.get(n - 1);
        self.items.get().set(n - 1, Value::NULL);
        self.len.set(n - 1);
        Some(v)
    }
    pub fn insert(&self, i: usize, v: Value) {
        let n = self.len.get();
        if n >= self.items.get().len() {
            self.grow(n + 1);
        }
        let arr = self.items.get();
        let mut j = n;
        while j > i {
            arr.set(j, arr.get(j - 1));
            j -= 1;
        }
        arr.set(i, v);
        self.len.set(n + 1);
    }
    pub fn remove_at(&self, i: usize) -> Value {
        let n = self.len.get();
        let arr = self.items.get();
        let v = arr.get(i);
        for j in i..n - 1 {
            arr.set(j, arr.get(j + 1));
        }
        arr.set(n - 1, Value::NULL);
        self.len.set(n - 1);
        v
    }
    /// Replaces the whole content.
    pub fn set_all(&self, items: &[Value]) {
        let arr = gc::alloc_array_from_slice(items);
        self.items.set(arr);
        self.len.set(items.len());
    }
    pub fn clear(&self) {
        // an empty list keeps its array (`list.sort` relies on it to see a key's `clear()`
        // as no change)
        if self.len.get() == 0 {
            return;
        }
        self.items.set(empty_array());
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
        let cur: ArgVec = l.as_slice().iter().copied().collect();
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
            if ops::eq(l.get(i), a.pos[1])? {
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
            if ops::eq(l.get(i as usize), a.pos[1])? {
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
            if ops::eq(l.get(i), a.pos[1])? {
                c += 1;
            }
            i += 1;
        }
        Ok(Value::small(c))
    }),
    m("sort(*, key=None, reverse=False)", |a| {
        let l = self_list(&a)?;
        let mut items: ArgVec = l.as_slice().iter().copied().collect();
        let key = kwarg(&a, "key").filter(|k| !k.is_none());
        let rev = kwarg(&a, "reverse")
            .map(truthy)
            .transpose()?
            .unwrap_or(false);
        // As in CPython, the list is empty while it sorts (a key or comparison sees `[]`);
        // a change made meanwhile is dropped and reported once the sorted items are back.
        let during = empty_array();
        l.items.set(during);
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
        let mut items: ArgVec = l.as_slice().iter().copied().collect();
        items.reverse();
        l.set_all(&items);
        Ok(Value::NONE)
    }),
    m("copy()", |a| Ok(new_list_from(self_list(&a)?.as_slice()))),
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
    let x: ArgVec = a.as_slice().iter().copied().collect();
    let y: ArgVec = b.as_slice().iter().copied().collect();
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
