//! Coroutine and async generator objects: their flavor, their methods (`send`, `throw`,
//! `close`, `__await__`; `__aiter__`, `__anext__`, `asend`, `athrow`, `aclose`), their
//! attributes (`cr_*`, `ag_*`, `gi_*`), and the methods of the awaitables
//! `coroutine_wrapper`, `async_generator_asend` and `async_generator_athrow`.
//!
//! A coroutine and an async generator are a `GeneratorObj` like a generator: the object kind
//! is `Kind::Generator` for all three, and the code's flags (`CO_COROUTINE`,
//! `CO_ASYNC_GENERATOR`) say which it is, so the resumption machinery is shared and only
//! `type_of`, `repr` and the iteration entry points (`iter`, `next`, which refuse
//! coroutines and async generators) look at the flavor. The awaitables are built-in iterator
//! objects (`IterKind::CoroWait`, `ASend`, `AThrow`); what they do is
//! `interpreter/coroutines.rs`.

use crate::interpreter::coroutines::{
    self as co, awaitable_close, awaitable_send, is_await_iter, new_asend, new_athrow,
    new_coro_wrapper, throw_arg,
};
use crate::interpreter::generators::delegate;
use crate::interpreter::GenResult;
use crate::objects::native::{m, Method};
use crate::objects::*;
use crate::value::Value;
use crate::vm::PyResult;
use crate::vm::{self, C};
use metatracer::gc::Gc;

/// Async generator flag: an `asend`/`athrow` awaitable is running it.
pub const AG_RUNNING: u8 = 1;
/// Async generator flag: closed (`aclose()`, or it ended with `StopAsyncIteration` or
/// `GeneratorExit`): `athrow`/`aclose` awaitables finish at once.
pub const AG_CLOSED: u8 = 2;
/// Async generator flag: the `firstiter` hook has run.
pub const AG_HOOKED: u8 = 4;

/// What a generator object is, by its code.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Flavor {
    Generator,
    Coroutine,
    AsyncGenerator,
}

impl Flavor {
    /// The word CPython's messages use for it (`"coroutine already executing"`).
    pub fn noun(self) -> &'static str {
        match self {
            Flavor::Generator => "generator",
            Flavor::Coroutine => "coroutine",
            Flavor::AsyncGenerator => "async generator",
        }
    }
    /// Its class.
    pub fn class(self) -> C {
        match self {
            Flavor::Generator => C::generator,
            Flavor::Coroutine => C::coroutine,
            Flavor::AsyncGenerator => C::async_generator,
        }
    }
}

/// The flavor of generator object `g`.
#[inline]
pub fn flavor(g: Gc<GeneratorObj>) -> Flavor {
    let f = g.frame.code.d.flags;
    if f & CO_COROUTINE != 0 {
        Flavor::Coroutine
    } else if f & CO_ASYNC_GENERATOR != 0 {
        Flavor::AsyncGenerator
    } else {
        Flavor::Generator
    }
}

fn gen_of(a: &Args) -> Gc<GeneratorObj> {
    as_generator(a.pos[0]).expect("receiver checked by the signature")
}

fn await_of(a: &Args) -> Gc<IterObj> {
    is_await_iter(a.pos[0]).expect("receiver checked by the signature")
}

/// A `send`-style result: a yielded value, or `StopIteration(result)`.
fn step(r: GenResult) -> PyResult<Value> {
    match r {
        GenResult::Yield(v) => Ok(v),
        GenResult::Return(r) => Err(vm::stop_iteration(r)),
    }
}

fn throw_of(a: &Args) -> PyResult<crate::vm::PyErr> {
    throw_arg(a.pos[1], a.pos.get(2).copied())
}

/// The methods of coroutines.
pub(crate) static COROUTINE_METHODS: &[Method] = &[
    m("send(value, /)", |a| {
        step(crate::interpreter::gen_resume(gen_of(&a), a.pos[1], None)?)
    }),
    m("throw(typ, val=None, tb=None, /)", |a| {
        let e = throw_of(&a)?;
        step(crate::interpreter::gen_resume(
            gen_of(&a),
            Value::NONE,
            Some(e),
        )?)
    }),
    m("close()", |a| {
        co::close(gen_of(&a))?;
        Ok(Value::NONE)
    }),
    m("W:__await__()", |a| Ok(new_coro_wrapper(a.pos[0]))),
];

/// The methods of async generators.
pub(crate) static ASYNC_GENERATOR_METHODS: &[Method] = &[
    m("W:__aiter__()", |a| Ok(a.pos[0])),
    m("W:__anext__()", |a| new_asend(gen_of(&a), Value::NONE)),
    m("asend(value, /)", |a| new_asend(gen_of(&a), a.pos[1])),
    m("athrow(typ, val=None, tb=None, /)", |a| {
        let e = throw_of(&a)?;
        new_athrow(gen_of(&a), e.0)
    }),
    m("aclose()", |a| new_athrow(gen_of(&a), Value::NULL)),
];

/// The methods of the awaitables `coroutine_wrapper`, `async_generator_asend`,
/// `async_generator_athrow` and `anext_awaitable`.
pub(crate) static AWAITABLE_METHODS: &[Method] = &[
    m("send(value, /)", |a| {
        step(awaitable_send(await_of(&a), a.pos[1], None)?)
    }),
    m("throw(typ, val=None, tb=None, /)", |a| {
        let e = throw_of(&a)?;
        step(awaitable_send(await_of(&a), Value::NONE, Some(e))?)
    }),
    m("close()", |a| {
        awaitable_close(await_of(&a))?;
        Ok(Value::NONE)
    }),
    m("W:__next__()", |a| {
        step(awaitable_send(await_of(&a), Value::NONE, None)?)
    }),
    m("W:__iter__()", |a| Ok(a.pos[0])),
];

/// `__await__` of the awaitables other than `coroutine_wrapper`: the awaitable itself.
pub(crate) static AWAIT_SELF: &[Method] = &[m("W:__await__()", |a| Ok(a.pos[0]))];

/// The attributes of generators, coroutines and async generators (`gi_*`, `cr_*`, `ag_*`
/// by flavor, and `__name__`/`__qualname__`); None when `name` is not one of them.
pub fn gen_attr(g: Gc<GeneratorObj>, name: &str) -> Option<Value> {
    let fl = flavor(g);
    let prefix = match fl {
        Flavor::Generator => "gi_",
        Flavor::Coroutine => "cr_",
        Flavor::AsyncGenerator => "ag_",
    };
    if name == "__name__" || name == "__qualname__" {
        return Some(g.name);
    }
    let field = name.strip_prefix(prefix)?;
    Some(match field {
        "running" => Value::bool(g.state.get() == GEN_RUNNING),
        "frame" => {
            if g.state.get() == GEN_DONE {
                Value::NONE
            } else {
                Value::obj(g.frame)
            }
        }
        "code" => Value::obj(g.frame.code),
        "suspended" if fl != Flavor::AsyncGenerator => Value::bool(g.state.get() == GEN_SUSPENDED),
        "yieldfrom" if fl == Flavor::Generator => delegate(g).unwrap_or(Value::NONE),
        "await" if fl != Flavor::Generator => delegate(g).unwrap_or(Value::NONE),
        "origin" if fl == Flavor::Coroutine => Value::NONE,
        _ => return None,
    })
}

/// `repr` of a generator object: `<coroutine object f at 0x...>`.
pub fn gen_repr(g: Gc<GeneratorObj>, addr: u64, name: &str) -> String {
    let noun = match flavor(g) {
        Flavor::Generator => "generator",
        Flavor::Coroutine => "coroutine",
        Flavor::AsyncGenerator => "async_generator",
    };
    format!("<{noun} object {name} at 0x{addr:x}>")
}

/// The class of an awaitable iterator object.
pub fn await_iter_class(sub: IterKind) -> C {
    match sub {
        IterKind::ASend => C::async_generator_asend,
        IterKind::AThrow => C::async_generator_athrow,
        IterKind::ANextDefault => C::anext_awaitable,
        _ => C::coroutine_wrapper,
    }
}

/// Whether `v` is a generator object `iter()`/`next()` may not step (a coroutine or an async
/// generator), with its type name for the error.
pub fn not_iterable_gen(v: Value) -> Option<String> {
    let g = as_generator(v)?;
    (flavor(g) != Flavor::Generator).then(|| vm::type_name(v))
}
