//! The methods of `object`, `type` and the exception classes (`BaseException`, `OSError`,
//! the Unicode errors): `__init__`, `__repr__`, `__setattr__`, `__getattribute__`, `mro`,
//! `__subclasses__`, `with_traceback`, `add_note`, ...

use crate::interpreter::PyResult;
use crate::objects::class::{all_classes, builtin_new, compute_flags, construct_plain, object_new};
use crate::objects::native::{meth, qualify, str_arg};
use crate::objects::ops::{self, int_of, str_of, truthy, ArgVec};
use crate::objects::sig::{Recv, Sig};
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::type_of;
use crate::vm::{self, cls, intern, type_error, vm, C};
use metatracer::gc::{self, Gc, GcCell};

// ---------------------------------------------------------------- object, type, exceptions, misc

fn exc_args(v: Value) -> ArgVec {
    ops::getattr(v, intern("args"))
        .ok()
        .and_then(as_tuple)
        .map(|t| t.as_slice().iter().copied().collect())
        .unwrap_or_default()
}

/// Every `__new__`: the receiver is the class to build (a subclass of the registering one);
/// the rest is checked by the constructor's own signature (`class::ctor_sig`).
const NEW_SIG: &str = "__new__(*args, **kwargs)";

pub(crate) fn install_type_methods() {
    for (i, _) in vm::CLASS_NAMES.iter().enumerate() {
        let c = vm().classes[i].get();
        let id = vm::class_id(i);
        c.dict.set_str(
            "__new__",
            Value::obj(gc::alloc(WrapperObj {
                kind: Kind::StaticMethod,
                f: new_builtin_sig(
                    qualify(id, "__new__"),
                    Sig::leak(NEW_SIG, Recv::Class(id)),
                    builtin_new,
                ),
            })),
        );
    }
    for (c, f) in [
        (C::object, object_new as NativeFn),
        (C::BaseException, object_new),
    ] {
        cls(c).dict.set_str(
            "__new__",
            Value::obj(gc::alloc(WrapperObj {
                kind: Kind::StaticMethod,
                f: new_builtin_sig(qualify(c, "__new__"), Sig::leak(NEW_SIG, Recv::Class(c)), f),
            })),
        );
    }
    use C::object as O;
    meth(O, "__init__(*args, **kwargs)", |_| Ok(Value::NONE));
    meth(O, "W:__repr__()", |a| {
        Ok(new_string(ops::default_repr(a.pos[0])?))
    });
    meth(O, "W:__str__()", |a| Ok(new_string(ops::repr(a.pos[0])?)));
    meth(O, "W:__hash__()", |a| Ok(new_int(ops::identity(a.pos[0]))));
    meth(O, "W:__eq__(value, /)", |a| {
        Ok(if a.pos[0] == a.pos[1] {
            Value::TRUE
        } else {
            Value::NOT_IMPLEMENTED
        })
    });
    meth(O, "W:__ne__(value, /)", |a| {
        let r = ops::compare(a.pos[0], a.pos[1], 2)?;
        Ok(Value::bool(!truthy(r)?))
    });
    meth(O, "W:__setattr__(name, value, /)", |a| {
        ops::generic_setattr(a.pos[0], a.pos[1], a.pos[2])?;
        Ok(Value::NONE)
    });
    meth(O, "W:__delattr__(name, /)", |a| {
        ops::generic_delattr(a.pos[0], a.pos[1])?;
        Ok(Value::NONE)
    });
    meth(
        O,
        "W:__getattribute__(name, /)",
        |a| match ops::generic_getattr(a.pos[0], a.pos[1])? {
            Some(v) => Ok(v),
            None => Err(ops::attr_missing(a.pos[0], a.pos[1])),
        },
    );
    meth(O, "__format__(format_spec, /)", |a| {
        let spec = str_arg(a.pos[1], "format spec")?;
        if !spec.s.is_empty() {
            return Err(type_error(format!(
                "unsupported format string passed to {}.__format__",
                vm::type_name(a.pos[0])
            )));
        }
        ops::to_str(a.pos[0])
    });
    // reached through `super().__init_subclass__(**kw)` with no receiver: no receiver check;
    // as CPython, the end of the chain takes no keywords
    let s = Sig::leak("__init_subclass__(*args)", Recv::None);
    cls(O).dict.set_str(
        s.name,
        new_builtin_sig(qualify(O, s.name), s, |_| Ok(Value::NONE)),
    );
    meth(O, "__dir__()", |a| match a.pos.first() {
        Some(&v) => dir_of(v),
        None => Err(type_error(
            "descriptor '__dir__' of 'object' object needs an argument",
        )),
    });
    meth(O, "__reduce__()", |_| Ok(Value::NONE));
    // type
    meth(C::type_, "mro()", |a| {
        let c = as_class(a.pos[0]).unwrap();
        Ok(new_list_from(as_tuple(c.mro.get()).unwrap().as_slice()))
    });
    meth(C::type_, "__subclasses__()", |a| {
        let c = a.pos[0];
        let out = new_list_cap(4);
        let all = all_classes();
        for i in 0..all.len() {
            let k = all.get(i);
            if let Some(kc) = as_class(k) {
                if as_tuple(kc.bases.get()).is_some_and(|b| b.as_slice().contains(&c)) {
                    out.push(k);
                }
            }
        }
        Ok(Value::obj(out))
    });
    meth(C::type_, "__call__(*args, **kwargs)", |a| {
        let c = as_class(a.pos[0]).ok_or_else(|| type_error("type.__call__ needs a class"))?;
        construct_plain(
            c,
            Args {
                pos: &a.pos[1..],
                kwnames: a.kwnames,
                kwvals: a.kwvals,
            },
        )
    });
    // exceptions
    use C::BaseException as E;
    meth(E, "__init__(*args, **kwargs)", |a| {
        if let Some(inst) = as_instance(a.pos[0]) {
            ops::instance_set(inst, intern("args"), new_tuple(&a.pos[1..]));
        }
        Ok(Value::NONE)
    });
    meth(E, "W:__str__()", |a| {
        let args = exc_args(a.pos[0]);
        Ok(match args.len() {
            0 => new_str(""),
            1 => {
                if vm::isinstance_c(a.pos[0], C::KeyError) {
                    new_string(ops::repr(args[0])?)
                } else {
                    ops::to_str(args[0])?
                }
            }
            _ => new_string(ops::repr(new_tuple(&args))?),
        })
    });
    meth(E, "W:__repr__()", |a| {
        let args = exc_args(a.pos[0]);
        let name = vm::type_name(a.pos[0]);
        Ok(new_string(if args.len() == 1 {
            format!("{}({})", name, ops::repr(args[0])?)
        } else {
            format!("{}{}", name, ops::repr(new_tuple(&args))?)
        }))
    });
    meth(E, "with_traceback(x, /)", |a| Ok(a.pos[0]));
    // OSError(errno, strerror[, filename[, winerror[, filename2]]]): the attributes and
    // CPython's "[Errno N] text: 'file'" form; other argument counts behave as Exception.
    for attr in ["errno", "strerror", "filename", "filename2"] {
        cls(C::OSError).dict.set_str(attr, Value::NONE);
    }
    meth(C::OSError, "__init__(*args, **kwargs)", |a| {
        if let Some(inst) = as_instance(a.pos[0]) {
            let args = &a.pos[1..];
            if (2..=5).contains(&args.len()) {
                ops::instance_set(inst, intern("errno"), args[0]);
                ops::instance_set(inst, intern("strerror"), args[1]);
                if let Some(&f) = args.get(2) {
                    ops::instance_set(inst, intern("filename"), f);
                    ops::instance_set(inst, intern("args"), new_tuple(&args[..2]));
                } else {
                    ops::instance_set(inst, intern("args"), new_tuple(args));
                }
                if let Some(&f2) = args.get(4) {
                    ops::instance_set(inst, intern("filename2"), f2);
                }
            } else {
                ops::instance_set(inst, intern("args"), new_tuple(args));
            }
        }
        Ok(Value::NONE)
    });
    meth(C::OSError, "W:__str__()", |a| {
        let v = a.pos[0];
        let get = |n: &str| ops::getattr(v, intern(n)).unwrap_or(Value::NONE);
        let (errno, strerror) = (get("errno"), get("strerror"));
        let args = exc_args(v);
        if !errno.is_none() && !strerror.is_none() && args.len() != 1 {
            let mut s = format!("[Errno {}] {}", str_of(errno)?, str_of(strerror)?);
            let f = get("filename");
            if !f.is_none() {
                s.push_str(&format!(": {}", ops::repr(f)?));
                let f2 = get("filename2");
                if !f2.is_none() {
                    s.push_str(&format!(" -> {}", ops::repr(f2)?));
                }
            }
            return Ok(new_string(s));
        }
        Ok(match args.len() {
            0 => new_str(""),
            1 => ops::to_str(args[0])?,
            _ => new_string(ops::repr(new_tuple(&args))?),
        })
    });
    // UnicodeEncodeError/UnicodeDecodeError(encoding, object, start, end, reason): attributes
    for c in [C::UnicodeEncodeError, C::UnicodeDecodeError] {
        meth(c, "__init__(*args, **kwargs)", |a| {
            if let Some(inst) = as_instance(a.pos[0]) {
                let args = &a.pos[1..];
                ops::instance_set(inst, intern("args"), new_tuple(args));
                if args.len() == 5 {
                    for (i, n) in ["encoding", "object", "start", "end", "reason"]
                        .iter()
                        .enumerate()
                    {
                        ops::instance_set(inst, intern(n), args[i]);
                    }
                }
            }
            Ok(Value::NONE)
        });
    }
    meth(C::UnicodeDecodeError, "W:__str__()", |a| {
        let args = exc_args(a.pos[0]);
        if args.len() < 5 {
            return Ok(new_string(
                args.first()
                    .map(|&x| str_of(x))
                    .transpose()?
                    .unwrap_or_default(),
            ));
        }
        let b = ops::bytes_like(args[1]).unwrap_or_default();
        let st = int_of(args[2]).unwrap_or(0) as usize;
        Ok(new_string(format!(
            "'{}' codec can't decode byte 0x{:02x} in position {}: {}",
            str_of(args[0])?,
            b.get(st).copied().unwrap_or(0),
            st,
            str_of(args[4])?
        )))
    });
    meth(C::UnicodeEncodeError, "W:__str__()", |a| {
        let args = exc_args(a.pos[0]);
        if args.len() < 5 {
            return Ok(new_string(
                args.first()
                    .map(|&x| str_of(x))
                    .transpose()?
                    .unwrap_or_default(),
            ));
        }
        let s = str_of(args[1])?;
        let st = int_of(args[2]).unwrap_or(0) as usize;
        let c = s.chars().nth(st).unwrap_or('?');
        let lim = if str_of(args[0])?.contains("ascii") {
            128
        } else {
            256
        };
        let cs = if (c as u32) < 0x100 {
            format!("\\x{:02x}", c as u32)
        } else {
            format!("\\u{:04x}", c as u32)
        };
        Ok(new_string(format!(
            "'{}' codec can't encode character '{}' in position {}: {}({})",
            str_of(args[0])?,
            cs,
            st,
            str_of(args[4])?,
            lim
        )))
    });
    meth(E, "add_note(x, /)", |a| {
        let inst = as_instance(a.pos[0]).unwrap();
        let key = intern("__notes__");
        let l = match ops::instance_get(inst, key) {
            Some(l) => l,
            None => {
                let l = Value::obj(new_list_cap(1));
                ops::instance_set(inst, key, l);
                l
            }
        };
        as_list(l).unwrap().push(a.pos[1]);
        Ok(Value::NONE)
    });
    cls(C::StopIteration).dict.set_str(
        "value",
        Value::obj(gc::alloc(PropertyObj {
            kind: Kind::Property,
            fget: new_builtin("StopIteration.value", |a| {
                Ok(exc_args(a.pos[0]).first().copied().unwrap_or(Value::NONE))
            }),
            fset: Value::NULL,
            fdel: Value::NULL,
            doc: GcCell::new(Value::NONE),
        })),
    );
    cls(C::SystemExit).dict.set_str(
        "code",
        Value::obj(gc::alloc(PropertyObj {
            kind: Kind::Property,
            fget: new_builtin("SystemExit.code", |a| {
                Ok(exc_args(a.pos[0]).first().copied().unwrap_or(Value::NONE))
            }),
            fset: Value::NULL,
            fdel: Value::NULL,
            doc: GcCell::new(Value::NONE),
        })),
    );
    compute_flags(cls(C::StopIteration));
    compute_flags(cls(C::SystemExit));
    for c in [C::StopIteration, C::SystemExit] {
        cls(c).flags.set(cls(c).flags.get() | CF_HAS_DESCRIPTORS);
    }
    // propagate descriptor flag to subclasses created later via compute_flags (mro walk)
}

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
