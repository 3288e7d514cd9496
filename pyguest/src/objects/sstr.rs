//! [`SmallStr`]: the text of a `str` object, stored inline when it is short.
//!
//! A `StrObj` used to own a `Box<str>`: 16 bytes in the object plus a separate `malloc` block
//! (at least 32 bytes with glibc's chunk header) even for a one-letter string. Most strings a
//! program makes are short (words, dict keys, attribute names), so `SmallStr` keeps up to
//! [`INLINE_MAX`] bytes in its own 16 bytes and only longer text on the Rust heap. It derefs
//! to `str`, so code reading a string's text does not care which case it is.
//!
//! Layout (16 bytes, little-endian x86-64/aarch64 assumed, as everywhere in this crate):
//! * inline: bytes 0..15 hold the text, byte 15 is `0x80 | len` (len <= 15);
//! * heap: word 0 is the pointer of a leaked `Box<str>`, word 1 its length. A length below
//!   2^56 leaves byte 15 zero, which is how the two cases are told apart.

use std::fmt;
use std::ops::Deref;

/// Longest text stored inline.
pub const INLINE_MAX: usize = 15;
const INLINE_TAG: u8 = 0x80;

/// Immutable UTF-8 text, inline up to 15 bytes.
#[repr(C, align(8))]
pub struct SmallStr {
    bytes: [u8; 16],
}

impl SmallStr {
    /// A copy of `s`.
    #[inline]
    pub fn new(s: &str) -> SmallStr {
        if s.len() <= INLINE_MAX {
            let mut bytes = [0u8; 16];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            bytes[15] = INLINE_TAG | s.len() as u8;
            SmallStr { bytes }
        } else {
            Self::from_box(s.into())
        }
    }

    /// Takes ownership of `s` (copied inline if short, so the allocation is freed at once).
    #[inline]
    pub fn from_string(s: String) -> SmallStr {
        if s.len() <= INLINE_MAX {
            Self::new(&s)
        } else {
            Self::from_box(s.into_boxed_str())
        }
    }

    fn from_box(b: Box<str>) -> SmallStr {
        let len = b.len();
        assert!(len < 1 << 56, "string too long");
        let ptr = Box::into_raw(b) as *mut u8 as usize;
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&ptr.to_le_bytes());
        bytes[8..].copy_from_slice(&(len as u64).to_le_bytes());
        SmallStr { bytes }
    }

    #[inline(always)]
    fn is_inline(&self) -> bool {
        self.bytes[15] & INLINE_TAG != 0
    }

    #[inline(always)]
    fn heap_parts(&self) -> (*mut u8, usize) {
        let ptr = usize::from_le_bytes(self.bytes[..8].try_into().unwrap());
        let len = u64::from_le_bytes(self.bytes[8..].try_into().unwrap()) as usize;
        (ptr as *mut u8, len)
    }

    /// The text.
    #[inline(always)]
    pub fn as_str(&self) -> &str {
        if self.is_inline() {
            let len = (self.bytes[15] & !INLINE_TAG) as usize;
            // SAFETY: `new` copied `len` bytes of valid UTF-8 from a `&str`.
            unsafe { std::str::from_utf8_unchecked(&self.bytes[..len]) }
        } else {
            let (ptr, len) = self.heap_parts();
            // SAFETY: `from_box` stored the pointer and length of a leaked `Box<str>` that
            // this value owns until `drop`.
            unsafe { std::str::from_utf8_unchecked(std::slice::from_raw_parts(ptr, len)) }
        }
    }
}

impl Drop for SmallStr {
    fn drop(&mut self) {
        if !self.is_inline() {
            let (ptr, len) = self.heap_parts();
            // SAFETY: the pointer and length came from `Box::into_raw` of a `Box<str>` of that
            // length in `from_box`; it is freed exactly once, here.
            drop(unsafe {
                Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len) as *mut str)
            });
        }
    }
}

impl Deref for SmallStr {
    type Target = str;
    #[inline(always)]
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl Clone for SmallStr {
    fn clone(&self) -> SmallStr {
        SmallStr::new(self.as_str())
    }
}

impl PartialEq for SmallStr {
    #[inline]
    fn eq(&self, other: &SmallStr) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for SmallStr {}

impl PartialEq<str> for SmallStr {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SmallStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Debug for SmallStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for SmallStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl From<&str> for SmallStr {
    fn from(s: &str) -> SmallStr {
        SmallStr::new(s)
    }
}

impl From<String> for SmallStr {
    fn from(s: String) -> SmallStr {
        SmallStr::from_string(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_and_heap_round_trip() {
        for s in [
            "",
            "a",
            "héllo",
            "exactly15bytes!",
            "sixteen bytes!!!",
            "a much longer string that lives on the heap",
        ] {
            let a = SmallStr::new(s);
            assert_eq!(a.as_str(), s);
            assert_eq!(a.is_inline(), s.len() <= INLINE_MAX);
            let b = SmallStr::from_string(s.to_string());
            assert_eq!(&*b, s);
            assert_eq!(a.clone(), b);
        }
    }

    #[test]
    fn size_is_two_words() {
        assert_eq!(std::mem::size_of::<SmallStr>(), 16);
    }
}
