//! Brainfuck on metatracer: a plain interpreter plus annotations, nothing else.
//!
//! The program is parsed into [`Op`]s with precomputed jump targets. [`run`] is the dispatch
//! loop; `#[jit_merge_point]` turns it into the JIT's portal. The position in the guest program
//! is `(program, pc)`, both `#[green]`; the tape is red. The loop closing bracket is the guest's
//! backward jump, marked with `can_enter_jit!()`.

use std::cell::RefCell;
use std::io::{Read, Write};

/// One Brainfuck instruction (runs of `+`/`-` and `>`/`<` are merged).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// Add to the current cell (wrapping).
    Add(u8),
    /// Move the head.
    Move(isize),
    /// Print the current cell.
    Out,
    /// Read a byte into the current cell (0 at end of input).
    In,
    /// `[`: jump to the matching `]` if the cell is zero.
    JumpIfZero(usize),
    /// `]`: jump back to the matching `[` if the cell is non-zero.
    JumpBack(usize),
}

/// A parsed program.
///
/// It is the green `program` of [`run`], so traces specialise on its instructions: its
/// [`JitIdentity`](metatracer::JitIdentity) ties them to this object (they are freed when it
/// is dropped, and a program parsed later at the same address does not run them).
#[derive(metatracer::Layout)]
pub struct Program {
    /// The instructions.
    pub ops: Vec<Op>,
    /// The program's identity for the JIT.
    pub jit_id: metatracer::JitIdentity,
}

impl metatracer::JitGreen for Program {
    fn jit_identity(&self) -> &metatracer::JitIdentity {
        &self.jit_id
    }
}

/// The machine state.
#[derive(metatracer::Layout)]
pub struct Tape {
    /// The cells.
    pub cells: Vec<u8>,
    /// The head position.
    pub pos: usize,
    /// Set when the program moved the head off the tape: the instruction index of the move,
    /// plus one (0 while the head is on the tape). [`run`] stops there.
    pub fault: usize,
}

impl Tape {
    /// A tape of 30000 zero cells.
    pub fn new() -> Self {
        Tape {
            cells: vec![0; 30000],
            pos: 0,
            fault: 0,
        }
    }
}

impl Default for Tape {
    fn default() -> Self {
        Self::new()
    }
}

/// Parses source text; errors name the offending bracket's byte offset.
pub fn parse(src: &str) -> Result<Program, String> {
    let mut ops: Vec<Op> = Vec::new();
    let mut stack = Vec::new();
    for (i, c) in src.bytes().enumerate() {
        match c {
            b'+' | b'-' => {
                let d = if c == b'+' { 1u8 } else { 255u8 };
                if let Some(Op::Add(n)) = ops.last_mut() {
                    *n = n.wrapping_add(d);
                } else {
                    ops.push(Op::Add(d));
                }
            }
            b'>' | b'<' => {
                let d = if c == b'>' { 1 } else { -1 };
                if let Some(Op::Move(n)) = ops.last_mut() {
                    *n += d;
                } else {
                    ops.push(Op::Move(d));
                }
            }
            b'.' => ops.push(Op::Out),
            b',' => ops.push(Op::In),
            b'[' => {
                stack.push((ops.len(), i));
                ops.push(Op::JumpIfZero(0));
            }
            b']' => {
                let (open, _) = stack
                    .pop()
                    .ok_or_else(|| format!("unmatched `]` at byte {i}"))?;
                ops[open] = Op::JumpIfZero(ops.len());
                ops.push(Op::JumpBack(open));
            }
            _ => {}
        }
    }
    if let Some((_, at)) = stack.pop() {
        return Err(format!("unmatched `[` at byte {at}"));
    }
    Ok(Program {
        ops,
        jit_id: metatracer::JitIdentity::new(),
    })
}

thread_local! {
    static OUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Prints one byte (buffered; see [`flush`]).
fn out(b: u8) {
    OUT.with(|o| {
        let mut o = o.borrow_mut();
        o.push(b);
        if o.len() >= 1 << 16 {
            let _ = std::io::stdout().write_all(&o);
            o.clear();
        }
    });
}

/// Reads one byte of input, 0 at end of input.
fn input() -> u8 {
    flush();
    let mut b = [0u8];
    match std::io::stdin().read(&mut b) {
        Ok(1) => b[0],
        _ => 0,
    }
}

/// Writes buffered output to stdout.
pub fn flush() {
    OUT.with(|o| {
        let mut o = o.borrow_mut();
        let _ = std::io::stdout().write_all(&o);
        let _ = std::io::stdout().flush();
        o.clear();
    });
}

/// Takes the buffered output instead of printing it (tests).
pub fn take_output() -> Vec<u8> {
    OUT.with(|o| std::mem::take(&mut *o.borrow_mut()))
}

/// Runs a program on a tape: the interpreter, and the JIT's portal.
#[metatracer::jit_merge_point]
pub fn run(#[green] program: &Program, tape: &mut Tape) {
    #[green]
    let mut pc: usize = 0;
    while pc < program.ops.len() {
        match program.ops[pc] {
            Op::Add(n) => tape.cells[tape.pos] = tape.cells[tape.pos].wrapping_add(n),
            Op::Move(n) => {
                let to = tape.pos as isize + n;
                if to < 0 || to >= tape.cells.len() as isize {
                    // Off the tape: a guest error the caller reports (`Tape::fault`).
                    tape.fault = pc + 1;
                    return;
                }
                tape.pos = to as usize;
            }
            Op::Out => out(tape.cells[tape.pos]),
            Op::In => tape.cells[tape.pos] = input(),
            Op::JumpIfZero(target) => {
                if tape.cells[tape.pos] == 0 {
                    pc = target;
                }
            }
            Op::JumpBack(target) => {
                if tape.cells[tape.pos] != 0 {
                    pc = target;
                    metatracer::can_enter_jit!();
                }
            }
        }
        pc += 1;
    }
}

/// The tutorial (`docs/tutorial.md`), compiled and run as doc tests.
#[doc = include_str!("../../../docs/tutorial.md")]
pub mod tutorial {}
