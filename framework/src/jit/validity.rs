//! Trace validity: what a compiled trace specialised on, and how it dies with it.
//!
//! A trace is specialised on its green key (the position in the guest program) and on
//! everything it read from constant bases reachable from it: loads through a constant `&T`
//! fold, frozen fields of constant `Gc` objects fold, promoted values become constants. The
//! trace is only valid while those objects are alive and unchanged, so every green that names
//! memory has to say how it stays tied to its trace. [`GreenValue`] is that contract; a
//! `#[green]` variable whose type does not implement it is a compile error:
//!
//! * integers, `bool`, `char`, `f64` ([`GreenKind::Plain`]): the word is the key.
//! * `Gc<T>` and `Option<Gc<T>>` ([`GreenKind::Gc`]): the word (the object's address) is the
//!   key, and every compiled loop keeps the GC objects of its key alive and pinned (a
//!   conservatively scanned root owned by the loop), so the address cannot be reused while
//!   the trace exists. Constants baked into machine code are pinned by the backend the same
//!   way (`docs/gc.md`, "Roots held by the JIT").
//! * `&T` where `T: JitGreen` ([`GreenKind::Identity`]): memory outside the GC heap (a
//!   toy language's parsed program). The key word is not the address but the number of the
//!   [`JitIdentity`] the object embeds, which is never reused in the process. A new object at
//!   a dead one's address therefore has a different key and never runs the dead one's traces;
//!   when the identity is dropped, the traces that saw it (at any merge point they passed)
//!   are invalidated and their machine code is freed ([`crate::jit::stats`] counts
//!   `traces_freed`).
//!
//! The rule a `JitGreen` type must follow: its contents reachable through `&` must not change
//! while it keeps its identity (Rust's `&` already forbids that while the portal runs). Code
//! that mutates the object through `&mut` between portal calls calls [`JitIdentity::renew`],
//! which gives it a fresh number and invalidates the traces of the old one.

use super::word::Word;
use crate::gc::Gc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// How a green variable's word becomes part of a loop key (see the module docs).
#[derive(Clone, Copy, Debug)]
pub enum GreenKind {
    /// A plain value: the word itself.
    Plain,
    /// A GC reference: the address; compiled loops root and pin their key objects.
    Gc,
    /// A reference to a [`JitGreen`] object: the function reads its identity number from the
    /// object's address (and marks the identity as seen by the JIT).
    Identity(unsafe fn(u64) -> u64),
}

impl GreenKind {
    /// The key word for a green whose concrete value is `w`.
    ///
    /// # Safety
    /// For [`GreenKind::Identity`], `w` must be the address of a live object of the type the
    /// kind was made for (the concrete value of the green variable, as the interpreter holds
    /// it).
    #[inline]
    pub unsafe fn key_word(self, w: u64) -> u64 {
        match self {
            GreenKind::Plain | GreenKind::Gc => w,
            // SAFETY: the caller passes the live object's address.
            GreenKind::Identity(f) => unsafe { f(w) },
        }
    }
}

/// A type that can be a `#[green]` variable of a `#[jit_merge_point]` function, or the
/// argument of `metatracer::promote` in traced code (a promoted value is a constant of the
/// trace exactly like a green: a promoted `&T` ties the trace to that object's identity).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a `#[green]` variable or promoted",
    note = "greens are integers, `bool`, `char`, `f64`, `Gc<T>`, or `&T` where `T` implements \
            `metatracer::JitGreen` (embed a `metatracer::JitIdentity` in it): a trace \
            specialises on what a green points to and must die with it"
)]
pub trait GreenValue: Word {
    /// How the value becomes a key word.
    const GREEN: GreenKind;
}

macro_rules! plain_greens {
    ($($t:ty),*) => {$(
        impl GreenValue for $t {
            const GREEN: GreenKind = GreenKind::Plain;
        }
    )*};
}
plain_greens!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize, bool, char, f64);

impl<T: 'static> GreenValue for Gc<T> {
    const GREEN: GreenKind = GreenKind::Gc;
}

impl<T: 'static> GreenValue for Option<Gc<T>> {
    const GREEN: GreenKind = GreenKind::Gc;
}

impl<T: JitGreen> GreenValue for &T {
    const GREEN: GreenKind = GreenKind::Identity(identity_of::<T>);
}

/// Reads the identity number of the `T` at address `w`.
///
/// # Safety
/// `w` must be the address of a live `T`.
unsafe fn identity_of<T: JitGreen>(w: u64) -> u64 {
    // SAFETY: the caller guarantees `w` is a live `T` (a green's concrete value).
    let id = unsafe { &*(w as usize as *const T) }.jit_identity();
    id.seen.store(true, Ordering::Relaxed);
    id.id
}

/// An object outside the GC heap that traces may specialise on (the target of a green `&T`).
///
/// Implement it by embedding a [`JitIdentity`] and returning it:
///
/// ```
/// struct Program { ops: Vec<u8>, id: metatracer::JitIdentity }
/// impl metatracer::JitGreen for Program {
///     fn jit_identity(&self) -> &metatracer::JitIdentity { &self.id }
/// }
/// ```
///
/// The contents reachable from the object through `&` must not change while it keeps its
/// identity; after changing them through `&mut`, call [`JitIdentity::renew`].
pub trait JitGreen {
    /// The identity embedded in this object.
    fn jit_identity(&self) -> &JitIdentity;
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A number never handed out before in this process (identities and the dependency numbers
/// of quasi-immutable cells share the counter, so they never collide).
pub(crate) fn fresh_number() -> u64 {
    NEXT_ID.fetch_add(1, Ordering::Relaxed)
}

/// A number that identifies one object for the JIT, never reused in the process. Dropping it
/// (with the object that embeds it) invalidates every trace that saw it and frees their code.
///
/// Traces are per thread: dropping the object on another thread than the one that traced it
/// leaves those traces allocated (they can never run again, since no object gets the number
/// again) until that thread calls `jit::reset` or exits.
#[derive(Debug)]
pub struct JitIdentity {
    id: u64,
    /// Whether a loop key was ever made from it (only then is there anything to invalidate).
    /// Atomic only so that objects embedding it stay `Sync`; the JIT is per thread.
    seen: AtomicBool,
}

impl JitIdentity {
    /// A fresh identity.
    pub fn new() -> Self {
        JitIdentity {
            id: fresh_number(),
            seen: AtomicBool::new(false),
        }
    }

    /// The number (for logs and tests).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Gives the object a new identity after its contents changed: traces of the old one are
    /// invalidated (and freed) as if the object had been dropped.
    pub fn renew(&mut self) {
        drop(std::mem::take(self));
    }
}

impl Default for JitIdentity {
    fn default() -> Self {
        Self::new()
    }
}

/// A clone is another object: it gets its own identity.
impl Clone for JitIdentity {
    fn clone(&self) -> Self {
        JitIdentity::new()
    }
}

impl Drop for JitIdentity {
    fn drop(&mut self) {
        if self.seen.load(Ordering::Relaxed) {
            super::driver::identity_died(self.id);
        }
    }
}
