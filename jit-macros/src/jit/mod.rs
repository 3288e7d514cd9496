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
                format!("{what} must be a free function, not a method; write `fn name(this: &Type, ...)` at module level"),
            ));
        }
    }
    errs
}

fn registration(name: &syn::Ident, kind: TokenStream) -> TokenStream {
    let m = quote!(::metatracer::__private);
    let name_str = name.to_string();
    quote! {
        #[doc(hidden)]
        static __MT_ENTRY: #m::FnEntry = #m::FnEntry {
            type_id: || #m::type_id_of_val(&#name),
            name: #name_str,
            kind: #kind,
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

fn builder_fn(f: &ItemFn, params: Vec<TokenStream>, body: mirror::Out) -> TokenStream {
    let m = quote!(::metatracer::__private);
    let generics = &f.sig.generics;
    let code = body.code;
    let tail = if body.div {
        quote!(let _ = #code;)
    } else {
        quote!(let __mt_ret = #code; __cw.ret(__mt_ret);)
    };
    quote! {
        #[doc(hidden)]
        #[allow(unused, unreachable_code, unreachable_patterns, clippy::all, clippy::pedantic, non_snake_case)]
        fn __mt_build #generics (__cw: &mut #m::Codewriter) {
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

struct RewriteCanEnter;
impl VisitMut for RewriteCanEnter {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        if let Expr::Macro(m) = e {
            if m.mac
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "can_enter_jit")
            {
                *e = syn::parse_quote!({
                    __mt_jumped = true;
                });
                return;
            }
        }
        syn::visit_mut::visit_expr_mut(self, e);
    }
    fn visit_stmt_mut(&mut self, s: &mut Stmt) {
        if let Stmt::Macro(m) = s {
            if m.mac
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "can_enter_jit")
            {
                *s = syn::parse_quote!({
                    __mt_jumped = true;
                });
                return;
            }
        }
        syn::visit_mut::visit_stmt_mut(self, s);
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
    if !attr.is_empty() {
        errors.push(syn::Error::new_spanned(&attr, "`#[jit_merge_point]` takes no arguments; mark position variables with `#[green]` instead"));
    }
    // Mirror.
    let mut mirror = Mirror::new(true, false);
    let (params, perrs) = builder_params(&f, &mut mirror, true);
    errors.extend(perrs);
    let body = mirror.block(&f.block);
    errors.append(&mut mirror.errors);
    let Some(portal) = mirror.portal.take() else {
        errors.push(syn::Error::new_spanned(&f.sig.ident, "a `#[jit_merge_point]` function needs its dispatch loop (`loop` or `while`) as a statement of the function body"));
        return emit_with_errors(f, errors);
    };
    if !mirror.saw_can_enter {
        errors.push(syn::Error::new_spanned(&f.sig.ident, "the JIT never learns where guest loops are: add `metatracer::can_enter_jit!()` where the guest jumps backward"));
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

    // A copy of the function without the hook, run when the JIT is switched off at run time
    // (`--jit off`): the plain interpreter then pays nothing per dispatch for the flag the
    // hook tests (see `docs/performance.md`).
    let mut plain = f.clone();
    strip_greens(&mut plain);
    DropCanEnter.visit_block_mut(&mut plain.block);
    plain.sig.ident = syn::Ident::new("__mt_plain", f.sig.ident.span());
    plain.vis = syn::Visibility::Inherited;
    plain.attrs = vec![syn::parse_quote!(#[allow(warnings, clippy::all, clippy::pedantic)])];
    let plain_args: Vec<&syn::Ident> = f
        .sig
        .inputs
        .iter()
        .filter_map(|a| match a {
            FnArg::Typed(pt) => match &*pt.pat {
                Pat::Ident(pi) => Some(&pi.ident),
                _ => None,
            },
            FnArg::Receiver(_) => None,
        })
        .collect();

    // The original function with the hook.
    let mut orig = f.clone();
    // Which state variables are `mut` (written back after the JIT ran).
    let mut muts = Vec::new();
    for arg in &orig.sig.inputs {
        if let FnArg::Typed(pt) = arg {
            if let Pat::Ident(pi) = &*pt.pat {
                if pi.mutability.is_some() {
                    muts.push(pi.ident.clone());
                }
            }
        }
    }
    strip_greens(&mut orig);
    let m = quote!(::metatracer::__private);
    let mut stmts = Vec::new();
    let mut hooked = false;
    for s in std::mem::take(&mut orig.block.stmts) {
        if let Stmt::Local(l) = &s {
            if let Pat::Ident(pi) = strip_ty(&l.pat) {
                if pi.mutability.is_some() {
                    muts.push(pi.ident.clone());
                }
            }
        }
        let is_loop = matches!(&s, Stmt::Expr(Expr::While(_) | Expr::Loop(_), _));
        if is_loop && !hooked {
            hooked = true;
            let vars: Vec<&syn::Ident> = portal.vars.iter().map(|v| &v.0).collect();
            let restores = portal
                .vars
                .iter()
                .enumerate()
                .filter(|(_, v)| muts.contains(&v.0))
                .map(|(i, v)| {
                    let id = &v.0;
                    quote!(#id = #m::restore(__mt_state[#i]);)
                });
            let hook = quote! {
                if #m::ENABLED && __mt_jumped {
                    __mt_jumped = false;
                    if #m::jit_on() {
                        #m::cold_path();
                        let mut __mt_state = [#(#m::word_of(&#vars)),*];
                        match #m::loop_header(&__MT_PORTAL, &mut __mt_state) {
                            #m::HookResult::Continue => { #(#restores)* }
                            #m::HookResult::Return(__mt_w) => return #m::restore(__mt_w),
                        }
                    }
                }
            };
            let new_loop: Expr = match s {
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
            stmts.push(syn::parse_quote!(let mut __mt_jumped = false;));
            stmts.push(Stmt::Expr(new_loop, None));
        } else {
            stmts.push(s);
        }
    }
    orig.block.stmts = stmts;
    RewriteCanEnter.visit_block_mut(&mut orig.block);
    let name = orig.sig.ident.to_string();
    let old_stmts = &orig.block.stmts;
    let new_block: syn::Block = syn::parse_quote!({
        #builder
        #[doc(hidden)]
        static __MT_PORTAL: #m::Portal = #m::Portal::new(#name, __mt_build);
        #plain
        if #m::ENABLED && !#m::jit_on() {
            return __mt_plain(#(#plain_args),*);
        }
        #(#old_stmts)*
    });
    *orig.block = new_block;
    quote!(#[allow(clippy::never_loop)] #orig)
}

fn strip_ty(p: &Pat) -> &Pat {
    match p {
        Pat::Type(t) => strip_ty(&t.pat),
        _ => p,
    }
}

/// Replaces `can_enter_jit!()` by `{}`.
struct DropCanEnter;
impl VisitMut for DropCanEnter {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        if let Expr::Macro(m) = e {
            if m.mac
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "can_enter_jit")
            {
                *e = syn::parse_quote!({});
                return;
            }
        }
        syn::visit_mut::visit_expr_mut(self, e);
    }
    fn visit_stmt_mut(&mut self, s: &mut Stmt) {
        if let Stmt::Macro(m) = s {
            if m.mac
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "can_enter_jit")
            {
                *s = syn::parse_quote!({});
                return;
            }
        }
        syn::visit_mut::visit_stmt_mut(self, s);
    }
}

fn emit_with_errors(mut f: ItemFn, errors: Vec<syn::Error>) -> TokenStream {
    strip_greens(&mut f);
    // Keep the function type-checking: `can_enter_jit!()` would itself be an error.
    DropCanEnter.visit_block_mut(&mut f.block);
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
    let mut mirror = Mirror::new(false, unroll_safe);
    let (params, perrs) = builder_params(&f, &mut mirror, false);
    errors.extend(perrs);
    let body = mirror.block(&f.block);
    errors.append(&mut mirror.errors);
    if !errors.is_empty() {
        return emit_with_errors(f, errors);
    }
    let builder = builder_fn(&f, params, body);
    let m = quote!(::metatracer::__private);
    let reg = registration(
        &f.sig.ident,
        quote!(#m::FnKind::Inline { builder: __mt_build, unroll_safe: #unroll_safe }),
    );
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
    let syn::Data::Struct(data) = &input.data else {
        return syn::Error::new_spanned(&input.ident, "`#[derive(Layout)]` declares struct fields for traced code; enums are matched through `match` and need no layout").to_compile_error();
    };
    let mut impls = Vec::new();
    for (i, field) in data.fields.iter().enumerate() {
        let member = match &field.ident {
            Some(id) => syn::Member::Named(id.clone()),
            None => syn::Member::Unnamed(syn::Index::from(i)),
        };
        let h = mirror::field_hash(&member);
        let ty = &field.ty;
        impls.push(quote_spanned! {field.span()=>
            impl #ig #m::HasField<#h> for #name #tg #wc {
                type Ty = #ty;
                const OFFSET: usize = ::core::mem::offset_of!(Self, #member);
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
