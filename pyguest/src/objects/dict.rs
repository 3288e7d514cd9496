//! `dict`: `dict.update` (also behind `DICT_UPDATE` and `dict(...)`) and the methods of the
//! type. The table itself (insertion-ordered, CPython's layout) is `objects/table.rs`.

use crate::interpreter::PyResult;
use crate::objects::class::construct;
use crate::objects::iter::dict_view;
use crate::objects::native::{classmeth, meth, seq_items};
use crate::objects::ops::{self};
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::{self, intern, type_error, type_of, value_error, C};
use metatracer::gc::Gc;

// ---------------------------------------------------------------- dict methods

pub fn dict_update(d: Gc<DictObj>, src: Value) -> PyResult<()> {
    if let Some(s) = as_dict(src) {
        if ops::lookup_type_user(type_of(src), "keys").is_none() {
            // an insertion may run a key's __eq__, which may change `s`: CPython's error
            let (n, keys) = (s.entry_count(), s.keys.get());
            for i in 0..n {
                let k = s.key_at(i);
                if !k.is_null() {
                    d.set_item_h(k, s.hash_at(i), s.val_at(i))?;
                    if s.entry_count() != n || !Gc::ptr_eq(keys, s.keys.get()) {
                        return Err(vm::runtime_error("dict mutated during update"));
                    }
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

pub(crate) fn install_dict_methods() {
    use C::dict as D;
    meth(D, "keys()", |a| {
        Ok(dict_view(payload(a.pos[0]), IterKind::DictKeys))
    });
    meth(D, "values()", |a| {
        Ok(dict_view(payload(a.pos[0]), IterKind::DictValues))
    });
    meth(D, "items()", |a| {
        Ok(dict_view(payload(a.pos[0]), IterKind::DictItems))
    });
    meth(D, "get(key, default=None, /)", |a| {
        let d = self_dict(&a)?;
        Ok(d.get(a.pos[1])?
            .unwrap_or(a.pos.get(2).copied().unwrap_or(Value::NONE)))
    });
    meth(D, "pop(key, default=<unrepresentable>, /)", |a| {
        let d = self_dict(&a)?;
        match d.remove(a.pos[1])? {
            Some(v) => Ok(v),
            None => match a.pos.get(2) {
                Some(&dv) => Ok(dv),
                None => Err(vm::key_error(a.pos[1])),
            },
        }
    });
    meth(D, "popitem()", |a| {
        let d = self_dict(&a)?;
        match d.pop_last() {
            Some((k, v)) => Ok(new_tuple(&[k, v])),
            None => Err(vm::exc(C::KeyError, "popitem(): dictionary is empty")),
        }
    });
    meth(D, "setdefault(key, default=None, /)", |a| {
        let d = self_dict(&a)?;
        if let Some(v) = d.get(a.pos[1])? {
            return Ok(v);
        }
        let dv = a.pos.get(2).copied().unwrap_or(Value::NONE);
        d.set_item(a.pos[1], dv)?;
        Ok(dv)
    });
    meth(D, "E:update(other=None, /, **kwargs)", |a| {
        let d = self_dict(&a)?;
        if let Some(&src) = a.pos.get(1) {
            dict_update(d, src)?;
        }
        for (i, &k) in a.kwnames.iter().enumerate() {
            d.set_item(k, a.kwvals[i])?;
        }
        Ok(Value::NONE)
    });
    meth(D, "copy()", |a| Ok(Value::obj(self_dict(&a)?.copy())));
    meth(D, "clear()", |a| {
        self_dict(&a)?.clear();
        Ok(Value::NONE)
    });
    meth(D, "E:__init__(iterable=None, /, **kwargs)", |a| {
        let d = self_dict(&a)?;
        if let Some(&src) = a.pos.get(1) {
            dict_update(d, src)?;
        }
        for (i, &k) in a.kwnames.iter().enumerate() {
            d.set_item(k, a.kwvals[i])?;
        }
        Ok(Value::NONE)
    });
    classmeth(D, "fromkeys(iterable, value=None, /)", |a| {
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
