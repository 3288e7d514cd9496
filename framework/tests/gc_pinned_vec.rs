//! `PinnedVec`: a Rust-heap vector the collector scans conservatively (its referents survive
//! and never move), and a regression test for minor collections with many pinned objects
//! (conservative lookups used to walk from the nursery start past pinned-old objects, making
//! each minor collection quadratic in the number of pins).

use metatracer::gc::{self, GcCell, PinnedVec};
use std::time::{Duration, Instant};

#[derive(metatracer::Trace)]
struct Cell2 {
    a: i64,
    b: GcCell<i64>,
}

#[test]
fn pinned_vec_keeps_objects_alive_and_in_place() {
    let mut v: PinnedVec<gc::Gc<Cell2>> = PinnedVec::new();
    let mut addrs = Vec::new();
    for i in 0..5000 {
        let c = gc::alloc(Cell2 {
            a: i,
            b: GcCell::new(-i),
        });
        addrs.push(c.addr());
        v.push(c);
        // Garbage between the kept objects, so the nursery fills and collections run.
        for _ in 0..4 {
            std::hint::black_box(gc::alloc(Cell2 {
                a: 0,
                b: GcCell::new(0),
            }));
        }
    }
    gc::collect_minor();
    gc::collect();
    gc::collect();
    for (i, c) in v.iter().enumerate() {
        assert_eq!(c.addr(), addrs[i], "a PinnedVec referent moved");
        assert_eq!(c.a, i as i64);
        assert_eq!(c.b.get(), -(i as i64));
    }
    v.sort_by_key(|c| -c.a);
    assert_eq!(v[0].a, 4999);
}

#[test]
fn many_pins_do_not_make_minor_collections_quadratic() {
    // 60k pinned objects spread over the nursery, then many minor collections: each must
    // stay roughly linear in the number of candidates.
    if std::env::var_os("METATRACER_GC_STRESS").is_some() {
        // A timing test: under stress every one of the 460k allocations below would run a
        // minor collection over 60k pins, which measures nothing and takes many minutes.
        return;
    }
    let mut v: PinnedVec<gc::Gc<Cell2>> = PinnedVec::new();
    for i in 0..60_000 {
        v.push(gc::alloc(Cell2 {
            a: i,
            b: GcCell::new(i),
        }));
    }
    let t0 = Instant::now();
    for _ in 0..20 {
        for _ in 0..20_000 {
            std::hint::black_box(gc::alloc(Cell2 {
                a: 1,
                b: GcCell::new(1),
            }));
        }
        gc::collect_minor();
    }
    let took = t0.elapsed();
    assert!(
        took < Duration::from_secs(20),
        "minor collections with 60k pins took {took:?}"
    );
    assert!(v.iter().enumerate().all(|(i, c)| c.a == i as i64));
}
