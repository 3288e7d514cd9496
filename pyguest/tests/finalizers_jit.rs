//! Finalization (`modules/finalize.rs`) with the JIT and on stderr: a compiled loop that
//! abandons instances with `__del__` and generators suspended in `try`/`finally` gets every
//! finalizer run exactly once (automatic collections queue them and they run at later calls;
//! `gc.collect()` nearly all the rest, the exit any straggler), the same counts as the
//! interpreter; and an exception in
//! `__del__` or in a generator's `finally` is reported as CPython's "Exception ignored in"
//! without stopping the program. The finalization semantics themselves are compared with
//! CPython by `tests/programs/finalizers.py`.

use std::process::Command;

const PROGRAM: &str = "\
import gc
count = [0, 0]
class D:
    def __init__(self, i):
        self.i = i
    def __del__(self):
        count[0] += 1
def gen():
    try:
        yield 1
        yield 2
    finally:
        count[1] += 1
def work(n):
    for i in range(n):
        D(i)
        g = gen()
        next(g)
work(20000)
gc.collect()
print(count[0] >= 19900, count[1] >= 19900)
class Report:
    def __del__(self):
        print(count)
r = Report()
";

fn run(jit: &str, src: &str) -> (String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_pyguest"))
        .args(["--jit", jit, "-c", src])
        .env("METATRACER_LOG", "summary")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The number after `label` in the JIT summary.
fn summary_count(err: &str, label: &str) -> usize {
    err.lines()
        .find_map(|l| l.trim().strip_prefix(label))
        .and_then(|rest| rest.trim().parse().ok())
        .unwrap_or_else(|| panic!("no `{label}` in the summary:\n{err}"))
}

#[test]
fn compiled_loop_runs_every_finalizer_once() {
    // Nearly all ran at `gc.collect()` (a stale stack word may keep one alive a little
    // longer); the exit finalizes the rest before `Report`, the last registered object.
    let want = "True True\n[20000, 20000]\n";
    let (off, _) = run("off", PROGRAM);
    assert_eq!(off, want);
    let (on, err) = run("threshold=50", PROGRAM);
    assert_eq!(on, want);
    assert!(
        summary_count(&err, "loops compiled") >= 1,
        "the loop should compile:\n{err}"
    );
    let (failing, _) = run("threshold=3,fail_guards=1", PROGRAM);
    assert_eq!(failing, want);
}

#[test]
fn errors_in_finalizers_are_reported_and_ignored() {
    let src = "\
import gc
class B:
    def __del__(self):
        raise ValueError('boom')
def g():
    try:
        yield 1
    finally:
        raise KeyError('in finally')
b = B()
del b
gc.collect()
print('went on')
it = g()
next(it)
del it
gc.collect()
print('still going')
";
    for jit in ["off", "threshold=1"] {
        let (out, err) = run(jit, src);
        assert_eq!(out, "went on\nstill going\n");
        assert!(
            err.contains("Exception ignored in: <function B.__del__ at 0x"),
            "{err}"
        );
        assert!(err.contains("ValueError: boom"), "{err}");
        assert!(
            err.contains("Exception ignored in: <generator object g at 0x"),
            "{err}"
        );
        assert!(err.contains("KeyError: 'in finally'"), "{err}");
        let ignored = err.matches("Exception ignored in").count();
        assert_eq!(ignored, 2, "each reported once:\n{err}");
    }
}
