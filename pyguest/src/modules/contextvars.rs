//! `_contextvars`: context variables (PEP 567) for CPython's `contextvars.py` and
//! `_pydecimal`: `ContextVar` (`get`, `set`, `reset`), `Token` (`var`, `old_value`,
//! `Token.MISSING`), `Context` (a read-only mapping of variables to values with `run`, `copy`)
//! and `copy_context()`.
//!
//! A context is an instance of `Context` holding a dict (`_data`) from variables to values;
//! `set` writes into the dict of the current context, `copy_context` copies the dict, so a
//! copy does not see later changes and `Context.run` makes its context current for the call.
//! The stack of entered contexts is a list kept in the module (the collector sees it); the
//! outermost context is created on first use. pyguest runs one thread at a time (see
//! `thread.rs`), so there is one stack; a pseudo-thread shares its starter's context.
//! Variables hash by identity. Error types and messages are CPython 3.11's.

use super::native_class::{arg, native_class, opt_arg};
use super::*;
use crate::objects::ops::{instance_get, instance_set};
use metatracer::gc::Root;

struct State {
    var_cls: Root<ClassObj>,
    token_cls: Root<ClassObj>,
    ctx_cls: Root<ClassObj>,
    /// Entered contexts, innermost last (the first is the base context).
    stack: Root<ListObj>,
    missing: Root<ClassObj>,
}

thread_local! {
    static STATE: RefCell<Option<State>> = const { RefCell::new(None) };
}

fn with_state<T>(f: impl FnOnce(&State) -> T) -> PyResult<T> {
    if STATE.with(|s| s.borrow().is_none()) {
        crate::import::load_module("_contextvars")?;
    }
    STATE.with(|s| {
        s.borrow()
            .as_ref()
            .map(f)
            .ok_or_else(|| vm::exc(C::SystemError, "_contextvars did not initialise"))
    })
}

fn get(o: Value, name: &str) -> Value {
    as_instance(o)
        .and_then(|i| instance_get(i, vm::intern(name)))
        .unwrap_or(Value::NULL)
}

fn put(o: Value, name: &str, v: Value) {
    if let Some(i) = as_instance(o) {
        instance_set(i, vm::intern(name), v);
    }
}

fn is_a(v: Value, c: Gc<ClassObj>) -> bool {
    as_instance(v).is_some_and(|i| vm::is_subclass(i.cls.get(), c))
}

fn new_context(data: Gc<DictObj>) -> PyResult<Value> {
    let c = with_state(|s| s.ctx_cls.get())?;
    let inst = crate::objects::class::alloc_instance(c);
    instance_set(inst, vm::intern("_data"), Value::obj(data));
    instance_set(inst, vm::intern("_entered"), Value::FALSE);
    Ok(Value::obj(inst))
}

/// The current context (the base one is made on first use).
fn current() -> PyResult<Value> {
    let stack = with_state(|s| s.stack.get())?;
    if stack.is_empty() {
        let base = new_context(new_dict())?;
        put(base, "_entered", Value::TRUE);
        stack.push(base);
    }
    Ok(stack.get(stack.len() - 1))
}

fn data_of(ctx: Value) -> PyResult<Gc<DictObj>> {
    as_dict(get(ctx, "_data")).ok_or_else(|| type_error("a Context object is required"))
}

fn addr(v: Value) -> String {
    format!("{:#x}", ops::id_of(v))
}

fn var_new(a: Args) -> PyResult<Value> {
    let cls_v = arg(&a, 0, "cls", "ContextVar")?;
    let name = arg(&a, 1, "name", "ContextVar")?;
    if as_str(name).is_none() {
        return Err(type_error("context variable name must be a str"));
    }
    let c = as_class(cls_v).ok_or_else(|| type_error("ContextVar.__new__(X): X is not a type"))?;
    let inst = Value::obj(crate::objects::class::alloc_instance(c));
    put(inst, "name", name);
    if let Some(d) = crate::objects::native::kwarg(&a, "default") {
        put(inst, "_default", new_tuple(&[d]));
    }
    Ok(inst)
}

fn var_get(a: Args) -> PyResult<Value> {
    let var = arg(&a, 0, "self", "get")?;
    if let Some(v) = data_of(current()?)?.get(var)? {
        return Ok(v);
    }
    if let Some(d) = opt_arg(&a, 1, "default") {
        return Ok(d);
    }
    if let Some(t) = as_tuple(get(var, "_default")) {
        return Ok(t.as_slice()[0]);
    }
    Err(crate::interpreter::PyErr(vm::new_exception(
        vm::cls(C::LookupError),
        &[var],
    )))
}

fn var_set(a: Args) -> PyResult<Value> {
    let var = arg(&a, 0, "self", "set")?;
    let value = arg(&a, 1, "value", "set")?;
    let ctx = current()?;
    let data = data_of(ctx)?;
    let old = match data.get(var)? {
        Some(v) => v,
        None => Value::obj(with_state(|s| s.missing.get())?),
    };
    data.set_item(var, value)?;
    let tc = with_state(|s| s.token_cls.get())?;
    let tok = Value::obj(crate::objects::class::alloc_instance(tc));
    put(tok, "var", var);
    put(tok, "old_value", old);
    put(tok, "_ctx", ctx);
    put(tok, "_used", Value::FALSE);
    Ok(tok)
}

fn var_reset(a: Args) -> PyResult<Value> {
    let var = arg(&a, 0, "self", "reset")?;
    let tok = arg(&a, 1, "token", "reset")?;
    if !is_a(tok, with_state(|s| s.token_cls.get())?) {
        return Err(type_error(format!(
            "expected an instance of Token, got {}",
            ops::repr(tok)?
        )));
    }
    if get(tok, "_used") == Value::TRUE {
        return Err(vm::exc(
            C::RuntimeError,
            format!("{} has already been used once", ops::repr(tok)?),
        ));
    }
    if get(tok, "var") != var {
        return Err(value_error(format!(
            "{} was created by a different ContextVar",
            ops::repr(tok)?
        )));
    }
    let ctx = current()?;
    if get(tok, "_ctx") != ctx {
        return Err(value_error(format!(
            "{} was created in a different Context",
            ops::repr(tok)?
        )));
    }
    put(tok, "_used", Value::TRUE);
    let data = data_of(ctx)?;
    let old = get(tok, "old_value");
    if old == Value::obj(with_state(|s| s.missing.get())?) {
        if data.get(var)?.is_some() {
            data.remove(var)?;
        }
    } else {
        data.set_item(var, old)?;
    }
    Ok(Value::NONE)
}

fn var_repr(a: Args) -> PyResult<Value> {
    let var = arg(&a, 0, "self", "__repr__")?;
    let mut s = format!("<ContextVar name={}", ops::repr(get(var, "name"))?);
    if let Some(t) = as_tuple(get(var, "_default")) {
        s.push_str(&format!(" default={}", ops::repr(t.as_slice()[0])?));
    }
    Ok(new_string(format!("{s} at {}>", addr(var))))
}

fn token_repr(a: Args) -> PyResult<Value> {
    let tok = arg(&a, 0, "self", "__repr__")?;
    let used = if get(tok, "_used") == Value::TRUE {
        " used"
    } else {
        ""
    };
    Ok(new_string(format!(
        "<Token{used} var={} at {}>",
        ops::repr(get(tok, "var"))?,
        addr(tok)
    )))
}

fn ctx_run(a: Args) -> PyResult<Value> {
    let ctx = arg(&a, 0, "self", "run")?;
    let f = arg(&a, 1, "callable", "run")?;
    if get(ctx, "_entered") == Value::TRUE {
        return Err(vm::exc(
            C::RuntimeError,
            format!(
                "cannot enter context: <_contextvars.Context object at {}> is already entered",
                addr(ctx)
            ),
        ));
    }
    current()?;
    let stack = with_state(|s| s.stack.get())?;
    put(ctx, "_entered", Value::TRUE);
    stack.push(ctx);
    let r = crate::interpreter::call_object(
        f,
        Args {
            pos: &a.pos[2..],
            kwnames: a.kwnames,
            kwvals: a.kwvals,
        },
    );
    stack.remove_at(stack.len() - 1);
    put(ctx, "_entered", Value::FALSE);
    r
}

fn ctx_init(a: Args) -> PyResult<Value> {
    let ctx = arg(&a, 0, "self", "Context")?;
    if a.pos.len() > 1 || !a.kwnames.is_empty() {
        return Err(type_error("Context() does not accept any arguments"));
    }
    put(ctx, "_data", Value::obj(new_dict()));
    put(ctx, "_entered", Value::FALSE);
    Ok(Value::NONE)
}

fn ctx_getitem(a: Args) -> PyResult<Value> {
    let ctx = arg(&a, 0, "self", "__getitem__")?;
    let var = arg(&a, 1, "var", "__getitem__")?;
    check_var(var)?;
    data_of(ctx)?
        .get(var)?
        .ok_or_else(|| crate::interpreter::PyErr(vm::new_exception(vm::cls(C::KeyError), &[var])))
}

fn check_var(var: Value) -> PyResult<()> {
    if !is_a(var, with_state(|s| s.var_cls.get())?) {
        return Err(type_error(format!(
            "a ContextVar key was expected, got {}",
            ops::repr(var)?
        )));
    }
    Ok(())
}

fn ctx_method(a: Args, name: &str) -> PyResult<Value> {
    let ctx = arg(&a, 0, "self", name)?;
    let d = Value::obj(data_of(ctx)?);
    match name {
        "get" => {
            let var = arg(&a, 1, "key", "get")?;
            check_var(var)?;
            let dflt = opt_arg(&a, 2, "default").unwrap_or(Value::NONE);
            Ok(data_of(ctx)?.get(var)?.unwrap_or(dflt))
        }
        "__contains__" => {
            let var = arg(&a, 1, "key", name)?;
            check_var(var)?;
            Ok(Value::bool(data_of(ctx)?.get(var)?.is_some()))
        }
        "__len__" => Ok(new_int(ops::len(d)? as i64)),
        "__iter__" => ops::get_iter(d),
        "keys" | "values" | "items" => ops::call_method(d, name, &[]),
        "copy" => new_context(data_of(ctx)?.copy()),
        _ => Err(type_error("unknown Context method")),
    }
}

/// The `_contextvars` module.
pub fn make() -> Gc<ModuleObj> {
    let m = new_module("_contextvars", None);
    let var_cls = native_class(
        "_contextvars",
        "ContextVar",
        &[
            ("__new__", var_new),
            ("get", var_get),
            ("set", var_set),
            ("reset", var_reset),
            ("__repr__", var_repr),
            ("__class_getitem__", |a| {
                // `ContextVar[int]`: kept simple, the class itself
                arg(&a, 0, "cls", "__class_getitem__")
            }),
        ],
        &[],
    );
    // `__new__` and `__class_getitem__` are static/class-level: wrap as CPython does
    for (n, kind) in [
        ("__new__", crate::value::Kind::StaticMethod),
        ("__class_getitem__", crate::value::Kind::ClassMethod),
    ] {
        if let Some(f) = var_cls.dict.get_str(n) {
            var_cls
                .dict
                .set_str(n, Value::obj(metatracer::gc::alloc(WrapperObj { kind, f })));
        }
    }
    let missing = native_class("_contextvars", "Token.MISSING", &[], &[]);
    let token_cls = native_class(
        "_contextvars",
        "Token",
        &[("__repr__", token_repr)],
        &[("MISSING", Value::obj(missing))],
    );
    let ctx_cls = native_class(
        "_contextvars",
        "Context",
        &[
            ("__init__", ctx_init),
            ("run", ctx_run),
            ("__getitem__", ctx_getitem),
            ("get", |a| ctx_method(a, "get")),
            ("__contains__", |a| ctx_method(a, "__contains__")),
            ("__len__", |a| ctx_method(a, "__len__")),
            ("__iter__", |a| ctx_method(a, "__iter__")),
            ("keys", |a| ctx_method(a, "keys")),
            ("values", |a| ctx_method(a, "values")),
            ("items", |a| ctx_method(a, "items")),
            ("copy", |a| ctx_method(a, "copy")),
        ],
        &[],
    );
    let stack = new_list_cap(4);
    m.dict.set_str("_stack", Value::obj(stack));
    m.dict.set_str("ContextVar", Value::obj(var_cls));
    m.dict.set_str("Token", Value::obj(token_cls));
    m.dict.set_str("Context", Value::obj(ctx_cls));
    STATE.with(|s| {
        *s.borrow_mut() = Some(State {
            var_cls: Root::new(var_cls),
            token_cls: Root::new(token_cls),
            ctx_cls: Root::new(ctx_cls),
            stack: Root::new(stack),
            missing: Root::new(missing),
        })
    });
    def(m, "copy_context", |_| {
        new_context(data_of(current()?)?.copy())
    });
    m
}
