//! Truth, equality, ordering and hashing: `truthy`, `eq`, `compare` (rich comparison with
//! reflected dunders), sequence comparison, and `hash` with CPython's values for numbers,
//! strings and tuples.

use super::*;
use crate::objects::complex::complex_of;

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

/// Whether `v` is a built-in container whose comparison or hash recurses into its items in
/// Rust: going into one is a level of Rust-level re-entry (`interpreter::enter_native`), so
/// data nested 100,000 deep ends in `RecursionError` rather than a stack overflow. Flat
/// containers of scalars never pay for the count.
#[inline(always)]
fn nests(v: Value) -> bool {
    matches!(
        v.kind(),
        Some(Kind::List | Kind::Tuple | Kind::Dict | Kind::Set | Kind::FrozenSet)
    )
}

/// `eq` of two items of containers being compared (counted when it nests).
#[inline(always)]
fn item_eq(a: Value, b: Value) -> PyResult<bool> {
    if nests(a) {
        return nested_eq(a, b);
    }
    eq(a, b)
}

#[inline(never)]
fn nested_eq(a: Value, b: Value) -> PyResult<bool> {
    let _g = crate::interpreter::enter_native(" in comparison")?;
    eq(a, b)
}

/// `compare` of two items of containers being compared (counted when it nests).
fn item_compare(a: Value, b: Value, op: u32) -> PyResult<Value> {
    if nests(a) {
        let _g = crate::interpreter::enter_native(" in comparison")?;
        return compare(a, b, op);
    }
    compare(a, b, op)
}

fn seq_eq(x: &[Value], y: &[Value]) -> PyResult<bool> {
    if x.len() != y.len() {
        return Ok(false);
    }
    for i in 0..x.len() {
        if !item_eq(x[i], y[i])? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Lexicographic comparison of sequences with op (0..=5).
fn seq_cmp(x: &[Value], y: &[Value], op: u32) -> PyResult<Value> {
    let n = x.len().min(y.len());
    for i in 0..n {
        if !item_eq(x[i], y[i])? {
            if op == 2 {
                return Ok(Value::FALSE);
            }
            if op == 3 {
                return Ok(Value::TRUE);
            }
            return item_compare(x[i], y[i], op);
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
                // entries are read before each lookup and the count re-read after it: the
                // lookup's __eq__ may change either dict
                let mut i = 0;
                while i < x.entry_count() {
                    let (k, h, xv) = (x.key_at(i), x.hash_at(i), x.val_at(i));
                    i += 1;
                    if k.is_null() {
                        continue;
                    }
                    match y.get_h(k, h)? {
                        Some(v) => {
                            if !item_eq(xv, v)? {
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
                let mut i = 0;
                while i < p.capacity() {
                    let k = p.slot(i);
                    if !k.is_null() && !q.contains(k)? {
                        return Ok(false);
                    }
                    i += 1;
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
        let lane = if v.is_kind(Kind::Tuple) {
            // a nested tuple is a level of Rust-level re-entry (see `nests`)
            let _g = crate::interpreter::enter_native(" while hashing a tuple")?;
            hash(v)?
        } else {
            hash(v)?
        } as u64;
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
