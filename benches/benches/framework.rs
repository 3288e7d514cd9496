//! Criterion micro-benchmarks of the framework itself: trace recording speed (ops recorded
//! per second by the tracer), optimizer time per op (the default pipeline and each pass
//! alone), x86-64 backend compile time of a 1000-op loop trace, and GC nursery allocation.
//! Run with `cargo bench -p metatracer-benches --bench framework`.
//!
//! The optimizer's and backend's trace is generated, not recorded: a loop whose body repeats
//! a stack-VM-like step (a bounds check on `sp + k`, a load, arithmetic, a store, a mask),
//! about 1000 ops in all, so the numbers do not depend on a guest interpreter. The recording
//! benchmark traces a portal written against the codewriter directly (what the macros emit
//! for a loop whose body is 125 such steps on a 16-word array), from its merge point until
//! the loop closes: one iteration, executed and recorded.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use metatracer::backend::x64::X64Backend;
use metatracer::backend::Backend;
use metatracer::ir::{parse, Trace};
use metatracer::jit::codewriter::Codewriter;
use metatracer::jit::private as p;
use metatracer::jit::tracer::{TraceEnd, Tracer};
use metatracer::jit::validity::GreenKind;

/// A loop trace of about `8 * steps + 4` ops.
fn loop_trace(steps: usize) -> Trace {
    let mut s = String::from("[p0, i1, i2]\nlabel(p0, i1, i2, descr=target1)\n");
    let mut last = "i2".to_string();
    for k in 0..steps {
        let off = 8 * (k % 16);
        s.push_str(&format!(
            "ia{k} = int_add(i1, {k})\nib{k} = uint_lt(ia{k}, 100000)\nguard_true(ib{k}) [0@{k}: p0, i1, {last}]\n\
             ic{k} = load_i(p0, {off}, descr=i64)\nid{k} = int_mul(ic{k}, 3)\nie{k} = int_add(id{k}, {last})\n\
             store_i(p0, {off}, ie{k}, descr=i64)\nif{k} = int_and(ie{k}, 255)\n"
        ));
        last = format!("if{k}");
    }
    s.push_str(&format!(
        "in = int_add(i1, 1)\njump(p0, in, {last}, descr=target1)\n"
    ));
    parse(&s).expect("benchmark trace parses")
}

/// Steps per iteration of the recording benchmark's loop.
const REC_STEPS: usize = 125;

/// The jitcode of a loop (what `#[jit_merge_point]` would emit for it):
///
/// ```ignore
/// loop {                                   // merge point: pc (green), n, a
///     for k in 0..REC_STEPS {              // unrolled: constant indices
///         let v = (a[k % 16] * 3 + n) & 1023;
///         a[k % 16] = v;
///         if v > 2000 { return v; }        // never: a guard
///     }
///     n -= 1;
///     if n <= 0 { return n; }
///     can_enter_jit!();
/// }
/// ```
fn recording_builder(cw: &mut p::Codewriter) {
    let pc = cw.param::<u64>();
    let n = cw.param::<i64>();
    let a = cw.param::<*mut [i64; 16]>();
    let top = cw.label();
    cw.bind(top);
    cw.merge_point(&[
        (pc.reg, Some(GreenKind::Plain)),
        (n.reg, None),
        (a.reg, None),
    ]);
    for k in 0..REC_STEPS {
        let i = p::lit(cw, k % 16);
        let place = p::index(cw, a, i);
        let x = p::read(cw, place);
        let three = p::lit(cw, 3i64);
        let y = p::mul(cw, x, three);
        let z = p::add(cw, y, n);
        let mask = p::lit(cw, 1023i64);
        let v = p::bitand(cw, z, mask);
        let place = p::index(cw, a, i);
        p::write(cw, place, v);
        let limit = p::lit(cw, 2000i64);
        let big = p::gt(cw, v, limit);
        let fine = cw.label();
        cw.branch_if_false(big, fine);
        cw.ret(v);
        cw.bind(fine);
    }
    let one = p::lit(cw, 1i64);
    let n1 = p::sub(cw, n, one);
    cw.mov(n, n1);
    let zero = p::lit(cw, 0i64);
    let more = p::gt(cw, n, zero);
    let done = cw.label();
    cw.branch_if_false(more, done);
    cw.can_enter_jit();
    cw.jump(top);
    cw.bind(done);
    cw.ret(n);
}

fn recording(c: &mut Criterion) {
    let set = Codewriter::build_set("recording_bench", recording_builder);
    let mut arr = Box::new([1i64; 16]);
    let state = [0u64, 1_000_000, &mut *arr as *mut [i64; 16] as u64];
    // one recording, to count its ops
    let ops = match Tracer::for_loop(&set, &state, 100_000).run(&|_| false) {
        TraceEnd::Done { trace, .. } => trace.ops.len(),
        TraceEnd::Aborted { reason, .. } => panic!("recording aborted: {reason}"),
    };
    let mut g = c.benchmark_group("tracer");
    g.throughput(Throughput::Elements(ops as u64));
    g.bench_function(format!("record a loop ({ops} ops)"), |b| {
        b.iter(
            || match Tracer::for_loop(&set, black_box(&state), 100_000).run(&|_| false) {
                TraceEnd::Done { trace, .. } => trace,
                TraceEnd::Aborted { reason, .. } => panic!("recording aborted: {reason}"),
            },
        )
    });
    g.finish();
}

fn optimizer(c: &mut Criterion) {
    let t = loop_trace(125);
    let mut g = c.benchmark_group("optimizer");
    g.throughput(Throughput::Elements(t.len() as u64));
    for passes in ["all", "fold", "cse", "heap", "intbounds", "dce"] {
        g.bench_function(format!("{passes} ({} ops)", t.len()), |b| {
            b.iter(|| metatracer::opt::optimize(black_box(&t), passes).unwrap())
        });
    }
    g.finish();
}

fn backend(c: &mut Criterion) {
    let t = metatracer::opt::optimize(&loop_trace(125), "none").unwrap();
    let mut g = c.benchmark_group("backend");
    g.throughput(Throughput::Elements(t.len() as u64));
    g.bench_function(format!("compile_loop ({} ops)", t.len()), |b| {
        b.iter(|| {
            let mut be = X64Backend::new();
            be.compile_loop(black_box(&t), "bench").unwrap();
            be
        })
    });
    g.finish();
}

#[derive(metatracer::Trace)]
struct Pair {
    a: i64,
    b: f64,
}

fn gc(c: &mut Criterion) {
    let mut g = c.benchmark_group("gc");
    const N: u64 = 10_000;
    g.throughput(Throughput::Elements(N));
    g.bench_function("nursery alloc of a 16-byte object (x10000)", |b| {
        b.iter(|| {
            for i in 0..N {
                black_box(metatracer::gc::alloc(Pair {
                    a: i as i64,
                    b: 0.5,
                }));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, recording, optimizer, backend, gc);
criterion_main!(benches);
