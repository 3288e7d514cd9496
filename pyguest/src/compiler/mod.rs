//! The compiler: Python source (parsed by `ruff_python_parser`) to bytecode.
//!
//! * [`symtable`]: which names are locals, cells, free variables or globals in each scope;
//! * [`codegen`]: the AST walk that emits [`CodeUnit`](codegen::CodeUnit)s (one per module,
//!   function, lambda, comprehension and class body) with their exception tables;
//! * [`bytecode`]: the op table and the instruction encoding (`docs/pyguest-bytecode.md`);
//! * [`nesting`]: limits on bracket and statement/expression nesting, checked first.
//!
//! Its output is reference-free Rust data; nothing here touches the GC heap or the
//! interpreter (`interpreter::materialize` turns a unit into a code object).

pub mod bytecode;
pub mod codegen;
pub mod nesting;
pub mod surrogates;
pub mod symtable;
