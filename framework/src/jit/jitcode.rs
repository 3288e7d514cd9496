//! Jitcode: the register bytecode the codewriter produces from annotated interpreter functions.
//!
//! One [`JitCode`] per annotated function. The tracer executes it concretely while recording a
//! trace; the blackhole interpreter executes the very same instructions, without recording, to
//! finish an opcode after a guard fails. Registers are numbered per function and hold one
//! canonical word each (see [`super::word`]); every register has one [`Kind`] for its life.
//!
//! Invariant: an instruction that can make the tracer emit a guard (`Branch`, `Switch`,
//! `Promote`, `Ovf`, `QuasiLoad`, a pure `Call` whose result is switched on) has no side effect before its guard,
//! so resuming *at* that instruction is exact: the blackhole re-executes it with the concrete
//! values from the snapshot and takes the other path.

use super::validity::GreenKind;
use super::word::Kind;
use std::fmt;

/// A register number inside one jitcode frame.
pub type Reg = u16;
/// An index into the instructions of a jitcode.
pub type Pc = u32;
/// An index into the [`CodeSet`] of a portal.
pub type CodeId = u32;

/// Binary operations on canonical words. Comparisons give 0 or 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    IntAdd,
    IntSub,
    IntMul,
    IntAnd,
    IntOr,
    IntXor,
    IntEq,
    IntNe,
    IntLt,
    IntLe,
    IntGt,
    IntGe,
    UintLt,
    UintLe,
    UintGt,
    UintGe,
    /// Signed division truncating toward zero; the codewriter emits it only after checking
    /// that the divisor is not 0 and the division cannot overflow (Rust's panics).
    IntDiv,
    /// Signed remainder with the sign of the dividend; same preconditions as `IntDiv`.
    IntMod,
    /// `a << b` for `0 <= b < 64` (the codewriter checks the amount first).
    IntLshift,
    /// Arithmetic `a >> b`, same precondition.
    IntRshift,
    /// Logical `a >> b`, same precondition.
    UintRshift,
    FloatAdd,
    FloatSub,
    FloatMul,
    FloatDiv,
    FloatEq,
    FloatNe,
    FloatLt,
    FloatLe,
    FloatGt,
    FloatGe,
}

/// `a op b` on signed 64-bit words, wrapping, and whether it overflowed (`op` is `IntAdd`,
/// `IntSub` or `IntMul`; see [`Insn::Ovf`]).
pub fn eval_ovf(op: BinOp, a: u64, b: u64) -> (u64, bool) {
    let (a, b) = (a as i64, b as i64);
    let (r, o) = match op {
        BinOp::IntAdd => a.overflowing_add(b),
        BinOp::IntSub => a.overflowing_sub(b),
        _ => a.overflowing_mul(b),
    };
    (r as u64, o)
}

impl BinOp {
    /// Evaluates the operation on concrete words.
    pub fn eval(self, a: u64, b: u64) -> u64 {
        let (fa, fb) = (f64::from_bits(a), f64::from_bits(b));
        let (sa, sb) = (a as i64, b as i64);
        match self {
            BinOp::IntAdd => a.wrapping_add(b),
            BinOp::IntSub => a.wrapping_sub(b),
            BinOp::IntMul => a.wrapping_mul(b),
            BinOp::IntAnd => a & b,
            BinOp::IntOr => a | b,
            BinOp::IntXor => a ^ b,
            BinOp::IntEq => (a == b) as u64,
            BinOp::IntNe => (a != b) as u64,
            BinOp::IntLt => (sa < sb) as u64,
            BinOp::IntLe => (sa <= sb) as u64,
            BinOp::IntGt => (sa > sb) as u64,
            BinOp::IntGe => (sa >= sb) as u64,
            BinOp::UintLt => (a < b) as u64,
            BinOp::UintLe => (a <= b) as u64,
            BinOp::UintGt => (a > b) as u64,
            BinOp::UintGe => (a >= b) as u64,
            BinOp::IntDiv => sa.checked_div(sb).unwrap_or(0) as u64,
            BinOp::IntMod => sa.checked_rem(sb).unwrap_or(0) as u64,
            BinOp::IntLshift => a.wrapping_shl(b as u32),
            BinOp::IntRshift => sa.wrapping_shr(b as u32) as u64,
            BinOp::UintRshift => a.wrapping_shr(b as u32),
            BinOp::FloatAdd => (fa + fb).to_bits(),
            BinOp::FloatSub => (fa - fb).to_bits(),
            BinOp::FloatMul => (fa * fb).to_bits(),
            BinOp::FloatDiv => (fa / fb).to_bits(),
            BinOp::FloatEq => (fa == fb) as u64,
            BinOp::FloatNe => (fa != fb) as u64,
            BinOp::FloatLt => (fa < fb) as u64,
            BinOp::FloatLe => (fa <= fb) as u64,
            BinOp::FloatGt => (fa > fb) as u64,
            BinOp::FloatGe => (fa >= fb) as u64,
        }
    }
    /// The kind of the result.
    pub fn result_kind(self) -> Kind {
        match self {
            BinOp::FloatAdd | BinOp::FloatSub | BinOp::FloatMul | BinOp::FloatDiv => Kind::Float,
            _ => Kind::Int,
        }
    }
}

/// Unary operations on canonical words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnOp {
    IntNeg,
    /// Bitwise not (`!x` on integers; the codewriter normalizes afterwards).
    IntInvert,
    FloatNeg,
    /// Signed 64-bit integer to float.
    IntToFloat,
    /// Truncates to `bits` and re-extends (zero or sign) to canonical form.
    Norm {
        bits: u8,
        signed: bool,
    },
}

impl UnOp {
    /// Evaluates the operation on a concrete word.
    pub fn eval(self, a: u64) -> u64 {
        match self {
            UnOp::IntNeg => (a as i64).wrapping_neg() as u64,
            UnOp::IntInvert => !a,
            UnOp::FloatNeg => (-f64::from_bits(a)).to_bits(),
            UnOp::IntToFloat => (a as i64 as f64).to_bits(),
            UnOp::Norm { bits, signed } => super::word::normalize(a, bits, signed),
        }
    }
    /// The kind of the result.
    pub fn result_kind(self) -> Kind {
        match self {
            UnOp::FloatNeg | UnOp::IntToFloat => Kind::Float,
            _ => Kind::Int,
        }
    }
}

/// Width and extension of a memory access.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MemSize {
    U8,
    I8,
    U16,
    I16,
    U32,
    I32,
    /// A full word: `u64`, `i64`, pointers.
    W64,
    /// An `f64` (loaded into a float register).
    F64,
}

impl MemSize {
    /// Size in bytes.
    pub fn bytes(self) -> usize {
        match self {
            MemSize::U8 | MemSize::I8 => 1,
            MemSize::U16 | MemSize::I16 => 2,
            MemSize::U32 | MemSize::I32 => 4,
            MemSize::W64 | MemSize::F64 => 8,
        }
    }
    /// Reads a canonical word from `addr`.
    ///
    /// # Safety
    /// `addr` must be valid for a read of [`MemSize::bytes`] bytes.
    pub unsafe fn load(self, addr: usize) -> u64 {
        // SAFETY: the caller guarantees `addr` is readable for this size; unaligned reads are
        // used because the guest decides alignment.
        unsafe {
            match self {
                MemSize::U8 => *(addr as *const u8) as u64,
                MemSize::I8 => *(addr as *const i8) as i64 as u64,
                MemSize::U16 => (addr as *const u16).read_unaligned() as u64,
                MemSize::I16 => (addr as *const i16).read_unaligned() as i64 as u64,
                MemSize::U32 => (addr as *const u32).read_unaligned() as u64,
                MemSize::I32 => (addr as *const i32).read_unaligned() as i64 as u64,
                MemSize::W64 | MemSize::F64 => (addr as *const u64).read_unaligned(),
            }
        }
    }
    /// Writes the low bytes of `w` to `addr`.
    ///
    /// # Safety
    /// `addr` must be valid for a write of [`MemSize::bytes`] bytes.
    pub unsafe fn store(self, addr: usize, w: u64) {
        // SAFETY: the caller guarantees `addr` is writable for this size.
        unsafe {
            match self {
                MemSize::U8 | MemSize::I8 => *(addr as *mut u8) = w as u8,
                MemSize::U16 | MemSize::I16 => (addr as *mut u16).write_unaligned(w as u16),
                MemSize::U32 | MemSize::I32 => (addr as *mut u32).write_unaligned(w as u32),
                MemSize::W64 | MemSize::F64 => (addr as *mut u64).write_unaligned(w),
            }
        }
    }
    /// A small number naming the size (how snapshots record pending stores).
    pub fn code(self) -> u64 {
        self as u64
    }
    /// The size [`MemSize::code`] gave `c`, if any.
    pub fn from_code(c: u64) -> Option<MemSize> {
        use MemSize::*;
        [U8, I8, U16, I16, U32, I32, W64, F64]
            .get(usize::try_from(c).ok()?)
            .copied()
    }
    /// The kind of a loaded value.
    pub fn kind(self) -> Kind {
        if self == MemSize::F64 {
            Kind::Float
        } else {
            Kind::Int
        }
    }
}

/// The uniform signature of every residual call: arguments as canonical words in an array,
/// result as a word. Trampolines monomorphized from each callee's own signature convert. The
/// tracer and the blackhole call them from Rust, so a panic of the callee unwinds through
/// them (`C-unwind`); machine code calls the native-ABI twin ([`CallDesc::abi`]), which
/// catches it instead.
pub type Trampoline = unsafe extern "C-unwind" fn(args: *const u64) -> u64;

/// What the tracer may assume about a residual call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Effect {
    /// `#[elidable]`: no observable side effect; folded when every argument is a constant.
    Elidable,
    /// Any side effect; recorded as a call and kept.
    Residual,
    /// Reads memory but writes none that existed before the call (the codewriter's pattern
    /// tests on a mutable place; `#[dont_look_inside(read_only)]`, which may also allocate):
    /// recorded as a call and kept, but the tracer's heap cache stays valid across it.
    ReadOnly,
    /// `#[loop_invariant]`: a residual call whose result is the same for the whole loop; the
    /// tracer performs and records it once per trace and reuses the result afterwards.
    LoopInvariant,
    /// Touches no memory traced code reads or writes (the GC write barrier, which marks a
    /// card): the tracer neither performs its pending stores first nor forgets what it knows.
    NoMemory,
    /// `gc::alloc` of a register-value struct in traced code: the callee is
    /// `gc::jit::alloc_zeroed(header, size)` with both arguments constants, and the tracer
    /// records a `new` op (no call): it allocates, and reads or writes no existing memory.
    /// The stores of the fields follow as ordinary stores.
    Alloc,
}

/// A residual call target.
#[derive(Clone, Debug)]
pub struct CallDesc {
    /// The trampoline the tracer and the blackhole call (arguments in an array).
    pub func: Trampoline,
    /// The same callee with the native SysV signature (what machine code calls).
    pub abi: usize,
    /// Kinds of the arguments, in order.
    pub arg_kinds: Box<[Kind]>,
    /// Kind of the result.
    pub ret_kind: Kind,
    /// Effect class.
    pub effect: Effect,
    /// A readable name for logs (the callee's Rust type name).
    pub name: &'static str,
}

/// One jitcode instruction.
#[derive(Clone, Debug)]
pub enum Insn {
    /// `dst = val`.
    Const { dst: Reg, val: u64 },
    /// `dst = src`.
    Move { dst: Reg, src: Reg },
    /// `dst = op(a, b)`.
    Bin { op: BinOp, dst: Reg, a: Reg, b: Reg },
    /// `dst = op(a)`.
    Un { op: UnOp, dst: Reg, a: Reg },
    /// `dst = a op b` wrapping, `dst + 1 = 1` if the signed 64-bit operation overflowed, else
    /// 0 (`op` is `IntAdd`, `IntSub` or `IntMul`). The tracer records an `*_ovf` op and its
    /// overflow guard, after which the flag is a constant; resuming at this instruction
    /// recomputes both (it has no other effect).
    Ovf { op: BinOp, dst: Reg, a: Reg, b: Reg },
    /// `dst = *(base + offset)`; `immutable` loads from a constant base fold while tracing.
    Load {
        dst: Reg,
        base: Reg,
        offset: i32,
        size: MemSize,
        immutable: bool,
        /// Alias class (see `Place::class`); 0 if unknown.
        class: u64,
        /// A plain field of a GC object (see `Place::frozen`).
        frozen: bool,
    },
    /// `dst = *(base + offset)`, the value of a `QuasiImmut` whose watch word is at
    /// `base + watch` (`jit::quasi`): from a constant base the tracer folds it to the value
    /// read and makes the trace depend on the cell (after a `guard_not_invalidated` when a
    /// residual call or the trace's start came since the last one); otherwise a plain load
    /// of a mutable place. Resuming at it re-reads the value (it has no other effect).
    QuasiLoad {
        dst: Reg,
        base: Reg,
        offset: i32,
        size: MemSize,
        watch: i32,
    },
    /// `metatracer::record_known_result`: the `#[elidable]` call `desc(args)` returns the
    /// value in `result`; the tracer replaces a later call of it with the same arguments by
    /// that value. No effect when executed (the interpreter does not call the function).
    KnownResult {
        result: Reg,
        desc: Box<CallDesc>,
        args: Box<[Reg]>,
    },
    /// `*(base + offset) = src`.
    Store {
        base: Reg,
        offset: i32,
        size: MemSize,
        src: Reg,
        /// Alias class (see `Place::class`); 0 if unknown.
        class: u64,
    },
    /// `dst = call(args)` through a trampoline.
    Call {
        dst: Reg,
        desc: Box<CallDesc>,
        args: Box<[Reg]>,
    },
    /// Calls another jitcode of the same set (the tracer inlines it); the result is a
    /// register value of `n` consecutive registers starting at `dst` (`regs.rs`).
    InlineCall {
        dst: Reg,
        n: u16,
        code: CodeId,
        args: Box<[Reg]>,
    },
    /// Unconditional jump.
    Jump { target: Pc },
    /// Falls through if `cond` is non-zero, else jumps to `target`.
    Branch { cond: Reg, target: Pc },
    /// Jumps to the target of the case equal to `reg`, or to `default`.
    Switch {
        reg: Reg,
        cases: Box<[(u64, Pc)]>,
        default: Pc,
    },
    /// `promote(reg)`: the tracer guards on the current value and makes it a constant;
    /// `green` says what the constant ties the trace to (`jit::validity`).
    Promote { reg: Reg, green: GreenKind },
    /// Returns registers `src..src + n` to the caller frame (or, `n` = 1, out of the portal).
    Return { src: Reg, n: u16 },
    /// The portal's loop header (`#[jit_merge_point]`).
    MergePoint,
    /// `can_enter_jit!()`: a guest backward jump happened in this iteration.
    CanEnterJit,
    /// Control cannot reach here (after a diverging residual call).
    Unreachable,
}

/// What the portal's merge point knows: the state variables live at the loop header.
#[derive(Clone, Debug)]
pub struct MergeInfo {
    /// Pc of the `MergePoint` instruction.
    pub pc: Pc,
    /// State variables in order: register, green?, kind.
    pub vars: Vec<(Reg, bool, Kind)>,
    /// Per state variable (same order): how a green's word becomes a key word
    /// ([`GreenKind::Plain`] for reds; `docs/ARCHITECTURE.md`, "Trace validity").
    pub green: Vec<GreenKind>,
}

impl MergeInfo {
    /// The loop key of the state words `state` (merge-point order): the green words, each
    /// made a key word by its [`GreenKind`].
    ///
    /// # Safety
    /// `state` must be the concrete state of the interpreter at this merge point (so that a
    /// green `&T` word is the address of a live `T`).
    pub unsafe fn key(&self, state: &[u64]) -> Vec<u64> {
        let mut key = Vec::with_capacity(4);
        for ((v, g), w) in self.vars.iter().zip(&self.green).zip(state) {
            if v.1 {
                // SAFETY: the caller passes the interpreter's live state.
                key.push(unsafe { g.key_word(*w) });
            }
        }
        key
    }
}

/// The jitcode of one function.
#[derive(Clone, Debug)]
pub struct JitCode {
    /// The function's name.
    pub name: String,
    /// The instructions.
    pub insns: Vec<Insn>,
    /// The kind of every register.
    pub reg_kinds: Vec<Kind>,
    /// Parameter registers, in order.
    pub params: Vec<Reg>,
    /// Set for the portal (the `#[jit_merge_point]` function).
    pub merge: Option<MergeInfo>,
    /// `#[unroll_safe]`: loops inside are fine to unroll while tracing.
    pub unroll_safe: bool,
    /// Live registers before each instruction (see [`JitCode::compute_liveness`]).
    pub live: Vec<Vec<u64>>,
    /// The registers of kind `Ref`, in order (what the blackhole publishes as GC roots
    /// before a residual call; see [`JitCode::compute_ref_regs`]).
    pub ref_regs: Vec<Reg>,
}

/// All jitcodes reachable from one portal; index 0 is the portal.
#[derive(Debug, Default)]
pub struct CodeSet {
    /// The codes, by [`CodeId`].
    pub codes: Vec<JitCode>,
}

impl fmt::Display for JitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "jitcode {} (params {:?})", self.name, self.params)?;
        for (pc, insn) in self.insns.iter().enumerate() {
            writeln!(f, "  {pc:4}: {insn:?}")?;
        }
        Ok(())
    }
}

impl Insn {
    /// Registers the instruction reads.
    pub fn uses(&self, out: &mut Vec<Reg>) {
        match self {
            Insn::Const { .. }
            | Insn::Jump { .. }
            | Insn::MergePoint
            | Insn::CanEnterJit
            | Insn::Unreachable => {}
            Insn::Move { src, .. } => out.push(*src),
            Insn::Bin { a, b, .. } | Insn::Ovf { a, b, .. } => out.extend([*a, *b]),
            Insn::Un { a, .. } => out.push(*a),
            Insn::Load { base, .. } | Insn::QuasiLoad { base, .. } => out.push(*base),
            Insn::Store { base, src, .. } => out.extend([*base, *src]),
            Insn::Call { args, .. } | Insn::InlineCall { args, .. } => out.extend(args.iter()),
            Insn::KnownResult { result, args, .. } => {
                out.push(*result);
                out.extend(args.iter())
            }
            Insn::Branch { cond, .. } => out.push(*cond),
            Insn::Switch { reg, .. } | Insn::Promote { reg, .. } => out.push(*reg),
            Insn::Return { src, n } => out.extend(*src..*src + *n),
        }
    }
    /// The registers the instruction writes (an empty range if none).
    pub fn defs(&self) -> std::ops::Range<Reg> {
        match self {
            Insn::Const { dst, .. }
            | Insn::Move { dst, .. }
            | Insn::Bin { dst, .. }
            | Insn::Un { dst, .. }
            | Insn::Load { dst, .. }
            | Insn::QuasiLoad { dst, .. }
            | Insn::Call { dst, .. } => *dst..*dst + 1,
            Insn::InlineCall { dst, n, .. } => *dst..*dst + *n,
            Insn::Ovf { dst, .. } => *dst..*dst + 2,
            _ => 0..0,
        }
    }
    /// Possible next instructions.
    pub fn succs(&self, pc: Pc, out: &mut Vec<Pc>) {
        match self {
            Insn::Jump { target } => out.push(*target),
            Insn::Branch { target, .. } => out.extend([pc + 1, *target]),
            Insn::Switch { cases, default, .. } => {
                out.extend(cases.iter().map(|c| c.1));
                out.push(*default);
            }
            Insn::Return { .. } | Insn::Unreachable => {}
            _ => out.push(pc + 1),
        }
    }
}

impl JitCode {
    /// Fills [`JitCode::ref_regs`] from the register kinds.
    pub fn compute_ref_regs(&mut self) {
        self.ref_regs = (0..self.reg_kinds.len())
            .filter(|&r| self.reg_kinds[r] == Kind::Ref)
            .map(|r| r as Reg)
            .collect();
    }

    /// Computes which registers are live before each instruction (bitsets, 64 per word).
    /// Snapshots keep only live registers, so dead values do not stay alive in traces.
    pub fn compute_liveness(&mut self) {
        let n = self.insns.len();
        let words = self.reg_kinds.len().div_ceil(64).max(1);
        let mut live = vec![vec![0u64; words]; n];
        let merge_vars: Vec<Reg> = self
            .merge
            .as_ref()
            .map(|m| m.vars.iter().map(|v| v.0).collect())
            .unwrap_or_default();
        let mut changed = true;
        let mut uses = Vec::new();
        let mut succs = Vec::new();
        while changed {
            changed = false;
            for pc in (0..n).rev() {
                let insn = &self.insns[pc];
                let mut set = vec![0u64; words];
                succs.clear();
                insn.succs(pc as Pc, &mut succs);
                for &s in &succs {
                    if (s as usize) < n {
                        for (a, b) in set.iter_mut().zip(&live[s as usize]) {
                            *a |= *b;
                        }
                    }
                }
                for d in insn.defs() {
                    set[d as usize / 64] &= !(1u64 << (d % 64));
                }
                uses.clear();
                insn.uses(&mut uses);
                if matches!(insn, Insn::MergePoint) {
                    uses.extend(merge_vars.iter().copied());
                }
                for &u in &uses {
                    set[u as usize / 64] |= 1u64 << (u % 64);
                }
                if set != live[pc] {
                    live[pc] = set;
                    changed = true;
                }
            }
        }
        self.live = live;
    }
    /// The registers live before instruction `pc`, as a bit set (bit `r % 64` of word
    /// `r / 64`), or None when the analysis did not cover `pc` (then all are).
    pub fn live_set(&self, pc: Pc) -> Option<&[u64]> {
        self.live.get(pc as usize).map(|s| &s[..])
    }

    /// Whether register `r` is live before instruction `pc`.
    pub fn is_live(&self, pc: Pc, r: Reg) -> bool {
        self.live
            .get(pc as usize)
            .is_none_or(|s| s[r as usize / 64] & (1u64 << (r % 64)) != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overflow_and_division_follow_rust() {
        let w = |x: i64| x as u64;
        assert_eq!(eval_ovf(BinOp::IntAdd, w(i64::MAX), 1), (w(i64::MIN), true));
        assert_eq!(eval_ovf(BinOp::IntSub, w(-5), w(3)), (w(-8), false));
        assert!(eval_ovf(BinOp::IntMul, w(1 << 40), w(1 << 30)).1);
        // truncation toward zero, remainder with the sign of the dividend
        assert_eq!(BinOp::IntDiv.eval(w(-7), w(2)), w(-3));
        assert_eq!(BinOp::IntMod.eval(w(-7), w(2)), w(-1));
        assert_eq!(BinOp::IntMod.eval(w(7), w(-2)), w(1));
        // never reached by checked jitcode, but evaluating it must not panic
        assert_eq!(BinOp::IntDiv.eval(w(1), 0), 0);
        assert_eq!(BinOp::IntDiv.eval(w(i64::MIN), w(-1)), 0);
    }
}
