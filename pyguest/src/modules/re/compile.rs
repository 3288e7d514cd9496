//! Compiles a parsed regular expression ([`Node`]) into a [`Prog`]: a flat instruction list
//! for the backtracking matcher in `engine.rs`.
//!
//! Layout conventions: groups write their start/end to register slots `2g`/`2g+1` (group 0 is
//! the whole match); register `2*(groups+1)` is `lastindex`; every general repetition gets
//! two more registers (iteration count, position where the last iteration started).
//! Repetitions of a single-character item become one `RepOne` instruction, which the matcher
//! runs as a tight scan with one backtrack entry.

use super::parser::{self, Class, ClassItem, Node};

/// A one-character matcher.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Single {
    Char(u32),
    /// Case-insensitive literal: the folded character; `true` for ASCII-only folding.
    CharI(u32, bool),
    /// `.` without DOTALL.
    Any,
    /// `.` with DOTALL.
    AnyAll,
    /// Index into [`Prog::sets`].
    Set(u32),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Inst {
    One(Single),
    RepOne {
        s: Single,
        min: u32,
        max: u32,
        greedy: bool,
    },
    Bol,
    BolM,
    Eol,
    EolM,
    StartText,
    EndText,
    WordB {
        ascii: bool,
        neg: bool,
    },
    Save(u32),
    /// Try `.0` first, `.1` on backtracking.
    Split(u32, u32),
    Jmp(u32),
    RepInit(u32),
    RepHead {
        reg: u32,
        min: u32,
        max: u32,
        greedy: bool,
        exit: u32,
    },
    RepMark(u32),
    RepTail {
        reg: u32,
        head: u32,
    },
    Backref {
        group: u32,
        icase: bool,
        ascii: bool,
    },
    /// Lookaround: the body runs from the next instruction up to its `SubMatch`; `next` is
    /// the instruction after it.
    Look {
        behind: bool,
        neg: bool,
        width: u32,
        next: u32,
    },
    Atomic {
        next: u32,
    },
    Cond {
        group: u32,
        no: u32,
    },
    SubMatch,
    Match,
}

/// A compiled character class, with a precomputed answer for ASCII characters.
#[derive(Debug, Clone)]
pub struct SetM {
    pub class: Class,
    pub ascii_bits: [u64; 2],
}

impl SetM {
    fn new(class: Class) -> SetM {
        let mut s = SetM {
            class,
            ascii_bits: [0; 2],
        };
        for c in 0..128u32 {
            if s.slow(c) {
                s.ascii_bits[(c >> 6) as usize] |= 1 << (c & 63);
            }
        }
        s
    }

    #[inline]
    pub fn matches(&self, c: u32) -> bool {
        if c < 128 {
            self.ascii_bits[(c >> 6) as usize] & (1 << (c & 63)) != 0
        } else {
            self.slow(c)
        }
    }

    fn contains(&self, c: u32) -> bool {
        let ascii = self.class.ascii;
        self.class.items.iter().any(|it| match *it {
            ClassItem::Range(a, b) => a <= c && c <= b,
            ClassItem::Digit(neg) => parser::is_digit_class(c, ascii) != neg,
            ClassItem::Word(neg) => parser::is_word(c, ascii) != neg,
            ClassItem::Space(neg) => parser::is_space(c, ascii) != neg,
        })
    }

    fn slow(&self, c: u32) -> bool {
        let mut hit = self.contains(c);
        if !hit && self.class.icase {
            hit = if self.class.ascii {
                let (lo, up) = (ascii_lower(c), ascii_upper(c));
                (lo != c && self.contains(lo)) || (up != c && self.contains(up))
            } else {
                // any character of c's case class in the set (CPython lowercases the set's
                // members and adds its "ignorecase fixes"; the classes here are the same
                // equivalence: characters with equal `fold`)
                let f = fold(c);
                (f != c && self.contains(f))
                    || case_class(f).iter().any(|&x| x != c && self.contains(x))
            };
        }
        hit != self.class.negated
    }
}

/// All characters whose [`fold`] is `f` (other than `f` itself), for `f` with any.
pub fn case_class(f: u32) -> &'static [u32] {
    static TABLE: std::sync::OnceLock<std::collections::HashMap<u32, Vec<u32>>> =
        std::sync::OnceLock::new();
    let t = TABLE.get_or_init(|| {
        let mut m: std::collections::HashMap<u32, Vec<u32>> = std::collections::HashMap::new();
        // every cased character is below U+1F000
        for cp in 0..0x1F000u32 {
            let f = fold(cp);
            if f != cp {
                m.entry(f).or_default().push(cp);
            }
        }
        m
    });
    t.get(&f).map(|v| v.as_slice()).unwrap_or(&[])
}

pub fn ascii_lower(c: u32) -> u32 {
    if (b'A' as u32..=b'Z' as u32).contains(&c) {
        c + 32
    } else {
        c
    }
}
pub fn ascii_upper(c: u32) -> u32 {
    if (b'a' as u32..=b'z' as u32).contains(&c) {
        c - 32
    } else {
        c
    }
}

/// Simple lowercase mapping (the character itself when the mapping is not one character).
pub fn lower(c: u32) -> u32 {
    if c < 128 {
        return ascii_lower(c);
    }
    if c == 0x130 {
        // LATIN CAPITAL LETTER I WITH DOT ABOVE: the simple mapping (the full one is "i\u{307}")
        return 'i' as u32;
    }
    let Some(ch) = char::from_u32(c) else {
        return c;
    };
    let mut it = ch.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l as u32,
        _ => c,
    }
}
pub fn upper(c: u32) -> u32 {
    if c < 128 {
        return ascii_upper(c);
    }
    let Some(ch) = char::from_u32(c) else {
        return c;
    };
    let mut it = ch.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u as u32,
        _ => c,
    }
}
/// Case fold used for case-insensitive comparison of str patterns.
#[inline]
pub fn fold(c: u32) -> u32 {
    if c < 128 {
        ascii_lower(c)
    } else {
        lower(upper(c))
    }
}

/// A compiled pattern.
#[derive(Debug)]
pub struct Prog {
    pub insts: Vec<Inst>,
    pub sets: Vec<SetM>,
    pub groups: usize,
    pub nregs: usize,
    /// Case-sensitive literal every match starts with (may be empty).
    pub prefix: Vec<u32>,
    /// A one-character test every match's first character passes, if known.
    pub first: Option<Single>,
    /// Matches can only start at position 0 (`\A` or `^` without MULTILINE first).
    pub anchored: bool,
}

impl Prog {
    #[inline]
    pub fn lastindex_reg(&self) -> usize {
        2 * (self.groups + 1)
    }
}

struct Compiler {
    insts: Vec<Inst>,
    sets: Vec<SetM>,
    nregs: usize,
}

/// Compiles a parse tree with `groups` capturing groups.
pub fn compile(node: &Node, groups: usize) -> Prog {
    let mut c = Compiler {
        insts: Vec::new(),
        sets: Vec::new(),
        nregs: 2 * (groups + 1) + 1,
    };
    c.emit(Inst::Save(0));
    c.node(node);
    c.emit(Inst::Save(1));
    c.emit(Inst::Match);
    let mut prog = Prog {
        insts: c.insts,
        sets: c.sets,
        groups,
        nregs: c.nregs,
        prefix: Vec::new(),
        first: None,
        anchored: false,
    };
    analyze(&mut prog);
    prog
}

/// Fills in the search accelerators (`prefix`, `first`, `anchored`).
fn analyze(p: &mut Prog) {
    let mut pc = 0;
    while let Some(Inst::Save(_)) = p.insts.get(pc) {
        pc += 1;
    }
    match p.insts.get(pc) {
        Some(Inst::StartText | Inst::Bol) => p.anchored = true,
        Some(&Inst::One(s)) => p.first = Some(s),
        Some(&Inst::RepOne { s, min, .. }) if min > 0 => p.first = Some(s),
        _ => {}
    }
    let mut i = pc;
    loop {
        match p.insts.get(i) {
            Some(&Inst::One(Single::Char(c))) => p.prefix.push(c),
            Some(Inst::Save(_)) => {}
            Some(&Inst::RepOne {
                s: Single::Char(c),
                min,
                max,
                ..
            }) if min > 0 => {
                p.prefix.push(c);
                if max != min || min > 1 {
                    break;
                }
            }
            _ => break,
        }
        i += 1;
    }
}

impl Compiler {
    fn emit(&mut self, i: Inst) -> usize {
        self.insts.push(i);
        self.insts.len() - 1
    }
    fn pc(&self) -> u32 {
        self.insts.len() as u32
    }
    fn patch(&mut self, at: usize, target: u32) {
        match &mut self.insts[at] {
            Inst::Split(_, b) => *b = target,
            Inst::Jmp(t) => *t = target,
            Inst::RepHead { exit, .. } => *exit = target,
            Inst::Look { next, .. } | Inst::Atomic { next } => *next = target,
            Inst::Cond { no, .. } => *no = target,
            _ => unreachable!("patching a non-jump instruction"),
        }
    }

    fn single(&mut self, n: &Node) -> Option<Single> {
        Some(match n {
            Node::Char { c, icase, ascii } => {
                if *icase {
                    let f = if *ascii { ascii_lower(*c) } else { fold(*c) };
                    let has_case = if *ascii {
                        ascii_lower(*c) != ascii_upper(*c)
                    } else {
                        f != *c || !case_class(f).is_empty()
                    };
                    if has_case {
                        Single::CharI(f, *ascii)
                    } else {
                        Single::Char(*c)
                    }
                } else {
                    Single::Char(*c)
                }
            }
            Node::Any { dotall } => {
                if *dotall {
                    Single::AnyAll
                } else {
                    Single::Any
                }
            }
            Node::Class(cl) => {
                self.sets.push(SetM::new(cl.clone()));
                Single::Set(self.sets.len() as u32 - 1)
            }
            _ => return None,
        })
    }

    fn node(&mut self, n: &Node) {
        match n {
            Node::Empty => {}
            Node::Char { .. } | Node::Any { .. } | Node::Class(_) => {
                let s = self.single(n).unwrap();
                self.emit(Inst::One(s));
            }
            Node::Bol { multi } => {
                self.emit(if *multi { Inst::BolM } else { Inst::Bol });
            }
            Node::Eol { multi } => {
                self.emit(if *multi { Inst::EolM } else { Inst::Eol });
            }
            Node::StartText => {
                self.emit(Inst::StartText);
            }
            Node::EndText => {
                self.emit(Inst::EndText);
            }
            Node::WordB { ascii, neg } => {
                self.emit(Inst::WordB {
                    ascii: *ascii,
                    neg: *neg,
                });
            }
            Node::Group(g, body) => {
                self.emit(Inst::Save(2 * *g as u32));
                self.node(body);
                self.emit(Inst::Save(2 * *g as u32 + 1));
            }
            Node::Concat(v) => {
                for x in v {
                    self.node(x);
                }
            }
            Node::Alt(v) => {
                let mut jumps = Vec::new();
                for (i, x) in v.iter().enumerate() {
                    if i + 1 < v.len() {
                        let split = self.emit(Inst::Split(0, 0));
                        let body = self.pc();
                        if let Inst::Split(a, _) = &mut self.insts[split] {
                            *a = body;
                        }
                        self.node(x);
                        jumps.push(self.emit(Inst::Jmp(0)));
                        let next = self.pc();
                        self.patch(split, next);
                    } else {
                        self.node(x);
                    }
                }
                let end = self.pc();
                for j in jumps {
                    self.patch(j, end);
                }
            }
            Node::Repeat {
                node,
                min,
                max,
                greedy,
                possessive,
            } => {
                if *possessive {
                    let at = self.emit(Inst::Atomic { next: 0 });
                    self.repeat(node, *min, *max, true);
                    self.emit(Inst::SubMatch);
                    let next = self.pc();
                    self.patch(at, next);
                } else {
                    self.repeat(node, *min, *max, *greedy);
                }
            }
            Node::Backref {
                group,
                icase,
                ascii,
            } => {
                self.emit(Inst::Backref {
                    group: *group as u32,
                    icase: *icase,
                    ascii: *ascii,
                });
            }
            Node::Look { behind, neg, node } => {
                let width = if *behind { parser::width(node).0 } else { 0 };
                let at = self.emit(Inst::Look {
                    behind: *behind,
                    neg: *neg,
                    width,
                    next: 0,
                });
                self.node(node);
                self.emit(Inst::SubMatch);
                let next = self.pc();
                self.patch(at, next);
            }
            Node::Atomic(body) => {
                let at = self.emit(Inst::Atomic { next: 0 });
                self.node(body);
                self.emit(Inst::SubMatch);
                let next = self.pc();
                self.patch(at, next);
            }
            Node::Cond { group, yes, no } => {
                let at = self.emit(Inst::Cond {
                    group: *group as u32,
                    no: 0,
                });
                self.node(yes);
                let j = self.emit(Inst::Jmp(0));
                let no_pc = self.pc();
                self.patch(at, no_pc);
                self.node(no);
                let end = self.pc();
                self.patch(j, end);
            }
        }
    }

    fn repeat(&mut self, body: &Node, min: u32, max: u32, greedy: bool) {
        if min == 1 && max == 1 {
            self.node(body);
            return;
        }
        if max == 0 {
            return;
        }
        if let Some(s) = self.single(body) {
            self.emit(Inst::RepOne {
                s,
                min,
                max,
                greedy,
            });
            return;
        }
        if min == 0 && max == 1 {
            // x? : no counter needed
            let split = self.emit(Inst::Split(0, 0));
            let b = self.pc();
            self.node(body);
            let end = self.pc();
            self.insts[split] = if greedy {
                Inst::Split(b, end)
            } else {
                Inst::Split(end, b)
            };
            return;
        }
        let reg = self.nregs as u32;
        self.nregs += 2;
        self.emit(Inst::RepInit(reg));
        let head = self.emit(Inst::RepHead {
            reg,
            min,
            max,
            greedy,
            exit: 0,
        });
        self.emit(Inst::RepMark(reg));
        self.node(body);
        self.emit(Inst::RepTail {
            reg,
            head: head as u32,
        });
        let exit = self.pc();
        self.patch(head, exit);
    }
}
