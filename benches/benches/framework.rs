//! Criterion micro-benchmarks of the framework itself: optimizer time per op (the default
//! pipeline and each pass alone), x86-64 backend compile time of a 1000-op loop trace, and GC
//! nursery allocation. Run with `cargo bench -p metatracer-benches --bench framework`.
//!
//! The benchmark trace is generated, not recorded: a loop whose body repeats a stack-VM-like
//! step (a bounds check on `sp + k`, a load, arithmetic, a store, a mask), about 1000 ops in
//! all, so the numbers do not depend on a guest interpreter.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use metatracer::backend::x64::X64Backend;
use metatracer::backend::Backend;
use metatracer::ir::{parse, Trace};

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

criterion_group!(benches, optimizer, backend, gc);
criterion_main!(benches);
