//! Roots held outside the native stack and outside GC objects: [`Root`] (one long-lived handle,
//! e.g. in an interpreter struct on the Rust heap) and [`RootedVec`] (a scratch vector of
//! references, e.g. the arguments a builtin collects before calling back into the guest).
//!
//! Both register themselves in a per-thread table the collector traces precisely (and updates
//! when it moves objects); dropping them unregisters. [`PinnedVec`] (scratch vector) and
//! [`ScanRegion`] (an interpreter's value stack, scanned up to its live length) are in a second
//! table whose words the collector scans conservatively, like native stack words.

use super::trace::{Trace, Tracer};
use super::Gc;
use std::cell::{RefCell, UnsafeCell};

type TraceFn = unsafe fn(*const (), &mut Tracer);

thread_local! {
    static ROOTS: RefCell<RootTable> = const { RefCell::new(RootTable { entries: Vec::new(), free: Vec::new() }) };
}

struct RootTable {
    entries: Vec<Option<(*const (), TraceFn)>>,
    free: Vec<usize>,
}

fn register(ptr: *const (), f: TraceFn) -> usize {
    ROOTS.with(|r| {
        let mut r = r.borrow_mut();
        if let Some(i) = r.free.pop() {
            r.entries[i] = Some((ptr, f));
            i
        } else {
            r.entries.push(Some((ptr, f)));
            r.entries.len() - 1
        }
    })
}

fn unregister(i: usize) {
    // `try_with`: roots dropped during thread teardown need no unregistering.
    let _ = ROOTS.try_with(|r| {
        let mut r = r.borrow_mut();
        r.entries[i] = None;
        r.free.push(i);
    });
}

/// Visits every registered root (used by the collector).
#[allow(dead_code)]
pub(crate) fn trace_roots(tracer: &mut Tracer) {
    ROOTS.with(|r| {
        let r = r.borrow();
        for (ptr, f) in r.entries.iter().flatten() {
            // SAFETY: registered entries point at live boxes owned by their `Root`/`RootedVec`.
            unsafe { f(*ptr, tracer) }
        }
    })
}

unsafe fn trace_cell<T: Trace>(p: *const (), t: &mut Tracer) {
    // SAFETY: `p` is the `UnsafeCell<T>` box registered by `Root::new`/`RootedVec::new`.
    unsafe { (*(*(p as *const UnsafeCell<T>)).get()).trace(t) }
}

unsafe fn trace_vec<T: Trace>(p: *const (), t: &mut Tracer) {
    // SAFETY: `p` is the `UnsafeCell<Vec<T>>` box registered by `RootedVec::new`.
    let v = unsafe { &*(*(p as *const UnsafeCell<Vec<T>>)).get() };
    for x in v {
        x.trace(t);
    }
}

/// A long-lived handle that keeps its object alive from anywhere (the Rust heap, a static).
pub struct Root<T: 'static> {
    cell: Box<UnsafeCell<Gc<T>>>,
    index: usize,
}

impl<T: 'static> Root<T> {
    /// Roots `gc` until the returned handle is dropped.
    pub fn new(gc: Gc<T>) -> Root<T> {
        let cell = Box::new(UnsafeCell::new(gc));
        let index = register(
            &*cell as *const UnsafeCell<Gc<T>> as *const (),
            trace_cell::<Gc<T>>,
        );
        Root { cell, index }
    }
    /// The rooted object (its current address: the collector may have moved it).
    #[inline]
    pub fn get(&self) -> Gc<T> {
        // SAFETY: single-threaded; the collector only writes while no mutator code runs.
        unsafe { *self.cell.get() }
    }
    /// Points the root at another object.
    #[inline]
    pub fn set(&self, gc: Gc<T>) {
        // SAFETY: as in `get`.
        unsafe { *self.cell.get() = gc }
    }
}

impl<T: 'static> Clone for Root<T> {
    fn clone(&self) -> Self {
        Root::new(self.get())
    }
}

impl<T: 'static> Drop for Root<T> {
    fn drop(&mut self) {
        unregister(self.index);
    }
}

/// A growable vector whose elements are roots: use it for scratch collections of references
/// that live on the Rust heap while guest code (and so the collector) may run.
///
/// Elements are read by value (`get`, `iter`, `to_vec`); there is no slice view, because the
/// collector rewrites elements when it moves objects.
pub struct RootedVec<T: Trace + Copy> {
    cell: Box<UnsafeCell<Vec<T>>>,
    index: usize,
}

impl<T: Trace + Copy> RootedVec<T> {
    /// An empty rooted vector.
    pub fn new() -> Self {
        Self::with_capacity(0)
    }
    /// An empty rooted vector with room for `n` elements.
    pub fn with_capacity(n: usize) -> Self {
        let cell = Box::new(UnsafeCell::new(Vec::with_capacity(n)));
        let index = register(
            &*cell as *const UnsafeCell<Vec<T>> as *const (),
            trace_vec::<T>,
        );
        RootedVec { cell, index }
    }
    #[inline]
    #[allow(clippy::mut_from_ref)]
    fn v(&self) -> &mut Vec<T> {
        // SAFETY: single-threaded; no reference into the vector escapes these methods.
        unsafe { &mut *self.cell.get() }
    }
    /// Appends `x`.
    #[inline]
    pub fn push(&self, x: T) {
        self.v().push(x)
    }
    /// Removes and returns the last element.
    #[inline]
    pub fn pop(&self) -> Option<T> {
        self.v().pop()
    }
    /// Element `i` (panics when out of bounds).
    #[inline]
    pub fn get(&self, i: usize) -> T {
        self.v()[i]
    }
    /// Replaces element `i`.
    #[inline]
    pub fn set(&self, i: usize, x: T) {
        self.v()[i] = x
    }
    /// Number of elements.
    #[inline]
    pub fn len(&self) -> usize {
        self.v().len()
    }
    /// Whether it is empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.v().is_empty()
    }
    /// Removes all elements.
    pub fn clear(&self) {
        self.v().clear()
    }
    /// Inserts `x` at `i`.
    pub fn insert(&self, i: usize, x: T) {
        self.v().insert(i, x)
    }
    /// Removes element `i`.
    pub fn remove(&self, i: usize) -> T {
        self.v().remove(i)
    }
    /// Shortens to `n` elements.
    pub fn truncate(&self, n: usize) {
        self.v().truncate(n)
    }
    /// A copy of the elements (unrooted: do not keep it across allocation).
    pub fn to_vec(&self) -> Vec<T> {
        self.v().clone()
    }
    /// Iterates by value over a snapshot-free index walk (re-reads after each step, so it sees
    /// the collector's updates).
    pub fn iter(&self) -> impl Iterator<Item = T> + '_ {
        (0..self.len()).map(move |i| self.get(i))
    }
    /// Sorts in place with a comparison that must not allocate.
    pub fn sort_by(&self, f: impl FnMut(&T, &T) -> std::cmp::Ordering) {
        self.v().sort_by(f)
    }
    /// Reverses in place.
    pub fn reverse(&self) {
        self.v().reverse()
    }
}

impl<T: Trace + Copy> Default for RootedVec<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Trace + Copy> Extend<T> for RootedVec<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        self.v().extend(iter)
    }
}

impl<T: Trace + Copy> Drop for RootedVec<T> {
    fn drop(&mut self) {
        unregister(self.index);
    }
}

thread_local! {
    static PINNED: RefCell<RootTable> = const { RefCell::new(RootTable { entries: Vec::new(), free: Vec::new() }) };
}

unsafe fn scan_words<T>(p: *const (), f: &mut dyn FnMut(usize)) {
    // SAFETY: `p` is the `UnsafeCell<Vec<T>>` box registered by `PinnedVec::new`; `T` is a
    // whole number of aligned words (checked in `PinnedVec::new`), so the buffer is readable
    // as `len * size_of::<T>() / 8` words.
    unsafe {
        let v = &*(*(p as *const UnsafeCell<Vec<T>>)).get();
        let words = v.as_ptr() as *const usize;
        for i in 0..v.len() * std::mem::size_of::<T>() / 8 {
            f(std::ptr::read(words.add(i)));
        }
    }
}

/// Hands every word of every live [`PinnedVec`] to `f` (used by the collector, which treats
/// them like native stack words: conservative, pinning).
pub(crate) fn scan_pinned(f: &mut dyn FnMut(usize)) {
    PINNED.with(|r| {
        let r = r.borrow();
        for (ptr, g) in r.entries.iter().flatten() {
            // SAFETY: `g` is the `scan_words::<T>` registered together with `ptr`. The
            // `TraceFn` type is reused for storage only; transmute back to the real signature.
            unsafe {
                let g: unsafe fn(*const (), &mut dyn FnMut(usize)) = std::mem::transmute(*g);
                g(*ptr, f)
            }
        }
    })
}

/// A growable vector on the Rust heap whose elements the collector scans **conservatively**,
/// exactly like native stack words: every object an element points to is kept alive and
/// pinned (never moved) while it is in the vector.
///
/// Because nothing is ever rewritten, it derefs to a plain `Vec<T>` (slices, sorting, `&mut`
/// access all work). Use it for scratch vectors that may grow beyond what fits on the stack
/// (for example call arguments collected from an iterator). `T` must be a whole number of
/// 8-byte words that hold plain addresses in the pointer case (e.g. `Gc<U>` or a tagged word
/// whose pointer case has low bits 0).
pub struct PinnedVec<T: Copy + 'static> {
    cell: Box<UnsafeCell<Vec<T>>>,
    index: usize,
}

impl<T: Copy + 'static> PinnedVec<T> {
    /// An empty vector.
    pub fn new() -> Self {
        Self::with_capacity(0)
    }
    /// An empty vector with room for `n` elements.
    pub fn with_capacity(n: usize) -> Self {
        const {
            assert!(std::mem::size_of::<T>().is_multiple_of(8) && std::mem::align_of::<T>() >= 8);
        }
        let cell = Box::new(UnsafeCell::new(Vec::with_capacity(n)));
        let g: unsafe fn(*const (), &mut dyn FnMut(usize)) = scan_words::<T>;
        // SAFETY: only stored; `scan_pinned` transmutes it back before calling.
        let g: TraceFn = unsafe { std::mem::transmute(g) };
        let p = &*cell as *const UnsafeCell<Vec<T>> as *const ();
        let index = PINNED.with(|r| {
            let mut r = r.borrow_mut();
            if let Some(i) = r.free.pop() {
                r.entries[i] = Some((p, g));
                i
            } else {
                r.entries.push(Some((p, g)));
                r.entries.len() - 1
            }
        });
        PinnedVec { cell, index }
    }
}

impl<T: Copy + 'static> Default for PinnedVec<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Copy + 'static> std::ops::Deref for PinnedVec<T> {
    type Target = Vec<T>;
    #[inline]
    fn deref(&self) -> &Vec<T> {
        // SAFETY: the collector only reads the vector (it never moves what it points to), and
        // runs only inside allocation calls, which cannot overlap a Rust write to it.
        unsafe { &*self.cell.get() }
    }
}

impl<T: Copy + 'static> std::ops::DerefMut for PinnedVec<T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut Vec<T> {
        // SAFETY: as in `deref`; `&mut self` makes this the only Rust access.
        unsafe { &mut *self.cell.get() }
    }
}

impl<T: Copy + 'static> Drop for PinnedVec<T> {
    fn drop(&mut self) {
        let i = self.index;
        let _ = PINNED.try_with(|r| {
            let mut r = r.borrow_mut();
            r.entries[i] = None;
            r.free.push(i);
        });
    }
}

/// What the collector reads of a [`ScanRegion`]: where its words start, how many there are
/// per element, the capacity, and the live element count the owner maintains.
struct RegionHeader {
    base: *const usize,
    words_per_elem: usize,
    cap: usize,
    live: std::cell::Cell<usize>,
}

unsafe fn scan_region(p: *const (), f: &mut dyn FnMut(usize)) {
    // SAFETY: `p` is the boxed `RegionHeader` registered by `ScanRegion::new`; its `base` points
    // at `cap * words_per_elem` initialized words owned by the same `ScanRegion`, which
    // unregisters before freeing them.
    unsafe {
        let h = &*(p as *const RegionHeader);
        let n = h.live.get().min(h.cap) * h.words_per_elem;
        for i in 0..n {
            f(std::ptr::read(h.base.add(i)));
        }
    }
}

/// A fixed-size array of `N` word-sized slots on the Rust heap (for an interpreter's value
/// stack) that the collector scans **conservatively**, like native stack words, but only its
/// first `live` elements: a collection costs O(live), not O(N).
///
/// The owner keeps the live count current with the [`Cell`](std::cell::Cell) returned by
/// [`ScanRegion::split`] (or [`ScanRegion::set_live`]): at every call that may allocate
/// (and so collect), every element from index `live` on must be dead (never read again
/// before being overwritten). Elements below `live` keep what they point to alive and pinned
/// (never moved), so the array can be read and written freely through plain pointers (a JIT
/// sees a plain `[T; N]`). Stale words below `live` are harmless (conservative scanning
/// tolerates any bit pattern); stale references at or above `live` may dangle, so the
/// interpreter must not trust a slot's reference part unless its value says it is one.
///
/// `T` must be a whole number of aligned 8-byte words whose pointer case holds a plain object
/// address (e.g. `Gc<U>`, a tagged word with low tag bits 0, or a struct of such words).
pub struct ScanRegion<T: Copy + 'static, const N: usize> {
    data: Box<UnsafeCell<[T; N]>>,
    header: Box<RegionHeader>,
    index: usize,
}

impl<T: Copy + 'static, const N: usize> ScanRegion<T, N> {
    /// `N` copies of `fill`, registered with the collector with a live count of 0.
    pub fn new(fill: T) -> Self {
        const {
            assert!(std::mem::size_of::<T>().is_multiple_of(8) && std::mem::align_of::<T>() >= 8);
        }
        let boxed: Box<[T]> = vec![fill; N].into_boxed_slice();
        let Ok(arr) = <Box<[T; N]>>::try_from(boxed) else {
            unreachable!("a vector of N elements converts to [T; N]")
        };
        // SAFETY: `UnsafeCell<[T; N]>` has the same layout as `[T; N]`.
        let data: Box<UnsafeCell<[T; N]>> =
            unsafe { Box::from_raw(Box::into_raw(arr) as *mut UnsafeCell<[T; N]>) };
        let header = Box::new(RegionHeader {
            base: data.get() as *const usize,
            words_per_elem: std::mem::size_of::<T>() / 8,
            cap: N,
            live: std::cell::Cell::new(0),
        });
        let g: unsafe fn(*const (), &mut dyn FnMut(usize)) = scan_region;
        // SAFETY: only stored; `scan_pinned` transmutes it back before calling.
        let g: TraceFn = unsafe { std::mem::transmute(g) };
        let p = &*header as *const RegionHeader as *const ();
        let index = PINNED.with(|r| {
            let mut r = r.borrow_mut();
            if let Some(i) = r.free.pop() {
                r.entries[i] = Some((p, g));
                i
            } else {
                r.entries.push(Some((p, g)));
                r.entries.len() - 1
            }
        });
        ScanRegion {
            data,
            header,
            index,
        }
    }

    /// Sets the number of leading elements the collector scans (clamped to `N`).
    #[inline]
    pub fn set_live(&self, n: usize) {
        self.header.live.set(n)
    }

    /// The elements and the live count, borrowed separately (an interpreter keeps both).
    pub fn split(&mut self) -> (&mut [T; N], &std::cell::Cell<usize>) {
        // SAFETY: `&mut self` makes this the only Rust access to the data; the collector only
        // reads it, during allocation calls, which cannot overlap a Rust access.
        (unsafe { &mut *self.data.get() }, &self.header.live)
    }
}

impl<T: Copy + 'static, const N: usize> std::ops::Deref for ScanRegion<T, N> {
    type Target = [T; N];
    #[inline]
    fn deref(&self) -> &[T; N] {
        // SAFETY: as in `split`.
        unsafe { &*self.data.get() }
    }
}

impl<T: Copy + 'static, const N: usize> std::ops::DerefMut for ScanRegion<T, N> {
    #[inline]
    fn deref_mut(&mut self) -> &mut [T; N] {
        self.split().0
    }
}

impl<T: Copy + 'static, const N: usize> Drop for ScanRegion<T, N> {
    fn drop(&mut self) {
        let i = self.index;
        let _ = PINNED.try_with(|r| {
            let mut r = r.borrow_mut();
            r.entries[i] = None;
            r.free.push(i);
        });
    }
}
