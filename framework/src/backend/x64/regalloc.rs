//! Linear-scan register allocation over a linear trace (Poletto & Sarkar style: every value
//! gets one location, a register or a spill slot, for its whole live interval).
//!
//! Intervals: a value lives from its defining op to its last use as an argument, as a
//! snapshot value of a guard, or as a `jump` argument. Label arguments need not live to the
//! end: the `jump` performs a parallel move into their locations, which reads every source
//! before writing, so their locations may be reused after their last use. A value that the
//! closing `jump` passes to label argument `k` is preferably given `k`'s location (a hint),
//! which turns most of the jump's moves into no-ops. Values whose
//! interval strictly contains a call get a callee-saved register (ints) or a spill slot
//! (floats: SysV has no callee-saved XMM registers), so calls need no save/restore code.
//! When registers run out, the value whose next use as an operand is farthest away is moved
//! to a spill slot (values that only snapshots still need go first: exit stubs read spill
//! slots as easily as registers); that may be the new value itself.

use crate::ir::{Kind, OpFlags, Opcode, Trace};

/// Where a value lives.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub enum Loc {
    /// A general-purpose register (x86 encoding number).
    Gpr(u8),
    /// An XMM register.
    Xmm(u8),
    /// A spill slot (index into the native frame's spill area).
    Stack(u32),
    /// The op has no result, or its result is never used and needs no home.
    None,
}

/// GPRs the allocator hands out: caller-saved first, then callee-saved.
pub const ALLOC_GPRS: [u8; 9] = [6, 7, 8, 9, 3, 12, 13, 14, 15]; // rsi rdi r8 r9 rbx r12-r15
/// The callee-saved subset of [`ALLOC_GPRS`].
pub const CALLEE_SAVED: [u8; 5] = [3, 12, 13, 14, 15];
/// XMM registers the allocator hands out (xmm14/xmm15 are scratch).
pub const ALLOC_XMMS: [u8; 14] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
/// Number of spill slots in the fixed native frame.
pub const SPILL_SLOTS: u32 = 256;

/// The allocation of a whole trace.
#[derive(Debug)]
pub struct Allocation {
    /// Location of each op's result, indexed by op position.
    pub locs: Vec<Loc>,
    /// Highest spill slot used + 1.
    pub spill_slots: u32,
}

/// Last use of each op's result (its own position if unused).
pub fn live_ends(t: &Trace) -> Vec<usize> {
    let n = t.len();
    let mut end: Vec<usize> = (0..n).collect();
    let touch = |end: &mut Vec<usize>, r: crate::ir::OpRef, p: usize| {
        if let Some(i) = r.as_op() {
            if i < n && end[i] < p {
                end[i] = p;
            }
        }
    };
    for p in 0..n {
        for &a in t.args(p) {
            touch(&mut end, a, p);
        }
        if let Some(s) = t.op(p).snapshot() {
            for f in t.snapshot_frames(s) {
                for v in t.flat_values(t.frame_values(f)) {
                    touch(&mut end, v, p);
                }
            }
        }
    }
    end
}

/// Allocate locations for every value of `t`.
pub fn allocate(t: &Trace) -> Result<Allocation, String> {
    let n = t.len();
    let end = live_ends(t);
    let calls: Vec<usize> = (0..n)
        .filter(|&p| {
            let f = t.op(p).opcode.flags();
            f.contains(OpFlags::CALL) || f.contains(OpFlags::ALLOC)
        })
        .collect();
    let crosses_call = |def: usize, e: usize| calls.iter().any(|&c| def < c && c < e);
    let mut locs = vec![Loc::None; n];
    // value -> the label argument it is passed to by a jump back to a label of this trace
    let mut hints: Vec<(usize, usize)> = Vec::new();
    for j in 0..n {
        if t.op(j).opcode != Opcode::Jump {
            continue;
        }
        let Some(lp) = t.target(j).and_then(|tok| t.label_pos(tok)) else {
            continue;
        };
        for (&a, &l) in t.args(j).iter().zip(t.args(lp)) {
            if let (Some(a), Some(l)) = (a.as_op(), l.as_op()) {
                if a > lp && !hints.iter().any(|&(v, _)| v == a) {
                    hints.push((a, l));
                }
            }
        }
    }
    let hint_of = |v: usize| hints.iter().find(|&&(x, _)| x == v).map(|&(_, l)| l);
    // positions where each value is an operand (snapshot uses excluded), ascending
    let mut uses: Vec<Vec<usize>> = vec![Vec::new(); n];
    for p in 0..n {
        for &a in t.args(p) {
            if let Some(i) = a.as_op() {
                if i < n && uses[i].last() != Some(&p) {
                    uses[i].push(p);
                }
            }
        }
    }
    let next_use = |v: usize, p: usize| -> usize {
        let u = &uses[v];
        let k = u.partition_point(|&x| x <= p);
        u.get(k).copied().unwrap_or(usize::MAX)
    };
    // active intervals: (end, value)
    let mut active: Vec<(usize, usize)> = Vec::new();
    // occupied intervals per spill slot: a value spilled late (as a victim) needs its slot
    // free from its definition on, not just from the moment it is spilled
    let mut slots: Vec<Vec<(usize, usize)>> = Vec::new();
    for p in 0..n {
        // expire intervals that ended before p (their last use is an earlier op)
        active.retain(|&(e, _)| e >= p);
        let kind = t.op(p).kind();
        if kind == Kind::Void {
            continue;
        }
        // values whose last use is this op may give their register to the result: the
        // code generator reads all arguments before writing the result
        let in_use: Vec<Loc> = active
            .iter()
            .filter(|&&(e, _)| e > p)
            .map(|&(_, v)| locs[v])
            .collect();
        let e = end[p];
        let crosses = crosses_call(p, e);
        let is_float = kind == Kind::Float;
        let candidates: Vec<Loc> = if is_float {
            if crosses {
                vec![]
            } else {
                ALLOC_XMMS.iter().map(|&x| Loc::Xmm(x)).collect()
            }
        } else if crosses {
            CALLEE_SAVED.iter().map(|&r| Loc::Gpr(r)).collect()
        } else {
            ALLOC_GPRS.iter().map(|&r| Loc::Gpr(r)).collect()
        };
        let hinted = hint_of(p)
            .map(|k| locs[k])
            .filter(|h| candidates.contains(h) && !in_use.contains(h));
        let mut chosen =
            hinted.or_else(|| candidates.iter().copied().find(|c| !in_use.contains(c)));
        if chosen.is_none() && !candidates.is_empty() {
            // spill the active value (in a candidate register) used next farthest away, unless
            // the new value's own next use is farther still
            let victim = active
                .iter()
                .filter(|&&(ve, v)| ve > p && candidates.contains(&locs[v]))
                .max_by_key(|&&(ve, v)| (next_use(v, p), ve))
                .copied();
            if let Some((ve, v)) = victim {
                if (next_use(v, p), ve) > (next_use(p, p), e) {
                    chosen = Some(locs[v]);
                    locs[v] = Loc::Stack(take_slot(&mut slots, v, ve)?);
                    active.retain(|&(_, x)| x != v);
                }
            }
        }
        match chosen {
            Some(r) => {
                locs[p] = r;
                active.push((e, p));
            }
            None => locs[p] = Loc::Stack(take_slot(&mut slots, p, e)?),
        }
    }
    Ok(Allocation {
        locs,
        spill_slots: slots.len() as u32,
    })
}

/// A spill slot free during the whole interval `[start, end]`.
fn take_slot(
    slots: &mut Vec<Vec<(usize, usize)>>,
    start: usize,
    end: usize,
) -> Result<u32, String> {
    let free = slots
        .iter()
        .position(|occ| occ.iter().all(|&(s, e)| e < start || end < s));
    let k = match free {
        Some(k) => k,
        None => {
            if slots.len() >= SPILL_SLOTS as usize {
                return Err(format!("more than {SPILL_SLOTS} values spilled at once"));
            }
            slots.push(Vec::new());
            slots.len() - 1
        }
    };
    slots[k].push((start, end));
    Ok(k as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::parse;

    /// No two values that are live at the same time share a location.
    fn check_no_overlap(t: &Trace, a: &Allocation) {
        let end = live_ends(t);
        for (x, &end_x) in end.iter().enumerate() {
            for y in x + 1..t.len() {
                if a.locs[x] == Loc::None || a.locs[x] != a.locs[y] {
                    continue;
                }
                // y is defined after x: they may share only if x's last use is at or before y's definition
                assert!(
                    end_x <= y,
                    "v{x} and v{y} share {:?} while both live",
                    a.locs[x]
                );
            }
        }
    }

    #[test]
    fn many_values_spill_without_overlap() {
        let mut text = String::from("[i0]\n");
        for k in 1..=30 {
            text.push_str(&format!("i{k} = int_add(i0, {k})\n"));
        }
        let mut acc = String::from("i1");
        for (k, j) in (31..).zip(2..=30) {
            text.push_str(&format!("i{k} = int_add({acc}, i{j})\n"));
            acc = format!("i{k}");
        }
        text.push_str(&format!("finish({acc})\n"));
        let t = parse(&text).unwrap();
        crate::ir::verify(&t).unwrap();
        let a = allocate(&t).unwrap();
        check_no_overlap(&t, &a);
        assert!(a.spill_slots > 0);
    }

    #[test]
    fn values_live_across_calls_avoid_caller_saved() {
        let t = parse(
            "[i0, f1]\ni2 = int_add(i0, 1)\nf3 = float_add(f1, 1.0)\ni4 = call_i(4096, i0, descr=call(i)->i)\n\
             i5 = int_add(i2, i4)\nf6 = float_add(f3, 2.0)\nfinish(i5, f6)\n",
        )
        .unwrap();
        let a = allocate(&t).unwrap();
        match a.locs[2] {
            Loc::Gpr(r) => assert!(CALLEE_SAVED.contains(&r), "{:?}", a.locs[2]),
            l => panic!("{l:?}"),
        }
        assert!(matches!(a.locs[3], Loc::Stack(_)), "{:?}", a.locs[3]);
        check_no_overlap(&t, &a);
    }
}
