//! Differential testing of a guest language binary: every program must print the same with
//! the JIT off, on, with every guard failing, and with each guard failing in turn.
//!
//! The helpers run the guest's binary (one that takes `--jit SPEC PROGRAM`, see
//! [`crate::cli`]) as a child process, so a crash in compiled code fails the test with a message
//! instead of killing the test runner. Each run gets `METATRACER_LOG=summary:FILE` so the
//! helper can read the JIT's summary ([`Summary`]): the guard sweep learns from it how many
//! guard indices there are to try (`fail_guard=0`, `1`, ... up to the most guards any compiled
//! trace had, in any run of the sweep), so it follows the traces as they change instead of a
//! hard-coded count.
//!
//! A language's `tests/differential.rs` is then a few lines:
//!
//! ```no_run
//! #[test]
//! fn all_programs_agree() {
//!     // (in the real test: env!("CARGO_BIN_EXE_mylang"))
//!     let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/programs");
//!     let report = metatracer::testing::assert_programs_agree("target/debug/mylang", dir, "ml");
//!     assert!(report.programs >= 3);
//! }
//! ```
//!
//! or, for another plan, [`Differential`] with [`programs`] and [`Differential::check_all`].
//!
//! Assumes the binary writes the program's output to stdout, exits with status 0 for the
//! programs under test, reads no stdin (it gets an empty one), and is deterministic.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// The numbers of a run's JIT summary (`METATRACER_LOG=summary`) the tests use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Loops compiled.
    pub loops: u64,
    /// Bridges compiled.
    pub bridges: u64,
    /// Guards compiled.
    pub guards: u64,
    /// The most guards in one compiled trace.
    pub most_guards: u64,
    /// Guard exits taken.
    pub guard_exits: u64,
}

impl Summary {
    /// Reads the numbers from summary text (missing lines count as 0).
    pub fn parse(text: &str) -> Summary {
        let num = |label: &str| {
            text.lines()
                .find_map(|l| l.trim_start().strip_prefix(label))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(0)
        };
        Summary {
            loops: num("loops compiled"),
            bridges: num("bridges compiled"),
            guards: num("guards compiled"),
            most_guards: num("most guards in a trace"),
            guard_exits: num("guard exits taken"),
        }
    }
}

/// One finished run of the binary.
#[derive(Clone, Debug)]
pub struct Run {
    /// What the program printed.
    pub stdout: Vec<u8>,
    /// Its stderr (without the JIT summary, which went to a file).
    pub stderr: Vec<u8>,
    /// Its exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    /// The JIT summary of the run.
    pub summary: Summary,
    /// Wall time of the run.
    pub time: Duration,
}

/// The programs in `dir` whose names end in `.EXT`, sorted.
pub fn programs(dir: impl AsRef<Path>, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir.as_ref())
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == ext))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Runs `bin --jit JIT PROG` with a time limit and collects output and JIT summary.
pub fn run(bin: &Path, jit: &str, prog: &Path, limit: Duration) -> Result<Run, String> {
    static N: AtomicUsize = AtomicUsize::new(0);
    let summary_file = std::env::temp_dir().join(format!(
        "metatracer-summary-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let what = || format!("{} --jit {jit} {}", bin.display(), prog.display());
    let start = Instant::now();
    let mut child = Command::new(bin)
        .args(["--jit", jit])
        .arg(prog)
        .env(
            "METATRACER_LOG",
            format!("summary:{}", summary_file.display()),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", what()))?;
    let mut out_pipe = child.stdout.take().ok_or("no stdout pipe")?;
    let mut err_pipe = child.stderr.take().ok_or("no stderr pipe")?;
    let out_reader = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = out_pipe.read_to_end(&mut b);
        b
    });
    let err_reader = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = err_pipe.read_to_end(&mut b);
        b
    });
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                let _ = std::fs::remove_file(&summary_file);
                return Err(format!("{} ran longer than {limit:?}", what()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(e) => return Err(format!("waiting for {}: {e}", what())),
        }
    };
    let time = start.elapsed();
    let stdout = out_reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    let summary = Summary::parse(&std::fs::read_to_string(&summary_file).unwrap_or_default());
    let _ = std::fs::remove_file(&summary_file);
    Ok(Run {
        stdout,
        stderr,
        code: status.code(),
        summary,
        time,
    })
}

/// Where two outputs first differ, for messages.
pub fn first_difference(want: &[u8], got: &[u8]) -> String {
    let (w, g) = (String::from_utf8_lossy(want), String::from_utf8_lossy(got));
    let (mut wl, mut gl) = (w.lines(), g.lines());
    for n in 1.. {
        match (wl.next(), gl.next()) {
            (None, None) => break,
            (a, b) if a == b => continue,
            (a, b) => {
                return format!(
                    "line {n}: expected {:?}, got {:?}",
                    a.unwrap_or("<end>"),
                    b.unwrap_or("<end>")
                )
            }
        }
    }
    "outputs differ in line endings only".into()
}

/// What [`Differential::check_all`] ran.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Programs checked.
    pub programs: usize,
    /// Runs in all.
    pub runs: usize,
    /// Runs with a `fail_guard=N` sweep setting.
    pub sweep_runs: usize,
    /// Per program: the number of guard indices its sweeps covered.
    pub swept: Vec<(PathBuf, u64)>,
    /// Bridges compiled in all sweep runs together.
    pub sweep_bridges: u64,
    /// Guard exits taken in all sweep runs together.
    pub sweep_guard_exits: u64,
}

/// A counting semaphore: at most `threads` child processes run at once, however the work is
/// split over threads (programs in parallel, and each program's sweep in parallel).
#[derive(Debug)]
struct Slots {
    free: Mutex<usize>,
    freed: Condvar,
}

impl Slots {
    fn new(n: usize) -> Arc<Slots> {
        Arc::new(Slots {
            free: Mutex::new(n),
            freed: Condvar::new(),
        })
    }

    fn with<R>(&self, f: impl FnOnce() -> R) -> R {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        while *free == 0 {
            free = self.freed.wait(free).unwrap_or_else(|e| e.into_inner());
        }
        *free -= 1;
        drop(free);
        let r = f();
        *self.free.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.freed.notify_one();
        r
    }
}

/// The differential test plan for one guest binary.
#[derive(Clone, Debug)]
pub struct Differential {
    bin: PathBuf,
    configs: Vec<String>,
    sweeps: Vec<String>,
    limit: Duration,
    threads: usize,
    slots: Arc<Slots>,
}

impl Differential {
    /// The default plan for `bin`: the reference is `--jit off`; compared with it are `on`,
    /// `threshold=3`, `threshold=3,trace_eagerness=2` (bridges early),
    /// `threshold=1000,fail_guards=1` (every guard fails),
    /// `threshold=3,trace_eagerness=2,fail_guards_random=1` (one pseudo-random guard per loop
    /// and per bridge of a loop), and a guard sweep on
    /// `threshold=3,trace_eagerness=2` (each guard index fails in turn, bridges included).
    pub fn new(bin: impl Into<PathBuf>) -> Differential {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        Differential {
            bin: bin.into(),
            configs: [
                "on",
                "threshold=3",
                "threshold=3,trace_eagerness=2",
                "threshold=1000,fail_guards=1",
                "threshold=3,trace_eagerness=2,fail_guards_random=1",
            ]
            .map(String::from)
            .to_vec(),
            sweeps: vec!["threshold=3,trace_eagerness=2".into()],
            limit: Duration::from_secs(120),
            threads,
            slots: Slots::new(threads),
        }
    }

    /// Replaces the fixed `--jit` settings compared with `off`.
    pub fn configs(mut self, configs: &[&str]) -> Differential {
        self.configs = configs.iter().map(|s| s.to_string()).collect();
        self
    }

    /// Replaces the bases of the guard sweeps (`BASE,fail_guard=N` for each `N`).
    pub fn sweeps(mut self, bases: &[&str]) -> Differential {
        self.sweeps = bases.iter().map(|s| s.to_string()).collect();
        self
    }

    /// The time limit of one run (default 120 s).
    pub fn time_limit(mut self, limit: Duration) -> Differential {
        self.limit = limit;
        self
    }

    /// How many runs happen at once (default: the machine's parallelism).
    pub fn threads(mut self, n: usize) -> Differential {
        self.threads = n.max(1);
        self.slots = Slots::new(self.threads);
        self
    }

    fn run_ok(&self, jit: &str, prog: &Path) -> Result<Run, String> {
        let r = self.slots.with(|| run(&self.bin, jit, prog, self.limit))?;
        if r.code != Some(0) {
            return Err(format!(
                "{} with --jit {jit} exited with {:?}: {}",
                prog.display(),
                r.code,
                String::from_utf8_lossy(&r.stderr)
            ));
        }
        Ok(r)
    }

    fn compare(&self, jit: &str, prog: &Path, reference: &[u8]) -> Result<Run, String> {
        let r = self.run_ok(jit, prog)?;
        if r.stdout != reference {
            return Err(format!(
                "{} differs with --jit {jit} ({})",
                prog.display(),
                first_difference(reference, &r.stdout)
            ));
        }
        Ok(r)
    }

    /// Sweeps `base,fail_guard=N` for N = 0, 1, ... until N reaches the most guards of any
    /// trace seen in the sweep's runs (and in the run of `base` itself); every output must
    /// equal `reference`. The indices run on up to `threads` threads. Returns the number of
    /// indices and the sweep's runs' summaries.
    pub fn sweep(
        &self,
        base: &str,
        prog: &Path,
        reference: &[u8],
    ) -> Result<(u64, Vec<Summary>), String> {
        let most = AtomicU64::new(self.compare(base, prog, reference)?.summary.most_guards);
        let next = AtomicU64::new(0);
        let failed = AtomicBool::new(false);
        let out = Mutex::new((Vec::new(), Vec::new()));
        // Take the next index only while it is below the current bound, so a worker that
        // stops never loses an index a later run's larger bound would have needed (the worker
        // whose run raised the bound goes on).
        let take = || loop {
            let n = next.load(Ordering::Acquire);
            if n >= most.load(Ordering::Acquire) || failed.load(Ordering::Relaxed) {
                return None;
            }
            if next
                .compare_exchange(n, n + 1, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
            {
                return Some(n);
            }
        };
        std::thread::scope(|s| {
            for _ in 0..self.threads {
                s.spawn(|| {
                    while let Some(n) = take() {
                        let r = self.compare(&format!("{base},fail_guard={n}"), prog, reference);
                        let mut g = out.lock().unwrap_or_else(|e| e.into_inner());
                        match r {
                            Ok(r) => {
                                most.fetch_max(r.summary.most_guards, Ordering::AcqRel);
                                g.0.push(r.summary);
                            }
                            Err(e) => {
                                failed.store(true, Ordering::Relaxed);
                                g.1.push(e);
                            }
                        }
                    }
                });
            }
        });
        let (seen, errors) = out.into_inner().unwrap_or_else(|e| e.into_inner());
        match errors.into_iter().next() {
            Some(e) => Err(e),
            None => Ok((most.into_inner(), seen)),
        }
    }

    /// Checks one program against its `--jit off` output; adds to `report`.
    pub fn check(&self, prog: &Path, report: &mut Report) -> Result<(), String> {
        let reference = self.run_ok("off", prog)?.stdout;
        report.runs += 1;
        for c in &self.configs {
            self.compare(c, prog, &reference)?;
            report.runs += 1;
        }
        let mut swept = 0;
        for base in &self.sweeps {
            let (n, runs) = self.sweep(base, prog, &reference)?;
            swept = swept.max(n);
            report.runs += 1 + runs.len();
            report.sweep_runs += runs.len();
            report.sweep_bridges += runs.iter().map(|s| s.bridges).sum::<u64>();
            report.sweep_guard_exits += runs.iter().map(|s| s.guard_exits).sum::<u64>();
        }
        report.swept.push((prog.to_path_buf(), swept));
        report.programs += 1;
        Ok(())
    }

    /// Checks every program (all at once, each in its own thread; the runs share `threads`
    /// slots); every failure is reported.
    pub fn check_all(&self, progs: &[PathBuf]) -> Result<Report, String> {
        if progs.is_empty() {
            return Err("no programs to check".into());
        }
        let next = AtomicUsize::new(0);
        let results = Mutex::new((Report::default(), Vec::<String>::new()));
        std::thread::scope(|s| {
            for _ in 0..progs.len() {
                s.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(p) = progs.get(i) else { break };
                    let mut r = Report::default();
                    let res = self.check(p, &mut r);
                    let mut g = results.lock().unwrap_or_else(|e| e.into_inner());
                    match res {
                        Ok(()) => merge(&mut g.0, r),
                        Err(e) => g.1.push(e),
                    }
                });
            }
        });
        let (mut report, errors) = results.into_inner().unwrap_or_else(|e| e.into_inner());
        if !errors.is_empty() {
            return Err(errors.join("\n"));
        }
        report.swept.sort();
        Ok(report)
    }
}

/// The usual test body: checks every `*.EXT` program in `dir` with [`Differential::new`]'s
/// plan and panics with the first difference. Also panics when there are no programs, or when
/// no sweep run happened (no loop was compiled in any program: the test would prove nothing).
pub fn assert_programs_agree(bin: &str, dir: &str, ext: &str) -> Report {
    let progs = programs(dir, ext);
    let report = Differential::new(bin)
        .check_all(&progs)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        report.sweep_runs > 0,
        "no guard was swept (no compiled loops?): {report:?}"
    );
    report
}

fn merge(into: &mut Report, r: Report) {
    into.programs += r.programs;
    into.runs += r.runs;
    into.sweep_runs += r.sweep_runs;
    into.swept.extend(r.swept);
    into.sweep_bridges += r.sweep_bridges;
    into.sweep_guard_exits += r.sweep_guard_exits;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_numbers() {
        let text = crate::jitlog::summary();
        // the counters are process-wide; just check every label parses
        for label in [
            "loops compiled",
            "bridges compiled",
            "guards compiled",
            "most guards in a trace",
            "guard exits taken",
        ] {
            assert!(text.contains(label), "{label} missing from\n{text}");
        }
        let fake = "metatracer JIT summary\n  loops compiled 3\n  bridges compiled 2\n  guards compiled 40\n  most guards in a trace 17\n  guard exits taken 9\n";
        assert_eq!(
            Summary::parse(fake),
            Summary {
                loops: 3,
                bridges: 2,
                guards: 40,
                most_guards: 17,
                guard_exits: 9
            }
        );
    }

    #[test]
    fn differences_are_located() {
        assert_eq!(
            first_difference(b"a\nb\nc\n", b"a\nx\nc\n"),
            "line 2: expected \"b\", got \"x\""
        );
        assert!(first_difference(b"a\n", b"a\nb\n").contains("expected \"<end>\""));
    }

    #[test]
    fn runs_report_failures_not_panics() {
        let r = run(
            Path::new("/nonexistent/metatracer-guest"),
            "off",
            Path::new("x"),
            Duration::from_secs(5),
        );
        assert!(r.unwrap_err().contains("cannot start"));
        let d = Differential::new("/nonexistent/metatracer-guest");
        assert!(d.check_all(&[]).unwrap_err().contains("no programs"));
    }
}
