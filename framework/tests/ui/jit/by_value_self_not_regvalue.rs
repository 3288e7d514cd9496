// `self` by value in a traced method needs a `RegValue` struct: `Pair` is only `Copy`.
#[derive(Clone, Copy)]
struct Pair {
    a: i64,
    b: i64,
}

#[metatracer::look_inside]
impl Pair {
    fn sum(self) -> i64 {
        self.a + self.b
    }
}

fn main() {}
