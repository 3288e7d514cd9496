// A promoted `&T` is a constant the trace specialises on: `T` must implement `JitGreen`.
#[derive(metatracer::Layout)]
struct Prog { ops: Vec<u8>, id: metatracer::JitIdentity }
impl metatracer::JitGreen for Prog {
    fn jit_identity(&self) -> &metatracer::JitIdentity { &self.id }
}
#[derive(metatracer::Layout)]
struct St { acc: i64 }
#[derive(metatracer::Layout)]
struct Table { x: i64 }

#[metatracer::jit_merge_point]
fn run(#[green] p: &Prog, s: &mut St, t: &Table) {
    #[green]
    let mut pc: usize = 0;
    while pc < p.ops.len() {
        let q = metatracer::promote(t);
        s.acc += q.x;
        metatracer::can_enter_jit!();
        pc += 1;
    }
}

fn main() {}
