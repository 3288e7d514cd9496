#[derive(metatracer::Layout)]
struct Prog { ops: Vec<u8>, id: metatracer::JitIdentity }
impl metatracer::JitGreen for Prog {
    fn jit_identity(&self) -> &metatracer::JitIdentity { &self.id }
}
#[derive(metatracer::Layout)]
struct St { acc: i64 }

fn log(msg: &str, x: i64) { println!("{msg} {x}"); }

#[metatracer::jit_merge_point]
fn run(#[green] p: &Prog, s: &mut St) {
    #[green]
    let mut pc: usize = 0;
    while pc < p.ops.len() {
        // a literal passed straight to a call is fine (a residual call of `log`) ...
        log("acc", s.acc);
        // ... one held in a local is not
        let name = "acc";
        log(name, s.acc);
        metatracer::can_enter_jit!();
        pc += 1;
    }
}

fn main() {}
