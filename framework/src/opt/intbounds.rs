//! `intbounds`: integer range analysis. Removes overflow checks, bounds checks, comparisons
//! and guards that known ranges decide.
//!
//! Every int value has a signed range `[lo, hi]` (unknown values `[i64::MIN, i64::MAX]`).
//! Ranges come from constants, from the op that computes a value (loads of narrow types,
//! comparisons, `int_and` with a mask, `int_mod` by a constant, additions whose range cannot
//! wrap, ...) and from guards: after `guard_true(int_lt(i, n))` the pass knows `i < n`, narrows
//! both ranges, narrows backwards through `int_add`/`int_sub` (`i = j + 1` with `i >= 0`
//! gives `j >= -1`), and remembers the comparison itself as a fact, so a later `int_lt(i, n)`,
//! `int_ge(i, n)` or (both sides non-negative) `uint_lt(i, n)` is decided even when `n` is
//! unknown. Ranges of values derived by `int_add`/`int_sub` are recomputed from their
//! operands' current ranges when asked, so a guard on `i` later narrows `i + 1` as well.
//!
//! Invariants kept:
//! * A range is a fact that holds at every later point of the trace: it comes from the
//!   value's definition or from a guard that passed earlier (the trace is linear, so every
//!   earlier guard is on the path). A removed guard is implied by such facts.
//! * Facts never cross a `label`: values before it are not visible after it, and the label's
//!   arguments take new values on every iteration. The pass forgets everything there.
//! * A guard that always fails is kept as it is (it is the trace's way out).
//! * Ops that would trap (`int_div` by zero) are never folded; guards are never added.
//!
//! ```text
//! i2 = uint_lt(i1, 50000)
//! guard_true(i2) [...]           # i1 in [0, 49999]
//! i3 = int_add(i1, 8)            # i3 in [8, 50007]
//! i4 = uint_gt(i3, 50000)
//! guard_false(i4) [...]          # i3 in [8, 50000], so i1 in [0, 49992]
//! i5 = int_add(i1, 6)            # i5 in [6, 49998]
//! i6 = uint_lt(i5, 50000)        =>  1
//! guard_true(i6) [...]           =>  (removed)
//! i7 = int_add_ovf(i1, 1)        =>  i7 = int_add(i1, 1)
//! guard_no_overflow() [...]      =>  (removed)
//! i8 = int_and(i7, 255)          # in [0, 255]
//! i9 = int_eq(i8, 0)
//! guard_false(i9) [...]          =>  guard_true(i8) [...]
//! ```
//!
//! The last rewrite (a guard through negations and tests against zero) needs the old
//! condition to be dead: a snapshot that lists it would keep it computed (and the backend
//! fuses a compare with its guard only when the guard is its one use). When the guard's own
//! snapshot lists it (the interpreter resumes on the branch that reads it), the frames that
//! list it are copied for that guard with the value the condition has when the guard fails
//! (0 for `guard_true`, 1 for `guard_false` of a boolean), unless the JIT parameters force
//! guards to fail (then a failure says nothing about the condition). The pass reasons with
//! the normalised condition either way.
//!
//! Unsigned checks of constants against one unknown value (a length loaded from memory,
//! compared with the constant indexes of an interpreter's register slots) need only the
//! largest: after `guard_true(uint_lt(19, i0))` the pass knows `i0 >=u 20` whatever its sign,
//! and `uint_lt(3, i0)` is 1.

use super::{Action, Ctx, FxMap, FxSet, Pass, PendingOp};
use crate::ir::interp::eval_pure;
use crate::ir::{Kind, MemType, OpFlags, OpRef, Opcode, Value};
use std::cell::RefCell;

/// How many producer levels a range query or a backward narrowing looks through.
const DEPTH: u32 = 4;

/// A signed range `[lo, hi]`, never empty.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub struct Bound {
    /// Smallest possible value.
    pub lo: i64,
    /// Largest possible value.
    pub hi: i64,
}

impl Bound {
    /// Every value.
    pub const FULL: Bound = Bound {
        lo: i64::MIN,
        hi: i64::MAX,
    };
    /// A boolean (0 or 1).
    pub const BOOL: Bound = Bound { lo: 0, hi: 1 };

    /// Exactly `c`.
    pub fn exact(c: i64) -> Bound {
        Bound { lo: c, hi: c }
    }

    /// `[lo, hi]`, or `None` when empty.
    pub fn new(lo: i64, hi: i64) -> Option<Bound> {
        (lo <= hi).then_some(Bound { lo, hi })
    }

    /// The value, when the range holds only one.
    pub fn constant(self) -> Option<i64> {
        (self.lo == self.hi).then_some(self.lo)
    }

    /// Whether `v` is in the range.
    pub fn contains(self, v: i64) -> bool {
        self.lo <= v && v <= self.hi
    }

    /// Whether every value is `>= 0`.
    pub fn nonneg(self) -> bool {
        self.lo >= 0
    }

    /// Intersection (`None` when empty: the code after the fact is unreachable).
    pub fn meet(self, o: Bound) -> Option<Bound> {
        Bound::new(self.lo.max(o.lo), self.hi.min(o.hi))
    }

    /// `self + o` if no sum in the ranges wraps.
    fn add(self, o: Bound) -> Option<Bound> {
        Bound::new(self.lo.checked_add(o.lo)?, self.hi.checked_add(o.hi)?)
    }

    /// `self - o` if no difference in the ranges wraps.
    fn sub(self, o: Bound) -> Option<Bound> {
        Bound::new(self.lo.checked_sub(o.hi)?, self.hi.checked_sub(o.lo)?)
    }

    /// `self * o` if no product in the ranges wraps.
    fn mul(self, o: Bound) -> Option<Bound> {
        let p = [
            self.lo.checked_mul(o.lo)?,
            self.lo.checked_mul(o.hi)?,
            self.hi.checked_mul(o.lo)?,
            self.hi.checked_mul(o.hi)?,
        ];
        Bound::new(*p.iter().min()?, *p.iter().max()?)
    }

    /// The range of the mathematically exact result of `self op o` clamped to i64 (the
    /// range of an `*_ovf` result once its `guard_no_overflow` passed).
    fn saturating(self, opc: Opcode, o: Bound) -> Bound {
        match opc {
            Opcode::IntAddOvf => Bound {
                lo: self.lo.saturating_add(o.lo),
                hi: self.hi.saturating_add(o.hi),
            },
            Opcode::IntSubOvf => Bound {
                lo: self.lo.saturating_sub(o.hi),
                hi: self.hi.saturating_sub(o.lo),
            },
            _ => {
                let p = [
                    self.lo.saturating_mul(o.lo),
                    self.lo.saturating_mul(o.hi),
                    self.hi.saturating_mul(o.lo),
                    self.hi.saturating_mul(o.hi),
                ];
                Bound {
                    lo: p.into_iter().min().unwrap_or(i64::MIN),
                    hi: p.into_iter().max().unwrap_or(i64::MAX),
                }
            }
        }
    }
}

/// The range of a value loaded with memory type `ty`.
fn load_bound(ty: MemType) -> Bound {
    match ty {
        MemType::Int { size, signed } if size < 8 => {
            let bits = 8 * size as u32;
            if signed {
                Bound {
                    lo: -(1i64 << (bits - 1)),
                    hi: (1i64 << (bits - 1)) - 1,
                }
            } else {
                Bound {
                    lo: 0,
                    hi: (1i64 << bits) - 1,
                }
            }
        }
        _ => Bound::FULL,
    }
}

/// `2^k - 1 >= v` for the smallest such k (all bits up to v's highest set).
fn fill_bits(v: i64) -> i64 {
    if v <= 0 {
        0
    } else {
        (u64::MAX >> v.leading_zeros()) as i64
    }
}

/// The comparison that holds exactly when `opc` does not.
fn negate(opc: Opcode) -> Option<Opcode> {
    use Opcode::*;
    Some(match opc {
        IntLt => IntGe,
        IntGe => IntLt,
        IntLe => IntGt,
        IntGt => IntLe,
        IntEq => IntNe,
        IntNe => IntEq,
        UintLt => UintGe,
        UintGe => UintLt,
        UintLe => UintGt,
        UintGt => UintLe,
        _ => return None,
    })
}

/// `a opc b` == `b swap(opc) a`.
fn swap(opc: Opcode) -> Opcode {
    use Opcode::*;
    match opc {
        IntLt => IntGt,
        IntGt => IntLt,
        IntLe => IntGe,
        IntGe => IntLe,
        UintLt => UintGt,
        UintGt => UintLt,
        UintLe => UintGe,
        UintGe => UintLe,
        other => other,
    }
}

/// The signed comparison with the same meaning as an unsigned one on two values of the same
/// sign.
fn signed_of(opc: Opcode) -> Opcode {
    use Opcode::*;
    match opc {
        UintLt => IntLt,
        UintLe => IntLe,
        UintGt => IntGt,
        UintGe => IntGe,
        other => other,
    }
}

fn is_int_cmp(opc: Opcode) -> bool {
    negate(opc).is_some()
}

/// Where an `*_ovf` op left the pass for its guard.
#[derive(Copy, Clone)]
enum Ovf {
    /// The ranges showed it cannot overflow: it became a plain op; the guard is decided.
    Removed,
    /// Kept: once `guard_no_overflow` passes, `result` lies in `exact`.
    Kept { result: OpRef, exact: Bound },
}

/// The pass.
#[derive(Default)]
pub struct IntBounds {
    /// Ranges narrowed by guards (and the ranges of `*_ovf` results after their guard).
    bounds: FxMap<OpRef, Bound>,
    /// Comparisons `(opc, a, b)` known to hold (from guards), in both orientations.
    facts: FxSet<(Opcode, OpRef, OpRef)>,
    /// Values a guard found non-zero whose range cannot say so (it holds values of both
    /// signs, e.g. an address or a tagged word): `guard_false(int_eq(w, 0))` then decides a
    /// later `w != 0` test (a null check followed by a tag test that checks non-null again).
    nonzero: FxSet<OpRef>,
    /// State between an `*_ovf` op and its guard.
    ovf: Option<Ovf>,
    /// Memo of [`IntBounds::bound`]: `(value, depth)` -> range. Cleared whenever `bounds`
    /// changes (a narrowing can change the derived range of any later value).
    memo: RefCell<FxMap<(OpRef, u32), Bound>>,
    /// Unsigned lower bounds from guards: after `guard_true(uint_lt(c, x))` with a constant
    /// `c`, `x >=u c + 1` whatever the sign of `x` (which a signed range cannot say). A
    /// length read from memory and checked against several constant indexes (an
    /// interpreter's register or stack slots) then needs only the check of the largest.
    ulo: FxMap<OpRef, u64>,
}

impl IntBounds {
    /// The range of `r` as the pass knows it at the op being fed (for `closedform`, which
    /// asks it about a preamble value just before the loop's label).
    pub(crate) fn range_of(&self, ctx: &Ctx<'_>, r: OpRef) -> Bound {
        self.bound(ctx, r, DEPTH)
    }

    /// The current range of `r` (`depth` limits how far derivation recurses).
    fn bound(&self, ctx: &Ctx<'_>, r: OpRef, depth: u32) -> Bound {
        if let Some(v) = ctx.const_value(r) {
            return match v {
                Value::Int(c) => Bound::exact(c),
                _ => Bound::FULL,
            };
        }
        if ctx.kind(r) != Kind::Int {
            return Bound::FULL;
        }
        if let Some(&b) = self.memo.borrow().get(&(r, depth)) {
            return b;
        }
        let b = self.compute_bound(ctx, r, depth);
        self.memo.borrow_mut().insert((r, depth), b);
        b
    }

    /// [`IntBounds::bound`] without the memo.
    fn compute_bound(&self, ctx: &Ctx<'_>, r: OpRef, depth: u32) -> Bound {
        let stored = self.bounds.get(&r).copied().unwrap_or(Bound::FULL);
        let Some(opc) = ctx.producer(r) else {
            return stored;
        };
        let args = ctx.producer_args(r).to_vec();
        let derived = if depth > 0 {
            self.derive(
                ctx,
                opc,
                &args,
                ctx.producer_mem_descr(r).map(|m| m.ty),
                depth - 1,
            )
        } else {
            Bound::FULL
        };
        stored.meet(derived).unwrap_or(stored)
    }

    /// The range of `opc(args)` from the operands' ranges.
    fn derive(
        &self,
        ctx: &Ctx<'_>,
        opc: Opcode,
        args: &[OpRef],
        mem: Option<MemType>,
        depth: u32,
    ) -> Bound {
        use Opcode::*;
        let b = |i: usize| self.bound(ctx, args[i], depth);
        let konst = |i: usize| ctx.const_int(args[i]);
        let r = match opc {
            LoadI | LoadIdxI => mem.map(load_bound),
            _ if is_int_cmp(opc) => Some(Bound::BOOL),
            IntIsZero | IntIsTrue | FloatLt | FloatLe | FloatGt | FloatGe | FloatEq | FloatNe
            | PtrEq | PtrNe => Some(Bound::BOOL),
            SameAsI => Some(b(0)),
            IntAdd => b(0).add(b(1)),
            IntSub => b(0).sub(b(1)),
            IntMul => b(0).mul(b(1)),
            IntNeg => {
                let x = b(0);
                (x.lo != i64::MIN).then(|| Bound {
                    lo: -x.hi,
                    hi: -x.lo,
                })
            }
            IntInvert => {
                let x = b(0);
                Some(Bound {
                    lo: !x.hi,
                    hi: !x.lo,
                })
            }
            IntAnd => {
                let (x, y) = (b(0), b(1));
                match (x.nonneg(), y.nonneg()) {
                    (true, true) => Bound::new(0, x.hi.min(y.hi)),
                    (true, false) => Bound::new(0, x.hi),
                    (false, true) => Bound::new(0, y.hi),
                    _ => None,
                }
            }
            IntOr | IntXor => {
                let (x, y) = (b(0), b(1));
                (x.nonneg() && y.nonneg()).then(|| Bound {
                    lo: 0,
                    hi: fill_bits(x.hi.max(y.hi)),
                })
            }
            IntLshift => konst(1).and_then(|k| {
                let k = (k & 63) as u32;
                let f = Bound::exact(1i64.checked_shl(k).filter(|&m| m > 0)?);
                b(0).mul(f)
            }),
            IntRshift => konst(1).map(|k| {
                let x = b(0);
                Bound {
                    lo: x.lo >> (k & 63),
                    hi: x.hi >> (k & 63),
                }
            }),
            UintRshift => konst(1).and_then(|k| {
                let (k, x) = (k & 63, b(0));
                if x.nonneg() {
                    Some(Bound {
                        lo: x.lo >> k,
                        hi: x.hi >> k,
                    })
                } else if k > 0 {
                    Some(Bound {
                        lo: 0,
                        hi: (u64::MAX >> k) as i64,
                    })
                } else {
                    None
                }
            }),
            IntMod => konst(1).filter(|&c| c != 0 && c != i64::MIN).map(|c| {
                let (m, x) = (c.abs() - 1, b(0));
                if x.nonneg() {
                    Bound {
                        lo: 0,
                        hi: m.min(x.hi),
                    }
                } else {
                    Bound { lo: -m, hi: m }
                }
            }),
            IntDiv => konst(1).filter(|&c| c > 0).map(|c| {
                let x = b(0);
                Bound {
                    lo: x.lo / c,
                    hi: x.hi / c,
                }
            }),
            _ => None,
        };
        r.unwrap_or(Bound::FULL)
    }

    /// Whether an unsigned comparison between a constant and a value is decided by the
    /// value's unsigned lower bound ([`IntBounds::ulo`]).
    fn decide_ulo(&self, ctx: &Ctx<'_>, opc: Opcode, a: OpRef, b: OpRef) -> Option<bool> {
        use Opcode::*;
        // (c, x, strict, holds): the comparison says `c <u x` (strict) or `c <=u x`, or
        // (holds = false) its negation
        let (c, x, strict, holds) = match (opc, ctx.const_int(a), ctx.const_int(b)) {
            (UintLt, Some(c), None) => (c, b, true, true),
            (UintLe, Some(c), None) => (c, b, false, true),
            (UintGt, None, Some(c)) => (c, a, true, true),
            (UintGe, None, Some(c)) => (c, a, false, true),
            // c >=u x  <=>  !(c <u x) ; c >u x  <=>  !(c <=u x)
            (UintGe, Some(c), None) => (c, b, true, false),
            (UintGt, Some(c), None) => (c, b, false, false),
            // x <=u c  <=>  !(c <u x) ; x <u c  <=>  !(c <=u x)
            (UintLe, None, Some(c)) => (c, a, true, false),
            (UintLt, None, Some(c)) => (c, a, false, false),
            _ => return None,
        };
        let lo = *self.ulo.get(&x)?;
        let c = c as u64;
        // x >=u lo, so c <u x when c < lo, and c <=u x when c <= lo
        let known = if strict { c < lo } else { c <= lo };
        known.then_some(holds)
    }

    /// Whether `a opc b` is decided by the ranges or the known facts.
    fn decide(&self, ctx: &Ctx<'_>, opc: Opcode, a: OpRef, b: OpRef) -> Option<bool> {
        use Opcode::*;
        if self.facts.contains(&(opc, a, b)) {
            return Some(true);
        }
        if negate(opc).is_some_and(|n| self.facts.contains(&(n, a, b))) {
            return Some(false);
        }
        if let Some(v) = self.decide_ulo(ctx, opc, a, b) {
            return Some(v);
        }
        let (x, y) = (self.bound(ctx, a, DEPTH), self.bound(ctx, b, DEPTH));
        let same_sign = (x.nonneg() && y.nonneg()) || (x.hi < 0 && y.hi < 0);
        let opc = match opc {
            UintLt | UintLe | UintGt | UintGe if same_sign => {
                // unsigned order equals signed order on values of one sign
                let s = signed_of(opc);
                if self.facts.contains(&(s, a, b)) {
                    return Some(true);
                }
                if negate(s).is_some_and(|n| self.facts.contains(&(n, a, b))) {
                    return Some(false);
                }
                s
            }
            UintLt | UintLe | UintGt | UintGe => {
                // a >= 0 > b: b is the larger one as an unsigned number
                let a_smaller = if x.nonneg() && y.hi < 0 {
                    true
                } else if x.hi < 0 && y.nonneg() {
                    false
                } else {
                    return None;
                };
                return Some(matches!(opc, UintLt | UintLe) == a_smaller);
            }
            o => o,
        };
        match opc {
            IntLt if x.hi < y.lo => Some(true),
            IntLt if x.lo >= y.hi => Some(false),
            IntLe if x.hi <= y.lo => Some(true),
            IntLe if x.lo > y.hi => Some(false),
            IntGt if x.lo > y.hi => Some(true),
            IntGt if x.hi <= y.lo => Some(false),
            IntGe if x.lo >= y.hi => Some(true),
            IntGe if x.hi < y.lo => Some(false),
            IntEq | IntNe => {
                let eq = match (x.constant(), y.constant()) {
                    (Some(p), Some(q)) if p == q => Some(true),
                    _ if x.meet(y).is_none() => Some(false),
                    // a value known non-zero compared with 0
                    (_, Some(0)) if self.nonzero.contains(&a) => Some(false),
                    (Some(0), _) if self.nonzero.contains(&b) => Some(false),
                    _ => None,
                };
                eq.map(|e| e == (opc == IntEq))
            }
            _ => None,
        }
    }

    /// Record that `r` lies in `nb`; narrow the operands of `int_add`/`int_sub`/`same_as_i`
    /// producers backwards (exact when the interval arithmetic does not wrap).
    fn narrow(&mut self, ctx: &Ctx<'_>, r: OpRef, nb: Bound, depth: u32) {
        if r.is_const() || ctx.kind(r) != Kind::Int {
            return;
        }
        let cur = self.bound(ctx, r, DEPTH);
        let Some(new) = cur.meet(nb) else {
            return; // contradiction: the guard always fails; learn nothing
        };
        if new == cur {
            return;
        }
        self.bounds.insert(r, new);
        self.memo.borrow_mut().clear();
        if depth == 0 {
            return;
        }
        let Some(opc) = ctx.producer(r) else {
            return;
        };
        let args = ctx.producer_args(r).to_vec();
        match opc {
            // r = x + y  =>  x = r - y, y = r - x
            Opcode::IntAdd => {
                let (x, y) = (args[0], args[1]);
                if let Some(bx) = new.sub(self.bound(ctx, y, DEPTH)) {
                    self.narrow(ctx, x, bx, depth - 1);
                }
                if let Some(by) = new.sub(self.bound(ctx, x, DEPTH)) {
                    self.narrow(ctx, y, by, depth - 1);
                }
            }
            // r = x - y  =>  x = r + y, y = x - r
            Opcode::IntSub => {
                let (x, y) = (args[0], args[1]);
                if let Some(bx) = new.add(self.bound(ctx, y, DEPTH)) {
                    self.narrow(ctx, x, bx, depth - 1);
                }
                if let Some(by) = self.bound(ctx, x, DEPTH).sub(new) {
                    self.narrow(ctx, y, by, depth - 1);
                }
            }
            // r = same_as(x)  =>  x = r
            Opcode::SameAsI => self.narrow(ctx, args[0], new, depth - 1),
            _ => {}
        }
    }

    /// Learn from a passed guard that `a opc b` holds.
    fn learn_cmp(&mut self, ctx: &Ctx<'_>, opc: Opcode, a: OpRef, b: OpRef) {
        use Opcode::*;
        let add = |s: &mut Self, o: Opcode, p: OpRef, q: OpRef| {
            s.facts.insert((o, p, q));
            s.facts.insert((swap(o), q, p));
        };
        add(self, opc, a, b);
        match opc {
            // a > b  <=>  b < a (and likewise for the others): handled in the `Lt`/`Le` arms
            IntGt | IntGe | UintGt | UintGe => self.learn_cmp_oriented(ctx, swap(opc), b, a),
            _ => self.learn_cmp_oriented(ctx, opc, a, b),
        }
        // both non-negative: the unsigned and the signed comparison agree
        let (x2, y2) = (self.bound(ctx, a, DEPTH), self.bound(ctx, b, DEPTH));
        if matches!(opc, UintLt | UintLe | UintGt | UintGe) && x2.nonneg() && y2.nonneg() {
            add(self, signed_of(opc), a, b);
        }
    }

    /// `a opc b` holds with `opc` one of `<`, `<=`, `==`, `!=` (signed or unsigned).
    fn learn_cmp_oriented(&mut self, ctx: &Ctx<'_>, opc: Opcode, a: OpRef, b: OpRef) {
        use Opcode::*;
        // c <u x  =>  x >=u c + 1 ; c <=u x  =>  x >=u c (whatever the sign of x)
        if let (UintLt | UintLe, Some(c), None) = (opc, ctx.const_int(a), ctx.const_int(b)) {
            let c = c as u64;
            let lo = if opc == UintLt {
                c.saturating_add(1)
            } else {
                c
            };
            let e = self.ulo.entry(b).or_insert(0);
            *e = (*e).max(lo);
        }
        let (x, y) = (self.bound(ctx, a, DEPTH), self.bound(ctx, b, DEPTH));
        let facts = |s: &mut Self, list: &[Opcode]| {
            for &o in list {
                s.facts.insert((o, a, b));
                s.facts.insert((swap(o), b, a));
            }
        };
        match opc {
            // a < b  =>  a <= b.hi - 1, b >= a.lo + 1; also a <= b, a != b
            IntLt => {
                facts(self, &[IntLe, IntNe]);
                if let Some(h) = y.hi.checked_sub(1) {
                    self.narrow(
                        ctx,
                        a,
                        Bound {
                            lo: i64::MIN,
                            hi: h,
                        },
                        DEPTH,
                    );
                }
                if let Some(l) = x.lo.checked_add(1) {
                    self.narrow(
                        ctx,
                        b,
                        Bound {
                            lo: l,
                            hi: i64::MAX,
                        },
                        DEPTH,
                    );
                }
            }
            // a <= b  =>  a <= b.hi, b >= a.lo
            IntLe => {
                self.narrow(
                    ctx,
                    a,
                    Bound {
                        lo: i64::MIN,
                        hi: y.hi,
                    },
                    DEPTH,
                );
                self.narrow(
                    ctx,
                    b,
                    Bound {
                        lo: x.lo,
                        hi: i64::MAX,
                    },
                    DEPTH,
                );
            }
            // a == b  =>  both in the intersection
            IntEq => {
                if let Some(m) = x.meet(y) {
                    self.narrow(ctx, a, m, DEPTH);
                    self.narrow(ctx, b, m, DEPTH);
                }
            }
            // a != c  =>  a's range loses c at either end
            IntNe => {
                for (p, q) in [(a, y), (b, x)] {
                    if let Some(c) = q.constant() {
                        let pb = self.bound(ctx, p, DEPTH);
                        if pb.lo == c && c < i64::MAX {
                            self.narrow(
                                ctx,
                                p,
                                Bound {
                                    lo: c + 1,
                                    hi: pb.hi,
                                },
                                DEPTH,
                            );
                        } else if pb.hi == c && c > i64::MIN {
                            self.narrow(
                                ctx,
                                p,
                                Bound {
                                    lo: pb.lo,
                                    hi: c - 1,
                                },
                                DEPTH,
                            );
                        }
                    }
                }
            }
            // a <u b with b >= 0  =>  0 <= a <= b.hi - 1 (then also a < b signed)
            UintLt if y.nonneg() => {
                if let Some(h) = y.hi.checked_sub(1) {
                    self.narrow(ctx, a, Bound { lo: 0, hi: h }, DEPTH);
                }
                self.learn_cmp_oriented(ctx, IntLt, a, b);
                facts(self, &[IntLt, UintLe, IntNe]);
            }
            // a <=u b with b >= 0  =>  0 <= a <= b.hi (then also a <= b signed)
            UintLe if y.nonneg() => {
                self.narrow(ctx, a, Bound { lo: 0, hi: y.hi }, DEPTH);
                self.learn_cmp_oriented(ctx, IntLe, a, b);
                facts(self, &[IntLe]);
            }
            _ => {}
        }
    }

    /// Whether `x` is known not to be 0 (by its range, or by a guard's fact).
    fn known_nonzero(&self, ctx: &Ctx<'_>, x: OpRef) -> bool {
        !self.bound(ctx, x, DEPTH).contains(0) || self.nonzero.contains(&x)
    }

    /// A guard on `x` passed with `x != 0` (`nonzero`) or `x == 0`.
    fn learn_truth(&mut self, ctx: &Ctx<'_>, x: OpRef, nonzero: bool) {
        let b = self.bound(ctx, x, DEPTH);
        if nonzero {
            let nb = if b.lo == 0 {
                Bound { lo: 1, hi: b.hi }
            } else if b.hi == 0 {
                Bound { lo: b.lo, hi: -1 }
            } else {
                b
            };
            if nb.lo <= nb.hi {
                self.narrow(ctx, x, nb, DEPTH);
            }
            if nb.contains(0) && !x.is_const() {
                // the range cannot exclude 0 from its middle: remember the fact itself
                self.nonzero.insert(x);
            }
        } else {
            self.narrow(ctx, x, Bound::exact(0), DEPTH);
        }
        let Some(opc) = ctx.producer(x) else {
            return;
        };
        let args = ctx.producer_args(x).to_vec();
        if is_int_cmp(opc) {
            let o = if nonzero { Some(opc) } else { negate(opc) };
            if let Some(o) = o {
                self.learn_cmp(ctx, o, args[0], args[1]);
            }
        }
    }

    /// `guard_true(x)`/`guard_false(x)` through boolean negations and tests against zero:
    /// returns the value actually tested and whether the guard wants it non-zero.
    fn normalize_guard(&self, ctx: &mut Ctx<'_>, mut x: OpRef, mut want: bool) -> (OpRef, bool) {
        for _ in 0..8 {
            let Some(opc) = ctx.producer(x) else { break };
            let args = ctx.producer_args(x).to_vec();
            let zero = |r: OpRef| ctx.const_int(r) == Some(0);
            let one = |r: OpRef| ctx.const_int(r) == Some(1);
            let is_bool = |r: OpRef| {
                let b = self.bound(ctx, r, DEPTH);
                b.lo >= 0 && b.hi <= 1
            };
            let (next, flip) = match opc {
                // guard(int_eq(y, 0)) => guard(!y) ; guard(int_is_zero(y)) => guard(!y)
                Opcode::IntEq if zero(args[1]) => (args[0], true),
                Opcode::IntEq if zero(args[0]) => (args[1], true),
                Opcode::IntIsZero => (args[0], true),
                // guard(int_ne(y, 0)) => guard(y) ; guard(int_is_true(y)) => guard(y)
                Opcode::IntNe if zero(args[1]) => (args[0], false),
                Opcode::IntNe if zero(args[0]) => (args[1], false),
                Opcode::IntIsTrue => (args[0], false),
                // guard(b ^ 1) => guard(!b) for a boolean b
                Opcode::IntXor if one(args[1]) && is_bool(args[0]) => (args[0], true),
                // guard(!b & 1) => guard(!b) for a boolean b
                Opcode::IntAnd if one(args[1]) || one(args[0]) => {
                    let other = if one(args[1]) { args[0] } else { args[1] };
                    match ctx.producer(other) {
                        Some(Opcode::IntInvert) => {
                            let b = ctx.producer_args(other)[0];
                            if is_bool(b) {
                                (b, true)
                            } else {
                                break;
                            }
                        }
                        // guard(b & 1) => guard(b) for a boolean b
                        _ if is_bool(other) => (other, false),
                        _ => break,
                    }
                }
                _ => break,
            };
            x = next;
            want ^= flip;
        }
        (x, want)
    }
}

/// Whether the JIT parameters make guards fail whatever their condition (`fail_guards`,
/// `fail_guard`, `fail_guards_random`): then a guard's failure says nothing about its value.
fn guards_forced_to_fail() -> bool {
    crate::jit::params::with_params(|p| p.forced_failures() != crate::backend::ForcedFailures::None)
}

impl Pass for IntBounds {
    fn name(&self) -> &'static str {
        "intbounds"
    }

    fn chainable(&self) -> bool {
        true
    }

    fn retract(&mut self, r: OpRef, now: Option<OpRef>) {
        if let Some(Ovf::Kept { result, .. }) = &mut self.ovf {
            if *result == r {
                match now {
                    Some(v) => *result = v,
                    None => self.ovf = None,
                }
            }
        }
        self.memo.borrow_mut().clear();
    }

    fn feed(&mut self, ctx: &mut Ctx<'_>, op: &mut PendingOp) -> Action {
        use Opcode::*;
        let opc = op.opcode;
        let ovf = self.ovf.take();
        match opc {
            Label => {
                self.bounds.clear();
                self.memo.borrow_mut().clear();
                self.facts.clear();
                self.nonzero.clear();
                self.ulo.clear();
                return Action::Emit;
            }
            IntAddOvf | IntSubOvf | IntMulOvf => {
                let (x, y) = (
                    self.bound(ctx, op.args[0], DEPTH),
                    self.bound(ctx, op.args[1], DEPTH),
                );
                let plain = match opc {
                    IntAddOvf => x.add(y).map(|_| IntAdd),
                    IntSubOvf => x.sub(y).map(|_| IntSub),
                    _ => x.mul(y).map(|_| IntMul),
                };
                return match plain {
                    // x +ovf y => x + y when the ranges cannot overflow
                    Some(p) => {
                        self.ovf = Some(Ovf::Removed);
                        op.opcode = p;
                        Action::Emit
                    }
                    None => {
                        self.ovf = Some(Ovf::Kept {
                            result: ctx.next_ref(),
                            exact: x.saturating(opc, y),
                        });
                        Action::Emit
                    }
                };
            }
            GuardNoOverflow | GuardOverflow => {
                return match (ovf, opc) {
                    // guard_no_overflow after an op that cannot overflow => removed
                    (Some(Ovf::Removed), GuardNoOverflow) => Action::Remove,
                    // guard_overflow after an op that cannot overflow => always fails
                    (Some(Ovf::Removed), _) => {
                        op.opcode = GuardTrue;
                        op.args = vec![ctx.constant(Value::Int(0))];
                        Action::Emit
                    }
                    (Some(Ovf::Kept { result, exact }), GuardNoOverflow) => {
                        if let Some(m) = self
                            .bounds
                            .get(&result)
                            .copied()
                            .unwrap_or(exact)
                            .meet(exact)
                        {
                            self.bounds.insert(result, m);
                            self.memo.borrow_mut().clear();
                        }
                        Action::Emit
                    }
                    _ => Action::Emit,
                };
            }
            GuardTrue | GuardFalse => {
                let x0 = op.args[0];
                let (x, want) = self.normalize_guard(ctx, x0, opc == GuardTrue);
                // Rewrite the guard to test `x` only if its snapshot does not keep the old
                // condition alive anyway: otherwise the old compare stays computed and the
                // backend could no longer fuse the new one with its jump.
                let mut keeps_old = op.snapshot.is_some_and(|s| ctx.snapshot_mentions(s, x0));
                // The snapshot lists the old condition (the interpreter resumes on the branch
                // that reads it), but when the guard fails its value is known: 0 for
                // `guard_true`, 1 for `guard_false` of a boolean. With that constant in the
                // guard's own copy of the frames, the old condition is free to go.
                // (Not while guards are made to fail for testing, `fail_guards` and the like:
                // a forced failure happens with the condition holding.)
                if keeps_old && x != x0 && !guards_forced_to_fail() {
                    let b0 = self.bound(ctx, x0, DEPTH);
                    let on_failure = if opc == GuardTrue {
                        Some(0)
                    } else if b0.lo >= 0 && b0.hi <= 1 {
                        Some(1)
                    } else {
                        None
                    };
                    if let (Some(v), Some(s)) = (on_failure, op.snapshot) {
                        let c = ctx.constant(Value::Int(v));
                        if let Some(ns) = ctx.snapshot_replacing(s, x0, c) {
                            if !ctx.snapshot_mentions(ns, x0) {
                                op.snapshot = Some(ns);
                                keeps_old = false;
                            }
                        }
                    }
                }
                if !keeps_old {
                    op.opcode = if want { GuardTrue } else { GuardFalse };
                    op.args[0] = x;
                }
                let b = self.bound(ctx, x, DEPTH);
                let nz = self.known_nonzero(ctx, x);
                let decided = if want && nz || !want && b == Bound::exact(0) {
                    Some(true)
                } else if want && b == Bound::exact(0) || !want && nz {
                    Some(false)
                } else {
                    match ctx.producer(x) {
                        Some(c) if is_int_cmp(c) => {
                            let a = ctx.producer_args(x).to_vec();
                            self.decide(ctx, c, a[0], a[1]).map(|v| v == want)
                        }
                        _ => None,
                    }
                };
                return match decided {
                    // guard on a condition known to hold => removed
                    Some(true) => Action::Remove,
                    // known to fail: keep it, it is the way out of the trace
                    Some(false) => Action::Emit,
                    None => {
                        self.learn_truth(ctx, x, want);
                        Action::Emit
                    }
                };
            }
            GuardValue if ctx.kind(op.args[0]) == Kind::Int => {
                let (x, c) = (op.args[0], op.args[1]);
                let cb = self.bound(ctx, c, DEPTH);
                let xb = self.bound(ctx, x, DEPTH);
                if let (Some(p), Some(q)) = (xb.constant(), cb.constant()) {
                    if p == q {
                        // guard_value(x, c) with x known to be c => removed
                        return Action::Remove;
                    }
                }
                if let Some(m) = xb.meet(cb) {
                    self.narrow(ctx, x, m, DEPTH);
                    self.narrow(ctx, c, m, DEPTH);
                }
                self.facts.insert((IntEq, x, c));
                self.facts.insert((IntEq, c, x));
                return Action::Emit;
            }
            _ => {}
        }
        let flags = opc.flags();
        if opc.result() != Kind::Int
            || !flags.contains(OpFlags::PURE)
            || flags.contains(OpFlags::CALL)
        {
            return Action::Emit;
        }
        // ---- pure int ops ----
        if is_int_cmp(opc) {
            if let Some(v) = self.decide(ctx, opc, op.args[0], op.args[1]) {
                // comparison decided by ranges or facts => constant
                return Action::Replace(ctx.constant(Value::Int(v as i64)));
            }
            return Action::Emit;
        }
        if matches!(opc, IntIsZero | IntIsTrue) {
            let b = self.bound(ctx, op.args[0], DEPTH);
            let zero = if b == Bound::exact(0) {
                Some(true)
            } else if self.known_nonzero(ctx, op.args[0]) {
                Some(false)
            } else {
                None
            };
            if let Some(z) = zero {
                // int_is_zero / int_is_true of a value known (non-)zero => constant
                return Action::Replace(ctx.constant(Value::Int((z == (opc == IntIsZero)) as i64)));
            }
            return Action::Emit;
        }
        let consts: Option<Vec<u64>> = op
            .args
            .iter()
            .map(|&a| ctx.const_value(a).map(Value::to_bits))
            .collect();
        if let Some(bits) = consts {
            // all-constant operands => folded with the IR's own semantics (never a trapping op)
            if let Some(r) = eval_pure(opc, &bits) {
                return Action::Replace(ctx.constant(Value::Int(r as i64)));
            }
            return Action::Emit;
        }
        let b = self.derive(ctx, opc, &op.args, None, DEPTH);
        if let Some(c) = b.constant() {
            // a result range with one value => that constant
            return Action::Replace(ctx.constant(Value::Int(c)));
        }
        match opc {
            // ((y << k) | m) >> k => y and (y << k) >> k => y, when 0 <= m < 2^k and the shift
            // left lost no bit of y (a small int untagged right after it was tagged)
            IntRshift => {
                if let Some(k) = ctx.const_int(op.args[1]).filter(|&k| (1..63).contains(&k)) {
                    let mut x = op.args[0];
                    if ctx.producer(x) == Some(IntOr) {
                        let a = ctx.producer_args(x).to_vec();
                        if ctx.const_int(a[1]).is_some_and(|m| m >= 0 && m < (1 << k)) {
                            x = a[0];
                        }
                    }
                    if ctx.producer(x) == Some(IntLshift) {
                        let a = ctx.producer_args(x).to_vec();
                        if ctx.const_int(a[1]) == Some(k) {
                            let yb = self.bound(ctx, a[0], DEPTH);
                            let lim = 1i64 << (63 - k);
                            if yb.lo >= -lim && yb.hi < lim {
                                return Action::Replace(a[0]);
                            }
                        }
                    }
                }
            }
            // x & (2^k - 1) => x when 0 <= x < 2^k
            IntAnd => {
                for (m, x) in [(op.args[1], op.args[0]), (op.args[0], op.args[1])] {
                    if let Some(mask) = ctx.const_int(m) {
                        let xb = self.bound(ctx, x, DEPTH);
                        if mask >= 0 && fill_bits(mask) == mask && xb.nonneg() && xb.hi <= mask {
                            return Action::Replace(x);
                        }
                        // (y + d) & (2^k - 1) => y + (d - c) when y + d lies in
                        // [c, c + 2^k - 1], c a multiple of 2^k: one op instead of two (the
                        // wrap of a byte counter: (y + 255) & 255 with y in [1, 255] is y - 1)
                        let block = !mask;
                        if mask >= 0 && fill_bits(mask) == mask && xb.lo & block == xb.hi & block {
                            let c = xb.lo & block;
                            let (base, d) = match ctx.producer(x) {
                                Some(IntAdd) => match ctx.const_int(ctx.producer_args(x)[1]) {
                                    Some(d) => (ctx.producer_args(x)[0], d),
                                    None => continue,
                                },
                                Some(IntSub) => match ctx.const_int(ctx.producer_args(x)[1]) {
                                    Some(d) if d != i64::MIN => (ctx.producer_args(x)[0], -d),
                                    _ => continue,
                                },
                                _ => continue,
                            };
                            if let Some(k) = d.checked_sub(c) {
                                if k == 0 {
                                    return Action::Replace(base);
                                }
                                op.opcode = IntAdd;
                                op.args = vec![base, ctx.constant(Value::Int(k))];
                                return Action::Emit;
                            }
                        }
                    }
                }
            }
            // x % c => x when 0 <= x < |c|
            IntMod => {
                if let Some(c) = ctx.const_int(op.args[1]).filter(|&c| c != i64::MIN) {
                    let xb = self.bound(ctx, op.args[0], DEPTH);
                    if xb.nonneg() && xb.hi < c.abs() {
                        return Action::Replace(op.args[0]);
                    }
                }
            }
            _ => {}
        }
        Action::Emit
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opt::check_opt;

    fn check(input: &str, expected: &str) {
        if let Err(e) = check_opt(input, "intbounds", expected) {
            panic!("{e}");
        }
    }

    #[test]
    fn untagging_a_value_just_tagged_gives_the_value_back() {
        // y in [-2^61, 2^61): (y << 1 | 1) >> 1 is y; unbounded z: kept
        check(
            "[i0, i9]\ni1 = int_rshift(i0, 2)\ni2 = int_lshift(i1, 1)\ni3 = int_or(i2, 1)\n\
             i4 = int_rshift(i3, 1)\ni5 = int_lshift(i9, 1)\ni6 = int_rshift(i5, 1)\nfinish(i4, i6)\n",
            "[i0, i9]\ni1 = int_rshift(i0, 2)\ni2 = int_lshift(i1, 1)\ni3 = int_or(i2, 1)\n\
             i4 = int_lshift(i9, 1)\ni5 = int_rshift(i4, 1)\nfinish(i1, i5)\n",
        );
    }

    #[test]
    fn bound_arithmetic() {
        let a = Bound::new(0, 10).unwrap();
        assert_eq!(a.add(Bound::exact(5)), Bound::new(5, 15));
        assert_eq!(Bound::FULL.add(Bound::exact(1)), None);
        assert_eq!(a.sub(a), Bound::new(-10, 10));
        assert_eq!(a.mul(Bound::exact(-2)), Bound::new(-20, 0));
        assert_eq!(fill_bits(255), 255);
        assert_eq!(fill_bits(256), 511);
        assert_eq!(
            load_bound(MemType::Int {
                size: 1,
                signed: true
            }),
            Bound { lo: -128, hi: 127 }
        );
        assert_eq!(a.meet(Bound::new(11, 12).unwrap()), None);
    }

    #[test]
    fn bounds_check_implied_by_a_stronger_one() {
        check(
            "[i0]\ni1 = uint_lt(i0, 100)\nguard_true(i1) [0@1: i0]\ni3 = int_add(i0, 5)\n\
             i4 = uint_gt(i3, 100)\nguard_false(i4) [0@2: i0]\ni6 = int_add(i0, 2)\n\
             i7 = uint_lt(i6, 100)\nguard_true(i7) [0@3: i0]\nfinish(i6)\n",
            "[i0]\ni1 = uint_lt(i0, 100)\nguard_true(i1) [0@1: i0]\ni3 = int_add(i0, 5)\n\
             i4 = uint_gt(i3, 100)\nguard_false(i4) [0@2: i0]\ni6 = int_add(i0, 2)\nfinish(i6)\n",
        );
    }

    #[test]
    fn constant_indexes_below_a_checked_one_need_no_check() {
        // i0 (a length loaded from memory) may be negative: only the unsigned lower bound
        // `i0 >=u 20` from the first guard decides the later checks of smaller indexes (and
        // their negated forms); the check of index 20 and the one of another value stay
        check(
            "[i0, i50]\ni1 = uint_lt(19, i0)\nguard_true(i1) [0@1: i0]\ni3 = uint_lt(3, i0)\n\
             guard_true(i3) [0@2: i0]\ni5 = uint_gt(i0, 19)\nguard_true(i5) [0@3: i0]\n\
             i7 = uint_le(i0, 4)\nguard_false(i7) [0@4: i0]\ni9 = uint_lt(20, i0)\n\
             guard_true(i9) [0@5: i0]\ni11 = uint_lt(3, i50)\nguard_true(i11) [0@6: i0]\nfinish(i0)\n",
            "[i0, i50]\ni1 = uint_lt(19, i0)\nguard_true(i1) [0@1: i0]\ni9 = uint_lt(20, i0)\n\
             guard_true(i9) [0@5: i0]\ni11 = uint_lt(3, i50)\nguard_true(i11) [0@6: i0]\nfinish(i0)\n",
        );
        // a failed unsigned check (`uint_ge(c, x)` passing) teaches nothing of the kind
        check(
            "[i0]\ni1 = uint_ge(19, i0)\nguard_true(i1) [0@1: i0]\ni3 = uint_lt(3, i0)\n\
             guard_true(i3) [0@2: i0]\nfinish(i0)\n",
            "[i0]\ni1 = uint_ge(19, i0)\nguard_true(i1) [0@1: i0]\ni3 = uint_lt(3, i0)\n\
             guard_true(i3) [0@2: i0]\nfinish(i0)\n",
        );
    }

    #[test]
    fn a_guard_whose_snapshot_lists_its_condition_is_still_simplified() {
        // the snapshot of `guard_false(!(i0 != 0) & 1)` lists the condition (the interpreter
        // branches on it when it resumes): on failure it is 1, so the guard's own snapshot
        // gets the constant, the guard tests i0, and the chain is dead
        let input = "[i0, i9]\ni1 = int_ne(i0, 0)\ni2 = int_invert(i1)\ni3 = int_and(i2, 1)\n\
                     guard_false(i3) [0@1: i0, i3]\ni5 = int_eq(i9, 0)\nguard_true(i5) [0@2: i5]\n\
                     finish(i0)\n";
        let expected =
            "[i0, i9]\nguard_true(i0) [0@1: i0, 1]\nguard_false(i9) [0@2: 0]\nfinish(i0)\n";
        if let Err(e) = check_opt(input, "intbounds:dce", expected) {
            panic!("{e}");
        }
    }

    #[test]
    fn overflow_check_removed_when_ranges_fit() {
        check(
            "[i0, p9]\ni1 = load_i(p9, 0, descr=u8)\ni2 = int_add_ovf(i1, 1)\nguard_no_overflow() [0@1: i0]\n\
             i4 = int_mul_ovf(i0, 3)\nguard_no_overflow() [0@2: i0]\nfinish(i2, i4)\n",
            "[i0, p9]\ni1 = load_i(p9, 0, descr=u8)\ni2 = int_add(i1, 1)\n\
             i4 = int_mul_ovf(i0, 3)\nguard_no_overflow() [0@2: i0]\nfinish(i2, i4)\n",
        );
    }

    #[test]
    fn signed_facts_decide_unsigned_checks() {
        // 0 <= i2 and i2 < i1 => i2 <u i1, even with i1 unknown
        check(
            "[i0, i1]\ni2 = int_add(i0, -1)\ni3 = int_lt(i2, 0)\ni4 = int_invert(i3)\ni5 = int_and(i4, 1)\n\
             guard_true(i5) [0@1: i0]\ni7 = int_ge(i2, i1)\nguard_false(i7) [0@2: i0]\n\
             i9 = uint_lt(i2, i1)\nguard_true(i9) [0@3: i0]\ni11 = int_lt(i0, 0)\nfinish(i11)\n",
            "[i0, i1]\ni2 = int_add(i0, -1)\ni3 = int_lt(i2, 0)\ni4 = int_invert(i3)\ni5 = int_and(i4, 1)\n\
             guard_false(i3) [0@1: i0]\ni7 = int_ge(i2, i1)\nguard_false(i7) [0@2: i0]\nfinish(0)\n",
        );
    }

    #[test]
    fn a_null_check_decides_a_later_nonzero_test_of_a_word() {
        // the word of a pointer (either sign) passed `!= 0`: pyguest's `is_ptr` after a null
        // check tests `!(w != 0)` again, and a second null check of the same word follows
        check(
            "[p0]\ni1 = cast_ptr_to_int(p0)\ni2 = int_eq(i1, 0)\nguard_false(i2) [0@1: p0]\n\
             i4 = int_ne(i1, 0)\ni5 = int_invert(i4)\ni6 = int_and(i5, 1)\nguard_false(i6) [0@2: p0]\n\
             i8 = int_eq(i1, 0)\ni9 = int_is_zero(i1)\nfinish(i8, i9)\n",
            "[p0]\ni1 = cast_ptr_to_int(p0)\ni2 = int_eq(i1, 0)\nguard_true(i1) [0@1: p0]\nfinish(0, 0)\n",
        );
        // the fact ends at a label (the label's argument is a new value every iteration)
        let t = "[i0]\nguard_true(i0) [0@1: i0]\nlabel(i0, descr=target1)\n\
                 guard_true(i0) [0@2: i0]\njump(i0, descr=target1)\n";
        check(t, t);
    }

    #[test]
    fn facts_do_not_cross_labels() {
        let t = "[i0]\ni1 = uint_lt(i0, 10)\nguard_true(i1) [0@1: i0]\nlabel(i0, descr=target1)\n\
                 i3 = uint_lt(i0, 10)\nguard_true(i3) [0@2: i0]\njump(i0, descr=target1)\n";
        check(t, t);
    }

    #[test]
    fn always_failing_guard_is_kept() {
        check(
            "[i0]\ni1 = uint_lt(i0, 10)\nguard_true(i1) [0@1: i0]\ni3 = int_gt(i0, 20)\n\
             guard_true(i3) [0@2: i0]\nfinish(i0)\n",
            "[i0]\ni1 = uint_lt(i0, 10)\nguard_true(i1) [0@1: i0]\nguard_true(0) [0@2: i0]\nfinish(i0)\n",
        );
    }
}
