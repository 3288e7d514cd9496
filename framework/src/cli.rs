//! The command line of a guest language's binary: `TOOL [--jit off|on|NAME=VALUE,...] PROGRAM`.
//!
//! Every language on the framework takes the same `--jit` flag, so its parsing lives here:
//! a guest's `main` is a call of [`Cli::run`] with a closure that runs the program's source.
//!
//! ```no_run
//! use std::process::ExitCode;
//!
//! fn main() -> ExitCode {
//!     metatracer::cli::Cli::new("mylang").run(|args, src| {
//!         // parse and run `src`; an `Err` is printed as `mylang: MESSAGE`, exit status 1
//!         let _ = (args, src);
//!         Ok(())
//!     })
//! }
//! ```
//!
//! The parsing is clap's. Accepted syntax: `--jit SPEC` or `--jit=SPEC` (repeatable, applied
//! in order, each checked with [`crate::jit::Params::apply`] before anything runs),
//! `-h`/`--help`, `--` to end the options, then the program file, then (only with [`Cli::with_program_args`]) arguments for
//! the program. Bad input gives a message and exit status 2, never a panic; a file that cannot
//! be read, or an `Err` from the closure, gives exit status 1.

use std::fmt;
use std::process::ExitCode;

/// The parsed command line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Args {
    /// The `--jit` specs in command-line order (already checked).
    pub jit: Vec<String>,
    /// The program file.
    pub program: String,
    /// Arguments after the program file (empty unless [`Cli::with_program_args`]).
    pub program_args: Vec<String>,
}

impl Args {
    /// Applies the `--jit` specs to the JIT parameters (see [`crate::set_params`]). In a build
    /// without the `jit` feature, a spec other than `off` prints a line saying it has no
    /// effect (instead of being accepted silently).
    pub fn apply_jit(&self) -> Result<(), String> {
        for spec in &self.jit {
            crate::set_params(spec)?;
        }
        warn_if_jit_compiled_out(&self.jit);
        // (so `METATRACER_LOG=summary` has its summary even when no loop gets hot, or the JIT
        // is compiled out)
        crate::jitlog::init();
        Ok(())
    }
}

/// Prints [`compiled_out_note`] on stderr in a build without the JIT, for guests with a
/// command line of their own (pyguest); [`Args::apply_jit`] does it for [`Cli`] users.
pub fn warn_if_jit_compiled_out(specs: &[String]) {
    if let Some(note) = compiled_out_note(specs, crate::jit::private::ENABLED) {
        eprintln!("{note}");
    }
}

/// The line a build without the JIT prints for `--jit` specs that ask for it (`None` when the
/// JIT is compiled in, or every spec is `off`).
pub fn compiled_out_note(specs: &[String], jit_compiled_in: bool) -> Option<String> {
    let asked: Vec<&str> = specs
        .iter()
        .map(String::as_str)
        .filter(|s| *s != "off")
        .collect();
    if jit_compiled_in || asked.is_empty() {
        return None;
    }
    Some(format!(
        "metatracer: this binary was built without the `jit` feature, so `--jit {}` has no \
         effect (the interpreter runs without a JIT; build with the guest's default features)",
        asked.join(",")
    ))
}

/// Why the command line was not accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CliError {
    /// `-h` or `--help`: print the usage and exit successfully.
    Help,
    /// `--jit help`: print the JIT parameters ([`crate::jit::params_help`]) and exit
    /// successfully.
    JitHelp,
    /// Bad arguments, with the message to print.
    Usage(String),
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Help => write!(f, "help requested"),
            CliError::JitHelp => write!(f, "JIT parameter help requested"),
            CliError::Usage(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for CliError {}

/// A guest binary's command line: its name and whether the program takes arguments.
#[derive(Clone, Debug)]
pub struct Cli {
    tool: String,
    program_args: bool,
}

impl Cli {
    /// The command line of the binary `tool` (used in messages and the usage line).
    pub fn new(tool: &str) -> Cli {
        Cli {
            tool: tool.to_string(),
            program_args: false,
        }
    }

    /// Accept arguments after the program file (passed on in [`Args::program_args`]).
    pub fn with_program_args(mut self) -> Cli {
        self.program_args = true;
        self
    }

    /// The usage line.
    pub fn usage(&self) -> String {
        format!(
            "usage: {} [--jit off|on|NAME=VALUE,...] PROGRAM{}",
            self.tool,
            if self.program_args { " [ARGS...]" } else { "" }
        )
    }

    /// The clap description of this command line.
    fn command(&self) -> clap::Command {
        use clap::{Arg, ArgAction, Command};
        let cmd = Command::new(self.tool.clone())
            .override_usage(self.usage().trim_start_matches("usage: ").to_string())
            .disable_version_flag(true)
            .arg(
                Arg::new("jit")
                    .long("jit")
                    .value_name("off|on|NAME=VALUE,...")
                    .help("JIT parameters (repeatable, applied in order; `--jit help` lists them)")
                    .action(ArgAction::Append)
                    .allow_hyphen_values(true)
                    .value_parser(check_spec),
            )
            // PROGRAM and everything after it: options end at the program file.
            .arg(
                Arg::new("program")
                    .value_name(if self.program_args {
                        "PROGRAM [ARGS...]"
                    } else {
                        "PROGRAM"
                    })
                    .help("the program file (then, if the tool takes them, its arguments)")
                    .required(true)
                    .num_args(1..)
                    .trailing_var_arg(true),
            )
            .after_help(crate::jit::params_help());
        cmd
    }

    /// Parses the arguments (without the binary's own name) and checks every `--jit` spec
    /// against the current parameters; changes nothing.
    pub fn parse<I, S>(&self, args: I) -> Result<Args, CliError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let args: Vec<String> = args.into_iter().map(Into::into).collect();
        if asks_jit_help(&args) {
            return Err(CliError::JitHelp);
        }
        let argv = std::iter::once(self.tool.clone()).chain(args);
        let mut m = self
            .command()
            .try_get_matches_from(argv)
            .map_err(|e| match e.kind() {
                clap::error::ErrorKind::DisplayHelp => CliError::Help,
                _ => CliError::Usage(clap_message(&e)),
            })?;
        let jit: Vec<String> = m
            .remove_many::<String>("jit")
            .map(Iterator::collect)
            .unwrap_or_default();
        if jit.iter().any(|s| s.trim() == "help") {
            return Err(CliError::JitHelp);
        }
        let mut rest = m
            .remove_many::<String>("program")
            .map(Iterator::collect::<Vec<_>>)
            .unwrap_or_default()
            .into_iter();
        let program = rest
            .next()
            .ok_or_else(|| CliError::Usage("no PROGRAM given".into()))?;
        let program_args: Vec<String> = rest.collect();
        if !self.program_args {
            if let Some(extra) = program_args.first() {
                return Err(CliError::Usage(format!("unexpected argument `{extra}`")));
            }
        }
        Ok(Args {
            jit,
            program,
            program_args,
        })
    }

    /// The whole `main` of a guest binary: parses `std::env::args`, applies `--jit`, reads
    /// the program file and calls `run(&args, source)`. Messages go to stderr prefixed with
    /// the tool's name; exit status 0 on success, 1 when the file cannot be read or `run`
    /// fails, 2 on a bad command line (`--help` prints the usage and exits with 0).
    pub fn run(&self, run: impl FnOnce(&Args, String) -> Result<(), String>) -> ExitCode {
        let args = match self.parse(std::env::args().skip(1)) {
            Ok(a) => a,
            Err(CliError::Help) => {
                println!("{}", self.command().render_help());
                return ExitCode::SUCCESS;
            }
            Err(CliError::JitHelp) => {
                print!("{}", crate::jit::params_help());
                return ExitCode::SUCCESS;
            }
            Err(CliError::Usage(m)) => {
                eprintln!("{}: {m}\n{}", self.tool, self.usage());
                return ExitCode::from(2);
            }
        };
        if let Err(e) = args.apply_jit() {
            // `parse` checked every spec, so this is not expected; still no panic.
            eprintln!("{}: {e}", self.tool);
            return ExitCode::from(2);
        }
        let src = match std::fs::read_to_string(&args.program) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{}: cannot read {}: {e}", self.tool, args.program);
                return ExitCode::from(1);
            }
        };
        match run(&args, src) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{}: {e}", self.tool);
                ExitCode::from(1)
            }
        }
    }
}

/// Whether the options (before the program file or `--`) hold `--jit help`, which needs no
/// program file.
fn asks_jit_help(args: &[String]) -> bool {
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--" => return false,
            "--jit" => {
                if args.get(i + 1).map(|s| s.trim()) == Some("help") {
                    return true;
                }
                i += 2;
                continue;
            }
            a if a.strip_prefix("--jit=").map(str::trim) == Some("help") => return true,
            a if !a.starts_with('-') => return false,
            _ => {}
        }
        i += 1;
    }
    false
}

/// Checks one `--jit` spec against a copy of the current parameters (clap value parser).
fn check_spec(spec: &str) -> Result<String, String> {
    if spec.trim().is_empty() {
        return Err("needs a value (off, on, help, or name=value,...)".into());
    }
    if spec.trim() == "help" {
        return Ok(spec.to_string());
    }
    crate::jit::params().apply(spec)?;
    Ok(spec.to_string())
}

/// clap's message for a rejected command line, without its `error: ` prefix and usage
/// footer (the caller prints the usage line itself).
fn clap_message(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let para: Vec<&str> = text
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect();
    match para.join(" ").trim_start_matches("error: ") {
        "" => "bad arguments".to_string(),
        m => m.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, CliError> {
        Cli::new("t").parse(args.iter().copied())
    }

    #[test]
    fn a_build_without_the_jit_says_that_jit_specs_do_nothing() {
        let specs = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let note = compiled_out_note(&specs(&["on", "threshold=3"]), false).unwrap();
        assert!(note.contains("without the `jit` feature"), "{note}");
        assert!(
            note.contains("`--jit on,threshold=3` has no effect"),
            "{note}"
        );
        assert_eq!(compiled_out_note(&specs(&["off"]), false), None);
        assert_eq!(compiled_out_note(&specs(&[]), false), None);
        assert_eq!(compiled_out_note(&specs(&["on"]), true), None);
    }

    #[test]
    fn accepts_the_usual_forms() {
        let a = parse(&["--jit", "off", "p.x"]).unwrap();
        assert_eq!((a.jit, a.program), (vec!["off".to_string()], "p.x".into()));
        let a = parse(&["--jit=threshold=3", "--jit", "fail_guard=2", "p"]).unwrap();
        assert_eq!(a.jit, ["threshold=3", "fail_guard=2"]);
        let a = parse(&["--", "-odd-name"]).unwrap();
        assert_eq!(a.program, "-odd-name");
        assert_eq!(parse(&["p"]).unwrap().jit, Vec::<String>::new());
        assert_eq!(parse(&["--help"]), Err(CliError::Help));
        assert_eq!(parse(&["--jit", "help"]), Err(CliError::JitHelp));
        // `--jit help` needs no program
        assert_eq!(parse(&["--jit=help"]), Err(CliError::JitHelp));
        // --help lists the JIT parameters from the one table, with defaults
        let help = Cli::new("t").command().render_help().to_string();
        for p in crate::jit::PARAMS {
            assert!(
                help.contains(&format!("{}=", p.name)),
                "{} in {help}",
                p.name
            );
        }
        assert!(help.contains("default 1000"), "{help}");
    }

    #[test]
    fn rejects_bad_input_with_messages() {
        let msg = |args: &[&str]| match parse(args) {
            Err(CliError::Usage(m)) => m,
            other => panic!("{args:?} gave {other:?}"),
        };
        assert!(msg(&["--jit", "bogus=1", "p"]).contains("unknown JIT parameter `bogus`"));
        assert!(msg(&["--jit", "threshold=x", "p"]).contains("needs a number"));
        assert!(msg(&["p", "--jit"]).contains("unexpected argument `--jit`"));
        assert!(msg(&["--jit"]).contains("a value is required for '--jit"));
        assert!(msg(&["--jit="]).contains("needs a value"));
        assert!(msg(&[]).contains("required arguments were not provided: <PROGRAM>"));
        assert!(msg(&["--fast", "p"]).contains("unexpected argument '--fast'"));
        assert!(msg(&["a", "b"]).contains("unexpected argument `b`"));
    }

    #[test]
    fn program_args_when_allowed() {
        let a = Cli::new("t")
            .with_program_args()
            .parse(["--jit", "on", "p", "--jit", "x"])
            .unwrap();
        assert_eq!(a.program_args, ["--jit", "x"]);
        assert!(Cli::new("t").usage().ends_with("PROGRAM"));
    }
}
