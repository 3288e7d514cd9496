//! Opcode handlers that build containers and strings: `BUILD_*`, the comprehension appends,
//! `LIST_EXTEND`/`SET_UPDATE`/`DICT_UPDATE`/`DICT_MERGE`, `LIST_TO_TUPLE`, `UNPACK_*`,
//! `FORMAT_VALUE`. Part of [`super::opcodes`] (re-exported there, so the dispatch loop names
//! them `opcodes::x`); the conventions are that module's.

use super::dispatch::{Ctx, Step, Stop};
use super::frame::set_cur;
use crate::compiler::bytecode::Op;
use crate::objects::ops::{self, ArgVec};
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::PyResult;
use crate::vm::{self, type_error, type_of, C};
use metatracer::gc::{self};

/// `BUILD_TUPLE`.
#[inline(always)]
pub(super) fn build_tuple(cx: &mut Ctx, arg: u32) -> Step {
    let n = arg as usize;
    let v = new_tuple(&cx.regs.as_slice()[cx.sp - n..cx.sp]);
    cx.sp -= n;
    cx.push(v);
    Ok(())
}

/// `BUILD_LIST`.
#[inline(always)]
pub(super) fn build_list(cx: &mut Ctx, arg: u32) -> Step {
    let n = arg as usize;
    let v = new_list_from(&cx.regs.as_slice()[cx.sp - n..cx.sp]);
    cx.sp -= n;
    cx.push(v);
    Ok(())
}

/// `BUILD_SET`.
#[inline(never)]
pub(super) fn build_set(cx: &mut Ctx, arg: u32) -> Step {
    let n = arg as usize;
    let s = new_set(false);
    for i in cx.sp - n..cx.sp {
        s.add(cx.regs.get(i))?;
    }
    cx.sp -= n;
    cx.push(Value::obj(s));
    Ok(())
}

/// `BUILD_MAP`.
#[inline(never)]
pub(super) fn build_map(cx: &mut Ctx, arg: u32) -> Step {
    let n = arg as usize;
    let dd = new_dict();
    let base = cx.sp - 2 * n;
    for i in 0..n {
        dd.set_item(cx.regs.get(base + 2 * i), cx.regs.get(base + 2 * i + 1))?;
    }
    cx.sp = base;
    cx.push(Value::obj(dd));
    Ok(())
}

/// `BUILD_SLICE`.
#[inline(never)]
pub(super) fn build_slice(cx: &mut Ctx, arg: u32) -> Step {
    let (start, stop, step) = if arg == 3 {
        let st = cx.pop();
        let b = cx.pop();
        let a = cx.pop();
        (a, b, st)
    } else {
        let b = cx.pop();
        let a = cx.pop();
        (a, b, Value::NONE)
    };
    cx.push(Value::obj(gc::alloc(SliceObj {
        kind: Kind::Slice,
        start,
        stop,
        step,
    })));
    Ok(())
}

/// `BUILD_STRING`.
#[inline(never)]
pub(super) fn build_string(cx: &mut Ctx, arg: u32) -> Step {
    let n = arg as usize;
    let mut s = String::new();
    for i in cx.sp - n..cx.sp {
        match as_str(cx.regs.get(i)) {
            Some(p) => s.push_str(&p.s),
            None => {
                // a part holds lone surrogates (`objects/surr.rs`)
                let parts: crate::objects::ops::ArgVec =
                    (cx.sp - n..cx.sp).map(|j| cx.regs.get(j)).collect();
                let r = crate::objects::surr::concat(&parts)?;
                cx.sp -= n;
                cx.push(r);
                return Ok(());
            }
        }
    }
    cx.sp -= n;
    cx.push(new_string(s));
    Ok(())
}

/// `LIST_APPEND`.
#[inline(always)]
pub(super) fn list_append(cx: &mut Ctx, arg: u32) -> Step {
    let v = cx.pop();
    as_list_exact(cx.regs.get(cx.sp - arg as usize))
        .unwrap()
        .push(v);
    Ok(())
}

/// `SET_ADD`.
#[inline(never)]
pub(super) fn set_add(cx: &mut Ctx, arg: u32) -> Step {
    let v = cx.pop();
    as_set(cx.regs.get(cx.sp - arg as usize)).unwrap().add(v)?;
    Ok(())
}

/// `MAP_ADD`.
#[inline(never)]
pub(super) fn map_add(cx: &mut Ctx, arg: u32) -> Step {
    let v = cx.pop();
    let k = cx.pop();
    as_dict_exact(cx.regs.get(cx.sp - arg as usize))
        .unwrap()
        .set_item(k, v)?;
    Ok(())
}

/// `LIST_EXTEND`.
#[inline(never)]
pub(super) fn list_extend(cx: &mut Ctx, arg: u32) -> Step {
    let v = cx.pop();
    let l = as_list_exact(cx.regs.get(cx.sp - arg as usize)).unwrap();
    ops::list_extend(l, v).map_err(|e| {
        if vm::exc_matches(&e, C::TypeError) && ops::get_iter(v).is_err() {
            type_error(format!(
                "Value after * must be an iterable, not {}",
                vm::type_name(v)
            ))
        } else {
            e
        }
    })?;
    set_cur(cx.f);
    Ok(())
}

/// `SET_UPDATE`.
#[inline(never)]
pub(super) fn set_update(cx: &mut Ctx, arg: u32) -> Step {
    let v = cx.pop();
    let s = as_set(cx.regs.get(cx.sp - arg as usize)).unwrap();
    let it = ops::get_iter(v)?;
    while let Some(x) = ops::next(it)? {
        s.add(x)?;
    }
    set_cur(cx.f);
    Ok(())
}

/// `DICT_UPDATE`, `DICT_MERGE`.
#[inline(never)]
pub(super) fn dict_update(cx: &mut Ctx, arg: u32, op: Op) -> Step {
    let v = cx.pop();
    let dd = as_dict_exact(cx.regs.get(cx.sp - arg as usize)).unwrap();
    if op == Op::DICT_MERGE {
        if let Some(src) = as_dict(v) {
            for i in 0..src.entry_count() {
                let k = src.key_at(i);
                if !k.is_null() && dd.get(k)?.is_some() {
                    return Err(Stop::raise(type_error(format!(
                        "got multiple values for keyword argument '{}'",
                        ops::str_of(k).unwrap_or_default()
                    ))));
                }
            }
        } else if ops::lookup_type(type_of(v), "keys").is_none() {
            return Err(Stop::raise(type_error(format!(
                "argument after ** must be a mapping, not {}",
                vm::type_name(v)
            ))));
        }
    }
    crate::objects::dict::dict_update(dd, v)?;
    set_cur(cx.f);
    Ok(())
}

/// `LIST_TO_TUPLE`.
#[inline(never)]
pub(super) fn list_to_tuple(cx: &mut Ctx) -> Step {
    let l = as_list_exact(cx.top()).unwrap();
    let t = l.with_items(new_tuple);
    cx.regs.set(cx.sp - 1, t);
    Ok(())
}

/// `UNPACK_SEQUENCE`.
#[inline(always)]
pub(super) fn unpack_sequence(cx: &mut Ctx, arg: u32) -> Step {
    let v = cx.pop();
    let n = arg as usize;
    // an exact tuple or list of `n` items straight onto the stack (the general path copies
    // the items into a vector first: pyperformance's unpack_sequence ran 6x CPython's time)
    if let Some(t) = as_tuple_exact(v) {
        let items = t.as_slice();
        if items.len() == n {
            for &x in items.iter().rev() {
                cx.push(x);
            }
            return Ok(());
        }
    } else if let Some(l) = as_list_exact(v) {
        if l.len() == n {
            // (`get` boxes an item of a float list: the list stays pinned by `l`)
            for i in (0..n).rev() {
                let x = l.get(i);
                cx.push(x);
            }
            return Ok(());
        }
    }
    let items = unpack(v, n)?;
    for i in (0..n).rev() {
        cx.push(items[i]);
    }
    Ok(())
}

/// The `n` items of `v` for an unpacking assignment (any iterable; CPython's errors for too
/// few or too many).
fn unpack(v: Value, n: usize) -> PyResult<ArgVec> {
    let items: ArgVec = if let Some(t) = as_tuple_exact(v) {
        t.as_slice().iter().copied().collect()
    } else if let Some(l) = as_list_exact(v) {
        l.values()
    } else {
        let it = ops::get_iter(v).map_err(|_| {
            type_error(format!(
                "cannot unpack non-iterable {} object",
                vm::type_name(v)
            ))
        })?;
        let mut out = ArgVec::new();
        while let Some(x) = ops::next(it)? {
            out.push(x);
            if out.len() > n {
                break;
            }
        }
        out
    };
    if items.len() < n {
        return Err(vm::value_error(format!(
            "not enough values to unpack (expected {}, got {})",
            n,
            items.len()
        )));
    }
    if items.len() > n {
        return Err(vm::value_error(format!(
            "too many values to unpack (expected {n})"
        )));
    }
    Ok(items)
}

/// `UNPACK_EX`.
#[inline(never)]
pub(super) fn unpack_ex(cx: &mut Ctx, arg: u32) -> Step {
    let v = cx.pop();
    let before = (arg & 0xff) as usize;
    let after = (arg >> 8) as usize;
    let items = crate::objects::native::seq_items(v)?;
    if items.len() < before + after {
        return Err(Stop::raise(vm::value_error(format!(
            "not enough values to unpack (expected at least {}, got {})",
            before + after,
            items.len()
        ))));
    }
    let n = items.len();
    for i in (n - after..n).rev() {
        cx.push(items[i]);
    }
    cx.push(new_list_from(&items[before..n - after]));
    for i in (0..before).rev() {
        cx.push(items[i]);
    }
    Ok(())
}

/// `FORMAT_VALUE`.
#[inline(never)]
pub(super) fn format_value(cx: &mut Ctx, arg: u32) -> Step {
    let spec = if arg & 4 != 0 { cx.pop() } else { Value::NULL };
    let v = cx.pop();
    let v = match arg & 3 {
        1 => ops::to_str(v)?,
        2 => new_string(ops::repr(v)?),
        3 => new_string(crate::objects::native::ascii_of(&ops::repr(v)?)),
        _ => v,
    };
    let r = if spec.is_null() && (v.is_kind(Kind::Str) || v.is_kind(Kind::SurrStr)) {
        v
    } else {
        let spec_s = as_str(spec);
        let spec_str: &str = match &spec_s {
            Some(s) => &s.s,
            None => "",
        };
        crate::objects::format::format_value(v, spec_str)?
    };
    set_cur(cx.f);
    cx.push(r);
    Ok(())
}
