//! The trace verifier: checks every structural rule of the IR and returns *all* violations,
//! each with the op position and the op's text.
//!
//! Rules: inputs first; SSA (each operand is a constant or an earlier, non-void op); arity
//! and argument kinds from the op table; descriptors of the right sort (memory ops: a memory
//! descr matching the op's kind, a constant offset, a stride for indexed ops; calls: a call
//! descr matching the arguments, a constant function address, register-only argument counts;
//! label/jump: a target; a jump to a label of the same trace passes matching values); guards
//! and only guards carry a snapshot whose values are defined before the guard; overflow guards
//! directly follow an `*_ovf` op and every `*_ovf` op is followed by one; the trace ends with
//! exactly one final op (`jump`/`finish`). Labels take distinct values (no constants), and
//! after a label, ops and snapshots use only that label's arguments, values defined after it,
//! and constants: everything a loop iteration needs flows through the label, which is what
//! lets a bridge (or another trace) enter the loop by jumping to it.

use super::entity::OpRef;
use super::ops::{Arity, Kind, OpFlags, Opcode};
use super::text::op_to_string;
use super::trace::{CallDescr, Descr, MemType, Trace};
use std::fmt;

/// One verifier error.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct VerifierError {
    /// The op position (None for whole-trace problems).
    pub pos: Option<usize>,
    /// The op's text (empty for whole-trace problems).
    pub op_text: String,
    /// What is wrong.
    pub msg: String,
}

/// All errors found in one trace.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct VerifierErrors(pub Vec<VerifierError>);

impl fmt::Display for VerifierErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.0 {
            match e.pos {
                Some(p) => writeln!(f, "op {p} `{}`: {}", e.op_text, e.msg)?,
                None => writeln!(f, "trace: {}", e.msg)?,
            }
        }
        Ok(())
    }
}

impl std::error::Error for VerifierErrors {}

struct V<'a> {
    t: &'a Trace,
    errs: Vec<VerifierError>,
}

impl V<'_> {
    fn err(&mut self, pos: usize, msg: String) {
        let op_text = op_to_string(self.t, pos);
        self.errs.push(VerifierError {
            pos: Some(pos),
            op_text,
            msg,
        });
    }

    /// Check that operand `r` is usable at position `pos`; returns its kind. `what` names the
    /// operand in an error (formatted only then: the verifier runs on every trace the backend
    /// compiles, and formatting a name per operand was most of its time).
    fn operand(&mut self, pos: usize, r: OpRef, what: &dyn std::fmt::Display) -> Kind {
        if r.is_virt() {
            self.err(
                pos,
                format!("{what} names a virtual object (only snapshots may)"),
            );
            return Kind::Void;
        }
        match r.as_op() {
            Some(i) => {
                if i >= pos {
                    self.err(pos, format!("{what} uses v{i} before its definition"));
                    return Kind::Void;
                }
                let k = self.t.op(i).kind();
                if k == Kind::Void {
                    self.err(pos, format!("{what} uses the result of void op {i}"));
                }
                k
            }
            None => {
                let c = r.as_const().map_or(usize::MAX, |c| c.index());
                if c >= self.t.consts().len() {
                    self.err(pos, format!("{what} names missing constant c{c}"));
                    return Kind::Void;
                }
                self.t.consts()[c].kind()
            }
        }
    }
}

/// Verify a trace; `Err` lists every problem found.
pub fn verify(t: &Trace) -> Result<(), VerifierErrors> {
    let mut v = V {
        t,
        errs: Vec::new(),
    };
    let n = t.len();
    let ninputs = t.num_inputs();
    if n == ninputs {
        v.errs.push(VerifierError {
            pos: None,
            op_text: String::new(),
            msg: "trace has no ops".into(),
        });
    }
    // the innermost label so far: (position, its args)
    let mut scope: Option<(usize, Vec<OpRef>)> = None;
    // Snapshot frames whose values were checked already: guards share their callers' frames,
    // and a value defined before an earlier guard is defined before every later one.
    let mut frame_checked = vec![false; t.frames().len()];
    for i in 0..n {
        let op = *t.op(i);
        let opc = op.opcode;
        let flags = opc.flags();
        let args = t.args(i).to_vec();
        if let Some((lp, largs)) = &scope {
            let mut used: Vec<OpRef> = args.clone();
            if let Some(s) = op.snapshot().filter(|s| s.index() < t.snapshots().len()) {
                for f in t.snapshot_frames(s).into_iter().take(t.frames().len()) {
                    used.extend(t.flat_values(t.frame_values(f)));
                }
            }
            for r in used {
                if let Some(k) = r.as_op() {
                    if k < *lp && !largs.contains(&r) {
                        let name = crate::ir::operand(t, r);
                        v.err(i, format!("uses {name}, defined before the label at op {lp} but not one of its arguments"));
                    }
                }
            }
        }
        if opc == Opcode::Label {
            let mut distinct: Vec<OpRef> = Vec::new();
            for &a in &args {
                if a.is_const() {
                    v.err(i, "label arguments must be values, not constants".into());
                } else if distinct.contains(&a) {
                    v.err(
                        i,
                        format!("{} is passed to the label twice", crate::ir::operand(t, a)),
                    );
                } else {
                    distinct.push(a);
                }
            }
            scope = Some((i, args.clone()));
        }
        if flags.contains(OpFlags::INPUT) && i >= ninputs {
            v.err(i, "inputs must come before all other ops".into());
        }
        // arity
        match opc.arity() {
            Arity::Fixed(k) if args.len() != k => v.err(
                i,
                format!("{} takes {k} argument(s), has {}", opc.name(), args.len()),
            ),
            Arity::AtLeast(k) if args.len() < k => v.err(
                i,
                format!(
                    "{} takes at least {k} argument(s), has {}",
                    opc.name(),
                    args.len()
                ),
            ),
            _ => {}
        }
        // operands and kinds
        let mut kinds = Vec::with_capacity(args.len());
        for (j, &a) in args.iter().enumerate() {
            let k = v.operand(i, a, &format_args!("argument {j}"));
            kinds.push(k);
            if let Some(want) = opc.arg_kind(j) {
                if k != Kind::Void && k != want {
                    v.err(i, format!("argument {j} must be {want:?}, is {k:?}"));
                }
            }
        }
        if opc == Opcode::GuardValue && kinds.len() == 2 && kinds[0] != kinds[1] {
            v.err(
                i,
                format!(
                    "guard_value compares a {:?} with a {:?}",
                    kinds[0], kinds[1]
                ),
            );
        }
        // descriptors
        let descr = op.descr().map(|d| t.descrs().get(d.index()));
        if let Some(None) = descr {
            v.err(i, "descr index out of range".into());
        }
        let descr = descr.flatten();
        if opc.needs_mem_descr() {
            match descr {
                Some(Descr::Mem(m)) => {
                    let value_kind = if flags.contains(OpFlags::LOAD) {
                        opc.result()
                    } else {
                        kinds.last().copied().unwrap_or(Kind::Void)
                    };
                    if m.ty.kind() != value_kind && value_kind != Kind::Void {
                        v.err(
                            i,
                            format!("memory descr {m} does not hold a {value_kind:?}"),
                        );
                    }
                    if let MemType::Int { size, .. } = m.ty {
                        if ![1, 2, 4, 8].contains(&size) {
                            v.err(i, format!("integer access of {size} bytes"));
                        }
                    }
                    let indexed = flags.contains(OpFlags::INDEXED);
                    if indexed && m.scale == 0 {
                        v.err(i, "indexed access needs a stride (descr like i64x8)".into());
                    }
                    if !indexed && m.scale != 0 {
                        v.err(i, "non-indexed access with a stride in its descr".into());
                    }
                    let ofs_pos = if indexed { 2 } else { 1 };
                    if let Some(&o) = args.get(ofs_pos) {
                        match t.const_value(o) {
                            Some(c) if c.kind() == Kind::Int => {
                                if let Some(x) = c.as_int() {
                                    if i32::try_from(x).is_err() {
                                        v.err(i, format!("offset {x} does not fit in 32 bits"));
                                    }
                                }
                            }
                            _ => v.err(i, "the offset must be an int constant".into()),
                        }
                    }
                }
                _ => v.err(
                    i,
                    "loads and stores need a memory descr (e.g. descr=i64)".into(),
                ),
            }
        } else if opc.is_call() {
            match descr {
                Some(Descr::Call(cd)) => check_call(&mut v, i, opc, &args, &kinds, cd),
                _ => v.err(
                    i,
                    "calls need a call descr (e.g. descr=call(i f)->i)".into(),
                ),
            }
        } else if matches!(opc, Opcode::Label | Opcode::Jump) {
            if !matches!(descr, Some(Descr::Target(_))) {
                v.err(
                    i,
                    format!("{} needs a target descr (descr=targetN)", opc.name()),
                );
            }
        } else if opc == Opcode::New {
            match descr {
                Some(Descr::Alloc(a)) if a.size > 0 => {}
                _ => v.err(
                    i,
                    "new needs an alloc descr with a non-zero size (descr=alloc(24))".into(),
                ),
            }
        } else if opc == Opcode::DebugMergePoint {
            if !matches!(descr, None | Some(Descr::Text(_))) {
                v.err(i, "debug_merge_point's descr must be a string".into());
            }
        } else if descr.is_some() {
            v.err(i, format!("{} takes no descr", opc.name()));
        }
        // jump vs label
        if opc == Opcode::Jump {
            if let Some(Descr::Target(tok)) = descr {
                if let Some(lp) = (0..i)
                    .rev()
                    .find(|&p| t.op(p).opcode == Opcode::Label && t.target(p) == Some(*tok))
                {
                    let lkinds: Vec<Kind> = t.args(lp).iter().map(|&a| t.kind(a)).collect();
                    if lkinds.len() != kinds.len() {
                        v.err(
                            i,
                            format!(
                                "jump passes {} value(s), label at op {lp} takes {}",
                                kinds.len(),
                                lkinds.len()
                            ),
                        );
                    } else {
                        for (j, (a, b)) in kinds.iter().zip(&lkinds).enumerate() {
                            if a != b {
                                v.err(
                                    i,
                                    format!(
                                        "jump value {j} is {a:?}, label at op {lp} expects {b:?}"
                                    ),
                                );
                            }
                        }
                    }
                }
            }
        }
        // snapshots
        match (opc.is_guard(), op.snapshot()) {
            (true, None) => v.err(i, "guard without a snapshot".into()),
            (false, Some(_)) => v.err(i, "only guards carry snapshots".into()),
            (true, Some(s)) => {
                if s.index() >= t.snapshots().len() {
                    v.err(i, format!("{s} does not exist"));
                } else {
                    let top = t.snapshot(s).top;
                    if top.index() >= t.frames().len() {
                        v.err(i, format!("{top} does not exist"));
                    } else {
                        let chain = t.snapshot_frames(s);
                        if chain.len() > t.frames().len() {
                            v.err(i, "snapshot frame chain has a cycle".into());
                        } else {
                            let mut virts = Vec::new();
                            for f in chain {
                                if std::mem::replace(&mut frame_checked[f.index()], true) {
                                    continue;
                                }
                                for &val in t.frame_values(f) {
                                    if val.is_virt() {
                                        t.virtuals_in(&[val], &mut virts);
                                        if val
                                            .as_virt()
                                            .is_some_and(|x| x.index() >= t.virtuals().len())
                                        {
                                            v.err(
                                                i,
                                                format!("snapshot names missing virtual {val:?}"),
                                            );
                                        }
                                        continue;
                                    }
                                    v.operand(i, val, &format_args!("snapshot value in {f}"));
                                }
                                if let Some((regs, n)) = t.frame_regs(f) {
                                    let ordered = regs.windows(2).all(|w| w[0] < w[1]);
                                    if !ordered || regs.last().is_some_and(|&r| r >= n) {
                                        v.err(
                                            i,
                                            format!(
                                                "sparse {f}: registers must ascend and be below {n}"
                                            ),
                                        );
                                    }
                                }
                            }
                            for x in virts {
                                let o = t.virtual_obj(x).clone();
                                for fl in &o.fields {
                                    let end = fl.offset as i64 + fl.descr.ty.size() as i64;
                                    if fl.offset < 0 || end > o.alloc.size as i64 {
                                        v.err(i, format!("field at {} of virtual {x} lies outside its {} bytes", fl.offset, o.alloc.size));
                                    }
                                    if fl
                                        .value
                                        .as_virt()
                                        .is_some_and(|y| y.index() >= t.virtuals().len())
                                    {
                                        v.err(i, format!("virtual {x} names a missing virtual"));
                                        continue;
                                    }
                                    if fl.value.is_virt() {
                                        if fl.descr.ty != MemType::Ref {
                                            v.err(
                                                i,
                                                format!(
                                                    "virtual {x} stores an object in a {} field",
                                                    fl.descr
                                                ),
                                            );
                                        }
                                        continue;
                                    }
                                    let k = v.operand(
                                        i,
                                        fl.value,
                                        &format_args!("field of virtual {x}"),
                                    );
                                    if k != fl.descr.ty.kind() && k != Kind::Void {
                                        v.err(
                                            i,
                                            format!(
                                                "field at {} of virtual {x} is {}, holds a {k:?}",
                                                fl.offset, fl.descr
                                            ),
                                        );
                                    }
                                }
                            }
                        }
                    }
                }
            }
            (false, None) => {}
        }
        // overflow pairing
        if matches!(opc, Opcode::GuardNoOverflow | Opcode::GuardOverflow)
            && (i == 0 || !t.op(i - 1).opcode.flags().contains(OpFlags::OVF))
        {
            v.err(
                i,
                "an overflow guard must directly follow an *_ovf op".into(),
            );
        }
        if flags.contains(OpFlags::OVF)
            && !(i + 1 < n
                && matches!(
                    t.op(i + 1).opcode,
                    Opcode::GuardNoOverflow | Opcode::GuardOverflow
                ))
        {
            v.err(
                i,
                "an *_ovf op must be followed by guard_no_overflow or guard_overflow".into(),
            );
        }
        // final ops
        if flags.contains(OpFlags::FINAL) && i + 1 != n {
            v.err(i, format!("{} must be the last op", opc.name()));
        }
    }
    if n > ninputs && !t.op(n - 1).opcode.flags().contains(OpFlags::FINAL) {
        v.errs.push(VerifierError {
            pos: None,
            op_text: String::new(),
            msg: "the trace must end with jump or finish".into(),
        });
    }
    if v.errs.is_empty() {
        Ok(())
    } else {
        Err(VerifierErrors(v.errs))
    }
}

fn check_call(
    v: &mut V<'_>,
    i: usize,
    opc: Opcode,
    args: &[OpRef],
    kinds: &[Kind],
    cd: &CallDescr,
) {
    if cd.ret != opc.result() {
        v.err(
            i,
            format!(
                "call descr returns {:?} but {} returns {:?}",
                cd.ret,
                opc.name(),
                opc.result()
            ),
        );
    }
    if let Some(&f) = args.first() {
        if !f.is_const() {
            v.err(i, "the called function must be a constant address".into());
        }
    }
    if args.len() != cd.args.len() + 1 {
        v.err(
            i,
            format!(
                "call descr takes {} argument(s), call passes {}",
                cd.args.len(),
                args.len().saturating_sub(1)
            ),
        );
        return;
    }
    for (j, (k, want)) in kinds[1..].iter().zip(&cd.args).enumerate() {
        if *k != Kind::Void && k != want {
            v.err(
                i,
                format!("call argument {j} is {k:?}, descr says {want:?}"),
            );
        }
    }
    let nint = cd
        .args
        .iter()
        .filter(|k| matches!(k, Kind::Int | Kind::Ref))
        .count();
    let nfloat = cd.args.iter().filter(|k| **k == Kind::Float).count();
    if nint > CallDescr::MAX_INT_ARGS || nfloat > CallDescr::MAX_FLOAT_ARGS {
        v.err(
            i,
            format!(
                "calls take at most {} int/ref and {} float arguments",
                CallDescr::MAX_INT_ARGS,
                CallDescr::MAX_FLOAT_ARGS
            ),
        );
    }
    if cd.args.contains(&Kind::Void) {
        v.err(i, "a call argument cannot be void".into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::parse;

    fn errors(text: &str) -> Vec<String> {
        let t = parse(text).unwrap();
        match verify(&t) {
            Ok(()) => vec![],
            Err(e) => {
                e.0.into_iter()
                    .map(|e| format!("{:?}: {}", e.pos, e.msg))
                    .collect()
            }
        }
    }

    #[test]
    fn good_trace_passes() {
        let e = errors(
            "[i0, p1]\nlabel(i0, p1, descr=target900)\ni3 = int_add_ovf(i0, 1)\nguard_no_overflow() [0@1: i0]\n\
             i5 = load_i(p1, 8, descr=u8)\nstore_idx_i(p1, i5, 16, i3, descr=i32x4)\njump(i3, p1, descr=target900)\n",
        );
        assert!(e.is_empty(), "{e:?}");
    }

    #[test]
    fn reports_all_errors_with_positions() {
        // kind mismatch, void use, missing snapshot, jump arity, missing ovf guard, not final
        let t = "[i0, f1]\nlabel(i0, f1, descr=target901)\ni3 = int_add(i0, f1)\nguard_true(i3)\n\
                 i5 = int_mul_ovf(i3, 2)\ni6 = int_add(i5, 1)\njump(i6, descr=target901)\n";
        let e = errors(t);
        assert!(
            e.iter()
                .any(|m| m.starts_with("Some(3)") && m.contains("argument 1 must be Int")),
            "{e:?}"
        );
        assert!(
            e.iter()
                .any(|m| m.starts_with("Some(4)") && m.contains("guard without a snapshot")),
            "{e:?}"
        );
        assert!(
            e.iter()
                .any(|m| m.starts_with("Some(5)") && m.contains("followed by guard_no_overflow")),
            "{e:?}"
        );
        assert!(
            e.iter()
                .any(|m| m.starts_with("Some(7)") && m.contains("label at op 2 takes 2")),
            "{e:?}"
        );
        assert_eq!(e.len(), 4, "{e:?}");
    }

    #[test]
    fn use_before_def_and_bad_descrs() {
        use crate::ir::{Opcode, TraceBuilder};
        let mut b = TraceBuilder::new();
        let i0 = b.input(Kind::Int);
        // forward reference to op 3
        b.op(Opcode::IntAdd, &[i0, OpRef::op(3)]);
        let p = b.op(Opcode::CastIntToPtr, &[i0]);
        let _ = p;
        b.op(Opcode::LoadI, &[OpRef::op(2), i0]); // no descr, offset not constant
        b.finish(&[]);
        let e = verify(&b.build()).unwrap_err();
        let msgs: Vec<String> = e.0.iter().map(|e| e.msg.clone()).collect();
        assert!(
            msgs.iter().any(|m| m.contains("before its definition")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter().any(|m| m.contains("need a memory descr")),
            "{msgs:?}"
        );
        let text = e.to_string();
        assert!(text.contains("op 1 `i1 = int_add(i0, i3)`"), "{text}");
    }

    #[test]
    fn loop_body_uses_only_label_args() {
        let e = errors("[i0, i1]\nlabel(i0, descr=target902)\ni3 = int_add(i0, i1)\nguard_true(i3) [0@0: i1]\njump(i3, descr=target902)\n");
        assert!(
            e.iter().any(
                |m| m.starts_with("Some(3)") && m.contains("uses i1, defined before the label")
            ),
            "{e:?}"
        );
        assert!(
            e.iter()
                .any(|m| m.starts_with("Some(4)") && m.contains("uses i1")),
            "{e:?}"
        );
        let e = errors("[i0]\nlabel(i0, i0, descr=target903)\njump(i0, 1, descr=target903)\n");
        assert!(
            e.iter().any(|m| m.contains("passed to the label twice")),
            "{e:?}"
        );
    }

    #[test]
    fn calls_checked_against_descr() {
        let e = errors("[i0, f1]\ni2 = call_i(4096, i0, descr=call(i f)->i)\nf3 = call_f(4096, f1, descr=call(i)->i)\nfinish()\n");
        assert!(
            e.iter()
                .any(|m| m.contains("takes 2 argument(s), call passes 1")),
            "{e:?}"
        );
        assert!(
            e.iter()
                .any(|m| m.contains("returns Int but call_f returns Float")),
            "{e:?}"
        );
        assert!(
            e.iter()
                .any(|m| m.contains("argument 0 is Float, descr says Int")),
            "{e:?}"
        );
    }
}
