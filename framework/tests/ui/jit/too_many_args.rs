// Traced calls take at most 10 arguments.
#[allow(clippy::too_many_arguments)]
#[metatracer::look_inside]
fn eleven(a: i64, b: i64, c: i64, d: i64, e: i64, f: i64, g: i64, h: i64, i: i64, j: i64, k: i64) -> i64 {
    a + b + c + d + e + f + g + h + i + j + k
}

#[metatracer::look_inside]
fn caller(x: i64) -> i64 {
    eleven(x, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
}

fn main() {}
