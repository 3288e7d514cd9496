//! Typed `u32` index newtypes for IR entities, declared by one small macro that also fixes
//! their text prefix.
//!
//! [`OpRef`] is special: it names either an op of the trace (its position in `Trace::ops`) or,
//! with the top bit set, an entry of the trace's constant pool. Every operand of every op is
//! one `OpRef` (4 bytes), so op arguments stay compact.

use std::fmt;

macro_rules! entity {
    ($( $(#[doc = $doc:literal])* $name:ident $prefix:literal; )*) => {$(
        $(#[doc = $doc])*
        #[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(u32);

        impl $name {
            /// The text prefix (`snap3`, `target0`, ...).
            pub const PREFIX: &'static str = $prefix;

            /// Make an index; panics only if `i` does not fit in `u32` (a trace that big is
            /// rejected long before by the trace limit).
            pub fn new(i: usize) -> Self {
                Self(u32::try_from(i).expect(concat!(stringify!($name), " index overflow")))
            }

            /// The raw index.
            pub const fn index(self) -> usize {
                self.0 as usize
            }

            /// The raw `u32`.
            pub const fn as_u32(self) -> u32 {
                self.0
            }

            /// Parse `PREFIXn`.
            pub fn parse(s: &str) -> Option<Self> {
                let n = s.strip_prefix($prefix)?;
                if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                n.parse::<u32>().ok().map(Self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}{}", $prefix, self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self, f)
            }
        }
    )*};
}

entity! {
    /// Index into a trace's constant pool (`Trace::consts`).
    ConstRef "c";
    /// A guard's snapshot (`Trace::snapshots`).
    SnapshotId "snap";
    /// One frame of a snapshot chain (`Trace::frames`); frames are shared between snapshots.
    FrameId "frame";
    /// A descriptor (`Trace::descrs`): memory access shape or call signature.
    DescrId "descr";
    /// A loop header; `label` and `jump` carry one. Globally unique (see `TargetToken::fresh`).
    TargetToken "target";
    /// A compiled trace (loop or bridge) in the backend's registry.
    TraceId "trace";
    /// A virtual object described in snapshots (`Trace::virtuals`): an allocation the
    /// optimizer removed, materialized only if a guard fails.
    VirtId "v";
}

impl TargetToken {
    /// A target token never handed out before in this process.
    pub fn fresh() -> TargetToken {
        TargetToken(Self::counter().fetch_add(1, std::sync::atomic::Ordering::Relaxed))
    }

    /// Make sure tokens handed out by [`TargetToken::fresh`] stay above `t` (the parser calls
    /// this so parsed traces never collide with fresh ones).
    pub fn reserve(t: TargetToken) {
        use std::sync::atomic::Ordering;
        let _ = Self::counter().fetch_max(t.0.saturating_add(1), Ordering::Relaxed);
    }

    fn counter() -> &'static std::sync::atomic::AtomicU32 {
        // A separate accessor so `fresh` and `reserve` share one counter.
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        &NEXT
    }
}

/// A value operand: an op of the trace, a constant (top bit set) or, in snapshots only, a
/// virtual object (second bit set).
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OpRef(u32);

const CONST_BIT: u32 = 1 << 31;
const VIRT_BIT: u32 = 1 << 30;

impl OpRef {
    /// The op at position `i` of the trace.
    pub fn op(i: usize) -> OpRef {
        let i = u32::try_from(i).expect("OpRef index overflow");
        assert!(i < VIRT_BIT, "OpRef index overflow");
        OpRef(i)
    }

    /// The virtual object `v` (only snapshot values may name one).
    pub fn virt(v: VirtId) -> OpRef {
        assert!(v.as_u32() < VIRT_BIT, "VirtId index overflow");
        OpRef(v.as_u32() | VIRT_BIT)
    }

    /// Whether this names a virtual object.
    pub const fn is_virt(self) -> bool {
        self.0 & (CONST_BIT | VIRT_BIT) == VIRT_BIT
    }

    /// The virtual object, if this names one.
    pub fn as_virt(self) -> Option<VirtId> {
        self.is_virt()
            .then(|| VirtId::new((self.0 & !VIRT_BIT) as usize))
    }

    /// The constant `c` of the trace's pool.
    pub fn constant(c: ConstRef) -> OpRef {
        assert!(c.as_u32() < CONST_BIT, "ConstRef index overflow");
        OpRef(c.as_u32() | CONST_BIT)
    }

    /// Whether this names a constant.
    pub const fn is_const(self) -> bool {
        self.0 & CONST_BIT != 0
    }

    /// The op position, if this names an op.
    pub fn as_op(self) -> Option<usize> {
        (self.0 & (CONST_BIT | VIRT_BIT) == 0).then_some(self.0 as usize)
    }

    /// The constant, if this names one.
    pub fn as_const(self) -> Option<ConstRef> {
        self.is_const()
            .then(|| ConstRef::new((self.0 & !CONST_BIT) as usize))
    }

    /// The raw encoding (for side tables keyed by operand).
    pub const fn raw(self) -> u32 {
        self.0
    }
}

impl fmt::Debug for OpRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.as_const(), self.as_virt()) {
            (Some(c), _) => write!(f, "{c}"),
            (_, Some(v)) => write!(f, "virt{}", v.as_u32()),
            _ => write!(f, "v{}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opref_encoding() {
        let a = OpRef::op(7);
        assert_eq!(a.as_op(), Some(7));
        assert!(!a.is_const());
        let c = OpRef::constant(ConstRef::new(3));
        assert!(c.is_const());
        assert_eq!(c.as_const(), Some(ConstRef::new(3)));
        assert_eq!(c.as_op(), None);
        let v = OpRef::virt(VirtId::new(5));
        assert!(v.is_virt() && !v.is_const() && !c.is_virt() && !a.is_virt());
        assert_eq!(
            (v.as_virt(), v.as_op(), v.as_const()),
            (Some(VirtId::new(5)), None, None)
        );
    }

    #[test]
    fn prefixes_parse() {
        assert_eq!(SnapshotId::parse("snap12"), Some(SnapshotId::new(12)));
        assert_eq!(SnapshotId::parse("snap"), None);
        assert_eq!(TargetToken::parse("target3").map(|t| t.index()), Some(3));
        assert_eq!(format!("{}", DescrId::new(4)), "descr4");
    }
}
