//! Hash tables over GC arrays: the insertion-ordered `dict` and CPython-layout `set`.
//!
//! Dict: keys and values live in two GC arrays in insertion order (deleted entries hold NULL
//! keys); a Rust-side open-addressing index maps hashes to entry numbers. Set: one GC array of
//! slots probed exactly like CPython 3.11's set (linear probes then perturbation, same resize
//! rule), so iteration order of int sets matches CPython's.
//!
//! Key comparison may run guest `__eq__`, so lookups return `PyResult`; the index metadata is
//! never borrowed across such a call. That `__eq__` may also change the table (clear it,
//! resize it, delete the entry being compared): after each guest comparison a lookup checks
//! that the table's array and the compared entry are unchanged and otherwise starts over, as
//! CPython's `lookdict`/`set_lookkey` do, so it never indexes a stale layout.
//!
//! One probe sequence ([`Probe`]: the dict's index takes single slots, the set runs of linear
//! probes) serves every lookup and insertion of both tables. Lookups walk its [`Candidates`]
//! (the slots whose entry has the key's hash, up to an empty slot) with [`find_key`], which may
//! run a guest `__eq__`, or [`find_key_fast`] for the JIT's helpers, which gives up instead.

use crate::objects::ops;
use crate::objects::*;
use crate::value::Value;
use crate::vm::PyResult;
use metatracer::gc::{self, Array, Gc, GcCell};

const EMPTY: u32 = u32::MAX;
const DELETED: u32 = u32::MAX - 1;

/// Key equality decided without guest code (identity, two strings, two small ints), or None
/// when `ops::eq` must run (and may run a guest `__eq__` that changes the table).
#[inline]
fn keys_equal_fast(a: Value, b: Value) -> Option<bool> {
    if a == b {
        return Some(true);
    }
    if let (Some(x), Some(y)) = (as_str(a), as_str(b)) {
        return Some(x.s == y.s);
    }
    if a.is_int() && b.is_int() {
        return Some(false);
    }
    None
}

/// The slots a probe for `hash` visits in a table of `mask + 1` slots, in CPython's order:
/// runs of `LINEAR + 1` neighbouring slots (a run that would pass the table's end is only its
/// first slot), the first at `hash & mask`, each next one at `(i * 5 + 1 + perturb) & mask`
/// from the run's start `i`, with `perturb` the hash shifted right 5 more bits each time.
/// `LINEAR` is 0 for the dict's index (single slots) and [`LINEAR_PROBES`] for sets. Endless:
/// the caller stops at an empty slot, which every table has.
struct Probe<const LINEAR: usize> {
    mask: usize,
    /// The current run's first slot.
    i: usize,
    /// Offset in the run of the next slot.
    j: usize,
    /// Last offset of the current run.
    run: usize,
    perturb: u64,
}

impl<const LINEAR: usize> Probe<LINEAR> {
    #[inline(always)]
    fn new(hash: i64, mask: usize) -> Self {
        let i = (hash as u64 as usize) & mask;
        Probe {
            mask,
            i,
            j: 0,
            run: Self::run_of(i, mask),
            perturb: hash as u64,
        }
    }
    #[inline(always)]
    fn run_of(i: usize, mask: usize) -> usize {
        if i + LINEAR <= mask {
            LINEAR
        } else {
            0
        }
    }
    /// The next slot to look at.
    #[inline(always)]
    fn next_slot(&mut self) -> usize {
        let slot = self.i + self.j;
        if LINEAR > 0 && self.j < self.run {
            self.j += 1;
        } else {
            self.perturb >>= 5;
            self.i = (self.i * 5 + 1 + self.perturb as usize) & self.mask;
            self.j = 0;
            self.run = Self::run_of(self.i, self.mask);
        }
        slot
    }
}

/// What a probe finds in a slot: the end of the probe, nothing to compare (a deleted entry, or
/// one with another hash), or a candidate: an entry or slot number and its key, to compare.
enum Slot {
    Empty,
    Skip,
    Candidate(usize, Value),
}

/// The candidates of a lookup, in probe order: `at` says what each slot of the [`Probe`]
/// holds (reading the table afresh at every step); the iterator ends at an empty slot.
struct Candidates<const LINEAR: usize, F> {
    probe: Probe<LINEAR>,
    at: F,
}

impl<const LINEAR: usize, F: FnMut(usize) -> Slot> Iterator for Candidates<LINEAR, F> {
    type Item = (usize, Value);
    #[inline(always)]
    fn next(&mut self) -> Option<(usize, Value)> {
        loop {
            match (self.at)(self.probe.next_slot()) {
                Slot::Empty => return None,
                Slot::Skip => {}
                Slot::Candidate(e, k) => return Some((e, k)),
            }
        }
    }
}

/// The entry of `key` among the candidates of a fresh probe (`probe()`): keys that only a
/// guest `__eq__` can compare are compared by `eq_unchanged`, which says None when that
/// `__eq__` changed the table under the probe: the lookup then starts over (CPython's rule).
#[inline(always)]
fn find_key<I: Iterator<Item = (usize, Value)>>(
    probe: impl Fn() -> I,
    key: Value,
    eq_unchanged: impl Fn(Value, usize) -> PyResult<Option<bool>>,
) -> PyResult<Option<usize>> {
    'restart: loop {
        for (e, k) in probe() {
            let same = match keys_equal_fast(k, key) {
                Some(r) => r,
                None => match eq_unchanged(k, e)? {
                    Some(r) => r,
                    None => continue 'restart,
                },
            };
            if same {
                return Ok(Some(e));
            }
        }
        return Ok(None);
    }
}

/// [`find_key`] when every comparison it meets is decided without guest code
/// (`keys_equal_fast`); None as soon as one is not (nothing was run or changed then).
#[inline(always)]
fn find_key_fast(
    candidates: impl Iterator<Item = (usize, Value)>,
    key: Value,
) -> Option<Option<usize>> {
    for (e, k) in candidates {
        if keys_equal_fast(k, key)? {
            return Some(Some(e));
        }
    }
    Some(None)
}

/// `ops::eq(k, key)` for the key `k` in slot `i` of the array in `arr`, or None if the guest
/// `__eq__` replaced the array (a resize) or changed that slot: the probe must start over.
#[inline(never)]
fn eq_unchanged(
    arr: &GcCell<Gc<Array<Value>>>,
    k: Value,
    key: Value,
    i: usize,
) -> PyResult<Option<bool>> {
    let before = arr.get();
    let r = ops::eq(k, key)?;
    Ok((Gc::ptr_eq(before, arr.get()) && before.get(i) == k).then_some(r))
}

impl DictObj {
    #[inline]
    #[allow(clippy::mut_from_ref)]
    fn t(&self) -> &mut DictTable {
        // SAFETY: single-threaded; every use is short and never spans a guest call.
        unsafe { &mut *self.t.get() }
    }
    pub fn len(&self) -> usize {
        self.t().live
    }
    pub fn is_empty(&self) -> bool {
        self.t().live == 0
    }
    /// The entries a lookup of `hash` compares ([`Candidates`]): each index slot on the probe
    /// path that names an entry with this hash and a key (not deleted). An empty index
    /// (`mask` 0, no slot 0) ends it at once.
    #[inline(always)]
    fn candidates(&self, hash: i64) -> impl Iterator<Item = (usize, Value)> + '_ {
        Candidates {
            probe: Probe::<0>::new(hash, self.t().index.len().saturating_sub(1)),
            at: move |i: usize| {
                let t = self.t();
                match t.index.get(i) {
                    None | Some(&EMPTY) => Slot::Empty,
                    Some(&DELETED) => Slot::Skip,
                    Some(&e) if t.hashes[e as usize] != hash => Slot::Skip,
                    Some(&e) => match self.keys.get().get(e as usize) {
                        k if k.is_null() => Slot::Skip,
                        k => Slot::Candidate(e as usize, k),
                    },
                }
            },
        }
    }
    /// Entry index of `key`, if present. A guest `__eq__` that rebuilt the table or removed
    /// the entry it was compared with makes the lookup start over (CPython's rule).
    pub fn find(&self, key: Value, hash: i64) -> PyResult<Option<usize>> {
        find_key(
            || self.candidates(hash),
            key,
            |k, e| eq_unchanged(&self.keys, k, key, e),
        )
    }
    /// [`DictObj::find`] when every key comparison it meets is decided without guest code
    /// (identity, two strings, two small ints: `keys_equal_fast`); None when one is not (then
    /// nothing was run or changed and the caller takes the general path). For the JIT's
    /// residual helpers (`interpreter/opcodes_containers.rs`).
    pub fn find_fast(&self, key: Value, hash: i64) -> Option<Option<usize>> {
        find_key_fast(self.candidates(hash), key)
    }
    /// `self[key] = val` when [`DictObj::find_fast`] decides the lookup (false otherwise:
    /// nothing was changed).
    pub fn set_item_fast(&self, key: Value, h: i64, val: Value) -> bool {
        match self.find_fast(key, h) {
            None => false,
            Some(Some(e)) => {
                self.vals.get().set(e, val);
                true
            }
            Some(None) => {
                self.insert_new(key, h, val);
                true
            }
        }
    }
    pub fn get(&self, key: Value) -> PyResult<Option<Value>> {
        let h = ops::hash(key)?;
        Ok(self.find(key, h)?.map(|e| self.vals.get().get(e)))
    }
    pub fn get_h(&self, key: Value, h: i64) -> PyResult<Option<Value>> {
        Ok(self.find(key, h)?.map(|e| self.vals.get().get(e)))
    }
    /// Lookup by a Rust string (for names; never runs guest code).
    pub fn get_str(&self, key: &str) -> Option<Value> {
        let h = crate::objects::string::str_hash(key);
        self.candidates(h)
            .find(|&(_, k)| as_str(k).is_some_and(|s| &*s.s == key))
            .map(|(e, _)| self.vals.get().get(e))
    }
    fn insert_index(&self, hash: i64, entry: u32) {
        let t = self.t();
        let mut probe = Probe::<0>::new(hash, t.index.len() - 1);
        loop {
            let i = probe.next_slot();
            if t.index[i] == EMPTY || t.index[i] == DELETED {
                t.index[i] = entry;
                return;
            }
        }
    }
    fn rebuild(&self) {
        // compact entries and rebuild the index
        let t = self.t();
        let keys = self.keys.get();
        let vals = self.vals.get();
        let live = t.live;
        let cap = (live * 2).max(8);
        let nk = gc::alloc_array(cap, Value::NULL);
        let nv = gc::alloc_array(cap, Value::NULL);
        let t = self.t();
        let mut hashes = Vec::with_capacity(cap);
        let mut j = 0;
        for i in 0..t.used {
            let k = keys.get(i);
            if !k.is_null() {
                nk.set(j, k);
                nv.set(j, vals.get(i));
                hashes.push(t.hashes[i]);
                j += 1;
            }
        }
        let mut isize = 8;
        while isize * 2 < cap * 3 {
            isize *= 2;
        }
        isize *= 2;
        t.hashes = hashes;
        t.index = vec![EMPTY; isize];
        t.used = j;
        t.live = j;
        self.keys.set(nk);
        self.vals.set(nv);
        self.reshaped();
        for e in 0..j {
            let h = self.t().hashes[e];
            self.insert_index(h, e as u32);
        }
    }
    /// Records that keys moved, appeared or disappeared (see [`DictObj::shape`]).
    #[inline(always)]
    fn reshaped(&self) {
        self.shape.set(self.shape.get().wrapping_add(1));
    }
    pub fn set_item(&self, key: Value, val: Value) -> PyResult<()> {
        let h = ops::hash(key)?;
        self.set_item_h(key, h, val)
    }
    pub fn set_item_h(&self, key: Value, h: i64, val: Value) -> PyResult<()> {
        if let Some(e) = self.find(key, h)? {
            self.vals.get().set(e, val);
            return Ok(());
        }
        self.insert_new(key, h, val);
        Ok(())
    }
    /// Adds the entry `key: val` for a key known to be absent (its hash `h`).
    fn insert_new(&self, key: Value, h: i64, val: Value) {
        let t = self.t();
        if t.used >= self.keys.get().len()
            || t.index.is_empty()
            || (t.used + 1) * 3 >= t.index.len() * 2
        {
            self.rebuild();
        }
        let t = self.t();
        let e = t.used;
        if e >= self.keys.get().len() {
            self.rebuild();
        }
        let t = self.t();
        let e2 = t.used;
        debug_assert_eq!(e, e2);
        self.keys.get().set(e2, key);
        self.vals.get().set(e2, val);
        self.reshaped();
        t.hashes.push(h);
        t.used += 1;
        t.live += 1;
        self.insert_index(h, e2 as u32);
    }
    pub fn set_str(&self, key: &str, val: Value) {
        let k = crate::vm::intern(key);
        let _ = self.set_item(k, val);
    }
    /// Removes `key`, returning its value.
    pub fn remove(&self, key: Value) -> PyResult<Option<Value>> {
        let h = ops::hash(key)?;
        let Some(e) = self.find(key, h)? else {
            return Ok(None);
        };
        let v = self.vals.get().get(e);
        self.keys.get().set(e, Value::NULL);
        self.vals.get().set(e, Value::NULL);
        self.reshaped();
        let t = self.t();
        t.live -= 1;
        // mark the index slot deleted
        for slot in t.index.iter_mut() {
            if *slot == e as u32 {
                *slot = DELETED;
                break;
            }
        }
        Ok(Some(v))
    }
    /// Live (key, value) pairs, in insertion order, collected into a fresh list of tuples.
    pub fn entry_count(&self) -> usize {
        self.t().used
    }
    /// Key at entry `i` (NULL if deleted, or past the entries: a loop over the entries that
    /// calls guest code may find the dict cleared or compacted under it).
    #[inline]
    pub fn key_at(&self, i: usize) -> Value {
        let keys = self.keys.get();
        keys.as_slice().get(i).copied().unwrap_or(Value::NULL)
    }
    /// Value at entry `i` (NULL past the entries, like [`DictObj::key_at`]).
    #[inline]
    pub fn val_at(&self, i: usize) -> Value {
        let vals = self.vals.get();
        vals.as_slice().get(i).copied().unwrap_or(Value::NULL)
    }
    /// Hash of entry `i` (0 past the entries).
    pub fn hash_at(&self, i: usize) -> i64 {
        self.t().hashes.get(i).copied().unwrap_or(0)
    }
    pub fn clear(&self) {
        self.keys.set(empty_array());
        self.vals.set(empty_array());
        self.reshaped();
        *self.t() = DictTable::default();
    }
    pub fn keys_list(&self) -> Value {
        let l = new_list_cap(self.len());
        for i in 0..self.entry_count() {
            let k = self.key_at(i);
            if !k.is_null() {
                l.push(k);
            }
        }
        Value::obj(l)
    }
    pub fn copy(&self) -> Gc<DictObj> {
        let d = new_dict();
        for i in 0..self.entry_count() {
            let k = self.key_at(i);
            if !k.is_null() {
                let _ = d.set_item_h(k, self.hash_at(i), self.val_at(i));
            }
        }
        d
    }
    /// Pops the last inserted item.
    pub fn pop_last(&self) -> Option<(Value, Value)> {
        let mut i = self.entry_count();
        while i > 0 {
            i -= 1;
            let k = self.key_at(i);
            if !k.is_null() {
                let v = self.val_at(i);
                let _ = self.remove(k);
                return Some((k, v));
            }
        }
        None
    }
}

const LINEAR_PROBES: usize = 9;

impl SetObj {
    #[inline]
    #[allow(clippy::mut_from_ref)]
    fn t(&self) -> &mut SetTable {
        // SAFETY: single-threaded; never held across a guest call.
        unsafe { &mut *self.t.get() }
    }
    pub fn len(&self) -> usize {
        self.t().used
    }
    pub fn is_empty(&self) -> bool {
        self.t().used == 0
    }
    pub fn capacity(&self) -> usize {
        self.t().mask + 1
    }
    /// The element in slot `i`: NULL if free, deleted, or past the table (a loop over the
    /// slots that calls guest code may find the set cleared or resized under it).
    #[inline]
    pub fn slot(&self, i: usize) -> Value {
        let slots = self.slots.get();
        let Some(&v) = slots.as_slice().get(i) else {
            return Value::NULL;
        };
        if v == Value::DUMMY {
            Value::NULL
        } else {
            v
        }
    }
    /// The slots a lookup of `hash` compares ([`Candidates`]): each slot on the probe path
    /// that holds an element with this hash.
    #[inline(always)]
    fn candidates(&self, hash: i64) -> impl Iterator<Item = (usize, Value)> + '_ {
        Candidates {
            probe: Probe::<LINEAR_PROBES>::new(hash, self.t().mask),
            at: move |idx: usize| match self.slots.get().get(idx) {
                k if k.is_null() => Slot::Empty,
                k if k == Value::DUMMY || self.t().hashes[idx] != hash => Slot::Skip,
                k => Slot::Candidate(idx, k),
            },
        }
    }
    /// Slot of `key`, if present; starts over as [`DictObj::find`] does when a guest `__eq__`
    /// resized the table or changed the slot it was compared with.
    fn lookup(&self, key: Value, hash: i64) -> PyResult<Option<usize>> {
        find_key(
            || self.candidates(hash),
            key,
            |k, idx| eq_unchanged(&self.slots, k, key, idx),
        )
    }
    /// [`SetObj::lookup`] when every comparison it meets is decided without guest code (as
    /// [`DictObj::find_fast`]); None when one is not (nothing was run or changed).
    pub fn lookup_fast(&self, key: Value, hash: i64) -> Option<Option<usize>> {
        find_key_fast(self.candidates(hash), key)
    }
    /// `set.add(key)` when [`SetObj::lookup_fast`] decides the lookup (false otherwise:
    /// nothing was changed).
    pub fn add_fast(&self, key: Value, hash: i64) -> bool {
        match self.lookup_fast(key, hash) {
            None => false,
            Some(Some(_)) => true,
            // absent, and every element met compares without guest code: `add_h` finds
            // the same, so it runs no guest code either
            Some(None) => self.add_h(key, hash).is_ok(),
        }
    }
    /// Removes `key` when [`SetObj::lookup_fast`] decides the lookup: Some(whether it was
    /// present), None otherwise (nothing was changed).
    pub fn discard_fast(&self, key: Value, hash: i64) -> Option<bool> {
        let found = self.lookup_fast(key, hash)?;
        if let Some(i) = found {
            self.remove_slot(i);
        }
        Some(found.is_some())
    }
    /// Empties slot `i` of a present element (a dummy, so later probes go on past it).
    fn remove_slot(&self, i: usize) {
        self.slots.get().set(i, Value::DUMMY);
        self.t().used -= 1;
    }
    pub fn contains(&self, key: Value) -> PyResult<bool> {
        let h = ops::hash(key)?;
        Ok(self.lookup(key, h)?.is_some())
    }
    pub fn add(&self, key: Value) -> PyResult<()> {
        let h = ops::hash(key)?;
        self.add_h(key, h)
    }
    pub fn add_h(&self, key: Value, hash: i64) -> PyResult<()> {
        'restart: loop {
            let mask = self.t().mask;
            let mut probe = Probe::<LINEAR_PROBES>::new(hash, mask);
            let mut freeslot: Option<usize> = None;
            loop {
                let idx = probe.next_slot();
                let k = self.slots.get().get(idx);
                if k.is_null() {
                    let t = self.t();
                    if let Some(f) = freeslot {
                        self.slots.get().set(f, key);
                        t.hashes[f] = hash;
                        t.used += 1;
                        return Ok(());
                    }
                    self.slots.get().set(idx, key);
                    t.hashes[idx] = hash;
                    t.fill += 1;
                    t.used += 1;
                    if t.fill * 5 >= mask * 3 {
                        let n = if t.used > 50000 {
                            t.used * 2
                        } else {
                            t.used * 4
                        };
                        self.resize(n);
                    }
                    return Ok(());
                }
                if k == Value::DUMMY {
                    freeslot.get_or_insert(idx);
                    continue;
                }
                if self.t().hashes[idx] == hash {
                    let same = match keys_equal_fast(k, key) {
                        Some(r) => r,
                        None => match eq_unchanged(&self.slots, k, key, idx)? {
                            Some(r) => r,
                            None => continue 'restart,
                        },
                    };
                    if same {
                        return Ok(());
                    }
                }
            }
        }
    }
    fn resize(&self, minused: usize) {
        let mut newsize = 8;
        while newsize <= minused {
            newsize <<= 1;
        }
        let old = self.slots.get();
        let oldh = std::mem::take(&mut self.t().hashes);
        let arr = gc::alloc_array(newsize, Value::NULL);
        self.slots.set(arr);
        let t = self.t();
        t.hashes = vec![0; newsize];
        t.mask = newsize - 1;
        t.fill = t.used;
        for (i, &h) in oldh.iter().enumerate() {
            let k = old.get(i);
            if !k.is_null() && k != Value::DUMMY {
                self.insert_clean(k, h);
            }
        }
    }
    fn insert_clean(&self, key: Value, hash: i64) {
        let t = self.t();
        let arr = self.slots.get();
        let mut probe = Probe::<LINEAR_PROBES>::new(hash, t.mask);
        loop {
            let i = probe.next_slot();
            if arr.get(i).is_null() {
                arr.set(i, key);
                t.hashes[i] = hash;
                return;
            }
        }
    }
    pub fn discard(&self, key: Value) -> PyResult<bool> {
        let h = ops::hash(key)?;
        let found = self.lookup(key, h)?;
        if let Some(i) = found {
            self.remove_slot(i);
        }
        Ok(found.is_some())
    }
    pub fn clear(&self) {
        self.slots.set(gc::alloc_array(8, Value::NULL));
        *self.t() = SetTable {
            hashes: vec![0; 8],
            fill: 0,
            used: 0,
            mask: 7,
        };
    }
    /// Live elements in slot order.
    pub fn items(&self) -> Value {
        let l = new_list_cap(self.len());
        for i in 0..self.capacity() {
            let k = self.slot(i);
            if !k.is_null() {
                l.push(k);
            }
        }
        Value::obj(l)
    }
    /// Hash of slot `i` (0 past the table).
    pub fn hash_at(&self, i: usize) -> i64 {
        self.t().hashes.get(i).copied().unwrap_or(0)
    }
    /// A copy with the same layout rules as building from scratch.
    pub fn copy(&self, frozen: bool) -> Gc<SetObj> {
        let s = new_set(frozen);
        if s.t().mask < self.t().mask && self.t().fill == self.t().used {
            // same size: copy slots (CPython copies tables of equal size directly)
        }
        let need = self.len();
        if need * 5 >= 7 * 3 {
            s.resize(need * 2);
        }
        for i in 0..self.capacity() {
            let k = self.slot(i);
            if !k.is_null() {
                let _ = s.add_h(k, self.hash_at(i));
            }
        }
        s
    }
    /// Removes and returns an arbitrary element.
    pub fn pop_any(&self) -> Option<Value> {
        for i in 0..self.capacity() {
            let k = self.slot(i);
            if !k.is_null() {
                self.remove_slot(i);
                return Some(k);
            }
        }
        None
    }
}
