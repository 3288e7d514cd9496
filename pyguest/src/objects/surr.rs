//! `str` values that hold lone surrogates (U+D800..U+DFFF), which Rust's UTF-8 `str` cannot.
//!
//! Representation. Such a string is a `StrObj` of kind [`Kind::SurrStr`] (not `Kind::Str`):
//! its `s` is ordinary, valid UTF-8 in which each lone surrogate U+D800+k is written as the
//! private-use code point `base + k`, where `base` is the start of one of 64 blocks of 2,048
//! code points in planes 15 and 16 (U+F0000..U+10FFFF), chosen per string (`surr_block`) so
//! that no other character of the string falls in it. The mapping is therefore a bijection on
//! the string's characters: lengths, indices and every character-level algorithm carry over.
//! Ordinary strings keep kind `Kind::Str` and are untouched (their fast paths, the JIT's kind
//! guards and `as_str` see only them). Code that reads text through `as_str` never sees a
//! surrogate string: `as_str` returns `None` for it, and the shared argument helpers
//! (`native::self_str`, `native::str_arg`) raise the `UnicodeEncodeError` CPython gives where
//! such a string must become UTF-8 ("surrogates not allowed"). No byte that is not UTF-8 is
//! ever put behind a `&str`.
//!
//! Operations. The core slots (`len`, indexing, slicing, iteration, `+`, `*`, `%`, comparison,
//! hash, `in`, `repr`, `str()`, f-strings, `print`) test for the kind and use this module.
//! The methods of `str` are run generically ([`retry_method`]): when a method of `str` fails
//! because an argument is a surrogate string, it is called again with every surrogate string
//! among its arguments (and in a tuple or list passed directly) rewritten to one block free in
//! all of them, as a plain `str`; strings in the result that contain that block become
//! surrogate strings again. Private-use characters of planes 15/16 behave like surrogates in
//! every predicate (`isprintable`, `isalpha`, ... are false; case mappings leave them alone),
//! so the results are CPython's. `encode` is surrogate-aware itself (`modules/codecs.rs`).
//!
//! Assumes: the methods of `str` do not keep their arguments (a retried call may run a
//! `__format__` of another argument twice, see `docs/compatibility.md`).

use crate::objects::ops::{self, ArgVec};
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::{self, cls, PyErr, PyResult, C};
use metatracer::gc::{self, Gc};
use std::cell::Cell;

/// First code point of the private-use planes the blocks live in.
const PUA: u32 = 0xF0000;
/// Code points per block: one for each surrogate.
const BLOCK: u32 = 0x800;

downcast!(as_surr, StrObj, SurrStr);

/// Whether `v` is a surrogate string.
#[inline(always)]
pub fn is_surr(v: Value) -> bool {
    v.is_kind(Kind::SurrStr)
}

/// The `StrObj` of a plain or surrogate string.
#[inline]
pub fn as_text(v: Value) -> Option<Gc<StrObj>> {
    as_str(v).or_else(|| as_surr(v))
}

fn block_range(o: &StrObj) -> (u32, u32) {
    if o.kind == Kind::SurrStr {
        let b = PUA + o.surr_block as u32 * BLOCK;
        (b, b + BLOCK)
    } else {
        (1, 0)
    }
}

/// The code points of a plain or surrogate string.
pub fn code_points(o: &StrObj) -> impl Iterator<Item = u32> + '_ {
    let (lo, hi) = block_range(o);
    o.s.chars().map(move |c| {
        let n = c as u32;
        if n >= lo && n < hi {
            0xD800 + (n - lo)
        } else {
            n
        }
    })
}

/// Whether `n` is a surrogate code point.
#[inline]
pub fn is_surrogate(n: u32) -> bool {
    (0xD800..0xE000).contains(&n)
}

/// The blocks used by characters of `o` other than its own surrogates, one bit each.
fn used_blocks(o: &StrObj) -> u64 {
    if o.ascii {
        return 0;
    }
    let (lo, hi) = block_range(o);
    let mut m = 0u64;
    for c in o.s.chars() {
        let n = c as u32;
        if n >= PUA && !(n >= lo && n < hi) {
            m |= 1 << ((n - PUA) / BLOCK);
        }
    }
    m
}

fn pick_block(used: u64) -> PyResult<u16> {
    if used == u64::MAX {
        return Err(vm::exc(
            C::ValueError,
            "pyguest cannot represent a string with lone surrogates whose other characters \
             fill every 2048-code-point block of planes 15 and 16",
        ));
    }
    Ok((!used).trailing_zeros() as u16)
}

fn alloc(text: String, block: u16) -> Value {
    let nchars = text.chars().count();
    Value::obj(gc::alloc(StrObj {
        kind: Kind::SurrStr,
        ascii: false,
        surr_block: block,
        sym: Cell::new(0),
        hash: Cell::new(0),
        nchars,
        s: crate::objects::sstr::SmallStr::from_string(text),
    }))
}

/// A `str` from text whose block-`b` characters stand for surrogates: a surrogate string if
/// it has any, a plain one otherwise.
pub fn from_mapped(text: String, b: u16) -> Value {
    let lo = PUA + b as u32 * BLOCK;
    if text.chars().any(|c| (c as u32).wrapping_sub(lo) < BLOCK) {
        alloc(text, b)
    } else {
        new_string(text)
    }
}

/// A `str` of the code points `cps` (each below 0x110000); a plain one when none is a
/// surrogate.
pub fn from_code_points(cps: &[u32]) -> PyResult<Value> {
    if !cps.iter().any(|&n| is_surrogate(n)) {
        return Ok(new_string(
            cps.iter()
                .map(|&n| char::from_u32(n).unwrap_or('\u{fffd}'))
                .collect(),
        ));
    }
    let mut used = 0u64;
    for &n in cps {
        if n >= PUA {
            used |= 1 << ((n - PUA) / BLOCK);
        }
    }
    let b = pick_block(used)?;
    let base = PUA + b as u32 * BLOCK;
    let text: String = cps
        .iter()
        .map(|&n| {
            let m = if is_surrogate(n) {
                base + n - 0xD800
            } else {
                n
            };
            char::from_u32(m).unwrap_or('\u{fffd}')
        })
        .collect();
    Ok(alloc(text, b))
}

/// A builder of decoded text: valid text plus lone surrogates inserted at byte offsets, so the
/// common case (no surrogate) stays a plain `String`.
#[derive(Default)]
pub struct TextBuf {
    pub s: String,
    surr: Vec<(usize, u32)>,
}

impl TextBuf {
    pub fn with_capacity(n: usize) -> TextBuf {
        TextBuf {
            s: String::with_capacity(n),
            surr: Vec::new(),
        }
    }
    #[inline]
    pub fn push(&mut self, c: char) {
        self.s.push(c)
    }
    #[inline]
    pub fn push_str(&mut self, t: &str) {
        self.s.push_str(t)
    }
    /// Appends code point `n`, a surrogate or not (U+FFFD past the range).
    pub fn push_cp(&mut self, n: u32) {
        if is_surrogate(n) {
            self.surr.push((self.s.len(), n));
        } else {
            self.s.push(char::from_u32(n).unwrap_or('\u{fffd}'));
        }
    }
    /// Appends the text of a plain or surrogate string.
    pub fn push_text(&mut self, o: &StrObj) {
        if o.kind == Kind::Str {
            self.s.push_str(&o.s);
        } else {
            for n in code_points(o) {
                self.push_cp(n);
            }
        }
    }
    /// The code points.
    pub fn into_cps(self) -> Vec<u32> {
        let mut cps = Vec::with_capacity(self.s.len() + self.surr.len());
        let mut at = 0;
        for &(off, n) in &self.surr {
            cps.extend(self.s[at..off].chars().map(|c| c as u32));
            cps.push(n);
            at = off;
        }
        cps.extend(self.s[at..].chars().map(|c| c as u32));
        cps
    }
    /// The `str`.
    pub fn finish(self) -> PyResult<Value> {
        if self.surr.is_empty() {
            return Ok(new_string(self.s));
        }
        from_code_points(&self.into_cps())
    }
}

/// The `UnicodeEncodeError` CPython raises where a string with surrogates must become UTF-8:
/// `'utf-8' codec can't encode character '\ud800' in position 0: surrogates not allowed`
/// (a run of surrogates is reported as one range).
pub fn encode_error(v: Value) -> PyErr {
    let Some(o) = as_text(v) else {
        return vm::type_error("expected str");
    };
    let cps: Vec<u32> = code_points(&o).collect();
    let start = cps.iter().position(|&n| is_surrogate(n)).unwrap_or(0);
    let mut end = start + 1;
    while end < cps.len() && is_surrogate(cps[end]) {
        end += 1;
    }
    unicode_encode_error("utf-8", v, &cps, start, end, "surrogates not allowed")
}

/// A `UnicodeEncodeError` for `object` (code points `cps`) with CPython's message.
pub fn unicode_encode_error(
    enc: &str,
    object: Value,
    cps: &[u32],
    start: usize,
    end: usize,
    reason: &str,
) -> PyErr {
    let msg = if end == start + 1 {
        let n = cps.get(start).copied().unwrap_or(0);
        let esc = if n < 0x100 {
            format!("\\x{n:02x}")
        } else if n < 0x10000 {
            format!("\\u{n:04x}")
        } else {
            format!("\\U{n:08x}")
        };
        format!("'{enc}' codec can't encode character '{esc}' in position {start}: {reason}")
    } else {
        format!(
            "'{enc}' codec can't encode characters in position {start}-{}: {reason}",
            end - 1
        )
    };
    let e = vm::new_exception(cls(C::UnicodeEncodeError), &[new_string(msg)]);
    if let Some(i) = as_instance(e) {
        ops::instance_set(i, vm::intern("encoding"), new_str(enc));
        ops::instance_set(i, vm::intern("object"), object);
        ops::instance_set(i, vm::intern("start"), new_int(start as i64));
        ops::instance_set(i, vm::intern("end"), new_int(end as i64));
        ops::instance_set(i, vm::intern("reason"), new_str(reason));
    }
    PyErr(e)
}

thread_local! {
    /// The block a mapped call (below) has rewritten surrogates to, plus one (0: none), so
    /// that `repr` inside it (`%r`, `{!r}`) shows them as `\udXXX`.
    static ACTIVE: Cell<u32> = const { Cell::new(0) };
    /// Set by the argument helpers when they turn a surrogate string away, so that
    /// [`retry_method`] retries only calls that failed for that reason.
    static REJECTED: Cell<bool> = const { Cell::new(false) };
}

/// Inside a mapped call, the surrogate a private-use character `c` stands for.
#[cold]
pub fn active_surrogate(c: char) -> Option<u32> {
    let a = ACTIVE.with(|x| x.get());
    if a == 0 {
        return None;
    }
    let lo = PUA + (a - 1) * BLOCK;
    let n = (c as u32).wrapping_sub(lo);
    (n < BLOCK).then_some(0xD800 + n)
}

/// Runs `f` with block `b` active (see [`active_surrogate`]).
fn with_active<R>(b: u16, f: impl FnOnce() -> R) -> R {
    let prev = ACTIVE.with(|x| x.replace(b as u32 + 1));
    let r = f();
    ACTIVE.with(|x| x.set(prev));
    r
}

/// The error of an argument helper given surrogate string `v` where it needs UTF-8 text.
pub fn reject(v: Value) -> PyErr {
    REJECTED.with(|r| r.set(true));
    encode_error(v)
}

// ---------------------------------------------------------------- core slots

/// Equality of two strings, either of which may hold surrogates.
pub fn text_eq(a: &StrObj, b: &StrObj) -> bool {
    if a.kind != b.kind || a.nchars != b.nchars {
        // a plain string holds no surrogate, a surrogate string at least one
        return false;
    }
    if a.kind == Kind::Str || a.surr_block == b.surr_block {
        return *a.s == *b.s;
    }
    code_points(a).eq(code_points(b))
}

/// Comparison `op` (the `compare` codes) of two strings by code point.
pub fn text_compare(a: &StrObj, b: &StrObj, op: u32) -> Value {
    let x: Vec<u32> = code_points(a).collect();
    let y: Vec<u32> = code_points(b).collect();
    crate::objects::ops::compare::ord_result(&x[..], &y[..], op)
}

/// The hash of a surrogate string: [`string::str_hash`]'s function over its code points
/// encoded as generalized UTF-8 (surrogates as three bytes), cached.
pub fn surr_hash(o: &StrObj) -> i64 {
    let h = o.hash.get();
    if h != 0 {
        return h;
    }
    let mut bytes = Vec::with_capacity(o.s.len());
    for n in code_points(o) {
        push_wtf8(&mut bytes, n);
    }
    let h = crate::objects::string::str_hash_bytes(&bytes);
    o.hash.set(h);
    h
}

/// Appends code point `n` as (generalized) UTF-8: surrogates as ED A0..BF xx.
pub fn push_wtf8(out: &mut Vec<u8>, n: u32) {
    match char::from_u32(n) {
        Some(c) => {
            let mut b = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
        }
        None => out.extend_from_slice(&[
            0xE0 | (n >> 12) as u8,
            0x80 | ((n >> 6) & 0x3F) as u8,
            0x80 | (n & 0x3F) as u8,
        ]),
    }
}

/// `repr` of a surrogate string: `str_repr`'s escapes, surrogates as `\udXXX`.
pub fn surr_repr(o: &StrObj) -> String {
    let cps: Vec<u32> = code_points(o).collect();
    let has = |c: u32| cps.contains(&c);
    let q = if has('\'' as u32) && !has('"' as u32) {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(o.s.len() + 2);
    out.push(q);
    for &n in &cps {
        match char::from_u32(n) {
            Some(c) => crate::objects::string::push_repr_char(&mut out, c, q),
            None => out.push_str(&format!("\\u{n:04x}")),
        }
    }
    out.push(q);
    out
}

/// `s[i]` for an index already normalised.
pub fn char_at(o: &StrObj, j: usize) -> PyResult<Value> {
    let n = code_points(o).nth(j).unwrap_or(0);
    from_code_points(&[n])
}

/// `s[slice]`.
pub fn slice(o: Gc<StrObj>, sl: Gc<SliceObj>) -> PyResult<Value> {
    let r = crate::objects::string::str_slice(o, sl)?;
    Ok(relabel(r, o.surr_block))
}

/// `iter(s)`: an iterator over its characters (a list iterator underneath).
pub fn iter(o: &StrObj) -> PyResult<Value> {
    let l = new_list_cap(o.nchars);
    for n in code_points(o) {
        l.push(from_code_points(&[n])?);
    }
    ops::get_iter(Value::obj(l))
}

/// `needle in hay`, either possibly holding surrogates.
pub fn contains(hay: &StrObj, needle: &StrObj) -> bool {
    if needle.kind == Kind::Str && hay.kind == Kind::Str {
        return hay.s.contains(&*needle.s);
    }
    let h: Vec<u32> = code_points(hay).collect();
    let n: Vec<u32> = code_points(needle).collect();
    n.is_empty() || h.windows(n.len()).any(|w| w == &n[..])
}

/// `a + b`, `a * n`, `a % b` when a surrogate string is involved; `None` if unsupported.
pub fn binop(a: Value, b: Value, op: u32) -> PyResult<Option<Value>> {
    use crate::compiler::bytecode::binop as bo;
    match op {
        bo::ADD => {
            let (Some(x), Some(y)) = (as_text(a), as_text(b)) else {
                return Ok(None);
            };
            crate::memlimit::check_bytes(x.s.len().saturating_add(y.s.len()))?;
            let mut t = TextBuf::with_capacity(x.s.len() + y.s.len());
            t.push_text(&x);
            t.push_text(&y);
            t.finish().map(Some)
        }
        bo::MUL => {
            let (s, n) = match (as_surr(a), as_surr(b)) {
                (Some(s), _) => (s, ops::int_of(b)),
                (_, Some(s)) => (s, ops::int_of(a)),
                _ => return Ok(None),
            };
            let Some(n) = n else { return Ok(None) };
            let text = crate::memlimit::repeat_str(&s.s, n.max(0) as usize)?;
            Ok(Some(from_mapped(text, s.surr_block)))
        }
        bo::MOD if as_text(a).is_some() => {
            let mut used = 0u64;
            if !(scan(a, &mut used) | scan(b, &mut used)) {
                return Ok(None);
            }
            call_mapped(&[a, b], |v| {
                crate::objects::format::percent_format(v[0], v[1])
            })
            .map(Some)
        }
        _ => Ok(None),
    }
}

/// Concatenation of the parts of an f-string, some of which hold surrogates.
pub fn concat(parts: &[Value]) -> PyResult<Value> {
    let mut t = TextBuf::default();
    for &p in parts {
        match as_text(p) {
            Some(o) => t.push_text(&o),
            None => return Err(vm::type_error("expected str")),
        }
    }
    t.finish()
}

// ---------------------------------------------------------------- methods, generically

/// Relabels a method's result computed over text mapped to block `b`: strings (also inside
/// a fresh list or tuple) holding block-`b` characters become surrogate strings.
fn relabel(v: Value, b: u16) -> Value {
    if let Some(o) = as_str(v) {
        if o.ascii {
            return v;
        }
        let lo = PUA + b as u32 * BLOCK;
        if o.s.chars().any(|c| (c as u32).wrapping_sub(lo) < BLOCK) {
            return alloc(o.s.to_string(), b);
        }
        return v;
    }
    if let Some(l) = as_list_exact(v) {
        for i in 0..l.len() {
            let x = l.get(i);
            let y = relabel(x, b);
            if y != x {
                l.set(i, y);
            }
        }
        return v;
    }
    if let Some(t) = as_tuple_exact(v) {
        let items: ArgVec = t.as_slice().iter().map(|&x| relabel(x, b)).collect();
        if items.iter().zip(t.as_slice()).any(|(x, y)| x != y) {
            return new_tuple(&items);
        }
    }
    v
}

/// Rewrites `v` (a string, or a tuple or list of them) with its surrogates in block `b`, as
/// plain strings.
fn map_to(v: Value, b: u16) -> Value {
    if let Some(o) = as_surr(payload(v)) {
        let (lo, hi) = block_range(&o);
        let base = PUA + b as u32 * BLOCK;
        let text: String =
            o.s.chars()
                .map(|c| {
                    let n = c as u32;
                    if n >= lo && n < hi {
                        char::from_u32(n - lo + base).unwrap_or(c)
                    } else {
                        c
                    }
                })
                .collect();
        return new_string(text);
    }
    if let Some(t) = as_tuple_exact(v) {
        if t.as_slice().iter().any(|&x| is_surr(x)) {
            let items: ArgVec = t.as_slice().iter().map(|&x| map_to(x, b)).collect();
            return new_tuple(&items);
        }
    }
    if let Some(l) = as_list_exact(v) {
        if l.as_slice().iter().any(|&x| is_surr(x)) {
            let items: ArgVec = l.as_slice().iter().map(|&x| map_to(x, b)).collect();
            return new_list_from(&items);
        }
    }
    if let Some(d) = as_dict_exact(v) {
        let vals: ArgVec = (0..d.entry_count()).map(|i| d.val_at(i)).collect();
        if vals.iter().any(|&x| is_surr(x)) {
            let out = new_dict();
            for i in 0..d.entry_count() {
                let k = d.key_at(i);
                if !k.is_null() && out.set_item(k, map_to(d.val_at(i), b)).is_err() {
                    return v;
                }
            }
            return Value::obj(out);
        }
    }
    v
}

/// The blocks used by the non-surrogate characters of the strings in `v` (and in a tuple or
/// list `v`), and whether any of them is a surrogate string.
fn scan(v: Value, used: &mut u64) -> bool {
    if let Some(o) = as_text(payload(v)) {
        *used |= used_blocks(&o);
        return o.kind == Kind::SurrStr;
    }
    let items = if let Some(t) = as_tuple_exact(v) {
        t.as_slice().to_vec()
    } else if let Some(l) = as_list_exact(v) {
        l.as_slice().to_vec()
    } else if let Some(d) = as_dict_exact(v) {
        (0..d.entry_count()).map(|i| d.val_at(i)).collect()
    } else {
        return false;
    };
    let mut any = false;
    for x in items {
        if let Some(o) = as_text(x) {
            *used |= used_blocks(&o);
            any |= o.kind == Kind::SurrStr;
        }
    }
    any
}

/// Whether `v` (or an item of a tuple, list or dict `v`) is a string holding surrogates.
pub fn holds_surrogates(v: Value) -> bool {
    scan(v, &mut 0)
}

/// Calls `f` with `vals` (strings, or tuples or lists of them) rewritten to one common block
/// as plain strings, and relabels its result.
pub fn map_call(vals: &[Value], f: impl FnOnce(&[Value]) -> PyResult<Value>) -> PyResult<Value> {
    call_mapped(vals, f)
}

fn call_mapped(vals: &[Value], f: impl FnOnce(&[Value]) -> PyResult<Value>) -> PyResult<Value> {
    let mut used = 0u64;
    for &v in vals {
        scan(v, &mut used);
    }
    let b = pick_block(used)?;
    let mapped: ArgVec = vals.iter().map(|&v| map_to(v, b)).collect();
    let r = with_active(b, || f(&mapped))?;
    Ok(relabel(r, b))
}

/// Called when method `qual` of `str` failed with `err`: if the failure was a surrogate string
/// turned away, runs the method again over mapped text (or, for the few methods that must see
/// the surrogates themselves, runs their surrogate-aware version).
#[cold]
#[inline(never)]
pub fn retry_method(qual: &str, f: NativeFn, a: Args, err: PyErr) -> PyResult<Value> {
    if !REJECTED.with(|r| r.replace(false)) {
        return Err(err);
    }
    let mut used = 0u64;
    let mut any = false;
    for &v in a.pos.iter().chain(a.kwvals.iter()) {
        any |= scan(v, &mut used);
    }
    if !any {
        return Err(err);
    }
    let slf = payload(a.pos.first().copied().unwrap_or(Value::NONE));
    if let Some(o) = as_surr(slf) {
        // the few methods that must see the surrogates themselves
        match qual {
            "str.encode" => return crate::modules::codecs::str_encode_surr(a),
            "str.__hash__" => return Ok(Value::small(surr_hash(&o))),
            "str.__iter__" => return iter(&o),
            "str.__repr__" => return Ok(new_string(surr_repr(&o))),
            "str.translate" if a.pos.len() == 2 => return translate(&o, a.pos[1]),
            _ => {}
        }
    }
    let b = pick_block(used)?;
    let pos: ArgVec = a.pos.iter().map(|&v| map_to(v, b)).collect();
    let kwvals: ArgVec = a.kwvals.iter().map(|&v| map_to(v, b)).collect();
    let r = with_active(b, || {
        f(Args {
            pos: &pos,
            kwnames: a.kwnames,
            kwvals: &kwvals,
        })
    });
    REJECTED.with(|r| r.set(false));
    Ok(relabel(r?, b))
}

/// `str.translate` over code points (the receiver or a replacement holds surrogates).
pub fn translate(o: &StrObj, table: Value) -> PyResult<Value> {
    let mut t = TextBuf::with_capacity(o.s.len());
    for n in code_points(o) {
        match ops::getitem(table, Value::small(n as i64)) {
            Ok(v) if v.is_none() => {}
            Ok(v) => {
                if let Some(i) = ops::int_of(v) {
                    if !(0..0x110000).contains(&i) {
                        return Err(vm::exc(
                            C::ValueError,
                            "character mapping must be in range(0x110000)",
                        ));
                    }
                    t.push_cp(i as u32);
                } else if let Some(r) = as_text(payload(v)) {
                    t.push_text(&r);
                } else {
                    return Err(vm::type_error(
                        "character mapping must return integer, None or str",
                    ));
                }
            }
            Err(e) if vm::exc_matches(&e, C::LookupError) => t.push_cp(n),
            Err(e) => return Err(e),
        }
    }
    t.finish()
}

/// `str.join` when an item holds surrogates: the items are already collected.
pub fn join(sep: Value, items: &[Value]) -> PyResult<Value> {
    let s = as_text(sep).ok_or_else(|| vm::type_error("expected str"))?;
    let mut t = TextBuf::default();
    for (i, &x) in items.iter().enumerate() {
        if i > 0 {
            t.push_text(&s);
        }
        match as_text(payload(x)) {
            Some(o) => t.push_text(&o),
            None => {
                return Err(vm::type_error(format!(
                    "sequence item {}: expected str instance, {} found",
                    i,
                    vm::type_name(x)
                )))
            }
        }
    }
    t.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wtf8_of_a_surrogate_is_three_bytes() {
        let mut v = Vec::new();
        push_wtf8(&mut v, 0xD800);
        push_wtf8(&mut v, 0xDFFF);
        push_wtf8(&mut v, 'a' as u32);
        assert_eq!(v, [0xED, 0xA0, 0x80, 0xED, 0xBF, 0xBF, b'a']);
    }

    #[test]
    fn a_block_is_free_unless_all_are_used() {
        assert_eq!(pick_block(0).unwrap(), 0);
        assert_eq!(pick_block(0b1011).unwrap(), 2);
        assert_eq!(pick_block(!(1 << 63)).unwrap(), 63);
    }
}
