//! (An interpreter written for the test, with the public annotations only.)
//!
//! `match` on `Some(x)` / `None` in traced code: on an `Option<Gc<T>>` (a nullable word) it
//! is lowered to a null test and `x` is the same word; on other options (here
//! `Option<usize>`) it keeps the pattern-test calls. Both must behave as in the interpreter,
//! with the JIT on and with every guard failing; `#[dont_look_inside(read_only)]` allocation
//! keeps the tracer's knowledge of memory.

mod common;

use metatracer::gc::{self, Gc};
use metatracer::{dont_look_inside, jit_merge_point, Layout, Trace};

#[derive(Layout, Trace, Debug)]
struct Node {
    val: i64,
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

#[derive(Layout, Default)]
struct State {
    node: Option<Gc<Node>>,
    small: Option<usize>,
    sum: i64,
    n: i64,
}

#[dont_look_inside(read_only)]
fn new_node(s: &mut State) -> Option<Gc<Node>> {
    Some(gc::alloc(Node { val: s.n % 7 }))
}

#[dont_look_inside]
fn set_small(s: &mut State) {
    s.small = if s.n % 2 == 0 { Some(5) } else { None };
}

#[dont_look_inside]
fn clear_node(s: &mut State) {
    s.node = None;
}

#[jit_merge_point]
fn run(#[green] code: &Code, s: &mut State) {
    #[green]
    let mut pc: usize = 0;
    while pc < code.ops.len() {
        match code.ops[pc] {
            0 => {
                // every third iteration has no node
                if s.n % 3 == 0 {
                    clear_node(s);
                } else {
                    s.node = new_node(s);
                }
            }
            1 => match s.node {
                Some(nd) => s.sum += nd.val,
                None => s.sum += 100,
            },
            2 => {
                set_small(s);
                match s.small {
                    Some(k) => s.sum += k as i64,
                    None => s.sum -= 1,
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

fn go(params: &str) -> (i64, metatracer::jit::JitStats) {
    metatracer::jit::reset();
    metatracer::set_params(params).unwrap();
    let code = Code {
        ops: vec![0, 1, 2, 3],
        id: metatracer::JitIdentity::new(),
    };
    let mut s = State {
        n: 300,
        ..Default::default()
    };
    run(&code, &mut s);
    (s.sum, metatracer::jit::stats())
}

#[test]
fn option_matches_behave_and_nullable_ones_need_no_call() {
    let (reference, _) = go("off");
    let (sum, stats) = go("on,threshold=5");
    assert_eq!(sum, reference, "{stats:?}");
    assert!(stats.loops >= 1, "{stats:?}");
    let t = &stats.loop_traces[0];
    // The Gc option: a null test on the word `new_node` returned (forwarded from the pending
    // store to `s.node` by the heap cache: `new_node` is `read_only`), no call; the usize
    // option: a pattern-test call (a closure of `run`'s builder).
    let lines: Vec<&str> = t.lines().collect();
    let alloc = lines
        .iter()
        .position(|l| l.contains("\"new_node\""))
        .expect("new_node call");
    let word = lines[alloc].split(" = ").next().unwrap();
    assert!(
        lines[alloc + 1..alloc + 3]
            .iter()
            .any(|l| l.contains(&format!("cast_ptr_to_int({word})"))),
        "no null test on {word}:\n{t}"
    );
    assert!(
        lines[alloc + 1..alloc + 4]
            .iter()
            .any(|l| l.contains("int_ne(")),
        "{t}"
    );
    let pattern_calls = lines
        .iter()
        .filter(|l| l.contains("= call_") && l.contains("run::__mt_build::{{closure}}"))
        .count();
    assert!(
        (1..=2).contains(&pattern_calls),
        "the Option<usize> match should keep its pattern-test calls:\n{t}"
    );
    let (sum, _) = go("on,threshold=5,trace_eagerness=2");
    assert_eq!(sum, reference);
    let (sum, _) = go("on,threshold=1,fail_guards=1");
    assert_eq!(sum, reference);
    // each guard failing in turn (the null tests included)
    common::sweep_fail_guard(go, &reference, 2);
}
