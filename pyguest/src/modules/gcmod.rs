//! `_pggc`: the native part of the `gc` module (`pyguest/lib/gc.py`), backed by the
//! metatracer collector (`metatracer::gc`).
//!
//! `collect()` runs a full (major) collection, runs the finalizers it queued (`__del__`,
//! `close()` of abandoned generators: `finalize.rs`) followed by a second collection when
//! any ran, then calls the callbacks of weak references
//! whose targets died (see `native::weak`), and returns the number of weakly referenced
//! objects found dead plus the objects whose destructors or finalizers ran (CPython returns the number of
//! unreachable objects in cycles; with a tracing collector every dead object is "unreachable",
//! and only those two kinds are counted). `enable`/`disable`/`isenabled` keep a flag only:
//! collections cannot be switched off, since memory is managed by the collector alone.
//! `get_count()` gives (minor collections, major collections, 0) modulo the thresholds;
//! `get_stats()` one dict per "generation" with CPython's keys. `_heap_stats()` (pyguest's
//! own, a diagnostic) gives the collector's counters by name (`metatracer::gc::GcStats`).

use crate::interpreter::PyResult;
use crate::objects::ops::{self, index_of};
use crate::objects::*;
use crate::value::Value;
use crate::vm::{self, type_error};
use metatracer::gc::{self as mgc, Gc};

use std::cell::Cell;

thread_local! {
    static ENABLED: Cell<bool> = const { Cell::new(true) };
    static THRESHOLDS: Cell<(i64, i64, i64)> = const { Cell::new((700, 10, 10)) };
}

fn def(m: Gc<ModuleObj>, name: &'static str, f: NativeFn) {
    m.dict.set_str(name, new_builtin(name, f));
}

/// Zeroes 32 KiB of the stack below the current frame, so the collector's own frames (which
/// reuse that memory) do not carry stale object addresses left by earlier deep calls: the
/// conservative stack scan would otherwise keep those objects alive.
#[inline(never)]
fn scrub_stack() {
    let mut buf = [0usize; 4096];
    std::hint::black_box(&mut buf);
}

/// Clears the dead value-stack slots (above the stack top) of the frames on the current
/// call chain. Frame register arrays are traced whole, so a value popped long ago (the list
/// a loop iterated, an argument of an earlier call) would otherwise stay reachable until its
/// slot is reused, and `gc.collect()` could not free it.
///
/// The current frame's stack top is the end of this call's arguments when they are a slice of
/// its registers (the interpreter's CALL passes them that way); if not, the frame is left
/// alone. Frames further up the `back` chain made a Python-to-Python call, which stores their
/// stack top in `sp`, so everything from `sp` on is dead.
fn clear_dead_stack_slots(a: &Args) {
    let Some(f) = crate::interpreter::current_frame() else {
        return;
    };
    let word = std::mem::size_of::<Value>();
    let regs = f.regs;
    let (start, len) = (regs.as_slice().as_ptr() as usize, regs.len());
    let end = |s: &[Value]| s.as_ptr() as usize + std::mem::size_of_val(s);
    let args_end = end(a.pos).max(if a.kwvals.is_empty() {
        0
    } else {
        end(a.kwvals)
    });
    let fixed = |f: Gc<FrameObj>| {
        let d = &f.code.d;
        d.varnames.len() + d.cellvars.len() + d.freevars.len()
    };
    if args_end >= start && args_end <= start + len * word && (args_end - start) % word == 0 {
        let top = ((args_end - start) / word).max(fixed(f));
        for i in top..len {
            regs.set(i, Value::NULL);
        }
    }
    let mut back = f.back.get();
    while let Some(b) = back {
        let top = (b.sp.get() as usize).max(fixed(b));
        for i in top..b.regs.len() {
            b.regs.set(i, Value::NULL);
        }
        back = b.back.get();
    }
}

/// Full collection followed by weak-reference callbacks; the count described above.
pub fn collect_and_notify() -> PyResult<i64> {
    let before = mgc::stats();
    scrub_stack();
    mgc::collect();
    // `__del__` and abandoned generators' `close()` (`finalize.rs`); then the objects they
    // did not resurrect die in another collection, so weak references to them are cleared
    // by the time `gc.collect()` returns (CPython clears them right after `__del__`); that
    // collection may find more (objects a stale stack word kept alive the first time, or
    // garbage the finalizers made), so repeat while finalizers ran (at most 4 rounds).
    let mut finalized = 0;
    for round in 0..4 {
        let k = crate::modules::finalize::run_pending();
        finalized += k;
        if k == 0 || round == 3 {
            break;
        }
        scrub_stack();
        mgc::collect();
    }
    let after = mgc::stats();
    let mut n = (after.weak_cleared - before.weak_cleared) as i64
        + (after.objects_finalized - before.objects_finalized) as i64
        + finalized as i64;
    let weak = crate::import::load_module("_pgweak")?;
    let dead = ops::call(ops::getattr(weak, new_str("dead"))?, &[])?;
    if let Some(l) = as_list(dead) {
        let refs: Vec<Value> = l.as_slice().to_vec();
        // `refs` is on the Rust heap, but every element stays reachable from the list `dead`,
        // a local that conservative stack scanning keeps alive.
        for r in refs {
            let cb = ops::getattr_opt(r, new_str("__callback__"))?;
            if let Some(cb) = cb.filter(|c| !c.is_none()) {
                // CPython prints and ignores exceptions raised by callbacks.
                if let Err(e) = ops::call(cb, &[r]) {
                    let msg = ops::str_of(e.0).unwrap_or_default();
                    crate::vm::flush_stdout();
                    eprintln!(
                        "Exception ignored in: weakref callback\n{}: {msg}",
                        vm::type_name(e.0)
                    );
                }
            }
        }
        n = n.max(l.len() as i64);
    }
    Ok(n)
}

/// A no-op a debugger can break on: `_pggc._debug_refs` calls it with the object's address
/// after the scan, so `gdb -ex 'break pyguest_debug_refs_break'` can map the reported stack
/// addresses to the frames holding them (a frame spans from its `rsp` to its caller's).
#[inline(never)]
#[no_mangle]
pub extern "C" fn pyguest_debug_refs_break(addr: usize) {
    std::hint::black_box(addr);
}

/// The object a `_debug_refs`/`_debug_path` call asks about, after what `gc.collect()` clears
/// first has been cleared: `obj`, or with a second argument `deref`, `deref(obj)` when it is
/// callable (a native accessor such as `_pgweak.get`, so no Python frame of its own holds the
/// object) or `obj()` when it is true. `None` for a value that is not a heap object; the
/// flag says whether the object was fetched here (the caller's own copies of it then do not
/// count).
fn debug_target(a: &Args, name: &str) -> PyResult<(Option<Gc<u8>>, bool)> {
    let Some(&arg) = a.pos.first() else {
        return Err(type_error(format!(
            "{name}() takes exactly one argument (0 given)"
        )));
    };
    let (deref, v) = match a.pos.get(1) {
        Some(&d) if d.is_ptr() && d != Value::bool(true) && d != Value::bool(false) => {
            (true, ops::call(d, &[arg])?)
        }
        Some(&d) if ops::truthy(d)? => (true, ops::call(arg, &[])?),
        _ => (false, arg),
    };
    if !v.is_ptr() {
        return Ok((None, deref));
    }
    clear_dead_stack_slots(a);
    crate::interpreter::frame::clear_free_frames();
    // SAFETY: a pointer value is a live guest object; only its address is used.
    Ok((Some(unsafe { v.as_gc() }), deref))
}

/// A conservative root as `_debug_refs` and `_debug_path` report it: `('stack', bytes below
/// the stack top, address, word)`, `('pinned', word)` or `('identity',)`.
fn conservative_ref_value(r: mgc::ConservativeRef) -> Value {
    match r {
        mgc::ConservativeRef::Stack {
            address,
            below_top,
            word,
        } => new_tuple(&[
            new_str("stack"),
            new_int(below_top as i64),
            new_int(address as i64),
            new_int(word as i64),
        ]),
        mgc::ConservativeRef::Pinned { word } => {
            new_tuple(&[new_str("pinned"), new_int(word as i64)])
        }
        mgc::ConservativeRef::IdentityPin => new_tuple(&[new_str("identity")]),
    }
}

/// `_pggc._debug_refs(obj, deref=False)` (diagnostics, not CPython API): after a full
/// collection, the conservative roots that keep `obj` alive ([`conservative_ref_value`]; see
/// `metatracer::gc::debug_conservative_refs`). An empty list means something precise (a
/// root or another live object) refers to it. `deref` as in [`debug_target`]: with it, the
/// object never passes through the interpreter's frames on the way here (which would leave
/// fresh copies on the stack).
fn debug_refs(a: Args) -> PyResult<Value> {
    let (Some(g), _) = debug_target(&a, "_debug_refs")? else {
        return Ok(new_list_from(&[]));
    };
    mgc::collect();
    let refs = mgc::debug_conservative_refs(g);
    pyguest_debug_refs_break(g.addr());
    let out = new_list_cap(refs.len());
    for r in refs {
        out.push(conservative_ref_value(r));
    }
    Ok(Value::obj(out))
}

/// `_pggc._debug_path(obj, deref=False)` (diagnostics, not CPython API): after a full
/// collection, a shortest chain of references that keeps `obj` alive, precise ones included
/// (`metatracer::gc::debug_retention_path`): a list whose first item describes the root
/// ([`conservative_ref_value`], `('precise',)` or `('doomed',)`) and whose other items are
/// `(type name, address)` of each object from the root's to `obj`'s (a frame also gets its
/// code's name, `pc`, `sp` and `escaped`). `None` when nothing reaches it. `deref` as in
/// [`debug_target`] (native stack words pointing at the object itself are then left out: the
/// call's own copies of it).
fn debug_path(a: Args) -> PyResult<Value> {
    let (Some(g), deref) = debug_target(&a, "_debug_path")? else {
        return Ok(Value::NONE);
    };
    mgc::collect();
    let Some((root, chain)) = mgc::debug_retention_path(g, deref) else {
        return Ok(Value::NONE);
    };
    let out = new_list_cap(chain.len() + 1);
    out.push(match root {
        mgc::RetentionRoot::Conservative(r) => conservative_ref_value(r),
        mgc::RetentionRoot::Precise => new_tuple(&[new_str("precise")]),
        mgc::RetentionRoot::Doomed => new_tuple(&[new_str("doomed")]),
    });
    for s in chain {
        let mut t = vec![new_str(s.type_name), new_int(s.addr as i64)];
        if s.type_name.ends_with("::FrameObj") {
            // SAFETY: the collector named this object's type: a live frame.
            let f: Gc<crate::objects::frame::FrameObj> =
                unsafe { Gc::from_raw(s.addr as *const crate::objects::frame::FrameObj) };
            t.push(new_str(&format!(
                "{} pc={} sp={} escaped={}",
                f.code.d.name,
                f.pc.get(),
                f.sp.get(),
                f.escaped.get()
            )));
        }
        out.push(new_tuple(&t));
    }
    Ok(Value::obj(out))
}

/// The `_pggc` module.
pub fn make() -> Gc<ModuleObj> {
    let m = crate::import::new_module("_pggc", None);
    def(m, "collect", |a| {
        if let Some(&g) = a.pos.first() {
            let g = index_of(g)?;
            if !(0..=2).contains(&g) {
                return Err(crate::vm::value_error("invalid generation"));
            }
        }
        clear_dead_stack_slots(&a);
        crate::interpreter::frame::clear_free_frames();
        Ok(new_int(collect_and_notify()?))
    });
    def(m, "_debug_refs", debug_refs);
    // the collector's own counters (a diagnostic: `metatracer::gc::GcStats`)
    def(m, "_heap_stats", |_| {
        let s = mgc::stats();
        let d = new_dict();
        for (k, v) in [
            ("minor_collections", s.minor_collections),
            ("major_collections", s.major_collections),
            ("bytes_allocated", s.bytes_allocated),
            ("objects_allocated", s.objects_allocated),
            ("bytes_promoted", s.bytes_promoted),
            ("objects_pinned", s.objects_pinned),
            ("old_bytes", s.old_bytes),
            ("heap_bytes", s.heap_bytes),
            ("peak_heap_bytes", s.peak_heap_bytes),
        ] {
            d.set_str(k, new_int(v as i64));
        }
        Ok(Value::obj(d))
    });
    def(m, "_debug_path", debug_path);
    def(m, "enable", |_| {
        ENABLED.with(|e| e.set(true));
        Ok(Value::NONE)
    });
    def(m, "disable", |_| {
        ENABLED.with(|e| e.set(false));
        Ok(Value::NONE)
    });
    def(m, "isenabled", |_| {
        Ok(Value::bool(ENABLED.with(|e| e.get())))
    });
    def(m, "get_count", |_| {
        let s = mgc::stats();
        let (t0, t1, _) = THRESHOLDS.with(|t| t.get());
        Ok(new_tuple(&[
            new_int((s.minor_collections % t0.max(1) as u64) as i64),
            new_int((s.major_collections % t1.max(1) as u64) as i64),
            Value::small(0),
        ]))
    });
    def(m, "get_threshold", |_| {
        let (a, b, c) = THRESHOLDS.with(|t| t.get());
        Ok(new_tuple(&[new_int(a), new_int(b), new_int(c)]))
    });
    def(m, "set_threshold", |a| {
        let (_, mut t1, mut t2) = THRESHOLDS.with(|t| t.get());
        if a.pos.is_empty() {
            return Err(type_error(
                "set_threshold() takes at least 1 argument (0 given)",
            ));
        }
        let t0 = index_of(a.pos[0])?;
        if let Some(&v) = a.pos.get(1) {
            t1 = index_of(v)?;
        }
        if let Some(&v) = a.pos.get(2) {
            t2 = index_of(v)?;
        }
        THRESHOLDS.with(|t| t.set((t0, t1, t2)));
        Ok(Value::NONE)
    });
    def(m, "get_stats", |_| {
        let s = mgc::stats();
        let l = new_list_cap(3);
        for (i, n) in [s.minor_collections, s.major_collections, 0]
            .iter()
            .enumerate()
        {
            let d = new_dict();
            d.set_str("collections", new_int(*n as i64));
            d.set_str(
                "collected",
                new_int(if i == 1 { s.weak_cleared as i64 } else { 0 }),
            );
            d.set_str("uncollectable", Value::small(0));
            l.push(Value::obj(d));
        }
        Ok(Value::obj(l))
    });
    def(m, "is_tracked", |a| {
        let v = a.pos.first().copied().unwrap_or(Value::NONE);
        Ok(Value::bool(
            v.is_ptr() && vm::type_name(v) != "str" && vm::type_name(v) != "float",
        ))
    });
    def(m, "freeze", |_| Ok(Value::NONE));
    def(m, "unfreeze", |_| Ok(Value::NONE));
    def(m, "get_freeze_count", |_| Ok(Value::small(0)));
    m.dict.set_str("garbage", Value::obj(new_list_cap(0)));
    m.dict.set_str("callbacks", Value::obj(new_list_cap(0)));
    m.dict.set_str("DEBUG_STATS", Value::small(1));
    m.dict.set_str("DEBUG_COLLECTABLE", Value::small(2));
    m.dict.set_str("DEBUG_UNCOLLECTABLE", Value::small(4));
    m.dict.set_str("DEBUG_SAVEALL", Value::small(32));
    m.dict.set_str("DEBUG_LEAK", Value::small(38));
    m
}
