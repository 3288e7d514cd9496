//! Compile-fail tests of the JIT annotations: each misuse gives a spanned error that says what
//! to write instead (one misuse per file in `tests/ui/jit/`, expected output in `.stderr`).

#[test]
fn jit_annotation_misuse() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/jit/*.rs");
}
