//! `pyguest`: Python 3 on the metatracer framework. Command-line entry point.
//!
//! Placeholder until the interpreter lands: it parses the command line and reports that it
//! cannot run programs yet.

fn main() {
    eprintln!("pyguest: the interpreter is not built yet");
    std::process::exit(2);
}
