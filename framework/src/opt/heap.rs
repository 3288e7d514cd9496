//! `heap`: heap caching over the IR. A load from a place the trace already loaded from or
//! stored to is replaced by the known value; stores and residual calls invalidate what they
//! may overwrite.
//!
//! The tracer does the same while recording (`jit/tracer.rs`), with alias classes from the
//! interpreter's types. This pass runs on any trace (bridges, traces other passes rewrote)
//! and knows only what the IR says, so its rules are the tracer's rules without classes:
//!
//! * A place is `(base, offset)` or `(base, index, offset, stride)` plus the memory type of
//!   the access. Two places with the same base (and the same index and stride, for indexed
//!   ones) overlap exactly when their byte ranges `[offset, offset + size)` do.
//! * A store to a place invalidates cached places with the same base whose bytes overlap it,
//!   and every cached place it may alias otherwise: a place with another base, or the same base
//!   with an address the pass cannot compare, whose access has the same size and value kind
//!   (type-based aliasing, as in the tracer: a location is always accessed with one type).
//!   Except: a field of a virtualizable frame (`vable_` descr) and an element of the frame's
//!   array (`vitem_`) never overlap, whatever their bases; at different bases, two accesses
//!   whose memory descriptors carry different alias classes (`MemDescr::class`, the tracer's
//!   type-based classes: struct type and field, or element type) never overlap; and an
//!   object allocated by the trace (`new`) is reached only through pointers computed after
//!   the `new`, so a store into it and a place whose base is older (a constant, an input, an
//!   earlier op) never overlap.
//! * A residual call (`call_*`) forgets everything, unless its descriptor says `readonly` (the
//!   callee writes no memory that existed before it); an elidable call (`call_pure_*`) writes
//!   nothing. Guards do not touch memory. A `label` forgets everything (nothing crosses it).
//! * A full-width store of the value the place is known to hold (stored or loaded there,
//!   with the same type, nothing since that may have overwritten it) is removed: memory
//!   already holds it (in a peeled loop, typically the frame's stack pointer stored at the end
//!   of one iteration and again, unchanged, early in the next).
//! * A load after a load of the same place and type gets the earlier value. A load after a
//!   store gets the stored value when the store wrote all 8 bytes of the same kind; a narrow
//!   unsigned load after a narrow store of the same size gets `int_and(value, 2^bits - 1)`
//!   (what the load would zero-extend); narrow signed loads after stores stay loads. A
//!   pointer load after a word store of an integer (a tagged value computed by integer ops)
//!   gets `cast_int_to_ptr(value)`, and an integer word load after a pointer store
//!   `cast_ptr_to_int(value)`.
//!
//! ```text
//! i2 = load_i(p0, 8, descr=i64)
//! store_i(p0, 16, i1, descr=i64)     # other bytes of p0: i2 stays cached
//! i4 = load_i(p0, 8, descr=i64)      =>  (uses of i4 become i2)
//! i5 = load_i(p0, 16, descr=i64)     =>  (uses of i5 become i1)
//! store_i(p3, 0, i1, descr=i64)      # another base, same type: forgets (p0, 8) and (p0, 16)
//! store_i(p0, 32, i9, descr=u8)
//! i8 = load_i(p0, 32, descr=u8)      =>  i8 = int_and(i9, 255)
//! call_n(4096, descr=call()->n "f")  # forgets everything
//! ```

use super::{Action, Ctx, FxMap, Pass, PendingOp};
use crate::ir::{Descr, Kind, MemDescr, MemType, OpFlags, OpRef, Opcode, Value};

/// Where an access goes, relative to its base.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
enum Addr {
    /// `base + offset`.
    Plain(i64),
    /// `base + index * stride + offset`.
    Indexed(OpRef, u32, i64),
}

impl Addr {
    /// Whether two accesses at the same base can be compared byte by byte, and if so whether
    /// `[self, self + n)` and `[o, o + m)` are disjoint.
    fn disjoint(self, n: u8, o: Addr, m: u8) -> Option<bool> {
        let (a, b) = match (self, o) {
            (Addr::Plain(a), Addr::Plain(b)) => (a, b),
            (Addr::Indexed(i, s, a), Addr::Indexed(j, t, b)) if i == j && s == t => (a, b),
            _ => return None,
        };
        Some(a.saturating_add(n as i64) <= b || b.saturating_add(m as i64) <= a)
    }
}

/// A cached place's content.
#[derive(Copy, Clone, Debug)]
struct Entry {
    value: OpRef,
    ty: MemType,
    /// The access's descriptor (for the virtualizable-frame rule, [`MemDescr::vable_disjoint`]).
    desc: MemDescr,
    /// Written by a store (the value is the stored operand, not yet truncated).
    stored: bool,
}

/// The pass.
#[derive(Default)]
pub struct Heap {
    cache: FxMap<(OpRef, Addr), Entry>,
    /// Results of `new` seen so far (objects the trace allocates).
    fresh: FxMap<OpRef, ()>,
    /// The cache entry recorded with the op being fed as its value (for [`Pass::retract`]).
    last: Option<(OpRef, Addr)>,
}

/// Whether `b` existed before op `f` (a constant, or an earlier op): then it cannot point
/// into the object `f` allocates.
fn older(b: OpRef, f: OpRef) -> bool {
    b.as_const().is_some() || matches!((b.as_op(), f.as_op()), (Some(x), Some(y)) if x < y)
}

/// The place and memory type of a load or store, if its offset (and index) are as expected.
fn place(ctx: &Ctx<'_>, op: &PendingOp) -> Option<(OpRef, Addr, MemType, MemDescr)> {
    let Some(&Descr::Mem(m)) = op.descr.map(|d| ctx.descr(d)) else {
        return None;
    };
    let indexed = op.opcode.flags().contains(OpFlags::INDEXED);
    let base = op.args[0];
    let addr = if indexed {
        let off = ctx.const_int(op.args[2])?;
        match ctx.const_int(op.args[1]) {
            // a constant index is a plain offset
            Some(i) => Addr::Plain(i.checked_mul(m.scale as i64)?.checked_add(off)?),
            None => Addr::Indexed(op.args[1], m.scale, off),
        }
    } else {
        Addr::Plain(ctx.const_int(op.args[1])?)
    };
    Some((base, addr, m.ty, m))
}

impl Heap {
    /// A store of type `ty` to `(base, addr)`: drop every entry it may overwrite.
    fn invalidate(&mut self, base: OpRef, addr: Addr, ty: MemType, desc: MemDescr) {
        let fresh = &self.fresh;
        self.cache.retain(|&(b, a), e| {
            if desc.vable_disjoint(e.desc) {
                return true; // a frame field and an element of the frame's array
            }
            if b == base {
                if let Some(disjoint) = a.disjoint(e.ty.size(), addr, ty.size()) {
                    return disjoint;
                }
            } else if (fresh.contains_key(&base) && older(b, base))
                || (fresh.contains_key(&b) && older(base, b))
            {
                return true; // an object the trace allocated, and memory older than it
            }
            if desc.classes_disjoint(e.desc) {
                return true; // two different fields (type-based alias classes)
            }
            // may alias: only an access of another size or kind survives (a word integer
            // and a pointer are one kind here: a tagged value is stored as either)
            let word = |t: MemType| matches!(t, MemType::Ref | MemType::Int { size: 8, .. });
            e.ty.size() != ty.size() || (e.ty.kind() != ty.kind() && !(word(e.ty) && word(ty)))
        });
    }
}

impl Pass for Heap {
    fn name(&self) -> &'static str {
        "heap"
    }

    fn chainable(&self) -> bool {
        true
    }

    fn retract(&mut self, r: OpRef, now: Option<OpRef>) {
        self.fresh.remove(&r);
        if let Some(key) = self.last.take() {
            match (now, self.cache.get_mut(&key)) {
                (Some(v), Some(e)) if e.value == r => e.value = v,
                (None, Some(e)) if e.value == r => {
                    self.cache.remove(&key);
                }
                _ => {}
            }
        }
    }

    fn feed(&mut self, ctx: &mut Ctx<'_>, op: &mut PendingOp) -> Action {
        self.last = None;
        let opc = op.opcode;
        let flags = opc.flags();
        let readonly_call =
            matches!(op.descr.map(|d| ctx.descr(d)), Some(Descr::Call(d)) if d.readonly);
        if opc == Opcode::Label
            || (flags.contains(OpFlags::CALL) && !opc.is_pure() && !readonly_call)
        {
            self.cache.clear();
            return Action::Emit;
        }
        if opc == Opcode::New {
            self.fresh.insert(ctx.next_ref(), ());
            return Action::Emit;
        }
        if flags.contains(OpFlags::LOAD) {
            let Some((base, addr, ty, desc)) = place(ctx, op) else {
                return Action::Emit;
            };
            if let Some(e) = self.cache.get(&(base, addr)).copied() {
                let same_kind = e.ty.kind() == ty.kind() && e.ty.size() == ty.size();
                if !e.stored && e.ty == ty {
                    // load after a load of the same place and type => the earlier value
                    return Action::Replace(e.value);
                }
                if e.stored && same_kind && ty.size() == 8 {
                    // load after a full-width store of the same kind => the stored value
                    return Action::Replace(e.value);
                }
                let word = |t: MemType| matches!(t, MemType::Ref | MemType::Int { size: 8, .. });
                if e.stored && word(e.ty) && word(ty) && e.ty.kind() != ty.kind() {
                    // a pointer load after a word store of an integer (or the reverse: a
                    // tagged value built from an int) => the stored value, cast
                    op.opcode = if ty.kind() == Kind::Ref {
                        Opcode::CastIntToPtr
                    } else {
                        Opcode::CastPtrToInt
                    };
                    op.args = vec![e.value];
                    op.descr = None;
                    self.last = Some((base, addr));
                    self.cache.insert(
                        (base, addr),
                        Entry {
                            value: ctx.next_ref(),
                            ty,
                            desc,
                            stored: false,
                        },
                    );
                    return Action::Emit;
                }
                if let (
                    true,
                    MemType::Int {
                        size,
                        signed: false,
                    },
                ) = (e.stored && same_kind, ty)
                {
                    // narrow unsigned load after a store of that size => value & (2^bits - 1)
                    let mask = ctx.constant(Value::Int((1i64 << (8 * size as u32)) - 1));
                    op.opcode = Opcode::IntAnd;
                    op.args = vec![e.value, mask];
                    op.descr = None;
                    self.last = Some((base, addr));
                    self.cache.insert(
                        (base, addr),
                        Entry {
                            value: ctx.next_ref(),
                            ty,
                            desc,
                            stored: false,
                        },
                    );
                    return Action::Emit;
                }
            }
            self.last = Some((base, addr));
            self.cache.insert(
                (base, addr),
                Entry {
                    value: ctx.next_ref(),
                    ty,
                    desc,
                    stored: false,
                },
            );
            return Action::Emit;
        }
        if flags.contains(OpFlags::STORE) {
            let Some((base, addr, ty, desc)) = place(ctx, op) else {
                // an address the pass cannot describe: forget everything
                self.cache.clear();
                return Action::Emit;
            };
            let value = *op.args.last().expect("stores have a value");
            if let Some(e) = self.cache.get(&(base, addr)) {
                if e.value == value && e.ty == ty && e.desc == desc && ty.size() == 8 {
                    // store of the value the place is known to hold => (nothing)
                    return Action::Remove;
                }
            }
            self.invalidate(base, addr, ty, desc);
            if ctx.kind(value) != Kind::Void {
                self.cache.insert(
                    (base, addr),
                    Entry {
                        value,
                        ty,
                        desc,
                        stored: true,
                    },
                );
            }
        }
        Action::Emit
    }
}

#[cfg(test)]
mod tests {
    use crate::opt::check_opt;

    fn check(input: &str, expected: &str) {
        if let Err(e) = check_opt(input, "heap", expected) {
            panic!("{e}");
        }
    }

    #[test]
    fn loads_after_loads_and_stores() {
        check(
            "[p0, i1, p2]\ni3 = load_i(p0, 8, descr=i64)\nstore_i(p0, 16, i1, descr=i64)\n\
             i5 = load_i(p0, 8, descr=i64)\ni6 = load_i(p0, 16, descr=i64)\nf7 = load_f(p2, 0, descr=f64)\n\
             store_i(p2, 8, i1, descr=i64)\ni9 = load_i(p0, 8, descr=i64)\nf10 = load_f(p2, 0, descr=f64)\n\
             finish(i3, i5, i6, i9, f7, f10)\n",
            "[p0, i1, p2]\ni3 = load_i(p0, 8, descr=i64)\nstore_i(p0, 16, i1, descr=i64)\n\
             f7 = load_f(p2, 0, descr=f64)\nstore_i(p2, 8, i1, descr=i64)\ni9 = load_i(p0, 8, descr=i64)\n\
             finish(i3, i3, i1, i9, f7, f7)\n",
        );
    }

    #[test]
    fn a_word_store_forwards_to_a_load_of_the_other_kind() {
        check(
            "[p0, i1, p2]\nstore_i(p0, 8, i1, descr=i64)\np4 = load_r(p0, 8, descr=ref)\n\
             store_r(p0, 16, p2, descr=ref)\ni6 = load_i(p0, 16, descr=i64)\n\
             p7 = load_r(p0, 24, descr=ref)\nstore_i(p2, 0, i1, descr=i64)\n\
             p9 = load_r(p0, 24, descr=ref)\nfinish(p4, i6, p9)\n",
            "[p0, i1, p2]\nstore_i(p0, 8, i1, descr=i64)\np4 = cast_int_to_ptr(i1)\n\
             store_r(p0, 16, p2, descr=ref)\ni6 = cast_ptr_to_int(p2)\n\
             p7 = load_r(p0, 24, descr=ref)\nstore_i(p2, 0, i1, descr=i64)\n\
             p9 = load_r(p0, 24, descr=ref)\nfinish(p4, i6, p9)\n",
        );
    }

    #[test]
    fn a_readonly_call_keeps_what_is_known() {
        // (the GC write barrier is such a call: the store's value is still known after it)
        check(
            "[p0, i1]\nstore_i(p0, 8, i1, descr=i64)\ni3 = load_i(p0, 16, descr=i64)\n\
             call_n(4096, p0, descr=call(r)->n \"barrier\" readonly)\n\
             i5 = load_i(p0, 8, descr=i64)\ni6 = load_i(p0, 16, descr=i64)\n\
             call_n(4096, p0, descr=call(r)->n \"f\")\ni8 = load_i(p0, 16, descr=i64)\n\
             finish(i5, i6, i8)\n",
            "[p0, i1]\nstore_i(p0, 8, i1, descr=i64)\ni3 = load_i(p0, 16, descr=i64)\n\
             call_n(4096, p0, descr=call(r)->n \"barrier\" readonly)\n\
             call_n(4096, p0, descr=call(r)->n \"f\")\ni8 = load_i(p0, 16, descr=i64)\n\
             finish(i1, i3, i8)\n",
        );
    }

    #[test]
    fn overlapping_bytes_and_narrow_stores() {
        check(
            "[p0, i1]\ni2 = load_i(p0, 8, descr=i64)\nstore_i(p0, 12, i1, descr=u8)\ni4 = load_i(p0, 8, descr=i64)\n\
             i5 = load_i(p0, 12, descr=u8)\ni6 = load_i(p0, 12, descr=i8)\nstore_i(p0, 0, i1, descr=u8)\n\
             i8 = load_i(p0, 12, descr=u8)\nfinish(i2, i4, i5, i6, i8)\n",
            "[p0, i1]\ni2 = load_i(p0, 8, descr=i64)\nstore_i(p0, 12, i1, descr=u8)\ni4 = load_i(p0, 8, descr=i64)\n\
             i5 = int_and(i1, 255)\ni6 = load_i(p0, 12, descr=i8)\nstore_i(p0, 0, i1, descr=u8)\n\
             i8 = load_i(p0, 12, descr=u8)\nfinish(i2, i4, i5, i6, i8)\n",
        );
    }

    #[test]
    fn indexed_places_calls_and_labels() {
        check(
            "[p0, i1, i2]\ni3 = load_idx_i(p0, i1, 16, descr=u8x1)\ni4 = load_idx_i(p0, i1, 16, descr=u8x1)\n\
             store_idx_i(p0, i1, 17, i2, descr=u8x1)\ni6 = load_idx_i(p0, i1, 16, descr=u8x1)\n\
             store_idx_i(p0, i2, 16, i2, descr=u8x1)\ni8 = load_idx_i(p0, i1, 16, descr=u8x1)\n\
             i9 = load_i(p0, 0, descr=i64)\ncall_n(4096, descr=call()->n \"f\")\ni11 = load_i(p0, 0, descr=i64)\n\
             i12 = call_pure_i(8192, i11, descr=call(i)->i \"g\")\ni13 = load_i(p0, 0, descr=i64)\n\
             label(p0, i1, descr=target1)\ni15 = load_i(p0, 0, descr=i64)\n\
             jump(p0, i15, descr=target1)\n",
            "[p0, i1, i2]\ni3 = load_idx_i(p0, i1, 16, descr=u8x1)\n\
             store_idx_i(p0, i1, 17, i2, descr=u8x1)\n\
             store_idx_i(p0, i2, 16, i2, descr=u8x1)\ni8 = load_idx_i(p0, i1, 16, descr=u8x1)\n\
             i9 = load_i(p0, 0, descr=i64)\ncall_n(4096, descr=call()->n \"f\")\ni11 = load_i(p0, 0, descr=i64)\n\
             i12 = call_pure_i(8192, i11, descr=call(i)->i \"g\")\n\
             label(p0, i1, descr=target1)\ni15 = load_i(p0, 0, descr=i64)\n\
             jump(p0, i15, descr=target1)\n",
        );
    }
}
