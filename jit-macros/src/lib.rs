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

mod jit;

/// Marks the interpreter's dispatch function; the first `loop`/`while` statement of its body is
/// the dispatch loop (the merge point is its header).
///
/// Mark the variables that identify the guest position with `#[green]` (parameters or
/// top-level `let`s before the loop), and put `metatracer::can_enter_jit!()` where the guest
/// jumps backward. All other variables live at the loop header are red. The function's body
/// must stay within the traced subset (see `docs/jit-subset.md`); calls of unannotated
/// functions become residual calls.
///
/// ```ignore
/// #[metatracer::jit_merge_point]
/// fn run(#[green] prog: &Program, tape: &mut Tape) {
///     #[green] let mut pc = 0usize;
///     while pc < prog.ops.len() { /* ... */ metatracer::can_enter_jit!(); }
/// }
/// ```
///
/// Optional argument, as RPython's `get_printable_location`: a function that takes the
/// greens (in the order they are declared, by value as the interpreter holds them) and
/// returns the text that logs and the trace viewer show for that guest position (for
/// example the opcode, or a file, line and source text). It is called while the JIT traces,
/// when the greens are the live values of the running interpreter.
///
/// ```ignore
/// fn location(prog: &Program, pc: usize) -> String { format!("pc {pc}: {:?}", prog.ops[pc]) }
///
/// #[metatracer::jit_merge_point(get_printable_location = location)]
/// fn run(#[green] prog: &Program, tape: &mut Tape) { /* ... */ }
/// ```
#[proc_macro_attribute]
pub fn jit_merge_point(attr: TokenStream, item: TokenStream) -> TokenStream {
    jit::merge_point(attr.into(), item.into()).into()
}

/// The tracer inlines calls of this function (its body must be in the traced subset and
/// contain no loop; use `#[unroll_safe]` for functions with loops).
///
/// On an inherent `impl` block, it applies to every method taking `&self` or `&mut self`
/// (calls `x.method(..)` are inlined when `x`'s type is the block's type), to methods taking
/// `self` by value when the type is a `#[derive(RegValue)]` struct (calls on a local are
/// inlined with its registers), and to associated functions (`T::new(..)` calls are inlined
/// like free functions), except those marked `#[dont_look_inside]` (left as residual calls);
/// a method marked `#[unroll_safe]` may contain loops.
#[proc_macro_attribute]
pub fn look_inside(attr: TokenStream, item: TokenStream) -> TokenStream {
    jit::look_inside(attr.into(), item.into(), false).into()
}

/// Like `#[look_inside]`, for functions whose loops are fine to unroll into the trace.
#[proc_macro_attribute]
pub fn unroll_safe(attr: TokenStream, item: TokenStream) -> TokenStream {
    jit::look_inside(attr.into(), item.into(), true).into()
}

/// A pure function: calls with constant arguments are folded while tracing, equal calls in a
/// trace are made once, and a call whose result is unused is removed. The function must
/// therefore have no effect at all (not even a panic or an error exit on some arguments).
/// `metatracer::record_known_result(r, f, (a, b))` tells a trace that `f(a, b)` is `r`.
#[proc_macro_attribute]
pub fn elidable(attr: TokenStream, item: TokenStream) -> TokenStream {
    jit::residual(attr.into(), item.into(), true).into()
}

/// A function of no arguments whose result is the same throughout a loop (RPython's
/// `@loop_invariant`): a trace makes the first call (a residual call) and reuses its result
/// for the later calls instead of making them. The function must take no arguments and
/// return a value; it may have effects, but only the first call in a trace is made.
#[proc_macro_attribute]
pub fn loop_invariant(attr: TokenStream, item: TokenStream) -> TokenStream {
    jit::loop_invariant(attr.into(), item.into()).into()
}

/// Never traced into: calls are always residual (the default for unannotated functions;
/// the attribute documents the intent).
///
/// `#[dont_look_inside(read_only)]` promises that the function writes no memory that existed
/// before the call: it may read anything and allocate (and initialize) new GC objects. The
/// tracer then keeps what it knows about memory across the call instead of forgetting it.
/// Breaking the promise makes traces read stale values.
#[proc_macro_attribute]
pub fn dont_look_inside(attr: TokenStream, item: TokenStream) -> TokenStream {
    jit::residual(attr.into(), item.into(), false).into()
}

/// Declares a struct's fields to traced code (offsets from `offset_of!`, types from rustc).
///
/// A field whose type may hold an `UnsafeCell` (`Cell`, `RefCell`, `GcCell`, atomics, locks,
/// or a struct or enum containing one, and any field whose type depends on a type parameter)
/// is *interior*: traced code never folds or freezes loads from it, even through `&T` or
/// `Gc<T>` (`HasField::INTERIOR` in `metatracer::__private`, decided by rustc through
/// `FieldProbe`).
///
/// `#[virtualizable]` next to the derive names the struct as the interpreter's *frame*
/// (RPython's `virtualizables=`): its scalar fields and the elements of its one array
/// (`Vec<T>` or `[T; N]`: locals and value stack) stay in registers while a compiled loop
/// runs. Each guard exit, trace exit and residual call writes them back first (calls that
/// promise `read_only` and take no pointer do not), and they are read again after a call.
/// The struct must have no type parameters, at most one array field, and no cell or
/// container fields; it must be reached only through the frame (no reference into its array
/// handed to traced code as a slice). See `docs/tutorial.md`, "Virtualizable frames".
///
/// The frame's array may also live behind a pointer: mark a `Gc<Array<T>>` field, or a
/// `&mut [T; N]` / `&mut Vec<T>` field (an array the interpreter owns elsewhere, e.g. a GC
/// scan region), `#[frame_array]` (it then counts as the frame's one array). Its elements are kept in
/// registers like those of an inline array; the array must be reached only through this
/// field while traced code runs (other holders of the same array, e.g. a heap frame object,
/// see it only after a residual call that may read memory, a guard exit or a trace exit).
///
/// ```ignore
/// #[derive(metatracer::Layout)]
/// #[virtualizable]
/// struct Frame { sp: usize, stack: Vec<Value> }
///
/// #[derive(metatracer::Layout)]
/// #[virtualizable]
/// struct Ctx { sp: usize, #[frame_array] regs: Gc<Array<Value>> }
///
/// #[derive(metatracer::Layout)]
/// #[virtualizable]
/// struct Machine<'a> { sp: usize, #[frame_array] stack: &'a mut [Value; 1000] }
/// ```
#[proc_macro_derive(Layout, attributes(virtualizable, frame_array))]
pub fn derive_layout(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    jit::derive_layout(input).into()
}

/// Makes a small `Copy` struct of register values a register value itself: traced code keeps
/// it in consecutive registers (its fields in order), so helpers can take and return it and
/// `v.field` on a local reads a register. The struct must be `Copy` and its fields register
/// values (integers, `bool`, `f64`, references, `Gc<T>`, `Option`s and tuples of those).
///
/// Traced code also loads and stores it in memory (one access per word, so `let v = s[i];`
/// and `gc::alloc(S { .. })` work) when every field is spelled as a one-word type, or when
/// the struct says `#[reg_value(in_memory)]`: then each field's type must itself be loadable
/// (a one-word type or such a struct), which rustc checks.
#[proc_macro_derive(RegValue, attributes(reg_value))]
pub fn derive_reg_value(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    jit::derive_reg_value(input).into()
}
