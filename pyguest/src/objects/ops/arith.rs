//! Numbers and operators: int/float/index views of values, `num_binop` (which picks the
//! arithmetic slot of `int.rs`, `float.rs` or `complex.rs`), sequence repetition, the binary and in-place operators (`binary_op`,
//! `inplace_op`: built-in fast paths, then `__add__`/`__radd__` dispatch with
//! `NotImplemented`) and the unary ones; also `list_extend` and `bytes_like`, which the
//! sequence operators use.

use super::*;
use crate::memlimit::{check_items, memory_error};
use crate::objects::complex::{complex_binop, complex_of};
use crate::objects::float::{float_binop, float_to_int, round_half_even};
use crate::objects::int::{big_binop, int_binop};
use crate::objects::native::{kwarg, opt};
use crate::vm::value_error;

// ---------------------------------------------------------------- numbers

/// Int view of int/bool values.
#[inline]
pub fn int_of(v: Value) -> Option<i64> {
    if v.is_int() {
        Some(v.as_int_unchecked())
    } else if v == Value::TRUE {
        Some(1)
    } else if v == Value::FALSE {
        Some(0)
    } else {
        None
    }
}

pub fn is_int_like(v: Value) -> bool {
    v.is_int() || v == Value::TRUE || v == Value::FALSE || v.is_kind(Kind::BigInt) || {
        let p = payload(v);
        p != v && (p.is_int() || p.is_kind(Kind::BigInt))
    }
}

pub fn big_of(v: Value) -> Option<BigInt> {
    if let Some(i) = int_of(v) {
        return Some(BigInt::from(i));
    }
    if let Some(b) = as_bigint(v) {
        return Some(b.v.clone());
    }
    let p = payload(v);
    if p != v {
        return big_of(p);
    }
    None
}

/// Borrowing view of an int value as a big int (no copy for big ints).
fn big_ref<'a>(v: Value) -> Option<std::borrow::Cow<'a, BigInt>> {
    if let Some(i) = int_of(v) {
        return Some(std::borrow::Cow::Owned(BigInt::from(i)));
    }
    if let Some(b) = as_bigint(v) {
        // SAFETY: big ints are immutable and the caller holds `v` (on its stack, so the object
        // stays alive and pinned) for as long as it uses the reference.
        return Some(std::borrow::Cow::Borrowed(unsafe {
            &*(&b.v as *const BigInt)
        }));
    }
    let p = payload(v);
    if p != v {
        return big_ref(p);
    }
    None
}

pub fn float_of(v: Value) -> Option<f64> {
    if let Some(i) = int_of(v) {
        return Some(i as f64);
    }
    if let Some(f) = as_float_obj(v) {
        return Some(f.v);
    }
    if let Some(b) = as_bigint(v) {
        return b.v.to_f64();
    }
    let p = payload(v);
    if p != v {
        return float_of(p);
    }
    None
}

pub(super) fn is_number(v: Value) -> bool {
    v.is_int()
        || matches!(
            v.kind(),
            Some(Kind::Float) | Some(Kind::BigInt) | Some(Kind::Complex)
        )
        || v == Value::TRUE
        || v == Value::FALSE
}

pub fn index_of(v: Value) -> PyResult<i64> {
    if let Some(i) = int_of(v) {
        return Ok(i);
    }
    if let Some(b) = as_bigint(v) {
        return b
            .v
            .to_i64()
            .ok_or_else(|| vm::index_error("cannot fit 'int' into an index-sized integer"));
    }
    if as_instance(v).is_some() {
        if let Some(m) = lookup_type(type_of(v), "__index__") {
            let r = call(m, &[v])?;
            // int.__index__ on an int subclass instance gives the instance back: use its payload
            if r != v {
                return index_of(r);
            }
        }
        let p = payload(v);
        if p != v {
            return index_of(p);
        }
    }
    Err(type_error(format!(
        "'{}' object cannot be interpreted as an integer",
        vm::type_name(v)
    )))
}

/// Numeric binary op on built-in numbers; NOT_IMPLEMENTED when not both numbers.
pub fn num_binop(a: Value, b: Value, op: u32) -> PyResult<Value> {
    if (a == Value::TRUE || a == Value::FALSE)
        && (b == Value::TRUE || b == Value::FALSE)
        && matches!(op, binop::AND | binop::OR | binop::XOR)
    {
        let (x, y) = (a == Value::TRUE, b == Value::TRUE);
        return Ok(Value::bool(match op {
            binop::AND => x & y,
            binop::OR => x | y,
            _ => x ^ y,
        }));
    }
    if let (Some(x), Some(y)) = (int_of(a), int_of(b)) {
        return int_binop(x, y, op);
    }
    let ak = a.kind();
    let bk = b.kind();
    if ak == Some(Kind::Complex) || bk == Some(Kind::Complex) {
        if let (Some(x), Some(y)) = (complex_of(a), complex_of(b)) {
            let too_large = |v: Value, part: f64| part.is_infinite() && as_bigint(v).is_some();
            if too_large(a, x.0) || too_large(b, y.0) {
                return Err(vm::overflow("int too large to convert to float"));
            }
            return complex_binop(x, y, op);
        }
        return Ok(Value::NOT_IMPLEMENTED);
    }
    if ak == Some(Kind::Float) || bk == Some(Kind::Float) {
        if let (Some(x), Some(y)) = (float_of(a), float_of(b)) {
            if matches!(
                op,
                binop::AND | binop::OR | binop::XOR | binop::LSHIFT | binop::RSHIFT
            ) {
                return Ok(Value::NOT_IMPLEMENTED);
            }
            // An int operand too large for a float is an error, not infinity.
            if (x.is_infinite() && as_bigint(a).is_some())
                || (y.is_infinite() && as_bigint(b).is_some())
            {
                return Err(vm::overflow("int too large to convert to float"));
            }
            return float_binop(x, y, op);
        }
        return Ok(Value::NOT_IMPLEMENTED);
    }
    // big op small: no conversion of the small side, no copy of the big side
    if let (Some(x), Some(y)) = (as_bigint(a), int_of(b)) {
        let x = &x.v;
        match op {
            binop::ADD => return Ok(new_bigint(x + y)),
            binop::SUB => return Ok(new_bigint(x - y)),
            binop::MUL => return Ok(new_bigint(x * y)),
            _ => {}
        }
    }
    if let (Some(x), Some(y)) = (int_of(a), as_bigint(b)) {
        let y = &y.v;
        match op {
            binop::ADD => return Ok(new_bigint(y + x)),
            binop::MUL => return Ok(new_bigint(y * x)),
            _ => {}
        }
    }
    if let (Some(x), Some(y)) = (big_ref(a), big_ref(b)) {
        return big_binop(&x, &y, op);
    }
    Ok(Value::NOT_IMPLEMENTED)
}

// ---------------------------------------------------------------- binary operators

fn seq_repeat(items: &[Value], n: i64) -> PyResult<ArgVec> {
    let n = if items.is_empty() {
        0
    } else {
        n.max(0) as usize
    };
    let total = items.len().checked_mul(n).ok_or_else(memory_error)?;
    // the items are copied twice (here, then into the GC array)
    check_items(total, 2 * std::mem::size_of::<Value>())?;
    let mut out = ArgVec::with_capacity(total);
    for _ in 0..n {
        out.extend_from_slice(items);
    }
    Ok(out)
}

/// A big-int repeat count for `seq * n`: one past `isize` is an `OverflowError` (CPython's
/// index conversion); one that fits is more than memory can hold unless the sequence is empty
/// or `n` negative, which give an empty result (returned as the count 0).
fn big_repeat_count(seq: Value, n: Value) -> PyResult<Value> {
    let n = as_bigint(n)
        .unwrap()
        .v
        .to_i64()
        .ok_or_else(|| vm::overflow("cannot fit 'int' into an index-sized integer"))?;
    if n > 0 && len(seq)? > 0 {
        return Err(memory_error());
    }
    Ok(Value::small(0))
}

/// The concatenation of two sequences' items, checked against the memory limit.
fn seq_concat(x: &[Value], y: &[Value]) -> PyResult<ArgVec> {
    check_items(x.len() + y.len(), 2 * std::mem::size_of::<Value>())?;
    let mut v: ArgVec = x.iter().copied().collect();
    v.extend_from_slice(y);
    Ok(v)
}

/// Binary operation on built-in non-number types; NOT_IMPLEMENTED if unsupported.
fn builtin_binop(a: Value, b: Value, op: u32) -> PyResult<Value> {
    let a = payload(a);
    let mut b = payload(b);
    if op == binop::MUL
        && b.is_kind(Kind::Instance)
        && matches!(
            a.kind(),
            Some(Kind::Str) | Some(Kind::List) | Some(Kind::Tuple) | Some(Kind::Bytes)
        )
        && lookup_type(type_of(b), "__index__").is_some()
    {
        b = new_int(index_of(b)?);
    }
    if op == binop::MUL
        && b.is_kind(Kind::BigInt)
        && matches!(
            a.kind(),
            Some(Kind::Str | Kind::List | Kind::Tuple | Kind::Bytes | Kind::ByteArray)
        )
    {
        b = big_repeat_count(a, b)?;
    }
    if (op == binop::AND || op == binop::OR || op == binop::SUB || op == binop::XOR)
        && a.is_kind(Kind::Iter)
    {
        if let Some(sa) = crate::objects::iter::view_to_set(a)? {
            return crate::objects::set::set_binop(sa, b, op);
        }
    }
    let r = num_binop(a, b, op)?;
    if r != Value::NOT_IMPLEMENTED {
        return Ok(r);
    }
    if a.is_kind(Kind::SurrStr) || b.is_kind(Kind::SurrStr) {
        if let Some(r) = crate::objects::surr::binop(a, b, op)? {
            return Ok(r);
        }
    }
    match (a.kind(), op) {
        (Some(Kind::Str), binop::ADD) => {
            if let Some(y) = as_str(b) {
                let x = as_str(a).unwrap();
                let mut s = crate::memlimit::string_with_capacity(x.s.len() + y.s.len())?;
                s.push_str(&x.s);
                s.push_str(&y.s);
                return Ok(new_string(s));
            }
        }
        (Some(Kind::Str), binop::MUL) => {
            if let Some(n) = int_of(b) {
                return Ok(new_string(crate::memlimit::repeat_str(
                    &as_str(a).unwrap().s,
                    n.max(0) as usize,
                )?));
            }
        }
        (Some(Kind::Str), binop::MOD) => {
            let r = crate::objects::format::percent_format(a, b);
            if r.is_err() && crate::objects::surr::holds_surrogates(b) {
                // an argument holds lone surrogates: formatted over mapped text
                if let Some(v) = crate::objects::surr::binop(a, b, op)? {
                    return Ok(v);
                }
            }
            return r;
        }
        (Some(Kind::List), binop::ADD) => {
            if let Some(y) = as_list_exact(b) {
                let x = as_list_exact(a).unwrap();
                let v = x.with_items(|xv| y.with_items(|yv| seq_concat(xv, yv)))?;
                return Ok(new_list_from(&v));
            }
        }
        (Some(Kind::List), binop::MUL) => {
            if let Some(n) = int_of(b) {
                let v = as_list_exact(a)
                    .unwrap()
                    .with_items(|items| seq_repeat(items, n))?;
                return Ok(new_list_from(&v));
            }
        }
        (Some(Kind::Tuple), binop::ADD) => {
            if let Some(y) = as_tuple_exact(b) {
                let x = as_tuple_exact(a).unwrap();
                let v = seq_concat(x.as_slice(), y.as_slice())?;
                return Ok(new_tuple(&v));
            }
        }
        (Some(Kind::Tuple), binop::MUL) => {
            if let Some(n) = int_of(b) {
                return Ok(new_tuple(&seq_repeat(
                    as_tuple_exact(a).unwrap().as_slice(),
                    n,
                )?));
            }
        }
        (Some(Kind::Bytes) | Some(Kind::ByteArray), binop::ADD) => {
            let x = as_bytes(a).or_else(|| as_bytearray(a)).unwrap();
            if let Some(y) = as_bytes(b).or_else(|| as_bytearray(b)) {
                let mut v = crate::memlimit::vec_with_capacity(x.data().len() + y.data().len())?;
                v.extend_from_slice(x.data());
                v.extend_from_slice(y.data());
                return Ok(new_bytes(v, a.is_kind(Kind::ByteArray)));
            }
        }
        (Some(Kind::Bytes) | Some(Kind::ByteArray), binop::MUL) => {
            let x = as_bytes(a).or_else(|| as_bytearray(a)).unwrap();
            if let Some(n) = int_of(b) {
                return Ok(new_bytes(
                    crate::memlimit::repeat_bytes(x.data(), n.max(0) as usize)?,
                    a.is_kind(Kind::ByteArray),
                ));
            }
        }
        (Some(Kind::Bytes), binop::MOD) => {
            let x = as_bytes(a).unwrap();
            let s: String = x.data().iter().map(|&c| c as char).collect();
            // bytes arguments are inserted as latin-1 text, not as their repr
            let conv = |v: Value| match bytes_like(v) {
                Some(bv) => new_string(bv.iter().map(|&c| c as char).collect()),
                None => v,
            };
            let b = match as_tuple_exact(b) {
                Some(t) => {
                    let items: ArgVec = t.as_slice().iter().map(|&v| conv(v)).collect();
                    new_tuple(&items)
                }
                None => conv(b),
            };
            let r = crate::objects::format::percent_format(new_string(s), b)?;
            let rs = as_str(r).unwrap();
            return Ok(new_bytes(
                rs.s.chars().map(|c| c as u32 as u8).collect(),
                false,
            ));
        }
        (
            Some(Kind::Set) | Some(Kind::FrozenSet),
            binop::OR | binop::AND | binop::SUB | binop::XOR,
        ) if as_set(b).is_some() => {
            return crate::objects::set::set_binop(a, b, op);
        }
        (Some(Kind::Dict), binop::OR) if as_dict(b).is_some() => {
            let d = as_dict(a).unwrap().copy();
            crate::objects::dict::dict_update(d, b)?;
            return Ok(Value::obj(d));
        }
        _ => {}
    }
    if a.is_kind(Kind::BigInt)
        && op == binop::MUL
        && matches!(
            b.kind(),
            Some(Kind::Str | Kind::List | Kind::Tuple | Kind::Bytes)
        )
    {
        return builtin_binop(b, a, op);
    }
    if (a.is_int() || a == Value::TRUE || a == Value::FALSE) && op == binop::MUL {
        if let Some(n) = int_of(a) {
            match b.kind() {
                Some(Kind::Str) | Some(Kind::List) | Some(Kind::Tuple) | Some(Kind::Bytes) => {
                    return builtin_binop(b, a, op);
                }
                _ => {}
            }
            let _ = n;
        }
    }
    Ok(Value::NOT_IMPLEMENTED)
}

fn binop_error(a: Value, b: Value, op: u32, inplace: bool) -> PyErr {
    // CPython's sequence messages: the left operand's concatenation or repetition said no.
    let seq = matches!(
        a.kind(),
        Some(Kind::Str) | Some(Kind::List) | Some(Kind::Tuple) | Some(Kind::Bytes)
    );
    if op == binop::ADD && seq {
        let (ta, tb) = (vm::type_name(a), vm::type_name(b));
        return type_error(if a.kind() == Some(Kind::Bytes) {
            format!("can't concat {tb} to {ta}")
        } else {
            format!("can only concatenate {ta} (not \"{tb}\") to {ta}")
        });
    }
    if op == binop::MUL {
        let other = if seq {
            Some(b)
        } else if matches!(
            b.kind(),
            Some(Kind::Str) | Some(Kind::List) | Some(Kind::Tuple) | Some(Kind::Bytes)
        ) {
            Some(a)
        } else {
            None
        };
        if let Some(o) = other {
            return type_error(format!(
                "can't multiply sequence by non-int of type '{}'",
                vm::type_name(o)
            ));
        }
    }
    let sym = binop::NAMES[op as usize].3;
    let sym = if inplace && op != binop::POW {
        format!("{sym}=")
    } else {
        sym.to_string()
    };
    type_error(format!(
        "unsupported operand type(s) for {}: '{}' and '{}'",
        sym,
        vm::type_name(a),
        vm::type_name(b)
    ))
}

pub(super) fn is_py_instance(v: Value) -> bool {
    v.kind() == Some(Kind::Instance) || v.kind() == Some(Kind::Class)
}

/// `a op b`.
#[inline]
pub fn binary_op(a: Value, b: Value, op: u32) -> PyResult<Value> {
    if a.is_int() && b.is_int() {
        let (x, y) = (a.as_int_unchecked(), b.as_int_unchecked());
        match op {
            binop::ADD => return Ok(new_int(x + y)),
            binop::SUB => return Ok(new_int(x - y)),
            _ => return int_binop(x, y, op),
        }
    }
    if let (Some(x), Some(y)) = (as_float_obj(a), as_float_obj(b)) {
        return float_binop(x.v, y.v, op);
    }
    binary_op_slow(a, b, op)
}

fn binary_op_slow(a: Value, b: Value, op: u32) -> PyResult<Value> {
    if is_py_instance(a) || is_py_instance(b) {
        let (name, rname, _, _) = binop::NAMES[op as usize];
        let ta = type_of(a);
        let tb = type_of(b);
        let b_sub = !Gc::ptr_eq(ta, tb) && vm::is_subclass(tb, ta);
        if b_sub {
            if let Some(m) = lookup_type(tb, rname) {
                let r = call(m, &[b, a])?;
                if r != Value::NOT_IMPLEMENTED {
                    return Ok(r);
                }
            }
        }
        if as_instance(a).is_some() || as_class(a).is_some() {
            if let Some(m) = lookup_type_user(ta, name) {
                let r = call(m, &[a, b])?;
                if r != Value::NOT_IMPLEMENTED {
                    return Ok(r);
                }
            }
        }
        if !b_sub && !Gc::ptr_eq(ta, tb) && (as_instance(b).is_some()) {
            if let Some(m) = lookup_type_user(tb, rname) {
                let r = call(m, &[b, a])?;
                if r != Value::NOT_IMPLEMENTED {
                    return Ok(r);
                }
            }
        }
    }
    if op == binop::OR {
        // `int | str`: a types.UnionType (PEP 604)
        if let Some(r) = crate::modules::union::type_or(a, b) {
            return r;
        }
    }
    let r = builtin_binop(a, b, op)?;
    if r != Value::NOT_IMPLEMENTED {
        return Ok(r);
    }
    Err(binop_error(a, b, op, false))
}

/// `a op= b`.
pub fn inplace_op(a: Value, b: Value, op: u32) -> PyResult<Value> {
    if a.is_int() && b.is_int() {
        return binary_op(a, b, op);
    }
    if let Some(l) = as_list_exact(a) {
        if op == binop::ADD {
            list_extend(l, b)?;
            return Ok(a);
        }
        if op == binop::MUL {
            if let Some(n) = int_of(b) {
                let v = seq_repeat(&l.values(), n)?;
                l.set_all(&v);
                return Ok(a);
            }
        }
    }
    if let Some(s) = as_set(a) {
        if a.is_kind(Kind::Set) && as_set(b).is_some() {
            let r = crate::objects::set::set_binop(a, b, op)?;
            if let Some(rs) = as_set(r) {
                s.clear();
                for i in 0..rs.capacity() {
                    let k = rs.slot(i);
                    if !k.is_null() {
                        s.add_h(k, rs.hash_at(i))?;
                    }
                }
                return Ok(a);
            }
        }
    }
    if let Some(d) = as_dict_exact(a) {
        if op == binop::OR {
            crate::objects::dict::dict_update(d, b)?;
            return Ok(a);
        }
    }
    if let Some(ba) = as_bytearray(a) {
        if op == binop::ADD {
            let extra = bytes_like(b).ok_or_else(|| binop_error(a, b, op, true))?;
            crate::memlimit::reserve(ba.data(), extra.len())?;
            ba.data().extend_from_slice(&extra);
            return Ok(a);
        }
    }
    if as_instance(a).is_some() {
        let iname = binop::NAMES[op as usize].2;
        if let Some(m) = lookup_type_user(type_of(a), iname) {
            let r = call(m, &[a, b])?;
            if r != Value::NOT_IMPLEMENTED {
                return Ok(r);
            }
        }
        if let Some(l) = as_list(a) {
            if op == binop::ADD && lookup_type_user(type_of(a), "__add__").is_none() {
                list_extend(l, b)?;
                return Ok(a);
            }
        }
    }
    binary_op(a, b, op).map_err(|e| {
        if vm::exc_matches(&e, C::TypeError) && exc_message(e.0).starts_with("unsupported operand")
        {
            binop_error(a, b, op, true)
        } else {
            e
        }
    })
}

pub fn bytes_like(v: Value) -> Option<Vec<u8>> {
    as_bytes(v)
        .or_else(|| as_bytearray(v))
        .map(|b| b.data().clone())
}

pub fn list_extend(l: Gc<ListObj>, it: Value) -> PyResult<()> {
    if let Some(src) = as_list_exact(it) {
        check_items(l.len() + src.len(), 2 * std::mem::size_of::<Value>())?;
        let items: ArgVec = src.values();
        for v in items {
            l.push(v);
        }
        return Ok(());
    }
    if let Some(t) = as_tuple_exact(it) {
        check_items(l.len() + t.len(), std::mem::size_of::<Value>())?;
        for &v in t.as_slice() {
            l.push(v);
        }
        return Ok(());
    }
    crate::memlimit::check_materialize(it)?;
    let iter = get_iter(it)?;
    while let Some(v) = next(iter)? {
        crate::memlimit::check_growth(l.len(), std::mem::size_of::<Value>())?;
        l.push(v);
    }
    Ok(())
}

pub fn unary_neg(v: Value) -> PyResult<Value> {
    if let Some(i) = int_of(v) {
        return Ok(new_int(-i));
    }
    if let Some(f) = as_float_obj(v) {
        return Ok(new_float(-f.v));
    }
    if let Some(b) = as_bigint(v) {
        return Ok(new_bigint(-b.v.clone()));
    }
    if let Some(c) = as_complex(v) {
        return Ok(new_complex(-c.re, -c.im));
    }
    unary_dunder(v, "__neg__", "-")
}

pub fn unary_pos(v: Value) -> PyResult<Value> {
    if let Some(i) = int_of(v) {
        return Ok(new_int(i));
    }
    if is_number(v) {
        return Ok(v);
    }
    unary_dunder(v, "__pos__", "+")
}

pub fn unary_invert(v: Value) -> PyResult<Value> {
    if let Some(i) = int_of(v) {
        return Ok(new_int(!i));
    }
    if let Some(b) = as_bigint(v) {
        return Ok(new_bigint(-(b.v.clone()) - 1));
    }
    unary_dunder(v, "__invert__", "~")
}

fn unary_dunder(v: Value, name: &str, sym: &str) -> PyResult<Value> {
    if let Some(m) = lookup_type_user(type_of(v), name) {
        return call(m, &[v]);
    }
    // subclasses of int/float/complex: the operation of the built-in value
    let p = payload(v);
    if p != v && (is_number(p) || as_complex(p).is_some()) {
        return match sym {
            "-" => unary_neg(p),
            "+" => unary_pos(p),
            _ => unary_invert(p),
        };
    }
    Err(type_error(format!(
        "bad operand type for unary {}: '{}'",
        sym,
        vm::type_name(v)
    )))
}

// ---------------------------------------------------------------- abs, round

/// `abs(x)`: the numeric types directly, else the type's `__abs__`.
pub(crate) fn bi_abs(a: Args) -> PyResult<Value> {
    let v = a.pos[0];
    if let Some(i) = int_of(v) {
        return Ok(new_int(i.abs()));
    }
    if let Some(f) = as_float_obj(v) {
        return Ok(new_float(f.v.abs()));
    }
    if let Some(b) = as_bigint(v) {
        return Ok(new_bigint(b.v.abs()));
    }
    if let Some(c) = as_complex(v) {
        return Ok(new_float(c.re.hypot(c.im)));
    }
    if let Some(m) = ops::lookup_type_user(type_of(v), "__abs__") {
        return call(m, &[v]);
    }
    Err(type_error(format!(
        "bad operand type for abs(): '{}'",
        vm::type_name(v)
    )))
}

/// `round(number, ndigits=None)`: ints and floats directly (round half to even), else the
/// type's `__round__`.
pub(crate) fn bi_round(a: Args) -> PyResult<Value> {
    let v = a.pos[0];
    let nd = opt(&a, 1).or_else(|| kwarg(&a, "ndigits").filter(|x| !x.is_none()));
    if ops::is_int_like(v) && !v.is_kind(Kind::Instance) {
        return match nd {
            None => Ok(new_int(int_of(v).unwrap_or(0)).max_or(v)),
            Some(n) => {
                let n = index_of(n)?;
                if n >= 0 {
                    return Ok(v);
                }
                let b = ops::big_of(v).unwrap();
                let p = num_traits::pow(BigInt::from(10), (-n) as usize);
                let q = crate::objects::format::round_half_even_div(&b, &p);
                Ok(new_bigint(q * p))
            }
        };
    }
    if let Some(f) = as_float_obj(v) {
        return match nd {
            None => {
                let r = round_half_even(f.v);
                if !r.is_finite() {
                    return Err(if r.is_nan() {
                        value_error("cannot convert float NaN to integer")
                    } else {
                        vm::overflow("cannot convert float infinity to integer")
                    });
                }
                Ok(float_to_int(r))
            }
            Some(n) => Ok(new_float(crate::objects::format::round_float(
                f.v,
                index_of(n)? as i32,
            ))),
        };
    }
    if let Some(m) = ops::lookup_type_user(type_of(v), "__round__") {
        return match nd {
            Some(n) => call(m, &[v, n]),
            None => call(m, &[v]),
        };
    }
    Err(type_error(format!(
        "type {} doesn't define __round__ method",
        vm::type_name(v)
    )))
}

trait MaxOr {
    fn max_or(self, v: Value) -> Value;
}

impl MaxOr for Value {
    fn max_or(self, v: Value) -> Value {
        if v.is_kind(Kind::BigInt) {
            v
        } else {
            self
        }
    }
}
