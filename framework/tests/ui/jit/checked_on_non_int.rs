// `checked_*` is lowered on primitive integers only.
#[derive(Clone, Copy, metatracer::RegValue)]
struct Money { cents: i64 }

impl Money {
    fn checked_add(self, o: Money) -> Option<Money> {
        self.cents.checked_add(o.cents).map(|cents| Money { cents })
    }
}

#[metatracer::look_inside]
fn total(a: Money, b: Money) -> i64 {
    match a.checked_add(b) {
        Some(m) => m.cents,
        None => -1,
    }
}

fn main() {}
