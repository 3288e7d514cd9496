# Hot loops making Python-to-Python calls, which traces run without the general call and
# return handlers when the call is plain (a function or a method with exactly its positional
# parameters, a class with a Python __init__): the same call sites also see calls with
# defaults, keywords, *args/**kwargs, closures, generators, __init__ returning a value,
# exceptions raised in callees and caught by callers (with their tracebacks), recursion
# depth errors, frame introspection and callables that change while the loop runs.
import sys
import traceback


def add1(x):
    return x + 1


def with_default(x, y=10):
    return x + y


def kwonly(x, *, k=3):
    return x * k


def star(*args, **kw):
    return len(args) + len(kw)


def make_adder(n):
    def adder(x):
        return x + n
    return adder


def counter_cell(x):
    total = x

    def bump():
        nonlocal total
        total += 1
        return total
    bump()
    return bump()


def gen(n):
    for i in range(n):
        yield i


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def norm1(self):
        return abs(self.x) + abs(self.y)

    def moved(self, dx):
        return Point(self.x + dx, self.y)


class Bad:
    def __init__(self, v):
        self.v = v
        return v if v % 7 == 0 else None


def fails_at(x, bad):
    if x == bad:
        raise ValueError("bad %d" % x)
    return x


def middle(x, bad):
    y = fails_at(x, bad)
    return y * 2


def depth(n):
    if n == 0:
        return 0
    return depth(n - 1) + 1


def caller_line():
    return sys._getframe(1).f_lineno


def where():
    return caller_line()


def tb_lines():
    out = []
    for line in traceback.format_exc().splitlines():
        if line.strip().startswith("File"):
            out.append(line.split(",", 1)[1].strip())
    return out


def plain_calls(n):
    s = 0
    for i in range(n):
        s += add1(i)
        s += with_default(i)
        s += with_default(i, 1)
        s += with_default(x=i, y=2)
        s += kwonly(i)
        s += kwonly(i, k=5)
        s += star(i, i, a=1)
    return s


def closures(n):
    adders = [make_adder(k) for k in range(3)]
    s = 0
    for i in range(n):
        s += adders[i % 3](i)
        s += counter_cell(i)
        for v in gen(2):
            s += v
    return s


def methods(n):
    p = Point(1, -2)
    s = 0
    for i in range(n):
        q = p.moved(i)
        s += q.norm1()
        m = q.moved
        s += m(1).x
    return s


def init_results(n):
    errors = 0
    s = 0
    for i in range(n):
        try:
            s += Bad(i).v
        except TypeError as e:
            errors += 1
            last = str(e)
    return s, errors, last


def exceptions(n):
    caught = []
    for i in range(n):
        try:
            middle(i, i if i % 500 == 499 else -1)
        except ValueError as e:
            caught.append((i, str(e), tb_lines()))
    return caught


def recursion(n):
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(120)
    ok = 0
    errs = 0
    for i in range(n):
        try:
            ok += depth(i % 150)
        except RecursionError:
            errs += 1
    sys.setrecursionlimit(old)
    return ok, errs


def introspection(n):
    lines = set()
    for i in range(n):
        lines.add(where())
    return sorted(lines)


def rebinding(n):
    global add1
    orig = add1
    s = 0
    for i in range(n):
        if i == n // 2:
            add1 = lambda x: x + 100
        s += add1(i)
    add1 = orig
    return s


def mutual_a(n):
    return 0 if n == 0 else mutual_b(n - 1) + 1


def mutual_b(n):
    return 0 if n == 0 else mutual_a(n - 1) + 2


print("plain", plain_calls(3000))
print("closures", closures(3000))
print("methods", methods(3000))
print("init", init_results(3000))
for c in exceptions(2000):
    print("caught", c)
print("recursion", recursion(600))
print("introspection", introspection(2000))
print("rebinding", rebinding(3000))
print("mutual", sum(mutual_a(i % 40) for i in range(3000)))
try:
    depth(100000)
except RecursionError as e:
    print("deep", type(e).__name__)
