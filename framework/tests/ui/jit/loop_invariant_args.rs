#[metatracer::loop_invariant]
fn depth(frame: usize) -> usize {
    frame + 1
}

fn main() {
    let _ = depth(1);
}
