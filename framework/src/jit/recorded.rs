//! The tracer's output format: a linear SSA list of operations with guard snapshots, and a
//! direct evaluator for it.
//!
//! This is the front end's own, deliberately small record of a trace. It is lowered to the
//! shared trace IR (`crate::ir`) for optimization and machine code; the evaluator here is the
//! reference semantics the front-end tests use, and the fallback executor when the backend
//! cannot compile a trace.
//!
//! Text form (one op per line): `v3 = int_add v1, 5`, `guard_true v4 @s0`, `jump v3, v2`.

use super::blackhole::Frame;
use super::gcroots::JitRoots;
use super::jitcode::{BinOp, CallDesc, CodeId, Effect, MemSize, Pc, Reg, UnOp};
use super::word::Kind;
use std::fmt;
use std::rc::Rc;

/// An operand: a constant word or the result of an earlier op.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Val {
    /// A constant of the given kind.
    Const(Kind, u64),
    /// The result of op number `.0`.
    Op(u32),
}

/// What a guard checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GuardKind {
    /// Fails when the operand is zero.
    True,
    /// Fails when the operand is non-zero.
    False,
    /// Fails when the operand differs from the constant.
    Value(u64),
    /// Directly after an [`ROp::Ovf`] (its operand): fails when it overflowed.
    NoOverflow,
    /// Directly after an [`ROp::Ovf`] (its operand): fails when it did not overflow.
    Overflow,
    /// Fails when the compiled trace was invalidated (`jit::quasi`); the operand is unused.
    NotInvalidated,
    /// Fails when an interrupt was requested (`jit::interrupt`); the operand is unused.
    NotInterrupted,
}

/// One recorded operation.
#[derive(Clone, Debug)]
pub enum ROp {
    /// Input argument number `.1` of kind `.0`.
    Input(Kind, u32),
    /// Binary op.
    Bin(BinOp, Val, Val),
    /// Unary op.
    Un(UnOp, Val),
    /// Overflow-checked signed `IntAdd`/`IntSub`/`IntMul` (wrapping result); the next op is
    /// its `NoOverflow`/`Overflow` guard.
    Ovf(BinOp, Val, Val),
    /// Load from `base + offset`; the kind of the loaded value.
    Load(Val, i32, MemSize, Kind),
    /// Store `src` to `base + offset`.
    Store(Val, i32, MemSize, Val),
    /// A removed op (a store that a later store to the same place overwrote before anything
    /// could observe it); lowering skips it.
    Nop,
    /// Residual call.
    Call(Rc<CallDesc>, Vec<Val>),
    /// A fresh zeroed object (`new`): payload size and GC header word.
    New(u32, u64),
    /// Guard with its snapshot index.
    Guard(GuardKind, Val, u32),
    /// Loop back to the start with new input values.
    Jump(Vec<Val>),
    /// The portal function returns this value (a bridge that leaves the portal: machine code
    /// hands the word to the driver, which returns it to the portal's caller); `None` for `()`.
    Finish(Option<Val>),
    /// The trace passed the portal's merge point with these green words (no effect; lowered to
    /// `debug_merge_point` so logs can show the guest position of the ops that follow).
    MergePoint(Vec<u64>),
    /// The trace reached the merge point of green key `key`, which has compiled code: leave
    /// through snapshot `snap` (for the evaluator) or jump to that code with the red `args`.
    Exit {
        /// Snapshot at the merge point.
        snap: u32,
        /// The green key reached.
        key: Vec<u64>,
        /// The red state values, in merge-point order.
        args: Vec<Val>,
    },
}

impl ROp {
    /// The kind of the op's result.
    pub fn kind(&self) -> Kind {
        match self {
            ROp::Input(k, _) => *k,
            ROp::Bin(op, ..) => op.result_kind(),
            ROp::Ovf(..) => Kind::Int,
            ROp::Un(op, _) => op.result_kind(),
            ROp::Load(.., k) => *k,
            ROp::Call(d, _) => d.ret_kind,
            ROp::New(..) => Kind::Ref,
            _ => Kind::Void,
        }
    }
}

/// One frame of a snapshot: a jitcode position and the values of its registers.
#[derive(Clone, Debug)]
pub struct SnapFrame {
    /// Which jitcode.
    pub code: CodeId,
    /// The instruction to resume at.
    pub pc: Pc,
    /// The number of registers of the frame.
    pub nregs: u32,
    /// The live registers and their values, ascending; dead registers resume as 0.
    pub regs: Vec<(Reg, Val)>,
}

impl SnapFrame {
    /// A frame listing every register (register `i` holds `regs[i]`).
    pub fn dense(code: CodeId, pc: Pc, regs: Vec<Val>) -> SnapFrame {
        SnapFrame {
            code,
            pc,
            nregs: regs.len() as u32,
            regs: regs
                .into_iter()
                .enumerate()
                .map(|(i, v)| (i as Reg, v))
                .collect(),
        }
    }
}

/// The pseudo jitcode id of the extra outermost frame by which a lowered snapshot carries its
/// pending stores: its values are `base, offset, size word, value` per store, in order (the
/// size word: [`pending_size_word`]).
pub const PENDING_STORES: CodeId = CodeId::MAX;

/// The size word of a pending store in a lowered snapshot: the [`MemSize::code`] in the low
/// 8 bits, the place's 32-bit alias class (`MemDescr::class_of`, 0 when unknown) in bits
/// 8..40, and the virtualizable-frame marks in bits 40 (a place in the frame) and 41 (an
/// element of its array). A bridge's tracer starts with the guard's pending stores still
/// pending; with their classes, a load of another class does not make it record them (which
/// made every object they store escape: an inlined call's frame, stored as the current frame
/// and as the virtualizable's `f`, at the first load of the bridge).
pub fn pending_size_word(size: MemSize, class: u32, vable: bool, item: bool) -> u64 {
    size.code() | (u64::from(class) << 8) | (u64::from(vable) << 40) | (u64::from(item) << 41)
}

/// The parts of a [`pending_size_word`]: size, 32-bit class, virtualizable marks.
pub fn pending_size_parts(w: u64) -> Option<(MemSize, u32, bool, bool)> {
    let size = MemSize::from_code(w & 0xff)?;
    Some((
        size,
        (w >> 8) as u32,
        w & (1 << 40) != 0,
        w & (1 << 41) != 0,
    ))
}

/// The compressed classes seen by lowering, and the tracer class each stands for (`None`
/// when two tracer classes share it): how a bridge's tracer gets back the class of a pending
/// store its guard carries.
static CLASSES: std::sync::Mutex<Option<rustc_hash::FxHashMap<u32, Option<u64>>>> =
    std::sync::Mutex::new(None);

/// The compressed class of tracer class `cls` (its virtualizable bits dropped), remembered
/// for [`tracer_class`].
pub fn remember_class(cls: u64) -> u32 {
    let c = crate::ir::MemDescr::class_of(cls);
    if c != 0 {
        let plain = cls & !(super::codewriter::VABLE_CLASS | super::codewriter::VABLE_ITEM);
        let mut m = CLASSES.lock().unwrap_or_else(|e| e.into_inner());
        let e = m
            .get_or_insert_with(Default::default)
            .entry(c)
            .or_insert(Some(plain));
        if *e != Some(plain) {
            *e = None;
        }
    }
    c
}

/// The tracer class whose compressed class is `c`, or 0 (unknown: any place) when none or
/// several were seen.
pub fn tracer_class(c: u32) -> u64 {
    if c == 0 {
        return 0;
    }
    let m = CLASSES.lock().unwrap_or_else(|e| e.into_inner());
    m.as_ref()
        .and_then(|m| m.get(&c).copied().flatten())
        .unwrap_or(0)
}

/// A store the trace has not performed yet (see `tracer`): `value` to `base + offset`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PendingStore {
    /// Base address.
    pub base: Val,
    /// Constant byte offset.
    pub offset: i32,
    /// Access size.
    pub size: MemSize,
    /// The stored value.
    pub value: Val,
    /// The place's alias class (the tracer's, with its virtualizable bits; 0: unknown).
    pub class: u64,
}

/// Performs the pending stores a lowered snapshot's [`PENDING_STORES`] frame lists (concrete
/// `base, offset, size word, value` words), in order.
///
/// # Safety
/// The words must come from such a frame of a trace recorded from the interpreter's own
/// stores (valid addresses for the sizes).
pub unsafe fn perform_pending(words: &[u64]) {
    for w in words.chunks_exact(4) {
        let size = pending_size_parts(w[2]).expect("pending store size word").0;
        // SAFETY: the caller guarantees the address was a store target of the interpreter.
        unsafe { perform_pending_store(w[0].wrapping_add(w[1]) as usize, size, w[3]) };
    }
}

/// Performs one delayed store of `w` to `addr`, with the write barrier: how a guard failure
/// (through [`perform_pending`]) and the start of a bridge's recording do the stores a trace
/// delayed past the guard.
///
/// The word may be a reference, possibly to an object materialized just now (a young one)
/// while the store's place is old: the barrier the trace ran when it recorded the store may
/// have come before a collection (an allocation since), and without a dirty card the next
/// minor collection neither moves the object for this slot nor keeps it alive (the slot then
/// names whatever the nursery holds there next). The barrier is idempotent and does nothing
/// for an address outside the heap.
///
/// # Safety
/// `addr` must be a place the interpreter stores a `size` value to.
pub unsafe fn perform_pending_store(addr: usize, size: MemSize, w: u64) {
    // SAFETY: the caller's guarantee.
    unsafe { size.store(addr, w) };
    if size == MemSize::W64 {
        crate::gc::write_barrier_slot(addr as *const u8);
    }
}

/// What a guard needs to rebuild the interpreter: the frame chain, outermost first, and the
/// stores the trace delayed past the guard (performed, in order, before resuming).
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// Frames, the portal first.
    pub frames: Vec<SnapFrame>,
    /// Pending stores, oldest first.
    pub stores: Vec<PendingStore>,
}

impl Snapshot {
    /// Rebuilds concrete blackhole frames given the values of the trace's ops (the caller
    /// performs [`Snapshot::stores`] first).
    pub fn frames(&self, values: &dyn Fn(u32) -> u64) -> Vec<Frame> {
        self.frames
            .iter()
            .map(|sf| {
                let mut regs = vec![0; sf.nregs as usize];
                for &(r, v) in &sf.regs {
                    regs[r as usize] = match v {
                        Val::Const(_, w) => w,
                        Val::Op(i) => values(i),
                    };
                }
                Frame {
                    code: sf.code,
                    pc: sf.pc,
                    regs,
                }
            })
            .collect()
    }
}

/// A recorded trace: a loop (ends in `Jump`) or a path ending in `Exit`.
#[derive(Clone, Debug, Default)]
pub struct RTrace {
    /// The ops; inputs first.
    pub ops: Vec<ROp>,
    /// Guard snapshots.
    pub snapshots: Vec<Snapshot>,
    /// Identity numbers of the `JitGreen` objects seen at merge points while recording: the
    /// trace is valid only while they live (`jit::validity`).
    pub deps: Vec<u64>,
    /// Dependency numbers of the quasi-immutable cells whose reads the trace folded
    /// (`jit::quasi`): a write to one invalidates the trace.
    pub quasi: Vec<u64>,
    /// Every reference the tracer held while recording (registers, hence every constant of
    /// the trace): kept alive and pinned until the compiled trace pins its own constants.
    pub roots: JitRoots,
    /// Positions (in `ops`) of the loads and stores of places inside a virtualizable frame
    /// (`#[virtualizable]`): lowering marks their memory descriptors, so the optimizer may
    /// keep those places in registers across loop iterations (`opt::unroll`). With `true` for
    /// elements of the frame's array (`VABLE_ITEM`).
    pub vable: Vec<(u32, bool)>,
    /// Positions (in `ops`) of loads and stores with a known alias class, and the class
    /// (`MemDescr::class_of` of the tracer's class): lowering puts it in their memory
    /// descriptors, so the optimizer's heap passes use the tracer's type-based aliasing.
    pub classes: Vec<(u32, u32)>,
}

impl RTrace {
    /// Notes the alias class of the load or store at position `at` (nothing for class 0).
    pub fn note_class(&mut self, at: u32, cls: u64) {
        let c = remember_class(cls);
        if c != 0 {
            self.classes.push((at, c));
        }
    }

    /// Whether the trace is a bridge cut short at a merge point (`Tracer::cut_at`): it ends in
    /// a guard that always fails and an unreachable `finish`.
    pub fn leaves_to_interpreter(&self) -> bool {
        matches!(
            self.ops.as_slice(),
            [
                ..,
                ROp::Guard(GuardKind::True, Val::Const(_, 0), _),
                ROp::Finish(None)
            ]
        )
    }

    /// Number of guards.
    pub fn guard_count(&self) -> usize {
        self.ops
            .iter()
            .filter(|o| matches!(o, ROp::Guard(..)))
            .count()
    }
}

fn name_bin(op: BinOp) -> String {
    let s = format!("{op:?}");
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

impl fmt::Display for Val {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Val::Const(Kind::Float, w) => write!(f, "{:?}", f64::from_bits(*w)),
            Val::Const(Kind::Ref, w) => write!(f, "ptr({w:#x})"),
            Val::Const(_, w) => write!(f, "{}", *w as i64),
            Val::Op(i) => write!(f, "v{i}"),
        }
    }
}

fn list(vals: &[Val]) -> String {
    vals.iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for RTrace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, op) in self.ops.iter().enumerate() {
            let lhs = format!("v{i} = ");
            match op {
                ROp::Input(k, n) => writeln!(f, "{lhs}input {k:?} #{n}")?,
                ROp::Bin(o, a, b) => writeln!(f, "{lhs}{} {a}, {b}", name_bin(*o))?,
                ROp::Un(o, a) => writeln!(f, "{lhs}{} {a}", format!("{o:?}").to_lowercase())?,
                ROp::Ovf(o, a, b) => writeln!(f, "{lhs}{}_ovf {a}, {b}", name_bin(*o))?,
                ROp::Load(b, off, s, _) => writeln!(f, "{lhs}load_{s:?} {b}, {off}")?,
                ROp::Store(b, off, s, v) => writeln!(f, "store_{s:?} {b}, {off}, {v}")?,
                ROp::Nop => writeln!(f, "nop")?,
                ROp::New(size, header) => writeln!(f, "{lhs}new {size}, {header:#x}")?,
                ROp::Call(d, args) => {
                    let pure = if d.effect == Effect::Elidable {
                        "_pure"
                    } else {
                        ""
                    };
                    writeln!(f, "{lhs}call{pure} {} ({})", d.name, list(args))?
                }
                ROp::Guard(GuardKind::True, v, s) => writeln!(f, "guard_true {v} @s{s}")?,
                ROp::Guard(GuardKind::False, v, s) => writeln!(f, "guard_false {v} @s{s}")?,
                ROp::Guard(GuardKind::Value(c), v, s) => {
                    writeln!(f, "guard_value {v}, {} @s{s}", *c as i64)?
                }
                ROp::Guard(GuardKind::NoOverflow, v, s) => {
                    writeln!(f, "guard_no_overflow {v} @s{s}")?
                }
                ROp::Guard(GuardKind::Overflow, v, s) => writeln!(f, "guard_overflow {v} @s{s}")?,
                ROp::Guard(GuardKind::NotInvalidated, _, s) => {
                    writeln!(f, "guard_not_invalidated @s{s}")?
                }
                ROp::Guard(GuardKind::NotInterrupted, _, s) => {
                    writeln!(f, "guard_not_interrupted @s{s}")?
                }
                ROp::Jump(args) => writeln!(f, "jump {}", list(args))?,
                ROp::Finish(v) => match v {
                    Some(v) => writeln!(f, "finish {v}")?,
                    None => writeln!(f, "finish")?,
                },
                ROp::MergePoint(key) => writeln!(f, "merge_point {key:?}")?,
                ROp::Exit { snap, key, args } => {
                    writeln!(f, "exit @s{snap} to {key:?} ({})", list(args))?
                }
            }
        }
        Ok(())
    }
}

/// How a run of a trace ended.
pub enum RunEnd {
    /// A guard failed (or an `Exit` was reached): snapshot index and the op values.
    Exit(u32, Vec<u64>),
    /// A `Finish` was reached with this word (0 for `()`).
    Finish(u64),
}

/// Runs a trace directly (the reference evaluator). `fail_guards` makes every guard fail.
pub fn eval(trace: &RTrace, inputs: &[u64], fail_guards: bool) -> RunEnd {
    let mut vals = vec![0u64; trace.ops.len()];
    // Whether the last `Ovf` op overflowed (read by its guard, the next op).
    let mut overflowed = false;
    let get = |vals: &Vec<u64>, v: &Val| match v {
        Val::Const(_, w) => *w,
        Val::Op(i) => vals[*i as usize],
    };
    let n_inputs = trace
        .ops
        .iter()
        .take_while(|o| matches!(o, ROp::Input(..)))
        .count();
    vals[..n_inputs].copy_from_slice(&inputs[..n_inputs]);
    loop {
        let mut i = n_inputs;
        while i < trace.ops.len() {
            let r = match &trace.ops[i] {
                ROp::Input(..) => unreachable!("inputs come first"),
                ROp::Bin(op, a, b) => op.eval(get(&vals, a), get(&vals, b)),
                ROp::Un(op, a) => op.eval(get(&vals, a)),
                ROp::Ovf(op, a, b) => {
                    let (r, o) = super::jitcode::eval_ovf(*op, get(&vals, a), get(&vals, b));
                    overflowed = o;
                    r
                }
                ROp::Load(b, off, s, _) => {
                    let addr = get(&vals, b).wrapping_add(*off as i64 as u64);
                    // SAFETY: the trace repeats loads the interpreter made at record time;
                    // guards before it establish the same conditions (bounds, types).
                    unsafe { s.load(addr as usize) }
                }
                ROp::Store(b, off, s, v) => {
                    let addr = get(&vals, b).wrapping_add(*off as i64 as u64);
                    // SAFETY: as for loads.
                    unsafe { s.store(addr as usize, get(&vals, v)) };
                    0
                }
                ROp::Nop | ROp::MergePoint(_) => 0,
                ROp::New(size, header) => crate::ir::alloc_object(crate::ir::AllocDescr {
                    size: *size,
                    header: *header,
                }) as u64,
                ROp::Call(d, args) => {
                    let words: Vec<u64> = args.iter().map(|a| get(&vals, a)).collect();
                    // SAFETY: the trampoline matches the recorded argument kinds.
                    unsafe { (d.func)(words.as_ptr()) }
                }
                ROp::Guard(k, v, s) => {
                    let x = get(&vals, v);
                    let ok = match k {
                        GuardKind::True => x != 0,
                        GuardKind::False => x == 0,
                        GuardKind::Value(c) => x == *c,
                        GuardKind::NoOverflow => !overflowed,
                        GuardKind::Overflow => overflowed,
                        GuardKind::NotInvalidated => true,
                        GuardKind::NotInterrupted => !crate::jit::interrupt::pending(),
                    };
                    if !ok || fail_guards {
                        return RunEnd::Exit(*s, vals);
                    }
                    0
                }
                ROp::Jump(args) => {
                    let new: Vec<u64> = args.iter().map(|a| get(&vals, a)).collect();
                    vals[..n_inputs].copy_from_slice(&new);
                    break;
                }
                ROp::Exit { snap, .. } => return RunEnd::Exit(*snap, vals),
                ROp::Finish(v) => return RunEnd::Finish(v.map_or(0, |v| get(&vals, &v))),
            };
            vals[i] = r;
            i += 1;
        }
    }
}
