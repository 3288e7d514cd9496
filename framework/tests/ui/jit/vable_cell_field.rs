use std::cell::Cell;

#[derive(metatracer::Layout)]
#[virtualizable]
struct Frame {
    sp: usize,
    depth: Cell<usize>,
    stack: [i64; 16],
}

fn main() {}
