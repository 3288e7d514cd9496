//! Allocation in traces and allocation removal, end to end below the tracer: the `new` op in
//! the IR interpreter and in machine code (inline nursery bump with its slow path, under
//! collections), and the `virtualize` pass, whose guards must resume with objects equal to
//! the ones the unoptimized trace really allocated (nested objects included), whether the
//! exit comes from the IR interpreter or from machine code.

use metatracer::backend::x64::X64Backend;
use metatracer::backend::{Backend, ExitKind};
use metatracer::ir::interp::{self, Outcome};
use metatracer::ir::{parse, verify, Opcode, ResumeFrame, Trace, Value};
use metatracer::opt::optimize;

#[derive(metatracer::Trace)]
#[allow(dead_code)]
struct Two {
    a: i64,
    b: i64,
}

fn word(addr: usize, off: usize) -> u64 {
    // SAFETY: the tests only read fields of objects their traces allocated (kept alive by the
    // stack words that hold them, or raw test objects, which are never freed).
    unsafe { ((addr + off) as *const u64).read() }
}

/// The frames of a guard failure with every ref replaced by the words of the object it
/// points to (one level: `(offset, nested words)` described by `shape`), so that two runs
/// that allocated at different addresses compare equal when the objects do.
fn deep(frames: &[ResumeFrame], shape: &dyn Fn(usize, usize) -> Vec<u64>) -> Vec<Vec<Vec<u64>>> {
    frames
        .iter()
        .enumerate()
        .map(|(k, f)| {
            f.values
                .iter()
                .map(|v| match v {
                    Value::Ref(p) if *p != 0 => shape(k, *p),
                    other => vec![other.to_bits()],
                })
                .collect()
        })
        .collect()
}

fn run_interp(t: &Trace, inputs: &[Value]) -> Outcome {
    // SAFETY: the traces below only touch objects they allocate.
    unsafe { interp::run(t, inputs, 50_000_000) }.expect("interp")
}

fn run_machine(t: &Trace, inputs: &[Value]) -> (ExitKind, Vec<ResumeFrame>) {
    let mut be = X64Backend::new();
    let id = be
        .compile_loop(t, "test")
        .unwrap_or_else(|e| panic!("{e}\n{t}"));
    let bits: Vec<u64> = inputs.iter().map(|v| v.to_bits()).collect();
    // SAFETY: as for the interpreter.
    let got = unsafe { be.execute(id, &bits) }.expect("execute");
    let kind = be.exit(got.exit).unwrap().kind;
    let frames = match kind {
        ExitKind::Guard { .. } => be.resume_frames(got.exit, &got.values),
        _ => Vec::new(),
    };
    (kind, frames)
}

fn guard_frames(o: Outcome) -> Vec<ResumeFrame> {
    match o {
        Outcome::GuardFailed(g) => g.frames,
        Outcome::Finish(v) => panic!("finished with {v:?}, expected a guard failure"),
        Outcome::Jump(..) => panic!("jumped out"),
    }
}

const NESTED: &str = "[i0, f1]
p2 = new(descr=alloc(16))
store_i(p2, 0, i0, descr=i64)
store_f(p2, 8, f1, descr=f64)
p5 = new(descr=alloc(16))
store_r(p5, 0, p2, descr=ref)
i7 = int_add(i0, 7)
store_i(p5, 8, i7, descr=i64)
p9 = load_r(p5, 0, descr=ref)
i10 = load_i(p9, 0, descr=i64)
i11 = int_lt(i10, 10)
guard_true(i11) [0@3: p5, i10; 1@4: p2]
store_i(p2, 0, 99, descr=i64)
i14 = load_i(p2, 0, descr=i64)
guard_false(i14) [0@5: p5, i14]
finish(i14)
";

/// `p5 = {inner, i0 + 7}`, `inner = {i0, f1}`: frame 0 holds the outer object (its inner
/// object's words, then its own int), frame 1 the inner one.
fn nested_shape(frame: usize, p: usize) -> Vec<u64> {
    if frame == 1 {
        return vec![word(p, 0), word(p, 8)];
    }
    let inner = word(p, 0) as usize;
    vec![word(inner, 0), word(inner, 8), word(p, 8)]
}

#[test]
fn virtualize_removes_the_allocations_and_guards_resume_with_equal_objects() {
    let t = parse(NESTED).unwrap();
    verify(&t).unwrap();
    let o = optimize(&t, "virtualize").unwrap();
    assert!(
        !o.ops().iter().any(|op| op.opcode == Opcode::New),
        "allocations left:\n{o}"
    );
    assert!(!o
        .ops()
        .iter()
        .any(|op| op.opcode.flags().contains(metatracer::ir::OpFlags::STORE)));
    assert!(
        o.to_string().contains("v0=alloc(16){0:ref=v1, 8:i64=i"),
        "{o}"
    );
    // first guard fails (i0 >= 10), second guard fails (always: the field is 99)
    for (inputs, which) in [
        (vec![Value::Int(12), Value::Float(2.5)], 0),
        (vec![Value::Int(3), Value::Float(-1.0)], 1),
    ] {
        let want = guard_frames(run_interp(&t, &inputs));
        let got = guard_frames(run_interp(&o, &inputs));
        assert_eq!(
            deep(&want, &nested_shape),
            deep(&got, &nested_shape),
            "guard {which}\n{o}"
        );
        let (kind, mframes) = run_machine(&o, &inputs);
        assert!(
            matches!(kind, ExitKind::Guard { index, .. } if index == which),
            "{kind:?}"
        );
        assert_eq!(deep(&want, &nested_shape), deep(&mframes, &nested_shape));
        // the second guard sees the store of 99 into the inner object
        if which == 1 {
            let outer = match mframes[0].values[0] {
                Value::Ref(p) => p,
                v => panic!("{v:?}"),
            };
            assert_eq!(word(word(outer, 0) as usize, 0), 99);
        }
    }
}

fn counting_loop(header: usize, n: i64) -> String {
    format!(
        "[i0, i1]
label(i0, i1, descr=target0)
p2 = new(descr=alloc(16, {header:#x}))
store_i(p2, 0, i0, descr=i64)
store_i(p2, 8, i1, descr=i64)
i5 = load_i(p2, 0, descr=i64)
i6 = load_i(p2, 8, descr=i64)
i7 = int_add(i5, i6)
i8 = int_add(i0, 1)
i9 = int_lt(i8, {n})
guard_true(i9) [0@0: p2, i7]
jump(i8, i7, descr=target0)
"
    )
}

#[test]
fn machine_code_allocates_inline_across_collections() {
    let header = metatracer::gc::jit::header_word::<Two>();
    let n = 300_000;
    let t = parse(&counting_loop(header, n)).unwrap();
    verify(&t).unwrap();
    let two = |_: usize, p: usize| vec![word(p, 0), word(p, 8), word(p - 8, 0)];
    let before = metatracer::gc::stats();
    let (kind, frames) = run_machine(&t, &[Value::Int(0), Value::Int(0)]);
    // (read the object now: only the Rust heap refers to it)
    let got = deep(&frames, &two);
    let after = metatracer::gc::stats();
    assert!(matches!(kind, ExitKind::Guard { .. }));
    // 300k objects of 24 bytes: several nursery refills and minor collections
    assert!(
        after.minor_collections > before.minor_collections,
        "{before:?} {after:?}"
    );
    let want = deep(
        &guard_frames(run_interp(&t, &[Value::Int(0), Value::Int(0)])),
        &two,
    );
    assert_eq!(want, got);
    // the last object: a = n - 1, b = 0 + 1 + ... + (n - 2); its header is the type's
    let last = got;
    let b = (n - 2) * (n - 1) / 2;
    assert_eq!(last[0][0], vec![(n - 1) as u64, b as u64, header as u64]);
}

#[test]
fn the_default_pipeline_removes_the_loop_allocation() {
    let header = metatracer::gc::jit::header_word::<Two>();
    let t = parse(&counting_loop(header, 1000)).unwrap();
    let o = optimize(&t, "all").unwrap();
    assert!(
        !o.ops().iter().any(|op| op.opcode == Opcode::New),
        "allocations left:\n{o}"
    );
    let inputs = [Value::Int(0), Value::Int(0)];
    let two = |_: usize, p: usize| vec![word(p, 0), word(p, 8), word(p - 8, 0)];
    let want = deep(&guard_frames(run_interp(&t, &inputs)), &two);
    let (kind, frames) = run_machine(&o, &inputs);
    assert!(matches!(kind, ExitKind::Guard { .. }));
    assert_eq!(want, deep(&frames, &two));
}

/// The backend's inline write barrier (a call named `gc::jit::WRITE_BARRIER_CALL`): a slot
/// in the old generation whose card is clean gets its card marked (the cold call), a slot
/// outside the heap is left alone, and a second store to the marked card calls nothing.
#[test]
fn inline_write_barrier_marks_clean_cards() {
    // an array too big for the nursery lives in the old generation from the start
    let a = metatracer::gc::alloc_array::<u64>(4096, 0);
    metatracer::gc::collect(); // (cards are clean after a full collection)
    let slot = a.as_ptr() as usize + 8 + 8 * 1000;
    let lay = metatracer::gc::jit::layout();
    let card = lay.cards as usize + ((slot - lay.barrier_base) >> lay.card_shift);
    // SAFETY: `card` is this slot's byte of the card table.
    let card_byte = || unsafe { (card as *const u8).read_volatile() };
    assert_eq!(card_byte(), 0, "the card starts clean");
    let f = metatracer::gc::jit::barrier_slot as *const () as usize;
    let text = format!(
        "[i0]\ncall_n({f:#x}, i0, descr=call(i)->n \"{}\")\nfinish(i0)\n",
        metatracer::gc::jit::WRITE_BARRIER_CALL
    );
    let t = parse(&text).unwrap();
    verify(&t).unwrap();
    let mut be = X64Backend::new();
    let id = be.compile_loop(&t, "barrier").unwrap();
    let outside = &text as *const String as u64; // a stack address: not in the heap
    for s in [outside, slot as u64, slot as u64] {
        // SAFETY: the barrier reads the card table only for slots inside the heap's range.
        let got = unsafe { be.execute(id, &[s]) }.expect("execute");
        assert_eq!(got.values, vec![s]);
        assert_eq!(card_byte() != 0, s == slot as u64, "slot {s:#x}");
    }
    std::hint::black_box(a);
}
