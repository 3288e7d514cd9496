//! The mirror: translates a function body into builder code over symbolic values.
//!
//! Every expression of the supported subset becomes code that, when the builder runs, emits
//! jitcode and yields a `Sym<T>` (a value in one or more registers) or a `Place<T>` (a memory
//! location). Types are never guessed here: the emitted calls are generic and rustc infers
//! them from the mirror, so a type error in the mirror is a type error rustc reports on the
//! user's own tokens (spans are preserved). Where the lowering depends on a type (a `Cell`
//! vs any other `.get()`, a traced method vs a residual one), the mirror emits both and an
//! auto-ref probe lets rustc pick, or the builder picks when it runs.
//!
//! Subset (see `docs/jit-subset.md`): literals, locals, arithmetic/comparison/logic operators
//! (integer `/`, `%`, `checked_*`, `overflowing_*` inline), `as` casts between numbers, field
//! access and indexing on declared structs / `Vec` / arrays / slices / `gc::Array`, `Cell`
//! and `GcCell`, assignment and compound assignment, `let` with a name or a tuple /
//! `Some` / `Ok` / `Err` pattern or a struct pattern (one `let` per field), `let else`, `Some`/`None`/`Ok`/`Err`/tuple values, blocks,
//! `if`, `if let`, `match` (with guards), `while`, `while let`, `for` over ranges, `loop`,
//! `break` (with a value), `continue`, `return`, `?`, calls and method calls, and the hints
//! `promote`, `we_are_jitted`, `can_enter_jit!`. Desugared constructs (`if let`, `while let`,
//! `let else`, `for`) are rewritten into the others before translation. Anything else that
//! computes a value without leaving the expression (method calls, macros such as `println!`,
//! struct literals) becomes a residual call of a closure over the locals it mentions.
//! Constructs that cannot be handled either way (`for` over iterators, struct patterns nested
//! in other `let` patterns, references to locals) are rejected with an error that says what to write instead.
//!
//! In a method's mirror (`has_self`), `self` is the local `__mt_self`: builders are associated
//! functions without a receiver.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{format_ident, quote, quote_spanned};
use std::collections::BTreeSet;
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{BinOp, Expr, Ident, Lit, Pat, Stmt, UnOp};

/// A translated expression: code and whether it always diverges (then `code` has type `()`).
pub struct Out {
    pub code: TokenStream,
    pub div: bool,
}

struct LoopCtx {
    label: Option<String>,
    brk: Ident,
    cont: Ident,
    /// Whether `break value` may leave it (a `loop`, not a `while`).
    is_loop: bool,
    /// The register the loop's value goes to, and whether a `break value` assigned it yet.
    result: Ident,
    has_value: bool,
    /// Whether any `break` leaves it (a `loop` that none leaves diverges).
    broke: bool,
}

/// What the portal's dispatch loop needs.
pub struct PortalInfo {
    /// State variables at the loop header: name, green.
    pub vars: Vec<(Ident, bool)>,
}

pub struct Mirror {
    scopes: Vec<Vec<Ident>>,
    loops: Vec<LoopCtx>,
    pub errors: Vec<syn::Error>,
    counter: usize,
    /// The statement index (in the top-level body) of the dispatch loop, for the portal.
    pub portal: Option<PortalInfo>,
    portal_pending: bool,
    in_portal_fn: bool,
    pub unroll_safe: bool,
    pub saw_can_enter: bool,
    /// Names marked `#[green]` (parameters and top-level `let`s of the portal).
    pub greens: Vec<Ident>,
    /// The function's return type (for `return` and `?`), if it can be named.
    pub ret_ty: Option<TokenStream>,
    /// A method's mirror: `self` is the local `__mt_self` (builders are associated functions
    /// without a receiver).
    pub has_self: bool,
    /// A method taking `self` by value (a `RegValue` struct): `self.field` is a register.
    pub self_by_value: bool,
}

fn hash_name(s: &str) -> u64 {
    // FNV-1a; the Layout derive uses the same function.
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

pub fn field_hash(member: &syn::Member) -> u64 {
    match member {
        syn::Member::Named(id) => hash_name(&id.to_string()),
        syn::Member::Unnamed(i) => hash_name(&i.index.to_string()),
    }
}

fn m() -> TokenStream {
    quote!(::metatracer::__private)
}

/// The path of the hidden module with `span`: a generic call through it whose bound fails is
/// reported by rustc at `span` (the user's expression), not at the attribute.
fn m_at(span: Span) -> TokenStream {
    quote_spanned!(span=> ::metatracer::__private)
}

/// `ts` with every token at `span` (a generated function name in a call spanned on the user's
/// expression, so that rustc's labels on the call land there too).
fn respan(ts: &TokenStream, span: Span) -> TokenStream {
    ts.clone()
        .into_iter()
        .map(|mut tt| {
            tt.set_span(span);
            tt
        })
        .collect()
}

/// The span of the tokens that name a place to the user: the field name of `a.b`, the
/// brackets of `a[i]`, the `*` of `*p`.
fn place_span(e: &Expr) -> Span {
    match e {
        Expr::Field(f) => f.member.span(),
        Expr::Index(ix) => ix.bracket_token.span.join(),
        Expr::Unary(u) => u.op.span(),
        Expr::Paren(p) => place_span(&p.expr),
        _ => e.span(),
    }
}

/// A short text for an expression that becomes a residual call (`s.print()`, `log("hi", x)`),
/// for trace text and logs: the tokens without the spaces `to_string` puts between them,
/// cut at 60 characters.
fn call_text(e: &Expr) -> String {
    let raw = quote!(#e).to_string();
    let glue = |x: Option<char>| matches!(x, Some('.' | '(' | ')' | '[' | ']' | ':' | '!'));
    let mut out = String::new();
    let mut prev: Option<char> = None;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ' ' {
            let next = chars.peek().copied();
            if glue(prev) || glue(next) || next == Some(',') {
                continue;
            }
        }
        out.push(c);
        prev = Some(c);
    }
    if out.chars().count() > 60 {
        out = out.chars().take(57).collect::<String>() + "...";
    }
    out
}

/// Whether `e` is a literal that is no register value (a string, byte string or C string).
fn is_text_literal(e: &Expr) -> bool {
    match e {
        Expr::Lit(l) => matches!(l.lit, Lit::Str(_) | Lit::ByteStr(_) | Lit::CStr(_)),
        Expr::Paren(p) => is_text_literal(&p.expr),
        Expr::Reference(r) => is_text_literal(&r.expr),
        _ => false,
    }
}

fn is_place(e: &Expr) -> bool {
    match e {
        Expr::Field(_) | Expr::Index(_) => true,
        Expr::Unary(u) => matches!(u.op, UnOp::Deref(_)),
        Expr::Paren(p) => is_place(&p.expr),
        _ => false,
    }
}

fn last_segment(e: &Expr) -> Option<String> {
    if let Expr::Path(p) = e {
        p.path.segments.last().map(|s| s.ident.to_string())
    } else {
        None
    }
}

/// Whether a name is a constant's by Rust's convention (`INT`, `CMP_LT`): letters all
/// uppercase. In a pattern such a name is a constant to compare with, not a binding.
fn screaming(s: &str) -> bool {
    s.chars().any(|c| c.is_uppercase()) && !s.chars().any(|c| c.is_lowercase())
}

/// A pattern that is a named constant in scope (`INT`, `CMP_LT`), compared with `==` (as
/// words, `pat_eq`). Paths (`Op::NOP`, `Tag::FLOAT`) are left to the general `match`: opcode
/// enums often spell their variants this way, and their dispatch is one pattern-test call.
fn const_pat(p: &Pat) -> bool {
    match p {
        Pat::Ident(i) => {
            i.by_ref.is_none() && i.subpat.is_none() && screaming(&i.ident.to_string())
        }
        _ => false,
    }
}

fn lower_first(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_lowercase() || c == '_')
}

/// Collects binding names of a pattern.
/// What an arm of an `Option`-shaped match matches: 1 `Some(x)`/`Some(_)`, 0 `None`,
/// 2 `_`; `None` for any other pattern.
fn option_arm(p: &Pat) -> Option<u8> {
    let last_is =
        |path: &syn::Path, name: &str| path.segments.last().is_some_and(|s| s.ident == name);
    match p {
        Pat::TupleStruct(ts) if last_is(&ts.path, "Some") && ts.elems.len() == 1 => {
            match &ts.elems[0] {
                Pat::Ident(i) if i.by_ref.is_none() && i.subpat.is_none() => Some(1),
                Pat::Wild(_) => Some(1),
                _ => None,
            }
        }
        Pat::Ident(i) if i.ident == "None" && i.subpat.is_none() => Some(0),
        Pat::Path(pp) if last_is(&pp.path, "None") => Some(0),
        Pat::Wild(_) => Some(2),
        _ => None,
    }
}

/// Whether `path` names the variant `variant` of the prelude enum `en` (`Some`,
/// `Option::Some`, `std::option::Option::Some`, ...).
fn is_variant_path(path: &syn::Path, en: &str, variant: &str) -> bool {
    let segs: Vec<&syn::PathSegment> = path.segments.iter().collect();
    let Some(last) = segs.last() else {
        return false;
    };
    if last.ident != variant || !last.arguments.is_none() {
        return false;
    }
    segs.len() == 1 || segs[segs.len() - 2].ident == en
}

/// Whether a pattern can be tested on a register value without a pattern-test call: `_`,
/// bindings, `Some`/`None`/`Ok`/`Err`, tuples, integer and `bool` literals, named constants
/// ([`const_pat`]), and or-patterns of those without bindings.
fn pat_structural(p: &Pat) -> bool {
    if const_pat(p) {
        return true;
    }
    match p {
        Pat::Wild(_) => true,
        Pat::Ident(i) => {
            i.by_ref.is_none()
                && i.subpat.is_none()
                && (lower_first(&i.ident.to_string()) || i.ident == "None")
        }
        Pat::Path(pp) => pp.qself.is_none() && is_variant_path(&pp.path, "Option", "None"),
        Pat::TupleStruct(ts) => {
            ts.qself.is_none()
                && ts.elems.len() == 1
                && ["Some", "Ok", "Err"].iter().any(|v| {
                    let en = if *v == "Some" { "Option" } else { "Result" };
                    is_variant_path(&ts.path, en, v)
                })
                && pat_structural(&ts.elems[0])
        }
        Pat::Tuple(t) => {
            (t.elems.is_empty() || (2..=4).contains(&t.elems.len()))
                && t.elems
                    .iter()
                    .all(|e| !matches!(e, Pat::Rest(_)) && pat_structural(e))
        }
        Pat::Lit(l) => matches!(l.lit, Lit::Int(_) | Lit::Bool(_)),
        Pat::Paren(p) => pat_structural(&p.pat),
        Pat::Or(o) => {
            let mut b = Vec::new();
            pat_bindings(p, &mut b);
            b.is_empty() && o.cases.iter().all(pat_structural)
        }
        _ => false,
    }
}

/// The fields of a struct pattern that a plain `let` can destructure into one `let` per
/// field: `S { a, b: p, .. }` (named fields) and `S(x, y)` / `S(x, ..)` (tuple structs other
/// than `Some`/`Ok`/`Err`). `None` for any other pattern (and for a `..` not at the end of a
/// tuple-struct pattern, whose field numbers after it the macro cannot know).
fn struct_pat_fields(p: &Pat) -> Option<Vec<(syn::Member, Pat)>> {
    match p {
        Pat::Struct(ps) if ps.qself.is_none() => Some(
            ps.fields
                .iter()
                .map(|f| (f.member.clone(), (*f.pat).clone()))
                .collect(),
        ),
        Pat::TupleStruct(ts)
            if ts.qself.is_none()
                && !["Some", "Ok", "Err"].iter().any(|v| {
                    let en = if *v == "Some" { "Option" } else { "Result" };
                    is_variant_path(&ts.path, en, v)
                }) =>
        {
            let n = ts.elems.len();
            let mut out = Vec::new();
            for (i, e) in ts.elems.iter().enumerate() {
                if matches!(e, Pat::Rest(_)) {
                    if i + 1 != n {
                        return None;
                    }
                    continue;
                }
                let member = syn::Member::Unnamed(syn::Index {
                    index: i as u32,
                    span: e.span(),
                });
                out.push((member, e.clone()));
            }
            Some(out)
        }
        _ => None,
    }
}

/// Whether reading a place twice gives the same value and does nothing else: a chain of
/// fields, indexing and derefs over locals, with indices made of locals, literals, fields and
/// arithmetic (no calls).
fn simple_place(e: &Expr) -> bool {
    match e {
        Expr::Path(_) | Expr::Lit(_) => true,
        Expr::Field(f) => simple_place(&f.base),
        Expr::Index(i) => simple_place(&i.expr) && simple_place(&i.index),
        Expr::Paren(p) => simple_place(&p.expr),
        Expr::Unary(u) => simple_place(&u.expr),
        Expr::Binary(b) => {
            !matches!(
                b.op,
                BinOp::AddAssign(_)
                    | BinOp::SubAssign(_)
                    | BinOp::MulAssign(_)
                    | BinOp::DivAssign(_)
                    | BinOp::RemAssign(_)
                    | BinOp::BitXorAssign(_)
                    | BinOp::BitAndAssign(_)
                    | BinOp::BitOrAssign(_)
                    | BinOp::ShlAssign(_)
                    | BinOp::ShrAssign(_)
            ) && simple_place(&b.left)
                && simple_place(&b.right)
        }
        Expr::Cast(c) => simple_place(&c.expr),
        _ => false,
    }
}

fn pat_bindings(p: &Pat, out: &mut Vec<Ident>) {
    struct V<'a>(&'a mut Vec<Ident>);
    impl<'ast> Visit<'ast> for V<'_> {
        fn visit_pat_ident(&mut self, i: &'ast syn::PatIdent) {
            if lower_first(&i.ident.to_string()) {
                self.0.push(i.ident.clone());
            }
            syn::visit::visit_pat_ident(self, i);
        }
    }
    V(out).visit_pat(p);
}

impl Mirror {
    pub fn new(in_portal_fn: bool, unroll_safe: bool) -> Self {
        Mirror {
            scopes: vec![Vec::new()],
            loops: Vec::new(),
            errors: Vec::new(),
            counter: 0,
            portal: None,
            portal_pending: in_portal_fn,
            in_portal_fn,
            unroll_safe,
            saw_can_enter: false,
            greens: Vec::new(),
            ret_ty: None,
            has_self: false,
            self_by_value: false,
        }
    }

    fn err<S: quote::ToTokens + ?Sized>(&mut self, span: &S, msg: &str) -> Out {
        self.errors.push(syn::Error::new_spanned(span, msg));
        Out {
            code: quote!(()),
            div: true,
        }
    }

    fn tmp(&mut self, what: &str) -> Ident {
        self.counter += 1;
        format_ident!("__mt_{}{}", what, self.counter)
    }

    pub fn declare(&mut self, id: &Ident) {
        self.scopes.last_mut().expect("scope").push(id.clone());
    }

    fn is_local(&self, id: &Ident) -> bool {
        self.scopes.iter().rev().any(|s| s.iter().any(|x| x == id))
    }

    /// Whether `e` is `self.field` in a method taking `self` by value (a `RegValue` struct in
    /// registers), where the field is a value rather than a place.
    fn field_of_value_self(&self, e: &Expr) -> bool {
        self.self_by_value
            && matches!(strip_paren(e), Expr::Field(f)
                if matches!(&*f.base, Expr::Path(p) if p.path.is_ident("self")))
    }

    fn local_of(&self, e: &Expr) -> Option<Ident> {
        if let Expr::Path(p) = e {
            if p.qself.is_none() && p.path.segments.len() == 1 && p.path.leading_colon.is_none() {
                let id = &p.path.segments[0].ident;
                if self.has_self && id == "self" {
                    return Some(Ident::new("__mt_self", id.span()));
                }
                if self.is_local(id) {
                    return Some(id.clone());
                }
            }
        }
        None
    }

    /// An expression in value position: code of type `Sym<T>`.
    pub fn value(&mut self, e: &Expr) -> TokenStream {
        let o = self.expr(e);
        if o.div {
            let m = m();
            let code = o.code;
            quote!({ let _ = #code; #m::dead(__cw) })
        } else {
            o.code
        }
    }

    /// A place expression (or a pointer-valued one) as something `ToPlace`.
    fn place(&mut self, e: &Expr) -> TokenStream {
        let m = m();
        match e {
            Expr::Paren(p) => self.place(&p.expr),
            Expr::Field(f) => {
                let base = self.place(&f.base);
                let h = field_hash(&f.member);
                let span = f.member.span();
                {
                    let ms = m_at(span);
                    quote_spanned!(span=> { let __mt_b = #base; #ms::field::<#h, _>(__cw, __mt_b) })
                }
            }
            Expr::Index(ix) => {
                let base = self.place(&ix.expr);
                let i = self.value(&ix.index);
                let span = ix.bracket_token.span.join();
                {
                    let ms = m_at(span);
                    quote_spanned!(span=> { let __mt_b = #base; let __mt_i = #i; #ms::index(__cw, __mt_b, __mt_i) })
                }
            }
            Expr::Unary(u) if matches!(u.op, UnOp::Deref(_)) => {
                let v = self.value(&u.expr);
                quote!({ let __mt_v = #v; #m::deref(__cw, __mt_v) })
            }
            _ => self.value(e),
        }
    }

    fn unit(&self) -> TokenStream {
        let m = m();
        quote!(#m::lit(__cw, ()))
    }

    fn ok(code: TokenStream) -> Out {
        Out { code, div: false }
    }

    pub fn expr(&mut self, e: &Expr) -> Out {
        let m = m();
        match e {
            Expr::Lit(l) => match &l.lit {
                Lit::Int(_) | Lit::Float(_) | Lit::Bool(_) | Lit::Char(_) | Lit::Byte(_) => {
                    Self::ok({ let ms = m_at(l.span()); quote_spanned!(l.span()=> #ms::lit(__cw, #l)) })
                }
                _ => self.err(l, "a string literal is not a register value in traced code (registers hold integers, floats, `bool`, `char` and pointers); pass it directly as an argument of a function call (`log(\"..\", x)` becomes a residual call of that function), or move the code that uses it into a function without `#[look_inside]`"),
            },
            Expr::Path(p) => {
                if let Some(id) = self.local_of(e) {
                    Self::ok(quote!(#id))
                } else if p.qself.is_none() && is_variant_path(&p.path, "Option", "None") {
                    Self::ok({ let ms = m_at(p.span()); quote_spanned!(p.span()=> #ms::make_none(__cw)) })
                } else {
                    // Constants, statics and unit values: evaluated when the builder runs.
                    Self::ok({ let ms = m_at(p.span()); quote_spanned!(p.span()=> #ms::lit(__cw, #p)) })
                }
            }
            Expr::Paren(p) => self.expr(&p.expr),
            Expr::Group(g) => self.expr(&g.expr),
            Expr::Block(b) => {
                if b.label.is_some() {
                    return self.err(b, "labeled blocks are not supported in traced code; use `loop` with `break`");
                }
                self.block(&b.block)
            }
            Expr::Unsafe(u) => self.block(&u.block),
            Expr::Binary(b) => self.binary(b),
            Expr::Unary(u) => match u.op {
                UnOp::Deref(_) => {
                    let p = self.place(e);
                    let ms = m_at(u.op.span());
                    Self::ok(quote!({ let __mt_p = #p; #ms::traced_load(__cw, __mt_p) }))
                }
                UnOp::Neg(_) => {
                    let v = self.value(&u.expr);
                    Self::ok({ let ms = m_at(u.span()); quote_spanned!(u.span()=> { let __mt_v = #v; #ms::neg(__cw, __mt_v) }) })
                }
                UnOp::Not(_) => {
                    let v = self.value(&u.expr);
                    Self::ok({ let ms = m_at(u.span()); quote_spanned!(u.span()=> { let __mt_v = #v; #ms::not(__cw, __mt_v) }) })
                }
                _ => self.err(u, "this operator is not supported in traced code"),
            },
            Expr::Field(f) if self.local_of(&f.base).is_some() => {
                // a register of a `RegValue` struct or tuple, or a load through a pointer
                let id = self.local_of(&f.base).expect("checked");
                let h = field_hash(&f.member);
                Self::ok(quote_spanned!(f.member.span()=> {
                    #[allow(unused_imports)]
                    use #m::{FastField as _, SlowField as _};
                    (&#m::FProbe::<#h, _>::of(&#id)).field_value(__cw, #id)
                }))
            }
            Expr::Field(_) | Expr::Index(_) => {
                let p = self.place(e);
                Self::ok({ let ms = m_at(place_span(e)); quote_spanned!(place_span(e)=> { let __mt_p = #p; #ms::traced_load(__cw, __mt_p) }) })
            }
            Expr::Reference(r) => {
                if self.local_of(&r.expr).is_some() {
                    return self.err(r, "traced code cannot take a reference to a local variable (locals live in registers); pass the value, or move this code into a `#[dont_look_inside]` function");
                }
                if !is_place(&r.expr) {
                    return self.fallback(e);
                }
                let p = self.place(&r.expr);
                let f = if r.mutability.is_some() { quote!(addr_mut) } else { quote!(addr_ref) };
                Self::ok(quote!({ let __mt_p = #p; #m::#f(__cw, __mt_p) }))
            }
            Expr::Cast(c) => {
                let v = self.value(&c.expr);
                let ty = &c.ty;
                Self::ok({ let ms = m_at(c.span()); quote_spanned!(c.span()=> { let __mt_v = #v; #ms::cast::<_, #ty>(__cw, __mt_v) }) })
            }
            Expr::Assign(a) => self.assign(&a.left, None, &a.right, a),
            Expr::If(i) => self.if_expr(i),
            Expr::Match(mt) => self.match_expr(mt),
            Expr::While(w) => {
                if let Expr::Let(l) = &*w.cond {
                    // `while let P = e { body }` is `loop { match e { P => body, _ => break } }`.
                    let (pat, scrut, body, label) = (&l.pat, &l.expr, &w.body, &w.label);
                    let desugared: Expr = syn::parse_quote_spanned!(w.span()=>
                        #label loop { match #scrut { #pat => #body, _ => break } });
                    return self.expr(&desugared);
                }
                let label = w.label.as_ref().map(|l| l.name.ident.to_string());
                self.loop_expr(label, Some(&w.cond), &w.body, w)
            }
            Expr::Loop(l) => {
                let label = l.label.as_ref().map(|l| l.name.ident.to_string());
                self.loop_expr(label, None, &l.body, l)
            }
            Expr::ForLoop(f) => self.for_loop(f),
            Expr::Let(l) => self.err(l, "`let` patterns in traced code go in `if let`, `while let` or `let ... else` (no `&&` chains); write a nested `if`"),
            Expr::Try(t) => self.try_expr(t),
            Expr::Tuple(t) => {
                let n = t.elems.len();
                if n == 0 {
                    return Self::ok(self.unit());
                }
                if !(2..=4).contains(&n) {
                    return self.fallback(e);
                }
                let vals: Vec<TokenStream> = t.elems.iter().map(|x| self.value(x)).collect();
                let names: Vec<Ident> = (0..n).map(|i| format_ident!("__mt_t{}", i)).collect();
                let f = format_ident!("tuple{}", n);
                Self::ok({ let ms = m_at(t.span()); { let __fname = respan(&quote!(#f), t.span()); quote_spanned!(t.span()=> { #(let #names = #vals;)* #ms::#__fname(__cw, #(#names),*) }) } })
            }
            Expr::Break(b) => {
                let Some(l) = self.find_loop(b.label.as_ref()) else {
                    return self.err(b, "`break` outside a loop of this function");
                };
                self.loops[l].broke = true;
                let Some(x) = &b.expr else {
                    let t = &self.loops[l].brk;
                    return Out { code: quote!({ __cw.jump(#t); }), div: true };
                };
                if !self.loops[l].is_loop {
                    return self.err(b, "`break` with a value leaves only a `loop`");
                }
                let v = self.value(x);
                let ctx = &mut self.loops[l];
                let (r, t) = (&ctx.result, &ctx.brk);
                let set = if ctx.has_value {
                    quote!(#m::assign(__cw, #r, __mt_b);)
                } else {
                    quote!(#r = #m::bind(__cw, __mt_b);)
                };
                ctx.has_value = true;
                Out { code: quote!({ let __mt_b = #v; #set __cw.jump(#t); }), div: true }
            }
            Expr::Continue(c) => match self.find_loop(c.label.as_ref()) {
                Some(l) => {
                    let t = &self.loops[l].cont;
                    Out { code: quote!({ __cw.jump(#t); }), div: true }
                }
                None => self.err(c, "`continue` outside a loop of this function"),
            },
            Expr::Return(r) => {
                let v = match &r.expr {
                    Some(x) => self.value(x),
                    None => self.unit(),
                };
                let ret = self.ret_code(quote!(__mt_r));
                Out { code: quote!({ let __mt_r = #v; #ret }), div: true }
            }
            Expr::Call(c) => self.call(c),
            Expr::MethodCall(mc) => {
                let name = mc.method.to_string();
                if name == "len" && mc.args.is_empty() && is_place(&mc.receiver) {
                    let p = self.place(&mc.receiver);
                    return Self::ok({ let ms = m_at(mc.span()); quote_spanned!(mc.span()=> { let __mt_p = #p; #ms::len(__cw, __mt_p) }) });
                }
                if name == "len" && mc.args.is_empty() {
                    if let Some(id) = self.local_of(&mc.receiver) {
                        // a slice or a reference to a container: inline; else a residual call
                        return Self::ok(quote_spanned!(mc.span()=> {
                            #[allow(unused_imports)]
                            use #m::{FastLen as _, SlowLen as _};
                            match (&#m::LProbe::of(&#id)).m_len(__cw, #id) {
                                ::core::option::Option::Some(__mt_r) => __mt_r,
                                ::core::option::Option::None => #m::closure1(__cw, #id, |#id| #id.len()),
                            }
                        }));
                    }
                }
                if mc.args.is_empty() && mc.turbofish.is_none() {
                    // `r.is_ok()`, `o.is_some()`, ...: a `match` on the value, so it traces as
                    // one (a tag test); a residual call of `Result::is_ok` would pass the
                    // value's words, and a `Result<(), E>`'s `Ok` has none (a void argument
                    // the trace verifier rejects)
                    let variant = match name.as_str() {
                        "is_ok" => Some((quote!(::core::result::Result::Ok), true)),
                        "is_err" => Some((quote!(::core::result::Result::Err), true)),
                        "is_some" => Some((quote!(::core::option::Option::Some), true)),
                        "is_none" => Some((quote!(::core::option::Option::Some), false)),
                        _ => None,
                    };
                    if let Some((v, yes)) = variant {
                        let r = &mc.receiver;
                        let no = !yes;
                        let m: Expr = syn::parse_quote_spanned!(mc.span()=> match #r { #v(_) => #yes, _ => #no });
                        return self.expr(&m);
                    }
                }
                let nargs = mc.args.len();
                if mc.turbofish.is_none()
                    && is_place(&mc.receiver)
                    && ((name == "get" && nargs <= 1) || (name == "set" && (1..=2).contains(&nargs)))
                {
                    return self.cell_or_array_method(mc);
                }
                let op = match name.as_str() {
                    "wrapping_add" => Some(quote!(add)),
                    "wrapping_sub" => Some(quote!(sub)),
                    "wrapping_mul" => Some(quote!(mul)),
                    "checked_add" => Some(quote!(checked_add)),
                    "checked_sub" => Some(quote!(checked_sub)),
                    "checked_mul" => Some(quote!(checked_mul)),
                    "overflowing_add" => Some(quote!(overflowing_add)),
                    "overflowing_sub" => Some(quote!(overflowing_sub)),
                    "overflowing_mul" => Some(quote!(overflowing_mul)),
                    _ => None,
                };
                match op {
                    Some(op) if mc.args.len() == 1 && mc.turbofish.is_none() => {
                        let a = self.value(&mc.receiver);
                        let b = self.value(&mc.args[0]);
                        Self::ok({ let ms = m_at(mc.span()); { let __fname = respan(&quote!(#op), mc.span()); quote_spanned!(mc.span()=> { let __mt_a = #a; let __mt_b = #b; #ms::#__fname(__cw, __mt_a, __mt_b) }) } })
                    }
                    _ => {
                        if let Some(b) = self.hoist_call_args(mc) {
                            return self.expr(&b);
                        }
                        match self.method_call(mc) {
                            Some(o) => o,
                            None => self.fallback(e),
                        }
                    }
                }
            }
            Expr::Struct(st) => self.struct_lit(st),
            Expr::Macro(mac) => self.macro_expr(&mac.mac, e),
            Expr::Closure(c) => self.err(c, "closures are not supported in traced code; call a named function instead"),
            Expr::Async(a) => self.err(a, "async code is not supported in traced code"),
            Expr::Await(a) => self.err(a, "async code is not supported in traced code"),
            Expr::Yield(y) => self.err(y, "generators are not supported in traced code"),
            _ => self.fallback(e),
        }
    }

    fn find_loop(&self, label: Option<&syn::Lifetime>) -> Option<usize> {
        match label {
            None => self.loops.len().checked_sub(1),
            Some(l) => {
                let name = l.ident.to_string();
                self.loops
                    .iter()
                    .rposition(|c| c.label.as_deref() == Some(&name))
            }
        }
    }

    fn macro_expr(&mut self, mac: &syn::Macro, e: &Expr) -> Out {
        let name = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        match name.as_str() {
            "can_enter_jit" => {
                if !self.in_portal_fn {
                    return self.err(mac, "`can_enter_jit!()` belongs in the body of the `#[jit_merge_point]` function, at the guest's backward jump");
                }
                self.saw_can_enter = true;
                let m = m();
                Self::ok(quote!({ __cw.can_enter_jit(); #m::lit(__cw, ()) }))
            }
            "panic" | "unreachable" | "todo" | "unimplemented" => {
                let o = self.fallback(e);
                let m = m();
                let code = o.code;
                Out {
                    code: quote!({ let _ = #code; #m::unreachable(__cw); }),
                    div: true,
                }
            }
            _ => self.fallback(e),
        }
    }

    /// `place.get()`, `place.set(v)`, `place.get(i)`, `place.set(i, v)`: a load or store
    /// when the place is a `Cell`, `GcCell` or `gc::Array` (chosen by rustc through
    /// `MProbe`), else a residual call of the method (the arguments are evaluated once).
    fn cell_or_array_method(&mut self, mc: &syn::ExprMethodCall) -> Out {
        let m = m();
        let n = mc.args.len();
        let recv = &mc.receiver;
        let method = &mc.method;
        let p = self.place(recv);
        let args: Vec<TokenStream> = mc.args.iter().map(|a| self.value(a)).collect();
        let names: Vec<Ident> = (0..n).map(|i| format_ident!("__mt_ma{}", i)).collect();
        let mut free = BTreeSet::new();
        self.free_locals(recv, &mut free);
        let free: Vec<Ident> = free
            .into_iter()
            .map(|s| Ident::new(&s, recv.span()))
            .collect();
        if free.len() + n > 6 {
            return self.err(mc, "this call uses more than 6 values; move it into a `#[dont_look_inside]` function taking them as arguments");
        }
        let clos = format_ident!("closure{}", free.len() + n);
        let recv_body = self.renamed(recv);
        let (fast, slow, f) = match (method.to_string().as_str(), n) {
            ("get", 0) => (quote!(FastGet0), quote!(SlowGet0), quote!(m_get0)),
            ("get", _) => (quote!(FastGet1), quote!(SlowGet1), quote!(m_get1)),
            ("set", 1) => (quote!(FastSet1), quote!(SlowSet1), quote!(m_set1)),
            _ => (quote!(FastSet2), quote!(SlowSet2), quote!(m_set2)),
        };
        let text = call_text(&Expr::MethodCall(mc.clone()));
        Self::ok(quote_spanned!(mc.span()=> {
            let __mt_p = #p;
            #(let #names = #args;)*
            #[allow(unused_imports)]
            use #m::{#fast as _, #slow as _};
            match (&#m::MProbe::of(&__mt_p)).#f(__cw, __mt_p, #(#names),*) {
                ::core::option::Option::Some(__mt_r) => __mt_r,
                ::core::option::Option::None => {
                    __cw.name_next_call(#text);
                    #m::#clos(__cw, #(#free,)* #(#names,)*
                        |#(#free,)* #(#names),*| (#recv_body).#method(#(#names),*))
                }
            }
        }))
    }

    /// `S { a: x, b: y }`: for a `RegValue` struct, its fields moved into fresh registers
    /// (chosen by type through `SProbe`); for any other struct, or fields that are not simple
    /// expressions, a residual call building it.
    fn struct_lit(&mut self, st: &syn::ExprStruct) -> Out {
        self.struct_lit_as(st, &Expr::Struct(st.clone()))
    }

    /// [`Self::struct_lit`] for `st`, written in the source as `whole` (a tuple struct's
    /// `S(a, b)` is `S { 0: a, 1: b }`): `whole` is what the residual call runs.
    fn struct_lit_as(&mut self, st: &syn::ExprStruct, whole: &Expr) -> Out {
        let m = m();
        let whole = whole.clone();
        if st.rest.is_some()
            || st.qself.is_some()
            || !st.fields.iter().all(|f| self.simple_arg(&f.expr))
        {
            return self.fallback(&whole);
        }
        let mut free = BTreeSet::new();
        self.free_locals(&whole, &mut free);
        if free.len() > 6 {
            return self.fallback(&whole);
        }
        let free: Vec<Ident> = free
            .into_iter()
            .map(|s| Ident::new(&s, st.span()))
            .collect();
        let vals: Vec<TokenStream> = st.fields.iter().map(|f| self.value(&f.expr)).collect();
        let names: Vec<Ident> = (0..vals.len())
            .map(|i| format_ident!("__mt_sf{}", i))
            .collect();
        let hashes: Vec<u64> = st.fields.iter().map(|f| field_hash(&f.member)).collect();
        let clos = format_ident!("closure{}", free.len());
        let typed = format_ident!("typed{}", free.len());
        let body = self.renamed(&whole);
        Self::ok(quote_spanned!(st.span()=> {
            #(let #names = #vals;)*
            #[allow(unused_imports)]
            use #m::{FastLit as _, SlowLit as _, FastSetField as _, SlowSetField as _};
            let __mt_fb = #m::#typed(#(&#free,)* |#(#free),*| #body);
            match (&#m::SProbe::of(&__mt_fb)).lit_dst(__cw) {
                ::core::option::Option::Some(__mt_d) => {
                    #( (&#m::FProbe::<#hashes, _>::of(&__mt_d)).set_field(__cw, __mt_d, #names); )*
                    __mt_d
                }
                ::core::option::Option::None => #m::#clos(__cw, #(#free,)* __mt_fb),
            }
        }))
    }

    /// Residual call of a closure over the locals the expression mentions (named in traces and
    /// logs by the expression's text, not by the closure's type).
    fn fallback(&mut self, e: &Expr) -> Out {
        // Control flow cannot leave a closure.
        struct Cf(Option<Span>);
        impl<'ast> Visit<'ast> for Cf {
            fn visit_expr_return(&mut self, r: &'ast syn::ExprReturn) {
                self.0.get_or_insert(r.span());
            }
            fn visit_expr_break(&mut self, r: &'ast syn::ExprBreak) {
                self.0.get_or_insert(r.span());
            }
            fn visit_expr_continue(&mut self, r: &'ast syn::ExprContinue) {
                self.0.get_or_insert(r.span());
            }
            fn visit_expr_try(&mut self, r: &'ast syn::ExprTry) {
                self.0.get_or_insert(r.span());
            }
            fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        }
        let mut cf = Cf(None);
        cf.visit_expr(e);
        if let Some(sp) = cf.0 {
            self.errors.push(syn::Error::new(sp, "control flow inside an expression that the JIT turns into a residual call; move it out of the expression or into a `#[dont_look_inside]` function"));
            return Out {
                code: quote!(()),
                div: true,
            };
        }
        let mut free = BTreeSet::new();
        self.free_locals(e, &mut free);
        let free: Vec<Ident> = free.into_iter().map(|s| Ident::new(&s, e.span())).collect();
        if free.len() > 6 {
            return self.err(e, "this expression uses more than 6 local variables; move it into a `#[dont_look_inside]` function taking them as arguments");
        }
        let f = format_ident!("closure{}", free.len());
        let body = self.renamed(e);
        let text = call_text(e);
        Self::ok({
            let ms = m_at(e.span());
            {
                let __fname = respan(&quote!(#f), e.span());
                quote_spanned!(e.span()=> { __cw.name_next_call(#text); #ms::#__fname(__cw, #(#free,)* |#(#free),*| #body) })
            }
        })
    }

    /// Tokens of `e` for a closure body: in a method, `self` becomes the closure's
    /// parameter `__mt_self`.
    fn renamed(&self, e: &dyn quote::ToTokens) -> TokenStream {
        fn go(ts: TokenStream) -> TokenStream {
            ts.into_iter()
                .map(|tt| match tt {
                    TokenTree::Ident(id) if id == "self" => {
                        TokenTree::Ident(Ident::new("__mt_self", id.span()))
                    }
                    TokenTree::Group(g) => {
                        let mut n = proc_macro2::Group::new(g.delimiter(), go(g.stream()));
                        n.set_span(g.span());
                        TokenTree::Group(n)
                    }
                    other => other,
                })
                .collect()
        }
        let ts = quote!(#e);
        if self.has_self {
            go(ts)
        } else {
            ts
        }
    }

    /// Whether the mirror translates `e` without an error and without a residual call of
    /// its own (so it can be evaluated as a method argument or struct field): numeric, `bool`
    /// and `char` literals, locals, places, and operators, casts and references on those
    /// (not constants or statics, which may not be register values).
    fn simple_arg(&self, e: &Expr) -> bool {
        match e {
            Expr::Lit(l) => !matches!(l.lit, Lit::Str(_) | Lit::ByteStr(_) | Lit::CStr(_)),
            // a local, or a named constant (`INT`, `Fault::TYPE`: a literal when the builder runs)
            Expr::Path(p) => {
                self.local_of(e).is_some()
                    || (p.qself.is_none()
                        && p.path.segments.last().is_some_and(|s| {
                            s.arguments.is_none() && screaming(&s.ident.to_string())
                        }))
            }
            Expr::Field(f) => self.simple_arg(&f.base),
            Expr::Index(i) => self.simple_arg(&i.expr) && self.simple_arg(&i.index),
            Expr::Unary(u) => self.simple_arg(&u.expr),
            Expr::Binary(b) => self.simple_arg(&b.left) && self.simple_arg(&b.right),
            Expr::Cast(c) => self.simple_arg(&c.expr),
            Expr::Paren(p) => self.simple_arg(&p.expr),
            Expr::Reference(r) => is_place(&r.expr) && self.simple_arg(&r.expr),
            _ => false,
        }
    }

    /// `recv.m(a, g(x))` with a local receiver and an argument that is itself a call (or
    /// another non-simple expression the mirror traces): the same call with each argument
    /// first bound to a local, in order (`{ let a0 = a; let a1 = g(x); recv.m(a0, a1) }`),
    /// so the inner call is traced (inlined or a residual call of its own) and the method
    /// call itself can be inlined, instead of the whole expression becoming one residual
    /// call. Rust evaluates the receiver, then the arguments left to right; a local receiver
    /// cannot change while they run (traced code takes no reference to a local), so the
    /// order is kept. `None` when there is nothing to hoist.
    fn hoist_call_args(&self, mc: &syn::ExprMethodCall) -> Option<Expr> {
        let recv = &*mc.receiver;
        let is_local = self.local_of(recv).is_some() || self.field_of_value_self(recv);
        let hoistable = |a: &Expr| matches!(a, Expr::Call(_) | Expr::MethodCall(_));
        if mc.turbofish.is_some()
            || !is_local
            || mc.args.iter().all(|a| self.simple_arg(a))
            || !mc.args.iter().all(|a| self.simple_arg(a) || hoistable(a))
        {
            return None;
        }
        let names: Vec<Ident> = (0..mc.args.len())
            .map(|i| format_ident!("__mt_arg{}", i, span = mc.span()))
            .collect();
        let args = mc.args.iter();
        let method = &mc.method;
        Some(syn::parse_quote_spanned!(mc.span()=> {
            #(let #names = #args;)*
            #recv.#method(#(#names),*)
        }))
    }

    /// `recv.m(args)` on a local or place receiver with simple arguments: inlined when the
    /// receiver's type has a `#[look_inside]` method `m` taking these argument types (chosen
    /// when the builder runs), else a residual call of the method.
    fn method_call(&mut self, mc: &syn::ExprMethodCall) -> Option<Out> {
        let m = m();
        let recv = &*mc.receiver;
        // `self.field` of a `self` taken by value is a value too (see `match_expr`)
        let is_local = self.local_of(recv).is_some() || self.field_of_value_self(recv);
        if mc.turbofish.is_some()
            || !(is_local || is_place(recv))
            || !mc.args.iter().all(|a| self.simple_arg(a))
        {
            return None;
        }
        let mut free = BTreeSet::new();
        self.free_locals(recv, &mut free);
        let n = mc.args.len();
        if free.len() + n > 6 {
            return None;
        }
        let recv_code = if is_local {
            self.value(recv)
        } else {
            self.place(recv)
        };
        let args: Vec<TokenStream> = mc.args.iter().map(|a| self.value(a)).collect();
        let names: Vec<Ident> = (0..n).map(|i| format_ident!("__mt_ma{}", i)).collect();
        let free: Vec<Ident> = free
            .into_iter()
            .map(|s| Ident::new(&s, recv.span()))
            .collect();
        let clos = format_ident!("closure{}", free.len() + n);
        let method = &mc.method;
        let name = method.to_string();
        let recv_body = self.renamed(recv);
        let text = call_text(&Expr::MethodCall(mc.clone()));
        Some(Self::ok(quote_spanned!(mc.span()=> {
            let __mt_p = #recv_code;
            #(let #names = #args;)*
            #[allow(unused_imports)]
            use #m::{FastRecv as _, SlowRecv as _, ValueRecv as _, NotValueRecv as _};
            let __mt_probe = #m::RProbe::of(&__mt_p);
            let mut __mt_args = #m::MethodArgs::default();
            #(__mt_args.push(#names);)*
            let __mt_ty = (&__mt_probe).recv_type();
            let __mt_byval = (&__mt_probe).recv_value(__mt_p);
            match #m::inline_method(__cw, __mt_ty, __mt_byval, #name, &__mt_args, |__cw| (&__mt_probe).recv_ptr(__cw, __mt_p)) {
                ::core::option::Option::Some(__mt_r) => __mt_r,
                ::core::option::Option::None => {
                    __cw.name_next_call(#text);
                    #m::#clos(__cw, #(#free,)* #(#names,)*
                        |#(#free,)* #(#names),*| (#recv_body).#method(#(#names),*))
                }
            }
        })))
    }

    fn free_locals(&self, e: &Expr, out: &mut BTreeSet<String>) {
        struct V<'a> {
            me: &'a Mirror,
            out: &'a mut BTreeSet<String>,
        }
        impl V<'_> {
            fn tokens(&mut self, ts: TokenStream) {
                for tt in ts {
                    match tt {
                        TokenTree::Ident(id) => {
                            if self.me.has_self && id == "self" {
                                self.out.insert("__mt_self".to_string());
                            } else if self.me.is_local(&id) {
                                self.out.insert(id.to_string());
                            }
                        }
                        TokenTree::Group(g) => self.tokens(g.stream()),
                        TokenTree::Literal(l) => {
                            // Inline format arguments: "{x}" / "{x:?}".
                            let s = l.to_string();
                            if s.starts_with('"') {
                                let mut rest = &s[..];
                                while let Some(i) = rest.find('{') {
                                    rest = &rest[i + 1..];
                                    let name: String = rest
                                        .chars()
                                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                                        .collect();
                                    if !name.is_empty() {
                                        let id = Ident::new(&name, Span::call_site());
                                        if syn::parse_str::<Ident>(&name).is_ok()
                                            && self.me.is_local(&id)
                                        {
                                            self.out.insert(name);
                                        }
                                    }
                                }
                            }
                        }
                        TokenTree::Punct(_) => {}
                    }
                }
            }
        }
        impl<'ast> Visit<'ast> for V<'_> {
            fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
                if p.qself.is_none() && p.path.segments.len() == 1 {
                    let id = &p.path.segments[0].ident;
                    if self.me.has_self && id == "self" {
                        self.out.insert("__mt_self".to_string());
                    } else if self.me.is_local(id) {
                        self.out.insert(id.to_string());
                    }
                }
            }
            fn visit_macro(&mut self, mac: &'ast syn::Macro) {
                self.tokens(mac.tokens.clone());
            }
        }
        V { me: self, out }.visit_expr(e);
    }

    fn binary(&mut self, b: &syn::ExprBinary) -> Out {
        let m = m();
        let arith = |op: &BinOp| -> Option<(TokenStream, bool)> {
            Some(match op {
                BinOp::Add(_) => (quote!(add), false),
                BinOp::Sub(_) => (quote!(sub), false),
                BinOp::Mul(_) => (quote!(mul), false),
                BinOp::Div(_) => (quote!(div), false),
                BinOp::Rem(_) => (quote!(rem), false),
                BinOp::BitAnd(_) => (quote!(bitand), false),
                BinOp::BitOr(_) => (quote!(bitor), false),
                BinOp::BitXor(_) => (quote!(bitxor), false),
                BinOp::Shl(_) => (quote!(shl), false),
                BinOp::Shr(_) => (quote!(shr), false),
                BinOp::AddAssign(_) => (quote!(add), true),
                BinOp::SubAssign(_) => (quote!(sub), true),
                BinOp::MulAssign(_) => (quote!(mul), true),
                BinOp::DivAssign(_) => (quote!(div), true),
                BinOp::RemAssign(_) => (quote!(rem), true),
                BinOp::BitAndAssign(_) => (quote!(bitand), true),
                BinOp::BitOrAssign(_) => (quote!(bitor), true),
                BinOp::BitXorAssign(_) => (quote!(bitxor), true),
                BinOp::ShlAssign(_) => (quote!(shl), true),
                BinOp::ShrAssign(_) => (quote!(shr), true),
                BinOp::Eq(_) => (quote!(eq), false),
                BinOp::Ne(_) => (quote!(ne), false),
                BinOp::Lt(_) => (quote!(lt), false),
                BinOp::Le(_) => (quote!(le), false),
                BinOp::Gt(_) => (quote!(gt), false),
                BinOp::Ge(_) => (quote!(ge), false),
                _ => return None,
            })
        };
        match &b.op {
            BinOp::And(_) | BinOp::Or(_) => {
                // Short-circuit: `a && b` is `if a { b } else { false }`.
                let is_and = matches!(b.op, BinOp::And(_));
                let a = self.value(&b.left);
                let rhs = self.value(&b.right);
                let skip = self.tmp("skip");
                let end = self.tmp("end");
                let r = self.tmp("r");
                let short = if is_and { quote!(false) } else { quote!(true) };
                let cond = if is_and {
                    quote!(__mt_a)
                } else {
                    quote!(#m::not(__cw, __mt_a))
                };
                Self::ok(quote_spanned!(b.span()=> {
                    let __mt_a: #m::Sym<bool> = #a;
                    let #skip = __cw.label(); let #end = __cw.label();
                    let __mt_c = #cond;
                    __cw.branch_if_false(__mt_c, #skip);
                    let __mt_b: #m::Sym<bool> = #rhs;
                    let #r = #m::bind(__cw, __mt_b);
                    __cw.jump(#end);
                    __cw.bind(#skip);
                    let __mt_s = #m::lit(__cw, #short);
                    #m::assign(__cw, #r, __mt_s);
                    __cw.bind(#end);
                    #r
                }))
            }
            op => {
                let Some((f, is_assign)) = arith(op) else {
                    return self.err(&b.op, "this operator is not supported in traced code");
                };
                if is_assign {
                    return self.assign(&b.left, Some(f), &b.right, b);
                }
                let l = self.value(&b.left);
                let r = self.value(&b.right);
                Self::ok({
                    let ms = m_at(b.op.span());
                    {
                        let __fname = respan(&quote!(#f), b.op.span());
                        quote_spanned!(b.op.span()=> { let __mt_l = #l; let __mt_r = #r; #ms::#__fname(__cw, __mt_l, __mt_r) })
                    }
                })
            }
        }
    }

    fn assign(
        &mut self,
        left: &Expr,
        op: Option<TokenStream>,
        right: &Expr,
        whole: &dyn quote::ToTokens,
    ) -> Out {
        let m = m();
        let v = self.value(right);
        if let Some(id) = self.local_of(left) {
            let new = match &op {
                Some(f) => quote!(#m::#f(__cw, #id, __mt_v)),
                None => quote!(__mt_v),
            };
            return Self::ok(
                quote!({ let __mt_v = #v; let __mt_n = #new; #m::assign(__cw, #id, __mt_n); #m::lit(__cw, ()) }),
            );
        }
        if !is_place(left) {
            return self.err(whole, "traced code can assign only to local variables, struct fields, and elements of `Vec`s and arrays");
        }
        // (a field of a local is read by `value`: a register of a `RegValue` struct, or a load
        // through a local pointer)
        let local_field =
            matches!(strip_paren(right), Expr::Field(f) if self.local_of(&f.base).is_some());
        if op.is_none() && is_place(strip_paren(right)) && !local_field {
            // place to place: a load and a store for a register value, a residual copy for any
            // other `Copy` type (a whole struct slot), chosen by rustc through `CProbe`
            let src = self.place(right);
            let dst = self.place(left);
            let ma = m_at(place_span(left));
            return Self::ok(quote!({
                let __mt_s = #src;
                let __mt_d = #dst;
                #[allow(unused_imports)]
                use #m::{FastCopy as _, SlowCopy as _};
                (&#ma::CProbe::of(&__mt_d)).copy_place(__cw, __mt_d, __mt_s);
                #m::lit(__cw, ())
            }));
        }
        let p = self.place(left);
        let ms = m_at(place_span(left));
        let new = match &op {
            Some(f) => {
                let fs = respan(f, place_span(left));
                quote!({ let __mt_old = #ms::traced_load(__cw, __mt_p); #ms::#fs(__cw, __mt_old, __mt_v) })
            }
            None => quote!(__mt_v),
        };
        Self::ok(quote!({
            let __mt_v = #v;
            let __mt_p = #p;
            let __mt_n = #new;
            #ms::store(__cw, __mt_p, __mt_n);
            #m::lit(__cw, ())
        }))
    }

    fn call(&mut self, c: &syn::ExprCall) -> Out {
        let m = m();
        let name = last_segment(&c.func);
        match name.as_deref() {
            Some("promote") if c.args.len() == 1 => {
                let v = self.value(&c.args[0]);
                return Self::ok({
                    let ms = m_at(c.span());
                    quote_spanned!(c.span()=> { let __mt_v = #v; #ms::traced_promote(__cw, __mt_v) })
                });
            }
            Some(f @ ("word_bits" | "from_word_bits" | "word_to_value")) if c.args.len() == 1 => {
                let v = self.value(&c.args[0]);
                let f = syn::Ident::new(f, c.span());
                return Self::ok(
                    quote_spanned!(c.span()=> { let __mt_v = #v; #m::#f(__cw, __mt_v) }),
                );
            }
            Some("we_are_jitted") if c.args.is_empty() => {
                return Self::ok(quote!(#m::we_are_jitted(__cw)));
            }
            Some("record_known_result") if c.args.len() == 3 => {
                // `record_known_result(r, f, (a, b))`: the call `f(a, b)` is emitted as usual
                // (rustc checks it), then turned into a hint that its result is `r`.
                let Expr::Tuple(t) = &c.args[2] else {
                    return self.err(&c.args[2], "the arguments of `record_known_result` are a tuple of the call's arguments, written out: `(a, b)` (or `(a,)`)");
                };
                let r = self.value(&c.args[0]);
                let call = syn::ExprCall {
                    attrs: Vec::new(),
                    func: Box::new(c.args[1].clone()),
                    paren_token: syn::token::Paren::default(),
                    args: t.elems.clone(),
                };
                let call = self.call(&call).code;
                return Self::ok(quote_spanned!(c.span()=> {
                    let __mt_r = #r;
                    let __mt_from = #m::insn_count(__cw);
                    let __mt_c = #call;
                    #m::known_result(__cw, __mt_r, __mt_c, __mt_from)
                }));
            }
            _ => {}
        }
        let Expr::Path(func) = &*c.func else {
            return self.fallback(&Expr::Call(c.clone()));
        };
        // `gc::alloc(v)` / `metatracer::gc::alloc(v)`: an allocation the optimizer can
        // remove when `v` is a register value (`AProbe` decides by type).
        let segs: Vec<String> = func
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        if func.qself.is_none()
            && c.args.len() == 1
            && segs.len() >= 2
            && segs[segs.len() - 1] == "alloc"
            && segs[segs.len() - 2] == "gc"
            && func.path.segments.iter().all(|s| s.arguments.is_none())
        {
            let v = self.value(&c.args[0]);
            let ms = m_at(c.span());
            return Self::ok(quote_spanned!(c.span()=> {
                let __mt_v = #v;
                #[allow(unused_imports)]
                use #m::{FastAlloc as _, SlowAlloc as _};
                (&#ms::AProbe::of(&__mt_v)).gc_alloc(__cw, __mt_v)
            }));
        }
        if func.qself.is_none() && c.args.len() == 1 {
            let make = if is_variant_path(&func.path, "Option", "Some") {
                Some(quote!(make_some))
            } else if is_variant_path(&func.path, "Result", "Ok") {
                Some(quote!(make_ok))
            } else if is_variant_path(&func.path, "Result", "Err") {
                Some(quote!(make_err))
            } else {
                None
            };
            if let Some(make) = make {
                let v = self.value(&c.args[0]);
                return Self::ok({
                    let ms = m_at(c.span());
                    {
                        let __fname = respan(&quote!(#make), c.span());
                        quote_spanned!(c.span()=> { let __mt_v = #v; #ms::#__fname(__cw, __mt_v) })
                    }
                });
            }
        }
        if self.local_of(&c.func).is_some() {
            return self.err(&c.func, "calling a function held in a local variable is not supported in traced code; call a named function");
        }
        // `S(a, b)` with a capitalised name: a tuple struct's (or an enum variant's)
        // constructor, built in registers like `S { 0: a, 1: b }` when `S` is a `RegValue`
        // struct (`SProbe` decides by type), else a residual call of the expression.
        if func.qself.is_none()
            && !c.args.is_empty()
            && func.path.segments.iter().all(|s| s.arguments.is_none())
            && segs
                .last()
                .is_some_and(|n| n.starts_with(|ch: char| ch.is_ascii_uppercase()))
            && c.args.iter().all(|a| self.simple_arg(a))
        {
            let st = syn::ExprStruct {
                attrs: Vec::new(),
                qself: None,
                path: func.path.clone(),
                brace_token: Default::default(),
                fields: c
                    .args
                    .iter()
                    .enumerate()
                    .map(|(i, a)| syn::FieldValue {
                        attrs: Vec::new(),
                        member: syn::Member::Unnamed(syn::Index {
                            index: i as u32,
                            span: a.span(),
                        }),
                        colon_token: Some(Default::default()),
                        expr: a.clone(),
                    })
                    .collect(),
                dot2_token: None,
                rest: None,
            };
            return self.struct_lit_as(&st, &Expr::Call(c.clone()));
        }
        if c.args.iter().any(is_text_literal) {
            // A string literal is no register value, so the call cannot be traced into: it is
            // a residual call of the whole expression (the callee gets its literal).
            return self.fallback(&Expr::Call(c.clone()));
        }
        if c.args.len() > 10 {
            return self.err(
                c,
                "traced calls take at most 10 arguments; group them in a struct behind a reference",
            );
        }
        let mut lets = Vec::new();
        let mut names = Vec::new();
        for (i, a) in c.args.iter().enumerate() {
            let v = self.value(a);
            let n = format_ident!("__mt_a{}", i);
            lets.push(quote!(let #n = #v;));
            names.push(n);
        }
        let f = format_ident!("call{}", c.args.len());
        Self::ok({
            let ms = m_at(c.span());
            {
                let __fname = respan(&quote!(#f), c.span());
                quote_spanned!(c.span()=> { #(#lets)* #ms::#__fname(__cw, #func, #(#names),*) })
            }
        })
    }

    fn if_expr(&mut self, i: &syn::ExprIf) -> Out {
        let m = m();
        if let Expr::Let(l) = &*i.cond {
            // `if let P = e { a } else { b }` is `match e { P => a, _ => b }`.
            let (pat, scrut, then) = (&l.pat, &l.expr, &i.then_branch);
            let els: Expr = match &i.else_branch {
                Some((_, e)) => (**e).clone(),
                None => syn::parse_quote!({}),
            };
            let desugared: syn::ExprMatch = syn::parse_quote_spanned!(i.span()=>
                match #scrut { #pat => #then, _ => #els });
            return self.match_expr(&desugared);
        }
        let c = self.value(&i.cond);
        let then = self.block(&i.then_branch);
        let els = match &i.else_branch {
            Some((_, e)) => self.expr(e),
            None => Self::ok(self.unit()),
        };
        let le = self.tmp("else");
        let lend = self.tmp("end");
        let (tc, ec) = (&then.code, &els.code);
        let head = quote!(let __mt_c: #m::Sym<bool> = #c; let #le = __cw.label(); let #lend = __cw.label(); __cw.branch_if_false(__mt_c, #le););
        match (then.div, els.div) {
            (false, false) => Self::ok(quote!({
                #head
                let __mt_t = #tc;
                let __mt_r = #m::bind(__cw, __mt_t);
                __cw.jump(#lend);
                __cw.bind(#le);
                let __mt_e = #ec;
                #m::assign(__cw, __mt_r, __mt_e);
                __cw.bind(#lend);
                __mt_r
            })),
            (true, false) => Self::ok(quote!({
                #head
                let _ = #tc;
                __cw.bind(#le);
                #ec
            })),
            (false, true) => Self::ok(quote!({
                #head
                let __mt_t = #tc;
                __cw.jump(#lend);
                __cw.bind(#le);
                let _ = #ec;
                __cw.bind(#lend);
                __mt_t
            })),
            (true, true) => Out {
                code: quote!({ #head let _ = #tc; __cw.bind(#le); let _ = #ec; }),
                div: true,
            },
        }
    }

    fn match_expr(&mut self, mt: &syn::ExprMatch) -> Out {
        let m = m();
        // `self.field` in a method taking `self` by value is a register of the `RegValue`
        // struct, not a place to match in memory
        let place_scrut = is_place(&mt.expr) && !self.field_of_value_self(&mt.expr);
        if !place_scrut && mt.arms.iter().all(|a| pat_structural(&a.pat)) {
            return self.match_structural(mt);
        }
        let sx = if place_scrut {
            quote!(__mt_x)
        } else {
            quote!(&__mt_x)
        };
        // `Some(x)` / `None` / `_` arms: if the scrutinee is a nullable word (`Option<Gc<T>>`),
        // the match is a null test and `x` the same word; otherwise pattern-test calls. The
        // choice is made by rustc (auto-ref on `OptProbe`), so other types still compile.
        let option_arms: Option<Vec<u8>> = mt.arms.iter().map(|a| option_arm(&a.pat)).collect();
        let option_arms = option_arms.filter(|a| a.contains(&1));
        let fast = if option_arms.is_some() {
            if place_scrut {
                quote!(let __mt_fast = {
                    use #m::{OptionFast as _, OptionSlow as _};
                    (&#m::OptProbe::of_place(&__mt_p)).option_place(__cw, __mt_p)
                };)
            } else {
                quote!(let __mt_fast = {
                    use #m::{OptionFast as _, OptionSlow as _};
                    (&#m::OptProbe::of_value(&__mt_v)).option_value(__cw, __mt_v)
                };)
            }
        } else {
            quote!(let __mt_fast: ::core::option::Option<#m::Reg> = ::core::option::Option::None;)
        };
        let scrut = if place_scrut {
            let p = self.place(&mt.expr);
            quote!(let __mt_p = #p; #fast let (__mt_s, __mt_pure) = #m::match_place_if(__cw, __mt_p, __mt_fast.is_none());)
        } else {
            let v = self.value(&mt.expr);
            quote!(let __mt_v = #v; #fast let (__mt_s, __mt_pure) = #m::match_value(__cw, __mt_v);)
        };
        let pats: Vec<&Pat> = mt.arms.iter().map(|a| &a.pat).collect();
        let idx: Vec<u32> = (0..pats.len() as u32).collect();
        let labels: Vec<Ident> = (0..pats.len()).map(|_| self.tmp("arm")).collect();
        let end = self.tmp("mend");
        let r = self.tmp("mr");
        let mut arms_code = Vec::new();
        let mut rest_blocks = Vec::new();
        let mut rest_labels: Vec<Ident> = Vec::new();
        let mut any_value = false;
        for (k, arm) in mt.arms.iter().enumerate() {
            let mut binds = Vec::new();
            pat_bindings(&arm.pat, &mut binds);
            self.scopes.push(Vec::new());
            let mut bind_code = Vec::new();
            for b in &binds {
                self.declare(b);
                let pat = &arm.pat;
                bind_code.push(quote!(
                    let #b = match __mt_fast {
                        ::core::option::Option::Some(__mt_w) => #m::payload_of(__mt_s, __mt_w, |__mt_x| match #sx {
                            #pat => *#b,
                            #[allow(unreachable_patterns)]
                            _ => unreachable!(),
                        }),
                        ::core::option::Option::None => #m::pure1(__cw, __mt_pure, __mt_s, |__mt_x| match #sx {
                            #pat => *#b,
                            #[allow(unreachable_patterns)]
                            _ => unreachable!(),
                        }),
                    };
                    let #b = #m::bind(__cw, #b);
                ));
            }
            let guard = match &arm.guard {
                Some((_, g)) => {
                    // A failed guard dispatches again among the arms after this one.
                    let gv = self.value(g);
                    let rest = self.tmp("rest");
                    let later: Vec<&Pat> = pats[k + 1..].to_vec();
                    let later_idx: Vec<u32> = (k as u32 + 1..pats.len() as u32).collect();
                    let none = pats.len() as u32;
                    let redispatch = quote!({
                        let __mt_idx: #m::Sym<u32> = #m::pure1(__cw, __mt_pure, __mt_s, |__mt_x| match #sx {
                            #(#later => #later_idx,)*
                            #[allow(unreachable_patterns)]
                            _ => #none,
                        });
                        #m::switch(__cw, __mt_idx, &[#(#labels),*]);
                    });
                    rest_blocks.push(quote!({ __cw.bind(#rest); #redispatch }));
                    rest_labels.push(rest.clone());
                    quote!(let __mt_g: #m::Sym<bool> = #gv; __cw.branch_if_false(__mt_g, #rest);)
                }
                None => quote!(),
            };
            let body = self.expr(&arm.body);
            self.scopes.pop();
            let l = &labels[k];
            let bc = &body.code;
            let tail = if body.div {
                quote!(let _ = #bc;)
            } else if !any_value {
                any_value = true;
                quote!(let __mt_v = #bc; #r = #m::bind(__cw, __mt_v); __cw.jump(#end);)
            } else {
                quote!(let __mt_v = #bc; #m::assign(__cw, #r, __mt_v); __cw.jump(#end);)
            };
            arms_code.push(quote!({ __cw.bind(#l); #(#bind_code)* #guard #tail }));
        }
        let arm_kinds = option_arms.unwrap_or_default();
        let head = quote!(
            #scrut
            #(let #labels = __cw.label();)*
            #(let #rest_labels = __cw.label();)*
            let #end = __cw.label();
            match __mt_fast {
                ::core::option::Option::Some(__mt_w) => {
                    #m::option_switch(__cw, __mt_w, &[#(#labels),*], &[#(#arm_kinds),*]);
                }
                ::core::option::Option::None => {
                    let __mt_idx: #m::Sym<u32> = #m::pure1(__cw, __mt_pure, __mt_s, |__mt_x| match #sx {
                        #(#pats => #idx,)*
                    });
                    #m::switch(__cw, __mt_idx, &[#(#labels),*]);
                }
            }
        );
        if any_value {
            Self::ok(quote!({ #head let #r; #(#arms_code)* #(#rest_blocks)* __cw.bind(#end); #r }))
        } else {
            Out {
                code: quote!({ #head #(#arms_code)* #(#rest_blocks)* __cw.bind(#end); }),
                div: true,
            }
        }
    }

    /// A `match` on a register value whose patterns are all structural ([`pat_structural`]):
    /// the arms are tried in order, each a chain of tests on the value's registers that
    /// jumps to the next arm when it fails (guards included); bindings name registers.
    fn match_structural(&mut self, mt: &syn::ExprMatch) -> Out {
        let m = m();
        let v = self.value(&mt.expr);
        let end = self.tmp("mend");
        let r = self.tmp("mr");
        let mut arms_code = Vec::new();
        let mut any_value = false;
        for arm in &mt.arms {
            let next = self.tmp("next");
            self.scopes.push(Vec::new());
            let (test, _) = self.pat_code(&arm.pat, &quote!(__mt_s), &next);
            let guard = match &arm.guard {
                Some((_, g)) => {
                    let gv = self.value(g);
                    quote!(let __mt_g: #m::Sym<bool> = #gv; __cw.branch_if_false(__mt_g, #next);)
                }
                None => quote!(),
            };
            let body = self.expr(&arm.body);
            self.scopes.pop();
            let bc = &body.code;
            let tail = if body.div {
                quote!(let _ = #bc;)
            } else if !any_value {
                any_value = true;
                quote!(let __mt_v = #bc; #r = #m::bind(__cw, __mt_v); __cw.jump(#end);)
            } else {
                quote!(let __mt_v = #bc; #m::assign(__cw, #r, __mt_v); __cw.jump(#end);)
            };
            arms_code.push(
                quote!({ let #next = __cw.label(); { #test #guard #tail } __cw.bind(#next); }),
            );
        }
        let head = quote!(let __mt_s = #v; let #end = __cw.label(););
        // No arm matched: impossible for an exhaustive match.
        let fell = quote!(#m::unreachable(__cw););
        if any_value {
            Self::ok(quote!({ #head let #r; #(#arms_code)* #fell __cw.bind(#end); #r }))
        } else {
            Out {
                code: quote!({ #head #(#arms_code)* #fell __cw.bind(#end); }),
                div: true,
            }
        }
    }

    /// Tests of a structural pattern on the register value `s` (an identifier of type
    /// `Sym<T>`): jumps to label `fail` when it does not match, and binds (and declares in
    /// the current scope) the pattern's names. Also says whether any test was emitted.
    fn pat_code(&mut self, p: &Pat, s: &TokenStream, fail: &Ident) -> (TokenStream, bool) {
        let m = m();
        match p {
            Pat::Wild(_) => (quote!(), false),
            Pat::Paren(pp) => self.pat_code(&pp.pat, s, fail),
            Pat::Type(pt) => self.pat_code(&pt.pat, s, fail),
            p if const_pat(p) => (
                quote_spanned!(p.span()=> {
                    let __mt_k = #m::lit(__cw, #p);
                    let __mt_c = #m::pat_eq(__cw, #s, __mt_k);
                    __cw.branch_if_false(__mt_c, #fail);
                }),
                true,
            ),
            Pat::Ident(i) if i.ident != "None" => {
                let id = &i.ident;
                self.declare(id);
                (quote!(let #id = #m::bind(__cw, #s);), false)
            }
            Pat::Ident(_) | Pat::Path(_) => (
                quote!({ let __mt_c = #m::opt_is_none(__cw, #s); __cw.branch_if_false(__mt_c, #fail); }),
                true,
            ),
            Pat::TupleStruct(ts) => {
                let variant = ts.path.segments.last().map(|x| x.ident.to_string());
                let (test, part) = match variant.as_deref() {
                    Some("Some") => (quote!(opt_is_some), quote!(opt_payload)),
                    Some("Ok") => (quote!(res_is_ok), quote!(res_ok)),
                    _ => (quote!(res_is_err), quote!(res_err)),
                };
                let inner = self.tmp("p");
                let (sub, _) = self.pat_code(&ts.elems[0], &quote!(#inner), fail);
                (
                    quote!(
                        { let __mt_c = #m::#test(__cw, #s); __cw.branch_if_false(__mt_c, #fail); }
                        let #inner = #m::#part(__cw, #s);
                        #sub
                    ),
                    true,
                )
            }
            Pat::Tuple(t) => {
                let mut code = Vec::new();
                let mut tests = false;
                for (k, e) in t.elems.iter().enumerate() {
                    let inner = self.tmp("p");
                    let (sub, t) = self.pat_code(e, &quote!(#inner), fail);
                    tests |= t;
                    code.push(quote!(let #inner = #m::tuple_elem::<#k, _>(__cw, #s); #sub));
                }
                (quote!(#(#code)*), tests)
            }
            Pat::Lit(l) => (
                quote_spanned!(l.span()=> {
                    let __mt_k = #m::lit(__cw, #l);
                    let __mt_c = #m::eq(__cw, #s, __mt_k);
                    __cw.branch_if_false(__mt_c, #fail);
                }),
                true,
            ),
            Pat::Or(o) => {
                let ok = self.tmp("orok");
                let mut code = Vec::new();
                let n = o.cases.len();
                for (k, c) in o.cases.iter().enumerate() {
                    if k + 1 == n {
                        let (t, _) = self.pat_code(c, s, fail);
                        code.push(t);
                    } else {
                        let next = self.tmp("ornext");
                        let (t, _) = self.pat_code(c, s, &next);
                        code.push(
                            quote!(let #next = __cw.label(); #t __cw.jump(#ok); __cw.bind(#next);),
                        );
                    }
                }
                (
                    quote!(let #ok = __cw.label(); #(#code)* __cw.bind(#ok);),
                    true,
                )
            }
            _ => {
                self.errors.push(syn::Error::new_spanned(
                    p,
                    "this pattern is not supported here in traced code; use `match`",
                ));
                (quote!(), false)
            }
        }
    }

    /// `let PAT = e;` with a structural pattern (tuples, ...): the value's registers, named.
    /// The code's bindings stay in the current scope (the caller's block).
    fn let_pattern(&mut self, pat: &Pat, init: &Expr) -> Out {
        let m = m();
        let v = self.expr(init);
        let vc = if v.div {
            let c = v.code;
            quote!({ let _ = #c; #m::dead(__cw) })
        } else {
            v.code
        };
        let ty = match pat {
            Pat::Type(pt) => {
                let t = &pt.ty;
                quote!(: #m::Sym<#t>)
            }
            _ => quote!(),
        };
        let fail = self.tmp("lfail");
        let (test, tests) = self.pat_code(strip_type(pat), &quote!(__mt_s), &fail);
        let fail_code = if tests {
            // A refutable pattern in a plain `let` is a rustc error; keep the jitcode closed.
            let ok = self.tmp("lok");
            quote!(let #ok = __cw.label(); __cw.jump(#ok); __cw.bind(#fail); #m::unreachable(__cw); __cw.bind(#ok);)
        } else {
            quote!()
        };
        Out {
            code: quote!(let __mt_s #ty = #vc; let #fail = __cw.label(); #test #fail_code),
            div: v.div,
        }
    }

    /// `let S { a, b: p, .. } = e;` / `let S(x, y) = e;` (a struct pattern at the top of a
    /// `let`): one `let` per named field, `let a = e.a; let p = e.b;`. A place `e` whose
    /// index expressions are simple is read field by field (the struct needs `Layout`); any
    /// other `e` is bound to a fresh local first (a `RegValue` struct in registers), so it is
    /// evaluated once.
    fn let_struct(&mut self, pat: &Pat, fields: Vec<(syn::Member, Pat)>, init: &Expr) -> Out {
        let span = pat.span();
        let mut stmts: Vec<Stmt> = Vec::new();
        let init = strip_paren(init);
        // A place is read field by field; a value is in registers, named by a local.
        let in_memory = is_place(init) && simple_place(init);
        let base: Expr = if in_memory {
            syn::parse_quote_spanned!(span=> (#init))
        } else if self.local_of(init).is_some() {
            init.clone()
        } else {
            let t = self.tmp("ds");
            stmts.push(syn::parse_quote_spanned!(span=> let #t = #init;));
            syn::parse_quote_spanned!(span=> #t)
        };
        for (member, p) in fields {
            let ms = member.span();
            match strip_type(&p) {
                Pat::Wild(_) => {} // `_` reads nothing
                Pat::Ident(_) => {
                    stmts.push(syn::parse_quote_spanned!(ms=> let #p = #base.#member;))
                }
                _ if in_memory => {
                    stmts.push(syn::parse_quote_spanned!(ms=> let #p = #base.#member;))
                }
                _ => {
                    // (a field of a register struct is read only directly on a local)
                    let t = self.tmp("ds");
                    stmts.push(syn::parse_quote_spanned!(ms=> let #t = #base.#member;));
                    stmts.push(syn::parse_quote_spanned!(ms=> let #p = #t;));
                }
            }
        }
        let block = syn::Block {
            brace_token: Default::default(),
            stmts,
        };
        // Translated in the current scope: the names stay visible after the `let`.
        let o = self.block_in_scope(&block);
        Out {
            code: o.code,
            div: o.div,
        }
    }

    /// `let PAT = e else { diverge };`: `let (names..) = match e { PAT => (names..), _ => diverge };`.
    fn let_else(&mut self, pat: &Pat, init: &Expr, els: &Expr) -> Out {
        let mut names = Vec::new();
        pat_bindings(pat, &mut names);
        let span = pat.span();
        let stmt: Stmt = match names.len() {
            0 => syn::parse_quote_spanned!(span=> match #init { #pat => {}, _ => #els };),
            1 => {
                let n = &names[0];
                syn::parse_quote_spanned!(span=> let #n = match #init { #pat => #n, _ => #els };)
            }
            2..=4 => syn::parse_quote_spanned!(span=>
                let (#(#names),*) = match #init { #pat => (#(#names),*), _ => #els };),
            _ => {
                return self.err(
                    pat,
                    "a `let ... else` in traced code binds at most 4 names; use `match`",
                );
            }
        };
        // Translate the statement in the current scope (its names stay visible).
        let block = syn::Block {
            brace_token: Default::default(),
            stmts: vec![stmt],
        };
        let o = self.block_in_scope(&block);
        Out {
            code: o.code,
            div: o.div,
        }
    }

    /// The code returning `v` (an identifier) from the function, typed as its return type.
    fn ret_code(&self, v: TokenStream) -> TokenStream {
        let m = m();
        match &self.ret_ty {
            Some(t) => quote!(#m::ret_value::<#t>(__cw, #v);),
            None => quote!(__cw.ret(#v);),
        }
    }

    /// `e?` on a `Result` or `Option` in registers: a test of the tag (a guard while tracing);
    /// the early path returns `Err(e)` (`None`) from this function's jitcode, so an error raised
    /// in an inlined helper propagates frame by frame exactly as in the interpreter.
    fn try_expr(&mut self, t: &syn::ExprTry) -> Out {
        let m = m();
        let Some(ty) = self.ret_ty.clone() else {
            return self.err(
                t,
                "`?` in traced code needs a return type that can be named (not `impl Trait`)",
            );
        };
        let v = self.value(&t.expr);
        let qs = t.question_token.span();
        let build = {
            let ms = m_at(qs);
            quote_spanned!(qs=> #ms::TryResidual(__mt_res).into_ret::<#ty>(__cw))
        };
        Self::ok(quote!({
            let __mt_v = #v;
            let (__mt_brk, __mt_out, __mt_res) = #m::try_branch(__cw, __mt_v);
            let __mt_go = __cw.label();
            __cw.branch_if_false(__mt_brk, __mt_go);
            let __mt_rv = #build;
            __cw.ret(__mt_rv);
            __cw.bind(__mt_go);
            __mt_out
        }))
    }

    /// `for PAT in a..b` / `a..=b`: a `while` loop over a counter (other iterables are
    /// rejected).
    fn for_loop(&mut self, f: &syn::ExprForLoop) -> Out {
        let Expr::Range(r) = strip_paren(&f.expr) else {
            return self.err(&f.expr, "traced code runs `for` only over integer ranges `a..b` and `a..=b`; iterate over an index range (`for i in 0..v.len()`), or move the loop into a `#[dont_look_inside]` function");
        };
        let (Some(start), Some(stop)) = (&r.start, &r.end) else {
            return self.err(
                r,
                "traced code runs `for` only over bounded ranges `a..b` and `a..=b`",
            );
        };
        if !matches!(&*f.pat, Pat::Ident(_) | Pat::Wild(_)) {
            return self.err(
                &f.pat,
                "the `for` variable in traced code is a plain name or `_`",
            );
        }
        if !self.in_portal_fn && !self.unroll_safe {
            return self.err(&f.for_token, "a loop in a `#[look_inside]` function would be unrolled into the trace; mark the function `#[unroll_safe]` if that is intended, or `#[dont_look_inside]` to call it instead");
        }
        let (i, end, go) = (self.tmp("for_i"), self.tmp("for_end"), self.tmp("for_go"));
        let (pat, body, label) = (&f.pat, &f.body, &f.label);
        let desugared: Expr = match r.limits {
            syn::RangeLimits::HalfOpen(_) => syn::parse_quote_spanned!(f.span()=> {
                let mut #i = #start;
                let #end = #stop;
                #label while #i < #end {
                    let #pat = #i;
                    #i += 1;
                    #body
                }
            }),
            syn::RangeLimits::Closed(_) => syn::parse_quote_spanned!(f.span()=> {
                let mut #i = #start;
                let #end = #stop;
                let mut #go = #i <= #end;
                #label while #go {
                    let #pat = #i;
                    if #i == #end { #go = false; } else { #i += 1; }
                    #body
                }
            }),
        };
        self.expr(&desugared)
    }

    fn loop_expr(
        &mut self,
        label: Option<String>,
        cond: Option<&Expr>,
        body: &syn::Block,
        whole: &dyn quote::ToTokens,
    ) -> Out {
        let m = m();
        let is_portal = self.portal_pending && self.loops.is_empty() && self.scopes.len() == 2;
        if !is_portal && !self.in_portal_fn && !self.unroll_safe {
            self.errors.push(syn::Error::new_spanned(
                whole,
                "a loop in a `#[look_inside]` function would be unrolled into the trace; mark the function `#[unroll_safe]` if that is intended, or `#[dont_look_inside]` to call it instead",
            ));
        }
        let top = self.tmp("top");
        let brk = self.tmp("brk");
        let mut merge = quote!();
        if is_portal {
            self.portal_pending = false;
            let vars: Vec<(Ident, bool)> = self.portal_vars();
            // A green's type must say how its trace stays valid (`GreenValue`); the bound is
            // checked here, spanned on the variable.
            let regs = vars.iter().map(|(id, g)| {
                if *g {
                    {
                        let ms = m_at(id.span());
                        quote_spanned!(id.span()=> #ms::green_var(&#id))
                    }
                } else {
                    quote!(#m::red_var(&#id))
                }
            });
            merge = quote!(__cw.merge_point(&[#(#regs),*]););
            self.portal = Some(PortalInfo { vars });
        }
        let c = cond.map(|c| {
            let v = self.value(c);
            quote!(let __mt_c: #m::Sym<bool> = #v; __cw.branch_if_false(__mt_c, #brk);)
        });
        let result = self.tmp("lv");
        self.loops.push(LoopCtx {
            label,
            brk: brk.clone(),
            cont: top.clone(),
            is_loop: cond.is_none(),
            result: result.clone(),
            has_value: false,
            broke: false,
        });
        let b = self.block(body);
        let ctx = self.loops.pop().expect("loop context");
        let bc = b.code;
        let (decl, value) = if ctx.has_value {
            (quote!(let #result;), quote!(#result))
        } else {
            (quote!(), quote!(#m::lit(__cw, ())))
        };
        if cond.is_none() && !ctx.broke {
            // `loop` without a `break`: leaves only by `return` (or `?`).
            return Out {
                code: quote!({
                    let #top = __cw.label();
                    __cw.bind(#top);
                    #merge
                    let _ = #bc;
                    __cw.jump(#top);
                }),
                div: true,
            };
        }
        Self::ok(quote!({
            #decl
            let #top = __cw.label(); let #brk = __cw.label();
            __cw.bind(#top);
            #merge
            #c
            let _ = #bc;
            __cw.jump(#top);
            __cw.bind(#brk);
            #value
        }))
    }

    /// Greens registered so far by the portal translation (filled by `fn_body`).
    fn portal_vars(&self) -> Vec<(Ident, bool)> {
        let mut out: Vec<(Ident, bool)> = Vec::new();
        // scope[1] is the function body's top level; scope[0] holds the parameters.
        for s in &self.scopes[..2] {
            for id in s {
                out.retain(|(x, _)| x != id);
                let green = self.greens.iter().any(|g| g == id);
                out.push((id.clone(), green));
            }
        }
        out
    }

    pub fn block(&mut self, b: &syn::Block) -> Out {
        self.scopes.push(Vec::new());
        let o = self.block_in_scope(b);
        self.scopes.pop();
        let c = o.code;
        Out {
            code: quote!({ #c }),
            div: o.div,
        }
    }

    /// The statements of `b` in the current scope, as a statement list (no braces; the last
    /// statement yields the block's value).
    fn block_in_scope(&mut self, b: &syn::Block) -> Out {
        let mut code = Vec::new();
        let mut div = false;
        let n = b.stmts.len();
        let mut tail = None;
        for (i, s) in b.stmts.iter().enumerate() {
            match s {
                Stmt::Local(l) => {
                    if let Some(init) = &l.init {
                        if let Some((_, d)) = &init.diverge {
                            let o = self.let_else(&l.pat, &init.expr, d);
                            if o.div {
                                div = true;
                            }
                            let c = o.code;
                            code.push(quote!(#c;));
                            continue;
                        }
                    }
                    if let (Some(init), Some(fields)) =
                        (&l.init, struct_pat_fields(strip_type(&l.pat)))
                    {
                        let o = self.let_struct(&l.pat, fields, &init.expr);
                        if o.div {
                            div = true;
                        }
                        let c = o.code;
                        code.push(quote!(#c;));
                        continue;
                    }
                    let simple = matches!(strip_type(&l.pat), Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_none() && pi.ident != "None");
                    if !simple && pat_structural(strip_type(&l.pat)) {
                        let Some(init) = &l.init else {
                            self.err(l, "a `let` in traced code needs an initial value");
                            continue;
                        };
                        let o = self.let_pattern(&l.pat, &init.expr);
                        if o.div {
                            div = true;
                        }
                        code.push(o.code);
                        continue;
                    }
                    let Pat::Ident(pi) = strip_type(&l.pat) else {
                        self.err(&l.pat, "traced code destructures in `let` with `_`, names, tuples, `Some`, `Ok` and `Err`, and with a struct pattern at the top of the `let` (`let S { a, b } = e;`); bind a nested struct to a name first (`let (s, k) = e; let S { a, .. } = s;`), or use `match`");
                        continue;
                    };
                    if pi.by_ref.is_some() || pi.subpat.is_some() {
                        self.err(&l.pat, "only `let name = ...` is supported in traced code");
                        continue;
                    }
                    let Some(init) = &l.init else {
                        self.err(l, "a `let` in traced code needs an initial value");
                        continue;
                    };
                    if let Some((_, e)) = &init.diverge {
                        self.err(
                            e,
                            "`let ... else` is not supported in traced code; use `match`",
                        );
                        continue;
                    }
                    if l.attrs.iter().any(|a| a.path().is_ident("green")) {
                        self.greens.push(pi.ident.clone());
                    }
                    let v = self.expr(&init.expr);
                    if v.div {
                        div = true;
                    }
                    let id = &pi.ident;
                    let vc = if v.div {
                        let c = v.code;
                        quote!({ let _ = #c; ::metatracer::__private::dead(__cw) })
                    } else {
                        v.code
                    };
                    let ty = match &l.pat {
                        Pat::Type(pt) => {
                            let t = &pt.ty;
                            quote!(: ::metatracer::__private::Sym<#t>)
                        }
                        _ => quote!(),
                    };
                    let ms = m_at(id.span());
                    let bind = respan(&quote!(bind), id.span());
                    code.push(quote!(let #id = #vc; let #id #ty = #ms::#bind(__cw, #id);));
                    self.declare(id);
                }
                Stmt::Item(it) => {
                    self.err(it, "items inside traced functions are not supported; move them to module level");
                }
                Stmt::Expr(e, semi) => {
                    let o = self.expr(e);
                    if o.div {
                        div = true;
                    }
                    if semi.is_none() && i == n - 1 {
                        tail = Some(o);
                    } else {
                        let c = o.code;
                        code.push(quote!(let _ = #c;));
                    }
                }
                Stmt::Macro(sm) => {
                    let e = Expr::Macro(syn::ExprMacro {
                        attrs: sm.attrs.clone(),
                        mac: sm.mac.clone(),
                    });
                    let o = self.expr(&e);
                    if o.div {
                        div = true;
                    }
                    let c = o.code;
                    code.push(quote!(let _ = #c;));
                }
            }
        }
        let tail_code = match tail {
            Some(t) if !t.div && !div => t.code,
            Some(t) => {
                let c = t.code;
                quote!(let _ = #c;)
            }
            None if div => quote!(),
            None => self.unit(),
        };
        Out {
            code: quote!(#(#code)* #tail_code),
            div,
        }
    }
}

fn strip_paren(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => strip_paren(&p.expr),
        _ => e,
    }
}

fn strip_type(p: &Pat) -> &Pat {
    match p {
        Pat::Type(t) => strip_type(&t.pat),
        _ => p,
    }
}
