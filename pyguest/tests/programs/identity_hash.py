# Objects used as dict keys and set members stay findable, and id() stays the same, after
# the collector has moved them out of the nursery (many allocations in between).
import os

# Enough allocations to fill the nursery several times. Under METATRACER_GC_STRESS=1 every
# allocation already moves every young object, and every 64th runs a full collection over
# the whole live heap, so 300000 live junk lists would make the run quadratic (over 4
# minutes): a few thousand are as good a test there.
JUNK = 3000 if os.environ.get("METATRACER_GC_STRESS") == "1" else 300000
class A:
    pass


class WithEq:
    def __init__(self, k):
        self.k = k

    def __eq__(self, other):
        return isinstance(other, WithEq) and self.k == other.k

    def __hash__(self):
        return hash(self.k)


objs = [A() for _ in range(50)]
s = set(objs)
d = {o: i for i, o in enumerate(objs)}
ids = [id(o) for o in objs]
hashes = [hash(o) for o in objs]
junk = [[i] * 10 for i in range(JUNK)]
print(all(o in s for o in objs), all(d[o] == i for i, o in enumerate(objs)))
print(ids == [id(o) for o in objs], hashes == [hash(o) for o in objs])
print(len(set(ids)) == len(objs), A() not in s, len({A(), A()}))
w = {WithEq(1): "one"}
junk = [[i] * 10 for i in range(JUNK)]
print(w[WithEq(1)], WithEq(2) in w)
del junk

# Functions, classes, modules and other built-in kinds hash by address: the address must not
# change when the collector would promote them (a registry keyed by functions or classes).
def make(i):
    def f():
        return i

    return f


fs = [make(i) for i in range(100)]
classes = [type("C%d" % i, (), {}) for i in range(20)]
reg = {f: i for i, f in enumerate(fs)}
creg = set(classes)
fids = [id(f) for f in fs] + [id(c) for c in classes]
junk = [[i] * 10 for i in range(JUNK)]
print(all(reg[f] == i for i, f in enumerate(fs)), all(c in creg for c in classes))
print(fids == [id(f) for f in fs] + [id(c) for c in classes], len(set(fids)) == len(fids))
del junk
