//! Tests of the collector with several native stacks per thread (`gc::register_stack`,
//! `gc::suspend_current`): references held only by a suspended coroutine's frames, or only by
//! the thread's own stack while a collection runs on a coroutine stack, keep their objects
//! alive and unmoved. Coroutines come from `corosensei`, as in an embedder with green threads.

use corosensei::stack::{DefaultStack, Stack};
use corosensei::{Coroutine, CoroutineResult, Yielder};
use metatracer::gc::{self, Gc, GcCell};

#[derive(metatracer::Trace)]
struct Node {
    value: i64,
    next: GcCell<Option<Gc<Node>>>,
}

/// A fresh list `start, start+1, ..., start+n-1` (head last).
#[inline(never)]
fn build(start: i64, n: i64) -> Option<Gc<Node>> {
    let mut head = None;
    for i in start..start + n {
        let node = gc::alloc(Node {
            value: i,
            next: GcCell::new(None),
        });
        node.next.set(head);
        head = Some(node);
    }
    head
}

/// The sum and length of a list.
#[inline(never)]
fn sum(mut cur: Option<Gc<Node>>) -> (i64, i64) {
    let (mut s, mut n) = (0, 0);
    while let Some(node) = cur {
        s += node.value;
        n += 1;
        cur = node.next.get();
    }
    (s, n)
}

/// Allocates garbage (so freed memory is reused with other values) and collects fully.
#[inline(never)]
fn churn() {
    for k in 0..20 {
        std::hint::black_box(build(1_000_000 * (k + 1), 500));
        gc::collect_minor();
    }
    gc::collect();
}

fn new_stack() -> (DefaultStack, gc::StackRegistration) {
    let stack = DefaultStack::new(1 << 20).expect("mmap a coroutine stack");
    // SAFETY: the registration is dropped (by the caller) before the stack is freed.
    let reg = unsafe { gc::register_stack(stack.limit().get(), stack.base().get()) };
    (stack, reg)
}

#[test]
fn a_list_held_only_by_a_suspended_coroutine_survives() {
    let (stack, reg) = new_stack();
    let mut co = Coroutine::with_stack(stack, |y: &Yielder<(), ()>, ()| {
        let list = build(0, 1000);
        gc::suspend_current(|| y.suspend(()));
        let first = sum(list);
        gc::suspend_current(|| y.suspend(()));
        (first, sum(list))
    });
    for _ in 0..2 {
        let r = gc::suspend_current(|| co.resume(()));
        assert!(matches!(r, CoroutineResult::Yield(())));
        // collections on the thread's own stack, the coroutine suspended
        churn();
    }
    let r = gc::suspend_current(|| co.resume(()));
    drop(co);
    drop(reg);
    match r {
        CoroutineResult::Return((a, b)) => {
            assert_eq!(a, (999 * 1000 / 2, 1000));
            assert_eq!(b, a);
        }
        CoroutineResult::Yield(()) => panic!("the coroutine should have finished"),
    }
}

#[test]
fn collections_on_a_coroutine_stack_keep_the_suspended_main_stack_alive() {
    let (stack, reg) = new_stack();
    let main_list = build(10, 700);
    let mut co = Coroutine::with_stack(stack, |y: &Yielder<(), ()>, ()| {
        for _ in 0..3 {
            // collections on the coroutine's stack, the thread's own stack suspended
            let own = build(5, 300);
            churn();
            assert_eq!(sum(own), ((5 + 304) * 300 / 2, 300));
            gc::suspend_current(|| y.suspend(()));
        }
    });
    while let CoroutineResult::Yield(()) = gc::suspend_current(|| co.resume(())) {
        assert_eq!(sum(main_list), ((10 + 709) * 700 / 2, 700));
    }
    drop(co);
    drop(reg);
    assert_eq!(sum(main_list), ((10 + 709) * 700 / 2, 700));
}

#[test]
fn many_coroutines_interleaved() {
    let mut cos = Vec::new();
    for k in 0..8i64 {
        let (stack, reg) = new_stack();
        let co = Coroutine::with_stack(stack, move |y: &Yielder<(), ()>, ()| {
            let mut lists = Vec::new();
            let mut acc = 0;
            for round in 0..4 {
                // a new list each round; the older ones stay referenced from this frame's
                // `lists` (on the Rust heap: not a root), so keep the sums as they go
                let l = build(k * 100 + round, 50);
                lists.push(sum(l).0);
                gc::suspend_current(|| y.suspend(()));
                acc += sum(l).0;
            }
            (acc, lists.iter().sum::<i64>())
        });
        cos.push((co, reg));
    }
    let mut results = vec![None; cos.len()];
    let mut live = cos.len();
    while live > 0 {
        for (i, (co, _)) in cos.iter_mut().enumerate() {
            if results[i].is_some() {
                continue;
            }
            if let CoroutineResult::Return(r) = gc::suspend_current(|| co.resume(())) {
                results[i] = Some(r);
                live -= 1;
            }
            gc::collect_minor();
        }
        churn();
    }
    for r in results {
        let (acc, expected) = r.expect("finished");
        assert_eq!(acc, expected);
    }
}
