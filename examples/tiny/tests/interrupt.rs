//! `metatracer::interrupt`: a compiled loop leaves for the interpreter when the interrupt
//! flag is set (its `guard_not_interrupted`), and the interpreter, which polls the flag at
//! its backward jump, stops the guest loop. Set by a residual call of the loop at a chosen
//! iteration (deterministic), and from another thread while a loop without calls spins.
//!
//! (An interpreter written for the test, with the public annotations only. The flag is
//! process-wide, so the tests of this file run one at a time.)

use metatracer::{dont_look_inside, jit_merge_point, JitGreen, JitIdentity, Layout};
use std::sync::Mutex;

static SERIAL: Mutex<()> = Mutex::new(());

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
    n: i64,
    /// The iteration at which `tick` requests an interrupt (0: never).
    trigger: i64,
    /// Set when the interpreter took the interrupt.
    stopped: bool,
}

const INC: u8 = 0;
const TICK: u8 = 1;
const BACK: u8 = 2;

/// A residual call that requests the interrupt at iteration `trigger`, as a signal handler
/// would.
#[dont_look_inside]
fn tick(s: &mut State) {
    if s.n == s.trigger {
        metatracer::interrupt::request();
    }
}

/// The guest's poll: takes the interrupt.
#[dont_look_inside]
fn take(s: &mut State) {
    s.stopped = metatracer::interrupt::take();
}

/// Runs `code` forever, until the interrupt flag is seen at a backward jump.
#[jit_merge_point]
fn run(#[green] code: &Code, s: &mut State) -> i64 {
    #[green]
    let mut pc: usize = 0;
    while pc < code.ops.len() {
        match code.ops[pc] {
            0 => s.n += 1, // INC
            1 => tick(s),  // TICK
            _ => {
                // BACK: the interpreter polls here; compiled code tests the flag at its label
                if !metatracer::we_are_jitted() && metatracer::interrupt::pending() {
                    take(s);
                    return s.n;
                }
                pc = 0;
                metatracer::can_enter_jit!();
                continue;
            }
        }
        pc += 1;
    }
    s.n
}

fn code(ops: Vec<u8>) -> Code {
    Code {
        ops,
        id: JitIdentity::new(),
    }
}

/// Ends the test process if a loop does not stop (the failure would otherwise be a hang).
fn deadline() {
    std::thread::spawn(|| {
        std::thread::sleep(std::time::Duration::from_secs(60));
        eprintln!("interrupt test: a loop did not stop within 60 s");
        std::process::exit(1);
    });
}

#[test]
fn a_residual_call_interrupts_the_compiled_loop_at_its_next_iteration() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    deadline();
    let prog = code(vec![INC, TICK, INC, BACK]);
    for params in [
        "off",
        "on,threshold=3",
        "on,threshold=1",
        "on,threshold=3,fail_guards=1",
    ] {
        metatracer::jit::reset();
        metatracer::set_params(params).unwrap();
        let mut s = State {
            trigger: 2001,
            ..Default::default()
        };
        let n = run(&prog, &mut s);
        let st = metatracer::jit::stats();
        metatracer::set_params("off").unwrap();
        assert!(s.stopped && !metatracer::interrupt::pending(), "{params}");
        if params == "off" {
            // the interpreter polls at the jump of the iteration that requested it
            assert_eq!(n, 2002, "{params}");
            continue;
        }
        // Compiled code notices at the next label: the blackhole finishes one guest
        // instruction and the interpreter polls at the next jump (one iteration later).
        assert!(n == 2002 || n == 2004, "{params}: {n}");
        assert_eq!(st.loops, 1, "{params}: {st:?}");
        let t = &st.loop_opt_traces[0];
        assert_eq!(
            t.matches("guard_not_interrupted()").count(),
            2,
            "preamble and peeled loop each test the flag:\n{t}"
        );
        if !params.contains("fail_guards") {
            assert_eq!(st.interrupt_exits, 1, "{params}: {st:?}");
            assert_eq!(st.bridges, 0, "an interrupt exit gets no bridge: {st:?}");
        }
    }
}

#[test]
fn another_thread_interrupts_a_loop_without_calls() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    deadline();
    let prog = code(vec![INC, INC, BACK]);
    for params in ["off", "on,threshold=5"] {
        metatracer::jit::reset();
        metatracer::set_params(params).unwrap();
        let signaller = std::thread::spawn(|| {
            std::thread::sleep(std::time::Duration::from_millis(200));
            metatracer::interrupt::request();
        });
        let mut s = State::default();
        let n = run(&prog, &mut s);
        signaller.join().unwrap();
        let st = metatracer::jit::stats();
        metatracer::set_params("off").unwrap();
        assert!(s.stopped && n > 0 && n % 2 == 0, "{params}: {n}");
        if params != "off" {
            // the loop spun in machine code and left it at the interrupt guard
            assert_eq!((st.loops, st.interrupt_exits), (1, 1), "{params}: {st:?}");
            assert!(n > 10_000, "{params}: {n}");
        }
    }
}
