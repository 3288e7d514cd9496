//! Object layout shared by the allocator, the collector and JIT code: the header word, object
//! sizes, and the tunables read from the environment.
//!
//! # Header word (one `usize` just before every payload)
//! ```text
//!  63         62      61       60..48   47..............3  2..1  0
//! [FORWARDED][MARKED][PINNED][ zero  ][ TypeInfo address >> 3 ][00][0]   an object
//! [              byte size of the hole << 4                     ][000][1] a hole
//! ```
//! * An object's header holds the address of its type's static `TypeInfo` (8-aligned, below
//!   2^47 on x86-64 Linux) plus flag bits in the top three bits. A freshly allocated object's
//!   header is exactly the `TypeInfo` address with no flags: that is what JIT code writes.
//! * `FORWARDED`: during a minor collection, a nursery object that was copied to the old
//!   generation; the low 48 bits are the payload address of the copy.
//! * `MARKED`: set on reachable objects during a major collection's mark phase, cleared by the
//!   sweep.
//! * `PINNED`: a nursery object that a conservative stack word pointed into at a minor
//!   collection. It was not moved, and from then on it is logically part of the old generation
//!   (it stays in place in the nursery until a major collection finds it dead).
//! * A word with bit 0 set is not an object: a *hole* (a filler in the nursery, where the bump
//!   allocator skipped space, or a free cell in the old generation) whose size is in bits 4...
//!
//! Every object occupies `object_size(payload)` bytes: header plus payload rounded up to 8,
//! at least [`MIN_OBJECT_SIZE`], so that no payload address equals the next header's address
//! plus 8 of a zero-sized neighbour.

use std::time::Duration;

/// Bytes of the header word before each payload.
pub const HEADER_SIZE: usize = 8;
/// Smallest object (header + payload) in bytes.
pub const MIN_OBJECT_SIZE: usize = 16;
/// Alignment of headers and payloads.
pub const OBJECT_ALIGN: usize = 8;

/// Header flag: the object moved; the low 48 bits hold the new payload address.
pub const FORWARDED: usize = 1 << 63;
/// Header flag: reached during the current major collection's mark phase.
pub const MARKED: usize = 1 << 62;
/// Header flag: a nursery object pinned by a conservative root (logically old, never moves).
pub const PINNED: usize = 1 << 61;
/// Mask of the flag bits.
pub const FLAGS: usize = FORWARDED | MARKED | PINNED;
/// Mask of the address bits (type info or forwarding address).
pub const ADDR_MASK: usize = (1 << 48) - 1;
/// Bit 0 set: the word starts a hole, not an object.
pub const HOLE: usize = 1;

/// Total bytes (header included) of an object whose payload is `payload` bytes.
#[inline(always)]
pub const fn object_size(payload: usize) -> usize {
    let s = (HEADER_SIZE + payload + 7) & !7;
    if s < MIN_OBJECT_SIZE {
        MIN_OBJECT_SIZE
    } else {
        s
    }
}

/// The header word of a hole of `size` bytes.
#[inline(always)]
pub const fn hole_word(size: usize) -> usize {
    (size << 4) | HOLE
}

/// Size of the hole whose header word is `w`.
#[inline(always)]
pub const fn hole_size(w: usize) -> usize {
    w >> 4
}

/// Tunables, read once per heap from the environment.
#[derive(Clone, Debug)]
pub(crate) struct Config {
    /// `METATRACER_GC_NURSERY`: nursery bytes.
    pub nursery: usize,
    /// `METATRACER_GC_GROWTH`: a major collection runs when the old generation reaches this
    /// factor times its size after the previous major collection.
    pub growth: f64,
    /// `METATRACER_GC_MIN_MAJOR`: the old generation size below which no major collection runs.
    pub min_major: usize,
    /// `METATRACER_GC_MAX_HEAP`: the old generation (plus nursery) may not exceed this.
    pub max_heap: usize,
    /// `METATRACER_GC_STRESS`: collect at every allocation.
    pub stress: bool,
    /// `METATRACER_GC_STRESS_MAJOR_EVERY`: in stress mode, every Nth collection is major.
    pub stress_major_every: u64,
    /// `METATRACER_GC_STRESS_EVERY`: in stress mode, collect at every Nth allocation only
    /// (default 1; a sampling stress mode for long programs).
    pub stress_every: u64,
}

/// Prints `fatal: ...` and exits with status 2: used for bad configuration.
#[cold]
pub(crate) fn fatal_config(msg: &str) -> ! {
    eprintln!("fatal: {msg}");
    std::process::exit(2)
}

/// Parses a byte size: a decimal number with an optional `K`, `M` or `G` suffix (powers of 1024).
pub(crate) fn parse_size(s: &str) -> Option<usize> {
    let s = s.trim();
    let (num, mult) = match s.as_bytes().last()? {
        b'k' | b'K' => (&s[..s.len() - 1], 1usize << 10),
        b'm' | b'M' => (&s[..s.len() - 1], 1 << 20),
        b'g' | b'G' => (&s[..s.len() - 1], 1 << 30),
        _ => (s, 1),
    };
    num.trim().parse::<usize>().ok()?.checked_mul(mult)
}

fn physical_memory() -> usize {
    // SAFETY: sysconf has no preconditions.
    let (pages, page) = unsafe {
        (
            libc::sysconf(libc::_SC_PHYS_PAGES),
            libc::sysconf(libc::_SC_PAGESIZE),
        )
    };
    if pages <= 0 || page <= 0 {
        8 << 30
    } else {
        (pages as usize).saturating_mul(page as usize)
    }
}

fn env_size(name: &str) -> Option<usize> {
    let v = std::env::var(name).ok()?;
    match parse_size(&v) {
        Some(n) => Some(n),
        None => fatal_config(&format!(
            "{name}={v:?} is not a size (expected e.g. 4194304, 512K, 4M, 2G)"
        )),
    }
}

impl Config {
    pub(crate) fn from_env() -> Config {
        let nursery = env_size("METATRACER_GC_NURSERY").unwrap_or(4 << 20);
        if !(64 << 10..=(1 << 36)).contains(&nursery) {
            fatal_config("METATRACER_GC_NURSERY must be between 64K and 64G");
        }
        let growth = match std::env::var("METATRACER_GC_GROWTH") {
            Ok(v) => match v.trim().parse::<f64>() {
                Ok(g) if (1.05..=100.0).contains(&g) => g,
                _ => fatal_config(&format!(
                    "METATRACER_GC_GROWTH={v:?} must be a number between 1.05 and 100"
                )),
            },
            Err(_) => 1.82,
        };
        let min_major = env_size("METATRACER_GC_MIN_MAJOR").unwrap_or((2 * nursery).max(8 << 20));
        let max_heap = env_size("METATRACER_GC_MAX_HEAP").unwrap_or_else(physical_memory);
        if max_heap < nursery + (1 << 20) {
            fatal_config("METATRACER_GC_MAX_HEAP must exceed the nursery size by at least 1M");
        }
        let stress = match std::env::var("METATRACER_GC_STRESS") {
            Ok(v) => match v.trim() {
                "" | "0" => false,
                "1" => true,
                _ => fatal_config(&format!("METATRACER_GC_STRESS={v:?} must be 0 or 1")),
            },
            Err(_) => false,
        };
        let stress_major_every = match std::env::var("METATRACER_GC_STRESS_MAJOR_EVERY") {
            Ok(v) => match v.trim().parse::<u64>() {
                Ok(n) if n > 0 => n,
                _ => fatal_config(&format!(
                    "METATRACER_GC_STRESS_MAJOR_EVERY={v:?} must be a positive integer"
                )),
            },
            Err(_) => 64,
        };
        let stress_every = match std::env::var("METATRACER_GC_STRESS_EVERY") {
            Ok(v) => match v.trim().parse::<u64>() {
                Ok(n) if n > 0 => n,
                _ => fatal_config(&format!(
                    "METATRACER_GC_STRESS_EVERY={v:?} must be a positive integer"
                )),
            },
            Err(_) => 1,
        };
        Config {
            nursery: (nursery + 4095) & !4095,
            growth,
            min_major,
            max_heap,
            stress,
            stress_major_every,
            stress_every,
        }
    }
}

/// Counters describing the heap (see [`crate::gc::stats`]).
#[derive(Clone, Debug, Default)]
pub struct GcStats {
    /// Minor (nursery) collections so far.
    pub minor_collections: u64,
    /// Major (full mark-sweep) collections so far.
    pub major_collections: u64,
    /// Bytes allocated so far (headers included; nursery bytes are counted when the nursery
    /// segment they were bumped from is retired, i.e. at the next minor collection).
    pub bytes_allocated: u64,
    /// Objects allocated outside the inline fast path (slow-path, large and old-space
    /// allocations). The inline bump path does not count, to stay small for JIT code.
    pub objects_allocated: u64,
    /// Bytes copied from the nursery to the old generation.
    pub bytes_promoted: u64,
    /// Objects pinned in place by conservative roots.
    pub objects_pinned: u64,
    /// Destructors run for dead objects.
    pub objects_finalized: u64,
    /// Weak references cleared because their target died.
    pub weak_cleared: u64,
    /// Bytes in live-or-not-yet-swept old objects (cells and large objects in use).
    pub old_bytes: u64,
    /// Bytes of memory the heap holds now: nursery + old-generation pages in use.
    pub heap_bytes: u64,
    /// Highest `heap_bytes` so far.
    pub peak_heap_bytes: u64,
    /// The configured ceiling on `heap_bytes` (`METATRACER_GC_MAX_HEAP`, default the machine's
    /// physical memory): a runtime checks program-sized allocations against it so they can
    /// fail with an error of its own instead of the collector's fatal out-of-memory exit.
    pub max_heap: u64,
    /// Time spent in minor collections (including those started by a major one).
    pub minor_time: Duration,
    /// Time spent in major collections (mark and sweep).
    pub major_time: Duration,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("4M"), Some(4 << 20));
        assert_eq!(parse_size("512k"), Some(512 << 10));
        assert_eq!(parse_size("123"), Some(123));
        assert_eq!(parse_size("2G"), Some(2 << 30));
        assert_eq!(parse_size("x"), None);
        assert_eq!(parse_size(""), None);
        assert_eq!(parse_size("M"), None);
    }

    #[test]
    fn object_sizes_round_up() {
        assert_eq!(object_size(0), 16);
        assert_eq!(object_size(1), 16);
        assert_eq!(object_size(8), 16);
        assert_eq!(object_size(9), 24);
        assert_eq!(hole_size(hole_word(4096)), 4096);
        assert_eq!(hole_word(8) & HOLE, HOLE);
    }
}
