//! Code generation for expressions: conditional jumps on a truth value, every expression kind
//! (operators, comparisons, attribute and subscript access, literals, f-strings, lambdas,
//! conditional expressions, `yield`), calls (with `*args`/`**kwargs`) and comprehensions.

use super::*;
use crate::compiler::surrogates::Surrogates;

impl Compiler<'_> {
    /// Jumps to `target` when `e` is truthy (`when` true) or falsy (`when` false).
    pub(super) fn cond_jump(&mut self, e: &Expr, when: bool, target: usize) -> CResult<()> {
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

    pub(super) fn expr(&mut self, e: &Expr) -> CResult<()> {
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
            Expr::StringLiteral(s) => {
                let c = self.str_literal(s);
                self.emit_const(c)
            }
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
                let n = self.source_name_index(a.attr.id.as_str());
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
                if self.in_async() {
                    return err("'yield from' inside async function", y.range().start());
                }
                self.expr(&y.value)?;
                self.emit(Op::GET_ITER, 0);
                self.emit_const(Const::None);
                self.emit(Op::YIELD_FROM, 0);
            }
            Expr::Await(a) => {
                self.check_await(a.range().start())?;
                self.expr(&a.value)?;
                self.emit_await(AWAIT_PLAIN);
            }
            Expr::FString(f) => {
                let mut n = 0;
                for part in f.value.iter() {
                    match part {
                        ast::FStringPart::Literal(l) => {
                            let mut sur = Surrogates::default();
                            sur.quoted(
                                &self.source[l.range.start().to_usize()..l.range.end().to_usize()],
                            );
                            self.emit_const(match sur.code_points(&l.value) {
                                Some(cps) => Const::SurrStr(cps),
                                None => Const::Str(l.value.to_string()),
                            });
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

    /// The constant of a `str` literal: its code points when an escape wrote a lone
    /// surrogate (ruff decoded it as U+FFFD, `compiler/surrogates.rs`).
    fn str_literal(&self, s: &ast::ExprStringLiteral) -> Const {
        let value = s.value.to_str();
        if value.contains('\u{fffd}') {
            let mut sur = Surrogates::default();
            for part in s.value.iter() {
                sur.quoted(
                    &self.source[part.range.start().to_usize()..part.range.end().to_usize()],
                );
            }
            if let Some(cps) = sur.code_points(value) {
                return Const::SurrStr(cps);
            }
        }
        Const::Str(value.to_string())
    }

    pub(super) fn fstring_elem(&mut self, el: &ast::InterpolatedStringElement) -> CResult<u32> {
        match el {
            ast::InterpolatedStringElement::Literal(l) => {
                let mut sur = Surrogates::default();
                if l.value.contains('\u{fffd}') {
                    sur.fstring_text(
                        &self.source[l.range.start().to_usize()..l.range.end().to_usize()],
                    );
                }
                self.emit_const(match sur.code_points(&l.value) {
                    Some(cps) => Const::SurrStr(cps),
                    None => Const::Str(l.value.to_string()),
                });
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

    pub(super) fn cmp_op(&mut self, op: ast::CmpOp) {
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
    pub(super) fn starred_list(&mut self, elts: &[Expr]) -> CResult<()> {
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

    pub(super) fn call(&mut self, c: &ast::ExprCall) -> CResult<()> {
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
            let n = self.source_name_index(a.attr.id.as_str());
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

    pub(super) fn comprehension(
        &mut self,
        key: usize,
        name: &str,
        gens: &[ast::Comprehension],
        kind: CompKind,
        start: TextSize,
    ) -> CResult<()> {
        let scope = self.st.scope_of(key);
        let is_async = self.st.scopes[scope].is_async;
        let is_gen = matches!(kind, CompKind::Gen(_));
        if is_async && !is_gen && !self.in_async() {
            return err(
                "asynchronous comprehension outside of an asynchronous function",
                start,
            );
        }
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
        // values below the iterators: the list, set or dict being built
        let base = if is_gen { 0 } else { 1 };
        for (i, g) in gens.iter().enumerate() {
            if i == 0 {
                let v = self.var_index(".0");
                self.emit(Op::LOAD_FAST, v);
            } else {
                self.expr(&g.iter)?;
                self.emit(
                    if g.is_async {
                        Op::GET_AITER
                    } else {
                        Op::GET_ITER
                    },
                    0,
                );
            }
            let top = self.new_label();
            let end = self.new_label();
            self.bind(top);
            if g.is_async {
                // StopAsyncIteration from `__anext__` ends this level at END_ASYNC_FOR
                self.u().handlers.push((end, base + i as u32 + 1));
                self.emit(Op::GET_ANEXT, 0);
                self.emit_await(AWAIT_PLAIN);
                self.u().handlers.pop();
            } else {
                self.jump(Op::FOR_ITER, end);
            }
            self.store_target(&g.target)?;
            for cond in &g.ifs {
                self.cond_jump(cond, false, top)?;
            }
            ends.push((top, end, g.is_async));
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
        for (top, end, is_async_level) in ends.into_iter().rev() {
            self.jump(Op::JUMP, top);
            self.bind(end);
            if is_async_level {
                self.emit(Op::END_ASYNC_FOR, 0);
            }
        }
        if matches!(kind, CompKind::Gen(_)) {
            self.emit_const(Const::None);
        }
        self.emit(Op::RETURN_VALUE, 0);
        let firstline = self.line_of(start);
        let mut unit = self.pop_unit(name.to_string(), firstline, Some((1, 0, 0, 0)));
        unit.data.doc = None;
        if is_gen {
            unit.data.flags |= CO_GENERATOR;
            if is_async {
                unit.data.flags = (unit.data.flags & !CO_COROUTINE) | CO_ASYNC_GENERATOR;
            }
        }
        self.emit(Op::PUSH_NULL, 0);
        self.make_closure(unit, scope, 0)?;
        self.expr(&gens[0].iter)?;
        self.emit(
            if gens[0].is_async {
                Op::GET_AITER
            } else {
                Op::GET_ITER
            },
            0,
        );
        self.emit(Op::CALL, 1);
        if is_async && !is_gen {
            self.emit_await(AWAIT_PLAIN);
        }
        Ok(())
    }
}
