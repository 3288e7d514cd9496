//! The blackhole interpreter: runs jitcode concretely, without recording, from any position.
//!
//! Used after a guard fails (resume from the guard's snapshot) and after a trace is aborted: it
//! finishes the current opcode, including any inlined callee frames, and stops when the portal
//! frame reaches its merge point, handing the state variables back to the plain interpreter.
//! Because it executes the same jitcode the tracer recorded from, it is exact in the middle of
//! an opcode: stores and residual calls done before the guard are not repeated, everything
//! after it is done exactly once.

use super::gcroots::JitRoots;
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

/// The reference words in the registers of `frames` (what a collection must see).
fn held_refs<'a>(set: &'a CodeSet, frames: &'a [Frame]) -> impl Iterator<Item = u64> + 'a {
    // (through the precomputed list of `Ref` registers: the portal of an interpreter has
    // hundreds of registers, and this runs before every residual call)
    frames.iter().flat_map(move |f| {
        set.codes[f.code as usize]
            .ref_regs
            .iter()
            .map(|r| f.regs[*r as usize])
    })
}

/// Runs `frames` (outermost first, frame 0 is the portal) until the portal's merge point.
///
/// GC roots: the registers live on the Rust heap, so before every residual call (the only
/// place a collection can happen) the references they hold are published in a
/// [`JitRoots`], which keeps those objects alive and in place (`jit::gcroots`).
///
/// The inner loop runs one frame's instructions with its code and registers held as plain
/// slices; it is left to push an inlined callee, to pop on `Return` and to make a residual
/// call (which needs every frame, for the roots). The blackhole is what every guard exit
/// that has no bridge costs, so its per-instruction overhead matters (e.g. under
/// `fail_guards=1`).
pub fn run(set: &CodeSet, mut frames: Vec<Frame>) -> Outcome {
    run_in(set, &mut frames, &mut Vec::new())
}

/// The most argument words a residual call passes (10 arguments of up to 4 words).
const MAX_CALL_WORDS: usize = 40;

/// [`run`] on frames the caller keeps: when it returns, `frames` holds the frames still
/// active (the portal's), whose register vectors the caller may reuse. Inlined callees take
/// their register vectors from `spare` and give them back there when they return.
pub fn run_in(set: &CodeSet, frames: &mut Vec<Frame>, spare: &mut Vec<Vec<u64>>) -> Outcome {
    let mut jumped = false;
    let mut roots = JitRoots::default();
    // the argument words of the residual call the inner loop stops at (filled there)
    let mut words = [0u64; MAX_CALL_WORDS];
    loop {
        let depth = frames.len() - 1;
        let f = frames.last_mut().expect("a frame");
        let code = &set.codes[f.code as usize];
        let insns = &code.insns[..];
        let regs = &mut f.regs[..];
        let mut pc = f.pc as usize;
        // Runs this frame until it calls, inlines or returns; a residual call comes out as
        // (trampoline, destination register), its argument words in `words`.
        let (func, dst) = loop {
            let insn = &insns[pc];
            pc += 1;
            match insn {
                Insn::Const { dst, val } => regs[*dst as usize] = *val,
                Insn::Move { dst, src } => regs[*dst as usize] = regs[*src as usize],
                Insn::Bin { op, dst, a, b } => {
                    regs[*dst as usize] = op.eval(regs[*a as usize], regs[*b as usize])
                }
                Insn::Un { op, dst, a } => regs[*dst as usize] = op.eval(regs[*a as usize]),
                Insn::Ovf { op, dst, a, b } => {
                    let (r, o) =
                        super::jitcode::eval_ovf(*op, regs[*a as usize], regs[*b as usize]);
                    regs[*dst as usize] = r;
                    regs[*dst as usize + 1] = o as u64;
                }
                Insn::Load {
                    dst,
                    base,
                    offset,
                    size,
                    ..
                }
                | Insn::QuasiLoad {
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
                // (a hint for the tracer; the interpreter does not call the function)
                Insn::KnownResult { .. } => {}
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
                    // (the words of the arguments: at most 10 arguments of a few words each,
                    // `docs/jit-subset.md`)
                    assert!(
                        args.len() <= MAX_CALL_WORDS,
                        "a residual call with {} argument words",
                        args.len()
                    );
                    for (w, r) in words.iter_mut().zip(args.iter()) {
                        *w = regs[*r as usize];
                    }
                    f.pc = pc as u32;
                    break (Some(desc.func), *dst);
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
                    break (None, 0);
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
                Insn::Return { src, n } => {
                    let (src, n) = (*src as usize, *n as usize);
                    if depth == 0 {
                        return Outcome::Returned(regs[src]);
                    }
                    // a multi-word value (`docs/jit-subset.md`) is at most a few words
                    let mut v = [0u64; 16];
                    v[..n].copy_from_slice(&regs[src..src + n]);
                    if let Some(done) = frames.pop() {
                        spare.push(done.regs);
                    }
                    let caller = frames.last_mut().expect("caller frame");
                    let ccode = &set.codes[caller.code as usize];
                    if let Insn::InlineCall { dst, .. } = &ccode.insns[caller.pc as usize] {
                        let dst = *dst as usize;
                        caller.regs[dst..dst + n].copy_from_slice(&v[..n]);
                    }
                    caller.pc += 1;
                    break (None, 0);
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
        };
        if let Some(func) = func {
            roots.set(held_refs(set, frames));
            // SAFETY: the trampoline was monomorphized for these argument types and the words
            // are canonical values of them.
            let r = unsafe { func(words.as_ptr()) };
            frames[depth].regs[dst as usize] = r;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::jitcode::{BinOp, Effect, MemSize};
    use super::super::testutil::{call_desc, function, portal, set, store};
    use super::super::word::Kind;
    use super::*;

    const I: Kind = Kind::Int;

    /// callee(x) = x * 3 (params r0, temps r1, r2)
    fn triple() -> super::super::jitcode::JitCode {
        function(
            "triple",
            &[I, I, I],
            &[0],
            vec![
                Insn::Const { dst: 1, val: 3 },
                Insn::Bin {
                    op: BinOp::IntMul,
                    dst: 2,
                    a: 0,
                    b: 1,
                },
                Insn::Return { src: 2, n: 1 },
            ],
            None,
        )
    }

    /// portal: r2 = triple(r0); r0 = r2 + 1; if r0 < 100 { can_enter_jit } else return r0
    fn program() -> CodeSet {
        let body = vec![
            Insn::InlineCall {
                dst: 2,
                n: 1,
                code: 1,
                args: Box::new([0]),
            }, // pc 1
            Insn::Const { dst: 3, val: 1 },
            Insn::Bin {
                op: BinOp::IntAdd,
                dst: 0,
                a: 2,
                b: 3,
            },
            Insn::Const { dst: 4, val: 100 },
            Insn::Bin {
                op: BinOp::IntLt,
                dst: 5,
                a: 0,
                b: 4,
            },
            Insn::Branch { cond: 5, target: 9 }, // pc 6
            Insn::CanEnterJit,
            Insn::Jump { target: 0 },
            Insn::Return { src: 0, n: 1 }, // pc 9
        ];
        let p = portal(&[I, I, I, I, I, I], &[(1, true), (0, false)], body);
        set(vec![p, triple()])
    }

    #[test]
    fn resumes_inside_an_inlined_callee_and_finishes_the_opcode() {
        let set = program();
        // the portal waits on its call (pc 1); the callee is about to multiply (pc 1), with
        // its argument 5 and the constant 3 already loaded
        let frames = vec![
            Frame {
                code: 0,
                pc: 1,
                regs: vec![5, 0, 0, 0, 0, 0],
            },
            Frame {
                code: 1,
                pc: 1,
                regs: vec![5, 3, 0],
            },
        ];
        assert_eq!(
            run(&set, frames),
            Outcome::Merge {
                state: vec![0, 16],
                jumped: true
            }
        );
        // resuming at the callee's multiply with another constant in r1 uses it (the frame's
        // registers are the truth, nothing is recomputed before the resume point)
        let frames = vec![
            Frame {
                code: 0,
                pc: 1,
                regs: vec![5, 0, 0, 0, 0, 0],
            },
            Frame {
                code: 1,
                pc: 1,
                regs: vec![5, 10, 0],
            },
        ];
        assert_eq!(
            run(&set, frames),
            Outcome::Merge {
                state: vec![0, 51],
                jumped: true
            }
        );
    }

    #[test]
    fn returns_from_the_portal_when_the_guest_loop_ends() {
        let set = program();
        let frames = vec![Frame {
            code: 0,
            pc: 1,
            regs: vec![40, 0, 0, 0, 0, 0],
        }];
        assert_eq!(run(&set, frames), Outcome::Returned(121));
    }

    #[test]
    fn stores_and_calls_after_the_resume_point_happen_once() {
        static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        unsafe extern "C-unwind" fn count(args: *const u64) -> u64 {
            CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            // SAFETY: one argument word.
            unsafe { *args + 1 }
        }
        let mut mem = Box::new([0u64; 2]);
        let addr = mem.as_mut_ptr() as u64;
        // store [r0] = r2; r3 = count(r2); store [r0+8] = r3
        let body = vec![
            store(0, 0, MemSize::W64, 2),
            Insn::Call {
                dst: 3,
                desc: call_desc(count, &[I], I, Effect::Residual),
                args: Box::new([2]),
            },
            store(0, 8, MemSize::W64, 3),
        ];
        let set = set(vec![portal(
            &[Kind::Ref, I, I, I],
            &[(1, true), (0, false), (2, false)],
            body,
        )]);
        // resume after the first store (pc 2): it is not redone, the call runs once
        mem[0] = 99;
        let out = run(
            &set,
            vec![Frame {
                code: 0,
                pc: 2,
                regs: vec![addr, 0, 41, 0],
            }],
        );
        assert_eq!(
            out,
            Outcome::Merge {
                state: vec![0, addr, 41],
                jumped: false
            }
        );
        assert_eq!(*mem, [99, 42]);
        assert_eq!(CALLS.load(std::sync::atomic::Ordering::Relaxed), 1);
    }
}
