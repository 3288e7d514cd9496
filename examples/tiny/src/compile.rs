//! Tiny's front end: tokenizer, recursive-descent parser and compiler to bytecode, in one pass.
//!
//! ```text
//! program := (fn | stmt)*            fn := "fn" NAME "(" names ")" block
//! stmt    := "let" NAME "=" expr ";" | NAME "=" expr ";" | "while" expr block
//!          | "if" expr block ("else" block)? | "print" expr ";" | "return" expr ";" | expr ";"
//! expr    := sum (("<"|"<="|">"|">="|"=="|"!=") sum)?
//! sum     := term (("+"|"-") term)*     term := unary (("*"|"/"|"%") unary)*
//! unary   := "-" unary | postfix         postfix := primary ("." ("0"|"1"))*
//! primary := INT | FLOAT | NAME | NAME "(" args ")" | "pair" "(" expr "," expr ")" | "(" expr ")"
//! ```
//! Variables are local to their function (parameters and `let`s); top-level statements form
//! the function `main`. Errors carry the line number.

use crate::{Func, Op, Program};
use std::collections::HashMap;

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Int(i64),
    Float(f64),
    Name(String),
    Sym(&'static str),
}

fn tokenize(src: &str) -> Result<Vec<(Tok, usize)>, String> {
    let b = src.as_bytes();
    let mut i = 0;
    let mut line = 1;
    let mut out = Vec::new();
    const SYMS: [&str; 20] = [
        "<=", ">=", "==", "!=", "<", ">", "+", "-", "*", "/", "%", "=", "(", ")", "{", "}", ",",
        ";", ".", "#",
    ];
    while i < b.len() {
        let c = b[i];
        if c == b'\n' {
            line += 1;
            i += 1;
        } else if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'#' {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c.is_ascii_digit() {
            let s = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            // After a `.` the digits are a field index (`p.0.1` is `(p.0).1`), never a float.
            let after_dot = matches!(out.last(), Some((Tok::Sym("."), _)));
            if !after_dot && i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
                i += 1;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                let v = src[s..i]
                    .parse()
                    .map_err(|_| format!("line {line}: bad number"))?;
                out.push((Tok::Float(v), line));
            } else {
                let v = src[s..i]
                    .parse()
                    .map_err(|_| format!("line {line}: integer too large"))?;
                out.push((Tok::Int(v), line));
            }
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let s = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            out.push((Tok::Name(src[s..i].to_string()), line));
        } else {
            let sym = SYMS
                .iter()
                .find(|s| src[i..].starts_with(**s))
                .ok_or_else(|| format!("line {line}: unexpected character `{}`", c as char))?;
            i += sym.len();
            out.push((Tok::Sym(sym), line));
        }
    }
    Ok(out)
}

/// How deeply expressions and blocks may nest: the parser recurses once per level, and a
/// program nested deeper would overflow the Rust stack instead of getting an error.
const MAX_NESTING: usize = 500;

/// The deepest operand stack `ops` reach. Statements leave the stack empty and every jump
/// target is a statement boundary, so one pass in program order sees every depth.
fn max_operand_depth(ops: &[Op]) -> usize {
    let (mut depth, mut max) = (0i64, 0i64);
    for op in ops {
        depth += match *op {
            Op::PushInt(_) | Op::PushFloat(_) | Op::Load(_) => 1,
            Op::Call(_, n) => 1 - n as i64,
            Op::GetField(_) | Op::Jump(_) => 0,
            _ => -1,
        };
        max = max.max(depth);
    }
    max as usize
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    /// Current nesting of expressions and blocks (bounded by [`MAX_NESTING`]).
    depth: usize,
    funcs: Vec<Func>,
    names: HashMap<String, usize>,
    /// Calls to functions not yet defined: (function, op index, name, line).
    fixups: Vec<(usize, usize, String, usize)>,
}

struct FnCx {
    ops: Vec<Op>,
    locals: Vec<String>,
}

impl Parser {
    fn line(&self) -> usize {
        self.toks
            .get(self.pos)
            .or(self.toks.last())
            .map_or(0, |t| t.1)
    }
    fn err<T>(&self, msg: &str) -> Result<T, String> {
        Err(format!("line {}: {msg}", self.line()))
    }
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.0)
    }
    fn is(&self, s: &str) -> bool {
        matches!(self.peek(), Some(Tok::Sym(x)) if *x == s)
            || matches!(self.peek(), Some(Tok::Name(x)) if x == s)
    }
    fn eat(&mut self, s: &str) -> bool {
        if self.is(s) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn expect(&mut self, s: &str) -> Result<(), String> {
        if self.eat(s) {
            Ok(())
        } else {
            self.err(&format!("expected `{s}`"))
        }
    }
    fn name(&mut self) -> Result<String, String> {
        match self.peek() {
            Some(Tok::Name(n)) => {
                let n = n.clone();
                self.pos += 1;
                Ok(n)
            }
            _ => self.err("expected a name"),
        }
    }

    fn local(&self, cx: &FnCx, n: &str) -> Result<usize, String> {
        cx.locals
            .iter()
            .position(|l| l == n)
            .ok_or_else(|| format!("line {}: unknown variable `{n}`", self.line()))
    }

    /// Enters one level of nesting; errors when the program nests too deeply.
    fn nest(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return self.err(&format!("nested more than {MAX_NESTING} levels deep"));
        }
        Ok(())
    }

    fn block(&mut self, cx: &mut FnCx, f: usize) -> Result<(), String> {
        self.nest()?;
        let r = self.block_body(cx, f);
        self.depth -= 1;
        r
    }

    fn block_body(&mut self, cx: &mut FnCx, f: usize) -> Result<(), String> {
        self.expect("{")?;
        while !self.eat("}") {
            if self.peek().is_none() {
                return self.err("missing `}`");
            }
            self.stmt(cx, f)?;
        }
        Ok(())
    }

    fn stmt(&mut self, cx: &mut FnCx, f: usize) -> Result<(), String> {
        if self.eat("let") {
            let n = self.name()?;
            self.expect("=")?;
            self.expr(cx, f)?;
            self.expect(";")?;
            let slot = match cx.locals.iter().position(|l| *l == n) {
                Some(s) => s,
                None => {
                    cx.locals.push(n);
                    cx.locals.len() - 1
                }
            };
            cx.ops.push(Op::Store(slot));
        } else if self.eat("while") {
            let top = cx.ops.len();
            self.expr(cx, f)?;
            let jf = cx.ops.len();
            cx.ops.push(Op::JumpIfFalse(0));
            self.block(cx, f)?;
            cx.ops.push(Op::Jump(top));
            let end = cx.ops.len();
            cx.ops[jf] = Op::JumpIfFalse(end);
        } else if self.eat("if") {
            self.expr(cx, f)?;
            let jf = cx.ops.len();
            cx.ops.push(Op::JumpIfFalse(0));
            self.block(cx, f)?;
            if self.eat("else") {
                let j = cx.ops.len();
                cx.ops.push(Op::Jump(0));
                cx.ops[jf] = Op::JumpIfFalse(cx.ops.len());
                self.block(cx, f)?;
                cx.ops[j] = Op::Jump(cx.ops.len());
            } else {
                cx.ops[jf] = Op::JumpIfFalse(cx.ops.len());
            }
        } else if self.eat("print") {
            self.expr(cx, f)?;
            self.expect(";")?;
            cx.ops.push(Op::Print);
        } else if self.eat("return") {
            self.expr(cx, f)?;
            self.expect(";")?;
            cx.ops.push(Op::Return);
        } else if matches!(self.peek(), Some(Tok::Name(_)))
            && matches!(self.toks.get(self.pos + 1), Some((Tok::Sym("="), _)))
        {
            let n = self.name()?;
            self.expect("=")?;
            self.expr(cx, f)?;
            self.expect(";")?;
            let slot = self.local(cx, &n)?;
            cx.ops.push(Op::Store(slot));
        } else {
            self.expr(cx, f)?;
            self.expect(";")?;
            cx.ops.push(Op::Pop);
        }
        Ok(())
    }

    fn expr(&mut self, cx: &mut FnCx, f: usize) -> Result<(), String> {
        self.nest()?;
        let r = self.comparison(cx, f);
        self.depth -= 1;
        r
    }

    fn comparison(&mut self, cx: &mut FnCx, f: usize) -> Result<(), String> {
        self.sum(cx, f)?;
        for (s, op) in [
            ("<=", Op::Le),
            (">=", Op::Ge),
            ("==", Op::Eq),
            ("!=", Op::Ne),
            ("<", Op::Lt),
            (">", Op::Gt),
        ] {
            if self.eat(s) {
                self.sum(cx, f)?;
                cx.ops.push(op);
                break;
            }
        }
        Ok(())
    }
    fn sum(&mut self, cx: &mut FnCx, f: usize) -> Result<(), String> {
        self.term(cx, f)?;
        loop {
            let op = if self.eat("+") {
                Op::Add
            } else if self.eat("-") {
                Op::Sub
            } else {
                return Ok(());
            };
            self.term(cx, f)?;
            cx.ops.push(op);
        }
    }
    fn term(&mut self, cx: &mut FnCx, f: usize) -> Result<(), String> {
        self.unary(cx, f)?;
        loop {
            let op = if self.eat("*") {
                Op::Mul
            } else if self.eat("/") {
                Op::Div
            } else if self.eat("%") {
                Op::Mod
            } else {
                return Ok(());
            };
            self.unary(cx, f)?;
            cx.ops.push(op);
        }
    }
    fn unary(&mut self, cx: &mut FnCx, f: usize) -> Result<(), String> {
        if self.eat("-") {
            cx.ops.push(Op::PushInt(0));
            self.nest()?;
            let r = self.unary(cx, f);
            self.depth -= 1;
            r?;
            cx.ops.push(Op::Sub);
            return Ok(());
        }
        self.primary(cx, f)?;
        while self.eat(".") {
            match self.peek() {
                Some(Tok::Int(0)) => cx.ops.push(Op::GetField(0)),
                Some(Tok::Int(1)) => cx.ops.push(Op::GetField(1)),
                _ => return self.err("a pair has fields `.0` and `.1`"),
            }
            self.pos += 1;
        }
        Ok(())
    }
    fn primary(&mut self, cx: &mut FnCx, f: usize) -> Result<(), String> {
        let line = self.line();
        match self.peek().cloned() {
            Some(Tok::Int(v)) => {
                self.pos += 1;
                cx.ops.push(Op::PushInt(v));
            }
            Some(Tok::Float(v)) => {
                self.pos += 1;
                cx.ops.push(Op::PushFloat(v));
            }
            Some(Tok::Sym("(")) => {
                self.pos += 1;
                self.expr(cx, f)?;
                self.expect(")")?;
            }
            Some(Tok::Name(n)) => {
                self.pos += 1;
                if n == "pair" {
                    self.expect("(")?;
                    self.expr(cx, f)?;
                    self.expect(",")?;
                    self.expr(cx, f)?;
                    self.expect(")")?;
                    cx.ops.push(Op::Pair);
                } else if self.eat("(") {
                    let mut n_args = 0;
                    if !self.eat(")") {
                        loop {
                            self.expr(cx, f)?;
                            n_args += 1;
                            if self.eat(")") {
                                break;
                            }
                            self.expect(",")?;
                        }
                    }
                    self.fixups.push((f, cx.ops.len(), n.clone(), line));
                    cx.ops.push(Op::Call(0, n_args));
                } else {
                    let slot = self.local(cx, &n)?;
                    cx.ops.push(Op::Load(slot));
                }
            }
            _ => return self.err("expected an expression"),
        }
        Ok(())
    }

    fn function(&mut self) -> Result<(), String> {
        let name = self.name()?;
        self.expect("(")?;
        let mut params = Vec::new();
        if !self.eat(")") {
            loop {
                params.push(self.name()?);
                if self.eat(")") {
                    break;
                }
                self.expect(",")?;
            }
        }
        if self.names.contains_key(&name) {
            return self.err(&format!("function `{name}` defined twice"));
        }
        let f = self.funcs.len();
        self.names.insert(name.clone(), f);
        self.funcs.push(Func {
            name,
            n_params: params.len(),
            n_locals: 0,
            frame_size: 0,
            recursive: false,
            ops: Vec::new(),
        });
        let mut cx = FnCx {
            ops: Vec::new(),
            locals: params,
        };
        self.block(&mut cx, f)?;
        cx.ops.push(Op::PushInt(0));
        cx.ops.push(Op::Return);
        self.funcs[f].n_locals = cx.locals.len();
        self.funcs[f].frame_size = cx.locals.len() + max_operand_depth(&cx.ops);
        self.funcs[f].ops = cx.ops;
        Ok(())
    }
}

/// Compiles source text to a program whose function 0 is `main` (the top-level code).
pub fn compile(src: &str) -> Result<Program, String> {
    let toks = tokenize(src)?;
    let mut p = Parser {
        toks,
        pos: 0,
        depth: 0,
        funcs: vec![Func {
            name: "main".into(),
            n_params: 0,
            n_locals: 0,
            frame_size: 0,
            recursive: false,
            ops: Vec::new(),
        }],
        names: HashMap::new(),
        fixups: Vec::new(),
    };
    let mut main = FnCx {
        ops: Vec::new(),
        locals: Vec::new(),
    };
    while p.peek().is_some() {
        if p.eat("fn") {
            p.function()?;
        } else {
            p.stmt(&mut main, 0)?;
        }
    }
    main.ops.push(Op::PushInt(0));
    main.ops.push(Op::Return);
    p.funcs[0].n_locals = main.locals.len();
    p.funcs[0].frame_size = main.locals.len() + max_operand_depth(&main.ops);
    p.funcs[0].ops = main.ops;
    if let Some(big) = p.funcs.iter().find(|f| f.frame_size > crate::STACK) {
        return Err(format!(
            "function `{}` needs {} value slots; the machine has {}",
            big.name,
            big.frame_size,
            crate::STACK
        ));
    }
    for (f, at, name, line) in std::mem::take(&mut p.fixups) {
        let target = *p
            .names
            .get(&name)
            .ok_or_else(|| format!("line {line}: unknown function `{name}`"))?;
        let Op::Call(_, n) = p.funcs[f].ops[at] else {
            unreachable!("fixup points at a call")
        };
        if p.funcs[target].n_params != n {
            return Err(format!(
                "line {line}: `{name}` takes {} argument(s), got {n}",
                p.funcs[target].n_params
            ));
        }
        p.funcs[f].ops[at] = Op::Call(target, n);
    }
    mark_recursive(&mut p.funcs);
    Ok(Program {
        funcs: p.funcs,
        jit_id: metatracer::JitIdentity::new(),
    })
}

/// Sets [`Func::recursive`] on every function that can reach itself through calls (directly
/// or through others): a depth-first walk of the call graph from each function.
fn mark_recursive(funcs: &mut [Func]) {
    let callees: Vec<Vec<usize>> = funcs
        .iter()
        .map(|f| {
            f.ops
                .iter()
                .filter_map(|op| match op {
                    Op::Call(g, _) => Some(*g),
                    _ => None,
                })
                .collect()
        })
        .collect();
    for (f, func) in funcs.iter_mut().enumerate() {
        let mut seen = vec![false; callees.len()];
        let mut todo = callees[f].clone();
        while let Some(g) = todo.pop() {
            if g == f {
                func.recursive = true;
                break;
            }
            if !std::mem::replace(&mut seen[g], true) {
                todo.extend_from_slice(&callees[g]);
            }
        }
    }
}
