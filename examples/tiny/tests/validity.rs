//! Trace validity: several Tiny programs compiled and run one after another in one process,
//! without `jit::reset()`. Programs of the same shape land at the same addresses (the
//! `Program` on the stack, its buffers from the allocator), so a loop key made of raw
//! addresses would let a program run the traces of a dead one, whose constants are wrong for
//! it. Each result must equal the interpreter's, and the dead programs' traces must be freed.

/// `main` sums `i * k` over a loop with a call in its body (so the trace inlines the callee's
/// bytecode, which differs between the programs only in constants).
fn source(k: i64, n: i64) -> String {
    format!(
        "fn f(x) {{\n    return x * {k};\n}}\nlet i = 0;\nlet s = 0;\nwhile i < {n} {{\n    s = s + f(i);\n    i = i + 1;\n}}\nreturn s;\n"
    )
}

fn run(src: &str) -> (i64, usize) {
    let program = tiny::compile(src).unwrap();
    let addr = &program as *const tiny::Program as usize;
    let mut slots = tiny::new_slots();
    let mut m = tiny::Machine::new(&mut slots);
    (tiny::run(&program, &mut m), addr)
}

#[test]
fn same_shape_programs_do_not_share_traces() {
    let cases = [(3, 200), (5, 200), (3, 150), (7, 300), (2, 200)];
    let sources: Vec<String> = cases.iter().map(|&(k, n)| source(k, n)).collect();
    metatracer::set_params("off").unwrap();
    let expected: Vec<i64> = sources.iter().map(|s| run(s).0).collect();
    for (&(k, n), e) in cases.iter().zip(&expected) {
        assert_eq!(*e, k * n * (n - 1) / 2);
    }
    metatracer::jit::reset();
    metatracer::set_params("on,threshold=5").unwrap();
    let mut addrs = Vec::new();
    for (i, src) in sources.iter().enumerate() {
        let (r, addr) = run(src);
        assert_eq!(r, expected[i], "program {i}:\n{src}");
        addrs.push(addr);
    }
    let st = metatracer::jit::stats();
    metatracer::set_params("off").unwrap();
    assert!(st.loops >= sources.len(), "{st:?}");
    // Every program but the last one was dropped, and with it the traces it compiled (the
    // last one's went when it was dropped too, as nothing ran compiled code at that moment).
    assert_eq!(st.identities_died, sources.len(), "{st:?}");
    assert!(st.traces_freed >= st.loops, "{st:?}");
    assert!(addrs.windows(2).any(|w| w[0] == w[1]), "{addrs:?}");
}
