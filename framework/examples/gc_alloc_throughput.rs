//! Allocation throughput of the GC nursery against the system allocator (glibc malloc through
//! `Box`), on the pattern guest interpreters produce: many small short-lived objects, a few
//! survivors linked into older ones.
//!
//! Run: `cargo build --release -p metatracer --example gc_alloc_throughput` then
//! `target/release/examples/gc_alloc_throughput [millions]`. Prints ns per object for each case.

use metatracer::gc::{self, Gc, GcCell, RootedVec};
use std::hint::black_box;
use std::time::Instant;

#[derive(metatracer::Trace)]
struct Node {
    a: i64,
    b: i64,
    next: GcCell<Option<Gc<Node>>>,
}

struct BoxNode {
    a: i64,
    b: i64,
    next: Option<Box<BoxNode>>,
}

fn time(label: &str, n: u64, f: impl FnOnce() -> i64) {
    let t = Instant::now();
    let r = f();
    let dt = t.elapsed();
    println!(
        "{label:<44} {:>7.2} ns/object  ({:.3} s, checksum {r})",
        dt.as_nanos() as f64 / n as f64,
        dt.as_secs_f64()
    );
}

fn main() {
    let millions: u64 = match std::env::args().nth(1) {
        None => 50,
        Some(a) => match a.parse() {
            Ok(m) if m > 0 => m,
            _ => {
                eprintln!("usage: gc_alloc_throughput [millions of objects, default 50]");
                std::process::exit(2)
            }
        },
    };
    let n = millions * 1_000_000;

    time("gc::alloc, all die young", n, || {
        let mut s = 0;
        for i in 0..n as i64 {
            let o = black_box(gc::alloc(Node {
                a: i,
                b: 1,
                next: GcCell::new(None),
            }));
            s += o.a & 1;
        }
        s
    });
    time("Box::new + drop (malloc/free), all die young", n, || {
        let mut s = 0;
        for i in 0..n as i64 {
            let o = black_box(Box::new(BoxNode {
                a: i,
                b: 1,
                next: None,
            }));
            s += o.a & 1;
        }
        s
    });
    // 1 in 64 objects survives in a sliding window of 10 000 slots (promoted, dies old).
    time("gc::alloc, 1/64 survive a while", n, || {
        let window: RootedVec<Gc<Node>> = RootedVec::new();
        let mut at = 0;
        let mut s = 0;
        for i in 0..n as i64 {
            let o = gc::alloc(Node {
                a: i,
                b: 1,
                next: GcCell::new(None),
            });
            if i % 64 == 0 {
                if window.len() < 10_000 {
                    window.push(o);
                } else {
                    // The new node keeps the one it replaces (which drops its own link):
                    // each window slot holds two nodes, as in the Box case below.
                    let old = window.get(at);
                    old.next.set(None);
                    o.next.set(Some(old));
                    window.set(at, o);
                    at = (at + 1) % 10_000;
                }
            }
            s += black_box(o).b;
        }
        s
    });
    time("Box::new + drop, 1/64 survive a while", n, || {
        let mut window: Vec<Box<BoxNode>> = Vec::new();
        let mut at = 0;
        let mut s = 0;
        for i in 0..n as i64 {
            let mut o = Box::new(BoxNode {
                a: i,
                b: 1,
                next: None,
            });
            s += black_box(&o).b;
            if i % 64 == 0 {
                if window.len() < 10_000 {
                    window.push(o);
                } else {
                    // Like the GC case: the new node points at the one it replaces (which
                    // then dies with its own predecessor link dropped).
                    let old = std::mem::replace(
                        &mut window[at],
                        Box::new(BoxNode {
                            a: 0,
                            b: 0,
                            next: None,
                        }),
                    );
                    o.next = Some(Box::new(BoxNode {
                        a: old.a,
                        b: old.b,
                        next: None,
                    }));
                    window[at] = o;
                    at = (at + 1) % 10_000;
                }
            }
        }
        s
    });
    // Write barrier cost: stores of a reference into a young object (one compare) and into an
    // old object whose card is already dirty (compare + card load), against a plain store.
    let a = gc::Root::new(gc::alloc(Node {
        a: 0,
        b: 0,
        next: GcCell::new(None),
    }));
    let target = gc::Root::new(gc::alloc(Node {
        a: 1,
        b: 1,
        next: GcCell::new(None),
    }));
    let young = gc::alloc(Node {
        a: 2,
        b: 2,
        next: GcCell::new(None),
    });
    time("GcCell::set into a young object", n, || {
        let t = target.get();
        for _ in 0..n {
            black_box(young).next.set(Some(black_box(t)));
        }
        0
    });
    gc::collect();
    let old = a.get();
    time("GcCell::set into an old object", n, || {
        let t = target.get();
        for _ in 0..n {
            black_box(old).next.set(Some(black_box(t)));
        }
        0
    });
    let plain = std::cell::Cell::new(None::<Gc<Node>>);
    time("plain Cell::set (no barrier)", n, || {
        let t = target.get();
        for _ in 0..n {
            black_box(&plain).set(Some(black_box(t)));
        }
        0
    });
    let st = gc::stats();
    println!(
        "gc: {} minor ({:.3} s), {} major ({:.3} s), promoted {} MB, peak heap {} MB",
        st.minor_collections,
        st.minor_time.as_secs_f64(),
        st.major_collections,
        st.major_time.as_secs_f64(),
        st.bytes_promoted >> 20,
        st.peak_heap_bytes >> 20
    );
}
