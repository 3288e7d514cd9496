//! The blackhole interpreter: runs jitcode concretely, without recording, from any position.
//!
//! Used after a guard fails (resume from the guard's snapshot) and after a trace is aborted: it
//! finishes the current opcode, including any inlined callee frames, and stops when the portal
//! frame reaches its merge point, handing the state variables back to the plain interpreter.
//! Because it executes the same jitcode the tracer recorded from, it is exact in the middle of
//! an opcode: stores and residual calls done before the guard are not repeated, everything
//! after it is done exactly once.

use super::jitcode::{CodeId, CodeSet, Insn, Pc};

/// One jitcode activation.
#[derive(Clone, Debug)]
pub struct Frame {
    /// Which jitcode.
    pub code: CodeId,
    /// The next instruction to execute (for a caller frame: its `InlineCall`).
    pub pc: Pc,
    /// Register values.
    pub regs: Vec<u64>,
}

/// Where the blackhole stopped.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The portal reached its merge point; the state variables in merge-point order, and
    /// whether a `can_enter_jit!()` ran on the way.
    Merge {
        /// State words.
        state: Vec<u64>,
        /// A guest backward jump happened.
        jumped: bool,
    },
    /// The portal function returned this word.
    Returned(u64),
}

/// Runs `frames` (outermost first, frame 0 is the portal) until the portal's merge point.
///
/// The inner loop runs one frame's instructions with its code and registers held as plain
/// slices; it is left only to push an inlined callee or pop on `Return` (the blackhole is
/// what every guard exit that has no bridge costs, so its per-instruction overhead matters,
/// e.g. under `fail_guards=1`).
pub fn run(set: &CodeSet, mut frames: Vec<Frame>) -> Outcome {
    run_in(set, &mut frames, &mut Vec::new())
}

/// [`run`] on frames the caller keeps: when it returns, `frames` holds the frames still
/// active (the portal's), whose register vectors the caller may reuse. Inlined callees take
/// their register vectors from `spare` and give them back there when they return.
pub fn run_in(set: &CodeSet, frames: &mut Vec<Frame>, spare: &mut Vec<Vec<u64>>) -> Outcome {
    let mut jumped = false;
    'frames: loop {
        let depth = frames.len() - 1;
        let f = frames.last_mut().expect("a frame");
        let code = &set.codes[f.code as usize];
        let insns = &code.insns[..];
        let regs = &mut f.regs[..];
        let mut pc = f.pc as usize;
        loop {
            let insn = &insns[pc];
            pc += 1;
            match insn {
                Insn::Const { dst, val } => regs[*dst as usize] = *val,
                Insn::Move { dst, src } => regs[*dst as usize] = regs[*src as usize],
                Insn::Bin { op, dst, a, b } => {
                    regs[*dst as usize] = op.eval(regs[*a as usize], regs[*b as usize])
                }
                Insn::Un { op, dst, a } => regs[*dst as usize] = op.eval(regs[*a as usize]),
                Insn::Load {
                    dst,
                    base,
                    offset,
                    size,
                    ..
                } => {
                    let addr = regs[*base as usize].wrapping_add(*offset as i64 as u64);
                    // SAFETY: the jitcode mirrors a load the interpreter itself performs at
                    // this point with the same values, so the address is valid.
                    regs[*dst as usize] = unsafe { size.load(addr as usize) };
                }
                Insn::Store {
                    base,
                    offset,
                    size,
                    src,
                    ..
                } => {
                    let addr = regs[*base as usize].wrapping_add(*offset as i64 as u64);
                    // SAFETY: as for loads, the interpreter performs this very store.
                    unsafe { size.store(addr as usize, regs[*src as usize]) };
                }
                Insn::Call { dst, desc, args } => {
                    // (residual calls take at most 6 arguments, `docs/jit-subset.md`)
                    debug_assert!(
                        args.len() <= 8,
                        "a residual call with {} arguments",
                        args.len()
                    );
                    let mut words = [0u64; 8];
                    for (w, r) in words.iter_mut().zip(args.iter()) {
                        *w = regs[*r as usize];
                    }
                    // SAFETY: the trampoline was monomorphized for these argument types and
                    // the words are canonical values of them.
                    regs[*dst as usize] = unsafe { (desc.func)(words.as_ptr()) };
                }
                Insn::InlineCall {
                    code: callee, args, ..
                } => {
                    let callee_code = &set.codes[*callee as usize];
                    let mut cregs = spare.pop().unwrap_or_default();
                    cregs.clear();
                    cregs.resize(callee_code.reg_kinds.len(), 0);
                    for (p, a) in callee_code.params.iter().zip(args.iter()) {
                        cregs[*p as usize] = regs[*a as usize];
                    }
                    f.pc = (pc - 1) as u32; // stays on the call until the callee returns
                    frames.push(Frame {
                        code: *callee,
                        pc: 0,
                        regs: cregs,
                    });
                    continue 'frames;
                }
                Insn::Jump { target } => pc = *target as usize,
                Insn::Branch { cond, target } => {
                    if regs[*cond as usize] == 0 {
                        pc = *target as usize;
                    }
                }
                Insn::Switch {
                    reg,
                    cases,
                    default,
                } => {
                    let v = regs[*reg as usize];
                    pc = cases
                        .iter()
                        .find(|(c, _)| *c == v)
                        .map_or(*default, |(_, t)| *t) as usize;
                }
                Insn::Promote { .. } => {}
                Insn::Return { src } => {
                    let v = regs[*src as usize];
                    if depth == 0 {
                        return Outcome::Returned(v);
                    }
                    if let Some(done) = frames.pop() {
                        spare.push(done.regs);
                    }
                    let caller = frames.last_mut().expect("caller frame");
                    let ccode = &set.codes[caller.code as usize];
                    if let Insn::InlineCall { dst, .. } = &ccode.insns[caller.pc as usize] {
                        caller.regs[*dst as usize] = v;
                    }
                    caller.pc += 1;
                    continue 'frames;
                }
                Insn::MergePoint => {
                    if depth == 0 {
                        let merge = code.merge.as_ref().expect("portal has merge info");
                        let state = merge.vars.iter().map(|(r, ..)| regs[*r as usize]).collect();
                        return Outcome::Merge { state, jumped };
                    }
                }
                Insn::CanEnterJit => jumped = true,
                Insn::Unreachable => unreachable!("jitcode reached an unreachable point"),
            }
        }
    }
}
