//! The op table: every fact about a trace operation lives in the one `op_table!` invocation
//! below (name, text spelling, argument signature, result kind, flags, one-line doc).
//!
//! Passes and the backend ask [`Opcode::flags`], [`Opcode::result`], [`Opcode::sig`]; nobody
//! keeps a private list of "pure ops".
//!
//! Signature strings: one character per argument, `i` int (i64), `f` float (f64), `r` ref
//! (machine pointer), `?` any kind, and a trailing `*` meaning "any number of further
//! arguments of any kind" (checked per op by the verifier: calls against their call
//! descriptor, `jump` against its label).

use std::fmt;

/// The kind (type) of a trace value.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub enum Kind {
    /// A 64-bit integer (signedness is a property of the op, not of the value).
    Int,
    /// An IEEE-754 double.
    Float,
    /// A machine pointer (an address; the GC helper decides what it may point to).
    Ref,
    /// No value (the op's result cannot be used).
    Void,
}

impl Kind {
    /// The text prefix of a value of this kind (`i7`, `f3`, `p2`); `None` for `Void`.
    pub fn prefix(self) -> Option<char> {
        match self {
            Kind::Int => Some('i'),
            Kind::Float => Some('f'),
            Kind::Ref => Some('p'),
            Kind::Void => None,
        }
    }

    /// Inverse of [`Kind::prefix`].
    pub fn from_prefix(c: char) -> Option<Kind> {
        match c {
            'i' => Some(Kind::Int),
            'f' => Some(Kind::Float),
            'p' => Some(Kind::Ref),
            _ => None,
        }
    }

    /// The one-letter name used in call descriptors (`i`, `f`, `r`, `n` for void).
    pub fn letter(self) -> char {
        match self {
            Kind::Int => 'i',
            Kind::Float => 'f',
            Kind::Ref => 'r',
            Kind::Void => 'n',
        }
    }

    /// Inverse of [`Kind::letter`].
    pub fn from_letter(c: char) -> Option<Kind> {
        match c {
            'i' => Some(Kind::Int),
            'f' => Some(Kind::Float),
            'r' => Some(Kind::Ref),
            'n' => Some(Kind::Void),
            _ => None,
        }
    }
}

/// A set of op properties (see the associated constants).
#[derive(Copy, Clone, PartialEq, Eq, Hash, Default)]
pub struct OpFlags(u16);

impl OpFlags {
    /// No flags.
    pub const NONE: OpFlags = OpFlags(0);
    /// No side effects, result depends only on the arguments: may be folded, CSE'd, removed.
    pub const PURE: OpFlags = OpFlags(1 << 0);
    /// A guard: checks a condition and exits the trace through its snapshot when it fails.
    pub const GUARD: OpFlags = OpFlags(1 << 1);
    /// May raise (unwind) in the callee; reserved for calls.
    pub const CAN_RAISE: OpFlags = OpFlags(1 << 2);
    /// Allocates memory.
    pub const ALLOC: OpFlags = OpFlags(1 << 3);
    /// Reads memory.
    pub const LOAD: OpFlags = OpFlags(1 << 4);
    /// Writes memory.
    pub const STORE: OpFlags = OpFlags(1 << 5);
    /// Computes an overflow flag that the immediately following guard tests.
    pub const OVF: OpFlags = OpFlags(1 << 6);
    /// A call of a native function (argument 0 is the constant function address).
    pub const CALL: OpFlags = OpFlags(1 << 7);
    /// Commutative binary op (`a op b == b op a`).
    pub const COMMUTATIVE: OpFlags = OpFlags(1 << 8);
    /// Ends the trace (`jump`, `finish`).
    pub const FINAL: OpFlags = OpFlags(1 << 9);
    /// A trace input (only at the start of a trace).
    pub const INPUT: OpFlags = OpFlags(1 << 10);
    /// Uses an indexed address `base + index * scale + offset`.
    pub const INDEXED: OpFlags = OpFlags(1 << 11);

    /// Whether all flags of `other` are set.
    pub const fn contains(self, other: OpFlags) -> bool {
        self.0 & other.0 == other.0
    }

    /// Union.
    pub const fn union(self, other: OpFlags) -> OpFlags {
        OpFlags(self.0 | other.0)
    }
}

impl std::ops::BitOr for OpFlags {
    type Output = OpFlags;
    fn bitor(self, rhs: OpFlags) -> OpFlags {
        self.union(rhs)
    }
}

impl fmt::Debug for OpFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const NAMES: [&str; 12] = [
            "PURE",
            "GUARD",
            "CAN_RAISE",
            "ALLOC",
            "LOAD",
            "STORE",
            "OVF",
            "CALL",
            "COMM",
            "FINAL",
            "INPUT",
            "INDEXED",
        ];
        let set: Vec<&str> = (0..NAMES.len())
            .filter(|i| self.0 & (1 << i) != 0)
            .map(|i| NAMES[i])
            .collect();
        write!(f, "OpFlags({})", set.join("|"))
    }
}

/// Shorthands used only inside the table.
mod fl {
    use super::OpFlags;
    pub const P: OpFlags = OpFlags::PURE;
    pub const PC: OpFlags = OpFlags::PURE.union(OpFlags::COMMUTATIVE);
    pub const G: OpFlags = OpFlags::GUARD;
    pub const N: OpFlags = OpFlags::NONE;
    pub const OVF: OpFlags = OpFlags::OVF;
    pub const OVFC: OpFlags = OpFlags::OVF.union(OpFlags::COMMUTATIVE);
    pub const LD: OpFlags = OpFlags::LOAD;
    pub const LDX: OpFlags = OpFlags::LOAD.union(OpFlags::INDEXED);
    pub const ST: OpFlags = OpFlags::STORE;
    pub const STX: OpFlags = OpFlags::STORE.union(OpFlags::INDEXED);
    pub const CALL: OpFlags = OpFlags::CALL.union(OpFlags::CAN_RAISE);
    pub const CALLP: OpFlags = OpFlags::CALL.union(OpFlags::PURE);
    pub const FIN: OpFlags = OpFlags::FINAL;
    pub const IN: OpFlags = OpFlags::INPUT;
    pub const ALC: OpFlags = OpFlags::ALLOC;
}

macro_rules! op_table {
    ($( $(#[doc = $doc:literal])* $name:ident $text:literal $sig:literal -> $res:ident [$flags:ident]; )*) => {
        /// A trace operation code. Generated from the op table in `ir/ops.rs`.
        #[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
        #[repr(u16)]
        pub enum Opcode {
            $( $(#[doc = $doc])* $name, )*
        }

        impl Opcode {
            /// Every opcode, in table order.
            pub const ALL: &'static [Opcode] = &[$(Opcode::$name,)*];

            /// The text spelling (`int_add`).
            pub const fn name(self) -> &'static str {
                match self { $(Opcode::$name => $text,)* }
            }

            /// The argument signature string (see the module docs).
            pub const fn sig(self) -> &'static str {
                match self { $(Opcode::$name => $sig,)* }
            }

            /// The kind of the result.
            pub const fn result(self) -> Kind {
                match self { $(Opcode::$name => Kind::$res,)* }
            }

            /// The op's flags.
            pub const fn flags(self) -> OpFlags {
                match self { $(Opcode::$name => fl::$flags,)* }
            }

            /// The one-line documentation from the table.
            pub const fn doc(self) -> &'static str {
                match self { $(Opcode::$name => concat!($($doc),*),)* }
            }
        }
    };
}

op_table! {
    // ---- trace inputs -------------------------------------------------------------------
    /// Integer trace input (the text header `[i0, f1, p2]` lists inputs).
    InputI "input_i" "" -> Int [IN];
    /// Float trace input.
    InputF "input_f" "" -> Float [IN];
    /// Ref trace input.
    InputR "input_r" "" -> Ref [IN];

    // ---- integer arithmetic (wrapping, two's complement) --------------------------------
    /// a + b (wrapping).
    IntAdd "int_add" "ii" -> Int [PC];
    /// a - b (wrapping).
    IntSub "int_sub" "ii" -> Int [P];
    /// a * b (wrapping).
    IntMul "int_mul" "ii" -> Int [PC];
    /// a / b truncating toward zero; the trace must ensure b != 0 and not (MIN, -1).
    IntDiv "int_div" "ii" -> Int [P];
    /// a % b with the sign of a; same preconditions as int_div.
    IntMod "int_mod" "ii" -> Int [P];
    /// a & b.
    IntAnd "int_and" "ii" -> Int [PC];
    /// a | b.
    IntOr "int_or" "ii" -> Int [PC];
    /// a ^ b.
    IntXor "int_xor" "ii" -> Int [PC];
    /// a << (b & 63).
    IntLshift "int_lshift" "ii" -> Int [P];
    /// a >> (b & 63), arithmetic (sign-filling).
    IntRshift "int_rshift" "ii" -> Int [P];
    /// a >> (b & 63), logical (zero-filling).
    UintRshift "uint_rshift" "ii" -> Int [P];
    /// -a (wrapping).
    IntNeg "int_neg" "i" -> Int [P];
    /// !a (bitwise not).
    IntInvert "int_invert" "i" -> Int [P];
    /// 1 if a < b (signed) else 0.
    IntLt "int_lt" "ii" -> Int [P];
    /// 1 if a <= b (signed) else 0.
    IntLe "int_le" "ii" -> Int [P];
    /// 1 if a > b (signed) else 0.
    IntGt "int_gt" "ii" -> Int [P];
    /// 1 if a >= b (signed) else 0.
    IntGe "int_ge" "ii" -> Int [P];
    /// 1 if a == b else 0.
    IntEq "int_eq" "ii" -> Int [PC];
    /// 1 if a != b else 0.
    IntNe "int_ne" "ii" -> Int [PC];
    /// 1 if a < b (unsigned) else 0.
    UintLt "uint_lt" "ii" -> Int [P];
    /// 1 if a <= b (unsigned) else 0.
    UintLe "uint_le" "ii" -> Int [P];
    /// 1 if a > b (unsigned) else 0.
    UintGt "uint_gt" "ii" -> Int [P];
    /// 1 if a >= b (unsigned) else 0.
    UintGe "uint_ge" "ii" -> Int [P];
    /// 1 if a == 0 else 0.
    IntIsZero "int_is_zero" "i" -> Int [P];
    /// 1 if a != 0 else 0.
    IntIsTrue "int_is_true" "i" -> Int [P];
    /// a + b (wrapping); the next op must be guard_no_overflow or guard_overflow.
    IntAddOvf "int_add_ovf" "ii" -> Int [OVFC];
    /// a - b (wrapping); the next op must be guard_no_overflow or guard_overflow.
    IntSubOvf "int_sub_ovf" "ii" -> Int [OVF];
    /// a * b (wrapping); the next op must be guard_no_overflow or guard_overflow.
    IntMulOvf "int_mul_ovf" "ii" -> Int [OVFC];

    // ---- floats -------------------------------------------------------------------------
    /// a + b.
    FloatAdd "float_add" "ff" -> Float [PC];
    /// a - b.
    FloatSub "float_sub" "ff" -> Float [P];
    /// a * b.
    FloatMul "float_mul" "ff" -> Float [PC];
    /// a / b (IEEE: division by zero gives inf/NaN).
    FloatTrueDiv "float_truediv" "ff" -> Float [P];
    /// -a (flips the sign bit).
    FloatNeg "float_neg" "f" -> Float [P];
    /// |a| (clears the sign bit).
    FloatAbs "float_abs" "f" -> Float [P];
    /// 1 if a < b else 0 (false on NaN).
    FloatLt "float_lt" "ff" -> Int [P];
    /// 1 if a <= b else 0 (false on NaN).
    FloatLe "float_le" "ff" -> Int [P];
    /// 1 if a > b else 0 (false on NaN).
    FloatGt "float_gt" "ff" -> Int [P];
    /// 1 if a >= b else 0 (false on NaN).
    FloatGe "float_ge" "ff" -> Int [P];
    /// 1 if a == b else 0 (false on NaN).
    FloatEq "float_eq" "ff" -> Int [PC];
    /// 1 if a != b else 0 (true on NaN).
    FloatNe "float_ne" "ff" -> Int [PC];
    /// Truncate toward zero; NaN and out-of-range give i64::MIN (x86 cvttsd2si semantics).
    CastFloatToInt "cast_float_to_int" "f" -> Int [P];
    /// Convert (rounding to nearest).
    CastIntToFloat "cast_int_to_float" "i" -> Float [P];

    // ---- refs ---------------------------------------------------------------------------
    /// 1 if the two addresses are equal else 0.
    PtrEq "ptr_eq" "rr" -> Int [PC];
    /// 1 if the two addresses differ else 0.
    PtrNe "ptr_ne" "rr" -> Int [PC];
    /// The address as an integer.
    CastPtrToInt "cast_ptr_to_int" "r" -> Int [P];
    /// An integer as an address.
    CastIntToPtr "cast_int_to_ptr" "i" -> Ref [P];

    // ---- guards (each carries a snapshot) ------------------------------------------------
    /// Exit unless a != 0.
    GuardTrue "guard_true" "i" -> Void [G];
    /// Exit unless a == 0.
    GuardFalse "guard_false" "i" -> Void [G];
    /// Exit unless a == b (b is normally a constant); any kind, both the same.
    GuardValue "guard_value" "??" -> Void [G];
    /// Exit unless the ref is not null.
    GuardNonnull "guard_nonnull" "r" -> Void [G];
    /// Exit unless the ref is null.
    GuardIsnull "guard_isnull" "r" -> Void [G];
    /// Exit if the preceding *_ovf op overflowed.
    GuardNoOverflow "guard_no_overflow" "" -> Void [G];
    /// Exit unless the preceding *_ovf op overflowed.
    GuardOverflow "guard_overflow" "" -> Void [G];
    /// Exit if the trace was invalidated (a quasi-immutable value it folded was written).
    GuardNotInvalidated "guard_not_invalidated" "" -> Void [G];
    /// Exit if an interrupt was requested (`jit::interrupt`: the process-wide flag is set).
    GuardNotInterrupted "guard_not_interrupted" "" -> Void [G];

    // ---- raw memory: base + offset (+ index * scale); descr=<mem descr> --------------------
    /// Load an integer of the descr's size/signedness from base + offset (offset constant).
    LoadI "load_i" "ri" -> Int [LD];
    /// Load a double from base + offset.
    LoadF "load_f" "ri" -> Float [LD];
    /// Load a pointer from base + offset.
    LoadR "load_r" "ri" -> Ref [LD];
    /// Load an integer from base + index * scale + offset (offset constant).
    LoadIdxI "load_idx_i" "rii" -> Int [LDX];
    /// Load a double from base + index * scale + offset.
    LoadIdxF "load_idx_f" "rii" -> Float [LDX];
    /// Load a pointer from base + index * scale + offset.
    LoadIdxR "load_idx_r" "rii" -> Ref [LDX];
    /// Store the low descr-size bytes of an integer at base + offset.
    StoreI "store_i" "rii" -> Void [ST];
    /// Store a double at base + offset.
    StoreF "store_f" "rif" -> Void [ST];
    /// Store a pointer at base + offset.
    StoreR "store_r" "rir" -> Void [ST];
    /// Store an integer at base + index * scale + offset.
    StoreIdxI "store_idx_i" "riii" -> Void [STX];
    /// Store a double at base + index * scale + offset.
    StoreIdxF "store_idx_f" "riif" -> Void [STX];
    /// Store a pointer at base + index * scale + offset.
    StoreIdxR "store_idx_r" "riir" -> Void [STX];

    // ---- calls: arg 0 is the constant function address, descr=<call descr> ----------------
    /// Residual call returning an int.
    CallI "call_i" "i*" -> Int [CALL];
    /// Residual call returning a float.
    CallF "call_f" "i*" -> Float [CALL];
    /// Residual call returning a ref.
    CallR "call_r" "i*" -> Ref [CALL];
    /// Residual call returning nothing.
    CallN "call_n" "i*" -> Void [CALL];
    /// Call of an elidable (pure) function returning an int.
    CallPureI "call_pure_i" "i*" -> Int [CALLP];
    /// Call of an elidable function returning a float.
    CallPureF "call_pure_f" "i*" -> Float [CALLP];
    /// Call of an elidable function returning a ref.
    CallPureR "call_pure_r" "i*" -> Ref [CALLP];
    /// Call of an elidable function returning nothing.
    CallPureN "call_pure_n" "i*" -> Void [CALLP];

    // ---- allocation ---------------------------------------------------------------------
    /// A fresh zeroed object of the descr's shape (descr=alloc(size, header)); its payload address.
    New "new" "" -> Ref [ALC];

    // ---- misc ---------------------------------------------------------------------------
    /// Copy of an int value.
    SameAsI "same_as_i" "i" -> Int [P];
    /// Copy of a float value.
    SameAsF "same_as_f" "f" -> Float [P];
    /// Copy of a ref value.
    SameAsR "same_as_r" "r" -> Ref [P];
    /// Loop header: the args are the loop-carried values; descr=targetN names it.
    Label "label" "*" -> Void [N];
    /// Jump to the label named by descr=targetN with the given values.
    Jump "jump" "*" -> Void [FIN];
    /// Leave the trace, handing the args to the caller.
    Finish "finish" "*" -> Void [FIN];
    /// No-op marking the start of an interpreter step: args are the green key (for logs).
    DebugMergePoint "debug_merge_point" "*" -> Void [N];
}

/// How many arguments an op takes.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Arity {
    /// Exactly this many.
    Fixed(usize),
    /// At least this many.
    AtLeast(usize),
}

impl Opcode {
    /// Arity derived from the signature string.
    pub fn arity(self) -> Arity {
        let s = self.sig();
        match s.strip_suffix('*') {
            Some(fixed) => Arity::AtLeast(fixed.len()),
            None => Arity::Fixed(s.len()),
        }
    }

    /// The expected kind of argument `i`, or `None` for "any kind".
    pub fn arg_kind(self, i: usize) -> Option<Kind> {
        match self.sig().as_bytes().get(i) {
            Some(b'i') => Some(Kind::Int),
            Some(b'f') => Some(Kind::Float),
            Some(b'r') => Some(Kind::Ref),
            _ => None,
        }
    }

    /// Shorthand for `self.flags().contains(OpFlags::GUARD)`.
    pub fn is_guard(self) -> bool {
        self.flags().contains(OpFlags::GUARD)
    }

    /// Shorthand for `self.flags().contains(OpFlags::PURE)`.
    pub fn is_pure(self) -> bool {
        self.flags().contains(OpFlags::PURE)
    }

    /// Shorthand for `self.flags().contains(OpFlags::CALL)`.
    pub fn is_call(self) -> bool {
        self.flags().contains(OpFlags::CALL)
    }

    /// Whether the op needs a memory descriptor (loads and stores).
    pub fn needs_mem_descr(self) -> bool {
        self.flags().contains(OpFlags::LOAD) || self.flags().contains(OpFlags::STORE)
    }

    /// Look an opcode up by its text spelling.
    pub fn from_name(name: &str) -> Option<Opcode> {
        Opcode::ALL.iter().copied().find(|op| op.name() == name)
    }

    /// The input opcode for a kind (`None` for void).
    pub fn input_for(kind: Kind) -> Option<Opcode> {
        match kind {
            Kind::Int => Some(Opcode::InputI),
            Kind::Float => Some(Opcode::InputF),
            Kind::Ref => Some(Opcode::InputR),
            Kind::Void => None,
        }
    }

    /// The residual-call opcode returning `kind` (`pure` for elidable callees).
    pub fn call_for(kind: Kind, pure: bool) -> Opcode {
        match (kind, pure) {
            (Kind::Int, false) => Opcode::CallI,
            (Kind::Float, false) => Opcode::CallF,
            (Kind::Ref, false) => Opcode::CallR,
            (Kind::Void, false) => Opcode::CallN,
            (Kind::Int, true) => Opcode::CallPureI,
            (Kind::Float, true) => Opcode::CallPureF,
            (Kind::Ref, true) => Opcode::CallPureR,
            (Kind::Void, true) => Opcode::CallPureN,
        }
    }

    /// The `same_as` opcode for a kind.
    pub fn same_as_for(kind: Kind) -> Option<Opcode> {
        match kind {
            Kind::Int => Some(Opcode::SameAsI),
            Kind::Float => Some(Opcode::SameAsF),
            Kind::Ref => Some(Opcode::SameAsR),
            Kind::Void => None,
        }
    }
}

impl fmt::Display for Opcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        for &op in Opcode::ALL {
            assert_eq!(Opcode::from_name(op.name()), Some(op), "{op:?}");
            assert!(!op.doc().is_empty(), "{op:?} has no doc");
        }
    }

    #[test]
    fn docs_list_every_op() {
        let doc = include_str!("../../../docs/trace-ir.md");
        for &op in Opcode::ALL {
            assert!(
                doc.contains(&format!("| `{}` |", op.name())),
                "docs/trace-ir.md misses {}",
                op.name()
            );
        }
    }

    #[test]
    fn table_facts_are_consistent() {
        for &op in Opcode::ALL {
            let f = op.flags();
            if f.contains(OpFlags::GUARD) {
                assert_eq!(op.result(), Kind::Void, "{op:?}");
            }
            if f.contains(OpFlags::COMMUTATIVE) {
                assert_eq!(op.arity(), Arity::Fixed(2), "{op:?}");
            }
            if f.contains(OpFlags::CALL) {
                assert_eq!(op.arity(), Arity::AtLeast(1), "{op:?}");
            }
        }
        assert!(Opcode::IntAdd.is_pure());
        assert!(!Opcode::StoreI.is_pure());
        assert!(Opcode::CallPureI.is_pure() && Opcode::CallPureI.is_call());
        assert_eq!(Opcode::StoreIdxF.arg_kind(3), Some(Kind::Float));
    }
}
