# Hot loops calling built-ins the JIT runs without the general call handler (len,
# isinstance, abs, min, max, list.append, list.pop, methods of built-in objects), while the
# program changes what those names mean under them: a global shadowing a builtin appears
# mid-loop, calls with the wrong types raise TypeError caught inside the loop, subclasses of
# list/int/str go through the same call sites, and a list grows while it is iterated.

class MyList(list):
    def append(self, v):
        list.append(self, v * 10)

    def __len__(self):
        return 99


class MyInt(int):
    pass


class MyStr(str):
    def __len__(self):
        return -1 + 2


class Meta(type):
    def __instancecheck__(cls, obj):
        return obj == 7


class Odd(metaclass=Meta):
    pass


def lens(n):
    xs = [1, 2, 3]
    t = (4, 5)
    s = "héllo"
    total = 0
    for i in range(n):
        total += len(xs) + len(t) + len(s)
        if i % 50 == 49:
            xs.append(i)
        if i == n // 2:
            xs = MyList([0])
        if i == 3 * n // 4:
            s = MyStr("ab")
    return total, len(xs)


def bad_calls(n):
    errs = 0
    vals = [3, "x", None, 2.5, [1], (1, 2), {1: 2}]
    total = 0
    for i in range(n):
        v = vals[i % len(vals)]
        try:
            total += len(v)
        except TypeError:
            errs += 1
        try:
            total += abs(v)
        except TypeError:
            errs += 1
        try:
            total += min(v, 2)
        except TypeError:
            errs += 1
    return total, errs


def isinstances(n):
    vals = [1, MyInt(5), "s", MyStr("t"), 2.0, [1], MyList(), (1,), True, None, 7, Odd()]
    counts = [0] * 8
    for i in range(n):
        v = vals[i % len(vals)]
        if isinstance(v, int):
            counts[0] += 1
        if isinstance(v, str):
            counts[1] += 1
        if isinstance(v, list):
            counts[2] += 1
        if isinstance(v, MyInt):
            counts[3] += 1
        if isinstance(v, Odd):
            counts[4] += 1
        if isinstance(v, (tuple, float)):
            counts[5] += 1
        if isinstance(v, object):
            counts[6] += 1
        try:
            isinstance(v, 3)
        except TypeError:
            counts[7] += 1
    return counts


def minmax(n):
    a = 0
    f = 0.0
    for i in range(n):
        a += min(i, 50) + max(i % 7, 3) - abs(i - 100) + min(i % 5, i % 3, 2) + max(-i, -5, -9)
        f += max(0.5 * i, 10.0) - min(-0.0, 0.0)
        if i == n - 10:
            a += min(2**70, i) + abs(-(2**62)) + max(i, 2.5)
    return a, f, str(min(0.0, -0.0)), str(max(-0.0, 0.0))


def appends_pops(n):
    out = []
    stack = [0]
    ml = MyList()
    for i in range(n):
        out.append(i * 2)
        stack.append(i)
        stack.append(-i)
        stack.pop()
        if i % 3 == 0:
            ml.append(i)
        if i % 97 == 0:
            while stack:
                stack.pop()
    try:
        stack.pop()
        stack.pop()
        stack.pop()
    except IndexError as e:
        print("IndexError", e)
    return len(out), sum(out), len(stack), sum(ml), len(ml), list.__len__(ml)


def mutate_iterated(n):
    xs = list(range(10))
    seen = 0
    for x in xs:
        seen += x
        if len(xs) < n:
            xs.append(x + 1)
        if x == 5:
            xs.pop()
    return seen, len(xs)


def methods(n):
    words = ["a", "bb", "ccc"]
    d = {}
    ss = set()
    acc = []
    for i in range(n):
        w = words[i % 3]
        d[w] = d.get(w, 0) + 1
        ss.add(i % 11)
        acc.append(w.upper())
        if len(acc) > 20:
            acc = acc[10:]
    return sorted(d.items()), len(ss), acc[-3:]


def shadowing(n):
    # a global `len` appears mid-loop (the builtin is shadowed), then goes away again
    total = 0
    for i in range(n):
        total += len([i, i])
        if i == n // 3:
            globals()["len"] = lambda x: 1000
        if i == 2 * n // 3:
            del globals()["len"]
    return total


def range_rebound(n):
    global range
    total = 0
    for k in range(n):
        for j in range(3):
            total += j
        if k == n // 2:
            range = lambda m: [100] * m
    del range
    return total


def unpacks(n):
    # tuple swaps, and unpacking tuples/lists/strs of the right and the wrong length
    a, b = 1, 1
    pairs = [(1, 2), [3, 4], (5, 6, 7), "ab", (8,), MyList([9, 10])]
    t = 0
    errs = 0
    for i in range(n):
        a, b = b, (a + b) % 1000
        p = pairs[i % len(pairs)]
        try:
            x, y = p
            t += (x if isinstance(x, int) else 50) + (y if isinstance(y, int) else 60)
        except ValueError:
            errs += 1
        if i == n // 2:
            pairs[1].append(5)
    return a, b, t, errs


print(lens(3000))
print(bad_calls(700))
print(isinstances(1200))
print(minmax(3000))
print(appends_pops(3000))
print(mutate_iterated(400))
print(methods(2000))
print(shadowing(3000))
print(range_rebound(600))
print(unpacks(3000))
