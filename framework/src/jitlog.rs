//! The JIT log (in the spirit of `PYPYLOG`) and the process-wide JIT statistics.
//!
//! # `METATRACER_LOG`
//! `METATRACER_LOG=SECTIONS[:FILE]` where `SECTIONS` is a comma-separated list of
//! * `trace`   traces as recorded, before optimization (trace text format, parseable),
//! * `opt`     traces after optimization (same format),
//! * `asm`     machine code produced per trace (address, size, guard count) and bridge patching,
//! * `bridge`  bridges: which guard of which trace they attach to (their traces appear under
//!   `trace`/`opt` too),
//! * `abort`   aborted tracing attempts with their reason,
//! * `summary` a one-screen summary at process exit (loops, bridges, guards, aborts by
//!   reason, time tracing/optimizing/compiling),
//! * `all`     everything.
//!
//! Output goes to stderr, or to `FILE` when given (`METATRACER_LOG=trace,opt,summary:jit.log`).
//! Each entry is a block `{section header` ... `section}` so tools can cut the log apart:
//!
//! ```text
//! {opt loop 0 "bf pc=12"
//! [i0, p1]
//! label(i0, p1, descr=target0)
//! ...
//! opt}
//! ```
//!
//! # API
//! [`enabled`] is one relaxed atomic load, and [`jitlog!`](crate::jitlog!) formats nothing when
//! the section is off. The tracer and driver call [`log_trace`], [`log_abort`],
//! [`log_bridge`], and update the counters in [`stats`] (or use [`Timer`] for phases).
//! Tests can capture the log in memory with [`capture`].

use crate::ir::Trace;
use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A log section (bit flags in the configuration word).
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
#[repr(u32)]
pub enum Section {
    /// Traces before optimization.
    Trace = 1,
    /// Traces after optimization.
    Opt = 2,
    /// Machine code.
    Asm = 4,
    /// Bridges.
    Bridge = 8,
    /// Aborted traces.
    Abort = 16,
    /// Summary at exit.
    Summary = 32,
}

impl Section {
    /// The section's name in `METATRACER_LOG`.
    pub fn name(self) -> &'static str {
        match self {
            Section::Trace => "trace",
            Section::Opt => "opt",
            Section::Asm => "asm",
            Section::Bridge => "bridge",
            Section::Abort => "abort",
            Section::Summary => "summary",
        }
    }

    const ALL: [Section; 6] = [
        Section::Trace,
        Section::Opt,
        Section::Asm,
        Section::Bridge,
        Section::Abort,
        Section::Summary,
    ];
}

/// Bit 31 = "initialized from the environment".
const INIT: u32 = 1 << 31;
static MASK: AtomicU32 = AtomicU32::new(0);

enum Sink {
    Stderr,
    File(std::fs::File),
    Buffer(String),
}

static SINK: Mutex<Option<Sink>> = Mutex::new(None);

/// Parse a `METATRACER_LOG` value into a section mask and an optional file name.
pub fn parse_config(s: &str) -> Result<(u32, Option<String>), String> {
    let (secs, file) = match s.split_once(':') {
        Some((a, f)) if !f.is_empty() => (a, Some(f.to_string())),
        Some((a, _)) => (a, None),
        None => (s, None),
    };
    let mut mask = 0;
    for name in secs.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        if name == "all" {
            mask |= 63;
            continue;
        }
        match Section::ALL.iter().find(|s| s.name() == name) {
            Some(s) => mask |= *s as u32,
            None => {
                return Err(format!(
                    "METATRACER_LOG: unknown section '{name}' (known: trace, opt, asm, bridge, abort, summary, all)"
                ))
            }
        }
    }
    Ok((mask, file))
}

#[cold]
fn init_from_env() -> u32 {
    let mut mask = 0;
    let mut sink = Sink::Stderr;
    if let Ok(v) = std::env::var("METATRACER_LOG") {
        match parse_config(&v) {
            Ok((m, file)) => {
                mask = m;
                if let Some(f) = file {
                    match std::fs::File::create(&f) {
                        Ok(fh) => sink = Sink::File(fh),
                        Err(e) => {
                            eprintln!("METATRACER_LOG: cannot create {f}: {e}; logging to stderr")
                        }
                    }
                }
            }
            Err(e) => eprintln!("{e}"),
        }
    }
    let mut g = SINK.lock().unwrap_or_else(|p| p.into_inner());
    if g.is_none() {
        *g = Some(sink);
    }
    drop(g);
    let _ = MASK.compare_exchange(0, mask | INIT, Ordering::AcqRel, Ordering::Acquire);
    let m = MASK.load(Ordering::Acquire);
    if m & Section::Summary as u32 != 0 {
        register_atexit();
    }
    m
}

/// Whether a section is being logged. Costs one relaxed atomic load once initialized.
#[inline]
pub fn enabled(s: Section) -> bool {
    let mut m = MASK.load(Ordering::Relaxed);
    if m & INIT == 0 {
        m = init_from_env();
    }
    m & s as u32 != 0
}

/// Replace the configuration (same syntax as `METATRACER_LOG`; used by drivers and tests).
pub fn configure(spec: &str) -> Result<(), String> {
    let (mask, file) = parse_config(spec)?;
    let sink = match file {
        Some(f) => {
            Sink::File(std::fs::File::create(&f).map_err(|e| format!("cannot create {f}: {e}"))?)
        }
        None => Sink::Stderr,
    };
    *SINK.lock().unwrap_or_else(|p| p.into_inner()) = Some(sink);
    MASK.store(mask | INIT, Ordering::Release);
    if mask & Section::Summary as u32 != 0 {
        register_atexit();
    }
    Ok(())
}

/// Log the given sections into an in-memory buffer (for tests); read it with
/// [`take_captured`]. Replaces the current configuration.
pub fn capture(sections: &[Section]) {
    let mask = sections.iter().fold(0, |m, s| m | *s as u32);
    *SINK.lock().unwrap_or_else(|p| p.into_inner()) = Some(Sink::Buffer(String::new()));
    MASK.store(mask | INIT, Ordering::Release);
}

/// Return and clear what [`capture`] collected so far.
pub fn take_captured() -> String {
    match &mut *SINK.lock().unwrap_or_else(|p| p.into_inner()) {
        Some(Sink::Buffer(b)) => std::mem::take(b),
        _ => String::new(),
    }
}

/// Write raw text to the log sink (no section check; use [`jitlog!`](crate::jitlog!)).
pub fn write_raw(text: &str) {
    let mut g = SINK.lock().unwrap_or_else(|p| p.into_inner());
    match g.get_or_insert(Sink::Stderr) {
        Sink::Stderr => {
            let _ = std::io::stderr().write_all(text.as_bytes());
        }
        Sink::File(f) => {
            let _ = f.write_all(text.as_bytes());
        }
        Sink::Buffer(b) => b.push_str(text),
    }
}

/// Write one block `{section header\nbody\nsection}` if the section is on.
pub fn block(s: Section, header: &str, body: &str) {
    if !enabled(s) {
        return;
    }
    let mut out = String::with_capacity(body.len() + 64);
    let _ = writeln!(out, "{{{} {}", s.name(), header);
    out.push_str(body);
    if !body.ends_with('\n') && !body.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "{}}}", s.name());
    write_raw(&out);
}

/// Log a one-line message in a section: `jitlog!(Section::Abort, "reason {}", r)`. Formats
/// nothing when the section is off.
#[macro_export]
macro_rules! jitlog {
    ($sec:expr, $($arg:tt)*) => {
        if $crate::jitlog::enabled($sec) {
            $crate::jitlog::line($sec, &::std::format!($($arg)*));
        }
    };
}

/// Write `[section] msg` (used by [`jitlog!`](crate::jitlog!)).
pub fn line(s: Section, msg: &str) {
    write_raw(&format!("[{}] {}\n", s.name(), msg));
}

/// What kind of trace is being logged.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum TraceKind {
    /// A loop.
    Loop,
    /// A bridge.
    Bridge,
    /// A function-entry trace (ends with finish).
    Entry,
}

impl TraceKind {
    fn name(self) -> &'static str {
        match self {
            TraceKind::Loop => "loop",
            TraceKind::Bridge => "bridge",
            TraceKind::Entry => "entry",
        }
    }
}

/// A fresh number for naming a trace in the log (the `trace` and `opt` blocks of one trace
/// share it).
pub fn next_log_number() -> u32 {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Log a trace; `optimized` picks the `opt` section (after optimization) or `trace` (before).
pub fn log_trace(kind: TraceKind, optimized: bool, id: u32, name: &str, t: &Trace) {
    let s = if optimized {
        Section::Opt
    } else {
        Section::Trace
    };
    if enabled(s) {
        block(
            s,
            &format!("{} {} {:?}", kind.name(), id, name),
            &crate::ir::print(t),
        );
    }
}

/// Record an aborted tracing attempt (counted in the summary; logged under `abort`).
pub fn log_abort(reason: &str, where_: &str) {
    stats::record_abort(reason);
    jitlog!(Section::Abort, "{reason} at {where_}");
}

/// Log a bridge attachment: bridge `bridge_id` on guard `guard_index` of trace `trace_id`.
pub fn log_bridge(trace_id: u32, guard_index: usize, bridge_id: u32, failures: u64) {
    jitlog!(
        Section::Bridge,
        "bridge {bridge_id} attached to guard {guard_index} of trace {trace_id} after {failures} failures"
    );
}

/// Process-wide JIT counters for the summary.
pub mod stats {
    use super::*;

    /// Loops compiled.
    pub static LOOPS: AtomicU64 = AtomicU64::new(0);
    /// Bridges compiled.
    pub static BRIDGES: AtomicU64 = AtomicU64::new(0);
    /// Entry (non-loop) traces compiled.
    pub static ENTRIES: AtomicU64 = AtomicU64::new(0);
    /// Guards compiled (in loops and bridges).
    pub static GUARDS: AtomicU64 = AtomicU64::new(0);
    /// The most guards in one compiled trace (loop or bridge): how many `fail_guard=N` runs
    /// a sweep needs to make every guard fail once.
    pub static MAX_GUARDS: AtomicU64 = AtomicU64::new(0);
    /// Ops compiled (after optimization).
    pub static OPS: AtomicU64 = AtomicU64::new(0);
    /// Bytes of machine code emitted.
    pub static CODE_BYTES: AtomicU64 = AtomicU64::new(0);
    /// Traces (loops and bridges) whose machine code was freed: they specialised on an object
    /// that died, or jumped into / were attached to such a trace.
    pub static FREED: AtomicU64 = AtomicU64::new(0);
    /// Guard exits taken (counted when the driver handles an exit).
    pub static GUARD_EXITS: AtomicU64 = AtomicU64::new(0);
    /// Nanoseconds spent tracing.
    pub static TRACING_NS: AtomicU64 = AtomicU64::new(0);
    /// Nanoseconds spent optimizing.
    pub static OPTIMIZING_NS: AtomicU64 = AtomicU64::new(0);
    /// Nanoseconds spent in the backend.
    pub static COMPILING_NS: AtomicU64 = AtomicU64::new(0);
    /// Nanoseconds spent in the blackhole / deopt.
    pub static DEOPT_NS: AtomicU64 = AtomicU64::new(0);
    static ABORTS: Mutex<Vec<(String, u64)>> = Mutex::new(Vec::new());

    /// Count an abort by reason.
    pub fn record_abort(reason: &str) {
        let mut a = ABORTS.lock().unwrap_or_else(|p| p.into_inner());
        match a.iter_mut().find(|(r, _)| r == reason) {
            Some((_, n)) => *n += 1,
            None => a.push((reason.to_string(), 1)),
        }
    }

    /// Aborts by reason.
    pub fn aborts() -> Vec<(String, u64)> {
        ABORTS.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Add one to a counter.
    pub fn bump(c: &AtomicU64) {
        c.fetch_add(1, Ordering::Relaxed);
    }

    /// Add `n` to a counter.
    pub fn add(c: &AtomicU64, n: u64) {
        c.fetch_add(n, Ordering::Relaxed);
    }
}

/// Which phase a [`Timer`] accounts to.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Phase {
    /// Recording a trace.
    Tracing,
    /// Running the optimizer.
    Optimizing,
    /// Running the backend.
    Compiling,
    /// Deoptimizing (blackhole).
    Deopt,
}

/// Adds the time from its creation to its drop to a phase's counter.
pub struct Timer {
    phase: Phase,
    start: Instant,
}

impl Timer {
    /// Start timing `phase`.
    pub fn start(phase: Phase) -> Timer {
        Timer {
            phase,
            start: Instant::now(),
        }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        add_time(self.phase, self.start.elapsed());
    }
}

/// Add a duration to a phase's counter.
pub fn add_time(phase: Phase, d: Duration) {
    let c = match phase {
        Phase::Tracing => &stats::TRACING_NS,
        Phase::Optimizing => &stats::OPTIMIZING_NS,
        Phase::Compiling => &stats::COMPILING_NS,
        Phase::Deopt => &stats::DEOPT_NS,
    };
    stats::add(c, d.as_nanos().min(u64::MAX as u128) as u64);
}

/// The summary text (one screen).
pub fn summary() -> String {
    use stats::*;
    let ld = |c: &AtomicU64| c.load(Ordering::Relaxed);
    let ms = |c: &AtomicU64| ld(c) as f64 / 1e6;
    let mut s = String::new();
    let _ = writeln!(s, "metatracer JIT summary");
    let _ = writeln!(s, "  loops compiled      {:>10}", ld(&LOOPS));
    let _ = writeln!(s, "  bridges compiled    {:>10}", ld(&BRIDGES));
    let _ = writeln!(s, "  entry traces        {:>10}", ld(&ENTRIES));
    let _ = writeln!(s, "  guards compiled     {:>10}", ld(&GUARDS));
    let _ = writeln!(s, "  most guards in a trace {:>7}", ld(&MAX_GUARDS));
    let _ = writeln!(s, "  ops compiled        {:>10}", ld(&OPS));
    let _ = writeln!(s, "  machine code bytes  {:>10}", ld(&CODE_BYTES));
    let _ = writeln!(s, "  traces freed        {:>10}", ld(&FREED));
    let _ = writeln!(s, "  guard exits taken   {:>10}", ld(&GUARD_EXITS));
    let aborts = stats::aborts();
    let total: u64 = aborts.iter().map(|(_, n)| n).sum();
    let _ = writeln!(s, "  aborts              {:>10}", total);
    for (r, n) in &aborts {
        let _ = writeln!(s, "    {r:<30} {n:>6}");
    }
    let _ = writeln!(s, "  time tracing        {:>10.3} ms", ms(&TRACING_NS));
    let _ = writeln!(s, "  time optimizing     {:>10.3} ms", ms(&OPTIMIZING_NS));
    let _ = writeln!(s, "  time compiling      {:>10.3} ms", ms(&COMPILING_NS));
    let _ = writeln!(s, "  time in deopt       {:>10.3} ms", ms(&DEOPT_NS));
    s
}

/// Write the summary block now if the `summary` section is on (also runs at exit).
pub fn print_summary() {
    static DONE: AtomicBool = AtomicBool::new(false);
    if enabled(Section::Summary) && !DONE.swap(true, Ordering::AcqRel) {
        block(Section::Summary, "", &summary());
    }
}

extern "C" fn at_exit() {
    print_summary();
}

fn register_atexit() {
    static REGISTERED: AtomicBool = AtomicBool::new(false);
    if !REGISTERED.swap(true, Ordering::AcqRel) {
        // SAFETY: `at_exit` is a plain `extern "C" fn()` that only takes locks and writes
        // to the sink; registering it has no other precondition.
        unsafe {
            libc::atexit(at_exit);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_parsing() {
        assert_eq!(parse_config("trace,opt").unwrap(), (3, None));
        assert_eq!(
            parse_config("all:/tmp/x.log").unwrap(),
            (63, Some("/tmp/x.log".into()))
        );
        assert!(parse_config("trace,bogus")
            .unwrap_err()
            .contains("unknown section 'bogus'"));
    }

    #[test]
    fn capture_and_summary() {
        // The only test in the crate that touches the global log state.
        capture(&[Section::Opt, Section::Abort]);
        let t = crate::ir::parse("[i0]\ni1 = int_add(i0, 1)\nfinish(i1)\n").unwrap();
        log_trace(TraceKind::Loop, false, 0, "x", &t); // `trace` is off
        log_trace(TraceKind::Loop, true, 7, "bf pc=3", &t);
        log_abort("trace too long", "pc 5");
        crate::jitlog!(Section::Asm, "not logged {}", 1);
        let out = take_captured();
        assert_eq!(
            out,
            "{opt loop 7 \"bf pc=3\"\n[i0]\ni1 = int_add(i0, 1)\nfinish(i1)\nopt}\n[abort] trace too long at pc 5\n"
        );
        assert!(summary().contains("trace too long"));
        capture(&[]);
    }
}
