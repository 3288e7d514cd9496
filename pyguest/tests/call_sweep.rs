//! The call sweep: runs `tests/sweep/call_sweep.py`, which finds every built-in function,
//! built-in class and method of a built-in type at run time (through `dir()`) and calls each
//! with 0 to 4 arguments of assorted types, catching what they raise. No call may crash the
//! interpreter: a Rust panic (`panicked at` on stderr, exit 70), an abort or a signal is a
//! failure. When a run crashes, the driver notes the callable and the arguments (the program
//! writes a marker line before each) and restarts after that callable, so one run lists every
//! crashing callable, not only the first.
//!
//! The exclusions (callables that would block, exit or print help; arithmetic whose true
//! result is astronomically large for a huge argument) are listed in the Python program.
//! Assumes the `pyguest` binary built by Cargo for this test (`CARGO_BIN_EXE_pyguest`).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One crash: the callable's number and name, the call's arguments, and what happened.
struct Crash {
    index: usize,
    name: String,
    args: String,
    what: String,
}

/// The outcome of one run starting at some callable.
enum Run {
    Done { count: usize },
    Crashed(Crash),
}

fn run_from(start: usize, deadline: Instant) -> Run {
    let prog = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sweep/call_sweep.py");
    let log = std::env::temp_dir().join(format!("pyguest-sweep-{}.err", std::process::id()));
    let errf = std::fs::File::create(&log).expect("creating the sweep log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_pyguest"))
        .arg("run")
        .arg(&prog)
        .arg(start.to_string())
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(errf)
        .spawn()
        .expect("running pyguest");
    let status = loop {
        if let Some(s) = child.try_wait().expect("waiting for pyguest") {
            break Some(s);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let err = std::fs::read_to_string(&log).unwrap_or_default();
    let _ = std::fs::remove_file(&log);
    let mut index = usize::MAX;
    let mut name = String::new();
    let mut args = String::new();
    let mut count = None;
    let mut panic_line = None;
    for line in err.lines() {
        if let Some(rest) = line.strip_prefix("@@C ") {
            let (i, n) = rest.split_once(' ').unwrap_or((rest, ""));
            index = i.parse().unwrap_or(usize::MAX);
            name = n.to_string();
            args.clear();
        } else if let Some(rest) = line.strip_prefix("@@done ") {
            count = rest.parse().ok();
        } else if let Some(rest) = line.strip_prefix("@@ ") {
            args = rest.to_string();
        } else if panic_line.is_none() && line.contains("panicked at") {
            panic_line = Some(line.to_string());
        } else if let Some(p) = panic_line.as_mut().filter(|p| !p.contains('\n')) {
            // the panic message follows the location line
            p.push('\n');
            p.push_str(line);
        }
    }
    match (status, count) {
        (Some(s), Some(count)) if s.success() && panic_line.is_none() => Run::Done { count },
        (status, _) => {
            let what = match (panic_line, status) {
                (Some(p), _) => p,
                (None, Some(s)) => format!("exited with {s}"),
                (None, None) => "timed out".to_string(),
            };
            assert!(
                index != usize::MAX,
                "the sweep crashed before its first callable: {what}\n{err}"
            );
            Run::Crashed(Crash {
                index,
                name,
                args,
                what,
            })
        }
    }
}

#[test]
fn no_builtin_call_crashes_the_interpreter() {
    let deadline = Instant::now() + Duration::from_secs(900);
    let mut crashes: Vec<Crash> = Vec::new();
    let mut start = 0;
    let count = loop {
        match run_from(start, deadline) {
            Run::Done { count } => break count,
            Run::Crashed(c) => {
                assert!(c.index >= start, "the sweep went backwards");
                let timed_out = c.what == "timed out";
                start = c.index + 1;
                crashes.push(c);
                if timed_out {
                    break 0;
                }
            }
        }
    };
    let report: Vec<String> = crashes
        .iter()
        .map(|c| format!("#{} {}{}: {}", c.index, c.name, c.args, c.what))
        .collect();
    eprintln!(
        "call sweep: {} of {} callables crashed the interpreter",
        crashes.len(),
        count
    );
    assert!(crashes.is_empty(), "{}", report.join("\n"));
    // the enumeration really found the built-in functions and the methods of the types
    assert!(count > 2000, "the sweep found only {count} callables");
}
