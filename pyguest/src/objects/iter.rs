//! Iterators: one object layout for every built-in iterator kind (`IterObj`, its
//! [`IterKind`] says which: range, sequence, dict keys/values/items, enumerate, zip, map,
//! filter, reversed, ...), `next` for each kind, the dict views (and their repr), and the
//! method tables of the iterator type and of `dict_keys`. `FOR_ITER` inlines the range and
//! list/tuple cases and calls [`iter_next`] for the rest.

use crate::compiler::bytecode::binop;
use crate::objects::native::char_str;
use crate::objects::native::{arg_or_kw, kwarg, m, Method};
use crate::objects::ops::{self, call, index_of, truthy, ArgVec};
use crate::objects::set::to_set;
use crate::objects::*;
use crate::value::Value;
use crate::vm::PyResult;
use crate::vm::{self, value_error, C};
use metatracer::gc::GcCell;
use metatracer::gc::{self, Gc};
use metatracer::Trace;
use std::cell::Cell;

// ---------------------------------------------------------------- layout

/// Sub-kinds of the generic built-in iterator object.
#[repr(u8)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum IterKind {
    Seq,
    Range,
    Str,
    DictKeys,
    DictValues,
    DictItems,
    Set,
    Enumerate,
    Zip,
    Map,
    Filter,
    Reversed,
    Callable,
    Bytes,
    /// An iterator wrapper over a Python-level `__getitem__` sequence.
    GetItem,
    /// `coroutine.__await__()` (CPython's `coroutine_wrapper`): `a` is the coroutine.
    CoroWait,
    /// `agen.asend(v)` / `agen.__anext__()`: `a` the async generator, `b` the value to send,
    /// `i` the state (`coroutine::AW_*`).
    ASend,
    /// `agen.athrow(...)` / `agen.aclose()`: `a` the async generator, `b` the exception to
    /// throw (NULL for `aclose`), `i` the state.
    AThrow,
    /// `anext(aiter, default)`: `a` the awaitable of `__anext__()` (its iterator once `i` is
    /// 1), `b` the default its `StopAsyncIteration` turns into.
    ANextDefault,
}

#[repr(C)]
#[derive(Trace, metatracer::Layout)]
pub struct IterObj {
    pub kind: Kind,
    #[gc(no_trace)]
    pub sub: IterKind,
    pub a: GcCell<Value>,
    pub b: GcCell<Value>,
    pub i: Cell<i64>,
    pub n: Cell<i64>,
    pub step: Cell<i64>,
}

downcast!(as_iter, IterObj, Iter);

/// An iterator as traced code allocates it (`GET_ITER` of a range or a list in a loop,
/// `interpreter/opcodes_builtins.rs`): laid out exactly like [`IterObj`] but made of register
/// values, so `gc::alloc` of it is a `new` plus stores in the trace (as `FloatBox`,
/// `objects/float.rs`); the collector traces `a` and `b` as `IterObj`'s do. Everything else
/// reads the object as an `IterObj`.
#[repr(C)]
#[derive(Clone, Copy, Trace, metatracer::Layout, metatracer::RegValue)]
#[reg_value(in_memory)]
pub struct IterBox {
    pub kind: u8,
    pub sub: u8,
    pub a: Value,
    pub b: Value,
    pub i: i64,
    pub n: i64,
    pub step: i64,
}

const _: () = {
    use std::mem::{align_of, offset_of, size_of};
    assert!(size_of::<IterBox>() == size_of::<IterObj>());
    assert!(align_of::<IterBox>() == align_of::<IterObj>());
    assert!(offset_of!(IterBox, sub) == offset_of!(IterObj, sub));
    assert!(offset_of!(IterBox, a) == offset_of!(IterObj, a));
    assert!(offset_of!(IterBox, b) == offset_of!(IterObj, b));
    assert!(offset_of!(IterBox, i) == offset_of!(IterObj, i));
    assert!(offset_of!(IterBox, n) == offset_of!(IterObj, n));
    assert!(offset_of!(IterBox, step) == offset_of!(IterObj, step));
};

/// The kind byte of an iterator object.
const ITER_KIND_BYTE: u8 = Kind::Iter as u8;

/// `new_iter(sub, a, NULL, i, n, step)` for traced code: the allocation is in the trace.
#[metatracer::look_inside]
#[inline(always)]
pub fn new_iter_traced(sub: u8, a: Value, i: i64, n: i64, step: i64) -> Value {
    let none = Value::NULL;
    let b = gc::alloc(IterBox {
        kind: ITER_KIND_BYTE,
        sub,
        a,
        b: none,
        i,
        n,
        step,
    });
    metatracer::from_word_bits(metatracer::word_bits(b))
}

pub fn new_iter(sub: IterKind, a: Value, b: Value, i: i64, n: i64, step: i64) -> Value {
    Value::obj(gc::alloc(IterObj {
        kind: Kind::Iter,
        sub,
        a: GcCell::new(a),
        b: GcCell::new(b),
        i: Cell::new(i),
        n: Cell::new(n),
        step: Cell::new(step),
    }))
}

// ---------------------------------------------------------------- the iterator classes

/// The built-in iterator classes that are also called to make their iterators
/// (`enumerate(xs)`, ...), with the constructor of each. Their signatures are in
/// `objects/class.rs` (`CTOR_SIGS`), checked before a constructor runs. A call of the exact
/// class goes straight to the constructor ([`direct_ctor`], from `class::construct_plain`);
/// a subclass instance (`class E(enumerate)`) is a `Kind::Instance` whose payload is the
/// iterator the constructor made (`class::builtin_payload`; the classes' `base_kind` is
/// `Kind::Iter`), and `iter()` of it is the instance itself, so `__next__` overrides run.
pub(crate) static ITER_CTORS: &[(C, NativeFn)] = &[
    (C::enumerate, enumerate_new),
    (C::zip, zip_new),
    (C::map, map_new),
    (C::filter, filter_new),
    (C::reversed, reversed_new),
];

/// The constructor of `c` when it is one of [`ITER_CTORS`]' classes (exactly).
#[inline]
pub(crate) fn direct_ctor(c: Gc<ClassObj>) -> Option<(C, NativeFn)> {
    ITER_CTORS
        .iter()
        .find(|(id, _)| Gc::ptr_eq(c, vm::cls(*id)))
        .copied()
}

/// `reversed(sequence)`: a reverse iterator over a list, tuple, str, range or dict (their
/// keys), or the sequence's own `__reversed__`, or one over `__len__`/`__getitem__`.
pub(crate) fn reversed_new(a: Args) -> PyResult<Value> {
    let v = a.pos[0];
    let p = payload(v);
    match p.kind() {
        Some(Kind::List) | Some(Kind::Tuple) | Some(Kind::Str) if p == v => {
            let n = ops::len(p)? as i64;
            Ok(new_iter(IterKind::Reversed, p, Value::NULL, n - 1, 0, -1))
        }
        Some(Kind::Range) => {
            let r = as_range(p).unwrap();
            let n = crate::objects::range_len(r);
            Ok(new_iter(
                IterKind::Range,
                Value::NULL,
                Value::NULL,
                r.start + (n - 1) * r.step,
                n,
                -r.step,
            ))
        }
        Some(Kind::Dict) => {
            let keys = as_dict(p).unwrap().keys_list();
            let n = ops::len(keys)? as i64;
            Ok(new_iter(
                IterKind::Reversed,
                keys,
                Value::NULL,
                n - 1,
                0,
                -1,
            ))
        }
        _ => {
            if let Some(m) = ops::lookup_type_user(vm::type_of(v), "__reversed__") {
                return call(m, &[v]);
            }
            if ops::lookup_type(vm::type_of(v), "__getitem__").is_some() {
                let n = ops::len(v)? as i64;
                return Ok(new_iter(IterKind::Reversed, v, Value::NULL, n - 1, 0, -1));
            }
            if p != v {
                let n = ops::len(p)? as i64;
                return Ok(new_iter(IterKind::Reversed, p, Value::NULL, n - 1, 0, -1));
            }
            Err(vm::type_error(format!(
                "'{}' object is not reversible",
                vm::type_name(v)
            )))
        }
    }
}

/// `enumerate(iterable, start=0)`.
pub(crate) fn enumerate_new(a: Args) -> PyResult<Value> {
    let it = ops::get_iter(
        arg_or_kw(&a, 0, "iterable")
            .ok_or_else(|| vm::type_error("enumerate() missing required argument 'iterable'"))?,
    )?;
    // (a start beyond i64 is counted as a Python int in `b`, as is the count once `i`
    // would overflow)
    let (start, big) = match arg_or_kw(&a, 1, "start") {
        Some(s) => match index_of(s) {
            Ok(i) => (i, Value::NULL),
            Err(_) if ops::is_int_like(s) => (0, s),
            Err(e) => return Err(e),
        },
        None => (0, Value::NULL),
    };
    Ok(new_iter(IterKind::Enumerate, it, big, start, 0, 1))
}

/// `zip(*iterables, strict=False)`.
pub(crate) fn zip_new(a: Args) -> PyResult<Value> {
    let mut its = ArgVec::new();
    for &x in a.pos {
        its.push(ops::get_iter(x)?);
    }
    let strict = match kwarg(&a, "strict") {
        Some(v) => truthy(v)?,
        None => false,
    };
    Ok(new_iter(
        IterKind::Zip,
        new_tuple(&its),
        Value::NULL,
        0,
        strict as i64,
        1,
    ))
}

/// `map(function, iterable, /, *iterables)` (its signature is `map(*args)`: the count is
/// checked here, with CPython's message).
pub(crate) fn map_new(a: Args) -> PyResult<Value> {
    if a.pos.len() < 2 {
        return Err(vm::type_error("map() must have at least two arguments."));
    }
    let mut its = ArgVec::new();
    for &x in &a.pos[1..] {
        its.push(ops::get_iter(x)?);
    }
    Ok(new_iter(IterKind::Map, new_tuple(&its), a.pos[0], 0, 0, 1))
}

/// `filter(function, iterable, /)`.
pub(crate) fn filter_new(a: Args) -> PyResult<Value> {
    let it = ops::get_iter(a.pos[1])?;
    Ok(new_iter(IterKind::Filter, it, a.pos[0], 0, 0, 1))
}

// ---------------------------------------------------------------- iterators

pub fn iter_next(it: Gc<IterObj>) -> PyResult<Option<Value>> {
    match it.sub {
        IterKind::Seq => {
            let s = it.a.get();
            let i = it.i.get() as usize;
            let v = if let Some(l) = as_list_exact(s) {
                if i < l.len() {
                    Some(l.get(i))
                } else {
                    None
                }
            } else {
                as_tuple_exact(s).and_then(|t| t.as_slice().get(i).copied())
            };
            if v.is_some() {
                it.i.set(i as i64 + 1);
            }
            Ok(v)
        }
        IterKind::Range => {
            let n = it.n.get();
            if n <= 0 {
                return Ok(None);
            }
            let i = it.i.get();
            it.n.set(n - 1);
            it.i.set(i + it.step.get());
            Ok(Some(new_int(i)))
        }
        IterKind::Str => {
            let s = as_str(it.a.get()).unwrap();
            let i = it.i.get() as usize;
            if i >= s.s.len() {
                return Ok(None);
            }
            let c = s.s[i..].chars().next().unwrap();
            it.i.set((i + c.len_utf8()) as i64);
            Ok(Some(char_str(c)))
        }
        IterKind::Bytes => {
            // (the byte itself, not a copy of the buffer: iterating was quadratic)
            let a = it.a.get();
            let b = as_bytes(a).or_else(|| as_bytearray(a)).unwrap();
            let i = it.i.get() as usize;
            let Some(&byte) = b.data().get(i) else {
                return Ok(None);
            };
            it.i.set(i as i64 + 1);
            Ok(Some(Value::small(byte as i64)))
        }
        IterKind::DictKeys | IterKind::DictValues | IterKind::DictItems => {
            let d = as_dict(it.a.get()).unwrap();
            // `step` is the size seen at the first step plus 2; `n` counts the items still
            // expected, so a key found past them means keys changed at the same size
            if it.step.get() == 1 && it.i.get() == 0 {
                it.step.set(d.len() as i64 + 2);
                it.n.set(d.len() as i64);
            } else if it.step.get() != d.len() as i64 + 2 {
                return Err(vm::runtime_error(
                    "dictionary changed size during iteration",
                ));
            }
            let mut i = it.i.get() as usize;
            while i < d.entry_count() {
                let k = d.key_at(i);
                i += 1;
                if !k.is_null() {
                    if it.n.get() <= 0 {
                        it.i.set(d.entry_count() as i64);
                        return Err(vm::runtime_error(
                            "dictionary keys changed during iteration",
                        ));
                    }
                    it.n.set(it.n.get() - 1);
                    it.i.set(i as i64);
                    return Ok(Some(match it.sub {
                        IterKind::DictKeys => k,
                        IterKind::DictValues => d.val_at(i - 1),
                        _ => new_tuple(&[k, d.val_at(i - 1)]),
                    }));
                }
            }
            it.i.set(i as i64);
            Ok(None)
        }
        IterKind::Set => {
            let s = as_set(it.a.get()).unwrap();
            if s.len() as i64 != it.n.get() {
                return Err(vm::runtime_error("Set changed size during iteration"));
            }
            let mut i = it.i.get() as usize;
            while i < s.capacity() {
                let k = s.slot(i);
                i += 1;
                if !k.is_null() {
                    it.i.set(i as i64);
                    return Ok(Some(k));
                }
            }
            it.i.set(i as i64);
            Ok(None)
        }
        IterKind::Enumerate => match ops::next(it.a.get())? {
            Some(v) => {
                let big = it.b.get();
                let n = if !big.is_null() {
                    it.b.set(ops::binary_op(big, Value::small(1), binop::ADD)?);
                    big
                } else {
                    let i = it.i.get();
                    match i.checked_add(1) {
                        Some(j) => it.i.set(j),
                        None => {
                            it.b.set(ops::binary_op(new_int(i), Value::small(1), binop::ADD)?)
                        }
                    }
                    new_int(i)
                };
                Ok(Some(new_tuple(&[n, v])))
            }
            None => Ok(None),
        },
        IterKind::Zip => {
            let its = as_tuple_exact(it.a.get()).unwrap();
            if its.is_empty() {
                return Ok(None);
            }
            let mut out = ArgVec::new();
            for (k, &x) in its.as_slice().iter().enumerate() {
                match ops::next(x)? {
                    Some(v) => out.push(v),
                    None => {
                        if it.n.get() == 1 {
                            // "argument 1" / "arguments 1-N" before it, as CPython
                            let before = |k: usize| match k {
                                1 => " 1".to_string(),
                                _ => format!("s 1-{k}"),
                            };
                            if k > 0 {
                                return Err(value_error(format!(
                                    "zip() argument {} is shorter than argument{}",
                                    k + 1,
                                    before(k)
                                )));
                            }
                            for (j, &y) in its.as_slice().iter().enumerate().skip(1) {
                                if ops::next(y)?.is_some() {
                                    return Err(value_error(format!(
                                        "zip() argument {} is longer than argument{}",
                                        j + 1,
                                        before(j)
                                    )));
                                }
                            }
                        }
                        return Ok(None);
                    }
                }
            }
            Ok(Some(new_tuple(&out)))
        }
        IterKind::Map => {
            let its = as_tuple_exact(it.a.get()).unwrap();
            let mut args = ArgVec::new();
            for &x in its.as_slice() {
                match ops::next(x)? {
                    Some(v) => args.push(v),
                    None => return Ok(None),
                }
            }
            Ok(Some(call(it.b.get(), &args)?))
        }
        IterKind::Filter => {
            let f = it.b.get();
            loop {
                match ops::next(it.a.get())? {
                    Some(v) => {
                        let keep = if f.is_none() {
                            truthy(v)?
                        } else {
                            truthy(call(f, &[v])?)?
                        };
                        if keep {
                            return Ok(Some(v));
                        }
                    }
                    None => return Ok(None),
                }
            }
        }
        IterKind::Reversed => {
            let i = it.i.get();
            if i < 0 {
                return Ok(None);
            }
            let s = it.a.get();
            let n = ops::len(s)? as i64;
            if i >= n {
                it.i.set(-1);
                return Ok(None);
            }
            it.i.set(i - 1);
            Ok(Some(ops::getitem(s, Value::small(i))?))
        }
        IterKind::Callable => {
            if it.i.get() < 0 {
                return Ok(None);
            }
            let v = call(it.a.get(), &[])?;
            if ops::eq(v, it.b.get())? {
                it.i.set(-1);
                return Ok(None);
            }
            Ok(Some(v))
        }
        IterKind::CoroWait | IterKind::ASend | IterKind::AThrow | IterKind::ANextDefault => {
            // next() of an awaitable sends None; its result ends the iteration
            match crate::interpreter::coroutines::awaitable_send(it, Value::NONE, None)? {
                crate::interpreter::GenResult::Yield(v) => Ok(Some(v)),
                crate::interpreter::GenResult::Return(r) if r.is_none() => Ok(None),
                crate::interpreter::GenResult::Return(r) => Err(vm::stop_iteration(r)),
            }
        }
        IterKind::GetItem => {
            let i = it.i.get();
            if i < 0 {
                return Ok(None);
            }
            match ops::getitem(it.a.get(), Value::small(i)) {
                Ok(v) => {
                    it.i.set(i + 1);
                    Ok(Some(v))
                }
                Err(e)
                    if vm::exc_matches(&e, C::IndexError)
                        || vm::exc_matches(&e, C::StopIteration) =>
                {
                    it.i.set(-1);
                    Ok(None)
                }
                Err(e) => Err(e),
            }
        }
    }
}

/// A dict view converted to a set (for comparisons), or None if not a keys/items view.
pub fn view_to_set(v: Value) -> PyResult<Option<Value>> {
    let Some(it) = as_iter(v) else {
        return Ok(None);
    };
    if it.n.get() >= 0 || it.sub == IterKind::DictValues {
        return Ok(None);
    }
    let s = new_set(false);
    let i = ops::get_iter(v)?;
    while let Some(x) = ops::next(i)? {
        s.add(x)?;
    }
    Ok(Some(Value::obj(s)))
}

pub(crate) fn dict_view(d: Value, sub: IterKind) -> Value {
    new_iter(sub, d, Value::NULL, 0, -1, 1)
}

/// `__iter__` of iterators: the iterator itself.
pub(crate) fn iter_self(a: Args) -> PyResult<Value> {
    Ok(a.pos[0])
}

/// `__next__` of iterators: the next value, or `StopIteration`.
pub(crate) fn iter_next_method(a: Args) -> PyResult<Value> {
    // (a subclass instance, `class E(enumerate)`, steps its payload iterator)
    match ops::next(payload(a.pos[0]))? {
        Some(v) => Ok(v),
        None => Err(vm::stop_iteration(Value::NONE)),
    }
}

/// The methods of the built-in iterator type.
pub(crate) static ITERATOR_METHODS: &[Method] = &[
    m("W:__iter__()", iter_self),
    m("W:__next__()", iter_next_method),
];

/// The methods of `dict_keys` views (set operations are operators, `objects/ops/`).
pub(crate) static DICT_KEYS_METHODS: &[Method] = &[m("isdisjoint(x, /)", |a| {
    let s = view_to_set(a.pos[0])?.unwrap();
    let o = to_set(a.pos[1])?;
    let s = as_set(s).unwrap();
    for i in 0..s.capacity() {
        let k = s.slot(i);
        if !k.is_null() && o.contains(k)? {
            return Ok(Value::FALSE);
        }
    }
    Ok(Value::TRUE)
})];

/// `repr` of an iterator: a dict view shows its items (`dict_keys(['a', 'b'])`), any other
/// iterator `<KIND object at 0x...>`.
pub(crate) fn iter_repr(v: Value, it: Gc<IterObj>, out: &mut String) -> PyResult<()> {
    if it.n.get() < 0 {
        let items = crate::objects::native::list_of(v)?;
        out.push_str(&vm::type_name(v));
        out.push('(');
        ops::repr_into(items, out)?;
        out.push(')');
    } else {
        out.push_str(&format!("<{} object at 0x{:x}>", vm::type_name(v), v.0));
    }
    Ok(())
}
