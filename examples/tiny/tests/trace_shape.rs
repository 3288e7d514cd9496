//! End-to-end tests that look at the trace the JIT records for a Tiny loop: the value stack
//! lives in memory, and the tracer's address canonicalization, heap cache, dead-store
//! elimination and bounds-check implication must keep the loop short.

fn jit_loop(src: &str) -> (metatracer::jit::JitStats, i64) {
    metatracer::jit::reset();
    metatracer::set_params("on,threshold=5").unwrap();
    let program = tiny::compile(src).unwrap();
    let mut slots = tiny::new_slots();
    let mut m = tiny::Machine::new(&mut slots);
    let r = tiny::run(&program, &mut m);
    (metatracer::jit::stats(), r)
}

fn count(t: &str, what: &str) -> usize {
    t.lines().filter(|l| l.contains(what)).count()
}

#[test]
fn counting_loop_reads_each_slot_once_and_checks_bounds_once_per_root() {
    let src = "let i = 0;\nlet s = 0;\nwhile i < 1000 {\n    s = s + i * 2;\n    i = i + 1;\n}\nprint s;\n";
    let (stats, _) = jit_loop(src);
    assert_eq!(stats.loops, 1, "{stats:?}");
    let t = &stats.loop_traces[0];
    let ops = t.lines().count();
    assert!(ops < 115, "{ops} ops in the loop:\n{t}");
    // Pushes and pops are forwarded through the heap cache: a place is loaded again only
    // after a store through the other root (locals are `base + k`, the stack top `sp + k`,
    // and the tracer cannot prove those apart): `i` is read three times per iteration.
    let mut seen = std::collections::HashMap::new();
    for l in t.lines().filter(|l| l.contains("= load_")) {
        let place = l.split_once('=').unwrap().1.trim().to_string();
        let n = seen.entry(place.clone()).or_insert(0);
        *n += 1;
        assert!(*n <= 3, "{place} loaded {n} times:\n{t}");
    }
    assert!(count(t, "= load_") <= 18, "loads:\n{t}");
    // Every slot address is `base + constant`: one cast per root, not one per access.
    assert!(count(t, "cast_int_to_ptr") <= 2, "{t}");
    // Bounds checks: one per distinct slot index at most, and those between two checked
    // indices of the same root are implied (there are 2 roots: locals and the stack top).
    assert!(count(t, "uint_lt") <= 6, "bounds checks:\n{t}");
    // The stack pointer is stored at most once between two guards (dead-store elimination).
    let mut since_guard = 0;
    for l in t.lines() {
        if l.starts_with("guard_") {
            since_guard = 0;
        } else if l.starts_with("store_i(p0, 32,") {
            since_guard += 1;
            assert!(
                since_guard <= 1,
                "sp stored twice without a guard between:\n{t}"
            );
        }
    }
}

#[test]
fn bench_like_loop_keeps_its_size() {
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/programs/bench.tiny"))
        .unwrap()
        .replace("3000000", "2000");
    let (stats, _) = jit_loop(&src);
    assert!(stats.loops >= 1, "{stats:?}");
    let t = stats
        .loop_traces
        .iter()
        .max_by_key(|t| t.lines().count())
        .unwrap();
    let ops = t.lines().count();
    // Was about 1100 ops per iteration when every access reloaded its slot.
    assert!(ops < 450, "{ops} ops in the bench loop:\n{t}");
    assert!(count(t, "= load_") < 70, "loads:\n{t}");
}
