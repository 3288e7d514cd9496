//! `ScanRegion` (an interpreter's value stack on the Rust heap, scanned conservatively up to a
//! live length) and the nursery cards that record stores into pinned-old objects.
//!
//! Both exist so that a collection at every allocation (`METATRACER_GC_STRESS=1`) costs
//! O(live stack + survivors + dirty cards): before, Tiny kept 50 000 value slots on the native
//! stack (1.6 MB read at every collection), and every minor collection retraced every
//! pinned-old object because stores into them had no barrier.

use metatracer::gc::{self, Gc, GcCell, PinnedVec, ScanRegion, Weak};

#[derive(metatracer::Trace)]
struct Node {
    id: i64,
    next: GcCell<Option<Gc<Node>>>,
}

fn node(id: i64) -> Gc<Node> {
    gc::alloc(Node {
        id,
        next: GcCell::new(None),
    })
}

/// Fills `region[i]` with fresh nodes and returns weak references to them, from a frame of
/// its own so that no stale word of the caller's frame points at them.
#[inline(never)]
fn fill(region: &mut ScanRegion<Option<Gc<Node>>, 64>, n: usize) -> Vec<(usize, Weak<Node>)> {
    let mut weaks = Vec::new();
    for i in 0..n {
        let g = node(i as i64 + 100);
        region[i] = Some(g);
        region.set_live(i + 1);
        weaks.push((g.addr(), Weak::new(g)));
        // garbage in between, so that collections run even without stress mode
        for _ in 0..3 {
            std::hint::black_box(node(-1));
        }
    }
    weaks
}

#[test]
fn scan_region_keeps_live_slots_in_place_and_ignores_the_rest() {
    let mut region: ScanRegion<Option<Gc<Node>>, 64> = ScanRegion::new(None);
    let weaks = fill(&mut region, 10);
    gc::collect_minor();
    gc::collect();
    for (i, (addr, w)) in weaks.iter().enumerate() {
        let g = w.upgrade().expect("a live slot's referent died");
        assert_eq!(g.addr(), *addr, "a live slot's referent moved");
        assert_eq!(g.id, i as i64 + 100);
        assert_eq!(region[i].unwrap().addr(), *addr);
    }
    // Slots from the live length up are not roots: their referents may be collected.
    region.set_live(4);
    for _ in 0..3 {
        gc::collect();
    }
    for (i, (_, w)) in weaks.iter().enumerate().take(4) {
        assert_eq!(
            w.upgrade().expect("below the live length").id,
            i as i64 + 100
        );
    }
    let dead = weaks[4..].iter().filter(|(_, w)| w.is_cleared()).count();
    // Conservative scanning may keep an odd object alive through a stale native-stack word;
    // most must go.
    assert!(
        dead >= 3,
        "only {dead} of 6 slots above the live length were collected"
    );
}

/// Returns the address of a pinned-old node (pinned by a `PinnedVec` during one minor
/// collection, then released from it) and a weak reference to it.
#[inline(never)]
fn make_pinned_old(keep: &gc::Root<Node>) -> usize {
    let mut pv: PinnedVec<Gc<Node>> = PinnedVec::new();
    let n = keep.get();
    pv.push(n);
    gc::collect_minor();
    assert_eq!(n.addr(), keep.get().addr(), "a PinnedVec referent moved");
    n.addr()
}

#[inline(never)]
fn store_young(keep: &gc::Root<Node>, id: i64) {
    keep.get().next.set(Some(node(id)));
}

#[test]
fn stores_into_pinned_old_objects_are_remembered() {
    // `keep` roots the node precisely; the PinnedVec pins it in the nursery during one minor
    // collection, so it becomes pinned-old (it stays where it is from then on).
    let keep = gc::Root::new(node(1));
    let addr = make_pinned_old(&keep);
    for round in 0..50 {
        // A young object reachable only through the pinned-old node: the store must be
        // recorded (its nursery card), or the next minor collection frees or fails to move it.
        store_young(&keep, 1000 + round);
        for _ in 0..20 {
            std::hint::black_box(node(-1));
        }
        gc::collect_minor();
        let n = keep.get();
        assert_eq!(n.addr(), addr, "a pinned-old object moved");
        let next = n.next.get().expect("the stored reference was lost");
        assert_eq!(
            next.id,
            1000 + round,
            "the young object was not kept intact"
        );
        assert_eq!(next.next.get().map(|x| x.id), None);
        if round % 10 == 9 {
            gc::collect();
        }
    }
}
