use metatracer::gc::{Array, Gc};

#[derive(metatracer::Layout)]
#[virtualizable]
struct Frame {
    sp: usize,
    locals: Vec<i64>,
    #[frame_array]
    stack: Gc<Array<i64>>,
}

fn main() {}
