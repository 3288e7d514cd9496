//! The native `math` module: the functions of CPython's `math` over `f64` and big ints
//! (`factorial`, `gcd`, `comb`, `isqrt`, ...), with CPython's domain and range errors.

use super::*;

fn f1(a: &Args) -> PyResult<f64> {
    let v = *a
        .pos
        .first()
        .ok_or_else(|| type_error("math function takes an argument"))?;
    float_of(v).ok_or_else(|| type_error(format!("must be real number, not {}", vm::type_name(v))))
}

pub(crate) fn checked(x: f64) -> PyResult<Value> {
    if x.is_nan() {
        return Err(value_error("math domain error"));
    }
    Ok(new_float(x))
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

pub(crate) fn make_math() -> Gc<ModuleObj> {
    let m = new_module("math", None);
    let d = m.dict;
    d.set_str("pi", new_float(std::f64::consts::PI));
    d.set_str("e", new_float(std::f64::consts::E));
    d.set_str("tau", new_float(std::f64::consts::TAU));
    d.set_str("inf", new_float(f64::INFINITY));
    d.set_str("nan", new_float(f64::NAN));
    def(m, "sqrt", |a| {
        let x = f1(&a)?;
        if x < 0.0 {
            return Err(value_error("math domain error"));
        }
        Ok(new_float(x.sqrt()))
    });
    def(m, "sin", |a| checked(f1(&a)?.sin()));
    def(m, "cos", |a| checked(f1(&a)?.cos()));
    def(m, "tan", |a| checked(f1(&a)?.tan()));
    def(m, "asin", |a| checked(f1(&a)?.asin()));
    def(m, "acos", |a| checked(f1(&a)?.acos()));
    def(m, "atan", |a| Ok(new_float(f1(&a)?.atan())));
    def(m, "sinh", |a| Ok(new_float(f1(&a)?.sinh())));
    def(m, "cosh", |a| Ok(new_float(f1(&a)?.cosh())));
    def(m, "tanh", |a| Ok(new_float(f1(&a)?.tanh())));
    def(m, "atan2", |a| {
        Ok(new_float(f1(&a)?.atan2(float_of(a.pos[1]).unwrap_or(0.0))))
    });
    def(m, "exp", |a| {
        let r = f1(&a)?.exp();
        if r.is_infinite() {
            return Err(vm::overflow("math range error"));
        }
        Ok(new_float(r))
    });
    def(m, "log", |a| {
        let v = a.pos[0];
        let ln = |v: Value| -> PyResult<f64> {
            if let Some(b) = as_bigint(v) {
                if b.v.is_positive() {
                    let bits = b.v.bits() as i64;
                    let shift = (bits - 60).max(0);
                    let top = (&b.v >> shift as usize).to_f64().unwrap();
                    return Ok(top.ln() + shift as f64 * std::f64::consts::LN_2);
                }
            }
            let x = float_of(v).ok_or_else(|| type_error("must be real number"))?;
            if x <= 0.0 {
                return Err(value_error("math domain error"));
            }
            Ok(x.ln())
        };
        let r = ln(v)?;
        match a.pos.get(1) {
            Some(&b) => Ok(new_float(r / ln(b)?)),
            None => Ok(new_float(r)),
        }
    });
    def(m, "log2", |a| {
        let x = f1(&a)?;
        if x <= 0.0 {
            return Err(value_error("math domain error"));
        }
        Ok(new_float(x.log2()))
    });
    def(m, "log10", |a| {
        let x = f1(&a)?;
        if x <= 0.0 {
            return Err(value_error("math domain error"));
        }
        Ok(new_float(x.log10()))
    });
    def(m, "pow", |a| {
        let (x, y) = (f1(&a)?, float_of(a.pos[1]).unwrap_or(0.0));
        Ok(new_float(x.powf(y)))
    });
    def(m, "floor", |a| {
        let v = a.pos[0];
        if ops::is_int_like(v) {
            return Ok(v);
        }
        if let Some(mm) = ops::lookup_type_user(vm::type_of(v), "__floor__") {
            return ops::call(mm, &[v]);
        }
        Ok(crate::objects::float::float_to_int(f1(&a)?.floor()))
    });
    def(m, "ceil", |a| {
        let v = a.pos[0];
        if ops::is_int_like(v) {
            return Ok(v);
        }
        if let Some(mm) = ops::lookup_type_user(vm::type_of(v), "__ceil__") {
            return ops::call(mm, &[v]);
        }
        Ok(crate::objects::float::float_to_int(f1(&a)?.ceil()))
    });
    def(m, "trunc", |a| {
        let v = a.pos[0];
        if ops::is_int_like(v) {
            return Ok(v);
        }
        if let Some(mm) = ops::lookup_type_user(vm::type_of(v), "__trunc__") {
            return ops::call(mm, &[v]);
        }
        Ok(crate::objects::float::float_to_int(f1(&a)?.trunc()))
    });
    def(m, "fabs", |a| Ok(new_float(f1(&a)?.abs())));
    def(m, "isnan", |a| Ok(Value::bool(f1(&a)?.is_nan())));
    def(m, "isinf", |a| Ok(Value::bool(f1(&a)?.is_infinite())));
    def(m, "isfinite", |a| Ok(Value::bool(f1(&a)?.is_finite())));
    def(m, "copysign", |a| {
        Ok(new_float(
            f1(&a)?.copysign(float_of(a.pos[1]).unwrap_or(0.0)),
        ))
    });
    def(m, "fmod", |a| {
        let (x, y) = (f1(&a)?, float_of(a.pos[1]).unwrap_or(0.0));
        if y == 0.0 {
            return Err(value_error("math domain error"));
        }
        Ok(new_float(x % y))
    });
    def(m, "modf", |a| {
        let x = f1(&a)?;
        Ok(new_tuple(&[new_float(x.fract()), new_float(x.trunc())]))
    });
    def(m, "frexp", |a| {
        let (mm, e) = crate::objects::float::frexp(f1(&a)?);
        Ok(new_tuple(&[new_float(mm), Value::small(e as i64)]))
    });
    def(m, "ldexp", |a| {
        Ok(new_float(f1(&a)? * 2f64.powi(index_of(a.pos[1])? as i32)))
    });
    def(m, "degrees", |a| Ok(new_float(f1(&a)?.to_degrees())));
    def(m, "radians", |a| Ok(new_float(f1(&a)?.to_radians())));
    def(m, "hypot", |a| {
        let mut s = 0.0f64;
        for &v in a.pos {
            let x = float_of(v).ok_or_else(|| type_error("must be real number"))?;
            s = s.hypot(x);
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
        for v in crate::objects::native::seq_items(a.pos[0])? {
            let mut x = float_of(v).ok_or_else(|| type_error("must be real number"))?;
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
            partials.push(x);
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
    def(m, "gamma", |a| Ok(new_float(gamma(f1(&a)?))));
    def(m, "lgamma", |a| Ok(new_float(gamma(f1(&a)?).abs().ln())));
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
    if x.fract() == 0.0 && x > 0.0 && x < 171.0 {
        let mut r = 1.0;
        for k in 2..(x as u64) {
            r *= k as f64;
        }
        return r;
    }
    // Lanczos approximation
    let g = 7.0;
    let c = [
        0.999_999_999_999_809_9,
        676.5203681218851,
        -1259.1392167224028,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507343278686905,
        -0.13857109526572012,
        9.984_369_578_019_572e-6,
        1.5056327351493116e-7,
    ];
    if x < 0.5 {
        return std::f64::consts::PI / ((std::f64::consts::PI * x).sin() * gamma(1.0 - x));
    }
    let x = x - 1.0;
    let mut a = c[0];
    let t = x + g + 0.5;
    for (i, &ci) in c.iter().enumerate().skip(1) {
        a += ci / (x + i as f64);
    }
    (2.0 * std::f64::consts::PI).sqrt() * t.powf(x + 0.5) * (-t).exp() * a
}
