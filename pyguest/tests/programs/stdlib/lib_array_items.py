# array.array item access: the fast paths (int index, plain values) and everything that
# falls back to the checks (conversions, range errors, slices, subclasses, __index__).
from array import array


def show(label, f):
    try:
        print(label, f())
    except Exception as e:
        print(label, type(e).__name__, e)


class Idx:
    def __init__(self, i):
        self.i = i

    def __index__(self):
        return self.i


d = array("d", [0.5, 1.5, 2.5])
show("d[0]", lambda: d[0])
show("d[-1]", lambda: d[-1])
show("d[3]", lambda: d[3])
show("d[-4]", lambda: d[-4])
show("d[Idx(1)]", lambda: d[Idx(1)])
show("d['x']", lambda: d["x"])
d[1] = 7
show("int into d", lambda: (d[1], type(d[1]).__name__))
d[-1] = 3.25
show("d[-1] set", lambda: d.tolist())
show("d[5] = 1.0", lambda: d.__setitem__(5, 1.0))
show("d[0] = 'a'", lambda: d.__setitem__(0, "a"))
d[Idx(0)] = 9.5
show("d[Idx(0)] set", lambda: d.tolist())
show("d[1:]", lambda: d[1:])
show("d[::-1]", lambda: d[::-1])

i = array("i", [1, 2, 3])
i[0] = 2 ** 31 - 1
show("i max", lambda: i[0])
show("i overflow", lambda: i.__setitem__(1, 2 ** 31))
show("i underflow", lambda: i.__setitem__(1, -(2 ** 31) - 1))
show("i float", lambda: i.__setitem__(1, 1.5))
i[2] = True
show("i bool", lambda: (i[2], type(i[2]).__name__))
show("i list", lambda: i.tolist())

q = array("q", [0] * 4)
for k in range(4):
    q[k] = k * k - 5
show("q", lambda: q.tolist())
show("q big", lambda: q.__setitem__(0, 2 ** 63))

b = array("b", [0, 0])
show("b range", lambda: b.__setitem__(0, 200))
b[1] = -128
show("b", lambda: b.tolist())

f = array("f", [0.0])
f[0] = 0.1
show("f rounded", lambda: f[0])


class Sub(array):
    pass


s = Sub("d", [1.0, 2.0])
s[0] = 4.0
show("sub", lambda: (s[0], s[1], type(s).__name__))

total = 0.0
a = array("d", [0.0]) * 1000
for k in range(1000):
    a[k] = k * 0.5
for k in range(1000):
    total += a[k]
show("loop", lambda: total)
show("len", lambda: len(a))
show("d['x'] = 1.0", lambda: d.__setitem__("x", 1.0))
show("d[1.0]", lambda: d[1.0])
