//! The trace text format: [`print`] and [`parse`] (they round-trip; see the tests).
//!
//! ```text
//! [i0, p1]                                   # inputs (always the first line)
//! debug_merge_point(0, 17, descr="pc 17")
//! label(i0, p1, descr=target3)
//! i4 = int_add(i0, 1)
//! i5 = int_lt(i4, 100)
//! guard_true(i5) [0@17: i4, p1; 2@3: 5]      # snapshot frames, outermost first: jitcode@pc: values
//! f6 = load_f(p1, 16, descr=f64)
//! i7 = load_idx_i(p1, i4, 8, descr=u8x1)     # base + index*1 + 8, zero-extended byte
//! i8 = call_i(0x55d0c0de1234, i4, f6, descr=call(i f)->i "helper")
//! jump(i4, p1, descr=target3)
//! ```
//!
//! A snapshot frame that holds many zero constants (the tracer zeroes every dead register of
//! a frame) prints in a sparse form that lists only the other values by register number:
//! `[0@23/130: r0=ptr(0x7f00), r1=p0, r7=i1]` is a frame of 130 values, all 0 but r0, r1 and
//! r7. Omitted values parse back as the integer `0` (resuming uses their bits, which are 0
//! whatever the kind).
//!
//! Values are named by kind letter (`i` int, `f` float, `p` ref) and op position; the printer
//! always uses positions, the parser accepts any numbering (so printed text is canonical).
//! Constants: decimal or `0x` hex ints, floats as Rust prints them (`1.5`, `-0.0`, `inf`, `NaN`,
//! `1e300`), refs as `ptr(0x1000)`. Memory descrs: `i8 u8 i16 u16 i32 u32 i64 u64 f64 ref`, with
//! `xN` for the index stride. `#` starts a comment.

use super::entity::{FrameId, OpRef, TargetToken, VirtId};
use super::ops::{Kind, Opcode};
use super::trace::{
    AllocDescr, CallDescr, Descr, MemDescr, MemType, Trace, TraceBuilder, VField, Value,
};
use std::collections::HashMap;
use std::fmt::{self, Write};

/// Print a trace in the text format.
pub fn print(t: &Trace) -> String {
    let mut s = String::new();
    let _ = write_trace(&mut s, t);
    s
}

impl fmt::Display for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_trace(f, self)
    }
}

/// Print one operand (name or constant).
pub fn operand(t: &Trace, r: OpRef) -> String {
    let mut s = String::new();
    let _ = write_operand(&mut s, t, r);
    s
}

fn write_operand(w: &mut dyn Write, t: &Trace, r: OpRef) -> fmt::Result {
    match t.const_value(r) {
        Some(v) => write_value(w, v),
        None => match r.as_op() {
            Some(i) => match t.kind(r).prefix() {
                Some(c) => write!(w, "{c}{i}"),
                None => write!(w, "?void{i}"),
            },
            None => write!(w, "?const{}", r.raw() & 0x7fff_ffff),
        },
    }
}

/// Print a constant value in the text format.
pub fn write_value(w: &mut dyn Write, v: Value) -> fmt::Result {
    match v {
        Value::Int(i) if i.unsigned_abs() >= 1 << 32 => {
            if i < 0 {
                write!(w, "-{:#x}", i.unsigned_abs())
            } else {
                write!(w, "{i:#x}")
            }
        }
        Value::Int(i) => write!(w, "{i}"),
        Value::Float(f) => write!(w, "{f:?}"),
        Value::Ref(p) => write!(w, "ptr({p:#x})"),
    }
}

fn write_trace(w: &mut dyn Write, t: &Trace) -> fmt::Result {
    let n = t.num_inputs();
    w.write_str("[")?;
    for i in 0..n {
        if i > 0 {
            w.write_str(", ")?;
        }
        write_operand(w, t, OpRef::op(i))?;
    }
    w.write_str("]\n")?;
    for i in n..t.len() {
        write_op(w, t, i)?;
        w.write_str("\n")?;
    }
    Ok(())
}

/// Print op `i` (one line, no newline).
pub fn op_to_string(t: &Trace, i: usize) -> String {
    let mut s = String::new();
    let _ = write_op(&mut s, t, i);
    s
}

fn write_op(w: &mut dyn Write, t: &Trace, i: usize) -> fmt::Result {
    let op = t.op(i);
    if op.kind() != Kind::Void {
        write_operand(w, t, OpRef::op(i))?;
        w.write_str(" = ")?;
    }
    write!(w, "{}(", op.opcode.name())?;
    let mut first = true;
    for &a in t.args(i) {
        if !first {
            w.write_str(", ")?;
        }
        first = false;
        write_operand(w, t, a)?;
    }
    if let Some(d) = op.descr() {
        if !first {
            w.write_str(", ")?;
        }
        match t.descrs().get(d.index()) {
            Some(descr) => write!(w, "descr={descr}")?,
            None => write!(w, "descr=?{d}")?,
        }
    }
    w.write_str(")")?;
    if let Some(s) = op.snapshot() {
        if s.index() >= t.snapshots().len() {
            return write!(w, " [?{s}]");
        }
        w.write_str(" [")?;
        // virtual objects are numbered per snapshot, by first appearance
        let mut virts: Vec<VirtId> = Vec::new();
        for f in t.snapshot_frames(s) {
            t.virtuals_in(t.frame_values(f), &mut virts);
        }
        let write_snap_value = |w: &mut dyn Write, v: OpRef| -> fmt::Result {
            match v.as_virt() {
                Some(x) => write!(
                    w,
                    "v{}",
                    virts.iter().position(|&y| y == x).unwrap_or(usize::MAX)
                ),
                None => write_operand(w, t, v),
            }
        };
        for (k, f) in t.snapshot_frames(s).into_iter().enumerate() {
            if k > 0 {
                w.write_str("; ")?;
            }
            let fr = t.frame(f);
            let vals = t.frame_values(f);
            let zeros = vals.iter().filter(|&&v| is_zero(t, v)).count();
            if t.frame_regs(f).is_some() || zeros >= SPARSE_MIN_ZEROS {
                // sparse: `j@pc/len: r3=i7, r9=5`, every register not listed is 0 (a sparse
                // frame's dead registers, and a dense frame's zero constants)
                let (slots, n) = t.frame_slots(f);
                write!(w, "{}@{}/{}:", fr.jitcode, fr.pc, n)?;
                let mut first = true;
                for (r, v) in slots {
                    if is_zero(t, v) {
                        continue;
                    }
                    w.write_str(if first { " " } else { ", " })?;
                    first = false;
                    write!(w, "r{r}=")?;
                    write_snap_value(w, v)?;
                }
            } else {
                write!(w, "{}@{}:", fr.jitcode, fr.pc)?;
                for (j, &v) in vals.iter().enumerate() {
                    w.write_str(if j == 0 { " " } else { ", " })?;
                    write_snap_value(w, v)?;
                }
            }
        }
        // `| v0=alloc(24){0:i64=i5, 8:ref=v1}, v1=...`
        for (k, &x) in virts.iter().enumerate() {
            let o = t.virtual_obj(x);
            w.write_str(if k == 0 { " | " } else { ", " })?;
            write!(w, "v{k}={}{{", o.alloc)?;
            for (j, fl) in o.fields.iter().enumerate() {
                if j > 0 {
                    w.write_str(", ")?;
                }
                write!(w, "{}:{}=", fl.offset, fl.descr)?;
                write_snap_value(w, fl.value)?;
            }
            w.write_str("}")?;
        }
        w.write_str("]")?;
    }
    Ok(())
}

/// The largest sparse frame the parser accepts (a bound on what one line can allocate).
const MAX_SPARSE_FRAME: usize = 1 << 16;

/// A snapshot frame with at least this many zero constants prints in the sparse form.
const SPARSE_MIN_ZEROS: usize = 8;

/// Whether `v` is a constant whose bits are all zero (`0`, `0.0`, `ptr(0x0)`): the value of
/// every dead register in a snapshot (the tracer zeroes them), and what the sparse frame form
/// leaves out.
fn is_zero(t: &Trace, v: OpRef) -> bool {
    t.const_value(v).is_some_and(|c| c.to_bits() == 0)
}

// ------------------------------------------------------------------------------------------
// Parsing

/// A parse error with its 1-based line number.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ParseError {
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub msg: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.msg)
    }
}

impl std::error::Error for ParseError {}

#[derive(Clone, PartialEq, Debug)]
enum Tok {
    Ident(String),
    Num(String),
    Str(String),
    Punct(char),
    Arrow,
}

fn tokenize(line: &str) -> Result<Vec<Tok>, String> {
    let cs: Vec<char> = line.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < cs.len() {
        let c = cs[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '#' {
            break;
        } else if c == '-' && cs.get(i + 1) == Some(&'>') {
            out.push(Tok::Arrow);
            i += 2;
        } else if c.is_ascii_digit()
            || (c == '-' && cs.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            let start = i;
            i += 1;
            while i < cs.len() {
                let d = cs[i];
                let prev = cs[i - 1];
                let exp_sign = (d == '-' || d == '+')
                    && (prev == 'e' || prev == 'E')
                    && !cs[start..i].contains(&'x');
                if d.is_ascii_alphanumeric() || d == '.' || d == '_' || exp_sign {
                    i += 1;
                } else {
                    break;
                }
            }
            out.push(Tok::Num(cs[start..i].iter().collect()));
        } else if c == '-' && cs.get(i + 1).is_some_and(|d| d.is_ascii_alphabetic()) {
            // -inf
            let start = i;
            i += 1;
            while i < cs.len() && cs[i].is_ascii_alphanumeric() {
                i += 1;
            }
            out.push(Tok::Num(cs[start..i].iter().collect()));
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < cs.len() && (cs[i].is_ascii_alphanumeric() || cs[i] == '_') {
                i += 1;
            }
            out.push(Tok::Ident(cs[start..i].iter().collect()));
        } else if c == '"' {
            i += 1;
            let mut s = String::new();
            loop {
                match cs.get(i) {
                    None => return Err("unterminated string".into()),
                    Some('"') => {
                        i += 1;
                        break;
                    }
                    Some('\\') => {
                        let e = cs.get(i + 1).copied().ok_or("unterminated escape")?;
                        i += 2;
                        match e {
                            'n' => s.push('\n'),
                            't' => s.push('\t'),
                            'r' => s.push('\r'),
                            '0' => s.push('\0'),
                            '\\' | '"' | '\'' => s.push(e),
                            'u' => {
                                // \u{XXXX}
                                if cs.get(i) != Some(&'{') {
                                    return Err("bad \\u escape".into());
                                }
                                let end = (i..cs.len())
                                    .find(|&k| cs[k] == '}')
                                    .ok_or("bad \\u escape")?;
                                let hex: String = cs[i + 1..end].iter().collect();
                                let ch = u32::from_str_radix(&hex, 16)
                                    .ok()
                                    .and_then(char::from_u32)
                                    .ok_or("bad \\u escape")?;
                                s.push(ch);
                                i = end + 1;
                            }
                            other => return Err(format!("unknown escape \\{other}")),
                        }
                    }
                    Some(&ch) => {
                        s.push(ch);
                        i += 1;
                    }
                }
            }
            out.push(Tok::Str(s));
        } else if "()[],=:;@/|{}".contains(c) {
            out.push(Tok::Punct(c));
            i += 1;
        } else {
            return Err(format!("unexpected character {c:?}"));
        }
    }
    Ok(out)
}

/// Frames already parsed, keyed by content (parent, jitcode, pc, sparse register count,
/// registers, values), so equal frame chains are shared.
type FrameMap = HashMap<
    (
        Option<FrameId>,
        u32,
        u32,
        Option<usize>,
        Vec<u32>,
        Vec<OpRef>,
    ),
    FrameId,
>;

struct LineParser<'a> {
    toks: Vec<Tok>,
    pos: usize,
    /// Virtual objects named in this line's snapshot (`v0`...), and whether defined.
    virts: Vec<(String, OpRef, bool)>,
    b: &'a mut TraceBuilder,
    names: &'a HashMap<String, OpRef>,
    frames: &'a mut FrameMap,
}

impl LineParser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(&Tok::Punct(c)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(format!("expected '{c}', found {}", self.describe()))
        }
    }

    fn describe(&self) -> String {
        match self.peek() {
            None => "end of line".into(),
            Some(Tok::Ident(s)) | Some(Tok::Num(s)) => format!("'{s}'"),
            Some(Tok::Str(s)) => format!("{s:?}"),
            Some(Tok::Punct(c)) => format!("'{c}'"),
            Some(Tok::Arrow) => "'->'".into(),
        }
    }

    fn u32_num(&mut self) -> Result<u32, String> {
        match self.next() {
            Some(Tok::Num(s)) => s
                .parse::<u32>()
                .map_err(|_| format!("expected a u32, found '{s}'")),
            _ => Err("expected a number".into()),
        }
    }

    /// An operand: a value name or a constant.
    fn operand(&mut self) -> Result<OpRef, String> {
        match self.next() {
            Some(Tok::Ident(s)) if s == "ptr" => {
                self.expect('(')?;
                let v = match self.next() {
                    Some(Tok::Num(n)) => parse_int(&n).ok_or(format!("bad address '{n}'"))?,
                    _ => return Err("expected an address in ptr(...)".into()),
                };
                self.expect(')')?;
                Ok(self.b.const_ref(v as usize))
            }
            Some(Tok::Ident(s)) if s == "inf" || s == "NaN" => Ok(self
                .b
                .const_float(if s == "inf" { f64::INFINITY } else { f64::NAN })),
            Some(Tok::Ident(s)) => self
                .names
                .get(&s)
                .copied()
                .ok_or_else(|| format!("undefined value '{s}'")),
            Some(Tok::Num(s)) => {
                if let Some(i) = parse_int(&s) {
                    Ok(self.b.const_int(i))
                } else if let Ok(f) = s.parse::<f64>() {
                    Ok(self.b.const_float(f))
                } else {
                    Err(format!("bad number '{s}'"))
                }
            }
            _ => Err(format!("expected a value, found {}", {
                self.pos -= 1;
                self.describe()
            })),
        }
    }

    fn descr(&mut self) -> Result<Descr, String> {
        match self.next() {
            Some(Tok::Str(s)) => Ok(Descr::Text(s)),
            Some(Tok::Ident(s)) if s == "call" => {
                self.expect('(')?;
                let mut args = Vec::new();
                while !self.eat(')') {
                    match self.next() {
                        Some(Tok::Ident(k)) => {
                            for c in k.chars() {
                                let kind = Kind::from_letter(c)
                                    .filter(|k| *k != Kind::Void)
                                    .ok_or(format!("bad argument kind '{c}' in call descr"))?;
                                args.push(kind);
                            }
                        }
                        _ => return Err("expected argument kinds (i f r) in call descr".into()),
                    }
                }
                if self.next() != Some(Tok::Arrow) {
                    return Err("expected '->' in call descr".into());
                }
                let ret = match self.next() {
                    Some(Tok::Ident(k)) if k.len() == 1 => {
                        Kind::from_letter(k.chars().next().unwrap_or('?'))
                            .ok_or(format!("bad result kind '{k}'"))?
                    }
                    _ => return Err("expected result kind (i f r n) in call descr".into()),
                };
                let name = match self.peek() {
                    Some(Tok::Str(s)) => {
                        let s = s.clone();
                        self.pos += 1;
                        s
                    }
                    _ => String::new(),
                };
                let readonly = matches!(self.peek(), Some(Tok::Ident(s)) if s == "readonly");
                if readonly {
                    self.pos += 1;
                }
                Ok(Descr::Call(CallDescr {
                    args,
                    ret,
                    name,
                    readonly,
                }))
            }
            Some(Tok::Ident(s)) if s == "alloc" => {
                self.expect('(')?;
                let size = self.u32_num()?;
                let header = if self.eat(',') {
                    match self.next() {
                        Some(Tok::Num(n)) => {
                            parse_int(&n).ok_or(format!("bad header word '{n}'"))? as u64
                        }
                        _ => return Err("expected a header word in alloc(size, header)".into()),
                    }
                } else {
                    0
                };
                self.expect(')')?;
                Ok(Descr::Alloc(AllocDescr { size, header }))
            }
            Some(Tok::Ident(s)) => {
                if let Some(t) = TargetToken::parse(&s) {
                    TargetToken::reserve(t);
                    return Ok(Descr::Target(t));
                }
                parse_mem_descr(&s)
                    .map(Descr::Mem)
                    .ok_or_else(|| format!("unknown descr '{s}'"))
            }
            _ => Err("expected a descr".into()),
        }
    }

    /// `[j@pc: v, v; j@pc/len: r1=v; j@pc: v]`; the opening bracket is already eaten. A
    /// sparse frame (`/len`) lists `rN=value` for some of its `len` values; the others are 0.
    fn snapshot(&mut self) -> Result<FrameId, String> {
        let mut parent: Option<FrameId> = None;
        loop {
            let jitcode = self.u32_num()?;
            self.expect('@')?;
            let pc = self.u32_num()?;
            let sparse_len = if self.eat('/') {
                Some(self.u32_num()? as usize)
            } else {
                None
            };
            self.expect(':')?;
            let mut values = Vec::new();
            let mut regs: Vec<u32> = Vec::new();
            if let Some(len) = sparse_len {
                if len > MAX_SPARSE_FRAME {
                    return Err(format!(
                        "frame of {len} values (at most {MAX_SPARSE_FRAME})"
                    ));
                }
            }
            if !matches!(
                self.peek(),
                Some(Tok::Punct(';')) | Some(Tok::Punct(']')) | Some(Tok::Punct('|'))
            ) {
                loop {
                    match sparse_len {
                        None => values.push(self.snap_operand()?),
                        Some(len) => {
                            let reg = match self.next() {
                                Some(Tok::Ident(r)) => r
                                    .strip_prefix('r')
                                    .and_then(|n| n.parse::<usize>().ok())
                                    .ok_or(format!("expected `rN=value`, found '{r}'"))?,
                                _ => return Err("expected `rN=value` in a sparse frame".into()),
                            };
                            if reg >= len {
                                return Err(format!("r{reg} is outside a frame of {len} values"));
                            }
                            if regs.contains(&(reg as u32)) {
                                return Err(format!("r{reg} is listed twice"));
                            }
                            self.expect('=')?;
                            regs.push(reg as u32);
                            values.push(self.snap_operand()?);
                        }
                    }
                    if !self.eat(',') {
                        break;
                    }
                }
            }
            // a sparse frame keeps its listed registers, ascending (the others are 0)
            if sparse_len.is_some() {
                let mut pairs: Vec<(u32, OpRef)> = regs.iter().copied().zip(values).collect();
                pairs.sort_by_key(|p| p.0);
                regs = pairs.iter().map(|p| p.0).collect();
                values = pairs.iter().map(|p| p.1).collect();
            }
            let key = (parent, jitcode, pc, sparse_len, regs, values);
            let f = match self.frames.get(&key) {
                Some(&f) => f,
                None => {
                    let f = match key.3 {
                        Some(n) => self
                            .b
                            .sparse_frame(key.0, key.1, key.2, n as u32, &key.4, &key.5),
                        None => self.b.frame(key.0, key.1, key.2, &key.5),
                    };
                    self.frames.insert(key, f);
                    f
                }
            };
            parent = Some(f);
            if self.eat('|') {
                self.virtual_defs()?;
            }
            if self.eat(']') {
                if let Some((n, _, _)) = self.virts.iter().find(|v| !v.2) {
                    return Err(format!(
                        "virtual object '{n}' is not defined (add `| {n}=alloc(N){{...}}`)"
                    ));
                }
                return Ok(f);
            }
            self.expect(';')?;
        }
    }

    /// A snapshot value: an operand or a virtual object's name (`v3`).
    fn snap_operand(&mut self) -> Result<OpRef, String> {
        if let Some(Tok::Ident(n)) = self.peek() {
            if is_virt_name(n) {
                let n = n.clone();
                self.pos += 1;
                return Ok(self.virt_named(&n));
            }
        }
        self.operand()
    }

    fn virt_named(&mut self, n: &str) -> OpRef {
        if let Some(v) = self.virts.iter().find(|v| v.0 == n) {
            return v.1;
        }
        let r = self.b.new_virtual(AllocDescr { size: 0, header: 0 });
        self.virts.push((n.to_string(), r, false));
        r
    }

    /// `v0=alloc(24){0:i64=i5, 8:ref=v1}, v1=...` (after `|`).
    fn virtual_defs(&mut self) -> Result<(), String> {
        loop {
            let name = match self.next() {
                Some(Tok::Ident(n)) if is_virt_name(&n) => n,
                _ => return Err("expected a virtual object definition `vN=alloc(..){..}`".into()),
            };
            self.expect('=')?;
            let alloc = match self.descr()? {
                Descr::Alloc(a) => a,
                _ => return Err(format!("virtual '{name}' needs an alloc shape (alloc(24))")),
            };
            self.expect('{')?;
            let mut fields = Vec::new();
            if !self.eat('}') {
                loop {
                    let off = match self.next() {
                        Some(Tok::Num(n)) => parse_int(&n)
                            .and_then(|x| i32::try_from(x).ok())
                            .ok_or(format!("bad field offset '{n}'"))?,
                        _ => return Err("expected `offset:type=value` in a virtual".into()),
                    };
                    self.expect(':')?;
                    let descr = match self.next() {
                        Some(Tok::Ident(d)) => parse_mem_descr(&d)
                            .filter(|m| m.scale == 0)
                            .ok_or(format!("bad field type '{d}'"))?,
                        _ => return Err("expected a field type (i64, f64, ref, ...)".into()),
                    };
                    self.expect('=')?;
                    let value = self.snap_operand()?;
                    fields.push(VField {
                        offset: off,
                        descr,
                        value,
                    });
                    if self.eat('}') {
                        break;
                    }
                    self.expect(',')?;
                }
            }
            let v = self.virt_named(&name);
            let e = self
                .virts
                .iter_mut()
                .find(|v| v.0 == name)
                .expect("just named");
            if e.2 {
                return Err(format!("virtual '{name}' defined twice"));
            }
            e.2 = true;
            self.b.set_virtual(v, alloc, fields);
            if !self.eat(',') {
                return Ok(());
            }
        }
    }
}

fn is_virt_name(n: &str) -> bool {
    n.len() > 1 && n.starts_with('v') && n[1..].bytes().all(|b| b.is_ascii_digit())
}

fn parse_int(s: &str) -> Option<i64> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let mag: u64 = if let Some(h) = body.strip_prefix("0x") {
        u64::from_str_radix(h, 16).ok()?
    } else if body.bytes().all(|b| b.is_ascii_digit()) && !body.is_empty() {
        body.parse::<u64>().ok()?
    } else {
        return None;
    };
    if neg {
        if mag > 1u64 << 63 {
            None
        } else {
            Some((mag as i64).wrapping_neg())
        }
    } else {
        Some(mag as i64) // large hex values wrap into negative ints, as printed addresses do
    }
}

fn parse_mem_descr(s: &str) -> Option<MemDescr> {
    let (s, vable, item) = if let Some(rest) = s.strip_prefix("vitem_") {
        (rest, true, true)
    } else if let Some(rest) = s.strip_prefix("vable_") {
        (rest, true, false)
    } else {
        (s, false, false)
    };
    let (ty, scale) = match s.find('x') {
        Some(k) => (&s[..k], s[k + 1..].parse::<u32>().ok()?),
        None => (s, 0),
    };
    let ty = match ty {
        "f64" => MemType::F64,
        "ref" => MemType::Ref,
        _ => {
            let signed = match ty.as_bytes().first()? {
                b'i' => true,
                b'u' => false,
                _ => return None,
            };
            let size = match &ty[1..] {
                "8" => 1,
                "16" => 2,
                "32" => 4,
                "64" => 8,
                _ => return None,
            };
            MemType::Int { size, signed }
        }
    };
    Some(MemDescr {
        ty,
        scale,
        vable,
        item,
        class: 0,
    })
}

/// Parse a trace from text. The result is not verified; call [`super::verify`].
pub fn parse(text: &str) -> Result<Trace, ParseError> {
    let mut b = TraceBuilder::new();
    let mut names: HashMap<String, OpRef> = HashMap::new();
    let mut frames = HashMap::new();
    let mut seen_header = false;
    for (lineno, line) in text.lines().enumerate() {
        let err = |msg: String| ParseError {
            line: lineno + 1,
            msg,
        };
        let toks = tokenize(line).map_err(err)?;
        if toks.is_empty() {
            continue;
        }
        if !seen_header {
            seen_header = true;
            if toks.first() != Some(&Tok::Punct('[')) {
                return Err(err(
                    "a trace starts with its input list, e.g. `[i0, p1]` or `[]`".into(),
                ));
            }
            let mut k = 1;
            loop {
                match toks.get(k) {
                    Some(Tok::Punct(']')) if k == toks.len() - 1 => break,
                    Some(Tok::Ident(name)) => {
                        let kind =
                            name.chars()
                                .next()
                                .and_then(Kind::from_prefix)
                                .ok_or_else(|| {
                                    err(format!("input '{name}' must start with i, f or p"))
                                })?;
                        if names.contains_key(name) {
                            return Err(err(format!("input '{name}' defined twice")));
                        }
                        let r = b.input(kind);
                        names.insert(name.clone(), r);
                        k += 1;
                        match toks.get(k) {
                            Some(Tok::Punct(',')) => k += 1,
                            Some(Tok::Punct(']')) => {}
                            _ => return Err(err("expected ',' or ']' in the input list".into())),
                        }
                    }
                    _ => return Err(err("malformed input list".into())),
                }
            }
            continue;
        }
        // [name =] opname(args) [snapshot]
        let mut result_name = None;
        let mut pos = 0;
        if toks.get(1) == Some(&Tok::Punct('=')) {
            match &toks[0] {
                Tok::Ident(n) => result_name = Some(n.clone()),
                _ => return Err(err("expected a value name before '='".into())),
            }
            pos = 2;
        }
        let opname = match toks.get(pos) {
            Some(Tok::Ident(n)) => n.clone(),
            _ => return Err(err("expected an op name".into())),
        };
        let opcode =
            Opcode::from_name(&opname).ok_or_else(|| err(format!("unknown op '{opname}'")))?;
        let (args, descr, top) = {
            let mut p = LineParser {
                toks,
                pos: pos + 1,
                virts: Vec::new(),
                b: &mut b,
                names: &names,
                frames: &mut frames,
            };
            p.expect('(').map_err(err)?;
            let mut args = Vec::new();
            let mut descr = None;
            if !p.eat(')') {
                loop {
                    if p.peek() == Some(&Tok::Ident("descr".into()))
                        && p.toks.get(p.pos + 1) == Some(&Tok::Punct('='))
                    {
                        p.pos += 2;
                        descr = Some(p.descr().map_err(err)?);
                    } else {
                        if descr.is_some() {
                            return Err(err("descr= must be the last argument".into()));
                        }
                        args.push(p.operand().map_err(err)?);
                    }
                    if p.eat(')') {
                        break;
                    }
                    p.expect(',').map_err(err)?;
                }
            }
            let top = if p.eat('[') {
                Some(p.snapshot().map_err(err)?)
            } else {
                None
            };
            if p.peek().is_some() {
                return Err(err(format!("unexpected {} after the op", p.describe())));
            }
            (args, descr, top)
        };
        let d = descr.map(|d| b.descr(d));
        let s = top.map(|f| b.snapshot(f));
        let r = b.push(opcode, &args, d, s);
        match (result_name, opcode.result()) {
            (Some(n), Kind::Void) => {
                return Err(err(format!(
                    "{opname} has no result, but it is named '{n}'"
                )))
            }
            (Some(n), k) => {
                if n.chars().next().and_then(Kind::from_prefix) != Some(k) {
                    return Err(err(format!(
                        "{opname} produces a {k:?} value: its name must start with '{}', not '{n}'",
                        k.prefix().unwrap_or('?')
                    )));
                }
                if names.insert(n.clone(), r).is_some() {
                    return Err(err(format!("value '{n}' defined twice")));
                }
            }
            (None, Kind::Void) => {}
            (None, k) => {
                return Err(err(format!(
                    "{opname} produces a {k:?} value: write `{}N = {opname}(...)`",
                    k.prefix().unwrap_or('?')
                )))
            }
        }
    }
    if !seen_header {
        return Err(ParseError {
            line: 1,
            msg: "empty trace text (expected an input list like `[i0]`)".into(),
        });
    }
    Ok(b.build())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
[i0, p1, f2]
debug_merge_point(0, 17, descr=\"pc 17: \\\"add\\\"\")
label(i0, p1, f2, descr=target3)
i5 = int_add(i0, 1)
i6 = int_lt(i5, 100)
guard_true(i6) [0@17: i5, p1; 2@3: 5, -1.5]
f8 = load_f(p1, 16, descr=f64)
i9 = load_idx_i(p1, i5, 8, descr=u8x1)
store_idx_f(p1, i5, 0, f8, descr=f64x8)
i11 = call_i(0x55d0c0de1234, i5, f8, descr=call(i f)->i \"helper\")
call_n(4096, descr=call()->n)
p13 = load_r(p1, 0, descr=ref)
guard_nonnull(p13) [0@17: i5; 2@4:]
f15 = float_add(f2, inf)
f16 = float_mul(f15, NaN)
f17 = float_sub(f16, -0.0)
f18 = float_add(f17, 1e300)
i19 = int_add(i11, -0x100000000)
guard_value(p13, ptr(0x1000)) [0@17: i19]
jump(i19, p1, f18, descr=target3)
";

    #[test]
    fn round_trip() {
        let t = parse(SAMPLE).unwrap();
        let printed = print(&t);
        assert_eq!(printed, SAMPLE);
        let t2 = parse(&printed).unwrap();
        assert_eq!(print(&t2), printed);
    }

    #[test]
    fn sparse_frames_list_live_registers_and_resume_the_rest_as_zero() {
        use crate::ir::{verify, Kind, TraceBuilder, Value};
        let mut b = TraceBuilder::new();
        let x = b.input(Kind::Int);
        let one = b.const_int(1);
        let y = b.op(Opcode::IntAdd, &[x, one]);
        let seven = b.const_int(7);
        // a frame of 600 registers of which r3 (x), r4 (7) and r598 (y) are live
        let f = b.sparse_frame(None, 2, 9, 600, &[3, 4, 598], &[x, seven, y]);
        let s = b.snapshot(f);
        b.guard(Opcode::GuardTrue, &[y], s);
        b.finish(&[y]);
        let t = b.build();
        assert!(verify(&t).is_ok(), "{:?}", verify(&t));
        let text = print(&t);
        assert!(text.contains("[2@9/600: r3=i0, r4=7, r598=i1]"), "{text}");
        // the text form parses back to the same sparse frame
        let t2 = parse(&text).unwrap();
        assert_eq!(print(&t2), text);
        let f2 = t2.snapshot_frames(t2.op(t2.guards()[0]).snapshot().unwrap())[0];
        assert_eq!(
            t2.frame_regs(f2).map(|(r, n)| (r.to_vec(), n)),
            Some((vec![3, 4, 598], 600))
        );
        // resuming fills the dead registers with 0
        let frames = t.resume_frames(s, &[10, 11]);
        assert_eq!(frames[0].values.len(), 600);
        assert_eq!(frames[0].values[3], Value::Int(10));
        assert_eq!(frames[0].values[4], Value::Int(7));
        assert_eq!(frames[0].values[598], Value::Int(11));
        assert_eq!(
            frames[0]
                .values
                .iter()
                .filter(|v| **v == Value::Int(0))
                .count(),
            597
        );
        // registers out of order or out of range are rejected
        let mut b = TraceBuilder::new();
        let x = b.input(Kind::Int);
        let f = b.sparse_frame(None, 0, 0, 4, &[2, 1], &[x, x]);
        let s = b.snapshot(f);
        b.guard(Opcode::GuardTrue, &[x], s);
        b.finish(&[x]);
        let err = verify(&b.build()).unwrap_err();
        assert!(
            format!("{err:?}").contains("registers must ascend"),
            "{err:?}"
        );
        assert!(parse("[i0]\nguard_true(i0) [0@0/4: r1=i0, r1=i0]\nfinish(i0)\n").is_err());
    }

    #[test]
    fn renumbers_and_shares_frames() {
        let t = parse(
            "[i5]\ni9 = int_add(i5, 2)\nguard_true(i9) [1@2: i5; 3@4: i9]\nguard_false(i9) [1@2: i5; 3@5:]\nfinish(i9)\n",
        )
        .unwrap();
        assert_eq!(
            print(&t),
            "[i0]\ni1 = int_add(i0, 2)\nguard_true(i1) [1@2: i0; 3@4: i1]\nguard_false(i1) [1@2: i0; 3@5:]\nfinish(i1)\n"
        );
        // the outer frame is stored once
        assert_eq!(t.frames().len(), 3);
    }

    #[test]
    fn the_resume_copy_resumes_like_the_trace() {
        // virtual objects (a cycle), a sparse frame, constants and two guards
        let t = parse(
            "[i0, f1, p2]\np3 = new(descr=alloc(24, 0x1000))\ni4 = int_add(i0, 7)\n\
             guard_true(i4) [0@4: v0, i0; 1@2/9: r3=v1, r4=p2, r6=9 | v0=alloc(24){0:i64=i4, 8:ref=v1}, v1=alloc(16){0:ref=v0, 8:f64=f1}]\n\
             guard_false(i0) [0@5: p3, v0, f1 | v0=alloc(8){}]\nfinish()\n",
        )
        .unwrap();
        let c = t.resume_copy();
        assert_eq!(c.len(), t.len());
        assert_eq!(c.guards(), t.guards());
        for g in t.guards() {
            let s = t.op(g).snapshot().unwrap();
            assert_eq!(c.op(g).snapshot(), Some(s));
            assert_eq!(c.op(g).opcode, t.op(g).opcode);
            assert_eq!(c.exit_refs(s), t.exit_refs(s));
            let kinds = |t: &Trace| {
                t.exit_refs(s)
                    .iter()
                    .map(|r| t.kind(*r))
                    .collect::<Vec<_>>()
            };
            assert_eq!(kinds(&c), kinds(&t));
            assert_eq!(c.resume_layout(s), t.resume_layout(s));
            assert_eq!(c.resume_virtuals(s), t.resume_virtuals(s));
            // (`resume_frames` allocates the virtual objects afresh: same layout checked above)
        }
        assert_eq!(c.num_inputs(), 3);
        // (no arguments are kept)
        assert!(c.args(t.guards()[0]).is_empty());
    }

    #[test]
    fn sparse_frames_list_only_non_zero_values() {
        // a frame with many zeros (dead registers) prints sparse and parses back
        let dense = "[i0, p1]\ni2 = int_add(i0, 1)\nguard_true(i2) [0@5: 0, p1, 0, 0, 0.0, 7, 0, ptr(0x0), 0, 0, 0, i2, 0; 1@2: i0]\nfinish(i2)\n";
        let t = parse(dense).unwrap();
        let printed = print(&t);
        assert!(
            printed.contains("[0@5/13: r1=p1, r5=7, r11=i2; 1@2: i0]"),
            "{printed}"
        );
        let t2 = parse(&printed).unwrap();
        assert_eq!(print(&t2), printed);
        // same resume values (bits), constants and ops alike
        let g = t.guards()[0];
        let g2 = t2.guards()[0];
        let s = t.op(g).snapshot().unwrap();
        let s2 = t2.op(g2).snapshot().unwrap();
        let saved: Vec<u64> = vec![11, 0x1000, 12];
        let bits = |t: &Trace, s| {
            t.resume_frames(s, &saved[..t.exit_refs(s).len()])
                .into_iter()
                .map(|f| f.values.iter().map(|v| v.to_bits()).collect::<Vec<_>>())
                .collect::<Vec<_>>()
        };
        assert_eq!(bits(&t, s), bits(&t2, s2));
        assert_eq!(t.exit_refs(s).len(), t2.exit_refs(s2).len());
        // errors
        assert!(parse("[i0]\nguard_true(i0) [0@1/2: r2=i0]\n")
            .unwrap_err()
            .msg
            .contains("outside a frame of 2"));
        assert!(parse("[i0]\nguard_true(i0) [0@1/2: i0]\n")
            .unwrap_err()
            .msg
            .contains("rN=value"));
        assert!(parse("[i0]\nguard_true(i0) [0@1/99999999: r0=i0]\n").is_err());
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("[i0]\ni1 = int_add(i0, i7)\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.msg.contains("undefined value 'i7'"), "{e}");
        let e = parse("[i0]\nf1 = int_add(i0, 1)\n").unwrap_err();
        assert!(e.msg.contains("must start with 'i'"), "{e}");
        let e = parse("[i0]\ni1 = frobnicate(i0)\n").unwrap_err();
        assert!(e.msg.contains("unknown op"), "{e}");
        let e = parse("i1 = int_add(1, 2)\n").unwrap_err();
        assert!(e.msg.contains("input list"), "{e}");
        let e = parse("[i0]\ni1 = load_i(i0, 0, descr=q12)\n").unwrap_err();
        assert!(e.msg.contains("unknown descr"), "{e}");
        assert!(parse("[i0]\nguard_true(i0) [0@1: i0\n").is_err());
        assert!(parse("[i0]\ni1 = int_add(i0, \"x)\n").is_err());
    }
}
