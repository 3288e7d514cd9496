//! (An interpreter written for the test, with the public annotations only.)
//!
//! The grown traced subset: `?` and `return Err(..)` on `Result`s held in registers
//! (propagated through two inlined helpers, with a store between the two `?`s so a deopt in
//! the middle of the propagation is visible), helpers returning `Option<i64>` and
//! `(i64, bool)`, `if let`, `while let`, `let ... else`, `for` over `a..b` and `a..=b`,
//! `break value`, match guards (on a register value and on a place), destructuring `let`,
//! and `?` on a multi-word result of a residual call. Each must give the interpreter's
//! result with the JIT on, with bridges, with every guard failing, and with each guard
//! failing in turn; the helpers must be inlined (no call of them in the loop).

mod common;

use metatracer::{dont_look_inside, jit_merge_point, look_inside, unroll_safe, Layout};

#[derive(Layout)]
struct Code {
    ops: Vec<u8>,
    id: metatracer::JitIdentity,
}

impl metatracer::JitGreen for Code {
    fn jit_identity(&self) -> &metatracer::JitIdentity {
        &self.id
    }
}

#[derive(Layout, Default, Debug, PartialEq, Clone)]
struct State {
    acc: i64,
    errs: i64,
    log: i64,
    n: i64,
    mode: u8,
    big: i64,
    small: i32,
    div: i64,
    items: Vec<i64>,
}

#[look_inside]
fn checked_step(x: i64) -> Result<i64, u32> {
    if (x & 7) == 3 {
        return Err(7);
    }
    Ok(x + 1)
}

#[look_inside]
fn two_steps(s: &mut State, x: i64) -> Result<i64, u32> {
    let a = checked_step(x)?;
    s.log += 1; // done once even if the next `?` deopts
    let b = checked_step(a + 1)?;
    Ok(a + b)
}

#[look_inside]
fn maybe(x: i64) -> Option<i64> {
    if (x & 1) == 0 {
        Some(x + 100)
    } else {
        None
    }
}

#[look_inside]
fn split(x: i64) -> (i64, bool) {
    (x & 15, (x & 16) != 0)
}

#[look_inside]
fn dec(k: i64) -> Option<i64> {
    if k > 0 {
        Some(k - 1)
    } else {
        None
    }
}

#[unroll_safe]
fn sums(n: i64) -> i64 {
    let mut t = 0;
    for i in 0..n {
        t += i;
    }
    for j in 1..=3 {
        t += j;
    }
    t
}

#[unroll_safe]
fn first_square_above(x: i64) -> i64 {
    let mut k = 0;
    loop {
        k += 1;
        if k * k > x {
            break k;
        }
    }
}

#[look_inside]
fn classify(x: Option<i64>) -> i64 {
    match x {
        Some(v) if v > 140 => 1,
        Some(100) => 2,
        Some(_) => 3,
        None => 4,
    }
}

#[allow(clippy::too_many_arguments)]
#[look_inside]
fn eight(a: i64, b: i64, c: i64, d: i64, e: i64, f: i64, g: i64, h: i64) -> i64 {
    a - b + c - d + e - f + g - h * 2
}

/// Takes `&State`: called with the portal's `&mut State` (reborrowed, as rustc does).
#[look_inside]
fn peek(s: &State) -> i64 {
    s.n + s.acc % 3
}

/// A slice (two registers: data pointer and length), indexed and measured inline.
#[allow(clippy::needless_range_loop)]
#[unroll_safe]
fn total(xs: &[i64]) -> i64 {
    let mut t = 0;
    for i in 0..xs.len() {
        t += xs[i];
    }
    t
}

#[look_inside]
fn bump_last(xs: &mut [i64], by: i64) {
    let n = xs.len();
    xs[n - 1] += by;
}

/// Not traced: multi-word arguments (words interleaving ints and a float) to a residual call.
#[dont_look_inside]
fn weigh(o: Option<i64>, p: (f64, i64)) -> i64 {
    o.unwrap_or(-1) + p.1 + p.0 as i64
}

/// Not traced: a residual call returning a multi-word value.
#[dont_look_inside]
fn odd_half(x: i64) -> Option<i64> {
    if x % 3 == 0 {
        None
    } else {
        Some(x / 2)
    }
}

#[look_inside]
fn via_residual(x: i64) -> Option<i64> {
    let h = odd_half(x)?;
    Some(h + 1)
}

#[jit_merge_point]
fn run(#[green] code: &Code, s: &mut State) {
    #[green]
    let mut pc: usize = 0;
    while pc < code.ops.len() {
        match code.ops[pc] {
            0 => match two_steps(s, s.n) {
                Ok(v) => s.acc += v,
                Err(e) => s.errs += e as i64,
            },
            1 => {
                if let Some(h) = maybe(s.n) {
                    s.acc += h;
                } else {
                    s.acc -= 1;
                }
            }
            2 => {
                let (lo, hi) = split(s.n);
                if hi {
                    s.acc += lo;
                }
            }
            3 => {
                let Some(h) = maybe(s.n + 1) else {
                    s.errs += 1;
                    pc += 1;
                    continue;
                };
                s.acc += h * 2;
            }
            4 => s.acc += sums(s.n & 3) + first_square_above(s.n & 63),
            5 => {
                s.acc += classify(maybe(s.n & 63));
                let mut k = s.n & 3;
                while let Some(v) = dec(k) {
                    k = v;
                    s.acc += 1;
                }
            }
            6 => match s.mode {
                0 if s.n > 50 => s.acc += 1000,
                0 => s.mode = 1,
                _ => s.acc += 1,
            },
            7 => match via_residual(s.n) {
                Some(v) => s.acc += v,
                None => s.errs += 1,
            },
            8 => {
                // overflows every 40 iterations or so: the overflow guard fails
                match s.big.checked_mul(3) {
                    Some(v) => s.big = v,
                    None => {
                        s.big = 1;
                        s.errs += 1;
                    }
                }
                let (w, o) = s.small.overflowing_add(1_000_000_000);
                s.small = w;
                if o {
                    s.errs += 1;
                }
                if let Some(v) = (s.n as u8).checked_sub(100) {
                    s.acc += v as i64;
                }
                // Rust's sign rules: truncation toward zero, remainder with the dividend's sign
                let d = s.n - 60;
                s.div += d / 7 + d % 7 + (d as i32 / -3) as i64 + (d as i8 % 5) as i64;
            }
            9 => {
                let p = peek(s);
                s.acc += eight(p, 1, 2, 3, 4, 5, 6, s.n);
                // `&Vec<i64>` and `&mut Vec<i64>` passed as slices (deref coercion)
                s.acc += total(&s.items);
                bump_last(&mut s.items, s.n & 3);
                s.acc += weigh(maybe(s.n), (2.5, s.n & 7));
            }
            _ => {
                s.n -= 1;
                if s.n > 0 {
                    pc = 0;
                    metatracer::can_enter_jit!();
                    continue;
                }
            }
        }
        pc += 1;
    }
}

/// The JIT's parameters are process-wide: tests that set them run one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn go(params: &str) -> (State, metatracer::jit::JitStats) {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    metatracer::jit::reset();
    metatracer::set_params(params).unwrap();
    let code = Code {
        ops: vec![0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        id: metatracer::JitIdentity::new(),
    };
    let mut s = State {
        n: 120,
        big: 1,
        items: vec![3, 1, 4],
        ..Default::default()
    };
    run(&code, &mut s);
    (s, metatracer::jit::stats())
}

#[test]
fn grown_subset_traces_and_deopts_exactly() {
    let (reference, _) = go("off");
    assert!(reference.errs > 0 && reference.log > 0, "{reference:?}");
    let (jit, stats) = go("on,threshold=3,trace_eagerness=1000");
    assert_eq!(jit, reference, "{stats:?}");
    assert!(stats.loops >= 1, "{stats:?}");
    let t = &stats.loop_traces[0];
    // The helpers are inlined: no call of them is left in the loop.
    for helper in [
        "two_steps",
        "checked_step",
        "maybe",
        "split",
        "dec",
        "sums",
        "first_square_above",
        "classify",
        "via_residual",
        "eight",
        "peek",
        "total",
        "bump_last",
    ] {
        assert!(
            !t.lines()
                .any(|l| l.contains("call_") && l.contains(&format!("::{helper}\""))),
            "{helper} was called, not inlined:\n{t}"
        );
    }
    // The only pattern-test calls left are those of the `match` on the place `s.mode` (with
    // a guard); no helper left a residual call of a closure (`len()`, a pattern, a cast).
    for l in t
        .lines()
        .filter(|l| l.contains("call_") && l.contains("{{closure}}"))
    {
        assert!(
            l.contains("subset::run::__mt_build::{{closure}}"),
            "{l}\n{t}"
        );
    }
    // `checked_mul` on i64 is an overflow-checked op with its guard; `/` and `%` are inline.
    for op in ["int_mul_ovf", "guard_no_overflow", "int_div", "int_mod"] {
        assert!(t.contains(op), "no {op}:\n{t}");
    }
    // The residual `odd_half` returns `Option<i64>`: its call, then its second word.
    assert!(t.contains("odd_half"), "{t}");
    assert!(t.contains("\"weigh\""), "{t}");
    assert!(t.contains("metatracer::result_word"), "{t}");
    // With bridges, and with every guard failing.
    let (jit, stats) = go("on,threshold=3,trace_eagerness=2");
    assert_eq!(jit, reference, "{stats:?}");
    assert!(stats.bridges >= 1, "{stats:?}");
    let (jit, _) = go("on,threshold=1,fail_guards=1");
    assert_eq!(jit, reference);
    // Each guard failing in turn (a failure between the two `?`s of `two_steps` resumes
    // inside its inlined frame: `log` is bumped once).
    common::sweep_fail_guard(go, &reference, 10);
}

#[jit_merge_point]
fn divide(#[green] code: &Code, s: &mut State) {
    #[green]
    let mut pc: usize = 0;
    while pc < code.ops.len() {
        if code.ops[pc] == 0 {
            s.acc += 1000 / (s.n - 5);
        } else {
            s.n -= 1;
            if s.n > 0 {
                pc = 0;
                metatracer::can_enter_jit!();
                continue;
            }
        }
        pc += 1;
    }
}

/// Division by zero in traced code panics as Rust does: the check's guard fails and the
/// division is redone by a residual call, which panics with Rust's own message.
#[test]
fn division_by_zero_panics_as_in_the_interpreter() {
    let panic_of = |params: &str| {
        let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
        metatracer::jit::reset();
        metatracer::set_params(params).unwrap();
        let code = Code {
            ops: vec![0, 1],
            id: metatracer::JitIdentity::new(),
        };
        let mut s = State {
            n: 40,
            ..Default::default()
        };
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| divide(&code, &mut s)));
        let stats = metatracer::jit::stats();
        metatracer::set_params("off").unwrap();
        let msg = match r {
            Err(e) => e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default(),
            Ok(()) => "no panic".to_string(),
        };
        (msg, s.acc, stats)
    };
    let (reference, acc, _) = panic_of("off");
    assert_eq!(reference, "attempt to divide by zero");
    let (msg, jit_acc, stats) = panic_of("on,threshold=3");
    assert_eq!(msg, reference, "{stats:?}");
    assert_eq!(jit_acc, acc);
    assert!(stats.loops >= 1, "{stats:?}");
    assert!(
        stats.loop_traces[0].contains("int_div"),
        "{}",
        stats.loop_traces[0]
    );
}
