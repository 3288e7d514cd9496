//! The mutator side of the heap: type descriptors, arrays, the inline allocation fast path and
//! the inline write-barrier fast path. Everything slow (nursery refills, collections, old-space
//! allocation) lives in `collector.rs`.
//!
//! Fast paths (both `#[inline(always)]`, both mirrored by what `gc::jit` exposes):
//! * allocation bumps `FAST.free` by the object size if it stays within `FAST.top`, writes the
//!   header word (the `TypeInfo` address, see `layout.rs`) and returns the payload address;
//!   otherwise it calls the `#[cold]` slow path.
//! * the barrier computes `off = slot - FAST.barrier_base`; if `off < FAST.barrier_len` (the
//!   slot is in the nursery or the old generation, which follows it directly) and the card
//!   byte `cards[off >> CARD_SHIFT]` is 0, it calls the cold path that sets the card and
//!   records it. Nursery cards are kept at 1 except where pinned-old objects lie, so a store
//!   into a young object costs one compare and one card-byte load, and a store into a
//!   pinned-old object is recorded (a minor collection then rescans only the pinned-old
//!   objects on dirty cards, not all of them).
//!
//! Before the heap is initialized (first slow-path allocation) `free == top == 0` and
//! `barrier_len == 0`, so both fast paths fall through correctly.

use super::collector;
use super::layout::{object_size, GcStats, HEADER_SIZE};
use super::oldgen::CARD_SHIFT;
use super::trace::{Trace, Tracer};
use super::Gc;
use std::cell::Cell;
use std::marker::PhantomData;
use std::mem::{align_of, size_of};
use std::ptr::NonNull;

/// What the collector knows about one allocated type. Its address is the header word.
#[repr(C, align(8))]
pub(crate) struct TypeInfo {
    pub(crate) name: fn() -> &'static str,
    /// Size of the payload for fixed-size types; header size of the payload for arrays.
    pub(crate) size: usize,
    /// For arrays, the size of one element; 0 otherwise.
    pub(crate) elem_size: usize,
    pub(crate) has_refs: bool,
    pub(crate) trace: unsafe fn(*mut u8, &mut Tracer),
    pub(crate) drop: Option<unsafe fn(*mut u8)>,
    /// For arrays: traces only the elements overlapping `[lo, hi)` (card rescanning).
    pub(crate) trace_range: Option<unsafe fn(*mut u8, usize, usize, &mut Tracer)>,
}

impl TypeInfo {
    /// Total size (header included) of the object at `payload`.
    ///
    /// # Safety
    /// `payload` must be an object of this type (for arrays the length word is read).
    #[inline]
    pub(crate) unsafe fn object_size(&self, payload: usize) -> usize {
        if self.elem_size == 0 {
            object_size(self.size)
        } else {
            // SAFETY: arrays start with their length word.
            let len = unsafe { *(payload as *const usize) };
            object_size(self.size + len * self.elem_size)
        }
    }
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
        trace_range: None,
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
    /// Moves the `n` elements at `src..src + n` to `dst..dst + n` (the ranges may overlap,
    /// as in `slice::copy_within`) with one block move, then runs the write barrier once per
    /// card the destination spans (the barrier depends only on the slot's card, so this
    /// records what a `set` of every moved slot would). Panics when out of bounds.
    #[inline]
    pub fn copy_within(&self, src: usize, dst: usize, n: usize)
    where
        T: Trace,
    {
        assert!(
            src.max(dst)
                .checked_add(n)
                .is_some_and(|end| end <= self.len),
            "Array copy_within {src}..+{n} to {dst} out of bounds (len {})",
            self.len
        );
        if n == 0 {
            return;
        }
        // SAFETY: both ranges are in bounds (checked above); `ptr::copy` allows overlap;
        // single-threaded and no reference into the slots exists.
        unsafe {
            std::ptr::copy(self.base().add(src), self.base().add(dst), n);
            if T::HAS_REFS {
                let first = self.base().add(dst) as usize;
                let last = self.base().add(dst + n - 1) as usize;
                write_barrier(first as *const u8);
                let card = 1usize << CARD_SHIFT;
                let mut a = (first & !(card - 1)) + card;
                while a <= last {
                    write_barrier(a as *const u8);
                    a += card;
                }
            }
        }
    }
    /// Byte offset of element 0 from the object's address (for JIT code).
    pub const ELEMS_OFFSET: usize = size_of::<usize>();
    /// Byte offset of the length word from the object's address (for JIT code).
    pub const LEN_OFFSET: usize = 0;
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
        trace_range: Some(trace_array_range::<T>),
    };
}

unsafe fn trace_array_range<T: Trace + Copy>(p: *mut u8, lo: usize, hi: usize, t: &mut Tracer) {
    // SAFETY: the collector passes the payload of a live `Array<T>`.
    let a = unsafe { &*(p as *const Array<T>) };
    let sz = size_of::<T>().max(1);
    let base = a.base() as usize;
    // Elements overlapping [lo, hi): an element may start before `lo` and reach into it.
    let first = lo.saturating_sub(base) / sz;
    let last = (hi.saturating_sub(base)).div_ceil(sz).min(a.len);
    for i in first..last {
        // SAFETY: `i < len`; the collector has exclusive access.
        unsafe { (*a.base().add(i)).trace(t) }
    }
}

/// The `TypeInfo` of arrays of `T` (the header word of `Array<T>` objects).
pub(crate) fn array_info<T: Trace + Copy>() -> &'static TypeInfo {
    ArrayInfo::<T>::INFO
}

/// The `TypeInfo` of `T` (the header word of its objects).
pub(crate) fn type_info<T: Trace>() -> &'static TypeInfo {
    <T as HasTypeInfo>::INFO
}

/// The words the inline fast paths read and write, one per thread (the JIT reads their
/// addresses through `gc::jit`). `#[repr(C)]` so their offsets are fixed.
#[repr(C)]
pub(crate) struct Fast {
    /// Next free nursery byte (the next object's header address).
    pub(crate) free: Cell<usize>,
    /// Bump limit: the end of the current nursery segment or the next 4 KiB chunk boundary,
    /// whichever comes first (the slow path indexes object starts per chunk); `free` itself
    /// in stress mode, so that every allocation takes the slow path.
    pub(crate) top: Cell<usize>,
    /// Start of the old generation's reserved range.
    pub(crate) old_base: Cell<usize>,
    /// Length of that range (0 before the heap is initialized).
    pub(crate) old_len: Cell<usize>,
    /// Card table base: the card byte of address `a` is `cards + ((a - barrier_base) >> 9)`.
    pub(crate) cards: Cell<usize>,
    /// Start of the range the write barrier checks: the nursery, directly followed by the old
    /// generation. Nursery cards are 1 (clean for the barrier's purpose: no call) except where
    /// a pinned-old object lies, so stores into pinned-old objects are recorded like stores
    /// into old ones.
    pub(crate) barrier_base: Cell<usize>,
    /// Length of that range (0 before the heap is initialized: the barrier does nothing).
    pub(crate) barrier_len: Cell<usize>,
}

thread_local! {
    pub(crate) static FAST: Fast = const { Fast {
        free: Cell::new(0), top: Cell::new(0), old_base: Cell::new(0), old_len: Cell::new(0),
        cards: Cell::new(0), barrier_base: Cell::new(0), barrier_len: Cell::new(0),
    } };
}

/// Allocates an object of `total` bytes (header included) with header `info`; returns the
/// payload address. The payload is uninitialized; no collection may run before the caller
/// has initialized it.
#[inline(always)]
pub(crate) fn raw_alloc(info: &'static TypeInfo, total: usize) -> *mut u8 {
    FAST.with(|f| {
        let p = f.free.get();
        if total <= f.top.get() - p {
            f.free.set(p + total);
            // SAFETY: `p..p+total` lies in the current nursery segment, now reserved.
            unsafe { *(p as *mut usize) = info as *const TypeInfo as usize };
            (p + HEADER_SIZE) as *mut u8
        } else {
            collector::alloc_slow(info, total)
        }
    })
}

/// Allocates `value` in the GC heap.
#[inline(always)]
pub fn alloc<T: Trace>(value: T) -> Gc<T> {
    const { assert!(align_of::<T>() <= 8, "GC objects must have alignment <= 8") };
    let p = raw_alloc(<T as HasTypeInfo>::INFO, object_size(size_of::<T>())) as *mut T;
    // SAFETY: `p` is fresh, suitably sized and aligned memory.
    unsafe { p.write(value) };
    if const { std::mem::needs_drop::<T>() } {
        collector::register_finalizer(p as usize);
    }
    Gc {
        // SAFETY: `raw_alloc` never returns null.
        ptr: unsafe { NonNull::new_unchecked(p) },
        _not_send: PhantomData,
    }
}

fn array_total(len: usize, elem: usize) -> usize {
    match len
        .checked_mul(elem)
        .and_then(|b| b.checked_add(size_of::<usize>()))
    {
        Some(b) if b < (1 << 46) => object_size(b),
        _ => collector::fatal_oom(&format!("array of {len} elements of {elem} bytes")),
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
    let p = raw_alloc(ArrayInfo::<T>::INFO, array_total(len, size_of::<T>())) as *mut Array<T>;
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
    const {
        assert!(
            align_of::<T>() <= 8,
            "GC array elements must have alignment <= 8"
        )
    };
    let p = raw_alloc(
        ArrayInfo::<T>::INFO,
        array_total(items.len(), size_of::<T>()),
    ) as *mut Array<T>;
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
pub(crate) fn write_barrier(slot: *const u8) {
    FAST.with(|f| {
        let off = (slot as usize).wrapping_sub(f.barrier_base.get());
        if off < f.barrier_len.get() {
            let card = f.cards.get() + (off >> CARD_SHIFT);
            // SAFETY: `off` is inside the nursery or the old generation, so `card` is inside
            // the card table.
            if unsafe { *(card as *const u8) } == 0 {
                collector::remember_card(card);
            }
        }
    })
}

/// Whether `addr` lies in the old generation's reserved range (such objects never move).
#[inline(always)]
pub(crate) fn in_old_range(addr: usize) -> bool {
    FAST.with(|f| addr.wrapping_sub(f.old_base.get()) < f.old_len.get())
}

/// Runs a full (major) collection: a minor collection, then mark-sweep of the old generation.
pub fn collect() {
    collector::collect_major();
}

/// Runs a minor collection: empties the nursery, promoting or pinning its survivors.
pub fn collect_minor() {
    collector::collect_minor();
}

/// External bytes (owned by young objects) after which a minor collection runs: a quarter
/// of the old generation's size, clamped to this range (a small heap keeps little dead
/// external memory around; a large one collects less often).
const PRESSURE_MINOR_MIN: usize = 1 << 20;
const PRESSURE_MINOR_MAX: usize = 4 << 20;
/// Minimum external bytes since the last full collection before another one is forced.
const PRESSURE_MAJOR_MIN: usize = 16 << 20;

thread_local! {
    /// (external bytes since the last minor collection, since the last major collection)
    static PRESSURE: std::cell::Cell<(usize, usize)> = const { std::cell::Cell::new((0, 0)) };
}

/// Declares that the object just allocated owns `bytes` of memory outside the GC heap (a big
/// integer's digit vector, a buffer) that is freed only when the object dies.
///
/// The collector cannot see such memory, so without this a program whose small objects own
/// large buffers could grow without bound between collections. Every 1-4 MiB of declared
/// bytes (a quarter of the old generation's size, clamped) runs a minor collection (freeing the young owners that died), and once the declared bytes
/// since the last full collection exceed both 64 MiB and the old generation's size, a full
/// collection runs. Like any allocation, this may collect: the rooting rule applies.
pub fn add_memory_pressure(bytes: usize) {
    let (young, since_major) = PRESSURE.with(|p| p.get());
    let young = young + bytes;
    if young < PRESSURE_MINOR_MIN {
        PRESSURE.with(|p| p.set((young, since_major)));
        return;
    }
    let old = collector::stats().old_bytes as usize;
    if young < (old / 4).clamp(PRESSURE_MINOR_MIN, PRESSURE_MINOR_MAX) {
        PRESSURE.with(|p| p.set((young, since_major)));
        return;
    }
    let since_major = since_major + young;
    if since_major >= PRESSURE_MAJOR_MIN.max(old) {
        PRESSURE.with(|p| p.set((0, 0)));
        collector::collect_major();
    } else {
        PRESSURE.with(|p| p.set((0, since_major)));
        collector::collect_minor();
    }
}

/// Current heap counters.
pub fn stats() -> GcStats {
    collector::stats()
}
