//! The opcode handlers: one function per opcode (a few share one: `CALL`/`CALL_KW`/`CALL_EX`,
//! `DICT_UPDATE`/`DICT_MERGE`), called from the arms of [`dispatch::execute`](super::dispatch).
//!
//! A handler gets the running state [`Ctx`] (frame, registers, stack pointer), the instruction's
//! argument and, when it needs it, `pc` (the index of the *next* instruction; inline-cache
//! words of the instruction are at `pc - 1`). It returns `Ok(())` to go on with the next
//! instruction, `Err(Stop::raise(e))` for a Python exception (the loop unwinds), or
//! `Err(Stop::SWITCH)` after it moved `Ctx` to another frame (a call or a return; the loop
//! reloads `pc` from the new frame). Jump handlers return the next `pc` instead.
//!
//! Handlers of the opcodes that run in loops (stack and local-variable ops, constants,
//! globals, attributes, subscripts, arithmetic, comparisons, jumps, iteration, calls, returns,
//! building tuples and lists) are `#[inline(always)]`, so the loop runs them without a call.
//! The rarely executed ones (imports, `with`, `raise`, `match`, deletes, name-dict ops,
//! building sets, maps, strings and functions, f-string formatting) are `#[inline(never)]`:
//! a smaller loop function measured about 4% faster than inlining every handler
//! (docs/performance.md, "pyguest source layout").

use super::dispatch::{Ctx, Step, Stop};
use super::frame::set_cur;
use super::{PyErr, PyResult};
use crate::compiler::bytecode::binop;
use crate::objects::ops::{self};
use crate::objects::*;
use crate::value::{
    bool_value, fits_small, int_of, is_int, is_null, kind_byte, small, Kind, Value, FALSE_BITS,
    NONE_BITS, SMALL_MIN, TRUE_BITS,
};
use crate::vm::{self, type_of, vm, C};
use metatracer::gc::Gc;
use std::cell::Cell;

/// STORE_ATTR cache word flag: the entry is a map transition (`old map << 40 | new map << 16
/// | slot`) for stores that add an attribute; without it, `map << 32 | slot + 1` for stores
/// into an existing attribute (map ids below 2^31 there, so the flag bit is free).
const ATTR_ADD: u64 = 1 << 63;

pub(super) use super::opcodes_build::*;
use super::opcodes_builtins::load_method_builtin;
pub(super) use super::opcodes_builtins::{
    call_builtin_fast, get_iter_fast, unpack_fast, TRACE_RANGE_ALLOC,
};
pub(super) use super::opcodes_calls::*;
pub(super) use super::opcodes_containers::{build_seq_fast, build_slice_fast, contains_fast};
use super::opcodes_containers::{store_subscr_fast, str_concat_fast, subscr_fast};
pub(super) use super::opcodes_iter::*;

/// `POP_TOP`.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn pop_top(cx: &mut Ctx) -> Step {
    cx.sp -= 1;
    Ok(())
}

/// `ROT_TWO`.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn rot_two(cx: &mut Ctx) -> Step {
    let a = cx.regs.get(cx.sp - 1);
    cx.regs.set(cx.sp - 1, cx.regs.get(cx.sp - 2));
    cx.regs.set(cx.sp - 2, a);
    Ok(())
}

/// `ROT_THREE`.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn rot_three(cx: &mut Ctx) -> Step {
    let a = cx.regs.get(cx.sp - 1);
    cx.regs.set(cx.sp - 1, cx.regs.get(cx.sp - 2));
    cx.regs.set(cx.sp - 2, cx.regs.get(cx.sp - 3));
    cx.regs.set(cx.sp - 3, a);
    Ok(())
}

/// `ROT_FOUR`.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn rot_four(cx: &mut Ctx) -> Step {
    let a = cx.regs.get(cx.sp - 1);
    cx.regs.set(cx.sp - 1, cx.regs.get(cx.sp - 2));
    cx.regs.set(cx.sp - 2, cx.regs.get(cx.sp - 3));
    cx.regs.set(cx.sp - 3, cx.regs.get(cx.sp - 4));
    cx.regs.set(cx.sp - 4, a);
    Ok(())
}

/// `DUP_TOP`.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn dup_top(cx: &mut Ctx) -> Step {
    let a = cx.top();
    cx.push(a);
    Ok(())
}

/// `DUP_TOP_TWO`.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn dup_top_two(cx: &mut Ctx) -> Step {
    let a = cx.regs.get(cx.sp - 2);
    let b = cx.regs.get(cx.sp - 1);
    cx.push(a);
    cx.push(b);
    Ok(())
}

/// `COPY`.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn copy(cx: &mut Ctx, arg: u32) -> Step {
    let a = cx.regs.get(cx.sp - arg as usize);
    cx.push(a);
    Ok(())
}

/// `SWAP`.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn swap(cx: &mut Ctx, arg: u32) -> Step {
    let i = cx.sp - arg as usize;
    let a = cx.regs.get(cx.sp - 1);
    cx.regs.set(cx.sp - 1, cx.regs.get(i));
    cx.regs.set(i, a);
    Ok(())
}

/// `LOAD_CONST`.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn load_const(cx: &mut Ctx, code: Gc<CodeObj>, arg: u32) -> Step {
    let v = const_at(code, arg as usize);
    cx.push(v);
    Ok(())
}

/// Constant `i` of `code` (elidable: a code object's constants never change, so with a green
/// code object it is a constant in traces).
#[metatracer::elidable]
#[inline(always)]
fn const_at(code: Gc<CodeObj>, i: usize) -> Value {
    code.consts.get(i)
}

/// `LOAD_FAST`.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn load_fast(cx: &mut Ctx, arg: u32) -> Step {
    let v = cx.regs.get(arg as usize);
    if is_null(v) {
        return Err(Stop::raise(unbound_local(cx.f, arg as usize)));
    }
    cx.push(v);
    Ok(())
}

/// `STORE_FAST`.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn store_fast(cx: &mut Ctx, arg: u32) -> Step {
    let v = cx.pop();
    cx.regs.set(arg as usize, v);
    Ok(())
}

/// `DELETE_FAST`.
#[inline(never)]
pub(super) fn delete_fast(cx: &mut Ctx, arg: u32) -> Step {
    if cx.regs.get(arg as usize).is_null() {
        return Err(Stop::raise(unbound_local(cx.f, arg as usize)));
    }
    cx.regs.set(arg as usize, Value::NULL);
    Ok(())
}

/// `LOAD_DEREF`.
#[inline(always)]
pub(super) fn load_deref(cx: &mut Ctx, arg: u32) -> Step {
    let c = as_cell(cx.regs.get(cx.nlocals + arg as usize)).unwrap();
    let v = c.v.get();
    if v.is_null() {
        let n = free_name(cx.f, arg as usize);
        return Err(Stop::raise(if (arg as usize) < cx.code.d.cellvars.len() {
            vm::exc(
                C::UnboundLocalError,
                format!(
                    "cannot access local variable '{n}' where it is not associated with a value"
                ),
            )
        } else {
            vm::exc(C::NameError, format!("cannot access free variable '{n}' where it is not associated with a value in enclosing scope"))
        }));
    }
    cx.push(v);
    Ok(())
}

/// `STORE_DEREF`.
#[inline(always)]
pub(super) fn store_deref(cx: &mut Ctx, arg: u32) -> Step {
    let v = cx.pop();
    as_cell(cx.regs.get(cx.nlocals + arg as usize))
        .unwrap()
        .v
        .set(v);
    Ok(())
}

/// `DELETE_DEREF`.
#[inline(never)]
pub(super) fn delete_deref(cx: &mut Ctx, arg: u32) -> Step {
    as_cell(cx.regs.get(cx.nlocals + arg as usize))
        .unwrap()
        .v
        .set(Value::NULL);
    Ok(())
}

/// `LOAD_CLOSURE`.
#[inline(always)]
pub(super) fn load_closure(cx: &mut Ctx, arg: u32) -> Step {
    cx.push(cx.regs.get(cx.nlocals + arg as usize));
    Ok(())
}

/// `LOAD_CLASSDEREF`.
#[inline(never)]
pub(super) fn load_classderef(cx: &mut Ctx, arg: u32) -> Step {
    let n = free_name(cx.f, arg as usize);
    let ns = as_dict(cx.f.ns());
    let from_ns = ns.and_then(|d| d.get_str(&n));
    match from_ns {
        Some(v) => cx.push(v),
        None => {
            let v = as_cell(cx.regs.get(cx.nlocals + arg as usize))
                .unwrap()
                .v
                .get();
            if v.is_null() {
                return Err(Stop::raise(vm::name_error(&n)));
            }
            cx.push(v);
        }
    }
    Ok(())
}

/// `LOAD_GLOBAL`. In traces the frame's globals dict is promoted and the entry holding the
/// name is a constant while the dict's (and the builtins') keys keep their places
/// ([`DictObj::shape`], quasi-immutable): the read is two loads, with no lookup and no guard
/// beyond the promotion. Rebinding a global changes only the value read; adding or removing
/// a key of either dict invalidates the trace.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn load_global(cx: &mut Ctx, code: Gc<CodeObj>, pc: usize, arg: u32) -> Step {
    if metatracer::we_are_jitted() {
        let g = metatracer::promote(cx.f.globals_c.get());
        let b = builtins_dict();
        let slot = global_slot(g, g.shape.get(), b, b.shape.get(), code, arg);
        if slot > 0 {
            let vals = g.vals.get();
            cx.regs.set(cx.sp, (*vals).get(slot as usize - 1));
            cx.sp += 1;
            return Ok(());
        }
        if slot < 0 {
            let vals = b.vals.get();
            cx.regs.set(cx.sp, (*vals).get((-slot) as usize - 1));
            cx.sp += 1;
            return Ok(());
        }
    }
    load_global_plain(cx, pc, arg)
}

/// The builtins dict (one per interpreter; elidable, so a constant in traces).
#[metatracer::elidable]
fn builtins_dict() -> Gc<DictObj> {
    vm().builtins.get()
}

/// Where `LOAD_GLOBAL names[arg]` of `code` finds its value while `g` has shape `shape` and
/// the builtins `b` shape `bshape`: entry index + 1 in `g`, minus (entry index + 1) in `b`,
/// or 0 (not found by identity of the interned name: the general path decides). Elidable:
/// an entry's key does not change while its dict's shape holds.
#[metatracer::elidable]
fn global_slot(
    g: Gc<DictObj>,
    _shape: u64,
    b: Gc<DictObj>,
    _bshape: u64,
    code: Gc<CodeObj>,
    arg: u32,
) -> i64 {
    let name = code.names.get(arg as usize);
    let find = |d: Gc<DictObj>| (0..d.entry_count()).find(|&i| d.key_at(i) == name);
    match find(g) {
        Some(i) => i as i64 + 1,
        // a key equal to the name but not identical to it would shadow the builtin
        None if g.get_str(&ops::str_of(name).unwrap_or_default()).is_some() => 0,
        None => find(b).map_or(0, |i| -(i as i64) - 1),
    }
}

/// `LOAD_GLOBAL` in the interpreter.
#[inline(always)]
fn load_global_plain(cx: &mut Ctx, pc: usize, arg: u32) -> Step {
    let name = cx.names.get(arg as usize);
    // inline cache: entry index + 1 of the name in the globals dict;
    // valid while that entry still holds this (interned) key object
    let c = cx.code.cache[pc - 1].get() as usize;
    if c != 0 {
        let g = cx.f.globals();
        let keys = g.keys.get();
        if c - 1 < keys.len() && keys.get(c - 1) == name {
            cx.push(g.vals.get().get(c - 1));
            return Ok(());
        }
    }
    let v = load_global_cached(cx.f, name, &cx.code.cache[pc - 1])?;
    cx.push(v);
    Ok(())
}

/// `STORE_GLOBAL`.
#[inline(always)]
pub(super) fn store_global(cx: &mut Ctx, arg: u32) -> Step {
    let v = cx.pop();
    cx.f.globals().set_item(cx.names.get(arg as usize), v)?;
    Ok(())
}

/// `DELETE_GLOBAL`.
#[inline(never)]
pub(super) fn delete_global(cx: &mut Ctx, arg: u32) -> Step {
    let name = cx.names.get(arg as usize);
    if cx.f.globals().remove(name)?.is_none() {
        return Err(Stop::raise(vm::name_error(
            &ops::str_of(name).unwrap_or_default(),
        )));
    }
    Ok(())
}

/// `LOAD_NAME`.
#[inline(never)]
pub(super) fn load_name(cx: &mut Ctx, arg: u32) -> Step {
    let name = cx.names.get(arg as usize);
    let v = match load_name_ns(cx.f.ns(), cx.f.globals(), name)? {
        Some(v) => v,
        None => global_lookup(cx.f, name)?,
    };
    cx.push(v);
    Ok(())
}

/// `STORE_NAME`.
#[inline(never)]
pub(super) fn store_name(cx: &mut Ctx, arg: u32) -> Step {
    let v = cx.pop();
    let ns = if cx.f.ns().is_null() {
        Value::obj(cx.f.globals())
    } else {
        cx.f.ns()
    };
    let name = cx.names.get(arg as usize);
    match as_dict_exact(ns) {
        Some(dd) => dd.set_item(name, v)?,
        None => ops::setitem(ns, name, v)?,
    }
    Ok(())
}

/// `DELETE_NAME`.
#[inline(never)]
pub(super) fn delete_name(cx: &mut Ctx, arg: u32) -> Step {
    let name = cx.names.get(arg as usize);
    let nsv = cx.f.ns();
    if !nsv.is_null() && as_dict_exact(nsv).is_none() {
        // a `__prepare__` mapping: its own `__delitem__`
        if let Err(e) = ops::delitem(nsv, name) {
            if vm::exc_matches(&e, vm::C::KeyError) {
                return Err(Stop::raise(vm::name_error(
                    &ops::str_of(name).unwrap_or_default(),
                )));
            }
            return Err(Stop::raise(e));
        }
        return Ok(());
    }
    let ns = as_dict(nsv).unwrap_or(cx.f.globals());
    if ns.remove(name)?.is_none() {
        return Err(Stop::raise(vm::name_error(
            &ops::str_of(name).unwrap_or_default(),
        )));
    }
    Ok(())
}

/// `LOAD_ATTR`: an instance attribute is found through the instance's map, which traced code
/// promotes (a guard), so the slot number is a constant of the trace ([`map_slot`]).
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn load_attr(cx: &mut Ctx, code: Gc<CodeObj>, pc: usize, arg: u32) -> Step {
    let obj = cx.top();
    if metatracer::we_are_jitted() && kind_byte(obj) == INSTANCE_KIND {
        // SAFETY: `obj` is a live instance (its kind byte says so), kept alive by the stack.
        let inst: Gc<InstanceObj> =
            unsafe { metatracer::word_to_value(metatracer::word_bits(obj)) };
        let cls = inst.cls.get();
        if cls.flags.get() & (CF_GETATTRIBUTE | CF_HAS_DESCRIPTORS) == 0 {
            let map = metatracer::promote(inst.map.get());
            let slot = map_slot(map, code, arg);
            if slot != 0 {
                let slots = inst.slots.get();
                let v = (*slots).get(slot - 1);
                if !is_null(v) {
                    cx.regs.set(cx.sp - 1, v);
                    return Ok(());
                }
            } else {
                // not an instance attribute: a class attribute that needs no binding
                let epoch = jit_epoch().epoch.get();
                if epoch != vm::EPOCH_UNSTABLE {
                    let cls = metatracer::promote(cls);
                    let v = class_value_of(cls, map, epoch, code, arg);
                    if !is_null(v) {
                        cx.regs.set(cx.sp - 1, v);
                        return Ok(());
                    }
                }
            }
        }
    } else if metatracer::we_are_jitted() && kind_byte(obj) == CLASS_KIND {
        // an attribute of a class (`Direction.FORWARD`): a constant for the class epoch
        let epoch = jit_epoch().epoch.get();
        if epoch != vm::EPOCH_UNSTABLE {
            // SAFETY: `obj` is a live class (its kind byte says so), kept alive by the stack.
            let c: Gc<ClassObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(obj)) };
            let c = metatracer::promote(c);
            let v = attr_of_class(c, epoch, code, arg);
            if !is_null(v) {
                cx.regs.set(cx.sp - 1, v);
                return Ok(());
            }
        }
    }
    load_attr_slow(cx, pc, arg)
}

const CLASS_KIND: u8 = Kind::Class as u8;

/// What `LOAD_ATTR names[arg]` of `code` gives for an instance of `cls` with map `map` (which
/// has no attribute of that name) while the class epoch is `_epoch`, when that is a class
/// attribute used as it is (not a function, which binds, nor a descriptor), else NULL (the
/// general path decides). Elidable: classes change only with the epoch; the caller checked
/// that `cls` has no `__getattribute__` and no data descriptors.
#[metatracer::elidable]
fn class_value_of(cls: Gc<ClassObj>, map: u32, _epoch: u64, code: Gc<CodeObj>, arg: u32) -> Value {
    let name = code.names.get(arg as usize);
    if map == ops::DICT_MAP || vm::map_lookup(map, vm::sym_of(name)).is_some() {
        return Value::NULL;
    }
    match ops::lookup_mro(cls, name) {
        Some(d) if unbound_class_value(d) => d,
        _ => Value::NULL,
    }
}

/// What `LOAD_ATTR names[arg]` of `code` gives for class `c` itself while the class epoch
/// is `_epoch` (as `ops::getattr` would find it in the class's MRO), or NULL where the general
/// path must decide: a metaclass with `__getattribute__`, a class method (a new bound method
/// each time), an object with `__get__`, a name the class does not have (the metaclass's
/// attributes, `__name__` and the like). Elidable: classes change only with the epoch.
#[metatracer::elidable]
fn attr_of_class(c: Gc<ClassObj>, _epoch: u64, code: Gc<CodeObj>, arg: u32) -> Value {
    let name = code.names.get(arg as usize);
    if type_of(Value::obj(c)).flags.get() & CF_GETATTRIBUTE != 0 {
        return Value::NULL;
    }
    match ops::lookup_mro(c, name) {
        Some(d) => match d.kind() {
            Some(Kind::ClassMethod) => Value::NULL,
            Some(Kind::StaticMethod) => as_staticmethod(d).map_or(Value::NULL, |s| s.f),
            Some(Kind::Instance) if ops::lookup_type(type_of(d), "__get__").is_some() => {
                Value::NULL
            }
            _ => d,
        },
        None => Value::NULL,
    }
}

/// Whether class attribute `d`, read through an instance, is `d` itself: no function (a
/// bound method), class or static method, property or object with `__get__`.
fn unbound_class_value(d: Value) -> bool {
    match d.kind() {
        Some(Kind::Function | Kind::Builtin | Kind::ClassMethod | Kind::StaticMethod) => false,
        Some(Kind::Property | Kind::Super) => false,
        Some(Kind::Instance) => ops::lookup_type(type_of(d), "__get__").is_none(),
        _ => true,
    }
}

const INSTANCE_KIND: u8 = Kind::Instance as u8;
const FLOAT_KIND: u8 = Kind::Float as u8;
pub(super) const LIST_KIND: u8 = Kind::List as u8;

/// The slot (plus one; 0: none) of attribute `names[arg]` of `code` in instances of map
/// `map`. Elidable: a map's attribute names never change (adding one makes another map).
#[metatracer::elidable]
fn map_slot(map: u32, code: Gc<CodeObj>, arg: u32) -> usize {
    let name = code.names.get(arg as usize);
    vm::map_lookup(map, vm::sym_of(name)).map_or(0, |s| s + 1)
}

/// The map an instance of map `map` gets when attribute `names[arg]` of `code` is added, and
/// the attribute's slot: `new map << 16 | slot + 1` as `ops::instance_set` would make them,
/// or 0 when the general path must add it (a dict-mode instance, `__dict__`, an attribute
/// the map has, ids too large). Elidable: a map's transitions never change (the first call
/// makes the new map, later ones find it).
#[metatracer::elidable]
#[inline(never)]
fn map_grow(map: u32, code: Gc<CodeObj>, arg: u32) -> u64 {
    let name = code.names.get(arg as usize);
    if map == ops::DICT_MAP || str_eq(name, "__dict__") {
        return 0;
    }
    let sym = vm::sym_of(name);
    if vm::map_lookup(map, sym).is_some() {
        return 0;
    }
    let nm = vm::map_add(map, sym);
    let slot = vm::map_len(nm) - 1;
    if nm >= 1 << 31 || slot >= 0xffff {
        return 0;
    }
    (nm as u64) << 16 | (slot as u64 + 1)
}

/// `LOAD_ATTR` in general.
#[inline(never)]
fn load_attr_slow(cx: &mut Ctx, pc: usize, arg: u32) -> Step {
    let obj = cx.top();
    let name = cx.names.get(arg as usize);
    // inline cache: instance slot by map
    if let Some(inst) = as_instance(obj) {
        let c = cx.code.cache[pc - 1].get();
        if c != 0
            && (c >> 32) as u32 == inst.map.get()
            && inst.cls.get().flags.get() & CF_GETATTRIBUTE == 0
        {
            let v = inst.slots.get().get((c & 0xffff_ffff) as usize - 1);
            if !v.is_null() {
                cx.regs.set(cx.sp - 1, v);
                return Ok(());
            }
        }
        let t = inst.cls.get();
        if t.flags.get() & (CF_GETATTRIBUTE | CF_HAS_DESCRIPTORS) == 0 {
            if let Some(slot) = vm::map_lookup(inst.map.get(), vm::sym_of(name)) {
                let v = inst.slots.get().get(slot);
                if !v.is_null() {
                    cx.code.cache[pc - 1].set(((inst.map.get() as u64) << 32) | (slot as u64 + 1));
                    cx.regs.set(cx.sp - 1, v);
                    return Ok(());
                }
            }
        }
    }
    let v = ops::getattr(obj, name)?;
    set_cur(cx.f);
    cx.regs.set(cx.sp - 1, v);
    Ok(())
}

/// `STORE_ATTR`: in traces, a store to an attribute an instance already has is a store at a
/// constant slot (the map is promoted, [`map_slot`] gives the slot), as `LOAD_ATTR` reads it.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn store_attr(cx: &mut Ctx, code: Gc<CodeObj>, pc: usize, arg: u32) -> Step {
    if metatracer::we_are_jitted() {
        let obj = cx.regs.get(cx.sp - 1);
        if kind_byte(obj) == INSTANCE_KIND {
            // SAFETY: `obj` is a live instance (its kind byte says so), kept alive by the stack.
            let inst: Gc<InstanceObj> =
                unsafe { metatracer::word_to_value(metatracer::word_bits(obj)) };
            let cls = inst.cls.get();
            let flags = cls.flags.get();
            // (`__slots__` matters only to an attribute the instance does not have yet)
            if flags & (CF_SETATTR | CF_HAS_DESCRIPTORS) == 0 {
                let map = metatracer::promote(inst.map.get());
                let slot = map_slot(map, code, arg);
                let slots = inst.slots.get();
                if slot != 0 && slot <= (*slots).len() {
                    (*slots).set(slot - 1, cx.regs.get(cx.sp - 2));
                    cx.sp -= 2;
                    return Ok(());
                }
                if slot == 0 && flags & CF_SLOTS == 0 && call_switches() & 8 != 0 {
                    // a new attribute: the map transition is a constant too, and the value
                    // goes to the next slot when the array has room and the class's slot
                    // hint already counts it (else the general path grows both)
                    let t = map_grow(map, code, arg);
                    if t != 0 {
                        let s = (t & 0xffff) as usize - 1;
                        if s < (*slots).len() && s < cls.nslots_hint.get() as usize {
                            (*slots).set(s, cx.regs.get(cx.sp - 2));
                            inst.map.set((t >> 16) as u32);
                            cx.sp -= 2;
                            return Ok(());
                        }
                    }
                }
            }
        }
    }
    store_attr_plain(cx, pc, arg)
}

/// `STORE_ATTR` in the interpreter.
#[inline(always)]
fn store_attr_plain(cx: &mut Ctx, pc: usize, arg: u32) -> Step {
    let obj = cx.pop();
    let v = cx.pop();
    let name = cx.names.get(arg as usize);
    if let Some(inst) = as_instance(obj) {
        let t = inst.cls.get();
        let flags = t.flags.get();
        if flags & (CF_SETATTR | CF_HAS_DESCRIPTORS) == 0 {
            // (a `__slots__` class: only an attribute the instance has is stored here; the
            // general path checks the slot names when adding one)
            let slots_class = flags & CF_SLOTS != 0;
            let c = cx.code.cache[pc - 1].get();
            let m = inst.map.get();
            if c & ATTR_ADD != 0 {
                // cached transition: adds the attribute as slot `s`
                let s = (c & 0xffff) as usize;
                let slots = inst.slots.get();
                if !slots_class && (c >> 40) as u32 & 0x7f_ffff == m && s < slots.len() {
                    slots.set(s, v);
                    inst.map.set((c >> 16) as u32 & 0xff_ffff);
                    return Ok(());
                }
            } else if c != 0 && (c >> 32) as u32 == m {
                inst.slots.get().set((c & 0xffff_ffff) as usize - 1, v);
                return Ok(());
            }
            if slots_class {
                if let Some(slot) = vm::map_lookup(m, vm::sym_of(name)) {
                    inst.slots.get().set(slot, v);
                    if m < 1 << 31 {
                        cx.code.cache[pc - 1].set(((m as u64) << 32) | (slot as u64 + 1));
                    }
                    return Ok(());
                }
            } else {
                ops::instance_set(inst, name, v);
                let nm = inst.map.get();
                if let Some(slot) = vm::map_lookup(nm, vm::sym_of(name)) {
                    if nm == m && m < 1 << 31 {
                        cx.code.cache[pc - 1].set(((m as u64) << 32) | (slot as u64 + 1));
                    } else if m < 1 << 23 && nm < 1 << 24 && slot < 1 << 16 {
                        cx.code.cache[pc - 1]
                            .set(ATTR_ADD | (m as u64) << 40 | (nm as u64) << 16 | slot as u64);
                    }
                }
                return Ok(());
            }
        }
    }
    ops::setattr(obj, name, v)?;
    set_cur(cx.f);
    Ok(())
}

/// `DELETE_ATTR`.
#[inline(never)]
pub(super) fn delete_attr(cx: &mut Ctx, arg: u32) -> Step {
    let obj = cx.pop();
    ops::delattr(obj, cx.names.get(arg as usize))?;
    Ok(())
}

/// `LOAD_METHOD`. In traces, on an instance: its class and map are promoted (guards) and
/// the method is a constant found while tracing ([`method_of`]) for the class epoch of the
/// time (quasi-immutable, [`vm::EpochObj`]): changing any class invalidates the trace.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn load_method(cx: &mut Ctx, code: Gc<CodeObj>, pc: usize, arg: u32) -> Step {
    if metatracer::we_are_jitted() {
        let obj = cx.regs.get(cx.sp - 1);
        if kind_byte(obj) == INSTANCE_KIND {
            let epoch = jit_epoch().epoch.get();
            if epoch != vm::EPOCH_UNSTABLE {
                // SAFETY: `obj` is a live instance (its kind byte says so), kept alive by the stack.
                let inst: Gc<InstanceObj> =
                    unsafe { metatracer::word_to_value(metatracer::word_bits(obj)) };
                let cls = metatracer::promote(inst.cls.get());
                let map = metatracer::promote(inst.map.get());
                let m = method_of(cls, map, epoch, code, arg);
                if !is_null(m) {
                    cx.regs.set(cx.sp - 1, m);
                    cx.regs.set(cx.sp, obj);
                    cx.sp += 1;
                    return Ok(());
                }
            }
        } else if load_method_builtin(cx, code, arg) {
            return Ok(());
        }
    }
    load_method_plain(cx, pc, arg)
}

/// The interpreter's class-epoch object (elidable: one per interpreter, a constant in traces).
#[metatracer::elidable]
pub(super) fn jit_epoch() -> Gc<vm::EpochObj> {
    vm().jit_epoch.get()
}

/// The function `LOAD_METHOD names[arg]` of `code` finds for an instance of `cls` with map
/// `map` while the class epoch is `_epoch`, or NULL where the general path must decide
/// (`__getattribute__`, a dict-mode instance, an instance attribute of that name, a class
/// attribute that does not bind as a method). Elidable: what it reads changes only with the
/// epoch (classes) or the map (instance attributes).
#[metatracer::elidable]
fn method_of(cls: Gc<ClassObj>, map: u32, _epoch: u64, code: Gc<CodeObj>, arg: u32) -> Value {
    let name = code.names.get(arg as usize);
    if map == ops::DICT_MAP || cls.flags.get() & CF_GETATTRIBUTE != 0 {
        return Value::NULL;
    }
    if vm::map_lookup(map, vm::sym_of(name)).is_some() {
        return Value::NULL;
    }
    match ops::lookup_mro(cls, name) {
        Some(m) if ops::binds_as_method(m) => m,
        _ => Value::NULL,
    }
}

/// `LOAD_METHOD` in the interpreter.
#[inline(always)]
fn load_method_plain(cx: &mut Ctx, pc: usize, arg: u32) -> Step {
    let obj = cx.top();
    let name = cx.names.get(arg as usize);
    let t = type_of(obj);
    let k = (cx.code.cache[pc - 1].get() as usize - 1) * 3;
    let key = Value::small(
        (((vm().class_epoch.get() & 0xfff_ffff) << 33)
            | (as_instance(obj)
                .map(|i| i.map.get() as u64 + 1)
                .unwrap_or(0))) as i64,
    );
    let ic = cx.code.icache;
    if ic.get(k) == Value::obj(t) && ic.get(k + 2) == key {
        cx.regs.set(cx.sp - 1, ic.get(k + 1));
        cx.push(obj);
        return Ok(());
    }
    let mut done = false;
    if t.flags.get() & CF_GETATTRIBUTE == 0 {
        let shadow = match as_instance(obj) {
            Some(inst) => ops::instance_get(inst, name).is_some(),
            None => {
                obj.is_kind(Kind::Class) || obj.is_kind(Kind::Module) || obj.is_kind(Kind::Super)
            }
        };
        if !shadow {
            if let Some(m) = ops::lookup_mro(t, name) {
                if ops::binds_as_method(m) {
                    cx.regs.set(cx.sp - 1, m);
                    cx.push(obj);
                    done = true;
                    // dict-mode instances change attributes without
                    // changing map: never cache for them
                    if as_instance(obj).is_none_or(|i| i.map.get() != ops::DICT_MAP) {
                        ic.set(k, Value::obj(t));
                        ic.set(k + 1, m);
                        ic.set(k + 2, key);
                    }
                }
            }
        }
    }
    if !done {
        let v = ops::getattr(obj, name)?;
        set_cur(cx.f);
        cx.regs.set(cx.sp - 1, Value::NULL);
        cx.push(v);
    }
    Ok(())
}

/// `BINARY_SUBSCR`: `list[int]` is traced (loads and a bounds check), `dict[int or str]` a
/// read-only residual lookup in traces (`opcodes_containers.rs`), the rest is general.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn binary_subscr(cx: &mut Ctx) -> Step {
    let k = cx.pop();
    let o = cx.top();
    if let Some((l, j)) = list_slot(o, k) {
        let v = list_item(l, j);
        cx.regs.set(cx.sp - 1, v);
        return Ok(());
    }
    if metatracer::we_are_jitted() && subscr_fast(cx, o, k) {
        return Ok(());
    }
    binary_subscr_slow(cx, o, k)
}

/// For `o[k]` with `o` an exact list and `k` a small int in range (negative from the end):
/// the list and the index (traced: a kind test, a load, bounds tests).
#[metatracer::look_inside]
#[inline(always)]
fn list_slot(o: Value, k: Value) -> Option<(Gc<ListObj>, usize)> {
    if !is_int(k) || kind_byte(o) != LIST_KIND {
        return None;
    }
    // SAFETY: `o` is a live list (its kind byte says so), kept alive by the caller's stack.
    let l: Gc<ListObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(o)) };
    let n = l.len.get() as i64;
    let i = int_of(k);
    let j = if i < 0 { i + n } else { i };
    if j >= 0 && j < n {
        Some((l, j as usize))
    } else {
        None
    }
}

/// `BINARY_SUBSCR` in general.
#[inline(never)]
fn binary_subscr_slow(cx: &mut Ctx, o: Value, k: Value) -> Step {
    let v = ops::getitem(o, k)?;
    set_cur(cx.f);
    cx.regs.set(cx.sp - 1, v);
    Ok(())
}

/// `STORE_SUBSCR`: `list[int] = v` is traced, `dict[int or str] = v` a residual call of the
/// store alone in traces, the rest is general.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn store_subscr(cx: &mut Ctx) -> Step {
    let k = cx.pop();
    let o = cx.pop();
    let v = cx.pop();
    if let Some((l, j)) = list_slot(o, k) {
        if l.strategy.get() == list::FLOATS {
            if let Some(x) = storable_float_of(v) {
                (*l.floats.get()).set(j, x);
            } else {
                list_store_general(o, j, v);
            }
            return Ok(());
        }
        (*l.items.get()).set(j, v);
        return Ok(());
    }
    if metatracer::we_are_jitted() && store_subscr_fast(o, k, v) {
        return Ok(());
    }
    store_subscr_slow(cx, o, k, v)
}

/// Item `j` (in bounds) of a list in either storage strategy (`objects/list.rs`): the float
/// of a float list is boxed by the trace itself ([`new_float_traced`]), so the box goes away
/// when the trace consumes the value (float arithmetic, a store into a float list).
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn list_item(l: Gc<ListObj>, j: usize) -> Value {
    if l.strategy.get() == list::FLOATS {
        new_float_traced((*l.floats.get()).get(j))
    } else {
        (*l.items.get()).get(j)
    }
}

/// The value of `v` if a float list can keep it unboxed: an exact float, not a NaN
/// (traced: a kind test, a load and a compare; `list::storable_float` in Rust).
#[metatracer::look_inside]
#[inline(always)]
#[allow(clippy::eq_op)] // (`x == x` is the NaN test traced code can do)
fn storable_float_of(v: Value) -> Option<f64> {
    if kind_byte(v) == FLOAT_KIND {
        // SAFETY: a live float object (its kind byte says so).
        let f: Gc<FloatObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(v)) };
        let x = f.v;
        if x == x {
            return Some(x);
        }
    }
    None
}

/// `lst[j] = v` (in bounds) for a float list and a value it cannot keep unboxed: the list
/// switches to the objects strategy (a residual call in traces).
#[inline(never)]
fn list_store_general(lst: Value, j: usize, v: Value) {
    if let Some(l) = as_list_exact(lst) {
        l.set(j, v);
    }
}

/// `STORE_SUBSCR` in general.
#[inline(never)]
fn store_subscr_slow(cx: &mut Ctx, o: Value, k: Value, v: Value) -> Step {
    ops::setitem(o, k, v)?;
    set_cur(cx.f);
    Ok(())
}

/// `DELETE_SUBSCR`.
#[inline(always)]
pub(super) fn delete_subscr(cx: &mut Ctx) -> Step {
    let k = cx.pop();
    let o = cx.pop();
    ops::delitem(o, k)?;
    Ok(())
}

/// `x op y` on small ints when the result is a plain machine operation (`None`: let the
/// general path decide, e.g. division by a negative number, a negative shift count, overflow
/// of `*` or `<<`).
#[metatracer::look_inside]
#[inline(always)]
#[allow(clippy::manual_range_contains)] // (traced code: plain comparisons, no `Range` method)
fn int_binop(x: i64, y: i64, op: u32) -> Option<i64> {
    // (small ints have 63 bits, so `+` and `-` cannot overflow an i64)
    if op == binop::ADD {
        Some(x + y)
    } else if op == binop::SUB {
        Some(x - y)
    } else if op == binop::MUL {
        x.checked_mul(y)
    } else if op == binop::AND {
        Some(x & y)
    } else if op == binop::OR {
        Some(x | y)
    } else if op == binop::XOR {
        Some(x ^ y)
    } else if op == binop::MOD && y > 0 {
        if y & (y - 1) == 0 {
            // a power of two: the floor remainder is the low bits, whatever the sign of `x`
            // (with `y` a trace constant the test folds and one `int_and` is left)
            return Some(x & (y - 1));
        }
        let r = x % y;
        Some(if r < 0 { r + y } else { r })
    } else if op == binop::FLOORDIV && y > 0 {
        if y & (y - 1) == 0 {
            // a power of two: floor division is an arithmetic shift (`-7 // 2 == -7 >> 1`)
            return Some(x >> shift_of_power_of_two(y));
        }
        let q = x / y;
        Some(if x % y < 0 { q - 1 } else { q })
    } else if op == binop::LSHIFT && y >= 0 && y < 63 {
        // (the caller checks that the result is small; here only that no bit was lost)
        let r = x << y;
        if (r >> y) == x {
            Some(r)
        } else {
            None
        }
    } else if op == binop::RSHIFT && y >= 0 {
        if y < 63 {
            Some(x >> y)
        } else {
            Some(x >> 63)
        }
    } else {
        None
    }
}

/// `log2(y)` of a power of two `y > 0` (elidable: a trace constant for a constant divisor).
#[metatracer::elidable]
#[inline]
fn shift_of_power_of_two(y: i64) -> i64 {
    y.trailing_zeros() as i64
}

/// `BINARY_OP`.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn binary_op(cx: &mut Ctx, arg: u32) -> Step {
    let b = cx.pop();
    let a = cx.top();
    if is_int(a) && is_int(b) {
        if let Some(r) = int_binop(int_of(a), int_of(b), arg) {
            if fits_small(r) {
                cx.regs.set(cx.sp - 1, small(r));
                return Ok(());
            }
        }
    }
    if metatracer::we_are_jitted()
        && (float_result(cx, a, b, arg) || str_concat_fast(cx, a, b, arg))
    {
        return Ok(());
    }
    binary_op_slow(cx, a, b, arg)
}

/// Traced code's float path of `BINARY_OP`/`INPLACE_OP`: stores `a op b` (a new float object,
/// allocated in the trace: [`new_float_traced`]) over the left operand and says whether it
/// did ([`float_op`]).
#[metatracer::look_inside]
#[inline(always)]
fn float_result(cx: &mut Ctx, a: Value, b: Value, arg: u32) -> bool {
    if let Some(r) = float_op(a, b, arg) {
        let v = new_float_traced(r);
        cx.regs.set(cx.sp - 1, v);
        return true;
    }
    false
}

/// The float of a float object or a small int (traced: a kind test and a load).
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn float_of(v: Value) -> Option<f64> {
    if is_int(v) {
        return Some(int_of(v) as f64);
    }
    if kind_byte(v) == FLOAT_KIND {
        // SAFETY: a live float object (its kind byte says so).
        let f: Gc<FloatObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(v)) };
        return Some(f.v);
    }
    None
}

/// `a op b` when one is a float and the other a float or a small int, for `+ - *` and `/`
/// by a non-zero number (what `float_fast` does, traced).
#[metatracer::look_inside]
#[inline(always)]
fn float_op(a: Value, b: Value, op: u32) -> Option<f64> {
    if is_int(a) && is_int(b) {
        return None;
    }
    let x = float_of(a)?;
    let y = float_of(b)?;
    if op == binop::ADD {
        Some(x + y)
    } else if op == binop::SUB {
        Some(x - y)
    } else if op == binop::MUL {
        Some(x * y)
    } else if op == binop::TRUEDIV && y != 0.0 {
        Some(x / y)
    } else if op == binop::POW
        && x > 0.0
        && x < f64::INFINITY
        && y > f64::NEG_INFINITY
        && y < f64::INFINITY
    {
        // a positive finite base and a finite exponent: a real result, and `inf` only on
        // overflow, which the general path reports (OverflowError)
        let r = float_pow(x, y);
        if r < f64::INFINITY {
            Some(r)
        } else {
            None
        }
    } else {
        None
    }
}

/// `x ** y` of doubles, as the interpreter computes it (`FloatObj`'s power).
#[metatracer::elidable]
fn float_pow(x: f64, y: f64) -> f64 {
    x.powf(y)
}

/// `BINARY_OP` on anything but small ints with a simple result.
#[inline(never)]
fn binary_op_slow(cx: &mut Ctx, a: Value, b: Value, arg: u32) -> Step {
    if let Some(r) = float_fast(a, b, arg) {
        cx.regs.set(cx.sp - 1, r);
        return Ok(());
    }
    let v = ops::binary_op(a, b, arg)?;
    set_cur(cx.f);
    cx.regs.set(cx.sp - 1, v);
    Ok(())
}

/// `INPLACE_OP`.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn inplace_op(cx: &mut Ctx, arg: u32) -> Step {
    let b = cx.pop();
    let a = cx.top();
    // (ints have no in-place operators: `a op= b` is `a op b`)
    if is_int(a) && is_int(b) {
        if let Some(r) = int_binop(int_of(a), int_of(b), arg) {
            if fits_small(r) {
                cx.regs.set(cx.sp - 1, small(r));
                return Ok(());
            }
        }
    }
    if metatracer::we_are_jitted()
        && (float_result(cx, a, b, arg) || str_concat_fast(cx, a, b, arg))
    {
        return Ok(());
    }
    inplace_op_slow(cx, a, b, arg)
}

/// `INPLACE_OP`, the general case.
#[inline(never)]
fn inplace_op_slow(cx: &mut Ctx, a: Value, b: Value, arg: u32) -> Step {
    if let Some(r) = float_fast(a, b, arg) {
        cx.regs.set(cx.sp - 1, r);
        return Ok(());
    }
    let v = ops::inplace_op(a, b, arg)?;
    set_cur(cx.f);
    cx.regs.set(cx.sp - 1, v);
    Ok(())
}

/// `UNARY_NEG`: traced for a small int whose negation is small, and for a float.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn unary_neg(cx: &mut Ctx) -> Step {
    let v = cx.top();
    if is_int(v) {
        let i = int_of(v);
        if i != SMALL_MIN {
            cx.regs.set(cx.sp - 1, small(-i));
            return Ok(());
        }
    }
    if metatracer::we_are_jitted() && kind_byte(v) == FLOAT_KIND {
        // SAFETY: a live float object (its kind byte says so).
        let f: Gc<FloatObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(v)) };
        cx.regs.set(cx.sp - 1, new_float_traced(-f.v));
        return Ok(());
    }
    unary_neg_slow(cx)
}

/// `UNARY_NEG` of anything else.
#[inline(never)]
fn unary_neg_slow(cx: &mut Ctx) -> Step {
    let v = ops::unary_neg(cx.top())?;
    cx.regs.set(cx.sp - 1, v);
    Ok(())
}

/// `UNARY_POS`.
#[inline(never)]
pub(super) fn unary_pos(cx: &mut Ctx) -> Step {
    let v = ops::unary_pos(cx.top())?;
    cx.regs.set(cx.sp - 1, v);
    Ok(())
}

/// `UNARY_INVERT`.
#[inline(never)]
pub(super) fn unary_invert(cx: &mut Ctx) -> Step {
    let v = ops::unary_invert(cx.top())?;
    cx.regs.set(cx.sp - 1, v);
    Ok(())
}

/// `UNARY_NOT`.
#[inline(always)]
pub(super) fn unary_not(cx: &mut Ctx) -> Step {
    let b = ops::truthy(cx.top())?;
    cx.regs.set(cx.sp - 1, Value::bool(!b));
    Ok(())
}

/// `COMPARE_OP`.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn compare_op(cx: &mut Ctx, arg: u32) -> Step {
    let b = cx.pop();
    let a = cx.top();
    if is_int(a) && is_int(b) {
        let x = int_of(a);
        let y = int_of(b);
        let r = match arg {
            0 => x < y,
            1 => x <= y,
            2 => x == y,
            3 => x != y,
            4 => x > y,
            _ => x >= y,
        };
        cx.regs.set(cx.sp - 1, bool_value(r));
        return Ok(());
    }
    if let Some((x, y)) = float_pair(a, b) {
        let r = match arg {
            0 => x < y,
            1 => x <= y,
            2 => x == y,
            3 => x != y,
            4 => x > y,
            _ => x >= y,
        };
        cx.regs.set(cx.sp - 1, bool_value(r));
        return Ok(());
    }
    compare_op_slow(cx, a, b, arg)
}

/// Both operands as floats, for an exact comparison: two floats, or a float and a small int
/// of at most 2^53 in magnitude (converted exactly; larger ints compare as CPython does it,
/// in `compare_op_slow`).
#[metatracer::look_inside]
#[inline(always)]
fn float_pair(a: Value, b: Value) -> Option<(f64, f64)> {
    let x = exact_float_of(a)?;
    let y = exact_float_of(b)?;
    Some((x, y))
}

/// The float of a float object, or of a small int converted exactly (|i| <= 2^53).
#[metatracer::look_inside]
#[inline(always)]
// (two compares: traced code does not look inside `RangeInclusive::contains`)
#[allow(clippy::manual_range_contains)]
fn exact_float_of(v: Value) -> Option<f64> {
    if is_int(v) {
        let i = int_of(v);
        if i > EXACT_INT_FLOAT || i < -EXACT_INT_FLOAT {
            return None;
        }
        return Some(i as f64);
    }
    if kind_byte(v) == FLOAT_KIND {
        // SAFETY: a live float object (its kind byte says so).
        let f: Gc<FloatObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(v)) };
        return Some(f.v);
    }
    None
}

/// The largest magnitude of an int every smaller one of which converts to `f64` exactly.
const EXACT_INT_FLOAT: i64 = 1 << 53;

/// `COMPARE_OP` on anything but two small ints or a float pair (`compare_op`).
#[inline(never)]
fn compare_op_slow(cx: &mut Ctx, a: Value, b: Value, arg: u32) -> Step {
    let v = ops::compare(a, b, arg)?;
    set_cur(cx.f);
    cx.regs.set(cx.sp - 1, v);
    Ok(())
}

/// `IS_OP`.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn is_op(cx: &mut Ctx, arg: u32) -> Step {
    let b = cx.pop();
    let a = cx.top();
    let same = metatracer::word_bits(a) == metatracer::word_bits(b);
    cx.regs.set(cx.sp - 1, bool_value(same != (arg == 1)));
    Ok(())
}

/// `CONTAINS_OP`.
#[inline(always)]
pub(super) fn contains_op(cx: &mut Ctx, arg: u32) -> Step {
    let b = cx.pop();
    let a = cx.top();
    let r = ops::contains(b, a)?;
    set_cur(cx.f);
    cx.regs.set(cx.sp - 1, Value::bool(r != (arg == 1)));
    Ok(())
}

/// `JUMP`: the next `pc`.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn jump(arg: u32) -> usize {
    arg as usize
}

/// The truth of `v` (`bool(v)`): traced for `True`, `False`, `None`, small ints (a compare
/// of the word, guarded), exact lists (their length) and floats; a residual `truthy` for
/// the rest.
#[metatracer::look_inside]
#[inline(always)]
fn truth(v: Value) -> Result<bool, Stop> {
    let bits = metatracer::word_bits(v);
    if bits == TRUE_BITS {
        return Ok(true);
    }
    if bits == FALSE_BITS || bits == NONE_BITS {
        return Ok(false);
    }
    if is_int(v) {
        return Ok(int_of(v) != 0);
    }
    let kind = kind_byte(v);
    if kind == LIST_KIND {
        // SAFETY: a live exact list (its kind byte says so).
        let l: Gc<ListObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(v)) };
        return Ok(l.len.get() != 0);
    }
    if kind == FLOAT_KIND {
        // SAFETY: a live float object (its kind byte says so).
        let f: Gc<FloatObj> = unsafe { metatracer::word_to_value(metatracer::word_bits(v)) };
        return Ok(f.v != 0.0);
    }
    match ops::truthy(v) {
        Ok(t) => Ok(t),
        Err(e) => Err(Stop::raise(e)),
    }
}

/// `POP_JUMP_IF_FALSE`.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn pop_jump_if_false(cx: &mut Ctx, pc: usize, arg: u32) -> Result<usize, Stop> {
    let v = cx.pop();
    if !truth(v)? {
        return Ok(arg as usize);
    }
    Ok(pc)
}

/// `POP_JUMP_IF_TRUE`.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn pop_jump_if_true(cx: &mut Ctx, pc: usize, arg: u32) -> Result<usize, Stop> {
    let v = cx.pop();
    if truth(v)? {
        return Ok(arg as usize);
    }
    Ok(pc)
}

/// `JUMP_IF_FALSE_OR_POP` (`a and b`).
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn jump_if_false_or_pop(cx: &mut Ctx, pc: usize, arg: u32) -> Result<usize, Stop> {
    let v = cx.top();
    if !truth(v)? {
        return Ok(arg as usize);
    }
    cx.sp -= 1;
    Ok(pc)
}

/// `JUMP_IF_TRUE_OR_POP` (`a or b`).
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn jump_if_true_or_pop(cx: &mut Ctx, pc: usize, arg: u32) -> Result<usize, Stop> {
    let v = cx.top();
    if truth(v)? {
        return Ok(arg as usize);
    }
    cx.sp -= 1;
    Ok(pc)
}

/// `PUSH_NULL`.
#[metatracer::look_inside]
#[inline(always)]
pub(super) fn push_null(cx: &mut Ctx) -> Step {
    cx.regs.set(cx.sp, metatracer::from_word_bits::<Value>(0));
    cx.sp += 1;
    Ok(())
}

// ---------------------------------------------------------------- helpers

/// Float arithmetic fast path for the dispatch loop (float op float, float op small int and
/// small int op float); `None` sends the operation to the general path.
#[inline(always)]
fn float_fast(a: Value, b: Value, op: u32) -> Option<Value> {
    let x = match as_float_obj(a) {
        Some(f) => f.v,
        None if a.is_int() && b.is_kind(Kind::Float) => a.as_int_unchecked() as f64,
        None => return None,
    };
    let y = match as_float_obj(b) {
        Some(f) => f.v,
        None if b.is_int() => b.as_int_unchecked() as f64,
        None => return None,
    };
    let r = match op {
        binop::ADD => x + y,
        binop::SUB => x - y,
        binop::MUL => x * y,
        binop::TRUEDIV if y != 0.0 => x / y,
        _ => return None,
    };
    Some(new_float(r))
}

fn unbound_local(f: Gc<FrameObj>, i: usize) -> PyErr {
    vm::exc(
        C::UnboundLocalError,
        format!(
            "cannot access local variable '{}' where it is not associated with a value",
            f.code.d.varnames[i]
        ),
    )
}

fn free_name(f: Gc<FrameObj>, i: usize) -> String {
    let d = &f.code.d;
    if i < d.cellvars.len() {
        d.cellvars[i].clone()
    } else {
        d.freevars[i - d.cellvars.len()].clone()
    }
}

fn global_lookup(f: Gc<FrameObj>, name: Value) -> PyResult<Value> {
    let h = ops::hash(name)?;
    if let Some(v) = f.globals().get_h(name, h)? {
        return Ok(v);
    }
    let b = builtins_of(f.globals());
    if let Some(v) = b.get_h(name, h)? {
        return Ok(v);
    }
    Err(vm::name_error(&ops::str_of(name)?))
}

#[inline(always)]
pub(super) fn kwt_of(kwnames: Value) -> Option<Gc<TupleObj>> {
    as_tuple_exact(kwnames)
}

/// `global_lookup` that also fills the LOAD_GLOBAL site's cache when the name is found in
/// the globals dict.
fn load_global_cached(f: Gc<FrameObj>, name: Value, cache: &Cell<u64>) -> PyResult<Value> {
    let h = ops::hash(name)?;
    let g = f.globals();
    if let Some(e) = g.find(name, h)? {
        if g.keys.get().get(e) == name {
            cache.set(e as u64 + 1);
        }
        return Ok(g.vals.get().get(e));
    }
    let b = builtins_of(g);
    if let Some(v) = b.get_h(name, h)? {
        return Ok(v);
    }
    Err(vm::name_error(&ops::str_of(name)?))
}

fn builtins_of(_g: Gc<DictObj>) -> Gc<DictObj> {
    vm().builtins.get()
}

/// `LOAD_NAME` in the local namespace: an exact dict is read directly, any other mapping
/// (a metaclass `__prepare__` result such as a dict subclass) through its `__getitem__`,
/// a `KeyError` meaning "not here" as in CPython. `None` when the name is not local.
fn load_name_ns(nsv: Value, globals: Gc<DictObj>, name: Value) -> PyResult<Option<Value>> {
    if nsv.is_null() {
        return globals.get(name);
    }
    if let Some(d) = as_dict_exact(nsv) {
        return d.get(name);
    }
    match ops::getitem(nsv, name) {
        Ok(v) => Ok(Some(v)),
        Err(e) if vm::exc_matches(&e, vm::C::KeyError) => Ok(None),
        Err(e) => Err(e),
    }
}
