//! Backend tests: tiny hand-written traces compiled to x86-64 and checked against the IR
//! interpreter (the oracle), including guard failures, calls, memory and bridges, plus a
//! seeded random differential test of straight-line int/float traces.

use metatracer::backend::x64::X64Backend;
use metatracer::backend::{Backend, ExitKind};
use metatracer::ir::interp::{self, Outcome};
use metatracer::ir::{parse, verify, Trace, Value};

fn bits(vs: &[Value]) -> Vec<u64> {
    vs.iter().map(|v| v.to_bits()).collect()
}

/// Compile `text`, run it on both the backend and the interpreter, and assert they agree.
/// Returns the interpreter's outcome for further checks.
///
/// # Safety
/// The trace's memory accesses and calls must be valid for `inputs`.
unsafe fn check_with(be: &mut X64Backend, t: &Trace, inputs: &[Value]) -> Outcome {
    verify(t).unwrap_or_else(|e| panic!("{e}"));
    // SAFETY: forwarded to the caller.
    let expected = unsafe { interp::run(t, inputs, 10_000_000) }.expect("interp");
    let id = be
        .compile_loop(t, "test")
        .unwrap_or_else(|e| panic!("{e}\n{t}"));
    // SAFETY: forwarded to the caller. Memory side effects happen twice (once per engine);
    // tests that store keep the stores idempotent or check after the backend run.
    let got = unsafe { be.execute(id, &bits(inputs)) }.expect("execute");
    let info = be.exit(got.exit).unwrap().clone();
    match &expected {
        Outcome::Finish(vals) => {
            assert!(
                matches!(info.kind, ExitKind::Finish { .. }),
                "backend took {:?}, interp finished\n{t}",
                info.kind
            );
            assert_eq!(got.values, bits(vals), "finish values differ\n{t}");
        }
        Outcome::GuardFailed(g) => {
            match info.kind {
                ExitKind::Guard { pos, .. } => {
                    assert_eq!(pos, g.pos, "different guard failed\n{t}")
                }
                k => panic!("backend exit {k:?}, interp failed guard at {}\n{t}", g.pos),
            }
            assert_eq!(got.values, bits(&g.saved), "saved values differ\n{t}");
            assert_eq!(be.resume_frames(got.exit, &got.values), g.frames);
        }
        Outcome::Jump(..) => panic!("unexpected jump out"),
    }
    expected
}

fn check(text: &str, inputs: &[Value]) -> Outcome {
    let t = parse(text).unwrap_or_else(|e| panic!("{e}"));
    let mut be = X64Backend::new();
    // SAFETY: used only for traces without memory accesses or calls.
    unsafe { check_with(&mut be, &t, inputs) }
}

fn ints(v: &[i64]) -> Vec<Value> {
    v.iter().map(|&i| Value::Int(i)).collect()
}

#[test]
fn integer_arithmetic() {
    let text = "[i0, i1, i2]
i3 = int_add(i0, i1)
i4 = int_sub(i3, 7)
i5 = int_mul(i4, i2)
i6 = int_div(i5, i1)
i7 = int_mod(i5, i1)
i8 = int_and(i5, 0xff0)
i9 = int_or(i8, i2)
i10 = int_xor(i9, -1)
i11 = int_lshift(i0, 3)
i12 = int_rshift(i10, i2)
i13 = uint_rshift(i10, i2)
i14 = int_neg(i4)
i15 = int_invert(i14)
i16 = int_lt(i0, i1)
i17 = uint_lt(i0, i1)
i18 = int_ge(i4, i14)
i19 = int_is_zero(i16)
i20 = int_is_true(i13)
i21 = int_eq(i0, i0)
i22 = int_add(i0, 0x123456789ab)
i23 = uint_ge(i22, i1)
finish(i3, i4, i5, i6, i7, i8, i9, i10, i11, i12, i13, i14, i15, i16, i17, i18, i19, i20, i21, i22, i23)
";
    for inp in [
        [5, 3, 2],
        [-100, 7, 5],
        [i64::MAX, -3, 63],
        [0, 1, 0],
        [-1, -1, 1],
    ] {
        check(text, &ints(&inp));
    }
}

/// `int_div`/`int_mod` by a constant compile to a multiply by a magic number (no `idiv`); the
/// results must equal Rust's `/` and `%` for dividends of every sign and size, for positive
/// and negative divisors, powers of two and the extremes.
#[test]
fn division_by_constants() {
    let divisors: [i64; 16] = [
        2,
        -2,
        3,
        -3,
        7,
        10,
        -10,
        64,
        1000,
        1000003,
        -1000003,
        1 << 40,
        i64::MAX,
        i64::MIN,
        6,
        -7,
    ];
    let mut text = String::from("[i0]\n");
    let mut outs = Vec::new();
    for (k, d) in divisors.iter().enumerate() {
        text += &format!(
            "i{} = int_div(i0, {d})\ni{} = int_mod(i0, {d})\n",
            1 + 2 * k,
            2 + 2 * k
        );
        outs.push(format!("i{}, i{}", 1 + 2 * k, 2 + 2 * k));
    }
    text += &format!("finish({})\n", outs.join(", "));
    let t = parse(&text).unwrap_or_else(|e| panic!("{e}"));
    let mut be = X64Backend::new();
    let id = be.compile_loop(&t, "div").unwrap_or_else(|e| panic!("{e}"));
    let mut ns = vec![
        0, 1, -1, 9, -9, 999, -1000, 1000002, 1000003, 1000004, -1000003,
    ];
    ns.extend([
        i64::MIN,
        i64::MIN + 1,
        i64::MAX,
        i64::MAX - 1,
        1 << 40,
        -(1 << 40),
    ]);
    let mut x: u64 = 88172645463325252;
    for _ in 0..300 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        ns.push((x >> (x % 61)) as i64);
        ns.push(-((x >> (x % 59)) as i64));
    }
    for n in ns {
        // SAFETY: the trace has no memory access or call.
        let got = unsafe { be.execute(id, &bits(&[Value::Int(n)])) }.expect("execute");
        let want: Vec<u64> = divisors
            .iter()
            .flat_map(|&d| [n.wrapping_div(d) as u64, n.wrapping_rem(d) as u64])
            .collect();
        assert_eq!(got.values, want, "dividend {n}");
        // and the interpreter (the oracle) agrees
        // SAFETY: as above.
        let expected = unsafe { interp::run(&t, &[Value::Int(n)], 100) }.expect("interp");
        match expected {
            Outcome::Finish(vals) => assert_eq!(bits(&vals), want),
            o => panic!("unexpected {o:?}"),
        }
    }
}

#[test]
fn loop_with_counter_exits_through_guard() {
    let text = "[i0, i1, i2]
label(i0, i1, i2, descr=target100)
debug_merge_point(0, 4, descr=\"loop head\")
i4 = int_add(i0, 1)
i5 = int_add(i1, i4)
i6 = int_lt(i4, i2)
guard_true(i6) [1@4: i4, i5, 42; 2@9: i2]
jump(i4, i5, i2, descr=target100)
";
    match check(text, &ints(&[0, 0, 1000])) {
        Outcome::GuardFailed(g) => {
            assert_eq!(g.saved, ints(&[1000, 500500, 1000]));
            assert_eq!(g.frames[0].values, ints(&[1000, 500500, 42]));
        }
        o => panic!("{o:?}"),
    }
}

#[test]
fn overflow_guards() {
    let text = "[i0, i1]
label(i0, i1, descr=target101)
i3 = int_mul_ovf(i0, i1)
guard_no_overflow() [0@1: i0, i1]
i5 = int_add_ovf(i3, 1)
guard_no_overflow() [0@2: i3]
i7 = int_sub_ovf(i5, i1)
guard_overflow() [0@3: i7, i5]
jump(i0, i1, descr=target101)
";
    check(text, &ints(&[3, 4])); // guard_overflow fails: no overflow
    check(text, &ints(&[i64::MAX / 2, 3])); // mul overflows
    check(text, &ints(&[i64::MAX, 1])); // add overflows
    check(text, &ints(&[i64::MIN + 1, 2])); // sub overflows: guard_overflow holds, loops... until mul overflows
}

#[test]
fn float_ops_and_casts() {
    let text = "[f0, f1, i2]
f3 = float_add(f0, f1)
f4 = float_sub(f3, 0.25)
f5 = float_mul(f4, f1)
f6 = float_truediv(f5, f0)
f7 = float_neg(f6)
f8 = float_abs(f7)
i9 = float_lt(f0, f1)
i10 = float_le(f0, f1)
i11 = float_gt(f0, f1)
i12 = float_ge(f0, f1)
i13 = float_eq(f0, f1)
i14 = float_ne(f0, f1)
i15 = cast_float_to_int(f6)
f16 = cast_int_to_float(i2)
f17 = float_add(f16, f8)
f18 = same_as_f(f17)
finish(f3, f4, f5, f6, f7, f8, i9, i10, i11, i12, i13, i14, i15, f16, f17, f18)
";
    let cases = [
        (1.5, 2.0, 7),
        (-3.0, -3.0, -1),
        (0.0, -0.0, 0),
        (f64::NAN, 1.0, 1 << 60),
        (1e300, 1e-300, i64::MIN),
        (f64::INFINITY, 2.0, 3),
    ];
    for (a, b, c) in cases {
        check(text, &[Value::Float(a), Value::Float(b), Value::Int(c)]);
    }
}

#[test]
fn many_live_values_spill() {
    // 40 floats and 40 ints live at once: forces spilling in both classes
    let mut text = String::from("[i0, f1]\nlabel(i0, f1, descr=target102)\n");
    let mut n = 3;
    let mut int_names = vec![];
    let mut float_names = vec![];
    for k in 0..40 {
        text.push_str(&format!("i{n} = int_add(i0, {k})\n"));
        int_names.push(format!("i{n}"));
        n += 1;
        text.push_str(&format!("f{n} = float_add(f1, {k}.5)\n"));
        float_names.push(format!("f{n}"));
        n += 1;
    }
    let (mut ia, mut fa) = (int_names[0].clone(), float_names[0].clone());
    for k in 1..40 {
        text.push_str(&format!("i{n} = int_add({ia}, {})\n", int_names[k]));
        ia = format!("i{n}");
        n += 1;
        text.push_str(&format!("f{n} = float_add({fa}, {})\n", float_names[k]));
        fa = format!("f{n}");
        n += 1;
    }
    text.push_str(&format!(
        "i{n} = int_lt({ia}, 5000)\nguard_true(i{n}) [0@0: {ia}, {fa}, i0]\n"
    ));
    n += 2;
    text.push_str(&format!(
        "i{n} = int_add(i0, 1)\njump(i{n}, {fa}, descr=target102)\n"
    ));
    check(&text, &[Value::Int(0), Value::Float(0.5)]);
}

#[repr(C)]
struct Rec {
    a: i64,
    b: f64,
    c: u8,
    d: i16,
    e: u32,
    next: *const Rec,
}

#[test]
fn loads_and_stores_on_rust_memory() {
    let other = Rec {
        a: 77,
        b: 0.0,
        c: 0,
        d: 0,
        e: 0,
        next: std::ptr::null(),
    };
    let fresh = || Rec {
        a: -5,
        b: 2.5,
        c: 200,
        d: -300,
        e: 0xdead_beef,
        next: &other,
    };
    // one record per engine, so each sees the initial state
    let mut for_interp = fresh();
    let mut for_jit = fresh();
    let off_b = std::mem::offset_of!(Rec, b);
    let off_c = std::mem::offset_of!(Rec, c);
    let off_d = std::mem::offset_of!(Rec, d);
    let off_e = std::mem::offset_of!(Rec, e);
    let off_n = std::mem::offset_of!(Rec, next);
    let text = format!(
        "[p0]
i1 = load_i(p0, 0, descr=i64)
f2 = load_f(p0, {off_b}, descr=f64)
i3 = load_i(p0, {off_c}, descr=u8)
i4 = load_i(p0, {off_c}, descr=i8)
i5 = load_i(p0, {off_d}, descr=i16)
i6 = load_i(p0, {off_d}, descr=u16)
i7 = load_i(p0, {off_e}, descr=u32)
i8 = load_i(p0, {off_e}, descr=i32)
p9 = load_r(p0, {off_n}, descr=ref)
guard_nonnull(p9) [0@0: p9]
i11 = load_i(p9, 0, descr=i64)
p12 = load_r(p9, {off_n}, descr=ref)
guard_isnull(p12) [0@1: p12]
store_i(p0, 0, 123, descr=i64)
store_f(p0, {off_b}, 4.5, descr=f64)
store_i(p0, {off_d}, 0x12345, descr=i16)
store_r(p0, {off_n}, p0, descr=ref)
finish(i1, f2, i3, i4, i5, i6, i7, i8, i11)
"
    );
    let t = parse(&text).unwrap();
    verify(&t).unwrap();
    let mut be = X64Backend::new();
    let id = be.compile_loop(&t, "mem").unwrap();
    // SAFETY: the trace only touches fields of the record it is given and of `other`.
    let expected =
        unsafe { interp::run(&t, &[Value::Ref(&mut for_interp as *mut Rec as usize)], 100) }
            .unwrap();
    // SAFETY: as above.
    let got = unsafe { be.execute(id, &[&mut for_jit as *mut Rec as usize as u64]) }.unwrap();
    let want = vec![
        Value::Int(-5),
        Value::Float(2.5),
        Value::Int(200),
        Value::Int(-56),
        Value::Int(-300),
        Value::Int(65236),
        Value::Int(0xdead_beef),
        Value::Int(0xdead_beef_u32 as i32 as i64),
        Value::Int(77),
    ];
    assert_eq!(expected, Outcome::Finish(want.clone()));
    assert_eq!(got.values, bits(&want));
    for (r, addr) in [
        (&for_interp, &for_interp as *const Rec),
        (&for_jit, &for_jit as *const Rec),
    ] {
        assert_eq!(r.a, 123);
        assert_eq!(r.b, 4.5);
        assert_eq!(r.d, 0x2345);
        assert_eq!(r.next, addr);
        assert_eq!(r.c, 200); // neighbours untouched by the 2-byte store
        assert_eq!(r.e, 0xdead_beef);
    }
}

#[test]
fn indexed_loads_and_stores_in_a_loop() {
    // sum = Σ src[i] (i32), dst[i] = src[i] * 2 (i64), bytes[i] = i (u8), for i < n
    let src: Vec<i32> = (0..50).map(|i| i * 7 - 100).collect();
    let mut dst = vec![0i64; 50];
    let mut bytes = vec![0u8; 50];
    // 12-byte records: exercise a non power-of-two stride
    let mut recs = vec![0u8; 12 * 50];
    let text = "[p0, p1, p2, p3, i4, i5, i6]
label(p0, p1, p2, p3, i4, i5, i6, descr=target103)
i8 = load_idx_i(p0, i4, 0, descr=i32x4)
i9 = int_add(i5, i8)
i10 = int_mul(i8, 2)
store_idx_i(p1, i4, 0, i10, descr=i64x8)
store_idx_i(p2, i4, 0, i4, descr=u8x1)
store_idx_i(p3, i4, 4, i8, descr=i32x12)
i14 = load_idx_i(p3, i4, 4, descr=i32x12)
i15 = int_eq(i14, i8)
guard_true(i15) [0@0: i4]
i17 = int_add(i4, 1)
i18 = int_lt(i17, i6)
guard_true(i18) [0@1: i17, i9]
jump(p0, p1, p2, p3, i17, i9, i6, descr=target103)
";
    let t = parse(text).unwrap();
    let mut be = X64Backend::new();
    let inputs = [
        Value::Ref(src.as_ptr() as usize),
        Value::Ref(dst.as_mut_ptr() as usize),
        Value::Ref(bytes.as_mut_ptr() as usize),
        Value::Ref(recs.as_mut_ptr() as usize),
        Value::Int(0),
        Value::Int(0),
        Value::Int(50),
    ];
    // SAFETY: indices stay below 50, inside every buffer.
    match unsafe { check_with(&mut be, &t, &inputs) } {
        Outcome::GuardFailed(g) => {
            let expected: i64 = src.iter().map(|&x| x as i64).sum();
            assert_eq!(g.saved, vec![Value::Int(50), Value::Int(expected)]);
        }
        o => panic!("{o:?}"),
    }
    assert!(dst.iter().zip(&src).all(|(d, s)| *d == 2 * *s as i64));
    assert!(bytes.iter().enumerate().all(|(i, b)| *b as usize == i));
}

extern "C" fn add3(a: i64, b: i64, c: i64) -> i64 {
    a * 100 + b * 10 + c
}

extern "C" fn mixed(a: f64, i: i64, b: f64, j: i64, c: f64) -> f64 {
    a * 1000.0 + i as f64 * 100.0 + b * 10.0 + j as f64 + c * 0.5
}

extern "C" fn six_ints(a: i64, b: i64, c: i64, d: i64, e: i64, f: i64) -> i64 {
    a - b + c - d + e - f * 2
}

static mut COUNTER: i64 = 0;

extern "C" fn bump(by: i64) {
    // SAFETY: only the single test `residual_calls` touches COUNTER.
    unsafe { COUNTER += by };
}

#[test]
fn residual_calls() {
    let text = format!(
        "[i0, f1, i2]
i3 = int_add(i0, 1)
f4 = float_mul(f1, 2.0)
i5 = call_i({add3}, i0, i3, i2, descr=call(i i i)->i \"add3\")
f6 = call_f({mixed}, f1, i0, f4, i5, 0.5, descr=call(f i f i f)->f \"mixed\")
i7 = call_pure_i({six}, i0, i3, i5, 4, 5, i2, descr=call(i i i i i i)->i)
call_n({bump}, i3, descr=call(i)->n)
i9 = int_add(i3, i5)
f10 = float_add(f4, f6)
finish(i3, f4, i5, f6, i7, i9, f10)
",
        add3 = add3 as extern "C" fn(i64, i64, i64) -> i64 as usize,
        mixed = mixed as extern "C" fn(f64, i64, f64, i64, f64) -> f64 as usize,
        six = six_ints as extern "C" fn(i64, i64, i64, i64, i64, i64) -> i64 as usize,
        bump = bump as extern "C" fn(i64) as usize,
    );
    let t = parse(&text).unwrap();
    let mut be = X64Backend::new();
    // SAFETY: the trace calls the functions above with their own signatures.
    unsafe {
        check_with(
            &mut be,
            &t,
            &[Value::Int(3), Value::Float(1.25), Value::Int(-2)],
        )
    };
    // SAFETY: single-threaded access in this test.
    assert_eq!(unsafe { COUNTER }, 8); // 4 per engine
}

extern "C" fn is_odd(x: i64) -> i64 {
    x & 1
}

#[test]
fn bridge_attached_and_taken() {
    // loop: i += 1; if i is odd (residual call) the guard fails; a bridge adds 100 to acc
    // and jumps back to the loop; the loop leaves when i reaches n
    let f = is_odd as extern "C" fn(i64) -> i64 as usize;
    let lp = format!(
        "[i0, i1, i2]
label(i0, i1, i2, descr=target104)
i4 = int_add(i0, 1)
i5 = int_lt(i4, i2)
guard_true(i5) [0@1: i4, i1]
i7 = call_i({f}, i4, descr=call(i)->i)
guard_false(i7) [0@2: i4, i1, i2]
i9 = int_add(i1, i4)
jump(i4, i9, i2, descr=target104)
"
    );
    let bridge = "[i0, i1, i2]
i3 = int_add(i1, 100)
jump(i0, i3, i2, descr=target104)
";
    let lt = parse(&lp).unwrap();
    let bt = parse(bridge).unwrap();
    verify(&bt).unwrap();
    let mut be = X64Backend::new();
    let inputs = ints(&[0, 0, 10]);
    // SAFETY: the trace calls `is_odd` with its signature.
    let first = unsafe { check_with(&mut be, &lt, &inputs) };
    let Outcome::GuardFailed(g) = first else {
        panic!("{first:?}")
    };
    assert_eq!(g.guard_index, 1);
    let loop_id = metatracer::ir::TraceId::new(0);
    // SAFETY: as above.
    let r = unsafe { be.execute(loop_id, &bits(&inputs)) }.unwrap();
    assert_eq!(be.exit(r.exit).unwrap().failures, 2);
    be.compile_bridge(r.exit, &bt, "odd").unwrap();
    // oracle: interpret loop + bridge chain
    // SAFETY: as above.
    let expected = unsafe {
        let mut out = interp::run(&lt, &inputs, 1_000_000).unwrap();
        loop {
            match out {
                Outcome::GuardFailed(ref g) if g.guard_index == 1 => {
                    match interp::run(&bt, &g.saved, 1000).unwrap() {
                        Outcome::Jump(tok, vals) => {
                            out = interp::run_from_label(&lt, tok, &vals, 1_000_000).unwrap()
                        }
                        o => panic!("{o:?}"),
                    }
                }
                _ => break out,
            }
        }
    };
    // SAFETY: as above.
    let got = unsafe { be.execute(loop_id, &bits(&inputs)) }.unwrap();
    let Outcome::GuardFailed(g) = expected else {
        panic!()
    };
    assert_eq!(g.guard_index, 0);
    assert_eq!(got.values, bits(&g.saved));
    // 2+4+6+8 from the loop, 4 odd numbers (1,3,5,7,9 minus the exit at 10)... computed by the oracle:
    assert_eq!(g.saved, ints(&[10, 2 + 4 + 6 + 8 + 5 * 100]));
    let info = be.exit(got.exit).unwrap();
    assert!(matches!(info.kind, ExitKind::Guard { index: 0, .. }));
    assert!(be.exit(r.exit).unwrap().bridge.is_some());
    // a bridge cannot be attached twice; inputs must match
    assert!(be.compile_bridge(r.exit, &bt, "again").is_err());
    let bad = parse("[i0]\nfinish(i0)\n").unwrap();
    assert!(be.compile_bridge(got.exit, &bad, "bad").is_err());
}

#[test]
fn bridge_with_float_inputs_and_its_own_guard() {
    let lp = "[f0, i1]
label(f0, i1, descr=target105)
f3 = float_mul(f0, 1.5)
i4 = float_lt(f3, 100.0)
guard_true(i4) [0@1: f3, i1]
i6 = int_add(i1, 1)
jump(f3, i6, descr=target105)
";
    let bridge = "[f0, i1]
i2 = int_lt(i1, 20)
guard_true(i2) [0@9: f0, i1]
f4 = float_truediv(f0, 3.0)
jump(f4, i1, descr=target105)
";
    let lt = parse(lp).unwrap();
    let bt = parse(bridge).unwrap();
    let mut be = X64Backend::new();
    let inputs = [Value::Float(1.0), Value::Int(0)];
    // SAFETY: no memory access.
    unsafe { check_with(&mut be, &lt, &inputs) };
    let id = metatracer::ir::TraceId::new(0);
    // SAFETY: no memory access.
    let r = unsafe { be.execute(id, &bits(&inputs)) }.unwrap();
    be.compile_bridge(r.exit, &bt, "b").unwrap();
    // SAFETY: no memory access.
    let got = unsafe { be.execute(id, &bits(&inputs)) }.unwrap();
    let info = be.exit(got.exit).unwrap();
    assert_eq!(
        info.trace,
        metatracer::ir::TraceId::new(1),
        "the bridge's own guard exits"
    );
    let frames = be.resume_frames(got.exit, &got.values);
    assert_eq!(frames[0].pc, 9);
    assert!(frames[0].values[1].as_int().unwrap() >= 20);
    // oracle
    // SAFETY: no memory access.
    let mut out = unsafe { interp::run(&lt, &inputs, 100_000) }.unwrap();
    while let Outcome::GuardFailed(g) = &out {
        if g.pos != lt.guards()[0] {
            break;
        }
        // SAFETY: no memory access.
        out = match unsafe { interp::run(&bt, &g.saved, 100) }.unwrap() {
            Outcome::Jump(tok, v) => {
                // SAFETY: no memory access.
                unsafe { interp::run_from_label(&lt, tok, &v, 100_000) }.unwrap()
            }
            o => o,
        };
    }
    let Outcome::GuardFailed(g) = out else {
        panic!("{out:?}")
    };
    assert_eq!(got.values, bits(&g.saved));
}

#[test]
fn fail_all_guards_switch() {
    let text = "[i0]\nlabel(i0, descr=target106)\ni2 = int_add(i0, 1)\ni3 = int_lt(i2, 100)\nguard_true(i3) [0@0: i2]\njump(i2, descr=target106)\n";
    let t = parse(text).unwrap();
    let mut be = X64Backend::new();
    be.set_fail_all_guards(true);
    let id = be.compile_loop(&t, "x").unwrap();
    // SAFETY: no memory access.
    let r = unsafe { be.execute(id, &[5]) }.unwrap();
    assert_eq!(r.values, vec![6]);
}

#[test]
fn forced_failure_of_one_guard_index() {
    use metatracer::backend::ForcedFailures;
    // The compare results are in the snapshots, so the backend would normally fuse each
    // compare into its guard and let the exit stub store the failing value; a forced failure
    // must save the real result (1) instead.
    let text = "[i0]\nlabel(i0, descr=target121)\ni1 = int_add(i0, 1)\ni2 = int_lt(i1, 100)\nguard_true(i2) [0@0: i1, i2]\ni3 = int_lt(i1, 1000)\nguard_true(i3) [0@1: i1, i3]\njump(i1, descr=target121)\n";
    let t = parse(text).unwrap();
    let run = |which: ForcedFailures| {
        let mut be = X64Backend::new();
        be.set_forced_failures(which);
        let id = be.compile_loop(&t, "x").unwrap();
        // SAFETY: no memory access.
        let r = unsafe { be.execute(id, &[5]) }.unwrap();
        let ExitKind::Guard { index, .. } = be.exit(r.exit).unwrap().kind else {
            panic!("guard exit expected")
        };
        let frames = be.resume_frames(r.exit, &r.values);
        (index, frames[0].pc, r.values)
    };
    assert_eq!(run(ForcedFailures::Index(0)), (0, 0, vec![6, 1]));
    assert_eq!(run(ForcedFailures::Index(1)), (1, 1, vec![6, 1]));
    // no third guard: the loop runs until the first guard fails for real
    assert_eq!(run(ForcedFailures::Index(2)), (0, 0, vec![100, 0]));
    assert_eq!(run(ForcedFailures::None), (0, 0, vec![100, 0]));
    assert_eq!(run(ForcedFailures::All), (0, 0, vec![6, 1]));
    // the random mode picks one of the two guards, the same one for the same seed
    let picks: Vec<usize> = (0..8).map(|s| run(ForcedFailures::Random(s)).0).collect();
    assert!(picks.iter().all(|&i| i < 2), "{picks:?}");
    assert_eq!(
        picks,
        (0..8)
            .map(|s| run(ForcedFailures::Random(s)).0)
            .collect::<Vec<_>>()
    );
}

#[test]
fn compile_errors_are_reported_not_panics() {
    let mut be = X64Backend::new();
    let bad = parse("[i0]\ni1 = int_add(i0, 1)\n").unwrap();
    assert!(matches!(
        be.compile_loop(&bad, "x"),
        Err(metatracer::backend::CompileError::Verifier(_))
    ));
    let unknown = parse("[i0]\njump(i0, descr=target999999)\n").unwrap();
    assert!(matches!(
        be.compile_loop(&unknown, "x"),
        Err(metatracer::backend::CompileError::UnknownTarget(_))
    ));
}

// ---- randomized differential test ------------------------------------------------------

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn random_trace(rng: &mut Rng) -> (String, Vec<Value>) {
    const INT_BIN: [&str; 16] = [
        "int_add",
        "int_sub",
        "int_mul",
        "int_and",
        "int_or",
        "int_xor",
        "int_lshift",
        "int_rshift",
        "uint_rshift",
        "int_lt",
        "int_le",
        "int_eq",
        "int_ne",
        "uint_lt",
        "uint_ge",
        "int_gt",
    ];
    const INT_UN: [&str; 4] = ["int_neg", "int_invert", "int_is_zero", "int_is_true"];
    const FLT_BIN: [&str; 4] = ["float_add", "float_sub", "float_mul", "float_truediv"];
    const FLT_CMP: [&str; 6] = [
        "float_lt", "float_le", "float_gt", "float_ge", "float_eq", "float_ne",
    ];
    let interesting = [
        0i64,
        1,
        -1,
        2,
        7,
        63,
        64,
        i64::MAX,
        i64::MIN,
        0x1234_5678_9abc,
    ];
    let fvals = [0.0, -0.0, 1.5, -2.25, 1e10, f64::NAN, f64::INFINITY, 3.0];
    let (ni, nf) = (1 + rng.below(4), 1 + rng.below(3));
    let mut text = String::from("[");
    let mut ivals: Vec<String> = vec![];
    let mut fv: Vec<String> = vec![];
    let mut inputs = vec![];
    for k in 0..ni + nf {
        if k > 0 {
            text.push_str(", ");
        }
        if k < ni {
            ivals.push(format!("i{k}"));
            inputs.push(Value::Int(if rng.below(2) == 0 {
                interesting[rng.below(10)]
            } else {
                rng.next() as i64
            }));
        } else {
            fv.push(format!("f{k}"));
            inputs.push(Value::Float(
                fvals[rng.below(8)] * (1 + rng.below(5)) as f64,
            ));
        }
        text.push_str(if k < ni { &ivals[k] } else { &fv[k - ni] });
    }
    text.push_str("]\n");
    let mut n = ni + nf;
    let nops = 5 + rng.below(60);
    let mut guards = 0;
    for _ in 0..nops {
        let iarg = |rng: &mut Rng, iv: &Vec<String>| -> String {
            if rng.below(4) == 0 {
                interesting[rng.below(10)].to_string()
            } else {
                iv[rng.below(iv.len())].clone()
            }
        };
        let farg = |rng: &mut Rng, fv: &Vec<String>| -> String {
            if rng.below(5) == 0 {
                format!("{:?}", fvals[rng.below(8)])
            } else {
                fv[rng.below(fv.len())].clone()
            }
        };
        match rng.below(10) {
            0..=3 => {
                let op = INT_BIN[rng.below(INT_BIN.len())];
                let (a, b) = (iarg(rng, &ivals), iarg(rng, &ivals));
                text.push_str(&format!("i{n} = {op}({a}, {b})\n"));
                ivals.push(format!("i{n}"));
            }
            4 => {
                let op = INT_UN[rng.below(4)];
                let a = iarg(rng, &ivals);
                text.push_str(&format!("i{n} = {op}({a})\n"));
                ivals.push(format!("i{n}"));
            }
            5 | 6 => {
                let op = FLT_BIN[rng.below(4)];
                let (a, b) = (farg(rng, &fv), farg(rng, &fv));
                text.push_str(&format!("f{n} = {op}({a}, {b})\n"));
                fv.push(format!("f{n}"));
            }
            7 => {
                let op = FLT_CMP[rng.below(6)];
                let (a, b) = (farg(rng, &fv), farg(rng, &fv));
                text.push_str(&format!("i{n} = {op}({a}, {b})\n"));
                ivals.push(format!("i{n}"));
            }
            8 => match rng.below(4) {
                0 => {
                    let a = farg(rng, &fv);
                    text.push_str(&format!("i{n} = cast_float_to_int({a})\n"));
                    ivals.push(format!("i{n}"));
                }
                1 => {
                    let a = iarg(rng, &ivals);
                    text.push_str(&format!("f{n} = cast_int_to_float({a})\n"));
                    fv.push(format!("f{n}"));
                }
                2 => {
                    let a = farg(rng, &fv);
                    text.push_str(&format!(
                        "f{n} = {}({a})\n",
                        if rng.below(2) == 0 {
                            "float_neg"
                        } else {
                            "float_abs"
                        }
                    ));
                    fv.push(format!("f{n}"));
                }
                _ => {
                    let (a, b) = (iarg(rng, &ivals), iarg(rng, &ivals));
                    let op = ["int_add_ovf", "int_sub_ovf", "int_mul_ovf"][rng.below(3)];
                    text.push_str(&format!("i{n} = {op}({a}, {b})\n"));
                    ivals.push(format!("i{n}"));
                    n += 1;
                    let live = ivals[rng.below(ivals.len() - 1)].clone();
                    text.push_str(&format!(
                        "guard_no_overflow() [0@{n}: {live}, {}]\n",
                        fv[rng.below(fv.len())]
                    ));
                }
            },
            _ => {
                // a guard that usually holds; snapshot holds a few random values
                guards += 1;
                let a = ivals[rng.below(ivals.len())].clone();
                let g = if rng.below(2) == 0 {
                    "guard_true"
                } else {
                    "guard_false"
                };
                let mut snap = vec![];
                for _ in 0..rng.below(5) {
                    snap.push(if rng.below(2) == 0 {
                        ivals[rng.below(ivals.len())].clone()
                    } else {
                        fv[rng.below(fv.len())].clone()
                    });
                }
                snap.push("5".into());
                text.push_str(&format!("{g}({a}) [1@{guards}: {}]\n", snap.join(", ")));
            }
        }
        n += 1;
    }
    let mut outs: Vec<String> = ivals.iter().rev().take(8).cloned().collect();
    outs.extend(fv.iter().rev().take(8).cloned());
    text.push_str(&format!("finish({})\n", outs.join(", ")));
    (text, inputs)
}

#[test]
fn random_straight_line_traces_agree_with_interpreter() {
    let start = std::time::Instant::now();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut be = X64Backend::new();
    let mut guard_exits = 0;
    for _ in 0..1500 {
        let (text, inputs) = random_trace(&mut rng);
        let t = parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        // SAFETY: random traces contain no memory accesses or calls.
        if let Outcome::GuardFailed(_) = unsafe { check_with(&mut be, &t, &inputs) } {
            guard_exits += 1;
        }
        // and after folding, the optimized trace must agree with the original
        let opt = metatracer::opt::optimize(&t, "fold").unwrap();
        // SAFETY: as above.
        let (a, b) = unsafe {
            (
                interp::run(&t, &inputs, 10_000).unwrap(),
                interp::run(&opt, &inputs, 10_000).unwrap(),
            )
        };
        match (&a, &b) {
            (Outcome::Finish(x), Outcome::Finish(y)) => assert_eq!(bits(x), bits(y), "{text}"),
            (Outcome::GuardFailed(x), Outcome::GuardFailed(y)) => {
                assert_eq!(x.frames, y.frames, "{text}")
            }
            _ => panic!("fold changed the outcome\n{text}\n{a:?}\n{b:?}"),
        }
    }
    assert!(
        guard_exits > 10,
        "the generator should exercise guard exits ({guard_exits})"
    );
    assert!(start.elapsed().as_secs_f64() < 10.0);
}

#[test]
fn jump_permutes_label_args_with_cycles() {
    let text = "[i0, i1, i2, f3, f4, i5]
label(i0, i1, i2, f3, f4, i5, descr=target107)
i7 = int_add(i5, 1)
i8 = int_lt(i7, 7)
guard_true(i8) [0@0: i0, i1, i2, f3, f4, i7]
jump(i1, i2, i0, f4, f3, i7, descr=target107)
";
    check(
        text,
        &[
            Value::Int(1),
            Value::Int(2),
            Value::Int(3),
            Value::Float(0.5),
            Value::Float(-1.0),
            Value::Int(0),
        ],
    );
}

/// Random loops: many loop-carried ints and floats (forcing spilled label arguments), a random
/// body, and a jump that permutes and replaces them (cycles through registers and slots).
#[test]
fn random_loops_agree_with_interpreter() {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let mut be = X64Backend::new();
    for round in 0..150 {
        let ni = 1 + rng.below(if round % 3 == 0 { 30 } else { 8 });
        let nf = 1 + rng.below(if round % 3 == 0 { 20 } else { 6 });
        let mut names_i: Vec<String> = (0..ni).map(|k| format!("i{k}")).collect();
        let mut names_f: Vec<String> = (0..nf).map(|k| format!("f{}", ni + k)).collect();
        let counter = format!("i{}", ni + nf);
        let mut header: Vec<String> = names_i.clone();
        header.extend(names_f.clone());
        header.push(counter.clone());
        let tok = 200 + round;
        let mut text = format!(
            "[{}]\nlabel({}, descr=target{tok})\n",
            header.join(", "),
            header.join(", ")
        );
        let mut n = ni + nf + 2;
        let (li, lf) = (names_i.clone(), names_f.clone());
        for _ in 0..rng.below(25) {
            if rng.below(3) == 0 {
                let op = ["float_add", "float_sub", "float_mul"][rng.below(3)];
                let a = names_f[rng.below(names_f.len())].clone();
                let b = names_f[rng.below(names_f.len())].clone();
                text.push_str(&format!("f{n} = {op}({a}, {b})\n"));
                names_f.push(format!("f{n}"));
            } else {
                let op = [
                    "int_add",
                    "int_sub",
                    "int_mul",
                    "int_xor",
                    "int_lshift",
                    "int_lt",
                ][rng.below(6)];
                let a = names_i[rng.below(names_i.len())].clone();
                let b = if rng.below(3) == 0 {
                    (rng.below(100) as i64 - 50).to_string()
                } else {
                    names_i[rng.below(names_i.len())].clone()
                };
                text.push_str(&format!("i{n} = {op}({a}, {b})\n"));
                names_i.push(format!("i{n}"));
            }
            n += 1;
        }
        let limit = 1 + rng.below(12);
        text.push_str(&format!(
            "i{n} = int_add({counter}, 1)\ni{} = int_lt(i{n}, {limit})\n",
            n + 1
        ));
        let snap: Vec<String> = li.iter().chain(lf.iter()).cloned().collect();
        text.push_str(&format!(
            "guard_true(i{}) [0@1: {}, i{n}]\n",
            n + 1,
            snap.join(", ")
        ));
        let mut jargs: Vec<String> = (0..ni)
            .map(|_| {
                if rng.below(6) == 0 {
                    "7".to_string()
                } else {
                    names_i[rng.below(names_i.len())].clone()
                }
            })
            .collect();
        jargs.extend((0..nf).map(|_| names_f[rng.below(names_f.len())].clone()));
        jargs.push(format!("i{n}"));
        text.push_str(&format!("jump({}, descr=target{tok})\n", jargs.join(", ")));
        let t = parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let mut inputs: Vec<Value> = (0..ni)
            .map(|_| Value::Int(rng.next() as i64 >> rng.below(64)))
            .collect();
        inputs.extend((0..nf).map(|k| Value::Float(k as f64 * 0.75 - 1.0)));
        inputs.push(Value::Int(0));
        // SAFETY: no memory accesses or calls.
        unsafe { check_with(&mut be, &t, &inputs) };
    }
}

extern "C" fn r_iif(a: i64, b: i64, x: f64) -> f64 {
    (a.wrapping_mul(3) ^ b) as f64 + x * 0.5
}
extern "C" fn r_fi(x: f64, a: i64) -> i64 {
    (x as i64).wrapping_add(a.rotate_left(7))
}
extern "C" fn r_six(a: i64, b: i64, c: i64, d: i64, e: i64, f: i64) -> i64 {
    a.wrapping_sub(b).wrapping_mul(c | 1) ^ d.wrapping_add(e).wrapping_sub(f)
}
extern "C" fn r_floats(
    a: f64,
    b: f64,
    c: f64,
    d: f64,
    e: f64,
    f: f64,
    g: f64,
    h: f64,
    i: i64,
) -> f64 {
    a - b + c * d - e / (f.abs() + 1.0) + g * h + i as f64
}

/// Random straight-line traces mixing arithmetic with loads/stores on a buffer and calls with
/// int and float arguments; the interpreter and the machine code each get their own copy of
/// the buffer, and the outcomes and final buffers must match.
#[test]
fn random_memory_and_call_traces_agree() {
    let fns = [
        (
            r_iif as extern "C" fn(i64, i64, f64) -> f64 as usize,
            "call(i i f)->f",
            "iif",
            'f',
        ),
        (
            r_fi as extern "C" fn(f64, i64) -> i64 as usize,
            "call(f i)->i",
            "fi",
            'i',
        ),
        (
            r_six as extern "C" fn(i64, i64, i64, i64, i64, i64) -> i64 as usize,
            "call(i i i i i i)->i",
            "iiiiii",
            'i',
        ),
        (
            r_floats as extern "C" fn(f64, f64, f64, f64, f64, f64, f64, f64, i64) -> f64 as usize,
            "call(f f f f f f f f i)->f",
            "ffffffffi",
            'f',
        ),
    ];
    let types = [
        "i8", "u8", "i16", "u16", "i32", "u32", "i64", "u64", "f64", "ref",
    ];
    let mut rng = Rng(42);
    let mut be = X64Backend::new();
    for _ in 0..300 {
        let mut text = String::from("[p0, i1, i2, f3]\n");
        let mut iv = vec!["i1".to_string(), "i2".to_string()];
        let mut fv = vec!["f3".to_string()];
        let mut n = 4;
        for _ in 0..5 + rng.below(40) {
            match rng.below(6) {
                0 | 1 => {
                    let ty = types[rng.below(types.len())];
                    let off = rng.below(31) * 8 + if ty.ends_with('8') { rng.below(8) } else { 0 };
                    let (pfx, op) = match ty {
                        "f64" => ('f', "load_f"),
                        "ref" => ('p', "load_r"),
                        _ => ('i', "load_i"),
                    };
                    if rng.below(2) == 0 {
                        text.push_str(&format!("{pfx}{n} = {op}(p0, {off}, descr={ty})\n"));
                    } else {
                        // bounded dynamic index: (v & 15) * 8 + off - 128 stays inside the buffer
                        let v = iv[rng.below(iv.len())].clone();
                        text.push_str(&format!("i{n} = int_and({v}, 15)\n"));
                        n += 1;
                        let op = op.replace("load_", "load_idx_");
                        text.push_str(&format!(
                            "{pfx}{n} = {op}(p0, i{}, {}, descr={ty}x8)\n",
                            n - 1,
                            off / 2
                        ));
                        iv.push(format!("i{}", n - 1));
                    }
                    match pfx {
                        'f' => fv.push(format!("f{n}")),
                        'i' => iv.push(format!("i{n}")),
                        _ => {
                            // turn the loaded pointer back into an int so it is not dereferenced
                            n += 1;
                            text.push_str(&format!("i{n} = cast_ptr_to_int(p{})\n", n - 1));
                            iv.push(format!("i{n}"));
                        }
                    }
                }
                2 => {
                    let ty = types[rng.below(types.len() - 1)]; // no ref stores of random ints
                    let off = rng.below(31) * 8;
                    if ty == "f64" {
                        let v = fv[rng.below(fv.len())].clone();
                        text.push_str(&format!("store_f(p0, {off}, {v}, descr=f64)\n"));
                    } else {
                        let v = iv[rng.below(iv.len())].clone();
                        text.push_str(&format!("store_i(p0, {off}, {v}, descr={ty})\n"));
                    }
                }
                3 => {
                    let (addr, descr, sig, ret) = fns[rng.below(fns.len())];
                    let args: Vec<String> = sig
                        .chars()
                        .map(|c| {
                            if c == 'f' {
                                fv[rng.below(fv.len())].clone()
                            } else {
                                iv[rng.below(iv.len())].clone()
                            }
                        })
                        .collect();
                    text.push_str(&format!(
                        "{ret}{n} = call_{ret}({addr}, {}, descr={descr})\n",
                        args.join(", ")
                    ));
                    if ret == 'f' {
                        fv.push(format!("f{n}"));
                    } else {
                        iv.push(format!("i{n}"));
                    }
                }
                4 => {
                    let (a, b) = (
                        iv[rng.below(iv.len())].clone(),
                        iv[rng.below(iv.len())].clone(),
                    );
                    let op =
                        ["int_add", "int_mul", "int_sub", "int_xor", "uint_rshift"][rng.below(5)];
                    text.push_str(&format!("i{n} = {op}({a}, {b})\n"));
                    iv.push(format!("i{n}"));
                }
                _ => {
                    let (a, b) = (
                        fv[rng.below(fv.len())].clone(),
                        fv[rng.below(fv.len())].clone(),
                    );
                    text.push_str(&format!("f{n} = float_add({a}, {b})\n"));
                    fv.push(format!("f{n}"));
                }
            }
            n += 1;
        }
        let outs: Vec<String> = iv
            .iter()
            .rev()
            .take(6)
            .chain(fv.iter().rev().take(6))
            .cloned()
            .collect();
        text.push_str(&format!("finish({})\n", outs.join(", ")));
        let t = parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        verify(&t).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let init: Vec<u64> = (0..32).map(|_| rng.next()).collect();
        let (mut a, mut b) = (init.clone(), init.clone());
        let ia = vec![
            Value::Ref(a.as_mut_ptr() as usize),
            Value::Int(rng.next() as i64),
            Value::Int(-3),
            Value::Float(2.5),
        ];
        let mut ib = ia.clone();
        ib[0] = Value::Ref(b.as_mut_ptr() as usize);
        // SAFETY: all accesses stay inside the 256-byte buffer given as p0; loaded refs are
        // only converted to ints; calls go to the functions above with their signatures.
        let expected = unsafe { interp::run(&t, &ia, 10_000) }.unwrap();
        if std::env::var("RND_DEBUG").is_ok() {
            eprintln!("=====\n{text}");
        }
        let id = be
            .compile_loop(&t, "rnd")
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        // SAFETY: as above.
        let got = unsafe { be.execute(id, &bits(&ib)) }.unwrap();
        match expected {
            Outcome::Finish(v) => assert_eq!(got.values, bits(&v), "{text}"),
            o => panic!("{o:?}"),
        }
        assert_eq!(a, b, "buffers differ\n{text}");
    }
}

/// The allocator's core invariant on the random traces above: two values whose live
/// intervals overlap never share a location (a value may take over the location of one
/// whose last use is the op defining it).
#[test]
fn allocation_never_shares_a_live_location() {
    use metatracer::backend::x64::regalloc::{allocate, live_ends, Loc};
    let mut rng = Rng(7);
    for _ in 0..300 {
        let (text, _) = random_trace(&mut rng);
        let t = parse(&text).unwrap();
        let a = allocate(&t).unwrap();
        let end = live_ends(&t);
        for (x, &end_x) in end.iter().enumerate() {
            for y in x + 1..=end_x.min(t.len() - 1) {
                if a.locs[x] != Loc::None && a.locs[x] == a.locs[y] && end_x > y {
                    panic!("v{x} and v{y} share {:?}\n{text}", a.locs[x]);
                }
            }
        }
    }
}

/// The borrow-free path a re-entrant driver uses: copy the entry point out, run it on its
/// own buffer, then record the exit.
#[test]
fn raw_entry_point_and_record_exit() {
    use metatracer::backend::MAX_FRAME_WORDS;
    let t = parse("[i0, f1]\nlabel(i0, f1, descr=target108)\ni3 = int_add(i0, 2)\nf4 = float_mul(f1, 2.0)\ni5 = int_lt(i3, 20)\nguard_true(i5) [0@0: f4, i3]\njump(i3, f4, descr=target108)\n").unwrap();
    let mut be = X64Backend::new();
    let id = be.compile_loop(&t, "raw").unwrap();
    let f = be.entry_point(id).unwrap();
    let mut buf = vec![0u64; MAX_FRAME_WORDS];
    buf[0] = 1;
    buf[1] = 1.0f64.to_bits();
    // SAFETY: `be` is alive, the buffer has MAX_FRAME_WORDS words and holds an int and a
    // float, the trace's input kinds; the trace touches no memory.
    let raw = unsafe { f.call(&mut buf) }.unwrap();
    let (exit, n) = be.record_exit(raw).unwrap();
    assert_eq!(n, 2);
    assert_eq!(f64::from_bits(buf[0]), 1024.0);
    assert_eq!(buf[1], 21);
    assert_eq!(be.exit(exit).unwrap().failures, 1);
    assert!(be.record_exit(999_999).is_err());
}

/// Dump machine code of a typical loop for inspection: `DUMP_ASM=file cargo test dump_asm`.
#[test]
fn dump_asm() {
    let Ok(path) = std::env::var("DUMP_ASM") else {
        return;
    };
    let t = parse(
        "[i0, i1, p2, i3]
label(i0, i1, p2, i3, descr=target109)
i5 = uint_lt(i0, i3)
guard_true(i5) [0@0: i0, i1, p2]
i7 = load_idx_i(p2, i0, 0, descr=i64x8)
i8 = int_add_ovf(i1, i7)
guard_no_overflow() [0@1: i0, i1, p2]
i10 = int_add(i0, 1)
jump(i10, i8, p2, i3, descr=target109)
",
    )
    .unwrap();
    metatracer::jitlog::configure(&format!("asm:{path}")).unwrap();
    let mut be = X64Backend::new();
    be.compile_loop(&t, "dump").unwrap();
    metatracer::jitlog::configure("").unwrap();
}

/// Compares fused into the following guard (int signed/unsigned, float incl. NaN).
#[test]
fn fused_compare_guards() {
    for cmp in [
        "float_lt", "float_le", "float_gt", "float_ge", "float_eq", "float_ne",
    ] {
        for g in ["guard_true", "guard_false"] {
            let text = format!("[f0, f1]\ni2 = {cmp}(f0, f1)\n{g}(i2) [0@0: f0]\nfinish(f1)\n");
            for (a, b) in [
                (1.0, 2.0),
                (2.0, 1.0),
                (1.0, 1.0),
                (f64::NAN, 1.0),
                (1.0, f64::NAN),
                (-0.0, 0.0),
            ] {
                check(&text, &[Value::Float(a), Value::Float(b)]);
            }
        }
    }
    for cmp in [
        "int_lt", "int_le", "int_gt", "int_ge", "int_eq", "int_ne", "uint_lt", "uint_le",
        "uint_gt", "uint_ge",
    ] {
        for g in ["guard_true", "guard_false"] {
            let text = format!("[i0, i1]\ni2 = {cmp}(i0, i1)\n{g}(i2) [0@0: i0]\ni4 = {cmp}(i0, 5)\n{g}(i4) [0@1: i1]\nfinish(i1)\n");
            for (a, b) in [
                (1, 2),
                (2, 1),
                (1, 1),
                (-1, 1),
                (1, -1),
                (5, 5),
                (i64::MIN, i64::MAX),
            ] {
                check(&text, &ints(&[a, b]));
            }
        }
    }
}

/// Rough speed check (not run by default): `cargo test --test x64_backend speed -- --ignored --nocapture`.
#[test]
#[ignore]
fn speed_array_sum() {
    let data: Vec<i64> = (0..10_000_000).collect();
    let t = parse(
        "[i0, i1, p2, i3]
label(i0, i1, p2, i3, descr=target110)
i5 = uint_lt(i0, i3)
guard_true(i5) [0@0: i0, i1]
i7 = load_idx_i(p2, i0, 0, descr=i64x8)
i8 = int_add_ovf(i1, i7)
guard_no_overflow() [0@1: i0, i1]
i10 = int_add(i0, 1)
jump(i10, i8, p2, i3, descr=target110)
",
    )
    .unwrap();
    let inputs = [
        Value::Int(0),
        Value::Int(0),
        Value::Ref(data.as_ptr() as usize),
        Value::Int(data.len() as i64),
    ];
    let mut be = X64Backend::new();
    let id = be.compile_loop(&t, "sum").unwrap();
    let start = std::time::Instant::now();
    // SAFETY: indices are guarded against the length.
    let r = unsafe { be.execute(id, &bits(&inputs)) }.unwrap();
    let jit = start.elapsed();
    assert_eq!(r.values[1] as i64, data.iter().sum::<i64>());
    let start = std::time::Instant::now();
    // SAFETY: as above.
    let o = unsafe { interp::run(&t, &inputs, usize::MAX) }.unwrap();
    let ir = start.elapsed();
    let Outcome::GuardFailed(g) = o else { panic!() };
    assert_eq!(g.saved[1], Value::Int(data.iter().sum::<i64>()));
    let n = data.len() as f64;
    eprintln!(
        "array sum of {} i64: machine code {:.2} ns/iter, IR interpreter {:.2} ns/iter ({:.0}x)",
        data.len(),
        jit.as_nanos() as f64 / n,
        ir.as_nanos() as f64 / n,
        ir.as_secs_f64() / jit.as_secs_f64()
    );
}

/// A residual callee written like the JIT's native-ABI trampolines: it runs the real work
/// under `unwind::catch`, so a panic is parked instead of unwinding into machine code.
extern "sysv64" fn checked_div(a: i64, b: i64) -> i64 {
    metatracer::backend::unwind::catch(|| {
        if b == 0 {
            panic!("checked_div by zero at {a}");
        }
        a / b
    })
    .unwrap_or(0)
}

/// A panic in a residual call leaves the machine code through the panic exit (no exit is
/// counted, nothing after the call runs) and `execute` resumes it as an ordinary panic; the
/// backend and the same code keep working afterwards.
#[test]
fn residual_panic_unwinds_out_of_execute() {
    let f = checked_div as extern "sysv64" fn(i64, i64) -> i64 as usize;
    // a loop dividing 1000 by a counter that counts down to zero: the call panics when it
    // reaches 0, inside the loop, after several iterations of machine code
    let text = format!(
        "[i0, i1]
label(i0, i1, descr=target120)
i3 = call_i({f}, 1000, i0, descr=call(i i)->i \"checked_div\")
i4 = int_add(i1, i3)
i5 = int_sub(i0, 1)
i6 = int_gt(i4, 100000)
guard_false(i6) [0@0: i5, i4]
jump(i5, i4, descr=target120)
"
    );
    let t = parse(&text).unwrap();
    let mut be = X64Backend::new();
    let id = be.compile_loop(&t, "div").unwrap();
    let counted = |be: &X64Backend| -> u64 {
        (0..4)
            .filter_map(|e| be.exit(metatracer::backend::ExitId(e)))
            .map(|i| i.failures)
            .sum()
    };
    for round in 0..3 {
        let before = counted(&be);
        // SAFETY: the trace calls `checked_div` with its signature and touches no memory.
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| unsafe {
            be.execute(id, &[5, 0])
        }));
        let p = r.expect_err("the residual call panicked");
        assert_eq!(
            p.downcast_ref::<String>().map(String::as_str),
            Some("checked_div by zero at 1000"),
            "round {round}"
        );
        assert!(!metatracer::backend::unwind::pending());
        // No exit was counted.
        assert_eq!(counted(&be), before);
        // The same code still runs to its guard when nothing panics.
        // SAFETY: as above.
        let ok = unsafe { be.execute(id, &[1_000_000, 99_990]) }.unwrap();
        assert!(matches!(
            be.exit(ok.exit).unwrap().kind,
            ExitKind::Guard { .. }
        ));
        // (it left when the sum passed 100000, long before the counter reached zero)
        assert!(
            ok.values[1] > 100_000 && ok.values[0] > 0,
            "{:?}",
            ok.values
        );
    }
}
