//! `vec2 [--jit off|on|NAME=VALUE,...] PROGRAM`: runs a Vec2 program.

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    metatracer::cli::Cli::new("vec2").run(|args, src| {
        let code = vec2::compile(&src).map_err(|e| format!("{}: {e}", args.program))?;
        let mut frame = vec2::Frame::new(&code);
        let result = vec2::execute(&code, &mut frame);
        let _ = std::io::stdout().flush();
        result.map_err(|fault| format!("runtime error: {fault}"))
    })
}
