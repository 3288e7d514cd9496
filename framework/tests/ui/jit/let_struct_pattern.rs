// A struct pattern at the top of a `let` reads the fields one by one; nested in a tuple
// pattern it is not supported (bind the struct first).
#[derive(metatracer::Layout, Clone, Copy)]
struct Pt { x: i64, y: i64 }

#[metatracer::look_inside]
fn sum(p: &Pt, k: i64) -> i64 {
    let Pt { x, y } = *p; // fine
    let (Pt { x: a, .. }, b) = (*p, k);
    x + y + a + b
}

fn main() {}
