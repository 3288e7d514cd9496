//! The object protocol: truthiness, hashing, equality and ordering, arithmetic, `repr`/`str`,
//! attribute access (with descriptors, maps and `__getattr__` hooks), subscripting, iteration,
//! `len`/`in`, and calling. Fast paths for built-in types come first; instances of Python
//! classes go through their dunder methods.

use crate::compiler::bytecode::binop;
use crate::interpreter::{self, PyErr, PyResult};
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::{self, cls, intern, type_error, type_of, vm, C};
use metatracer::gc::{self, Gc};
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive, Zero};
use std::cell::Cell;

pub use crate::argvec::ArgVec;

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

fn is_number(v: Value) -> bool {
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

fn int_binop(a: i64, b: i64, op: u32) -> PyResult<Value> {
    let r = match op {
        binop::ADD => a.checked_add(b),
        binop::SUB => a.checked_sub(b),
        binop::MUL => a.checked_mul(b),
        binop::FLOORDIV => {
            if b == 0 {
                return Err(vm::zero_div("integer division or modulo by zero"));
            }
            a.checked_div_euclid(b).map(|_| Integer::div_floor(&a, &b))
        }
        binop::MOD => {
            if b == 0 {
                return Err(vm::zero_div("integer division or modulo by zero"));
            }
            a.checked_rem(b).map(|_| a.mod_floor(&b))
        }
        binop::TRUEDIV => {
            if b == 0 {
                return Err(vm::zero_div("division by zero"));
            }
            return Ok(new_float(int_truediv(a, b)?));
        }
        binop::AND => Some(a & b),
        binop::OR => Some(a | b),
        binop::XOR => Some(a ^ b),
        binop::LSHIFT => {
            if b < 0 {
                return Err(vm::value_error("negative shift count"));
            }
            if b < 63 && (a << b) >> b == a {
                Some(a << b)
            } else {
                None
            }
        }
        binop::RSHIFT => {
            if b < 0 {
                return Err(vm::value_error("negative shift count"));
            }
            Some(if b >= 64 {
                if a < 0 {
                    -1
                } else {
                    0
                }
            } else {
                a >> b
            })
        }
        binop::POW => {
            if b < 0 {
                if a == 0 {
                    return Err(vm::zero_div("0.0 cannot be raised to a negative power"));
                }
                return Ok(new_float((a as f64).powf(b as f64)));
            }
            if b > u32::MAX as i64 {
                None
            } else {
                a.checked_pow(b as u32)
            }
        }
        _ => return Ok(Value::NOT_IMPLEMENTED),
    };
    match r {
        Some(v) => Ok(new_int(v)),
        None => big_binop(&BigInt::from(a), &BigInt::from(b), op),
    }
}

fn int_truediv(a: i64, b: i64) -> PyResult<f64> {
    if a.unsigned_abs() <= (1 << 53) && b.unsigned_abs() <= (1 << 53) {
        // both exact as floats: one IEEE division is correctly rounded
        Ok(a as f64 / b as f64)
    } else {
        big_truediv(&BigInt::from(a), &BigInt::from(b))
    }
}

/// `2.0**e` for `-1022 <= e <= 1023` (a normal float, built from its bits).
fn pow2(e: i64) -> f64 {
    f64::from_bits(((e + 1023) as u64) << 52)
}

/// `q * 2**e` for `q <= 2**53` when the result is representable (exact, also subnormal).
fn scale_exact(q: f64, e: i64) -> f64 {
    if e > 1000 {
        q * pow2(e - 1000) * pow2(1000)
    } else if e < -1000 {
        q * pow2(e + 1000) * pow2(-1000)
    } else {
        q * pow2(e)
    }
}

/// `a / b` for ints, correctly rounded (round-half-even) to a float as CPython does, also for
/// huge operands and subnormal results. `b` is nonzero.
fn big_truediv(a: &BigInt, b: &BigInt) -> PyResult<f64> {
    let neg = a.is_negative() != b.is_negative();
    let signed = |x: f64| if neg { -x } else { x };
    let (a, b) = (a.magnitude(), b.magnitude());
    if a.is_zero() {
        return Ok(signed(0.0));
    }
    // a/b lies in [2**(diff-1), 2**(diff+1))
    let diff = a.bits() as i64 - b.bits() as i64;
    if diff > 1024 {
        return Err(vm::overflow(
            "integer division result too large for a float",
        ));
    }
    if diff < -1076 {
        // below half the smallest subnormal
        return Ok(signed(0.0));
    }
    // scale so the integer quotient keeps at least 55 bits (53 + a rounding bit + a sticky
    // bit); for tiny results the grid is the subnormal one
    let shift = diff.max(-1021) - 55;
    let (mut q, r) = if shift >= 0 {
        let d = b << (shift as usize);
        a.div_rem(&d)
    } else {
        let n = a << ((-shift) as usize);
        n.div_rem(b)
    };
    if !r.is_zero() {
        q |= num_bigint::BigUint::from(1u8);
    }
    let nbits = q.bits() as i64;
    let k = (nbits - 53).max(-1074 - shift);
    let half = num_bigint::BigUint::from(1u8) << ((k - 1) as usize);
    let low = &q & ((&half << 1usize) - 1u8);
    let mut top = (&q >> (k as usize)).to_u64().unwrap_or(u64::MAX);
    if low > half || (low == half && top & 1 == 1) {
        top += 1;
    }
    let e = shift + k;
    // top <= 2**53: value = top * 2**e
    if (63 - top.leading_zeros() as i64) + e >= 1024 {
        return Err(vm::overflow(
            "integer division result too large for a float",
        ));
    }
    Ok(signed(scale_exact(top as f64, e)))
}

fn big_binop(a: &BigInt, b: &BigInt, op: u32) -> PyResult<Value> {
    Ok(match op {
        binop::ADD => new_bigint(a + b),
        binop::SUB => new_bigint(a - b),
        binop::MUL => new_bigint(a * b),
        binop::FLOORDIV => {
            if b.is_zero() {
                return Err(vm::zero_div("integer division or modulo by zero"));
            }
            new_bigint(a.div_floor(b))
        }
        binop::MOD => {
            if b.is_zero() {
                return Err(vm::zero_div("integer division or modulo by zero"));
            }
            new_bigint(a.mod_floor(b))
        }
        binop::TRUEDIV => {
            if b.is_zero() {
                return Err(vm::zero_div("division by zero"));
            }
            new_float(big_truediv(a, b)?)
        }
        binop::AND => new_bigint(a & b),
        binop::OR => new_bigint(a | b),
        binop::XOR => new_bigint(a ^ b),
        binop::LSHIFT => {
            let s = b.to_i64().unwrap_or(i64::MAX);
            if s < 0 {
                return Err(vm::value_error("negative shift count"));
            }
            if s > 1 << 32 {
                return Err(vm::overflow("too many digits in integer"));
            }
            new_bigint(a << (s as usize))
        }
        binop::RSHIFT => {
            let s = b.to_i64().unwrap_or(i64::MAX);
            if s < 0 {
                return Err(vm::value_error("negative shift count"));
            }
            new_bigint(a >> (s.min(1 << 40) as usize))
        }
        binop::POW => {
            if b.is_negative() {
                return Ok(new_float(
                    a.to_f64()
                        .unwrap_or(f64::INFINITY)
                        .powf(b.to_f64().unwrap_or(f64::NEG_INFINITY)),
                ));
            }
            let e = b
                .to_u32()
                .ok_or_else(|| vm::overflow("exponent too large"))?;
            new_bigint(num_traits::Pow::pow(a, e))
        }
        _ => Value::NOT_IMPLEMENTED,
    })
}

pub fn float_mod(a: f64, b: f64) -> f64 {
    let m = a % b;
    if m != 0.0 && ((b < 0.0) != (m < 0.0)) {
        m + b
    } else if m == 0.0 {
        0.0f64.copysign(b)
    } else {
        m
    }
}

fn float_binop(a: f64, b: f64, op: u32) -> PyResult<Value> {
    Ok(new_float(match op {
        binop::ADD => a + b,
        binop::SUB => a - b,
        binop::MUL => a * b,
        binop::TRUEDIV => {
            if b == 0.0 {
                return Err(vm::zero_div("float division by zero"));
            }
            a / b
        }
        binop::FLOORDIV => {
            if b == 0.0 {
                return Err(vm::zero_div("float floor division by zero"));
            }
            (a / b)
                .floor()
                .max(((a - float_mod(a, b)) / b).round().min((a / b).floor()))
        }
        binop::MOD => {
            if b == 0.0 {
                return Err(vm::zero_div("float modulo"));
            }
            float_mod(a, b)
        }
        binop::POW => {
            if a == 0.0 && b < 0.0 {
                return Err(vm::zero_div("0.0 cannot be raised to a negative power"));
            }
            if a < 0.0 && b.fract() != 0.0 {
                let (re, im) = complex_pow(a, 0.0, b, 0.0);
                return Ok(new_complex(re, im));
            }
            let r = a.powf(b);
            if r.is_infinite() && a.is_finite() && b.is_finite() {
                return Err(vm::overflow("(34, 'Numerical result out of range')"));
            }
            r
        }
        _ => return Ok(Value::NOT_IMPLEMENTED),
    }))
}

fn complex_pow(ar: f64, ai: f64, br: f64, bi: f64) -> (f64, f64) {
    if br == 0.0 && bi == 0.0 {
        return (1.0, 0.0);
    }
    let vabs = ar.hypot(ai);
    let len = vabs.powf(br);
    let at = ai.atan2(ar);
    let mut phase = at * br;
    let mut len2 = len;
    if bi != 0.0 {
        len2 /= (at * bi).exp();
        phase += bi * vabs.ln();
    }
    (len2 * phase.cos(), len2 * phase.sin())
}

fn complex_of(v: Value) -> Option<(f64, f64)> {
    if let Some(c) = as_complex(v) {
        return Some((c.re, c.im));
    }
    float_of(v).map(|f| (f, 0.0))
}

fn complex_binop(a: (f64, f64), b: (f64, f64), op: u32) -> PyResult<Value> {
    let (ar, ai) = a;
    let (br, bi) = b;
    let (r, i) = match op {
        binop::ADD => (ar + br, ai + bi),
        binop::SUB => (ar - br, ai - bi),
        binop::MUL => (ar * br - ai * bi, ar * bi + ai * br),
        binop::TRUEDIV => {
            let d = br * br + bi * bi;
            if d == 0.0 {
                return Err(vm::zero_div("complex division by zero"));
            }
            ((ar * br + ai * bi) / d, (ai * br - ar * bi) / d)
        }
        binop::POW => complex_pow(ar, ai, br, bi),
        _ => return Ok(Value::NOT_IMPLEMENTED),
    };
    Ok(new_complex(r, i))
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

fn seq_repeat(items: &[Value], n: i64) -> ArgVec {
    let n = n.max(0) as usize;
    let mut out = ArgVec::with_capacity(items.len() * n);
    for _ in 0..n {
        out.extend_from_slice(items);
    }
    out
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
    match (a.kind(), op) {
        (Some(Kind::Str), binop::ADD) => {
            if let Some(y) = as_str(b) {
                let x = as_str(a).unwrap();
                let mut s = String::with_capacity(x.s.len() + y.s.len());
                s.push_str(&x.s);
                s.push_str(&y.s);
                return Ok(new_string(s));
            }
        }
        (Some(Kind::Str), binop::MUL) => {
            if let Some(n) = int_of(b) {
                return Ok(new_string(as_str(a).unwrap().s.repeat(n.max(0) as usize)));
            }
        }
        (Some(Kind::Str), binop::MOD) => return crate::objects::format::percent_format(a, b),
        (Some(Kind::List), binop::ADD) => {
            if let Some(y) = as_list_exact(b) {
                let x = as_list_exact(a).unwrap();
                let mut v: ArgVec = x.as_slice().iter().copied().collect();
                v.extend_from_slice(y.as_slice());
                return Ok(new_list_from(&v));
            }
        }
        (Some(Kind::List), binop::MUL) => {
            if let Some(n) = int_of(b) {
                return Ok(new_list_from(&seq_repeat(
                    as_list_exact(a).unwrap().as_slice(),
                    n,
                )));
            }
        }
        (Some(Kind::Tuple), binop::ADD) => {
            if let Some(y) = as_tuple_exact(b) {
                let x = as_tuple_exact(a).unwrap();
                let mut v: ArgVec = x.as_slice().iter().copied().collect();
                v.extend_from_slice(y.as_slice());
                return Ok(new_tuple(&v));
            }
        }
        (Some(Kind::Tuple), binop::MUL) => {
            if let Some(n) = int_of(b) {
                return Ok(new_tuple(&seq_repeat(
                    as_tuple_exact(a).unwrap().as_slice(),
                    n,
                )));
            }
        }
        (Some(Kind::Bytes) | Some(Kind::ByteArray), binop::ADD) => {
            let x = as_bytes(a).or_else(|| as_bytearray(a)).unwrap();
            if let Some(y) = as_bytes(b).or_else(|| as_bytearray(b)) {
                let mut v = x.data().clone();
                v.extend_from_slice(y.data());
                return Ok(new_bytes(v, a.is_kind(Kind::ByteArray)));
            }
        }
        (Some(Kind::Bytes) | Some(Kind::ByteArray), binop::MUL) => {
            let x = as_bytes(a).or_else(|| as_bytearray(a)).unwrap();
            if let Some(n) = int_of(b) {
                return Ok(new_bytes(
                    x.data().repeat(n.max(0) as usize),
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
        (Some(Kind::Dict), binop::OR) => {
            if let Some(y) = as_dict(b) {
                let d = as_dict(a).unwrap().copy();
                for i in 0..y.entry_count() {
                    let k = y.key_at(i);
                    if !k.is_null() {
                        d.set_item_h(k, y.hash_at(i), y.val_at(i))?;
                    }
                }
                return Ok(Value::obj(d));
            }
        }
        _ => {}
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

fn is_py_instance(v: Value) -> bool {
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
                let v = seq_repeat(l.as_slice(), n);
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
        let items: ArgVec = src.as_slice().iter().copied().collect();
        for v in items {
            l.push(v);
        }
        return Ok(());
    }
    if let Some(t) = as_tuple_exact(it) {
        for &v in t.as_slice() {
            l.push(v);
        }
        return Ok(());
    }
    let iter = get_iter(it)?;
    while let Some(v) = next(iter)? {
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

// ---------------------------------------------------------------- truth, equality, order

#[inline]
pub fn truthy(v: Value) -> PyResult<bool> {
    if v == Value::TRUE {
        return Ok(true);
    }
    if v == Value::FALSE || v == Value::NONE {
        return Ok(false);
    }
    if v.is_int() {
        return Ok(v.as_int_unchecked() != 0);
    }
    match v.kind() {
        Some(Kind::Str) => Ok(as_str(v).unwrap().nchars != 0),
        Some(Kind::List) => Ok(!as_list_exact(v).unwrap().is_empty()),
        Some(Kind::Tuple) => Ok(!as_tuple_exact(v).unwrap().is_empty()),
        Some(Kind::Dict) => Ok(!as_dict_exact(v).unwrap().is_empty()),
        Some(Kind::Set) | Some(Kind::FrozenSet) => Ok(!as_set(v).unwrap().is_empty()),
        Some(Kind::Float) => Ok(as_float_obj(v).unwrap().v != 0.0),
        Some(Kind::BigInt) => Ok(!as_bigint(v).unwrap().v.is_zero()),
        Some(Kind::Complex) => {
            let c = as_complex(v).unwrap();
            Ok(c.re != 0.0 || c.im != 0.0)
        }
        Some(Kind::Bytes) | Some(Kind::ByteArray) => Ok(!as_bytes(v)
            .or_else(|| as_bytearray(v))
            .unwrap()
            .data()
            .is_empty()),
        Some(Kind::Range) => Ok(range_len(as_range(v).unwrap()) > 0),
        Some(Kind::Instance) => {
            let t = type_of(v);
            if let Some(m) = lookup_type(t, "__bool__") {
                let r = call(m, &[v])?;
                if r != Value::TRUE && r != Value::FALSE {
                    return Err(type_error(format!(
                        "__bool__ should return bool, returned {}",
                        vm::type_name(r)
                    )));
                }
                return Ok(r == Value::TRUE);
            }
            if let Some(m) = lookup_type(t, "__len__") {
                let r = call(m, &[v])?;
                return Ok(index_of(r)? != 0);
            }
            let p = payload(v);
            if p != v {
                return truthy(p);
            }
            Ok(true)
        }
        Some(Kind::Iter) => {
            let it = as_iter(v).unwrap();
            if it.n.get() < 0 {
                return Ok(len(v)? != 0);
            }
            Ok(true)
        }
        _ => Ok(true),
    }
}

/// `a == b` as a bool.
pub fn eq(a: Value, b: Value) -> PyResult<bool> {
    if a == b {
        // identity implies equality except for NaN floats
        if let Some(f) = as_float_obj(a) {
            return Ok(!f.v.is_nan());
        }
        return Ok(true);
    }
    let r = compare(a, b, 2)?;
    truthy(r)
}

fn seq_eq(x: &[Value], y: &[Value]) -> PyResult<bool> {
    if x.len() != y.len() {
        return Ok(false);
    }
    for i in 0..x.len() {
        if !eq(x[i], y[i])? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Lexicographic comparison of sequences with op (0..=5).
fn seq_cmp(x: &[Value], y: &[Value], op: u32) -> PyResult<Value> {
    let n = x.len().min(y.len());
    for i in 0..n {
        if !eq(x[i], y[i])? {
            if op == 2 {
                return Ok(Value::FALSE);
            }
            if op == 3 {
                return Ok(Value::TRUE);
            }
            return compare(x[i], y[i], op);
        }
    }
    let (a, b) = (x.len(), y.len());
    Ok(Value::bool(match op {
        0 => a < b,
        1 => a <= b,
        2 => a == b,
        3 => a != b,
        4 => a > b,
        _ => a >= b,
    }))
}

fn ord_result<T: PartialOrd>(a: T, b: T, op: u32) -> Value {
    Value::bool(match op {
        0 => a < b,
        1 => a <= b,
        2 => a == b,
        3 => a != b,
        4 => a > b,
        _ => a >= b,
    })
}

const CMP_NAMES: [&str; 6] = ["__lt__", "__le__", "__eq__", "__ne__", "__gt__", "__ge__"];
const CMP_SWAP: [u32; 6] = [4, 5, 2, 3, 0, 1];
const CMP_SYMS: [&str; 6] = ["<", "<=", "==", "!=", ">", ">="];

fn int_float_cmp(i: &BigInt, f: f64, op: u32) -> Value {
    if f.is_nan() {
        return Value::bool(op == 3);
    }
    if f.is_infinite() {
        return ord_result(0.0, f, op);
    }
    let fl = f.floor();
    let fb = num_bigint::BigInt::from(fl as i128);
    let fb = if fl.abs() < 1e38 {
        fb
    } else {
        num_traits::FromPrimitive::from_f64(fl).unwrap_or(fb)
    };
    match i.cmp(&fb) {
        std::cmp::Ordering::Less => ord_result(0, 1, op),
        std::cmp::Ordering::Greater => ord_result(1, 0, op),
        std::cmp::Ordering::Equal => ord_result(0.0, f - fl, op),
    }
}

/// Rich comparison `a op b` (op: 0 <, 1 <=, 2 ==, 3 !=, 4 >, 5 >=).
pub fn compare(a: Value, b: Value, op: u32) -> PyResult<Value> {
    if a.is_int() && b.is_int() {
        return Ok(ord_result(a.as_int_unchecked(), b.as_int_unchecked(), op));
    }
    if let (Some(x), Some(y)) = (as_float_obj(a), as_float_obj(b)) {
        return Ok(ord_result(x.v, y.v, op));
    }
    if let (Some(x), Some(y)) = (as_str(a), as_str(b)) {
        return Ok(ord_result(&*x.s, &*y.s, op));
    }
    // user dunders
    if is_py_instance(a) || is_py_instance(b) {
        let ta = type_of(a);
        let tb = type_of(b);
        let b_sub = !Gc::ptr_eq(ta, tb) && vm::is_subclass(tb, ta) && as_instance(b).is_some();
        if b_sub {
            if let Some(m) = lookup_type_user(tb, CMP_NAMES[CMP_SWAP[op as usize] as usize]) {
                let r = call(m, &[b, a])?;
                if r != Value::NOT_IMPLEMENTED {
                    return Ok(r);
                }
            }
        }
        if as_instance(a).is_some() {
            if let Some(m) = lookup_type_user(ta, CMP_NAMES[op as usize]) {
                let r = call(m, &[a, b])?;
                if r != Value::NOT_IMPLEMENTED {
                    return Ok(r);
                }
            } else if op == 3 {
                if let Some(m) = lookup_type_user(ta, "__eq__") {
                    let r = call(m, &[a, b])?;
                    if r != Value::NOT_IMPLEMENTED {
                        return Ok(Value::bool(!truthy(r)?));
                    }
                }
            }
        }
        if as_instance(b).is_some() && !b_sub {
            if let Some(m) = lookup_type_user(tb, CMP_NAMES[CMP_SWAP[op as usize] as usize]) {
                let r = call(m, &[b, a])?;
                if r != Value::NOT_IMPLEMENTED {
                    return Ok(r);
                }
            }
        }
    }
    let pa = payload(a);
    let pb = payload(b);
    let r = builtin_compare(pa, pb, op)?;
    if r != Value::NOT_IMPLEMENTED {
        return Ok(r);
    }
    match op {
        2 => Ok(Value::bool(a == b)),
        3 => Ok(Value::bool(a != b)),
        _ => Err(type_error(format!(
            "'{}' not supported between instances of '{}' and '{}'",
            CMP_SYMS[op as usize],
            vm::type_name(a),
            vm::type_name(b)
        ))),
    }
}

fn builtin_compare(a: Value, b: Value, op: u32) -> PyResult<Value> {
    if let (Some(x), Some(y)) = (int_of(a), int_of(b)) {
        return Ok(ord_result(x, y, op));
    }
    let ak = a.kind();
    let bk = b.kind();
    let anum = is_number(a);
    let bnum = is_number(b);
    if anum && bnum {
        if ak == Some(Kind::Complex) || bk == Some(Kind::Complex) {
            let (x, y) = (complex_of(a).unwrap(), complex_of(b).unwrap());
            return match op {
                2 => Ok(Value::bool(x == y)),
                3 => Ok(Value::bool(x != y)),
                _ => Ok(Value::NOT_IMPLEMENTED),
            };
        }
        if ak == Some(Kind::Float) || bk == Some(Kind::Float) {
            let exact =
                |v: Value| int_of(v).is_some_and(|i| i.abs() <= 1 << 53) || v.is_kind(Kind::Float);
            if exact(a) && exact(b) {
                return Ok(ord_result(float_of(a).unwrap(), float_of(b).unwrap(), op));
            }
            if ak != Some(Kind::Float) {
                return Ok(int_float_cmp(&big_of(a).unwrap(), float_of(b).unwrap(), op));
            }
            if bk != Some(Kind::Float) {
                return Ok(int_float_cmp(
                    &big_of(b).unwrap(),
                    float_of(a).unwrap(),
                    CMP_SWAP[op as usize],
                ));
            }
            return Ok(ord_result(float_of(a).unwrap(), float_of(b).unwrap(), op));
        }
        return Ok(ord_result(big_of(a).unwrap(), big_of(b).unwrap(), op));
    }
    match (ak, bk) {
        (Some(Kind::Str), Some(Kind::Str)) => {
            return Ok(ord_result(
                &*as_str(a).unwrap().s,
                &*as_str(b).unwrap().s,
                op,
            ))
        }
        (Some(Kind::List), Some(Kind::List)) => {
            let x: ArgVec = as_list_exact(a)
                .unwrap()
                .as_slice()
                .iter()
                .copied()
                .collect();
            let y: ArgVec = as_list_exact(b)
                .unwrap()
                .as_slice()
                .iter()
                .copied()
                .collect();
            if op == 2 || op == 3 {
                let e = seq_eq(&x, &y)?;
                return Ok(Value::bool(e == (op == 2)));
            }
            return seq_cmp(&x, &y, op);
        }
        (Some(Kind::Tuple), Some(Kind::Tuple)) => {
            let x = as_tuple_exact(a).unwrap();
            let y = as_tuple_exact(b).unwrap();
            if op == 2 || op == 3 {
                let e = seq_eq(x.as_slice(), y.as_slice())?;
                return Ok(Value::bool(e == (op == 2)));
            }
            return seq_cmp(x.as_slice(), y.as_slice(), op);
        }
        (Some(Kind::Dict), Some(Kind::Dict)) if op == 2 || op == 3 => {
            let x = as_dict_exact(a).unwrap();
            let y = as_dict_exact(b).unwrap();
            let mut e = x.len() == y.len();
            if e {
                for i in 0..x.entry_count() {
                    let k = x.key_at(i);
                    if k.is_null() {
                        continue;
                    }
                    match y.get_h(k, x.hash_at(i))? {
                        Some(v) => {
                            if !eq(x.val_at(i), v)? {
                                e = false;
                                break;
                            }
                        }
                        None => {
                            e = false;
                            break;
                        }
                    }
                }
            }
            return Ok(Value::bool(e == (op == 2)));
        }
        (Some(Kind::Set) | Some(Kind::FrozenSet), Some(Kind::Set) | Some(Kind::FrozenSet)) => {
            let x = as_set(a).unwrap();
            let y = as_set(b).unwrap();
            let sub = |p: Gc<SetObj>, q: Gc<SetObj>| -> PyResult<bool> {
                for i in 0..p.capacity() {
                    let k = p.slot(i);
                    if !k.is_null() && !q.contains(k)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            };
            let r = match op {
                0 => x.len() < y.len() && sub(x, y)?,
                1 => sub(x, y)?,
                2 => x.len() == y.len() && sub(x, y)?,
                3 => !(x.len() == y.len() && sub(x, y)?),
                4 => x.len() > y.len() && sub(y, x)?,
                _ => sub(y, x)?,
            };
            return Ok(Value::bool(r));
        }
        (Some(Kind::Bytes) | Some(Kind::ByteArray), Some(Kind::Bytes) | Some(Kind::ByteArray)) => {
            return Ok(ord_result(
                bytes_like(a).unwrap(),
                bytes_like(b).unwrap(),
                op,
            ));
        }
        (Some(Kind::Range), Some(Kind::Range)) if op == 2 || op == 3 => {
            let x = as_range(a).unwrap();
            let y = as_range(b).unwrap();
            let (lx, ly) = (range_len(x), range_len(y));
            let e = lx == ly && (lx == 0 || (x.start == y.start && (lx == 1 || x.step == y.step)));
            return Ok(Value::bool(e == (op == 2)));
        }
        (Some(Kind::Iter), Some(Kind::Iter)) if op == 2 || op == 3 => {
            // dict views
            let x = crate::objects::iter::view_to_set(a)?;
            let y = crate::objects::iter::view_to_set(b)?;
            if let (Some(x), Some(y)) = (x, y) {
                return builtin_compare(x, y, op);
            }
        }
        (Some(Kind::Iter), Some(Kind::Set) | Some(Kind::FrozenSet)) => {
            if let Some(x) = crate::objects::iter::view_to_set(a)? {
                return builtin_compare(x, b, op);
            }
        }
        _ => {}
    }
    Ok(Value::NOT_IMPLEMENTED)
}

// ---------------------------------------------------------------- hashing

const HASH_MOD: u64 = (1 << 61) - 1;

pub fn int_hash(i: i64) -> i64 {
    let neg = i < 0;
    let m = (i.unsigned_abs() % HASH_MOD) as i64;
    let h = if neg { -m } else { m };
    if h == -1 {
        -2
    } else {
        h
    }
}

fn big_hash(b: &BigInt) -> i64 {
    let m = BigInt::from(HASH_MOD);
    let r = (b.abs() % &m).to_i64().unwrap();
    let h = if b.is_negative() { -r } else { r };
    if h == -1 {
        -2
    } else {
        h
    }
}

pub fn float_hash(f: f64) -> i64 {
    if f.is_nan() {
        return 0;
    }
    if f.is_infinite() {
        return if f > 0.0 { 314159 } else { -314159 };
    }
    if f.fract() == 0.0 && f.abs() < 9.2e18 {
        return int_hash(f as i64);
    }
    // CPython's algorithm: reduce the mantissa modulo 2**61 - 1
    let (mut m, mut e) = frexp(f.abs());
    let mut x: u64 = 0;
    while m != 0.0 {
        x = ((x << 28) & HASH_MOD) | (x >> (61 - 28));
        m *= 268435456.0;
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        x += y;
        if x >= HASH_MOD {
            x -= HASH_MOD;
        }
    }
    let e = if e >= 0 {
        e % 61
    } else {
        61 - 1 - ((-1 - e) % 61)
    };
    x = ((x << e) & HASH_MOD) | (x >> (61 - e));
    let mut h = x as i64;
    if f < 0.0 {
        h = -h;
    }
    if h == -1 {
        -2
    } else {
        h
    }
}

pub fn frexp(f: f64) -> (f64, i32) {
    if f == 0.0 || !f.is_finite() {
        return (f, 0);
    }
    let bits = f.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        let (m, e) = frexp(f * (1u64 << 54) as f64);
        return (m, e - 54);
    }
    let e = exp - 1022;
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, e)
}

pub fn str_hash(s: &str) -> i64 {
    // FNV-1a variant over bytes, folded to avoid -1
    let mut h: u64 = 0xcbf29ce484222325;
    for &b in s.as_bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h ^= h >> 29;
    let h = h as i64;
    if h == -1 {
        -2
    } else {
        h
    }
}

fn tuple_hash(items: &[Value]) -> PyResult<i64> {
    const P1: u64 = 11400714785074694791;
    const P2: u64 = 14029467366897019727;
    const P5: u64 = 2870177450012600261;
    let mut acc: u64 = P5;
    for &v in items {
        let lane = hash(v)? as u64;
        acc = acc.wrapping_add(lane.wrapping_mul(P2));
        acc = acc.rotate_left(31);
        acc = acc.wrapping_mul(P1);
    }
    acc = acc.wrapping_add((items.len() as u64) ^ (P5 ^ 3527539));
    if acc == u64::MAX {
        return Ok(1546275796);
    }
    Ok(acc as i64)
}

/// `hash(v)`.
#[inline]
pub fn hash(v: Value) -> PyResult<i64> {
    if v.is_int() {
        return Ok(int_hash(v.as_int_unchecked()));
    }
    if let Some(s) = as_str(v) {
        let h = s.hash.get();
        if h != 0 {
            return Ok(h);
        }
        let h = str_hash(&s.s);
        s.hash.set(h);
        return Ok(h);
    }
    hash_slow(v)
}

fn hash_slow(v: Value) -> PyResult<i64> {
    match v {
        Value::TRUE => return Ok(1),
        Value::FALSE => return Ok(0),
        Value::NONE => return Ok(0x5f3759df),
        _ => {}
    }
    match v.kind() {
        Some(Kind::Float) => Ok(float_hash(as_float_obj(v).unwrap().v)),
        Some(Kind::BigInt) => Ok(big_hash(&as_bigint(v).unwrap().v)),
        Some(Kind::Tuple) => tuple_hash(as_tuple_exact(v).unwrap().as_slice()),
        Some(Kind::FrozenSet) => {
            let s = as_set(v).unwrap();
            let mut h: u64 = 0;
            for i in 0..s.capacity() {
                if !s.slot(i).is_null() {
                    let x = s.hash_at(i) as u64;
                    h ^= (x ^ (x << 16) ^ 89869747).wrapping_mul(3644798167);
                }
            }
            h ^= (s.len() as u64 + 1).wrapping_mul(1927868237);
            Ok(h as i64)
        }
        Some(Kind::Bytes) => Ok(str_hash(&String::from_utf8_lossy(
            as_bytes(v).unwrap().data(),
        ))),
        Some(Kind::Complex) => {
            let c = as_complex(v).unwrap();
            Ok(float_hash(c.re).wrapping_add(float_hash(c.im).wrapping_mul(1000003)))
        }
        Some(Kind::List) | Some(Kind::Dict) | Some(Kind::Set) | Some(Kind::ByteArray) => Err(
            type_error(format!("unhashable type: '{}'", vm::type_name(v))),
        ),
        Some(Kind::Instance) => {
            let t = type_of(v);
            match lookup_type(t, "__hash__") {
                Some(m) if m == Value::NONE => Err(type_error(format!(
                    "unhashable type: '{}'",
                    vm::type_name(v)
                ))),
                Some(m) if as_builtin(m).is_none_or(|b| b.name != "object.__hash__") => {
                    let r = call(m, &[v])?;
                    let i = index_of(r)?;
                    Ok(if i == -1 { -2 } else { i })
                }
                _ => {
                    let p = payload(v);
                    if p != v {
                        return hash(p);
                    }
                    Ok(identity(v))
                }
            }
        }
        _ => Ok(identity(v)),
    }
}

thread_local! {
    static NEXT_IDENT: Cell<u64> = const { Cell::new(0) };
}

/// A stable identity for `id()` and the default `__hash__`: instances get a number on first
/// use, kept in the object (a young object's address changes when the collector promotes
/// it, which would lose dict keys and change `id()`); other heap objects use their address,
/// which `Gc::stable_addr` keeps fixed from then on (the collector pins them in place instead
/// of moving them); immediates use their bits.
pub fn identity(v: Value) -> i64 {
    if let Some(inst) = as_instance(v) {
        let id = inst.ident.get();
        if id != 0 {
            return id as i64;
        }
        let n = NEXT_IDENT.with(|c| {
            let n = c.get() + 1;
            c.set(n);
            n
        });
        // shaped like an address (a high base, 16-byte steps) so ids look familiar
        let id = (1u64 << 44) + (n << 4);
        inst.ident.set(id);
        return id as i64;
    }
    (stable_bits(v) >> 4) as i64
}

/// `id(v)`: the identity above, shaped like CPython's (an address-like positive number).
pub fn id_of(v: Value) -> i64 {
    if as_instance(v).is_some() {
        return identity(v);
    }
    (stable_bits(v) >> 3) as i64 & ((1 << 60) - 1)
}

/// The value's bits, with a heap object's address fixed for the rest of its life.
fn stable_bits(v: Value) -> u64 {
    if v.is_ptr() {
        // SAFETY: a pointer value addresses a live GC object; `stable_addr` only reads its
        // header and records the address.
        unsafe { v.as_gc::<u8>() }.stable_addr() as u64
    } else {
        v.0
    }
}

// ---------------------------------------------------------------- repr / str

thread_local! {
    static REPR_DEPTH: Cell<usize> = const { Cell::new(0) };
}

pub fn repr(v: Value) -> PyResult<String> {
    let mut s = String::new();
    repr_into(v, &mut s)?;
    Ok(s)
}

pub fn str_repr(s: &str) -> String {
    let q = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(q);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == q => {
                out.push('\\');
                out.push(c)
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if !is_printable(c) => {
                let n = c as u32;
                if n < 0x100 {
                    out.push_str(&format!("\\x{n:02x}"));
                } else if n < 0x10000 {
                    out.push_str(&format!("\\u{n:04x}"));
                } else {
                    out.push_str(&format!("\\U{n:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push(q);
    out
}

fn is_printable(c: char) -> bool {
    let n = c as u32;
    const NON: &[(u32, u32)] = &[
        (0x80, 0xa0),
        (0xad, 0xad),
        (0x600, 0x605),
        (0x61c, 0x61c),
        (0x6dd, 0x6dd),
        (0x70f, 0x70f),
        (0x1680, 0x1680),
        (0x180e, 0x180e),
        (0x2000, 0x200f),
        (0x2028, 0x202f),
        (0x205f, 0x2064),
        (0x2066, 0x206f),
        (0x3000, 0x3000),
        (0xd800, 0xf8ff),
        (0xfeff, 0xfeff),
        (0xfff0, 0xfffb),
        (0xfffe, 0xffff),
        (0x110bd, 0x110bd),
        (0x1d173, 0x1d17a),
        (0xe0000, 0xe0fff),
        (0xf0000, 0x10ffff),
    ];
    !NON.iter().any(|&(a, b)| n >= a && n <= b)
}

pub fn bytes_repr(b: &[u8], prefix: &str) -> String {
    let q = if b.contains(&b'\'') && !b.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::from(prefix);
    out.push(q);
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            c if c as char == q => {
                out.push('\\');
                out.push(c as char)
            }
            0x20..=0x7e => out.push(c as char),
            c => out.push_str(&format!("\\x{c:02x}")),
        }
    }
    out.push(q);
    out
}

fn seq_repr(items: &[Value], open: &str, close: &str, out: &mut String) -> PyResult<()> {
    out.push_str(open);
    for (i, &x) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        repr_into(x, out)?;
    }
    out.push_str(close);
    Ok(())
}

pub fn repr_into(v: Value, out: &mut String) -> PyResult<()> {
    if let Some(i) = v.as_small() {
        out.push_str(itoa(i).as_str());
        return Ok(());
    }
    match v {
        Value::NONE => {
            out.push_str("None");
            return Ok(());
        }
        Value::TRUE => {
            out.push_str("True");
            return Ok(());
        }
        Value::FALSE => {
            out.push_str("False");
            return Ok(());
        }
        Value::NOT_IMPLEMENTED => {
            out.push_str("NotImplemented");
            return Ok(());
        }
        Value::ELLIPSIS => {
            out.push_str("Ellipsis");
            return Ok(());
        }
        _ => {}
    }
    let depth = REPR_DEPTH.with(|d| d.get());
    if depth > 200 {
        return Err(vm::exc(
            C::RecursionError,
            "maximum recursion depth exceeded while getting the repr of an object",
        ));
    }
    REPR_DEPTH.with(|d| d.set(depth + 1));
    let r = repr_inner(v, out);
    REPR_DEPTH.with(|d| d.set(depth));
    r
}

thread_local! {
    static REPR_STACK: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn repr_guard(
    v: Value,
    out: &mut String,
    placeholder: &str,
    f: impl FnOnce(&mut String) -> PyResult<()>,
) -> PyResult<()> {
    let seen = REPR_STACK.with(|s| s.borrow().contains(&v.0));
    if seen {
        out.push_str(placeholder);
        return Ok(());
    }
    REPR_STACK.with(|s| s.borrow_mut().push(v.0));
    let r = f(out);
    REPR_STACK.with(|s| s.borrow_mut().pop());
    r
}

fn repr_inner(v: Value, out: &mut String) -> PyResult<()> {
    match v.kind().unwrap() {
        Kind::Str => out.push_str(&str_repr(&as_str(v).unwrap().s)),
        Kind::Float => out.push_str(&crate::objects::format::float_repr(
            as_float_obj(v).unwrap().v,
        )),
        Kind::BigInt => out.push_str(&as_bigint(v).unwrap().v.to_string()),
        Kind::Complex => {
            let c = as_complex(v).unwrap();
            out.push_str(&crate::objects::format::complex_repr(c.re, c.im))
        }
        Kind::List => {
            let l = as_list_exact(v).unwrap();
            repr_guard(v, out, "[...]", |out| {
                let items: ArgVec = l.as_slice().iter().copied().collect();
                seq_repr(&items, "[", "]", out)
            })?
        }
        Kind::Tuple => {
            let t = as_tuple_exact(v).unwrap();
            if t.len() == 1 {
                out.push('(');
                repr_into(t.as_slice()[0], out)?;
                out.push_str(",)");
            } else {
                seq_repr(t.as_slice(), "(", ")", out)?;
            }
        }
        Kind::Dict => {
            let d = as_dict_exact(v).unwrap();
            repr_guard(v, out, "{...}", |out| {
                out.push('{');
                let mut first = true;
                let mut i = 0;
                while i < d.entry_count() {
                    let k = d.key_at(i);
                    if !k.is_null() {
                        if !first {
                            out.push_str(", ");
                        }
                        first = false;
                        repr_into(k, out)?;
                        out.push_str(": ");
                        repr_into(d.val_at(i), out)?;
                    }
                    i += 1;
                }
                out.push('}');
                Ok(())
            })?
        }
        Kind::Set | Kind::FrozenSet => {
            let s = as_set(v).unwrap();
            let frozen = v.is_kind(Kind::FrozenSet);
            if s.is_empty() {
                out.push_str(if frozen { "frozenset()" } else { "set()" });
            } else {
                if frozen {
                    out.push_str("frozenset(");
                }
                let items = s.items();
                let l = as_list_exact(items).unwrap();
                let items: ArgVec = l.as_slice().iter().copied().collect();
                seq_repr(&items, "{", "}", out)?;
                if frozen {
                    out.push(')');
                }
            }
        }
        Kind::Bytes => out.push_str(&bytes_repr(as_bytes(v).unwrap().data(), "b")),
        Kind::ByteArray => {
            out.push_str("bytearray(");
            out.push_str(&bytes_repr(as_bytearray(v).unwrap().data(), "b"));
            out.push(')');
        }
        Kind::Range => {
            let r = as_range(v).unwrap();
            if r.step == 1 {
                out.push_str(&format!("range({}, {})", r.start, r.stop));
            } else {
                out.push_str(&format!("range({}, {}, {})", r.start, r.stop, r.step));
            }
        }
        Kind::Slice => {
            let s = as_slice(v).unwrap();
            out.push_str("slice(");
            repr_into(s.start, out)?;
            out.push_str(", ");
            repr_into(s.stop, out)?;
            out.push_str(", ");
            repr_into(s.step, out)?;
            out.push(')');
        }
        Kind::Function => {
            let f = as_function(v).unwrap();
            out.push_str(&format!(
                "<function {} at 0x{:x}>",
                str_of(f.qualname.get())?,
                v.0
            ));
        }
        Kind::Builtin => {
            let b = as_builtin(v).unwrap();
            out.push_str(&format!(
                "<built-in function {}>",
                b.name.rsplit('.').next().unwrap_or(b.name)
            ));
        }
        Kind::BoundMethod => {
            let b = as_bound(v).unwrap();
            let name = getattr(b.func, intern("__qualname__"))
                .or_else(|_| getattr(b.func, intern("__name__")))?;
            out.push_str(&format!(
                "<bound method {} of {}>",
                str_of(name)?,
                repr(b.slf)?
            ));
        }
        Kind::Class => {
            if let Some(m) = meta_dunder(v, "__repr__") {
                let r = call(m, &[v])?;
                let Some(rs) = as_str(r) else {
                    return Err(type_error(format!(
                        "__repr__ returned non-string (type {})",
                        vm::type_name(r)
                    )));
                };
                out.push_str(&rs.s);
                return Ok(());
            }
            let c = as_class(v).unwrap();
            let module = c.dict.get_str("__module__");
            let qual = c.dict.get_str("__qualname__").unwrap_or(c.name.get());
            match module {
                Some(m) if !crate::objects::str_eq(m, "builtins") => {
                    out.push_str(&format!("<class '{}.{}'>", str_of(m)?, str_of(qual)?))
                }
                _ => out.push_str(&format!("<class '{}'>", str_of(c.name.get())?)),
            }
        }
        Kind::Module => {
            let m = as_module(v).unwrap();
            out.push_str(&format!("<module '{}'>", str_of(m.name)?));
        }
        Kind::Generator => {
            let g = as_generator(v).unwrap();
            out.push_str(&format!(
                "<generator object {} at 0x{:x}>",
                str_of(g.name)?,
                v.0
            ));
        }
        Kind::Instance => {
            let t = type_of(v);
            if let Some(m) = lookup_type(t, "__repr__") {
                let r = call(m, &[v])?;
                match as_str(r) {
                    Some(s) => out.push_str(&s.s),
                    None => {
                        return Err(type_error(format!(
                            "__repr__ returned non-string (type {})",
                            vm::type_name(r)
                        )))
                    }
                }
            } else {
                out.push_str(&default_repr(v)?);
            }
        }
        Kind::Iter => {
            let it = as_iter(v).unwrap();
            if it.n.get() < 0 {
                let name = vm::type_name(v);
                let l = crate::objects::native::list_of(v)?;
                out.push_str(&name);
                out.push('(');
                repr_into(l, out)?;
                out.push(')');
            } else {
                out.push_str(&format!("<{} object at 0x{:x}>", vm::type_name(v), v.0));
            }
        }
        Kind::Property
        | Kind::ClassMethod
        | Kind::StaticMethod
        | Kind::Super
        | Kind::Frame
        | Kind::Cell
        | Kind::Code => {
            out.push_str(&format!("<{} object at 0x{:x}>", vm::type_name(v), v.0));
        }
    }
    Ok(())
}

pub fn default_repr(v: Value) -> PyResult<String> {
    let t = type_of(v);
    let module = t.dict.get_str("__module__");
    let qual = t.dict.get_str("__qualname__").unwrap_or(t.name.get());
    Ok(match module {
        Some(m) if !crate::objects::str_eq(m, "builtins") => {
            format!("<{}.{} object at 0x{:x}>", str_of(m)?, str_of(qual)?, v.0)
        }
        _ => format!("<{} object at 0x{:x}>", str_of(qual)?, v.0),
    })
}

fn itoa(i: i64) -> String {
    i.to_string()
}

/// `str(v)` as a Rust string.
pub fn str_of(v: Value) -> PyResult<String> {
    if let Some(s) = as_str(v) {
        return Ok(s.s.to_string());
    }
    if let Some(i) = v.as_small() {
        return Ok(itoa(i));
    }
    if let Some(inst) = as_instance(v) {
        let t = inst.cls.get();
        if let Some(m) = lookup_type(t, "__str__") {
            let bname = as_builtin(m).map(|b| b.name);
            if bname == Some("str.__str__") {
                if let Some(s) = as_str(payload(v)) {
                    return Ok(s.s.to_string());
                }
            }
            if bname != Some("object.__str__") {
                let r = call(m, &[v])?;
                return match as_str(r) {
                    Some(s) => Ok(s.s.to_string()),
                    None => Err(type_error(format!(
                        "__str__ returned non-string (type {})",
                        vm::type_name(r)
                    ))),
                };
            }
        }
        let p = payload(v);
        if p != v && lookup_type_user(t, "__repr__").is_none() {
            return str_of(p);
        }
    }
    repr(v)
}

/// `str(v)` as a value (no copy for strings).
pub fn to_str(v: Value) -> PyResult<Value> {
    if v.is_kind(Kind::Str) {
        return Ok(v);
    }
    Ok(new_string(str_of(v)?))
}

pub fn exc_message(e: Value) -> String {
    str_of(e).unwrap_or_default()
}

// ---------------------------------------------------------------- attributes

/// Looks `name` up along the MRO of class `c` (class attributes only).
#[inline]
pub fn lookup_mro(c: Gc<ClassObj>, name: Value) -> Option<Value> {
    let mro = as_tuple_exact(c.mro.get())?;
    let h = hash(name).ok()?;
    for &k in mro.as_slice() {
        let kc = as_class(k)?;
        if let Ok(Some(v)) = kc.dict.get_h(name, h) {
            return Some(v);
        }
    }
    None
}

pub fn lookup_type(c: Gc<ClassObj>, name: &str) -> Option<Value> {
    lookup_mro(c, intern(name))
}

/// A special method defined by the Python metaclass of class `v` (None for plain classes).
fn meta_dunder(v: Value, name: &str) -> Option<Value> {
    let c = as_class(v)?;
    let m = as_class(c.metaclass.get())?;
    lookup_type_user(m, name)
}

/// Like `lookup_type`, but ignores attributes provided by built-in classes.
pub fn lookup_type_user(c: Gc<ClassObj>, name: &str) -> Option<Value> {
    let mro = as_tuple_exact(c.mro.get())?;
    let key = intern(name);
    for &k in mro.as_slice() {
        let kc = as_class(k)?;
        if kc.flags.get() & CF_BUILTIN != 0 {
            continue;
        }
        if let Some(v) = kc.dict.get_str(name) {
            return Some(v);
        }
    }
    let _ = key;
    None
}

/// Map id of an instance in *dict mode*: once Python code asks for `obj.__dict__`, the
/// attributes move into a real dict kept in `slots[0]` (so the dict is live: writes through
/// it are attribute writes and vice versa). Never a valid map index, so the map-keyed inline
/// caches never hit for such instances and fall back to the functions below.
pub const DICT_MAP: u32 = u32::MAX;

/// The attribute dict of an instance in dict mode.
#[inline]
fn mode_dict(inst: Gc<InstanceObj>) -> Option<Gc<DictObj>> {
    if inst.map.get() == DICT_MAP {
        as_dict_exact(inst.slots.get().get(0))
    } else {
        None
    }
}

pub fn instance_get(inst: Gc<InstanceObj>, name: Value) -> Option<Value> {
    if let Some(d) = mode_dict(inst) {
        return d.get(name).ok().flatten();
    }
    let sym = vm::sym_of(name);
    let slot = vm::map_lookup(inst.map.get(), sym)?;
    let v = inst.slots.get().get(slot);
    if v.is_null() {
        None
    } else {
        Some(v)
    }
}

pub fn instance_set(inst: Gc<InstanceObj>, name: Value, v: Value) {
    if let Some(d) = mode_dict(inst) {
        if !str_eq(name, "__dict__") || as_dict(v).is_none() {
            // str keys hash without failing
            let _ = d.set_item(name, v);
            return;
        }
    }
    let sym = vm::sym_of(name);
    let m = inst.map.get();
    if let Some(slot) = vm::map_lookup(m, sym) {
        inst.slots.get().set(slot, v);
        return;
    }

    if str_eq(name, "__dict__") {
        // `obj.__dict__ = d` reaching here through the STORE_ATTR fast path
        if let Some(d) = as_dict(v) {
            let own = if v.is_kind(Kind::Dict) { d } else { d.copy() };
            set_instance_dict(inst, own);
            return;
        }
    }
    let nm = vm::map_add(m, sym);
    let slots = inst.slots.get();
    let n = slots.len();
    let need = vm::map_len(nm);
    let c = inst.cls.get();
    if need as u32 > c.nslots_hint.get() && need <= 64 {
        c.nslots_hint.set(need as u32);
    }
    if need > n {
        let arr = gc::alloc_array((n * 2).max(need).max(4), Value::NULL);
        for i in 0..n {
            arr.set(i, slots.get(i));
        }
        inst.slots.set(arr);
    }
    inst.slots.get().set(need - 1, v);
    inst.map.set(nm);
}

pub fn instance_del(inst: Gc<InstanceObj>, name: Value) -> bool {
    if let Some(d) = mode_dict(inst) {
        return d.remove(name).ok().flatten().is_some();
    }
    let sym = vm::sym_of(name);
    let m = inst.map.get();
    if vm::map_lookup(m, sym).is_none() {
        return false;
    }
    let (nm, keep) = vm::map_without(m, sym);
    let old = inst.slots.get();
    let arr = gc::alloc_array(keep.len().max(4), Value::NULL);
    for (j, &i) in keep.iter().enumerate() {
        arr.set(j, old.get(i));
    }
    inst.slots.set(arr);
    inst.map.set(nm);
    true
}

/// The instance's attribute dict (`obj.__dict__`): switches the instance to dict mode
/// (see [`DICT_MAP`]) so the returned dict stays the instance's storage.
pub fn instance_dict(inst: Gc<InstanceObj>) -> Value {
    if let Some(d) = mode_dict(inst) {
        return Value::obj(d);
    }
    let d = new_dict();
    for (i, sym) in vm::map_names(inst.map.get()).into_iter().enumerate() {
        let v = inst.slots.get().get(i);
        if !v.is_null() {
            let _ = d.set_item(vm::sym_str(sym), v);
        }
    }
    set_instance_dict(inst, d);
    Value::obj(d)
}

/// `obj.__dict__ = d`: the instance keeps its attributes in `d` from now on.
pub fn set_instance_dict(inst: Gc<InstanceObj>, d: Gc<DictObj>) {
    let arr = gc::alloc_array(1, Value::NULL);
    arr.set(0, Value::obj(d));
    inst.slots.set(arr);
    inst.map.set(DICT_MAP);
}

/// Names of the instance's attributes (for `dir`).
pub fn instance_attr_names(inst: Gc<InstanceObj>) -> Vec<Value> {
    if let Some(d) = mode_dict(inst) {
        return (0..d.entry_count())
            .map(|i| d.key_at(i))
            .filter(|k| !k.is_null() && k.is_kind(Kind::Str))
            .collect();
    }
    vm::map_names(inst.map.get())
        .into_iter()
        .map(vm::sym_str)
        .collect()
}

fn is_data_descriptor(d: Value) -> bool {
    match d.kind() {
        Some(Kind::Property) => true,
        Some(Kind::Instance) => {
            lookup_type(type_of(d), "__set__").is_some()
                || lookup_type(type_of(d), "__delete__").is_some()
        }
        _ => false,
    }
}

/// Binds a class attribute found for instance `obj` (functions become bound methods).
#[inline]
pub fn bind_descr(d: Value, obj: Value, owner: Gc<ClassObj>) -> PyResult<Value> {
    match d.kind() {
        Some(Kind::Function) | Some(Kind::Builtin) => Ok(new_bound(d, obj)),
        Some(Kind::ClassMethod) => Ok(new_bound(as_classmethod(d).unwrap().f, Value::obj(owner))),
        Some(Kind::StaticMethod) => Ok(as_staticmethod(d).unwrap().f),
        Some(Kind::Property) => {
            let p = as_property(d).unwrap();
            if p.fget.is_null() || p.fget.is_none() {
                return Err(vm::attr_error("property has no getter"));
            }
            call(p.fget, &[obj])
        }
        Some(Kind::Instance) => {
            if let Some(g) = lookup_type(type_of(d), "__get__") {
                return call(g, &[d, obj, Value::obj(owner)]);
            }
            Ok(d)
        }
        _ => Ok(d),
    }
}

pub fn attr_missing(obj: Value, name: Value) -> PyErr {
    let n = str_of(name).unwrap_or_default();
    if let Some(m) = as_module(obj) {
        return vm::attr_error(format!(
            "module '{}' has no attribute '{}'",
            str_of(m.name).unwrap_or_default(),
            n
        ));
    }
    if let Some(c) = as_class(obj) {
        return vm::attr_error(format!(
            "type object '{}' has no attribute '{}'",
            vm::class_name(c),
            n
        ));
    }
    vm::attr_error(format!(
        "'{}' object has no attribute '{}'",
        vm::type_name(obj),
        n
    ))
}

/// `getattr(obj, name)`; `name` must be a str (interned or not).
pub fn getattr(obj: Value, name: Value) -> PyResult<Value> {
    match getattr_opt(obj, name)? {
        Some(v) => Ok(v),
        None => Err(attr_missing(obj, name)),
    }
}

/// Attribute lookup returning `None` instead of raising AttributeError for plain misses
/// (errors raised by hooks are still errors).
pub fn getattr_opt(obj: Value, name: Value) -> PyResult<Option<Value>> {
    let t = type_of(obj);
    if t.flags.get() & CF_GETATTRIBUTE != 0 {
        if let Some(m) = lookup_type_user(t, "__getattribute__") {
            return match call(m, &[obj, name]) {
                Ok(v) => Ok(Some(v)),
                Err(e) if vm::exc_matches(&e, C::AttributeError) => {
                    if t.flags.get() & CF_GETATTR != 0 {
                        if let Some(g) = lookup_type_user(t, "__getattr__") {
                            return call(g, &[obj, name]).map(Some);
                        }
                    }
                    Err(e)
                }
                Err(e) => Err(e),
            };
        }
    }
    let r = generic_getattr(obj, name)?;
    if r.is_some() {
        return Ok(r);
    }
    if t.flags.get() & CF_GETATTR != 0 {
        if let Some(g) = lookup_type_user(t, "__getattr__") {
            return call(g, &[obj, name]).map(Some);
        }
    }
    Ok(None)
}

/// `object.__getattribute__` semantics (no `__getattr__` fallback).
pub fn generic_getattr(obj: Value, name: Value) -> PyResult<Option<Value>> {
    let name = if as_str(name).is_some_and(|s| s.sym.get() == 0) {
        vm::intern_value(name)
    } else {
        name
    };
    match obj.kind() {
        Some(Kind::Instance) => {
            let inst = as_instance(obj).unwrap();
            let t = inst.cls.get();
            let d = lookup_mro(t, name);
            if let Some(d) = d {
                if is_data_descriptor(d) {
                    if let Some(p) = as_property(d) {
                        if p.fget.is_null() || p.fget.is_none() {
                            return Err(vm::attr_error(format!(
                                "property '{}' of '{}' object has no getter",
                                str_of(name)?,
                                vm::class_name(t)
                            )));
                        }
                        return call(p.fget, &[obj]).map(Some);
                    }
                    return bind_descr(d, obj, t).map(Some);
                }
            }
            if let Some(v) = instance_get(inst, name) {
                return Ok(Some(v));
            }
            if let Some(d) = d {
                return bind_descr(d, obj, t).map(Some);
            }
            special_attr(obj, name)
        }
        Some(Kind::Class) => {
            let c = as_class(obj).unwrap();
            if let Some(d) = lookup_mro(c, name) {
                return Ok(Some(match d.kind() {
                    Some(Kind::ClassMethod) => new_bound(as_classmethod(d).unwrap().f, obj),
                    Some(Kind::StaticMethod) => as_staticmethod(d).unwrap().f,
                    Some(Kind::Instance) => {
                        if let Some(g) = lookup_type(type_of(d), "__get__") {
                            call(g, &[d, Value::NONE, obj])?
                        } else {
                            d
                        }
                    }
                    _ => d,
                }));
            }
            // metaclass attributes (type's methods such as mro())
            let meta = type_of(obj);
            if let Some(d) = lookup_mro(meta, name) {
                if !(Gc::ptr_eq(meta, cls(C::type_))
                    && as_str(name)
                        .is_some_and(|s| s.s.starts_with("__") && &*s.s != "__subclasses__"))
                {
                    return bind_descr(d, obj, meta).map(Some);
                }
            }
            special_attr(obj, name)
        }
        Some(Kind::Module) => {
            let m = as_module(obj).unwrap();
            if let Some(v) = m.dict.get(name)? {
                return Ok(Some(v));
            }
            if let Some(v) = special_attr(obj, name)? {
                return Ok(Some(v));
            }
            // PEP 562: a module-level __getattr__ answers for missing names
            match m.dict.get_str("__getattr__") {
                Some(hook) => match call(hook, &[name]) {
                    Ok(v) => Ok(Some(v)),
                    Err(e) if vm::exc_matches(&e, C::AttributeError) => Ok(None),
                    Err(e) => Err(e),
                },
                None => Ok(None),
            }
        }
        Some(Kind::Super) => {
            if let Some(v) = crate::objects::class::super_getattr(as_super(obj).unwrap(), name)? {
                return Ok(Some(v));
            }
            special_attr(obj, name)
        }
        _ => {
            let t = type_of(obj);
            // a function's `__module__` comes from its globals, not from `object.__module__`
            if obj.kind() == Some(Kind::Function)
                && as_str(name).is_some_and(|s| &*s.s == "__module__")
            {
                return special_attr(obj, name);
            }
            if let Some(d) = lookup_mro(t, name) {
                return bind_descr(d, obj, t).map(Some);
            }
            special_attr(obj, name)
        }
    }
}

/// Attributes computed from object internals (`__class__`, `__name__`, `__dict__`, ...).
fn special_attr(obj: Value, name: Value) -> PyResult<Option<Value>> {
    let n = &*as_str(name).unwrap().s;
    if n == "__class__" {
        return Ok(Some(Value::obj(type_of(obj))));
    }
    match obj.kind() {
        Some(Kind::Instance) => {
            let inst = as_instance(obj).unwrap();
            if n == "__dict__" && inst.cls.get().flags.get() & CF_SLOTS == 0 {
                return Ok(Some(instance_dict(inst)));
            }
            if vm::isinstance_c(obj, C::BaseException) {
                match n {
                    "__cause__" | "__context__" | "__traceback__" => return Ok(Some(Value::NONE)),
                    "__suppress_context__" => return Ok(Some(Value::FALSE)),
                    _ => {}
                }
            }
            let p = payload(obj);
            if p != obj {
                return special_attr(p, name);
            }
        }
        Some(Kind::Class) => {
            let c = as_class(obj).unwrap();
            match n {
                "__name__" => return Ok(Some(c.name.get())),
                "__qualname__" => {
                    return Ok(Some(c.dict.get_str("__qualname__").unwrap_or(c.name.get())))
                }
                "__mro__" => return Ok(Some(c.mro.get())),
                "__bases__" => return Ok(Some(c.bases.get())),
                "__base__" => {
                    let b = as_tuple(c.bases.get()).unwrap();
                    return Ok(Some(b.as_slice().first().copied().unwrap_or(Value::NONE)));
                }
                "__dict__" => return Ok(Some(Value::obj(c.dict))),
                "__doc__" => return Ok(Some(Value::NONE)),
                "__module__" => return Ok(Some(new_str("builtins"))),
                _ => {}
            }
        }
        Some(Kind::Function) => {
            let f = as_function(obj).unwrap();
            match n {
                "__name__" => return Ok(Some(f.name.get())),
                "__qualname__" => return Ok(Some(f.qualname.get())),
                "__doc__" => return Ok(Some(f.doc.get())),
                "__module__" => {
                    return Ok(Some(f.globals.get_str("__name__").unwrap_or(Value::NONE)))
                }
                "__defaults__" => {
                    let d = f.defaults.get();
                    return Ok(Some(if d.is_null() { Value::NONE } else { d }));
                }
                "__kwdefaults__" => {
                    let d = f.kwdefaults.get();
                    return Ok(Some(if d.is_null() { Value::NONE } else { d }));
                }
                "__code__" => return Ok(Some(Value::obj(f.code))),
                "__globals__" => return Ok(Some(Value::obj(f.globals))),
                "__closure__" => {
                    return Ok(Some(if f.closure.is_null() {
                        Value::NONE
                    } else {
                        f.closure
                    }))
                }
                "__dict__" => {
                    if f.dict.get().is_null() {
                        f.dict.set(Value::obj(new_dict()));
                    }
                    return Ok(Some(f.dict.get()));
                }
                _ => {
                    let d = f.dict.get();
                    if let Some(d) = as_dict_exact(d) {
                        return d.get(name);
                    }
                }
            }
        }
        Some(Kind::Builtin) => {
            let b = as_builtin(obj).unwrap();
            match n {
                "__name__" | "__qualname__" => {
                    return Ok(Some(new_str(b.name.rsplit('.').next().unwrap_or(b.name))))
                }
                "__self__" => {
                    return Ok(Some(if b.bound.is_null() {
                        Value::NONE
                    } else {
                        b.bound
                    }))
                }
                "__doc__" => return Ok(Some(Value::NONE)),
                _ => {}
            }
        }
        Some(Kind::BoundMethod) => {
            let b = as_bound(obj).unwrap();
            match n {
                "__self__" => return Ok(Some(b.slf)),
                "__func__" => return Ok(Some(b.func)),
                _ => return getattr_opt(b.func, name),
            }
        }
        Some(Kind::Module) => {
            let m = as_module(obj).unwrap();
            if n == "__dict__" {
                return Ok(Some(Value::obj(m.dict)));
            }
        }
        Some(Kind::Code) => {
            let c = as_code(obj).unwrap();
            match n {
                "co_name" => return Ok(Some(new_str(&c.d.name))),
                "co_filename" => return Ok(Some(new_str(&c.d.filename))),
                "co_argcount" => return Ok(Some(Value::small(c.d.argcount as i64))),
                "co_firstlineno" => return Ok(Some(Value::small(c.d.firstline as i64))),
                "co_posonlyargcount" => return Ok(Some(Value::small(c.d.posonly as i64))),
                "co_kwonlyargcount" => return Ok(Some(Value::small(c.d.kwonly as i64))),
                "co_nlocals" => return Ok(Some(Value::small(c.d.varnames.len() as i64))),
                "co_flags" => {
                    // CPython's bits: OPTIMIZED|NEWLOCALS for function bodies, VARARGS 0x04,
                    // VARKEYWORDS 0x08, GENERATOR 0x20.
                    let f = c.d.flags;
                    let mut cf = if f & CO_NAMESPACE == 0 { 0x3 } else { 0 };
                    if f & CO_VARARGS != 0 {
                        cf |= 0x04;
                    }
                    if f & CO_VARKW != 0 {
                        cf |= 0x08;
                    }
                    if f & CO_GENERATOR != 0 {
                        cf |= 0x20;
                    }
                    return Ok(Some(Value::small(cf)));
                }
                "co_varnames" => {
                    let v: ArgVec = c.d.varnames.iter().map(|s| new_str(s)).collect();
                    return Ok(Some(new_tuple(&v)));
                }
                _ => {}
            }
        }
        Some(Kind::Property) => {
            let p = as_property(obj).unwrap();
            match n {
                "fget" => return Ok(Some(p.fget)),
                "fset" => {
                    return Ok(Some(if p.fset.is_null() {
                        Value::NONE
                    } else {
                        p.fset
                    }))
                }
                "fdel" => {
                    return Ok(Some(if p.fdel.is_null() {
                        Value::NONE
                    } else {
                        p.fdel
                    }))
                }
                "__doc__" => return Ok(Some(p.doc)),
                _ => {}
            }
        }
        Some(Kind::ClassMethod) | Some(Kind::StaticMethod) => {
            let w: Gc<WrapperObj> = unsafe_wrapper(obj);
            if n == "__func__" {
                return Ok(Some(w.f));
            }
            return getattr_opt(w.f, name);
        }
        Some(Kind::Generator) => {
            let g = as_generator(obj).unwrap();
            match n {
                "__name__" | "__qualname__" => return Ok(Some(g.name)),
                "gi_running" => return Ok(Some(Value::bool(g.state.get() == GEN_RUNNING))),
                "gi_frame" => {
                    return Ok(Some(if g.state.get() == GEN_DONE {
                        Value::NONE
                    } else {
                        Value::obj(g.frame)
                    }))
                }
                _ => {}
            }
        }
        Some(Kind::Frame) => {
            let f: Gc<FrameObj> = {
                // SAFETY: the kind tag says this is a frame.
                unsafe { obj.as_gc() }
            };
            match n {
                "f_lineno" => return Ok(Some(Value::small(interpreter::frame_line(f) as i64))),
                "f_code" => return Ok(Some(Value::obj(f.code))),
                "f_globals" => return Ok(Some(Value::obj(f.globals()))),
                "f_back" => {
                    // the caller's frame; exposed frames are never recycled
                    return Ok(Some(match f.back.get() {
                        Some(b) => {
                            b.escaped.set(true);
                            Value::obj(b)
                        }
                        None => Value::NONE,
                    }));
                }
                _ => {}
            }
        }
        Some(Kind::Complex) => {
            let c = as_complex(obj).unwrap();
            match n {
                "real" => return Ok(Some(new_float(c.re))),
                "imag" => return Ok(Some(new_float(c.im))),
                _ => {}
            }
        }
        Some(Kind::Float) => match n {
            "real" => return Ok(Some(obj)),
            "imag" => return Ok(Some(new_float(0.0))),
            _ => {}
        },
        Some(Kind::Slice) => {
            let s = as_slice(obj).unwrap();
            match n {
                "start" => return Ok(Some(s.start)),
                "stop" => return Ok(Some(s.stop)),
                "step" => return Ok(Some(s.step)),
                _ => {}
            }
        }
        Some(Kind::Range) => {
            let r = as_range(obj).unwrap();
            match n {
                "start" => return Ok(Some(new_int(r.start))),
                "stop" => return Ok(Some(new_int(r.stop))),
                "step" => return Ok(Some(new_int(r.step))),
                _ => {}
            }
        }
        _ => {}
    }
    if is_int_like(obj) && !obj.is_kind(Kind::Instance) {
        match n {
            "real" | "numerator" => {
                return Ok(Some(if obj.is_int() || obj.is_kind(Kind::BigInt) {
                    obj
                } else {
                    new_int(int_of(obj).unwrap_or(0))
                }))
            }
            "imag" => return Ok(Some(Value::small(0))),
            "denominator" => return Ok(Some(Value::small(1))),
            _ => {}
        }
    }
    Ok(None)
}

fn unsafe_wrapper(v: Value) -> Gc<WrapperObj> {
    // SAFETY: callers checked the kind is ClassMethod or StaticMethod (both `WrapperObj`).
    unsafe { v.as_gc() }
}

/// `setattr(obj, name, v)`.
pub fn setattr(obj: Value, name: Value, v: Value) -> PyResult<()> {
    let t = type_of(obj);
    if t.flags.get() & CF_SETATTR != 0 {
        if let Some(m) = lookup_type_user(t, "__setattr__") {
            call(m, &[obj, name, v])?;
            return Ok(());
        }
    }
    generic_setattr(obj, name, v)
}

pub fn generic_setattr(obj: Value, name: Value, v: Value) -> PyResult<()> {
    let name = vm::intern_value(name);
    match obj.kind() {
        Some(Kind::Instance) => {
            let inst = as_instance(obj).unwrap();
            let t = inst.cls.get();
            if t.flags.get() & CF_HAS_DESCRIPTORS != 0 {
                if let Some(d) = lookup_mro(t, name) {
                    if let Some(p) = as_property(d) {
                        if p.fset.is_null() || p.fset.is_none() {
                            return Err(vm::attr_error(format!(
                                "property '{}' of '{}' object has no setter",
                                str_of(name)?,
                                vm::class_name(t)
                            )));
                        }
                        call(p.fset, &[obj, v])?;
                        return Ok(());
                    }
                    if d.is_kind(Kind::Instance) {
                        if let Some(s) = lookup_type(type_of(d), "__set__") {
                            call(s, &[d, obj, v])?;
                            return Ok(());
                        }
                    }
                }
            }
            if t.flags.get() & CF_SLOTS != 0 && !slot_allowed(t, name) {
                return Err(vm::attr_error(format!(
                    "'{}' object has no attribute '{}'",
                    vm::class_name(t),
                    str_of(name)?
                )));
            }
            if str_eq(name, "__dict__") && t.flags.get() & CF_SLOTS == 0 {
                let d = as_dict(v).ok_or_else(|| {
                    type_error(format!(
                        "__dict__ must be set to a dictionary, not a '{}'",
                        vm::type_name(v)
                    ))
                })?;
                let own = if v.is_kind(Kind::Dict) { d } else { d.copy() };
                set_instance_dict(inst, own);
                return Ok(());
            }
            instance_set(inst, name, v);
            Ok(())
        }
        Some(Kind::Class) => {
            let c = as_class(obj).unwrap();
            c.dict.set_item(name, v)?;
            crate::objects::class::class_changed(c, name);
            Ok(())
        }
        Some(Kind::Module) => as_module(obj).unwrap().dict.set_item(name, v),
        Some(Kind::Function) => {
            let f = as_function(obj).unwrap();
            let n = &*as_str(name).unwrap().s;
            match n {
                "__name__" => f.name.set(v),
                "__qualname__" => f.qualname.set(v),
                "__doc__" => f.doc.set(v),
                "__defaults__" => f.defaults.set(if v.is_none() { Value::NULL } else { v }),
                _ => {
                    if f.dict.get().is_null() {
                        f.dict.set(Value::obj(new_dict()));
                    }
                    as_dict_exact(f.dict.get()).unwrap().set_item(name, v)?;
                }
            }
            Ok(())
        }
        _ => Err(vm::attr_error(format!(
            "'{}' object has no attribute '{}'",
            vm::type_name(obj),
            str_of(name)?
        ))),
    }
}

fn slot_allowed(t: Gc<ClassObj>, name: Value) -> bool {
    let mro = as_tuple(t.mro.get()).unwrap();
    for &k in mro.as_slice() {
        let kc = as_class(k).unwrap();
        if kc.flags.get() & CF_BUILTIN != 0 {
            continue;
        }
        match kc.dict.get_str("__slots__") {
            Some(s) => {
                if let Ok(items) = crate::objects::native::seq_items(s) {
                    if items.iter().any(|&x| eq(x, name).unwrap_or(false)) {
                        return true;
                    }
                } else if eq(s, name).unwrap_or(false) {
                    return true;
                }
            }
            None => return true,
        }
    }
    false
}

pub fn delattr(obj: Value, name: Value) -> PyResult<()> {
    let t = type_of(obj);
    if t.flags.get() & CF_DELATTR != 0 {
        if let Some(m) = lookup_type_user(t, "__delattr__") {
            call(m, &[obj, name])?;
            return Ok(());
        }
    }
    generic_delattr(obj, name)
}

pub fn generic_delattr(obj: Value, name: Value) -> PyResult<()> {
    let name = vm::intern_value(name);
    match obj.kind() {
        Some(Kind::Instance) => {
            let inst = as_instance(obj).unwrap();
            if let Some(d) = lookup_mro(inst.cls.get(), name) {
                if let Some(p) = as_property(d) {
                    if !p.fdel.is_null() && !p.fdel.is_none() {
                        call(p.fdel, &[obj])?;
                        return Ok(());
                    }
                }
                if d.is_kind(Kind::Instance) {
                    if let Some(s) = lookup_type(type_of(d), "__delete__") {
                        call(s, &[d, obj])?;
                        return Ok(());
                    }
                }
            }
            if instance_del(inst, name) {
                Ok(())
            } else {
                Err(attr_missing(obj, name))
            }
        }
        Some(Kind::Class) => {
            let c = as_class(obj).unwrap();
            if c.dict.remove(name)?.is_none() {
                return Err(attr_missing(obj, name));
            }
            crate::objects::class::class_changed(c, name);
            Ok(())
        }
        Some(Kind::Module) => {
            as_module(obj).unwrap().dict.remove(name)?;
            Ok(())
        }
        Some(Kind::Function) => {
            let f = as_function(obj).unwrap();
            if let Some(d) = as_dict_exact(f.dict.get()) {
                if d.remove(name)?.is_some() {
                    return Ok(());
                }
            }
            Err(attr_missing(obj, name))
        }
        _ => Err(attr_missing(obj, name)),
    }
}

// ---------------------------------------------------------------- calls

#[inline]
pub fn call(f: Value, args: &[Value]) -> PyResult<Value> {
    interpreter::call_object(
        f,
        Args {
            pos: args,
            kwnames: &[],
            kwvals: &[],
        },
    )
}

/// Calls method `name` of `obj` with `args`.
pub fn call_method(obj: Value, name: &str, args: &[Value]) -> PyResult<Value> {
    let m = getattr(obj, intern(name))?;
    call(m, args)
}

// ---------------------------------------------------------------- containers

pub fn range_len(r: Gc<RangeObj>) -> i64 {
    if r.step > 0 {
        if r.stop > r.start {
            (r.stop - r.start - 1) / r.step + 1
        } else {
            0
        }
    } else if r.start > r.stop {
        (r.start - r.stop - 1) / (-r.step) + 1
    } else {
        0
    }
}

/// `len(v)`.
pub fn len(v: Value) -> PyResult<usize> {
    match v.kind() {
        Some(Kind::Str) => Ok(as_str(v).unwrap().nchars),
        Some(Kind::List) => Ok(as_list_exact(v).unwrap().len()),
        Some(Kind::Tuple) => Ok(as_tuple_exact(v).unwrap().len()),
        Some(Kind::Dict) => Ok(as_dict_exact(v).unwrap().len()),
        Some(Kind::Set) | Some(Kind::FrozenSet) => Ok(as_set(v).unwrap().len()),
        Some(Kind::Bytes) | Some(Kind::ByteArray) => Ok(as_bytes(v)
            .or_else(|| as_bytearray(v))
            .unwrap()
            .data()
            .len()),
        Some(Kind::Range) => Ok(range_len(as_range(v).unwrap()) as usize),
        Some(Kind::Iter) => {
            let it = as_iter(v).unwrap();
            if it.n.get() < 0 {
                // dict view
                return len(it.a.get());
            }
            Err(type_error(format!(
                "object of type '{}' has no len()",
                vm::type_name(v)
            )))
        }
        Some(Kind::Instance) => {
            if let Some(m) = lookup_type_user(type_of(v), "__len__") {
                let r = call(m, &[v])?;
                let n = index_of(r)?;
                if n < 0 {
                    return Err(vm::value_error("__len__() should return >= 0"));
                }
                return Ok(n as usize);
            }
            let p = payload(v);
            if p != v {
                return len(p);
            }
            Err(type_error(format!(
                "object of type '{}' has no len()",
                vm::type_name(v)
            )))
        }
        Some(Kind::Class) if meta_dunder(v, "__len__").is_some() => {
            let r = call(meta_dunder(v, "__len__").unwrap(), &[v])?;
            let n = index_of(r)?;
            if n < 0 {
                return Err(vm::value_error("__len__() should return >= 0"));
            }
            Ok(n as usize)
        }
        _ => Err(type_error(format!(
            "object of type '{}' has no len()",
            vm::type_name(v)
        ))),
    }
}

/// Normalizes index `i` for a sequence of length `n`.
#[inline]
pub fn norm_index(i: i64, n: usize, what: &str) -> PyResult<usize> {
    let j = if i < 0 { i + n as i64 } else { i };
    if j < 0 || j >= n as i64 {
        return Err(vm::index_error(format!("{what} index out of range")));
    }
    Ok(j as usize)
}

/// (start, stop, step, count) of a slice applied to length `n`.
pub fn slice_indices(s: Gc<SliceObj>, n: usize) -> PyResult<(i64, i64, i64, usize)> {
    let n = n as i64;
    let step = if s.step.is_none() {
        1
    } else {
        index_of(s.step)?
    };
    if step == 0 {
        return Err(vm::value_error("slice step cannot be zero"));
    }
    let (lo, hi) = if step < 0 { (-1, n - 1) } else { (0, n) };
    let clamp = |v: Value, default: i64| -> PyResult<i64> {
        if v.is_none() {
            return Ok(default);
        }
        let mut i = index_of(v)?;
        if i < 0 {
            i += n;
            if i < lo {
                i = lo;
            }
        } else if i > hi {
            i = hi;
        }
        Ok(i)
    };
    let start = clamp(s.start, if step < 0 { hi } else { lo })?;
    let stop = clamp(s.stop, if step < 0 { lo } else { hi })?;
    let count = if step > 0 {
        if stop > start {
            ((stop - start - 1) / step + 1) as usize
        } else {
            0
        }
    } else if start > stop {
        ((start - stop - 1) / (-step) + 1) as usize
    } else {
        0
    };
    Ok((start, stop, step, count))
}

fn slice_vec(items: &[Value], s: Gc<SliceObj>) -> PyResult<ArgVec> {
    let (start, _, step, count) = slice_indices(s, items.len())?;
    let mut out = ArgVec::with_capacity(count);
    let mut i = start;
    for _ in 0..count {
        out.push(items[i as usize]);
        i += step;
    }
    Ok(out)
}

/// `o[k]`.
pub fn getitem(o: Value, k: Value) -> PyResult<Value> {
    match o.kind() {
        Some(Kind::List) => {
            let l = as_list_exact(o).unwrap();
            if let Some(i) = int_of(k) {
                let j = norm_index(i, l.len(), "list")?;
                return Ok(l.get(j));
            }
            if let Some(s) = as_slice(k) {
                return Ok(new_list_from(&slice_vec(l.as_slice(), s)?));
            }
            if is_int_like(k) || as_instance(k).is_some() {
                let i = index_of(k)?;
                let j = norm_index(i, l.len(), "list")?;
                return Ok(l.get(j));
            }
            Err(type_error(format!(
                "list indices must be integers or slices, not {}",
                vm::type_name(k)
            )))
        }
        Some(Kind::Tuple) => {
            let t = as_tuple_exact(o).unwrap();
            if let Some(s) = as_slice(k) {
                return Ok(new_tuple(&slice_vec(t.as_slice(), s)?));
            }
            if !is_int_like(k) && as_instance(k).is_none() {
                return Err(type_error(format!(
                    "tuple indices must be integers or slices, not {}",
                    vm::type_name(k)
                )));
            }
            let i = index_of(k)?;
            let j = norm_index(i, t.len(), "tuple")?;
            Ok(t.as_slice()[j])
        }
        Some(Kind::Dict) => {
            let d = as_dict_exact(o).unwrap();
            match d.get(k)? {
                Some(v) => Ok(v),
                None => Err(vm::key_error(k)),
            }
        }
        Some(Kind::Str) => {
            let s = as_str(o).unwrap();
            if let Some(sl) = as_slice(k) {
                return crate::objects::string::str_slice(s, sl);
            }
            if !is_int_like(k) && as_instance(k).is_none() {
                return Err(type_error(format!(
                    "string indices must be integers, not '{}'",
                    vm::type_name(k)
                )));
            }
            let i = index_of(k)?;
            let j = norm_index(i, s.nchars, "string")?;
            if s.ascii {
                return Ok(crate::objects::native::char_str(s.s.as_bytes()[j] as char));
            }
            Ok(crate::objects::native::char_str(
                s.s.chars().nth(j).unwrap(),
            ))
        }
        Some(Kind::Range) => {
            let r = as_range(o).unwrap();
            let n = range_len(r) as usize;
            if let Some(sl) = as_slice(k) {
                let (start, _, step, count) = slice_indices(sl, n)?;
                let st = r.start + start * r.step;
                let sp = r.step * step;
                return Ok(Value::obj(gc::alloc(RangeObj {
                    kind: Kind::Range,
                    start: st,
                    stop: st + sp * count as i64,
                    step: sp,
                })));
            }
            let i = index_of(k)?;
            let j = norm_index(i, n, "range object")?;
            Ok(new_int(r.start + j as i64 * r.step))
        }
        Some(Kind::Bytes) | Some(Kind::ByteArray) => {
            let b = as_bytes(o).or_else(|| as_bytearray(o)).unwrap();
            if let Some(sl) = as_slice(k) {
                let data = b.data().clone();
                let (start, _, step, count) = slice_indices(sl, data.len())?;
                let mut out = Vec::with_capacity(count);
                let mut i = start;
                for _ in 0..count {
                    out.push(data[i as usize]);
                    i += step;
                }
                return Ok(new_bytes(out, o.is_kind(Kind::ByteArray)));
            }
            let i = index_of(k)?;
            let j = norm_index(i, b.data().len(), "index")?;
            Ok(Value::small(b.data()[j] as i64))
        }
        Some(Kind::Instance) => {
            let t = type_of(o);
            if let Some(m) = lookup_type_user(t, "__getitem__") {
                return call(m, &[o, k]);
            }
            let p = payload(o);
            if p != o {
                if p.is_kind(Kind::Dict) {
                    let d = as_dict_exact(p).unwrap();
                    if let Some(v) = d.get(k)? {
                        return Ok(v);
                    }
                    if let Some(m) = lookup_type_user(t, "__missing__") {
                        return call(m, &[o, k]);
                    }
                    return Err(vm::key_error(k));
                }
                return getitem(p, k);
            }
            Err(type_error(format!(
                "'{}' object is not subscriptable",
                vm::type_name(o)
            )))
        }
        Some(Kind::Class) => {
            let c = as_class(o).unwrap();
            if let Some(m) = meta_dunder(o, "__getitem__") {
                return call(m, &[o, k]);
            }
            if let Some(m) = lookup_type(c, "__class_getitem__") {
                let f = if let Some(w) = as_classmethod(m) {
                    w.f
                } else {
                    m
                };
                return call(f, &[o, k]);
            }
            // generic aliases like list[int]: return the class itself
            if c.flags.get() & CF_BUILTIN != 0 {
                return Ok(o);
            }
            Err(type_error("'type' object is not subscriptable"))
        }
        _ => Err(type_error(format!(
            "'{}' object is not subscriptable",
            vm::type_name(o)
        ))),
    }
}

/// `o[k] = v`.
pub fn setitem(o: Value, k: Value, v: Value) -> PyResult<()> {
    match o.kind() {
        Some(Kind::List) => {
            let l = as_list_exact(o).unwrap();
            if let Some(i) = int_of(k) {
                let j = norm_index(i, l.len(), "list assignment")?;
                l.set(j, v);
                return Ok(());
            }
            if let Some(s) = as_slice(k) {
                return crate::objects::list::list_set_slice(l, s, v);
            }
            let i = index_of(k)?;
            let j = norm_index(i, l.len(), "list assignment")?;
            l.set(j, v);
            Ok(())
        }
        Some(Kind::Dict) => as_dict_exact(o).unwrap().set_item(k, v),
        Some(Kind::ByteArray) => {
            let b = as_bytearray(o).unwrap();
            if let Some(s) = as_slice(k) {
                let new = match bytes_like(v) {
                    Some(x) => x,
                    None => crate::objects::native::seq_items(v)?
                        .iter()
                        .map(|&x| int_of(x).unwrap_or(0) as u8)
                        .collect(),
                };
                let (start, stop, step, _) = slice_indices(s, b.data().len())?;
                if step == 1 {
                    let stop = stop.max(start) as usize;
                    b.data().splice(start as usize..stop, new);
                    return Ok(());
                }
                let mut i = start;
                for x in new {
                    b.data()[i as usize] = x;
                    i += step;
                }
                return Ok(());
            }
            let i = index_of(k)?;
            let j = norm_index(i, b.data().len(), "bytearray")?;
            let x = index_of(v)?;
            if !(0..256).contains(&x) {
                return Err(vm::value_error("byte must be in range(0, 256)"));
            }
            b.data()[j] = x as u8;
            Ok(())
        }
        Some(Kind::Instance) => {
            if let Some(m) = lookup_type_user(type_of(o), "__setitem__") {
                call(m, &[o, k, v])?;
                return Ok(());
            }
            let p = payload(o);
            if p != o {
                return setitem(p, k, v);
            }
            Err(type_error(format!(
                "'{}' object does not support item assignment",
                vm::type_name(o)
            )))
        }
        _ => Err(type_error(format!(
            "'{}' object does not support item assignment",
            vm::type_name(o)
        ))),
    }
}

/// `del o[k]`.
pub fn delitem(o: Value, k: Value) -> PyResult<()> {
    match o.kind() {
        Some(Kind::ByteArray) => {
            let b = as_bytearray(o).unwrap();
            let n = b.data().len();
            let idx: Vec<usize> = if let Some(s) = as_slice(k) {
                let (start, _, step, count) = slice_indices(s, n)?;
                (0..count)
                    .map(|c| (start + c as i64 * step) as usize)
                    .collect()
            } else {
                vec![norm_index(index_of(k)?, n, "bytearray")?]
            };
            let data: Vec<u8> = b
                .data()
                .iter()
                .enumerate()
                .filter(|(i, _)| !idx.contains(i))
                .map(|(_, &x)| x)
                .collect();
            *b.data() = data;
            Ok(())
        }
        Some(Kind::List) => {
            let l = as_list_exact(o).unwrap();
            if let Some(s) = as_slice(k) {
                let (start, _, step, count) = slice_indices(s, l.len())?;
                let mut idx: Vec<usize> = (0..count)
                    .map(|c| (start + c as i64 * step) as usize)
                    .collect();
                idx.sort_unstable();
                let items: ArgVec = l
                    .as_slice()
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| idx.binary_search(i).is_err())
                    .map(|(_, v)| *v)
                    .collect();
                l.set_all(&items);
                return Ok(());
            }
            let i = index_of(k)?;
            let j = norm_index(i, l.len(), "list assignment")?;
            l.remove_at(j);
            Ok(())
        }
        Some(Kind::Dict) => {
            if as_dict_exact(o).unwrap().remove(k)?.is_none() {
                return Err(vm::key_error(k));
            }
            Ok(())
        }
        Some(Kind::Instance) => {
            if let Some(m) = lookup_type_user(type_of(o), "__delitem__") {
                call(m, &[o, k])?;
                return Ok(());
            }
            let p = payload(o);
            if p != o {
                return delitem(p, k);
            }
            Err(type_error(format!(
                "'{}' object doesn't support item deletion",
                vm::type_name(o)
            )))
        }
        _ => Err(type_error(format!(
            "'{}' object doesn't support item deletion",
            vm::type_name(o)
        ))),
    }
}

/// `k in o`.
pub fn contains(o: Value, k: Value) -> PyResult<bool> {
    match o.kind() {
        Some(Kind::Dict) => Ok(as_dict_exact(o).unwrap().get(k)?.is_some()),
        Some(Kind::Set) | Some(Kind::FrozenSet) => as_set(o).unwrap().contains(k),
        Some(Kind::Str) => {
            let Some(needle) = as_str(k) else {
                return Err(type_error(format!(
                    "'in <string>' requires string as left operand, not {}",
                    vm::type_name(k)
                )));
            };
            Ok(as_str(o).unwrap().s.contains(&*needle.s))
        }
        Some(Kind::List) => {
            let l = as_list_exact(o).unwrap();
            let mut i = 0;
            while i < l.len() {
                if eq(l.get(i), k)? {
                    return Ok(true);
                }
                i += 1;
            }
            Ok(false)
        }
        Some(Kind::Tuple) => {
            for &x in as_tuple_exact(o).unwrap().as_slice() {
                if eq(x, k)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Some(Kind::Range) => {
            let r = as_range(o).unwrap();
            if let Some(i) = int_of(k) {
                let n = range_len(r);
                if n == 0 {
                    return Ok(false);
                }
                let off = i - r.start;
                return Ok(off % r.step == 0 && (off / r.step) >= 0 && (off / r.step) < n);
            }
            generic_contains(o, k)
        }
        Some(Kind::Bytes) | Some(Kind::ByteArray) => {
            let b = bytes_like(o).unwrap();
            if let Some(i) = int_of(k) {
                return Ok(b.contains(&(i as u8)));
            }
            let n = bytes_like(k).ok_or_else(|| type_error("a bytes-like object is required"))?;
            Ok(n.is_empty() || b.windows(n.len()).any(|w| w == &n[..]))
        }
        Some(Kind::Iter) if as_iter(o).unwrap().n.get() < 0 => {
            let it = as_iter(o).unwrap();
            let d = as_dict(it.a.get()).unwrap();
            match it.sub {
                IterKind::DictKeys => Ok(d.get(k)?.is_some()),
                IterKind::DictItems => {
                    let Some(t) = as_tuple(k) else {
                        return Ok(false);
                    };
                    if t.len() != 2 {
                        return Ok(false);
                    }
                    match d.get(t.as_slice()[0])? {
                        Some(v) => eq(v, t.as_slice()[1]),
                        None => Ok(false),
                    }
                }
                _ => generic_contains(o, k),
            }
        }
        Some(Kind::Instance) => {
            if let Some(m) = lookup_type_user(type_of(o), "__contains__") {
                let r = call(m, &[o, k])?;
                return truthy(r);
            }
            let p = payload(o);
            if p != o {
                return contains(p, k);
            }
            generic_contains(o, k)
        }
        Some(Kind::Class) if meta_dunder(o, "__contains__").is_some() => {
            let r = call(meta_dunder(o, "__contains__").unwrap(), &[o, k])?;
            truthy(r)
        }
        _ => generic_contains(o, k),
    }
}

fn generic_contains(o: Value, k: Value) -> PyResult<bool> {
    let it = get_iter(o).map_err(|_| {
        type_error(format!(
            "argument of type '{}' is not iterable",
            vm::type_name(o)
        ))
    })?;
    while let Some(x) = next(it)? {
        if eq(x, k)? {
            return Ok(true);
        }
    }
    Ok(false)
}

// ---------------------------------------------------------------- iteration

/// `iter(v)`.
pub fn get_iter(v: Value) -> PyResult<Value> {
    match v.kind() {
        Some(Kind::List) | Some(Kind::Tuple) => {
            Ok(new_iter(IterKind::Seq, v, Value::NULL, 0, 0, 1))
        }
        Some(Kind::Range) => {
            let r = as_range(v).unwrap();
            Ok(new_iter(
                IterKind::Range,
                Value::NULL,
                Value::NULL,
                r.start,
                range_len(r),
                r.step,
            ))
        }
        Some(Kind::Str) => Ok(new_iter(IterKind::Str, v, Value::NULL, 0, 0, 1)),
        Some(Kind::Dict) => Ok(new_iter(IterKind::DictKeys, v, Value::NULL, 0, 0, 1)),
        Some(Kind::Set) | Some(Kind::FrozenSet) => Ok(new_iter(
            IterKind::Set,
            v,
            Value::NULL,
            0,
            as_set(v).unwrap().len() as i64,
            1,
        )),
        Some(Kind::Bytes) | Some(Kind::ByteArray) => {
            Ok(new_iter(IterKind::Bytes, v, Value::NULL, 0, 0, 1))
        }
        Some(Kind::Generator) => Ok(v),
        Some(Kind::Iter) => {
            let it = as_iter(v).unwrap();
            if it.n.get() < 0 {
                // a dict view: iterate the dict
                return Ok(new_iter(it.sub, it.a.get(), Value::NULL, 0, 0, 1));
            }
            Ok(v)
        }
        Some(Kind::Instance) => {
            let t = type_of(v);
            if let Some(m) = lookup_type_user(t, "__iter__") {
                let r = call(m, &[v])?;
                if lookup_type(type_of(r), "__next__").is_none()
                    && !matches!(r.kind(), Some(Kind::Generator) | Some(Kind::Iter))
                {
                    return Err(type_error(format!(
                        "iter() returned non-iterator of type '{}'",
                        vm::type_name(r)
                    )));
                }
                return Ok(r);
            }
            let p = payload(v);
            if p != v {
                return get_iter(p);
            }
            if lookup_type_user(t, "__getitem__").is_some() {
                return Ok(new_iter(IterKind::GetItem, v, Value::NULL, 0, 0, 1));
            }
            Err(type_error(format!(
                "'{}' object is not iterable",
                vm::type_name(v)
            )))
        }
        Some(Kind::Class) if meta_dunder(v, "__iter__").is_some() => {
            call(meta_dunder(v, "__iter__").unwrap(), &[v])
        }
        _ => Err(type_error(format!(
            "'{}' object is not iterable",
            vm::type_name(v)
        ))),
    }
}

/// `next(it)`; `None` when exhausted.
#[inline]
pub fn next(it: Value) -> PyResult<Option<Value>> {
    if let Some(i) = as_iter(it) {
        return crate::objects::iter::iter_next(i);
    }
    if let Some(g) = as_generator(it) {
        return interpreter::gen_next(g);
    }
    if as_instance(it).is_some() {
        let Some(m) = lookup_type(type_of(it), "__next__") else {
            return Err(type_error(format!(
                "'{}' object is not an iterator",
                vm::type_name(it)
            )));
        };
        return match call(m, &[it]) {
            Ok(v) => Ok(Some(v)),
            Err(e) if vm::exc_matches(&e, C::StopIteration) => Ok(None),
            Err(e) => Err(e),
        };
    }
    Err(type_error(format!(
        "'{}' object is not an iterator",
        vm::type_name(it)
    )))
}

/// Keeps `vm` referenced for the docs of helpers above.
pub fn _vm_ref() -> &'static vm::Vm {
    vm()
}
