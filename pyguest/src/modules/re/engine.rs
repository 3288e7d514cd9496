//! The backtracking matcher: runs a compiled [`Prog`] over a subject (bytes, or code points)
//! with Python's semantics (leftmost-first alternation, greedy/lazy repetition, captures from
//! the last iteration, atomic lookarounds).
//!
//! Backtracking uses an explicit stack of [`Bt`] entries on the Rust heap, never Rust
//! recursion, so deep subjects and nested quantifiers cannot overflow the native stack. Every
//! register change pushes an undo entry, so failing back past it restores captures and loop
//! counters. Only lookarounds and atomic groups recurse (as deep as they nest in the pattern).
//!
//! Positions are unit indices into the subject (`text`), which is already cut at `endpos`.

use super::compile::{ascii_lower, fold, lower, Inst, Prog, Single};
use super::parser::is_word;

/// A subject unit: a byte (bytes and ASCII str subjects) or a code point.
pub trait Unit: Copy {
    fn u(self) -> u32;
}
impl Unit for u8 {
    #[inline(always)]
    fn u(self) -> u32 {
        self as u32
    }
}
impl Unit for u32 {
    #[inline(always)]
    fn u(self) -> u32 {
        self
    }
}

#[derive(Clone, Copy)]
enum Bt {
    /// Restore register `reg` to `val`.
    Undo { reg: u32, val: isize },
    /// Resume at `pc` with position `pos`.
    Jump { pc: u32, pos: usize },
    /// A greedy single-character repetition that may give back characters down to `min`.
    Greedy { pc: u32, min: usize, cur: usize },
    /// A lazy single-character repetition that may take one more character (up to `max`).
    Lazy {
        pc: u32,
        rep: u32,
        cur: usize,
        max: usize,
    },
}

thread_local! {
    /// Register and backtrack buffers reused by successive matchers (no allocation per call).
    static SCRATCH: std::cell::RefCell<(Vec<isize>, Vec<Bt>)> =
        const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

/// The match state for one subject.
pub struct Matcher<'a, T: Unit> {
    prog: &'a Prog,
    text: &'a [T],
    pub regs: Vec<isize>,
    stack: Vec<Bt>,
    /// Position where the current search started (for `must_advance`).
    start: usize,
    must_advance: bool,
    full: bool,
}

impl<T: Unit> Drop for Matcher<'_, T> {
    fn drop(&mut self) {
        let regs = std::mem::take(&mut self.regs);
        let mut stack = std::mem::take(&mut self.stack);
        if stack.capacity() > 1 << 16 {
            // do not keep a huge buffer from one pathological match
            stack = Vec::new();
        }
        SCRATCH.with(|s| *s.borrow_mut() = (regs, stack));
    }
}

impl<'a, T: Unit> Matcher<'a, T> {
    /// A matcher over `text` (already cut at `endpos`).
    pub fn new(prog: &'a Prog, text: &'a [T]) -> Self {
        let (mut regs, mut stack) = SCRATCH.with(|s| std::mem::take(&mut *s.borrow_mut()));
        regs.clear();
        regs.resize(prog.nregs, -1);
        stack.clear();
        Matcher {
            prog,
            text,
            regs,
            stack,
            start: 0,
            must_advance: false,
            full: false,
        }
    }

    /// Tries a match starting exactly at `pos`; `full` requires it to end at the end of text.
    pub fn match_at(&mut self, pos: usize, full: bool) -> bool {
        self.full = full;
        self.must_advance = false;
        self.start = pos;
        self.reset();
        self.exec(0, pos).is_some()
    }

    /// Finds the leftmost match starting at or after `pos`; with `must_advance`, an empty
    /// match at `pos` itself is not accepted. Captures are in `regs` on success.
    pub fn search(&mut self, pos: usize, must_advance: bool) -> bool {
        self.full = false;
        self.must_advance = must_advance;
        self.start = pos;
        self.reset();
        let n = self.text.len();
        if pos > n {
            return false;
        }
        if self.prog.anchored {
            return pos == 0 && self.exec(0, 0).is_some();
        }
        let prefix = &self.prog.prefix;
        let mut s = pos;
        while s <= n {
            if let Some(&c0) = prefix.first() {
                // jump to the next occurrence of the literal prefix
                match self.text[s..].iter().position(|t| t.u() == c0) {
                    None => return false,
                    Some(k) => s += k,
                }
                if s + prefix.len() > n {
                    return false;
                }
                if !prefix[1..]
                    .iter()
                    .zip(&self.text[s + 1..])
                    .all(|(&p, t)| p == t.u())
                {
                    s += 1;
                    continue;
                }
            } else if let Some(f) = self.prog.first {
                match self.text[s..].iter().position(|t| self.single(f, t.u())) {
                    None => return false,
                    Some(k) => s += k,
                }
            }
            if self.exec(0, s).is_some() {
                return true;
            }
            s += 1;
        }
        false
    }

    fn reset(&mut self) {
        for r in self.regs.iter_mut() {
            *r = -1;
        }
        self.stack.clear();
    }

    /// The span of group `g`, if it matched.
    pub fn span(&self, g: usize) -> Option<(usize, usize)> {
        let (a, b) = (self.regs[2 * g], self.regs[2 * g + 1]);
        if a >= 0 && b >= 0 {
            Some((a as usize, b as usize))
        } else {
            None
        }
    }

    /// The `lastindex` of the last match (0 when no group matched).
    pub fn lastindex(&self) -> usize {
        self.regs[self.prog.lastindex_reg()].max(0) as usize
    }

    #[inline(always)]
    fn single(&self, s: Single, c: u32) -> bool {
        match s {
            Single::Char(x) => c == x,
            Single::CharI(f, ascii) => {
                if ascii {
                    ascii_lower(c) == f
                } else {
                    c == f || fold(c) == f
                }
            }
            Single::Any => c != '\n' as u32,
            Single::AnyAll => true,
            Single::Set(i) => self.prog.sets[i as usize].matches(c),
        }
    }

    #[inline(always)]
    fn set_reg(&mut self, reg: u32, val: isize) {
        let old = self.regs[reg as usize];
        if old != val {
            self.stack.push(Bt::Undo { reg, val: old });
            self.regs[reg as usize] = val;
        }
    }

    fn word_at(&self, i: usize, ascii: bool) -> bool {
        i < self.text.len() && is_word(self.text[i].u(), ascii)
    }

    /// Pops entries down to `base`, applying undos.
    fn unwind(&mut self, base: usize) {
        while self.stack.len() > base {
            if let Some(Bt::Undo { reg, val }) = self.stack.pop() {
                self.regs[reg as usize] = val;
            }
        }
    }

    /// After a successful sub-run, drops its choice points but keeps its undo entries.
    fn commit(&mut self, base: usize) {
        let mut w = base;
        for r in base..self.stack.len() {
            if let Bt::Undo { .. } = self.stack[r] {
                self.stack[w] = self.stack[r];
                w += 1;
            }
        }
        self.stack.truncate(w);
    }

    /// Runs from `pc` at `pos` until `Match`/`SubMatch` succeeds (returns the end position)
    /// or every alternative above the current stack height failed (registers restored).
    fn exec(&mut self, pc: usize, pos: usize) -> Option<usize> {
        let base = self.stack.len();
        let text = self.text;
        let n = text.len();
        let prog = self.prog;
        let insts = &prog.insts[..];
        let mut pc = pc;
        let mut pos = pos;
        'run: loop {
            // `ok == false` means: backtrack
            let ok = match insts[pc] {
                Inst::One(s) => {
                    if pos < n && self.single(s, text[pos].u()) {
                        pos += 1;
                        pc += 1;
                        true
                    } else {
                        false
                    }
                }
                Inst::RepOne {
                    s,
                    min,
                    max,
                    greedy,
                } => {
                    let min = min as usize;
                    let limit = if max == u32::MAX {
                        n
                    } else {
                        n.min(pos.saturating_add(max as usize))
                    };
                    if greedy {
                        let mut e = pos;
                        match s {
                            Single::AnyAll => e = limit,
                            Single::Char(x) => {
                                while e < limit && text[e].u() == x {
                                    e += 1;
                                }
                            }
                            _ => {
                                while e < limit && self.single(s, text[e].u()) {
                                    e += 1;
                                }
                            }
                        }
                        if e - pos < min {
                            false
                        } else {
                            if e - pos > min {
                                self.stack.push(Bt::Greedy {
                                    pc: pc as u32 + 1,
                                    min: pos + min,
                                    cur: e,
                                });
                            }
                            pos = e;
                            pc += 1;
                            true
                        }
                    } else {
                        let mut e = pos;
                        while e < pos + min && e < n && self.single(s, text[e].u()) {
                            e += 1;
                        }
                        if e - pos < min {
                            false
                        } else {
                            if e < limit {
                                self.stack.push(Bt::Lazy {
                                    pc: pc as u32 + 1,
                                    rep: pc as u32,
                                    cur: e,
                                    max: limit,
                                });
                            }
                            pos = e;
                            pc += 1;
                            true
                        }
                    }
                }
                Inst::Bol => {
                    pc += 1;
                    pos == 0
                }
                Inst::BolM => {
                    pc += 1;
                    pos == 0 || text[pos - 1].u() == '\n' as u32
                }
                Inst::Eol => {
                    pc += 1;
                    pos == n || (pos + 1 == n && text[pos].u() == '\n' as u32)
                }
                Inst::EolM => {
                    pc += 1;
                    pos == n || text[pos].u() == '\n' as u32
                }
                Inst::StartText => {
                    pc += 1;
                    pos == 0
                }
                Inst::EndText => {
                    pc += 1;
                    pos == n
                }
                Inst::WordB { ascii, neg } => {
                    pc += 1;
                    if n == 0 {
                        false
                    } else {
                        let before = pos > 0 && self.word_at(pos - 1, ascii);
                        let after = self.word_at(pos, ascii);
                        (before != after) != neg
                    }
                }
                Inst::Save(slot) => {
                    self.set_reg(slot, pos as isize);
                    if slot & 1 == 1 && slot > 1 {
                        self.set_reg(prog.lastindex_reg() as u32, (slot / 2) as isize);
                    }
                    pc += 1;
                    true
                }
                Inst::Split(a, b) => {
                    self.stack.push(Bt::Jump { pc: b, pos });
                    pc = a as usize;
                    true
                }
                Inst::Jmp(t) => {
                    pc = t as usize;
                    true
                }
                Inst::RepInit(reg) => {
                    self.set_reg(reg, 0);
                    self.set_reg(reg + 1, -1);
                    pc += 1;
                    true
                }
                Inst::RepHead {
                    reg,
                    min,
                    max,
                    greedy,
                    exit,
                } => {
                    let count = self.regs[reg as usize] as u32;
                    let last = self.regs[reg as usize + 1];
                    if count >= min && count > 0 && last == pos as isize {
                        // the last iteration matched the empty string: stop looping
                        pc = exit as usize;
                    } else if count < min {
                        pc += 1;
                    } else if count >= max {
                        pc = exit as usize;
                    } else if greedy {
                        self.stack.push(Bt::Jump { pc: exit, pos });
                        pc += 1;
                    } else {
                        self.stack.push(Bt::Jump {
                            pc: pc as u32 + 1,
                            pos,
                        });
                        pc = exit as usize;
                    }
                    true
                }
                Inst::RepMark(reg) => {
                    self.set_reg(reg + 1, pos as isize);
                    pc += 1;
                    true
                }
                Inst::RepTail { reg, head } => {
                    let c = self.regs[reg as usize];
                    self.set_reg(reg, c + 1);
                    pc = head as usize;
                    true
                }
                Inst::Backref {
                    group,
                    icase,
                    ascii,
                } => {
                    let g = group as usize;
                    let (a, b) = (self.regs[2 * g], self.regs[2 * g + 1]);
                    if a < 0 || b < 0 {
                        false
                    } else {
                        let (a, b) = (a as usize, b as usize);
                        let len = b.saturating_sub(a);
                        if pos + len > n {
                            false
                        } else {
                            let eq = (0..len).all(|k| {
                                let (x, y) = (text[a + k].u(), text[pos + k].u());
                                x == y
                                    || (icase
                                        && if ascii {
                                            ascii_lower(x) == ascii_lower(y)
                                        } else {
                                            // CPython compares simple lowercase here
                                            lower(x) == lower(y)
                                        })
                            });
                            if eq {
                                pos += len;
                                pc += 1;
                            }
                            eq
                        }
                    }
                }
                Inst::Look {
                    behind,
                    neg,
                    width,
                    next,
                } => {
                    let from = if behind {
                        pos.checked_sub(width as usize)
                    } else {
                        Some(pos)
                    };
                    let sub_base = self.stack.len();
                    let hit = match from {
                        Some(f) => {
                            let (full, adv) = (self.full, self.must_advance);
                            let r = self.exec(pc + 1, f).is_some();
                            self.full = full;
                            self.must_advance = adv;
                            r
                        }
                        None => false,
                    };
                    if hit {
                        if neg {
                            self.unwind(sub_base);
                        } else {
                            self.commit(sub_base);
                        }
                    }
                    pc = next as usize;
                    hit != neg
                }
                Inst::Atomic { next } => {
                    let sub_base = self.stack.len();
                    match self.exec(pc + 1, pos) {
                        Some(e) => {
                            self.commit(sub_base);
                            pos = e;
                            pc = next as usize;
                            true
                        }
                        None => false,
                    }
                }
                Inst::Cond { group, no } => {
                    let g = group as usize;
                    let set =
                        g <= prog.groups && self.regs[2 * g] >= 0 && self.regs[2 * g + 1] >= 0;
                    pc = if set { pc + 1 } else { no as usize };
                    true
                }
                Inst::SubMatch => return Some(pos),
                Inst::Match => {
                    if (self.full && pos != n) || (self.must_advance && pos == self.start) {
                        false
                    } else {
                        return Some(pos);
                    }
                }
            };
            if ok {
                continue;
            }
            // backtrack
            loop {
                if self.stack.len() <= base {
                    return None;
                }
                match self.stack.pop().unwrap() {
                    Bt::Undo { reg, val } => self.regs[reg as usize] = val,
                    Bt::Jump { pc: p, pos: q } => {
                        pc = p as usize;
                        pos = q;
                        continue 'run;
                    }
                    Bt::Greedy { pc: p, min, cur } => {
                        let mut c = cur - 1;
                        // skip give-back positions where a literal next instruction fails
                        if let Inst::One(Single::Char(x)) = insts[p as usize] {
                            while c > min && (c >= n || text[c].u() != x) {
                                c -= 1;
                            }
                            if c >= n || text[c].u() != x {
                                continue;
                            }
                        }
                        if c > min {
                            self.stack.push(Bt::Greedy { pc: p, min, cur: c });
                        }
                        pc = p as usize;
                        pos = c;
                        continue 'run;
                    }
                    Bt::Lazy {
                        pc: p,
                        rep,
                        cur,
                        max,
                    } => {
                        let Inst::RepOne { s, .. } = insts[rep as usize] else {
                            unreachable!("lazy entry without its repeat");
                        };
                        if cur < max && self.single(s, text[cur].u()) {
                            if cur + 1 < max {
                                self.stack.push(Bt::Lazy {
                                    pc: p,
                                    rep,
                                    cur: cur + 1,
                                    max,
                                });
                            }
                            pc = p as usize;
                            pos = cur + 1;
                            continue 'run;
                        }
                    }
                }
            }
        }
    }
}
