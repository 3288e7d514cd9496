//! Signatures of native callables: one declarative text per built-in function, method and
//! constructor, checked before the Rust handler runs, so a handler may index the positional
//! arguments its signature requires without bounds checks of its own and no call can pass
//! more arguments than the callable takes.
//!
//! A signature is written like CPython's `__text_signature__`, without `$self`:
//!
//! ```text
//! divmod(x, y, /)                      two positional-only parameters
//! get(key, default=None, /)            a method (the receiver is implicit), one optional
//! split(sep=None, maxsplit=-1)         positional-or-keyword parameters
//! sorted(iterable, /, *, key=None, reverse=False)   keyword-only parameters after `*`
//! print(*args, sep=' ', end='\n', file=None, flush=False)
//! dict(iterable=(), /, **kwargs)
//! ```
//!
//! A default's text is not interpreted (the handler supplies the value); it only marks the
//! parameter optional. An optional prefix `X:` picks the family of CPython's `TypeError`
//! messages when the shape alone does not say which one CPython uses (see [`Style`]).
//!
//! The check ([`Sig::call`]) has a fast path (argument count within bounds, no keywords,
//! receiver of the exact class) that costs two compares and, for methods, one class load;
//! everything else (keywords, subclasses, errors) goes to [`Sig::check_slow`]. What the
//! check guarantees to handlers: at least `required` positional values (counting the
//! receiver of a method), at most the number of positional parameters unless `*args`, only
//! keyword names the signature declares, and a receiver that is an instance (or, for a class
//! method, a subclass) of the registering class.

use crate::argvec::ArgVec;
use crate::objects::{as_class, str_eq, Args, NativeFn};
use crate::value::{Kind, Value};
use crate::vm::{self, cls, type_error, type_of, C};
use crate::vm::{PyErr, PyResult};
use metatracer::gc::Gc;

/// A call's arguments rearranged by [`Sig::check`] (required parameters passed by keyword
/// moved to their positions). Rooted like any [`ArgVec`].
pub struct Moved {
    pub pos: ArgVec,
    pub kwnames: ArgVec,
    pub kwvals: ArgVec,
}

impl Moved {
    /// The rearranged arguments.
    pub fn args(&self) -> Args<'_> {
        Args {
            pos: &self.pos,
            kwnames: &self.kwnames,
            kwvals: &self.kwvals,
        }
    }
}

/// Which family of CPython's argument-count messages a callable uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `METH_O`: `len() takes exactly one argument (0 given)` (qualified name for methods).
    One,
    /// `METH_NOARGS`: `list.copy() takes no arguments (1 given)`.
    NoArgs,
    /// Positional-only clinic functions: `divmod expected 2 arguments, got 1`.
    Expected,
    /// `PyArg_ParseTuple`: `count() takes at least 1 argument (0 given)` (prefix `T:`).
    Tuple,
    /// Clinic functions with keywords: `round() missing required argument 'number' (pos 1)`,
    /// `split() takes at most 2 arguments (3 given)`.
    Keywords,
    /// Slot wrappers (`__add__` and friends): `expected 1 argument, got 0` (prefix `W:`).
    Wrapper,
}

/// What a method's receiver (`pos[0]`) must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recv {
    /// A plain function: no receiver.
    None,
    /// An instance of the class (a method).
    Inst(C),
    /// The class or a subclass of it (a class method or `__new__`).
    Class(C),
}

/// A parsed signature. Built once at start-up and leaked (`&'static`).
#[derive(Debug)]
pub struct Sig {
    /// The callable's bare name (`append`), as CPython's messages spell it.
    pub name: &'static str,
    /// Positional parameters (positional-only first), then keyword-only ones.
    params: &'static [&'static str],
    /// Parameters before `/`.
    posonly: u8,
    /// Parameters that may be given by position.
    npos: u8,
    /// Leading positional parameters without a default.
    required: u8,
    /// Keyword-only parameters without a default.
    kwonly_required: &'static [&'static str],
    varargs: bool,
    varkw: bool,
    style: Style,
    recv: Recv,
    /// Fast path bounds on `pos.len()`, counting the receiver.
    min: u16,
    max: u16,
    /// For a method of a class whose exact instances have their own object kind (`list`:
    /// `Kind::List`): that kind, so the receiver check reads one byte.
    recv_kind: Option<Kind>,
}

/// The object kind every exact instance of built-in class `c` has, if there is one.
fn exact_kind(c: C) -> Option<Kind> {
    Some(match c {
        C::list => Kind::List,
        C::tuple => Kind::Tuple,
        C::dict => Kind::Dict,
        C::set => Kind::Set,
        C::frozenset => Kind::FrozenSet,
        C::str => Kind::Str,
        C::bytes => Kind::Bytes,
        C::bytearray => Kind::ByteArray,
        C::float => Kind::Float,
        C::complex => Kind::Complex,
        C::range => Kind::Range,
        C::slice => Kind::Slice,
        C::generator => Kind::Generator,
        C::property => Kind::Property,
        _ => return None,
    })
}

/// The signature of callables registered without one (`new_builtin`): anything goes, the
/// handler checks for itself.
pub static UNCHECKED: Sig = Sig {
    name: "",
    params: &[],
    posonly: 0,
    npos: 0,
    required: 0,
    kwonly_required: &[],
    varargs: true,
    varkw: true,
    style: Style::Expected,
    recv: Recv::None,
    min: 0,
    max: u16::MAX,
    recv_kind: None,
};

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

impl Sig {
    /// Parses `text` (see the module docs) for a callable with receiver `recv`. Panics on
    /// malformed text: signatures are the interpreter's own tables, and a unit test parses
    /// every one of them at start-up.
    pub fn parse(text: &'static str, recv: Recv) -> Sig {
        let (style, text) = match text.split_once(':') {
            Some((s, rest)) if s.len() == 1 && !rest.is_empty() => (
                match s {
                    "T" => Some(Style::Tuple),
                    "W" => Some(Style::Wrapper),
                    "K" => Some(Style::Keywords),
                    "E" => Some(Style::Expected),
                    _ => panic!("unknown signature style in {text:?}"),
                },
                rest,
            ),
            _ => (None, text),
        };
        let open = text
            .find('(')
            .unwrap_or_else(|| panic!("signature {text:?} lacks '('"));
        assert!(text.ends_with(')'), "signature {text:?} lacks ')'");
        let name = &text[..open];
        let inner = &text[open + 1..text.len() - 1];
        let mut params = Vec::new();
        let mut kwonly = Vec::new();
        let mut kwonly_required = Vec::new();
        let (mut posonly, mut required) = (0usize, 0usize);
        let (mut varargs, mut varkw, mut star) = (false, false, false);
        let mut seen_default = false;
        for raw in split_params(inner) {
            let p = raw.trim();
            if p.is_empty() {
                continue;
            }
            if p == "/" {
                posonly = params.len();
            } else if p == "*" {
                star = true;
            } else if p.starts_with("**") {
                varkw = true;
            } else if let Some(v) = p.strip_prefix('*') {
                assert!(!v.is_empty() && !star, "bad *args in {text:?}");
                varargs = true;
                star = true;
            } else {
                let (pname, has_default) = match p.split_once('=') {
                    Some((n, _)) => (n.trim(), true),
                    None => (p, false),
                };
                if star {
                    kwonly.push(pname);
                    if !has_default {
                        kwonly_required.push(pname);
                    }
                } else {
                    if has_default {
                        seen_default = true;
                    } else {
                        assert!(!seen_default, "required after optional in {text:?}");
                        required += 1;
                    }
                    params.push(pname);
                }
            }
        }
        let npos = params.len();
        params.extend(kwonly);
        let keywords = params.len() > posonly || varkw;
        let style = style.unwrap_or(if keywords {
            Style::Keywords
        } else if varargs {
            Style::Expected
        } else if npos == 0 {
            Style::NoArgs
        } else if npos == 1 && required == 1 {
            Style::One
        } else {
            Style::Expected
        });
        let slf = usize::from(recv != Recv::None);
        let fast_max = if varargs {
            u16::MAX as usize
        } else {
            npos + slf
        };
        Sig {
            name,
            params: Box::leak(params.into_boxed_slice()),
            posonly: posonly as u8,
            npos: npos as u8,
            required: required as u8,
            kwonly_required: Box::leak(kwonly_required.into_boxed_slice()),
            varargs,
            varkw,
            style,
            recv,
            min: (required + slf) as u16,
            max: fast_max as u16,
            recv_kind: match recv {
                Recv::Inst(c) => exact_kind(c),
                _ => None,
            },
        }
    }

    /// Parses and leaks `text`: the form stored in a built-in function object.
    pub fn leak(text: &'static str, recv: Recv) -> &'static Sig {
        Box::leak(Box::new(Sig::parse(text, recv)))
    }

    /// Whether `a` certainly fits: the argument count is within bounds, there are no
    /// keywords, and a receiver is an instance of the class. Two compares and, for methods,
    /// one class load (an MRO walk for subclass instances); anything else (keywords, errors)
    /// needs [`Sig::check_slow`].
    #[inline(always)]
    pub fn fits_fast(&self, a: &Args) -> bool {
        let n = a.pos.len();
        if n < self.min as usize || n > self.max as usize || !a.kwnames.is_empty() {
            return false;
        }
        match self.recv {
            Recv::None => true,
            Recv::Inst(c) => {
                let slf = a.pos[0];
                if c == C::object || (self.recv_kind.is_some() && slf.kind() == self.recv_kind) {
                    return true;
                }
                let t = type_of(slf);
                Gc::ptr_eq(t, cls(c)) || vm::is_subclass(t, cls(c))
            }
            // `object.__new__(cls)` for every user class: any class is a subclass of object
            Recv::Class(C::object) => a.pos[0].is_kind(Kind::Class),
            Recv::Class(c) => {
                a.pos[0] == Value::obj(cls(c))
                    || as_class(a.pos[0]).is_some_and(|k| vm::is_subclass(k, cls(c)))
            }
        }
    }

    /// Calls handler `f` with `a` once `a` is checked (`qual` is the callable's qualified
    /// name, `list.append`, for messages).
    #[inline(always)]
    pub fn call(&self, qual: &str, f: NativeFn, a: Args) -> PyResult<Value> {
        if self.fits_fast(&a) {
            self.run(qual, f, a)
        } else {
            self.call_slow(qual, f, a)
        }
    }

    /// Runs handler `f` on arguments already checked. A `str` method that fails because it
    /// was given a string holding lone surrogates is retried over mapped text (`surr.rs`);
    /// the test costs nothing unless the call raised.
    #[inline(always)]
    pub fn run(&self, qual: &str, f: NativeFn, a: Args) -> PyResult<Value> {
        let r = f(a);
        if r.is_err() && self.recv_kind == Some(Kind::Str) {
            return r.or_else(|e| crate::objects::surr::retry_method(qual, f, a, e));
        }
        r
    }

    /// [`Sig::call`] past the fast path. Never inlined: the rearranged-arguments buffer
    /// ([`Moved`], three inline [`ArgVec`]s) must not sit, uninitialised, in the frames of
    /// hot callers, where the conservative stack scan would read stale values in it as roots.
    #[inline(never)]
    pub fn call_slow(&self, qual: &str, f: NativeFn, a: Args) -> PyResult<Value> {
        let moved = self.check_slow(qual, &a)?;
        let a = match &moved {
            None => a,
            Some(m) => m.args(),
        };
        match f(a) {
            // a `str` method given a string that holds lone surrogates (`surr.rs`)
            Err(e) if self.recv_kind == Some(Kind::Str) => {
                crate::objects::surr::retry_method(qual, f, a, e)
            }
            r => r,
        }
    }

    /// The full check: receiver, counts, keywords; the error CPython gives, or `Ok` with
    /// (`Some`) the arguments rearranged when parameters that follow the positional ones
    /// were passed by keyword (handlers read those by position, so a required parameter is
    /// never missing).
    #[cold]
    pub fn check_slow(&self, qual: &str, a: &Args) -> PyResult<Option<Moved>> {
        let mut pos = a.pos;
        match self.recv {
            Recv::None => {}
            Recv::Inst(c) | Recv::Class(c) => {
                let Some(&slf) = pos.first() else {
                    return Err(type_error(format!(
                        "unbound method {qual}() needs an argument"
                    )));
                };
                let ok = match self.recv {
                    Recv::Class(_) => as_class(slf).is_some_and(|k| vm::is_subclass(k, cls(c))),
                    _ => vm::isinstance_c(slf, c),
                };
                if !ok {
                    let what = match self.recv {
                        Recv::Class(_) if as_class(slf).is_some() => {
                            vm::class_name(as_class(slf).unwrap())
                        }
                        _ => vm::type_name(slf),
                    };
                    return Err(type_error(format!(
                        "descriptor '{}' for '{}' objects doesn't apply to a '{}' object",
                        self.name,
                        vm::CLASS_NAMES[c as usize],
                        what
                    )));
                }
                pos = &pos[1..];
            }
        }
        let n = pos.len();
        let npos = self.npos as usize;
        let required = self.required as usize;
        let posonly = self.posonly as usize;
        let nkw = a.kwnames.len();
        // keyword names first when the callable takes none at all
        if nkw > 0 && self.params.len() == posonly && !self.varkw {
            return Err(type_error(match self.style {
                Style::Wrapper => format!("wrapper {}() takes no keyword arguments", self.name),
                Style::One | Style::NoArgs => format!("{qual}() takes no keyword arguments"),
                _ => format!("{}() takes no keyword arguments", self.name),
            }));
        }
        if self.style == Style::Keywords && !self.varargs && !self.varkw {
            let maxargs = self.params.len();
            if n + nkw > maxargs {
                return Err(type_error(format!(
                    "{}() takes at most {maxargs} {}argument{} ({} given)",
                    self.name,
                    if n == 0 { "keyword " } else { "" },
                    plural(maxargs),
                    n + nkw
                )));
            }
        }
        if n > npos && !self.varargs {
            return Err(self.too_many(qual, n));
        }
        // required positional parameters: given by position or (if allowed) by keyword
        for i in n..required {
            let by_kw = i >= posonly && self.kw_index(a, self.params[i]).is_some();
            if !by_kw {
                return Err(self.too_few(qual, i, n));
            }
        }
        // parameters given by keyword right after the positional ones move to their positions
        // (handlers read positional-or-keyword parameters by position first)
        let mut fill = n;
        while fill < npos && fill >= posonly && self.kw_index(a, self.params[fill]).is_some() {
            fill += 1;
        }
        for &k in a.kwnames.iter() {
            match self.param_of_kw(k) {
                Some(i) if i < npos && i < n => {
                    return Err(type_error(format!(
                        "argument for {}() given by name ('{}') and position ({})",
                        self.name,
                        self.params[i],
                        i + 1
                    )));
                }
                Some(_) => {}
                None if self.varkw => {}
                None => {
                    let kname = crate::objects::as_str(k)
                        .map(|s| s.s.to_string())
                        .unwrap_or_default();
                    return Err(type_error(format!(
                        "'{kname}' is an invalid keyword argument for {}()",
                        self.name
                    )));
                }
            }
        }
        for &k in self.kwonly_required.iter() {
            if self.kw_index(a, k).is_none() {
                return Err(type_error(format!(
                    "{}() missing required keyword-only argument: '{k}'",
                    self.name
                )));
            }
        }
        if fill == n {
            return Ok(None);
        }
        // handlers index required parameters by position: move them out of the keywords
        let mut m = Moved {
            pos: ArgVec::from_slice(a.pos),
            kwnames: ArgVec::new(),
            kwvals: ArgVec::new(),
        };
        for i in n..fill {
            let j = self.kw_index(a, self.params[i]).unwrap();
            m.pos.push(a.kwvals[j]);
        }
        for (j, &k) in a.kwnames.iter().enumerate() {
            if !self.params[n..fill].iter().any(|p| str_eq(k, p)) {
                m.kwnames.push(k);
                m.kwvals.push(a.kwvals[j]);
            }
        }
        Ok(Some(m))
    }

    /// The parameter a keyword names, if it can be given by keyword.
    fn param_of_kw(&self, k: Value) -> Option<usize> {
        (self.posonly as usize..self.params.len()).find(|&i| str_eq(k, self.params[i]))
    }

    fn kw_index(&self, a: &Args, name: &str) -> Option<usize> {
        a.kwnames.iter().position(|&k| str_eq(k, name))
    }

    /// The bounds a message states: (fewest, most) positional arguments.
    fn bounds(&self) -> (usize, Option<usize>) {
        let most = (!self.varargs).then_some(self.npos as usize);
        (self.required as usize, most)
    }

    fn count_error(&self, qual: &str, n: usize) -> PyErr {
        let (min, max) = self.bounds();
        let (qual_word, k) = match max {
            Some(m) if n > m => (if min == m { "exactly" } else { "at most" }, m),
            _ => (
                if Some(min) == max {
                    "exactly"
                } else {
                    "at least"
                },
                min,
            ),
        };
        type_error(match self.style {
            Style::One => format!("{qual}() takes exactly one argument ({n} given)"),
            Style::NoArgs => format!("{qual}() takes no arguments ({n} given)"),
            Style::Tuple => format!(
                "{}() takes {qual_word} {k} argument{} ({n} given)",
                self.name,
                plural(k)
            ),
            Style::Expected | Style::Wrapper | Style::Keywords => {
                let word = match qual_word {
                    "exactly" => "",
                    "at most" => "at most ",
                    _ => "at least ",
                };
                let prefix = if self.style == Style::Wrapper {
                    String::new()
                } else {
                    format!("{} ", self.name)
                };
                format!("{prefix}expected {word}{k} argument{}, got {n}", plural(k))
            }
        })
    }

    fn too_many(&self, qual: &str, n: usize) -> PyErr {
        if self.style != Style::Keywords {
            return self.count_error(qual, n);
        }
        let npos = self.npos as usize;
        if npos == 0 {
            return type_error(format!("{}() takes no positional arguments", self.name));
        }
        type_error(format!(
            "{}() takes {} {npos} positional argument{} ({n} given)",
            self.name,
            if (self.required as usize) < npos {
                "at most"
            } else {
                "exactly"
            },
            plural(npos)
        ))
    }

    fn too_few(&self, qual: &str, missing: usize, n: usize) -> PyErr {
        if self.style != Style::Keywords {
            return self.count_error(qual, n);
        }
        let posonly = self.posonly as usize;
        let required = self.required as usize;
        if missing < posonly {
            return type_error(format!(
                "{}() takes {} {required} positional argument{} ({n} given)",
                self.name,
                if required < self.npos as usize {
                    "at least"
                } else {
                    "exactly"
                },
                plural(required)
            ));
        }
        type_error(format!(
            "{}() missing required argument '{}' (pos {})",
            self.name,
            self.params[missing],
            missing + 1
        ))
    }
}

/// Splits a parameter list at top-level commas (defaults may hold `(...)`, `'...'`).
fn split_params(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None::<char>, 0usize);
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_shapes_and_picks_styles() {
        let s = Sig::parse("len(obj, /)", Recv::None);
        assert_eq!((s.name, s.style, s.min, s.max), ("len", Style::One, 1, 1));
        let s = Sig::parse("get(key, default=None, /)", Recv::Inst(C::dict));
        assert_eq!((s.style, s.min, s.max), (Style::Expected, 2, 3));
        let s = Sig::parse("copy()", Recv::Inst(C::list));
        assert_eq!((s.style, s.min, s.max), (Style::NoArgs, 1, 1));
        let s = Sig::parse(
            "sorted(iterable, /, *, key=None, reverse=False)",
            Recv::None,
        );
        assert_eq!(
            (s.style, s.npos, s.required, s.posonly),
            (Style::Keywords, 1, 1, 1)
        );
        assert_eq!(s.params, &["iterable", "key", "reverse"]);
        let s = Sig::parse(
            "print(*args, sep=' ', end='\\n', file=None, flush=False)",
            Recv::None,
        );
        assert!(s.varargs && s.max == u16::MAX && s.npos == 0);
        let s = Sig::parse("T:count(sub, start=None, end=None, /)", Recv::Inst(C::str));
        assert_eq!((s.style, s.min, s.max), (Style::Tuple, 2, 4));
        let s = Sig::parse("dict(iterable=(), /, **kwargs)", Recv::None);
        assert!(s.varkw && s.style == Style::Keywords && s.posonly == 1);
        let s = Sig::parse("f(a=(1, 2), b='x,y')", Recv::None);
        assert_eq!(s.params, &["a", "b"]);
    }

    #[test]
    #[should_panic(expected = "lacks '('")]
    fn malformed_signature_is_rejected() {
        Sig::parse("len", Recv::None);
    }
}
