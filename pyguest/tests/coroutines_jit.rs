//! Coroutines under the JIT: a loop inside a coroutine that awaits other coroutines (which
//! finish without suspending) and an `async for` over an async generator stay inside the
//! portal, so they are traced and compiled with their awaits as residual calls
//! (`GET_AWAITABLE`, `YIELD_FROM`, `GET_ANEXT`); the compiled run prints what the
//! interpreter prints. The behaviour of coroutines themselves is checked against CPython by
//! `tests/programs/async_*.py`.

use std::process::Command;

const PROGRAM: &str = "\
async def add(a, b):
    return a + b

async def total(n):
    s = 0
    for i in range(n):
        s = await add(s, i)
    return s

async def agen(n):
    for i in range(n):
        yield i * 2

async def consume(n):
    s = 0
    async for v in agen(n):
        s += v
    return s

def run(c):
    try:
        c.send(None)
    except StopIteration as e:
        return e.value

print(run(total(3000)), run(consume(3000)))
";

fn run(jit: &str) -> (String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_pyguest"))
        .args(["--jit", jit, "-c", PROGRAM])
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
fn loops_that_await_are_compiled_and_agree_with_the_interpreter() {
    let want = "4498500 8997000\n";
    let (off, _) = run("off");
    assert_eq!(off, want);
    let (on, err) = run("threshold=50");
    assert_eq!(on, want);
    assert!(
        summary_count(&err, "loops compiled") >= 2,
        "both loops should compile:\n{err}"
    );
    for handler in ["get_awaitable", "yield_from", "get_anext"] {
        assert!(
            err.lines()
                .any(|l| l.contains(&format!("opcodes::{handler}(")) && l.contains("sites")),
            "no residual {handler} in a compiled trace:\n{err}"
        );
    }
    // deoptimization everywhere gives the same output
    let (failing, _) = run("threshold=3,fail_guards=1");
    assert_eq!(failing, want);
}
