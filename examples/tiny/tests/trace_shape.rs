//! End-to-end tests that look at the trace the JIT records for a Tiny loop: the value stack
//! lives in memory, and the tracer's address canonicalization, heap cache, lazy stores,
//! bounds-check implication, the promoted stack depth (`promote(m.sp - base)`), the
//! traced allocation (`new`) and the null-test lowering of `Option` matches must keep the
//! loop short.

/// The JIT's parameters are process-wide: tests that set them run one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn jit_loop(src: &str) -> (metatracer::jit::JitStats, i64) {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    metatracer::jit::reset();
    metatracer::set_params("on,threshold=5,enable_opts=all").unwrap();
    let program = tiny::compile(src).unwrap();
    let mut slots = tiny::new_slots();
    let mut m = tiny::Machine::new(&mut slots);
    let r = tiny::run(&program, &mut m);
    (metatracer::jit::stats(), r)
}

/// Ops in a trace's text, without the `debug_merge_point` position markers.
fn ops_of(t: &str) -> usize {
    t.lines()
        .filter(|l| !l.starts_with("debug_merge_point"))
        .count()
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
    let ops = ops_of(t);
    assert!(ops < 115, "{ops} ops in the loop:\n{t}");
    // Pushes and pops are forwarded through the heap cache, and since `sp - base` is promoted
    // the stack top and the locals are one root: no place is loaded twice.
    let mut seen = std::collections::HashMap::new();
    for l in t.lines().filter(|l| l.contains("= load_")) {
        let place = l.split_once('=').unwrap().1.trim().to_string();
        let n = seen.entry(place.clone()).or_insert(0);
        *n += 1;
        assert!(*n <= 1, "{place} loaded {n} times:\n{t}");
    }
    // `sp`, the stack pointer, and the four fields of each of the two locals.
    assert!(count(t, "= load_") <= 10, "loads:\n{t}");
    // Every slot address is `base + constant`: one root, one cast.
    assert!(count(t, "cast_int_to_ptr") <= 1, "{t}");
    // Bounds checks: those between two checked indices of the one root are implied (their
    // compares stay for `dce`, their guards are gone).
    assert!(count(t, "uint_lt") <= 6, "bounds checks:\n{t}");
    // (plus the interrupt check every loop starts with, `metatracer::interrupt`)
    assert_eq!(count(t, "guard_not_interrupted"), 1, "{t}");
    assert!(count(t, "guard_") <= 9, "guards:\n{t}");
    // Lazy stores: nothing in the loop reads memory the heap cache cannot answer, so every
    // store waits for the end of the trace (the guards carry them) and each place is stored
    // once.
    let lines: Vec<&str> = t.lines().collect();
    let last_guard = lines.iter().rposition(|l| l.starts_with("guard_")).unwrap();
    let mut stored = std::collections::HashSet::new();
    for (i, l) in t
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("store_"))
    {
        assert!(i > last_guard, "store before a guard:\n{t}");
        let place = l.rsplitn(3, ',').nth(2).unwrap().to_string();
        assert!(stored.insert(place.clone()), "{place} stored twice:\n{t}");
    }
}

#[test]
fn bench_like_loop_keeps_its_size() {
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/programs/bench.tiny"))
        .unwrap()
        .replace("3000000", "2000");
    let (stats, _) = jit_loop(&src);
    assert!(stats.loops >= 1, "{stats:?}");
    let t = stats.loop_traces.iter().max_by_key(|t| ops_of(t)).unwrap();
    let ops = ops_of(t);
    // Was about 1100 ops per iteration when every access reloaded its slot, ~340 before
    // lazy stores and the promoted stack depth.
    assert!(ops < 230, "{ops} ops in the bench loop:\n{t}");
    assert!(count(t, "= load_") < 40, "loads:\n{t}");
    assert!(count(t, "store_") < 80, "stores:\n{t}");
    // `p.0` / `p.1` match on `Option<Gc<PairObj>>` as a null test; the pair is allocated
    // by the trace itself (`new_pair` is `#[look_inside]`: a `new`, no call); `%` is an
    // inline `int_mod` by the constant divisor (`int_div` is `#[look_inside]`; its tests of
    // the divisor fold). No residual or pure call is left.
    assert_eq!(count(t, " = new("), 1, "{t}");
    assert_eq!(
        count(t, "call_r(") + count(t, "call_i(") + count(t, "call_n(") + count(t, "call_pure_"),
        0,
        "{t}"
    );
    assert_eq!(count(t, ", 1000003)"), 1, "`% 1000003` inline:\n{t}");
    assert_eq!(count(t, "int_mod("), 2, "{t}");
    // No place is loaded twice: slots through the heap cache, the pair's fields because
    // plain fields of a `Gc` object are frozen (stores to slots do not disturb them).
    let mut seen = std::collections::HashSet::new();
    for l in t.lines().filter(|l| l.contains("= load_")) {
        let place = l.split_once('=').unwrap().1.trim().to_string();
        assert!(seen.insert(place.clone()), "{place} loaded twice:\n{t}");
    }
    // An allocation writes no existing memory: the stack slots and `m.sp` are not reloaded
    // after it.
    let after_new = t.lines().skip_while(|l| !l.contains(" = new(")).skip(1);
    let reloads: Vec<&str> = after_new
        .filter(|l| l.contains("= load_") && l.contains("(p0,"))
        .collect();
    assert!(
        reloads.is_empty(),
        "machine fields reloaded after the allocation: {reloads:?}\n{t}"
    );
}

#[test]
fn peeled_loop_checks_invariant_bounds_once() {
    // The default pipeline peels the loop: the value-stack bounds checks on the frame base
    // (`base <u 50000`, `base + k <u 50000`, the same every iteration) stay in the preamble;
    // the loop keeps its own guards (the depth check, the `while` test). The JIT'd result
    // equals the interpreter's.
    let src = "let i = 0;\nlet s = 0;\nwhile i < 1000 {\n    s = s + i * 3;\n    i = i + 1;\n}\nreturn s;\n";
    let (stats, r) = jit_loop(src);
    assert_eq!(r, (0..1000).map(|i| i * 3).sum::<i64>());
    assert_eq!(stats.loops, 1, "{stats:?}");
    assert!(stats.entries > 0, "{stats:?}");
    let t = &stats.loop_opt_traces[0];
    let labels: Vec<usize> = t.match_indices("\nlabel(").map(|(i, _)| i + 1).collect();
    assert_eq!(labels.len(), 2, "preamble and peeled loop:\n{t}");
    let (pre, lp) = t.split_at(labels[1]);
    let guards = |s: &str| count(s, "guard_");
    assert!(
        guards(lp) < guards(pre),
        "{} guards in the loop, {} in the preamble:\n{t}",
        guards(lp),
        guards(pre)
    );
    assert!(count(pre, "uint_lt") >= 2, "preamble bounds checks:\n{pre}");
    assert_eq!(
        count(lp, "uint_lt"),
        0,
        "no bounds check in the loop:\n{lp}"
    );
}

#[test]
fn bench_loop_keeps_the_machine_in_registers() {
    // `Machine` is `#[virtualizable]` with the slots as its `#[frame_array]`: the peeled
    // bench loop loads no slot and stores none (their values cross the back edge in
    // registers and are written back only at the loop's exits, as pending stores of its
    // guards), and, since the IR carries the tracer's alias classes and a fresh object
    // aliases nothing older, no store of the saved frame records or of the pair makes the
    // loop reload them; the write barriers of the sunk slot stores go too. What is left per
    // iteration: the arithmetic and two guards (interrupt, `while`): the calls' depth and
    // stack checks compare values the loop keeps constant, so `intbounds` decides them (since
    // the passes run as chains, it sees the values `heap` forwarded across the label).
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/programs/bench.tiny"))
        .unwrap()
        .replace("3000000", "2000");
    let (stats, _) = jit_loop(&src);
    assert_eq!(stats.loops, 1, "{stats:?}");
    assert!(stats.entries > 0, "{stats:?}");
    let t = &stats.loop_opt_traces[0];
    let labels: Vec<usize> = t.match_indices("\nlabel(").map(|(i, _)| i + 1).collect();
    assert_eq!(labels.len(), 2, "preamble and peeled loop:\n{t}");
    let lp = &t[labels[1]..];
    assert_eq!(count(lp, "= load_"), 0, "loads in the loop:\n{lp}");
    assert_eq!(count(lp, "vitem_"), 0, "slot accesses in the loop:\n{lp}");
    assert_eq!(count(lp, "vable_"), 0, "machine fields in the loop:\n{lp}");
    assert_eq!(count(lp, "call_"), 0, "calls (barriers) in the loop:\n{lp}");
    assert_eq!(count(lp, "guard_"), 2, "{lp}");
    // The pair stored into the local `p` crosses the label as its fields (virtual state at
    // the label: the slot's store is sunk first, so the pair is only in the guards'
    // snapshots), and the frame record and live-length stores repeat what memory holds.
    assert_eq!(count(lp, "new("), 0, "an allocation in the loop:\n{lp}");
    assert_eq!(count(lp, "store_"), 0, "stores:\n{lp}");
    assert!(ops_of(lp) <= 25, "{} ops in the loop:\n{lp}", ops_of(lp));
}

/// Runs `src` with the JIT (bridges after 3 failures) and `short_preamble_limit=limit`.
fn jit_bridges(src: &str, limit: usize) -> (metatracer::jit::JitStats, i64) {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    metatracer::jit::reset();
    metatracer::set_params(&format!(
        "on,threshold=5,trace_eagerness=3,enable_opts=all,short_preamble_limit={limit}"
    ))
    .unwrap();
    let program = tiny::compile(src).unwrap();
    let mut slots = tiny::new_slots();
    let mut m = tiny::Machine::new(&mut slots);
    let r = tiny::run(&program, &mut m);
    (metatracer::jit::stats(), r)
}

#[test]
fn bridge_to_a_peeled_loop_runs_its_own_copy_of_the_preamble() {
    // Collatz steps: the odd branch (`3n + 1`) is a bridge back to the loop. With
    // `short_preamble_limit` the bridge gets a copy of the loop's optimized preamble, which
    // the passes shrink with what the bridge knows (the slots it just wrote, the checks it
    // already made), and jumps straight to the peeled loop; without it the bridge jumps to
    // the loop's first label and runs the whole preamble every time.
    let src = "let n = 27;\nlet steps = 0;\nlet k = 0;\nwhile k < 400 {\n    if n % 2 == 0 { n = n / 2; } else { n = 3 * n + 1; }\n    if n == 1 { n = 27 + k; }\n    steps = steps + 1;\n    k = k + 1;\n}\nreturn steps * 1000 + n;\n";
    let (off, r_off) = jit_bridges(src, 0);
    let (on, r_on) = jit_bridges(src, 200);
    let (_, want) = {
        let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
        metatracer::jit::reset();
        metatracer::set_params("off").unwrap();
        let program = tiny::compile(src).unwrap();
        let mut slots = tiny::new_slots();
        let mut m = tiny::Machine::new(&mut slots);
        ((), tiny::run(&program, &mut m))
    };
    assert_eq!((r_off, r_on), (want, want));
    assert_eq!(off.short_preambles, 0, "{off:?}");
    assert!(on.short_preambles >= 1, "{on:?}");
    let loop_text = &on.loop_opt_traces[0];
    let labels: Vec<usize> = loop_text
        .match_indices("\nlabel(")
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(labels.len(), 2, "a peeled loop:\n{loop_text}");
    let pre_ops = ops_of(&loop_text[labels[0]..labels[1]]) - 1;
    let body_token = loop_text[labels[1]..]
        .lines()
        .next()
        .and_then(|l| l.rsplit_once("descr="))
        .map(|(_, t)| t.trim_end_matches(')').to_string())
        .unwrap();
    // A bridge of the loop that jumps to the peeled loop's label, shorter than the same
    // bridge without the copy plus the preamble it then runs.
    let (i, short) = on
        .bridge_opt_traces
        .iter()
        .enumerate()
        .find(|(_, t)| t.lines().last().is_some_and(|l| l.contains(&body_token)))
        .unwrap_or_else(|| panic!("no bridge jumps to {body_token}: {on:?}"));
    let plain = &off.bridge_opt_traces[i];
    // (measured: 81 ops, against 63 + 63)
    assert!(
        ops_of(short) < ops_of(plain) + pre_ops / 2,
        "{} ops in the bridge with its copy; {} + {pre_ops} without:\n{short}\n{plain}\n{loop_text}",
        ops_of(short),
        ops_of(plain)
    );
    // the copy's guards that the bridge decides are gone
    assert!(
        count(short, "guard_")
            < count(plain, "guard_") + count(&loop_text[labels[0]..labels[1]], "guard_"),
        "{short}"
    );
}
