//! GC roots held by the JIT: words the tracer and the blackhole interpreter keep on the Rust
//! heap (registers, recorded constants) published where the collector looks.
//!
//! The collector only finds references on the native stack, in callee-saved registers, in
//! GC objects and in registered roots (`docs/gc.md`). The tracer's and the blackhole's
//! registers are vectors on the Rust heap, so a young object whose only reference is in such
//! a register would be freed (or moved without the register being updated) by a collection
//! inside a residual call. [`JitRoots`] is a [`PinnedVec`] of such words: the collector
//! scans it conservatively like stack words, so what it points to (even through an interior
//! pointer) stays alive and is pinned: it never moves again, which also keeps constants the
//! tracer records valid for the machine code compiled from them.
//!
//! Assumption: a collection can only happen inside a call (allocation is a call), so the
//! words must be published before each residual call the tracer or the blackhole makes;
//! words that move between two calls (exit buffer to blackhole registers, state words back to
//! the interpreter) are never held across an allocation.

use super::word::Kind;
use crate::gc::PinnedVec;
use std::fmt;

/// A conservatively scanned, pinning root of JIT-held words.
#[derive(Default)]
pub struct JitRoots(PinnedVec<u64>);

impl JitRoots {
    /// Keeps `w` (a word of kind `kind`) alive and in place; only references are recorded.
    #[inline]
    pub fn keep(&mut self, kind: Kind, w: u64) {
        if kind == Kind::Ref && w != 0 && self.0.last() != Some(&w) {
            self.0.push(w);
        }
    }

    /// Replaces the contents by `words` (the reference words currently held).
    pub fn set(&mut self, words: impl Iterator<Item = u64>) {
        self.0.clear();
        self.0.extend(words.filter(|w| *w != 0));
    }

    /// Number of words held.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A copy is another root holding the same words.
impl Clone for JitRoots {
    fn clone(&self) -> Self {
        let mut v = PinnedVec::with_capacity(self.0.len());
        v.extend(self.0.iter().copied());
        JitRoots(v)
    }
}

impl fmt::Debug for JitRoots {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "JitRoots({} words)", self.0.len())
    }
}
