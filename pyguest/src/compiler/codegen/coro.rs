//! Code generation for coroutines: `await`, `async for`, the exits of `async with`, and the
//! checks that keep them inside `async def` bodies (and async comprehensions).
//!
//! An `await` is `GET_AWAITABLE where; LOAD_CONST None; YIELD_FROM`: the awaitable's
//! iterator is driven by the same delegation that runs `yield from`, so the values it yields
//! go out to whoever resumes the coroutine and its return value is the `await`'s result.
//! `async for` keeps the async iterator on the stack like `for` keeps its iterator; each step
//! is `GET_ANEXT` plus an await, covered by an exception-table entry whose handler is
//! `END_ASYNC_FOR` (a `StopAsyncIteration` ends the loop, anything else propagates).
//!
//! Whether a scope may await is the symbol table's `is_async` (an `async def`, or a
//! comprehension that awaits); the enclosing unit of an async list/set/dict comprehension
//! awaits the comprehension's coroutine, so it must be async itself.

use super::*;

/// `GET_AWAITABLE` argument: a plain `await` (its error message names the type).
pub(super) const AWAIT_PLAIN: u32 = 0;
/// `GET_AWAITABLE` argument: the result of `__aenter__` in `async with`.
pub(super) const AWAIT_AENTER: u32 = 1;
/// `GET_AWAITABLE` argument: the result of `__aexit__` in `async with`.
pub(super) const AWAIT_AEXIT: u32 = 2;

impl Compiler<'_> {
    /// Whether the unit being compiled is a coroutine body (it may `await`).
    pub(super) fn in_async(&self) -> bool {
        let u = self.units.last().unwrap();
        self.st.scopes[u.scope].is_async
    }

    /// Whether the unit being compiled is an async generator function body.
    pub(super) fn in_async_generator(&self) -> bool {
        let u = self.units.last().unwrap();
        let sc = &self.st.scopes[u.scope];
        sc.kind == ScopeKind::Function && sc.is_async && sc.has_yield
    }

    /// The `SyntaxError` of an `await` where none may be.
    pub(super) fn check_await(&self, at: TextSize) -> CResult<()> {
        if self.in_async() {
            return Ok(());
        }
        match self.units.last().unwrap().kind {
            ScopeKind::Module | ScopeKind::Class => err("'await' outside function", at),
            _ => err("'await' outside async function", at),
        }
    }

    /// Awaits TOS, leaving the result (`where`: one of the `AWAIT_*` constants).
    pub(super) fn emit_await(&mut self, place: u32) {
        self.emit(Op::GET_AWAITABLE, place);
        self.emit_const(Const::None);
        self.emit(Op::YIELD_FROM, 0);
    }

    /// The normal exit of a `with` block whose exit method is TOS: `WITH_EXIT`, or for
    /// `async with` the call of `__aexit__(None, None, None)` and an await of its result.
    pub(super) fn with_exit(&mut self, is_async: bool) {
        if is_async {
            self.emit(Op::WITH_EXIT, 1);
            self.emit_await(AWAIT_AEXIT);
            self.emit(Op::POP_TOP, 0);
        } else {
            self.emit(Op::WITH_EXIT, 0);
        }
    }

    /// `async for target in iter: body else: orelse`.
    pub(super) fn async_for(&mut self, f: &ast::StmtFor) -> CResult<()> {
        if !self.in_async() {
            return err("'async for' outside async function", f.range().start());
        }
        self.expr(&f.iter)?;
        self.emit(Op::GET_AITER, 0);
        let top = self.new_label();
        let end = self.new_label();
        let brk = self.new_label();
        self.u().depth += 1;
        self.bind(top);
        self.push_handler(end);
        self.emit(Op::GET_ANEXT, 0);
        self.emit_await(AWAIT_PLAIN);
        self.u().handlers.pop();
        self.store_target(&f.target)?;
        self.u().blocks.push(Block::Loop {
            brk,
            cont: top,
            is_for: true,
        });
        self.stmts(&f.body)?;
        self.u().blocks.pop();
        self.jump(Op::JUMP, top);
        // [aiter, exc]: StopAsyncIteration pops both and falls through to `else`
        self.bind(end);
        self.emit(Op::END_ASYNC_FOR, 0);
        self.u().depth -= 1;
        self.stmts(&f.orelse)?;
        self.bind(brk);
        Ok(())
    }
}
