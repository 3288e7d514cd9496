//! `cse`: common subexpression elimination of pure ops and elidable calls, guard dedup and
//! guard implication ("a stronger guard earlier makes a later weaker one redundant").
//!
//! * A pure op (`PURE` flag, not a call) with the same opcode, operands and descriptor as an
//!   earlier one is that earlier value; commutative ops compare their operands as a set.
//! * `call_pure_*` (`#[elidable]` callees) with the same function, arguments and descriptor
//!   are computed once. A callee given a ref may read the pointee, so such a call is reused
//!   only while no store and no residual call happened in between; calls with int/float
//!   arguments only are reused anywhere.
//! * Guards: what a passed guard established is remembered per value: `guard_value(x, c)`
//!   makes an int or ref `x` the constant `c` for the rest of the trace (later operands of pure ops,
//!   guards, loads, stores and calls are rewritten, which is what `promote` promises), and
//!   so do `guard_true(int_eq(x, c))`, `guard_false(int_ne(x, c))`, `guard_false(x)`
//!   (`x == 0`) and `guard_isnull(p)`; `guard_true(x)` and `guard_nonnull(p)` make `x` known
//!   non-zero. A later guard whose condition those facts imply is removed: the same guard
//!   again, `guard_true(x)` after `guard_value(x, 5)`, `guard_nonnull(p)` after
//!   `guard_value(p, ptr(0x10))`. (The other direction, merging a weak guard into a stronger
//!   later one, would move where the trace exits and is not done.)
//!
//! Invariants kept: a value is reused only where it is defined earlier in the output trace and
//! no `label` lies in between (everything is forgotten at a `label`); a removed guard is
//! implied by an earlier guard on the same SSA value, which cannot have changed since. `label`,
//! `jump`, `finish` and `debug_merge_point` operands are never rewritten.
//!
//! ```text
//! i2 = int_add(i0, i1)
//! i3 = int_add(i1, i0)          =>  (uses of i3 become i2)
//! guard_value(i0, 7) [...]
//! i5 = int_mul(i0, i2)          =>  i5 = int_mul(7, i2)
//! guard_true(i2) [...]
//! guard_true(i2) [...]          =>  (removed)
//! ```

use super::{Action, Ctx, FxMap, Pass, PendingOp};
use crate::ir::{Kind, OpFlags, OpRef, Opcode, Value};

/// The key of a pure op: opcode, operands (sorted for commutative ops), descriptor.
type Key = (
    Opcode,
    smallvec::SmallVec<[OpRef; 4]>,
    Option<crate::ir::DescrId>,
);

/// The pass.
#[derive(Default)]
pub struct Cse {
    /// Pure ops and elidable calls seen: key -> (result, memory epoch when computed).
    seen: FxMap<Key, (OpRef, u64)>,
    /// Values a guard fixed to a constant.
    consts: FxMap<OpRef, OpRef>,
    /// Values a guard showed to be non-zero (non-null).
    nonzero: FxMap<OpRef, ()>,
    /// Bumped by every store and residual call (for elidable calls given refs).
    epoch: u64,
    /// The key recorded under the op being fed (for [`Pass::retract`]).
    last: Option<Key>,
}

impl Cse {
    fn forget(&mut self) {
        self.seen.clear();
        self.consts.clear();
        self.nonzero.clear();
    }

    /// The constant `r` is known to be, if any.
    fn known(&self, ctx: &Ctx<'_>, r: OpRef) -> Option<Value> {
        let c = self.consts.get(&r).copied().unwrap_or(r);
        ctx.const_value(c)
    }

    fn is_nonzero(&self, ctx: &Ctx<'_>, r: OpRef) -> bool {
        self.nonzero.contains_key(&r) || self.known(ctx, r).is_some_and(|v| v.to_bits() != 0)
    }

    fn is_zero(&self, ctx: &Ctx<'_>, r: OpRef) -> bool {
        self.known(ctx, r).is_some_and(|v| v.to_bits() == 0)
    }

    /// Remember `x == c` (c a constant operand). Not for floats: a float guard that passed
    /// may have compared numerically (`-0.0 == 0.0`), so `x` need not have `c`'s bits.
    fn fix(&mut self, ctx: &Ctx<'_>, x: OpRef, c: OpRef) {
        if !x.is_const() && c.is_const() && ctx.kind(x) == ctx.kind(c) && ctx.kind(x) != Kind::Float
        {
            self.consts.insert(x, c);
        }
    }

    /// After a guard showed `x != 0` (`nonzero`) or `x == 0` (the caller fixed `x` to 0).
    fn learn(&mut self, ctx: &Ctx<'_>, x: OpRef, nonzero: bool) {
        if nonzero {
            self.nonzero.insert(x, ());
        }
        // x = (a == c) true, or x = (a != c) false  =>  a is c
        let eq = match ctx.producer(x) {
            Some(Opcode::IntEq | Opcode::PtrEq) => nonzero,
            Some(Opcode::IntNe | Opcode::PtrNe) => !nonzero,
            _ => return,
        };
        if eq {
            let args = ctx.producer_args(x).to_vec();
            if args[1].is_const() {
                self.fix(ctx, args[0], args[1]);
            } else if args[0].is_const() {
                self.fix(ctx, args[1], args[0]);
            }
        }
    }
}

impl Pass for Cse {
    fn name(&self) -> &'static str {
        "cse"
    }

    fn chainable(&self) -> bool {
        true
    }

    fn retract(&mut self, r: OpRef, now: Option<OpRef>) {
        if let Some(key) = self.last.take() {
            match (now, self.seen.get_mut(&key)) {
                (Some(v), Some(e)) if e.0 == r => e.0 = v,
                (None, Some(e)) if e.0 == r => {
                    self.seen.remove(&key);
                }
                _ => {}
            }
        }
    }

    fn feed(&mut self, ctx: &mut Ctx<'_>, op: &mut PendingOp) -> Action {
        use Opcode::*;
        self.last = None;
        let opc = op.opcode;
        let flags = opc.flags();
        match opc {
            Label => {
                self.forget();
                return Action::Emit;
            }
            Jump | Finish | DebugMergePoint => return Action::Emit,
            _ => {}
        }
        // operands a guard fixed to a constant are that constant from here on
        for a in op.args.iter_mut() {
            if let Some(&c) = self.consts.get(a) {
                *a = c;
            }
        }
        if flags.contains(OpFlags::GUARD) {
            let x = op.args.first().copied();
            let action = match (opc, x) {
                (GuardTrue | GuardNonnull, Some(x)) => {
                    if self.is_nonzero(ctx, x) {
                        // guard_true(x) after a guard that showed x != 0 => removed
                        Action::Remove
                    } else if self.is_zero(ctx, x) {
                        Action::Emit // always fails
                    } else {
                        self.learn(ctx, x, true);
                        Action::Emit
                    }
                }
                (GuardFalse | GuardIsnull, Some(x)) => {
                    if self.is_zero(ctx, x) {
                        // guard_false(x) after a guard that showed x == 0 => removed
                        Action::Remove
                    } else if self.is_nonzero(ctx, x) {
                        Action::Emit // always fails
                    } else {
                        let zero = ctx.constant(match ctx.kind(x) {
                            Kind::Ref => Value::Ref(0),
                            _ => Value::Int(0),
                        });
                        self.fix(ctx, x, zero);
                        self.learn(ctx, x, false);
                        Action::Emit
                    }
                }
                (GuardValue, Some(x)) => {
                    let c = op.args[1];
                    match (ctx.const_value(x), ctx.const_value(c)) {
                        // guard_value(c, c) (x was fixed to c by an earlier guard) => removed
                        (Some(p), Some(q)) if p == q => Action::Remove,
                        (Some(_), Some(_)) => Action::Emit, // always fails
                        _ => {
                            self.fix(ctx, x, c);
                            if self.known(ctx, c).is_some_and(|v| v.to_bits() != 0) {
                                self.nonzero.insert(x, ());
                            }
                            Action::Emit
                        }
                    }
                }
                _ => Action::Emit,
            };
            return action;
        }
        if flags.contains(OpFlags::STORE) || (flags.contains(OpFlags::CALL) && !opc.is_pure()) {
            self.epoch += 1;
            return Action::Emit;
        }
        if !opc.is_pure() {
            return Action::Emit;
        }
        // ---- pure ops and elidable calls ----
        let mut args: smallvec::SmallVec<[OpRef; 4]> = op.args.iter().copied().collect();
        if flags.contains(OpFlags::COMMUTATIVE) && args[0].raw() > args[1].raw() {
            args.swap(0, 1);
        }
        let reads_memory =
            opc.is_call() && op.args.iter().skip(1).any(|&a| ctx.kind(a) == Kind::Ref);
        let key = (opc, args, op.descr);
        if let Some(&(r, epoch)) = self.seen.get(&key) {
            if !reads_memory || epoch == self.epoch {
                // same pure op, same operands => the earlier result
                return if opc.result() == Kind::Void {
                    Action::Remove
                } else {
                    Action::Replace(r)
                };
            }
        }
        self.seen.insert(key.clone(), (ctx.next_ref(), self.epoch));
        self.last = Some(key);
        Action::Emit
    }
}

#[cfg(test)]
mod tests {
    use crate::opt::check_opt;

    fn check(input: &str, expected: &str) {
        if let Err(e) = check_opt(input, "cse", expected) {
            panic!("{e}");
        }
    }

    #[test]
    fn pure_ops_and_commutative_operands() {
        check(
            "[i0, i1]\ni2 = int_add(i0, i1)\ni3 = int_add(i1, i0)\ni4 = int_sub(i0, i1)\ni5 = int_sub(i1, i0)\n\
             i6 = int_mul(i3, i4)\ni7 = int_mul(i2, i4)\nfinish(i6, i7, i5)\n",
            "[i0, i1]\ni2 = int_add(i0, i1)\ni4 = int_sub(i0, i1)\ni5 = int_sub(i1, i0)\n\
             i6 = int_mul(i2, i4)\nfinish(i6, i6, i5)\n",
        );
    }

    #[test]
    fn elidable_calls_with_refs_only_until_memory_changes() {
        check(
            "[i0, p1]\ni2 = call_pure_i(4096, i0, descr=call(i)->i \"f\")\ni3 = call_pure_i(4096, i0, descr=call(i)->i \"f\")\n\
             i4 = call_pure_i(8192, p1, descr=call(r)->i \"g\")\ni5 = call_pure_i(8192, p1, descr=call(r)->i \"g\")\n\
             store_i(p1, 0, i0, descr=i64)\ni7 = call_pure_i(8192, p1, descr=call(r)->i \"g\")\n\
             i8 = call_pure_i(4096, i0, descr=call(i)->i \"f\")\nfinish(i2, i3, i4, i5, i7, i8)\n",
            "[i0, p1]\ni2 = call_pure_i(4096, i0, descr=call(i)->i \"f\")\n\
             i4 = call_pure_i(8192, p1, descr=call(r)->i \"g\")\n\
             store_i(p1, 0, i0, descr=i64)\ni7 = call_pure_i(8192, p1, descr=call(r)->i \"g\")\n\
             finish(i2, i2, i4, i4, i7, i2)\n",
        );
    }

    #[test]
    fn guard_dedup_and_implication() {
        check(
            "[i0, p1, i2]\nguard_true(i2) [0@1: i0]\nguard_true(i2) [0@2: i0]\nguard_value(i0, 5) [0@3: i0]\n\
             guard_true(i0) [0@4: i0]\ni7 = int_add(i0, i2)\nguard_value(i0, 5) [0@5: i0]\n\
             guard_value(p1, ptr(0x10)) [0@6: i0]\nguard_nonnull(p1) [0@7: i0]\n\
             i11 = int_eq(i2, 3)\nguard_true(i11) [0@8: i0]\ni13 = int_mul(i2, 2)\nfinish(i7, i13)\n",
            "[i0, p1, i2]\nguard_true(i2) [0@1: i0]\nguard_value(i0, 5) [0@3: i0]\n\
             i7 = int_add(5, i2)\nguard_value(p1, ptr(0x10)) [0@6: i0]\n\
             i11 = int_eq(i2, 3)\nguard_true(i11) [0@8: i0]\ni13 = int_mul(3, 2)\nfinish(i7, i13)\n",
        );
    }

    #[test]
    fn nothing_crosses_a_label() {
        let t =
            "[i0]\ni1 = int_add(i0, 1)\nguard_value(i0, 3) [0@1: i0]\nlabel(i0, descr=target1)\n\
                 i4 = int_add(i0, 1)\nguard_value(i0, 3) [0@2: i0]\njump(i4, descr=target1)\n";
        check(t, t);
    }
}
