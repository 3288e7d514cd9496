//! The optimizer: a pipeline of small streaming passes, named by one string.
//!
//! `enable_opts` is a `:`-separated list of pass names in order (e.g. `"fold"`); `"all"` means
//! [`DEFAULT_PIPELINE`], `""`/`"none"` means no passes. Each pass sees the trace one op at a
//! time through [`Pass::feed`] and answers [`Action::Emit`] (keep the op, possibly rewritten),
//! [`Action::Replace`] (the op's result is an existing value; drop the op) or
//! [`Action::Remove`] (drop a void op). The pipeline driver ([`optimize`]) renumbers values,
//! remaps guard snapshots (sharing frames as the input did) and, in debug builds, runs the
//! verifier after every step. Consecutive streaming passes without a whole-trace analysis
//! (`fold`, `cse`, `heap`, `intbounds`: [`Pass::chainable`]) are one step, a chain: each op
//! goes through all of them before the next op ([`run_chain_mapped`]), so the trace and its
//! snapshots are copied once per chain, not once per pass (the copying was most of the
//! optimizer's time). The output trace starts with the input's constant and descriptor
//! tables, so constants and descriptors carry over without re-interning.
//!
//! Passes: [`fold`] (constant folding and algebraic identities), [`cse`] (pure ops and
//! elidable calls computed once, guard dedup and implication), [`heap`] (load forwarding
//! with store/call invalidation), [`intbounds`] (integer ranges: removes decided
//! comparisons, bounds checks and overflow checks), [`dce`] (removes unused pure ops and
//! loads; it needs the whole trace, which it sees in [`Pass::prepare`]). A name may appear
//! more than once in a pipeline. [`unroll`] (loop peeling) is a stage rather than a streaming
//! pass: the passes named after it run over a loop written out as two iterations, and the
//! second one then becomes the loop (see its module doc). [`virtualize`] (allocation
//! removal) rewrites snapshots, so it is a whole-trace pass ([`Pass::whole`]).

pub mod closedform;
pub mod cse;
pub mod dce;
pub mod fold;
pub mod heap;
pub mod intbounds;
pub mod unroll;
pub mod vable;
pub mod virtualize;
pub mod wbarrier;

use crate::ir::{
    verify, Descr, DescrId, FrameId, Kind, MemDescr, OpRef, Opcode, SnapshotId, Trace,
    TraceBuilder, Value, VerifierErrors,
};
use std::collections::HashMap;
use std::fmt;

/// A fast non-cryptographic hasher for the passes' side tables, whose keys are small
/// integers (op refs, opcodes): SipHash was most of `intbounds`' time. Trace contents are not
/// adversarial, so hash flooding is no concern.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for c in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..c.len()].copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }
    fn write_u16(&mut self, i: u16) {
        self.add(i as u64);
    }
    fn write_u32(&mut self, i: u32) {
        self.add(i as u64);
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A `HashMap` with [`FxHasher`].
pub type FxMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<FxHasher>>;
/// A `HashSet` with [`FxHasher`].
pub type FxSet<K> = std::collections::HashSet<K, std::hash::BuildHasherDefault<FxHasher>>;

/// The pipeline used when `enable_opts` is `all` (and by default).
///
/// Order: `unroll` first (a loop is peeled, so every later pass sees the preamble and the
/// loop body as one straight line), `fold` (constants and canonical operand order for
/// everyone), `cse` (one value per computation, so equal addresses have equal bases), `heap`
/// (loads become known values; twice, since a load forwarded across the peeled loop's two
/// bodies makes addresses equal only for a second `cse`, and `virtualize`, which starts by
/// sinking the frame's stores out of the loop body, needs those addresses settled: a pair
/// stored into a local of Tiny's frame then crosses the loop's label as its fields),
/// `virtualize` (allocation removal), `intbounds` (ranges over the values the first passes exposed;
/// it folds what it decides), `dce` (removes what the others left unused), `wbarrier` last
/// (drops write barriers whose stores are gone or store no pointer). `closedform` runs on the
/// closed loop (a counting loop whose iterations are alike runs only its last one).
pub const DEFAULT_PIPELINE: &str =
    "unroll:fold:cse:heap:cse:heap:virtualize:cse:heap:intbounds:dce:closedform:wbarrier";

/// Every known pass name.
pub const PASS_NAMES: &[&str] = &[
    "fold",
    "cse",
    "heap",
    "intbounds",
    "dce",
    "unroll",
    "virtualize",
    "wbarrier",
    "closedform",
];

/// An op on its way through a pass: operands already refer to the output trace.
#[derive(Clone, Debug)]
pub struct PendingOp {
    /// The opcode (a pass may change it).
    pub opcode: Opcode,
    /// Operands (refs into the output trace).
    pub args: Vec<OpRef>,
    /// The descriptor, in the output trace's table ([`Ctx::descr`] reads it,
    /// [`Ctx::intern_descr`] makes a new one).
    pub descr: Option<DescrId>,
    /// The guard's snapshot, already copied into the output trace.
    pub snapshot: Option<SnapshotId>,
}

/// A pass's answer for one op.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Action {
    /// Emit the (possibly rewritten) op.
    Emit,
    /// Do not emit; uses of the op's result become uses of this value.
    Replace(OpRef),
    /// Do not emit (for ops whose result is void or unused: a later use is an error,
    /// [`OptError::RemovedValue`]).
    Remove,
}

/// What a pass can see of the output trace while it runs.
pub struct Ctx<'a> {
    b: &'a mut TraceBuilder,
}

impl Ctx<'_> {
    /// The constant value of an output operand.
    pub fn const_value(&self, r: OpRef) -> Option<Value> {
        self.b.trace().const_value(r)
    }

    /// The int constant of an operand, if it is one.
    pub fn const_int(&self, r: OpRef) -> Option<i64> {
        self.const_value(r).and_then(Value::as_int)
    }

    /// Intern a constant in the output trace.
    pub fn constant(&mut self, v: Value) -> OpRef {
        self.b.constant(v)
    }

    /// A descriptor of the output trace (a [`PendingOp::descr`]).
    pub fn descr(&self, d: DescrId) -> &Descr {
        self.b.descr_of(d)
    }

    /// Intern a descriptor in the output trace (to set a [`PendingOp::descr`]).
    pub fn intern_descr(&mut self, d: Descr) -> DescrId {
        self.b.descr(d)
    }

    /// The kind of an output operand.
    pub fn kind(&self, r: OpRef) -> Kind {
        self.b.kind(r)
    }

    /// The opcode that produced an output operand (None for constants).
    pub fn producer(&self, r: OpRef) -> Option<Opcode> {
        r.as_op().map(|i| self.b.trace().op(i).opcode)
    }

    /// The arguments of the output op that produced `r` (empty for constants).
    pub fn producer_args(&self, r: OpRef) -> &[OpRef] {
        match r.as_op() {
            Some(i) => self.b.trace().args(i),
            None => &[],
        }
    }

    /// The memory descriptor of the output op that produced `r` (a load), if any.
    pub fn producer_mem_descr(&self, r: OpRef) -> Option<MemDescr> {
        r.as_op().and_then(|i| self.b.trace().mem_descr(i))
    }

    /// Whether snapshot `s` (of the output trace) lists `r` among its values.
    pub fn snapshot_mentions(&self, s: SnapshotId, r: OpRef) -> bool {
        let t = self.b.trace();
        t.snapshot_frames(s)
            .into_iter()
            .any(|f| t.flat_values(t.frame_values(f)).contains(&r))
    }

    /// The values of the outermost frame of snapshot `s` (of the output trace) when its
    /// jitcode is `outer`, else nothing.
    pub fn outer_frame_values(&self, s: SnapshotId, outer: u32) -> Vec<OpRef> {
        let t = self.b.trace();
        match t.snapshot_frames(s).first() {
            Some(&f) if t.frame(f).jitcode == outer && t.frame_regs(f).is_none() => {
                t.frame_values(f).to_vec()
            }
            _ => Vec::new(),
        }
    }

    /// Snapshot `s` (of the output trace) with `vals` put in front of the values of its
    /// outermost frame when that frame's jitcode is `outer`, or else with a new outermost
    /// frame `outer` (pc 0) holding `vals` (a dense frame `outer` is extended, a sparse one
    /// left alone). The frames are copied, dense or sparse as they were, not shared.
    pub fn snapshot_with_outer(&mut self, s: SnapshotId, outer: u32, vals: &[OpRef]) -> SnapshotId {
        type FrameCopy = (u32, u32, Option<(Vec<u32>, u32)>, Vec<OpRef>);
        let t = self.b.trace();
        let frames: Vec<FrameCopy> = t
            .snapshot_frames(s)
            .into_iter()
            .map(|f| {
                let fr = t.frame(f);
                let regs = t.frame_regs(f).map(|(r, n)| (r.to_vec(), n));
                (fr.jitcode, fr.pc, regs, t.frame_values(f).to_vec())
            })
            .collect();
        let mut rest = &frames[..];
        let mut first = vals.to_vec();
        if let Some((code, _, None, v)) = frames.first() {
            if *code == outer {
                first.extend_from_slice(v);
                rest = &frames[1..];
            }
        }
        let mut parent = Some(self.b.frame(None, outer, 0, &first));
        for (code, pc, regs, v) in rest {
            parent = Some(match regs {
                Some((r, n)) => self.b.sparse_frame(parent, *code, *pc, *n, r, v),
                None => self.b.frame(parent, *code, *pc, v),
            });
        }
        self.b.snapshot(parent.expect("a frame"))
    }

    /// Snapshot `s` (of the output trace) with `old` replaced by `new` in the values of its
    /// frames: the frames from the outermost one that lists `old` inwards are copied (dense or
    /// sparse as they were), the frames outside it stay shared. `None` when no frame lists
    /// `old` itself (a virtual object's field that holds it is not rewritten).
    pub fn snapshot_replacing(
        &mut self,
        s: SnapshotId,
        old: OpRef,
        new: OpRef,
    ) -> Option<SnapshotId> {
        type FrameCopy = (u32, u32, Option<(Vec<u32>, u32)>, Vec<OpRef>);
        let t = self.b.trace();
        let chain = t.snapshot_frames(s);
        let first = chain
            .iter()
            .position(|&f| t.frame_values(f).contains(&old))?;
        let mut parent = t.frame(chain[first]).parent;
        let frames: Vec<FrameCopy> = chain[first..]
            .iter()
            .map(|&f| {
                let fr = t.frame(f);
                let regs = t.frame_regs(f).map(|(r, n)| (r.to_vec(), n));
                let vals = t
                    .frame_values(f)
                    .iter()
                    .map(|&v| if v == old { new } else { v })
                    .collect();
                (fr.jitcode, fr.pc, regs, vals)
            })
            .collect();
        for (code, pc, regs, v) in &frames {
            parent = Some(match regs {
                Some((r, n)) => self.b.sparse_frame(parent, *code, *pc, *n, r, v),
                None => self.b.frame(parent, *code, *pc, v),
            });
        }
        parent.map(|top| self.b.snapshot(top))
    }

    /// The ref the op being fed gets if the pass answers [`Action::Emit`] (passes that
    /// remember facts about the op's result key them by this).
    pub fn next_ref(&self) -> OpRef {
        OpRef::op(self.b.len())
    }
}

/// One streaming pass.
pub trait Pass {
    /// The pass's name in `enable_opts`.
    fn name(&self) -> &'static str;
    /// Look at (and possibly rewrite) one op.
    fn feed(&mut self, ctx: &mut Ctx<'_>, op: &mut PendingOp) -> Action;
    /// Called with the whole input trace before the first [`Pass::feed`] (for passes that
    /// need a backward analysis, like [`dce`]). Ops are then fed in order, inputs excluded.
    fn prepare(&mut self, _t: &Trace) {}
    /// A pass that rewrites the trace as a whole (snapshots included, which streaming passes
    /// only copy) returns its output and where each input op went here; the default `None`
    /// means "stream through [`Pass::feed`]".
    #[allow(clippy::type_complexity)]
    fn whole(&mut self, _t: &Trace) -> Option<Result<(Trace, Vec<Option<OpRef>>), OptError>> {
        None
    }
    /// Whether the pass may run in a chain with its neighbours: one copy of the trace in
    /// which each op goes through every pass of the chain before the next op (see
    /// [`run_chain_mapped`]). Such a pass has no [`Pass::prepare`] or [`Pass::whole`], and
    /// forgets what it recorded about an op when [`Pass::retract`] says so.
    fn chainable(&self) -> bool {
        false
    }
    /// In a chain, the op this pass just answered [`Action::Emit`] for (numbered `r`, its
    /// [`Ctx::next_ref`]) was then replaced by `now` (`None`: removed) by a later pass of the
    /// chain, so `r` will number the next op emitted: facts recorded under `r` must move to
    /// `now` or go. Called before the next op is fed.
    fn retract(&mut self, _r: OpRef, _now: Option<OpRef>) {}
}

/// Why optimization failed.
#[derive(Clone, PartialEq, Debug)]
pub enum OptError {
    /// `enable_opts` names an unknown pass.
    UnknownPass(String),
    /// A pass produced an invalid trace (a bug in that pass).
    Verifier {
        /// The pass that ran last.
        pass: String,
        /// The verifier's complaints.
        errors: VerifierErrors,
        /// The invalid trace's text.
        trace: String,
    },
    /// `enable_opts` is malformed (e.g. names `unroll` twice).
    Pipeline(String),
    /// A pass removed an op whose result is used.
    RemovedValue {
        /// The pass.
        pass: String,
        /// The position (in that pass's input) of the op that uses the removed value.
        pos: usize,
    },
}

impl fmt::Display for OptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OptError::UnknownPass(p) => {
                write!(
                    f,
                    "unknown optimization pass '{p}' (known: {}; or 'all', 'none')",
                    PASS_NAMES.join(", ")
                )
            }
            OptError::Verifier {
                pass,
                errors,
                trace,
            } => {
                write!(
                    f,
                    "pass '{pass}' produced an invalid trace:\n{errors}{trace}"
                )
            }
            OptError::Pipeline(m) => write!(f, "bad optimization pipeline: {m}"),
            OptError::RemovedValue { pass, pos } => {
                write!(f, "pass '{pass}' removed a value that op {pos} uses")
            }
        }
    }
}

impl std::error::Error for OptError {}

/// Parse an `enable_opts` string into pass names (validated).
pub fn parse_pipeline(spec: &str) -> Result<Vec<&'static str>, OptError> {
    let spec = spec.trim();
    if spec == "all" {
        return parse_pipeline(DEFAULT_PIPELINE);
    }
    if spec.is_empty() || spec == "none" {
        return Ok(vec![]);
    }
    spec.split(':')
        .map(|n| {
            let n = n.trim();
            PASS_NAMES
                .iter()
                .copied()
                .find(|&k| k == n)
                .ok_or_else(|| OptError::UnknownPass(n.to_string()))
        })
        .collect()
}

fn make_pass(name: &str) -> Result<Box<dyn Pass>, OptError> {
    if name == "unroll" {
        return Err(OptError::Pipeline(
            "`unroll` is a stage of `optimize`, not a streaming pass".into(),
        ));
    }
    match name {
        "fold" => Ok(Box::new(fold::Fold::default())),
        "dce" => Ok(Box::new(dce::Dce::default())),
        "cse" => Ok(Box::new(cse::Cse::default())),
        "heap" => Ok(Box::new(heap::Heap::default())),
        "intbounds" => Ok(Box::new(intbounds::IntBounds::default())),
        "virtualize" => Ok(Box::new(virtualize::Virtualize)),
        "wbarrier" => Ok(Box::new(wbarrier::WBarrier::default())),
        "closedform" => Ok(Box::new(closedform::ClosedForm)),
        other => Err(OptError::UnknownPass(other.to_string())),
    }
}

/// Run the passes named by `enable_opts` over `t`, returning the optimized trace.
///
/// With `unroll` in the list, the passes before it run first; then a loop trace is peeled
/// and the passes after it run over the peeled form ([`unroll::unroll`]); a trace that is not
/// a peelable loop just goes through the passes after it.
pub fn optimize(t: &Trace, enable_opts: &str) -> Result<Trace, OptError> {
    let names = parse_pipeline(enable_opts)?;
    let mut out = match names.iter().position(|&n| n == "unroll") {
        None => run_named(t, &names)?,
        Some(u) => {
            let (pre, post) = (&names[..u], &names[u + 1..]);
            if post.contains(&"unroll") {
                return Err(OptError::Pipeline("`unroll` may appear only once".into()));
            }
            let t = run_named(t, pre)?;
            match unroll::unroll(&t, post)? {
                Some(peeled) => peeled,
                None => run_named(&t, post)?,
            }
        }
    };
    // (the passes inherit their input's constant table: only what is used stays)
    out.compact_consts();
    Ok(out)
}

fn run_named(t: &Trace, names: &[&'static str]) -> Result<Trace, OptError> {
    let mut passes = names
        .iter()
        .map(|n| make_pass(n))
        .collect::<Result<Vec<_>, _>>()?;
    run_passes(t, &mut passes)
}

/// Run the given passes in order, verifying after each step in debug builds. Consecutive
/// [`Pass::chainable`] passes run as one chain (one copy of the trace).
pub fn run_passes(t: &Trace, passes: &mut [Box<dyn Pass>]) -> Result<Trace, OptError> {
    // (the input is only read: no copy of it unless there is no pass at all)
    let mut cur: Option<Trace> = None;
    let mut i = 0;
    while i < passes.len() {
        let n = chain_len(&passes[i..]);
        let group = &mut passes[i..i + n];
        let next = run_group_mapped(cur.as_ref().unwrap_or(t), group)?.0;
        if cfg!(debug_assertions) {
            if let Err(errors) = verify(&next) {
                return Err(OptError::Verifier {
                    pass: group_name(group),
                    errors,
                    trace: crate::ir::print(&next),
                });
            }
        }
        cur = Some(next);
        i += n;
    }
    Ok(cur.unwrap_or_else(|| t.clone()))
}

/// How many passes from the start of `passes` run as one step: the leading run of
/// chainable passes, else the first pass alone.
pub(crate) fn chain_len(passes: &[Box<dyn Pass>]) -> usize {
    passes
        .iter()
        .take_while(|p| p.chainable())
        .count()
        .max(1)
        .min(passes.len())
}

/// The names of a step's passes, `+`-joined (for errors).
pub(crate) fn group_name(passes: &[Box<dyn Pass>]) -> String {
    passes
        .iter()
        .map(|p| p.name())
        .collect::<Vec<_>>()
        .join("+")
}

/// Run one step of [`run_passes`]: a lone pass, or a chain of chainable ones.
pub(crate) fn run_group_mapped(
    t: &Trace,
    group: &mut [Box<dyn Pass>],
) -> Result<(Trace, Vec<Option<OpRef>>), OptError> {
    if let [one] = group {
        return run_pass_mapped(t, one.as_mut());
    }
    let mut refs: Vec<&mut dyn Pass> = group
        .iter_mut()
        .map(|p| &mut **p as &mut dyn Pass)
        .collect();
    run_chain_mapped(t, &mut refs)
}

/// Run one pass over a trace.
pub fn run_pass(t: &Trace, pass: &mut dyn Pass) -> Result<Trace, OptError> {
    run_pass_mapped(t, pass).map(|(t, _)| t)
}

/// Run one pass over a trace; also returns where each input op went (`None`: removed).
pub fn run_pass_mapped(
    t: &Trace,
    pass: &mut dyn Pass,
) -> Result<(Trace, Vec<Option<OpRef>>), OptError> {
    if let Some(r) = pass.whole(t) {
        return r;
    }
    pass.prepare(t);
    run_chain_mapped(t, &mut [pass])
}

/// Run a chain of passes over one copy of a trace: each op goes through the passes in
/// order until one answers something else than [`Action::Emit`] (the earlier ones are then
/// told by [`Pass::retract`]). Equivalent to running them one after the other (each sees
/// only the ops and operands the earlier ones left), but the trace and its snapshots are
/// copied once instead of once per pass. Every pass but a lone one must be
/// [`Pass::chainable`]. Returns where each input op went (`None`: removed).
pub fn run_chain_mapped(
    t: &Trace,
    passes: &mut [&mut dyn Pass],
) -> Result<(Trace, Vec<Option<OpRef>>), OptError> {
    debug_assert!(passes.len() == 1 || passes.iter().all(|p| p.chainable()));
    // The output starts with the input's constant and descriptor tables: operands that are
    // constants and ops' descriptors carry over unchanged (no re-interning per use).
    let mut b = TraceBuilder::with_tables_of(t);
    // old op position -> new operand (None = removed void op)
    let mut map: Vec<Option<OpRef>> = Vec::with_capacity(t.len());
    let mut frame_map: rustc_hash::FxHashMap<FrameId, FrameId> = Default::default();
    let mut virt_map: rustc_hash::FxHashMap<crate::ir::VirtId, OpRef> = Default::default();
    let remap = |map: &[Option<OpRef>], r: OpRef| -> Option<OpRef> {
        if r.as_const().is_some() {
            return Some(r);
        }
        map.get(r.as_op()?).copied().flatten()
    };
    let mut vals = Vec::new();
    let mut chain: Vec<FrameId> = Vec::new();
    // one op's worth, reused from op to op (its argument vector keeps its allocation)
    let mut pending = PendingOp {
        opcode: Opcode::Label,
        args: Vec::new(),
        descr: None,
        snapshot: None,
    };
    for i in 0..t.len() {
        let op = t.op(i);
        if op.opcode.flags().contains(crate::ir::OpFlags::INPUT) {
            map.push(Some(b.input(op.kind())));
            continue;
        }
        // An argument removed earlier is an error unless the pass removes this op too
        // (`dce` drops chains of dead ops); until then a zero constant stands in for it.
        pending.args.clear();
        let mut removed_arg = false;
        for &a in t.args(i) {
            let r = match remap(&map, a) {
                Some(r) => r,
                None => {
                    removed_arg = true;
                    b.constant(match t.kind(a) {
                        Kind::Float => Value::Float(0.0),
                        Kind::Ref => Value::Ref(0),
                        _ => Value::Int(0),
                    })
                }
            };
            pending.args.push(r);
        }
        let snapshot = match op.snapshot() {
            Some(s) => {
                // the frames of the chain not copied yet (innermost first; the callers'
                // frames are usually shared with earlier snapshots, so the walk stops soon)
                chain.clear();
                let mut cur = Some(t.snapshot_top(s));
                let mut parent = None;
                while let Some(f) = cur {
                    if let Some(&nf) = frame_map.get(&f) {
                        parent = Some(nf);
                        break;
                    }
                    chain.push(f);
                    cur = t.frame_parent(f);
                }
                while let Some(f) = chain.pop() {
                    vals.clear();
                    for &v in t.frame_values(f) {
                        let mut m = |_: &mut TraceBuilder, v| remap(&map, v);
                        vals.push(
                            b.copy_snapshot_value(t, v, &mut m, &mut virt_map)
                                .ok_or_else(|| OptError::RemovedValue {
                                    pass: passes[0].name().into(),
                                    pos: i,
                                })?,
                        );
                    }
                    let nf = b.copy_frame(parent, t, f, &vals);
                    frame_map.insert(f, nf);
                    parent = Some(nf);
                }
                parent.map(|top| b.snapshot(top))
            }
            None => None,
        };
        pending.opcode = op.opcode;
        pending.descr = op.descr();
        pending.snapshot = snapshot;
        let mut action = Action::Emit;
        let mut decided = 0;
        for (k, pass) in passes.iter_mut().enumerate() {
            action = pass.feed(&mut Ctx { b: &mut b }, &mut pending);
            decided = k;
            if action != Action::Emit {
                break;
            }
        }
        if action != Action::Emit {
            let r = OpRef::op(b.len());
            let now = match action {
                Action::Replace(v) => Some(v),
                _ => None,
            };
            for pass in passes[..decided].iter_mut() {
                pass.retract(r, now);
            }
        }
        if removed_arg && action != Action::Remove {
            return Err(OptError::RemovedValue {
                pass: passes[decided].name().into(),
                pos: i,
            });
        }
        match action {
            Action::Emit => {
                let r = b.push(
                    pending.opcode,
                    &pending.args,
                    pending.descr,
                    pending.snapshot,
                );
                map.push(Some(r));
            }
            Action::Replace(r) => map.push(Some(r)),
            Action::Remove => map.push(None),
        }
    }
    Ok((b.build(), map))
}

/// Test helper: optimize `input` with `passes` and compare with `expected` (both trace text;
/// value numbering in `expected` is free). Returns the optimized text on mismatch.
pub fn check_opt(input: &str, passes: &str, expected: &str) -> Result<(), String> {
    let t = crate::ir::parse(input).map_err(|e| format!("input: {e}"))?;
    verify(&t).map_err(|e| format!("input does not verify:\n{e}"))?;
    let out = optimize(&t, passes).map_err(|e| e.to_string())?;
    compare(&out, expected)
}

/// Test helper: `bridge` (trace text) ends in a jump to the first label of `peeled_loop` (the
/// text of a loop as [`unroll`] leaves it); append the loop's preamble to the bridge
/// ([`unroll::Preamble::append_to`]), optimize with `passes` and compare with `expected` as
/// [`check_opt`] does.
pub fn check_bridge_opt(
    peeled_loop: &str,
    bridge: &str,
    passes: &str,
    expected: &str,
) -> Result<(), String> {
    let lp = crate::ir::parse(peeled_loop).map_err(|e| format!("loop: {e}"))?;
    verify(&lp).map_err(|e| format!("loop does not verify:\n{e}"))?;
    let t = crate::ir::parse(bridge).map_err(|e| format!("input: {e}"))?;
    verify(&t).map_err(|e| format!("input does not verify:\n{e}"))?;
    let pre = unroll::Preamble::of(&lp, usize::MAX).ok_or("the loop is not a peeled loop")?;
    let joined = pre
        .append_to(&t)
        .ok_or("the bridge does not jump to the loop's first label")?;
    verify(&joined).map_err(|e| format!("bridge + preamble does not verify:\n{e}"))?;
    let out = optimize(&joined, passes).map_err(|e| e.to_string())?;
    compare(&out, expected)
}

/// `out` against the `expected` text, value numbering and target numbers free.
fn compare(out: &Trace, expected: &str) -> Result<(), String> {
    let exp = crate::ir::parse(expected).map_err(|e| format!("expected: {e}"))?;
    // (the write barrier's address changes from run to run: expected texts write it as 0)
    let barrier = format!(
        "call_n({:#x},",
        crate::gc::jit::barrier_slot as *const () as usize
    );
    let (got, want) = (
        canonical_targets(&crate::ir::print(out).replace(&barrier, "call_n(0,")),
        canonical_targets(&crate::ir::print(&exp)),
    );
    if got == want {
        Ok(())
    } else {
        Err(format!(
            "optimized trace differs\n--- expected\n{want}--- got\n{got}"
        ))
    }
}

/// Trace text with `targetN` renumbered by first appearance (fresh tokens are process-wide,
/// so `check_opt` compares loop structure, not token numbers).
fn canonical_targets(text: &str) -> String {
    let mut seen: Vec<String> = Vec::new();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("descr=target") {
        let (head, tail) = rest.split_at(i + "descr=target".len());
        out.push_str(head);
        let digits = tail.chars().take_while(char::is_ascii_digit).count();
        let num = &tail[..digits];
        let k = match seen.iter().position(|s| s == num) {
            Some(k) => k,
            None => {
                seen.push(num.to_string());
                seen.len() - 1
            }
        };
        out.push_str(&k.to_string());
        rest = &tail[digits..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Chains: a later pass of a chain replacing an op an earlier one recorded under the op's
    // number must not leave the earlier one's fact pointing at whatever op takes that number.

    #[test]
    fn a_chain_moves_cse_facts_to_the_value_intbounds_gave_the_op() {
        // int_lt(i1, 300) of a byte is 1 (intbounds); cse recorded it first: its second
        // occurrence must become 1 too, not the int_add that takes its number
        let input = "[i0, p9]\ni1 = load_i(p9, 0, descr=u8)\ni2 = int_lt(i1, 300)\n\
                     i3 = int_add(i0, 1)\ni4 = int_lt(i1, 300)\nfinish(i2, i3, i4)\n";
        let expected = "[i0, p9]\ni1 = load_i(p9, 0, descr=u8)\ni2 = int_add(i0, 1)\n\
                        finish(1, i2, 1)\n";
        if let Err(e) = check_opt(input, "cse:intbounds", expected) {
            panic!("{e}");
        }
    }

    #[test]
    fn a_chain_moves_heap_facts_to_the_value_cse_gave_the_op() {
        // the pointer load after a word store becomes cast_int_to_ptr(i1) (heap), which cse
        // finds computed already: the second load is that value, not the op after the first
        let input = "[i0, i1, p9]\np2 = cast_int_to_ptr(i1)\nstore_i(p9, 0, i1, descr=i64)\n\
                     p4 = load_r(p9, 0, descr=ref)\ni5 = int_add(i0, 1)\n\
                     p6 = load_r(p9, 0, descr=ref)\nfinish(p2, p4, i5, p6)\n";
        let expected = "[i0, i1, p9]\np2 = cast_int_to_ptr(i1)\nstore_i(p9, 0, i1, descr=i64)\n\
                        i4 = int_add(i0, 1)\nfinish(p2, p2, i4, p2)\n";
        if let Err(e) = check_opt(input, "heap:cse", expected) {
            panic!("{e}");
        }
    }

    #[test]
    fn an_optimized_trace_keeps_only_the_constants_it_uses() {
        // the backend pins every reference constant of a compiled trace: one only a removed
        // op used must not stay in the table the passes inherited from their input
        let t = crate::ir::parse(
            "[i0, p1]\ni2 = int_add(i0, 12345)\np3 = load_r(ptr(0x1230), 8, descr=ref)\n\
             i4 = int_add(i0, 7)\nfinish(i4, p1)\n",
        )
        .unwrap();
        assert!(t.consts().contains(&Value::Int(12345)));
        let out = optimize(&t, "fold:cse:dce").unwrap();
        assert_eq!(
            out.consts(),
            &[Value::Int(7)][..],
            "{}",
            crate::ir::print(&out)
        );
        assert!(verify(&out).is_ok());
    }

    #[test]
    fn chains_copy_the_trace_once() {
        // consecutive chainable passes are one step; the others stand alone
        let names = [
            "fold",
            "cse",
            "heap",
            "virtualize",
            "cse",
            "intbounds",
            "dce",
        ];
        let passes: Vec<Box<dyn Pass>> = names.iter().map(|n| make_pass(n).unwrap()).collect();
        let mut steps = Vec::new();
        let mut i = 0;
        while i < passes.len() {
            let n = chain_len(&passes[i..]);
            steps.push(group_name(&passes[i..i + n]));
            i += n;
        }
        assert_eq!(
            steps,
            ["fold+cse+heap", "virtualize", "cse+intbounds", "dce"]
        );
    }

    #[test]
    fn pipeline_strings() {
        assert_eq!(parse_pipeline("fold").unwrap(), vec!["fold"]);
        assert_eq!(
            parse_pipeline("all").unwrap(),
            vec![
                "unroll",
                "fold",
                "cse",
                "heap",
                "cse",
                "heap",
                "virtualize",
                "cse",
                "heap",
                "intbounds",
                "dce",
                "closedform",
                "wbarrier"
            ]
        );
        assert_eq!(parse_pipeline("cse:cse").unwrap(), vec!["cse", "cse"]);
        assert!(parse_pipeline("none").unwrap().is_empty());
        assert!(parse_pipeline("").unwrap().is_empty());
        let e = parse_pipeline("fold:virtualise").unwrap_err();
        assert!(
            e.to_string()
                .contains("unknown optimization pass 'virtualise'"),
            "{e}"
        );
    }

    #[test]
    fn unroll_is_a_stage_named_once() {
        assert_eq!(
            parse_pipeline("unroll:fold").unwrap(),
            vec!["unroll", "fold"]
        );
        let t =
            crate::ir::parse("[i0]\nlabel(i0, descr=target1)\njump(i0, descr=target1)\n").unwrap();
        let e = optimize(&t, "unroll:fold:unroll").unwrap_err();
        assert!(
            e.to_string().contains("`unroll` may appear only once"),
            "{e}"
        );
        // an empty loop peels into a preamble and a loop that passes its argument around
        let o = optimize(&t, "unroll").unwrap();
        assert!(unroll::is_peeled(&o), "{o}");
    }

    /// A buggy pass that rewrites `int_add` into `float_add` (keeping int operands).
    struct Broken;
    impl Pass for Broken {
        fn name(&self) -> &'static str {
            "broken"
        }
        fn feed(&mut self, _ctx: &mut Ctx<'_>, op: &mut PendingOp) -> Action {
            if op.opcode == Opcode::IntAdd {
                op.opcode = Opcode::FloatAdd;
            }
            Action::Emit
        }
    }

    #[test]
    fn verifier_runs_after_each_pass_in_debug_builds() {
        let t = crate::ir::parse("[i0]\ni1 = int_add(i0, 1)\nfinish(i1)\n").unwrap();
        let r = run_passes(&t, &mut [Box::new(Broken) as Box<dyn Pass>]);
        if cfg!(debug_assertions) {
            match r {
                Err(OptError::Verifier { pass, errors, .. }) => {
                    assert_eq!(pass, "broken");
                    assert!(
                        errors.to_string().contains("argument 0 must be Float"),
                        "{errors}"
                    );
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn no_passes_is_identity_and_snapshots_stay_shared() {
        let text = "[i0, i1]\ni2 = int_add(i0, i1)\nguard_true(i2) [0@1: i0; 1@2: i2]\nguard_false(i2) [0@1: i0; 1@3: 4]\nfinish(i2)\n";
        check_opt(text, "none", text).unwrap();
        let t = optimize(&crate::ir::parse(text).unwrap(), "none").unwrap();
        assert_eq!(t.frames().len(), 3);
    }
}
