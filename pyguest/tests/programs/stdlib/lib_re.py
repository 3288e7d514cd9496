# Tests of the re module: expected output produced by CPython 3.11.
import re


def show(label, v):
    print(label, "->", v)


def m_info(m):
    if m is None:
        return None
    return (m.group(0), m.span(), m.groups(), m.lastindex, m.lastgroup)


# ---- basic API
show("match", m_info(re.match(r"ab+", "abbbc")))
show("match fails", re.match(r"b", "abc"))
show("search", m_info(re.search(r"b+", "abbbc")))
show("fullmatch", m_info(re.fullmatch(r"a\w*", "abc")))
show("fullmatch fails", re.fullmatch(r"a\w", "abc"))
show("findall", re.findall(r"\d+", "a1 b22 c333 d"))
show("findall group", re.findall(r"(\w)=\d", "a=1 b=2 c"))
show("findall groups", re.findall(r"(\w)=(\d)?", "a=1 b= c=3"))
show("finditer", [m.span() for m in re.finditer(r"o", "foo boo")])
show("sub", re.sub(r"o+", "0", "foo boo bar"))
show("sub count", re.sub(r"o", "0", "foo boo", count=2))
show("subn", re.subn(r"\s+", "_", "a  b\tc\n d"))
show("split", re.split(r"\W+", "Words, words, words."))
show("split groups", re.split(r"(\W+)", "Words, words, words."))
show("split maxsplit", re.split(r"\W+", "Words, words, words.", maxsplit=1))
show("split optional group", re.split(r"(a)?,", "x,ya,z"))
show("split flags", re.split("[a-f]+", "0a3B9", flags=re.IGNORECASE))
show("escape", re.escape("http://www.python.org/a+b?c=[1](2)"))
show("escape bytes", re.escape(b"a.b"))

# ---- empty-match rules (3.7+)
show("sub empty", re.sub("x*", "-", "abxd"))
show("findall empty", re.findall(r"\b|:+", "a::bc"))
show("split empty", re.split(r"\b", "Words, words"))
show("split empty2", re.split(r"x*", "axbc"))
show("finditer empty", [m.span() for m in re.finditer(r"x*|a", "a")])
show("sub empty alt", re.sub(r"x*|a", "-", "aa"))
show("findall lookahead", re.findall(r"(?=(\w\w))", "abcd"))

# ---- groups
m = re.match(r"(?P<first>\w+) (?P<last>\w+)(?: (\d+))?", "Jane Doe 42 x")
show("group()", m.group())
show("group(1,2)", m.group(1, 2))
show("group names", (m.group("first"), m["last"], m[3]))
show("groupdict", m.groupdict())
show("groups", m.groups())
show("start/end/span", (m.start(2), m.end("last"), m.span(3)))
show("lastindex/lastgroup", (m.lastindex, m.lastgroup))
show("regs", m.regs)
show("string/pos/endpos", (m.string, m.pos, m.endpos, m.re.pattern))
m = re.match(r"(a)(b)?", "ac")
show("unmatched", (m.groups(), m.groups("-"), m.group(2), m.span(2), m.start(2)))
show("groupdict default", re.match(r"(?P<a>x)?(?P<b>y)", "y").groupdict("zz"))
show("lastindex nested", re.match(r"((a)b)", "ab").lastindex)
show("lastindex alt", re.match(r"(a)|(b)", "b").lastindex)
show("lastgroup none", re.match(r"(?P<n>a)(b)", "ab").lastgroup)
show("expand", re.match(r"(\w+) (?P<w>\w+)", "hello world").expand(r"\2-\1 \g<w>! \g<0>"))
show("repr", re.search(r"\d+", "ab 123 cd"))
show("repr bytes", re.search(rb"\d+", b"ab 123 cd"))
try:
    m.group(5)
except IndexError as e:
    show("IndexError", e)
try:
    re.match("(a)", "a").group("nope")
except IndexError as e:
    show("IndexError name", e)
show("bool", bool(re.match("", "")))

# ---- Pattern objects
p = re.compile(r"(?P<key>\w+)\s*=\s*(?P<val>.*)", re.M)
show("pattern attrs", (p.pattern, p.flags, p.groups, p.groupindex))
show("pattern repr", p)
show("pattern repr2", re.compile("a", re.I | re.S | re.X))
show("pattern repr3", re.compile(b"a", re.I))
show("pattern repr4", re.compile("a"))
show("pos endpos", m_info(p.search("  a = 1\nb=2", 3)))
show("endpos", re.compile(r"\w+$").search("abc def", 0, 5))
show("match pos", re.compile("b").match("abc", 1))
show("caret pos", re.compile("^b").search("abc", 1))
show("findall pos", re.compile(r"\d").findall("12345", 1, 3))
show("compile cache", re.compile("x+") is re.compile("x+"))
show("pattern eq", re.compile("x") == re.compile("x"))
show("flags", (re.I, re.M | re.S, int(re.X), re.A, re.U))

# ---- flags
show("I", re.findall(r"[a-c]+", "AbCd", re.I))
show("I literal", re.findall(r"straße", "STRASSE Straße", re.I))
show("M", re.findall(r"^\w+$", "one\ntwo\nthree", re.M))
show("no M", re.findall(r"^\w+$", "one\ntwo"))
show("S", re.match(r"a.b", "a\nb", re.S) is not None)
show("no S", re.match(r"a.b", "a\nb"))
show("X", re.match(r"""
    (\d{3})   # area
    [-\ ]?    # sep
    (\d{4})   # number
""", "555 1234", re.X).groups())
show("X class space", re.findall(r"[ ]x # comment", "a x b x", re.X))
show("A", re.findall(r"\w+", "héllo wörld", re.A))
show("U", re.findall(r"\w+", "héllo wörld", re.U))
show("inline i", re.findall(r"(?i)abc", "ABC abc AbC"))
show("inline scoped", re.findall(r"a(?i:b)c", "abc aBc ABC aBC"))
show("inline off", re.findall(r"(?i)a(?-i:b)c", "ABC AbC abc"))
show("inline s", re.match(r"(?s).+", "a\nb").group())
show("inline x", re.match(r"(?x) a b c ", "abc").group())
show("inline m", re.findall(r"(?m)^x", "x\nx\ny"))
show("inline flags value", re.compile(r"(?im)x").flags)
show("inline ascii", re.compile(r"(?a)\w").flags)

# ---- character classes and escapes
show("classes", re.findall(r"[\d\s]+", "ab 12 3c"))
show("negated", re.findall(r"[^aeiou\s]+", "hello world"))
show("D W S", re.findall(r"\D\W\S", "a!b1.c"))
show("range", re.findall(r"[a-fA-F0-9]+", "0xDEADbeef zz 42"))
show("class special", re.findall(r"[]\-^]", "a]b-c^d"))
show("class escape", re.findall(r"[\]\\.]", r"a]b\c.d"))
show("word boundary", re.findall(r"\bcat\b", "cat concat cat's bobcat"))
show("non-boundary", re.findall(r"\Bcat\B", "cat concatenate"))
show("A Z", (re.search(r"\Aab", "ab"), re.search(r"b\Z", "ab\n"), re.search(r"b$", "ab\n")))
show("dollar", re.findall(r"\w$", "ab\ncd\n"))
show("dollar M", re.findall(r"\w$", "ab\ncd\n", re.M))
show("hex escapes", re.findall(r"\x41\u0042\U00000043\101\0", "ABCA\x00"))
show("escaped punct", re.findall(r"\.\*\+\?\(\)\{\}", "x.*+?(){}y"))
show("unicode digits", re.findall(r"\d+", "12 ٣٤ ½"))
show("unicode space", re.findall(r"\s", "a\u00a0b\u2003c\x1cd"))
show("tab newline", re.findall(r"\t|\n", "a\tb\nc"))
show("dot", re.findall(r".", "a\nb"))

# ---- quantifiers
show("star plus q", (re.match(r"a*", "aaab").group(), re.match(r"a+", "b"), re.match(r"ab?c", "ac").group()))
show("counted", re.findall(r"\d{2,3}", "1 12 123 1234 12345"))
show("counted exact", re.findall(r"x{3}", "xxxxxxx"))
show("counted open", re.findall(r"x{2,}", "x xx xxxxx"))
show("counted upto", re.findall(r"x{,2}", "xxx"))
show("brace literal", re.findall(r"a{x}|b{", "a{x} b{"))
show("lazy star", re.match(r"<.*?>", "<a><b>").group())
show("greedy star", re.match(r"<.*>", "<a><b>").group())
show("lazy plus", re.findall(r"a+?", "aaa"))
show("lazy q", re.match(r"ab??", "ab").group())
show("lazy counted", re.match(r"a{2,4}?", "aaaa").group())
show("group repeat", re.match(r"(ab)+", "ababab").groups())
show("group counted", re.match(r"(a|b){3}", "abba").group(0, 1))
show("group lazy", re.match(r"(a|b)*?b", "aab").groups())
show("nested", re.match(r"((a+)b)+", "aabab").groups())
show("empty loop", re.match(r"(a|)*", "aa").groups())
show("empty loop2", re.match(r"(a*)*", "b").groups())
show("empty loop3", re.match(r"(a*)+b", "aab").groups())
show("optional group", re.match(r"(a)?(b)?c", "bc").groups())
show("possessive", (re.match(r"a*+a", "aaa"), re.match(r"a*+b", "aab").group()))
show("atomic", (re.match(r"(?>a+)a", "aa"), re.match(r"(?>ab|a)c", "abc").group()))
show("backtrack", re.match(r"(\w+)(\d+)", "abc123").groups())
show("backtrack lazy", re.match(r"(\w+?)(\d+)", "abc123").groups())

# ---- alternation
show("alt first", re.match(r"a|ab", "ab").group())
show("alt order", re.findall(r"cat|category|dog", "category dog"))
show("alt groups", re.findall(r"(a)|(b)", "ab"))
show("alt empty", re.match(r"x|", "y").group())

# ---- lookaround
show("lookahead", re.findall(r"\w+(?=,)", "a, bb, ccc"))
show("neg lookahead", re.findall(r"\b(?!un)\w+", "undo redo unit bit"))
show("lookbehind", re.findall(r"(?<=\$)\d+", "$10 and $20 or 30"))
show("neg lookbehind", re.findall(r"(?<!-)\b\d+", "-5 6 -7 8"))
show("lookbehind group", re.search(r"(?<=(a)b)c", "abc").groups())
show("lookbehind alt", re.findall(r"(?<=ab|cd)x", "abx cdx efx"))
show("password", bool(re.match(r"(?=.*\d)(?=.*[a-z])(?=.*[A-Z]).{8,}", "Passw0rdX")))
show("lookahead capture", re.match(r"(?=(\w+))\w", "abc").group(1))

# ---- backreferences
show("backref", re.findall(r"(\w)\1", "aabbcd"))
show("backref words", re.sub(r"\b(\w+) \1\b", r"\1", "the the cat sat sat down"))
show("named backref", re.match(r"(?P<q>['\"]).*?(?P=q)", "'hi' there").group())
show("backref icase", bool(re.match(r"(a)\1", "aA", re.I)))
show("backref unmatched", re.match(r"(a)?b\1", "b"))
show("conditional", [re.match(r"(<)?\w+(?(1)>|$)", s) and re.match(r"(<)?\w+(?(1)>|$)", s).group() for s in ["<a>", "a", "<a"]])

# ---- sub templates and functions
show("sub \\g<0>", re.sub(r"\d+", r"[\g<0>]", "a1b22"))
show("sub named", re.sub(r"(?P<w>\w+)@(?P<d>\w+)", r"\g<d>:\g<w>", "me@host"))
show("sub \\g<1>0", re.sub(r"(a)", r"\g<1>0", "a"))
show("sub escapes", re.sub(r"-", r"\n\t\\", "a-b"))
show("sub unknown escape", re.sub(r"-", r"\&", "a-b"))
show("sub unmatched group", re.sub(r"(a)|b", r"[\1]", "ab"))
show("sub func", re.sub(r"\d+", lambda m: str(int(m.group()) * 2), "a1b22c333"))
show("sub func count", re.subn(r"\w", lambda m: m.group().upper(), "abc", 2))
show("sub bytes", re.sub(rb"(\w+)", rb"<\1>", b"hi yo"))
show("sub octal", re.sub("a", r"\101\0", "xa"))
show("pattern sub", re.compile(r"\s").sub("", " a b "))

# ---- bytes
show("bytes findall", re.findall(rb"[a-z]+", b"abc DEF ghi"))
show("bytes I", re.findall(rb"[a-z]+", b"abc DEF", re.I))
show("bytes match", re.match(rb"(\d+)-(\d+)", b"10-20").groups())
show("bytes split", re.split(rb",", b"a,b,c"))
show("bytes flags", re.compile(rb"x").flags)
show("bytes \\w ascii", re.findall(rb"\w+", "héllo".encode()))

# ---- scanner / misc
show("finditer pos", [m.group() for m in re.compile(r"\w").finditer("abcde", 1, 4)])
show("long", len(re.findall(r"(?:ab)+", "ab" * 5000 + "x" + "ab" * 3)))
show("deep", re.match(r"(?:a|b)*c", "ab" * 20000 + "c").end())
show("unicode", (re.findall(r"[à-ÿ]+", "café résumé"), re.sub(r"é", "e", "résumé")))
show("unicode icase", re.findall(r"é+", "ÉéE", re.I))
show("search non-ascii pos", re.search(r"z", "ääzää").span())

# ---- errors
bad = [
    "(ab", "ab)", "*a", "a**", "a{2}{3}", "[abc", "[z-a]", r"\q", "(?<=a+)b",
    r"(a)\2", "a{3,2}", "(?P<1a>x)", "(?P<a>x)(?P<a>y)", "(?P=nope)", "(?P<a", "(?x",
    "(?z)", "(?<x)", "a|(?i)b", "(a(?i)b)", r"[\d-z]", "(?", r"\x4", r"\u12", "(?P",
    "x(?i)", "(?#unterminated", r"(a)(?P=a)", "(?P<>x)", r"\777", "(?i-i:a)", "(?-a:x)",
    "(a\nb", "a\n(?z)",
]
for pat in bad:
    try:
        re.compile(pat)
        print("no error", repr(pat))
    except re.error as e:
        print("error", repr(pat), "|", e, "|", e.msg, e.pos, e.lineno, e.colno)
for args in [(r"(a)", r"\2", "a"), (r"(a)", r"\g<x>", "a"), (r"a", r"\q", "a"),
             (r"a", r"\g<1", "a"), (r"a", r"\g", "a"), (r"(a)", r"\g<-1>", "a")]:
    try:
        re.sub(*args)
    except (re.error, IndexError) as e:
        print(type(e).__name__, repr(args[1]), e)
for f in [lambda: re.compile("a", re.L), lambda: re.compile(b"a", re.U),
          lambda: re.match("a", b"a"), lambda: re.match(b"a", "a"),
          lambda: re.compile(re.compile("a"), re.I), lambda: re.compile(12),
          lambda: re.compile("(?a)x", re.U)]:
    try:
        f()
        print("no error")
    except (ValueError, TypeError) as e:
        print(type(e).__name__, e)
show("error isa", issubclass(re.error, Exception))
