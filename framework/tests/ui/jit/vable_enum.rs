#[derive(metatracer::Layout)]
#[virtualizable]
enum Frame {
    Small { sp: usize },
    Big { sp: usize, stack: Vec<i64> },
}

fn main() {}
