//! (An interpreter written for the test, with the public annotations only.)
//!
//! Memory in the traced subset: `Cell::get/set` and `GcCell::get/set` are loads and stores
//! (a `GcCell` of a reference gets the write barrier), `gc::Array` (through `Gc`) has inline
//! `get(i)`, `set(i, v)` (bounds check, barrier for references) and `len()`. The loop must
//! contain no call of those methods, give the interpreter's result with the JIT on, with
//! bridges and with every guard failing, and the GC must stay sound (a collection forced
//! while the trace runs, with references stored by traced code into old objects).

mod common;

use metatracer::gc::{self, Array, Gc, GcCell};
use metatracer::{dont_look_inside, jit_merge_point, Layout, Trace};
use std::cell::Cell;

#[derive(Layout, Trace, Debug)]
struct Node {
    val: i64,
}

#[derive(Layout, Trace)]
struct Obj {
    last: GcCell<Option<Gc<Node>>>,
    hits: GcCell<i64>,
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

#[derive(Layout)]
struct State {
    count: Cell<i64>,
    arr: Gc<Array<i64>>,
    refs: Gc<Array<Option<Gc<Node>>>>,
    obj: Gc<Obj>,
    n: i64,
    acc: i64,
}

#[dont_look_inside]
fn new_node(v: i64) -> Option<Gc<Node>> {
    Some(gc::alloc(Node { val: v }))
}

#[dont_look_inside]
fn maybe_collect(n: i64) {
    if n % 16 == 0 {
        gc::collect();
    }
}

#[jit_merge_point]
fn run(#[green] code: &Code, s: &mut State) {
    #[green]
    let mut pc: usize = 0;
    while pc < code.ops.len() {
        match code.ops[pc] {
            0 => {
                s.count.set(s.count.get() + 1);
                let i = (s.n as usize) % s.arr.len();
                s.arr.set(i, s.arr.get(i) + s.n);
                s.acc += s.arr.get((i + 1) % s.arr.len());
            }
            1 => {
                let node = new_node(s.n);
                s.obj.last.set(node);
                s.obj.hits.set(s.obj.hits.get() + 2);
                let j = (s.n as usize) % s.refs.len();
                s.refs.set(j, node);
                maybe_collect(s.n);
                match s.refs.get((j + 1) % s.refs.len()) {
                    Some(other) => s.acc += other.val,
                    None => s.acc -= 1,
                }
                match s.obj.last.get() {
                    Some(l) => s.acc += l.val * 3,
                    None => s.acc -= 100,
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

fn go(params: &str) -> (i64, i64, i64, Vec<i64>, metatracer::jit::JitStats) {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    metatracer::jit::reset();
    metatracer::set_params(params).unwrap();
    let code = Code {
        ops: vec![0, 1, 2],
        id: metatracer::JitIdentity::new(),
    };
    let mut s = State {
        count: Cell::new(0),
        arr: gc::alloc_array(5, 1i64),
        refs: gc::alloc_array(3, None),
        obj: gc::alloc(Obj {
            last: GcCell::new(None),
            hits: GcCell::new(0),
        }),
        n: 200,
        acc: 0,
    };
    // Old objects, so that references stored into them by traced code need the barrier.
    gc::collect();
    run(&code, &mut s);
    let arr: Vec<i64> = s.arr.as_slice().to_vec();
    (
        s.acc,
        s.count.get(),
        s.obj.hits.get(),
        arr,
        metatracer::jit::stats(),
    )
}

#[test]
fn cells_and_gc_arrays_are_loads_and_stores() {
    let (acc, count, hits, arr, _) = go("off");
    assert_eq!(count, 200);
    assert_eq!(hits, 400);
    let (a, c, h, ar, stats) = go("on,threshold=3,trace_eagerness=1000");
    assert_eq!((a, c, h, &ar), (acc, count, hits, &arr), "{stats:?}");
    assert!(stats.loops >= 1, "{stats:?}");
    let t = &stats.loop_traces[0];
    for method in ["Cell", "GcCell", "Array", "{{closure}}"] {
        assert!(
            !t.lines().any(|l| l.contains("call_") && l.contains(method)),
            "a call of {method} is left:\n{t}"
        );
    }
    assert!(t.contains("metatracer::gc::write_barrier"), "{t}");
    let (a, c, h, ar, stats) = go("on,threshold=3,trace_eagerness=2");
    assert_eq!((a, c, h, &ar), (acc, count, hits, &arr), "{stats:?}");
    let (a, c, h, ar, _) = go("on,threshold=1,fail_guards=1");
    assert_eq!((a, c, h, &ar), (acc, count, hits, &arr));
    // Each guard failing in turn (bounds checks, the null tests of the array's and the
    // cell's references), with and without bridges.
    common::sweep_fail_guard(
        |p| {
            let (a, c, h, ar, stats) = go(p);
            ((a, c, h, ar), stats)
        },
        &(acc, count, hits, arr),
        3,
    );
}
