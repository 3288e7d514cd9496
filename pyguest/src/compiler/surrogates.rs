//! Lone surrogates in `str` literals (`'\ud800'`, `"\U0000dc80"`).
//!
//! `ruff_python_parser` decodes a literal into a Rust `str`, which cannot hold U+D800..U+DFFF,
//! so it writes U+FFFD for such an escape. The compiler recovers the code points: it scans the
//! literal's source text for the escapes that can yield U+FFFD (`\uXXXX`, `\UXXXXXXXX`,
//! `\N{REPLACEMENT CHARACTER}`, and the character itself) and, in order, pairs each U+FFFD of
//! the decoded value with the code point its escape wrote. A literal whose counts do not agree
//! (which no well-formed literal produces) keeps ruff's value.

/// Appends, for each character of the literal body `body` that decodes to U+FFFD or to a lone
/// surrogate, the code point it decodes to (`raw`: no escapes are processed).
fn fffd_sources(body: &str, raw: bool, out: &mut Vec<u32>) {
    let b: Vec<char> = body.chars().collect();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == '\\' && !raw && i + 1 < b.len() {
            let digits = match b[i + 1] {
                'u' => 4,
                'U' => 8,
                'N' => {
                    let close = b[i..].iter().position(|&x| x == '}').map(|p| i + p);
                    if let Some(end) = close {
                        let name: String = b[i + 3.min(end - i)..end].iter().collect();
                        if name.eq_ignore_ascii_case("REPLACEMENT CHARACTER") {
                            out.push(0xFFFD);
                        }
                        i = end + 1;
                    } else {
                        i += 2;
                    }
                    continue;
                }
                _ => {
                    // every other escape (`\\`, `\x..`, octal, `\n`, ...) stays below U+0200
                    i += 2;
                    continue;
                }
            };
            let hex: String = b[i + 2..(i + 2 + digits).min(b.len())].iter().collect();
            if let Ok(n) = u32::from_str_radix(&hex, 16) {
                if n == 0xFFFD || (0xD800..0xE000).contains(&n) {
                    out.push(n);
                }
            }
            i += 2 + digits;
            continue;
        }
        if c == '\u{fffd}' {
            out.push(0xFFFD);
        }
        i += 1;
    }
}

/// The body of a quoted literal's source (`u'...'`, `"""..."""`) and whether it is raw.
fn literal_body(src: &str) -> Option<(&str, bool)> {
    let prefix = src.find(['\'', '"'])?;
    let raw = src[..prefix].contains(['r', 'R']);
    let rest = &src[prefix..];
    let q = if rest.starts_with("'''") || rest.starts_with("\"\"\"") {
        3
    } else {
        1
    };
    if rest.len() < 2 * q {
        return None;
    }
    Some((&rest[q..rest.len() - q], raw))
}

/// Accumulates the U+FFFD sources of a literal's parts.
#[derive(Default)]
pub struct Surrogates {
    sources: Vec<u32>,
}

impl Surrogates {
    /// A quoted part whose source text (prefix and quotes included) is `src`.
    pub fn quoted(&mut self, src: &str) {
        if let Some((body, raw)) = literal_body(src) {
            fffd_sources(body, raw, &mut self.sources);
        }
    }

    /// The literal text between the replacement fields of an f-string.
    pub fn fstring_text(&mut self, src: &str) {
        fffd_sources(src, false, &mut self.sources);
    }

    /// The code points of the literal whose decoded value is `value`, if it holds a lone
    /// surrogate; `None` to keep `value`.
    pub fn code_points(&self, value: &str) -> Option<Vec<u32>> {
        if !self.sources.iter().any(|&n| n != 0xFFFD) {
            return None;
        }
        if value.chars().filter(|&c| c == '\u{fffd}').count() != self.sources.len() {
            return None;
        }
        let mut k = 0;
        Some(
            value
                .chars()
                .map(|c| {
                    if c == '\u{fffd}' {
                        k += 1;
                        self.sources[k - 1]
                    } else {
                        c as u32
                    }
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cps(src: &str, value: &str) -> Option<Vec<u32>> {
        let mut s = Surrogates::default();
        s.quoted(src);
        s.code_points(value)
    }

    #[test]
    fn surrogate_escapes_are_recovered_in_order() {
        assert_eq!(cps(r"'\ud800'", "\u{fffd}"), Some(vec![0xD800]));
        assert_eq!(
            cps(r"'a\ufffd\udc80\U0000d800'", "a\u{fffd}\u{fffd}\u{fffd}"),
            Some(vec!['a' as u32, 0xFFFD, 0xDC80, 0xD800])
        );
        // a pair written as two escapes stays two code points
        assert_eq!(
            cps(r"'\ud83d\ude00'", "\u{fffd}\u{fffd}"),
            Some(vec![0xD83D, 0xDE00])
        );
    }

    #[test]
    fn raw_and_escaped_backslashes_are_not_escapes() {
        assert_eq!(cps(r"r'\ud800'", r"\ud800"), None);
        assert_eq!(cps(r"'\\ud800'", r"\ud800"), None);
        assert_eq!(cps("'\u{fffd}'", "\u{fffd}"), None);
    }
}
