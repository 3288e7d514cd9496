//! Regular expressions: the native `_pyre` module behind `pyguest/lib/re.py`.
//!
//! `parser.rs` turns pattern text into a tree, `compile.rs` into a program, `engine.rs` runs
//! it with a backtracking matcher. This file is the glue: compiled programs live in a
//! per-thread table (they hold no guest references) and are named to Python by an integer
//! id; compiling the same (pattern, flags, kind) again returns the same id, so the table is
//! also the compile cache. Python code (`re.py`) builds `Pattern`/`Match` objects around ids
//! and span tuples; the hot loops (`findall`, `sub` with a template, `split`) run here.
//!
//! Subjects: an ASCII `str` and `bytes` are matched byte by byte; other strings as code
//! points (`Vec<u32>`, cached for the most recent subject so `finditer` over a long
//! non-ASCII string converts it once). Positions are code-point indices throughout.

pub mod compile;
pub mod engine;
pub mod parser;
pub mod unicode;

use crate::import::new_module;
use crate::interpreter::PyResult;
use crate::objects::ops;
use crate::objects::*;
use crate::value::Value;
use crate::vm::{index_error, intern, type_error, value_error};
use compile::Prog;
use engine::{Matcher, Unit};
use metatracer::gc::{Gc, Root};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

#[cfg(test)]
mod tests;

/// A non-ASCII subject (kept alive) and its code points.
type WideEntry = (Root<StrObj>, Rc<Vec<u32>>);

/// Cache key: pattern code points, flags, bytes pattern?
type Key = (Vec<u32>, u32, bool);

/// What Python needs to know about a compiled program besides the program itself.
struct Info {
    names: Vec<(String, usize)>,
    flags: u32,
    bytes: bool,
}

#[derive(Default)]
struct Table {
    progs: Vec<Rc<Prog>>,
    info: Vec<Info>,
    by_key: HashMap<Key, usize>,
}

thread_local! {
    static TABLE: RefCell<Table> = RefCell::new(Table::default());
    /// Interned attribute names used on every match (see [`attr`]).
    static ATTRS: RefCell<Vec<Root<StrObj>>> = const { RefCell::new(Vec::new()) };
    /// `re.Match`, registered by `re.py` through `_pyre.init`.
    static MATCH_CLASS: RefCell<Option<Root<ClassObj>>> = const { RefCell::new(None) };
    /// The most recent non-ASCII str subject and its code points.
    static WIDE: RefCell<Option<WideEntry>> = const { RefCell::new(None) };
}

/// Compiles `pattern` (code points) with `flags` into a program.
pub fn compile_pattern(
    pattern: &[u32],
    flags: u32,
    bytes: bool,
) -> Result<(Prog, parser::Parsed), parser::ReError> {
    let parsed = parser::parse(pattern, flags, bytes)?;
    let prog = compile::compile(&parsed.node, parsed.groups);
    Ok((prog, parsed))
}

fn prog(id: Value) -> PyResult<Rc<Prog>> {
    let i = ops::int_of(id).ok_or_else(|| type_error("_pyre: bad pattern id"))?;
    TABLE.with(|t| {
        t.borrow()
            .progs
            .get(i as usize)
            .cloned()
            .ok_or_else(|| value_error("_pyre: unknown pattern id"))
    })
}

/// The subject of a match, and how to cut substrings out of it.
enum Subject {
    Narrow(Gc<StrObj>),
    /// The string is kept so the subject stays alive while its code points are in use.
    Wide(#[allow(dead_code)] Gc<StrObj>, Rc<Vec<u32>>),
    Bytes(Gc<BytesObj>),
}

impl Subject {
    fn of(v: Value) -> PyResult<Subject> {
        let p = payload(v);
        if let Some(s) = as_str(p) {
            if s.ascii {
                return Ok(Subject::Narrow(s));
            }
            let cached = WIDE.with(|w| {
                w.borrow()
                    .as_ref()
                    .and_then(|(r, cps)| Gc::ptr_eq(r.get(), s).then(|| cps.clone()))
            });
            let cps = match cached {
                Some(c) => c,
                None => {
                    let c: Rc<Vec<u32>> = Rc::new(s.s.chars().map(|c| c as u32).collect());
                    WIDE.with(|w| *w.borrow_mut() = Some((Root::new(s), c.clone())));
                    c
                }
            };
            return Ok(Subject::Wide(s, cps));
        }
        if let Some(b) = as_bytes(p).or_else(|| as_bytearray(p)) {
            return Ok(Subject::Bytes(b));
        }
        Err(type_error(format!(
            "expected string or bytes-like object, got '{}'",
            crate::vm::type_name(v)
        )))
    }

    fn is_bytes(&self) -> bool {
        matches!(self, Subject::Bytes(_))
    }

    fn len(&self) -> usize {
        match self {
            Subject::Narrow(s) => s.s.len(),
            Subject::Wide(_, c) => c.len(),
            Subject::Bytes(b) => b.data().len(),
        }
    }

    fn slice(&self, a: usize, b: usize) -> Value {
        // spans normally come from the matcher; clamp anyway (`_spans` is a plain attribute)
        let b = b.min(self.len());
        let a = a.min(b);
        match self {
            Subject::Narrow(s) => new_str(&s.s[a..b]),
            Subject::Wide(_, c) => new_string(
                c[a..b]
                    .iter()
                    .map(|&u| char::from_u32(u).unwrap_or('\u{fffd}'))
                    .collect(),
            ),
            Subject::Bytes(x) => new_bytes(x.data()[a..b].to_vec(), false),
        }
    }

    /// Appends `text[a..b]` to a string/bytes builder.
    fn push_to(&self, out: &mut Builder, a: usize, b: usize) {
        let b = b.min(self.len());
        let a = a.min(b);
        match (self, out) {
            (Subject::Narrow(s), Builder::Str(o)) => o.push_str(&s.s[a..b]),
            (Subject::Wide(_, c), Builder::Str(o)) => o.extend(
                c[a..b]
                    .iter()
                    .map(|&u| char::from_u32(u).unwrap_or('\u{fffd}')),
            ),
            (Subject::Bytes(x), Builder::Bytes(o)) => o.extend_from_slice(&x.data()[a..b]),
            _ => {}
        }
    }
}

enum Builder {
    Str(String),
    Bytes(Vec<u8>),
}

/// Runs `f` with a matcher over the subject's text, cut at `endpos`.
macro_rules! with_matcher {
    ($subj:expr, $prog:expr, $endpos:expr, |$m:ident| $body:expr) => {
        match &$subj {
            Subject::Narrow(s) => {
                let text: &[u8] = &s.s.as_bytes()[..$endpos];
                let mut $m = Matcher::new(&$prog, text);
                $body
            }
            Subject::Wide(_, c) => {
                let text: &[u32] = &c[..$endpos];
                let mut $m = Matcher::new(&$prog, text);
                $body
            }
            Subject::Bytes(b) => {
                let data: &Vec<u8> = b.data();
                let text: &[u8] = &data[..$endpos];
                let mut $m = Matcher::new(&$prog, text);
                $body
            }
        }
    };
}

fn check_kind(prog_bytes: bool, subj: &Subject) -> PyResult<()> {
    if prog_bytes && !subj.is_bytes() {
        return Err(type_error(
            "cannot use a bytes pattern on a string-like object",
        ));
    }
    if !prog_bytes && subj.is_bytes() {
        return Err(type_error(
            "cannot use a string pattern on a bytes-like object",
        ));
    }
    Ok(())
}

/// Checks that a `_pyre` function got at least `n` positional arguments.
fn need(a: &Args, n: usize, name: &str) -> PyResult<()> {
    if a.pos.len() < n {
        return Err(type_error(format!(
            "{name}() takes at least {n} arguments ({} given)",
            a.pos.len()
        )));
    }
    Ok(())
}

fn usize_arg(a: &Args, i: usize, default: usize) -> PyResult<usize> {
    match a.pos.get(i) {
        None => Ok(default),
        Some(&v) if v == Value::NONE => Ok(default),
        Some(&v) => Ok(ops::index_of(v)?.max(0) as usize),
    }
}

/// `compile(pattern, flags)`: `(id, groups, [(name, index)...], flags)` or, for a bad
/// pattern, `(None, message, position)`.
fn py_compile(a: Args) -> PyResult<Value> {
    let pv = *a
        .pos
        .first()
        .ok_or_else(|| type_error("compile: missing pattern"))?;
    let flags = match a.pos.get(1) {
        Some(&f) => ops::index_of(f)? as u32,
        None => 0,
    };
    let p = payload(pv);
    let (cps, bytes): (Vec<u32>, bool) = if let Some(s) = as_str(p) {
        (s.s.chars().map(|c| c as u32).collect(), false)
    } else if let Some(b) = as_bytes(p).or_else(|| as_bytearray(p)) {
        (b.data().iter().map(|&x| x as u32).collect(), true)
    } else {
        return Err(type_error(
            "first argument must be string or compiled pattern",
        ));
    };
    let key: Key = (cps, flags, bytes);
    let hit = TABLE.with(|t| t.borrow().by_key.get(&key).copied());
    let id = match hit {
        Some(id) => id,
        None => match compile_pattern(&key.0, flags, bytes) {
            Err(e) => {
                return Ok(new_tuple(&[
                    Value::NONE,
                    new_string(e.msg),
                    new_int(if e.pos == parser::NO_POS {
                        -1
                    } else {
                        e.pos as i64
                    }),
                ]))
            }
            Ok((prog, parsed)) => TABLE.with(|t| {
                let mut t = t.borrow_mut();
                let id = t.progs.len();
                t.info.push(Info {
                    names: parsed.names,
                    flags: parsed.flags,
                    bytes,
                });
                t.progs.push(Rc::new(prog));
                t.by_key.insert(key, id);
                id
            }),
        },
    };
    let prog = prog(new_int(id as i64))?;
    let (names, pflags) = TABLE.with(|t| {
        let t = t.borrow();
        (t.info[id].names.clone(), t.info[id].flags)
    });
    let nl = new_list_cap(names.len());
    for (name, g) in names {
        nl.push(new_tuple(&[new_string(name), new_int(g as i64)]));
    }
    Ok(new_tuple(&[
        new_int(id as i64),
        new_int(prog.groups as i64),
        Value::obj(nl),
        new_int(pflags as i64),
    ]))
}

/// Whether program `id` was compiled from a bytes pattern.
fn is_bytes_prog(id: Value) -> bool {
    let i = ops::int_of(id).unwrap_or(-1);
    TABLE.with(|t| t.borrow().info.get(i as usize).is_some_and(|inf| inf.bytes))
}

/// The groups' spans as `(lastindex, s0, e0, s1, e1, ...)` (-1 for unmatched groups).
fn spans<T: Unit>(m: &Matcher<T>, groups: usize) -> Value {
    let mut items: smallvec::SmallVec<[Value; 24]> = smallvec::SmallVec::new();
    let li = m.lastindex();
    items.push(if li == 0 {
        Value::NONE
    } else {
        new_int(li as i64)
    });
    for g in 0..=groups {
        match m.span(g) {
            Some((a, b)) => {
                items.push(new_int(a as i64));
                items.push(new_int(b as i64));
            }
            None => {
                items.push(new_int(-1));
                items.push(new_int(-1));
            }
        }
    }
    new_tuple(&items)
}

/// `match(id, string, pos, endpos, mode, pattern)`: mode 0 match, 1 fullmatch, 2 search,
/// +4 an empty match at `pos` is not accepted. Returns a `re.Match` (attributes `re`,
/// `string`, `pos`, `endpos`, `lastindex` and `_spans`, the span tuple) or None.
fn py_match(a: Args) -> PyResult<Value> {
    if a.pos.len() < 6 {
        return Err(type_error("_pyre.match: expected 6 arguments"));
    }
    let id = a.pos[0];
    let prog = prog(id)?;
    let string = a.pos[1];
    let subj = Subject::of(string)?;
    check_kind(is_bytes_prog(id), &subj)?;
    let n = subj.len();
    let pos = clamp_arg(a.pos[2], n)?;
    let endpos = clamp_arg(a.pos[3], n)?;
    let mode = ops::index_of(a.pos[4])?;
    // CPython matches an empty text at `pos` when `endpos < pos`
    let cut = endpos.max(pos);
    let groups = prog.groups;
    let spans = with_matcher!(subj, prog, cut, |m| {
        let ok = match mode & 3 {
            0 => m.match_at(pos, false),
            1 => m.match_at(pos, true),
            _ => m.search(pos, mode & 4 != 0),
        };
        if ok {
            spans(&m, groups)
        } else {
            Value::NONE
        }
    });
    if spans == Value::NONE {
        return Ok(spans);
    }
    let cls = MATCH_CLASS
        .with(|c| c.borrow().as_ref().map(|r| r.get()))
        .ok_or_else(|| type_error("_pyre.match: re.Match is not registered"))?;
    let inst = metatracer::gc::alloc(InstanceObj {
        kind: crate::value::Kind::Instance,
        map: std::cell::Cell::new(0),
        cls: metatracer::gc::GcCell::new(cls),
        slots: metatracer::gc::GcCell::new(empty_array()),
        base: metatracer::gc::GcCell::new(Value::NULL),
        ident: std::cell::Cell::new(0),
    });
    let lastindex = as_tuple(spans).unwrap().as_slice()[0];
    let vals = [
        a.pos[5],
        string,
        new_int(pos as i64),
        new_int(endpos as i64),
        lastindex,
        spans,
    ];
    for (i, v) in vals.into_iter().enumerate() {
        ops::instance_set(inst, attr(i), v);
    }
    Ok(Value::obj(inst))
}

const ATTR_NAMES: [&str; 7] = [
    "re",
    "string",
    "pos",
    "endpos",
    "lastindex",
    "_spans",
    "groupindex",
];
const A_RE: usize = 0;
const A_STRING: usize = 1;
const A_SPANS: usize = 5;
const A_GROUPINDEX: usize = 6;

/// The interned attribute name `ATTR_NAMES[i]` (interned once, held by `Root`s: hashing
/// the name on every call showed up in profiles).
fn attr(i: usize) -> Value {
    ATTRS.with(|a| {
        let mut a = a.borrow_mut();
        if a.is_empty() {
            for n in ATTR_NAMES {
                let v = intern(n);
                a.push(Root::new(as_str(v).expect("interned name is a str")));
            }
        }
        Value::obj(a[i].get())
    })
}

/// A position argument clamped to `0..=n` like CPython's.
fn clamp_arg(v: Value, n: usize) -> PyResult<usize> {
    let i = ops::index_of(v)?;
    Ok(if i < 0 {
        0
    } else {
        (i as u64).min(n as u64) as usize
    })
}

/// `init(match_class)`: registers the class `match` instantiates.
fn py_init(a: Args) -> PyResult<Value> {
    let c = a
        .pos
        .first()
        .and_then(|&v| as_class(v))
        .ok_or_else(|| type_error("_pyre.init: expected a class"))?;
    MATCH_CLASS.with(|m| *m.borrow_mut() = Some(Root::new(c)));
    Ok(Value::NONE)
}

/// The span tuple, group count and subject of a `re.Match`.
fn match_parts(m: Value) -> PyResult<(Gc<TupleObj>, usize, Value)> {
    let spans = ops::getattr(m, attr(A_SPANS))?;
    let t = as_tuple(spans)
        .filter(|t| t.len() >= 3 && t.len() % 2 == 1)
        .ok_or_else(|| type_error("not a re.Match object"))?;
    let groups = (t.len() - 1) / 2 - 1;
    let string = ops::getattr(m, attr(A_STRING))?;
    Ok((t, groups, string))
}

/// Group number for a group argument (int or name).
fn group_index(m: Value, g: Value, groups: usize) -> PyResult<usize> {
    if let Some(i) = ops::int_of(g) {
        if i >= 0 && i as usize <= groups {
            return Ok(i as usize);
        }
        return Err(index_error("no such group"));
    }
    if as_str(payload(g)).is_some() {
        let re = ops::getattr(m, attr(A_RE))?;
        let gi = ops::getattr(re, attr(A_GROUPINDEX))?;
        if let Some(d) = as_dict(gi) {
            if let Some(v) = d.get(g)? {
                if let Some(i) = ops::int_of(v) {
                    return Ok(i as usize);
                }
            }
        }
        return Err(index_error("no such group"));
    }
    match ops::index_of(g) {
        Ok(i) if i >= 0 && i as usize <= groups => Ok(i as usize),
        _ => Err(index_error("no such group")),
    }
}

fn span_of(t: Gc<TupleObj>, g: usize) -> Option<(usize, usize)> {
    let s = t.as_slice();
    let a = ops::int_of(s[1 + 2 * g]).unwrap_or(-1);
    let b = ops::int_of(s[2 + 2 * g]).unwrap_or(-1);
    (a >= 0 && b >= 0).then_some((a as usize, b as usize))
}

fn group_or(subj: &Subject, span: Option<(usize, usize)>, default: Value) -> Value {
    match span {
        Some((a, b)) => subj.slice(a, b),
        None => default,
    }
}

/// `Match.group(*groups)`.
fn m_group(a: Args) -> PyResult<Value> {
    need(&a, 1, "group")?;
    let m = a.pos[0];
    let (t, groups, string) = match_parts(m)?;
    let subj = Subject::of(string)?;
    match a.pos.len() {
        1 => Ok(group_or(&subj, span_of(t, 0), Value::NONE)),
        2 => {
            let g = group_index(m, a.pos[1], groups)?;
            Ok(group_or(&subj, span_of(t, g), Value::NONE))
        }
        _ => {
            let mut items: smallvec::SmallVec<[Value; 16]> = smallvec::SmallVec::new();
            for &g in &a.pos[1..] {
                let g = group_index(m, g, groups)?;
                items.push(group_or(&subj, span_of(t, g), Value::NONE));
            }
            Ok(new_tuple(&items))
        }
    }
}

/// `Match.groups(default=None)`.
fn m_groups(a: Args) -> PyResult<Value> {
    need(&a, 1, "groups")?;
    let m = a.pos[0];
    let (t, groups, string) = match_parts(m)?;
    let subj = Subject::of(string)?;
    let default = a
        .pos
        .get(1)
        .copied()
        .or_else(|| crate::objects::native::kwarg(&a, "default"))
        .unwrap_or(Value::NONE);
    let mut items: smallvec::SmallVec<[Value; 16]> = smallvec::SmallVec::new();
    for g in 1..=groups {
        items.push(group_or(&subj, span_of(t, g), default));
    }
    Ok(new_tuple(&items))
}

fn span_parts(a: &Args) -> PyResult<(isize, isize)> {
    need(a, 1, "span")?;
    let m = a.pos[0];
    let (t, groups, _) = match_parts(m)?;
    let g = match a.pos.get(1) {
        Some(&g) => group_index(m, g, groups)?,
        None => 0,
    };
    let s = t.as_slice();
    Ok((
        ops::int_of(s[1 + 2 * g]).unwrap_or(-1) as isize,
        ops::int_of(s[2 + 2 * g]).unwrap_or(-1) as isize,
    ))
}

/// `Match.span(group=0)`.
fn m_span(a: Args) -> PyResult<Value> {
    let (s, e) = span_parts(&a)?;
    Ok(new_tuple(&[new_int(s as i64), new_int(e as i64)]))
}

/// `Match.start(group=0)`.
fn m_start(a: Args) -> PyResult<Value> {
    Ok(new_int(span_parts(&a)?.0 as i64))
}

/// `Match.end(group=0)`.
fn m_end(a: Args) -> PyResult<Value> {
    Ok(new_int(span_parts(&a)?.1 as i64))
}

fn group_value(subj: &Subject, span: Option<(usize, usize)>) -> Value {
    match span {
        Some((a, b)) => subj.slice(a, b),
        None => {
            if subj.is_bytes() {
                new_bytes(Vec::new(), false)
            } else {
                new_str("")
            }
        }
    }
}

/// `findall(id, string, pos, endpos)`.
fn py_findall(a: Args) -> PyResult<Value> {
    need(&a, 2, "findall")?;
    let id = a.pos[0];
    let prog = prog(id)?;
    let subj = Subject::of(a.pos[1])?;
    check_kind(is_bytes_prog(id), &subj)?;
    let n = subj.len();
    let endpos = usize_arg(&a, 3, n)?.min(n);
    let mut pos = usize_arg(&a, 2, 0)?;
    let out = new_list_cap(0);
    if pos > endpos {
        return Ok(Value::obj(out));
    }
    let groups = prog.groups;
    with_matcher!(subj, prog, endpos, |m| {
        let mut adv = false;
        while pos <= endpos && m.search(pos, adv) {
            let (s, e) = m.span(0).unwrap();
            let item = match groups {
                0 => subj.slice(s, e),
                1 => group_value(&subj, m.span(1)),
                _ => {
                    let mut items: smallvec::SmallVec<[Value; 16]> = smallvec::SmallVec::new();
                    for g in 1..=groups {
                        items.push(group_value(&subj, m.span(g)));
                    }
                    new_tuple(&items)
                }
            };
            out.push(item);
            adv = s == e;
            pos = e;
        }
    });
    Ok(Value::obj(out))
}

/// `sub(id, template, string, count)`: `template` is a list of literal pieces (str/bytes)
/// and group numbers (int). Returns `(result, number_of_substitutions)`.
fn py_sub(a: Args) -> PyResult<Value> {
    need(&a, 3, "sub")?;
    let id = a.pos[0];
    let prog = prog(id)?;
    let tmpl = a.pos[1];
    let subj = Subject::of(a.pos[2])?;
    check_kind(is_bytes_prog(id), &subj)?;
    let count = usize_arg(&a, 3, 0)?;
    let n = subj.len();
    // the template as (literal, group) pieces
    enum Piece {
        Lit(Vec<u8>),
        Group(usize),
    }
    let mut pieces = Vec::new();
    let tl = as_list(tmpl).ok_or_else(|| type_error("_pyre.sub: template must be a list"))?;
    for &v in tl.as_slice() {
        if let Some(g) = ops::int_of(v) {
            if g < 0 || g as usize > prog.groups {
                return Err(value_error(format!("invalid group reference {g}")));
            }
            pieces.push(Piece::Group(g as usize));
        } else if let Some(s) = as_str(payload(v)) {
            pieces.push(Piece::Lit(s.s.as_bytes().to_vec()));
        } else if let Some(b) = ops::bytes_like(v) {
            pieces.push(Piece::Lit(b));
        } else {
            return Err(type_error("_pyre.sub: bad template item"));
        }
    }
    let mut out = if subj.is_bytes() {
        Builder::Bytes(Vec::new())
    } else {
        Builder::Str(String::new())
    };
    let mut done = 0usize;
    let mut last = 0usize;
    with_matcher!(subj, prog, n, |m| {
        let mut pos = 0;
        let mut adv = false;
        while pos <= n && (count == 0 || done < count) && m.search(pos, adv) {
            let (s, e) = m.span(0).unwrap();
            subj.push_to(&mut out, last, s);
            for p in &pieces {
                match p {
                    Piece::Lit(l) => match &mut out {
                        Builder::Str(o) => o.push_str(std::str::from_utf8(l).unwrap_or("")),
                        Builder::Bytes(o) => o.extend_from_slice(l),
                    },
                    Piece::Group(g) => {
                        if let Some((ga, gb)) = m.span(*g) {
                            subj.push_to(&mut out, ga, gb);
                        }
                    }
                }
            }
            last = e;
            done += 1;
            adv = s == e;
            pos = e;
        }
    });
    subj.push_to(&mut out, last, n);
    let r = match out {
        Builder::Str(s) => new_string(s),
        Builder::Bytes(b) => new_bytes(b, false),
    };
    Ok(new_tuple(&[r, new_int(done as i64)]))
}

/// `split(id, string, maxsplit)`.
fn py_split(a: Args) -> PyResult<Value> {
    need(&a, 2, "split")?;
    let id = a.pos[0];
    let prog = prog(id)?;
    let subj = Subject::of(a.pos[1])?;
    check_kind(is_bytes_prog(id), &subj)?;
    let maxsplit = usize_arg(&a, 2, 0)?;
    let n = subj.len();
    let out = new_list_cap(0);
    let groups = prog.groups;
    let mut last = 0;
    with_matcher!(subj, prog, n, |m| {
        let mut pos = 0;
        let mut adv = false;
        let mut done = 0;
        while pos <= n && (maxsplit == 0 || done < maxsplit) && m.search(pos, adv) {
            let (s, e) = m.span(0).unwrap();
            out.push(subj.slice(last, s));
            for g in 1..=groups {
                out.push(match m.span(g) {
                    Some((ga, gb)) => subj.slice(ga, gb),
                    None => Value::NONE,
                });
            }
            last = e;
            done += 1;
            adv = s == e;
            pos = e;
        }
    });
    out.push(subj.slice(last, n));
    Ok(Value::obj(out))
}

/// Builds the `_pyre` module.
pub fn make_module() -> Gc<ModuleObj> {
    let m = new_module("_pyre", None);
    let def = |name: &'static str, f: NativeFn| m.dict.set_str(name, new_builtin(name, f));
    def("compile", py_compile);
    def("init", py_init);
    // methods of `re.Match` (class attributes there): qualified names make them bind
    m.dict.set_str("group", new_builtin("Match.group", m_group));
    m.dict
        .set_str("groups", new_builtin("Match.groups", m_groups));
    m.dict.set_str("span", new_builtin("Match.span", m_span));
    m.dict.set_str("start", new_builtin("Match.start", m_start));
    m.dict.set_str("end", new_builtin("Match.end", m_end));
    def("match", py_match);
    def("findall", py_findall);
    def("sub", py_sub);
    def("split", py_split);
    m
}
