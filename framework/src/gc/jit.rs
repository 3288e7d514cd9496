//! What a JIT backend needs to inline the allocation and write-barrier fast paths, and how JIT
//! frames' roots are found.
//!
//! All addresses are per thread (the heap is per thread) and stable for the thread's life once
//! [`layout`] has been called on it. Machine code must only run on the thread it was compiled
//! for, or re-read the layout.
//!
//! # Inline allocation (objects whose type needs no `Drop`)
//! ```text
//!   size   = object_size(payload bytes)          ; header included, multiple of 8, >= 16
//!   p      = [free_addr]
//!   if [top_addr] - p < size: call alloc_slow(header_word, size) -> payload   ; cold
//!   else: [free_addr] = p + size; [p] = header_word; payload = p + 8
//!   ; initialize every payload word before the next call that may collect
//! ```
//! `free` and `top` may be kept in registers across consecutive inline allocations, but must be
//! written back before, and reloaded after, any call (a slow path or a helper that may
//! allocate changes both). `top` is a 4 KiB-chunk limit, not the end of the nursery.
//! `header_word` is [`header_word::<T>()`] (or [`array_header_word::<T>()`]); arrays store
//! their length at payload offset [`crate::gc::Array::LEN_OFFSET`] and elements from
//! [`crate::gc::Array::ELEMS_OFFSET`]. Types with drop glue must use [`alloc_slow`] and then
//! [`register_finalizer`] (or simply call `gc::alloc` through a helper).
//!
//! # Inline write barrier (after storing a reference at address `slot`)
//! ```text
//!   off = slot - barrier_base                ; the nursery, then the old generation
//!   if off <u barrier_len:                   ; unsigned compare
//!       card = cards + (off >> card_shift)
//!       if byte [card] == 0: call remember_card(card)   ; cold
//! ```
//!
//! # Roots held by JIT code
//! The collector scans the native stack of the thread conservatively, from the stack pointer
//! at its entry (inside the runtime function JIT code called) up to the stack top, plus the callee-saved registers (rbx, rbp,
//! r12-r15). Every collection is entered through a call (`alloc_slow`, or a helper that may
//! allocate). So JIT code keeps its references visible by this rule: **at each call that may
//! allocate or collect, every live reference is either in a callee-saved register or in a
//! stack slot of the JIT frame** (which lies between the stack pointer and the stack top).
//! Caller-saved registers must be spilled to the frame before such calls, as the SysV ABI
//! requires anyway for values live across a call. Such references pin their objects (the
//! collector never moves an object that a stack word points into, including interior
//! pointers and one-past-the-end pointers), so JIT code needs no stack maps and does not have
//! to reload references after a call. References the JIT keeps elsewhere (in a side buffer
//! on the Rust heap, in machine-code constants) are invisible: keep them in a
//! [`crate::gc::Root`] / [`crate::gc::RootedVec`], or embed only pinned objects.

use super::collector;
use super::heap::{array_info, type_info, TypeInfo, FAST};
use super::layout;
use super::oldgen::CARD_SHIFT;
use super::trace::Trace;

pub use super::layout::{
    object_size, ADDR_MASK, FLAGS, FORWARDED, HEADER_SIZE, MARKED, MIN_OBJECT_SIZE, OBJECT_ALIGN,
    PINNED,
};

/// The name of the residual call traced code makes for the write barrier after storing a
/// reference (`__private::barrier_after`, and the optimizer's cycle-closing stores): one
/// argument, the slot's address. The x64 backend inlines the barrier's fast path for calls
/// with this name (see the module docs) and calls [`remember_card`] only when the card is
/// clean.
pub const WRITE_BARRIER_CALL: &str = "metatracer::gc::write_barrier";

/// Addresses and constants of this thread's heap for JIT code (see the module docs).
#[derive(Clone, Copy, Debug)]
pub struct HeapLayout {
    /// Address of the nursery bump pointer word (`usize`).
    pub free_addr: *mut usize,
    /// Address of the nursery limit word (`usize`).
    pub top_addr: *mut usize,
    /// Start of the old generation's address range (objects there never move).
    pub old_base: usize,
    /// Length of the old generation's address range.
    pub old_len: usize,
    /// Start of the range the write barrier checks (the nursery, followed directly by the
    /// old generation).
    pub barrier_base: usize,
    /// Length of that range.
    pub barrier_len: usize,
    /// Base of the card table (one byte per `1 << card_shift` bytes from `barrier_base`).
    pub cards: *mut u8,
    /// log2 of the bytes per card.
    pub card_shift: u32,
}

/// The layout of this thread's heap (initializing the heap if needed).
pub fn layout() -> HeapLayout {
    collector::ensure_init();
    FAST.with(|f| HeapLayout {
        free_addr: f.free.as_ptr(),
        top_addr: f.top.as_ptr(),
        old_base: f.old_base.get(),
        old_len: f.old_len.get(),
        barrier_base: f.barrier_base.get(),
        barrier_len: f.barrier_len.get(),
        cards: f.cards.get() as *mut u8,
        card_shift: CARD_SHIFT,
    })
}

/// The header word of a fresh `T` object.
pub fn header_word<T: Trace>() -> usize {
    type_info::<T>() as *const TypeInfo as usize
}

/// The header word of a fresh `Array<T>` object.
pub fn array_header_word<T: Trace + Copy>() -> usize {
    array_info::<T>() as *const TypeInfo as usize
}

/// Whether `T` objects need [`register_finalizer`] after allocation (their type has drop glue).
pub const fn needs_finalizer<T>() -> bool {
    std::mem::needs_drop::<T>()
}

/// The allocation slow path: allocates `size` bytes (from [`object_size`]) for an object
/// whose header word is `header`, writes the header and returns the payload address. May
/// collect.
///
/// # Safety
/// `header` must come from [`header_word`] or [`array_header_word`], `size` must be the
/// object size of that type (for arrays, with the length the caller then stores), and the
/// payload must be fully initialized before the next allocation.
pub unsafe extern "C" fn alloc_slow(header: usize, size: usize) -> *mut u8 {
    debug_assert_eq!(size, layout::object_size(size - HEADER_SIZE));
    // SAFETY: the caller passes a header word that is a `&'static TypeInfo`.
    let info = unsafe { &*(header as *const TypeInfo) };
    collector::alloc_slow(info, size)
}

/// Allocates an object of `payload` bytes whose header word is `header` and zeroes its
/// payload; returns the payload address. What the JIT's `new` op calls when the inline bump
/// fails, and what deoptimization uses to materialize virtual objects. May collect.
///
/// # Safety
/// `header` must come from [`header_word`] for a type of exactly `payload` bytes without
/// drop glue (a zeroed payload must be a valid value of it for the collector: null
/// references).
pub unsafe extern "C" fn alloc_zeroed(header: usize, payload: usize) -> *mut u8 {
    // SAFETY: the caller passes a header word that is a `&'static TypeInfo`.
    let info: &'static TypeInfo = unsafe { &*(header as *const TypeInfo) };
    let p = super::heap::raw_alloc(info, layout::object_size(payload));
    // SAFETY: the payload (rounded up to words) was just reserved for this object.
    unsafe { std::ptr::write_bytes(p, 0, layout::object_size(payload) - HEADER_SIZE) };
    p
}

/// The whole write barrier for a reference just stored at `slot` (JIT code that cannot
/// inline it: the store closing a cycle of objects the optimizer materializes together).
///
/// # Safety
/// `slot` must be a word of a live object (or any address outside the heap, then nothing
/// happens).
pub unsafe extern "C" fn barrier_slot(slot: usize) {
    super::heap::write_barrier(slot as *const u8);
}

/// Registers a freshly allocated object whose type has drop glue, so that its destructor runs
/// if it dies young.
///
/// # Safety
/// `payload` must be a just-allocated, initialized object of a type with drop glue.
pub unsafe extern "C" fn register_finalizer(payload: *mut u8) {
    collector::register_finalizer(payload as usize);
}

/// The write-barrier slow path: the card byte at `card` (computed by the inline fast path)
/// was 0.
///
/// # Safety
/// `card` must be `cards + ((slot - barrier_base) >> card_shift)` for a slot in the barrier's
/// range.
pub unsafe extern "C" fn remember_card(card: *mut u8) {
    collector::remember_card(card as usize);
}
