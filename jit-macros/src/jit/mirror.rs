//! The mirror: translates a function body into builder code over symbolic values.
//!
//! Every expression of the supported subset becomes code that, when the builder runs, emits
//! jitcode and yields a `Sym<T>` (a value) or a `Place<T>` (a memory location). Types are never
//! guessed here: the emitted calls are generic and rustc infers them from the mirror, so a
//! type error in the mirror is a type error rustc reports on the user's own tokens (spans are
//! preserved).
//!
//! Subset (see `docs/jit-subset.md`): literals, locals, arithmetic/comparison/logic operators,
//! `as` casts between numbers, field access and indexing on declared structs / `Vec` /
//! arrays, assignment and compound assignment, `let` with a plain name, blocks, `if`,
//! `match` (no guards), `while`, `loop`, `break`, `continue`, `return`, calls, and the hints
//! `promote`, `we_are_jitted`, `can_enter_jit!`. Anything else that computes a value without
//! leaving the expression (method calls, macros such as `println!`, struct literals) becomes a
//! residual call of a closure over the locals it mentions. Constructs that cannot be handled
//! either way (`for`, `if let`, `?`, destructuring `let`, references to locals) are rejected
//! with an error that says what to write instead.

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

    fn local_of(&self, e: &Expr) -> Option<Ident> {
        if let Expr::Path(p) = e {
            if p.qself.is_none() && p.path.segments.len() == 1 && p.path.leading_colon.is_none() {
                let id = &p.path.segments[0].ident;
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
                quote_spanned!(span=> { let __mt_b = #base; #m::field::<#h, _>(__cw, __mt_b) })
            }
            Expr::Index(ix) => {
                let base = self.place(&ix.expr);
                let i = self.value(&ix.index);
                let span = ix.span();
                quote_spanned!(span=> { let __mt_b = #base; let __mt_i = #i; #m::index(__cw, __mt_b, __mt_i) })
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
                    Self::ok(quote_spanned!(l.span()=> #m::lit(__cw, #l)))
                }
                _ => self.err(l, "this literal cannot live in a JIT register; use it inside a call of a function without `#[look_inside]` (a residual call)"),
            },
            Expr::Path(p) => {
                if let Some(id) = self.local_of(e) {
                    Self::ok(quote!(#id))
                } else {
                    // Constants, statics and unit values: evaluated when the builder runs.
                    Self::ok(quote_spanned!(p.span()=> #m::lit(__cw, #p)))
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
                    Self::ok(quote!({ let __mt_p = #p; #m::read(__cw, __mt_p) }))
                }
                UnOp::Neg(_) => {
                    let v = self.value(&u.expr);
                    Self::ok(quote_spanned!(u.span()=> { let __mt_v = #v; #m::neg(__cw, __mt_v) }))
                }
                UnOp::Not(_) => {
                    let v = self.value(&u.expr);
                    Self::ok(quote_spanned!(u.span()=> { let __mt_v = #v; #m::not(__cw, __mt_v) }))
                }
                _ => self.err(u, "this operator is not supported in traced code"),
            },
            Expr::Field(_) | Expr::Index(_) => {
                let p = self.place(e);
                Self::ok(quote_spanned!(e.span()=> { let __mt_p = #p; #m::read(__cw, __mt_p) }))
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
                Self::ok(quote_spanned!(c.span()=> { let __mt_v = #v; #m::cast::<_, #ty>(__cw, __mt_v) }))
            }
            Expr::Assign(a) => self.assign(&a.left, None, &a.right, a),
            Expr::If(i) => self.if_expr(i),
            Expr::Match(mt) => self.match_expr(mt),
            Expr::While(w) => {
                if matches!(&*w.cond, Expr::Let(_)) {
                    return self.err(&w.cond, "`while let` is not supported in traced code; use `loop` with a `match` that `break`s");
                }
                let label = w.label.as_ref().map(|l| l.name.ident.to_string());
                self.loop_expr(label, Some(&w.cond), &w.body, w)
            }
            Expr::Loop(l) => {
                let label = l.label.as_ref().map(|l| l.name.ident.to_string());
                self.loop_expr(label, None, &l.body, l)
            }
            Expr::ForLoop(f) => self.err(&f.for_token, "`for` loops are not supported in traced code; write a `while` loop with an index"),
            Expr::Let(l) => self.err(l, "`if let` is not supported in traced code; use `match`"),
            Expr::Try(t) => self.err(t, "`?` is not supported in traced code; use `match`, or move the code into a `#[dont_look_inside]` function"),
            Expr::Break(b) => {
                if b.expr.is_some() {
                    return self.err(b, "`break` with a value is not supported in traced code; assign to a variable before `break`");
                }
                match self.find_loop(b.label.as_ref()) {
                    Some(l) => {
                        let t = &self.loops[l].brk;
                        Out { code: quote!({ __cw.jump(#t); }), div: true }
                    }
                    None => self.err(b, "`break` outside a loop of this function"),
                }
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
                Out { code: quote!({ let __mt_r = #v; __cw.ret(__mt_r); }), div: true }
            }
            Expr::Call(c) => self.call(c),
            Expr::MethodCall(mc) => {
                let name = mc.method.to_string();
                if name == "len" && mc.args.is_empty() && is_place(&mc.receiver) {
                    let p = self.place(&mc.receiver);
                    return Self::ok(quote_spanned!(mc.span()=> { let __mt_p = #p; #m::len(__cw, __mt_p) }));
                }
                let op = match name.as_str() {
                    "wrapping_add" => Some(quote!(add)),
                    "wrapping_sub" => Some(quote!(sub)),
                    "wrapping_mul" => Some(quote!(mul)),
                    _ => None,
                };
                match op {
                    Some(op) if mc.args.len() == 1 && mc.turbofish.is_none() => {
                        let a = self.value(&mc.receiver);
                        let b = self.value(&mc.args[0]);
                        Self::ok(quote_spanned!(mc.span()=> { let __mt_a = #a; let __mt_b = #b; #m::#op(__cw, __mt_a, __mt_b) }))
                    }
                    _ => self.fallback(e),
                }
            }
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

    /// Residual call of a closure over the locals the expression mentions.
    fn fallback(&mut self, e: &Expr) -> Out {
        let m = m();
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
        Self::ok(quote_spanned!(e.span()=> #m::#f(__cw, #(#free,)* |#(#free),*| #e)))
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
                            if self.me.is_local(&id) {
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
                    if self.me.is_local(id) {
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
                Self::ok(
                    quote_spanned!(b.op.span()=> { let __mt_l = #l; let __mt_r = #r; #m::#f(__cw, __mt_l, __mt_r) }),
                )
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
        let p = self.place(left);
        let new = match &op {
            Some(f) => {
                quote!({ let __mt_old = #m::read(__cw, __mt_p); #m::#f(__cw, __mt_old, __mt_v) })
            }
            None => quote!(__mt_v),
        };
        Self::ok(quote_spanned!(left.span()=> {
            let __mt_v = #v;
            let __mt_p = #p;
            let __mt_n = #new;
            #m::write(__cw, __mt_p, __mt_n);
            #m::lit(__cw, ())
        }))
    }

    fn call(&mut self, c: &syn::ExprCall) -> Out {
        let m = m();
        let name = last_segment(&c.func);
        match name.as_deref() {
            Some("promote") if c.args.len() == 1 => {
                let v = self.value(&c.args[0]);
                return Self::ok(
                    quote_spanned!(c.span()=> { let __mt_v = #v; #m::promote(__cw, __mt_v) }),
                );
            }
            Some("we_are_jitted") if c.args.is_empty() => {
                return Self::ok(quote!(#m::we_are_jitted(__cw)));
            }
            _ => {}
        }
        let Expr::Path(func) = &*c.func else {
            return self.fallback(&Expr::Call(c.clone()));
        };
        if self.local_of(&c.func).is_some() {
            return self.err(&c.func, "calling a function held in a local variable is not supported in traced code; call a named function");
        }
        if c.args.len() > 6 {
            return self.err(
                c,
                "traced calls take at most 6 arguments; group them in a struct behind a reference",
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
        Self::ok(quote_spanned!(c.span()=> { #(#lets)* #m::#f(__cw, #func, #(#names),*) }))
    }

    fn if_expr(&mut self, i: &syn::ExprIf) -> Out {
        let m = m();
        if matches!(&*i.cond, Expr::Let(_)) {
            return self.err(
                &i.cond,
                "`if let` is not supported in traced code; use `match`",
            );
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
        for arm in &mt.arms {
            if let Some((_, g)) = &arm.guard {
                return self.err(
                    g,
                    "match guards are not supported in traced code; put an `if` inside the arm",
                );
            }
        }
        let place_scrut = is_place(&mt.expr);
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
            arms_code.push(quote!({ __cw.bind(#l); #(#bind_code)* #tail }));
        }
        let arm_kinds = option_arms.unwrap_or_default();
        let head = quote!(
            #scrut
            #(let #labels = __cw.label();)*
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
            Self::ok(quote!({ #head let #r; #(#arms_code)* __cw.bind(#end); #r }))
        } else {
            Out {
                code: quote!({ #head #(#arms_code)* __cw.bind(#end); }),
                div: true,
            }
        }
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
                    quote_spanned!(id.span()=> #m::green_var(&#id))
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
        self.loops.push(LoopCtx {
            label,
            brk: brk.clone(),
            cont: top.clone(),
        });
        let b = self.block(body);
        self.loops.pop();
        let bc = b.code;
        Self::ok(quote!({
            let #top = __cw.label(); let #brk = __cw.label();
            __cw.bind(#top);
            #merge
            #c
            let _ = #bc;
            __cw.jump(#top);
            __cw.bind(#brk);
            #m::lit(__cw, ())
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
        let mut code = Vec::new();
        let mut div = false;
        let n = b.stmts.len();
        let mut tail = None;
        for (i, s) in b.stmts.iter().enumerate() {
            match s {
                Stmt::Local(l) => {
                    let Pat::Ident(pi) = strip_type(&l.pat) else {
                        self.err(&l.pat, "only `let name = ...` is supported in traced code; bind one value per `let`");
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
                    code.push(quote!(let #id = #vc; let #id #ty = ::metatracer::__private::bind(__cw, #id);));
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
        self.scopes.pop();
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
            code: quote!({ #(#code)* #tail_code }),
            div,
        }
    }
}

fn strip_type(p: &Pat) -> &Pat {
    match p {
        Pat::Type(t) => strip_type(&t.pat),
        _ => p,
    }
}
