//! `unroll`: loop peeling. A loop trace becomes a *preamble* (the first iteration, run once)
//! followed by the *peeled loop*, which is optimized knowing everything the preamble
//! established; values cross the back edge in registers (as extra loop arguments).
//!
//! # How
//!
//! The trace `[I] label(L, t0) B jump(J, t0)` is first written out twice, straight-line:
//!
//! ```text
//! [I] label(L, t0)  B1  debug_merge_point("unroll: ...")  B2  jump(J2, t0)
//! ```
//!
//! `B1` is the body as recorded, `B2` the body again with every label argument `L[k]`
//! replaced by the value `B1` jumps back with (`J[k]`). The passes named after `unroll` in
//! `enable_opts` (all but `dce`) then run over this straight line as usual: to them `B2` is
//! just code after `B1`, so a load in `B2` of a place `B1` stored becomes the stored value, a
//! pure op or guard `B2` repeats on the same operands disappears, and so on. Every such
//! rewrite holds for *any* state entering `B1` (the passes forget everything at the label), so
//! it holds for every pair of consecutive iterations, not only the first two.
//!
//! The loop is then closed (LuaJIT's copy-substitution with PHIs): the marker becomes
//! `label(Y..., t1)`, where `Y...` are the preamble values the optimized `B2` still uses (in an
//! op or a guard's snapshot), and the final jump goes to `t1` passing, for each `Y`, the value
//! the *next* iteration has for it: `Y` was computed by some op `X` of `B1` (or is label
//! argument `L[k]`), and its next value is what `X`'s copy in `B2` became (or what `J[k]`,
//! the value `B2` starts with for `L[k]`, became). When
//! that is itself a preamble value it joins the label too (repeated until closed); a value
//! whose next value is itself is loop-invariant and the jump passes it unchanged, costing
//! nothing. Inside the loop a preamble value `Y` therefore always means "`Y` as of the
//! previous iteration", which is exactly what the straight-line rewrites assumed, so guards in
//! the loop keep exact snapshots: a snapshot value that is a preamble value is a label
//! argument holding the right value at every iteration.
//!
//! ```text
//! # brainfuck [-]: before                     # after unroll:fold:cse:heap:intbounds:dce
//! [i0, p1]                                    [i0, p1]
//! label(i0, p1, descr=target0)                label(i0, p1, descr=target0)
//! i3 = load_idx_i(p1, i0, 16, descr=u8x1)     i3 = load_idx_i(p1, i0, 16, descr=u8x1)
//! i4 = int_sub(i3, 1)                         i4 = int_sub(i3, 1)
//! i5 = int_and(i4, 255)                       i5 = int_and(i4, 255)
//! store_idx_i(p1, i0, 16, i5, descr=u8x1)     store_idx_i(p1, i0, 16, i5, descr=u8x1)
//! guard_true(i5) [0@3: i0, p1]                guard_true(i5) [0@3: i0, p1]
//! jump(i0, p1, descr=target0)                 label(i0, p1, i5, descr=target1)
//!                                             i9 = int_sub(i5, 1)   # no load: i5 is carried
//!                                             ...
//!                                             jump(i0, p1, i11, descr=target1)
//! ```
//!
//! # Virtual state at the label
//!
//! Allocation removal alone would give the loop real objects at its label: an object made
//! in one iteration and used in the next (a float local's box, stored into the frame) is
//! materialized at the marker and again in every iteration. So the frame stores are sunk
//! (`vable`) *before* the first `virtualize` too, and that `virtualize` runs knowing each
//! preamble value's next-iteration value (`virtualize::run_peeled`): a preamble object that
//! stays intact and whose next-iteration value is the body's copy of its `new` is virtual in
//! the body, so only its fields (loop arguments after closing) cross the label. If an object
//! chosen so does not stay virtual in the body, or the loop cannot be closed, the whole
//! attempt is dropped and the loop is optimized again the plain way ([`LABEL_VIRTUALS`] turns
//! the attempt off).
//!
//! # Invariants and limits
//!
//! * Only a trace with exactly one label, ending in a jump to it, is peeled; anything else
//!   (bridges, traces ending in `finish`) goes through the later passes unchanged, as does a
//!   loop longer than [`MAX_PEEL_OPS`] ops or one needing more than [`MAX_LOOP_ARGS`] loop
//!   arguments (register pressure), or one whose loop cannot be closed (a value the loop needs
//!   was removed): then the original trace is optimized without peeling.
//! * Bridges enter through the preamble or through their own copy of it: the trace's own
//!   label `t0` stays at the top, and a bridge jumping to it runs one peeled iteration before
//!   reaching the loop, unless it got a copy of the preamble and jumps to `t1` (next section).
//! * Nothing virtual is carried across the back edge: the loop label receives only real
//!   values, and the heap state the passes derive never crosses it (they forget at labels);
//!   what crosses is only what the straight line proved equal.
//! * Soundness rests on the passes after `unroll` deriving facts only from the trace's own
//!   ops (nothing about the values entering at the label): every pass today forgets at a
//!   label. Their assumptions now span two iterations, e.g. the heap pass's type-based alias
//!   rule (a place is never written through two types) is relied on from one iteration's
//!   store to the next one's load.
//! * `wbarrier` named after `unroll` runs once the loop is closed (so the barriers of the
//!   stores `vable` sank go too).
//! * `closedform` named after `unroll` runs on the closed loop (after `dce`).
//! * `dce` named after `unroll` runs once the loop is closed; then loop arguments that
//!   nothing in the loop needs (only passed around the back edge) are dropped and `dce` runs
//!   again, so a peeled value the loop no longer uses costs nothing.
//!
//! # Bridges and the short preamble
//!
//! A bridge that jumps back to a peeled loop would run the whole optimized preamble `B1` at
//! every return to the loop, though the bridge has just written most of what `B1` reads
//! (frame slots, the stack depth) and checked much of what it checks. So when the loop is
//! compiled, its optimized preamble is kept ([`Preamble::of`], at most
//! `short_preamble_limit` ops, a JIT parameter; 0 turns this off): the ops between
//! `label(L, t0)` and `label(Y, t1)`, as a trace `[L] ops jump(Y, t1)`. A bridge compiled
//! later that ends in `jump(J, t0)` gets a copy appended ([`Preamble::append_to`]): `L`
//! replaced by `J`, fresh op refs, snapshots and virtual objects copied, a
//! `debug_merge_point` [`SHORT_MARKER`] in between, and the bridge ends in `jump(Y', t1)`.
//! Running bridge + copy + `jump t1` is exactly what bridge + `jump t0` ran, so it is sound
//! by construction; the bridge's passes then run over the straight line and remove what the
//! bridge already knows, and a second round ([`SHORT_SECOND_ROUND`]) folds what `heap`
//! exposed (a load of the stack depth the bridge stored: `sp + 3 - sp`). The copied guards
//! keep the preamble guards' snapshots (values mapped), so they resume where those would.
//! RPython instead derives a minimal short preamble (only the ops whose results the loop
//! takes and the guards its facts need); this copies the whole iteration, which is simple and
//! needs no bookkeeping of which facts the loop used, at the price of duplicating its guards.
//!
//! The driver (`jit::driver`) keeps each loop's preamble with it and copies it only while the
//! loop's code is live, not invalidated and still its key's loop (the rule for jumping to
//! `t0` at all); the bridge then also depends on the loop's identities and quasi-immutable
//! cells, so that a write the copy folded invalidates it, and it dies with the loop (its
//! jump targets the loop's label). Two guards against duplicated guards failing over and
//! over, each copy needing its own bridge:
//! * a loop whose preamble guards fail (one has a bridge, or exited 20 times) keeps its
//!   bridges jumping to `t0`: the copies' guards would fail as often;
//! * a bridge traced from a guard of a copy jumps to `t0`: a path that fails a preamble guard
//!   at every return to the loop would otherwise make a bridge, with a new copy of the guard,
//!   at every return (seen on Tiny's `reentry` test: 30 bridges for one guard).
//!
//! ```text
//! # loop (optimized)                 # bridge               # bridge + copy, optimized
//! [i0, p1]                           [i0, p1]               [i0, p1]
//! label(i0, p1, descr=t0)            i2 = int_lt(i0, 50)    i2 = int_lt(i0, 50)
//! i2 = load_i(p1, 8, descr=i64)      guard_true(i2) [..]    guard_true(i2) [..]
//! i3 = int_lt(i0, i2)                store_i(p1, 8, 100)    store_i(p1, 8, 100)
//! guard_true(i3) [0@1: i0, p1]       i4 = int_add(i0, 3)    i4 = int_add(i0, 3)
//! i4 = int_add(i0, 1)                jump(i4, p1, descr=t0) i5 = int_add(i4, 1)
//! label(i4, p1, i2, descr=t1)                               jump(i5, p1, 100, descr=t1)
//! ...
//! ```
//!
//! Measured (`pyguest`, release, `ab.py` min of 5, same binary with the parameter at 0 and
//! at 200): int_loops 0.926x the time (collatz's `3n+1` bridge: 55.8 executed ops per
//! iteration before, 45.8 after; gcd_sum 66.4 to 64.5, digit_mix 51.7 to 47.7); nqueens
//! unchanged (its preamble guards fail, so no copy), richards_like and dict_strings
//! unchanged (their preambles,
//! 853 and 1000 ops, are over the limit; at a limit of 2000 still unchanged, since their
//! preamble guards fail: richards_like runs 477 of its 587 ops per iteration in bridges off
//! them). Tiny's collatz bridge (`trace_shape.rs`): 81 ops with its copy against 63 + a
//! 63-op preamble.

use super::{make_pass, run_pass_mapped, Action, Ctx, OptError, Pass, PendingOp};
use crate::ir::{
    print, verify, Descr, FrameId, OpRef, Opcode, SnapshotId, TargetToken, Trace, TraceBuilder,
    Value, VirtId,
};
use rustc_hash::FxHashMap as HashMap;

/// The text of the `debug_merge_point` marking where the second copy of the body starts.
pub const MARKER: &str = "unroll: peeled loop";

/// The text of the `debug_merge_point` [`Preamble::append_to`] puts between a bridge's own ops
/// and its copy of a loop's preamble (a guard after it is a copy of a preamble guard).
pub const SHORT_MARKER: &str = "unroll: copy of the loop's preamble";

/// The passes run a second time over a bridge with a copy of a loop's preamble (after the
/// default pipeline): the copy's loads of places the bridge stored become the stored values
/// only in `heap`, and what those decide folds in a second round.
pub const SHORT_SECOND_ROUND: &str = "fold:cse:heap:intbounds:dce";

/// Longest loop trace (in ops) that is peeled; longer ones are optimized without peeling
/// (peeling doubles the optimizer's and the backend's work).
pub const MAX_PEEL_OPS: usize = 6000;

/// Most values the peeled loop may take as arguments (each needs a register or spill slot
/// for the whole loop); a loop that needs more is not peeled.
pub const MAX_LOOP_ARGS: usize = 96;

/// A value of the peeled trace after some passes.
#[derive(Copy, Clone, PartialEq, Debug)]
enum Val {
    /// Op at this position of the current trace.
    Op(usize),
    /// A constant.
    Const(Value),
    /// Removed.
    Gone,
}

/// Where the next iteration's value of a preamble value comes from.
#[derive(Copy, Clone, Debug)]
enum Next {
    /// This position of the peeled trace: the same op's copy in the second body, or for label
    /// argument `k` the value the first body jumps back with for it.
    Copy(usize),
    /// A constant (label argument `k` when the first body jumps back with a constant).
    Const(Value),
}

/// The straight-line trace: preamble, marker, second copy of the body.
struct Peeled {
    trace: Trace,
    /// Position of the marker.
    marker: usize,
    /// Per position of the preamble: how to find its next-iteration value.
    next: Vec<Option<Next>>,
    /// The loop's own target (stays the preamble's label).
    token: TargetToken,
}

/// Copy op `i` of `t` into `b`, operands through `map`, snapshot frames through `frames`
/// (shared frames stay shared within one copy).
pub(super) fn copy_op(
    b: &mut TraceBuilder,
    t: &Trace,
    i: usize,
    map: &[OpRef],
    frames: &mut CopyMemo,
) -> OpRef {
    let op = t.op(i);
    let args: Vec<OpRef> = t.args(i).iter().map(|&a| operand(b, t, map, a)).collect();
    let snap = op.snapshot().map(|s| copy_snapshot(b, t, s, map, frames));
    let descr = op.descr().map(|d| b.descr_from(t, d));
    b.push(op.opcode, &args, descr, snap)
}

fn operand(b: &mut TraceBuilder, t: &Trace, map: &[OpRef], a: OpRef) -> OpRef {
    match a.as_const() {
        Some(c) => b.const_from(t, c),
        None => map[a.as_op().expect("an operand is an op or a constant")],
    }
}

/// Frames and virtual objects already copied (shared between the snapshots of one copy).
pub(super) type CopyMemo = (HashMap<FrameId, FrameId>, HashMap<VirtId, OpRef>);

fn copy_snapshot(
    b: &mut TraceBuilder,
    t: &Trace,
    s: SnapshotId,
    map: &[OpRef],
    frames: &mut CopyMemo,
) -> SnapshotId {
    let mut parent = None;
    for f in t.snapshot_frames(s) {
        let nf = match frames.0.get(&f) {
            Some(&nf) => nf,
            None => {
                let vals: Vec<OpRef> = t
                    .frame_values(f)
                    .iter()
                    .map(|&v| {
                        let mut m = |b: &mut TraceBuilder, v| Some(operand(b, t, map, v));
                        b.copy_snapshot_value(t, v, &mut m, &mut frames.1)
                            .expect("copied operands are never removed")
                    })
                    .collect();
                let nf = b.copy_frame(parent, t, f, &vals);
                frames.0.insert(f, nf);
                nf
            }
        };
        parent = Some(nf);
    }
    b.snapshot(parent.expect("a snapshot has frames"))
}

/// Write a peelable loop out as preamble + marker + second body copy (see the module doc).
fn peel(t: &Trace) -> Option<Peeled> {
    let n = t.len();
    if !(2..=MAX_PEEL_OPS).contains(&n) {
        return None;
    }
    let labels: Vec<usize> = (0..n)
        .filter(|&i| t.op(i).opcode == Opcode::Label)
        .collect();
    let [lp] = labels[..] else { return None };
    let token = t.target(lp)?;
    let end = n - 1;
    if t.op(end).opcode != Opcode::Jump || t.target(end) != Some(token) {
        return None;
    }
    let mut b = TraceBuilder::with_tables_of(t);
    let mut map1 = vec![OpRef::op(0); n];
    let mut frames1: CopyMemo = Default::default();
    for i in 0..end {
        let r = copy_op(&mut b, t, i, &map1, &mut frames1);
        map1[i] = r;
    }
    let marker = b.debug_merge_point(&[], MARKER).as_op()?;
    // second copy: label argument k is what the first copy jumps back with
    let mut map2 = map1.clone();
    let jump1: Vec<OpRef> = t
        .args(end)
        .iter()
        .map(|&a| operand(&mut b, t, &map1, a))
        .collect();
    for (k, &l) in t.args(lp).iter().enumerate() {
        map2[l.as_op()?] = jump1[k];
    }
    let mut frames2: CopyMemo = Default::default();
    for i in lp + 1..end {
        let r = copy_op(&mut b, t, i, &map2, &mut frames2);
        map2[i] = r;
    }
    let jump2: Vec<OpRef> = t
        .args(end)
        .iter()
        .map(|&a| operand(&mut b, t, &map2, a))
        .collect();
    b.jump(&jump2, token);
    let mut next = vec![None; marker];
    for (k, &l) in t.args(lp).iter().enumerate() {
        let j = jump1[k];
        let nx = match b.trace().const_value(j) {
            Some(c) => Next::Const(c),
            None => Next::Copy(j.as_op()?),
        };
        next[map1[l.as_op()?].as_op()?] = Some(nx);
    }
    for i in lp + 1..end {
        if let (Some(p1), Some(p2)) = (map1[i].as_op(), map2[i].as_op()) {
            next[p1] = Some(Next::Copy(p2));
        }
    }
    Some(Peeled {
        trace: b.build(),
        marker,
        next,
        token,
    })
}

fn check(t: &Trace, pass: &str) -> Result<(), OptError> {
    if cfg!(debug_assertions) {
        if let Err(errors) = verify(t) {
            return Err(OptError::Verifier {
                pass: pass.to_string(),
                errors,
                trace: print(t),
            });
        }
    }
    Ok(())
}

/// Whether `unroll` first tries to carry virtual objects across the loop's label (see the
/// module doc, "Virtual state at the label"); off, every loop is peeled as before.
pub const LABEL_VIRTUALS: bool = true;

/// Peel `t` and run the passes `post` (the ones named after `unroll`) on it. `Ok(None)` when
/// the trace is not a loop that can be peeled (the caller then runs `post` on `t` as usual).
pub fn unroll(t: &Trace, post: &[&'static str]) -> Result<Option<Trace>, OptError> {
    let Some(p) = peel(t) else { return Ok(None) };
    check(&p.trace, "unroll")?;
    if LABEL_VIRTUALS && post.contains(&"virtualize") {
        if let Some(closed) = attempt(&p, post, true)? {
            return Ok(Some(closed));
        }
    }
    attempt(&p, post, false)
}

/// Maps every `Val::Op` of `comp` through a pass's `map` over trace `nt`.
fn remap(comp: &mut [Val], map: &[Option<OpRef>], nt: &Trace) {
    for v in comp.iter_mut() {
        if let Val::Op(q) = *v {
            *v = match map[q] {
                None => Val::Gone,
                Some(r) => match nt.const_value(r) {
                    Some(c) => Val::Const(c),
                    None => r.as_op().map_or(Val::Gone, Val::Op),
                },
            };
        }
    }
}

/// Frame stores of the second body move into its guards' snapshots (`vable`); returns the
/// places sunk.
fn sink_step(
    cur: &mut Trace,
    comp: &mut [Val],
    p: &Peeled,
) -> Result<Vec<super::vable::SunkPlace>, OptError> {
    let Val::Op(m) = comp[p.marker] else {
        return Ok(Vec::new());
    };
    let origin = origins(comp, m);
    let sunk = {
        let comp: &[Val] = comp;
        let invariant = |r: OpRef| {
            r.as_op()
                .is_some_and(|q| next_value(&origin, &p.next, comp, q) == Some(Val::Op(q)))
        };
        super::vable::sink(cur, m, &invariant)?
    };
    let Some((nt, map, places)) = sunk else {
        return Ok(Vec::new());
    };
    check(&nt, "unroll")?;
    remap(comp, &map, &nt);
    *cur = nt;
    Ok(places)
}

/// Runs `post` over the peeled straight line and closes the loop. With `label_state`, the
/// frame stores are sunk before allocation removal too, which then carries virtual objects
/// across the label (`virtualize::run_peeled`); `Ok(None)` when that does not work out (or
/// the loop cannot be closed).
fn attempt(
    p: &Peeled,
    post: &[&'static str],
    label_state: bool,
) -> Result<Option<Trace>, OptError> {
    // where each position of the peeled trace ended up
    let mut comp: Vec<Val> = (0..p.trace.len()).map(Val::Op).collect();
    let mut cur = p.trace.clone();
    let mut first_virtualize = label_state;
    let names: Vec<&'static str> = post
        .iter()
        .copied()
        .filter(|&n| n != "dce" && n != "wbarrier" && n != "closedform")
        .collect();
    let mut passes = names
        .iter()
        .map(|n| make_pass(n))
        .collect::<Result<Vec<_>, _>>()?;
    let mut i = 0;
    while i < names.len() {
        let name = names[i];
        let n = super::chain_len(&passes[i..]);
        let group = &mut passes[i..i + n];
        i += n;
        let (nt, map) = if name == "virtualize" && first_virtualize {
            first_virtualize = false;
            let sunk = sink_step(&mut cur, &mut comp, p)?;
            let Val::Op(m) = comp[p.marker] else {
                return Ok(None);
            };
            let origin = origins(&comp, m);
            let next_of = |a: usize| match next_value(&origin, &p.next, &comp, a)? {
                Val::Op(q) => Some(super::virtualize::LoopNext::Op(q)),
                Val::Const(c) => Some(super::virtualize::LoopNext::Const(c)),
                Val::Gone => None,
            };
            match super::virtualize::run_peeled(&cur, m, &next_of, &sunk)? {
                Some(r) => r,
                None => return Ok(None),
            }
        } else {
            super::run_group_mapped(&cur, group)?
        };
        check(&nt, &super::group_name(group))?;
        remap(&mut comp, &map, &nt);
        cur = nt;
    }
    sink_step(&mut cur, &mut comp, p)?;
    let Some(mut closed) = close(&cur, &comp, p.marker, &p.next, p.token) else {
        return Ok(None);
    };
    check(&closed, "unroll")?;
    if post.contains(&"dce") {
        for _ in 0..2 {
            closed = prune_loop_args(&closed);
            check(&closed, "unroll")?;
            let mut dce = make_pass("dce")?;
            closed = run_pass_mapped(&closed, dce.as_mut())?.0;
            check(&closed, "dce")?;
        }
    }
    if post.contains(&"closedform") {
        // on the closed loop: its label arguments and exits are final
        if let Some((t, _)) = super::closedform::run(&closed) {
            closed = t;
            check(&closed, "closedform")?;
        }
    }
    if post.contains(&"wbarrier") {
        // after `vable` sank stores: their barriers go with them
        let mut wb = make_pass("wbarrier")?;
        closed = run_pass_mapped(&closed, wb.as_mut())?.0;
        check(&closed, "wbarrier")?;
    }
    Ok(Some(closed))
}

/// The position of the peeled trace each preamble op (before position `m` of the current
/// trace) came from: the first one mapped to it (an op replaced by an earlier value maps to
/// that value's op).
fn origins(comp: &[Val], m: usize) -> Vec<usize> {
    let mut origin = vec![usize::MAX; m];
    for (d, v) in comp.iter().enumerate() {
        if let Val::Op(q) = *v {
            if q < m && origin[q] == usize::MAX {
                origin[q] = d;
            }
        }
    }
    origin
}

/// The next-iteration value of preamble value `y` (a position of the current trace), if the
/// loop can have one.
fn next_value(origin: &[usize], next: &[Option<Next>], comp: &[Val], y: usize) -> Option<Val> {
    let o = *origin.get(y)?;
    let v = match next.get(o).copied().flatten()? {
        Next::Copy(d) => comp[d],
        Next::Const(c) => Val::Const(c),
    };
    (v != Val::Gone).then_some(v)
}

/// Whether preamble value `y` is an op a pass created (no position of the peeled trace maps
/// to it, so it has no copy in the second body) that is pure and whose operands are
/// constants or loop-invariant preamble values (their next value is themselves, or they are
/// such created ops, up to `depth` deep): then its value is the same in every iteration.
/// (E.g. an address `int_add(i160, 24)` a pass built in the preamble and the second body
/// reuses through `cse`.)
fn created_invariant(
    t: &Trace,
    origin: &[usize],
    next: &[Option<Next>],
    comp: &[Val],
    y: usize,
    depth: u32,
) -> bool {
    if depth == 0 || origin.get(y) != Some(&usize::MAX) {
        return false;
    }
    let opc = t.op(y).opcode;
    if !opc.is_pure() || opc.flags().contains(crate::ir::OpFlags::CALL) {
        return false;
    }
    t.args(y).iter().all(|&a| {
        if t.const_value(a).is_some() {
            return true;
        }
        match a.as_op() {
            Some(q) if q < origin.len() => {
                next_value(origin, next, comp, q) == Some(Val::Op(q))
                    || created_invariant(t, origin, next, comp, q, depth - 1)
            }
            _ => false,
        }
    })
}

/// Turn the optimized straight line into preamble + loop (see the module doc); `None` when a
/// value the loop needs has no next-iteration value.
fn close(
    t: &Trace,
    comp: &[Val],
    marker: usize,
    next: &[Option<Next>],
    token: TargetToken,
) -> Option<Trace> {
    let Val::Op(m) = comp[marker] else {
        return None;
    };
    let end = t.len() - 1;
    if t.op(m).opcode != Opcode::DebugMergePoint
        || t.op(end).opcode != Opcode::Jump
        || t.target(end) != Some(token)
    {
        return None;
    }
    let origin = origins(comp, m);
    let next_of = |y: usize| {
        next_value(&origin, next, comp, y)
            .or_else(|| created_invariant(t, &origin, next, comp, y, 4).then_some(Val::Op(y)))
    };
    // preamble values the loop uses
    let mut used = vec![false; m];
    let mut work = Vec::new();
    let note = |r: OpRef, used: &mut Vec<bool>, work: &mut Vec<usize>| {
        if let Some(q) = r.as_op() {
            if q < m && !used[q] {
                used[q] = true;
                work.push(q);
            }
        }
    };
    for i in m + 1..end {
        for &a in t.args(i) {
            note(a, &mut used, &mut work);
        }
        if let Some(s) = t.op(i).snapshot() {
            for f in t.snapshot_frames(s) {
                for v in t.flat_values(t.frame_values(f)) {
                    note(v, &mut used, &mut work);
                }
            }
        }
    }
    // ... and, closing over the back edge, the preamble values their next values are
    let mut nexts: HashMap<usize, Val> = HashMap::default();
    while let Some(y) = work.pop() {
        let v = next_of(y)?;
        let kind_ok = match v {
            Val::Op(q) => t.kind(OpRef::op(q)) == t.kind(OpRef::op(y)),
            Val::Const(c) => c.kind() == t.kind(OpRef::op(y)),
            Val::Gone => false,
        };
        if !kind_ok {
            return None;
        }
        if let Val::Op(q) = v {
            note(OpRef::op(q), &mut used, &mut work);
        }
        nexts.insert(y, v);
    }
    let args: Vec<usize> = (0..m).filter(|&q| used[q]).collect();
    if args.len() > MAX_LOOP_ARGS {
        return None;
    }
    let jump: Vec<Val> = args.iter().map(|y| nexts[y]).collect();
    Some(rewrite_loop(t, m, &args, &jump, TargetToken::fresh()))
}

/// Copy `t` op for op, turning op `at` into `label(args, token)` and the final op into
/// `jump(jump, token)`. Positions do not change.
fn rewrite_loop(t: &Trace, at: usize, args: &[usize], jump: &[Val], token: TargetToken) -> Trace {
    struct Rewrite<'a> {
        pos: usize,
        at: usize,
        end: usize,
        args: &'a [usize],
        jump: &'a [Val],
        token: TargetToken,
    }
    impl Pass for Rewrite<'_> {
        fn name(&self) -> &'static str {
            "unroll"
        }
        fn feed(&mut self, ctx: &mut Ctx<'_>, op: &mut PendingOp) -> Action {
            let pos = self.pos;
            self.pos += 1;
            if pos == self.at {
                op.opcode = Opcode::Label;
                op.args = self.args.iter().map(|&q| OpRef::op(q)).collect();
                op.descr = Some(ctx.intern_descr(Descr::Target(self.token)));
            } else if pos == self.end {
                op.args = self
                    .jump
                    .iter()
                    .map(|v| match *v {
                        Val::Op(q) => OpRef::op(q),
                        Val::Const(c) => ctx.constant(c),
                        Val::Gone => unreachable!("closed loops pass no removed values"),
                    })
                    .collect();
                op.descr = Some(ctx.intern_descr(Descr::Target(self.token)));
            }
            Action::Emit
        }
    }
    let mut pass = Rewrite {
        pos: t.num_inputs(),
        at,
        end: t.len() - 1,
        args,
        jump,
        token,
    };
    // every op is emitted, so no value goes missing
    run_pass_mapped(t, &mut pass)
        .expect("a rewrite that emits every op")
        .0
}

/// Drop loop arguments of the peeled loop (the trace's last label) that nothing in the loop
/// reads except the back edge passing them on to other such arguments.
fn prune_loop_args(t: &Trace) -> Trace {
    let end = t.len() - 1;
    let Some(lp) = (0..end).rev().find(|&i| t.op(i).opcode == Opcode::Label) else {
        return t.clone();
    };
    let (params, jargs) = (t.args(lp), t.args(end));
    if t.target(end) != t.target(lp) || params.len() != jargs.len() {
        return t.clone();
    }
    let index: HashMap<OpRef, usize> = params.iter().enumerate().map(|(k, &r)| (r, k)).collect();
    let mut needed = vec![false; params.len()];
    let mark = |r: OpRef, needed: &mut Vec<bool>| {
        if let Some(&k) = index.get(&r) {
            needed[k] = true;
        }
    };
    for i in lp + 1..end {
        for &a in t.args(i) {
            mark(a, &mut needed);
        }
        if let Some(s) = t.op(i).snapshot() {
            for f in t.snapshot_frames(s) {
                for v in t.flat_values(t.frame_values(f)) {
                    mark(v, &mut needed);
                }
            }
        }
    }
    // a needed argument needs what the back edge passes to it
    loop {
        let mut changed = false;
        for k in 0..params.len() {
            if needed[k] {
                if let Some(&j) = index.get(&jargs[k]) {
                    if !needed[j] {
                        needed[j] = true;
                        changed = true;
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
    if needed.iter().all(|&x| x) {
        return t.clone();
    }
    let keep: Vec<usize> = (0..params.len()).filter(|&k| needed[k]).collect();
    let args: Vec<usize> = keep.iter().filter_map(|&k| params[k].as_op()).collect();
    let jump: Vec<Val> = keep
        .iter()
        .map(|&k| match t.const_value(jargs[k]) {
            Some(c) => Val::Const(c),
            None => jargs[k].as_op().map_or(Val::Gone, Val::Op),
        })
        .collect();
    let token = t.target(lp).expect("a label has a target");
    rewrite_loop(t, lp, &args, &jump, token)
}

/// Whether `t` has the shape [`unroll`] produces: two labels, the loop jumping to the second.
pub fn is_peeled(t: &Trace) -> bool {
    let labels: Vec<usize> = (0..t.len())
        .filter(|&i| t.op(i).opcode == Opcode::Label)
        .collect();
    labels.len() == 2
        && t.len() > 1
        && t.target(t.len() - 1) == t.target(labels[1])
        && t.op(t.len() - 1).opcode == Opcode::Jump
}

/// A peeled loop's optimized preamble, kept with the compiled loop so that a bridge jumping
/// to the loop can run a copy of it and then jump straight to the peeled loop (see the module
/// doc, "Bridges and the short preamble").
///
/// Held as a trace of its own: `[L...] <ops between the two labels> jump(Y..., t1)`, the
/// inputs standing for the arguments `L` of the loop's first label `t0`.
#[derive(Clone, Debug)]
pub struct Preamble {
    trace: Trace,
    /// The loop's first label (the one bridges jump to).
    pub entry: TargetToken,
    /// The peeled loop's label.
    pub body: TargetToken,
    /// Op position of the peeled loop's label in the loop trace (the preamble's guards are
    /// before it).
    pub body_pos: usize,
}

impl Preamble {
    /// The preamble of `t`, a loop [`unroll`] peeled, if it has at most `limit` ops (the
    /// final jump not counted); `None` for anything else.
    pub fn of(t: &Trace, limit: usize) -> Option<Preamble> {
        if limit == 0 || !is_peeled(t) {
            return None;
        }
        let labels: Vec<usize> = (0..t.len())
            .filter(|&i| t.op(i).opcode == Opcode::Label)
            .collect();
        let [l0, l1] = labels[..] else { return None };
        if l1 - l0 - 1 > limit {
            return None;
        }
        let (entry, body) = (t.target(l0)?, t.target(l1)?);
        // every value the preamble reads is a label argument or one of its own ops
        let mut known = vec![false; t.len()];
        for &a in t.args(l0) {
            known[a.as_op()?] = true;
        }
        let ok = |r: OpRef, known: &[bool]| {
            t.const_value(r).is_some() || r.as_op().is_some_and(|q| known[q])
        };
        for i in l0 + 1..=l1 {
            if !t.args(i).iter().all(|&a| ok(a, &known)) {
                return None;
            }
            if let Some(s) = t.op(i).snapshot() {
                for f in t.snapshot_frames(s) {
                    if !t
                        .flat_values(t.frame_values(f))
                        .iter()
                        .all(|&v| ok(v, &known))
                    {
                        return None;
                    }
                }
            }
            known[i] = true;
        }
        let mut b = TraceBuilder::new();
        let mut map = vec![OpRef::op(0); t.len()];
        for &a in t.args(l0) {
            map[a.as_op()?] = b.input(t.kind(a));
        }
        let mut memo: CopyMemo = Default::default();
        for i in l0 + 1..l1 {
            map[i] = copy_op(&mut b, t, i, &map, &mut memo);
        }
        let y: Vec<OpRef> = t
            .args(l1)
            .iter()
            .map(|&a| operand(&mut b, t, &map, a))
            .collect();
        b.jump(&y, body);
        Some(Preamble {
            trace: b.build(),
            entry,
            body,
            body_pos: l1,
        })
    }

    /// Ops of the preamble (its final jump not counted).
    pub fn len(&self) -> usize {
        self.trace.len() - self.trace.num_inputs() - 1
    }

    /// Whether the preamble has no ops.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The preamble as trace text (`[L...] ops jump(Y..., t1)`).
    pub fn text(&self) -> String {
        print(&self.trace)
    }

    /// `bridge`, which ends in `jump(J..., t0)` to this preamble's loop, with a copy of the
    /// preamble appended (its inputs `L` replaced by `J`, after a `debug_merge_point`
    /// [`SHORT_MARKER`]) and ending in the preamble's `jump(Y..., t1)` instead: what the bridge runs is unchanged, and the passes then
    /// optimize the copy knowing what the bridge computed. `None` when `bridge` does not end
    /// in a jump to `t0` with values of the right kinds.
    pub fn append_to(&self, bridge: &Trace) -> Option<Trace> {
        let n = bridge.len();
        let end = n.checked_sub(1)?;
        if bridge.op(end).opcode != Opcode::Jump || bridge.target(end) != Some(self.entry) {
            return None;
        }
        let p = &self.trace;
        let inputs = p.num_inputs();
        if bridge.args(end).len() != inputs {
            return None;
        }
        let mut b = TraceBuilder::new();
        let mut map = vec![OpRef::op(0); n];
        let mut memo: CopyMemo = Default::default();
        for i in 0..end {
            map[i] = copy_op(&mut b, bridge, i, &map, &mut memo);
        }
        b.debug_merge_point(&[], SHORT_MARKER);
        let mut pmap = vec![OpRef::op(0); p.len()];
        for (k, &a) in bridge.args(end).iter().enumerate() {
            let j = operand(&mut b, bridge, &map, a);
            if b.kind(j) != p.kind(OpRef::op(k)) {
                return None;
            }
            pmap[k] = j;
        }
        let mut pmemo: CopyMemo = Default::default();
        let pend = p.len() - 1;
        for i in inputs..pend {
            pmap[i] = copy_op(&mut b, p, i, &pmap, &mut pmemo);
        }
        let y: Vec<OpRef> = p
            .args(pend)
            .iter()
            .map(|&a| operand(&mut b, p, &pmap, a))
            .collect();
        b.jump(&y, self.body);
        Some(b.build())
    }
}
