//! The `gc::jit` protocol, exercised by hand the way machine code will: inline bump allocation
//! through the published free/top addresses and header word, and the inline card-marking
//! barrier through the published card table, checked by collections afterwards.

use metatracer::gc::{self, jit, Gc, GcCell, Root};

#[derive(metatracer::Trace)]
struct Cons {
    car: i64,
    cdr: GcCell<Option<Gc<Cons>>>,
}

/// Allocates a `Cons` exactly as JIT code would (see the `gc::jit` docs).
#[inline(never)]
fn jit_alloc_cons(car: i64) -> Gc<Cons> {
    let l = jit::layout();
    let size = jit::object_size(std::mem::size_of::<Cons>());
    let header = jit::header_word::<Cons>();
    assert!(!jit::needs_finalizer::<Cons>());
    // SAFETY: this follows the documented protocol: the free/top words belong to this
    // thread's heap, the header is `Cons`'s, and the payload is initialized before anything
    // else can allocate.
    unsafe {
        let p = *l.free_addr;
        let payload = if *l.top_addr - p < size {
            jit::alloc_slow(header, size)
        } else {
            *l.free_addr = p + size;
            *(p as *mut usize) = header;
            (p + jit::HEADER_SIZE) as *mut u8
        };
        (payload as *mut Cons).write(Cons {
            car,
            cdr: GcCell::new(None),
        });
        Gc::from_raw(payload as *const Cons)
    }
}

/// Stores `v` into `cell` and runs the barrier inline, as JIT code would.
fn jit_store(cell: &GcCell<Option<Gc<Cons>>>, v: Option<Gc<Cons>>) {
    let l = jit::layout();
    let slot = cell.as_ptr();
    // SAFETY: single-threaded store into a GC object's slot, followed by the documented
    // barrier (card address computed only for slots inside the old range).
    unsafe {
        *slot = v;
        let off = (slot as usize).wrapping_sub(l.barrier_base);
        if off < l.barrier_len {
            let card = l.cards.add(off >> l.card_shift);
            if *card == 0 {
                jit::remember_card(card);
            }
        }
    }
}

#[test]
fn inline_allocation_and_barrier_protocol() {
    let l = jit::layout();
    assert_eq!(l.card_shift, 9);
    // Build a list with the inline path, longer than one nursery (several slow paths). Under
    // METATRACER_GC_STRESS=1 every allocation collects, so keep the live list short there.
    let stress = std::env::var("METATRACER_GC_STRESS").is_ok_and(|v| v.trim() == "1");
    let len = if stress { 3_000 } else { 200_000 };
    let head = Root::new(jit_alloc_cons(0));
    for i in 1..len {
        let c = jit_alloc_cons(i);
        jit_store(&c.cdr, Some(head.get()));
        head.set(c);
    }
    gc::collect_minor();
    let mut n = 0;
    let mut cur = Some(head.get());
    while let Some(c) = cur {
        assert_eq!(c.car, len - 1 - n);
        n += 1;
        cur = c.cdr.get();
    }
    assert_eq!(n, len);
    // The head is old now: an inline store of a young object must be seen by the next minor
    // collection through the card the inline barrier marked.
    gc::collect();
    let young = jit_alloc_cons(-1);
    let old_head = head.get();
    jit_store(&old_head.cdr, Some(young));
    forget_locals();
    gc::collect_minor();
    let y = head.get().cdr.get().unwrap();
    assert_eq!(y.car, -1);
    assert_eq!(y.cdr.get().map(|c| c.car), None);
}

/// Overwrites some dead stack so that stale copies of `young` are less likely to pin it;
/// the test holds either way (pinned or moved, the card keeps it alive).
#[inline(never)]
fn forget_locals() {
    std::hint::black_box([0usize; 64]);
}

#[test]
fn header_words_differ_per_type_and_match_layout_constants() {
    assert_ne!(jit::header_word::<Cons>(), jit::header_word::<i64>());
    assert_ne!(
        jit::array_header_word::<i64>(),
        jit::array_header_word::<u8>()
    );
    let h = jit::header_word::<Cons>();
    assert_eq!(h & jit::FLAGS, 0, "a fresh header has no flag bits");
    assert_eq!(h & 7, 0, "type info addresses are 8-aligned");
    assert_eq!(jit::object_size(0), jit::MIN_OBJECT_SIZE);
    assert_eq!(gc::Array::<i64>::ELEMS_OFFSET, 8);
}

/// An object with a plain (non-`Option`) reference, as JIT code and deoptimization allocate
/// it: zeroed by `alloc_zeroed`, its fields stored afterwards.
#[derive(metatracer::Trace)]
struct Boxed {
    head: Gc<Cons>,
    n: i64,
}

#[test]
fn a_zeroed_object_survives_collections_before_its_fields_are_stored() {
    // (failed before: a major collection marked the null `head` of a pinned, still zeroed
    // object and crashed reading the header before address 0; deoptimization allocated a
    // virtual frame, then the next virtual object, whose allocation collected, and only then
    // stored the frame's fields, `PYGUEST_JIT_CALLS=15` with `METATRACER_GC_STRESS=1`)
    let header = jit::header_word::<Boxed>();
    // SAFETY: `header` is `Boxed`'s, of exactly its size, without drop glue; a zeroed
    // `Boxed` has a null `head`, which the contract allows until the store below.
    let p = unsafe { jit::alloc_zeroed(header, std::mem::size_of::<Boxed>()) } as *mut Boxed;
    // SAFETY: `p` is the payload of a live `Boxed` just allocated.
    let keep = Root::new(unsafe { Gc::from_raw(p as *const Boxed) });
    gc::collect_minor();
    gc::collect();
    let keep_p = keep.get().as_ptr() as *mut Boxed;
    // the fields are stored now, as `perform_pending` does after materialization
    let head = jit_alloc_cons(42);
    // SAFETY: the object is alive (rooted) and its `head` slot is a word of it.
    unsafe {
        std::ptr::addr_of_mut!((*keep_p).head).write(head);
        (*keep_p).n = 7;
        jit::barrier_slot(std::ptr::addr_of!((*keep_p).head) as usize);
    }
    forget_locals();
    gc::collect_minor();
    gc::collect();
    assert_eq!(keep.get().head.car, 42);
    assert_eq!(keep.get().n, 7);
}

/// Allocates a young `Cons` and stores it into `old`'s `cdr` the way a guard failure or a
/// bridge's start performs a store the trace delayed past the guard; returns nothing, so no
/// copy of the young address stays in the caller's locals.
#[inline(never)]
fn delayed_store_of_a_young_object(old: &Cons) {
    let young = jit_alloc_cons(-7);
    let slot = old.cdr.as_ptr() as usize;
    // SAFETY: `cdr` is a `GcCell<Option<Gc<Cons>>>`, one pointer word (`None` is null).
    unsafe {
        metatracer::jit::recorded::perform_pending_store(
            slot,
            metatracer::jit::jitcode::MemSize::W64,
            young.addr() as u64,
        )
    };
}

/// A delayed store of a young object into an old one runs the write barrier: the next minor
/// collection moves the object and updates the slot. (Without the barrier nothing names the
/// object at that collection, unless a stale stack word pins it: it is dropped, and the
/// object allocated next at its nursery address shows through the slot. A bridge recorded
/// from a guard with a virtual float box, with nothing allocated while recording, left a
/// register of the interpreter's frame naming a later float box that way.)
#[test]
fn a_delayed_store_of_a_young_object_into_an_old_one_keeps_it() {
    let old = Root::new(jit_alloc_cons(1));
    gc::collect();
    for round in 0..20 {
        delayed_store_of_a_young_object(&old.get());
        forget_locals();
        gc::collect_minor();
        // (lands where the young object was, if that one was dropped)
        let other = jit_alloc_cons(1000 + round);
        std::hint::black_box(other);
        let y = old.get().cdr.get().expect("the stored object");
        assert_eq!(y.car, -7, "round {round}: the slot names another object");
        old.get().cdr.set(None);
    }
}
