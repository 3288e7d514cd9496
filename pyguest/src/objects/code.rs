//! Code objects: the GC part (constants, names, inline caches, the frame free list) around the
//! reference-free compiled part (`CodeData`: instructions, line table, exception table,
//! parameter counts, defined with the bytecode in `compiler/bytecode.rs` and re-exported here),
//! and the `co_*` attributes. Built from the compiler's output by `interpreter/code.rs`.

use crate::objects::ops::ArgVec;
use crate::objects::{new_str, new_tuple};
use crate::value::{Kind, Value};
use metatracer::gc::{Array, Gc, GcCell};
use metatracer::Trace;
use std::cell::Cell;

pub use crate::compiler::bytecode::{
    CodeData, ExcEntry, CO_ASYNC_GENERATOR, CO_COROUTINE, CO_GENERATOR, CO_ITERABLE_COROUTINE,
    CO_NAMESPACE, CO_VARARGS, CO_VARKW,
};

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

downcast!(as_code, CodeObj, Code);

// ---------------------------------------------------------------- attributes

/// The `co_*` attributes of a code object (CPython's `co_flags` bits are rebuilt from ours).
pub(crate) fn code_attr(c: Gc<CodeObj>, n: &str) -> crate::vm::PyResult<Option<Value>> {
    match n {
        "co_name" => return Ok(Some(new_str(&c.d.name))),
        "co_filename" => return Ok(Some(new_str(&c.d.filename))),
        "co_argcount" => return Ok(Some(Value::small(c.d.argcount as i64))),
        "co_firstlineno" => return Ok(Some(Value::small(c.d.firstline as i64))),
        "co_posonlyargcount" => return Ok(Some(Value::small(c.d.posonly as i64))),
        "co_kwonlyargcount" => return Ok(Some(Value::small(c.d.kwonly as i64))),
        "co_nlocals" => return Ok(Some(Value::small(c.d.varnames.len() as i64))),
        "co_flags" => {
            // CPython's bits: OPTIMIZED|NEWLOCALS for function bodies, VARARGS 0x04,
            // VARKEYWORDS 0x08, GENERATOR 0x20.
            let f = c.d.flags;
            let mut cf = if f & CO_NAMESPACE == 0 { 0x3 } else { 0 };
            if f & CO_VARARGS != 0 {
                cf |= 0x04;
            }
            if f & CO_VARKW != 0 {
                cf |= 0x08;
            }
            if f & CO_COROUTINE != 0 {
                cf |= 0x80;
            } else if f & CO_ASYNC_GENERATOR != 0 {
                cf |= 0x200;
            } else if f & CO_GENERATOR != 0 {
                cf |= 0x20;
            }
            if f & CO_ITERABLE_COROUTINE != 0 {
                cf |= 0x100;
            }
            return Ok(Some(Value::small(cf)));
        }
        "co_varnames" => return Ok(Some(str_tuple(&c.d.varnames))),
        "co_cellvars" => return Ok(Some(str_tuple(&c.d.cellvars))),
        "co_freevars" => return Ok(Some(str_tuple(&c.d.freevars))),
        "co_qualname" => return Ok(Some(new_str(&c.d.qualname))),
        "co_stacksize" => return Ok(Some(Value::small(c.d.stacksize as i64))),
        // pyguest's own instructions (docs/pyguest-bytecode.md): one little-endian u32 each,
        // opcode in the low byte, so offsets are 4 bytes apart (`dis` reads them)
        "co_code" => {
            let b: Vec<u8> = c.d.code.iter().flat_map(|w| w.to_le_bytes()).collect();
            return Ok(Some(crate::objects::new_bytes(b, false)));
        }
        "co_consts" => {
            let v: ArgVec = c.consts.as_slice().iter().copied().collect();
            return Ok(Some(new_tuple(&v)));
        }
        "co_names" => {
            let v: ArgVec = c.names.as_slice().iter().copied().collect();
            return Ok(Some(new_tuple(&v)));
        }
        _ => {}
    }
    Ok(None)
}

fn str_tuple(names: &[String]) -> Value {
    let v: ArgVec = names.iter().map(|s| new_str(s)).collect();
    new_tuple(&v)
}

/// The methods of `code`: none are native; its attributes are computed from its layout
/// ([`code_attr`]).
pub(crate) static METHODS: &[crate::objects::native::Method] = &[];
