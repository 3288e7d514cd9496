// Traced code indexes `Vec`s, arrays, slices and `gc::Array`s; other containers are reached
// inside residual calls (move the code into a function without `#[look_inside]`).
use std::collections::VecDeque;

#[derive(metatracer::Layout)]
struct St { queue: VecDeque<i64> }

#[metatracer::look_inside]
fn front(s: &St, k: usize) -> i64 {
    s.queue[k]
}

fn main() {}
