//! [`ArgVec`]: the scratch vector of values that built-ins and the call machinery collect on
//! the Rust side (call arguments, items of an iterable, sort keys).
//!
//! Rooting (see "Rooting in pyguest" in docs/gc.md): up to [`INLINE`] values live inline, so a
//! local `ArgVec` keeps them on the native stack where the collector's conservative scan pins
//! them. Longer vectors move to a [`PinnedVec`], which the collector scans the same way. So an
//! `ArgVec` may be held across allocation and calls into guest code, and its elements never
//! move: slices of it stay valid. Assumes `Value`'s pointer case is a plain object address.

use crate::value::Value;
use metatracer::gc::PinnedVec;
use smallvec::SmallVec;

/// Values kept inline before spilling into a pinned heap vector.
pub const INLINE: usize = 16;

/// A growable vector of values that is always visible to the collector.
#[derive(Default)]
pub struct ArgVec {
    small: SmallVec<[Value; INLINE]>,
    big: Option<PinnedVec<Value>>,
}

impl ArgVec {
    /// An empty vector.
    #[inline]
    pub fn new() -> Self {
        ArgVec {
            small: SmallVec::new(),
            big: None,
        }
    }
    /// An empty vector with room for `n` values.
    #[inline]
    pub fn with_capacity(n: usize) -> Self {
        if n <= INLINE {
            Self::new()
        } else {
            ArgVec {
                small: SmallVec::new(),
                big: Some(PinnedVec::with_capacity(n)),
            }
        }
    }
    /// A vector holding a copy of `items`.
    pub fn from_slice(items: &[Value]) -> Self {
        let mut v = Self::with_capacity(items.len());
        v.extend_from_slice(items);
        v
    }
    #[cold]
    fn spill(&mut self) -> &mut PinnedVec<Value> {
        let mut b = PinnedVec::with_capacity(2 * INLINE);
        b.extend_from_slice(&self.small);
        self.small.clear();
        self.big.insert(b)
    }
    /// Appends `x`.
    #[inline]
    pub fn push(&mut self, x: Value) {
        match &mut self.big {
            Some(b) => b.push(x),
            None if self.small.len() < INLINE => self.small.push(x),
            None => self.spill().push(x),
        }
    }
    /// Appends all of `items`.
    pub fn extend_from_slice(&mut self, items: &[Value]) {
        if self.big.is_none() && self.small.len() + items.len() <= INLINE {
            self.small.extend_from_slice(items);
        } else {
            let b = match &mut self.big {
                Some(b) => b,
                None => self.spill(),
            };
            b.extend_from_slice(items);
        }
    }
    /// Removes and returns the last value.
    pub fn pop(&mut self) -> Option<Value> {
        match &mut self.big {
            Some(b) => b.pop(),
            None => self.small.pop(),
        }
    }
    /// Inserts `x` at `i`.
    pub fn insert(&mut self, i: usize, x: Value) {
        if self.big.is_none() && self.small.len() == INLINE {
            self.spill();
        }
        match &mut self.big {
            Some(b) => b.insert(i, x),
            None => self.small.insert(i, x),
        }
    }
    /// Removes the value at `i`.
    pub fn remove(&mut self, i: usize) -> Value {
        match &mut self.big {
            Some(b) => b.remove(i),
            None => self.small.remove(i),
        }
    }
    /// Shortens to `n` values.
    pub fn truncate(&mut self, n: usize) {
        match &mut self.big {
            Some(b) => b.truncate(n),
            None => self.small.truncate(n),
        }
    }
    /// Removes all values.
    pub fn clear(&mut self) {
        self.truncate(0)
    }
    /// Keeps the values for which `f` holds.
    pub fn retain(&mut self, f: impl FnMut(&mut Value) -> bool) {
        match &mut self.big {
            Some(b) => b.retain_mut(f),
            None => self.small.retain(f),
        }
    }
}

impl Clone for ArgVec {
    fn clone(&self) -> Self {
        ArgVec::from_slice(self)
    }
}

impl std::ops::Deref for ArgVec {
    type Target = [Value];
    #[inline]
    fn deref(&self) -> &[Value] {
        match &self.big {
            Some(b) => b,
            None => &self.small,
        }
    }
}

impl std::ops::DerefMut for ArgVec {
    #[inline]
    fn deref_mut(&mut self) -> &mut [Value] {
        match &mut self.big {
            Some(b) => b,
            None => &mut self.small,
        }
    }
}

impl Extend<Value> for ArgVec {
    fn extend<I: IntoIterator<Item = Value>>(&mut self, iter: I) {
        for x in iter {
            self.push(x);
        }
    }
}

impl<'a> Extend<&'a Value> for ArgVec {
    fn extend<I: IntoIterator<Item = &'a Value>>(&mut self, iter: I) {
        for &x in iter {
            self.push(x);
        }
    }
}

impl FromIterator<Value> for ArgVec {
    fn from_iter<I: IntoIterator<Item = Value>>(iter: I) -> Self {
        let it = iter.into_iter();
        let mut v = ArgVec::with_capacity(it.size_hint().0);
        v.extend(it);
        v
    }
}

/// By-value iteration; the vector (and so its rooting) lives as long as the iterator.
pub struct IntoIter {
    v: ArgVec,
    i: usize,
}

impl Iterator for IntoIter {
    type Item = Value;
    #[inline]
    fn next(&mut self) -> Option<Value> {
        let x = self.v.get(self.i).copied();
        self.i += 1;
        x
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.v.len().saturating_sub(self.i);
        (n, Some(n))
    }
}

impl IntoIterator for ArgVec {
    type Item = Value;
    type IntoIter = IntoIter;
    fn into_iter(self) -> IntoIter {
        IntoIter { v: self, i: 0 }
    }
}

impl<'a> IntoIterator for &'a ArgVec {
    type Item = &'a Value;
    type IntoIter = std::slice::Iter<'a, Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spills_and_keeps_order() {
        let mut v = ArgVec::new();
        for i in 0..40 {
            v.push(Value::small(i));
        }
        v.insert(0, Value::small(-1));
        assert_eq!(v.len(), 41);
        assert_eq!(v[0], Value::small(-1));
        assert_eq!(v[40], Value::small(39));
        assert_eq!(v.remove(0), Value::small(-1));
        let w: ArgVec = v
            .into_iter()
            .filter(|x| x.as_small().unwrap() % 2 == 0)
            .collect();
        assert_eq!(w.len(), 20);
        assert_eq!(w[19], Value::small(38));
    }
}
