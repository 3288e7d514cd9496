struct Vm {
    acc: i64,
}

impl Vm {
    #[metatracer::look_inside]
    fn bump(&mut self) {
        self.acc += 1;
    }
}

fn main() {}
