use metatracer::gc::{Array, Gc};

#[derive(metatracer::Layout)]
struct Frame {
    sp: usize,
    #[frame_array]
    slots: Gc<Array<i64>>,
}

fn main() {}
