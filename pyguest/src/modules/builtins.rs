//! Built-in functions, built-in types' methods, class construction and the iterator kinds.
//!
//! # How to add a builtin function / method / module
//! * **Function**: write `fn my_fn(a: Args) -> PyResult<Value>` (positional values in `a.pos`,
//!   keywords via [`kwarg`]), then register it in [`install`] with
//!   `def(b, "name", my_fn)`. Raise errors with the helpers in `vm.rs` (`type_error`, ...).
//! * **Method of a built-in type**: same signature, `a.pos[0]` is `self`; register it with
//!   `meth(C::list, "name", my_fn)` in [`install`] (use `payload(self)` / `as_list(self)` so
//!   subclasses of the built-in work too).
//! * **Module**: native modules are built in `modules.rs` (`fn make_math() -> Gc<ModuleObj>`
//!   registered in `modules::native_module`); modules written in Python go to
//!   `pyguest/lib/NAME.py` and are listed in `modules::EMBEDDED`.
//!
//! Values collected into Rust vectors while guest code may run use `ArgVec` (inline storage on
//! the Rust stack, scanned conservatively) or GC lists.

use crate::compiler::bytecode::binop;
use crate::interpreter::{self, PyErr, PyResult};
use crate::objects::ops::{self, call, getattr, index_of, int_of, str_of, truthy, ArgVec};
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::{self, cls, cls_v, intern, type_error, type_of, value_error, vm, C};
use metatracer::gc::{self, Gc, GcCell};
use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};
use std::cell::Cell;

// ---------------------------------------------------------------- argument helpers

pub fn kwarg(a: &Args, name: &str) -> Option<Value> {
    for (i, &k) in a.kwnames.iter().enumerate() {
        if str_eq(k, name) {
            return Some(a.kwvals[i]);
        }
    }
    None
}

fn nargs(a: &Args, min: usize, max: usize, fname: &str) -> PyResult<()> {
    let n = a.pos.len();
    if n < min || n > max {
        if min == max {
            return Err(type_error(format!(
                "{fname}() takes exactly {min} argument{} ({n} given)",
                if min == 1 { "" } else { "s" }
            )));
        }
        if n < min {
            return Err(type_error(format!(
                "{fname}() takes at least {min} argument{} ({n} given)",
                if min == 1 { "" } else { "s" }
            )));
        }
        return Err(type_error(format!(
            "{fname}() takes at most {max} argument{} ({n} given)",
            if max == 1 { "" } else { "s" }
        )));
    }
    Ok(())
}

fn opt(a: &Args, i: usize) -> Option<Value> {
    a.pos.get(i).copied().filter(|v| !v.is_none())
}

fn arg_or_kw(a: &Args, i: usize, name: &str) -> Option<Value> {
    a.pos.get(i).copied().or_else(|| kwarg(a, name))
}

fn self_str(a: &Args) -> PyResult<Gc<StrObj>> {
    a.pos
        .first()
        .and_then(|&v| as_str(payload(v)))
        .ok_or_else(|| type_error("descriptor requires a 'str' object"))
}

fn str_arg(v: Value, what: &str) -> PyResult<Gc<StrObj>> {
    as_str(payload(v))
        .ok_or_else(|| type_error(format!("{what} must be str, not {}", vm::type_name(v))))
}

pub fn char_str(c: char) -> Value {
    if c.is_ascii() {
        // single ASCII chars are interned: cheap repeated indexing
        let mut b = [0u8; 4];
        return vm::intern(c.encode_utf8(&mut b));
    }
    new_string(c.to_string())
}

/// Items of any iterable, collected.
pub fn seq_items(v: Value) -> PyResult<ArgVec> {
    if let Some(t) = as_tuple_exact(v) {
        return Ok(t.as_slice().iter().copied().collect());
    }
    if let Some(l) = as_list_exact(v) {
        return Ok(l.as_slice().iter().copied().collect());
    }
    let it = ops::get_iter(v)?;
    let mut out = ArgVec::new();
    while let Some(x) = ops::next(it)? {
        out.push(x);
    }
    Ok(out)
}

/// `list(v)` as a value.
pub fn list_of(v: Value) -> PyResult<Value> {
    let l = new_list_cap(0);
    ops::list_extend(l, v)?;
    Ok(Value::obj(l))
}

pub fn ascii_of(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let n = c as u32;
        if n < 128 {
            out.push(c);
        } else if n < 0x100 {
            out.push_str(&format!("\\x{n:02x}"));
        } else if n < 0x10000 {
            out.push_str(&format!("\\u{n:04x}"));
        } else {
            out.push_str(&format!("\\U{n:08x}"));
        }
    }
    out
}

pub fn parse_int_literal(s: &str) -> Option<Value> {
    let t: String = s.chars().filter(|&c| c != '_').collect();
    let (radix, digits) = if let Some(r) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        (16, r.to_string())
    } else if let Some(r) = t.strip_prefix("0o").or_else(|| t.strip_prefix("0O")) {
        (8, r.to_string())
    } else if let Some(r) = t.strip_prefix("0b").or_else(|| t.strip_prefix("0B")) {
        (2, r.to_string())
    } else {
        (10, t)
    };
    BigInt::parse_bytes(digits.as_bytes(), radix).map(new_bigint)
}

// ---------------------------------------------------------------- registration

fn def(d: Gc<DictObj>, name: &'static str, f: NativeFn) {
    d.set_str(name, new_builtin(name, f));
}

/// Whether CPython's built-in type `c` defines the generic dunder `name` (so `"__len__" in
/// int.__dict__` and `hasattr(float, "__and__")` answer as in CPython; ABC subclass hooks
/// and `typing` protocols probe them).
fn builtin_has_dunder(c: C, name: &str) -> bool {
    let number = matches!(c, C::int | C::float | C::complex | C::bool_);
    let container = !number;
    match name {
        "__getitem__" | "__len__" | "__contains__" | "__iter__" => container,
        "__setitem__" | "__delitem__" => matches!(c, C::list | C::dict | C::bytearray),
        "__repr__" | "__eq__" | "__ne__" | "__lt__" | "__le__" | "__gt__" | "__ge__" => true,
        "__hash__" => !matches!(c, C::list | C::dict | C::set | C::bytearray),
        "__add__" | "__mul__" | "__rmul__" => {
            number || matches!(c, C::str | C::list | C::tuple | C::bytes | C::bytearray)
        }
        "__mod__" => matches!(
            c,
            C::int | C::float | C::bool_ | C::str | C::bytes | C::bytearray
        ),
        "__sub__" | "__and__" | "__or__" | "__xor__" => {
            matches!(c, C::int | C::bool_ | C::set | C::frozenset)
                || (name == "__sub__" && matches!(c, C::float | C::complex))
                || (name == "__or__" && c == C::dict)
        }
        "__lshift__" | "__rshift__" => matches!(c, C::int | C::bool_),
        "__floordiv__" => matches!(c, C::int | C::float | C::bool_),
        "__truediv__" | "__pow__" | "__radd__" | "__rsub__" | "__neg__" | "__abs__"
        | "__bool__" => number,
        _ => true,
    }
}

thread_local! {
    /// Every class created by a `class` statement or `type(...)`, in creation order, for
    /// `type.__subclasses__` (which scans it for classes listing the receiver as a base).
    /// Strong references: such classes live as long as the program (CPython's are weak).
    static ALL_CLASSES: metatracer::gc::Root<ListObj> = metatracer::gc::Root::new(new_list_cap(64));
}

fn all_classes() -> Gc<ListObj> {
    ALL_CLASSES.with(|r| r.get())
}

fn meth(c: C, name: &'static str, f: NativeFn) {
    let qual: &'static str =
        Box::leak(format!("{}.{}", vm::CLASS_NAMES[c as usize], name).into_boxed_str());
    cls(c).dict.set_str(name, new_builtin(qual, f));
}

fn classmeth(c: C, name: &'static str, f: NativeFn) {
    let qual: &'static str =
        Box::leak(format!("{}.{}", vm::CLASS_NAMES[c as usize], name).into_boxed_str());
    let w = Value::obj(gc::alloc(WrapperObj {
        kind: Kind::ClassMethod,
        f: new_builtin(qual, f),
    }));
    cls(c).dict.set_str(name, w);
}

/// Installs every builtin into the builtins dict and the built-in classes.
pub fn install() {
    let b = vm().builtins.get();
    def(b, "print", bi_print);
    def(b, "len", |a| Ok(Value::small(ops::len(a.pos[0])? as i64)));
    def(b, "repr", |a| Ok(new_string(ops::repr(a.pos[0])?)));
    def(b, "ascii", |a| {
        Ok(new_string(ascii_of(&ops::repr(a.pos[0])?)))
    });
    def(b, "isinstance", bi_isinstance);
    def(b, "issubclass", bi_issubclass);
    def(b, "abs", bi_abs);
    def(b, "min", |a| min_max(a, 0));
    def(b, "max", |a| min_max(a, 4));
    def(b, "sum", bi_sum);
    def(b, "sorted", bi_sorted);
    def(b, "reversed", bi_reversed);
    def(b, "enumerate", bi_enumerate);
    def(b, "zip", bi_zip);
    def(b, "map", bi_map);
    def(b, "filter", bi_filter);
    def(b, "iter", bi_iter);
    def(b, "next", bi_next);
    def(b, "hash", |a| Ok(new_int(ops::hash(a.pos[0])?)));
    def(b, "id", |a| Ok(new_int(ops::id_of(a.pos[0]))));
    def(b, "ord", bi_ord);
    def(b, "chr", bi_chr);
    def(b, "hex", |a| int_base_str(a.pos[0], 16));
    def(b, "oct", |a| int_base_str(a.pos[0], 8));
    def(b, "bin", |a| int_base_str(a.pos[0], 2));
    def(b, "round", bi_round);
    def(b, "divmod", bi_divmod);
    def(b, "pow", bi_pow);
    def(b, "any", |a| {
        let it = ops::get_iter(a.pos[0])?;
        while let Some(x) = ops::next(it)? {
            if truthy(x)? {
                return Ok(Value::TRUE);
            }
        }
        Ok(Value::FALSE)
    });
    def(b, "all", |a| {
        let it = ops::get_iter(a.pos[0])?;
        while let Some(x) = ops::next(it)? {
            if !truthy(x)? {
                return Ok(Value::FALSE);
            }
        }
        Ok(Value::TRUE)
    });
    def(b, "getattr", bi_getattr);
    def(b, "setattr", |a| {
        ops::setattr(
            a.pos[0],
            str_arg(a.pos[1], "attribute name").map(Value::obj)?,
            a.pos[2],
        )?;
        Ok(Value::NONE)
    });
    def(b, "delattr", |a| {
        ops::delattr(a.pos[0], a.pos[1])?;
        Ok(Value::NONE)
    });
    def(b, "hasattr", |a| {
        let n = str_arg(a.pos[1], "attribute name")?;
        match ops::getattr_opt(a.pos[0], Value::obj(n)) {
            Ok(Some(_)) => Ok(Value::TRUE),
            Ok(None) => Ok(Value::FALSE),
            Err(e) if vm::exc_matches(&e, C::AttributeError) => Ok(Value::FALSE),
            Err(e) => Err(e),
        }
    });
    def(b, "callable", |a| Ok(Value::bool(is_callable(a.pos[0]))));
    def(b, "vars", bi_vars);
    def(b, "dir", bi_dir);
    def(b, "globals", |_| {
        Ok(Value::obj(interpreter::current_frame().unwrap().globals()))
    });
    def(b, "locals", bi_locals);
    def(b, "format", |a| {
        let spec = match a.pos.get(1) {
            Some(&s) => str_arg(s, "format spec")?.s.to_string(),
            None => String::new(),
        };
        crate::objects::format::format_value(a.pos[0], &spec)
    });
    def(b, "exec", |a| crate::import::exec_eval(a, false));
    def(b, "eval", |a| crate::import::exec_eval(a, true));
    def(b, "compile", crate::import::bi_compile);
    def(b, "__import__", crate::import::bi_import);
    def(b, "__build_class__", bi_build_class);
    def(b, "input", |_| {
        let mut s = String::new();
        if std::io::stdin().read_line(&mut s).unwrap_or(0) == 0 {
            return Err(vm::exc(C::EOFError, "EOF when reading a line"));
        }
        Ok(new_string(s.trim_end_matches('\n').to_string()))
    });
    def(b, "memoryview", |a| {
        // minimal: a read-only byte view is modelled by a bytes copy
        ops::bytes_like(a.pos[0])
            .map(|v| new_bytes(v, false))
            .ok_or_else(|| type_error("memoryview: a bytes-like object is required"))
    });
    def(b, "open", |a| {
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

    install_type_methods();
    install_str_methods();
    install_list_methods();
    install_dict_methods();
    install_set_methods();
    install_number_methods();
    install_bytes_methods();
    install_misc_methods();
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

fn class_or_tuple_check(v: Value, c: Value, sub: bool) -> PyResult<bool> {
    if let Some(t) = as_tuple_exact(c) {
        for &x in t.as_slice() {
            if class_or_tuple_check(v, x, sub)? {
                return Ok(true);
            }
        }
        return Ok(false);
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

fn bi_abs(a: Args) -> PyResult<Value> {
    let v = a.pos[0];
    if let Some(i) = int_of(v) {
        return Ok(new_int(i.abs()));
    }
    if let Some(f) = as_float_obj(v) {
        return Ok(new_float(f.v.abs()));
    }
    if let Some(b) = as_bigint(v) {
        return Ok(new_bigint(b.v.abs()));
    }
    if let Some(c) = as_complex(v) {
        return Ok(new_float(c.re.hypot(c.im)));
    }
    if let Some(m) = ops::lookup_type_user(type_of(v), "__abs__") {
        return call(m, &[v]);
    }
    Err(type_error(format!(
        "bad operand type for abs(): '{}'",
        vm::type_name(v)
    )))
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
pub fn sort_values(items: &mut ArgVec, key: Option<Value>, reverse: bool) -> PyResult<()> {
    let keys: ArgVec = match key {
        Some(k) => {
            let mut ks = ArgVec::with_capacity(items.len());
            for &x in items.iter() {
                ks.push(call(k, &[x])?);
            }
            ks
        }
        None => items.clone(),
    };
    let n = items.len();
    let mut idx: Vec<usize> = (0..n).collect();
    // merge sort on indices with fallible comparison
    let mut err: Option<PyErr> = None;
    let lt = |a: usize, b: usize, err: &mut Option<PyErr>| -> bool {
        if err.is_some() {
            return false;
        }
        let (x, y) = (keys[a], keys[b]);
        if x.is_int() && y.is_int() {
            return x.as_int_unchecked() < y.as_int_unchecked();
        }
        match ops::compare(x, y, 0).and_then(truthy) {
            Ok(r) => r,
            Err(e) => {
                *err = Some(e);
                false
            }
        }
    };
    merge_sort(&mut idx, &mut |a, b| {
        if reverse {
            lt(b, a, &mut err)
        } else {
            lt(a, b, &mut err)
        }
    });
    if let Some(e) = err {
        return Err(e);
    }
    let sorted: ArgVec = idx.iter().map(|&i| items[i]).collect();
    *items = sorted;
    Ok(())
}

fn merge_sort(v: &mut [usize], lt: &mut dyn FnMut(usize, usize) -> bool) {
    let n = v.len();
    if n < 2 {
        return;
    }
    // insertion sort for small runs, then bottom-up merge (stable)
    const RUN: usize = 16;
    let mut i = 0;
    while i < n {
        let end = (i + RUN).min(n);
        for j in i + 1..end {
            let x = v[j];
            let mut k = j;
            while k > i && lt(x, v[k - 1]) {
                v[k] = v[k - 1];
                k -= 1;
            }
            v[k] = x;
        }
        i = end;
    }
    let mut width = RUN;
    let mut buf = vec![0usize; n];
    while width < n {
        let mut lo = 0;
        while lo < n {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            let (mut a, mut b, mut k) = (lo, mid, lo);
            while a < mid && b < hi {
                if lt(v[b], v[a]) {
                    buf[k] = v[b];
                    b += 1;
                } else {
                    buf[k] = v[a];
                    a += 1;
                }
                k += 1;
            }
            while a < mid {
                buf[k] = v[a];
                a += 1;
                k += 1;
            }
            while b < hi {
                buf[k] = v[b];
                b += 1;
                k += 1;
            }
            lo = hi;
        }
        v.copy_from_slice(&buf);
        width *= 2;
    }
}

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

fn bi_reversed(a: Args) -> PyResult<Value> {
    let v = a.pos[0];
    let p = payload(v);
    match p.kind() {
        Some(Kind::List) | Some(Kind::Tuple) | Some(Kind::Str) if p == v => {
            let n = ops::len(p)? as i64;
            Ok(new_iter(IterKind::Reversed, p, Value::NULL, n - 1, 0, -1))
        }
        Some(Kind::Range) => {
            let r = as_range(p).unwrap();
            let n = ops::range_len(r);
            Ok(new_iter(
                IterKind::Range,
                Value::NULL,
                Value::NULL,
                r.start + (n - 1) * r.step,
                n,
                -r.step,
            ))
        }
        Some(Kind::Dict) => {
            let keys = as_dict(p).unwrap().keys_list();
            let n = ops::len(keys)? as i64;
            Ok(new_iter(
                IterKind::Reversed,
                keys,
                Value::NULL,
                n - 1,
                0,
                -1,
            ))
        }
        _ => {
            if let Some(m) = ops::lookup_type_user(type_of(v), "__reversed__") {
                return call(m, &[v]);
            }
            if ops::lookup_type(type_of(v), "__getitem__").is_some() {
                let n = ops::len(v)? as i64;
                return Ok(new_iter(IterKind::Reversed, v, Value::NULL, n - 1, 0, -1));
            }
            if p != v {
                let n = ops::len(p)? as i64;
                return Ok(new_iter(IterKind::Reversed, p, Value::NULL, n - 1, 0, -1));
            }
            Err(type_error(format!(
                "'{}' object is not reversible",
                vm::type_name(v)
            )))
        }
    }
}

fn bi_enumerate(a: Args) -> PyResult<Value> {
    let it = ops::get_iter(
        arg_or_kw(&a, 0, "iterable")
            .ok_or_else(|| type_error("enumerate() missing required argument 'iterable'"))?,
    )?;
    let start = match arg_or_kw(&a, 1, "start") {
        Some(s) => index_of(s)?,
        None => 0,
    };
    Ok(new_iter(IterKind::Enumerate, it, Value::NULL, start, 0, 1))
}

fn bi_zip(a: Args) -> PyResult<Value> {
    let mut its = ArgVec::new();
    for &x in a.pos {
        its.push(ops::get_iter(x)?);
    }
    let strict = kwarg(&a, "strict")
        .map(|v| v == Value::TRUE)
        .unwrap_or(false);
    Ok(new_iter(
        IterKind::Zip,
        new_tuple(&its),
        Value::NULL,
        0,
        strict as i64,
        1,
    ))
}

fn bi_map(a: Args) -> PyResult<Value> {
    if a.pos.len() < 2 {
        return Err(type_error("map() must have at least two arguments."));
    }
    let mut its = ArgVec::new();
    for &x in &a.pos[1..] {
        its.push(ops::get_iter(x)?);
    }
    Ok(new_iter(IterKind::Map, new_tuple(&its), a.pos[0], 0, 0, 1))
}

fn bi_filter(a: Args) -> PyResult<Value> {
    let it = ops::get_iter(a.pos[1])?;
    Ok(new_iter(IterKind::Filter, it, a.pos[0], 0, 0, 1))
}

fn bi_iter(a: Args) -> PyResult<Value> {
    if a.pos.len() == 2 {
        return Ok(new_iter(IterKind::Callable, a.pos[0], a.pos[1], 0, 0, 1));
    }
    ops::get_iter(a.pos[0])
}

fn bi_next(a: Args) -> PyResult<Value> {
    let it = a.pos[0];
    if !matches!(it.kind(), Some(Kind::Iter) | Some(Kind::Generator))
        && ops::lookup_type(type_of(it), "__next__").is_none()
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
    let i = index_of(a.pos[0])?;
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

fn bi_round(a: Args) -> PyResult<Value> {
    let v = a.pos[0];
    let nd = opt(&a, 1).or_else(|| kwarg(&a, "ndigits").filter(|x| !x.is_none()));
    if ops::is_int_like(v) && !v.is_kind(Kind::Instance) {
        return match nd {
            None => Ok(new_int(int_of(v).unwrap_or(0)).max_or(v)),
            Some(n) => {
                let n = index_of(n)?;
                if n >= 0 {
                    return Ok(v);
                }
                let b = ops::big_of(v).unwrap();
                let p = num_traits::pow(BigInt::from(10), (-n) as usize);
                let q = crate::objects::format::round_half_even_div(&b, &p);
                Ok(new_bigint(q * p))
            }
        };
    }
    if let Some(f) = as_float_obj(v) {
        return match nd {
            None => {
                let r = round_half_even(f.v);
                if !r.is_finite() {
                    return Err(if r.is_nan() {
                        value_error("cannot convert float NaN to integer")
                    } else {
                        vm::overflow("cannot convert float infinity to integer")
                    });
                }
                Ok(float_to_int(r))
            }
            Some(n) => Ok(new_float(crate::objects::format::round_float(
                f.v,
                index_of(n)? as i32,
            ))),
        };
    }
    if let Some(m) = ops::lookup_type_user(type_of(v), "__round__") {
        return match nd {
            Some(n) => call(m, &[v, n]),
            None => call(m, &[v]),
        };
    }
    Err(type_error(format!(
        "type {} doesn't define __round__ method",
        vm::type_name(v)
    )))
}

trait MaxOr {
    fn max_or(self, v: Value) -> Value;
}
impl MaxOr for Value {
    fn max_or(self, v: Value) -> Value {
        if v.is_kind(Kind::BigInt) {
            v
        } else {
            self
        }
    }
}

pub fn round_half_even(x: f64) -> f64 {
    let r = x.round();
    if (x - x.trunc()).abs() == 0.5 {
        2.0 * (x / 2.0).round()
    } else {
        r
    }
}

pub fn float_to_int(f: f64) -> Value {
    if f.abs() < 9.0e18 {
        new_int(f as i64)
    } else {
        new_bigint(num_traits::FromPrimitive::from_f64(f).unwrap_or_default())
    }
}

fn bi_divmod(a: Args) -> PyResult<Value> {
    let (x, y) = (a.pos[0], a.pos[1]);
    if as_instance(x).is_some() || as_instance(y).is_some() {
        if let Some(m) = ops::lookup_type_user(type_of(x), "__divmod__") {
            return call(m, &[x, y]);
        }
    }
    let q = ops::binary_op(x, y, binop::FLOORDIV)?;
    let r = ops::binary_op(x, y, binop::MOD)?;
    Ok(new_tuple(&[q, r]))
}

fn bi_pow(a: Args) -> PyResult<Value> {
    if let Some(m) = opt(&a, 2) {
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

fn bi_locals(_a: Args) -> PyResult<Value> {
    let f = interpreter::current_frame().unwrap();
    if !f.ns().is_null() && f.code.d.flags & CO_NAMESPACE != 0 {
        return Ok(f.ns());
    }
    let d = new_dict();
    let code = f.code;
    for (i, n) in code.d.varnames.iter().enumerate() {
        let v = f.regs.get(i);
        if !v.is_null() && !n.starts_with('.') {
            d.set_str(n, v);
        }
    }
    Ok(Value::obj(d))
}

fn bi_dir(a: Args) -> PyResult<Value> {
    let mut names: Vec<String> = Vec::new();
    match a.pos.first() {
        None => {
            let l = bi_locals(a)?;
            let d = as_dict(l).unwrap();
            for i in 0..d.entry_count() {
                let k = d.key_at(i);
                if !k.is_null() {
                    names.push(str_of(k)?);
                }
            }
        }
        Some(&v) => {
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
        }
    }
    names.sort();
    names.dedup();
    let vals: ArgVec = names.iter().map(|s| new_str(s)).collect();
    Ok(new_list_from(&vals))
}

// ---------------------------------------------------------------- classes

/// C3 linearization.
fn c3_mro(c: Value, bases: &[Value]) -> PyResult<ArgVec> {
    let mut seqs: Vec<Vec<Value>> = Vec::new();
    for &b in bases {
        let bc = as_class(b).ok_or_else(|| type_error("bases must be types"))?;
        seqs.push(as_tuple(bc.mro.get()).unwrap().as_slice().to_vec());
    }
    seqs.push(bases.to_vec());
    // `out` is returned to a caller that allocates (the mro tuple): pinned.
    let mut out = ArgVec::from_slice(&[c]);
    loop {
        seqs.retain(|s| !s.is_empty());
        if seqs.is_empty() {
            return Ok(out);
        }
        let mut found = None;
        for s in &seqs {
            let cand = s[0];
            if !seqs.iter().any(|t| t[1..].contains(&cand)) {
                found = Some(cand);
                break;
            }
        }
        let Some(cand) = found else {
            let names: Vec<String> = bases
                .iter()
                .map(|&b| vm::class_name(as_class(b).unwrap()))
                .collect();
            return Err(type_error(format!(
                "Cannot create a consistent method resolution order (MRO) for bases {}",
                names.join(", ")
            )));
        };
        out.push(cand);
        for s in seqs.iter_mut() {
            if s[0] == cand {
                s.remove(0);
            }
        }
    }
}

/// Recomputes a class's cached flags (after creation or a class attribute change).
fn compute_flags(c: Gc<ClassObj>) {
    let mut flags = c.flags.get() & (CF_BUILTIN | CF_EXCEPTION);
    let mro = as_tuple(c.mro.get()).unwrap();
    let mut all_slots = true;
    for &k in mro.as_slice() {
        let kc = as_class(k).unwrap();
        if kc.flags.get() & CF_BUILTIN != 0 {
            if Gc::ptr_eq(kc, cls(C::BaseException)) {
                flags |= CF_EXCEPTION;
            }
            continue;
        }
        let d = kc.dict;
        if d.get_str("__getattribute__").is_some() {
            flags |= CF_GETATTRIBUTE;
        }
        if d.get_str("__getattr__").is_some() {
            flags |= CF_GETATTR;
        }
        if d.get_str("__setattr__").is_some() {
            flags |= CF_SETATTR;
        }
        if d.get_str("__delattr__").is_some() {
            flags |= CF_DELATTR;
        }
        if d.get_str("__slots__").is_none() {
            all_slots = false;
        }
        for i in 0..d.entry_count() {
            let v = d.val_at(i);
            if d.key_at(i).is_null() {
                continue;
            }
            if v.is_kind(Kind::Property)
                || (v.is_kind(Kind::Instance)
                    && (ops::lookup_type(type_of(v), "__set__").is_some()
                        || ops::lookup_type(type_of(v), "__get__").is_some()))
            {
                flags |= CF_HAS_DESCRIPTORS;
            }
        }
    }
    if all_slots && mro.len() > 1 {
        flags |= CF_SLOTS;
    }
    c.flags.set(flags);
}

pub fn class_changed(c: Gc<ClassObj>, _name: Value) {
    if c.flags.get() & CF_BUILTIN == 0 {
        compute_flags(c);
    }
    c.version.set(c.version.get() + 1);
    vm().class_epoch.set(vm().class_epoch.get() + 1);
}

/// Creates a class object (the work of `type(name, bases, ns)`).
pub fn new_class(
    meta: Gc<ClassObj>,
    name: Value,
    bases: Value,
    ns: Gc<DictObj>,
) -> PyResult<Value> {
    let none: [Value; 0] = [];
    new_class_kw(meta, name, bases, ns, &none, &none)
}

/// `new_class` passing the class statement's keyword arguments (`kwnames[i]=kwvals[i]`)
/// on to the parent's `__init_subclass__`.
fn new_class_kw(
    meta: Gc<ClassObj>,
    name: Value,
    bases: Value,
    ns: Gc<DictObj>,
    kwnames: &[Value],
    kwvals: &[Value],
) -> PyResult<Value> {
    let mut bl: ArgVec = seq_items(bases)?;
    if bl.is_empty() {
        bl.push(cls_v(C::object));
    }
    for &b in &bl {
        let Some(bc) = as_class(b) else {
            return Err(type_error(format!(
                "bases must be types, not {}",
                vm::type_name(b)
            )));
        };
        if Gc::ptr_eq(bc, cls(C::bool_))
            || Gc::ptr_eq(bc, cls(C::function))
            || Gc::ptr_eq(bc, cls(C::generator))
        {
            return Err(type_error(format!(
                "type '{}' is not an acceptable base type",
                vm::class_name(bc)
            )));
        }
    }
    let dict = ns.copy();
    // implicit conversions
    if let Some(f) = dict.get_str("__new__") {
        if f.is_kind(Kind::Function) {
            dict.set_str(
                "__new__",
                Value::obj(gc::alloc(WrapperObj {
                    kind: Kind::StaticMethod,
                    f,
                })),
            );
        }
    }
    for n in ["__init_subclass__", "__class_getitem__"] {
        if let Some(f) = dict.get_str(n) {
            if f.is_kind(Kind::Function) {
                dict.set_str(
                    n,
                    Value::obj(gc::alloc(WrapperObj {
                        kind: Kind::ClassMethod,
                        f,
                    })),
                );
            }
        }
    }
    if dict.get_str("__eq__").is_some() && dict.get_str("__hash__").is_none() {
        dict.set_str("__hash__", Value::NONE);
    }
    if dict.get_str("__qualname__").is_none() {
        dict.set_str("__qualname__", name);
    }
    let c = gc::alloc(ClassObj {
        kind: Kind::Class,
        base_kind: Cell::new(0),
        flags: Cell::new(0),
        name: GcCell::new(name),
        bases: GcCell::new(new_tuple(&bl)),
        mro: GcCell::new(Value::NONE),
        dict,
        metaclass: GcCell::new(if Gc::ptr_eq(meta, cls(C::type_)) {
            Value::NULL
        } else {
            Value::obj(meta)
        }),
        version: Cell::new(0),
        init_cache: GcCell::new(Value::NULL),
        init_epoch: Cell::new(0),
        nslots_hint: Cell::new(0),
    });
    let mro = c3_mro(Value::obj(c), &bl)?;
    c.mro.set(new_tuple(&mro));
    for &m in &mro[1..] {
        let k = as_class(m).unwrap().base_kind.get();
        if k != 0 {
            c.base_kind.set(k);
            break;
        }
    }
    compute_flags(c);
    let cv = Value::obj(c);
    all_classes().push(cv);
    // __set_name__
    for i in 0..dict.entry_count() {
        let k = dict.key_at(i);
        if k.is_null() {
            continue;
        }
        let v = dict.val_at(i);
        if v.is_kind(Kind::Instance) {
            if let Some(m) = ops::lookup_type_user(type_of(v), "__set_name__") {
                call(m, &[v, cv, k])?;
            }
        }
    }
    // __init_subclass__ of the parent
    if let Some(&parent) = mro.get(1) {
        if let Some(m) = ops::lookup_type_user(as_class(parent).unwrap(), "__init_subclass__") {
            let f = as_classmethod(m).map(|w| w.f).unwrap_or(m);
            interpreter::call_object(
                f,
                Args {
                    pos: &[cv],
                    kwnames,
                    kwvals,
                },
            )?;
        }
    }
    Ok(cv)
}

fn bi_build_class(a: Args) -> PyResult<Value> {
    let func = as_function(a.pos[0])
        .ok_or_else(|| type_error("__build_class__: func must be a function"))?;
    let name = a.pos[1];
    let bases = new_tuple(&a.pos[2..]);
    let mut meta: Option<Value> = kwarg(&a, "metaclass");
    if meta.is_none() {
        for &b in &a.pos[2..] {
            let t = type_of(b);
            if !Gc::ptr_eq(t, cls(C::type_)) {
                meta = Some(Value::obj(t));
                break;
            }
        }
    }
    let mut ns = Value::obj(new_dict());
    // metaclass __prepare__: its result (a dict or a dict subclass, whose own
    // __getitem__/__setitem__ the class body then uses) is the class namespace
    if let Some(mc) = meta.and_then(as_class) {
        if let Some(p) = ops::lookup_type_user(mc, "__prepare__") {
            let f = as_classmethod(p).map_or(p, |w| new_bound(w.f, Value::obj(mc)));
            let mut pa = ArgVec::new();
            pa.push(name);
            pa.push(bases);
            let kw: Vec<usize> = (0..a.kwnames.len())
                .filter(|&i| !crate::objects::str_eq(a.kwnames[i], "metaclass"))
                .collect();
            let kwn: ArgVec = kw.iter().map(|&i| a.kwnames[i]).collect();
            let kwv: ArgVec = kw.iter().map(|&i| a.kwvals[i]).collect();
            let r = interpreter::call_object(
                f,
                Args {
                    pos: &pa,
                    kwnames: &kwn,
                    kwvals: &kwv,
                },
            )?;
            if as_dict(r).is_some() {
                ns = r;
            }
        }
    }
    let cell = interpreter::run_class_body(func, ns)?;
    let kw: Vec<usize> = (0..a.kwnames.len())
        .filter(|&i| !crate::objects::str_eq(a.kwnames[i], "metaclass"))
        .collect();
    let kwn: ArgVec = kw.iter().map(|&i| a.kwnames[i]).collect();
    let kwv: ArgVec = kw.iter().map(|&i| a.kwvals[i]).collect();
    let c = match meta {
        Some(m) if as_class(m).is_some_and(|mc| !Gc::ptr_eq(mc, cls(C::type_))) => {
            interpreter::call_object(
                m,
                Args {
                    pos: &[name, bases, ns],
                    kwnames: &kwn,
                    kwvals: &kwv,
                },
            )?
        }
        _ => new_class_kw(cls(C::type_), name, bases, as_dict(ns).unwrap(), &kwn, &kwv)?,
    };
    if let Some(cell) = as_cell(cell) {
        cell.v.set(c);
    }
    Ok(c)
}

pub fn alloc_instance(c: Gc<ClassObj>) -> Gc<InstanceObj> {
    // room for as many attributes as earlier instances ended up with (4 before the first)
    let n = match c.nslots_hint.get() {
        0 => 4,
        n => n as usize,
    };
    let slots = gc::alloc_array(n, Value::NULL);
    gc::alloc(InstanceObj {
        kind: Kind::Instance,
        map: Cell::new(0),
        cls: GcCell::new(c),
        slots: GcCell::new(slots),
        base: GcCell::new(Value::NULL),
        ident: Cell::new(0),
    })
}

/// The Python `__init__` that `C(...)` runs on a fresh plain instance, when `C` qualifies for
/// the interpreter's fast path (what [`fast_new`] checks), cached in the class until any class
/// attribute changes (`class_epoch`).
#[inline]
pub fn cached_init(c: Gc<ClassObj>) -> Option<Gc<FunctionObj>> {
    let epoch = vm().class_epoch.get() + 1;
    if c.init_epoch.get() != epoch {
        let init = fast_init(c);
        c.init_cache.set(init.map_or(Value::NONE, Value::obj));
        c.init_epoch.set(epoch);
    }
    as_function(c.init_cache.get())
}

/// The conditions of the `C(...)` fast path: a plain Python class with `object.__new__` and a
/// Python (non-generator) `__init__`.
fn fast_init(c: Gc<ClassObj>) -> Option<Gc<FunctionObj>> {
    if c.flags.get() & (CF_BUILTIN | CF_EXCEPTION) != 0
        || c.base_kind.get() != 0
        || !c.metaclass.get().is_null()
    {
        return None;
    }
    let new = ops::lookup_type(c, "__new__")?;
    if as_builtin(new).is_none_or(|b| b.name != "object.__new__") {
        return None;
    }
    let init = ops::lookup_type(c, "__init__").and_then(as_function)?;
    if init.code.d.flags & CO_GENERATOR != 0 {
        return None;
    }
    Some(init)
}

/// Fast instance creation for `C(...)` when `C` has no custom `__new__` and a Python
/// `__init__`: returns the fresh instance and the `__init__` function to run.
pub fn fast_new(c: Gc<ClassObj>, _args: Args) -> PyResult<Option<(Value, Gc<FunctionObj>)>> {
    Ok(cached_init(c).map(|init| (Value::obj(alloc_instance(c)), init)))
}

/// `C(*args, **kw)` for any class.
pub fn construct(c: Gc<ClassObj>, a: Args) -> PyResult<Value> {
    let cv = Value::obj(c);
    // metaclass __call__
    if let Some(meta) = as_class(c.metaclass.get()) {
        if let Some(m) = ops::lookup_type_user(meta, "__call__") {
            let mut v = ArgVec::new();
            v.push(cv);
            v.extend_from_slice(a.pos);
            return call_kw(m, &v, a);
        }
    }
    construct_plain(c, a)
}

/// `type.__call__(c, ...)`: `__new__` then `__init__`, without the metaclass's `__call__`.
fn construct_plain(c: Gc<ClassObj>, a: Args) -> PyResult<Value> {
    let cv = Value::obj(c);
    if Gc::ptr_eq(c, cls(C::type_)) && a.pos.len() == 1 && a.kwnames.is_empty() {
        return Ok(Value::obj(type_of(a.pos[0])));
    }
    let new = ops::lookup_type(c, "__new__").unwrap();
    let mut v = ArgVec::new();
    v.push(cv);
    v.extend_from_slice(a.pos);
    let newf = if let Some(w) = as_staticmethod(new) {
        w.f
    } else {
        new
    };
    let obj = call_kw(newf, &v, a)?;
    if !vm::is_subclass(type_of(obj), c) {
        return Ok(obj);
    }
    // exact built-in types are fully built by __new__
    if c.flags.get() & CF_BUILTIN != 0 && !vm::isinstance_c(obj, C::BaseException) {
        return Ok(obj);
    }
    if let Some(init) = ops::lookup_type(c, "__init__") {
        let is_obj_init = as_builtin(init).is_some_and(|b| b.name == "object.__init__");
        if is_obj_init {
            let new_is_obj = as_builtin(newf).is_some_and(|b| b.name == "object.__new__");
            if new_is_obj && (!a.pos.is_empty() || !a.kwnames.is_empty()) {
                return Err(type_error(format!(
                    "{}() takes no arguments",
                    vm::class_name(c)
                )));
            }
        } else {
            v[0] = obj;
            let r = call_kw(init, &v, a)?;
            if !r.is_none() {
                return Err(type_error(format!(
                    "__init__() should return None, not '{}'",
                    vm::type_name(r)
                )));
            }
        }
    }
    Ok(obj)
}

fn call_kw(f: Value, pos: &[Value], a: Args) -> PyResult<Value> {
    interpreter::call_object(
        f,
        Args {
            pos,
            kwnames: a.kwnames,
            kwvals: a.kwvals,
        },
    )
}

fn object_new(a: Args) -> PyResult<Value> {
    let c = as_class(a.pos[0])
        .ok_or_else(|| type_error("object.__new__(X): X is not a type object"))?;
    let inst = alloc_instance(c);
    let k = c.base_kind.get();
    if k != 0 {
        // subclass of a built-in: create the payload
        let base = builtin_payload(c, k, &a.pos[1..], a)?;
        inst.base.set(base);
    }
    if vm::is_subclass(c, cls(C::BaseException)) {
        ops::instance_set(inst, intern("args"), new_tuple(&a.pos[1..]));
    }
    Ok(Value::obj(inst))
}

fn builtin_payload(_c: Gc<ClassObj>, k: u8, args: &[Value], a: Args) -> PyResult<Value> {
    let kind: Kind = {
        // SAFETY: base_kind values are only ever set from valid `Kind`s in vm.rs.
        unsafe { std::mem::transmute::<u8, Kind>(k) }
    };
    let a2 = Args {
        pos: args,
        kwnames: a.kwnames,
        kwvals: a.kwvals,
    };
    Ok(match kind {
        Kind::List => Value::obj(new_list_cap(0)),
        Kind::Dict => Value::obj(new_dict()),
        Kind::Set => Value::obj(new_set(false)),
        Kind::FrozenSet => new_frozenset(a2)?,
        Kind::Tuple => new_tuple_from(a2)?,
        Kind::Str => new_str_from(a2)?,
        Kind::BigInt => new_int_from(a2)?,
        Kind::Float => new_float_from(a2)?,
        Kind::Bytes => new_bytes_from(a2, false)?,
        Kind::ByteArray => new_bytes_from(a2, true)?,
        _ => Value::NULL,
    })
}

fn new_frozenset(a: Args) -> PyResult<Value> {
    let s = new_set(true);
    if let Some(&it) = a.pos.first() {
        set_update(s, it)?;
    }
    Ok(Value::obj(s))
}

fn new_tuple_from(a: Args) -> PyResult<Value> {
    match a.pos.first() {
        None => Ok(new_tuple(&[])),
        Some(&v) if v.is_kind(Kind::Tuple) => Ok(v),
        Some(&v) => Ok(new_tuple(&seq_items(v)?)),
    }
}

fn new_str_from(a: Args) -> PyResult<Value> {
    match a.pos.first() {
        None => Ok(new_str("")),
        Some(&v) => {
            if let (Some(b), Some(_)) = (
                ops::bytes_like(v),
                a.pos.get(1).or(kwarg(&a, "encoding").as_ref()),
            ) {
                return Ok(new_string(String::from_utf8_lossy(&b).into_owned()));
            }
            ops::to_str(v)
        }
    }
}

/// `int(x, base)` parsing of a string.
pub fn parse_int(s: &str, base: u32) -> Option<Value> {
    let t = s.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (base, t) = if base == 0 || base == 16 || base == 8 || base == 2 {
        let lower = t.to_ascii_lowercase();
        if (base == 0 || base == 16) && lower.starts_with("0x") {
            (16, &t[2..])
        } else if (base == 0 || base == 8) && lower.starts_with("0o") {
            (8, &t[2..])
        } else if (base == 0 || base == 2) && lower.starts_with("0b") {
            (2, &t[2..])
        } else if base == 0 {
            if t.len() > 1 && t.starts_with('0') && t.chars().any(|c| c != '0' && c != '_') {
                return None;
            }
            (10, t)
        } else {
            (base, t)
        }
    } else {
        (base, t)
    };
    if t.is_empty() || t.starts_with('_') || t.ends_with('_') || t.contains("__") {
        return None;
    }
    let digits: String = t.chars().filter(|&c| c != '_').collect();
    if !digits.chars().all(|c| c.is_digit(base)) {
        return None;
    }
    let v = BigInt::parse_bytes(digits.as_bytes(), base)?;
    Some(new_bigint(if neg { -v } else { v }))
}

fn new_int_from(a: Args) -> PyResult<Value> {
    let Some(&v) = a.pos.first() else {
        return Ok(Value::small(0));
    };
    let base = arg_or_kw(&a, 1, "base");
    if let Some(b) = base {
        let b = index_of(b)?;
        if b != 0 && !(2..=36).contains(&b) {
            return Err(value_error("int() base must be >= 2 and <= 36, or 0"));
        }
        let s = str_arg(
            v,
            "int() can't convert non-string with explicit base; argument",
        )?;
        return parse_int(&s.s, b as u32).ok_or_else(|| {
            value_error(format!(
                "invalid literal for int() with base {}: {}",
                b,
                ops::str_repr(&s.s)
            ))
        });
    }
    if v.is_int() || v.is_kind(Kind::BigInt) {
        return Ok(v);
    }
    if let Some(i) = int_of(v) {
        return Ok(Value::small(i));
    }
    if let Some(f) = as_float_obj(v) {
        if f.v.is_nan() {
            return Err(value_error("cannot convert float NaN to integer"));
        }
        if f.v.is_infinite() {
            return Err(vm::overflow("cannot convert float infinity to integer"));
        }
        return Ok(float_to_int(f.v.trunc()));
    }
    if let Some(s) = as_str(v) {
        return parse_int(&s.s, 10).ok_or_else(|| {
            value_error(format!(
                "invalid literal for int() with base 10: {}",
                ops::str_repr(&s.s)
            ))
        });
    }
    if let Some(b) = ops::bytes_like(v) {
        let s = String::from_utf8_lossy(&b).into_owned();
        return parse_int(&s, 10).ok_or_else(|| {
            value_error(format!(
                "invalid literal for int() with base 10: {}",
                ops::bytes_repr(&b, "b")
            ))
        });
    }
    let t = type_of(v);
    for n in ["__int__", "__index__", "__trunc__"] {
        if let Some(m) = ops::lookup_type_user(t, n) {
            return call(m, &[v]);
        }
    }
    let p = payload(v);
    if p != v {
        return new_int_from(Args {
            pos: &[p],
            kwnames: &[],
            kwvals: &[],
        });
    }
    Err(type_error(format!(
        "int() argument must be a string, a bytes-like object or a real number, not '{}'",
        vm::type_name(v)
    )))
}

pub fn parse_float(s: &str) -> Option<f64> {
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    let body = lower.trim_start_matches(['+', '-']);
    let neg = lower.starts_with('-');
    let special = match body {
        "inf" | "infinity" => Some(f64::INFINITY),
        "nan" => Some(f64::NAN),
        _ => None,
    };
    if let Some(x) = special {
        return Some(if neg { -x } else { x });
    }
    if t.is_empty() || t.contains("__") || t.starts_with('_') || t.ends_with('_') {
        return None;
    }
    let clean: String = t.chars().filter(|&c| c != '_').collect();
    if !clean
        .chars()
        .all(|c| c.is_ascii_digit() || "+-.eE".contains(c))
    {
        return None;
    }
    clean.parse::<f64>().ok()
}

fn new_float_from(a: Args) -> PyResult<Value> {
    let Some(&v) = a.pos.first() else {
        return Ok(new_float(0.0));
    };
    if v.is_kind(Kind::Float) {
        return Ok(v);
    }
    if let Some(s) = as_str(v) {
        return parse_float(&s.s).map(new_float).ok_or_else(|| {
            value_error(format!(
                "could not convert string to float: {}",
                ops::str_repr(&s.s)
            ))
        });
    }
    if let Some(m) = ops::lookup_type_user(type_of(v), "__float__") {
        return call(m, &[v]);
    }
    if let Some(b) = as_bigint(v) {
        return b
            .v
            .to_f64()
            .filter(|f| f.is_finite())
            .map(new_float)
            .ok_or_else(|| vm::overflow("int too large to convert to float"));
    }
    match ops::float_of(v) {
        Some(f) => Ok(new_float(f)),
        None => {
            if let Some(m) = ops::lookup_type_user(type_of(v), "__index__") {
                let i = call(m, &[v])?;
                return new_float_from(Args {
                    pos: &[i],
                    kwnames: &[],
                    kwvals: &[],
                });
            }
            Err(type_error(format!(
                "float() argument must be a string or a real number, not '{}'",
                vm::type_name(v)
            )))
        }
    }
}

fn new_bytes_from(a: Args, mutable: bool) -> PyResult<Value> {
    let Some(&v) = a.pos.first() else {
        return Ok(new_bytes(Vec::new(), mutable));
    };
    if let Some(s) = as_str(v) {
        let _enc = a
            .pos
            .get(1)
            .copied()
            .or_else(|| kwarg(&a, "encoding"))
            .ok_or_else(|| type_error("string argument without an encoding"))?;
        return Ok(new_bytes(s.s.as_bytes().to_vec(), mutable));
    }
    if let Some(n) = v.as_small() {
        if n < 0 {
            return Err(value_error("negative count"));
        }
        return Ok(new_bytes(vec![0; n as usize], mutable));
    }
    if let Some(b) = ops::bytes_like(v) {
        return Ok(new_bytes(b, mutable));
    }
    let mut out = Vec::new();
    for x in seq_items(v)? {
        let i = index_of(x)?;
        if !(0..256).contains(&i) {
            return Err(value_error("bytes must be in range(0, 256)"));
        }
        out.push(i as u8);
    }
    Ok(new_bytes(out, mutable))
}

fn builtin_new(a: Args) -> PyResult<Value> {
    let c = as_class(a.pos[0]).unwrap();
    // find the built-in class this constructor belongs to
    let mut id = None;
    for &m in as_tuple(c.mro.get()).unwrap().as_slice() {
        let mc = as_class(m).unwrap();
        if mc.flags.get() & CF_BUILTIN != 0 {
            for (i, _) in vm::CLASS_NAMES.iter().enumerate() {
                if Gc::ptr_eq(vm().classes[i].get(), mc) {
                    id = Some(i);
                    break;
                }
            }
            break;
        }
    }
    let rest = Args {
        pos: &a.pos[1..],
        kwnames: a.kwnames,
        kwvals: a.kwvals,
    };
    let exact = c.flags.get() & CF_BUILTIN != 0;
    let name = vm::CLASS_NAMES[id.unwrap_or(0)];
    if !exact {
        // `type.__new__(M, name, bases, ns)` for a Python metaclass M builds a real class
        if name == "type" && rest.pos.len() == 3 {
            let ns = as_dict(rest.pos[2])
                .ok_or_else(|| type_error("type.__new__() argument 3 must be dict"))?;
            return new_class_kw(c, rest.pos[0], rest.pos[1], ns, rest.kwnames, rest.kwvals);
        }
        return object_new(a);
    }
    match name {
        "int" => new_int_from(rest),
        "bool" => Ok(Value::bool(match rest.pos.first() {
            Some(&v) => truthy(v)?,
            None => false,
        })),
        "float" => new_float_from(rest),
        "complex" => {
            let mut re = rest.pos.first().copied().unwrap_or(Value::small(0));
            // objects that are not numbers themselves convert through __complex__/__float__
            if as_str(re).is_none() && as_complex(re).is_none() && ops::float_of(re).is_none() {
                for m in ["__complex__", "__float__", "__index__"] {
                    if let Some(f) = ops::lookup_type_user(type_of(re), m) {
                        re = ops::call(f, &[re])?;
                        break;
                    }
                }
            }
            let im = rest.pos.get(1).copied().unwrap_or(Value::small(0));
            if let Some(s) = as_str(re) {
                return parse_complex(&s.s)
                    .map(|(r, i)| new_complex(r, i))
                    .ok_or_else(|| value_error("complex() arg is a malformed string"));
            }
            let (r1, i1) = match as_complex(re) {
                Some(c) => (c.re, c.im),
                None => (
                    ops::float_of(re).ok_or_else(|| {
                        type_error("complex() first argument must be a string or a number")
                    })?,
                    0.0,
                ),
            };
            let (r2, i2) = match as_complex(im) {
                Some(c) => (c.re, c.im),
                None => (
                    ops::float_of(im)
                        .ok_or_else(|| type_error("complex() second argument must be a number"))?,
                    0.0,
                ),
            };
            Ok(new_complex(r1 - i2, i1 + r2))
        }
        "str" => new_str_from(rest),
        "bytes" => new_bytes_from(rest, false),
        "bytearray" => new_bytes_from(rest, true),
        "list" => match rest.pos.first() {
            Some(&v) => list_of(v),
            None => Ok(Value::obj(new_list_cap(0))),
        },
        "tuple" => new_tuple_from(rest),
        "dict" => {
            let d = new_dict();
            if let Some(&v) = rest.pos.first() {
                dict_update(d, v)?;
            }
            for (i, &k) in rest.kwnames.iter().enumerate() {
                d.set_item(k, rest.kwvals[i])?;
            }
            Ok(Value::obj(d))
        }
        "set" => {
            let s = new_set(false);
            if let Some(&v) = rest.pos.first() {
                set_update(s, v)?;
            }
            Ok(Value::obj(s))
        }
        "frozenset" => new_frozenset(rest),
        "range" => {
            let p: ArgVec = rest.pos.iter().copied().collect();
            let ints: Result<Vec<i64>, PyErr> = p.iter().map(|&x| index_of(x)).collect();
            let ints = ints?;
            let (start, stop, step) = match ints.len() {
                1 => (0, ints[0], 1),
                2 => (ints[0], ints[1], 1),
                3 => (ints[0], ints[1], ints[2]),
                n => {
                    return Err(type_error(format!(
                        "range expected at most 3 arguments, got {n}"
                    )))
                }
            };
            if step == 0 {
                return Err(value_error("range() arg 3 must not be zero"));
            }
            Ok(Value::obj(gc::alloc(RangeObj {
                kind: Kind::Range,
                start,
                stop,
                step,
            })))
        }
        "slice" => {
            let p = rest.pos;
            let (a0, b0, c0) = match p.len() {
                1 => (Value::NONE, p[0], Value::NONE),
                2 => (p[0], p[1], Value::NONE),
                _ => (p[0], p[1], p[2]),
            };
            Ok(Value::obj(gc::alloc(SliceObj {
                kind: Kind::Slice,
                start: a0,
                stop: b0,
                step: c0,
            })))
        }
        "object" => object_new(a),
        "type" => {
            if rest.pos.len() == 1 {
                return Ok(Value::obj(type_of(rest.pos[0])));
            }
            if rest.pos.len() != 3 {
                return Err(type_error("type() takes 1 or 3 arguments"));
            }
            let ns = as_dict(rest.pos[2])
                .ok_or_else(|| type_error("type.__new__() argument 3 must be dict"))?;
            new_class(c, rest.pos[0], rest.pos[1], ns)
        }
        "property" => {
            let g = |i: usize, n: &str| arg_or_kw(&rest, i, n).unwrap_or(Value::NULL);
            let doc = g(3, "doc");
            let fget = g(0, "fget");
            let doc = if doc.is_null() && !fget.is_null() && !fget.is_none() {
                ops::getattr_opt(fget, intern("__doc__"))
                    .ok()
                    .flatten()
                    .unwrap_or(Value::NONE)
            } else if doc.is_null() {
                Value::NONE
            } else {
                doc
            };
            Ok(Value::obj(gc::alloc(PropertyObj {
                kind: Kind::Property,
                fget,
                fset: g(1, "fset"),
                fdel: g(2, "fdel"),
                doc,
            })))
        }
        "classmethod" => Ok(Value::obj(gc::alloc(WrapperObj {
            kind: Kind::ClassMethod,
            f: rest.pos[0],
        }))),
        "staticmethod" => Ok(Value::obj(gc::alloc(WrapperObj {
            kind: Kind::StaticMethod,
            f: rest.pos[0],
        }))),
        "super" => bi_super(rest),
        // types.ModuleType(name, doc=None)
        "module" => {
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
            let m = crate::import::new_module(&n.s, None);
            m.dict.remove(new_str("__builtins__"))?;
            m.dict
                .set_str("__doc__", arg_or_kw(&rest, 1, "doc").unwrap_or(Value::NONE));
            m.dict.set_str("__package__", Value::NONE);
            m.dict.set_str("__loader__", Value::NONE);
            m.dict.set_str("__spec__", Value::NONE);
            Ok(Value::obj(m))
        }
        // types.MethodType(function, instance)
        "method" => {
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
        "NoneType" if rest.pos.is_empty() => Ok(Value::NONE),
        _ => {
            if vm::is_subclass(c, cls(C::BaseException)) {
                return object_new(a);
            }
            Err(type_error(format!("cannot create '{name}' instances")))
        }
    }
}

fn parse_complex(s: &str) -> Option<(f64, f64)> {
    let t = s.trim().trim_start_matches('(').trim_end_matches(')');
    if !t.ends_with(['j', 'J']) {
        return parse_float(t).map(|r| (r, 0.0));
    }
    let body = &t[..t.len() - 1];
    // split at the last sign that is not part of an exponent
    let bytes = body.as_bytes();
    let mut split = None;
    for i in (1..bytes.len()).rev() {
        if (bytes[i] == b'+' || bytes[i] == b'-') && !matches!(bytes[i - 1], b'e' | b'E') {
            split = Some(i);
            break;
        }
    }
    match split {
        Some(i) => {
            let re = parse_float(&body[..i])?;
            let im_s = &body[i..];
            let im = if im_s == "+" {
                1.0
            } else if im_s == "-" {
                -1.0
            } else {
                parse_float(im_s)?
            };
            Some((re, im))
        }
        None => {
            let im = if body.is_empty() || body == "+" {
                1.0
            } else if body == "-" {
                -1.0
            } else {
                parse_float(body)?
            };
            Some((0.0, im))
        }
    }
}

fn bi_super(a: Args) -> PyResult<Value> {
    let (tcls, obj) = if a.pos.len() >= 2 {
        (a.pos[0], a.pos[1])
    } else {
        let f = interpreter::current_frame()
            .ok_or_else(|| vm::runtime_error("super(): no current frame"))?;
        let d = &f.code.d;
        let nl = d.varnames.len();
        let idx = d
            .cellvars
            .iter()
            .position(|c| c == "__class__")
            .or_else(|| {
                d.freevars
                    .iter()
                    .position(|c| c == "__class__")
                    .map(|i| i + d.cellvars.len())
            });
        let Some(idx) = idx else {
            return Err(vm::runtime_error("super(): __class__ cell not found"));
        };
        let c = as_cell(f.regs.get(nl + idx)).unwrap().v.get();
        if d.argcount == 0 && d.flags & CO_VARARGS == 0 {
            return Err(vm::runtime_error("super(): no arguments"));
        }
        let mut first = f.regs.get(0);
        if let Some(ci) = d.cell_args.iter().position(|x| *x == Some(0)) {
            first = as_cell(f.regs.get(nl + ci)).unwrap().v.get();
        }
        if first.is_null() && d.flags & CO_VARARGS != 0 {
            first = as_tuple(f.regs.get(d.argcount as usize + d.kwonly as usize))
                .and_then(|t| t.as_slice().first().copied())
                .unwrap_or(Value::NULL);
        }
        (c, first)
    };
    Ok(Value::obj(gc::alloc(SuperObj {
        kind: Kind::Super,
        cls: tcls,
        obj,
    })))
}

/// Attribute lookup through a `super` object.
pub fn super_getattr(s: Gc<SuperObj>, name: Value) -> PyResult<Option<Value>> {
    let start = as_class(s.cls).ok_or_else(|| type_error("super() argument 1 must be a type"))?;
    let obj = s.obj;
    let (owner, is_class) = match as_class(obj) {
        Some(c) if vm::is_subclass(c, start) => (c, true),
        _ => (type_of(obj), false),
    };
    let mro = as_tuple(owner.mro.get()).unwrap();
    let mut found = false;
    for &k in mro.as_slice() {
        if found {
            let kc = as_class(k).unwrap();
            if let Some(d) = kc.dict.get(name)? {
                return Ok(Some(match d.kind() {
                    Some(Kind::Function) | Some(Kind::Builtin) => {
                        if is_class {
                            d
                        } else {
                            new_bound(d, obj)
                        }
                    }
                    Some(Kind::ClassMethod) => {
                        new_bound(as_classmethod(d).unwrap().f, Value::obj(owner))
                    }
                    Some(Kind::StaticMethod) => as_staticmethod(d).unwrap().f,
                    Some(Kind::Property) if !is_class => {
                        let p = as_property(d).unwrap();
                        call(p.fget, &[obj])?
                    }
                    _ => d,
                }));
            }
        } else if k == Value::obj(start) {
            found = true;
        }
    }
    Ok(None)
}

// ---------------------------------------------------------------- match support

pub fn match_class(subj: Value, c: Value, kw: Value, npos: usize) -> PyResult<Value> {
    let Some(cc) = as_class(c) else {
        return Err(type_error("called match pattern must be a class"));
    };
    if !vm::is_subclass(type_of(subj), cc) {
        return Ok(Value::NONE);
    }
    let mut out = ArgVec::new();
    if npos > 0 {
        match ops::lookup_type(cc, "__match_args__") {
            Some(ma) => {
                let names = seq_items(ma)?;
                if npos > names.len() {
                    return Err(type_error(format!(
                        "{}() accepts {} positional sub-patterns ({} given)",
                        vm::class_name(cc),
                        names.len(),
                        npos
                    )));
                }
                for &n in &names[..npos] {
                    match ops::getattr_opt(subj, n)? {
                        Some(v) => out.push(v),
                        None => return Ok(Value::NONE),
                    }
                }
            }
            None => {
                if cc.flags.get() & CF_BUILTIN != 0 && npos == 1 {
                    out.push(subj);
                } else {
                    return Err(type_error(format!(
                        "{}() accepts 0 positional sub-patterns ({} given)",
                        vm::class_name(cc),
                        npos
                    )));
                }
            }
        }
    }
    for &k in as_tuple(kw).unwrap().as_slice() {
        match ops::getattr_opt(subj, k)? {
            Some(v) => out.push(v),
            None => return Ok(Value::NONE),
        }
    }
    Ok(new_tuple(&out))
}

// ---------------------------------------------------------------- iterators

pub fn iter_next(it: Gc<IterObj>) -> PyResult<Option<Value>> {
    match it.sub {
        IterKind::Seq => {
            let s = it.a.get();
            let i = it.i.get() as usize;
            let v = if let Some(l) = as_list_exact(s) {
                if i < l.len() {
                    Some(l.get(i))
                } else {
                    None
                }
            } else {
                as_tuple_exact(s).and_then(|t| t.as_slice().get(i).copied())
            };
            if v.is_some() {
                it.i.set(i as i64 + 1);
            }
            Ok(v)
        }
        IterKind::Range => {
            let n = it.n.get();
            if n <= 0 {
                return Ok(None);
            }
            let i = it.i.get();
            it.n.set(n - 1);
            it.i.set(i + it.step.get());
            Ok(Some(new_int(i)))
        }
        IterKind::Str => {
            let s = as_str(it.a.get()).unwrap();
            let i = it.i.get() as usize;
            if i >= s.s.len() {
                return Ok(None);
            }
            let c = s.s[i..].chars().next().unwrap();
            it.i.set((i + c.len_utf8()) as i64);
            Ok(Some(char_str(c)))
        }
        IterKind::Bytes => {
            let b = ops::bytes_like(it.a.get()).unwrap();
            let i = it.i.get() as usize;
            if i >= b.len() {
                return Ok(None);
            }
            it.i.set(i as i64 + 1);
            Ok(Some(Value::small(b[i] as i64)))
        }
        IterKind::DictKeys | IterKind::DictValues | IterKind::DictItems => {
            let d = as_dict(it.a.get()).unwrap();
            if it.step.get() == 1 && it.i.get() == 0 {
                it.step.set(d.len() as i64 + 2);
            } else if it.step.get() != d.len() as i64 + 2 {
                return Err(vm::runtime_error(
                    "dictionary changed size during iteration",
                ));
            }
            let mut i = it.i.get() as usize;
            while i < d.entry_count() {
                let k = d.key_at(i);
                i += 1;
                if !k.is_null() {
                    it.i.set(i as i64);
                    return Ok(Some(match it.sub {
                        IterKind::DictKeys => k,
                        IterKind::DictValues => d.val_at(i - 1),
                        _ => new_tuple(&[k, d.val_at(i - 1)]),
                    }));
                }
            }
            it.i.set(i as i64);
            Ok(None)
        }
        IterKind::Set => {
            let s = as_set(it.a.get()).unwrap();
            if s.len() as i64 != it.n.get() {
                return Err(vm::runtime_error("Set changed size during iteration"));
            }
            let mut i = it.i.get() as usize;
            while i < s.capacity() {
                let k = s.slot(i);
                i += 1;
                if !k.is_null() {
                    it.i.set(i as i64);
                    return Ok(Some(k));
                }
            }
            it.i.set(i as i64);
            Ok(None)
        }
        IterKind::Enumerate => match ops::next(it.a.get())? {
            Some(v) => {
                let i = it.i.get();
                it.i.set(i + 1);
                Ok(Some(new_tuple(&[new_int(i), v])))
            }
            None => Ok(None),
        },
        IterKind::Zip => {
            let its = as_tuple_exact(it.a.get()).unwrap();
            if its.is_empty() {
                return Ok(None);
            }
            let mut out = ArgVec::new();
            for (k, &x) in its.as_slice().iter().enumerate() {
                match ops::next(x)? {
                    Some(v) => out.push(v),
                    None => {
                        if it.n.get() == 1 {
                            if k > 0 {
                                return Err(value_error(format!(
                                    "zip() argument {} is shorter than argument{} 1",
                                    k + 1,
                                    if k > 1 { "s" } else { "" }
                                )));
                            }
                            for (j, &y) in its.as_slice().iter().enumerate().skip(1) {
                                if ops::next(y)?.is_some() {
                                    return Err(value_error(format!(
                                        "zip() argument {} is longer than argument{} 1",
                                        j + 1,
                                        if j > 1 { "s" } else { "" }
                                    )));
                                }
                            }
                        }
                        return Ok(None);
                    }
                }
            }
            Ok(Some(new_tuple(&out)))
        }
        IterKind::Map => {
            let its = as_tuple_exact(it.a.get()).unwrap();
            let mut args = ArgVec::new();
            for &x in its.as_slice() {
                match ops::next(x)? {
                    Some(v) => args.push(v),
                    None => return Ok(None),
                }
            }
            Ok(Some(call(it.b.get(), &args)?))
        }
        IterKind::Filter => {
            let f = it.b.get();
            loop {
                match ops::next(it.a.get())? {
                    Some(v) => {
                        let keep = if f.is_none() {
                            truthy(v)?
                        } else {
                            truthy(call(f, &[v])?)?
                        };
                        if keep {
                            return Ok(Some(v));
                        }
                    }
                    None => return Ok(None),
                }
            }
        }
        IterKind::Reversed => {
            let i = it.i.get();
            if i < 0 {
                return Ok(None);
            }
            let s = it.a.get();
            let n = ops::len(s)? as i64;
            if i >= n {
                it.i.set(-1);
                return Ok(None);
            }
            it.i.set(i - 1);
            Ok(Some(ops::getitem(s, Value::small(i))?))
        }
        IterKind::Callable => {
            if it.i.get() < 0 {
                return Ok(None);
            }
            let v = call(it.a.get(), &[])?;
            if ops::eq(v, it.b.get())? {
                it.i.set(-1);
                return Ok(None);
            }
            Ok(Some(v))
        }
        IterKind::GetItem => {
            let i = it.i.get();
            if i < 0 {
                return Ok(None);
            }
            match ops::getitem(it.a.get(), Value::small(i)) {
                Ok(v) => {
                    it.i.set(i + 1);
                    Ok(Some(v))
                }
                Err(e)
                    if vm::exc_matches(&e, C::IndexError)
                        || vm::exc_matches(&e, C::StopIteration) =>
                {
                    it.i.set(-1);
                    Ok(None)
                }
                Err(e) => Err(e),
            }
        }
    }
}

/// A dict view converted to a set (for comparisons), or None if not a keys/items view.
pub fn view_to_set(v: Value) -> PyResult<Option<Value>> {
    let Some(it) = as_iter(v) else {
        return Ok(None);
    };
    if it.n.get() >= 0 || it.sub == IterKind::DictValues {
        return Ok(None);
    }
    let s = new_set(false);
    let i = ops::get_iter(v)?;
    while let Some(x) = ops::next(i)? {
        s.add(x)?;
    }
    Ok(Some(Value::obj(s)))
}

fn dict_view(d: Value, sub: IterKind) -> Value {
    new_iter(sub, d, Value::NULL, 0, -1, 1)
}

// ---------------------------------------------------------------- str methods

pub fn str_slice(s: Gc<StrObj>, sl: Gc<SliceObj>) -> PyResult<Value> {
    let (start, _, step, count) = ops::slice_indices(sl, s.nchars)?;
    if s.ascii {
        let b = s.s.as_bytes();
        if step == 1 {
            return Ok(new_str(&s.s[start as usize..start as usize + count]));
        }
        let mut out = String::with_capacity(count);
        let mut i = start;
        for _ in 0..count {
            out.push(b[i as usize] as char);
            i += step;
        }
        return Ok(new_string(out));
    }
    let chars: Vec<char> = s.s.chars().collect();
    let mut out = String::new();
    let mut i = start;
    for _ in 0..count {
        out.push(chars[i as usize]);
        i += step;
    }
    Ok(new_string(out))
}

fn char_index_to_byte(s: &StrObj, ci: usize) -> usize {
    if s.ascii {
        return ci.min(s.s.len());
    }
    s.s.char_indices()
        .nth(ci)
        .map(|(b, _)| b)
        .unwrap_or(s.s.len())
}

fn byte_to_char_index(s: &StrObj, bi: usize) -> usize {
    if s.ascii {
        return bi;
    }
    s.s[..bi].chars().count()
}

/// Resolves optional start/end arguments into a byte range of `s`.
fn str_range(s: &StrObj, a: &Args, i: usize) -> PyResult<(usize, usize)> {
    let n = s.nchars as i64;
    let norm = |v: Option<Value>, d: i64| -> PyResult<i64> {
        match v {
            None => Ok(d),
            Some(x) if x.is_none() => Ok(d),
            Some(x) => {
                let mut k = index_of(x)?;
                if k < 0 {
                    k = (k + n).max(0);
                }
                Ok(k.min(n))
            }
        }
    };
    let st = norm(a.pos.get(i).copied(), 0)?;
    let en = norm(a.pos.get(i + 1).copied(), n)?;
    let (st, en) = (st as usize, en.max(st) as usize);
    Ok((char_index_to_byte(s, st), char_index_to_byte(s, en)))
}

fn str_find_impl(a: Args, rev: bool, raise: bool) -> PyResult<Value> {
    let s = self_str(&a)?;
    let sub = str_arg(a.pos[1], "substring")?;
    let (b0, b1) = str_range(&s, &a, 2)?;
    if b1 < b0 || (b1 - b0) < sub.s.len() {
        if raise {
            return Err(value_error("substring not found"));
        }
        return Ok(Value::small(-1));
    }
    let hay = &s.s[b0..b1];
    let r = if rev {
        hay.rfind(&*sub.s)
    } else {
        hay.find(&*sub.s)
    };
    match r {
        Some(p) => Ok(Value::small(byte_to_char_index(&s, b0 + p) as i64)),
        None if raise => Err(value_error("substring not found")),
        None => Ok(Value::small(-1)),
    }
}

fn strip_chars(a: &Args) -> PyResult<Option<Vec<char>>> {
    match a.pos.get(1) {
        Some(&v) if !v.is_none() => Ok(Some(str_arg(v, "strip arg")?.s.chars().collect())),
        _ => Ok(None),
    }
}

fn str_split_impl(a: Args, rev: bool) -> PyResult<Value> {
    let s = self_str(&a)?;
    let sep = arg_or_kw(&a, 1, "sep").filter(|v| !v.is_none());
    let maxsplit = match arg_or_kw(&a, 2, "maxsplit") {
        Some(m) => index_of(m)?,
        None => -1,
    };
    // Pieces borrow the text of `s` (kept alive and pinned: it is used after the loop);
    // a `Vec<String>` here cost a malloc per piece, which for a million words left tens of
    // megabytes of fragmented Rust heap behind.
    let mut parts: Vec<&str> = Vec::new();
    match sep {
        None => {
            if rev {
                let mut words: Vec<&str> = s.s.split_whitespace().collect();
                if maxsplit >= 0 && words.len() > maxsplit as usize + 1 {
                    // rejoin the head part from the original string
                    let keep = maxsplit as usize;
                    let tail: Vec<&str> = words.split_off(words.len() - keep);
                    let mut rest = s.s.trim_end();
                    for w in tail.iter().rev() {
                        rest = rest[..rest.len() - w.len()].trim_end();
                    }
                    parts.push(rest);
                    parts.extend(tail.iter().copied());
                } else {
                    parts = words;
                }
            } else {
                let mut rest = s.s.trim_start();
                let mut count = 0;
                while !rest.is_empty() {
                    if maxsplit >= 0 && count >= maxsplit {
                        parts.push(rest);
                        break;
                    }
                    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                    parts.push(&rest[..end]);
                    rest = rest[end..].trim_start();
                    count += 1;
                }
            }
        }
        Some(sepv) => {
            let sep = str_arg(sepv, "sep")?;
            if sep.s.is_empty() {
                return Err(value_error("empty separator"));
            }
            if maxsplit < 0 {
                parts = s.s.split(&*sep.s).collect();
            } else if rev {
                parts = s.s.rsplitn(maxsplit as usize + 1, &*sep.s).collect();
                parts.reverse();
            } else {
                parts = s.s.splitn(maxsplit as usize + 1, &*sep.s).collect();
            }
        }
    }
    // Straight into the (precisely traced) list: pinning a million fresh strings in an
    // ArgVec would fill the nursery with pinned objects.
    let out = new_list_cap(parts.len());
    for p in parts.iter() {
        out.push(new_str(p));
    }
    std::hint::black_box(s);
    Ok(Value::obj(out))
}

fn str_pad(a: Args, mode: u8) -> PyResult<Value> {
    let s = self_str(&a)?;
    let w = index_of(a.pos[1])?;
    let fill = match a.pos.get(2) {
        Some(&f) => {
            let fs = str_arg(f, "fill character")?;
            if fs.nchars != 1 {
                return Err(type_error(
                    "The fill character must be exactly one character long",
                ));
            }
            fs.s.chars().next().unwrap()
        }
        None => ' ',
    };
    let n = s.nchars as i64;
    if w <= n {
        return Ok(a.pos[0]);
    }
    let pad = (w - n) as usize;
    let (l, r) = match mode {
        0 => (0, pad),
        1 => (pad, 0),
        _ => {
            let l = pad / 2 + (pad & w as usize & 1);
            (l, pad - l)
        }
    };
    let mut out = String::new();
    out.extend(std::iter::repeat_n(fill, l));
    out.push_str(&s.s);
    out.extend(std::iter::repeat_n(fill, r));
    Ok(new_string(out))
}

fn is_title(s: &str) -> bool {
    let mut prev_cased = false;
    let mut any = false;
    for c in s.chars() {
        if c.is_uppercase() {
            if prev_cased {
                return false;
            }
            prev_cased = true;
            any = true;
        } else if c.is_lowercase() {
            if !prev_cased {
                return false;
            }
            prev_cased = true;
            any = true;
        } else {
            prev_cased = false;
        }
    }
    any
}

fn title_case(s: &str) -> String {
    let mut out = String::new();
    let mut prev_cased = false;
    for c in s.chars() {
        if prev_cased {
            out.extend(c.to_lowercase());
        } else {
            out.extend(c.to_uppercase());
        }
        prev_cased = c.is_alphabetic();
    }
    out
}

fn str_pred(a: &Args, f: fn(char) -> bool) -> PyResult<Value> {
    let s = self_str(a)?;
    Ok(Value::bool(!s.s.is_empty() && s.s.chars().all(f)))
}

fn install_str_methods() {
    use C::str as S;
    meth(S, "join", |a| {
        let s = self_str(&a)?;
        let items = seq_items(a.pos[1])?;
        let mut out = String::new();
        for (i, &x) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(&s.s);
            }
            match as_str(payload(x)) {
                Some(xs) => out.push_str(&xs.s),
                None => {
                    return Err(type_error(format!(
                        "sequence item {}: expected str instance, {} found",
                        i,
                        vm::type_name(x)
                    )))
                }
            }
        }
        Ok(new_string(out))
    });
    meth(S, "split", |a| str_split_impl(a, false));
    meth(S, "rsplit", |a| str_split_impl(a, true));
    meth(S, "strip", |a| {
        let s = self_str(&a)?;
        Ok(new_str(match strip_chars(&a)? {
            Some(cs) => s.s.trim_matches(|c| cs.contains(&c)),
            None => s.s.trim(),
        }))
    });
    meth(S, "lstrip", |a| {
        let s = self_str(&a)?;
        Ok(new_str(match strip_chars(&a)? {
            Some(cs) => s.s.trim_start_matches(|c| cs.contains(&c)),
            None => s.s.trim_start(),
        }))
    });
    meth(S, "rstrip", |a| {
        let s = self_str(&a)?;
        Ok(new_str(match strip_chars(&a)? {
            Some(cs) => s.s.trim_end_matches(|c| cs.contains(&c)),
            None => s.s.trim_end(),
        }))
    });
    meth(S, "replace", |a| {
        let s = self_str(&a)?;
        let old = str_arg(a.pos[1], "replace() argument 1")?;
        let new = str_arg(a.pos[2], "replace() argument 2")?;
        let count = match a.pos.get(3) {
            Some(&c) => index_of(c)?,
            None => -1,
        };
        if count < 0 {
            if old.s.is_empty() {
                let mut out = String::from(&*new.s);
                for c in s.s.chars() {
                    out.push(c);
                    out.push_str(&new.s);
                }
                return Ok(new_string(out));
            }
            return Ok(new_string(s.s.replace(&*old.s, &new.s)));
        }
        Ok(new_string(s.s.replacen(&*old.s, &new.s, count as usize)))
    });
    meth(S, "find", |a| str_find_impl(a, false, false));
    meth(S, "rfind", |a| str_find_impl(a, true, false));
    meth(S, "index", |a| str_find_impl(a, false, true));
    meth(S, "rindex", |a| str_find_impl(a, true, true));
    meth(S, "count", |a| {
        let s = self_str(&a)?;
        let sub = str_arg(a.pos[1], "substring")?;
        let (b0, b1) = str_range(&s, &a, 2)?;
        let hay = &s.s[b0..b1.max(b0)];
        if sub.s.is_empty() {
            return Ok(Value::small(hay.chars().count() as i64 + 1));
        }
        Ok(Value::small(hay.matches(&*sub.s).count() as i64))
    });
    fn starts_ends(a: Args, ends: bool) -> PyResult<Value> {
        let s = self_str(&a)?;
        let (b0, b1) = str_range(&s, &a, 2)?;
        let hay = if b1 >= b0 { &s.s[b0..b1] } else { "" };
        let check = |p: &str| {
            if ends {
                hay.ends_with(p)
            } else {
                hay.starts_with(p)
            }
        };
        if let Some(t) = as_tuple(a.pos[1]) {
            for &x in t.as_slice() {
                if check(&str_arg(x, "prefix")?.s) {
                    return Ok(Value::TRUE);
                }
            }
            return Ok(Value::FALSE);
        }
        let p = as_str(a.pos[1]).ok_or_else(|| {
            type_error(format!(
                "{} first arg must be str or a tuple of str, not {}",
                if ends { "endswith" } else { "startswith" },
                vm::type_name(a.pos[1])
            ))
        })?;
        Ok(Value::bool(check(&p.s)))
    }
    meth(S, "startswith", |a| starts_ends(a, false));
    meth(S, "endswith", |a| starts_ends(a, true));
    meth(S, "__str__", |a| {
        let v = a.pos[0];
        if v.is_kind(Kind::Str) {
            return Ok(v);
        }
        Ok(new_string(self_str(&a)?.s.to_string()))
    });
    meth(S, "upper", |a| {
        Ok(new_string(self_str(&a)?.s.to_uppercase()))
    });
    meth(S, "lower", |a| {
        Ok(new_string(self_str(&a)?.s.to_lowercase()))
    });
    meth(S, "casefold", |a| {
        Ok(new_string(
            self_str(&a)?.s.to_lowercase().replace('ß', "ss"),
        ))
    });
    meth(S, "swapcase", |a| {
        let s = self_str(&a)?;
        let mut out = String::new();
        for c in s.s.chars() {
            if c.is_uppercase() {
                out.extend(c.to_lowercase());
            } else if c.is_lowercase() {
                out.extend(c.to_uppercase());
            } else {
                out.push(c);
            }
        }
        Ok(new_string(out))
    });
    meth(S, "title", |a| Ok(new_string(title_case(&self_str(&a)?.s))));
    meth(S, "capitalize", |a| {
        let s = self_str(&a)?;
        let mut cs = s.s.chars();
        let mut out = String::new();
        if let Some(c) = cs.next() {
            out.extend(c.to_uppercase());
            out.push_str(&cs.as_str().to_lowercase());
        }
        Ok(new_string(out))
    });
    meth(S, "isdigit", |a| {
        str_pred(&a, |c| {
            c.is_ascii_digit()
                || "⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉".contains(c)
                || (c.is_numeric() && c.is_ascii_digit())
                || ('٠'..='٩').contains(&c)
        })
    });
    meth(S, "isdecimal", |a| {
        str_pred(&a, |c| {
            c.is_ascii_digit() || ('٠'..='٩').contains(&c) || ('०'..='९').contains(&c)
        })
    });
    meth(S, "isnumeric", |a| str_pred(&a, |c| c.is_numeric()));
    meth(S, "isalpha", |a| str_pred(&a, |c| c.is_alphabetic()));
    meth(S, "isalnum", |a| str_pred(&a, |c| c.is_alphanumeric()));
    meth(S, "isspace", |a| str_pred(&a, |c| c.is_whitespace()));
    meth(S, "isascii", |a| Ok(Value::bool(self_str(&a)?.ascii)));
    meth(S, "isupper", |a| {
        let s = self_str(&a)?;
        Ok(Value::bool(
            s.s.chars().any(|c| c.is_uppercase()) && !s.s.chars().any(|c| c.is_lowercase()),
        ))
    });
    meth(S, "islower", |a| {
        let s = self_str(&a)?;
        Ok(Value::bool(
            s.s.chars().any(|c| c.is_lowercase()) && !s.s.chars().any(|c| c.is_uppercase()),
        ))
    });
    meth(S, "istitle", |a| {
        Ok(Value::bool(is_title(&self_str(&a)?.s)))
    });
    meth(S, "isidentifier", |a| {
        let s = self_str(&a)?;
        let mut cs = s.s.chars();
        Ok(Value::bool(match cs.next() {
            Some(c) => {
                (c.is_alphabetic() || c == '_') && cs.all(|c| c.is_alphanumeric() || c == '_')
            }
            None => false,
        }))
    });
    meth(S, "center", |a| str_pad(a, 2));
    meth(S, "ljust", |a| str_pad(a, 0));
    meth(S, "rjust", |a| str_pad(a, 1));
    meth(S, "zfill", |a| {
        let s = self_str(&a)?;
        let w = index_of(a.pos[1])? as usize;
        if w <= s.nchars {
            return Ok(a.pos[0]);
        }
        let (sign, rest) = if s.s.starts_with('+') || s.s.starts_with('-') {
            s.s.split_at(1)
        } else {
            ("", &*s.s)
        };
        Ok(new_string(format!(
            "{}{}{}",
            sign,
            "0".repeat(w - s.nchars),
            rest
        )))
    });
    meth(S, "splitlines", |a| {
        let s = self_str(&a)?;
        let keep = arg_or_kw(&a, 1, "keepends")
            .map(truthy)
            .transpose()?
            .unwrap_or(false);
        let mut out = ArgVec::new();
        let mut cur = String::new();
        let mut cs = s.s.chars().peekable();
        while let Some(c) = cs.next() {
            if c == '\n'
                || c == '\r'
                || c == '\x0b'
                || c == '\x0c'
                || c == '\x1c'
                || c == '\x1d'
                || c == '\x1e'
                || c == '\u{85}'
                || c == '\u{2028}'
                || c == '\u{2029}'
            {
                let mut end = c.to_string();
                if c == '\r' && cs.peek() == Some(&'\n') {
                    cs.next();
                    end.push('\n');
                }
                if keep {
                    cur.push_str(&end);
                }
                out.push(new_string(std::mem::take(&mut cur)));
            } else {
                cur.push(c);
            }
        }
        if !cur.is_empty() {
            out.push(new_string(cur));
        }
        Ok(new_list_from(&out))
    });
    fn partition(a: Args, rev: bool) -> PyResult<Value> {
        let s = self_str(&a)?;
        let sep = str_arg(a.pos[1], "sep")?;
        if sep.s.is_empty() {
            return Err(value_error("empty separator"));
        }
        let r = if rev {
            s.s.rfind(&*sep.s)
        } else {
            s.s.find(&*sep.s)
        };
        Ok(match r {
            Some(p) => new_tuple(&[
                new_str(&s.s[..p]),
                Value::obj(sep),
                new_str(&s.s[p + sep.s.len()..]),
            ]),
            None if rev => new_tuple(&[new_str(""), new_str(""), a.pos[0]]),
            None => new_tuple(&[a.pos[0], new_str(""), new_str("")]),
        })
    }
    meth(S, "partition", |a| partition(a, false));
    meth(S, "rpartition", |a| partition(a, true));
    meth(S, "encode", |a| {
        let s = self_str(&a)?;
        let enc = arg_or_kw(&a, 1, "encoding")
            .map(str_of)
            .transpose()?
            .unwrap_or_else(|| "utf-8".into())
            .to_lowercase()
            .replace('_', "-");
        let errors = arg_or_kw(&a, 2, "errors")
            .map(str_of)
            .transpose()?
            .unwrap_or_else(|| "strict".into());
        let limit = match enc.as_str() {
            "utf-8" | "utf8" => return Ok(new_bytes(s.s.as_bytes().to_vec(), false)),
            "ascii" | "us-ascii" => 128u32,
            "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" => 256u32,
            _ => return Err(vm::exc(C::LookupError, format!("unknown encoding: {enc}"))),
        };
        let mut out = Vec::new();
        for (i, c) in s.s.chars().enumerate() {
            if (c as u32) < limit {
                out.push(c as u32 as u8);
            } else {
                match errors.as_str() {
                    "replace" => out.push(b'?'),
                    "ignore" => {}
                    _ => {
                        let e = vm::new_exception(
                            cls(C::UnicodeEncodeError),
                            &[
                                new_string(enc.clone()),
                                a.pos[0],
                                Value::small(i as i64),
                                Value::small(i as i64 + 1),
                                new_str("ordinal not in range"),
                            ],
                        );
                        if let Some(inst) = as_instance(e) {
                            ops::instance_set(inst, intern("start"), Value::small(i as i64));
                            ops::instance_set(inst, intern("end"), Value::small(i as i64 + 1));
                            ops::instance_set(
                                inst,
                                intern("reason"),
                                new_str("ordinal not in range"),
                            );
                        }
                        return Err(PyErr(e));
                    }
                }
            }
        }
        Ok(new_bytes(out, false))
    });
    meth(S, "expandtabs", |a| {
        let s = self_str(&a)?;
        let ts = match arg_or_kw(&a, 1, "tabsize") {
            Some(t) => index_of(t)?,
            None => 8,
        };
        let mut out = String::new();
        let mut col = 0i64;
        for c in s.s.chars() {
            match c {
                '\t' => {
                    if ts > 0 {
                        let n = ts - col % ts;
                        out.extend(std::iter::repeat_n(' ', n as usize));
                        col += n;
                    }
                }
                '\n' | '\r' => {
                    out.push(c);
                    col = 0;
                }
                _ => {
                    out.push(c);
                    col += 1;
                }
            }
        }
        Ok(new_string(out))
    });
    meth(S, "removeprefix", |a| {
        let s = self_str(&a)?;
        let p = str_arg(a.pos[1], "prefix")?;
        Ok(match s.s.strip_prefix(&*p.s) {
            Some(r) => new_str(r),
            None => a.pos[0],
        })
    });
    meth(S, "removesuffix", |a| {
        let s = self_str(&a)?;
        let p = str_arg(a.pos[1], "suffix")?;
        Ok(match s.s.strip_suffix(&*p.s) {
            Some(r) if !p.s.is_empty() => new_str(r),
            _ => a.pos[0],
        })
    });
    meth(S, "format", |a| {
        let s = self_str(&a)?;
        crate::objects::format::str_format(&s.s, &a.pos[1..], &a)
    });
    meth(S, "format_map", |a| {
        let s = self_str(&a)?;
        crate::objects::format::str_format_map(&s.s, a.pos[1])
    });
    meth(S, "translate", |a| {
        let s = self_str(&a)?;
        let table = a.pos[1];
        let mut out = String::new();
        for c in s.s.chars() {
            match ops::getitem(table, Value::small(c as i64)) {
                Ok(v) if v.is_none() => {}
                Ok(v) => {
                    if let Some(i) = int_of(v) {
                        out.push(char::from_u32(i as u32).unwrap_or(c));
                    } else {
                        out.push_str(&str_of(v)?);
                    }
                }
                Err(e) if vm::exc_matches(&e, C::LookupError) => out.push(c),
                Err(e) => return Err(e),
            }
        }
        Ok(new_string(out))
    });
    let mt: NativeFn = |a| {
        // static: str.maketrans(x[, y[, z]])
        let args = if a.pos.first().is_some_and(|v| v.is_kind(Kind::Class)) {
            &a.pos[1..]
        } else {
            a.pos
        };
        let d = new_dict();
        if args.len() == 1 {
            let src = as_dict(args[0]).ok_or_else(|| {
                type_error("if you give only one argument to maketrans it must be a dict")
            })?;
            for i in 0..src.entry_count() {
                let k = src.key_at(i);
                if k.is_null() {
                    continue;
                }
                let key = match as_str(k) {
                    Some(s) => Value::small(s.s.chars().next().unwrap() as i64),
                    None => k,
                };
                d.set_item(key, src.val_at(i))?;
            }
        } else {
            let x = str_arg(args[0], "maketrans arg")?;
            let y = str_arg(args[1], "maketrans arg")?;
            if x.nchars != y.nchars {
                return Err(value_error(
                    "the first two maketrans arguments must have equal length",
                ));
            }
            for (c1, c2) in x.s.chars().zip(y.s.chars()) {
                d.set_item(Value::small(c1 as i64), Value::small(c2 as i64))?;
            }
            if let Some(&z) = args.get(2) {
                for c in str_arg(z, "maketrans arg")?.s.chars() {
                    d.set_item(Value::small(c as i64), Value::NONE)?;
                }
            }
        }
        Ok(Value::obj(d))
    };
    cls(S).dict.set_str(
        "maketrans",
        Value::obj(gc::alloc(WrapperObj {
            kind: Kind::StaticMethod,
            f: new_builtin("str.maketrans", mt),
        })),
    );
    meth(S, "__format__", |a| {
        crate::objects::format::format_value(a.pos[0], &str_arg(a.pos[1], "format spec")?.s)
    });
}

// ---------------------------------------------------------------- list methods

pub fn list_set_slice(l: Gc<ListObj>, s: Gc<SliceObj>, v: Value) -> PyResult<()> {
    let items = seq_items(v)?;
    let (start, stop, step, count) = ops::slice_indices(s, l.len())?;
    if step == 1 {
        let cur: ArgVec = l.as_slice().iter().copied().collect();
        let stop = stop.max(start) as usize;
        let start = start as usize;
        let mut out = ArgVec::new();
        out.extend_from_slice(&cur[..start]);
        out.extend_from_slice(&items);
        out.extend_from_slice(&cur[stop..]);
        l.set_all(&out);
        return Ok(());
    }
    if items.len() != count {
        return Err(value_error(format!(
            "attempt to assign sequence of size {} to extended slice of size {}",
            items.len(),
            count
        )));
    }
    let mut i = start;
    for &x in &items {
        l.set(i as usize, x);
        i += step;
    }
    Ok(())
}

fn self_list(a: &Args) -> PyResult<Gc<ListObj>> {
    a.pos
        .first()
        .and_then(|&v| as_list(v))
        .ok_or_else(|| type_error("descriptor requires a 'list' object"))
}

fn install_list_methods() {
    use C::list as L;
    meth(L, "append", |a| {
        self_list(&a)?.push(a.pos[1]);
        Ok(Value::NONE)
    });
    meth(L, "extend", |a| {
        ops::list_extend(self_list(&a)?, a.pos[1])?;
        Ok(Value::NONE)
    });
    meth(L, "pop", |a| {
        let l = self_list(&a)?;
        if l.is_empty() {
            return Err(vm::index_error("pop from empty list"));
        }
        match a.pos.get(1) {
            None => Ok(l.pop().unwrap()),
            Some(&i) => {
                let j = ops::norm_index(index_of(i)?, l.len(), "pop")?;
                Ok(l.remove_at(j))
            }
        }
    });
    meth(L, "insert", |a| {
        let l = self_list(&a)?;
        let n = l.len() as i64;
        let mut i = index_of(a.pos[1])?;
        if i < 0 {
            i = (i + n).max(0);
        }
        l.insert(i.min(n) as usize, a.pos[2]);
        Ok(Value::NONE)
    });
    meth(L, "remove", |a| {
        let l = self_list(&a)?;
        for i in 0..l.len() {
            if ops::eq(l.get(i), a.pos[1])? {
                l.remove_at(i);
                return Ok(Value::NONE);
            }
        }
        Err(value_error("list.remove(x): x not in list"))
    });
    meth(L, "index", |a| {
        let l = self_list(&a)?;
        let n = l.len() as i64;
        let norm = |v: Option<&Value>, d: i64| -> PyResult<i64> {
            match v {
                Some(&x) => {
                    let k = index_of(x)?;
                    Ok(if k < 0 { (k + n).max(0) } else { k.min(n) })
                }
                None => Ok(d),
            }
        };
        let st = norm(a.pos.get(2), 0)?;
        let en = norm(a.pos.get(3), n)?;
        let mut i = st;
        while i < en && (i as usize) < l.len() {
            if ops::eq(l.get(i as usize), a.pos[1])? {
                return Ok(Value::small(i));
            }
            i += 1;
        }
        Err(value_error(format!(
            "{} is not in list",
            ops::repr(a.pos[1])?
        )))
    });
    meth(L, "count", |a| {
        let l = self_list(&a)?;
        let mut c = 0;
        for i in 0..l.len() {
            if ops::eq(l.get(i), a.pos[1])? {
                c += 1;
            }
        }
        Ok(Value::small(c))
    });
    meth(L, "sort", |a| {
        let l = self_list(&a)?;
        let mut items: ArgVec = l.as_slice().iter().copied().collect();
        let key = kwarg(&a, "key").filter(|k| !k.is_none());
        let rev = kwarg(&a, "reverse")
            .map(truthy)
            .transpose()?
            .unwrap_or(false);
        sort_values(&mut items, key, rev)?;
        l.set_all(&items);
        Ok(Value::NONE)
    });
    meth(L, "reverse", |a| {
        let l = self_list(&a)?;
        let mut items: ArgVec = l.as_slice().iter().copied().collect();
        items.reverse();
        l.set_all(&items);
        Ok(Value::NONE)
    });
    meth(L, "copy", |a| Ok(new_list_from(self_list(&a)?.as_slice())));
    meth(L, "clear", |a| {
        self_list(&a)?.clear();
        Ok(Value::NONE)
    });
    meth(L, "__init__", |a| {
        let l = self_list(&a)?;
        l.clear();
        if let Some(&v) = a.pos.get(1) {
            ops::list_extend(l, v)?;
        }
        Ok(Value::NONE)
    });
    meth(C::tuple, "index", |a| {
        let t = as_tuple(a.pos[0]).unwrap();
        for (i, &x) in t.as_slice().iter().enumerate() {
            if ops::eq(x, a.pos[1])? {
                return Ok(Value::small(i as i64));
            }
        }
        Err(value_error("tuple.index(x): x not in tuple"))
    });
    meth(C::tuple, "count", |a| {
        let t = as_tuple(a.pos[0]).unwrap();
        let mut c = 0;
        for &x in t.as_slice() {
            if ops::eq(x, a.pos[1])? {
                c += 1;
            }
        }
        Ok(Value::small(c))
    });
}

// ---------------------------------------------------------------- dict methods

pub fn dict_update(d: Gc<DictObj>, src: Value) -> PyResult<()> {
    if let Some(s) = as_dict(src) {
        if ops::lookup_type_user(type_of(src), "keys").is_none() {
            for i in 0..s.entry_count() {
                let k = s.key_at(i);
                if !k.is_null() {
                    d.set_item_h(k, s.hash_at(i), s.val_at(i))?;
                }
            }
            return Ok(());
        }
    }
    if ops::getattr_opt(src, intern("keys"))?.is_some() && !src.is_kind(Kind::List) {
        let keys = ops::call_method(src, "keys", &[])?;
        for k in seq_items(keys)? {
            let v = ops::getitem(src, k)?;
            d.set_item(k, v)?;
        }
        return Ok(());
    }
    let it = ops::get_iter(src)?;
    let mut idx = 0;
    while let Some(pair) = ops::next(it)? {
        let items = seq_items(pair).map_err(|_| {
            type_error(format!(
                "cannot convert dictionary update sequence element #{idx} to a sequence"
            ))
        })?;
        if items.len() != 2 {
            return Err(value_error(format!(
                "dictionary update sequence element #{} has length {}; 2 is required",
                idx,
                items.len()
            )));
        }
        d.set_item(items[0], items[1])?;
        idx += 1;
    }
    Ok(())
}

fn self_dict(a: &Args) -> PyResult<Gc<DictObj>> {
    a.pos
        .first()
        .and_then(|&v| as_dict(v))
        .ok_or_else(|| type_error("descriptor requires a 'dict' object"))
}

fn install_dict_methods() {
    use C::dict as D;
    meth(D, "keys", |a| {
        Ok(dict_view(payload(a.pos[0]), IterKind::DictKeys))
    });
    meth(D, "values", |a| {
        Ok(dict_view(payload(a.pos[0]), IterKind::DictValues))
    });
    meth(D, "items", |a| {
        Ok(dict_view(payload(a.pos[0]), IterKind::DictItems))
    });
    meth(D, "get", |a| {
        let d = self_dict(&a)?;
        Ok(d.get(a.pos[1])?
            .unwrap_or(a.pos.get(2).copied().unwrap_or(Value::NONE)))
    });
    meth(D, "pop", |a| {
        let d = self_dict(&a)?;
        match d.remove(a.pos[1])? {
            Some(v) => Ok(v),
            None => match a.pos.get(2) {
                Some(&dv) => Ok(dv),
                None => Err(vm::key_error(a.pos[1])),
            },
        }
    });
    meth(D, "popitem", |a| {
        let d = self_dict(&a)?;
        match d.pop_last() {
            Some((k, v)) => Ok(new_tuple(&[k, v])),
            None => Err(vm::exc(C::KeyError, "popitem(): dictionary is empty")),
        }
    });
    meth(D, "setdefault", |a| {
        let d = self_dict(&a)?;
        if let Some(v) = d.get(a.pos[1])? {
            return Ok(v);
        }
        let dv = a.pos.get(2).copied().unwrap_or(Value::NONE);
        d.set_item(a.pos[1], dv)?;
        Ok(dv)
    });
    meth(D, "update", |a| {
        let d = self_dict(&a)?;
        if let Some(&src) = a.pos.get(1) {
            dict_update(d, src)?;
        }
        for (i, &k) in a.kwnames.iter().enumerate() {
            d.set_item(k, a.kwvals[i])?;
        }
        Ok(Value::NONE)
    });
    meth(D, "copy", |a| Ok(Value::obj(self_dict(&a)?.copy())));
    meth(D, "clear", |a| {
        self_dict(&a)?.clear();
        Ok(Value::NONE)
    });
    meth(D, "__init__", |a| {
        let d = self_dict(&a)?;
        if let Some(&src) = a.pos.get(1) {
            dict_update(d, src)?;
        }
        for (i, &k) in a.kwnames.iter().enumerate() {
            d.set_item(k, a.kwvals[i])?;
        }
        Ok(Value::NONE)
    });
    classmeth(D, "fromkeys", |a| {
        let c = as_class(a.pos[0]).unwrap();
        let v = a.pos.get(2).copied().unwrap_or(Value::NONE);
        let obj = construct(
            c,
            Args {
                pos: &[],
                kwnames: &[],
                kwvals: &[],
            },
        )?;
        for k in seq_items(a.pos[1])? {
            ops::setitem(obj, k, v)?;
        }
        Ok(obj)
    });
}

// ---------------------------------------------------------------- set methods

pub fn set_update(s: Gc<SetObj>, v: Value) -> PyResult<()> {
    if let Some(o) = as_set(v) {
        for i in 0..o.capacity() {
            let k = o.slot(i);
            if !k.is_null() {
                s.add_h(k, o.hash_at(i))?;
            }
        }
        return Ok(());
    }
    if let Some(d) = as_dict(v) {
        for i in 0..d.entry_count() {
            let k = d.key_at(i);
            if !k.is_null() {
                s.add_h(k, d.hash_at(i))?;
            }
        }
        return Ok(());
    }
    let it = ops::get_iter(v)?;
    while let Some(x) = ops::next(it)? {
        s.add(x)?;
    }
    Ok(())
}

fn to_set(v: Value) -> PyResult<Gc<SetObj>> {
    if let Some(s) = as_set(v) {
        return Ok(s);
    }
    let s = new_set(false);
    set_update(s, v)?;
    Ok(s)
}

/// `a op b` for sets (op: OR, AND, SUB, XOR); the result has `a`'s frozenness.
pub fn set_binop(a: Value, b: Value, op: u32) -> PyResult<Value> {
    let frozen = payload(a).is_kind(Kind::FrozenSet);
    let x = to_set(a)?;
    let y = to_set(b)?;
    let r = match op {
        binop::OR => {
            let r = x.copy(frozen);
            set_update(r, Value::obj(y))?;
            r
        }
        binop::AND => {
            let r = new_set(frozen);
            let (small, big) = if x.len() > y.len() { (y, x) } else { (x, y) };
            for i in 0..small.capacity() {
                let k = small.slot(i);
                if !k.is_null() && big.contains(k)? {
                    r.add_h(k, small.hash_at(i))?;
                }
            }
            r
        }
        binop::SUB => {
            let r = new_set(frozen);
            for i in 0..x.capacity() {
                let k = x.slot(i);
                if !k.is_null() && !y.contains(k)? {
                    r.add_h(k, x.hash_at(i))?;
                }
            }
            r
        }
        _ => {
            let r = new_set(frozen);
            for i in 0..x.capacity() {
                let k = x.slot(i);
                if !k.is_null() && !y.contains(k)? {
                    r.add_h(k, x.hash_at(i))?;
                }
            }
            for i in 0..y.capacity() {
                let k = y.slot(i);
                if !k.is_null() && !x.contains(k)? {
                    r.add_h(k, y.hash_at(i))?;
                }
            }
            r
        }
    };
    Ok(Value::obj(r))
}

fn self_set(a: &Args) -> PyResult<Gc<SetObj>> {
    a.pos
        .first()
        .and_then(|&v| as_set(v))
        .ok_or_else(|| type_error("descriptor requires a 'set' object"))
}

fn multi_setop(a: Args, op: u32) -> PyResult<Value> {
    let mut acc = payload(a.pos[0]);
    if a.pos.len() == 1 {
        return Ok(Value::obj(
            as_set(acc).unwrap().copy(acc.is_kind(Kind::FrozenSet)),
        ));
    }
    for &o in &a.pos[1..] {
        acc = set_binop(acc, o, op)?;
    }
    Ok(acc)
}

fn inplace_setop(a: Args, op: u32) -> PyResult<Value> {
    let s = self_set(&a)?;
    let mut acc = Value::obj(s);
    for &o in &a.pos[1..] {
        acc = set_binop(acc, o, op)?;
    }
    let r = as_set(acc).unwrap();
    if !Gc::ptr_eq(r, s) {
        s.clear();
        set_update(s, acc)?;
    }
    Ok(Value::NONE)
}

fn install_set_methods() {
    for c in [C::set, C::frozenset] {
        meth(c, "union", |a| multi_setop(a, binop::OR));
        meth(c, "intersection", |a| multi_setop(a, binop::AND));
        meth(c, "difference", |a| multi_setop(a, binop::SUB));
        meth(c, "symmetric_difference", |a| multi_setop(a, binop::XOR));
        meth(c, "issubset", |a| {
            let o = to_set(a.pos[1])?;
            ops::compare(payload(a.pos[0]), Value::obj(o), 1)
        });
        meth(c, "issuperset", |a| {
            let o = to_set(a.pos[1])?;
            ops::compare(payload(a.pos[0]), Value::obj(o), 5)
        });
        meth(c, "isdisjoint", |a| {
            let s = self_set(&a)?;
            let o = to_set(a.pos[1])?;
            for i in 0..s.capacity() {
                let k = s.slot(i);
                if !k.is_null() && o.contains(k)? {
                    return Ok(Value::FALSE);
                }
            }
            Ok(Value::TRUE)
        });
        meth(c, "copy", |a| {
            let p = payload(a.pos[0]);
            Ok(Value::obj(
                as_set(p).unwrap().copy(p.is_kind(Kind::FrozenSet)),
            ))
        });
    }
    use C::set as S;
    meth(S, "add", |a| {
        self_set(&a)?.add(a.pos[1])?;
        Ok(Value::NONE)
    });
    meth(S, "discard", |a| {
        self_set(&a)?.discard(a.pos[1])?;
        Ok(Value::NONE)
    });
    meth(S, "remove", |a| {
        if !self_set(&a)?.discard(a.pos[1])? {
            return Err(vm::key_error(a.pos[1]));
        }
        Ok(Value::NONE)
    });
    meth(S, "pop", |a| {
        self_set(&a)?
            .pop_any()
            .ok_or_else(|| vm::exc(C::KeyError, "pop from an empty set"))
    });
    meth(S, "clear", |a| {
        self_set(&a)?.clear();
        Ok(Value::NONE)
    });
    meth(S, "update", |a| {
        let s = self_set(&a)?;
        for &o in &a.pos[1..] {
            set_update(s, o)?;
        }
        Ok(Value::NONE)
    });
    meth(S, "intersection_update", |a| inplace_setop(a, binop::AND));
    meth(S, "difference_update", |a| inplace_setop(a, binop::SUB));
    meth(S, "symmetric_difference_update", |a| {
        inplace_setop(a, binop::XOR)
    });
    meth(S, "__init__", |a| {
        let s = self_set(&a)?;
        s.clear();
        if let Some(&v) = a.pos.get(1) {
            set_update(s, v)?;
        }
        Ok(Value::NONE)
    });
}

// ---------------------------------------------------------------- numbers

fn install_number_methods() {
    meth(C::int, "bit_length", |a| {
        let b = ops::big_of(a.pos[0]).unwrap();
        Ok(Value::small(b.bits() as i64))
    });
    meth(C::int, "bit_count", |a| {
        let b = ops::big_of(a.pos[0]).unwrap();
        Ok(Value::small(b.magnitude().count_ones() as i64))
    });
    meth(C::int, "conjugate", |a| Ok(a.pos[0]));
    meth(C::int, "__index__", |a| Ok(a.pos[0]));
    meth(C::int, "__int__", |a| Ok(payload(a.pos[0])));
    meth(C::int, "__float__", |a| {
        Ok(new_float(ops::float_of(a.pos[0]).unwrap_or(0.0)))
    });
    meth(C::int, "as_integer_ratio", |a| {
        Ok(new_tuple(&[a.pos[0], Value::small(1)]))
    });
    meth(C::int, "to_bytes", |a| {
        let b = ops::big_of(a.pos[0]).unwrap();
        let len = match arg_or_kw(&a, 1, "length") {
            Some(l) => index_of(l)? as usize,
            None => 1,
        };
        let order = arg_or_kw(&a, 2, "byteorder")
            .map(str_of)
            .transpose()?
            .unwrap_or_else(|| "big".into());
        let signed = kwarg(&a, "signed")
            .map(truthy)
            .transpose()?
            .unwrap_or(false);
        if b.is_negative() && !signed {
            return Err(vm::overflow("can't convert negative int to unsigned"));
        }
        let mut bytes = if signed {
            b.to_signed_bytes_le()
        } else {
            b.to_bytes_le().1
        };
        if bytes.len() > len && !(bytes.len() == len + 1 && bytes[len] == 0 && !signed) {
            return Err(vm::overflow("int too big to convert"));
        }
        let fill = if b.is_negative() { 0xff } else { 0 };
        bytes.resize(len, fill);
        if order == "big" {
            bytes.reverse();
        }
        Ok(new_bytes(bytes, false))
    });
    classmeth(C::int, "from_bytes", |a| {
        let bytes = ops::bytes_like(a.pos[1]).map(Ok).unwrap_or_else(|| {
            seq_items(a.pos[1]).map(|v| v.iter().map(|x| int_of(*x).unwrap_or(0) as u8).collect())
        })?;
        let order = arg_or_kw(&a, 2, "byteorder")
            .map(str_of)
            .transpose()?
            .unwrap_or_else(|| "big".into());
        let signed = kwarg(&a, "signed")
            .map(truthy)
            .transpose()?
            .unwrap_or(false);
        let mut b = bytes.clone();
        if order == "big" {
            b.reverse();
        }
        let v = if signed {
            BigInt::from_signed_bytes_le(&b)
        } else {
            BigInt::from_bytes_le(num_bigint::Sign::Plus, &b)
        };
        Ok(new_bigint(v))
    });
    meth(C::float, "is_integer", |a| {
        Ok(Value::bool(ops::float_of(a.pos[0]).unwrap().fract() == 0.0))
    });
    meth(C::float, "conjugate", |a| Ok(a.pos[0]));
    meth(C::float, "__float__", |a| Ok(a.pos[0]));
    meth(C::float, "__int__", |a| {
        new_int_from(Args {
            pos: &[payload(a.pos[0])],
            kwnames: &[],
            kwvals: &[],
        })
    });
    meth(C::float, "as_integer_ratio", |a| {
        let f = ops::float_of(a.pos[0]).unwrap();
        if !f.is_finite() {
            return Err(if f.is_nan() {
                value_error("cannot convert NaN to integer ratio")
            } else {
                vm::overflow("cannot convert Infinity to integer ratio")
            });
        }
        let (m, e) = ops::frexp(f);
        let mut mant = m;
        let mut exp = e;
        for _ in 0..300 {
            if mant.fract() == 0.0 {
                break;
            }
            mant *= 2.0;
            exp -= 1;
        }
        let mut num = BigInt::from(mant as i64);
        let mut den = BigInt::from(1);
        if exp > 0 {
            num <<= exp as usize;
        } else {
            den <<= (-exp) as usize;
        }
        let g = num_integer::Integer::gcd(&num, &den);
        Ok(new_tuple(&[new_bigint(&num / &g), new_bigint(&den / &g)]))
    });
    meth(C::float, "hex", |a| {
        Ok(new_string(crate::objects::format::float_hex(
            ops::float_of(a.pos[0]).unwrap(),
        )))
    });
    classmeth(C::float, "fromhex", |a| {
        let s = str_arg(a.pos[1], "fromhex arg")?;
        crate::objects::format::float_fromhex(&s.s)
            .map(new_float)
            .ok_or_else(|| value_error("invalid hexadecimal floating-point string"))
    });
    meth(C::complex, "conjugate", |a| {
        let c = as_complex(a.pos[0]).unwrap();
        Ok(new_complex(c.re, -c.im))
    });
    for c in [C::int, C::float, C::str, C::complex] {
        meth(c, "__format__", |a| {
            crate::objects::format::format_value(a.pos[0], &str_arg(a.pos[1], "format spec")?.s)
        });
    }
    meth(C::float, "__round__", |a| {
        bi_round(Args {
            pos: a.pos,
            kwnames: &[],
            kwvals: &[],
        })
    });
    meth(C::int, "__round__", |a| {
        bi_round(Args {
            pos: a.pos,
            kwnames: &[],
            kwvals: &[],
        })
    });
}

// ---------------------------------------------------------------- bytes

fn self_bytes(a: &Args) -> PyResult<Vec<u8>> {
    a.pos
        .first()
        .and_then(|&v| ops::bytes_like(payload(v)))
        .ok_or_else(|| type_error("descriptor requires a bytes object"))
}

fn bytes_pad(a: Args, mode: u8) -> PyResult<Value> {
    let b = self_bytes(&a)?;
    let w = index_of(a.pos[1])? as usize;
    let fill = a
        .pos
        .get(2)
        .and_then(|&v| ops::bytes_like(v))
        .and_then(|f| f.first().copied())
        .unwrap_or(b' ');
    let mutable = payload(a.pos[0]).is_kind(Kind::ByteArray);
    if w <= b.len() {
        return Ok(new_bytes(b, mutable));
    }
    let pad = w - b.len();
    let (l, r) = match mode {
        0 => (0, pad),
        1 => (pad, 0),
        _ => {
            let l = pad / 2 + (pad & w & 1);
            (l, pad - l)
        }
    };
    let mut out = vec![fill; l];
    out.extend_from_slice(&b);
    out.extend(std::iter::repeat_n(fill, r));
    Ok(new_bytes(out, mutable))
}

fn install_bytes_methods() {
    for c in [C::bytes, C::bytearray] {
        meth(c, "decode", |a| {
            let b = self_bytes(&a)?;
            let enc = arg_or_kw(&a, 1, "encoding")
                .map(str_of)
                .transpose()?
                .unwrap_or_else(|| "utf-8".into())
                .to_lowercase()
                .replace('_', "-");
            let errors = arg_or_kw(&a, 2, "errors")
                .map(str_of)
                .transpose()?
                .unwrap_or_else(|| "strict".into());
            match enc.as_str() {
                "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" => {
                    return Ok(new_string(b.iter().map(|&x| x as char).collect()))
                }
                "ascii" if b.iter().all(|x| x.is_ascii()) => {
                    return Ok(new_string(b.iter().map(|&x| x as char).collect()))
                }
                _ => {}
            }
            if errors == "replace" {
                return Ok(new_string(String::from_utf8_lossy(&b).into_owned()));
            }
            if errors == "ignore" {
                return Ok(new_string(
                    String::from_utf8_lossy(&b).replace('\u{fffd}', ""),
                ));
            }
            if let Err(e) = std::str::from_utf8(&b) {
                let start = e.valid_up_to();
                let reason = if e.error_len().is_none() {
                    "unexpected end of data"
                } else {
                    "invalid start byte"
                };
                let ex = vm::new_exception(
                    cls(C::UnicodeDecodeError),
                    &[
                        new_str("utf-8"),
                        new_bytes(b.clone(), false),
                        Value::small(start as i64),
                        Value::small(start as i64 + 1),
                        new_str(reason),
                    ],
                );
                if let Some(inst) = as_instance(ex) {
                    ops::instance_set(inst, intern("start"), Value::small(start as i64));
                    ops::instance_set(inst, intern("end"), Value::small(start as i64 + 1));
                    ops::instance_set(inst, intern("reason"), new_str(reason));
                }
                return Err(PyErr(ex));
            }
            match String::from_utf8(b) {
                Ok(s) => Ok(new_string(s)),
                Err(e) => Err(vm::exc(C::UnicodeDecodeError, format!("'utf-8' codec can't decode byte 0x{:02x} in position {}: invalid start byte", e.as_bytes()[e.utf8_error().valid_up_to()], e.utf8_error().valid_up_to()))),
            }
        });
        meth(c, "hex", |a| {
            let b = self_bytes(&a)?;
            Ok(new_string(b.iter().map(|x| format!("{x:02x}")).collect()))
        });
        meth(c, "count", |a| {
            let b = self_bytes(&a)?;
            let n = match int_of(a.pos[1]) {
                Some(i) => vec![i as u8],
                None => ops::bytes_like(a.pos[1]).unwrap_or_default(),
            };
            if n.is_empty() {
                return Ok(Value::small(b.len() as i64 + 1));
            }
            let mut c = 0;
            let mut i = 0;
            while i + n.len() <= b.len() {
                if b[i..i + n.len()] == n[..] {
                    c += 1;
                    i += n.len();
                } else {
                    i += 1;
                }
            }
            Ok(Value::small(c))
        });
        meth(c, "find", |a| {
            let b = self_bytes(&a)?;
            let n = match int_of(a.pos[1]) {
                Some(i) => vec![i as u8],
                None => ops::bytes_like(a.pos[1]).unwrap_or_default(),
            };
            let p = (0..=b.len().saturating_sub(n.len()))
                .find(|&i| b.len() >= n.len() && b[i..i + n.len()] == n[..]);
            Ok(Value::small(p.map(|x| x as i64).unwrap_or(-1)))
        });
        meth(c, "center", |a| bytes_pad(a, 2));
        meth(c, "ljust", |a| bytes_pad(a, 0));
        meth(c, "rjust", |a| bytes_pad(a, 1));
        meth(c, "zfill", |a| {
            let b = self_bytes(&a)?;
            let w = index_of(a.pos[1])? as usize;
            let mutable = payload(a.pos[0]).is_kind(Kind::ByteArray);
            if w <= b.len() {
                return Ok(new_bytes(b, mutable));
            }
            let (sign, rest) = if b.first().is_some_and(|&c| c == b'+' || c == b'-') {
                b.split_at(1)
            } else {
                (&b[..0], &b[..])
            };
            let mut out = sign.to_vec();
            out.extend(std::iter::repeat_n(b'0', w - b.len()));
            out.extend_from_slice(rest);
            Ok(new_bytes(out, mutable))
        });
        meth(c, "title", |a| {
            let b = self_bytes(&a)?;
            let s: String = b.iter().map(|&c| c as char).collect();
            let t = title_case(&s);
            Ok(new_bytes(
                t.chars().map(|c| c as u32 as u8).collect(),
                payload(a.pos[0]).is_kind(Kind::ByteArray),
            ))
        });
        meth(c, "isalpha", |a| {
            let b = self_bytes(&a)?;
            Ok(Value::bool(
                !b.is_empty() && b.iter().all(|x| x.is_ascii_alphabetic()),
            ))
        });
        meth(c, "isdigit", |a| {
            let b = self_bytes(&a)?;
            Ok(Value::bool(
                !b.is_empty() && b.iter().all(|x| x.is_ascii_digit()),
            ))
        });
        meth(c, "isalnum", |a| {
            let b = self_bytes(&a)?;
            Ok(Value::bool(
                !b.is_empty() && b.iter().all(|x| x.is_ascii_alphanumeric()),
            ))
        });
        meth(c, "isspace", |a| {
            let b = self_bytes(&a)?;
            Ok(Value::bool(
                !b.is_empty() && b.iter().all(|x| x.is_ascii_whitespace()),
            ))
        });
        meth(c, "isupper", |a| {
            let b = self_bytes(&a)?;
            Ok(Value::bool(
                b.iter().any(|x| x.is_ascii_uppercase())
                    && !b.iter().any(|x| x.is_ascii_lowercase()),
            ))
        });
        meth(c, "islower", |a| {
            let b = self_bytes(&a)?;
            Ok(Value::bool(
                b.iter().any(|x| x.is_ascii_lowercase())
                    && !b.iter().any(|x| x.is_ascii_uppercase()),
            ))
        });
        meth(c, "index", |a| {
            let b = self_bytes(&a)?;
            let n = match int_of(a.pos[1]) {
                Some(i) => vec![i as u8],
                None => ops::bytes_like(a.pos[1]).unwrap_or_default(),
            };
            let p = (0..=b.len().saturating_sub(n.len()))
                .find(|&i| b.len() >= n.len() && b[i..i + n.len()] == n[..]);
            p.map(|x| Value::small(x as i64))
                .ok_or_else(|| value_error("subsequence not found"))
        });
        meth(c, "startswith", |a| {
            let b = self_bytes(&a)?;
            Ok(Value::bool(b.starts_with(
                &ops::bytes_like(a.pos[1]).unwrap_or_default(),
            )))
        });
        meth(c, "endswith", |a| {
            let b = self_bytes(&a)?;
            Ok(Value::bool(
                b.ends_with(&ops::bytes_like(a.pos[1]).unwrap_or_default()),
            ))
        });
        meth(c, "upper", |a| {
            let mutable = payload(a.pos[0]).is_kind(Kind::ByteArray);
            Ok(new_bytes(self_bytes(&a)?.to_ascii_uppercase(), mutable))
        });
        meth(c, "lower", |a| {
            let mutable = payload(a.pos[0]).is_kind(Kind::ByteArray);
            Ok(new_bytes(self_bytes(&a)?.to_ascii_lowercase(), mutable))
        });
        meth(c, "strip", |a| {
            let b = self_bytes(&a)?;
            let chars = a
                .pos
                .get(1)
                .and_then(|&v| ops::bytes_like(v))
                .unwrap_or_else(|| b" \t\n\r\x0b\x0c".to_vec());
            let s = b.iter().position(|x| !chars.contains(x)).unwrap_or(b.len());
            let e = b
                .iter()
                .rposition(|x| !chars.contains(x))
                .map(|p| p + 1)
                .unwrap_or(s);
            Ok(new_bytes(
                b[s..e.max(s)].to_vec(),
                payload(a.pos[0]).is_kind(Kind::ByteArray),
            ))
        });
        meth(c, "split", |a| {
            let b = self_bytes(&a)?;
            let mut out = ArgVec::new();
            match a.pos.get(1).and_then(|&v| ops::bytes_like(v)) {
                Some(sep) if !sep.is_empty() => {
                    let mut start = 0;
                    let mut i = 0;
                    while i + sep.len() <= b.len() {
                        if b[i..i + sep.len()] == sep[..] {
                            out.push(new_bytes(b[start..i].to_vec(), false));
                            i += sep.len();
                            start = i;
                        } else {
                            i += 1;
                        }
                    }
                    out.push(new_bytes(b[start..].to_vec(), false));
                }
                _ => {
                    for w in b
                        .split(|x| x.is_ascii_whitespace())
                        .filter(|w| !w.is_empty())
                    {
                        out.push(new_bytes(w.to_vec(), false));
                    }
                }
            }
            Ok(new_list_from(&out))
        });
        meth(c, "join", |a| {
            let sep = self_bytes(&a)?;
            let mut out = Vec::new();
            for (i, x) in seq_items(a.pos[1])?.iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(&sep);
                }
                out.extend_from_slice(
                    &ops::bytes_like(*x)
                        .ok_or_else(|| type_error("sequence item: expected a bytes-like object"))?,
                );
            }
            Ok(new_bytes(out, false))
        });
        meth(c, "replace", |a| {
            let b = self_bytes(&a)?;
            let old = ops::bytes_like(a.pos[1]).unwrap_or_default();
            let new = ops::bytes_like(a.pos[2]).unwrap_or_default();
            let mut out = Vec::new();
            let mut i = 0;
            while i < b.len() {
                if !old.is_empty() && b[i..].starts_with(&old) {
                    out.extend_from_slice(&new);
                    i += old.len();
                } else {
                    out.push(b[i]);
                    i += 1;
                }
            }
            Ok(new_bytes(out, false))
        });
    }
    classmeth(C::bytes, "fromhex", |a| {
        let s = str_arg(a.pos[1], "fromhex arg")?;
        let clean: String = s.s.chars().filter(|c| !c.is_whitespace()).collect();
        if !clean.len().is_multiple_of(2) {
            return Err(value_error("non-hexadecimal number found in fromhex() arg"));
        }
        let mut out = Vec::new();
        for i in (0..clean.len()).step_by(2) {
            out.push(
                u8::from_str_radix(&clean[i..i + 2], 16)
                    .map_err(|_| value_error("non-hexadecimal number found in fromhex() arg"))?,
            );
        }
        Ok(new_bytes(out, false))
    });
    meth(C::bytearray, "append", |a| {
        let b = as_bytearray(payload(a.pos[0])).unwrap();
        let i = index_of(a.pos[1])?;
        if !(0..256).contains(&i) {
            return Err(value_error("byte must be in range(0, 256)"));
        }
        b.data().push(i as u8);
        Ok(Value::NONE)
    });
    meth(C::bytearray, "extend", |a| {
        let b = as_bytearray(payload(a.pos[0])).unwrap();
        let extra = match ops::bytes_like(a.pos[1]) {
            Some(x) => x,
            None => seq_items(a.pos[1])?
                .iter()
                .map(|&x| int_of(x).unwrap_or(0) as u8)
                .collect(),
        };
        b.data().extend_from_slice(&extra);
        Ok(Value::NONE)
    });
    meth(C::bytearray, "insert", |a| {
        let b = as_bytearray(payload(a.pos[0])).unwrap();
        let n = b.data().len() as i64;
        let mut i = index_of(a.pos[1])?;
        if i < 0 {
            i = (i + n).max(0);
        }
        let x = index_of(a.pos[2])?;
        if !(0..256).contains(&x) {
            return Err(value_error("byte must be in range(0, 256)"));
        }
        b.data().insert(i.min(n) as usize, x as u8);
        Ok(Value::NONE)
    });
    meth(C::bytearray, "reverse", |a| {
        as_bytearray(payload(a.pos[0])).unwrap().data().reverse();
        Ok(Value::NONE)
    });
    meth(C::bytearray, "pop", |a| {
        let b = as_bytearray(payload(a.pos[0])).unwrap();
        b.data()
            .pop()
            .map(|x| Value::small(x as i64))
            .ok_or_else(|| vm::index_error("pop from empty bytearray"))
    });
}

// ---------------------------------------------------------------- object, type, exceptions, misc

fn exc_args(v: Value) -> ArgVec {
    ops::getattr(v, intern("args"))
        .ok()
        .and_then(as_tuple)
        .map(|t| t.as_slice().iter().copied().collect())
        .unwrap_or_default()
}

fn install_type_methods() {
    for (i, _) in vm::CLASS_NAMES.iter().enumerate() {
        let c = vm().classes[i].get();
        c.dict.set_str(
            "__new__",
            Value::obj(gc::alloc(WrapperObj {
                kind: Kind::StaticMethod,
                f: new_builtin(
                    Box::leak(format!("{}.__new__", vm::CLASS_NAMES[i]).into_boxed_str()),
                    builtin_new,
                ),
            })),
        );
    }
    cls(C::object).dict.set_str(
        "__new__",
        Value::obj(gc::alloc(WrapperObj {
            kind: Kind::StaticMethod,
            f: new_builtin("object.__new__", object_new),
        })),
    );
    let ex = cls(C::BaseException);
    ex.dict.set_str(
        "__new__",
        Value::obj(gc::alloc(WrapperObj {
            kind: Kind::StaticMethod,
            f: new_builtin("BaseException.__new__", object_new),
        })),
    );
    use C::object as O;
    meth(O, "__init__", |_| Ok(Value::NONE));
    meth(O, "__repr__", |a| {
        Ok(new_string(ops::default_repr(a.pos[0])?))
    });
    meth(O, "__str__", |a| Ok(new_string(ops::repr(a.pos[0])?)));
    meth(O, "__hash__", |a| Ok(new_int(ops::identity(a.pos[0]))));
    meth(O, "__eq__", |a| {
        Ok(if a.pos[0] == a.pos[1] {
            Value::TRUE
        } else {
            Value::NOT_IMPLEMENTED
        })
    });
    meth(O, "__ne__", |a| {
        let r = ops::compare(a.pos[0], a.pos[1], 2)?;
        Ok(Value::bool(!truthy(r)?))
    });
    meth(O, "__setattr__", |a| {
        ops::generic_setattr(a.pos[0], a.pos[1], a.pos[2])?;
        Ok(Value::NONE)
    });
    meth(O, "__delattr__", |a| {
        ops::generic_delattr(a.pos[0], a.pos[1])?;
        Ok(Value::NONE)
    });
    meth(O, "__getattribute__", |a| {
        match ops::generic_getattr(a.pos[0], a.pos[1])? {
            Some(v) => Ok(v),
            None => Err(ops::attr_missing(a.pos[0], a.pos[1])),
        }
    });
    meth(O, "__format__", |a| {
        let spec = str_arg(a.pos[1], "format spec")?;
        if !spec.s.is_empty() {
            return Err(type_error(format!(
                "unsupported format string passed to {}.__format__",
                vm::type_name(a.pos[0])
            )));
        }
        ops::to_str(a.pos[0])
    });
    meth(O, "__init_subclass__", |_| Ok(Value::NONE));
    meth(O, "__dir__", bi_dir);
    meth(O, "__reduce__", |_| Ok(Value::NONE));
    // type
    meth(C::type_, "mro", |a| {
        let c = as_class(a.pos[0]).unwrap();
        Ok(new_list_from(as_tuple(c.mro.get()).unwrap().as_slice()))
    });
    meth(C::type_, "__subclasses__", |a| {
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
    meth(C::type_, "__call__", |a| {
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
    meth(E, "__init__", |a| {
        if let Some(inst) = as_instance(a.pos[0]) {
            ops::instance_set(inst, intern("args"), new_tuple(&a.pos[1..]));
        }
        Ok(Value::NONE)
    });
    meth(E, "__str__", |a| {
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
    meth(E, "__repr__", |a| {
        let args = exc_args(a.pos[0]);
        let name = vm::type_name(a.pos[0]);
        Ok(new_string(if args.len() == 1 {
            format!("{}({})", name, ops::repr(args[0])?)
        } else {
            format!("{}{}", name, ops::repr(new_tuple(&args))?)
        }))
    });
    meth(E, "with_traceback", |a| Ok(a.pos[0]));
    // OSError(errno, strerror[, filename[, winerror[, filename2]]]): the attributes and
    // CPython's "[Errno N] text: 'file'" form; other argument counts behave as Exception.
    for attr in ["errno", "strerror", "filename", "filename2"] {
        cls(C::OSError).dict.set_str(attr, Value::NONE);
    }
    meth(C::OSError, "__init__", |a| {
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
    meth(C::OSError, "__str__", |a| {
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
    meth(C::UnicodeDecodeError, "__str__", |a| {
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
    meth(C::UnicodeEncodeError, "__str__", |a| {
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
    meth(E, "add_note", |a| {
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
            doc: Value::NONE,
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
            doc: Value::NONE,
        })),
    );
    compute_flags(cls(C::StopIteration));
    compute_flags(cls(C::SystemExit));
    for c in [C::StopIteration, C::SystemExit] {
        cls(c).flags.set(cls(c).flags.get() | CF_HAS_DESCRIPTORS);
    }
    // propagate descriptor flag to subclasses created later via compute_flags (mro walk)
}

fn install_misc_methods() {
    use C::generator as G;
    meth(G, "send", |a| {
        let g = as_generator(a.pos[0]).unwrap();
        match interpreter::gen_resume(g, a.pos.get(1).copied().unwrap_or(Value::NONE), None)? {
            interpreter::GenResult::Yield(v) => Ok(v),
            interpreter::GenResult::Return(r) => Err(vm::stop_iteration(r)),
        }
    });
    meth(G, "throw", |a| {
        let g = as_generator(a.pos[0]).unwrap();
        let mut e = a.pos[1];
        if let (Some(_), Some(&v)) = (as_class(e), a.pos.get(2)) {
            e = call(e, &[v])?;
        }
        let e = interpreter::make_exception(e)?;
        match interpreter::gen_resume(g, Value::NONE, Some(PyErr(e)))? {
            interpreter::GenResult::Yield(v) => Ok(v),
            interpreter::GenResult::Return(r) => Err(vm::stop_iteration(r)),
        }
    });
    meth(G, "close", |a| {
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
        meth(c, "__iter__", |a| Ok(a.pos[0]));
        meth(c, "__next__", |a| match ops::next(a.pos[0])? {
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
            doc: p.doc,
        })))
    }
    meth(C::property, "getter", |a| prop_with(&a, 0));
    meth(C::property, "setter", |a| prop_with(&a, 1));
    meth(C::property, "deleter", |a| prop_with(&a, 2));
    meth(C::property, "__get__", |a| {
        let p = as_property(a.pos[0]).unwrap();
        if a.pos.get(1).is_none_or(|v| v.is_none()) {
            return Ok(a.pos[0]);
        }
        call(p.fget, &[a.pos[1]])
    });
    meth(C::property, "__set__", |a| {
        let p = as_property(a.pos[0]).unwrap();
        call(p.fset, &[a.pos[1], a.pos[2]])?;
        Ok(Value::NONE)
    });
    meth(C::range, "index", |a| {
        let r = as_range(a.pos[0]).unwrap();
        if !ops::contains(a.pos[0], a.pos[1])? {
            return Err(value_error(format!(
                "{} is not in range",
                ops::repr(a.pos[1])?
            )));
        }
        Ok(new_int((int_of(a.pos[1]).unwrap() - r.start) / r.step))
    });
    meth(C::range, "count", |a| {
        Ok(Value::small(ops::contains(a.pos[0], a.pos[1])? as i64))
    });
    meth(C::slice, "indices", |a| {
        let s = as_slice(a.pos[0]).unwrap();
        let (st, sp, step, _) = ops::slice_indices(s, index_of(a.pos[1])? as usize)?;
        Ok(new_tuple(&[new_int(st), new_int(sp), new_int(step)]))
    });
    meth(C::dict_keys, "isdisjoint", |a| {
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
        ("__getitem__", |a| ops::getitem(payload(a.pos[0]), a.pos[1])),
        ("__setitem__", |a| {
            ops::setitem(payload(a.pos[0]), a.pos[1], a.pos[2]).map(|_| Value::NONE)
        }),
        ("__delitem__", |a| {
            ops::delitem(payload(a.pos[0]), a.pos[1]).map(|_| Value::NONE)
        }),
        ("__len__", |a| {
            Ok(Value::small(ops::len(payload(a.pos[0]))? as i64))
        }),
        ("__contains__", |a| {
            Ok(Value::bool(ops::contains(payload(a.pos[0]), a.pos[1])?))
        }),
        ("__iter__", |a| ops::get_iter(payload(a.pos[0]))),
        ("__repr__", |a| {
            Ok(new_string(ops::repr(payload(a.pos[0]))?))
        }),
        ("__eq__", |a| {
            ops::compare(payload(a.pos[0]), payload(a.pos[1]), 2)
        }),
        ("__ne__", |a| {
            ops::compare(payload(a.pos[0]), payload(a.pos[1]), 3)
        }),
        ("__lt__", |a| {
            ops::compare(payload(a.pos[0]), payload(a.pos[1]), 0)
        }),
        ("__le__", |a| {
            ops::compare(payload(a.pos[0]), payload(a.pos[1]), 1)
        }),
        ("__gt__", |a| {
            ops::compare(payload(a.pos[0]), payload(a.pos[1]), 4)
        }),
        ("__ge__", |a| {
            ops::compare(payload(a.pos[0]), payload(a.pos[1]), 5)
        }),
        ("__hash__", |a| Ok(new_int(ops::hash(payload(a.pos[0]))?))),
        ("__add__", |a| {
            ops::binary_op(payload(a.pos[0]), a.pos[1], binop::ADD)
        }),
        ("__sub__", |a| {
            ops::binary_op(payload(a.pos[0]), a.pos[1], binop::SUB)
        }),
        ("__mul__", |a| {
            ops::binary_op(payload(a.pos[0]), a.pos[1], binop::MUL)
        }),
        ("__truediv__", |a| {
            ops::binary_op(payload(a.pos[0]), a.pos[1], binop::TRUEDIV)
        }),
        ("__floordiv__", |a| {
            ops::binary_op(payload(a.pos[0]), a.pos[1], binop::FLOORDIV)
        }),
        ("__mod__", |a| {
            ops::binary_op(payload(a.pos[0]), a.pos[1], binop::MOD)
        }),
        ("__pow__", |a| {
            ops::binary_op(payload(a.pos[0]), a.pos[1], binop::POW)
        }),
        ("__and__", |a| {
            ops::binary_op(payload(a.pos[0]), a.pos[1], binop::AND)
        }),
        ("__or__", |a| {
            ops::binary_op(payload(a.pos[0]), a.pos[1], binop::OR)
        }),
        ("__xor__", |a| {
            ops::binary_op(payload(a.pos[0]), a.pos[1], binop::XOR)
        }),
        ("__lshift__", |a| {
            ops::binary_op(payload(a.pos[0]), a.pos[1], binop::LSHIFT)
        }),
        ("__rshift__", |a| {
            ops::binary_op(payload(a.pos[0]), a.pos[1], binop::RSHIFT)
        }),
        ("__radd__", |a| {
            ops::binary_op(a.pos[1], payload(a.pos[0]), binop::ADD)
        }),
        ("__rsub__", |a| {
            ops::binary_op(a.pos[1], payload(a.pos[0]), binop::SUB)
        }),
        ("__rmul__", |a| {
            ops::binary_op(a.pos[1], payload(a.pos[0]), binop::MUL)
        }),
        ("__neg__", |a| ops::unary_neg(payload(a.pos[0]))),
        ("__abs__", |a| {
            bi_abs(Args {
                pos: &[payload(a.pos[0])],
                kwnames: &[],
                kwvals: &[],
            })
        }),
        ("__bool__", |a| Ok(Value::bool(truthy(payload(a.pos[0]))?))),
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
        for &(name, f) in dunders {
            if !builtin_has_dunder(c, name) {
                continue;
            }
            if d.get_str(name).is_none() {
                let qual: &'static str =
                    Box::leak(format!("{}.{}", vm::CLASS_NAMES[c as usize], name).into_boxed_str());
                d.set_str(name, new_builtin(qual, f));
            }
        }
    }
    // dict subclass support: __missing__ handled in ops::getitem
    let _ = (C::frame, Value::obj(cls(C::cell)));
}
