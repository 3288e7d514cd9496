//! `pyguest`: Python 3 on the metatracer framework. Command-line entry point.
//!
//! `pyguest run FILE.py [ARGS...]`, `pyguest FILE.py [ARGS...]`, `pyguest -c CODE`,
//! `pyguest --version`, and `--jit off|on|help|NAME=VALUE,...` before the file (the framework's
//! parameters, validated by its parser; the JIT is not wired in yet). The interpreter runs on
//! a thread with a large stack (`PYGUEST_STACK_SIZE`, default 2 GiB, halved while the address
//! space refuses it) so built-ins that call back into Python can nest deeply; the re-entry
//! count and stack check of `interpreter::call::enter_native` keep them from overflowing it.

mod argvec;
mod compiler;
mod import;
mod interpreter;
mod memlimit;
mod modules;
mod objects;
mod stdlib_dir;
mod value;
mod vm;

use clap::Parser;

#[derive(Parser, Debug)]
#[command(
    name = "pyguest",
    version,
    about = "Python 3 on the metatracer framework",
    after_help = metatracer::jit::params_help()
)]
struct Cli {
    /// JIT settings: `off`, `on` (the default), `help`, or `NAME=VALUE,...` (the framework's
    /// parameters, listed below).
    #[arg(long, value_name = "SETTINGS")]
    jit: Option<String>,
    /// Program passed in as a string.
    #[arg(short = 'c', value_name = "CODE")]
    command: Option<String>,
    /// `[run] FILE.py [ARGS...]`
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    rest: Vec<String>,
}

fn main() {
    let cli = Cli::parse();
    // METATRACER_LOG: start the log now (a JSON log then has its start and exit records)
    metatracer::jitlog::init();
    if cli.jit.as_deref().map(str::trim) == Some("help") {
        print!("{}", metatracer::jit::params_help());
        std::process::exit(0);
    }
    if let Some(j) = &cli.jit {
        // The framework's own parser: the same parameters and messages as every guest.
        if let Err(e) = metatracer::set_params(j) {
            eprintln!("pyguest: --jit: {e}");
            std::process::exit(2);
        }
    }
    let jit_spec = cli.jit.clone();
    let mut rest = cli.rest.clone();
    let (source, filename, argv, script_dir) = if let Some(code) = cli.command {
        let mut argv = vec!["-c".to_string()];
        argv.extend(rest);
        (code, "<string>".to_string(), argv, None)
    } else {
        if rest.first().map(|s| s.as_str()) == Some("run") {
            rest.remove(0);
        }
        let Some(file) = rest.first().cloned() else {
            eprintln!(
                "usage: pyguest [--jit SETTINGS] [run] FILE.py [ARGS...] | -c CODE | --version"
            );
            std::process::exit(2);
        };
        let src = match std::fs::read(&file) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => {
                let errno = e.raw_os_error().unwrap_or(2);
                eprintln!(
                    "pyguest: can't open file '{file}': [Errno {errno}] {}",
                    plain_io_error(&e)
                );
                std::process::exit(2);
            }
        };
        let dir = std::path::Path::new(&file)
            .parent()
            .map(|p| p.to_string_lossy().to_string())
            .unwrap_or_default();
        (src, file, rest, Some(dir))
    };
    let mut stack = stack_size_from_env();
    let handle = loop {
        let (source, filename, argv, script_dir, jit_spec) = (
            source.clone(),
            filename.clone(),
            argv.clone(),
            script_dir.clone(),
            jit_spec.clone(),
        );
        let spawned = std::thread::Builder::new()
            .name("pyguest".into())
            .stack_size(stack)
            .spawn(move || {
                // The JIT's parameters are per thread: set them again on the interpreter's own
                // thread (checked above on the main thread, so this cannot fail).
                if let Some(j) = &jit_spec {
                    let _ = metatracer::set_params(j);
                }
                run(&source, &filename, &argv, script_dir.as_deref())
            });
        match spawned {
            Ok(h) => break h,
            // the address space (a `ulimit -v`) cannot hold this stack: try half of it
            Err(_) if stack / 2 >= MIN_STACK => stack /= 2,
            Err(e) => {
                eprintln!(
                    "pyguest: cannot start the interpreter thread ({stack} bytes of stack): {e}"
                );
                std::process::exit(1);
            }
        }
    };
    let code = handle.join().unwrap_or(70);
    std::process::exit(code);
}

/// Default stack of the interpreter thread: built-ins that call back into Python nest on it
/// (bounded by `interpreter::call::MAX_REENTRY` and a check of the stack pointer).
const DEFAULT_STACK: usize = 1 << 31;
/// Smallest stack the interpreter thread is started with (also the fallback's floor).
const MIN_STACK: usize = 4 << 20;

/// `PYGUEST_STACK_SIZE` (bytes, or with a `K`/`M`/`G` suffix; empty or unset: 2 GiB).
fn stack_size_from_env() -> usize {
    let Ok(v) = std::env::var("PYGUEST_STACK_SIZE") else {
        return DEFAULT_STACK;
    };
    let t = v.trim();
    if t.is_empty() {
        return DEFAULT_STACK;
    }
    let (num, mult) = match t.as_bytes()[t.len() - 1] {
        b'k' | b'K' => (&t[..t.len() - 1], 1usize << 10),
        b'm' | b'M' => (&t[..t.len() - 1], 1 << 20),
        b'g' | b'G' => (&t[..t.len() - 1], 1 << 30),
        _ => (t, 1),
    };
    match num
        .trim()
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
    {
        Some(n) if (MIN_STACK..=1 << 40).contains(&n) => n,
        _ => {
            eprintln!(
                "pyguest: PYGUEST_STACK_SIZE={v:?} must be a size from 4M to 1024G (e.g. 64M, 2G)"
            );
            std::process::exit(2);
        }
    }
}

fn plain_io_error(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(p) => s[..p].to_string(),
        None => s,
    }
}

/// Runs a program; returns the process exit status.
fn run(source: &str, filename: &str, argv: &[String], script_dir: Option<&str>) -> i32 {
    vm::init();
    modules::builtins::install();
    modules::init_sys(argv, script_dir);
    let main = import::new_module(
        "__main__",
        if filename == "<string>" {
            None
        } else {
            Some(filename)
        },
    );
    let _ = vm::vm()
        .modules
        .get()
        .set_item(objects::new_str("__main__"), value::Value::obj(main));
    let r = import::compile_module_src(source, filename, "<module>")
        .and_then(|code| interpreter::run_module_code(code, main.dict));
    vm::flush_stdout();
    if std::env::var_os("PYGUEST_GC_STATS").is_some() {
        // diagnostics for memory tuning: the collector's counters at exit
        eprintln!("{:#?}", metatracer::gc::stats());
    }
    let status = match r {
        Ok(_) => 0,
        Err(e) => report_uncaught(e.0),
    };
    modules::atexit::run_exitfuncs();
    status
}

/// Prints an uncaught exception CPython-style; returns the exit status.
fn report_uncaught(e: value::Value) -> i32 {
    use objects::ops;
    use objects::*;
    if vm::isinstance_c(e, vm::C::SystemExit) {
        let args = ops::getattr(e, vm::intern("args")).ok().and_then(as_tuple);
        let code = args.and_then(|t| t.as_slice().first().copied());
        return match code {
            None => 0,
            Some(c) if c.is_none() => 0,
            Some(c) => match ops::int_of(c) {
                Some(i) => i as i32,
                None => {
                    eprintln!("{}", ops::str_of(c).unwrap_or_default());
                    1
                }
            },
        };
    }
    let mut out = String::new();
    format_exception(e, &mut out, 0);
    eprint!("{out}");
    1
}

fn format_exception(e: value::Value, out: &mut String, depth: usize) {
    use objects::ops;
    use objects::*;
    if depth < 20 {
        if let Some(inst) = as_instance(e) {
            let cause = ops::instance_get(inst, vm::intern("__cause__")).filter(|c| !c.is_none());
            let ctx = ops::instance_get(inst, vm::intern("__context__")).filter(|c| !c.is_none());
            let suppress = ops::instance_get(inst, vm::intern("__suppress_context__"))
                == Some(value::Value::TRUE);
            if let Some(c) = cause {
                format_exception(c, out, depth + 1);
                out.push_str(
                    "\nThe above exception was the direct cause of the following exception:\n\n",
                );
            } else if let (Some(c), false) = (ctx, suppress) {
                format_exception(c, out, depth + 1);
                out.push_str(
                    "\nDuring handling of the above exception, another exception occurred:\n\n",
                );
            }
        }
    }
    let entries = interpreter::traceback_entries(e);
    let is_syntax = vm::isinstance_c(e, vm::C::SyntaxError);
    if !entries.is_empty() {
        out.push_str("Traceback (most recent call last):\n");
        for (file, line, name) in &entries {
            out.push_str(&format!("  File \"{file}\", line {line}, in {name}\n"));
            if let Some(src) = import::source_line(file, *line) {
                let t = src.trim();
                if !t.is_empty() {
                    out.push_str(&format!("    {t}\n"));
                }
            }
        }
    }
    let t = vm::type_of(e);
    let mut name = vm::class_name(t);
    if let Some(m) = t.dict.get_str("__module__") {
        let ms = ops::str_of(m).unwrap_or_default();
        if ms != "builtins" && ms != "__main__" {
            name = format!("{ms}.{name}");
        }
    }
    if is_syntax {
        if let Some(inst) = as_instance(e) {
            let get = |k: &str| ops::instance_get(inst, vm::intern(k));
            let file = get("filename")
                .and_then(|v| ops::str_of(v).ok())
                .unwrap_or_default();
            let line = get("lineno").and_then(ops::int_of).unwrap_or(1);
            let off = get("offset").and_then(ops::int_of).unwrap_or(1);
            let text = get("text")
                .and_then(|v| ops::str_of(v).ok())
                .unwrap_or_default();
            let msg = get("msg")
                .and_then(|v| ops::str_of(v).ok())
                .unwrap_or_default();
            out.push_str(&format!("  File \"{file}\", line {line}\n"));
            let trimmed = text.trim_start();
            let removed = text.chars().count() - trimmed.chars().count();
            out.push_str(&format!("    {}\n", trimmed.trim_end()));
            let caret = (off as usize).saturating_sub(1).saturating_sub(removed);
            out.push_str(&format!("    {}^\n", " ".repeat(caret)));
            out.push_str(&format!("{name}: {msg}\n"));
            return;
        }
    }
    let msg = ops::str_of(e).unwrap_or_default();
    if msg.is_empty() {
        out.push_str(&format!("{name}\n"));
    } else {
        out.push_str(&format!("{name}: {msg}\n"));
    }
}

#[cfg(test)]
mod tests {
    use crate::objects::*;
    use crate::value::Value;

    #[test]
    fn tagged_values_and_arrays_roundtrip() {
        crate::vm::init();
        let s = new_str("abc");
        assert!(as_str(s).is_some());
        let arr = metatracer::gc::alloc_array_from_slice(&[s, Value::small(3)]);
        assert_eq!(arr.get(0), s);
        assert_eq!(arr.get(1).as_small(), Some(3));
        assert_eq!(Value::small(-5).as_small(), Some(-5));
        assert!(!Value::NONE.is_ptr() && !Value::NONE.is_int());
        let i = crate::vm::intern("print");
        assert_eq!(crate::vm::intern("print"), i);
    }

    #[test]
    fn value_is_one_word() {
        // the tagged representation must stay a single machine word (JIT and arrays rely on it)
        assert_eq!(std::mem::size_of::<Value>(), 8);
    }
}
