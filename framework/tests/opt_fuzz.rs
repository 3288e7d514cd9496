//! Differential fuzzing of the optimizer against the IR interpreter: random straight-line
//! int traces with comparisons, guards (mostly passing, chosen from concrete values computed
//! while generating), overflow checks, bounds-check shapes and loads/stores on a buffer.
//! Each trace runs unoptimized and optimized by every pass alone and by the default pipeline;
//! the outcome (finish values, or which guard failed with which resume frames) and the
//! buffer's final bytes must agree. A one-second smoke run inside `cargo test`
//! (`OPT_FUZZ_SECS=60 cargo test --test opt_fuzz` hunts longer).
//!
//! Random *loops* test `unroll` (loop peeling) the same way: a label, a counter that ends the
//! loop through a guard after a few iterations, a random body (values, guards, loads and
//! stores, so values flow through memory from one iteration to the next) and a jump passing
//! the buffer, the counter and random values back (sometimes the label's own argument, so
//! some are loop-invariant, sometimes constants). Every such trace leaves through a guard: the
//! failing guard, its resume frames and the buffer must match the unoptimized loop's.
//!
//! Random *allocating* traces and loops test `virtualize` (allocation removal): objects are
//! allocated, filled, linked (cycles too), read back, compared, stored into the buffer
//! (escaping) and named by guards' snapshots; the objects reachable from the outcome (finish
//! values or resume frames, where removed allocations come back materialized) and from the
//! buffer must form the same graph as in the unoptimized run.

use metatracer::ir::interp::{self, eval_ovf, eval_pure, Outcome};
use metatracer::ir::{parse, OpFlags, Opcode, Value};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Bytes of the buffer that plain (constant-offset) loads and stores use.
const PLAIN: usize = 64;
/// The whole buffer: after the plain part, the region of indexed accesses (random loops).
const BUF: usize = 128;

/// A random trace and its int inputs (input 0 is the buffer).
fn random_trace(rng: &mut Rng) -> (String, Vec<i64>) {
    let interesting = [
        0,
        1,
        -1,
        2,
        7,
        100,
        255,
        256,
        i64::MAX,
        i64::MIN,
        49_999,
        50_000,
    ];
    let ninputs = 3;
    let inputs: Vec<i64> = (0..ninputs)
        .map(|_| {
            if rng.below(2) == 0 {
                interesting[rng.below(interesting.len())]
            } else {
                rng.below(200) as i64 - 20
            }
        })
        .collect();
    let mut mem = [0u8; BUF];
    let mut text = format!(
        "[p0, {}]\n",
        (1..=ninputs)
            .map(|i| format!("i{i}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    // (name, concrete value)
    let mut vals: Vec<(String, i64)> = inputs
        .iter()
        .enumerate()
        .map(|(i, &v)| (format!("i{}", i + 1), v))
        .collect();
    let mut n = ninputs + 1;
    let mut guards = 0;
    let len = 20 + rng.below(40);
    gen_ops(
        rng,
        &mut text,
        &mut vals,
        &mut mem,
        &mut n,
        &mut guards,
        len,
        None,
    );
    let outs: Vec<String> = vals.iter().rev().take(6).map(|v| v.0.clone()).collect();
    text.push_str(&format!("finish({})\n", outs.join(", ")));
    (text, inputs)
}

/// Append `len` random ops to `text`; `vals` are the values so far with their concrete values
/// (updated), `mem` the buffer's contents (updated), `n` the next value number, `guards` the
/// number of guards so far (used as their resume pc); `indexed` (loops only: divisors are then
/// nonzero constants) the type of indexed accesses.
#[allow(clippy::too_many_arguments)]
fn gen_ops(
    rng: &mut Rng,
    text: &mut String,
    vals: &mut Vec<(String, i64)>,
    mem: &mut [u8; BUF],
    n: &mut usize,
    guards: &mut usize,
    len: usize,
    indexed: Option<(&str, usize)>,
) {
    let in_loop = indexed.is_some();
    let pick = |rng: &mut Rng, vals: &[(String, i64)]| -> (String, i64) {
        if rng.below(5) == 0 {
            let c = [0i64, 1, -1, 2, 5, 8, 255, 50_000][rng.below(8)];
            (c.to_string(), c)
        } else {
            vals[vals.len() - 1 - rng.below(vals.len().min(8))].clone()
        }
    };
    let snap = |rng: &mut Rng, vals: &[(String, i64)], k: usize| -> String {
        let mut s: Vec<String> = (0..rng.below(3))
            .map(|_| vals[rng.below(vals.len())].0.clone())
            .collect();
        s.push(k.to_string());
        format!("[1@{k}: {}]", s.join(", "))
    };
    const BIN: &[Opcode] = &[
        Opcode::IntAdd,
        Opcode::IntSub,
        Opcode::IntMul,
        Opcode::IntAnd,
        Opcode::IntOr,
        Opcode::IntXor,
        Opcode::IntLt,
        Opcode::IntLe,
        Opcode::IntGt,
        Opcode::IntGe,
        Opcode::IntEq,
        Opcode::IntNe,
        Opcode::UintLt,
        Opcode::UintLe,
        Opcode::UintGt,
        Opcode::UintGe,
        Opcode::IntRshift,
        Opcode::UintRshift,
        Opcode::IntMod,
    ];
    for _ in 0..len {
        // in loops also indexed accesses (`p0 + (v & 31) + off`), whose places move, all of one
        // type (`indexed`) in a region of their own: the heap pass's type-based alias rule
        // (Rust code never writes one place through two types) holds
        match rng.below(if in_loop { 14 } else { 12 }) {
            12 | 13 => {
                let (ty, size) = indexed.unwrap_or(("i64x1", 8));
                let (v, vv) = pick(rng, vals);
                let off = PLAIN + rng.below(BUF - PLAIN - 32 - size + 1);
                let idx = (vv & 31) as usize;
                text.push_str(&format!("i{n} = int_and({v}, 31)\n"));
                let ix = format!("i{n}");
                vals.push((ix.clone(), idx as i64));
                *n += 1;
                let at = idx + off;
                if rng.below(2) == 0 {
                    let mut raw = [0u8; 8];
                    raw[..size].copy_from_slice(&mem[at..at + size]);
                    let lv = if size == 8 {
                        i64::from_le_bytes(raw)
                    } else {
                        raw[0] as i64
                    };
                    text.push_str(&format!("i{n} = load_idx_i(p0, {ix}, {off}, descr={ty})\n"));
                    vals.push((format!("i{n}"), lv));
                } else {
                    let (a, av) = pick(rng, vals);
                    mem[at..at + size].copy_from_slice(&av.to_le_bytes()[..size]);
                    text.push_str(&format!("store_idx_i(p0, {ix}, {off}, {a}, descr={ty})\n"));
                }
                *n += 1;
            }
            0..=4 => {
                let opc = BIN[rng.below(BIN.len())];
                let (a, av) = pick(rng, vals);
                let (mut b, mut bv) = pick(rng, vals);
                // (in a loop a value divisor may be 0 in a later iteration: constants only)
                if opc == Opcode::IntMod && (bv == 0 || bv == -1 || (in_loop && b.starts_with('i')))
                {
                    (b, bv) = ("7".into(), 7);
                }
                let r = eval_pure(opc, &[av as u64, bv as u64]).unwrap() as i64;
                text.push_str(&format!("i{n} = {}({a}, {b})\n", opc.name()));
                vals.push((format!("i{n}"), r));
                *n += 1;
            }
            5 => {
                let opc = [Opcode::IntIsZero, Opcode::IntInvert, Opcode::IntNeg][rng.below(3)];
                let (a, av) = pick(rng, vals);
                let r = eval_pure(opc, &[av as u64]).unwrap() as i64;
                text.push_str(&format!("i{n} = {}({a})\n", opc.name()));
                vals.push((format!("i{n}"), r));
                *n += 1;
            }
            6 => {
                let opc = [Opcode::IntAddOvf, Opcode::IntSubOvf, Opcode::IntMulOvf][rng.below(3)];
                let (a, av) = pick(rng, vals);
                let (b, bv) = pick(rng, vals);
                let (r, o) = eval_ovf(opc, av, bv);
                *guards += 1;
                let g = if o == (rng.below(10) != 0) {
                    "guard_overflow"
                } else {
                    "guard_no_overflow"
                };
                let s = snap(rng, vals, *guards);
                text.push_str(&format!("i{n} = {}({a}, {b})\n{g}() {s}\n", opc.name()));
                vals.push((format!("i{n}"), r));
                *n += 2;
            }
            7 | 8 => {
                *guards += 1;
                let (a, av) = vals[vals.len() - 1 - rng.below(vals.len().min(4))].clone();
                let s = snap(rng, vals, *guards);
                let holds = rng.below(12) != 0;
                if rng.below(6) == 0 {
                    let c = if holds { av } else { av.wrapping_add(1) };
                    text.push_str(&format!("guard_value({a}, {c}) {s}\n"));
                } else {
                    let g = if (av != 0) == holds {
                        "guard_true"
                    } else {
                        "guard_false"
                    };
                    text.push_str(&format!("{g}({a}) {s}\n"));
                }
                *n += 1;
            }
            9 => {
                // load
                let (ty, size, signed) =
                    [("i64", 8, true), ("u8", 1, false), ("i8", 1, true)][rng.below(3)];
                let off = rng.below(PLAIN - size + 1);
                let off = if rng.below(2) == 0 { off & !7 } else { off };
                let mut raw = [0u8; 8];
                raw[..size].copy_from_slice(&mem[off..off + size]);
                let v = match (size, signed) {
                    (8, _) => i64::from_le_bytes(raw),
                    (1, true) => raw[0] as i8 as i64,
                    _ => raw[0] as i64,
                };
                text.push_str(&format!("i{n} = load_i(p0, {off}, descr={ty})\n"));
                vals.push((format!("i{n}"), v));
                *n += 1;
            }
            _ => {
                // store
                let (ty, size) = [("i64", 8), ("u8", 1)][rng.below(2)];
                let off = rng.below(PLAIN - size + 1);
                let off = if rng.below(2) == 0 { off & !7 } else { off };
                let (a, av) = pick(rng, vals);
                mem[off..off + size].copy_from_slice(&av.to_le_bytes()[..size]);
                text.push_str(&format!("store_i(p0, {off}, {a}, descr={ty})\n"));
                *n += 1;
            }
        }
    }
}

/// A random loop trace and its int inputs (input 0 is the buffer).
fn random_loop(rng: &mut Rng) -> (String, Vec<i64>) {
    let inputs: Vec<i64> = (0..3).map(|_| rng.below(40) as i64 - 10).collect();
    let mut mem = [0u8; BUF];
    let mut text = String::from("[p0, i1, i2, i3]\nlabel(p0, i1, i2, i3, descr=target1)\n");
    let limit = 1 + rng.below(12);
    text.push_str(&format!(
        "i5 = int_add(i1, 1)\ni6 = int_lt(i5, {limit})\nguard_true(i6) [1@0: i5, i2, i3]\n"
    ));
    let mut vals: Vec<(String, i64)> = vec![
        ("i1".into(), inputs[0]),
        ("i2".into(), inputs[1]),
        ("i3".into(), inputs[2]),
        ("i5".into(), inputs[0].wrapping_add(1)),
    ];
    let (mut n, mut guards) = (8, 1);
    let len = 5 + rng.below(30);
    let indexed = [("u8x1", 1), ("i64x1", 8)][rng.below(2)];
    gen_ops(
        rng,
        &mut text,
        &mut vals,
        &mut mem,
        &mut n,
        &mut guards,
        len,
        Some(indexed),
    );
    let back = |rng: &mut Rng, k: usize| match rng.below(4) {
        0 => format!("i{k}"),
        1 => ["0", "1", "7"][rng.below(3)].to_string(),
        _ => vals[vals.len() - 1 - rng.below(vals.len().min(10))]
            .0
            .clone(),
    };
    let (a, b) = (back(rng, 2), back(rng, 3));
    text.push_str(&format!("jump(p0, i5, {a}, {b}, descr=target1)\n"));
    (text, inputs)
}

/// Seconds each fuzz test runs: 1, or `OPT_FUZZ_SECS` for a longer hunt.
fn fuzz_secs() -> f64 {
    std::env::var("OPT_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0)
}

/// Run `text` optimized with `passes` on a fresh zeroed buffer: outcome and final bytes.
fn run(t: &metatracer::ir::Trace, inputs: &[i64]) -> (Outcome, Vec<u8>) {
    let mut buf = vec![0u8; BUF];
    let mut vals = vec![Value::Ref(buf.as_mut_ptr() as usize)];
    vals.extend(inputs.iter().map(|&i| Value::Int(i)));
    // SAFETY: every load and store of the generated traces stays inside the BUF-byte buffer
    // passed as p0, which outlives the run; the traces make no calls.
    let out =
        unsafe { interp::run(t, &vals, 100_000) }.unwrap_or_else(|e| panic!("interp: {e}\n{t}"));
    (out, buf)
}

fn same(a: &Outcome, b: &Outcome) -> bool {
    match (a, b) {
        (Outcome::Finish(x), Outcome::Finish(y)) => x == y,
        (Outcome::GuardFailed(x), Outcome::GuardFailed(y)) => x.frames == y.frames,
        _ => false,
    }
}

#[test]
fn optimized_random_traces_agree_with_the_original() {
    let start = std::time::Instant::now();
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let pipelines = [
        "intbounds",
        "cse",
        "heap",
        "fold:cse:heap:intbounds:dce",
        "all",
    ];
    let (mut cases, mut finished, mut removed_guards) = (0, 0, 0usize);
    while start.elapsed().as_secs_f64() < fuzz_secs() || cases < 200 {
        let (text, inputs) = random_trace(&mut rng);
        let t = parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        metatracer::ir::verify(&t).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let (want, want_mem) = run(&t, &inputs);
        if matches!(want, Outcome::Finish(_)) {
            finished += 1;
        }
        for p in pipelines {
            let opt =
                metatracer::opt::optimize(&t, p).unwrap_or_else(|e| panic!("{p}: {e}\n{text}"));
            removed_guards += t.guards().len().saturating_sub(opt.guards().len());
            let (got, got_mem) = run(&opt, &inputs);
            assert!(
                same(&want, &got) && want_mem == got_mem,
                "{p} changed the outcome for inputs {inputs:?}\n{text}\n--- optimized\n{opt}\n\
                 want {want:?}\ngot {got:?}"
            );
        }
        cases += 1;
    }
    // the generator must reach both ends and give the passes something to remove
    assert!(finished > cases / 10, "{finished} of {cases} finished");
    assert!(
        removed_guards > cases,
        "only {removed_guards} guards removed"
    );
}

/// Loads left in the peeled loop (after its label) of an `unroll`ed trace.
fn loop_loads(t: &metatracer::ir::Trace) -> Option<usize> {
    let labels: Vec<usize> = (0..t.len())
        .filter(|&i| t.op(i).opcode == Opcode::Label)
        .collect();
    let &[_, lp] = &labels[..] else { return None };
    Some(
        (lp..t.len())
            .filter(|&i| t.op(i).opcode.flags().contains(OpFlags::LOAD))
            .count(),
    )
}

#[test]
fn peeled_random_loops_agree_with_the_original() {
    let start = std::time::Instant::now();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let pipelines = [
        "unroll",
        "unroll:fold",
        "unroll:cse",
        "unroll:heap",
        "unroll:intbounds",
        "unroll:dce",
        "fold:cse:unroll:heap:intbounds:dce",
        "all",
    ];
    let (mut cases, mut peeled, mut fewer_loads, mut iterations) = (0, 0, 0, 0usize);
    while start.elapsed().as_secs_f64() < fuzz_secs() || cases < 200 {
        let (text, inputs) = random_loop(&mut rng);
        let t = parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        metatracer::ir::verify(&t).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let (want, want_mem) = run(&t, &inputs);
        let Outcome::GuardFailed(g) = &want else {
            panic!("a loop leaves through a guard: {want:?}\n{text}")
        };
        if g.guard_index == 0 {
            iterations += 1;
        }
        let body_loads = t
            .ops()
            .iter()
            .filter(|o| o.opcode.flags().contains(OpFlags::LOAD))
            .count();
        for p in pipelines {
            let opt =
                metatracer::opt::optimize(&t, p).unwrap_or_else(|e| panic!("{p}: {e}\n{text}"));
            if let Some(l) = loop_loads(&opt) {
                peeled += 1;
                if p == "all" && l < body_loads {
                    fewer_loads += 1;
                }
            }
            let (got, got_mem) = run(&opt, &inputs);
            assert!(
                same(&want, &got) && want_mem == got_mem,
                "{p} changed the outcome for inputs {inputs:?}\n{text}\n--- optimized\n{opt}\n\
                 want {want:?}\ngot {got:?}"
            );
        }
        cases += 1;
    }
    // every loop is peeled by every pipeline; many run until the counter guard; the
    // peeled loop often keeps a value in a register instead of reloading it
    assert_eq!(peeled, cases * pipelines.len());
    assert!(
        iterations > cases / 10,
        "{iterations} of {cases} ran to the end"
    );
    assert!(
        fewer_loads > cases / 10,
        "{fewer_loads} of {cases} lost loads"
    );
}

/// A random trace that allocates (raw test objects of 24 bytes: ints at 0 and 8, a ref at
/// 16), fills, reads and links objects, lets some escape into the buffer (8 ref slots), compares
/// them, and guards on values computed from their fields with snapshots naming objects. The
/// generator keeps a model of every object, so loads of a ref field only follow links that
/// exist, and guards pass except perhaps the last.
fn random_alloc_trace(rng: &mut Rng) -> (String, Vec<i64>) {
    let inputs: Vec<i64> = (0..3).map(|_| rng.below(40) as i64 - 10).collect();
    let mut text = String::from("[p0, i1, i2, i3]\n");
    let mut ints: Vec<(String, i64)> = (1..=3).map(|k| (format!("i{k}"), inputs[k - 1])).collect();
    let mut refs: Vec<(String, usize)> = Vec::new();
    let mut objs: Vec<Obj> = Vec::new();
    let (mut n, mut k) = (4, 0);
    let len = 10 + rng.below(40);
    gen_alloc_ops(
        rng, &mut text, &mut ints, &mut refs, &mut objs, &mut n, &mut k, len,
    );
    let mut outs: Vec<String> = ints.iter().rev().take(2).map(|v| v.0.clone()).collect();
    outs.extend(refs.iter().rev().take(3).map(|v| v.0.clone()));
    text.push_str(&format!("finish({})\n", outs.join(", ")));
    (text, inputs)
}

/// The generator's model of one object: its two int fields, its link (an object number) and
/// whether the link is known for every iteration (set in this iteration of a loop body).
struct Obj {
    ints: [i64; 2],
    link: Option<usize>,
    known: bool,
}

/// Appends `len` random allocation ops (see [`random_alloc_trace`]); `ints`, `refs` and
/// `objs` are the model (updated), `n` the next value number, `k` the next resume pc.
#[allow(clippy::too_many_arguments)]
fn gen_alloc_ops(
    rng: &mut Rng,
    text: &mut String,
    ints: &mut Vec<(String, i64)>,
    refs: &mut Vec<(String, usize)>,
    objs: &mut Vec<Obj>,
    n: &mut usize,
    k: &mut usize,
    len: usize,
) {
    for step in 0..len {
        let last = step + 1 == len;
        let int = |rng: &mut Rng, ints: &[(String, i64)]| {
            ints[ints.len() - 1 - rng.below(ints.len().min(6))].clone()
        };
        let r = rng.below(12);
        if refs.is_empty() || r == 0 {
            text.push_str(&format!("p{n} = new(descr=alloc(24))\n"));
            objs.push(Obj {
                ints: [0, 0],
                link: None,
                known: true,
            });
            refs.push((format!("p{n}"), objs.len() - 1));
            *n += 1;
            continue;
        }
        let (pr, po) = refs[refs.len() - 1 - rng.below(refs.len().min(5))].clone();
        match r {
            1 | 2 => {
                let (iv, v) = int(rng, ints);
                let f = rng.below(2);
                text.push_str(&format!("store_i({pr}, {}, {iv}, descr=i64)\n", 8 * f));
                objs[po].ints[f] = v;
            }
            3 => {
                let (qr, qo) = refs[rng.below(refs.len())].clone();
                text.push_str(&format!("store_r({pr}, 16, {qr}, descr=ref)\n"));
                objs[po].link = Some(qo);
                objs[po].known = true;
            }
            4 | 5 => {
                let f = rng.below(2);
                text.push_str(&format!("i{n} = load_i({pr}, {}, descr=i64)\n", 8 * f));
                ints.push((format!("i{n}"), objs[po].ints[f]));
                *n += 1;
            }
            6 => {
                if let (Some(q), true) = (objs[po].link, objs[po].known) {
                    text.push_str(&format!("p{n} = load_r({pr}, 16, descr=ref)\n"));
                    refs.push((format!("p{n}"), q));
                    *n += 1;
                }
            }
            7 => {
                let slot = rng.below(8);
                text.push_str(&format!("store_r(p0, {}, {pr}, descr=ref)\n", 8 * slot));
            }
            8 => {
                let (qr, qo) = refs[rng.below(refs.len())].clone();
                text.push_str(&format!("i{n} = ptr_eq({pr}, {qr})\n"));
                ints.push((format!("i{n}"), (po == qo) as i64));
                *n += 1;
            }
            9 => text.push_str(&format!("guard_nonnull({pr}) [1@{k}: {pr}]\n")),
            _ => {
                let ((a, va), (b, vb)) = (int(rng, ints), int(rng, ints));
                text.push_str(&format!("i{n} = int_add({a}, {b})\n"));
                ints.push((format!("i{n}"), va.wrapping_add(vb)));
                *n += 1;
                let (c, vc) = int(rng, ints);
                let lim = rng.below(30) as i64 - 5;
                text.push_str(&format!("i{n} = int_lt({c}, {lim})\n"));
                let holds = vc < lim;
                // mostly the passing guard; the last op may be the failing one
                let g = if holds != (last && rng.below(2) == 0) {
                    "guard_true"
                } else {
                    "guard_false"
                };
                let mut snap: Vec<String> = (0..1 + rng.below(3))
                    .map(|_| refs[rng.below(refs.len())].0.clone())
                    .collect();
                snap.push(c.clone());
                text.push_str(&format!("{g}(i{n}) [1@{k}: {}]\n", snap.join(", ")));
                *n += 1;
            }
        }
        *k += 1;
    }
}

/// A random allocating loop: label arguments include an object (`p4`), which the body may
/// read, fill and link, and the jump passes an object back (often one allocated in the body:
/// it crosses the back edge), so `unroll` and `virtualize` meet. Refs are followed only along
/// links set in the same iteration.
fn random_alloc_loop(rng: &mut Rng) -> (String, Vec<i64>) {
    let inputs: Vec<i64> = (0..3).map(|_| rng.below(40) as i64 - 10).collect();
    let limit = 1 + rng.below(8);
    let mut text = format!(
        "[p0, i1, i2, i3, p4]\nlabel(p0, i1, i2, i3, p4, descr=target1)\n\
         i5 = int_add(i1, 1)\ni6 = int_lt(i5, {limit})\nguard_true(i6) [1@0: i5, i2, i3, p4]\n"
    );
    let mut ints: Vec<(String, i64)> = vec![
        ("i1".into(), inputs[0]),
        ("i2".into(), inputs[1]),
        ("i3".into(), inputs[2]),
        ("i5".into(), inputs[0].wrapping_add(1)),
    ];
    let mut objs = vec![Obj {
        ints: [0, 0],
        link: None,
        known: false,
    }];
    let mut refs = vec![("p4".to_string(), 0)];
    let (mut n, mut k) = (7, 1);
    let len = 5 + rng.below(25);
    gen_alloc_ops(
        rng, &mut text, &mut ints, &mut refs, &mut objs, &mut n, &mut k, len,
    );
    let a = &ints[ints.len() - 1 - rng.below(ints.len().min(5))].0;
    let p = &refs[refs.len() - 1 - rng.below(refs.len().min(3))].0;
    text.push_str(&format!("jump(p0, i5, {a}, i3, {p}, descr=target1)\n"));
    (text, inputs)
}

/// The objects reachable from `roots` (refs to the fuzzer's 24-byte objects, or 0) written
/// out with identities numbered by first visit, so runs that allocated at different addresses
/// compare equal when their object graphs do.
fn object_graph(roots: &[Value]) -> String {
    fn visit(p: usize, seen: &mut Vec<usize>, out: &mut String) {
        if p == 0 {
            out.push_str("null ");
            return;
        }
        if let Some(k) = seen.iter().position(|&q| q == p) {
            out.push_str(&format!("#{k} "));
            return;
        }
        seen.push(p);
        // SAFETY: a fuzzer object (24 bytes, never freed).
        let (a, b, l) = unsafe {
            let w = p as *const u64;
            (w.read(), w.add(1).read(), w.add(2).read())
        };
        out.push_str(&format!("{{#{} {a} {b} ", seen.len() - 1));
        visit(l as usize, seen, out);
        out.push_str("} ");
    }
    let (mut seen, mut out) = (Vec::new(), String::new());
    for v in roots {
        match v {
            Value::Ref(p) => visit(*p, &mut seen, &mut out),
            other => out.push_str(&format!("{other:?} ")),
        }
    }
    out
}

#[test]
fn random_allocating_traces_agree_with_the_original() {
    let start = std::time::Instant::now();
    let mut rng = Rng(0x5851_f42d_4c95_7f2d);
    let pipelines = ["virtualize", "heap:virtualize", "virtualize:cse:dce", "all"];
    let (mut cases, mut removed_news, mut failed) = (0, 0usize, 0);
    let news =
        |t: &metatracer::ir::Trace| t.ops().iter().filter(|o| o.opcode == Opcode::New).count();
    while start.elapsed().as_secs_f64() < fuzz_secs() || cases < 200 {
        let (text, inputs) = random_alloc_trace(&mut rng);
        let t = parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        metatracer::ir::verify(&t).unwrap_or_else(|e| panic!("{e}\n{text}"));
        // (the outcome, then the buffer's 8 ref slots, as one object graph)
        let graph = |t: &metatracer::ir::Trace| {
            let (out, buf) = run(t, &inputs);
            let mut roots: Vec<Value> = match &out {
                Outcome::Finish(v) => v.clone(),
                Outcome::GuardFailed(g) => g.frames.iter().flat_map(|f| f.values.clone()).collect(),
                Outcome::Jump(..) => panic!("jump"),
            };
            roots.extend(
                buf[..64]
                    .chunks(8)
                    .map(|c| Value::Ref(u64::from_le_bytes(c.try_into().unwrap()) as usize)),
            );
            let tag = match &out {
                // (which guard: its resume position; guard numbers change when a pass
                // removes a guard)
                Outcome::GuardFailed(g) => format!(
                    "guard at {:?} ",
                    g.frames
                        .iter()
                        .map(|f| (f.jitcode, f.pc))
                        .collect::<Vec<_>>()
                ),
                _ => "finish ".to_string(),
            };
            tag + &object_graph(&roots)
        };
        let want = graph(&t);
        failed += want.starts_with("guard") as usize;
        for p in pipelines {
            let opt =
                metatracer::opt::optimize(&t, p).unwrap_or_else(|e| panic!("{p}: {e}\n{text}"));
            removed_news += news(&t) - news(&opt).min(news(&t));
            let got = graph(&opt);
            assert_eq!(
                want, got,
                "{p} changed the outcome for inputs {inputs:?}\n{text}\n--- optimized\n{opt}"
            );
        }
        cases += 1;
    }
    assert!(
        removed_news > cases,
        "only {removed_news} allocations removed in {cases} cases"
    );
    assert!(failed > cases / 20, "{failed} of {cases} failed a guard");
}

#[test]
fn random_allocating_loops_agree_with_the_original() {
    let start = std::time::Instant::now();
    let mut rng = Rng(0x1405_7b7e_f767_814f);
    let pipelines = ["unroll:virtualize", "unroll:heap:virtualize:dce", "all"];
    let (mut cases, mut peeled, mut removed) = (0, 0, 0);
    while start.elapsed().as_secs_f64() < fuzz_secs() || cases < 200 {
        let (text, inputs) = random_alloc_loop(&mut rng);
        let t = parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        metatracer::ir::verify(&t).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let graph = |t: &metatracer::ir::Trace| {
            let mut buf = vec![0u8; BUF];
            let obj = metatracer::ir::alloc_object(metatracer::ir::AllocDescr {
                size: 24,
                header: 0,
            });
            let mut vals = vec![Value::Ref(buf.as_mut_ptr() as usize)];
            vals.extend(inputs.iter().map(|&i| Value::Int(i)));
            vals.push(Value::Ref(obj));
            // SAFETY: loads and stores stay inside the buffer and the 24-byte objects the
            // trace allocates or is given; refs are only followed along links set before.
            let out = unsafe { interp::run(t, &vals, 100_000) }
                .unwrap_or_else(|e| panic!("interp: {e}\n{t}"));
            let Outcome::GuardFailed(g) = &out else {
                panic!("a loop leaves through a guard: {out:?}\n{t}")
            };
            let mut roots: Vec<Value> = g.frames.iter().flat_map(|f| f.values.clone()).collect();
            roots.push(Value::Ref(obj));
            roots.extend(
                buf[..64]
                    .chunks(8)
                    .map(|c| Value::Ref(u64::from_le_bytes(c.try_into().unwrap()) as usize)),
            );
            let at: Vec<(u32, u32)> = g.frames.iter().map(|f| (f.jitcode, f.pc)).collect();
            format!("guard at {at:?} {}", object_graph(&roots))
        };
        let want = graph(&t);
        for p in pipelines {
            let opt =
                metatracer::opt::optimize(&t, p).unwrap_or_else(|e| panic!("{p}: {e}\n{text}"));
            if opt
                .ops()
                .iter()
                .filter(|o| o.opcode == Opcode::Label)
                .count()
                == 2
            {
                peeled += 1;
                let news = |t: &metatracer::ir::Trace| {
                    t.ops().iter().filter(|o| o.opcode == Opcode::New).count()
                };
                // (peeled: the body is there twice)
                removed += (news(&opt) < 2 * news(&t)) as usize;
            }
            assert_eq!(
                want,
                graph(&opt),
                "{p} changed the outcome for inputs {inputs:?}\n{text}\n--- optimized\n{opt}"
            );
        }
        cases += 1;
    }
    assert!(
        peeled > cases,
        "only {peeled} peeled loops in {cases} cases"
    );
    assert!(
        removed > cases,
        "allocations removed in only {removed} of {cases} cases"
    );
}
