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
use super::frame::{release_frame, set_cur, CUR_FRAME};
use super::opcodes;
use super::{current_frame, PyErr, PyResult};
use crate::compiler::bytecode::Op;
use crate::objects::*;
use crate::value::Value;
use crate::vm::{self, type_error, vm, C};
use metatracer::gc::{Array, Gc};

/// Maximum nesting of the Rust-level interpreter loop.
const MAX_REENTRY: usize = 20_000;

/// The state of the frame being run: the frame, the parts of it every handler reads, and the
/// stack pointer (the frame's own `sp` field is only written when the frame stops running:
/// before a call, a return, a yield or an exception).
pub(super) struct Ctx {
    pub f: Gc<FrameObj>,
    pub code: Gc<CodeObj>,
    pub regs: Gc<Array<Value>>,
    pub consts: Gc<Array<Value>>,
    pub names: Gc<Array<Value>>,
    /// Number of local variables: the cells start here.
    pub nlocals: usize,
    /// First register of the value stack (after locals and cells).
    pub stack_base: usize,
    /// Next free register of the value stack.
    pub sp: usize,
}

/// Why a handler did not simply go on with the next instruction.
pub(super) enum Stop {
    /// A Python exception at the current instruction.
    Raise(PyErr),
    /// `Ctx` now runs another frame (a call or a return); its `pc` is in the frame.
    Switch,
    /// `Ctx` switched frames and the new frame raises at its saved `pc` (a class call's
    /// `__init__` returned something other than None).
    SwitchRaise(PyErr),
    /// Leave [`execute`] (a return from an entry frame, or a yield).
    Leave(Flow),
}

impl From<PyErr> for Stop {
    #[inline(always)]
    fn from(e: PyErr) -> Stop {
        Stop::Raise(e)
    }
}

/// What a handler returns.
pub(super) type Step = Result<(), Stop>;

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
        }
    }

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

    /// Switches to the new frame `nf` called from the running frame (which has saved its `pc`
    /// and `sp`).
    #[inline(always)]
    pub fn switch_call(&mut self, nf: Gc<FrameObj>) -> Step {
        nf.back.set(Some(self.f));
        nf.exc_depth.set(vm().handled.get().len() as u32);
        *self = Ctx::load(nf);
        Err(Stop::Switch)
    }

    /// Switches to frame `f` (a caller being returned to; its `pc` and `sp` are saved).
    #[inline(always)]
    pub fn switch_to(&mut self, f: Gc<FrameObj>) {
        *self = Ctx::load(f);
    }
}

/// The instructions of `code`, as a slice that does not borrow the `Gc` handle.
#[inline(always)]
fn instrs_of<'a>(code: Gc<CodeObj>) -> &'a [u32] {
    let v = &code.d.code;
    // SAFETY: the instruction vector is Rust-heap data in the code object's boxed `CodeData`
    // and is never changed after `materialize`; the code object is kept alive by the frame
    // that runs it, which `execute` holds in `cx.f` for as long as it uses this slice (the
    // slice is taken again after every frame switch).
    unsafe { std::slice::from_raw_parts(v.as_ptr(), v.len()) }
}

fn trace_ops() -> bool {
    thread_local! { static T: bool = std::env::var_os("PYGUEST_TRACE").is_some(); }
    T.with(|t| *t)
}

/// Runs frames starting with `*fr`, raising `pending` in it first if given. Calls of Python
/// functions and returns to a caller that is not an entry frame switch frames here, without
/// leaving this function; `*fr` is always the frame being run, so when a [`Flow`] comes back
/// to [`run_frame`], it names the frame the flow is about.
pub(super) fn execute(fr: &mut Gc<FrameObj>, pending: Option<PyErr>) -> Flow {
    let mut cx = Ctx::load(*fr);
    if let Some(e) = pending {
        if let Err(e) = unwind(cx.f, e) {
            return Flow::Err(e);
        }
        cx.sp = cx.f.sp.get() as usize;
    }
    let mut pc = cx.f.pc.get() as usize;
    let mut instrs = instrs_of(cx.code);
    loop {
        let w = instrs[pc];
        pc += 1;
        let arg = w >> 8;
        if cfg!(debug_assertions) && trace_ops() {
            eprintln!(
                "  {:>4} {:<20} {:<5} sp={}",
                pc - 1,
                Op::from_u8(w as u8).name(),
                arg,
                cx.sp
            );
        }
        let step = match Op::from_u8(w as u8) {
            Op::NOP | Op::GEN_START | Op::SETUP_ANNOTATIONS => opcodes::nop(),
            Op::POP_TOP => opcodes::pop_top(&mut cx),
            Op::ROT_TWO => opcodes::rot_two(&mut cx),
            Op::ROT_THREE => opcodes::rot_three(&mut cx),
            Op::ROT_FOUR => opcodes::rot_four(&mut cx),
            Op::DUP_TOP => opcodes::dup_top(&mut cx),
            Op::DUP_TOP_TWO => opcodes::dup_top_two(&mut cx),
            Op::COPY => opcodes::copy(&mut cx, arg),
            Op::SWAP => opcodes::swap(&mut cx, arg),
            Op::LOAD_CONST => opcodes::load_const(&mut cx, arg),
            Op::LOAD_FAST => opcodes::load_fast(&mut cx, arg),
            Op::STORE_FAST => opcodes::store_fast(&mut cx, arg),
            Op::DELETE_FAST => opcodes::delete_fast(&mut cx, arg),
            Op::LOAD_DEREF => opcodes::load_deref(&mut cx, arg),
            Op::STORE_DEREF => opcodes::store_deref(&mut cx, arg),
            Op::DELETE_DEREF => opcodes::delete_deref(&mut cx, arg),
            Op::LOAD_CLOSURE => opcodes::load_closure(&mut cx, arg),
            Op::LOAD_CLASSDEREF => opcodes::load_classderef(&mut cx, arg),
            Op::LOAD_GLOBAL => opcodes::load_global(&mut cx, pc, arg),
            Op::STORE_GLOBAL => opcodes::store_global(&mut cx, arg),
            Op::DELETE_GLOBAL => opcodes::delete_global(&mut cx, arg),
            Op::LOAD_NAME => opcodes::load_name(&mut cx, arg),
            Op::STORE_NAME => opcodes::store_name(&mut cx, arg),
            Op::DELETE_NAME => opcodes::delete_name(&mut cx, arg),
            Op::LOAD_ATTR => opcodes::load_attr(&mut cx, pc, arg),
            Op::STORE_ATTR => opcodes::store_attr(&mut cx, pc, arg),
            Op::DELETE_ATTR => opcodes::delete_attr(&mut cx, arg),
            Op::LOAD_METHOD => opcodes::load_method(&mut cx, pc, arg),
            Op::BINARY_SUBSCR => opcodes::binary_subscr(&mut cx),
            Op::STORE_SUBSCR => opcodes::store_subscr(&mut cx),
            Op::DELETE_SUBSCR => opcodes::delete_subscr(&mut cx),
            Op::BINARY_OP => opcodes::binary_op(&mut cx, arg),
            Op::INPLACE_OP => opcodes::inplace_op(&mut cx, arg),
            Op::UNARY_NEG => opcodes::unary_neg(&mut cx),
            Op::UNARY_POS => opcodes::unary_pos(&mut cx),
            Op::UNARY_INVERT => opcodes::unary_invert(&mut cx),
            Op::UNARY_NOT => opcodes::unary_not(&mut cx),
            Op::COMPARE_OP => opcodes::compare_op(&mut cx, arg),
            Op::IS_OP => opcodes::is_op(&mut cx, arg),
            Op::CONTAINS_OP => opcodes::contains_op(&mut cx, arg),
            Op::JUMP => {
                pc = opcodes::jump(arg);
                Ok(())
            }
            Op::POP_JUMP_IF_FALSE => {
                opcodes::pop_jump_if_false(&mut cx, pc, arg).map(|next| pc = next)
            }
            Op::POP_JUMP_IF_TRUE => {
                opcodes::pop_jump_if_true(&mut cx, pc, arg).map(|next| pc = next)
            }
            Op::JUMP_IF_FALSE_OR_POP => {
                opcodes::jump_if_false_or_pop(&mut cx, pc, arg).map(|next| pc = next)
            }
            Op::JUMP_IF_TRUE_OR_POP => {
                opcodes::jump_if_true_or_pop(&mut cx, pc, arg).map(|next| pc = next)
            }
            Op::GET_ITER => opcodes::get_iter(&mut cx),
            Op::FOR_ITER => opcodes::for_iter(&mut cx, pc, arg).map(|next| pc = next),
            Op::BUILD_TUPLE => opcodes::build_tuple(&mut cx, arg),
            Op::BUILD_LIST => opcodes::build_list(&mut cx, arg),
            Op::BUILD_SET => opcodes::build_set(&mut cx, arg),
            Op::BUILD_MAP => opcodes::build_map(&mut cx, arg),
            Op::BUILD_SLICE => opcodes::build_slice(&mut cx, arg),
            Op::BUILD_STRING => opcodes::build_string(&mut cx, arg),
            Op::LIST_APPEND => opcodes::list_append(&mut cx, arg),
            Op::SET_ADD => opcodes::set_add(&mut cx, arg),
            Op::MAP_ADD => opcodes::map_add(&mut cx, arg),
            Op::LIST_EXTEND => opcodes::list_extend(&mut cx, arg),
            Op::SET_UPDATE => opcodes::set_update(&mut cx, arg),
            Op::DICT_UPDATE | Op::DICT_MERGE => {
                opcodes::dict_update(&mut cx, arg, Op::from_u8(w as u8))
            }
            Op::LIST_TO_TUPLE => opcodes::list_to_tuple(&mut cx),
            Op::UNPACK_SEQUENCE => opcodes::unpack_sequence(&mut cx, arg),
            Op::UNPACK_EX => opcodes::unpack_ex(&mut cx, arg),
            Op::FORMAT_VALUE => opcodes::format_value(&mut cx, arg),
            Op::PUSH_NULL => opcodes::push_null(&mut cx),
            Op::CALL | Op::CALL_KW | Op::CALL_EX => {
                opcodes::call(&mut cx, pc, arg, Op::from_u8(w as u8))
            }
            Op::MAKE_FUNCTION => opcodes::make_function(&mut cx, arg),
            Op::RETURN_VALUE => opcodes::return_value(&mut cx, pc),
            Op::YIELD_VALUE => opcodes::yield_value(&mut cx, pc),
            Op::YIELD_FROM => opcodes::yield_from(&mut cx, pc),
            Op::RAISE_VARARGS => opcodes::raise_varargs(&mut cx, arg),
            Op::RERAISE => opcodes::reraise(&mut cx),
            Op::PUSH_EXC_INFO => opcodes::push_exc_info(&mut cx),
            Op::POP_EXC_INFO => opcodes::pop_exc_info(),
            Op::CHECK_EXC_MATCH => opcodes::check_exc_match(&mut cx),
            Op::LOAD_ASSERTION_ERROR => opcodes::load_assertion_error(&mut cx),
            Op::BEFORE_WITH => opcodes::before_with(&mut cx),
            Op::WITH_EXIT => opcodes::with_exit(&mut cx),
            Op::WITH_EXCEPT_START => opcodes::with_except_start(&mut cx),
            Op::IMPORT_NAME => opcodes::import_name(&mut cx, arg),
            Op::IMPORT_FROM => opcodes::import_from(&mut cx, arg),
            Op::IMPORT_STAR => opcodes::import_star(&mut cx),
            Op::LOAD_BUILD_CLASS => opcodes::load_build_class(&mut cx),
            Op::MATCH_SEQUENCE => opcodes::match_sequence(&mut cx),
            Op::MATCH_MAPPING => opcodes::match_mapping(&mut cx),
            Op::GET_LEN => opcodes::get_len(&mut cx),
            Op::MATCH_CLASS => opcodes::match_class(&mut cx, arg),
        };
        if let Err(stop) = step {
            match stop {
                Stop::Switch => {}
                Stop::Raise(e) => {
                    cx.f.pc.set(pc as u32);
                    cx.f.sp.set(cx.sp as u32);
                    if let Err(e) = unwind(cx.f, e) {
                        *fr = cx.f;
                        return Flow::Err(e);
                    }
                    cx.sp = cx.f.sp.get() as usize;
                }
                Stop::SwitchRaise(e) => {
                    if let Err(e) = unwind(cx.f, e) {
                        *fr = cx.f;
                        return Flow::Err(e);
                    }
                    cx.sp = cx.f.sp.get() as usize;
                }
                Stop::Leave(flow) => {
                    *fr = cx.f;
                    return flow;
                }
            }
            *fr = cx.f;
            pc = cx.f.pc.get() as usize;
            instrs = instrs_of(cx.code);
        }
    }
}

/// Why [`execute`] left its loop.
pub(super) enum Flow {
    Return(Value),
    Yield(Value),
    Err(PyErr),
}

/// Runs `entry` (and every frame it calls) until `entry` returns or yields.
pub fn run_frame(entry: Gc<FrameObj>, pending: Option<PyErr>) -> PyResult<Value> {
    let vm = vm();
    let re = vm.reentry.get() + 1;
    if re > MAX_REENTRY {
        vm.depth.set(vm.depth.get() - 1);
        return Err(vm::exc(
            C::RecursionError,
            "maximum recursion depth exceeded",
        ));
    }
    vm.reentry.set(re);
    // CUR_FRAME is a raw address, not a root: restore the caller's frame on exit. `saved`
    // stays live on the native stack for the whole run, so the collector pins that frame.
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
                f.back.set(None);
                let v = if !f.ns().is_null()
                    && f.func() != Value::NULL
                    && f.code.d.flags & CO_NAMESPACE == 0
                {
                    // an __init__ frame started by a class call: the result is the instance
                    if !v.is_none() {
                        pending = Some(type_error(format!(
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
                f.back.set(None);
                f = back;
                pending = Some(e);
            }
        }
    };
    vm.reentry.set(re - 1);
    CUR_FRAME.with(|c| c.set(std::hint::black_box(saved).map_or(0, |g| g.addr())));
    result
}
