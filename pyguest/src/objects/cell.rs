//! Cells: the boxes holding variables captured by inner functions (`LOAD_DEREF` and
//! `STORE_DEREF` read and write them).

use crate::value::{Kind, Value};
use metatracer::gc::{self, Gc, GcCell};
use metatracer::Trace;

#[repr(C)]
#[derive(Trace)]
pub struct CellObj {
    pub kind: Kind,
    pub v: GcCell<Value>,
}

downcast!(as_cell, CellObj, Cell);

pub fn new_cell(v: Value) -> Value {
    Value::obj(gc::alloc(CellObj {
        kind: Kind::Cell,
        v: GcCell::new(v),
    }))
}

/// The methods of `cell`: none (its contents are read and written by `LOAD_DEREF` and
/// `STORE_DEREF`).
pub(crate) static METHODS: &[crate::objects::native::Method] = &[];
