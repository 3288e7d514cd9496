import textwrap

text = ("The quick brown fox jumps over the lazy dog. Well-known state-of-the-art "
        "algorithms -- like the so-called 'x-ray' method -- are e-mail friendly!  "
        "Supercalifragilisticexpialidocious words get broken. Numbers 123-456 and "
        "a-b-c-d stay? Sentence one. Sentence two! Tabs\there\tand\nnewlines.")
for width in (10, 20, 33, 50, 70):
    print("--- width", width)
    print(textwrap.fill(text, width))
print(textwrap.wrap(text, 25, break_on_hyphens=False))
print(textwrap.wrap(text, 12, break_long_words=False))
print(textwrap.wrap(text, 30, fix_sentence_endings=True))
print(textwrap.wrap(text, 30, drop_whitespace=False))
print(textwrap.wrap(text, 40, initial_indent="* ", subsequent_indent="  "))
print(textwrap.wrap(text, 40, max_lines=3))
print(textwrap.wrap(text, 40, max_lines=2, placeholder=" (more)"))
print(textwrap.wrap("  leading and trailing   ", 10))
print(textwrap.wrap("", 10), textwrap.wrap("   ", 10), textwrap.wrap("a\tb", 10, expand_tabs=False))
print(textwrap.wrap("a\tb\tc", 10, tabsize=4, replace_whitespace=False))
print(textwrap.shorten("Hello  world!  This is a long sentence.", width=20))
print(textwrap.shorten("Hello world", width=11), textwrap.shorten("Hello world!", width=11, placeholder="..."))
w = textwrap.TextWrapper(width=15, subsequent_indent="> ")
print(w.wrap("one two three four five six seven eight nine ten"))
print(repr(textwrap.dedent("""\
    def f():
        return 1
      
    # comment
""")))
print(repr(textwrap.dedent("  a\n\tb\n  c")), repr(textwrap.dedent("   x\n  y\n    z")), repr(textwrap.dedent("\n\n  a\n  \n  b\n")))
print(repr(textwrap.indent("a\nb\n\nc\n", "> ")), repr(textwrap.indent("a\n  \nb", "+", lambda line: True)))
try:
    textwrap.wrap("abc", 0)
except ValueError as e:
    print("ValueError", e)

# Differential sweep over pseudo-random texts (a tiny LCG keeps it deterministic).
seed = 12345
def rnd(n):
    global seed
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return seed % n
pieces = ["a", "bb", "ccc", "word", "hyphen-ated", "x-y-z", "--", "-", " ", "  ", "\t", "\n",
          "end.", "Yes!", "really?", "'quoted'", "1-2", "em--dash", "longlonglonglongword", "_u_", "é-à"]
for trial in range(60):
    s = "".join(pieces[rnd(len(pieces))] for _ in range(rnd(25) + 1))
    width = rnd(18) + 1
    try:
        out = textwrap.wrap(s, width, break_on_hyphens=bool(rnd(2)), max_lines=(rnd(4) + 1) if rnd(3) == 0 else None,
                            fix_sentence_endings=bool(rnd(2)), drop_whitespace=bool(rnd(4)))
    except ValueError as e:
        out = "ValueError %s" % e
    print(trial, width, repr(s), out)
