//! The support library that macro-generated builder code calls (`metatracer::__private`).
//!
//! Nothing here is meant to be called by hand. Every function takes the [`Codewriter`] and
//! symbolic operands and emits jitcode; the generic parameters are inferred by rustc from the
//! mirror of the guest's code, which is how `a + b` becomes `int_add` or `float_add` without the
//! macro knowing any type. Residual calls go through trampolines monomorphized from the
//! callee's own type ([`tramp1`] and friends); the callee must be zero-sized (a fn item or a
//! non-capturing closure), which a `const` assertion checks.

pub use super::codewriter::{Builder, Codewriter, Label, Place, Sym, VABLE_CLASS, VABLE_ITEM};
pub use super::driver::{loop_header, skip_hook, HookResult, Portal};
pub use super::jitcode::Insn;
pub use super::jitcode::Reg;
use super::jitcode::{BinOp, CallDesc, Effect, MemSize, Trampoline, UnOp};
pub use super::regs::{Regs, TupleElem};
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
    /// `#[loop_invariant]`: called once per trace, its result reused.
    LoopInvariant,
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
    /// For a method (`&self`/`&mut self`): the type name of `Self`, the method's name and the
    /// type names of its other parameters (calls `x.m(..)` are matched by these).
    pub method: Option<MethodKey>,
}

/// How a method call finds its [`FnEntry`].
pub struct MethodKey {
    /// `std::any::type_name` of `Self`.
    pub self_ty: fn() -> &'static str,
    /// The method's name.
    pub name: &'static str,
    /// `std::any::type_name` of each parameter after `self`.
    pub params: fn() -> Vec<&'static str>,
    /// Whether the method takes `self` by value (a register value's words) rather than by
    /// reference (one pointer).
    pub by_value: bool,
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

/// The builder of the `#[look_inside]` method `name` of the type named `self_ty` whose other
/// parameters have the type names `params`: `(name for logs, builder, unroll_safe)`.
fn lookup_method(
    self_ty: &str,
    name: &str,
    params: &[&'static str],
    by_value: bool,
) -> Option<(&'static str, Builder, bool)> {
    let reg = REGISTRY.lock().unwrap_or_else(|p| p.into_inner());
    reg.iter().find_map(|e| {
        let m = e.method.as_ref()?;
        // `&mut T` passed for `&T` is the same register (rustc reborrows implicitly).
        let same = |a: &str, b: &str| a.replace("&mut ", "&") == b.replace("&mut ", "&");
        let want = (m.params)();
        if m.name != name
            || m.by_value != by_value
            || (m.self_ty)() != self_ty
            || want.len() != params.len()
            || !want.iter().zip(params).all(|(a, b)| same(a, b))
        {
            return None;
        }
        match e.kind {
            FnKind::Inline {
                builder,
                unroll_safe,
            } => Some((e.name, builder, unroll_safe)),
            _ => None,
        }
    })
}

/// Type probe for the receiver of `recv.method(..)`: a pointer value or a place whose target
/// may have `#[look_inside]` methods ([`FastRecv`]); anything else ([`SlowRecv`]) is a
/// residual call of the method.
pub struct RProbe<T>(std::marker::PhantomData<fn() -> T>);
impl<T> RProbe<T> {
    /// The probe for a receiver.
    pub fn of(_: &T) -> Self {
        RProbe(std::marker::PhantomData)
    }
}
/// A receiver whose target type is known (see [`RProbe`]).
pub trait FastRecv {
    /// The receiver (a `Sym` or a `Place`).
    type V;
    /// `type_name` of the target (`Self` of the method).
    fn recv_type(&self) -> Option<&'static str>;
    /// Emits the receiver's address (the method's `self`).
    fn recv_ptr(&self, cw: &mut Codewriter, v: Self::V) -> Reg;
}
impl<P: TracedPointer> FastRecv for RProbe<Sym<P>> {
    type V = Sym<P>;
    fn recv_type(&self) -> Option<&'static str> {
        Some(std::any::type_name::<P::Target>())
    }
    fn recv_ptr(&self, _: &mut Codewriter, v: Sym<P>) -> Reg {
        v.reg
    }
}
impl<X: AutoDeref> FastRecv for RProbe<Place<X>> {
    type V = Place<X>;
    fn recv_type(&self) -> Option<&'static str> {
        Some(std::any::type_name::<X::Out>())
    }
    fn recv_ptr(&self, cw: &mut Codewriter, v: Place<X>) -> Reg {
        let p = X::step(cw, v);
        addr::<*const X::Out>(cw, p).reg
    }
}
/// The fallback of [`FastRecv`].
pub trait SlowRecv {
    /// The receiver.
    type V;
    /// `None`.
    fn recv_type(&self) -> Option<&'static str>;
    /// Never called.
    fn recv_ptr(&self, cw: &mut Codewriter, v: Self::V) -> Reg;
}
impl<T> SlowRecv for &RProbe<T> {
    type V = T;
    fn recv_type(&self) -> Option<&'static str> {
        None
    }
    fn recv_ptr(&self, _: &mut Codewriter, _: T) -> Reg {
        unreachable!("recv_type was None")
    }
}

/// Structs with `#[derive(RegValue)]`: a local of such a type may be the receiver of a
/// `#[look_inside]` method taking `self` by value (see [`ValueRecv`]).
#[diagnostic::on_unimplemented(
    message = "a traced method taking `self` by value needs `{Self}` to be a `#[derive(metatracer::RegValue)]` struct",
    note = "take `&self` instead, or derive `RegValue` (a small `Copy` struct of register values)"
)]
pub trait RegStruct: Regs {}

/// The `self` parameter of a `#[look_inside]` method taking it by value.
pub fn self_by_value<T: RegStruct>(cw: &mut Codewriter) -> Sym<T> {
    cw.param()
}

/// A receiver held in registers whose type may have `#[look_inside]` methods taking `self`
/// by value (a local `RegValue` struct): its type name, first register and width.
pub trait ValueRecv {
    /// The receiver.
    type V;
    /// `Some((type name, first register, width))` for a `RegValue` struct local.
    fn recv_value(&self, v: Self::V) -> Option<(&'static str, Reg, usize)>;
}
impl<T: RegStruct> ValueRecv for RProbe<Sym<T>> {
    type V = Sym<T>;
    fn recv_value(&self, v: Sym<T>) -> Option<(&'static str, Reg, usize)> {
        Some((std::any::type_name::<T>(), v.reg, T::WIDTH))
    }
}
/// The fallback of [`ValueRecv`].
pub trait NotValueRecv {
    /// The receiver.
    type V;
    /// `None`.
    fn recv_value(&self, v: Self::V) -> Option<(&'static str, Reg, usize)>;
}
impl<T> NotValueRecv for &RProbe<T> {
    type V = T;
    fn recv_value(&self, _: T) -> Option<(&'static str, Reg, usize)> {
        None
    }
}

/// The arguments of a method call: registers and type names.
#[derive(Default)]
pub struct MethodArgs {
    regs: Vec<Reg>,
    types: Vec<&'static str>,
}
impl MethodArgs {
    /// Appends an argument.
    pub fn push<A: Regs>(&mut self, a: Sym<A>) {
        self.regs.extend(a.reg..a.reg + A::WIDTH as Reg);
        self.types.push(std::any::type_name::<A>());
    }
}

/// `recv.name(args)` when the receiver's type has a registered `#[look_inside]` method of
/// that name taking exactly these argument types: the inlined call (`None` otherwise, and
/// nothing is emitted). `ptr` emits the receiver's address.
///
/// `by_value` is the receiver's words when it is a `RegValue` struct local ([`ValueRecv`]):
/// then a method taking `self` by value is looked up instead, and gets those words.
pub fn inline_method<R: Regs>(
    cw: &mut Codewriter,
    self_ty: Option<&'static str>,
    by_value: Option<(&'static str, Reg, usize)>,
    name: &'static str,
    args: &MethodArgs,
    ptr: impl FnOnce(&mut Codewriter) -> Reg,
) -> Option<Sym<R>> {
    let (found, mut regs) = match by_value {
        Some((ty, first, width)) => (
            lookup_method(ty, name, &args.types, true)?,
            (first..first + width as Reg).collect::<Vec<Reg>>(),
        ),
        None => {
            let found = lookup_method(self_ty?, name, &args.types, false)?;
            (found, vec![ptr(cw)])
        }
    };
    let (log_name, builder, unroll_safe) = found;
    let code = cw.code_for(builder, log_name, unroll_safe);
    let dst = cw.fresh_regs::<R>();
    regs.extend(&args.regs);
    cw.emit(Insn::InlineCall {
        dst: dst.reg,
        n: R::WIDTH as u16,
        code,
        args: regs.into(),
    });
    Some(dst)
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
#[diagnostic::on_unimplemented(
    message = "traced code cannot reach memory through `{Self}` held in a local variable",
    label = "`{Self}` is not a pointer",
    note = "a place (`a.b.c`, `a[i]`, `*a`) starts at a pointer (`&T`, `&mut T`, `Gc<T>`, a raw \
            pointer); for a field of a field of a `RegValue` struct held in a local, name the \
            inner struct first (`let inner = o.inner; inner.0`)"
)]
pub trait TracedPointer: Word {
    /// The pointee.
    type Target;
    /// Whether the pointee may be written through this pointer (and so may change).
    const MUTABLE: bool;
    /// Whether the pointee's plain fields never change after allocation (`Gc<T>`).
    const FROZEN: bool = false;
}
impl<T> TracedPointer for &T {
    type Target = T;
    const MUTABLE: bool = false;
}
impl<T> TracedPointer for &mut T {
    type Target = T;
    const MUTABLE: bool = true;
}
impl<T> TracedPointer for *const T {
    type Target = T;
    const MUTABLE: bool = true;
}
impl<T> TracedPointer for *mut T {
    type Target = T;
    const MUTABLE: bool = true;
}
impl<T> TracedPointer for crate::gc::Gc<T> {
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
    /// Whether the struct is a virtualizable frame (`#[virtualizable]`): its fields, and the
    /// elements of its one array, are marked with [`VABLE_CLASS`].
    const VABLE: bool = false;
    /// Whether the field is the `#[frame_array]` of a virtualizable frame: a `Gc<Array<T>>`
    /// or a `&mut [T; N]` / `&mut Vec<T>` whose elements are the frame's array (marked
    /// [`VABLE_CLASS`] | [`VABLE_ITEM`]).
    const FRAME_ARRAY: bool = false;
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
impl<T: Copy> KnownInteriorMut for crate::jit::quasi::QuasiImmut<T> {}
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
    label = "traced code reads fields of `#[derive(metatracer::Layout)]` structs and elements of `Vec`s, arrays, slices and `gc::Array`s",
    note = "if `{Self}` is your struct, add `#[derive(metatracer::Layout)]` to it; otherwise \
            move this code into a function without `#[look_inside]` so it becomes a residual call"
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
                // the `#[frame_array]` pointer of a virtualizable frame (`&mut [T; N]`): the
                // pointee is the frame's array, so its elements get `VABLE_ITEM`
                let vable = if p.frame_array { VABLE_CLASS } else { 0 };
                Place::new(v.reg, 0, <$p as TracedPointer>::MUTABLE)
                    .with_frozen(<$p as TracedPointer>::FROZEN)
                    .with_class(vable)
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
impl<P: TracedPointer> ToPlace for Sym<P> {
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
    // Inside a virtualizable frame: a field of the frame, or a field of an inline struct in it.
    let vable = if <B::Out as HasField<H>>::VABLE {
        VABLE_CLASS
    } else {
        p.vable_bit()
    };
    // The path decides `mutable` and `frozen` (through `&T`, `Gc<T>`, ...); the field's own
    // type decides `interior` (a cell field changes behind any path). A field of this field
    // is decided by its own type again: the path cannot pass through a cell (cells declare
    // no fields; `Place::in_cell` makes everything below a cell mutable).
    Place::new(p.base, p.offset + off, p.mutable)
        .with_class(alias_class(std::any::type_name::<B::Out>(), H) | vable)
        .with_frozen(p.frozen)
        .with_interior(interior)
        .with_frame_array(<B::Out as HasField<H>>::FRAME_ARRAY)
}

/// `*p` for a pointer value.
pub fn deref<P: TracedPointer>(_: &mut Codewriter, p: Sym<P>) -> Place<P::Target> {
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
pub fn addr<P: TracedPointer>(cw: &mut Codewriter, p: Place<P::Target>) -> Sym<P> {
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

fn elem_addr<T>(
    cw: &mut Codewriter,
    data: Reg,
    i: Sym<usize>,
    mutable: bool,
    vable: u64,
) -> Place<T> {
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
    Place::new(a, 0, mutable).with_class(alias_class(std::any::type_name::<T>(), 1) | vable)
}

/// A nonzero alias class for a (type, field hash) pair.
fn alias_class(ty: &str, field: u64) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325 ^ field;
    for b in ty.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    (h | 1)
        & !(VABLE_CLASS | VABLE_ITEM | super::tracer::CELL_CLASS | super::tracer::CELL_TYPE_CLASS)
}

impl<T> Indexable for Vec<T> {
    type Elem = T;
    fn elem(cw: &mut Codewriter, p: Place<Self>, i: Sym<usize>) -> Place<T> {
        let (ptr_off, len_off) = vec_layout::<T>();
        let len = read::<usize>(
            cw,
            Place::new(p.base, p.offset + len_off, p.may_change())
                .with_class(alias_class("Vec.len", 0) | p.vable_bit()),
        );
        bounds_check(cw, i, len.reg);
        let data = read::<*const T>(
            cw,
            Place::new(p.base, p.offset + ptr_off, p.may_change())
                .with_class(alias_class("Vec.ptr", 0) | p.vable_bit()),
        );
        elem_addr(cw, data.reg, i, p.may_change(), p.vable_item_bits())
    }
}
impl<T, const N: usize> Indexable for [T; N] {
    type Elem = T;
    fn elem(cw: &mut Codewriter, p: Place<Self>, i: Sym<usize>) -> Place<T> {
        let len = cw.const_word(Kind::Int, N as u64);
        bounds_check(cw, i, len);
        let base = addr::<*const [T; N]>(cw, p);
        elem_addr(cw, base.reg, i, p.may_change(), p.vable_item_bits())
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

/// A constant: a word, or a constant of a several-word register value (an associated
/// constant of a `RegValue` struct such as `Fault::TYPE`, `None::<i64>`), one `Const` per
/// word.
pub fn lit<T: Regs>(cw: &mut Codewriter, v: T) -> Sym<T> {
    let mut kinds = Vec::with_capacity(T::WIDTH);
    T::kinds(&mut kinds);
    let mut words = vec![0u64; T::WIDTH];
    v.write_words(&mut words);
    if T::WIDTH == 1 {
        return Sym::new(cw.const_word(kinds[0], words[0]));
    }
    let dst = cw.fresh_regs::<T>();
    for (k, w) in words.into_iter().enumerate() {
        cw.emit(Insn::Const {
            dst: dst.reg + k as Reg,
            val: w,
        });
    }
    dst
}

/// The value of a diverging expression (never used at run time).
pub fn dead<T: Regs>(cw: &mut Codewriter) -> Sym<T> {
    cw.fresh_regs::<T>()
}

/// The bound of [`bind`], on the symbolic value rather than on its type, so that rustc reports
/// a local of a non-register type with this message and note (a bound `T: Regs` is reported as
/// "consider borrowing", because `&T` is a register value, and loses them).
#[diagnostic::on_unimplemented(
    message = "a local of type `{T}` cannot be held in JIT registers",
    label = "traced code keeps locals in registers",
    note = "locals of traced code are integers, bool, char, f64, references, raw pointers, \
            `Gc<T>`, `#[derive(metatracer::RegValue)]` structs, and `Option`, `Result` and \
            tuples of those; keep other values in memory (read their fields where they are) \
            or move this code into a function without `#[look_inside]` (a residual call)"
)]
pub trait BindLocal<T> {
    /// Copies the value into fresh registers.
    fn bind_local(self, cw: &mut Codewriter) -> Sym<T>;
}
impl<T: Regs> BindLocal<T> for Sym<T> {
    fn bind_local(self, cw: &mut Codewriter) -> Sym<T> {
        cw.bind_local(self)
    }
}

/// A `let` binding: registers of its own.
pub fn bind<T>(cw: &mut Codewriter, v: Sym<T>) -> Sym<T>
where
    Sym<T>: BindLocal<T>,
{
    v.bind_local(cw)
}

/// `dst = src` (assignment to a local).
pub fn assign<T: Regs>(cw: &mut Codewriter, dst: Sym<T>, src: Sym<T>) {
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

/// The test of a constant pattern (`INT`, `Op::NOP`) on a one-word value: the words are
/// equal. For the types traced code holds in one word (integers, `bool`, `char`, pointers,
/// an implementer's `Word` enum) equal words are equal values; floats compare as floats.
pub fn pat_eq<T: Word>(cw: &mut Codewriter, a: Sym<T>, b: Sym<T>) -> Sym<bool> {
    let op = if T::KIND == Kind::Float {
        BinOp::FloatEq
    } else {
        BinOp::IntEq
    };
    bin::<bool>(cw, op, a.reg, b.reg)
}

/// Integer operations whose Rust semantics the residual fallbacks need (`checked_*`,
/// `overflowing_*`).
#[diagnostic::on_unimplemented(
    message = "traced code lowers `checked_*` and `overflowing_*` only on primitive integers",
    note = "move this call into a function without `#[look_inside]` (a residual call)"
)]
pub trait IntOps: Num {
    /// `self.checked_add(o)`.
    fn c_add(self, o: Self) -> Option<Self>;
    /// `self.checked_sub(o)`.
    fn c_sub(self, o: Self) -> Option<Self>;
    /// `self.checked_mul(o)`.
    fn c_mul(self, o: Self) -> Option<Self>;
    /// `self.overflowing_add(o)`.
    fn o_add(self, o: Self) -> (Self, bool);
    /// `self.overflowing_sub(o)`.
    fn o_sub(self, o: Self) -> (Self, bool);
    /// `self.overflowing_mul(o)`.
    fn o_mul(self, o: Self) -> (Self, bool);
}
macro_rules! int_ops {
    ($($t:ty),*) => {$( impl IntOps for $t {
        fn c_add(self, o: Self) -> Option<Self> { self.checked_add(o) }
        fn c_sub(self, o: Self) -> Option<Self> { self.checked_sub(o) }
        fn c_mul(self, o: Self) -> Option<Self> { self.checked_mul(o) }
        fn o_add(self, o: Self) -> (Self, bool) { self.overflowing_add(o) }
        fn o_sub(self, o: Self) -> (Self, bool) { self.overflowing_sub(o) }
        fn o_mul(self, o: Self) -> (Self, bool) { self.overflowing_mul(o) }
    } )*};
}
int_ops!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

/// The wrapped result of `a op b` (`IntAdd`, `IntSub` or `IntMul`) for `T` in `dst` and its
/// overflow flag in `dst + 1`, inline; `false` (nothing emitted) when only a call can do it
/// (64-bit unsigned multiplication).
fn ovf_into<T: Num>(cw: &mut Codewriter, op: BinOp, a: Sym<T>, b: Sym<T>, dst: Reg) -> bool {
    let NumKind::Int { bits, signed } = T::NUM else {
        return false;
    };
    if bits == 64 && signed {
        // `int_*_ovf` and its overflow guard
        cw.emit(Insn::Ovf {
            op,
            dst,
            a: a.reg,
            b: b.reg,
        });
    } else if bits < 64 {
        // exact in 64 bits: it overflowed iff the result does not survive normalization
        let wide = bin::<i64>(cw, op, a.reg, b.reg);
        cw.emit(Insn::Un {
            op: UnOp::Norm { bits, signed },
            dst,
            a: wide.reg,
        });
        cw.emit(Insn::Bin {
            op: BinOp::IntNe,
            dst: dst + 1,
            a: wide.reg,
            b: dst,
        });
    } else {
        // u64/usize: a carry out of `+` leaves the sum below `a`; `-` borrows when `a < b`
        let (x, y) = match op {
            BinOp::IntAdd => (dst, a.reg),
            BinOp::IntSub => (a.reg, b.reg),
            _ => return false,
        };
        cw.emit(Insn::Bin {
            op,
            dst,
            a: a.reg,
            b: b.reg,
        });
        cw.emit(Insn::Bin {
            op: BinOp::UintLt,
            dst: dst + 1,
            a: x,
            b: y,
        });
    }
    true
}

macro_rules! checked {
    ($($checked:ident, $overflowing:ident => $op:ident, $c:ident, $o:ident;)*) => {$(
        #[doc = concat!("`a.", stringify!($checked), "(b)`: inline with an overflow check.")]
        pub fn $checked<T: IntOps>(cw: &mut Codewriter, a: Sym<T>, b: Sym<T>) -> Sym<Option<T>> {
            let parts = cw.fresh_regs::<(T, bool)>();
            if !ovf_into(cw, BinOp::$op, a, b, parts.reg) {
                return closure2(cw, a, b, |x: T, y: T| x.$c(y));
            }
            // Some(r) unless it overflowed
            let dst = cw.fresh_regs::<Option<T>>();
            let zero = cw.const_word(Kind::Int, 0);
            cw.emit(Insn::Bin { op: BinOp::IntEq, dst: dst.reg, a: parts.reg + 1, b: zero });
            cw.emit(Insn::Move { dst: dst.reg + 1, src: parts.reg });
            dst
        }
        #[doc = concat!("`a.", stringify!($overflowing), "(b)`: inline.")]
        pub fn $overflowing<T: IntOps>(cw: &mut Codewriter, a: Sym<T>, b: Sym<T>) -> Sym<(T, bool)> {
            let parts = cw.fresh_regs::<(T, bool)>();
            if !ovf_into(cw, BinOp::$op, a, b, parts.reg) {
                return closure2(cw, a, b, |x: T, y: T| x.$o(y));
            }
            parts
        }
    )*};
}
checked! {
    checked_add, overflowing_add => IntAdd, c_add, o_add;
    checked_sub, overflowing_sub => IntSub, c_sub, o_sub;
    checked_mul, overflowing_mul => IntMul, c_mul, o_mul;
}

/// The checks before an inline integer `/` or `%`: the divisor is not 0 and (signed) the
/// division is not `MIN / -1`; otherwise `panic_call` (the operation itself, as a residual
/// call that panics exactly as in the interpreter) and an unreachable end.
fn div_checks<T: Num>(
    cw: &mut Codewriter,
    a: Sym<T>,
    b: Sym<T>,
    panic_call: impl FnOnce(&mut Codewriter, Sym<T>, Sym<T>),
) {
    let NumKind::Int { bits, signed } = T::NUM else {
        return;
    };
    let (bad, ok) = (cw.label(), cw.label());
    let zero = cw.const_word(Kind::Int, 0);
    let nz = bin::<bool>(cw, BinOp::IntNe, b.reg, zero);
    cw.branch_if_false(nz, bad);
    if signed {
        let minus_one = cw.const_word(Kind::Int, u64::MAX);
        let not_m1 = bin::<bool>(cw, BinOp::IntNe, b.reg, minus_one);
        let maybe = cw.label();
        cw.branch_if_false(not_m1, maybe);
        cw.jump(ok);
        cw.bind(maybe);
        let min = cw.const_word(Kind::Int, (i64::MIN >> (64 - bits as u32)) as u64);
        let not_min = bin::<bool>(cw, BinOp::IntNe, a.reg, min);
        cw.branch_if_false(not_min, bad);
    }
    cw.jump(ok);
    cw.bind(bad);
    panic_call(cw, a, b);
    cw.emit(Insn::Unreachable);
    cw.bind(ok);
}

/// 64-bit unsigned `/` or `%`: inline (signed `op`) when both operands are below 2^63 and the
/// divisor is not 0, where signed and unsigned division agree (a guard each while tracing,
/// folded for a constant divisor); otherwise the residual call `slow`, which also panics on
/// division by zero as Rust does.
fn udiv64<T: Num>(
    cw: &mut Codewriter,
    op: BinOp,
    a: Sym<T>,
    b: Sym<T>,
    slow: impl FnOnce(&mut Codewriter, Sym<T>, Sym<T>) -> Sym<T>,
) -> Sym<T> {
    let res = cw.fresh::<T>();
    let (slow_path, end) = (cw.label(), cw.label());
    let zero = cw.const_word(Kind::Int, 0);
    let a_small = bin::<bool>(cw, BinOp::IntGe, a.reg, zero);
    cw.branch_if_false(a_small, slow_path);
    let b_ok = bin::<bool>(cw, BinOp::IntGt, b.reg, zero);
    cw.branch_if_false(b_ok, slow_path);
    cw.emit(Insn::Bin {
        op,
        dst: res.reg,
        a: a.reg,
        b: b.reg,
    });
    cw.jump(end);
    cw.bind(slow_path);
    let r = slow(cw, a, b);
    cw.mov(res, r);
    cw.bind(end);
    res
}

/// `a / b`: a float op; for integers an inline division after the checks that make Rust
/// panic (a guard each while tracing; a failing one resumes in the interpreter's jitcode,
/// which panics exactly as Rust does). 64-bit unsigned division: see [`udiv64`].
pub fn div<T: Num + std::ops::Div<Output = T>>(
    cw: &mut Codewriter,
    a: Sym<T>,
    b: Sym<T>,
) -> Sym<T> {
    match T::NUM {
        NumKind::Float => bin::<T>(cw, BinOp::FloatDiv, a.reg, b.reg),
        NumKind::Int {
            bits: 64,
            signed: false,
        } => udiv64(cw, BinOp::IntDiv, a, b, |cw, a, b| {
            closure2(cw, a, b, |x: T, y: T| x / y)
        }),
        NumKind::Int { .. } => {
            div_checks(cw, a, b, |cw, a, b| {
                let _: Sym<T> = closure2(cw, a, b, |x: T, y: T| x / y);
            });
            bin::<T>(cw, BinOp::IntDiv, a.reg, b.reg)
        }
    }
}
/// `a % b`: like `/` (Rust's sign rule: the remainder has the sign of `a`).
pub fn rem<T: Num + std::ops::Rem<Output = T>>(
    cw: &mut Codewriter,
    a: Sym<T>,
    b: Sym<T>,
) -> Sym<T> {
    match T::NUM {
        NumKind::Float => closure2(cw, a, b, |x: T, y: T| x % y),
        NumKind::Int {
            bits: 64,
            signed: false,
        } => udiv64(cw, BinOp::IntMod, a, b, |cw, a, b| {
            closure2(cw, a, b, |x: T, y: T| x % y)
        }),
        NumKind::Int { .. } => {
            div_checks(cw, a, b, |cw, a, b| {
                let _: Sym<T> = closure2(cw, a, b, |x: T, y: T| x % y);
            });
            bin::<T>(cw, BinOp::IntMod, a.reg, b.reg)
        }
    }
}
/// An inline shift of an integer `a` by `b`: a guard that `0 <= b < bits` (folded for a
/// constant amount), then `op` (normalized for narrow types); an amount out of range takes
/// the residual path `slow`, which has Rust's exact semantics (a panic in debug builds, a
/// masked amount in release builds). Other operand types: the residual call only.
fn shift<T: Word + Regs, U: Regs>(
    cw: &mut Codewriter,
    op: BinOp,
    a: Sym<T>,
    b: Sym<U>,
    int: Option<(u8, bool)>,
    signed_amount: Option<bool>,
    slow: impl FnOnce(&mut Codewriter, Sym<T>, Sym<U>) -> Sym<T>,
) -> Sym<T> {
    let (Some((bits, signed)), Some(amount_signed)) = (int, signed_amount) else {
        return slow(cw, a, b);
    };
    let op = match (op, signed) {
        (BinOp::IntRshift, false) => BinOp::UintRshift,
        (op, _) => op,
    };
    let res = cw.fresh::<T>();
    let (slow_path, end) = (cw.label(), cw.label());
    if amount_signed {
        let zero = cw.const_word(Kind::Int, 0);
        let nonneg = bin::<bool>(cw, BinOp::IntGe, b.reg, zero);
        cw.branch_if_false(nonneg, slow_path);
    }
    let limit = cw.const_word(Kind::Int, bits as u64);
    let in_range = bin::<bool>(cw, BinOp::UintLt, b.reg, limit);
    cw.branch_if_false(in_range, slow_path);
    cw.emit(Insn::Bin {
        op,
        dst: res.reg,
        a: a.reg,
        b: b.reg,
    });
    if bits < 64 {
        cw.emit(Insn::Un {
            op: UnOp::Norm { bits, signed },
            dst: res.reg,
            a: res.reg,
        });
    }
    cw.jump(end);
    cw.bind(slow_path);
    let r = slow(cw, a, b);
    cw.mov(res, r);
    cw.bind(end);
    res
}

/// Width and signedness of an integer register type, if it is one.
fn int_shape<T: Regs + 'static>() -> Option<(u8, bool)> {
    use std::any::TypeId;
    let id = TypeId::of::<T>();
    let table: [(TypeId, u8, bool); 10] = [
        (TypeId::of::<u8>(), 8, false),
        (TypeId::of::<u16>(), 16, false),
        (TypeId::of::<u32>(), 32, false),
        (TypeId::of::<u64>(), 64, false),
        (TypeId::of::<usize>(), 64, false),
        (TypeId::of::<i8>(), 8, true),
        (TypeId::of::<i16>(), 16, true),
        (TypeId::of::<i32>(), 32, true),
        (TypeId::of::<i64>(), 64, true),
        (TypeId::of::<isize>(), 64, true),
    ];
    table
        .iter()
        .find(|(t, ..)| *t == id)
        .map(|&(_, bits, signed)| (bits, signed))
}

/// `a << b`: inline for integers (see [`shift`]), else a residual call.
pub fn shl<T: Word + Regs + 'static + std::ops::Shl<U, Output = T>, U: Regs + 'static>(
    cw: &mut Codewriter,
    a: Sym<T>,
    b: Sym<U>,
) -> Sym<T> {
    let amount = int_shape::<U>().map(|(_, s)| s);
    shift(
        cw,
        BinOp::IntLshift,
        a,
        b,
        int_shape::<T>(),
        amount,
        |cw, a, b| closure2(cw, a, b, |x: T, y: U| x << y),
    )
}
/// `a >> b`: inline for integers (arithmetic for signed `T`), else a residual call.
pub fn shr<T: Word + Regs + 'static + std::ops::Shr<U, Output = T>, U: Regs + 'static>(
    cw: &mut Codewriter,
    a: Sym<T>,
    b: Sym<U>,
) -> Sym<T> {
    let amount = int_shape::<U>().map(|(_, s)| s);
    shift(
        cw,
        BinOp::IntRshift,
        a,
        b,
        int_shape::<T>(),
        amount,
        |cw, a, b| closure2(cw, a, b, |x: T, y: U| x >> y),
    )
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
pub fn traced_promote<T: GreenValue>(cw: &mut Codewriter, a: Sym<T>) -> Sym<T> {
    cw.emit(Insn::Promote {
        reg: a.reg,
        green: T::GREEN,
    });
    a
}

/// The register of `a` reinterpreted as a `U` (no code in the trace: the tracer keeps the same
/// value, and lowering inserts a cast where the kinds differ).
fn reinterpret<T: Regs, U: Word + Regs>(cw: &mut Codewriter, a: Sym<T>) -> Sym<U> {
    let d = cw.fresh::<U>();
    cw.emit(Insn::Move {
        dst: d.reg,
        src: a.reg,
    });
    d
}

/// `word_bits(x)`: the word of `x` as a `u64` register.
pub fn word_bits<T: Word + Regs>(cw: &mut Codewriter, a: Sym<T>) -> Sym<u64> {
    reinterpret(cw, a)
}

/// `from_word_bits(w)`: the word `w` as a `T` register.
pub fn from_word_bits<T: crate::AnyBits + Regs>(cw: &mut Codewriter, a: Sym<u64>) -> Sym<T> {
    reinterpret(cw, a)
}

/// `word_to_value(w)`: the word `w` as a `T` register (the caller vouched for its validity).
pub fn word_to_value<T: Word + Regs>(cw: &mut Codewriter, a: Sym<u64>) -> Sym<T> {
    reinterpret(cw, a)
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

/// Largest register value a residual call may return (words).
pub const MAX_RET_WORDS: usize = 16;

thread_local! {
    /// Words 1.. of the last multi-word result a residual call returned (word 0 is the call's
    /// own result); read right after the call by [`take_word`] calls.
    static RET_WORDS: std::cell::Cell<[u64; MAX_RET_WORDS]> =
        const { std::cell::Cell::new([0; MAX_RET_WORDS]) };
}

/// A residual call's result as its first word; the other words of a multi-word value go to
/// the thread's return buffer.
#[inline(always)]
fn stash<R: Regs>(r: R) -> u64 {
    const { assert!(R::WIDTH <= MAX_RET_WORDS, "residual call result too wide") };
    if R::WIDTH == 1 {
        let mut w = [0u64; 1];
        r.write_words(&mut w);
        w[0]
    } else {
        let mut w = [0u64; MAX_RET_WORDS];
        r.write_words(&mut w[..R::WIDTH]);
        RET_WORDS.with(|c| c.set(w));
        w[0]
    }
}

/// Word `K` of the last multi-word result (see [`stash`]).
fn take_word<const K: usize>() -> u64 {
    RET_WORDS.with(|c| c.get()[K])
}
unsafe extern "C-unwind" fn take_tramp<const K: usize>(_: *const u64) -> u64 {
    take_word::<K>()
}
extern "sysv64" fn take_abi_int<const K: usize>() -> u64 {
    take_word::<K>()
}
extern "sysv64" fn take_abi_float<const K: usize>() -> f64 {
    f64::from_bits(take_word::<K>())
}
macro_rules! take_table {
    ($($k:literal)*) => {
        /// `(array trampoline, native int-result fn, native float-result fn)` reading word `k`.
        fn take_fns(k: usize) -> (Trampoline, usize, usize) {
            match k {
                $($k => (take_tramp::<$k>, take_abi_int::<$k> as extern "sysv64" fn() -> u64 as usize,
                    take_abi_float::<$k> as extern "sysv64" fn() -> f64 as usize),)*
                _ => unreachable!("results are at most MAX_RET_WORDS words"),
            }
        }
    };
}
take_table!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15);

/// The kinds of the words of a call's arguments, in order.
fn arg_kinds(each: &[fn(&mut Vec<Kind>)]) -> Vec<Kind> {
    let mut v = Vec::new();
    for k in each {
        k(&mut v);
    }
    v
}

/// A residual callee with its parameter types: the array trampoline and the parameters'
/// word kinds (see [`abi_flat`]).
pub trait HasTramp {
    /// The array trampoline.
    const TRAMP: Trampoline;
    /// The kind of every word of every parameter, in order.
    fn arg_kinds() -> Vec<Kind>;
}
/// `F` called with the parameter types of the tuple `Args` (a [`HasTramp`]).
pub struct Tr<F, Args, R>(std::marker::PhantomData<(F, Args, R)>);

/// Native-ABI trampoline for residual calls whose arguments are register values of several
/// words (called by machine code): the words are passed as separate native arguments, so
/// under SysV the integer-class ones arrive in order in the integer parameters and the
/// floats in order in the float parameters whatever their interleaving; it rebuilds the word
/// array and calls the array trampoline. Up to 6 integer and 8 float words (the backend
/// refuses to compile calls with more).
///
/// # Safety
/// The words must be the canonical words of `H`'s parameters, in order.
#[allow(clippy::too_many_arguments)]
pub unsafe extern "sysv64" fn abi_flat<H: HasTramp, R: Regs>(
    i0: u64,
    i1: u64,
    i2: u64,
    i3: u64,
    i4: u64,
    i5: u64,
    x0: f64,
    x1: f64,
    x2: f64,
    x3: f64,
    x4: f64,
    x5: f64,
    x6: f64,
    x7: f64,
) -> R::Abi0 {
    let ints = [i0, i1, i2, i3, i4, i5];
    let floats = [x0, x1, x2, x3, x4, x5, x6, x7];
    let (mut ni, mut nf) = (0, 0);
    let words: Vec<u64> = H::arg_kinds()
        .iter()
        .map(|k| {
            if *k == Kind::Float {
                nf += 1;
                floats[nf - 1].to_bits()
            } else {
                ni += 1;
                ints[ni - 1]
            }
        })
        .collect();
    // A panic of the callee must not unwind into machine code: caught and parked as in the
    // per-arity native trampolines (`backend::unwind`).
    // SAFETY: the words of `H`'s parameters, in order (caller contract).
    let r = crate::backend::unwind::catch(|| unsafe { (H::TRAMP)(words.as_ptr()) });
    <R::Abi0 as AbiVal>::from_bits(r.unwrap_or(0))
}

/// The native-ABI entry of a residual call: the per-parameter trampoline `narrow` when every
/// parameter is one word, else [`abi_flat`].
fn pick_abi<H: HasTramp, R: Regs>(widths: &[usize], narrow: usize) -> (Trampoline, usize) {
    if widths.iter().all(|w| *w == 1) {
        (H::TRAMP, narrow)
    } else {
        let f: unsafe extern "sysv64" fn(
            u64,
            u64,
            u64,
            u64,
            u64,
            u64,
            f64,
            f64,
            f64,
            f64,
            f64,
            f64,
            f64,
            f64,
        ) -> R::Abi0 = abi_flat::<H, R>;
        (H::TRAMP, f as usize)
    }
}

fn emit_call<R: Regs>(
    cw: &mut Codewriter,
    (func, abi): (Trampoline, usize),
    args: &[Reg],
    arg_kinds: &[Kind],
    effect: Effect,
    name: &'static str,
) -> Sym<R> {
    let name = cw.take_call_name().unwrap_or(name);
    let dst = cw.fresh_regs::<R>();
    let kinds = super::regs::kinds_of::<R>();
    // A multi-word result is read back by calls after this one: the call itself must stay.
    let effect = if R::WIDTH > 1 && effect == Effect::Elidable {
        Effect::ReadOnly
    } else {
        effect
    };
    cw.emit(Insn::Call {
        dst: dst.reg,
        desc: Box::new(CallDesc {
            func,
            abi,
            arg_kinds: arg_kinds.into(),
            ret_kind: kinds[0],
            effect,
            name,
        }),
        args: args.into(),
    });
    for (k, kind) in kinds.iter().enumerate().skip(1) {
        if *kind == Kind::Void {
            // (a `()` word: nothing to read back; the register keeps its zero)
            continue;
        }
        let (tramp, int_abi, float_abi) = take_fns(k);
        cw.emit(Insn::Call {
            dst: dst.reg + k as Reg,
            desc: Box::new(CallDesc {
                func: tramp,
                abi: if *kind == Kind::Float {
                    float_abi
                } else {
                    int_abi
                },
                arg_kinds: Box::new([]),
                ret_kind: *kind,
                effect: Effect::ReadOnly,
                name: "metatracer::result_word",
            }),
            args: Box::new([]),
        });
    }
    dst
}

macro_rules! calls {
    ($($n:literal: $tramp:ident, $abi:ident, $call:ident, $clos:ident, $clos_pure:ident ($($a:ident $s:ident),*);)*) => {$(
        /// Trampoline for a zero-sized callee of this arity (called by the tracer and the
        /// blackhole: a panic of the callee unwinds through it into them).
        ///
        /// # Safety
        /// `args` must point to the words of each parameter in order, valid for its type.
        #[allow(unused_mut, unused_variables, unused_assignments)]
        pub unsafe extern "C-unwind" fn $tramp<F: Fn($($a),*) -> R, $($a: Regs,)* R: Regs>(args: *const u64) -> u64 {
            let f: F = conjure();
            let mut at = 0usize;
            // SAFETY: the caller passes the words of each parameter (`$a::WIDTH` each).
            $( let $s = unsafe { $a::read_words(std::slice::from_raw_parts(args.add(at), $a::WIDTH)) }; at += $a::WIDTH; )*
            stash(f($($s),*))
        }

        /// Native-ABI trampoline for a zero-sized callee of this arity (called by machine code)
        /// whose parameters are one word each (others go through [`abi_flat`]).
        /// A panic of the callee must not unwind into machine code: it is caught and parked
        /// (`backend::unwind`), the result is a dummy 0 and the code leaves at its flag test.
        ///
        /// # Safety
        /// Each argument must be the (only) canonical word of its parameter type.
        pub unsafe extern "sysv64" fn $abi<F: Fn($($a),*) -> R, $($a: Regs,)* R: Regs>($($s: $a::Abi0),*) -> R::Abi0 {
            let f: F = conjure();
            // SAFETY: the caller passes one valid word per parameter (`pick_abi` uses this
            // trampoline only for one-word parameters).
            #[allow(unused_unsafe)]
            let r = crate::backend::unwind::catch(|| unsafe { f($($a::read_words(&[AbiVal::to_bits($s)])),*) });
            <R::Abi0 as AbiVal>::from_bits(r.map_or(0, stash))
        }

        impl<F: Fn($($a),*) -> R, $($a: Regs,)* R: Regs> HasTramp for Tr<F, ($($a,)*), R> {
            const TRAMP: Trampoline = $tramp::<F, $($a,)* R>;
            fn arg_kinds() -> Vec<Kind> {
                arg_kinds(&[$($a::kinds),*])
            }
        }

        #[allow(clippy::too_many_arguments)]
        /// Call of a function item: inlined, elidable or residual depending on its annotation.
        pub fn $call<F: Fn($($a),*) -> R + Copy + 'static, $($a: Regs,)* R: Regs>(
            cw: &mut Codewriter, f: F, $($s: impl IntoArg<$a>),*
        ) -> Sym<R> {
            $( let $s: Sym<$a> = $s.into_arg(cw); )*
            #[allow(unused_mut)]
            let mut args: Vec<Reg> = Vec::new();
            $( args.extend($s.reg..$s.reg + $a::WIDTH as Reg); )*
            let kinds = arg_kinds(&[$($a::kinds),*]);
            let widths: &[usize] = &[$($a::WIDTH),*];
            let abi = pick_abi::<Tr<F, ($($a,)*), R>, R>(widths, $abi::<F, $($a,)* R> as unsafe extern "sysv64" fn($($a::Abi0),*) -> R::Abi0 as usize);
            match lookup(type_id_of_val(&f)) {
                Some((name, FnKind::Inline { builder, unroll_safe })) => {
                    let code = cw.code_for(builder, name, unroll_safe);
                    let dst = cw.fresh_regs::<R>();
                    cw.emit(Insn::InlineCall { dst: dst.reg, n: R::WIDTH as u16, code, args: args.into() });
                    dst
                }
                Some((name, kind)) => {
                    let effect = match kind {
                        FnKind::Elidable => Effect::Elidable,
                        FnKind::ReadOnly => Effect::ReadOnly,
                        FnKind::LoopInvariant => Effect::LoopInvariant,
                        _ => Effect::Residual,
                    };
                    emit_call(cw, abi, &args, &kinds, effect, name)
                }
                None => {
                    let name = std::any::type_name::<F>();
                    emit_call(cw, abi, &args, &kinds, Effect::Residual, name)
                }
            }
        }

        #[allow(clippy::too_many_arguments)]
        /// Residual call of a non-capturing closure (the fallback for code outside the subset).
        pub fn $clos<$($a: Regs,)* R: Regs, F: Fn($($a),*) -> R + Copy>(
            cw: &mut Codewriter, $($s: Sym<$a>,)* f: F
        ) -> Sym<R> {
            let _ = f;
            let name = std::any::type_name::<F>();
            #[allow(unused_mut)]
            let mut args: Vec<Reg> = Vec::new();
            $( args.extend($s.reg..$s.reg + $a::WIDTH as Reg); )*
            let abi = pick_abi::<Tr<F, ($($a,)*), R>, R>(&[$($a::WIDTH),*], $abi::<F, $($a,)* R> as unsafe extern "sysv64" fn($($a::Abi0),*) -> R::Abi0 as usize);
            emit_call(cw, abi, &args, &arg_kinds(&[$($a::kinds),*]), Effect::Residual, name)
        }

        #[allow(clippy::too_many_arguments)]
        /// Call of a pure generated closure (pattern tests); folded on constant arguments.
        pub fn $clos_pure<$($a: Regs,)* R: Regs, F: Fn($($a),*) -> R + Copy>(
            cw: &mut Codewriter, pure: bool, $($s: Sym<$a>,)* f: F
        ) -> Sym<R> {
            let _ = f;
            let name = std::any::type_name::<F>();
            let effect = if pure { Effect::Elidable } else { Effect::ReadOnly };
            #[allow(unused_mut)]
            let mut args: Vec<Reg> = Vec::new();
            $( args.extend($s.reg..$s.reg + $a::WIDTH as Reg); )*
            let abi = pick_abi::<Tr<F, ($($a,)*), R>, R>(&[$($a::WIDTH),*], $abi::<F, $($a,)* R> as unsafe extern "sysv64" fn($($a::Abi0),*) -> R::Abi0 as usize);
            emit_call(cw, abi, &args, &arg_kinds(&[$($a::kinds),*]), effect, name)
        }
    )*};
}
calls! {
    0: tramp0, abi0, call0, closure0, pure0 ();
    1: tramp1, abi1, call1, closure1, pure1 (A a);
    2: tramp2, abi2, call2, closure2, pure2 (A a, B b);
    3: tramp3, abi3, call3, closure3, pure3 (A a, B b, C c);
    4: tramp4, abi4, call4, closure4, pure4 (A a, B b, C c, D d);
    5: tramp5, abi5, call5, closure5, pure5 (A a, B b, C c, D d, E e);
    6: tramp6, abi6, call6, closure6, pure6 (A a, B b, C c, D d, E e, G g);
    7: tramp7, abi7, call7, closure7, pure7 (A a, B b, C c, D d, E e, G g, H h);
    8: tramp8, abi8, call8, closure8, pure8 (A a, B b, C c, D d, E e, G g, H h, I i);
    9: tramp9, abi9, call9, closure9, pure9 (A a, B b, C c, D d, E e, G g, H h, I i, J j);
    10: tramp10, abi10, call10, closure10, pure10 (A a, B b, C c, D d, E e, G g, H h, I i, J j, K k);
}

/// `metatracer::record_known_result(result, f, args)` in traced code: the builder emitted the
/// call `f(args)` (its instructions start at `from`, its result is `call`); that call is
/// replaced by a [`Insn::KnownResult`] hint when `f` is `#[elidable]` with a one-word
/// result, and by nothing otherwise (the interpreter never calls `f` here).
pub fn known_result<R: Regs>(
    cw: &mut Codewriter,
    result: Sym<R>,
    call: Sym<R>,
    from: usize,
) -> Sym<()> {
    cw.known_result(from, call.reg, R::WIDTH, result.reg);
    lit(cw, ())
}

/// The argument tuple of `record_known_result` for a function `F` taking those arguments.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not the tuple of the arguments `{F}` takes",
    label = "write the call's arguments as a tuple: `(a, b)`, or `(a,)` for one",
    note = "`metatracer::record_known_result(result, f, (a, b))` says that `f(a, b)` returns `result` (up to 6 arguments)"
)]
pub trait KnownArgs<F> {
    /// `F`'s result type.
    type Out;
}
macro_rules! known_args {
    ($(($($a:ident),*))*) => {$(
        impl<F: Fn($($a),*) -> R, $($a,)* R> KnownArgs<F> for ($($a,)*) {
            type Out = R;
        }
    )*};
}
known_args!((A)(A, B)(A, B, C)(A, B, C, D)(A, B, C, D, E)(
    A, B, C, D, E, G
));

/// The number of instructions emitted so far (where a `record_known_result` call starts).
pub fn insn_count(cw: &Codewriter) -> usize {
    cw.insn_count()
}

/// An argument of a traced call: the value itself, or (as rustc does implicitly) a `&mut T`
/// reborrowed as `&T` when the callee takes `&T`.
pub trait IntoArg<A> {
    /// The argument's registers.
    fn into_arg(self, cw: &mut Codewriter) -> Sym<A>;
}
impl<A> IntoArg<A> for Sym<A> {
    #[inline(always)]
    fn into_arg(self, _: &mut Codewriter) -> Sym<A> {
        self
    }
}
impl<'a, T> IntoArg<&'a T> for Sym<&'a mut T> {
    #[inline(always)]
    fn into_arg(self, _: &mut Codewriter) -> Sym<&'a T> {
        Sym::new(self.reg)
    }
}
impl<'a, T> IntoArg<&'a [T]> for Sym<&'a mut [T]> {
    #[inline(always)]
    fn into_arg(self, _: &mut Codewriter) -> Sym<&'a [T]> {
        Sym::new(self.reg)
    }
}
impl<'a, T> IntoArg<&'a [T]> for Sym<&'a Vec<T>> {
    /// Deref coercion `&Vec<T>` to `&[T]`: the vector's data pointer and length.
    fn into_arg(self, cw: &mut Codewriter) -> Sym<&'a [T]> {
        vec_as_slice(cw, Place::<Vec<T>>::new(self.reg, 0, false))
    }
}
impl<'a, T> IntoArg<&'a mut [T]> for Sym<&'a mut Vec<T>> {
    /// Deref coercion `&mut Vec<T>` to `&mut [T]`.
    fn into_arg(self, cw: &mut Codewriter) -> Sym<&'a mut [T]> {
        vec_as_slice(cw, Place::<Vec<T>>::new(self.reg, 0, true))
    }
}
impl<'a, T> IntoArg<&'a [T]> for Sym<&'a mut Vec<T>> {
    /// Deref coercion `&mut Vec<T>` to `&[T]`.
    fn into_arg(self, cw: &mut Codewriter) -> Sym<&'a [T]> {
        vec_as_slice(cw, Place::<Vec<T>>::new(self.reg, 0, true))
    }
}

/// The slice of a `Vec` at `p`: its data pointer and length in two registers.
fn vec_as_slice<T, S: Regs>(cw: &mut Codewriter, p: Place<Vec<T>>) -> Sym<S> {
    let (ptr_off, len_off) = vec_layout::<T>();
    let dst = cw.fresh_regs::<S>();
    cw.emit(Insn::Load {
        dst: dst.reg,
        base: p.base,
        offset: p.offset + ptr_off,
        size: MemSize::W64,
        immutable: !p.mutable,
        class: alias_class("Vec.ptr", 0),
        frozen: p.frozen,
    });
    cw.emit(Insn::Load {
        dst: dst.reg + 1,
        base: p.base,
        offset: p.offset + len_off,
        size: MemSize::W64,
        immutable: !p.mutable,
        class: alias_class("Vec.len", 0),
        frozen: p.frozen,
    });
    dst
}

/// The elements of a slice held in registers: a place whose `base` is the first of the
/// slice's two registers (data pointer, then length).
pub struct SliceOf<T>(std::marker::PhantomData<T>);

macro_rules! slice_places {
    ($($r:ty, $mutable:expr;)*) => {$(
        impl<'a, T> ToPlace for Sym<$r> {
            type Out = SliceOf<T>;
            fn to_place(self, _: &mut Codewriter) -> Place<SliceOf<T>> {
                Place::new(self.reg, 0, $mutable)
            }
        }
        impl<'a, T> AutoDeref for $r {
            type Out = SliceOf<T>;
            /// A slice reference stored in memory: both words into two registers.
            fn step(cw: &mut Codewriter, p: Place<Self>) -> Place<SliceOf<T>> {
                let (ptr_at, len_at) = super::regs::slice_layout();
                let dst = cw.fresh_regs::<$r>();
                for (k, at) in [(0, ptr_at), (1, len_at)] {
                    cw.emit(Insn::Load {
                        dst: dst.reg + k,
                        base: p.base,
                        offset: p.offset + 8 * at as i32,
                        size: MemSize::W64,
                        immutable: !p.mutable,
                        class: p.class,
                        frozen: p.frozen,
                    });
                }
                Place::new(dst.reg, 0, $mutable)
            }
        }
    )*};
}
slice_places! { &'a [T], false; &'a mut [T], true; }

impl<T> Indexable for SliceOf<T> {
    type Elem = T;
    fn elem(cw: &mut Codewriter, p: Place<Self>, i: Sym<usize>) -> Place<T> {
        bounds_check(cw, i, p.base + 1);
        elem_addr(cw, p.base, i, p.mutable, 0)
    }
}
impl<T> HasLen for SliceOf<T> {
    fn len(_: &mut Codewriter, p: Place<Self>) -> Sym<usize> {
        Sym::new(p.base + 1)
    }
}
impl<T> AutoDeref for SliceOf<T> {
    type Out = SliceOf<T>;
    fn step(_: &mut Codewriter, p: Place<Self>) -> Place<Self> {
        p
    }
}

/// Type probe for `x.len()` on a local: inline when `x` is a slice or a reference to a
/// container with [`HasLen`], else a residual call.
pub struct LProbe<T>(std::marker::PhantomData<fn() -> T>);
impl<T> LProbe<T> {
    /// The probe for a local.
    pub fn of(_: &Sym<T>) -> Self {
        LProbe(std::marker::PhantomData)
    }
}
/// Inline `len()` (see [`LProbe`]).
pub trait FastLen {
    /// The local's type.
    type V;
    /// Emits the length read.
    fn m_len(&self, cw: &mut Codewriter, v: Sym<Self::V>) -> Option<Sym<usize>>;
}
impl<V> FastLen for LProbe<V>
where
    Sym<V>: ToPlace,
    <Sym<V> as ToPlace>::Out: HasLen,
{
    type V = V;
    fn m_len(&self, cw: &mut Codewriter, v: Sym<V>) -> Option<Sym<usize>> {
        Some(len(cw, v))
    }
}
/// The fallback of [`FastLen`]: a residual call.
pub trait SlowLen {
    /// The local's type.
    type V;
    /// `None`.
    fn m_len<R>(&self, cw: &mut Codewriter, v: Sym<Self::V>) -> Option<Sym<R>>;
}
impl<V> SlowLen for &LProbe<V> {
    type V = V;
    fn m_len<R>(&self, _: &mut Codewriter, _: Sym<V>) -> Option<Sym<R>> {
        None
    }
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
                .with_class(alias_class("Vec.len", 0) | p.vable_bit()),
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

// ---------------------------------------------------------------- register values

/// Zero words of the right kinds in `n` registers from `first` (the absent variant of a
/// multi-word value, see `regs.rs`).
fn zero_regs(cw: &mut Codewriter, first: Reg, n: usize) {
    for k in 0..n as Reg {
        let r = first + k;
        cw.emit(Insn::Const { dst: r, val: 0 });
    }
}

fn move_regs(cw: &mut Codewriter, dst: Reg, src: Reg, n: usize) {
    for k in 0..n as Reg {
        cw.emit(Insn::Move {
            dst: dst + k,
            src: src + k,
        });
    }
}

/// `Some(v)`.
pub fn make_some<T: Regs>(cw: &mut Codewriter, v: Sym<T>) -> Sym<Option<T>> {
    let dst = cw.fresh_regs::<Option<T>>();
    if T::NICHE {
        move_regs(cw, dst.reg, v.reg, T::WIDTH);
    } else {
        cw.emit(Insn::Const {
            dst: dst.reg,
            val: 1,
        });
        move_regs(cw, dst.reg + 1, v.reg, T::WIDTH);
    }
    dst
}

/// `None`.
pub fn make_none<T: Regs>(cw: &mut Codewriter) -> Sym<Option<T>> {
    let dst = cw.fresh_regs::<Option<T>>();
    zero_regs(cw, dst.reg, Option::<T>::WIDTH);
    dst
}

/// `Ok(v)`.
pub fn make_ok<T: Regs, E: Regs>(cw: &mut Codewriter, v: Sym<T>) -> Sym<Result<T, E>> {
    let dst = cw.fresh_regs::<Result<T, E>>();
    cw.emit(Insn::Const {
        dst: dst.reg,
        val: 0,
    });
    move_regs(cw, dst.reg + 1, v.reg, T::WIDTH);
    zero_regs(cw, dst.reg + 1 + T::WIDTH as Reg, E::WIDTH);
    dst
}

/// `Err(e)`.
pub fn make_err<T: Regs, E: Regs>(cw: &mut Codewriter, e: Sym<E>) -> Sym<Result<T, E>> {
    let dst = cw.fresh_regs::<Result<T, E>>();
    cw.emit(Insn::Const {
        dst: dst.reg,
        val: 1,
    });
    zero_regs(cw, dst.reg + 1, T::WIDTH);
    move_regs(cw, dst.reg + 1 + T::WIDTH as Reg, e.reg, E::WIDTH);
    dst
}

macro_rules! make_tuples {
    ($($name:ident ($($t:ident $v:ident),*);)*) => {$(
        /// A tuple of register values.
        pub fn $name<$($t: Regs),*>(cw: &mut Codewriter, $($v: Sym<$t>),*) -> Sym<($($t),*)> {
            let dst = cw.fresh_regs::<($($t),*)>();
            let mut at = dst.reg;
            $( move_regs(cw, at, $v.reg, $t::WIDTH); at += $t::WIDTH as Reg; )*
            let _ = at;
            dst
        }
    )*};
}
make_tuples! { tuple2(A a, B b); tuple3(A a, B b, C c); tuple4(A a, B b, C c, D d); }

/// Element `K` of a tuple held in registers (no code: the element's registers).
pub fn tuple_elem<const K: usize, T: TupleElem<K>>(_: &mut Codewriter, t: Sym<T>) -> Sym<T::Elem> {
    Sym::new(t.reg + <T as TupleElem<K>>::OFFSET as Reg)
}

/// Whether an `Option` in registers is `Some`.
pub fn opt_is_some<T: Regs>(cw: &mut Codewriter, o: Sym<Option<T>>) -> Sym<bool> {
    if T::NICHE {
        let zero = cw.const_word(Kind::Int, 0);
        bin::<bool>(cw, BinOp::IntNe, o.reg, zero)
    } else {
        Sym::new(o.reg)
    }
}

/// Whether an `Option` in registers is `None`.
pub fn opt_is_none<T: Regs>(cw: &mut Codewriter, o: Sym<Option<T>>) -> Sym<bool> {
    let zero = cw.const_word(Kind::Int, 0);
    bin::<bool>(cw, BinOp::IntEq, o.reg, zero)
}

/// The payload registers of an `Option` (meaningful when it is `Some`).
pub fn opt_payload<T: Regs>(_: &mut Codewriter, o: Sym<Option<T>>) -> Sym<T> {
    Sym::new(if T::NICHE { o.reg } else { o.reg + 1 })
}

/// Whether a `Result` in registers is `Ok`.
pub fn res_is_ok<T: Regs, E: Regs>(cw: &mut Codewriter, r: Sym<Result<T, E>>) -> Sym<bool> {
    let zero = cw.const_word(Kind::Int, 0);
    bin::<bool>(cw, BinOp::IntEq, r.reg, zero)
}

/// Whether a `Result` in registers is `Err` (its tag).
pub fn res_is_err<T: Regs, E: Regs>(_: &mut Codewriter, r: Sym<Result<T, E>>) -> Sym<bool> {
    Sym::new(r.reg)
}

/// The `Ok` registers of a `Result`.
pub fn res_ok<T: Regs, E: Regs>(_: &mut Codewriter, r: Sym<Result<T, E>>) -> Sym<T> {
    Sym::new(r.reg + 1)
}

/// The `Err` registers of a `Result`.
pub fn res_err<T: Regs, E: Regs>(_: &mut Codewriter, r: Sym<Result<T, E>>) -> Sym<E> {
    Sym::new(r.reg + 1 + T::WIDTH as Reg)
}

/// A value `?` applies to in traced code: `Result<T, E>` and `Option<T>` in registers.
#[diagnostic::on_unimplemented(
    message = "traced code applies `?` only to `Result` and `Option` values held in registers",
    note = "move this code into a function without `#[look_inside]` (a residual call)"
)]
pub trait TryRegs: Regs {
    /// The value `e?` has when it continues.
    type Output: Regs;
    /// What it returns early with (`E`, or `()` for `Option`).
    type Residual: Regs;
    /// Emits the test: (returns early?, output registers, residual registers).
    fn branch(
        cw: &mut Codewriter,
        v: Sym<Self>,
    ) -> (Sym<bool>, Sym<Self::Output>, Sym<Self::Residual>);
}
impl<T: Regs, E: Regs> TryRegs for Result<T, E> {
    type Output = T;
    type Residual = E;
    fn branch(cw: &mut Codewriter, v: Sym<Self>) -> (Sym<bool>, Sym<T>, Sym<E>) {
        (res_is_err(cw, v), res_ok(cw, v), res_err(cw, v))
    }
}
impl<T: Regs> TryRegs for Option<T> {
    type Output = T;
    type Residual = ();
    fn branch(cw: &mut Codewriter, v: Sym<Self>) -> (Sym<bool>, Sym<T>, Sym<()>) {
        let none = opt_is_none(cw, v);
        let unit = lit(cw, ());
        (none, opt_payload(cw, v), unit)
    }
}

/// The return value `?` builds from a residual: `Err(e)` for `Result<_, E>` (the same `E`:
/// the traced `?` does not call `From::from`), `None` for `Option`.
#[diagnostic::on_unimplemented(
    message = "the traced `?` cannot turn `{R}` into the return type `{Self}`",
    note = "in traced code `?` returns the error unchanged: the function must return \
            `Result<_, E>` with the same `E` (or `Option<_>` for `?` on an `Option`); convert \
            the error explicitly (`.map_err(..)` in a residual call) or use `match`"
)]
pub trait FromResidualRegs<R>: Regs {
    /// Emits the construction.
    fn from_residual(cw: &mut Codewriter, r: Sym<R>) -> Sym<Self>;
}
impl<T: Regs, E: Regs> FromResidualRegs<E> for Result<T, E> {
    fn from_residual(cw: &mut Codewriter, r: Sym<E>) -> Sym<Self> {
        make_err(cw, r)
    }
}
impl<T: Regs> FromResidualRegs<()> for Option<T> {
    fn from_residual(cw: &mut Codewriter, _: Sym<()>) -> Sym<Self> {
        make_none(cw)
    }
}

/// `e?`: the test, and (returns early?, output, residual).
pub fn try_branch<V: TryRegs>(
    cw: &mut Codewriter,
    v: Sym<V>,
) -> (Sym<bool>, Sym<V::Output>, Sym<V::Residual>) {
    V::branch(cw, v)
}

/// The residual of `e?` (what the function returns early with), before conversion.
pub struct TryResidual<R>(pub Sym<R>);
impl<R: Regs> TryResidual<R> {
    /// The function's return value built from the residual. (A method, so that rustc knows
    /// `R` before it looks for the conversion and reports a missing one as such.)
    pub fn into_ret<Ret: FromResidualRegs<R>>(self, cw: &mut Codewriter) -> Sym<Ret> {
        Ret::from_residual(cw, self.0)
    }
}

/// A value the function returns, typed as its return type.
pub fn ret_value<Ret: Regs>(cw: &mut Codewriter, v: Sym<Ret>) {
    cw.ret(v)
}

// ---------------------------------------------------------------- cells and GC arrays

/// Type probe choosing how `place.get()`, `place.set(v)`, `place.get(i)` and
/// `place.set(i, v)` are lowered: loads and stores for `Cell`, `GcCell` and `gc::Array`
/// (the `*Fast` traits), a residual call of the method for any other receiver (the `*Slow`
/// traits, reached through auto-ref, return `None`).
pub struct MProbe<T>(std::marker::PhantomData<fn() -> T>);
impl<T> MProbe<T> {
    /// The probe for a place receiver.
    pub fn of(_: &Place<T>) -> Self {
        MProbe(std::marker::PhantomData)
    }
}

/// The place of the value inside a `Cell`/`GcCell` at `p`: mutable through any pointer
/// (interior mutability), so never folded and never frozen. Its alias class is marked as a
/// cell's (`tracer::CELL_CLASS`); a cell reached without a field class (through a reference,
/// `(*r).set(v)`) gets its cell type as class (`tracer::CELL_TYPE_CLASS`), which may alias
/// any cell but no place outside a cell: safe Rust reaches a cell's contents only through
/// the cell.
fn cell_inner<C, T>(p: Place<C>) -> Place<T> {
    use super::tracer::{CELL_CLASS, CELL_TYPE_CLASS};
    let class = if p.class != 0 {
        p.class | CELL_CLASS
    } else {
        alias_class(std::any::type_name::<C>(), 2) | CELL_CLASS | CELL_TYPE_CLASS
    };
    Place::new(p.base, p.offset, true).with_class(class)
}

/// The write barrier for the slot at `slot`, which holds a `T` (a residual call): marks the
/// slot's card, reading and writing no memory of the program (so it may run before the store
/// it is for has been performed, as long as no collection comes between them, and none can:
/// collections happen inside residual calls, before which the tracer performs its stores).
fn write_barrier_of<T: crate::gc::Trace + Copy>(slot: *const T) {
    crate::gc::write_barrier_slot(slot as *const u8);
}

/// The trampolines of a zero-sized one-argument callee.
fn residual1<F: Fn(A) -> R + Copy, A: Regs, R: Regs>(_: F) -> (Trampoline, usize) {
    (
        tramp1::<F, A, R>,
        abi1::<F, A, R> as unsafe extern "sysv64" fn(A::Abi0) -> R::Abi0 as usize,
    )
}

/// The trampolines of a zero-sized two-argument callee.
fn residual2<F: Fn(A, B) -> R + Copy, A: Regs, B: Regs, R: Regs>(_: F) -> (Trampoline, usize) {
    (
        tramp2::<F, A, B, R>,
        abi2::<F, A, B, R> as unsafe extern "sysv64" fn(A::Abi0, B::Abi0) -> R::Abi0 as usize,
    )
}

// ---------------------------------------------------------------- allocation

/// A fresh zeroed `T` (the callee of a traced `gc::alloc`, [`Effect::Alloc`]; the tracer
/// records `new` instead of calling it as a residual call, the blackhole calls it).
fn new_zeroed<T: crate::gc::Trace>(header: usize, size: usize) -> crate::gc::Gc<T> {
    // SAFETY: `header` and `size` are `T`'s header word and size (from `gc_alloc` below), `T`
    // has no drop glue, and a zeroed `T` holds only null references, which the collector
    // skips; the traced stores that follow initialize it.
    unsafe { crate::gc::Gc::from_raw(crate::gc::jit::alloc_zeroed(header, size) as *const T) }
}

/// Type probe for `gc::alloc(v)` in traced code (`metatracer::gc::alloc` or `gc::alloc`):
/// for a register value `T` without drop glue ([`FastAlloc`]) an allocation the optimizer
/// can remove (`new` plus one store per word); otherwise ([`SlowAlloc`]) a residual call of
/// `gc::alloc`.
pub struct AProbe<T>(std::marker::PhantomData<fn() -> T>);
impl<T> AProbe<T> {
    /// The probe for the allocated value.
    pub fn of(_: &Sym<T>) -> Self {
        AProbe(std::marker::PhantomData)
    }
}
/// `gc::alloc(v)` of a register value: `new` and the stores of its words.
pub trait FastAlloc {
    /// The value's type.
    type T;
    /// Emits the allocation.
    fn gc_alloc(&self, cw: &mut Codewriter, v: Sym<Self::T>) -> Sym<crate::gc::Gc<Self::T>>;
}
impl<T: MemValue + crate::gc::Trace + Copy + 'static> FastAlloc for AProbe<T> {
    type T = T;
    fn gc_alloc(&self, cw: &mut Codewriter, v: Sym<T>) -> Sym<crate::gc::Gc<T>> {
        // (objects with drop glue need a finalizer; big ones go to the old generation)
        if std::mem::needs_drop::<T>() || std::mem::size_of::<T>() > 4096 {
            return call1(cw, crate::gc::alloc::<T>, v);
        }
        let h = lit(cw, crate::gc::jit::header_word::<T>());
        let n = lit(cw, std::mem::size_of::<T>());
        let p: Sym<crate::gc::Gc<T>> = emit_call(
            cw,
            residual2(new_zeroed::<T>),
            &[h.reg, n.reg],
            &[Kind::Int, Kind::Int],
            Effect::Alloc,
            "metatracer::gc::alloc",
        );
        // A fresh object: its initializing stores need no write barrier (no collection
        // comes between the allocation and them in the interpreter, and the object is
        // young or, if the collector put it in the old generation, has all its cards dirty).
        T::store(cw, Place::new(p.reg, 0, true), v);
        p
    }
}
/// The fallback of [`FastAlloc`]: a residual call of `gc::alloc`.
pub trait SlowAlloc {
    /// The value's type.
    type T;
    /// Emits the call.
    fn gc_alloc(&self, cw: &mut Codewriter, v: Sym<Self::T>) -> Sym<crate::gc::Gc<Self::T>>;
}
impl<T: Regs + crate::gc::Trace + 'static> SlowAlloc for &AProbe<T> {
    type T = T;
    fn gc_alloc(&self, cw: &mut Codewriter, v: Sym<T>) -> Sym<crate::gc::Gc<T>> {
        call1(cw, crate::gc::alloc::<T>, v)
    }
}

/// The write barrier after a store of a value holding GC references to `p`.
fn barrier_after<T: crate::gc::Trace + Copy + 'static>(cw: &mut Codewriter, p: Place<T>) {
    if T::HAS_REFS {
        let a = addr::<*const T>(cw, p);
        // The barrier writes only the collector's card table, which traced code never reads.
        let _: Sym<()> = emit_call(
            cw,
            residual1(write_barrier_of::<T>),
            &[a.reg],
            &[Kind::Ref],
            Effect::NoMemory,
            crate::gc::jit::WRITE_BARRIER_CALL,
        );
    }
}

/// `cell.get()` on a `Cell`/`GcCell` place: a load.
pub trait FastGet0 {
    /// The receiver type.
    type Recv;
    /// The value type.
    type Out;
    /// Emits the load.
    fn m_get0(&self, cw: &mut Codewriter, p: Place<Self::Recv>) -> Option<Sym<Self::Out>>;
}
impl<T: Mem + Copy> FastGet0 for MProbe<std::cell::Cell<T>> {
    type Recv = std::cell::Cell<T>;
    type Out = T;
    fn m_get0(&self, cw: &mut Codewriter, p: Place<Self::Recv>) -> Option<Sym<T>> {
        Some(read(cw, cell_inner(p)))
    }
}
impl<T: Mem + Copy> FastGet0 for MProbe<crate::gc::GcCell<T>> {
    type Recv = crate::gc::GcCell<T>;
    type Out = T;
    fn m_get0(&self, cw: &mut Codewriter, p: Place<Self::Recv>) -> Option<Sym<T>> {
        Some(read(cw, cell_inner(p)))
    }
}
impl<T: MemValue + Copy> FastGet0 for MProbe<crate::jit::quasi::QuasiImmut<T>> {
    type Recv = crate::jit::quasi::QuasiImmut<T>;
    type Out = T;
    /// A quasi-immutable read (`jit::quasi`): folded when the cell's address is a constant.
    /// The value's loads (one per word: a `RegValue` struct has several) become
    /// `QuasiLoad`s of the one cell.
    fn m_get0(&self, cw: &mut Codewriter, p: Place<Self::Recv>) -> Option<Sym<T>> {
        let from = cw.insn_count();
        let v = T::load(cw, p.in_cell::<T>());
        cw.quasi_loads(
            from,
            p.base,
            p.offset + crate::jit::quasi::watch_offset::<T>(),
        );
        Some(v)
    }
}
/// The fallback of [`FastGet0`]: a residual call.
pub trait SlowGet0 {
    /// The receiver type.
    type Recv;
    /// `None`.
    fn m_get0<R>(&self, cw: &mut Codewriter, p: Place<Self::Recv>) -> Option<Sym<R>>;
}
impl<T> SlowGet0 for &MProbe<T> {
    type Recv = T;
    fn m_get0<R>(&self, _: &mut Codewriter, _: Place<T>) -> Option<Sym<R>> {
        None
    }
}

/// `cell.set(v)` on a `Cell`/`GcCell` place: a store (with the write barrier for a `GcCell`
/// value holding references).
pub trait FastSet1<V> {
    /// The receiver type.
    type Recv;
    /// Emits the store.
    fn m_set1(&self, cw: &mut Codewriter, p: Place<Self::Recv>, v: Sym<V>) -> Option<Sym<()>>;
}
impl<T: Mem + Copy> FastSet1<T> for MProbe<std::cell::Cell<T>> {
    type Recv = std::cell::Cell<T>;
    fn m_set1(&self, cw: &mut Codewriter, p: Place<Self::Recv>, v: Sym<T>) -> Option<Sym<()>> {
        write(cw, cell_inner(p), v);
        Some(lit(cw, ()))
    }
}
impl<T: Mem + Copy + crate::gc::Trace> FastSet1<T> for MProbe<crate::gc::GcCell<T>> {
    type Recv = crate::gc::GcCell<T>;
    fn m_set1(&self, cw: &mut Codewriter, p: Place<Self::Recv>, v: Sym<T>) -> Option<Sym<()>> {
        let inner = cell_inner::<_, T>(p);
        write(cw, inner, v);
        barrier_after(cw, inner);
        Some(lit(cw, ()))
    }
}
impl<T: Mem + Regs + Copy + crate::gc::Trace + 'static> FastSet1<T>
    for MProbe<crate::jit::quasi::QuasiImmut<T>>
{
    type Recv = crate::jit::quasi::QuasiImmut<T>;
    /// A residual call of `QuasiImmut::set` (it may invalidate traces, this one included).
    fn m_set1(&self, cw: &mut Codewriter, p: Place<Self::Recv>, v: Sym<T>) -> Option<Sym<()>> {
        let cell = addr_ref(cw, p);
        Some(closure2(
            cw,
            cell,
            v,
            crate::jit::quasi::set_from_trace::<T>,
        ))
    }
}
/// The fallback of [`FastSet1`]: a residual call.
pub trait SlowSet1<V> {
    /// The receiver type.
    type Recv;
    /// `None`.
    fn m_set1<R>(&self, cw: &mut Codewriter, p: Place<Self::Recv>, v: Sym<V>) -> Option<Sym<R>>;
}
impl<T, V> SlowSet1<V> for &MProbe<T> {
    type Recv = T;
    fn m_set1<R>(&self, _: &mut Codewriter, _: Place<T>, _: Sym<V>) -> Option<Sym<R>> {
        None
    }
}

/// The place of a `gc::Array` object from a place holding the array or a `Gc` of it.
pub trait ArrayPlace {
    /// Element type.
    type Elem;
    /// Emits the step (a load of the `Gc` pointer, or nothing).
    fn array(cw: &mut Codewriter, p: Place<Self>) -> Place<crate::gc::Array<Self::Elem>>
    where
        Self: Sized;
}
impl<T> ArrayPlace for crate::gc::Array<T> {
    type Elem = T;
    fn array(_: &mut Codewriter, p: Place<Self>) -> Place<Self> {
        p
    }
}
impl<T> ArrayPlace for crate::gc::Gc<crate::gc::Array<T>> {
    type Elem = T;
    fn array(cw: &mut Codewriter, p: Place<Self>) -> Place<crate::gc::Array<T>> {
        let g = read(cw, p);
        // the `#[frame_array]` of a virtualizable frame: its elements are the frame's array
        let bits = if p.frame_array {
            VABLE_CLASS | VABLE_ITEM
        } else {
            0
        };
        Place::new(g.reg, 0, false)
            .with_frozen(true)
            .with_class(bits)
    }
}

fn array_out_of_bounds(i: usize, len: usize) {
    panic!("Array index {i} out of bounds (len {len})");
}

/// Element `i` of the array at `p` (after the bounds check, which panics as `Array::get`).
fn array_elem<T: Copy>(
    cw: &mut Codewriter,
    p: Place<crate::gc::Array<T>>,
    i: Sym<usize>,
) -> Place<T> {
    // The length never changes after allocation.
    let len = read::<usize>(
        cw,
        Place::new(
            p.base,
            p.offset + crate::gc::Array::<T>::LEN_OFFSET as i32,
            false,
        )
        .with_frozen(p.frozen)
        .with_class(alias_class("gc::Array.len", 0)),
    );
    let ok = bin::<bool>(cw, BinOp::UintLt, i.reg, len.reg);
    let (bad, good) = (cw.label(), cw.label());
    cw.branch_if_false(ok, bad);
    cw.jump(good);
    cw.bind(bad);
    let _: Sym<()> = call2(cw, array_out_of_bounds, i, len);
    cw.emit(Insn::Unreachable);
    cw.bind(good);
    let start = Place::<T>::new(
        p.base,
        p.offset + crate::gc::Array::<T>::ELEMS_OFFSET as i32,
        true,
    );
    let data = addr::<*const T>(cw, start);
    // Elements change through `set` (`&Array`): mutable, never frozen. They are the frame's
    // array when `p` is a virtualizable frame's `#[frame_array]`.
    elem_addr(cw, data.reg, i, true, p.vable_item_bits())
}

/// `array.get(i)` on a `gc::Array` (or `Gc<Array>`) place: bounds check and load.
pub trait FastGet1<I> {
    /// The receiver type.
    type Recv;
    /// The element type.
    type Out;
    /// Emits the load.
    fn m_get1(
        &self,
        cw: &mut Codewriter,
        p: Place<Self::Recv>,
        i: Sym<I>,
    ) -> Option<Sym<Self::Out>>;
}
impl<A: ArrayPlace> FastGet1<usize> for MProbe<A>
where
    A::Elem: MemValue + Copy,
{
    type Recv = A;
    type Out = A::Elem;
    fn m_get1(&self, cw: &mut Codewriter, p: Place<A>, i: Sym<usize>) -> Option<Sym<A::Elem>> {
        let arr = A::array(cw, p);
        let e = array_elem(cw, arr, i);
        Some(traced_load(cw, e))
    }
}
/// The fallback of [`FastGet1`]: a residual call.
pub trait SlowGet1<I> {
    /// The receiver type.
    type Recv;
    /// `None`.
    fn m_get1<R>(&self, cw: &mut Codewriter, p: Place<Self::Recv>, i: Sym<I>) -> Option<Sym<R>>;
}
impl<T, I> SlowGet1<I> for &MProbe<T> {
    type Recv = T;
    fn m_get1<R>(&self, _: &mut Codewriter, _: Place<T>, _: Sym<I>) -> Option<Sym<R>> {
        None
    }
}

/// `array.set(i, v)` on a `gc::Array` (or `Gc<Array>`) place: bounds check, store, and the
/// write barrier when the element holds references.
pub trait FastSet2<I, V> {
    /// The receiver type.
    type Recv;
    /// Emits the store.
    fn m_set2(
        &self,
        cw: &mut Codewriter,
        p: Place<Self::Recv>,
        i: Sym<I>,
        v: Sym<V>,
    ) -> Option<Sym<()>>;
}
impl<A: ArrayPlace> FastSet2<usize, A::Elem> for MProbe<A>
where
    A::Elem: MemValue + Copy + crate::gc::Trace + 'static,
{
    type Recv = A;
    fn m_set2(
        &self,
        cw: &mut Codewriter,
        p: Place<A>,
        i: Sym<usize>,
        v: Sym<A::Elem>,
    ) -> Option<Sym<()>> {
        let arr = A::array(cw, p);
        let e = array_elem(cw, arr, i);
        store(cw, e, v);
        barrier_after(cw, e);
        Some(lit(cw, ()))
    }
}
/// The fallback of [`FastSet2`]: a residual call.
pub trait SlowSet2<I, V> {
    /// The receiver type.
    type Recv;
    /// `None`.
    fn m_set2<R>(
        &self,
        cw: &mut Codewriter,
        p: Place<Self::Recv>,
        i: Sym<I>,
        v: Sym<V>,
    ) -> Option<Sym<R>>;
}
impl<T, I, V> SlowSet2<I, V> for &MProbe<T> {
    type Recv = T;
    fn m_set2<R>(&self, _: &mut Codewriter, _: Place<T>, _: Sym<I>, _: Sym<V>) -> Option<Sym<R>> {
        None
    }
}

impl<T: Copy> HasLen for crate::gc::Array<T> {
    fn len(cw: &mut Codewriter, p: Place<Self>) -> Sym<usize> {
        read::<usize>(
            cw,
            Place::new(p.base, p.offset + Self::LEN_OFFSET as i32, false)
                .with_frozen(p.frozen)
                .with_class(alias_class("gc::Array.len", 0)),
        )
    }
}
impl<T> AutoDeref for crate::gc::Array<T> {
    type Out = crate::gc::Array<T>;
    fn step(_: &mut Codewriter, p: Place<Self>) -> Place<Self> {
        p
    }
}

// ---------------------------------------------------------------- register structs

/// A field of a struct with `#[derive(metatracer::RegValue)]` (held in registers); `H`
/// hashes the field's name.
pub trait RegField<const H: u64>: Regs {
    /// The field's type.
    type Ty: Regs;
    /// Its first register, relative to the struct's.
    const OFFSET: usize;
}

/// Type probe for `local.field` in value position: a register of a `RegValue` struct
/// ([`FastField`]) or a load through a pointer ([`SlowField`], which carries the usual
/// layout requirements and their messages).
pub struct FProbe<const H: u64, X>(std::marker::PhantomData<fn() -> X>);
impl<const H: u64, X> FProbe<H, X> {
    /// The probe for a local.
    pub fn of(_: &Sym<X>) -> Self {
        FProbe(std::marker::PhantomData)
    }
}
/// A field of a register struct: its registers (no code).
pub trait FastField {
    /// The struct.
    type X;
    /// The field's type.
    type Ty;
    /// The field's registers.
    fn field_value(&self, cw: &mut Codewriter, v: Sym<Self::X>) -> Sym<Self::Ty>;
}
impl<const H: u64, X: RegField<H>> FastField for FProbe<H, X> {
    type X = X;
    type Ty = X::Ty;
    fn field_value(&self, _: &mut Codewriter, v: Sym<X>) -> Sym<X::Ty> {
        Sym::new(v.reg + X::OFFSET as Reg)
    }
}
/// A local of type `X` whose fields traced code reads through memory: `X` is a pointer.
/// (Stated on `Sym<X>`, not on `X`, so that rustc reports this message and does not suggest
/// borrowing the expression: `&X` is a pointer for every `X`.)
#[diagnostic::on_unimplemented(
    message = "traced code cannot read a field of `{X}` held in a local variable",
    label = "`{X}` is neither a `#[derive(metatracer::RegValue)]` struct nor a pointer",
    note = "a local holds a struct's fields in registers only for `#[derive(metatracer::RegValue)]` \
            structs (a small `Copy` struct of register values); derive `RegValue` for it, read \
            the field from its place (`v[i].field`, with `#[derive(metatracer::Layout)]`), or \
            take `&self` instead of `self`"
)]
pub trait LocalWithFields<X> {
    /// `X` itself, as a pointer.
    type P: TracedPointer;
}
#[diagnostic::do_not_recommend] // (the note says what to write)
impl<'a, T> LocalWithFields<&'a T> for Sym<&'a T> {
    type P = &'a T;
}
#[diagnostic::do_not_recommend] // (the note says what to write)
impl<'a, T> LocalWithFields<&'a mut T> for Sym<&'a mut T> {
    type P = &'a mut T;
}
#[diagnostic::do_not_recommend] // (the note says what to write)
impl<T> LocalWithFields<*const T> for Sym<*const T> {
    type P = *const T;
}
#[diagnostic::do_not_recommend] // (the note says what to write)
impl<T> LocalWithFields<*mut T> for Sym<*mut T> {
    type P = *mut T;
}
#[diagnostic::do_not_recommend] // (the note says what to write)
impl<T> LocalWithFields<crate::gc::Gc<T>> for Sym<crate::gc::Gc<T>> {
    type P = crate::gc::Gc<T>;
}

/// A field through a pointer: a load.
pub trait SlowField<const H: u64, X> {
    /// Emits the load.
    fn field_value<T: MemValue>(&self, cw: &mut Codewriter, v: Sym<X>) -> Sym<T>
    where
        Sym<X>: LocalWithFields<X>,
        <<Sym<X> as LocalWithFields<X>>::P as TracedPointer>::Target: HasField<H, Ty = T>;
}
impl<const H: u64, X> SlowField<H, X> for &FProbe<H, X> {
    fn field_value<T: MemValue>(&self, cw: &mut Codewriter, v: Sym<X>) -> Sym<T>
    where
        Sym<X>: LocalWithFields<X>,
        <<Sym<X> as LocalWithFields<X>>::P as TracedPointer>::Target: HasField<H, Ty = T>,
    {
        // (`P` is `X`: the same registers)
        let v: Sym<<Sym<X> as LocalWithFields<X>>::P> = Sym::new(v.reg);
        let p = field::<H, _>(cw, v);
        traced_load(cw, p)
    }
}

/// FNV-1a of a field name (the hash the macros use for `HasField` / `RegField`).
const fn field_name_hash(s: &str) -> u64 {
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

macro_rules! tuple_fields {
    ($($k:literal $name:literal in ($($all:ident),*);)*) => {$(
        impl<$($all: Regs),*> RegField<{ field_name_hash($name) }> for ($($all),*) {
            type Ty = <Self as TupleElem<$k>>::Elem;
            const OFFSET: usize = <Self as TupleElem<$k>>::OFFSET;
        }
    )*};
}
tuple_fields! {
    0 "0" in (A, B); 1 "1" in (A, B);
    0 "0" in (A, B, C); 1 "1" in (A, B, C); 2 "2" in (A, B, C);
    0 "0" in (A, B, C, D); 1 "1" in (A, B, C, D); 2 "2" in (A, B, C, D); 3 "3" in (A, B, C, D);
}

/// The return type of a closure (of any arity up to 6), for [`SProbe::of`].
pub trait FnRet<Args> {
    /// The return type.
    type R;
}
macro_rules! fn_ret {
    ($(($($a:ident),*);)*) => {$(
        impl<F: Fn($($a),*) -> R, $($a,)* R> FnRet<($($a,)*)> for F {
            type R = R;
        }
    )*};
}
fn_ret! { (); (A); (A, B); (A, B, C); (A, B, C, D); (A, B, C, D, E); (A, B, C, D, E, G); }

/// Type probe for a struct literal `S { .. }`: registers for a `RegValue` struct
/// ([`FastLit`]), else ([`SlowLit`]) the literal is built by a residual call.
pub struct SProbe<S>(std::marker::PhantomData<fn() -> S>);
impl<S> SProbe<S> {
    /// The probe for the struct a closure returns.
    pub fn of<Args, F: FnRet<Args, R = S>>(_: &F) -> Self {
        SProbe(std::marker::PhantomData)
    }
}
/// Fresh registers for a `RegValue` struct literal.
pub trait FastLit {
    /// The struct.
    type S;
    /// The registers.
    fn lit_dst(&self, cw: &mut Codewriter) -> Option<Sym<Self::S>>;
}
impl<S: Regs> FastLit for SProbe<S> {
    type S = S;
    fn lit_dst(&self, cw: &mut Codewriter) -> Option<Sym<S>> {
        Some(cw.fresh_regs::<S>())
    }
}
/// The fallback of [`FastLit`].
pub trait SlowLit {
    /// The struct.
    type S;
    /// `None`.
    fn lit_dst(&self, cw: &mut Codewriter) -> Option<Sym<Self::S>>;
}
impl<S> SlowLit for &SProbe<S> {
    type S = S;
    fn lit_dst(&self, _: &mut Codewriter) -> Option<Sym<S>> {
        None
    }
}
/// Sets a field of a `RegValue` struct in registers.
pub trait FastSetField {
    /// The struct.
    type X;
    /// The field's type.
    type Ty;
    /// Emits the moves.
    fn set_field(&self, cw: &mut Codewriter, d: Sym<Self::X>, v: Sym<Self::Ty>);
}
impl<const H: u64, X: RegField<H>> FastSetField for FProbe<H, X> {
    type X = X;
    type Ty = X::Ty;
    fn set_field(&self, cw: &mut Codewriter, d: Sym<X>, v: Sym<X::Ty>) {
        cw.mov(Sym::<X::Ty>::new(d.reg + X::OFFSET as Reg), v);
    }
}
/// The fallback of [`FastSetField`] (never reached: the literal is a residual call then).
pub trait SlowSetField<X> {
    /// Nothing.
    fn set_field<V>(&self, cw: &mut Codewriter, d: Sym<X>, v: Sym<V>);
}
impl<const H: u64, X> SlowSetField<X> for &FProbe<H, X> {
    fn set_field<V>(&self, _: &mut Codewriter, _: Sym<X>, _: Sym<V>) {}
}

macro_rules! typed_closures {
    ($($name:ident ($($a:ident $s:ident),*);)*) => {$(
        /// A closure over register values, its parameter types taken from the `Sym`s (so its
        /// body type-checks before it is called).
        #[allow(clippy::too_many_arguments)]
        pub fn $name<$($a,)* R, F: Fn($($a),*) -> R>($(_: &Sym<$a>,)* f: F) -> F {
            f
        }
    )*};
}
typed_closures! {
    typed0 (); typed1 (A a); typed2 (A a, B b); typed3 (A a, B b, C c);
    typed4 (A a, B b, C c, D d); typed5 (A a, B b, C c, D d, E e);
    typed6 (A a, B b, C c, D d, E e, G g);
}

// ---------------------------------------------------------------- loads of register values

/// A register value traced code loads from and stores to memory: one-word values (a single
/// load/store) and `RegValue` structs of them (one per field, at `offset_of!` offsets).
#[diagnostic::on_unimplemented(
    message = "traced code cannot load or store a `{Self}` in memory",
    label = "a `{Self}` is not a register value",
    note = "traced code reads and writes integers, bool, char, f64, pointers, `Gc<T>`, \
            `Option<Gc<T>>` and `#[derive(metatracer::RegValue)]` structs of those; copy a \
            whole struct place to place (`a[i] = a[j]`, a residual copy), read its fields one \
            by one, derive `RegValue` for it, or do this inside a function without \
            `#[look_inside]` (a residual call)"
)]
pub trait MemValue: Regs {
    /// Emits the load.
    fn load(cw: &mut Codewriter, p: Place<Self>) -> Sym<Self>;
    /// Emits the store.
    fn store(cw: &mut Codewriter, p: Place<Self>, v: Sym<Self>);
}
macro_rules! load_words {
    ($([$($g:tt)*] $t:ty),*) => {$(
        impl<$($g)*> MemValue for $t {
            fn load(cw: &mut Codewriter, p: Place<Self>) -> Sym<Self> {
                read(cw, p)
            }
            fn store(cw: &mut Codewriter, p: Place<Self>, v: Sym<Self>) {
                write(cw, p, v)
            }
        }
    )*};
}
load_words!([] u8, [] u16, [] u32, [] u64, [] usize, [] i8, [] i16, [] i32, [] i64, [] isize,
    [] bool, [] char, [] f64, ['a, T] &'a T, ['a, T] &'a mut T, [T] *const T, [T] *mut T,
    [T] crate::gc::Gc<T>, [T] Option<crate::gc::Gc<T>>);

/// The bound of [`load`] and [`store`], on the place rather than on the value type: rustc
/// then reports a missing impl with this message and note (a bound `T: MemValue` is reported as
/// "consider borrowing", because `&T` is loadable, and loses them).
#[diagnostic::on_unimplemented(
    message = "traced code cannot load or store a `{T}` in memory",
    label = "a `{T}` is not a register value",
    note = "traced code reads and writes integers, bool, char, f64, pointers, `Gc<T>`, \
            `Option<Gc<T>>` and `#[derive(metatracer::RegValue)]` structs of those; copy a \
            whole struct place to place (`a[i] = a[j]`, a residual copy), read its fields one \
            by one, derive `RegValue` for it, or do this inside a function without \
            `#[look_inside]` (a residual call)"
)]
pub trait LoadPlace<T> {
    /// Emits the load.
    fn load_place(self, cw: &mut Codewriter) -> Sym<T>;
    /// Emits the store.
    fn store_place(self, cw: &mut Codewriter, v: Sym<T>);
}
impl<T: MemValue> LoadPlace<T> for Place<T> {
    fn load_place(self, cw: &mut Codewriter) -> Sym<T> {
        T::load(cw, self)
    }
    fn store_place(self, cw: &mut Codewriter, v: Sym<T>) {
        T::store(cw, self, v)
    }
}

/// Loads the register value at a place (what the mirror emits for a place in value position).
pub fn traced_load<T>(cw: &mut Codewriter, p: Place<T>) -> Sym<T>
where
    Place<T>: LoadPlace<T>,
{
    p.load_place(cw)
}

/// Stores a register value to a place.
pub fn store<T>(cw: &mut Codewriter, p: Place<T>, v: Sym<T>)
where
    Place<T>: LoadPlace<T>,
{
    p.store_place(cw, v)
}

/// Type probe choosing how `dst = src` between two places is lowered (`copy_place`): a load
/// and a store for a register value (`MemValue`, the [`FastCopy`] impl), a residual call that
/// copies the bytes for any other `Copy` type, such as a whole struct slot copied to another
/// slot (the [`SlowCopy`] impl, reached through auto-ref). The residual copy does what the
/// interpreter's assignment does, so deoptimization stays exact; the trace forgets what it
/// knew about memory after it, as after any residual call.
pub struct CProbe<T>(std::marker::PhantomData<fn() -> T>);
impl<T> CProbe<T> {
    /// The probe for the destination place.
    pub fn of(_: &Place<T>) -> Self {
        CProbe(std::marker::PhantomData)
    }
}

/// `dst = src` for a register value: a load and a store.
pub trait FastCopy {
    /// The place's type.
    type T;
    /// Emits the copy.
    fn copy_place(&self, cw: &mut Codewriter, dst: Place<Self::T>, src: Place<Self::T>);
}
impl<T: MemValue> FastCopy for CProbe<T> {
    type T = T;
    fn copy_place(&self, cw: &mut Codewriter, dst: Place<T>, src: Place<T>) {
        let v = T::load(cw, src);
        T::store(cw, dst, v);
    }
}

/// `dst = src` for any other `Copy` type: a residual call copying the value.
pub trait SlowCopy {
    /// The place's type.
    type T;
    /// Emits the copy.
    fn copy_place(&self, cw: &mut Codewriter, dst: Place<Self::T>, src: Place<Self::T>);
}
impl<T: Copy + 'static> SlowCopy for &CProbe<T> {
    type T = T;
    fn copy_place(&self, cw: &mut Codewriter, dst: Place<T>, src: Place<T>) {
        let s = addr::<*const T>(cw, src);
        let d = addr::<*mut T>(cw, dst);
        // (builders run once per process: one small name per copied type and call site)
        let name: &'static str =
            Box::leak(format!("copy {}", std::any::type_name::<T>()).into_boxed_str());
        cw.name_next_call(name);
        let _: Sym<()> = closure2(cw, d, s, |d: *mut T, s: *const T| {
            // SAFETY: both are addresses of places of type `T` that the interpreter's own
            // `dst = src` reads and writes at this point (the trace computed them the same
            // way); `T: Copy`, and `copy` allows the places to be the same.
            unsafe { std::ptr::copy(s, d, 1) }
        });
    }
}

/// The place of a field of a `RegValue` struct in memory (for the derive).
pub fn field_place<S, T, const H: u64>(p: Place<S>, offset: usize) -> Place<T> {
    // The field's alias class is the one `field` gives it (struct type and field hash), so
    // loads of a slot's fields do not alias every pending store; still inside a
    // virtualizable frame if `p` is.
    Place::new(p.base, p.offset + offset as i32, p.mutable)
        .with_frozen(p.frozen)
        .with_class(alias_class(std::any::type_name::<S>(), H) | p.vable_bit())
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
                // i64 `/`: the checks that make Rust panic (divisor 0, MIN / -1), the
                // panicking residual call on the failing path, then `int_div`
                "Const { dst: 16, val: 0 }",
                "IntNe",
                "Branch { cond: 17, target: 22 }",
                "Const { dst: 18, val: 18446744073709551615 }",
                "IntNe",
                "Branch { cond: 19, target: 18 }",
                "Jump { target: 24 }",
                "Const { dst: 20, val: 9223372036854775808 }",
                "IntNe",
                "Branch { cond: 21, target: 22 }",
                "Jump { target: 24 }",
                "call Residual",
                "Unreachable",
                "IntDiv",
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
