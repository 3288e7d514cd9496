//! The garbage-collected heap that guest objects live in.
//!
//! # The API (stable; `pyguest` and the examples are written against it)
//! * [`Gc<T>`]: a copyable, pointer-sized handle to a heap object. It derefs to `&T`.
//! * `#[derive(Trace)]` (re-exported as `metatracer::Trace`): declares which fields hold
//!   references. Only types implementing [`Trace`] can be allocated.
//! * [`alloc`], [`alloc_array`], [`alloc_array_from_slice`]: fixed-size objects and
//!   variable-size arrays ([`Array<T>`], elements inline after a length word).
//! * Mutation goes through [`GcCell<T>`] (a `Cell` for GC objects) or [`Array::set`]; both run
//!   the write barrier, so interpreter code cannot forget it. Plain fields of an object are
//!   immutable once allocated.
//! * Values that need `Drop` (a `String`, a `Vec<u8>`, a file) may live inside objects; the
//!   GC runs their destructor when the object dies. Rust containers that hold GC references
//!   (`Vec<Gc<T>>`, ...) must not be put in GC objects: use `Array`/`GcCell` instead (a
//!   `Vec<T>` field with `T::HAS_REFS` fails to compile).
//!
//! # The rooting rule (what interpreter writers must follow)
//! 1. `Gc` handles in local variables and arguments on the native stack are always safe: the
//!    collector scans the stack and registers conservatively and pins what they point to.
//! 2. `Gc` handles stored inside GC objects are safe (they are traced).
//! 3. `Gc` handles anywhere else on the Rust heap or in statics (a `Vec<Gc<T>>` local, a
//!    `HashMap`, a `thread_local!`) are invisible to the collector. Keep such collections in a
//!    [`RootedVec`] (scratch vectors) or hold a [`Root`] (long-lived handles).
//! 4. An object's address kept as a plain integer does not keep it alive, and a young object's
//!    address changes when it is promoted unless something on the stack pins it.
//! 5. Destructors of data inside GC objects run during collections and must not touch the heap.
//!
//! The heap is per thread: `Gc<T>` is neither `Send` nor `Sync`.
//!
//! # Implementation
//! A generational collector (see `docs/gc.md`): a bump-pointer nursery whose survivors are
//! copied to a non-moving old generation, except objects a stack word points into, which are
//! pinned in place; card marking over the old generation for old-to-young stores; mark-sweep
//! major collections (which reclaim cycles) triggered by heap growth; weak references
//! ([`Weak`]); finalization of `Drop` data. [`jit`] exposes the fast paths' layout for machine
//! code. Tunables come from `METATRACER_GC_*` environment variables (see `docs/gc.md`).

mod collector;
mod heap;

/// The write barrier for a reference just stored (or about to be stored) at `slot`: marks its
/// card (for the JIT's traced stores; `GcCell::set` runs it itself).
#[inline]
pub fn write_barrier_slot(slot: *const u8) {
    heap::write_barrier(slot);
}
pub mod jit;
mod layout;
mod oldgen;
mod roots;
mod stack;
mod trace;
mod weak;

pub use heap::{
    add_memory_pressure, alloc, alloc_array, alloc_array_from_slice, collect, collect_minor, stats,
    Array,
};
pub use layout::GcStats;
pub use roots::{PinnedVec, Root, RootedVec, ScanRegion};
pub use stack::{register_stack, suspend_current, StackRegistration};
pub use trace::{Trace, Tracer};
pub use weak::{young_weak_count, Weak};

pub use collector::{ConservativeRef, RetentionRoot, RetentionStep};

/// Diagnostics: the conservative roots (native stack words of the caller's frames, pinned
/// vector words, identity pins) that keep `gc`'s object alive, if it is in the old
/// generation (run a full collection first). Precise roots and references from other objects
/// are not reported. Slow: for tools that explain a stale-stack-word retention.
pub fn debug_conservative_refs<T: 'static>(gc: Gc<T>) -> Vec<ConservativeRef> {
    collector::debug_conservative_refs(gc.addr())
}

/// Diagnostics: a shortest chain of references (precise ones included) from a root to `gc`'s
/// object, root first, with the root's kind; `None` if nothing reaches it. Run a full
/// collection first (the object must be in the old generation). Slow: walks every live
/// object; for tools that explain why an object is still alive. `skip_direct_stack` leaves
/// out native stack words that point at the object itself (the asking code's own copies).
pub fn debug_retention_path<T: 'static>(
    gc: Gc<T>,
    skip_direct_stack: bool,
) -> Option<(RetentionRoot, Vec<RetentionStep>)> {
    collector::debug_retention_path(gc.addr(), skip_direct_stack)
}

/// Registers `gc`'s object for finalization by the embedder (a guest-level finalizer such as
/// Python's `__del__`): when a collection finds it unreachable (a minor collection while it
/// is young, a full one once it is old), it is not freed but kept alive, with everything it
/// refers to, and queued for [`take_doomed`] (unless the [`set_doomed_filter`] predicate
/// says it no longer needs finalizing). Each registration reports the object at most once;
/// weak references to it stay set until the collection after the embedder dropped it.
pub fn guard<T: 'static>(gc: Gc<T>) {
    collector::guard(gc.addr());
}

/// Takes the next object queued by a full collection for finalization (see [`guard`]), in
/// registration order. The object is an ordinary object again: keep it in a stack local (or
/// otherwise reachable) while finalizing it.
///
/// # Safety
/// `T` must be the type the object was registered with (or one its bits are valid for).
pub unsafe fn take_doomed<T: 'static>() -> Option<Gc<T>> {
    // SAFETY: a queued address is a live object (kept marked); the type is the caller's
    // promise.
    collector::take_doomed().map(|a| unsafe { Gc::from_raw(a as *const T) })
}

/// Queues every object registered by [`guard`] for [`take_doomed`], whether reachable or not
/// (for an embedder that finalizes everything at exit).
pub fn doom_all_guarded() {
    collector::doom_all_guarded();
}

/// Sets a predicate the collector asks, for each guarded object it found dead, whether the
/// object still needs its finalizer; `false` frees it like any dead object (for instance a
/// generator that finished after it was registered). It runs inside the collection.
///
/// # Safety
/// `f` receives the payload address of a dead but intact object; it must only read the
/// object's own fields (no allocation, no other heap access).
pub unsafe fn set_doomed_filter(f: unsafe fn(*const u8) -> bool) {
    collector::set_doomed_filter(f);
}

/// Sets a function the collector calls when a collection queued objects for
/// [`take_doomed`] (to schedule the finalizers at the embedder's next safe point). It runs
/// inside the collector: it must not allocate GC objects or touch the heap.
pub fn set_doomed_hook(f: fn()) {
    collector::set_doomed_hook(f);
}

use std::cell::UnsafeCell;
use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;
use std::ptr::NonNull;

/// A handle to an object of type `T` in the GC heap: one pointer, `Copy`, not `Send`.
///
/// The pointer addresses the payload (`T` itself); the GC's header word sits just before it.
#[repr(transparent)]
pub struct Gc<T: ?Sized> {
    ptr: NonNull<T>,
    _not_send: PhantomData<*const T>,
}

impl<T: ?Sized> Clone for Gc<T> {
    #[inline(always)]
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: ?Sized> Copy for Gc<T> {}

impl<T: ?Sized> Deref for Gc<T> {
    type Target = T;
    #[inline(always)]
    fn deref(&self) -> &T {
        // SAFETY: a `Gc` always points at a live, initialized object: the collector keeps every
        // object reachable from the stack, from roots or from other live objects.
        unsafe { self.ptr.as_ref() }
    }
}

impl<T: ?Sized> Gc<T> {
    /// Whether two handles name the same object.
    #[inline(always)]
    pub fn ptr_eq(a: Gc<T>, b: Gc<T>) -> bool {
        std::ptr::addr_eq(a.ptr.as_ptr(), b.ptr.as_ptr())
    }
    /// The object's address (for identity hashing, `id()`, and JIT code).
    #[inline(always)]
    pub fn as_ptr(self) -> *const T {
        self.ptr.as_ptr()
    }
}

impl<T> Gc<T> {
    /// The object's address as an integer.
    #[inline(always)]
    pub fn addr(self) -> usize {
        self.ptr.as_ptr() as usize
    }
    /// The object's address, fixed for the rest of its life: use this (not [`Gc::addr`])
    /// when the address serves as an identity, e.g. an identity hash or `id()`.
    ///
    /// Young objects normally move when a minor collection promotes them; after this call the
    /// next minor collection pins the object instead (it becomes logically old where it is,
    /// see docs/gc.md), so the returned value stays its address until it dies. Pinning
    /// costs a little nursery space until the next major collection, so prefer an identity
    /// number stored in the object for kinds of objects that are hashed by the million.
    #[inline]
    pub fn stable_addr(self) -> usize {
        let a = self.addr();
        if !heap::in_old_range(a) {
            collector::pin_identity(a);
        }
        a
    }
    /// Rebuilds a handle from [`Gc::as_ptr`].
    ///
    /// # Safety
    /// `ptr` must be the address of a live object of type `T` allocated by this thread's heap.
    #[inline(always)]
    pub unsafe fn from_raw(ptr: *const T) -> Gc<T> {
        Gc {
            // SAFETY: the caller promises `ptr` is a live heap object, hence non-null.
            ptr: unsafe { NonNull::new_unchecked(ptr as *mut T) },
            _not_send: PhantomData,
        }
    }
    /// Reinterprets the handle as a handle to another type.
    ///
    /// # Safety
    /// The object must really be a `U` (for example both are `#[repr(C)]` with a common prefix
    /// and the caller checked a type tag).
    #[inline(always)]
    pub unsafe fn cast<U>(self) -> Gc<U> {
        Gc {
            ptr: self.ptr.cast(),
            _not_send: PhantomData,
        }
    }
}

impl<T: ?Sized> fmt::Debug for Gc<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Gc({:p})", self.ptr.as_ptr())
    }
}

/// A mutable slot inside a GC object, like [`std::cell::Cell`] but with the write barrier.
///
/// `set` is the only way to change it, and it always runs the barrier, so an old object that
/// starts pointing at a young one is never missed by a minor collection.
#[repr(transparent)]
pub struct GcCell<T: Copy> {
    value: UnsafeCell<T>,
}

impl<T: Copy> GcCell<T> {
    /// A new cell holding `value`.
    #[inline(always)]
    pub const fn new(value: T) -> Self {
        GcCell {
            value: UnsafeCell::new(value),
        }
    }
    /// The current value.
    #[inline(always)]
    pub fn get(&self) -> T {
        // SAFETY: single-threaded (`Gc` is !Send) and no reference to the inside is ever handed
        // out, so this read cannot overlap a write.
        unsafe { *self.value.get() }
    }
    /// Stores `value`, running the write barrier for the slot.
    #[inline(always)]
    pub fn set(&self, value: T)
    where
        T: Trace,
    {
        // SAFETY: as in `get`; no reference to the inside exists.
        unsafe { *self.value.get() = value };
        if T::HAS_REFS {
            heap::write_barrier(self.value.get() as *const u8);
        }
    }
    /// Raw address of the slot (for the JIT and the collector).
    #[inline(always)]
    pub fn as_ptr(&self) -> *mut T {
        self.value.get()
    }
}

impl<T: Copy + fmt::Debug> fmt::Debug for GcCell<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("GcCell").field(&self.get()).finish()
    }
}
