//! `float`: the object layout, the constructor (string parsing with CPython's rules), the
//! methods of the type, float-to-int rounding helpers and, at the end, its slots: arithmetic,
//! comparison with ints and floats exact at any size (`float_compare`), CPython's hash
//! (`float_hash`, `frexp`) and the attributes `real`/`imag`. The protocols are `objects/ops/`;
//! repr and format specs are `objects/format.rs`.

use crate::objects::int::{format_method, new_int_from};
use crate::objects::native::{cm, m, str_arg, Method};
use crate::objects::ops::{self, call};
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::PyResult;
use crate::vm::{self, type_error, type_of, value_error};
use metatracer::gc::{self, Gc};
use metatracer::Trace;
use num_bigint::BigInt;
use num_traits::ToPrimitive;

#[repr(C)]
#[derive(Trace, metatracer::Layout)]
pub struct FloatObj {
    pub kind: Kind,
    pub v: f64,
}

downcast!(as_float_obj, FloatObj, Float);

/// A float object as traced code allocates it: laid out exactly like [`FloatObj`] (the kind
/// byte at offset 0, the value at offset 8; `repr(C)`, no references, no drop glue) but made
/// of register values, so `gc::alloc(FloatBox { .. })` in `#[look_inside]` code is a `new`
/// plus two stores in the trace, which the optimizer's allocation removal deletes when the
/// float does not outlive the trace (`framework/src/opt/virtualize.rs`). Everything else
/// reads the object as a `FloatObj` (the collector only needs its size and that it holds no
/// references, which both types share).
#[repr(C)]
#[derive(Clone, Copy, Trace, metatracer::Layout, metatracer::RegValue)]
#[reg_value(in_memory)]
pub struct FloatBox {
    pub kind: u8,
    pub v: f64,
}

const _: () = {
    assert!(std::mem::size_of::<FloatBox>() == std::mem::size_of::<FloatObj>());
    assert!(std::mem::align_of::<FloatBox>() == std::mem::align_of::<FloatObj>());
    assert!(std::mem::offset_of!(FloatBox, v) == std::mem::offset_of!(FloatObj, v));
};

/// The kind byte of a float object.
const FLOAT_KIND_BYTE: u8 = Kind::Float as u8;

/// The native functions of `math.sqrt`, `sin`, `cos`, `exp` and `atan`, in that order, as
/// `modules::math` registers them when it makes the module: traced code recognizes them by
/// these addresses (`interpreter::opcodes_builtins`, which may not name `modules/`).
static MATH_FAST_FNS: std::sync::OnceLock<[usize; 5]> = std::sync::OnceLock::new();

/// Records [`MATH_FAST_FNS`] (the first registration wins; the functions never change).
pub(crate) fn register_math_fast_fns(fns: [usize; 5]) {
    let _ = MATH_FAST_FNS.set(fns);
}

/// [`MATH_FAST_FNS`], or zeros before `math` was first made.
pub(crate) fn math_fast_fns() -> [usize; 5] {
    MATH_FAST_FNS.get().copied().unwrap_or([0; 5])
}

/// `new_float(v)` for traced code: the allocation is in the trace (see [`FloatBox`]).
#[metatracer::look_inside]
#[inline(always)]
pub fn new_float_traced(v: f64) -> Value {
    let b = gc::alloc(FloatBox {
        kind: FLOAT_KIND_BYTE,
        v,
    });
    metatracer::from_word_bits(metatracer::word_bits(b))
}

pub fn new_float(v: f64) -> Value {
    Value::obj(gc::alloc(FloatObj {
        kind: Kind::Float,
        v,
    }))
}

pub fn parse_float(s: &str) -> Option<f64> {
    let s = crate::objects::int::ascii_number_text(s);
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    let body = lower.trim_start_matches(['+', '-']);
    let neg = lower.starts_with('-');
    let special = match body {
        "inf" | "infinity" => Some(f64::INFINITY),
        "nan" => Some(f64::NAN),
        _ => None,
    };
    if let Some(x) = special {
        return Some(if neg { -x } else { x });
    }
    if t.is_empty() || t.contains("__") || t.starts_with('_') || t.ends_with('_') {
        return None;
    }
    let clean: String = t.chars().filter(|&c| c != '_').collect();
    if !clean
        .chars()
        .all(|c| c.is_ascii_digit() || "+-.eE".contains(c))
    {
        return None;
    }
    clean.parse::<f64>().ok()
}

pub(crate) fn new_float_from(a: Args) -> PyResult<Value> {
    let Some(&v) = a.pos.first() else {
        return Ok(new_float(0.0));
    };
    if v.is_kind(Kind::Float) {
        return Ok(v);
    }
    if let Some(s) = as_str(v) {
        return parse_float(&s.s).map(new_float).ok_or_else(|| {
            value_error(format!(
                "could not convert string to float: {}",
                crate::objects::string::str_repr(&s.s)
            ))
        });
    }
    if let Some(m) = ops::lookup_type_user(type_of(v), "__float__") {
        return call(m, &[v]);
    }
    // bytes and bytearray hold the number's text (pickle's protocol 0 reads `float(line)`)
    if let Some(raw) = ops::bytes_like(v) {
        let text = std::str::from_utf8(&raw).ok();
        return text.and_then(parse_float).map(new_float).ok_or_else(|| {
            value_error(format!(
                "could not convert string to float: {}",
                crate::objects::bytes::bytes_repr(&raw, "b")
            ))
        });
    }
    if let Some(b) = as_bigint(v) {
        return b
            .v
            .to_f64()
            .filter(|f| f.is_finite())
            .map(new_float)
            .ok_or_else(|| vm::overflow("int too large to convert to float"));
    }
    match ops::float_of(v) {
        Some(f) => Ok(new_float(f)),
        None => {
            if let Some(m) = ops::lookup_type_user(type_of(v), "__index__") {
                let i = call(m, &[v])?;
                return new_float_from(Args {
                    pos: &[i],
                    kwnames: &[],
                    kwvals: &[],
                });
            }
            if let Some(s) = crate::objects::surr::as_surr(v) {
                return Err(crate::vm::value_error(format!(
                    "could not convert string to float: {}",
                    crate::objects::surr::surr_repr(&s)
                )));
            }
            Err(type_error(format!(
                "float() argument must be a string or a real number, not '{}'",
                vm::type_name(v)
            )))
        }
    }
}

pub fn round_half_even(x: f64) -> f64 {
    let r = x.round();
    if (x - x.trunc()).abs() == 0.5 {
        2.0 * (x / 2.0).round()
    } else {
        r
    }
}

pub fn float_to_int(f: f64) -> Value {
    if f.abs() < 9.0e18 {
        new_int(f as i64)
    } else {
        new_bigint(num_traits::FromPrimitive::from_f64(f).unwrap_or_default())
    }
}

/// The methods of `float`.
pub(crate) static METHODS: &[Method] = &[
    m("is_integer()", |a| {
        Ok(Value::bool(ops::float_of(a.pos[0]).unwrap().fract() == 0.0))
    }),
    m("conjugate()", |a| Ok(a.pos[0])),
    m("W:__float__()", |a| Ok(a.pos[0])),
    m("W:__int__()", |a| {
        new_int_from(Args {
            pos: &[payload(a.pos[0])],
            kwnames: &[],
            kwvals: &[],
        })
    }),
    m("as_integer_ratio()", |a| {
        let f = ops::float_of(a.pos[0]).unwrap();
        if !f.is_finite() {
            return Err(if f.is_nan() {
                value_error("cannot convert NaN to integer ratio")
            } else {
                vm::overflow("cannot convert Infinity to integer ratio")
            });
        }
        let (m, e) = frexp(f);
        let mut mant = m;
        let mut exp = e;
        for _ in 0..300 {
            if mant.fract() == 0.0 {
                break;
            }
            mant *= 2.0;
            exp -= 1;
        }
        let mut num = BigInt::from(mant as i64);
        let mut den = BigInt::from(1);
        if exp > 0 {
            num <<= exp as usize;
        } else {
            den <<= (-exp) as usize;
        }
        let g = num_integer::Integer::gcd(&num, &den);
        Ok(new_tuple(&[new_bigint(&num / &g), new_bigint(&den / &g)]))
    }),
    m("hex()", |a| {
        Ok(new_string(crate::objects::format::float_hex(
            ops::float_of(a.pos[0]).unwrap(),
        )))
    }),
    cm("fromhex(string, /)", |a| {
        let s = str_arg(a.pos[1], "fromhex arg")?;
        crate::objects::format::float_fromhex(&s.s).map(new_float)
    }),
    m("__format__(format_spec, /)", format_method),
    m("__round__(ndigits=None, /)", |a| {
        ops::bi_round(Args {
            pos: a.pos,
            kwnames: &[],
            kwvals: &[],
        })
    }),
];

// ---------------------------------------------------------------- operator slots

pub(crate) use slots::*;

/// The arithmetic of floats (`binary_op`'s fast paths call these).
mod slots {
    use crate::compiler::bytecode::binop;
    use crate::objects::complex::complex_pow;
    use crate::vm::PyResult;

    use crate::objects::*;
    use crate::value::Value;
    use crate::vm::{self};

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
    pub(crate) fn float_floordiv(a: f64, b: f64) -> f64 {
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

    pub(crate) fn float_binop(a: f64, b: f64, op: u32) -> PyResult<Value> {
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
                    let (re, im) = complex_pow(a, 0.0, b, 0.0)?;
                    return Ok(new_complex(re, im));
                }
                let r = a.powf(b);
                if r.is_infinite() && a.is_finite() && b.is_finite() {
                    return Err(crate::interpreter::PyErr(vm::new_exception(
                        vm::cls(vm::C::OverflowError),
                        &[Value::small(34), new_str("Numerical result out of range")],
                    )));
                }
                r
            }
            _ => return Ok(Value::NOT_IMPLEMENTED),
        }))
    }
}

// ---------------------------------------------------------------- comparison and hash

/// Ordering of two numbers at least one of which is a float, the other an int or a float
/// (CPython's `float_richcompare`): exact also where the int does not fit a double, so
/// `2**53 + 1 > 2.0**53`; anything compared with NaN is false except `!=`.
pub(crate) fn float_compare(a: Value, b: Value, op: u32) -> Option<Value> {
    use crate::objects::ops::compare::{ord_result, CMP_SWAP};
    let (af, bf) = (a.is_kind(Kind::Float), b.is_kind(Kind::Float));
    // an int within 2**53 converts to a double exactly
    let exact =
        |v: Value| ops::int_of(v).is_some_and(|i| i.abs() <= 1 << 53) || v.is_kind(Kind::Float);
    if af && bf || exact(a) && exact(b) {
        return Some(ord_result(ops::float_of(a)?, ops::float_of(b)?, op));
    }
    if !af {
        return Some(int_float_cmp(&ops::big_of(a)?, ops::float_of(b)?, op));
    }
    Some(int_float_cmp(
        &ops::big_of(b)?,
        ops::float_of(a)?,
        CMP_SWAP[op as usize],
    ))
}

/// `i op f` for an int of any size and a float, without rounding the int.
fn int_float_cmp(i: &BigInt, f: f64, op: u32) -> Value {
    use crate::objects::ops::compare::ord_result;
    if f.is_nan() {
        return Value::bool(op == 3);
    }
    if f.is_infinite() {
        return ord_result(0.0, f, op);
    }
    let fl = f.floor();
    let fb = BigInt::from(fl as i128);
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

/// `hash` of a float, CPython's: an integral float hashes like the int, others reduce the
/// mantissa modulo `2**61 - 1` and rotate by the exponent; infinities are ±314159, NaN 0.
pub fn float_hash(f: f64) -> i64 {
    use crate::objects::int::{int_hash, HASH_MOD};
    if f.is_nan() {
        return 0;
    }
    if f.is_infinite() {
        return if f > 0.0 { 314159 } else { -314159 };
    }
    if f.fract() == 0.0 && f.abs() < 9.2e18 {
        return int_hash(f as i64);
    }
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

/// C's `frexp`: `f == m * 2**e` with `0.5 <= |m| < 1` (`(f, 0)` for zero, infinities, NaN).
pub fn frexp(f: f64) -> (f64, i32) {
    if f == 0.0 || !f.is_finite() {
        return (f, 0);
    }
    let bits = f.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        // subnormal: scale into the normal range first
        let (m, e) = frexp(f * (1u64 << 54) as f64);
        return (m, e - 54);
    }
    let e = exp - 1022;
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, e)
}

// ---------------------------------------------------------------- attributes

/// The attributes of a float (`real` is the float itself, `imag` is 0.0).
pub(crate) fn float_attr(v: Value, n: &str) -> Option<Value> {
    match n {
        "real" => Some(v),
        "imag" => Some(new_float(0.0)),
        _ => None,
    }
}
