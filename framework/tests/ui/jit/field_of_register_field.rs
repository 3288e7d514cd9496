// `v.field` on a `RegValue` struct local is its registers; a field of that field is read
// after naming the inner struct.
#[derive(Clone, Copy, metatracer::RegValue)]
struct Pair(i64, i64);

#[derive(Clone, Copy, metatracer::RegValue)]
struct Outer { inner: Pair, k: i64 }

#[metatracer::look_inside]
fn first(o: Outer) -> i64 {
    o.inner.0 + o.k
}

fn main() {}
