//! Trace validity: several programs run one after another in one process, without
//! `jit::reset()`. Programs of the same shape are parsed into the same place (the program
//! struct on the stack, its instruction buffer from the allocator), so a loop key made of raw
//! addresses would let program B run program A's trace. Each program must print what the
//! interpreter prints, and the traces of a dropped program must be freed.

use brainfuck::{parse, run, take_output, Op, Tape};

/// The JIT's parameters are process-wide: tests that set them run one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// `8 * k + extra` printed as a byte, all through the same loop shape.
fn prog(k: usize, extra: usize) -> String {
    format!("++++++++[>{}<-]>{}.", "+".repeat(k), "+".repeat(extra))
}

fn interpret(src: &str) -> Vec<u8> {
    metatracer::set_params("off").unwrap();
    let p = parse(src).unwrap();
    let mut t = Tape::new();
    run(&p, &mut t);
    take_output()
}

#[test]
fn same_shape_programs_do_not_share_traces() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let sources: Vec<String> = [(5, 1), (6, 0), (5, 1), (7, 3), (6, 2)]
        .iter()
        .map(|&(k, e)| prog(k, e))
        .collect();
    let expected: Vec<Vec<u8>> = sources.iter().map(|s| interpret(s)).collect();
    assert_eq!(expected[0], vec![41]);
    assert_eq!(expected[1], vec![48]);
    metatracer::jit::reset();
    metatracer::set_params("on,threshold=2").unwrap();
    let mut addrs = Vec::new();
    for (i, src) in sources.iter().enumerate() {
        let p = parse(src).unwrap();
        addrs.push((&p as *const _ as usize, p.ops.as_ptr() as usize));
        let mut t = Tape::new();
        run(&p, &mut t);
        assert_eq!(take_output(), expected[i], "program {i}: {src}");
        drop(p);
    }
    let st = metatracer::jit::stats();
    // every program compiled its own loop ...
    assert_eq!(st.loops, sources.len(), "{st:?}");
    // ... and every program's loop was freed when the program was dropped (nothing ran
    // compiled code at that moment, so at once)
    assert_eq!(st.identities_died, sources.len(), "{st:?}");
    assert!(st.traces_freed >= st.loops, "{st:?}");
    // the test is only meaningful if the green (the program's address) was really reused
    assert!(addrs.windows(2).any(|w| w[0].0 == w[1].0), "{addrs:?}");
    metatracer::set_params("off").unwrap();
}

/// A program changed in place through `&mut` keeps its address; `JitIdentity::renew` is how
/// its owner says the old traces are stale.
#[test]
fn a_renewed_identity_drops_the_old_traces() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let (a, b) = (prog(5, 1), prog(6, 2));
    let want_b = interpret(&b);
    metatracer::jit::reset();
    metatracer::set_params("on,threshold=2").unwrap();
    let mut p = parse(&a).unwrap();
    run(&p, &mut Tape::new());
    assert_eq!(take_output(), vec![41]);
    // Same shape: only the constants differ, so the old trace would still "fit".
    let new_ops: Vec<Op> = parse(&b).unwrap().ops;
    assert_eq!(new_ops.len(), p.ops.len());
    p.ops.copy_from_slice(&new_ops);
    p.jit_id.renew();
    run(&p, &mut Tape::new());
    assert_eq!(take_output(), want_b);
    let st = metatracer::jit::stats();
    metatracer::set_params("off").unwrap();
    assert_eq!(st.loops, 2, "{st:?}");
    assert_eq!(st.identities_died, 1, "{st:?}");
    assert!(st.traces_freed >= 1, "{st:?}");
}
