//! Code generation for statements: assignments and their targets, control flow (`if`,
//! loops, `break`/`continue` with the cleanups of enclosing blocks), `try`/`except`/`finally`,
//! `with`, `del`, `import`, class and function definitions (closures, defaults, annotations),
//! and `match` with its patterns.

use super::*;

impl Compiler<'_> {
    pub(super) fn stmts(&mut self, body: &[Stmt]) -> CResult<()> {
        for s in body {
            self.stmt(s)?;
        }
        Ok(())
    }

    pub(super) fn stmt(&mut self, s: &Stmt) -> CResult<()> {
        self.set_line(s.range().start());
        match s {
            Stmt::Expr(e) if self.interactive && self.u().kind == ScopeKind::Module => {
                // sys.displayhook(value)
                self.emit_const(Const::Int(0));
                self.emit_const(Const::None);
                let sys = self.name_index("sys");
                self.emit(Op::IMPORT_NAME, sys);
                let hook = self.name_index("displayhook");
                self.emit(Op::LOAD_ATTR, hook);
                self.emit(Op::PUSH_NULL, 0);
                self.emit(Op::ROT_TWO, 0);
                self.expr(&e.value)?;
                self.emit(Op::CALL, 1);
                self.emit(Op::POP_TOP, 0);
            }
            Stmt::Expr(e) => {
                self.expr(&e.value)?;
                self.emit(Op::POP_TOP, 0);
            }
            Stmt::Assign(a) if self.swap_assign(a)? => {}
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
                    let key = self.mangled(n.id.as_str()).into_owned();
                    self.emit_const(Const::Str(key));
                    self.emit(Op::STORE_SUBSCR, 0);
                }
            }
            Stmt::Pass(_) | Stmt::Global(_) | Stmt::Nonlocal(_) => {}
            Stmt::Return(r) => {
                if self.u().kind == ScopeKind::Module || self.u().kind == ScopeKind::Class {
                    return err("'return' outside function", s.range().start());
                }
                if r.value.is_some() && self.in_async_generator() {
                    return err("'return' with value in async generator", s.range().start());
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
                    return self.async_for(f);
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
                if w.is_async && !self.in_async() {
                    return err("'async with' outside async function", s.range().start());
                }
                self.with_items(&w.items, &w.body, w.is_async)?;
            }
            Stmt::Import(i) => {
                for a in &i.names {
                    let full = a.name.id.as_str();
                    self.emit_const(Const::Int(0));
                    match &a.asname {
                        Some(asn) => {
                            self.emit_const(Const::Bool(true));
                            let n = self.source_name_index(full);
                            self.emit(Op::IMPORT_NAME, n);
                            self.store_name(asn.id.as_str());
                        }
                        None => {
                            self.emit_const(Const::None);
                            let n = self.source_name_index(full);
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
                let n = self.source_name_index(&module);
                self.emit(Op::IMPORT_NAME, n);
                for a in &i.names {
                    if a.name.id.as_str() == "*" {
                        self.emit(Op::IMPORT_STAR, 0);
                        return Ok(());
                    }
                    let n = self.source_name_index(a.name.id.as_str());
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
    pub(super) fn unwind_block(
        &mut self,
        b: Block,
        preserve_tos: bool,
        is_break_target: bool,
    ) -> CResult<()> {
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
                if preserve_tos {
                    self.u().blocks.push(Block::PendingValue);
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
            Block::PendingValue => {
                if preserve_tos {
                    self.emit(Op::ROT_TWO, 0);
                }
                self.emit(Op::POP_TOP, 0);
            }
            Block::With { hlevel, is_async } => {
                let saved = self.u().handlers.clone();
                self.u().handlers.truncate(hlevel);
                if preserve_tos {
                    self.emit(Op::ROT_TWO, 0);
                }
                self.with_exit(is_async);
                self.u().handlers = saved;
            }
        }
        Ok(())
    }

    pub(super) fn unwind_all(&mut self, preserve_tos: bool) -> CResult<()> {
        let blocks = self.u().blocks.clone();
        for (i, b) in blocks.iter().enumerate().rev() {
            let saved = self.u().blocks.clone();
            self.u().blocks.truncate(i);
            match b {
                Block::Loop { is_for: true, .. } if preserve_tos => {
                    // RETURN_VALUE discards the rest of the stack, so the iterator may stay,
                    // unless an enclosing `with` or `except` body is unwound next: its exit
                    // expects its own values right below the return value (a `return` in a
                    // `for` in a `with` called the iterator as the exit function)
                    if blocks[..i]
                        .iter()
                        .any(|x| matches!(x, Block::With { .. } | Block::ExceptBody))
                    {
                        self.emit(Op::ROT_TWO, 0);
                        self.emit(Op::POP_TOP, 0);
                    }
                }
                _ => self.unwind_block(*b, preserve_tos, false)?,
            }
            self.u().blocks = saved;
        }
        Ok(())
    }

    pub(super) fn unwind_loop(&mut self, is_break: bool) -> CResult<()> {
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

    pub(super) fn push_handler(&mut self, label: usize) {
        let d = self.u().depth;
        self.u().handlers.push((label, d));
    }

    pub(super) fn try_stmt(&mut self, t: &ast::StmtTry) -> CResult<()> {
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

    pub(super) fn try_except(&mut self, t: &ast::StmtTry) -> CResult<()> {
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

    pub(super) fn with_items(
        &mut self,
        items: &[ast::WithItem],
        body: &[Stmt],
        is_async: bool,
    ) -> CResult<()> {
        let Some((first, rest)) = items.split_first() else {
            return self.stmts(body);
        };
        self.expr(&first.context_expr)?;
        if is_async {
            // [aexit, awaited __aenter__()]
            self.emit(Op::BEFORE_ASYNC_WITH, 0);
            self.emit_await(AWAIT_AENTER);
        } else {
            self.emit(Op::BEFORE_WITH, 0);
        }
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
        self.u().blocks.push(Block::With { hlevel, is_async });
        self.with_items(rest, body, is_async)?;
        self.u().blocks.pop();
        self.u().handlers.pop();
        self.with_exit(is_async);
        self.jump(Op::JUMP, end);
        // exceptional path: [exit, exc]
        self.bind(handler);
        self.emit(Op::PUSH_EXC_INFO, 0);
        let cleanup = self.new_label();
        self.push_handler(cleanup);
        self.emit(Op::WITH_EXCEPT_START, 0);
        if is_async {
            self.emit_await(AWAIT_AEXIT);
        }
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

    pub(super) fn aug_assign(&mut self, a: &ast::StmtAugAssign) -> CResult<()> {
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
                let n = self.source_name_index(at.attr.id.as_str());
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

    /// `a, b = x, y` and `a, b, c = x, y, z` (one target, a tuple or list of two or three
    /// plain targets; a tuple or list display of as many plain values) as CPython compiles
    /// them: the values are evaluated in order onto the stack, reversed there (`SWAP`), and
    /// stored left to right, with no tuple built and unpacked (in a trace, `BUILD_TUPLE` is a
    /// call that allocates). False (nothing emitted) for every other assignment.
    fn swap_assign(&mut self, a: &ast::StmtAssign) -> CResult<bool> {
        let [target] = &a.targets[..] else {
            return Ok(false);
        };
        let targets = match target {
            Expr::Tuple(t) => &t.elts,
            Expr::List(l) => &l.elts,
            _ => return Ok(false),
        };
        let values = match &*a.value {
            Expr::Tuple(t) => &t.elts,
            Expr::List(l) => &l.elts,
            _ => return Ok(false),
        };
        let starred = |es: &[Expr]| es.iter().any(|e| matches!(e, Expr::Starred(_)));
        if !(2..=3).contains(&targets.len())
            || values.len() != targets.len()
            || starred(targets)
            || starred(values)
        {
            return Ok(false);
        }
        for v in values {
            self.expr(v)?;
        }
        self.emit(Op::SWAP, targets.len() as u32);
        for t in targets {
            self.store_target(t)?;
        }
        Ok(true)
    }

    pub(super) fn store_target(&mut self, t: &Expr) -> CResult<()> {
        match t {
            Expr::Name(n) => self.store_name(n.id.as_str()),
            Expr::Attribute(a) => {
                self.expr(&a.value)?;
                let n = self.source_name_index(a.attr.id.as_str());
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

    pub(super) fn unpack(&mut self, elts: &[Expr]) -> CResult<()> {
        let star = elts.iter().position(|e| matches!(e, Expr::Starred(_)));
        if let Some(second) = elts.iter().filter(|e| matches!(e, Expr::Starred(_))).nth(1) {
            return err(
                "multiple starred expressions in assignment",
                second.range().start(),
            );
        }
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

    pub(super) fn delete_target(&mut self, t: &Expr) -> CResult<()> {
        match t {
            Expr::Name(n) => self.delete_name(n.id.as_str()),
            Expr::Attribute(a) => {
                self.expr(&a.value)?;
                let n = self.source_name_index(a.attr.id.as_str());
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

    pub(super) fn class_def(&mut self, c: &ast::StmtClassDef) -> CResult<()> {
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
        self.u().private = Some(c.name.id.as_str().into());
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

    pub(super) fn child_qualname(&self, name: &str) -> String {
        let u = self.units.last().unwrap();
        match u.kind {
            ScopeKind::Module => name.to_string(),
            ScopeKind::Class => format!("{}.{}", u.qualname, name),
            _ => format!("{}.<locals>.{}", u.qualname, name),
        }
    }

    /// Emits the code object constant for `unit` plus its closure, then MAKE_FUNCTION.
    pub(super) fn make_closure(
        &mut self,
        unit: CodeUnit,
        scope: usize,
        mut flags: u32,
    ) -> CResult<()> {
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
    pub(super) fn function_annotations(
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
            let key = self.mangled(n).into_owned();
            self.emit_const(Const::Str(key));
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

    pub(super) fn function(
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
                let key = self.mangled(n).into_owned();
                self.emit_const(Const::Str(key));
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

    pub(super) fn match_stmt(&mut self, m: &ast::StmtMatch) -> CResult<()> {
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

    pub(super) fn pattern(&mut self, p: &Pattern, subj: &str, fail: usize) -> CResult<()> {
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
}
