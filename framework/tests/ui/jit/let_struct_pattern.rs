#[derive(metatracer::Layout, Clone, Copy)]
struct Pt { x: i64, y: i64 }

#[metatracer::look_inside]
fn sum(p: &Pt) -> i64 {
    let Pt { x, y } = *p;
    x + y
}

fn main() {}
