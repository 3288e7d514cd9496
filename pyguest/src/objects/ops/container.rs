//! Containers and iteration: `len`, index and slice normalisation, subscripting (`getitem` /
//! `setitem` / `delitem`, with slices), `in`, and `get_iter`/`next` for every iterable.

use super::*;
use crate::objects::surr;

// ---------------------------------------------------------------- containers

/// `len(v)`.
pub fn len(v: Value) -> PyResult<usize> {
    match v.kind() {
        Some(Kind::Str) => Ok(as_str(v).unwrap().nchars),
        Some(Kind::SurrStr) => Ok(surr::as_surr(v).unwrap().nchars),
        Some(Kind::List) => Ok(as_list_exact(v).unwrap().len()),
        Some(Kind::Tuple) => Ok(as_tuple_exact(v).unwrap().len()),
        Some(Kind::Dict) => Ok(as_dict_exact(v).unwrap().len()),
        Some(Kind::Set) | Some(Kind::FrozenSet) => Ok(as_set(v).unwrap().len()),
        Some(Kind::Bytes) | Some(Kind::ByteArray) => Ok(as_bytes(v)
            .or_else(|| as_bytearray(v))
            .unwrap()
            .data()
            .len()),
        Some(Kind::Range) => Ok(range_len(as_range(v).unwrap()) as usize),
        Some(Kind::Iter) => {
            let it = as_iter(v).unwrap();
            if it.n.get() < 0 {
                // dict view
                return len(it.a.get());
            }
            Err(type_error(format!(
                "object of type '{}' has no len()",
                vm::type_name(v)
            )))
        }
        Some(Kind::Instance) => {
            if let Some(m) = lookup_type_user(type_of(v), "__len__") {
                let r = call(m, &[v])?;
                let n = index_of(r)?;
                if n < 0 {
                    return Err(vm::value_error("__len__() should return >= 0"));
                }
                return Ok(n as usize);
            }
            let p = payload(v);
            if p != v {
                return len(p);
            }
            Err(type_error(format!(
                "object of type '{}' has no len()",
                vm::type_name(v)
            )))
        }
        Some(Kind::Class) if meta_dunder(v, "__len__").is_some() => {
            let r = call(meta_dunder(v, "__len__").unwrap(), &[v])?;
            let n = index_of(r)?;
            if n < 0 {
                return Err(vm::value_error("__len__() should return >= 0"));
            }
            Ok(n as usize)
        }
        _ => Err(type_error(format!(
            "object of type '{}' has no len()",
            vm::type_name(v)
        ))),
    }
}

/// Normalizes index `i` for a sequence of length `n`.
#[inline]
pub fn norm_index(i: i64, n: usize, what: &str) -> PyResult<usize> {
    let j = if i < 0 { i + n as i64 } else { i };
    if j < 0 || j >= n as i64 {
        return Err(vm::index_error(format!("{what} index out of range")));
    }
    Ok(j as usize)
}

/// (start, stop, step, count) of a slice applied to length `n`.
pub fn slice_indices(s: Gc<SliceObj>, n: usize) -> PyResult<(i64, i64, i64, usize)> {
    let n = n as i64;
    let step = if s.step.is_none() {
        1
    } else {
        index_of(s.step)?
    };
    if step == 0 {
        return Err(vm::value_error("slice step cannot be zero"));
    }
    let (lo, hi) = if step < 0 { (-1, n - 1) } else { (0, n) };
    let clamp = |v: Value, default: i64| -> PyResult<i64> {
        if v.is_none() {
            return Ok(default);
        }
        let mut i = index_of(v)?;
        if i < 0 {
            i += n;
            if i < lo {
                i = lo;
            }
        } else if i > hi {
            i = hi;
        }
        Ok(i)
    };
    let start = clamp(s.start, if step < 0 { hi } else { lo })?;
    let stop = clamp(s.stop, if step < 0 { lo } else { hi })?;
    let count = if step > 0 {
        if stop > start {
            ((stop - start - 1) / step + 1) as usize
        } else {
            0
        }
    } else if start > stop {
        ((start - stop - 1) / (-step) + 1) as usize
    } else {
        0
    };
    Ok((start, stop, step, count))
}

fn slice_vec(items: &[Value], s: Gc<SliceObj>) -> PyResult<ArgVec> {
    let (start, _, step, count) = slice_indices(s, items.len())?;
    let mut out = ArgVec::with_capacity(count);
    let mut i = start;
    for _ in 0..count {
        out.push(items[i as usize]);
        i += step;
    }
    Ok(out)
}

/// `o[k]`.
pub fn getitem(o: Value, k: Value) -> PyResult<Value> {
    match o.kind() {
        Some(Kind::List) => {
            let l = as_list_exact(o).unwrap();
            if let Some(i) = int_of(k) {
                let j = norm_index(i, l.len(), "list")?;
                return Ok(l.get(j));
            }
            if let Some(s) = as_slice(k) {
                return crate::objects::list::list_get_slice(l, s);
            }
            if is_int_like(k) || as_instance(k).is_some() {
                let i = index_of(k)?;
                let j = norm_index(i, l.len(), "list")?;
                return Ok(l.get(j));
            }
            Err(type_error(format!(
                "list indices must be integers or slices, not {}",
                vm::type_name(k)
            )))
        }
        Some(Kind::Tuple) => {
            let t = as_tuple_exact(o).unwrap();
            if let Some(s) = as_slice(k) {
                return Ok(new_tuple(&slice_vec(t.as_slice(), s)?));
            }
            if !is_int_like(k) && as_instance(k).is_none() {
                return Err(type_error(format!(
                    "tuple indices must be integers or slices, not {}",
                    vm::type_name(k)
                )));
            }
            let i = index_of(k)?;
            let j = norm_index(i, t.len(), "tuple")?;
            Ok(t.as_slice()[j])
        }
        Some(Kind::Dict) => {
            let d = as_dict_exact(o).unwrap();
            match d.get(k)? {
                Some(v) => Ok(v),
                None => Err(vm::key_error(k)),
            }
        }
        Some(Kind::Str) => {
            let s = as_str(o).unwrap();
            if let Some(sl) = as_slice(k) {
                return crate::objects::string::str_slice(s, sl);
            }
            if !is_int_like(k) && as_instance(k).is_none() {
                return Err(type_error(format!(
                    "string indices must be integers, not '{}'",
                    vm::type_name(k)
                )));
            }
            let i = index_of(k)?;
            let j = norm_index(i, s.nchars, "string")?;
            if s.ascii {
                return Ok(crate::objects::native::char_str(s.s.as_bytes()[j] as char));
            }
            Ok(crate::objects::native::char_str(
                s.s.chars().nth(j).unwrap(),
            ))
        }
        Some(Kind::SurrStr) => {
            let s = surr::as_surr(o).unwrap();
            if let Some(sl) = as_slice(k) {
                return surr::slice(s, sl);
            }
            if !is_int_like(k) && as_instance(k).is_none() {
                return Err(type_error(format!(
                    "string indices must be integers, not '{}'",
                    vm::type_name(k)
                )));
            }
            let j = norm_index(index_of(k)?, s.nchars, "string")?;
            surr::char_at(&s, j)
        }
        Some(Kind::Range) => {
            let r = as_range(o).unwrap();
            let n = range_len(r) as usize;
            if let Some(sl) = as_slice(k) {
                let (start, _, step, count) = slice_indices(sl, n)?;
                let st = r.start + start * r.step;
                let sp = r.step * step;
                return Ok(Value::obj(gc::alloc(RangeObj {
                    kind: Kind::Range,
                    start: st,
                    stop: st + sp * count as i64,
                    step: sp,
                })));
            }
            let i = index_of(k)?;
            let j = norm_index(i, n, "range object")?;
            Ok(new_int(r.start + j as i64 * r.step))
        }
        Some(Kind::Bytes) | Some(Kind::ByteArray) => {
            let b = as_bytes(o).or_else(|| as_bytearray(o)).unwrap();
            if let Some(sl) = as_slice(k) {
                // (the slice's bounds first: `__index__` may run Python code that resizes a
                // bytearray; then the bytes, without copying the whole buffer)
                let (start, _, step, count) = slice_indices(sl, b.data().len())?;
                let data = b.data();
                let out: Vec<u8> = if step == 1 {
                    data[start as usize..start as usize + count].to_vec()
                } else {
                    let mut out = Vec::with_capacity(count);
                    let mut i = start;
                    for _ in 0..count {
                        out.push(data[i as usize]);
                        i += step;
                    }
                    out
                };
                return Ok(new_bytes(out, o.is_kind(Kind::ByteArray)));
            }
            let i = index_of(k)?;
            // CPython: "index out of range" for bytes, "bytearray index out of range"
            let n = b.data().len();
            let j = if o.is_kind(Kind::ByteArray) {
                norm_index(i, n, "bytearray")?
            } else {
                let j = if i < 0 { i + n as i64 } else { i };
                if j < 0 || j >= n as i64 {
                    return Err(vm::index_error("index out of range"));
                }
                j as usize
            };
            Ok(Value::small(b.data()[j] as i64))
        }
        Some(Kind::Instance) => {
            let t = type_of(o);
            if let Some(m) = lookup_type_user(t, "__getitem__") {
                return call(m, &[o, k]);
            }
            let p = payload(o);
            if p != o {
                if p.is_kind(Kind::Dict) {
                    let d = as_dict_exact(p).unwrap();
                    if let Some(v) = d.get(k)? {
                        return Ok(v);
                    }
                    if let Some(m) = lookup_type_user(t, "__missing__") {
                        return call(m, &[o, k]);
                    }
                    return Err(vm::key_error(k));
                }
                return getitem(p, k);
            }
            Err(type_error(format!(
                "'{}' object is not subscriptable",
                vm::type_name(o)
            )))
        }
        Some(Kind::Class) => {
            let c = as_class(o).unwrap();
            if let Some(m) = meta_dunder(o, "__getitem__") {
                return call(m, &[o, k]);
            }
            if let Some(m) = lookup_type(c, "__class_getitem__") {
                let f = if let Some(w) = as_classmethod(m) {
                    w.f
                } else {
                    m
                };
                return call(f, &[o, k]);
            }
            // generic aliases like list[int]: return the class itself
            if c.flags.get() & CF_BUILTIN != 0 {
                return Ok(o);
            }
            Err(type_error("'type' object is not subscriptable"))
        }
        _ => Err(type_error(format!(
            "'{}' object is not subscriptable",
            vm::type_name(o)
        ))),
    }
}

/// `o[k] = v`.
pub fn setitem(o: Value, k: Value, v: Value) -> PyResult<()> {
    match o.kind() {
        Some(Kind::List) => {
            let l = as_list_exact(o).unwrap();
            if let Some(i) = int_of(k) {
                let j = norm_index(i, l.len(), "list assignment")?;
                l.set(j, v);
                return Ok(());
            }
            if let Some(s) = as_slice(k) {
                return crate::objects::list::list_set_slice(l, s, v);
            }
            let i = index_of(k)?;
            let j = norm_index(i, l.len(), "list assignment")?;
            l.set(j, v);
            Ok(())
        }
        Some(Kind::Dict) => as_dict_exact(o).unwrap().set_item(k, v),
        Some(Kind::ByteArray) => {
            let b = as_bytearray(o).unwrap();
            if let Some(s) = as_slice(k) {
                let new = match bytes_like(v) {
                    Some(x) => x,
                    None => crate::objects::native::seq_items(v)?
                        .iter()
                        .map(|&x| int_of(x).unwrap_or(0) as u8)
                        .collect(),
                };
                let (start, stop, step, _) = slice_indices(s, b.data().len())?;
                if step == 1 {
                    let stop = stop.max(start) as usize;
                    b.data().splice(start as usize..stop, new);
                    return Ok(());
                }
                let mut i = start;
                for x in new {
                    b.data()[i as usize] = x;
                    i += step;
                }
                return Ok(());
            }
            let i = index_of(k)?;
            let j = norm_index(i, b.data().len(), "bytearray")?;
            let x = index_of(v)?;
            if !(0..256).contains(&x) {
                return Err(vm::value_error("byte must be in range(0, 256)"));
            }
            b.data()[j] = x as u8;
            Ok(())
        }
        Some(Kind::Instance) => {
            if let Some(m) = lookup_type_user(type_of(o), "__setitem__") {
                call(m, &[o, k, v])?;
                return Ok(());
            }
            let p = payload(o);
            if p != o {
                return setitem(p, k, v);
            }
            Err(type_error(format!(
                "'{}' object does not support item assignment",
                vm::type_name(o)
            )))
        }
        _ => Err(type_error(format!(
            "'{}' object does not support item assignment",
            vm::type_name(o)
        ))),
    }
}

/// `del o[k]`.
pub fn delitem(o: Value, k: Value) -> PyResult<()> {
    match o.kind() {
        Some(Kind::ByteArray) => {
            let b = as_bytearray(o).unwrap();
            let n = b.data().len();
            let idx: Vec<usize> = if let Some(s) = as_slice(k) {
                let (start, _, step, count) = slice_indices(s, n)?;
                (0..count)
                    .map(|c| (start + c as i64 * step) as usize)
                    .collect()
            } else {
                vec![norm_index(index_of(k)?, n, "bytearray")?]
            };
            let data: Vec<u8> = b
                .data()
                .iter()
                .enumerate()
                .filter(|(i, _)| !idx.contains(i))
                .map(|(_, &x)| x)
                .collect();
            *b.data() = data;
            Ok(())
        }
        Some(Kind::List) => {
            let l = as_list_exact(o).unwrap();
            if let Some(s) = as_slice(k) {
                let (start, _, step, count) = slice_indices(s, l.len())?;
                let mut idx: Vec<usize> = (0..count)
                    .map(|c| (start + c as i64 * step) as usize)
                    .collect();
                idx.sort_unstable();
                let items: ArgVec = l
                    .as_slice()
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| idx.binary_search(i).is_err())
                    .map(|(_, v)| *v)
                    .collect();
                l.set_all(&items);
                return Ok(());
            }
            let i = index_of(k)?;
            let j = norm_index(i, l.len(), "list assignment")?;
            l.remove_at(j);
            Ok(())
        }
        Some(Kind::Dict) => {
            if as_dict_exact(o).unwrap().remove(k)?.is_none() {
                return Err(vm::key_error(k));
            }
            Ok(())
        }
        Some(Kind::Instance) => {
            if let Some(m) = lookup_type_user(type_of(o), "__delitem__") {
                call(m, &[o, k])?;
                return Ok(());
            }
            let p = payload(o);
            if p != o {
                return delitem(p, k);
            }
            Err(type_error(format!(
                "'{}' object doesn't support item deletion",
                vm::type_name(o)
            )))
        }
        _ => Err(type_error(format!(
            "'{}' object doesn't support item deletion",
            vm::type_name(o)
        ))),
    }
}

/// `k in o`.
pub fn contains(o: Value, k: Value) -> PyResult<bool> {
    match o.kind() {
        Some(Kind::Dict) => Ok(as_dict_exact(o).unwrap().get(k)?.is_some()),
        Some(Kind::Set) | Some(Kind::FrozenSet) => as_set(o).unwrap().contains(k),
        Some(Kind::Str | Kind::SurrStr) => {
            let hay = surr::as_text(o).unwrap();
            if let Some(needle) = surr::as_text(k) {
                return Ok(surr::contains(&hay, &needle));
            }
            let Some(needle) = as_str(k) else {
                return Err(type_error(format!(
                    "'in <string>' requires string as left operand, not {}",
                    vm::type_name(k)
                )));
            };
            Ok(as_str(o).unwrap().s.contains(&*needle.s))
        }
        Some(Kind::List) => {
            let l = as_list_exact(o).unwrap();
            let mut i = 0;
            while i < l.len() {
                if item_eq(l.get(i), k)? {
                    return Ok(true);
                }
                i += 1;
            }
            Ok(false)
        }
        Some(Kind::Tuple) => {
            for &x in as_tuple_exact(o).unwrap().as_slice() {
                if item_eq(x, k)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Some(Kind::Range) => {
            let r = as_range(o).unwrap();
            if let Some(i) = int_of(k) {
                let n = range_len(r);
                if n == 0 {
                    return Ok(false);
                }
                let off = i - r.start;
                return Ok(off % r.step == 0 && (off / r.step) >= 0 && (off / r.step) < n);
            }
            generic_contains(o, k)
        }
        Some(Kind::Bytes) | Some(Kind::ByteArray) => {
            let b = bytes_like(o).unwrap();
            if let Some(i) = int_of(k) {
                return Ok(b.contains(&(i as u8)));
            }
            let n = bytes_like(k).ok_or_else(|| type_error("a bytes-like object is required"))?;
            Ok(n.is_empty() || b.windows(n.len()).any(|w| w == &n[..]))
        }
        Some(Kind::Iter) if as_iter(o).unwrap().n.get() < 0 => {
            let it = as_iter(o).unwrap();
            let d = as_dict(it.a.get()).unwrap();
            match it.sub {
                IterKind::DictKeys => Ok(d.get(k)?.is_some()),
                IterKind::DictItems => {
                    let Some(t) = as_tuple(k) else {
                        return Ok(false);
                    };
                    if t.len() != 2 {
                        return Ok(false);
                    }
                    match d.get(t.as_slice()[0])? {
                        Some(v) => eq(v, t.as_slice()[1]),
                        None => Ok(false),
                    }
                }
                _ => generic_contains(o, k),
            }
        }
        Some(Kind::Instance) => {
            if let Some(m) = lookup_type_user(type_of(o), "__contains__") {
                let r = call(m, &[o, k])?;
                return truthy(r);
            }
            let p = payload(o);
            if p != o {
                return contains(p, k);
            }
            generic_contains(o, k)
        }
        Some(Kind::Class) if meta_dunder(o, "__contains__").is_some() => {
            let r = call(meta_dunder(o, "__contains__").unwrap(), &[o, k])?;
            truthy(r)
        }
        _ => generic_contains(o, k),
    }
}

fn generic_contains(o: Value, k: Value) -> PyResult<bool> {
    let it = get_iter(o).map_err(|_| {
        type_error(format!(
            "argument of type '{}' is not iterable",
            vm::type_name(o)
        ))
    })?;
    while let Some(x) = next(it)? {
        if eq(x, k)? {
            return Ok(true);
        }
    }
    Ok(false)
}

// ---------------------------------------------------------------- iteration

/// `iter(v)`.
pub fn get_iter(v: Value) -> PyResult<Value> {
    match v.kind() {
        Some(Kind::List) | Some(Kind::Tuple) => {
            Ok(new_iter(IterKind::Seq, v, Value::NULL, 0, 0, 1))
        }
        Some(Kind::Range) => {
            let r = as_range(v).unwrap();
            Ok(new_iter(
                IterKind::Range,
                Value::NULL,
                Value::NULL,
                r.start,
                range_len(r),
                r.step,
            ))
        }
        Some(Kind::Str) => Ok(new_iter(IterKind::Str, v, Value::NULL, 0, 0, 1)),
        Some(Kind::SurrStr) => surr::iter(&surr::as_surr(v).unwrap()),
        Some(Kind::Dict) => Ok(new_iter(IterKind::DictKeys, v, Value::NULL, 0, 0, 1)),
        Some(Kind::Set) | Some(Kind::FrozenSet) => Ok(new_iter(
            IterKind::Set,
            v,
            Value::NULL,
            0,
            as_set(v).unwrap().len() as i64,
            1,
        )),
        Some(Kind::Bytes) | Some(Kind::ByteArray) => {
            Ok(new_iter(IterKind::Bytes, v, Value::NULL, 0, 0, 1))
        }
        Some(Kind::Generator) => match crate::objects::coroutine::not_iterable_gen(v) {
            None => Ok(v),
            Some(t) => Err(type_error(format!("'{t}' object is not iterable"))),
        },
        Some(Kind::Iter) => {
            let it = as_iter(v).unwrap();
            if it.n.get() < 0 {
                // a dict view: iterate the dict
                return Ok(new_iter(it.sub, it.a.get(), Value::NULL, 0, 0, 1));
            }
            Ok(v)
        }
        Some(Kind::Instance) => {
            let t = type_of(v);
            if let Some(m) = lookup_type_user(t, "__iter__") {
                let r = call(m, &[v])?;
                if lookup_type(type_of(r), "__next__").is_none()
                    && !matches!(r.kind(), Some(Kind::Generator) | Some(Kind::Iter))
                {
                    return Err(type_error(format!(
                        "iter() returned non-iterator of type '{}'",
                        vm::type_name(r)
                    )));
                }
                return Ok(r);
            }
            let p = payload(v);
            if p.is_kind(Kind::Iter) && as_iter(p).is_some_and(|i| i.n.get() >= 0) {
                // a subclass of a built-in iterator (`class E(enumerate)`): its own iterator,
                // so `for` steps it through `__next__` (an override, or the payload's)
                return Ok(v);
            }
            if p != v {
                return get_iter(p);
            }
            if lookup_type_user(t, "__getitem__").is_some() {
                return Ok(new_iter(IterKind::GetItem, v, Value::NULL, 0, 0, 1));
            }
            Err(type_error(format!(
                "'{}' object is not iterable",
                vm::type_name(v)
            )))
        }
        Some(Kind::Class) if meta_dunder(v, "__iter__").is_some() => {
            call(meta_dunder(v, "__iter__").unwrap(), &[v])
        }
        _ => Err(type_error(format!(
            "'{}' object is not iterable",
            vm::type_name(v)
        ))),
    }
}

/// `next(it)`; `None` when exhausted.
#[inline]
pub fn next(it: Value) -> PyResult<Option<Value>> {
    if let Some(i) = as_iter(it) {
        return crate::objects::iter::iter_next(i);
    }
    if let Some(g) = as_generator(it) {
        if let Some(t) = crate::objects::coroutine::not_iterable_gen(it) {
            return Err(type_error(format!("'{t}' object is not an iterator")));
        }
        return interpreter::gen_next(g);
    }
    if as_instance(it).is_some() {
        let Some(m) = lookup_type(type_of(it), "__next__") else {
            return Err(type_error(format!(
                "'{}' object is not an iterator",
                vm::type_name(it)
            )));
        };
        return match call(m, &[it]) {
            Ok(v) => Ok(Some(v)),
            Err(e) if vm::exc_matches(&e, C::StopIteration) => Ok(None),
            Err(e) => Err(e),
        };
    }
    Err(type_error(format!(
        "'{}' object is not an iterator",
        vm::type_name(it)
    )))
}

/// Keeps `vm` referenced for the docs of helpers above.
pub fn _vm_ref() -> &'static vm::Vm {
    vm()
}
