//! `brainfuck [--jit off|on|NAME=VALUE,...] PROGRAM`: runs a Brainfuck program.

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut path = None;
    while let Some(a) = args.next() {
        if a == "--jit" {
            let Some(spec) = args.next() else {
                eprintln!("brainfuck: `--jit` needs a value (off, on, or name=value,...)");
                return ExitCode::from(2);
            };
            if let Err(e) = metatracer::set_params(&spec) {
                eprintln!("brainfuck: {e}");
                return ExitCode::from(2);
            }
        } else if path.is_none() {
            path = Some(a);
        } else {
            eprintln!("usage: brainfuck [--jit off|on|NAME=VALUE,...] PROGRAM");
            return ExitCode::from(2);
        }
    }
    let Some(path) = path else {
        eprintln!("usage: brainfuck [--jit off|on|NAME=VALUE,...] PROGRAM");
        return ExitCode::from(2);
    };
    let src = match std::fs::read_to_string(&path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("brainfuck: cannot read {path}: {e}");
            return ExitCode::from(1);
        }
    };
    let program = match brainfuck::parse(&src) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("brainfuck: {path}: {e}");
            return ExitCode::from(1);
        }
    };
    let mut tape = brainfuck::Tape::new();
    brainfuck::run(&program, &mut tape);
    brainfuck::flush();
    ExitCode::SUCCESS
}
