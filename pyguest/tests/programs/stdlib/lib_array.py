from array import array, typecodes
import copy

print(typecodes)
a = array("h", [1, 2, 3])
a.append(4)
a.extend([5, 6])
a.insert(0, -1)
print(a, len(a), a[0], a[-1], a[1:3], a.typecode, a.itemsize, 3 in a, a.count(2), a.index(3), list(a))
a[2] = 20
del a[0]
print(a, a.pop(), a.pop(0), a, a.tolist(), sum(a), max(a))
a.remove(20)
a.reverse()
print(a, a + array("h", [9]), a * 2, 2 * array("h", [7]), array("i", [1, 2]) == array("h", [1, 2]), array("i", [1, 2]) < array("i", [1, 3]))
b = array("i", range(5))
b[1:3] = array("i", [10, 11, 12])
print(b, b.tobytes().hex(), array("i", b.tobytes()))
d = array("d", [1.5, -2.25, 1e100])
f = array("f", [0.1, 1.5, 3.14159])
print(d, f, repr(f), f[0], d.tobytes().hex(), f.tobytes().hex())
g = array("d")
g.frombytes(d.tobytes())
print(g == d, array("b"), array("B", b"\x01\xff"), array("q", [2 ** 62]).tobytes().hex(), array("L", [2 ** 63]).itemsize)
u = array("u", "héllo")
u.fromunicode("!")
print(u, u.tounicode(), u[1], len(u.tobytes()))
s = array("H", [1, 258])
s.byteswap()
print(s, array("l", [-1]).itemsize, copy.deepcopy(d) == d, copy.copy(d) is d)
x = array("i", [3, 1, 2])
x.fromlist([7, 8])
print(x, sorted(x), list(reversed(x)), x.buffer_info()[1])
for thunk in [lambda: a.append(40000), lambda: array("B", [256]), lambda: array("i", [2 ** 31]), lambda: array("b", [-129]),
              lambda: array("I", [-1]), lambda: array("L", [2 ** 64]), lambda: array("q", [2 ** 63]), lambda: array("Q", [-1]),
              lambda: array("z"), lambda: a.append(1.5), lambda: array("f", ["x"]), lambda: a.index(99), lambda: a.remove(99),
              lambda: a + array("i"), lambda: a.frombytes(b"abc"), lambda: array("d", [1])[5], lambda: array("i").pop()]:
    try:
        print(thunk())
    except (OverflowError, ValueError, TypeError, IndexError) as e:
        print(type(e).__name__, e)
