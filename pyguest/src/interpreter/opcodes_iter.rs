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
    if is_iter_of(it, SEQ_SUB) {
        // SAFETY: `it` is a live sequence iterator (checked above), kept alive by the stack.
        let io: Gc<IterObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(it)) };
        let seq = io.a.get();
        if kind_byte(seq) == LIST_KIND {
            // SAFETY: `seq` is a live list (its kind byte says so), kept alive by `io`.
            let l: Gc<ListObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(seq)) };
            let i = io.i.get();
            // (the list may have shrunk or grown since the last step: as the interpreter,
            // compare with its length now)
            if i < l.len.get() as i64 {
                let v = list_item(l, i as usize);
                io.i.set(i + 1);
                cx.regs.set(cx.sp, v);
                cx.sp += 1;
                return Ok(pc);
            }
            cx.sp -= 1;
            return Ok(arg as usize);
        }
    }
    if is_iter_of(it, RANGE_SUB) {
        // SAFETY: `it` is a live range iterator (checked above), kept alive by the value stack.
        let io: Gc<IterObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(it)) };
        let n = io.n.get();
        if n > 0 {
            let i = io.i.get();
            io.n.set(n - 1);
            io.i.set(i + io.step.get());
            let v = if fits_small(i) { small(i) } else { new_int(i) };
            cx.push(v);
            return Ok(pc);
        }
        cx.sp -= 1;
        return Ok(arg as usize);
    }
    if kind_byte(it) == GENERATOR_KIND {
        return for_iter_gen(cx, pc, arg, metatracer::we_are_jitted());
    }
    for_iter_slow(cx, pc, arg)
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
