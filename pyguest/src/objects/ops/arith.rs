//! Numbers and operators: int/float/index views of values, int, big-int, float and complex
//! arithmetic, sequence repetition, the binary and in-place operators (`binary_op`,
//! `inplace_op`: built-in fast paths, then `__add__`/`__radd__` dispatch with
//! `NotImplemented`) and the unary ones; also `list_extend` and `bytes_like`, which the
//! sequence operators use.

use super::*;
use crate::memlimit::{check_bytes, check_items, memory_error};

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
                return Err(vm::zero_div("integer modulo by zero"));
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
                return Err(vm::zero_div("integer modulo by zero"));
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
            if a.is_zero() {
                return Ok(Value::small(0));
            }
            if s == i64::MAX {
                return Err(vm::overflow("too many digits in integer"));
            }
            check_bytes(((a.bits() + s as u64) / 8) as usize)?;
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
            // |a| ** e has at least (bits(a) - 1) * e bits (0 for |a| <= 1)
            check_bytes((a.bits().saturating_sub(1).saturating_mul(e as u64) / 8) as usize)?;
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

/// `a // b` for floats (`b != 0`), computed as CPython's `float_divmod` does: from the exact
/// remainder `fmod(a, b)`, so `0.5 // 0.1` is `4.0` (not `floor(0.5 / 0.1)`, which is 5.0) and
/// `inf // 1.0` is `nan`.
pub fn float_floordiv(a: f64, b: f64) -> f64 {
    let m = a % b;
    let mut div = (a - m) / b;
    if m != 0.0 && ((b < 0.0) != (m < 0.0)) {
        div -= 1.0;
    }
    if div != 0.0 {
        let f = div.floor();
        // (a - m) / b is exact up to rounding: snap to the nearest integer
        if div - f > 0.5 {
            f + 1.0
        } else {
            f
        }
    } else {
        0.0f64.copysign(a / b)
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
            float_floordiv(a, b)
        }
        binop::MOD => {
            if b == 0.0 {
                return Err(vm::zero_div("float modulo"));
            }
            float_mod(a, b)
        }
        binop::POW => {
            if a == 0.0 && b < 0.0 && b.is_finite() {
                return Err(vm::zero_div("0.0 cannot be raised to a negative power"));
            }
            // A negative finite base with a finite non-integer exponent gives a complex
            // result; infinities follow C's pow ((-inf) ** 0.5 is inf, (-2.0) ** inf is inf).
            if a < 0.0 && a.is_finite() && b.is_finite() && b.fract() != 0.0 {
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

pub(super) fn complex_of(v: Value) -> Option<(f64, f64)> {
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
        (Some(Kind::Str), binop::MOD) => return crate::objects::format::percent_format(a, b),
        (Some(Kind::List), binop::ADD) => {
            if let Some(y) = as_list_exact(b) {
                let x = as_list_exact(a).unwrap();
                let v = seq_concat(x.as_slice(), y.as_slice())?;
                return Ok(new_list_from(&v));
            }
        }
        (Some(Kind::List), binop::MUL) => {
            if let Some(n) = int_of(b) {
                return Ok(new_list_from(&seq_repeat(
                    as_list_exact(a).unwrap().as_slice(),
                    n,
                )?));
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
                let v = seq_repeat(l.as_slice(), n)?;
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
        let items: ArgVec = src.as_slice().iter().copied().collect();
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
