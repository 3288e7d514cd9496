//! Compiler: ruff AST -> bytecode units ([`CodeUnit`]), one per module, function, lambda,
//! comprehension and class body.
//!
//! Invariants the interpreter relies on:
//! * at statement boundaries the value stack holds only what enclosing constructs keep there
//!   (a `for` iterator, a `with` exit method, an exception being handled); the compiler tracks
//!   that count (`depth`) structurally and stores it in each exception-table entry;
//! * every instruction records the source line of the statement/call it belongs to;
//! * `return`/`break`/`continue` inside `try`/`with`/`except` run the pending cleanups inline
//!   (finally bodies are compiled once per exit path), covered by the outer handlers only.
//!
//! The result is reference-free Rust data; `interpreter::materialize` turns it into GC objects.

use crate::compiler::bytecode::{binop, encode, Op};
use crate::compiler::symtable::{NameLoc, ScopeKind, SymTable};
use crate::objects::{CodeData, ExcEntry, CO_GENERATOR, CO_NAMESPACE, CO_VARARGS, CO_VARKW};
use ruff_python_ast::{self as ast, Expr, Pattern, Stmt};
use ruff_text_size::{Ranged, TextSize};
use std::collections::HashMap;
use std::rc::Rc;

/// A compile-time constant.
#[derive(Debug, Clone)]
pub enum Const {
    None,
    Bool(bool),
    Ellipsis,
    Int(i64),
    BigInt(String),
    Float(f64),
    Complex(f64, f64),
    Str(String),
    Bytes(Vec<u8>),
    Tuple(Vec<Const>),
    Code(Rc<CodeUnit>),
}

/// One compiled code object, before materialization.
#[derive(Debug)]
pub struct CodeUnit {
    pub data: CodeDataLite,
    pub consts: Vec<Const>,
    pub names: Vec<String>,
}

/// Cloneable mirror of [`CodeData`].
#[derive(Debug, Clone)]
pub struct CodeDataLite {
    pub name: String,
    pub qualname: String,
    pub filename: Rc<str>,
    pub code: Vec<u32>,
    pub lines: Vec<u32>,
    pub firstline: u32,
    pub doc: Option<String>,
    pub argcount: u32,
    pub posonly: u32,
    pub kwonly: u32,
    pub flags: u32,
    pub varnames: Vec<String>,
    pub cellvars: Vec<String>,
    pub freevars: Vec<String>,
    pub cell_args: Vec<Option<u32>>,
    pub stacksize: u32,
    pub exc_table: Vec<ExcEntry>,
}

impl CodeDataLite {
    pub fn to_data(&self) -> CodeData {
        CodeData {
            name: self.name.clone(),
            qualname: self.qualname.clone(),
            filename: self.filename.clone(),
            code: self.code.clone(),
            lines: self.lines.clone(),
            firstline: self.firstline,
            doc: self.doc.clone(),
            argcount: self.argcount,
            posonly: self.posonly,
            kwonly: self.kwonly,
            flags: self.flags,
            varnames: self.varnames.clone(),
            cellvars: self.cellvars.clone(),
            freevars: self.freevars.clone(),
            cell_args: self.cell_args.clone(),
            stacksize: self.stacksize,
            exc_table: self.exc_table.clone(),
        }
    }
}

/// A compile error: message and byte offset.
#[derive(Debug)]
pub struct CompileError {
    pub msg: String,
    pub offset: u32,
}

type CResult<T> = Result<T, CompileError>;

#[derive(Clone, Copy)]
enum Block {
    Loop {
        brk: usize,
        cont: usize,
        is_for: bool,
    },
    Finally {
        body: *const [Stmt],
        hlevel: usize,
    },
    ExceptBody,
    With {
        hlevel: usize,
    },
}

struct Unit {
    scope: usize,
    kind: ScopeKind,
    code: Vec<u32>,
    lines: Vec<u32>,
    handler_of: Vec<i32>,
    consts: Vec<Const>,
    names: Vec<String>,
    name_idx: HashMap<String, u32>,
    varnames: Vec<String>,
    var_idx: HashMap<String, u32>,
    labels: Vec<u32>,
    patches: Vec<(usize, usize)>,
    line: u32,
    blocks: Vec<Block>,
    /// Active handlers: (label, stack depth).
    handlers: Vec<(usize, u32)>,
    handler_table: Vec<(usize, u32)>,
    depth: u32,
    qualname: String,
    tmp_counter: u32,
}

pub struct Compiler<'a> {
    st: &'a SymTable,
    line_starts: Vec<u32>,
    filename: Rc<str>,
    units: Vec<Unit>,
    /// Source text, for `from __future__ import annotations` (annotations kept as strings).
    source: Rc<str>,
    future_annotations: bool,
}

const UNBOUND_LABEL: u32 = u32::MAX;

fn err<T>(msg: impl Into<String>, offset: TextSize) -> CResult<T> {
    Err(CompileError {
        msg: msg.into(),
        offset: offset.to_u32(),
    })
}

/// Compiles a module body.
pub fn compile_module(
    body: &[Stmt],
    source: &str,
    filename: &str,
    name: &str,
) -> CResult<Rc<CodeUnit>> {
    let st = SymTable::build_module(body);
    let mut c = Compiler::new(&st, source, filename);
    c.push_unit(0, name.to_string(), String::new());
    c.future_annotations = body.iter().any(|s| {
        matches!(s, Stmt::ImportFrom(i)
            if i.module.as_ref().is_some_and(|m| m.as_str() == "__future__")
                && i.names.iter().any(|a| a.name.as_str() == "annotations"))
    });
    c.setup_annotations(body);
    c.stmts(body)?;
    c.emit_const(Const::None);
    c.emit(Op::RETURN_VALUE, 0);
    Ok(Rc::new(c.pop_unit(name.to_string(), 1, None)))
}

/// Compiles an expression for `eval` (the code returns its value).
pub fn compile_eval(e: &Expr, source: &str, filename: &str) -> CResult<Rc<CodeUnit>> {
    let st = SymTable::build_expr(e);
    let mut c = Compiler::new(&st, source, filename);
    c.push_unit(0, "<module>".to_string(), String::new());
    c.expr(e)?;
    c.emit(Op::RETURN_VALUE, 0);
    Ok(Rc::new(c.pop_unit("<module>".to_string(), 1, None)))
}

/// Whether a module or class body has an annotated simple name (`x: T`) outside nested scopes.
fn has_annotations(body: &[Stmt]) -> bool {
    body.iter().any(|s| match s {
        Stmt::AnnAssign(a) => a.simple && matches!(&*a.target, Expr::Name(_)),
        Stmt::If(i) => {
            has_annotations(&i.body) || i.elif_else_clauses.iter().any(|c| has_annotations(&c.body))
        }
        Stmt::For(f) => has_annotations(&f.body) || has_annotations(&f.orelse),
        Stmt::While(w) => has_annotations(&w.body) || has_annotations(&w.orelse),
        Stmt::With(w) => has_annotations(&w.body),
        Stmt::Try(t) => {
            has_annotations(&t.body)
                || has_annotations(&t.orelse)
                || has_annotations(&t.finalbody)
                || t.handlers.iter().any(|h| match h {
                    ast::ExceptHandler::ExceptHandler(h) => has_annotations(&h.body),
                })
        }
        _ => false,
    })
}

impl<'a> Compiler<'a> {
    /// Starts a module or class body that has annotations with `__annotations__ = {}`.
    fn setup_annotations(&mut self, body: &[Stmt]) {
        if has_annotations(body) {
            self.emit(Op::BUILD_MAP, 0);
            let n = self.name_index("__annotations__");
            self.emit(Op::STORE_NAME, n);
        }
    }

    fn new(st: &'a SymTable, source: &str, filename: &str) -> Self {
        let mut line_starts = vec![0u32];
        for (i, b) in source.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i as u32 + 1);
            }
        }
        Compiler {
            st,
            line_starts,
            filename: filename.into(),
            units: Vec::new(),
            source: source.into(),
            future_annotations: false,
        }
    }

    fn line_of(&self, off: TextSize) -> u32 {
        let o = off.to_u32();
        match self.line_starts.binary_search(&o) {
            Ok(i) => i as u32 + 1,
            Err(i) => i as u32,
        }
    }

    fn u(&mut self) -> &mut Unit {
        self.units.last_mut().unwrap()
    }

    fn push_unit(&mut self, scope: usize, name: String, qualname: String) {
        let sc = &self.st.scopes[scope];
        let mut varnames = Vec::new();
        let mut var_idx = HashMap::new();
        if matches!(sc.kind, ScopeKind::Function | ScopeKind::Comprehension) {
            for p in sc.params.iter().chain(sc.bound.iter()) {
                if !var_idx.contains_key(p) {
                    var_idx.insert(p.clone(), varnames.len() as u32);
                    varnames.push(p.clone());
                }
            }
        }
        let _ = name;
        self.units.push(Unit {
            scope,
            kind: sc.kind,
            code: Vec::new(),
            lines: Vec::new(),
            handler_of: Vec::new(),
            consts: Vec::new(),
            names: Vec::new(),
            name_idx: HashMap::new(),
            varnames,
            var_idx,
            labels: Vec::new(),
            patches: Vec::new(),
            line: 1,
            blocks: Vec::new(),
            handlers: Vec::new(),
            handler_table: Vec::new(),
            depth: 0,
            qualname,
            tmp_counter: 0,
        });
    }

    fn pop_unit(
        &mut self,
        name: String,
        firstline: u32,
        sig: Option<(u32, u32, u32, u32)>,
    ) -> CodeUnit {
        let mut u = self.units.pop().unwrap();
        for &(at, label) in &u.patches {
            let target = u.labels[label];
            debug_assert!(target != UNBOUND_LABEL);
            let op = u.code[at] & 0xff;
            u.code[at] = op | (target << 8);
        }
        // exception table from per-instruction handlers
        let mut exc_table = Vec::new();
        let mut i = 0;
        while i < u.handler_of.len() {
            let h = u.handler_of[i];
            if h < 0 {
                i += 1;
                continue;
            }
            let start = i;
            while i < u.handler_of.len() && u.handler_of[i] == h {
                i += 1;
            }
            let (label, depth) = u.handler_table[h as usize];
            exc_table.push(ExcEntry {
                start: start as u32,
                end: i as u32,
                handler: u.labels[label],
                depth,
            });
        }
        let mut stacksize = 4u32;
        for w in &u.code {
            let (op, arg) = crate::compiler::bytecode::decode(*w);
            stacksize += op.max_push(arg);
        }
        let sc = &self.st.scopes[u.scope];
        let mut flags = 0;
        let (argcount, posonly, kwonly, f) = sig.unwrap_or((0, 0, 0, 0));
        flags |= f;
        if sc.has_yield {
            flags |= CO_GENERATOR;
        }
        if matches!(sc.kind, ScopeKind::Module | ScopeKind::Class) {
            flags |= CO_NAMESPACE;
        }
        let cell_args = sc
            .cells
            .iter()
            .map(|c| sc.params.iter().position(|p| p == c).map(|i| i as u32))
            .collect();
        CodeUnit {
            data: CodeDataLite {
                qualname: if u.qualname.is_empty() {
                    name.clone()
                } else {
                    u.qualname.clone()
                },
                name,
                filename: self.filename.clone(),
                code: u.code,
                lines: u.lines,
                firstline,
                doc: None,
                argcount,
                posonly,
                kwonly,
                flags,
                varnames: u.varnames,
                cellvars: sc.cells.clone(),
                freevars: sc.free.clone(),
                cell_args,
                stacksize,
                exc_table,
            },
            consts: u.consts,
            names: u.names,
        }
    }

    // ------------------------------------------------------------ emission helpers

    fn emit(&mut self, op: Op, arg: u32) -> usize {
        let u = self.u();
        let h = u.handlers.len() as i32 - 1;
        let h = if h >= 0 {
            // register handler entry lazily: index into handler_table
            let (label, depth) = u.handlers[h as usize];
            match u
                .handler_table
                .iter()
                .position(|&(l, d)| l == label && d == depth)
            {
                Some(i) => i as i32,
                None => {
                    u.handler_table.push((label, depth));
                    u.handler_table.len() as i32 - 1
                }
            }
        } else {
            -1
        };
        u.code.push(encode(op, arg));
        u.lines.push(u.line);
        u.handler_of.push(h);
        u.code.len() - 1
    }
    fn new_label(&mut self) -> usize {
        let u = self.u();
        u.labels.push(UNBOUND_LABEL);
        u.labels.len() - 1
    }
    fn bind(&mut self, l: usize) {
        let u = self.u();
        u.labels[l] = u.code.len() as u32;
    }
    fn jump(&mut self, op: Op, l: usize) {
        let at = self.emit(op, 0);
        self.u().patches.push((at, l));
    }
    fn add_const(&mut self, c: Const) -> u32 {
        let u = self.u();
        // dedupe simple constants
        for (i, k) in u.consts.iter().enumerate() {
            let same = match (k, &c) {
                (Const::None, Const::None) => true,
                (Const::Bool(a), Const::Bool(b)) => a == b,
                (Const::Int(a), Const::Int(b)) => a == b,
                (Const::Str(a), Const::Str(b)) => a == b,
                _ => false,
            };
            if same {
                return i as u32;
            }
        }
        u.consts.push(c);
        u.consts.len() as u32 - 1
    }
    fn emit_const(&mut self, c: Const) {
        let i = self.add_const(c);
        self.emit(Op::LOAD_CONST, i);
    }
    fn name_index(&mut self, n: &str) -> u32 {
        let u = self.u();
        if let Some(&i) = u.name_idx.get(n) {
            return i;
        }
        u.names.push(n.to_string());
        let i = u.names.len() as u32 - 1;
        u.name_idx.insert(n.to_string(), i);
        i
    }
    fn var_index(&mut self, n: &str) -> u32 {
        let u = self.u();
        if let Some(&i) = u.var_idx.get(n) {
            return i;
        }
        u.varnames.push(n.to_string());
        let i = u.varnames.len() as u32 - 1;
        u.var_idx.insert(n.to_string(), i);
        i
    }
    fn set_line(&mut self, off: TextSize) {
        let l = self.line_of(off);
        self.u().line = l;
    }

    fn resolve(&self, n: &str) -> NameLoc {
        let u = self.units.last().unwrap();
        if n.starts_with('.') {
            // hidden temporaries
            return if matches!(u.kind, ScopeKind::Function | ScopeKind::Comprehension) {
                NameLoc::Fast
            } else {
                NameLoc::Name
            };
        }
        self.st.resolve(u.scope, n)
    }

    fn load_name(&mut self, n: &str) {
        match self.resolve(n) {
            NameLoc::Fast => {
                let i = self.var_index(n);
                self.emit(Op::LOAD_FAST, i);
            }
            NameLoc::Deref(i) => {
                self.emit(Op::LOAD_DEREF, i);
            }
            NameLoc::ClassDeref(i) => {
                let _ = self.name_index(n);
                self.emit(Op::LOAD_CLASSDEREF, i);
            }
            NameLoc::Global => {
                let i = self.name_index(n);
                self.emit(Op::LOAD_GLOBAL, i);
            }
            NameLoc::Name => {
                let i = self.name_index(n);
                self.emit(Op::LOAD_NAME, i);
            }
        }
    }
    fn store_name(&mut self, n: &str) {
        match self.resolve(n) {
            NameLoc::Fast => {
                let i = self.var_index(n);
                self.emit(Op::STORE_FAST, i);
            }
            NameLoc::Deref(i) => {
                self.emit(Op::STORE_DEREF, i);
            }
            NameLoc::Global => {
                let i = self.name_index(n);
                self.emit(Op::STORE_GLOBAL, i);
            }
            NameLoc::Name | NameLoc::ClassDeref(_) => {
                let i = self.name_index(n);
                self.emit(Op::STORE_NAME, i);
            }
        }
    }
    fn delete_name(&mut self, n: &str) {
        match self.resolve(n) {
            NameLoc::Fast => {
                let i = self.var_index(n);
                self.emit(Op::DELETE_FAST, i);
            }
            NameLoc::Deref(i) => {
                self.emit(Op::DELETE_DEREF, i);
            }
            NameLoc::Global => {
                let i = self.name_index(n);
                self.emit(Op::DELETE_GLOBAL, i);
            }
            NameLoc::Name | NameLoc::ClassDeref(_) => {
                let i = self.name_index(n);
                self.emit(Op::DELETE_NAME, i);
            }
        }
    }
    fn new_tmp(&mut self) -> String {
        let u = self.u();
        u.tmp_counter += 1;
        format!(".t{}", u.tmp_counter)
    }

    // ------------------------------------------------------------ statements

    fn stmts(&mut self, body: &[Stmt]) -> CResult<()> {
        for s in body {
            self.stmt(s)?;
        }
        Ok(())
    }

    fn stmt(&mut self, s: &Stmt) -> CResult<()> {
        self.set_line(s.range().start());
        match s {
            Stmt::Expr(e) => {
                self.expr(&e.value)?;
                self.emit(Op::POP_TOP, 0);
            }
            Stmt::Assign(a) => {
                self.expr(&a.value)?;
                for (i, t) in a.targets.iter().enumerate() {
                    if i + 1 < a.targets.len() {
                        self.emit(Op::DUP_TOP, 0);
                    }
                    self.store_target(t)?;
                }
            }
            Stmt::AugAssign(a) => self.aug_assign(a)?,
            Stmt::AnnAssign(a) => {
                if let Some(v) = &a.value {
                    self.expr(v)?;
                    self.store_target(&a.target)?;
                }
                // module and class bodies record `name: annotation` in __annotations__
                if let (Expr::Name(n), true, ScopeKind::Module | ScopeKind::Class) =
                    (&*a.target, a.simple, self.u().kind)
                {
                    if self.future_annotations {
                        let r = a.annotation.range();
                        let text =
                            self.source[r.start().to_usize()..r.end().to_usize()].to_string();
                        self.emit_const(Const::Str(text));
                    } else {
                        self.expr(&a.annotation)?;
                    }
                    self.load_name("__annotations__");
                    self.emit_const(Const::Str(n.id.to_string()));
                    self.emit(Op::STORE_SUBSCR, 0);
                }
            }
            Stmt::Pass(_) | Stmt::Global(_) | Stmt::Nonlocal(_) => {}
            Stmt::Return(r) => {
                if self.u().kind == ScopeKind::Module || self.u().kind == ScopeKind::Class {
                    return err("'return' outside function", s.range().start());
                }
                match &r.value {
                    Some(v) => self.expr(v)?,
                    None => self.emit_const(Const::None),
                }
                self.unwind_all(true)?;
                self.emit(Op::RETURN_VALUE, 0);
            }
            Stmt::If(i) => {
                let end = self.new_label();
                let mut next = self.new_label();
                self.cond_jump(&i.test, false, next)?;
                self.stmts(&i.body)?;
                self.jump(Op::JUMP, end);
                for c in &i.elif_else_clauses {
                    self.bind(next);
                    next = self.new_label();
                    if let Some(t) = &c.test {
                        self.set_line(t.range().start());
                        self.cond_jump(t, false, next)?;
                    }
                    self.stmts(&c.body)?;
                    self.jump(Op::JUMP, end);
                }
                self.bind(next);
                self.bind(end);
            }
            Stmt::While(w) => {
                let top = self.new_label();
                let orelse = self.new_label();
                let brk = self.new_label();
                self.bind(top);
                self.cond_jump(&w.test, false, orelse)?;
                self.u().blocks.push(Block::Loop {
                    brk,
                    cont: top,
                    is_for: false,
                });
                self.stmts(&w.body)?;
                self.u().blocks.pop();
                self.jump(Op::JUMP, top);
                self.bind(orelse);
                self.stmts(&w.orelse)?;
                self.bind(brk);
            }
            Stmt::For(f) => {
                if f.is_async {
                    return err("async for is not supported", s.range().start());
                }
                self.expr(&f.iter)?;
                self.emit(Op::GET_ITER, 0);
                let top = self.new_label();
                let end = self.new_label();
                let brk = self.new_label();
                self.bind(top);
                self.jump(Op::FOR_ITER, end);
                self.u().depth += 1;
                self.store_target(&f.target)?;
                self.u().blocks.push(Block::Loop {
                    brk,
                    cont: top,
                    is_for: true,
                });
                self.stmts(&f.body)?;
                self.u().blocks.pop();
                self.jump(Op::JUMP, top);
                self.u().depth -= 1;
                self.bind(end);
                self.stmts(&f.orelse)?;
                self.bind(brk);
            }
            Stmt::Break(_) => {
                let mut found = false;
                for b in self.u().blocks.iter().rev() {
                    if matches!(b, Block::Loop { .. }) {
                        found = true;
                    }
                }
                if !found {
                    return err("'break' outside loop", s.range().start());
                }
                self.unwind_loop(true)?;
            }
            Stmt::Continue(_) => {
                let found = self
                    .u()
                    .blocks
                    .iter()
                    .any(|b| matches!(b, Block::Loop { .. }));
                if !found {
                    return err("'continue' not properly in loop", s.range().start());
                }
                self.unwind_loop(false)?;
            }
            Stmt::FunctionDef(f) => {
                if f.is_async {
                    return err("async def is not supported", s.range().start());
                }
                for d in &f.decorator_list {
                    self.emit(Op::PUSH_NULL, 0);
                    self.expr(&d.expression)?;
                }
                self.set_line(s.range().start());
                self.function(
                    f as *const _ as usize,
                    f.name.id.as_str(),
                    &f.parameters,
                    FuncBody::Stmts(&f.body),
                    f.range().start(),
                )?;
                self.function_annotations(&f.parameters, f.returns.as_deref())?;
                for _ in &f.decorator_list {
                    self.emit(Op::CALL, 1);
                }
                self.store_name(f.name.id.as_str());
            }
            Stmt::ClassDef(c) => self.class_def(c)?,
            Stmt::Delete(d) => {
                for t in &d.targets {
                    self.delete_target(t)?;
                }
            }
            Stmt::Raise(r) => {
                match (&r.exc, &r.cause) {
                    (None, _) => {
                        self.emit(Op::RAISE_VARARGS, 0);
                    }
                    (Some(e), None) => {
                        self.expr(e)?;
                        self.emit(Op::RAISE_VARARGS, 1);
                    }
                    (Some(e), Some(c)) => {
                        self.expr(e)?;
                        self.expr(c)?;
                        self.emit(Op::RAISE_VARARGS, 2);
                    }
                };
            }
            Stmt::Try(t) => self.try_stmt(t)?,
            Stmt::Assert(a) => {
                let ok = self.new_label();
                self.cond_jump(&a.test, true, ok)?;
                if let Some(m) = &a.msg {
                    self.emit(Op::PUSH_NULL, 0);
                    self.emit(Op::LOAD_ASSERTION_ERROR, 0);
                    self.expr(m)?;
                    self.emit(Op::CALL, 1);
                } else {
                    self.emit(Op::LOAD_ASSERTION_ERROR, 0);
                }
                self.emit(Op::RAISE_VARARGS, 1);
                self.bind(ok);
            }
            Stmt::With(w) => {
                if w.is_async {
                    return err("async with is not supported", s.range().start());
                }
                self.with_items(&w.items, &w.body)?;
            }
            Stmt::Import(i) => {
                for a in &i.names {
                    let full = a.name.id.as_str();
                    self.emit_const(Const::Int(0));
                    match &a.asname {
                        Some(asn) => {
                            self.emit_const(Const::Bool(true));
                            let n = self.name_index(full);
                            self.emit(Op::IMPORT_NAME, n);
                            self.store_name(asn.id.as_str());
                        }
                        None => {
                            self.emit_const(Const::None);
                            let n = self.name_index(full);
                            self.emit(Op::IMPORT_NAME, n);
                            let first = full.split('.').next().unwrap_or(full).to_string();
                            self.store_name(&first);
                        }
                    }
                }
            }
            Stmt::ImportFrom(i) => {
                let module = i
                    .module
                    .as_ref()
                    .map(|m| m.id.to_string())
                    .unwrap_or_default();
                self.emit_const(Const::Int(i.level as i64));
                let names: Vec<Const> = i
                    .names
                    .iter()
                    .map(|a| Const::Str(a.name.id.to_string()))
                    .collect();
                self.emit_const(Const::Tuple(names));
                let n = self.name_index(&module);
                self.emit(Op::IMPORT_NAME, n);
                for a in &i.names {
                    if a.name.id.as_str() == "*" {
                        self.emit(Op::IMPORT_STAR, 0);
                        return Ok(());
                    }
                    let n = self.name_index(a.name.id.as_str());
                    self.emit(Op::IMPORT_FROM, n);
                    let store = a.asname.as_ref().unwrap_or(&a.name);
                    self.store_name(store.id.as_str());
                }
                self.emit(Op::POP_TOP, 0);
            }
            Stmt::Match(m) => self.match_stmt(m)?,
            Stmt::TypeAlias(_) | Stmt::IpyEscapeCommand(_) => {
                return err("unsupported statement", s.range().start());
            }
        }
        Ok(())
    }

    /// Emits the cleanup of one block while unwinding (break/continue/return).
    fn unwind_block(&mut self, b: Block, preserve_tos: bool, is_break_target: bool) -> CResult<()> {
        match b {
            Block::Loop { is_for, .. } => {
                if is_for && (is_break_target || !preserve_tos) {
                    self.emit(Op::POP_TOP, 0);
                }
            }
            Block::Finally { body, hlevel } => {
                let saved = self.u().handlers.clone();
                let saved_blocks = self.u().blocks.clone();
                self.u().handlers.truncate(hlevel);
                // SAFETY: the pointer is the finally body of a `try` statement being compiled;
                // the AST outlives the compilation.
                let body: &[Stmt] = unsafe { &*body };
                // the finally body must not see this block again
                if let Some(pos) = self.u().blocks.iter().rposition(
                    |x| matches!(x, Block::Finally { body: bb, .. } if std::ptr::eq(*bb, body)),
                ) {
                    self.u().blocks.truncate(pos);
                }
                self.stmts(body)?;
                self.u().blocks = saved_blocks;
                self.u().handlers = saved;
            }
            Block::ExceptBody => {
                self.emit(Op::POP_EXC_INFO, 0);
                if preserve_tos {
                    self.emit(Op::ROT_TWO, 0);
                }
                self.emit(Op::POP_TOP, 0);
            }
            Block::With { hlevel } => {
                let saved = self.u().handlers.clone();
                self.u().handlers.truncate(hlevel);
                if preserve_tos {
                    self.emit(Op::ROT_TWO, 0);
                }
                self.emit(Op::WITH_EXIT, 0);
                self.u().handlers = saved;
            }
        }
        Ok(())
    }

    fn unwind_all(&mut self, preserve_tos: bool) -> CResult<()> {
        let blocks = self.u().blocks.clone();
        for (i, b) in blocks.iter().enumerate().rev() {
            let saved = self.u().blocks.clone();
            self.u().blocks.truncate(i);
            match b {
                Block::Loop { is_for: true, .. } if preserve_tos => {
                    // RETURN_VALUE discards the rest of the stack: nothing to pop
                }
                _ => self.unwind_block(*b, preserve_tos, false)?,
            }
            self.u().blocks = saved;
        }
        Ok(())
    }

    fn unwind_loop(&mut self, is_break: bool) -> CResult<()> {
        let blocks = self.u().blocks.clone();
        for (i, b) in blocks.iter().enumerate().rev() {
            let saved = self.u().blocks.clone();
            self.u().blocks.truncate(i);
            if let Block::Loop { brk, cont, .. } = *b {
                if is_break {
                    self.unwind_block(*b, false, true)?;
                    self.jump(Op::JUMP, brk);
                } else {
                    self.jump(Op::JUMP, cont);
                }
                self.u().blocks = saved;
                return Ok(());
            }
            self.unwind_block(*b, false, false)?;
            self.u().blocks = saved;
        }
        Ok(())
    }

    fn push_handler(&mut self, label: usize) {
        let d = self.u().depth;
        self.u().handlers.push((label, d));
    }

    fn try_stmt(&mut self, t: &ast::StmtTry) -> CResult<()> {
        if t.finalbody.is_empty() {
            return self.try_except(t);
        }
        // try/finally around the rest
        let fin_exc = self.new_label();
        let end = self.new_label();
        let hlevel = self.u().handlers.len();
        self.push_handler(fin_exc);
        self.u().blocks.push(Block::Finally {
            body: &t.finalbody[..] as *const [Stmt],
            hlevel,
        });
        if t.handlers.is_empty() {
            self.stmts(&t.body)?;
            self.stmts(&t.orelse)?;
        } else {
            self.try_except(t)?;
        }
        self.u().blocks.pop();
        self.u().handlers.pop();
        // normal path
        self.stmts(&t.finalbody)?;
        self.jump(Op::JUMP, end);
        // exceptional path: [exc]
        self.bind(fin_exc);
        self.emit(Op::PUSH_EXC_INFO, 0);
        let cleanup = self.new_label();
        self.push_handler(cleanup);
        self.u().depth += 1;
        self.u().blocks.push(Block::ExceptBody);
        self.stmts(&t.finalbody)?;
        self.u().blocks.pop();
        self.u().depth -= 1;
        self.u().handlers.pop();
        self.emit(Op::POP_EXC_INFO, 0);
        self.emit(Op::RERAISE, 0);
        self.bind(cleanup);
        self.emit(Op::POP_EXC_INFO, 0);
        self.emit(Op::RERAISE, 0);
        self.bind(end);
        Ok(())
    }

    fn try_except(&mut self, t: &ast::StmtTry) -> CResult<()> {
        let handler = self.new_label();
        let orelse = self.new_label();
        let end = self.new_label();
        self.push_handler(handler);
        self.stmts(&t.body)?;
        self.u().handlers.pop();
        self.jump(Op::JUMP, orelse);
        self.bind(handler);
        self.emit(Op::PUSH_EXC_INFO, 0);
        let cleanup = self.new_label();
        self.push_handler(cleanup);
        self.u().depth += 1;
        for h in &t.handlers {
            let ast::ExceptHandler::ExceptHandler(h) = h;
            self.set_line(h.range().start());
            let next = self.new_label();
            if let Some(ty) = &h.type_ {
                self.emit(Op::DUP_TOP, 0);
                self.expr(ty)?;
                self.emit(Op::CHECK_EXC_MATCH, 0);
                self.jump(Op::POP_JUMP_IF_FALSE, next);
            }
            if let Some(n) = &h.name {
                self.emit(Op::DUP_TOP, 0);
                self.store_name(n.id.as_str());
            }
            self.u().blocks.push(Block::ExceptBody);
            self.stmts(&h.body)?;
            self.u().blocks.pop();
            self.emit(Op::POP_EXC_INFO, 0);
            self.emit(Op::POP_TOP, 0);
            if let Some(n) = &h.name {
                self.emit_const(Const::None);
                self.store_name(n.id.as_str());
                self.delete_name(n.id.as_str());
            }
            self.jump(Op::JUMP, end);
            self.bind(next);
        }
        // no handler matched
        self.emit(Op::RERAISE, 0);
        self.u().depth -= 1;
        self.u().handlers.pop();
        self.bind(cleanup);
        self.emit(Op::POP_EXC_INFO, 0);
        self.emit(Op::RERAISE, 0);
        self.bind(orelse);
        self.stmts(&t.orelse)?;
        self.bind(end);
        Ok(())
    }

    fn with_items(&mut self, items: &[ast::WithItem], body: &[Stmt]) -> CResult<()> {
        let Some((first, rest)) = items.split_first() else {
            return self.stmts(body);
        };
        self.expr(&first.context_expr)?;
        self.emit(Op::BEFORE_WITH, 0);
        self.u().depth += 1;
        let handler = self.new_label();
        let end = self.new_label();
        let hlevel = self.u().handlers.len();
        self.push_handler(handler);
        match &first.optional_vars {
            Some(v) => self.store_target(v)?,
            None => {
                self.emit(Op::POP_TOP, 0);
            }
        }
        self.u().blocks.push(Block::With { hlevel });
        self.with_items(rest, body)?;
        self.u().blocks.pop();
        self.u().handlers.pop();
        self.emit(Op::WITH_EXIT, 0);
        self.jump(Op::JUMP, end);
        // exceptional path: [exit, exc]
        self.bind(handler);
        self.emit(Op::PUSH_EXC_INFO, 0);
        let cleanup = self.new_label();
        self.push_handler(cleanup);
        self.emit(Op::WITH_EXCEPT_START, 0);
        let suppress = self.new_label();
        self.jump(Op::POP_JUMP_IF_TRUE, suppress);
        self.emit(Op::RERAISE, 0);
        self.u().handlers.pop();
        self.bind(suppress);
        self.emit(Op::POP_TOP, 0);
        self.emit(Op::POP_TOP, 0);
        self.emit(Op::POP_EXC_INFO, 0);
        self.jump(Op::JUMP, end);
        self.bind(cleanup);
        self.emit(Op::POP_EXC_INFO, 0);
        self.emit(Op::RERAISE, 0);
        self.u().depth -= 1;
        self.bind(end);
        Ok(())
    }

    fn aug_assign(&mut self, a: &ast::StmtAugAssign) -> CResult<()> {
        let op = binop_num(a.op);
        match &*a.target {
            Expr::Name(n) => {
                self.load_name(n.id.as_str());
                self.expr(&a.value)?;
                self.emit(Op::INPLACE_OP, op);
                self.store_name(n.id.as_str());
            }
            Expr::Attribute(at) => {
                self.expr(&at.value)?;
                self.emit(Op::DUP_TOP, 0);
                let n = self.name_index(at.attr.id.as_str());
                self.emit(Op::LOAD_ATTR, n);
                self.expr(&a.value)?;
                self.emit(Op::INPLACE_OP, op);
                self.emit(Op::ROT_TWO, 0);
                self.emit(Op::STORE_ATTR, n);
            }
            Expr::Subscript(s) => {
                self.expr(&s.value)?;
                self.expr(&s.slice)?;
                self.emit(Op::DUP_TOP_TWO, 0);
                self.emit(Op::BINARY_SUBSCR, 0);
                self.expr(&a.value)?;
                self.emit(Op::INPLACE_OP, op);
                self.emit(Op::ROT_THREE, 0);
                self.emit(Op::STORE_SUBSCR, 0);
            }
            other => {
                return err(
                    "illegal expression for augmented assignment",
                    other.range().start(),
                )
            }
        }
        Ok(())
    }

    fn store_target(&mut self, t: &Expr) -> CResult<()> {
        match t {
            Expr::Name(n) => self.store_name(n.id.as_str()),
            Expr::Attribute(a) => {
                self.expr(&a.value)?;
                let n = self.name_index(a.attr.id.as_str());
                self.emit(Op::STORE_ATTR, n);
            }
            Expr::Subscript(s) => {
                self.expr(&s.value)?;
                self.expr(&s.slice)?;
                self.emit(Op::STORE_SUBSCR, 0);
            }
            Expr::Tuple(tu) => self.unpack(&tu.elts)?,
            Expr::List(l) => self.unpack(&l.elts)?,
            Expr::Starred(s) => {
                return err(
                    "starred assignment target must be in a list or tuple",
                    s.range().start(),
                )
            }
            other => return err("cannot assign to expression", other.range().start()),
        }
        Ok(())
    }

    fn unpack(&mut self, elts: &[Expr]) -> CResult<()> {
        let star = elts.iter().position(|e| matches!(e, Expr::Starred(_)));
        match star {
            None => {
                self.emit(Op::UNPACK_SEQUENCE, elts.len() as u32);
            }
            Some(i) => {
                let after = elts.len() - i - 1;
                self.emit(Op::UNPACK_EX, i as u32 | ((after as u32) << 8));
            }
        }
        for e in elts {
            match e {
                Expr::Starred(s) => self.store_target(&s.value)?,
                other => self.store_target(other)?,
            }
        }
        Ok(())
    }

    fn delete_target(&mut self, t: &Expr) -> CResult<()> {
        match t {
            Expr::Name(n) => self.delete_name(n.id.as_str()),
            Expr::Attribute(a) => {
                self.expr(&a.value)?;
                let n = self.name_index(a.attr.id.as_str());
                self.emit(Op::DELETE_ATTR, n);
            }
            Expr::Subscript(s) => {
                self.expr(&s.value)?;
                self.expr(&s.slice)?;
                self.emit(Op::DELETE_SUBSCR, 0);
            }
            Expr::Tuple(tu) => {
                for e in &tu.elts {
                    self.delete_target(e)?;
                }
            }
            Expr::List(l) => {
                for e in &l.elts {
                    self.delete_target(e)?;
                }
            }
            other => return err("cannot delete expression", other.range().start()),
        }
        Ok(())
    }

    fn class_def(&mut self, c: &ast::StmtClassDef) -> CResult<()> {
        for d in &c.decorator_list {
            self.emit(Op::PUSH_NULL, 0);
            self.expr(&d.expression)?;
        }
        self.set_line(c.range().start());
        self.emit(Op::PUSH_NULL, 0);
        self.emit(Op::LOAD_BUILD_CLASS, 0);
        let scope = self.st.scope_of(c as *const _ as usize);
        let qual = self.child_qualname(c.name.id.as_str());
        self.push_unit(scope, c.name.id.to_string(), qual.clone());
        self.set_line(c.range().start());
        let n = self.name_index("__name__");
        self.emit(Op::LOAD_NAME, n);
        let n = self.name_index("__module__");
        self.emit(Op::STORE_NAME, n);
        self.emit_const(Const::Str(qual));
        let n = self.name_index("__qualname__");
        self.emit(Op::STORE_NAME, n);
        // docstring
        let body: &[Stmt] = &c.body;
        if let Some(Stmt::Expr(e)) = body.first() {
            if let Expr::StringLiteral(s) = &*e.value {
                self.emit_const(Const::Str(s.value.to_str().to_string()));
                let n = self.name_index("__doc__");
                self.emit(Op::STORE_NAME, n);
            }
        }
        self.setup_annotations(body);
        self.stmts(body)?;
        let cells = self.st.scopes[scope].cells.clone();
        if let Some(i) = cells.iter().position(|x| x == "__class__") {
            self.emit(Op::LOAD_CLOSURE, i as u32);
        } else {
            self.emit_const(Const::None);
        }
        self.emit(Op::RETURN_VALUE, 0);
        let firstline = self.line_of(c.range().start());
        let unit = self.pop_unit(c.name.id.to_string(), firstline, None);
        self.make_closure(unit, scope, 0)?;
        self.emit_const(Const::Str(c.name.id.to_string()));
        let mut nargs = 2;
        let mut kwnames = Vec::new();
        if let Some(a) = &c.arguments {
            for b in a.args.iter() {
                self.expr(b)?;
                nargs += 1;
            }
            for k in a.keywords.iter() {
                match &k.arg {
                    Some(n) => {
                        self.expr(&k.value)?;
                        kwnames.push(Const::Str(n.id.to_string()));
                    }
                    None => {
                        return err(
                            "**kwargs in class bases is not supported",
                            k.range().start(),
                        )
                    }
                }
            }
        }
        if kwnames.is_empty() {
            self.emit(Op::CALL, nargs);
        } else {
            let n = kwnames.len() as u32;
            self.emit_const(Const::Tuple(kwnames));
            self.emit(Op::CALL_KW, nargs + n);
        }
        for _ in &c.decorator_list {
            self.emit(Op::CALL, 1);
        }
        self.store_name(c.name.id.as_str());
        Ok(())
    }

    fn child_qualname(&self, name: &str) -> String {
        let u = self.units.last().unwrap();
        match u.kind {
            ScopeKind::Module => name.to_string(),
            ScopeKind::Class => format!("{}.{}", u.qualname, name),
            _ => format!("{}.<locals>.{}", u.qualname, name),
        }
    }

    /// Emits the code object constant for `unit` plus its closure, then MAKE_FUNCTION.
    fn make_closure(&mut self, unit: CodeUnit, scope: usize, mut flags: u32) -> CResult<()> {
        let free = self.st.scopes[scope].free.clone();
        if !free.is_empty() {
            for n in &free {
                let idx = {
                    let u = self.units.last().unwrap();
                    let sc = &self.st.scopes[u.scope];
                    if let Some(i) = sc.cells.iter().position(|c| c == n) {
                        i
                    } else if let Some(i) = sc.free.iter().position(|c| c == n) {
                        i + sc.cells.len()
                    } else {
                        return err(
                            format!("internal: no cell for free variable {n}"),
                            TextSize::new(0),
                        );
                    }
                };
                self.emit(Op::LOAD_CLOSURE, idx as u32);
            }
            self.emit(Op::BUILD_TUPLE, free.len() as u32);
            flags |= 8;
        }
        let k = self.add_const(Const::Code(Rc::new(unit)));
        self.emit(Op::LOAD_CONST, k);
        self.emit(Op::MAKE_FUNCTION, flags);
        Ok(())
    }

    /// With the new function on the stack, sets its `__annotations__` when it has any.
    fn function_annotations(
        &mut self,
        params: &ast::Parameters,
        returns: Option<&Expr>,
    ) -> CResult<()> {
        let mut anns: Vec<(&str, &Expr)> = Vec::new();
        // CPython's order: positional, *args, keyword-only, **kwargs
        let plain = params.posonlyargs.iter().chain(params.args.iter());
        let kwonly = params.kwonlyargs.iter();
        let seq = plain
            .map(|p| &p.parameter)
            .chain(params.vararg.as_deref())
            .chain(kwonly.map(|p| &p.parameter))
            .chain(params.kwarg.as_deref());
        for p in seq {
            if let Some(a) = p.annotation.as_deref() {
                anns.push((p.name.id.as_str(), a));
            }
        }
        if let Some(r) = returns {
            anns.push(("return", r));
        }
        if anns.is_empty() {
            return Ok(());
        }
        self.emit(Op::DUP_TOP, 0);
        for (n, a) in &anns {
            self.emit_const(Const::Str(n.to_string()));
            if self.future_annotations {
                let r = a.range();
                let text = self.source[r.start().to_usize()..r.end().to_usize()].to_string();
                self.emit_const(Const::Str(text));
            } else {
                self.expr(a)?;
            }
        }
        self.emit(Op::BUILD_MAP, anns.len() as u32);
        self.emit(Op::ROT_TWO, 0);
        let n = self.name_index("__annotations__");
        self.emit(Op::STORE_ATTR, n);
        Ok(())
    }

    fn function(
        &mut self,
        key: usize,
        name: &str,
        params: &ast::Parameters,
        body: FuncBody,
        start: TextSize,
    ) -> CResult<()> {
        let mut flags = 0;
        // defaults
        let defaults: Vec<&Expr> = params
            .posonlyargs
            .iter()
            .chain(params.args.iter())
            .filter_map(|p| p.default.as_deref())
            .collect();
        if !defaults.is_empty() {
            for d in &defaults {
                self.expr(d)?;
            }
            self.emit(Op::BUILD_TUPLE, defaults.len() as u32);
            flags |= 1;
        }
        let kwd: Vec<(&str, &Expr)> = params
            .kwonlyargs
            .iter()
            .filter_map(|p| {
                p.default
                    .as_deref()
                    .map(|d| (p.parameter.name.id.as_str(), d))
            })
            .collect();
        if !kwd.is_empty() {
            for (n, d) in &kwd {
                self.emit_const(Const::Str(n.to_string()));
                self.expr(d)?;
            }
            self.emit(Op::BUILD_MAP, kwd.len() as u32);
            flags |= 2;
        }
        let scope = self.st.scope_of(key);
        let qual = self.child_qualname(name);
        self.push_unit(scope, name.to_string(), qual);
        self.set_line(start);
        match body {
            FuncBody::Stmts(b) => {
                let b = if let Some(Stmt::Expr(e)) = b.first() {
                    if matches!(&*e.value, Expr::StringLiteral(_)) && b.len() > 1 {
                        &b[1..]
                    } else {
                        b
                    }
                } else {
                    b
                };
                self.stmts(b)?;
                self.emit_const(Const::None);
                self.emit(Op::RETURN_VALUE, 0);
            }
            FuncBody::Expr(e) => {
                self.expr(e)?;
                if !self.st.scopes[scope].has_yield {
                    self.emit(Op::RETURN_VALUE, 0);
                } else {
                    self.emit(Op::POP_TOP, 0);
                    self.emit_const(Const::None);
                    self.emit(Op::RETURN_VALUE, 0);
                }
            }
        }
        let mut f = 0;
        if params.vararg.is_some() {
            f |= CO_VARARGS;
        }
        if params.kwarg.is_some() {
            f |= CO_VARKW;
        }
        let argc = (params.posonlyargs.len() + params.args.len()) as u32;
        let firstline = self.line_of(start);
        let mut unit = self.pop_unit(
            name.to_string(),
            firstline,
            Some((
                argc,
                params.posonlyargs.len() as u32,
                params.kwonlyargs.len() as u32,
                f,
            )),
        );
        if let FuncBody::Stmts(b) = body {
            if let Some(Stmt::Expr(e)) = b.first() {
                if let Expr::StringLiteral(sl) = &*e.value {
                    unit.data.doc = Some(sl.value.to_str().to_string());
                }
            }
        }
        self.make_closure(unit, scope, flags)
    }

    // ------------------------------------------------------------ match

    fn match_stmt(&mut self, m: &ast::StmtMatch) -> CResult<()> {
        self.expr(&m.subject)?;
        let subj = self.new_tmp();
        self.store_name(&subj);
        let end = self.new_label();
        for c in &m.cases {
            self.set_line(c.range().start());
            let next = self.new_label();
            self.pattern(&c.pattern, &subj, next)?;
            if let Some(g) = &c.guard {
                self.cond_jump(g, false, next)?;
            }
            self.stmts(&c.body)?;
            self.jump(Op::JUMP, end);
            self.bind(next);
        }
        self.bind(end);
        Ok(())
    }

    fn pattern(&mut self, p: &Pattern, subj: &str, fail: usize) -> CResult<()> {
        match p {
            Pattern::MatchValue(v) => {
                self.load_name(subj);
                self.expr(&v.value)?;
                self.emit(Op::COMPARE_OP, 2);
                self.jump(Op::POP_JUMP_IF_FALSE, fail);
            }
            Pattern::MatchSingleton(s) => {
                self.load_name(subj);
                self.emit_const(match s.value {
                    ast::Singleton::None => Const::None,
                    ast::Singleton::True => Const::Bool(true),
                    ast::Singleton::False => Const::Bool(false),
                });
                self.emit(Op::IS_OP, 0);
                self.jump(Op::POP_JUMP_IF_FALSE, fail);
            }
            Pattern::MatchAs(a) => {
                if let Some(p) = &a.pattern {
                    self.pattern(p, subj, fail)?;
                }
                if let Some(n) = &a.name {
                    self.load_name(subj);
                    self.store_name(n.id.as_str());
                }
            }
            Pattern::MatchOr(o) => {
                let ok = self.new_label();
                for (i, alt) in o.patterns.iter().enumerate() {
                    if i + 1 == o.patterns.len() {
                        self.pattern(alt, subj, fail)?;
                    } else {
                        let next = self.new_label();
                        self.pattern(alt, subj, next)?;
                        self.jump(Op::JUMP, ok);
                        self.bind(next);
                    }
                }
                self.bind(ok);
            }
            Pattern::MatchStar(_) => {
                return err("star pattern outside a sequence", p.range().start())
            }
            Pattern::MatchSequence(s) => {
                self.load_name(subj);
                self.emit(Op::MATCH_SEQUENCE, 0);
                self.jump(Op::POP_JUMP_IF_FALSE, fail);
                let star = s
                    .patterns
                    .iter()
                    .position(|p| matches!(p, Pattern::MatchStar(_)));
                let n = s.patterns.len();
                self.load_name(subj);
                self.emit(Op::GET_LEN, 0);
                match star {
                    None => {
                        self.emit_const(Const::Int(n as i64));
                        self.emit(Op::COMPARE_OP, 2);
                    }
                    Some(_) => {
                        self.emit_const(Const::Int(n as i64 - 1));
                        self.emit(Op::COMPARE_OP, 5);
                    }
                }
                self.jump(Op::POP_JUMP_IF_FALSE, fail);
                for (i, sp) in s.patterns.iter().enumerate() {
                    let t = self.new_tmp();
                    match star {
                        Some(si) if i == si => {
                            let Pattern::MatchStar(st) = sp else {
                                unreachable!()
                            };
                            let Some(name) = &st.name else { continue };
                            let after = n - si - 1;
                            self.emit(Op::BUILD_LIST, 0);
                            self.load_name(subj);
                            self.emit_const(Const::Int(si as i64));
                            if after == 0 {
                                self.emit_const(Const::None);
                            } else {
                                self.emit_const(Const::Int(-(after as i64)));
                            }
                            self.emit(Op::BUILD_SLICE, 2);
                            self.emit(Op::BINARY_SUBSCR, 0);
                            self.emit(Op::LIST_EXTEND, 1);
                            self.store_name(name.id.as_str());
                            continue;
                        }
                        Some(si) if i > si => {
                            self.load_name(subj);
                            self.emit_const(Const::Int(i as i64 - n as i64));
                        }
                        _ => {
                            self.load_name(subj);
                            self.emit_const(Const::Int(i as i64));
                        }
                    }
                    self.emit(Op::BINARY_SUBSCR, 0);
                    self.store_name(&t);
                    self.pattern(sp, &t, fail)?;
                }
            }
            Pattern::MatchMapping(m) => {
                self.load_name(subj);
                self.emit(Op::MATCH_MAPPING, 0);
                self.jump(Op::POP_JUMP_IF_FALSE, fail);
                for (k, sp) in m.keys.iter().zip(m.patterns.iter()) {
                    self.expr(k)?;
                    self.load_name(subj);
                    self.emit(Op::CONTAINS_OP, 0);
                    self.jump(Op::POP_JUMP_IF_FALSE, fail);
                    let t = self.new_tmp();
                    self.load_name(subj);
                    self.expr(k)?;
                    self.emit(Op::BINARY_SUBSCR, 0);
                    self.store_name(&t);
                    self.pattern(sp, &t, fail)?;
                }
                if let Some(rest) = &m.rest {
                    self.emit(Op::BUILD_MAP, 0);
                    self.load_name(subj);
                    self.emit(Op::DICT_UPDATE, 1);
                    for k in m.keys.iter() {
                        self.emit(Op::DUP_TOP, 0);
                        self.expr(k)?;
                        self.emit(Op::DELETE_SUBSCR, 0);
                    }
                    self.store_name(rest.id.as_str());
                }
            }
            Pattern::MatchClass(c) => {
                self.load_name(subj);
                self.expr(&c.cls)?;
                let kw: Vec<Const> = c
                    .arguments
                    .keywords
                    .iter()
                    .map(|k| Const::Str(k.attr.id.to_string()))
                    .collect();
                self.emit_const(Const::Tuple(kw));
                self.emit(Op::MATCH_CLASS, c.arguments.patterns.len() as u32);
                let attrs = self.new_tmp();
                self.store_name(&attrs);
                self.load_name(&attrs);
                self.emit_const(Const::None);
                self.emit(Op::IS_OP, 0);
                self.jump(Op::POP_JUMP_IF_TRUE, fail);
                let subs: Vec<&Pattern> = c
                    .arguments
                    .patterns
                    .iter()
                    .chain(c.arguments.keywords.iter().map(|k| &k.pattern))
                    .collect();
                for (i, sp) in subs.into_iter().enumerate() {
                    let t = self.new_tmp();
                    self.load_name(&attrs);
                    self.emit_const(Const::Int(i as i64));
                    self.emit(Op::BINARY_SUBSCR, 0);
                    self.store_name(&t);
                    self.pattern(sp, &t, fail)?;
                }
            }
        }
        Ok(())
    }

    // ------------------------------------------------------------ expressions

    /// Jumps to `target` when `e` is truthy (`when` true) or falsy (`when` false).
    fn cond_jump(&mut self, e: &Expr, when: bool, target: usize) -> CResult<()> {
        match e {
            Expr::UnaryOp(u) if u.op == ast::UnaryOp::Not => {
                self.cond_jump(&u.operand, !when, target)
            }
            Expr::BoolOp(b) => {
                let is_and = b.op == ast::BoolOp::And;
                if is_and != when {
                    // and-jump-if-false / or-jump-if-true: any operand decides
                    for v in &b.values {
                        self.cond_jump(v, when, target)?;
                    }
                } else {
                    let skip = self.new_label();
                    let n = b.values.len();
                    for (i, v) in b.values.iter().enumerate() {
                        if i + 1 < n {
                            self.cond_jump(v, !when, skip)?;
                        } else {
                            self.cond_jump(v, when, target)?;
                        }
                    }
                    self.bind(skip);
                }
                Ok(())
            }
            _ => {
                self.expr(e)?;
                self.jump(
                    if when {
                        Op::POP_JUMP_IF_TRUE
                    } else {
                        Op::POP_JUMP_IF_FALSE
                    },
                    target,
                );
                Ok(())
            }
        }
    }

    fn expr(&mut self, e: &Expr) -> CResult<()> {
        match e {
            Expr::NumberLiteral(n) => match &n.value {
                ast::Number::Int(i) => match i.as_i64() {
                    Some(v) => self.emit_const(Const::Int(v)),
                    None => self.emit_const(Const::BigInt(i.to_string())),
                },
                ast::Number::Float(f) => self.emit_const(Const::Float(*f)),
                ast::Number::Complex { real, imag } => {
                    self.emit_const(Const::Complex(*real, *imag))
                }
            },
            Expr::StringLiteral(s) => self.emit_const(Const::Str(s.value.to_str().to_string())),
            Expr::BytesLiteral(b) => {
                let mut v = Vec::new();
                for part in b.value.iter() {
                    v.extend_from_slice(&part.value);
                }
                self.emit_const(Const::Bytes(v))
            }
            Expr::BooleanLiteral(b) => self.emit_const(Const::Bool(b.value)),
            Expr::NoneLiteral(_) => self.emit_const(Const::None),
            Expr::EllipsisLiteral(_) => self.emit_const(Const::Ellipsis),
            Expr::Name(n) => self.load_name(n.id.as_str()),
            Expr::BinOp(b) => {
                self.expr(&b.left)?;
                self.expr(&b.right)?;
                self.emit(Op::BINARY_OP, binop_num(b.op));
            }
            Expr::UnaryOp(u) => {
                self.expr(&u.operand)?;
                self.emit(
                    match u.op {
                        ast::UnaryOp::Not => Op::UNARY_NOT,
                        ast::UnaryOp::USub => Op::UNARY_NEG,
                        ast::UnaryOp::UAdd => Op::UNARY_POS,
                        ast::UnaryOp::Invert => Op::UNARY_INVERT,
                    },
                    0,
                );
            }
            Expr::BoolOp(b) => {
                let end = self.new_label();
                let n = b.values.len();
                for (i, v) in b.values.iter().enumerate() {
                    self.expr(v)?;
                    if i + 1 < n {
                        self.jump(
                            if b.op == ast::BoolOp::And {
                                Op::JUMP_IF_FALSE_OR_POP
                            } else {
                                Op::JUMP_IF_TRUE_OR_POP
                            },
                            end,
                        );
                    }
                }
                self.bind(end);
            }
            Expr::Compare(c) => {
                let n = c.ops.len();
                self.expr(&c.left)?;
                if n == 1 {
                    self.expr(&c.comparators[0])?;
                    self.cmp_op(c.ops[0]);
                } else {
                    let cleanup = self.new_label();
                    let end = self.new_label();
                    for i in 0..n {
                        self.expr(&c.comparators[i])?;
                        if i + 1 < n {
                            self.emit(Op::DUP_TOP, 0);
                            self.emit(Op::ROT_THREE, 0);
                            self.cmp_op(c.ops[i]);
                            self.jump(Op::JUMP_IF_FALSE_OR_POP, cleanup);
                        } else {
                            self.cmp_op(c.ops[i]);
                        }
                    }
                    self.jump(Op::JUMP, end);
                    self.bind(cleanup);
                    self.emit(Op::ROT_TWO, 0);
                    self.emit(Op::POP_TOP, 0);
                    self.bind(end);
                }
            }
            Expr::Call(c) => self.call(c)?,
            Expr::Attribute(a) => {
                self.expr(&a.value)?;
                let n = self.name_index(a.attr.id.as_str());
                self.emit(Op::LOAD_ATTR, n);
            }
            Expr::Subscript(s) => {
                self.expr(&s.value)?;
                self.expr(&s.slice)?;
                self.emit(Op::BINARY_SUBSCR, 0);
            }
            Expr::Slice(s) => {
                for part in [&s.lower, &s.upper] {
                    match part {
                        Some(x) => self.expr(x)?,
                        None => self.emit_const(Const::None),
                    }
                }
                if let Some(st) = &s.step {
                    self.expr(st)?;
                    self.emit(Op::BUILD_SLICE, 3);
                } else {
                    self.emit(Op::BUILD_SLICE, 2);
                }
            }
            Expr::Tuple(t) => {
                if let Some(c) = const_tuple(&t.elts) {
                    self.emit_const(c);
                } else if t.elts.iter().any(|e| matches!(e, Expr::Starred(_))) {
                    self.starred_list(&t.elts)?;
                    self.emit(Op::LIST_TO_TUPLE, 0);
                } else {
                    for x in &t.elts {
                        self.expr(x)?;
                    }
                    self.emit(Op::BUILD_TUPLE, t.elts.len() as u32);
                }
            }
            Expr::List(l) => {
                if l.elts.iter().any(|e| matches!(e, Expr::Starred(_))) {
                    self.starred_list(&l.elts)?;
                } else {
                    for x in &l.elts {
                        self.expr(x)?;
                    }
                    self.emit(Op::BUILD_LIST, l.elts.len() as u32);
                }
            }
            Expr::Set(s) => {
                if s.elts.iter().any(|e| matches!(e, Expr::Starred(_))) {
                    self.emit(Op::BUILD_SET, 0);
                    for x in &s.elts {
                        match x {
                            Expr::Starred(st) => {
                                self.expr(&st.value)?;
                                self.emit(Op::SET_UPDATE, 1);
                            }
                            _ => {
                                self.emit(Op::BUILD_TUPLE, 0);
                                self.expr(x)?;
                                self.emit(Op::BUILD_TUPLE, 1);
                                self.emit(Op::ROT_TWO, 0);
                                self.emit(Op::POP_TOP, 0);
                                self.emit(Op::SET_UPDATE, 1);
                            }
                        }
                    }
                } else {
                    for x in &s.elts {
                        self.expr(x)?;
                    }
                    self.emit(Op::BUILD_SET, s.elts.len() as u32);
                }
            }
            Expr::Dict(d) => {
                if d.items.iter().any(|i| i.key.is_none()) {
                    self.emit(Op::BUILD_MAP, 0);
                    for it in &d.items {
                        match &it.key {
                            Some(k) => {
                                self.expr(k)?;
                                self.expr(&it.value)?;
                                self.emit(Op::MAP_ADD, 1);
                            }
                            None => {
                                self.expr(&it.value)?;
                                self.emit(Op::DICT_UPDATE, 1);
                            }
                        }
                    }
                } else {
                    for it in &d.items {
                        self.expr(it.key.as_ref().unwrap())?;
                        self.expr(&it.value)?;
                    }
                    self.emit(Op::BUILD_MAP, d.items.len() as u32);
                }
            }
            Expr::If(i) => {
                let other = self.new_label();
                let end = self.new_label();
                self.cond_jump(&i.test, false, other)?;
                self.expr(&i.body)?;
                self.jump(Op::JUMP, end);
                self.bind(other);
                self.expr(&i.orelse)?;
                self.bind(end);
            }
            Expr::Named(n) => {
                self.expr(&n.value)?;
                self.emit(Op::DUP_TOP, 0);
                self.store_target(&n.target)?;
            }
            Expr::Lambda(l) => {
                let empty;
                let params = match &l.parameters {
                    Some(p) => &**p,
                    None => {
                        empty = ast::Parameters {
                            range: Default::default(),
                            node_index: Default::default(),
                            posonlyargs: Default::default(),
                            args: Default::default(),
                            vararg: None,
                            kwonlyargs: Default::default(),
                            kwarg: None,
                        };
                        &empty
                    }
                };
                self.function(
                    l as *const _ as usize,
                    "<lambda>",
                    params,
                    FuncBody::Expr(&l.body),
                    l.range().start(),
                )?;
            }
            Expr::ListComp(c) => self.comprehension(
                c as *const _ as usize,
                "<listcomp>",
                &c.generators,
                CompKind::List(&c.elt),
                c.range().start(),
            )?,
            Expr::SetComp(c) => self.comprehension(
                c as *const _ as usize,
                "<setcomp>",
                &c.generators,
                CompKind::Set(&c.elt),
                c.range().start(),
            )?,
            Expr::DictComp(c) => {
                let Some(k) = &c.key else {
                    return err(
                        "dict unpacking in comprehension is not supported",
                        c.range().start(),
                    );
                };
                self.comprehension(
                    c as *const _ as usize,
                    "<dictcomp>",
                    &c.generators,
                    CompKind::Dict(k, &c.value),
                    c.range().start(),
                )?
            }
            Expr::Generator(c) => self.comprehension(
                c as *const _ as usize,
                "<genexpr>",
                &c.generators,
                CompKind::Gen(&c.elt),
                c.range().start(),
            )?,
            Expr::Yield(y) => {
                if !matches!(
                    self.u().kind,
                    ScopeKind::Function | ScopeKind::Comprehension
                ) {
                    return err("'yield' outside function", y.range().start());
                }
                match &y.value {
                    Some(v) => self.expr(v)?,
                    None => self.emit_const(Const::None),
                }
                self.emit(Op::YIELD_VALUE, 0);
            }
            Expr::YieldFrom(y) => {
                if !matches!(
                    self.u().kind,
                    ScopeKind::Function | ScopeKind::Comprehension
                ) {
                    return err("'yield' outside function", y.range().start());
                }
                self.expr(&y.value)?;
                self.emit(Op::GET_ITER, 0);
                self.emit_const(Const::None);
                self.emit(Op::YIELD_FROM, 0);
            }
            Expr::Await(a) => return err("'await' is not supported", a.range().start()),
            Expr::FString(f) => {
                let mut n = 0;
                for part in f.value.iter() {
                    match part {
                        ast::FStringPart::Literal(l) => {
                            self.emit_const(Const::Str(l.value.to_string()));
                            n += 1;
                        }
                        ast::FStringPart::FString(fs) => {
                            for el in fs.elements.iter() {
                                n += self.fstring_elem(el)?;
                            }
                        }
                    }
                }
                if n != 1 {
                    self.emit(Op::BUILD_STRING, n);
                }
                if n == 0 {
                    // BUILD_STRING 0 already pushed ""
                }
            }
            Expr::TString(t) => {
                return err("template strings are not supported", t.range().start())
            }
            Expr::Starred(s) => return err("can't use starred expression here", s.range().start()),
            Expr::IpyEscapeCommand(i) => return err("invalid syntax", i.range().start()),
        }
        Ok(())
    }

    fn fstring_elem(&mut self, el: &ast::InterpolatedStringElement) -> CResult<u32> {
        match el {
            ast::InterpolatedStringElement::Literal(l) => {
                self.emit_const(Const::Str(l.value.to_string()));
                Ok(1)
            }
            ast::InterpolatedStringElement::Interpolation(i) => {
                let mut count = 1;
                let mut conv = match i.conversion {
                    ast::ConversionFlag::None => 0,
                    ast::ConversionFlag::Str => 1,
                    ast::ConversionFlag::Repr => 2,
                    ast::ConversionFlag::Ascii => 3,
                };
                if let Some(d) = &i.debug_text {
                    let text = format!("{}{}{}", d.leading(), d.expression(), d.trailing());
                    self.emit_const(Const::Str(text));
                    count += 1;
                    if conv == 0 && i.format_spec.is_none() {
                        conv = 2;
                    }
                }
                self.expr(&i.expression)?;
                let mut flags = conv;
                if let Some(spec) = &i.format_spec {
                    let mut n = 0;
                    for e in spec.elements.iter() {
                        n += self.fstring_elem(e)?;
                    }
                    if n != 1 {
                        self.emit(Op::BUILD_STRING, n);
                    }
                    flags |= 4;
                }
                self.emit(Op::FORMAT_VALUE, flags);
                Ok(count)
            }
        }
    }

    fn cmp_op(&mut self, op: ast::CmpOp) {
        use ast::CmpOp::*;
        match op {
            Lt => self.emit(Op::COMPARE_OP, 0),
            LtE => self.emit(Op::COMPARE_OP, 1),
            Eq => self.emit(Op::COMPARE_OP, 2),
            NotEq => self.emit(Op::COMPARE_OP, 3),
            Gt => self.emit(Op::COMPARE_OP, 4),
            GtE => self.emit(Op::COMPARE_OP, 5),
            Is => self.emit(Op::IS_OP, 0),
            IsNot => self.emit(Op::IS_OP, 1),
            In => self.emit(Op::CONTAINS_OP, 0),
            NotIn => self.emit(Op::CONTAINS_OP, 1),
        };
    }

    /// Builds a list from elements that may include `*x`.
    fn starred_list(&mut self, elts: &[Expr]) -> CResult<()> {
        self.emit(Op::BUILD_LIST, 0);
        for x in elts {
            match x {
                Expr::Starred(s) => {
                    self.expr(&s.value)?;
                    self.emit(Op::LIST_EXTEND, 1);
                }
                _ => {
                    self.expr(x)?;
                    self.emit(Op::LIST_APPEND, 1);
                }
            }
        }
        Ok(())
    }

    fn call(&mut self, c: &ast::ExprCall) -> CResult<()> {
        let args = &c.arguments;
        let has_star = args.args.iter().any(|a| matches!(a, Expr::Starred(_)))
            || args.keywords.iter().any(|k| k.arg.is_none());
        if has_star {
            self.emit(Op::PUSH_NULL, 0);
            self.expr(&c.func)?;
            self.set_line(c.range().start());
            self.starred_list(&args.args)?;
            self.emit(Op::LIST_TO_TUPLE, 0);
            if args.keywords.is_empty() {
                self.emit(Op::CALL_EX, 0);
            } else {
                self.emit(Op::BUILD_MAP, 0);
                for k in args.keywords.iter() {
                    match &k.arg {
                        Some(n) => {
                            self.emit_const(Const::Str(n.id.to_string()));
                            self.expr(&k.value)?;
                            self.emit(Op::MAP_ADD, 1);
                        }
                        None => {
                            self.expr(&k.value)?;
                            self.emit(Op::DICT_MERGE, 1);
                        }
                    }
                }
                self.set_line(c.range().start());
                self.emit(Op::CALL_EX, 1);
            }
            return Ok(());
        }
        if let Expr::Attribute(a) = &*c.func {
            self.expr(&a.value)?;
            let n = self.name_index(a.attr.id.as_str());
            self.set_line(c.range().start());
            self.emit(Op::LOAD_METHOD, n);
        } else {
            self.emit(Op::PUSH_NULL, 0);
            self.expr(&c.func)?;
        }
        for a in args.args.iter() {
            self.expr(a)?;
        }
        let mut names = Vec::new();
        for k in args.keywords.iter() {
            self.expr(&k.value)?;
            names.push(Const::Str(k.arg.as_ref().unwrap().id.to_string()));
        }
        self.set_line(c.range().start());
        let n = (args.args.len() + args.keywords.len()) as u32;
        if names.is_empty() {
            self.emit(Op::CALL, n);
        } else {
            self.emit_const(Const::Tuple(names));
            self.emit(Op::CALL_KW, n);
        }
        Ok(())
    }

    fn comprehension(
        &mut self,
        key: usize,
        name: &str,
        gens: &[ast::Comprehension],
        kind: CompKind,
        start: TextSize,
    ) -> CResult<()> {
        let scope = self.st.scope_of(key);
        let qual = self.child_qualname(name);
        self.push_unit(scope, name.to_string(), qual);
        self.set_line(start);
        match kind {
            CompKind::List(_) => {
                self.emit(Op::BUILD_LIST, 0);
            }
            CompKind::Set(_) => {
                self.emit(Op::BUILD_SET, 0);
            }
            CompKind::Dict(..) => {
                self.emit(Op::BUILD_MAP, 0);
            }
            CompKind::Gen(_) => {}
        }
        let mut ends = Vec::new();
        for (i, g) in gens.iter().enumerate() {
            if g.is_async {
                return err("async comprehensions are not supported", g.range().start());
            }
            if i == 0 {
                let v = self.var_index(".0");
                self.emit(Op::LOAD_FAST, v);
            } else {
                self.expr(&g.iter)?;
                self.emit(Op::GET_ITER, 0);
            }
            let top = self.new_label();
            let end = self.new_label();
            self.bind(top);
            self.jump(Op::FOR_ITER, end);
            self.store_target(&g.target)?;
            for cond in &g.ifs {
                self.cond_jump(cond, false, top)?;
            }
            ends.push((top, end));
        }
        let depth = gens.len() as u32 + 1;
        match kind {
            CompKind::List(e) => {
                self.expr(e)?;
                self.emit(Op::LIST_APPEND, depth);
            }
            CompKind::Set(e) => {
                self.expr(e)?;
                self.emit(Op::SET_ADD, depth);
            }
            CompKind::Dict(k, v) => {
                self.expr(k)?;
                self.expr(v)?;
                self.emit(Op::MAP_ADD, depth);
            }
            CompKind::Gen(e) => {
                self.expr(e)?;
                self.emit(Op::YIELD_VALUE, 0);
                self.emit(Op::POP_TOP, 0);
            }
        }
        for (top, end) in ends.into_iter().rev() {
            self.jump(Op::JUMP, top);
            self.bind(end);
        }
        if matches!(kind, CompKind::Gen(_)) {
            self.emit_const(Const::None);
        }
        self.emit(Op::RETURN_VALUE, 0);
        let firstline = self.line_of(start);
        let mut unit = self.pop_unit(name.to_string(), firstline, Some((1, 0, 0, 0)));
        unit.data.doc = None;
        if matches!(kind, CompKind::Gen(_)) {
            unit.data.flags |= CO_GENERATOR;
        }
        self.emit(Op::PUSH_NULL, 0);
        self.make_closure(unit, scope, 0)?;
        self.expr(&gens[0].iter)?;
        self.emit(Op::GET_ITER, 0);
        self.emit(Op::CALL, 1);
        Ok(())
    }
}

#[derive(Clone, Copy)]
enum FuncBody<'a> {
    Stmts(&'a [Stmt]),
    Expr(&'a Expr),
}

#[derive(Clone, Copy)]
enum CompKind<'a> {
    List(&'a Expr),
    Set(&'a Expr),
    Dict(&'a Expr, &'a Expr),
    Gen(&'a Expr),
}

fn binop_num(op: ast::Operator) -> u32 {
    use ast::Operator::*;
    match op {
        Add => binop::ADD,
        Sub => binop::SUB,
        Mult => binop::MUL,
        Div => binop::TRUEDIV,
        FloorDiv => binop::FLOORDIV,
        Mod => binop::MOD,
        Pow => binop::POW,
        LShift => binop::LSHIFT,
        RShift => binop::RSHIFT,
        BitAnd => binop::AND,
        BitOr => binop::OR,
        BitXor => binop::XOR,
        MatMult => binop::MATMUL,
    }
}

fn const_of(e: &Expr) -> Option<Const> {
    match e {
        Expr::NumberLiteral(n) => match &n.value {
            ast::Number::Int(i) => i.as_i64().map(Const::Int),
            ast::Number::Float(f) => Some(Const::Float(*f)),
            _ => None,
        },
        Expr::StringLiteral(s) => Some(Const::Str(s.value.to_str().to_string())),
        Expr::BooleanLiteral(b) => Some(Const::Bool(b.value)),
        Expr::NoneLiteral(_) => Some(Const::None),
        Expr::Tuple(t) => const_tuple(&t.elts),
        _ => None,
    }
}

fn const_tuple(elts: &[Expr]) -> Option<Const> {
    let mut v = Vec::new();
    for e in elts {
        v.push(const_of(e)?);
    }
    Some(Const::Tuple(v))
}
