//! The heap: allocation, the write barrier and collection.
//!
//! PROVISIONAL: this version bump-allocates from large chunks and never frees; it exists so the
//! rest of the project can be written against the final API while the generational collector
//! (nursery, promotion, old-generation mark-sweep, conservative stack scanning with pinning)
//! is built behind it. Object layout already matches the plan: one header word before the
//! payload holding the address of the type's static [`TypeInfo`].

use super::trace::{Trace, Tracer};
use super::Gc;
use std::cell::{Cell, RefCell};
use std::marker::PhantomData;
use std::mem::{align_of, size_of};
use std::ptr::NonNull;

/// What the collector knows about one allocated type.
#[allow(dead_code)] // read by the collector that replaces this provisional heap
pub(crate) struct TypeInfo {
    pub(crate) name: fn() -> &'static str,
    /// Size of the payload for fixed-size types; header size of the payload for arrays.
    pub(crate) size: usize,
    /// For arrays, the size of one element; 0 otherwise.
    pub(crate) elem_size: usize,
    pub(crate) has_refs: bool,
    pub(crate) trace: unsafe fn(*mut u8, &mut Tracer),
    pub(crate) drop: Option<unsafe fn(*mut u8)>,
}

/// Per-type static info, promoted to a `'static` constant per monomorphization.
pub(crate) trait HasTypeInfo {
    const INFO: &'static TypeInfo;
}

unsafe fn trace_erased<T: Trace>(p: *mut u8, t: &mut Tracer) {
    // SAFETY: the collector passes the payload address of a live `T`.
    unsafe { (*(p as *const T)).trace(t) }
}
unsafe fn drop_erased<T>(p: *mut u8) {
    // SAFETY: the collector passes the payload address of a dead `T`, exactly once.
    unsafe { std::ptr::drop_in_place(p as *mut T) }
}

impl<T: Trace> HasTypeInfo for T {
    const INFO: &'static TypeInfo = &TypeInfo {
        name: std::any::type_name::<T>,
        size: size_of::<T>(),
        elem_size: 0,
        has_refs: T::HAS_REFS,
        trace: trace_erased::<T>,
        drop: if std::mem::needs_drop::<T>() {
            Some(drop_erased::<T>)
        } else {
            None
        },
    };
}

/// A variable-size array object: a length word followed by `len` elements of `T`.
#[repr(C)]
pub struct Array<T> {
    len: usize,
    // `UnsafeCell`: elements are mutated through `&self` (`set`), so `&Array` must not be
    // treated as read-only by the optimizer (without it, release builds reorder reads past writes).
    _elems: [std::cell::UnsafeCell<T>; 0],
    _marker: PhantomData<T>,
}

impl<T: Copy> Array<T> {
    /// Number of elements.
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.len
    }
    /// Whether the array has no elements.
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    #[inline(always)]
    fn base(&self) -> *mut T {
        self._elems.as_ptr() as *mut T
    }
    /// The elements as a slice.
    #[inline(always)]
    pub fn as_slice(&self) -> &[T] {
        // SAFETY: `len` initialized elements follow the length word.
        unsafe { std::slice::from_raw_parts(self.base(), self.len) }
    }
    /// The elements as a mutable slice, bypassing the write barrier.
    ///
    /// # Safety
    /// No other reference to the elements may be live, and `T` must hold no GC references
    /// (there is no barrier on these stores).
    #[inline(always)]
    #[allow(clippy::mut_from_ref)]
    pub unsafe fn as_mut_slice(&self) -> &mut [T] {
        // SAFETY: the caller guarantees exclusivity.
        unsafe { std::slice::from_raw_parts_mut(self.base(), self.len) }
    }
    /// Element `i`; panics when out of bounds.
    #[inline(always)]
    pub fn get(&self, i: usize) -> T {
        assert!(
            i < self.len,
            "Array index {i} out of bounds (len {})",
            self.len
        );
        // SAFETY: bounds checked above.
        unsafe { *self.base().add(i) }
    }
    /// Stores `v` at `i` with the write barrier; panics when out of bounds.
    #[inline(always)]
    pub fn set(&self, i: usize, v: T)
    where
        T: Trace,
    {
        assert!(
            i < self.len,
            "Array index {i} out of bounds (len {})",
            self.len
        );
        // SAFETY: bounds checked above; single-threaded and no reference into the slot exists.
        unsafe {
            let slot = self.base().add(i);
            *slot = v;
            if T::HAS_REFS {
                write_barrier(slot as *const u8);
            }
        }
    }
    /// Byte offset of element 0 from the object's address (for JIT code).
    pub const ELEMS_OFFSET: usize = size_of::<usize>();
}

// SAFETY: visits every element when the element type has references.
unsafe impl<T: Trace + Copy> Trace for Array<T> {
    const HAS_REFS: bool = T::HAS_REFS;
    fn trace(&self, tracer: &mut Tracer) {
        if T::HAS_REFS {
            for i in 0..self.len {
                // SAFETY: in bounds; the collector has exclusive access.
                unsafe { (*self.base().add(i)).trace(tracer) }
            }
        }
    }
}

struct ArrayInfo<T>(PhantomData<T>);
impl<T: Trace + Copy> ArrayInfo<T> {
    const INFO: &'static TypeInfo = &TypeInfo {
        name: std::any::type_name::<Array<T>>,
        size: size_of::<usize>(),
        elem_size: size_of::<T>(),
        has_refs: T::HAS_REFS,
        trace: trace_erased::<Array<T>>,
        drop: None,
    };
}

/// Counters describing the heap.
#[derive(Clone, Debug, Default)]
pub struct GcStats {
    pub minor_collections: u64,
    pub major_collections: u64,
    pub bytes_allocated: u64,
    pub objects_allocated: u64,
}

const HEADER: usize = size_of::<usize>();
const CHUNK: usize = 8 << 20;

struct Heap {
    free: Cell<usize>,
    top: Cell<usize>,
    stats: RefCell<GcStats>,
}

thread_local! {
    static HEAP: Heap = const { Heap { free: Cell::new(0), top: Cell::new(0), stats: RefCell::new(GcStats {
        minor_collections: 0, major_collections: 0, bytes_allocated: 0, objects_allocated: 0 }) } };
}

#[cold]
fn refill(h: &Heap, need: usize) {
    let size = need.max(CHUNK);
    let layout = std::alloc::Layout::from_size_align(size, 16).expect("heap chunk layout");
    // SAFETY: non-zero size.
    let p = unsafe { std::alloc::alloc_zeroed(layout) };
    if p.is_null() {
        std::alloc::handle_alloc_error(layout);
    }
    h.free.set(p as usize);
    h.top.set(p as usize + size);
}

/// Allocates `payload` bytes (plus header) and writes the header; returns the payload address.
#[inline(always)]
fn raw_alloc(info: &'static TypeInfo, payload: usize) -> *mut u8 {
    let total = (HEADER + payload + 7) & !7;
    HEAP.with(|h| {
        if h.top.get() - h.free.get() < total {
            refill(h, total);
        }
        let p = h.free.get();
        h.free.set(p + total);
        {
            let mut s = h.stats.borrow_mut();
            s.bytes_allocated += total as u64;
            s.objects_allocated += 1;
        }
        // SAFETY: `p..p+total` was just reserved in a chunk we own.
        unsafe { *(p as *mut usize) = info as *const TypeInfo as usize };
        (p + HEADER) as *mut u8
    })
}

/// Allocates `value` in the GC heap.
#[inline]
pub fn alloc<T: Trace>(value: T) -> Gc<T> {
    const { assert!(align_of::<T>() <= 8, "GC objects must have alignment <= 8") };
    let p = raw_alloc(<T as HasTypeInfo>::INFO, size_of::<T>()) as *mut T;
    // SAFETY: `p` is fresh, suitably sized and aligned memory.
    unsafe {
        p.write(value);
        Gc {
            ptr: NonNull::new_unchecked(p),
            _not_send: PhantomData,
        }
    }
}

/// Allocates an array of `len` copies of `fill`.
pub fn alloc_array<T: Trace + Copy>(len: usize, fill: T) -> Gc<Array<T>> {
    const {
        assert!(
            align_of::<T>() <= 8,
            "GC array elements must have alignment <= 8"
        )
    };
    let bytes = len
        .checked_mul(size_of::<T>())
        .and_then(|b| b.checked_add(HEADER))
        .expect("array too large");
    let p = raw_alloc(ArrayInfo::<T>::INFO, bytes) as *mut Array<T>;
    // SAFETY: fresh memory of the right size: length word, then `len` elements.
    unsafe {
        (*p).len = len;
        let base = (*p).base();
        for i in 0..len {
            base.add(i).write(fill);
        }
        Gc {
            ptr: NonNull::new_unchecked(p),
            _not_send: PhantomData,
        }
    }
}

/// Allocates an array holding a copy of `items`.
pub fn alloc_array_from_slice<T: Trace + Copy>(items: &[T]) -> Gc<Array<T>> {
    let bytes = items
        .len()
        .checked_mul(size_of::<T>())
        .and_then(|b| b.checked_add(HEADER))
        .expect("array too large");
    let p = raw_alloc(ArrayInfo::<T>::INFO, bytes) as *mut Array<T>;
    // SAFETY: fresh memory of the right size.
    unsafe {
        (*p).len = items.len();
        std::ptr::copy_nonoverlapping(items.as_ptr(), (*p).base(), items.len());
        Gc {
            ptr: NonNull::new_unchecked(p),
            _not_send: PhantomData,
        }
    }
}

/// The write barrier: called after storing a reference into the slot at `slot`.
#[inline(always)]
pub(crate) fn write_barrier(_slot: *const u8) {}

/// Runs a full collection (provisional heap: counts only).
pub fn collect() {
    HEAP.with(|h| h.stats.borrow_mut().major_collections += 1);
}

/// Current heap counters.
pub fn stats() -> GcStats {
    HEAP.with(|h| h.stats.borrow().clone())
}
