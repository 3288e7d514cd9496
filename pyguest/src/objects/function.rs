//! Functions: Python functions (`FunctionObj`: code, globals, defaults, closure) and native
//! functions (`BuiltinObj`: a Rust handler with its checked signature, see `objects/sig.rs`),
//! with the argument shape every native handler receives (`Args`). Calling them is
//! `interpreter/call.rs`.

use crate::objects::*;
use crate::value::{Kind, Value};
use metatracer::gc::{self, Gc, GcCell};
use metatracer::Trace;

#[repr(C)]
#[derive(Trace)]
pub struct FunctionObj {
    pub kind: Kind,
    pub code: Gc<CodeObj>,
    pub globals: Gc<DictObj>,
    pub defaults: GcCell<Value>,
    pub kwdefaults: GcCell<Value>,
    pub closure: Value,
    pub name: GcCell<Value>,
    pub qualname: GcCell<Value>,
    pub dict: GcCell<Value>,
    pub doc: GcCell<Value>,
}

/// Arguments of a native function: positional values, then keyword values named by `kwnames`.
#[derive(Clone, Copy)]
pub struct Args<'a> {
    pub pos: &'a [Value],
    pub kwnames: &'a [Value],
    pub kwvals: &'a [Value],
}

pub type NativeFn = fn(Args) -> crate::interpreter::PyResult<Value>;

#[repr(C)]
#[derive(Trace)]
pub struct BuiltinObj {
    pub kind: Kind,
    pub name: &'static str,
    #[gc(no_trace)]
    pub f: NativeFn,
    /// Bound receiver (module functions carry NULL).
    pub bound: Value,
    /// The arguments `f` accepts, checked before every call (`sig::UNCHECKED` for
    /// functions that check for themselves).
    #[gc(no_trace)]
    pub sig: &'static sig::Sig,
}

downcast!(as_function, FunctionObj, Function);
downcast!(as_builtin, BuiltinObj, Builtin);

/// A native function that checks its own arguments (see [`new_builtin_sig`]).
pub fn new_builtin(name: &'static str, f: NativeFn) -> Value {
    new_builtin_sig(name, &sig::UNCHECKED, f)
}

/// A native function named `name` (qualified: `list.append`) whose arguments the call
/// machinery checks against `sig` before running `f`.
pub fn new_builtin_sig(name: &'static str, sig: &'static sig::Sig, f: NativeFn) -> Value {
    Value::obj(gc::alloc(BuiltinObj {
        kind: Kind::Builtin,
        name,
        f,
        bound: Value::NULL,
        sig,
    }))
}
