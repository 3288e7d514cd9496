//! Expansion of the JIT annotations: `#[jit_merge_point]`, `#[look_inside]`, `#[unroll_safe]`,
//! `#[elidable]`, `#[dont_look_inside]` and `#[derive(Layout)]`.
//!
//! Every attribute emits the user's function unchanged (apart from removing `#[green]` markers
//! and, for the portal, one hook at the top of the dispatch loop) plus hidden items nested in
//! its body: a builder (the mirror, see [`mirror`]) and a registration that runs before `main`
//! so calls can find out how the callee is annotated. Errors are collected and emitted as
//! `compile_error!` next to the unchanged function, so the rest of the crate still type-checks.

mod mirror;

use mirror::Mirror;
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{Expr, FnArg, ItemFn, Pat, Stmt};

fn errors_to_tokens(errors: Vec<syn::Error>) -> TokenStream {
    errors.into_iter().map(|e| e.to_compile_error()).collect()
}

/// Common checks on any annotated function; returns errors.
fn check_fn(f: &ItemFn, what: &str) -> Vec<syn::Error> {
    let mut errs = Vec::new();
    if let Some(tp) = f.sig.generics.type_params().next() {
        errs.push(syn::Error::new_spanned(
            tp,
            format!("{what} functions cannot have type parameters (the JIT needs one jitcode per function); write a non-generic wrapper and annotate that"),
        ));
    }
    if let Some(c) = f.sig.generics.const_params().next() {
        errs.push(syn::Error::new_spanned(
            c,
            format!("{what} functions cannot have const parameters; write a non-generic wrapper"),
        ));
    }
    if let Some(a) = &f.sig.asyncness {
        errs.push(syn::Error::new_spanned(
            a,
            format!("{what} functions cannot be `async`"),
        ));
    }
    for arg in &f.sig.inputs {
        if let FnArg::Receiver(r) = arg {
            errs.push(syn::Error::new_spanned(
                r,
                format!("{what} on a method goes on its `impl` block (the JIT needs the type's name): put it on `impl Type {{ .. }}` to trace the `&self`/`&mut self` methods"),
            ));
        }
    }
    errs
}

/// `ty` with every named lifetime replaced by `'static` and `Self` by `self_ty` (types named
/// in registration statics, outside the `impl`).
fn static_type(ty: &syn::Type, self_ty: &syn::Type) -> syn::Type {
    struct V<'a>(&'a syn::Type);
    impl VisitMut for V<'_> {
        fn visit_lifetime_mut(&mut self, l: &mut syn::Lifetime) {
            *l = syn::Lifetime::new("'static", l.span());
        }
        fn visit_type_mut(&mut self, t: &mut syn::Type) {
            if let syn::Type::Path(p) = t {
                if p.qself.is_none() && p.path.is_ident("Self") {
                    *t = self.0.clone();
                    return;
                }
            }
            syn::visit_mut::visit_type_mut(self, t);
        }
    }
    let mut out = ty.clone();
    V(self_ty).visit_type_mut(&mut out);
    out
}

fn has_attr(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs
        .iter()
        .any(|a| a.path().segments.last().is_some_and(|s| s.ident == name))
}

/// `#[look_inside]` / `#[unroll_safe]` on an inherent `impl` block: each `&self`/`&mut self`
/// method gets a builder (an associated function next to it, where `Self` is known) and a
/// registration keyed by the type's name, the method's name and its parameter types.
fn look_inside_impl(attr: TokenStream, mut imp: syn::ItemImpl, unroll_all: bool) -> TokenStream {
    let m = quote!(::metatracer::__private);
    let mut errors = Vec::new();
    if !attr.is_empty() {
        errors.push(syn::Error::new_spanned(
            &attr,
            "`#[look_inside]` takes no arguments",
        ));
    }
    if let Some((_, path, _)) = &imp.trait_ {
        errors.push(syn::Error::new_spanned(path, "`#[look_inside]` goes on an inherent `impl` block (trait methods are called through the trait; write inherent methods)"));
    }
    if let Some(tp) = imp.generics.type_params().next() {
        errors.push(syn::Error::new_spanned(tp, "`#[look_inside]` impl blocks cannot have type parameters (one jitcode per method); annotate a non-generic impl"));
    }
    let self_ty = (*imp.self_ty).clone();
    let static_self = static_type(&self_ty, &self_ty);
    let mut new_items = Vec::new();
    let mut regs = Vec::new();
    for item in std::mem::take(&mut imp.items) {
        let syn::ImplItem::Fn(mut f) = item else {
            new_items.push(item);
            continue;
        };
        if has_attr(&f.attrs, "dont_look_inside") || has_attr(&f.attrs, "elidable") {
            // left as an ordinary method: calls of it are residual calls
            f.attrs.retain(|a| {
                !a.path()
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "dont_look_inside" || s.ident == "elidable")
            });
            new_items.push(syn::ImplItem::Fn(f));
            continue;
        }
        let unroll = unroll_all || has_attr(&f.attrs, "unroll_safe");
        f.attrs.retain(|a| {
            a.path()
                .segments
                .last()
                .is_none_or(|s| s.ident != "unroll_safe")
        });
        // `Some(Some(mut))`: `&self` / `&mut self`; `Some(None)`: `self` by value (the
        // receiver's words, for `RegValue` structs); `None`: an associated function, traced
        // like a free function (`Self::new(..)` / `T::new(..)` calls are inlined).
        let recv: Option<Option<bool>> = match f.sig.inputs.first() {
            Some(FnArg::Receiver(r)) if r.reference.is_some() => Some(Some(r.mutability.is_some())),
            Some(FnArg::Receiver(_)) => Some(None),
            _ => None,
        };
        let as_fn = ItemFn {
            attrs: f.attrs.clone(),
            vis: f.vis.clone(),
            sig: f.sig.clone(),
            block: Box::new(f.block.clone()),
        };
        let mut errs = Vec::new();
        if let Some(tp) = f.sig.generics.type_params().next() {
            errs.push(syn::Error::new_spanned(
                tp,
                "traced methods cannot have type parameters (one jitcode per method)",
            ));
        }
        if let Some(a) = &f.sig.asyncness {
            errs.push(syn::Error::new_spanned(
                a,
                "traced methods cannot be `async`",
            ));
        }
        let mut mirror = Mirror::new(false, unroll);
        mirror.ret_ty = ret_ty(&as_fn);
        mirror.has_self = recv.is_some();
        mirror.self_by_value = recv == Some(None);
        let self_param = match recv {
            Some(Some(true)) => quote!(let __mt_self: #m::Sym<&mut Self> = __cw.param();),
            Some(Some(false)) => quote!(let __mt_self: #m::Sym<&Self> = __cw.param();),
            Some(None) => {
                let span = f
                    .sig
                    .inputs
                    .first()
                    .map_or_else(proc_macro2::Span::call_site, |r| r.span());
                // (the path written out here, so the error for a non-`RegValue` `Self`
                // points at the receiver)
                quote_spanned!(span=> let __mt_self: ::metatracer::__private::Sym<Self> =
                    ::metatracer::__private::self_by_value(__cw);)
            }
            None => quote!(),
        };
        if recv.is_some() {
            mirror.declare(&syn::Ident::new(
                "__mt_self",
                proc_macro2::Span::call_site(),
            ));
        }
        let (params, perrs) = builder_params(&as_fn, &mut mirror, false);
        errs.extend(perrs);
        let body = mirror.block(&f.block);
        errs.append(&mut mirror.errors);
        if !errs.is_empty() {
            errors.extend(errs);
            new_items.push(syn::ImplItem::Fn(f));
            continue;
        }
        let name = &f.sig.ident;
        let build_name = quote::format_ident!("__mt_build_{}", name);
        let generics = &f.sig.generics;
        let code = body.code;
        let tail = if body.div {
            quote!(let _ = #code;)
        } else if let Some(t) = ret_ty(&as_fn) {
            quote!(let __mt_ret = #code; #m::ret_value::<#t>(__cw, __mt_ret);)
        } else {
            quote!(let __mt_ret = #code; __cw.ret(__mt_ret);)
        };
        new_items.push(syn::parse_quote! {
            #[doc(hidden)]
            #[allow(unused, unreachable_code, unreachable_patterns, clippy::all, clippy::pedantic, non_snake_case)]
            fn #build_name #generics (__cw: &mut #m::Codewriter) {
                #self_param
                #(#params)*
                #tail
            }
        });
        if !f.attrs.iter().any(|a| a.path().is_ident("inline")) {
            f.attrs.push(syn::parse_quote!(#[inline]));
        }
        new_items.push(syn::ImplItem::Fn(f.clone()));
        let param_tys: Vec<syn::Type> = f
            .sig
            .inputs
            .iter()
            .filter_map(|a| match a {
                FnArg::Typed(pt) => Some(static_type(&pt.ty, &self_ty)),
                FnArg::Receiver(_) => None,
            })
            .collect();
        let name_str = name.to_string();
        let log_name = format!(
            "{}::{}",
            quote!(#self_ty).to_string().replace(' ', ""),
            name
        );
        let by_value = recv == Some(None);
        let method = if recv.is_some() {
            quote!(::core::option::Option::Some(#m::MethodKey {
                self_ty: || ::core::any::type_name::<#static_self>(),
                name: #name_str,
                params: || ::std::vec![#(::core::any::type_name::<#param_tys>()),*],
                by_value: #by_value,
            }))
        } else {
            // an associated function: found by its fn item's type, as a free function
            quote!(::core::option::Option::None)
        };
        regs.push(quote! {
            const _: () = {
                #[doc(hidden)]
                static __MT_ENTRY: #m::FnEntry = #m::FnEntry {
                    type_id: || #m::type_id_of_val(&<#static_self>::#name),
                    name: #log_name,
                    kind: #m::FnKind::Inline { builder: <#static_self>::#build_name, unroll_safe: #unroll },
                    method: #method,
                };
                #[doc(hidden)]
                #[used]
                #[unsafe(link_section = ".init_array")]
                static __MT_INIT: extern "C" fn() = {
                    extern "C" fn __mt_init() {
                        #m::register(&__MT_ENTRY)
                    }
                    __mt_init
                };
            };
        });
    }
    imp.items = new_items;
    let errs = errors_to_tokens(errors);
    quote!(#errs #imp #(#regs)*)
}

fn registration(name: &syn::Ident, kind: TokenStream) -> TokenStream {
    registration_of(quote!(#name), &name.to_string(), kind)
}

/// The registration of the function item `item` (a path, with a turbofish for an instance of
/// a generic function), shown as `name_str` in logs.
fn registration_of(item: TokenStream, name_str: &str, kind: TokenStream) -> TokenStream {
    let m = quote!(::metatracer::__private);
    quote! {
        #[doc(hidden)]
        static __MT_ENTRY: #m::FnEntry = #m::FnEntry {
            type_id: || #m::type_id_of_val(&#item),
            name: #name_str,
            kind: #kind,
            method: ::core::option::Option::None,
        };
        #[doc(hidden)]
        #[used]
        #[unsafe(link_section = ".init_array")]
        static __MT_INIT: extern "C" fn() = {
            extern "C" fn __mt_init() {
                #m::register(&__MT_ENTRY)
            }
            __mt_init
        };
    }
}

/// The parameters of `f` declared as builder parameters, plus the mirror scope for them.
fn builder_params(
    f: &ItemFn,
    mirror: &mut Mirror,
    greens_allowed: bool,
) -> (Vec<TokenStream>, Vec<syn::Error>) {
    let m = quote!(::metatracer::__private);
    let mut out = Vec::new();
    let mut errs = Vec::new();
    for arg in &f.sig.inputs {
        let FnArg::Typed(pt) = arg else { continue };
        let green = pt.attrs.iter().any(|a| a.path().is_ident("green"));
        if green && !greens_allowed {
            errs.push(syn::Error::new_spanned(
                pt,
                "`#[green]` is only meaningful in a `#[jit_merge_point]` function",
            ));
        }
        let Pat::Ident(pi) = &*pt.pat else {
            errs.push(syn::Error::new_spanned(&pt.pat, "traced functions need plain parameter names (no patterns); destructure inside the body"));
            continue;
        };
        if let syn::Type::ImplTrait(it) = &*pt.ty {
            errs.push(syn::Error::new_spanned(it, "`impl Trait` parameters are not supported in traced functions; use a concrete type"));
            continue;
        }
        let id = &pi.ident;
        let ty = &pt.ty;
        out.push(quote_spanned!(pt.span()=> let #id: #m::Sym<#ty> = __cw.param();));
        mirror.declare(id);
        if green {
            mirror.greens.push(id.clone());
        }
    }
    (out, errs)
}

/// The function's return type as the mirror writes it (`None` for `-> impl Trait`, which
/// cannot be named inside the body).
pub(crate) fn ret_ty(f: &ItemFn) -> Option<TokenStream> {
    match &f.sig.output {
        syn::ReturnType::Default => Some(quote!(())),
        syn::ReturnType::Type(_, t) => {
            let mut has_impl = false;
            struct V<'a>(&'a mut bool);
            impl<'ast> syn::visit::Visit<'ast> for V<'_> {
                fn visit_type_impl_trait(&mut self, _: &'ast syn::TypeImplTrait) {
                    *self.0 = true;
                }
            }
            syn::visit::Visit::visit_type(&mut V(&mut has_impl), t);
            (!has_impl).then(|| quote!(#t))
        }
    }
}

/// `f` with its type parameters replaced by `args` (in order) and removed from its generics,
/// with their bounds and the where clause (the instance is concrete, rustc checks the original).
fn monomorphize(f: &ItemFn, args: &[syn::Type]) -> ItemFn {
    let names: Vec<syn::Ident> = f
        .sig
        .generics
        .type_params()
        .map(|t| t.ident.clone())
        .collect();
    struct Subst<'a>(&'a [syn::Ident], &'a [syn::Type]);
    impl VisitMut for Subst<'_> {
        fn visit_type_mut(&mut self, t: &mut syn::Type) {
            if let syn::Type::Path(p) = t {
                if p.qself.is_none() {
                    if let Some(i) = self.0.iter().position(|n| p.path.is_ident(n)) {
                        *t = self.1[i].clone();
                        return;
                    }
                }
            }
            syn::visit_mut::visit_type_mut(self, t);
        }
        fn visit_expr_path_mut(&mut self, e: &mut syn::ExprPath) {
            // `T::f(..)` becomes `<i64>::f(..)`
            if e.qself.is_none() && e.path.segments.len() >= 2 {
                if let Some(i) = self.0.iter().position(|n| e.path.segments[0].ident == *n) {
                    let ty = &self.1[i];
                    let rest: syn::punctuated::Punctuated<syn::PathSegment, syn::Token![::]> =
                        e.path.segments.iter().skip(1).cloned().collect();
                    *e = syn::parse_quote!(<#ty>::#rest);
                    return;
                }
            }
            syn::visit_mut::visit_expr_path_mut(self, e);
        }
    }
    let mut out = f.clone();
    out.sig.generics.params = out
        .sig
        .generics
        .params
        .iter()
        .filter(|p| !matches!(p, syn::GenericParam::Type(_)))
        .cloned()
        .collect();
    out.sig.generics.where_clause = None;
    let mut v = Subst(&names, args);
    v.visit_signature_mut(&mut out.sig);
    v.visit_block_mut(&mut out.block);
    out
}

/// The argument of `#[look_inside(instances(A, B, ..))]`: the instances of a generic function
/// the JIT traces, each a type (one type parameter) or a tuple of `ntypes` types.
fn parse_instances(attr: TokenStream, ntypes: usize) -> syn::Result<Vec<Vec<syn::Type>>> {
    let bad = |t: &dyn quote::ToTokens| {
        syn::Error::new_spanned(
            t,
            "`#[look_inside]` takes no arguments, or `instances(T1, T2, ..)` on a generic function (the type arguments of each instance the JIT traces)",
        )
    };
    let list: syn::MetaList = syn::parse2(attr.clone()).map_err(|_| bad(&attr))?;
    if !list.path.is_ident("instances") {
        return Err(bad(&list.path));
    }
    if ntypes == 0 {
        return Err(syn::Error::new_spanned(
            &list.path,
            "`instances(..)` is for generic functions; this one has no type parameters",
        ));
    }
    let tys = list.parse_args_with(
        syn::punctuated::Punctuated::<syn::Type, syn::Token![,]>::parse_terminated,
    )?;
    if tys.is_empty() {
        return Err(bad(&list));
    }
    tys.into_iter()
        .map(|t| match (&t, ntypes) {
            (_, 1) => Ok(vec![t]),
            (syn::Type::Tuple(tt), n) if tt.elems.len() == n => Ok(tt.elems.iter().cloned().collect()),
            _ => Err(syn::Error::new_spanned(
                &t,
                format!("the function has {ntypes} type parameters: write each instance as a tuple of {ntypes} types"),
            )),
        })
        .collect()
}

fn builder_fn(f: &ItemFn, params: Vec<TokenStream>, body: mirror::Out) -> TokenStream {
    let m = quote!(::metatracer::__private);
    let generics = &f.sig.generics;
    let where_clause = &f.sig.generics.where_clause;
    let code = body.code;
    let tail = if body.div {
        quote!(let _ = #code;)
    } else if let Some(t) = ret_ty(f) {
        quote!(let __mt_ret = #code; #m::ret_value::<#t>(__cw, __mt_ret);)
    } else {
        quote!(let __mt_ret = #code; __cw.ret(__mt_ret);)
    };
    quote! {
        #[doc(hidden)]
        #[allow(unused, unreachable_code, unreachable_patterns, clippy::all, clippy::pedantic, non_snake_case)]
        fn __mt_build #generics (__cw: &mut #m::Codewriter) #where_clause {
            #(#params)*
            #tail
        }
    }
}

/// Removes `#[green]` from parameters and statements.
fn strip_greens(f: &mut ItemFn) {
    for arg in &mut f.sig.inputs {
        if let FnArg::Typed(pt) = arg {
            pt.attrs.retain(|a| !a.path().is_ident("green"));
        }
    }
    for s in &mut f.block.stmts {
        if let Stmt::Local(l) = s {
            l.attrs.retain(|a| !a.path().is_ident("green"));
        }
    }
}

/// Finds a `can_enter_jit!()` anywhere in a function body.
struct FindCanEnter(bool);
impl<'ast> syn::visit::Visit<'ast> for FindCanEnter {
    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        if is_can_enter(m) || m.tokens.to_string().contains("can_enter_jit") {
            self.0 = true;
        }
    }
}

/// Replaces every `can_enter_jit!()` (as an expression or a statement) by a block.
struct ReplaceCanEnter(syn::Block);

impl ReplaceCanEnter {
    /// `can_enter_jit!()` in the interpreter half of a portal: note whether the JIT is on.
    fn flag() -> Self {
        ReplaceCanEnter(syn::parse_quote!({
            __mt_jumped = ::metatracer::__private::ENABLED && ::metatracer::__private::jit_on();
        }))
    }
    /// `can_enter_jit!()` where nothing may happen (the hook-free copy, error output).
    fn drop() -> Self {
        ReplaceCanEnter(syn::parse_quote!({}))
    }
}

fn is_can_enter(m: &syn::Macro) -> bool {
    m.path
        .segments
        .last()
        .is_some_and(|s| s.ident == "can_enter_jit")
}

impl VisitMut for ReplaceCanEnter {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        if let Expr::Macro(m) = e {
            if is_can_enter(&m.mac) {
                let b = &self.0;
                *e = syn::parse_quote!(#b);
                return;
            }
        }
        syn::visit_mut::visit_expr_mut(self, e);
    }
    fn visit_stmt_mut(&mut self, s: &mut Stmt) {
        if let Stmt::Macro(m) = s {
            if is_can_enter(&m.mac) {
                let b = &self.0;
                *s = syn::parse_quote!(#b);
                return;
            }
        }
        syn::visit_mut::visit_stmt_mut(self, s);
    }
}

/// The arguments of `#[jit_merge_point(...)]`: nothing, or
/// `get_printable_location = path::to::function`.
fn parse_merge_point_args(attr: TokenStream) -> syn::Result<Option<syn::Path>> {
    if attr.is_empty() {
        return Ok(None);
    }
    let bad = |t: &dyn quote::ToTokens| {
        syn::Error::new_spanned(t, "`#[jit_merge_point]` takes only `get_printable_location = function` (a function from the greens to the text logs show); mark position variables with `#[green]`")
    };
    let nv: syn::MetaNameValue = syn::parse2(attr.clone()).map_err(|_| bad(&attr))?;
    if !nv.path.is_ident("get_printable_location") {
        return Err(bad(&nv.path));
    }
    match nv.value {
        syn::Expr::Path(p) if p.qself.is_none() => Ok(Some(p.path)),
        other => Err(bad(&other)),
    }
}

/// `#[jit_merge_point]`.
pub fn merge_point(attr: TokenStream, item: TokenStream) -> TokenStream {
    let f: ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(e) => {
            let msg = syn::Error::new(e.span(), "`#[jit_merge_point]` goes on the interpreter's dispatch function (a `fn` whose body contains the dispatch loop)");
            let ce = msg.to_compile_error();
            return quote!(#ce #item);
        }
    };
    let mut errors = check_fn(&f, "`#[jit_merge_point]`");
    let location = match parse_merge_point_args(attr) {
        Ok(l) => l,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    // Mirror.
    let mut mirror = Mirror::new(true, false);
    mirror.ret_ty = ret_ty(&f);
    let (params, perrs) = builder_params(&f, &mut mirror, true);
    errors.extend(perrs);
    let body = mirror.block(&f.block);
    errors.append(&mut mirror.errors);
    let Some(portal) = mirror.portal.take() else {
        errors.push(syn::Error::new_spanned(&f.sig.ident, "a `#[jit_merge_point]` function needs its dispatch loop (`loop` or `while`) as a statement of the function body"));
        return emit_with_errors(f, errors);
    };
    if !mirror.saw_can_enter {
        // Decided on the syntax, not on what the mirror reached: code the mirror rejected
        // (reported above) may hold the `can_enter_jit!()`, and then the hint would be false.
        let mut v = FindCanEnter(false);
        syn::visit::Visit::visit_block(&mut v, &f.block);
        if !v.0 {
            errors.push(syn::Error::new_spanned(&f.sig.ident, "the JIT never learns where guest loops are: add `metatracer::can_enter_jit!()` where the guest jumps backward"));
        } else if errors.is_empty() {
            errors.push(syn::Error::new_spanned(&f.sig.ident, "`metatracer::can_enter_jit!()` is inside code the JIT turns into a residual call (a macro argument or a closure); make it a statement of the traced code, at the guest's backward jump"));
        }
    }
    let ngreens = portal.vars.iter().filter(|v| v.1).count();
    if ngreens == 0 {
        errors.push(syn::Error::new_spanned(&f.sig.ident, "mark the variables that identify the guest position (program counter, code object) with `#[green]`"));
    } else if ngreens > 4 {
        errors.push(syn::Error::new_spanned(&f.sig.ident, "at most 4 `#[green]` variables are supported; group them in a struct behind a reference"));
    }
    if !errors.is_empty() {
        return emit_with_errors(f, errors);
    }
    let builder = builder_fn(&f, params, body);

    // The interpreter, split in two (docs/jit-subset.md, "What the portal expands to"): the
    // user's function becomes a small wrapper that owns the JIT call, and the dispatch loop
    // runs in a nested `__mt_interp` that contains no call into the JIT and never lets a
    // parameter's address escape. `can_enter_jit!()` sets a local flag to "the JIT is on"
    // (one relaxed atomic load per guest backward jump); the loop top tests that flag and,
    // when set, returns the state as words; the wrapper runs the JIT and re-enters
    // `__mt_interp` with the updated state. Measured on Tiny's bench with cachegrind
    // (`--jit off` vs the JIT compiled out): a hook that calls the JIT from inside the
    // dispatch function cost 11% more instructions (LLVM keeps `m.sp` in memory once the
    // function has an opaque call and `m` escapes); this layout costs nothing measurable.
    let m = quote!(::metatracer::__private);
    // A copy of the function without any hook, run when the JIT is off at the call (`--jit
    // off`): its dispatch loop is exactly the one of a build without the `jit` feature. (The
    // interpreter half below still tests a flag per dispatch; that test alone measured up to
    // +10% wall time on Tiny's bench, through code layout, although it runs fewer
    // instructions.) Switching the JIT on takes effect at the portal's next call.
    let mut plain = f.clone();
    strip_greens(&mut plain);
    ReplaceCanEnter::drop().visit_block_mut(&mut plain.block);
    plain.sig.ident = syn::Ident::new("__mt_plain", f.sig.ident.span());
    plain.vis = syn::Visibility::Inherited;
    plain.attrs = vec![
        syn::parse_quote!(#[doc(hidden)]),
        syn::parse_quote!(#[allow(warnings, clippy::all, clippy::pedantic)]),
    ];
    let mut orig = f.clone();
    strip_greens(&mut orig);
    ReplaceCanEnter::flag().visit_block_mut(&mut orig.block);
    RewriteReturn.visit_block_mut(&mut orig.block);
    let nvars = portal.vars.len();
    // Parameters: which are state variables, which are `mut` (restored on re-entry).
    let mut param_names = Vec::new();
    let mut mut_params = Vec::new();
    for arg in &orig.sig.inputs {
        if let FnArg::Typed(pt) = arg {
            if let Pat::Ident(pi) = &*pt.pat {
                param_names.push(pi.ident.clone());
                if pi.mutability.is_some() {
                    mut_params.push(pi.ident.clone());
                }
            }
        }
    }
    let index_of = |id: &syn::Ident| portal.vars.iter().position(|v| &v.0 == id);
    // Split the body: prologue (before the dispatch loop), the loop, the rest.
    let mut prologue = Vec::new();
    let mut rest = Vec::new();
    let mut the_loop = None;
    for st in std::mem::take(&mut orig.block.stmts) {
        let is_loop = matches!(&st, Stmt::Expr(Expr::While(_) | Expr::Loop(_), _));
        if the_loop.is_none() && is_loop {
            the_loop = Some(st);
        } else if the_loop.is_none() {
            prologue.push(st);
        } else {
            rest.push(st);
        }
    }
    let Some(the_loop) = the_loop else {
        unreachable!("the mirror found the dispatch loop")
    };
    // State variables declared by the prologue's `let`s, in declaration order (last wins).
    let mut lets: Vec<(syn::Ident, bool)> = Vec::new();
    for st in &prologue {
        if let Stmt::Local(l) = st {
            if let Pat::Ident(pi) = strip_ty(&l.pat) {
                lets.retain(|(x, _)| x != &pi.ident);
                lets.push((pi.ident.clone(), pi.mutability.is_some()));
            }
        }
    }
    let lets: Vec<(syn::Ident, bool, usize)> = lets
        .into_iter()
        .filter_map(|(id, mt)| index_of(&id).map(|i| (id, mt, i)))
        .collect();
    let let_pats = lets.iter().map(
        |(id, mt, _)| {
            if *mt {
                quote!(mut #id)
            } else {
                quote!(#id)
            }
        },
    );
    let let_ids: Vec<&syn::Ident> = lets.iter().map(|l| &l.0).collect();
    let let_restores = lets.iter().map(|(_, _, i)| quote!(#m::restore(__mt_s[#i])));
    let param_restores = mut_params
        .iter()
        .filter_map(|id| index_of(id).map(|i| quote!(#id = #m::restore(__mt_s[#i]);)));
    // The words handed out at a backward jump. Parameters that are not `mut` keep their
    // values; the wrapper fills their words in (so their addresses never leave `__mt_interp`).
    let out_words = portal.vars.iter().map(|(id, _)| {
        if param_names.contains(id) && !mut_params.contains(id) {
            quote!(0u64)
        } else {
            quote!(#m::word_of(&#id))
        }
    });
    let fill_params = portal
        .vars
        .iter()
        .enumerate()
        .filter(|(_, (id, _))| param_names.contains(id) && !mut_params.contains(id))
        .map(|(i, (id, _))| quote!(__mt_s[#i] = #m::word_of(&#id);));
    // At a backward jump the interpreter leaves for the driver unless the skip table grants
    // the jump (`skip_hook`: a key still counting toward the threshold; a hash of the green
    // words and one table probe, inlined here).
    let green_words = portal
        .vars
        .iter()
        .filter(|(_, green)| *green)
        .map(|(id, _)| quote!(#m::word_of(&#id)));
    let hook = quote! {
        if #m::ENABLED && __mt_jumped {
            __mt_jumped = false;
            if !#m::skip_hook(&[#(#green_words),*]) {
                return #m::PortalExit::Enter([#(#out_words),*]);
            }
        }
    };
    let loop_had_semi = matches!(&the_loop, Stmt::Expr(_, Some(_)));
    let new_loop: Expr = match the_loop {
        Stmt::Expr(Expr::While(w), _) => {
            let label = &w.label;
            let cond = &w.cond;
            let body = &w.body.stmts;
            syn::parse_quote!(#label loop { #hook if !(#cond) { break; } #(#body)* })
        }
        Stmt::Expr(Expr::Loop(l), _) => {
            let label = &l.label;
            let body = &l.body.stmts;
            syn::parse_quote!(#label loop { #hook #(#body)* })
        }
        _ => unreachable!("checked above"),
    };
    // `return e` in the interpreter becomes `return PortalExit::Done(e)`; so does the tail.
    // A body that ends in a statement (not an expression) returns `()` or diverges.
    let returns_unit = match &orig.sig.output {
        syn::ReturnType::Default => true,
        syn::ReturnType::Type(_, t) => matches!(&**t, syn::Type::Tuple(tt) if tt.elems.is_empty()),
    };
    let unit_tail = if returns_unit {
        quote!(#m::PortalExit::Done(()))
    } else {
        quote!()
    };
    let mut inner_stmts = rest;
    let (loop_stmt, tail) = if inner_stmts.is_empty() {
        if loop_had_semi {
            (quote!(#new_loop;), unit_tail)
        } else {
            (quote!(), quote!(#m::PortalExit::Done(#new_loop)))
        }
    } else if let Some(Stmt::Expr(_, None)) = inner_stmts.last() {
        let Some(Stmt::Expr(e, None)) = inner_stmts.pop() else {
            unreachable!("matched above")
        };
        (quote!(#new_loop;), quote!(#m::PortalExit::Done(#e)))
    } else {
        (quote!(#new_loop;), unit_tail)
    };
    let inner_block: syn::Block = syn::parse_quote!({
        let mut __mt_jumped = false;
        let (#(#let_pats,)*) = match __mt_resume {
            ::core::option::Option::Some(__mt_s) => {
                #(#param_restores)*
                (#(#let_restores,)*)
            }
            ::core::option::Option::None => {
                #(#prologue)*
                (#(#let_ids,)*)
            }
        };
        #loop_stmt
        #(#inner_stmts)*
        #tail
    });
    let ret_ty: syn::Type = match &orig.sig.output {
        syn::ReturnType::Default => syn::parse_quote!(()),
        syn::ReturnType::Type(_, t) => (**t).clone(),
    };
    let generics = orig.sig.generics.clone();
    let where_clause = orig.sig.generics.where_clause.clone();
    let inputs = orig.sig.inputs.clone();
    let arg_names = &param_names;
    let name = orig.sig.ident.to_string();
    // The wrapper's own parameters need no `mut`: the interpreter function has the copies.
    for arg in &mut orig.sig.inputs {
        if let FnArg::Typed(pt) = arg {
            if let Pat::Ident(pi) = &mut *pt.pat {
                pi.mutability = None;
            }
        }
    }
    // `get_printable_location = f`: a function over the green words that rebuilds each green
    // with `Word::from_word` (rustc infers the types from `f`'s signature) and calls `f`.
    let portal_expr = match &location {
        None => quote!(#m::Portal::new(#name, __mt_build)),
        Some(path) => {
            let words = (0..ngreens).map(|i| quote!(#m::Word::from_word(__mt_w[#i])));
            quote!({
                #[doc(hidden)]
                fn __mt_location(__mt_w: &[u64]) -> ::std::string::String {
                    // SAFETY: the driver passes the words of the greens at a merge point the
                    // interpreter is executing (while tracing), made by `Word::to_word` of
                    // values of the greens' types that are still alive.
                    unsafe { #path(#(#words),*) }
                }
                #m::Portal::new(#name, __mt_build).with_location(__mt_location)
            })
        }
    };
    let new_block: syn::Block = syn::parse_quote!({
        #builder
        #[doc(hidden)]
        static __MT_PORTAL: #m::Portal = #portal_expr;
        #plain
        if #m::ENABLED && !#m::jit_on() {
            return __mt_plain(#(#arg_names),*);
        }
        #[doc(hidden)]
        #[inline(never)]
        #[allow(unreachable_code, clippy::never_loop, clippy::too_many_arguments, unused_mut)]
        fn __mt_interp #generics (#inputs, __mt_resume: ::core::option::Option<[u64; #nvars]>)
            -> #m::PortalExit<#ret_ty, #nvars> #where_clause
        #inner_block
        let mut __mt_resume = ::core::option::Option::None;
        loop {
            match __mt_interp(#(#arg_names,)* __mt_resume) {
                #m::PortalExit::Done(__mt_r) => return __mt_r,
                #m::PortalExit::Enter(mut __mt_s) => {
                    #(#fill_params)*
                    match #m::loop_header(&__MT_PORTAL, &mut __mt_s) {
                        #m::HookResult::Continue => __mt_resume = ::core::option::Option::Some(__mt_s),
                        #m::HookResult::Return(__mt_w) => return #m::restore(__mt_w),
                    }
                }
            }
        }
    });
    *orig.block = new_block;
    quote!(#orig)
}

/// Rewrites `return e` into `return PortalExit::Done(e)` in the interpreter half of a portal
/// (not inside closures or nested items, whose `return`s are their own).
struct RewriteReturn;
impl VisitMut for RewriteReturn {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        match e {
            Expr::Closure(_) | Expr::Async(_) => {}
            Expr::Return(r) => {
                if let Some(v) = &mut r.expr {
                    self.visit_expr_mut(v);
                }
                let m = quote!(::metatracer::__private);
                let v = match &r.expr {
                    Some(v) => quote!(#v),
                    None => quote!(()),
                };
                *e = syn::parse_quote!(return #m::PortalExit::Done(#v));
            }
            _ => syn::visit_mut::visit_expr_mut(self, e),
        }
    }
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

fn strip_ty(p: &Pat) -> &Pat {
    match p {
        Pat::Type(t) => strip_ty(&t.pat),
        _ => p,
    }
}

fn emit_with_errors(mut f: ItemFn, errors: Vec<syn::Error>) -> TokenStream {
    strip_greens(&mut f);
    // Keep the function type-checking: `can_enter_jit!()` would itself be an error.
    ReplaceCanEnter::drop().visit_block_mut(&mut f.block);
    let errs = errors_to_tokens(errors);
    quote!(#errs #f)
}

/// `#[look_inside]` and `#[unroll_safe]`.
pub fn look_inside(attr: TokenStream, item: TokenStream, unroll_safe: bool) -> TokenStream {
    let what = if unroll_safe {
        "`#[unroll_safe]`"
    } else {
        "`#[look_inside]`"
    };
    if let Ok(imp) = syn::parse2::<syn::ItemImpl>(item.clone()) {
        return look_inside_impl(attr, imp, unroll_safe);
    }
    let f: ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(e) => {
            let ce = syn::Error::new(
                e.span(),
                format!("{what} goes on a function or an `impl` block"),
            )
            .to_compile_error();
            return quote!(#ce #item);
        }
    };
    let ntypes = f.sig.generics.type_params().count();
    let mut errors = Vec::new();
    let instances = if attr.is_empty() {
        Vec::new()
    } else {
        match parse_instances(attr.clone(), ntypes) {
            Ok(i) => i,
            Err(e) => {
                errors.push(e);
                Vec::new()
            }
        }
    };
    if ntypes > 0 && instances.is_empty() && errors.is_empty() {
        let tp = f.sig.generics.type_params().next().expect("counted");
        errors.push(syn::Error::new_spanned(
            tp,
            format!("a generic {what} function is traced for the instances it names (one jitcode each): list them, `#[{}(instances(i64, f64))]` (a tuple per instance for several type parameters); calls of other instances are residual calls", if unroll_safe { "unroll_safe" } else { "look_inside" }),
        ));
    }
    // (type parameters are fine with a list of instances)
    errors.extend(
        check_fn(&f, what)
            .into_iter()
            .filter(|e| !(ntypes > 0 && e.to_string().contains("cannot have type parameters"))),
    );
    let m = quote!(::metatracer::__private);
    // A generic function is mirrored once per listed instance, with the type arguments
    // written in (the mirror's operations need concrete types), each builder registered
    // under that instance's fn item type.
    let monos: Vec<(ItemFn, Option<Vec<syn::Type>>)> = if ntypes == 0 {
        vec![(f.clone(), None)]
    } else {
        instances
            .iter()
            .map(|args| (monomorphize(&f, args), Some(args.clone())))
            .collect()
    };
    let mut items = Vec::new();
    for (k, (fi, args)) in monos.iter().enumerate() {
        let mut mirror = Mirror::new(false, unroll_safe);
        mirror.ret_ty = ret_ty(fi);
        let (params, perrs) = builder_params(fi, &mut mirror, false);
        errors.extend(perrs);
        let body = mirror.block(&fi.block);
        errors.append(&mut mirror.errors);
        if !errors.is_empty() {
            break;
        }
        let builder = builder_fn(fi, params, body);
        match args {
            None => {
                let reg = registration(
                    &f.sig.ident,
                    quote!(#m::FnKind::Inline { builder: __mt_build, unroll_safe: #unroll_safe }),
                );
                items.push(quote!(#builder #reg));
            }
            Some(args) => {
                let name = &f.sig.ident;
                let reg = registration_of(
                    quote!(#name::<#(#args),*>),
                    &format!(
                        "{name}::<{}>",
                        quote!(#(#args),*).to_string().replace(' ', "")
                    ),
                    quote!(#m::FnKind::Inline { builder: __mt_build, unroll_safe: #unroll_safe }),
                );
                let _ = k;
                items.push(quote!(const _: () = { #builder #reg };));
            }
        }
    }
    if !errors.is_empty() {
        return emit_with_errors(f, errors);
    }
    let builder = quote!(#(#items)*);
    let reg = quote!();
    // The JIT's trampoline for this function is a second caller, which costs the plain
    // interpreter the inlining rustc would do for a helper with one call site (Tiny's
    // `as_float`: 5% more instructions). Traced helpers are small by design: ask for
    // inlining, unless the function says otherwise.
    let mut f = f;
    if !f.attrs.iter().any(|a| a.path().is_ident("inline")) {
        f.attrs.push(syn::parse_quote!(#[inline]));
    }
    wrap_body(f, quote!(#builder #reg))
}

/// `#[elidable]` and `#[dont_look_inside]`.
pub fn residual(attr: TokenStream, item: TokenStream, elidable: bool) -> TokenStream {
    let what = if elidable {
        "`#[elidable]`"
    } else {
        "`#[dont_look_inside]`"
    };
    let f: ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(e) => {
            let ce =
                syn::Error::new(e.span(), format!("{what} goes on a function")).to_compile_error();
            return quote!(#ce #item);
        }
    };
    let mut errors = check_fn(&f, what);
    let mut read_only = false;
    if !attr.is_empty() {
        match syn::parse2::<syn::Ident>(attr.clone()) {
            Ok(id) if id == "read_only" && !elidable => read_only = true,
            _ if elidable => errors.push(syn::Error::new_spanned(
                &attr,
                format!("{what} takes no arguments"),
            )),
            _ => errors.push(syn::Error::new_spanned(
                &attr,
                "`#[dont_look_inside]` takes no arguments or `read_only` (the function writes no memory that existed before the call: it may read memory and allocate new objects)",
            )),
        }
    }
    if !errors.is_empty() {
        return emit_with_errors(f, errors);
    }
    let m = quote!(::metatracer::__private);
    let kind = if elidable {
        quote!(#m::FnKind::Elidable)
    } else if read_only {
        quote!(#m::FnKind::ReadOnly)
    } else {
        quote!(#m::FnKind::DontLookInside)
    };
    let reg = registration(&f.sig.ident, kind);
    wrap_body(f, reg)
}

/// `#[loop_invariant]`: a residual call whose result the tracer computes once per trace.
pub fn loop_invariant(attr: TokenStream, item: TokenStream) -> TokenStream {
    let what = "`#[loop_invariant]`";
    let f: ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(e) => {
            let ce =
                syn::Error::new(e.span(), format!("{what} goes on a function")).to_compile_error();
            return quote!(#ce #item);
        }
    };
    let mut errors = check_fn(&f, what);
    if !attr.is_empty() {
        errors.push(syn::Error::new_spanned(
            &attr,
            format!("{what} takes no arguments"),
        ));
    }
    if !f.sig.inputs.is_empty() {
        errors.push(syn::Error::new_spanned(
            &f.sig.inputs,
            "`#[loop_invariant]` functions take no arguments: a trace calls one once and reuses its result, so it must not depend on arguments (read what it needs from memory or a thread-local; for a pure function of its arguments use `#[elidable]`)",
        ));
    }
    if matches!(f.sig.output, syn::ReturnType::Default) {
        errors.push(syn::Error::new_spanned(
            &f.sig.ident,
            "a `#[loop_invariant]` function returns the value traces reuse; this one returns nothing (for a call made for its effect, use `#[dont_look_inside]`)",
        ));
    }
    if !errors.is_empty() {
        return emit_with_errors(f, errors);
    }
    let m = quote!(::metatracer::__private);
    let reg = registration(&f.sig.ident, quote!(#m::FnKind::LoopInvariant));
    wrap_body(f, reg)
}

fn wrap_body(mut f: ItemFn, items: TokenStream) -> TokenStream {
    let stmts = &f.block.stmts;
    let new_block: syn::Block = syn::parse_quote!({ #items #(#stmts)* });
    *f.block = new_block;
    quote!(#f)
}

/// `#[derive(Layout)]`.
pub fn derive_layout(input: syn::DeriveInput) -> TokenStream {
    let m = quote!(::metatracer::__private);
    let name = &input.ident;
    let (ig, tg, wc) = input.generics.split_for_impl();
    let vable_attr = input
        .attrs
        .iter()
        .find(|a| a.path().is_ident("virtualizable"));
    let syn::Data::Struct(data) = &input.data else {
        if let Some(a) = vable_attr {
            return syn::Error::new_spanned(a, "`#[virtualizable]` names the interpreter's frame struct (scalar fields and at most one array); an enum cannot be one").to_compile_error();
        }
        return syn::Error::new_spanned(&input.ident, "`#[derive(Layout)]` declares struct fields for traced code; enums are matched through `match` and need no layout").to_compile_error();
    };
    if vable_attr.is_none() {
        if let Some(a) = data
            .fields
            .iter()
            .flat_map(|f| &f.attrs)
            .find(|a| a.path().is_ident("frame_array"))
        {
            return syn::Error::new_spanned(a, "`#[frame_array]` marks the field of a `#[virtualizable]` frame that points to the frame's array: add `#[virtualizable]` to the struct, or remove this attribute").to_compile_error();
        }
    }
    let vable = match vable_attr {
        Some(a) => match check_virtualizable(a, &input.generics, data) {
            Ok(()) => true,
            Err(e) => return e.to_compile_error(),
        },
        None => false,
    };
    let mut impls = Vec::new();
    for (i, field) in data.fields.iter().enumerate() {
        let member = match &field.ident {
            Some(id) => syn::Member::Named(id.clone()),
            None => syn::Member::Unnamed(syn::Index::from(i)),
        };
        let h = mirror::field_hash(&member);
        let ty = &field.ty;
        let frame_array = vable && field.attrs.iter().any(|a| a.path().is_ident("frame_array"));
        impls.push(quote_spanned! {field.span()=>
            impl #ig #m::HasField<#h> for #name #tg #wc {
                type Ty = #ty;
                const OFFSET: usize = ::core::mem::offset_of!(Self, #member);
                const INTERIOR: bool = {
                    #[allow(unused_imports)]
                    use #m::{ProbeCellFallback as _, ProbePlainFallback as _, ProbeUnwindFallback as _};
                    #m::FieldProbe::<#ty>::interior(
                        #m::FieldProbe::<#ty>::KNOWN_CELL,
                        #m::FieldProbe::<#ty>::KNOWN_PLAIN,
                        #m::FieldProbe::<#ty>::UNWIND_SAFE,
                    )
                };
                const VABLE: bool = #vable;
                const FRAME_ARRAY: bool = #frame_array;
            }
        });
    }
    quote! {
        #(#impls)*
        impl #ig #m::AutoDeref for #name #tg #wc {
            type Out = Self;
            fn step(_: &mut #m::Codewriter, p: #m::Place<Self>) -> #m::Place<Self> { p }
        }
    }
}

/// The last path segment's name of a type (`Vec` for `std::vec::Vec<T>`), if it is a path.
fn type_head(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// Checks the shape `#[virtualizable]` needs: a struct without type parameters whose fields
/// are scalars (words, register structs, pointers) plus at most one array (`Vec<T>` or
/// `[T; N]`), and no arguments. Errors point at the offending attribute argument or field.
fn check_virtualizable(
    attr: &syn::Attribute,
    generics: &syn::Generics,
    data: &syn::DataStruct,
) -> syn::Result<()> {
    if !matches!(attr.meta, syn::Meta::Path(_)) {
        return Err(syn::Error::new_spanned(
            &attr.meta,
            "`#[virtualizable]` takes no arguments: the frame's array is its one `Vec<T>` or `[T; N]` field",
        ));
    }
    if let Some(tp) = generics.type_params().next() {
        return Err(syn::Error::new_spanned(
            tp,
            "a `#[virtualizable]` frame cannot have type parameters",
        ));
    }
    let mut array: Option<&syn::Field> = None;
    for f in &data.fields {
        let head = type_head(&f.ty);
        let marked = f.attrs.iter().find(|a| a.path().is_ident("frame_array"));
        if let Some(a) = marked {
            if !matches!(a.meta, syn::Meta::Path(_)) {
                return Err(syn::Error::new_spanned(
                    &a.meta,
                    "`#[frame_array]` takes no arguments",
                ));
            }
            let mut_ref = matches!(&f.ty, syn::Type::Reference(r) if r.mutability.is_some());
            if head.as_deref() != Some("Gc") && !mut_ref {
                return Err(syn::Error::new_spanned(
                    &f.ty,
                    "`#[frame_array]` marks a `Gc<Array<T>>` or `&mut [T; N]` / `&mut Vec<T>` field (the frame's array behind a pointer); an array held inline (`Vec<T>`, `[T; N]`) needs no mark",
                ));
            }
        }
        let is_array = marked.is_some()
            || matches!(f.ty, syn::Type::Array(_))
            || head.as_deref() == Some("Vec");
        if is_array {
            if let Some(first) = array {
                let name = |f: &syn::Field| {
                    f.ident
                        .as_ref()
                        .map_or_else(|| "a tuple field".to_string(), |i| format!("`{i}`"))
                };
                return Err(syn::Error::new_spanned(
                    &f.ty,
                    format!(
                        "a `#[virtualizable]` frame keeps one array in registers, and {} is already it: put the locals and the value stack in one array, or move this one behind a pointer (e.g. a `&mut` or `Gc` to a struct holding it)",
                        name(first)
                    ),
                ));
            }
            array = Some(f);
            continue;
        }
        const NOT_SCALAR: &[&str] = &[
            "String",
            "HashMap",
            "HashSet",
            "BTreeMap",
            "BTreeSet",
            "VecDeque",
            "Cell",
            "RefCell",
            "GcCell",
            "Mutex",
            "RwLock",
            "OnceCell",
            "QuasiImmut",
        ];
        if let Some(h) = head.filter(|h| NOT_SCALAR.contains(&h.as_str())) {
            return Err(syn::Error::new_spanned(
                &f.ty,
                format!(
                    "a field of a `#[virtualizable]` frame must be a scalar (an integer, `f64`, `bool`, a pointer, a `RegValue` struct) or its one array, not a `{h}`: move it behind a pointer, or out of the frame"
                ),
            ));
        }
    }
    Ok(())
}

/// `#[derive(RegValue)]`: the struct's fields, in order, in consecutive registers.
pub fn derive_reg_value(input: syn::DeriveInput) -> TokenStream {
    let m = quote!(::metatracer::__private);
    let name = &input.ident;
    let syn::Data::Struct(data) = &input.data else {
        return syn::Error::new_spanned(&input.ident, "`#[derive(RegValue)]` is for structs of register values; represent an enum as a struct (a tag and payload fields)").to_compile_error();
    };
    if let Some(tp) = input.generics.type_params().next() {
        return syn::Error::new_spanned(
            tp,
            "`#[derive(RegValue)]` structs cannot have type parameters",
        )
        .to_compile_error();
    }
    if data.fields.is_empty() {
        return syn::Error::new_spanned(
            &input.ident,
            "`#[derive(RegValue)]` needs at least one field",
        )
        .to_compile_error();
    }
    let (ig, tg, wc) = input.generics.split_for_impl();
    let members: Vec<syn::Member> = data
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| match &f.ident {
            Some(id) => syn::Member::Named(id.clone()),
            None => syn::Member::Unnamed(syn::Index::from(i)),
        })
        .collect();
    let tys: Vec<&syn::Type> = data.fields.iter().map(|f| &f.ty).collect();
    let first = tys[0];
    let tmps: Vec<syn::Ident> = (0..tys.len())
        .map(|i| quote::format_ident!("__mt_f{}", i))
        .collect();
    let mut field_impls = Vec::new();
    for (k, (mem, ty)) in members.iter().zip(&tys).enumerate() {
        let h = mirror::field_hash(mem);
        let before = &tys[..k];
        field_impls.push(quote_spanned! {ty.span()=>
            #[automatically_derived]
            #[allow(clippy::identity_op)]
            impl #ig #m::RegField<#h> for #name #tg #wc {
                type Ty = #ty;
                const OFFSET: usize = 0 #(+ <#before as #m::Regs>::WIDTH)*;
            }
        });
    }
    // Loads and stores in memory, field by field, when every field is syntactically a
    // one-word type (a type alias or an `Option<i64>` field leaves them out: traced code then
    // says it cannot load the struct).
    fn one_word(t: &syn::Type) -> bool {
        match t {
            syn::Type::Reference(_) | syn::Type::Ptr(_) => true,
            syn::Type::Path(p) if p.qself.is_none() => {
                let Some(last) = p.path.segments.last() else {
                    return false;
                };
                let id = last.ident.to_string();
                let words = [
                    "u8", "u16", "u32", "u64", "usize", "i8", "i16", "i32", "i64", "isize", "bool",
                    "char", "f64", "Gc",
                ];
                if words.contains(&id.as_str()) {
                    return true;
                }
                // Option<Gc<T>>
                if id == "Option" {
                    if let syn::PathArguments::AngleBracketed(a) = &last.arguments {
                        if let Some(syn::GenericArgument::Type(syn::Type::Path(inner))) =
                            a.args.first()
                        {
                            return inner.path.segments.last().is_some_and(|s| s.ident == "Gc");
                        }
                    }
                }
                false
            }
            _ => false,
        }
    }
    let in_memory = input.attrs.iter().any(|a| {
        a.path().is_ident("reg_value")
            && a.parse_args::<syn::Ident>().is_ok_and(|i| i == "in_memory")
    });
    if let Some(a) = input.attrs.iter().find(|a| a.path().is_ident("reg_value")) {
        if !in_memory {
            return syn::Error::new_spanned(
                a,
                "the only `reg_value` option is `#[reg_value(in_memory)]` (load and store the struct in traced code, field by field)",
            )
            .to_compile_error();
        }
    }
    let hashes: Vec<u64> = members.iter().map(mirror::field_hash).collect();
    let load_impl = if in_memory || tys.iter().all(|t| one_word(t)) {
        let offs: Vec<TokenStream> = (0..tys.len())
            .map(|k| {
                let before = &tys[..k];
                quote!(0 #(+ <#before as #m::Regs>::WIDTH)*)
            })
            .collect();
        quote! {
            #[automatically_derived]
            #[allow(clippy::identity_op)]
            impl #ig #m::MemValue for #name #tg #wc {
                fn load(cw: &mut #m::Codewriter, p: #m::Place<Self>) -> #m::Sym<Self> {
                    let dst = cw.fresh_regs::<Self>();
                    #({
                        let v = <#tys as #m::MemValue>::load(cw, #m::field_place::<Self, #tys, #hashes>(p, ::core::mem::offset_of!(Self, #members)));
                        cw.mov(#m::Sym::<#tys>::new(dst.reg + (#offs) as #m::Reg), v);
                    })*
                    dst
                }
                fn store(cw: &mut #m::Codewriter, p: #m::Place<Self>, v: #m::Sym<Self>) {
                    #(
                        <#tys as #m::MemValue>::store(cw, #m::field_place::<Self, #tys, #hashes>(p, ::core::mem::offset_of!(Self, #members)),
                            #m::Sym::<#tys>::new(v.reg + (#offs) as #m::Reg));
                    )*
                }
            }
        }
    } else {
        quote!()
    };
    quote! {
        #load_impl
        #[automatically_derived]
        impl #ig #m::RegStruct for #name #tg #wc {}
        const _: fn() = || {
            fn copy<T: ::core::marker::Copy>() {}
            copy::<#name>();
        };
        // SAFETY: the fields' words, concatenated; the struct is `Copy` (checked above), so
        // copying its words duplicates no owned resource.
        #[automatically_derived]
        #[allow(clippy::identity_op)]
        unsafe impl #ig #m::Regs for #name #tg #wc {
            const WIDTH: usize = 0 #(+ <#tys as #m::Regs>::WIDTH)*;
            type Abi0 = <#first as #m::Regs>::Abi0;
            fn kinds(out: &mut ::std::vec::Vec<#m::Kind>) {
                #(<#tys as #m::Regs>::kinds(out);)*
            }
            #[allow(unused_assignments)]
            fn write_words(self, out: &mut [u64]) {
                let mut at = 0;
                #( <#tys as #m::Regs>::write_words(self.#members, &mut out[at..]); at += <#tys as #m::Regs>::WIDTH; )*
            }
            #[allow(unused_assignments)]
            unsafe fn read_words(w: &[u64]) -> Self {
                let mut at = 0;
                #(
                    // SAFETY: the words of this field came from its `write_words`.
                    let #tmps = unsafe { <#tys as #m::Regs>::read_words(&w[at..]) };
                    at += <#tys as #m::Regs>::WIDTH;
                )*
                #name { #(#members: #tmps),* }
            }
        }
        #(#field_impls)*
    }
}
