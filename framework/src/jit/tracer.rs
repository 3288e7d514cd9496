//! The tracer (meta-interpreter): executes jitcode with concrete values *and* records what it
//! does as a trace.
//!
//! Every register holds a concrete word plus a [`Val`]: either a constant (greens, literals,
//! results folded because their inputs were constant) or a reference to a recorded op. Branches
//! on non-constant values become guards whose snapshot is the current frame chain, positioned
//! *on* the branching instruction, so resuming re-executes it (see `jitcode` for why that is
//! exact). Calls of `#[look_inside]` functions push a frame (inlining); residual calls are
//! performed and recorded; `#[elidable]` calls with constant arguments fold to their result.
//!
//! Memory: a heap cache forwards loads from earlier loads and stores; stores are *lazy*
//! (held back, carried by guard snapshots, recorded once when something may read them; see
//! `docs/deopt.md`); addresses are kept as a root plus a constant, and a promoted difference
//! of two roots merges them (`learn_difference`).
//!
//! A loop trace starts at the portal's merge point with a green key and closes when the same
//! key comes round again. A bridge starts at a failed guard's snapshot. Either ends early at a
//! merge point whose key already has compiled code (`Exit` there, the driver continues into
//! it), or aborts (trace too long, the portal returns, unreachable code) with a reason, after
//! which the blackhole finishes the opcode concretely.

use super::blackhole::{self, Frame, Outcome};
use super::jitcode::{BinOp, MemSize, UnOp};
use super::jitcode::{CodeId, CodeSet, Effect, Insn, Pc};
use super::recorded::{
    GuardKind, PendingStore, ROp, RTrace, SnapFrame, Snapshot, Val, PENDING_STORES,
};
use super::word::Kind;
use std::collections::HashMap;
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
}

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

/// The tracer's state for one recording.
pub struct Tracer<'a> {
    /// Known memory contents: (base, offset, size) -> (value, alias class, frozen) (the
    /// tracer's heap cache). Frozen entries (plain fields of GC objects, which nothing
    /// writes after allocation) survive every store and call.
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
    jumped: bool,
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
        let mut key = Vec::new();
        for ((reg, green, kind), &w) in merge.vars.iter().zip(state) {
            if *green {
                regs[*reg as usize] = (w, Val::Const(*kind, w));
                key.push(w);
            } else {
                let n = trace.ops.len() as u32;
                trace.ops.push(ROp::Input(*kind, n));
                regs[*reg as usize] = (w, Val::Op(n));
            }
        }
        trace.ops.push(ROp::MergePoint(key.clone()));
        Tracer {
            heap: HashMap::new(),
            cse: HashMap::new(),
            cse_un: HashMap::new(),
            lin: HashMap::new(),
            pending: Vec::new(),
            bounds: HashMap::new(),
            guarded: HashMap::new(),
            set,
            frames: vec![TFrame {
                code: 0,
                pc: merge.pc + 1,
                regs,
            }],
            trace,
            limit,
            start_key: Some(key),
            jumped: false,
        }
    }

    /// A bridge from a failed guard. `frames` (outermost first) give, per register, a
    /// constant or the index of a saved exit value; `inputs` are the saved values with their
    /// kinds, which become the bridge's inputs in order.
    pub fn for_bridge(
        set: &'a CodeSet,
        frames: &[(CodeId, Pc, Vec<BridgeVal>)],
        inputs: &[(Kind, u64)],
        limit: usize,
    ) -> Self {
        let mut trace = RTrace::default();
        for (i, (k, _)) in inputs.iter().enumerate() {
            trace.ops.push(ROp::Input(*k, i as u32));
        }
        let val = |v: &BridgeVal| match *v {
            BridgeVal::Const(k, w) => (w, Val::Const(k, w)),
            BridgeVal::Input(i) => (inputs[i as usize].1, Val::Op(i)),
        };
        // The guard's pending stores: performed now (the tracer runs on real memory) and kept
        // pending in the bridge, which records them when something may read them.
        let mut pending = Vec::new();
        let frames = match frames.first() {
            Some((PENDING_STORES, _, vals)) => {
                for st in vals.chunks_exact(4) {
                    let (base, vb) = val(&st[0]);
                    let (off, _) = val(&st[1]);
                    let size = MemSize::from_code(val(&st[2]).0).expect("pending store size");
                    let (w, vs) = val(&st[3]);
                    // SAFETY: the interpreter's own store, which the trace delayed past the
                    // guard this bridge starts from.
                    unsafe { size.store(base.wrapping_add(off) as usize, w) };
                    let st = PendingStore {
                        base: vb,
                        offset: off as i64 as i32,
                        size,
                        value: vs,
                    };
                    pending.push((st, 0));
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
        Tracer {
            heap: HashMap::new(),
            cse: HashMap::new(),
            cse_un: HashMap::new(),
            lin: HashMap::new(),
            pending,
            bounds: HashMap::new(),
            guarded: HashMap::new(),
            set,
            frames,
            trace,
            limit,
            start_key: None,
            jumped: false,
        }
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
        if c == 0 && self.kind_of(root) == Kind::Int {
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

    /// A load from `(base, offset, size)` of alias class `cls` reads memory: if a pending
    /// store may alias it, all pending stores are recorded (in order, so stores that may
    /// alias each other keep their order).
    fn observe_load(&mut self, base: Val, offset: i32, size: MemSize, cls: u64) {
        let (lo, hi) = (offset as i64, offset as i64 + size.bytes() as i64);
        let aliased = self.pending.iter().any(|(p, pcls)| {
            let (plo, phi) = (p.offset as i64, p.offset as i64 + p.size.bytes() as i64);
            let disjoint_same_base = p.base == base && (phi <= lo || hi <= plo);
            let other_class = cls != 0 && *pcls != 0 && cls != *pcls;
            !(disjoint_same_base || other_class)
        });
        if aliased {
            self.flush_stores();
        }
    }

    /// Records every pending store, oldest first.
    fn flush_stores(&mut self) {
        for (p, _) in std::mem::take(&mut self.pending) {
            self.trace
                .ops
                .push(ROp::Store(p.base, p.offset, p.size, p.value));
        }
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
                        regs: f
                            .regs
                            .iter()
                            .enumerate()
                            .map(|(i, r)| {
                                if code.is_live(f.pc, i as u16) {
                                    r.1
                                } else {
                                    Val::Const(code.reg_kinds[i], 0)
                                }
                            })
                            .collect(),
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
                    reg!(dst) = (c, v);
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
                        _ => {
                            let (vb, offset) = self.address(vb, *offset);
                            match self.heap.get(&(vb, offset, size)) {
                                Some(v) => v.0,
                                None => {
                                    if !*frozen {
                                        self.observe_load(vb, offset, size, cls);
                                    }
                                    let v = self.record(ROp::Load(vb, offset, size, kind));
                                    self.heap.insert((vb, offset, size), (v, cls, *frozen));
                                    v
                                }
                            }
                        }
                    };
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
                    let st = PendingStore {
                        base: vb,
                        offset,
                        size: *size,
                        value: vs,
                    };
                    // An earlier pending store to the same place is dead: nothing read it
                    // (snapshots taken since keep their copy). One that merely overlaps stays,
                    // before this one.
                    self.pending.retain(|(p, _)| {
                        (p.base, p.offset, p.size) != (st.base, st.offset, st.size)
                    });
                    self.pending.push((st, cls));
                    // Type-based aliasing: safe Rust never writes a location through a place
                    // of another type, so only cached values of the same access size may be
                    // this location.
                    let size = *size;
                    let kind_of = |v: &Val, ops: &[ROp]| match v {
                        Val::Const(k, _) => *k,
                        Val::Op(i) => ops[*i as usize].kind(),
                    };
                    let skind = kind_of(&vs, &self.trace.ops);
                    let ops = &self.trace.ops;
                    // A store of a known class only disturbs entries of the same class and
                    // entries of unknown class; a store of unknown class disturbs every
                    // entry of the same size and kind. Entries at the same base whose bytes do
                    // not overlap the stored ones are untouched.
                    let (lo, hi) = (offset as i64, offset as i64 + size.bytes() as i64);
                    self.heap.retain(|k, v| {
                        if v.2 {
                            return true;
                        }
                        if k.0 == vb {
                            let (klo, khi) = (k.1 as i64, k.1 as i64 + k.2.bytes() as i64);
                            if khi <= lo || hi <= klo {
                                return true;
                            }
                        }
                        let same_type = k.2 == size && kind_of(&v.0, ops) == skind;
                        if cls != 0 && v.1 != 0 {
                            v.1 != cls
                        } else {
                            !same_type
                        }
                    });
                    self.heap.insert((vb, offset, size), (vs, cls, false));
                }
                Insn::Call { dst, desc, args } => {
                    let words: Vec<u64> = args.iter().map(|r| f.regs[*r as usize].0).collect();
                    let vals: Vec<Val> = args.iter().map(|r| f.regs[*r as usize].1).collect();
                    // SAFETY: the trampoline matches the argument types (monomorphized).
                    let c = unsafe { (desc.func)(words.as_ptr()) };
                    let all_const = vals.iter().all(|v| matches!(v, Val::Const(..)));
                    let v = if desc.effect == Effect::Elidable && all_const {
                        Val::Const(desc.ret_kind, c)
                    } else {
                        // It may read memory: any call but an elidable one, and an elidable
                        // one given a pointer (it may read the pointee, which the trace may
                        // just have written).
                        if desc.effect != Effect::Elidable || desc.arg_kinds.contains(&Kind::Ref) {
                            self.flush_stores();
                        }
                        if desc.effect == Effect::Residual {
                            // A residual call may write any memory but frozen fields.
                            self.heap.retain(|_, v| v.2);
                        }
                        self.record(ROp::Call(Rc::new((**desc).clone()), vals))
                    };
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
                Insn::Promote { reg } => {
                    let (c, v) = f.regs[*reg as usize];
                    let r = *reg;
                    if !matches!(v, Val::Const(..)) {
                        self.guard(GuardKind::Value(c), v);
                        self.learn_difference(v, c as i64);
                        let k = set.codes[self.frames[depth].code as usize].reg_kinds[r as usize];
                        self.frames[depth].regs[r as usize] = (c, Val::Const(k, c));
                    }
                }
                Insn::Return { src } => {
                    if depth == 0 {
                        return self.abort("the portal function returned while tracing".into());
                    }
                    let rv = f.regs[*src as usize];
                    self.frames.pop();
                    let caller = self.frames.last_mut().expect("caller frame");
                    let ccode = &set.codes[caller.code as usize];
                    if let Insn::InlineCall { dst, .. } = &ccode.insns[caller.pc as usize] {
                        caller.regs[*dst as usize] = rv;
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
                    let key: Vec<u64> = merge
                        .vars
                        .iter()
                        .filter(|v| v.1)
                        .map(|v| f.regs[v.0 as usize].0)
                        .collect();
                    let state: Vec<u64> =
                        merge.vars.iter().map(|v| f.regs[v.0 as usize].0).collect();
                    let closes = self.start_key.as_deref() == Some(&key[..]);
                    if closes || has_code(&key) {
                        // the trace ends here: whatever runs next reads memory
                        self.flush_stores();
                    }
                    if closes {
                        let args = merge
                            .vars
                            .iter()
                            .filter(|v| !v.1)
                            .map(|v| self.frames[depth].regs[v.0 as usize].1)
                            .collect();
                        self.record(ROp::Jump(args));
                    } else if has_code(&key) {
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
                        self.record(ROp::MergePoint(key));
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
