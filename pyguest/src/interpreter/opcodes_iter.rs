//! The iteration handlers: `GET_ITER` and `FOR_ITER` (the traced fast paths over ranges,
//! lists, tuples and inline-resumed generators, and the general path through `__next__`).
//! Split from `opcodes.rs` by concept; they share its helpers and its assumptions.

use super::dispatch::{Ctx, Step, Stop};
use super::frame::set_cur;
use super::opcodes::*;
use crate::objects::ops;
use crate::objects::*;
use crate::value::{fits_small, is_ptr, kind_byte, small, Kind, Value};
use metatracer::gc::Gc;

/// `GET_ITER`.
#[inline(always)]
pub(super) fn get_iter(cx: &mut Ctx) -> Step {
    let t = cx.top();
    let v = match ops::get_iter(t) {
        Ok(v) => v,
        // a `types.coroutine` generator may `yield from` a coroutine
        Err(_)
            if cx.code.d.flags & CO_ITERABLE_COROUTINE != 0
                && as_generator(t).is_some_and(|g| {
                    crate::objects::coroutine::flavor(g)
                        == crate::objects::coroutine::Flavor::Coroutine
                }) =>
        {
            t
        }
        Err(e) => return Err(Stop::raise(e)),
    };
    set_cur(cx.f);
    cx.regs.set(cx.sp - 1, v);
    Ok(())
}

/// `FOR_ITER`: a range iterator and an iterator over an exact list are stepped by traced code
/// (their fields are loads and stores); every other iterator goes through [`for_iter_slow`].
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn for_iter(cx: &mut Ctx, pc: usize, arg: u32) -> Result<usize, Stop> {
    let it = cx.top();
    let mut v = fast_next(it);
    if metatracer::word_bits(v) == NOT_FAST && is_iter_of(it, ENUMERATE_SUB) {
        // `enumerate` over a list or a range: the inner step, then the pair (allocated by
        // the trace: removed when the loop unpacks it, `for i, x in enumerate(xs)`)
        // SAFETY: `it` is a live enumerate iterator (checked above), kept alive by the stack.
        let eo: Gc<IterObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(it)) };
        let i = eo.i.get();
        // (a count kept as a Python int in `b`, or about to leave the small ints: the
        // general path)
        if metatracer::word_bits(eo.b.get()) == 0 && fits_small(i) {
            let x = fast_next(eo.a.get());
            v = x;
            if metatracer::word_bits(x) != NOT_FAST && metatracer::word_bits(x) != 0 {
                eo.i.set(i + 1);
                // (pushed here: a test of the pair's address would make it escape)
                push_item(
                    cx,
                    crate::objects::tuple::new_tuple_traced(2, small(i), x, Value::NULL),
                );
                return Ok(pc);
            }
        }
    }
    if metatracer::word_bits(v) == NOT_FAST && is_iter_of(it, ZIP_SUB) {
        // `zip` (not strict) of two list or range iterators: both steps, then the pair
        // allocated by the trace; the second is not stepped when the first is exhausted,
        // as in the interpreter
        // SAFETY: `it` is a live zip iterator (checked above), kept alive by the stack.
        let zo: Gc<IterObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(it)) };
        let its = zo.a.get();
        // SAFETY: a zip iterator's `a` is the tuple of its iterators (`iter::zip_new`).
        let t: Gc<TupleObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(its)) };
        let items = t.items;
        if zo.n.get() == 0 && items.len() == 2 {
            let (ia, ib) = (items.get(0), items.get(1));
            if is_fast_iter(ia) && is_fast_iter(ib) {
                let x = fast_next(ia);
                let y = if metatracer::word_bits(x) == 0 {
                    x
                } else {
                    fast_next(ib)
                };
                if metatracer::word_bits(y) == 0 {
                    cx.sp -= 1;
                    return Ok(arg as usize);
                }
                push_item(
                    cx,
                    crate::objects::tuple::new_tuple_traced(2, x, y, Value::NULL),
                );
                return Ok(pc);
            }
        }
    }
    if metatracer::word_bits(v) != NOT_FAST {
        if metatracer::word_bits(v) == 0 {
            cx.sp -= 1;
            return Ok(arg as usize);
        }
        push_item(cx, v);
        return Ok(pc);
    }
    if kind_byte(it) == GENERATOR_KIND {
        return for_iter_gen(cx, pc, arg, metatracer::we_are_jitted());
    }
    for_iter_slow(cx, pc, arg)
}

/// Pushes the loop's next item at the promoted stack depth: a constant in a loop since the
/// merge point promoted it, but a bridge from a guard inside `FOR_ITER` starts without
/// knowing it, and a push at a computed index makes a pair built in the trace escape.
#[metatracer::look_inside]
#[inline(always)]
fn push_item(cx: &mut Ctx, v: Value) {
    cx.sp = metatracer::promote(cx.sp);
    cx.push(v);
}

/// Whether [`fast_next`] steps `it`: a range iterator, or a sequence iterator over a list.
#[metatracer::look_inside]
#[inline(always)]
fn is_fast_iter(it: Value) -> bool {
    if is_iter_of(it, RANGE_SUB) {
        return true;
    }
    if !is_iter_of(it, SEQ_SUB) {
        return false;
    }
    // SAFETY: `it` is a live sequence iterator (checked above), kept alive by the caller.
    let io: Gc<IterObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(it)) };
    kind_byte(io.a.get()) == LIST_KIND
}

/// [`fast_next`]'s answer for an iterator it does not step.
const NOT_FAST: u64 = Value::DUMMY.0;

/// The next item of `it` if it is a list or range iterator (traced), `Value::NULL` if that
/// iterator is exhausted, `Value::DUMMY` (never an item) for any other value.
#[metatracer::look_inside]
#[inline(always)]
fn fast_next(it: Value) -> Value {
    if is_iter_of(it, SEQ_SUB) {
        // SAFETY: `it` is a live sequence iterator (checked above), kept alive by the caller.
        let io: Gc<IterObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(it)) };
        let seq = io.a.get();
        if kind_byte(seq) != LIST_KIND {
            return Value::DUMMY;
        }
        // SAFETY: `seq` is a live list (its kind byte says so), kept alive by `io`.
        let l: Gc<ListObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(seq)) };
        let i = io.i.get();
        // (the list may have shrunk or grown since the last step: as the interpreter,
        // compare with its length now)
        if i < l.len.get() as i64 {
            let v = list_item(l, i as usize);
            io.i.set(i + 1);
            return v;
        }
        return Value::NULL;
    }
    if is_iter_of(it, RANGE_SUB) {
        // SAFETY: `it` is a live range iterator (checked above), kept alive by the caller.
        let io: Gc<IterObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(it)) };
        let n = io.n.get();
        if n > 0 {
            let i = io.i.get();
            io.n.set(n - 1);
            io.i.set(i + io.step.get());
            return if fits_small(i) { small(i) } else { new_int(i) };
        }
        return Value::NULL;
    }
    Value::DUMMY
}

const GENERATOR_KIND: u8 = Kind::Generator as u8;

/// `FOR_ITER` on a generator: resumes it inside the dispatch loop (`Ctx` switches to its
/// frame; `generators::resume_inline`), or takes the general path.
#[inline(never)]
fn for_iter_gen(cx: &mut Ctx, pc: usize, arg: u32, jitted: bool) -> Result<usize, Stop> {
    if let Some(g) = as_generator(cx.top()) {
        if let Some(s) = super::generators::resume_inline(cx, g, pc, Value::NONE, jitted) {
            return Err(s);
        }
    }
    for_iter_slow(cx, pc, arg)
}

/// Whether `v` is a built-in iterator of sub-kind `sub` (traced: two byte loads).
#[metatracer::look_inside]
#[inline(always)]
fn is_iter_of(v: Value, sub_kind: u8) -> bool {
    if !is_ptr(v) {
        return false;
    }
    let p: *const u8 = metatracer::from_word_bits(metatracer::word_bits(v));
    // SAFETY: a pointer value addresses a live object whose first byte is its kind; an
    // iterator's second byte is its sub-kind (`repr(C)`, checked below).
    let kind = unsafe { *p };
    if kind != ITER_KIND {
        return false;
    }
    let sub: *const u8 = metatracer::from_word_bits(metatracer::word_bits(v) + 1);
    // SAFETY: as above: the second byte of a live iterator object.
    unsafe { *sub == sub_kind }
}

const ITER_KIND: u8 = Kind::Iter as u8;
const RANGE_SUB: u8 = IterKind::Range as u8;
const ENUMERATE_SUB: u8 = IterKind::Enumerate as u8;
const ZIP_SUB: u8 = IterKind::Zip as u8;
const SEQ_SUB: u8 = IterKind::Seq as u8;
const _: () = assert!(std::mem::offset_of!(IterObj, sub) == 1);

/// `FOR_ITER` on any iterator.
#[inline(never)]
fn for_iter_slow(cx: &mut Ctx, mut pc: usize, arg: u32) -> Result<usize, Stop> {
    let it = cx.top();
    if let Some(io) = as_iter(it) {
        match io.sub {
            IterKind::Range => {
                let n = io.n.get();
                if n > 0 {
                    let i = io.i.get();
                    io.n.set(n - 1);
                    io.i.set(i + io.step.get());
                    cx.push(new_int(i));
                } else {
                    cx.sp -= 1;
                    pc = arg as usize;
                }
                return Ok(pc);
            }
            IterKind::Seq => {
                let s = io.a.get();
                let i = io.i.get() as usize;
                let item = if let Some(l) = as_list_exact(s) {
                    if i < l.len() {
                        Some(l.get(i))
                    } else {
                        None
                    }
                } else {
                    let t = as_tuple_exact(s).unwrap();
                    t.as_slice().get(i).copied()
                };
                match item {
                    Some(v) => {
                        io.i.set(i as i64 + 1);
                        cx.push(v);
                    }
                    None => {
                        cx.sp -= 1;
                        pc = arg as usize;
                    }
                }
                return Ok(pc);
            }
            _ => {}
        }
    }
    match ops::next(it)? {
        Some(v) => {
            set_cur(cx.f);
            cx.push(v)
        }
        None => {
            set_cur(cx.f);
            cx.sp -= 1;
            pc = arg as usize;
        }
    }
    Ok(pc)
}
