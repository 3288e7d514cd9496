//! `property`, `classmethod` and `staticmethod`: the descriptor layouts and the methods of
//! `property` (`getter`, `setter`, `deleter`, `__get__`, `__set__`). How descriptors are
//! applied on attribute access is `objects/ops/attr.rs`.

use crate::value::{Kind, Value};
use metatracer::gc::{Gc, GcCell};
use metatracer::Trace;

#[repr(C)]
#[derive(Trace)]
pub struct PropertyObj {
    pub kind: Kind,
    pub fget: Value,
    pub fset: Value,
    pub fdel: Value,
    /// Writable, as CPython's (`namedtuple` field docs are assigned after creation).
    pub doc: GcCell<Value>,
}

#[repr(C)]
#[derive(Trace)]
pub struct WrapperObj {
    pub kind: Kind,
    pub f: Value,
}

downcast!(as_property, PropertyObj, Property);
downcast!(as_classmethod, WrapperObj, ClassMethod);
downcast!(as_staticmethod, WrapperObj, StaticMethod);
