//! Native (Rust) parts of the wider standard library (issue 5, batch B): extra file-system
//! primitives added to `_os`, the hash functions behind `hashlib`/`binascii`/`zlib`
//! (`_pghash`), weak references (`_pgweak`) and the native part of `gc` (`_pggc`). Each
//! submodule documents what it exposes; `modules::builtin_module` registers them.

pub mod fs;
pub mod gcmod;
pub mod hash;
pub mod weak;
