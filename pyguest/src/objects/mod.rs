//! The object model: one module per built-in type (or tight family of types), each holding
//! the type's heap layout, its constructors and downcast, and the table of the native
//! methods it exposes; plus the object protocol shared by all types (`ops/`), native-call
//! helpers (`native.rs`, `sig.rs`) and storage helpers (`table.rs`, `sstr.rs`).
//!
//! Every layout is `#[repr(C)]` with `kind: Kind` first, so [`Value::kind`] can read the tag
//! through any object pointer. All references live in GC memory (`GcCell`, `Array`);
//! Rust-heap data inside objects (`Box<str>`, `Vec<u8>`, table metadata) holds no references
//! and is marked `#[gc(no_trace)]` when its type has no `Trace` impl.
//!
//! Instances of Python classes keep their attributes in a slot array laid out by a *map*
//! (hidden class, see `vm.rs`): `InstanceObj::map` names the layout, so a trace can promote
//! the map and read a fixed slot.
//!
//! The layouts, constructors and downcasts are re-exported here, so the rest of the crate
//! writes `objects::ListObj`, `objects::new_tuple`, `objects::as_dict`.

/// `as_NAME(v)`: `v` as a `Gc<$ty>` when its kind tag is `Kind::$kind`.
macro_rules! downcast {
    ($name:ident, $ty:ty, $kind:ident) => {
        #[inline(always)]
        pub fn $name(v: Value) -> Option<Gc<$ty>> {
            if v.kind() == Some(Kind::$kind) {
                // SAFETY: the kind tag says this is a `$ty`.
                Some(unsafe { v.as_gc::<$ty>() })
            } else {
                None
            }
        }
    };
}

pub mod bytes;
pub mod cell;
pub mod class;
pub mod code;
pub mod complex;
pub mod dict;
pub mod exceptions;
pub mod float;
pub mod format;
pub mod frame;
pub mod function;
pub mod generator;
pub mod instance;
pub mod int;
pub mod iter;
pub mod list;
pub mod method;
pub mod module;
pub mod native;
pub mod object;
pub mod ops;
pub mod property;
pub mod range;
pub mod set;
pub mod sig;
pub mod slice;
pub mod slots;
pub mod sstr;
pub mod string;
pub mod table;
pub mod tuple;
pub mod unicode_case;

pub use bytes::{as_bytearray, as_bytes, new_bytes, BytesObj};
pub use cell::{as_cell, new_cell, CellObj};
pub use class::{
    as_class, as_super, ClassObj, CF_BUILTIN, CF_DELATTR, CF_EXCEPTION, CF_GETATTR,
    CF_GETATTRIBUTE, CF_HAS_DESCRIPTORS, CF_SETATTR, CF_SLOTS,
};
pub use code::{
    as_code, CodeData, CodeObj, ExcEntry, CO_GENERATOR, CO_NAMESPACE, CO_VARARGS, CO_VARKW,
};
pub use complex::{as_complex, new_complex};
pub use dict::{as_dict, as_dict_exact, new_dict, DictObj, DictTable};
pub use float::{as_float_obj, new_float, FloatObj};
pub use frame::FrameObj;
pub use function::{
    as_builtin, as_function, new_builtin, new_builtin_sig, Args, BuiltinObj, FunctionObj, NativeFn,
};
pub use generator::{
    as_generator, GeneratorObj, GEN_CREATED, GEN_DONE, GEN_RUNNING, GEN_SUSPENDED,
};
pub use instance::{as_instance, payload, InstanceObj};
pub use int::{as_bigint, new_bigint, new_int};
pub use iter::{as_iter, new_iter, IterKind, IterObj};
pub use list::{as_list, as_list_exact, new_list_cap, new_list_from, ListObj};
pub use method::{as_bound, new_bound};
pub use module::{as_module, ModuleObj};
pub use property::{as_classmethod, as_property, as_staticmethod, PropertyObj, WrapperObj};
pub use range::{as_range, RangeObj};
pub use set::{as_set, new_set, SetObj, SetTable};
pub use slice::{as_slice, SliceObj};
pub use string::{as_str, new_str, new_string, str_eq, StrObj};
pub use tuple::{as_tuple, as_tuple_exact, new_tuple, TupleObj};

use crate::value::{Kind, Value};
use crate::vm::C;
use metatracer::gc::{self, Array, Gc};
use native::install_table;

/// An empty GC array (the storage of an empty list or dict).
pub fn empty_array() -> Gc<Array<Value>> {
    gc::alloc_array(0, Value::NULL)
}

/// Fills the dicts of the built-in classes from the type modules' method tables (called once
/// by `modules::builtins::install`). The order is the registration order the class dicts
/// keep; the generic slot wrappers come last, as they only fill names a type left unset.
pub(crate) fn install_methods() {
    class::install_constructors();
    install_table(C::object, object::METHODS);
    install_table(C::type_, class::TYPE_METHODS);
    exceptions::install_exception_methods();
    install_table(C::str, string::METHODS);
    install_table(C::list, list::METHODS);
    install_table(C::tuple, tuple::METHODS);
    install_table(C::dict, dict::METHODS);
    install_table(C::set, set::SHARED_METHODS);
    install_table(C::frozenset, set::SHARED_METHODS);
    install_table(C::set, set::METHODS);
    install_table(C::int, int::METHODS);
    install_table(C::float, float::METHODS);
    install_table(C::complex, complex::METHODS);
    install_table(C::bytes, bytes::SHARED_METHODS);
    install_table(C::bytearray, bytes::SHARED_METHODS);
    install_table(C::bytes, bytes::BYTES_METHODS);
    install_table(C::bytearray, bytes::BYTEARRAY_METHODS);
    install_table(C::generator, generator::METHODS);
    install_table(C::iterator, iter::ITERATOR_METHODS);
    install_table(C::property, property::METHODS);
    install_table(C::range, range::METHODS);
    install_table(C::slice, slice::METHODS);
    install_table(C::dict_keys, iter::DICT_KEYS_METHODS);
    slots::install_slot_wrappers();
}
