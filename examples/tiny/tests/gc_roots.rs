//! GC references held by the JIT are roots (issue 10, defect 3), shown under
//! `METATRACER_GC_STRESS=1` (a collection at every allocation, moving every young object that
//! nothing pins and poisoning what it vacated).
//!
//! The interpreter here is written for the test, with the public annotations only (it lives
//! with the toys because the framework's own tests build without the `jit` feature). Its green
//! is a GC object (`Gc<Code>`), and its hot loop:
//! * allocates twice in one opcode, holding the first result only in a local across the
//!   second allocation, with guards before and between the allocations: the tracer's
//!   registers (while tracing), the exit values and the blackhole's registers (after a guard
//!   fails) then hold the only reference to a young object during a collection;
//! * promotes a GC reference read from a mutable cell (a constant in the trace, and its
//!   frozen field folds): the machine code embeds the address, so the object must stay
//!   there and stay alive, or a new object allocated at the same address passes the guard
//!   with the old object's folded field.
//!
//! The first part (`k != 0`) crashed before the JIT published these references (the collector
//! followed a poisoned `next` field: `0xdeadbeef...`), in every mode, and so it did with only
//! the blackhole's registers unpublished. The second part (`k == 0`) did not fail before the
//! fix on this machine: a stale native-stack word or a failing guard always kept the traced
//! object where it was, so no other object reused its address; it checks the property
//! anyway, and `framework/tests/jit_code_lifetime.rs` checks the pins directly.
//!
//! Each configuration runs in a child process of this test binary with the stress variables
//! set (the heap reads them when a thread first allocates), and must print what the
//! interpreter prints.

use metatracer::gc::{self, Gc, GcCell};
use metatracer::{dont_look_inside, jit_merge_point, Layout, Trace};
use std::process::Command;

#[derive(Layout, Trace)]
struct Cell {
    v: i64,
    next: Option<Gc<Cell>>,
}

#[derive(Layout, Trace)]
struct Code {
    k: i64,
    slot: GcCell<Option<Gc<Cell>>>,
}

#[derive(Layout, Default)]
struct State {
    list: Option<Gc<Cell>>,
    acc: i64,
    i: i64,
    n: i64,
}

#[dont_look_inside]
fn new_cell(v: i64, next: Option<Gc<Cell>>) -> Option<Gc<Cell>> {
    Some(gc::alloc(Cell { v, next }))
}

/// A cell of `a`'s and `b`'s values, in front of `a`'s tail.
#[dont_look_inside]
fn join(a: Option<Gc<Cell>>, b: Option<Gc<Cell>>) -> Option<Gc<Cell>> {
    let (Some(a), Some(b)) = (a, b) else {
        return None;
    };
    Some(gc::alloc(Cell {
        v: a.v.wrapping_mul(1000).wrapping_add(b.v),
        next: a.next,
    }))
}

/// Puts a fresh cell into the code's slot (it is never on the stack at a collection).
#[dont_look_inside]
fn refresh(code: Gc<Code>, v: i64) {
    code.slot.set(Some(gc::alloc(Cell { v, next: None })));
}

#[dont_look_inside]
fn slot_of(code: Gc<Code>) -> Option<Gc<Cell>> {
    code.slot.get()
}

#[jit_merge_point]
fn run(#[green] code: Gc<Code>, s: &mut State) {
    #[green]
    let mut pc: usize = 0;
    loop {
        if pc == 0 && code.k != 0 {
            if s.i % 3 == 0 {
                s.acc += 1; // a guard before both allocations
            }
            let a = new_cell(s.i * code.k, s.list);
            if s.i % 4 == 0 {
                s.acc += 3; // a guard between them: `a` is an exit value
            }
            let b = new_cell(s.i, None); // collects while `a` is only in a register
            s.list = join(a, b);
            pc = 1;
        } else if pc == 0 {
            // (`k == 0`: only the promoted constant below, a fresh object every iteration)
            refresh(code, s.i);
            pc = 1;
        } else if pc == 1 {
            if s.i % 5 == 0 {
                refresh(code, s.i);
            }
            match slot_of(code) {
                Some(c) => {
                    let c = metatracer::promote(c); // a GC constant in the trace
                    s.acc += c.v; // folds: a frozen field of a constant
                }
                None => s.acc -= 1,
            }
            pc = 2;
        } else {
            s.i += 1;
            if s.i >= s.n {
                return;
            }
            pc = 0;
            metatracer::can_enter_jit!();
        }
    }
}

/// Runs the guest with JIT parameters `params`; prints the result and what the JIT did.
fn guest(params: &str, k: i64) -> (String, metatracer::jit::JitStats) {
    metatracer::jit::reset();
    metatracer::set_params(params).unwrap();
    let code = gc::alloc(Code {
        k,
        slot: GcCell::new(None),
    });
    let mut s = State {
        n: 120,
        ..Default::default()
    };
    run(code, &mut s);
    let mut out = format!("acc {}\n", s.acc);
    let mut l = s.list;
    let mut sum = 0i64;
    let mut len = 0;
    while let Some(c) = l {
        sum = sum.wrapping_mul(31).wrapping_add(c.v);
        len += 1;
        l = c.next;
    }
    out.push_str(&format!("list {len} {sum}\n"));
    let st = metatracer::jit::stats();
    metatracer::set_params("off").unwrap();
    (out, st)
}

/// Several code objects of the same shape, one after another, each dropped and collected
/// before the next is allocated: a loop keyed by a dead object's address must not run for a
/// new object at that address (its `k` is folded into the trace). Compiled loops keep the GC
/// objects of their keys alive and pinned, so the address is never reused while they exist.
fn reuse_guest(params: &str) -> (String, metatracer::jit::JitStats) {
    metatracer::jit::reset();
    metatracer::set_params(params).unwrap();
    let mut out = String::new();
    /// One code object, run and forgotten (its frame is gone before the collection).
    #[inline(never)]
    fn one(k: i64) -> String {
        let code = gc::alloc(Code {
            k,
            slot: GcCell::new(None),
        });
        let mut s = State {
            n: 40,
            ..Default::default()
        };
        run(code, &mut s);
        format!("acc {} list {}\n", s.acc, s.list.map_or(0, |c| c.v))
    }
    for k in [7, 9, 7, 11, 2, 9] {
        out.push_str(&one(k));
        gc::collect();
    }
    let st = metatracer::jit::stats();
    metatracer::set_params("off").unwrap();
    (out, st)
}

/// The child: runs `GUEST_PARAMS` and prints the result and the JIT's counters.
#[test]
fn child_guest() {
    let Ok(params) = std::env::var("GUEST_PARAMS") else {
        return; // only meaningful as a child process
    };
    let k = std::env::var("GUEST_K").map_or(7, |k| k.parse().unwrap());
    let (out, st) = if k < 0 {
        reuse_guest(&params)
    } else {
        guest(&params, k)
    };
    // (on a line of its own: the test harness has printed "test child_guest ... ")
    print!("\n{out}");
    println!(
        "jit loops={} bridges={} failures={} aborts={:?}",
        st.loops, st.bridges, st.guard_failures, st.aborts
    );
}

fn run_child(params: &str, k: i64, stress: bool) -> (String, String) {
    let exe = std::env::current_exe().unwrap();
    let mut cmd = Command::new(exe);
    cmd.args(["child_guest", "--exact", "--nocapture", "--test-threads=1"])
        .env("GUEST_PARAMS", params)
        .env("GUEST_K", k.to_string());
    if stress {
        cmd.env("METATRACER_GC_STRESS", "1")
            .env("METATRACER_GC_STRESS_MAJOR_EVERY", "8");
    } else {
        cmd.env_remove("METATRACER_GC_STRESS");
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{params} (stress {stress}) failed: {:?}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let result: String = stdout
        .lines()
        .filter(|l| l.starts_with("acc ") || l.starts_with("list "))
        .map(|l| format!("{l}\n"))
        .collect();
    let jit = stdout
        .lines()
        .find(|l| l.starts_with("jit "))
        .unwrap_or("")
        .to_string();
    (result, jit)
}

fn field(jit: &str, name: &str) -> u64 {
    jit.split_whitespace()
        .find_map(|w| w.strip_prefix(&format!("{name}=")))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Runs every configuration of guest `k` under stress and compares with the interpreter.
fn check(k: i64) {
    let (expected, _) = run_child("off", k, false);
    assert!(
        expected.starts_with("acc ") && expected.contains("\nlist "),
        "{expected}"
    );
    let (stressed_off, _) = run_child("off", k, true);
    assert_eq!(stressed_off, expected, "the interpreter alone under stress");
    for params in [
        "on,threshold=3",
        "on,threshold=3,trace_eagerness=2",
        "on,threshold=3,fail_guards=1",
        "on,threshold=3,fail_guards_random=1",
        "on,threshold=3,fail_guards_random=7",
        "on,threshold=3,fail_guards_random=42",
    ] {
        let (got, jit) = run_child(params, k, true);
        eprintln!("k={k} {params}: {jit}");
        assert_eq!(got, expected, "k={k} {params} under GC stress ({jit})");
        assert!(
            field(&jit, "loops") >= 1,
            "{params}: no loop compiled ({jit})"
        );
        assert!(
            field(&jit, "failures") >= 1,
            "{params}: no guard failed ({jit})"
        );
    }
}

/// GC objects as greens: a new code object never runs the traces of a dead one.
#[test]
fn gc_greens_keep_their_objects() {
    let (expected, _) = run_child("off", -1, false);
    assert_eq!(expected.lines().count(), 6, "{expected}");
    for stress in [false, true] {
        for params in ["on,threshold=3", "on,threshold=3,fail_guards_random=3"] {
            let (got, jit) = run_child(params, -1, stress);
            assert_eq!(got, expected, "{params} (stress {stress}): {jit}");
            // one loop per code object: none reused another one's
            assert!(field(&jit, "loops") >= 6, "{params}: {jit}");
        }
    }
}

/// Allocations held in registers across allocations, with guards around them.
#[test]
fn registers_and_exit_values_are_roots() {
    check(7);
}

/// A promoted GC reference baked into machine code, a fresh object every iteration.
#[test]
fn constants_in_machine_code_are_pinned() {
    check(0);
}
