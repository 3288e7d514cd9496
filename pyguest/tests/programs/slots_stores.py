# Attribute stores on instances of __slots__ classes, in loops hot enough to be compiled:
# existing attributes (stored through the instance's map), attributes added later (the slot
# names are checked), rejected names, deletion and re-adding, subclasses with and without
# __dict__, and a class given __setattr__ after instances exist.


class P:
    __slots__ = ("x", "y")

    def __init__(self, x):
        self.x = x


class Q(P):
    __slots__ = ("z",)


class D(P):
    pass  # has a __dict__


def run(n):
    ps = [P(i) for i in range(8)]
    total = 0
    for k in range(n):
        p = ps[k % 8]
        p.x = p.x + 1  # existing attribute
        if k % 3 == 0:
            p.y = k  # added later (allowed), then overwritten
        try:
            p.w = 1  # not a slot
        except AttributeError as e:
            if k == 0:
                print("rejected:", e)
        if k % 50 == 49:
            del p.x
            try:
                p.x
            except AttributeError as e:
                if k == 49:
                    print("deleted:", e)
            p.x = k
        total += p.x
    return total, sum(p.x for p in ps), [getattr(p, "y", None) for p in ps][:3]


print(run(3000))

q = Q(1)
for i in range(2000):
    q.x = i
    q.z = i * 2
print(q.x, q.z)
try:
    q.w = 1
except AttributeError as e:
    print("Q rejected:", e)

d = D(1)
for i in range(2000):
    d.x = i
    d.w = i  # a __dict__ attribute
print(d.x, d.w)


class S:
    __slots__ = ("a",)


s = S()
log = []
for i in range(1500):
    s.a = i
    if i == 1000:
        S.__setattr__ = lambda self, name, v: log.append((name, v))
print(s.a, log[:2], len(log))
