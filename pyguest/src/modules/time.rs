//! The native `time` module: `time`, `time_ns`, `perf_counter`, `perf_counter_ns`,
//! `monotonic`, `process_time`, `sleep` and `get_clock_info` (CPython's answers on Linux:
//! every clock is a `clock_gettime` one with nanosecond resolution).

use super::*;

fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

thread_local! {
    static START: std::time::Instant = std::time::Instant::now();
}

pub(crate) fn make_time() -> Gc<ModuleObj> {
    let m = new_module("time", None);
    def(m, "time", |_| Ok(new_float(now())));
    def(m, "time_ns", |_| Ok(new_int((now() * 1e9) as i64)));
    def(m, "perf_counter", |_| {
        Ok(new_float(START.with(|s| s.elapsed().as_secs_f64())))
    });
    def(m, "perf_counter_ns", |_| {
        Ok(new_int(START.with(|s| s.elapsed().as_nanos() as i64)))
    });
    def(m, "monotonic", |_| {
        Ok(new_float(START.with(|s| s.elapsed().as_secs_f64())))
    });
    def(m, "process_time", |_| {
        Ok(new_float(START.with(|s| s.elapsed().as_secs_f64())))
    });
    def(m, "get_clock_info", |a| {
        let name = a
            .pos
            .first()
            .and_then(|&v| as_str(v))
            .map(|s| s.s.to_string());
        let (implementation, monotonic, adjustable) = match name.as_deref() {
            Some("time") => ("clock_gettime(CLOCK_REALTIME)", false, true),
            Some("monotonic") | Some("perf_counter") => {
                ("clock_gettime(CLOCK_MONOTONIC)", true, false)
            }
            Some("process_time") => ("clock_gettime(CLOCK_PROCESS_CPUTIME_ID)", true, false),
            Some("thread_time") => ("clock_gettime(CLOCK_THREAD_CPUTIME_ID)", true, false),
            _ => return Err(value_error("unknown clock")),
        };
        Ok(super::native_class::namespace(
            "types",
            "SimpleNamespace",
            &[
                ("implementation", new_str(implementation)),
                ("monotonic", Value::bool(monotonic)),
                ("adjustable", Value::bool(adjustable)),
                ("resolution", new_float(1e-09)),
            ],
        ))
    });
    def(m, "sleep", |a| {
        let s = float_of(a.pos[0]).unwrap_or(0.0);
        if s.is_nan() {
            return Err(value_error("Invalid value NaN (not a number)"));
        }
        if s < 0.0 {
            return Err(value_error("sleep length must be non-negative"));
        }
        // Slices of 50 ms, so a signal (Ctrl-C) interrupts the sleep as in CPython.
        let end = std::time::Instant::now() + std::time::Duration::from_secs_f64(s.min(1e9));
        // (even `sleep(0)` lets the other threads run)
        crate::threads::yield_now();
        loop {
            crate::modules::signal::poll()?;
            let now = std::time::Instant::now();
            if now >= end {
                break;
            }
            crate::threads::sleep_until(end.min(now + std::time::Duration::from_millis(50)))?;
        }
        Ok(Value::NONE)
    });
    m
}
