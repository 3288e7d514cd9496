// A green `&T` names memory the traces specialise on: `T` must say how a trace dies with it.
#[derive(metatracer::Layout)]
struct Prog { ops: Vec<u8> }
#[derive(metatracer::Layout)]
struct St { acc: i64 }

#[metatracer::jit_merge_point]
fn run(#[green] p: &Prog, s: &mut St) {
    #[green]
    let mut pc: usize = 0;
    while pc < p.ops.len() {
        s.acc += 1;
        metatracer::can_enter_jit!();
        pc += 1;
    }
}

fn main() {}
