//! Unit tests of the regex engine (parser, compiler, matcher) without the interpreter.

use super::compile_pattern;
use super::engine::Matcher;
use super::parser::{F_IGNORECASE, F_MULTILINE};

fn cps(s: &str) -> Vec<u32> {
    s.chars().map(|c| c as u32).collect()
}

/// Search `pat` in `text`; the spans of all groups (None for unmatched ones).
fn search(pat: &str, flags: u32, text: &str) -> Option<Vec<Option<(usize, usize)>>> {
    let (prog, _) = compile_pattern(&cps(pat), flags, false).expect("pattern compiles");
    let t = cps(text);
    let mut m = Matcher::new(&prog, &t);
    if !m.search(0, false) {
        return None;
    }
    Some((0..=prog.groups).map(|g| m.span(g)).collect())
}

fn whole(pat: &str, text: &str) -> Option<(usize, usize)> {
    search(pat, 0, text).map(|g| g[0].unwrap())
}

/// All non-overlapping matches with Python's empty-match rule.
fn findall(pat: &str, text: &str) -> Vec<(usize, usize)> {
    let (prog, _) = compile_pattern(&cps(pat), 0, false).unwrap();
    let t = cps(text);
    let mut m = Matcher::new(&prog, &t);
    let (mut pos, mut adv, mut out) = (0, false, Vec::new());
    while pos <= t.len() && m.search(pos, adv) {
        let (s, e) = m.span(0).unwrap();
        out.push((s, e));
        adv = s == e;
        pos = e;
    }
    out
}

#[test]
fn empty_matches_follow_python_rules() {
    // re.finditer('x*', 'abxd'): empty, empty, 'x', empty (after x), empty at end
    assert_eq!(
        findall("x*", "abxd"),
        vec![(0, 0), (1, 1), (2, 3), (3, 3), (4, 4)]
    );
    // an empty match at a position is refused only when the previous match was empty there
    assert_eq!(findall("x*|a", "a"), vec![(0, 0), (0, 1), (1, 1)]);
}

#[test]
fn greedy_lazy_and_backtracking_into_groups() {
    assert_eq!(whole("a.*b", "aXbYb"), Some((0, 5)));
    assert_eq!(whole("a.*?b", "aXbYb"), Some((0, 3)));
    // backtracking into a group repetition to let the tail match
    let g = search("(a|ab)(c|bcd)(d*)", 0, "abcd").unwrap();
    assert_eq!(
        g,
        vec![Some((0, 4)), Some((0, 1)), Some((1, 4)), Some((4, 4))]
    );
    // captures come from the last iteration
    let g = search("(?:(a)|(b))+", 0, "ab").unwrap();
    assert_eq!(g, vec![Some((0, 2)), Some((0, 1)), Some((1, 2))]);
    // counted repeat of a group, lazy
    assert_eq!(whole("(ab){2,3}?", "abababab"), Some((0, 4)));
    assert_eq!(whole("(ab){2,3}", "abababab"), Some((0, 6)));
}

#[test]
fn nested_quantifiers_terminate() {
    // empty iterations stop the loop; the group keeps the empty last iteration like CPython
    let g = search("(a|)*", 0, "aa").unwrap();
    assert_eq!(g, vec![Some((0, 2)), Some((2, 2))]);
    assert_eq!(whole("(a*)*b", "aaab"), Some((0, 4)));
    assert_eq!(whole("(?:a*)+$", "aaa"), Some((0, 3)));
    // deep subject: no native stack overflow
    let long = "ab".repeat(200_000);
    assert_eq!(whole("(?:a|b)*$", &long), Some((0, 400_000)));
}

#[test]
fn lookaround_and_backrefs() {
    assert_eq!(whole("(?<=\\$)\\d+", "cost: $42"), Some((7, 9)));
    assert_eq!(whole("(?<!\\$)\\b\\d+", "$42 and 17"), Some((8, 10)));
    assert_eq!(whole("\\w+(?=!)", "hi there!"), Some((3, 8)));
    assert_eq!(whole("\\d+(?!\\d|px)", "12px 34em"), Some((5, 7)));
    assert_eq!(whole("(\\w)\\1", "abccd"), Some((2, 4)));
    assert_eq!(
        whole("(?P<q>['\"]).*?(?P=q)", "say \"hi\" now"),
        Some((4, 8))
    );
    // a lookahead's captures stay set
    let g = search("(?=(\\w+))\\w", 0, "abc").unwrap();
    assert_eq!(g[1], Some((0, 3)));
    // backreference to an unmatched group fails
    assert_eq!(whole("(a)?b\\1", "b"), None);
}

#[test]
fn case_insensitive_classes_and_anchors() {
    assert!(search("[a-z]+", F_IGNORECASE, "HELLO").is_some());
    assert_eq!(search("[^a-z]", F_IGNORECASE, "Q"), None);
    assert!(search("straße", F_IGNORECASE, "STRAßE").is_some());
    assert!(search("(\\w+) \\1", F_IGNORECASE, "Hello hello").is_some());
    assert_eq!(search("^b", 0, "a\nb"), None);
    assert!(search("^b$", F_MULTILINE, "a\nb\nc").is_some());
    assert_eq!(whole("a$", "a\n"), Some((0, 1)));
    assert_eq!(whole("a\\Z", "a\n"), None);
    assert_eq!(whole("\\bis\\b", "this is"), Some((5, 7)));
    assert_eq!(whole("\\d+", "x ٣٤ 5"), Some((2, 4)));
}

#[test]
fn atomic_and_possessive() {
    assert_eq!(whole("(?>a+)b", "aaab"), Some((0, 4)));
    assert_eq!(whole("(?>a+)a", "aaa"), None);
    assert_eq!(whole("a++a", "aaa"), None);
    assert_eq!(whole("(a)?(?(1)b|c)", "c"), Some((0, 1)));
    assert_eq!(whole("(a)?(?(1)b|c)", "ab"), Some((0, 2)));
    assert_eq!(whole("(a)?(?(1)b|c)", "ac"), Some((1, 2)));
}

#[test]
fn parse_errors_match_cpython() {
    let e = |p: &str| compile_pattern(&cps(p), 0, false).unwrap_err();
    let err = e("(ab");
    assert_eq!(
        (err.msg.as_str(), err.pos),
        ("missing ), unterminated subpattern", 0)
    );
    let err = e("ab)");
    assert_eq!((err.msg.as_str(), err.pos), ("unbalanced parenthesis", 2));
    assert_eq!(e("*a").msg, "nothing to repeat");
    assert_eq!(e("a**").msg, "multiple repeat");
    assert_eq!(e("[a-").msg, "unterminated character set");
    assert_eq!(e("[z-a]").msg, "bad character range z-a");
    assert_eq!(e("\\q").msg, "bad escape \\q");
    assert_eq!(
        e("(?<=a+)b").msg,
        "look-behind requires fixed-width pattern"
    );
    assert_eq!(e("(a)\\2").msg, "invalid group reference 2");
    assert_eq!(e("a{3,2}").msg, "min repeat greater than max repeat");
}
