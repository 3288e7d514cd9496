//! Scope analysis: for every function, lambda, comprehension and class body, which names are
//! locals, cells (captured by inner scopes), free variables (captured from outer functions) or
//! globals. The compiler asks [`SymTable::scope`] with the AST node's address as key.
//!
//! Rules follow Python's: a name bound anywhere in a function body is local to it unless
//! declared `global`/`nonlocal`; class bodies do not make their names visible to inner
//! functions; comprehensions are functions whose walrus targets bind in the enclosing function.

use ruff_python_ast::{self as ast, Expr, Pattern, Stmt};
use ruff_text_size::{Ranged, TextSize};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// Private name mangling (CPython's `_Py_Mangle`): inside a class body named `private` (and
/// the functions, lambdas and comprehensions nested in it, until another class), an
/// identifier `__spam` that does not end in `__` and has no dot becomes `_Class__spam`, the
/// class name's leading underscores stripped. A class named only underscores mangles nothing.
///
/// ```text
/// class _Foo:            __x -> _Foo__x    __x__ -> __x__    a.__b -> unchanged (dotted)
/// ```
pub fn mangle<'a>(private: Option<&str>, name: &'a str) -> Cow<'a, str> {
    let Some(class) = private else {
        return Cow::Borrowed(name);
    };
    if !name.starts_with("__") || name.ends_with("__") || name.contains('.') {
        return Cow::Borrowed(name);
    }
    let class = class.trim_start_matches('_');
    if class.is_empty() {
        return Cow::Borrowed(name);
    }
    Cow::Owned(format!("_{class}{name}"))
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ScopeKind {
    Module,
    Function,
    Class,
    Comprehension,
}

#[derive(Debug)]
pub struct Scope {
    pub kind: ScopeKind,
    /// Names bound in this scope, parameters first, in order of first binding.
    pub bound: Vec<String>,
    bound_set: HashSet<String>,
    pub globals: HashSet<String>,
    pub nonlocals: HashSet<String>,
    uses: HashSet<String>,
    /// Walrus targets inside a comprehension (bound in the enclosing function).
    walrus: HashSet<String>,
    children: Vec<usize>,
    /// Resolved: captured by inner scopes (functions only), in order.
    pub cells: Vec<String>,
    /// Resolved: captured from enclosing functions, in order.
    pub free: Vec<String>,
    /// Uses `super` or `__class__` (methods need the `__class__` cell).
    pub uses_class_cell: bool,
    pub has_yield: bool,
    /// An `async def` body, or a comprehension that runs asynchronously (an `async for`
    /// clause, an `await`, or an inner async list/set/dict comprehension): its code object
    /// makes a coroutine (an async generator when it also yields, or for a generator
    /// expression).
    pub is_async: bool,
    /// Contains `await` directly (not in a nested function or class).
    pub has_await: bool,
    /// Parameter names in order (functions).
    pub params: Vec<String>,
    /// Names bound so far only by `import` (CPython lets `global` follow those).
    imported: HashSet<String>,
    /// Names annotated as simple targets (`x: int`).
    annotated: HashSet<String>,
    /// Names only an augmented assignment has read so far (`x += 1` counts as an
    /// assignment, not a use, for the `global` checks).
    aug_used: HashSet<String>,
    /// Where each `global`/`nonlocal` name was declared, for the errors found later.
    decl_at: HashMap<String, TextSize>,
}

impl Scope {
    fn new(kind: ScopeKind) -> Scope {
        Scope {
            kind,
            bound: Vec::new(),
            bound_set: HashSet::new(),
            globals: HashSet::new(),
            nonlocals: HashSet::new(),
            uses: HashSet::new(),
            walrus: HashSet::new(),
            children: Vec::new(),
            cells: Vec::new(),
            free: Vec::new(),
            uses_class_cell: false,
            has_yield: false,
            is_async: false,
            has_await: false,
            params: Vec::new(),
            imported: HashSet::new(),
            annotated: HashSet::new(),
            aug_used: HashSet::new(),
            decl_at: HashMap::new(),
        }
    }
    fn bind(&mut self, n: &str) {
        if !self.bound_set.contains(n) {
            self.bound_set.insert(n.to_string());
            self.bound.push(n.to_string());
        }
    }
    pub fn is_bound(&self, n: &str) -> bool {
        self.bound_set.contains(n)
    }
}

/// Where a name lives, as seen from one scope.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum NameLoc {
    Fast,
    /// Index among cells then free variables.
    Deref(u32),
    Global,
    /// Namespace lookup (module and class bodies).
    Name,
    /// Class body reading a free variable: namespace first, then the cell.
    ClassDeref(u32),
}

pub struct SymTable {
    pub scopes: Vec<Scope>,
    by_node: HashMap<usize, usize>,
    /// The first declaration CPython's symbol table rejects (`nonlocal` at module level, a
    /// duplicate parameter, `global x` after `x` is assigned or used, ...): the message and
    /// the byte offset of the offending declaration. The compiler raises it as a
    /// `SyntaxError` before generating code.
    pub error: Option<(String, TextSize)>,
}

impl SymTable {
    /// Analyzes a module (or an `exec`/`eval` body).
    pub fn build_module(body: &[Stmt]) -> SymTable {
        let mut b = Builder {
            t: SymTable {
                scopes: vec![Scope::new(ScopeKind::Module)],
                by_node: HashMap::new(),
                error: None,
            },
            stack: vec![0],
            private: None,
        };
        for s in body {
            b.stmt(s);
        }
        b.finish()
    }
    pub fn build_expr(e: &Expr) -> SymTable {
        let mut b = Builder {
            t: SymTable {
                scopes: vec![Scope::new(ScopeKind::Module)],
                by_node: HashMap::new(),
                error: None,
            },
            stack: vec![0],
            private: None,
        };
        b.expr(e);
        b.finish()
    }
    /// The scope created by the AST node at `key` (its address).
    pub fn scope_of(&self, key: usize) -> usize {
        self.by_node[&key]
    }
    /// How scope `s` reaches `name`.
    pub fn resolve(&self, s: usize, name: &str) -> NameLoc {
        let sc = &self.scopes[s];
        if sc.globals.contains(name) {
            return NameLoc::Global;
        }
        let cell = sc.cells.iter().position(|c| c == name);
        let free = sc
            .free
            .iter()
            .position(|c| c == name)
            .map(|i| i + sc.cells.len());
        match sc.kind {
            ScopeKind::Module => NameLoc::Name,
            ScopeKind::Class => {
                if let Some(i) = free {
                    if sc.is_bound(name) {
                        NameLoc::Name
                    } else {
                        NameLoc::ClassDeref(i as u32)
                    }
                } else {
                    NameLoc::Name
                }
            }
            ScopeKind::Function | ScopeKind::Comprehension => {
                if let Some(i) = cell {
                    NameLoc::Deref(i as u32)
                } else if let Some(i) = free {
                    NameLoc::Deref(i as u32)
                } else if sc.is_bound(name) {
                    NameLoc::Fast
                } else {
                    NameLoc::Global
                }
            }
        }
    }
}

struct Builder {
    t: SymTable,
    stack: Vec<usize>,
    /// The name of the innermost enclosing class, for private name mangling: every name the
    /// builder records is mangled first, so scopes hold the names the code generator emits.
    private: Option<String>,
}

fn key<T>(n: &T) -> usize {
    n as *const T as usize
}

impl Builder {
    fn cur(&mut self) -> &mut Scope {
        let i = *self.stack.last().unwrap();
        &mut self.t.scopes[i]
    }
    fn push_scope(&mut self, kind: ScopeKind, node: usize) -> usize {
        let id = self.t.scopes.len();
        self.t.scopes.push(Scope::new(kind));
        let parent = *self.stack.last().unwrap();
        self.t.scopes[parent].children.push(id);
        self.t.by_node.insert(node, id);
        self.stack.push(id);
        id
    }
    fn pop_scope(&mut self) {
        self.stack.pop();
    }
    /// `n` as this scope records it (mangled inside a class).
    fn mangled<'n>(&self, n: &'n str) -> Cow<'n, str> {
        mangle(self.private.as_deref(), n)
    }
    fn bind(&mut self, n: &str) {
        let n = mangle(self.private.as_deref(), n);
        let n = &*n;
        self.cur().imported.remove(n);
        self.cur().bind(n)
    }
    fn bind_import(&mut self, n: &str) {
        let n = mangle(self.private.as_deref(), n);
        let n = &*n;
        if !self.cur().is_bound(n) {
            self.cur().imported.insert(n.to_string());
        }
        self.cur().bind(n)
    }
    /// Records a compile-time error (the first one wins, as CPython stops at it).
    fn fail(&mut self, msg: String, at: TextSize) {
        if self.t.error.is_none() {
            self.t.error = Some((msg, at));
        }
    }
    /// The checks CPython's symbol table makes on `global`/`nonlocal` (`kind`) names.
    fn declare(&mut self, kind: &str, names: &[ast::Identifier], at: TextSize) {
        if kind == "nonlocal" && self.cur().kind == ScopeKind::Module {
            return self.fail(
                "nonlocal declaration not allowed at module level".into(),
                at,
            );
        }
        for id in names {
            let n = mangle(self.private.as_deref(), id.as_str());
            let n = &*n;
            let sc = self.cur();
            let msg = if sc.params.iter().any(|p| p == n) {
                format!("name '{n}' is parameter and {kind}")
            } else if sc.uses.contains(n) && !sc.aug_used.contains(n) {
                format!("name '{n}' is used prior to {kind} declaration")
            } else if sc.annotated.contains(n) {
                format!("annotated name '{n}' can't be {kind}")
            } else if sc.is_bound(n) && !sc.imported.contains(n) {
                format!("name '{n}' is assigned to before {kind} declaration")
            } else if (kind == "global" && sc.nonlocals.contains(n))
                || (kind == "nonlocal" && sc.globals.contains(n))
            {
                // Reported where the first of the two declarations is, as CPython does.
                let first = sc.decl_at.get(n).copied().unwrap_or(at);
                return self.fail(format!("name '{n}' is nonlocal and global"), first);
            } else {
                String::new()
            };
            if !msg.is_empty() {
                return self.fail(msg, id.range().start());
            }
            self.cur().decl_at.entry(n.to_string()).or_insert(at);
            if kind == "global" {
                self.cur().globals.insert(n.to_string());
            } else {
                self.cur().nonlocals.insert(n.to_string());
            }
        }
    }
    fn use_name(&mut self, n: &str) {
        let n = mangle(self.private.as_deref(), n);
        let n = &*n;
        if n == "super" || n == "__class__" {
            self.cur().uses_class_cell = true;
        }
        self.cur().aug_used.remove(n);
        self.cur().uses.insert(n.to_string());
    }

    fn params(&mut self, p: &ast::Parameters) {
        let mut seen = HashSet::new();
        let all = p
            .posonlyargs
            .iter()
            .chain(p.args.iter())
            .map(|a| &a.parameter)
            .chain(p.vararg.as_deref())
            .chain(p.kwonlyargs.iter().map(|a| &a.parameter))
            .chain(p.kwarg.as_deref());
        for a in all {
            let n = self.mangled(a.name.id.as_str()).into_owned();
            if !seen.insert(n.clone()) {
                self.fail(
                    format!("duplicate argument '{n}' in function definition"),
                    a.range().start(),
                );
            }
        }
        let names = p
            .posonlyargs
            .iter()
            .chain(p.args.iter())
            .chain(p.kwonlyargs.iter())
            .map(|a| &a.parameter)
            .chain(p.vararg.as_deref())
            .chain(p.kwarg.as_deref());
        for a in names {
            self.bind(a.name.id.as_str());
            let n = self.mangled(a.name.id.as_str()).into_owned();
            self.cur().params.push(n);
        }
    }
    fn param_defaults(&mut self, p: &ast::Parameters) {
        for a in p
            .posonlyargs
            .iter()
            .chain(p.args.iter())
            .chain(p.kwonlyargs.iter())
        {
            if let Some(d) = &a.default {
                self.expr(d);
            }
        }
    }

    fn stmts(&mut self, body: &[Stmt]) {
        for s in body {
            self.stmt(s);
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        match s {
            Stmt::FunctionDef(f) => {
                for d in &f.decorator_list {
                    self.expr(&d.expression);
                }
                self.param_defaults(&f.parameters);
                self.bind(f.name.id.as_str());
                self.push_scope(ScopeKind::Function, key(f));
                self.cur().is_async = f.is_async;
                self.params(&f.parameters);
                self.stmts(&f.body);
                self.pop_scope();
            }
            Stmt::ClassDef(c) => {
                for d in &c.decorator_list {
                    self.expr(&d.expression);
                }
                if let Some(a) = &c.arguments {
                    for e in a.args.iter() {
                        self.expr(e);
                    }
                    for k in a.keywords.iter() {
                        self.expr(&k.value);
                    }
                }
                self.bind(c.name.id.as_str());
                self.push_scope(ScopeKind::Class, key(c));
                let outer = self.private.replace(c.name.id.to_string());
                self.stmts(&c.body);
                self.private = outer;
                self.pop_scope();
            }
            Stmt::Return(r) => {
                if let Some(v) = &r.value {
                    self.expr(v);
                }
            }
            Stmt::Delete(d) => {
                for t in &d.targets {
                    self.target(t);
                }
            }
            Stmt::Assign(a) => {
                self.expr(&a.value);
                for t in &a.targets {
                    self.target(t);
                }
            }
            Stmt::AugAssign(a) => {
                self.expr(&a.value);
                if let Expr::Name(n) = &*a.target {
                    let name = self.mangled(n.id.as_str()).into_owned();
                    let had = self.cur().uses.contains(&name);
                    self.use_name(n.id.as_str());
                    if !had {
                        self.cur().aug_used.insert(name);
                    }
                }
                self.target(&a.target);
            }
            Stmt::AnnAssign(a) => {
                // (At module level a global declaration before the annotation is allowed.)
                let in_module = self.cur().kind == ScopeKind::Module;
                if let (true, Expr::Name(n)) = (a.simple, &*a.target) {
                    let name = mangle(self.private.as_deref(), n.id.as_str());
                    let name = &*name;
                    let kind = if self.cur().globals.contains(name) {
                        Some("global")
                    } else if self.cur().nonlocals.contains(name) {
                        Some("nonlocal")
                    } else {
                        None
                    };
                    if let Some(kind) = kind.filter(|_| !in_module) {
                        self.fail(
                            format!("annotated name '{name}' can't be {kind}"),
                            a.range().start(),
                        );
                    }
                    self.cur().annotated.insert(name.to_string());
                }
                if let Some(v) = &a.value {
                    self.expr(v);
                    self.target(&a.target);
                } else if !matches!(&*a.target, Expr::Name(_)) {
                    self.target(&a.target);
                } else if let Expr::Name(n) = &*a.target {
                    // annotated-only names are still local in functions
                    if self.cur().kind == ScopeKind::Function {
                        self.bind(n.id.as_str());
                    }
                }
            }
            Stmt::TypeAlias(_) | Stmt::IpyEscapeCommand(_) => {}
            Stmt::For(f) => {
                self.expr(&f.iter);
                self.target(&f.target);
                self.stmts(&f.body);
                self.stmts(&f.orelse);
            }
            Stmt::While(w) => {
                self.expr(&w.test);
                self.stmts(&w.body);
                self.stmts(&w.orelse);
            }
            Stmt::If(i) => {
                self.expr(&i.test);
                self.stmts(&i.body);
                for c in &i.elif_else_clauses {
                    if let Some(t) = &c.test {
                        self.expr(t);
                    }
                    self.stmts(&c.body);
                }
            }
            Stmt::With(w) => {
                for it in &w.items {
                    self.expr(&it.context_expr);
                    if let Some(v) = &it.optional_vars {
                        self.target(v);
                    }
                }
                self.stmts(&w.body);
            }
            Stmt::Match(m) => {
                self.expr(&m.subject);
                for c in &m.cases {
                    self.pattern(&c.pattern);
                    if let Some(g) = &c.guard {
                        self.expr(g);
                    }
                    self.stmts(&c.body);
                }
            }
            Stmt::Raise(r) => {
                if let Some(e) = &r.exc {
                    self.expr(e);
                }
                if let Some(e) = &r.cause {
                    self.expr(e);
                }
            }
            Stmt::Try(t) => {
                self.stmts(&t.body);
                for h in &t.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    if let Some(ty) = &h.type_ {
                        self.expr(ty);
                    }
                    if let Some(n) = &h.name {
                        self.bind(n.id.as_str());
                    }
                    self.stmts(&h.body);
                }
                self.stmts(&t.orelse);
                self.stmts(&t.finalbody);
            }
            Stmt::Assert(a) => {
                self.expr(&a.test);
                if let Some(m) = &a.msg {
                    self.expr(m);
                }
            }
            Stmt::Import(i) => {
                for a in &i.names {
                    match &a.asname {
                        Some(n) => self.bind_import(n.id.as_str()),
                        None => {
                            let full = a.name.id.as_str();
                            let first = full.split('.').next().unwrap_or(full);
                            self.bind_import(first)
                        }
                    }
                }
            }
            Stmt::ImportFrom(i) => {
                for a in &i.names {
                    if a.name.id.as_str() == "*" {
                        continue;
                    }
                    let n = a.asname.as_ref().unwrap_or(&a.name);
                    self.bind_import(n.id.as_str());
                }
            }
            Stmt::Global(g) => self.declare("global", &g.names, g.range().start()),
            Stmt::Nonlocal(g) => self.declare("nonlocal", &g.names, g.range().start()),
            Stmt::Expr(e) => self.expr(&e.value),
            Stmt::Pass(_) | Stmt::Break(_) | Stmt::Continue(_) => {}
        }
    }

    fn pattern(&mut self, p: &Pattern) {
        match p {
            Pattern::MatchValue(v) => self.expr(&v.value),
            Pattern::MatchSingleton(_) => {}
            Pattern::MatchSequence(s) => {
                for p in &s.patterns {
                    self.pattern(p);
                }
            }
            Pattern::MatchMapping(m) => {
                for k in m.keys.iter() {
                    self.expr(k);
                }
                for p in m.patterns.iter() {
                    self.pattern(p);
                }
                if let Some(r) = &m.rest {
                    self.bind(r.id.as_str());
                }
            }
            Pattern::MatchClass(c) => {
                self.expr(&c.cls);
                for p in c.arguments.patterns.iter() {
                    self.pattern(p);
                }
                for k in c.arguments.keywords.iter() {
                    self.pattern(&k.pattern);
                }
            }
            Pattern::MatchStar(s) => {
                if let Some(n) = &s.name {
                    self.bind(n.id.as_str());
                }
            }
            Pattern::MatchAs(a) => {
                if let Some(p) = &a.pattern {
                    self.pattern(p);
                }
                if let Some(n) = &a.name {
                    self.bind(n.id.as_str());
                }
            }
            Pattern::MatchOr(o) => {
                for p in &o.patterns {
                    self.pattern(p);
                }
            }
        }
    }

    fn target(&mut self, t: &Expr) {
        match t {
            Expr::Name(n) => self.bind(n.id.as_str()),
            Expr::Tuple(tu) => {
                for e in &tu.elts {
                    self.target(e);
                }
            }
            Expr::List(l) => {
                for e in &l.elts {
                    self.target(e);
                }
            }
            Expr::Starred(s) => self.target(&s.value),
            other => self.expr(other),
        }
    }

    fn comprehension(
        &mut self,
        node: usize,
        gens: &[ast::Comprehension],
        elts: &[&Expr],
        is_genexpr: bool,
    ) {
        // The first iterable is evaluated in the enclosing scope.
        self.expr(&gens[0].iter);
        let id = self.push_scope(ScopeKind::Comprehension, node);
        self.bind(".0");
        self.cur().params.push(".0".to_string());
        for (i, g) in gens.iter().enumerate() {
            if i > 0 {
                self.expr(&g.iter);
            }
            self.target(&g.target);
            for c in &g.ifs {
                self.expr(c);
            }
        }
        for e in elts {
            self.expr(e);
        }
        self.pop_scope();
        let sc = &mut self.t.scopes[id];
        sc.is_async = sc.has_await || gens.iter().any(|g| g.is_async);
        if sc.is_async && !is_genexpr {
            // the enclosing scope awaits the comprehension's coroutine
            self.cur().has_await = true;
        }
    }

    fn expr(&mut self, e: &Expr) {
        match e {
            Expr::BoolOp(b) => {
                for v in &b.values {
                    self.expr(v);
                }
            }
            Expr::Named(n) => {
                self.expr(&n.value);
                if let Expr::Name(name) = &*n.target {
                    let id = self.mangled(name.id.as_str()).into_owned();
                    if self.cur().kind == ScopeKind::Comprehension {
                        // bind in the nearest non-comprehension scope
                        let mut i = self.stack.len() - 1;
                        while self.t.scopes[self.stack[i]].kind == ScopeKind::Comprehension {
                            self.t.scopes[self.stack[i]].walrus.insert(id.clone());
                            i -= 1;
                        }
                        self.t.scopes[self.stack[i]].bind(&id);
                    } else {
                        self.bind(&id);
                    }
                }
            }
            Expr::BinOp(b) => {
                self.expr(&b.left);
                self.expr(&b.right);
            }
            Expr::UnaryOp(u) => self.expr(&u.operand),
            Expr::Lambda(l) => {
                if let Some(p) = &l.parameters {
                    self.param_defaults(p);
                }
                self.push_scope(ScopeKind::Function, key(l));
                if let Some(p) = &l.parameters {
                    self.params(p);
                }
                self.expr(&l.body);
                self.pop_scope();
            }
            Expr::If(i) => {
                self.expr(&i.test);
                self.expr(&i.body);
                self.expr(&i.orelse);
            }
            Expr::Dict(d) => {
                for it in &d.items {
                    if let Some(k) = &it.key {
                        self.expr(k);
                    }
                    self.expr(&it.value);
                }
            }
            Expr::Set(s) => {
                for e in &s.elts {
                    self.expr(e);
                }
            }
            Expr::ListComp(c) => self.comprehension(key(c), &c.generators, &[&c.elt], false),
            Expr::SetComp(c) => self.comprehension(key(c), &c.generators, &[&c.elt], false),
            Expr::Generator(c) => {
                self.comprehension(key(c), &c.generators, &[&c.elt], true);
            }
            Expr::DictComp(c) => {
                let mut v: Vec<&Expr> = vec![&c.value];
                if let Some(k) = &c.key {
                    v.push(k);
                }
                self.comprehension(key(c), &c.generators, &v, false)
            }
            Expr::Await(a) => {
                self.cur().has_await = true;
                self.expr(&a.value)
            }
            Expr::Yield(y) => {
                self.cur().has_yield = true;
                if let Some(v) = &y.value {
                    self.expr(v);
                }
            }
            Expr::YieldFrom(y) => {
                self.cur().has_yield = true;
                self.expr(&y.value);
            }
            Expr::Compare(c) => {
                self.expr(&c.left);
                for e in c.comparators.iter() {
                    self.expr(e);
                }
            }
            Expr::Call(c) => {
                self.expr(&c.func);
                for a in c.arguments.args.iter() {
                    self.expr(a);
                }
                for k in c.arguments.keywords.iter() {
                    self.expr(&k.value);
                }
            }
            Expr::FString(f) => {
                for el in f.value.elements() {
                    self.fstring_elem(el);
                }
            }
            Expr::TString(_) => {}
            Expr::StringLiteral(_)
            | Expr::BytesLiteral(_)
            | Expr::NumberLiteral(_)
            | Expr::BooleanLiteral(_)
            | Expr::NoneLiteral(_)
            | Expr::EllipsisLiteral(_)
            | Expr::IpyEscapeCommand(_) => {}
            Expr::Attribute(a) => self.expr(&a.value),
            Expr::Subscript(s) => {
                self.expr(&s.value);
                self.expr(&s.slice);
            }
            Expr::Starred(s) => self.expr(&s.value),
            Expr::Name(n) => match n.ctx {
                ast::ExprContext::Load => self.use_name(n.id.as_str()),
                _ => self.bind(n.id.as_str()),
            },
            Expr::List(l) => {
                for e in &l.elts {
                    self.expr(e);
                }
            }
            Expr::Tuple(t) => {
                for e in &t.elts {
                    self.expr(e);
                }
            }
            Expr::Slice(s) => {
                for e in [&s.lower, &s.upper, &s.step].into_iter().flatten() {
                    self.expr(e);
                }
            }
        }
    }

    fn fstring_elem(&mut self, el: &ast::InterpolatedStringElement) {
        if let ast::InterpolatedStringElement::Interpolation(i) = el {
            self.expr(&i.expression);
            if let Some(spec) = &i.format_spec {
                for e in spec.elements.iter() {
                    self.fstring_elem(e);
                }
            }
        }
    }

    fn finish(mut self) -> SymTable {
        // Remove names declared global/nonlocal from the bound sets.
        for s in self.t.scopes.iter_mut() {
            let drop: Vec<String> = s
                .bound
                .iter()
                .filter(|n| {
                    s.globals.contains(*n) || s.nonlocals.contains(*n) || s.walrus.contains(*n)
                })
                .cloned()
                .collect();
            for n in drop {
                s.bound_set.remove(&n);
                s.bound.retain(|x| *x != n);
            }
            for n in s.walrus.clone() {
                s.nonlocals.insert(n);
            }
        }
        let mut wants = vec![HashSet::new(); self.t.scopes.len()];
        Self::compute_wants(&self.t.scopes, 0, &mut wants);
        self.resolve(0, &HashSet::new(), &wants);
        // Module-level walrus in comprehensions: the "nonlocal" is really a global.
        self.t
    }

    /// Names a scope (or its descendants) reads but does not bind itself.
    fn compute_wants(scopes: &[Scope], s: usize, wants: &mut Vec<HashSet<String>>) {
        let mut w: HashSet<String> = HashSet::new();
        for &c in &scopes[s].children {
            Self::compute_wants(scopes, c, wants);
            for n in &wants[c] {
                w.insert(n.clone());
            }
        }
        let sc = &scopes[s];
        if sc.kind == ScopeKind::Class {
            // children do not see class names, but the class's own uses are resolved via the
            // namespace first
            for n in &sc.uses {
                if !sc.is_bound(n) {
                    w.insert(n.clone());
                }
            }
            if w.contains("super") || w.contains("__class__") {
                w.remove("__class__");
            }
        } else {
            for n in &sc.uses {
                w.insert(n.clone());
            }
            if sc.uses_class_cell && sc.kind != ScopeKind::Module {
                w.insert("__class__".to_string());
            }
            w.retain(|n| !sc.is_bound(n));
        }
        for n in &sc.nonlocals {
            w.insert(n.clone());
        }
        w.retain(|n| !sc.globals.contains(n));
        wants[s] = w;
    }

    fn resolve(&mut self, s: usize, visible: &HashSet<String>, wants: &[HashSet<String>]) {
        let kind = self.t.scopes[s].kind;
        // A declared `nonlocal` needs a binding in an enclosing function.
        let sc = &self.t.scopes[s];
        let unbound = sc
            .decl_at
            .iter()
            .filter(|(n, _)| sc.nonlocals.contains(*n) && !visible.contains(*n))
            .min_by_key(|(_, at)| **at)
            .map(|(n, at)| (n.clone(), *at));
        if let Some((n, at)) = unbound {
            self.fail(format!("no binding for nonlocal '{n}' found"), at);
        }
        // free variables: wanted names bound in an enclosing function
        let mut free: Vec<String> = wants[s]
            .iter()
            .filter(|n| visible.contains(*n))
            .cloned()
            .collect();
        free.sort();
        let children = self.t.scopes[s].children.clone();
        let mut cells: Vec<String> = Vec::new();
        let mut child_visible = visible.clone();
        match kind {
            ScopeKind::Function | ScopeKind::Comprehension => {
                let mut need: HashSet<String> = HashSet::new();
                for &c in &children {
                    for n in &wants[c] {
                        need.insert(n.clone());
                    }
                }
                let sc = &self.t.scopes[s];
                for n in &sc.bound {
                    if need.contains(n) {
                        cells.push(n.clone());
                    }
                }
                for n in &sc.bound {
                    child_visible.insert(n.clone());
                }
            }
            ScopeKind::Class => {
                let mut need_class = false;
                for &c in &children {
                    if wants[c].contains("__class__") {
                        need_class = true;
                    }
                }
                if need_class {
                    cells.push("__class__".to_string());
                    child_visible.insert("__class__".to_string());
                }
            }
            ScopeKind::Module => {}
        }
        {
            let sc = &mut self.t.scopes[s];
            if kind != ScopeKind::Module {
                sc.free = free;
            }
            sc.cells = cells;
        }
        for c in children {
            self.resolve(c, &child_visible, wants);
        }
    }
}
