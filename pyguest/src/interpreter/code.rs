//! Code objects: a compiled unit ([`CodeUnit`]) becomes a GC [`CodeObj`] with its constants
//! as values, interned names, one inline-cache word per instruction and the method-cache
//! slots of its `LOAD_METHOD` sites; and a disassembler for `PYGUEST_DIS=1`.
//!
//! Assumes the unit came from `compiler::codegen` (valid op numbers, name and constant
//! indices in range).

use crate::argvec::ArgVec;
use crate::compiler::bytecode::Op;
use crate::compiler::codegen::{CodeUnit, Const};
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm;
use metatracer::gc::{self, Gc, GcCell};
use std::cell::Cell;

/// Turns a compiled unit into a GC code object (constants become values).
pub fn materialize(unit: &CodeUnit) -> Gc<CodeObj> {
    // ArgVec, not Vec: `const_value` and `intern` allocate (rooting in docs/gc.md).
    let consts: ArgVec = unit.consts.iter().map(const_value).collect();
    let names: ArgVec = unit.names.iter().map(|n| vm::intern(n)).collect();
    let consts = gc::alloc_array_from_slice(&consts);
    let names = gc::alloc_array_from_slice(&names);
    let cache: Box<[Cell<u64>]> = (0..unit.data.code.len()).map(|_| Cell::new(0u64)).collect();
    let mut nsites = 0u64;
    for (i, w) in unit.data.code.iter().enumerate() {
        if crate::compiler::bytecode::decode(*w).0 == Op::LOAD_METHOD {
            nsites += 1;
            cache[i].set(nsites);
        }
    }
    let icache = gc::alloc_array(3 * nsites as usize, Value::NULL);
    if std::env::var_os("PYGUEST_DIS").is_some() {
        eprintln!("{}", disassemble(unit));
    }
    gc::alloc(CodeObj {
        kind: Kind::Code,
        consts,
        names,
        cache,
        free_frames: GcCell::new(Value::NULL),
        icache,
        d: Box::new(unit.data.to_data()),
    })
}

/// Human-readable listing of a compiled unit (set `PYGUEST_DIS=1` to print every unit).
pub fn disassemble(unit: &CodeUnit) -> String {
    let d = &unit.data;
    let mut out = format!(
        "code {} ({}:{}) vars={:?} cells={:?} free={:?}\n",
        d.qualname, d.filename, d.firstline, d.varnames, d.cellvars, d.freevars
    );
    for (i, w) in d.code.iter().enumerate() {
        let (op, arg) = crate::compiler::bytecode::decode(*w);
        let extra = match op {
            Op::LOAD_CONST => format!(
                "{:?}",
                unit.consts.get(arg as usize).map(|c| match c {
                    Const::Code(u) => format!("<code {}>", u.data.name),
                    other => format!("{other:?}"),
                })
            ),
            Op::LOAD_GLOBAL
            | Op::STORE_GLOBAL
            | Op::LOAD_NAME
            | Op::STORE_NAME
            | Op::LOAD_ATTR
            | Op::STORE_ATTR
            | Op::LOAD_METHOD
            | Op::IMPORT_NAME
            | Op::IMPORT_FROM => unit.names.get(arg as usize).cloned().unwrap_or_default(),
            Op::LOAD_FAST | Op::STORE_FAST => {
                d.varnames.get(arg as usize).cloned().unwrap_or_default()
            }
            _ => String::new(),
        };
        out.push_str(&format!(
            "  {:4} L{:<4} {:<22} {:<6} {}\n",
            i,
            d.lines[i],
            op.name(),
            arg,
            extra
        ));
    }
    for e in &d.exc_table {
        out.push_str(&format!(
            "  except [{}, {}) -> {} depth {}\n",
            e.start, e.end, e.handler, e.depth
        ));
    }
    out
}

fn const_value(c: &Const) -> Value {
    match c {
        Const::None => Value::NONE,
        Const::Bool(b) => Value::bool(*b),
        Const::Ellipsis => Value::ELLIPSIS,
        Const::Int(i) => new_int(*i),
        Const::BigInt(s) => crate::objects::native::parse_int_literal(s).unwrap_or(Value::small(0)),
        Const::Float(f) => new_float(*f),
        Const::Complex(r, i) => new_complex(*r, *i),
        Const::Str(s) => {
            if s.len() <= 40 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                vm::intern(s)
            } else {
                new_str(s)
            }
        }
        Const::SurrStr(cps) => crate::objects::surr::from_code_points(cps)
            .unwrap_or_else(|_| new_string(cps.iter().map(|_| '\u{fffd}').collect())),
        Const::Bytes(b) => new_bytes(b.clone(), false),
        Const::Tuple(items) => {
            let v: ArgVec = items.iter().map(const_value).collect();
            new_tuple(&v)
        }
        Const::Code(u) => Value::obj(materialize(u)),
    }
}
