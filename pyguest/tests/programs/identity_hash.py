# Objects used as dict keys and set members stay findable, and id() stays the same, after
# the collector has moved them out of the nursery (many allocations in between).
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
junk = [[i] * 10 for i in range(300000)]
print(all(o in s for o in objs), all(d[o] == i for i, o in enumerate(objs)))
print(ids == [id(o) for o in objs], hashes == [hash(o) for o in objs])
print(len(set(ids)) == len(objs), A() not in s, len({A(), A()}))
w = {WithEq(1): "one"}
junk = [[i] * 10 for i in range(300000)]
print(w[WithEq(1)], WithEq(2) in w)
del junk
