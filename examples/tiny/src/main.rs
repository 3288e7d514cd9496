//! `tiny [--jit off|on|NAME=VALUE,...] PROGRAM`: runs a Tiny program.

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    metatracer::cli::Cli::new("tiny").run(|args, src| {
        let program = tiny::compile(&src).map_err(|e| format!("{}: {e}", args.program))?;
        let mut slots = tiny::new_slots();
        let mut m = tiny::Machine::new(&mut slots);
        tiny::run(&program, &mut m);
        let _ = std::io::stdout().flush();
        Ok(())
    })
}
