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
pub fn run(set: &CodeSet, mut frames: Vec<Frame>) -> Outcome {
    let mut jumped = false;
    loop {
        let depth = frames.len() - 1;
        let f = &mut frames[depth];
        let code = &set.codes[f.code as usize];
        let insn = &code.insns[f.pc as usize];
        f.pc += 1;
        match insn {
            Insn::Const { dst, val } => f.regs[*dst as usize] = *val,
            Insn::Move { dst, src } => f.regs[*dst as usize] = f.regs[*src as usize],
            Insn::Bin { op, dst, a, b } => {
                f.regs[*dst as usize] = op.eval(f.regs[*a as usize], f.regs[*b as usize])
            }
            Insn::Un { op, dst, a } => f.regs[*dst as usize] = op.eval(f.regs[*a as usize]),
            Insn::Ovf { op, dst, a, b } => {
                let (r, o) =
                    super::jitcode::eval_ovf(*op, f.regs[*a as usize], f.regs[*b as usize]);
                f.regs[*dst as usize] = r;
                f.regs[*dst as usize + 1] = o as u64;
            }
            Insn::Load {
                dst,
                base,
                offset,
                size,
                ..
            } => {
                let addr = f.regs[*base as usize].wrapping_add(*offset as i64 as u64);
                // SAFETY: the jitcode mirrors a load the interpreter itself performs at this
                // point with the same values, so the address is valid.
                f.regs[*dst as usize] = unsafe { size.load(addr as usize) };
            }
            Insn::Store {
                base,
                offset,
                size,
                src,
                ..
            } => {
                let addr = f.regs[*base as usize].wrapping_add(*offset as i64 as u64);
                // SAFETY: as for loads, the interpreter performs this very store.
                unsafe { size.store(addr as usize, f.regs[*src as usize]) };
            }
            Insn::Call { dst, desc, args } => {
                let words: Vec<u64> = args.iter().map(|r| f.regs[*r as usize]).collect();
                // SAFETY: the trampoline was monomorphized for these argument types and the
                // words are canonical values of them.
                f.regs[*dst as usize] = unsafe { (desc.func)(words.as_ptr()) };
            }
            Insn::InlineCall {
                code: callee, args, ..
            } => {
                let callee_code = &set.codes[*callee as usize];
                let mut regs = vec![0u64; callee_code.reg_kinds.len()];
                for (p, a) in callee_code.params.iter().zip(args.iter()) {
                    regs[*p as usize] = f.regs[*a as usize];
                }
                f.pc -= 1; // stays on the call until the callee returns
                frames.push(Frame {
                    code: *callee,
                    pc: 0,
                    regs,
                });
            }
            Insn::Jump { target } => f.pc = *target,
            Insn::Branch { cond, target } => {
                if f.regs[*cond as usize] == 0 {
                    f.pc = *target;
                }
            }
            Insn::Switch {
                reg,
                cases,
                default,
            } => {
                let v = f.regs[*reg as usize];
                f.pc = cases
                    .iter()
                    .find(|(c, _)| *c == v)
                    .map_or(*default, |(_, t)| *t);
            }
            Insn::Promote { .. } => {}
            Insn::Return { src, n } => {
                let (src, n) = (*src as usize, *n as usize);
                if depth == 0 {
                    return Outcome::Returned(f.regs[src]);
                }
                let v: Vec<u64> = f.regs[src..src + n].to_vec();
                frames.pop();
                let caller = frames.last_mut().expect("caller frame");
                let ccode = &set.codes[caller.code as usize];
                if let Insn::InlineCall { dst, .. } = &ccode.insns[caller.pc as usize] {
                    let dst = *dst as usize;
                    caller.regs[dst..dst + n].copy_from_slice(&v);
                }
                caller.pc += 1;
            }
            Insn::MergePoint => {
                if depth == 0 {
                    let merge = code.merge.as_ref().expect("portal has merge info");
                    let state = merge
                        .vars
                        .iter()
                        .map(|(r, ..)| f.regs[*r as usize])
                        .collect();
                    return Outcome::Merge { state, jumped };
                }
            }
            Insn::CanEnterJit => jumped = true,
            Insn::Unreachable => unreachable!("jitcode reached an unreachable point"),
        }
    }
}
