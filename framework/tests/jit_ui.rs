//! Compile-fail tests of the JIT annotations: each misuse gives a spanned error that says what
//! to write instead (one misuse per file in `tests/ui/jit/`, expected output in `.stderr`).

#[test]
fn jit_annotation_misuse() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/jit/*.rs");
    // (trybuild runs the cases when `t` is dropped, comparing with the `.stderr` files)
    drop(t);
    // The messages never name the hidden `metatracer::__private` module: what the user reads
    // are the messages, labels and notes written for them, and the short names rustc prints
    // for the framework's traits when it must name one. (Only rustc's own "required by a
    // bound in `..`" notes, which point into the framework's source, may show the path: no
    // attribute controls them.)
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/ui/jit");
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "stderr") {
            let text = std::fs::read_to_string(&p).unwrap();
            for line in text.lines() {
                assert!(
                    !line.contains("__private") || line.starts_with("note: required by a bound in"),
                    "{} names the hidden module: {line}",
                    p.display()
                );
            }
        }
    }
}
