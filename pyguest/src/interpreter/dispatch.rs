//! The dispatch loop and its driver.
//!
//! [`execute`] is one flat `loop { match op { ... } }`: fetch the instruction at `pc`, call
//! the one handler of [`opcodes`] for its opcode, and act on the [`Stop`] a handler may return
//! (unwind to an exception handler, reload after a frame switch, or leave). The running state
//! is a [`Ctx`]; `pc` stays a local of the loop (with the code object, the position in the
//! guest program). Python-to-Python calls and returns switch `Ctx` to another frame without
//! leaving the loop; [`run_frame`] is the driver that Rust code calls to run a frame to its
//! end (or its next `yield`), handling the returns and errors of entry frames.

use super::exceptions::{add_traceback, unwind};
use super::frame::{release_frame, set_cur};
use super::generators::{inline_gen_failed, is_inline_gen};
use super::opcodes;
use super::{current_frame, PyErr, PyResult};
use crate::compiler::bytecode::Op;
use crate::objects::*;
use crate::value::Value;
use crate::vm::{self, type_error, vm, C};
use metatracer::gc::{Array, Gc};

use super::call::MAX_REENTRY;
use crate::stack::stack_exhausted;

/// The state of the frame being run: the frame, the parts of it every handler reads, and the
/// stack pointer (the frame's own `sp` field is only written when the frame stops running:
/// before a call, a return, a yield or an exception). It lives on the native stack of
/// [`execute`]; the portal [`run_loop`] and the handlers reach it through `&mut Ctx`, so traced
/// code reads and writes its fields as memory (the heap cache keeps them in registers within
/// a trace).
///
/// `Ctx` is the JIT's virtualizable frame (`#[virtualizable]`) and `regs` its array
/// (`#[frame_array]`): a compiled loop keeps `sp` and the register slots it writes in
/// registers and writes them back at its exits (guard failures, residual calls that may read
/// memory). The register array is reached only through `cx.regs` by traced code; code that
/// reaches it through the `FrameObj` (tracebacks, `locals()`, generators, returns) runs in
/// residual calls, which see the written-back values.
#[derive(metatracer::Layout)]
#[virtualizable]
pub(super) struct Ctx {
    pub f: Gc<FrameObj>,
    pub code: Gc<CodeObj>,
    #[frame_array]
    pub regs: Gc<Array<Value>>,
    pub consts: Gc<Array<Value>>,
    pub names: Gc<Array<Value>>,
    /// Number of local variables: the cells start here.
    pub nlocals: usize,
    /// First register of the value stack (after locals and cells).
    pub stack_base: usize,
    /// Next free register of the value stack.
    pub sp: usize,
    /// The value [`run_loop`] leaves with (returned or yielded value, or the exception).
    pub out: Value,
}

/// Why a handler did not simply go on with the next instruction: `kind` is one of the
/// `STOP_*` constants and `v` its value (the exception, or the value returned or yielded).
/// A plain two-word struct, so traced code keeps it in registers.
#[derive(Clone, Copy, metatracer::RegValue)]
pub(super) struct Stop {
    pub kind: u32,
    pub v: Value,
}

/// A Python exception (`v`) at the current instruction.
pub(super) const STOP_RAISE: u32 = 0;
/// `Ctx` now runs another frame (a call or a return); its `pc` is in the frame.
pub(super) const STOP_SWITCH: u32 = 1;
/// `Ctx` switched frames and the new frame raises `v` at its saved `pc` (a class call's
/// `__init__` returned something other than None).
pub(super) const STOP_SWITCH_RAISE: u32 = 2;
/// Leave [`execute`]: a return from an entry frame.
pub(super) const STOP_RETURN: u32 = 3;
/// Leave [`execute`]: a yield.
pub(super) const STOP_YIELD: u32 = 4;
/// Leave [`execute`]: an exception no handler of the frame catches (from [`run_loop`] only).
const STOP_ERROR: u32 = 5;

impl Stop {
    pub const SWITCH: Stop = Stop {
        kind: STOP_SWITCH,
        v: Value::NULL,
    };
    #[inline(always)]
    pub fn raise(e: PyErr) -> Stop {
        Stop {
            kind: STOP_RAISE,
            v: e.0,
        }
    }
    #[inline(always)]
    pub fn switch_raise(e: PyErr) -> Stop {
        Stop {
            kind: STOP_SWITCH_RAISE,
            v: e.0,
        }
    }
    #[inline(always)]
    pub fn ret(v: Value) -> Stop {
        Stop {
            kind: STOP_RETURN,
            v,
        }
    }
    #[inline(always)]
    pub fn yielded(v: Value) -> Stop {
        Stop {
            kind: STOP_YIELD,
            v,
        }
    }
}

impl From<PyErr> for Stop {
    #[inline(always)]
    fn from(e: PyErr) -> Stop {
        Stop::raise(e)
    }
}

/// What a handler returns.
pub(super) type Step = Result<(), Stop>;

// SAFETY: an opcode is one byte; `to_word` gives its number, which `from_word` turns back
// into the same opcode (only words made by `to_word` are passed to it).
unsafe impl metatracer::jit::word::Word for Op {
    const KIND: metatracer::jit::word::Kind = metatracer::jit::word::Kind::Int;
    type Abi = u64;
    #[inline(always)]
    fn to_word(self) -> u64 {
        self as u8 as u64
    }
    #[inline(always)]
    unsafe fn from_word(w: u64) -> Self {
        Op::from_u8(w as u8)
    }
}

// SAFETY: one `Int` word, converted by the `Word` impl above.
unsafe impl metatracer::jit::regs::Regs for Op {
    const WIDTH: usize = 1;
    type Abi0 = u64;
    fn kinds(out: &mut Vec<metatracer::jit::word::Kind>) {
        out.push(metatracer::jit::word::Kind::Int);
    }
    #[inline(always)]
    fn write_words(self, out: &mut [u64]) {
        out[0] = self as u8 as u64;
    }
    #[inline(always)]
    unsafe fn read_words(w: &[u64]) -> Self {
        Op::from_u8(w[0] as u8)
    }
}

#[metatracer::look_inside]
impl Ctx {
    #[inline(always)]
    pub fn push(&mut self, v: Value) {
        self.regs.set(self.sp, v);
        self.sp += 1;
    }

    #[inline(always)]
    pub fn pop(&mut self) -> Value {
        self.sp -= 1;
        self.regs.get(self.sp)
    }

    #[inline(always)]
    pub fn top(&self) -> Value {
        self.regs.get(self.sp - 1)
    }

    /// Runs the fresh frame `nf` of a call from traced code (`opcodes::call_py_fast`, after
    /// the residual part made and linked it): as [`Ctx::load`], with the code object promoted
    /// (its constants, names and register counts are then constants) and the stack empty.
    #[inline(always)]
    pub fn enter_called(&mut self, nf: Gc<FrameObj>) {
        let code = metatracer::promote(nf.code);
        self.enter_code(nf, code);
        self.sp = self.stack_base;
    }

    /// Runs the caller `f` a traced return switched to (`opcodes::return_fast`): as
    /// [`Ctx::load`], with the code object promoted.
    #[inline(always)]
    pub fn enter_caller(&mut self, f: Gc<FrameObj>) {
        let code = metatracer::promote(f.code);
        self.enter_code(f, code);
        self.sp = f.sp.get() as usize;
    }

    /// Runs the caller `f` a return from a virtual frame switched to
    /// (`opcodes::return_virtual`): as [`Ctx::enter_caller`], with its code object and
    /// register array as the callee's frame recorded them (`FrameBox`), so the trace keeps
    /// the values it had before the call.
    #[inline(always)]
    pub fn enter_caller_with(
        &mut self,
        f: Gc<FrameObj>,
        code: Gc<CodeObj>,
        regs: Gc<Array<Value>>,
    ) {
        let code = metatracer::promote(code);
        self.enter_code(f, code);
        self.regs = regs;
        self.sp = f.sp.get() as usize;
    }

    #[inline(always)]
    fn enter_code(&mut self, f: Gc<FrameObj>, code: Gc<CodeObj>) {
        self.f = f;
        self.code = code;
        self.regs = f.regs;
        self.consts = code_consts(code);
        self.names = code_names(code);
        self.nlocals = code_nlocals(code);
        self.stack_base = code_stack_base(code);
        self.out = Value::NULL;
    }
}

/// A code object's constants (elidable: with the code object constant, so is the array).
#[metatracer::elidable]
#[inline(always)]
fn code_consts(code: Gc<CodeObj>) -> Gc<Array<Value>> {
    code.consts
}

/// A code object's names (elidable, as [`code_consts`]).
#[metatracer::elidable]
#[inline(always)]
fn code_names(code: Gc<CodeObj>) -> Gc<Array<Value>> {
    code.names
}

/// A code object's number of locals (`Ctx::nlocals`; elidable).
#[metatracer::elidable]
#[inline(always)]
fn code_nlocals(code: Gc<CodeObj>) -> usize {
    code.d.varnames.len()
}

/// The first value-stack register of a code object's frames (`Ctx::stack_base`; elidable).
#[metatracer::elidable]
#[inline(always)]
pub(super) fn code_stack_base(code: Gc<CodeObj>) -> usize {
    let d = &code.d;
    d.varnames.len() + d.cellvars.len() + d.freevars.len()
}

impl Ctx {
    /// The state for running frame `f` from its saved `sp` (and makes it the current frame).
    #[inline(always)]
    fn load(f: Gc<FrameObj>) -> Ctx {
        set_cur(f);
        let code = f.code;
        let d = &code.d;
        let nlocals = d.varnames.len();
        Ctx {
            f,
            code,
            regs: f.regs,
            consts: code.consts,
            names: code.names,
            nlocals,
            stack_base: nlocals + d.cellvars.len() + d.freevars.len(),
            sp: f.sp.get() as usize,
            out: Value::NULL,
        }
    }

    /// Switches to the new frame `nf` called from the running frame (which has saved its `pc`
    /// and `sp`).
    #[inline(always)]
    pub fn switch_call(&mut self, nf: Gc<FrameObj>) -> Step {
        nf.back.set(Some(self.f));
        nf.exc_depth.set(vm().handled.get().len() as u32);
        *self = Ctx::load(nf);
        Err(Stop::SWITCH)
    }

    /// Switches to frame `f` (a caller being returned to; its `pc` and `sp` are saved).
    #[inline(always)]
    pub fn switch_to(&mut self, f: Gc<FrameObj>) {
        *self = Ctx::load(f);
    }
}

/// The instruction word at `pc` of `code`. Elidable: code objects never change their
/// instructions, so with the code object and `pc` green (constants in a trace) it folds away.
#[metatracer::elidable]
#[inline(always)]
fn instr(code: Gc<CodeObj>, pc: usize) -> u32 {
    code.d.code[pc]
}

/// The opcode of an instruction word (elidable: folds with the word).
#[metatracer::elidable]
#[inline(always)]
fn decode(w: u32) -> Op {
    Op::from_u8(w as u8)
}

fn trace_ops() -> bool {
    thread_local! { static T: bool = std::env::var_os("PYGUEST_TRACE").is_some(); }
    T.with(|t| *t)
}

/// Whether this build can print each instruction (`PYGUEST_TRACE`, debug builds only; the
/// instructions the JIT runs, traced, compiled or in the blackhole, are not printed).
const DEBUG_TRACE: bool = cfg!(debug_assertions);

/// Prints one instruction for `PYGUEST_TRACE`.
#[metatracer::dont_look_inside]
fn print_op(pc: usize, w: u32, sp: usize) {
    if trace_ops() {
        eprintln!(
            "  {:>4} {:<20} {:<5} sp={}",
            pc,
            Op::from_u8(w as u8).name(),
            w >> 8,
            sp
        );
    }
}

/// The guest position of a trace: `file:line function #pc OPCODE  | source text` (the JIT's
/// logs and the trace viewer).
fn location(code: Gc<CodeObj>, pc: usize) -> String {
    let d = &code.d;
    match d.code.get(pc) {
        Some(&w) => {
            let line = d.lines.get(pc).copied().unwrap_or(d.firstline);
            let text = crate::import::source_line(&d.filename, line)
                .map(|t| format!("  | {}", t.trim()))
                .unwrap_or_default();
            format!(
                "{}:{} {} #{} {}{}",
                d.filename,
                line,
                d.name,
                pc,
                Op::from_u8(w as u8).name(),
                text
            )
        }
        None => format!("{} #{pc}", d.name),
    }
}

/// Unwinds an exception raised in the running frame at its saved `pc`: to a handler of the
/// frame (true; `Ctx` goes on there) or out of it (false; the exception is in `cx.out`).
#[metatracer::dont_look_inside]
fn raise_here(cx: &mut Ctx, e: Value) -> bool {
    match unwind(cx.f, PyErr(e)) {
        Ok(()) => {
            cx.sp = cx.f.sp.get() as usize;
            true
        }
        Err(e) => {
            cx.out = e.0;
            false
        }
    }
}

/// Runs frames starting with `*fr`, raising `pending` in it first if given. Calls of Python
/// functions and returns to a caller that is not an entry frame switch frames inside
/// [`run_loop`], without leaving it; `*fr` is always the frame being run, so when a [`Flow`]
/// comes back to [`run_frame`], it names the frame the flow is about.
pub(super) fn execute(fr: &mut Gc<FrameObj>, pending: Option<PyErr>) -> Flow {
    let mut cx = Ctx::load(*fr);
    if let Some(e) = pending {
        if let Err(e) = unwind(cx.f, e) {
            return Flow::Err(e);
        }
        cx.sp = cx.f.sp.get() as usize;
    }
    let kind = run_loop(&mut cx);
    *fr = cx.f;
    match kind {
        STOP_RETURN => Flow::Return(cx.out),
        STOP_YIELD => Flow::Yield(cx.out),
        _ => Flow::Err(PyErr(cx.out)),
    }
}

/// What an arm of [`run_loop`] gives: `GO_ON` (next instruction) or a `STOP_*` kind plus one,
/// with the stop's value in `cx.out` (one word, so a handler left as a residual call in
/// traces returns it in one register).
const GO_ON: u32 = 0;

/// A handler's [`Stop`] as an arm's result.
#[metatracer::look_inside]
#[inline(always)]
fn stop_code(cx: &mut Ctx, s: Stop) -> u32 {
    cx.out = s.v;
    s.kind + 1
}

/// A handler's [`Step`] as an arm's result.
#[metatracer::look_inside]
#[inline(always)]
fn pack(cx: &mut Ctx, r: Step) -> u32 {
    match r {
        Ok(_) => GO_ON,
        Err(s) => stop_code(cx, s),
    }
}

/// [`pack`] for an operation that popped two operands and pushed one result. In traces, when
/// it succeeded, the right operand's slot (now above the top) is cleared: the interpreter
/// never reads it again, but the frame's registers are written back at a loop's exits and
/// back edge, and a dead temporary left there (a float product before `+=`) would make its
/// box escape, an allocation per iteration; NULL is a constant store instead.
#[metatracer::look_inside]
#[inline(always)]
fn pack_binary(cx: &mut Ctx, r: Step) -> u32 {
    match r {
        Ok(_) => {
            if metatracer::we_are_jitted() {
                cx.regs.set(cx.sp, Value::NULL);
            }
            GO_ON
        }
        Err(s) => stop_code(cx, s),
    }
}

/// Never called: a frame's register array is never shorter than its code object's
/// registers (`run_loop`'s check in traces, which guards it).
#[metatracer::dont_look_inside]
#[inline(never)]
#[cold]
fn registers_too_short() {
    unreachable!("a frame's register array is shorter than its code object's registers");
}

/// A guest backward jump: where the interpreter delivers pending signals (Ctrl-C) in a loop
/// that makes no call, as CPython does at `JUMP_BACKWARD` (one relaxed load when none is
/// pending). Not in jitcode (`we_are_jitted`: the branch folds away): a compiled loop tests
/// the JIT's interrupt flag at its top instead (`metatracer::interrupt`, which the signal
/// handler sets) and leaves for the interpreter, which polls here at its next backward jump.
/// Gives `GO_ON`, or the stop code of the exception a handler raised (at the jump).
#[metatracer::look_inside]
#[inline(always)]
fn back_edge(cx: &mut Ctx) -> u32 {
    if !metatracer::we_are_jitted() && metatracer::interrupt::pending() {
        let s = poll_at_jump();
        pack(cx, s)
    } else {
        GO_ON
    }
}

/// Runs the pending signal handlers (`back_edge`).
#[metatracer::dont_look_inside]
#[inline(never)]
fn poll_at_jump() -> Step {
    crate::vm::poll_signals().map_err(Stop::raise)
}

/// Runs a handler the JIT does not trace: in traces the whole expression is one residual
/// call (the mirror turns a macro into a call of a closure over the locals it names) whose
/// result is one word.
macro_rules! native {
    ($cx:ident, $e:expr) => {{
        let r = $e;
        pack($cx, r)
    }};
}

/// The dispatch loop, and the JIT's portal: fetch the instruction at `pc` of `code` (both
/// green: the guest position), call its handler, act on the [`Stop`] it may return. Returns
/// why it left (`STOP_RETURN`, `STOP_YIELD` or `STOP_ERROR`) with the value in `cx.out`.
#[metatracer::jit_merge_point(get_printable_location = location)]
fn run_loop(cx: &mut Ctx) -> u32 {
    #[green]
    let mut code: Gc<CodeObj> = cx.code;
    #[green]
    let mut pc: usize = cx.f.pc.get() as usize;
    loop {
        if metatracer::we_are_jitted() {
            // The stack depth at a `pc` of a code object is fixed by the compiler: as a
            // constant, every stack slot is the register array plus a constant offset, so the
            // tracer forwards a slot's loads from its pending stores instead of performing
            // them first (one `guard_value` per trace entry; a constant stays one for free).
            cx.sp = metatracer::promote(cx.sp);
            // The register array holds at least the code object's registers (a constant; a
            // virtual frame's array may be longer): one guard on its length here lets the
            // optimizer drop the bounds check of every register access at a constant index
            // below it (a compare and a guard per access before).
            if cx.regs.len() < super::opcodes_calls::code_nregs(code) {
                registers_too_short();
            }
        }
        let w = instr(code, pc);
        // (not in jitcode: the residual call would make traces of debug builds perform their
        // pending stores at every instruction; compiled code prints nothing either)
        if DEBUG_TRACE && !metatracer::we_are_jitted() {
            print_op(pc, w, cx.sp);
        }
        pc += 1;
        let arg = w >> 8;
        let step = match decode(w) {
            Op::NOP | Op::GEN_START | Op::SETUP_ANNOTATIONS => GO_ON,
            Op::POP_TOP => {
                let s = opcodes::pop_top(cx);
                pack(cx, s)
            }
            Op::ROT_TWO => {
                let s = opcodes::rot_two(cx);
                pack(cx, s)
            }
            Op::ROT_THREE => {
                let s = opcodes::rot_three(cx);
                pack(cx, s)
            }
            Op::ROT_FOUR => {
                let s = opcodes::rot_four(cx);
                pack(cx, s)
            }
            Op::DUP_TOP => {
                let s = opcodes::dup_top(cx);
                pack(cx, s)
            }
            Op::DUP_TOP_TWO => {
                let s = opcodes::dup_top_two(cx);
                pack(cx, s)
            }
            Op::COPY => {
                let s = opcodes::copy(cx, arg);
                pack(cx, s)
            }
            Op::SWAP => {
                let s = opcodes::swap(cx, arg);
                pack(cx, s)
            }
            Op::LOAD_CONST => {
                let s = opcodes::load_const(cx, code, arg);
                pack(cx, s)
            }
            Op::LOAD_FAST => {
                let s = opcodes::load_fast(cx, arg);
                pack(cx, s)
            }
            Op::STORE_FAST => {
                let s = opcodes::store_fast(cx, arg);
                pack(cx, s)
            }
            Op::DELETE_FAST => native!(cx, opcodes::delete_fast(cx, arg)),
            Op::LOAD_DEREF => native!(cx, opcodes::load_deref(cx, arg)),
            Op::STORE_DEREF => native!(cx, opcodes::store_deref(cx, arg)),
            Op::DELETE_DEREF => native!(cx, opcodes::delete_deref(cx, arg)),
            Op::LOAD_CLOSURE => native!(cx, opcodes::load_closure(cx, arg)),
            Op::LOAD_CLASSDEREF => native!(cx, opcodes::load_classderef(cx, arg)),
            Op::LOAD_GLOBAL => {
                let s = opcodes::load_global(cx, code, pc, arg);
                pack(cx, s)
            }
            Op::STORE_GLOBAL => native!(cx, opcodes::store_global(cx, arg)),
            Op::DELETE_GLOBAL => native!(cx, opcodes::delete_global(cx, arg)),
            Op::LOAD_NAME => native!(cx, opcodes::load_name(cx, arg)),
            Op::STORE_NAME => native!(cx, opcodes::store_name(cx, arg)),
            Op::DELETE_NAME => native!(cx, opcodes::delete_name(cx, arg)),
            Op::LOAD_ATTR => {
                let s = opcodes::load_attr(cx, code, pc, arg);
                pack(cx, s)
            }
            Op::STORE_ATTR => {
                let s = opcodes::store_attr(cx, code, pc, arg);
                pack(cx, s)
            }
            Op::DELETE_ATTR => native!(cx, opcodes::delete_attr(cx, arg)),
            Op::LOAD_METHOD => {
                let s = opcodes::load_method(cx, code, pc, arg);
                pack(cx, s)
            }
            Op::BINARY_SUBSCR => {
                let s = opcodes::binary_subscr(cx);
                pack(cx, s)
            }
            Op::STORE_SUBSCR => {
                let s = opcodes::store_subscr(cx);
                pack(cx, s)
            }
            Op::DELETE_SUBSCR => native!(cx, opcodes::delete_subscr(cx)),
            Op::BINARY_OP => {
                let s = opcodes::binary_op(cx, arg);
                pack_binary(cx, s)
            }
            Op::INPLACE_OP => {
                let s = opcodes::inplace_op(cx, arg);
                pack_binary(cx, s)
            }
            Op::UNARY_NEG => {
                let s = opcodes::unary_neg(cx);
                pack(cx, s)
            }
            Op::UNARY_POS => native!(cx, opcodes::unary_pos(cx)),
            Op::UNARY_INVERT => native!(cx, opcodes::unary_invert(cx)),
            Op::UNARY_NOT => native!(cx, opcodes::unary_not(cx)),
            Op::COMPARE_OP => {
                let s = opcodes::compare_op(cx, arg);
                pack(cx, s)
            }
            Op::IS_OP => {
                let s = opcodes::is_op(cx, arg);
                pack(cx, s)
            }
            Op::CONTAINS_OP => {
                // (traced only: a small int or str in an exact set or dict, one lookup call)
                if metatracer::we_are_jitted() && opcodes::contains_fast(cx, arg) {
                    GO_ON
                } else {
                    native!(cx, opcodes::contains_op(cx, arg))
                }
            }
            Op::JUMP => {
                let target = opcodes::jump(arg);
                let s = if target < pc { back_edge(cx) } else { GO_ON };
                if s == GO_ON {
                    if target < pc {
                        crate::threads::tick();
                        metatracer::can_enter_jit!();
                    }
                    pc = target;
                }
                s
            }
            Op::POP_JUMP_IF_FALSE => match opcodes::pop_jump_if_false(cx, pc, arg) {
                Ok(next) => {
                    let s = if next < pc { back_edge(cx) } else { GO_ON };
                    if s == GO_ON {
                        if next < pc {
                            // (a comprehension's filter jumps back to its `FOR_ITER`)
                            metatracer::can_enter_jit!();
                        }
                        pc = next;
                    }
                    s
                }
                Err(stop) => stop_code(cx, stop),
            },
            Op::POP_JUMP_IF_TRUE => match opcodes::pop_jump_if_true(cx, pc, arg) {
                Ok(next) => {
                    let s = if next < pc { back_edge(cx) } else { GO_ON };
                    if s == GO_ON {
                        if next < pc {
                            // (a comprehension's filter jumps back to its `FOR_ITER`)
                            metatracer::can_enter_jit!();
                        }
                        pc = next;
                    }
                    s
                }
                Err(stop) => stop_code(cx, stop),
            },
            Op::JUMP_IF_FALSE_OR_POP => match opcodes::jump_if_false_or_pop(cx, pc, arg) {
                Ok(next) => {
                    pc = next;
                    GO_ON
                }
                Err(stop) => stop_code(cx, stop),
            },
            Op::JUMP_IF_TRUE_OR_POP => match opcodes::jump_if_true_or_pop(cx, pc, arg) {
                Ok(next) => {
                    pc = next;
                    GO_ON
                }
                Err(stop) => stop_code(cx, stop),
            },
            Op::GET_ITER => {
                // (traced only: the iterator of a range or a list allocated by the trace)
                if metatracer::we_are_jitted()
                    && opcodes::TRACE_RANGE_ALLOC
                    && opcodes::get_iter_fast(cx)
                {
                    GO_ON
                } else {
                    native!(cx, opcodes::get_iter(cx))
                }
            }
            Op::FOR_ITER => match opcodes::for_iter(cx, pc, arg) {
                Ok(next) => {
                    pc = next;
                    GO_ON
                }
                Err(stop) => stop_code(cx, stop),
            },
            Op::BUILD_TUPLE => {
                // (traced only: up to 3 items, one allocating call taking them in registers)
                if metatracer::we_are_jitted() && opcodes::build_seq_fast(cx, arg, false) {
                    GO_ON
                } else {
                    native!(cx, opcodes::build_tuple(cx, arg))
                }
            }
            Op::BUILD_LIST => {
                if metatracer::we_are_jitted() && opcodes::build_seq_fast(cx, arg, true) {
                    GO_ON
                } else {
                    native!(cx, opcodes::build_list(cx, arg))
                }
            }
            Op::BUILD_SET => native!(cx, opcodes::build_set(cx, arg)),
            Op::BUILD_MAP => native!(cx, opcodes::build_map(cx, arg)),
            Op::BUILD_SLICE => {
                if metatracer::we_are_jitted() && opcodes::build_slice_fast(cx, arg) {
                    GO_ON
                } else {
                    native!(cx, opcodes::build_slice(cx, arg))
                }
            }
            Op::BUILD_STRING => native!(cx, opcodes::build_string(cx, arg)),
            Op::LIST_APPEND => native!(cx, opcodes::list_append(cx, arg)),
            Op::SET_ADD => native!(cx, opcodes::set_add(cx, arg)),
            Op::MAP_ADD => native!(cx, opcodes::map_add(cx, arg)),
            Op::LIST_EXTEND => native!(cx, opcodes::list_extend(cx, arg)),
            Op::SET_UPDATE => native!(cx, opcodes::set_update(cx, arg)),
            Op::DICT_UPDATE | Op::DICT_MERGE => {
                native!(cx, opcodes::dict_update(cx, arg, decode(w)))
            }
            Op::LIST_TO_TUPLE => native!(cx, opcodes::list_to_tuple(cx)),
            Op::UNPACK_SEQUENCE => {
                // (traced only: a tuple or list of the right length, by loads)
                if metatracer::we_are_jitted() && opcodes::unpack_fast(cx, arg) {
                    GO_ON
                } else {
                    native!(cx, opcodes::unpack_sequence(cx, arg))
                }
            }
            Op::UNPACK_EX => native!(cx, opcodes::unpack_ex(cx, arg)),
            Op::FORMAT_VALUE => native!(cx, opcodes::format_value(cx, arg)),
            Op::PUSH_NULL => {
                let s = opcodes::push_null(cx);
                pack(cx, s)
            }
            Op::CALL => {
                // (traced only: `len(x)`, `lst.append(v)`, ... without the residual handler;
                // a plain call of a Python function switches frames here)
                if metatracer::we_are_jitted() && opcodes::call_builtin_fast(cx, arg) {
                    GO_ON
                } else if metatracer::we_are_jitted()
                    && opcodes::call_switches() & 1 != 0
                    && ((opcodes::call_switches() & 2 != 0
                        && opcodes::call_py_virtual(cx, pc, arg))
                        || opcodes::call_py_fast(cx, pc, arg))
                {
                    let caller = code;
                    code = cx.code;
                    pc = 0;
                    if metatracer::word_bits(caller) == metatracer::word_bits(code) {
                        // (a function called itself: as after `STOP_SWITCH` below)
                        metatracer::can_enter_jit!();
                    }
                    GO_ON
                } else {
                    native!(cx, opcodes::call(cx, pc, arg, Op::CALL))
                }
            }
            Op::CALL_KW | Op::CALL_EX => {
                native!(cx, opcodes::call(cx, pc, arg, decode(w)))
            }
            Op::MAKE_FUNCTION => native!(cx, opcodes::make_function(cx, arg)),
            Op::RETURN_VALUE => {
                // (traced only: a return to a caller in this loop, without the general handler)
                if metatracer::we_are_jitted()
                    && opcodes::call_switches() & 1 != 0
                    && ((opcodes::call_switches() & 2 != 0
                        && opcodes::return_virtual(cx, code, pc))
                        || opcodes::return_fast(cx, pc))
                {
                    code = cx.code;
                    pc = cx.f.pc.get() as usize;
                    GO_ON
                } else {
                    native!(cx, opcodes::return_value(cx, pc))
                }
            }
            Op::YIELD_VALUE => native!(cx, opcodes::yield_value(cx, pc)),
            Op::YIELD_FROM => {
                // (a constant in jitcode: the handler's residual call gets `true`)
                let jitted = metatracer::we_are_jitted();
                native!(cx, opcodes::yield_from(cx, pc, jitted))
            }
            Op::RAISE_VARARGS => native!(cx, opcodes::raise_varargs(cx, arg)),
            Op::RERAISE => native!(cx, opcodes::reraise(cx)),
            Op::PUSH_EXC_INFO => native!(cx, opcodes::push_exc_info(cx)),
            Op::POP_EXC_INFO => native!(cx, opcodes::pop_exc_info()),
            Op::CHECK_EXC_MATCH => native!(cx, opcodes::check_exc_match(cx)),
            Op::LOAD_ASSERTION_ERROR => native!(cx, opcodes::load_assertion_error(cx)),
            Op::BEFORE_WITH => native!(cx, opcodes::before_with(cx)),
            Op::WITH_EXIT => native!(cx, opcodes::with_exit(cx, arg)),
            Op::WITH_EXCEPT_START => native!(cx, opcodes::with_except_start(cx)),
            Op::IMPORT_NAME => native!(cx, opcodes::import_name(cx, arg)),
            Op::IMPORT_FROM => native!(cx, opcodes::import_from(cx, arg)),
            Op::IMPORT_STAR => native!(cx, opcodes::import_star(cx)),
            Op::LOAD_BUILD_CLASS => native!(cx, opcodes::load_build_class(cx)),
            Op::MATCH_SEQUENCE => native!(cx, opcodes::match_sequence(cx)),
            Op::MATCH_MAPPING => native!(cx, opcodes::match_mapping(cx)),
            Op::GET_LEN => native!(cx, opcodes::get_len(cx)),
            Op::MATCH_CLASS => native!(cx, opcodes::match_class(cx, arg)),
            Op::GET_AWAITABLE => native!(cx, opcodes::get_awaitable(cx, arg)),
            Op::GET_AITER => native!(cx, opcodes::get_aiter(cx)),
            Op::GET_ANEXT => native!(cx, opcodes::get_anext(cx)),
            Op::END_ASYNC_FOR => native!(cx, opcodes::end_async_for(cx)),
            Op::BEFORE_ASYNC_WITH => native!(cx, opcodes::before_async_with(cx)),
        };
        if step != GO_ON {
            let kind = step - 1;
            if kind == STOP_RAISE {
                cx.f.pc.set(pc as u32);
                cx.f.sp.set(cx.sp as u32);
                if !raise_here(cx, cx.out) {
                    return STOP_ERROR;
                }
            } else if kind == STOP_SWITCH_RAISE {
                if !raise_here(cx, cx.out) {
                    return STOP_ERROR;
                }
            } else if kind != STOP_SWITCH {
                return kind;
            }
            let caller = code;
            code = cx.code;
            pc = cx.f.pc.get() as usize;
            if pc == 0 && metatracer::word_bits(caller) == metatracer::word_bits(code) {
                // A function called itself (a fresh frame of the same code object): the
                // entry of a recursive function is a place to start a trace too (it has no
                // backward jump; its trace closes at its own recursive call, the frames
                // being in memory). Entries of other functions are not counted: a function
                // called from a hot loop would get hot first and its trace take the loop
                // over (and its entry trace would keep objects it saw pinned).
                metatracer::can_enter_jit!();
            }
        }
    }
}

/// Why [`execute`] left its loop.
pub(super) enum Flow {
    Return(Value),
    Yield(Value),
    Err(PyErr),
}

/// Hands the value `v` returned by frame `f` to its caller `back`: pushes it on `back`'s value
/// stack and releases `f`. For an `__init__` frame started by a class call the result is the
/// instance, and a return value other than None gives the `TypeError` returned here.
#[inline]
pub(super) fn return_to_caller(f: Gc<FrameObj>, back: Gc<FrameObj>, v: Value) -> Option<PyErr> {
    f.back.set(None);
    let mut err = None;
    let v = if !f.ns().is_null() && f.func() != Value::NULL && f.code.d.flags & CO_NAMESPACE == 0 {
        if !v.is_none() {
            err = Some(type_error(format!(
                "__init__() should return None, not '{}'",
                vm::type_name(v)
            )));
        }
        f.ns()
    } else {
        v
    };
    let sp = back.sp.get() as usize;
    back.regs.set(sp, v);
    back.sp.set(sp as u32 + 1);
    release_frame(f);
    err
}

/// Runs `entry` (and every frame it calls) until `entry` returns or yields.
pub fn run_frame(entry: Gc<FrameObj>, pending: Option<PyErr>) -> PyResult<Value> {
    let vm = vm();
    let re = vm.reentry.get() + 1;
    if re > MAX_REENTRY || stack_exhausted() {
        vm.depth.set(vm.depth.get() - 1);
        return Err(vm::exc(
            C::RecursionError,
            "maximum recursion depth exceeded",
        ));
    }
    vm.reentry.set(re);
    // Restore the caller's frame on exit. `saved` stays live on the native stack for the
    // whole run, so the collector pins that frame (its address is restored).
    let saved = current_frame();
    entry.entry.set(true);
    entry.exc_depth.set(vm.handled.get().len() as u32);
    let mut f = entry;
    let mut pending = pending;
    let result = loop {
        match execute(&mut f, pending.take()) {
            Flow::Return(v) => {
                vm.depth.set(vm.depth.get() - 1);
                if Gc::ptr_eq(f, entry) {
                    release_frame(f);
                    break Ok(v);
                }
                let back = f.back.get().unwrap();
                pending = return_to_caller(f, back, v);
                f = back;
            }
            Flow::Yield(v) => {
                vm.depth.set(vm.depth.get() - 1);
                f.yielded.set(true);
                break Ok(v);
            }
            Flow::Err(e) => {
                add_traceback(e.0, f);
                let h = vm.handled.get();
                while h.len() > f.exc_depth.get() as usize {
                    h.pop();
                }
                vm.depth.set(vm.depth.get() - 1);
                if Gc::ptr_eq(f, entry) {
                    release_frame(f);
                    break Err(e);
                }
                let back = f.back.get().unwrap();
                let e = if is_inline_gen(f) {
                    // a generator resumed by its consumer's `FOR_ITER` or `YIELD_FROM`
                    inline_gen_failed(f, back, e)
                } else {
                    e
                };
                f.back.set(None);
                f = back;
                pending = Some(e);
            }
        }
    };
    vm.reentry.set(re - 1);
    super::frame::swap_current_frame(std::hint::black_box(saved).map_or(0, |g| g.addr()));
    result
}
