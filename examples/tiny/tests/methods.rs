//! (An interpreter written for the test, with the public annotations only.)
//!
//! Inherent methods in traced code: `#[look_inside]` on an `impl` block traces its `&self`
//! and `&mut self` methods; calls `vm.push(x)`, `self.pop()` (also from one method into
//! another, with `?` across them, and `vm.push(vm.peek())`, a call as an argument) are inlined, a `#[dont_look_inside]` method stays a
//! residual call, an `#[unroll_safe]` method may loop. Same results as the interpreter with
//! the JIT on, with bridges, with every guard failing and with each guard failing in turn.

mod common;

use metatracer::{jit_merge_point, look_inside, Layout};

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
struct Vm {
    acc: i64,
    n: i64,
    logged: i64,
    stack: Vec<i64>,
    sp: usize,
}

#[look_inside]
impl Vm {
    fn push(&mut self, v: i64) {
        self.stack[self.sp] = v;
        self.sp += 1;
    }

    fn pop(&mut self) -> i64 {
        self.sp -= 1;
        self.stack[self.sp]
    }

    fn peek(&self) -> i64 {
        self.stack[self.sp - 1]
    }

    fn checked(&self, v: i64) -> Result<i64, u32> {
        if (v & 15) == 7 {
            return Err(3);
        }
        Ok(v)
    }

    fn add2(&mut self) -> Result<(), u32> {
        let a = self.pop();
        let b = self.pop();
        let c = self.checked(a + b)?;
        self.push(c);
        Ok(())
    }

    #[allow(clippy::needless_range_loop)]
    #[unroll_safe]
    fn sum_all(&self) -> i64 {
        let mut t = 0;
        for i in 0..self.sp {
            t += self.stack[i];
        }
        t
    }

    #[dont_look_inside]
    fn log(&mut self, x: i64) {
        self.logged += x & 1;
    }
}

#[jit_merge_point]
fn run(#[green] code: &Code, vm: &mut Vm) {
    #[green]
    let mut pc: usize = 0;
    while pc < code.ops.len() {
        match code.ops[pc] {
            0 => {
                vm.push(vm.n);
                // a method call whose argument is a method call: traced (the argument is
                // bound to a local first), not one residual call of the whole expression
                vm.push(vm.peek());
                vm.sp -= 1;
                vm.push(4);
            }
            1 => match vm.add2() {
                Ok(()) => vm.acc += vm.peek(),
                Err(e) => {
                    vm.acc -= e as i64;
                    vm.push(0);
                }
            },
            2 => {
                vm.acc += vm.sum_all();
                vm.log(vm.acc);
                vm.sp = 0;
            }
            _ => {
                vm.n -= 1;
                if vm.n > 0 {
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

fn go(params: &str) -> (Vm, metatracer::jit::JitStats) {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    metatracer::jit::reset();
    metatracer::set_params(params).unwrap();
    let code = Code {
        ops: vec![0, 1, 2, 3],
        id: metatracer::JitIdentity::new(),
    };
    let mut vm = Vm {
        n: 150,
        stack: vec![0; 8],
        ..Default::default()
    };
    run(&code, &mut vm);
    (vm, metatracer::jit::stats())
}

#[test]
fn methods_are_inlined_and_deopt_exactly() {
    let (reference, _) = go("off");
    assert!(reference.logged > 0, "{reference:?}");
    let (jit, stats) = go("on,threshold=3,trace_eagerness=1000");
    assert_eq!(jit, reference, "{stats:?}");
    assert!(stats.loops >= 1, "{stats:?}");
    let t = &stats.loop_traces[0];
    // One residual call: `log` (`#[dont_look_inside]`), through the call site's closure,
    // which the trace names by the call's text.
    let calls: Vec<&str> = t.lines().filter(|l| l.contains("call_")).collect();
    assert_eq!(calls.len(), 1, "{t}");
    assert!(calls[0].contains("\"vm.log(vm.acc)\""), "{t}");
    assert!(!t.contains("vm.push(vm.peek())"), "{t}");
    let (jit, stats) = go("on,threshold=3,trace_eagerness=2");
    assert_eq!(jit, reference, "{stats:?}");
    let (jit, _) = go("on,threshold=1,fail_guards=1");
    assert_eq!(jit, reference);
    common::sweep_fail_guard(go, &reference, 3);
}

/// The example of `docs/tutorial.md` (section 3), kept compiling and checked here.
mod tutorial {
    use metatracer::{jit_merge_point, look_inside, Layout};

    const OVERFLOW: u32 = 1;

    #[derive(Layout)]
    pub struct Vm {
        stack: Vec<i64>,
        sp: usize,
        errs: i64,
        n: i64,
    }

    #[look_inside]
    impl Vm {
        fn pop(&mut self) -> i64 {
            self.sp -= 1;
            self.stack[self.sp]
        }
        fn add(&mut self) -> Result<(), u32> {
            let (b, a) = (self.pop(), self.pop());
            let Some(c) = a.checked_add(b) else {
                return Err(OVERFLOW); // an error code: a register value
            };
            self.stack[self.sp] = c;
            self.sp += 1;
            Ok(())
        }
        #[dont_look_inside] // stays a call
        fn print(&self) {
            println!("{}", self.stack[self.sp - 1])
        }
    }

    #[jit_merge_point]
    pub fn run(#[green] code: &super::Code, vm: &mut Vm) {
        #[green]
        let mut pc: usize = 0;
        while pc < code.ops.len() {
            match code.ops[pc] {
                0 => {
                    vm.stack[0] = i64::MAX - vm.n;
                    vm.stack[1] = 4;
                    vm.sp = 2;
                    if let Err(e) = vm.add() {
                        vm.errs += e as i64;
                    } else if vm.n == 4 {
                        vm.print();
                    }
                }
                _ => {
                    vm.n -= 1;
                    if vm.n > 0 {
                        pc = 0;
                        metatracer::can_enter_jit!();
                        continue;
                    }
                }
            }
            pc += 1;
        }
    }

    pub fn go(params: &str) -> (i64, i64, metatracer::jit::JitStats) {
        let _serial = super::SERIAL.lock().unwrap_or_else(|p| p.into_inner());
        metatracer::jit::reset();
        metatracer::set_params(params).unwrap();
        let mut vm = Vm {
            stack: vec![0; 4],
            sp: 0,
            errs: 0,
            n: 50,
        };
        let code = super::Code {
            ops: vec![0, 1],
            id: metatracer::JitIdentity::new(),
        };
        run(&code, &mut vm);
        (vm.errs, vm.stack[0], metatracer::jit::stats())
    }
}

#[test]
fn tutorial_example_traces_the_overflow_check() {
    let (errs, top, _) = tutorial::go("off");
    assert_eq!(errs, 3, "i64::MAX - n + 4 overflows for n < 4");
    let (e, t, stats) = tutorial::go("on,threshold=3");
    assert_eq!((e, t), (errs, top), "{stats:?}");
    assert!(stats.loops >= 1, "{stats:?}");
    assert!(
        stats.loop_traces[0].contains("int_add_ovf"),
        "{}",
        stats.loop_traces[0]
    );
    let (e, t, _) = tutorial::go("on,threshold=1,fail_guards=1");
    assert_eq!((e, t), (errs, top));
}
