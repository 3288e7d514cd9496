//! The Vec2 compiler: source text to stack-machine [`Code`].
//!
//! ```text
//! program := stmt*                      # `#` starts a comment to the end of the line
//! stmt    := "let" NAME "=" expr | NAME "=" expr | "print" expr
//!          | "while" expr "{" stmt* "}" | "if" expr "{" stmt* "}" ("else" "{" stmt* "}")?
//! expr    := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)?
//! sum     := term (("+" | "-") term)*
//! term    := unary (("*" | "/") unary)*
//! unary   := "-" unary | primary ("." ("x" | "y"))*
//! primary := INT | FLOAT | NAME | "vec" "(" expr "," expr ")" | "(" expr ")"
//! ```
//!
//! Every variable is a slot of the frame, declared by its first `let`. The compiler tracks
//! the value stack's depth at each instruction (the same on every path, which the
//! interpreter's `promote` relies on) and sizes the frame to its deepest point. Errors carry
//! the line number.

use crate::{Code, Op, CMP_EQ, CMP_GE, CMP_GT, CMP_LE, CMP_LT, CMP_NE};
use std::collections::HashMap;
use std::fmt;

/// A syntax or name error, with its line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for CompileError {}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Int(i64),
    Float(f64),
    Name(String),
    Sym(&'static str),
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Int(i) => write!(f, "`{i}`"),
            Tok::Float(x) => write!(f, "`{x}`"),
            Tok::Name(n) => write!(f, "`{n}`"),
            Tok::Sym(s) => write!(f, "`{s}`"),
        }
    }
}

const SYMBOLS: [&str; 16] = [
    "<=", ">=", "==", "!=", "<", ">", "=", "+", "-", "*", "/", "(", ")", "{", "}", ",",
];

fn lex(src: &str) -> Result<Vec<(Tok, usize)>, CompileError> {
    let mut toks = Vec::new();
    for (n, line) in src.lines().enumerate() {
        let line_no = n + 1;
        let line = line.split('#').next().unwrap_or("");
        let mut rest = line.trim_start();
        while !rest.is_empty() {
            let c = rest.chars().next().unwrap_or(' ');
            let len;
            if c.is_ascii_digit() {
                len = rest
                    .find(|ch: char| !(ch.is_ascii_digit() || ch == '.'))
                    .unwrap_or(rest.len());
                let text = &rest[..len];
                let bad = || CompileError {
                    line: line_no,
                    message: format!("bad number `{text}`"),
                };
                let tok = if text.contains('.') {
                    Tok::Float(text.parse().map_err(|_| bad())?)
                } else {
                    Tok::Int(text.parse().map_err(|_| bad())?)
                };
                toks.push((tok, line_no));
            } else if c.is_alphabetic() || c == '_' {
                len = rest
                    .find(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
                    .unwrap_or(rest.len());
                toks.push((Tok::Name(rest[..len].to_string()), line_no));
            } else if c == '.' {
                len = 1;
                toks.push((Tok::Sym("."), line_no));
            } else if let Some(s) = SYMBOLS.iter().find(|s| rest.starts_with(**s)) {
                len = s.len();
                toks.push((Tok::Sym(s), line_no));
            } else {
                return Err(CompileError {
                    line: line_no,
                    message: format!("unexpected character `{c}`"),
                });
            }
            rest = rest[len..].trim_start();
        }
    }
    Ok(toks)
}

struct Compiler {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    ops: Vec<Op>,
    slots: HashMap<String, usize>,
    names: Vec<String>,
    depth: usize,
    max_depth: usize,
}

impl Compiler {
    fn line(&self) -> usize {
        self.toks
            .get(self.pos)
            .or(self.toks.last())
            .map_or(1, |t| t.1)
    }

    fn error<T>(&self, message: impl Into<String>) -> Result<T, CompileError> {
        Err(CompileError {
            line: self.line(),
            message: message.into(),
        })
    }

    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.0)
    }

    fn is_sym(&self, s: &str) -> bool {
        matches!(self.peek(), Some(Tok::Sym(x)) if *x == s)
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Some(Tok::Name(x)) if x == w)
    }

    fn expect_sym(&mut self, s: &str) -> Result<(), CompileError> {
        if self.is_sym(s) {
            self.pos += 1;
            return Ok(());
        }
        match self.peek() {
            Some(t) => self.error(format!("expected `{s}`, found {t}")),
            None => self.error(format!("expected `{s}` at the end of the program")),
        }
    }

    fn name(&mut self) -> Result<String, CompileError> {
        match self.peek() {
            Some(Tok::Name(n)) => {
                let n = n.clone();
                self.pos += 1;
                Ok(n)
            }
            Some(t) => self.error(format!("expected a name, found {t}")),
            None => self.error("expected a name at the end of the program"),
        }
    }

    /// Emits `op`, which changes the stack depth by `effect`.
    fn emit(&mut self, op: Op, effect: isize) {
        self.ops.push(op);
        self.depth = self.depth.saturating_add_signed(effect);
        self.max_depth = self.max_depth.max(self.depth);
    }

    fn slot(&self, name: &str) -> Result<usize, CompileError> {
        match self.slots.get(name) {
            Some(&s) => Ok(s),
            None => self.error(format!("unknown variable `{name}` (declare it with `let`)")),
        }
    }

    fn block(&mut self) -> Result<(), CompileError> {
        self.expect_sym("{")?;
        while !self.is_sym("}") {
            if self.peek().is_none() {
                return self.error("missing `}`");
            }
            self.stmt()?;
        }
        self.pos += 1;
        Ok(())
    }

    fn stmt(&mut self) -> Result<(), CompileError> {
        if self.is_word("let") {
            self.pos += 1;
            let name = self.name()?;
            self.expect_sym("=")?;
            self.expr()?;
            let next = self.names.len();
            let slot = *self.slots.entry(name.clone()).or_insert(next);
            if slot == next {
                self.names.push(name);
            }
            self.emit(Op::Store(slot), -1);
        } else if self.is_word("print") {
            self.pos += 1;
            self.expr()?;
            self.emit(Op::Print, -1);
        } else if self.is_word("while") {
            self.pos += 1;
            let top = self.ops.len();
            self.expr()?;
            let exit = self.ops.len();
            self.emit(Op::JumpIfFalse(0), -1);
            self.block()?;
            self.emit(Op::Jump(top), 0);
            self.ops[exit] = Op::JumpIfFalse(self.ops.len());
        } else if self.is_word("if") {
            self.pos += 1;
            self.expr()?;
            let skip = self.ops.len();
            self.emit(Op::JumpIfFalse(0), -1);
            self.block()?;
            if self.is_word("else") {
                self.pos += 1;
                let over = self.ops.len();
                self.emit(Op::Jump(0), 0);
                self.ops[skip] = Op::JumpIfFalse(self.ops.len());
                self.block()?;
                self.ops[over] = Op::Jump(self.ops.len());
            } else {
                self.ops[skip] = Op::JumpIfFalse(self.ops.len());
            }
        } else if let Some(Tok::Name(_)) = self.peek() {
            let name = self.name()?;
            let slot = self.slot(&name)?;
            self.expect_sym("=")?;
            self.expr()?;
            self.emit(Op::Store(slot), -1);
        } else {
            return match self.peek() {
                Some(t) => self.error(format!("expected a statement, found {t}")),
                None => self.error("expected a statement"),
            };
        }
        Ok(())
    }

    fn expr(&mut self) -> Result<(), CompileError> {
        self.sum()?;
        let cmp = [
            ("<", CMP_LT),
            ("<=", CMP_LE),
            (">", CMP_GT),
            (">=", CMP_GE),
            ("==", CMP_EQ),
            ("!=", CMP_NE),
        ];
        if let Some(&(_, c)) = cmp.iter().find(|(s, _)| self.is_sym(s)) {
            self.pos += 1;
            self.sum()?;
            self.emit(Op::Compare(c), -1);
        }
        Ok(())
    }

    fn sum(&mut self) -> Result<(), CompileError> {
        self.term()?;
        loop {
            let op = if self.is_sym("+") {
                Op::Add
            } else if self.is_sym("-") {
                Op::Sub
            } else {
                return Ok(());
            };
            self.pos += 1;
            self.term()?;
            self.emit(op, -1);
        }
    }

    fn term(&mut self) -> Result<(), CompileError> {
        self.unary()?;
        loop {
            let op = if self.is_sym("*") {
                Op::Mul
            } else if self.is_sym("/") {
                Op::Div
            } else {
                return Ok(());
            };
            self.pos += 1;
            self.unary()?;
            self.emit(op, -1);
        }
    }

    fn unary(&mut self) -> Result<(), CompileError> {
        if self.is_sym("-") {
            self.pos += 1;
            self.unary()?;
            self.emit(Op::Neg, 0);
            return Ok(());
        }
        self.primary()?;
        while self.is_sym(".") {
            self.pos += 1;
            let k = match self.name()?.as_str() {
                "x" => 0,
                "y" => 1,
                other => return self.error(format!("a vector has `.x` and `.y`, not `.{other}`")),
            };
            self.emit(Op::Component(k), 0);
        }
        Ok(())
    }

    fn primary(&mut self) -> Result<(), CompileError> {
        let Some(tok) = self.peek().cloned() else {
            return self.error("expected an expression at the end of the program");
        };
        self.pos += 1;
        match tok {
            Tok::Int(i) => self.emit(Op::Int(i), 1),
            Tok::Float(x) => self.emit(Op::Float(x), 1),
            Tok::Name(n) if n == "vec" => {
                self.expect_sym("(")?;
                self.expr()?;
                self.expect_sym(",")?;
                self.expr()?;
                self.expect_sym(")")?;
                self.emit(Op::MakeVec, -1);
            }
            Tok::Name(n) => {
                let slot = self.slot(&n)?;
                self.emit(Op::Load(slot), 1);
            }
            Tok::Sym("(") => {
                self.expr()?;
                self.expect_sym(")")?;
            }
            Tok::Sym(s) => {
                self.pos -= 1;
                return self.error(format!("expected an expression, found `{s}`"));
            }
        }
        Ok(())
    }
}

/// Compiles a program.
pub fn compile(src: &str) -> Result<Code, CompileError> {
    let mut c = Compiler {
        toks: lex(src)?,
        pos: 0,
        ops: Vec::new(),
        slots: HashMap::new(),
        names: Vec::new(),
        depth: 0,
        max_depth: 0,
    };
    while c.peek().is_some() {
        c.stmt()?;
    }
    c.ops.push(Op::Halt);
    Ok(Code {
        ops: c.ops,
        n_locals: c.names.len(),
        n_slots: c.names.len() + c.max_depth,
        names: c.names,
        jit_id: metatracer::JitIdentity::new(),
    })
}
