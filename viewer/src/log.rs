//! Reading a metatracer JSON log (`METATRACER_LOG=json:FILE`, described in
//! `framework/src/jitlog.rs` and `docs/jitlog.md`) into a [`Run`]: the traces of the run, each
//! with its ops before and after optimization, its machine code, its bridges and its counters.
//!
//! Assumptions: one JSON object per line, each with an `ev` field; records of unknown kinds are
//! skipped (newer logs stay readable); a trace id logged twice (a retried compilation) keeps
//! its last records. Nothing here knows any guest language: guest positions are the opaque
//! `loc` strings the implementer's `get_printable_location` produced.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;

/// The newest log layout this viewer understands (the `format` field of `start`).
pub const FORMAT: u32 = 1;

/// A log that cannot be read, with the 1-based line where that was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogError {
    /// 1-based line number (0 for the whole file).
    pub line: usize,
    /// What is wrong.
    pub msg: String,
}

impl fmt::Display for LogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.msg)
        } else {
            write!(f, "line {}: {}", self.line, self.msg)
        }
    }
}

impl std::error::Error for LogError {}

/// One op of a logged trace.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Op {
    /// The op in the trace text format.
    pub text: String,
    /// The guest position, on `debug_merge_point`.
    #[serde(default)]
    pub loc: Option<String>,
    /// The guard's number (in the trace's guard order), on guards.
    #[serde(default)]
    pub guard: Option<usize>,
}

/// A trace as logged (before or after optimization).
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct TraceText {
    /// The input line (`[p0, i1]`).
    pub inputs: String,
    /// The ops after the inputs.
    pub ops: Vec<Op>,
    /// Milliseconds spent recording (before) or optimizing (after) it.
    #[serde(default)]
    pub ms: f64,
}

/// Machine code of a compiled trace.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Code {
    /// Address of its first byte.
    pub addr: u64,
    /// Size in bytes.
    pub size: usize,
    /// Guards compiled.
    #[serde(default)]
    pub guards: usize,
    /// Spill slots.
    #[serde(default)]
    pub spill_slots: usize,
    /// Where each value lives: `[value, location]`.
    #[serde(default)]
    pub locs: Vec<(String, String)>,
    /// The bytes, as hex.
    #[serde(default)]
    pub bytes: String,
    /// Milliseconds in the backend.
    #[serde(default)]
    pub ms: f64,
}

/// The exit summary's counters.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Summary {
    /// Loops compiled.
    pub loops: u64,
    /// Bridges compiled.
    pub bridges: u64,
    /// Guards compiled.
    pub guards: u64,
    /// Ops compiled.
    pub ops: u64,
    /// Bytes of machine code.
    pub code_bytes: u64,
    /// Guard exits taken.
    pub guard_exits: u64,
    /// Aborts by reason.
    pub aborts: Vec<(String, u64)>,
    /// Milliseconds tracing.
    pub tracing_ms: f64,
    /// Milliseconds optimizing.
    pub optimizing_ms: f64,
    /// Milliseconds compiling.
    pub compiling_ms: f64,
    /// Milliseconds deoptimizing.
    pub deopt_ms: f64,
    /// Milliseconds from the first log record to the exit.
    pub run_ms: f64,
}

#[derive(Deserialize)]
struct CountRec {
    id: u32,
    #[serde(default)]
    entries: u64,
    #[serde(default)]
    run_ms: f64,
    #[serde(default)]
    guards: Vec<(usize, u64)>,
    #[serde(default)]
    runs: Option<u64>,
    #[serde(default)]
    guard_fails: Option<Vec<(usize, u64)>>,
    #[serde(default)]
    labels: Vec<u64>,
}

#[derive(Deserialize)]
#[serde(tag = "ev", rename_all = "lowercase")]
enum Record {
    Start {
        #[serde(default)]
        argv: Vec<String>,
        format: u32,
    },
    Trace {
        id: u32,
        kind: String,
        optimized: bool,
        name: String,
        #[serde(flatten)]
        text: TraceText,
    },
    Code {
        id: u32,
        #[serde(flatten)]
        code: Code,
    },
    Bridge {
        id: u32,
        trace: u32,
        guard: usize,
        failures: u64,
    },
    Abort {
        reason: String,
        #[serde(rename = "where")]
        at: String,
    },
    Line {
        section: String,
        text: String,
    },
    Text {
        section: String,
        header: String,
        body: String,
    },
    Counts {
        traces: Vec<CountRec>,
    },
    Summary(Summary),
    #[serde(other)]
    Unknown,
}

/// Everything known about one trace (loop, bridge or entry trace).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TraceInfo {
    /// The trace's id (the backend's compile order).
    pub id: u32,
    /// `loop`, `bridge` or `entry`.
    pub kind: String,
    /// Its name (the guest position where it starts, or the guard exit it starts from).
    pub name: String,
    /// The trace as recorded.
    pub recorded: Option<TraceText>,
    /// The trace after optimization.
    pub optimized: Option<TraceText>,
    /// Its machine code, if it was compiled.
    pub code: Option<Code>,
    /// For a bridge: the trace and guard it is attached to, and that guard's failures before.
    pub parent: Option<(u32, usize, u64)>,
    /// Bridges attached to this trace's guards: guard number to bridge id.
    pub bridges: BTreeMap<usize, u32>,
    /// Entries from the interpreter.
    pub entries: u64,
    /// Milliseconds from entering its code until control came back to the interpreter.
    pub run_ms: f64,
    /// Guard exits that came back to the driver, by guard number.
    pub guard_failures: BTreeMap<usize, u64>,
    /// Counted by the machine code itself (logs that have them): times its code started (a
    /// bridge's entries from its guard; a loop's entries from the interpreter).
    pub runs: Option<u64>,
    /// Counted by the machine code: every failure of each guard, by guard number, including
    /// failures that ran a bridge.
    pub code_guard_failures: Option<BTreeMap<usize, u64>>,
    /// Counted by the machine code: per label of the trace (op order), how often control
    /// reached it (a loop's iterations plus jumps into it from bridges and other traces).
    pub label_hits: Vec<u64>,
}

impl TraceInfo {
    /// Whether the trace became machine code.
    pub fn compiled(&self) -> bool {
        self.code.is_some()
    }

    /// Failures of guard `g`: every failure when the machine code counted them, else the
    /// exits that came back to the driver.
    pub fn failures(&self, g: usize) -> u64 {
        match &self.code_guard_failures {
            Some(m) => m.get(&g).copied().unwrap_or(0),
            None => self.guard_failures.get(&g).copied().unwrap_or(0),
        }
    }

    /// Failures of all of its guards (see [`TraceInfo::failures`]).
    pub fn total_failures(&self) -> u64 {
        match &self.code_guard_failures {
            Some(m) => m.values().sum(),
            None => self.guard_failures.values().sum(),
        }
    }

    /// Iterations of its loop, if counted: arrivals at any of its labels (a peeled loop runs
    /// its first iteration after each entry from its first label, every later one from the
    /// peeled loop's label).
    pub fn iterations(&self) -> Option<u64> {
        if self.label_hits.is_empty() {
            None
        } else {
            Some(self.label_hits.iter().sum())
        }
    }
}

/// A whole run's log.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Run {
    /// The command line of the run.
    pub argv: Vec<String>,
    /// The traces by id.
    pub traces: BTreeMap<u32, TraceInfo>,
    /// Aborted tracing attempts: (reason, where).
    pub aborts: Vec<(String, String)>,
    /// Other log entries, as text.
    pub other: Vec<String>,
    /// The exit summary, if the run got to its end.
    pub summary: Option<Summary>,
}

impl Run {
    /// The traces of one kind, in id order.
    pub fn of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a TraceInfo> + 'a {
        self.traces.values().filter(move |t| t.kind == kind)
    }
}

/// Parses a JSON-lines log.
pub fn parse(text: &str) -> Result<Run, LogError> {
    let mut run = Run::default();
    let mut started = false;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if !line.starts_with('{') || (n == 1 && line.starts_with("{trace ")) {
            return Err(LogError {
                line: n,
                msg: "not a JSON log line; write the log with METATRACER_LOG=json:FILE".into(),
            });
        }
        let rec: Record = serde_json::from_str(line).map_err(|e| LogError {
            line: n,
            msg: format!("bad log record: {e}"),
        })?;
        if !started && !matches!(rec, Record::Start { .. }) {
            return Err(LogError {
                line: n,
                msg: "the log does not begin with a `start` record (is it a metatracer JSON log?)"
                    .into(),
            });
        }
        match rec {
            Record::Start { argv, format } => {
                if format > FORMAT {
                    return Err(LogError {
                        line: n,
                        msg: format!(
                            "log format {format} is newer than this viewer's ({FORMAT}); rebuild metatracer-view"
                        ),
                    });
                }
                started = true;
                run.argv = argv;
            }
            Record::Trace {
                id,
                kind,
                optimized,
                name,
                text,
            } => {
                let t = run.traces.entry(id).or_default();
                t.id = id;
                t.kind = kind;
                t.name = name;
                if optimized {
                    t.optimized = Some(text);
                } else {
                    // a retried compilation under the same id starts afresh
                    t.recorded = Some(text);
                    t.optimized = None;
                    t.code = None;
                }
            }
            Record::Code { id, code } => {
                run.traces.entry(id).or_default().code = Some(code);
            }
            Record::Bridge {
                id,
                trace,
                guard,
                failures,
            } => {
                run.traces.entry(id).or_default().parent = Some((trace, guard, failures));
                run.traces
                    .entry(trace)
                    .or_default()
                    .bridges
                    .insert(guard, id);
            }
            Record::Abort { reason, at } => run.aborts.push((reason, at)),
            Record::Line { section, text } => run.other.push(format!("[{section}] {text}")),
            Record::Text {
                section,
                header,
                body,
            } => run
                .other
                .push(format!("{{{section} {header}\n{body}{section}}}")),
            Record::Counts { traces } => {
                for c in traces {
                    let t = run.traces.entry(c.id).or_default();
                    t.entries = c.entries;
                    t.run_ms = c.run_ms;
                    t.guard_failures = c.guards.into_iter().collect();
                    t.runs = c.runs;
                    t.code_guard_failures = c.guard_fails.map(|g| g.into_iter().collect());
                    t.label_hits = c.labels;
                }
            }
            Record::Summary(s) => run.summary = Some(s),
            Record::Unknown => {}
        }
    }
    if !started {
        return Err(LogError {
            line: 0,
            msg: "empty log: no `start` record (write the log with METATRACER_LOG=json:FILE)"
                .into(),
        });
    }
    // ids only mentioned by counts or bridges of a log cut short keep their id
    for (id, t) in run.traces.iter_mut() {
        t.id = *id;
        if t.kind.is_empty() {
            t.kind = if t.parent.is_some() { "bridge" } else { "loop" }.into();
        }
    }
    Ok(run)
}

/// The ops of a trace grouped under the guest position they came from: a new group starts at
/// every `debug_merge_point` (whose op itself is left out, its position heads the group).
/// Ops before the first merge point form a group without a position.
pub fn groups(ops: &[Op]) -> Vec<(Option<&str>, Vec<&Op>)> {
    let mut out: Vec<(Option<&str>, Vec<&Op>)> = Vec::new();
    for op in ops {
        match &op.loc {
            Some(loc) => out.push((Some(loc.as_str()), Vec::new())),
            None => match out.last_mut() {
                Some(g) => g.1.push(op),
                None => out.push((None, vec![op])),
            },
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = r#"{"ev":"start","format":1,"argv":["tiny","p.tiny"]}
{"ev":"trace","id":0,"kind":"loop","optimized":false,"name":"run at main pc 6","inputs":"[i0]","ops":[{"text":"label(i0, descr=target0)"},{"text":"debug_merge_point(6, descr=\"main pc 6\")","loc":"main pc 6"},{"text":"i1 = int_add(i0, 1)"},{"text":"guard_true(i1) [0@1: i1]","guard":0},{"text":"jump(i1, descr=target0)"}],"ms":0.5}
{"ev":"trace","id":0,"kind":"loop","optimized":true,"name":"run at main pc 6","inputs":"[i0]","ops":[{"text":"label(i0, descr=target0)"},{"text":"debug_merge_point(6, descr=\"main pc 6\")","loc":"main pc 6"},{"text":"i1 = int_add(i0, 1)"},{"text":"guard_true(i1) [0@1: i1]","guard":0},{"text":"jump(i1, descr=target0)"}],"ms":0.25}
{"ev":"code","id":0,"kind":"loop","name":"x","addr":4096,"size":2,"guards":1,"spill_slots":0,"locs":[["i0","rax"]],"bytes":"90c3","ms":1.0}
{"ev":"trace","id":1,"kind":"bridge","optimized":true,"name":"guard exit 0","inputs":"[i0]","ops":[{"text":"jump(i0, descr=target0)"}],"ms":0.1}
{"ev":"bridge","id":1,"trace":0,"guard":0,"failures":3}
{"ev":"abort","reason":"trace too long","where":"run at main pc 9"}
{"ev":"line","section":"asm","text":"patched exit 0"}
{"ev":"future_record","x":1}
{"ev":"counts","traces":[{"id":0,"entries":5,"run_ms":2.5,"guards":[[0,3]]},{"id":1,"entries":0,"guards":[],"runs":7,"guard_fails":[],"labels":[]}]}
{"ev":"summary","loops":1,"bridges":1,"guards":1,"aborts":[["trace too long",1]],"run_ms":10.0}
"#;

    #[test]
    fn reads_a_run() {
        let run = parse(LOG).unwrap();
        assert_eq!(run.argv, ["tiny", "p.tiny"]);
        let t0 = &run.traces[&0];
        assert!(t0.compiled());
        assert_eq!((t0.entries, t0.total_failures()), (5, 3));
        assert_eq!(t0.bridges.get(&0), Some(&1));
        assert_eq!(
            t0.code.as_ref().unwrap().locs[0],
            ("i0".into(), "rax".into())
        );
        let t1 = &run.traces[&1];
        assert_eq!(t1.parent, Some((0, 0, 3)));
        assert!(!t1.compiled());
        // machine-code counters, where the log has them
        assert_eq!((t0.runs, t1.runs), (None, Some(7)));
        assert_eq!(t1.iterations(), None);
        assert_eq!(t1.total_failures(), 0);
        assert_eq!(
            run.aborts,
            [("trace too long".into(), "run at main pc 9".into())]
        );
        assert_eq!(run.other, ["[asm] patched exit 0"]);
        assert_eq!(run.summary.as_ref().unwrap().aborts[0].1, 1);
        let g = groups(&t0.optimized.as_ref().unwrap().ops);
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].0, None);
        assert_eq!(g[1].0, Some("main pc 6"));
        assert_eq!(g[1].1.len(), 3);
        assert_eq!(g[1].1[1].guard, Some(0));
    }

    #[test]
    fn a_retried_trace_keeps_its_last_records() {
        let log = "{\"ev\":\"start\",\"format\":1}\n\
            {\"ev\":\"trace\",\"id\":0,\"kind\":\"loop\",\"optimized\":false,\"name\":\"a\",\"inputs\":\"[]\",\"ops\":[]}\n\
            {\"ev\":\"trace\",\"id\":0,\"kind\":\"loop\",\"optimized\":false,\"name\":\"b\",\"inputs\":\"[]\",\"ops\":[{\"text\":\"x\"}]}\n";
        let run = parse(log).unwrap();
        assert_eq!(run.traces[&0].name, "b");
        assert_eq!(run.traces[&0].recorded.as_ref().unwrap().ops.len(), 1);
    }

    #[test]
    fn bad_logs_are_errors_with_lines() {
        let e = parse("").unwrap_err();
        assert!(e.msg.contains("empty log"), "{e}");
        let e = parse("{trace loop 0 \"x\"\n[i0]\n").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.msg.contains("METATRACER_LOG=json"), "{e}");
        let e = parse("{\"ev\":\"start\",\"format\":1}\n{\"ev\":\"trace\",\"id\":\"zero\"}\n")
            .unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.msg.contains("bad log record"), "{e}");
        let e = parse("{\"ev\":\"start\",\"format\":1}\n{\"ev\":\"code\",\"id\":0,\"addr\":1,\n")
            .unwrap_err();
        assert_eq!(e.line, 2);
        let e = parse("{\"ev\":\"summary\"}\n").unwrap_err();
        assert!(e.msg.contains("start"), "{e}");
        let e = parse("{\"ev\":\"start\",\"format\":99}\n").unwrap_err();
        assert!(e.msg.contains("newer"), "{e}");
    }
}
