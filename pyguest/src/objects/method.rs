//! Bound methods: a callable and the receiver to pass as its first argument; their repr,
//! attributes (`__self__`, `__func__`, then the function's) and (empty) method table.

use crate::objects::Args;
use crate::value::{Kind, Value};
use crate::vm::{type_error, PyResult};
use metatracer::gc::{self, Gc};
use metatracer::Trace;

#[repr(C)]
#[derive(Trace)]
pub struct BoundMethodObj {
    pub kind: Kind,
    pub func: Value,
    pub slf: Value,
}

downcast!(as_bound, BoundMethodObj, BoundMethod);

pub fn new_bound(func: Value, slf: Value) -> Value {
    Value::obj(gc::alloc(BoundMethodObj {
        kind: Kind::BoundMethod,
        func,
        slf,
    }))
}

/// `types.MethodType(function, instance)`.
pub(crate) fn new_bound_from(rest: Args) -> PyResult<Value> {
    if rest.pos.len() != 2 {
        return Err(type_error(format!(
            "method expected 2 arguments, got {}",
            rest.pos.len()
        )));
    }
    if rest.pos[1].is_none() {
        return Err(type_error("instance must not be None"));
    }
    Ok(new_bound(rest.pos[0], rest.pos[1]))
}

/// `repr` of a bound method: `<bound method QUALNAME of RECEIVER>`, the function's
/// `__qualname__` (else `__name__`) and the receiver's repr.
pub(crate) fn bound_repr(b: &BoundMethodObj) -> crate::vm::PyResult<String> {
    use crate::objects::ops::{getattr, repr, str_of};
    use crate::vm::intern;
    let name =
        getattr(b.func, intern("__qualname__")).or_else(|_| getattr(b.func, intern("__name__")))?;
    Ok(format!(
        "<bound method {} of {}>",
        str_of(name)?,
        repr(b.slf)?
    ))
}

// ---------------------------------------------------------------- attributes

/// The attributes of a bound method: `__self__`, `__func__`, and any other the function has
/// (`__name__`, `__doc__`, ...).
pub(crate) fn bound_attr(
    b: Gc<BoundMethodObj>,
    n: &str,
    name: Value,
) -> crate::vm::PyResult<Option<Value>> {
    match n {
        "__self__" => Ok(Some(b.slf)),
        "__func__" => Ok(Some(b.func)),
        _ => crate::objects::ops::getattr_opt(b.func, name),
    }
}

/// The methods of `method` (bound methods): none are native; its attributes are computed from its layout
/// ([`bound_attr`]).
pub(crate) static METHODS: &[crate::objects::native::Method] = &[];
