//! `_pgtime`, the native half of `time` (`pyguest/lib/time.py` adds `struct_time` and the
//! argument handling): `time`, `time_ns`, `perf_counter`, `perf_counter_ns`, `monotonic`,
//! `process_time`, `sleep` and `get_clock_info` (CPython's answers on Linux: every clock is a
//! `clock_gettime` one with nanosecond resolution), and the C library's calendar functions
//! as primitives on plain tuples: `_gmtime(secs)`/`_localtime(secs)` (`gmtime_r`/
//! `localtime_r`: the nine `struct_time` fields in Python's conventions, Monday = 0 and
//! day-of-year from 1, then `tm_zone` and `tm_gmtoff`), `_mktime(fields)` (`mktime`),
//! `_strftime(format, fields, zone, gmtoff)` (`strftime` in the C locale, the result buffer
//! grown as needed) and `_tzinfo()` (CPython's `timezone`, `altzone`, `daylight` and
//! `tzname`, taken from `localtime` in January and July of this year after `tzset`).
//! Field ranges are checked by `time.py`, with CPython's messages.

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
    let m = new_module("_pgtime", None);
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
        Ok(new_float(cpu_clock(libc::CLOCK_PROCESS_CPUTIME_ID)))
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
    def(m, "thread_time", |_| {
        Ok(new_float(cpu_clock(libc::CLOCK_THREAD_CPUTIME_ID)))
    });
    def(m, "_gmtime", |a| broken_down(&a, false));
    def(m, "_localtime", |a| broken_down(&a, true));
    def(m, "_mktime", |a| {
        let mut tm = tm_from(a.pos.first().copied().unwrap_or(Value::NONE))?;
        tm.tm_wday = -1;
        // SAFETY: `tm` is a valid, initialized struct; mktime only reads and normalizes it.
        let t = unsafe { libc::mktime(&mut tm) };
        if t == -1 && tm.tm_wday == -1 {
            return Err(vm::exc(C::OverflowError, "mktime argument out of range"));
        }
        Ok(new_float(t as f64))
    });
    def(m, "_strftime", |a| {
        let fmt = a
            .pos
            .first()
            .and_then(|&v| as_str(v))
            .map(|s| s.s.to_string());
        let Some(fmt) = fmt else {
            return Err(type_error("strftime() argument 1 must be str"));
        };
        let mut tm = tm_from(a.pos.get(1).copied().unwrap_or(Value::NONE))?;
        let zone = a
            .pos
            .get(2)
            .and_then(|&v| as_str(v))
            .map(|s| s.s.to_string())
            .unwrap_or_default();
        let zone_c = std::ffi::CString::new(zone).unwrap_or_default();
        tm.tm_zone = zone_c.as_ptr();
        tm.tm_gmtoff = a.pos.get(3).and_then(|&v| index_of(v).ok()).unwrap_or(0);
        if fmt.contains('\0') {
            return Err(value_error("embedded null character"));
        }
        let cfmt = std::ffi::CString::new(fmt.clone()).unwrap_or_default();
        let mut cap = 256usize.max(fmt.len() * 8);
        loop {
            let mut buf = vec![0u8; cap];
            // SAFETY: `buf` has `cap` writable bytes, `cfmt` is NUL-terminated and `tm` (with
            // `zone_c` alive for the call) is a valid struct.
            let n = unsafe {
                libc::strftime(
                    buf.as_mut_ptr() as *mut libc::c_char,
                    cap,
                    cfmt.as_ptr(),
                    &tm,
                )
            };
            // 0 is also the right answer for a format that produces nothing
            if n > 0 || fmt.is_empty() || cap > 256 * fmt.len() + 4096 {
                buf.truncate(n);
                return Ok(new_string(String::from_utf8_lossy(&buf).into_owned()));
            }
            cap *= 4;
        }
    });
    def(m, "_tzinfo", |_| {
        // SAFETY: tzset only reads the TZ environment variable and the zone files.
        unsafe { tzset() };
        let now = now() as i64;
        const YEAR: i64 = (365 * 24 + 6) * 3600;
        let jan = (now / YEAR) * YEAR;
        let (janoff, janname) = local_offset(jan);
        let (juloff, julname) = local_offset(jan + YEAR / 2);
        let (tz, alt, names) = if janoff < juloff {
            // DST is reversed in the southern hemisphere
            (juloff, janoff, (julname, janname))
        } else {
            (janoff, juloff, (janname, julname))
        };
        Ok(new_tuple(&[
            new_int(tz),
            new_int(alt),
            new_int(i64::from(janoff != juloff)),
            new_string(names.0),
            new_string(names.1),
        ]))
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

extern "C" {
    fn tzset();
}

fn cpu_clock(id: libc::clockid_t) -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid out-parameter.
    unsafe { libc::clock_gettime(id, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// Seconds west of UTC and the zone name of local time at `t`.
fn local_offset(t: i64) -> (i64, String) {
    // SAFETY: an all-zero `tm` is a valid value (null zone pointer).
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let tt = t as libc::time_t;
    // SAFETY: valid pointers to a time_t and an out struct.
    unsafe { libc::localtime_r(&tt, &mut tm) };
    (-tm.tm_gmtoff, zone_name(&tm))
}

fn zone_name(tm: &libc::tm) -> String {
    if tm.tm_zone.is_null() {
        return String::new();
    }
    // SAFETY: a non-null `tm_zone` set by the C library points to a NUL-terminated name.
    unsafe { std::ffi::CStr::from_ptr(tm.tm_zone) }
        .to_string_lossy()
        .into_owned()
}

/// `_gmtime(secs)` / `_localtime(secs)`: the broken-down time as an 11-tuple.
fn broken_down(a: &Args, local: bool) -> PyResult<Value> {
    let v = a.pos.first().copied().unwrap_or(Value::NONE);
    let is_float = !ops::is_int_like(v) && float_of(v).is_some();
    let secs = if is_float {
        let x = float_of(v).unwrap_or(0.0);
        if x.is_nan() {
            return Err(value_error("Invalid value NaN (not a number)"));
        }
        let fl = x.floor();
        if !(-9.2e18..9.2e18).contains(&fl) {
            return Err(vm::exc(
                C::OverflowError,
                "timestamp out of range for platform time_t",
            ));
        }
        fl as i64
    } else {
        index_of(v).map_err(|_| {
            vm::exc(
                C::OverflowError,
                "timestamp out of range for platform time_t",
            )
        })?
    };
    // SAFETY: an all-zero `tm` is a valid value.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let tt = secs as libc::time_t;
    // SAFETY: valid pointers to a time_t and an out struct.
    let ok = unsafe {
        if local {
            !libc::localtime_r(&tt, &mut tm).is_null()
        } else {
            !libc::gmtime_r(&tt, &mut tm).is_null()
        }
    };
    if !ok {
        return Err(vm::exc(
            C::OverflowError,
            "timestamp out of range for platform time_t",
        ));
    }
    let zone = zone_name(&tm);
    Ok(new_tuple(&[
        new_int(i64::from(tm.tm_year) + 1900),
        new_int(i64::from(tm.tm_mon) + 1),
        new_int(i64::from(tm.tm_mday)),
        new_int(i64::from(tm.tm_hour)),
        new_int(i64::from(tm.tm_min)),
        new_int(i64::from(tm.tm_sec)),
        new_int(i64::from((tm.tm_wday + 6) % 7)),
        new_int(i64::from(tm.tm_yday) + 1),
        new_int(i64::from(tm.tm_isdst)),
        new_string(zone),
        new_int(tm.tm_gmtoff),
    ]))
}

/// A C `tm` from the nine Python fields (already range-checked by `time.py`).
fn tm_from(v: Value) -> PyResult<libc::tm> {
    let items = crate::objects::native::seq_items(v)?;
    if items.len() < 9 {
        return Err(type_error("a 9-field time tuple is required"));
    }
    let f = |i: usize| -> PyResult<libc::c_int> {
        let x = index_of(items[i])?;
        libc::c_int::try_from(x)
            .map_err(|_| vm::exc(C::OverflowError, "Python int too large to convert to C int"))
    };
    // SAFETY: an all-zero `tm` is a valid value.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    tm.tm_year = f(0)? - 1900;
    tm.tm_mon = f(1)? - 1;
    tm.tm_mday = f(2)?;
    tm.tm_hour = f(3)?;
    tm.tm_min = f(4)?;
    tm.tm_sec = f(5)?;
    tm.tm_wday = (f(6)? + 1) % 7;
    tm.tm_yday = f(7)? - 1;
    tm.tm_isdst = f(8)?;
    Ok(tm)
}
