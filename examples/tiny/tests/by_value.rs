//! (An interpreter written for the test, with the public annotations only.)
//!
//! Idiomatic helpers on a small `Copy` value type: `#[look_inside] impl` methods taking `self`
//! by value (on a `RegValue` struct), associated functions (`Num::int(3)`, `Self::float(x)`),
//! `match self.tag { INT => .., FLOAT => .. }` with named constants as patterns, an
//! associated constant of a `RegValue` struct as an error value
//! (`Err(Fault::TYPE)`), and a constant as a method argument. All of it is inlined: the loop
//! trace has no residual call, and the results equal the interpreter's with bridges, with
//! every guard failing and with each guard failing in turn.

mod common;

use metatracer::{jit_merge_point, look_inside, Layout, RegValue};

const INT: u8 = 0;
const FLOAT: u8 = 1;

#[derive(Clone, Copy, Debug, PartialEq, RegValue)]
struct Num {
    tag: u8,
    i: i64,
    f: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, RegValue)]
struct Fault {
    code: u32,
}

impl Fault {
    const TYPE: Fault = Fault { code: 7 };
}

#[look_inside]
impl Num {
    const HALF: f64 = 0.5;

    fn int(i: i64) -> Num {
        Num {
            tag: INT,
            i,
            f: 0.0,
        }
    }

    fn float(f: f64) -> Num {
        Num {
            tag: FLOAT,
            i: 0,
            f,
        }
    }

    fn to_float(self) -> f64 {
        match self.tag {
            INT => self.i as f64,
            FLOAT => self.f,
            _ => -1.0,
        }
    }

    /// Ints add as ints, anything with a float as floats; tag 9 is an error.
    fn add(self, other: Num) -> Result<Num, Fault> {
        if self.tag == 9 || other.tag == 9 {
            return Err(Fault::TYPE);
        }
        match (self.tag, other.tag) {
            (INT, INT) => Ok(Self::int(self.i.wrapping_add(other.i))),
            _ => {
                let s = self.to_float() + other.to_float();
                Ok(Num::float(s))
            }
        }
    }

    fn scaled(self, k: f64) -> Num {
        let x = self.to_float() * k;
        Num::float(x)
    }
}

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

#[derive(Layout, Debug, PartialEq)]
struct State {
    n: i64,
    acc: Num,
    errs: i64,
}

#[jit_merge_point]
fn run(#[green] code: &Code, s: &mut State) {
    #[green]
    let mut pc: usize = 0;
    while pc < code.ops.len() {
        match code.ops[pc] {
            0 => {
                // an int most of the time, a float every 8th step, an "error" every 16th
                let k = s.n & 15;
                let x = if k == 0 {
                    Num {
                        tag: 9,
                        i: 0,
                        f: 0.0,
                    }
                } else if k == 8 {
                    Num::float(1.25)
                } else {
                    Num::int(s.n)
                };
                let acc = s.acc;
                match acc.add(x) {
                    Ok(v) => s.acc = v,
                    Err(e) => s.errs += e.code as i64,
                }
            }
            1 => {
                let acc = s.acc;
                if acc.tag == FLOAT {
                    s.acc = acc.scaled(Num::HALF);
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
        ops: vec![0, 1, 2],
        id: metatracer::JitIdentity::new(),
    };
    let mut s = State {
        n: 200,
        acc: Num::int(0),
        errs: 0,
    };
    run(&code, &mut s);
    (s, metatracer::jit::stats())
}

#[test]
fn by_value_methods_associated_functions_and_constant_patterns_are_inlined() {
    let (reference, _) = go("off");
    assert!(
        reference.errs > 0 && reference.acc.tag == FLOAT,
        "{reference:?}"
    );
    let (jit, stats) = go("on,threshold=3,trace_eagerness=1000");
    assert_eq!(jit, reference, "{stats:?}");
    assert!(stats.loops >= 1, "{stats:?}");
    let t = &stats.loop_traces[0];
    assert!(
        !t.contains("call_"),
        "a helper stayed a residual call:\n{t}"
    );
    let (jit, stats) = go("on,threshold=3,trace_eagerness=2");
    assert_eq!(jit, reference, "{stats:?}");
    assert!(stats.bridges >= 1, "{stats:?}");
    let (jit, _) = go("on,threshold=1,fail_guards=1");
    assert_eq!(jit, reference);
    common::sweep_fail_guard(go, &reference, 3);
}
