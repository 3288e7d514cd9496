# Code objects' stack sizes come from a data-flow pass over the bytecode (the deepest stack
# any path reaches, compiler/codegen.rs): deep expressions inside loops, nested loops with
# break/continue, try/except/finally and with inside loops, conditional expressions, boolean
# chains, calls with keywords and unpacking, comprehensions, generators, match and
# f-strings, each repeated so that a frame too small would fail an index check.


class CM:
    def __init__(self, log):
        self.log = log

    def __enter__(self):
        self.log.append("in")
        return self

    def __exit__(self, t, v, tb):
        self.log.append("out" if t is None else "out:" + t.__name__)
        return t is ZeroDivisionError


def kw(a, b=2, *rest, c=3, **more):
    return a + b + c + sum(rest) + sum(more.values())


def deep(x):
    return (x + (x * (x - (x + (x * (x - (x + (x * (x - 1))))))))) % 1000003


def loops(n):
    total = 0
    for i in range(n):
        for j in range(n):
            if j > i:
                break
            if (i + j) % 3 == 0:
                continue
            total += deep(i) - deep(j) if i > j else deep(j) - deep(i)
        k = 0
        while k < i:
            k += 1
            if k == 5:
                break
        total += k
    return total


def handlers(n):
    log = []
    acc = 0
    for i in range(n):
        try:
            try:
                acc += 10 // (i % 4)
            except ZeroDivisionError as e:
                acc += len(str(e))
                if i % 8 == 0:
                    raise ValueError(i)
            finally:
                acc += 1
        except ValueError as v:
            acc += v.args[0]
        with CM(log):
            acc += 1 // (i % 3)
    return acc, log[:6], len(log)


def calls(n):
    s = 0
    args = [1, 2, 3]
    opts = {"x": 4, "y": 5}
    for i in range(n):
        s += kw(i, *args, c=i, **opts) + kw(i) + kw(a=i, b=i, c=i, z=i)
        s += max(*[i, 3, 1], key=lambda v: -v) + (i and i % 2 or -1)
    return s


def gen(n):
    for i in range(n):
        got = yield (i, (yield i * 2) or 0, [i, i + 1, (i, i)])
        if got:
            yield got


def matches(items):
    out = []
    for it in items:
        match it:
            case [a, b, *rest] if a < b:
                out.append(("list", a, b, len(rest)))
            case {"k": v, **others}:
                out.append(("dict", v, sorted(others)))
            case CM(log=[first, *_]):
                out.append(("cm", first))
            case (x, y) | [x, y, _]:
                out.append(("pair", x, y))
            case _:
                out.append(("other", f"{it!r:>8}|{len(str(it)):03d}"))
    return out


print(loops(40))
print(handlers(30))
print(calls(200))
g = gen(5)
vals = [next(g)]
for i in range(8):
    try:
        vals.append(g.send(i if i % 2 else None))
    except StopIteration:
        break
print(vals)
print(matches([[1, 2, 3], [3, 1], {"k": 1, "z": 2}, CM(["a"]), (7, 8), 42, "s"] * 3))
print([[(a, b) for b in range(a) if (a + b) % 2] for a in range(5)])
print({k: [v * w for w in range(3)] for k, v in zip("abc", range(3))})
print(sum(x * y for x in range(50) for y in range(x) if (x ^ y) & 1))
print(f"{deep(3)}-{[deep(i) for i in range(3)]}-{ {deep(1): (deep(2), deep(4))} }")
