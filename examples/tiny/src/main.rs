//! `tiny [--jit off|on|NAME=VALUE,...] PROGRAM`: runs a Tiny program.

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut path = None;
    while let Some(a) = args.next() {
        if a == "--jit" {
            let Some(spec) = args.next() else {
                eprintln!("tiny: `--jit` needs a value (off, on, or name=value,...)");
                return ExitCode::from(2);
            };
            if let Err(e) = metatracer::set_params(&spec) {
                eprintln!("tiny: {e}");
                return ExitCode::from(2);
            }
        } else if path.is_none() {
            path = Some(a);
        } else {
            eprintln!("usage: tiny [--jit off|on|NAME=VALUE,...] PROGRAM");
            return ExitCode::from(2);
        }
    }
    let Some(path) = path else {
        eprintln!("usage: tiny [--jit off|on|NAME=VALUE,...] PROGRAM");
        return ExitCode::from(2);
    };
    let src = match std::fs::read_to_string(&path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("tiny: cannot read {path}: {e}");
            return ExitCode::from(1);
        }
    };
    let program = match tiny::compile(&src) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("tiny: {path}: {e}");
            return ExitCode::from(1);
        }
    };
    let mut slots = tiny::new_slots();
    let mut m = tiny::Machine::new(&mut slots);
    tiny::run(&program, &mut m);
    let _ = std::io::stdout().flush();
    ExitCode::SUCCESS
}
