//! (An interpreter written for the test, with the public annotations only.)
//!
//! `#[derive(metatracer::RegValue)]`: a small `Copy` struct of register values (a tagged
//! value) held in registers. Helpers take and return it, `v.field` reads a register, and it
//! travels inside `Option`/`Result`/tuples. Same results as the interpreter with the JIT on,
//! with bridges and with every guard failing; the helpers are inlined.

mod common;

use metatracer::gc::{self, Array, Gc};
use metatracer::{jit_merge_point, look_inside, Layout, RegValue, Trace};

#[derive(Clone, Copy, Debug, PartialEq, RegValue, Trace)]
struct Value {
    tag: u8,
    i: i64,
    f: f64,
}

const INT: u8 = 0;
const FLOAT: u8 = 1;

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

#[derive(Layout, Debug)]
struct State {
    n: i64,
    ints: i64,
    floats: f64,
    errs: i64,
    /// A register struct in memory: loaded and stored field by field.
    last: Value,
    /// And in a GC array.
    arr: Gc<Array<Value>>,
    /// A field of a register struct local stored straight into memory (`s.x = v.f`).
    last_f: f64,
}

impl PartialEq for State {
    fn eq(&self, o: &State) -> bool {
        (self.n, self.ints, self.floats, self.errs, self.last)
            == (o.n, o.ints, o.floats, o.errs, o.last)
            && self.arr.as_slice() == o.arr.as_slice()
    }
}

#[metatracer::dont_look_inside]
fn make(n: i64) -> Value {
    if n % 4 < 2 {
        Value {
            tag: FLOAT,
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
fn add(a: Value, b: Value) -> Result<Value, u32> {
    if a.tag != b.tag {
        return Err(1);
    }
    // a struct literal: built in registers
    Ok(Value {
        tag: a.tag,
        i: a.i + b.i,
        f: a.f + b.f,
    })
}

#[look_inside]
fn weight(v: Value) -> (i64, f64) {
    if v.tag == INT {
        (v.i, 0.0)
    } else {
        (0, v.f)
    }
}

#[jit_merge_point]
fn run(#[green] code: &Code, s: &mut State) {
    #[green]
    let mut pc: usize = 0;
    while pc < code.ops.len() {
        match code.ops[pc] {
            0 => {
                let v = make(s.n);
                let w = make(s.n + 1);
                match add(v, w) {
                    Ok(r) => {
                        let (i, f) = weight(r);
                        s.ints += i;
                        s.floats += f;
                    }
                    Err(e) => s.errs += e as i64,
                }
                let prev = s.last;
                s.ints += prev.i;
                s.last_f = prev.f;
                s.last = v;
                let k = (s.n as usize) % 3;
                let old = s.arr.get(k);
                s.arr.set(k, w);
                if old.tag == FLOAT {
                    s.floats += old.f;
                }
                let p = (v, s.n);
                let first = p.0;
                if first.tag == INT {
                    s.ints += p.1;
                }
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
        ops: vec![0, 1],
        id: metatracer::JitIdentity::new(),
    };
    let zero = Value {
        tag: INT,
        i: 0,
        f: 0.0,
    };
    let mut s = State {
        n: 100,
        ints: 0,
        floats: 0.0,
        errs: 0,
        last: zero,
        arr: gc::alloc_array(3, zero),
        last_f: -1.0,
    };
    run(&code, &mut s);
    (s, metatracer::jit::stats())
}

#[test]
fn register_structs_behave_and_stay_in_registers() {
    let (reference, _) = go("off");
    assert!(
        reference.errs > 0 && reference.floats > 0.0,
        "{reference:?}"
    );
    let (jit, stats) = go("on,threshold=3,trace_eagerness=1000");
    assert_eq!(jit, reference, "{stats:?}");
    assert!(stats.loops >= 1, "{stats:?}");
    let t = &stats.loop_traces[0];
    // Only `make` (residual, twice) is called; `add` and `weight` are inlined and read the
    // fields from registers; `s.last` and the array elements are loaded and stored inline.
    let calls: Vec<&str> = t
        .lines()
        .filter(|l| l.contains("call_") && !l.contains("metatracer::result_word"))
        .collect();
    assert_eq!(calls.len(), 2, "{t}");
    assert!(calls.iter().all(|l| l.contains("\"make\"")), "{t}");
    let (jit, _) = go("on,threshold=3,trace_eagerness=2");
    assert_eq!(jit, reference);
    let (jit, _) = go("on,threshold=1,fail_guards=1");
    assert_eq!(jit, reference);
    // Each guard failing in turn, with and without bridges.
    common::sweep_fail_guard(go, &reference, 3);
}
