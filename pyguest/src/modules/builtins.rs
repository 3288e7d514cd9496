//! The `builtins` module: the built-in functions (`print`, `len`, `sorted`, `isinstance`,
//! `getattr`, `dir`, `__build_class__`, ...) and [`install`], which fills the builtins dict
//! and has `objects::install_methods` fill the built-in classes from the types' method tables.
//!
//! # How to add a builtin function / method / module
//! * **Function**: write `fn my_fn(a: Args) -> PyResult<Value>` (positional values in `a.pos`,
//!   keywords via [`kwarg`]), then register it in [`install`] with its signature,
//!   `def(b, "name(x, y=None, /)", my_fn)` (syntax in `objects/sig.rs`): every call is
//!   checked against it first, so `my_fn` may index the required arguments directly.
//!   Raise errors with the helpers in `vm.rs` (`type_error`, ...).
//! * **Method of a built-in type**: same signature, `a.pos[0]` is `self`; add an entry
//!   `m("name(x, /)", my_fn)` (`cm` for a class method) to the type module's method table
//!   (for `list`, `METHODS` in `objects/list.rs`; tables are installed by
//!   `objects::install_methods`); use `payload(self)` / `as_list(self)` so subclasses of the
//!   built-in work too.
//! * **Module**: native modules are built in `modules/mod.rs` (`fn make_math() ->
//!   Gc<ModuleObj>` registered in `modules::builtin_module`); modules written in Python go to
//!   `pyguest/lib/NAME.py` and are listed in `modules::EMBEDDED`.
//!
//! Values collected into Rust vectors while guest code may run use `ArgVec` (inline storage on
//! the Rust stack, scanned conservatively) or GC lists.

use crate::compiler::bytecode::binop;
use crate::interpreter::{self, PyResult};
use crate::objects::class::bi_build_class;
use crate::objects::list::sort_values;
use crate::objects::native::{ascii_of, char_str, kwarg, nargs, opt, seq_items, str_arg};
use crate::objects::object::sorted_names;
use crate::objects::ops::{
    self, bi_abs, bi_round, call, getattr, index_of, str_of, truthy, ArgVec,
};
use crate::objects::sig::{Recv, Sig};
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::{self, intern, type_error, type_of, value_error, vm, C};
use metatracer::gc::Gc;
use num_bigint::BigInt;
use num_traits::{Signed, Zero};
// ---------------------------------------------------------------- registration

/// Registers built-in function `f` under its signature (`objects/sig.rs`: `"divmod(x, y, /)"`),
/// which every call is checked against before `f` runs.
fn def(d: Gc<DictObj>, sig: &'static str, f: NativeFn) {
    let s = Sig::leak(sig, Recv::None);
    d.set_str(s.name, new_builtin_sig(s.name, s, f));
}

/// Installs every builtin into the builtins dict and the built-in classes.
pub fn install() {
    let b = vm().builtins.get();
    def(
        b,
        "print(*args, sep=' ', end='\\n', file=None, flush=False)",
        bi_print,
    );
    def(b, "len(obj, /)", |a| {
        Ok(Value::small(ops::len(a.pos[0])? as i64))
    });
    def(b, "repr(obj, /)", |a| ops::repr_obj(a.pos[0]));
    def(b, "ascii(obj, /)", |a| {
        Ok(new_string(ascii_of(&ops::repr(a.pos[0])?)))
    });
    def(b, "isinstance(obj, class_or_tuple, /)", bi_isinstance);
    def(b, "issubclass(cls, class_or_tuple, /)", bi_issubclass);
    def(b, "abs(x, /)", bi_abs);
    def(b, "E:min(x, /, *args, key=None, default=None)", |a| {
        min_max(a, 0)
    });
    def(b, "E:max(x, /, *args, key=None, default=None)", |a| {
        min_max(a, 4)
    });
    def(b, "sum(iterable, /, start=0)", bi_sum);
    def(
        b,
        "E:sorted(iterable, /, *, key=None, reverse=False)",
        bi_sorted,
    );
    // (`reversed`, `enumerate`, `zip`, `map`, `filter` are classes: `objects/iter.rs`)
    def(b, "iter(object, sentinel=None, /)", bi_iter);
    def(b, "next(iterator, default=None, /)", bi_next);
    def(
        b,
        "aiter(async_iterable, /)",
        crate::interpreter::coroutines::bi_aiter,
    );
    def(
        b,
        "anext(aiterator, default=None, /)",
        crate::interpreter::coroutines::bi_anext,
    );
    def(b, "hash(obj, /)", |a| Ok(new_int(ops::hash(a.pos[0])?)));
    def(b, "id(obj, /)", |a| Ok(new_int(ops::id_of(a.pos[0]))));
    def(b, "ord(c, /)", bi_ord);
    def(b, "chr(i, /)", bi_chr);
    def(b, "hex(number, /)", |a| int_base_str(a.pos[0], 16));
    def(b, "oct(number, /)", |a| int_base_str(a.pos[0], 8));
    def(b, "bin(number, /)", |a| int_base_str(a.pos[0], 2));
    def(b, "round(number, ndigits=None)", bi_round);
    def(b, "divmod(x, y, /)", bi_divmod);
    def(b, "pow(base, exp, mod=None)", bi_pow);
    def(b, "any(iterable, /)", |a| {
        let it = ops::get_iter(a.pos[0])?;
        while let Some(x) = ops::next(it)? {
            if truthy(x)? {
                return Ok(Value::TRUE);
            }
        }
        Ok(Value::FALSE)
    });
    def(b, "all(iterable, /)", |a| {
        let it = ops::get_iter(a.pos[0])?;
        while let Some(x) = ops::next(it)? {
            if !truthy(x)? {
                return Ok(Value::FALSE);
            }
        }
        Ok(Value::TRUE)
    });
    def(b, "getattr(object, name, default=None, /)", bi_getattr);
    def(b, "setattr(obj, name, value, /)", |a| {
        ops::setattr(
            a.pos[0],
            str_arg(a.pos[1], "attribute name").map(Value::obj)?,
            a.pos[2],
        )?;
        Ok(Value::NONE)
    });
    def(b, "delattr(obj, name, /)", |a| {
        ops::delattr(a.pos[0], a.pos[1])?;
        Ok(Value::NONE)
    });
    def(b, "hasattr(obj, name, /)", |a| {
        let n = str_arg(a.pos[1], "attribute name")?;
        match ops::getattr_opt(a.pos[0], Value::obj(n)) {
            Ok(Some(_)) => Ok(Value::TRUE),
            Ok(None) => Ok(Value::FALSE),
            Err(e) if vm::exc_matches(&e, C::AttributeError) => Ok(Value::FALSE),
            Err(e) => Err(e),
        }
    });
    def(b, "callable(obj, /)", |a| {
        Ok(Value::bool(is_callable(a.pos[0])))
    });
    def(b, "vars(object=None, /)", bi_vars);
    def(b, "dir(object=None, /)", bi_dir);
    def(b, "globals()", |_| {
        Ok(Value::obj(interpreter::current_frame().unwrap().globals()))
    });
    def(b, "locals()", bi_locals);
    def(b, "format(value, format_spec='', /)", |a| {
        let spec = match a.pos.get(1) {
            Some(&s) => str_arg(s, "format spec")?.s.to_string(),
            None => String::new(),
        };
        crate::objects::format::format_value(a.pos[0], &spec)
    });
    def(
        b,
        "exec(source, globals=None, locals=None, /, *, closure=None)",
        |a| crate::import::exec_eval(a, false),
    );
    def(b, "eval(source, globals=None, locals=None, /)", |a| {
        crate::import::exec_eval(a, true)
    });
    def(b, "compile(source, filename, mode, flags=0, dont_inherit=False, optimize=-1, *, _feature_version=-1)", crate::import::bi_compile);
    def(
        b,
        "__import__(name, globals=None, locals=None, fromlist=(), level=0)",
        crate::import::bi_import,
    );
    def(
        b,
        "__build_class__(func, name, /, *bases, **kwds)",
        bi_build_class,
    );
    def(b, "input(prompt='', /)", |_| {
        let mut s = String::new();
        if std::io::stdin().read_line(&mut s).unwrap_or(0) == 0 {
            return Err(vm::exc(C::EOFError, "EOF when reading a line"));
        }
        Ok(new_string(s.trim_end_matches('\n').to_string()))
    });
    def(b, "memoryview(object)", |a| {
        // minimal: a read-only byte view is modelled by a bytes copy
        ops::bytes_like(a.pos[0])
            .map(|v| new_bytes(v, false))
            .ok_or_else(|| type_error("memoryview: a bytes-like object is required"))
    });
    def(b, "open(file, mode='r', buffering=-1, encoding=None, errors=None, newline=None, closefd=True, opener=None)", |a| {
        // file objects are Python code (pyguest/lib/_file.py) over the native `_os`
        let m = crate::import::load_module("_file")?;
        let f = ops::getattr(m, intern("open"))?;
        interpreter::call_object(f, a)
    });
    b.set_str("NotImplemented", Value::NOT_IMPLEMENTED);
    b.set_str("Ellipsis", Value::ELLIPSIS);
    b.set_str("None", Value::NONE);
    b.set_str("True", Value::TRUE);
    b.set_str("False", Value::FALSE);
    b.set_str("__debug__", Value::TRUE);

    crate::objects::install_methods();
}

fn is_callable(v: Value) -> bool {
    match v.kind() {
        Some(Kind::Function)
        | Some(Kind::Builtin)
        | Some(Kind::BoundMethod)
        | Some(Kind::Class) => true,
        Some(Kind::Instance) => ops::lookup_type_user(type_of(v), "__call__").is_some(),
        _ => false,
    }
}

// ---------------------------------------------------------------- print & friends

fn bi_print(a: Args) -> PyResult<Value> {
    let sep = match kwarg(&a, "sep") {
        Some(s) if !s.is_none() => str_arg(s, "sep")?.s.to_string(),
        _ => " ".to_string(),
    };
    let end = match kwarg(&a, "end") {
        Some(s) if !s.is_none() => str_arg(s, "end")?.s.to_string(),
        _ => "\n".to_string(),
    };
    let mut out = String::new();
    for (i, &v) in a.pos.iter().enumerate() {
        if i > 0 {
            out.push_str(&sep);
        }
        if let Some(s) = as_str(v) {
            out.push_str(&s.s);
        } else if crate::objects::surr::is_surr(v) {
            return print_surrogates(&a, out, i, &sep, &end);
        } else {
            out.push_str(&str_of(v)?);
        }
    }
    out.push_str(&end);
    match kwarg(&a, "file") {
        Some(f) if !f.is_none() => {
            ops::call_method(f, "write", &[new_string(out)])?;
        }
        _ => vm::write_stdout(&out)?,
    }
    if kwarg(&a, "flush").is_some_and(|f| f == Value::TRUE) {
        vm::flush_stdout();
    }
    Ok(Value::NONE)
}

/// `print` once argument `at` turned out to hold lone surrogates (`out` has the text before
/// it): to a `file=` the line goes as one `str` to its `write`; to standard output, as in
/// CPython (whose stdout encodes with `strict`), the text before it is written and the
/// argument's `UnicodeEncodeError` raised.
#[cold]
fn print_surrogates(a: &Args, out: String, at: usize, sep: &str, end: &str) -> PyResult<Value> {
    let file = kwarg(a, "file").filter(|f| !f.is_none());
    let Some(file) = file else {
        vm::write_stdout(&out)?;
        return Err(crate::objects::surr::encode_error(a.pos[at]));
    };
    let mut parts = ArgVec::new();
    parts.push(new_string(out));
    for (i, &v) in a.pos.iter().enumerate().skip(at) {
        if i > at {
            parts.push(new_str(sep));
        }
        parts.push(ops::to_str(v)?);
    }
    parts.push(new_str(end));
    let line = crate::objects::surr::concat(&parts)?;
    ops::call_method(file, "write", &[line])?;
    if kwarg(a, "flush").is_some_and(|f| f == Value::TRUE) {
        vm::flush_stdout();
    }
    Ok(Value::NONE)
}

fn class_or_tuple_check(v: Value, c: Value, sub: bool) -> PyResult<bool> {
    if let Some(t) = as_tuple_exact(c) {
        let _g = crate::interpreter::enter_native(if sub {
            " in __subclasscheck__"
        } else {
            " in __instancecheck__"
        })?;
        for &x in t.as_slice() {
            if class_or_tuple_check(v, x, sub)? {
                return Ok(true);
            }
        }
        return Ok(false);
    }
    // an object of exactly that class is an instance without asking the metaclass (CPython)
    if !sub && Value::obj(type_of(v)) == c {
        return Ok(true);
    }
    // a metaclass's (or, for objects that are no classes, e.g. typing aliases, their
    // class's) __instancecheck__/__subclasscheck__ decides
    if let Some(m) = ops::lookup_type_user(
        type_of(c),
        if sub {
            "__subclasscheck__"
        } else {
            "__instancecheck__"
        },
    ) {
        return truthy(call(m, &[c, v])?);
    }
    let Some(cc) = as_class(c) else {
        return Err(type_error(format!(
            "{}() arg 2 must be a type, a tuple of types, or a union",
            if sub { "issubclass" } else { "isinstance" }
        )));
    };
    if sub {
        let Some(vc) = as_class(v) else {
            return Err(type_error("issubclass() arg 1 must be a class"));
        };
        Ok(vm::is_subclass(vc, cc))
    } else {
        Ok(vm::is_subclass(type_of(v), cc))
    }
}

fn bi_isinstance(a: Args) -> PyResult<Value> {
    nargs(&a, 2, 2, "isinstance")?;
    Ok(Value::bool(class_or_tuple_check(
        a.pos[0], a.pos[1], false,
    )?))
}

fn bi_issubclass(a: Args) -> PyResult<Value> {
    nargs(&a, 2, 2, "issubclass")?;
    Ok(Value::bool(class_or_tuple_check(a.pos[0], a.pos[1], true)?))
}

fn min_max(a: Args, op: u32) -> PyResult<Value> {
    let name = if op == 0 { "min" } else { "max" };
    let key = kwarg(&a, "key").filter(|k| !k.is_none());
    let default = kwarg(&a, "default");
    let items: ArgVec = if a.pos.len() == 1 {
        seq_items(a.pos[0])?
    } else if a.pos.is_empty() {
        return Err(type_error(format!(
            "{name} expected at least 1 argument, got 0"
        )));
    } else {
        a.pos.iter().copied().collect()
    };
    if items.is_empty() {
        return match default {
            Some(d) => Ok(d),
            None => Err(value_error(format!("{name}() arg is an empty sequence"))),
        };
    }
    let mut best = items[0];
    let mut bestk = match key {
        Some(k) => call(k, &[best])?,
        None => best,
    };
    for &x in &items[1..] {
        let xk = match key {
            Some(k) => call(k, &[x])?,
            None => x,
        };
        if truthy(ops::compare(xk, bestk, op)?)? {
            best = x;
            bestk = xk;
        }
    }
    Ok(best)
}

fn bi_sum(a: Args) -> PyResult<Value> {
    let mut acc = a
        .pos
        .get(1)
        .copied()
        .or_else(|| kwarg(&a, "start"))
        .unwrap_or(Value::small(0));
    if as_str(acc).is_some() {
        return Err(type_error(
            "sum() can't sum strings [use ''.join(seq) instead]",
        ));
    }
    let it = ops::get_iter(a.pos[0])?;
    // float accumulation with compensated summation like CPython when all floats
    while let Some(x) = ops::next(it)? {
        acc = ops::binary_op(acc, x, binop::ADD)?;
    }
    Ok(acc)
}

/// Sorts `items` in place by `key`/`reverse` (stable merge sort; comparisons may call Python).
fn bi_sorted(a: Args) -> PyResult<Value> {
    let mut items = seq_items(a.pos[0])?;
    let key = kwarg(&a, "key").filter(|k| !k.is_none());
    let rev = match kwarg(&a, "reverse") {
        Some(r) => truthy(r)?,
        None => false,
    };
    sort_values(&mut items, key, rev)?;
    Ok(new_list_from(&items))
}

fn bi_iter(a: Args) -> PyResult<Value> {
    if a.pos.len() == 2 {
        return Ok(new_iter(IterKind::Callable, a.pos[0], a.pos[1], 0, 0, 1));
    }
    ops::get_iter(a.pos[0])
}

fn bi_next(a: Args) -> PyResult<Value> {
    let it = a.pos[0];
    if (!matches!(it.kind(), Some(Kind::Iter) | Some(Kind::Generator))
        && ops::lookup_type(type_of(it), "__next__").is_none())
        || crate::objects::coroutine::not_iterable_gen(it).is_some()
    {
        return Err(type_error(format!(
            "'{}' object is not an iterator",
            vm::type_name(it)
        )));
    }
    if let Some(g) = as_generator(it) {
        return match interpreter::gen_resume(g, Value::NONE, None)? {
            interpreter::GenResult::Yield(v) => Ok(v),
            interpreter::GenResult::Return(r) => match a.pos.get(1) {
                Some(&d) => Ok(d),
                None => Err(vm::stop_iteration(r)),
            },
        };
    }
    match ops::next(it)? {
        Some(v) => Ok(v),
        None => match a.pos.get(1) {
            Some(&d) => Ok(d),
            None => Err(vm::stop_iteration(Value::NONE)),
        },
    }
}

fn bi_ord(a: Args) -> PyResult<Value> {
    let v = a.pos[0];
    if let Some(s) = crate::objects::surr::as_surr(v) {
        if s.nchars == 1 {
            return Ok(Value::small(
                crate::objects::surr::code_points(&s).next().unwrap_or(0) as i64,
            ));
        }
        return Err(type_error(format!(
            "ord() expected a character, but string of length {} found",
            s.nchars
        )));
    }
    if let Some(s) = as_str(v) {
        let mut ch = s.s.chars();
        if let (Some(c), None) = (ch.next(), ch.next()) {
            return Ok(Value::small(c as i64));
        }
        return Err(type_error(format!(
            "ord() expected a character, but string of length {} found",
            s.nchars
        )));
    }
    if let Some(b) = ops::bytes_like(v) {
        if b.len() == 1 {
            return Ok(Value::small(b[0] as i64));
        }
    }
    Err(type_error(format!(
        "ord() expected string of length 1, but {} found",
        vm::type_name(v)
    )))
}

fn bi_chr(a: Args) -> PyResult<Value> {
    let i = index_of(a.pos[0]).map_err(|e| {
        if vm::exc_matches(&e, C::IndexError) {
            vm::overflow("Python int too large to convert to C int")
        } else {
            e
        }
    })?;
    if i32::try_from(i).is_err() {
        return Err(vm::overflow("Python int too large to convert to C int"));
    }
    if (0xD800..0xE000).contains(&i) {
        return crate::objects::surr::from_code_points(&[i as u32]);
    }
    match u32::try_from(i).ok().and_then(char::from_u32) {
        Some(c) => Ok(char_str(c)),
        None => Err(value_error("chr() arg not in range(0x110000)")),
    }
}

fn int_base_str(v: Value, base: u32) -> PyResult<Value> {
    let v = if as_instance(v).is_some() && ops::lookup_type(type_of(v), "__index__").is_some() {
        new_int(index_of(v)?)
    } else {
        v
    };
    let b = ops::big_of(v).ok_or_else(|| {
        type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            vm::type_name(v)
        ))
    })?;
    let prefix = match base {
        16 => "0x",
        8 => "0o",
        _ => "0b",
    };
    let s = if b.is_negative() {
        format!("-{}{}", prefix, (-b).to_str_radix(base))
    } else {
        format!("{}{}", prefix, b.to_str_radix(base))
    };
    Ok(new_string(s))
}

fn bi_divmod(a: Args) -> PyResult<Value> {
    let (x, y) = (a.pos[0], a.pos[1]);
    if as_instance(x).is_some() || as_instance(y).is_some() {
        // the binary-operator protocol: the left operand's `__divmod__`, then the right
        // operand's `__rdivmod__`, each answering `NotImplemented` to pass
        if let Some(m) = ops::lookup_type_user(type_of(x), "__divmod__") {
            let r = call(m, &[x, y])?;
            if r != Value::NOT_IMPLEMENTED {
                return Ok(r);
            }
        }
        if let Some(m) = ops::lookup_type_user(type_of(y), "__rdivmod__") {
            let r = call(m, &[y, x])?;
            if r != Value::NOT_IMPLEMENTED {
                return Ok(r);
            }
        }
    }
    // CPython names the float case after the function (both operands numbers, one a float).
    if (x.kind() == Some(Kind::Float) || y.kind() == Some(Kind::Float))
        && ops::float_of(y) == Some(0.0)
        && ops::float_of(x).is_some()
    {
        return Err(crate::vm::zero_div("float divmod()"));
    }
    if x.kind() == Some(Kind::Complex) || y.kind() == Some(Kind::Complex) {
        return Err(type_error(format!(
            "unsupported operand type(s) for divmod(): '{}' and '{}'",
            vm::type_name(x),
            vm::type_name(y)
        )));
    }
    let q = ops::binary_op(x, y, binop::FLOORDIV)?;
    let r = ops::binary_op(x, y, binop::MOD)?;
    Ok(new_tuple(&[q, r]))
}

fn bi_pow(a: Args) -> PyResult<Value> {
    if let Some(m) = opt(&a, 2) {
        // CPython tries the left operand's slot first: float refuses a modulus with a
        // TypeError (below), complex with "complex modulo".
        let (x, y) = (a.pos[0].kind(), a.pos[1].kind());
        if !m.is_none()
            && (x == Some(Kind::Complex) || (x != Some(Kind::Float) && y == Some(Kind::Complex)))
        {
            return Err(value_error("complex modulo"));
        }
        let (b, e, m) = (ops::big_of(a.pos[0]), ops::big_of(a.pos[1]), ops::big_of(m));
        let (Some(b), Some(e), Some(m)) = (b, e, m) else {
            return Err(type_error(
                "pow() 3rd argument not allowed unless all arguments are integers",
            ));
        };
        if m.is_zero() {
            return Err(value_error("pow() 3rd argument cannot be 0"));
        }
        if e.is_negative() {
            // modular inverse
            let inv = mod_inverse(&b, &m)
                .ok_or_else(|| value_error("base is not invertible for the given modulus"))?;
            let r = inv.modpow(&(-e), &m);
            return Ok(new_bigint(num_integer::Integer::mod_floor(&r, &m)));
        }
        let r = b.modpow(&e, &m);
        return Ok(new_bigint(num_integer::Integer::mod_floor(&r, &m)));
    }
    ops::binary_op(a.pos[0], a.pos[1], binop::POW)
}

fn mod_inverse(a: &BigInt, m: &BigInt) -> Option<BigInt> {
    let (mut t, mut newt) = (BigInt::zero(), BigInt::from(1));
    let (mut r, mut newr) = (m.abs(), num_integer::Integer::mod_floor(a, &m.abs()));
    while !newr.is_zero() {
        let q = &r / &newr;
        let tmp = &t - &q * &newt;
        t = std::mem::replace(&mut newt, tmp);
        let tmp = &r - &q * &newr;
        r = std::mem::replace(&mut newr, tmp);
    }
    if r > BigInt::from(1) {
        return None;
    }
    Some(num_integer::Integer::mod_floor(&t, &m.abs()))
}

fn bi_getattr(a: Args) -> PyResult<Value> {
    let n = str_arg(a.pos[1], "attribute name")?;
    match ops::getattr_opt(a.pos[0], Value::obj(n)) {
        Ok(Some(v)) => Ok(v),
        Ok(None) => match a.pos.get(2) {
            Some(&d) => Ok(d),
            None => Err(ops::attr_missing(a.pos[0], Value::obj(n))),
        },
        Err(e) if a.pos.len() > 2 && vm::exc_matches(&e, C::AttributeError) => Ok(a.pos[2]),
        Err(e) => Err(e),
    }
}

fn bi_vars(a: Args) -> PyResult<Value> {
    match a.pos.first() {
        None => bi_locals(a),
        Some(&v) => getattr(v, intern("__dict__")),
    }
}

/// `dir()`: the names of the current local scope; `dir(v)`: [`dir_of`].
fn bi_dir(a: Args) -> PyResult<Value> {
    match a.pos.first() {
        None => {
            let l = bi_locals(a)?;
            let d = as_dict(l).unwrap();
            let mut names: Vec<String> = Vec::new();
            for i in 0..d.entry_count() {
                let k = d.key_at(i);
                if !k.is_null() {
                    names.push(str_of(k)?);
                }
            }
            Ok(sorted_names(names))
        }
        Some(&v) => crate::objects::object::dir_via_hook(v),
    }
}

fn bi_locals(_a: Args) -> PyResult<Value> {
    crate::objects::frame::frame_locals(interpreter::current_frame().unwrap())
}
