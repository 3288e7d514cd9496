//! Tiny: a small language with integers, floats, local variables, `while`, `if`, functions
//! and heap-allocated pairs, interpreted by a plain bytecode loop annotated for metatracer.
//!
//! Values live on one stack of [`Value`]s (tag plus one field per representation); guest
//! calls push a [`FrameRec`] in the dispatch loop itself, so a call does not recurse in Rust
//! and the JIT traces through calls and returns. The entry of a recursive function is a JIT
//! entry point (`can_enter_jit!()`), so recursion compiles to function-entry traces. The position in the guest program is
//! `(program, func, pc)`, all `#[green]`; `base` (the current frame's first slot) and the
//! machine are red. Pairs are allocated with `metatracer::gc::alloc`.
//!
//! Rooting: the value slots are a [`metatracer::gc::ScanRegion`] (an array on the Rust heap
//! that the collector scans conservatively up to a live length), so pairs referenced from
//! slots below `sp` stay alive and pinned. The only allocation site, `new_pair`, publishes
//! `sp` as the live length first; slots at or above `sp` are dead, and a slot's `o` is only
//! meaningful when its tag is [`OBJ`] (pushing an integer leaves a stale `o`), so [`Value`]
//! traces `o` only for `OBJ` values.

mod compile;

pub use compile::compile;
use metatracer::gc::Gc;
use std::io::Write;

/// Tags of [`Value`].
pub const INT: i64 = 0;
/// Float tag.
pub const FLOAT: i64 = 1;
/// Pair tag.
pub const OBJ: i64 = 2;

/// One bytecode instruction.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Op {
    /// Push an integer.
    PushInt(i64),
    /// Push a float.
    PushFloat(f64),
    /// Push local `n`.
    Load(usize),
    /// Pop into local `n`.
    Store(usize),
    /// Drop the top value.
    Pop,
    /// Arithmetic on the two top values (ints, or floats if either is a float).
    Add,
    /// See [`Op::Add`].
    Sub,
    /// See [`Op::Add`].
    Mul,
    /// Division (truncating for ints).
    Div,
    /// Remainder (ints only).
    Mod,
    /// Comparisons push 1 or 0.
    Lt,
    /// See [`Op::Lt`].
    Le,
    /// See [`Op::Lt`].
    Gt,
    /// See [`Op::Lt`].
    Ge,
    /// See [`Op::Lt`].
    Eq,
    /// See [`Op::Lt`].
    Ne,
    /// Jump.
    Jump(usize),
    /// Pop; jump if zero.
    JumpIfFalse(usize),
    /// Call function `.0` with `.1` arguments on the stack.
    Call(usize, usize),
    /// Return the top value.
    Return,
    /// Pop and print.
    Print,
    /// Pop two values, push a new pair of them.
    Pair,
    /// Replace a pair by its field 0 or 1.
    GetField(usize),
}

/// A compiled function.
#[derive(Debug, metatracer::Layout)]
pub struct Func {
    /// Its name.
    pub name: String,
    /// Number of parameters (the first locals).
    pub n_params: usize,
    /// Number of locals including parameters.
    pub n_locals: usize,
    /// Slots a call of it may use: its locals plus its deepest operand stack (the interpreter
    /// checks that they fit before entering it, so deep recursion is an error, not a panic).
    pub frame_size: usize,
    /// It can call itself (directly or through other functions): its entry is a place to
    /// start a trace (`can_enter_jit!()` there; see [`run`]).
    pub recursive: bool,
    /// The bytecode.
    pub ops: Vec<Op>,
}

/// A compiled program; function 0 is `main`.
///
/// It is the green `program` of [`run`]: traces specialise on its bytecode, and its
/// [`JitIdentity`](metatracer::JitIdentity) ties them to this object (they are freed when it
/// is dropped, and a program compiled later at the same address does not run them).
#[derive(Debug, metatracer::Layout)]
pub struct Program {
    /// The functions.
    pub funcs: Vec<Func>,
    /// The program's identity for the JIT.
    pub jit_id: metatracer::JitIdentity,
}

impl metatracer::JitGreen for Program {
    fn jit_identity(&self) -> &metatracer::JitIdentity {
        &self.jit_id
    }
}

/// A guest value: the tag says which field is meaningful. A register value in traced code
/// (`RegValue`: four registers), so a pair can be built from two of them in registers.
#[derive(Clone, Copy, Debug, metatracer::Layout, metatracer::RegValue)]
pub struct Value {
    /// [`INT`], [`FLOAT`] or [`OBJ`].
    pub tag: i64,
    /// The integer.
    pub i: i64,
    /// The float.
    pub f: f64,
    /// The pair.
    pub o: Option<Gc<PairObj>>,
}

// SAFETY: the only reference is `o`, and it is visited whenever it is meaningful (tag `OBJ`).
// A non-`OBJ` value's `o` may be stale (a dead object's address left by an earlier `OBJ` in the
// same slot) and is never dereferenced, so it must not be traced.
unsafe impl metatracer::gc::Trace for Value {
    const HAS_REFS: bool = true;
    #[inline]
    fn trace(&self, tracer: &mut metatracer::gc::Tracer) {
        if self.tag == OBJ {
            if let Some(p) = &self.o {
                tracer.visit(p);
            }
        }
    }
}

/// A heap-allocated pair (immutable). A register value too, so that traced code allocates
/// it with a `new` the optimizer can remove (`new_pair`).
#[derive(Clone, Copy, Debug, metatracer::Layout, metatracer::RegValue, metatracer::Trace)]
#[reg_value(in_memory)]
pub struct PairObj {
    /// Field 0.
    pub a: Value,
    /// Field 1.
    pub b: Value,
}

/// A saved caller frame.
#[derive(Clone, Copy, Debug, Default, metatracer::Layout)]
pub struct FrameRec {
    /// Caller function.
    pub func: usize,
    /// Where the caller continues.
    pub pc: usize,
    /// Caller's first slot.
    pub base: usize,
}

/// Number of value slots.
pub const STACK: usize = 50_000;

/// The value slots as the interpreter (and the JIT) sees them: a plain array.
pub type Slots = [Value; STACK];

/// The value slots with their registration as a root: the collector scans them
/// conservatively up to the live length `new_pair` sets (so the pairs they reference stay
/// alive and are not moved; see the rooting rule in `metatracer::gc`).
pub type SlotRegion = metatracer::gc::ScanRegion<Value, STACK>;

/// The machine's memory: the value slots (a GC scan region) and the saved frames. The
/// [`Machine`] borrows both, so that the machine itself is a small virtualizable frame.
pub struct Memory {
    /// The value slots.
    pub slots: SlotRegion,
    /// Saved frames (room for 10000 nested calls).
    pub frames: Vec<FrameRec>,
}

/// Fresh zeroed slots on the Rust heap and an empty frame stack (keep them alive as long as
/// the machine).
pub fn new_slots() -> Memory {
    Memory {
        slots: SlotRegion::new(Value {
            tag: INT,
            i: 0,
            f: 0.0,
            o: None,
        }),
        frames: vec![FrameRec::default(); 10_000],
    }
}

/// The machine: value stack and frame stack.
///
/// `#[virtualizable]`, with the value slots as its `#[frame_array]`: while a compiled loop
/// runs, `sp`, `fp` and the slots it touches live in registers, and memory is brought up to
/// date when the loop leaves (a failed guard, a residual call that may read memory). The
/// slots are reached only through `stack` in traced code (`print_value` and the collector
/// read them from memory, after the write-back).
#[derive(metatracer::Layout)]
#[virtualizable]
pub struct Machine<'a> {
    /// Value slots.
    #[frame_array]
    pub stack: &'a mut Slots,
    /// Next free slot.
    pub sp: usize,
    /// Saved frames (a second array, so behind a pointer: a virtualizable frame keeps one
    /// array in registers).
    pub frames: &'a mut Vec<FrameRec>,
    /// Number of saved frames.
    pub fp: usize,
    /// How many slots the collector scans (set to `sp` before allocating).
    pub live: &'a std::cell::Cell<usize>,
}

impl<'a> Machine<'a> {
    /// A machine over `mem`.
    pub fn new(mem: &'a mut Memory) -> Self {
        let (stack, live) = mem.slots.split();
        Machine {
            stack,
            sp: 0,
            frames: &mut mem.frames,
            fp: 0,
            live,
        }
    }
}

fn show(v: &Value, out: &mut String) {
    match v.tag {
        INT => out.push_str(&v.i.to_string()),
        FLOAT => out.push_str(&format!("{:?}", v.f)),
        _ => match v.o {
            Some(p) => {
                out.push('(');
                show(&p.a, out);
                out.push_str(", ");
                show(&p.b, out);
                out.push(')');
            }
            None => out.push_str("nil"),
        },
    }
}

/// Prints the value in slot `i`.
#[metatracer::dont_look_inside]
fn print_value(m: &mut Machine, i: usize) {
    let mut s = String::new();
    show(&m.stack[i], &mut s);
    s.push('\n');
    let _ = std::io::stdout().lock().write_all(s.as_bytes());
}

/// Reports a run-time error and exits with status 1.
#[metatracer::dont_look_inside]
fn fail(code: u32) {
    let msg = match code {
        0 => "arithmetic on a pair",
        1 => "division by zero",
        2 => "field access on a number",
        3 => "`%` needs integers",
        _ => "stack overflow (recursion too deep)",
    };
    let _ = std::io::stdout().flush();
    eprintln!("tiny: runtime error: {msg}");
    std::process::exit(1);
}

/// Reads a slot field by field: traced code writes slots one 8-byte field at a time, and a
/// wider load of freshly stored fields stalls the CPU (store forwarding fails).
#[inline(always)]
fn read_slot(v: &Value) -> Value {
    // SAFETY: each field is a valid, aligned, initialized value of `v`.
    unsafe {
        Value {
            tag: std::ptr::read_volatile(&v.tag),
            i: std::ptr::read_volatile(&v.i),
            f: std::ptr::read_volatile(&v.f),
            o: std::ptr::read_volatile(&v.o),
        }
    }
}

/// A new pair of the values in slots `a` and `a + 1`.
///
/// `#[look_inside]`: traced code allocates the pair itself (a `new` and the stores of its
/// eight words), so a pair that does not outlive a loop iteration is never allocated in the
/// optimized trace (allocation removal, `opt/virtualize.rs`).
#[metatracer::look_inside]
fn new_pair(m: &mut Machine, a: usize) -> Option<Gc<PairObj>> {
    // (the interpreter reads the slots field by field, see `read_slot`; traces load the
    // same four words either way)
    let (pa, pb): (Value, Value) = if metatracer::we_are_jitted() {
        (m.stack[a], m.stack[a + 1])
    } else {
        (read_slot(&m.stack[a]), read_slot(&m.stack[a + 1]))
    };
    // The two operands are the top of the stack: everything above them is dead, so the
    // collector need not scan it.
    (*m.live).set(a + 2);
    Some(metatracer::gc::alloc(PairObj { a: pa, b: pb }))
}

/// Copies slot `src` to slot `dst`.
#[metatracer::look_inside]
fn copy(m: &mut Machine, dst: usize, src: usize) {
    m.stack[dst].tag = m.stack[src].tag;
    m.stack[dst].i = m.stack[src].i;
    m.stack[dst].f = m.stack[src].f;
    m.stack[dst].o = m.stack[src].o;
}

/// The value in slot `i` as a float (an error for pairs).
#[metatracer::look_inside]
fn as_float(m: &mut Machine, i: usize) -> f64 {
    if m.stack[i].tag == INT {
        m.stack[i].i as f64
    } else {
        if m.stack[i].tag != FLOAT {
            fail(0);
        }
        m.stack[i].f
    }
}

/// Integer division (`rem`: the remainder) with Rust's wrapping rules; 0 for a zero divisor,
/// which the caller reports as a guest error first.
///
/// `#[look_inside]`: traced code divides inline (`int_div`/`int_mod`), and the tests of `b`
/// fold when the divisor is a constant, as in `x % 10`; the backend then divides by a
/// multiply (`docs/backend.md`, "Division by a constant"). `-1` is handled apart so that the
/// `/` and `%` below never overflow (`MIN / -1` wraps to `MIN`, `MIN % -1` is 0).
#[metatracer::look_inside]
fn int_div(a: i64, b: i64, rem: bool) -> i64 {
    if b == 0 {
        return 0;
    }
    if b == -1 {
        if rem {
            return 0;
        }
        let zero: i64 = 0;
        return zero.wrapping_sub(a);
    }
    if rem {
        a % b
    } else {
        a / b
    }
}

/// The guest position `(program, func, pc)` as logs and the trace viewer show it: the
/// function's name, the pc and the instruction (`main pc 6: LoadLocal(0)`).
pub fn location(program: &Program, func: usize, pc: usize) -> String {
    match program.funcs.get(func) {
        Some(f) => match f.ops.get(pc) {
            Some(op) => format!("{} pc {pc}: {op:?}", f.name),
            None => format!("{} pc {pc}: (end)", f.name),
        },
        None => format!("function {func} pc {pc}"),
    }
}

/// Runs `main`: the interpreter, and the JIT's portal. Returns main's result as an integer.
#[metatracer::jit_merge_point(get_printable_location = location)]
pub fn run(#[green] program: &Program, m: &mut Machine) -> i64 {
    #[green]
    let mut func: usize = 0;
    #[green]
    let mut pc: usize = 0;
    let mut base: usize = 0;
    m.sp = program.funcs[0].n_locals;
    loop {
        // The stack depth is the same whenever the guest is at this `pc`: promoting it lets
        // traces address the stack top and the locals from one root (`base`). No cost in the
        // interpreter (`promote` is the identity there).
        metatracer::promote(m.sp - base);
        match program.funcs[func].ops[pc] {
            Op::PushInt(v) => {
                m.stack[m.sp].tag = INT;
                m.stack[m.sp].i = v;
                m.sp += 1;
                pc += 1;
            }
            Op::PushFloat(v) => {
                m.stack[m.sp].tag = FLOAT;
                m.stack[m.sp].f = v;
                m.sp += 1;
                pc += 1;
            }
            Op::Load(slot) => {
                copy(m, m.sp, base + slot);
                m.sp += 1;
                pc += 1;
            }
            Op::Store(slot) => {
                m.sp -= 1;
                copy(m, base + slot, m.sp);
                pc += 1;
            }
            Op::Pop => {
                m.sp -= 1;
                pc += 1;
            }
            Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Mod => {
                let op = &program.funcs[func].ops[pc];
                let b = m.sp - 1;
                let a = m.sp - 2;
                if m.stack[a].tag == INT && m.stack[b].tag == INT {
                    let x = m.stack[a].i;
                    let y = m.stack[b].i;
                    m.stack[a].i = match *op {
                        Op::Add => x.wrapping_add(y),
                        Op::Sub => x.wrapping_sub(y),
                        Op::Mul => x.wrapping_mul(y),
                        Op::Div => {
                            if y == 0 {
                                fail(1);
                            }
                            int_div(x, y, false)
                        }
                        _ => {
                            if y == 0 {
                                fail(1);
                            }
                            int_div(x, y, true)
                        }
                    };
                } else {
                    let x = as_float(m, a);
                    let y = as_float(m, b);
                    m.stack[a].tag = FLOAT;
                    m.stack[a].f = match *op {
                        Op::Add => x + y,
                        Op::Sub => x - y,
                        Op::Mul => x * y,
                        Op::Div => x / y,
                        _ => {
                            fail(3);
                            0.0
                        }
                    };
                }
                m.sp -= 1;
                pc += 1;
            }
            Op::Lt | Op::Le | Op::Gt | Op::Ge | Op::Eq | Op::Ne => {
                let op = &program.funcs[func].ops[pc];
                let b = m.sp - 1;
                let a = m.sp - 2;
                let r = if m.stack[a].tag == INT && m.stack[b].tag == INT {
                    let x = m.stack[a].i;
                    let y = m.stack[b].i;
                    match *op {
                        Op::Lt => x < y,
                        Op::Le => x <= y,
                        Op::Gt => x > y,
                        Op::Ge => x >= y,
                        Op::Eq => x == y,
                        _ => x != y,
                    }
                } else {
                    let x = as_float(m, a);
                    let y = as_float(m, b);
                    match *op {
                        Op::Lt => x < y,
                        Op::Le => x <= y,
                        Op::Gt => x > y,
                        Op::Ge => x >= y,
                        Op::Eq => x == y,
                        _ => x != y,
                    }
                };
                m.stack[a].tag = INT;
                m.stack[a].i = r as i64;
                m.sp -= 1;
                pc += 1;
            }
            Op::Jump(target) => {
                if target <= pc {
                    metatracer::can_enter_jit!();
                }
                pc = target;
            }
            Op::JumpIfFalse(target) => {
                m.sp -= 1;
                let t = m.sp;
                let falsy = if m.stack[t].tag == INT {
                    m.stack[t].i == 0
                } else {
                    m.stack[t].tag == FLOAT && m.stack[t].f == 0.0
                };
                if falsy {
                    pc = target;
                } else {
                    pc += 1;
                }
            }
            Op::Call(f, n) => {
                // Guest recursion that does not fit the frame or value stack is a guest error.
                if m.fp + 1 >= m.frames.len() || m.sp - n + program.funcs[f].frame_size > STACK {
                    fail(4);
                }
                m.frames[m.fp].func = func;
                m.frames[m.fp].pc = pc + 1;
                m.frames[m.fp].base = base;
                m.fp += 1;
                base = m.sp - n;
                let nl = program.funcs[f].n_locals;
                let mut k = n;
                while k < nl {
                    m.stack[base + k].tag = INT;
                    m.stack[base + k].i = 0;
                    k += 1;
                }
                m.sp = base + nl;
                func = f;
                pc = 0;
                // The entry of a recursive function is a place to start a trace too: it has
                // no backward jump of its own, and its trace closes at its own recursive
                // call (the frames are in memory). Other functions are inlined into the
                // traces of their callers' loops (were their entries counted too, a function
                // called from a hot loop would get hot first and its trace would take over
                // the loop). `program` is green: the test folds in traces.
                if program.funcs[f].recursive {
                    metatracer::can_enter_jit!();
                }
            }
            Op::Return => {
                let r = m.sp - 1;
                if m.fp == 0 {
                    return m.stack[r].i;
                }
                copy(m, base, r);
                m.sp = base + 1;
                m.fp -= 1;
                func = m.frames[m.fp].func;
                pc = m.frames[m.fp].pc;
                base = m.frames[m.fp].base;
            }
            Op::Print => {
                m.sp -= 1;
                print_value(m, m.sp);
                pc += 1;
            }
            Op::Pair => {
                let a = m.sp - 2;
                let p = new_pair(m, a);
                m.stack[a].tag = OBJ;
                m.stack[a].o = p;
                m.sp -= 1;
                pc += 1;
            }
            Op::GetField(k) => {
                let top = m.sp - 1;
                match m.stack[top].o {
                    Some(p) => {
                        if m.stack[top].tag != OBJ {
                            fail(2);
                        }
                        if k == 0 {
                            m.stack[top].tag = p.a.tag;
                            m.stack[top].i = p.a.i;
                            m.stack[top].f = p.a.f;
                            m.stack[top].o = p.a.o;
                        } else {
                            m.stack[top].tag = p.b.tag;
                            m.stack[top].i = p.b.i;
                            m.stack[top].f = p.b.f;
                            m.stack[top].o = p.b.o;
                        }
                    }
                    None => fail(2),
                }
                pc += 1;
            }
        }
    }
}
