//! `dce`: dead code elimination. Removes pure ops and loads whose result nothing uses.
//!
//! A value is used when an op that stays reads it, when a guard that stays lists it in its
//! snapshot, or when it is a `label`/`jump`/`finish` argument. Ops with effects (stores,
//! residual calls, guards) and markers always stay. `call_pure_*` (calls of `#[elidable]`
//! functions) are removable like pure ops: `#[elidable]` promises that the function has no
//! effect at all, not even a panic or an error exit on some arguments (RPython's
//! "elidable, cannot raise"). Loads are removable: a trace only loads from addresses its
//! guards made valid, and a load has no effect. Liveness is computed once, backwards, in [`Pass::prepare`]; the streaming part
//! then drops the dead ops.
//!
//! ```text
//! i2 = int_add(i0, 32)     =>  (removed: unused)
//! i3 = load_i(p1, 8)       =>  (removed: unused)
//! i4 = call_pure_i(...)    =>  (removed: unused)
//! store_i(p1, 0, i0)       =>  store_i(p1, 0, i0)
//! ```

use super::{Action, Ctx, Pass, PendingOp};
use crate::ir::{OpFlags, Trace};

/// The pass: `dead[i]` for every op position of the input trace.
#[derive(Default)]
pub struct Dce {
    dead: Vec<bool>,
    pos: usize,
}

/// Whether an op may be dropped when its result is unused: pure ops (elidable calls
/// included) and loads.
fn removable(flags: OpFlags) -> bool {
    flags.contains(OpFlags::PURE) || flags.contains(OpFlags::LOAD)
}

impl Pass for Dce {
    fn name(&self) -> &'static str {
        "dce"
    }

    fn prepare(&mut self, t: &Trace) {
        let n = t.len();
        let mut live = vec![false; n];
        for p in (0..n).rev() {
            let op = t.op(p);
            let flags = op.opcode.flags();
            if flags.contains(OpFlags::INPUT) {
                live[p] = true;
                continue;
            }
            if !live[p] && removable(flags) {
                continue;
            }
            live[p] = true;
            for &a in t.args(p) {
                if let Some(i) = a.as_op() {
                    live[i] = true;
                }
            }
            if let Some(s) = op.snapshot() {
                for f in t.snapshot_frames(s) {
                    for v in t.flat_values(t.frame_values(f)) {
                        if let Some(i) = v.as_op() {
                            live[i] = true;
                        }
                    }
                }
            }
        }
        // positions fed to the pass skip the inputs
        let inputs = (0..n)
            .take_while(|&p| t.op(p).opcode.flags().contains(OpFlags::INPUT))
            .count();
        self.dead = live[inputs..].iter().map(|l| !l).collect();
        self.pos = 0;
    }

    fn feed(&mut self, _ctx: &mut Ctx<'_>, _op: &mut PendingOp) -> Action {
        let dead = self.dead.get(self.pos).copied().unwrap_or(false);
        self.pos += 1;
        if dead {
            Action::Remove
        } else {
            Action::Emit
        }
    }
}
