//! Functions: Python functions (`FunctionObj`: code, globals, defaults, closure) and native
//! functions (`BuiltinObj`: a Rust handler with its checked signature, see `objects/sig.rs`),
//! with the argument shape every native handler receives (`Args`), their repr and computed
//! attributes (`__name__`, `__defaults__`, `__code__`, ...) and their (empty) method tables.
//! Calling them is `interpreter/call.rs`.

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

pub type NativeFn = fn(Args) -> crate::vm::PyResult<Value>;

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

/// `repr` of a Python function: `<function QUALNAME at 0x...>`.
pub(crate) fn function_repr(f: Gc<FunctionObj>) -> crate::vm::PyResult<String> {
    Ok(format!(
        "<function {} at 0x{:x}>",
        crate::objects::ops::str_of(f.qualname.get())?,
        Value::obj(f).0
    ))
}

/// `repr` of a native function or method: `<built-in function NAME>` (the name without its
/// class part).
pub(crate) fn builtin_repr(b: &BuiltinObj) -> String {
    format!(
        "<built-in function {}>",
        b.name.rsplit('.').next().unwrap_or(b.name)
    )
}

// ---------------------------------------------------------------- attributes

/// The attributes of a Python function (`__name__`, `__defaults__`, `__code__`, `__closure__`,
/// `__dict__`, ...), then the names set in its `__dict__`; `None` for any other name.
pub(crate) fn function_attr(
    f: Gc<FunctionObj>,
    n: &str,
    name: Value,
) -> crate::vm::PyResult<Option<Value>> {
    match n {
        "__name__" => return Ok(Some(f.name.get())),
        "__qualname__" => return Ok(Some(f.qualname.get())),
        "__doc__" => return Ok(Some(f.doc.get())),
        "__module__" => return Ok(Some(f.globals.get_str("__name__").unwrap_or(Value::NONE))),
        "__defaults__" => {
            let d = f.defaults.get();
            return Ok(Some(if d.is_null() { Value::NONE } else { d }));
        }
        "__kwdefaults__" => {
            let d = f.kwdefaults.get();
            return Ok(Some(if d.is_null() { Value::NONE } else { d }));
        }
        "__code__" => return Ok(Some(Value::obj(f.code))),
        "__globals__" => return Ok(Some(Value::obj(f.globals))),
        "__closure__" => {
            return Ok(Some(if f.closure.is_null() {
                Value::NONE
            } else {
                f.closure
            }))
        }
        "__dict__" => {
            if f.dict.get().is_null() {
                f.dict.set(Value::obj(new_dict()));
            }
            return Ok(Some(f.dict.get()));
        }
        _ => {
            let d = f.dict.get();
            if let Some(d) = as_dict_exact(d) {
                return d.get(name);
            }
        }
    }
    Ok(None)
}

/// The attributes of a native function (`__name__`, `__qualname__`, `__self__`, `__doc__`).
pub(crate) fn builtin_attr(b: Gc<BuiltinObj>, n: &str) -> crate::vm::PyResult<Option<Value>> {
    match n {
        "__name__" | "__qualname__" => {
            return Ok(Some(new_str(b.name.rsplit('.').next().unwrap_or(b.name))))
        }
        "__self__" => {
            return Ok(Some(if b.bound.is_null() {
                Value::NONE
            } else {
                b.bound
            }))
        }
        "__doc__" => return Ok(Some(Value::NONE)),
        _ => {}
    }
    Ok(None)
}

/// The methods of `function`: none are native; a function's attributes are computed from its
/// layout (`function_attr` below) and `__get__`/`__call__` are the generic slot wrappers
/// (`objects/slots.rs`).
pub(crate) static FUNCTION_METHODS: &[crate::objects::native::Method] = &[];

/// The methods of `builtin_function_or_method`: none are native (see [`builtin_attr`]).
pub(crate) static BUILTIN_METHODS: &[crate::objects::native::Method] = &[];
