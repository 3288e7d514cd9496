//! The bytecode: one op table (name, stack effect, one-line doc) and the instruction encoding.
//!
//! An instruction is one `u32`: opcode in the low 8 bits, argument in the high 24 bits.
//! `docs/pyguest-bytecode.md` describes the stack conventions; the table below is the source of
//! truth for names and stack effects (used to bound each code object's stack size).

macro_rules! ops {
    ($($name:ident = $eff:expr, $doc:literal;)*) => {
        /// Opcodes.
        #[repr(u8)]
        #[derive(Clone, Copy, PartialEq, Eq, Debug)]
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        pub enum Op { $(#[doc = $doc] $name,)* }
        impl Op {
            /// All opcodes in numbering order.
            pub const ALL: &'static [Op] = &[$(Op::$name,)*];
            /// Upper bound of the values this op pushes beyond what it pops (given its argument).
            pub fn max_push(self, arg: u32) -> u32 {
                let f: fn(u32) -> i64 = match self { $(Op::$name => $eff,)* };
                f(arg).max(0) as u32
            }
            pub fn name(self) -> &'static str {
                match self { $(Op::$name => stringify!($name),)* }
            }
        }
    };
}

ops! {
    NOP = |_| 0, "Does nothing.";
    POP_TOP = |_| -1, "Discards TOS.";
    ROT_TWO = |_| 0, "Swaps the two top values.";
    ROT_THREE = |_| 0, "Lifts the second and third values one up, moves TOS down to third.";
    ROT_FOUR = |_| 0, "Moves TOS down to fourth.";
    DUP_TOP = |_| 1, "Pushes a copy of TOS.";
    DUP_TOP_TWO = |_| 2, "Copies the two top values.";
    LOAD_CONST = |_| 1, "Pushes consts[arg].";
    LOAD_FAST = |_| 1, "Pushes local arg (UnboundLocalError if unset).";
    STORE_FAST = |_| -1, "Pops into local arg.";
    DELETE_FAST = |_| 0, "Unsets local arg.";
    LOAD_DEREF = |_| 1, "Pushes the content of cell arg (cells, then free vars).";
    STORE_DEREF = |_| -1, "Pops into cell arg.";
    DELETE_DEREF = |_| 0, "Empties cell arg.";
    LOAD_CLOSURE = |_| 1, "Pushes cell arg itself (for building closures).";
    LOAD_CLASSDEREF = |_| 1, "Class body: the namespace's binding of the free variable arg, else its cell.";
    LOAD_GLOBAL = |_| 1, "Pushes global names[arg], else the builtin.";
    STORE_GLOBAL = |_| -1, "Pops into global names[arg].";
    DELETE_GLOBAL = |_| 0, "Deletes global names[arg].";
    LOAD_NAME = |_| 1, "Namespace, then globals, then builtins lookup of names[arg].";
    STORE_NAME = |_| -1, "Pops into the namespace.";
    DELETE_NAME = |_| 0, "Deletes from the namespace.";
    LOAD_ATTR = |_| 0, "Replaces TOS by TOS.names[arg].";
    STORE_ATTR = |_| -2, "TOS.names[arg] = TOS1.";
    DELETE_ATTR = |_| -1, "del TOS.names[arg].";
    LOAD_METHOD = |_| 1, "Replaces TOS by (function, self) for an unbound method, else (NULL, attribute).";
    BINARY_SUBSCR = |_| -1, "TOS1[TOS].";
    STORE_SUBSCR = |_| -3, "TOS1[TOS] = TOS2.";
    DELETE_SUBSCR = |_| -2, "del TOS1[TOS].";
    BINARY_OP = |_| -1, "TOS1 op TOS (arg: BinOp number).";
    INPLACE_OP = |_| -1, "TOS1 op= TOS (arg: BinOp number).";
    UNARY_NEG = |_| 0, "-TOS.";
    UNARY_POS = |_| 0, "+TOS.";
    UNARY_NOT = |_| 0, "not TOS.";
    UNARY_INVERT = |_| 0, "~TOS.";
    COMPARE_OP = |_| -1, "TOS1 cmp TOS (arg: 0 <, 1 <=, 2 ==, 3 !=, 4 >, 5 >=).";
    IS_OP = |_| -1, "TOS1 is TOS (arg 1: is not).";
    CONTAINS_OP = |_| -1, "TOS1 in TOS (arg 1: not in).";
    JUMP = |_| 0, "Jumps to arg.";
    POP_JUMP_IF_FALSE = |_| -1, "Pops; jumps to arg when false.";
    POP_JUMP_IF_TRUE = |_| -1, "Pops; jumps to arg when true.";
    JUMP_IF_FALSE_OR_POP = |_| 0, "Jumps to arg keeping TOS when false, else pops.";
    JUMP_IF_TRUE_OR_POP = |_| 0, "Jumps to arg keeping TOS when true, else pops.";
    GET_ITER = |_| 0, "Replaces TOS by iter(TOS).";
    FOR_ITER = |_| 1, "Pushes next(TOS); when exhausted pops the iterator and jumps to arg.";
    BUILD_TUPLE = |n| 1 - n as i64, "Pops arg values into a tuple.";
    BUILD_LIST = |n| 1 - n as i64, "Pops arg values into a list.";
    BUILD_SET = |n| 1 - n as i64, "Pops arg values into a set.";
    BUILD_MAP = |n| 1 - 2 * n as i64, "Pops arg key/value pairs into a dict.";
    BUILD_SLICE = |n| 1 - n as i64, "Pops 2 or 3 values into a slice.";
    BUILD_STRING = |n| 1 - n as i64, "Concatenates arg strings.";
    LIST_APPEND = |_| -1, "Appends TOS to the list arg deep (after popping).";
    SET_ADD = |_| -1, "Adds TOS to the set arg deep.";
    MAP_ADD = |_| -2, "Stores TOS1: TOS into the dict arg deep.";
    LIST_EXTEND = |_| -1, "Extends the list arg deep by iterable TOS.";
    SET_UPDATE = |_| -1, "Updates the set arg deep by iterable TOS.";
    DICT_UPDATE = |_| -1, "Updates the dict arg deep by mapping TOS.";
    DICT_MERGE = |_| -1, "Like DICT_UPDATE but duplicate keys are a TypeError (calls).";
    LIST_TO_TUPLE = |_| 0, "Converts TOS list to a tuple.";
    UNPACK_SEQUENCE = |n| n as i64 - 1, "Unpacks TOS into arg values (first on top).";
    UNPACK_EX = |n| (n & 0xff) as i64 + (n >> 8) as i64, "Unpacks with a starred target: arg = before | after << 8.";
    FORMAT_VALUE = |_| 0, "Formats TOS (arg & 3: conversion none/str/repr/ascii; arg & 4: spec below).";
    PUSH_NULL = |_| 1, "Pushes NULL (marks a plain call).";
    CALL = |_| 0, "Calls with arg positional values: [NULL|func, func|self, args...].";
    CALL_KW = |_| 0, "Like CALL, TOS is a tuple naming the last keyword arguments.";
    CALL_EX = |_| 0, "Calls [NULL, func, args tuple, (kwargs dict if arg & 1)].";
    MAKE_FUNCTION = |_| 0, "Builds a function from the code on TOS (arg: 1 defaults, 2 kwdefaults, 8 closure).";
    RETURN_VALUE = |_| -1, "Returns TOS.";
    YIELD_VALUE = |_| 0, "Yields TOS; the sent value replaces it on resumption.";
    YIELD_FROM = |_| 0, "Delegates to iterator TOS1 sending TOS; leaves the result.";
    GEN_START = |_| 0, "First instruction of a generator body.";
    RAISE_VARARGS = |_| -1, "raise (arg 0: re-raise, 1: TOS, 2: TOS1 from TOS).";
    RERAISE = |_| -1, "Re-raises the exception on TOS.";
    PUSH_EXC_INFO = |_| 0, "Marks the exception on TOS as being handled.";
    POP_EXC_INFO = |_| 0, "Ends handling of the innermost handled exception.";
    CHECK_EXC_MATCH = |_| -1, "Replaces [exc, type-or-tuple] by whether the exception matches.";
    BEFORE_WITH = |_| 1, "Replaces the context manager by its bound __exit__ and __enter__().";
    WITH_EXIT = |a| if a == 1 { 0 } else { -1 }, "Calls the __exit__ on TOS with (None, None, None) and pops it (arg 1: pushes the result, for async with).";
    WITH_EXCEPT_START = |_| 1, "With [exit, exc] on the stack, pushes exit(type, exc, tb).";
    IMPORT_NAME = |_| -1, "Imports names[arg] (TOS1: level, TOS: fromlist).";
    IMPORT_FROM = |_| 1, "Pushes attribute names[arg] of the module on TOS.";
    IMPORT_STAR = |_| -1, "Copies public names of the module on TOS into the namespace.";
    LOAD_BUILD_CLASS = |_| 1, "Pushes __build_class__.";
    LOAD_ASSERTION_ERROR = |_| 1, "Pushes AssertionError.";
    MATCH_SEQUENCE = |_| 0, "Replaces TOS by whether it is a sequence for `match`.";
    MATCH_MAPPING = |_| 0, "Replaces TOS by whether it is a mapping for `match`.";
    GET_LEN = |_| 0, "Replaces TOS by len(TOS).";
        MATCH_CLASS = |_| -2, "Replaces [subject, cls, kwnames] by the attribute tuple or None (arg: positional count).";
    COPY = |_| 1, "Pushes a copy of the value arg deep (1 = TOS).";
    SWAP = |_| 0, "Swaps TOS with the value arg deep.";
    SETUP_ANNOTATIONS = |_| 0, "Creates __annotations__ in the namespace.";
    GET_AWAITABLE = |_| 0, "Replaces TOS by its awaitable iterator (arg: 0 await, 1 __aenter__, 2 __aexit__ result, for the error message).";
    GET_AITER = |_| 0, "Replaces TOS by TOS.__aiter__() (async for).";
    GET_ANEXT = |_| 1, "Pushes the awaitable of TOS.__anext__(), keeping the async iterator.";
    END_ASYNC_FOR = |_| -2, "Handler of async for: pops [aiter, exc] if exc is StopAsyncIteration, else re-raises it.";
    BEFORE_ASYNC_WITH = |_| 1, "Replaces the async context manager by its bound __aexit__ and __aenter__() (not yet awaited).";
}

/// What an instruction's argument means, for disassemblers (`dis`, `modules/dis.rs`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ArgKind {
    /// The argument is not used (always 0).
    Unused,
    /// A plain number (a count, a depth, flags).
    Number,
    /// An index into `consts`.
    Const,
    /// An index into `names`.
    Name,
    /// An index into `varnames`.
    Local,
    /// An index into the cells, then the free variables.
    Cell,
    /// An absolute instruction index.
    Jump,
    /// A `binop` operator number.
    BinOp,
    /// A comparison number (`COMPARE_OP`).
    Compare,
}

impl Op {
    /// The meaning of this op's argument.
    pub fn arg_kind(self) -> ArgKind {
        use Op::*;
        match self {
            LOAD_CONST => ArgKind::Const,
            LOAD_GLOBAL | STORE_GLOBAL | DELETE_GLOBAL | LOAD_NAME | STORE_NAME | DELETE_NAME
            | LOAD_ATTR | STORE_ATTR | DELETE_ATTR | LOAD_METHOD | IMPORT_NAME | IMPORT_FROM => {
                ArgKind::Name
            }
            LOAD_FAST | STORE_FAST | DELETE_FAST => ArgKind::Local,
            LOAD_DEREF | STORE_DEREF | DELETE_DEREF | LOAD_CLOSURE | LOAD_CLASSDEREF => {
                ArgKind::Cell
            }
            JUMP | POP_JUMP_IF_FALSE | POP_JUMP_IF_TRUE | JUMP_IF_FALSE_OR_POP
            | JUMP_IF_TRUE_OR_POP | FOR_ITER => ArgKind::Jump,
            BINARY_OP | INPLACE_OP => ArgKind::BinOp,
            COMPARE_OP => ArgKind::Compare,
            NOP | POP_TOP | ROT_TWO | ROT_THREE | ROT_FOUR | DUP_TOP | DUP_TOP_TWO
            | BINARY_SUBSCR | STORE_SUBSCR | DELETE_SUBSCR | UNARY_NEG | UNARY_POS | UNARY_NOT
            | UNARY_INVERT | GET_ITER | LIST_TO_TUPLE | PUSH_NULL | RETURN_VALUE | YIELD_VALUE
            | YIELD_FROM | GEN_START | RERAISE | PUSH_EXC_INFO | POP_EXC_INFO | CHECK_EXC_MATCH
            | BEFORE_WITH | WITH_EXCEPT_START | IMPORT_STAR | LOAD_BUILD_CLASS
            | LOAD_ASSERTION_ERROR | MATCH_SEQUENCE | MATCH_MAPPING | GET_LEN
            | SETUP_ANNOTATIONS | GET_AITER | GET_ANEXT | END_ASYNC_FOR | BEFORE_ASYNC_WITH => {
                ArgKind::Unused
            }
            _ => ArgKind::Number,
        }
    }

    #[inline(always)]
    pub fn from_u8(b: u8) -> Op {
        debug_assert!((b as usize) < Op::ALL.len());
        // SAFETY: the compiler only emits valid opcodes (checked in debug builds above).
        unsafe { std::mem::transmute::<u8, Op>(b) }
    }
}

/// Binary operator numbers (argument of BINARY_OP / INPLACE_OP).
pub mod binop {
    pub const ADD: u32 = 0;
    pub const SUB: u32 = 1;
    pub const MUL: u32 = 2;
    pub const TRUEDIV: u32 = 3;
    pub const FLOORDIV: u32 = 4;
    pub const MOD: u32 = 5;
    pub const POW: u32 = 6;
    pub const LSHIFT: u32 = 7;
    pub const RSHIFT: u32 = 8;
    pub const AND: u32 = 9;
    pub const OR: u32 = 10;
    pub const XOR: u32 = 11;
    pub const MATMUL: u32 = 12;
    /// Dunder names (normal, reflected, in-place) and symbol per operator.
    pub const NAMES: [(&str, &str, &str, &str); 13] = [
        ("__add__", "__radd__", "__iadd__", "+"),
        ("__sub__", "__rsub__", "__isub__", "-"),
        ("__mul__", "__rmul__", "__imul__", "*"),
        ("__truediv__", "__rtruediv__", "__itruediv__", "/"),
        ("__floordiv__", "__rfloordiv__", "__ifloordiv__", "//"),
        ("__mod__", "__rmod__", "__imod__", "%"),
        ("__pow__", "__rpow__", "__ipow__", "** or pow()"),
        ("__lshift__", "__rlshift__", "__ilshift__", "<<"),
        ("__rshift__", "__rrshift__", "__irshift__", ">>"),
        ("__and__", "__rand__", "__iand__", "&"),
        ("__or__", "__ror__", "__ior__", "|"),
        ("__xor__", "__rxor__", "__ixor__", "^"),
        ("__matmul__", "__rmatmul__", "__imatmul__", "@"),
    ];
}

#[inline(always)]
pub fn encode(op: Op, arg: u32) -> u32 {
    debug_assert!(arg < (1 << 24));
    (op as u32) | (arg << 8)
}

#[inline(always)]
pub fn decode(word: u32) -> (Op, u32) {
    (Op::from_u8(word as u8), word >> 8)
}

// ---------------------------------------------------------------- compiled code

/// One exception-table entry: instructions in `start..end` jump to `handler` with the value
/// stack cut to `depth` (then the exception pushed).
#[derive(Clone, Copy, Debug)]
pub struct ExcEntry {
    pub start: u32,
    pub end: u32,
    pub handler: u32,
    pub depth: u32,
}

pub const CO_VARARGS: u32 = 1;
pub const CO_VARKW: u32 = 2;
pub const CO_GENERATOR: u32 = 4;
/// Names are resolved through a namespace dict (module and class bodies).
pub const CO_NAMESPACE: u32 = 8;
/// An `async def` body or an async comprehension: a call makes a coroutine (the code also
/// has `CO_GENERATOR`, the resumable-frame bit).
pub const CO_COROUTINE: u32 = 16;
/// An async generator function or expression (also `CO_GENERATOR`).
pub const CO_ASYNC_GENERATOR: u32 = 32;
/// A generator function made awaitable by `types.coroutine` (CPython's
/// `CO_ITERABLE_COROUTINE`): `await` accepts its generators.
pub const CO_ITERABLE_COROUTINE: u32 = 64;

/// The compiled, reference-free part of a code object.
pub struct CodeData {
    pub name: String,
    pub qualname: String,
    pub filename: std::rc::Rc<str>,
    /// Instructions: opcode in the low 8 bits, argument in the high 24 (see `compiler/bytecode.rs`).
    pub code: Vec<u32>,
    /// Source line of each instruction.
    pub lines: Vec<u32>,
    pub firstline: u32,
    /// Docstring of a function body, if any.
    pub doc: Option<String>,
    pub argcount: u32,
    pub posonly: u32,
    pub kwonly: u32,
    pub flags: u32,
    /// Local variable names: parameters first, then other locals.
    pub varnames: Vec<String>,
    /// Variables captured by inner functions (stored in cells).
    pub cellvars: Vec<String>,
    /// Variables captured from enclosing functions.
    pub freevars: Vec<String>,
    /// For each cellvar that is also a parameter, its parameter index.
    pub cell_args: Vec<Option<u32>>,
    pub stacksize: u32,
    pub exc_table: Vec<ExcEntry>,
}

/// The stack effect of one instruction for [`max_stack_depth`]: the depth change when
/// execution falls through to the next instruction (`None`: it never does) and when it
/// jumps to `arg` (`None`: no jump).
fn stack_effect(op: Op, arg: u32) -> (Option<i64>, Option<i64>) {
    use Op::*;
    let n = arg as i64;
    let plain = |d: i64| (Some(d), None);
    match op {
        NOP | ROT_TWO | ROT_THREE | ROT_FOUR | DELETE_FAST | DELETE_DEREF | DELETE_GLOBAL
        | DELETE_NAME | LOAD_ATTR | UNARY_NEG | UNARY_POS | UNARY_NOT | UNARY_INVERT | GET_ITER
        | LIST_TO_TUPLE | PUSH_EXC_INFO | POP_EXC_INFO | MATCH_SEQUENCE | MATCH_MAPPING
        | GET_LEN | SWAP | SETUP_ANNOTATIONS => plain(0),
        DUP_TOP | LOAD_CONST | LOAD_FAST | LOAD_DEREF | LOAD_CLOSURE | LOAD_CLASSDEREF
        | LOAD_GLOBAL | LOAD_NAME | LOAD_METHOD | PUSH_NULL | BEFORE_WITH | WITH_EXCEPT_START
        | IMPORT_FROM | LOAD_BUILD_CLASS | LOAD_ASSERTION_ERROR | COPY => plain(1),
        DUP_TOP_TWO => plain(2),
        POP_TOP | STORE_FAST | STORE_DEREF | STORE_GLOBAL | STORE_NAME | DELETE_ATTR
        | BINARY_SUBSCR | BINARY_OP | INPLACE_OP | COMPARE_OP | IS_OP | CONTAINS_OP
        | LIST_APPEND | SET_ADD | LIST_EXTEND | SET_UPDATE | DICT_UPDATE | DICT_MERGE
        | CHECK_EXC_MATCH | IMPORT_NAME | IMPORT_STAR => plain(-1),
        STORE_ATTR | DELETE_SUBSCR | MAP_ADD | MATCH_CLASS => plain(-2),
        STORE_SUBSCR => plain(-3),
        BUILD_TUPLE | BUILD_LIST | BUILD_SET | BUILD_SLICE | BUILD_STRING => plain(1 - n),
        BUILD_MAP => plain(1 - 2 * n),
        UNPACK_SEQUENCE => plain(n - 1),
        UNPACK_EX => plain((n & 0xff) + (n >> 8)),
        FORMAT_VALUE => plain(if arg & 4 != 0 { -1 } else { 0 }),
        // [NULL|f, f|self, args...] -> result; CALL_KW also pops the names tuple; CALL_EX
        // pops [NULL, f, args, (kwargs)]
        CALL => plain(-(n + 1)),
        CALL_KW => plain(-(n + 2)),
        CALL_EX => plain(if arg & 1 != 0 { -3 } else { -2 }),
        MAKE_FUNCTION => plain(-((arg & 0b1011).count_ones() as i64)),
        WITH_EXIT => plain(if arg == 1 { 0 } else { -1 }),
        JUMP => (None, Some(0)),
        POP_JUMP_IF_FALSE | POP_JUMP_IF_TRUE => (Some(-1), Some(-1)),
        JUMP_IF_FALSE_OR_POP | JUMP_IF_TRUE_OR_POP => (Some(-1), Some(0)),
        FOR_ITER => (Some(1), Some(-1)),
        RETURN_VALUE | RAISE_VARARGS | RERAISE => (None, None),
        // a generator's first resumption pushes nothing (GEN_START is a no-op); a later one
        // pushes the sent value where YIELD_VALUE popped the yielded one, or re-runs
        // YIELD_FROM on [delegate, sent value] (`interpreter::generators`)
        GEN_START | YIELD_VALUE => plain(0),
        YIELD_FROM => plain(-1),
        // (an await is GET_AWAITABLE then YIELD_FROM; END_ASYNC_FOR pops [aiter, exc] or
        // re-raises)
        GET_AWAITABLE | GET_AITER => plain(0),
        GET_ANEXT | BEFORE_ASYNC_WITH => plain(1),
        END_ASYNC_FOR => plain(-2),
    }
}

/// The deepest value stack `code` can reach (above its locals and cells), found by
/// following every path from the first instruction and from each exception handler (entered
/// with the handler's depth plus the exception), or `None` when a path's depth
/// goes negative or grows past `limit` (inconsistent code), or a jump out of the code: the
/// caller then keeps its conservative bound. Every instruction's own peak counts (an
/// instruction pushes before it pops only within its net effect, so the peak is the larger of
/// the depths before and after it).
pub fn max_stack_depth(code: &[u32], handlers: &[ExcEntry], limit: u32) -> Option<u32> {
    let limit = limit as i64;
    let mut depth_at: Vec<i64> = vec![-1; code.len()];
    let mut work: Vec<(usize, i64)> = vec![(0, 0)];
    for h in handlers {
        work.push((h.handler as usize, h.depth as i64 + 1));
    }
    let mut max = 0i64;
    while let Some((mut i, mut d)) = work.pop() {
        loop {
            if i >= code.len() || d < 0 || d > limit {
                return None;
            }
            if depth_at[i] >= d {
                break;
            }
            depth_at[i] = d;
            max = max.max(d);
            let (op, arg) = decode(code[i]);
            let (next, jump) = stack_effect(op, arg);
            if let Some(j) = jump {
                let t = d + j;
                max = max.max(t);
                work.push((arg as usize, t));
            }
            match next {
                Some(e) => {
                    d += e;
                    max = max.max(d);
                    i += 1;
                }
                None => break,
            }
        }
    }
    u32::try_from(max).ok()
}
