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
#[derive(Trace, metatracer::Layout)]
pub struct FunctionObj {
    pub kind: Kind,
    /// Made by a `def`/`lambda`/comprehension inside a function body, so a new function
    /// object of this code is made at each call of that body: traced calls identify such
    /// functions by their code object (promoted), the others by the function object.
    pub per_call: bool,
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
                new_owner(b)
            } else {
                b.bound
            }))
        }
        "__doc__" => return Ok(Some(Value::NONE)),
        "__module__" => return Ok(Some(builtin_module_name(b))),
        _ => {}
    }
    Ok(None)
}

thread_local! {
    /// The native module each module-level handler was defined in, by handler address
    /// (filled by `modules::builtin_module` when it makes a native module).
    static NATIVE_MODULE_OF: std::cell::RefCell<std::collections::HashMap<usize, std::rc::Rc<str>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// Records that the module-level built-ins in `dict` belong to the native module `module`
/// (their `__module__`).
pub fn register_native_module(module: &str, dict: Gc<DictObj>) {
    let name: std::rc::Rc<str> = module.into();
    NATIVE_MODULE_OF.with(|m| {
        let mut m = m.borrow_mut();
        for i in 0..dict.entry_count() {
            let v = dict.val_at(i);
            if v.is_null() {
                continue;
            }
            if let Some(b) = as_builtin(v).filter(|b| b.bound.is_null()) {
                m.entry(b.f as usize).or_insert_with(|| name.clone());
            }
        }
    });
}

/// `__self__` of an unbound built-in: for a built-in type's `T.__new__`, the type `T` (as
/// CPython, which `copyreg._reduce_ex` relies on to find the first built-in base); else None.
fn new_owner(b: Gc<BuiltinObj>) -> Value {
    let me = Value::obj(b);
    if let Some(t) = b.name.strip_suffix(".__new__") {
        if let Some(c) = crate::vm::vm().builtins.get().get_str(t) {
            let new = as_class(c).and_then(|c| c.dict.get_str("__new__"));
            if new.and_then(as_staticmethod).is_some_and(|w| w.f == me) {
                return c;
            }
        }
    }
    Value::NONE
}

/// `__module__` of a built-in: for a module-level one, the name of the module whose
/// namespace holds it under its own name (the native module that defined it, else
/// `builtins`, else the first module of `sys.modules` holding it), so
/// `pickle` can save it by reference (`_codecs.encode`); None for methods and unknowns.
fn builtin_module_name(b: Gc<BuiltinObj>) -> Value {
    if !b.bound.is_null() && as_module(b.bound).is_none() {
        return Value::NONE;
    }
    let defined_in = NATIVE_MODULE_OF.with(|m| m.borrow().get(&(b.f as usize)).cloned());
    if let Some(name) = defined_in {
        return new_str(&name);
    }
    let short = b.name.rsplit('.').next().unwrap_or(b.name);
    let me = Value::obj(b);
    let vm = crate::vm::vm();
    if vm.builtins.get().get_str(short) == Some(me) {
        return new_str("builtins");
    }
    let mods = vm.modules.get();
    for i in 0..mods.entry_count() {
        let (k, m) = (mods.key_at(i), mods.val_at(i));
        if k.is_null() || m.is_null() {
            continue;
        }
        if as_module(m).is_some_and(|md| md.dict.get_str(short) == Some(me)) {
            return k;
        }
    }
    Value::NONE
}

/// The methods of `function`: none are native; a function's attributes are computed from its
/// layout (`function_attr` below) and `__get__`/`__call__` are the generic slot wrappers
/// (`objects/slots.rs`).
pub(crate) static FUNCTION_METHODS: &[crate::objects::native::Method] = &[];

/// The methods of `builtin_function_or_method`: none are native (see [`builtin_attr`]).
pub(crate) static BUILTIN_METHODS: &[crate::objects::native::Method] = &[];
