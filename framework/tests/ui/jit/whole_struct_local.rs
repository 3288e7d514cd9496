#[derive(metatracer::Layout)]
struct Prog { ops: Vec<u8>, id: metatracer::JitIdentity }
impl metatracer::JitGreen for Prog {
    fn jit_identity(&self) -> &metatracer::JitIdentity { &self.id }
}
#[derive(Clone, Copy)]
struct Slot { tag: u8, val: i64 }
#[derive(metatracer::Layout)]
struct St { acc: i64, slots: Vec<Slot> }

#[metatracer::jit_merge_point]
fn run(#[green] p: &Prog, s: &mut St) {
    #[green]
    let mut pc: usize = 0;
    while pc < p.ops.len() {
        // slot to slot is a copy the trace makes (a residual copy) ...
        s.slots[0] = s.slots[1];
        // ... but a `Slot` cannot live in registers
        let top = s.slots[0];
        s.acc += top.val;
        metatracer::can_enter_jit!();
        pc += 1;
    }
}

fn main() {}
