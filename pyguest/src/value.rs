//! The value representation: one 64-bit tagged word per Python value.
//!
//! Encoding (low bits decide):
//! * `...1`   a small int, the value shifted left by one (63-bit signed range);
//! * `..010`  an immediate constant: `None`, `False`, `True`, `NotImplemented`, `Ellipsis`,
//!   and an interpreter-internal marker (`DUMMY` for deleted set slots);
//! * `..000`  (non-zero) the plain address of a GC object whose first byte is its [`Kind`];
//! * `0`      `NULL`: an unbound local, an empty slot, "no value" in internal protocols.
//!
//! Assumes every heap object is `#[repr(C)]` with a `kind: u8` first field (see `objects/mod.rs`),
//! and that GC addresses are 8-byte aligned. The pointer case holds the plain object address,
//! so [`Value`]'s `Trace` impl hands it to the collector with `Tracer::visit_word`.

use metatracer::gc::{Gc, Trace, Tracer};

/// A Python value (see the module docs for the encoding).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[repr(transparent)]
pub struct Value(pub u64);

/// Object kinds: the first byte of every heap object.
#[repr(u8)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Str = 1,
    Float,
    BigInt,
    List,
    Tuple,
    Dict,
    Set,
    FrozenSet,
    Bytes,
    ByteArray,
    Range,
    Slice,
    Function,
    Builtin,
    BoundMethod,
    Code,
    Class,
    Instance,
    Module,
    Cell,
    Generator,
    Iter,
    Property,
    ClassMethod,
    StaticMethod,
    Super,
    Frame,
    Complex,
    /// A `str` holding lone surrogates (`objects/surr.rs`): a `StrObj` that code reading
    /// UTF-8 text through `as_str` never sees.
    SurrStr,
}

/// Small ints are 63-bit.
pub const SMALL_MIN: i64 = -(1 << 62);
pub const SMALL_MAX: i64 = (1 << 62) - 1;

impl Value {
    pub const NULL: Value = Value(0);
    pub const NONE: Value = Value(0x02);
    pub const FALSE: Value = Value(0x0A);
    pub const TRUE: Value = Value(0x12);
    pub const NOT_IMPLEMENTED: Value = Value(0x1A);
    pub const ELLIPSIS: Value = Value(0x22);
    /// Marks a deleted slot in set tables.
    pub const DUMMY: Value = Value(0x2A);

    #[inline(always)]
    pub fn is_null(self) -> bool {
        is_null(self)
    }
    #[inline(always)]
    pub fn is_int(self) -> bool {
        is_int(self)
    }
    /// The small int (caller checked `is_int`).
    #[inline(always)]
    pub fn as_int_unchecked(self) -> i64 {
        int_of(self)
    }
    #[inline(always)]
    pub fn as_small(self) -> Option<i64> {
        if self.is_int() {
            Some(self.as_int_unchecked())
        } else {
            None
        }
    }
    /// A small int value; the caller guarantees the range.
    #[inline(always)]
    pub fn small(i: i64) -> Value {
        debug_assert!((SMALL_MIN..=SMALL_MAX).contains(&i));
        Value(((i << 1) | 1) as u64)
    }
    #[inline(always)]
    pub fn fits_small(i: i64) -> bool {
        fits_small(i)
    }
    #[inline(always)]
    pub fn bool(b: bool) -> Value {
        bool_value(b)
    }
    #[inline(always)]
    pub fn is_ptr(self) -> bool {
        is_ptr(self)
    }
    #[inline(always)]
    pub fn is_none(self) -> bool {
        self.0 == Value::NONE.0
    }
    /// The kind of a heap object, or `None` for immediates.
    #[inline(always)]
    pub fn kind(self) -> Option<Kind> {
        if self.is_ptr() {
            // SAFETY: pointer values address a live object whose first byte is a valid `Kind`.
            Some(unsafe { *(self.0 as *const Kind) })
        } else {
            None
        }
    }
    #[inline(always)]
    pub fn is_kind(self, k: Kind) -> bool {
        self.kind() == Some(k)
    }
    /// Wraps a GC object handle.
    #[inline(always)]
    pub fn obj<T>(g: Gc<T>) -> Value {
        Value(g.addr() as u64)
    }
    /// Reinterprets as a handle to `T`.
    ///
    /// # Safety
    /// The value must be a pointer to an object of type `T` (its kind was checked).
    #[inline(always)]
    pub unsafe fn as_gc<T>(self) -> Gc<T> {
        // SAFETY: guaranteed by the caller.
        unsafe { Gc::from_raw(self.0 as *const T) }
    }
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(i) = self.as_small() {
            write!(f, "Int({i})")
        } else if let Some(k) = self.kind() {
            write!(f, "{k:?}@{:x}", self.0)
        } else {
            write!(f, "Imm({:x})", self.0)
        }
    }
}

// SAFETY: the only reference a value can hold is the pointer case, visited as a word holding
// the plain object address.
unsafe impl Trace for Value {
    const HAS_REFS: bool = true;
    #[inline]
    fn trace(&self, tracer: &mut Tracer) {
        if self.is_ptr() {
            // SAFETY: `self` is a slot inside a live object or root that holds an object address.
            unsafe { tracer.visit_word(&self.0 as *const u64 as *mut usize) }
        }
    }
}

// ---------------------------------------------------------------- the value in traced code

// SAFETY: a value is one word; `from_word` accepts any word (every word is a valid `Value`,
// see `AnyBits` below). It is a `Ref` word for the JIT: the tracer and the blackhole publish
// their `Ref` registers to the collector, which scans them conservatively (an immediate or a
// small int never matches an object), and constants of this kind are pinned, so a value that
// holds an object address stays valid in traces and machine code.
unsafe impl metatracer::jit::word::Word for Value {
    const KIND: metatracer::jit::word::Kind = metatracer::jit::word::Kind::Ref;
    type Abi = u64;
    #[inline(always)]
    fn to_word(self) -> u64 {
        self.0
    }
    #[inline(always)]
    unsafe fn from_word(w: u64) -> Self {
        Value(w)
    }
}

// SAFETY: one `Ref` word, converted by the `Word` impl above.
unsafe impl metatracer::jit::regs::Regs for Value {
    const WIDTH: usize = 1;
    type Abi0 = u64;
    fn kinds(out: &mut Vec<metatracer::jit::word::Kind>) {
        out.push(metatracer::jit::word::Kind::Ref);
    }
    #[inline(always)]
    fn write_words(self, out: &mut [u64]) {
        out[0] = self.0;
    }
    #[inline(always)]
    unsafe fn read_words(w: &[u64]) -> Self {
        Value(w[0])
    }
}

// Loads and stores of values in traced code: one 64-bit word.
impl metatracer::__private::Mem for Value {
    const MEM: metatracer::jit::jitcode::MemSize = metatracer::jit::jitcode::MemSize::W64;
}
impl metatracer::__private::MemValue for Value {
    fn load(
        cw: &mut metatracer::jit::codewriter::Codewriter,
        p: metatracer::__private::Place<Self>,
    ) -> metatracer::jit::codewriter::Sym<Self> {
        metatracer::__private::read(cw, p)
    }
    fn store(
        cw: &mut metatracer::jit::codewriter::Codewriter,
        p: metatracer::__private::Place<Self>,
        v: metatracer::jit::codewriter::Sym<Self>,
    ) {
        metatracer::__private::write(cw, p, v)
    }
}

// SAFETY: every word is a valid value (an int, an immediate, NULL or, for words made by the
// interpreter, an object address); the collector treats `Ref` words conservatively.
unsafe impl metatracer::AnyBits for Value {}

// A promoted value (a class, a map, a constant) is pinned for as long as the trace lives, like
// a `Gc` green.
impl metatracer::jit::validity::GreenValue for Value {
    const GREEN: metatracer::jit::validity::GreenKind = metatracer::jit::validity::GreenKind::Gc;
}

// The tests on values, as free functions: traced code inlines these (methods taking `self`
// by value are residual calls there); `Value`'s methods above call them.

/// `v.is_int()` for traced code.
#[metatracer::look_inside]
#[inline(always)]
pub fn is_int(v: Value) -> bool {
    metatracer::word_bits(v) & 1 == 1
}

/// `v.as_int_unchecked()` for traced code.
#[metatracer::look_inside]
#[inline(always)]
pub fn int_of(v: Value) -> i64 {
    (metatracer::word_bits(v) as i64) >> 1
}

/// A small int `Value` for traced code; `i` must be in the small range.
#[metatracer::look_inside]
#[inline(always)]
pub fn small(i: i64) -> Value {
    metatracer::from_word_bits(((i << 1) | 1) as u64)
}

/// Whether `i` fits a small int, for traced code.
#[metatracer::look_inside]
#[inline(always)]
// (two compares: traced code does not look inside `RangeInclusive::contains`)
#[allow(clippy::manual_range_contains)]
pub fn fits_small(i: i64) -> bool {
    i >= SMALL_MIN && i <= SMALL_MAX
}

/// `Value::bool(b)` for traced code.
#[metatracer::look_inside]
#[inline(always)]
pub fn bool_value(b: bool) -> Value {
    if b {
        Value::TRUE
    } else {
        Value::FALSE
    }
}

/// Whether `v` is an object address, for traced code.
#[metatracer::look_inside]
#[inline(always)]
pub fn is_ptr(v: Value) -> bool {
    let w = metatracer::word_bits(v);
    w & 7 == 0 && w != 0
}

/// The first byte of every heap object, as traced code reads it: a typed field, so the load
/// has an alias class of its own (a raw `*const u8` read may alias anything, which makes the
/// tracer perform its pending stores first, e.g. a float box's store into the frame) and is
/// immutable (an object's kind never changes).
#[repr(C)]
#[derive(metatracer::Trace, metatracer::Layout)]
pub struct ObjHead {
    pub kind: u8,
}

/// The kind byte of a heap object, or 0 for an immediate or a small int (traced: one load).
#[metatracer::look_inside]
#[inline(always)]
pub fn kind_byte(v: Value) -> u8 {
    if !is_ptr(v) {
        return 0;
    }
    // SAFETY: a pointer value addresses a live object whose first byte is its kind.
    let h: Gc<ObjHead> = unsafe { metatracer::word_to_value(metatracer::word_bits(v)) };
    h.kind
}

/// The words of `True`, `False` and `None`.
pub const TRUE_BITS: u64 = Value::TRUE.0;
pub const FALSE_BITS: u64 = Value::FALSE.0;
pub const NONE_BITS: u64 = Value::NONE.0;

/// Whether `v` is `NULL`, for traced code.
#[metatracer::look_inside]
#[inline(always)]
pub fn is_null(v: Value) -> bool {
    metatracer::word_bits(v) == 0
}

// SAFETY: a kind tag holds no references.
unsafe impl Trace for Kind {
    const HAS_REFS: bool = false;
    #[inline(always)]
    fn trace(&self, _: &mut Tracer) {}
}
