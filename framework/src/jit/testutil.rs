//! Hand-written jitcode for the front end's unit tests (compiled only for `cargo test`).
//!
//! A test portal is one [`JitCode`] whose instruction 0 is the merge point: [`portal`] appends
//! a jump back to it, so the body runs once per guest loop iteration, and computes liveness
//! as the codewriter would. Memory the jitcode touches is real (the tracer and the blackhole
//! execute loads and stores), so tests point registers at boxed arrays they own.

use super::jitcode::{CallDesc, CodeSet, Effect, Insn, JitCode, MergeInfo, Reg};
use super::word::Kind;

/// A portal: registers of `kinds`, state variables `vars` (register, green?), `body` from
/// pc 1 (branch targets are absolute pcs), then a jump back to the merge point at pc 0.
pub fn portal(kinds: &[Kind], vars: &[(Reg, bool)], body: Vec<Insn>) -> JitCode {
    let mut insns = vec![Insn::MergePoint];
    insns.extend(body);
    insns.push(Insn::Jump { target: 0 });
    function("portal", kinds, &[], insns, Some(vars))
}

/// A function (an inlined callee when `merge` is `None`).
pub fn function(
    name: &str,
    kinds: &[Kind],
    params: &[Reg],
    insns: Vec<Insn>,
    merge: Option<&[(Reg, bool)]>,
) -> JitCode {
    let mut code = JitCode {
        name: name.into(),
        insns,
        reg_kinds: kinds.to_vec(),
        params: params.to_vec(),
        merge: merge.map(|vars| MergeInfo {
            pc: 0,
            vars: vars
                .iter()
                .map(|&(r, g)| (r, g, kinds[r as usize]))
                .collect(),
            green: vars
                .iter()
                .map(|_| crate::jit::validity::GreenKind::Plain)
                .collect(),
        }),
        unroll_safe: false,
        live: Vec::new(),
        ref_regs: Vec::new(),
    };
    code.compute_liveness();
    code.compute_ref_regs();
    code
}

/// A code set of the given jitcodes (the portal first).
pub fn set(codes: Vec<JitCode>) -> CodeSet {
    CodeSet { codes }
}

/// A residual call descriptor for a trampoline.
pub fn call_desc(
    func: super::jitcode::Trampoline,
    args: &[Kind],
    ret: Kind,
    effect: Effect,
) -> Box<CallDesc> {
    Box::new(CallDesc {
        func,
        abi: 0,
        arg_kinds: args.into(),
        ret_kind: ret,
        effect,
        name: "test_callee",
    })
}

/// A load of `size` at `base + offset`, mutable, unknown class, not frozen.
pub fn load(dst: Reg, base: Reg, offset: i32, size: super::jitcode::MemSize) -> Insn {
    Insn::Load {
        dst,
        base,
        offset,
        size,
        immutable: false,
        class: 0,
        frozen: false,
    }
}

/// A store of `src` with `size` at `base + offset`, unknown class.
pub fn store(base: Reg, offset: i32, size: super::jitcode::MemSize, src: Reg) -> Insn {
    Insn::Store {
        base,
        offset,
        size,
        src,
        class: 0,
    }
}
