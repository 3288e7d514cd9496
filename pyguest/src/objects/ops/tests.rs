//! Unit tests of the protocol's dispatch to the types' comparison, hash, repr and attribute
//! slots (which live in the type modules): each slot is reached through `ops::compare`,
//! `ops::hash`, `ops::repr` or `ops::getattr`; the expected values are CPython 3.11's except
//! where a test says otherwise (string and frozenset hashes use their own mixing).

use super::*;
use crate::objects::range::RangeObj;

const LT: u32 = 0;
const EQ: u32 = 2;
const NE: u32 = 3;
const GT: u32 = 4;
const GE: u32 = 5;

fn int(i: i64) -> Value {
    new_int(i)
}

fn big(s: &str) -> Value {
    new_bigint(s.parse().unwrap())
}

fn range(start: i64, stop: i64, step: i64) -> Value {
    Value::obj(gc::alloc(RangeObj {
        kind: Kind::Range,
        start,
        stop,
        step,
    }))
}

fn is_true(v: PyResult<Value>) -> bool {
    match v {
        Ok(v) => v == Value::TRUE,
        Err(_) => panic!("comparison raised"),
    }
}

fn set_of(items: &[Value], frozen: bool) -> Value {
    let s = new_set(frozen);
    for &x in items {
        s.add(x).unwrap();
    }
    Value::obj(s)
}

#[test]
fn numbers_compare_exactly_across_types() {
    crate::vm::init();
    // 2**53 + 1 is not a double: the int must not be rounded (float.rs float_compare)
    let two53 = 1i64 << 53;
    assert!(is_true(compare(
        int(two53 + 1),
        new_float(two53 as f64),
        GT
    )));
    assert!(is_true(compare(
        int(two53 + 1),
        new_float(two53 as f64),
        NE
    )));
    // big int against a float, both operand orders (the swap in float_compare)
    assert!(is_true(compare(
        big("1000000000000000000000000000000"),
        new_float(1e30),
        LT
    )));
    assert!(is_true(compare(
        new_float(1e30),
        big("1000000000000000000000000000000"),
        GT
    )));
    assert!(is_true(compare(
        big("1000000000000000000000000000001"),
        big("1000000000000000000000000000000"),
        GT
    )));
    // NaN is unordered; only != holds
    assert!(!is_true(compare(new_float(f64::NAN), int(1), LT)));
    assert!(is_true(compare(int(1), new_float(f64::NAN), NE)));
    // complex: == across types, no ordering (TypeError)
    assert!(is_true(compare(new_complex(2.0, 0.0), int(2), EQ)));
    assert!(is_true(compare(new_complex(2.0, 1.0), new_float(2.0), NE)));
    assert!(compare(new_complex(1.0, 0.0), int(0), LT).is_err());
}

#[test]
fn containers_compare_by_their_slots() {
    crate::vm::init();
    let t = |xs: &[i64]| new_tuple(&xs.iter().map(|&i| int(i)).collect::<Vec<_>>());
    let l = |xs: &[i64]| new_list_from(&xs.iter().map(|&i| int(i)).collect::<Vec<_>>());
    assert!(is_true(compare(t(&[1, 2]), t(&[1, 3]), LT)));
    assert!(is_true(compare(t(&[1, 2]), t(&[1]), GT)));
    assert!(is_true(compare(l(&[1, 2]), l(&[1, 2]), EQ)));
    assert!(is_true(compare(l(&[]), l(&[0]), LT)));
    // a list and a tuple never compare equal
    assert!(is_true(compare(l(&[1]), t(&[1]), NE)));
    // dicts: equal in any order, no ordering
    let d1 = new_dict();
    d1.set_item(int(1), int(10)).unwrap();
    d1.set_item(int(2), int(20)).unwrap();
    let d2 = new_dict();
    d2.set_item(int(2), int(20)).unwrap();
    d2.set_item(int(1), int(10)).unwrap();
    assert!(is_true(compare(Value::obj(d1), Value::obj(d2), EQ)));
    assert!(compare(Value::obj(d1), Value::obj(d2), LT).is_err());
    // sets: ordering is the subset relation, set and frozenset mix
    let small = set_of(&[int(1)], false);
    let large = set_of(&[int(1), int(2)], true);
    assert!(is_true(compare(small, large, LT)));
    assert!(!is_true(compare(large, small, LT)));
    assert!(is_true(compare(large, small, GE)));
    // bytes and bytearray mix; byte order
    let b = new_bytes(b"ab".to_vec(), false);
    let ba = new_bytes(b"ab".to_vec(), true);
    assert!(is_true(compare(b, ba, EQ)));
    assert!(is_true(compare(new_bytes(b"a".to_vec(), false), ba, LT)));
    // ranges: equal when they produce the same values
    assert!(is_true(compare(range(0, 0, 1), range(5, 2, 3), EQ)));
    assert!(is_true(compare(range(1, 2, 1), range(1, 3, 5), EQ)));
    assert!(is_true(compare(range(0, 10, 2), range(0, 10, 3), NE)));
    // strings
    assert!(is_true(compare(new_str("abc"), new_str("abd"), LT)));
}

#[test]
fn hashes_match_cpython() {
    crate::vm::init();
    let h = |v: Value| hash(v).unwrap();
    assert_eq!(h(int(-1)), -2);
    assert_eq!(h(new_float(0.5)), 1152921504606846976);
    assert_eq!(h(new_float(-2.25)), -576460752303423490);
    assert_eq!(h(new_float(1e100)), 1822893315824342674);
    assert_eq!(h(new_float(1e-300)), 482449582752280463);
    assert_eq!(h(new_float(f64::INFINITY)), 314159);
    assert_eq!(h(big("2305843009213693951")), 0); // 2**61 - 1
    assert_eq!(h(big("-2305843009213693952")), -2); // -(2**61)
    assert_eq!(h(big("1267650600228229401496703205376")), 549755813888); // 2**100
    assert_eq!(h(new_complex(1.5, 2.0)), 1152921504608846983);
    // equal numbers of different types hash alike
    assert_eq!(h(int(7)), h(new_float(7.0)));
    assert_eq!(h(int(7)), h(new_complex(7.0, 0.0)));
    assert_eq!(h(new_tuple(&[int(1), int(2)])), -3550055125485641917);
    assert_eq!(h(new_tuple(&[])), 5740354900026072187);
    let nested = new_tuple(&[new_tuple(&[int(1), int(2)]), int(3)]);
    assert_eq!(h(nested), -333907151259015829);
    // frozensets: the same members in any insertion order hash alike (the mix is not
    // CPython's final scramble, so the values differ from CPython's)
    let f1 = set_of(&[int(1), int(2), int(3), int(1 << 40)], true);
    let f2 = set_of(&[int(1 << 40), int(3), int(1), int(2)], true);
    assert_eq!(h(f1), h(f2));
    assert_ne!(h(f1), h(set_of(&[int(1), int(2)], true)));
    // bytes hash like the str with the same text
    assert_eq!(h(new_bytes(b"abc".to_vec(), false)), h(new_str("abc")));
    // mutable containers are unhashable
    assert!(hash(new_list_from(&[])).is_err());
    assert!(hash(set_of(&[], false)).is_err());
    assert!(hash(new_bytes(Vec::new(), true)).is_err());
    assert!(hash(new_tuple(&[new_list_from(&[])])).is_err());
}

#[test]
fn reprs_match_cpython() {
    crate::vm::init();
    let r = |v: Value| repr(v).unwrap();
    assert_eq!(r(new_str("a'b\n\x7f\u{200b}")), "\"a'b\\n\\x7f\\u200b\"");
    assert_eq!(
        r(new_bytes(b"a\x00'".to_vec(), true)),
        "bytearray(b\"a\\x00'\")"
    );
    assert_eq!(r(new_tuple(&[int(1)])), "(1,)");
    assert_eq!(r(set_of(&[int(1)], true)), "frozenset({1})");
    assert_eq!(r(set_of(&[], false)), "set()");
    assert_eq!(r(range(0, 10, 2)), "range(0, 10, 2)");
    assert_eq!(r(range(0, 10, 1)), "range(0, 10)");
    assert_eq!(r(big("-100000000000000000000")), "-100000000000000000000");
    // a list and a dict that contain themselves
    let l = new_list_cap(1);
    l.push(int(1));
    l.push(Value::obj(l));
    assert_eq!(r(Value::obj(l)), "[1, [...]]");
    let d = new_dict();
    d.set_item(int(1), Value::obj(d)).unwrap();
    assert_eq!(r(Value::obj(d)), "{1: {...}}");
}

#[test]
fn computed_attributes_come_from_the_type_modules() {
    crate::vm::init();
    let a = |v: Value, n: &str| getattr(v, intern(n)).unwrap();
    assert_eq!(a(range(3, 9, 2), "step").as_small(), Some(2));
    assert_eq!(a(Value::TRUE, "real").as_small(), Some(1));
    assert_eq!(a(int(5), "denominator").as_small(), Some(1));
    assert_eq!(
        as_float_obj(a(new_complex(1.0, 2.5), "imag")).unwrap().v,
        2.5
    );
    assert_eq!(as_float_obj(a(new_float(4.0), "imag")).unwrap().v, 0.0);
    assert!(getattr(range(0, 1, 1), intern("nope")).is_err());
}
