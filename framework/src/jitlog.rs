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
//! * `all`     everything,
//! * `json`    everything, as JSON lines (below).
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
//! # JSON lines (`METATRACER_LOG=json:FILE`)
//! The section `json` turns on every section and writes each entry as one JSON object per line
//! instead of text, for tools (`metatracer-view FILE -o report.html` makes a web page of it).
//! Every object has an `ev` field:
//! * `start`: `argv`, `format` (the version of this layout, [`JSON_FORMAT`]);
//! * `trace`: a trace before (`optimized: false`) or after optimization: `id` (shared by both
//!   and by the compiled code), `kind` (`loop`/`bridge`/`entry`), `name`, `inputs` (the input
//!   line), `ops` (each `{text}` in the trace text format, plus `loc` with the guest position
//!   on `debug_merge_point`, and `guard` with the guard's number, in [`Trace::guards`] order, on
//!   guards), and `ms` (time spent recording, or optimizing, this trace);
//! * `code`: machine code of trace `id`: `addr`, `size`, `guards`, `spill_slots`, `locs`
//!   (`[value, register or stack slot]` pairs), `bytes` (hex), `ms` (time in the backend);
//! * `bridge`: bridge `id` attached to guard `guard` of trace `trace` after `failures` exits;
//! * `abort`: `reason`, `where`;
//! * `line` / `text`: any other one-line or block entry, as text (`section`, `text` or
//!   `header` + `body`);
//! * at exit, `counts`: per compiled trace, `entries` from the interpreter, `run_ms` (time
//!   from entering its machine code until control came back to the interpreter, bridges and
//!   other loops jumped to included) and `guards` (`[guard number, exits taken]` for guards
//!   whose failures came back to the driver; a guard with a bridge counts its failures before
//!   the bridge was attached), and the counters the machine code kept itself ([`code_counters`]:
//!   code is generated with them only in a JSON-logged run): `runs` (times its code started:
//!   entries from the interpreter for a loop, entries from its guard for a bridge),
//!   `guard_fails` (`[guard number, failures]` for every guard that failed, counting failures
//!   that ran a bridge or happened inside machine code called from other traces) and `labels`
//!   (per label of the trace, in op order, how often control reached it: a loop's iterations
//!   plus jumps into it from bridges, and at a loop's first label the bridges' runs of their
//!   copies of its preamble, which stand for that label); then `summary` with the counters of
//!   the text summary.
//!
//! # API
//! [`enabled`] is one relaxed atomic load, and [`jitlog!`](crate::jitlog!) formats nothing when
//! the section is off. The tracer and driver call [`log_trace`], [`log_abort`],
//! [`log_bridge`], and update the counters in [`stats`] (or use [`Timer`] for phases).
//! Tests can capture the log in memory with [`capture`].

use crate::ir::Trace;
use std::collections::BTreeMap;
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

/// Bit of the configuration word for the `json` format (not a [`Section`]).
const JSON: u32 = 64;

/// The version of the JSON-lines layout (the `format` field of the `start` record).
pub const JSON_FORMAT: u32 = 1;

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
        if name == "json" {
            mask |= 63 | JSON;
            continue;
        }
        match Section::ALL.iter().find(|s| s.name() == name) {
            Some(s) => mask |= *s as u32,
            None => {
                return Err(format!(
                    "METATRACER_LOG: unknown section '{name}' (known: trace, opt, asm, bridge, abort, summary, all, json)"
                ))
            }
        }
    }
    Ok((mask, file))
}

#[cold]
fn init_from_env() -> u32 {
    START.get_or_init(Instant::now);
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
    let won = MASK
        .compare_exchange(0, mask | INIT, Ordering::AcqRel, Ordering::Acquire)
        .is_ok();
    let m = MASK.load(Ordering::Acquire);
    if won && m & JSON != 0 {
        write_start();
    }
    if m & Section::Summary as u32 != 0 {
        register_atexit();
    }
    m
}

/// Reads `METATRACER_LOG` now if nothing did yet (a guest without JIT annotations calls this
/// at start-up so that its log still has a `start` record and an exit summary).
pub fn init() {
    let _ = enabled(Section::Summary);
}

fn write_start() {
    emit(serde_json::json!({
        "ev": "start",
        "format": JSON_FORMAT,
        "argv": std::env::args().collect::<Vec<_>>(),
    }));
}

/// Whether the log is written as JSON lines (`METATRACER_LOG=json:FILE`).
#[inline]
pub fn json() -> bool {
    let mut m = MASK.load(Ordering::Relaxed);
    if m & INIT == 0 {
        m = init_from_env();
    }
    m & JSON != 0
}

/// Write one JSON object as a line (no format check; callers test [`json`]).
pub fn emit(v: serde_json::Value) {
    let mut line = v.to_string();
    line.push('\n');
    write_raw(&line);
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
    START.get_or_init(Instant::now);
    if mask & JSON != 0 {
        write_start();
    }
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

/// Like [`capture`], with every section on in the JSON format; also forgets the per-trace
/// counters, so a test sees only its own run. Read it with [`take_captured`].
pub fn capture_json() {
    *SINK.lock().unwrap_or_else(|p| p.into_inner()) = Some(Sink::Buffer(String::new()));
    *COUNTS.lock().unwrap_or_else(|p| p.into_inner()) = BTreeMap::new();
    *CODE_COUNTERS.lock().unwrap_or_else(|p| p.into_inner()) = BTreeMap::new();
    MASK.store(63 | JSON | INIT, Ordering::Release);
    START.get_or_init(Instant::now);
    write_start();
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
    if json() {
        emit(
            serde_json::json!({"ev": "text", "section": s.name(), "header": header, "body": body}),
        );
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
    if json() {
        emit(serde_json::json!({"ev": "line", "section": s.name(), "text": msg}));
        return;
    }
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
    if !enabled(s) {
        return;
    }
    if json() {
        let phase = if optimized {
            Phase::Optimizing
        } else {
            Phase::Tracing
        };
        emit(trace_json(
            kind,
            optimized,
            id,
            name,
            t,
            take_pending(phase),
        ));
        return;
    }
    block(
        s,
        &format!("{} {} {:?}", kind.name(), id, name),
        &crate::ir::print(t),
    );
}

/// The `trace` record of the JSON log (see the module doc).
fn trace_json(
    kind: TraceKind,
    optimized: bool,
    id: u32,
    name: &str,
    t: &Trace,
    ns: u64,
) -> serde_json::Value {
    use crate::ir::{Descr, Opcode};
    let text = crate::ir::print(t);
    let mut lines = text.lines();
    let inputs = lines.next().unwrap_or("[]");
    let n = t.num_inputs();
    let mut guard = 0usize;
    let ops: Vec<serde_json::Value> = lines
        .enumerate()
        .map(|(k, line)| {
            let i = n + k;
            let mut o = serde_json::Map::new();
            o.insert("text".into(), line.into());
            let op = t.op(i);
            if op.opcode == Opcode::DebugMergePoint {
                if let Some(Descr::Text(loc)) = op.descr().map(|d| t.descr(d)) {
                    o.insert("loc".into(), loc.as_str().into());
                }
            }
            if op.opcode.is_guard() {
                o.insert("guard".into(), guard.into());
                guard += 1;
            }
            serde_json::Value::Object(o)
        })
        .collect();
    serde_json::json!({
        "ev": "trace",
        "id": id,
        "kind": kind.name(),
        "optimized": optimized,
        "name": name,
        "inputs": inputs,
        "ops": ops,
        "ms": ns as f64 / 1e6,
    })
}

/// The machine code of one compiled trace, for [`log_code`].
pub struct CodeInfo<'a> {
    /// The compiled trace's id.
    pub id: u32,
    /// A bridge (or else a loop).
    pub is_bridge: bool,
    /// The trace's name.
    pub name: &'a str,
    /// Address of the first byte.
    pub addr: usize,
    /// The code.
    pub bytes: &'a [u8],
    /// Guards in the trace.
    pub guards: usize,
    /// Spill slots of the frame.
    pub spill_slots: usize,
    /// Where each value lives: (value name, register or stack slot).
    pub locs: Vec<(String, String)>,
}

/// Log the machine code of a compiled trace (`asm` section; a `code` record in JSON).
pub fn log_code(c: &CodeInfo) {
    if !enabled(Section::Asm) {
        return;
    }
    let size = c.bytes.len();
    if json() {
        let hex: String = c.bytes.iter().map(|b| format!("{b:02x}")).collect();
        emit(serde_json::json!({
            "ev": "code",
            "id": c.id,
            "kind": if c.is_bridge { "bridge" } else { "loop" },
            "name": c.name,
            "addr": c.addr,
            "size": size,
            "guards": c.guards,
            "spill_slots": c.spill_slots,
            "locs": c.locs,
            "bytes": hex,
            "ms": phase_elapsed_ns(Phase::Compiling) as f64 / 1e6,
        }));
        return;
    }
    let mut body = format!(
        "{} trace{} {:?}: {size} bytes at {:#x}, {} guards, {} spill slots\n",
        if c.is_bridge { "bridge" } else { "loop" },
        c.id,
        c.name,
        c.addr,
        c.guards,
        c.spill_slots
    );
    for (v, l) in &c.locs {
        let _ = writeln!(body, "  {v} -> {l}");
    }
    for (k, chunk) in c.bytes.chunks(16).enumerate() {
        let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
        let _ = writeln!(body, "  {:06x}: {}", k * 16, hex.join(" "));
    }
    block(Section::Asm, &format!("trace{}", c.id), &body);
}

/// Per-trace run counters for the JSON log's `counts` record.
#[derive(Default)]
struct TraceCounts {
    entries: u64,
    run_ns: u64,
    guards: BTreeMap<usize, u64>,
}

static COUNTS: Mutex<BTreeMap<u32, TraceCounts>> = Mutex::new(BTreeMap::new());

/// Count one entry of compiled trace `trace` from the interpreter that ran `ns` nanoseconds
/// until control came back (JSON log only; free otherwise).
pub fn count_entry(trace: u32, ns: u64) {
    if json() {
        let mut c = COUNTS.lock().unwrap_or_else(|p| p.into_inner());
        let t = c.entry(trace).or_default();
        t.entries += 1;
        t.run_ns += ns;
    }
}

/// Count one failure of guard `guard` (in [`Trace::guards`] order) of compiled trace `trace`
/// that came back to the driver (JSON log only).
pub fn count_guard_failure(trace: u32, guard: usize) {
    if json() {
        let mut c = COUNTS.lock().unwrap_or_else(|p| p.into_inner());
        *c.entry(trace).or_default().guards.entry(guard).or_default() += 1;
    }
}

/// Counters that a compiled trace's machine code increments itself (JSON log only): how often
/// its code starts, each guard fails (whether the exit then runs a bridge or returns to the
/// driver) and each of its labels is reached (a loop's iterations, and jumps into it from
/// bridges and other traces). Layout of `words`: `[runs, guard 0 .. guard g-1, label 0 ..]`.
struct CodeCounters {
    guards: usize,
    words: &'static [AtomicU64],
}

static CODE_COUNTERS: Mutex<BTreeMap<u32, CodeCounters>> = Mutex::new(BTreeMap::new());

/// For the backend, while it compiles trace `trace` with `guards` guards and `labels` labels:
/// the address of the counter words its machine code should increment (layout in
/// [`CodeCounters`]: `runs`, one word per guard in [`Trace::guards`] order, one per label in op
/// order), or `None` when the log is not JSON (then the code counts nothing and costs
/// nothing). The words are leaked on purpose: machine code may outlive any registry entry (a
/// test's [`capture_json`] forgets the entries of earlier runs), so they must never be freed;
/// that is a few words per compiled trace, only in logged runs.
pub fn code_counters(trace: u32, guards: usize, labels: usize) -> Option<usize> {
    if !json() {
        return None;
    }
    let words: &'static [AtomicU64] = Box::leak(
        (0..1 + guards + labels)
            .map(|_| AtomicU64::new(0))
            .collect::<Vec<_>>()
            .into_boxed_slice(),
    );
    let addr = words.as_ptr() as usize;
    CODE_COUNTERS
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(trace, CodeCounters { guards, words });
    Some(addr)
}

fn counts_json() -> serde_json::Value {
    let c = COUNTS.lock().unwrap_or_else(|p| p.into_inner());
    let code = CODE_COUNTERS.lock().unwrap_or_else(|p| p.into_inner());
    let ids: std::collections::BTreeSet<u32> = c.keys().chain(code.keys()).copied().collect();
    let empty = TraceCounts::default();
    let traces: Vec<serde_json::Value> = ids
        .iter()
        .map(|id| {
            let t = c.get(id).unwrap_or(&empty);
            let mut rec = serde_json::json!({
                "id": id,
                "entries": t.entries,
                "run_ms": t.run_ns as f64 / 1e6,
                "guards": t.guards.iter().map(|(g, n)| [*g as u64, *n]).collect::<Vec<_>>(),
            });
            if let Some(k) = code.get(id) {
                let ld = |w: &AtomicU64| w.load(Ordering::Relaxed);
                let words = k.words;
                rec["runs"] = ld(&words[0]).into();
                rec["guard_fails"] = words[1..1 + k.guards]
                    .iter()
                    .enumerate()
                    .filter(|(_, w)| ld(w) > 0)
                    .map(|(g, w)| [g as u64, ld(w)])
                    .collect::<Vec<_>>()
                    .into();
                rec["labels"] = words[1 + k.guards..]
                    .iter()
                    .map(ld)
                    .collect::<Vec<_>>()
                    .into();
            }
            rec
        })
        .collect();
    serde_json::json!({"ev": "counts", "traces": traces})
}

fn summary_json() -> serde_json::Value {
    use stats::*;
    let ld = |c: &AtomicU64| c.load(Ordering::Relaxed);
    let ms = |c: &AtomicU64| ld(c) as f64 / 1e6;
    serde_json::json!({
        "ev": "summary",
        "loops": ld(&LOOPS),
        "bridges": ld(&BRIDGES),
        "bridges_cut": ld(&BRIDGES_CUT),
        "entries": ld(&ENTRIES),
        "guards": ld(&GUARDS),
        "max_guards": ld(&MAX_GUARDS),
        "ops": ld(&OPS),
        "code_bytes": ld(&CODE_BYTES),
        "guard_exits": ld(&GUARD_EXITS),
        "interrupt_exits": ld(&INTERRUPT_EXITS),
        "aborts": stats::aborts(),
        "tracing_ms": ms(&TRACING_NS),
        "optimizing_ms": ms(&OPTIMIZING_NS),
        "compiling_ms": ms(&COMPILING_NS),
        "deopt_ms": ms(&DEOPT_NS),
        "first_loop_ms": first_loop_ms(),
        "run_ms": run_ms(),
    })
}

/// Record an aborted tracing attempt (counted in the summary; logged under `abort`).
pub fn log_abort(reason: &str, where_: &str) {
    stats::record_abort(reason);
    let _ = take_pending(Phase::Tracing);
    if enabled(Section::Abort) && json() {
        emit(serde_json::json!({"ev": "abort", "reason": reason, "where": where_}));
        return;
    }
    jitlog!(Section::Abort, "{reason} at {where_}");
}

/// Log a bridge attachment: bridge `bridge_id` on guard `guard_index` of trace `trace_id`.
pub fn log_bridge(trace_id: u32, guard_index: usize, bridge_id: u32, failures: u64) {
    if enabled(Section::Bridge) && json() {
        emit(serde_json::json!({
            "ev": "bridge",
            "id": bridge_id,
            "trace": trace_id,
            "guard": guard_index,
            "failures": failures,
        }));
        return;
    }
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
    /// Bridges that reached the `bridge_limit` parameter and end at a guest instruction
    /// boundary, leaving to the interpreter there (counted in `BRIDGES` too).
    pub static BRIDGES_CUT: AtomicU64 = AtomicU64::new(0);
    /// Guard exits of them at a `guard_not_interrupted` (`jit::interrupt`).
    pub static INTERRUPT_EXITS: AtomicU64 = AtomicU64::new(0);
    /// Loops compiled that closed without passing a `can_enter_jit!()` (a guest backward
    /// jump): the greens did not change between two dispatches, the sign of a program counter
    /// that is not `#[green]`.
    pub static LOOPS_WITHOUT_JUMP: AtomicU64 = AtomicU64::new(0);
    /// Nanoseconds spent tracing.
    pub static TRACING_NS: AtomicU64 = AtomicU64::new(0);
    /// Nanoseconds spent optimizing.
    pub static OPTIMIZING_NS: AtomicU64 = AtomicU64::new(0);
    /// Nanoseconds spent in the backend.
    pub static COMPILING_NS: AtomicU64 = AtomicU64::new(0);
    /// Nanoseconds spent in the blackhole / deopt.
    pub static DEOPT_NS: AtomicU64 = AtomicU64::new(0);
    /// Nanoseconds from the start of logging to the first compiled loop, plus one (0: none
    /// yet), for the warm-up figure.
    pub static FIRST_LOOP_NS: AtomicU64 = AtomicU64::new(0);
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
    Tracing = 0,
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
        let start = Instant::now();
        PHASE_START.with(|p| {
            let mut a = p.get();
            a[phase as usize] = Some(start);
            p.set(a);
        });
        Timer { phase, start }
    }
}

thread_local! {
    /// When the innermost running [`Timer`] of each phase started (for per-trace times).
    static PHASE_START: std::cell::Cell<[Option<Instant>; 4]> =
        const { std::cell::Cell::new([None; 4]) };
}

/// Time since the last [`Timer`] of `phase` started on this thread (0 if none).
fn phase_elapsed_ns(phase: Phase) -> u64 {
    PHASE_START
        .with(|p| p.get()[phase as usize])
        .map_or(0, |s| s.elapsed().as_nanos().min(u64::MAX as u128) as u64)
}

/// Time per phase not yet attributed to a trace in the JSON log.
static PENDING_NS: [AtomicU64; 4] = [
    AtomicU64::new(0),
    AtomicU64::new(0),
    AtomicU64::new(0),
    AtomicU64::new(0),
];

/// Takes the time of `phase` accumulated since the last call (a trace's recording or
/// optimizing time, attributed when the trace is logged).
fn take_pending(phase: Phase) -> u64 {
    PENDING_NS[phase as usize].swap(0, Ordering::Relaxed)
}

/// When logging started (the run time and the warm-up figure are measured from it; the
/// configuration is read at the first JIT event or log call, so about at program start).
static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();

/// Milliseconds since logging started.
fn run_ms() -> f64 {
    START.get().map_or(0.0, |s| s.elapsed().as_secs_f64() * 1e3)
}

/// Milliseconds from the start to the first compiled loop, if one was compiled.
fn first_loop_ms() -> Option<f64> {
    match stats::FIRST_LOOP_NS.load(Ordering::Relaxed) {
        0 => None,
        n => Some((n - 1) as f64 / 1e6),
    }
}

/// Notes that a loop was compiled (the first one's time is the warm-up figure).
pub fn note_loop_compiled() {
    let start = *START.get_or_init(Instant::now);
    let ns = start.elapsed().as_nanos().min(u64::MAX as u128 - 1) as u64 + 1;
    let _ = stats::FIRST_LOOP_NS.compare_exchange(0, ns, Ordering::Relaxed, Ordering::Relaxed);
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
    let ns = d.as_nanos().min(u64::MAX as u128) as u64;
    stats::add(c, ns);
    PENDING_NS[phase as usize].fetch_add(ns, Ordering::Relaxed);
}

/// The summary text (one screen).
pub fn summary() -> String {
    use stats::*;
    let ld = |c: &AtomicU64| c.load(Ordering::Relaxed);
    let ms = |c: &AtomicU64| ld(c) as f64 / 1e6;
    let mut s = String::new();
    let _ = writeln!(s, "metatracer JIT summary");
    if !crate::jit::private::ENABLED {
        let _ = writeln!(
            s,
            "  the JIT is compiled out (built without the `jit` feature): nothing was compiled"
        );
    }
    let _ = writeln!(s, "  loops compiled      {:>10}", ld(&LOOPS));
    let _ = writeln!(s, "  bridges compiled    {:>10}", ld(&BRIDGES));
    let cut = ld(&BRIDGES_CUT);
    if cut > 0 {
        let _ = writeln!(s, "    cut at bridge_limit {:>9}", cut);
    }
    let _ = writeln!(s, "  entry traces        {:>10}", ld(&ENTRIES));
    let _ = writeln!(s, "  guards compiled     {:>10}", ld(&GUARDS));
    let _ = writeln!(s, "  most guards in a trace {:>7}", ld(&MAX_GUARDS));
    let _ = writeln!(s, "  ops compiled        {:>10}", ld(&OPS));
    let _ = writeln!(s, "  machine code bytes  {:>10}", ld(&CODE_BYTES));
    let _ = writeln!(s, "  traces freed        {:>10}", ld(&FREED));
    let _ = writeln!(s, "  guard exits taken   {:>10}", ld(&GUARD_EXITS));
    let ie = ld(&INTERRUPT_EXITS);
    if ie > 0 {
        let _ = writeln!(s, "    at an interrupt   {:>10}", ie);
    }
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
    let run = run_ms();
    match first_loop_ms() {
        Some(t) => {
            let _ = writeln!(s, "  first loop compiled {t:>10.3} ms after start");
        }
        None => {
            let _ = writeln!(s, "  first loop compiled      never");
        }
    }
    let jit = ms(&TRACING_NS) + ms(&OPTIMIZING_NS) + ms(&COMPILING_NS);
    let share = if run > 0.0 { 100.0 * jit / run } else { 0.0 };
    let _ = writeln!(
        s,
        "  run time            {run:>10.3} ms (tracing, optimizing and compiling: {share:.1}%)"
    );
    let nj = ld(&LOOPS_WITHOUT_JUMP);
    if nj > 0 {
        let _ = writeln!(
            s,
            "  warning: {nj} loops closed without a guest backward jump (is the program counter `#[green]`?)"
        );
    }
    residual_summary(&mut s);
    s
}

/// Residual calls left in compiled traces, by name: call sites and the traces they are in.
static RESIDUAL_CALLS: Mutex<BTreeMap<String, (u64, Vec<u32>)>> = Mutex::new(BTreeMap::new());

/// Notes the residual calls (calls that are not pure) of compiled trace `id` for the summary,
/// and logs them under `opt` (`trace 3 calls: s.note(s.n), log("x", y)`): an unannotated
/// helper called from the loop shows up here by name. The framework's own helpers
/// (`metatracer::...`) are left out.
pub fn note_residual_calls(id: u32, t: &Trace) {
    let mut names: Vec<&str> = Vec::new();
    for i in 0..t.len() {
        let op = t.op(i).opcode;
        if !op.is_call() || op.flags().contains(crate::ir::OpFlags::PURE) {
            continue;
        }
        if let Some(d) = t.call_descr(i) {
            if !d.name.starts_with("metatracer::") {
                names.push(&d.name);
            }
        }
    }
    if names.is_empty() {
        return;
    }
    {
        let mut m = RESIDUAL_CALLS.lock().unwrap_or_else(|p| p.into_inner());
        for n in &names {
            let e = m.entry(n.to_string()).or_default();
            e.0 += 1;
            if e.1.last() != Some(&id) {
                e.1.push(id);
            }
        }
    }
    if enabled(Section::Opt) && !json() {
        line(
            Section::Opt,
            &format!("trace {id} residual calls: {}", names.join(", ")),
        );
    }
}

fn residual_summary(s: &mut String) {
    let m = RESIDUAL_CALLS.lock().unwrap_or_else(|p| p.into_inner());
    if m.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "  residual calls in compiled traces (mark a helper #[look_inside] to inline it):"
    );
    let mut v: Vec<(&String, &(u64, Vec<u32>))> = m.iter().collect();
    v.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
    for (name, (sites, traces)) in v.iter().take(20) {
        let ts: Vec<String> = traces.iter().take(8).map(|t| t.to_string()).collect();
        let more = if traces.len() > 8 { ", ..." } else { "" };
        let _ = writeln!(
            s,
            "    {name:<40} {sites:>4} sites in traces {}{more}",
            ts.join(", ")
        );
    }
    if v.len() > 20 {
        let _ = writeln!(s, "    ... and {} more", v.len() - 20);
    }
}

/// Write the summary block now if the `summary` section is on (also runs at exit).
pub fn print_summary() {
    static DONE: AtomicBool = AtomicBool::new(false);
    if enabled(Section::Summary) && !DONE.swap(true, Ordering::AcqRel) {
        if json() {
            write_exit_records();
            return;
        }
        block(Section::Summary, "", &summary());
    }
}

/// Write the JSON log's `counts` and `summary` records now (at exit, or at the end of a
/// test's [`capture_json`] run).
pub fn write_exit_records() {
    if json() {
        emit(counts_json());
        emit(summary_json());
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
        assert_eq!(
            parse_config("json:/tmp/x.jsonl").unwrap(),
            (127, Some("/tmp/x.jsonl".into()))
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
        // a build without the JIT says so in its summary (the crate's own tests build without
        // the `jit` feature unless a guest in the same `cargo test` turns it on)
        assert_eq!(
            summary().contains("the JIT is compiled out"),
            !crate::jit::private::ENABLED
        );

        // JSON lines: one object per entry, structured where the viewer needs it
        capture_json();
        let t = crate::ir::parse(
            "[i0]\ndebug_merge_point(3, descr=\"pc 3: add\")\ni1 = int_add(i0, 1)\nguard_true(i1) [0@3/9: r2=i1]\nguard_false(i0) [0@4: i0]\njump(i1, descr=target0)\n",
        )
        .unwrap();
        log_trace(TraceKind::Loop, true, 4, "run at pc 3", &t);
        log_bridge(4, 1, 5, 9);
        log_abort("trace too long", "pc 5");
        count_entry(4, 2_000_000);
        count_entry(4, 1_000_000);
        count_guard_failure(4, 1);
        crate::jitlog!(Section::Asm, "patched {}", 1);
        write_exit_records();
        let out = take_captured();
        let recs: Vec<serde_json::Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).expect("each line is JSON"))
            .collect();
        let evs: Vec<&str> = recs.iter().map(|r| r["ev"].as_str().unwrap()).collect();
        assert_eq!(
            evs,
            ["start", "trace", "bridge", "abort", "line", "counts", "summary"]
        );
        assert_eq!(recs[0]["format"], JSON_FORMAT);
        let tr = &recs[1];
        assert_eq!(
            (tr["id"].as_u64(), tr["optimized"].as_bool()),
            (Some(4), Some(true))
        );
        assert_eq!(tr["inputs"], "[i0]");
        let ops = tr["ops"].as_array().unwrap();
        assert_eq!(ops[0]["loc"], "pc 3: add");
        assert_eq!(ops[1]["text"], "i2 = int_add(i0, 1)");
        assert!(ops[1].get("guard").is_none());
        assert_eq!(ops[2]["guard"], 0);
        assert_eq!(ops[2]["text"], "guard_true(i2) [0@3/9: r2=i2]");
        assert_eq!(ops[3]["guard"], 1);
        assert_eq!(
            (
                &recs[2]["trace"],
                &recs[2]["guard"],
                &recs[2]["id"],
                &recs[2]["failures"]
            ),
            (&4.into(), &1.into(), &5.into(), &9.into())
        );
        assert_eq!(recs[3]["reason"], "trace too long");
        assert_eq!(recs[4]["text"], "patched 1");
        let c = &recs[5]["traces"][0];
        assert_eq!(
            (c["id"].as_u64(), c["entries"].as_u64()),
            (Some(4), Some(2))
        );
        assert_eq!(c["run_ms"].as_f64(), Some(3.0));
        assert_eq!(c["guards"], serde_json::json!([[1, 1]]));
        assert!(recs[6]["aborts"].as_array().is_some());
        capture(&[]);
        // off: counting costs nothing and records nothing
        count_entry(4, 1);
        assert!(COUNTS.lock().unwrap().get(&4).unwrap().entries == 2);
    }

    #[test]
    fn the_first_compiled_loop_is_timed_once() {
        note_loop_compiled();
        let t = first_loop_ms().expect("a first loop time");
        assert!(t >= 0.0 && t <= run_ms(), "{t} vs {}", run_ms());
        std::thread::sleep(std::time::Duration::from_millis(2));
        note_loop_compiled();
        assert_eq!(first_loop_ms(), Some(t), "only the first loop counts");
        let s = summary();
        assert!(s.contains("first loop compiled"), "{s}");
        assert!(s.contains("tracing, optimizing and compiling:"), "{s}");
    }
}
