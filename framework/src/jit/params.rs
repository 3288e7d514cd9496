//! JIT parameters, settable at run time from a string (`--jit` on the guests' command lines).
//!
//! Syntax: `off`, `on`, or a comma-separated list of `name=value`:
//! * `threshold=N`: backward jumps to one loop header before it is traced (default 1000);
//! * `trace_eagerness=N`: failures of one guard before a bridge is traced from it (200);
//! * `trace_limit=N`: recorded operations before tracing gives up (6000);
//! * `enable_opts=a:b:...`: optimization passes to run (`all` or `none`; passed to the
//!   optimizer as given);
//! * `fail_guards=0|1`: make every guard fail (differential testing of deoptimization);
//! * `jit=0|1`: same as `off` / `on`.

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
        }
    }
}

/// Fast flag read on the interpreter's hot path.
pub(crate) static JIT_ON: AtomicBool = AtomicBool::new(true);

thread_local! {
    static PARAMS: RefCell<Params> = RefCell::new(Params::default());
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
                        "jit" => self.enabled = num::<u8>(name, v)? != 0,
                        other => {
                            return Err(format!(
                                "unknown JIT parameter `{other}` (known: threshold, \
                                 trace_eagerness, trace_limit, enable_opts, fail_guards, jit)"
                            ))
                        }
                    }
                }
            }
        }
        Ok(())
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
}
