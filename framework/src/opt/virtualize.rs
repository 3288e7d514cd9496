//! `virtualize`: allocation removal (escape analysis over the straight-line trace), after
//! RPython's `optimizeopt/virtualize.py`.
//!
//! A `new` is not emitted: the object is *virtual*, its fields are a table in the pass
//! (offset -> memory type and value; a field never stored reads as zero, since `new` zeroes).
//! Stores into a virtual object update the table and disappear; loads from it become the
//! stored value (or `int_and(value, mask)` for a narrow unsigned load of a narrow store, as
//! in `heap`). Guards' snapshots describe the virtual objects they can see (`v0=alloc(24){0:
//! i64=i5, 8:ref=v1}`, `docs/trace-ir.md`); a failing guard allocates them (`ir::materialize`)
//! before the interpreter resumes, and a bridge from it starts by allocating them in its own
//! trace.
//!
//! An object *escapes*, and is then materialized (`new` plus one store per non-zero field,
//! right at that point, children first, each object's stores right after its `new`, so that no
//! allocation comes between a `new` and its initializing stores; a field closing a cycle is
//! stored last, with a write-barrier call), when it is used by anything but the rules below:
//! a residual call argument, a value stored into a non-virtual object, a `jump`, `finish`
//! or `label` argument, an indexed access, a partly overlapping access, `guard_value`,
//! `cast_ptr_to_int` whose result is used other than by the rules below, ... From then on it is
//! an ordinary value.
//!
//! Rules that keep an object virtual (identities for a fresh, zeroed, non-null object):
//! ```text
//! p1 = new(descr=alloc(16))              => (nothing)
//! store_i(p1, 0, i0, descr=i64)          => (nothing; field 0 = i0)
//! i3 = load_i(p1, 0, descr=i64)          => (uses of i3 become i0)
//! i4 = load_i(p1, 8, descr=i64)          => (uses of i4 become 0: never stored)
//! guard_nonnull(p1)                      => (nothing: a fresh object is not null)
//! i5 = ptr_eq(p1, p2)                    => 0 (1 when both are the same object)
//! guard_true(i7) [0@3: p1]               => guard_true(i7) [0@3: v0 | v0=alloc(16){0:i64=i0}]
//! i8 = cast_ptr_to_int(p1)               => (its address: not known yet)
//! i9 = int_and(i8, 7)                    => 0 (a fresh object is 8-aligned; any mask < 8)
//! i10 = int_eq(i8, 0)                    => 0 (and int_ne, int_is_true, int_is_zero)
//! p11 = cast_int_to_ptr(i8)              => (p1 again: still virtual)
//! store_i(p1, 8, 6, descr=u8)            => (field 8 = 6)
//! i12 = load_i(p1, 8, descr=u8)          => 6 (a narrow load of a narrow constant store)
//! i13 = int_eq(6, 6)                     => 1 (any pure op of constants is folded)
//! guard_true(1) [...]                    => (removed: a guard on a constant that holds)
//! ```
//!
//! So a tagged value word made from a fresh object (`word_bits` of a `Gc`, then its tag bits
//! tested and the pointer recovered, as pyguest's float boxes are) stays virtual.
//!
//! Write barriers of stores into a virtual object go (the traced code of a `GcCell::set` or
//! an array store into a fresh object computes the slot's address and calls the barrier):
//! ```text
//! i14 = int_add(i8, 16)          => (the address of field 16 of p1: not known yet)
//! p15 = cast_int_to_ptr(i14)     => (the same, as a pointer)
//! call_n(W, p15, descr=<write_barrier>) => (nothing: the store goes into the field table,
//!                                  and a materialized copy is initialized right after its
//!                                  `new`, which needs no barrier)
//! ```
//! Any other use of such an address materializes the object first (the address is then
//! computed from the real object). So pyguest's frames made by a trace (`FrameBox`, a
//! register array, `opcodes_calls.rs` "virtual frames") stay virtual while the callee
//! stores into them.
//!
//! Loop peeling: the pass runs on the straight line `preamble marker body` (`opt/unroll.rs`).
//! At the marker, every virtual object of the preamble that the body still uses is
//! materialized, so a virtual never stands for an object of the previous iteration, except:
//!
//! **Virtual state at the label** ([`run_peeled`], RPython's virtual state / short
//! preamble). `unroll` first sinks the frame's stores out of the body (`opt/vable.rs`), then
//! runs this pass knowing each preamble value's next-iteration value. An object `y`
//! materialized in the preamble that nothing could have changed or kept since (no residual
//! call after it, stored only into frame places `vable` sank, no store through a pointer the
//! pass cannot tell from it), whose next-iteration value is the body's copy `p2` of its
//! `new`, becomes virtual again for the body, its fields being the preamble values it was
//! built from. In the body, `y` (the previous iteration's object) is then a virtual object:
//! its tag tests fold, its loads are its fields, guards describe it; after the loop is
//! closed those fields are loop arguments, so the loop passes a float box's `f64` instead of
//! the box. Before the body's `jump` this is checked: `y` and `p2` stayed virtual in the body
//! (else an object would have two copies) and each field of `p2` is the next-iteration value
//! of `y`'s field; otherwise the run fails and `unroll` runs the plain pass. Body objects
//! that are the next-iteration value of a preamble object the body uses as a real one are
//! materialized before the `jump` (the loop argument must be real).
//!
//! ```text
//! # straight line, frame slot 8 sunk      # body after run_peeled (y = p9 of the preamble)
//! p9 = new(descr=alloc(16))  (preamble)   (preamble: p9 materialized, stored into slot 8)
//! store_f(p9, 8, f8, descr=f64)           f15 = float_add(f8, 1.5)      # no load, no tag test
//! debug_merge_point("unroll: ...")        guard_true(i16) [4294967295@0: p0, 8, 6, v1; 0@2: p0
//! ... body uses p9: tag test, load_f      |  v1=alloc(16){0:u8=6, 8:f64=f15}]
//! p14 = new ... (body's copy of p9)       (no new: p14 stays virtual, f15 crosses the label)
//! ```
//!
//! Invariants: a virtual object's table always says what a materialized copy would hold at
//! this point of the trace; nothing but snapshots names a virtual object; the output maps
//! each input op to its value (`None` for removed stores and for objects never materialized).

use super::vable::{Base, SunkPlace};
use super::{Action, Ctx, OptError, Pass, PendingOp};
use crate::ir::{
    AllocDescr, CallDescr, Descr, FrameId, Kind, MemDescr, MemType, OpRef, Opcode, SnapshotId,
    Trace, TraceBuilder, VField, Value, VirtId,
};
use rustc_hash::FxHashMap as HashMap;

/// The pass (a whole-trace transformation: it rewrites snapshots).
#[derive(Default)]
pub struct Virtualize;

impl Pass for Virtualize {
    fn name(&self) -> &'static str {
        "virtualize"
    }
    fn feed(&mut self, _ctx: &mut Ctx<'_>, _op: &mut PendingOp) -> Action {
        Action::Emit
    }
    fn whole(&mut self, t: &Trace) -> Option<Result<(Trace, Vec<Option<OpRef>>), OptError>> {
        Some(run(t))
    }
}

/// What an input value became: an output value, or the virtual object made by the `new` at
/// this input position.
#[derive(Copy, Clone, PartialEq, Debug)]
enum Res {
    Out(OpRef),
    Virt(usize),
    /// `cast_ptr_to_int` of the virtual object made at this input position (its address,
    /// not known yet: only compared with zero).
    Addr(usize),
    /// The address of a field of the virtual object made at this input position (its
    /// address plus the offset, as an int, or cast back to a pointer when `ptr`): what a
    /// write barrier for a store into the object is given (dropped while it is virtual).
    Slot(usize, i64, bool),
}

struct VObj {
    alloc: AllocDescr,
    /// (offset, type, value), sorted by offset, not overlapping.
    fields: Vec<(i32, MemDescr, Res)>,
    /// The output `new` once materialized.
    mat: Option<OpRef>,
    busy: bool,
}

struct St<'a> {
    t: &'a Trace,
    b: TraceBuilder,
    res: Vec<Option<Res>>,
    objs: HashMap<usize, VObj>,
    /// Input frames copied without virtual objects (safe to share).
    frames: HashMap<FrameId, FrameId>,
    /// The last copy of an input frame that holds virtual objects, by its parent in the
    /// output: its values and the copy. A later snapshot whose copy of that frame has the
    /// same parent and values shares it (equal values are valid where they were computed).
    vframes: HashMap<(FrameId, Option<FrameId>), (Vec<OpRef>, FrameId)>,
    /// The last snapshot description of each virtual object (by the input position of its
    /// `new`): its fields and the description. A later snapshot in which the object's
    /// fields are the same reuses it, instead of describing it again (a virtual frame
    /// described at each of the guards of an inlined call).
    vdescr: HashMap<usize, (Vec<VField>, OpRef)>,
    /// Virtual objects being described, innermost last, each with whether a cycle reached
    /// it (a description that refers to one of them is new, not reused).
    describing: Vec<(usize, bool)>,
    last_use: Vec<usize>,
    /// Whether a `new` was emitted since the loop's label (or the peeling marker): see
    /// [`St::barrier_after`].
    allocated: bool,
    /// On `unroll`'s straight line: the loop (see [`run_peeled`]).
    lp: Option<LoopCtx<'a>>,
    /// A label virtual did not stay virtual.
    failed: bool,
}

/// Where the next iteration's value of a preamble value is (for [`run_peeled`]): an input
/// position of the loop body, or a constant.
#[derive(Copy, Clone, PartialEq, Debug)]
pub enum LoopNext {
    /// The value of this input position.
    Op(usize),
    /// A constant.
    Const(Value),
}

/// Where the value of a field of a label virtual comes from (at the marker).
#[derive(Copy, Clone, Debug)]
enum FieldSrc {
    Const(Value),
    /// The value of this preamble input position.
    In(usize),
}

/// A preamble object the loop body sees as virtual (see the module doc): made by the `new`
/// at input position `q`, its copy in the body is the `new` at `p2`.
struct LabelVirt {
    q: usize,
    p2: usize,
    fields: Vec<(i32, MemDescr, FieldSrc)>,
}

/// What [`run_peeled`] knows about the straight line, and what it found.
struct LoopCtx<'a> {
    marker: usize,
    next: &'a dyn Fn(usize) -> Option<LoopNext>,
    sunk: &'a [SunkPlace],
    /// Objects materialized in the preamble: output `new` -> (input position, output
    /// position).
    mat: HashMap<OpRef, (usize, usize)>,
    /// Materialized objects whose contents or identity the preamble may have let out of
    /// the pass's sight (input positions).
    tainted: rustc_hash::FxHashSet<usize>,
    /// Output position of the last op that produced a reference the pass does not know
    /// (a load, a call result): it may be a materialized object. For a pointer computed
    /// from older values, the position of the newest of them ([`ref_age`]).
    unknown_ref_at: Option<usize>,
    label: Vec<LabelVirt>,
}

/// Runs the pass on `unroll`'s straight line `preamble marker body jump` (`marker` the input
/// position of the marker), carrying preamble objects into the body as virtual objects
/// where the loop allows it (module doc, "Virtual state at the label"). `next(a)` is the
/// next-iteration value of preamble input position `a`; `sunk` are the frame places whose
/// stores `vable` already removed from the body. `Ok(None)`: a carried object did not stay
/// virtual in the body (the caller runs the plain pass instead).
#[allow(clippy::type_complexity)]
pub fn run_peeled(
    t: &Trace,
    marker: usize,
    next: &dyn Fn(usize) -> Option<LoopNext>,
    sunk: &[SunkPlace],
) -> Result<Option<(Trace, Vec<Option<OpRef>>)>, OptError> {
    let lp = LoopCtx {
        marker,
        next,
        sunk,
        mat: HashMap::default(),
        tainted: Default::default(),
        unknown_ref_at: None,
        label: Vec::new(),
    };
    run_with(t, Some(lp))
}

/// The output position from which on the objects materialized before it may be what value
/// `r` points to: a load's or a call's own position, one past a `new`, and for a pure op
/// (address arithmetic, casts) the largest such position of its operands (`depth` levels
/// deep, then its own position); 0 for constants.
fn ref_age(t: &Trace, r: OpRef, depth: u32) -> usize {
    let Some(q) = r.as_op() else { return 0 };
    let opc = t.op(q).opcode;
    if opc == Opcode::New {
        return q + 1;
    }
    let flags = opc.flags();
    if depth == 0
        || !flags.contains(crate::ir::OpFlags::PURE)
        || flags.contains(crate::ir::OpFlags::CALL)
    {
        return q;
    }
    t.args(q)
        .iter()
        .map(|&a| ref_age(t, a, depth - 1))
        .max()
        .unwrap_or(0)
}

/// Runs the pass; returns the new trace and where each input op went.
pub fn run(t: &Trace) -> Result<(Trace, Vec<Option<OpRef>>), OptError> {
    Ok(run_with(t, None)?.expect("no loop context, no failure"))
}

#[allow(clippy::type_complexity)]
fn run_with(
    t: &Trace,
    lp: Option<LoopCtx<'_>>,
) -> Result<Option<(Trace, Vec<Option<OpRef>>)>, OptError> {
    let n = t.len();
    let mut last_use: Vec<usize> = (0..n).collect();
    for p in 0..n {
        let mut touch = |r: OpRef| {
            if let Some(i) = r.as_op() {
                if i < n && last_use[i] < p {
                    last_use[i] = p;
                }
            }
        };
        for &a in t.args(p) {
            touch(a);
        }
        if let Some(s) = t.op(p).snapshot() {
            for f in t.snapshot_frames(s) {
                for v in t.flat_values(t.frame_values(f)) {
                    touch(v);
                }
            }
        }
    }
    let mut st = St {
        t,
        b: TraceBuilder::with_tables_of(t),
        res: Vec::with_capacity(n),
        objs: HashMap::default(),
        frames: HashMap::default(),
        vframes: HashMap::default(),
        vdescr: HashMap::default(),
        describing: Vec::new(),
        last_use,
        allocated: false,
        lp,
        failed: false,
    };
    for i in 0..n {
        if i + 1 == n && st.lp.is_some() {
            st.close_body();
        }
        let r = st.op(i)?;
        st.res.push(r);
    }
    if st.failed {
        return Ok(None);
    }
    let map = st
        .res
        .iter()
        .map(|r| match *r {
            Some(Res::Out(o)) => Some(o),
            Some(Res::Virt(q)) => st.objs[&q].mat,
            // (an address never used since the object was materialized)
            Some(Res::Addr(_) | Res::Slot(..)) | None => None,
        })
        .collect();
    Ok(Some((st.b.build(), map)))
}

fn removed(pos: usize) -> OptError {
    OptError::RemovedValue {
        pass: "virtualize".into(),
        pos,
    }
}

fn zero_of(kind: Kind) -> Value {
    match kind {
        Kind::Float => Value::Float(0.0),
        Kind::Ref => Value::Ref(0),
        _ => Value::Int(0),
    }
}

impl St<'_> {
    /// The current meaning of input operand `a` (a materialized object is an output value).
    fn resolve(&mut self, a: OpRef, pos: usize) -> Result<Res, OptError> {
        if a.as_const().is_some() {
            // the builder started with the input's constant table
            return Ok(Res::Out(a));
        }
        let p = a.as_op().ok_or_else(|| removed(pos))?;
        match self.res.get(p).copied().flatten() {
            Some(r @ (Res::Virt(_) | Res::Addr(_) | Res::Slot(..))) => Ok(self.current_at(r, p)),
            Some(r) => Ok(r),
            None => Err(removed(pos)),
        }
    }

    /// `current`, for the value of input op `p`: the address of a virtual object that has
    /// been materialized since is that object cast to an int (emitted on first use).
    fn current_at(&mut self, r: Res, p: usize) -> Res {
        match r {
            Res::Addr(q) => match self.objs[&q].mat {
                Some(o) => {
                    let c = self.b.op(Opcode::CastPtrToInt, &[o]);
                    self.res[p] = Some(Res::Out(c));
                    Res::Out(c)
                }
                None => r,
            },
            Res::Slot(q, off, ptr) => match self.objs[&q].mat {
                Some(o) => {
                    let c = self.b.op(Opcode::CastPtrToInt, &[o]);
                    let k = self.b.const_int(off);
                    let mut a = self.b.op(Opcode::IntAdd, &[c, k]);
                    if ptr {
                        a = self.b.op(Opcode::CastIntToPtr, &[a]);
                    }
                    self.res[p] = Some(Res::Out(a));
                    Res::Out(a)
                }
                None => r,
            },
            r => self.current(r),
        }
    }

    fn current(&self, r: Res) -> Res {
        match r {
            Res::Virt(q) => match self.objs[&q].mat {
                Some(o) => Res::Out(o),
                None => r,
            },
            r => r,
        }
    }

    /// An output value for `a`, materializing a virtual object.
    fn real(&mut self, a: OpRef, pos: usize) -> Result<OpRef, OptError> {
        match self.resolve(a, pos)? {
            Res::Out(o) => Ok(o),
            Res::Virt(q) => Ok(self.force(q)),
            Res::Addr(_) | Res::Slot(..) => {
                let p = a.as_op().ok_or_else(|| removed(pos))?;
                let r = match self.res[p] {
                    Some(r @ (Res::Addr(_) | Res::Slot(..))) => r,
                    _ => return Err(removed(pos)),
                };
                let (Res::Addr(q) | Res::Slot(q, ..)) = r else {
                    return Err(removed(pos));
                };
                self.force(q);
                match self.current_at(r, p) {
                    Res::Out(o) => Ok(o),
                    _ => Err(removed(pos)),
                }
            }
        }
    }

    /// Materializes virtual object `q` (and the virtual objects its fields hold).
    fn force(&mut self, q: usize) -> OpRef {
        let mut late = Vec::new();
        let r = self.force_rec(q, &mut late).expect("not busy at the top");
        for (base, off, descr, child) in late {
            let c = self.objs[&child].mat.expect("materialized by now");
            self.b.store(base, off as i64, c, descr);
            // the store closes a cycle: `base` may have been made old by a later allocation
            let ip = self.b.op(Opcode::CastPtrToInt, &[base]);
            let k = self.b.const_int(off as i64);
            let slot = self.b.op(Opcode::IntAdd, &[ip, k]);
            self.b.call(
                crate::gc::jit::barrier_slot as *const () as usize,
                &[slot],
                CallDescr::new(&[Kind::Int], Kind::Void, crate::gc::jit::WRITE_BARRIER_CALL)
                    .readonly(),
                false,
            );
        }
        r
    }

    fn force_rec(
        &mut self,
        q: usize,
        late: &mut Vec<(OpRef, i32, MemDescr, usize)>,
    ) -> Option<OpRef> {
        let o = &self.objs[&q];
        if let Some(m) = o.mat {
            return Some(m);
        }
        if o.busy {
            return None;
        }
        self.objs.get_mut(&q).expect("object").busy = true;
        let children: Vec<usize> = self.objs[&q]
            .fields
            .iter()
            .filter_map(|f| match f.2 {
                Res::Virt(c) => Some(c),
                _ => None,
            })
            .collect();
        for c in children {
            let _ = self.force_rec(c, late);
        }
        let alloc = self.objs[&q].alloc;
        let r = self.b.new_object(alloc);
        self.allocated = true;
        if let (Some(lp), Some(at)) = (self.lp.as_mut(), r.as_op()) {
            lp.mat.insert(r, (q, at));
        }
        let fields = {
            let o = self.objs.get_mut(&q).expect("object");
            o.mat = Some(r);
            o.busy = false;
            o.fields.clone()
        };
        for (off, descr, v) in fields {
            match self.current(v) {
                Res::Out(val) => {
                    // (`new` zeroes: a zero field needs no store)
                    if self
                        .b
                        .trace()
                        .const_value(val)
                        .is_some_and(|c| c.to_bits() == 0)
                    {
                        continue;
                    }
                    self.b.store(r, off as i64, val, descr);
                }
                Res::Virt(c) => late.push((r, off, descr, c)),
                // (fields never hold `Addr`: a store of one materializes the object)
                Res::Addr(_) | Res::Slot(..) => {}
            }
        }
        Some(r)
    }

    /// The virtual object `a` names right now, if any.
    fn virt_of(&mut self, a: OpRef, pos: usize) -> Result<Option<usize>, OptError> {
        Ok(match self.resolve(a, pos)? {
            Res::Virt(q) => Some(q),
            _ => None,
        })
    }

    fn op(&mut self, i: usize) -> Result<Option<Res>, OptError> {
        let t = self.t;
        let op = *t.op(i);
        let opc = op.opcode;
        let args = t.args(i).to_vec();
        if opc.flags().contains(crate::ir::OpFlags::INPUT) {
            return Ok(Some(Res::Out(self.b.input(op.kind()))));
        }
        match opc {
            Opcode::New => {
                if let Some(alloc) = t.alloc_descr(i) {
                    self.objs.insert(
                        i,
                        VObj {
                            alloc,
                            fields: Vec::new(),
                            mat: None,
                            busy: false,
                        },
                    );
                    return Ok(Some(Res::Virt(i)));
                }
            }
            Opcode::StoreI | Opcode::StoreF | Opcode::StoreR => {
                if let (Some(q), Some(m), Some(off)) = (
                    self.virt_of(args[0], i)?,
                    t.mem_descr(i),
                    t.const_value(args[1]).and_then(Value::as_int),
                ) {
                    let size = self.objs[&q].alloc.size as i64;
                    let n = m.ty.size() as i64;
                    let fits = off >= 0 && off + n <= size;
                    let partial = self.objs[&q].fields.iter().any(|f| {
                        let (a, b) = (f.0 as i64, f.0 as i64 + f.1.ty.size() as i64);
                        a < off + n && off < b && (a != off || b != off + n)
                    });
                    if fits && !partial {
                        let v = match self.resolve(args[2], i)? {
                            Res::Addr(_) | Res::Slot(..) => Res::Out(self.real(args[2], i)?),
                            v => v,
                        };
                        let fields = &mut self.objs.get_mut(&q).expect("object").fields;
                        // store into a virtual object => its field table
                        fields.retain(|f| f.0 as i64 != off);
                        let at = fields.partition_point(|f| (f.0 as i64) < off);
                        fields.insert(at, (off as i32, m, v));
                        return Ok(None);
                    }
                }
            }
            Opcode::LoadI | Opcode::LoadF | Opcode::LoadR => {
                if let (Some(q), Some(m), Some(off)) = (
                    self.virt_of(args[0], i)?,
                    t.mem_descr(i),
                    t.const_value(args[1]).and_then(Value::as_int),
                ) {
                    let n = m.ty.size() as i64;
                    let over: Vec<(i32, MemDescr, Res)> = self.objs[&q]
                        .fields
                        .iter()
                        .filter(|f| {
                            (f.0 as i64) < off + n && off < f.0 as i64 + f.1.ty.size() as i64
                        })
                        .copied()
                        .collect();
                    let size = self.objs[&q].alloc.size as i64;
                    if over.is_empty() && off >= 0 && off + n <= size {
                        // load of a field never stored => zero (`new` zeroes)
                        return Ok(Some(Res::Out(self.b.constant(zero_of(m.ty.kind())))));
                    }
                    if let [(foff, fm, v)] = over[..] {
                        let same_kind = fm.ty.kind() == m.ty.kind() && fm.ty.size() == m.ty.size();
                        if foff as i64 == off && same_kind && n == 8 {
                            // load after a full-width store to the same field => the value
                            return Ok(Some(self.current(v)));
                        }
                        let word =
                            |t: MemType| matches!(t, MemType::Ref | MemType::Int { size: 8, .. });
                        if foff as i64 == off && word(fm.ty) && word(m.ty) && !same_kind {
                            // a pointer load of a word stored as an integer (a tagged value
                            // built by arithmetic), or the reverse => the stored value, cast
                            // (as `heap` does for real objects); a virtual object's address
                            // turns back into the object, and the object into its address
                            let r = match (self.current(v), m.ty.kind()) {
                                (Res::Addr(q), Kind::Ref) => Some(Res::Virt(q)),
                                (Res::Virt(q), Kind::Int) => Some(Res::Addr(q)),
                                (Res::Out(val), Kind::Ref) => {
                                    Some(Res::Out(self.b.op(Opcode::CastIntToPtr, &[val])))
                                }
                                (Res::Out(val), _) => {
                                    Some(Res::Out(self.b.op(Opcode::CastPtrToInt, &[val])))
                                }
                                // (a field's address stored: rare; the load below makes the
                                // object real)
                                _ => None,
                            };
                            if r.is_some() {
                                return Ok(r);
                            }
                        }
                        if let (true, MemType::Int { size: k, signed }, Res::Out(val)) =
                            (foff as i64 == off && same_kind, m.ty, self.current(v))
                        {
                            let bits = 8 * k as i64;
                            if let Some(c) = self.b.trace().const_value(val).and_then(Value::as_int)
                            {
                                // a constant stored narrow (a kind byte): its low bits
                                let sh = 64 - bits;
                                let low = if signed {
                                    (c << sh) >> sh
                                } else {
                                    ((c as u64) << sh >> sh) as i64
                                };
                                return Ok(Some(Res::Out(self.b.const_int(low))));
                            }
                            let r = if signed {
                                // narrow signed load of a narrow store => the low bits,
                                // sign-extended: (value << (64 - bits)) >> (64 - bits)
                                let sh = self.b.const_int(64 - bits);
                                let l = self.b.op(Opcode::IntLshift, &[val, sh]);
                                self.b.op(Opcode::IntRshift, &[l, sh])
                            } else {
                                // narrow unsigned load of a narrow store => value & (2^bits - 1)
                                let mask = self.b.const_int((1i64 << bits) - 1);
                                self.b.op(Opcode::IntAnd, &[val, mask])
                            };
                            return Ok(Some(Res::Out(r)));
                        }
                    }
                }
            }
            // a fresh object is not null
            Opcode::GuardNonnull if self.virt_of(args[0], i)?.is_some() => return Ok(None),
            Opcode::PtrEq | Opcode::PtrNe => {
                let (a, b) = (self.resolve(args[0], i)?, self.resolve(args[1], i)?);
                if matches!(a, Res::Virt(_)) || matches!(b, Res::Virt(_)) {
                    // a fresh object equals only itself
                    let eq = a == b;
                    let v = if opc == Opcode::PtrEq { eq } else { !eq };
                    return Ok(Some(Res::Out(self.b.const_int(v as i64))));
                }
            }
            Opcode::CastPtrToInt => match self.resolve(args[0], i)? {
                Res::Virt(q) => return Ok(Some(Res::Addr(q))),
                Res::Slot(q, off, true) => return Ok(Some(Res::Slot(q, off, false))),
                _ => {}
            },
            Opcode::IntNe | Opcode::IntEq => {
                // a fresh object's address is not 0
                let (a, b) = (self.resolve(args[0], i)?, self.resolve(args[1], i)?);
                let zero = |r: Res, me: &Self| matches!(r, Res::Out(o) if me.b.trace().const_value(o) == Some(Value::Int(0)));
                if (matches!(a, Res::Addr(_)) && zero(b, self))
                    || (matches!(b, Res::Addr(_)) && zero(a, self))
                {
                    let v = (opc == Opcode::IntNe) as i64;
                    return Ok(Some(Res::Out(self.b.const_int(v))));
                }
            }
            Opcode::IntAnd => {
                // a fresh object's address is 8-aligned: its low three bits are 0 (a tag test)
                let (a, b) = (self.resolve(args[0], i)?, self.resolve(args[1], i)?);
                let low = |r: Res, me: &Self| match r {
                    Res::Out(o) => {
                        me.b.trace()
                            .const_value(o)
                            .and_then(Value::as_int)
                            .is_some_and(|c| c & !7 == 0)
                    }
                    _ => false,
                };
                if (matches!(a, Res::Addr(_)) && low(b, self))
                    || (matches!(b, Res::Addr(_)) && low(a, self))
                {
                    return Ok(Some(Res::Out(self.b.const_int(0))));
                }
            }
            Opcode::CastIntToPtr => {
                // the address of a virtual object turned back into a pointer: the object
                let p = args[0].as_op();
                match (self.resolve(args[0], i)?, p) {
                    (Res::Addr(q), Some(p)) if self.res[p] == Some(Res::Addr(q)) => {
                        return Ok(Some(Res::Virt(q)));
                    }
                    // the address of one of its fields, as a pointer (a barrier's slot)
                    (Res::Slot(q, off, false), _) => return Ok(Some(Res::Slot(q, off, true))),
                    _ => {}
                }
            }
            Opcode::IntAdd => {
                // the address of a field of a virtual object (`&obj.field`, a barrier's slot)
                let (a, b) = (self.resolve(args[0], i)?, self.resolve(args[1], i)?);
                let konst = |r: Res, me: &Self| match r {
                    Res::Out(o) => me.b.trace().const_value(o).and_then(Value::as_int),
                    _ => None,
                };
                let slot = match (a, b) {
                    (Res::Addr(q) | Res::Virt(q), r) | (r, Res::Addr(q) | Res::Virt(q)) => {
                        konst(r, self).map(|c| (q, c))
                    }
                    (Res::Slot(q, off, false), r) | (r, Res::Slot(q, off, false)) => {
                        konst(r, self).map(|c| (q, off.wrapping_add(c)))
                    }
                    _ => None,
                };
                if let Some((q, off)) = slot {
                    return Ok(Some(Res::Slot(q, off, false)));
                }
            }
            Opcode::CallN if super::wbarrier::is_barrier(t, i) => {
                // the write barrier of a store into a virtual object: the store goes into
                // its field table, and materializing it later stores into a fresh object,
                // which needs no barrier
                if matches!(
                    self.resolve(args[1], i)?,
                    Res::Virt(_) | Res::Slot(..) | Res::Addr(_)
                ) {
                    return Ok(None);
                }
            }
            Opcode::IntIsTrue | Opcode::IntIsZero => {
                if matches!(self.resolve(args[0], i)?, Res::Addr(_)) {
                    let v = (opc == Opcode::IntIsTrue) as i64;
                    return Ok(Some(Res::Out(self.b.const_int(v))));
                }
            }
            Opcode::SameAsR => {
                if let Some(q) = self.virt_of(args[0], i)? {
                    return Ok(Some(Res::Virt(q)));
                }
            }
            Opcode::DebugMergePoint => {
                let marker = op.descr().map(|d| t.descr(d))
                    == Some(&Descr::Text(super::unroll::MARKER.to_string()));
                if marker {
                    // the preamble's virtual objects that the loop body uses become real
                    let live: Vec<usize> = (0..i)
                        .filter(|&p| self.last_use[p] > i)
                        .filter_map(|p| match self.res.get(p).copied().flatten() {
                            Some(Res::Virt(q)) => Some(q),
                            _ => None,
                        })
                        .collect();
                    for q in live {
                        self.force(q);
                    }
                    // (the body's stores have their barriers in the body)
                    self.allocated = false;
                    if self.lp.is_some() {
                        self.choose_label_virtuals(i);
                    }
                }
            }
            _ => {}
        }
        // What the rules above decide is often a constant; a pure op of constants is folded
        // and a guard on a constant that holds removed here, so that a test of a virtual
        // object's address (`is_ptr`) leaves no guard whose snapshot would need the address.
        let flags = opc.flags();
        if flags.contains(crate::ir::OpFlags::PURE) && !flags.contains(crate::ir::OpFlags::CALL)
            || matches!(opc, Opcode::GuardTrue | Opcode::GuardFalse)
        {
            let mut bits = Vec::with_capacity(args.len());
            for &a in &args {
                match self.resolve(a, i)? {
                    Res::Out(o) => match self.b.trace().const_value(o) {
                        Some(c) => bits.push(c.to_bits()),
                        None => break,
                    },
                    _ => break,
                }
            }
            // (only what this pass decided: constant operands it was given stay as they are)
            let decided = args.iter().any(|&a| t.const_value(a).is_none());
            if decided && bits.len() == args.len() {
                match opc {
                    // guard_true(1) / guard_false(0) => (removed: it always holds)
                    Opcode::GuardTrue if bits[0] != 0 => return Ok(None),
                    Opcode::GuardFalse if bits[0] == 0 => return Ok(None),
                    Opcode::GuardTrue | Opcode::GuardFalse => {}
                    _ => {
                        let folded = crate::ir::interp::eval_pure(opc, &bits)
                            .and_then(|r| Value::from_bits(opc.result(), r));
                        if let Some(v) = folded {
                            return Ok(Some(Res::Out(self.b.constant(v))));
                        }
                    }
                }
            }
        }
        // anything else: virtual operands escape
        let mut out = Vec::with_capacity(args.len());
        for &a in &args {
            out.push(self.real(a, i)?);
        }
        let snapshot = match op.snapshot() {
            Some(s) => Some(self.snapshot(s, i)?),
            None => None,
        };
        let descr = op.descr();
        let r = self.b.push(opc, &out, descr, snapshot);
        if self.lp.as_ref().is_some_and(|lp| i < lp.marker) {
            self.track_preamble(i, &out, r);
        }
        match opc {
            Opcode::Label => self.allocated = false,
            Opcode::StoreR | Opcode::StoreIdxR if self.allocated => {
                let descr = t.mem_descr(i);
                self.barrier_after(&out, descr);
            }
            _ => {}
        }
        Ok(Some(Res::Out(r)))
    }

    /// Notes what preamble op `i` (emitted as `r` with operands `out`) may do to the objects
    /// materialized so far (see [`LoopCtx::tainted`]).
    fn track_preamble(&mut self, i: usize, out: &[OpRef], r: OpRef) {
        let t = self.t;
        let opc = t.op(i).opcode;
        let flags = opc.flags();
        let pos = r.as_op().unwrap_or(0);
        let barrier = super::wbarrier::is_barrier(t, i);
        let lp = self.lp.as_mut().expect("a loop");
        let before = |lp: &LoopCtx<'_>, at: usize| -> Vec<usize> {
            lp.mat
                .values()
                .filter(|&&(_, m)| m < at)
                .map(|&(q, _)| q)
                .collect()
        };
        if flags.contains(crate::ir::OpFlags::CALL) && !barrier {
            // a residual call may read or change any object it can reach
            for q in before(lp, pos) {
                lp.tainted.insert(q);
            }
        }
        if flags.contains(crate::ir::OpFlags::STORE) {
            let (base, value) = (out[0], *out.last().expect("a stored value"));
            if let Some(&(q, _)) = lp.mat.get(&value) {
                let m = t.mem_descr(i);
                let off = if flags.contains(crate::ir::OpFlags::INDEXED) {
                    None
                } else {
                    self.b.trace().const_value(out[1]).and_then(Value::as_int)
                };
                let key = match self.b.trace().const_value(base) {
                    Some(c) => Base::Const(c),
                    None => Base::Op(base.as_op().unwrap_or(usize::MAX)),
                };
                let into_sunk = match (m, off) {
                    (Some(m), Some(off)) => lp
                        .sunk
                        .iter()
                        .any(|s| s.base == key && s.off == off && s.descr == m.scaled(0)),
                    _ => false,
                };
                if !into_sunk {
                    lp.tainted.insert(q); // stored where the loop may find it again
                }
            }
            if let Some(&(q, _)) = lp.mat.get(&base) {
                lp.tainted.insert(q);
            } else if !t.mem_descr(i).is_some_and(|m| m.vable) {
                // a store through a pointer the pass does not know: any materialized object
                // a reference loaded since may point to
                if let Some(at) = lp.unknown_ref_at {
                    for q in before(lp, at) {
                        lp.tainted.insert(q);
                    }
                }
            }
        }
        if opc.result() == Kind::Ref && opc != Opcode::New {
            // (a pointer computed by pure ops from older values, such as the address of a
            // saved frame record, cannot point into an object allocated after them)
            let at = ref_age(self.b.trace(), r, 8);
            lp.unknown_ref_at = Some(lp.unknown_ref_at.map_or(at, |u| u.max(at)));
        }
    }

    /// At the marker: the preamble objects the loop body may see as virtual objects whose
    /// fields are loop arguments (module doc): materialized in the preamble and untouched
    /// since, the body's copy of their `new` being their next-iteration value. They become
    /// virtual again for the body.
    fn choose_label_virtuals(&mut self, marker: usize) {
        let t = self.t;
        let lp = self.lp.as_ref().expect("a loop");
        let mut cands: Vec<(usize, OpRef)> = lp
            .mat
            .iter()
            .filter(|(_, &(q, _))| q < marker && !lp.tainted.contains(&q))
            .map(|(&o, &(q, _))| (q, o))
            .collect();
        cands.sort_unstable();
        let mut chosen = Vec::new();
        for (q, o) in cands {
            if self.objs[&q].mat != Some(o) {
                continue;
            }
            let Some(LoopNext::Op(p2)) = (lp.next)(q) else {
                continue;
            };
            if p2 <= marker
                || t.op(p2).opcode != Opcode::New
                || t.alloc_descr(p2) != Some(self.objs[&q].alloc)
            {
                continue;
            }
            let mut fields = Vec::new();
            let mut ok = true;
            for &(off, m, v) in &self.objs[&q].fields {
                let src = match self.current(v) {
                    Res::Out(val) => match self.b.trace().const_value(val) {
                        Some(c) => Some(FieldSrc::Const(c)),
                        None => (0..marker)
                            .find(|&a| self.res.get(a).copied().flatten() == Some(Res::Out(val)))
                            .map(FieldSrc::In),
                    },
                    _ => None,
                };
                match src {
                    Some(src) => fields.push((off, m, src)),
                    None => ok = false,
                }
            }
            if ok {
                chosen.push(LabelVirt { q, p2, fields });
            }
        }
        for lv in &chosen {
            self.objs.get_mut(&lv.q).expect("object").mat = None;
        }
        self.lp.as_mut().expect("a loop").label = chosen;
    }

    /// Before the body's final `jump`: the body's objects that are the next-iteration values
    /// of preamble objects the body uses as real ones are materialized (the loop argument
    /// needs a real object); then every label virtual must have stayed virtual, as must its
    /// copy in the body, whose fields must be the next-iteration values of the label
    /// virtual's (else the run fails: [`run_peeled`]).
    fn close_body(&mut self) {
        let t = self.t;
        let lp = self.lp.take().expect("a loop");
        let out_marker = (0..self.b.len())
            .rev()
            .find(|&p| {
                self.b.trace().op(p).opcode == Opcode::DebugMergePoint
                    && self
                        .b
                        .trace()
                        .op(p)
                        .descr()
                        .map(|d| self.b.trace().descr(d))
                        == Some(&Descr::Text(super::unroll::MARKER.to_string()))
            })
            .unwrap_or(0);
        // the preamble values the body uses
        let mut used = rustc_hash::FxHashSet::default();
        {
            let bt = self.b.trace();
            for p in out_marker + 1..bt.len() {
                used.extend(bt.args(p).iter().copied());
                if let Some(s) = bt.op(p).snapshot() {
                    for f in bt.snapshot_frames(s) {
                        used.extend(bt.flat_values(bt.frame_values(f)));
                    }
                }
            }
        }
        let label_q: Vec<usize> = lp.label.iter().map(|l| l.q).collect();
        for y in 0..lp.marker {
            let Some(LoopNext::Op(p2)) = (lp.next)(y) else {
                continue;
            };
            let Some(Res::Virt(c)) = self.res.get(p2).copied().flatten() else {
                continue;
            };
            let real = match self.res.get(y).copied().flatten() {
                Some(r @ Res::Virt(q)) if !label_q.contains(&q) => match self.current(r) {
                    Res::Out(o) => used.contains(&o),
                    _ => false,
                },
                Some(Res::Out(o)) => used.contains(&o),
                _ => false,
            };
            if real && self.objs[&c].mat.is_none() {
                self.force(c);
            }
        }
        for lv in &lp.label {
            let ok = self.objs[&lv.q].mat.is_none()
                && self.objs[&lv.p2].mat.is_none()
                && self.objs[&lv.p2].fields.len() == lv.fields.len()
                && lv.fields.iter().zip(self.objs[&lv.p2].fields.clone()).all(
                    |(&(off, m, src), (off2, m2, v2))| {
                        let want = match src {
                            FieldSrc::Const(c) => Some(LoopNext::Const(c)),
                            FieldSrc::In(a) => (lp.next)(a),
                        };
                        let got = self.current(v2);
                        off == off2
                            && m == m2
                            && match (want, got) {
                                (Some(LoopNext::Const(c)), Res::Out(o)) => {
                                    self.b.trace().const_value(o) == Some(c)
                                }
                                (Some(LoopNext::Op(b)), got) => {
                                    self.res.get(b).copied().flatten().map(|r| self.current(r))
                                        == Some(got)
                                }
                                _ => false,
                            }
                    },
                );
            if !ok {
                self.failed = true;
            }
        }
        let _ = t;
    }

    /// The write barrier for the reference store just emitted (operands `out`), when a `new`
    /// was emitted since the loop started. The tracer records a store's barrier when the
    /// interpreter stores, but may record the store itself later (lazy stores); a `new` this
    /// pass materializes (or keeps) in between may collect, after which the store can put a
    /// young object into an old one whose card the collection has cleaned. So the barrier is
    /// run again after the store (it is idempotent; the backend inlines its fast path).
    fn barrier_after(&mut self, out: &[OpRef], descr: Option<MemDescr>) {
        let ip = self.b.op(Opcode::CastPtrToInt, &[out[0]]);
        let slot = if out.len() == 3 {
            self.b.op(Opcode::IntAdd, &[ip, out[1]])
        } else {
            // store_idx_r(base, index, offset, value): base + index * scale + offset
            let scale = descr.map_or(8, |m| m.scale.max(1) as i64);
            let k = self.b.const_int(scale);
            let at = self.b.op(Opcode::IntMul, &[out[1], k]);
            let a = self.b.op(Opcode::IntAdd, &[ip, at]);
            self.b.op(Opcode::IntAdd, &[a, out[2]])
        };
        self.b.call(
            crate::gc::jit::barrier_slot as *const () as usize,
            &[slot],
            CallDescr::new(&[Kind::Int], Kind::Void, crate::gc::jit::WRITE_BARRIER_CALL).readonly(),
            false,
        );
    }

    /// Copies snapshot `s` of the input, describing the virtual objects it names.
    fn snapshot(&mut self, s: SnapshotId, pos: usize) -> Result<SnapshotId, OptError> {
        let t = self.t;
        let mut memo: HashMap<usize, OpRef> = HashMap::default();
        let mut in_memo: HashMap<VirtId, OpRef> = HashMap::default();
        let mut parent = None;
        let mut shared = true;
        for f in t.snapshot_frames(s) {
            if shared {
                if let Some(&nf) = self.frames.get(&f) {
                    parent = Some(nf);
                    continue;
                }
            }
            let mut has_virt = false;
            let mut vals = Vec::new();
            for &v in t.frame_values(f) {
                vals.push(self.snap_value(v, pos, &mut memo, &mut in_memo, &mut has_virt)?);
            }
            if has_virt {
                if let Some((old, nf)) = self.vframes.get(&(f, parent)) {
                    if *old == vals {
                        parent = Some(*nf);
                        shared = false;
                        continue;
                    }
                }
            }
            let nf = self.b.copy_frame(parent, t, f, &vals);
            if shared && !has_virt {
                self.frames.insert(f, nf);
            } else {
                shared = false;
                if has_virt {
                    self.vframes.insert((f, parent), (vals, nf));
                }
            }
            parent = Some(nf);
        }
        Ok(self.b.snapshot(parent.expect("a snapshot has frames")))
    }

    fn snap_value(
        &mut self,
        v: OpRef,
        pos: usize,
        memo: &mut HashMap<usize, OpRef>,
        in_memo: &mut HashMap<VirtId, OpRef>,
        has_virt: &mut bool,
    ) -> Result<OpRef, OptError> {
        if let Some(id) = v.as_virt() {
            // a virtual object the input snapshot already described
            *has_virt = true;
            if let Some(&o) = in_memo.get(&id) {
                return Ok(o);
            }
            let obj = self.t.virtual_obj(id).clone();
            let nv = self.b.new_virtual(obj.alloc);
            in_memo.insert(id, nv);
            let mut fields = Vec::with_capacity(obj.fields.len());
            for f in obj.fields {
                let value = self.snap_value(f.value, pos, memo, in_memo, has_virt)?;
                fields.push(VField { value, ..f });
            }
            self.b.set_virtual_fields(nv, fields);
            return Ok(nv);
        }
        let r = self.resolve(v, pos)?;
        self.snap_res(r, memo, has_virt)
    }

    fn snap_res(
        &mut self,
        r: Res,
        memo: &mut HashMap<usize, OpRef>,
        has_virt: &mut bool,
    ) -> Result<OpRef, OptError> {
        match self.current(r) {
            Res::Out(o) => Ok(o),
            Res::Addr(q) => {
                // a snapshot needs the address itself: the object escapes
                let o = self.force(q);
                Ok(self.b.op(Opcode::CastPtrToInt, &[o]))
            }
            Res::Slot(q, off, ptr) => {
                let o = self.force(q);
                let c = self.b.op(Opcode::CastPtrToInt, &[o]);
                let k = self.b.const_int(off);
                let a = self.b.op(Opcode::IntAdd, &[c, k]);
                Ok(if ptr {
                    self.b.op(Opcode::CastIntToPtr, &[a])
                } else {
                    a
                })
            }
            Res::Virt(q) => {
                *has_virt = true;
                if let Some(&o) = memo.get(&q) {
                    if let Some(i) = self.describing.iter().position(|d| d.0 == q) {
                        // a cycle back to an object being described: it and the objects
                        // described inside it refer to its new description, so none of
                        // them may stand for (or be stood for by) another snapshot's
                        for d in &mut self.describing[i..] {
                            d.1 = true;
                        }
                    }
                    return Ok(o);
                }
                let alloc = self.objs[&q].alloc;
                let nv = self.b.new_virtual(alloc);
                memo.insert(q, nv);
                let fields = self.objs[&q].fields.clone();
                self.describing.push((q, false));
                let mut out = Vec::with_capacity(fields.len());
                for (offset, descr, v) in fields {
                    let value = match self.snap_res(v, memo, has_virt) {
                        Ok(value) => value,
                        Err(e) => {
                            self.describing.pop();
                            return Err(e);
                        }
                    };
                    out.push(VField {
                        offset,
                        descr,
                        value,
                    });
                }
                let (_, in_cycle) = self.describing.pop().expect("pushed above");
                if !in_cycle {
                    if let Some((old, id)) = self.vdescr.get(&q) {
                        if *old == out {
                            // the same fields as in an earlier snapshot: that description
                            // (its field values are valid here: they were just computed)
                            let id = *id;
                            memo.insert(q, id);
                            return Ok(id);
                        }
                    }
                    self.vdescr.insert(q, (out.clone(), nv));
                }
                self.b.set_virtual_fields(nv, out);
                Ok(nv)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::interp::{run as interp, Outcome};
    use crate::ir::{parse, verify};

    fn failing_guard(t: &Trace, inputs: &[Value]) -> Vec<crate::ir::ResumeFrame> {
        // SAFETY: the traces below only touch the raw objects they allocate or are given.
        match unsafe { interp(t, inputs, 1_000_000) }.expect("interp") {
            Outcome::GuardFailed(g) => g.frames,
            other => panic!("{other:?}"),
        }
    }

    fn field0(v: Value) -> u64 {
        match v {
            // SAFETY: a raw test object of at least 8 bytes.
            Value::Ref(p) => unsafe { (p as *const u64).read() },
            other => panic!("{other:?}"),
        }
    }

    /// An object built in one iteration and read in the next (it crosses the back edge as a
    /// jump argument): peeled, the preamble's object is materialized at the marker and the
    /// loop allocates one real object per iteration (it escapes through the jump); results
    /// agree with the unoptimized loop.
    #[test]
    fn an_object_crossing_the_back_edge_is_real_at_the_loop_label() {
        let text = "[p0, p1]
label(p0, p1, descr=target0)
i2 = load_i(p1, 0, descr=i64)
i3 = int_add(i2, 1)
p4 = new(descr=alloc(16))
store_i(p4, 0, i3, descr=i64)
i6 = int_lt(i3, 100)
guard_true(i6) [0@1: p0, p4]
jump(p0, p4, descr=target0)
";
        let t = parse(text).unwrap();
        verify(&t).unwrap();
        let o = crate::opt::optimize(&t, "unroll:virtualize:dce").unwrap();
        verify(&o).unwrap();
        assert!(crate::opt::unroll::is_peeled(&o), "{o}");
        let text_o = o.to_string();
        let loop_part = &text_o[text_o.rfind("label(").unwrap()..];
        assert_eq!(loop_part.matches("new(").count(), 1, "{o}");
        let start = crate::ir::alloc_object(AllocDescr {
            size: 16,
            header: 0,
        });
        let inputs = [Value::Ref(start), Value::Ref(start)];
        let want = failing_guard(&t, &inputs);
        let got = failing_guard(&o, &inputs);
        assert_eq!(field0(want[0].values[1]), 100);
        assert_eq!(field0(got[0].values[1]), 100, "{o}");
    }

    /// A virtual object several guards describe with the same fields is described once
    /// (their snapshots share it); after a store changes a field, the next guard gets a new
    /// description; a cycle (an object whose field is itself) is described anew each time.
    /// Resuming from each guard still gives the values of that point.
    #[test]
    fn guards_share_the_description_of_an_unchanged_virtual_object() {
        let text = "[i0]
p1 = new(descr=alloc(16))
store_i(p1, 0, i0, descr=i64)
i3 = int_lt(i0, 10)
guard_true(i3) [0@1: i0, p1]
i4 = int_lt(i0, 5)
guard_true(i4) [0@2: p1]
i5 = int_add(i0, 1)
store_i(p1, 0, i5, descr=i64)
i7 = int_lt(i0, 3)
guard_true(i7) [0@3: p1]
p8 = new(descr=alloc(16))
store_r(p8, 0, p8, descr=ref)
i10 = int_lt(i0, 2)
guard_true(i10) [0@4: p8]
i11 = int_lt(i0, 1)
guard_true(i11) [0@5: p8]
finish(i0)
";
        let t = parse(text).unwrap();
        verify(&t).unwrap();
        let o = crate::opt::optimize(&t, "virtualize").unwrap();
        verify(&o).unwrap();
        assert_eq!(o.to_string().matches("new(").count(), 0, "{o}");
        let virt_of = |k: usize| -> VirtId {
            let g = (0..o.len())
                .filter(|&i| o.op(i).snapshot().is_some())
                .nth(k)
                .unwrap();
            let s = o.op(g).snapshot().unwrap();
            let f = *o.snapshot_frames(s).last().unwrap();
            o.frame_values(f)
                .iter()
                .find_map(|v| v.as_virt())
                .unwrap_or_else(|| panic!("no virtual object at guard {k}: {o}"))
        };
        assert_eq!(
            virt_of(0),
            virt_of(1),
            "unchanged between the first two guards: {o}"
        );
        assert_ne!(virt_of(1), virt_of(2), "a store changed it: {o}");
        assert_ne!(virt_of(3), virt_of(4), "a cycle is described anew: {o}");
        // each input fails one guard: 12 the first, 7 the second, ... 1 the last
        for (i0, pc) in [(12, 1), (7, 2), (4, 3), (2, 4), (1, 5)] {
            let want = failing_guard(&t, &[Value::Int(i0)]);
            let got = failing_guard(&o, &[Value::Int(i0)]);
            assert_eq!((want[0].pc, got[0].pc), (pc, pc), "i0={i0}: {o}");
            let (w, g) = (
                *want[0].values.last().unwrap(),
                *got[0].values.last().unwrap(),
            );
            if pc <= 3 {
                assert_eq!(field0(w), field0(g), "i0={i0}: {o}");
            } else {
                let Value::Ref(a) = g else { panic!("{g:?}") };
                assert_eq!(field0(g), a as u64, "the cycle, i0={i0}: {o}");
            }
        }
    }

    /// A store the tracer still holds back (a pending-store frame) into a virtual object:
    /// resuming materializes the object, then the driver's pending store fills the field.
    #[test]
    fn pending_stores_may_target_virtual_objects() {
        let text = "[i0]
p1 = new(descr=alloc(16))
store_i(p1, 8, 5, descr=i64)
guard_true(i0) [4294967295@0: p1, 0, 6, i0; 0@1: p1]
store_i(p1, 0, i0, descr=i64)
i4 = load_i(p1, 0, descr=i64)
finish(i4)
";
        let t = parse(text).unwrap();
        let o = crate::opt::optimize(&t, "virtualize").unwrap();
        assert!(!o.to_string().contains("new("), "{o}");
        assert!(
            o.to_string()
                .contains("[4294967295@0: v0, 0, 6, i0; 0@1: v0 | v0=alloc(16){8:i64=5}]"),
            "{o}"
        );
        let frames = failing_guard(&o, &[Value::Int(0)]);
        let (Value::Ref(a), Value::Ref(b)) = (frames[0].values[0], frames[1].values[0]) else {
            panic!("{frames:?}");
        };
        assert_eq!(a, b, "one object, named twice");
        // SAFETY: a raw 16-byte test object.
        assert_eq!(unsafe { ((a + 8) as *const u64).read() }, 5);
    }

    /// A word stored into a virtual object as an integer (a tagged value the trace computed)
    /// and loaded back as a pointer, and the reverse, are the stored values cast: the object
    /// stays virtual (before, the mismatched kinds made it real: pyguest's register array
    /// of an inlined call whose argument was a computed small int, one `new` per call).
    #[test]
    fn a_word_loaded_with_the_other_kind_is_the_stored_value_cast() {
        let text = "[i0, p1]
p2 = new(descr=alloc(24))
i3 = int_or(i0, 1)
store_i(p2, 8, i3, descr=i64)
store_r(p2, 16, p1, descr=ref)
p4 = load_r(p2, 8, descr=ref)
i5 = load_i(p2, 16, descr=i64)
guard_true(i5) [0@1: p4]
finish(i5)
";
        let t = parse(text).unwrap();
        let o = crate::opt::optimize(&t, "virtualize").unwrap().to_string();
        assert!(!o.contains("new("), "{o}");
        assert!(!o.contains("load_"), "{o}");
        assert!(o.contains("cast_int_to_ptr(i"), "{o}");
        assert!(o.contains("cast_ptr_to_int(p1)"), "{o}");
    }

    const WB: &str = "call(r)->n \"metatracer::gc::write_barrier\" readonly";
    const WBI: &str = "call(i)->n \"metatracer::gc::write_barrier\" readonly";

    /// A frame-like object and its register array built by the trace, with the write
    /// barriers traced code records for reference stores into them (`&obj.field` computed
    /// from the object's address): while they are virtual the barriers go with the stores,
    /// so nothing is allocated or called; a guard describes both objects, linked.
    #[test]
    fn barriers_of_stores_into_virtual_objects_go_with_them() {
        let text = "[p0, i1]
p2 = new(descr=alloc(24))
store_i(p2, 0, 2, descr=i64)
i3 = cast_ptr_to_int(p2)
i4 = int_add(i3, 8)
p5 = cast_int_to_ptr(i4)
call_n(0, p5, descr=WB)
store_r(p2, 8, p0, descr=ref)
p6 = new(descr=alloc(16))
i7 = cast_ptr_to_int(p6)
i8 = int_add(i7, 8)
call_n(0, i8, descr=WBI)
store_r(p6, 8, p2, descr=ref)
guard_true(i1) [0@1: p6]
p9 = load_r(p6, 8, descr=ref)
p10 = load_r(p9, 8, descr=ref)
finish(p10)
"
        .replace("WBI", WBI)
        .replace("WB", WB);
        let t = parse(&text).unwrap();
        verify(&t).unwrap();
        let o = crate::opt::optimize(&t, "virtualize:dce").unwrap();
        verify(&o).unwrap();
        let s = o.to_string();
        assert!(!s.contains("new("), "{o}");
        assert!(!s.contains("call_n"), "{o}");
        assert!(s.contains("finish(p0)"), "{o}");
        assert!(
            s.contains("v0=alloc(16){8:ref=v1}") && s.contains("v1=alloc(24){0:i64=2, 8:ref=p0}"),
            "{o}"
        );
    }

    /// A barrier whose object escaped before it stays, at the materialized object's field.
    #[test]
    fn barriers_of_materialized_objects_stay() {
        let text = "[p0]
p2 = new(descr=alloc(16))
call_n(8, p2, descr=call(r)->n \"f\")
i3 = cast_ptr_to_int(p2)
i4 = int_add(i3, 8)
p5 = cast_int_to_ptr(i4)
call_n(0, p5, descr=WB)
store_r(p2, 8, p0, descr=ref)
finish()
"
        .replace("WB", WB);
        let t = parse(&text).unwrap();
        let o = crate::opt::optimize(&t, "virtualize").unwrap();
        verify(&o).unwrap();
        let s = o.to_string();
        assert_eq!(s.matches("call_n(0,").count(), 1, "{o}");
        assert_eq!(s.matches("new(").count(), 1, "{o}");
    }
}
