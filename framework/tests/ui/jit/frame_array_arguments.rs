use metatracer::gc::{Array, Gc};

#[derive(metatracer::Layout)]
#[virtualizable]
struct Frame {
    sp: usize,
    #[frame_array(len = 8)]
    slots: Gc<Array<i64>>,
}

fn main() {}
