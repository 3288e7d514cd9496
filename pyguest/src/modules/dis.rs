//! `_pgdis`: what pyguest's `dis` module (`pyguest/lib/dis.py`) needs to know about pyguest's
//! own bytecode (docs/pyguest-bytecode.md), which is not CPython's: the op table (names in
//! numbering order and the meaning of each op's argument, from `compiler/bytecode.rs`) and
//! the parts of a code object that have no `co_*` attribute (the line of every instruction,
//! the exception table).
//!
//! Functions: `opnames()` (list of names; index = opcode), `argkinds()` (list of `"unused"`,
//! `"number"`, `"const"`, `"name"`, `"local"`, `"cell"`, `"jump"`, `"binop"`, `"compare"`),
//! `lines(code)` (tuple: the source line of each instruction), `exctable(code)` (tuple of
//! `(start, end, handler, depth)` in instruction indices). A non-code argument is a
//! `TypeError`.

use crate::argvec::ArgVec;
use crate::compiler::bytecode::{ArgKind, Op};
use crate::interpreter::PyResult;
use crate::objects::*;
use crate::vm::{self, type_error};
use metatracer::gc::Gc;

fn code_arg(a: &Args) -> PyResult<Gc<CodeObj>> {
    let v = a
        .pos
        .first()
        .copied()
        .ok_or_else(|| type_error("_pgdis: missing code argument"))?;
    as_code(v).ok_or_else(|| {
        type_error(format!(
            "_pgdis: expected a code object, not '{}'",
            vm::type_name(v)
        ))
    })
}

fn kind_name(k: ArgKind) -> &'static str {
    match k {
        ArgKind::Unused => "unused",
        ArgKind::Number => "number",
        ArgKind::Const => "const",
        ArgKind::Name => "name",
        ArgKind::Local => "local",
        ArgKind::Cell => "cell",
        ArgKind::Jump => "jump",
        ArgKind::BinOp => "binop",
        ArgKind::Compare => "compare",
    }
}

fn def(m: Gc<ModuleObj>, name: &'static str, f: NativeFn) {
    m.dict.set_str(name, new_builtin(name, f));
}

/// The `_pgdis` module.
pub fn make() -> Gc<ModuleObj> {
    let m = crate::import::new_module("_pgdis", None);
    def(m, "opnames", |_| {
        let v: ArgVec = Op::ALL.iter().map(|op| new_str(op.name())).collect();
        Ok(new_list_from(&v))
    });
    def(m, "argkinds", |_| {
        let v: ArgVec = Op::ALL
            .iter()
            .map(|op| new_str(kind_name(op.arg_kind())))
            .collect();
        Ok(new_list_from(&v))
    });
    def(m, "lines", |a| {
        let c = code_arg(&a)?;
        let v: ArgVec = c.d.lines.iter().map(|&l| new_int(l as i64)).collect();
        Ok(new_tuple(&v))
    });
    def(m, "exctable", |a| {
        let c = code_arg(&a)?;
        let v: ArgVec =
            c.d.exc_table
                .iter()
                .map(|e| {
                    new_tuple(&[
                        new_int(e.start as i64),
                        new_int(e.end as i64),
                        new_int(e.handler as i64),
                        new_int(e.depth as i64),
                    ])
                })
                .collect();
        Ok(new_tuple(&v))
    });
    m
}
