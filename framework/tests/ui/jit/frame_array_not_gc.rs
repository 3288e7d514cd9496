#[derive(metatracer::Layout)]
#[virtualizable]
struct Frame {
    sp: usize,
    #[frame_array]
    slots: Vec<i64>,
}

fn main() {}
