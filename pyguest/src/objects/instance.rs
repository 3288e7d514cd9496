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

/// An instance as traced code allocates it for a class call it inlines (`C(args)` with a
/// Python `__init__`, `interpreter/opcodes_calls.rs` "virtual frames"): a `gc::alloc` of a
/// register value, so the optimizer can remove it when it does not escape the trace. Laid
/// out exactly like [`InstanceObj`] (compile-time asserts below; the collector traces the
/// same references), and read as one everywhere else.
#[repr(C)]
#[derive(Clone, Copy, metatracer::Trace, metatracer::Layout, metatracer::RegValue)]
#[reg_value(in_memory)]
pub struct InstanceBox {
    pub kind: u8,
    pub map: u32,
    pub cls: Gc<ClassObj>,
    pub slots: Gc<Array<Value>>,
    pub base: Value,
    pub ident: u64,
}

const _: () = {
    use std::mem::{align_of, offset_of, size_of};
    assert!(offset_of!(InstanceBox, kind) == offset_of!(InstanceObj, kind));
    assert!(offset_of!(InstanceBox, map) == offset_of!(InstanceObj, map));
    assert!(offset_of!(InstanceBox, cls) == offset_of!(InstanceObj, cls));
    assert!(offset_of!(InstanceBox, slots) == offset_of!(InstanceObj, slots));
    assert!(offset_of!(InstanceBox, base) == offset_of!(InstanceObj, base));
    assert!(offset_of!(InstanceBox, ident) == offset_of!(InstanceObj, ident));
    assert!(size_of::<InstanceBox>() == size_of::<InstanceObj>());
    assert!(align_of::<InstanceBox>() == align_of::<InstanceObj>());
};

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
