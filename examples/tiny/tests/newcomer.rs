//! (An interpreter written for the test, with the public annotations only.)
//!
//! What a newcomer writes without knowing the subset's edges: a whole struct copied from one
//! `Vec` slot to another (not a `RegValue`: a residual copy), a string literal passed to an
//! unannotated helper (a residual call of the helper), and an unannotated method called from
//! the loop (a residual call). Each must behave as in the interpreter with the JIT on, with
//! bridges, with every guard failing and with each guard failing in turn; the residual calls
//! must carry readable names in the trace (the helper's path, the method call's text), and
//! the exit summary must list them.

mod common;

use metatracer::{jit_merge_point, Layout};

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

/// A slot of three words: fields declared (`Layout`) but no `RegValue`, so a whole `Slot`
/// cannot live in registers.
#[derive(Clone, Copy, Debug, PartialEq, Default, Layout)]
struct Slot {
    tag: u8,
    a: i64,
    b: i64,
}

#[derive(Layout, Debug, PartialEq, Default)]
struct State {
    n: i64,
    acc: i64,
    slots: Vec<Slot>,
    seen: Vec<String>,
}

impl State {
    /// Unannotated: a residual call, named after the call's text.
    fn note(&mut self, k: i64) {
        if k % 7 == 0 {
            self.seen.push(format!("n={k}"));
        }
    }
}

fn log(what: &str, x: i64) -> i64 {
    // counts characters so the literal's content matters to the result
    what.len() as i64 + x % 5
}

#[jit_merge_point]
fn run(#[green] code: &Code, s: &mut State) {
    #[green]
    let mut pc: usize = 0;
    while pc < code.ops.len() {
        match code.ops[pc] {
            0 => {
                // rotate the slots by whole-struct copies
                let k = (s.n as usize) % 3;
                s.slots[3] = s.slots[k];
                s.slots[k] = s.slots[(k + 1) % 3];
                s.slots[(k + 1) % 3] = s.slots[3];
                s.slots[k].a += s.n;
                s.acc += s.slots[0].a - s.slots[1].b;
                s.acc += log("step", s.n);
                s.note(s.n);
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

/// The same loop with the program counter left red (the `#[green]` forgotten): only `code`
/// is green, so the greens repeat at every dispatch.
#[jit_merge_point]
fn run_red_pc(#[green] code: &Code, s: &mut State) {
    let mut pc: usize = 0;
    while pc < code.ops.len() {
        match code.ops[pc] {
            0 => s.acc += s.n,
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
    let mut s = State {
        n: 200,
        slots: (0..4)
            .map(|i| Slot {
                tag: i as u8,
                a: i * 10,
                b: i * 100,
            })
            .collect(),
        ..State::default()
    };
    run(&code, &mut s);
    (s, metatracer::jit::stats())
}

#[test]
fn struct_copies_literals_and_methods_behave_and_are_named() {
    let (reference, _) = go("off");
    assert!(
        !reference.seen.is_empty() && reference.acc != 0,
        "{reference:?}"
    );
    let (jit, stats) = go("on,threshold=3,trace_eagerness=1000");
    assert_eq!(jit, reference, "{stats:?}");
    assert!(stats.loops >= 1, "{stats:?}");
    let t = &stats.loop_traces[0];
    // the helper is called by its path, the method by the call's text, the copies are
    // residual copies (`copy_place`), not closures named by their type
    assert!(t.contains("\"log(\\\"step\\\", s.n)\""), "{t}");
    assert!(t.contains("\"s.note(s.n)\""), "{t}");
    assert_eq!(t.matches("\"copy newcomer::Slot\"").count(), 3, "{t}");
    assert!(!t.contains("{{closure}}\""), "{t}");
    let (jit, _) = go("on,threshold=3,trace_eagerness=2");
    assert_eq!(jit, reference);
    let (jit, _) = go("on,threshold=1,fail_guards=1");
    assert_eq!(jit, reference);
    common::sweep_fail_guard(go, &reference, 2);

    // The log names the residual calls of each trace, and the summary lists them.
    use metatracer::jitlog::{self, Section};
    jitlog::capture(&[Section::Opt, Section::Summary, Section::Abort]);
    let (jit, _) = go("on,threshold=3,trace_eagerness=1000");
    assert_eq!(jit, reference);
    let log = jitlog::take_captured();
    let line = log
        .lines()
        .find(|l| l.contains("residual calls: "))
        .unwrap_or_else(|| panic!("{log}"));
    assert!(
        line.contains("s.note(s.n)") && line.contains("copy newcomer::Slot"),
        "{line}"
    );
    let summary = jitlog::summary();
    assert!(
        summary.contains("residual calls in compiled traces"),
        "{summary}"
    );
    assert!(summary.contains("s.note(s.n)"), "{summary}");
    assert!(
        !summary.contains("without a guest backward jump"),
        "{summary}"
    );

    // A forgotten `#[green]` on the program counter: the loops close after one instruction,
    // and the log and the summary say so.
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    metatracer::jit::reset();
    metatracer::set_params("on,threshold=3,trace_eagerness=1000,fail_guards=0").unwrap();
    let code = Code {
        ops: vec![0, 1],
        id: metatracer::JitIdentity::new(),
    };
    let mut s = State {
        n: 200,
        ..State::default()
    };
    run_red_pc(&code, &mut s);
    assert_eq!(s.acc, (1..=200).sum::<i64>());
    assert!(metatracer::jit::stats().loops >= 1);
    let log = jitlog::take_captured();
    assert!(
        log.contains("closed without a guest backward jump"),
        "{log}"
    );
    assert!(log.contains("mark the program counter `#[green]`"), "{log}");
    let summary = jitlog::summary();
    assert!(summary.contains("warning: "), "{summary}");
    assert!(
        summary.contains("loops closed without a guest backward jump"),
        "{summary}"
    );
    jitlog::capture(&[]);
}
