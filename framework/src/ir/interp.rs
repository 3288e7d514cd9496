//! The IR interpreter: executes a trace on concrete values. It is the oracle the backend (and
//! later the optimizer) is tested against, so it implements each op's documented semantics
//! directly and independently of the backend.
//!
//! Loads, stores and calls are really performed (on raw addresses), which is why [`run`] is
//! `unsafe`. A `jump` to a label of the same trace loops; a `jump` to another trace's label
//! ends the run with [`Outcome::Jump`] so a caller can continue in that trace (bridges).

use super::entity::{OpRef, SnapshotId, TargetToken};
use super::ops::{Kind, OpFlags, Opcode};
use super::trace::{MemType, ResumeFrame, Trace, Value};
use std::fmt;

/// How a run ended.
#[derive(Clone, PartialEq, Debug)]
pub enum Outcome {
    /// A `finish` op was reached with these values.
    Finish(Vec<Value>),
    /// A guard failed.
    GuardFailed(GuardFailure),
    /// A `jump` to a label that is not in this trace.
    Jump(TargetToken, Vec<Value>),
}

/// A failed guard and the state it saves.
#[derive(Clone, PartialEq, Debug)]
pub struct GuardFailure {
    /// Op position of the guard.
    pub pos: usize,
    /// Guard number (index into `Trace::guards()`).
    pub guard_index: usize,
    /// The guard's snapshot.
    pub snapshot: SnapshotId,
    /// Values of `Trace::exit_refs(snapshot)`, in that order (what a bridge receives).
    pub saved: Vec<Value>,
    /// The snapshot resolved to concrete frames, outermost first.
    pub frames: Vec<ResumeFrame>,
}

/// Why the interpreter could not run the trace.
#[derive(Clone, PartialEq, Debug)]
pub enum InterpError {
    /// The inputs do not match the trace's input kinds.
    BadInputs(String),
    /// More than the allowed number of ops were executed (an endless loop?).
    StepLimit,
    /// `int_div`/`int_mod` by zero or `MIN / -1` (the trace must guard against these).
    DivisionTrap(usize),
    /// The trace is malformed in a way the verifier would report.
    Malformed(usize, String),
}

impl fmt::Display for InterpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InterpError::BadInputs(m) => write!(f, "bad inputs: {m}"),
            InterpError::StepLimit => write!(f, "step limit reached"),
            InterpError::DivisionTrap(p) => write!(f, "op {p}: integer division trap"),
            InterpError::Malformed(p, m) => write!(f, "op {p}: {m}"),
        }
    }
}

impl std::error::Error for InterpError {}

/// Default step limit for [`run`].
pub const DEFAULT_STEP_LIMIT: usize = 10_000_000;

/// Run `t` from its first op with `inputs` (one per input op, kinds must match).
///
/// # Safety
/// Every load/store/call the trace performs must be valid for the given inputs: addresses
/// must point to live memory of the accessed size, called addresses must be functions with
/// the signature of their call descr (`extern "sysv64"`/`extern "C"` on x86-64).
pub unsafe fn run(t: &Trace, inputs: &[Value], step_limit: usize) -> Result<Outcome, InterpError> {
    let kinds = t.input_kinds();
    if kinds.len() != inputs.len() {
        return Err(InterpError::BadInputs(format!(
            "trace takes {} inputs, got {}",
            kinds.len(),
            inputs.len()
        )));
    }
    let mut vals = vec![0u64; t.len()];
    for (i, (k, v)) in kinds.iter().zip(inputs).enumerate() {
        if *k != v.kind() {
            return Err(InterpError::BadInputs(format!(
                "input {i} must be {k:?}, got {v:?}"
            )));
        }
        vals[i] = v.to_bits();
    }
    // SAFETY: forwarded to our caller.
    unsafe { exec(t, vals, kinds.len(), step_limit) }
}

/// Run `t` starting right after its label `target`, with the label's values (this is how a
/// bridge's `jump` continues in the loop it targets).
///
/// # Safety
/// As for [`run`].
pub unsafe fn run_from_label(
    t: &Trace,
    target: TargetToken,
    values: &[Value],
    step_limit: usize,
) -> Result<Outcome, InterpError> {
    let pos = t
        .label_pos(target)
        .ok_or_else(|| InterpError::BadInputs(format!("no label {target}")))?;
    let mut vals = vec![0u64; t.len()];
    let largs = t.args(pos);
    if largs.len() != values.len() {
        return Err(InterpError::BadInputs(format!(
            "label takes {} values, got {}",
            largs.len(),
            values.len()
        )));
    }
    for (&a, v) in largs.iter().zip(values) {
        match a.as_op() {
            Some(i) => vals[i] = v.to_bits(),
            None => {
                return Err(InterpError::Malformed(
                    pos,
                    "label argument is a constant".into(),
                ))
            }
        }
    }
    // SAFETY: forwarded to our caller.
    unsafe { exec(t, vals, pos + 1, step_limit) }
}

fn get(t: &Trace, vals: &[u64], r: OpRef) -> u64 {
    match t.const_value(r) {
        Some(c) => c.to_bits(),
        None => vals[r.as_op().unwrap_or(0)],
    }
}

fn fbits(x: f64) -> u64 {
    x.to_bits()
}

/// x86 `cvttsd2si` semantics: truncation, with NaN and out-of-range giving `i64::MIN`.
pub fn float_to_int(f: f64) -> i64 {
    let two63 = (1u64 << 63) as f64;
    if f.is_nan() || !(-two63..two63).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

unsafe fn exec(
    t: &Trace,
    mut vals: Vec<u64>,
    mut pc: usize,
    step_limit: usize,
) -> Result<Outcome, InterpError> {
    let guards = t.guards();
    let mut steps = 0usize;
    let mut ovf = false;
    while pc < t.len() {
        steps += 1;
        if steps > step_limit {
            return Err(InterpError::StepLimit);
        }
        let op = *t.op(pc);
        let args = t.args(pc);
        let a = |k: usize| -> u64 { get(t, &vals, args[k]) };
        let ai = |k: usize| -> i64 { get(t, &vals, args[k]) as i64 };
        let af = |k: usize| -> f64 { f64::from_bits(get(t, &vals, args[k])) };
        let malformed = |m: &str| InterpError::Malformed(pc, m.to_string());
        let mut guard_ok: Option<bool> = None;
        let res: u64 = match op.opcode {
            Opcode::InputI | Opcode::InputF | Opcode::InputR => vals[pc],
            Opcode::IntAddOvf | Opcode::IntSubOvf | Opcode::IntMulOvf => {
                let (r, o) = eval_ovf(op.opcode, ai(0), ai(1));
                ovf = o;
                r as u64
            }
            Opcode::GuardTrue => {
                guard_ok = Some(a(0) != 0);
                0
            }
            Opcode::GuardFalse => {
                guard_ok = Some(a(0) == 0);
                0
            }
            Opcode::GuardValue => {
                guard_ok = Some(a(0) == a(1));
                0
            }
            Opcode::GuardNonnull => {
                guard_ok = Some(a(0) != 0);
                0
            }
            Opcode::GuardIsnull => {
                guard_ok = Some(a(0) == 0);
                0
            }
            Opcode::GuardNoOverflow => {
                guard_ok = Some(!ovf);
                0
            }
            Opcode::GuardOverflow => {
                guard_ok = Some(ovf);
                0
            }
            // (the IR interpreter runs no compiled trace that could be invalidated)
            Opcode::GuardNotInvalidated => {
                guard_ok = Some(true);
                0
            }
            Opcode::GuardNotInterrupted => {
                guard_ok = Some(!crate::jit::interrupt::pending());
                0
            }
            Opcode::LoadI
            | Opcode::LoadF
            | Opcode::LoadR
            | Opcode::LoadIdxI
            | Opcode::LoadIdxF
            | Opcode::LoadIdxR => {
                let m = t
                    .mem_descr(pc)
                    .ok_or_else(|| malformed("load without memory descr"))?;
                let indexed = op.opcode.flags().contains(OpFlags::INDEXED);
                let addr = if indexed {
                    a(0).wrapping_add(a(1).wrapping_mul(m.scale as u64))
                        .wrapping_add(a(2))
                } else {
                    a(0).wrapping_add(a(1))
                } as usize;
                // SAFETY: the caller of `run` guarantees the trace's accesses are valid.
                unsafe { load(addr, m.ty) }
            }
            Opcode::StoreI
            | Opcode::StoreF
            | Opcode::StoreR
            | Opcode::StoreIdxI
            | Opcode::StoreIdxF
            | Opcode::StoreIdxR => {
                let m = t
                    .mem_descr(pc)
                    .ok_or_else(|| malformed("store without memory descr"))?;
                let indexed = op.opcode.flags().contains(OpFlags::INDEXED);
                let (addr, v) = if indexed {
                    (
                        a(0).wrapping_add(a(1).wrapping_mul(m.scale as u64))
                            .wrapping_add(a(2)),
                        a(3),
                    )
                } else {
                    (a(0).wrapping_add(a(1)), a(2))
                };
                // SAFETY: the caller of `run` guarantees the trace's accesses are valid.
                unsafe { store(addr as usize, m.ty, v) };
                0
            }
            Opcode::CallI
            | Opcode::CallF
            | Opcode::CallR
            | Opcode::CallN
            | Opcode::CallPureI
            | Opcode::CallPureF
            | Opcode::CallPureR
            | Opcode::CallPureN => {
                let cd = t
                    .call_descr(pc)
                    .ok_or_else(|| malformed("call without call descr"))?;
                let mut ints = [0u64; 6];
                let mut floats = [0f64; 8];
                let (mut ni, mut nf) = (0, 0);
                for (k, kind) in cd.args.iter().enumerate() {
                    if *kind == Kind::Float {
                        *floats
                            .get_mut(nf)
                            .ok_or_else(|| malformed("too many float args"))? = af(k + 1);
                        nf += 1;
                    } else {
                        *ints
                            .get_mut(ni)
                            .ok_or_else(|| malformed("too many int args"))? = a(k + 1);
                        ni += 1;
                    }
                }
                // SAFETY: the caller guarantees `a(0)` is a function with this call descr's
                // signature; see `call_native` for why passing unused registers is harmless.
                unsafe { call_native(a(0) as usize, cd.ret, &ints, &floats) }
            }
            Opcode::Label | Opcode::DebugMergePoint => 0,
            Opcode::New => {
                let a = t
                    .alloc_descr(pc)
                    .ok_or_else(|| malformed("new without an alloc descr"))?;
                super::trace::alloc_object(a) as u64
            }
            Opcode::Jump => {
                let target = t
                    .target(pc)
                    .ok_or_else(|| malformed("jump without target"))?;
                let new: Vec<u64> = args.iter().map(|&r| get(t, &vals, r)).collect();
                match t.label_pos(target) {
                    Some(lp) => {
                        let largs = t.args(lp).to_vec();
                        for (&la, v) in largs.iter().zip(new) {
                            if let Some(i) = la.as_op() {
                                vals[i] = v;
                            }
                        }
                        pc = lp + 1;
                        continue;
                    }
                    None => {
                        let values = args
                            .iter()
                            .zip(new)
                            .map(|(&r, v)| to_value(t, r, v))
                            .collect();
                        return Ok(Outcome::Jump(target, values));
                    }
                }
            }
            Opcode::Finish => {
                let values = args
                    .iter()
                    .map(|&r| to_value(t, r, get(t, &vals, r)))
                    .collect();
                return Ok(Outcome::Finish(values));
            }
            opc => {
                // every remaining op is a pure computation (the arms above cover the rest)
                let argv: Vec<u64> = args.iter().map(|&r| get(t, &vals, r)).collect();
                eval_pure(opc, &argv).ok_or(InterpError::DivisionTrap(pc))?
            }
        };
        if guard_ok == Some(false) {
            let snapshot = op
                .snapshot()
                .ok_or_else(|| malformed("guard without snapshot"))?;
            let refs = t.exit_refs(snapshot);
            let bits: Vec<u64> = refs.iter().map(|&r| get(t, &vals, r)).collect();
            let saved = refs
                .iter()
                .zip(&bits)
                .map(|(&r, &b)| to_value(t, r, b))
                .collect();
            let frames = t.resume_frames(snapshot, &bits);
            let guard_index = guards.iter().position(|&g| g == pc).unwrap_or(0);
            return Ok(Outcome::GuardFailed(GuardFailure {
                pos: pc,
                guard_index,
                snapshot,
                saved,
                frames,
            }));
        }
        vals[pc] = res;
        pc += 1;
    }
    Err(InterpError::Malformed(
        t.len(),
        "ran off the end of the trace".into(),
    ))
}

/// Evaluate a pure, non-call op on raw 64-bit argument values (the semantics of the op table;
/// shared by the interpreter and constant folding). `None` when the op would trap
/// (`int_div`/`int_mod` by zero or `MIN / -1`) or is not a pure computation.
pub fn eval_pure(opc: Opcode, args: &[u64]) -> Option<u64> {
    let a = |k: usize| -> u64 { args[k] };
    let ai = |k: usize| -> i64 { args[k] as i64 };
    let af = |k: usize| -> f64 { f64::from_bits(args[k]) };
    let b2i = |b: bool| -> u64 { b as u64 };
    if args.len() < opc.sig().trim_end_matches('*').len() {
        return None;
    }
    Some(match opc {
        Opcode::IntAdd => ai(0).wrapping_add(ai(1)) as u64,
        Opcode::IntSub => ai(0).wrapping_sub(ai(1)) as u64,
        Opcode::IntMul => ai(0).wrapping_mul(ai(1)) as u64,
        Opcode::IntDiv | Opcode::IntMod => {
            let (x, y) = (ai(0), ai(1));
            if y == 0 || (x == i64::MIN && y == -1) {
                return None;
            }
            if opc == Opcode::IntDiv {
                (x / y) as u64
            } else {
                (x % y) as u64
            }
        }
        Opcode::IntAnd => a(0) & a(1),
        Opcode::IntOr => a(0) | a(1),
        Opcode::IntXor => a(0) ^ a(1),
        Opcode::IntLshift => a(0).wrapping_shl(a(1) as u32),
        Opcode::IntRshift => ai(0).wrapping_shr(a(1) as u32) as u64,
        Opcode::UintRshift => a(0).wrapping_shr(a(1) as u32),
        Opcode::IntNeg => ai(0).wrapping_neg() as u64,
        Opcode::IntInvert => !a(0),
        Opcode::IntLt => b2i(ai(0) < ai(1)),
        Opcode::IntLe => b2i(ai(0) <= ai(1)),
        Opcode::IntGt => b2i(ai(0) > ai(1)),
        Opcode::IntGe => b2i(ai(0) >= ai(1)),
        Opcode::IntEq | Opcode::PtrEq => b2i(a(0) == a(1)),
        Opcode::IntNe | Opcode::PtrNe => b2i(a(0) != a(1)),
        Opcode::UintLt => b2i(a(0) < a(1)),
        Opcode::UintLe => b2i(a(0) <= a(1)),
        Opcode::UintGt => b2i(a(0) > a(1)),
        Opcode::UintGe => b2i(a(0) >= a(1)),
        Opcode::IntIsZero => b2i(a(0) == 0),
        Opcode::IntIsTrue => b2i(a(0) != 0),
        Opcode::FloatAdd => fbits(af(0) + af(1)),
        Opcode::FloatSub => fbits(af(0) - af(1)),
        Opcode::FloatMul => fbits(af(0) * af(1)),
        Opcode::FloatTrueDiv => fbits(af(0) / af(1)),
        Opcode::FloatNeg => a(0) ^ (1 << 63),
        Opcode::FloatAbs => a(0) & !(1 << 63),
        Opcode::FloatLt => b2i(af(0) < af(1)),
        Opcode::FloatLe => b2i(af(0) <= af(1)),
        Opcode::FloatGt => b2i(af(0) > af(1)),
        Opcode::FloatGe => b2i(af(0) >= af(1)),
        Opcode::FloatEq => b2i(af(0) == af(1)),
        Opcode::FloatNe => b2i(af(0) != af(1)),
        Opcode::CastFloatToInt => float_to_int(af(0)) as u64,
        Opcode::CastIntToFloat => fbits(ai(0) as f64),
        Opcode::CastPtrToInt | Opcode::CastIntToPtr => a(0),
        Opcode::SameAsI | Opcode::SameAsF | Opcode::SameAsR => a(0),
        _ => return None,
    })
}

/// Evaluate `int_{add,sub,mul}_ovf`: the wrapped result and whether it overflowed.
pub fn eval_ovf(opc: Opcode, x: i64, y: i64) -> (i64, bool) {
    match opc {
        Opcode::IntSubOvf => x.overflowing_sub(y),
        Opcode::IntMulOvf => x.overflowing_mul(y),
        _ => x.overflowing_add(y),
    }
}

fn to_value(t: &Trace, r: OpRef, bits: u64) -> Value {
    Value::from_bits(t.kind(r), bits).unwrap_or(Value::Int(bits as i64))
}

/// Read a value of type `ty` at `addr`, widened to 64 bits.
///
/// # Safety
/// `addr` must be valid for a read of `ty.size()` bytes (any alignment).
pub unsafe fn load(addr: usize, ty: MemType) -> u64 {
    let p = addr as *const u8;
    // SAFETY: the caller guarantees `p` is readable for the access size; unaligned reads used.
    unsafe {
        match ty {
            MemType::Int {
                size: 1,
                signed: true,
            } => p.cast::<i8>().read_unaligned() as i64 as u64,
            MemType::Int {
                size: 1,
                signed: false,
            } => p.read_unaligned() as u64,
            MemType::Int {
                size: 2,
                signed: true,
            } => p.cast::<i16>().read_unaligned() as i64 as u64,
            MemType::Int {
                size: 2,
                signed: false,
            } => p.cast::<u16>().read_unaligned() as u64,
            MemType::Int {
                size: 4,
                signed: true,
            } => p.cast::<i32>().read_unaligned() as i64 as u64,
            MemType::Int {
                size: 4,
                signed: false,
            } => p.cast::<u32>().read_unaligned() as u64,
            _ => p.cast::<u64>().read_unaligned(),
        }
    }
}

/// Write the low `ty.size()` bytes of `v` at `addr`.
///
/// # Safety
/// `addr` must be valid for a write of `ty.size()` bytes (any alignment).
pub unsafe fn store(addr: usize, ty: MemType, v: u64) {
    let p = addr as *mut u8;
    // SAFETY: the caller guarantees `p` is writable for the access size; unaligned writes used.
    unsafe {
        match ty.size() {
            1 => p.write_unaligned(v as u8),
            2 => p.cast::<u16>().write_unaligned(v as u16),
            4 => p.cast::<u32>().write_unaligned(v as u32),
            _ => p.cast::<u64>().write_unaligned(v),
        }
    }
}

/// Call `f` with int args in rdi..r9 and float args in xmm0..xmm7 (SysV), returning rax or
/// xmm0 as bits according to `ret`.
///
/// # Safety
/// `f` must be an `extern "C"` function taking the int/ref args (in order) and float args (in
/// order) that are given in the leading slots of `ints`/`floats`, and returning `ret`. Under
/// the x86-64 SysV ABI, integer and float arguments are assigned to their register classes
/// independently, so a callee that takes fewer arguments ignores the extra registers.
pub unsafe fn call_native(f: usize, ret: Kind, ints: &[u64; 6], floats: &[f64; 8]) -> u64 {
    type FnI = extern "sysv64" fn(
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
    ) -> u64;
    type FnF = extern "sysv64" fn(
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
    ) -> f64;
    let [i0, i1, i2, i3, i4, i5] = *ints;
    let [f0, f1, f2, f3, f4, f5, f6, f7] = *floats;
    let r = if ret == Kind::Float {
        // SAFETY: see the function's contract; the register assignment matches the callee's.
        let g: FnF = unsafe { std::mem::transmute::<usize, FnF>(f) };
        g(i0, i1, i2, i3, i4, i5, f0, f1, f2, f3, f4, f5, f6, f7).to_bits()
    } else {
        // SAFETY: as above; a void callee leaves rax unspecified and the result is ignored.
        let g: FnI = unsafe { std::mem::transmute::<usize, FnI>(f) };
        g(i0, i1, i2, i3, i4, i5, f0, f1, f2, f3, f4, f5, f6, f7)
    };
    // The JIT's native-ABI trampolines catch a callee's panic (machine code cannot unwind)
    // and park it; here, in Rust, it simply continues unwinding.
    if let Some(p) = crate::backend::unwind::take() {
        std::panic::resume_unwind(p);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::parse;

    fn run_text(text: &str, inputs: &[Value]) -> Outcome {
        let t = parse(text).unwrap();
        crate::ir::verify(&t).unwrap();
        // SAFETY: the test traces below touch no memory except where noted.
        unsafe { run(&t, inputs, 100_000).unwrap() }
    }

    #[test]
    fn loop_counts_and_guard_fails_with_snapshot() {
        let text = "[i0, i1]\nlabel(i0, i1, descr=target800)\ni3 = int_add(i0, 1)\ni4 = int_add(i1, i0)\n\
                    i5 = int_lt(i3, 10)\nguard_true(i5) [7@3: i3, i4, 99]\njump(i3, i4, descr=target800)\n";
        match run_text(text, &[Value::Int(0), Value::Int(0)]) {
            Outcome::GuardFailed(g) => {
                assert_eq!(g.pos, 6);
                assert_eq!(g.guard_index, 0);
                assert_eq!(g.saved, vec![Value::Int(10), Value::Int(45)]);
                assert_eq!(g.frames[0].jitcode, 7);
                assert_eq!(g.frames[0].pc, 3);
                assert_eq!(
                    g.frames[0].values,
                    vec![Value::Int(10), Value::Int(45), Value::Int(99)]
                );
            }
            o => panic!("{o:?}"),
        }
    }

    #[test]
    fn overflow_and_floats() {
        let text = "[i0, f1]\ni2 = int_mul_ovf(i0, 4)\nguard_no_overflow() [0@0: i0]\nf4 = cast_int_to_float(i2)\n\
                    f5 = float_truediv(f4, f1)\ni6 = cast_float_to_int(f5)\nf7 = float_neg(f5)\nfinish(i6, f7)\n";
        assert_eq!(
            run_text(text, &[Value::Int(3), Value::Float(0.5)]),
            Outcome::Finish(vec![Value::Int(24), Value::Float(-24.0)])
        );
        match run_text(text, &[Value::Int(i64::MAX / 2), Value::Float(0.5)]) {
            Outcome::GuardFailed(g) => assert_eq!(g.saved, vec![Value::Int(i64::MAX / 2)]),
            o => panic!("{o:?}"),
        }
        assert_eq!(float_to_int(f64::NAN), i64::MIN);
        assert_eq!(float_to_int(-2.9), -2);
    }

    #[test]
    fn memory_and_calls() {
        extern "C" fn mix(a: i64, x: f64, b: i64) -> f64 {
            a as f64 * x + b as f64
        }
        let mut buf: [u8; 16] = [0xff, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        let text = format!(
            "[p0]\ni1 = load_i(p0, 0, descr=i8)\ni2 = load_i(p0, 0, descr=u8)\ni3 = load_idx_i(p0, 1, 0, descr=u8x1)\n\
             store_i(p0, 8, i2, descr=i16)\nf5 = call_f({}, i1, 2.5, i3, descr=call(i f i)->f)\nfinish(i1, i2, f5)\n",
            mix as extern "C" fn(i64, f64, i64) -> f64 as usize
        );
        let t = parse(&text).unwrap();
        crate::ir::verify(&t).unwrap();
        // SAFETY: the trace reads bytes 0..2 and writes bytes 8..10 of `buf`, and calls `mix`
        // with its own signature.
        let out = unsafe { run(&t, &[Value::Ref(buf.as_mut_ptr() as usize)], 100).unwrap() };
        assert_eq!(
            out,
            Outcome::Finish(vec![Value::Int(-1), Value::Int(255), Value::Float(-1.5)])
        );
        assert_eq!(&buf[8..11], &[255, 0, 0]);
    }
}
