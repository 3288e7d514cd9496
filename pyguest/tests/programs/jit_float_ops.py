# Float powers and negation in hot loops, at the edges where the traced path must hand over
# to the general one: bases that are zero, negative, inf or nan; exponents that are ints,
# negative, huge (overflow: OverflowError) or nan; results that underflow to 0.0; and a
# negated value that turns from float to int to big int mid-loop; truth tests of lists and
# floats (and of what shares their paths: list subclasses, tuples, nan, -0.0).
import math


def powers():
    acc = 0.0
    bases = [2.0, 0.5, 1.0, 3, 1e-3, 10.0]
    exps = [0.5, -1.5, 2.0, 0.0, 3, 1e-9]
    for i in range(3000):
        b = bases[i % 6]
        e = exps[(i // 6) % 6]
        acc += b ** e
        acc -= (i % 7 + 0.25) ** 0.5
    return acc


def edges():
    out = []
    cases = [(0.0, 0.5), (0.0, 0.0), (-8.0, 2.0), (-8.0, 1.0 / 3), (math.inf, 0.5),
             (math.nan, 1.0), (2.0, math.nan), (1e-300, 5.0), (10.0, 400.0), (0.0, -1.0),
             (2.0, -math.inf), (0.5, math.inf)]
    for i in range(1200):
        b, e = cases[i % len(cases)]
        try:
            r = b ** e
        except (OverflowError, ZeroDivisionError) as ex:
            r = type(ex).__name__
        if i >= 1200 - len(cases):
            out.append(repr(r))
    return out


def negations():
    vals = [1.5, -0.0, 0.0, math.inf, 2, -(2 ** 62), 2 ** 70]
    acc = []
    t = 0.0
    for i in range(2500):
        v = vals[i % len(vals)]
        w = -v
        if i % 500 < 7:
            acc.append(repr(w))
        if isinstance(w, float) and w == w:
            t = t - w
    return acc, t


def truths():
    class L(list):
        def __len__(self):
            return 0

    vals = [[], [1], 0.0, -0.0, math.nan, 1.5, (), 'x', None, L([1, 2]), [0], 2 ** 70]
    counts = [0] * len(vals)
    for i in range(3000):
        k = i % len(vals)
        if vals[k]:
            counts[k] += 1
        if not vals[k]:
            counts[k] -= 7
    stack = list(range(500))
    popped = 0
    while stack:
        stack.pop()
        popped += 1
    return counts, popped


print(truths())
print(powers())
for r in edges():
    print(r)
print(negations())
