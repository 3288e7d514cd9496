//! The methods of the smaller built-in types: generators (`send`, `throw`, `close`),
//! `property` (`getter`, `setter`, `deleter`, `__get__`, `__set__`), `range`, `slice`, dict
//! views, and the other helper types.

use crate::compiler::bytecode::binop;
use crate::interpreter::{self, PyErr, PyResult};
use crate::objects::iter::view_to_set;
use crate::objects::native::builtin_has_dunder;
use crate::objects::native::{meth, qualify};
use crate::objects::number::bi_abs;
use crate::objects::ops::{self, call, index_of, int_of, truthy};
use crate::objects::set::to_set;
use crate::objects::sig::{Recv, Sig};
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::{self, cls, value_error, C};
use metatracer::gc::{self};

pub(crate) fn install_misc_methods() {
    use C::generator as G;
    meth(G, "send(value, /)", |a| {
        let g = as_generator(a.pos[0]).unwrap();
        match interpreter::gen_resume(g, a.pos.get(1).copied().unwrap_or(Value::NONE), None)? {
            interpreter::GenResult::Yield(v) => Ok(v),
            interpreter::GenResult::Return(r) => Err(vm::stop_iteration(r)),
        }
    });
    meth(G, "throw(typ, val=None, tb=None, /)", |a| {
        let g = as_generator(a.pos[0]).unwrap();
        let e = interpreter::coroutines::throw_arg(a.pos[1], a.pos.get(2).copied())?;
        match interpreter::gen_resume(g, Value::NONE, Some(e))? {
            interpreter::GenResult::Yield(v) => Ok(v),
            interpreter::GenResult::Return(r) => Err(vm::stop_iteration(r)),
        }
    });
    meth(G, "close()", |a| {
        let g = as_generator(a.pos[0]).unwrap();
        if g.state.get() == GEN_CREATED || g.state.get() == GEN_DONE {
            g.state.set(GEN_DONE);
            return Ok(Value::NONE);
        }
        let e = vm::new_exception(cls(C::GeneratorExit), &[]);
        match interpreter::gen_resume(g, Value::NONE, Some(PyErr(e))) {
            Ok(interpreter::GenResult::Yield(_)) => {
                Err(vm::runtime_error("generator ignored GeneratorExit"))
            }
            Ok(interpreter::GenResult::Return(_)) => Ok(Value::NONE),
            Err(e)
                if vm::exc_matches(&e, C::GeneratorExit)
                    || vm::exc_matches(&e, C::StopIteration) =>
            {
                Ok(Value::NONE)
            }
            Err(e) => Err(e),
        }
    });
    for c in [C::generator, C::iterator] {
        meth(c, "W:__iter__()", |a| Ok(a.pos[0]));
        meth(c, "W:__next__()", |a| match ops::next(a.pos[0])? {
            Some(v) => Ok(v),
            None => Err(vm::stop_iteration(Value::NONE)),
        });
    }
    // property helpers
    fn prop_with(a: &Args, which: usize) -> PyResult<Value> {
        let p = as_property(a.pos[0]).unwrap();
        let mut f = [p.fget, p.fset, p.fdel];
        f[which] = a.pos[1];
        Ok(Value::obj(gc::alloc(PropertyObj {
            kind: Kind::Property,
            fget: f[0],
            fset: f[1],
            fdel: f[2],
            doc: GcCell::new(p.doc.get()),
        })))
    }
    meth(C::property, "getter(x, /)", |a| prop_with(&a, 0));
    meth(C::property, "setter(x, /)", |a| prop_with(&a, 1));
    meth(C::property, "deleter(x, /)", |a| prop_with(&a, 2));
    meth(C::property, "W:__get__(instance, owner=None, /)", |a| {
        let p = as_property(a.pos[0]).unwrap();
        if a.pos.get(1).is_none_or(|v| v.is_none()) {
            return Ok(a.pos[0]);
        }
        call(p.fget, &[a.pos[1]])
    });
    meth(C::property, "W:__set__(instance, value, /)", |a| {
        let p = as_property(a.pos[0]).unwrap();
        call(p.fset, &[a.pos[1], a.pos[2]])?;
        Ok(Value::NONE)
    });
    meth(C::range, "index(x, /)", |a| {
        let r = as_range(a.pos[0]).unwrap();
        if !ops::contains(a.pos[0], a.pos[1])? {
            return Err(value_error(format!(
                "{} is not in range",
                ops::repr(a.pos[1])?
            )));
        }
        Ok(new_int((int_of(a.pos[1]).unwrap() - r.start) / r.step))
    });
    meth(C::range, "count(x, /)", |a| {
        Ok(Value::small(ops::contains(a.pos[0], a.pos[1])? as i64))
    });
    meth(C::slice, "indices(x, /)", |a| {
        let s = as_slice(a.pos[0]).unwrap();
        let len = usize::try_from(index_of(a.pos[1])?)
            .map_err(|_| value_error("length should not be negative"))?;
        let (st, sp, step, _) = ops::slice_indices(s, len)?;
        Ok(new_tuple(&[new_int(st), new_int(sp), new_int(step)]))
    });
    meth(C::dict_keys, "isdisjoint(x, /)", |a| {
        let s = view_to_set(a.pos[0])?.unwrap();
        let o = to_set(a.pos[1])?;
        let s = as_set(s).unwrap();
        for i in 0..s.capacity() {
            let k = s.slot(i);
            if !k.is_null() && o.contains(k)? {
                return Ok(Value::FALSE);
            }
        }
        Ok(Value::TRUE)
    });
    // generic dunders on built-in types so `super().__getitem__` etc. work in subclasses
    let dunders: &[(&'static str, NativeFn)] = &[
        ("__getitem__(x, /)", |a| {
            ops::getitem(payload(a.pos[0]), a.pos[1])
        }),
        ("W:__setitem__(key, value, /)", |a| {
            ops::setitem(payload(a.pos[0]), a.pos[1], a.pos[2]).map(|_| Value::NONE)
        }),
        ("W:__delitem__(key, /)", |a| {
            ops::delitem(payload(a.pos[0]), a.pos[1]).map(|_| Value::NONE)
        }),
        ("W:__len__()", |a| {
            Ok(Value::small(ops::len(payload(a.pos[0]))? as i64))
        }),
        ("W:__contains__(key, /)", |a| {
            Ok(Value::bool(ops::contains(payload(a.pos[0]), a.pos[1])?))
        }),
        ("W:__iter__()", |a| ops::get_iter(payload(a.pos[0]))),
        ("W:__repr__()", |a| {
            Ok(new_string(ops::repr(payload(a.pos[0]))?))
        }),
        ("W:__eq__(value, /)", |a| {
            ops::compare(payload(a.pos[0]), payload(a.pos[1]), 2)
        }),
        ("W:__ne__(value, /)", |a| {
            ops::compare(payload(a.pos[0]), payload(a.pos[1]), 3)
        }),
        ("W:__lt__(value, /)", |a| {
            ops::compare(payload(a.pos[0]), payload(a.pos[1]), 0)
        }),
        ("W:__le__(value, /)", |a| {
            ops::compare(payload(a.pos[0]), payload(a.pos[1]), 1)
        }),
        ("W:__gt__(value, /)", |a| {
            ops::compare(payload(a.pos[0]), payload(a.pos[1]), 4)
        }),
        ("W:__ge__(value, /)", |a| {
            ops::compare(payload(a.pos[0]), payload(a.pos[1]), 5)
        }),
        ("W:__hash__()", |a| {
            Ok(new_int(ops::hash(payload(a.pos[0]))?))
        }),
        ("W:__add__(value, /)", |a| {
            ops::binary_op(payload(a.pos[0]), a.pos[1], binop::ADD)
        }),
        ("W:__sub__(value, /)", |a| {
            ops::binary_op(payload(a.pos[0]), a.pos[1], binop::SUB)
        }),
        ("W:__mul__(value, /)", |a| {
            ops::binary_op(payload(a.pos[0]), a.pos[1], binop::MUL)
        }),
        ("W:__truediv__(value, /)", |a| {
            ops::binary_op(payload(a.pos[0]), a.pos[1], binop::TRUEDIV)
        }),
        ("W:__floordiv__(value, /)", |a| {
            ops::binary_op(payload(a.pos[0]), a.pos[1], binop::FLOORDIV)
        }),
        ("W:__mod__(value, /)", |a| {
            ops::binary_op(payload(a.pos[0]), a.pos[1], binop::MOD)
        }),
        ("W:__pow__(value, /)", |a| {
            ops::binary_op(payload(a.pos[0]), a.pos[1], binop::POW)
        }),
        ("W:__and__(value, /)", |a| {
            ops::binary_op(payload(a.pos[0]), a.pos[1], binop::AND)
        }),
        ("W:__or__(value, /)", |a| {
            ops::binary_op(payload(a.pos[0]), a.pos[1], binop::OR)
        }),
        ("W:__xor__(value, /)", |a| {
            ops::binary_op(payload(a.pos[0]), a.pos[1], binop::XOR)
        }),
        ("W:__lshift__(value, /)", |a| {
            ops::binary_op(payload(a.pos[0]), a.pos[1], binop::LSHIFT)
        }),
        ("W:__rshift__(value, /)", |a| {
            ops::binary_op(payload(a.pos[0]), a.pos[1], binop::RSHIFT)
        }),
        ("W:__radd__(value, /)", |a| {
            ops::binary_op(a.pos[1], payload(a.pos[0]), binop::ADD)
        }),
        ("W:__rsub__(value, /)", |a| {
            ops::binary_op(a.pos[1], payload(a.pos[0]), binop::SUB)
        }),
        ("W:__rmul__(value, /)", |a| {
            ops::binary_op(a.pos[1], payload(a.pos[0]), binop::MUL)
        }),
        ("W:__neg__()", |a| ops::unary_neg(payload(a.pos[0]))),
        ("W:__abs__()", |a| {
            bi_abs(Args {
                pos: &[payload(a.pos[0])],
                kwnames: &[],
                kwvals: &[],
            })
        }),
        ("W:__bool__()", |a| {
            Ok(Value::bool(truthy(payload(a.pos[0]))?))
        }),
    ];
    for c in [
        C::int,
        C::float,
        C::str,
        C::list,
        C::tuple,
        C::dict,
        C::set,
        C::frozenset,
        C::bytes,
        C::bytearray,
        C::range,
        C::complex,
        C::bool_,
    ] {
        let d = cls(c).dict;
        let unhashable = matches!(c, C::list | C::dict | C::set | C::bytearray);
        if unhashable && d.get_str("__hash__").is_none() {
            // as CPython: `list.__hash__ is None` (abc/dataclasses test for it)
            d.set_str("__hash__", Value::NONE);
        }
        for &(text, f) in dunders {
            let sig = Sig::leak(text, Recv::Inst(c));
            let name = sig.name;
            if !builtin_has_dunder(c, name) {
                continue;
            }
            if d.get_str(name).is_none() {
                d.set_str(name, new_builtin_sig(qualify(c, name), sig, f));
            }
        }
    }
    // dict subclass support: __missing__ handled in ops::getitem
    let _ = (C::frame, Value::obj(cls(C::cell)));
}
