//! `complex`: the object layout, the constructor (strings, numbers, `__complex__`) and the
//! methods of the type and, at the end, its slots: arithmetic, equality (`complex_compare`; no ordering),
//! hash and the attributes `real`/`imag`. The protocols are `objects/ops/`; repr is
//! `objects/format.rs`.

use crate::objects::float::parse_float;
use crate::objects::int::format_method;
use crate::objects::native::{m, Method};
use crate::objects::ops;
use crate::objects::{as_str, new_float, Args};
use crate::value::{Kind, Value};
use crate::vm::{type_error, type_of, value_error, PyResult};
use metatracer::gc::{self, Gc};
use metatracer::Trace;

#[repr(C)]
#[derive(Trace)]
pub struct ComplexObj {
    pub kind: Kind,
    pub re: f64,
    pub im: f64,
}

downcast!(as_complex, ComplexObj, Complex);

pub fn new_complex(re: f64, im: f64) -> Value {
    Value::obj(gc::alloc(ComplexObj {
        kind: Kind::Complex,
        re,
        im,
    }))
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

/// `complex(real=0, imag=0)`: from a string, or from numbers (objects that are not numbers
/// convert through `__complex__`, `__float__` or `__index__`).
pub(crate) fn new_complex_from(rest: Args) -> PyResult<Value> {
    let mut re = rest.pos.first().copied().unwrap_or(Value::small(0));
    // objects that are not numbers themselves convert through __complex__/__float__
    if as_str(re).is_none() && as_complex(re).is_none() && ops::float_of(re).is_none() {
        for m in ["__complex__", "__float__", "__index__"] {
            if let Some(f) = ops::lookup_type_user(type_of(re), m) {
                re = ops::call(f, &[re])?;
                break;
            }
        }
    }
    let im = rest.pos.get(1).copied().unwrap_or(Value::small(0));
    if let Some(s) = as_str(re) {
        return parse_complex(&s.s)
            .map(|(r, i)| new_complex(r, i))
            .ok_or_else(|| value_error("complex() arg is a malformed string"));
    }
    let (r1, i1) = match as_complex(re) {
        Some(c) => (c.re, c.im),
        None => (
            ops::float_of(re).ok_or_else(|| {
                type_error("complex() first argument must be a string or a number")
            })?,
            0.0,
        ),
    };
    let (r2, i2) = match as_complex(im) {
        Some(c) => (c.re, c.im),
        None => (
            ops::float_of(im)
                .ok_or_else(|| type_error("complex() second argument must be a number"))?,
            0.0,
        ),
    };
    Ok(new_complex(r1 - i2, i1 + r2))
}

/// The methods of `complex`.
pub(crate) static METHODS: &[Method] = &[
    m("conjugate()", |a| {
        let c = as_complex(a.pos[0]).unwrap();
        Ok(new_complex(c.re, -c.im))
    }),
    m("__format__(format_spec, /)", format_method),
];

// ---------------------------------------------------------------- operator slots

pub(crate) use slots::*;

/// The arithmetic of complex numbers (`binary_op`'s fast paths call these).
mod slots {
    use crate::compiler::bytecode::binop;
    use crate::vm::PyResult;

    use crate::objects::ops::*;
    use crate::objects::*;
    use crate::value::Value;
    use crate::vm::{self};

    /// CPython's `_Py_c_quot`: Smith's division (scaled by the larger part of the divisor,
    /// so `0.0 / complex(inf, 0)` is `0j`, not NaN); a zero divisor is `None`.
    pub(crate) fn complex_quot(a: (f64, f64), b: (f64, f64)) -> Option<(f64, f64)> {
        let ((ar, ai), (br, bi)) = (a, b);
        let (abs_br, abs_bi) = (br.abs(), bi.abs());
        if abs_br >= abs_bi {
            if abs_br == 0.0 {
                return None;
            }
            let ratio = bi / br;
            let denom = br + bi * ratio;
            Some(((ar + ai * ratio) / denom, (ai - ar * ratio) / denom))
        } else if abs_bi >= abs_br {
            let ratio = br / bi;
            let denom = br * ratio + bi;
            Some(((ar * ratio + ai) / denom, (ai * ratio - ar) / denom))
        } else {
            // One of the divisor's parts is NaN.
            Some((f64::NAN, f64::NAN))
        }
    }

    fn prod(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
        (a.0 * b.0 - a.1 * b.1, a.0 * b.1 + a.1 * b.0)
    }

    /// `a ** b` as CPython's `complex_pow`: small integral exponents (|n| <= 100) by repeated
    /// squaring, others through polar form; `0 ** negative-or-complex` is a
    /// `ZeroDivisionError` and a result with an infinite part an `OverflowError`.
    pub(crate) fn complex_pow(ar: f64, ai: f64, br: f64, bi: f64) -> PyResult<(f64, f64)> {
        let zero_neg = || vm::zero_div("0.0 to a negative or complex power");
        let r = if bi == 0.0 && br == br.floor() && br.abs() <= 100.0 {
            let n = br.abs() as u32;
            let (mut r, mut p, mut mask) = ((1.0, 0.0), (ar, ai), 1u32);
            while mask > 0 && n >= mask {
                if n & mask != 0 {
                    r = prod(r, p);
                }
                mask <<= 1;
                p = prod(p, p);
            }
            if br < 0.0 {
                complex_quot((1.0, 0.0), r).ok_or_else(zero_neg)?
            } else {
                r
            }
        } else if br == 0.0 && bi == 0.0 {
            (1.0, 0.0)
        } else if ar == 0.0 && ai == 0.0 {
            if bi != 0.0 || br < 0.0 {
                return Err(zero_neg());
            }
            (0.0, 0.0)
        } else {
            let vabs = ar.hypot(ai);
            let mut len = vabs.powf(br);
            let at = ai.atan2(ar);
            let mut phase = at * br;
            if bi != 0.0 {
                len /= (at * bi).exp();
                phase += bi * vabs.ln();
            }
            (len * phase.cos(), len * phase.sin())
        };
        if r.0.is_infinite() || r.1.is_infinite() {
            return Err(vm::overflow("complex exponentiation"));
        }
        Ok(r)
    }

    pub(crate) fn complex_of(v: Value) -> Option<(f64, f64)> {
        if let Some(c) = as_complex(v) {
            return Some((c.re, c.im));
        }
        float_of(v).map(|f| (f, 0.0))
    }

    pub(crate) fn complex_binop(a: (f64, f64), b: (f64, f64), op: u32) -> PyResult<Value> {
        let (ar, ai) = a;
        let (br, bi) = b;
        let (r, i) = match op {
            binop::ADD => (ar + br, ai + bi),
            binop::SUB => (ar - br, ai - bi),
            binop::MUL => (ar * br - ai * bi, ar * bi + ai * br),
            binop::TRUEDIV => {
                complex_quot(a, b).ok_or_else(|| vm::zero_div("complex division by zero"))?
            }
            binop::POW => complex_pow(ar, ai, br, bi)?,
            _ => return Ok(Value::NOT_IMPLEMENTED),
        };
        Ok(new_complex(r, i))
    }
}

// ---------------------------------------------------------------- comparison and hash

/// `a == b` / `a != b` where one side is complex and the other any number; complex numbers
/// have no ordering (`NotImplemented`, so `<` raises `TypeError`).
pub(crate) fn complex_compare(a: Value, b: Value, op: u32) -> Option<Value> {
    let (x, y) = (complex_of(a)?, complex_of(b)?);
    Some(match op {
        2 => Value::bool(x == y),
        3 => Value::bool(x != y),
        _ => Value::NOT_IMPLEMENTED,
    })
}

/// `hash` of a complex number (CPython's: the real part's hash plus 1000003 times the
/// imaginary part's, so a complex with a zero imaginary part hashes like its real part).
pub(crate) fn complex_hash(c: &ComplexObj) -> i64 {
    use crate::objects::float::float_hash;
    float_hash(c.re).wrapping_add(float_hash(c.im).wrapping_mul(1000003))
}

// ---------------------------------------------------------------- attributes

/// The attributes of a complex number (`real`, `imag`).
pub(crate) fn complex_attr(c: Gc<ComplexObj>, n: &str) -> crate::vm::PyResult<Option<Value>> {
    match n {
        "real" => return Ok(Some(new_float(c.re))),
        "imag" => return Ok(Some(new_float(c.im))),
        _ => {}
    }
    Ok(None)
}
