//! (An interpreter written for the test, with the public annotations only.)
//!
//! Destructuring `let` of structs of register values: `let Value { tag, i, .. } = v;` on a
//! `RegValue` struct in registers (a helper's result), a tuple struct (`let Pair(a, b) = p;`),
//! a struct pattern nested in a struct pattern, `_` fields, and a struct read field by field
//! from memory (`let Pt { x, y } = s.pt;`, a `Layout` struct that is no register value). The
//! helpers must be inlined and read no memory for the register values; the results must be
//! the interpreter's with the JIT on, with bridges, with every guard failing and with each
//! guard failing in turn (guards between the bindings and the stores that use them).

mod common;

use metatracer::{jit_merge_point, look_inside, Layout, RegValue};

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

#[derive(Clone, Copy, Debug, PartialEq, RegValue)]
struct Value {
    tag: u8,
    i: i64,
    f: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, RegValue)]
struct Pair(i64, i64);

#[derive(Clone, Copy, Debug, PartialEq, RegValue)]
struct Outer {
    inner: Pair,
    k: i64,
}

/// In memory only (no `RegValue`): destructured field by field.
#[derive(Clone, Copy, Debug, PartialEq, Default, Layout)]
struct Pt {
    x: i64,
    y: i64,
}

#[derive(Layout, Debug, PartialEq, Default, Clone)]
struct State {
    n: i64,
    ints: i64,
    floats: f64,
    pairs: i64,
    pt: Pt,
    moved: i64,
}

const INT: u8 = 0;

#[look_inside]
fn make(n: i64) -> Value {
    if n % 3 == 0 {
        Value {
            tag: 1,
            i: 0,
            f: n as f64 * 0.5,
        }
    } else {
        Value {
            tag: INT,
            i: n,
            f: 0.0,
        }
    }
}

#[look_inside]
fn outer(n: i64) -> Outer {
    let p = Pair(n & 7, n / 8);
    Outer { inner: p, k: n % 5 }
}

/// Destructures its argument and a helper's result (all in registers).
#[look_inside]
fn weigh(v: Value, o: Outer) -> i64 {
    let Value { tag, i, .. } = v;
    let Outer {
        inner: Pair(a, b),
        k,
    } = o;
    // (a field of a register struct: named first, `v.field` on a local is its registers)
    let inner = o.inner;
    let Pair(c, _) = inner;
    if tag == INT {
        i + a * b + k + c
    } else {
        a - b - k
    }
}

#[jit_merge_point]
fn run(#[green] code: &Code, s: &mut State) {
    #[green]
    let mut pc: usize = 0;
    while pc < code.ops.len() {
        match code.ops[pc] {
            0 => {
                let Value { tag, i, f } = make(s.n);
                if tag == INT {
                    s.ints += i;
                } else {
                    s.floats += f;
                }
                s.pairs += weigh(make(s.n + 1), outer(s.n));
            }
            1 => {
                // a struct in memory, read field by field
                let Pt { x, y } = s.pt;
                s.moved += x - y;
                s.pt.x = y;
                s.pt.y = x + s.n % 7;
                let Pt { x: _, y: last } = s.pt;
                s.moved += last;
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
        pt: Pt { x: 3, y: 4 },
        ..Default::default()
    };
    run(&code, &mut s);
    (s, metatracer::jit::stats())
}

#[test]
fn struct_patterns_in_let_bind_registers_and_fields() {
    let (reference, _) = go("off");
    assert!(
        reference.ints != 0 && reference.floats != 0.0 && reference.moved != 0,
        "{reference:?}"
    );
    let (jit, stats) = go("on,threshold=3,trace_eagerness=1000");
    assert_eq!(jit, reference, "{stats:?}");
    assert!(stats.loops >= 1, "{stats:?}");
    let t = &stats.loop_traces[0];
    // the helpers are inlined and nothing but the portal's match is a call
    for helper in ["make", "outer", "weigh"] {
        assert!(
            !t.lines()
                .any(|l| l.contains("call_") && l.contains(&format!("::{helper}\""))),
            "{helper} was called, not inlined:\n{t}"
        );
    }
    assert!(
        !t.lines()
            .any(|l| l.contains("call_") && !l.contains("__mt_build::{{closure}}")),
        "a residual call is left:\n{t}"
    );
    let (jit, stats) = go("on,threshold=3,trace_eagerness=2");
    assert_eq!(jit, reference, "{stats:?}");
    let (jit, _) = go("on,threshold=1,fail_guards=1");
    assert_eq!(jit, reference);
    common::sweep_fail_guard(go, &reference, 3);
}
