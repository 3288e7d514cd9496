//! `object`: the methods every class inherits (`__init__`, `__repr__`, `__eq__`, `__hash__`,
//! `__setattr__`, `__getattribute__`, `__format__`, `__dir__`, the pickle protocol's
//! `__reduce_ex__`/`__reduce__`/`__getstate__`, ...) and `dir()`. `object.__new__`
//! and the construction of instances are in `objects/class.rs`; attribute access in
//! `objects/ops/attr.rs`.

use crate::objects::native::{cm, free, m, str_arg, Method};
use crate::objects::ops::{self, str_of, truthy, ArgVec};
use crate::objects::*;
use crate::value::Value;
use crate::vm::PyResult;
use crate::vm::{self, type_error, type_of};
use metatracer::gc::Gc;

/// The methods of `object`.
pub(crate) static METHODS: &[Method] = &[
    m("__init__(*args, **kwargs)", |_| Ok(Value::NONE)),
    m("W:__repr__()", |a| {
        Ok(new_string(ops::default_repr(a.pos[0])?))
    }),
    m("W:__str__()", |a| Ok(new_string(ops::repr(a.pos[0])?))),
    m("W:__hash__()", |a| Ok(new_int(ops::identity(a.pos[0])))),
    m("W:__eq__(value, /)", |a| {
        Ok(if a.pos[0] == a.pos[1] {
            Value::TRUE
        } else {
            Value::NOT_IMPLEMENTED
        })
    }),
    m("W:__ne__(value, /)", |a| {
        let r = ops::compare(a.pos[0], a.pos[1], 2)?;
        Ok(Value::bool(!truthy(r)?))
    }),
    m("W:__setattr__(name, value, /)", |a| {
        ops::generic_setattr(a.pos[0], a.pos[1], a.pos[2])?;
        Ok(Value::NONE)
    }),
    m("W:__delattr__(name, /)", |a| {
        ops::generic_delattr(a.pos[0], a.pos[1])?;
        Ok(Value::NONE)
    }),
    m(
        "W:__getattribute__(name, /)",
        |a| match ops::generic_getattr(a.pos[0], a.pos[1])? {
            Some(v) => Ok(v),
            None => Err(ops::attr_missing(a.pos[0], a.pos[1])),
        },
    ),
    m("__format__(format_spec, /)", |a| {
        let spec = str_arg(a.pos[1], "format spec")?;
        if !spec.s.is_empty() {
            return Err(type_error(format!(
                "unsupported format string passed to {}.__format__",
                vm::type_name(a.pos[0])
            )));
        }
        ops::to_str(a.pos[0])
    }),
    // the default of the hook `abc` consults: "no opinion"
    cm("__subclasshook__(*args)", |_| Ok(Value::NOT_IMPLEMENTED)),
    // reached through `super().__init_subclass__(**kw)` with no receiver: no receiver check;
    // as CPython, the end of the chain takes no keywords
    free("__init_subclass__(*args)", |_| Ok(Value::NONE)),
    m("__dir__()", |a| match a.pos.first() {
        Some(&v) => dir_of(v),
        None => Err(type_error(
            "descriptor '__dir__' of 'object' object needs an argument",
        )),
    }),
    // CPython 3.11's default state: the instance `__dict__`, or None when there is none or
    // it is empty (pyguest does not add `__slots__` values here)
    m("__getstate__()", |a| {
        match ops::getattr_opt(a.pos[0], vm::intern("__dict__"))? {
            Some(d) if ops::len(d)? > 0 => Ok(d),
            _ => Ok(Value::NONE),
        }
    }),
    m("__reduce__()", |a| default_reduce(a.pos[0], 0)),
    m("__reduce_ex__(protocol, /)", |a| {
        let slf = a.pos[0];
        let proto = ops::index_of(a.pos[1])?;
        // a class's own `__reduce__` wins over object's protocol-specific default
        let object_reduce = ops::lookup_type(vm::cls(vm::C::object), "__reduce__");
        let own = ops::lookup_type(type_of(slf), "__reduce__");
        if own.is_some() && own != object_reduce {
            return ops::call_method(slf, "__reduce__", &[]);
        }
        default_reduce(slf, proto)
    }),
];

/// The `__reduce__` of built-in objects CPython pickles specially: a module-level built-in
/// function and the `Ellipsis`/`NotImplemented` singletons by name (pickle saves them as
/// globals), a bound built-in method as `(getattr, (self, name))`, `range` and `slice` as
/// `(cls, (start, stop, step))`. None for everything else.
fn builtin_reduce(slf: Value) -> PyResult<Option<Value>> {
    if slf == Value::ELLIPSIS {
        return Ok(Some(new_str("Ellipsis")));
    }
    if slf == Value::NOT_IMPLEMENTED {
        return Ok(Some(new_str("NotImplemented")));
    }
    let cls = Value::obj(type_of(slf));
    if let Some(b) = as_builtin(slf) {
        let short = b.name.rsplit('.').next().unwrap_or(b.name);
        if b.bound.is_null() || as_module(b.bound).is_some() {
            return Ok(Some(new_str(short)));
        }
        let getattr = vm::vm()
            .builtins
            .get()
            .get_str("getattr")
            .unwrap_or(Value::NONE);
        let name = new_str(short);
        let args = new_tuple(&[b.bound, name]);
        return Ok(Some(new_tuple(&[getattr, args])));
    }
    if let Some(r) = as_range(slf) {
        let args = new_tuple(&[new_int(r.start), new_int(r.stop), new_int(r.step)]);
        return Ok(Some(new_tuple(&[cls, args])));
    }
    if let Some(s) = as_slice(slf) {
        let args = new_tuple(&[s.start, s.stop, s.step]);
        return Ok(Some(new_tuple(&[cls, args])));
    }
    Ok(None)
}

/// `object.__reduce_ex__(proto)` for classes without their own `__reduce__`, as CPython:
/// protocols 0 and 1 go through `copyreg._reduce_ex`; 2 and up give `(copyreg.__newobj__,
/// (cls, *__getnewargs__()), state, listitems, dictitems)` (or `copyreg.__newobj_ex__` when
/// `__getnewargs_ex__` gives keywords), where state is `__getstate__()` (object's gives the
/// instance `__dict__`, None when empty); list and dict subclasses add their items. Needs the `copyreg` module (CPython's, through the stdlib fallback).
fn default_reduce(slf: Value, proto: i64) -> PyResult<Value> {
    if let Some(r) = builtin_reduce(slf)? {
        return Ok(r);
    }
    // through the `__import__` builtin: objects/ does not use the importer directly
    let import = vm::vm()
        .builtins
        .get()
        .get_str("__import__")
        .ok_or_else(|| vm::exc(vm::C::ImportError, "__import__ not found"))?;
    let copyreg = ops::call(import, &[new_str("copyreg")])?;
    if proto < 2 {
        let f = ops::getattr(copyreg, vm::intern("_reduce_ex"))?;
        return ops::call(f, &[slf, new_int(proto)]);
    }
    let cls = Value::obj(type_of(slf));
    let mut args = ArgVec::new();
    args.push(cls);
    let mut kwargs = Value::NONE;
    if let Some(f) = ops::getattr_opt(slf, vm::intern("__getnewargs_ex__"))? {
        let r = ops::call(f, &[])?;
        let pair = as_tuple(r)
            .filter(|t| t.len() == 2)
            .ok_or_else(|| type_error("__getnewargs_ex__ should return a tuple of length 2"))?;
        for &v in crate::objects::native::seq_items(pair.as_slice()[0])?.iter() {
            args.push(v);
        }
        if ops::len(pair.as_slice()[1])? > 0 {
            kwargs = pair.as_slice()[1];
        }
    } else if let Some(f) = ops::getattr_opt(slf, vm::intern("__getnewargs__"))? {
        let r = ops::call(f, &[])?;
        let t = as_tuple(r).ok_or_else(|| {
            type_error(format!(
                "__getnewargs__ should return a tuple, not '{}'",
                vm::type_name(r)
            ))
        })?;
        args.extend_from_slice(t.as_slice());
    }
    let state = ops::call_method(slf, "__getstate__", &[])?;
    let listitems = if vm::isinstance_c(slf, vm::C::list) {
        ops::get_iter(slf)?
    } else {
        Value::NONE
    };
    let dictitems = if vm::isinstance_c(slf, vm::C::dict) {
        let items = ops::call_method(slf, "items", &[])?;
        ops::get_iter(items)?
    } else {
        Value::NONE
    };
    if !kwargs.is_none() {
        let f = ops::getattr(copyreg, vm::intern("__newobj_ex__"))?;
        let rest = new_tuple(&args[1..]);
        let call_args = new_tuple(&[cls, rest, kwargs]);
        return Ok(new_tuple(&[f, call_args, state, listitems, dictitems]));
    }
    let f = ops::getattr(copyreg, vm::intern("__newobj__"))?;
    let call_args = new_tuple(&args[..]);
    Ok(new_tuple(&[f, call_args, state, listitems, dictitems]))
}

/// `object.__dir__`: the sorted attribute names of `v` (a module's dict, or the instance's
/// attributes and every class dict along the type's MRO). `dir(v)` calls `v`'s `__dir__`,
/// which is this unless a class overrides it, and sorts the result ([`dir_via_hook`]).
pub(crate) fn dir_of(v: Value) -> PyResult<Value> {
    let mut names: Vec<String> = Vec::new();
    let add_dict = |d: Gc<DictObj>, names: &mut Vec<String>| {
        for i in 0..d.entry_count() {
            let k = d.key_at(i);
            if let Some(s) = as_str(k) {
                names.push(s.s.to_string());
            }
        }
    };
    if let Some(m) = as_module(v) {
        // PEP 562: a module-level `__dir__` answers for the module
        if let Some(f) = m.dict.get_str("__dir__") {
            return ops::call(f, &[]);
        }
        add_dict(m.dict, &mut names);
    } else {
        if let Some(inst) = as_instance(v) {
            for s in ops::instance_attr_names(inst) {
                names.push(str_of(s)?);
            }
        }
        let c = as_class(v).unwrap_or_else(|| type_of(v));
        for &k in as_tuple(c.mro.get()).unwrap().as_slice() {
            add_dict(as_class(k).unwrap().dict, &mut names);
        }
    }
    Ok(sorted_names(names))
}

/// `dir(v)`: the result of `type(v).__dir__(v)` (an override, a metaclass's, or
/// [`dir_of`]) as a new list, sorted, as CPython's `dir` does.
pub(crate) fn dir_via_hook(v: Value) -> PyResult<Value> {
    let Some(hook) = ops::lookup_type(type_of(v), "__dir__") else {
        return dir_of(v);
    };
    let r = ops::call(hook, &[v])?;
    let mut items = crate::objects::native::seq_items(r)?;
    crate::objects::list::sort_values(&mut items, None, false)?;
    Ok(new_list_from(&items))
}

/// A list of the names, sorted, without duplicates.
pub(crate) fn sorted_names(mut names: Vec<String>) -> Value {
    names.sort();
    names.dedup();
    let vals: ArgVec = names.iter().map(|s| new_str(s)).collect();
    new_list_from(&vals)
}
