//! Traced fast paths of the built-in operations hot loops use: `CALL` of a few built-in
//! functions (`len`, `isinstance`, `abs`, `min`, `max`; `divmod` of numbers through one narrow
//! helper; `math.sqrt`/`sin`/`cos`/`exp`/`atan` as elidable libm calls), built-in methods (`list.append`,
//! `list.pop()`) and the class `range`; `GET_ITER` of a range or a list (the range and the
//! iterator allocated by the trace, which allocation removal may delete); `UNPACK_SEQUENCE` of
//! a tuple or list of the right length; `LOAD_METHOD` on exact built-in objects (`list`,
//! `tuple`, `str`, `dict`, `set`). `CALL` of `set.add`/`discard`/`remove`, `dict.get`,
//! `list.pop(i)`/`list.insert` and the `str` methods of [`STR_METHODS`] and `str.join` is
//! named here and done by one narrow helper of [`super::opcodes_containers`]. Part of
//! [`super::opcodes`]; used only while traced (under `metatracer::we_are_jitted()`), so the
//! interpreter runs the plain handlers unchanged.
//!
//! Without them each such call is a residual call of the whole `CALL` handler, around which a
//! trace performs its pending stores and after which it reloads the frame. Here the callable
//! is promoted (one `guard_value`), [`builtin_id`] (elidable) names it as a constant, and the
//! operation is a few loads, stores and guards. Anything a fast path is not sure of (another
//! type, a subclass, the wrong number of arguments, a list that must grow, a metaclass with
//! `__instancecheck__`) makes it answer "not handled", and the general handler runs as before;
//! the fast paths never raise, so every error message is the general path's.
//!
//! Assumes: exact built-in objects have the kind byte of their type (instances of subclasses
//! are `Kind::Instance`); a `BuiltinObj` never changes once made; the genuine `len`, ... are
//! the objects `builtins` held when a trace first saw them (identity, checked by
//! [`builtin_id`]); built-in classes' attributes change only with the class epoch.

use super::dispatch::Ctx;
use super::opcodes_containers::{
    dict_get_fast, divmod_fast, list_insert_fast, list_pop_at_fast, set_op_fast, str_method_fast,
};
use crate::objects::ops;
use crate::objects::*;
use crate::value::{fits_small, int_of, is_int, is_null, kind_byte, small, Kind, Value};
use crate::vm::{self, vm, C};
use metatracer::gc::Gc;

const BUILTIN_KIND: u8 = Kind::Builtin as u8;
const LIST_KIND: u8 = Kind::List as u8;
const TUPLE_KIND: u8 = Kind::Tuple as u8;
const STR_KIND: u8 = Kind::Str as u8;
const FLOAT_KIND: u8 = Kind::Float as u8;
const CLASS_KIND: u8 = Kind::Class as u8;
const INSTANCE_KIND: u8 = Kind::Instance as u8;

/// What [`builtin_id`] calls a built-in it has a fast path for (`OTHER`: none).
const OTHER: u32 = 0;
const LEN: u32 = 1;
const ISINSTANCE: u32 = 2;
const ABS: u32 = 3;
const MIN: u32 = 4;
const MAX: u32 = 5;
const LIST_APPEND: u32 = 6;
const LIST_POP: u32 = 7;
const SET_ADD: u32 = 8;
const SET_DISCARD: u32 = 9;
const SET_REMOVE: u32 = 10;
const DICT_GET: u32 = 11;
const LIST_INSERT: u32 = 12;
/// A `str` method of [`STR_METHODS`] (arguments: small ints and strs).
const STR_METHOD: u32 = 13;
const STR_JOIN: u32 = 14;
const DIVMOD: u32 = 15;
/// `math.sqrt`, `sin`, `cos`, `exp`, `atan` (one float argument; see [`math_f1_fast`]).
const MATH_SQRT: u32 = 16;
const MATH_SIN: u32 = 17;
const MATH_COS: u32 = 18;
const MATH_EXP: u32 = 19;
const MATH_ATAN: u32 = 20;

/// The `str` methods with a fast path ([`super::opcodes_containers::str_method_fast`]): with
/// an exact str receiver and small-int or exact-str arguments they run no guest code and
/// change no existing object.
const STR_METHODS: &[&str] = &[
    "split",
    "rsplit",
    "strip",
    "lstrip",
    "rstrip",
    "lower",
    "upper",
    "startswith",
    "endswith",
    "replace",
    "find",
    "count",
    "isdigit",
    "isalpha",
    "isspace",
];

/// Which fast path built-in `b` has ([`OTHER`] for none). A module-level built-in counts when
/// it is the object `builtins` holds under its name; a method when it is the one the class
/// holds. Elidable: a `BuiltinObj` never changes, and a built-in found genuine stays genuine
/// (a stale "other" only costs the general path).
#[metatracer::elidable]
fn builtin_id(b: Gc<BuiltinObj>) -> u32 {
    if !b.bound.is_null() {
        return OTHER;
    }
    let me = Value::obj(b);
    let (id, found) = match b.name {
        "len" => (LEN, vm().builtins.get().get_str("len")),
        "isinstance" => (ISINSTANCE, vm().builtins.get().get_str("isinstance")),
        "abs" => (ABS, vm().builtins.get().get_str("abs")),
        "min" => (MIN, vm().builtins.get().get_str("min")),
        "max" => (MAX, vm().builtins.get().get_str("max")),
        "divmod" => (DIVMOD, vm().builtins.get().get_str("divmod")),
        "list.append" => (LIST_APPEND, ops::lookup_type(vm::cls(C::list), "append")),
        "list.pop" => (LIST_POP, ops::lookup_type(vm::cls(C::list), "pop")),
        "list.insert" => (LIST_INSERT, ops::lookup_type(vm::cls(C::list), "insert")),
        "set.add" => (SET_ADD, ops::lookup_type(vm::cls(C::set), "add")),
        "set.discard" => (SET_DISCARD, ops::lookup_type(vm::cls(C::set), "discard")),
        "set.remove" => (SET_REMOVE, ops::lookup_type(vm::cls(C::set), "remove")),
        "dict.get" => (DICT_GET, ops::lookup_type(vm::cls(C::dict), "get")),
        "str.join" => (STR_JOIN, ops::lookup_type(vm::cls(C::str), "join")),
        name => match name.strip_prefix("str.") {
            Some(m) if STR_METHODS.contains(&m) => {
                (STR_METHOD, ops::lookup_type(vm::cls(C::str), m))
            }
            _ => (OTHER, None),
        },
    };
    if found == Some(me) {
        return id;
    }
    // the `math` module's one-argument functions, recognized by their native function
    let f = b.f as usize;
    let fns = crate::objects::float::math_fast_fns();
    let names = ["sqrt", "sin", "cos", "exp", "atan"];
    let mut k = 0;
    while k < 5 {
        if f == fns[k] && b.name == names[k] {
            return MATH_SQRT + k as u32;
        }
        k += 1;
    }
    OTHER
}

/// `math.sqrt(x)` ... of a float or small int `x` while traced, when the result is finite
/// (NULL otherwise: the general path raises the domain or range error or returns the infinity
/// or NaN): an elidable call of the libm function and a float the trace allocates (virtual
/// when it does not escape).
#[metatracer::look_inside]
#[inline(always)]
#[allow(clippy::eq_op)] // (`r - r == 0.0` is the finiteness test traced code can express)
fn math_f1_fast(id: u32, x: Value) -> Value {
    let Some(v) = super::opcodes::float_of(x) else {
        return Value::NULL;
    };
    let r = math_f1(id, v);
    // finite: `r - r` is NaN for an infinity or a NaN
    if r - r == 0.0 {
        new_float_traced(r)
    } else {
        Value::NULL
    }
}

/// The libm function [`math_f1_fast`] names.
#[metatracer::elidable]
fn math_f1(id: u32, x: f64) -> f64 {
    match id {
        MATH_SQRT => x.sqrt(),
        MATH_SIN => x.sin(),
        MATH_COS => x.cos(),
        MATH_EXP => x.exp(),
        MATH_ATAN => x.atan(),
        // (not reached: NaN sends the caller to the general path)
        _ => f64::NAN,
    }
}

/// `CALL arg` (positional arguments only) of a built-in with a fast path, while traced: the
/// result replaces the callable's slots and its arguments, as the general handler leaves it.
/// False when the general handler must run (nothing was changed then).
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn call_builtin_fast(cx: &mut Ctx, arg: u32) -> bool {
    let base = cx.sp - arg as usize - 2;
    let a = cx.regs.get(base);
    let (callable, first) = if is_null(a) {
        (cx.regs.get(base + 1), base + 2)
    } else {
        (a, base + 1)
    };
    let ck = kind_byte(callable);
    if TRACE_RANGE_ALLOC && ck == CLASS_KIND {
        return call_range_fast(cx, callable, base, first);
    }
    if ck != BUILTIN_KIND {
        return false;
    }
    let callable = metatracer::promote(callable);
    // SAFETY: `callable` is a live built-in (its kind byte says so), kept alive by the stack.
    let b: Gc<BuiltinObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(callable)) };
    let id = builtin_id(b);
    if id == OTHER {
        return false;
    }
    let n = cx.sp - first;
    if id == STR_METHOD || id == STR_JOIN {
        let r = str_method_fast(cx, callable, first, n, id == STR_JOIN);
        if is_null(r) {
            return false;
        }
        cx.regs.set(base, r);
        cx.sp = base + 1;
        return true;
    }
    if n == 0 {
        return false;
    }
    let x = cx.regs.get(first);
    let r = if n == 1 && id >= MATH_SQRT {
        math_f1_fast(id, x)
    } else if n == 1 {
        match id {
            LEN => len_of(x),
            ABS => abs_of(x),
            LIST_POP => list_pop(x),
            _ => Value::NULL,
        }
    } else if n == 2 {
        let y = cx.regs.get(first + 1);
        match id {
            ISINSTANCE => isinstance_of(x, y),
            MIN => min_max2(x, y, false),
            MAX => min_max2(x, y, true),
            LIST_APPEND => list_append(x, y),
            SET_ADD => set_op_fast(x, y, 0),
            SET_DISCARD => set_op_fast(x, y, 1),
            SET_REMOVE => set_op_fast(x, y, 2),
            DICT_GET => dict_get_fast(x, y, Value::NONE),
            LIST_POP => list_pop_at_fast(x, y),
            DIVMOD => divmod_fast(x, y),
            _ => Value::NULL,
        }
    } else if n == 3 {
        let y = cx.regs.get(first + 1);
        let z = cx.regs.get(first + 2);
        if id == MIN || id == MAX {
            let r = min_max2(x, y, id == MAX);
            if is_null(r) {
                r
            } else {
                min_max2(r, z, id == MAX)
            }
        } else if id == DICT_GET {
            dict_get_fast(x, y, z)
        } else if id == LIST_INSERT {
            list_insert_fast(x, y, z)
        } else {
            Value::NULL
        }
    } else {
        Value::NULL
    };
    if is_null(r) {
        return false;
    }
    cx.regs.set(base, r);
    cx.sp = base + 1;
    true
}

/// `len(v)` of an exact list, tuple or str (NULL otherwise).
#[metatracer::look_inside]
#[inline(always)]
fn len_of(v: Value) -> Value {
    let k = kind_byte(v);
    let w = metatracer::word_bits(v);
    if k == LIST_KIND {
        // SAFETY: `v` is a live list (its kind byte says so), kept alive by the caller's stack.
        let l: Gc<ListObj> = unsafe { metatracer::word_to_value(w) };
        return small(l.len.get() as i64);
    }
    if k == TUPLE_KIND {
        // SAFETY: as above, a live tuple.
        let t: Gc<TupleObj> = unsafe { metatracer::word_to_value(w) };
        return small((*t.items).len() as i64);
    }
    if k == STR_KIND {
        // SAFETY: as above, a live str.
        let s: Gc<StrObj> = unsafe { metatracer::word_to_value(w) };
        return small(s.nchars as i64);
    }
    Value::NULL
}

/// `abs(v)` of a small int whose result is small (NULL otherwise).
#[metatracer::look_inside]
#[inline(always)]
fn abs_of(v: Value) -> Value {
    if !is_int(v) {
        return Value::NULL;
    }
    let i = int_of(v);
    let r = if i < 0 { 0 - i } else { i };
    if fits_small(r) {
        small(r)
    } else {
        Value::NULL
    }
}

/// `min(x, y)` (`max` when `is_max`) of two small ints or two exact floats: the first of the
/// two unless the second is strictly smaller (larger), as Python's `min`/`max` pick (NULL for
/// other types, which may compare through user code or across int and float).
#[metatracer::look_inside]
#[inline(always)]
fn min_max2(x: Value, y: Value, is_max: bool) -> Value {
    let take_y = if is_int(x) && is_int(y) {
        let (a, b) = (int_of(x), int_of(y));
        if is_max {
            b > a
        } else {
            b < a
        }
    } else if kind_byte(x) == FLOAT_KIND && kind_byte(y) == FLOAT_KIND {
        // SAFETY: both are live floats (their kind bytes say so), kept alive by the stack.
        let fx: Gc<FloatObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(x)) };
        // SAFETY: as above.
        let fy: Gc<FloatObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(y)) };
        let (a, b) = (fx.v, fy.v);
        if is_max {
            b > a
        } else {
            b < a
        }
    } else {
        return Value::NULL;
    };
    if take_y {
        y
    } else {
        x
    }
}

/// `lst.append(v)` on an exact list with room in its item array (NULL otherwise: the general
/// path grows the array, or switches the strategy of a float list for a value it cannot keep
/// unboxed). Returns None.
#[metatracer::look_inside]
#[inline(always)]
#[allow(clippy::eq_op)] // (`x == x` is the NaN test traced code can do)
fn list_append(lst: Value, v: Value) -> Value {
    if kind_byte(lst) != LIST_KIND {
        return Value::NULL;
    }
    // SAFETY: `lst` is a live list (its kind byte says so), kept alive by the caller's stack.
    let l: Gc<ListObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(lst)) };
    let n = l.len.get();
    if l.strategy.get() == crate::objects::list::FLOATS {
        if kind_byte(v) != FLOAT_KIND {
            return Value::NULL;
        }
        // SAFETY: a live float object (its kind byte says so).
        let f: Gc<FloatObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(v)) };
        let x = f.v;
        let floats = l.floats.get();
        if x != x || n >= (*floats).len() {
            return Value::NULL;
        }
        (*floats).set(n, x);
        l.len.set(n + 1);
        return Value::NONE;
    }
    let items = l.items.get();
    if n >= (*items).len() {
        return Value::NULL;
    }
    (*items).set(n, v);
    l.len.set(n + 1);
    Value::NONE
}

/// `lst.pop()` on a non-empty exact list: its last item (NULL otherwise; the general path
/// raises for an empty list).
#[metatracer::look_inside]
#[inline(always)]
fn list_pop(lst: Value) -> Value {
    if kind_byte(lst) != LIST_KIND {
        return Value::NULL;
    }
    // SAFETY: `lst` is a live list (its kind byte says so), kept alive by the caller's stack.
    let l: Gc<ListObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(lst)) };
    let n = l.len.get();
    if n == 0 {
        return Value::NULL;
    }
    if l.strategy.get() == crate::objects::list::FLOATS {
        let x = (*l.floats.get()).get(n - 1);
        l.len.set(n - 1);
        return new_float_traced(x);
    }
    let items = l.items.get();
    let v = (*items).get(n - 1);
    (*items).set(n - 1, Value::NULL);
    l.len.set(n - 1);
    v
}

/// The class epoch object (elidable: one per interpreter, a constant in traces).
#[metatracer::elidable]
fn epoch_obj() -> Gc<vm::EpochObj> {
    vm().jit_epoch.get()
}

/// `isinstance(v, c)` for a class `c` whose metaclass has no `__instancecheck__`, and `v` a
/// small int, an exact list/tuple/str/float, or an instance (NULL otherwise). The class of
/// `v` and `c` are promoted; the answer is an elidable lookup for the class epoch of the time
/// (a class change invalidates the trace).
#[metatracer::look_inside]
#[inline(always)]
fn isinstance_of(v: Value, c: Value) -> Value {
    if kind_byte(c) != CLASS_KIND {
        return Value::NULL;
    }
    let epoch = epoch_obj().epoch.get();
    if epoch == vm::EPOCH_UNSTABLE {
        return Value::NULL;
    }
    let c = metatracer::promote(c);
    // SAFETY: `c` is a live class (its kind byte says so), kept alive by the stack.
    let cc: Gc<ClassObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(c)) };
    let k = kind_byte(v);
    let r = if is_int(v) {
        isinstance_kind(0, cc, epoch)
    } else if k == INSTANCE_KIND {
        // SAFETY: `v` is a live instance (its kind byte says so), kept alive by the stack.
        let inst: Gc<InstanceObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(v)) };
        let vc = metatracer::promote(inst.cls.get());
        isinstance_cls(vc, cc, epoch)
    } else if k == LIST_KIND || k == TUPLE_KIND || k == STR_KIND || k == FLOAT_KIND {
        isinstance_kind(metatracer::promote(k), cc, epoch)
    } else {
        0
    };
    match r {
        1 => Value::FALSE,
        2 => Value::TRUE,
        _ => Value::NULL,
    }
}

/// Whether `isinstance` of a value of kind `k` (0: a small int) is decided by `c`'s MRO alone:
/// 0 if not (a metaclass with `__instancecheck__`), 1 false, 2 true. Elidable for an epoch.
#[metatracer::elidable]
fn isinstance_kind(k: u8, c: Gc<ClassObj>, _epoch: u64) -> u32 {
    let t = match k {
        0 => C::int,
        LIST_KIND => C::list,
        TUPLE_KIND => C::tuple,
        STR_KIND => C::str,
        FLOAT_KIND => C::float,
        _ => return 0,
    };
    isinstance_cls(vm::cls(t), c, _epoch)
}

/// [`isinstance_kind`] for an instance of class `t`.
#[metatracer::elidable]
fn isinstance_cls(t: Gc<ClassObj>, c: Gc<ClassObj>, _epoch: u64) -> u32 {
    if ops::lookup_type_user(vm::type_of(Value::obj(c)), "__instancecheck__").is_some() {
        return 0;
    }
    if vm::is_subclass(t, c) {
        2
    } else {
        1
    }
}

/// `LOAD_METHOD names[arg]` of `code` on an exact list, tuple, str, dict or set, while traced:
/// the method (a built-in such as `list.append`) is a constant found by an elidable lookup for
/// the class epoch of the time, and no bound method is made. False: the general path decides.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn load_method_builtin(cx: &mut Ctx, code: Gc<CodeObj>, arg: u32) -> bool {
    let obj = cx.regs.get(cx.sp - 1);
    let k = kind_byte(obj);
    if !(k == LIST_KIND || k == TUPLE_KIND || k == STR_KIND || k == DICT_KIND || k == SET_KIND) {
        return false;
    }
    let epoch = epoch_obj().epoch.get();
    if epoch == vm::EPOCH_UNSTABLE {
        return false;
    }
    let m = builtin_method_of(metatracer::promote(k), epoch, code, arg);
    if is_null(m) {
        return false;
    }
    cx.regs.set(cx.sp - 1, m);
    cx.regs.set(cx.sp, obj);
    cx.sp += 1;
    true
}

const DICT_KIND: u8 = Kind::Dict as u8;
const SET_KIND: u8 = Kind::Set as u8;

/// The method `names[arg]` of `code` on exact objects of kind `k`, or NULL (not found, or an
/// attribute that does not bind as a method). Elidable for an epoch.
#[metatracer::elidable]
fn builtin_method_of(k: u8, _epoch: u64, code: Gc<CodeObj>, arg: u32) -> Value {
    let t = match k {
        LIST_KIND => C::list,
        TUPLE_KIND => C::tuple,
        STR_KIND => C::str,
        DICT_KIND => C::dict,
        SET_KIND => C::set,
        _ => return Value::NULL,
    };
    let name = code.names.get(arg as usize);
    match ops::lookup_mro(vm::cls(t), name) {
        Some(m) if ops::binds_as_method(m) => m,
        _ => Value::NULL,
    }
}

/// `range(...)` of one to three small ints (a step not 0) while traced: the range is allocated
/// by the trace ([`new_range_traced`]). False for any other class or arguments.
#[metatracer::look_inside]
#[inline(always)]
fn call_range_fast(cx: &mut Ctx, callable: Value, base: usize, first: usize) -> bool {
    let c = metatracer::promote(callable);
    // SAFETY: `c` is a live class (the caller checked its kind byte), kept alive by the stack.
    let cc: Gc<ClassObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(c)) };
    if !is_range_class(cc) {
        return false;
    }
    let n = cx.sp - first;
    let x = cx.regs.get(first);
    if n == 0 || n > 3 || !is_int(x) {
        return false;
    }
    let (start, stop, step) = if n == 1 {
        (0, int_of(x), 1)
    } else {
        let y = cx.regs.get(first + 1);
        if !is_int(y) {
            return false;
        }
        let step = if n == 3 {
            let z = cx.regs.get(first + 2);
            if !is_int(z) || int_of(z) == 0 {
                return false;
            }
            int_of(z)
        } else {
            1
        };
        (int_of(x), int_of(y), step)
    };
    cx.regs.set(base, new_range_traced(start, stop, step));
    cx.sp = base + 1;
    true
}

/// Whether `c` is the class `range` (elidable: classes are not replaced).
#[metatracer::elidable]
fn is_range_class(c: Gc<ClassObj>) -> bool {
    Gc::ptr_eq(c, vm::cls(C::range))
}

/// Whether `range(...)` and `GET_ITER` allocate in the trace ([`call_range_fast`],
/// [`get_iter_fast`]). Off: with them, nqueens (a `for col in range(n)` per recursive call) ran
/// 25% slower with the JIT (user time 1.03-1.06 s against 0.80-0.84 s, same machine, same
/// hour), although a nested-loop micro-benchmark ran 25% faster; the suspected cause is the
/// write barriers `virtualize` re-emits after every reference store that follows a `new` in the
/// loop (`docs/pyguest-jit.md`). Turn on again once that is measured and fixed.
pub(super) const TRACE_RANGE_ALLOC: bool = false;

const RANGE_KIND: u8 = Kind::Range as u8;
const ITER_SEQ: u8 = IterKind::Seq as u8;
const ITER_RANGE: u8 = IterKind::Range as u8;

/// `GET_ITER` of an exact range or list while traced: the iterator is allocated by the trace
/// ([`new_iter_traced`], what `ops::get_iter` makes). False for anything else.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn get_iter_fast(cx: &mut Ctx) -> bool {
    let v = cx.regs.get(cx.sp - 1);
    let k = kind_byte(v);
    let it = if k == RANGE_KIND {
        // SAFETY: `v` is a live range (its kind byte says so), kept alive by the stack.
        let r: Gc<RangeObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(v)) };
        let (start, stop, step) = (r.start, r.stop, r.step);
        let n = if step > 0 {
            if stop > start {
                (stop - start - 1) / step + 1
            } else {
                0
            }
        } else if start > stop {
            (start - stop - 1) / (0 - step) + 1
        } else {
            0
        };
        new_iter_traced(ITER_RANGE, Value::NULL, start, n, step)
    } else if k == LIST_KIND {
        new_iter_traced(ITER_SEQ, v, 0, 0, 1)
    } else {
        return false;
    };
    cx.regs.set(cx.sp - 1, it);
    true
}

/// `UNPACK_SEQUENCE n` of an exact tuple or list of exactly `n` items while traced: the items
/// are pushed (last first) by loads, with no residual call. False for anything else (the
/// general path raises for a wrong length). Unrolled: `n` comes from the (green) instruction.
#[metatracer::unroll_safe]
#[inline(always)]
pub(super) fn unpack_fast(cx: &mut Ctx, arg: u32) -> bool {
    let v = cx.regs.get(cx.sp - 1);
    let k = kind_byte(v);
    let n = arg as usize;
    let items = if k == TUPLE_KIND {
        // SAFETY: `v` is a live tuple (its kind byte says so), kept alive by the stack.
        let t: Gc<TupleObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(v)) };
        let items = t.items;
        if (*items).len() != n {
            return false;
        }
        items
    } else if k == LIST_KIND {
        // SAFETY: `v` is a live list (its kind byte says so), kept alive by the stack.
        let l: Gc<ListObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(v)) };
        if l.len.get() != n || l.strategy.get() != crate::objects::list::OBJECTS {
            return false;
        }
        l.items.get()
    } else {
        return false;
    };
    let base = cx.sp - 1;
    let mut i = 0;
    while i < n {
        cx.regs.set(base + i, (*items).get(n - 1 - i));
        i += 1;
    }
    cx.sp = base + n;
    true
}
