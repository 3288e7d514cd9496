# Classes of numeric and text behaviour the random differential test (tests/fuzz) found to
# differ from CPython 3.11; each class is swept, not sampled. Expected output from CPython.
import sys

def show(expr_text, f):
    try:
        r = repr(f())
    except Exception as e:
        r = f"{type(e).__name__}: {e}"
    print(expr_text, "->", r)

# Float floor division and modulo: CPython derives // from fmod, so it is consistent with %
# (0.5 // 0.1 is 4.0, inf // 1.0 is nan); the grid covers signs, tiny and huge values.
vals = [0.0, -0.0, 0.1, -0.1, 0.5, -0.5, 1e-07, -1e-07, 1.5, -2.25, 3.141592653589793, 7.0,
        -7.0, 123.456, 1e16, -1e16, 2.5e300, float("inf"), float("-inf"), float("nan")]
for a in vals:
    for b in vals:
        show(f"{a!r} // {b!r}", lambda: a // b)
        show(f"{a!r} % {b!r}", lambda: a % b)
        show(f"divmod({a!r}, {b!r})", lambda: divmod(a, b))
for a in [7, -7, 0, 10**30]:
    for b in [2.5, -0.5, 0.0, 0]:
        show(f"{a!r} // {b!r}", lambda: a // b)
        show(f"{a!r} % {b!r}", lambda: a % b)
        show(f"divmod({a!r}, {b!r})", lambda: divmod(a, b))
        show(f"{a!r} / {b!r}", lambda: a / b)

# Powers at the edges of the reals.
for a in [-2.0, -0.5, -0.0, 0.0, 2.0, float("inf"), float("-inf")]:
    for b in [0.5, -0.5, 2.0, 3.0, float("inf"), float("-inf")]:
        show(f"{a!r} ** {b!r}", lambda: a ** b)

# Int operands too large for a float.
for op in ["+", "-", "*", "/", "//", "%"]:
    show(f"10**400 {op} 1.0", lambda: eval(f"10**400 {op} 1.0"))
    show(f"1.0 {op} 10**400", lambda: eval(f"1.0 {op} 10**400"))

# TypeError messages of sequence concatenation and repetition, every pairing.
seqs = ["'a'", "[1]", "(1,)", "b'a'"]
others = ["1", "1.5", "None", "{}", "'a'", "[1]", "(1,)", "b'a'"]
for s in seqs:
    for o in others:
        show(f"{s} + {o}", lambda: eval(f"{s} + {o}"))
        show(f"{s} * {o}", lambda: eval(f"{s} * {o}"))
        show(f"{o} * {s}", lambda: eval(f"{o} * {s}"))

# Format types of inf and nan.
for x in [float("inf"), float("-inf"), float("nan")]:
    for spec in ["", "f", ".1f", "e", "g", "%", ".1%", ">8", "<8.2%", "+", "F", "E", "G"]:
        show(f"format({x!r}, {spec!r})", lambda: format(x, spec))
    show(f"'%f %e %g %%' % {x!r}", lambda: "%f %e %g %%" % (x, x, x))

# Title case, capitalize and case folding of every character whose title case is not its
# upper case, or whose folding is not its lower case (ligatures, German sharp s, digraphs,
# Greek with ypogegrammeni), alone and inside words. (Surrogates are left out: pyguest's
# strings cannot hold lone surrogates, docs/compatibility.md.)
special = [c for c in map(chr, list(range(0xD800)) + list(range(0xE000, 0x30000))) if c.title() != c.upper() or c.casefold() != c.lower()]
print(len(special), "special characters")
for c in special:
    w = c + "ab" + c
    print(hex(ord(c)), [w.title(), w.capitalize(), w.casefold(), w.swapcase(), (" " + w).title()])
