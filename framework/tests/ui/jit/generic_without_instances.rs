// A generic `#[look_inside]` function names the instances the JIT traces.
#[metatracer::look_inside]
fn twice<T: Copy + std::ops::Add<Output = T>>(x: T) -> T {
    x + x
}

fn main() {}
