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
//! Accepted syntax: `--jit SPEC` or `--jit=SPEC` (repeatable, applied in order, each checked
//! with [`crate::jit::Params::apply`] before anything runs), `-h`/`--help`, `--` to end the
//! options, then the program file, then (only with [`Cli::with_program_args`]) arguments for
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
    /// Applies the `--jit` specs to the JIT parameters (see [`crate::set_params`]).
    pub fn apply_jit(&self) -> Result<(), String> {
        for spec in &self.jit {
            crate::set_params(spec)?;
        }
        Ok(())
    }
}

/// Why the command line was not accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CliError {
    /// `-h` or `--help`: print the usage and exit successfully.
    Help,
    /// Bad arguments, with the message to print.
    Usage(String),
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Help => write!(f, "help requested"),
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

    /// Parses the arguments (without the binary's own name) and checks every `--jit` spec
    /// against the current parameters; changes nothing.
    pub fn parse<I, S>(&self, args: I) -> Result<Args, CliError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut out = Args::default();
        let mut program = None;
        let mut options = true;
        let mut it = args.into_iter().map(Into::into);
        while let Some(a) = it.next() {
            if program.is_some() {
                if !self.program_args {
                    return Err(CliError::Usage(format!("unexpected argument `{a}`")));
                }
                out.program_args.push(a);
                continue;
            }
            if options && a.starts_with('-') && a != "-" {
                match a.as_str() {
                    "--" => options = false,
                    "-h" | "--help" => return Err(CliError::Help),
                    "--jit" => {
                        let spec = it.next().ok_or_else(|| {
                            CliError::Usage(
                                "`--jit` needs a value (off, on, or name=value,...)".into(),
                            )
                        })?;
                        out.jit.push(check_spec(&spec)?);
                    }
                    _ => match a.strip_prefix("--jit=") {
                        Some(spec) => out.jit.push(check_spec(spec)?),
                        None => return Err(CliError::Usage(format!("unknown option `{a}`"))),
                    },
                }
                continue;
            }
            program = Some(a);
        }
        out.program = program.ok_or_else(|| CliError::Usage("no PROGRAM given".into()))?;
        Ok(out)
    }

    /// The whole `main` of a guest binary: parses `std::env::args`, applies `--jit`, reads
    /// the program file and calls `run(&args, source)`. Messages go to stderr prefixed with
    /// the tool's name; exit status 0 on success, 1 when the file cannot be read or `run`
    /// fails, 2 on a bad command line (`--help` prints the usage and exits with 0).
    pub fn run(&self, run: impl FnOnce(&Args, String) -> Result<(), String>) -> ExitCode {
        let args = match self.parse(std::env::args().skip(1)) {
            Ok(a) => a,
            Err(CliError::Help) => {
                println!("{}", self.usage());
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

/// Checks one `--jit` spec against a copy of the current parameters.
fn check_spec(spec: &str) -> Result<String, CliError> {
    if spec.trim().is_empty() {
        return Err(CliError::Usage(
            "`--jit` needs a value (off, on, or name=value,...)".into(),
        ));
    }
    crate::jit::params().apply(spec).map_err(CliError::Usage)?;
    Ok(spec.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, CliError> {
        Cli::new("t").parse(args.iter().copied())
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
    }

    #[test]
    fn rejects_bad_input_with_messages() {
        let msg = |args: &[&str]| match parse(args) {
            Err(CliError::Usage(m)) => m,
            other => panic!("{args:?} gave {other:?}"),
        };
        assert!(msg(&["--jit", "bogus=1", "p"]).contains("unknown JIT parameter `bogus`"));
        assert!(msg(&["--jit", "threshold=x", "p"]).contains("needs a number"));
        assert!(msg(&["p", "--jit"]).contains("unexpected argument"));
        assert!(msg(&["--jit"]).contains("needs a value"));
        assert!(msg(&["--jit="]).contains("needs a value"));
        assert!(msg(&[]).contains("no PROGRAM"));
        assert!(msg(&["--fast", "p"]).contains("unknown option `--fast`"));
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
