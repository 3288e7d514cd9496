//! Weak references: [`Weak<T>`] refers to an object without keeping it alive.
//!
//! Each `Weak` owns a boxed word holding the target's address (0 once cleared) and registers
//! it in a per-thread table. After a minor collection the collector updates the words of moved
//! targets and clears those of dead nursery targets; after a major collection's mark phase it
//! clears those of unmarked targets. A `Weak` may live anywhere: on the Rust heap, in a static,
//! or inside a GC object (it is not traced: `HAS_REFS` is false; its destructor unregisters it
//! when the object dies).

use super::trace::{Trace, Tracer};
use super::Gc;
use std::cell::{Cell, RefCell};
use std::marker::PhantomData;

thread_local! {
    static WEAKS: RefCell<WeakTable> = const { RefCell::new(WeakTable { cells: Vec::new(), free: Vec::new() }) };
}

struct WeakTable {
    cells: Vec<*const Cell<usize>>,
    free: Vec<usize>,
}

/// A weak reference to a GC object: [`Weak::upgrade`] gives the object while it is alive
/// and `None` after the collector found it unreachable.
pub struct Weak<T: 'static> {
    cell: Box<Cell<usize>>,
    index: usize,
    _not_send: PhantomData<*const T>,
}

impl<T: 'static> Weak<T> {
    /// A weak reference to `gc`'s object.
    pub fn new(gc: Gc<T>) -> Weak<T> {
        Self::from_addr(gc.addr())
    }

    fn from_addr(addr: usize) -> Weak<T> {
        let cell = Box::new(Cell::new(addr));
        let ptr = &*cell as *const Cell<usize>;
        let index = WEAKS.with(|w| {
            let mut w = w.borrow_mut();
            match w.free.pop() {
                Some(i) => {
                    w.cells[i] = ptr;
                    i
                }
                None => {
                    w.cells.push(ptr);
                    w.cells.len() - 1
                }
            }
        });
        Weak {
            cell,
            index,
            _not_send: PhantomData,
        }
    }

    /// The object, if it is still alive.
    #[inline]
    pub fn upgrade(&self) -> Option<Gc<T>> {
        match self.cell.get() {
            0 => None,
            // SAFETY: the collector clears the word when the object dies and updates it when
            // the object moves, so a non-zero word is a live `T`.
            a => Some(unsafe { Gc::from_raw(a as *const T) }),
        }
    }

    /// Whether the target was collected.
    #[inline]
    pub fn is_cleared(&self) -> bool {
        self.cell.get() == 0
    }
}

impl<T: 'static> Clone for Weak<T> {
    fn clone(&self) -> Self {
        Self::from_addr(self.cell.get())
    }
}

impl<T: 'static> Drop for Weak<T> {
    fn drop(&mut self) {
        let _ = WEAKS.try_with(|w| {
            let mut w = w.borrow_mut();
            w.cells[self.index] = std::ptr::null();
            w.free.push(self.index);
        });
    }
}

impl<T: 'static> std::fmt::Debug for Weak<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Weak({:#x})", self.cell.get())
    }
}

// SAFETY: a weak reference is deliberately not traced (it must not keep its target alive);
// the collector finds it through the weak table instead.
unsafe impl<T: 'static> Trace for Weak<T> {
    const HAS_REFS: bool = false;
    #[inline(always)]
    fn trace(&self, _: &mut Tracer) {}
}

/// Calls `f` on every registered weak word (non-zero ones only). `f` may rewrite the word.
pub(crate) fn for_each_weak(f: &mut dyn FnMut(&Cell<usize>)) {
    WEAKS.with(|w| {
        let w = w.borrow();
        for &c in &w.cells {
            if !c.is_null() {
                // SAFETY: registered cells are boxes owned by live `Weak`s (dropping a `Weak`
                // unregisters it first).
                let c = unsafe { &*c };
                if c.get() != 0 {
                    f(c);
                }
            }
        }
    })
}
