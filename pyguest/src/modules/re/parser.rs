//! Parser for Python's regular-expression syntax (the `re` module of CPython 3.11): pattern
//! text to a [`Node`] tree, with inline flags already resolved into the nodes (a literal knows
//! whether it ignores case, `.` whether it matches newlines, ...).
//!
//! Errors carry CPython's message and the character position it reports, so `re.error`
//! prints the same text. Positions are code-point indices into the pattern (for bytes
//! patterns, byte indices: every byte is one unit).

use super::unicode;

pub const F_IGNORECASE: u32 = 2;
pub const F_LOCALE: u32 = 4;
pub const F_MULTILINE: u32 = 8;
pub const F_DOTALL: u32 = 16;
pub const F_UNICODE: u32 = 32;
pub const F_VERBOSE: u32 = 64;
pub const F_ASCII: u32 = 256;

/// Position of errors CPython reports without one (Python sees -1).
pub const NO_POS: usize = usize::MAX;

/// Infinite upper bound of a repetition.
pub const INF: u32 = u32::MAX;

/// A parse error: CPython's message and position.
#[derive(Debug, Clone, PartialEq)]
pub struct ReError {
    pub msg: String,
    pub pos: usize,
}

fn err<T>(msg: impl Into<String>, pos: usize) -> Result<T, ReError> {
    Err(ReError {
        msg: msg.into(),
        pos,
    })
}

/// One item of a character class.
#[derive(Debug, Clone, PartialEq)]
pub enum ClassItem {
    Range(u32, u32),
    /// `\d` (true: negated `\D`).
    Digit(bool),
    Word(bool),
    Space(bool),
}

/// A character class with its matching options.
#[derive(Debug, Clone, PartialEq)]
pub struct Class {
    pub items: Vec<ClassItem>,
    pub negated: bool,
    pub icase: bool,
    /// ASCII-only semantics for `\d\w\s` and case folding (ASCII flag or bytes pattern).
    pub ascii: bool,
}

/// Parsed regular expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Empty,
    Char {
        c: u32,
        icase: bool,
        ascii: bool,
    },
    Any {
        dotall: bool,
    },
    Class(Class),
    Bol {
        multi: bool,
    },
    Eol {
        multi: bool,
    },
    StartText,
    EndText,
    WordB {
        ascii: bool,
        neg: bool,
    },
    Group(usize, Box<Node>),
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: u32,
        greedy: bool,
        possessive: bool,
    },
    Backref {
        group: usize,
        icase: bool,
        ascii: bool,
    },
    Look {
        behind: bool,
        neg: bool,
        node: Box<Node>,
    },
    Atomic(Box<Node>),
    Cond {
        group: usize,
        yes: Box<Node>,
        no: Box<Node>,
    },
}

/// Result of parsing: the tree, number of groups, names, final flags.
#[derive(Debug)]
pub struct Parsed {
    pub node: Node,
    pub groups: usize,
    pub names: Vec<(String, usize)>,
    pub flags: u32,
}

struct Parser {
    s: Vec<u32>,
    p: usize,
    flags: u32,
    bytes: bool,
    groups: usize,
    names: Vec<(String, usize)>,
    open: Vec<usize>,
    /// Number of groups defined before the innermost enclosing lookbehind, if inside one.
    lb_groups: Option<usize>,
    /// Group nesting depth (a global flags group must be at depth 1, i.e. top level).
    nest: usize,
    /// An error CPython finds only after parsing (in its compiler): reported if the parse
    /// itself succeeds.
    late: Option<ReError>,
    /// Group numbers used by conditionals `(?(N)...)`, with their positions: checked against
    /// the final group count (forward references are allowed).
    cond_refs: Vec<(usize, usize)>,
}

/// Parses `pattern` (code points) with `flags`; `bytes` for a bytes pattern.
pub fn parse(pattern: &[u32], flags: u32, bytes: bool) -> Result<Parsed, ReError> {
    let mut flags = flags;
    loop {
        let mut p = Parser {
            s: pattern.to_vec(),
            p: 0,
            flags,
            bytes,
            groups: 0,
            names: Vec::new(),
            open: Vec::new(),
            lb_groups: None,
            nest: 0,
            late: None,
            cond_refs: Vec::new(),
        };
        match p.parse_alt() {
            Ok(node) => {
                if p.p < p.s.len() {
                    // only a stray ')' stops the top-level alternation early
                    return err("unbalanced parenthesis", p.p);
                }
                if let Some(&(g, at)) = p.cond_refs.iter().find(|&&(g, _)| g > p.groups) {
                    return err(format!("invalid group reference {g}"), at);
                }
                if let Some(e) = p.late {
                    return Err(e);
                }
                return Ok(Parsed {
                    node,
                    groups: p.groups,
                    names: p.names,
                    flags: p.flags,
                });
            }
            Err(e) if e.msg == "\0verbose" => {
                // global (?x) found: parse again from the start in verbose mode
                flags = p.flags | F_VERBOSE;
            }
            Err(e) => return Err(e),
        }
    }
}

fn is_digit(c: u32) -> bool {
    (b'0' as u32..=b'9' as u32).contains(&c)
}
fn is_octal(c: u32) -> bool {
    (b'0' as u32..=b'7' as u32).contains(&c)
}
fn hexval(c: u32) -> Option<u32> {
    char::from_u32(c).and_then(|ch| ch.to_digit(16))
}
fn ch(c: u32) -> String {
    char::from_u32(c).map(String::from).unwrap_or_default()
}

impl Parser {
    fn peek(&self) -> Option<u32> {
        self.s.get(self.p).copied()
    }
    fn peek_is(&self, c: char) -> bool {
        self.peek() == Some(c as u32)
    }
    fn eat(&mut self, c: char) -> bool {
        if self.peek_is(c) {
            self.p += 1;
            true
        } else {
            false
        }
    }
    fn icase(&self) -> bool {
        self.flags & F_IGNORECASE != 0
    }
    fn ascii(&self) -> bool {
        self.bytes || self.flags & F_ASCII != 0
    }
    fn verbose(&self) -> bool {
        self.flags & F_VERBOSE != 0
    }

    fn skip_verbose(&mut self) {
        if !self.verbose() {
            return;
        }
        while let Some(c) = self.peek() {
            if c == '#' as u32 {
                while let Some(c) = self.peek() {
                    self.p += 1;
                    if c == '\n' as u32 {
                        break;
                    }
                }
            } else if matches!(
                char::from_u32(c),
                Some(' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
            ) {
                self.p += 1;
            } else {
                break;
            }
        }
    }

    fn parse_alt(&mut self) -> Result<Node, ReError> {
        let mut alts = vec![self.parse_seq(true)?];
        while self.eat('|') {
            alts.push(self.parse_seq(false)?);
        }
        Ok(if alts.len() == 1 {
            alts.pop().unwrap()
        } else {
            Node::Alt(alts)
        })
    }

    /// A sequence of quantified atoms up to `|`, `)` or the end.
    fn parse_seq(&mut self, first_branch: bool) -> Result<Node, ReError> {
        let mut items: Vec<Node> = Vec::new();
        loop {
            self.skip_verbose();
            let Some(c) = self.peek() else { break };
            let start = self.p;
            match char::from_u32(c).unwrap_or('\0') {
                '|' | ')' => break,
                '*' | '+' | '?' | '{' => {
                    let Some((min, max)) = self.quantifier()? else {
                        // a '{' that does not start a repeat is a literal
                        self.p = start + 1;
                        items.push(self.literal('{' as u32));
                        continue;
                    };
                    let mut greedy = true;
                    let mut possessive = false;
                    if self.eat('?') {
                        greedy = false;
                    } else if self.eat('+') {
                        possessive = true;
                    }
                    match items.last() {
                        None
                        | Some(
                            Node::Bol { .. }
                            | Node::Eol { .. }
                            | Node::StartText
                            | Node::EndText
                            | Node::WordB { .. },
                        ) => return err("nothing to repeat", start),
                        Some(Node::Repeat { .. }) => return err("multiple repeat", start),
                        _ => {}
                    }
                    let node = Box::new(items.pop().unwrap());
                    items.push(Node::Repeat {
                        node,
                        min,
                        max,
                        greedy,
                        possessive,
                    });
                }
                _ => {
                    let before = self.flags;
                    if let Some(n) = self.atom(first_branch && items.is_empty(), start)? {
                        // a quantifier right after a quantifier's group is a new item; mark
                        // repeats wrapped in a group so `(a*)*` is not "multiple repeat"
                        items.push(n);
                    } else {
                        // global flags group: only allowed at the very start
                        if self.flags & F_VERBOSE != 0 && before & F_VERBOSE == 0 {
                            return err("\0verbose", 0);
                        }
                    }
                }
            }
        }
        Ok(match items.len() {
            0 => Node::Empty,
            1 => items.pop().unwrap(),
            _ => Node::Concat(items),
        })
    }

    /// Parses `*`, `+`, `?`, `{m,n}` at the cursor; `None` for a `{` that is a literal.
    fn quantifier(&mut self) -> Result<Option<(u32, u32)>, ReError> {
        let start = self.p;
        let c = self.peek().unwrap();
        self.p += 1;
        Ok(Some(match char::from_u32(c).unwrap() {
            '*' => (0, INF),
            '+' => (1, INF),
            '?' => (0, 1),
            _ => {
                if self.peek_is('}') {
                    return Ok(None);
                }
                let lo = self.digits();
                let hi = if self.eat(',') {
                    self.digits()
                } else {
                    lo.clone()
                };
                if !self.eat('}') {
                    self.p = start;
                    return Ok(None);
                }
                let num = |s: &str, at: usize| -> Result<u32, ReError> {
                    match s.parse::<u64>() {
                        Ok(v) if v < INF as u64 => Ok(v as u32),
                        _ => err("the repetition number is too large", at),
                    }
                };
                let min = if lo.is_empty() {
                    0
                } else {
                    num(&lo, start + 1)?
                };
                let max = if hi.is_empty() {
                    INF
                } else {
                    num(&hi, start + 1)?
                };
                if max < min {
                    return err("min repeat greater than max repeat", start + 1);
                }
                (min, max)
            }
        }))
    }

    fn digits(&mut self) -> String {
        let mut s = String::new();
        while let Some(c) = self.peek() {
            if !is_digit(c) {
                break;
            }
            s.push(char::from_u32(c).unwrap());
            self.p += 1;
        }
        s
    }

    fn literal(&self, c: u32) -> Node {
        Node::Char {
            c,
            icase: self.icase(),
            ascii: self.ascii(),
        }
    }

    /// One atom; `None` for a global-flags group (which produces no node).
    fn atom(&mut self, at_start: bool, start: usize) -> Result<Option<Node>, ReError> {
        let c = self.peek().unwrap();
        self.p += 1;
        let node = match char::from_u32(c).unwrap_or('\u{fffd}') {
            '.' => Node::Any {
                dotall: self.flags & F_DOTALL != 0,
            },
            '^' => Node::Bol {
                multi: self.flags & F_MULTILINE != 0,
            },
            '$' => Node::Eol {
                multi: self.flags & F_MULTILINE != 0,
            },
            '[' => self.class(start)?,
            '\\' => self.escape(start)?,
            '(' => return self.group(at_start, start),
            _ => self.literal(c),
        };
        Ok(Some(node))
    }

    fn group_name(&mut self, term: char) -> Result<String, ReError> {
        let start = self.p;
        let mut name = String::new();
        loop {
            match self.peek() {
                None => return err("missing >, unterminated name", start),
                Some(c) if c == term as u32 => {
                    self.p += 1;
                    break;
                }
                Some(c) => {
                    name.push(char::from_u32(c).unwrap_or('\u{fffd}'));
                    self.p += 1;
                }
            }
        }
        if name.is_empty() {
            return err("missing group name", start);
        }
        let ok = {
            let mut cs = name.chars();
            let f = cs.next().unwrap();
            (f == '_' || f.is_alphabetic()) && cs.all(|c| c == '_' || c.is_alphanumeric())
        };
        if !ok {
            return err(format!("bad character in group name '{name}'"), start);
        }
        Ok(name)
    }

    fn close(&mut self, open_at: usize) -> Result<(), ReError> {
        if self.eat(')') {
            Ok(())
        } else {
            err("missing ), unterminated subpattern", open_at)
        }
    }

    fn capture(&mut self, name: Option<(String, usize)>, open_at: usize) -> Result<Node, ReError> {
        self.groups += 1;
        let g = self.groups;
        if let Some((name, npos)) = name {
            if let Some(&(_, old)) = self.names.iter().find(|(n, _)| *n == name) {
                return err(
                    format!("redefinition of group name '{name}' as group {g}; was group {old}"),
                    npos,
                );
            }
            self.names.push((name, g));
        }
        self.open.push(g);
        let saved = self.flags;
        let body = self.parse_alt()?;
        self.flags = saved;
        self.open.pop();
        self.close(open_at)?;
        Ok(Node::Group(g, Box::new(body)))
    }

    fn group(&mut self, at_start: bool, open_at: usize) -> Result<Option<Node>, ReError> {
        self.nest += 1;
        let r = self.group_inner(at_start, open_at);
        self.nest -= 1;
        r
    }

    fn group_inner(&mut self, at_start: bool, open_at: usize) -> Result<Option<Node>, ReError> {
        if !self.eat('?') {
            return self.capture(None, open_at).map(Some);
        }
        let Some(c) = self.peek() else {
            return err("unexpected end of pattern", self.p);
        };
        let cc = char::from_u32(c).unwrap_or('\u{fffd}');
        self.p += 1;
        let node = match cc {
            ':' => {
                let saved = self.flags;
                let body = self.parse_alt()?;
                self.flags = saved;
                self.close(open_at)?;
                wrap(body)
            }
            'P' => {
                if self.eat('<') {
                    let npos = self.p;
                    let name = self.group_name('>')?;
                    return self.capture(Some((name, npos)), open_at).map(Some);
                } else if self.eat('=') {
                    let npos = self.p;
                    let name = self.group_name(')')?;
                    let Some(&(_, g)) = self.names.iter().find(|(n, _)| *n == name) else {
                        return err(format!("unknown group name '{name}'"), npos);
                    };
                    if self.open.contains(&g) {
                        return err("cannot refer to an open group", open_at);
                    }
                    self.check_lookbehind_ref(g)?;
                    Node::Backref {
                        group: g,
                        icase: self.icase(),
                        ascii: self.ascii(),
                    }
                } else {
                    return match self.peek() {
                        None => err("unexpected end of pattern", self.p),
                        Some(c) => err(format!("unknown extension ?P{}", ch(c)), self.p - 1),
                    };
                }
            }
            '#' => {
                loop {
                    match self.peek() {
                        None => return err("missing ), unterminated comment", open_at),
                        Some(c) if c == ')' as u32 => {
                            self.p += 1;
                            break;
                        }
                        Some(_) => self.p += 1,
                    }
                }
                return Ok(Some(Node::Empty));
            }
            '=' | '!' => {
                let body = self.parse_alt()?;
                self.close(open_at)?;
                Node::Look {
                    behind: false,
                    neg: cc == '!',
                    node: Box::new(body),
                }
            }
            '<' => {
                let Some(c2) = self.peek() else {
                    return err("unexpected end of pattern", self.p);
                };
                if c2 != '=' as u32 && c2 != '!' as u32 {
                    return err(format!("unknown extension ?<{}", ch(c2)), open_at + 1);
                }
                self.p += 1;
                let saved_lb = self.lb_groups.replace(self.groups);
                let body = self.parse_alt()?;
                self.lb_groups = saved_lb;
                self.close(open_at)?;
                let (lo, hi) = width(&body);
                if Some(lo) != hi && self.late.is_none() {
                    // CPython reports this one without a position, after parsing
                    self.late = Some(ReError {
                        msg: "look-behind requires fixed-width pattern".into(),
                        pos: NO_POS,
                    });
                }
                Node::Look {
                    behind: true,
                    neg: c2 == '!' as u32,
                    node: Box::new(body),
                }
            }
            '>' => {
                let body = self.parse_alt()?;
                self.close(open_at)?;
                Node::Atomic(Box::new(body))
            }
            '(' => {
                let gpos = self.p;
                let mut name = String::new();
                loop {
                    match self.peek() {
                        None => return err("missing ), unterminated name", gpos),
                        Some(c) if c == ')' as u32 => {
                            self.p += 1;
                            break;
                        }
                        Some(c) => {
                            name.push(char::from_u32(c).unwrap_or('\u{fffd}'));
                            self.p += 1;
                        }
                    }
                }
                if name.is_empty() {
                    return err("missing group name", gpos);
                }
                let group = if name.bytes().all(|b| b.is_ascii_digit()) {
                    let g: usize = name.parse().unwrap_or(usize::MAX);
                    if g == 0 {
                        return err("bad group number", gpos);
                    }
                    g
                } else if let Some(&(_, g)) = self.names.iter().find(|(n, _)| *n == name) {
                    g
                } else {
                    return err(format!("unknown group name '{name}'"), gpos);
                };
                self.check_lookbehind_ref(group)?;
                let yes = self.parse_seq(false)?;
                let no = if self.eat('|') {
                    let n = self.parse_seq(false)?;
                    if self.peek_is('|') {
                        return err("conditional backref with more than two branches", self.p);
                    }
                    n
                } else {
                    Node::Empty
                };
                self.close(open_at)?;
                self.cond_refs.push((group, gpos));
                Node::Cond {
                    group,
                    yes: Box::new(yes),
                    no: Box::new(no),
                }
            }
            c if "aiLmsux-".contains(c) => {
                self.p -= 1;
                return self.flag_group(at_start, open_at);
            }
            _ => return err(format!("unknown extension ?{cc}"), open_at + 1),
        };
        Ok(Some(node))
    }

    /// Inside a lookbehind, a reference must be to a closed group defined before it.
    fn check_lookbehind_ref(&self, g: usize) -> Result<(), ReError> {
        if let Some(before) = self.lb_groups {
            if g > self.groups || self.open.contains(&g) {
                return err("cannot refer to an open group", self.p);
            }
            if g > before {
                return err(
                    "cannot refer to group defined in the same lookbehind subpattern",
                    self.p,
                );
            }
        }
        Ok(())
    }

    fn flag_bit(&self, c: u32) -> Option<u32> {
        Some(match char::from_u32(c)? {
            'i' => F_IGNORECASE,
            'L' => F_LOCALE,
            'm' => F_MULTILINE,
            's' => F_DOTALL,
            'u' => F_UNICODE,
            'x' => F_VERBOSE,
            'a' => F_ASCII,
            _ => return None,
        })
    }

    /// `(?flags)` or `(?flags-flags:...)`; the cursor is after `(?`.
    fn flag_group(&mut self, at_start: bool, open_at: usize) -> Result<Option<Node>, ReError> {
        let mut add = 0;
        let mut del = 0;
        while let Some(b) = self.peek().and_then(|c| self.flag_bit(c)) {
            self.check_flag(b)?;
            add |= b;
            self.p += 1;
        }
        if self.eat('-') {
            let at = self.p;
            if self.peek().and_then(|c| self.flag_bit(c)).is_none() {
                return match self.peek() {
                    None => err("missing flag", at),
                    Some(c) if (c as u8 as u32 == c) && (c as u8).is_ascii_alphabetic() => {
                        err("unknown flag", at)
                    }
                    Some(_) => err("missing flag", at),
                };
            }
            while let Some(b) = self.peek().and_then(|c| self.flag_bit(c)) {
                if b & (F_ASCII | F_UNICODE | F_LOCALE) != 0 {
                    return err(
                        "bad inline flags: cannot turn off flags 'a', 'u' and 'L'",
                        self.p + 1,
                    );
                }
                del |= b;
                self.p += 1;
            }
            if add & del != 0 {
                return err("bad inline flags: flag turned on and off", self.p);
            }
            if !self.peek_is(':') {
                return match self.peek() {
                    None => err("missing :", self.p),
                    Some(c) if c < 128 && (c as u8).is_ascii_alphabetic() => {
                        err("unknown flag", self.p)
                    }
                    Some(_) => err("missing :", self.p),
                };
            }
        }
        match self.peek() {
            Some(c) if c == ')' as u32 => {
                self.p += 1;
                if !at_start || self.nest != 1 {
                    return err("global flags not at the start of the expression", open_at);
                }
                self.flags |= add;
                Ok(None)
            }
            Some(c) if c == ':' as u32 => {
                self.p += 1;
                let saved = self.flags;
                self.flags = (self.flags | add) & !del;
                let body = self.parse_alt()?;
                self.flags = saved;
                self.close(open_at)?;
                Ok(Some(wrap(body)))
            }
            None => err("missing -, : or )", self.p),
            Some(c) if c < 128 && (c as u8).is_ascii_alphabetic() => err("unknown flag", self.p),
            Some(_) => err("missing -, : or )", self.p),
        }
    }

    fn check_flag(&self, b: u32) -> Result<(), ReError> {
        if b == F_UNICODE && self.bytes {
            return err(
                "bad inline flags: cannot use 'u' flag with a bytes pattern",
                self.p,
            );
        }
        if b == F_LOCALE && !self.bytes {
            return err(
                "bad inline flags: cannot use 'L' flag with a str pattern",
                self.p,
            );
        }
        Ok(())
    }

    /// Shared escapes: `\n`, `\x41`, `\u1234`, ... ; `None` if `c` is not one of them.
    fn simple_escape(&mut self, c: u32, start: usize) -> Result<Option<u32>, ReError> {
        let v = match char::from_u32(c).unwrap_or('\u{fffd}') {
            'a' => 7,
            'f' => 12,
            'n' => 10,
            'r' => 13,
            't' => 9,
            'v' => 11,
            '\\' => '\\' as u32,
            'x' | 'u' | 'U' => {
                let n = match char::from_u32(c).unwrap() {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                if n > 2 && self.bytes {
                    return err(format!("bad escape \\{}", ch(c)), start);
                }
                let mut v: u32 = 0;
                let mut text = String::new();
                for _ in 0..n {
                    match self.peek().and_then(hexval) {
                        Some(d) => {
                            text.push(char::from_u32(self.peek().unwrap()).unwrap());
                            v = v.wrapping_mul(16).wrapping_add(d);
                            self.p += 1;
                        }
                        None => {
                            return err(format!("incomplete escape \\{}{text}", ch(c)), start);
                        }
                    }
                }
                if n == 8 && v > 0x10FFFF {
                    return err(format!("bad escape \\{}{text}", ch(c)), start);
                }
                v
            }
            _ => return Ok(None),
        };
        Ok(Some(v))
    }

    /// Octal escape: the cursor is after the first digit `d0`.
    fn octal(&mut self, d0: u32, start: usize) -> Result<u32, ReError> {
        let mut v = d0 - '0' as u32;
        let mut n = 1;
        while n < 3 {
            match self.peek() {
                Some(c) if is_octal(c) => {
                    v = v * 8 + (c - '0' as u32);
                    self.p += 1;
                    n += 1;
                }
                _ => break,
            }
        }
        if v > 0o377 {
            let text: String = self.s[start..self.p]
                .iter()
                .map(|&c| char::from_u32(c).unwrap_or('?'))
                .collect();
            return err(
                format!("octal escape value {text} outside of range 0-0o377"),
                start,
            );
        }
        Ok(v)
    }

    fn escape(&mut self, start: usize) -> Result<Node, ReError> {
        let Some(c) = self.peek() else {
            return err("bad escape (end of pattern)", start);
        };
        self.p += 1;
        let ascii = self.ascii();
        let cls = |item: ClassItem| {
            Node::Class(Class {
                items: vec![item],
                negated: false,
                icase: false,
                ascii,
            })
        };
        let node = match char::from_u32(c).unwrap_or('\u{fffd}') {
            'A' => Node::StartText,
            'Z' => Node::EndText,
            'b' => Node::WordB { ascii, neg: false },
            'B' => Node::WordB { ascii, neg: true },
            'd' => cls(ClassItem::Digit(false)),
            'D' => cls(ClassItem::Digit(true)),
            'w' => cls(ClassItem::Word(false)),
            'W' => cls(ClassItem::Word(true)),
            's' => cls(ClassItem::Space(false)),
            'S' => cls(ClassItem::Space(true)),
            '0' => {
                let v = self.octal(c, start)?;
                self.literal(v)
            }
            '1'..='9' => {
                // octal if three octal digits, else a group reference (one or two digits)
                let c1 = self.peek();
                let c2 = self.s.get(self.p + 1).copied();
                if is_octal(c) && c1.is_some_and(is_octal) && c2.is_some_and(is_octal) {
                    let v = self.octal(c, start)?;
                    return Ok(self.literal(v));
                }
                let mut g = (c - '0' as u32) as usize;
                if let Some(d) = c1.filter(|&d| is_digit(d)) {
                    g = g * 10 + (d - '0' as u32) as usize;
                    self.p += 1;
                }
                if g > self.groups {
                    return err(format!("invalid group reference {g}"), start + 1);
                }
                if self.open.contains(&g) {
                    return err("cannot refer to an open group", start);
                }
                self.check_lookbehind_ref(g)?;
                Node::Backref {
                    group: g,
                    icase: self.icase(),
                    ascii,
                }
            }
            _ => {
                if let Some(v) = self.simple_escape(c, start)? {
                    self.literal(v)
                } else if c < 128 && (c as u8).is_ascii_alphanumeric() {
                    return err(format!("bad escape \\{}", ch(c)), start);
                } else {
                    self.literal(c)
                }
            }
        };
        Ok(node)
    }

    /// A class item escape; `Err(item)` for `\d`-like sets, `Ok(c)` for a character.
    fn class_escape(&mut self, start: usize) -> Result<Result<u32, ClassItem>, ReError> {
        let Some(c) = self.peek() else {
            return err("unterminated character set", start);
        };
        self.p += 1;
        Ok(match char::from_u32(c).unwrap_or('\u{fffd}') {
            'd' => Err(ClassItem::Digit(false)),
            'D' => Err(ClassItem::Digit(true)),
            'w' => Err(ClassItem::Word(false)),
            'W' => Err(ClassItem::Word(true)),
            's' => Err(ClassItem::Space(false)),
            'S' => Err(ClassItem::Space(true)),
            'b' => Ok(8),
            '0'..='7' => Ok(self.octal(c, start)?),
            _ => {
                if let Some(v) = self.simple_escape(c, start)? {
                    Ok(v)
                } else if c < 128 && (c as u8).is_ascii_alphanumeric() {
                    return err(format!("bad escape \\{}", ch(c)), start);
                } else {
                    Ok(c)
                }
            }
        })
    }

    fn class(&mut self, open_at: usize) -> Result<Node, ReError> {
        let negated = self.eat('^');
        let mut items = Vec::new();
        let first = self.p;
        loop {
            let Some(c) = self.peek() else {
                return err("unterminated character set", open_at);
            };
            if c == ']' as u32 && self.p != first {
                self.p += 1;
                break;
            }
            let here = self.p;
            self.p += 1;
            let lo = if c == '\\' as u32 {
                self.class_escape(here)?
            } else {
                Ok(c)
            };
            // a range?
            if self.peek_is('-') && self.s.get(self.p + 1).is_some_and(|&n| n != ']' as u32) {
                self.p += 1;
                let hi_at = self.p;
                let hc = self.peek().unwrap();
                self.p += 1;
                let hi = if hc == '\\' as u32 {
                    self.class_escape(hi_at)?
                } else {
                    Ok(hc)
                };
                let text: String = self.s[here..self.p]
                    .iter()
                    .map(|&c| char::from_u32(c).unwrap_or('?'))
                    .collect();
                match (lo, hi) {
                    (Ok(a), Ok(b)) => {
                        if b < a {
                            return err(format!("bad character range {text}"), here);
                        }
                        items.push(ClassItem::Range(a, b));
                    }
                    _ => return err(format!("bad character range {text}"), here),
                }
            } else {
                match lo {
                    Ok(a) => items.push(ClassItem::Range(a, a)),
                    Err(item) => items.push(item),
                }
            }
        }
        Ok(Node::Class(Class {
            items,
            negated,
            icase: self.icase(),
            ascii: self.ascii(),
        }))
    }
}

/// A group's body as one item: a repeat or an anchor inside `(?:...)` stays quantifiable
/// (CPython sees a subpattern there, not a repeat or an anchor).
fn wrap(body: Node) -> Node {
    match body {
        Node::Repeat { .. }
        | Node::Bol { .. }
        | Node::Eol { .. }
        | Node::StartText
        | Node::EndText
        | Node::WordB { .. } => Node::Concat(vec![body]),
        b => b,
    }
}

/// Minimum and maximum match width (`None`: unbounded or unknown).
pub fn width(n: &Node) -> (u32, Option<u32>) {
    match n {
        Node::Empty
        | Node::Bol { .. }
        | Node::Eol { .. }
        | Node::StartText
        | Node::EndText
        | Node::WordB { .. }
        | Node::Look { .. } => (0, Some(0)),
        Node::Char { .. } | Node::Any { .. } | Node::Class(_) => (1, Some(1)),
        Node::Group(_, b) | Node::Atomic(b) => width(b),
        Node::Concat(v) => v.iter().fold((0, Some(0)), |(lo, hi), x| {
            let (a, b) = width(x);
            (
                lo.saturating_add(a),
                hi.and_then(|h| b.and_then(|b| h.checked_add(b))),
            )
        }),
        Node::Alt(v) => {
            let ws: Vec<_> = v.iter().map(width).collect();
            let lo = ws.iter().map(|w| w.0).min().unwrap_or(0);
            let hi = ws.iter().try_fold(0u32, |m, w| w.1.map(|h| m.max(h)));
            (lo, hi)
        }
        Node::Repeat { node, min, max, .. } => {
            let (a, b) = width(node);
            let hi = if *max == INF {
                if b == Some(0) {
                    Some(0)
                } else {
                    None
                }
            } else {
                b.and_then(|b| b.checked_mul(*max))
            };
            (a.saturating_mul(*min), hi)
        }
        Node::Backref { .. } => (0, None),
        Node::Cond { yes, no, .. } => {
            let (a, b) = width(yes);
            let (c, d) = width(no);
            (a.min(c), b.and_then(|b| d.map(|d| b.max(d))))
        }
    }
}

/// Whether `c` is a word character (`\w`).
#[inline]
pub fn is_word(c: u32, ascii: bool) -> bool {
    if c < 128 {
        let b = c as u8;
        b.is_ascii_alphanumeric() || b == b'_'
    } else {
        !ascii && unicode::in_ranges(unicode::WORD, c)
    }
}

#[inline]
pub fn is_digit_class(c: u32, ascii: bool) -> bool {
    if c < 128 {
        is_digit(c)
    } else {
        !ascii && unicode::in_ranges(unicode::DIGIT, c)
    }
}

#[inline]
pub fn is_space(c: u32, ascii: bool) -> bool {
    if c < 128 {
        matches!(c, 9..=13 | 32) || (!ascii && (0x1c..=0x1f).contains(&c))
    } else {
        !ascii && unicode::in_ranges(unicode::SPACE, c)
    }
}
