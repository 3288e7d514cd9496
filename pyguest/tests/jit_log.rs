//! The framework's JIT command-line help and JSON log reach pyguest: `--jit help` prints the
//! parameter table of `metatracer::jit::PARAMS`, and `METATRACER_LOG=json:FILE` gives a log
//! with its `start`, `trace` and exit `summary` records; the trace of the program's loop is
//! named by its Python position (file, line, function, opcode).

use std::process::Command;

/// Runs `pyguest --jit JIT -c SRC` with the environment `env`, and `METATRACER_LOG=LOG`
/// when given.
fn run_src_env(
    src: &str,
    jit: &str,
    log: Option<&str>,
    env: &[(&str, &str)],
) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pyguest"));
    c.args(["--jit", jit, "-c", src]).envs(env.iter().copied());
    if let Some(l) = log {
        c.env("METATRACER_LOG", l);
    }
    c.output().unwrap()
}

/// Runs `pyguest --jit JIT -c SRC`, with `METATRACER_LOG=LOG` when given.
fn run_src(src: &str, jit: &str, log: Option<&str>) -> std::process::Output {
    run_src_env(src, jit, log, &[])
}

/// With traced Python calls, virtual frames, virtual class calls and traced attribute
/// additions on (`interpreter/opcodes_calls.rs`), whatever the build's default.
const CALLS_ON: &[(&str, &str)] = &[("PYGUEST_JIT_CALLS", "15")];

/// As [`run_src`], with [`CALLS_ON`].
fn run_src_calls(src: &str, jit: &str, log: Option<&str>) -> std::process::Output {
    run_src_env(src, jit, log, CALLS_ON)
}

/// As [`jit_vs_off`], the JIT run with [`CALLS_ON`].
fn jit_vs_off_calls(src: &str, log: &str) -> (String, String) {
    jit_vs_off_env(src, log, CALLS_ON)
}

/// Runs `src` with `--jit off`, then with `--jit threshold=50` and `METATRACER_LOG=LOG`; both
/// must succeed and print the same. The JIT run's stdout and log (its stderr).
fn jit_vs_off(src: &str, log: &str) -> (String, String) {
    jit_vs_off_env(src, log, &[])
}

/// As [`jit_vs_off`], the JIT run with the environment `env`.
fn jit_vs_off_env(src: &str, log: &str, env: &[(&str, &str)]) -> (String, String) {
    let off = run_src(src, "off", None);
    let on = run_src_env(src, "threshold=50", Some(log), env);
    assert!(
        off.status.success() && on.status.success(),
        "{off:?}\n{on:?}"
    );
    assert_eq!(on.stdout, off.stdout);
    (
        String::from_utf8_lossy(&on.stdout).into_owned(),
        String::from_utf8_lossy(&on.stderr).into_owned(),
    )
}

/// An `opt` log from its first compiled loop on (what follows `{opt loop`).
fn first_loop(log: &str) -> &str {
    log.split_once("{opt loop")
        .unwrap_or_else(|| panic!("no loop compiled: {log}"))
        .1
}

/// The loop proper of a compiled loop's text (after its second `label`, the peeled
/// iteration's end, up to the next log section).
fn loop_body(lp: &str) -> &str {
    let body = lp
        .split("label(")
        .nth(2)
        .unwrap_or_else(|| panic!("no loop body: {lp}"));
    body.split("{opt").next().unwrap_or(body)
}

/// The compiled loop of `src` (and what follows it in the log) with `--jit threshold=50` and
/// `METATRACER_LOG=opt`, after checking that it prints what `--jit off` prints.
fn loop_of(src: &str) -> String {
    first_loop(&jit_vs_off(src, "opt").1).to_string()
}

#[test]
fn jit_help_lists_the_framework_parameters() {
    let out = Command::new(env!("CARGO_BIN_EXE_pyguest"))
        .args(["--jit", "help"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for p in metatracer::jit::PARAMS {
        assert!(
            text.contains(&format!("{}=", p.name)),
            "{} missing:\n{text}",
            p.name
        );
    }
    assert!(text.contains("default 1000"), "{text}");
}

/// `pyguest --help` lists the JIT parameters too (a newcomer looks there first).
#[test]
fn help_lists_the_jit_parameters() {
    let out = Command::new(env!("CARGO_BIN_EXE_pyguest"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("--jit"), "{text}");
    for p in metatracer::jit::PARAMS {
        assert!(
            text.contains(&format!("{}=", p.name)),
            "{} missing:\n{text}",
            p.name
        );
    }
}

#[test]
fn json_log_of_a_run_with_a_python_loop() {
    let dir = std::env::temp_dir().join(format!("pyguest-jitlog-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("run.jsonl");
    let out = Command::new(env!("CARGO_BIN_EXE_pyguest"))
        .args(["-c", "s = 0\nfor i in range(5000):\n    s += i\nprint(s)"])
        .env("METATRACER_LOG", format!("json:{}", log.display()))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "12497500\n");
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines.iter().all(|l| l.starts_with('{') && l.ends_with('}')),
        "{text}"
    );
    assert!(lines.iter().all(|l| l.contains("\"ev\":\"")), "{text}");
    assert!(
        lines
            .first()
            .is_some_and(|l| l.contains("\"ev\":\"start\"")),
        "{text}"
    );
    assert!(
        lines
            .last()
            .is_some_and(|l| l.contains("\"ev\":\"summary\"")),
        "{text}"
    );
    assert!(lines.iter().any(|l| l.contains("\"loops\":1")), "{text}");
    assert!(text.contains("\"ev\":\"trace\""), "{text}");
    assert!(
        text.contains("run_loop at <string>:2 <module> #7 FOR_ITER"),
        "{text}"
    );
}

/// `--jit NAME=VALUE` reaches the interpreter's thread (the JIT's parameters are per thread;
/// pyguest runs Python on a thread of its own): a threshold above the loop's trip count
/// compiles nothing, a threshold of 1 compiles the loop.
#[test]
fn jit_parameters_apply_to_the_interpreter_thread() {
    let loops = |spec: &str| {
        let dir = std::env::temp_dir().join(format!("pyguest-jitparams-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join(format!("{}.jsonl", spec.replace([',', '='], "_")));
        let out = run_src(
            "s = 0\nfor i in range(3000):\n    s += i\nprint(s)",
            spec,
            Some(&format!("json:{}", log.display())),
        );
        assert!(out.status.success());
        assert_eq!(String::from_utf8_lossy(&out.stdout), "4498500\n");
        let text = std::fs::read_to_string(&log).unwrap();
        let summary = text.lines().last().unwrap().to_string();
        summary
            .split("\"loops\":")
            .nth(1)
            .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or_else(|| panic!("no loop count in {summary}"))
    };
    assert_eq!(loops("threshold=100000"), 0);
    assert_eq!(loops("threshold=1"), 1);
    assert_eq!(loops("off"), 0);
}

/// A comprehension's filter jumps back to its `FOR_ITER` with `POP_JUMP_IF_FALSE`: that jump is
/// a loop's back edge too (`can_enter_jit!()`), so the loop is counted and traced from there
/// and the JIT does not warn that it closed a loop without a guest backward jump.
#[test]
fn a_filtered_comprehension_is_a_loop() {
    let out = run_src(
        "xs = list(range(300))\nt = 0\nfor k in range(50):\n    t += len([x for x in xs if x % 7 == 3])\nprint(t)",
        "threshold=20",
        Some("summary"),
    );
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "2150\n");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("loops compiled"), "{err}");
    assert!(
        !err.contains("closed without a guest backward jump"),
        "{err}"
    );
}

/// A recursive generator's loop trace may close at a `FOR_ITER` of another of its frames
/// without a backward jump in between (the same code object and position, reached through
/// a resume): that is the guest's recursion, not a program counter missing `#[green]`, and
/// the driver does not warn about it (it did under `threshold=1`, on stderr, once per process).
#[test]
fn a_recursive_generator_loop_is_not_reported_as_a_red_program_counter() {
    let src = "def tree(d):\n    if d == 0:\n        yield 1\n        return\n\
               \x20   for v in tree(d - 1):\n        yield v\n\
               \x20   for v in tree(d - 1):\n        yield v + 1\n\
               print(sum(tree(10)), max(tree(8)))\nt = 0\nfor v in tree(9):\n    t += v\nprint(t)";
    let out = run_src(src, "threshold=1", Some("summary"));
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "6144 9\n2816\n");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("loops compiled"), "{err}");
    assert!(
        !err.contains("closed without a guest backward jump"),
        "{err}"
    );
}

/// `LOAD_GLOBAL` is traced: a loop reading a global and a builtin has no residual lookup left,
/// only the trace's dependency on the dicts' shapes (`guard_not_invalidated`).
#[test]
fn globals_and_builtins_are_read_without_a_lookup_in_traces() {
    let src = "K = 3\nxs = [1, 2]\ndef f(n):\n    t = 0\n    for i in range(n):\n        t += K + len(xs)\n    return t\nprint(f(3000))";
    let (stdout, log) = jit_vs_off(src, "opt");
    assert_eq!(stdout, "15000\n");
    let lp = first_loop(&log);
    assert!(lp.contains("for i in range(n)"), "{lp}");
    assert!(
        !lp.contains("load_global"),
        "a residual global lookup: {lp}"
    );
    assert!(lp.contains("guard_not_invalidated"), "{lp}");
}

/// The number after `name` in a JIT summary (`METATRACER_LOG=summary`).
fn summary_count(log: &str, name: &str) -> u64 {
    log.lines()
        .find_map(|l| l.trim().strip_prefix(name))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("no `{name}` in the summary: {log}"))
}

/// Functions made anew at each call of the body that defines them (a nested `def`, a
/// generator expression) are called in traces by their code object, not guarded by identity:
/// a guard on the function object would fail for every new one and grow a chain of bridges,
/// one per object (nqueens' `set(vec[i] + i for i in cols)` compiled 598 bridges that way).
#[test]
fn functions_made_per_call_do_not_grow_a_chain_of_bridges() {
    let src = "def outer(k):\n    def sq(x):\n        return x * x\n    t = 0\n\
               \x20   for j in range(3):\n        t += sq(j + k)\n    return t\n\
               def gen_sum(k):\n    return sum(x for x in (k, k + 1, k + 2))\n\
               t = 0\nfor i in range(20000):\n    t += outer(i) + gen_sum(i)\nprint(t)";
    let (stdout, log) = jit_vs_off_calls(src, "summary");
    assert_eq!(stdout, "8001200080000\n");
    assert!(summary_count(&log, "loops compiled") >= 1, "{log}");
    let bridges = summary_count(&log, "bridges compiled");
    assert!(bridges <= 20, "{bridges} bridges: {log}");
}

/// Class attributes read through the class (`Direction.FORWARD`) or through an instance
/// that does not shadow them (`self.LIMIT`) are constants of the trace for the class epoch:
/// no residual `load_attr_slow`, which would also let an inlined call's frame escape.
#[test]
fn class_attributes_are_constants_in_traces() {
    let src = "class Direction:\n    FORWARD = 1\n    BACKWARD = -1\n\
               class Walker:\n    LIMIT = 7\n    def __init__(self):\n        self.pos = 0\n\
               def f(n):\n    w = Walker()\n    t = 0\n    for i in range(n):\n\
               \x20       if i % 3 == 0:\n            d = Direction.FORWARD\n\
               \x20       else:\n            d = Direction.BACKWARD\n\
               \x20       t += d * w.LIMIT\n    return t\nprint(f(3000))";
    let (stdout, log) = jit_vs_off(src, "opt");
    assert_eq!(stdout, "-7000\n");
    let lp = first_loop(&log);
    assert!(lp.contains("LOAD_ATTR"), "{lp}");
    assert!(
        !lp.contains("load_attr_slow"),
        "a residual attribute lookup: {lp}"
    );
    assert!(lp.contains("guard_not_invalidated"), "{lp}");
}

#[test]
fn truth_tests_and_or_negation_and_float_compares_are_traced() {
    // ints and None as conditions, `and`/`or`, `-i`, and float comparisons: none of them
    // leaves a residual call of its handler in the loop
    let src = "def f(n):\n    t = 0\n    x = 0.5\n    for i in range(n):\n        m = i % 3\n        if m:\n            t += 1\n        w = m and i\n        v = None\n        if v or w:\n            t += -i\n        if x * i < 700.0:\n            t += 2\n    return t\nprint(f(3000))";
    let lp = loop_of(src);
    for residual in [
        "truthy",
        "jump_if_false_or_pop",
        "unary_neg",
        "compare_op_slow",
    ] {
        assert!(!lp.contains(residual), "a residual {residual}: {lp}");
    }
}

/// Float arithmetic allocates its results in the trace (`FloatBox`, a `new` the optimizer can
/// remove): in `x = x + y * 2.0 - 0.5` the two temporaries are never allocated and only the
/// value left in the local `x` at the end of an iteration is (one `new` in the loop instead of
/// three residual `new_float` calls); the printed result is the interpreter's.
#[test]
fn float_temporaries_are_not_allocated_in_traces() {
    let src = "def f(n):\n    x = 0.0\n    y = 1.5\n    i = 0\n    while i < n:\n        x = x + y * 2.0 - 0.5\n        i += 1\n    return x\nprint(f(5000))";
    let (stdout, log) = jit_vs_off(src, "opt");
    assert_eq!(stdout, "12500.0\n");
    let lp = first_loop(&log);
    assert!(lp.contains("while i < n"), "{lp}");
    // the loop proper: after the peeled iteration's label
    let body = &lp[lp.rfind("label(").expect("a loop label")..];
    // (`y * 2.0` is loop-invariant now that the box of `y` is read once, in the preamble)
    assert!(
        body.contains("float_sub"),
        "the float path is traced: {body}"
    );
    assert!(
        !body.contains("new_float"),
        "a residual float allocation: {body}"
    );
    // the float left in `x` crosses the loop's label unboxed (virtual state at the label)
    assert_eq!(body.matches(" new(").count(), 0, "an allocation: {body}");
}

/// An elidable call in the loop (`d ** 0.5` is `float_pow`) does not make the frame's float
/// locals real: elidable callees read no frame and never unwind, so `vable` keeps the slots in
/// registers across it and the floats stay unboxed (nbody's `advance`, 0.57x the time).
#[test]
fn an_elidable_call_keeps_float_locals_unboxed() {
    let src = "def f(n):\n    x = 0.0\n    i = 0\n    while i < n:\n        d = x * 0.5 + 2.0\n        x = x + d ** 0.5 - 1.0\n        i += 1\n    return x\nprint(f(5000))";
    let (stdout, log) = jit_vs_off(src, "opt");
    assert!(stdout.trim().parse::<f64>().is_ok(), "{stdout}");
    let lp = first_loop(&log);
    let body = &lp[lp.rfind("label(").expect("a loop label")..];
    assert!(
        body.contains("float_pow"),
        "the power is a call in the loop: {body}"
    );
    assert_eq!(body.matches(" new(").count(), 0, "a float box: {body}");
    assert!(
        !body.contains("store_"),
        "the frame is written in the loop: {body}"
    );
}

/// The bytes the collector allocated in a run of `pyguest --jit threshold=50 -c SRC`
/// (`PYGUEST_GC_STATS`).
fn bytes_allocated(src: &str) -> u64 {
    let out = Command::new(env!("CARGO_BIN_EXE_pyguest"))
        .args(["--jit", "threshold=50", "-c", src])
        .env("PYGUEST_GC_STATS", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    let line = err
        .lines()
        .find(|l| l.contains("bytes_allocated"))
        .unwrap_or_else(|| panic!("no GC stats: {err}"));
    line.trim()
        .trim_start_matches("bytes_allocated:")
        .trim()
        .trim_end_matches(',')
        .parse::<u64>()
        .unwrap()
}

/// Runs the program `src(n)` for 20,000 and 400,000 iterations and asserts that the
/// collector's byte counter stays flat (under 1 MB more): the compiled loop allocates
/// nothing per iteration (`per_iteration` says what one allocation per iteration would
/// add, for the message).
fn assert_allocation_flat(src: impl Fn(u32) -> String, per_iteration: &str) {
    let (small, big) = (
        bytes_allocated(&src(20_000)),
        bytes_allocated(&src(400_000)),
    );
    assert!(
        big < small + 1_000_000,
        "allocation grows with the iterations ({per_iteration} each): {small} -> {big}"
    );
}

/// [`assert_allocation_flat`], then the program `src(3000)` with the JIT on prints `stdout`,
/// as with it off, and compiles at least `loops` loops (the JIT ran it).
fn assert_flat_and_compiled(
    src: impl Fn(u32) -> String,
    per_iteration: &str,
    stdout: &str,
    loops: u64,
) {
    assert_allocation_flat(&src, per_iteration);
    let (out, log) = jit_vs_off(&src(3000), "summary");
    assert_eq!(out, stdout);
    assert!(summary_count(&log, "loops compiled") >= loops, "{log}");
}

/// The same loop allocates nothing once compiled: with ten times the iterations the
/// collector's byte counter (`PYGUEST_GC_STATS`) stays flat.
#[test]
fn a_float_loop_allocates_nothing_per_iteration() {
    let src = |n: u32| {
        format!("def f(n):\n    x = 0.0\n    y = 1.5\n    i = 0\n    while i < n:\n        x = x + y * 2.0 - 0.5\n        i += 1\n    return x\nprint(f({n}))")
    };
    assert_allocation_flat(src, "a float box, 24 bytes");
}

/// A float temporary the loop leaves on the value stack (`total += entry(i, j) * vec[j]`:
/// the product, popped by `+=`) is not written back into the frame's registers at the loop's
/// back edge, so its box is not allocated each iteration (spectral_norm's inner loop): in
/// traces, a binary operation clears the slot of the operand it popped.
#[test]
fn a_float_temporary_popped_by_an_operation_is_not_boxed() {
    let src = |n: u32| {
        format!(
            "def entry(i, j):\n    s = i + j\n    return 1.0 / (s * (s + 1) // 2 + i + 1)\n\
             def f(n):\n    vec = [1.5] * 8\n    total = 0.0\n    for k in range(n):\n\
             \x20       j = k % 8\n        total += entry(k, j) * vec[j]\n    return total\n\
             print(f({n}))"
        )
    };
    assert_flat_and_compiled(
        src,
        "a float box (8.6 MB in all before the slot clearing)",
        "2.3356075984339286\n",
        1,
    );
}

/// A tuple of one to three items built in a trace (`BUILD_TUPLE`) is allocated by the trace
/// (`tuple::new_tuple_traced`), so one that does not escape costs nothing: a pair returned
/// by an inlined call and unpacked, a triple likewise (before, each was an
/// allocating residual call: 117 MB for 400,000 iterations).
#[test]
fn a_tuple_unpacked_in_the_trace_is_not_allocated() {
    let src = |n: u32| {
        format!(
            "def pair(i):\n    return i, i * 2\n\ndef trip(a, b):\n    return b, a, 1\n\n\
             def f(n):\n    t = 0\n    for i in range(n):\n        a, b = pair(i)\n\
             \x20       q, r, s = trip(a, b)\n        t += q + r + s\n    return t\n\
             print(f({n}))"
        )
    };
    assert_flat_and_compiled(
        src,
        "two tuples and their item arrays, about 100 bytes",
        "13498500\n",
        1,
    );
}

/// `for i, x in enumerate(xs)` and `for x, y in zip(xs, ys)` over lists and ranges step the
/// inner iterators in the trace and build the pair there, so the unpacked pair is never
/// allocated (before, each step was a residual `__next__` that allocated the tuple).
#[test]
fn enumerate_and_zip_loops_allocate_nothing() {
    let src = |n: u32| {
        format!(
            "def f(n):\n    xs = list(range(1000))\n    t = 0\n    for k in range(n // 1000):\n\
             \x20       for i, x in enumerate(xs):\n            t += i * x % 7\n\
             \x20       for i, r in enumerate(range(1000), 5):\n            t += r - i\n\
             \x20       for x, r in zip(xs, range(1000, 0, -1)):\n            t += x - r\n\
             \x20   return t\nprint(f({n}))"
        )
    };
    assert_flat_and_compiled(
        src,
        "a 2-tuple and its items, about 60 bytes",
        "-11997\n",
        2,
    );
}

/// `x, y = y, x % y` (and three-value forms) compile to a `SWAP` of the values, as in
/// CPython: no tuple is built, so the loop allocates nothing (before, `BUILD_TUPLE` was a
/// residual call that allocated a tuple per iteration, and gcd_sum ran at 3.2x PyPy's time).
#[test]
fn a_swap_assignment_builds_no_tuple() {
    let src = |n: u32| {
        format!(
            "def f(n):\n    t = 0\n    for a in range(1, n):\n        x, y = a, n - a\n\
             \x20       while y:\n            x, y = y, x % y\n        p, q, r = x, t, a\n\
             \x20       t = p + q + (r & 1)\n    return t\nprint(f({n}))"
        )
    };
    assert_flat_and_compiled(
        src,
        "a 2-tuple, 40 bytes, several per outer iteration",
        "41000\n",
        1,
    );
}

/// An inlined method call whose argument the trace computed (`rng.next(len(vocab))`: a
/// small int built by arithmetic, stored into the callee's register array as an integer
/// word and read back by `LOAD_FAST` as a pointer-kind word) keeps the callee's frame and
/// registers virtual: before, the mismatched kinds made the register array real, one
/// allocation per call (dict_strings' hot loop).
#[test]
fn an_inlined_call_with_a_computed_argument_allocates_nothing() {
    let src = |n: u32| {
        format!(
            "class LCG:\n    def __init__(self, seed):\n        self.state = seed\n\
             \x20   def next(self, bound):\n\
             \x20       self.state = (self.state * 1103515245 + 12345) % 2147483648\n\
             \x20       return (self.state >> 8) % bound\n\
             def f(n, rng):\n    vocab = [1, 2, 3, 4, 5]\n    t = 0\n    for i in range(n):\n\
             \x20       t += rng.next(len(vocab))\n    return t\n\
             print(f({n}, LCG(42)))"
        )
    };
    assert_flat_and_compiled(src, "a register array, 72 bytes", "5900\n", 1);
}

/// A bridge that starts inside an inlined method (a branch of `step` that goes the other way
/// every few iterations) keeps the callee's frame and registers virtual: the guard's pending
/// stores (the frame stored as the current frame and as the virtualizable's `f`) stay pending
/// in the bridge, with their alias classes, so nothing makes the frame escape. Before, the
/// bridge's first load recorded them all and allocated the frame and its registers at each
/// pass (richards_like: 1.8 allocations per iteration).
#[test]
fn a_bridge_inside_an_inlined_call_keeps_its_frame_virtual() {
    let src = |n: u32| {
        format!(
            "class A:\n    def __init__(self):\n        self.n = 0\n        self.next = None\n\
             \x20   def step(self, k):\n        if self.n % 3 == 0:\n            self.n += k\n\
             \x20       else:\n            self.n -= 1\n        return self.next\n\
             def run(n):\n    a = A(); b = A(); a.next = b; b.next = a\n    t = a\n    i = 0\n\
             \x20   while i < n:\n        t = t.step(5)\n        i += 1\n    return a.n, b.n\n\
             print(run({n}))"
        )
    };
    assert_allocation_flat(src, "a frame and its registers (21 MB in all before)");
    let (stdout, log) = jit_vs_off(&src(3000), "summary");
    assert_eq!(stdout, "(1500, 1500)\n");
    assert!(summary_count(&log, "bridges compiled") >= 1, "{log}");
}

/// A recursive generator (a tree walked by `yield from`) does not grow a bridge for every
/// path down its chain of delegating generators: compiled code resumes a generator that
/// delegates to a delegating generator through the general path (the chain runs in the
/// interpreter), so more passes over the same tree compile no more bridges. Before, every
/// level's position was a guard and the bridges grew with the passes (17 after 2 passes, 65
/// after 8 in a release build; pyperformance's `generators` ran 2.5x the interpreter's time).
#[test]
fn a_recursive_generator_does_not_grow_bridges_with_the_passes() {
    let src = |passes: u32| {
        format!(
            "class Tree:\n    def __init__(self, left, value, right):\n\
             \x20       self.left = left\n        self.value = value\n        self.right = right\n\
             \x20   def __iter__(self):\n        if self.left:\n            yield from self.left\n\
             \x20       yield self.value\n        if self.right:\n            yield from self.right\n\
             def tree(lo, hi):\n    if lo >= hi:\n        return None\n    i = (lo + hi) // 2\n\
             \x20   return Tree(tree(lo, i), i, tree(i + 1, hi))\n\
             t = tree(0, 1500)\ntotal = 0\nfor p in range({passes}):\n    for v in t:\n\
             \x20       total += v\nprint(total)"
        )
    };
    let (out2, log2) = jit_vs_off(&src(2), "summary");
    let (out8, log8) = jit_vs_off(&src(8), "summary");
    assert_eq!(out2, "2248500\n");
    assert_eq!(out8, "8994000\n");
    let (b2, b8) = (
        summary_count(&log2, "bridges compiled"),
        summary_count(&log8, "bridges compiled"),
    );
    assert!(summary_count(&log8, "loops compiled") >= 1, "{log8}");
    assert!(
        b8 <= b2 + 3,
        "bridges grow with the passes: {b2} -> {b8}\n{log8}"
    );
}

#[test]
fn in_place_operators_and_shifts_on_small_ints_are_traced() {
    // `//=`, `%=`, `<<`, `>>` and `^=` of small ints: machine operations in the loop, no
    // residual call of the general operator handlers
    let src = "def f(n):\n    d = 0\n    h = 0\n    i = 1\n    while i < n:\n        v = i\n        while v:\n            d += v % 10\n            v //= 10\n        h ^= (i << 3) & 0xFFFF\n        h = h >> 1\n        i += 1\n    return d, h\nprint(f(3000))";
    let (_, log) = jit_vs_off(src, "opt");
    let loops: Vec<&str> = first_loop(&log).split("{opt loop").collect();
    for lp in &loops {
        let lp = &lp[..lp.find("opt}").unwrap_or(lp.len())];
        for slow in ["inplace_op_slow", "binary_op_slow"] {
            assert!(!lp.contains(slow), "{slow} left in a loop: {lp}");
        }
    }
    let inner = loops
        .iter()
        .find(|l| l.contains("while v:"))
        .unwrap_or_else(|| panic!("the inner loop is not compiled: {log}"));
    assert!(inner.contains("int_mod"), "{inner}");
}

#[test]
fn float_powers_and_negation_are_traced() {
    let src = "def f(n):\n    t = 0.0\n    i = 0\n    while i < n:\n        d = i + 0.5\n        t = t + -(d ** 0.5) * 2.0 ** -1.5\n        i += 1\n    return t\nprint(f(3000))";
    let lp = loop_of(src);
    let lp = &lp[..lp.find("opt}").unwrap_or(lp.len())];
    assert!(lp.contains("float_pow"), "{lp}");
    for slow in ["binary_op_slow", "unary_neg_slow"] {
        assert!(!lp.contains(slow), "{slow} left in the loop: {lp}");
    }
}

/// Calls of `len`, `abs`, `min`, `isinstance`, `lst.append(v)` and `lst.pop()` are traced
/// (`interpreter/opcodes_builtins.rs`): the loop's optimized trace has no residual call of the
/// `CALL` handler nor of the general `LOAD_METHOD`, and prints what the interpreter prints.
#[test]
fn builtin_calls_and_list_methods_leave_no_residual_call_in_traces() {
    let src = "def f(n):\n    xs = [0] * 8\n    del xs[:]\n    t = 0\n    for i in range(n):\n        xs.append(i)\n        t += len(xs) + abs(i - 5) + min(i, 7) + max(i, 3, 2)\n        if isinstance(i, int):\n            t += 1\n        t += xs.pop()\n    return t\nprint(f(3000))";
    let lp = loop_of(src);
    assert!(lp.contains("for i in range(n)"), "{lp}");
    for op in ["CALL", "LOAD_METHOD"] {
        assert!(lp.contains(op), "no {op} in the loop: {lp}");
    }
    for residual in ["opcodes::call", "load_method_plain"] {
        assert!(!lp.contains(residual), "a residual {residual}: {lp}");
    }
}

/// `range(k)` and `GET_ITER` of a range or a list are traced (the range and the iterator
/// allocated by the trace): nested loops leave no residual call in any compiled trace, and print
/// what the interpreter prints.
#[test]
#[ignore = "off for now: TRACE_RANGE_ALLOC in interpreter/opcodes_builtins.rs (nqueens slower)"]
fn inner_loop_set_up_leaves_no_residual_call_in_traces() {
    let src = "def f(n):\n    t = 0\n    xs = [1, 2, 3]\n    for i in range(n):\n        for j in range(1, 7, 2):\n            t += j\n        for x in xs:\n            t += x * i\n    return t\nprint(f(3000))";
    let (_, err) = jit_vs_off(src, "summary");
    assert!(err.contains("loops compiled"), "{err}");
    assert!(!err.contains("loops compiled               0"), "{err}");
    for residual in ["get_iter", "opcodes::call", "IterBox", "RangeBox"] {
        assert!(!err.contains(residual), "a residual {residual}: {err}");
    }
}

/// The running frame is the JIT's virtualizable frame (`Ctx`, its register array a
/// `#[frame_array]`): in a loop over locals with no residual call, the loop proper (after the
/// peeled iteration's label) neither loads nor stores a register slot or the stack pointer
/// and runs no write barrier: the locals cross the back edge in registers. The exits write
/// them back, so the printed result is the interpreter's.
#[test]
fn loop_over_locals_keeps_the_frame_in_registers() {
    let src = "def digit_mix(limit):\n    h = 0\n    digits = 0\n    i = 0\n    while i < limit:\n        v = i\n        while v:\n            digits = digits + v % 10\n            v = v // 10\n        h = (h * 131 + i) % 1000000007\n        i += 1\n    return digits, h\nprint(digit_mix(20000))";
    let (stdout, log) = jit_vs_off(src, "opt");
    assert_eq!(stdout, "(370000, 681012829)\n");
    let lp = first_loop(&log);
    assert!(lp.contains("while v:"), "{lp}");
    let lp = &lp[..lp.find("opt}").unwrap_or(lp.len())];
    let body = &lp[lp.rfind("label(").expect("a loop label")..];
    assert!(body.contains("int_mod"), "the `%` is traced: {body}");
    for bad in ["vitem_", "vable_", "write_barrier", "call_"] {
        assert!(!body.contains(bad), "`{bad}` in the loop: {body}");
    }
    // ... while the peeled iteration reads the frame, and the exits list the pending slots
    assert!(lp[..lp.rfind("label(").unwrap()].contains("vitem_"), "{lp}");
}

/// A plain Python call in a loop (a function, a method, a class with a Python `__init__`) and
/// its return are traced: the loop has no residual `CALL` or `RETURN_VALUE` handler, the
/// callees' bodies are in the loop, and their frames (virtual), the instance the class call
/// makes and its `self.x = x` (a traced map transition) leave no allocation and no helper
/// call in the loop proper. The trace of a recursive function's entry has no residual call
/// or return handler either.
#[test]
fn python_calls_and_returns_are_traced() {
    let src = "class P:\n    def __init__(self, x):\n        self.x = x\n    def get(self):\n        return self.x\ndef f(i):\n    return i + 1\ndef g(n):\n    s = 0\n    for i in range(n):\n        s += f(i) + P(i).get()\n    return s\nprint(g(3000))";
    let lp = first_loop(&jit_vs_off_calls(src, "opt").1).to_string();
    assert!(lp.contains("for i in range(n)"), "{lp}");
    for callee in ["f #0 LOAD_FAST", "__init__ #0", "get #0"] {
        assert!(lp.contains(callee), "callee {callee} not in the loop: {lp}");
    }
    // (the loop proper, after the peeled iteration: `f`, `get` and the class call's
    // `__init__` run in virtual frames, the instance is allocated by the trace and its
    // attribute added by a traced store; nothing is left of them)
    let body = loop_body(&lp);
    for helper in ["push_frame", "pop_frame", "store_attr_plain"] {
        assert!(!body.contains(helper), "`{helper}` in the loop: {body}");
    }
    assert!(!body.contains("new("), "an allocation in the loop: {body}");
    for residual in ["opcodes::call", "opcodes::return_value"] {
        assert!(!lp.contains(residual), "a residual {residual}: {lp}");
    }

    let fib = "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\nprint(fib(20))";
    let (_, err) = jit_vs_off_calls(fib, "summary");
    assert!(!err.contains("loops compiled               0"), "{err}");
    for residual in ["opcodes::call", "opcodes::return_value"] {
        assert!(!err.contains(residual), "a residual {residual}: {err}");
    }
}

/// A loop calling a leaf function (`add(s, i)`): the trace makes the callee's frame and
/// register array itself (virtual frames, `opcodes_calls.rs`) and the optimizer removes
/// them, so the loop proper has no allocation and no call at all, and the program prints
/// what the interpreter prints. The GC's allocation counter stays flat.
#[test]
fn a_leaf_call_in_a_loop_allocates_no_frame() {
    let src = "def add(a, b):\n    return a + b\ndef g(n):\n    s = 0\n    i = 0\n    while i < n:\n        s = add(s, i)\n        i += 1\n    return s\nprint(g(200000))";
    let off = run_src(src, "off", None);
    let on = run_src_calls(src, "threshold=50", Some("opt"));
    assert!(off.status.success() && on.status.success());
    assert_eq!(on.stdout, off.stdout);
    assert_eq!(String::from_utf8_lossy(&on.stdout), "19999900000\n");
    let err = String::from_utf8_lossy(&on.stderr);
    let lp = err
        .split("{opt loop")
        .nth(1)
        .unwrap_or_else(|| panic!("no loop compiled: {err}"));
    assert!(
        lp.contains("add #0 LOAD_FAST"),
        "the callee is not in the loop: {lp}"
    );
    let body = loop_body(lp);
    assert!(
        !body.contains("new("),
        "a frame is allocated in the loop: {body}"
    );
    assert!(
        !body.contains("call_"),
        "a call is left in the loop: {body}"
    );
    // ten times the iterations, the same bytes allocated (a frame and its registers per
    // call would be 380000 * 200 bytes more)
    let allocated = |n: u32| {
        let src = src.replace("g(200000)", &format!("g({n})"));
        let out = Command::new(env!("CARGO_BIN_EXE_pyguest"))
            .args(["--jit", "threshold=50", "-c", &src])
            .env("PYGUEST_GC_STATS", "1")
            .env("PYGUEST_JIT_CALLS", "15")
            .output()
            .unwrap();
        assert!(out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        let line = err
            .lines()
            .find(|l| l.contains("bytes_allocated"))
            .unwrap_or_else(|| panic!("no GC stats: {err}"));
        line.trim()
            .trim_start_matches("bytes_allocated:")
            .trim()
            .trim_end_matches(',')
            .parse::<u64>()
            .unwrap()
    };
    let (small, big) = (allocated(20_000), allocated(400_000));
    assert!(
        big < small + 1_000_000,
        "allocation grows with the iterations: {small} -> {big}"
    );
}

/// A method with several locals and long expressions (the compiler's stack size is its
/// deepest stack, `compiler/codegen.rs` `max_stack_depth`, not the sum of its pushes, so its
/// frame fits a virtual register array): its calls in a loop leave no residual
/// `push_frame`/`pop_frame` and no allocation in the loop proper.
#[test]
fn a_method_with_long_expressions_runs_in_a_virtual_frame() {
    let src = "class K:\n    def __init__(self):\n        self.a = 1\n        self.b = 2\n        self.c = 3\n    def m(self, x, y):\n        p = self.a * x + self.b * y - (self.c if x > y else -self.c)\n        q = (p % 7 + self.a) * (p % 5 + self.b) + (x - y) * (x + y) % 11\n        r = (p if (x + y) % 2 else q) + (self.a + self.b + self.c + x + y + p + q) % 3\n        return p + q + r\ndef g(n):\n    k = K()\n    s = 0\n    for i in range(n):\n        s += k.m(i, i % 13)\n    return s\nprint(g(3000))";
    let lp = first_loop(&jit_vs_off_calls(src, "opt").1).to_string();
    assert!(
        lp.contains("m #0 LOAD_FAST"),
        "the callee is not in the loop: {lp}"
    );
    let body = loop_body(&lp);
    for helper in ["push_frame", "pop_frame"] {
        assert!(!lp.contains(helper), "`{helper}` in the trace: {lp}");
    }
    assert!(!body.contains("new("), "an allocation in the loop: {body}");
}

/// `for x in gen()` resumes the generator inside the dispatch loop (`Ctx` switches to its
/// frame and back at `yield`): the consumer's loop compiles with the generator's body inside
/// the trace, with no general `FOR_ITER` (`for_iter_slow`, which resumed the generator by
/// Rust recursion) left in it, and prints what the interpreter prints.
#[test]
fn a_for_loop_over_a_generator_traces_the_generator_body() {
    let src = "def gen(n):\n    i = 0\n    while i < n:\n        yield i * 3\n        i += 1\ndef f(n):\n    t = 0\n    for x in gen(n):\n        t += x ^ 5\n    return t\nprint(f(5000))";
    let (stdout, err) = jit_vs_off(src, "opt,summary");
    assert_eq!(stdout, "37492500\n");
    let lp = first_loop(&err);
    // the consumer's body and the generator's are both in the loop
    for text in ["yield i * 3", "t += x ^ 5", "while i < n"] {
        assert!(lp.contains(text), "{text} not in the loop: {lp}");
    }
    assert!(
        !lp.contains("for_iter_slow"),
        "a residual for_iter_slow: {lp}"
    );
    assert!(
        !err.contains("portal function returned while tracing"),
        "a trace aborted at a yield: {err}"
    );
}

/// `in` on sets and dicts, `set.add`/`remove`/`discard`, dict subscripts and `dict.get` with
/// int and str keys (`interpreter/opcodes_containers.rs`): the loop calls the narrow lookup
/// and update helpers, never the general handlers of `CONTAINS_OP`, `CALL`, `BINARY_SUBSCR`
/// or `STORE_SUBSCR`.
#[test]
fn set_and_dict_operations_leave_no_residual_handler_in_traces() {
    let src = "def f(n):\n    s = set()\n    d = {}\n    t = 0\n    for i in range(n):\n        k = i % 13\n        w = 'w' + 'x' * (i % 3)\n        if k in s:\n            s.remove(k)\n        else:\n            s.add(k)\n        s.discard(k + 50)\n        if w in d:\n            d[w] += 1\n        else:\n            d[w] = 1\n        d[k] = d.get(k, 0) + 1\n        t += d[w] + (k not in s)\n    return t, len(d)\nprint(f(3000))";
    let lp = loop_of(src);
    for helper in [
        "contains_word",
        "set_op",
        "dict_get_word",
        "dict_store",
        "str_concat_word",
    ] {
        assert!(lp.contains(helper), "no {helper} in the loop: {lp}");
    }
    for residual in [
        "contains_op",
        "opcodes::call",
        "binary_subscr_slow",
        "store_subscr_slow",
        "load_method_plain",
    ] {
        assert!(!lp.contains(residual), "a residual {residual}: {lp}");
    }
}

/// `perm.insert(k, perm.pop(0))`, slices of lists and strs (`BUILD_SLICE`, slice subscripts,
/// slice assignment), small tuples and lists and `str` methods (`split`, `strip`, `lower`,
/// `join`): each is one narrow helper call in the loop, no general handler.
#[test]
fn list_shifts_slices_small_builds_and_str_methods_leave_no_residual_handler_in_traces() {
    let src = "def f(n):\n    perm = list(range(8))\n    t = 0\n    for i in range(n):\n        perm.insert(i % 5 + 1, perm.pop(0))\n        p = perm[:]\n        p[:3] = p[2::-1]\n        a, b = (p[0], i)\n        q = [a, b]\n        w = ' Ab.'.strip('. ').lower()\n        t += len(w.split('b')) + len('-'.join([w, w])) + q[0] + len('xyz'[1:])\n    return t, perm\nprint(f(3000))";
    let lp = loop_of(src);
    for helper in [
        "list_insert_at",
        "list_pop_at",
        "new_slice_word",
        "getitem_slice_word",
        "setitem_slice",
        "new_seq_word",
        "call_str_method",
    ] {
        assert!(lp.contains(helper), "no {helper} in the loop: {lp}");
    }
    for residual in [
        "opcodes::call",
        "binary_subscr_slow",
        "store_subscr_slow",
        "build_slice",
        "build_tuple",
        "build_list",
    ] {
        assert!(!lp.contains(residual), "a residual {residual}: {lp}");
    }
}

/// A float list keeps its items unboxed (`objects/list.rs`, strategy `FLOATS`): the loop of
/// `v[j] = v[j] * 0.5 + w[j]` over two float lists reads and stores `f64`s, so once peeled it
/// allocates no float box and calls nothing (the boxes `BINARY_SUBSCR` makes are removed).
#[test]
fn a_float_list_update_allocates_no_box_in_the_loop() {
    let src = "def f(n):\n    v = [1.0] * 8\n    w = [0.25, 0.5] * 4\n    i = 0\n    while i < n:\n        j = i & 7\n        v[j] = v[j] * 0.5 + w[j]\n        i += 1\n    return v\nprint(f(4000))";
    let lp = loop_of(src);
    assert!(lp.contains("while i < n"), "{lp}");
    let body = &lp[lp.rfind("label(").expect("a loop label")..];
    assert!(
        body.contains("float_mul"),
        "the float path is traced: {body}"
    );
    assert_eq!(body.matches(" new(").count(), 0, "an allocation: {body}");
    assert!(!body.contains("call"), "a call in the loop: {body}");
}

/// The same loop, counted by the collector: ten times the iterations allocate about the
/// same number of bytes (a box per stored float would be 24 bytes each).
#[test]
fn a_float_list_loop_allocates_nothing_per_iteration() {
    let allocated = |n: u32| {
        let src = format!("def f(n):\n    v = [0.0] * 16\n    for i in range(n):\n        j = i & 15\n        v[j] += v[(j + 1) & 15] * 0.5 + 1.0\n    return v[3]\nprint(f({n}))");
        bytes_allocated(&src)
    };
    let (small, big) = (allocated(20_000), allocated(400_000));
    assert!(
        big < small + 1_000_000,
        "allocation grows with the iterations: {small} -> {big}"
    );
}

/// A float list that takes a str in the middle of a compiled loop switches to the objects
/// strategy (a residual call at the store), and the loop goes on printing what the
/// interpreter prints.
#[test]
fn a_float_list_switching_strategy_inside_a_compiled_loop() {
    let src = "def f(n):\n    v = [0.5] * 4\n    for i in range(n):\n        if i == n - 7:\n            v[1] = 'x'\n        elif i == n - 3:\n            v[1] = 2.0\n        j = i & 3\n        if j != 1 or i < n - 7:\n            v[j] = v[j] + 1.0\n    return v\nprint(f(3000))";
    let lp = loop_of(src);
    let body = &lp[lp.rfind("label(").expect("a loop label")..];
    assert!(
        body.contains("float_add"),
        "the float path is traced: {body}"
    );
}

/// A path longer than `bridge_limit` (a branch calling a chain of Python functions, each call
/// frame switches inside the trace) is compiled as a chain of bridges, each cut at a Python
/// instruction and continued by the next, instead of aborting (`trace too long`) and
/// leaving to the interpreter at every failure of its guard; it prints what `--jit off`
/// prints.
#[test]
fn a_long_branch_becomes_a_chain_of_cut_bridges() {
    let src = "def f3(x):\n    return x * 3 + 1\n\
               def f2(x):\n    return f3(x) + f3(x + 1) - f3(x - 1)\n\
               def f1(x):\n    return f2(x) - f2(x - 1) + f2(x + 2)\n\
               t = 0\n\
               for i in range(4000):\n    if i % 3 == 0:\n        t += f1(i) % 1000\n    else:\n        t += 1\n\
               print(t)";
    let off = run_src(src, "off", None);
    assert!(off.status.success());
    let on = run_src(
        src,
        "threshold=50,trace_eagerness=20,bridge_limit=300",
        Some("summary"),
    );
    assert_eq!(
        String::from_utf8_lossy(&on.stdout),
        String::from_utf8_lossy(&off.stdout)
    );
    let err = String::from_utf8_lossy(&on.stderr);
    let cut = err
        .lines()
        .find_map(|l| l.trim().strip_prefix("cut at bridge_limit"))
        .and_then(|n| n.trim().parse::<u64>().ok())
        .unwrap_or_else(|| panic!("no cut bridges:\n{err}"));
    assert!(cut >= 2, "{err}");
    assert!(!err.contains("trace too long"), "{err}");
    // without cutting, the same branch with a low trace limit aborts
    let abort = run_src(
        src,
        "threshold=50,trace_eagerness=20,bridge_limit=0,trace_limit=600",
        Some("summary"),
    );
    assert_eq!(
        String::from_utf8_lossy(&abort.stdout),
        String::from_utf8_lossy(&off.stdout)
    );
    let err = String::from_utf8_lossy(&abort.stderr);
    assert!(err.contains("trace too long"), "{err}");
    assert!(!err.contains("cut at bridge_limit"), "{err}");
}

/// `enumerate`, `zip`, `map`, `filter` and `reversed` are classes (issue 16): loops over them,
/// over a subclass with a `__next__` override, and an outer loop that makes a new `enumerate`
/// each time compile, keep their `for` in the compiled loop, and print what the interpreter
/// prints (also with every guard failing).
#[test]
fn loops_over_the_iterator_classes_compile_and_match_the_interpreter() {
    let src = "class Tens(enumerate):\n    def __next__(self):\n        i, x = super().__next__()\n        return i * 10, x\ndef f(n):\n    xs = list(range(20))\n    t = 0\n    for k in range(n):\n        for i, x in enumerate(xs, k):\n            t += i ^ x\n        for a, b in zip(xs, reversed(xs)):\n            t += a * b\n        t += sum(map(abs, filter(None, xs)))\n        for i, x in Tens(xs[:3]):\n            t += i + x\n        t %= 1000003\n    return t, isinstance(enumerate(xs), enumerate), type(zip()) is zip\nprint(f(400))";
    let (stdout, err) = jit_vs_off(src, "opt,summary");
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.ends_with(", True, True)\n"), "{stdout}");
    assert!(!err.contains("loops compiled               0"), "{err}");
    let lp = first_loop(&err);
    assert!(
        lp.contains("enumerate(xs, k)") || lp.contains("zip(xs"),
        "{lp}"
    );
    let all_fail = run_src(src, "threshold=3,fail_guards_random=7", None);
    assert!(all_fail.status.success(), "{all_fail:?}");
    assert_eq!(String::from_utf8_lossy(&all_fail.stdout), stdout);
}
