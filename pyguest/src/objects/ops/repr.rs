//! `repr` and `str`, the protocol: the immediates, the depth limit and the guard against
//! self-containing containers ([`repr_guard`], which prints `[...]`), dispatch by kind to the
//! types' repr slots, which live in the type modules (`str_repr` in `string.rs`,
//! `bytes_repr` in `bytes.rs`, `list_repr`, `tuple_repr`, `dict_repr`, `set_repr`,
//! `range_repr`, `slice_repr`, `function_repr`, `bound_repr`, `class_repr`, `module_repr`,
//! `iter_repr`, `big_repr` in `int.rs`; floats and complex numbers through `format.rs`),
//! `__repr__` of instances and metaclasses, and `str` through `__str__`.

use super::*;
use crate::objects::{
    bytes, class, dict, function, int, iter, list, method, module, range, set, slice, tuple,
};

// ---------------------------------------------------------------- repr / str

thread_local! {
    static REPR_DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// `repr(v)`, the built-in: the object `__repr__` returned when it is a `str` subclass
/// instance (CPython hands it back as is), else a new str.
pub fn repr_obj(v: Value) -> PyResult<Value> {
    if v.is_kind(Kind::Instance) {
        if let Some(m) = lookup_type(type_of(v), "__repr__") {
            let r = call(m, &[v])?;
            if repr_text(r).is_none() {
                return Err(non_string_repr(r));
            }
            return Ok(r);
        }
    }
    Ok(new_string(repr(v)?))
}

/// The text of what a `__repr__` returned: a str, or the payload of a `str` subclass
/// instance (None for anything else).
fn repr_text(r: Value) -> Option<Gc<StrObj>> {
    as_str(r).or_else(|| as_str(payload(r)).filter(|_| vm::isinstance_c(r, C::str)))
}

#[cold]
fn non_string_repr(r: Value) -> PyErr {
    type_error(format!(
        "__repr__ returned non-string (type {})",
        vm::type_name(r)
    ))
}

pub fn repr(v: Value) -> PyResult<String> {
    let mut s = String::new();
    repr_into(v, &mut s)?;
    Ok(s)
}

/// `open item, item, ... close` with each item's repr (tuples and sets; lists and dicts,
/// which can contain themselves, re-read their length as they go).
pub(crate) fn seq_repr(items: &[Value], open: &str, close: &str, out: &mut String) -> PyResult<()> {
    out.push_str(open);
    for (i, &x) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        repr_into(x, out)?;
    }
    out.push_str(close);
    Ok(())
}

pub fn repr_into(v: Value, out: &mut String) -> PyResult<()> {
    if let Some(i) = v.as_small() {
        out.push_str(itoa(i).as_str());
        return Ok(());
    }
    match v {
        Value::NONE => {
            out.push_str("None");
            return Ok(());
        }
        Value::TRUE => {
            out.push_str("True");
            return Ok(());
        }
        Value::FALSE => {
            out.push_str("False");
            return Ok(());
        }
        Value::NOT_IMPLEMENTED => {
            out.push_str("NotImplemented");
            return Ok(());
        }
        Value::ELLIPSIS => {
            out.push_str("Ellipsis");
            return Ok(());
        }
        _ => {}
    }
    let depth = REPR_DEPTH.with(|d| d.get());
    if depth > 200 {
        return Err(vm::exc(
            C::RecursionError,
            "maximum recursion depth exceeded while getting the repr of an object",
        ));
    }
    REPR_DEPTH.with(|d| d.set(depth + 1));
    let r = repr_inner(v, out);
    REPR_DEPTH.with(|d| d.set(depth));
    r
}

thread_local! {
    static REPR_STACK: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Runs `f` to print container `v` unless `v` is already being printed further up (a list
/// that contains itself), in which case `placeholder` is printed instead.
pub(crate) fn repr_guard(
    v: Value,
    out: &mut String,
    placeholder: &str,
    f: impl FnOnce(&mut String) -> PyResult<()>,
) -> PyResult<()> {
    let seen = REPR_STACK.with(|s| s.borrow().contains(&v.0));
    if seen {
        out.push_str(placeholder);
        return Ok(());
    }
    REPR_STACK.with(|s| s.borrow_mut().push(v.0));
    let r = f(out);
    REPR_STACK.with(|s| s.borrow_mut().pop());
    r
}

/// `repr` of a heap object: the type's repr slot by kind, or the `__repr__` of an instance's
/// class or a class's metaclass.
fn repr_inner(v: Value, out: &mut String) -> PyResult<()> {
    let Some(k) = v.kind() else {
        return Err(type_error("repr of a value with no type"));
    };
    match k {
        Kind::Str => out.push_str(&crate::objects::string::str_repr(&as_str(v).unwrap().s)),
        Kind::SurrStr => out.push_str(&crate::objects::surr::surr_repr(
            &crate::objects::surr::as_surr(v).unwrap(),
        )),
        Kind::Float => out.push_str(&crate::objects::format::float_repr(
            as_float_obj(v).unwrap().v,
        )),
        Kind::BigInt => int::big_repr(&as_bigint(v).unwrap(), out)?,
        Kind::Complex => {
            let c = as_complex(v).unwrap();
            out.push_str(&crate::objects::format::complex_repr(c.re, c.im))
        }
        Kind::List => list::list_repr(as_list_exact(v).unwrap(), out)?,
        Kind::Tuple => tuple::tuple_repr(&as_tuple_exact(v).unwrap(), out)?,
        Kind::Dict => dict::dict_repr(as_dict_exact(v).unwrap(), out)?,
        Kind::Set | Kind::FrozenSet => set::set_repr(as_set(v).unwrap(), out)?,
        Kind::Bytes | Kind::ByteArray => {
            bytes::bytes_obj_repr(&as_bytes(v).or_else(|| as_bytearray(v)).unwrap(), out)
        }
        Kind::Range => range::range_repr(&as_range(v).unwrap(), out),
        Kind::Slice => slice::slice_repr(&as_slice(v).unwrap(), out)?,
        Kind::Function => out.push_str(&function::function_repr(as_function(v).unwrap())?),
        Kind::Builtin => out.push_str(&function::builtin_repr(&as_builtin(v).unwrap())),
        Kind::BoundMethod => out.push_str(&method::bound_repr(&as_bound(v).unwrap())?),
        Kind::Class => {
            if let Some(m) = meta_dunder(v, "__repr__") {
                let r = call(m, &[v])?;
                let Some(rs) = as_str(r) else {
                    return Err(type_error(format!(
                        "__repr__ returned non-string (type {})",
                        vm::type_name(r)
                    )));
                };
                out.push_str(&rs.s);
                return Ok(());
            }
            out.push_str(&class::class_repr(as_class(v).unwrap())?)
        }
        Kind::Module => out.push_str(&module::module_repr(&as_module(v).unwrap())?),
        Kind::Generator => {
            let g = as_generator(v).unwrap();
            out.push_str(&crate::objects::coroutine::gen_repr(
                g,
                v.0,
                &str_of(g.name)?,
            ));
        }
        Kind::Instance => {
            let t = type_of(v);
            if let Some(m) = lookup_type(t, "__repr__") {
                let r = call(m, &[v])?;
                match repr_text(r) {
                    Some(s) => out.push_str(&s.s),
                    None => return Err(non_string_repr(r)),
                }
            } else {
                out.push_str(&default_repr(v)?);
            }
        }
        Kind::Iter => iter::iter_repr(v, as_iter(v).unwrap(), out)?,
        Kind::Super => out.push_str(&crate::objects::class::super_repr(as_super(v).unwrap())),
        Kind::Property | Kind::ClassMethod | Kind::StaticMethod | Kind::Frame | Kind::Cell => {
            out.push_str(&format!("<{} object at 0x{:x}>", vm::type_name(v), v.0));
        }
        Kind::Code => {
            // as CPython: `<code object f at 0x..., file "x.py", line 3>`
            let c = as_code(v).unwrap();
            out.push_str(&format!(
                "<code object {} at 0x{:x}, file \"{}\", line {}>",
                c.d.name, v.0, c.d.filename, c.d.firstline
            ));
        }
    }
    Ok(())
}

pub fn default_repr(v: Value) -> PyResult<String> {
    let t = type_of(v);
    let module = t.dict.get_str("__module__");
    let qual = t.dict.get_str("__qualname__").unwrap_or(t.name.get());
    Ok(match module {
        Some(m) if !crate::objects::str_eq(m, "builtins") => {
            format!("<{}.{} object at 0x{:x}>", str_of(m)?, str_of(qual)?, v.0)
        }
        _ => format!("<{} object at 0x{:x}>", str_of(qual)?, v.0),
    })
}

fn itoa(i: i64) -> String {
    i.to_string()
}

/// `str(v)` as a Rust string.
pub fn str_of(v: Value) -> PyResult<String> {
    if let Some(s) = as_str(v) {
        return Ok(s.s.to_string());
    }
    if let Some(i) = v.as_small() {
        return Ok(itoa(i));
    }
    if v.is_kind(Kind::SurrStr) {
        // no UTF-8 text for it: CPython's error where such text must be encoded
        return Err(crate::objects::surr::encode_error(v));
    }
    if let Some(inst) = as_instance(v) {
        let t = inst.cls.get();
        if let Some(m) = lookup_type(t, "__str__") {
            let bname = as_builtin(m).map(|b| b.name);
            if bname == Some("str.__str__") {
                if let Some(s) = as_str(payload(v)) {
                    return Ok(s.s.to_string());
                }
                if payload(v).is_kind(Kind::SurrStr) {
                    return Err(crate::objects::surr::encode_error(payload(v)));
                }
            }
            if bname != Some("object.__str__") {
                let r = call(m, &[v])?;
                return match as_str(r) {
                    Some(s) => Ok(s.s.to_string()),
                    None => Err(type_error(format!(
                        "__str__ returned non-string (type {})",
                        vm::type_name(r)
                    ))),
                };
            }
        }
        let p = payload(v);
        if p != v && lookup_type_user(t, "__repr__").is_none() {
            return str_of(p);
        }
    }
    repr(v)
}

/// `str(v)` as a value (no copy for strings).
pub fn to_str(v: Value) -> PyResult<Value> {
    if v.is_kind(Kind::Str) || v.is_kind(Kind::SurrStr) {
        return Ok(v);
    }
    Ok(new_string(str_of(v)?))
}

pub fn exc_message(e: Value) -> String {
    str_of(e).unwrap_or_default()
}
