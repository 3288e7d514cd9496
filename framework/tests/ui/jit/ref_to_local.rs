#[derive(metatracer::Layout)]
struct Prog { ops: Vec<u8> }
#[derive(metatracer::Layout)]
struct St { acc: i64 }

fn bump(x: &mut i64) {
    *x += 1;
}

#[metatracer::jit_merge_point]
fn run(#[green] p: &Prog, s: &mut St) {
    #[green]
    let mut pc: usize = 0;
    let mut n: i64 = 0;
    while pc < p.ops.len() {
        bump(&mut n);
        metatracer::can_enter_jit!();
        pc += 1;
    }
    s.acc = n;
}

fn main() {}
