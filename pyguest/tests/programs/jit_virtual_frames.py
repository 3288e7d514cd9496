# Hot loops calling plain Python functions and methods whose frames a trace makes itself
# (virtual frames: the callee's frame and registers are removed when the call and its return
# are both in the trace). What must still see real frames: a guard failing inside an inlined
# callee (the frames are made then, linked, and the interpreter resumes mid-call), an
# exception raised in an inlined callee (traceback lines), sys._getframe and globals() inside
# an inlined call, nested inlined calls, and the recursion limit; and class calls whose
# `__init__` runs in a virtual frame on an instance the trace allocates (guards failing in
# `__init__`, exceptions, an `__init__` returning a value, `__del__`, a class changed mid-loop,
# instances growing past their first slot array).
import gc
import sys
import traceback


def add(a, b):
    return a + b


def scale(v, k):
    return add(v, v) * k


def leaf_loop(n):
    s = 0
    for i in range(n):
        s = add(s, i)
    return s


def nested_loop(n):
    s = 0
    for i in range(n):
        s += scale(i, 3) - add(i, 1)
    return s


def types_change(n):
    # the callee's `a + b` switches from small ints to floats, then to big ints, after the
    # loop is compiled: its guards fail inside the inlined call
    out = []
    s = 0
    for i in range(n):
        if i == n // 3:
            s = 0.5
        if i == 2 * n // 3:
            s = 2 ** 70
        s = add(s, i)
        if i % (n // 6) == 0:
            out.append(s)
    return out, s


def fail_inside(x, bad):
    if x == bad:
        raise ValueError("bad %d" % x)
    return x + 1


def middle(x, bad):
    return fail_inside(x, bad) * 2


def exceptions(n):
    caught = []
    s = 0
    for i in range(n):
        try:
            s += middle(i, i if i % 700 == 699 else -1)
        except ValueError as e:
            lines = []
            for line in traceback.format_exc().splitlines():
                if line.strip().startswith("File"):
                    lines.append(line.split(",", 1)[1].strip())
            caught.append((i, str(e), lines))
    return s, caught


def who(depth):
    f = sys._getframe(depth)
    return f.f_code.co_name, f.f_lineno if depth else 0


def inner_frames(i):
    if i % 1000 == 999:
        return who(0), who(1), who(2)
    return None


def introspection(n):
    seen = []
    for i in range(n):
        r = inner_frames(i)
        if r is not None:
            seen.append(r)
    return seen


def read_globals(i):
    return globals()["COUNT"] + i


COUNT = 7


def globals_loop(n):
    s = 0
    for i in range(n):
        s += read_globals(i)
    return s


class Vec:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def dot(self, o):
        return self.x * o.x + self.y * o.y

    def norm2(self):
        return self.dot(self)


def methods(n):
    v = Vec(3, 4)
    w = Vec(1, 2)
    s = 0
    for i in range(n):
        s += v.norm2() + w.dot(v) + i
    return s


def deep(n):
    if n == 0:
        return 0
    return deep(n - 1) + 1


def recursion(n):
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(90)
    ok = 0
    errs = 0
    for i in range(n):
        try:
            ok += deep(i % 120)
        except RecursionError:
            errs += 1
    sys.setrecursionlimit(old)
    return ok, errs


class Point:
    # a class call with a Python `__init__`: the trace allocates the instance and runs
    # `__init__` in a virtual frame; the new attributes are added by traced stores
    def __init__(self, x, y):
        self.x = x
        self.y = y * 2

    def total(self):
        return self.x + self.y


def class_calls(n):
    s = 0
    kept = []
    for i in range(n):
        p = Point(i, i + 1)
        s += p.total()
        if i % 1000 == 0:
            kept.append(p)
    return s, [(q.x, q.y) for q in kept]


def class_calls_changing(n):
    # `__init__`'s arithmetic switches to floats and big ints after the loop is compiled (a
    # guard fails inside the inlined `__init__`: the instance and the frame are made then)
    s = 0
    out = []
    for i in range(n):
        x = i
        if i >= n // 3:
            x = i + 0.25
        if i >= 2 * n // 3:
            x = i + 2 ** 65
        p = Point(x, i)
        s += p.total()
        if i % (n // 6) == 0:
            out.append((p.x, p.y))
    return s, out


class Checked:
    def __init__(self, v):
        if v % 997 == 996:
            raise ValueError("bad value %d" % v)
        self.v = v


def class_exceptions(n):
    caught = []
    s = 0
    for i in range(n):
        try:
            s += Checked(i).v
        except ValueError as e:
            tb = traceback.format_exc().splitlines()
            caught.append((i, str(e), [line.split(",", 1)[1].strip() for line in tb if line.strip().startswith("File")]))
    return s, caught


class Grows:
    # more attributes than the first slot array holds, and one added after `__init__`
    def __init__(self, a):
        self.a = a
        self.b = a + 1
        self.c = a + 2
        self.d = a + 3
        self.e = a + 4
        self.f = a + 5


def class_grows(n):
    s = 0
    for i in range(n):
        g = Grows(i)
        g.extra = i * 2
        s += g.a + g.f + g.extra
    return s, sorted(vars(Grows(1)).items())


class BadInit:
    def __init__(self, v):
        self.v = v
        if v == 1500:
            return 42


def bad_init(n):
    s = 0
    errs = []
    for i in range(n):
        try:
            s += BadInit(i).v
        except TypeError as e:
            errs.append((i, str(e)))
    return s, errs


class Finalized:
    count = 0

    def __init__(self, v):
        self.v = v

    def __del__(self):
        Finalized.count += 1


def finalized(n):
    s = 0
    for i in range(n):
        s += Finalized(i).v
    gc.collect()
    return s, Finalized.count > 0


class Later:
    def __init__(self, v):
        self.v = v


def class_changes(n):
    # the class gets a new `__init__` mid-loop (the class epoch changes: traces that inlined
    # the old one are invalidated)
    s = 0
    for i in range(n):
        if i == n // 2:
            def init2(self, v):
                self.v = -v
            Later.__init__ = init2
        s += Later(i).v
    return s


def frames_in_init(n):
    seen = []
    for i in range(n):
        p = Introspect(i)
        if p.where is not None:
            seen.append(p.where)
    return seen


class Introspect:
    def __init__(self, i):
        self.where = None
        if i % 1000 == 999:
            f = sys._getframe(0)
            self.where = (f.f_code.co_name, f.f_back.f_code.co_name, i)


print("leaf", leaf_loop(5000))
print("nested", nested_loop(5000))
print("types", types_change(6000))
print("exceptions", exceptions(3000))
print("introspection", introspection(3000))
print("globals", globals_loop(3000))
print("methods", methods(4000))
print("recursion", recursion(600))
print("class calls", class_calls(4000))
print("class calls changing", class_calls_changing(6000))
print("class exceptions", class_exceptions(3000))
print("class grows", class_grows(3000))
print("bad init", bad_init(3000))
print("frames in init", frames_in_init(3000))
print("class changes", class_changes(4000))
print("finalized", finalized(3000))
