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
//! This module holds the unit stack, emission, labels, constants and name resolution; the
//! AST walk is split into `stmt.rs` (statements) and `expr.rs` (expressions).
//!
//! The result is reference-free Rust data; `interpreter::materialize` turns it into GC objects.

use crate::compiler::bytecode::{binop, encode, Op};
use crate::compiler::bytecode::{
    CodeData, ExcEntry, CO_ASYNC_GENERATOR, CO_COROUTINE, CO_GENERATOR, CO_NAMESPACE, CO_VARARGS,
    CO_VARKW,
};
use crate::compiler::symtable::{mangle, NameLoc, ScopeKind, SymTable};
use ruff_python_ast::{self as ast, Expr, Pattern, Stmt};
use ruff_text_size::{Ranged, TextSize};
use std::borrow::Cow;
use std::collections::HashMap;
use std::rc::Rc;

mod coro;
mod expr;
mod stmt;

use coro::{AWAIT_AENTER, AWAIT_AEXIT, AWAIT_PLAIN};

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
    /// A `str` literal holding lone surrogates, as code points (`compiler/surrogates.rs`).
    SurrStr(Vec<u32>),
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
        is_async: bool,
    },
    /// A `finally` body compiled inline on the way out of a `return`: the return value lies
    /// under it, so a `break`/`continue` out of the body (which abandons the return) pops it,
    /// and a `return` in the body replaces it (CPython's `POP_VALUE` block).
    PendingValue,
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
    /// The innermost enclosing class's name (inherited by nested functions, set by a class
    /// body): names and attribute names are mangled with it (`symtable::mangle`).
    private: Option<Rc<str>>,
}

pub struct Compiler<'a> {
    st: &'a SymTable,
    line_starts: Vec<u32>,
    filename: Rc<str>,
    units: Vec<Unit>,
    /// Source text, for `from __future__ import annotations` (annotations kept as strings).
    source: Rc<str>,
    future_annotations: bool,
    /// `compile(..., 'single')` and the REPL: module-level expression statements pass their
    /// value to `sys.displayhook`.
    interactive: bool,
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
    if let Some((msg, at)) = &st.error {
        return err(msg.clone(), *at);
    }
    let mut c = Compiler::new(&st, source, filename);
    c.push_unit(0, name.to_string(), String::new());
    c.future_annotations = body.iter().any(|s| {
        matches!(s, Stmt::ImportFrom(i)
            if i.module.as_ref().is_some_and(|m| m.as_str() == "__future__")
                && i.names.iter().any(|a| a.name.as_str() == "annotations"))
    });
    // a leading string literal is the module's docstring: stored as `__doc__`, as CPython does
    let mut body = body;
    if let Some(Stmt::Expr(e)) = body.first() {
        if let Expr::StringLiteral(s) = &*e.value {
            c.set_line(e.range().start());
            c.emit_const(Const::Str(s.value.to_str().to_string()));
            let n = c.name_index("__doc__");
            c.emit(Op::STORE_NAME, n);
            body = &body[1..];
        }
    }
    c.setup_annotations(body);
    c.stmts(body)?;
    c.emit_const(Const::None);
    c.emit(Op::RETURN_VALUE, 0);
    Ok(Rc::new(c.pop_unit(name.to_string(), 1, None)))
}

/// Compiles interactive input (`compile(..., 'single')`, a REPL entry): a module body whose
/// top-level expression statements are shown with `sys.displayhook`.
pub fn compile_interactive(body: &[Stmt], source: &str, filename: &str) -> CResult<Rc<CodeUnit>> {
    let st = SymTable::build_module(body);
    if let Some((msg, at)) = &st.error {
        return err(msg.clone(), *at);
    }
    let mut c = Compiler::new(&st, source, filename);
    c.interactive = true;
    c.push_unit(0, "<module>".to_string(), String::new());
    c.setup_annotations(body);
    c.stmts(body)?;
    c.emit_const(Const::None);
    c.emit(Op::RETURN_VALUE, 0);
    Ok(Rc::new(c.pop_unit("<module>".to_string(), 1, None)))
}

/// Compiles an expression for `eval` (the code returns its value).
pub fn compile_eval(e: &Expr, source: &str, filename: &str) -> CResult<Rc<CodeUnit>> {
    let st = SymTable::build_expr(e);
    if let Some((msg, at)) = &st.error {
        return err(msg.clone(), *at);
    }
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
            interactive: false,
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
        let private = self.units.last().and_then(|u| u.private.clone());
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
            private,
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
        // The value stack's size: the deepest stack a flow analysis of the code finds, plus
        // one spare slot; the sum of every instruction's pushes (a bound needing no analysis,
        // far too large for all but tiny functions) where the analysis gives up. A smaller
        // frame is cheaper to make and clear, and lets traces run more calls in frames they
        // allocate themselves (`interpreter::opcodes_calls::virtual_nregs`).
        let mut conservative = 4u32;
        for w in &u.code {
            let (op, arg) = crate::compiler::bytecode::decode(*w);
            conservative += op.max_push(arg);
        }
        let stacksize =
            crate::compiler::bytecode::max_stack_depth(&u.code, &exc_table, conservative)
                .map_or(conservative, |d| (d + 1).min(conservative));
        let sc = &self.st.scopes[u.scope];
        let mut flags = 0;
        let (argcount, posonly, kwonly, f) = sig.unwrap_or((0, 0, 0, 0));
        flags |= f;
        if sc.has_yield {
            flags |= CO_GENERATOR;
        }
        if sc.is_async {
            flags |= CO_GENERATOR;
            flags |= if sc.has_yield {
                CO_ASYNC_GENERATOR
            } else {
                CO_COROUTINE
            };
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
    /// `n` mangled with the current unit's class name, if any.
    fn mangled<'n>(&self, n: &'n str) -> Cow<'n, str> {
        mangle(self.units.last().unwrap().private.as_deref(), n)
    }
    /// The index of a name operand written in the source (attribute names, imported
    /// modules and names): mangled inside a class, as CPython's `ADDOP_NAME` does.
    fn source_name_index(&mut self, n: &str) -> u32 {
        let n = self.mangled(n);
        self.name_index(&n)
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
        let n = self.mangled(n);
        let n = &*n;
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
        let n = self.mangled(n);
        let n = &*n;
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
        let n = self.mangled(n);
        let n = &*n;
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
        // a U+FFFD may stand for a lone surrogate: the literal is compiled on its own
        Expr::StringLiteral(s) if s.value.to_str().contains('\u{fffd}') => None,
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
