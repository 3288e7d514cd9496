//! Register values: Rust values that traced code keeps in one or more consecutive jitcode
//! registers.
//!
//! A [`Word`](super::word::Word) is one register. [`Regs`] extends that to small `Copy`
//! aggregates of register values, so that `Option<i64>`, `Result<Value, Error>` and
//! `(Value, bool)` can be returned by `#[look_inside]` helpers, matched, and propagated with
//! `?` without touching memory. The representation (fixed per type, never per value) is:
//!
//! | type | registers |
//! |---|---|
//! | a `Word` (integers, `bool`, `char`, `f64`, `()`, pointers, `Gc<T>`) | its word |
//! | `Option<T>`, `T` a non-null pointer (`&T`, `&mut T`, `Gc<T>`, slices) | `T`'s words, 0 for `None` |
//! | other `Option<T>` | tag (1 `Some`, 0 `None`), then `T`'s registers |
//! | `Result<T, E>` | tag (0 `Ok`, 1 `Err`), then `T`'s registers, then `E`'s |
//! | tuples `(A, B)` .. `(A, B, C, D)` | the registers of each element, in order |
//! | slices `&[T]`, `&mut [T]` | data pointer, then length |
//!
//! The registers of the variant that is not present hold zero words of their kind (a null
//! pointer for `Ref` registers, so the GC never sees a stale reference there). A
//! [`Sym<T>`](super::codewriter::Sym) names the first register; the others follow it.
//!
//! Assumption: every register value is `Copy`-like: the JIT copies its words freely (the
//! traced subset only moves register values, it never runs their destructors).

use super::word::{AbiVal, Kind, Word};

/// A value traced code holds in [`Regs::WIDTH`] consecutive registers (see the module doc).
///
/// # Safety
/// `read_words` applied to the words `write_words` produced must give back the value, and
/// `kinds` must describe each word (a `Ref` word must be a pointer or 0).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be held in JIT registers",
    label = "`{Self}` is not a register value",
    note = "traced code handles integers, bool, char, f64, references, raw pointers, `Gc<T>`, \
            `#[derive(metatracer::RegValue)]` structs, and `Option`, `Result` and tuples of \
            those; move code that handles other values into a function without \
            `#[look_inside]` so it becomes a residual call"
)]
pub unsafe trait Regs: Sized {
    /// How many registers.
    const WIDTH: usize;
    /// Whether `Option<Self>` can use the null word as `None` (`Self` is one non-null pointer).
    const NICHE: bool = false;
    /// How the first word is passed in native calls.
    type Abi0: AbiVal;
    /// Appends the kind of each register.
    fn kinds(out: &mut Vec<Kind>);
    /// Writes the value's [`Regs::WIDTH`] words to `out[..WIDTH]`.
    fn write_words(self, out: &mut [u64]);
    /// Rebuilds the value from `w[..WIDTH]`.
    ///
    /// # Safety
    /// The words must come from [`Regs::write_words`] of a value of this type whose pointers
    /// are still valid.
    unsafe fn read_words(w: &[u64]) -> Self;
}

macro_rules! word_regs {
    ($($(#[$niche:ident])? [$($g:tt)*] $t:ty;)*) => {$(
        // SAFETY: one word, converted by the type's `Word` impl.
        unsafe impl<$($g)*> Regs for $t {
            const WIDTH: usize = 1;
            $(const NICHE: bool = word_regs!(@$niche);)?
            type Abi0 = <$t as Word>::Abi;
            fn kinds(out: &mut Vec<Kind>) {
                out.push(<$t as Word>::KIND);
            }
            #[inline(always)]
            fn write_words(self, out: &mut [u64]) {
                out[0] = self.to_word();
            }
            #[inline(always)]
            unsafe fn read_words(w: &[u64]) -> Self {
                // SAFETY: the caller passes a word made by `to_word` of a live value.
                unsafe { <$t as Word>::from_word(w[0]) }
            }
        }
    )*};
    (@niche) => { true };
}
word_regs! {
    [] u8; [] u16; [] u32; [] u64; [] usize; [] i8; [] i16; [] i32; [] i64; [] isize;
    [] bool; [] char; [] f64; [] ();
    #[niche] ['a, T] &'a T;
    #[niche] ['a, T] &'a mut T;
    [T] *const T; [T] *mut T;
    #[niche] [T] crate::gc::Gc<T>;
}

/// The word order of a slice reference: `(data pointer offset, length offset)` in bytes,
/// found by inspecting one (Rust does not promise an order).
pub fn slice_layout() -> (usize, usize) {
    let xs = [0u8; 3];
    let s: &[u8] = &xs;
    // SAFETY: a slice reference is two initialized words; reading them as integers observes
    // the representation without creating a second reference.
    let w: [usize; 2] = unsafe { std::mem::transmute::<&[u8], [usize; 2]>(s) };
    if w[0] == xs.as_ptr() as usize {
        (0, 1)
    } else {
        (1, 0)
    }
}

macro_rules! slice_regs {
    ($($r:ty, $from:ident;)*) => {$(
        // SAFETY: two words, data pointer (never null) then length; rebuilt by
        // `from_raw_parts` from the values `write_words` took apart.
        unsafe impl<'a, T> Regs for $r {
            const WIDTH: usize = 2;
            const NICHE: bool = true;
            type Abi0 = u64;
            fn kinds(out: &mut Vec<Kind>) {
                out.extend([Kind::Ref, Kind::Int]);
            }
            #[inline(always)]
            fn write_words(self, out: &mut [u64]) {
                out[0] = self.as_ptr() as u64;
                out[1] = self.len() as u64;
            }
            #[inline(always)]
            unsafe fn read_words(w: &[u64]) -> Self {
                // SAFETY: the words came from a live slice of this type (caller contract).
                unsafe { std::slice::$from(w[0] as *mut T, w[1] as usize) }
            }
        }
    )*};
}
slice_regs! { &'a [T], from_raw_parts; &'a mut [T], from_raw_parts_mut; }

// SAFETY: the tag is 0 or 1; the payload words are `T`'s (zero words for `None`); with a
// niche, `T` is one non-null pointer word and `None` is 0.
unsafe impl<T: Regs> Regs for Option<T> {
    const WIDTH: usize = if T::NICHE { T::WIDTH } else { 1 + T::WIDTH };
    type Abi0 = u64;
    fn kinds(out: &mut Vec<Kind>) {
        if !T::NICHE {
            out.push(Kind::Int);
        }
        T::kinds(out);
    }
    #[inline(always)]
    fn write_words(self, out: &mut [u64]) {
        let (tag, rest) = if T::NICHE {
            (None, &mut out[..Self::WIDTH])
        } else {
            let (t, r) = out[..Self::WIDTH].split_at_mut(1);
            (Some(t), r)
        };
        match self {
            Some(v) => {
                if let Some(t) = tag {
                    t[0] = 1;
                }
                v.write_words(rest);
            }
            None => {
                if let Some(t) = tag {
                    t[0] = 0;
                }
                rest.fill(0);
            }
        }
    }
    #[inline(always)]
    unsafe fn read_words(w: &[u64]) -> Self {
        let (some, rest) = if T::NICHE {
            (w[0] != 0, w)
        } else {
            (w[0] != 0, &w[1..])
        };
        // SAFETY: the payload words of a `Some` came from `T::write_words` (caller contract).
        some.then(|| unsafe { T::read_words(rest) })
    }
}

// SAFETY: tag then both payloads; only the present one is read back.
unsafe impl<T: Regs, E: Regs> Regs for Result<T, E> {
    const WIDTH: usize = 1 + T::WIDTH + E::WIDTH;
    type Abi0 = u64;
    fn kinds(out: &mut Vec<Kind>) {
        out.push(Kind::Int);
        T::kinds(out);
        E::kinds(out);
    }
    #[inline(always)]
    fn write_words(self, out: &mut [u64]) {
        let out = &mut out[..Self::WIDTH];
        out.fill(0);
        match self {
            Ok(v) => v.write_words(&mut out[1..]),
            Err(e) => {
                out[0] = 1;
                e.write_words(&mut out[1 + T::WIDTH..]);
            }
        }
    }
    #[inline(always)]
    unsafe fn read_words(w: &[u64]) -> Self {
        // SAFETY: the words of the variant the tag names came from its `write_words`.
        unsafe {
            if w[0] == 0 {
                Ok(T::read_words(&w[1..]))
            } else {
                Err(E::read_words(&w[1 + T::WIDTH..]))
            }
        }
    }
}

macro_rules! tuple_regs {
    ($($first:ident $($t:ident)*;)*) => {$(
        // SAFETY: the elements' words, concatenated.
        #[allow(non_snake_case, unused_assignments)]
        unsafe impl<$first: Regs, $($t: Regs),*> Regs for ($first, $($t),*) {
            const WIDTH: usize = $first::WIDTH $(+ $t::WIDTH)*;
            type Abi0 = $first::Abi0;
            fn kinds(out: &mut Vec<Kind>) {
                $first::kinds(out);
                $($t::kinds(out);)*
            }
            #[inline(always)]
            fn write_words(self, out: &mut [u64]) {
                let ($first, $($t),*) = self;
                let mut at = 0;
                $first.write_words(&mut out[at..]);
                at += <$first as Regs>::WIDTH;
                $( $t.write_words(&mut out[at..]); at += <$t as Regs>::WIDTH; )*
            }
            #[inline(always)]
            unsafe fn read_words(w: &[u64]) -> Self {
                let mut at = 0;
                // SAFETY: each element's words came from its `write_words`.
                let $first = unsafe { <$first as Regs>::read_words(&w[at..]) };
                at += <$first as Regs>::WIDTH;
                // SAFETY: as above.
                $( let $t = unsafe { <$t as Regs>::read_words(&w[at..]) }; at += <$t as Regs>::WIDTH; )*
                ($first, $($t),*)
            }
        }
    )*};
}
tuple_regs! { A B; A B C; A B C D; }

/// The register offset of element `K` of a tuple, and its type.
pub trait TupleElem<const K: usize>: Regs {
    /// The element's type.
    type Elem: Regs;
    /// Its first register, relative to the tuple's.
    const OFFSET: usize;
}
macro_rules! tuple_elems {
    ($($k:literal => $e:ident [$($before:ident),*] in ($($all:ident),*);)*) => {$(
        impl<$($all: Regs),*> TupleElem<$k> for ($($all),*) {
            type Elem = $e;
            const OFFSET: usize = 0 $(+ $before::WIDTH)*;
        }
    )*};
}
tuple_elems! {
    0 => A [] in (A, B); 1 => B [A] in (A, B);
    0 => A [] in (A, B, C); 1 => B [A] in (A, B, C); 2 => C [A, B] in (A, B, C);
    0 => A [] in (A, B, C, D); 1 => B [A] in (A, B, C, D); 2 => C [A, B] in (A, B, C, D);
    3 => D [A, B, C] in (A, B, C, D);
}

/// The kinds of `T`'s registers.
pub fn kinds_of<T: Regs>() -> Vec<Kind> {
    let mut v = Vec::with_capacity(T::WIDTH);
    T::kinds(&mut v);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T: Regs + PartialEq + std::fmt::Debug + Clone>(v: T) -> Vec<u64> {
        let mut w = vec![7u64; T::WIDTH];
        v.clone().write_words(&mut w);
        // SAFETY: the words were just written from a value without pointers.
        assert_eq!(unsafe { T::read_words(&w) }, v);
        assert_eq!(kinds_of::<T>().len(), T::WIDTH);
        w
    }

    #[test]
    fn layouts() {
        assert_eq!(round_trip(Some(-3i64)), vec![1, (-3i64) as u64]);
        assert_eq!(round_trip(None::<i64>), vec![0, 0]);
        assert_eq!(round_trip(Ok::<i32, bool>(5)), vec![0, 5, 0]);
        assert_eq!(round_trip(Err::<i32, bool>(true)), vec![1, 0, 1]);
        assert_eq!(round_trip((1.5f64, true)), vec![1.5f64.to_bits(), 1]);
        assert_eq!(round_trip(Some((1u8, Some(2i8)))), vec![1, 1, 1, 2]);
        assert_eq!(<Option<&u8> as Regs>::WIDTH, 1);
        assert_eq!(
            kinds_of::<Result<f64, &u8>>(),
            vec![Kind::Int, Kind::Float, Kind::Ref]
        );
        assert_eq!(<(u8, f64, bool) as TupleElem<2>>::OFFSET, 2);
    }
}
