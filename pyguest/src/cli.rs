//! The command line, parsed the way CPython's `python3` parses its own: interpreter options
//! come first, then the program (`FILE`, `-c CODE`, `-m MODULE`, or `-` for standard input),
//! and every argument after the program belongs to it (`sys.argv[1:]`). With no program the
//! REPL starts (or, when standard input is not a terminal, the program is read from it).
//!
//! pyguest's own spellings are kept: `--jit SETTINGS` (anywhere before the program, also
//! after the `run` word: `pyguest run --jit off FILE`), `--help`, `--version`. Of CPython's
//! options, `-u` (unbuffered stdout), `-E` (ignore `PYTHON*` variables), `-i` (REPL after
//! the program), `-q` (no REPL banner), `-W ARG` (`sys.warnoptions`) and `-X OPT`
//! (`sys._xoptions`) act; `-B`, `-s`, `-S`, `-O`, `-OO`, `-b`, `-d`, `-I`, `-v` are accepted
//! and change nothing (pyguest writes no bytecode files and has no `site` or asserts
//! switch). Single-letter flags combine (`-uB`), and `-c`/`-m`/`-W`/`-X` take their value
//! attached or as the next argument, as in CPython.

/// What to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Program {
    File(String),
    Command(String),
    Module(String),
    /// `-`: the program is standard input.
    Stdin,
    /// No program: the REPL (or standard input when it is not a terminal).
    Repl,
}

/// A parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// `--jit` settings, in order.
    pub jit: Vec<String>,
    pub unbuffered: bool,
    pub ignore_env: bool,
    pub inspect: bool,
    pub quiet: bool,
    pub warnoptions: Vec<String>,
    pub xoptions: Vec<String>,
    /// Every single-letter flag given, in order and repeated (`-OO` is "OO"): `sys.flags`.
    pub flag_letters: String,
    pub program: Program,
    /// The program's arguments (`sys.argv[1:]`).
    pub args: Vec<String>,
}

/// The result of parsing.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    Run(Options),
    Help,
    Version,
}

/// Flags that take no value and do nothing in pyguest.
const IGNORED_FLAGS: &str = "BsSObdIv";

/// Parses the arguments after the executable name. `Err` is the message for a usage error
/// (exit status 2).
pub fn parse(args: &[String]) -> Result<Parsed, String> {
    let mut o = Options {
        jit: Vec::new(),
        unbuffered: false,
        ignore_env: false,
        inspect: false,
        quiet: false,
        warnoptions: Vec::new(),
        xoptions: Vec::new(),
        flag_letters: String::new(),
        program: Program::Repl,
        args: Vec::new(),
    };
    let mut i = 0;
    let mut seen_run = false;
    // the value of an option: attached (`-cCODE`) or the next argument
    fn value(args: &[String], i: &mut usize, attached: &str, opt: &str) -> Result<String, String> {
        if !attached.is_empty() {
            return Ok(attached.to_string());
        }
        *i += 1;
        args.get(*i)
            .cloned()
            .ok_or_else(|| format!("Argument expected for the {opt} option"))
    }
    while i < args.len() {
        let a = args[i].as_str();
        if a == "--jit" {
            o.jit.push(value(args, &mut i, "", "--jit")?);
        } else if let Some(v) = a.strip_prefix("--jit=") {
            o.jit.push(v.to_string());
        } else if a == "--help" || a == "-h" || a == "-?" {
            return Ok(Parsed::Help);
        } else if a == "--version" || a == "-V" {
            return Ok(Parsed::Version);
        } else if a == "--" {
            i += 1;
            if let Some(f) = args.get(i) {
                o.program = Program::File(f.clone());
                o.args = args[i + 1..].to_vec();
            }
            return Ok(Parsed::Run(o));
        } else if a == "-" {
            o.program = Program::Stdin;
            o.args = args[i + 1..].to_vec();
            return Ok(Parsed::Run(o));
        } else if a == "run" && !seen_run {
            // pyguest's `run` word before the file
            seen_run = true;
        } else if let Some(flags) = a.strip_prefix('-').filter(|f| !f.starts_with('-')) {
            // one or more single-letter options; c, m, W and X end the group with a value
            for (k, ch) in flags.char_indices() {
                let rest = &flags[k + ch.len_utf8()..];
                if "uEIiq".contains(ch) || IGNORED_FLAGS.contains(ch) {
                    o.flag_letters.push(ch);
                }
                match ch {
                    'c' => {
                        o.program = Program::Command(value(args, &mut i, rest, "-c")?);
                        o.args = args[i + 1..].to_vec();
                        return Ok(Parsed::Run(o));
                    }
                    'm' => {
                        o.program = Program::Module(value(args, &mut i, rest, "-m")?);
                        o.args = args[i + 1..].to_vec();
                        return Ok(Parsed::Run(o));
                    }
                    'W' => {
                        o.warnoptions.push(value(args, &mut i, rest, "-W")?);
                        break;
                    }
                    'X' => {
                        o.xoptions.push(value(args, &mut i, rest, "-X")?);
                        break;
                    }
                    'u' => o.unbuffered = true,
                    'E' => o.ignore_env = true,
                    // -I (isolated) implies -E and -s
                    'I' => o.ignore_env = true,
                    'i' => o.inspect = true,
                    'q' => o.quiet = true,
                    'h' | '?' => return Ok(Parsed::Help),
                    'V' => return Ok(Parsed::Version),
                    c if IGNORED_FLAGS.contains(c) => {}
                    c => return Err(format!("Unknown option: -{c}")),
                }
            }
        } else if a.starts_with("--") {
            return Err(format!("Unknown option: {a}"));
        } else {
            o.program = Program::File(a.to_string());
            o.args = args[i + 1..].to_vec();
            return Ok(Parsed::Run(o));
        }
        i += 1;
    }
    Ok(Parsed::Run(o))
}

/// The `--help` text (the JIT parameter table is appended by the caller).
pub const USAGE: &str = "\
Python 3 on the metatracer framework

usage: pyguest [option] ... [-c cmd | -m mod | file | -] [arg] ...
       pyguest [--jit SETTINGS] run FILE [arg] ...

With no program, pyguest starts an interactive session (a REPL) when standard input is a
terminal, and otherwise runs standard input as the program.

Options:
  -c cmd         program passed in as a string (terminates option list)
  -m mod         run library module as a script (terminates option list)
  -              program read from standard input
  -i             inspect interactively after running the program
  -q             do not print the version banner in interactive mode
  -u             unbuffered standard output
  -E             ignore PYTHON* environment variables (such as PYTHONPATH)
  -W arg         warning control (sys.warnoptions)
  -X opt         implementation-specific option (sys._xoptions)
  -B -s -S -O -b -d -I -v   accepted; no effect in pyguest
  --jit SETTINGS JIT settings: `off`, `on` (the default), `help`, or `NAME=VALUE,...`
                 (the framework's parameters, listed below)
  -h, --help     print this help
  -V, --version  print the version
";

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Parsed {
        parse(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    fn opts(args: &[&str]) -> Options {
        match p(args) {
            Parsed::Run(o) => o,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn programs_and_their_arguments() {
        let o = opts(&["prog.py", "-c", "x"]);
        assert_eq!(o.program, Program::File("prog.py".into()));
        assert_eq!(o.args, ["-c", "x"]);
        let o = opts(&["-c", "print(1)", "a", "-u"]);
        assert_eq!(o.program, Program::Command("print(1)".into()));
        assert_eq!(o.args, ["a", "-u"]);
        assert!(!o.unbuffered);
        let o = opts(&["-mjson.tool", "f"]);
        assert_eq!(o.program, Program::Module("json.tool".into()));
        assert_eq!(o.args, ["f"]);
        let o = opts(&["-", "x"]);
        assert_eq!(o.program, Program::Stdin);
        assert_eq!(o.args, ["x"]);
        assert_eq!(opts(&[]).program, Program::Repl);
        assert_eq!(opts(&["-i"]).program, Program::Repl);
    }

    #[test]
    fn flags_combine_and_values_attach() {
        let o = opts(&["-uBEq", "-Werror", "-X", "dev", "-i", "f.py"]);
        assert!(o.unbuffered && o.ignore_env && o.quiet && o.inspect);
        assert_eq!(o.warnoptions, ["error"]);
        assert_eq!(o.xoptions, ["dev"]);
        let o = opts(&["-uc", "pass"]);
        assert!(o.unbuffered);
        assert_eq!(o.program, Program::Command("pass".into()));
    }

    #[test]
    fn jit_settings_before_or_after_run() {
        let o = opts(&[
            "--jit",
            "off",
            "run",
            "--jit",
            "threshold=3",
            "f.py",
            "--jit",
        ]);
        assert_eq!(o.jit, ["off", "threshold=3"]);
        assert_eq!(o.program, Program::File("f.py".into()));
        assert_eq!(o.args, ["--jit"]);
        assert_eq!(opts(&["--jit=off", "f.py"]).jit, ["off"]);
    }

    #[test]
    fn help_version_and_errors() {
        assert_eq!(p(&["--help"]), Parsed::Help);
        assert_eq!(p(&["-V"]), Parsed::Version);
        let err = |a: &[&str]| parse(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            err(&["-c"]),
            Err("Argument expected for the -c option".into())
        );
        assert_eq!(err(&["-Z"]), Err("Unknown option: -Z".into()));
        assert_eq!(err(&["--frob"]), Err("Unknown option: --frob".into()));
        assert_eq!(
            err(&["--jit"]),
            Err("Argument expected for the --jit option".into())
        );
    }
}
