//! The native `math` module: the functions of CPython's `math` over `f64` and big ints
//! (`factorial`, `gcd`, `comb`, `isqrt`, ...), with CPython's domain and range errors.

use super::*;

/// The `i`th positional argument of a math function as a double, converted like CPython's
/// `PyFloat_AsDouble`: floats and ints directly (an int beyond the float range is an
/// `OverflowError`), other objects through `__float__` or `__index__`.
fn real_arg(a: &Args, i: usize) -> PyResult<f64> {
    let v = *a.pos.get(i).ok_or_else(|| {
        type_error(format!(
            "math function expected at least {} arguments, got {}",
            i + 1,
            a.pos.len()
        ))
    })?;
    real(v)
}

pub(crate) fn real(v: Value) -> PyResult<f64> {
    if let Some(b) = as_bigint(v) {
        return b
            .v
            .to_f64()
            .filter(|f| f.is_finite())
            .ok_or_else(|| vm::overflow("int too large to convert to float"));
    }
    if let Some(f) = float_of(v) {
        return Ok(f);
    }
    for name in ["__float__", "__index__"] {
        if let Some(m) = ops::lookup_type_user(vm::type_of(v), name) {
            let r = ops::call(m, &[v])?;
            if name == "__float__" && !r.is_kind(crate::value::Kind::Float) {
                return Err(type_error(format!(
                    "{}.__float__ returned non-float (type {})",
                    vm::type_name(v),
                    vm::type_name(r)
                )));
            }
            return real(r);
        }
    }
    Err(type_error(format!(
        "must be real number, not {}",
        vm::type_name(v)
    )))
}

fn f1(a: &Args) -> PyResult<f64> {
    real_arg(a, 0)
}

fn domain() -> crate::interpreter::PyErr {
    value_error("math domain error")
}

fn range() -> crate::interpreter::PyErr {
    vm::overflow("math range error")
}

/// CPython's `math_1`: apply a one-argument libm function and turn its special results into
/// errors. A NaN from a non-NaN argument is a domain error; an infinity from a finite
/// argument is a range error (`OverflowError`) when the function can overflow, otherwise a
/// domain error (a pole such as `atanh(1.0)`).
fn math_1(x: f64, f: fn(f64) -> f64, can_overflow: bool) -> PyResult<Value> {
    let r = f(x);
    if r.is_nan() && !x.is_nan() {
        return Err(domain());
    }
    if r.is_infinite() && x.is_finite() {
        return Err(if can_overflow { range() } else { domain() });
    }
    Ok(new_float(r))
}

/// CPython's `math_2`: the same rules for two-argument functions.
fn math_2(x: f64, y: f64, f: fn(f64, f64) -> f64) -> PyResult<Value> {
    let r = f(x, y);
    if r.is_nan() && !x.is_nan() && !y.is_nan() {
        return Err(domain());
    }
    if r.is_infinite() && x.is_finite() && y.is_finite() {
        return Err(range());
    }
    Ok(new_float(r))
}

/// `math.pow`: C99's special values for infinite and NaN operands (`pow(nan, 0)` is 1,
/// `pow(-inf, 3)` is `-inf`), then libm's `pow` with its errors: NaN is a domain error,
/// an infinite result a domain error for a zero base and a range error otherwise.
fn math_pow(x: f64, y: f64) -> PyResult<f64> {
    if !x.is_finite() || !y.is_finite() {
        let r = if x.is_nan() {
            if y == 0.0 {
                1.0
            } else {
                x
            }
        } else if y.is_nan() {
            if x == 1.0 {
                1.0
            } else {
                y
            }
        } else if x.is_infinite() {
            let odd_y = y.is_finite() && (y.abs() % 2.0) == 1.0;
            if y > 0.0 {
                if odd_y {
                    x
                } else {
                    x.abs()
                }
            } else if y == 0.0 {
                1.0
            } else if odd_y {
                0.0f64.copysign(x)
            } else {
                0.0
            }
        } else if x.abs() == 1.0 {
            1.0
        } else if (y > 0.0 && x.abs() > 1.0) || (y < 0.0 && x.abs() < 1.0) {
            f64::INFINITY
        } else {
            0.0
        };
        return Ok(r);
    }
    let r = x.powf(y);
    if r.is_nan() {
        return Err(domain());
    }
    if r.is_infinite() {
        return Err(if x == 0.0 { domain() } else { range() });
    }
    Ok(r)
}

/// Natural logarithm of a math argument; ints of any size are exact enough (their top 60
/// bits scaled), zero and negatives are domain errors.
fn ln_arg(v: Value, f: fn(f64) -> f64, ln2_scale: f64) -> PyResult<f64> {
    if let Some(b) = as_bigint(v) {
        if !b.v.is_positive() {
            return Err(domain());
        }
        if b.v.to_f64().is_some_and(|x| x.is_finite()) {
            return Ok(f(b.v.to_f64().unwrap_or(0.0)));
        }
        let bits = b.v.bits() as i64;
        let shift = (bits - 60).max(0);
        let top = (&b.v >> shift as usize).to_f64().unwrap_or(1.0);
        return Ok(f(top) + shift as f64 * ln2_scale);
    }
    let x = real(v)?;
    if x.is_nan() || x == f64::INFINITY {
        return Ok(x);
    }
    if x <= 0.0 {
        return Err(domain());
    }
    Ok(f(x))
}

fn math_int(a: &Args, i: usize) -> PyResult<BigInt> {
    let v = a.pos[i];
    if v.is_kind(crate::value::Kind::Float) {
        return Err(type_error(
            "'float' object cannot be interpreted as an integer",
        ));
    }
    ops::big_of(v).ok_or_else(|| {
        type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            vm::type_name(v)
        ))
    })
}

/// The one-argument functions traced code computes itself when the result is finite
/// (`interpreter::opcodes_builtins`: it recognizes them by these function pointers).
pub(crate) fn math_sqrt(a: Args) -> PyResult<Value> {
    math_1(f1(&a)?, f64::sqrt, false)
}

/// `math.sin` (see [`math_sqrt`]).
pub(crate) fn math_sin(a: Args) -> PyResult<Value> {
    math_1(f1(&a)?, f64::sin, false)
}

/// `math.cos` (see [`math_sqrt`]).
pub(crate) fn math_cos(a: Args) -> PyResult<Value> {
    math_1(f1(&a)?, f64::cos, false)
}

/// `math.exp` (see [`math_sqrt`]).
pub(crate) fn math_exp(a: Args) -> PyResult<Value> {
    math_1(f1(&a)?, f64::exp, true)
}

/// `math.atan` (see [`math_sqrt`]).
pub(crate) fn math_atan(a: Args) -> PyResult<Value> {
    math_1(f1(&a)?, f64::atan, false)
}

pub(crate) fn make_math() -> Gc<ModuleObj> {
    let m = new_module("math", None);
    let d = m.dict;
    d.set_str("pi", new_float(std::f64::consts::PI));
    d.set_str("e", new_float(std::f64::consts::E));
    d.set_str("tau", new_float(std::f64::consts::TAU));
    d.set_str("inf", new_float(f64::INFINITY));
    d.set_str("nan", new_float(f64::NAN));
    crate::objects::float::register_math_fast_fns([
        math_sqrt as NativeFn as usize,
        math_sin as NativeFn as usize,
        math_cos as NativeFn as usize,
        math_exp as NativeFn as usize,
        math_atan as NativeFn as usize,
    ]);
    def(m, "sqrt", math_sqrt);
    def(m, "sin", math_sin);
    def(m, "cos", math_cos);
    def(m, "tan", |a| math_1(f1(&a)?, f64::tan, false));
    def(m, "asin", |a| math_1(f1(&a)?, f64::asin, false));
    def(m, "acos", |a| math_1(f1(&a)?, f64::acos, false));
    def(m, "atan", math_atan);
    def(m, "asinh", |a| math_1(f1(&a)?, libm::asinh, false));
    def(m, "acosh", |a| math_1(f1(&a)?, libm::acosh, false));
    def(m, "atanh", |a| math_1(f1(&a)?, libm::atanh, false));
    def(m, "sinh", |a| math_1(f1(&a)?, f64::sinh, true));
    def(m, "cosh", |a| math_1(f1(&a)?, f64::cosh, true));
    def(m, "tanh", |a| math_1(f1(&a)?, f64::tanh, false));
    def(m, "cbrt", |a| math_1(f1(&a)?, f64::cbrt, false));
    def(m, "exp", math_exp);
    def(m, "exp2", |a| math_1(f1(&a)?, f64::exp2, true));
    def(m, "expm1", |a| math_1(f1(&a)?, f64::exp_m1, true));
    def(m, "log1p", |a| math_1(f1(&a)?, f64::ln_1p, false));
    def(m, "fabs", |a| math_1(f1(&a)?, f64::abs, false));
    def(m, "degrees", |a| {
        Ok(new_float(f1(&a)? * (180.0 / std::f64::consts::PI)))
    });
    def(m, "radians", |a| {
        Ok(new_float(f1(&a)? * (std::f64::consts::PI / 180.0)))
    });
    def(m, "atan2", |a| {
        let (y, x) = (f1(&a)?, real_arg(&a, 1)?);
        Ok(new_float(y.atan2(x)))
    });
    def(m, "copysign", |a| {
        Ok(new_float(f1(&a)?.copysign(real_arg(&a, 1)?)))
    });
    def(m, "fmod", |a| {
        let (x, y) = (f1(&a)?, real_arg(&a, 1)?);
        // fmod(x, ±inf) is x for finite x (C99); the general rules cover the rest.
        if y.is_infinite() && x.is_finite() {
            return Ok(new_float(x));
        }
        math_2(x, y, |x, y| x % y)
    });
    def(m, "remainder", |a| {
        let (x, y) = (f1(&a)?, real_arg(&a, 1)?);
        math_2(x, y, libm::remainder)
    });
    def(m, "nextafter", |a| {
        let (x, y) = (f1(&a)?, real_arg(&a, 1)?);
        Ok(new_float(libm::nextafter(x, y)))
    });
    // the gap from |x| to the next float away from zero (towards zero at the largest)
    def(m, "ulp", |a| {
        let x = f1(&a)?.abs();
        if x.is_nan() || x.is_infinite() {
            return Ok(new_float(x));
        }
        let up = libm::nextafter(x, f64::INFINITY);
        if up.is_infinite() {
            return Ok(new_float(x - libm::nextafter(x, f64::NEG_INFINITY)));
        }
        Ok(new_float(up - x))
    });
    def(m, "log", |a| {
        let ln2 = std::f64::consts::LN_2;
        let r = ln_arg(
            *a.pos
                .first()
                .ok_or_else(|| type_error("log expected at least 1 argument, got 0"))?,
            f64::ln,
            ln2,
        )?;
        match a.pos.get(1) {
            Some(&b) => {
                let d = ln_arg(b, f64::ln, ln2)?;
                if d == 0.0 {
                    return Err(vm::zero_div("float division by zero"));
                }
                Ok(new_float(r / d))
            }
            None => Ok(new_float(r)),
        }
    });
    def(m, "log2", |a| {
        Ok(new_float(ln_arg(a.pos[0], f64::log2, 1.0)?))
    });
    def(m, "log10", |a| {
        Ok(new_float(ln_arg(
            a.pos[0],
            f64::log10,
            std::f64::consts::LOG10_2,
        )?))
    });
    def(m, "pow", |a| {
        Ok(new_float(math_pow(f1(&a)?, real_arg(&a, 1)?)?))
    });
    def(m, "floor", |a| rounded(&a, "__floor__", f64::floor));
    def(m, "ceil", |a| rounded(&a, "__ceil__", f64::ceil));
    def(m, "trunc", |a| rounded(&a, "__trunc__", f64::trunc));
    def(m, "isnan", |a| Ok(Value::bool(f1(&a)?.is_nan())));
    def(m, "isinf", |a| Ok(Value::bool(f1(&a)?.is_infinite())));
    def(m, "isfinite", |a| Ok(Value::bool(f1(&a)?.is_finite())));
    def(m, "modf", |a| {
        let x = f1(&a)?;
        if x.is_infinite() {
            return Ok(new_tuple(&[new_float(0.0f64.copysign(x)), new_float(x)]));
        }
        Ok(new_tuple(&[
            new_float(x.fract().copysign(x)),
            new_float(x.trunc()),
        ]))
    });
    def(m, "frexp", |a| {
        let (mm, e) = crate::objects::float::frexp(f1(&a)?);
        Ok(new_tuple(&[new_float(mm), Value::small(e as i64)]))
    });
    def(m, "ldexp", |a| {
        let x = f1(&a)?;
        let e = a
            .pos
            .get(1)
            .ok_or_else(|| type_error("ldexp expected 2 arguments, got 1"))?;
        if e.is_kind(crate::value::Kind::Float) {
            return Err(type_error("Expected an int as second argument to ldexp."));
        }
        let e = ops::big_of(*e)
            .ok_or_else(|| type_error("Expected an int as second argument to ldexp."))?;
        if x == 0.0 || !x.is_finite() {
            return Ok(new_float(x));
        }
        let e = e
            .to_i32()
            .unwrap_or(if e.is_negative() { i32::MIN } else { i32::MAX });
        let r = libm::ldexp(x, e);
        if r.is_infinite() {
            return Err(range());
        }
        Ok(new_float(r))
    });
    def(m, "hypot", |a| {
        let mut s = 0.0f64;
        for &v in a.pos {
            s = s.hypot(real(v)?);
        }
        Ok(new_float(s))
    });
    def(m, "dist", |a| {
        let p = crate::objects::native::seq_items(a.pos[0])?;
        let q = crate::objects::native::seq_items(a.pos[1])?;
        let mut s = 0.0f64;
        for (x, y) in p.iter().zip(q.iter()) {
            s = s.hypot(float_of(*x).unwrap_or(0.0) - float_of(*y).unwrap_or(0.0));
        }
        Ok(new_float(s))
    });
    def(m, "isclose", |a| {
        let (x, y) = (f1(&a)?, float_of(a.pos[1]).unwrap_or(0.0));
        let rel = kwarg(&a, "rel_tol").and_then(float_of).unwrap_or(1e-9);
        let abs = kwarg(&a, "abs_tol").and_then(float_of).unwrap_or(0.0);
        if x == y {
            return Ok(Value::TRUE);
        }
        if x.is_infinite() || y.is_infinite() {
            return Ok(Value::FALSE);
        }
        let diff = (x - y).abs();
        Ok(Value::bool(
            diff <= (rel * y.abs()).max(rel * x.abs()) || diff <= abs,
        ))
    });
    def(m, "fsum", |a| {
        // Neumaier summation, then exact correction via partials (Shewchuk)
        let mut partials: Vec<f64> = Vec::new();
        // Infinities and NaNs are summed apart (CPython: inf + -inf is a ValueError, a
        // finite sum that overflows an OverflowError).
        let mut special = 0.0f64;
        let mut inf_sum = 0.0f64;
        for v in crate::objects::native::seq_items(a.pos[0])? {
            let mut x = real(v)?;
            if !x.is_finite() {
                if x.is_infinite() {
                    inf_sum += x;
                }
                special += x;
                continue;
            }
            let mut i = 0;
            for j in 0..partials.len() {
                let mut y = partials[j];
                if x.abs() < y.abs() {
                    std::mem::swap(&mut x, &mut y);
                }
                let hi = x + y;
                let lo = y - (hi - x);
                if lo != 0.0 {
                    partials[i] = lo;
                    i += 1;
                }
                x = hi;
            }
            partials.truncate(i);
            if !x.is_finite() {
                return Err(vm::overflow("intermediate overflow in fsum"));
            }
            partials.push(x);
        }
        if special != 0.0 {
            if inf_sum.is_nan() {
                return Err(value_error("-inf + inf in fsum"));
            }
            return Ok(new_float(special));
        }
        let mut hi = 0.0;
        if let Some(mut n) = partials.len().checked_sub(0) {
            if n > 0 {
                n -= 1;
                hi = partials[n];
                let mut lo = 0.0;
                while n > 0 {
                    let x = hi;
                    n -= 1;
                    let y = partials[n];
                    hi = x + y;
                    let yr = hi - x;
                    lo = y - yr;
                    if lo != 0.0 {
                        break;
                    }
                }
                if n > 0
                    && ((lo < 0.0 && partials[n - 1] < 0.0) || (lo > 0.0 && partials[n - 1] > 0.0))
                {
                    let y = lo * 2.0;
                    let x = hi + y;
                    let yr = x - hi;
                    if y == yr {
                        hi = x;
                    }
                }
            }
        }
        Ok(new_float(hi))
    });
    def(m, "factorial", |a| {
        let n = math_int(&a, 0)?;
        if n.is_negative() {
            return Err(value_error("factorial() not defined for negative values"));
        }
        let n = n.to_u64().unwrap_or(0);
        let mut r = BigInt::one();
        for k in 2..=n {
            r *= k;
        }
        Ok(new_bigint(r))
    });
    def(m, "gcd", |a| {
        let mut g = BigInt::zero();
        for i in 0..a.pos.len() {
            g = num_integer::Integer::gcd(&g, &math_int(&a, i)?);
        }
        Ok(new_bigint(g))
    });
    def(m, "lcm", |a| {
        let mut l = BigInt::one();
        for i in 0..a.pos.len() {
            let x = math_int(&a, i)?;
            if x.is_zero() {
                return Ok(Value::small(0));
            }
            l = num_integer::Integer::lcm(&l, &x);
        }
        Ok(new_bigint(l))
    });
    def(m, "isqrt", |a| {
        let n = math_int(&a, 0)?;
        if n.is_negative() {
            return Err(value_error("isqrt() argument must be nonnegative"));
        }
        Ok(new_bigint(n.sqrt()))
    });
    def(m, "comb", |a| {
        let n = math_int(&a, 0)?;
        let k = math_int(&a, 1)?;
        if n.is_negative() || k.is_negative() {
            return Err(value_error("n must be a non-negative integer"));
        }
        if k > n {
            return Ok(Value::small(0));
        }
        let k = k
            .to_u64()
            .unwrap()
            .min((&n - &k).to_u64().unwrap_or(u64::MAX));
        let mut r = BigInt::one();
        for i in 0..k {
            r = r * (&n - i) / (i + 1);
        }
        Ok(new_bigint(r))
    });
    def(m, "perm", |a| {
        let n = math_int(&a, 0)?;
        let k = if a.pos.len() > 1 {
            math_int(&a, 1)?
        } else {
            n.clone()
        };
        if k > n {
            return Ok(Value::small(0));
        }
        let mut r = BigInt::one();
        for i in 0..k.to_u64().unwrap() {
            r *= &n - i;
        }
        Ok(new_bigint(r))
    });
    def(m, "prod", |a| {
        let mut acc = kwarg(&a, "start").unwrap_or(Value::small(1));
        for v in crate::objects::native::seq_items(a.pos[0])? {
            acc = ops::binary_op(acc, v, crate::compiler::bytecode::binop::MUL)?;
        }
        Ok(acc)
    });
    def(m, "erf", |a| Ok(new_float(erf(f1(&a)?))));
    def(m, "erfc", |a| Ok(new_float(erfc(f1(&a)?))));
    def(m, "gamma", |a| {
        let x = f1(&a)?;
        // Poles at zero and the negative integers, and -inf, are domain errors.
        if x == f64::NEG_INFINITY || (x.is_finite() && x <= 0.0 && x.fract() == 0.0) {
            return Err(domain());
        }
        math_1(x, gamma, true)
    });
    def(m, "lgamma", |a| {
        let x = f1(&a)?;
        if x.is_finite() && x <= 0.0 && x.fract() == 0.0 {
            return Err(domain());
        }
        if x.is_infinite() {
            return Ok(new_float(f64::INFINITY));
        }
        math_1(x, libm::lgamma, true)
    });
    m
}

// CPython 3.11's `math.erf`/`math.erfc` are the C library's; calling the same functions
// gives bit-identical results. Rust's std links the system libm on every supported target.
extern "C" {
    #[link_name = "erf"]
    fn libm_erf(x: f64) -> f64;
    #[link_name = "erfc"]
    fn libm_erfc(x: f64) -> f64;
}

fn erf(x: f64) -> f64 {
    // SAFETY: `erf` from libm is a pure function of a double, defined for every input.
    unsafe { libm_erf(x) }
}

fn erfc(x: f64) -> f64 {
    // SAFETY: `erfc` from libm is a pure function of a double, defined for every input.
    unsafe { libm_erfc(x) }
}

fn gamma(x: f64) -> f64 {
    libm::tgamma(x)
}

/// The C library's functions that Rust's `f64` does not expose (or computes in Rust rather
/// than through libm, like the inverse hyperbolics); CPython calls the same ones.
mod libm {
    extern "C" {
        #[link_name = "atanh"]
        fn c_atanh(x: f64) -> f64;
        #[link_name = "asinh"]
        fn c_asinh(x: f64) -> f64;
        #[link_name = "acosh"]
        fn c_acosh(x: f64) -> f64;
        #[link_name = "remainder"]
        fn c_remainder(x: f64, y: f64) -> f64;
        #[link_name = "nextafter"]
        fn c_nextafter(x: f64, y: f64) -> f64;
        #[link_name = "ldexp"]
        fn c_ldexp(x: f64, e: i32) -> f64;
        #[link_name = "tgamma"]
        fn c_tgamma(x: f64) -> f64;
        #[link_name = "lgamma"]
        fn c_lgamma(x: f64) -> f64;
    }
    pub(super) fn atanh(x: f64) -> f64 {
        // SAFETY: a pure libm function of a double, defined for every input.
        unsafe { c_atanh(x) }
    }
    pub(super) fn asinh(x: f64) -> f64 {
        // SAFETY: a pure libm function of a double, defined for every input.
        unsafe { c_asinh(x) }
    }
    pub(super) fn acosh(x: f64) -> f64 {
        // SAFETY: a pure libm function of a double, defined for every input.
        unsafe { c_acosh(x) }
    }
    pub(super) fn remainder(x: f64, y: f64) -> f64 {
        // SAFETY: a pure libm function of two doubles, defined for every input.
        unsafe { c_remainder(x, y) }
    }
    pub(super) fn nextafter(x: f64, y: f64) -> f64 {
        // SAFETY: a pure libm function of two doubles, defined for every input.
        unsafe { c_nextafter(x, y) }
    }
    pub(super) fn ldexp(x: f64, e: i32) -> f64 {
        // SAFETY: a pure libm function of a double and a C int, defined for every input.
        unsafe { c_ldexp(x, e) }
    }
    pub(super) fn tgamma(x: f64) -> f64 {
        // SAFETY: a pure libm function of a double, defined for every input.
        unsafe { c_tgamma(x) }
    }
    pub(super) fn lgamma(x: f64) -> f64 {
        // SAFETY: libm's lgamma writes the sign to the global `signgam`, which nothing in
        // pyguest reads; otherwise pure and defined for every input.
        unsafe { c_lgamma(x) }
    }
}

/// `math.floor`/`ceil`/`trunc`: ints unchanged, a user type's dunder called, a float rounded
/// and converted exactly (infinity is an `OverflowError`, NaN a `ValueError`).
fn rounded(a: &Args, dunder: &str, f: fn(f64) -> f64) -> PyResult<Value> {
    let v = *a
        .pos
        .first()
        .ok_or_else(|| type_error("math function takes exactly one argument (0 given)"))?;
    if v == Value::TRUE || v == Value::FALSE {
        return Ok(Value::small((v == Value::TRUE) as i64));
    }
    if ops::is_int_like(v) {
        return Ok(v);
    }
    if let Some(mm) = ops::lookup_type_user(vm::type_of(v), dunder) {
        return ops::call(mm, &[v]);
    }
    float_to_int_checked(f(f1(a)?))
}

/// A float with no fraction as an int, with CPython's errors for infinities and NaN.
pub(crate) fn float_to_int_checked(x: f64) -> PyResult<Value> {
    if x.is_nan() {
        return Err(value_error("cannot convert float NaN to integer"));
    }
    if x.is_infinite() {
        return Err(vm::overflow("cannot convert float infinity to integer"));
    }
    Ok(crate::objects::float::float_to_int(x))
}
