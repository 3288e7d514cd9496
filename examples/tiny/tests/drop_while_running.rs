//! A `JitGreen` object dropped by a residual call while compiled code runs: its traces must
//! not be freed under the running code, and must be freed once no compiled code runs.
//!
//! (An interpreter written for the test, with the public annotations only.)

use metatracer::{dont_look_inside, jit_merge_point, JitGreen, JitIdentity, Layout};

#[derive(Layout)]
struct Code {
    ops: Vec<u8>,
    id: JitIdentity,
}

impl JitGreen for Code {
    fn jit_identity(&self) -> &JitIdentity {
        &self.id
    }
}

#[derive(Layout, Default)]
struct State {
    acc: i64,
    n: i64,
    /// Another program, dropped half-way through the run.
    victim: Option<Box<Code>>,
}

#[dont_look_inside]
fn maybe_drop(s: &mut State) {
    if s.n == 50 {
        s.victim = None;
    }
}

#[jit_merge_point]
fn run(#[green] code: &Code, s: &mut State) {
    #[green]
    let mut pc: usize = 0;
    while pc < code.ops.len() {
        match code.ops[pc] {
            0 => {
                s.acc += code.ops.len() as i64;
                maybe_drop(s);
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

fn code(ops: Vec<u8>) -> Code {
    Code {
        ops,
        id: JitIdentity::new(),
    }
}

/// Runs the victim program alone, then the main program, which drops the victim midway.
fn go(params: &str) -> (i64, i64, metatracer::jit::JitStats) {
    metatracer::jit::reset();
    metatracer::set_params(params).unwrap();
    let victim = Box::new(code(vec![0, 1]));
    let mut s = State {
        n: 100,
        ..Default::default()
    };
    run(&victim, &mut s);
    let first = s.acc;
    let main = code(vec![0, 0, 1]);
    let mut s = State {
        n: 100,
        victim: Some(victim),
        ..Default::default()
    };
    run(&main, &mut s);
    assert!(s.victim.is_none());
    let st = metatracer::jit::stats();
    metatracer::set_params("off").unwrap();
    (first, s.acc, st)
}

#[test]
fn dropped_while_compiled_code_runs() {
    let (f0, a0, _) = go("off");
    assert_eq!((f0, a0), (200, 600));
    for params in ["on,threshold=5", "on,threshold=5,fail_guards_random=3"] {
        let (f, a, st) = go(params);
        assert_eq!((f, a), (f0, a0), "{params}");
        // both programs compiled a loop; the victim's died with it once nothing ran
        assert!(st.loops >= 2, "{params}: {st:?}");
        assert_eq!(st.identities_died, 1, "{params}: {st:?}");
        assert!(st.traces_freed >= 1, "{params}: {st:?}");
    }
}
