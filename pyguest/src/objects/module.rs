//! Module objects: a name and the module's globals dict, the constructor, the attributes and
//! the repr. Importing (finding, loading and running modules) is `import.rs`.

use crate::objects::native::arg_or_kw;
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::{self, type_error, vm, PyResult};
use metatracer::gc::{self, Gc};
use metatracer::Trace;

#[repr(C)]
#[derive(Trace)]
pub struct ModuleObj {
    pub kind: Kind,
    pub name: Value,
    pub dict: Gc<DictObj>,
}

downcast!(as_module, ModuleObj, Module);

/// A new module named `name` (from `file`, if any) whose globals hold `__name__`, `__doc__`,
/// `__builtins__` and `__file__`; the import system (`import.rs`) runs its code.
pub fn new_module(name: &str, file: Option<&str>) -> Gc<ModuleObj> {
    let d = new_dict();
    d.set_str("__name__", new_str(name));
    d.set_str("__doc__", Value::NONE);
    d.set_str("__builtins__", Value::obj(vm().builtins.get()));
    if let Some(f) = file {
        d.set_str("__file__", new_str(f));
    }
    gc::alloc(ModuleObj {
        kind: Kind::Module,
        name: new_str(name),
        dict: d,
    })
}

/// `types.ModuleType(name, doc=None)`: a module without `__builtins__`, as CPython makes it.
pub(crate) fn new_module_from(rest: Args) -> PyResult<Value> {
    let Some(name) = arg_or_kw(&rest, 0, "name") else {
        return Err(type_error(
            "module() missing required argument 'name' (pos 1)",
        ));
    };
    let Some(n) = as_str(name) else {
        return Err(type_error(format!(
            "module.__init__() argument 'name' must be str, not {}",
            vm::type_name(name)
        )));
    };
    let m = crate::objects::module::new_module(&n.s, None);
    m.dict.remove(new_str("__builtins__"))?;
    m.dict
        .set_str("__doc__", arg_or_kw(&rest, 1, "doc").unwrap_or(Value::NONE));
    m.dict.set_str("__package__", Value::NONE);
    m.dict.set_str("__loader__", Value::NONE);
    m.dict.set_str("__spec__", Value::NONE);
    Ok(Value::obj(m))
}

/// `repr` of a module: `<module 'NAME'>`.
pub(crate) fn module_repr(m: &ModuleObj) -> crate::vm::PyResult<String> {
    Ok(format!(
        "<module '{}'>",
        crate::objects::ops::str_of(m.name)?
    ))
}

// ---------------------------------------------------------------- attributes

/// The attributes of a module computed from its layout (`__dict__`); the module's own names
/// are looked up in its dict first (`objects/ops/attr.rs`).
pub(crate) fn module_attr(m: Gc<ModuleObj>, n: &str) -> crate::vm::PyResult<Option<Value>> {
    if n == "__dict__" {
        return Ok(Some(Value::obj(m.dict)));
    }
    Ok(None)
}

/// The methods of `module`: none are native; its attributes are computed from its layout
/// ([`module_attr`]).
pub(crate) static METHODS: &[crate::objects::native::Method] = &[];
