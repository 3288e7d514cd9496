//! Numbers: `int`, `float` and `complex` constructors (string parsing with CPython's rules)
//! and the methods of the three types. The arithmetic operator slots are in `objects/ops/arith.rs`
//! (`binary_op`), float repr and format specs in `objects/format.rs`.

use crate::interpreter::PyResult;
use crate::objects::native::{arg_or_kw, classmeth, kwarg, meth, opt, seq_items, str_arg};
use crate::objects::ops::{self, call, index_of, int_of, str_of, truthy};
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::{self, type_error, type_of, value_error, C};
use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive};

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
        let s = str_arg(
            v,
            "int() can't convert non-string with explicit base; argument",
        )?;
        return parse_int(&s.s, b as u32).ok_or_else(|| {
            value_error(format!(
                "invalid literal for int() with base {}: {}",
                b,
                ops::str_repr(&s.s)
            ))
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
        return parse_int(&s.s, 10).ok_or_else(|| {
            value_error(format!(
                "invalid literal for int() with base 10: {}",
                ops::str_repr(&s.s)
            ))
        });
    }
    if let Some(b) = ops::bytes_like(v) {
        let s = String::from_utf8_lossy(&b).into_owned();
        return parse_int(&s, 10).ok_or_else(|| {
            value_error(format!(
                "invalid literal for int() with base 10: {}",
                ops::bytes_repr(&b, "b")
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
    Err(type_error(format!(
        "int() argument must be a string, a bytes-like object or a real number, not '{}'",
        vm::type_name(v)
    )))
}

pub fn parse_float(s: &str) -> Option<f64> {
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
                ops::str_repr(&s.s)
            ))
        });
    }
    if let Some(m) = ops::lookup_type_user(type_of(v), "__float__") {
        return call(m, &[v]);
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
            Err(type_error(format!(
                "float() argument must be a string or a real number, not '{}'",
                vm::type_name(v)
            )))
        }
    }
}

pub(crate) fn parse_complex(s: &str) -> Option<(f64, f64)> {
    let t = s.trim().trim_start_matches('(').trim_end_matches(')');
    if !t.ends_with(['j', 'J']) {
        return parse_float(t).map(|r| (r, 0.0));
    }
    let body = &t[..t.len() - 1];
    // split at the last sign that is not part of an exponent
    let bytes = body.as_bytes();
    let mut split = None;
    for i in (1..bytes.len()).rev() {
        if (bytes[i] == b'+' || bytes[i] == b'-') && !matches!(bytes[i - 1], b'e' | b'E') {
            split = Some(i);
            break;
        }
    }
    match split {
        Some(i) => {
            let re = parse_float(&body[..i])?;
            let im_s = &body[i..];
            let im = if im_s == "+" {
                1.0
            } else if im_s == "-" {
                -1.0
            } else {
                parse_float(im_s)?
            };
            Some((re, im))
        }
        None => {
            let im = if body.is_empty() || body == "+" {
                1.0
            } else if body == "-" {
                -1.0
            } else {
                parse_float(body)?
            };
            Some((0.0, im))
        }
    }
}

// ---------------------------------------------------------------- numbers

pub(crate) fn install_number_methods() {
    meth(C::int, "bit_length()", |a| {
        let b = ops::big_of(a.pos[0]).unwrap();
        Ok(Value::small(b.bits() as i64))
    });
    meth(C::int, "bit_count()", |a| {
        let b = ops::big_of(a.pos[0]).unwrap();
        Ok(Value::small(b.magnitude().count_ones() as i64))
    });
    meth(C::int, "conjugate()", |a| Ok(a.pos[0]));
    meth(C::int, "W:__index__()", |a| Ok(a.pos[0]));
    meth(C::int, "W:__int__()", |a| Ok(payload(a.pos[0])));
    meth(C::int, "W:__float__()", |a| {
        Ok(new_float(ops::float_of(a.pos[0]).unwrap_or(0.0)))
    });
    meth(C::int, "as_integer_ratio()", |a| {
        Ok(new_tuple(&[a.pos[0], Value::small(1)]))
    });
    meth(
        C::int,
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
    );
    classmeth(
        C::int,
        "from_bytes(bytes, byteorder='big', *, signed=False)",
        |a| {
            let bytes = ops::bytes_like(a.pos[1]).map(Ok).unwrap_or_else(|| {
                seq_items(a.pos[1])
                    .map(|v| v.iter().map(|x| int_of(*x).unwrap_or(0) as u8).collect())
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
        },
    );
    meth(C::float, "is_integer()", |a| {
        Ok(Value::bool(ops::float_of(a.pos[0]).unwrap().fract() == 0.0))
    });
    meth(C::float, "conjugate()", |a| Ok(a.pos[0]));
    meth(C::float, "W:__float__()", |a| Ok(a.pos[0]));
    meth(C::float, "W:__int__()", |a| {
        new_int_from(Args {
            pos: &[payload(a.pos[0])],
            kwnames: &[],
            kwvals: &[],
        })
    });
    meth(C::float, "as_integer_ratio()", |a| {
        let f = ops::float_of(a.pos[0]).unwrap();
        if !f.is_finite() {
            return Err(if f.is_nan() {
                value_error("cannot convert NaN to integer ratio")
            } else {
                vm::overflow("cannot convert Infinity to integer ratio")
            });
        }
        let (m, e) = ops::frexp(f);
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
    });
    meth(C::float, "hex()", |a| {
        Ok(new_string(crate::objects::format::float_hex(
            ops::float_of(a.pos[0]).unwrap(),
        )))
    });
    classmeth(C::float, "fromhex(string, /)", |a| {
        let s = str_arg(a.pos[1], "fromhex arg")?;
        crate::objects::format::float_fromhex(&s.s)
            .map(new_float)
            .ok_or_else(|| value_error("invalid hexadecimal floating-point string"))
    });
    meth(C::complex, "conjugate()", |a| {
        let c = as_complex(a.pos[0]).unwrap();
        Ok(new_complex(c.re, -c.im))
    });
    for c in [C::int, C::float, C::str, C::complex] {
        meth(c, "__format__(format_spec, /)", |a| {
            crate::objects::format::format_value(a.pos[0], &str_arg(a.pos[1], "format spec")?.s)
        });
    }
    meth(C::float, "__round__(ndigits=None, /)", |a| {
        bi_round(Args {
            pos: a.pos,
            kwnames: &[],
            kwvals: &[],
        })
    });
    meth(C::int, "__round__(ndigits=<unrepresentable>, /)", |a| {
        bi_round(Args {
            pos: a.pos,
            kwnames: &[],
            kwvals: &[],
        })
    });
}

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
