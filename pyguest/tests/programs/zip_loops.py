# zip in loops: two lists (objects and unboxed floats), ranges, mixed with other iterables
# (tuples, strings, generators), unequal lengths (the second is not stepped once the first
# is exhausted), strict mode and its errors, three iterables, lists changed while zipped and
# a subclass with its own __next__.

def pairs(a, b, **kw):
    return [(x, y) for x, y in zip(a, b, **kw)]

print(pairs([1, 2, 3], ["a", "b", "c"]))
print(pairs([0.5, 1.5], range(10, 20)))
print(pairs(range(3), range(5, 0, -1)))
print(pairs((1, 2), "xyz"))
print(pairs([], [1]))
print(pairs((x * x for x in range(4)), [7, 8, 9, 10, 11]))

def total(n):
    xs = list(range(n))
    fs = [i * 0.5 for i in range(n)]
    t = 0
    for x, f in zip(xs, fs):
        t += x * int(f) % 11
    for a, b in zip(range(n), range(n, 0, -1)):
        t += a - b
    for x, r in zip(xs, range(n // 2)):
        t += x ^ r
    for a, b, c in zip(xs, xs, xs):
        t += a + b - c
    return t

print(total(3000))

# the first shorter: the second is not stepped past the end of the first
a = iter([1, 2])
b = iter([10, 20, 30])
for x, y in zip(a, b):
    pass
print(x, y, next(b))
a = [1, 2, 3]
b = iter(range(10, 13))
for x, y in zip(a, b):
    pass
print(list(b))
r = iter(range(100, 103))
for x, y in zip(range(2), r):
    pass
print(next(r))

def strict(n):
    out = 0
    for x, y in zip(range(n), list(range(n)), strict=True):
        out += x * y
    return out

print(strict(3000))
for args in (([1, 2], [1]), ([1], [1, 2]), ([1, 2], [1, 2], [3])):
    try:
        print(pairs(*args[:2], strict=True) if len(args) == 2 else list(zip(*args, strict=True)))
    except ValueError as e:
        print("ValueError", e)

def grow(n):
    xs = list(range(n))
    ys = list(range(n))
    t = 0
    for x, y in zip(xs, ys):
        if x == n // 2:
            xs.append(-5)
            ys.pop()
        t += x - y
    return t, len(xs), len(ys)

print(grow(2000))

class Z(zip):
    def __next__(self):
        x, y = super().__next__()
        return y, x

def sub(n):
    t = 0
    for x, y in Z(list(range(n)), range(n, 2 * n)):
        t += x - y
    return t

print(sub(3000), type(zip()).__name__)
