//! `metatracer-view LOG [-o REPORT.html]`: the report page of a JSON log written with
//! `METATRACER_LOG=json:LOG`. Without `-o` the page goes to `LOG.html`. A missing or
//! malformed log gives a message and exit status 1; a bad command line, status 2.

use clap::Parser;
use std::process::ExitCode;

/// Turn a metatracer JSON log into one self-contained HTML page.
#[derive(Parser, Debug)]
#[command(name = "metatracer-view", version)]
struct Args {
    /// The log, written with METATRACER_LOG=json:LOG.
    log: String,
    /// Where to write the page (default: LOG.html).
    #[arg(short, long, value_name = "REPORT.html")]
    output: Option<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let text = match std::fs::read(&args.log) {
        Ok(b) => match String::from_utf8(b) {
            Ok(s) => s,
            Err(_) => {
                eprintln!(
                    "metatracer-view: {}: not a text file (expected a JSON log)",
                    args.log
                );
                return ExitCode::from(1);
            }
        },
        Err(e) => {
            eprintln!("metatracer-view: cannot read {}: {e}", args.log);
            return ExitCode::from(1);
        }
    };
    let page = match metatracer_view::report(&text) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("metatracer-view: {}: {e}", args.log);
            return ExitCode::from(1);
        }
    };
    let out = args.output.unwrap_or_else(|| format!("{}.html", args.log));
    if let Err(e) = std::fs::write(&out, page) {
        eprintln!("metatracer-view: cannot write {out}: {e}");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
