//! Procedural macros of `metatracer`, re-exported by that crate (use them as `metatracer::...`).
//!
//! * `#[derive(Trace)]` declares a struct or enum as something the garbage collector can scan:
//!   it generates the `metatracer::gc::Trace` impl that visits every field.
//!
//! Generated code reaches only `::metatracer::...` paths (the framework itself declares
//! `extern crate self as metatracer`), so the macros work in the framework and in guests alike.

mod trace;

use proc_macro::TokenStream;

/// Derives `metatracer::gc::Trace` for a struct or enum: the GC visits every field in order.
///
/// Every field type must itself implement `Trace` (primitives, `Gc<T>`, `GcCell<T>`, `Option`,
/// tuples, arrays and other derived types do). A field that holds no GC references but whose type
/// has no `Trace` impl can be marked `#[gc(no_trace)]`; that is a promise the GC relies on.
///
/// ```ignore
/// #[derive(metatracer::Trace)]
/// struct Pair { head: Gc<Node>, tail: GcCell<Option<Gc<Pair>>>, #[gc(no_trace)] name: String }
/// ```
#[proc_macro_derive(Trace, attributes(gc))]
pub fn derive_trace(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    trace::expand(input).into()
}
