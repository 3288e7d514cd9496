//! `wbarrier`: removes GC write barriers a trace does not need.
//!
//! A write barrier is a `call_n` named `gc::jit::WRITE_BARRIER_CALL` with one argument, the
//! address of a slot a reference was (or will be) stored to; the backend inlines it as a card
//! mark: if the slot lies in the old generation, its card is remembered. It reads and writes
//! no memory of the program and never collects. A card stays remembered until the next
//! collection, and collections happen only inside calls and allocations (`new`). The tracer
//! records a barrier when the interpreter stores, but the store itself later (lazy stores),
//! and `virtualize` emits one right after a store it re-emits; either way a barrier and the
//! store it is for lie in the same *region*: a stretch of the trace with no collection point
//! (any call but a barrier, `new`, `label`, `jump`, `finish`).
//!
//! Rules, per region:
//!
//! * a barrier is dropped when no store in its region may write a heap pointer to its slot:
//!   every store that may alias the slot stores a value known not to be a GC pointer (a
//!   constant that is 0 or not 8-aligned, or `int_or(x, c)` / `cast_int_to_ptr` of it with
//!   `c` not 8-aligned: a tagged small int or an immediate), or there is no such store at
//!   all (its store was sunk into the loop's exits by `vable`, or removed as redundant).
//!   Stores the driver performs when a guard fails run their own barriers
//!   (`jit::recorded::perform_pending`), so snapshots need none;
//! * of the barriers left, one whose slot an earlier barrier of the region already marked is
//!   dropped (the card is still remembered).
//!
//! A slot is `(base, offset)` when the barrier's address is `cast_int_to_ptr(int_add(
//! cast_ptr_to_int(base), offset))` or the `int_add` itself (what traced code computes for
//! `&base.field` or an element at a constant index), else the address value itself. A store
//! may alias a slot unless both are `(base, offset)` forms with the same base and
//! non-overlapping bytes, or the store's base is an object the trace allocated (`new`) after
//! the slot's base existed, or the slot is accessed elsewhere in the trace with a known alias
//! class (`MemDescr::class`) that the store's class rules out.
//!
//! ```text
//! call_n(W, p5, descr=call(r)->n "metatracer::gc::write_barrier")   => (kept)
//! call_n(W, p5, descr=call(r)->n "metatracer::gc::write_barrier")   => (removed: marked)
//! call_n(W, p6, descr=call(r)->n "metatracer::gc::write_barrier")   => (removed: int stored)
//! store_r(p1, 40, p9, descr=ref)                # p5 = slot (p1, 40)
//! store_i(p1, 48, i8, descr=i64)                # p6 = slot (p1, 48), i8 = int_or(i7, 1)
//! ```

use super::{Action, Ctx, Pass, PendingOp};
use crate::ir::{MemDescr, OpFlags, OpRef, Opcode, Trace, Value};

/// Whether op `i` of `t` is a write barrier call.
pub fn is_barrier(t: &Trace, i: usize) -> bool {
    t.op(i).opcode == Opcode::CallN
        && t.args(i).len() == 2
        && t.call_descr(i)
            .is_some_and(|d| d.name == crate::gc::jit::WRITE_BARRIER_CALL)
}

/// A barrier's slot.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Slot {
    /// `base + offset`.
    At(OpRef, i64),
    /// An address the pass cannot decompose.
    Addr(OpRef),
}

fn def(t: &Trace, r: OpRef, opcode: Opcode) -> Option<&[OpRef]> {
    let q = r.as_op()?;
    (t.op(q).opcode == opcode).then(|| t.args(q))
}

/// The slot a barrier's address names (see the module doc).
pub fn slot_of(t: &Trace, addr: OpRef) -> Slot {
    let decompose = || {
        // the address as a pointer, or the integer it was computed as
        let x = match def(t, addr, Opcode::CastIntToPtr) {
            Some(&[x]) => x,
            _ => addr,
        };
        if let Some(&[b]) = def(t, x, Opcode::CastPtrToInt) {
            return Some(Slot::At(b, 0));
        }
        let &[y, c] = def(t, x, Opcode::IntAdd)? else {
            return None;
        };
        let (y, c) = match t.const_value(c) {
            Some(Value::Int(k)) => (y, k),
            _ => match t.const_value(y) {
                Some(Value::Int(k)) => (c, k),
                _ => return None,
            },
        };
        let &[b] = def(t, y, Opcode::CastPtrToInt)? else {
            return None;
        };
        Some(Slot::At(b, c))
    };
    decompose().unwrap_or(Slot::Addr(addr))
}

/// Whether `v` is known not to be a pointer to a GC object (objects are 8-aligned).
fn not_pointer(t: &Trace, v: OpRef) -> bool {
    let unaligned = |w: i64| w == 0 || w & 7 != 0;
    match t.const_value(v) {
        Some(Value::Int(w)) => return unaligned(w),
        Some(Value::Ref(p)) => return unaligned(p as i64),
        Some(_) => return true,
        None => {}
    }
    if let Some(&[x]) = def(t, v, Opcode::CastIntToPtr) {
        return not_pointer(t, x);
    }
    if let Some(&[a, b]) = def(t, v, Opcode::IntOr) {
        let low = |r: OpRef| matches!(t.const_value(r), Some(Value::Int(k)) if k & 7 != 0);
        return low(a) || low(b);
    }
    t.kind(v) == crate::ir::Kind::Float
}

/// Whether `f` is the result of a `new` and `b` existed before it (a constant or an earlier
/// op): a store into the object `f` allocates never writes memory reached from `b`.
fn fresh_after(t: &Trace, f: OpRef, b: OpRef) -> bool {
    let Some(q) = f.as_op() else { return false };
    t.op(q).opcode == Opcode::New && (b.as_const().is_some() || b.as_op().is_some_and(|x| x < q))
}

/// Whether op `i` ends a region (may collect, or is a loop boundary).
fn collects(t: &Trace, i: usize) -> bool {
    let op = t.op(i).opcode;
    let f = op.flags();
    (f.contains(OpFlags::CALL) && !is_barrier(t, i))
        || f.contains(OpFlags::ALLOC)
        || f.contains(OpFlags::FINAL)
        || op == Opcode::Label
}

/// The slot of store `i` (`None` for an indexed store with a variable index: it may write
/// any element) with its byte size.
fn store_place(t: &Trace, i: usize) -> Option<(OpRef, i64, i64)> {
    let a = t.args(i);
    let m = t.mem_descr(i)?;
    let size = m.ty.size() as i64;
    if t.op(i).opcode.flags().contains(OpFlags::INDEXED) {
        let Some(Value::Int(k)) = t.const_value(a[1]) else {
            return None;
        };
        let Some(Value::Int(off)) = t.const_value(a[2]) else {
            return None;
        };
        return Some((a[0], k.checked_mul(m.scale as i64)?.checked_add(off)?, size));
    }
    let Some(Value::Int(off)) = t.const_value(a[1]) else {
        return None;
    };
    Some((a[0], off, size))
}

/// A store that may write a pointer: its slot (see [`store_place`]), base and alias class.
type PtrStore = (Option<(OpRef, i64, i64)>, OpRef, u32);

/// Which ops of `t` are barriers to drop (see the module doc).
pub fn removable(t: &Trace) -> Vec<bool> {
    let n = t.len();
    // the alias class of each plain place the trace accesses with a known class (a place is
    // always accessed as the same field: the tracer's type-based rule)
    let mut slot_classes: rustc_hash::FxHashMap<(OpRef, i64), u32> = Default::default();
    for i in 0..n {
        let f = t.op(i).opcode.flags();
        if !(f.contains(OpFlags::STORE) || f.contains(OpFlags::LOAD)) {
            continue;
        }
        if let (Some(m), Some((b, off, _))) = (t.mem_descr(i), store_place(t, i)) {
            if m.class != 0 {
                slot_classes.insert((b, off), m.class);
            }
        }
    }
    let mut drop = vec![false; n];
    let mut start = 0;
    while start < n {
        let mut end = start;
        while end < n && !collects(t, end) {
            end += 1;
        }
        // region [start, end): stores that may write a pointer
        let mut ptr_stores: Vec<PtrStore> = Vec::new();
        for i in start..end {
            if t.op(i).opcode.flags().contains(OpFlags::STORE) {
                let v = *t.args(i).last().expect("a store has a value");
                if !not_pointer(t, v) {
                    let class = t.mem_descr(i).map_or(0, |m| m.class);
                    ptr_stores.push((store_place(t, i), t.args(i)[0], class));
                }
            }
        }
        let mut marked: Vec<Slot> = Vec::new();
        for (i, d) in drop.iter_mut().enumerate().take(end).skip(start) {
            if !is_barrier(t, i) {
                continue;
            }
            let slot = slot_of(t, t.args(i)[1]);
            let needed = ptr_stores.iter().any(|(s, base, class)| match (s, slot) {
                (Some((b, off, size)), Slot::At(sb, so)) if *b == sb => {
                    *off <= so && so < off + size
                }
                // another base: an object the trace allocated after the slot's base existed,
                // or a place of another alias class than the slot's
                (_, Slot::At(sb, so)) => {
                    !(fresh_after(t, *base, sb)
                        || slot_classes.get(&(sb, so)).is_some_and(|&c| {
                            MemDescr::I64
                                .with_class(c)
                                .classes_disjoint(MemDescr::I64.with_class(*class))
                        }))
                }
                _ => true,
            });
            if !needed || marked.contains(&slot) {
                *d = true;
            } else {
                marked.push(slot);
            }
        }
        start = end + 1;
    }
    drop
}

/// The pass: drops the barriers [`removable`] finds.
#[derive(Default)]
pub struct WBarrier {
    drop: Vec<bool>,
    pos: usize,
}

impl Pass for WBarrier {
    fn name(&self) -> &'static str {
        "wbarrier"
    }

    fn prepare(&mut self, t: &Trace) {
        let inputs = (0..t.len())
            .take_while(|&p| t.op(p).opcode.flags().contains(OpFlags::INPUT))
            .count();
        self.drop = removable(t)[inputs..].to_vec();
        self.pos = 0;
    }

    fn feed(&mut self, _ctx: &mut Ctx<'_>, _op: &mut PendingOp) -> Action {
        let d = self.drop.get(self.pos).copied().unwrap_or(false);
        self.pos += 1;
        if d {
            Action::Remove
        } else {
            Action::Emit
        }
    }
}

#[cfg(test)]
mod tests {
    const W: &str = "call(r)->n \"metatracer::gc::write_barrier\" readonly";

    fn t(body: &str) -> String {
        body.replace("WB", W)
    }

    fn check_opt(passes: &str, input: &str, expected: &str) {
        if let Err(e) = crate::opt::check_opt(input, passes, &t(expected)) {
            panic!("{e}");
        }
    }

    #[test]
    fn duplicate_barrier_is_dropped() {
        check_opt(
            "wbarrier",
            &t("[p0, p1]
             i2 = cast_ptr_to_int(p0)
             i3 = int_add(i2, 40)
             p4 = cast_int_to_ptr(i3)
             call_n(0, p4, descr=WB)
             call_n(0, p4, descr=WB)
             store_r(p0, 40, p1, descr=ref)
             finish()"),
            &t("[p0, p1]
             i2 = cast_ptr_to_int(p0)
             i3 = int_add(i2, 40)
             p4 = cast_int_to_ptr(i3)
             call_n(0, p4, descr=WB)
             store_r(p0, 40, p1, descr=ref)
             finish()"),
        );
    }

    #[test]
    fn barrier_after_a_call_stays() {
        // the call may collect and clean the card
        let s = t("[p0, p1]
             i2 = cast_ptr_to_int(p0)
             i3 = int_add(i2, 40)
             p4 = cast_int_to_ptr(i3)
             call_n(0, p4, descr=WB)
             store_r(p0, 40, p1, descr=ref)
             call_n(8, descr=call()->n \"f\")
             call_n(0, p4, descr=WB)
             store_r(p0, 40, p1, descr=ref)
             finish()");
        check_opt("wbarrier", &s, &s);
    }

    #[test]
    fn barrier_of_an_int_store_is_dropped() {
        check_opt(
            "wbarrier",
            &t("[p0, i1]
             i2 = cast_ptr_to_int(p0)
             i3 = int_add(i2, 48)
             p4 = cast_int_to_ptr(i3)
             i5 = int_or(i1, 1)
             call_n(0, p4, descr=WB)
             store_i(p0, 48, i5, descr=i64)
             i6 = int_add(i2, 56)
             p7 = cast_int_to_ptr(i6)
             call_n(0, p7, descr=WB)
             store_r(p0, 56, ptr(0x15), descr=ref)
             finish()"),
            &t("[p0, i1]
             i2 = cast_ptr_to_int(p0)
             i3 = int_add(i2, 48)
             p4 = cast_int_to_ptr(i3)
             i5 = int_or(i1, 1)
             store_i(p0, 48, i5, descr=i64)
             i6 = int_add(i2, 56)
             p7 = cast_int_to_ptr(i6)
             store_r(p0, 56, ptr(0x15), descr=ref)
             finish()"),
        );
    }

    #[test]
    fn pointer_store_keeps_its_barrier_before_or_after() {
        // after: the barrier `virtualize` emits behind a store; an unknown base may alias
        let s = t("[p0, p1, p2]
             i2 = cast_ptr_to_int(p0)
             i3 = int_add(i2, 48)
             p4 = cast_int_to_ptr(i3)
             store_r(p0, 48, p1, descr=ref)
             call_n(0, p4, descr=WB)
             i5 = int_add(i2, 64)
             p6 = cast_int_to_ptr(i5)
             call_n(0, p6, descr=WB)
             store_r(p2, 8, p1, descr=ref)
             finish()");
        check_opt("wbarrier", &s, &s);
    }

    #[test]
    fn store_elsewhere_in_the_same_object_does_not_need_it() {
        check_opt(
            "wbarrier",
            &t("[p0, p1]
             i2 = cast_ptr_to_int(p0)
             i3 = int_add(i2, 48)
             p4 = cast_int_to_ptr(i3)
             call_n(0, p4, descr=WB)
             store_r(p0, 56, p1, descr=ref)
             finish()"),
            "[p0, p1]
             i2 = cast_ptr_to_int(p0)
             i3 = int_add(i2, 48)
             p4 = cast_int_to_ptr(i3)
             store_r(p0, 56, p1, descr=ref)
             finish()",
        );
    }
}
