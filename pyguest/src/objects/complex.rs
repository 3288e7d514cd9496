//! `complex`: the object layout, the constructor's string parsing and the methods of the
//! type. Operators are in `objects/ops/arith.rs`.

use crate::objects::float::parse_float;
use crate::objects::int::format_method;
use crate::objects::native::{m, Method};
use crate::value::{Kind, Value};
use metatracer::gc::{self, Gc};
use metatracer::Trace;

#[repr(C)]
#[derive(Trace)]
pub struct ComplexObj {
    pub kind: Kind,
    pub re: f64,
    pub im: f64,
}

downcast!(as_complex, ComplexObj, Complex);

pub fn new_complex(re: f64, im: f64) -> Value {
    Value::obj(gc::alloc(ComplexObj {
        kind: Kind::Complex,
        re,
        im,
    }))
}

pub(crate) fn parse_complex(s: &str) -> Option<(f64, f64)> {
    let t = s.trim().trim_start_matches('(').trim_end_matches(')');
    if !t.ends_with(['j', 'J']) {
        return parse_float(t).map(|r| (r, 0.0));
    }
    let body = &t[..t.len() - 1];
    // split at the last sign that is not part of an exponent
    let bytes = body.as_bytes();
    let mut split = None;
    for i in (1..bytes.len()).rev() {
        if (bytes[i] == b'+' || bytes[i] == b'-') && !matches!(bytes[i - 1], b'e' | b'E') {
            split = Some(i);
            break;
        }
    }
    match split {
        Some(i) => {
            let re = parse_float(&body[..i])?;
            let im_s = &body[i..];
            let im = if im_s == "+" {
                1.0
            } else if im_s == "-" {
                -1.0
            } else {
                parse_float(im_s)?
            };
            Some((re, im))
        }
        None => {
            let im = if body.is_empty() || body == "+" {
                1.0
            } else if body == "-" {
                -1.0
            } else {
                parse_float(body)?
            };
            Some((0.0, im))
        }
    }
}

/// The methods of `complex`.
pub(crate) static METHODS: &[Method] = &[
    m("conjugate()", |a| {
        let c = as_complex(a.pos[0]).unwrap();
        Ok(new_complex(c.re, -c.im))
    }),
    m("__format__(format_spec, /)", format_method),
];
