//! Vec2: a small language of integers, floats and 2-D vectors, interpreted by a stack machine
//! whose frame is *virtualizable*: while a compiled loop runs, the frame's stack pointer and
//! its slots (locals, then the value stack) live in registers, and the frame in memory is
//! brought up to date only when the loop leaves (a failed guard, a residual call).
//!
//! Written as a newcomer writes Rust: a tagged [`Value`] with inherent methods returning
//! `Result<Value, Fault>`, a [`Frame`] with `push`/`pop` methods and `?` between them, `match`
//! on the opcode and `if let` on results. The JIT annotations are `#[derive(Layout)]` plus
//! `#[virtualizable]` on the frame, `#[look_inside]` on the `impl` blocks, `#[green]` on the
//! program counter, `promote` of the stack depth (the same at every visit of a `pc`) and
//! `can_enter_jit!()` at backward jumps.
//!
//! Assumptions: a program is compiled by [`compile`] (so jumps stay inside the code and the
//! stack depth at each instruction is fixed); the frame's slots are allocated once with the
//! size the compiler computed, so indexing never reallocates.

mod compile;

pub use compile::{compile, CompileError};
use std::fmt;
use std::io::Write;

/// Tag of an integer [`Value`].
pub const INT: i64 = 0;
/// Tag of a float [`Value`].
pub const FLOAT: i64 = 1;
/// Tag of a 2-D vector [`Value`].
pub const VEC: i64 = 2;

/// A guest value: a tag and the fields the tag says are meaningful (`i` for integers, `x`
/// for floats, `x` and `y` for vectors). A register value for the JIT: traced code keeps its
/// four words in registers and loads or stores it field by field.
#[derive(Clone, Copy, Debug, PartialEq, metatracer::RegValue)]
pub struct Value {
    /// [`INT`], [`FLOAT`] or [`VEC`].
    pub tag: i64,
    /// The integer.
    pub i: i64,
    /// The float, or the vector's x.
    pub x: f64,
    /// The vector's y.
    pub y: f64,
}

/// A run-time error: which one, as a code (a register value, so `Result<Value, Fault>`
/// stays in registers in traced code).
#[derive(Clone, Copy, Debug, PartialEq, Eq, metatracer::RegValue)]
pub struct Fault {
    /// One of the `Fault::*` constants.
    pub code: u32,
}

impl Fault {
    /// An operand has the wrong type.
    pub const TYPE: Fault = Fault { code: 1 };
    /// Integer division or remainder by zero.
    pub const DIV_ZERO: Fault = Fault { code: 2 };
    /// The value stack is full.
    pub const OVERFLOW: Fault = Fault { code: 3 };

    /// The message printed for it.
    pub fn message(&self) -> &'static str {
        match self.code {
            1 => "operand of the wrong type",
            2 => "division by zero",
            _ => "value stack overflow",
        }
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for Fault {}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.tag {
            INT => write!(f, "{}", self.i),
            FLOAT => write!(f, "{:?}", self.x),
            _ => write!(f, "vec({:?}, {:?})", self.x, self.y),
        }
    }
}

/// Constructors and arithmetic. Traced code inlines these (`#[look_inside]`); `self` is
/// taken by value, as for any small `Copy` type.
#[metatracer::look_inside]
impl Value {
    /// An integer.
    pub fn int(i: i64) -> Value {
        Value {
            tag: INT,
            i,
            x: 0.0,
            y: 0.0,
        }
    }

    /// A float.
    pub fn float(x: f64) -> Value {
        Value {
            tag: FLOAT,
            i: 0,
            x,
            y: 0.0,
        }
    }

    /// A vector.
    pub fn vec(x: f64, y: f64) -> Value {
        Value {
            tag: VEC,
            i: 0,
            x,
            y,
        }
    }

    /// The number as a float (integers convert); an error for vectors.
    pub fn as_float(self) -> Result<f64, Fault> {
        match self.tag {
            INT => Ok(self.i as f64),
            FLOAT => Ok(self.x),
            _ => Err(Fault::TYPE),
        }
    }

    /// Whether the value counts as true (`while`, `if`): a nonzero number, or any vector.
    pub fn truthy(self) -> bool {
        match self.tag {
            INT => self.i != 0,
            FLOAT => self.x != 0.0,
            _ => true,
        }
    }

    /// `self + other` (`sub`: `self - other`): integers stay integers, a float makes a float,
    /// two vectors add component-wise.
    pub fn add(self, other: Value, sub: bool) -> Result<Value, Fault> {
        let sign = if sub { -1.0 } else { 1.0 };
        if self.tag == INT && other.tag == INT {
            let r = if sub {
                self.i.wrapping_sub(other.i)
            } else {
                self.i.wrapping_add(other.i)
            };
            return Ok(Value::int(r));
        }
        if self.tag == VEC && other.tag == VEC {
            return Ok(Value::vec(self.x + sign * other.x, self.y + sign * other.y));
        }
        let a = self.as_float()?;
        let b = other.as_float()?;
        Ok(Value::float(a + sign * b))
    }

    /// `self * other`: numbers multiply, a vector scales by a number (either side), two
    /// vectors give their dot product.
    pub fn times(self, other: Value) -> Result<Value, Fault> {
        if self.tag == INT && other.tag == INT {
            return Ok(Value::int(self.i.wrapping_mul(other.i)));
        }
        if self.tag == VEC && other.tag == VEC {
            return Ok(Value::float(self.x * other.x + self.y * other.y));
        }
        if self.tag == VEC {
            let k = other.as_float()?;
            return Ok(Value::vec(self.x * k, self.y * k));
        }
        if other.tag == VEC {
            let k = self.as_float()?;
            return Ok(Value::vec(other.x * k, other.y * k));
        }
        Ok(Value::float(self.as_float()? * other.as_float()?))
    }

    /// `self / other`: truncating for integers (an error for 0), float division otherwise;
    /// a vector divides by a number.
    pub fn quotient(self, other: Value) -> Result<Value, Fault> {
        if self.tag == INT && other.tag == INT {
            if other.i == 0 {
                return Err(Fault::DIV_ZERO);
            }
            return Ok(Value::int(self.i.wrapping_div(other.i)));
        }
        let k = other.as_float()?;
        if self.tag == VEC {
            return Ok(Value::vec(self.x / k, self.y / k));
        }
        Ok(Value::float(self.as_float()? / k))
    }

    /// Compares two numbers; `op` is one of the `CMP_*` constants. Vectors compare only for
    /// (in)equality.
    pub fn compare(self, other: Value, op: u8) -> Result<bool, Fault> {
        if self.tag == VEC || other.tag == VEC {
            let same = self.tag == other.tag && self.x == other.x && self.y == other.y;
            return match op {
                CMP_EQ => Ok(same),
                CMP_NE => Ok(!same),
                _ => Err(Fault::TYPE),
            };
        }
        let r = if self.tag == INT && other.tag == INT {
            let (a, b) = (self.i, other.i);
            match op {
                CMP_LT => a < b,
                CMP_LE => a <= b,
                CMP_GT => a > b,
                CMP_GE => a >= b,
                CMP_EQ => a == b,
                _ => a != b,
            }
        } else {
            let (a, b) = (self.as_float()?, other.as_float()?);
            match op {
                CMP_LT => a < b,
                CMP_LE => a <= b,
                CMP_GT => a > b,
                CMP_GE => a >= b,
                CMP_EQ => a == b,
                _ => a != b,
            }
        };
        Ok(r)
    }

    /// The vector's component `k` (0: x, 1: y).
    pub fn component(self, k: u8) -> Result<Value, Fault> {
        if self.tag != VEC {
            return Err(Fault::TYPE);
        }
        Ok(Value::float(if k == 0 { self.x } else { self.y }))
    }

    /// `-self`.
    pub fn negated(self) -> Result<Value, Fault> {
        match self.tag {
            INT => Ok(Value::int(self.i.wrapping_neg())),
            FLOAT => Ok(Value::float(-self.x)),
            _ => Ok(Value::vec(-self.x, -self.y)),
        }
    }
}

/// `<`
pub const CMP_LT: u8 = 0;
/// `<=`
pub const CMP_LE: u8 = 1;
/// `>`
pub const CMP_GT: u8 = 2;
/// `>=`
pub const CMP_GE: u8 = 3;
/// `==`
pub const CMP_EQ: u8 = 4;
/// `!=`
pub const CMP_NE: u8 = 5;

/// One instruction of the stack machine.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Op {
    /// Push an integer.
    Int(i64),
    /// Push a float.
    Float(f64),
    /// Push local `n`.
    Load(usize),
    /// Pop into local `n`.
    Store(usize),
    /// Pop `y`, pop `x`, push `vec(x, y)`.
    MakeVec,
    /// Replace a vector by its component (0: x, 1: y).
    Component(u8),
    /// Pop two values, push their sum.
    Add,
    /// Difference.
    Sub,
    /// Product (or scaling, or dot product).
    Mul,
    /// Quotient.
    Div,
    /// Negation of the top value.
    Neg,
    /// Comparison (`CMP_*`), pushing 1 or 0.
    Compare(u8),
    /// Jump to an instruction.
    Jump(usize),
    /// Pop; jump if it is false.
    JumpIfFalse(usize),
    /// Pop and print.
    Print,
    /// Stop.
    Halt,
}

/// A compiled program: the green of the dispatch loop (traces specialise on its bytecode and
/// die with it).
#[derive(Debug, metatracer::Layout)]
pub struct Code {
    /// The instructions.
    pub ops: Vec<Op>,
    /// Number of local variables (the first slots of a frame).
    pub n_locals: usize,
    /// Slots a frame needs: the locals plus the deepest value stack.
    pub n_slots: usize,
    /// Local variable names, by slot (for `Code::dump`).
    pub names: Vec<String>,
    /// The code's identity for the JIT.
    pub jit_id: metatracer::JitIdentity,
}

impl metatracer::JitGreen for Code {
    fn jit_identity(&self) -> &metatracer::JitIdentity {
        &self.jit_id
    }
}

/// The interpreter's frame: locals and value stack in one array, and the stack pointer.
/// `#[virtualizable]`: compiled loops keep `sp` and the slots in registers.
#[derive(Debug, metatracer::Layout)]
#[virtualizable]
pub struct Frame {
    /// Next free slot (the value stack starts after the locals).
    pub sp: usize,
    /// Locals, then the value stack.
    pub slots: Vec<Value>,
}

impl Frame {
    /// A frame for `code`: its locals are integer 0, its stack is empty.
    pub fn new(code: &Code) -> Frame {
        Frame {
            sp: code.n_locals,
            slots: vec![Value::int(0); code.n_slots.max(1)],
        }
    }

    /// The value of local `n`.
    pub fn local(&self, n: usize) -> Option<Value> {
        self.slots.get(n).copied()
    }
}

/// Stack operations. Traced code inlines them: with the frame virtualizable, a push and the
/// pop that consumes it become register moves.
#[metatracer::look_inside]
impl Frame {
    /// Pushes `v`.
    pub fn push(&mut self, v: Value) -> Result<(), Fault> {
        if self.sp >= self.slots.len() {
            return Err(Fault::OVERFLOW);
        }
        self.slots[self.sp] = v;
        self.sp += 1;
        Ok(())
    }

    /// Pops the top value (the compiler guarantees there is one).
    pub fn pop(&mut self) -> Value {
        self.sp -= 1;
        self.slots[self.sp]
    }

    /// Pops `b`, then `a`, applies `f`'s result: the common shape of binary operators.
    pub fn binary(&mut self, r: Result<Value, Fault>) -> Result<(), Fault> {
        let v = r?;
        self.push(v)
    }
}

/// Prints a value (a residual call: formatting is not traced).
#[metatracer::dont_look_inside]
fn print_value(v: Value) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{v}");
}

/// The guest position as logs and the trace viewer show it.
pub fn location(code: &Code, pc: usize) -> String {
    match code.ops.get(pc) {
        Some(op) => format!("pc {pc}: {op:?}"),
        None => format!("pc {pc}: (end)"),
    }
}

/// Runs `code` on `frame` until `Halt`. Returns 0, or the code of the [`Fault`] that stopped
/// it (see [`execute`]).
#[metatracer::jit_merge_point(get_printable_location = location)]
pub fn run(#[green] code: &Code, frame: &mut Frame) -> u32 {
    #[green]
    let mut pc: usize = 0;
    loop {
        // The stack depth is the same at every visit of a `pc`: as a constant, the trace
        // addresses the stack top and the locals from one root.
        metatracer::promote(frame.sp);
        let step: Result<(), Fault> = match code.ops[pc] {
            Op::Int(i) => {
                let v = Value::int(i);
                frame.push(v)
            }
            Op::Float(x) => {
                let v = Value::float(x);
                frame.push(v)
            }
            Op::Load(n) => {
                let v = frame.slots[n];
                frame.push(v)
            }
            Op::Store(n) => {
                let v = frame.pop();
                frame.slots[n] = v;
                Ok(())
            }
            Op::MakeVec => {
                let y = frame.pop();
                let x = frame.pop();
                match (x.as_float(), y.as_float()) {
                    (Ok(x), Ok(y)) => {
                        let v = Value::vec(x, y);
                        frame.push(v)
                    }
                    _ => Err(Fault::TYPE),
                }
            }
            Op::Component(k) => {
                let v = frame.pop();
                let r = v.component(k);
                frame.binary(r)
            }
            Op::Add => {
                let b = frame.pop();
                let a = frame.pop();
                let r = a.add(b, false);
                frame.binary(r)
            }
            Op::Sub => {
                let b = frame.pop();
                let a = frame.pop();
                let r = a.add(b, true);
                frame.binary(r)
            }
            Op::Mul => {
                let b = frame.pop();
                let a = frame.pop();
                let r = a.times(b);
                frame.binary(r)
            }
            Op::Div => {
                let b = frame.pop();
                let a = frame.pop();
                let r = a.quotient(b);
                frame.binary(r)
            }
            Op::Neg => {
                let a = frame.pop();
                let r = a.negated();
                frame.binary(r)
            }
            Op::Compare(op) => {
                let b = frame.pop();
                let a = frame.pop();
                match a.compare(b, op) {
                    Ok(t) => {
                        let v = Value::int(t as i64);
                        frame.push(v)
                    }
                    Err(e) => Err(e),
                }
            }
            Op::Jump(target) => {
                if target <= pc {
                    metatracer::can_enter_jit!();
                }
                pc = target;
                continue;
            }
            Op::JumpIfFalse(target) => {
                let v = frame.pop();
                if v.truthy() {
                    pc += 1;
                } else {
                    pc = target;
                }
                continue;
            }
            Op::Print => {
                let v = frame.pop();
                print_value(v);
                Ok(())
            }
            Op::Halt => return 0,
        };
        if let Err(fault) = step {
            return fault.code;
        }
        pc += 1;
    }
}

/// Runs `code` on `frame` (see [`run`]), as a `Result`.
pub fn execute(code: &Code, frame: &mut Frame) -> Result<(), Fault> {
    match run(code, frame) {
        0 => Ok(()),
        code => Err(Fault { code }),
    }
}
