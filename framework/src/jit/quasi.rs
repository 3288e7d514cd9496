//! Quasi-immutable fields ([`QuasiImmut`]): values that rarely change, read by traces as
//! constants.
//!
//! RPython's `_immutable_fields_ = ['x?']`. A `QuasiImmut<T>` is a cell (like `GcCell<T>`:
//! `get`, `set`, the write barrier for GC references). In traced code, `cell.get()` on a cell
//! whose address is a constant of the trace (a field of a green or promoted object) is not a
//! load and not a guard: the tracer puts the value it reads into the trace as a constant and
//! records that the trace depends on the cell. `cell.set(v)` with a different value
//! *invalidates* every trace that depends on the cell: machine code of an invalidated trace is
//! no longer entered (its loop entry is removed), and a trace already running leaves at its
//! next `guard_not_invalidated` (below), then its code is freed at the next point where no
//! compiled code runs (the same machinery as dead `JitIdentity`s, `jit::validity`).
//!
//! How a running trace notices: each compiled trace has an invalidation flag (a word the
//! backend owns). The tracer emits one `guard_not_invalidated` (which tests the flag) before
//! the first folded read of a trace or bridge, and again before the first folded read after
//! each residual call (a residual call may have written the cell). So a trace never uses a
//! value read from a cell after a write to it; values it computed from the cell *before* the
//! write are exactly the ones the interpreter computed before the write. Such a guard's
//! snapshot is on the read itself, so a failure resumes by reading the new value; its exit
//! never gets a bridge.
//!
//! Assumptions: the cell changes only through `set` (the value field is private), on the
//! thread that traced it (`QuasiImmut` is neither `Send` nor `Sync`). Dropping a
//! watched cell invalidates its dependants too (the memory may be reused). Moving a watched
//! cell without dropping it (`std::mem::swap` through `&mut`) is not detected: traces keep
//! reading the old address's value as constant; don't swap cells traces may depend on.
//! A cell written often should not be a `QuasiImmut`: every write of a watched cell throws
//! away the traces that read it (RPython's interpreters switch such fields to plain ones after
//! a few writes; the guest decides).

use super::validity;
use crate::gc::{GcCell, Trace, Tracer};
use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;

/// A quasi-immutable cell: read as a constant by traces, invalidating them when written.
///
/// ```
/// use metatracer::QuasiImmut;
/// #[derive(metatracer::Layout)]
/// struct Class { version: QuasiImmut<u64> }
/// let c = Class { version: QuasiImmut::new(1) };
/// assert_eq!(c.version.get(), 1);
/// c.version.set(2); // traces that folded `version` are invalidated
/// assert_eq!(c.version.get(), 2);
/// ```
///
/// In traced code, `obj.field.get()` with `obj` a constant (green, promoted, or reached by
/// constant-folded loads from one) becomes the constant value; from a non-constant object it
/// is an ordinary load. `obj.field.set(v)` is a residual call (writes are rare by definition).
#[repr(C)]
pub struct QuasiImmut<T: Copy> {
    /// The value (`GcCell`: `repr(transparent)`, the write barrier for references).
    value: GcCell<T>,
    /// 0 while no trace depends on the value; else the dependency number traces registered
    /// under (drawn from the same never-reused counter as `JitIdentity` numbers).
    watch: Cell<u64>,
    /// Not `Send` (nor `Sync`, through `Cell`): compiled traces and their dependencies are per
    /// thread, so a write on another thread would not find the traces to invalidate.
    _thread: PhantomData<*const ()>,
}

impl<T: Copy> QuasiImmut<T> {
    /// A cell holding `value`.
    #[inline(always)]
    pub const fn new(value: T) -> Self {
        QuasiImmut {
            value: GcCell::new(value),
            watch: Cell::new(0),
            _thread: PhantomData,
        }
    }

    /// The current value (in traced code: a constant when the cell's address is).
    #[inline(always)]
    pub fn get(&self) -> T {
        self.value.get()
    }

    /// Stores `value`. If traces depend on the cell and the value's bits change, they are
    /// invalidated (see the module docs). Runs the GC write barrier for references.
    #[inline]
    pub fn set(&self, value: T)
    where
        T: Trace,
    {
        let w = self.watch.get();
        if w != 0 && !same_bits(&self.value.get(), &value) {
            self.watch.set(0);
            self.value.set(value);
            super::driver::quasi_invalidated(w, true);
        } else {
            self.value.set(value);
        }
    }

    /// Whether some trace (compiled or being recorded) folded a read of this cell and has not
    /// been invalidated since (for tests and logs).
    pub fn is_watched(&self) -> bool {
        self.watch.get() != 0
    }
}

/// Whether two values have the same bytes (a write of the same bits changes nothing a trace
/// could have read).
fn same_bits<T: Copy>(a: &T, b: &T) -> bool {
    let n = std::mem::size_of::<T>();
    // SAFETY: both point to initialised `T`s of `n` bytes; register values (what traced code
    // reads from a cell) have no padding, and for other `T` a padding difference only makes a
    // redundant invalidation.
    unsafe {
        std::slice::from_raw_parts(a as *const T as *const u8, n)
            == std::slice::from_raw_parts(b as *const T as *const u8, n)
    }
}

/// Dropping a watched cell invalidates its dependants (its address may be reused). Their code
/// is freed at the driver's next safe point, not here: the collector may be finalizing the
/// object that holds the cell.
impl<T: Copy> Drop for QuasiImmut<T> {
    fn drop(&mut self) {
        let w = self.watch.get();
        if w != 0 {
            super::driver::quasi_invalidated(w, false);
        }
    }
}

/// A clone is a new, unwatched cell with the same value.
impl<T: Copy> Clone for QuasiImmut<T> {
    fn clone(&self) -> Self {
        QuasiImmut::new(self.get())
    }
}

impl<T: Copy + Default> Default for QuasiImmut<T> {
    fn default() -> Self {
        QuasiImmut::new(T::default())
    }
}

impl<T: Copy + fmt::Debug> fmt::Debug for QuasiImmut<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("QuasiImmut").field(&self.get()).finish()
    }
}

// SAFETY: forwards to the value, which is the only part that can hold references.
unsafe impl<T: Trace + Copy> Trace for QuasiImmut<T> {
    const HAS_REFS: bool = T::HAS_REFS;
    #[inline(always)]
    fn trace(&self, tracer: &mut Tracer) {
        self.value.trace(tracer)
    }
}

/// Byte offset of the watch word from the start of a `QuasiImmut<T>` (the value is at 0).
pub(crate) fn watch_offset<T: Copy>() -> i32 {
    std::mem::offset_of!(QuasiImmut<T>, watch) as i32
}

/// The tracer folded a read of the cell whose watch word is at `watch_addr`: its dependency
/// number (a fresh one if the cell was not watched).
///
/// # Safety
/// `watch_addr` must be the address of the watch word of a live `QuasiImmut` (the tracer
/// computes it from the address the interpreter reads the value at).
pub(crate) unsafe fn watch(watch_addr: usize) -> u64 {
    // SAFETY: the caller passes a live cell's watch word (a `Cell<u64>`, written only on this
    // thread: `QuasiImmut` is not `Sync`).
    let cell = unsafe { &*(watch_addr as *const Cell<u64>) };
    if cell.get() == 0 {
        cell.set(validity::fresh_number());
    }
    cell.get()
}

/// `cell.set(v)` as traced code calls it (a residual call).
pub(crate) fn set_from_trace<T: Copy + Trace>(cell: &QuasiImmut<T>, v: T) {
    cell.set(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_value_comes_first_and_the_watch_word_follows() {
        assert_eq!(watch_offset::<u8>(), 8);
        assert_eq!(watch_offset::<i64>(), 8);
        assert_eq!(watch_offset::<f64>(), 8);
        let c = QuasiImmut::new(5i64);
        assert_eq!(c.value.as_ptr() as usize, &c as *const _ as usize);
    }

    #[test]
    fn a_watched_cell_is_unwatched_by_a_write_of_new_bits_only() {
        let c = QuasiImmut::new(7u32);
        // SAFETY: the watch word of a live cell.
        let n = unsafe { watch(&c as *const _ as usize + watch_offset::<u32>() as usize) };
        assert!(n != 0 && c.is_watched());
        // SAFETY: as above.
        let again = unsafe { watch(&c as *const _ as usize + watch_offset::<u32>() as usize) };
        assert_eq!(n, again, "one number per watched cell");
        c.set(7);
        assert!(c.is_watched(), "same bits: nothing changed");
        c.set(8);
        assert!(!c.is_watched());
        assert_eq!(c.get(), 8);
        let d = c.clone();
        assert!(!d.is_watched());
    }

    #[test]
    fn writing_or_dropping_a_watched_cell_counts_as_an_invalidation() {
        let before = crate::jit::stats().quasi_invalidations;
        let c = Box::new(QuasiImmut::new(1i64));
        let addr = &*c as *const QuasiImmut<i64> as usize;
        // SAFETY: the watch word of a live cell.
        unsafe { watch(addr + watch_offset::<i64>() as usize) };
        c.set(2);
        assert_eq!(crate::jit::stats().quasi_invalidations, before + 1);
        c.set(3); // no longer watched
        assert_eq!(crate::jit::stats().quasi_invalidations, before + 1);
        // SAFETY: as above.
        unsafe { watch(addr + watch_offset::<i64>() as usize) };
        drop(c);
        assert_eq!(crate::jit::stats().quasi_invalidations, before + 2);
        let unwatched = QuasiImmut::new(0u8);
        drop(unwatched);
        assert_eq!(crate::jit::stats().quasi_invalidations, before + 2);
    }
}
