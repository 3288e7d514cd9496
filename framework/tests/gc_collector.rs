//! Behavioural tests of the collector: a seeded random object-graph test checked against a
//! shadow model, pinning, interior pointers, card marking, finalization, weak references,
//! root updates, bounded memory, and the out-of-memory exit.
//!
//! Some tests re-run this test binary as a child process with GC environment variables (the
//! heap reads its configuration once per thread from the environment); they select the child
//! behaviour with `GC_TEST_CHILD`.

use metatracer::gc::{self, Array, Gc, GcCell, Root, RootedVec, Weak};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::hint::black_box;

thread_local! {
    static DROPPED: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

/// Records its id when dropped.
struct DropProbe(u64);
impl Drop for DropProbe {
    fn drop(&mut self) {
        DROPPED.with(|d| d.borrow_mut().push(self.0));
    }
}

/// Whether the suite runs under `METATRACER_GC_STRESS=1`. Then every allocation collects, so
/// objects get pinned by whatever the stack held at that moment: assertions that an object
/// moved or died at one precise collection are skipped (the graph checks still run).
fn stress() -> bool {
    std::env::var("METATRACER_GC_STRESS").is_ok_and(|v| v.trim() == "1")
}

/// How many garbage objects to allocate to push earlier objects out of the nursery: `n`, or
/// far fewer under stress mode (where every allocation collects anyway).
fn churn_count(n: u64) -> u64 {
    if stress() {
        n / 100
    } else {
        n
    }
}

fn dropped() -> Vec<u64> {
    DROPPED.with(|d| d.borrow().clone())
}

#[derive(metatracer::Trace)]
struct Obj {
    id: u64,
    edges: Gc<Array<Option<Gc<Obj>>>>,
    tag: GcCell<i64>,
    #[gc(no_trace)]
    probe: DropProbe,
}

fn new_obj(id: u64, n_edges: usize) -> Gc<Obj> {
    gc::alloc(Obj {
        id,
        edges: gc::alloc_array(n_edges, None),
        tag: GcCell::new(id as i64 * 3),
        probe: DropProbe(id),
    })
}

/// xorshift64*: deterministic, dependency-free.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

struct Shadow {
    edges: HashMap<u64, Vec<Option<u64>>>,
    roots: Vec<Option<u64>>,
}

impl Shadow {
    fn reachable(&self) -> HashSet<u64> {
        let mut seen = HashSet::new();
        let mut stack: Vec<u64> = self.roots.iter().flatten().copied().collect();
        while let Some(id) = stack.pop() {
            if seen.insert(id) {
                stack.extend(self.edges[&id].iter().flatten());
            }
        }
        seen
    }
}

/// Walks the real graph from the roots, checking it against the shadow model; returns the
/// number of objects visited.
fn verify(roots: &RootedVec<Option<Gc<Obj>>>, shadow: &Shadow) -> usize {
    let mut addr_of: HashMap<u64, usize> = HashMap::new();
    let mut stack: Vec<Gc<Obj>> = Vec::new();
    for (i, r) in roots.iter().enumerate() {
        assert_eq!(r.map(|o| o.id), shadow.roots[i], "root {i}");
        stack.extend(r);
    }
    while let Some(o) = stack.pop() {
        if let Some(&a) = addr_of.get(&o.id) {
            assert_eq!(a, o.addr(), "object {} reachable at two addresses", o.id);
            continue;
        }
        addr_of.insert(o.id, o.addr());
        assert_eq!(o.tag.get(), o.id as i64 * 3, "payload of {}", o.id);
        assert_eq!(o.probe.0, o.id);
        let want = &shadow.edges[&o.id];
        assert_eq!(o.edges.len(), want.len());
        for (j, e) in o.edges.as_slice().iter().enumerate() {
            assert_eq!(e.map(|x| x.id), want[j], "edge {j} of {}", o.id);
            stack.extend(*e);
        }
    }
    addr_of.len()
}

fn random_graph(seed: u64, steps: usize) {
    let mut rng = Rng(seed);
    let roots: RootedVec<Option<Gc<Obj>>> = RootedVec::new();
    let nroots = 16;
    for _ in 0..nroots {
        roots.push(None);
    }
    let mut shadow = Shadow {
        edges: HashMap::new(),
        roots: vec![None; nroots],
    };
    let mut next_id = 1u64;
    let before = gc::stats();
    // Picks a random object reachable from a random root (a short random walk).
    let pick = |rng: &mut Rng| -> Option<Gc<Obj>> {
        let mut cur = roots.get(rng.below(nroots))?;
        for _ in 0..rng.below(6) {
            let n = cur.edges.len();
            if n == 0 {
                break;
            }
            match cur.edges.get(rng.below(n)) {
                Some(x) => cur = x,
                None => break,
            }
        }
        Some(cur)
    };
    for step in 0..steps {
        match rng.below(100) {
            0..=29 => {
                // A new object: mostly small, sometimes a big edge array (old-space, cards).
                let n = match rng.below(50) {
                    0 => 1500 + rng.below(1500),
                    _ => rng.below(5),
                };
                let o = new_obj(next_id, n);
                shadow.edges.insert(next_id, vec![None; n]);
                next_id += 1;
                if rng.below(2) == 0 {
                    let r = rng.below(nroots);
                    roots.set(r, Some(o));
                    shadow.roots[r] = Some(o.id);
                } else if let Some(p) = pick(&mut rng) {
                    if !p.edges.is_empty() {
                        let j = rng.below(p.edges.len());
                        p.edges.set(j, Some(o));
                        shadow.edges.get_mut(&p.id).unwrap()[j] = Some(o.id);
                    }
                }
            }
            30..=79 => {
                // Redirect an edge (creating cycles and old-to-young pointers).
                let (Some(a), b) = (pick(&mut rng), pick(&mut rng)) else {
                    continue;
                };
                if a.edges.is_empty() {
                    continue;
                }
                let j = rng.below(a.edges.len());
                let b = if rng.below(8) == 0 { None } else { b };
                a.edges.set(j, b);
                shadow.edges.get_mut(&a.id).unwrap()[j] = b.map(|x| x.id);
            }
            80..=89 => {
                // Move a root or drop it.
                let r = rng.below(nroots);
                let v = if rng.below(3) == 0 {
                    None
                } else {
                    pick(&mut rng)
                };
                roots.set(r, v);
                shadow.roots[r] = v.map(|x| x.id);
            }
            90..=93 => {
                // Garbage that dies young (drop glue runs in the minor collection).
                for _ in 0..rng.below(50) {
                    black_box(new_obj(0, 2));
                }
            }
            94..=97 => gc::collect_minor(),
            _ => {
                if rng.below(4) == 0 {
                    gc::collect();
                }
            }
        }
        if step % 500 == 0 {
            verify(&roots, &shadow);
        }
    }
    gc::collect();
    let n = verify(&roots, &shadow);
    assert_eq!(n, shadow.reachable().len());
    // No reachable object was ever finalized, and no object was finalized twice.
    let live = shadow.reachable();
    let d = dropped();
    let mut seen = HashSet::new();
    for id in d.iter().copied().filter(|&id| id != 0) {
        assert!(!live.contains(&id), "live object {id} was finalized");
        assert!(seen.insert(id), "object {id} finalized twice");
    }
    // Most dead objects were finalized (a few may be kept by stale stack words).
    let dead = (next_id - 1) as usize - live.len();
    assert!(
        seen.len() * 10 >= dead * 9,
        "finalized {} of {dead} dead objects",
        seen.len()
    );
    let after = gc::stats();
    assert!(after.minor_collections - before.minor_collections > 50);
    assert!(after.major_collections - before.major_collections > 5);
}

#[test]
fn random_graphs_match_shadow_model() {
    random_graph(0x9e37_79b9_7f4a_7c15, 12_000);
}

#[test]
fn random_graphs_second_seed() {
    random_graph(12345, 6_000);
}

#[inline(never)]
fn make_rooted(v: i64) -> Root<Obj> {
    let o = new_obj(v as u64, 1);
    o.edges.set(0, Some(new_obj(v as u64 + 1, 0)));
    Root::new(o)
}

#[inline(never)]
fn inverted_addr(r: &Root<Obj>) -> usize {
    !r.get().addr()
}

#[test]
fn roots_are_updated_when_objects_move() {
    let r = make_rooted(7000);
    // Stored inverted: not a word the conservative stack scan could take for a pointer.
    let before = inverted_addr(&r);
    // (no stale copy of the young address below this frame may pin it: see `scrub_stack`)
    scrub_stack();
    gc::collect_minor();
    let o = r.get();
    if !stress() {
        assert_ne!(
            !before,
            o.addr(),
            "a precisely rooted young object is promoted (moved)"
        );
    }
    assert_eq!(o.id, 7000);
    assert_eq!(o.tag.get(), 21000);
    assert_eq!(o.edges.get(0).unwrap().id, 7001);
    gc::collect();
    assert_eq!(r.get().edges.get(0).unwrap().tag.get(), 7001 * 3);
}

#[test]
fn stack_referenced_object_is_pinned_not_moved() {
    let o = black_box(new_obj(42, 2));
    let child = new_obj(43, 0);
    o.edges.set(0, Some(child));
    let addr = o.addr();
    let pinned_before = gc::stats().objects_pinned;
    gc::collect_minor();
    assert_eq!(black_box(o).addr(), addr, "pinned objects do not move");
    assert!(stress() || gc::stats().objects_pinned > pinned_before);
    // Churn through the nursery several times: the pinned object must stay intact.
    for i in 0..churn_count(200_000) {
        black_box(new_obj(i, 1));
    }
    assert_eq!(o.id, 42);
    assert_eq!(o.tag.get(), 126);
    assert_eq!(o.edges.get(0).unwrap().id, 43);
    gc::collect();
    assert_eq!(o.edges.get(0).unwrap().tag.get(), 129);
    assert_eq!(black_box(o).addr(), addr);
}

#[derive(metatracer::Trace)]
struct Wide {
    words: [i64; 32],
    next: GcCell<Option<Gc<Wide>>>,
}

#[inline(never)]
fn interior_pointer() -> *const i64 {
    let w = gc::alloc(Wide {
        words: std::array::from_fn(|i| i as i64 * 11),
        next: GcCell::new(None),
    });
    w.next.set(Some(gc::alloc(Wide {
        words: [5; 32],
        next: GcCell::new(None),
    })));
    &w.words[17] as *const i64
}

#[test]
fn interior_pointers_pin_their_object() {
    let p = black_box(interior_pointer());
    for i in 0..churn_count(300_000) {
        black_box(new_obj(i, 1));
    }
    gc::collect();
    // SAFETY: `p` points inside a GC object; the conservative scan must have kept it alive
    // and in place, which is what this test checks.
    let v = unsafe { std::ptr::read_volatile(black_box(p)) };
    assert_eq!(v, 17 * 11);
    // SAFETY: as above; the object layout is known (`words` is the first field in memory
    // order is not guaranteed, so recover the object through the field offset).
    let w = unsafe {
        let off = std::mem::offset_of!(Wide, words) + 17 * 8;
        &*((p as usize - off) as *const Wide)
    };
    assert_eq!(w.words[31], 31 * 11);
    assert_eq!(w.next.get().unwrap().words[3], 5);
}

#[inline(never)]
fn interior_pointer_into_old_object() -> *const i64 {
    let r = Root::new(gc::alloc(Wide {
        words: std::array::from_fn(|i| i as i64 * 7),
        next: GcCell::new(None),
    }));
    gc::collect_minor(); // promoted to the old generation; the Root is the only reference
    let w = r.get();
    &w.words[30] as *const i64
}

#[test]
fn interior_pointers_keep_old_objects_alive_in_major_collections() {
    let p = black_box(interior_pointer_into_old_object());
    // Same-size objects promoted after each major collection would reuse the cell if the
    // object had been freed.
    let fill: RootedVec<Gc<Wide>> = RootedVec::new();
    for _ in 0..3 {
        for i in 0..churn_count(50_000) {
            black_box(new_obj(i, 1));
        }
        gc::collect();
        for _ in 0..2000 {
            fill.push(gc::alloc(Wide {
                words: [-1; 32],
                next: GcCell::new(None),
            }));
        }
        gc::collect_minor();
    }
    // SAFETY: `p` points inside an old GC object that only this stack word keeps alive; the
    // major collections must have found it through the object-start lookup.
    let v = unsafe { std::ptr::read_volatile(black_box(p)) };
    assert_eq!(v, 30 * 7);
    // SAFETY: as above; `p - 30 words` is element 0 of the same array field.
    let first = unsafe { std::ptr::read_volatile(p.sub(30)) };
    assert_eq!(first, 0);
    // SAFETY: as above.
    let mid = unsafe { std::ptr::read_volatile(p.sub(13)) };
    assert_eq!(mid, 17 * 7);
}

#[test]
fn old_to_young_stores_are_found_by_cards() {
    let holder = Root::new(new_obj(1, 4));
    let big = Root::new(gc::alloc_array::<Option<Gc<Obj>>>(5000, None));
    gc::collect(); // both are old now
    for round in 0..20u64 {
        attach_young(&holder, &big, round);
        gc::collect_minor();
        // Reuse the nursery, so anything the collection failed to save is overwritten.
        for i in 0..churn_count(100_000) {
            black_box(new_obj(i, 0));
        }
        let h = holder.get();
        for j in 0..4 {
            let c = h.edges.get(j).unwrap();
            assert_eq!(c.id, 1000 * round + j as u64);
            assert_eq!(c.tag.get(), c.id as i64 * 3);
        }
        let b = big.get();
        let c = b.get(4000 + round as usize).unwrap();
        assert_eq!(c.id, 1000 * round + 999);
        assert_eq!(c.edges.get(0).unwrap().id, 5);
    }
}

/// `Array::copy_within` moves young references inside an old array (across many cards) with
/// one block move: the cards it records must keep every moved object alive through minor
/// collections, and overlapping moves in both directions keep the element order.
#[test]
fn copy_within_records_the_cards_of_moved_references() {
    let big = Root::new(gc::alloc_array::<Option<Gc<Obj>>>(5000, None));
    gc::collect(); // old now
    fill_young(&big, 100, 1200);
    // move the young references up by 1,700 slots, then by 300 more (overlapping), and clear
    // every slot they left: only the cards `copy_within` recorded still reach them
    big.get().copy_within(100, 1800, 1200);
    big.get().copy_within(1800, 2100, 1200);
    for i in 100..2100 {
        big.get().set(i, None);
    }
    gc::collect_minor();
    for i in 0..churn_count(100_000) {
        black_box(new_obj(i, 0));
    }
    let b = big.get();
    for k in 0..1200 {
        let c = b.get(2100 + k).unwrap();
        assert_eq!(c.id, 7000 + k as u64);
        assert_eq!(c.tag.get(), c.id as i64 * 3);
    }
    // element order after an overlapping move to a higher index
    let ints = gc::alloc_array::<i64>(10, 0);
    for i in 0..10 {
        ints.set(i, i as i64);
    }
    ints.copy_within(2, 3, 6);
    assert_eq!(ints.as_slice(), &[0, 1, 2, 2, 3, 4, 5, 6, 7, 9]);
    ints.copy_within(3, 2, 7);
    assert_eq!(ints.as_slice(), &[0, 1, 2, 3, 4, 5, 6, 7, 9, 9]);
}

/// Stores fresh (young) objects `7000 + k` into `big[at + k]` for `k < n`.
#[inline(never)]
fn fill_young(big: &Root<Array<Option<Gc<Obj>>>>, at: usize, n: usize) {
    for k in 0..n {
        big.get().set(at + k, Some(new_obj(7000 + k as u64, 0)));
    }
}

#[inline(never)]
fn attach_young(holder: &Root<Obj>, big: &Root<Array<Option<Gc<Obj>>>>, round: u64) {
    let h = holder.get();
    for j in 0..4 {
        h.edges.set(j, Some(new_obj(1000 * round + j as u64, 0)));
    }
    let c = new_obj(1000 * round + 999, 1);
    c.edges.set(0, Some(new_obj(5, 0)));
    big.get().set(4000 + round as usize, Some(c));
}

#[inline(never)]
fn make_garbage(first: u64, n: u64, keep: &RootedVec<Gc<Obj>>) {
    for i in 0..n {
        let o = new_obj(first + i, 1);
        if i % 10 == 0 {
            keep.push(o);
        } else if i % 10 == 1 {
            // A two-object cycle that dies.
            let o2 = new_obj(first + i + n * 10, 1);
            o.edges.set(0, Some(o2));
            o2.edges.set(0, Some(o));
        }
    }
}

#[test]
fn destructors_run_once_for_dead_objects_only() {
    let first = 1_000_000;
    let n = 20_000;
    let keep = RootedVec::new();
    make_garbage(first, n, &keep);
    gc::collect_minor();
    gc::collect();
    let kept: HashSet<u64> = keep.iter().map(|o| o.id).collect();
    let mine: Vec<u64> = dropped()
        .into_iter()
        .filter(|id| (first..first + 11 * n).contains(id))
        .collect();
    let uniq: HashSet<u64> = mine.iter().copied().collect();
    assert_eq!(uniq.len(), mine.len(), "no object finalized twice");
    assert!(uniq.is_disjoint(&kept), "live objects were finalized");
    let dead = (n + n / 10) as usize - kept.len();
    assert!(uniq.len() * 100 >= dead * 99, "{} of {dead}", uniq.len());
    // Now release the kept ones (promoted: finalized by the major collection).
    keep.clear();
    gc::collect();
    let all: HashSet<u64> = dropped()
        .into_iter()
        .filter(|id| (first..first + 11 * n).contains(id))
        .collect();
    assert!(all.len() * 100 >= (dead + kept.len()) * 99);
    assert_eq!(
        dropped()
            .into_iter()
            .filter(|id| (first..first + 11 * n).contains(id))
            .count(),
        all.len()
    );
}

#[inline(never)]
fn weak_to_garbage() -> Weak<Obj> {
    Weak::new(new_obj(77, 0))
}

/// A new object held only by a root (no copy of the pointer stays in the caller's frame).
#[inline(never)]
fn rooted_obj(id: u64) -> Root<Obj> {
    Root::new(new_obj(id, 0))
}

/// A weak reference to an object that was promoted to the old generation and is no longer
/// referenced when this returns (its root was dropped here, in a frame that is gone).
#[inline(never)]
fn weak_to_old_garbage(id: u64) -> Weak<Obj> {
    let r = rooted_obj(id);
    scrub_stack();
    let promoted = gc::stats().bytes_promoted;
    gc::collect_minor();
    assert!(
        stress() || gc::stats().bytes_promoted > promoted,
        "promoted"
    );
    let w = weak_of(&r);
    drop(r);
    w
}

/// A weak reference to a rooted object, made in a frame of its own (see [`rooted_obj`]).
#[inline(never)]
fn weak_of(r: &Root<Obj>) -> Weak<Obj> {
    Weak::new(r.get())
}

/// Overwrites the stack below the caller's frame with zeros. The collector scans its own
/// frames conservatively too, and they reuse the memory where the frames of
/// [`weak_to_old_garbage`] left a copy of the pointer; without this, a release build keeps
/// that object alive by chance.
#[inline(never)]
fn scrub_stack() {
    let zeros = [0u64; 4096];
    std::hint::black_box(&zeros);
}

#[test]
fn weak_references_follow_moves_and_clear() {
    let live = Root::new(new_obj(9, 0));
    let w_live = Weak::new(live.get());
    let w_dead = weak_to_garbage();
    scrub_stack();
    gc::collect_minor();
    assert!(Gc::ptr_eq(w_live.upgrade().unwrap(), live.get()));
    assert!(
        stress() || w_dead.upgrade().is_none(),
        "young target died in the minor collection"
    );
    // Old targets that die in a major collection: each made, promoted and dropped in a frame
    // of its own (no copy of the pointer stays in this frame), stale stack words scrubbed.
    // The scan is conservative: in a release build a stale copy of an address (in a register
    // the collector spills, or a frame the scrub does not reach) can keep one of them alive,
    // so the test makes many and asserts that nearly all clear (a collector that did not
    // clear weak references to dead old objects would clear none).
    let olds: Vec<Weak<Obj>> = (0..40).map(|i| weak_to_old_garbage(100 + i)).collect();
    scrub_stack();
    gc::collect();
    let cleared = olds.iter().filter(|w| w.is_cleared()).count();
    assert!(
        stress() || cleared >= 36,
        "{cleared} of 40 weak references cleared"
    );
    assert_eq!(w_live.upgrade().unwrap().id, 9);
    // A weak reference stored inside a GC object.
    #[derive(metatracer::Trace)]
    struct Holder {
        w: Weak<Obj>,
    }
    let h = Root::new(gc::alloc(Holder { w: w_live.clone() }));
    gc::collect();
    assert_eq!(h.get().w.upgrade().unwrap().id, 9);
    assert!(stress() || gc::stats().weak_cleared >= 2);
}

/// A minor collection visits only the weak references made to young targets since the
/// previous one: weak references to old objects (asyncio's `WeakSet` of all live tasks) cost
/// minor collections nothing, and the young ones are still followed and cleared.
#[test]
fn minor_collections_visit_only_weak_references_to_young_targets() {
    let olds: RootedVec<Gc<Obj>> = RootedVec::new();
    for i in 0..2000 {
        olds.push(new_obj(i, 0));
    }
    gc::collect_minor();
    assert_eq!(gc::young_weak_count(), 0);
    let to_old: Vec<Weak<Obj>> = (0..2000).map(|i| Weak::new(olds.get(i))).collect();
    // (an object a stale stack word pinned stays in the nursery as pinned-old: a minor
    // collection leaves it alone, so a weak reference to it is not young either; stress mode,
    // which collects at every allocation, pins most of `olds`)
    let pinned_few = gc::young_weak_count();
    assert!(
        pinned_few <= 8,
        "weak references to old objects are not young: {pinned_few}"
    );
    let young = Root::new(new_obj(7, 0));
    let w_young = Weak::new(young.get());
    let w_dead = weak_to_garbage();
    // (under stress mode the allocation in `weak_to_garbage` collected, visiting and
    // forgetting the first one)
    assert!(stress() || gc::young_weak_count() == pinned_few + 2);
    scrub_stack();
    gc::collect_minor();
    assert_eq!(gc::young_weak_count(), 0);
    assert!(Gc::ptr_eq(w_young.upgrade().unwrap(), young.get()));
    assert!(
        stress() || w_dead.is_cleared(),
        "a young target that died is cleared"
    );
    assert!(to_old.iter().all(|w| !w.is_cleared()));
    // old targets that die are still cleared by a major collection
    let olds_dead: Vec<Weak<Obj>> = (0..40).map(|i| weak_to_old_garbage(500 + i)).collect();
    scrub_stack();
    gc::collect();
    let cleared = olds_dead.iter().filter(|w| w.is_cleared()).count();
    assert!(stress() || cleared >= 36, "{cleared} of 40 cleared");
    assert_eq!(to_old[1999].upgrade().unwrap().id, 1999);
}

#[test]
fn memory_stays_bounded_under_churn() {
    let window: RootedVec<Gc<Obj>> = RootedVec::new();
    let start = gc::stats();
    let n = if stress() { 20_000 } else { 1_000_000u64 };
    for i in 0..n {
        let o = new_obj(i, 2);
        if i % 7 == 0 {
            // Medium-lived: survives a few minor collections, then dies old (with cycles).
            if window.len() >= 2000 {
                window.remove(0);
            }
            if let Some(prev) = window.iter().last() {
                o.edges.set(0, Some(prev));
                prev.edges.set(1, Some(o));
            }
            window.push(o);
        }
    }
    let s = gc::stats();
    let allocated = s.bytes_allocated - start.bytes_allocated;
    assert!(stress() || allocated > 60 << 20, "allocated {allocated}");
    assert!(s.major_collections > start.major_collections);
    assert!(
        s.peak_heap_bytes < 48 << 20,
        "peak heap {} bytes after allocating {allocated}",
        s.peak_heap_bytes
    );
}

/// Runs this test binary again as a child with `env`, executing `child_test` only.
fn run_child(child_test: &str, env: &[(&str, &str)]) -> std::process::Output {
    let exe = std::env::current_exe().unwrap();
    let mut cmd = std::process::Command::new(exe);
    cmd.args([child_test, "--exact", "--nocapture", "--test-threads=1"])
        .env("GC_TEST_CHILD", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn is_child() -> bool {
    std::env::var_os("GC_TEST_CHILD").is_some()
}

#[test]
fn child_exhausts_heap() {
    if !is_child() {
        return;
    }
    let keep: RootedVec<Gc<Array<i64>>> = RootedVec::new();
    for _ in 0..100_000 {
        keep.push(gc::alloc_array(1000, 1i64));
    }
}

#[test]
fn exceeding_max_heap_is_a_clean_fatal_error() {
    if is_child() {
        return;
    }
    let out = run_child(
        "child_exhausts_heap",
        &[
            ("METATRACER_GC_MAX_HEAP", "32M"),
            ("METATRACER_GC_NURSERY", "1M"),
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {err}");
    assert!(err.contains("fatal: out of memory"), "stderr: {err}");
    assert!(!err.contains("panicked"), "stderr: {err}");
}

#[test]
fn bad_configuration_is_reported() {
    if is_child() {
        return;
    }
    let out = run_child("child_exhausts_heap", &[("METATRACER_GC_NURSERY", "lots")]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert!(err.contains("METATRACER_GC_NURSERY"), "stderr: {err}");
}

#[test]
fn child_random_graph_small() {
    if !is_child() {
        return;
    }
    random_graph(777, 1500);
}

#[test]
fn stress_mode_with_poisoning_passes_random_graphs() {
    if is_child() {
        return;
    }
    let out = run_child(
        "child_random_graph_small",
        &[
            ("METATRACER_GC_STRESS", "1"),
            ("METATRACER_GC_STRESS_MAJOR_EVERY", "16"),
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "stderr: {err}");
}

#[test]
fn small_nursery_random_graphs() {
    if is_child() {
        return;
    }
    let out = run_child(
        "child_random_graph_small",
        &[
            ("METATRACER_GC_NURSERY", "64K"),
            ("METATRACER_GC_MIN_MAJOR", "1M"),
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "stderr: {err}");
}

thread_local! {
    static HOOK_CALLS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

fn count_hook() {
    HOOK_CALLS.with(|c| c.set(c.get() + 1));
}

/// The embedder's filter in the test: objects with an id ending in 5 no longer need
/// finalizing.
unsafe fn not_five(p: *const u8) -> bool {
    // SAFETY: the collector passes the payload of a dead, intact `Obj`.
    unsafe { (*(p as *const Obj)).id % 10 != 5 }
}

/// A guarded object with one child, dropped when this returns (made in a frame of its own);
/// `promote`: first made old (rooted across a minor collection).
#[inline(never)]
fn guarded_garbage(id: u64, promote: bool) -> Weak<Obj> {
    let r = rooted_parent(id);
    gc::guard(r.get());
    if promote {
        gc::collect_minor();
    }
    let w = weak_of(&r);
    drop(r);
    scrub_stack();
    w
}

/// A rooted object whose one edge is a child with id `id + 1000`.
#[inline(never)]
fn rooted_parent(id: u64) -> Root<Obj> {
    let r = Root::new(new_obj(id, 1));
    r.get().edges.set(0, Some(new_obj(id + 1000, 0)));
    r
}

/// Takes the queued objects, checking each one's child is intact; their ids.
fn take_all() -> Vec<u64> {
    let mut ids = Vec::new();
    // SAFETY: only `Obj`s are guarded in this thread.
    while let Some(o) = unsafe { gc::take_doomed::<Obj>() } {
        let child = o.edges.get(0).expect("child kept");
        assert_eq!(child.id, o.id + 1000);
        ids.push(o.id);
    }
    ids
}

fn check_queue(ids: &[u64], range: std::ops::Range<u64>, what: &str) {
    let expect: Vec<u64> = range.filter(|id| id % 10 != 5).collect();
    if !stress() {
        assert!(
            ids.len() * 10 >= expect.len() * 9,
            "{what}: {} of {} queued",
            ids.len(),
            expect.len()
        );
    }
    let mut sorted = ids.to_vec();
    sorted.sort_unstable();
    assert_eq!(ids, sorted.as_slice(), "{what}: registration order");
    // (under stress, pinning by stale stack words can delay a young object to the old phase)
    assert!(
        ids.iter()
            .all(|id| expect.contains(id) || (stress() && *id >= 600 && id % 10 != 5)),
        "{what}: {ids:?}"
    );
    let drops = dropped();
    for &id in ids {
        assert!(
            !drops.contains(&id) && !drops.contains(&(id + 1000)),
            "{what}: {id} freed"
        );
    }
}

#[test]
fn guarded_objects_are_resurrected_once_for_the_embedder() {
    gc::set_doomed_hook(count_hook);
    // SAFETY: `not_five` reads only the object's id.
    unsafe { gc::set_doomed_filter(not_five) };
    let live = Root::new(new_obj(500, 0));
    gc::guard(live.get());
    // Young guarded garbage: a minor collection queues it (except what the filter rejects).
    let young: Vec<Weak<Obj>> = (0..40).map(|i| guarded_garbage(600 + i, false)).collect();
    scrub_stack();
    gc::collect_minor();
    let ids = take_all();
    check_queue(&ids, 600..640, "young");
    // Weak references to queued objects stay set (they were promoted with their children).
    for (i, w) in young.iter().enumerate() {
        if ids.contains(&(600 + i as u64)) {
            assert_eq!(w.upgrade().expect("resurrected").id, 600 + i as u64);
        }
    }
    // Old guarded garbage: minor collections leave it, a full collection queues it.
    let old: Vec<Weak<Obj>> = (0..40).map(|i| guarded_garbage(700 + i, true)).collect();
    scrub_stack();
    gc::collect_minor();
    if !stress() {
        assert!(
            take_all().is_empty(),
            "a minor collection does not judge old objects"
        );
    }
    scrub_stack();
    gc::collect();
    let old_ids = take_all();
    check_queue(&old_ids, 700..740, "old");
    assert!(
        stress() || HOOK_CALLS.with(|c| c.get()) >= 2,
        "hook called for both"
    );
    assert!(
        !ids.contains(&500) && !old_ids.contains(&500),
        "live object queued"
    );
    // Reported once: later collections free them and queue nothing again.
    for _ in 0..2 {
        scrub_stack();
        gc::collect();
        assert!(take_all().is_empty());
    }
    let drops = dropped();
    let all: Vec<u64> = ids.iter().chain(&old_ids).copied().collect();
    let freed = all.iter().filter(|&&id| drops.contains(&id)).count();
    assert!(
        stress() || freed * 10 >= all.len() * 9,
        "{freed} of {} freed",
        all.len()
    );
    let cleared = old.iter().filter(|w| w.is_cleared()).count();
    assert!(
        stress() || cleared >= 30,
        "{cleared} weak references cleared"
    );
    assert_eq!(live.get().id, 500);
}
