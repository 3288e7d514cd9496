//! Instances of Python classes: the class, the map (hidden class, `vm.rs`) that lays out the
//! attribute slot array, and the payload of a built-in base (`class L(list)`). Attribute
//! access is in `objects/ops/attr.rs`, construction in `objects/class.rs`.

use crate::objects::*;
use crate::value::{Kind, Value};
use metatracer::gc::{Array, Gc, GcCell};
use metatracer::Trace;
use std::cell::Cell;

#[repr(C)]
#[derive(Trace, metatracer::Layout)]
pub struct InstanceObj {
    pub kind: Kind,
    pub map: Cell<u32>,
    pub cls: GcCell<Gc<ClassObj>>,
    pub slots: GcCell<Gc<Array<Value>>>,
    /// Payload of a built-in base (a list for `class L(list)`), or NULL.
    pub base: GcCell<Value>,
    /// Identity number for `id()` and the default hash, given on first use (0: none yet).
    /// The address cannot serve: a young object moves when it is promoted.
    pub ident: Cell<u64>,
}

downcast!(as_instance, InstanceObj, Instance);

/// The built-in payload of `v`: itself, or the base payload of an instance of a subclass.
#[inline]
pub fn payload(v: Value) -> Value {
    if let Some(i) = as_instance(v) {
        let b = i.base.get();
        if !b.is_null() {
            return b;
        }
    }
    v
}
