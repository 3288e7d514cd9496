//! Text formatting: float `repr`, the format-spec mini-language (`format()`, f-strings,
//! `str.format`) and `%`-formatting. Float digits come from Rust's correctly rounded
//! formatting, so results match CPython's (both round the exact binary value half-even).

use crate::objects::ops::{self, index_of, str_of};
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::PyResult;
use crate::vm::{self, intern, type_error, value_error, C};
use num_bigint::BigInt;
use num_traits::{One, Signed, ToPrimitive, Zero};

/// Splits Rust's `{:e}` output into (digits without point, decimal exponent).
fn sci_parts(s: &str) -> (String, i32) {
    let (m, e) = s.split_once('e').unwrap();
    let digits: String = m.chars().filter(|c| c.is_ascii_digit()).collect();
    (digits, e.parse().unwrap())
}

/// `repr(float)`: shortest round-tripping digits, CPython's layout.
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    let neg = f < 0.0;
    let (short, _) = sci_parts(&format!("{:e}", f.abs()));
    // same length, correctly rounded (ties to even like CPython's repr)
    let cr = format!("{:.*e}", short.len() - 1, f.abs());
    let (digits, exp) = if cr.parse::<f64>().ok() == Some(f.abs()) {
        sci_parts(&cr)
    } else {
        sci_parts(&format!("{:e}", f.abs()))
    };
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if (-4..16).contains(&exp) {
        if exp < 0 {
            out.push_str("0.");
            for _ in 0..(-exp - 1) {
                out.push('0');
            }
            out.push_str(&digits);
        } else {
            let e = exp as usize;
            if digits.len() > e + 1 {
                out.push_str(&digits[..e + 1]);
                out.push('.');
                out.push_str(&digits[e + 1..]);
            } else {
                out.push_str(&digits);
                for _ in digits.len()..e + 1 {
                    out.push('0');
                }
                out.push_str(".0");
            }
        }
    } else {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push_str(&format!(
            "e{}{:02}",
            if exp < 0 { '-' } else { '+' },
            exp.abs()
        ));
    }
    out
}

pub fn complex_repr(re: f64, im: f64) -> String {
    let fmt = |x: f64| {
        let s = float_repr(x);
        s.strip_suffix(".0").map(|t| t.to_string()).unwrap_or(s)
    };
    if re == 0.0 && !re.is_sign_negative() {
        return format!("{}j", fmt(im));
    }
    let sign = if im < 0.0 || (im == 0.0 && im.is_sign_negative()) {
        "-"
    } else {
        "+"
    };
    format!("({}{}{}j)", fmt(re), sign, fmt(im.abs()))
}

pub fn float_hex(f: f64) -> String {
    if !f.is_finite() {
        return float_repr(f);
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0x0.0p+0".into()
        } else {
            "0x0.0p+0".into()
        };
    }
    let bits = f.to_bits();
    let neg = bits >> 63 == 1;
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let mant = bits & ((1 << 52) - 1);
    let (lead, e) = if exp == 0 {
        (0, -1022)
    } else {
        (1, exp - 1023)
    };
    let m = format!("{mant:013x}");
    format!(
        "{}0x{}.{}p{}{}",
        if neg { "-" } else { "" },
        lead,
        m,
        if e < 0 { "-" } else { "+" },
        e.abs()
    )
}

/// `float.fromhex`: `[sign] ['0x'] digits ['.' digits] ['p' exponent]` (or `inf`, `infinity`,
/// `nan`) rounded once, half to even, to the nearest double, subnormals included
/// (`'0x1p-1074'` is the smallest one). A value beyond the float range is an `OverflowError`.
pub fn float_fromhex(s: &str) -> PyResult<f64> {
    let invalid = || vm::value_error("invalid hexadecimal floating-point string");
    let t = s
        .trim_matches(|c: char| c.is_whitespace())
        .to_ascii_lowercase();
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, &t[..]),
    };
    let sign = |x: f64| if neg { -x } else { x };
    match t {
        "inf" | "infinity" => return Ok(sign(f64::INFINITY)),
        "nan" => return Ok(sign(f64::NAN)),
        _ => {}
    }
    let t = t.strip_prefix("0x").unwrap_or(t);
    let (m, e) = match t.split_once('p') {
        Some((m, e)) => (m, Some(e)),
        None => (t, None),
    };
    let (ip, fp) = m.split_once('.').unwrap_or((m, ""));
    if ip.is_empty() && fp.is_empty() {
        return Err(invalid());
    }
    let mut mant = BigInt::zero();
    for c in ip.chars().chain(fp.chars()) {
        mant = (mant << 4) + c.to_digit(16).ok_or_else(invalid)?;
    }
    let exp: i64 = match e {
        None => 0,
        Some(e) => {
            let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid());
            }
            // Exponents beyond any double's reach saturate; the result is then 0 or overflow.
            let v: i64 = digits.parse().unwrap_or(i64::MAX / 4).min(i64::MAX / 4);
            if e.starts_with('-') {
                -v
            } else {
                v
            }
        }
    };
    if mant.is_zero() {
        return Ok(sign(0.0));
    }
    // value = mant * 2^exp2, with mant's top bit at 2^top.
    let exp2 = exp.saturating_sub(4 * fp.len() as i64);
    let top = exp2.saturating_add(mant.bits() as i64 - 1);
    let too_large = || vm::overflow("hexadecimal value too large to represent as a float");
    if top > 1023 {
        return Err(too_large());
    }
    // Round to a multiple of 2^q: 53 significant bits, fewer below the normal range.
    let q = (top - 52).max(-1074);
    let shift = q - exp2;
    let quotient: u64 = if shift <= 0 {
        (mant << (-shift) as usize).to_u64().ok_or_else(too_large)?
    } else {
        let shift = shift as usize;
        let whole: BigInt = &mant >> shift;
        let rest: BigInt = &mant - (&whole << shift);
        let half = BigInt::one() << (shift - 1);
        let mut w = whole.to_u64().unwrap_or(0);
        if rest > half || (rest == half && w & 1 == 1) {
            w += 1;
        }
        w
    };
    let scale = if q >= -1022 {
        f64::from_bits(((q + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (q + 1074))
    };
    let r = quotient as f64 * scale;
    if r.is_infinite() {
        return Err(too_large());
    }
    Ok(sign(r))
}

/// round(x, n) for floats, correctly rounded through decimal text.
pub fn round_float(x: f64, n: i32) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    if n > 300 {
        return x;
    }
    if n >= 0 {
        let s = format!("{:.*}", n as usize, x);
        return s.parse().unwrap_or(x);
    }
    let p = 10f64.powi(-n);
    let y = x / p;
    crate::objects::float::round_half_even(y) * p
}

/// `round(b / p)` with ties to even, for ints.
pub fn round_half_even_div(b: &BigInt, p: &BigInt) -> BigInt {
    use num_integer::Integer;
    let (q, r) = b.div_mod_floor(p);
    let twice = &r * 2;
    if twice > *p || (twice == *p && q.is_odd()) {
        q + 1
    } else {
        q
    }
}

#[derive(Default, Debug)]
struct Spec {
    fill: char,
    fill_given: bool,
    align: Option<char>,
    sign: char,
    alt: bool,
    zero: bool,
    width: usize,
    grouping: Option<char>,
    precision: Option<usize>,
    ty: Option<char>,
}

fn parse_spec(s: &str) -> PyResult<Spec> {
    let cs: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut sp = Spec {
        fill: ' ',
        sign: '-',
        ..Default::default()
    };
    if cs.len() >= 2 && "<>=^".contains(cs[1]) {
        sp.fill = cs[0];
        sp.fill_given = true;
        sp.align = Some(cs[1]);
        i = 2;
    } else if !cs.is_empty() && "<>=^".contains(cs[0]) {
        sp.align = Some(cs[0]);
        i = 1;
    }
    if i < cs.len() && "+- ".contains(cs[i]) {
        sp.sign = cs[i];
        i += 1;
    }
    if i < cs.len() && cs[i] == 'z' {
        i += 1;
    }
    if i < cs.len() && cs[i] == '#' {
        sp.alt = true;
        i += 1;
    }
    if i < cs.len() && cs[i] == '0' {
        sp.zero = true;
        i += 1;
    }
    let st = i;
    while i < cs.len() && cs[i].is_ascii_digit() {
        i += 1;
    }
    if i > st {
        sp.width = cs[st..i]
            .iter()
            .collect::<String>()
            .parse()
            .map_err(|_| value_error("Too many decimal digits in format string"))?;
    }
    if i < cs.len() && (cs[i] == ',' || cs[i] == '_') {
        sp.grouping = Some(cs[i]);
        i += 1;
    }
    if i < cs.len() && cs[i] == '.' {
        i += 1;
        let st = i;
        while i < cs.len() && cs[i].is_ascii_digit() {
            i += 1;
        }
        if i == st {
            return Err(value_error("Format specifier missing precision"));
        }
        sp.precision = Some(
            cs[st..i]
                .iter()
                .collect::<String>()
                .parse()
                .map_err(|_| value_error("Too many decimal digits in format string"))?,
        );
    }
    // the width and precision are sizes of the text to build
    crate::memlimit::check_bytes(sp.width)?;
    crate::memlimit::check_bytes(sp.precision.unwrap_or(0))?;
    if i < cs.len() {
        sp.ty = Some(cs[i]);
        i += 1;
    }
    if i < cs.len() {
        return Err(value_error("Invalid format specifier"));
    }
    Ok(sp)
}

fn group(digits: &str, sep: char, every: usize) -> String {
    let n = digits.len();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(every) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// Pads `body` (with sign/prefix `sign`) to the spec's width.
fn pad(sp: &Spec, sign: &str, body: &str, default_right: bool) -> String {
    let len = sign.chars().count() + body.chars().count();
    if len >= sp.width {
        return format!("{sign}{body}");
    }
    let n = sp.width - len;
    let (align, fill) = if sp.zero && !sp.fill_given {
        (
            sp.align.unwrap_or(if default_right { '=' } else { '<' }),
            '0',
        )
    } else {
        (
            sp.align.unwrap_or(if default_right { '>' } else { '<' }),
            sp.fill,
        )
    };
    let f = |k: usize| std::iter::repeat_n(fill, k).collect::<String>();
    match align {
        '<' => format!("{sign}{body}{}", f(n)),
        '>' => format!("{}{sign}{body}", f(n)),
        '=' => format!("{sign}{}{body}", f(n)),
        _ => format!("{}{sign}{body}{}", f(n / 2), f(n - n / 2)),
    }
}

fn sign_str(neg: bool, sp: &Spec) -> &'static str {
    if neg {
        "-"
    } else {
        match sp.sign {
            '+' => "+",
            ' ' => " ",
            _ => "",
        }
    }
}

fn fmt_exp(x: f64, prec: usize, upper: bool) -> String {
    let s = format!("{:.*e}", prec, x);
    let (m, e) = s.split_once('e').unwrap();
    let e: i32 = e.parse().unwrap();
    let r = format!("{}e{}{:02}", m, if e < 0 { '-' } else { '+' }, e.abs());
    if upper {
        r.to_uppercase()
    } else {
        r
    }
}

/// The 'g' presentation.
fn fmt_general(x: f64, prec: usize, alt: bool, upper: bool, repr_like: bool) -> String {
    let p = if prec == 0 { 1 } else { prec };
    if x == 0.0 {
        let mut s = if alt {
            format!("{:.*}", p - 1, 0.0)
        } else {
            "0".to_string()
        };
        if repr_like && !s.contains('.') {
            s.push_str(".0");
        }
        return s;
    }
    let s = format!("{:.*e}", p - 1, x);
    let (_, e) = s.split_once('e').unwrap();
    let exp: i32 = e.parse().unwrap();
    let mut out = if exp >= -4 && exp < p as i32 {
        let dec = (p as i32 - 1 - exp).max(0) as usize;
        let mut t = format!("{:.*}", dec, x);
        if !alt && t.contains('.') {
            while t.ends_with('0') {
                t.pop();
            }
            if t.ends_with('.') {
                t.pop();
            }
        }
        if repr_like && !t.contains('.') {
            t.push_str(".0");
        }
        t
    } else {
        let mut t = fmt_exp(x, p - 1, false);
        if !alt {
            let (m, e) = t.split_once('e').unwrap();
            let mut m = m.to_string();
            if m.contains('.') {
                while m.ends_with('0') {
                    m.pop();
                }
                if m.ends_with('.') {
                    m.pop();
                }
            }
            t = format!("{m}e{e}");
        }
        t
    };
    if upper {
        out = out.to_uppercase();
    }
    out
}

fn format_float(x: f64, sp: &Spec) -> PyResult<String> {
    let neg = x.is_sign_negative() && !(x.is_nan());
    let ax = x.abs();
    let ty = sp.ty;
    if let Some(c) = ty.filter(|c| !"eEfFgGn%".contains(*c)) {
        return Err(value_error(format!(
            "Unknown format code '{c}' for object of type 'float'"
        )));
    }
    let body = if !x.is_finite() {
        let s = if x.is_nan() { "nan" } else { "inf" };
        if matches!(ty, Some('E') | Some('F') | Some('G')) {
            s.to_uppercase()
        } else if ty == Some('%') {
            format!("{s}%")
        } else {
            s.to_string()
        }
    } else {
        match ty {
            Some('f') | Some('F') => format!("{:.*}", sp.precision.unwrap_or(6), ax),
            Some('e') | Some('E') => fmt_exp(ax, sp.precision.unwrap_or(6), ty == Some('E')),
            Some('g') | Some('G') => fmt_general(
                ax,
                sp.precision.unwrap_or(6),
                sp.alt,
                ty == Some('G'),
                false,
            ),
            Some('%') => format!("{:.*}%", sp.precision.unwrap_or(6), ax * 100.0),
            Some('n') => fmt_general(ax, sp.precision.unwrap_or(6), sp.alt, false, false),
            None => match sp.precision {
                Some(p) => fmt_general(ax, p, sp.alt, false, true),
                None => float_repr(ax),
            },
            Some(c) => {
                return Err(value_error(format!(
                    "Unknown format code '{c}' for object of type 'float'"
                )))
            }
        }
    };
    let body = match sp.grouping {
        Some(g) => {
            let (ip, rest) = match body.find(|c: char| !c.is_ascii_digit()) {
                Some(p) => (&body[..p], &body[p..]),
                None => (&body[..], ""),
            };
            format!("{}{}", group(ip, g, 3), rest)
        }
        None => body,
    };

    Ok(pad(
        sp,
        sign_str(neg && (x != 0.0 || x.is_sign_negative()), sp),
        &body,
        true,
    ))
}

/// One part of a complex number in presentation `ty` (`'r'` is repr), without its sign.
fn complex_part(x: f64, ty: char, prec: usize, sp: &Spec) -> String {
    let body = complex_part_digits(x, ty, prec, sp.alt);
    match sp.grouping {
        Some(g) if x.is_finite() => {
            let (ip, rest) = match body.find(|c: char| !c.is_ascii_digit()) {
                Some(p) => (&body[..p], &body[p..]),
                None => (&body[..], ""),
            };
            format!("{}{}", group(ip, g, 3), rest)
        }
        _ => body,
    }
}

fn complex_part_digits(x: f64, ty: char, prec: usize, alt: bool) -> String {
    let ax = x.abs();
    if !x.is_finite() {
        let s = if x.is_nan() { "nan" } else { "inf" };
        return if ty.is_ascii_uppercase() {
            s.to_uppercase()
        } else {
            s.to_string()
        };
    }
    match ty {
        'f' | 'F' => format!("{:.*}", prec, ax),
        'e' | 'E' => fmt_exp(ax, prec, ty == 'E'),
        'g' | 'G' => fmt_general(ax, prec, alt, ty == 'G', false),
        _ => {
            let r = float_repr(ax);
            r.strip_suffix(".0").map(str::to_string).unwrap_or(r)
        }
    }
}

/// `format(complex, spec)` as CPython's `format_complex_internal`: no type is like `str()`
/// (parentheses, the real part left out when it is +0.0) but honours a precision as `'g'`;
/// `e f g n` (and upper case) format both parts, the imaginary one always signed.
fn format_complex(re: f64, im: f64, sp: &Spec) -> PyResult<String> {
    if let Some(c) = sp.ty.filter(|c| !"eEfFgGn".contains(*c)) {
        return Err(value_error(format!(
            "Unknown format code '{c}' for object of type 'complex'"
        )));
    }
    if sp.zero && !sp.fill_given {
        return Err(value_error(
            "Zero padding is not allowed in complex format specifier",
        ));
    }
    if sp.align == Some('=') {
        return Err(value_error(
            "'=' alignment flag is not allowed in complex format specifier",
        ));
    }
    let (mut ty, mut skip_re, mut parens) = (sp.ty.unwrap_or('r'), false, false);
    if sp.ty.is_none() {
        if re == 0.0 && re.is_sign_positive() {
            skip_re = true;
        } else {
            parens = true;
        }
    }
    if ty == 'n' {
        ty = 'g';
    }
    let prec = match sp.precision {
        Some(p) => {
            if ty == 'r' {
                ty = 'g';
            }
            p
        }
        None if ty == 'r' => 0,
        None => 6,
    };
    let mut out = String::new();
    if parens {
        out.push('(');
    }
    if !skip_re {
        let neg = re.is_sign_negative() && !re.is_nan();
        out.push_str(sign_str(neg, sp));
        out.push_str(&complex_part(re, ty, prec, sp));
    }
    let im_neg = im.is_sign_negative() && !im.is_nan();
    if !skip_re || im_neg || sp.sign != '-' {
        out.push_str(if im_neg {
            "-"
        } else if skip_re {
            sign_str(false, sp)
        } else {
            "+"
        });
    }
    out.push_str(&complex_part(im, ty, prec, sp));
    out.push('j');
    if parens {
        out.push(')');
    }
    Ok(pad(sp, "", &out, true))
}

fn format_int(v: &BigInt, sp: &Spec) -> PyResult<String> {
    let neg = v.is_negative();
    let a = v.abs();
    crate::memlimit::check_bytes(a.bits() as usize)?;
    let (digits, prefix) = match sp.ty {
        None | Some('d') | Some('n') => (crate::objects::int::decimal_string(&a)?, ""),
        Some('x') => (a.to_str_radix(16), "0x"),
        Some('X') => (a.to_str_radix(16).to_uppercase(), "0X"),
        Some('o') => (a.to_str_radix(8), "0o"),
        Some('b') => (a.to_str_radix(2), "0b"),
        Some('c') => {
            let c = v
                .to_u32()
                .and_then(char::from_u32)
                .ok_or_else(|| vm::overflow("%c arg not in range(0x110000)"))?;
            return Ok(pad(sp, "", &c.to_string(), false));
        }
        Some('e') | Some('E') | Some('f') | Some('F') | Some('g') | Some('G') | Some('%') => {
            return format_float(v.to_f64().unwrap_or(f64::INFINITY), sp)
        }
        Some(c) => {
            return Err(value_error(format!(
                "Unknown format code '{c}' for object of type 'int'"
            )))
        }
    };
    let digits = match sp.grouping {
        Some(g) => group(
            &digits,
            g,
            if matches!(sp.ty, Some('x') | Some('X') | Some('o') | Some('b')) {
                4
            } else {
                3
            },
        ),
        None => digits,
    };
    let sign = format!("{}{}", sign_str(neg, sp), if sp.alt { prefix } else { "" });
    Ok(pad(sp, &sign, &digits, true))
}

/// `format(v, spec)`.
pub fn format_value(v: Value, spec: &str) -> PyResult<Value> {
    if let Some(inst) = as_instance(v) {
        if let Some(m) = ops::lookup_type_user(inst.cls.get(), "__format__") {
            return ops::call(m, &[v, new_str(spec)]);
        }
        let p = payload(v);
        if p != v {
            return format_value(p, spec);
        }
        if spec.is_empty() {
            return ops::to_str(v);
        }
        return Err(type_error(format!(
            "unsupported format string passed to {}.__format__",
            vm::type_name(v)
        )));
    }
    if spec.is_empty() {
        return ops::to_str(v);
    }
    if crate::objects::surr::is_surr(v) {
        return crate::objects::surr::map_call(&[v], |m| format_value(m[0], spec));
    }
    let sp = parse_spec(spec)?;
    if let Some(s) = as_str(v) {
        if let Some(t) = sp.ty {
            if t != 's' {
                return Err(value_error(format!(
                    "Unknown format code '{t}' for object of type 'str'"
                )));
            }
        }
        let body: String = match sp.precision {
            Some(p) => s.s.chars().take(p).collect(),
            None => s.s.to_string(),
        };
        return Ok(new_string(pad(&sp, "", &body, false)));
    }
    if let Some(b) = ops::big_of(v).filter(|_| !v.is_kind(Kind::Float)) {
        // bool formats as int once a spec is given (`format(True, '>5')` is `'    1'`).
        if sp.precision.is_some()
            && matches!(sp.ty, None | Some('d' | 'x' | 'X' | 'o' | 'b' | 'c' | 'n'))
        {
            return Err(value_error(
                "Precision not allowed in integer format specifier",
            ));
        }
        return format_int(&b, &sp).map(new_string).map_err(|e| {
            if v == Value::TRUE || v == Value::FALSE {
                if let Some(c) = sp.ty {
                    return value_error(format!(
                        "Unknown format code '{c}' for object of type 'bool'"
                    ));
                }
            }
            e
        });
    }
    if let Some(f) = as_float_obj(v) {
        if matches!(
            sp.ty,
            Some('d') | Some('x') | Some('o') | Some('b') | Some('c') | Some('X')
        ) {
            return Err(value_error(format!(
                "Unknown format code '{}' for object of type 'float'",
                sp.ty.unwrap()
            )));
        }
        return Ok(new_string(format_float(f.v, &sp)?));
    }
    if let Some(c) = as_complex(v) {
        return format_complex(c.re, c.im, &sp).map(new_string);
    }
    if sp.ty.is_none() || sp.ty == Some('s') {
        let s = str_of(v)?;
        return Ok(new_string(pad(&sp, "", &s, false)));
    }
    Err(type_error(format!(
        "unsupported format string passed to {}.__format__",
        vm::type_name(v)
    )))
}

// ---------------------------------------------------------------- %-formatting

/// `fmt % args`.
pub fn percent_format(fmt: Value, args: Value) -> PyResult<Value> {
    let f = as_str(fmt).unwrap();
    // ArgVec (pinning): formatting allocates while the items are in use.
    let items: crate::objects::ops::ArgVec = match as_tuple_exact(args) {
        Some(t) => crate::objects::ops::ArgVec::from_slice(t.as_slice()),
        None => crate::objects::ops::ArgVec::from_slice(&[args]),
    };
    let mapping = if as_tuple_exact(args).is_none() && (as_dict(args).is_some()) {
        Some(args)
    } else {
        None
    };
    let cs: Vec<char> = f.s.chars().collect();
    let mut out = String::new();
    let mut ai = 0;
    let mut i = 0;
    let next_arg = |ai: &mut usize| -> PyResult<Value> {
        if *ai >= items.len() {
            return Err(type_error("not enough arguments for format string"));
        }
        *ai += 1;
        Ok(items[*ai - 1])
    };
    while i < cs.len() {
        let c = cs[i];
        if c != '%' {
            out.push(c);
            i += 1;
            continue;
        }
        i += 1;
        if i >= cs.len() {
            return Err(value_error("incomplete format"));
        }
        let mut keyed: Option<Value> = None;
        if cs[i] == '(' {
            let st = i + 1;
            let mut depth = 1;
            i += 1;
            while i < cs.len() && depth > 0 {
                if cs[i] == '(' {
                    depth += 1;
                } else if cs[i] == ')' {
                    depth -= 1;
                }
                i += 1;
            }
            let key: String = cs[st..i - 1].iter().collect();
            let m = mapping.ok_or_else(|| type_error("format requires a mapping"))?;
            keyed = Some(ops::getitem(m, new_string(key))?);
        }
        let mut sp = Spec {
            fill: ' ',
            sign: '-',
            ..Default::default()
        };
        let mut left = false;
        while i < cs.len() && "-+ #0".contains(cs[i]) {
            match cs[i] {
                '-' => left = true,
                '+' => sp.sign = '+',
                ' ' => {
                    if sp.sign != '+' {
                        sp.sign = ' '
                    }
                }
                '#' => sp.alt = true,
                _ => sp.zero = true,
            }
            i += 1;
        }
        if i < cs.len() && cs[i] == '*' {
            let w = index_of(next_arg(&mut ai)?)?;
            if w < 0 {
                // a negative `*` width left-adjusts, as '-' does
                left = true;
            }
            sp.width = w.unsigned_abs() as usize;
            i += 1;
        } else {
            let st = i;
            while i < cs.len() && cs[i].is_ascii_digit() {
                i += 1;
            }
            if i > st {
                sp.width = cs[st..i]
                    .iter()
                    .collect::<String>()
                    .parse()
                    .map_err(|_| value_error("width too big"))?;
            }
        }
        if i < cs.len() && cs[i] == '.' {
            i += 1;
            if i < cs.len() && cs[i] == '*' {
                // a negative `*` precision counts as none given, as in CPython
                sp.precision = Some(index_of(next_arg(&mut ai)?)?.max(0) as usize);
                i += 1;
            } else {
                let st = i;
                while i < cs.len() && cs[i].is_ascii_digit() {
                    i += 1;
                }
                sp.precision = Some(if i == st {
                    0
                } else {
                    cs[st..i]
                        .iter()
                        .collect::<String>()
                        .parse()
                        .map_err(|_| value_error("precision too big"))?
                });
            }
        }
        crate::memlimit::check_bytes(sp.width)?;
        crate::memlimit::check_bytes(sp.precision.unwrap_or(0))?;
        if i >= cs.len() {
            return Err(value_error("incomplete format"));
        }
        let ty = cs[i];
        i += 1;
        if ty == '%' {
            out.push('%');
            continue;
        }
        if left {
            sp.align = Some('<');
            sp.zero = false;
        }
        let v = match keyed {
            Some(v) => v,
            None => next_arg(&mut ai)?,
        };
        let s = match ty {
            's' | 'r' | 'a' => {
                let mut s = if ty == 's' { str_of(v)? } else { ops::repr(v)? };
                if ty == 'a' {
                    s = crate::objects::native::ascii_of(&s);
                }
                if let Some(p) = sp.precision {
                    s = s.chars().take(p).collect();
                }
                sp.zero = false;
                pad(&sp, "", &s, true)
            }
            'd' | 'i' | 'u' => {
                let b = match ops::big_of(v) {
                    Some(b) => b,
                    None => match ops::float_of(v) {
                        Some(f) => {
                            num_traits::FromPrimitive::from_f64(f.trunc()).unwrap_or_default()
                        }
                        None => {
                            return Err(type_error(format!(
                                "%{} format: a real number is required, not {}",
                                ty,
                                vm::type_name(v)
                            )))
                        }
                    },
                };
                sp.ty = Some('d');
                let mut s = format_int(&b, &sp)?;
                if let Some(p) = sp.precision {
                    let digits = b.abs().to_string();
                    if digits.len() < p {
                        let z = "0".repeat(p - digits.len());
                        s = pad(
                            &Spec {
                                precision: None,
                                ..sp
                            },
                            sign_str(b.is_negative(), &sp),
                            &format!("{z}{digits}"),
                            true,
                        );
                    }
                }
                s
            }
            'x' | 'X' | 'o' => {
                let b = ops::big_of(v).ok_or_else(|| {
                    type_error(format!(
                        "%{} format: an integer is required, not {}",
                        ty,
                        vm::type_name(v)
                    ))
                })?;
                sp.ty = Some(ty);
                format_int(&b, &sp)?
            }
            'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
                let x = ops::float_of(v).ok_or_else(|| {
                    type_error(format!("must be real number, not {}", vm::type_name(v)))
                })?;
                sp.ty = Some(ty);
                if sp.precision.is_none() {
                    sp.precision = Some(6);
                }
                format_float(x, &sp)?
            }
            'c' => {
                let s = match int_char(v) {
                    Some(c) => c.to_string(),
                    None => str_of(v)?,
                };
                pad(&sp, "", &s, true)
            }
            _ => {
                return Err(value_error(format!(
                    "unsupported format character '{}' (0x{:x}) at index {}",
                    ty,
                    ty as u32,
                    i - 1
                )))
            }
        };
        out.push_str(&s);
    }
    if ai < items.len() && mapping.is_none() {
        return Err(type_error(
            "not all arguments converted during string formatting",
        ));
    }
    Ok(new_string(out))
}

fn int_char(v: Value) -> Option<char> {
    ops::int_of(v).and_then(|i| char::from_u32(i as u32))
}

// ---------------------------------------------------------------- str.format

fn lookup_field(
    field: &str,
    pos: &[Value],
    a: Option<&Args>,
    map: Option<Value>,
    auto: &mut usize,
) -> PyResult<Value> {
    // split first name from .attr / [key] accessors
    let end = field.find(['.', '[']).unwrap_or(field.len());
    let first = &field[..end];
    let mut v = if first.is_empty() {
        let i = *auto;
        *auto += 1;
        *pos.get(i).ok_or_else(|| {
            vm::index_error(format!(
                "Replacement index {i} out of range for positional args tuple"
            ))
        })?
    } else if let Ok(i) = first.parse::<usize>() {
        *pos.get(i).ok_or_else(|| {
            vm::index_error(format!(
                "Replacement index {i} out of range for positional args tuple"
            ))
        })?
    } else if let Some(m) = map {
        ops::getitem(m, new_str(first))?
    } else {
        a.and_then(|a| crate::objects::native::kwarg(a, first))
            .ok_or_else(|| vm::key_error(new_str(first)))?
    };
    let mut rest = &field[end..];
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let e = r.find(['.', '[']).unwrap_or(r.len());
            v = ops::getattr(v, intern(&r[..e]))?;
            rest = &r[e..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let e = r
                .find(']')
                .ok_or_else(|| value_error("Missing ']' in format string"))?;
            let key = &r[..e];
            let k = match key.parse::<i64>() {
                Ok(i) => Value::small(i),
                Err(_) => new_str(key),
            };
            v = ops::getitem(v, k)?;
            rest = &r[e + 1..];
        } else {
            return Err(value_error(
                "Only '.' or '[' may follow ']' in format field specifier",
            ));
        }
    }
    Ok(v)
}

fn format_impl(
    fmt: &str,
    pos: &[Value],
    a: Option<&Args>,
    map: Option<Value>,
    auto: &mut usize,
) -> PyResult<String> {
    let cs: Vec<char> = fmt.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        if c == '{' {
            if i + 1 < cs.len() && cs[i + 1] == '{' {
                out.push('{');
                i += 2;
                continue;
            }
            // find matching close, allowing nested {} in the spec
            let mut depth = 1;
            let mut j = i + 1;
            while j < cs.len() && depth > 0 {
                if cs[j] == '{' {
                    depth += 1;
                } else if cs[j] == '}' {
                    depth -= 1;
                }
                j += 1;
            }
            if depth != 0 {
                return Err(value_error("expected '}' before end of string"));
            }
            let inner: String = cs[i + 1..j - 1].iter().collect();
            // split field / conversion / spec (spec may contain nested fields)
            let (head, spec) = match inner.find(':') {
                Some(p) => (&inner[..p], Some(&inner[p + 1..])),
                None => (&inner[..], None),
            };
            let (field, conv) = match head.find('!') {
                Some(p) => (&head[..p], Some(&head[p + 1..])),
                None => (head, None),
            };
            let mut v = lookup_field(field, pos, a, map, auto)?;
            match conv {
                Some("r") => v = new_string(ops::repr(v)?),
                Some("s") => v = ops::to_str(v)?,
                Some("a") => v = new_string(crate::objects::native::ascii_of(&ops::repr(v)?)),
                Some(c) => return Err(value_error(format!("Unknown conversion specifier {c}"))),
                None => {}
            }
            let spec = match spec {
                Some(s) if s.contains('{') => format_impl(s, pos, a, map, auto)?,
                Some(s) => s.to_string(),
                None => String::new(),
            };
            let r = format_value(v, &spec)?;
            match as_str(r) {
                Some(t) => out.push_str(&t.s),
                // text with lone surrogates: `str.format` is retried over mapped text
                None => return Err(crate::objects::surr::reject(r)),
            }
            i = j;
        } else if c == '}' {
            if i + 1 < cs.len() && cs[i + 1] == '}' {
                out.push('}');
                i += 2;
                continue;
            }
            return Err(value_error("Single '}' encountered in format string"));
        } else {
            out.push(c);
            i += 1;
        }
    }
    Ok(out)
}

pub fn str_format(fmt: &str, pos: &[Value], a: &Args) -> PyResult<Value> {
    let mut auto = 0;
    Ok(new_string(format_impl(fmt, pos, Some(a), None, &mut auto)?))
}

pub fn str_format_map(fmt: &str, map: Value) -> PyResult<Value> {
    let mut auto = 0;
    Ok(new_string(format_impl(
        fmt,
        &[],
        None,
        Some(map),
        &mut auto,
    )?))
}

/// Keeps the zero check import used.
pub fn _is_zero(b: &BigInt) -> bool {
    b.is_zero()
}

pub fn _unused(_: C) {}
