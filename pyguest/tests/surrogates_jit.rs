//! Strings holding lone surrogates (`objects/surr.rs`) in a compiled loop: indexing, `chr`,
//! `+`, `len`, `==`, `in`, `ord`, `join` and set membership over them are traced (as
//! residual calls: a surrogate string fails the traces' `Kind::Str` guards, never reaches
//! their fast paths) and the compiled run, also with guards failing, prints what the
//! interpreter prints, which is CPython 3.11's output.

use std::process::Command;

const PROGRAM: &str = "\
parts = []
n = 0
h = 0
s = 'ab\\ud800\\udc80'
for i in range(3000):
    t = s[i % 4] + chr(0xDC00 + i % 7)
    parts.append(t)
    n += len(t) + (t[0] == '\\ud800') + ('\\udc80' in t)
    h += ord(t[-1]) - 0xDC00
print(n, h, ascii(''.join(parts[:6])), ascii(parts[-1]), len(set(parts)))
";

/// What CPython 3.11 prints for `PROGRAM`.
const WANT: &str =
    "7500 8994 'a\\udc00b\\udc01\\ud800\\udc02\\udc80\\udc03a\\udc04b\\udc05' '\\udc80\\udc03' 28\n";

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
fn a_loop_over_surrogate_strings_compiles_and_agrees_with_the_interpreter() {
    let (off, _) = run("off");
    assert_eq!(off, WANT);
    let (on, err) = run("threshold=50");
    assert_eq!(on, WANT);
    assert!(
        summary_count(&err, "loops compiled") >= 1,
        "the loop should compile:\n{err}"
    );
    // deoptimization everywhere gives the same output
    let (failing, _) = run("threshold=3,fail_guards=1");
    assert_eq!(failing, WANT);
}
