//! Weak references: [`Weak<T>`] refers to an object without keeping it alive.
//!
//! Each `Weak` owns a boxed word holding the target's address (0 once cleared) and registers
//! it in a per-thread table. After a minor collection the collector updates the words of moved
//! targets and clears those of dead nursery targets; after a major collection's mark phase it
//! clears those of unmarked targets. A minor collection visits only the weak references made
//! to young targets since the previous one (the table's `young` list): a word only ever holds
//! a young address from its creation until the next minor collection moves, pins or clears
//! its target, so the cost of a minor collection does not grow with the number of weak
//! references to old objects (asyncio's `WeakSet` of every live task made each minor
//! collection walk all of them). A `Weak` may live anywhere: on the Rust heap, in a static,
//! or inside a GC object (it is not traced: `HAS_REFS` is false; its destructor unregisters it
//! when the object dies).

use super::heap;
use super::trace::{Trace, Tracer};
use super::Gc;
use std::cell::{Cell, RefCell};
use std::marker::PhantomData;

thread_local! {
    static WEAKS: RefCell<WeakTable> = const {
        RefCell::new(WeakTable { cells: Vec::new(), free: Vec::new(), young: Vec::new() })
    };
}

struct WeakTable {
    cells: Vec<*const Cell<usize>>,
    free: Vec<usize>,
    /// Indexes of the cells registered since the last minor collection with a young target
    /// (neither in the old generation nor pinned-old in the nursery; it may repeat an index, or name a slot freed and reused since:
    /// visiting such a cell again is harmless).
    young: Vec<usize>,
}

/// Whether the nursery object with payload `addr` is pinned-old (a minor collection pinned it in
/// place; it is never moved or freed by a minor collection again, so a weak reference to it
/// needs no visit from one). Conservative stack words pin objects now and then, and stress
/// mode pins most objects; without this check their weak references would stay "young".
fn is_pinned_old(addr: usize) -> bool {
    // SAFETY: `addr` is the payload of a live GC object (a `Gc` or a live weak target): its
    // header word precedes it.
    let h = unsafe { *((addr - super::layout::HEADER_SIZE) as *const usize) };
    h & super::layout::PINNED != 0
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
            let i = match w.free.pop() {
                Some(i) => {
                    w.cells[i] = ptr;
                    i
                }
                None => {
                    w.cells.push(ptr);
                    w.cells.len() - 1
                }
            };
            if addr != 0 && !heap::in_old_range(addr) && !is_pinned_old(addr) {
                w.young.push(i);
            }
            i
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

/// Calls `f` on the registered weak words that may hold a young target (see `young`), and
/// forgets them: the minor collection that calls this moves, pins or clears every such target.
pub(crate) fn for_each_young_weak(f: &mut dyn FnMut(&Cell<usize>)) {
    WEAKS.with(|w| {
        let mut w = w.borrow_mut();
        let mut young = std::mem::take(&mut w.young);
        for &i in &young {
            let c = w.cells[i];
            if !c.is_null() {
                // SAFETY: as in `for_each_weak`.
                let c = unsafe { &*c };
                if c.get() != 0 {
                    f(c);
                }
            }
        }
        young.clear();
        w.young = young;
    })
}

/// The number of weak words the next minor collection will visit (tests).
#[doc(hidden)]
pub fn young_weak_count() -> usize {
    WEAKS.with(|w| w.borrow().young.len())
}
