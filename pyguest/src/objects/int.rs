//! `int` (and `bool`, whose values are the immediates `True`/`False`): the big-int layout
//! (small ints are unboxed in the `Value` word, see `value.rs`), constructors that normalise
//! to the small form when a value fits, `int(...)` parsing, the methods of the type and, at the
//! end, its slots: arithmetic (int and big-int `+ - * / // % ** << >> & | ^`), comparison
//! (`int_compare`), hashing (`int_hash`, `big_hash`, the numeric hash modulus), repr of big
//! ints and the numeric attributes (`real`, `imag`, `numerator`, `denominator`). The protocols
//! that dispatch to them are `objects/ops/` (`arith.rs`, `compare.rs`, `repr.rs`, `attr.rs`).

use crate::objects::float::float_to_int;
use crate::objects::native::{arg_or_kw, cm, kwarg, m, seq_items, str_arg, Method};
use crate::objects::ops::{self, call, index_of, int_of, str_of, truthy};
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::PyResult;
use crate::vm::{self, type_error, type_of, value_error};
use metatracer::gc::{self, Gc};
use metatracer::Trace;
use num_bigint::BigInt;
use num_traits::Signed;

#[repr(C)]
#[derive(Trace)]
pub struct BigIntObj {
    pub kind: Kind,
    #[gc(no_trace)]
    pub v: BigInt,
}

downcast!(as_bigint, BigIntObj, BigInt);

/// An int value: small when it fits, else a big int.
#[inline]
pub fn new_int(i: i64) -> Value {
    if Value::fits_small(i) {
        Value::small(i)
    } else {
        new_bigint_raw(BigInt::from(i))
    }
}

fn new_bigint_raw(v: BigInt) -> Value {
    // The digits live on the Rust heap: tell the collector how much memory this object owns.
    let external = (v.bits() / 8) as usize;
    let obj = Value::obj(gc::alloc(BigIntObj {
        kind: Kind::BigInt,
        v,
    }));
    if external > 64 {
        gc::add_memory_pressure(external);
    }
    obj
}

/// Normalizes a big int: small when it fits.
pub fn new_bigint(v: BigInt) -> Value {
    use num_traits::ToPrimitive;
    if let Some(i) = v.to_i64() {
        if Value::fits_small(i) {
            return Value::small(i);
        }
    }
    new_bigint_raw(v)
}

pub use crate::objects::unicode_num::decimal_value;

/// CPython's `_PyUnicode_TransformDecimalAndSpaceToASCII`: the text `int()`, `float()` and
/// `complex()` parse, with Unicode decimal digits as ASCII digits and Unicode white space as
/// spaces; any other non-ASCII character becomes `?`, which no number syntax accepts.
pub fn ascii_number_text(s: &str) -> std::borrow::Cow<'_, str> {
    if s.is_ascii() {
        return std::borrow::Cow::Borrowed(s);
    }
    s.chars()
        .map(|c| match c {
            _ if c.is_ascii() => c,
            _ if c.is_whitespace() => ' ',
            _ => decimal_value(c).map_or('?', |d| (b'0' + d as u8) as char),
        })
        .collect()
}

/// `repr(s)` cut to 200 characters, as CPython's `%.200R` in `int()`'s error message.
fn repr_200(s: &str) -> String {
    crate::objects::string::str_repr(s)
        .chars()
        .take(200)
        .collect()
}

/// CPython 3.11's limit on decimal digits converted between `int` and `str`
/// (`sys.set_int_max_str_digits`, `PYTHONINTMAXSTRDIGITS`); 0 means no limit.
pub static MAX_STR_DIGITS: std::sync::atomic::AtomicUsize =
    std::sync::atomic::AtomicUsize::new(4300);

fn max_str_digits() -> usize {
    MAX_STR_DIGITS.load(std::sync::atomic::Ordering::Relaxed)
}

/// The decimal text of a big int, refused (`ValueError`, CPython's wording) beyond the
/// digit limit and (`MemoryError`) beyond the heap limit.
pub fn decimal_string(b: &BigInt) -> PyResult<String> {
    let limit = max_str_digits();
    let too_many = || {
        value_error(format!(
            "Exceeds the limit ({limit} digits) for integer string conversion; \
             use sys.set_int_max_str_digits() to increase the limit"
        ))
    };
    // A bound from the bit length first (an int of b bits has more than (b-1)*log10(2)
    // digits), so huge ints fail fast.
    if limit > 0 && (b.bits() as f64) * std::f64::consts::LOG10_2 > limit as f64 + 1.0 {
        return Err(too_many());
    }
    crate::memlimit::check_bytes((b.bits() / 3) as usize)?;
    let s = b.to_string();
    if limit > 0 && s.trim_start_matches('-').len() > limit {
        return Err(too_many());
    }
    Ok(s)
}

/// The digit limit for `int(text, base)`: only bases that are not powers of two convert
/// through decimal-like arithmetic, so only they are limited.
fn check_parse_digits(text: &str, base: u32) -> PyResult<()> {
    let limit = max_str_digits();
    if limit == 0 || matches!(base, 2 | 4 | 8 | 16 | 32) {
        return Ok(());
    }
    let t = text
        .trim()
        .trim_start_matches(['+', '-'])
        .to_ascii_lowercase();
    if base == 0 && (t.starts_with("0x") || t.starts_with("0o") || t.starts_with("0b")) {
        return Ok(());
    }
    let digits = t.chars().filter(|c| c.is_ascii_alphanumeric()).count();
    if digits > limit {
        return Err(value_error(format!(
            "Exceeds the limit ({limit} digits) for integer string conversion: value has \
             {digits} digits; use sys.set_int_max_str_digits() to increase the limit"
        )));
    }
    Ok(())
}

/// `int(x, base)` parsing of a string.
pub fn parse_int(s: &str, base: u32) -> Option<Value> {
    let t = s.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (base, t) = if base == 0 || base == 16 || base == 8 || base == 2 {
        let lower = t.to_ascii_lowercase();
        if (base == 0 || base == 16) && lower.starts_with("0x") {
            (16, &t[2..])
        } else if (base == 0 || base == 8) && lower.starts_with("0o") {
            (8, &t[2..])
        } else if (base == 0 || base == 2) && lower.starts_with("0b") {
            (2, &t[2..])
        } else if base == 0 {
            if t.len() > 1 && t.starts_with('0') && t.chars().any(|c| c != '0' && c != '_') {
                return None;
            }
            (10, t)
        } else {
            (base, t)
        }
    } else {
        (base, t)
    };
    if t.is_empty() || t.starts_with('_') || t.ends_with('_') || t.contains("__") {
        return None;
    }
    let digits: String = t.chars().filter(|&c| c != '_').collect();
    if !digits.chars().all(|c| c.is_digit(base)) {
        return None;
    }
    let v = BigInt::parse_bytes(digits.as_bytes(), base)?;
    Some(new_bigint(if neg { -v } else { v }))
}

pub(crate) fn new_int_from(a: Args) -> PyResult<Value> {
    let Some(&v) = a.pos.first() else {
        return Ok(Value::small(0));
    };
    let base = arg_or_kw(&a, 1, "base");
    if let Some(b) = base {
        let b = index_of(b)?;
        if b != 0 && !(2..=36).contains(&b) {
            return Err(value_error("int() base must be >= 2 and <= 36, or 0"));
        }
        // a str, or bytes/bytearray (pickle's protocol 0 reads `int(line, 0)`)
        let (text, shown) = match ops::bytes_like(v) {
            Some(raw) if as_str(v).is_none() => (
                String::from_utf8_lossy(&raw).into_owned(),
                crate::objects::bytes::bytes_repr(&raw, "b"),
            ),
            _ => {
                let s = str_arg(
                    v,
                    "int() can't convert non-string with explicit base; argument",
                )?;
                (ascii_number_text(&s.s).into_owned(), repr_200(&s.s))
            }
        };
        let r = parse_int(&text, b as u32);
        if r.is_some() {
            check_parse_digits(&text, b as u32)?;
        }
        return r.ok_or_else(|| {
            value_error(format!("invalid literal for int() with base {b}: {shown}"))
        });
    }
    if v.is_int() || v.is_kind(Kind::BigInt) {
        return Ok(v);
    }
    if let Some(i) = int_of(v) {
        return Ok(Value::small(i));
    }
    if let Some(f) = as_float_obj(v) {
        if f.v.is_nan() {
            return Err(value_error("cannot convert float NaN to integer"));
        }
        if f.v.is_infinite() {
            return Err(vm::overflow("cannot convert float infinity to integer"));
        }
        return Ok(float_to_int(f.v.trunc()));
    }
    if let Some(s) = as_str(v) {
        let text = ascii_number_text(&s.s);
        let r = parse_int(&text, 10);
        if r.is_some() {
            check_parse_digits(&text, 10)?;
        }
        return r.ok_or_else(|| {
            value_error(format!(
                "invalid literal for int() with base 10: {}",
                repr_200(&s.s)
            ))
        });
    }
    if let Some(b) = ops::bytes_like(v) {
        let s = String::from_utf8_lossy(&b).into_owned();
        let r = parse_int(&s, 10);
        if r.is_some() {
            check_parse_digits(&s, 10)?;
        }
        return r.ok_or_else(|| {
            value_error(format!(
                "invalid literal for int() with base 10: {}",
                crate::objects::bytes::bytes_repr(&b, "b")
            ))
        });
    }
    let t = type_of(v);
    for n in ["__int__", "__index__", "__trunc__"] {
        if let Some(m) = ops::lookup_type_user(t, n) {
            return call(m, &[v]);
        }
    }
    let p = payload(v);
    if p != v {
        return new_int_from(Args {
            pos: &[p],
            kwnames: &[],
            kwvals: &[],
        });
    }
    if let Some(s) = crate::objects::surr::as_surr(v) {
        // no digits are surrogates: CPython's message for any text that is not a number
        return Err(crate::vm::value_error(format!(
            "invalid literal for int() with base 10: {}",
            crate::objects::surr::surr_repr(&s)
        )));
    }
    Err(type_error(format!(
        "int() argument must be a string, a bytes-like object or a real number, not '{}'",
        vm::type_name(v)
    )))
}

/// The methods of `int` (and of `bool`, its subclass).
pub(crate) static METHODS: &[Method] = &[
    m("bit_length()", |a| {
        let b = ops::big_of(a.pos[0]).unwrap();
        Ok(Value::small(b.bits() as i64))
    }),
    m("bit_count()", |a| {
        let b = ops::big_of(a.pos[0]).unwrap();
        Ok(Value::small(b.magnitude().count_ones() as i64))
    }),
    m("conjugate()", |a| Ok(a.pos[0])),
    m("W:__index__()", |a| Ok(a.pos[0])),
    m("W:__int__()", |a| Ok(payload(a.pos[0]))),
    m("W:__float__()", |a| {
        Ok(new_float(ops::float_of(a.pos[0]).unwrap_or(0.0)))
    }),
    m("as_integer_ratio()", |a| {
        Ok(new_tuple(&[a.pos[0], Value::small(1)]))
    }),
    m(
        "to_bytes(length=1, byteorder='big', *, signed=False)",
        |a| {
            let b = ops::big_of(a.pos[0]).unwrap();
            let len = match arg_or_kw(&a, 1, "length") {
                Some(l) => usize::try_from(index_of(l)?)
                    .map_err(|_| value_error("length argument must be non-negative"))?,
                None => 1,
            };
            let order = arg_or_kw(&a, 2, "byteorder")
                .map(str_of)
                .transpose()?
                .unwrap_or_else(|| "big".into());
            let signed = kwarg(&a, "signed")
                .map(truthy)
                .transpose()?
                .unwrap_or(false);
            if b.is_negative() && !signed {
                return Err(vm::overflow("can't convert negative int to unsigned"));
            }
            let mut bytes = if signed {
                b.to_signed_bytes_le()
            } else {
                b.to_bytes_le().1
            };
            if bytes.len() > len && !(bytes.len() == len + 1 && bytes[len] == 0 && !signed) {
                return Err(vm::overflow("int too big to convert"));
            }
            let fill = if b.is_negative() { 0xff } else { 0 };
            bytes.resize(len, fill);
            if order == "big" {
                bytes.reverse();
            }
            Ok(new_bytes(bytes, false))
        },
    ),
    cm("from_bytes(bytes, byteorder='big', *, signed=False)", |a| {
        let bytes = ops::bytes_like(a.pos[1]).map(Ok).unwrap_or_else(|| {
            seq_items(a.pos[1]).map(|v| v.iter().map(|x| int_of(*x).unwrap_or(0) as u8).collect())
        })?;
        let order = arg_or_kw(&a, 2, "byteorder")
            .map(str_of)
            .transpose()?
            .unwrap_or_else(|| "big".into());
        let signed = kwarg(&a, "signed")
            .map(truthy)
            .transpose()?
            .unwrap_or(false);
        let mut b = bytes.clone();
        if order == "big" {
            b.reverse();
        }
        let v = if signed {
            BigInt::from_signed_bytes_le(&b)
        } else {
            BigInt::from_bytes_le(num_bigint::Sign::Plus, &b)
        };
        Ok(new_bigint(v))
    }),
    m("__format__(format_spec, /)", format_method),
    m("__round__(ndigits=<unrepresentable>, /)", |a| {
        ops::bi_round(Args {
            pos: a.pos,
            kwnames: &[],
            kwvals: &[],
        })
    }),
];

/// `__format__` of `int`, `float` and `complex` (and `str`): the format-spec mini-language
/// in `objects/format.rs`.
pub(crate) fn format_method(a: Args) -> PyResult<Value> {
    crate::objects::format::format_value(a.pos[0], &str_arg(a.pos[1], "format spec")?.s)
}

// ---------------------------------------------------------------- operator slots

pub(crate) use slots::*;

/// The arithmetic of ints and big ints (`binary_op`'s fast paths call these).
mod slots {
    use crate::compiler::bytecode::binop;
    use crate::memlimit::check_bytes;
    use crate::vm::PyResult;

    use crate::objects::*;
    use crate::value::Value;
    use crate::vm::{self};
    use num_bigint::BigInt;
    use num_integer::Integer;
    use num_traits::{Signed, ToPrimitive, Zero};

    pub(crate) fn int_binop(a: i64, b: i64, op: u32) -> PyResult<Value> {
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

    pub(crate) fn int_truediv(a: i64, b: i64) -> PyResult<f64> {
        if a.unsigned_abs() <= (1 << 53) && b.unsigned_abs() <= (1 << 53) {
            // both exact as floats: one IEEE division is correctly rounded
            Ok(a as f64 / b as f64)
        } else {
            big_truediv(&BigInt::from(a), &BigInt::from(b))
        }
    }

    /// `2.0**e` for `-1022 <= e <= 1023` (a normal float, built from its bits).
    pub(crate) fn pow2(e: i64) -> f64 {
        f64::from_bits(((e + 1023) as u64) << 52)
    }

    /// `q * 2**e` for `q <= 2**53` when the result is representable (exact, also subnormal).
    pub(crate) fn scale_exact(q: f64, e: i64) -> f64 {
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
    pub(crate) fn big_truediv(a: &BigInt, b: &BigInt) -> PyResult<f64> {
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

    pub(crate) fn big_binop(a: &BigInt, b: &BigInt, op: u32) -> PyResult<Value> {
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
}

// ---------------------------------------------------------------- comparison, hash, repr

/// The modulus of the numeric hash (CPython's `sys.hash_info.modulus`, the prime 2**61 - 1):
/// every number hashes to its value modulo it, so `hash(1) == hash(1.0) == hash(1+0j)`.
pub(crate) const HASH_MOD: u64 = (1 << 61) - 1;

/// Ordering of two ints of any size (either may be a bool or a big int); `None` when one of
/// them is not an int.
pub(crate) fn int_compare(a: Value, b: Value, op: u32) -> Option<Value> {
    use crate::objects::ops::compare::ord_result;
    if let (Some(x), Some(y)) = (int_of(a), int_of(b)) {
        return Some(ord_result(x, y, op));
    }
    Some(ord_result(ops::big_of(a)?, ops::big_of(b)?, op))
}

/// `hash` of a machine int: its value modulo [`HASH_MOD`], keeping the sign (-1 is reserved
/// for errors in CPython's C API, so it becomes -2).
pub fn int_hash(i: i64) -> i64 {
    let m = (i.unsigned_abs() % HASH_MOD) as i64;
    let h = if i < 0 { -m } else { m };
    if h == -1 {
        -2
    } else {
        h
    }
}

/// `hash` of a big int, the same reduction as [`int_hash`].
pub(crate) fn big_hash(b: &BigInt) -> i64 {
    use num_traits::ToPrimitive;
    let r = (b.abs() % BigInt::from(HASH_MOD)).to_i64().unwrap_or(0);
    let h = if b.is_negative() { -r } else { r };
    if h == -1 {
        -2
    } else {
        h
    }
}

/// `repr` of a big int (decimal digits; the text's size is checked against the memory limit
/// first, as a huge int's digits can exceed it).
pub(crate) fn big_repr(b: &BigIntObj, out: &mut String) -> PyResult<()> {
    // about 0.3 decimal digits per bit
    crate::memlimit::check_bytes((b.v.bits() / 3) as usize)?;
    out.push_str(&decimal_string(&b.v)?);
    Ok(())
}

// ---------------------------------------------------------------- attributes

/// The attributes of an int or bool as a number (`real`, `imag`, `numerator`,
/// `denominator`); `real` of a bool is the int.
pub(crate) fn int_attr(v: Value, n: &str) -> Option<Value> {
    match n {
        "real" | "numerator" => Some(if v.is_int() || v.is_kind(Kind::BigInt) {
            v
        } else {
            new_int(int_of(v).unwrap_or(0))
        }),
        "imag" => Some(Value::small(0)),
        "denominator" => Some(Value::small(1)),
        _ => None,
    }
}
