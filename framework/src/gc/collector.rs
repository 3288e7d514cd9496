//! The collector: nursery management, minor collections (copying with pinning), major
//! collections (mark-sweep of the old generation), finalization and weak references.
//!
//! # Spaces
//! * The **nursery** is one `mmap`ed region. Allocation bumps through its *segments*: the gaps
//!   between pinned objects (usually one segment, the whole nursery). When the allocator leaves
//!   a segment it fills the unused rest with a hole word, so the used part of the nursery can
//!   always be walked object by object from its start to `FAST.free`.
//! * The **old generation** ([`OldGen`]) never moves objects.
//!
//! # Minor collection
//! 1. Conservative roots: every stack word (and spilled callee-saved register) that points
//!    into the used nursery, at an object's payload, inside it, or one past its end, **pins**
//!    that object: it gets the `PINNED` header flag and stays where it is. Pinned objects are
//!    from then on logically old ("pinned-old"); they are kept in `pinned_old` and leave the
//!    nursery only when a major collection finds them dead. The allocator skips over them.
//! 2. Everything reachable from the newly pinned objects, from the precise roots (`Root`,
//!    `RootedVec`) and from the objects on dirty cards is copied to the old generation
//!    (Cheney-style with a gray stack); the nursery copy's header becomes
//!    `FORWARDED | new address`, and every visited slot is updated. The card table covers the
//!    nursery too (it sits directly below the old range, so the barrier's one range check
//!    covers both): nursery card bytes are 1 ("no call") except under pinned-old objects,
//!    where they are 0, so a store into a pinned-old object dirties its card like a store
//!    into an old object, and only the pinned-old objects on dirty cards are rescanned.
//!    Stack words are only looked up if they point into the segments bumped through since
//!    the last collection; chunk entries are reset only where allocation set them. So a
//!    minor collection costs O(stack + precise roots + survivors + dirty cards), whatever the
//!    number of pinned-old objects (which matters in stress mode, where every object the
//!    stack holds at an allocation gets pinned).
//! 3. Weak references to moved objects are updated, to dead ones cleared; nursery objects with
//!    destructors that were neither moved nor pinned are dropped.
//! 4. The segments bumped through are reset (and, with `METATRACER_GC_STRESS=1`, the bytes
//!    vacated below the bump pointer are poisoned with `0xdeadbeef...` so stale references
//!    fail fast). Gaps between pinned-old objects under `MIN_SEGMENT` bytes become holes.
//!
//! # Major collection
//! A minor collection first (so only old and pinned-old objects exist), then marking from the
//! stack (conservatively, with object-start lookup in the old space and in `pinned_old`) and
//! the precise roots, weak clearing, and a sweep that runs destructors and frees cells, blocks
//! and pinned-old objects. The next major collection runs when the old generation exceeds
//! `growth` times the live size (at least `min_major`).
//!
//! # Re-entrancy
//! Destructors of dead objects run during collections; they must not allocate or touch GC
//! objects (that ends the process with a clear message).

use super::heap::{TypeInfo, FAST};
use super::layout::*;
use super::oldgen::{self, OldGen, CARD_SHIFT, CARD_SIZE, PAGE, SMALL_MAX};
use super::stack;
use super::trace::Tracer;
use super::{roots, weak};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::time::Instant;

const POISON: usize = 0xdead_beef_dead_beef;
const CHUNK_SHIFT: u32 = 12;
const CHUNK: usize = 1 << CHUNK_SHIFT;
/// Gaps between pinned-old objects smaller than this are not made segments: they become
/// holes until a major collection (otherwise, with many pins, allocation would enter and
/// leave hundreds of too-small segments after every collection).
const MIN_SEGMENT: usize = 256;

/// Adds the free gap `[a, b)` to `out` as a segment, or fills it with a hole if it is too
/// small to be worth one (poisoned first in stress mode).
fn add_gap(out: &mut Vec<(usize, usize)>, a: usize, b: usize, stress: bool) {
    if b - a >= MIN_SEGMENT {
        out.push((a, b));
        return;
    }
    // SAFETY: `[a, b)` is free nursery memory between pinned-old objects (a multiple of 8
    // bytes, at least one word).
    unsafe {
        if stress {
            std::slice::from_raw_parts_mut(a as *mut usize, (b - a) / 8).fill(POISON);
        }
        *(a as *mut usize) = hole_word(b - a);
    }
}

pub(crate) struct Collector {
    cfg: Config,
    nursery_start: usize,
    nursery_len: usize,
    /// Per nursery chunk (`CHUNK` bytes): the address of a header (object or hole) at or
    /// before the chunk's first object start from which a forward walk reaches the chunk's
    /// objects; 0 = none recorded since the last minor collection. Lets the conservative scan
    /// find the object containing an address by walking at most about one chunk.
    chunk_entry: Vec<usize>,
    /// Chunks whose entry was set by allocation since the last minor collection (entries of
    /// pinned-old objects are not listed: they stay valid until a major collection).
    touched_chunks: Vec<usize>,
    /// Free gaps of the nursery (between pinned-old objects), ascending.
    segments: Vec<(usize, usize)>,
    /// Index of the segment being bumped through (`segments.len()` when none is left).
    seg: usize,
    /// Where bumping in the current segment started (for byte accounting).
    seg_used_from: usize,
    /// Pinned-old objects: payload address -> total size.
    /// Allocations seen by the slow path in stress mode (for `stress_every`).
    stress_allocs: u64,
    pinned_old: BTreeMap<usize, usize>,
    pinned_bytes: usize,
    /// `pinned_bytes` after the last major collection.
    pinned_after_major: usize,
    /// Nursery objects whose type needs `Drop`.
    young_with_drop: Vec<usize>,
    /// Nursery payloads whose address was taken as an identity (`pin_identity`): the next
    /// minor collection pins them (they become pinned-old and never move again).
    identity_pins: Vec<usize>,
    /// Objects registered by [`guard`] since the last minor collection. That collection
    /// resurrects the dead young ones into `doomed` and moves the others to `guarded_old`,
    /// so a minor collection costs O(new registrations), not O(all guarded objects).
    guarded: Vec<usize>,
    /// Guarded objects that are old or pinned-old: a major collection that finds one
    /// unmarked moves it to `doomed` instead of freeing it.
    guarded_old: Vec<usize>,
    /// Unreachable guarded objects kept alive (with what they reach) until the embedder takes
    /// them with [`take_doomed`] to run its finalizer; then they are ordinary objects again.
    doomed: std::collections::VecDeque<usize>,
    /// Called (inside the collector: it must not touch the heap) when a major collection
    /// moved objects to `doomed`.
    doomed_hook: Option<fn()>,
    /// Asked about a guarded object found dead whether it still needs finalizing (see
    /// [`set_doomed_filter`]); `None`: always.
    doomed_filter: Option<unsafe fn(*const u8) -> bool>,
    old: OldGen,
    next_major: usize,
    collections: u64,
    /// Stack pointer at the entry into the collector (0 outside collector entry points).
    stack_lo: usize,
    stats: GcStats,
}

thread_local! {
    static COLLECTOR: RefCell<Option<Box<Collector>>> = const { RefCell::new(None) };
}

/// Prints `fatal: out of memory (...)` and exits with status 1.
#[cold]
pub(crate) fn fatal_oom(what: &str) -> ! {
    eprintln!("fatal: out of memory ({what}); raise METATRACER_GC_MAX_HEAP if the machine allows");
    std::process::exit(1)
}

#[cold]
fn fatal_reentrant() -> ! {
    eprintln!(
        "fatal: the GC heap was used during a collection (a Drop impl of a GC object \
         allocated, collected or read GC data); destructors of GC objects must not touch the heap"
    );
    std::process::exit(1)
}

fn with_collector<R>(f: impl FnOnce(&mut Collector) -> R) -> R {
    let r = COLLECTOR.try_with(|cell| {
        let Ok(mut g) = cell.try_borrow_mut() else {
            fatal_reentrant()
        };
        let c = g.get_or_insert_with(|| Box::new(Collector::new()));
        f(c)
    });
    match r {
        Ok(r) => r,
        Err(_) => {
            eprintln!("fatal: GC heap used during thread teardown");
            std::process::exit(1)
        }
    }
}

/// A conservative root found by [`debug_conservative_refs`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConservativeRef {
    /// A native stack word at `address` (`below_top` bytes below the stack top) holding `word`.
    Stack {
        address: usize,
        below_top: usize,
        word: usize,
    },
    /// A word of a `PinnedVec` or `ScanRegion`.
    Pinned { word: usize },
    /// The object's identity was taken while it was young (`pin_identity`).
    IdentityPin,
}

/// Diagnostics for "why is this object still alive": every conservative root (native stack
/// word of the caller's frames, pinned vector word, identity pin) that resolves to the
/// old-generation object with payload `target` (precise roots and references from other
/// objects are not reported). Slow (scans the whole stack); for debugging tools only.
pub(crate) fn debug_conservative_refs(target: usize) -> Vec<ConservativeRef> {
    with_collector_gc(|c| c.conservative_refs_to(target))
}

/// Where a retention path found by [`debug_retention_path`] starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetentionRoot {
    /// A conservative root (stack word, pinned word, identity pin).
    Conservative(ConservativeRef),
    /// A precise root (`Root`, `RootedVec`, a registered scan function).
    Precise,
    /// An object queued for finalization.
    Doomed,
}

/// One object on a retention path: its payload address and its type's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetentionStep {
    pub addr: usize,
    pub type_name: &'static str,
}

/// Diagnostics for "why is this object still alive", precise references included: a shortest
/// chain of references from a root to the old-generation object with payload `target`, root
/// first and `target` last, or `None` when nothing reaches it. Run a full collection first.
/// `skip_direct_stack` leaves out stack words that point at `target` itself (for a caller
/// whose own frames hold it while asking).
/// Slow (a breadth-first walk of every live object); for debugging tools only.
pub(crate) fn debug_retention_path(
    target: usize,
    skip_direct_stack: bool,
) -> Option<(RetentionRoot, Vec<RetentionStep>)> {
    with_collector_gc(|c| c.retention_path(target, skip_direct_stack))
}

/// Like `with_collector`, for entry points that may collect: spills the registers and
/// records the stack bound first, so that the scan covers exactly the mutator's frames.
#[inline(always)]
fn with_collector_gc<R>(f: impl FnOnce(&mut Collector) -> R) -> R {
    stack::with_spilled_registers(|lo| {
        with_collector(|c| {
            c.stack_lo = lo;
            let r = f(c);
            c.stack_lo = 0;
            r
        })
    })
}

/// Slow path of allocation (nursery segment exhausted, stress mode, or large object).
#[cold]
#[inline(never)]
pub(crate) fn alloc_slow(info: &'static TypeInfo, total: usize) -> *mut u8 {
    with_collector_gc(|c| c.alloc_slow(info, total))
}

/// Records that the nursery object at `payload` needs its destructor run if it dies young.
#[inline(never)]
pub(crate) fn register_finalizer(payload: usize) {
    with_collector(|c| {
        if payload.wrapping_sub(c.nursery_start) < c.nursery_len {
            c.young_with_drop.push(payload);
        }
    })
}

/// Slow path of the write barrier: the card byte at `card` was clean.
#[cold]
#[inline(never)]
pub(crate) fn remember_card(card: usize) {
    // SAFETY: the fast path computed `card` inside the card table.
    unsafe { *(card as *mut u8) = 1 };
    with_collector(|c| c.old.dirty.push(card));
}

/// Records that the object at `payload` must keep its address for the rest of its life (its
/// address is being used as an identity). Old and pinned-old objects never move, so only a
/// young, not yet pinned object is recorded; the next minor collection pins it.
pub(crate) fn pin_identity(payload: usize) {
    with_collector(|c| {
        if payload.wrapping_sub(c.nursery_start) >= c.nursery_len {
            return;
        }
        // SAFETY: `payload` is a live object in the nursery, so its header precedes it.
        let h = unsafe { *((payload - HEADER_SIZE) as *const usize) };
        if h & PINNED != 0 || c.identity_pins.last() == Some(&payload) {
            return;
        }
        c.identity_pins.push(payload);
        if c.identity_pins.len() >= 4096 && c.identity_pins.len().is_power_of_two() {
            // a hot loop hashing the same few young objects: keep the list short
            c.identity_pins.sort_unstable();
            c.identity_pins.dedup();
        }
    })
}

/// Registers the object at `payload` for finalization by the embedder: when a collection
/// finds it unreachable (a minor one for a young object, a major one for an old one) it is kept alive (resurrected, with everything it reaches)
/// and queued for [`take_doomed`] instead of being freed. The registration is consumed then:
/// an object is reported at most once (unless registered again).
pub(crate) fn guard(payload: usize) {
    with_collector(|c| c.guarded.push(payload))
}

/// Takes one object that a major collection found unreachable among the guarded ones (its
/// payload address), or `None`. The caller must keep it reachable (a stack local) while it
/// uses it; it is freed by a later collection if nothing refers to it any more.
pub(crate) fn take_doomed() -> Option<usize> {
    with_collector(|c| c.doomed.pop_front())
}

/// Queues every guarded object for [`take_doomed`], reachable or not (an embedder's
/// finalization at exit).
pub(crate) fn doom_all_guarded() {
    with_collector(|c| {
        let old = std::mem::take(&mut c.guarded_old);
        c.doomed.extend(old);
        let young = std::mem::take(&mut c.guarded);
        c.doomed.extend(young);
    })
}

/// Sets the predicate asked, for each guarded object found dead, whether it still needs its
/// finalizer (if not, it is freed without being queued).
pub(crate) fn set_doomed_filter(f: unsafe fn(*const u8) -> bool) {
    with_collector(|c| c.doomed_filter = Some(f))
}

/// Sets the function called when a major collection queued objects for [`take_doomed`].
pub(crate) fn set_doomed_hook(f: fn()) {
    with_collector(|c| c.doomed_hook = Some(f))
}

pub(crate) fn collect_major() {
    with_collector_gc(|c| c.major());
}

pub(crate) fn collect_minor() {
    with_collector_gc(|c| {
        c.minor();
        c.after_minor();
    });
}

pub(crate) fn stats() -> GcStats {
    COLLECTOR
        .try_with(|cell| match cell.try_borrow() {
            Ok(g) => g.as_ref().map(|c| c.current_stats()).unwrap_or_default(),
            Err(_) => GcStats::default(),
        })
        .unwrap_or_default()
}

/// Ensures this thread's heap exists (for `gc::jit`, which hands out its addresses).
pub(crate) fn ensure_init() {
    with_collector(|_| ());
}

/// The `TypeInfo` behind an object header word (flags masked).
///
/// # Safety
/// `h` must be the header of an object (not a hole, not forwarded).
#[inline]
unsafe fn info_of(h: usize) -> &'static TypeInfo {
    // SAFETY: per the contract, the address bits are a `&'static TypeInfo`.
    unsafe { &*((h & ADDR_MASK) as *const TypeInfo) }
}

/// Runs the destructor of the (dead) object at `payload`, if its type has one.
///
/// # Safety
/// `payload` must be an unforwarded object that is dead and not yet finalized.
unsafe fn finalize(payload: usize, stats: &mut GcStats) {
    // SAFETY: per the contract.
    unsafe {
        let info = info_of(*((payload - HEADER_SIZE) as *const usize));
        if let Some(d) = info.drop {
            d(payload as *mut u8);
            stats.objects_finalized += 1;
        }
    }
}

/// Copies nursery objects to the old generation (the visitor of a minor collection).
struct Promoter<'a> {
    ns: usize,
    nlen: usize,
    old: &'a mut OldGen,
    gray: Vec<usize>,
    promoted: usize,
}

impl Promoter<'_> {
    #[inline]
    fn visit(&mut self, slot: *mut *mut u8) {
        // SAFETY: the tracer hands out valid slots holding object addresses; nursery headers
        // are valid (object, forwarded or pinned) during a minor collection.
        unsafe {
            let p = *slot as usize;
            if p.wrapping_sub(self.ns) >= self.nlen {
                return;
            }
            let hp = (p - HEADER_SIZE) as *mut usize;
            let h = *hp;
            if h & FORWARDED != 0 {
                *slot = (h & ADDR_MASK) as *mut u8;
                return;
            }
            if h & PINNED != 0 {
                return;
            }
            let info = info_of(h);
            let size = info.object_size(p);
            let cell = match self.old.alloc(size) {
                Ok(c) => c,
                Err(_) => fatal_oom("old generation address range exhausted while promoting"),
            };
            std::ptr::copy_nonoverlapping(hp as *const u8, cell as *mut u8, size);
            let np = cell + HEADER_SIZE;
            *hp = FORWARDED | np;
            *slot = np as *mut u8;
            self.promoted += size;
            if info.has_refs {
                self.gray.push(np);
            }
        }
    }

    fn trace_object(&mut self, payload: usize, lo: usize, hi: usize) {
        let mut f = |s: *mut *mut u8| self.visit(s);
        let mut t = Tracer { visit_slot: &mut f };
        // SAFETY: `payload` is a live, unforwarded object (pinned, pinned-old, old or a copy).
        unsafe { oldgen::trace_object_range(payload, lo, hi, &mut t) };
    }

    fn drain(&mut self) {
        while let Some(p) = self.gray.pop() {
            self.trace_object(p, 0, usize::MAX);
        }
    }
}

impl Collector {
    fn new() -> Collector {
        let mut cfg = Config::from_env();
        let mut reserve = cfg.max_heap.saturating_mul(2).clamp(1 << 30, 1 << 44);
        // A limit on the address space (`ulimit -v`, a container) may refuse the reservation:
        // halve it (and the heap limit with it) until it fits, down to a floor.
        let floor = (cfg.nursery + (1 << 20)).max(64 << 20) * 2;
        let old = loop {
            if let Some(g) = OldGen::try_new(reserve, cfg.nursery) {
                break g;
            }
            if reserve / 2 < floor {
                fatal_oom(&format!(
                    "cannot reserve {} bytes of address space for the GC heap",
                    reserve + cfg.nursery
                ));
            }
            reserve /= 2;
            cfg.max_heap = cfg.max_heap.min(reserve / 2);
        };
        let nursery_start = old.base - cfg.nursery;
        let ncards = cfg.nursery >> CARD_SHIFT;
        // SAFETY: the card table has `ncards` bytes for the nursery before `old.cards`. Nursery
        // cards start at 1: no pinned-old object yet, so stores into the nursery need no call.
        unsafe { std::ptr::write_bytes(old.cards.sub(ncards), 1, ncards) };
        FAST.with(|f| {
            f.old_base.set(old.base);
            f.old_len.set(old.len);
            f.cards.set(old.cards as usize - ncards);
            f.barrier_base.set(nursery_start);
            f.barrier_len.set(cfg.nursery + old.len);
        });
        let next_major = cfg.min_major;
        let mut c = Collector {
            nursery_start,
            nursery_len: cfg.nursery,
            segments: vec![(nursery_start, nursery_start + cfg.nursery)],
            chunk_entry: vec![0; cfg.nursery >> CHUNK_SHIFT],
            touched_chunks: Vec::new(),
            seg: 0,
            seg_used_from: nursery_start,
            stress_allocs: 0,
            pinned_old: BTreeMap::new(),
            pinned_bytes: 0,
            pinned_after_major: 0,
            young_with_drop: Vec::new(),
            identity_pins: Vec::new(),
            guarded: Vec::new(),
            guarded_old: Vec::new(),
            doomed: std::collections::VecDeque::new(),
            doomed_hook: None,
            doomed_filter: None,
            old,
            next_major,
            collections: 0,
            stack_lo: 0,
            stats: GcStats::default(),
            cfg,
        };
        c.enter_segment(0);
        c.note_heap_size();
        c
    }

    fn heap_bytes(&self) -> usize {
        self.nursery_len + self.old.pages_in_use * PAGE
    }

    fn note_heap_size(&mut self) {
        let h = self.heap_bytes() as u64;
        self.stats.heap_bytes = h;
        self.stats.peak_heap_bytes = self.stats.peak_heap_bytes.max(h);
        self.stats.old_bytes = (self.old.bytes_in_use + self.pinned_bytes) as u64;
    }

    fn current_stats(&self) -> GcStats {
        let mut s = self.stats.clone();
        s.heap_bytes = self.heap_bytes() as u64;
        s.peak_heap_bytes = s.peak_heap_bytes.max(s.heap_bytes);
        s.old_bytes = (self.old.bytes_in_use + self.pinned_bytes) as u64;
        s.max_heap = self.cfg.max_heap as u64;
        s
    }

    /// Makes segment `i` the current bump region (or none if `i` is past the end).
    fn enter_segment(&mut self, i: usize) {
        self.seg = i;
        let (free, end) = self.segments.get(i).copied().unwrap_or((0, 0));
        self.seg_used_from = free;
        if free < end {
            // `free` becomes a valid header (an object, or the hole `retire_segment` writes).
            self.note_start(free, free);
        }
        FAST.with(|f| f.free.set(free));
        self.set_top(free, end);
    }

    /// Sets the fast path's limit: the end of the segment, or the next chunk boundary after
    /// `free` if that comes first (so that the slow path sees every chunk where objects start
    /// and can keep `chunk_entry` up to date); `free` itself in stress mode.
    fn set_top(&self, free: usize, end: usize) {
        let top = if self.cfg.stress || free == 0 {
            free
        } else {
            let ns = self.nursery_start;
            let boundary = ns + (((free - ns) >> CHUNK_SHIFT) + 1) * CHUNK;
            boundary.min(end)
        };
        FAST.with(|f| f.top.set(top));
    }

    /// Records that `[header, last]` is covered by the object (or hole) whose header is at
    /// `header`, for the chunks it touches that have no entry yet.
    #[inline]
    fn note_start(&mut self, header: usize, last: usize) {
        let ns = self.nursery_start;
        for j in (header - ns) >> CHUNK_SHIFT..=(last - ns) >> CHUNK_SHIFT {
            if self.chunk_entry[j] == 0 {
                self.chunk_entry[j] = header;
                self.touched_chunks.push(j);
            }
        }
    }

    /// Leaves the current segment: counts its used bytes and fills the rest with a hole.
    fn retire_segment(&mut self) {
        let Some(&(_, end)) = self.segments.get(self.seg) else {
            return;
        };
        let free = FAST.with(|f| f.free.get());
        self.stats.bytes_allocated += (free - self.seg_used_from) as u64;
        self.seg_used_from = free;
        if free < end {
            // SAFETY: `free..end` is unused nursery memory of this segment.
            unsafe { *(free as *mut usize) = hole_word(end - free) };
        }
        FAST.with(|f| {
            f.free.set(end);
            f.top.set(end);
        });
    }

    fn alloc_slow(&mut self, info: &'static TypeInfo, total: usize) -> *mut u8 {
        self.stats.objects_allocated += 1;
        if total > SMALL_MAX || total > self.nursery_len / 8 {
            return self.alloc_old(info, total);
        }
        let stress_now = self.cfg.stress && {
            self.stress_allocs += 1;
            self.stress_allocs.is_multiple_of(self.cfg.stress_every)
        };
        if stress_now {
            self.collections += 1;
            if self.collections.is_multiple_of(self.cfg.stress_major_every) {
                self.major();
            } else {
                self.minor();
                self.after_minor();
            }
        }
        let mut collected = stress_now;
        loop {
            if let Some(&(_, end)) = self.segments.get(self.seg) {
                let free = FAST.with(|f| f.free.get());
                if end - free >= total {
                    self.note_start(free, free + total - 1);
                    FAST.with(|f| f.free.set(free + total));
                    self.set_top(free + total, end);
                    // SAFETY: `free..free+total` is unused memory of the current segment.
                    unsafe { *(free as *mut usize) = info as *const TypeInfo as usize };
                    return (free + HEADER_SIZE) as *mut u8;
                }
                self.retire_segment();
                self.enter_segment(self.seg + 1);
                continue;
            }
            if collected {
                // The nursery is too fragmented by pinned objects for this request.
                return self.alloc_old(info, total);
            }
            self.minor();
            self.after_minor();
            collected = true;
        }
    }

    /// Allocates directly in the old generation (large objects; fragmented nursery). Cards
    /// of objects with references are dirtied, since their initial contents may be young.
    fn alloc_old(&mut self, info: &'static TypeInfo, total: usize) -> *mut u8 {
        if self.old.bytes_in_use + self.pinned_bytes + total > self.next_major
            || self.heap_bytes() + total > self.cfg.max_heap
        {
            self.major();
        }
        if self.heap_bytes() + total > self.cfg.max_heap {
            fatal_oom(&format!(
                "allocating {total} bytes with {} bytes in use, over METATRACER_GC_MAX_HEAP={}",
                self.heap_bytes(),
                self.cfg.max_heap
            ));
        }
        let cell = match self.old.alloc(total) {
            Ok(c) => c,
            Err(_) => fatal_oom("old generation address range exhausted"),
        };
        // SAFETY: `cell` is a fresh cell of at least `total` bytes.
        unsafe { *(cell as *mut usize) = info as *const TypeInfo as usize };
        if info.has_refs {
            self.old.dirty_range(cell, total);
        }
        self.stats.bytes_allocated += total as u64;
        self.note_heap_size();
        (cell + HEADER_SIZE) as *mut u8
    }

    /// Collects the stack words that may point into the used nursery, sorted.
    fn nursery_candidates(&self, used_end: usize) -> Vec<usize> {
        // Objects allocated since the last collection start at the first segment (pinned-old
        // objects below it are skipped before the sort: they can be thousands in stress mode).
        let Some(&(ns, _)) = self.segments.first() else {
            return Vec::new();
        };
        let mut c: Vec<usize> = Vec::new();
        stack::scan(self.stack_lo, |w| {
            if w >= ns && w <= used_end {
                c.push(w)
            }
        });
        roots::scan_pinned(&mut |w| {
            if w >= ns && w <= used_end {
                c.push(w)
            }
        });
        c.extend(
            self.identity_pins
                .iter()
                .copied()
                .filter(|&w| w >= ns && w <= used_end),
        );
        c.sort_unstable();
        c.dedup();
        // Only objects allocated since the last collection can be pinned now, and they lie
        // in the segments (gaps between pinned-old objects) bumped through since then. Words
        // into pinned-old objects need no lookup: with many pins (stress mode, a big
        // `PinnedVec`) that lookup would make every minor collection O(pinned objects).
        let segs = &self.segments;
        let mut k = 0;
        c.retain(|&w| {
            while k < segs.len() && segs[k].1 < w {
                k += 1;
            }
            k < segs.len() && segs[k].0 <= w && w <= used_end
        });
        c
    }

    /// The header (and header word) of the nursery object or hole whose bytes
    /// `[header, header + size)` contain `c` (`c < used_end`), walking forward from the
    /// nearest recorded chunk entry.
    fn nursery_object_containing(&self, c: usize, used_end: usize) -> Option<(usize, usize)> {
        let ns = self.nursery_start;
        if c < ns || c >= used_end {
            return None;
        }
        let mut j = ((c - ns) >> CHUNK_SHIFT).min(self.chunk_entry.len() - 1);
        let mut obj = loop {
            let e = self.chunk_entry[j];
            if e != 0 && e <= c {
                break e;
            }
            if j == 0 {
                break ns;
            }
            j -= 1;
        };
        while obj < used_end && obj <= c {
            // SAFETY: the used nursery is a sequence of valid headers (objects or holes),
            // and chunk entries are headers in it.
            let h = unsafe { *(obj as *const usize) };
            let size = if h & HOLE != 0 {
                hole_size(h)
            } else {
                // SAFETY: `h` is an object header.
                unsafe { info_of(h).object_size(obj + HEADER_SIZE) }
            };
            debug_assert!(size >= 8, "corrupt nursery at {obj:#x}");
            if c < obj + size {
                return Some((obj, h));
            }
            obj += size;
        }
        None
    }

    /// Pins every young nursery object that a candidate points into (header included) or
    /// one past the end of. Returns the newly pinned payloads.
    fn pin_candidates(&mut self, cands: &[usize], used_end: usize) -> Vec<usize> {
        let mut pins = Vec::new();
        for &c in cands {
            for a in [c, c - 1] {
                if let Some((obj, h)) = self.nursery_object_containing(a, used_end) {
                    if h & (HOLE | PINNED) == 0 {
                        // SAFETY: an object header in the nursery.
                        unsafe { *(obj as *mut usize) = h | PINNED };
                        pins.push(obj + HEADER_SIZE);
                    }
                }
            }
        }
        pins
    }

    /// A minor collection (see the module docs). Call `after_minor` afterwards unless a major
    /// collection follows directly.
    fn minor(&mut self) {
        let t0 = Instant::now();
        // The used part of the nursery ends at the bump pointer of the current segment (the
        // rest of it is filled with a hole by `retire_segment`; segments after it are
        // untouched); with no segment left, everything was used.
        let used_end = match self.segments.get(self.seg) {
            Some(_) => FAST.with(|f| f.free.get()),
            None => self.nursery_start + self.nursery_len,
        };
        self.retire_segment();
        let cands = self.nursery_candidates(used_end);
        self.identity_pins.clear();
        let mut pins = self.pin_candidates(&cands, used_end);
        pins.sort_unstable();

        let dirty = std::mem::take(&mut self.old.dirty);
        let mut card_objects = Vec::new();
        let old_cards = self.old.cards as usize;
        for &card in &dirty {
            if card >= old_cards {
                self.old
                    .for_each_in_card(card, &mut |p, lo, hi| card_objects.push((p, lo, hi)));
                continue;
            }
            // A nursery card: a store hit a card with a pinned-old object on it. Rescan the
            // pinned-old objects overlapping the card (young objects there are traced, or
            // die, like any young object).
            let lo = self.nursery_start + ((card - (old_cards - self.ncards())) << CARD_SHIFT);
            let hi = lo + CARD_SIZE;
            let mut any = false;
            for (&p, &size) in self.pinned_old.range(..hi + HEADER_SIZE).rev() {
                if p - HEADER_SIZE + size <= lo {
                    break;
                }
                card_objects.push((p, lo, hi));
                any = true;
            }
            // SAFETY: `card` is a nursery card byte recorded by the barrier.
            unsafe { *(card as *mut u8) = u8::from(!any) };
        }

        let mut pr = Promoter {
            ns: self.nursery_start,
            nlen: self.nursery_len,
            old: &mut self.old,
            gray: Vec::new(),
            promoted: 0,
        };
        for &p in &pins {
            pr.trace_object(p, 0, usize::MAX);
        }
        for &(p, lo, hi) in &card_objects {
            pr.trace_object(p, lo, hi);
        }
        {
            let mut f = |s: *mut *mut u8| pr.visit(s);
            roots::trace_roots(&mut Tracer { visit_slot: &mut f });
        }
        for e in self.doomed.iter_mut() {
            pr.visit(e as *mut usize as *mut *mut u8);
        }
        pr.drain();
        // Guarded young objects nothing reached: the ones the embedder still wants to finalize
        // are resurrected (promoted with what they reach) and queued; the rest just die.
        // All deaths are decided before any resurrection, so a dead object reached only from
        // another dead one is queued too.
        let (ns, nlen) = (self.nursery_start, self.nursery_len);
        let filter = self.doomed_filter;
        let mut dead = Vec::new();
        let mut keep = std::mem::take(&mut self.guarded_old);
        for mut p in std::mem::take(&mut self.guarded) {
            if p.wrapping_sub(ns) < nlen {
                // SAFETY: a guarded young object has a valid nursery header (object,
                // forwarded or pinned) during the minor collection.
                let h = unsafe { *((p - HEADER_SIZE) as *const usize) };
                if h & FORWARDED != 0 {
                    p = h & ADDR_MASK;
                } else if h & PINNED == 0 {
                    // SAFETY: dead but not yet overwritten: its payload is intact.
                    if filter.is_none_or(|f| unsafe { f(p as *const u8) }) {
                        dead.push(p);
                    }
                    continue;
                }
            }
            keep.push(p);
        }
        for p in &mut dead {
            pr.visit(p as *mut usize as *mut *mut u8);
        }
        pr.drain();
        // every survivor is old or pinned-old now: later minor collections leave it alone
        self.guarded_old = keep;
        let newly_young = !dead.is_empty();
        self.doomed.extend(dead);
        let promoted = pr.promoted;
        drop(pr);
        self.old.dirty = dirty;
        self.old.dirty.clear();

        // Weak references into the nursery: follow moves, clear the dead.
        let (ns, nlen) = (self.nursery_start, self.nursery_len);
        let mut cleared = 0;
        weak::for_each_young_weak(&mut |w| {
            let p = w.get();
            if p.wrapping_sub(ns) < nlen {
                // SAFETY: a weak word holds the payload of an object that was live at the
                // last collection; its nursery header is valid.
                let h = unsafe { *((p - HEADER_SIZE) as *const usize) };
                if h & FORWARDED != 0 {
                    w.set(h & ADDR_MASK);
                } else if h & PINNED == 0 {
                    w.set(0);
                    cleared += 1;
                }
            }
        });
        self.stats.weak_cleared += cleared;

        // Destructors of young objects that died.
        for p in std::mem::take(&mut self.young_with_drop) {
            // SAFETY: registered objects are nursery objects allocated since the last minor
            // collection; their headers are intact (object, forwarded or pinned).
            let h = unsafe { *((p - HEADER_SIZE) as *const usize) };
            if h & (FORWARDED | PINNED) == 0 {
                // SAFETY: neither moved nor pinned: dead, and finalized only here.
                unsafe { finalize(p, &mut self.stats) };
            }
        }

        for &p in &pins {
            // SAFETY: pinned objects are valid objects.
            let size = unsafe { oldgen::size_of_object(p) };
            self.pinned_old.insert(p, size);
            self.pinned_bytes += size;
            // From now on stores into it must be recorded: its cards become 0.
            self.set_nursery_cards(p - HEADER_SIZE, size, 0);
        }
        self.stats.objects_pinned += pins.len() as u64;
        self.stats.bytes_promoted += promoted as u64;
        self.reset_used_segments(used_end, &pins);
        self.stats.minor_collections += 1;
        self.stats.minor_time += t0.elapsed();
        if newly_young {
            if let Some(hook) = self.doomed_hook {
                hook();
            }
        }
    }

    /// Number of card bytes covering the nursery (they precede `old.cards`).
    fn ncards(&self) -> usize {
        self.nursery_len >> CARD_SHIFT
    }

    /// Sets the nursery card bytes overlapping `[start, start + len)` to `v`.
    fn set_nursery_cards(&mut self, start: usize, len: usize, v: u8) {
        let first = (start - self.nursery_start) >> CARD_SHIFT;
        let last = (start + len - 1 - self.nursery_start) >> CARD_SHIFT;
        // SAFETY: the range lies in the nursery, whose `ncards` card bytes precede `old.cards`.
        unsafe {
            let base = self.old.cards.sub(self.ncards());
            std::ptr::write_bytes(base.add(first), v, last - first + 1);
        }
    }

    /// After a minor collection: cuts the segments that were used (those below `used_end`,
    /// the bump pointer at the start of the collection) around the newly pinned objects
    /// `pins` (sorted), poisons their vacated bytes in stress mode, clears their chunk entries
    /// (re-entering those of pinned-old objects on the same chunks), and restarts bumping at
    /// the first segment. Costs O(used segments + new pins), not O(all pinned-old objects).
    fn reset_used_segments(&mut self, used_end: usize, pins: &[usize]) {
        let ns = self.nursery_start;
        let old_segments = std::mem::take(&mut self.segments);
        let mut out = Vec::with_capacity(old_segments.len() + pins.len());
        let mut pi = 0;
        for &(s, e) in &old_segments {
            if s >= used_end {
                out.push((s, e));
                continue;
            }
            let first_new = out.len();
            let mut at = s;
            while pi < pins.len() && pins[pi] - HEADER_SIZE < e {
                let hdr = pins[pi] - HEADER_SIZE;
                debug_assert!(hdr >= s, "a new pin outside the used segments");
                if hdr > at {
                    add_gap(&mut out, at, hdr, self.cfg.stress);
                }
                at = hdr + self.pinned_old[&pins[pi]];
                pi += 1;
            }
            if e > at {
                add_gap(&mut out, at, e, self.cfg.stress);
            }
            let ue = e.min(used_end);
            if self.cfg.stress {
                for &(a, b) in &out[first_new..] {
                    let b = b.min(ue);
                    if a < b {
                        // SAFETY: vacated nursery memory, no live object in it.
                        unsafe {
                            std::slice::from_raw_parts_mut(a as *mut usize, (b - a) / 8)
                                .fill(POISON)
                        };
                    }
                }
            }
        }
        // Chunk entries set by allocation point into memory that is free now: clear them and
        // give each such chunk the first pinned-old object overlapping it, if any (a lookup
        // then walks at most about a chunk). Entries of older pinned objects stay valid.
        let mut touched = std::mem::take(&mut self.touched_chunks);
        for &j in &touched {
            self.chunk_entry[j] = 0;
        }
        for &j in &touched {
            let clo = ns + (j << CHUNK_SHIFT);
            let chi = clo + CHUNK;
            let before = self
                .pinned_old
                .range(..=clo + HEADER_SIZE)
                .next_back()
                .filter(|(&p, &z)| p - HEADER_SIZE + z > clo);
            let first = before.or_else(|| {
                self.pinned_old
                    .range(clo + HEADER_SIZE..chi + HEADER_SIZE)
                    .next()
            });
            if let Some((&p, _)) = first {
                self.chunk_entry[j] = p - HEADER_SIZE;
            }
        }
        touched.clear();
        self.touched_chunks = touched;
        debug_assert_eq!(pi, pins.len(), "a new pin outside the used segments");
        self.segments = out;
        self.enter_segment(0);
    }

    /// Recomputes the nursery segments, chunk entries and nursery cards from the whole set of
    /// pinned-old objects and restarts bumping at the first segment (after a major collection
    /// freed some of them; nothing was allocated since the minor collection before it).
    fn rebuild_segments(&mut self) {
        let mut segments = std::mem::take(&mut self.segments);
        segments.clear();
        let mut at = self.nursery_start;
        for (&p, &size) in &self.pinned_old {
            let hdr = p - HEADER_SIZE;
            if hdr > at {
                add_gap(&mut segments, at, hdr, self.cfg.stress);
            }
            at = hdr + size;
        }
        let end = self.nursery_start + self.nursery_len;
        if end > at {
            add_gap(&mut segments, at, end, self.cfg.stress);
        }
        self.segments = segments;
        self.chunk_entry.fill(0);
        self.touched_chunks.clear();
        let (ns, len) = (self.nursery_start, self.nursery_len);
        self.set_nursery_cards(ns, len, 1);
        // Pinned-old objects stay in the nursery: give the chunks they cover an entry, so a
        // conservative lookup near them walks at most a chunk or two instead of from the
        // nursery start (quadratic minor collections with many pins otherwise); and make
        // their cards record stores.
        let pinned: Vec<(usize, usize)> = self.pinned_old.iter().map(|(&p, &z)| (p, z)).collect();
        for (p, size) in pinned {
            let hdr = p - HEADER_SIZE;
            for j in (hdr - ns) >> CHUNK_SHIFT..=(hdr + size - 1 - ns) >> CHUNK_SHIFT {
                if self.chunk_entry[j] == 0 {
                    self.chunk_entry[j] = hdr;
                }
            }
            self.set_nursery_cards(hdr, size, 0);
        }
        self.enter_segment(0);
    }

    /// Starts a major collection when the old generation grew enough, and enforces the
    /// maximum heap size.
    fn after_minor(&mut self) {
        self.note_heap_size();
        let old = self.old.bytes_in_use + self.pinned_bytes;
        if old > self.next_major
            || self.pinned_bytes > self.pinned_after_major + self.nursery_len / 4
            || self.heap_bytes() > self.cfg.max_heap
        {
            self.major();
        }
    }

    /// Diagnostics: the conservative roots that resolve to the object at payload `target`
    /// (see `debug_conservative_refs`).
    fn conservative_refs_to(&self, target: usize) -> Vec<ConservativeRef> {
        let hits = |w: usize| w == target || self.objects_of_word(w).any(|p| p == target);
        let mut out = Vec::new();
        let top = stack::stack_top_of(self.stack_lo).unwrap_or(0);
        stack::scan_with_addresses(self.stack_lo, |a, w| {
            if hits(w) {
                out.push(ConservativeRef::Stack {
                    address: a,
                    below_top: top - a,
                    word: w,
                });
            }
        });
        roots::scan_pinned(&mut |w| {
            if hits(w) {
                out.push(ConservativeRef::Pinned { word: w });
            }
        });
        if self.identity_pins.contains(&target) {
            out.push(ConservativeRef::IdentityPin);
        }
        out
    }

    fn retention_path(
        &self,
        target: usize,
        skip_direct_stack: bool,
    ) -> Option<(RetentionRoot, Vec<RetentionStep>)> {
        use std::collections::{HashMap, VecDeque};
        // child payload -> parent payload (0: a root, described in `roots`)
        let mut parent: HashMap<usize, usize> = HashMap::new();
        let mut roots_of: HashMap<usize, RetentionRoot> = HashMap::new();
        let mut queue: VecDeque<usize> = VecDeque::new();
        let mut seed = |p: usize, r: RetentionRoot, q: &mut VecDeque<usize>| {
            if p != 0 {
                if let std::collections::hash_map::Entry::Vacant(e) = parent.entry(p) {
                    e.insert(0);
                    roots_of.insert(p, r);
                    q.push_back(p);
                }
            }
        };
        let top = stack::stack_top_of(self.stack_lo).unwrap_or(0);
        let mut words = Vec::new();
        stack::scan_with_addresses(self.stack_lo, |a, w| {
            let r = ConservativeRef::Stack {
                address: a,
                below_top: top - a,
                word: w,
            };
            words.push((r, w, skip_direct_stack));
        });
        roots::scan_pinned(&mut |w| words.push((ConservativeRef::Pinned { word: w }, w, false)));
        for (r, w, skip_direct) in words {
            for p in self.objects_of_word(w) {
                if !(skip_direct && p == target) {
                    seed(p, RetentionRoot::Conservative(r), &mut queue);
                }
            }
        }
        let mut precise = Vec::new();
        {
            // SAFETY: traced slots hold live object addresses.
            let mut f = |s: *mut *mut u8| precise.push(unsafe { *s } as usize);
            roots::trace_roots(&mut Tracer { visit_slot: &mut f });
        }
        for p in precise {
            seed(p, RetentionRoot::Precise, &mut queue);
        }
        for &p in &self.doomed {
            seed(p, RetentionRoot::Doomed, &mut queue);
        }
        while let Some(p) = queue.pop_front() {
            if p == target {
                break;
            }
            // SAFETY: `p` is a live object's payload with a valid header.
            let h = unsafe { *((p - HEADER_SIZE) as *const usize) };
            // SAFETY: as above.
            if !unsafe { info_of(h) }.has_refs {
                continue;
            }
            let mut kids = Vec::new();
            {
                // SAFETY: traced slots hold live object addresses (or null).
                let mut f = |s: *mut *mut u8| kids.push(unsafe { *s } as usize);
                // SAFETY: `p` is a live object.
                unsafe {
                    oldgen::trace_object_range(p, 0, usize::MAX, &mut Tracer { visit_slot: &mut f })
                };
            }
            for k in kids {
                if k != 0 {
                    if let std::collections::hash_map::Entry::Vacant(e) = parent.entry(k) {
                        e.insert(p);
                        queue.push_back(k);
                    }
                }
            }
        }
        parent.get(&target)?;
        let mut chain = Vec::new();
        let mut p = target;
        loop {
            // SAFETY: every address in `parent` is a live object's payload.
            let h = unsafe { *((p - HEADER_SIZE) as *const usize) };
            chain.push(RetentionStep {
                addr: p,
                // SAFETY: as above.
                type_name: (unsafe { info_of(h) }.name)(),
            });
            match parent[&p] {
                0 => break,
                q => p = q,
            }
        }
        chain.reverse();
        Some((roots_of[&chain[0].addr], chain))
    }

    /// The old or pinned-old objects a conservative word keeps alive: the one containing the
    /// address, and the one containing the address before it (a word one past an object's
    /// end, or a tagged pointer), as the major collection's mark treats such words.
    fn objects_of_word(&self, w: usize) -> impl Iterator<Item = usize> + '_ {
        let before = w.checked_sub(1).and_then(|v| self.find_old_object(v));
        self.find_old_object(w).into_iter().chain(before)
    }

    /// Finds the object (old or pinned-old) whose bytes contain `addr`.
    fn find_old_object(&self, addr: usize) -> Option<usize> {
        if self.old.contains(addr) {
            return self.old.find_object(addr);
        }
        if addr.wrapping_sub(self.nursery_start) < self.nursery_len {
            let (&p, &size) = self.pinned_old.range(..=addr + HEADER_SIZE).next_back()?;
            if addr >= p - HEADER_SIZE && addr < p - HEADER_SIZE + size {
                return Some(p);
            }
        }
        None
    }

    fn major(&mut self) {
        self.minor();
        let t0 = Instant::now();
        // Mark.
        let (ob, ol, ns, nl) = (
            self.old.base,
            self.old.len,
            self.nursery_start,
            self.nursery_len,
        );
        let mut cands: Vec<usize> = Vec::new();
        stack::scan(self.stack_lo, |w| {
            if w.wrapping_sub(ob) < ol || w.wrapping_sub(ns) < nl {
                cands.push(w)
            }
        });
        roots::scan_pinned(&mut |w| {
            if w.wrapping_sub(ob) < ol || w.wrapping_sub(ns) < nl {
                cands.push(w)
            }
        });
        let mut stack: Vec<usize> = Vec::new();
        fn mark(p: usize, stack: &mut Vec<usize>) {
            // A null slot is no reference: a zeroed payload is a valid object for the
            // collector (`gc::jit::alloc_zeroed`), and the JIT's `new` and deoptimization's
            // `ir::materialize` fill an object's fields after its allocation, so an object
            // another allocation's collection reaches before then has null `Gc` fields (a
            // `FrameBox` materialized at a guard failure, whose fields are pending stores
            // performed after every virtual object is made). The minor collection skips it
            // by its nursery range check.
            if p == 0 {
                return;
            }
            // SAFETY: `p` is a live object's payload (found by lookup or by tracing).
            unsafe {
                let hp = (p - HEADER_SIZE) as *mut usize;
                let h = *hp;
                if h & MARKED != 0 {
                    return;
                }
                *hp = h | MARKED;
                if info_of(h).has_refs {
                    stack.push(p);
                }
            }
        }
        for &c in &cands {
            if let Some(p) = self.find_old_object(c) {
                mark(p, &mut stack);
            }
            if let Some(p) = self.find_old_object(c - 1) {
                mark(p, &mut stack);
            }
        }
        {
            let mut f = |s: *mut *mut u8| {
                // SAFETY: traced slots hold live object addresses.
                mark(unsafe { *s } as usize, &mut stack)
            };
            roots::trace_roots(&mut Tracer { visit_slot: &mut f });
        }
        for &p in &self.doomed {
            mark(p, &mut stack);
        }
        fn drain(stack: &mut Vec<usize>) {
            let mut next = Vec::new();
            while let Some(p) = stack.pop() {
                {
                    let mut f = |s: *mut *mut u8| {
                        // SAFETY: traced slots hold live object addresses.
                        mark(unsafe { *s } as usize, &mut next)
                    };
                    // SAFETY: `p` is a marked, live object.
                    unsafe {
                        oldgen::trace_object_range(
                            p,
                            0,
                            usize::MAX,
                            &mut Tracer { visit_slot: &mut f },
                        )
                    };
                }
                stack.append(&mut next);
            }
        }
        drain(&mut stack);
        // Guarded objects left unmarked are unreachable: resurrect them (and what they reach)
        // for the embedder's finalizer instead of freeing them.
        let mut newly = Vec::new();
        let filter = self.doomed_filter;
        // (the minor collection before this one emptied `guarded`)
        let young = std::mem::take(&mut self.guarded);
        self.guarded_old.extend(young);
        self.guarded_old.retain(|&p| {
            // SAFETY: the minor collection above updated the entries of moved young objects
            // and dropped dead young ones: each is an old or pinned-old object's payload.
            let h = unsafe { *((p - HEADER_SIZE) as *const usize) };
            let dead = h & MARKED == 0;
            // SAFETY: unmarked objects are intact until the sweep below.
            if dead && filter.is_none_or(|f| unsafe { f(p as *const u8) }) {
                newly.push(p);
            }
            !dead
        });
        if !newly.is_empty() {
            for &p in &newly {
                mark(p, &mut stack);
            }
            drain(&mut stack);
            // Taken in registration order.
            self.doomed.extend(newly);
            if let Some(hook) = self.doomed_hook {
                hook();
            }
        }
        // Weak references to unmarked objects.
        let mut cleared = 0;
        weak::for_each_weak(&mut |w| {
            let p = w.get();
            if p.wrapping_sub(ob) < ol || p.wrapping_sub(ns) < nl {
                // SAFETY: the target was live at the previous collection: a valid header.
                let h = unsafe { *((p - HEADER_SIZE) as *const usize) };
                if h & MARKED == 0 {
                    w.set(0);
                    cleared += 1;
                }
            }
        });
        self.stats.weak_cleared += cleared;
        // Sweep.
        let stats = &mut self.stats;
        let live_old = self.old.sweep(
            &mut |p| {
                // SAFETY: unmarked after a complete mark: dead; the sweep frees it right after.
                unsafe { finalize(p, stats) }
            },
            self.cfg.stress,
        );
        let mut dead_pinned = Vec::new();
        for (&p, &size) in &self.pinned_old {
            let hp = (p - HEADER_SIZE) as *mut usize;
            // SAFETY: pinned-old objects have valid headers.
            let h = unsafe { *hp };
            if h & MARKED != 0 {
                // SAFETY: as above.
                unsafe { *hp = h & !MARKED };
            } else {
                dead_pinned.push((p, size));
            }
        }
        for (p, size) in dead_pinned {
            // SAFETY: unmarked: dead, finalized once, then forgotten.
            unsafe { finalize(p, &mut self.stats) };
            self.pinned_old.remove(&p);
            self.pinned_bytes -= size;
            let hdr = p - HEADER_SIZE;
            if self.cfg.stress {
                // SAFETY: the dead object's bytes are now free nursery memory.
                unsafe { std::slice::from_raw_parts_mut(hdr as *mut usize, size / 8).fill(POISON) };
            }
        }
        self.pinned_after_major = self.pinned_bytes;
        // Nothing was allocated since the minor collection: only the pinned set changed, and
        // the freed objects' bytes join the segments.
        self.rebuild_segments();
        let live = live_old + self.pinned_bytes;
        self.next_major = ((live as f64 * self.cfg.growth) as usize).max(self.cfg.min_major);
        self.stats.major_collections += 1;
        self.stats.major_time += t0.elapsed();
        self.note_heap_size();
        if self.heap_bytes() > self.cfg.max_heap {
            fatal_oom(&format!(
                "{} bytes live after a full collection, over METATRACER_GC_MAX_HEAP={}",
                self.heap_bytes(),
                self.cfg.max_heap
            ));
        }
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        // Thread exit: the objects die with the heap (destructors are not run).
        let _ = FAST.try_with(|f| {
            f.free.set(0);
            f.top.set(0);
            f.old_len.set(0);
        });
        // The nursery is part of the old generation's reservation.
        self.old.release_all();
    }
}
