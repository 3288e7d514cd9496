#[metatracer::elidable]
fn first<T: Copy>(xs: &[T]) -> T {
    xs[0]
}

fn main() {}
