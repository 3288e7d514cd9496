//! `fold`: constant folding and simple algebraic identities.
//!
//! Invariants kept: a rewrite never changes the value of any op result on any input (the
//! semantics are `ir::interp::eval_pure`, shared with the IR interpreter), never removes a
//! guard that could fail, and never folds an op that would trap (`int_div` by zero stays in
//! the trace). Float identities are restricted to those exact for NaN and signed zeros.
//!
//! ```text
//! i2 = int_add(i0, 0)      =>  (uses of i2 become i0)
//! i3 = int_mul(6, 7)       =>  (uses of i3 become 42)
//! guard_true(1) [...]      =>  (removed)
//! i4 = int_add(5, i0)      =>  i4 = int_add(i0, 5)     (constants go right)
//! ```

use super::{Action, Ctx, Pass, PendingOp};
use crate::ir::interp::{eval_ovf, eval_pure};
use crate::ir::{Kind, OpFlags, OpRef, Opcode, Value};

/// The folding pass (state: the outcome of a folded `*_ovf` op for the guard after it).
#[derive(Default)]
pub struct Fold {
    /// `Some(overflowed)` when the previous op was an `*_ovf` op folded to a constant.
    folded_ovf: Option<bool>,
}

impl Pass for Fold {
    fn name(&self) -> &'static str {
        "fold"
    }

    // nothing is recorded under the op's own number
    fn chainable(&self) -> bool {
        true
    }

    fn feed(&mut self, ctx: &mut Ctx<'_>, op: &mut PendingOp) -> Action {
        let opc = op.opcode;
        let folded_ovf = self.folded_ovf.take();
        let flags = opc.flags();
        let consts: Option<Vec<Value>> = op.args.iter().map(|&a| ctx.const_value(a)).collect();

        // ---- overflow ops and their guards ----
        if flags.contains(OpFlags::OVF) {
            if let (Some(x), Some(y)) = (ctx.const_int(op.args[0]), ctx.const_int(op.args[1])) {
                let (r, o) = eval_ovf(opc, x, y);
                if !o {
                    // c1 op_ovf c2 => c (no overflow; the following guard is decided)
                    self.folded_ovf = Some(false);
                    return Action::Replace(ctx.constant(Value::Int(r)));
                }
            }
            // x +ovf 0 => x, x -ovf 0 => x, x *ovf 1 => x: can never overflow
            let neutral = match opc {
                Opcode::IntAddOvf | Opcode::IntSubOvf => 0,
                _ => 1,
            };
            if ctx.const_int(op.args[1]) == Some(neutral) {
                self.folded_ovf = Some(false);
                return Action::Replace(op.args[0]);
            }
            return Action::Emit;
        }
        if let (Some(overflowed), Opcode::GuardNoOverflow | Opcode::GuardOverflow) =
            (folded_ovf, opc)
        {
            let passes = (opc == Opcode::GuardNoOverflow) != overflowed;
            if passes {
                // guard on a decided overflow flag that holds => removed
                return Action::Remove;
            }
            // always fails: keep it as a guard on a constant false
            op.opcode = Opcode::GuardTrue;
            op.args = vec![ctx.constant(Value::Int(0))];
            return Action::Emit;
        }

        // ---- guards on constants ----
        if flags.contains(OpFlags::GUARD) {
            if let Some(c) = &consts {
                let holds = match (opc, c.as_slice()) {
                    (Opcode::GuardTrue, [v]) => v.to_bits() != 0,
                    (Opcode::GuardFalse, [v]) => v.to_bits() == 0,
                    (Opcode::GuardNonnull, [v]) => v.to_bits() != 0,
                    (Opcode::GuardIsnull, [v]) => v.to_bits() == 0,
                    (Opcode::GuardValue, [a, b]) => a == b,
                    _ => false,
                };
                if holds {
                    // guard_*(constant that passes) => removed
                    return Action::Remove;
                }
            }
            return Action::Emit;
        }

        if !flags.contains(OpFlags::PURE) || flags.contains(OpFlags::CALL) {
            return Action::Emit;
        }

        // ---- constant folding: pure op with all-constant args => constant ----
        if let Some(c) = &consts {
            let bits: Vec<u64> = c.iter().map(|v| v.to_bits()).collect();
            if let Some(r) = eval_pure(opc, &bits) {
                if let Some(v) = Value::from_bits(opc.result(), r) {
                    return Action::Replace(ctx.constant(v));
                }
            }
            return Action::Emit; // would trap: leave it to run (and fail) as in the interpreter
        }

        // same_as(x) => x
        if matches!(opc, Opcode::SameAsI | Opcode::SameAsF | Opcode::SameAsR) {
            return Action::Replace(op.args[0]);
        }

        // cast_ptr_to_int(cast_int_to_ptr(x)) => x ; cast_int_to_ptr(cast_ptr_to_int(p)) => p
        let undone = match opc {
            Opcode::CastPtrToInt => Some(Opcode::CastIntToPtr),
            Opcode::CastIntToPtr => Some(Opcode::CastPtrToInt),
            _ => None,
        };
        if undone.is_some() && ctx.producer(op.args[0]) == undone {
            return Action::Replace(ctx.producer_args(op.args[0])[0]);
        }

        // c op x => x op c for commutative ops (constants on the right)
        if flags.contains(OpFlags::COMMUTATIVE) && op.args[0].is_const() && !op.args[1].is_const() {
            op.args.swap(0, 1);
        }
        if op.args.len() == 2 {
            if let Some(r) = identity(ctx, opc, op.args[0], op.args[1]) {
                return Action::Replace(r);
            }
        }
        Action::Emit
    }
}

/// The constant `m` of `a = int_or(x, m)` (a value with the bits of `m` set), if `a` is one.
fn or_mask(ctx: &Ctx<'_>, a: OpRef) -> Option<i64> {
    if ctx.producer(a) != Some(Opcode::IntOr) {
        return None;
    }
    let args = ctx.producer_args(a);
    ctx.const_int(args[1]).or_else(|| ctx.const_int(args[0]))
}

/// `y` when `a` is `int_add(b, y)` or `int_add(y, b)`.
fn other_addend(ctx: &Ctx<'_>, a: OpRef, b: OpRef) -> Option<OpRef> {
    if ctx.producer(a) != Some(Opcode::IntAdd) {
        return None;
    }
    match *ctx.producer_args(a) {
        [x, y] if x == b => Some(y),
        [x, y] if y == b => Some(x),
        _ => None,
    }
}

/// Algebraic identities for `a op b` (commutative ops have their constant in `b`).
fn identity(ctx: &mut Ctx<'_>, opc: Opcode, a: OpRef, b: OpRef) -> Option<OpRef> {
    let bi = ctx.const_int(b);
    let int = |ctx: &mut Ctx<'_>, v: i64| Some(ctx.constant(Value::Int(v)));
    let set_bits = or_mask(ctx, a);
    match opc {
        // (x | m) & c => c when c's bits are all in m (a tag bit tested after it was set)
        Opcode::IntAnd if matches!((set_bits, bi), (Some(m), Some(c)) if m & c == c) => Some(b),
        // (x | m) == 0 => 0 ; (x | m) != 0 => 1, for m != 0
        Opcode::IntEq if bi == Some(0) && set_bits.is_some_and(|m| m != 0) => int(ctx, 0),
        Opcode::IntNe if bi == Some(0) && set_bits.is_some_and(|m| m != 0) => int(ctx, 1),
        // x + 0 => x ; x - 0 => x ; x | 0 => x ; x ^ 0 => x
        Opcode::IntAdd | Opcode::IntSub | Opcode::IntOr | Opcode::IntXor if bi == Some(0) => {
            Some(a)
        }
        // x << 0, x >> 0 => x
        Opcode::IntLshift | Opcode::IntRshift | Opcode::UintRshift if bi == Some(0) => Some(a),
        // x * 1 => x
        Opcode::IntMul if bi == Some(1) => Some(a),
        // x * 0 => 0 ; x & 0 => 0
        Opcode::IntMul | Opcode::IntAnd if bi == Some(0) => int(ctx, 0),
        // x & -1 => x
        Opcode::IntAnd if bi == Some(-1) => Some(a),
        // x | -1 => -1
        Opcode::IntOr if bi == Some(-1) => int(ctx, -1),
        // x / 1 => x
        Opcode::IntDiv if bi == Some(1) => Some(a),
        // x - x => 0 ; x ^ x => 0
        Opcode::IntSub | Opcode::IntXor if a == b => int(ctx, 0),
        // (x + y) - x => y ; (x + y) - y => x (wrapping arithmetic: exact)
        Opcode::IntSub if other_addend(ctx, a, b).is_some() => other_addend(ctx, a, b),
        // x & x => x ; x | x => x
        Opcode::IntAnd | Opcode::IntOr if a == b => Some(a),
        // x == x, x <= x, x >= x => 1 (ints and refs only: NaN != NaN)
        Opcode::IntEq
        | Opcode::IntLe
        | Opcode::IntGe
        | Opcode::UintLe
        | Opcode::UintGe
        | Opcode::PtrEq
            if a == b =>
        {
            int(ctx, 1)
        }
        // x != x, x < x, x > x => 0
        Opcode::IntNe
        | Opcode::IntLt
        | Opcode::IntGt
        | Opcode::UintLt
        | Opcode::UintGt
        | Opcode::PtrNe
            if a == b =>
        {
            int(ctx, 0)
        }
        // f * 1.0 => f (exact for NaN, infinities and signed zeros)
        Opcode::FloatMul
            if ctx.const_value(b) == Some(Value::Float(1.0)) && ctx.kind(a) == Kind::Float =>
        {
            Some(a)
        }
        // f + (-0.0) => f, f - 0.0 => f (exact, including -0.0)
        Opcode::FloatAdd if ctx.const_value(b) == Some(Value::Float(-0.0)) => Some(a),
        Opcode::FloatSub if ctx.const_value(b) == Some(Value::Float(0.0)) => Some(a),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::opt::check_opt;

    fn check(input: &str, expected: &str) {
        if let Err(e) = check_opt(input, "fold", expected) {
            panic!("{e}");
        }
    }

    #[test]
    fn sub_undoes_add() {
        // (a stack depth recomputed from a pointer the trace advanced: `sp + 3 - sp`)
        check(
            "[i0, i1]\ni2 = int_add(i0, 3)\ni3 = int_sub(i2, i0)\ni4 = int_add(i0, i1)\ni5 = int_sub(i4, i1)\ni6 = int_sub(i4, 3)\nfinish(i3, i5, i6)\n",
            "[i0, i1]\ni2 = int_add(i0, 3)\ni3 = int_add(i0, i1)\ni4 = int_sub(i3, 3)\nfinish(3, i0, i4)\n",
        );
    }

    #[test]
    fn folds_constants_through_chains() {
        check(
            "[i0]\ni1 = int_mul(6, 7)\ni2 = int_sub(i1, 2)\ni3 = int_add(i0, i2)\nfinish(i3)\n",
            "[i0]\ni1 = int_add(i0, 40)\nfinish(i1)\n",
        );
        check(
            "[f0]\nf1 = float_mul(1.5, 2.0)\nf2 = cast_int_to_float(3)\nf3 = float_sub(f1, f2)\ni4 = float_lt(f3, 0.5)\nf5 = float_add(f0, f3)\nfinish(i4, f5)\n",
            "[f0]\nf1 = float_add(f0, 0.0)\nfinish(1, f1)\n",
        );
    }

    #[test]
    fn a_tag_set_then_tested_and_a_cast_undone_fold() {
        // a small int tagged by `(x << 1) | 1`, stored as a pointer and read back: its tag test
        // and its null test are decided, the casts cancel
        check(
            "[i0]\ni1 = int_lshift(i0, 1)\ni2 = int_or(i1, 1)\np3 = cast_int_to_ptr(i2)\n\
             i4 = cast_ptr_to_int(p3)\ni5 = int_and(i4, 1)\ni6 = int_eq(i4, 0)\ni7 = int_ne(i4, 0)\n\
             i8 = int_and(i4, 3)\np9 = cast_int_to_ptr(i4)\nfinish(i5, i6, i7, i8, p9)\n",
            "[i0]\ni1 = int_lshift(i0, 1)\ni2 = int_or(i1, 1)\np3 = cast_int_to_ptr(i2)\n\
             i4 = int_and(i2, 3)\np5 = cast_int_to_ptr(i2)\nfinish(1, 0, 1, i4, p5)\n",
        );
    }

    #[test]
    fn algebraic_identities() {
        check(
            "[i0, i1]\ni2 = int_add(i0, 0)\ni3 = int_mul(1, i2)\ni4 = int_sub(i3, i3)\ni5 = int_or(i1, i4)\n\
             i6 = int_and(i5, -1)\ni7 = int_lshift(i6, 0)\ni8 = int_eq(i7, i7)\ni9 = int_mul(i8, i0)\nfinish(i9)\n",
            "[i0, i1]\nfinish(i0)\n",
        );
        // commutative constants go right; non-commutative stay
        check(
            "[i0]\ni1 = int_add(3, i0)\ni2 = int_sub(3, i1)\nfinish(i2)\n",
            "[i0]\ni1 = int_add(i0, 3)\ni2 = int_sub(3, i1)\nfinish(i2)\n",
        );
        // float x + 0.0 is not x (for x = -0.0): kept; x * 1.0 folded
        check(
            "[f0]\nf1 = float_add(f0, 0.0)\nf2 = float_mul(f1, 1.0)\ni3 = float_eq(f2, f2)\nfinish(f2, i3)\n",
            "[f0]\nf1 = float_add(f0, 0.0)\ni2 = float_eq(f1, f1)\nfinish(f1, i2)\n",
        );
    }

    #[test]
    fn guards_and_overflow() {
        check(
            "[i0]\nguard_true(1) [0@1: i0]\ni2 = int_add_ovf(5, 6)\nguard_no_overflow() [0@2: i2]\n\
             i4 = int_add_ovf(i0, i2)\nguard_no_overflow() [0@3: i4]\nguard_value(i4, i4) [0@4:]\nfinish(i4)\n",
            "[i0]\ni1 = int_add_ovf(i0, 11)\nguard_no_overflow() [0@3: i1]\nguard_value(i1, i1) [0@4:]\nfinish(i1)\n",
        );
        // an overflowing constant op is kept; a guard that always fails is kept
        check(
            "[i0]\ni1 = int_mul_ovf(0x7fffffffffffffff, 2)\nguard_no_overflow() [0@1:]\nguard_false(1) [0@2: i0]\nfinish(i1)\n",
            "[i0]\ni1 = int_mul_ovf(0x7fffffffffffffff, 2)\nguard_no_overflow() [0@1:]\nguard_false(1) [0@2: i0]\nfinish(i1)\n",
        );
        // guard_overflow after a folded non-overflowing op always fails
        check(
            "[i0]\ni1 = int_sub_ovf(i0, 0)\nguard_overflow() [0@1: i1]\nfinish(i1)\n",
            "[i0]\nguard_true(0) [0@1: i0]\nfinish(i0)\n",
        );
    }

    #[test]
    fn trapping_division_is_not_folded() {
        check(
            "[i0]\ni1 = int_div(7, 0)\ni2 = int_div(7, 2)\ni3 = int_div(i0, 1)\nfinish(i1, i2, i3)\n",
            "[i0]\ni1 = int_div(7, 0)\nfinish(i1, 3, i0)\n",
        );
    }

    #[test]
    fn snapshots_see_folded_values() {
        check(
            "[i0]\ni1 = int_add(2, 3)\ni2 = same_as_i(i0)\nguard_true(i2) [1@5: i1, i2]\nfinish()\n",
            "[i0]\nguard_true(i0) [1@5: 5, i0]\nfinish()\n",
        );
    }
}
