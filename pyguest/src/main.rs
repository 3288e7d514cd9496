//! `pyguest`: Python 3 on the metatracer framework. Command-line entry point.
//!
//! The command line is CPython's (`cli.rs`): `pyguest [options] FILE.py [ARGS...]`,
//! `-c CODE`, `-m MODULE`, `-` (program on standard input), no program for the REPL
//! (`repl.rs`), plus pyguest's `run` word (`pyguest run [--jit SETTINGS] FILE.py`),
//! `--jit off|on|help|NAME=VALUE,...` (the framework's parameters, validated by its
//! parser) and `--version`. The interpreter runs on a thread with a large stack
//! (`PYGUEST_STACK_SIZE`, default 2 GiB, halved while the address space refuses it) so
//! built-ins that call back into Python can nest deeply; the re-entry count and stack check
//! of `interpreter::call::enter_native` keep them from overflowing it.

mod argvec;
mod cli;
mod compiler;
mod import;
mod interpreter;
mod memlimit;
mod modules;
mod objects;
mod repl;
mod stack;
mod stdlib_dir;
mod threads;
mod value;
mod vm;

use cli::{Options, Parsed, Program};
use std::io::{IsTerminal, Read};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opts = match cli::parse(&args) {
        Ok(Parsed::Run(o)) => o,
        Ok(Parsed::Help) => {
            print!("{}\n{}", cli::USAGE, metatracer::jit::params_help());
            std::process::exit(0);
        }
        Ok(Parsed::Version) => {
            println!("pyguest {} (Python 3.11.7)", env!("CARGO_PKG_VERSION"));
            std::process::exit(0);
        }
        Err(msg) => {
            eprintln!("pyguest: {msg}\nusage: pyguest [option] ... [-c cmd | -m mod | file | -] [arg] ...\nTry `pyguest -h' for more information.");
            std::process::exit(2);
        }
    };
    // METATRACER_LOG: start the log now (a JSON log then has its start and exit records)
    metatracer::jitlog::init();
    if opts.jit.iter().any(|j| j.trim() == "help") {
        print!("{}", metatracer::jit::params_help());
        std::process::exit(0);
    }
    for j in &opts.jit {
        // The framework's own parser: the same parameters and messages as every guest.
        if let Err(e) = metatracer::set_params(j) {
            eprintln!("pyguest: --jit: {e}");
            std::process::exit(2);
        }
    }
    // a build without the `jit` feature says that `--jit on` does nothing
    metatracer::cli::warn_if_jit_compiled_out(&opts.jit);
    if opts.unbuffered {
        vm::UNBUFFERED.store(true, std::sync::atomic::Ordering::Relaxed);
    }
    if opts.ignore_env {
        modules::sys::IGNORE_ENV.store(true, std::sync::atomic::Ordering::Relaxed);
    }
    // the program's source, file name, sys.argv and sys.path[0] (None: no program, the REPL)
    let mut program = opts.program.clone();
    if program == Program::Repl && !opts.inspect && !std::io::stdin().is_terminal() {
        // like CPython: with no program and input from a pipe or file, run that input
        program = Program::Stdin;
    }
    let plan = match &program {
        Program::Command(code) => Some((
            code.clone().into_bytes(),
            "<string>".to_string(),
            "-c".to_string(),
            Some(String::new()),
        )),
        Program::Stdin => {
            let mut src = Vec::new();
            if let Err(e) = std::io::stdin().read_to_end(&mut src) {
                eprintln!("pyguest: can't read standard input: {e}");
                std::process::exit(2);
            }
            let argv0 = if opts.program == Program::Stdin {
                "-"
            } else {
                ""
            };
            Some((
                src,
                "<stdin>".to_string(),
                argv0.to_string(),
                Some(String::new()),
            ))
        }
        Program::File(file) => {
            let src = match std::fs::read(file) {
                Ok(b) => b,
                Err(e) => {
                    let errno = e.raw_os_error().unwrap_or(2);
                    eprintln!(
                        "pyguest: can't open file '{file}': [Errno {errno}] {}",
                        plain_io_error(&e)
                    );
                    std::process::exit(2);
                }
            };
            let dir = std::path::Path::new(file)
                .parent()
                .map(|p| p.to_string_lossy().to_string())
                .unwrap_or_default();
            Some((src, file.clone(), file.clone(), Some(dir)))
        }
        // found on the interpreter thread (the import system runs there)
        Program::Module(_) | Program::Repl => None,
    };
    let mut stack = stack_size_from_env();
    let handle = loop {
        let (opts, program, plan) = (opts.clone(), program.clone(), plan.clone());
        let spawned = std::thread::Builder::new()
            .name("pyguest".into())
            .stack_size(stack)
            .spawn(move || {
                // The JIT's parameters are per thread: set them again on the interpreter's own
                // thread (checked above on the main thread, so this cannot fail). No trace
                // texts are kept for `jit::stats()` (only the framework's tests read them; a
                // program with large traces kept megabytes), unless `--jit` asks for them.
                let _ = metatracer::set_params("trace_texts=0");
                for j in &opts.jit {
                    let _ = metatracer::set_params(j);
                }
                run(&opts, &program, plan)
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

fn is_m_error(e: value::Value) -> bool {
    objects::as_instance(e)
        .and_then(|i| objects::ops::instance_get(i, vm::intern("_pyguest_m")))
        .is_some()
}

fn plain_io_error(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(p) => s[..p].to_string(),
        None => s,
    }
}

/// Sets up the interpreter and runs what the command line asked for; returns the process
/// exit status. `plan` is the program's (source, file name, `sys.argv[0]`, `sys.path[0]`),
/// or None for `-m` (found here) and the REPL.
fn run(
    opts: &Options,
    program: &Program,
    plan: Option<(Vec<u8>, String, String, Option<String>)>,
) -> i32 {
    vm::init();
    modules::builtins::install();
    modules::signal::install_sigint();
    modules::finalize::install();
    let cwd = std::env::current_dir()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (argv0, path0) = match (&plan, program) {
        (Some((_, _, a, p)), _) => (a.clone(), p.clone()),
        (None, Program::Module(_)) => (String::new(), Some(cwd.clone())),
        _ => (String::new(), Some(String::new())),
    };
    let mut argv = vec![argv0];
    argv.extend(opts.args.iter().cloned());
    modules::init_sys(&argv, path0.as_deref());
    set_sys_options(opts);
    let main_file = match &plan {
        Some((_, f, _, _)) if f != "<string>" && f != "<stdin>" => Some(f.as_str()),
        _ => None,
    };
    let main = import::new_module("__main__", main_file);
    if main_file.is_some() {
        // a script has no bytecode cache file (as CPython's `__main__` of a script)
        main.dict.set_str("__cached__", value::Value::NONE);
    }
    let _ = vm::vm()
        .modules
        .get()
        .set_item(objects::new_str("__main__"), value::Value::obj(main));
    let r = match (&plan, program) {
        (Some((source, filename, _, _)), _) => Some(
            import::decode_source(source, filename, true)
                .and_then(|source| import::compile_module_src(&source, filename, "<module>"))
                .and_then(|code| interpreter::run_module_code(code, main.dict)),
        ),
        (None, Program::Module(name)) => Some(run_module_as_main(name, main)),
        _ => None,
    };
    vm::flush_stdout();
    if std::env::var_os("PYGUEST_GC_STATS").is_some() {
        // diagnostics for memory tuning: the collector's counters at exit
        eprintln!("{:#?}", metatracer::gc::stats());
    }
    let mut status = match r {
        Some(Ok(_)) | None => 0,
        Some(Err(e)) if is_m_error(e.0) => {
            eprintln!("pyguest: {}", objects::ops::str_of(e.0).unwrap_or_default());
            1
        }
        Some(Err(e)) => report_uncaught(e.0),
    };
    let exited = matches!(&r, Some(Err(e)) if vm::isinstance_c(e.0, vm::C::SystemExit));
    if r.is_none() || (opts.inspect && !exited) {
        status = repl::run_repl(main, !opts.quiet && r.is_none());
    }
    modules::thread::shutdown();
    modules::atexit::run_exitfuncs();
    modules::finalize::finalize_at_exit();
    vm::flush_stdout();
    if matches!(&r, Some(Err(e)) if vm::isinstance_c(e.0, vm::C::KeyboardInterrupt))
        && !opts.inspect
    {
        vm::flush_stdout();
        // (the JIT's exit summary, if asked for: the signal ends the process before atexit)
        metatracer::jitlog::print_summary();
        modules::signal::exit_by_sigint();
    }
    status
}

/// The error of `-m` for a module that is not there: reported as one line (CPython's
/// `python3: No module named x`), marked by the `_pyguest_m` attribute.
fn no_module(msg: String) -> interpreter::PyErr {
    let e = vm::exc(vm::C::ImportError, msg);
    if let Some(i) = objects::as_instance(e.0) {
        objects::ops::instance_set(i, vm::intern("_pyguest_m"), value::Value::TRUE);
    }
    e
}

/// `-W` and `-X` into `sys.warnoptions` and `sys._xoptions` (`-X name=value`, or `True`),
/// and the flags given into `sys.flags` (as CPython counts them: `-OO` is `optimize=2`; `-I`
/// also sets `ignore_environment`, `no_user_site` and `safe_path`; `-i` sets `inspect` and
/// `interactive`; `-X dev` `dev_mode`, `-X utf8` `utf8_mode`).
fn set_sys_options(opts: &Options) {
    use objects::*;
    let sys = modules::sys::sys_module();
    if let Some(flags) = sys.dict.get_str("flags").and_then(as_instance) {
        let count = |c: char| opts.flag_letters.chars().filter(|&x| x == c).count() as i64;
        let isolated = count('I');
        let set = |name: &str, v: value::Value| ops::instance_set(flags, vm::intern(name), v);
        let n = |v: i64| value::Value::small(v);
        set("debug", n(count('d')));
        set("inspect", n(count('i')));
        set("interactive", n(count('i')));
        set("optimize", n(count('O')));
        set("no_user_site", n(count('s').max(isolated).min(1)));
        set("no_site", n(count('S')));
        set("ignore_environment", n(count('E').max(isolated).min(1)));
        set("verbose", n(count('v')));
        set("bytes_warning", n(count('b')));
        set("quiet", n(count('q')));
        set("isolated", n(isolated.min(1)));
        set("safe_path", value::Value::bool(isolated > 0));
        let x = |k: &str| {
            opts.xoptions
                .iter()
                .any(|o| o == k || o.starts_with(&format!("{k}=")))
        };
        set("dev_mode", value::Value::bool(x("dev")));
        if x("utf8") {
            set("utf8_mode", n(1));
        }
    }
    if let Some(w) = sys.dict.get_str("warnoptions").and_then(as_list) {
        for o in &opts.warnoptions {
            w.push(new_str(o));
        }
    }
    if let Some(x) = sys.dict.get_str("_xoptions").and_then(as_dict) {
        for o in &opts.xoptions {
            match o.split_once('=') {
                Some((k, v)) => x.set_str(k, new_str(v)),
                None => x.set_str(o, value::Value::TRUE),
            }
        }
    }
}

/// `-m NAME`: runs module `NAME` (for a package, `NAME.__main__`) as `__main__`, from its
/// file on `sys.path` (or pyguest's embedded source, or the CPython library fallback);
/// parent packages are imported first, as CPython's `runpy` does.
fn run_module_as_main(
    name: &str,
    main: metatracer::gc::Gc<objects::ModuleObj>,
) -> interpreter::PyResult<value::Value> {
    use objects::*;
    let Some((source, file, pkg)) = import::find_module_source(name)? else {
        return Err(no_module(format!("No module named {name}")));
    };
    let (source, file, pkg) = match pkg {
        // a package: run its __main__
        Some(dir) => {
            import::load_module(name)?;
            let sub = format!("{name}.__main__");
            match import::find_module_source(&sub)? {
                Some((s, f, _)) => (s, f, Some(dir)),
                None => {
                    return Err(no_module(format!(
                    "No module named {sub}; '{name}' is a package and cannot be directly executed"
                )))
                }
            }
        }
        None => (source, file, None),
    };
    let package = match &pkg {
        Some(_) => name.to_string(),
        None => name
            .rsplit_once('.')
            .map(|(p, _)| p.to_string())
            .unwrap_or_default(),
    };
    if let Some((parent, _)) = name.rsplit_once('.') {
        import::load_module(parent)?;
    }
    main.dict.set_str("__file__", new_str(&file));
    main.dict.set_str("__package__", new_str(&package));
    if let Some(argv) = modules::sys::sys_module()
        .dict
        .get_str("argv")
        .and_then(as_list)
    {
        if !argv.is_empty() {
            argv.set(0, new_str(&file));
        }
    }
    let code = import::compile_module_src(&source, &file, "<module>")?;
    interpreter::run_module_code(code, main.dict)
}

/// Prints an uncaught exception CPython-style; returns the exit status.
pub(crate) fn report_uncaught(e: value::Value) -> i32 {
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
    let located = as_instance(e)
        .and_then(|i| ops::instance_get(i, vm::intern("lineno")))
        .is_some_and(|l| ops::int_of(l).is_some());
    if is_syntax && located {
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
