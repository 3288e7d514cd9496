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
    if n == "__spec__" {
        return lazy_spec(m);
    }
    Ok(None)
}

thread_local! {
    /// Set while [`lazy_spec`] runs, so asking for a spec while making one finds none.
    static MAKING_SPEC: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// `module.__spec__` of a module that has none in its dict: made on first use by
/// `importlib.util._spec_for_module` (a file spec with a `SourceFileLoader` for a module loaded
/// from a file, a built-in spec otherwise, None for `__main__`) and kept in the dict. pyguest's
/// importer does not make specs when it loads a module, so the many imports that never look
/// at `__spec__` do not pay for one (nor load `importlib`).
fn lazy_spec(m: Gc<ModuleObj>) -> crate::vm::PyResult<Option<Value>> {
    if MAKING_SPEC.with(|f| f.replace(true)) {
        return Ok(None);
    }
    let made = (|| {
        // through `builtins.__import__`: objects/ does not reach into the importer
        let import = vm()
            .builtins
            .get()
            .get_str("__import__")
            .ok_or_else(|| vm::exc(vm::C::ImportError, "__import__ not found"))?;
        let util = crate::objects::ops::call(
            import,
            &[
                new_str("importlib.util"),
                Value::NONE,
                Value::NONE,
                new_tuple(&[new_str("_spec_for_module")]),
            ],
        )?;
        let f = crate::objects::ops::getattr(util, vm::intern("_spec_for_module"))?;
        crate::objects::ops::call(f, &[Value::obj(m)])
    })();
    MAKING_SPEC.with(|f| f.set(false));
    let spec = made?;
    m.dict.set_str("__spec__", spec);
    Ok(Some(spec))
}

/// The methods of `module`: none are native; its attributes are computed from its layout
/// ([`module_attr`]).
pub(crate) static METHODS: &[crate::objects::native::Method] = &[];
