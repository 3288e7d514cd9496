#[metatracer::dont_look_inside(allocates)]
fn make(n: usize) -> usize {
    n + 1
}

fn main() {
    let _ = make(1);
}
