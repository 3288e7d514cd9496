# Lists of floats (kept unboxed by pyguest's float list strategy) at every point where the
# strategy must switch to general storage or hand out boxed values: a non-float appended,
# inserted, stored or extended; slicing, sorting, reversing, `*`, `+`, comprehensions,
# `index`/`count`/`remove`/`in`, comparison with int lists, json and pickle round trips,
# NaN identity and -0.0. Hot loops make the JIT trace the float paths too.
import json
import math
import pickle


def show(tag, l):
    print(tag, l, len(l), type(l).__name__)


# construction: literal, repeat, comprehension, list(), append into []
a = [1.5, 2.5, -0.0]
show("literal", a)
show("repeat", [0.25] * 4)
show("comp", [i * 0.5 for i in range(5)])
show("list()", list((1.0, 2.0)))
e = []
e.append(3.0)
e.append(4.0)
show("append", e)

# switch points: each list starts as floats and takes another kind of value
for v in [7, "s", None, True, 2 ** 70, 1 + 2j, [1.0], (1.0,)]:
    l = [1.0, 2.0]
    l.append(v)
    m = [1.0, 2.0]
    m[0] = v
    n = [1.0, 2.0]
    n.insert(1, v)
    o = [1.0, 2.0]
    o.extend([3.0, v])
    print("switch", repr(v), l, m, n, o, l[2] == v, m[0] is v)

# after a switch the list still reads its floats
l = [0.5, 1.5]
l.append("x")
l[2] = 2.5
l.append(3.5)
show("after switch", l)
print(sum(x for x in l if isinstance(x, float)))

# operations that must give the same answers on float lists
b = [3.0, -1.0, 2.0, 0.5]
show("slice", b[1:3])
show("step", b[::-1])
show("sorted", sorted(b))
c = b[:]
c.sort(reverse=True)
show("sort", c)
c.reverse()
show("reverse", c)
show("plus", b + [1, 2])
show("plus floats", b + [9.0])
show("times", b * 2)
d = [1.0, 2.0]
d += [3.0]
d *= 2
show("inplace", d)
print("index", b.index(2.0), b.index(2), b.count(-1), b.count(-1.0), 0.5 in b, 5.0 in b)
b.remove(-1)
show("remove", b)
print("pop", b.pop(), b.pop(0), b)
print("eq", [1.0, 2.0] == [1, 2], [1.0, 2.0] != [1, 2], [1.0, 2.5] < [1, 3], [1.0] == [1.0])
print("min max", min([2.0, -3.5, 1.0]), max([2.0, -3.5, 1.0]), sum([0.1] * 10))
del d[1]
del d[::2]
show("del", d)
s = [1.0, 2.0, 3.0, 4.0]
s[1:3] = [9.0]
show("slice store", s)
s[0:1] = ["a"]
show("slice store obj", s)
s = [1.0, 2.0, 3.0]
s[::2] = [7.0, 8.0]
show("ext slice", s)
print("unpack", *[1.0, 2.0])
x, y = [4.0, 5.0]
print("unpack2", x, y)
print("tuple", tuple([1.0, 2.0]), set([1.0, 1.0, 2.0]) == {1.0, 2.0})
print("copy", [1.0, 2.0].copy(), list(map(float, [1, 2])))
s.clear()
s.append(1.0)
s.append("z")
show("clear", s)

# serialisation
f = [1.0, -0.0, 1e300, float("inf"), 2.5]
print("json", json.dumps(f), json.loads(json.dumps(f)) == f)
print("pickle", pickle.loads(pickle.dumps(f)) == f, pickle.loads(pickle.dumps(f)))
print("repr", repr(f), str(f))

# NaN: a list holding a NaN finds the same object (identity first)
nan = float("nan")
g = [1.0, nan]
print("nan", nan in g, g.index(nan), g.count(nan), g == g, [nan] == [nan], g[1] is nan)
h = [1.0, 2.0]
h[0] = nan
print("nan store", nan in h, h.count(nan), math.isnan(h[0]), h[0] is nan)
h.append(nan)
print("nan append", h.count(nan))
k = [2.0]
k.append(nan)
print("nan append2", k.index(nan), nan in k)
print("nan other", float("nan") in [float("nan")])

# -0.0 keeps its sign, equals 0.0
z = [0.0, -0.0]
print("zero", z, z[1], math.copysign(1.0, z[1]), z.index(-0.0), z.count(0.0), -0.0 in [0.0])
z[0] = -0.0
print("zero store", z, math.copysign(1.0, z[0]))

# float subclass and bool values are not plain floats
class F(float):
    pass


q = [1.0, 2.0]
q[1] = F(2.0)
print("subclass", q, type(q[1]).__name__)
q = [1.0]
q.append(False)
print("bool", q, type(q[1]).__name__)


# hot loops: the JIT traces reads, stores, appends and pops on float lists, and the
# switch in the middle of the loop
def hot(n):
    v = [0.0] * 8
    t = 0.0
    for i in range(n):
        j = i % 8
        v[j] = v[j] + i * 0.5
        t += v[(j + 3) % 8]
    w = []
    for i in range(n):
        w.append(i * 0.25)
    while len(w) > n // 2:
        t -= w.pop()
    for i in range(n):
        if i == n - 10:
            v[2] = "mixed"
        if i == n - 5:
            v[2] = 0.5
        if isinstance(v[i % 8], float):
            v[i % 8] += 1.0
    s = 0.0
    for x in w:
        s += x
    return t, s, v


print("hot", hot(3000))
print("hot again", hot(300))


def mixed_loop(n):
    out = [0.5, 1.5]
    for i in range(n):
        out.append(i * 1.0 if i % 100 else i)
    return sum(out), len(out), out[-3:]


print("mixed loop", mixed_loop(2000))
