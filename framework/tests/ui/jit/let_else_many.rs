#[metatracer::look_inside]
fn five(t: Option<(i64, i64)>, u: Option<(i64, i64, i64)>) -> i64 {
    let (Some((a, b)), Some((c, d, e))) = (t, u) else {
        return 0;
    };
    a + b + c + d + e
}

fn main() {}
