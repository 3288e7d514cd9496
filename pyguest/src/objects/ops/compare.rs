//! Truth, equality, ordering and hashing, the protocol: `truthy`, `eq`, `compare` (rich
//! comparison: the fast paths for small ints, floats and strings, then the operands' dunders
//! with the reflected one first for a subclass, then the built-in types' comparison slots by
//! kind, then identity for `==`/`!=`), and `hash` (the fast paths, `__hash__` of instances,
//! identity). The per-type slots live in the type modules: `int_compare`/`int_hash`/`big_hash`
//! (`int.rs`), `float_compare`/`float_hash` (`float.rs`), `complex_compare`/`complex_hash`,
//! `str_compare`/`str_hash` (`string.rs`), `list_compare`, `tuple_compare`/`tuple_hash`,
//! `dict_compare`, `set_compare`/`frozenset_hash`, `bytes_compare`/`bytes_hash`,
//! `range_compare`. They use this module's helpers for what all containers share:
//! lexicographic sequence comparison ([`seq_compare`]) and the recursion guards for nested
//! containers ([`item_eq`], [`item_hash`]).
//!
//! Comparison operators are numbered as `COMPARE_OP` numbers them: 0 `<`, 1 `<=`, 2 `==`,
//! 3 `!=`, 4 `>`, 5 `>=`.

use super::*;
use crate::objects::{bytes, complex, dict, float, int, list, range, set, string, surr, tuple};

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
        Some(Kind::SurrStr) => Ok(true),
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
pub(crate) fn item_eq(a: Value, b: Value) -> PyResult<bool> {
    // identity first, as CPython's `PyObject_RichCompareBool`: a NaN is found in a container
    // holding the same object (`nan in [nan]`, `[nan] == [nan]`)
    if a == b {
        return Ok(true);
    }
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

/// `x op y` for two sequences of the same type: equal when the lengths and all items are
/// equal; otherwise ordered by the first differing item, or by length when one is a prefix
/// of the other.
pub(crate) fn seq_compare(x: &[Value], y: &[Value], op: u32) -> PyResult<Value> {
    if op == 2 || op == 3 {
        let e = seq_eq(x, y)?;
        return Ok(Value::bool(e == (op == 2)));
    }
    seq_cmp(x, y, op)
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

/// `a op b` for any ordered Rust values.
pub(crate) fn ord_result<T: PartialOrd>(a: T, b: T, op: u32) -> Value {
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
/// The operator with its operands swapped (`a < b` is `b > a`).
pub(crate) const CMP_SWAP: [u32; 6] = [4, 5, 2, 3, 0, 1];
const CMP_SYMS: [&str; 6] = ["<", "<=", "==", "!=", ">", ">="];

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

/// The comparison slots of the built-in types, picked by the operands' kinds (`a` and `b` are
/// payloads already); `NotImplemented` when the types do not compare.
fn builtin_compare(a: Value, b: Value, op: u32) -> PyResult<Value> {
    if let (Some(x), Some(y)) = (int_of(a), int_of(b)) {
        return Ok(ord_result(x, y, op));
    }
    let ak = a.kind();
    let bk = b.kind();
    if is_number(a) && is_number(b) {
        let r = if ak == Some(Kind::Complex) || bk == Some(Kind::Complex) {
            complex::complex_compare(a, b, op)
        } else if ak == Some(Kind::Float) || bk == Some(Kind::Float) {
            float::float_compare(a, b, op)
        } else {
            int::int_compare(a, b, op)
        };
        return Ok(r.unwrap_or(Value::NOT_IMPLEMENTED));
    }
    let sets = |k| matches!(k, Some(Kind::Set) | Some(Kind::FrozenSet));
    let bytes = |k| matches!(k, Some(Kind::Bytes) | Some(Kind::ByteArray));
    match (ak, bk) {
        (Some(Kind::Str), Some(Kind::Str)) => {
            if let (Some(x), Some(y)) = (as_str(a), as_str(b)) {
                return Ok(string::str_compare(&x, &y, op));
            }
        }
        (Some(Kind::Str | Kind::SurrStr), Some(Kind::Str | Kind::SurrStr)) => {
            let (x, y) = (surr::as_text(a).unwrap(), surr::as_text(b).unwrap());
            return Ok(match op {
                2 => Value::bool(surr::text_eq(&x, &y)),
                3 => Value::bool(!surr::text_eq(&x, &y)),
                _ => surr::text_compare(&x, &y, op),
            });
        }
        (Some(Kind::List), Some(Kind::List)) => {
            if let (Some(x), Some(y)) = (as_list_exact(a), as_list_exact(b)) {
                return list::list_compare(x, y, op);
            }
        }
        (Some(Kind::Tuple), Some(Kind::Tuple)) => {
            if let (Some(x), Some(y)) = (as_tuple_exact(a), as_tuple_exact(b)) {
                return tuple::tuple_compare(&x, &y, op);
            }
        }
        (Some(Kind::Dict), Some(Kind::Dict)) => {
            if let (Some(x), Some(y)) = (as_dict_exact(a), as_dict_exact(b)) {
                return dict::dict_compare(x, y, op);
            }
        }
        (x, y) if sets(x) && sets(y) => {
            if let (Some(x), Some(y)) = (as_set(a), as_set(b)) {
                return set::set_compare(x, y, op);
            }
        }
        (x, y) if bytes(x) && bytes(y) => {
            let x = as_bytes(a).or_else(|| as_bytearray(a));
            let y = as_bytes(b).or_else(|| as_bytearray(b));
            if let (Some(x), Some(y)) = (x, y) {
                return Ok(bytes::bytes_compare(&x, &y, op));
            }
        }
        (Some(Kind::Range), Some(Kind::Range)) => {
            if let (Some(x), Some(y)) = (as_range(a), as_range(b)) {
                return Ok(range::range_compare(x, y, op));
            }
        }
        // slices compare as the tuples (start, stop, step)
        (Some(Kind::Slice), Some(Kind::Slice)) => {
            if let (Some(x), Some(y)) = (as_slice(a), as_slice(b)) {
                let x = new_tuple(&[x.start, x.stop, x.step]);
                let y = new_tuple(&[y.start, y.stop, y.step]);
                return builtin_compare(x, y, op);
            }
        }
        // dict views compare as the sets of their keys or items
        (Some(Kind::Iter), Some(Kind::Iter)) if op == 2 || op == 3 => {
            let x = crate::objects::iter::view_to_set(a)?;
            let y = crate::objects::iter::view_to_set(b)?;
            if let (Some(x), Some(y)) = (x, y) {
                return builtin_compare(x, y, op);
            }
        }
        (Some(Kind::Iter), y) if sets(y) => {
            if let Some(x) = crate::objects::iter::view_to_set(a)? {
                return builtin_compare(x, b, op);
            }
        }
        _ => {}
    }
    Ok(Value::NOT_IMPLEMENTED)
}

// ---------------------------------------------------------------- hashing

/// `hash` of an item of a container being hashed (a nested tuple is a level of Rust-level
/// re-entry, see `nests`).
pub(crate) fn item_hash(v: Value) -> PyResult<i64> {
    if v.is_kind(Kind::Tuple) {
        let _g = crate::interpreter::enter_native(" while hashing a tuple")?;
        return hash(v);
    }
    hash(v)
}

/// `hash(v)`.
#[inline]
pub fn hash(v: Value) -> PyResult<i64> {
    if v.is_int() {
        return Ok(int::int_hash(v.as_int_unchecked()));
    }
    if let Some(s) = as_str(v) {
        let h = s.hash.get();
        if h != 0 {
            return Ok(h);
        }
        let h = string::str_hash(&s.s);
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
        Some(Kind::Float) => Ok(float::float_hash(as_float_obj(v).unwrap().v)),
        Some(Kind::BigInt) => Ok(int::big_hash(&as_bigint(v).unwrap().v)),
        Some(Kind::Tuple) => tuple::tuple_hash(&as_tuple_exact(v).unwrap()),
        Some(Kind::FrozenSet) => Ok(set::frozenset_hash(as_set(v).unwrap())),
        Some(Kind::Bytes) => Ok(bytes::bytes_hash(&as_bytes(v).unwrap())),
        Some(Kind::Complex) => Ok(complex::complex_hash(&as_complex(v).unwrap())),
        Some(Kind::SurrStr) => Ok(surr::surr_hash(&surr::as_surr(v).unwrap())),
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
