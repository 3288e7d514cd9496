//! Round trip of real runs: a Tiny program runs in this process with the JSON log captured,
//! the log is read back and rendered, and the page must show what the run did: loops and
//! bridges, guest positions from Tiny's `get_printable_location`, guard exit counts that agree
//! with the bridges' trigger counts, and (with every guard failing) one guard exit per entry.
//!
//! One test function: the JIT log and the JIT parameters are process-wide.

use metatracer::jitlog;
use metatracer_view::{html, log};

/// A loop with a branch that goes the other way every third iteration: its guard fails often
/// enough to get a bridge.
const PROGRAM: &str = "
let i = 0;
let a = 0;
while i < 3000 {
    if i % 3 == 0 {
        a = a + 1;
    } else {
        a = a + 2;
    }
    i = i + 1;
}
print a;
";

fn run_logged(params: &str) -> String {
    metatracer::jit::reset();
    metatracer::set_params("on,threshold=1000,trace_eagerness=200,fail_guards=0").unwrap();
    metatracer::set_params(params).unwrap();
    jitlog::capture_json();
    let program = tiny::compile(PROGRAM).unwrap();
    let mut slots = tiny::new_slots();
    let mut m = tiny::Machine::new(&mut slots);
    tiny::run(&program, &mut m);
    jitlog::write_exit_records();
    let out = jitlog::take_captured();
    jitlog::capture(&[]);
    out
}

#[test]
fn logs_of_tiny_runs_round_trip_into_the_report() {
    // --- bridges: a low threshold and eagerness
    let text = run_logged("threshold=3,trace_eagerness=2");
    let run = log::parse(&text).expect("the JSON log parses");
    let loops: Vec<_> = run.of_kind("loop").filter(|t| t.compiled()).collect();
    let bridges: Vec<_> = run.of_kind("bridge").filter(|t| t.compiled()).collect();
    assert!(!loops.is_empty(), "no loop in {text}");
    assert!(!bridges.is_empty(), "no bridge in {text}");
    for t in loops.iter().chain(&bridges) {
        let opt = t.optimized.as_ref().expect("optimized trace logged");
        assert!(t.recorded.is_some());
        // every merge point carries Tiny's printable location (but the marker in front of
        // a bridge's copy of its loop's preamble, `opt::unroll::Preamble`)
        let locs: Vec<&str> = opt.ops.iter().filter_map(|o| o.loc.as_deref()).collect();
        assert!(!locs.is_empty(), "trace {} has no positions", t.id);
        assert!(
            locs.iter()
                .all(|l| l.starts_with("main pc ") || *l == "unroll: copy of the loop's preamble"),
            "{locs:?}"
        );
        // guard numbers are 0, 1, 2, ... in op order
        let guards: Vec<usize> = opt.ops.iter().filter_map(|o| o.guard).collect();
        assert_eq!(guards, (0..guards.len()).collect::<Vec<_>>());
        assert_eq!(t.code.as_ref().unwrap().guards, guards.len());
    }
    for b in &bridges {
        let (parent, guard, failures) = b.parent.expect("a bridge names its guard");
        let p = &run.traces[&parent];
        assert_eq!(p.bridges.get(&guard), Some(&b.id));
        // the exits counted per guard agree with the failures that triggered the bridge
        assert_eq!(p.guard_failures.get(&guard).copied(), Some(failures));
        assert_eq!(
            failures, 3,
            "trace_eagerness=2: the third failure makes the bridge"
        );
        // counted by the machine code: after the bridge was attached, every failure of the
        // guard ran the bridge inside machine code (the driver never saw them)
        let runs = b.runs.expect("the machine code counts bridge runs");
        assert!(runs > 100, "bridge {} ran {runs} times", b.id);
        assert_eq!(
            p.failures(guard),
            failures + runs,
            "guard {guard} of {parent}"
        );
    }
    for t in &loops {
        // a loop's code starts once per entry from the interpreter
        assert_eq!(t.runs, Some(t.entries), "trace {}", t.id);
        // the loop label is reached on every iteration, and the bridges jump back to it
        let iterations = t.iterations().expect("label counters");
        let bridge_runs: u64 = t
            .bridges
            .values()
            .map(|b| run.traces[b].runs.unwrap())
            .sum();
        assert!(
            iterations > bridge_runs,
            "trace {}: {iterations} vs {bridge_runs}",
            t.id
        );
    }
    // the program's loop runs 3000 times; nearly all of it in machine code
    let main_loop = loops.iter().map(|t| t.iterations().unwrap()).max().unwrap();
    assert!(main_loop > 2500, "{main_loop}");
    assert!(loops.iter().any(|t| t.entries > 0));
    let page = html::render(&run);
    assert!(page.contains("id=\"loop-list\""));
    for b in &bridges {
        let (parent, guard, _) = b.parent.unwrap();
        assert!(page.contains(&format!("id=\"t{parent}-g{guard}\">")));
        assert!(page.contains(&format!(
            "<a class=\"bridge-link\" href=\"#trace-{}\">bridge {}</a>",
            b.id, b.id
        )));
        assert!(page.contains(&format!(
            "<section class=\"trace kind-bridge\" id=\"trace-{}\">",
            b.id
        )));
    }
    assert!(page.contains("<div class=\"loc\">main pc "));
    for b in &bridges {
        let (parent, guard, failures) = b.parent.unwrap();
        let total = run.traces[&parent].failures(guard);
        assert!(page.contains(&format!(
            "guard {guard} · {total} failures ({failures} to the interpreter)"
        )));
    }
    assert!(page.contains("<details class=\"asm\">"));

    // --- bridges with a copy of the loop's preamble (`opt::unroll`, "Bridges and the short
    // preamble") jump to the peeled loop's label `t1`; the copy counts as the pass through `t0`
    // it replaces, so every label counts what it counts without copies
    let label_hits = |params: &str| {
        let text = run_logged(params);
        let run = log::parse(&text).expect("the JSON log parses");
        let copies = run
            .of_kind("bridge")
            .filter_map(|b| b.optimized.as_ref())
            .filter(|o| {
                o.ops
                    .iter()
                    .any(|o| o.loc.as_deref() == Some("unroll: copy of the loop's preamble"))
            })
            .count();
        let hits: Vec<Vec<u64>> = run
            .of_kind("loop")
            .filter(|t| t.compiled())
            .map(|t| t.label_hits.clone())
            .collect();
        (copies, hits)
    };
    let (copies, with) = label_hits("threshold=3,trace_eagerness=2,short_preamble_limit=200");
    let (none, without) = label_hits("threshold=3,trace_eagerness=2,short_preamble_limit=0");
    assert!(copies > 0, "no bridge got a copy of the preamble");
    assert_eq!(none, 0);
    assert_eq!(with, without, "{with:?} {without:?}");
    let peeled = with.iter().find(|h| h.len() == 2).expect("a peeled loop");
    assert!(peeled.iter().sum::<u64>() > 2500, "{with:?}");

    // --- every guard fails: no bridges, and each entry leaves through exactly one guard
    let text = run_logged("threshold=1,fail_guards=1");
    let run = log::parse(&text).expect("the JSON log parses");
    assert_eq!(run.of_kind("bridge").count(), 0);
    let loops: Vec<_> = run.of_kind("loop").filter(|t| t.compiled()).collect();
    assert!(!loops.is_empty());
    for t in &loops {
        assert!(t.entries > 0);
        assert_eq!(t.total_failures(), t.entries, "trace {}", t.id);
        // the first guard on the path fails; here that is guard 0, and the machine code's
        // count of it agrees with the driver's
        assert_eq!(t.guard_failures.keys().copied().collect::<Vec<_>>(), [0]);
        assert_eq!(t.failures(0), t.guard_failures[&0]);
        assert_eq!(t.runs, Some(t.entries));
    }
    let page = html::render(&run);
    assert!(page.contains("class=\"ginfo failed\">guard 0 · "));
    assert!(!page.contains("class=\"bridge-link\""));
}
