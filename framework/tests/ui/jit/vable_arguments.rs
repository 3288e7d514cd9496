#[derive(metatracer::Layout)]
#[virtualizable(stack)]
struct Frame {
    sp: usize,
    stack: Vec<i64>,
}

fn main() {}
