//! (An interpreter written for the test, with the public annotations only.)
//!
//! Generic functions as `#[look_inside]`: `#[look_inside(instances(i64, f64))]` mirrors the
//! function once per listed instance (with `T::ONE`, a constant of the type parameter's
//! trait, written in), the instances are inlined (no call left in the loop), an instance not
//! listed (`u32`) is a residual call, and a function with two type parameters lists tuples.
//! Same results as the interpreter with the JIT on, with bridges, every guard failing and
//! each guard failing in turn (a guard inside an inlined instance).

mod common;

use metatracer::{jit_merge_point, look_inside, Layout};
use std::ops::{Add, Mul};

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

#[derive(Layout, Debug, PartialEq, Default, Clone)]
struct State {
    n: i64,
    ints: i64,
    floats: f64,
    small: u32,
    picked: f64,
}

trait One: Copy {
    const ONE: Self;
}
impl One for i64 {
    const ONE: i64 = 1;
}
impl One for f64 {
    const ONE: f64 = 1.0;
}
impl One for u32 {
    const ONE: u32 = 1;
}

/// `a * b + 1`, with a guard (the comparison) inside.
#[look_inside(instances(i64, f64))]
fn mul_add_one<T: One + Mul<Output = T> + Add<Output = T> + PartialOrd>(a: T, b: T) -> T {
    let p = a * b;
    if p > b {
        p + T::ONE
    } else {
        p
    }
}

/// Two type parameters: instances written as tuples.
#[look_inside(instances((i64, f64)))]
fn second<A: Copy, B: Copy>(p: (A, B), alt: B, first: bool) -> B {
    let (_, b) = p;
    if first {
        alt
    } else {
        b
    }
}

#[jit_merge_point]
fn run(#[green] code: &Code, s: &mut State) {
    #[green]
    let mut pc: usize = 0;
    while pc < code.ops.len() {
        match code.ops[pc] {
            0 => {
                s.ints += mul_add_one(s.n & 15, 3);
                let x = s.n as f64 * 0.25;
                s.floats += mul_add_one(x, 2.0);
            }
            1 => {
                // not listed: a residual call
                let k = (s.n & 7) as u32;
                s.small = s.small.wrapping_add(mul_add_one(k, 5));
                s.picked += second((s.n, 0.5), 1.5, (s.n & 3) == 0);
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

static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn go(params: &str) -> (State, metatracer::jit::JitStats) {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    metatracer::jit::reset();
    metatracer::set_params(params).unwrap();
    let code = Code {
        ops: vec![0, 1, 2],
        id: metatracer::JitIdentity::new(),
    };
    let mut s = State {
        n: 150,
        ..Default::default()
    };
    run(&code, &mut s);
    (s, metatracer::jit::stats())
}

#[test]
fn listed_instances_are_inlined_and_others_are_residual_calls() {
    let (reference, _) = go("off");
    assert!(reference.ints != 0 && reference.small != 0, "{reference:?}");
    let (jit, stats) = go("on,threshold=3,trace_eagerness=1000");
    assert_eq!(jit, reference, "{stats:?}");
    assert!(stats.loops >= 1, "{stats:?}");
    let t = &stats.loop_traces[0];
    let calls: Vec<&str> = t.lines().filter(|l| l.contains("call_")).collect();
    // the `u32` instance, and only it, is called
    assert!(
        calls.iter().any(|l| l.contains("mul_add_one")),
        "no residual call of the u32 instance:\n{t}"
    );
    assert_eq!(
        calls.iter().filter(|l| l.contains("mul_add_one")).count(),
        1,
        "{t}"
    );
    assert!(!calls.iter().any(|l| l.contains("second")), "{t}");
    // nothing else is called (`T::ONE` is a constant, the pair a register value)
    assert!(
        calls
            .iter()
            .all(|l| l.contains("mul_add_one") || l.contains("__mt_build::{{closure}}")),
        "{t}"
    );
    // the f64 instance is inlined: float ops in the loop
    assert!(t.contains("float_mul"), "{t}");
    let (jit, stats) = go("on,threshold=3,trace_eagerness=2");
    assert_eq!(jit, reference, "{stats:?}");
    let (jit, _) = go("on,threshold=1,fail_guards=1");
    assert_eq!(jit, reference);
    common::sweep_fail_guard(go, &reference, 3);
}
