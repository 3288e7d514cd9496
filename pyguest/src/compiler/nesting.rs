//! Limits on how deeply a program may nest, checked before the compiler's recursive walks.
//!
//! The parser, the symbol table and the code generator all recurse on the native stack once
//! per level of nesting, and the last two use large frames: a lambda nested 20,000 deep used
//! gigabytes of stack and a million nested parentheses could overflow it. CPython stops such
//! programs early, and so does pyguest, in two steps:
//!
//! * [`check_brackets`] scans the source text before parsing (skipping comments and string
//!   literals, f-strings included, whose braces CPython 3.11's tokenizer does not count
//!   either): more than [`MAX_BRACKETS`] open brackets is CPython's `SyntaxError: too many
//!   nested parentheses`, and the parser never sees such input;
//! * [`check_depth`] walks the parsed module with a depth count over statements and
//!   expressions: past [`MAX_DEPTH`] levels, or past what the remaining native stack can hold
//!   for the compiler (about [`STACK_PER_LEVEL`] bytes a level), it reports CPython's
//!   `RecursionError: maximum recursion depth exceeded during compilation`.
//!
//! Either way the error comes back as a [`Nesting`] with a byte offset into the source.

use ruff_python_ast::visitor::{walk_expr, walk_stmt, Visitor};
use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::Ranged;

/// CPython 3.11's tokenizer limit on open brackets (`MAXLEVEL`).
pub const MAX_BRACKETS: usize = 200;
/// Deepest nesting of statements and expressions the compiler accepts (CPython's compiler
/// allows about three times the default recursion limit).
pub const MAX_DEPTH: usize = 3000;
/// Native stack the symbol table and code generator may use per level of nesting (debug
/// builds included), to size the depth limit on a small interpreter stack.
pub const STACK_PER_LEVEL: usize = 64 << 10;

/// Why a program nests too deeply, and where.
#[derive(Debug, PartialEq)]
pub enum Nesting {
    /// More than [`MAX_BRACKETS`] open brackets at this byte offset: a `SyntaxError`.
    Brackets(usize),
    /// Nesting past the compiler's depth limit at this byte offset: a `RecursionError`.
    Depth(usize),
}

/// Checks that no point of `src` is inside more than [`MAX_BRACKETS`] brackets.
pub fn check_brackets(src: &str) -> Result<(), Nesting> {
    let b = src.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'\'' | b'"' => {
                i = skip_string(b, i);
                continue;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_BRACKETS {
                    return Err(Nesting::Brackets(i));
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// The index just past the string literal whose opening quote is at `i` (prefixes such as
/// `rb`/`f` are letters before the quote and need no handling; in a raw string a backslash
/// still keeps the next quote from closing it, as in Python).
fn skip_string(b: &[u8], i: usize) -> usize {
    let q = b[i];
    let triple = b.len() >= i + 3 && b[i + 1] == q && b[i + 2] == q;
    let mut j = if triple { i + 3 } else { i + 1 };
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            c if c == q => {
                if !triple {
                    return j + 1;
                }
                if b.len() >= j + 3 && b[j + 1] == q && b[j + 2] == q {
                    return j + 3;
                }
                j += 1;
            }
            b'\n' if !triple => return j + 1,
            _ => j += 1,
        }
    }
    b.len()
}

/// The depth limit for a compile starting now: [`MAX_DEPTH`], or less when the native stack
/// left cannot hold that many levels.
pub fn depth_limit() -> usize {
    let left = crate::stack::stack_left();
    MAX_DEPTH.min(left / STACK_PER_LEVEL).max(1)
}

/// Checks that statements and expressions in `body` nest at most `limit` deep.
pub fn check_depth(body: &[Stmt], limit: usize) -> Result<(), Nesting> {
    let mut v = DepthCheck {
        depth: 0,
        limit,
        at: None,
    };
    for s in body {
        v.visit_stmt(s);
        if let Some(at) = v.at {
            return Err(Nesting::Depth(at));
        }
    }
    Ok(())
}

/// [`check_depth`] of one expression (`eval` source).
pub fn check_expr_depth(e: &Expr, limit: usize) -> Result<(), Nesting> {
    let mut v = DepthCheck {
        depth: 0,
        limit,
        at: None,
    };
    v.visit_expr(e);
    v.at.map_or(Ok(()), |at| Err(Nesting::Depth(at)))
}

struct DepthCheck {
    depth: usize,
    limit: usize,
    /// Offset of the first node past the limit (the walk stops descending once set).
    at: Option<usize>,
}

impl DepthCheck {
    /// Enters a node at `offset`; false if the walk must not descend into it.
    fn enter(&mut self, offset: usize) -> bool {
        if self.at.is_some() {
            return false;
        }
        self.depth += 1;
        if self.depth > self.limit {
            self.at = Some(offset);
            self.depth -= 1;
            return false;
        }
        true
    }
}

impl<'a> Visitor<'a> for DepthCheck {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if self.enter(stmt.start().to_usize()) {
            walk_stmt(self, stmt);
            self.depth -= 1;
        }
    }
    fn visit_expr(&mut self, expr: &'a Expr) {
        if self.enter(expr.start().to_usize()) {
            walk_expr(self, expr);
            self.depth -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_of(src: &str, limit: usize) -> Result<(), Nesting> {
        let m = ruff_python_parser::parse_module(src).unwrap();
        check_depth(&m.syntax().body, limit)
    }

    #[test]
    fn brackets_over_the_limit_are_found_outside_strings_and_comments() {
        let ok = format!("x = {}1{}\n", "(".repeat(200), ")".repeat(200));
        assert_eq!(check_brackets(&ok), Ok(()));
        let deep = format!("x = {}1{}\n", "[".repeat(201), "]".repeat(201));
        assert_eq!(check_brackets(&deep), Err(Nesting::Brackets(4 + 200)));
        // brackets in strings, f-strings, triple-quoted strings and comments do not count
        let quoted = format!(
            "s = '{0}'\nt = f\"{{{0}}}\"\nu = '''{0}\n{0}'''\n# {0}\nv = r'\\'{0}'\n",
            "(".repeat(500)
        );
        assert_eq!(check_brackets(&quoted), Ok(()));
    }

    #[test]
    fn depth_counts_statements_and_expressions() {
        let lam = |n: usize| format!("f = {}1\n", "lambda: ".repeat(n));
        // the assignment statement, then one expression level per lambda plus the body
        assert_eq!(depth_of(&lam(10), 12), Ok(()));
        assert!(matches!(depth_of(&lam(10), 11), Err(Nesting::Depth(_))));
        let nested_if = "if a:\n    if b:\n        if c:\n            pass\n";
        assert_eq!(depth_of(nested_if, 10), Ok(()));
        assert!(matches!(depth_of(nested_if, 3), Err(Nesting::Depth(_))));
    }
}
