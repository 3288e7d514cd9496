#[metatracer::elidable(read_only)]
fn twice(n: usize) -> usize {
    n * 2
}

fn main() {
    let _ = twice(1);
}
