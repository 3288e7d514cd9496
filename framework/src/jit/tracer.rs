//! The tracer (meta-interpreter): executes jitcode with concrete values *and* records what it
//! does as a trace.
//!
//! Every register holds a concrete word plus a [`Val`]: either a constant (greens, literals,
//! results folded because their inputs were constant) or a reference to a recorded op. Branches
//! on non-constant values become guards whose snapshot is the current frame chain, positioned
//! *on* the branching instruction, so resuming re-executes it (see `jitcode` for why that is
//! exact). Calls of `#[look_inside]` functions push a frame (inlining); residual calls are
//! performed and recorded; `#[elidable]` calls with constant arguments fold to their result,
//! and those whose result `record_known_result` told are replaced by it; a
//! `#[loop_invariant]` call is made once per trace and its result reused.
//!
//! Memory: a heap cache forwards loads from earlier loads and stores; stores are *lazy*
//! (held back, carried by guard snapshots, recorded once when something may read them; see
//! `docs/deopt.md`); addresses are kept as a root plus a constant, and a promoted difference
//! of two roots merges them (`learn_difference`). A store invalidates what it may overwrite
//! ([`store_may_clobber`]: overlapping bytes at the same root, whatever the size or alias
//! class; elsewhere, entries of the same alias class, or of the same size when a class is
//! unknown).
//!
//! Validity and roots: the identity numbers of `JitGreen` objects seen at merge points and in
//! promotions are collected in `RTrace::deps` (the trace dies with them, `jit::validity`), the
//! dependency numbers of the quasi-immutable cells whose reads from constant objects it folded
//! in `RTrace::quasi` (a write invalidates it; `guard_not_invalidated` before the first such
//! read and the first after each residual call, `jit::quasi`);
//! every reference word written into a register is appended to `RTrace::roots`, a pinning GC
//! root, so objects held only by the tracer survive residual calls that allocate, and every
//! constant the trace records stays where it is (`jit::gcroots`).
//!
//! A loop trace starts at the portal's merge point with a green key and closes when the same
//! key comes round again. A bridge starts at a failed guard's snapshot. Either ends early at a
//! merge point whose key already has compiled code (`Exit` there, the driver continues into
//! it), or, for a bridge, at the portal's `return` (`finish`: the trace hands the return value
//! to the driver), or aborts (trace too long, a loop trace reaching the portal's return, a
//! return of several words, unreachable code) with a reason, after which the blackhole
//! finishes the opcode concretely.

use super::blackhole::{self, Frame, Outcome};
use super::codewriter::{VABLE_CLASS, VABLE_ITEM};

/// The alias class without the virtualizable-frame bits (which do not take part in alias
/// decisions).
fn plain_class(cls: u64) -> u64 {
    cls & !(VABLE_CLASS | VABLE_ITEM)
}
use super::jitcode::{BinOp, MemSize, UnOp};
use super::jitcode::{CodeId, CodeSet, Effect, Insn, MergeInfo, Pc};
use super::recorded::{
    GuardKind, PendingStore, ROp, RTrace, SnapFrame, Snapshot, Val, PENDING_STORES,
};
use super::validity::GreenKind;
use super::word::Kind;
use rustc_hash::FxHashMap as HashMap;
use std::rc::Rc;

/// Bound on the constants and lengths bounds-check implication reasons about, so that sums
/// of two of them cannot wrap.
const SMALL_OFFSET: u64 = 1 << 40;

struct TFrame {
    code: CodeId,
    pc: Pc,
    regs: Vec<(u64, Val)>,
}

/// A register's value at the start of a bridge.
#[derive(Clone, Copy, Debug)]
pub enum BridgeVal {
    /// A constant.
    Const(Kind, u64),
    /// Saved exit value number `.0` (a bridge input).
    Input(u32),
    /// Virtual object number `.0` of the guard's snapshot (`Trace::resume_virtuals`).
    Virtual(u32),
}

/// The abort reason of a loop trace that reached the portal's `return` before closing.
pub(crate) const PORTAL_RETURNED: &str = "the portal function returned while tracing";

/// How a tracing run ended. In every case the guest has really executed up to `outcome`.
pub enum TraceEnd {
    /// A closed loop (ends in `Jump`) or a path/bridge ending in `Exit`.
    Done {
        /// The recorded trace.
        trace: RTrace,
        /// Where the interpreter continues.
        outcome: Outcome,
    },
    /// Tracing gave up; the blackhole finished the opcode.
    Aborted {
        /// Why (for the log and the summary).
        reason: String,
        /// Where the interpreter continues.
        outcome: Outcome,
    },
}

/// Adds the identity numbers among `key`'s words (greens that are `&T` with `T: JitGreen`) to
/// `deps`: the trace specialised on those objects and dies with them.
fn note_deps(deps: &mut Vec<u64>, merge: &MergeInfo, key: &[u64]) {
    let greens = merge.vars.iter().zip(&merge.green).filter(|(v, _)| v.1);
    for ((_, g), &k) in greens.zip(key) {
        if matches!(g, GreenKind::Identity(_)) && !deps.contains(&k) {
            deps.push(k);
        }
    }
}

/// The tracer's state for one recording.
pub struct Tracer<'a> {
    /// Known memory contents: (base, offset, size) -> (value, alias class, frozen) (the
    /// tracer's heap cache). Frozen entries (plain fields of GC objects without interior
    /// mutability, which nothing writes after allocation) survive every call and every store
    /// except one to their own bytes.
    heap: HashMap<(Val, i32, MemSize), (Val, u64, bool)>,
    /// Pure ops already recorded: (op, args) -> result.
    cse: HashMap<(BinOp, Val, Val), Val>,
    /// Unary ops already recorded: (op, arg) -> result.
    cse_un: HashMap<(UnOp, Val), Val>,
    /// Linear forms: op number -> `(root, c)` where the op's value is `root + c` (wrapping).
    /// Roots are never themselves `x + constant`, so two values with the same root differ by
    /// a known constant (see [`Tracer::linear`]).
    lin: HashMap<u32, (Val, i64)>,
    /// Stores not recorded yet, oldest first, with their alias classes (lazy stores). The
    /// heap cache already reflects them; guards carry them in their snapshots (deopt performs
    /// them), and they are recorded, in order, when something may read the memory: a load
    /// the heap cache cannot answer that may alias one of them, a call that may read memory,
    /// the end of the trace. A store to the same place replaces the pending one.
    pending: Vec<(PendingStore, u64)>,
    /// Bounds already checked: `(root, n)` -> `[lo, hi]` such that `root + c <u n` held at a
    /// guard for `c = lo` and `c = hi`, hence for every `c` in between (see
    /// [`Tracer::bounds_known`]).
    bounds: HashMap<(Val, u64), (i64, i64)>,
    /// Values already guarded, with the guarded condition.
    guarded: HashMap<Val, GuardKind>,
    set: &'a CodeSet,
    frames: Vec<TFrame>,
    trace: RTrace,
    limit: usize,
    start_key: Option<Vec<u64>>,
    /// A bridge with at least this many recorded ops ends at the next guest instruction
    /// boundary (the portal's merge point) instead of running on to the trace limit: it
    /// leaves to the interpreter there ([`Tracer::cut_at`]). `None` for loops.
    cut: Option<usize>,
    jumped: bool,
    /// The next folded read of a quasi-immutable cell needs a `guard_not_invalidated` first:
    /// true at the start of the trace and after every residual call (which may have written
    /// a cell, `jit::quasi`).
    need_not_invalidated: bool,
    /// Results of `#[elidable]` calls told by `record_known_result`: (trampoline, arguments)
    /// -> result.
    known: HashMap<(usize, Vec<Val>), Val>,
    /// Results of the `#[loop_invariant]` calls made so far in this trace, by trampoline.
    loop_inv: HashMap<usize, (u64, Val)>,
    /// Objects the trace allocated (`new`): their plain fields are written by traced code
    /// (the initializing stores, which may still be pending), so loads from them are not
    /// frozen. A place based on a value that cannot point into one (see [`Tracer::may_be`])
    /// does not alias its fields.
    fresh: rustc_hash::FxHashSet<Val>,
    /// Integer values computed from the address of a fresh object (an operand of theirs is
    /// the object or such a value), with the object: as a base, they may point into it.
    derived: HashMap<Val, Val>,
    /// Fresh objects that values not computed from them may point to: their reference (or a
    /// value [`derived`](Self::derived) from it) was stored to memory, passed to a call that
    /// may keep or return it, or promoted to a constant. A load from memory or a call's result
    /// may then be the object again under another value (a bridge's loads of the frames'
    /// registers, which its heap cache cannot answer, give an instance its `__init__` is
    /// still filling in).
    escaped: rustc_hash::FxHashSet<Val>,
}

/// Whether a store to `(base, offset, size)` with alias class `class` may change the bytes a
/// cached load `(base, offset, size, class)` read (the alias rules of the heap cache; bases
/// are canonical roots, see [`Tracer::address`]):
/// * the same base: exactly when the byte ranges overlap, whatever the sizes and classes (a
///   `u8` store into the low byte of a cached `u64` changes it);
/// * different bases, both classes known: only when the classes are equal (safe Rust never
///   reaches one location through two different declared fields or element types);
/// * different bases, a class unknown: when the access sizes are equal (type-based: safe Rust
///   never writes a location through a place of another type, and a `MemSize` is a type's
///   width, signedness and int/float-ness; memory reinterpreted through raw pointers at another
///   type and another root is outside what the tracer models). The kinds of the values are
///   not compared: a pointer computed by address arithmetic is an `Int` in the trace, so an
///   `Int` store can overwrite a cached `Ref`.
fn store_may_clobber(store: (Val, i32, MemSize, u64), entry: (Val, i32, MemSize, u64)) -> bool {
    let (sb, so, ss, sc) = store;
    let (eb, eo, es, ec) = entry;
    if sb == eb {
        let (lo, hi) = (so as i64, so as i64 + ss.bytes() as i64);
        let (elo, ehi) = (eo as i64, eo as i64 + es.bytes() as i64);
        return lo < ehi && elo < hi;
    }
    if sc != 0 && ec != 0 {
        return !classes_disjoint(sc, ec);
    }
    ss == es
}

/// Alias-class bit: the place is the contents of a `Cell`/`GcCell` (set by the codewriter's
/// cell lowering; other classes never have it). Bits 63 and 62 are the virtualizable marks
/// (`codewriter::VABLE_CLASS`, `VABLE_ITEM`).
pub(crate) const CELL_CLASS: u64 = 1 << 61;
/// Alias-class bit: a cell's contents reached without a field class (through a reference);
/// the class is the cell's type.
pub(crate) const CELL_TYPE_CLASS: u64 = 1 << 60;

/// Whether places of two known alias classes never overlap: different field or element
/// classes never do; a cell reached through a reference (`CELL_TYPE_CLASS`) may be any cell
/// of its type, including one reached through a field, so it only rules out places outside
/// cells and cells of other types.
fn classes_disjoint(a: u64, b: u64) -> bool {
    let (ta, tb) = (a & CELL_TYPE_CLASS != 0, b & CELL_TYPE_CLASS != 0);
    match (ta, tb) {
        (false, false) => a != b,
        (true, true) => a != b,
        (true, false) => b & CELL_CLASS == 0,
        (false, true) => a & CELL_CLASS == 0,
    }
}

/// The green variables' own words (addresses for references, not key words) of the
/// merge-point state `state`: what the implementer's printable-location function takes.
pub(crate) fn green_words(merge: &MergeInfo, state: &[u64]) -> Vec<u64> {
    merge
        .vars
        .iter()
        .zip(state)
        .filter(|(v, _)| v.1)
        .map(|(_, w)| *w)
        .collect()
}

impl<'a> Tracer<'a> {
    /// A loop trace from the portal's merge point; `state` in merge-point order.
    pub fn for_loop(set: &'a CodeSet, state: &[u64], limit: usize) -> Self {
        let portal = &set.codes[0];
        let merge = portal.merge.as_ref().expect("portal has a merge point");
        let mut regs = vec![(0u64, Val::Const(Kind::Int, 0)); portal.reg_kinds.len()];
        for (r, k) in regs.iter_mut().zip(&portal.reg_kinds) {
            r.1 = Val::Const(*k, 0);
        }
        let mut trace = RTrace::default();
        // SAFETY: `state` is the interpreter's live state at the merge point.
        let key = unsafe { merge.key(state) };
        note_deps(&mut trace.deps, merge, &key);
        for ((reg, green, kind), &w) in merge.vars.iter().zip(state) {
            trace.roots.keep(*kind, w);
            if *green {
                regs[*reg as usize] = (w, Val::Const(*kind, w));
            } else {
                let n = trace.ops.len() as u32;
                trace.ops.push(ROp::Input(*kind, n));
                regs[*reg as usize] = (w, Val::Op(n));
            }
        }
        trace.ops.push(ROp::MergePoint(green_words(merge, state)));
        let mut t = Tracer {
            heap: HashMap::default(),
            cse: HashMap::default(),
            cse_un: HashMap::default(),
            lin: HashMap::default(),
            pending: Vec::new(),
            bounds: HashMap::default(),
            guarded: HashMap::default(),
            set,
            frames: vec![TFrame {
                code: 0,
                pc: merge.pc + 1,
                regs,
            }],
            trace,
            limit,
            start_key: Some(key),
            cut: None,
            jumped: false,
            need_not_invalidated: true,
            known: HashMap::default(),
            loop_inv: HashMap::default(),
            fresh: Default::default(),
            derived: HashMap::default(),
            escaped: Default::default(),
        };
        // Every iteration of a compiled loop checks for an interrupt (`jit::interrupt`); the
        // snapshot is the loop's entry state, so a failure resumes at the loop header.
        let snap = t.snapshot();
        t.trace.snapshots.push(snap);
        let s = t.trace.snapshots.len() as u32 - 1;
        t.record(ROp::Guard(
            GuardKind::NotInterrupted,
            Val::Const(Kind::Int, 0),
            s,
        ));
        t
    }

    /// A bridge from a failed guard. `frames` (outermost first) give, per register, a
    /// constant or the index of a saved exit value; `inputs` are the saved values with their
    /// kinds, which become the bridge's inputs in order.
    ///
    /// `virtuals` are the snapshot's virtual objects (allocation removal) and `objects` their
    /// addresses, already allocated and filled by the caller: the bridge starts by recording
    /// their allocation and field stores (`new`, stores), so its own optimizer can remove them
    /// again.
    pub fn for_bridge(
        set: &'a CodeSet,
        frames: &[(CodeId, Pc, Vec<BridgeVal>)],
        inputs: &[(Kind, u64)],
        virtuals: &[crate::ir::ResumeVirtual],
        objects: &[usize],
        limit: usize,
    ) -> Self {
        let mut trace = RTrace::default();
        for (i, (k, w)) in inputs.iter().enumerate() {
            trace.ops.push(ROp::Input(*k, i as u32));
            trace.roots.keep(*k, *w);
        }
        let mut fresh = rustc_hash::FxHashSet::default();
        let mut escaped = rustc_hash::FxHashSet::default();
        let mut vnew: Vec<Val> = Vec::with_capacity(virtuals.len());
        for (v, &addr) in virtuals.iter().zip(objects) {
            trace.roots.keep(Kind::Ref, addr as u64);
            trace.ops.push(ROp::New(v.alloc.size, v.alloc.header));
            let r = Val::Op(trace.ops.len() as u32 - 1);
            fresh.insert(r);
            vnew.push(r);
        }
        for (v, &r) in virtuals.iter().zip(&vnew) {
            for &(off, ty, slot) in &v.fields {
                let (kind, size) = match ty {
                    crate::ir::MemType::F64 => (Kind::Float, MemSize::F64),
                    crate::ir::MemType::Ref => (Kind::Ref, MemSize::W64),
                    crate::ir::MemType::Int { size, signed } => (
                        Kind::Int,
                        match (size, signed) {
                            (1, false) => MemSize::U8,
                            (1, true) => MemSize::I8,
                            (2, false) => MemSize::U16,
                            (2, true) => MemSize::I16,
                            (4, false) => MemSize::U32,
                            (4, true) => MemSize::I32,
                            _ => MemSize::W64,
                        },
                    ),
                };
                let value = match slot {
                    crate::ir::ResumeSlot::Saved(k) => Val::Op(k as u32),
                    crate::ir::ResumeSlot::Const(c) => Val::Const(kind, c.to_bits()),
                    crate::ir::ResumeSlot::Virtual(j) => {
                        // (stored into another object: loads may give it back)
                        escaped.insert(vnew[j]);
                        vnew[j]
                    }
                };
                trace.ops.push(ROp::Store(r, off, size, value));
            }
        }
        for (_, _, vals) in frames {
            for v in vals {
                if let BridgeVal::Const(k, w) = v {
                    trace.roots.keep(*k, *w);
                }
            }
        }
        let val = |v: &BridgeVal| match *v {
            BridgeVal::Const(k, w) => (w, Val::Const(k, w)),
            BridgeVal::Input(i) => (inputs[i as usize].1, Val::Op(i)),
            BridgeVal::Virtual(j) => (objects[j as usize] as u64, vnew[j as usize]),
        };
        // The guard's pending stores: performed now (the tracer runs on real memory) and kept
        // pending in the bridge, which records them when something may read them: each with
        // its alias class (so loads of other classes leave it pending) and in the heap cache
        // (so a load of its place is the stored value), as the tracer holds its own stores.
        let mut held = Vec::new();
        let frames = match frames.first() {
            Some((PENDING_STORES, _, vals)) => {
                for st in vals.chunks_exact(4) {
                    let (base, vb) = val(&st[0]);
                    let (off, _) = val(&st[1]);
                    let (size, c32, vable, item) =
                        super::recorded::pending_size_parts(val(&st[2]).0)
                            .expect("pending store size word");
                    let (w, vs) = val(&st[3]);
                    if fresh.contains(&vs) {
                        escaped.insert(vs);
                    }
                    // SAFETY: the interpreter's own store, which the trace delayed past the
                    // guard this bridge starts from (with the barrier: `w` may be an object
                    // materialized just now, young; the recording's roots pin it only at a
                    // collection while it lasts, and it may allocate nothing, so the card
                    // must be dirty for the next minor collection to keep it).
                    unsafe {
                        super::recorded::perform_pending_store(
                            base.wrapping_add(off) as usize,
                            size,
                            w,
                        )
                    };
                    let class = super::recorded::tracer_class(c32)
                        | if vable { VABLE_CLASS } else { 0 }
                        | if item { VABLE_ITEM } else { 0 };
                    held.push(PendingStore {
                        base: vb,
                        offset: off as i64 as i32,
                        size,
                        value: vs,
                        class,
                    });
                }
                &frames[1..]
            }
            _ => frames,
        };
        let frames = frames
            .iter()
            .map(|(code, pc, vals)| TFrame {
                code: *code,
                pc: *pc,
                regs: vals.iter().map(val).collect(),
            })
            .collect();
        let mut t = Tracer {
            heap: HashMap::default(),
            cse: HashMap::default(),
            cse_un: HashMap::default(),
            lin: HashMap::default(),
            pending: Vec::new(),
            derived: HashMap::default(),
            escaped,
            bounds: HashMap::default(),
            guarded: HashMap::default(),
            set,
            frames,
            trace,
            limit,
            start_key: None,
            cut: None,
            jumped: false,
            need_not_invalidated: true,
            known: HashMap::default(),
            loop_inv: HashMap::default(),
            fresh,
        };
        for st in held {
            t.hold_store(st);
        }
        t
    }

    /// A bridge recorder that, once it holds `ops` recorded ops, ends at the next merge point
    /// of the portal (a guest instruction boundary) with an exit to the interpreter there: a
    /// guard that always fails, whose snapshot is the interpreter's state at that point. The
    /// guard gets a bridge of its own when it has failed often enough, which continues the
    /// path; so a path longer than the trace limit is compiled as a chain of bridges instead
    /// of aborting (`trace too long`) and running in the interpreter at every failure of its
    /// guard. RPython aborts such a bridge instead (and retraces with the biggest callee
    /// left out); LuaJIT's side traces link to the interpreter the same way.
    pub fn cut_at(mut self, ops: usize) -> Self {
        self.cut = Some(ops);
        self
    }

    /// Holds store `st` back (a pending store, recorded when something may read it) and
    /// caches the value for loads of its place.
    fn hold_store(&mut self, st: PendingStore) {
        let PendingStore {
            base: vb,
            offset,
            size,
            value: vs,
            class,
        } = st;
        // An earlier pending store to the same place is dead: nothing read it (snapshots
        // taken since keep their copy). One that merely overlaps stays, before this one.
        self.pending
            .retain(|(p, _)| (p.base, p.offset, p.size) != (vb, offset, size));
        self.pending.push((st, class));
        // Which cached entries this store may overwrite (see [`store_may_clobber`]). Frozen
        // entries survive stores elsewhere; one this store overlaps at the same base was not
        // frozen after all. An object this trace allocated is reached only through values that
        // may point into it ([`Tracer::may_be`]): stores through others leave its fields,
        // stores to it leave places based on others.
        let cls = plain_class(class);
        let mut heap = std::mem::take(&mut self.heap);
        heap.retain(|k, v| {
            (k.0 != vb && (v.2 || self.fresh_apart(vb, k.0)))
                || !store_may_clobber((vb, offset, size, cls), (k.0, k.1, k.2, v.1))
        });
        self.heap = heap;
        self.heap.insert((vb, offset, size), (vs, cls, false));
    }

    fn record(&mut self, op: ROp) -> Val {
        self.trace.ops.push(op);
        Val::Op(self.trace.ops.len() as u32 - 1)
    }

    /// Records `op(a, b)` unless the same op on the same operands was recorded before.
    fn bin(&mut self, op: BinOp, a: Val, b: Val) -> Val {
        if let Some(v) = self.cse.get(&(op, a, b)) {
            return *v;
        }
        let v = self.record(ROp::Bin(op, a, b));
        self.cse.insert((op, a, b), v);
        v
    }

    /// A value as `(root, c)` with value = root + c; `None` root for constants.
    fn dec(&self, v: Val) -> (Option<Val>, i64) {
        match v {
            Val::Const(_, w) => (None, w as i64),
            Val::Op(i) => match self.lin.get(&i) {
                Some(&(r, c)) => (Some(r), c),
                None => (Some(v), 0),
            },
        }
    }

    fn kind_of(&self, v: Val) -> Kind {
        match v {
            Val::Const(k, _) => k,
            Val::Op(i) => self.trace.ops[i as usize].kind(),
        }
    }

    /// The value `root + c`, recorded (once) as `int_add(root, c)`.
    fn make_lin(&mut self, root: Val, c: i64) -> Val {
        // (a pointer plus 0 is the pointer: `slots[0]` is at the root `slots[k]` uses)
        if c == 0 && matches!(self.kind_of(root), Kind::Int | Kind::Ref) {
            return root;
        }
        let v = self.bin(BinOp::IntAdd, root, Val::Const(Kind::Int, c as u64));
        if let Val::Op(i) = v {
            self.lin.insert(i, (root, c));
        }
        v
    }

    /// Address arithmetic in canonical form: integer `+`, `-` and `* constant` are
    /// reassociated so that constants collect in one trailing `int_add` (`(x + 1) + 2` is
    /// recorded as `x + 3`, `(x + 1) * 32` as `x * 32 + 32`). Equal expressions then become
    /// the same value (CSE, guard dedup), and loads and stores at `root + c` use `root` with
    /// `c` folded into their offset, which lets the heap cache tell apart slots of one array.
    /// `None`: not a linear op, record it normally.
    fn linear(&mut self, op: BinOp, a: Val, b: Val) -> Option<Val> {
        let (ra, ca) = self.dec(a);
        let (rb, cb) = self.dec(b);
        match op {
            BinOp::IntAdd => {
                let c = ca.wrapping_add(cb);
                match (ra, rb) {
                    (Some(r), None) | (None, Some(r)) => Some(self.make_lin(r, c)),
                    (Some(x), Some(y)) => {
                        let key = |v: Val| match v {
                            Val::Op(i) => (1, i as u64),
                            Val::Const(_, w) => (0, w),
                        };
                        let (x, y) = if key(x) <= key(y) { (x, y) } else { (y, x) };
                        let atom = self.bin(BinOp::IntAdd, x, y);
                        Some(self.make_lin(atom, c))
                    }
                    (None, None) => None,
                }
            }
            BinOp::IntSub => {
                let c = ca.wrapping_sub(cb);
                match (ra, rb) {
                    (Some(r), None) => Some(self.make_lin(r, c)),
                    (Some(x), Some(y)) if x == y => Some(Val::Const(Kind::Int, c as u64)),
                    (Some(x), Some(y)) => {
                        let atom = self.bin(BinOp::IntSub, x, y);
                        Some(self.make_lin(atom, c))
                    }
                    _ => None,
                }
            }
            BinOp::IntMul => {
                let (r, c, k) = match (ra, rb) {
                    (Some(r), None) => (r, ca, cb),
                    (None, Some(r)) => (r, cb, ca),
                    _ => return None,
                };
                if k == 0 {
                    return Some(Val::Const(Kind::Int, 0));
                }
                let atom = self.bin(BinOp::IntMul, r, Val::Const(Kind::Int, k as u64));
                Some(self.make_lin(atom, c.wrapping_mul(k)))
            }
            _ => None,
        }
    }

    /// The base and offset a load or store records: `root` and `offset + c` when the base is
    /// `root + c` (and the sum fits an `i32`).
    fn address(&self, base: Val, offset: i32) -> (Val, i32) {
        if let (Some(r), c) = self.dec(base) {
            if let Ok(o) = i32::try_from(c.wrapping_add(offset as i64)) {
                if c != 0 && i32::try_from(c).is_ok() {
                    return (r, o);
                }
            }
        }
        (base, offset)
    }

    /// Whether `v` is a bounds check `root + c <u n` (constant `n`) implied by earlier
    /// checks on the same root and bound; if not, records that the guard about to be emitted
    /// checks it. Two passing checks at `c1 <= c2` imply every `c` between them: both
    /// `root + c1` and `root + c2` lie in `[0, n)`, and as `n + (c2 - c1)` cannot wrap, the
    /// values in between do too.
    fn bounds_known(&mut self, v: Val) -> bool {
        const SMALL: u64 = SMALL_OFFSET;
        let Val::Op(i) = v else { return false };
        let ROp::Bin(BinOp::UintLt, a, Val::Const(_, n)) = self.trace.ops[i as usize] else {
            return false;
        };
        let (Some(r), c) = self.dec(a) else {
            return false;
        };
        if n >= SMALL || c.unsigned_abs() >= SMALL {
            return false;
        }
        match self.bounds.get_mut(&(r, n)) {
            Some((lo, hi)) if *lo <= c && c <= *hi => true,
            Some((lo, hi)) => {
                *lo = (*lo).min(c);
                *hi = (*hi).max(c);
                false
            }
            None => {
                self.bounds.insert((r, n), (c, c));
                false
            }
        }
    }

    /// After a guard established `v == k`: if `v` is `x - y + c` for two roots `x` and `y`,
    /// then `x` is `y + (k - c)` from here on. `x` stops being a root: values recorded later
    /// as `x + d` become `y + (k - c + d)`, so addresses computed from either root share one
    /// root and the heap cache and the bounds checks can tell their slots apart (an
    /// interpreter promotes `sp - base` to make its stack top and its locals one root).
    /// Entries of the heap cache keyed by values derived from `x` earlier stay as they are,
    /// which is conservative: different roots are assumed to alias.
    fn learn_difference(&mut self, v: Val, k: i64) {
        let (Some(Val::Op(atom)), c) = self.dec(v) else {
            return;
        };
        let ROp::Bin(BinOp::IntSub, x @ Val::Op(xi), y @ Val::Op(_)) =
            self.trace.ops[atom as usize]
        else {
            return;
        };
        if self.lin.contains_key(&xi) || self.dec(y).0 != Some(y) || x == y {
            return;
        }
        let d = k.wrapping_sub(c);
        for e in self.lin.values_mut() {
            if e.0 == x {
                *e = (y, e.1.wrapping_add(d));
            }
        }
        self.lin.insert(xi, (y, d));
        // Known bounds on `x + c'` are known bounds on `y + (c' + d)`: keep the widest range
        // whose two ends were both checked.
        let moved: Vec<(u64, (i64, i64))> = self
            .bounds
            .iter()
            .filter(|(key, _)| key.0 == x)
            .map(|(key, r)| (key.1, *r))
            .collect();
        for (n, (lo, hi)) in moved {
            self.bounds.remove(&(x, n));
            let (lo, hi) = (lo.wrapping_add(d), hi.wrapping_add(d));
            if lo.unsigned_abs() >= SMALL_OFFSET || hi.unsigned_abs() >= SMALL_OFFSET {
                continue; // outside the range `bounds_known` reasons about
            }
            let e = self.bounds.entry((y, n)).or_insert((lo, hi));
            e.0 = e.0.min(lo);
            e.1 = e.1.max(hi);
        }
    }

    /// The fresh object `v` is or was computed from (its address plus something), if any.
    fn fresh_root(&self, v: Val) -> Option<Val> {
        if self.fresh.contains(&v) {
            Some(v)
        } else {
            self.derived.get(&v).copied()
        }
    }

    /// Whether base `x` may point into the fresh object `f` (`x != f`). Not when `x` is
    /// another fresh object, a constant, or a value recorded before `f`'s `new` (memory older
    /// than the object cannot hold it: the rule `opt::heap` uses); when `x` was computed from
    /// `f`'s address; otherwise when `f` escaped (a load or a call may give it back).
    fn may_be(&self, x: Val, f: Val) -> bool {
        if self.fresh.contains(&x) {
            return false;
        }
        match (x, f) {
            (Val::Const(..), _) => return false,
            (Val::Op(i), Val::Op(n)) if i < n => return false,
            _ => {}
        }
        self.derived.get(&x) == Some(&f) || self.escaped.contains(&f)
    }

    /// Whether places based on `a` and on `b` (different values) may overlap as far as the
    /// fresh-object rule can tell: not when one is a fresh object the other cannot point into.
    fn fresh_apart(&self, a: Val, b: Val) -> bool {
        (self.fresh.contains(&a) && !self.may_be(b, a))
            || (self.fresh.contains(&b) && !self.may_be(a, b))
    }

    /// The fresh object `v` is or was computed from (if any) escapes: values not computed
    /// from it may point to it from now on. Its pending stores are recorded now, so that a
    /// frozen load through another value (which does not look at pending stores) reads its
    /// initialized fields.
    fn escape(&mut self, v: Val) {
        let Some(f) = self.fresh_root(v) else {
            return;
        };
        if !self.escaped.insert(f) {
            return;
        }
        let (now, keep): (Vec<_>, Vec<_>) = std::mem::take(&mut self.pending)
            .into_iter()
            .partition(|(p, _)| self.fresh_root(p.base) == Some(f));
        self.pending = keep;
        for (p, cls) in now {
            let at = self.trace.ops.len() as u32;
            self.trace.note_class(at, cls);
            self.trace
                .ops
                .push(ROp::Store(p.base, p.offset, p.size, p.value));
        }
    }

    /// An integer op on `a` and `b` gave `v`: when an operand is (computed from) a fresh
    /// object, so is `v`. Computed from two, both escape (`v` may point into either).
    fn derive(&mut self, v: Val, a: Val, b: Option<Val>) {
        let ra = self.fresh_root(a);
        let rb = b.and_then(|b| self.fresh_root(b));
        let root = match (ra, rb) {
            (Some(x), Some(y)) if x != y => {
                self.escape(x);
                self.escape(y);
                return;
            }
            (Some(x), _) | (None, Some(x)) => x,
            (None, None) => return,
        };
        if v != root && !self.fresh.contains(&v) && matches!(v, Val::Op(_)) {
            match self.derived.get(&v) {
                Some(&other) if other != root => {
                    // (a CSE'd value reached from two objects)
                    self.escape(other);
                    self.escape(root);
                }
                _ => {
                    self.derived.insert(v, root);
                }
            }
        }
    }

    /// Whether the places `(base, offset, size)` of alias class `cls` and `(pbase, poffset,
    /// psize)` of class `pcls` may overlap. At the same base the bytes decide (whatever the
    /// classes); elsewhere only two known, different alias classes rule out aliasing (no
    /// type-based rule here: a pending store is cheap to record, a load moved above its
    /// store is wrong), or the fresh-object rule.
    fn places_may_alias(
        &self,
        (base, offset, size, cls): (Val, i32, MemSize, u64),
        (pbase, poffset, psize, pcls): (Val, i32, MemSize, u64),
    ) -> bool {
        let (lo, hi) = (offset as i64, offset as i64 + size.bytes() as i64);
        let (plo, phi) = (poffset as i64, poffset as i64 + psize.bytes() as i64);
        if pbase == base {
            return plo < hi && lo < phi;
        }
        // an object this trace allocated, and a base that cannot point into it
        if self.fresh_apart(pbase, base) {
            return false;
        }
        let (cls, pcls) = (plain_class(cls), plain_class(pcls));
        !(cls != 0 && pcls != 0 && classes_disjoint(cls, pcls))
    }

    /// A load from `(base, offset, size)` of alias class `cls` reads memory: the pending
    /// stores that may alias it are recorded, with every older pending store that may alias
    /// one of those (so stores that may alias each other keep their order); the others stay
    /// pending. (Recording them all made every value they store escape: an inlined call's
    /// frame, stored as the current frame, was allocated at the first load of an array
    /// element after the call.)
    fn observe_load(&mut self, base: Val, offset: i32, size: MemSize, cls: u64) {
        let here = (base, offset, size, cls);
        let may_read = |t: &Self, (p, pcls): &(PendingStore, u64)| {
            t.places_may_alias(here, (p.base, p.offset, p.size, *pcls))
        };
        // (the common case, nothing aliased, allocates nothing)
        if !self.pending.iter().any(|e| may_read(self, e)) {
            return;
        }
        let n = self.pending.len();
        let mut take: Vec<bool> = self.pending.iter().map(|e| may_read(self, e)).collect();
        // (newest first: an older store taken here is looked at later in this loop)
        for k in (0..n).rev() {
            if !take[k] {
                continue;
            }
            let (pk, ck) = self.pending[k];
            let pk = (pk.base, pk.offset, pk.size, ck);
            for (j, (pj, cj)) in self.pending[..k].iter().enumerate() {
                if !take[j] && self.places_may_alias(pk, (pj.base, pj.offset, pj.size, *cj)) {
                    take[j] = true;
                }
            }
        }
        self.flush_stores_where(|k, _| take[k]);
    }

    /// A load from `vb + offset` that does not fold: answered by the heap cache, or recorded
    /// (after the pending stores it may read) and cached. `cls` may carry [`VABLE_CLASS`]
    /// (the load is marked in `RTrace::vable`; aliasing ignores the bit).
    fn load(
        &mut self,
        vb: Val,
        offset: i32,
        size: MemSize,
        kind: Kind,
        cls: u64,
        frozen: bool,
    ) -> Val {
        let vable = cls & (VABLE_CLASS | VABLE_ITEM);
        let cls = plain_class(cls);
        let (vb, offset) = self.address(vb, offset);
        let frozen = frozen && self.fresh_root(vb).is_none();
        match self.heap.get(&(vb, offset, size)) {
            Some(v) => v.0,
            None => {
                if !frozen {
                    self.observe_load(vb, offset, size, cls);
                }
                let v = self.record(ROp::Load(vb, offset, size, kind));
                let at = self.trace.ops.len() as u32 - 1;
                if vable != 0 {
                    self.trace.vable.push((at, vable & VABLE_ITEM != 0));
                }
                self.trace.note_class(at, cls);
                self.heap.insert((vb, offset, size), (v, cls, frozen));
                v
            }
        }
    }

    /// Records every pending store, oldest first.
    fn flush_stores(&mut self) {
        self.flush_stores_where(|_, _| true);
    }

    /// Records the pending stores for which `which(position in the pending list, alias
    /// class)` holds, oldest first; the others stay pending.
    fn flush_stores_where(&mut self, which: impl Fn(usize, u64) -> bool) {
        let mut keep = Vec::new();
        for (k, (p, cls)) in std::mem::take(&mut self.pending).into_iter().enumerate() {
            if !which(k, cls) {
                keep.push((p, cls));
                continue;
            }
            let at = self.trace.ops.len() as u32;
            if cls & VABLE_CLASS != 0 {
                self.trace.vable.push((at, cls & VABLE_ITEM != 0));
            }
            self.trace.note_class(at, cls);
            self.trace
                .ops
                .push(ROp::Store(p.base, p.offset, p.size, p.value));
        }
        self.pending = keep;
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            frames: self
                .frames
                .iter()
                .map(|f| {
                    let code = &self.set.codes[f.code as usize];
                    SnapFrame {
                        code: f.code,
                        pc: f.pc,
                        nregs: f.regs.len() as u32,
                        // only live registers: a large interpreter's frame has hundreds of
                        // registers, few of them live at any one guard (so the set bits of
                        // the liveness set are visited, not every register)
                        regs: match code.live_set(f.pc) {
                            Some(bits) => live_regs(bits, &f.regs),
                            None => f
                                .regs
                                .iter()
                                .enumerate()
                                .map(|(i, r)| (i as u16, r.1))
                                .collect(),
                        },
                    }
                })
                .collect(),
            stores: self.pending.iter().map(|(p, _)| *p).collect(),
        }
    }

    fn guard(&mut self, kind: GuardKind, v: Val) {
        if self.guarded.get(&v) == Some(&kind) {
            return; // the same condition was checked earlier in this trace
        }
        self.guarded.insert(v, kind);
        let snap = self.snapshot();
        self.trace.snapshots.push(snap);
        let s = self.trace.snapshots.len() as u32 - 1;
        self.record(ROp::Guard(kind, v, s));
    }

    fn abort(self, reason: String) -> TraceEnd {
        let frames = self
            .frames
            .into_iter()
            .map(|f| Frame {
                code: f.code,
                pc: f.pc,
                regs: f.regs.into_iter().map(|r| r.0).collect(),
            })
            .collect();
        let outcome = blackhole::run(self.set, frames);
        TraceEnd::Aborted { reason, outcome }
    }

    /// Runs until the trace closes, ends at compiled code, or aborts. `has_code(key)` says
    /// whether a merge point key already has compiled code to continue into.
    pub fn run(mut self, has_code: &dyn Fn(&[u64]) -> bool) -> TraceEnd {
        let set = self.set;
        loop {
            if self.trace.ops.len() > self.limit {
                return self.abort("trace too long".into());
            }
            let depth = self.frames.len() - 1;
            let f = &mut self.frames[depth];
            let code = &set.codes[f.code as usize];
            let pc = f.pc;
            let insn = &code.insns[pc as usize];
            macro_rules! reg {
                ($r:expr) => {
                    self.frames[depth].regs[*$r as usize]
                };
            }
            match insn {
                Insn::Const { dst, val } => {
                    let k = code.reg_kinds[*dst as usize];
                    f.regs[*dst as usize] = (*val, Val::Const(k, *val));
                    self.trace.roots.keep(k, *val);
                }
                Insn::Move { dst, src } => f.regs[*dst as usize] = f.regs[*src as usize],
                Insn::Bin { op, dst, a, b } => {
                    let (ca, va) = f.regs[*a as usize];
                    let (cb, vb) = f.regs[*b as usize];
                    let c = op.eval(ca, cb);
                    let v = match (va, vb) {
                        (Val::Const(..), Val::Const(..)) => Val::Const(op.result_kind(), c),
                        _ => match self.linear(*op, va, vb) {
                            Some(v) => v,
                            None => self.bin(*op, va, vb),
                        },
                    };
                    self.derive(v, va, Some(vb));
                    self.trace.roots.keep(op.result_kind(), c);
                    reg!(dst) = (c, v);
                }
                Insn::Ovf { op, dst, a, b } => {
                    let (ca, va) = f.regs[*a as usize];
                    let (cb, vb) = f.regs[*b as usize];
                    let (op, dst) = (*op, *dst as usize);
                    let (c, o) = super::jitcode::eval_ovf(op, ca, cb);
                    let v = match (va, vb) {
                        (Val::Const(..), Val::Const(..)) => Val::Const(Kind::Int, c),
                        _ => {
                            // The op, then its guard (snapshot on this instruction, which
                            // resuming recomputes); the flag is then known.
                            let v = self.record(ROp::Ovf(op, va, vb));
                            self.derive(v, va, Some(vb));
                            let kind = if o {
                                GuardKind::Overflow
                            } else {
                                GuardKind::NoOverflow
                            };
                            let snap = self.snapshot();
                            self.trace.snapshots.push(snap);
                            let s = self.trace.snapshots.len() as u32 - 1;
                            self.record(ROp::Guard(kind, v, s));
                            v
                        }
                    };
                    let f = &mut self.frames[depth];
                    f.regs[dst] = (c, v);
                    f.regs[dst + 1] = (o as u64, Val::Const(Kind::Int, o as u64));
                }
                Insn::Un { op, dst, a } => {
                    let (ca, va) = f.regs[*a as usize];
                    let c = op.eval(ca);
                    let op = *op;
                    let v = match va {
                        Val::Const(..) => Val::Const(op.result_kind(), c),
                        _ => match self.cse_un.get(&(op, va)) {
                            Some(v) => *v,
                            None => {
                                let v = self.record(ROp::Un(op, va));
                                self.cse_un.insert((op, va), v);
                                v
                            }
                        },
                    };
                    self.derive(v, va, None);
                    self.trace.roots.keep(op.result_kind(), c);
                    reg!(dst) = (c, v);
                }
                Insn::Load {
                    dst,
                    base,
                    offset,
                    size,
                    immutable,
                    class,
                    frozen,
                } => {
                    let (cb, vb) = f.regs[*base as usize];
                    let addr = cb.wrapping_add(*offset as i64 as u64);
                    // SAFETY: the jitcode mirrors the interpreter's own load with the same values.
                    let c = unsafe { size.load(addr as usize) };
                    let kind = code.reg_kinds[*dst as usize];
                    let (size, cls) = (*size, *class);
                    let v = match vb {
                        Val::Const(..) if *immutable => Val::Const(kind, c),
                        _ => self.load(vb, *offset, size, kind, cls, *frozen),
                    };
                    // (before anything else can allocate: the word may be the only reference)
                    self.trace.roots.keep(kind, c);
                    reg!(dst) = (c, v);
                }
                Insn::QuasiLoad {
                    dst,
                    base,
                    offset,
                    size,
                    watch,
                } => {
                    let (cb, vb) = f.regs[*base as usize];
                    let addr = cb.wrapping_add(*offset as i64 as u64);
                    // SAFETY: the jitcode mirrors the interpreter's own read of the cell.
                    let c = unsafe { size.load(addr as usize) };
                    let kind = code.reg_kinds[*dst as usize];
                    let (size, offset, watch) = (*size, *offset, *watch);
                    let v = match vb {
                        Val::Const(..) => {
                            // A quasi-immutable read from a constant cell: the value is a
                            // constant of the trace, which depends on the cell. Before the
                            // first such read (and the first after a residual call, which
                            // may have written a cell) the trace checks it was not
                            // invalidated; resuming there re-reads the cell.
                            if self.need_not_invalidated {
                                self.need_not_invalidated = false;
                                let snap = self.snapshot();
                                self.trace.snapshots.push(snap);
                                let s = self.trace.snapshots.len() as u32 - 1;
                                self.record(ROp::Guard(
                                    GuardKind::NotInvalidated,
                                    Val::Const(Kind::Int, 0),
                                    s,
                                ));
                            }
                            let waddr = cb.wrapping_add(watch as i64 as u64) as usize;
                            // SAFETY: `waddr` is the watch word of the live cell the
                            // interpreter reads here (the codewriter computed `watch` from
                            // the cell's layout).
                            let n = unsafe { super::quasi::watch(waddr) };
                            if !self.trace.quasi.contains(&n) {
                                self.trace.quasi.push(n);
                            }
                            Val::Const(kind, c)
                        }
                        _ => self.load(vb, offset, size, kind, 0, false),
                    };
                    self.trace.roots.keep(kind, c);
                    reg!(dst) = (c, v);
                }
                Insn::Store {
                    base,
                    offset,
                    size,
                    src,
                    class,
                } => {
                    let cls = *class;
                    let (cb, vb) = f.regs[*base as usize];
                    let (cs, vs) = f.regs[*src as usize];
                    let addr = cb.wrapping_add(*offset as i64 as u64);
                    // SAFETY: the interpreter performs this very store.
                    unsafe { size.store(addr as usize, cs) };
                    let (vb, offset) = self.address(vb, *offset);
                    // (a fresh object stored to memory: a load may give it back)
                    self.escape(vs);
                    self.hold_store(PendingStore {
                        base: vb,
                        offset,
                        size: *size,
                        value: vs,
                        class: cls,
                    });
                }
                Insn::KnownResult { result, desc, args } => {
                    if desc.effect == Effect::Elidable {
                        let vals: Vec<Val> = args.iter().map(|r| f.regs[*r as usize].1).collect();
                        let v = f.regs[*result as usize].1;
                        self.known.insert((desc.func as usize, vals), v);
                    }
                }
                Insn::Call { dst, desc, .. }
                    if desc.effect == Effect::LoopInvariant
                        && self.loop_inv.contains_key(&(desc.func as usize)) =>
                {
                    // called once already in this trace: the same result, no call
                    reg!(dst) = self.loop_inv[&(desc.func as usize)];
                }
                Insn::Call { dst, desc, args } if desc.effect == Effect::Alloc => {
                    // `new`: allocate for real (the interpreter's object), record the op.
                    // Objects allocated earlier in the trace get their pending initializing
                    // stores recorded first: this allocation may collect, and an object it
                    // pins becomes old, so a store into it after that would need the write
                    // barrier (fresh objects alias nothing, so only their stores move).
                    let words: Vec<u64> = args.iter().map(|r| f.regs[*r as usize].0).collect();
                    let fresh = &self.fresh;
                    let (now, keep): (Vec<_>, Vec<_>) = std::mem::take(&mut self.pending)
                        .into_iter()
                        .partition(|(p, _)| fresh.contains(&p.base));
                    self.pending = keep;
                    for (p, cls) in now {
                        let at = self.trace.ops.len() as u32;
                        self.trace.note_class(at, cls);
                        self.trace
                            .ops
                            .push(ROp::Store(p.base, p.offset, p.size, p.value));
                    }
                    // SAFETY: the codewriter passes `alloc_zeroed`'s header and size.
                    let c = unsafe { (desc.func)(words.as_ptr()) };
                    self.trace.roots.keep(Kind::Ref, c);
                    let v = self.record(ROp::New(words[1] as u32, words[0]));
                    self.fresh.insert(v);
                    reg!(dst) = (c, v);
                }
                Insn::Call { dst, desc, args } => {
                    let words: Vec<u64> = args.iter().map(|r| f.regs[*r as usize].0).collect();
                    let vals: Vec<Val> = args.iter().map(|r| f.regs[*r as usize].1).collect();
                    // SAFETY: the trampoline matches the argument types (monomorphized).
                    let c = unsafe { (desc.func)(words.as_ptr()) };
                    // The result may be a fresh object referenced from nowhere else.
                    self.trace.roots.keep(desc.ret_kind, c);
                    let all_const = vals.iter().all(|v| matches!(v, Val::Const(..)));
                    let known = match desc.effect {
                        Effect::Elidable if !all_const => {
                            self.known.get(&(desc.func as usize, vals.clone())).copied()
                        }
                        _ => None,
                    };
                    let v = if desc.effect == Effect::Elidable && all_const {
                        Val::Const(desc.ret_kind, c)
                    } else if let Some(v) = known {
                        // `record_known_result` told the result of this call
                        v
                    } else {
                        // A fresh object passed to a call that may store it or return it
                        // (or something computed from it) escapes.
                        let keeps = matches!(desc.effect, Effect::Residual | Effect::LoopInvariant)
                            || desc.ret_kind != Kind::Void;
                        if keeps {
                            for &a in &vals {
                                self.escape(a);
                            }
                        }
                        // It may read memory: any call but an elidable one, and an elidable
                        // one given a pointer (it may read the pointee, which the trace may
                        // just have written).
                        let reads = match desc.effect {
                            Effect::NoMemory => false,
                            Effect::Elidable => desc.arg_kinds.contains(&Kind::Ref),
                            _ => true,
                        };
                        // A call that writes nothing and takes no pointer cannot see a
                        // virtualizable frame: its fields stay in registers (pending).
                        let sees_frame =
                            desc.effect != Effect::ReadOnly || desc.arg_kinds.contains(&Kind::Ref);
                        if reads && sees_frame {
                            self.flush_stores();
                        } else if reads {
                            self.flush_stores_where(|_, cls| cls & VABLE_CLASS == 0);
                        }
                        if matches!(desc.effect, Effect::Residual | Effect::LoopInvariant) {
                            // A residual call may write any memory but frozen fields, and
                            // quasi-immutable cells (invalidating this trace).
                            self.heap.retain(|_, v| v.2);
                            self.need_not_invalidated = true;
                        }
                        let v = self.record(ROp::Call(Rc::new((**desc).clone()), vals));
                        if desc.ret_kind == Kind::Void {
                            // no value: snapshots and later ops must not name the call
                            Val::Const(Kind::Void, 0)
                        } else {
                            v
                        }
                    };
                    if desc.effect == Effect::LoopInvariant {
                        self.loop_inv.insert(desc.func as usize, (c, v));
                    }
                    reg!(dst) = (c, v);
                }
                Insn::InlineCall {
                    code: callee, args, ..
                } => {
                    let cc = &set.codes[*callee as usize];
                    let mut regs: Vec<(u64, Val)> = cc
                        .reg_kinds
                        .iter()
                        .map(|k| (0, Val::Const(*k, 0)))
                        .collect();
                    for (p, a) in cc.params.iter().zip(args.iter()) {
                        regs[*p as usize] = f.regs[*a as usize];
                    }
                    if self.frames.len() > 64 {
                        return self.abort("inlining too deep (recursion?)".into());
                    }
                    self.frames.push(TFrame {
                        code: *callee,
                        pc: 0,
                        regs,
                    });
                    continue; // the caller stays on its InlineCall
                }
                Insn::Jump { target } => {
                    f.pc = *target;
                    continue;
                }
                Insn::Branch { cond, target } => {
                    let (c, v) = f.regs[*cond as usize];
                    let target = *target;
                    let known = matches!(v, Val::Const(..)) || (c != 0 && self.bounds_known(v));
                    if !known {
                        let kind = if c != 0 {
                            GuardKind::True
                        } else {
                            GuardKind::False
                        };
                        self.guard(kind, v);
                    }
                    let f = &mut self.frames[depth];
                    f.pc = if c != 0 { pc + 1 } else { target };
                    continue;
                }
                Insn::Switch {
                    reg,
                    cases,
                    default,
                } => {
                    let (c, v) = f.regs[*reg as usize];
                    let target = cases
                        .iter()
                        .find(|(x, _)| *x == c)
                        .map_or(*default, |(_, t)| *t);
                    if !matches!(v, Val::Const(..)) {
                        self.guard(GuardKind::Value(c), v);
                    }
                    self.frames[depth].pc = target;
                    continue;
                }
                Insn::Promote { reg, green } => {
                    let (c, v) = f.regs[*reg as usize];
                    let r = *reg;
                    if let GreenKind::Identity(_) = green {
                        // SAFETY: `c` is the concrete value of a `&T` with `T: JitGreen` that
                        // the interpreter holds here.
                        let id = unsafe { green.key_word(c) };
                        if !self.trace.deps.contains(&id) {
                            self.trace.deps.push(id);
                        }
                    }
                    if !matches!(v, Val::Const(..)) {
                        // (a fresh object promoted: the constant is another value for it)
                        self.escape(v);
                        self.guard(GuardKind::Value(c), v);
                        self.learn_difference(v, c as i64);
                        let k = set.codes[self.frames[depth].code as usize].reg_kinds[r as usize];
                        self.frames[depth].regs[r as usize] = (c, Val::Const(k, c));
                        // Memory known to hold the promoted value holds the constant: a later
                        // read of the same field (`promote(frame.sp)`, then `self.sp` in a
                        // helper) is the constant too.
                        for e in self.heap.values_mut() {
                            if e.0 == v {
                                e.0 = Val::Const(k, c);
                            }
                        }
                    }
                }
                Insn::Return { src, n } => {
                    if depth == 0 {
                        if self.start_key.is_some() || *n > 1 {
                            // A loop trace must close. One whose iteration leaves the portal
                            // (a generator's loop that yields) could end in `finish` and be
                            // entered once per pass, as RPython does, but measured on
                            // pyguest's generators that cost 2.4x interpreting the pass (the
                            // entry and exit of machine code outweigh a few traced
                            // instructions). Such keys are retried with the linear back-off
                            // of every abort, and their jumps cost little between attempts
                            // (the driver's skip table).
                            return self.abort(PORTAL_RETURNED.into());
                        }
                        // A bridge that leaves the portal: it ends by handing the return
                        // value to the driver (`finish`), with the trace's stores performed.
                        let rv = (*n == 1).then(|| self.frames[0].regs[*src as usize]);
                        self.flush_stores();
                        self.record(ROp::Finish(rv.map(|r| r.1)));
                        return TraceEnd::Done {
                            trace: self.trace,
                            outcome: Outcome::Returned(rv.map_or(0, |r| r.0)),
                        };
                    }
                    let (src, n) = (*src as usize, *n as usize);
                    let rv: Vec<(u64, Val)> = f.regs[src..src + n].to_vec();
                    self.frames.pop();
                    let caller = self.frames.last_mut().expect("caller frame");
                    let ccode = &set.codes[caller.code as usize];
                    if let Insn::InlineCall { dst, .. } = &ccode.insns[caller.pc as usize] {
                        let dst = *dst as usize;
                        caller.regs[dst..dst + n].copy_from_slice(&rv);
                    }
                    caller.pc += 1;
                    continue;
                }
                Insn::MergePoint if depth == 0 => {
                    let merge = code.merge.as_ref().expect("portal has merge info");
                    // Greens must be constants in the trace: promote any that was computed
                    // from red values (e.g. a return address loaded from a frame stack).
                    for &(r, green, kind) in &merge.vars {
                        let (c, v) = self.frames[depth].regs[r as usize];
                        if green && !matches!(v, Val::Const(..)) {
                            self.guard(GuardKind::Value(c), v);
                            self.frames[depth].regs[r as usize] = (c, Val::Const(kind, c));
                        }
                    }
                    let f = &mut self.frames[depth];
                    let state: Vec<u64> =
                        merge.vars.iter().map(|v| f.regs[v.0 as usize].0).collect();
                    // SAFETY: the registers hold the interpreter's concrete state here.
                    let key = unsafe { merge.key(&state) };
                    note_deps(&mut self.trace.deps, merge, &key);
                    let closes = self.start_key.as_deref() == Some(&key[..]);
                    let compiled = !closes && has_code(&key);
                    let cut =
                        !closes && !compiled && self.cut.is_some_and(|n| self.trace.ops.len() >= n);
                    if closes || compiled || cut {
                        // the trace ends here: whatever runs next reads memory
                        self.flush_stores();
                    }
                    if cut {
                        // leave to the interpreter at this merge point (see `cut_at`): the
                        // guard's snapshot is the state here, the `finish` is never reached
                        let snap = self.snapshot();
                        self.trace.snapshots.push(snap);
                        let s = self.trace.snapshots.len() as u32 - 1;
                        self.record(ROp::MergePoint(green_words(merge, &state)));
                        self.record(ROp::Guard(GuardKind::True, Val::Const(Kind::Int, 0), s));
                        self.record(ROp::Finish(None));
                    } else if closes {
                        let args = merge
                            .vars
                            .iter()
                            .filter(|v| !v.1)
                            .map(|v| self.frames[depth].regs[v.0 as usize].1)
                            .collect();
                        self.record(ROp::Jump(args));
                    } else if compiled {
                        let snap = self.snapshot();
                        self.trace.snapshots.push(snap);
                        let s = self.trace.snapshots.len() as u32 - 1;
                        let args = merge
                            .vars
                            .iter()
                            .filter(|v| !v.1)
                            .map(|v| self.frames[depth].regs[v.0 as usize].1)
                            .collect();
                        self.record(ROp::Exit {
                            snap: s,
                            key: key.clone(),
                            args,
                        });
                    } else {
                        // a guest position inside the trace: a marker for the logs
                        self.record(ROp::MergePoint(green_words(merge, &state)));
                        self.frames[depth].pc += 1;
                        continue;
                    }
                    let outcome = Outcome::Merge {
                        state,
                        jumped: self.jumped,
                    };
                    return TraceEnd::Done {
                        trace: self.trace,
                        outcome,
                    };
                }
                Insn::MergePoint => {}
                Insn::CanEnterJit => self.jumped = true,
                Insn::Unreachable => {
                    return self.abort("reached code marked unreachable".into());
                }
            }
            self.frames[depth].pc += 1;
        }
    }
}

/// The registers of `regs` whose bits are set in the liveness set `bits`, ascending, with
/// their recorded values (what a snapshot keeps of a frame).
fn live_regs(bits: &[u64], regs: &[(u64, Val)]) -> Vec<(u16, Val)> {
    let mut out = Vec::new();
    for (w, &word) in bits.iter().enumerate() {
        let mut m = word;
        while m != 0 {
            let i = w * 64 + m.trailing_zeros() as usize;
            if i >= regs.len() {
                return out;
            }
            out.push((i as u16, regs[i].1));
            m &= m - 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::jitcode::{Effect, MemSize};
    use super::super::testutil::{call_desc, load, portal, set, store};
    use super::*;

    #[test]
    fn a_snapshot_keeps_exactly_the_live_registers() {
        // bits 1 and 3 of word 0, bit 0 of word 1 (register 64), bit 2 of word 1 beyond
        // the frame's 66 registers
        let regs: Vec<(u64, Val)> = (0..66).map(|i| (i, Val::Op(i as u32))).collect();
        let got = live_regs(&[0b1010, 0b101], &regs);
        assert_eq!(
            got,
            vec![(1, Val::Op(1)), (3, Val::Op(3)), (64, Val::Op(64))]
        );
        assert!(live_regs(&[0, 0], &regs).is_empty());
    }

    const I: Kind = Kind::Int;
    const R: Kind = Kind::Ref;

    /// Records one loop of `body` (state `vars` with words `state`) and returns the trace.
    fn record(kinds: &[Kind], vars: &[(u16, bool)], body: Vec<Insn>, state: &[u64]) -> RTrace {
        let set = set(vec![portal(kinds, vars, body)]);
        match Tracer::for_loop(&set, state, 1000).run(&|_| false) {
            TraceEnd::Done { trace, .. } => trace,
            TraceEnd::Aborted { reason, .. } => panic!("aborted: {reason}"),
        }
    }

    fn loads(t: &RTrace) -> Vec<usize> {
        (0..t.ops.len())
            .filter(|&i| matches!(t.ops[i], ROp::Load(..)))
            .collect()
    }

    /// The value the (flushed) store to `offset` wrote.
    fn stored_at(t: &RTrace, offset: i32) -> Val {
        t.ops
            .iter()
            .rev()
            .find_map(|o| match o {
                ROp::Store(_, off, _, v) if *off == offset => Some(*v),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no store to offset {offset}:\n{t}"))
    }

    /// `r2 = load SIZE1 [r0]; store SIZE2 [r0 + soff] = 0x80; r4 = load SIZE1 [r0];
    /// [r0 + 16] = r4`: whether the second load was forwarded from the first.
    fn reload_after_store(first: MemSize, soff: i32, ssize: MemSize, classes: (u64, u64)) -> bool {
        let mut mem = Box::new([0x0102_0304_0506_0708u64, 0, 0]);
        let body = vec![
            Insn::Load {
                dst: 2,
                base: 0,
                offset: 0,
                size: first,
                immutable: false,
                class: classes.0,
                frozen: false,
            },
            Insn::Const { dst: 3, val: 0x80 },
            Insn::Store {
                base: 0,
                offset: soff,
                size: ssize,
                src: 3,
                class: classes.1,
            },
            Insn::Load {
                dst: 4,
                base: 0,
                offset: 0,
                size: first,
                immutable: false,
                class: classes.0,
                frozen: false,
            },
            store(0, 16, MemSize::W64, 4),
        ];
        let addr = mem.as_mut_ptr() as u64;
        let t = record(&[R, I, I, I, I], &[(1, true), (0, false)], body, &[0, addr]);
        let first_load = Val::Op(loads(&t)[0] as u32);
        let forwarded = stored_at(&t, 16) == first_load;
        // the tracer ran on real memory: the second load saw the store
        let expect = match (soff, ssize) {
            (0, MemSize::U8) => 0x0102_0304_0506_0780,
            (3, MemSize::U8) => 0x0102_0304_8006_0708,
            _ => mem[0],
        };
        assert_eq!(mem[0], expect);
        forwarded
    }

    #[test]
    fn a_store_of_another_size_invalidates_an_overlapping_cached_load() {
        // (failed before: the cached `i8`/`u64` entry survived a `u8` store to its bytes)
        assert!(!reload_after_store(MemSize::I8, 0, MemSize::U8, (0, 0)));
        assert!(!reload_after_store(MemSize::W64, 3, MemSize::U8, (0, 0)));
        assert!(!reload_after_store(MemSize::W64, 0, MemSize::U32, (0, 0)));
    }

    #[test]
    fn cell_classes_through_references_alias_cells_only() {
        let field = 0x10 | 1;
        let cell_field = 0x20 | 1 | CELL_CLASS;
        let cell_ref = 0x30 | 1 | CELL_CLASS | CELL_TYPE_CLASS;
        let other_ref = 0x40 | 1 | CELL_CLASS | CELL_TYPE_CLASS;
        // a cell reached through a reference may be a cell reached through a field ...
        assert!(!classes_disjoint(cell_ref, cell_field));
        assert!(!classes_disjoint(cell_field, cell_ref));
        // ... but never a place outside a cell, nor a cell of another type
        assert!(classes_disjoint(cell_ref, field));
        assert!(classes_disjoint(field, cell_ref));
        assert!(classes_disjoint(cell_ref, other_ref));
        assert!(!classes_disjoint(cell_ref, cell_ref));
        // field classes as before
        assert!(classes_disjoint(field, cell_field));
        assert!(!classes_disjoint(field, field));
    }

    #[test]
    fn overlap_at_one_base_invalidates_whatever_the_alias_classes() {
        // (failed before: entries of another known class were kept)
        assert!(!reload_after_store(MemSize::W64, 0, MemSize::W64, (3, 5)));
        assert!(!reload_after_store(MemSize::W64, 4, MemSize::U32, (3, 5)));
    }

    #[test]
    fn a_store_to_disjoint_bytes_keeps_the_cached_load() {
        assert!(reload_after_store(MemSize::W64, 8, MemSize::U8, (0, 0)));
        assert!(reload_after_store(MemSize::U8, 1, MemSize::U8, (3, 3)));
    }

    #[test]
    fn alias_rules_between_different_bases() {
        let b = Val::Op(0);
        let c = Val::Op(1);
        // different known classes never alias; equal ones may
        assert!(!store_may_clobber(
            (b, 0, MemSize::W64, 3),
            (c, 0, MemSize::W64, 5)
        ));
        assert!(store_may_clobber(
            (b, 0, MemSize::W64, 3),
            (c, 8, MemSize::W64, 3)
        ));
        // an unknown class: type-based (same access size)
        assert!(store_may_clobber(
            (b, 0, MemSize::W64, 0),
            (c, 0, MemSize::W64, 5)
        ));
        assert!(!store_may_clobber(
            (b, 0, MemSize::U8, 0),
            (c, 0, MemSize::W64, 5)
        ));
        assert!(store_may_clobber(
            (b, 0, MemSize::W64, 0),
            (c, 0, MemSize::W64, 0)
        ));
        assert!(!store_may_clobber(
            (b, 0, MemSize::F64, 0),
            (c, 0, MemSize::W64, 0)
        ));
        // one base: bytes decide
        assert!(store_may_clobber(
            (b, 7, MemSize::U8, 1),
            (b, 0, MemSize::W64, 2)
        ));
        assert!(!store_may_clobber(
            (b, 8, MemSize::U8, 0),
            (b, 0, MemSize::W64, 0)
        ));
        assert!(!store_may_clobber(
            (b, -1, MemSize::U8, 0),
            (b, 0, MemSize::W64, 0)
        ));
    }

    #[test]
    fn a_load_overlapping_a_pending_store_of_another_class_records_the_store_first() {
        // (failed before: a different alias class at the same base counted as no alias, so
        // the trace loaded the byte before performing the held-back store to its word)
        let mut mem = Box::new([0u64; 2]);
        let addr = mem.as_mut_ptr() as u64;
        let body = vec![
            Insn::Const { dst: 2, val: 0x1ff },
            Insn::Store {
                base: 0,
                offset: 0,
                size: MemSize::W64,
                src: 2,
                class: 3,
            },
            Insn::Load {
                dst: 3,
                base: 0,
                offset: 0,
                size: MemSize::U8,
                immutable: false,
                class: 5,
                frozen: false,
            },
            store(0, 8, MemSize::W64, 3),
        ];
        let t = record(&[R, I, I, I], &[(1, true), (0, false)], body, &[0, addr]);
        let st = t
            .ops
            .iter()
            .position(|o| matches!(o, ROp::Store(_, 0, MemSize::W64, _)))
            .expect("the store is recorded");
        let ld = loads(&t)[0];
        assert!(st < ld, "the store comes before the load:\n{t}");
        assert_eq!(*mem, [0x1ff, 0xff]);
    }

    #[test]
    fn a_load_records_only_the_pending_stores_it_may_read() {
        // `[r1] = 5 (class 7); [r1 + 8] = 5 (class 3); [r0] = 9 (class 3); r4 = byte [r0]
        // (class 3, not in the heap cache); [r0 + 8] = r4`: the load may read the store to
        // `[r0]` (same base, same bytes) and that store may overwrite `[r1 + 8]` (same class,
        // another base), so both are recorded before the load, in order; `[r1]` (class 7)
        // stays pending until the end.
        // (Before, every pending store was recorded at such a load: a frame an inlined call
        // had stored as the current one then escaped at its first array load.)
        let mut m0 = Box::new([0u64; 2]);
        let mut m1 = Box::new([0u64; 2]);
        let (a0, a1) = (m0.as_mut_ptr() as u64, m1.as_mut_ptr() as u64);
        let st = |base, offset, src, class| Insn::Store {
            base,
            offset,
            size: MemSize::W64,
            src,
            class,
        };
        let body = vec![
            Insn::Const { dst: 2, val: 5 },
            Insn::Const { dst: 3, val: 9 },
            st(1, 0, 2, 7),
            st(1, 8, 2, 3),
            st(0, 0, 3, 3),
            Insn::Load {
                dst: 4,
                base: 0,
                offset: 0,
                size: MemSize::U8,
                immutable: false,
                class: 3,
                frozen: false,
            },
            store(0, 8, MemSize::W64, 4),
        ];
        let t = record(
            &[R, R, I, I, I, I],
            &[(5, true), (0, false), (1, false)],
            body,
            &[0, a0, a1],
        );
        // (told apart by offset and stored constant)
        let pos = |offset: i32, w: u64| {
            t.ops
                .iter()
                .position(|o| match o {
                    ROp::Store(_, off, _, Val::Const(_, v)) => *off == offset && *v == w,
                    _ => false,
                })
                .unwrap_or_else(|| panic!("no store of {w} at {offset}:\n{t}"))
        };
        let ld = loads(&t)[0];
        let (r1_0, r1_8, r0_0) = (pos(0, 5), pos(8, 5), pos(0, 9));
        assert!(
            r1_8 < r0_0 && r0_0 < ld,
            "recorded before the load, in order:\n{t}"
        );
        assert!(r1_0 > ld, "the store of another class stays pending:\n{t}");
        assert_eq!(*m0, [9, 9]);
        assert_eq!(*m1, [5, 5]);
    }

    /// `new` for the tests: a zeroed leaked block of 4 words (the tracer calls the callee of
    /// an `Effect::Alloc` call with the header and size words).
    unsafe extern "C-unwind" fn alloc4(_: *const u64) -> u64 {
        Box::leak(Box::new([0u64; 4])).as_mut_ptr() as u64
    }

    /// `r4 = new; [r0] = r4; r5 = [r1]` (`r1` is `r0` under another value, so the heap
    /// cache does not answer: `r5` is the new object under another value), then
    /// `[r4 + 8] = 0x55; r7 = [BASE + 8]; [r0 + 8] = r7` with `BASE` = `r5` or `r1`.
    /// Returns the trace and the positions of the store to `r4 + 8` (if recorded) and of
    /// the load from `BASE + 8`.
    fn fresh_object_reloaded(base: u16) -> (RTrace, Option<usize>, usize, [u64; 2]) {
        let mut holder = Box::new([0u64; 2]);
        let addr = holder.as_mut_ptr() as u64;
        let body = vec![
            Insn::Const { dst: 2, val: 0 },
            Insn::Const { dst: 3, val: 32 },
            Insn::Call {
                dst: 4,
                desc: call_desc(alloc4, &[I, I], R, Effect::Alloc),
                args: Box::new([2, 3]),
            },
            store(0, 0, MemSize::W64, 4),
            load(5, 1, 0, MemSize::W64),
            Insn::Const { dst: 6, val: 0x55 },
            store(4, 8, MemSize::W64, 6),
            load(7, base, 8, MemSize::W64),
            store(0, 8, MemSize::W64, 7),
        ];
        let t = record(
            &[R, R, I, I, R, R, I, I],
            &[(0, false), (1, false)],
            body,
            &[addr, addr],
        );
        let new = t
            .ops
            .iter()
            .position(|o| matches!(o, ROp::New(..)))
            .expect("a new");
        let st = t
            .ops
            .iter()
            .position(|o| matches!(o, ROp::Store(Val::Op(b), 8, _, _) if *b as usize == new));
        let ld = t
            .ops
            .iter()
            .position(|o| matches!(o, ROp::Load(_, 8, _, _)))
            .expect("the load from BASE + 8");
        (t, st, ld, *holder)
    }

    #[test]
    fn a_fresh_object_loaded_back_from_memory_aliases_its_pending_stores() {
        // (failed before: a fresh object counted as reachable only through its own value, so
        // the load through the pointer read back from memory went before the held-back store
        // into the object, and machine code read the zero the allocation left there: a
        // bridge read an instance's map that way while its `__init__` was filling it in,
        // and `PYGUEST_JIT_CALLS=15` lost an attribute, `jit_virtual_frames.py`)
        let (t, st, ld, holder) = fresh_object_reloaded(5);
        let st = st.unwrap_or_else(|| panic!("the store is recorded:\n{t}"));
        assert!(st < ld, "the store comes before the load:\n{t}");
        assert_eq!(holder[1], 0x55, "the tracer read the stored value");
    }

    #[test]
    fn memory_older_than_a_fresh_object_does_not_alias_its_pending_stores() {
        // `r1` was an input before the `new`: it cannot point into the object, so the store
        // into it stays pending across the load (the rule that keeps an inlined call's frame
        // stores out of the trace)
        let (t, st, ld, _) = fresh_object_reloaded(1);
        assert!(
            st.is_none_or(|st| st > ld),
            "the store stays after the load:\n{t}"
        );
    }

    #[test]
    fn a_store_of_an_int_may_overwrite_a_cached_pointer_elsewhere() {
        // (failed before: the store's value was an `Int` (address arithmetic), the cached
        // load a `Ref`, so the type-based rule kept it although both are pointer-sized
        // values of the same Rust type)
        let mut b = Box::new([0u64; 2]);
        let c = Box::new([0x1000u64]);
        let (pb, pc) = (b.as_mut_ptr() as u64, c.as_ptr() as u64);
        let body = vec![
            Insn::Load {
                dst: 3,
                base: 2,
                offset: 0,
                size: MemSize::W64,
                immutable: false,
                class: 7,
                frozen: false,
            },
            Insn::Const { dst: 6, val: 8 },
            Insn::Bin {
                op: BinOp::IntAdd,
                dst: 4,
                a: 0,
                b: 6,
            },
            store(0, 0, MemSize::W64, 4), // unknown class: may be `c[0]` for all we know
            Insn::Load {
                dst: 5,
                base: 2,
                offset: 0,
                size: MemSize::W64,
                immutable: false,
                class: 7,
                frozen: false,
            },
            store(0, 8, MemSize::W64, 5),
        ];
        let t = record(
            &[R, I, R, R, I, R, I],
            &[(1, true), (0, false), (2, false)],
            body,
            &[0, pb, pc],
        );
        let l = loads(&t);
        assert_eq!(l.len(), 2, "reloaded after the store:\n{t}");
        assert_eq!(stored_at(&t, 8), Val::Op(l[1] as u32), "{t}");
        assert_eq!(b[1], 0x1000);
    }

    #[test]
    fn frozen_entries_survive_calls_and_stores_elsewhere_but_not_overlapping_stores() {
        unsafe extern "C-unwind" fn nothing(_: *const u64) -> u64 {
            0
        }
        let mut mem = Box::new([7u64, 9, 0]);
        let addr = mem.as_mut_ptr() as u64;
        let frozen = |dst, off| Insn::Load {
            dst,
            base: 0,
            offset: off,
            size: MemSize::W64,
            immutable: false,
            class: 0,
            frozen: true,
        };
        let body = vec![
            frozen(2, 0),
            frozen(3, 8),
            Insn::Call {
                dst: 4,
                desc: call_desc(nothing, &[], I, Effect::Residual),
                args: Box::new([]),
            },
            frozen(5, 0),                // forwarded: frozen survives the call
            store(0, 8, MemSize::U8, 5), // overlaps the frozen word at 8: it goes
            frozen(6, 8),
            store(0, 16, MemSize::W64, 6),
        ];
        let t = record(
            &[R, I, I, I, I, I, I],
            &[(1, true), (0, false)],
            body,
            &[0, addr],
        );
        let l = loads(&t);
        assert_eq!(l.len(), 3, "{t}");
        assert_eq!(stored_at(&t, 16), Val::Op(l[2] as u32), "{t}");
        assert_eq!(stored_at(&t, 8), Val::Op(l[0] as u32), "{t}");
        assert_eq!(mem[1] & 0xff, 7);
    }

    #[test]
    fn pure_ops_are_shared_and_address_arithmetic_is_canonical() {
        // r2 = r0 + r0; r3 = r0 + r0 (CSE); r4 = (r0 + 1) + 2 => r0 + 3; r5 = (r0 + 3) * 8
        let body = vec![
            Insn::Bin {
                op: BinOp::IntAdd,
                dst: 2,
                a: 0,
                b: 0,
            },
            Insn::Bin {
                op: BinOp::IntAdd,
                dst: 3,
                a: 0,
                b: 0,
            },
            Insn::Const { dst: 6, val: 1 },
            Insn::Const { dst: 7, val: 2 },
            Insn::Bin {
                op: BinOp::IntAdd,
                dst: 4,
                a: 0,
                b: 6,
            },
            Insn::Bin {
                op: BinOp::IntAdd,
                dst: 4,
                a: 4,
                b: 7,
            },
            Insn::Const { dst: 8, val: 8 },
            Insn::Bin {
                op: BinOp::IntMul,
                dst: 5,
                a: 4,
                b: 8,
            },
            // r9 = r5 - r5 folds to 0
            Insn::Bin {
                op: BinOp::IntSub,
                dst: 9,
                a: 5,
                b: 5,
            },
        ];
        let kinds = [I; 10];
        let set = set(vec![portal(
            &kinds,
            &[
                (1, true),
                (0, false),
                (2, false),
                (3, false),
                (4, false),
                (5, false),
                (9, false),
            ],
            body,
        )]);
        let t = match Tracer::for_loop(&set, &[0, 5, 0, 0, 0, 0, 0], 1000).run(&|_| false) {
            TraceEnd::Done { trace, .. } => trace,
            TraceEnd::Aborted { reason, .. } => panic!("{reason}"),
        };
        let text = t.to_string();
        let ROp::Jump(args) = t.ops.last().unwrap() else {
            panic!("{text}")
        };
        // jump args in merge order of the reds: r0, r2, r3, r4, r5, r9
        assert_eq!(args[1], args[2], "CSE:\n{text}");
        assert!(
            text.contains("int_add v0, 3"),
            "(x + 1) + 2 should be x + 3:\n{text}"
        );
        // (x + 3) * 8 => x * 8 + 24
        assert!(text.contains("int_mul v0, 8"), "{text}");
        assert!(text.contains(", 24"), "{text}");
        assert_eq!(args[5], Val::Const(Kind::Int, 0), "{text}");
    }

    #[test]
    fn immutable_loads_from_constant_bases_fold_and_mutable_ones_do_not() {
        let data = Box::new([41u64, 42]);
        let addr = data.as_ptr() as u64;
        let body = vec![
            Insn::Load {
                dst: 2,
                base: 1,
                offset: 0,
                size: MemSize::W64,
                immutable: true,
                class: 0,
                frozen: false,
            },
            load(3, 1, 8, MemSize::W64),
            Insn::Bin {
                op: BinOp::IntAdd,
                dst: 0,
                a: 0,
                b: 2,
            },
            Insn::Bin {
                op: BinOp::IntAdd,
                dst: 0,
                a: 0,
                b: 3,
            },
        ];
        // r1 (green) holds the address: a constant in the trace
        let t = record(&[I, R, I, I], &[(1, true), (0, false)], body, &[addr, 0]);
        let text = t.to_string();
        assert_eq!(loads(&t).len(), 1, "{text}");
        assert!(text.contains("int_add v0, 41"), "{text}");
    }

    #[test]
    fn a_guard_is_emitted_once_per_condition_and_carries_pending_stores() {
        let mut mem = Box::new([0u64; 2]);
        let addr = mem.as_mut_ptr() as u64;
        // r3 = r2 != 0; store [r0] = r2; branch r3; branch r3 (dedup)
        let body = vec![
            Insn::Const { dst: 4, val: 0 },
            Insn::Bin {
                op: BinOp::IntNe,
                dst: 3,
                a: 2,
                b: 4,
            },
            store(0, 0, MemSize::W64, 2),
            Insn::Branch { cond: 3, target: 7 },
            Insn::Branch { cond: 3, target: 7 },
            Insn::Jump { target: 9 },
            Insn::Unreachable,
            Insn::Unreachable,
        ];
        let t = record(
            &[R, I, I, I, I],
            &[(1, true), (0, false), (2, false)],
            body,
            &[0, addr, 5],
        );
        let text = t.to_string();
        // (the loop's interrupt check, then the condition's guard)
        assert_eq!(t.guard_count(), 2, "{text}");
        let g = t
            .ops
            .iter()
            .position(|o| matches!(o, ROp::Guard(k, ..) if *k != GuardKind::NotInterrupted))
            .unwrap();
        let s = t
            .ops
            .iter()
            .position(|o| matches!(o, ROp::Store(..)))
            .unwrap();
        assert!(s > g, "the store is held back past the guard:\n{text}");
        let snap = t.snapshots.last().unwrap();
        assert_eq!(snap.stores.len(), 1);
        assert_eq!(snap.stores[0].value, Val::Op(1), "r2 is input 1");
        assert_eq!(snap.frames.len(), 1);
        assert_eq!(snap.frames[0].pc, 4, "resumes on the branch");
        assert_eq!(mem[0], 5, "the tracer performed the store");
    }

    #[test]
    fn elidable_calls_fold_on_constants_and_residual_calls_forget_memory() {
        unsafe extern "C-unwind" fn double(args: *const u64) -> u64 {
            // SAFETY: called with one argument word.
            unsafe { *args * 2 }
        }
        let mut mem = Box::new([3u64]);
        let addr = mem.as_mut_ptr() as u64;
        let body = vec![
            Insn::Const { dst: 2, val: 21 },
            Insn::Call {
                dst: 3,
                desc: call_desc(double, &[I], I, Effect::Elidable),
                args: Box::new([2]),
            },
            load(4, 0, 0, MemSize::W64),
            Insn::Call {
                dst: 5,
                desc: call_desc(double, &[I], I, Effect::Residual),
                args: Box::new([4]),
            },
            load(6, 0, 0, MemSize::W64), // reloaded after the residual call
            Insn::Call {
                dst: 7,
                desc: call_desc(double, &[I], I, Effect::ReadOnly),
                args: Box::new([6]),
            },
            load(8, 0, 0, MemSize::W64), // forwarded across the read-only call
            Insn::Bin {
                op: BinOp::IntAdd,
                dst: 9,
                a: 3,
                b: 8,
            },
            store(0, 8, MemSize::W64, 9),
        ];
        let mut kinds = vec![I; 10];
        kinds[0] = R;
        mem[0] = 3;
        let mut big = vec![0u64; 2];
        big[0] = 3;
        let addr2 = big.as_mut_ptr() as u64;
        let _ = addr;
        let t = record(&kinds, &[(1, true), (0, false)], body, &[0, addr2]);
        let text = t.to_string();
        assert_eq!(loads(&t).len(), 2, "{text}");
        let calls = t.ops.iter().filter(|o| matches!(o, ROp::Call(..))).count();
        assert_eq!(calls, 2, "the elidable call folded:\n{text}");
        assert!(text.contains(", 42"), "{text}");
        assert_eq!(big[1], 45);
    }

    #[test]
    fn inlined_callees_appear_as_frames_in_snapshots() {
        // callee(x): if x != 0 { return x } else unreachable
        let callee = super::super::testutil::function(
            "callee",
            &[I, I, I],
            &[0],
            vec![
                Insn::Const { dst: 1, val: 0 },
                Insn::Bin {
                    op: BinOp::IntNe,
                    dst: 2,
                    a: 0,
                    b: 1,
                },
                Insn::Branch { cond: 2, target: 4 },
                Insn::Return { src: 0, n: 1 },
                Insn::Unreachable,
            ],
            None,
        );
        let body = vec![Insn::InlineCall {
            dst: 2,
            n: 1,
            code: 1,
            args: Box::new([0]),
        }];
        let set = set(vec![
            portal(&[I, I, I], &[(1, true), (0, false), (2, false)], body),
            callee,
        ]);
        let TraceEnd::Done { trace: t, .. } =
            Tracer::for_loop(&set, &[0, 7, 0], 1000).run(&|_| false)
        else {
            panic!("aborted")
        };
        // (the loop's interrupt check, then the callee's branch)
        assert_eq!(t.guard_count(), 2, "{t}");
        let s = t.snapshots.last().unwrap();
        let frames: Vec<(u32, u32)> = s.frames.iter().map(|f| (f.code, f.pc)).collect();
        assert_eq!(
            frames,
            vec![(0, 1), (1, 2)],
            "portal on its call, callee on its branch"
        );
        let ROp::Jump(args) = t.ops.last().unwrap() else {
            panic!("{t}")
        };
        assert_eq!(
            args[1],
            Val::Op(0),
            "the callee returned its argument:\n{t}"
        );
    }

    #[test]
    fn tracing_aborts_when_the_trace_gets_too_long_and_finishes_the_opcode() {
        let body = vec![
            Insn::Bin {
                op: BinOp::IntMul,
                dst: 0,
                a: 0,
                b: 0,
            },
            Insn::Bin {
                op: BinOp::IntMul,
                dst: 0,
                a: 0,
                b: 0,
            },
            Insn::Bin {
                op: BinOp::IntMul,
                dst: 0,
                a: 0,
                b: 0,
            },
        ];
        let set = set(vec![portal(&[I, I], &[(1, true), (0, false)], body)]);
        match Tracer::for_loop(&set, &[0, 3], 2).run(&|_| false) {
            TraceEnd::Aborted { reason, outcome } => {
                assert_eq!(reason, "trace too long");
                // the blackhole finished the iteration: 3^8
                assert_eq!(
                    outcome,
                    Outcome::Merge {
                        state: vec![0, 6561],
                        jumped: false
                    }
                );
            }
            TraceEnd::Done { trace, .. } => panic!("not aborted:\n{trace}"),
        }
    }

    #[test]
    fn a_bridge_past_its_cut_ends_at_the_next_merge_point_and_leaves_to_the_interpreter() {
        // r0 = r0 * r0, the green r1 counts up (no loop closes: a bridge has no start key)
        let body = vec![
            Insn::Bin {
                op: BinOp::IntMul,
                dst: 0,
                a: 0,
                b: 0,
            },
            Insn::Const { dst: 2, val: 1 },
            Insn::Bin {
                op: BinOp::IntAdd,
                dst: 1,
                a: 1,
                b: 2,
            },
        ];
        let set = set(vec![portal(&[I, I, I], &[(1, true), (0, false)], body)]);
        let frames = [(
            0,
            1,
            vec![
                BridgeVal::Input(0),
                BridgeVal::Const(I, 0),
                BridgeVal::Const(I, 0),
            ],
        )];
        let bridge = || Tracer::for_bridge(&set, &frames, &[(I, 3)], &[], &[], 1000);
        // without a cut the path runs on to the trace limit
        assert!(matches!(
            bridge().run(&|_| false),
            TraceEnd::Aborted { ref reason, .. } if reason == "trace too long"
        ));
        // with a cut after 2 ops: the first merge point past it ends the bridge
        let TraceEnd::Done { trace: t, outcome } = bridge().cut_at(2).run(&|_| false) else {
            panic!("aborted")
        };
        assert!(t.leaves_to_interpreter(), "{t}");
        // (the interpreter continues from the merge point after one iteration: 3^2)
        assert_eq!(
            outcome,
            Outcome::Merge {
                state: vec![1, 9],
                jumped: false
            }
        );
        // the always-failing guard resumes on the merge point, with the red value live
        let ROp::Guard(GuardKind::True, Val::Const(_, 0), s) = t.ops[t.ops.len() - 2] else {
            panic!("{t}")
        };
        let snap = &t.snapshots[s as usize];
        assert_eq!(snap.frames.len(), 1);
        assert_eq!((snap.frames[0].code, snap.frames[0].pc), (0, 0));
        assert!(snap.frames[0]
            .regs
            .iter()
            .any(|&(r, v)| r == 0 && matches!(v, Val::Op(_))));
        // a key with compiled code still wins over the cut
        let TraceEnd::Done { trace: t, .. } = bridge().cut_at(0).run(&|k| k == [1]) else {
            panic!("aborted")
        };
        assert!(matches!(t.ops.last(), Some(ROp::Exit { .. })), "{t}");
    }

    #[test]
    fn a_trace_ends_at_a_key_with_compiled_code() {
        // the green r1 goes 0 -> 1: key [1] has code, so the trace exits there
        let body = vec![
            Insn::Const { dst: 2, val: 1 },
            Insn::Bin {
                op: BinOp::IntAdd,
                dst: 1,
                a: 1,
                b: 2,
            },
        ];
        let set = set(vec![portal(&[I, I, I], &[(1, true), (0, false)], body)]);
        let TraceEnd::Done { trace: t, outcome } =
            Tracer::for_loop(&set, &[0, 4], 1000).run(&|k| k == [1])
        else {
            panic!("aborted")
        };
        assert!(
            matches!(t.ops.last(), Some(ROp::Exit { key, .. }) if key == &vec![1]),
            "{t}"
        );
        assert_eq!(
            outcome,
            Outcome::Merge {
                state: vec![1, 4],
                jumped: false
            }
        );
    }

    #[test]
    fn frame_stores_stay_pending_across_a_read_only_call_without_pointers() {
        unsafe extern "C-unwind" fn double(args: *const u64) -> u64 {
            // SAFETY: called with one argument word.
            unsafe { *args * 2 }
        }
        // r0: a frame; one store to a frame field (`VABLE_CLASS`), one to ordinary memory,
        // then read-only calls: one taking an int, one taking the frame pointer.
        let mut frame = Box::new([0u64; 2]);
        let addr = frame.as_mut_ptr() as u64;
        let vable_store = |off: i32, src| Insn::Store {
            base: 0,
            offset: off,
            size: MemSize::W64,
            src,
            class: 5 | VABLE_CLASS,
        };
        let body = vec![
            Insn::Const { dst: 2, val: 7 },
            vable_store(0, 2),
            store(0, 8, MemSize::W64, 2),
            Insn::Call {
                dst: 3,
                desc: call_desc(double, &[I], I, Effect::ReadOnly),
                args: Box::new([2]),
            },
            vable_store(0, 3),
            Insn::Call {
                dst: 4,
                desc: call_desc(double, &[R], I, Effect::ReadOnly),
                args: Box::new([0]),
            },
        ];
        let t = record(&[R, I, I, I, I], &[(1, true), (0, false)], body, &[0, addr]);
        let text = t.to_string();
        let pos = |f: &dyn Fn(&ROp) -> bool| t.ops.iter().position(f).unwrap();
        let first_call = pos(&|o| matches!(o, ROp::Call(..)));
        let plain = pos(&|o| matches!(o, ROp::Store(_, 8, ..)));
        let frame_store = pos(&|o| matches!(o, ROp::Store(_, 0, ..)));
        let second_call = t
            .ops
            .iter()
            .rposition(|o| matches!(o, ROp::Call(..)))
            .unwrap();
        // the ordinary store is recorded before the first call; the frame store waits (the
        // call cannot see the frame), and its first value was overwritten before anything
        // read it: one frame store, recorded before the call that takes the frame
        assert!(plain < first_call, "{text}");
        assert!(
            first_call < frame_store && frame_store < second_call,
            "{text}"
        );
        let frame_stores = t
            .ops
            .iter()
            .filter(|o| matches!(o, ROp::Store(_, 0, ..)))
            .count();
        assert_eq!(frame_stores, 1, "{text}");
        // the frame store is marked for lowering; the ordinary one is not
        assert!(
            t.vable.contains(&(frame_store as u32, false)),
            "{:?}",
            t.vable
        );
        assert!(
            !t.vable.iter().any(|&(p, _)| p as usize == plain),
            "{:?}",
            t.vable
        );
        assert_eq!(frame[0], 14, "the tracer performed the stores");
    }
}
