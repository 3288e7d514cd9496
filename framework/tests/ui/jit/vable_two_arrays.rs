#[derive(metatracer::Layout)]
#[virtualizable]
struct Frame {
    sp: usize,
    locals: Vec<i64>,
    stack: Vec<i64>,
}

fn main() {}
