//! Fast paths (JIT only) of the container and string operations hot loops use: `in` on an
//! exact set, frozenset or dict (`CONTAINS_OP`), `d[k]` and `d[k] = v` on an exact dict
//! (`BINARY_SUBSCR`/`STORE_SUBSCR`), and the built-in methods `set.add`/`remove`/`discard`,
//! `dict.get`, `list.pop(i)`/`list.insert(i, v)` and a few `str` methods (`split`, `strip`,
//! `lower`, `join`, ...), called from [`super::opcodes_builtins::call_builtin_fast`]. Part of
//! [`super::opcodes`]; used only while traced (under `metatracer::we_are_jitted()`).
//!
//! The traced part tests the exact kinds (one guard each) and then makes one residual call of
//! a helper that does only the operation: its arguments and its one-word result are in
//! registers, where the general handler would be a residual call that reads its operands from
//! the frame and writes its result and the stack pointer back. The lookups (`in`, `d[k]`,
//! `dict.get`) and the `str` methods write no memory that existed before the call
//! (`#[dont_look_inside(read_only)]`, taking their operands as plain words): the tracer keeps
//! the frame's pending stores and what it knows about memory across them. The mutations are
//! ordinary residual calls.
//!
//! Exactness: a key takes a fast path only when it is a small int or an exact str, and a
//! probe gives up (the helper answers "not handled", having changed nothing) as soon as it
//! meets an entry with the same hash that only a guest `__eq__` could compare (an instance, a
//! float equal to an int, a str subclass): the general handler then runs and makes every
//! error (`KeyError`, `IndexError`, ...), so the fast paths never raise. A `str` hash computed
//! here is cached in the str, as `ops::hash` does (traced code never reads that cache).
//!
//! Assumes: exact built-in objects have the kind byte of their type (instances of subclasses
//! are `Kind::Instance`); the whitelisted `str` methods run no guest code and write no
//! existing object when their receiver is an exact str and their arguments exact strs, small
//! ints, or (`join`) an exact list or tuple.

use super::dispatch::Ctx;
use crate::objects::ops;
use crate::objects::*;
use crate::value::{bool_value, is_int, is_null, kind_byte, Kind, Value};
use metatracer::gc::{self, Gc};

pub(super) const SET_KIND: u8 = Kind::Set as u8;
pub(super) const FROZENSET_KIND: u8 = Kind::FrozenSet as u8;
pub(super) const DICT_KIND: u8 = Kind::Dict as u8;
const STR_KIND: u8 = Kind::Str as u8;
const LIST_KIND: u8 = Kind::List as u8;
const TUPLE_KIND: u8 = Kind::Tuple as u8;

/// Whether `k` is a key the fast paths hash and compare without guest code: a small int or
/// an exact str (traced: a tag test, or a kind guard).
#[metatracer::look_inside]
#[inline(always)]
fn plain_key(k: Value) -> bool {
    is_int(k) || kind_byte(k) == STR_KIND
}

/// Whether `v` is a plain argument of a whitelisted `str` method: a small int or an exact str.
#[metatracer::look_inside]
#[inline(always)]
fn plain_arg(v: Value) -> bool {
    is_int(v) || kind_byte(v) == STR_KIND
}

/// The hash of a plain key (None for any other value).
#[inline]
fn plain_hash(k: Value) -> Option<i64> {
    if k.is_int() || k.is_kind(Kind::Str) {
        ops::hash(k).ok()
    } else {
        None
    }
}

/// `v` as an exact dict.
#[inline]
fn exact_dict(v: Value) -> Option<Gc<DictObj>> {
    if v.is_kind(Kind::Dict) {
        as_dict(v)
    } else {
        None
    }
}

/// `v` as an exact set or frozenset (`mutable`: a set only).
#[inline]
fn exact_set(v: Value, mutable: bool) -> Option<Gc<SetObj>> {
    if v.is_kind(Kind::Set) || (!mutable && v.is_kind(Kind::FrozenSet)) {
        as_set(v)
    } else {
        None
    }
}

/// The tail of a fast path that leaves one result over the top of the stack: a NULL `r` means
/// "not handled" (false: the general handler runs, nothing was changed), else `r` replaces the
/// top slot (true).
#[metatracer::look_inside]
#[inline(always)]
fn set_top(cx: &mut Ctx, r: Value) -> bool {
    if is_null(r) {
        return false;
    }
    cx.regs.set(cx.sp - 1, r);
    true
}

// ---------------------------------------------------------------- lookups (read-only)

/// `k in c` for an exact set, frozenset or dict `c` and a plain key `k` (words of values):
/// 2 if present, 1 if absent, 0 if the probe could not decide without guest code.
#[metatracer::dont_look_inside(read_only)]
fn contains_word(c: u64, k: u64) -> u64 {
    let (c, k) = (Value(c), Value(k));
    let Some(h) = plain_hash(k) else {
        return 0;
    };
    let found = if let Some(d) = exact_dict(c) {
        d.find_fast(k, h).map(|e| e.is_some())
    } else if let Some(s) = exact_set(c, false) {
        s.lookup_fast(k, h).map(|e| e.is_some())
    } else {
        None
    };
    match found {
        Some(true) => 2,
        Some(false) => 1,
        None => 0,
    }
}

/// `d[k]` of an exact dict `d` and a plain key `k` (words of values), or `dflt` if `k` is
/// absent; NULL if the probe could not decide (or `k` is absent and `dflt` is NULL).
#[metatracer::dont_look_inside(read_only)]
fn dict_get_word(d: u64, k: u64, dflt: u64) -> Value {
    let (d, k) = (Value(d), Value(k));
    let (Some(d), Some(h)) = (exact_dict(d), plain_hash(k)) else {
        return Value::NULL;
    };
    match d.find_fast(k, h) {
        Some(Some(e)) => d.vals.get().get(e),
        Some(None) => Value(dflt),
        None => Value::NULL,
    }
}

/// `CONTAINS_OP arg` (`in`, or `not in` for `arg` 1) of a plain key in an exact set,
/// frozenset or dict while traced: one read-only residual call. False: the general handler
/// must run (nothing was changed).
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn contains_fast(cx: &mut Ctx, arg: u32) -> bool {
    let c = cx.regs.get(cx.sp - 1);
    let k = cx.regs.get(cx.sp - 2);
    let ck = kind_byte(c);
    if !(ck == SET_KIND || ck == DICT_KIND || ck == FROZENSET_KIND) || !plain_key(k) {
        return false;
    }
    let r = contains_word(metatracer::word_bits(c), metatracer::word_bits(k));
    if r == 0 {
        return false;
    }
    let present = r == 2;
    let v = if arg == 1 {
        bool_value(!present)
    } else {
        bool_value(present)
    };
    cx.sp -= 1;
    cx.regs.set(cx.sp - 1, v);
    true
}

/// `o[k]` for an exact dict `o` and a plain key `k` present in it, while traced (NULL
/// otherwise: the general path looks up, or raises `KeyError`).
#[metatracer::look_inside]
#[inline(always)]
fn dict_subscr_fast(o: Value, k: Value) -> Value {
    if kind_byte(o) != DICT_KIND || !plain_key(k) {
        return Value::NULL;
    }
    dict_get_word(metatracer::word_bits(o), metatracer::word_bits(k), 0)
}

/// `d.get(k, dflt)` of an exact dict and a plain key, while traced (NULL: not handled).
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn dict_get_fast(d: Value, k: Value, dflt: Value) -> Value {
    if kind_byte(d) != DICT_KIND || !plain_key(k) {
        return Value::NULL;
    }
    dict_get_word(
        metatracer::word_bits(d),
        metatracer::word_bits(k),
        metatracer::word_bits(dflt),
    )
}

// ---------------------------------------------------------------- mutations

/// `d[k] = v` on an exact dict with a plain key (true), when the probe decides without guest
/// code; false otherwise (nothing was changed).
#[metatracer::dont_look_inside]
fn dict_store(d: Value, k: Value, v: Value) -> bool {
    let (Some(d), Some(h)) = (exact_dict(d), plain_hash(k)) else {
        return false;
    };
    d.set_item_fast(k, h, v)
}

/// `o[k] = v` for an exact dict `o` and a plain key `k`, while traced: one residual call of
/// the store alone. False: the general path must run (nothing was changed).
#[metatracer::look_inside]
#[inline(always)]
fn dict_store_fast(o: Value, k: Value, v: Value) -> bool {
    if kind_byte(o) != DICT_KIND || !plain_key(k) {
        return false;
    }
    dict_store(o, k, v)
}

/// `s.add(k)` (`op` 0), `s.discard(k)` (1) or `s.remove(k)` (2) on an exact set with a plain
/// key (words of values): None, or NULL when the probe could not decide or `remove` finds no
/// `k` (the general path raises `KeyError`); nothing was changed then.
///
/// Declared `read_only` although it writes the set: it writes only the set's slot array
/// and its Rust-side table, which traced code never reads (sets are reached only through
/// these helpers and residual calls), so no value the tracer knows goes stale, and the
/// frame's pending stores stay pending across it.
#[metatracer::dont_look_inside(read_only)]
fn set_op(s: u64, k: u64, op: u64) -> Value {
    let (s, k) = (Value(s), Value(k));
    let (Some(s), Some(h)) = (exact_set(s, true), plain_hash(k)) else {
        return Value::NULL;
    };
    let done = if op == 0 {
        s.add_fast(k, h)
    } else {
        match s.discard_fast(k, h) {
            Some(found) => found || op == 1,
            None => false,
        }
    };
    if done {
        Value::NONE
    } else {
        Value::NULL
    }
}

/// `s.add(k)`, `s.discard(k)`, `s.remove(k)` (`op` 0, 1, 2) of an exact set and a plain key
/// while traced (NULL: not handled).
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn set_op_fast(s: Value, k: Value, op: u32) -> Value {
    if kind_byte(s) != SET_KIND || !plain_key(k) {
        return Value::NULL;
    }
    set_op(
        metatracer::word_bits(s),
        metatracer::word_bits(k),
        op as u64,
    )
}

/// `divmod(x, y)` of two numbers that are ints (small or big) or floats (words of values):
/// the new `(q, r)` tuple, or NULL when the general path must decide (another type, a zero
/// divisor: it raises). Allocates only new objects, hence `read_only`.
#[metatracer::dont_look_inside(read_only)]
fn divmod_word(x: u64, y: u64) -> Value {
    let (x, y) = (Value(x), Value(y));
    let plain = |v: Value| v.is_int() || v.is_kind(Kind::BigInt) || v.is_kind(Kind::Float);
    if !plain(x) || !plain(y) {
        return Value::NULL;
    }
    let q = ops::binary_op(x, y, crate::compiler::bytecode::binop::FLOORDIV);
    let r = ops::binary_op(x, y, crate::compiler::bytecode::binop::MOD);
    match (q, r) {
        (Ok(q), Ok(r)) => new_tuple(&[q, r]),
        _ => Value::NULL,
    }
}

/// `divmod(x, y)` while traced (NULL: not handled): one narrow helper call instead of the
/// general `CALL` handler, so the frame stays in registers around it (bigint_factorial).
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn divmod_fast(x: Value, y: Value) -> Value {
    divmod_word(metatracer::word_bits(x), metatracer::word_bits(y))
}

/// `lst.pop(i)` of an exact list and an index in range (NULL otherwise: the general path
/// raises): the items after `i` move down by one.
#[metatracer::dont_look_inside]
fn list_pop_at(lst: Value, i: Value) -> Value {
    let (Some(l), Some(i)) = (
        as_list(lst).filter(|_| lst.is_kind(Kind::List)),
        i.as_small(),
    ) else {
        return Value::NULL;
    };
    let n = l.len() as i64;
    let j = if i < 0 { i + n } else { i };
    if j < 0 || j >= n {
        return Value::NULL;
    }
    l.remove_at(j as usize)
}

/// `lst.insert(i, v)` of an exact list and a small int index (clamped as Python does):
/// None (NULL if `lst` is not an exact list or `i` not a small int).
#[metatracer::dont_look_inside]
fn list_insert_at(lst: Value, i: Value, v: Value) -> Value {
    let (Some(l), Some(i)) = (
        as_list(lst).filter(|_| lst.is_kind(Kind::List)),
        i.as_small(),
    ) else {
        return Value::NULL;
    };
    let n = l.len() as i64;
    let j = if i < 0 { (i + n).max(0) } else { i.min(n) };
    l.insert(j as usize, v);
    Value::NONE
}

/// `lst.pop(i)` while traced (NULL: not handled).
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn list_pop_at_fast(lst: Value, i: Value) -> Value {
    if kind_byte(lst) != LIST_KIND || !is_int(i) {
        return Value::NULL;
    }
    list_pop_at(lst, i)
}

/// `lst.insert(i, v)` while traced (NULL: not handled).
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn list_insert_fast(lst: Value, i: Value, v: Value) -> Value {
    if kind_byte(lst) != LIST_KIND || !is_int(i) {
        return Value::NULL;
    }
    list_insert_at(lst, i, v)
}

// ---------------------------------------------------------------- str methods

/// Calls the built-in `b` (a whitelisted `str` method, [`super::opcodes_builtins`]) with the
/// first `n` of `a0, a1, a2` (words of values) when its signature takes them as given; its
/// result, or NULL if it does not take them or raises (the general path then raises the same
/// error: these methods have no effect but their result).
#[metatracer::dont_look_inside(read_only)]
fn call_str_method(b: u64, n: u64, a0: u64, a1: u64, a2: u64) -> Value {
    let Some(b) = as_builtin(Value(b)) else {
        return Value::NULL;
    };
    let all = [Value(a0), Value(a1), Value(a2)];
    let args = Args {
        pos: &all[..(n as usize).min(3)],
        kwnames: &[],
        kwvals: &[],
    };
    if !b.bound.is_null() || !b.sig.fits_fast(&args) {
        return Value::NULL;
    }
    (b.f)(args).unwrap_or(Value::NULL)
}

/// A whitelisted `str` method `callable` called with `n` (1 to 3) arguments from `first` of
/// the stack, while traced: the receiver must be an exact str and the other arguments small
/// ints or exact strs (`join`: its one argument an exact list or tuple). NULL: not handled.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn str_method_fast(
    cx: &mut Ctx,
    callable: Value,
    first: usize,
    n: usize,
    join: bool,
) -> Value {
    if n == 0 || n > 3 {
        return Value::NULL;
    }
    let x = cx.regs.get(first);
    if kind_byte(x) != STR_KIND {
        return Value::NULL;
    }
    let y = if n >= 2 {
        cx.regs.get(first + 1)
    } else {
        Value::NULL
    };
    let z = if n == 3 {
        cx.regs.get(first + 2)
    } else {
        Value::NULL
    };
    if join {
        let yk = kind_byte(y);
        if n != 2 || !(yk == LIST_KIND || yk == TUPLE_KIND) {
            return Value::NULL;
        }
    } else if (n >= 2 && !plain_arg(y)) || (n == 3 && !plain_arg(z)) {
        return Value::NULL;
    }
    call_str_method(
        metatracer::word_bits(callable),
        n as u64,
        metatracer::word_bits(x),
        metatracer::word_bits(y),
        metatracer::word_bits(z),
    )
}

// ---------------------------------------------------------------- building, slices

const SLICE_KIND: u8 = Kind::Slice as u8;

/// A new tuple (`list` 0) or list (1) of the first `n` (0 to 3) of `a, b, c` (words of
/// values): allocation only.
#[metatracer::dont_look_inside(read_only)]
fn new_seq_word(list: u64, n: u64, a: u64, b: u64, c: u64) -> Value {
    let all = [Value(a), Value(b), Value(c)];
    let items = &all[..(n as usize).min(3)];
    if list != 0 {
        new_list_from(items)
    } else {
        new_tuple(items)
    }
}

/// `BUILD_TUPLE n` (`list` false) or `BUILD_LIST n` of up to 3 items while traced: a tuple
/// of 1 to 3 items is allocated by the trace (`tuple::new_tuple_traced`, removable); a list
/// or the empty tuple is one allocating residual call that takes the items in registers (the
/// frame's pending stores stay pending). False for more items.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn build_seq_fast(cx: &mut Ctx, arg: u32, list: bool) -> bool {
    let n = arg as usize;
    if n > 3 {
        return false;
    }
    let base = cx.sp - n;
    let a = if n >= 1 {
        cx.regs.get(base)
    } else {
        Value::NULL
    };
    let b = if n >= 2 {
        cx.regs.get(base + 1)
    } else {
        Value::NULL
    };
    let c = if n == 3 {
        cx.regs.get(base + 2)
    } else {
        Value::NULL
    };
    if !list && n > 0 {
        let v = crate::objects::tuple::new_tuple_traced(n, a, b, c);
        cx.regs.set(base, v);
        cx.sp = base + 1;
        return true;
    }
    let v = new_seq_word(
        if list { 1 } else { 0 },
        n as u64,
        metatracer::word_bits(a),
        metatracer::word_bits(b),
        metatracer::word_bits(c),
    );
    cx.regs.set(base, v);
    cx.sp = base + 1;
    true
}

/// A new `slice(a, b, c)` (words of values): allocation only.
#[metatracer::dont_look_inside(read_only)]
fn new_slice_word(a: u64, b: u64, c: u64) -> Value {
    Value::obj(gc::alloc(SliceObj {
        kind: Kind::Slice,
        start: Value(a),
        stop: Value(b),
        step: Value(c),
    }))
}

/// `BUILD_SLICE arg` (2 or 3 bounds) while traced: one allocating residual call.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn build_slice_fast(cx: &mut Ctx, arg: u32) -> bool {
    let n = if arg == 3 { 3 } else { 2 };
    let base = cx.sp - n;
    let a = cx.regs.get(base);
    let b = cx.regs.get(base + 1);
    let c = if n == 3 {
        cx.regs.get(base + 2)
    } else {
        Value::NONE
    };
    let s = new_slice_word(
        metatracer::word_bits(a),
        metatracer::word_bits(b),
        metatracer::word_bits(c),
    );
    cx.regs.set(base, s);
    cx.sp = base + 1;
    true
}

/// `k` as an exact slice whose bounds are None or small ints (no `__index__` to call).
#[inline]
fn plain_slice(k: Value) -> Option<Gc<SliceObj>> {
    let s = as_slice(k)?;
    let plain = |v: Value| v.is_none() || v.is_int();
    (plain(s.start) && plain(s.stop) && plain(s.step)).then_some(s)
}

/// `o[k]` of an exact list, tuple or str and a plain slice (words of values): a new object,
/// or NULL if not handled or it raises (a step of 0: the general path raises).
#[metatracer::dont_look_inside(read_only)]
fn getitem_slice_word(o: u64, k: u64) -> Value {
    let (o, k) = (Value(o), Value(k));
    let exact = o.is_kind(Kind::List) || o.is_kind(Kind::Tuple) || o.is_kind(Kind::Str);
    if !exact || plain_slice(k).is_none() {
        return Value::NULL;
    }
    ops::getitem(o, k).unwrap_or(Value::NULL)
}

/// `o[a:b:c]` of an exact list, tuple or str while traced (NULL: not handled).
#[metatracer::look_inside]
#[inline(always)]
fn slice_subscr_fast(o: Value, k: Value) -> Value {
    let ok = kind_byte(o);
    if !(ok == LIST_KIND || ok == TUPLE_KIND || ok == STR_KIND) || kind_byte(k) != SLICE_KIND {
        return Value::NULL;
    }
    getitem_slice_word(metatracer::word_bits(o), metatracer::word_bits(k))
}

/// `lst[a:b] = v` of an exact list, a plain slice with no step and an exact list or tuple
/// `v` (which cannot fail): true; false if not handled (nothing was changed).
#[metatracer::dont_look_inside]
fn setitem_slice(o: Value, k: Value, v: Value) -> bool {
    let exact = o.is_kind(Kind::List) && (v.is_kind(Kind::List) || v.is_kind(Kind::Tuple));
    match plain_slice(k) {
        Some(s) if exact && s.step.is_none() => ops::setitem(o, k, v).is_ok(),
        _ => false,
    }
}

/// `lst[a:b] = v` while traced (false: not handled).
#[metatracer::look_inside]
#[inline(always)]
fn slice_store_fast(o: Value, k: Value, v: Value) -> bool {
    let vk = kind_byte(v);
    if kind_byte(o) != LIST_KIND
        || kind_byte(k) != SLICE_KIND
        || !(vk == LIST_KIND || vk == TUPLE_KIND)
    {
        return false;
    }
    setitem_slice(o, k, v)
}

// ---------------------------------------------------------------- str concatenation

/// `a + b` of two exact strs (words of values): a new str (allocation only).
#[metatracer::dont_look_inside(read_only)]
fn str_concat_word(a: u64, b: u64) -> Value {
    let (a, b) = (Value(a), Value(b));
    if !(a.is_kind(Kind::Str) && b.is_kind(Kind::Str)) {
        return Value::NULL;
    }
    ops::binary_op(a, b, crate::compiler::bytecode::binop::ADD).unwrap_or(Value::NULL)
}

/// `a + b` (`BINARY_OP` or `INPLACE_OP` `+`, the same for strs) of two exact strs while
/// traced: one allocating residual call, its result over the left operand's slot (false:
/// not handled).
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn str_concat_fast(cx: &mut Ctx, a: Value, b: Value, arg: u32) -> bool {
    if arg != 0 || kind_byte(a) != STR_KIND || kind_byte(b) != STR_KIND {
        return false;
    }
    let r = str_concat_word(metatracer::word_bits(a), metatracer::word_bits(b));
    set_top(cx, r)
}

/// `BINARY_SUBSCR` of `o[k]` (`o` still on the stack, `k` popped) while traced: an exact
/// dict with a plain key present (one read-only lookup call) or a slice of an exact list,
/// tuple or str; the result over `o`'s slot. False: the general path must run.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn subscr_fast(cx: &mut Ctx, o: Value, k: Value) -> bool {
    let v = if kind_byte(k) == SLICE_KIND {
        slice_subscr_fast(o, k)
    } else {
        dict_subscr_fast(o, k)
    };
    set_top(cx, v)
}

/// `STORE_SUBSCR` of `o[k] = v` while traced: an exact dict with a plain key, or a slice of
/// an exact list given an exact list or tuple (one residual call of the store alone).
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn store_subscr_fast(o: Value, k: Value, v: Value) -> bool {
    if kind_byte(k) == SLICE_KIND {
        slice_store_fast(o, k, v)
    } else {
        dict_store_fast(o, k, v)
    }
}
