//! `vable`: keeps the places of a virtualizable frame in registers across loop iterations.
//! A step of [`super::unroll`], run on the straight line `preamble  marker  B2` after the
//! passes and before the loop is closed.
//!
//! The tracer already holds stores back until something may read them (lazy stores, carried
//! by guard snapshots) and the passes forward loads, so inside `B2` (the future loop body) a
//! frame field is never loaded; what is left is one store per field per iteration, just
//! before the `jump`. A store to a place marked `vable` (lowered from a `#[virtualizable]`
//! struct, `MemDescr::vable`) is removed from `B2` when nothing in `B2` can read the place:
//!
//! * only the stores after `B2`'s last call (other than write barriers, which read no
//!   program memory, and elidable calls, which by their contract read no mutable memory and
//!   neither panic nor fail, `docs/jit-subset.md`; `wbarrier` later drops the barriers of
//!   the stores sunk here) go: a residual call may read and write the frame. When `B2` has
//!   such calls, the place must also be stored
//!   before the first one (that store stays, so memory is up to date for every call: the
//!   tracer writes back exactly the slots the iteration changed before a call, and reloads
//!   after a call what the iteration reads);
//! * no load that may alias the place is left where memory may be older than the place's
//!   value, i.e. before its store ahead of the first call (everywhere, without calls) and
//!   after its first removed store (a `vable` load at the same base whose bytes overlap, or
//!   at another base with the same access type); loads and stores outside the frame never
//!   touch it (the frame's memory is reached only through the frame: the
//!   `#[virtualizable]` promise);
//! * the place is the same in every iteration: its base is a constant or a preamble value
//!   that is loop-invariant (its next-iteration value is itself);
//! * no other store in `B2` overlaps it at the same base, or is a frame store with its
//!   access type at another base (which may be the same memory: two loads of the pointer to
//!   the frame's array);
//! * the preamble stores the place too (the same base, offset and type): that store's value
//!   `v1` is the place's value when an iteration starts.
//!
//! Every guard of `B2` where memory may be older than the place then gets the place's
//! current value as a pending store (the
//! `PENDING_STORES` frame of `jit::recorded`), in front of the pending stores the tracer
//! gave it: `v1`, a preamble value, which closing the loop turns into a loop argument
//! meaning "as of the previous iteration"; a guard after the interpreter's own store already
//! lists the newer value later in the same frame, and later entries win. A failing guard
//! performs the pending stores before the interpreter resumes, so the frame is exactly the
//! interpreter's; bridges start from those stores and jump to the preamble, which reads the
//! frame from memory again. The preamble keeps its stores, so a loop entered and left at its
//! first guard still writes the frame.
//!
//! ```text
//! # before (straight line)                  # after
//! i5 = load_i(p0, 16, descr=vable_i64)       i5 = load_i(p0, 16, descr=vable_i64)
//! i6 = int_add(i5, 1)                        i6 = int_add(i5, 1)
//! store_i(p0, 16, i6, descr=vable_i64)       store_i(p0, 16, i6, descr=vable_i64)
//! debug_merge_point("unroll: peeled loop")   debug_merge_point("unroll: peeled loop")
//! i9 = int_add(i6, 1)                        i9 = int_add(i6, 1)
//! guard_true(i10) [0@3: p0]                  guard_true(i10) [4294967295@0: p0, 16, 6, i6; 0@3: p0]
//! store_i(p0, 16, i9, descr=vable_i64)       (removed)
//! jump(p0)                                   jump(p0)
//! ```

use super::{run_pass_mapped, Action, Ctx, OptError, Pass, PendingOp};
use crate::ir::{MemDescr, MemType, OpFlags, OpRef, Trace, Value};
use crate::jit::jitcode::MemSize;
use crate::jit::recorded::PENDING_STORES;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// The rewritten trace, where each op of the input went (`None`: removed), and the places
/// whose stores were removed.
type Sunk = (Trace, Vec<Option<OpRef>>, Vec<SunkPlace>);

/// The base of a place [`sink`] moved into the guards: a preamble op (same position in the
/// input and the output) or a constant.
#[derive(Copy, Clone, PartialEq, Debug)]
pub enum Base {
    /// The op at this position.
    Op(usize),
    /// A constant.
    Const(Value),
}

/// A place whose stores [`sink`] removed from the loop body: base, offset, access type.
#[derive(Copy, Clone, PartialEq, Debug)]
pub struct SunkPlace {
    /// The place's base.
    pub base: Base,
    /// Its offset.
    pub off: i64,
    /// Its access type (unscaled).
    pub descr: MemDescr,
}

/// A plain store's or load's place: base, offset, access type.
type PlaceKey = (OpRef, i64, MemDescr);

/// The size word a pending store of this access carries (`jit::recorded::pending_size_word`:
/// the size code, the alias class and the virtualizable marks).
pub(super) fn size_code(m: MemDescr) -> u64 {
    let s = match m.ty {
        MemType::F64 => MemSize::F64,
        MemType::Ref => MemSize::W64,
        MemType::Int { size, signed } => match (size, signed) {
            (1, false) => MemSize::U8,
            (1, true) => MemSize::I8,
            (2, false) => MemSize::U16,
            (2, true) => MemSize::I16,
            (4, false) => MemSize::U32,
            (4, true) => MemSize::I32,
            _ => MemSize::W64,
        },
    };
    crate::jit::recorded::pending_size_word(s, m.class, m.vable, m.item)
}

/// The place of plain load or store `i` (not indexed), if it is one.
fn place(t: &Trace, i: usize) -> Option<PlaceKey> {
    let op = t.op(i);
    let f = op.opcode.flags();
    if f.contains(OpFlags::INDEXED) || !(f.contains(OpFlags::LOAD) || f.contains(OpFlags::STORE)) {
        return None;
    }
    let m = t.mem_descr(i)?;
    let args = t.args(i);
    let off = t.const_value(args[1])?.as_int()?;
    Some((args[0], off, m.scaled(0)))
}

/// Whether `f` is the result of a `new` in `t` and `b` existed before it (a constant or an
/// earlier op): then `b` cannot point into the object `f` allocates.
fn fresh_and_newer(t: &Trace, f: OpRef, b: OpRef) -> bool {
    let Some(q) = f.as_op() else { return false };
    t.op(q).opcode == crate::ir::Opcode::New
        && (b.as_const().is_some() || b.as_op().is_some_and(|x| x < q))
}

fn overlaps(a: &PlaceKey, b: &PlaceKey) -> bool {
    let (lo, hi) = (a.1, a.1 + a.2.ty.size() as i64);
    let (blo, bhi) = (b.1, b.1 + b.2.ty.size() as i64);
    lo < bhi && blo < hi
}

/// Sinks the frame stores of `B2` (ops after position `marker`, up to the final `jump`) into
/// the snapshots of `B2`'s guards (see the module doc). `invariant(r)` says whether preamble
/// value `r` is the same in every iteration. Returns the new trace, where each op went and
/// the places sunk, or `None` when nothing can be sunk.
pub fn sink(
    t: &Trace,
    marker: usize,
    invariant: &dyn Fn(OpRef) -> bool,
) -> Result<Option<Sunk>, OptError> {
    let end = t.len() - 1;
    let body = marker + 1..end;
    // residual calls (not write barriers) may read and write the frame; an elidable call
    // (`call_pure_*`) reads no mutable memory and never unwinds (its contract), so the
    // frame's places stay in registers across it (nbody's `d2 ** 0.5`)
    let calls: Vec<usize> = body
        .clone()
        .filter(|&i| {
            let opc = t.op(i).opcode;
            opc.flags().contains(OpFlags::CALL)
                && !opc.is_pure()
                && !super::wbarrier::is_barrier(t, i)
        })
        .collect();
    let (c_first, c_last) = match (calls.first(), calls.last()) {
        (Some(&a), Some(&b)) => (a, b),
        _ => (end, marker),
    };
    let mut stores: Vec<(usize, PlaceKey)> = Vec::new();
    let mut loads: Vec<(usize, PlaceKey)> = Vec::new();
    let mut other_stores: Vec<PlaceKey> = Vec::new();
    for i in body.clone() {
        let f = t.op(i).opcode.flags();
        let p = place(t, i);
        if f.contains(OpFlags::STORE) {
            match p {
                Some(p) if p.2.vable => stores.push((i, p)),
                Some(p) => other_stores.push(p),
                None => {}
            }
        } else if f.contains(OpFlags::LOAD) {
            if let Some(p) = p.filter(|p| p.2.vable) {
                loads.push((i, p));
            } else if t.mem_descr(i).is_some_and(|m| m.vable) {
                return Ok(None); // an indexed frame load: it may read any slot
            }
        }
    }
    // candidate places, each with the value its last preamble store wrote
    let mut sunk: Vec<(PlaceKey, OpRef)> = Vec::new();
    // the body's stores of the sunk places that stay (before its last call), with the place
    let mut kept: HashMap<usize, usize> = HashMap::default();
    let mut removed: HashMap<usize, usize> = HashMap::default();
    let mut seen: HashSet<PlaceKey> = HashSet::default();
    for &(_, p) in &stores {
        if !seen.insert(p) {
            continue;
        }
        let inv = t.const_value(p.0).is_some()
            || (p.0.as_op().is_some_and(|q| q < marker) && invariant(p.0));
        if !inv {
            continue;
        }
        // an object the trace allocates (`new`) and a place whose base existed before it
        // never overlap (as in the `heap` pass)
        let apart =
            |a: OpRef, b: OpRef| a != b && (fresh_and_newer(t, a, b) || fresh_and_newer(t, b, a));
        let mine: Vec<usize> = stores.iter().filter(|s| s.1 == p).map(|s| s.0).collect();
        // the stores removed: after the last call; with calls, the place must be stored
        // before the first one too (memory is then up to date for every call)
        let first_removed = mine.iter().copied().find(|&i| i > c_last);
        let first_kept = mine
            .first()
            .copied()
            .filter(|&i| !calls.is_empty() && i < c_first);
        let Some(first_removed) = first_removed else {
            continue;
        };
        if !calls.is_empty() && first_kept.is_none() {
            continue;
        }
        // where memory may be older than the place's value: up to its first store before
        // the first call, and from its first removed store on
        let dirty = |i: usize| i < first_kept.unwrap_or(end) || i > first_removed;
        let read = loads.iter().filter(|l| dirty(l.0)).any(|(_, l)| {
            if l.2.vable_disjoint(p.2) || apart(l.0, p.0) {
                false // a frame field and an element of the frame's array
            } else if l.0 == p.0 {
                overlaps(l, &p)
            } else {
                l.2.ty == p.2.ty && !l.2.classes_disjoint(p.2)
            }
        });
        // a store at another base may write the same memory when its type matches (the
        // frame's array behind a pointer may be reached through two loads of the pointer)
        // (a store outside the frame, at another base, never writes it: the promise again)
        let clash = stores.iter().map(|s| &s.1).any(|s| {
            *s != p
                && !apart(s.0, p.0)
                && if s.0 == p.0 {
                    overlaps(s, &p)
                } else {
                    !s.2.vable_disjoint(p.2) && !s.2.classes_disjoint(p.2) && s.2.ty == p.2.ty
                }
        }) || other_stores.iter().any(|s| s.0 == p.0 && overlaps(s, &p));
        if read || clash {
            continue;
        }
        let v1 = (0..marker)
            .rev()
            .find(|&i| t.op(i).opcode.flags().contains(OpFlags::STORE) && place(t, i) == Some(p))
            .map(|i| t.args(i)[2]);
        if let Some(v1) = v1 {
            let k = sunk.len();
            sunk.push((p, v1));
            for &i in &mine {
                if i > c_last {
                    removed.insert(i, k);
                } else {
                    kept.insert(i, k);
                }
            }
        }
    }
    if sunk.is_empty() {
        return Ok(None);
    }
    // the pending-store words per sunk place: base, offset, size word, value
    let word = |r: OpRef| match t.const_value(r) {
        Some(c) => Word::Const(c),
        None => Word::Op(r),
    };
    let words = sunk
        .iter()
        .flat_map(|&((base, off, m), v1)| {
            [
                word(base),
                Word::Const(Value::Int(off)),
                Word::Const(Value::Int(size_code(m) as i64)),
                word(v1),
            ]
        })
        .collect();
    let places = sunk
        .iter()
        .map(|&((base, off, descr), _)| SunkPlace {
            base: match t.const_value(base) {
                Some(c) => Base::Const(c),
                None => Base::Op(base.as_op().expect("an op or a constant")),
            },
            off,
            descr,
        })
        .collect();
    let dirty = vec![true; sunk.len()];
    let mut pass = Sink {
        pos: t.num_inputs(),
        marker,
        removed,
        kept,
        words,
        entries: None,
        dirty,
    };
    run_pass_mapped(t, &mut pass).map(|(t, map)| Some((t, map, places)))
}

/// A pending-store word: a constant, or a preamble op (preamble ops keep their positions).
#[derive(Clone, Copy)]
enum Word {
    Const(Value),
    Op(OpRef),
}

struct Sink {
    pos: usize,
    marker: usize,
    /// Removed store position -> index of its place.
    removed: HashMap<usize, usize>,
    /// Kept store (of a sunk place, before the body's last call) -> index of its place.
    kept: HashMap<usize, usize>,
    /// Per place: memory may be older than its value (guards list it).
    dirty: Vec<bool>,
    words: Vec<Word>,
    /// The pending-store words (4 per sunk place) in the output trace, each place's value
    /// being its current one: the previous iteration's at the start of `B2`, then the value
    /// of the last removed store to it (a guard after a store the tracer had already
    /// recorded, for instance before a load it could not rule out, does not list the place).
    entries: Option<Vec<OpRef>>,
}

impl Sink {
    fn entries(&mut self, ctx: &mut Ctx<'_>) -> &mut Vec<OpRef> {
        self.entries.get_or_insert_with(|| {
            self.words
                .iter()
                .map(|w| match *w {
                    Word::Const(c) => ctx.constant(c),
                    Word::Op(r) => r,
                })
                .collect()
        })
    }
}

impl Pass for Sink {
    fn name(&self) -> &'static str {
        "unroll"
    }
    fn feed(&mut self, ctx: &mut Ctx<'_>, op: &mut PendingOp) -> Action {
        let pos = self.pos;
        self.pos += 1;
        if pos <= self.marker {
            return Action::Emit; // the preamble is copied position for position
        }
        if let Some(&k) = self.removed.get(&pos) {
            let value = *op.args.last().expect("a store has a value");
            self.entries(ctx)[4 * k + 3] = value;
            self.dirty[k] = true;
            return Action::Remove;
        }
        if let Some(&k) = self.kept.get(&pos) {
            // memory is up to date from here (a call may change it: guards read it then)
            self.dirty[k] = false;
            return Action::Emit;
        }
        if let Some(s) = op.snapshot {
            let dirty = self.dirty.clone();
            let entries: Vec<OpRef> = self
                .entries(ctx)
                .chunks_exact(4)
                .zip(dirty)
                .filter(|(_, d)| *d)
                .flat_map(|(e, _)| e.iter().copied())
                .collect();
            // a place the guard already lists (the interpreter stored it before the guard,
            // after any removed store) needs no older value
            let listed = ctx.outer_frame_values(s, PENDING_STORES);
            let fresh: Vec<OpRef> = entries
                .chunks_exact(4)
                .filter(|e| !listed.chunks_exact(4).any(|l| l[..3] == e[..3]))
                .flatten()
                .copied()
                .collect();
            if !fresh.is_empty() {
                op.snapshot = Some(ctx.snapshot_with_outer(s, PENDING_STORES, &fresh));
            }
        }
        Action::Emit
    }
}
