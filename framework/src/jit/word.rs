//! Values as machine words: how a Rust value travels through jitcode registers, traces and
//! residual calls.
//!
//! Every value the tracer handles is one 64-bit word plus a [`Kind`] (int, float, ref, void).
//! Integers are kept *canonical*: a signed type is sign-extended to 64 bits, an unsigned type is
//! zero-extended, so comparing two words compares the Rust values, and an `as` cast to a wider
//! type is the identity on words. [`Word`] converts a Rust type to and from its word; [`Num`]
//! adds what arithmetic needs (width, signedness, float-ness).
//!
//! Assumption: x86-64 (pointers are 64 bits).

/// The register class of a word; decides int vs float ops and what the GC must trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// An integer, boolean or character, canonical as described in the module doc.
    Int,
    /// An `f64`, stored as its bit pattern.
    Float,
    /// A pointer (reference, `Gc` handle, raw pointer).
    Ref,
    /// No value (`()`).
    Void,
}

/// How an integer or float type behaves in arithmetic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumKind {
    /// An integer of `bits` width, signed or not.
    Int {
        /// Width in bits (8, 16, 32 or 64).
        bits: u8,
        /// Whether the type is signed.
        signed: bool,
    },
    /// `f64`.
    Float,
}

/// A type that fits in one word. Implemented for integers, `bool`, `char`, `f64`, references,
/// raw pointers, `Gc<T>`, `Option<Gc<T>>` and `()`.
///
/// # Safety
/// `from_word(to_word(x))` must give back `x`, and `KIND` must describe the word correctly (a
/// `Ref` word must be a pointer, or the GC may misread it).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be held in a JIT register",
    note = "traced code handles integers, bool, char, f64, references, raw pointers and `Gc<T>`; \
            move code that handles other values into a function without `#[look_inside]` so it \
            becomes a residual call"
)]
pub unsafe trait Word: Sized {
    /// The register class.
    const KIND: Kind;
    /// How the value is passed in native calls (`u64` in an integer register, `f64` in an SSE
    /// register).
    type Abi: AbiVal;
    /// The value as a canonical word.
    fn to_word(self) -> u64;
    /// Rebuilds the value from a word made by [`Word::to_word`].
    ///
    /// # Safety
    /// `w` must come from `to_word` of a value of this type that is still valid (a reference
    /// must still point to a live object).
    unsafe fn from_word(w: u64) -> Self;
}

/// A numeric type usable with arithmetic operators in traced code.
pub trait Num: Word + Copy + super::regs::Regs {
    /// Width/signedness or float.
    const NUM: NumKind;
}

macro_rules! int_words {
    ($($t:ty => $bits:expr, $signed:expr;)*) => {$(
        // SAFETY: integers convert losslessly through `as` (sign/zero extension then truncation).
        unsafe impl Word for $t {
            const KIND: Kind = Kind::Int;
            type Abi = u64;
            #[inline(always)]
            fn to_word(self) -> u64 { self as i128 as u64 }
            #[inline(always)]
            unsafe fn from_word(w: u64) -> Self { w as $t }
        }
        impl Num for $t {
            const NUM: NumKind = NumKind::Int { bits: $bits, signed: $signed };
        }
    )*};
}
int_words! {
    u8 => 8, false; u16 => 16, false; u32 => 32, false; u64 => 64, false; usize => 64, false;
    i8 => 8, true; i16 => 16, true; i32 => 32, true; i64 => 64, true; isize => 64, true;
}

// SAFETY: `bool` is 0 or 1 and `from_word` only sees words made by `to_word`.
unsafe impl Word for bool {
    const KIND: Kind = Kind::Int;
    type Abi = u64;
    #[inline(always)]
    fn to_word(self) -> u64 {
        self as u64
    }
    #[inline(always)]
    unsafe fn from_word(w: u64) -> Self {
        w != 0
    }
}

// SAFETY: `char` round-trips through its scalar value.
unsafe impl Word for char {
    const KIND: Kind = Kind::Int;
    type Abi = u64;
    #[inline(always)]
    fn to_word(self) -> u64 {
        self as u64
    }
    #[inline(always)]
    unsafe fn from_word(w: u64) -> Self {
        char::from_u32(w as u32).unwrap_or('\0')
    }
}

// SAFETY: the bit pattern round-trips exactly.
unsafe impl Word for f64 {
    const KIND: Kind = Kind::Float;
    type Abi = f64;
    #[inline(always)]
    fn to_word(self) -> u64 {
        self.to_bits()
    }
    #[inline(always)]
    unsafe fn from_word(w: u64) -> Self {
        f64::from_bits(w)
    }
}
impl Num for f64 {
    const NUM: NumKind = NumKind::Float;
}

// SAFETY: unit carries no data.
unsafe impl Word for () {
    const KIND: Kind = Kind::Void;
    type Abi = u64;
    #[inline(always)]
    fn to_word(self) -> u64 {
        0
    }
    #[inline(always)]
    unsafe fn from_word(_: u64) -> Self {}
}

// SAFETY: a thin reference is a pointer; the caller of `from_word` promises it is still valid.
unsafe impl<T> Word for &T {
    const KIND: Kind = Kind::Ref;
    type Abi = u64;
    #[inline(always)]
    fn to_word(self) -> u64 {
        self as *const T as u64
    }
    #[inline(always)]
    unsafe fn from_word(w: u64) -> Self {
        // SAFETY: see the trait contract: `w` came from a live `&T`.
        unsafe { &*(w as *const T) }
    }
}

// SAFETY: as for `&T`; the interpreter that made the reference still holds it uniquely, the
// JIT only passes it along the same path the interpreter would.
unsafe impl<T> Word for &mut T {
    const KIND: Kind = Kind::Ref;
    type Abi = u64;
    #[inline(always)]
    fn to_word(self) -> u64 {
        self as *mut T as u64
    }
    #[inline(always)]
    unsafe fn from_word(w: u64) -> Self {
        // SAFETY: see the trait contract.
        unsafe { &mut *(w as *mut T) }
    }
}

// SAFETY: raw pointers are words.
unsafe impl<T> Word for *const T {
    const KIND: Kind = Kind::Ref;
    type Abi = u64;
    #[inline(always)]
    fn to_word(self) -> u64 {
        self as u64
    }
    #[inline(always)]
    unsafe fn from_word(w: u64) -> Self {
        w as *const T
    }
}

// SAFETY: raw pointers are words.
unsafe impl<T> Word for *mut T {
    const KIND: Kind = Kind::Ref;
    type Abi = u64;
    #[inline(always)]
    fn to_word(self) -> u64 {
        self as u64
    }
    #[inline(always)]
    unsafe fn from_word(w: u64) -> Self {
        w as *mut T
    }
}

// SAFETY: a `Gc` is one non-null pointer to the payload.
unsafe impl<T> Word for crate::gc::Gc<T> {
    const KIND: Kind = Kind::Ref;
    type Abi = u64;
    #[inline(always)]
    fn to_word(self) -> u64 {
        self.addr() as u64
    }
    #[inline(always)]
    unsafe fn from_word(w: u64) -> Self {
        // SAFETY: the word came from a live `Gc<T>` (trait contract).
        unsafe { crate::gc::Gc::from_raw(w as *const T) }
    }
}

// SAFETY: `None` is the null word (a `Gc` is never null).
unsafe impl<T> Word for Option<crate::gc::Gc<T>> {
    const KIND: Kind = Kind::Ref;
    type Abi = u64;
    #[inline(always)]
    fn to_word(self) -> u64 {
        self.map_or(0, |g| g.addr() as u64)
    }
    #[inline(always)]
    unsafe fn from_word(w: u64) -> Self {
        if w == 0 {
            None
        } else {
            // SAFETY: a non-null word came from a live `Gc<T>`.
            Some(unsafe { crate::gc::Gc::from_raw(w as *const T) })
        }
    }
}

/// A native-call argument or result representation: `u64` or `f64`.
pub trait AbiVal: Copy {
    /// From a canonical word.
    fn from_bits(w: u64) -> Self;
    /// To a canonical word.
    fn to_bits(self) -> u64;
}
impl AbiVal for u64 {
    #[inline(always)]
    fn from_bits(w: u64) -> Self {
        w
    }
    #[inline(always)]
    fn to_bits(self) -> u64 {
        self
    }
}
impl AbiVal for f64 {
    #[inline(always)]
    fn from_bits(w: u64) -> Self {
        f64::from_bits(w)
    }
    #[inline(always)]
    fn to_bits(self) -> u64 {
        f64::to_bits(self)
    }
}

/// Brings a 64-bit result of an integer op back to canonical form for a `bits`-wide type.
#[inline]
pub fn normalize(w: u64, bits: u8, signed: bool) -> u64 {
    match (bits, signed) {
        (64, _) => w,
        (b, false) => w & ((1u64 << b) - 1),
        (b, true) => (((w << (64 - b)) as i64) >> (64 - b)) as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_ints_round_trip() {
        assert_eq!((-3i8).to_word(), u64::MAX - 2);
        assert_eq!(200u8.to_word(), 200);
        // SAFETY: the words come from `to_word` of the same types.
        unsafe {
            assert_eq!(i8::from_word((-3i8).to_word()), -3);
            assert_eq!(f64::from_word(1.5f64.to_word()), 1.5);
        }
        assert_eq!(normalize(256 + 7, 8, false), 7);
        assert_eq!(normalize(0xff, 8, true), u64::MAX);
    }
}
