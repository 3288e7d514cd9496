//! The support library that macro-generated builder code calls (`metatracer::__private`).
//!
//! Nothing here is meant to be called by hand. Every function takes the [`Codewriter`] and
//! symbolic operands and emits jitcode; the generic parameters are inferred by rustc from the
//! mirror of the guest's code, which is how `a + b` becomes `int_add` or `float_add` without the
//! macro knowing any type. Residual calls go through trampolines monomorphized from the
//! callee's own type ([`tramp1`] and friends); the callee must be zero-sized (a fn item or a
//! non-capturing closure), which a `const` assertion checks.

pub use super::codewriter::{Builder, Codewriter, Label, Place, Sym};
pub use super::driver::{loop_header, HookResult, Portal};
pub use super::jitcode::Insn;
pub use super::jitcode::Reg;
use super::jitcode::{BinOp, CallDesc, Effect, MemSize, Trampoline, UnOp};
pub use super::validity::{GreenKind, GreenValue};
pub use super::word::{AbiVal, Kind, Num, NumKind, Word};
use std::any::TypeId;
use std::sync::Mutex;

/// Whether the JIT is compiled in (cargo feature `jit`). Hooks test it first, so a build
/// without the feature has no JIT code on the interpreter's path.
pub const ENABLED: bool = cfg!(feature = "jit");

/// Whether the JIT is switched on at run time (one relaxed atomic load, inlined into the hook
/// so `--jit off` costs the interpreter no call).
#[inline(always)]
pub fn jit_on() -> bool {
    super::params::JIT_ON.load(std::sync::atomic::Ordering::Relaxed)
}

/// Marks the JIT hook's body as unlikely, so the optimizer keeps it out of the interpreter's
/// hot code.
#[cold]
#[inline(never)]
pub fn cold_path() {}

// ---------------------------------------------------------------- registry of annotated fns

/// How calls of an annotated function are handled.
#[derive(Clone, Copy)]
pub enum FnKind {
    /// `#[elidable]`.
    Elidable,
    /// `#[dont_look_inside]`.
    DontLookInside,
    /// `#[dont_look_inside(read_only)]`: writes no memory that existed before the call.
    ReadOnly,
    /// `#[look_inside]` / `#[unroll_safe]`: inlined through its builder.
    Inline {
        /// The builder of its jitcode.
        builder: Builder,
        /// Loops inside may be unrolled.
        unroll_safe: bool,
    },
}

/// A registered annotated function (registered before `main` by the macros).
pub struct FnEntry {
    /// `TypeId` of the function item type.
    pub type_id: fn() -> TypeId,
    /// Its name, for logs.
    pub name: &'static str,
    /// The annotation.
    pub kind: FnKind,
}

static REGISTRY: Mutex<Vec<&'static FnEntry>> = Mutex::new(Vec::new());

/// Records an annotated function; called from an `.init_array` constructor the macros emit.
pub fn register(e: &'static FnEntry) {
    REGISTRY.lock().unwrap_or_else(|p| p.into_inner()).push(e);
}

/// The `TypeId` of a value's type (used on function items).
pub fn type_id_of_val<F: 'static>(_: &F) -> TypeId {
    TypeId::of::<F>()
}

fn lookup(id: TypeId) -> Option<(&'static str, FnKind)> {
    let reg = REGISTRY.lock().unwrap_or_else(|p| p.into_inner());
    reg.iter()
        .find(|e| (e.type_id)() == id)
        .map(|e| (e.name, e.kind))
}

// ---------------------------------------------------------------- memory traits

/// A [`Word`] type that can be loaded from and stored to memory.
pub trait Mem: Word {
    /// Access width and extension.
    const MEM: MemSize;
}
macro_rules! mem_impls {
    ($($t:ty => $m:ident),*) => {$( impl Mem for $t { const MEM: MemSize = MemSize::$m; } )*};
}
mem_impls!(u8 => U8, i8 => I8, u16 => U16, i16 => I16, u32 => U32, i32 => I32, u64 => W64,
    i64 => W64, usize => W64, isize => W64, bool => U8, char => U32, f64 => F64);
impl<T> Mem for &T {
    const MEM: MemSize = MemSize::W64;
}
impl<T> Mem for &mut T {
    const MEM: MemSize = MemSize::W64;
}
impl<T> Mem for *const T {
    const MEM: MemSize = MemSize::W64;
}
impl<T> Mem for *mut T {
    const MEM: MemSize = MemSize::W64;
}
impl<T> Mem for crate::gc::Gc<T> {
    const MEM: MemSize = MemSize::W64;
}
impl<T> Mem for Option<crate::gc::Gc<T>> {
    const MEM: MemSize = MemSize::W64;
}

/// A pointer type whose target traced code may access.
pub trait Pointer: Word {
    /// The pointee.
    type Target;
    /// Whether the pointee may be written through this pointer (and so may change).
    const MUTABLE: bool;
    /// Whether the pointee's plain fields never change after allocation (`Gc<T>`).
    const FROZEN: bool = false;
}
impl<T> Pointer for &T {
    type Target = T;
    const MUTABLE: bool = false;
}
impl<T> Pointer for &mut T {
    type Target = T;
    const MUTABLE: bool = true;
}
impl<T> Pointer for *const T {
    type Target = T;
    const MUTABLE: bool = true;
}
impl<T> Pointer for *mut T {
    type Target = T;
    const MUTABLE: bool = true;
}
impl<T> Pointer for crate::gc::Gc<T> {
    type Target = T;
    // Plain fields of GC objects are immutable once allocated (mutation goes through GcCell).
    const MUTABLE: bool = false;
    const FROZEN: bool = true;
}

/// A field of a struct declared with `#[derive(metatracer::Layout)]`; `H` hashes the name.
#[diagnostic::on_unimplemented(
    message = "traced code reads a field of `{Self}`, which has no declared layout",
    label = "field access in traced code",
    note = "add `#[derive(metatracer::Layout)]` to the struct (it must have this field)"
)]
pub trait HasField<const H: u64> {
    /// The field's type.
    type Ty;
    /// `offset_of!` the field.
    const OFFSET: usize;
    /// Whether the field's bytes may lie inside an `UnsafeCell` (`Cell`, `RefCell`,
    /// `GcCell`, atomics, locks, or a type containing one): such a field may change behind
    /// `&T` or `Gc<T>`, so its loads never fold and are never frozen. The derive computes it
    /// with [`FieldProbe`]; when in doubt it is `true`.
    const INTERIOR: bool;
}

// ---------------------------------------------------------------- interior mutability

/// Types whose bytes may change behind a shared reference although the auto trait
/// [`std::panic::RefUnwindSafe`] holds for them (locks and atomics opt into it), plus the
/// cells themselves. See [`FieldProbe`].
pub trait KnownInteriorMut {}
macro_rules! interior_impls {
    ($($t:ty),* $(,)?) => {$( impl KnownInteriorMut for $t {} )*};
}
interior_impls!(
    std::sync::atomic::AtomicBool,
    std::sync::atomic::AtomicU8,
    std::sync::atomic::AtomicI8,
    std::sync::atomic::AtomicU16,
    std::sync::atomic::AtomicI16,
    std::sync::atomic::AtomicU32,
    std::sync::atomic::AtomicI32,
    std::sync::atomic::AtomicU64,
    std::sync::atomic::AtomicI64,
    std::sync::atomic::AtomicUsize,
    std::sync::atomic::AtomicIsize,
);
impl<T> KnownInteriorMut for std::sync::atomic::AtomicPtr<T> {}
impl<T: ?Sized> KnownInteriorMut for std::cell::Cell<T> {}
impl<T: ?Sized> KnownInteriorMut for std::cell::RefCell<T> {}
impl<T: ?Sized> KnownInteriorMut for std::cell::UnsafeCell<T> {}
impl<T> KnownInteriorMut for std::cell::OnceCell<T> {}
impl<T: Copy> KnownInteriorMut for crate::gc::GcCell<T> {}
impl<T: ?Sized> KnownInteriorMut for std::sync::Mutex<T> {}
impl<T: ?Sized> KnownInteriorMut for std::sync::RwLock<T> {}
impl<T> KnownInteriorMut for std::sync::OnceLock<T> {}
impl<T: KnownInteriorMut, const N: usize> KnownInteriorMut for [T; N] {}

/// Types whose own bytes never change behind a shared reference, whatever they point to
/// (pointers, `Vec`/`String`/`Box` headers, numbers). See [`FieldProbe`].
pub trait KnownPlain {}
macro_rules! plain_impls {
    ($($t:ty),* $(,)?) => {$( impl KnownPlain for $t {} )*};
}
plain_impls!(
    u8,
    i8,
    u16,
    i16,
    u32,
    i32,
    u64,
    i64,
    u128,
    i128,
    usize,
    isize,
    bool,
    char,
    f32,
    f64,
    (),
    String
);
impl<T: ?Sized> KnownPlain for &T {}
impl<T: ?Sized> KnownPlain for &mut T {}
impl<T: ?Sized> KnownPlain for *const T {}
impl<T: ?Sized> KnownPlain for *mut T {}
impl<T: ?Sized> KnownPlain for std::ptr::NonNull<T> {}
impl<T: ?Sized> KnownPlain for crate::gc::Gc<T> {}
impl<T> KnownPlain for Vec<T> {}
impl<T: ?Sized> KnownPlain for Box<T> {}
impl<T: KnownPlain> KnownPlain for Option<T> {}
impl<T: KnownPlain, const N: usize> KnownPlain for [T; N] {}

/// Decides [`HasField::INTERIOR`] for a field of type `T` (the `Layout` derive evaluates
/// `FieldProbe::<T>::interior(KNOWN_CELL, KNOWN_PLAIN, UNWIND_SAFE)` with the fallback traits
/// in scope, where `T` is the field's type). Stable Rust has no `Freeze` trait, so three questions are asked, each an inherent
/// constant that exists only when its bound holds, with a trait constant as the fallback
/// (resolution prefers the inherent one):
/// * `KNOWN_CELL`: `T: KnownInteriorMut` (cells, atomics, locks);
/// * `KNOWN_PLAIN`: `T: KnownPlain` (pointers and headers, whose own bytes do not change);
/// * `UNWIND_SAFE`: `T: RefUnwindSafe`, the auto trait that `UnsafeCell` opts out of, so
///   structs and enums holding no cell have it (one holding a reference or `Gc` to something
///   with a cell does not: conservative, its fields are decided by their own types anyway).
///
/// A field is interior unless it is not a known cell and is plain or `RefUnwindSafe`. Where
/// the type is not known at the derive (a type parameter), the bounds cannot be proven and
/// the answer is `true`: the safe default.
pub struct FieldProbe<T: ?Sized>(std::marker::PhantomData<fn() -> *const T>);
impl<T: ?Sized + KnownInteriorMut> FieldProbe<T> {
    /// `T` is a known cell type.
    pub const KNOWN_CELL: bool = true;
}
impl<T: ?Sized + KnownPlain> FieldProbe<T> {
    /// `T`'s own bytes never change.
    pub const KNOWN_PLAIN: bool = true;
}
impl<T: ?Sized + std::panic::RefUnwindSafe> FieldProbe<T> {
    /// `T` holds no `UnsafeCell` (or is a lock or atomic, see `KNOWN_CELL`).
    pub const UNWIND_SAFE: bool = true;
}
impl<T: ?Sized> FieldProbe<T> {
    /// The answer for a field of type `T`, given the three probes (evaluated where `T` is
    /// concrete).
    pub const fn interior(known_cell: bool, known_plain: bool, unwind_safe: bool) -> bool {
        known_cell || !(known_plain || unwind_safe)
    }
}
/// Fallback of [`FieldProbe::KNOWN_CELL`].
pub trait ProbeCellFallback {
    /// Not a known cell.
    const KNOWN_CELL: bool = false;
}
impl<T: ?Sized> ProbeCellFallback for FieldProbe<T> {}
/// Fallback of [`FieldProbe::KNOWN_PLAIN`].
pub trait ProbePlainFallback {
    /// Not known to be plain.
    const KNOWN_PLAIN: bool = false;
}
impl<T: ?Sized> ProbePlainFallback for FieldProbe<T> {}
/// Fallback of [`FieldProbe::UNWIND_SAFE`].
pub trait ProbeUnwindFallback {
    /// Not known to hold no cell.
    const UNWIND_SAFE: bool = false;
}
impl<T: ?Sized> ProbeUnwindFallback for FieldProbe<T> {}

/// One step of auto-deref for a place: the place itself for declared structs and containers,
/// the pointee for pointer-typed places.
#[diagnostic::on_unimplemented(
    message = "traced code cannot look inside `{Self}`",
    note = "add `#[derive(metatracer::Layout)]` to the struct, or move this code into a \
            function without `#[look_inside]` so it becomes a residual call"
)]
pub trait AutoDeref {
    /// What the place denotes after the step.
    type Out;
    /// Emits the step.
    fn step(cw: &mut Codewriter, p: Place<Self>) -> Place<Self::Out>
    where
        Self: Sized;
}
impl<T> AutoDeref for Vec<T> {
    type Out = Vec<T>;
    fn step(_: &mut Codewriter, p: Place<Self>) -> Place<Self> {
        p
    }
}
impl<T, const N: usize> AutoDeref for [T; N] {
    type Out = [T; N];
    fn step(_: &mut Codewriter, p: Place<Self>) -> Place<Self> {
        p
    }
}
macro_rules! deref_ptr {
    ($($p:ty),*) => {$(
        impl<T> AutoDeref for $p {
            type Out = T;
            fn step(cw: &mut Codewriter, p: Place<Self>) -> Place<T> {
                let v = read(cw, p);
                Place::new(v.reg, 0, <$p as Pointer>::MUTABLE).with_frozen(<$p as Pointer>::FROZEN)
            }
        }
    )*};
}
deref_ptr!(&T, &mut T, *const T, *mut T, crate::gc::Gc<T>);

/// Something field access and indexing can start from: a place, or a pointer value.
pub trait ToPlace {
    /// The type at the place.
    type Out;
    /// Emits the conversion.
    fn to_place(self, cw: &mut Codewriter) -> Place<Self::Out>;
}
impl<T: AutoDeref> ToPlace for Place<T> {
    type Out = T::Out;
    fn to_place(self, cw: &mut Codewriter) -> Place<T::Out> {
        T::step(cw, self)
    }
}
impl<P: Pointer> ToPlace for Sym<P> {
    type Out = P::Target;
    fn to_place(self, _: &mut Codewriter) -> Place<P::Target> {
        Place::new(self.reg, 0, P::MUTABLE).with_frozen(P::FROZEN)
    }
}

/// `base.field`, where the field name hashes to `H`.
pub fn field<const H: u64, B: ToPlace>(
    cw: &mut Codewriter,
    base: B,
) -> Place<<B::Out as HasField<H>>::Ty>
where
    B::Out: HasField<H>,
{
    let p = base.to_place(cw);
    let off = <B::Out as HasField<H>>::OFFSET as i32;
    let interior = <B::Out as HasField<H>>::INTERIOR;
    // The path decides `mutable` and `frozen` (through `&T`, `Gc<T>`, ...); the field's own
    // type decides `interior` (a cell field changes behind any path). A field of this field
    // is decided by its own type again: the path cannot pass through a cell (cells declare
    // no fields; `Place::in_cell` makes everything below a cell mutable).
    Place::new(p.base, p.offset + off, p.mutable)
        .with_class(alias_class(std::any::type_name::<B::Out>(), H))
        .with_frozen(p.frozen)
        .with_interior(interior)
}

/// `*p` for a pointer value.
pub fn deref<P: Pointer>(_: &mut Codewriter, p: Sym<P>) -> Place<P::Target> {
    Place::new(p.reg, 0, P::MUTABLE).with_frozen(P::FROZEN)
}

/// Loads the value at a place.
pub fn read<T: Mem>(cw: &mut Codewriter, p: Place<T>) -> Sym<T> {
    let dst = cw.fresh::<T>();
    cw.emit(Insn::Load {
        dst: dst.reg,
        base: p.base,
        offset: p.offset,
        size: T::MEM,
        immutable: !p.may_change(),
        class: p.class,
        frozen: p.is_frozen(),
    });
    dst
}

/// Stores a value to a place.
pub fn write<T: Mem>(cw: &mut Codewriter, p: Place<T>, v: Sym<T>) {
    cw.emit(Insn::Store {
        base: p.base,
        offset: p.offset,
        size: T::MEM,
        src: v.reg,
        class: p.class,
    });
}

/// The address of a place as a pointer value.
pub fn addr<P: Pointer>(cw: &mut Codewriter, p: Place<P::Target>) -> Sym<P> {
    let dst = cw.fresh::<P>();
    if p.offset == 0 {
        cw.emit(Insn::Move {
            dst: dst.reg,
            src: p.base,
        });
    } else {
        let off = cw.const_word(Kind::Int, p.offset as i64 as u64);
        cw.emit(Insn::Bin {
            op: BinOp::IntAdd,
            dst: dst.reg,
            a: p.base,
            b: off,
        });
    }
    dst
}

/// Offsets of the data pointer and the length inside a `Vec<T>`, found by inspecting one.
fn vec_layout<T>() -> (i32, i32) {
    assert!(
        std::mem::size_of::<T>() != 0,
        "traced code cannot index vectors of zero-sized values"
    );
    let v: Vec<T> = Vec::with_capacity(13);
    let words = std::mem::size_of::<Vec<T>>() / 8;
    let base = &v as *const Vec<T> as *const usize;
    let (mut ptr, mut len) = (None, None);
    for i in 0..words {
        // SAFETY: a `Vec` is `words` initialized pointer-sized fields; reading them as integers
        // observes its representation without changing it.
        let w = unsafe { base.add(i).read() };
        if w == v.as_ptr() as usize && ptr.is_none() {
            ptr = Some(i as i32 * 8);
        } else if w == 0 && len.is_none() {
            len = Some(i as i32 * 8);
        }
    }
    (
        ptr.expect("Vec data pointer found"),
        len.expect("Vec length found"),
    )
}

/// A container traced code can index with `[]`.
#[diagnostic::on_unimplemented(
    message = "traced code cannot index `{Self}`",
    note = "index `Vec<T>` or arrays `[T; N]`, or move this code into a residual call"
)]
pub trait Indexable {
    /// Element type.
    type Elem;
    /// Emits the bounds check and the element address.
    fn elem(cw: &mut Codewriter, p: Place<Self>, i: Sym<usize>) -> Place<Self::Elem>
    where
        Self: Sized;
}

fn bounds_check(cw: &mut Codewriter, i: Sym<usize>, len: Reg) {
    let ok = cw.fresh::<bool>();
    cw.emit(Insn::Bin {
        op: BinOp::UintLt,
        dst: ok.reg,
        a: i.reg,
        b: len,
    });
    let bad = cw.label();
    let good = cw.label();
    cw.branch_if_false(ok, bad);
    cw.jump(good);
    cw.bind(bad);
    let _: Sym<()> = call2(cw, index_out_of_bounds, i, Sym::<usize>::new(len));
    cw.emit(Insn::Unreachable);
    cw.bind(good);
}

fn index_out_of_bounds(i: usize, len: usize) {
    panic!("index out of bounds: the len is {len} but the index is {i}");
}

fn elem_addr<T>(cw: &mut Codewriter, data: Reg, i: Sym<usize>, mutable: bool) -> Place<T> {
    let size = cw.const_word(Kind::Int, std::mem::size_of::<T>() as u64);
    let off = cw.new_reg(Kind::Int);
    cw.emit(Insn::Bin {
        op: BinOp::IntMul,
        dst: off,
        a: i.reg,
        b: size,
    });
    let a = cw.new_reg(Kind::Ref);
    cw.emit(Insn::Bin {
        op: BinOp::IntAdd,
        dst: a,
        a: data,
        b: off,
    });
    Place::new(a, 0, mutable).with_class(alias_class(std::any::type_name::<T>(), 1))
}

/// A nonzero alias class for a (type, field hash) pair.
fn alias_class(ty: &str, field: u64) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325 ^ field;
    for b in ty.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h | 1
}

impl<T> Indexable for Vec<T> {
    type Elem = T;
    fn elem(cw: &mut Codewriter, p: Place<Self>, i: Sym<usize>) -> Place<T> {
        let (ptr_off, len_off) = vec_layout::<T>();
        let len = read::<usize>(
            cw,
            Place::new(p.base, p.offset + len_off, p.may_change())
                .with_class(alias_class("Vec.len", 0)),
        );
        bounds_check(cw, i, len.reg);
        let data = read::<*const T>(
            cw,
            Place::new(p.base, p.offset + ptr_off, p.may_change())
                .with_class(alias_class("Vec.ptr", 0)),
        );
        elem_addr(cw, data.reg, i, p.may_change())
    }
}
impl<T, const N: usize> Indexable for [T; N] {
    type Elem = T;
    fn elem(cw: &mut Codewriter, p: Place<Self>, i: Sym<usize>) -> Place<T> {
        let len = cw.const_word(Kind::Int, N as u64);
        bounds_check(cw, i, len);
        let base = addr::<*const [T; N]>(cw, p);
        elem_addr(cw, base.reg, i, p.may_change())
    }
}

/// `base[i]`.
pub fn index<B: ToPlace>(
    cw: &mut Codewriter,
    base: B,
    i: Sym<usize>,
) -> Place<<B::Out as Indexable>::Elem>
where
    B::Out: Indexable,
{
    let p = base.to_place(cw);
    <B::Out as Indexable>::elem(cw, p, i)
}

// ---------------------------------------------------------------- values and arithmetic

/// A constant.
pub fn lit<T: Word>(cw: &mut Codewriter, v: T) -> Sym<T> {
    Sym::new(cw.const_word(T::KIND, v.to_word()))
}

/// The value of a diverging expression (never used at run time).
pub fn dead<T>(cw: &mut Codewriter) -> Sym<T> {
    Sym::new(cw.new_reg(Kind::Void))
}

/// A `let` binding: a register of its own.
pub fn bind<T>(cw: &mut Codewriter, v: Sym<T>) -> Sym<T> {
    cw.bind_local(v)
}

/// `dst = src` (assignment to a local).
pub fn assign<T>(cw: &mut Codewriter, dst: Sym<T>, src: Sym<T>) {
    cw.mov(dst, src)
}

fn bin<R: Word>(cw: &mut Codewriter, op: BinOp, a: Reg, b: Reg) -> Sym<R> {
    let dst = cw.fresh::<R>();
    cw.emit(Insn::Bin {
        op,
        dst: dst.reg,
        a,
        b,
    });
    dst
}

fn norm<T: Num>(cw: &mut Codewriter, s: Sym<T>) -> Sym<T> {
    match T::NUM {
        NumKind::Int { bits, signed } if bits < 64 => {
            let dst = cw.fresh::<T>();
            cw.emit(Insn::Un {
                op: UnOp::Norm { bits, signed },
                dst: dst.reg,
                a: s.reg,
            });
            dst
        }
        _ => s,
    }
}

macro_rules! arith {
    ($($name:ident => $int:ident, $float:ident;)*) => {$(
        #[doc = concat!("`a ", stringify!($name), " b` (wrapping for integers).")]
        pub fn $name<T: Num>(cw: &mut Codewriter, a: Sym<T>, b: Sym<T>) -> Sym<T> {
            match T::NUM {
                NumKind::Float => bin::<T>(cw, BinOp::$float, a.reg, b.reg),
                NumKind::Int { .. } => {
                    let r = bin::<T>(cw, BinOp::$int, a.reg, b.reg);
                    norm(cw, r)
                }
            }
        }
    )*};
}
arith! { add => IntAdd, FloatAdd; sub => IntSub, FloatSub; mul => IntMul, FloatMul; }

macro_rules! bitwise {
    ($($name:ident => $op:ident;)*) => {$(
        #[doc = concat!("`a ", stringify!($name), " b` on integers and bools.")]
        pub fn $name<T: Num>(cw: &mut Codewriter, a: Sym<T>, b: Sym<T>) -> Sym<T> {
            bin::<T>(cw, BinOp::$op, a.reg, b.reg)
        }
    )*};
}
bitwise! { bitand => IntAnd; bitor => IntOr; bitxor => IntXor; }

macro_rules! compare {
    ($($name:ident => $int:ident, $uint:ident, $float:ident;)*) => {$(
        #[doc = concat!("`a ", stringify!($name), " b`.")]
        pub fn $name<T: Num>(cw: &mut Codewriter, a: Sym<T>, b: Sym<T>) -> Sym<bool> {
            let op = match T::NUM {
                NumKind::Float => BinOp::$float,
                NumKind::Int { signed: true, .. } => BinOp::$int,
                NumKind::Int { signed: false, .. } => BinOp::$uint,
            };
            bin::<bool>(cw, op, a.reg, b.reg)
        }
    )*};
}
compare! {
    eq => IntEq, IntEq, FloatEq; ne => IntNe, IntNe, FloatNe;
    lt => IntLt, UintLt, FloatLt; le => IntLe, UintLe, FloatLe;
    gt => IntGt, UintGt, FloatGt; ge => IntGe, UintGe, FloatGe;
}

/// `a / b`: a float op, or a residual call for integers (so division by zero panics exactly
/// as in the interpreter).
pub fn div<T: Num + std::ops::Div<Output = T>>(
    cw: &mut Codewriter,
    a: Sym<T>,
    b: Sym<T>,
) -> Sym<T> {
    match T::NUM {
        NumKind::Float => bin::<T>(cw, BinOp::FloatDiv, a.reg, b.reg),
        NumKind::Int { .. } => closure2(cw, a, b, |x: T, y: T| x / y),
    }
}
/// `a % b` (a residual call).
pub fn rem<T: Num + std::ops::Rem<Output = T>>(
    cw: &mut Codewriter,
    a: Sym<T>,
    b: Sym<T>,
) -> Sym<T> {
    closure2(cw, a, b, |x: T, y: T| x % y)
}
/// `a << b` (a residual call, keeping Rust's shift semantics).
pub fn shl<T: Word + std::ops::Shl<U, Output = T>, U: Word>(
    cw: &mut Codewriter,
    a: Sym<T>,
    b: Sym<U>,
) -> Sym<T> {
    closure2(cw, a, b, |x: T, y: U| x << y)
}
/// `a >> b` (a residual call).
pub fn shr<T: Word + std::ops::Shr<U, Output = T>, U: Word>(
    cw: &mut Codewriter,
    a: Sym<T>,
    b: Sym<U>,
) -> Sym<T> {
    closure2(cw, a, b, |x: T, y: U| x >> y)
}

/// `-a`.
pub fn neg<T: Num>(cw: &mut Codewriter, a: Sym<T>) -> Sym<T> {
    let op = match T::NUM {
        NumKind::Float => UnOp::FloatNeg,
        NumKind::Int { .. } => UnOp::IntNeg,
    };
    let dst = cw.fresh::<T>();
    cw.emit(Insn::Un {
        op,
        dst: dst.reg,
        a: a.reg,
    });
    norm(cw, dst)
}

/// `!a` on integers and bools.
pub fn not<T: Not1>(cw: &mut Codewriter, a: Sym<T>) -> Sym<T> {
    let dst = cw.fresh::<T>();
    cw.emit(Insn::Un {
        op: UnOp::IntInvert,
        dst: dst.reg,
        a: a.reg,
    });
    let (bits, signed) = T::BITS;
    if bits < 64 {
        let n = cw.fresh::<T>();
        cw.emit(Insn::Un {
            op: UnOp::Norm { bits, signed },
            dst: n.reg,
            a: dst.reg,
        });
        n
    } else {
        dst
    }
}

/// Types `!` applies to in traced code: integers and `bool`.
pub trait Not1: Word {
    /// Width and signedness for normalization.
    const BITS: (u8, bool);
}
impl Not1 for bool {
    const BITS: (u8, bool) = (1, false);
}
macro_rules! not_ints {
    ($($t:ty),*) => {$( impl Not1 for $t {
        const BITS: (u8, bool) = match <$t as Num>::NUM {
            NumKind::Int { bits, signed } => (bits, signed),
            NumKind::Float => (64, false),
        };
    } )*};
}
not_ints!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

/// Numeric `as` casts.
pub fn cast<F: Num + AsNum<T>, T: Num>(cw: &mut Codewriter, a: Sym<F>) -> Sym<T> {
    match (F::NUM, T::NUM) {
        (NumKind::Int { .. }, NumKind::Int { bits, signed }) => {
            if bits == 64 {
                Sym::new(a.reg)
            } else {
                let dst = cw.fresh::<T>();
                cw.emit(Insn::Un {
                    op: UnOp::Norm { bits, signed },
                    dst: dst.reg,
                    a: a.reg,
                });
                dst
            }
        }
        (NumKind::Int { bits, signed }, NumKind::Float) if signed || bits < 64 => {
            let dst = cw.fresh::<T>();
            cw.emit(Insn::Un {
                op: UnOp::IntToFloat,
                dst: dst.reg,
                a: a.reg,
            });
            dst
        }
        (NumKind::Float, NumKind::Float) => Sym::new(a.reg),
        _ => closure1(cw, a, |x: F| x.as_num()),
    }
}

/// The `as` conversion between numeric types, as a trait so the residual path can call it.
#[allow(clippy::wrong_self_convention)]
pub trait AsNum<T> {
    /// `self as T`.
    fn as_num(self) -> T;
}
macro_rules! as_num {
    ($($f:ty),*) => {$( as_num!(@to $f; u8, u16, u32, u64, usize, i8, i16, i32, i64, isize, f64); )*};
    (@to $f:ty; $($t:ty),*) => {$( impl AsNum<$t> for $f {
        #[inline(always)]
        fn as_num(self) -> $t { self as $t }
    } )*};
}
as_num!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize, f64);
macro_rules! bool_as {
    ($($t:ty),*) => {$( impl AsNum<$t> for bool {
        #[inline(always)]
        fn as_num(self) -> $t { self as $t }
    } )*};
}
bool_as!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);
impl Num for bool {
    const NUM: NumKind = NumKind::Int {
        bits: 1,
        signed: false,
    };
}

/// `promote(x)`: the tracer guards on the current value, then treats it as a constant. Like a
/// green, the value must say how the trace stays valid (`T: GreenValue`): a promoted `&T`
/// needs `T: JitGreen`, and the trace dies with that object.
pub fn promote<T: GreenValue>(cw: &mut Codewriter, a: Sym<T>) -> Sym<T> {
    cw.emit(Insn::Promote {
        reg: a.reg,
        green: T::GREEN,
    });
    a
}

/// `we_are_jitted()`: true in jitcode (the tracer and the blackhole), false in the interpreter.
pub fn we_are_jitted(cw: &mut Codewriter) -> Sym<bool> {
    lit(cw, true)
}

// ---------------------------------------------------------------- calls

/// Produces the value of a zero-sized callable type.
#[inline(always)]
fn conjure<F>() -> F {
    const {
        assert!(
            std::mem::size_of::<F>() == 0,
            "residual callee must be a fn item or a non-capturing closure"
        )
    };
    // SAFETY: `F` is zero-sized (checked above) and is a fn item or closure type without
    // captures, which has exactly one value and no validity invariant on its (empty) bytes.
    unsafe { std::ptr::NonNull::<F>::dangling().read() }
}

fn emit_call<R: Word>(
    cw: &mut Codewriter,
    (func, abi): (Trampoline, usize),
    args: &[Reg],
    arg_kinds: &[Kind],
    effect: Effect,
    name: &'static str,
) -> Sym<R> {
    let dst = cw.fresh::<R>();
    cw.emit(Insn::Call {
        dst: dst.reg,
        desc: Box::new(CallDesc {
            func,
            abi,
            arg_kinds: arg_kinds.into(),
            ret_kind: R::KIND,
            effect,
            name,
        }),
        args: args.into(),
    });
    dst
}

macro_rules! calls {
    ($($n:literal: $tramp:ident, $abi:ident, $call:ident, $clos:ident, $clos_pure:ident ($($a:ident $s:ident $i:tt),*);)*) => {$(
        /// Trampoline for a zero-sized callee of this arity (called by the tracer and the
        /// blackhole: a panic of the callee unwinds through it into them).
        ///
        /// # Safety
        /// `args` must point to one canonical word per parameter, each valid for its type.
        pub unsafe extern "C-unwind" fn $tramp<F: Fn($($a),*) -> R, $($a: Word,)* R: Word>(args: *const u64) -> u64 {
            let _ = args;
            let f: F = conjure();
            // SAFETY: the caller passes one valid word per parameter.
            #[allow(unused_unsafe)]
            let r = unsafe { f($($a::from_word(*args.add($i))),*) };
            r.to_word()
        }

        /// Native-ABI trampoline for a zero-sized callee of this arity (called by machine code).
        /// A panic of the callee must not unwind into machine code: it is caught and parked
        /// (`backend::unwind`), the result is a dummy 0 and the code leaves at its flag test.
        ///
        /// # Safety
        /// Each argument must be a canonical word of its parameter type.
        pub unsafe extern "sysv64" fn $abi<F: Fn($($a),*) -> R, $($a: Word,)* R: Word>($($s: $a::Abi),*) -> R::Abi {
            let f: F = conjure();
            // SAFETY: the caller passes one valid word per parameter.
            #[allow(unused_unsafe)]
            let r = crate::backend::unwind::catch(|| unsafe { f($($a::from_word(AbiVal::to_bits($s))),*) });
            <R::Abi as AbiVal>::from_bits(r.map_or(0, Word::to_word))
        }

        #[allow(clippy::too_many_arguments)]
        /// Call of a function item: inlined, elidable or residual depending on its annotation.
        pub fn $call<F: Fn($($a),*) -> R + Copy + 'static, $($a: Word,)* R: Word>(
            cw: &mut Codewriter, f: F, $($s: Sym<$a>),*
        ) -> Sym<R> {
            let args: &[Reg] = &[$($s.reg),*];
            let kinds: &[Kind] = &[$($a::KIND),*];
            match lookup(type_id_of_val(&f)) {
                Some((name, FnKind::Inline { builder, unroll_safe })) => {
                    let code = cw.code_for(builder, name, unroll_safe);
                    let dst = cw.fresh::<R>();
                    cw.emit(Insn::InlineCall { dst: dst.reg, code, args: args.into() });
                    dst
                }
                Some((name, FnKind::Elidable)) => {
                    emit_call(cw, ($tramp::<F, $($a,)* R>, $abi::<F, $($a,)* R> as unsafe extern "sysv64" fn($($a::Abi),*) -> R::Abi as usize), args, kinds, Effect::Elidable, name)
                }
                Some((name, FnKind::DontLookInside)) => {
                    emit_call(cw, ($tramp::<F, $($a,)* R>, $abi::<F, $($a,)* R> as unsafe extern "sysv64" fn($($a::Abi),*) -> R::Abi as usize), args, kinds, Effect::Residual, name)
                }
                Some((name, FnKind::ReadOnly)) => {
                    emit_call(cw, ($tramp::<F, $($a,)* R>, $abi::<F, $($a,)* R> as unsafe extern "sysv64" fn($($a::Abi),*) -> R::Abi as usize), args, kinds, Effect::ReadOnly, name)
                }
                None => emit_call(cw, ($tramp::<F, $($a,)* R>, $abi::<F, $($a,)* R> as unsafe extern "sysv64" fn($($a::Abi),*) -> R::Abi as usize), args, kinds, Effect::Residual,
                    std::any::type_name::<F>()),
            }
        }

        #[allow(clippy::too_many_arguments)]
        /// Residual call of a non-capturing closure (the fallback for code outside the subset).
        pub fn $clos<$($a: Word,)* R: Word, F: Fn($($a),*) -> R + Copy>(
            cw: &mut Codewriter, $($s: Sym<$a>,)* f: F
        ) -> Sym<R> {
            let _ = f;
            emit_call(cw, ($tramp::<F, $($a,)* R>, $abi::<F, $($a,)* R> as unsafe extern "sysv64" fn($($a::Abi),*) -> R::Abi as usize), &[$($s.reg),*], &[$($a::KIND),*],
                Effect::Residual, std::any::type_name::<F>())
        }

        #[allow(clippy::too_many_arguments)]
        /// Call of a pure generated closure (pattern tests); folded on constant arguments.
        pub fn $clos_pure<$($a: Word,)* R: Word, F: Fn($($a),*) -> R + Copy>(
            cw: &mut Codewriter, pure: bool, $($s: Sym<$a>,)* f: F
        ) -> Sym<R> {
            let _ = f;
            let effect = if pure { Effect::Elidable } else { Effect::ReadOnly };
            emit_call(cw, ($tramp::<F, $($a,)* R>, $abi::<F, $($a,)* R> as unsafe extern "sysv64" fn($($a::Abi),*) -> R::Abi as usize), &[$($s.reg),*], &[$($a::KIND),*],
                effect, std::any::type_name::<F>())
        }
    )*};
}
calls! {
    0: tramp0, abi0, call0, closure0, pure0 ();
    1: tramp1, abi1, call1, closure1, pure1 (A a 0);
    2: tramp2, abi2, call2, closure2, pure2 (A a 0, B b 1);
    3: tramp3, abi3, call3, closure3, pure3 (A a 0, B b 1, C c 2);
    4: tramp4, abi4, call4, closure4, pure4 (A a 0, B b 1, C c 2, D d 3);
    5: tramp5, abi5, call5, closure5, pure5 (A a 0, B b 1, C c 2, D d 3, E e 4);
    6: tramp6, abi6, call6, closure6, pure6 (A a 0, B b 1, C c 2, D d 3, E e 4, G g 5);
}

/// The scrutinee of a `match` on a place: its address, and whether pattern tests on it may be
/// folded (the place cannot change while the trace runs).
pub fn match_place<T>(cw: &mut Codewriter, p: Place<T>) -> (Sym<&'static T>, bool) {
    let a = addr::<&'static T>(cw, p);
    (a, !p.may_change())
}

/// `match_place`, or (when `emit` is false, because the match was lowered without pattern-test
/// calls) a typed placeholder that emits nothing.
pub fn match_place_if<T>(cw: &mut Codewriter, p: Place<T>, emit: bool) -> (Sym<&'static T>, bool) {
    if emit {
        match_place(cw, p)
    } else {
        (Sym::new(p.base), false)
    }
}

/// Options whose `None` is the null word and whose `Some(x)` is the word of `x` itself, so a
/// `match` with `Some(..)`/`None` arms is a null test (no pattern-test call).
///
/// # Safety
/// `Some(x).to_word() == x.to_word() != 0` and `None.to_word() == 0` for every value.
pub unsafe trait NullableWord: Mem {}
// SAFETY: a `Gc` is a non-null pointer; `Option<Gc<T>>` uses the null niche (see its `Word`).
unsafe impl<T> NullableWord for Option<crate::gc::Gc<T>> {}

/// Type probe choosing how a `match` on `Some(..)`/`None` patterns is lowered: [`OptionFast`]
/// applies to [`NullableWord`] scrutinees, [`OptionSlow`] (through auto-ref) to the rest.
pub struct OptProbe<T>(std::marker::PhantomData<fn() -> T>);
impl<T> OptProbe<T> {
    /// The probe for a place scrutinee.
    pub fn of_place(_: &Place<T>) -> Self {
        OptProbe(std::marker::PhantomData)
    }
    /// The probe for a value scrutinee.
    pub fn of_value(_: &Sym<T>) -> Self {
        OptProbe(std::marker::PhantomData)
    }
}

/// The null-test lowering of `Some(..)`/`None` matches (see [`OptProbe`]).
pub trait OptionFast {
    /// The scrutinee type.
    type Scrut;
    /// Loads the scrutinee's word: `Some(reg)`.
    fn option_place(&self, cw: &mut Codewriter, p: Place<Self::Scrut>) -> Option<Reg>;
    /// The scrutinee's word: `Some(reg)`.
    fn option_value(&self, cw: &mut Codewriter, v: Sym<Self::Scrut>) -> Option<Reg>;
}
impl<T: NullableWord> OptionFast for OptProbe<T> {
    type Scrut = T;
    fn option_place(&self, cw: &mut Codewriter, p: Place<T>) -> Option<Reg> {
        Some(read::<T>(cw, p).reg)
    }
    fn option_value(&self, _: &mut Codewriter, v: Sym<T>) -> Option<Reg> {
        Some(v.reg)
    }
}

/// The fallback of [`OptionFast`]: `None`, the match uses pattern-test calls.
pub trait OptionSlow {
    /// The scrutinee type.
    type Scrut;
    /// `None`.
    fn option_place(&self, cw: &mut Codewriter, p: Place<Self::Scrut>) -> Option<Reg>;
    /// `None`.
    fn option_value(&self, cw: &mut Codewriter, v: Sym<Self::Scrut>) -> Option<Reg>;
}
impl<T> OptionSlow for &OptProbe<T> {
    type Scrut = T;
    fn option_place(&self, _: &mut Codewriter, _: Place<T>) -> Option<Reg> {
        None
    }
    fn option_value(&self, _: &mut Codewriter, _: Sym<T>) -> Option<Reg> {
        None
    }
}

/// The binding of `Some(x)` for a [`NullableWord`] scrutinee whose word is in `w`: the same
/// word, typed by the binding closure (which is never called).
pub fn payload_of<A, R: Word, F: Fn(A) -> R>(_: Sym<A>, w: Reg, _: F) -> Sym<R> {
    Sym::new(w)
}

/// Dispatch of a `match` on a [`NullableWord`] in `w`: `arms[i]` says what arm `i` matches
/// (1 `Some(..)`, 0 `None`, 2 anything); the first arm that matches each case gets it.
pub fn option_switch(cw: &mut Codewriter, w: Reg, labels: &[Label], arms: &[u8]) {
    let pick = |not: u8| {
        arms.iter()
            .position(|a| *a != not)
            .map_or(labels[0], |i| labels[i])
    };
    let (some, none) = (pick(0), pick(1));
    let zero = cw.const_word(Kind::Int, 0);
    let c = bin::<bool>(cw, BinOp::IntNe, w, zero);
    cw.branch_if_false(c, none);
    cw.jump(some);
}

/// Multi-way jump on the arm index a pattern-test closure returned.
pub fn switch(cw: &mut Codewriter, idx: Sym<u32>, arms: &[Label]) {
    let cases = arms
        .iter()
        .enumerate()
        .map(|(i, l)| (i as u64, *l))
        .collect::<Vec<_>>();
    let default = cw.label();
    cw.switch(idx.reg, cases, default);
    cw.bind(default);
    cw.emit(Insn::Unreachable);
}

/// Marks the end of a path that cannot continue (after a diverging residual call).
pub fn unreachable(cw: &mut Codewriter) {
    cw.emit(Insn::Unreachable);
}

/// `&place` as a shared reference value.
pub fn addr_ref<T>(cw: &mut Codewriter, p: Place<T>) -> Sym<&'static T> {
    addr::<&'static T>(cw, p)
}

/// `&mut place` as a mutable reference value.
pub fn addr_mut<T>(cw: &mut Codewriter, p: Place<T>) -> Sym<&'static mut T> {
    addr::<&'static mut T>(cw, p)
}

/// The scrutinee of a `match` on a value: pattern tests on it are pure.
pub fn match_value<T: Word>(_: &mut Codewriter, v: Sym<T>) -> (Sym<T>, bool) {
    (v, true)
}

/// A `#[green]` state variable at the portal's merge point: its register and how its word
/// becomes a loop key word (`T: GreenValue`, so a green that names memory the trace cannot be
/// tied to is a compile error).
pub fn green_var<T: GreenValue>(s: &Sym<T>) -> (Reg, Option<GreenKind>) {
    (s.reg, Some(T::GREEN))
}

/// A red state variable at the portal's merge point.
pub fn red_var<T>(s: &Sym<T>) -> (Reg, Option<GreenKind>) {
    (s.reg, None)
}

/// Reads a state variable as a word (the hook at the merge point).
#[inline(always)]
pub fn word_of<W: Word>(w: &W) -> u64 {
    // SAFETY: `W: Word` values are plain words (integers, floats, pointers); copying the bits
    // out to convert them to an integer creates no second usable reference.
    unsafe { std::ptr::read(w) }.to_word()
}

/// Rebuilds a state variable from the word the JIT handed back.
#[inline(always)]
pub fn restore<W: Word>(w: u64) -> W {
    // SAFETY: the driver returns, for each state variable, a word produced by the jitcode from
    // values of the same type (the words it was given or ones computed by the mirrored code).
    unsafe { W::from_word(w) }
}

/// A container whose length traced code reads directly (`v.len()` on a place).
#[diagnostic::on_unimplemented(
    message = "traced code reads `.len()` of `{Self}` only for `Vec<T>` and arrays",
    note = "move this call into a function without `#[look_inside]` (a residual call)"
)]
pub trait HasLen {
    /// Emits the length read.
    fn len(cw: &mut Codewriter, p: Place<Self>) -> Sym<usize>
    where
        Self: Sized;
}
impl<T> HasLen for Vec<T> {
    fn len(cw: &mut Codewriter, p: Place<Self>) -> Sym<usize> {
        let (_, len_off) = vec_layout::<T>();
        read::<usize>(
            cw,
            Place::new(p.base, p.offset + len_off, p.may_change())
                .with_class(alias_class("Vec.len", 0)),
        )
    }
}
impl<T, const N: usize> HasLen for [T; N] {
    fn len(cw: &mut Codewriter, _: Place<Self>) -> Sym<usize> {
        lit(cw, N)
    }
}

/// `place.len()`.
pub fn len<B: ToPlace>(cw: &mut Codewriter, base: B) -> Sym<usize>
where
    B::Out: HasLen,
{
    let p = base.to_place(cw);
    <B::Out as HasLen>::len(cw, p)
}

/// How the interpreter half of a `#[jit_merge_point]` function hands control back to its
/// wrapper (generated code only).
pub enum PortalExit<R, const N: usize> {
    /// The function returned this value.
    Done(R),
    /// A guest backward jump with the JIT on: the state variables as words (parameters that
    /// are not `mut` are left 0 for the wrapper to fill in).
    Enter([u64; N]),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gc::{Gc, GcCell};
    use std::cell::{Cell, RefCell, UnsafeCell};
    use std::sync::atomic::AtomicU64;

    /// The field-name hash the macros use (FNV-1a of the name).
    const fn fnv(s: &str) -> u64 {
        let b = s.as_bytes();
        let mut h: u64 = 0xcbf29ce484222325;
        let mut i = 0;
        while i < b.len() {
            h ^= b[i] as u64;
            h = h.wrapping_mul(0x100000001b3);
            i += 1;
        }
        h
    }

    #[allow(dead_code)]
    enum Op {
        Add(i64),
        Halt,
    }

    #[allow(dead_code)]
    #[derive(crate::Layout)]
    struct Inner {
        x: i64,
        y: i64,
    }

    #[allow(dead_code)]
    #[derive(crate::Layout)]
    struct InnerWithCell {
        x: i64,
        c: Cell<i64>,
    }

    #[allow(dead_code)]
    #[derive(crate::Layout)]
    struct Obj {
        a: i64,
        c: Cell<i64>,
        g: GcCell<i64>,
        u: UnsafeCell<u32>,
        rc: RefCell<Vec<u8>>,
        at: AtomicU64,
        r: &'static Cell<i64>,
        o: Option<Gc<Obj>>,
        v: Vec<Cell<u8>>,
        op: Op,
        inner: Inner,
        inner_c: InnerWithCell,
        cells: [Cell<u8>; 4],
    }

    #[allow(dead_code)]
    #[derive(crate::Layout)]
    struct Generic<T> {
        t: T,
        v: Vec<T>,
        n: i64,
    }

    macro_rules! interior {
        ($t:ty, $f:literal) => {
            <$t as HasField<{ fnv($f) }>>::INTERIOR
        };
    }

    #[test]
    fn the_layout_derive_marks_fields_with_interior_mutability() {
        assert_eq!(
            <Obj as HasField<{ fnv("u") }>>::OFFSET,
            std::mem::offset_of!(Obj, u),
            "the test's hash is the macros' hash"
        );
        for (f, i) in [
            ("c", interior!(Obj, "c")),
            ("g", interior!(Obj, "g")),
            ("u", interior!(Obj, "u")),
            ("rc", interior!(Obj, "rc")),
            ("at", interior!(Obj, "at")),
            ("inner_c", interior!(Obj, "inner_c")),
            ("cells", interior!(Obj, "cells")),
            ("Generic.t", interior!(Generic<i64>, "t")),
        ] {
            assert!(i, "field {f} has interior mutability");
        }
        for (f, i) in [
            ("a", interior!(Obj, "a")),
            ("r", interior!(Obj, "r")),
            ("o", interior!(Obj, "o")),
            ("v", interior!(Obj, "v")),
            ("op", interior!(Obj, "op")),
            ("inner", interior!(Obj, "inner")),
            ("Generic.v", interior!(Generic<i64>, "v")),
            ("Generic.n", interior!(Generic<i64>, "n")),
            ("InnerWithCell.x", interior!(InnerWithCell, "x")),
        ] {
            assert!(!i, "field {f} has no interior mutability");
        }
    }

    /// The instructions a builder emits.
    fn emitted(b: Builder) -> Vec<Insn> {
        Codewriter::build_set("test", b).codes[0].insns.clone()
    }

    /// `(immutable, frozen)` of every load.
    fn load_flags(insns: &[Insn]) -> Vec<(bool, bool)> {
        insns
            .iter()
            .filter_map(|i| match i {
                Insn::Load {
                    immutable, frozen, ..
                } => Some((*immutable, *frozen)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn cell_fields_are_never_immutable_or_frozen() {
        // (failed before: through `Gc<T>` and `&T` every field was frozen / immutable)
        fn through_gc(cw: &mut Codewriter) {
            let obj = cw.param::<Gc<Obj>>();
            let a = field::<{ fnv("a") }, _>(cw, obj);
            let _ = read(cw, a);
            let c = field::<{ fnv("c") }, _>(cw, obj);
            let _ = read::<i64>(cw, c.cast());
            let g = field::<{ fnv("g") }, _>(cw, obj);
            let _ = read::<i64>(cw, g.cast());
            // a plain field of a struct-typed field holding a cell elsewhere
            let ic = field::<{ fnv("inner_c") }, _>(cw, obj);
            let x = field::<{ fnv("x") }, _>(cw, ic);
            let _ = read(cw, x);
            let ic2 = field::<{ fnv("inner_c") }, _>(cw, obj);
            let c2 = field::<{ fnv("c") }, _>(cw, ic2);
            let _ = read::<i64>(cw, c2.cast());
        }
        assert_eq!(
            load_flags(&emitted(through_gc)),
            [
                (true, true),
                (false, false),
                (false, false),
                (true, true),
                (false, false)
            ]
        );
        fn through_ref(cw: &mut Codewriter) {
            let obj = cw.param::<&'static Obj>();
            let a = field::<{ fnv("a") }, _>(cw, obj);
            let _ = read(cw, a);
            let u = field::<{ fnv("u") }, _>(cw, obj);
            let _ = read::<u32>(cw, u.cast());
            let at = field::<{ fnv("at") }, _>(cw, obj);
            let _ = read::<u64>(cw, at.cast());
            // `Place::in_cell`: what an accessor like `Cell::get` reads
            let r = field::<{ fnv("r") }, _>(cw, obj);
            let cell = r.to_place(cw);
            let _ = read::<i64>(cw, cell.in_cell());
        }
        assert_eq!(
            load_flags(&emitted(through_ref)),
            [
                (true, false),
                (false, false),
                (false, false),
                (true, false), // the `&Cell` pointer itself
                (false, false)
            ]
        );
    }

    #[test]
    fn matches_on_cell_fields_do_not_fold_their_pattern_tests() {
        fn b(cw: &mut Codewriter) {
            let obj = cw.param::<&'static Obj>();
            let op = field::<{ fnv("op") }, _>(cw, obj);
            let (_, pure) = match_place(cw, op);
            assert!(pure, "an enum field behind `&` folds");
            let c = field::<{ fnv("c") }, _>(cw, obj);
            let (_, pure) = match_place(cw, c);
            assert!(!pure, "a cell field behind `&` does not");
        }
        emitted(b);
    }

    #[test]
    fn arithmetic_is_picked_from_the_types() {
        fn b(cw: &mut Codewriter) {
            let (i, f) = (cw.param::<i64>(), cw.param::<f64>());
            let (u8_, s8) = (cw.param::<u8>(), cw.param::<i8>());
            let u32_ = cw.param::<u32>();
            let _ = add(cw, i, i);
            let _ = add(cw, f, f);
            let _ = mul(cw, u8_, u8_);
            let _ = lt(cw, u32_, u32_);
            let _ = lt(cw, i, i);
            let _ = ge(cw, f, f);
            let _ = neg(cw, s8);
            let _ = cast::<i64, f64>(cw, i);
            let _ = cast::<i64, u8>(cw, i);
            let _ = cast::<u8, i64>(cw, u8_);
            let _ = div(cw, i, i);
            let _ = div(cw, f, f);
        }
        let ops: Vec<String> = emitted(b)
            .iter()
            .filter_map(|i| match i {
                Insn::Bin { op, .. } => Some(format!("{op:?}")),
                Insn::Un { op, .. } => Some(format!("{op:?}")),
                Insn::Call { desc, .. } => Some(format!("call {:?}", desc.effect)),
                Insn::Return { .. } => None,
                other => Some(format!("{other:?}")),
            })
            .collect();
        assert_eq!(
            ops,
            [
                "IntAdd",
                "FloatAdd",
                "IntMul",
                "Norm { bits: 8, signed: false }",
                "UintLt",
                "IntLt",
                "FloatGe",
                "IntNeg",
                "Norm { bits: 8, signed: true }",
                "IntToFloat",
                "Norm { bits: 8, signed: false }",
                // u8 -> i64 is already canonical: nothing
                "call Residual",
                "FloatDiv",
            ]
        );
    }

    #[test]
    fn vec_indexing_checks_bounds_and_loads_with_an_element_class() {
        fn b(cw: &mut Codewriter) {
            let v = cw.param::<&'static Vec<u32>>();
            let i = cw.param::<usize>();
            let p = index(cw, v, i);
            let _ = read(cw, p);
        }
        let insns = emitted(b);
        let loads: Vec<(MemSize, bool, u64)> = insns
            .iter()
            .filter_map(|i| match i {
                Insn::Load {
                    size,
                    immutable,
                    class,
                    ..
                } => Some((*size, *immutable, *class)),
                _ => None,
            })
            .collect();
        // its length, its data pointer, the element
        assert_eq!(loads.len(), 3, "{insns:?}");
        assert_eq!(loads[2].0, MemSize::U32);
        assert!(loads.iter().all(|l| l.1), "all behind `&`: {loads:?}");
        assert_ne!(loads[2].2, 0, "elements have an alias class");
        assert_ne!(loads[0].2, loads[2].2);
        assert!(insns.iter().any(|i| matches!(
            i,
            Insn::Bin {
                op: BinOp::UintLt,
                ..
            }
        )));
        assert!(insns.iter().any(|i| matches!(i, Insn::Unreachable)));
    }
}
