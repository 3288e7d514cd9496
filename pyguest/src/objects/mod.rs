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
pub mod coroutine;
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
pub mod surr;
pub mod table;
pub mod traceback;
pub mod tuple;
pub mod unicode_case;
pub mod unicode_num;

pub use bytes::{as_bytearray, as_bytes, new_bytes, BytesObj};
pub use cell::{as_cell, new_cell, CellObj};
pub use class::{
    as_class, as_super, ClassObj, CF_BUILTIN, CF_DELATTR, CF_EXCEPTION, CF_GETATTR,
    CF_GETATTRIBUTE, CF_HAS_DESCRIPTORS, CF_SETATTR, CF_SLOTS,
};
pub use code::{
    as_code, CodeData, CodeObj, ExcEntry, CO_ASYNC_GENERATOR, CO_COROUTINE, CO_GENERATOR,
    CO_ITERABLE_COROUTINE, CO_NAMESPACE, CO_VARARGS, CO_VARKW,
};
pub use complex::{as_complex, new_complex};
pub use dict::{as_dict, as_dict_exact, new_dict, DictObj, DictTable};
pub use float::{as_float_obj, new_float, new_float_traced, FloatObj};
pub use frame::{as_frame, FrameBox, FrameObj, Regs1, Regs15, Regs2, Regs3, Regs4, Regs8};
pub use function::{
    as_builtin, as_function, new_builtin, new_builtin_sig, Args, BuiltinObj, FunctionObj, NativeFn,
};
pub use generator::{
    as_generator, GeneratorObj, GEN_CREATED, GEN_DONE, GEN_RUNNING, GEN_SUSPENDED,
};
pub use instance::{as_instance, payload, InstanceBox, InstanceObj};
pub use int::{as_bigint, new_bigint, new_int};
pub use iter::{as_iter, new_iter, new_iter_traced, IterKind, IterObj};
pub use list::{as_list, as_list_exact, new_list_cap, new_list_from, ListObj};
pub use method::{as_bound, new_bound};
pub use module::{as_module, ModuleObj};
pub use property::{as_classmethod, as_property, as_staticmethod, PropertyObj, WrapperObj};
pub use range::{as_range, new_range_traced, range_len, RangeObj};
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

/// The method tables of the built-in types, in installation order (the order the class
/// dicts keep). A class may have several: `set` gets the methods it shares with
/// `frozenset`, then its own.
pub(crate) static TYPE_TABLES: &[(C, &[native::Method])] = &[
    (C::object, object::METHODS),
    (C::type_, class::TYPE_METHODS),
    (C::BaseException, exceptions::BASE_EXCEPTION_METHODS),
    (C::OSError, exceptions::OS_ERROR_METHODS),
    (C::SyntaxError, exceptions::SYNTAX_ERROR_METHODS),
    (C::ImportError, exceptions::IMPORT_ERROR_METHODS),
    (
        C::UnicodeEncodeError,
        exceptions::UNICODE_ENCODE_ERROR_METHODS,
    ),
    (
        C::UnicodeDecodeError,
        exceptions::UNICODE_DECODE_ERROR_METHODS,
    ),
    (C::str, string::METHODS),
    (C::list, list::METHODS),
    (C::tuple, tuple::METHODS),
    (C::dict, dict::METHODS),
    (C::set, set::SHARED_METHODS),
    (C::frozenset, set::SHARED_METHODS),
    (C::set, set::METHODS),
    (C::int, int::METHODS),
    (C::float, float::METHODS),
    (C::complex, complex::METHODS),
    (C::bytes, bytes::SHARED_METHODS),
    (C::bytearray, bytes::SHARED_METHODS),
    (C::bytes, bytes::BYTES_METHODS),
    (C::bytearray, bytes::BYTEARRAY_METHODS),
    (C::generator, generator::METHODS),
    (C::iterator, iter::ITERATOR_METHODS),
    (C::enumerate, iter::ITERATOR_METHODS),
    (C::zip, iter::ITERATOR_METHODS),
    (C::map, iter::ITERATOR_METHODS),
    (C::filter, iter::ITERATOR_METHODS),
    (C::reversed, iter::ITERATOR_METHODS),
    (C::property, property::METHODS),
    (C::range, range::METHODS),
    (C::slice, slice::METHODS),
    (C::dict_keys, iter::DICT_KEYS_METHODS),
    (C::coroutine, coroutine::COROUTINE_METHODS),
    (C::async_generator, coroutine::ASYNC_GENERATOR_METHODS),
    (C::coroutine_wrapper, coroutine::AWAITABLE_METHODS),
    (C::async_generator_asend, coroutine::AWAITABLE_METHODS),
    (C::async_generator_asend, coroutine::AWAIT_SELF),
    (C::async_generator_athrow, coroutine::AWAITABLE_METHODS),
    (C::async_generator_athrow, coroutine::AWAIT_SELF),
    (C::anext_awaitable, coroutine::AWAITABLE_METHODS),
    (C::anext_awaitable, coroutine::AWAIT_SELF),
    // types whose attributes are all computed from their layout (no native methods yet)
    (C::super_, class::SUPER_METHODS),
    (C::function, function::FUNCTION_METHODS),
    (C::builtin, function::BUILTIN_METHODS),
    (C::method, method::METHODS),
    (C::module, module::METHODS),
    (C::cell, cell::METHODS),
    (C::code, code::METHODS),
    (C::frame, frame::METHODS),
    (C::traceback, traceback::METHODS),
    (C::classmethod, property::WRAPPER_METHODS),
    (C::staticmethod, property::WRAPPER_METHODS),
];

/// Fills the dicts of the built-in classes (called once by `modules::builtins::install`):
/// every class's `__new__`, the method tables ([`TYPE_TABLES`]), the exception classes'
/// attributes, and last the generic slot wrappers, which only fill names a type left unset.
pub(crate) fn install_methods() {
    class::install_constructors();
    exceptions::install_os_error_attributes();
    for &(c, table) in TYPE_TABLES {
        install_table(c, table);
    }
    exceptions::install_exception_properties();
    slots::install_slot_wrappers();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objects::sig::{Recv, Sig};
    use std::collections::HashSet;

    /// Every signature in the tables parses, and no class gets the same name twice (a second
    /// entry would silently replace the first).
    #[test]
    fn method_tables_parse_and_names_are_unique_per_class() {
        let mut seen = HashSet::new();
        let mut count = 0;
        for &(c, table) in TYPE_TABLES {
            for e in table {
                let s = Sig::parse(e.sig, Recv::Inst(c));
                assert!(
                    seen.insert((c as usize, s.name)),
                    "{}.{} is in the tables twice",
                    crate::vm::CLASS_NAMES[c as usize],
                    s.name
                );
                count += 1;
            }
        }
        assert!(count > 150, "only {count} methods in the tables");
    }

    /// Every built-in type that has a module in `objects/` has a table there (possibly
    /// empty), so a new native method has one obvious place to go.
    #[test]
    fn every_type_module_has_a_table() {
        let with_tables: HashSet<usize> = TYPE_TABLES.iter().map(|&(c, _)| c as usize).collect();
        let types = [
            C::object,
            C::type_,
            C::int,
            C::float,
            C::complex,
            C::str,
            C::bytes,
            C::bytearray,
            C::list,
            C::tuple,
            C::dict,
            C::set,
            C::frozenset,
            C::range,
            C::slice,
            C::function,
            C::builtin,
            C::method,
            C::code,
            C::module,
            C::cell,
            C::generator,
            C::iterator,
            C::property,
            C::classmethod,
            C::staticmethod,
            C::super_,
            C::frame,
            C::dict_keys,
            C::coroutine,
            C::async_generator,
            C::BaseException,
        ];
        for c in types {
            assert!(
                with_tables.contains(&(c as usize)),
                "{} has no method table in TYPE_TABLES",
                crate::vm::CLASS_NAMES[c as usize]
            );
        }
    }
}
