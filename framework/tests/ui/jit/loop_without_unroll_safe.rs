#[derive(metatracer::Layout)]
struct Prog { ops: Vec<u8> }
#[derive(metatracer::Layout)]
struct St { acc: i64 }

#[metatracer::look_inside]
fn sum(s: &mut St, n: i64) {
    let mut i = 0;
    while i < n {
        s.acc += i;
        i += 1;
    }
}

fn main() {}
