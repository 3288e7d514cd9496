//! The counters a JSON-logged run compiles into machine code (`jitlog::code_counters`): without
//! the JSON log the code has no counting instructions at all (a normal run pays nothing); with
//! it, the code counts its own runs, how often each label is reached and each guard's
//! failures, and the exit `counts` record reports them.
//!
//! One test function: the log is process-global.

use metatracer::backend::x64::X64Backend;
use metatracer::backend::Backend;
use metatracer::ir::parse;
use metatracer::jitlog;

/// A loop counting `i0` up to `i2`; its one guard fails when the count is reached.
const LOOP: &str = "[i0, i1, i2]
label(i0, i1, i2, descr=target700)
i4 = int_add(i0, 1)
i5 = int_add(i1, i4)
i6 = int_lt(i4, i2)
guard_true(i6) [0@4: i4, i5; 1@9: i2]
jump(i4, i5, i2, descr=target700)
";

fn counts_of(log: &str, id: u32) -> serde_json::Value {
    let rec = log
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|r| r["ev"] == "counts")
        .unwrap_or_else(|| panic!("no counts record in {log}"));
    rec["traces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("no counts of trace {id} in {rec}"))
}

#[test]
fn machine_code_counts_only_when_the_json_log_is_on() {
    let t = parse(LOOP).unwrap();

    // No JSON log: no counters.
    jitlog::configure("").unwrap();
    let mut plain_be = X64Backend::new();
    let plain = plain_be.compile_loop(&t, "plain").unwrap();
    let plain_size = plain_be.code_size(plain).unwrap();

    // JSON log: one `mov rax, imm64` (10 bytes) + `inc qword [rax]` (3 bytes) at the start,
    // at the label and in the guard's exit stub.
    jitlog::capture_json();
    let mut be = X64Backend::new();
    let id = be.compile_loop(&t, "counted").unwrap();
    assert_eq!(be.code_size(id).unwrap(), plain_size + 3 * 13);

    for _ in 0..3 {
        // SAFETY: the trace has no memory accesses or calls.
        let r = unsafe { be.execute(id, &[0, 0, 1000]) }.unwrap();
        assert_eq!(&r.values[..2], &[1000, 500500]);
    }
    // SAFETY: as above.
    let r = unsafe { plain_be.execute(plain, &[0, 0, 1000]) }.unwrap();
    assert_eq!(&r.values[..2], &[1000, 500500], "the uncounted code agrees");

    jitlog::write_exit_records();
    let log = jitlog::take_captured();
    jitlog::capture(&[]);
    let c = counts_of(&log, id.as_u32());
    assert_eq!(c["runs"], 3, "{c}");
    // the label is reached on entry and after each of the 999 jumps back, per run
    assert_eq!(c["labels"], serde_json::json!([3000]), "{c}");
    assert_eq!(c["guard_fails"], serde_json::json!([[0, 3]]), "{c}");
}
