//! Brainfuck on metatracer (placeholder until the JIT core lands).

fn main() {
    eprintln!("brainfuck: not built yet");
    std::process::exit(2);
}
