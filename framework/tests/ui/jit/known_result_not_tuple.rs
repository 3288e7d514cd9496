#[metatracer::elidable]
fn twice(n: i64) -> i64 {
    n * 2
}

#[metatracer::look_inside]
fn f(n: i64) -> i64 {
    metatracer::record_known_result(n * 2, twice, n);
    twice(n)
}

fn main() {
    let _ = f(1);
}
