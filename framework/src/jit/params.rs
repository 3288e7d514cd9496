//! JIT parameters, settable at run time from a string (`--jit` on the guests' command lines).
//!
//! Syntax: `off`, `on`, or a comma-separated list of `name=value`:
//! * `threshold=N`: backward jumps to one loop header before it is traced (default 1000);
//! * `trace_eagerness=N`: failures of one guard before a bridge is traced from it (200);
//! * `trace_limit=N`: recorded operations before tracing gives up (6000);
//! * `enable_opts=a:b:...`: optimization passes to run (`all` or `none`; passed to the
//!   optimizer as given);
//! * `fail_guards=0|1`: make every guard fail (differential testing of deoptimization;
//!   compiled code is then entered only on every `threshold`-th backward jump, and no bridges
//!   are made, since every exit would need one);
//! * `fail_guard=N`: in every loop compiled and every bridge of a loop, only the guard with
//!   index `N` (in the optimized trace's guard order) fails; the others behave normally and
//!   bridges are made as usual (bridges of bridges force nothing, see
//!   [`ForcedFailures`]). Running a program with `N` = 0, 1, ... up to the largest guard count
//!   of any trace (the `most guards in a trace` line of the `summary` log) makes every guard
//!   fail in turn, including guards after stores and residual calls in the middle of an
//!   opcode; `fail_guard=none` turns it off;
//! * `fail_guards_random=SEED`: in the same traces, one guard picked pseudo-randomly from
//!   `SEED` and the trace's compile number fails (cheap sampling when a full sweep is too slow);
//!   `fail_guards_random=none` turns it off;
//! * `jit=0|1`: same as `off` / `on`.
//!
//! `fail_guards` wins over `fail_guard`, which wins over `fail_guards_random`.

use crate::backend::ForcedFailures;
use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};

/// The JIT parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Params {
    /// Whether the JIT runs at all.
    pub enabled: bool,
    /// Loop-header hits before tracing.
    pub threshold: u32,
    /// Guard failures before a bridge.
    pub trace_eagerness: u32,
    /// Maximal trace length in recorded ops.
    pub trace_limit: usize,
    /// Optimization passes (colon-separated names, `all`, or `none`).
    pub enable_opts: String,
    /// Every guard fails.
    pub fail_guards: bool,
    /// Only the guard with this index fails, in every trace.
    pub fail_guard: Option<usize>,
    /// One pseudo-random guard per trace fails, chosen from this seed.
    pub fail_guards_random: Option<u64>,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            enabled: true,
            threshold: 1000,
            trace_eagerness: 200,
            trace_limit: 6000,
            enable_opts: "all".into(),
            fail_guards: false,
            fail_guard: None,
            fail_guards_random: None,
        }
    }
}

/// Fast flag read on the interpreter's hot path.
pub(crate) static JIT_ON: AtomicBool = AtomicBool::new(true);

thread_local! {
    static PARAMS: RefCell<Params> = RefCell::new(Params::default());
}

/// `none` or a number.
fn opt_num<T: std::str::FromStr>(name: &str, v: &str) -> Result<Option<T>, String> {
    if v.trim() == "none" {
        return Ok(None);
    }
    v.trim()
        .parse()
        .map(Some)
        .map_err(|_| format!("JIT parameter `{name}` needs a number or `none`, got `{v}`"))
}

fn num<T: std::str::FromStr>(name: &str, v: &str) -> Result<T, String> {
    v.parse()
        .map_err(|_| format!("JIT parameter `{name}` needs a number, got `{v}`"))
}

impl Params {
    /// Applies `off`, `on` or `name=value,...` on top of `self`.
    pub fn apply(&mut self, spec: &str) -> Result<(), String> {
        for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match item {
                "off" => self.enabled = false,
                "on" => self.enabled = true,
                _ => {
                    let (name, v) = item.split_once('=').ok_or_else(|| {
                        format!("bad JIT parameter `{item}`: expected `off`, `on` or `name=value`")
                    })?;
                    match name.trim() {
                        "threshold" => self.threshold = num(name, v)?,
                        "trace_eagerness" => self.trace_eagerness = num(name, v)?,
                        "trace_limit" => self.trace_limit = num(name, v)?,
                        "enable_opts" => self.enable_opts = v.to_string(),
                        "fail_guards" => self.fail_guards = num::<u8>(name, v)? != 0,
                        "fail_guard" => self.fail_guard = opt_num(name, v)?,
                        "fail_guards_random" => self.fail_guards_random = opt_num(name, v)?,
                        "jit" => self.enabled = num::<u8>(name, v)? != 0,
                        other => {
                            return Err(format!(
                                "unknown JIT parameter `{other}` (known: threshold, \
                                 trace_eagerness, trace_limit, enable_opts, fail_guards, \
                                 fail_guard, fail_guards_random, jit)"
                            ))
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Which guards the backend forces to fail: `fail_guards` wins over `fail_guard`, which
    /// wins over `fail_guards_random`.
    pub fn forced_failures(&self) -> ForcedFailures {
        if self.fail_guards {
            ForcedFailures::All
        } else if let Some(i) = self.fail_guard {
            ForcedFailures::Index(i)
        } else if let Some(seed) = self.fail_guards_random {
            ForcedFailures::Random(seed)
        } else {
            ForcedFailures::None
        }
    }
}

/// Sets parameters from a string (see the module doc); on error nothing changes.
pub fn set_params(spec: &str) -> Result<(), String> {
    let mut p = params();
    p.apply(spec)?;
    JIT_ON.store(p.enabled, Ordering::Relaxed);
    PARAMS.with(|c| *c.borrow_mut() = p);
    Ok(())
}

/// Reads the current parameters without copying them.
pub(crate) fn with_params<R>(f: impl FnOnce(&Params) -> R) -> R {
    PARAMS.with(|c| f(&c.borrow()))
}

/// The current parameters.
pub fn params() -> Params {
    PARAMS.with(|c| c.borrow().clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_params() {
        let mut p = Params::default();
        p.apply("threshold=7,trace_eagerness=3,fail_guards=1")
            .unwrap();
        assert_eq!(
            (p.threshold, p.trace_eagerness, p.fail_guards),
            (7, 3, true)
        );
        p.apply("off").unwrap();
        assert!(!p.enabled);
        assert!(p
            .apply("bogus=1")
            .unwrap_err()
            .contains("unknown JIT parameter"));
        assert!(p
            .apply("threshold=x")
            .unwrap_err()
            .contains("needs a number"));
        assert!(p.apply("threshold").is_err());
    }

    #[test]
    fn forced_failure_modes() {
        let mut p = Params::default();
        assert_eq!(p.forced_failures(), ForcedFailures::None);
        p.apply("fail_guards_random=42").unwrap();
        assert_eq!(p.forced_failures(), ForcedFailures::Random(42));
        p.apply("fail_guard=3").unwrap();
        assert_eq!(p.forced_failures(), ForcedFailures::Index(3));
        p.apply("fail_guards=1").unwrap();
        assert_eq!(p.forced_failures(), ForcedFailures::All);
        p.apply("fail_guards=0,fail_guard=none,fail_guards_random=none")
            .unwrap();
        assert_eq!(p.forced_failures(), ForcedFailures::None);
        assert!(p
            .apply("fail_guard=-1")
            .unwrap_err()
            .contains("a number or `none`"));
        assert!(p.apply("fail_guards_random=x").is_err());
    }

    #[test]
    fn random_mode_forces_one_guard_per_trace() {
        for trace_no in 0..50 {
            for n in 1..20 {
                let forced = (0..n)
                    .filter(|&i| ForcedFailures::Random(7).forces(trace_no, i, n))
                    .count();
                assert_eq!(forced, 1, "trace {trace_no} with {n} guards");
            }
        }
        // different traces get different picks
        let picks: std::collections::HashSet<usize> = (0..50)
            .map(|t| {
                (0..16)
                    .position(|i| ForcedFailures::Random(7).forces(t, i, 16))
                    .unwrap()
            })
            .collect();
        assert!(picks.len() > 4, "{picks:?}");
    }
}
