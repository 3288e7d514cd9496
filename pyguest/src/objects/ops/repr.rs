//! `repr` and `str` of every built-in type (floats through `format.rs`), with recursion
//! guards for self-containing containers, and `str` of instances through `__str__`/`__repr__`.

use super::*;

// ---------------------------------------------------------------- repr / str

thread_local! {
    static REPR_DEPTH: Cell<usize> = const { Cell::new(0) };
}

pub fn repr(v: Value) -> PyResult<String> {
    let mut s = String::new();
    repr_into(v, &mut s)?;
    Ok(s)
}

pub fn str_repr(s: &str) -> String {
    let q = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(q);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == q => {
                out.push('\\');
                out.push(c)
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if !is_printable(c) => {
                let n = c as u32;
                if n < 0x100 {
                    out.push_str(&format!("\\x{n:02x}"));
                } else if n < 0x10000 {
                    out.push_str(&format!("\\u{n:04x}"));
                } else {
                    out.push_str(&format!("\\U{n:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push(q);
    out
}

fn is_printable(c: char) -> bool {
    let n = c as u32;
    const NON: &[(u32, u32)] = &[
        (0x80, 0xa0),
        (0xad, 0xad),
        (0x600, 0x605),
        (0x61c, 0x61c),
        (0x6dd, 0x6dd),
        (0x70f, 0x70f),
        (0x1680, 0x1680),
        (0x180e, 0x180e),
        (0x2000, 0x200f),
        (0x2028, 0x202f),
        (0x205f, 0x2064),
        (0x2066, 0x206f),
        (0x3000, 0x3000),
        (0xd800, 0xf8ff),
        (0xfeff, 0xfeff),
        (0xfff0, 0xfffb),
        (0xfffe, 0xffff),
        (0x110bd, 0x110bd),
        (0x1d173, 0x1d17a),
        (0xe0000, 0xe0fff),
        (0xf0000, 0x10ffff),
    ];
    !NON.iter().any(|&(a, b)| n >= a && n <= b)
}

pub fn bytes_repr(b: &[u8], prefix: &str) -> String {
    let q = if b.contains(&b'\'') && !b.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::from(prefix);
    out.push(q);
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            c if c as char == q => {
                out.push('\\');
                out.push(c as char)
            }
            0x20..=0x7e => out.push(c as char),
            c => out.push_str(&format!("\\x{c:02x}")),
        }
    }
    out.push(q);
    out
}

fn seq_repr(items: &[Value], open: &str, close: &str, out: &mut String) -> PyResult<()> {
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

fn repr_guard(
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

fn repr_inner(v: Value, out: &mut String) -> PyResult<()> {
    match v.kind().unwrap() {
        Kind::Str => out.push_str(&str_repr(&as_str(v).unwrap().s)),
        Kind::Float => out.push_str(&crate::objects::format::float_repr(
            as_float_obj(v).unwrap().v,
        )),
        Kind::BigInt => {
            let b = as_bigint(v).unwrap();
            out.push_str(&crate::objects::int::decimal_string(&b.v)?)
        }
        Kind::Complex => {
            let c = as_complex(v).unwrap();
            out.push_str(&crate::objects::format::complex_repr(c.re, c.im))
        }
        Kind::List => {
            let l = as_list_exact(v).unwrap();
            repr_guard(v, out, "[...]", |out| {
                // the length is re-read after each item: an item's __repr__ may change the list
                out.push('[');
                let mut i = 0;
                while i < l.len() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    repr_into(l.get(i), out)?;
                    i += 1;
                }
                out.push(']');
                Ok(())
            })?
        }
        Kind::Tuple => {
            let t = as_tuple_exact(v).unwrap();
            if t.len() == 1 {
                out.push('(');
                repr_into(t.as_slice()[0], out)?;
                out.push_str(",)");
            } else {
                seq_repr(t.as_slice(), "(", ")", out)?;
            }
        }
        Kind::Dict => {
            let d = as_dict_exact(v).unwrap();
            repr_guard(v, out, "{...}", |out| {
                out.push('{');
                let mut first = true;
                let mut i = 0;
                while i < d.entry_count() {
                    let k = d.key_at(i);
                    if !k.is_null() {
                        if !first {
                            out.push_str(", ");
                        }
                        first = false;
                        repr_into(k, out)?;
                        out.push_str(": ");
                        repr_into(d.val_at(i), out)?;
                    }
                    i += 1;
                }
                out.push('}');
                Ok(())
            })?
        }
        Kind::Set | Kind::FrozenSet => {
            let s = as_set(v).unwrap();
            let frozen = v.is_kind(Kind::FrozenSet);
            if s.is_empty() {
                out.push_str(if frozen { "frozenset()" } else { "set()" });
            } else {
                if frozen {
                    out.push_str("frozenset(");
                }
                let items = s.items();
                let l = as_list_exact(items).unwrap();
                let items: ArgVec = l.as_slice().iter().copied().collect();
                seq_repr(&items, "{", "}", out)?;
                if frozen {
                    out.push(')');
                }
            }
        }
        Kind::Bytes => out.push_str(&bytes_repr(as_bytes(v).unwrap().data(), "b")),
        Kind::ByteArray => {
            out.push_str("bytearray(");
            out.push_str(&bytes_repr(as_bytearray(v).unwrap().data(), "b"));
            out.push(')');
        }
        Kind::Range => {
            let r = as_range(v).unwrap();
            if r.step == 1 {
                out.push_str(&format!("range({}, {})", r.start, r.stop));
            } else {
                out.push_str(&format!("range({}, {}, {})", r.start, r.stop, r.step));
            }
        }
        Kind::Slice => {
            let s = as_slice(v).unwrap();
            out.push_str("slice(");
            repr_into(s.start, out)?;
            out.push_str(", ");
            repr_into(s.stop, out)?;
            out.push_str(", ");
            repr_into(s.step, out)?;
            out.push(')');
        }
        Kind::Function => {
            let f = as_function(v).unwrap();
            out.push_str(&format!(
                "<function {} at 0x{:x}>",
                str_of(f.qualname.get())?,
                v.0
            ));
        }
        Kind::Builtin => {
            let b = as_builtin(v).unwrap();
            out.push_str(&format!(
                "<built-in function {}>",
                b.name.rsplit('.').next().unwrap_or(b.name)
            ));
        }
        Kind::BoundMethod => {
            let b = as_bound(v).unwrap();
            let name = getattr(b.func, intern("__qualname__"))
                .or_else(|_| getattr(b.func, intern("__name__")))?;
            out.push_str(&format!(
                "<bound method {} of {}>",
                str_of(name)?,
                repr(b.slf)?
            ));
        }
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
            let c = as_class(v).unwrap();
            let module = c.dict.get_str("__module__");
            let qual = c.dict.get_str("__qualname__").unwrap_or(c.name.get());
            match module {
                Some(m) if !crate::objects::str_eq(m, "builtins") => {
                    out.push_str(&format!("<class '{}.{}'>", str_of(m)?, str_of(qual)?))
                }
                _ => out.push_str(&format!("<class '{}'>", str_of(c.name.get())?)),
            }
        }
        Kind::Module => {
            let m = as_module(v).unwrap();
            out.push_str(&format!("<module '{}'>", str_of(m.name)?));
        }
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
                match as_str(r) {
                    Some(s) => out.push_str(&s.s),
                    None => {
                        return Err(type_error(format!(
                            "__repr__ returned non-string (type {})",
                            vm::type_name(r)
                        )))
                    }
                }
            } else {
                out.push_str(&default_repr(v)?);
            }
        }
        Kind::Iter => {
            let it = as_iter(v).unwrap();
            if it.n.get() < 0 {
                let name = vm::type_name(v);
                let l = crate::objects::native::list_of(v)?;
                out.push_str(&name);
                out.push('(');
                repr_into(l, out)?;
                out.push(')');
            } else {
                out.push_str(&format!("<{} object at 0x{:x}>", vm::type_name(v), v.0));
            }
        }
        Kind::Property
        | Kind::ClassMethod
        | Kind::StaticMethod
        | Kind::Super
        | Kind::Frame
        | Kind::Cell
        | Kind::Code => {
            out.push_str(&format!("<{} object at 0x{:x}>", vm::type_name(v), v.0));
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
    if let Some(inst) = as_instance(v) {
        let t = inst.cls.get();
        if let Some(m) = lookup_type(t, "__str__") {
            let bname = as_builtin(m).map(|b| b.name);
            if bname == Some("str.__str__") {
                if let Some(s) = as_str(payload(v)) {
                    return Ok(s.s.to_string());
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
    if v.is_kind(Kind::Str) {
        return Ok(v);
    }
    Ok(new_string(str_of(v)?))
}

pub fn exc_message(e: Value) -> String {
    str_of(e).unwrap_or_default()
}
