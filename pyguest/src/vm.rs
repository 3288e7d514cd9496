//! Interpreter-wide state: built-in classes, interned names, hidden-class maps, the module
//! table, the handled-exception stack and recursion counters; plus helpers to raise errors.
//!
//! The state lives in a per-thread leaked [`Vm`] (the interpreter runs on one thread). Every GC
//! reference it holds is a [`Root`], so the collector sees them (rooting rule 3).

use crate::objects::*;
use crate::value::{Kind, Value};
use metatracer::gc::{self, Gc, GcCell, Root};
use std::cell::{Cell, RefCell};

macro_rules! classes {
    ($($id:ident = $name:literal;)*) => {
        /// Built-in classes, in creation order.
        #[derive(Clone, Copy, PartialEq, Eq, Debug)]
        #[allow(non_camel_case_types)]
        pub enum C { $($id,)* }
        pub const CLASS_NAMES: &[&str] = &[$($name,)*];
    };
}

classes! {
    object = "object"; type_ = "type"; int = "int"; bool_ = "bool"; float = "float";
    complex = "complex"; str = "str"; bytes = "bytes"; bytearray = "bytearray"; list = "list";
    tuple = "tuple"; dict = "dict"; set = "set"; frozenset = "frozenset"; range = "range";
    slice = "slice"; function = "function"; builtin = "builtin_function_or_method";
    method = "method"; code = "code"; module = "module"; cell = "cell"; generator = "generator";
    iterator = "iterator"; property = "property"; classmethod = "classmethod";
    staticmethod = "staticmethod"; super_ = "super"; none = "NoneType";
    notimpl = "NotImplementedType"; ellipsis = "ellipsis"; frame = "frame";
    dict_keys = "dict_keys"; dict_values = "dict_values"; dict_items = "dict_items";
    range_iterator = "range_iterator"; list_iterator = "list_iterator"; tuple_iterator = "tuple_iterator";
    str_iterator = "str_ascii_iterator"; dict_keyiterator = "dict_keyiterator";
    dict_valueiterator = "dict_valueiterator"; dict_itemiterator = "dict_itemiterator";
    set_iterator = "set_iterator"; enumerate = "enumerate"; zip = "zip"; map = "map"; filter = "filter";
    reversed = "reversed"; list_reverseiterator = "list_reverseiterator";
    callable_iterator = "callable_iterator"; bytes_iterator = "bytes_iterator";
    bytearray_iterator = "bytearray_iterator";
    coroutine = "coroutine"; async_generator = "async_generator";
    coroutine_wrapper = "coroutine_wrapper"; async_generator_asend = "async_generator_asend";
    async_generator_athrow = "async_generator_athrow"; anext_awaitable = "anext_awaitable";
    // exceptions
    BaseException = "BaseException"; Exception = "Exception"; ArithmeticError = "ArithmeticError";
    ZeroDivisionError = "ZeroDivisionError"; OverflowError = "OverflowError";
    LookupError = "LookupError"; IndexError = "IndexError"; KeyError = "KeyError";
    ValueError = "ValueError"; TypeError = "TypeError"; AttributeError = "AttributeError";
    NameError = "NameError"; UnboundLocalError = "UnboundLocalError"; RuntimeError = "RuntimeError";
    RecursionError = "RecursionError"; NotImplementedError = "NotImplementedError";
    StopIteration = "StopIteration"; GeneratorExit = "GeneratorExit";
    KeyboardInterrupt = "KeyboardInterrupt"; SystemExit = "SystemExit";
    AssertionError = "AssertionError"; ImportError = "ImportError";
    ModuleNotFoundError = "ModuleNotFoundError"; OSError = "OSError"; EOFError = "EOFError";
    MemoryError = "MemoryError"; SyntaxError = "SyntaxError"; UnicodeError = "UnicodeError";
    UnicodeDecodeError = "UnicodeDecodeError"; UnicodeEncodeError = "UnicodeEncodeError";
    FileNotFoundError = "FileNotFoundError"; StopAsyncIteration = "StopAsyncIteration";
    FloatingPointError = "FloatingPointError"; IndentationError = "IndentationError";
    Warning = "Warning"; UserWarning = "UserWarning"; DeprecationWarning = "DeprecationWarning";
    RuntimeWarning = "RuntimeWarning"; BufferError = "BufferError"; EnvironmentError = "EnvironmentError";
    PermissionError = "PermissionError"; TimeoutError = "TimeoutError";
    FileExistsError = "FileExistsError"; IsADirectoryError = "IsADirectoryError";
    NotADirectoryError = "NotADirectoryError"; InterruptedError = "InterruptedError";
    BlockingIOError = "BlockingIOError"; ChildProcessError = "ChildProcessError";
    ProcessLookupError = "ProcessLookupError"; ConnectionError = "ConnectionError";
    BrokenPipeError = "BrokenPipeError"; ConnectionAbortedError = "ConnectionAbortedError";
    ConnectionRefusedError = "ConnectionRefusedError"; ConnectionResetError = "ConnectionResetError";
    ReferenceError = "ReferenceError";
    // the rest of the warning categories (warnings module)
    SyntaxWarning = "SyntaxWarning"; FutureWarning = "FutureWarning";
    PendingDeprecationWarning = "PendingDeprecationWarning"; ImportWarning = "ImportWarning";
    UnicodeWarning = "UnicodeWarning"; BytesWarning = "BytesWarning";
    ResourceWarning = "ResourceWarning"; EncodingWarning = "EncodingWarning";
    // needed by CPython's pure-Python modules (stdlib fallback)
    SystemError = "SystemError"; TabError = "TabError";
    UnicodeTranslateError = "UnicodeTranslateError";
    // traceback objects (`objects/traceback.rs`; not a builtin name)
    traceback = "traceback";
}

/// (class, base) pairs of the exception hierarchy.
const EXC_BASES: &[(C, C)] = &[
    (C::BaseException, C::object),
    (C::Exception, C::BaseException),
    (C::ArithmeticError, C::Exception),
    (C::ZeroDivisionError, C::ArithmeticError),
    (C::OverflowError, C::ArithmeticError),
    (C::FloatingPointError, C::ArithmeticError),
    (C::LookupError, C::Exception),
    (C::IndexError, C::LookupError),
    (C::KeyError, C::LookupError),
    (C::ValueError, C::Exception),
    (C::UnicodeError, C::ValueError),
    (C::UnicodeDecodeError, C::UnicodeError),
    (C::UnicodeEncodeError, C::UnicodeError),
    (C::TypeError, C::Exception),
    (C::AttributeError, C::Exception),
    (C::NameError, C::Exception),
    (C::UnboundLocalError, C::NameError),
    (C::RuntimeError, C::Exception),
    (C::RecursionError, C::RuntimeError),
    (C::NotImplementedError, C::RuntimeError),
    (C::StopIteration, C::Exception),
    (C::StopAsyncIteration, C::Exception),
    (C::GeneratorExit, C::BaseException),
    (C::KeyboardInterrupt, C::BaseException),
    (C::SystemExit, C::BaseException),
    (C::AssertionError, C::Exception),
    (C::ImportError, C::Exception),
    (C::ModuleNotFoundError, C::ImportError),
    (C::OSError, C::Exception),
    (C::EnvironmentError, C::OSError),
    (C::FileNotFoundError, C::OSError),
    (C::PermissionError, C::OSError),
    (C::TimeoutError, C::OSError),
    (C::FileExistsError, C::OSError),
    (C::IsADirectoryError, C::OSError),
    (C::NotADirectoryError, C::OSError),
    (C::InterruptedError, C::OSError),
    (C::BlockingIOError, C::OSError),
    (C::ChildProcessError, C::OSError),
    (C::ProcessLookupError, C::OSError),
    (C::ConnectionError, C::OSError),
    (C::BrokenPipeError, C::ConnectionError),
    (C::ConnectionAbortedError, C::ConnectionError),
    (C::ConnectionRefusedError, C::ConnectionError),
    (C::ConnectionResetError, C::ConnectionError),
    (C::ReferenceError, C::Exception),
    (C::EOFError, C::Exception),
    (C::MemoryError, C::Exception),
    (C::BufferError, C::Exception),
    (C::SyntaxError, C::Exception),
    (C::IndentationError, C::SyntaxError),
    (C::Warning, C::Exception),
    (C::UserWarning, C::Warning),
    (C::DeprecationWarning, C::Warning),
    (C::RuntimeWarning, C::Warning),
    (C::SyntaxWarning, C::Warning),
    (C::FutureWarning, C::Warning),
    (C::PendingDeprecationWarning, C::Warning),
    (C::ImportWarning, C::Warning),
    (C::UnicodeWarning, C::Warning),
    (C::BytesWarning, C::Warning),
    (C::ResourceWarning, C::Warning),
    (C::EncodingWarning, C::Warning),
    (C::SystemError, C::Exception),
    (C::TabError, C::IndentationError),
    (C::UnicodeTranslateError, C::UnicodeError),
];

/// One hidden class: attribute names (symbol ids) in slot order, plus transitions.
pub struct MapData {
    pub names: Vec<u32>,
    pub transitions: Vec<(u32, u32)>,
}

pub struct Vm {
    pub classes: Vec<Root<ClassObj>>,
    pub builtins: Root<DictObj>,
    pub modules: Root<DictObj>,
    /// Name -> symbol id (FxHash: interning is on the path of every dunder lookup by name).
    interned: RefCell<rustc_hash::FxHashMap<Box<str>, u32>>,
    syms: Root<ListObj>,
    pub maps: RefCell<Vec<MapData>>,
    /// Exceptions currently being handled (innermost last).
    pub handled: Root<ListObj>,
    pub recursion_limit: Cell<usize>,
    /// Bumped whenever a class namespace changes (invalidates method caches).
    pub class_epoch: Cell<u64>,
    /// The same epoch as traces see it (see [`EpochObj`]).
    pub jit_epoch: Root<EpochObj>,
    /// Python call depth (in [`Vm::exec`], where traced code reaches it).
    pub depth: Depth,
    /// The executing frame and the call depth ([`crate::interpreter::frame::ExecState`]).
    pub exec: Root<crate::interpreter::frame::ExecState>,
    /// Nesting of the Rust-level interpreter loop (builtins calling back into Python).
    pub reentry: Cell<usize>,
    pub sys_path: Root<ListObj>,
    pub argv: Root<ListObj>,
    /// `sys.stdout` replacement object, or NULL for the real stdout.
    pub stdout: Root<CellObj>,
    pub out: RefCell<std::io::BufWriter<std::io::Stdout>>,
}

/// The call depth, stored in the thread's `ExecState` (`get`/`set` as on a `Cell`).
pub struct Depth(Root<crate::interpreter::frame::ExecState>);

impl Depth {
    #[inline(always)]
    pub fn get(&self) -> usize {
        self.0.get().depth.get()
    }
    #[inline(always)]
    pub fn set(&self, d: usize) {
        self.0.get().depth.set(d)
    }
}

thread_local! {
    static VM: Cell<*const Vm> = const { Cell::new(std::ptr::null()) };
}

/// The class epoch for traces: a quasi-immutable copy of [`Vm::class_epoch`], so a method
/// looked up while tracing is a constant of the trace and a class change invalidates the
/// traces that used one. A program that keeps changing classes while traces depend on them
/// would throw its traces away each time: after [`EPOCH_INVALIDATION_LIMIT`] such changes
/// the epoch becomes [`EPOCH_UNSTABLE`] for good, and traces look methods up the general way.
#[repr(C)]
#[derive(metatracer::Trace, metatracer::Layout)]
pub struct EpochObj {
    pub epoch: metatracer::QuasiImmut<u64>,
    invalidations: Cell<u32>,
}

/// The [`EpochObj`] value that says "do not fold method lookups".
pub const EPOCH_UNSTABLE: u64 = u64::MAX;
/// How many class changes may invalidate traces before the epoch turns unstable.
pub const EPOCH_INVALIDATION_LIMIT: u32 = 50;

/// A class namespace changed: method caches (the interpreter's and the traces') are stale.
pub fn bump_class_epoch() {
    let v = vm();
    v.class_epoch.set(v.class_epoch.get() + 1);
    let e = v.jit_epoch.get();
    let cur = e.epoch.get();
    if cur == EPOCH_UNSTABLE {
        return;
    }
    if e.epoch.is_watched() {
        e.invalidations.set(e.invalidations.get() + 1);
        if e.invalidations.get() >= EPOCH_INVALIDATION_LIMIT {
            e.epoch.set(EPOCH_UNSTABLE);
            return;
        }
    }
    e.epoch.set(cur + 1);
}

/// The interpreter state of this thread.
#[inline(always)]
pub fn vm() -> &'static Vm {
    // SAFETY: set once by `init` to a leaked `Vm` before any interpreter code runs; never freed.
    VM.with(|v| unsafe { &*v.get() })
}

#[inline]
pub fn cls(c: C) -> Gc<ClassObj> {
    vm().classes[c as usize].get()
}

#[inline]
pub fn cls_v(c: C) -> Value {
    Value::obj(cls(c))
}

fn make_class(name: &str, base: Option<Gc<ClassObj>>, flags: u32) -> Gc<ClassObj> {
    let bases = match base {
        Some(b) => new_tuple(&[Value::obj(b)]),
        None => new_tuple(&[]),
    };
    let c = gc::alloc(ClassObj {
        kind: Kind::Class,
        base_kind: Cell::new(0),
        flags: Cell::new(flags | CF_BUILTIN),
        name: GcCell::new(new_str(name)),
        bases: GcCell::new(bases),
        mro: GcCell::new(Value::NONE),
        dict: new_dict(),
        metaclass: GcCell::new(Value::NULL),
        version: Cell::new(0),
        init_cache: GcCell::new(Value::NULL),
        init_epoch: Cell::new(0),
        nslots_hint: Cell::new(0),
    });
    let mut mro = vec![Value::obj(c)];
    if let Some(b) = base {
        let bm = b.mro.get();
        mro.extend_from_slice(as_tuple(bm).unwrap().as_slice());
    }
    c.mro.set(new_tuple(&mro));
    c
}

/// Creates the interpreter state for this thread.
pub fn init() {
    let empty_list = || Root::new(new_list_cap(0));
    let exec = gc::alloc(crate::interpreter::frame::ExecState {
        frame: GcCell::new(None),
        depth: Cell::new(0),
        limit: Cell::new(1000),
    });
    let v = Box::new(Vm {
        classes: Vec::new(),
        builtins: Root::new(new_dict()),
        modules: Root::new(new_dict()),
        interned: RefCell::new(rustc_hash::FxHashMap::default()),
        syms: empty_list(),
        maps: RefCell::new(vec![MapData {
            names: Vec::new(),
            transitions: Vec::new(),
        }]),
        handled: empty_list(),
        recursion_limit: Cell::new(1000),
        class_epoch: Cell::new(0),
        jit_epoch: Root::new(gc::alloc(EpochObj {
            epoch: metatracer::QuasiImmut::new(0),
            invalidations: Cell::new(0),
        })),
        depth: Depth(Root::new(exec)),
        exec: Root::new(exec),
        reentry: Cell::new(0),
        sys_path: empty_list(),
        argv: empty_list(),
        stdout: Root::new(gc::alloc(CellObj {
            kind: Kind::Cell,
            v: GcCell::new(Value::NULL),
        })),
        out: RefCell::new(std::io::BufWriter::with_capacity(
            1 << 16,
            std::io::stdout(),
        )),
    });
    let p = Box::leak(v) as *mut Vm;
    VM.with(|c| c.set(p));
    // symbol 0 is reserved
    vm().syms.get().push(Value::NONE);
    // SAFETY: `p` is the leaked Vm; nothing else borrows `classes` during initialization.
    let vmm = unsafe { &mut *p };
    let object = make_class("object", None, 0);
    vmm.classes.push(Root::new(object));
    for (i, name) in CLASS_NAMES.iter().enumerate().skip(1) {
        let c_id: C = class_id(i);
        let base = EXC_BASES
            .iter()
            .find(|(c, _)| *c == c_id)
            .map(|(_, b)| vmm.classes[*b as usize].get())
            .or(Some(object));
        let base = if c_id == C::bool_ {
            Some(vmm.classes[C::int as usize].get())
        } else if (c_id as usize) >= C::range_iterator as usize
            && (c_id as usize) <= C::bytearray_iterator as usize
            && !ITERATOR_CLASSES.contains(&c_id)
        {
            Some(vmm.classes[C::iterator as usize].get())
        } else {
            base
        };
        let flags = if EXC_BASES.iter().any(|(c, _)| *c == c_id) {
            CF_EXCEPTION
        } else {
            0
        };
        vmm.classes.push(Root::new(make_class(name, base, flags)));
    }
    for (i, name) in CLASS_NAMES.iter().enumerate() {
        let c = vmm.classes[i].get();
        c.dict.set_str("__module__", new_str("builtins"));
        vm().builtins.get().set_str(name, Value::obj(c));
    }
    // `traceback` is `types.TracebackType`, no builtin (the name is the module's)
    let _ = vm().builtins.get().remove(new_str("traceback"));
    // the builtins namespace names its module, as CPython's does: a class body run by
    // `exec(src, {})` finds `__name__` there (its `__module__` is then 'builtins')
    vm().builtins.get().set_str("__name__", new_str("builtins"));
    // `IOError` is another name of `OSError` (as in CPython)
    vm().builtins.get().set_str(
        "IOError",
        Value::obj(vmm.classes[C::OSError as usize].get()),
    );
    // base kinds
    let set_kind = |c: C, k: Kind| cls(c).base_kind.set(k as u8);
    set_kind(C::list, Kind::List);
    set_kind(C::dict, Kind::Dict);
    set_kind(C::set, Kind::Set);
    set_kind(C::frozenset, Kind::FrozenSet);
    set_kind(C::tuple, Kind::Tuple);
    set_kind(C::str, Kind::Str);
    set_kind(C::int, Kind::BigInt);
    set_kind(C::float, Kind::Float);
    set_kind(C::bytes, Kind::Bytes);
    set_kind(C::bytearray, Kind::ByteArray);
    // (subclasses of `enumerate`, ... carry the iterator as their payload)
    for c in ITERATOR_CLASSES {
        set_kind(c, Kind::Iter);
    }
}

/// The iterator types that are also constructors (`enumerate(xs)`): as in CPython, direct
/// subclasses of `object` with their own `__iter__`/`__next__` (`objects/iter.rs`), not of
/// pyguest's internal `iterator` class the other built-in iterator types share.
pub const ITERATOR_CLASSES: [C; 5] = [C::enumerate, C::zip, C::map, C::filter, C::reversed];

pub(crate) fn class_id(i: usize) -> C {
    assert!(i < CLASS_NAMES.len());
    // SAFETY: `C` is a fieldless enum numbered 0..CLASS_NAMES.len(), checked above.
    unsafe { std::mem::transmute::<u8, C>(i as u8) }
}

/// The class of any value.
#[inline]
pub fn type_of(v: Value) -> Gc<ClassObj> {
    if v.is_int() {
        return cls(C::int);
    }
    match v.kind() {
        None => match v {
            Value::NONE => cls(C::none),
            Value::TRUE | Value::FALSE => cls(C::bool_),
            Value::NOT_IMPLEMENTED => cls(C::notimpl),
            _ => cls(C::ellipsis),
        },
        Some(k) => match k {
            Kind::Instance => as_instance(v).unwrap().cls.get(),
            Kind::Str => cls(C::str),
            Kind::Float => cls(C::float),
            Kind::BigInt => cls(C::int),
            Kind::List => cls(C::list),
            Kind::Tuple => cls(C::tuple),
            Kind::Dict => cls(C::dict),
            Kind::Set => cls(C::set),
            Kind::FrozenSet => cls(C::frozenset),
            Kind::Bytes => cls(C::bytes),
            Kind::ByteArray => cls(C::bytearray),
            Kind::Range => cls(C::range),
            Kind::Slice => cls(C::slice),
            Kind::Function => cls(C::function),
            Kind::Builtin => cls(C::builtin),
            Kind::BoundMethod => cls(C::method),
            Kind::Code => cls(C::code),
            Kind::Class => {
                let c = as_class(v).unwrap();
                let m = c.metaclass.get();
                if m.is_null() {
                    cls(C::type_)
                } else {
                    as_class(m).unwrap()
                }
            }
            Kind::Module => cls(C::module),
            Kind::Cell => cls(C::cell),
            Kind::Generator => {
                cls(crate::objects::coroutine::flavor(as_generator(v).unwrap()).class())
            }
            Kind::Iter => {
                let it = as_iter(v).unwrap();
                let view = it.n.get() < 0;
                cls(match it.sub {
                    IterKind::DictKeys if view => C::dict_keys,
                    IterKind::DictValues if view => C::dict_values,
                    IterKind::DictItems if view => C::dict_items,
                    IterKind::DictKeys => C::dict_keyiterator,
                    IterKind::DictValues => C::dict_valueiterator,
                    IterKind::DictItems => C::dict_itemiterator,
                    IterKind::Seq if it.a.get().is_kind(Kind::Tuple) => C::tuple_iterator,
                    IterKind::Seq => C::list_iterator,
                    IterKind::Range => C::range_iterator,
                    IterKind::Str => C::str_iterator,
                    IterKind::Set => C::set_iterator,
                    IterKind::Enumerate => C::enumerate,
                    IterKind::Zip => C::zip,
                    IterKind::Map => C::map,
                    IterKind::Filter => C::filter,
                    IterKind::Reversed if it.a.get().is_kind(Kind::List) => C::list_reverseiterator,
                    IterKind::Reversed => C::reversed,
                    IterKind::Callable => C::callable_iterator,
                    IterKind::Bytes if it.a.get().is_kind(Kind::ByteArray) => C::bytearray_iterator,
                    IterKind::Bytes => C::bytes_iterator,
                    IterKind::GetItem => C::iterator,
                    IterKind::CoroWait
                    | IterKind::ASend
                    | IterKind::AThrow
                    | IterKind::ANextDefault => crate::objects::coroutine::await_iter_class(it.sub),
                })
            }
            Kind::Property => cls(C::property),
            Kind::ClassMethod => cls(C::classmethod),
            Kind::StaticMethod => cls(C::staticmethod),
            Kind::Super => cls(C::super_),
            Kind::Frame => cls(C::frame),
            Kind::Complex => cls(C::complex),
            Kind::SurrStr => cls(C::str),
        },
    }
}

pub fn type_name(v: Value) -> String {
    class_name(type_of(v))
}

pub fn class_name(c: Gc<ClassObj>) -> String {
    as_str(c.name.get())
        .map(|s| s.s.to_string())
        .unwrap_or_default()
}

/// Whether class `c` has `base` in its MRO.
pub fn is_subclass(c: Gc<ClassObj>, base: Gc<ClassObj>) -> bool {
    if Gc::ptr_eq(c, base) {
        return true;
    }
    let mro = c.mro.get();
    as_tuple(mro)
        .map(|t| t.as_slice().iter().any(|&m| m == Value::obj(base)))
        .unwrap_or(false)
}

pub fn isinstance_c(v: Value, c: C) -> bool {
    is_subclass(type_of(v), cls(c))
}

// ---------------------------------------------------------------- interning

/// The interned string for `s` (one object per distinct name).
pub fn intern(s: &str) -> Value {
    let vm = vm();
    if let Some(&id) = vm.interned.borrow().get(s) {
        return vm.syms.get().get(id as usize);
    }
    let v = new_str(s);
    intern_value(v)
}

/// Interns an existing string object (returns the canonical one).
pub fn intern_value(v: Value) -> Value {
    let so = as_str(v).expect("intern_value on non-str");
    if so.sym.get() != 0 {
        return v;
    }
    let vm = vm();
    if let Some(&id) = vm.interned.borrow().get(&*so.s) {
        return vm.syms.get().get(id as usize);
    }
    let id = vm.syms.get().len() as u32;
    vm.syms.get().push(v);
    so.sym.set(id);
    vm.interned.borrow_mut().insert(Box::from(&*so.s), id);
    v
}

/// Symbol id of an interned string value (interning it if needed).
#[inline]
pub fn sym_of(v: Value) -> u32 {
    let so = as_str(v).expect("sym_of on non-str");
    let s = so.sym.get();
    if s != 0 {
        return s;
    }
    let canon = intern_value(v);
    as_str(canon).unwrap().sym.get()
}

pub fn sym_str(sym: u32) -> Value {
    vm().syms.get().get(sym as usize)
}

// ---------------------------------------------------------------- maps

/// Slot of `sym` in map `m`.
#[inline]
pub fn map_lookup(m: u32, sym: u32) -> Option<usize> {
    let maps = vm().maps.borrow();
    // `ops::DICT_MAP` (an instance in dict mode) is no index: no slots
    maps.get(m as usize)?.names.iter().position(|&n| n == sym)
}

/// The map reached from `m` by adding `sym`.
pub fn map_add(m: u32, sym: u32) -> u32 {
    let mut maps = vm().maps.borrow_mut();
    if let Some(&(_, t)) = maps[m as usize].transitions.iter().find(|(s, _)| *s == sym) {
        return t;
    }
    let mut names = maps[m as usize].names.clone();
    names.push(sym);
    let id = maps.len() as u32;
    maps.push(MapData {
        names,
        transitions: Vec::new(),
    });
    maps[m as usize].transitions.push((sym, id));
    id
}

/// Number of attributes of map `m`.
#[inline]
pub fn map_len(m: u32) -> usize {
    vm().maps.borrow()[m as usize].names.len()
}

/// Attribute names of map `m`, in slot order.
pub fn map_names(m: u32) -> Vec<u32> {
    vm().maps.borrow()[m as usize].names.clone()
}

/// Map without `sym` (rebuilds from the root; used by `del obj.attr`).
pub fn map_without(m: u32, sym: u32) -> (u32, Vec<usize>) {
    let names = map_names(m);
    let mut nm = 0;
    let mut keep = Vec::new();
    for (i, &n) in names.iter().enumerate() {
        if n != sym {
            nm = map_add(nm, n);
            keep.push(i);
        }
    }
    (nm, keep)
}

// ---------------------------------------------------------------- errors

/// A new exception instance of class `c` with `args`.
pub fn new_exception(c: Gc<ClassObj>, args: &[Value]) -> Value {
    let inst = gc::alloc(InstanceObj {
        kind: Kind::Instance,
        map: Cell::new(0),
        cls: GcCell::new(c),
        slots: GcCell::new(empty_array()),
        base: GcCell::new(Value::NULL),
        ident: Cell::new(0),
    });
    let v = Value::obj(inst);
    crate::objects::ops::instance_set(inst, intern("args"), new_tuple(args));
    v
}

/// A raised Python exception (the exception instance). Defined here, below the object model
/// and the interpreter, because both raise it; `interpreter` re-exports it.
#[derive(Clone, Copy, Debug, metatracer::RegValue)]
pub struct PyErr(pub Value);

pub type PyResult<T> = Result<T, PyErr>;

pub fn exc(c: C, msg: impl AsRef<str>) -> PyErr {
    PyErr(new_exception(cls(c), &[new_str(msg.as_ref())]))
}

pub fn type_error(msg: impl AsRef<str>) -> PyErr {
    exc(C::TypeError, msg)
}
pub fn value_error(msg: impl AsRef<str>) -> PyErr {
    exc(C::ValueError, msg)
}
pub fn index_error(msg: impl AsRef<str>) -> PyErr {
    exc(C::IndexError, msg)
}
pub fn attr_error(msg: impl AsRef<str>) -> PyErr {
    exc(C::AttributeError, msg)
}
pub fn key_error(k: Value) -> PyErr {
    PyErr(new_exception(cls(C::KeyError), &[k]))
}
pub fn zero_div(msg: &str) -> PyErr {
    exc(C::ZeroDivisionError, msg)
}
pub fn overflow(msg: &str) -> PyErr {
    exc(C::OverflowError, msg)
}
pub fn runtime_error(msg: impl AsRef<str>) -> PyErr {
    exc(C::RuntimeError, msg)
}
pub fn name_error(name: &str) -> PyErr {
    exc(C::NameError, format!("name '{name}' is not defined"))
}
pub fn stop_iteration(v: Value) -> PyErr {
    if v.is_none() {
        PyErr(new_exception(cls(C::StopIteration), &[]))
    } else {
        PyErr(new_exception(cls(C::StopIteration), &[v]))
    }
}

/// Whether the exception value is an instance of built-in class `c`.
pub fn exc_matches(e: &PyErr, c: C) -> bool {
    isinstance_c(e.0, c)
}

/// `-u`: flush the program's stdout after every write.
pub static UNBUFFERED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Writes to the program's stdout (through `sys.stdout` when replaced).
pub fn write_stdout(s: &str) -> PyResult<()> {
    if let Some(repl) = crate::modules::stdout_target() {
        let m = crate::objects::ops::getattr(repl, intern("write"))?;
        crate::objects::ops::call(m, &[new_str(s)])?;
        return Ok(());
    }
    if crate::modules::stdio::STDOUT_CLOSED.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(crate::modules::stdio::closed_error());
    }
    use std::io::Write;
    let mut o = vm().out.borrow_mut();
    let _ = o.write_all(s.as_bytes());
    if UNBUFFERED.load(std::sync::atomic::Ordering::Relaxed) {
        let _ = o.flush();
    }
    Ok(())
}

pub fn flush_stdout() {
    use std::io::Write;
    let _ = vm().out.borrow_mut().flush();
}

/// Runs the handlers of pending signals at a point where the interpreter may raise (a
/// Python call, a backward jump, a slice of `time.sleep`): one atomic load when none is
/// pending. "A signal was recorded and its Python handler has not run yet" is the JIT's
/// interrupt flag (`metatracer::interrupt`, set by the OS handler in `modules/signal.rs`,
/// which records which signal), so compiled loops leave for the interpreter when it is set.
/// The signal module's runner is found through [`SIGNAL_RUNNER`], so the interpreter does not
/// depend on `modules/`.
#[inline]
pub fn poll_signals() -> PyResult<()> {
    if metatracer::interrupt::pending() {
        // (no runner: nothing handles signals; clear the flag, or the JIT would stay off)
        (SIGNAL_RUNNER.get().copied().unwrap_or(|| {
            metatracer::interrupt::take();
            Ok(())
        }))()
    } else {
        Ok(())
    }
}

/// The function that runs pending signal handlers (`modules::signal::run_pending`), set at
/// start-up.
pub static SIGNAL_RUNNER: std::sync::OnceLock<fn() -> PyResult<()>> = std::sync::OnceLock::new();
