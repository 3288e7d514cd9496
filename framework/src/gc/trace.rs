//! The `Trace` trait (how the collector finds references inside an object) and its impls for
//! standard types.
//!
//! Invariant: `trace` visits every slot that holds a GC reference, exactly once, and `HAS_REFS`
//! is `false` only for types that can never hold one. Rust containers that own heap memory
//! (`Vec`, `Box`, `String`) implement `Trace` only for element types without references: the
//! write barrier works on slots inside the GC heap, so references must live there.

use super::{Gc, GcCell};

/// A visitor the collector passes to [`Trace::trace`].
///
/// The collector may update the visited slot (when it moves the referenced object).
pub struct Tracer<'a> {
    pub(crate) visit_slot: &'a mut dyn FnMut(*mut *mut u8),
}

impl Tracer<'_> {
    /// Visits a slot holding a `Gc`.
    #[inline]
    pub fn visit<T>(&mut self, slot: &Gc<T>) {
        (self.visit_slot)(slot as *const Gc<T> as *mut *mut u8);
    }
    /// Visits a word that holds the address of a GC object (as returned by [`Gc::as_ptr`]);
    /// for tagged value representations whose pointer case stores the plain address.
    ///
    /// # Safety
    /// `slot` must be a valid, writable word that currently holds the address of a live object
    /// of this heap, and must stay valid for the rest of the collection.
    #[inline]
    pub unsafe fn visit_word(&mut self, slot: *mut usize) {
        (self.visit_slot)(slot as *mut *mut u8);
    }
}

/// Types the collector can scan.
///
/// # Safety
/// `trace` must visit every GC reference the value holds, and `HAS_REFS` must be `true` if the
/// type can hold one. Use `#[derive(Trace)]` rather than implementing this by hand.
pub unsafe trait Trace: 'static {
    /// Whether values of this type can contain GC references at all.
    const HAS_REFS: bool;
    /// Visits every GC reference in `self`.
    fn trace(&self, tracer: &mut Tracer);
}

macro_rules! no_refs {
    ($($t:ty),* $(,)?) => {$(
        // SAFETY: these types never contain GC references.
        unsafe impl Trace for $t {
            const HAS_REFS: bool = false;
            #[inline(always)]
            fn trace(&self, _: &mut Tracer) {}
        }
    )*};
}
no_refs!(
    (),
    bool,
    char,
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    f32,
    f64,
    String,
    Box<str>,
    &'static str,
    std::cell::Cell<bool>,
    std::cell::Cell<u8>,
    std::cell::Cell<u32>,
    std::cell::Cell<u64>,
    std::cell::Cell<usize>,
    std::cell::Cell<i64>,
    std::cell::Cell<f64>
);

// SAFETY: a `Gc` is exactly one reference, visited here.
unsafe impl<T: 'static> Trace for Gc<T> {
    const HAS_REFS: bool = true;
    #[inline(always)]
    fn trace(&self, tracer: &mut Tracer) {
        tracer.visit(self);
    }
}

// SAFETY: forwards to the content, which is visited in place.
unsafe impl<T: Trace + Copy> Trace for GcCell<T> {
    const HAS_REFS: bool = T::HAS_REFS;
    #[inline(always)]
    fn trace(&self, tracer: &mut Tracer) {
        if T::HAS_REFS {
            // SAFETY: the collector runs with no other access to the cell in progress.
            unsafe { (*self.as_ptr()).trace(tracer) }
        }
    }
}

// SAFETY: visits the content when present.
unsafe impl<T: Trace> Trace for Option<T> {
    const HAS_REFS: bool = T::HAS_REFS;
    #[inline(always)]
    fn trace(&self, tracer: &mut Tracer) {
        if let Some(v) = self {
            v.trace(tracer);
        }
    }
}

// SAFETY: visits every element.
unsafe impl<T: Trace, const N: usize> Trace for [T; N] {
    const HAS_REFS: bool = T::HAS_REFS;
    #[inline]
    fn trace(&self, tracer: &mut Tracer) {
        if T::HAS_REFS {
            for v in self {
                v.trace(tracer);
            }
        }
    }
}

macro_rules! tuples {
    ($(($($n:ident . $i:tt),+))*) => {$(
        // SAFETY: visits every component.
        unsafe impl<$($n: Trace),+> Trace for ($($n,)+) {
            const HAS_REFS: bool = false $(|| $n::HAS_REFS)+;
            #[inline]
            fn trace(&self, tracer: &mut Tracer) { $(self.$i.trace(tracer);)+ }
        }
    )*};
}
tuples! { (A.0) (A.0, B.1) (A.0, B.1, C.2) (A.0, B.1, C.2, D.3) }

/// Rust-heap containers may hold only reference-free data (see the module docs).
macro_rules! owned_no_refs {
    ($($t:ident),*) => {$(
        // SAFETY: the element type has no GC references (checked at compile time).
        unsafe impl<T: Trace> Trace for $t<T> {
            const HAS_REFS: bool = {
                assert!(
                    !T::HAS_REFS,
                    "Rust containers holding GC references cannot live in GC objects or be traced: \
                     use metatracer::gc::Array / GcCell inside objects, RootedVec for scratch vectors"
                );
                false
            };
            #[inline(always)]
            fn trace(&self, _: &mut Tracer) {}
        }
    )*};
}
owned_no_refs!(Vec, Box);
