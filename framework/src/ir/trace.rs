//! The trace container ([`Trace`]), its parts (ops, constants, descriptors, snapshot frames)
//! and the [`TraceBuilder`] that records ops into it.
//!
//! Layout: all op arguments live in one pool (`Trace::args`) and every op stores a
//! `(start, len)` slice of it, so [`Op`] is 16 bytes. Snapshot frames are stored once in
//! `Trace::frames` and shared: a snapshot names its innermost frame and frames link to their
//! parent (caller) frame, so the frames of an inlined caller are recorded once for all guards
//! taken inside the callee.
//!
//! Invariants (checked by the verifier, not by the builder): inputs come first; an op only
//! uses ops before it; the trace ends with `jump` or `finish`.

use super::entity::{ConstRef, DescrId, FrameId, OpRef, SnapshotId, TargetToken, VirtId};
use super::ops::{Kind, Opcode};
use rustc_hash::FxHashMap as HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};

/// A concrete value: a trace constant, an interpreter input, a value saved at a guard exit.
#[derive(Copy, Clone)]
pub enum Value {
    /// A 64-bit integer.
    Int(i64),
    /// A double (compared and hashed by its bits, so `NaN == NaN` here).
    Float(f64),
    /// A machine address.
    Ref(usize),
}

impl Value {
    /// The value's kind.
    pub fn kind(self) -> Kind {
        match self {
            Value::Int(_) => Kind::Int,
            Value::Float(_) => Kind::Float,
            Value::Ref(_) => Kind::Ref,
        }
    }

    /// The raw 64 bits as stored in a frame buffer slot.
    pub fn to_bits(self) -> u64 {
        match self {
            Value::Int(i) => i as u64,
            Value::Float(f) => f.to_bits(),
            Value::Ref(p) => p as u64,
        }
    }

    /// Rebuild a value of `kind` from frame-buffer bits (`None` for `Kind::Void`).
    pub fn from_bits(kind: Kind, bits: u64) -> Option<Value> {
        match kind {
            Kind::Int => Some(Value::Int(bits as i64)),
            Kind::Float => Some(Value::Float(f64::from_bits(bits))),
            Kind::Ref => Some(Value::Ref(bits as usize)),
            Kind::Void => None,
        }
    }

    /// The integer, if this is one.
    pub fn as_int(self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(i),
            _ => None,
        }
    }

    /// The float, if this is one.
    pub fn as_float(self) -> Option<f64> {
        match self {
            Value::Float(f) => Some(f),
            _ => None,
        }
    }

    /// The address, if this is a ref.
    pub fn as_ref(self) -> Option<usize> {
        match self {
            Value::Ref(p) => Some(p),
            _ => None,
        }
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        self.kind() == other.kind() && self.to_bits() == other.to_bits()
    }
}
impl Eq for Value {}
impl Hash for Value {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.kind().hash(state);
        self.to_bits().hash(state);
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(i) => write!(f, "Int({i})"),
            Value::Float(x) => write!(f, "Float({x:?})"),
            Value::Ref(p) => write!(f, "Ref({p:#x})"),
        }
    }
}

/// The shape of a memory access (loads and stores carry one as their descr).
///
/// Address = `base + offset` (plain) or `base + index * scale + offset` (`*_idx_*` ops).
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub struct MemDescr {
    /// What is stored in memory.
    pub ty: MemType,
    /// Element stride for indexed accesses (1, 2, 4, 8 or any positive stride; 0 = unused).
    pub scale: u32,
    /// The place lies inside a virtualizable frame (printed with a `vable_` prefix): reached
    /// only through the frame, so `unroll` may sink a store to it out of the loop into the
    /// loop's exits (their snapshots' pending stores).
    pub vable: bool,
    /// With `vable`: the place is in the frame's array (printed `vitem_`), not a field of the
    /// frame struct; the two never overlap.
    pub item: bool,
    /// Type-based alias class of the place (the interpreter's struct type and field, or
    /// element type, that the tracer saw), 0 when unknown; see [`MemDescr::class_of`]. Two
    /// places of different known classes never overlap (a location is always accessed as the
    /// same field), so the optimizer keeps one cached across a store to the other. Not part
    /// of the trace text (a parsed trace has 0 everywhere, which only assumes more aliasing).
    pub class: u32,
}

/// Bit of [`MemDescr::class`]: the place is inside a cell (`Cell`, `GcCell`, ...).
pub const CLASS_CELL: u32 = 1 << 31;
/// Bit of [`MemDescr::class`]: a cell's contents reached through a reference (no field);
/// the class is the cell's type, and the place may be any cell of that type.
pub const CLASS_CELL_TYPE: u32 = 1 << 30;

/// The in-memory type of a load/store.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub enum MemType {
    /// An integer of 1, 2, 4 or 8 bytes; `signed` says how loads widen it to i64.
    Int {
        /// Size in bytes.
        size: u8,
        /// Sign-extend (true) or zero-extend (false) on load.
        signed: bool,
    },
    /// An 8-byte double.
    F64,
    /// A pointer-sized address.
    Ref,
}

impl MemType {
    /// Size in bytes.
    pub fn size(self) -> u8 {
        match self {
            MemType::Int { size, .. } => size,
            MemType::F64 | MemType::Ref => 8,
        }
    }

    /// The value kind a load of this type produces.
    pub fn kind(self) -> Kind {
        match self {
            MemType::Int { .. } => Kind::Int,
            MemType::F64 => Kind::Float,
            MemType::Ref => Kind::Ref,
        }
    }
}

impl MemDescr {
    /// 8-byte signed integer field.
    pub const I64: MemDescr = MemDescr::int(8, true);
    /// Double field.
    pub const F64: MemDescr = MemDescr {
        ty: MemType::F64,
        scale: 0,
        vable: false,
        item: false,
        class: 0,
    };
    /// Pointer field.
    pub const REF: MemDescr = MemDescr {
        ty: MemType::Ref,
        scale: 0,
        vable: false,
        item: false,
        class: 0,
    };

    /// An integer access of `size` bytes.
    pub const fn int(size: u8, signed: bool) -> MemDescr {
        MemDescr {
            ty: MemType::Int { size, signed },
            scale: 0,
            vable: false,
            item: false,
            class: 0,
        }
    }

    /// The same access with an index stride (for `*_idx_*` ops).
    pub const fn scaled(self, scale: u32) -> MemDescr {
        MemDescr {
            ty: self.ty,
            scale,
            vable: self.vable,
            item: self.item,
            class: self.class,
        }
    }

    /// The same access, inside a virtualizable frame or not, in its array or not (see
    /// [`MemDescr::vable`], [`MemDescr::item`]).
    pub const fn in_vable(self, vable: bool, item: bool) -> MemDescr {
        MemDescr {
            ty: self.ty,
            scale: self.scale,
            vable,
            item: vable && item,
            class: self.class,
        }
    }

    /// The same access with alias class `class` (see [`MemDescr::class`]).
    pub const fn with_class(self, class: u32) -> MemDescr {
        MemDescr { class, ..self }
    }

    /// The 32-bit alias class of the tracer's 64-bit one (a hash of the struct type and
    /// field, plus cell bits 61 and 60; the virtualizable-frame bits 63 and 62 are dropped):
    /// 30 bits of the hash and the two cell bits. Two distinct tracer classes may share a
    /// compressed class, which only assumes more aliasing.
    pub const fn class_of(cls: u64) -> u32 {
        let hash = (cls & ((1 << 60) - 1)) ^ ((cls & ((1 << 60) - 1)) >> 30);
        if hash == 0 {
            return 0;
        }
        let mut c = (hash as u32) & (CLASS_CELL_TYPE - 1);
        if c == 0 {
            c = 1;
        }
        if cls & (1 << 61) != 0 {
            c |= CLASS_CELL;
        }
        if cls & (1 << 60) != 0 {
            c |= CLASS_CELL_TYPE;
        }
        c
    }

    /// Whether two accesses are known not to overlap whatever their addresses: one is a
    /// field of a virtualizable frame, the other an element of its array.
    pub fn vable_disjoint(self, other: MemDescr) -> bool {
        self.vable && other.vable && self.item != other.item
    }

    /// Whether two accesses *at different addresses* (another base, or an address that
    /// cannot be compared) are known not to overlap by their alias classes (the tracer's
    /// type-based rule, see [`MemDescr::class`]): different field or element classes never
    /// overlap, and a cell reached through a reference ([`CLASS_CELL_TYPE`]) may be any cell
    /// of its type, so it only rules out places outside cells and cells of other types.
    /// Accesses at the same base whose bytes overlap always alias, whatever their classes
    /// (a tagged word read as another type).
    pub fn classes_disjoint(self, other: MemDescr) -> bool {
        let (a, b) = (self.class, other.class);
        if a == 0 || b == 0 {
            return false;
        }
        match (a & CLASS_CELL_TYPE != 0, b & CLASS_CELL_TYPE != 0) {
            (false, false) | (true, true) => a != b,
            (true, false) => b & CLASS_CELL == 0,
            (false, true) => a & CLASS_CELL == 0,
        }
    }
}

impl fmt::Display for MemDescr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.item {
            f.write_str("vitem_")?;
        } else if self.vable {
            f.write_str("vable_")?;
        }
        match self.ty {
            MemType::Int { size, signed } => {
                write!(f, "{}{}", if signed { 'i' } else { 'u' }, size as u32 * 8)?
            }
            MemType::F64 => f.write_str("f64")?,
            MemType::Ref => f.write_str("ref")?,
        }
        if self.scale != 0 {
            write!(f, "x{}", self.scale)?;
        }
        Ok(())
    }
}

/// The signature of a called native function (`extern "C"`/`sysv64`).
///
/// Integer and ref arguments go in rdi, rsi, rdx, rcx, r8, r9 (at most 6), float arguments in
/// xmm0..xmm7 (at most 8). An int result must be a full 64-bit value (widen narrow results in
/// the trampoline).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct CallDescr {
    /// Kinds of the arguments (after the function address).
    pub args: Vec<Kind>,
    /// Kind of the result (`Void` for none).
    pub ret: Kind,
    /// A name for logs (may be empty).
    pub name: String,
    /// The callee writes no memory that existed before the call (it may read memory and
    /// allocate): what the trace knows about memory stays true across it. Text: `readonly`
    /// after the name.
    pub readonly: bool,
}

impl CallDescr {
    /// Maximum number of int/ref arguments (all passed in registers).
    pub const MAX_INT_ARGS: usize = 6;
    /// Maximum number of float arguments (all passed in registers).
    pub const MAX_FLOAT_ARGS: usize = 8;

    /// A descriptor.
    pub fn new(args: &[Kind], ret: Kind, name: &str) -> CallDescr {
        CallDescr {
            args: args.to_vec(),
            ret,
            name: name.to_string(),
            readonly: false,
        }
    }

    /// The same descriptor for a callee that writes no existing memory.
    pub fn readonly(mut self) -> CallDescr {
        self.readonly = true;
        self
    }
}

impl fmt::Display for CallDescr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("call(")?;
        for (i, k) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{}", k.letter())?;
        }
        write!(f, ")->{}", self.ret.letter())?;
        if !self.name.is_empty() {
            write!(f, " {:?}", self.name)?;
        }
        if self.readonly {
            f.write_str(" readonly")?;
        }
        Ok(())
    }
}

/// The shape of an allocation (the descr of `new`): the payload size in bytes and the GC
/// header word of the object's type (its `TypeInfo` address, `gc::jit::header_word`).
///
/// Header 0 means a raw test object outside the GC heap (filetests, the IR interpreter's and
/// backend tests): it is allocated zeroed on the Rust heap and never freed. Text:
/// `alloc(24)` or `alloc(24, 0x55d0c0de1000)`.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub struct AllocDescr {
    /// Payload bytes (the object's fields; the header word comes before them).
    pub size: u32,
    /// The header word, or 0 for a raw test object.
    pub header: u64,
}

impl fmt::Display for AllocDescr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.header == 0 {
            write!(f, "alloc({})", self.size)
        } else {
            write!(f, "alloc({}, {:#x})", self.size, self.header)
        }
    }
}

/// Allocates a zeroed object of shape `a` and returns its payload address: a GC object when
/// `a.header` is a type's header word (may collect), else a raw, leaked test object. What the
/// IR interpreter's `new` and the materialization of virtual objects use.
pub fn alloc_object(a: AllocDescr) -> usize {
    if a.header == 0 {
        let words = (a.size as usize).div_ceil(8) + 1;
        let b: &'static mut [u64] = Box::leak(vec![0u64; words].into_boxed_slice());
        b.as_mut_ptr() as usize + 8
    } else {
        // SAFETY: a non-zero header is a GC type's header word whose payload is `size` bytes
        // without drop glue (the codewriter only emits `new` for such types).
        unsafe { crate::gc::jit::alloc_zeroed(a.header as usize, a.size as usize) as usize }
    }
}

/// Writes the low bytes of `bits` at `addr` as memory type `ty`.
///
/// # Safety
/// `addr` must be writable for `ty.size()` bytes.
pub unsafe fn store_bits(addr: usize, ty: MemType, bits: u64) {
    // SAFETY: by the caller's contract; unaligned writes are fine.
    unsafe {
        match ty.size() {
            1 => (addr as *mut u8).write_unaligned(bits as u8),
            2 => (addr as *mut u16).write_unaligned(bits as u16),
            4 => (addr as *mut u32).write_unaligned(bits as u32),
            _ => (addr as *mut u64).write_unaligned(bits),
        }
    }
}

/// One field of a virtual object: `value` stored at payload offset `offset` as `descr`.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub struct VField {
    /// Byte offset from the payload address.
    pub offset: i32,
    /// The in-memory type (scale 0).
    pub descr: MemDescr,
    /// The value: an op, a constant or another virtual object.
    pub value: OpRef,
}

/// An allocation the optimizer removed, described in snapshots (`OpRef::virt`): deopt
/// allocates it and stores its fields (fields not listed are zero).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct VirtualObj {
    /// Its shape.
    pub alloc: AllocDescr,
    /// Its known fields, by increasing offset.
    pub fields: Vec<VField>,
}

/// A virtual object of a snapshot, resolved for resuming: fields refer to saved values,
/// constants or other virtuals of the same snapshot (by index).
#[derive(Clone, PartialEq, Debug)]
pub struct ResumeVirtual {
    /// Its shape.
    pub alloc: AllocDescr,
    /// `(offset, memory type, value)` per field.
    pub fields: Vec<(i32, MemType, ResumeSlot)>,
}

/// Allocates the virtual objects of a snapshot and fills their fields; returns their
/// addresses. `saved` are the exit's saved values.
///
/// Order: children first, and each object's fields are stored right after its allocation,
/// before anything else allocates (an object that a later allocation's collection pins
/// becomes old, and stores into old objects need the write barrier). A field closing a cycle
/// is stored at the end, with the write barrier. Allocation may collect: the saved values and
/// the objects made so far are held in a pinning root meanwhile, so nothing they name moves.
pub fn materialize(virts: &[ResumeVirtual], saved: &[u64]) -> Vec<usize> {
    if virts.is_empty() {
        return Vec::new();
    }
    let mut keep: crate::gc::PinnedVec<u64> =
        crate::gc::PinnedVec::with_capacity(saved.len() + virts.len());
    keep.extend_from_slice(saved);
    // 0 = not started, 1 = in progress, else the address
    let mut addrs = vec![0usize; virts.len()];
    let mut late: Vec<(usize, MemType, usize)> = Vec::new();
    fn make(
        j: usize,
        virts: &[ResumeVirtual],
        saved: &[u64],
        addrs: &mut Vec<usize>,
        late: &mut Vec<(usize, MemType, usize)>,
        keep: &mut crate::gc::PinnedVec<u64>,
    ) {
        if addrs[j] != 0 {
            return;
        }
        addrs[j] = 1;
        for &(_, _, slot) in &virts[j].fields {
            if let ResumeSlot::Virtual(k) = slot {
                make(k, virts, saved, addrs, late, keep);
            }
        }
        let a = alloc_object(virts[j].alloc);
        keep.push(a as u64);
        addrs[j] = a;
        for &(off, ty, slot) in &virts[j].fields {
            let at = a.wrapping_add(off as isize as usize);
            let bits = match slot {
                ResumeSlot::Saved(k) => saved.get(k).copied().unwrap_or(0),
                ResumeSlot::Const(c) => c.to_bits(),
                ResumeSlot::Virtual(k) if addrs[k] == 1 => {
                    late.push((at, ty, k));
                    continue;
                }
                ResumeSlot::Virtual(k) => addrs[k] as u64,
            };
            // SAFETY: `a` is a fresh object of `alloc.size` bytes; the optimizer only
            // records fields inside it.
            unsafe { store_bits(at, ty, bits) };
        }
    }
    for j in 0..virts.len() {
        make(j, virts, saved, &mut addrs, &mut late, &mut keep);
    }
    for (at, ty, k) in late {
        // SAFETY: a field of an object made above; then the barrier for the stored reference.
        unsafe {
            store_bits(at, ty, addrs[k] as u64);
            crate::gc::jit::barrier_slot(at);
        }
    }
    drop(keep);
    addrs
}

/// A descriptor attached to an op.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Descr {
    /// Loads and stores.
    Mem(MemDescr),
    /// Calls.
    Call(CallDescr),
    /// `label` / `jump` target.
    Target(TargetToken),
    /// Free text (`debug_merge_point`'s description of the green key).
    Text(String),
    /// `new`: the object's shape.
    Alloc(AllocDescr),
}

impl fmt::Display for Descr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Descr::Mem(m) => write!(f, "{m}"),
            Descr::Call(c) => write!(f, "{c}"),
            Descr::Target(t) => write!(f, "{t}"),
            Descr::Text(s) => write!(f, "{s:?}"),
            Descr::Alloc(a) => write!(f, "{a}"),
        }
    }
}

const NONE: u32 = u32::MAX;

/// One operation. 16 bytes: see `op_size` test.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub struct Op {
    /// The opcode.
    pub opcode: Opcode,
    nargs: u16,
    args_start: u32,
    descr: u32,
    snapshot: u32,
}

impl Op {
    /// The descriptor, if any.
    pub fn descr(&self) -> Option<DescrId> {
        (self.descr != NONE).then(|| DescrId::new(self.descr as usize))
    }

    /// The guard's snapshot, if any.
    pub fn snapshot(&self) -> Option<SnapshotId> {
        (self.snapshot != NONE).then(|| SnapshotId::new(self.snapshot as usize))
    }

    /// Number of arguments.
    pub fn num_args(&self) -> usize {
        self.nargs as usize
    }

    /// The result kind (from the op table).
    pub fn kind(&self) -> Kind {
        self.opcode.result()
    }
}

/// One interpreter frame of a snapshot: which jitcode, where in it, which values are live.
///
/// The meaning of `jitcode` and `pc` belongs to the tracer; the IR only stores them.
///
/// A frame is *dense* (value `k` is register `k`) or *sparse*: it has `nregs` registers of
/// which only the listed ones are live, value `k` being register [`Trace::frame_regs`]`[k]`;
/// the others are dead and resume as 0. The tracer records sparse frames, so a guard's
/// snapshot costs its live registers, not the hundreds a large interpreter frame has.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub struct Frame {
    /// The caller's frame (`None` for the outermost frame).
    pub parent: Option<FrameId>,
    /// Jitcode / function id.
    pub jitcode: u32,
    /// Position in the jitcode where execution resumes.
    pub pc: u32,
    values_start: u32,
    values_len: u32,
    /// Sparse frames: start of the register numbers in `Trace::frame_regs` (`NONE`: dense).
    regs_start: u32,
    /// Sparse frames: the number of registers of the frame.
    nregs: u32,
}

/// A guard's resume information: the innermost frame of a frame chain.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub struct Snapshot {
    /// Innermost frame; its `parent` chain leads to the outermost frame.
    pub top: FrameId,
}

/// A recorded trace. Build one with [`TraceBuilder`], or parse text with [`super::parse`].
#[derive(Clone, Default, PartialEq, Debug)]
pub struct Trace {
    ops: Vec<Op>,
    args: Vec<OpRef>,
    consts: Vec<Value>,
    descrs: Vec<Descr>,
    frames: Vec<Frame>,
    frame_values: Vec<OpRef>,
    frame_regs: Vec<u32>,
    snapshots: Vec<Snapshot>,
    virtuals: Vec<VirtualObj>,
}

/// Where one snapshot value comes from after a guard exit.
#[derive(Copy, Clone, PartialEq, Debug)]
pub enum ResumeSlot {
    /// Saved value number `k` (index into `Trace::exit_refs`, the frame buffer, the inputs of
    /// a bridge from this guard).
    Saved(usize),
    /// A constant recorded in the snapshot.
    Const(Value),
    /// Virtual object number `k` of the snapshot (see [`Trace::resume_virtuals`]), allocated
    /// when resuming.
    Virtual(usize),
}

/// Per frame of a snapshot (outermost first): jitcode, pc, where each value comes from.
pub type ResumeLayout = Vec<(u32, u32, Vec<ResumeSlot>)>;

/// One frame of a snapshot resolved to concrete values (what deopt needs).
#[derive(Clone, PartialEq, Debug)]
pub struct ResumeFrame {
    /// Jitcode / function id.
    pub jitcode: u32,
    /// Resume position.
    pub pc: u32,
    /// The frame's live values, in snapshot order.
    pub values: Vec<Value>,
}

impl Trace {
    /// All ops (inputs first).
    pub fn ops(&self) -> &[Op] {
        &self.ops
    }

    /// Number of ops (including inputs).
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// Whether the trace has no ops.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// The op at position `i`.
    pub fn op(&self, i: usize) -> &Op {
        &self.ops[i]
    }

    /// The arguments of op `i`.
    pub fn args(&self, i: usize) -> &[OpRef] {
        let op = &self.ops[i];
        &self.args[op.args_start as usize..op.args_start as usize + op.nargs as usize]
    }

    /// The arguments of `op` (an op of this trace).
    pub fn args_of(&self, op: &Op) -> &[OpRef] {
        &self.args[op.args_start as usize..op.args_start as usize + op.nargs as usize]
    }

    /// Number of leading input ops.
    pub fn num_inputs(&self) -> usize {
        self.ops
            .iter()
            .take_while(|op| op.opcode.flags().contains(super::OpFlags::INPUT))
            .count()
    }

    /// Kinds of the inputs, in order.
    pub fn input_kinds(&self) -> Vec<Kind> {
        self.ops[..self.num_inputs()]
            .iter()
            .map(|op| op.kind())
            .collect()
    }

    /// The kind of an operand (`Void` for out-of-range refs; the verifier reports those).
    pub fn kind(&self, r: OpRef) -> Kind {
        if r.is_virt() {
            return Kind::Ref;
        }
        match r.as_const() {
            Some(c) => self.consts.get(c.index()).map_or(Kind::Void, |v| v.kind()),
            None => self
                .ops
                .get(r.as_op().unwrap_or(usize::MAX))
                .map_or(Kind::Void, |o| o.kind()),
        }
    }

    /// The constant pool.
    pub fn consts(&self) -> &[Value] {
        &self.consts
    }

    /// A constant's value.
    pub fn constant(&self, c: ConstRef) -> Value {
        self.consts[c.index()]
    }

    /// The constant value of an operand, if it is a constant.
    pub fn const_value(&self, r: OpRef) -> Option<Value> {
        r.as_const()
            .and_then(|c| self.consts.get(c.index()).copied())
    }

    /// The descriptor table.
    pub fn descrs(&self) -> &[Descr] {
        &self.descrs
    }

    /// A descriptor.
    pub fn descr(&self, d: DescrId) -> &Descr {
        &self.descrs[d.index()]
    }

    /// The memory descriptor of op `i`, if it has one.
    pub fn mem_descr(&self, i: usize) -> Option<MemDescr> {
        match self.ops[i].descr().map(|d| &self.descrs[d.index()]) {
            Some(Descr::Mem(m)) => Some(*m),
            _ => None,
        }
    }

    /// The call descriptor of op `i`, if it has one.
    pub fn call_descr(&self, i: usize) -> Option<&CallDescr> {
        match self.ops[i].descr().map(|d| &self.descrs[d.index()]) {
            Some(Descr::Call(c)) => Some(c),
            _ => None,
        }
    }

    /// The allocation descriptor of op `i` (a `new`), if it has one.
    pub fn alloc_descr(&self, i: usize) -> Option<AllocDescr> {
        match self.ops[i].descr().map(|d| &self.descrs[d.index()]) {
            Some(Descr::Alloc(a)) => Some(*a),
            _ => None,
        }
    }

    /// The target token of op `i` (a `label` or `jump`), if it has one.
    pub fn target(&self, i: usize) -> Option<TargetToken> {
        match self.ops[i].descr().map(|d| &self.descrs[d.index()]) {
            Some(Descr::Target(t)) => Some(*t),
            _ => None,
        }
    }

    /// Snapshot table.
    pub fn snapshots(&self) -> &[Snapshot] {
        &self.snapshots
    }

    /// A snapshot.
    pub fn snapshot(&self, s: SnapshotId) -> Snapshot {
        self.snapshots[s.index()]
    }

    /// Frame table.
    pub fn frames(&self) -> &[Frame] {
        &self.frames
    }

    /// A frame.
    pub fn frame(&self, f: FrameId) -> &Frame {
        &self.frames[f.index()]
    }

    /// A frame's live values.
    pub fn frame_values(&self, f: FrameId) -> &[OpRef] {
        let fr = &self.frames[f.index()];
        &self.frame_values[fr.values_start as usize..(fr.values_start + fr.values_len) as usize]
    }

    /// A sparse frame's register numbers (ascending, one per value of
    /// [`Trace::frame_values`]) and its register count; `None` for a dense frame.
    pub fn frame_regs(&self, f: FrameId) -> Option<(&[u32], u32)> {
        let fr = &self.frames[f.index()];
        (fr.regs_start != NONE).then(|| {
            let s = fr.regs_start as usize;
            (&self.frame_regs[s..s + fr.values_len as usize], fr.nregs)
        })
    }

    /// A frame's values per register: `(register, value)` for a dense frame's every value or a
    /// sparse frame's live ones, and the frame's register count.
    pub fn frame_slots(&self, f: FrameId) -> (Vec<(u32, OpRef)>, u32) {
        let vals = self.frame_values(f);
        match self.frame_regs(f) {
            Some((regs, n)) => (regs.iter().copied().zip(vals.iter().copied()).collect(), n),
            None => (
                vals.iter()
                    .enumerate()
                    .map(|(i, &v)| (i as u32, v))
                    .collect(),
                vals.len() as u32,
            ),
        }
    }

    /// The frames of a snapshot, outermost first.
    /// The innermost frame of snapshot `s`.
    pub fn snapshot_top(&self, s: SnapshotId) -> FrameId {
        self.snapshots[s.index()].top
    }

    /// The parent (caller) frame of frame `f`, if any.
    pub fn frame_parent(&self, f: FrameId) -> Option<FrameId> {
        self.frames[f.index()].parent
    }

    pub fn snapshot_frames(&self, s: SnapshotId) -> Vec<FrameId> {
        let mut chain = Vec::new();
        let mut cur = Some(self.snapshots[s.index()].top);
        while let Some(f) = cur {
            chain.push(f);
            cur = self.frames[f.index()].parent;
            if chain.len() > self.frames.len() {
                break; // a cycle; the verifier reports it
            }
        }
        chain.reverse();
        chain
    }

    /// The virtual objects table.
    pub fn virtuals(&self) -> &[VirtualObj] {
        &self.virtuals
    }

    /// A virtual object.
    pub fn virtual_obj(&self, v: VirtId) -> &VirtualObj {
        &self.virtuals[v.index()]
    }

    /// `vals` with each virtual object replaced by the values of its fields, recursively
    /// (each virtual once): the ops and constants a snapshot really uses.
    pub fn flat_values(&self, vals: &[OpRef]) -> Vec<OpRef> {
        let mut out = Vec::with_capacity(vals.len());
        let mut seen: Vec<VirtId> = Vec::new();
        let mut stack: Vec<OpRef> = vals.iter().rev().copied().collect();
        while let Some(v) = stack.pop() {
            match v.as_virt() {
                Some(id) if id.index() < self.virtuals.len() => {
                    if !seen.contains(&id) {
                        seen.push(id);
                        stack.extend(
                            self.virtuals[id.index()]
                                .fields
                                .iter()
                                .rev()
                                .map(|f| f.value),
                        );
                    }
                }
                Some(_) => {}
                None => out.push(v),
            }
        }
        out
    }

    /// The virtual objects `vals` names, directly or through fields, in order of first
    /// occurrence (depth first).
    pub fn virtuals_in(&self, vals: &[OpRef], out: &mut Vec<VirtId>) {
        let mut stack: Vec<OpRef> = vals.iter().rev().copied().collect();
        while let Some(v) = stack.pop() {
            if let Some(id) = v.as_virt() {
                if id.index() < self.virtuals.len() && !out.contains(&id) {
                    out.push(id);
                    stack.extend(
                        self.virtuals[id.index()]
                            .fields
                            .iter()
                            .rev()
                            .map(|f| f.value),
                    );
                }
            }
        }
    }

    /// Drops the constants no operand, snapshot value or virtual object field uses, and
    /// renumbers the rest (in order). Passes copy the constant table whole from their input
    /// ([`TraceBuilder::with_tables_of`]), so a finished trace may list constants that only
    /// removed ops used; a backend keeps the table (and pins its references), so the
    /// optimizer compacts it last.
    pub fn compact_consts(&mut self) {
        let n = self.consts.len();
        let mut used = vec![false; n];
        let mut mark = |r: OpRef| {
            if let Some(c) = r.as_const() {
                if c.index() < n {
                    used[c.index()] = true;
                }
            }
        };
        self.args.iter().for_each(|&r| mark(r));
        self.frame_values.iter().for_each(|&r| mark(r));
        for v in &self.virtuals {
            v.fields.iter().for_each(|f| mark(f.value));
        }
        if used.iter().all(|&u| u) {
            return;
        }
        let mut new_index = vec![u32::MAX; n];
        let mut consts = Vec::with_capacity(n);
        for (i, &u) in used.iter().enumerate() {
            if u {
                new_index[i] = consts.len() as u32;
                consts.push(self.consts[i]);
            }
        }
        let remap = |r: &mut OpRef| {
            if let Some(c) = r.as_const() {
                if c.index() < n {
                    *r = OpRef::constant(ConstRef::new(new_index[c.index()] as usize));
                }
            }
        };
        self.args.iter_mut().for_each(remap);
        self.frame_values.iter_mut().for_each(remap);
        for v in &mut self.virtuals {
            v.fields.iter_mut().for_each(|f| remap(&mut f.value));
        }
        self.consts = consts;
    }

    /// A copy of the trace with what resuming from its guards needs and nothing else: the
    /// ops keep their opcodes (hence the kinds of their values) and snapshots, but not their
    /// arguments or descriptors; constants, snapshot frames and virtual objects are kept
    /// whole. [`Trace::exit_refs`], [`Trace::resume_layout`], [`Trace::resume_virtuals`] and
    /// [`Trace::resume_frames`] answer on the copy as on the trace; `args` of any op is empty.
    /// A backend keeps this after compiling (the arguments and descriptors were a third of
    /// the kept trace, and only the code generator read them).
    pub fn resume_copy(&self) -> Trace {
        Trace {
            ops: self
                .ops
                .iter()
                .map(|o| Op {
                    opcode: o.opcode,
                    nargs: 0,
                    args_start: 0,
                    descr: NONE,
                    snapshot: o.snapshot,
                })
                .collect(),
            args: Vec::new(),
            consts: self.consts.clone(),
            descrs: Vec::new(),
            frames: self.frames.clone(),
            frame_values: self.frame_values.clone(),
            frame_regs: self.frame_regs.clone(),
            snapshots: self.snapshots.clone(),
            virtuals: self.virtuals.clone(),
        }
    }

    /// The values a guard exit saves, in order: the distinct non-constant operands of the
    /// snapshot (fields of virtual objects included), outermost frame first, in order of
    /// first occurrence. This is the layout of the frame buffer after the exit, and the input
    /// list of a bridge from that guard.
    pub fn exit_refs(&self, s: SnapshotId) -> Vec<OpRef> {
        let mut out: Vec<OpRef> = Vec::new();
        for f in self.snapshot_frames(s) {
            for v in self.flat_values(self.frame_values(f)) {
                if !v.is_const() && !out.contains(&v) {
                    out.push(v);
                }
            }
        }
        out
    }

    fn resume_plan(&self, s: SnapshotId) -> (ResumeLayout, Vec<ResumeVirtual>) {
        let refs = self.exit_refs(s);
        let frames = self.snapshot_frames(s);
        let mut virts: Vec<VirtId> = Vec::new();
        for &f in &frames {
            self.virtuals_in(self.frame_values(f), &mut virts);
        }
        let slot = |v: OpRef| -> ResumeSlot {
            if let Some(c) = self.const_value(v) {
                ResumeSlot::Const(c)
            } else if let Some(id) = v.as_virt() {
                ResumeSlot::Virtual(virts.iter().position(|&x| x == id).unwrap_or(0))
            } else {
                ResumeSlot::Saved(refs.iter().position(|&r| r == v).unwrap_or(0))
            }
        };
        let layout = frames
            .iter()
            .map(|&f| {
                let fr = self.frame(f);
                let (vals, n) = self.frame_slots(f);
                let mut slots = vec![ResumeSlot::Const(Value::Int(0)); n as usize];
                for (r, v) in vals {
                    slots[r as usize] = slot(v);
                }
                (fr.jitcode, fr.pc, slots)
            })
            .collect();
        let rv = virts
            .iter()
            .map(|&id| {
                let o = &self.virtuals[id.index()];
                ResumeVirtual {
                    alloc: o.alloc,
                    fields: o
                        .fields
                        .iter()
                        .map(|f| (f.offset, f.descr.ty, slot(f.value)))
                        .collect(),
                }
            })
            .collect();
        (layout, rv)
    }

    /// The symbolic form of [`Trace::resume_frames`]: per frame (outermost first), its
    /// jitcode, pc and, per live value, where the value comes from. A bridge tracer uses it
    /// to map the bridge's inputs onto the interpreter frames it resumes from.
    pub fn resume_layout(&self, s: SnapshotId) -> ResumeLayout {
        self.resume_plan(s).0
    }

    /// The virtual objects [`ResumeSlot::Virtual`] entries of [`Trace::resume_layout`] name.
    pub fn resume_virtuals(&self, s: SnapshotId) -> Vec<ResumeVirtual> {
        self.resume_plan(s).1
    }

    /// Resolve a snapshot to concrete frames given the saved exit values (in
    /// [`Trace::exit_refs`] order, as raw frame-buffer bits). Virtual objects are allocated
    /// and filled ([`materialize`]).
    pub fn resume_frames(&self, s: SnapshotId, saved: &[u64]) -> Vec<ResumeFrame> {
        let (layout, virts) = self.resume_plan(s);
        let addrs = materialize(&virts, saved);
        let refs = self.exit_refs(s);
        layout
            .into_iter()
            .map(|(jitcode, pc, slots)| ResumeFrame {
                jitcode,
                pc,
                values: slots
                    .into_iter()
                    .map(|sl| match sl {
                        ResumeSlot::Const(c) => c,
                        ResumeSlot::Virtual(j) => Value::Ref(addrs[j]),
                        ResumeSlot::Saved(k) => {
                            let bits = saved.get(k).copied().unwrap_or(0);
                            let kind = refs.get(k).map_or(Kind::Int, |&r| self.kind(r));
                            Value::from_bits(kind, bits).unwrap_or(Value::Int(0))
                        }
                    })
                    .collect(),
            })
            .collect()
    }

    /// Positions of all guard ops, in order. Guard number `k` of a trace is `guards()[k]`.
    pub fn guards(&self) -> Vec<usize> {
        (0..self.ops.len())
            .filter(|&i| self.ops[i].opcode.is_guard())
            .collect()
    }

    /// Position of the (last) label with target `t`, if any.
    pub fn label_pos(&self, t: TargetToken) -> Option<usize> {
        (0..self.ops.len())
            .rev()
            .find(|&i| self.ops[i].opcode == Opcode::Label && self.target(i) == Some(t))
    }
}

/// Records ops into a new [`Trace`]. Constants and descriptors are interned.
///
/// ```
/// use metatracer::ir::{TraceBuilder, Kind, Opcode, TargetToken};
/// let mut b = TraceBuilder::new();
/// let i0 = b.input(Kind::Int);
/// let t = TargetToken::fresh();
/// b.label(&[i0], t);
/// let one = b.const_int(1);
/// let i2 = b.op(Opcode::IntAdd, &[i0, one]);
/// let lim = b.const_int(100);
/// let i3 = b.op(Opcode::IntLt, &[i2, lim]);
/// let fr = b.frame(None, 0, 7, &[i2]);
/// let s = b.snapshot(fr);
/// b.guard(Opcode::GuardTrue, &[i3], s);
/// b.jump(&[i2], t);
/// let trace = b.build();
/// assert!(metatracer::ir::verify(&trace).is_ok());
/// ```
#[derive(Default)]
pub struct TraceBuilder {
    t: Trace,
    const_map: HashMap<Value, ConstRef>,
    descr_map: HashMap<Descr, DescrId>,
    /// `t.consts[..consts_indexed]` are in `const_map` (a builder that inherits a trace's
    /// tables indexes them when a pass first interns a constant, not up front).
    consts_indexed: usize,
    /// `t.descrs[..descrs_indexed]` are in `descr_map`.
    descrs_indexed: usize,
}

impl TraceBuilder {
    /// An empty builder.
    pub fn new() -> TraceBuilder {
        TraceBuilder::default()
    }

    /// An empty builder whose constant and descriptor tables start as copies of `src`'s, so
    /// a constant or descriptor of `src` names the same entry in the new trace: what a pass
    /// that copies a trace uses, so its operands need no re-interning (constants the output
    /// no longer uses stay in the table, which only costs its slot).
    pub fn with_tables_of(src: &Trace) -> TraceBuilder {
        // (room for as much as the source has: a pass's output is about its input's size)
        TraceBuilder {
            t: Trace {
                ops: Vec::with_capacity(src.ops.len()),
                args: Vec::with_capacity(src.args.len()),
                consts: src.consts.clone(),
                descrs: src.descrs.clone(),
                frames: Vec::with_capacity(src.frames.len()),
                frame_values: Vec::with_capacity(src.frame_values.len()),
                frame_regs: Vec::with_capacity(src.frame_regs.len()),
                snapshots: Vec::with_capacity(src.snapshots.len()),
                virtuals: Vec::new(),
            },
            ..TraceBuilder::default()
        }
    }

    /// Whether constant `c` of `src` is the same entry of this builder's table (the builder
    /// inherited `src`'s tables, or the value happens to sit at the same index).
    fn same_const(&self, src: &Trace, c: ConstRef) -> bool {
        let i = c.index();
        i < self.t.consts.len() && src.consts.get(i) == Some(&self.t.consts[i])
    }

    /// Constant operand `c` of `src` in this builder (the same entry when the builder
    /// inherited `src`'s table, else interned).
    pub fn const_from(&mut self, src: &Trace, c: ConstRef) -> OpRef {
        if self.same_const(src, c) {
            OpRef::constant(c)
        } else {
            self.constant(src.constant(c))
        }
    }

    /// Descriptor `d` of `src` in this builder (the same entry when the builder inherited
    /// `src`'s table, else interned).
    pub fn descr_from(&mut self, src: &Trace, d: DescrId) -> DescrId {
        let i = d.index();
        if i < self.t.descrs.len() && src.descrs.get(i) == Some(&self.t.descrs[i]) {
            d
        } else {
            self.descr(src.descrs[d.index()].clone())
        }
    }

    fn index_consts(&mut self) {
        while self.consts_indexed < self.t.consts.len() {
            let i = self.consts_indexed;
            self.const_map
                .entry(self.t.consts[i])
                .or_insert(ConstRef::new(i));
            self.consts_indexed += 1;
        }
    }

    fn index_descrs(&mut self) {
        while self.descrs_indexed < self.t.descrs.len() {
            let i = self.descrs_indexed;
            self.descr_map
                .entry(self.t.descrs[i].clone())
                .or_insert(DescrId::new(i));
            self.descrs_indexed += 1;
        }
    }

    /// The trace recorded so far (read-only).
    pub fn trace(&self) -> &Trace {
        &self.t
    }

    /// Number of ops recorded so far.
    pub fn len(&self) -> usize {
        self.t.ops.len()
    }

    /// Whether nothing was recorded yet.
    pub fn is_empty(&self) -> bool {
        self.t.ops.is_empty()
    }

    /// Finish recording and return the trace (does not verify; call [`super::verify`]).
    pub fn build(self) -> Trace {
        self.t
    }

    /// The kind of an operand recorded so far.
    pub fn kind(&self, r: OpRef) -> Kind {
        self.t.kind(r)
    }

    /// Add a trace input (inputs must be added before any other op).
    pub fn input(&mut self, kind: Kind) -> OpRef {
        let opc = Opcode::input_for(kind).unwrap_or(Opcode::InputI);
        self.push(opc, &[], None, None)
    }

    /// Intern a constant.
    pub fn constant(&mut self, v: Value) -> OpRef {
        self.index_consts();
        if let Some(&c) = self.const_map.get(&v) {
            return OpRef::constant(c);
        }
        let c = ConstRef::new(self.t.consts.len());
        self.t.consts.push(v);
        self.const_map.insert(v, c);
        self.consts_indexed += 1;
        OpRef::constant(c)
    }

    /// Intern an int constant.
    pub fn const_int(&mut self, i: i64) -> OpRef {
        self.constant(Value::Int(i))
    }

    /// Intern a float constant.
    pub fn const_float(&mut self, f: f64) -> OpRef {
        self.constant(Value::Float(f))
    }

    /// Intern a ref constant.
    pub fn const_ref(&mut self, p: usize) -> OpRef {
        self.constant(Value::Ref(p))
    }

    /// Intern a descriptor.
    pub fn descr(&mut self, d: Descr) -> DescrId {
        self.index_descrs();
        if let Some(&id) = self.descr_map.get(&d) {
            return id;
        }
        let id = DescrId::new(self.t.descrs.len());
        self.t.descrs.push(d.clone());
        self.descr_map.insert(d, id);
        self.descrs_indexed += 1;
        id
    }

    /// The descriptor `id` of the trace being built.
    pub fn descr_of(&self, id: DescrId) -> &Descr {
        &self.t.descrs[id.index()]
    }

    /// Record an op with everything explicit; returns its result ref (also for void ops).
    pub fn push(
        &mut self,
        opcode: Opcode,
        args: &[OpRef],
        descr: Option<DescrId>,
        snapshot: Option<SnapshotId>,
    ) -> OpRef {
        let r = OpRef::op(self.t.ops.len());
        let args_start = u32::try_from(self.t.args.len()).expect("trace too large");
        self.t.args.extend_from_slice(args);
        self.t.ops.push(Op {
            opcode,
            nargs: u16::try_from(args.len()).expect("too many op arguments"),
            args_start,
            descr: descr.map_or(NONE, |d| d.as_u32()),
            snapshot: snapshot.map_or(NONE, |s| s.as_u32()),
        });
        r
    }

    /// Record a plain op (no descr, no snapshot).
    pub fn op(&mut self, opcode: Opcode, args: &[OpRef]) -> OpRef {
        self.push(opcode, args, None, None)
    }

    /// Record an op with a descriptor.
    pub fn op_descr(&mut self, opcode: Opcode, args: &[OpRef], descr: Descr) -> OpRef {
        let d = self.descr(descr);
        self.push(opcode, args, Some(d), None)
    }

    /// Record a guard with its snapshot.
    pub fn guard(&mut self, opcode: Opcode, args: &[OpRef], snapshot: SnapshotId) -> OpRef {
        self.push(opcode, args, None, Some(snapshot))
    }

    /// Record a snapshot frame; `parent` is the caller's frame (shared between snapshots).
    pub fn frame(
        &mut self,
        parent: Option<FrameId>,
        jitcode: u32,
        pc: u32,
        values: &[OpRef],
    ) -> FrameId {
        let id = FrameId::new(self.t.frames.len());
        let values_start = u32::try_from(self.t.frame_values.len()).expect("trace too large");
        self.t.frame_values.extend_from_slice(values);
        self.t.frames.push(Frame {
            parent,
            jitcode,
            pc,
            values_start,
            values_len: u32::try_from(values.len()).expect("too many frame values"),
            regs_start: NONE,
            nregs: 0,
        });
        id
    }

    /// A new virtual object of shape `alloc` with no fields yet (see
    /// [`TraceBuilder::set_virtual_fields`]); the result may only appear in snapshots.
    pub fn new_virtual(&mut self, alloc: AllocDescr) -> OpRef {
        let id = VirtId::new(self.t.virtuals.len());
        self.t.virtuals.push(VirtualObj {
            alloc,
            fields: Vec::new(),
        });
        OpRef::virt(id)
    }

    /// Sets the fields of a virtual object made by [`TraceBuilder::new_virtual`].
    pub fn set_virtual_fields(&mut self, v: OpRef, fields: Vec<VField>) {
        if let Some(id) = v.as_virt() {
            self.t.virtuals[id.index()].fields = fields;
        }
    }

    /// Sets the shape and fields of a virtual object (the parser learns the shape late).
    pub fn set_virtual(&mut self, v: OpRef, alloc: AllocDescr, fields: Vec<VField>) {
        if let Some(id) = v.as_virt() {
            self.t.virtuals[id.index()] = VirtualObj { alloc, fields };
        }
    }

    /// Copies snapshot value `v` of `src` into this builder: constants are interned, ops go
    /// through `map` (`None`: removed), virtual objects are copied with their fields,
    /// recursively, once per `memo` (keep one memo for a whole trace copy: frames, and with
    /// them virtual objects, are shared between snapshots).
    pub fn copy_snapshot_value(
        &mut self,
        src: &Trace,
        v: OpRef,
        map: &mut dyn FnMut(&mut TraceBuilder, OpRef) -> Option<OpRef>,
        memo: &mut HashMap<VirtId, OpRef>,
    ) -> Option<OpRef> {
        if let Some(c) = v.as_const() {
            return Some(self.const_from(src, c));
        }
        let Some(id) = v.as_virt() else {
            return map(self, v);
        };
        if let Some(&nv) = memo.get(&id) {
            return Some(nv);
        }
        let o = src.virtual_obj(id).clone();
        let nv = self.new_virtual(o.alloc);
        memo.insert(id, nv);
        let mut fields = Vec::with_capacity(o.fields.len());
        for f in &o.fields {
            let value = self.copy_snapshot_value(src, f.value, map, memo)?;
            fields.push(VField { value, ..*f });
        }
        self.set_virtual_fields(nv, fields);
        Some(nv)
    }

    /// `new`: a fresh zeroed object of shape `alloc`.
    pub fn new_object(&mut self, alloc: AllocDescr) -> OpRef {
        self.op_descr(Opcode::New, &[], Descr::Alloc(alloc))
    }

    /// Record a sparse snapshot frame of `nregs` registers of which only `regs` (ascending,
    /// each below `nregs`) are live, with `values` (one per listed register); the others
    /// resume as 0. See [`Frame`].
    pub fn sparse_frame(
        &mut self,
        parent: Option<FrameId>,
        jitcode: u32,
        pc: u32,
        nregs: u32,
        regs: &[u32],
        values: &[OpRef],
    ) -> FrameId {
        assert_eq!(regs.len(), values.len(), "one register number per value");
        let regs_start = u32::try_from(self.t.frame_regs.len()).expect("trace too large");
        self.t.frame_regs.extend_from_slice(regs);
        let id = self.frame(parent, jitcode, pc, values);
        let fr = &mut self.t.frames[id.index()];
        fr.regs_start = regs_start;
        fr.nregs = nregs;
        id
    }

    /// Record a copy of frame `f` of trace `from` (dense or sparse alike) with new `values`,
    /// one per value of the original: what passes that rewrite a trace's operands use.
    pub fn copy_frame(
        &mut self,
        parent: Option<FrameId>,
        from: &Trace,
        f: FrameId,
        values: &[OpRef],
    ) -> FrameId {
        let fr = from.frame(f);
        match from.frame_regs(f) {
            Some((regs, n)) => self.sparse_frame(parent, fr.jitcode, fr.pc, n, regs, values),
            None => self.frame(parent, fr.jitcode, fr.pc, values),
        }
    }

    /// Record a snapshot whose innermost frame is `top`.
    pub fn snapshot(&mut self, top: FrameId) -> SnapshotId {
        let id = SnapshotId::new(self.t.snapshots.len());
        self.t.snapshots.push(Snapshot { top });
        id
    }

    /// `load_{i,f,r}(base, offset)`; the op is picked from the descr's type.
    pub fn load(&mut self, base: OpRef, offset: i64, m: MemDescr) -> OpRef {
        let opc = match m.ty.kind() {
            Kind::Float => Opcode::LoadF,
            Kind::Ref => Opcode::LoadR,
            _ => Opcode::LoadI,
        };
        let o = self.const_int(offset);
        self.op_descr(opc, &[base, o], Descr::Mem(m.scaled(0)))
    }

    /// `load_idx_{i,f,r}(base, index, offset)` with stride `m.scale`.
    pub fn load_idx(&mut self, base: OpRef, index: OpRef, offset: i64, m: MemDescr) -> OpRef {
        let opc = match m.ty.kind() {
            Kind::Float => Opcode::LoadIdxF,
            Kind::Ref => Opcode::LoadIdxR,
            _ => Opcode::LoadIdxI,
        };
        let o = self.const_int(offset);
        self.op_descr(opc, &[base, index, o], Descr::Mem(m))
    }

    /// `store_{i,f,r}(base, offset, value)`.
    pub fn store(&mut self, base: OpRef, offset: i64, value: OpRef, m: MemDescr) -> OpRef {
        let opc = match m.ty.kind() {
            Kind::Float => Opcode::StoreF,
            Kind::Ref => Opcode::StoreR,
            _ => Opcode::StoreI,
        };
        let o = self.const_int(offset);
        self.op_descr(opc, &[base, o, value], Descr::Mem(m.scaled(0)))
    }

    /// `store_idx_{i,f,r}(base, index, offset, value)` with stride `m.scale`.
    pub fn store_idx(
        &mut self,
        base: OpRef,
        index: OpRef,
        offset: i64,
        value: OpRef,
        m: MemDescr,
    ) -> OpRef {
        let opc = match m.ty.kind() {
            Kind::Float => Opcode::StoreIdxF,
            Kind::Ref => Opcode::StoreIdxR,
            _ => Opcode::StoreIdxI,
        };
        let o = self.const_int(offset);
        self.op_descr(opc, &[base, index, o, value], Descr::Mem(m))
    }

    /// A call of the native function at `func` (`pure` for elidable callees).
    pub fn call(&mut self, func: usize, args: &[OpRef], descr: CallDescr, pure: bool) -> OpRef {
        let opc = Opcode::call_for(descr.ret, pure);
        let mut all = Vec::with_capacity(args.len() + 1);
        all.push(self.const_int(func as i64));
        all.extend_from_slice(args);
        self.op_descr(opc, &all, Descr::Call(descr))
    }

    /// `label(args)` naming loop header `t`.
    pub fn label(&mut self, args: &[OpRef], t: TargetToken) -> OpRef {
        self.op_descr(Opcode::Label, args, Descr::Target(t))
    }

    /// `jump(args)` to label `t`.
    pub fn jump(&mut self, args: &[OpRef], t: TargetToken) -> OpRef {
        self.op_descr(Opcode::Jump, args, Descr::Target(t))
    }

    /// `finish(args)`.
    pub fn finish(&mut self, args: &[OpRef]) -> OpRef {
        self.op(Opcode::Finish, args)
    }

    /// Leave the trace unconditionally through `snapshot` (for a trace that ends at a merge
    /// point other than its own loop header): records `guard_true(0) [snapshot]` followed by
    /// `finish()`. The guard always fails, so the exit reports the snapshot like any guard,
    /// and a bridge can later be attached to it.
    pub fn exit_via(&mut self, snapshot: SnapshotId) {
        let zero = self.const_int(0);
        self.guard(Opcode::GuardTrue, &[zero], snapshot);
        self.finish(&[]);
    }

    /// `debug_merge_point(key...)` with a description for logs.
    pub fn debug_merge_point(&mut self, key: &[OpRef], text: &str) -> OpRef {
        self.op_descr(Opcode::DebugMergePoint, key, Descr::Text(text.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Ops are stored by the thousand per trace and scanned by every pass: keep them at 16 bytes.
    #[test]
    fn op_size() {
        assert_eq!(std::mem::size_of::<Op>(), 16);
        assert_eq!(std::mem::size_of::<OpRef>(), 4);
    }

    #[test]
    fn constants_are_interned_and_snapshots_share_frames() {
        let mut b = TraceBuilder::new();
        let i0 = b.input(Kind::Int);
        assert_eq!(b.const_int(5), b.const_int(5));
        assert_ne!(b.const_int(5), b.const_float(5.0));
        let outer = b.frame(None, 1, 10, &[i0]);
        let inner1 = b.frame(Some(outer), 2, 3, &[]);
        let inner2 = b.frame(Some(outer), 2, 4, &[i0]);
        let s1 = b.snapshot(inner1);
        let s2 = b.snapshot(inner2);
        let t = b.build();
        assert_eq!(t.snapshot_frames(s1), vec![outer, inner1]);
        assert_eq!(t.snapshot_frames(s2), vec![outer, inner2]);
        assert_eq!(t.exit_refs(s2), vec![i0]);
        assert_eq!(
            t.resume_layout(s2),
            vec![
                (1, 10, vec![ResumeSlot::Saved(0)]),
                (2, 4, vec![ResumeSlot::Saved(0)])
            ]
        );
        let rf = t.resume_frames(s2, &[42]);
        assert_eq!(rf[0].values, vec![Value::Int(42)]);
        assert_eq!(rf[1].pc, 4);
    }
}
