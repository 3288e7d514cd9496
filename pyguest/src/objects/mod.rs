//! Heap object layouts for every built-in Python type, and their constructors/downcasts.
//!
//! Every struct is `#[repr(C)]` with `kind: Kind` first, so [`Value::kind`] can read the tag
//! through any object pointer. All references live in GC memory (`GcCell`, `Array`); Rust-heap
//! data inside objects (`Box<str>`, `Vec<u8>`, table metadata) holds no references and is
//! marked `#[gc(no_trace)]` when its type has no `Trace` impl.
//!
//! Instances of Python classes keep their attributes in a slot array laid out by a *map*
//! (hidden class, see `vm.rs`): `InstanceObj::map` names the layout, so a future trace can
//! promote the map and read a fixed slot.

pub mod bytes;
pub mod class;
pub mod dict;
pub mod format;
pub mod iter;
pub mod list;
pub mod misc;
pub mod native;
pub mod number;
pub mod object;
pub mod ops;
pub mod set;
pub mod sig;
pub mod sstr;
pub mod string;
pub mod table;
pub mod unicode_case;

use crate::value::{Kind, Value};
use metatracer::gc::{self, Array, Gc, GcCell};
use metatracer::Trace;
use num_bigint::BigInt;
use std::cell::{Cell, UnsafeCell};

#[repr(C)]
#[derive(Trace)]
pub struct StrObj {
    pub kind: Kind,
    pub ascii: bool,
    /// Interned symbol id (0: not interned).
    pub sym: Cell<u32>,
    pub hash: Cell<i64>,
    pub nchars: usize,
    #[gc(no_trace)]
    pub s: crate::objects::sstr::SmallStr,
}

#[repr(C)]
#[derive(Trace, metatracer::Layout)]
pub struct FloatObj {
    pub kind: Kind,
    pub v: f64,
}

#[repr(C)]
#[derive(Trace)]
pub struct ComplexObj {
    pub kind: Kind,
    pub re: f64,
    pub im: f64,
}

#[repr(C)]
#[derive(Trace)]
pub struct BigIntObj {
    pub kind: Kind,
    #[gc(no_trace)]
    pub v: BigInt,
}

#[repr(C)]
#[derive(Trace, metatracer::Layout)]
pub struct ListObj {
    pub kind: Kind,
    pub len: Cell<usize>,
    pub items: GcCell<Gc<Array<Value>>>,
}

#[repr(C)]
#[derive(Trace)]
pub struct TupleObj {
    pub kind: Kind,
    pub items: Gc<Array<Value>>,
}

/// Index metadata of an insertion-ordered dict (no references: keys/values are GC arrays).
#[derive(Default)]
pub struct DictTable {
    /// Hash of each entry (same order as the key/value arrays).
    pub hashes: Vec<i64>,
    /// Open-addressing index: entry number, or `EMPTY` / `DELETED`.
    pub index: Vec<u32>,
    /// Entries used in the arrays (live + deleted).
    pub used: usize,
    /// Live entries.
    pub live: usize,
}

#[repr(C)]
#[derive(Trace, metatracer::Layout)]
pub struct DictObj {
    pub kind: Kind,
    pub keys: GcCell<Gc<Array<Value>>>,
    pub vals: GcCell<Gc<Array<Value>>>,
    /// Bumped whenever a key is added or removed or the entry arrays are replaced (not when
    /// a value changes): while it holds, every key stays at its entry index. Quasi-immutable,
    /// so a trace that read a global through a constant index depends on it
    /// (`interpreter/opcodes.rs` `load_global`).
    pub shape: metatracer::QuasiImmut<u64>,
    #[gc(no_trace)]
    pub t: UnsafeCell<DictTable>,
}

/// Slot metadata of a set table, laid out like CPython's so iteration order matches.
#[derive(Default)]
pub struct SetTable {
    pub hashes: Vec<i64>,
    pub fill: usize,
    pub used: usize,
    pub mask: usize,
}

#[repr(C)]
#[derive(Trace)]
pub struct SetObj {
    pub kind: Kind,
    pub slots: GcCell<Gc<Array<Value>>>,
    #[gc(no_trace)]
    pub t: UnsafeCell<SetTable>,
}

#[repr(C)]
#[derive(Trace)]
pub struct BytesObj {
    pub kind: Kind,
    #[gc(no_trace)]
    pub v: UnsafeCell<Vec<u8>>,
}

#[repr(C)]
#[derive(Trace)]
pub struct RangeObj {
    pub kind: Kind,
    pub start: i64,
    pub stop: i64,
    pub step: i64,
}

#[repr(C)]
#[derive(Trace)]
pub struct SliceObj {
    pub kind: Kind,
    pub start: Value,
    pub stop: Value,
    pub step: Value,
}

/// One exception-table entry: instructions in `start..end` jump to `handler` with the value
/// stack cut to `depth` (then the exception pushed).
#[derive(Clone, Copy, Debug)]
pub struct ExcEntry {
    pub start: u32,
    pub end: u32,
    pub handler: u32,
    pub depth: u32,
}

pub const CO_VARARGS: u32 = 1;
pub const CO_VARKW: u32 = 2;
pub const CO_GENERATOR: u32 = 4;
/// Names are resolved through a namespace dict (module and class bodies).
pub const CO_NAMESPACE: u32 = 8;

/// The compiled, reference-free part of a code object.
pub struct CodeData {
    pub name: String,
    pub qualname: String,
    pub filename: std::rc::Rc<str>,
    /// Instructions: opcode in the low 8 bits, argument in the high 24 (see `compiler/bytecode.rs`).
    pub code: Vec<u32>,
    /// Source line of each instruction.
    pub lines: Vec<u32>,
    pub firstline: u32,
    /// Docstring of a function body, if any.
    pub doc: Option<String>,
    pub argcount: u32,
    pub posonly: u32,
    pub kwonly: u32,
    pub flags: u32,
    /// Local variable names: parameters first, then other locals.
    pub varnames: Vec<String>,
    /// Variables captured by inner functions (stored in cells).
    pub cellvars: Vec<String>,
    /// Variables captured from enclosing functions.
    pub freevars: Vec<String>,
    /// For each cellvar that is also a parameter, its parameter index.
    pub cell_args: Vec<Option<u32>>,
    pub stacksize: u32,
    pub exc_table: Vec<ExcEntry>,
}

#[repr(C)]
#[derive(Trace, metatracer::Layout)]
pub struct CodeObj {
    pub kind: Kind,
    pub consts: Gc<Array<Value>>,
    /// Interned name strings used by name/attribute opcodes.
    pub names: Gc<Array<Value>>,
    /// Per-instruction inline-cache words (attribute maps and slots), see `interpreter/opcodes.rs`.
    #[gc(no_trace)]
    pub cache: Box<[Cell<u64>]>,
    /// Recycled frames of this code (a list), or NULL.
    pub free_frames: GcCell<Value>,
    /// Method caches of LOAD_METHOD sites: 3 slots each (class, method, epoch/map key);
    /// `cache[pc]` of such a site holds its slot index + 1.
    pub icache: Gc<Array<Value>>,
    #[gc(no_trace)]
    pub d: Box<CodeData>,
}

impl FrameObj {
    #[inline(always)]
    pub fn globals(&self) -> Gc<DictObj> {
        self.globals_c.get()
    }
    #[inline(always)]
    pub fn ns(&self) -> Value {
        self.ns_c.get()
    }
    #[inline(always)]
    pub fn func(&self) -> Value {
        self.func_c.get()
    }
}

#[repr(C)]
#[derive(Trace)]
pub struct FunctionObj {
    pub kind: Kind,
    pub code: Gc<CodeObj>,
    pub globals: Gc<DictObj>,
    pub defaults: GcCell<Value>,
    pub kwdefaults: GcCell<Value>,
    pub closure: Value,
    pub name: GcCell<Value>,
    pub qualname: GcCell<Value>,
    pub dict: GcCell<Value>,
    pub doc: GcCell<Value>,
}

/// Arguments of a native function: positional values, then keyword values named by `kwnames`.
#[derive(Clone, Copy)]
pub struct Args<'a> {
    pub pos: &'a [Value],
    pub kwnames: &'a [Value],
    pub kwvals: &'a [Value],
}

pub type NativeFn = fn(Args) -> crate::interpreter::PyResult<Value>;

#[repr(C)]
#[derive(Trace)]
pub struct BuiltinObj {
    pub kind: Kind,
    pub name: &'static str,
    #[gc(no_trace)]
    pub f: NativeFn,
    /// Bound receiver (module functions carry NULL).
    pub bound: Value,
    /// The arguments `f` accepts, checked before every call (`sig::UNCHECKED` for
    /// functions that check for themselves).
    #[gc(no_trace)]
    pub sig: &'static sig::Sig,
}

#[repr(C)]
#[derive(Trace)]
pub struct BoundMethodObj {
    pub kind: Kind,
    pub func: Value,
    pub slf: Value,
}

pub const CF_GETATTRIBUTE: u32 = 1;
pub const CF_GETATTR: u32 = 2;
pub const CF_SETATTR: u32 = 4;
pub const CF_DELATTR: u32 = 8;
pub const CF_SLOTS: u32 = 16;
pub const CF_EXCEPTION: u32 = 32;
/// Class is a builtin type (its dict is not meant to be changed by programs).
pub const CF_BUILTIN: u32 = 64;
pub const CF_HAS_DESCRIPTORS: u32 = 128;

#[repr(C)]
#[derive(Trace, metatracer::Layout)]
pub struct ClassObj {
    pub kind: Kind,
    /// Kind of the built-in base's payload (for `class L(list)`), or `None`.
    pub base_kind: Cell<u8>,
    pub flags: Cell<u32>,
    pub name: GcCell<Value>,
    pub bases: GcCell<Value>,
    pub mro: GcCell<Value>,
    pub dict: Gc<DictObj>,
    pub metaclass: GcCell<Value>,
    /// Attribute version: bumped when the dict of this class (or a base) changes.
    pub version: Cell<u64>,
    /// `C(...)` fast path (see `builtins::cached_init`): the Python `__init__` to run on a
    /// fresh instance, or None when the class needs the general protocol; valid while
    /// `init_epoch == vm().class_epoch + 1` (0: never computed).
    pub init_cache: GcCell<Value>,
    pub init_epoch: Cell<u64>,
    /// Attribute count of the class's most recent instances (sizes new instances' slots).
    pub nslots_hint: Cell<u32>,
}

#[repr(C)]
#[derive(Trace, metatracer::Layout)]
pub struct InstanceObj {
    pub kind: Kind,
    pub map: Cell<u32>,
    pub cls: GcCell<Gc<ClassObj>>,
    pub slots: GcCell<Gc<Array<Value>>>,
    /// Payload of a built-in base (a list for `class L(list)`), or NULL.
    pub base: GcCell<Value>,
    /// Identity number for `id()` and the default hash, given on first use (0: none yet).
    /// The address cannot serve: a young object moves when it is promoted.
    pub ident: Cell<u64>,
}

#[repr(C)]
#[derive(Trace)]
pub struct ModuleObj {
    pub kind: Kind,
    pub name: Value,
    pub dict: Gc<DictObj>,
}

#[repr(C)]
#[derive(Trace)]
pub struct CellObj {
    pub kind: Kind,
    pub v: GcCell<Value>,
}

pub const GEN_CREATED: u8 = 0;
pub const GEN_SUSPENDED: u8 = 1;
pub const GEN_RUNNING: u8 = 2;
pub const GEN_DONE: u8 = 3;

#[repr(C)]
#[derive(Trace)]
pub struct GeneratorObj {
    pub kind: Kind,
    pub state: Cell<u8>,
    pub frame: Gc<FrameObj>,
    pub name: Value,
}

/// Sub-kinds of the generic built-in iterator object.
#[repr(u8)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum IterKind {
    Seq,
    Range,
    Str,
    DictKeys,
    DictValues,
    DictItems,
    Set,
    Enumerate,
    Zip,
    Map,
    Filter,
    Reversed,
    Callable,
    Bytes,
    /// An iterator wrapper over a Python-level `__getitem__` sequence.
    GetItem,
}

#[repr(C)]
#[derive(Trace, metatracer::Layout)]
pub struct IterObj {
    pub kind: Kind,
    #[gc(no_trace)]
    pub sub: IterKind,
    pub a: GcCell<Value>,
    pub b: GcCell<Value>,
    pub i: Cell<i64>,
    pub n: Cell<i64>,
    pub step: Cell<i64>,
}

#[repr(C)]
#[derive(Trace)]
pub struct PropertyObj {
    pub kind: Kind,
    pub fget: Value,
    pub fset: Value,
    pub fdel: Value,
    /// Writable, as CPython's (`namedtuple` field docs are assigned after creation).
    pub doc: GcCell<Value>,
}

#[repr(C)]
#[derive(Trace)]
pub struct WrapperObj {
    pub kind: Kind,
    pub f: Value,
}

#[repr(C)]
#[derive(Trace)]
pub struct SuperObj {
    pub kind: Kind,
    pub cls: Value,
    pub obj: Value,
}

#[repr(C)]
#[derive(Trace, metatracer::Layout)]
pub struct FrameObj {
    pub kind: Kind,
    pub pc: Cell<u32>,
    pub sp: Cell<u32>,
    /// Depth of the handled-exception stack when the frame started.
    pub exc_depth: Cell<u32>,
    pub code: Gc<CodeObj>,
    pub globals_c: GcCell<Gc<DictObj>>,
    /// Namespace dict for module/class bodies (NULL in functions); for `__init__` frames
    /// started by a class call, the new instance.
    pub ns_c: GcCell<Value>,
    /// Locals, then cells, then the value stack.
    pub regs: Gc<Array<Value>>,
    pub back: GcCell<Option<Gc<FrameObj>>>,
    /// The function being run, or NULL.
    pub func_c: GcCell<Value>,
    /// Exposed to the program (`sys._getframe`) or owned by a generator: never recycled.
    pub escaped: Cell<bool>,
    /// Non-zero when returning from this frame must leave the dispatch loop.
    pub entry: Cell<bool>,
    /// Set by YIELD_VALUE / YIELD_FROM when the frame suspended instead of returning.
    pub yielded: Cell<bool>,
}

macro_rules! downcast {
    ($name:ident, $ty:ty, $kind:ident) => {
        #[inline(always)]
        pub fn $name(v: Value) -> Option<Gc<$ty>> {
            if v.kind() == Some(Kind::$kind) {
                // SAFETY: the kind tag says this is a `$ty`.
                Some(unsafe { v.as_gc::<$ty>() })
            } else {
                None
            }
        }
    };
}

downcast!(as_str, StrObj, Str);
downcast!(as_float_obj, FloatObj, Float);
downcast!(as_bigint, BigIntObj, BigInt);
downcast!(as_list_exact, ListObj, List);
downcast!(as_tuple_exact, TupleObj, Tuple);
downcast!(as_dict_exact, DictObj, Dict);
downcast!(as_bytes, BytesObj, Bytes);
downcast!(as_bytearray, BytesObj, ByteArray);
downcast!(as_range, RangeObj, Range);
downcast!(as_slice, SliceObj, Slice);
downcast!(as_function, FunctionObj, Function);
downcast!(as_builtin, BuiltinObj, Builtin);
downcast!(as_bound, BoundMethodObj, BoundMethod);
downcast!(as_code, CodeObj, Code);
downcast!(as_class, ClassObj, Class);
downcast!(as_instance, InstanceObj, Instance);
downcast!(as_module, ModuleObj, Module);
downcast!(as_cell, CellObj, Cell);
downcast!(as_generator, GeneratorObj, Generator);
downcast!(as_iter, IterObj, Iter);
downcast!(as_property, PropertyObj, Property);
downcast!(as_classmethod, WrapperObj, ClassMethod);
downcast!(as_staticmethod, WrapperObj, StaticMethod);
downcast!(as_super, SuperObj, Super);
downcast!(as_complex, ComplexObj, Complex);

/// The built-in payload of `v`: itself, or the base payload of an instance of a subclass.
#[inline]
pub fn payload(v: Value) -> Value {
    if let Some(i) = as_instance(v) {
        let b = i.base.get();
        if !b.is_null() {
            return b;
        }
    }
    v
}

pub fn as_list(v: Value) -> Option<Gc<ListObj>> {
    as_list_exact(payload(v))
}
pub fn as_tuple(v: Value) -> Option<Gc<TupleObj>> {
    as_tuple_exact(payload(v))
}
pub fn as_dict(v: Value) -> Option<Gc<DictObj>> {
    as_dict_exact(payload(v))
}
pub fn as_set(v: Value) -> Option<Gc<SetObj>> {
    let p = payload(v);
    match p.kind() {
        // SAFETY: both kinds use the `SetObj` layout.
        Some(Kind::Set) | Some(Kind::FrozenSet) => Some(unsafe { p.as_gc::<SetObj>() }),
        _ => None,
    }
}

// ---------------------------------------------------------------- constructors

pub fn new_str(s: &str) -> Value {
    let ascii = s.is_ascii();
    let nchars = if ascii { s.len() } else { s.chars().count() };
    Value::obj(gc::alloc(StrObj {
        kind: Kind::Str,
        ascii,
        sym: Cell::new(0),
        hash: Cell::new(0),
        nchars,
        s: crate::objects::sstr::SmallStr::new(s),
    }))
}

pub fn new_string(s: String) -> Value {
    let ascii = s.is_ascii();
    let nchars = if ascii { s.len() } else { s.chars().count() };
    Value::obj(gc::alloc(StrObj {
        kind: Kind::Str,
        ascii,
        sym: Cell::new(0),
        hash: Cell::new(0),
        nchars,
        s: crate::objects::sstr::SmallStr::from_string(s),
    }))
}

pub fn new_float(v: f64) -> Value {
    Value::obj(gc::alloc(FloatObj {
        kind: Kind::Float,
        v,
    }))
}

pub fn new_complex(re: f64, im: f64) -> Value {
    Value::obj(gc::alloc(ComplexObj {
        kind: Kind::Complex,
        re,
        im,
    }))
}

/// An int value: small when it fits, else a big int.
#[inline]
pub fn new_int(i: i64) -> Value {
    if Value::fits_small(i) {
        Value::small(i)
    } else {
        new_bigint_raw(BigInt::from(i))
    }
}

fn new_bigint_raw(v: BigInt) -> Value {
    // The digits live on the Rust heap: tell the collector how much memory this object owns.
    let external = (v.bits() / 8) as usize;
    let obj = Value::obj(gc::alloc(BigIntObj {
        kind: Kind::BigInt,
        v,
    }));
    if external > 64 {
        gc::add_memory_pressure(external);
    }
    obj
}

/// Normalizes a big int: small when it fits.
pub fn new_bigint(v: BigInt) -> Value {
    use num_traits::ToPrimitive;
    if let Some(i) = v.to_i64() {
        if Value::fits_small(i) {
            return Value::small(i);
        }
    }
    new_bigint_raw(v)
}

pub fn empty_array() -> Gc<Array<Value>> {
    gc::alloc_array(0, Value::NULL)
}

pub fn new_list_from(items: &[Value]) -> Value {
    let arr = gc::alloc_array_from_slice(items);
    Value::obj(gc::alloc(ListObj {
        kind: Kind::List,
        len: Cell::new(items.len()),
        items: GcCell::new(arr),
    }))
}

pub fn new_list_cap(cap: usize) -> Gc<ListObj> {
    let arr = gc::alloc_array(cap, Value::NULL);
    gc::alloc(ListObj {
        kind: Kind::List,
        len: Cell::new(0),
        items: GcCell::new(arr),
    })
}

pub fn new_tuple(items: &[Value]) -> Value {
    let arr = gc::alloc_array_from_slice(items);
    Value::obj(gc::alloc(TupleObj {
        kind: Kind::Tuple,
        items: arr,
    }))
}

pub fn new_dict() -> Gc<DictObj> {
    gc::alloc(DictObj {
        kind: Kind::Dict,
        keys: GcCell::new(empty_array()),
        vals: GcCell::new(empty_array()),
        shape: metatracer::QuasiImmut::new(0),
        t: UnsafeCell::new(DictTable::default()),
    })
}

pub fn new_set(frozen: bool) -> Gc<SetObj> {
    gc::alloc(SetObj {
        kind: if frozen { Kind::FrozenSet } else { Kind::Set },
        slots: GcCell::new(gc::alloc_array(8, Value::NULL)),
        t: UnsafeCell::new(SetTable {
            hashes: vec![0; 8],
            fill: 0,
            used: 0,
            mask: 7,
        }),
    })
}

pub fn new_bytes(v: Vec<u8>, mutable: bool) -> Value {
    Value::obj(gc::alloc(BytesObj {
        kind: if mutable {
            Kind::ByteArray
        } else {
            Kind::Bytes
        },
        v: UnsafeCell::new(v),
    }))
}

pub fn new_cell(v: Value) -> Value {
    Value::obj(gc::alloc(CellObj {
        kind: Kind::Cell,
        v: GcCell::new(v),
    }))
}

/// A native function that checks its own arguments (see [`new_builtin_sig`]).
pub fn new_builtin(name: &'static str, f: NativeFn) -> Value {
    new_builtin_sig(name, &sig::UNCHECKED, f)
}

/// A native function named `name` (qualified: `list.append`) whose arguments the call
/// machinery checks against `sig` before running `f`.
pub fn new_builtin_sig(name: &'static str, sig: &'static sig::Sig, f: NativeFn) -> Value {
    Value::obj(gc::alloc(BuiltinObj {
        kind: Kind::Builtin,
        name,
        f,
        bound: Value::NULL,
        sig,
    }))
}

pub fn new_bound(func: Value, slf: Value) -> Value {
    Value::obj(gc::alloc(BoundMethodObj {
        kind: Kind::BoundMethod,
        func,
        slf,
    }))
}

pub fn new_iter(sub: IterKind, a: Value, b: Value, i: i64, n: i64, step: i64) -> Value {
    Value::obj(gc::alloc(IterObj {
        kind: Kind::Iter,
        sub,
        a: GcCell::new(a),
        b: GcCell::new(b),
        i: Cell::new(i),
        n: Cell::new(n),
        step: Cell::new(step),
    }))
}

// ---------------------------------------------------------------- accessors

impl ListObj {
    #[inline]
    pub fn len(&self) -> usize {
        self.len.get()
    }
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len.get() == 0
    }
    /// The live elements (do not hold across calls that may change the list).
    #[inline]
    pub fn as_slice(&self) -> &[Value] {
        let arr = self.items.get();
        let s: &[Value] = &arr.as_slice()[..self.len.get()];
        // SAFETY: the array is owned by this list, which the caller keeps alive; the slice is
        // only used until the list is next modified (documented on this method).
        unsafe { &*(s as *const [Value]) }
    }
    #[inline]
    pub fn get(&self, i: usize) -> Value {
        self.items.get().get(i)
    }
    #[inline]
    pub fn set(&self, i: usize, v: Value) {
        self.items.get().set(i, v)
    }
    fn grow(&self, need: usize) {
        let old = self.items.get();
        let cap = (old.len() * 2).max(need).max(4);
        let arr = gc::alloc_array(cap, Value::NULL);
        for (i, v) in old.as_slice()[..self.len.get()].iter().enumerate() {
            arr.set(i, *v);
        }
        self.items.set(arr);
    }
    #[inline]
    pub fn push(&self, v: Value) {
        let n = self.len.get();
        if n >= self.items.get().len() {
            self.grow(n + 1);
        }
        self.items.get().set(n, v);
        self.len.set(n + 1);
    }
    pub fn pop(&self) -> Option<Value> {
        let n = self.len.get();
        if n == 0 {
            return None;
        }
        let v = self.get(n - 1);
        self.items.get().set(n - 1, Value::NULL);
        self.len.set(n - 1);
        Some(v)
    }
    pub fn insert(&self, i: usize, v: Value) {
        let n = self.len.get();
        if n >= self.items.get().len() {
            self.grow(n + 1);
        }
        let arr = self.items.get();
        let mut j = n;
        while j > i {
            arr.set(j, arr.get(j - 1));
            j -= 1;
        }
        arr.set(i, v);
        self.len.set(n + 1);
    }
    pub fn remove_at(&self, i: usize) -> Value {
        let n = self.len.get();
        let arr = self.items.get();
        let v = arr.get(i);
        for j in i..n - 1 {
            arr.set(j, arr.get(j + 1));
        }
        arr.set(n - 1, Value::NULL);
        self.len.set(n - 1);
        v
    }
    /// Replaces the whole content.
    pub fn set_all(&self, items: &[Value]) {
        let arr = gc::alloc_array_from_slice(items);
        self.items.set(arr);
        self.len.set(items.len());
    }
    pub fn clear(&self) {
        // an empty list keeps its array (`list.sort` relies on it to see a key's `clear()`
        // as no change)
        if self.len.get() == 0 {
            return;
        }
        self.items.set(empty_array());
        self.len.set(0);
    }
}

impl TupleObj {
    #[inline]
    pub fn as_slice(&self) -> &[Value] {
        self.items.as_slice()
    }
    #[inline]
    pub fn len(&self) -> usize {
        self.items.len()
    }
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.items.len() == 0
    }
}

impl BytesObj {
    #[inline]
    #[allow(clippy::mut_from_ref)]
    pub fn data(&self) -> &mut Vec<u8> {
        // SAFETY: single-threaded; callers never keep the reference across another access.
        unsafe { &mut *self.v.get() }
    }
}

/// Equality of an interned name string with a Rust string.
pub fn str_eq(v: Value, s: &str) -> bool {
    as_str(v).is_some_and(|o| &*o.s == s)
}
