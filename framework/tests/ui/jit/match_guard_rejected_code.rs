#[derive(metatracer::Layout)]
struct Prog { ops: Vec<u8>, id: metatracer::JitIdentity }
impl metatracer::JitGreen for Prog {
    fn jit_identity(&self) -> &metatracer::JitIdentity { &self.id }
}
#[derive(metatracer::Layout)]
struct St { acc: i64 }

// The only error is the `for` over an iterator: the `can_enter_jit!()` inside the code the
// JIT rejected must not also produce "add `metatracer::can_enter_jit!()`".
#[metatracer::jit_merge_point]
fn run(#[green] p: &Prog, s: &mut St) {
    #[green]
    let mut pc: usize = 0;
    while pc < p.ops.len() {
        match p.ops[pc] {
            k if k > 3 => {
                for op in p.ops.iter() {
                    s.acc += *op as i64;
                    pc = 0;
                    metatracer::can_enter_jit!();
                }
            }
            _ => s.acc += 1,
        }
        pc += 1;
    }
}

fn main() {}
