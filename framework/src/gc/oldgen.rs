//! The old generation: a non-moving space of segregated size classes plus large objects, inside
//! one reserved virtual address range, with a card table over it.
//!
//! * The range `[base, base + len)` is reserved once (`mmap` with `MAP_NORESERVE`; the kernel
//!   commits pages on first touch). It is cut into 4 KiB pages handed out by a page allocator
//!   (best fit over coalesced free runs, then a high-water mark). Freed runs are returned to
//!   the kernel with `madvise(MADV_DONTNEED)`, so memory use follows the live heap.
//! * Objects up to [`SMALL_MAX`] bytes live in 64 KiB blocks of one size class (cells of equal
//!   size; 35 classes, at most 25% internal waste). Each block has a free list (threaded through
//!   free cells, whose header is a hole word) and a never-used tail.
//! * Larger objects get their own page run.
//! * `page_map[page]` names the block (index + 1) that owns a page, or 0; with it a word that
//!   points anywhere into the space is mapped to its object (`find_object`), which the major
//!   collection's conservative stack scan needs.
//! * The card table has one byte per [`CARD_SIZE`] bytes of the range; the write barrier sets a
//!   card byte to 1 (and records the card the first time), a minor collection rescans the
//!   objects overlapping each recorded card.
//!
//! Invariant: every cell below a block's `fresh` mark starts with a valid header: an object
//! header or a hole word (free cell).

use super::heap::TypeInfo;
use super::layout::*;
use super::trace::Tracer;

/// Bytes per page of the page allocator.
pub const PAGE: usize = 4096;
const PAGE_SHIFT: u32 = 12;
/// Bytes per small-object block.
pub const BLOCK: usize = 64 << 10;
/// Largest object (header included) allocated in a size class; larger ones get page runs.
pub const SMALL_MAX: usize = 8192;
/// log2 of the bytes covered by one card byte.
pub const CARD_SHIFT: u32 = 9;
/// Bytes covered by one card byte.
pub const CARD_SIZE: usize = 1 << CARD_SHIFT;

const CLASS_SIZES: [usize; 35] = [
    16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 640, 768,
    896, 1024, 1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096, 5120, 6144, 7168, 8192,
];

#[derive(Clone, Copy, Debug)]
enum Kind {
    /// A block of `cell`-byte cells of size class `class`.
    Small { class: u8 },
    /// One large object at the run's start.
    Large,
}

#[derive(Debug)]
struct Block {
    start: usize,
    pages: usize,
    kind: Kind,
    /// Cell size (small) or object size (large).
    cell: usize,
    /// Head of the free-cell list (0 = empty).
    free: usize,
    /// First never-used cell; `end` is one past the last usable cell.
    fresh: usize,
    end: usize,
}

struct Class {
    /// Block currently allocated from.
    current: Option<u32>,
    /// Blocks that still have free cells.
    avail: Vec<u32>,
}

/// Returned when the reserved range or the configured maximum is exhausted.
#[derive(Debug)]
pub(crate) struct OutOfMemory;

pub(crate) struct OldGen {
    pub base: usize,
    pub len: usize,
    /// The card byte of old address `a` is `cards + ((a - base) >> CARD_SHIFT)`.
    pub cards: *mut u8,
    /// Bytes reserved directly below `base` for the nursery (`OldGen::new`'s `front`); the
    /// card table starts `front >> CARD_SHIFT` bytes before `cards` and covers them too.
    pub front: usize,
    page_map: *mut u32,
    blocks: Vec<Option<Block>>,
    free_block_ids: Vec<u32>,
    classes: Vec<Class>,
    class_of: Vec<u8>,
    /// Free page runs: start page -> length, and (length, start) for best fit.
    runs_by_start: std::collections::BTreeMap<usize, usize>,
    runs_by_size: std::collections::BTreeSet<(usize, usize)>,
    high_water: usize,
    pub pages_in_use: usize,
    /// Bytes in allocated cells and large objects.
    pub bytes_in_use: usize,
    /// Cards set since the last minor collection (addresses of card bytes).
    pub dirty: Vec<usize>,
}

/// Reserves `len` bytes of address space (committed lazily), or None if the address space
/// (e.g. a `ulimit -v`) cannot hold it.
fn try_mmap_noreserve(len: usize) -> Option<*mut u8> {
    // SAFETY: anonymous private mapping; no existing memory is affected.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    (p != libc::MAP_FAILED).then_some(p as *mut u8)
}

pub(crate) fn munmap(p: *mut u8, len: usize) {
    // SAFETY: `p..p+len` is a mapping this module created and nothing refers to it any more.
    unsafe { libc::munmap(p as *mut libc::c_void, len) };
}

impl OldGen {
    /// Reserves `len` bytes (rounded to blocks) of address space for the old generation,
    /// preceded directly by `front` bytes (a multiple of [`PAGE`]) for the nursery, with one
    /// card table over both (so one range check covers every slot the barrier may care
    /// about). The nursery is `[base - front, base)`.
    #[cfg(test)]
    pub fn new(len: usize, front: usize) -> OldGen {
        match Self::try_new(len, front) {
            Some(g) => g,
            None => panic!("cannot reserve {len} bytes for a test heap"),
        }
    }

    /// An old generation of `len` bytes with `front` bytes reserved below it, or None if the
    /// address space cannot hold the reservations (nothing stays mapped then).
    pub fn try_new(len: usize, front: usize) -> Option<OldGen> {
        debug_assert!(front.is_multiple_of(PAGE));
        let len = len.div_ceil(BLOCK) * BLOCK;
        let heap = try_mmap_noreserve(front + len)?;
        let Some(cards) = try_mmap_noreserve((front + len) >> CARD_SHIFT) else {
            munmap(heap, front + len);
            return None;
        };
        let Some(page_map) = try_mmap_noreserve((len / PAGE) * 4) else {
            munmap(heap, front + len);
            munmap(cards, (front + len) >> CARD_SHIFT);
            return None;
        };
        let base = heap as usize + front;
        // SAFETY: the table has `(front + len) >> CARD_SHIFT` bytes.
        let cards = unsafe { cards.add(front >> CARD_SHIFT) };
        let page_map = page_map as *mut u32;
        let mut class_of = vec![0u8; SMALL_MAX / 8 + 1];
        let mut c = 0;
        for (i, slot) in class_of.iter_mut().enumerate() {
            let size = i * 8;
            while CLASS_SIZES[c] < size {
                c += 1;
            }
            *slot = c as u8;
        }
        Some(OldGen {
            base,
            len,
            cards,
            front,
            page_map,
            blocks: Vec::new(),
            free_block_ids: Vec::new(),
            classes: (0..CLASS_SIZES.len())
                .map(|_| Class {
                    current: None,
                    avail: Vec::new(),
                })
                .collect(),
            class_of,
            runs_by_start: Default::default(),
            runs_by_size: Default::default(),
            high_water: 0,
            pages_in_use: 0,
            bytes_in_use: 0,
            dirty: Vec::new(),
        })
    }

    /// Unmaps everything (thread exit).
    pub fn release_all(&mut self) {
        munmap((self.base - self.front) as *mut u8, self.front + self.len);
        munmap(
            self.cards.wrapping_sub(self.front >> CARD_SHIFT),
            (self.front + self.len) >> CARD_SHIFT,
        );
        munmap(self.page_map as *mut u8, (self.len / PAGE) * 4);
    }

    #[inline]
    pub fn contains(&self, addr: usize) -> bool {
        addr.wrapping_sub(self.base) < self.len
    }

    fn alloc_pages(&mut self, n: usize) -> Result<usize, OutOfMemory> {
        if let Some(&(len, start)) = self.runs_by_size.range((n, 0)..).next() {
            self.runs_by_size.remove(&(len, start));
            self.runs_by_start.remove(&start);
            if len > n {
                self.runs_by_start.insert(start + n, len - n);
                self.runs_by_size.insert((len - n, start + n));
            }
            self.pages_in_use += n;
            return Ok(start);
        }
        if (self.high_water + n) * PAGE > self.len {
            return Err(OutOfMemory);
        }
        let start = self.high_water;
        self.high_water += n;
        self.pages_in_use += n;
        Ok(start)
    }

    fn free_pages(&mut self, mut start: usize, mut n: usize) {
        self.pages_in_use -= n;
        let addr = self.base + start * PAGE;
        // SAFETY: the run belongs to this reservation and holds no live object any more.
        unsafe {
            libc::madvise(addr as *mut libc::c_void, n * PAGE, libc::MADV_DONTNEED);
            // The card bytes of a freed run must not stay set for a future owner.
            std::ptr::write_bytes(
                self.cards.add((start * PAGE) >> CARD_SHIFT),
                0,
                (n * PAGE) >> CARD_SHIFT,
            );
            std::ptr::write_bytes(self.page_map.add(start), 0, n);
        }
        if let Some((&prev, &plen)) = self.runs_by_start.range(..start).next_back() {
            if prev + plen == start {
                self.runs_by_start.remove(&prev);
                self.runs_by_size.remove(&(plen, prev));
                start = prev;
                n += plen;
            }
        }
        if let Some(&nlen) = self.runs_by_start.get(&(start + n)) {
            self.runs_by_start.remove(&(start + n));
            self.runs_by_size.remove(&(nlen, start + n));
            n += nlen;
        }
        if start + n == self.high_water {
            self.high_water = start;
        } else {
            self.runs_by_start.insert(start, n);
            self.runs_by_size.insert((n, start));
        }
    }

    fn new_block(&mut self, block: Block) -> u32 {
        let first = (block.start - self.base) / PAGE;
        let pages = block.pages;
        let id = match self.free_block_ids.pop() {
            Some(id) => {
                self.blocks[id as usize] = Some(block);
                id
            }
            None => {
                self.blocks.push(Some(block));
                (self.blocks.len() - 1) as u32
            }
        };
        for p in first..first + pages {
            // SAFETY: `p` is a page index inside the reservation; page_map has one u32 per page.
            unsafe { *self.page_map.add(p) = id + 1 };
        }
        id
    }

    fn drop_block(&mut self, id: u32) {
        let b = self.blocks[id as usize].take().expect("live block");
        self.free_block_ids.push(id);
        self.free_pages((b.start - self.base) / PAGE, b.pages);
    }

    /// Allocates `size` bytes (a multiple of 8, header included); returns the cell address.
    /// The caller writes the header.
    pub fn alloc(&mut self, size: usize) -> Result<usize, OutOfMemory> {
        if size > SMALL_MAX {
            return self.alloc_large(size);
        }
        let c = self.class_of[size / 8] as usize;
        loop {
            if let Some(id) = self.classes[c].current {
                let b = self.blocks[id as usize].as_mut().expect("current block");
                if b.free != 0 {
                    let cell = b.free;
                    // SAFETY: free cells hold the next free cell in their second word.
                    b.free = unsafe { *((cell + 8) as *const usize) };
                    self.bytes_in_use += b.cell;
                    return Ok(cell);
                }
                if b.fresh + b.cell <= b.end {
                    let cell = b.fresh;
                    b.fresh += b.cell;
                    self.bytes_in_use += b.cell;
                    return Ok(cell);
                }
                self.classes[c].current = None;
            }
            if let Some(id) = self.classes[c].avail.pop() {
                self.classes[c].current = Some(id);
                continue;
            }
            let start_page = self.alloc_pages(BLOCK / PAGE)?;
            let start = self.base + start_page * PAGE;
            let cell = CLASS_SIZES[c];
            let id = self.new_block(Block {
                start,
                pages: BLOCK / PAGE,
                kind: Kind::Small { class: c as u8 },
                cell,
                free: 0,
                fresh: start,
                end: start + (BLOCK / cell) * cell,
            });
            self.classes[c].current = Some(id);
        }
    }

    fn alloc_large(&mut self, size: usize) -> Result<usize, OutOfMemory> {
        let pages = size.div_ceil(PAGE);
        let start_page = self.alloc_pages(pages)?;
        let start = self.base + start_page * PAGE;
        self.new_block(Block {
            start,
            pages,
            kind: Kind::Large,
            cell: size,
            free: 0,
            fresh: start + size,
            end: start + size,
        });
        self.bytes_in_use += size;
        Ok(start)
    }

    /// Marks every card overlapping `[start, start + len)` dirty (objects allocated directly in
    /// the old generation whose initial contents may point into the nursery).
    pub fn dirty_range(&mut self, start: usize, len: usize) {
        let first = (start - self.base) >> CARD_SHIFT;
        let last = (start + len - 1 - self.base) >> CARD_SHIFT;
        for c in first..=last {
            // SAFETY: card index inside the card table (the range lies in the reservation).
            let card = unsafe { self.cards.add(c) };
            // SAFETY: as above.
            if unsafe { *card } == 0 {
                // SAFETY: as above.
                unsafe { *card = 1 };
                self.dirty.push(card as usize);
            }
        }
    }

    fn block_of(&self, addr: usize) -> Option<&Block> {
        if !self.contains(addr) {
            return None;
        }
        let page = (addr - self.base) >> PAGE_SHIFT;
        // SAFETY: page index inside the reservation.
        let id = unsafe { *self.page_map.add(page) };
        if id == 0 {
            return None;
        }
        self.blocks[(id - 1) as usize].as_ref()
    }

    /// The payload address of the object whose bytes `[header, end]` contain `addr` (`end`
    /// included so that one-past-the-end pointers count), if any.
    pub fn find_object(&self, addr: usize) -> Option<usize> {
        let b = self.block_of(addr)?;
        let cell = match b.kind {
            Kind::Small { .. } => b.start + (addr - b.start) / b.cell * b.cell,
            Kind::Large => b.start,
        };
        if cell >= b.fresh {
            return None;
        }
        // SAFETY: cells below `fresh` start with a valid header word.
        let h = unsafe { *(cell as *const usize) };
        if h & HOLE != 0 {
            return None;
        }
        Some(cell + HEADER_SIZE)
    }

    /// Calls `f(payload, lo, hi)` for every object overlapping the card at `card_addr`, with
    /// `[lo, hi)` the card's address range; clears the card.
    pub fn for_each_in_card(&self, card_addr: usize, f: &mut dyn FnMut(usize, usize, usize)) {
        // SAFETY: `card_addr` was recorded by the barrier and lies in the card table.
        unsafe { *(card_addr as *mut u8) = 0 };
        let lo = self.base + ((card_addr - self.cards as usize) << CARD_SHIFT);
        let hi = lo + CARD_SIZE;
        let Some(b) = self.block_of(lo) else { return };
        match b.kind {
            Kind::Large => f(b.start + HEADER_SIZE, lo, hi),
            Kind::Small { .. } => {
                let first = b.start + (lo - b.start) / b.cell * b.cell;
                let mut cell = first;
                while cell < hi && cell < b.fresh {
                    // SAFETY: cells below `fresh` start with a valid header word.
                    let h = unsafe { *(cell as *const usize) };
                    if h & HOLE == 0 {
                        f(cell + HEADER_SIZE, lo, hi);
                    }
                    cell += b.cell;
                }
            }
        }
    }

    /// Sweeps after marking: unmarks live objects; for dead ones calls `finalize(payload)`
    /// (which runs destructors) and frees their memory. Returns the bytes in use afterwards.
    /// With `poison`, the payload of every freed cell is overwritten with a recognizable
    /// pattern (stress mode) so that stale references fail fast.
    pub fn sweep(&mut self, finalize: &mut dyn FnMut(usize), poison: bool) -> usize {
        for c in &mut self.classes {
            c.current = None;
            c.avail.clear();
        }
        let mut empty = Vec::new();
        let mut in_use = 0;
        for id in 0..self.blocks.len() {
            let Some(b) = self.blocks[id].as_mut() else {
                continue;
            };
            let mut live = 0usize;
            let mut cell = b.start;
            while cell < b.fresh {
                let hp = cell as *mut usize;
                // SAFETY: cells below `fresh` start with a valid header word.
                let h = unsafe { *hp };
                if h & HOLE == 0 {
                    if h & MARKED != 0 {
                        // SAFETY: as above.
                        unsafe { *hp = h & !MARKED };
                        live += 1;
                    } else {
                        finalize(cell + HEADER_SIZE);
                        // SAFETY: the cell is dead: turn it into a free cell at the list head.
                        unsafe {
                            if poison {
                                std::slice::from_raw_parts_mut(
                                    (cell + 16) as *mut usize,
                                    (b.cell - 16) / 8,
                                )
                                .fill(0xdead_beef_dead_beef);
                            }
                            *hp = hole_word(b.cell);
                            *((cell + 8) as *mut usize) = b.free;
                        }
                        b.free = cell;
                    }
                }
                cell += b.cell;
            }
            match b.kind {
                _ if live == 0 => empty.push(id as u32),
                Kind::Small { class } => {
                    in_use += live * b.cell;
                    self.classes[class as usize].avail.push(id as u32);
                }
                Kind::Large => in_use += b.cell,
            }
        }
        for id in empty {
            self.drop_block(id);
        }
        self.bytes_in_use = in_use;
        in_use
    }

    /// Calls `f(payload)` for every object (for thread-exit finalization and debugging).
    #[allow(dead_code)]
    pub fn for_each_object(&self, f: &mut dyn FnMut(usize)) {
        for b in self.blocks.iter().flatten() {
            let mut cell = b.start;
            while cell < b.fresh {
                // SAFETY: cells below `fresh` start with a valid header word.
                if unsafe { *(cell as *const usize) } & HOLE == 0 {
                    f(cell + HEADER_SIZE);
                }
                cell += b.cell;
            }
        }
    }
}

/// Size in bytes (header included) of the object at `payload`, from its type info.
///
/// # Safety
/// `payload` must be the payload address of an object whose header holds a `TypeInfo`
/// address (flags allowed, not forwarded).
#[inline]
pub(crate) unsafe fn size_of_object(payload: usize) -> usize {
    // SAFETY: per the contract.
    unsafe {
        let info =
            &*(((*((payload - HEADER_SIZE) as *const usize)) & ADDR_MASK) as *const TypeInfo);
        info.object_size(payload)
    }
}

/// Traces the references of the object at `payload` that lie in `[lo, hi)` (all of them for
/// objects without a ranged tracer).
///
/// # Safety
/// As for [`size_of_object`].
pub(crate) unsafe fn trace_object_range(payload: usize, lo: usize, hi: usize, t: &mut Tracer) {
    // SAFETY: per the contract.
    unsafe {
        let info =
            &*(((*((payload - HEADER_SIZE) as *const usize)) & ADDR_MASK) as *const TypeInfo);
        if !info.has_refs {
            return;
        }
        match info.trace_range {
            Some(tr) => tr(payload as *mut u8, lo, hi, t),
            None => (info.trace)(payload as *mut u8, t),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_cover_all_small_sizes() {
        let g = OldGen::new(1 << 24, 0);
        for size in (16..=SMALL_MAX).step_by(8) {
            let c = g.class_of[size / 8] as usize;
            assert!(CLASS_SIZES[c] >= size);
            assert!(c == 0 || CLASS_SIZES[c - 1] < size);
            assert!(CLASS_SIZES[c] * 4 <= size * 5 + 64, "waste for {size}");
        }
    }

    #[test]
    fn pages_coalesce_and_reuse() {
        let mut g = OldGen::new(1 << 24, 0);
        let a = g.alloc_pages(3).unwrap();
        let b = g.alloc_pages(5).unwrap();
        let c = g.alloc_pages(2).unwrap();
        g.free_pages(a, 3);
        g.free_pages(b, 5);
        assert_eq!(g.runs_by_start.get(&a), Some(&8));
        let d = g.alloc_pages(7).unwrap();
        assert_eq!(d, a);
        g.free_pages(c, 2);
        g.free_pages(d, 7);
        assert_eq!(g.pages_in_use, 0);
        assert_eq!(
            g.high_water, 0,
            "freeing the top run lowers the high-water mark"
        );
        assert!(g.alloc_pages(usize::MAX / PAGE / 2).is_err());
        g.release_all();
    }
}
