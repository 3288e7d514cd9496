//! Generators: the object layout (a suspended frame and a state), and the methods
//! `send`, `throw`, `close`, `__iter__` and `__next__`. Resuming a frame is
//! `interpreter/generators.rs`.

use crate::objects::*;
use crate::value::{Kind, Value};
use metatracer::gc::Gc;
use metatracer::Trace;
use std::cell::Cell;

pub const GEN_CREATED: u8 = 0;
pub const GEN_SUSPENDED: u8 = 1;
pub const GEN_RUNNING: u8 = 2;
pub const GEN_DONE: u8 = 3;

#[repr(C)]
#[derive(Trace)]
pub struct GeneratorObj {
    pub kind: Kind,
    pub state: Cell<u8>,
    pub frame: Gc<FrameObj>,
    pub name: Value,
}

downcast!(as_generator, GeneratorObj, Generator);
