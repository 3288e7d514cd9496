//! `_pgweak`: weak references for the Python `weakref` module, over the collector's
//! `metatracer::gc::Weak`.
//!
//! The Python `weakref.ref` object keeps an integer handle into a per-thread table; each entry
//! holds a weak reference to the target and one to the Python ref object itself, so the table
//! keeps nothing alive and needs no rooting. A slot is reused only after its ref object was
//! collected (so a live ref's handle never comes to mean another target).
//!
//! Targets die only when the collector runs (no reference counting): `ref()` keeps answering
//! the object until a collection found it unreachable, and conservative stack scanning may
//! keep a recently used object alive a little longer. Callbacks run from `dead()`, which the
//! `gc.collect()` of `gcmod` and the `weakref` module call; they are not run at the moment of
//! an automatic collection.
//!
//! Functions: `new(target, refobj) -> handle` (TypeError for objects that cannot be weakly
//! referenced, as CPython), `get(handle) -> target or None`, `count(target)`, `refs(target)`,
//! `dead() -> [ref objects whose target died since the last call]`.

use crate::interpreter::PyResult;
use crate::objects::ops::index_of;
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::{self, type_error};
use metatracer::gc::{Gc, Weak};
use std::cell::RefCell;

/// Stand-in type for weakly referenced guest objects (never dereferenced).
struct Target;

struct Entry {
    target: Weak<Target>,
    refobj: Weak<Target>,
    /// The death of the target was already reported by `dead()`.
    reported: bool,
}

struct Table {
    entries: Vec<Option<Entry>>,
    free: Vec<usize>,
    swept_at: usize,
}

thread_local! {
    static TABLE: RefCell<Table> = const {
        RefCell::new(Table { entries: Vec::new(), free: Vec::new(), swept_at: 64 })
    };
}

/// Whether CPython allows weak references to objects of this kind.
fn weakrefable(v: Value) -> bool {
    matches!(
        v.kind(),
        Some(
            Kind::Instance
                | Kind::Function
                | Kind::Class
                | Kind::Set
                | Kind::FrozenSet
                | Kind::Generator
                | Kind::Module
                | Kind::BoundMethod
                | Kind::Builtin
                | Kind::Code
                | Kind::Property
        )
    )
}

fn weak_of(v: Value) -> Weak<Target> {
    // SAFETY: callers pass pointer values (checked by `weakrefable` or `is_ptr`), i.e. addresses
    // of live heap objects; the handle only seeds a weak reference and is never dereferenced.
    let g: Gc<Target> = unsafe { v.as_gc::<Target>() };
    Weak::new(g)
}

fn value_of(w: &Weak<Target>) -> Option<Value> {
    w.upgrade().map(Value::obj)
}

fn arg(a: &Args, i: usize) -> PyResult<Value> {
    a.pos
        .get(i)
        .copied()
        .ok_or_else(|| type_error("_pgweak: missing argument"))
}

fn def(m: Gc<ModuleObj>, name: &'static str, f: NativeFn) {
    m.dict.set_str(name, new_builtin(name, f));
}

/// Weak references to the ref objects of the live entries whose target is `target`
/// (weak, so the vector on the Rust heap needs no rooting).
fn refs_of(target: Value) -> Vec<Weak<Target>> {
    TABLE.with(|t| {
        let t = t.borrow();
        t.entries
            .iter()
            .flatten()
            .filter(|e| !e.refobj.is_cleared() && value_of(&e.target) == Some(target))
            .map(|e| e.refobj.clone())
            .collect()
    })
}

/// A list of the still-live objects behind `weaks` (a collection during the list building
/// drops the ones that died meanwhile; the others are updated by the collector).
fn list_of(weaks: &[Weak<Target>]) -> Value {
    let l = new_list_cap(weaks.len());
    for w in weaks {
        if let Some(v) = value_of(w) {
            l.push(v);
        }
    }
    Value::obj(l)
}

/// The `_pgweak` module.
pub fn make() -> Gc<ModuleObj> {
    let m = crate::import::new_module("_pgweak", None);
    def(m, "new", |a| {
        let target = arg(&a, 0)?;
        let refobj = arg(&a, 1)?;
        if !weakrefable(target) {
            return Err(type_error(format!(
                "cannot create weak reference to '{}' object",
                vm::type_name(target)
            )));
        }
        if !refobj.is_ptr() {
            return Err(type_error("_pgweak: the ref must be an object"));
        }
        let e = Some(Entry {
            target: weak_of(target),
            refobj: weak_of(refobj),
            reported: false,
        });
        let h = TABLE.with(|t| {
            let mut t = t.borrow_mut();
            let live = t.entries.len() - t.free.len();
            if live >= 2 * t.swept_at {
                for i in 0..t.entries.len() {
                    let dead = matches!(&t.entries[i], Some(e) if e.refobj.is_cleared());
                    if dead {
                        t.entries[i] = None;
                        t.free.push(i);
                    }
                }
                t.swept_at = (t.entries.len() - t.free.len()).max(64);
            }
            match t.free.pop() {
                Some(i) => {
                    t.entries[i] = e;
                    i
                }
                None => {
                    t.entries.push(e);
                    t.entries.len() - 1
                }
            }
        });
        Ok(new_int(h as i64))
    });
    def(m, "get", |a| {
        let i = index_of(arg(&a, 0)?)?;
        let v = TABLE.with(|t| {
            let t = t.borrow();
            match usize::try_from(i).ok().and_then(|i| t.entries.get(i)) {
                Some(Some(e)) => value_of(&e.target),
                _ => None,
            }
        });
        Ok(v.unwrap_or(Value::NONE))
    });
    def(m, "count", |a| {
        let target = arg(&a, 0)?;
        Ok(new_int(refs_of(target).len() as i64))
    });
    def(m, "refs", |a| {
        let target = arg(&a, 0)?;
        Ok(list_of(&refs_of(target)))
    });
    def(m, "dead", |_| {
        let mut out = Vec::new();
        TABLE.with(|t| {
            let mut t = t.borrow_mut();
            for e in t.entries.iter_mut().flatten() {
                if !e.reported && e.target.is_cleared() {
                    e.reported = true;
                    out.push(e.refobj.clone());
                }
            }
        });
        Ok(list_of(&out))
    });
    m
}
