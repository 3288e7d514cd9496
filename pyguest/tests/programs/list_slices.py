# List slicing in both storage strategies (objects, unboxed floats): reads with every kind
# of step, slice assignment from another list and from the list itself, extended-slice size
# errors, and __index__ methods that change the list while its slice is computed.

objs = list(range(10))
flts = [i * 0.5 for i in range(10)]
mixed = [1, "a", 2.5, None, (1, 2), [3], 4, 5.0, "b", True]

for name, l in (("objs", objs), ("flts", flts), ("mixed", mixed)):
    for sl in (slice(None), slice(2, 7), slice(-3, None), slice(None, -4), slice(8, 2),
               slice(None, None, 2), slice(1, None, 3), slice(None, None, -1),
               slice(7, 1, -2), slice(-1, -11, -3), slice(20, 30), slice(-30, 3),
               slice(3, 3), slice(None, None, 100), slice(None, None, -100)):
        r = l[sl]
        print(name, sl.start, sl.stop, sl.step, r, type(r).__name__, len(r))
    c = l[:]
    print(name, "copy is new:", c is not l, c == l)

# a slice of a float list stays a float list that takes other values later
f = flts[1:4]
f.append("x")
f[0] = None
print(f)
g = flts[::-2]
g[1] = g[1] + 1
print(g, flts)

# slice assignment from another list: same length (in place), other lengths, extended
def fresh():
    return list(range(8))

a = fresh(); a[2:5] = [20, 30, 40]; print(a)
a = fresh(); a[2:5] = [1]; print(a)
a = fresh(); a[2:5] = [1, 2, 3, 4, 5]; print(a)
a = fresh(); a[5:2] = [7, 7]; print(a)
a = fresh(); a[::2] = ["a", "b", "c", "d"]; print(a)
a = fresh(); a[::-3] = [0.5, 1.5, 2.5]; print(a)
a = fresh(); a[:0] = [9]; print(a)
a = fresh(); a[100:] = [9, 9]; print(a)
try:
    a = fresh(); a[::2] = [1, 2]
except ValueError as e:
    print("ValueError", e)
fl = [0.5, 1.5, 2.5, 3.5]
fl[1:3] = [9.0, "s"]
print(fl)
fl = [0.5, 1.5, 2.5, 3.5]
fl[::-1] = [1.0, 2.0, 3.0, 4.0]
print(fl)
ob = [1, 2, 3, 4]
ob[1:3] = [0.25, 0.75]
print(ob)

# the list itself on the right: CPython copies it first
a = fresh(); a[:] = a; print(a)
a = fresh(); a[::-1] = a; print(a)
a = fresh(); a[2:4] = a; print(a)
a = fresh(); a[1:7:2] = a[0:3]; print(a)

# pancake flips, as fannkuch does them
p = [3, 1, 4, 0, 2]
first = p[0]
flips = 0
while first != 0:
    p[:first + 1] = p[first::-1]
    flips += 1
    first = p[0]
print(p, flips)

# __index__ that changes the list while the slice's indices are computed
class Shrink:
    def __init__(self, l, v):
        self.l, self.v = l, v
    def __index__(self):
        if len(self.l) > 3:
            del self.l[3:]
        return self.v

l = list(range(10))
print(l[Shrink(l, 1):8], l)
l = list(range(10))
l[Shrink(l, 0):2] = [7, 8]
print(l)
l = [0.5] * 10
print(l[:Shrink(l, 9)], l)
