//! JIT parameters, settable at run time from a string (`--jit` on the guests' command lines).
//!
//! Syntax: `off`, `on`, or a comma-separated list of `name=value`. Every parameter, with its
//! meaning, is one entry of [`PARAMS`]; parsing ([`Params::apply`]), the error for an unknown
//! name and the help text ([`help`], printed by `--jit help` and `--help` of the guest
//! binaries) all come from that table.
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
    /// Recorded ops after which a bridge ends at the next guest instruction boundary and
    /// leaves to the interpreter (its continuation becomes another bridge); 0: never.
    pub bridge_limit: usize,
    /// Optimization passes (colon-separated names, `all`, or `none`).
    pub enable_opts: String,
    /// Longest optimized preamble (in ops) of a peeled loop that a bridge jumping to the loop
    /// copies and optimizes, then jumping straight to the peeled loop (`opt::unroll`,
    /// "Bridges and the short preamble"); 0: bridges always enter through the preamble.
    pub short_preamble_limit: usize,
    /// Every guard fails.
    pub fail_guards: bool,
    /// Only the guard with this index fails, in every trace.
    pub fail_guard: Option<usize>,
    /// One pseudo-random guard per trace fails, chosen from this seed.
    pub fail_guards_random: Option<u64>,
    /// Bytes of trace text (before and after optimization) kept in [`super::JitStats`] for
    /// tests and tools; 0 keeps none (guest binaries: the texts were up to a fifth of a
    /// program's peak RSS and only tests read them).
    pub trace_texts: usize,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            enabled: true,
            threshold: 1000,
            trace_eagerness: 200,
            trace_limit: 6000,
            bridge_limit: 3000,
            enable_opts: "all".into(),
            short_preamble_limit: 200,
            fail_guards: false,
            fail_guard: None,
            fail_guards_random: None,
            trace_texts: super::driver::TRACE_TEXT_BUDGET,
        }
    }
}

/// Fast flag read on the interpreter's hot path.
pub(crate) static JIT_ON: AtomicBool = AtomicBool::new(true);

thread_local! {
    static CURRENT: RefCell<Params> = RefCell::new(Params::default());
}

/// One JIT parameter: its name, its meaning, and how to read and set it.
pub struct ParamSpec {
    /// The name in `name=value`.
    pub name: &'static str,
    /// The accepted values, for the help text (`N`, `0|1`, ...).
    pub values: &'static str,
    /// What it does.
    pub help: &'static str,
    /// The current value, as text.
    pub get: fn(&Params) -> String,
    /// Sets it from the text after `=`.
    pub set: fn(&mut Params, &str) -> Result<(), String>,
}

fn show_opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map_or("none".into(), T::to_string)
}

/// Every JIT parameter (the one table the parser, the error messages and the help use).
pub const PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "threshold",
        values: "N",
        help: "backward jumps to one loop header before it is traced",
        get: |p| p.threshold.to_string(),
        set: |p, v| {
            p.threshold = num("threshold", v)?;
            Ok(())
        },
    },
    ParamSpec {
        name: "trace_eagerness",
        values: "N",
        help: "failures of one guard before a bridge is traced from it",
        get: |p| p.trace_eagerness.to_string(),
        set: |p, v| {
            p.trace_eagerness = num("trace_eagerness", v)?;
            Ok(())
        },
    },
    ParamSpec {
        name: "trace_limit",
        values: "N",
        help: "recorded operations before tracing gives up (abort `trace too long`)",
        get: |p| p.trace_limit.to_string(),
        set: |p, v| {
            p.trace_limit = num("trace_limit", v)?;
            Ok(())
        },
    },
    ParamSpec {
        name: "bridge_limit",
        values: "N",
        help: "recorded operations after which a bridge stops at the next guest instruction \
               and leaves to the interpreter there (the rest of the path becomes a bridge of \
               its own once that exit is hot); 0: never, a longer bridge aborts at \
               `trace_limit`",
        get: |p| p.bridge_limit.to_string(),
        set: |p, v| {
            p.bridge_limit = num("bridge_limit", v)?;
            Ok(())
        },
    },
    ParamSpec {
        name: "enable_opts",
        values: "a:b:...|all|none",
        help: "optimization passes to run, colon-separated, in the optimizer's order",
        get: |p| p.enable_opts.clone(),
        set: |p, v| {
            p.enable_opts = v.to_string();
            Ok(())
        },
    },
    ParamSpec {
        name: "short_preamble_limit",
        values: "N",
        help: "a bridge that jumps to a peeled loop whose optimized preamble has at most N \
               ops gets its own optimized copy of that preamble and jumps past it, straight \
               into the loop; 0: bridges always run the loop's preamble",
        get: |p| p.short_preamble_limit.to_string(),
        set: |p, v| {
            p.short_preamble_limit = num("short_preamble_limit", v)?;
            Ok(())
        },
    },
    ParamSpec {
        name: "fail_guards",
        values: "0|1",
        help: "make every guard fail (differential testing of deoptimization); compiled code \
               is then entered only on every `threshold`-th backward jump, and no bridges are \
               made",
        get: |p| u8::from(p.fail_guards).to_string(),
        set: |p, v| {
            p.fail_guards = num::<u8>("fail_guards", v)? != 0;
            Ok(())
        },
    },
    ParamSpec {
        name: "fail_guard",
        values: "N|none",
        help: "in every loop and every bridge of a loop only guard number N (optimized trace \
               order) fails, others behave normally and bridges are made; running N = 0, 1, \
               ... up to the `most guards in a trace` of the summary log makes every guard \
               fail in turn",
        get: |p| show_opt(&p.fail_guard),
        set: |p, v| {
            p.fail_guard = opt_num("fail_guard", v)?;
            Ok(())
        },
    },
    ParamSpec {
        name: "fail_guards_random",
        values: "SEED|none",
        help: "in the same traces, one guard picked pseudo-randomly from SEED and the trace's \
               compile number fails (cheap sampling when a full fail_guard sweep is too slow)",
        get: |p| show_opt(&p.fail_guards_random),
        set: |p, v| {
            p.fail_guards_random = opt_num("fail_guards_random", v)?;
            Ok(())
        },
    },
    ParamSpec {
        name: "trace_texts",
        values: "BYTES",
        help: "bytes of trace text kept for `jit::stats()` (tests and tools read it); 0 keeps \
               none, which saves memory in long runs",
        get: |p| p.trace_texts.to_string(),
        set: |p, v| {
            p.trace_texts = num("trace_texts", v)?;
            Ok(())
        },
    },
    ParamSpec {
        name: "jit",
        values: "0|1",
        help: "the JIT on or off (the same as `on` / `off`)",
        get: |p| u8::from(p.enabled).to_string(),
        set: |p, v| {
            p.enabled = num::<u8>("jit", v)? != 0;
            Ok(())
        },
    },
];

/// The help text of the JIT parameters: syntax, then one line per parameter with its
/// accepted values, default and meaning (from [`PARAMS`]).
pub fn help() -> String {
    let d = Params::default();
    let mut s = String::from(
        "JIT parameters: --jit off | on | help | NAME=VALUE,...  (repeatable, applied in order)\n",
    );
    for p in PARAMS {
        let head = format!("{}={}", p.name, p.values);
        s.push_str(&format!(
            "  {head:<32} default {:<6} {}\n",
            (p.get)(&d),
            p.help
        ));
    }
    s.push_str("Also METATRACER_LOG=SECTIONS[:FILE] (trace,opt,asm,bridge,abort,summary,all,json) for logs.\n");
    s
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
                    let name = name.trim();
                    match PARAMS.iter().find(|p| p.name == name) {
                        Some(p) => (p.set)(self, v)?,
                        None => {
                            let known: Vec<&str> = PARAMS.iter().map(|p| p.name).collect();
                            return Err(format!(
                                "unknown JIT parameter `{name}` (known: {}; `--jit help` lists them)",
                                known.join(", ")
                            ));
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
    CURRENT.with(|c| *c.borrow_mut() = p);
    Ok(())
}

/// Reads the current parameters without copying them.
pub(crate) fn with_params<R>(f: impl FnOnce(&Params) -> R) -> R {
    CURRENT.with(|c| f(&c.borrow()))
}

/// The current parameters.
pub fn params() -> Params {
    CURRENT.with(|c| c.borrow().clone())
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
    fn help_lists_every_parameter_with_its_default() {
        let h = help();
        let d = Params::default();
        for p in PARAMS {
            let line = h
                .lines()
                .find(|l| l.trim_start().starts_with(&format!("{}=", p.name)))
                .unwrap_or_else(|| panic!("no help line for {}", p.name));
            assert!(line.contains(&format!("default {}", (p.get)(&d))), "{line}");
            assert!(line.contains(p.help.split(' ').next().unwrap()), "{line}");
            // every parameter accepts its own default back
            let mut q = Params::default();
            q.apply(&format!("{}={}", p.name, (p.get)(&d))).unwrap();
            assert_eq!(q, d, "{}", p.name);
        }
        assert!(
            h.contains("threshold=N") && h.contains("default 1000"),
            "{h}"
        );
        let e = Params::default().apply("nope=1").unwrap_err();
        assert!(
            e.contains("fail_guards_random") && e.contains("--jit help"),
            "{e}"
        );
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
