//! Lowering of a recorded trace ([`RTrace`]) to the shared trace IR ([`crate::ir::Trace`]).
//!
//! The recorded trace is untyped at the word level (a pointer can flow into `int_add` when the
//! interpreter computes an element address); the IR is typed, so lowering inserts
//! `cast_ptr_to_int` / `cast_int_to_ptr` where a value's kind differs from what its user
//! expects, and turns constants into constants of the expected kind. Snapshots become IR frame
//! chains (one frame per jitcode frame, every register in order, dead ones as constant 0), so
//! a resumed frame's values are exactly its register file.

use super::jitcode::{BinOp, Effect, MemSize, UnOp};
use super::recorded::{GuardKind, ROp, RTrace, Snapshot, Val, PENDING_STORES};
use super::word::Kind as WKind;
use crate::ir::{CallDescr, Kind, MemDescr, OpRef, Opcode, SnapshotId, TargetToken, TraceBuilder};
use rustc_hash::FxHashMap as HashMap;

fn kind(k: WKind) -> Kind {
    match k {
        WKind::Int => Kind::Int,
        WKind::Float => Kind::Float,
        WKind::Ref => Kind::Ref,
        WKind::Void => Kind::Void,
    }
}

/// Where a trace starts and where its final jump goes.
pub struct LowerCtx<'a> {
    /// The label this trace defines after its inputs (loops), if any.
    pub own_label: Option<TargetToken>,
    /// The label of compiled code for a green key (for `Exit`).
    pub label_of: &'a dyn Fn(&[u64]) -> Option<TargetToken>,
    /// The trace's name (for messages).
    pub name: String,
    /// The printable guest position of a green key (the text of `debug_merge_point`).
    pub location: &'a dyn Fn(&[u64]) -> String,
}

struct L<'a> {
    b: TraceBuilder,
    map: Vec<OpRef>,
    /// Casts already emitted: (value, wanted kind) -> cast (pure, so reused by later users).
    casts: HashMap<(OpRef, Kind), OpRef>,
    rt: &'a RTrace,
}

impl L<'_> {
    fn val(&mut self, v: Val, want: Kind) -> OpRef {
        match v {
            Val::Const(_, w) => match want {
                Kind::Float => self.b.const_float(f64::from_bits(w)),
                Kind::Ref => self.b.const_ref(w as usize),
                _ => self.b.const_int(w as i64),
            },
            Val::Op(i) => {
                let r = self.map[i as usize];
                let have = self.b.kind(r);
                let opc = match (have, want) {
                    (Kind::Ref, Kind::Int) => Opcode::CastPtrToInt,
                    (Kind::Int, Kind::Ref) => Opcode::CastIntToPtr,
                    _ => return r,
                };
                if let Some(&c) = self.casts.get(&(r, want)) {
                    return c;
                }
                let c = self.b.op(opc, &[r]);
                self.casts.insert((r, want), c);
                c
            }
        }
    }
    /// A value as whatever kind it has (snapshots, jump arguments of matching kind).
    fn natural(&mut self, v: Val) -> OpRef {
        match v {
            Val::Const(k, _) => {
                let k = match kind(k) {
                    Kind::Void => Kind::Int,
                    k => k,
                };
                self.val(v, k)
            }
            Val::Op(i) => self.map[i as usize],
        }
    }
    fn snapshot(&mut self, s: &Snapshot) -> SnapshotId {
        let mut parent = None;
        if !s.stores.is_empty() {
            // pending stores ride in an extra outermost frame (see `PENDING_STORES`)
            let mut vals = Vec::with_capacity(4 * s.stores.len());
            for st in &s.stores {
                let base = self.natural(st.base);
                let off = self.b.const_int(st.offset as i64);
                let size = self.b.const_int(super::recorded::pending_size_word(
                    st.size,
                    super::recorded::remember_class(st.class),
                    st.class & super::codewriter::VABLE_CLASS != 0,
                    st.class & super::codewriter::VABLE_ITEM != 0,
                ) as i64);
                let v = self.natural(st.value);
                vals.extend([base, off, size, v]);
            }
            parent = Some(self.b.frame(None, PENDING_STORES, 0, &vals));
        }
        for f in &s.frames {
            let regs: Vec<u32> = f.regs.iter().map(|&(r, _)| u32::from(r)).collect();
            let vals: Vec<OpRef> = f.regs.iter().map(|&(_, v)| self.natural(v)).collect();
            parent = Some(
                self.b
                    .sparse_frame(parent, f.code, f.pc, f.nregs, &regs, &vals),
            );
        }
        self.b.snapshot(parent.expect("a snapshot has frames"))
    }
}

fn bin_opcode(op: BinOp) -> (Opcode, Kind) {
    use BinOp::*;
    match op {
        IntAdd => (Opcode::IntAdd, Kind::Int),
        IntSub => (Opcode::IntSub, Kind::Int),
        IntMul => (Opcode::IntMul, Kind::Int),
        IntAnd => (Opcode::IntAnd, Kind::Int),
        IntOr => (Opcode::IntOr, Kind::Int),
        IntXor => (Opcode::IntXor, Kind::Int),
        IntEq => (Opcode::IntEq, Kind::Int),
        IntNe => (Opcode::IntNe, Kind::Int),
        IntLt => (Opcode::IntLt, Kind::Int),
        IntLe => (Opcode::IntLe, Kind::Int),
        IntGt => (Opcode::IntGt, Kind::Int),
        IntGe => (Opcode::IntGe, Kind::Int),
        UintLt => (Opcode::UintLt, Kind::Int),
        UintLe => (Opcode::UintLe, Kind::Int),
        UintGt => (Opcode::UintGt, Kind::Int),
        UintGe => (Opcode::UintGe, Kind::Int),
        IntDiv => (Opcode::IntDiv, Kind::Int),
        IntMod => (Opcode::IntMod, Kind::Int),
        IntLshift => (Opcode::IntLshift, Kind::Int),
        IntRshift => (Opcode::IntRshift, Kind::Int),
        UintRshift => (Opcode::UintRshift, Kind::Int),
        FloatAdd => (Opcode::FloatAdd, Kind::Float),
        FloatSub => (Opcode::FloatSub, Kind::Float),
        FloatMul => (Opcode::FloatMul, Kind::Float),
        FloatDiv => (Opcode::FloatTrueDiv, Kind::Float),
        FloatEq => (Opcode::FloatEq, Kind::Float),
        FloatNe => (Opcode::FloatNe, Kind::Float),
        FloatLt => (Opcode::FloatLt, Kind::Float),
        FloatLe => (Opcode::FloatLe, Kind::Float),
        FloatGt => (Opcode::FloatGt, Kind::Float),
        FloatGe => (Opcode::FloatGe, Kind::Float),
    }
}

fn mem(size: MemSize, k: Kind) -> MemDescr {
    match (size, k) {
        (_, Kind::Ref) => MemDescr::REF,
        (MemSize::F64, _) | (_, Kind::Float) => MemDescr::F64,
        (MemSize::U8, _) => MemDescr::int(1, false),
        (MemSize::I8, _) => MemDescr::int(1, true),
        (MemSize::U16, _) => MemDescr::int(2, false),
        (MemSize::I16, _) => MemDescr::int(2, true),
        (MemSize::U32, _) => MemDescr::int(4, false),
        (MemSize::I32, _) => MemDescr::int(4, true),
        (MemSize::W64, _) => MemDescr::I64,
    }
}

/// Lowers `rt`. Fails (with a reason for the abort log) if an `Exit` targets a key without
/// compiled code.
pub fn lower(rt: &RTrace, cx: &LowerCtx) -> Result<crate::ir::Trace, String> {
    let mut l = L {
        b: TraceBuilder::new(),
        map: Vec::with_capacity(rt.ops.len()),
        casts: HashMap::default(),
        rt,
    };
    let mut inputs = Vec::new();
    for op in &rt.ops {
        let r = match op {
            ROp::Input(k, _) => {
                let r = l.b.input(kind(*k));
                inputs.push(r);
                r
            }
            _ => break,
        };
        l.map.push(r);
    }
    if let Some(t) = cx.own_label {
        l.b.label(&inputs, t);
    }
    let _ = l.rt;
    let vable: HashMap<u32, bool> = rt.vable.iter().copied().collect();
    let classes: HashMap<u32, u32> = rt.classes.iter().copied().collect();
    for (pos, op) in rt.ops.iter().enumerate().skip(inputs.len()) {
        let item = vable.get(&(pos as u32)).copied();
        let class = classes.get(&(pos as u32)).copied().unwrap_or(0);
        let r = match op {
            ROp::Input(..) => return Err("input after the start of the trace".into()),
            ROp::Bin(op, a, b) => {
                let (opc, k) = bin_opcode(*op);
                let a = l.val(*a, k);
                let b = l.val(*b, k);
                l.b.op(opc, &[a, b])
            }
            ROp::Ovf(op, a, b) => {
                let opc = match op {
                    BinOp::IntAdd => Opcode::IntAddOvf,
                    BinOp::IntSub => Opcode::IntSubOvf,
                    _ => Opcode::IntMulOvf,
                };
                let a = l.val(*a, Kind::Int);
                let b = l.val(*b, Kind::Int);
                l.b.op(opc, &[a, b])
            }
            ROp::Un(op, a) => match op {
                UnOp::IntNeg => {
                    let a = l.val(*a, Kind::Int);
                    l.b.op(Opcode::IntNeg, &[a])
                }
                UnOp::IntInvert => {
                    let a = l.val(*a, Kind::Int);
                    l.b.op(Opcode::IntInvert, &[a])
                }
                UnOp::FloatNeg => {
                    let a = l.val(*a, Kind::Float);
                    l.b.op(Opcode::FloatNeg, &[a])
                }
                UnOp::IntToFloat => {
                    let a = l.val(*a, Kind::Int);
                    l.b.op(Opcode::CastIntToFloat, &[a])
                }
                UnOp::Norm { bits, signed } => {
                    let a = l.val(*a, Kind::Int);
                    if *signed {
                        // (x << (64 - b)) >> (64 - b), arithmetic
                        let sh = l.b.const_int(64 - *bits as i64);
                        let t = l.b.op(Opcode::IntLshift, &[a, sh]);
                        l.b.op(Opcode::IntRshift, &[t, sh])
                    } else {
                        let mask = l.b.const_int(((1u64 << *bits) - 1) as i64);
                        l.b.op(Opcode::IntAnd, &[a, mask])
                    }
                }
            },
            ROp::Load(base, off, size, k) => {
                let base = l.val(*base, Kind::Ref);
                l.b.load(
                    base,
                    *off as i64,
                    mem(*size, kind(*k))
                        .in_vable(item.is_some(), item == Some(true))
                        .with_class(class),
                )
            }
            ROp::Store(base, off, size, v) => {
                let base = l.val(*base, Kind::Ref);
                let vk = match v {
                    Val::Const(k, _) => kind(*k),
                    Val::Op(i) => l.b.kind(l.map[*i as usize]),
                };
                let vk = if vk == Kind::Void { Kind::Int } else { vk };
                let v = l.val(*v, vk);
                l.b.store(
                    base,
                    *off as i64,
                    v,
                    mem(*size, vk)
                        .in_vable(item.is_some(), item == Some(true))
                        .with_class(class),
                )
            }
            ROp::Nop => l.b.const_int(0),
            ROp::New(size, header) => l.b.new_object(crate::ir::AllocDescr {
                size: *size,
                header: *header,
            }),
            ROp::Call(d, args) => {
                let kinds: Vec<Kind> = d.arg_kinds.iter().map(|k| kind(*k)).collect();
                let a: Vec<OpRef> = args
                    .iter()
                    .zip(&kinds)
                    .map(|(v, k)| l.val(*v, *k))
                    .collect();
                let mut cd = CallDescr::new(&kinds, kind(d.ret_kind), d.name);
                cd.readonly = matches!(d.effect, Effect::ReadOnly | Effect::NoMemory);
                l.b.call(d.abi, &a, cd, d.effect == Effect::Elidable)
            }
            ROp::Guard(g, v, s) => {
                let snap = l.snapshot(&rt.snapshots[*s as usize]);
                match g {
                    GuardKind::True => {
                        let v = l.val(*v, Kind::Int);
                        l.b.guard(Opcode::GuardTrue, &[v], snap)
                    }
                    GuardKind::False => {
                        let v = l.val(*v, Kind::Int);
                        l.b.guard(Opcode::GuardFalse, &[v], snap)
                    }
                    GuardKind::NoOverflow => l.b.guard(Opcode::GuardNoOverflow, &[], snap),
                    GuardKind::Overflow => l.b.guard(Opcode::GuardOverflow, &[], snap),
                    GuardKind::NotInvalidated => l.b.guard(Opcode::GuardNotInvalidated, &[], snap),
                    GuardKind::NotInterrupted => l.b.guard(Opcode::GuardNotInterrupted, &[], snap),
                    GuardKind::Value(c) => {
                        let a = l.natural(*v);
                        let k = l.b.kind(a);
                        let c = l.val(Val::Const(WKind::Int, *c), k);
                        l.b.guard(Opcode::GuardValue, &[a, c], snap)
                    }
                }
            }
            ROp::Jump(args) => {
                let t = cx.own_label.ok_or("a loop trace without a label")?;
                let a: Vec<OpRef> = args
                    .iter()
                    .zip(&inputs)
                    .map(|(v, inp)| {
                        let k = l.b.kind(*inp);
                        l.val(*v, k)
                    })
                    .collect();
                l.b.jump(&a, t)
            }
            ROp::Finish(v) => {
                let a: Vec<OpRef> = v.iter().map(|v| l.natural(*v)).collect();
                l.b.finish(&a)
            }
            ROp::MergePoint(key) => {
                let consts: Vec<OpRef> = key.iter().map(|w| l.b.const_int(*w as i64)).collect();
                let text = (cx.location)(key);
                l.b.debug_merge_point(&consts, &text)
            }
            ROp::Exit { key, args, .. } => {
                let t = (cx.label_of)(key)
                    .ok_or_else(|| format!("no compiled code for key {key:?}"))?;
                let a: Vec<OpRef> = args.iter().map(|v| l.natural(*v)).collect();
                l.b.jump(&a, t)
            }
        };
        l.map.push(r);
    }
    let _ = &cx.name;
    Ok(l.b.build())
}

#[cfg(test)]
mod tests {
    use super::super::recorded::{PendingStore, SnapFrame};
    use super::*;

    fn no_code(_: &[u64]) -> Option<TargetToken> {
        None
    }

    fn lowered(rt: &RTrace, own: bool, label_of: &dyn Fn(&[u64]) -> Option<TargetToken>) -> String {
        let cx = LowerCtx {
            own_label: own.then(TargetToken::fresh),
            label_of,
            name: "test".into(),
            location: &|_| String::new(),
        };
        let t = lower(rt, &cx).expect("lowers");
        crate::ir::verify(&t).expect("the lowered trace verifies");
        crate::ir::print(&t)
    }

    #[test]
    fn kinds_are_bridged_with_casts_that_are_shared() {
        // v0: a pointer; v1 = v0 + 8 (address arithmetic on a pointer), twice used as a base
        let rt = RTrace {
            deps: Vec::new(),
            quasi: Vec::new(),
            roots: Default::default(),
            vable: Vec::new(),
            classes: Vec::new(),
            ops: vec![
                ROp::Input(WKind::Ref, 0),
                ROp::Bin(BinOp::IntAdd, Val::Op(0), Val::Const(WKind::Int, 8)),
                ROp::Bin(BinOp::IntAdd, Val::Op(0), Val::Const(WKind::Int, 16)),
                ROp::Load(Val::Op(1), 0, MemSize::W64, WKind::Int),
                ROp::Load(Val::Op(1), 8, MemSize::U8, WKind::Int),
                ROp::Jump(vec![Val::Op(0)]),
            ],
            snapshots: vec![],
        };
        let text = lowered(&rt, true, &no_code);
        assert_eq!(text.matches("cast_ptr_to_int(p0)").count(), 1, "{text}");
        assert_eq!(text.matches("cast_int_to_ptr(").count(), 1, "{text}");
        assert!(text.contains("descr=u8"), "{text}");
        assert!(text.contains("jump(p0"), "{text}");
    }

    #[test]
    fn narrow_integers_are_renormalized() {
        let rt = RTrace {
            deps: Vec::new(),
            quasi: Vec::new(),
            roots: Default::default(),
            vable: Vec::new(),
            classes: Vec::new(),
            ops: vec![
                ROp::Input(WKind::Int, 0),
                ROp::Un(
                    UnOp::Norm {
                        bits: 8,
                        signed: true,
                    },
                    Val::Op(0),
                ),
                ROp::Un(
                    UnOp::Norm {
                        bits: 16,
                        signed: false,
                    },
                    Val::Op(1),
                ),
                ROp::Jump(vec![Val::Op(2)]),
            ],
            snapshots: vec![],
        };
        let text = lowered(&rt, true, &no_code);
        assert!(text.contains("int_lshift(i0, 56)"), "{text}");
        assert!(text.contains("int_rshift("), "{text}");
        assert!(
            text.contains("int_and(") && text.contains("65535"),
            "{text}"
        );
    }

    #[test]
    fn snapshots_become_frame_chains_with_pending_stores_outermost() {
        let rt = RTrace {
            deps: Vec::new(),
            quasi: Vec::new(),
            roots: Default::default(),
            vable: Vec::new(),
            classes: Vec::new(),
            ops: vec![
                ROp::Input(WKind::Ref, 0),
                ROp::Input(WKind::Int, 1),
                ROp::Bin(BinOp::IntLt, Val::Op(1), Val::Const(WKind::Int, 10)),
                ROp::Guard(GuardKind::True, Val::Op(2), 0),
                ROp::Store(Val::Op(0), 8, MemSize::W64, Val::Op(1)),
                ROp::Jump(vec![Val::Op(0), Val::Op(1)]),
            ],
            snapshots: vec![Snapshot {
                frames: vec![
                    SnapFrame::dense(0, 5, vec![Val::Op(0), Val::Const(WKind::Int, 0)]),
                    SnapFrame::dense(3, 2, vec![Val::Op(1)]),
                ],
                stores: vec![PendingStore {
                    base: Val::Op(0),
                    offset: 8,
                    size: MemSize::W64,
                    value: Val::Op(1),
                    class: 0,
                }],
            }],
        };
        let cx = LowerCtx {
            own_label: Some(TargetToken::fresh()),
            label_of: &no_code,
            name: "t".into(),
            location: &|_| String::new(),
        };
        let t = lower(&rt, &cx).unwrap();
        let g = t.guards()[0];
        let s = t.op(g).snapshot().expect("guard snapshot");
        let frames: Vec<(u32, u32, usize)> = t
            .snapshot_frames(s)
            .into_iter()
            .map(|f| (t.frame(f).jitcode, t.frame(f).pc, t.frame_values(f).len()))
            .collect();
        assert_eq!(frames, [(PENDING_STORES, 0, 4), (0, 5, 2), (3, 2, 1)]);
        let pending = t.snapshot_frames(s)[0];
        let vals: Vec<Option<i64>> = t
            .frame_values(pending)
            .iter()
            .map(|v| t.const_value(*v).and_then(|c| c.as_int()))
            .collect();
        // base (an op), offset 8, size code of W64, value (an op)
        assert_eq!(
            vals,
            [None, Some(8), Some(MemSize::W64.code() as i64), None]
        );
    }

    #[test]
    fn exits_jump_to_compiled_keys_and_fail_without_one() {
        let rt = RTrace {
            deps: Vec::new(),
            quasi: Vec::new(),
            roots: Default::default(),
            vable: Vec::new(),
            classes: Vec::new(),
            ops: vec![
                ROp::Input(WKind::Int, 0),
                ROp::Exit {
                    snap: 0,
                    key: vec![7],
                    args: vec![Val::Op(0)],
                },
            ],
            snapshots: vec![Snapshot {
                frames: vec![SnapFrame::dense(0, 0, vec![Val::Op(0)])],
                stores: vec![],
            }],
        };
        let cx = LowerCtx {
            own_label: None,
            label_of: &no_code,
            name: "t".into(),
            location: &|_| String::new(),
        };
        let err = lower(&rt, &cx).unwrap_err();
        assert!(err.contains("no compiled code for key [7]"), "{err}");
        let tok = TargetToken::fresh();
        let known = move |k: &[u64]| (k == [7]).then_some(tok);
        let text = lowered(&rt, false, &known);
        assert!(text.contains("jump(i0"), "{text}");
        // a loop trace needs its own label
        let rt = RTrace {
            deps: Vec::new(),
            quasi: Vec::new(),
            roots: Default::default(),
            vable: Vec::new(),
            classes: Vec::new(),
            ops: vec![ROp::Input(WKind::Int, 0), ROp::Jump(vec![Val::Op(0)])],
            snapshots: vec![],
        };
        assert!(lower(&rt, &cx).unwrap_err().contains("without a label"));
    }
}
