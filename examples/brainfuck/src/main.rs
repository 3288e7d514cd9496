//! `brainfuck [--jit off|on|NAME=VALUE,...] PROGRAM`: runs a Brainfuck program.

use std::process::ExitCode;

fn main() -> ExitCode {
    metatracer::cli::Cli::new("brainfuck").run(|args, src| {
        let program = brainfuck::parse(&src).map_err(|e| format!("{}: {e}", args.program))?;
        let mut tape = brainfuck::Tape::new();
        brainfuck::run(&program, &mut tape);
        brainfuck::flush();
        match tape.fault {
            0 => Ok(()),
            at => Err(format!(
                "{}: instruction {} moved the head off the tape (cells 0..{})",
                args.program,
                at - 1,
                tape.cells.len()
            )),
        }
    })
}
