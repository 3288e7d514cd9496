//! `closedform`: a counting loop whose iterations all do the same thing is run as its last
//! iteration only (final-value replacement, what C compilers do with `while (*p) *p -= 1;`).
//!
//! It looks at the peeled loop [`super::unroll`] leaves (`label(...) body jump(...)`, the
//! trace's second label) and applies when all of these hold:
//!
//! * exactly one loop argument `x` changes from one iteration to the next, and the jump
//!   passes `x' = x + s` for it with `s` = 1 or -1 (`int_add`/`int_sub` by a constant); every
//!   other argument is passed back unchanged (it is loop-invariant);
//! * the body has exactly one guard `G`, and `G` fails exactly when `x' == K` for a constant
//!   `K` (`guard_true(x')`, `guard_true(int_ne(x', K))`, `guard_true(int_is_true(x'))`,
//!   `guard_false(int_eq(x', K))`, `guard_false(int_is_zero(x'))`);
//! * everything else in the body is a pure op that cannot trap (no call, no division, no
//!   overflow check) or a plain or indexed store whose address does not depend on `x`: no
//!   load, no call, no allocation, no other guard except `guard_not_interrupted` and
//!   `guard_not_invalidated` (they read a flag the loop cannot set: running fewer iterations
//!   only notices an interrupt a bounded time later, at the last iteration's check, in a
//!   state the loop really passes through). A store
//!   after `G` runs in every iteration but the last, so it must write a place that `G`'s
//!   snapshot stores on exit (a pending store of the tracer or of `vable`), which overwrites
//!   whatever the iteration before the last left there;
//! * [`super::intbounds`], run over the preamble, proves that `x` enters the loop on the far
//!   side of `K`: `x > K` when `s = -1`, `x < K` when `s = 1`.
//!
//! Then the loop runs exactly `|K - x|` iterations: `x` moves one step toward `K` per
//! iteration, cannot wrap before reaching it (it starts on the far side and `G` stops it at
//! `K`), and the loop leaves through `G` in the iteration that starts with `x = K - s`. An
//! iteration computes the same function of `x` and the invariants and stores to the same
//! places in the same order every time, and reads no memory, so what that last iteration
//! stores and what `G`'s snapshot sees is exactly what running the whole loop leaves behind.
//! The pass substitutes `K - s` for `x` in the body and folds what becomes constant: the
//! loop's first iteration is its last, and `G`, now on a constant that fails, is its exit
//! (its bridge, when it has one, runs as before).
//!
//! ```text
//! # brainfuck `[-]`, peeled (intbounds made `(c + 255) & 255` into `c - 1`; the preamble
//! # masked the cell i13 and its guard saw it non-zero: i13 is in [1, 255])
//! label(p0, i9, p10, i13, descr=target1)          label(p0, i9, p10, i13, descr=target1)
//! i20 = int_add(i13, -1)                           guard_true(0) [4294967295@0: i9, 0, 0, 0;
//! i21 = int_ne(i20, 0)                     =>                     0@153: p0, 0]
//! guard_true(i21) [4294967295@0: i9, 0, 0, i20;    store_i(p10, 0, 0, descr=u8)
//!                  0@153: p0, i21]                 jump(p0, i9, p10, 0, descr=target1)
//! store_i(p10, 0, i20, descr=u8)
//! jump(p0, i9, p10, i20, descr=target1)
//! ```
//!
//! Invariants: the preamble is copied unchanged; the body keeps its ops (minus the ones that
//! fold to constants) and its single guard, so every exit of the rewritten loop is an exit
//! the original loop took, with the same values.

use super::intbounds::{Bound, IntBounds};
use super::unroll::{copy_op, is_peeled, CopyMemo};
use super::{Action, Ctx, OptError, Pass, PendingOp};
use crate::ir::interp::eval_pure;
use crate::ir::{OpFlags, OpRef, Opcode, Trace, TraceBuilder, Value};
use crate::jit::recorded::PENDING_STORES;

/// The pass (a whole-trace rewrite of a peeled loop; other traces pass unchanged).
#[derive(Default)]
pub struct ClosedForm;

impl Pass for ClosedForm {
    fn name(&self) -> &'static str {
        "closedform"
    }
    fn feed(&mut self, _ctx: &mut Ctx<'_>, _op: &mut PendingOp) -> Action {
        Action::Emit
    }
    fn whole(&mut self, t: &Trace) -> Option<Result<(Trace, Vec<Option<OpRef>>), OptError>> {
        Some(Ok(run(t).unwrap_or_else(|| {
            let map = (0..t.len()).map(|i| Some(OpRef::op(i))).collect();
            (t.clone(), map)
        })))
    }
}

/// The loop's shape, when it qualifies (before the range check).
struct Counting {
    /// Position of the loop's label.
    label: usize,
    /// The changing loop argument (a preamble value).
    x: usize,
    /// Its step.
    step: i64,
    /// The value of `x'` at which the guard fails.
    exit: i64,
}

/// Where the trace's loop counts (see the module doc), else `None`.
fn shape(t: &Trace) -> Option<Counting> {
    if !is_peeled(t) {
        return None;
    }
    let end = t.len() - 1;
    let label = (0..end).rev().find(|&i| t.op(i).opcode == Opcode::Label)?;
    let (params, jargs) = (t.args(label), t.args(end));
    if params.len() != jargs.len() {
        return None;
    }
    let mut changing = (0..params.len()).filter(|&k| params[k] != jargs[k]);
    let k = changing.next()?;
    if changing.next().is_some() {
        return None;
    }
    let (x, xn) = (params[k], jargs[k]);
    let xpos = x.as_op()?;
    let xn_pos = xn.as_op().filter(|&q| q > label)?;
    let step = {
        let a = t.args(xn_pos);
        let c = (a.len() == 2 && a[0] == x)
            .then(|| t.const_value(a[1]).and_then(Value::as_int))
            .flatten()?;
        match t.op(xn_pos).opcode {
            Opcode::IntAdd => c,
            Opcode::IntSub => c.checked_neg()?,
            _ => return None,
        }
    };
    if step != 1 && step != -1 {
        return None;
    }
    // values of the body that depend on x
    let mut dep = vec![false; t.len()];
    dep[xpos] = true;
    let mut guard = None;
    // stores after the guard (they run in every iteration but the last)
    let mut after = Vec::new();
    for i in label + 1..end {
        let op = t.op(i);
        let opc = op.opcode;
        let flags = opc.flags();
        let args = t.args(i);
        let depends = |r: &OpRef| r.as_op().is_some_and(|q| dep[q]);
        if matches!(
            opc,
            Opcode::GuardNotInterrupted | Opcode::GuardNotInvalidated
        ) {
            // reads only a flag the loop does not write: fewer iterations only notice an
            // interrupt (or an invalidation from elsewhere) a bounded time later
        } else if flags.contains(OpFlags::GUARD) {
            if guard.is_some() || !matches!(opc, Opcode::GuardTrue | Opcode::GuardFalse) {
                return None;
            }
            guard = Some(i);
        } else if flags.contains(OpFlags::STORE) && !flags.contains(OpFlags::CALL) {
            // the address (all operands but the value) is the same in every iteration
            if args[..args.len() - 1].iter().any(depends) {
                return None;
            }
            if guard.is_some() {
                after.push(i);
            }
        } else if opc == Opcode::DebugMergePoint {
        } else if flags.contains(OpFlags::PURE)
            && !flags.contains(OpFlags::CALL)
            && !flags.contains(OpFlags::OVF)
            && !matches!(opc, Opcode::IntDiv | Opcode::IntMod)
        {
            if args.iter().any(depends) {
                dep[i] = true;
            }
        } else {
            return None; // a load, a call, an allocation, ...
        }
    }
    // the guard fails exactly when x' == K
    let g = guard?;
    if !after.iter().all(|&i| covered(t, g, i)) {
        return None;
    }
    let want = t.op(g).opcode == Opcode::GuardTrue;
    let cond = t.args(g)[0];
    let exit = if cond == xn {
        // guard_true(x'): fails when x' == 0
        want.then_some(0)?
    } else {
        let c = cond.as_op()?;
        let a = t.args(c);
        let konst = |r: OpRef| t.const_value(r).and_then(Value::as_int);
        match (t.op(c).opcode, want) {
            (Opcode::IntNe, true) | (Opcode::IntEq, false) => {
                if a[0] == xn {
                    konst(a[1])?
                } else if a[1] == xn {
                    konst(a[0])?
                } else {
                    return None;
                }
            }
            (Opcode::IntIsTrue, true) | (Opcode::IntIsZero, false) if a[0] == xn => 0,
            _ => return None,
        }
    };
    Some(Counting {
        label,
        x: xpos,
        step,
        exit,
    })
}

/// Whether plain store `i` writes a place that guard `g`'s snapshot stores on exit (a
/// pending store, `PENDING_STORES`, at the same address with the same size): whatever the
/// store wrote in the iteration before the last, the exit overwrites it.
fn covered(t: &Trace, g: usize, i: usize) -> bool {
    let op = t.op(i);
    if op.opcode.flags().contains(OpFlags::INDEXED) {
        return false;
    }
    let (Some(m), Some(s)) = (t.mem_descr(i), t.op(g).snapshot()) else {
        return false;
    };
    let args = t.args(i);
    let Some(off) = t.const_value(args[1]).and_then(Value::as_int) else {
        return false;
    };
    let Some(&f) = t.snapshot_frames(s).first() else {
        return false;
    };
    if t.frame(f).jitcode != PENDING_STORES || t.frame_regs(f).is_some() {
        return false;
    }
    // the store's base, as a pointer and as the integer address a pending store names
    let base = args[0];
    let same_base = |p: OpRef| {
        p == base
            || base
                .as_op()
                .is_some_and(|q| t.op(q).opcode == Opcode::CastIntToPtr && t.args(q)[0] == p)
            || p.as_op()
                .is_some_and(|q| t.op(q).opcode == Opcode::CastPtrToInt && t.args(q)[0] == base)
    };
    let code = super::vable::size_code(m) as i64;
    t.frame_values(f).chunks_exact(4).any(|e| {
        same_base(e[0])
            && t.const_value(e[1]).and_then(Value::as_int) == Some(off)
            && t.const_value(e[2])
                .and_then(Value::as_int)
                .map(|w| w & 0xff)
                == Some(code & 0xff)
    })
}

/// Runs `intbounds` over `t` up to position `label` and returns what it knows there about
/// the value at position `y`.
fn range_before(t: &Trace, label: usize, y: usize) -> Option<Bound> {
    struct Probe {
        inner: IntBounds,
        pos: usize,
        y: usize,
        label: usize,
        y_out: Option<OpRef>,
        range: Option<Bound>,
    }
    impl Pass for Probe {
        fn name(&self) -> &'static str {
            "closedform"
        }
        fn feed(&mut self, ctx: &mut Ctx<'_>, op: &mut PendingOp) -> Action {
            let pos = self.pos;
            self.pos += 1;
            if pos == self.label {
                if let Some(r) = self.y_out {
                    self.range = Some(self.inner.range_of(ctx, r));
                }
            }
            if pos >= self.label {
                return Action::Emit;
            }
            let a = self.inner.feed(ctx, op);
            if pos == self.y {
                self.y_out = match a {
                    Action::Emit => Some(ctx.next_ref()),
                    Action::Replace(r) => Some(r),
                    Action::Remove => None,
                };
            }
            a
        }
    }
    let mut probe = Probe {
        inner: IntBounds::default(),
        pos: t.num_inputs(),
        y,
        label,
        y_out: (y < t.num_inputs()).then_some(OpRef::op(y)),
        range: None,
    };
    super::run_pass_mapped(t, &mut probe).ok()?;
    probe.range
}

/// The rewritten trace and where each op went, or `None` when the loop does not qualify.
pub fn run(t: &Trace) -> Option<(Trace, Vec<Option<OpRef>>)> {
    let c = shape(t)?;
    let r = range_before(t, c.label, c.x)?;
    // x enters on the far side of K, so it reaches K without wrapping
    let far = if c.step < 0 {
        r.lo > c.exit
    } else {
        r.hi < c.exit
    };
    if !far {
        return None;
    }
    let last = c.exit.checked_sub(c.step)?;
    let mut b = TraceBuilder::new();
    let mut map = vec![OpRef::op(0); t.len()];
    let mut memo: CopyMemo = Default::default();
    for i in 0..=c.label {
        map[i] = copy_op(&mut b, t, i, &map, &mut memo);
    }
    // the body, with x the value it has in the last iteration
    map[c.x] = b.const_int(last);
    let mut memo: CopyMemo = Default::default();
    let end = t.len() - 1;
    for i in c.label + 1..=end {
        let op = t.op(i);
        let flags = op.opcode.flags();
        if flags.contains(OpFlags::PURE) && !flags.contains(OpFlags::CALL) {
            let bits: Option<Vec<u64>> = t
                .args(i)
                .iter()
                .map(|&a| {
                    let v = match t.const_value(a) {
                        Some(v) => Some(v),
                        None => b.trace().const_value(map[a.as_op()?]),
                    };
                    v.map(Value::to_bits)
                })
                .collect();
            // an op of constants => the constant
            let folded = bits
                .and_then(|bits| eval_pure(op.opcode, &bits))
                .and_then(|r| Value::from_bits(op.opcode.result(), r));
            if let Some(v) = folded {
                map[i] = b.constant(v);
                continue;
            }
        }
        map[i] = copy_op(&mut b, t, i, &map, &mut memo);
    }
    let out = b.build();
    // (the preamble's x keeps its own value: map it back for the caller)
    let mut where_ = map.into_iter().map(Some).collect::<Vec<_>>();
    where_[c.x] = Some(OpRef::op(c.x));
    Some((out, where_))
}

#[cfg(test)]
mod tests {
    use crate::opt::check_opt;

    #[test]
    fn a_loop_that_counts_up_to_its_exit_runs_its_last_iteration() {
        // x (i1) is below 9 when the loop starts (the preamble's guard) and counts up to 10;
        // each iteration stores x' * 2: the last iteration stores 20 and exits with x' = 10
        let input = "[p0, i1]
label(p0, i1, descr=target1)
i3 = int_lt(i1, 9)
guard_true(i3) [0@1: i1]
label(p0, i1, descr=target2)
i5 = int_add(i1, 1)
i6 = int_mul(i5, 2)
store_i(p0, 0, i6, descr=i64)
i8 = int_ne(i5, 10)
guard_true(i8) [0@2: i5]
jump(p0, i5, descr=target2)
";
        let expected = "[p0, i1]
label(p0, i1, descr=target1)
i3 = int_lt(i1, 9)
guard_true(i3) [0@1: i1]
label(p0, i1, descr=target2)
store_i(p0, 0, 20, descr=i64)
guard_true(0) [0@2: 10]
jump(p0, 10, descr=target2)
";
        check_opt(input, "closedform", expected).unwrap();
        // without the preamble's guard x may start above 10 (then it wraps around): kept
        let unguarded = input.replace("guard_true(i3) [0@1: i1]\n", "");
        check_opt(&unguarded, "closedform", &unguarded).unwrap();
        // an interrupt check stays, on the last iteration's state
        let interrupt = |t: &str, x: &str| {
            t.replace(
                "store_i(p0, 0,",
                &format!("guard_not_interrupted() [0@3: {x}]\nstore_i(p0, 0,"),
            )
        };
        check_opt(
            &interrupt(input, "i1"),
            "closedform",
            &interrupt(expected, "9"),
        )
        .unwrap();
        // a second exit keeps the loop
        let two = input.replace(
            "i5 = int_add(i1, 1)\n",
            "i20 = int_ne(i1, 5)\nguard_true(i20) [0@3: i1]\ni5 = int_add(i1, 1)\n",
        );
        check_opt(&two, "closedform", &two).unwrap();
        // a load in the loop keeps it
        let load = input.replace("i6 = int_mul(i5, 2)", "i6 = load_i(p0, 8, descr=i64)");
        check_opt(&load, "closedform", &load).unwrap();
    }

    #[test]
    fn a_store_after_the_exit_guard_needs_a_pending_store_of_its_place() {
        // brainfuck's `[-]` after intbounds: the cell is stored after the guard, whose
        // snapshot stores it on exit; without that pending store the loop is kept
        let input = "[p0, p1, i2]
label(p0, p1, i2, descr=target1)
i4 = load_i(p1, 0, descr=u8)
i5 = int_ne(i4, 0)
guard_true(i5) [0@1: p0]
label(p0, p1, i4, descr=target2)
i8 = int_add(i4, -1)
i9 = int_ne(i8, 0)
guard_true(i9) [4294967295@0: p1, 0, 0, i8; 0@2: p0, i9]
store_i(p1, 0, i8, descr=u8)
jump(p0, p1, i8, descr=target2)
";
        let expected = "[p0, p1, i2]
label(p0, p1, i2, descr=target1)
i4 = load_i(p1, 0, descr=u8)
i5 = int_ne(i4, 0)
guard_true(i5) [0@1: p0]
label(p0, p1, i4, descr=target2)
guard_true(0) [4294967295@0: p1, 0, 0, 0; 0@2: p0, 0]
store_i(p1, 0, 0, descr=u8)
jump(p0, p1, 0, descr=target2)
";
        check_opt(input, "closedform", expected).unwrap();
        let uncovered = input.replace("[4294967295@0: p1, 0, 0, i8; 0@2: p0, i9]", "[0@2: p0, i9]");
        check_opt(&uncovered, "closedform", &uncovered).unwrap();
    }
}
