//! The object protocol: truthiness, hashing, equality and ordering, arithmetic, `repr`/`str`,
//! attribute access (with descriptors, maps and `__getattr__` hooks), subscripting, iteration,
//! `len`/`in`, and calling. Fast paths for built-in types come first; instances of Python
//! classes go through their dunder methods.
//!
//! One module per part of the protocol; everything is re-exported here, so callers write
//! `ops::getattr`, `ops::binary_op`, `ops::hash`: [`arith`], [`compare`], [`repr`], [`attr`],
//! [`container`].

pub mod arith;
pub mod attr;
pub mod compare;
pub mod container;
pub mod repr;
#[cfg(test)]
mod tests;

pub use arith::*;
pub use attr::*;
pub use compare::*;
pub use container::*;
pub use repr::*;

use crate::compiler::bytecode::binop;
use crate::interpreter;
use crate::objects::*;
use crate::value::{Kind, Value};
use crate::vm::{self, cls, intern, type_error, type_of, vm, C};
use crate::vm::{PyErr, PyResult};
use metatracer::gc::{self, Gc};
use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};
use std::cell::Cell;

pub use crate::argvec::ArgVec;
