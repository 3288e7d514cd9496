//! `object`: the methods every class inherits (`__init__`, `__repr__`, `__eq__`, `__hash__`,
//! `__setattr__`, `__getattribute__`, `__format__`, `__dir__`, ...) and `dir()`. `object.__new__`
//! and the construction of instances are in `objects/class.rs`; attribute access in
//! `objects/ops/attr.rs`.

use crate::objects::native::{free, m, str_arg, Method};
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
    // reached through `super().__init_subclass__(**kw)` with no receiver: no receiver check;
    // as CPython, the end of the chain takes no keywords
    free("__init_subclass__(*args)", |_| Ok(Value::NONE)),
    m("__dir__()", |a| match a.pos.first() {
        Some(&v) => dir_of(v),
        None => Err(type_error(
            "descriptor '__dir__' of 'object' object needs an argument",
        )),
    }),
    m("__reduce__()", |_| Ok(Value::NONE)),
];

/// `dir(v)` / `object.__dir__`: the sorted attribute names of `v` (a module's dict, or the
/// instance's attributes and every class dict along the type's MRO).
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

/// A list of the names, sorted, without duplicates.
pub(crate) fn sorted_names(mut names: Vec<String>) -> Value {
    names.sort();
    names.dedup();
    let vals: ArgVec = names.iter().map(|s| new_str(s)).collect();
    new_list_from(&vals)
}
