# heapq and bisect through their native accelerators (_heapq, _bisect), against CPython 3.11:
# exact heap layouts, key=/lo/hi, errors for non-lists and bad indices, comparisons that
# raise, and lists that __lt__ mutates (same length: the values swapped as CPython swaps
# them; other length: RuntimeError / IndexError).
import heapq
import bisect
import _heapq
import _bisect

print("native:", type(heapq.heappush).__name__, type(bisect.bisect_left).__name__,
      heapq.heappop is _heapq.heappop, bisect.insort is _bisect.insort_right,
      bisect.bisect is _bisect.bisect_right)


def lcg(seed):
    x = seed
    while True:
        x = (x * 1103515245 + 12345) % 2147483648
        yield x


def show(label, f):
    try:
        print(label, f())
    except Exception as e:
        print(label, type(e).__name__, e)


# ---------------------------------------------------------------- heaps
g = lcg(7)
h = []
for _ in range(40):
    heapq.heappush(h, next(g) % 100)
print("layout after pushes", h)
out = [heapq.heappop(h) for _ in range(len(h))]
print("popped sorted", out == sorted(out), out[:10])

data = [next(g) % 1000 for _ in range(101)]
h = list(data)
heapq.heapify(h)
print("heapify layout", h[:20])
print("heapreplace", heapq.heapreplace(h, 500), h[:8])
print("heappushpop small", heapq.heappushpop(h, -1), h[:4])
print("heappushpop big", heapq.heappushpop(h, 10**6), h[:8])
print("heappushpop empty", heapq.heappushpop([], 3))
m = list(data)
heapq._heapify_max(m)
print("max layout", m[:12])
print("max pop", heapq._heappop_max(m), heapq._heappop_max(m), m[:6])
print("max replace", heapq._heapreplace_max(m, 1), m[:6])
print("nlargest", heapq.nlargest(5, data), "nsmallest", heapq.nsmallest(5, data))
print("merge", list(heapq.merge([1, 4, 9], [2, 3, 10], [0])))

# floats (pyguest keeps float lists unboxed), mixed numbers, tuples, strings
fh = []
for i in range(30):
    heapq.heappush(fh, (next(g) % 1000) / 7.0)
print("float layout", [round(x, 3) for x in fh[:10]])
mixed = [3, 1.5, 2, 0.25, 10**20, -7, 2.0]
heapq.heapify(mixed)
print("mixed", mixed, [heapq.heappop(mixed) for _ in range(7)])
th = []
for i, word in enumerate("the quick brown fox jumps over the lazy dog".split()):
    heapq.heappush(th, (len(word), i, word))
print("tuples", [heapq.heappop(th)[2] for _ in range(len(th))])
sh = ["pear", "apple", "fig", "kiwi", "banana"]
heapq.heapify(sh)
print("strings", sh)

# errors
show("push non-list", lambda: heapq.heappush((1, 2), 3))
show("pop non-list", lambda: heapq.heappop(None))
show("heapify non-list", lambda: heapq.heapify("abc"))
show("replace non-list", lambda: heapq.heapreplace({}, 1))
show("pushpop non-list", lambda: heapq.heappushpop(5, 1))
show("pop empty", lambda: heapq.heappop([]))
show("replace empty", lambda: heapq.heapreplace([], 1))
show("max pop empty", lambda: heapq._heappop_max([]))
show("mixed types", lambda: heapq.heapify([1, "a", 2, "b"]))
show("push incomparable", lambda: heapq.heappush([1, 2, 3], None))
try:
    heapq.heappush([])
except TypeError:
    print("heappush with one argument: TypeError")


class ListSub(list):
    pass


ls = ListSub([5, 3, 8, 1])
heapq.heapify(ls)
print("list subclass", type(ls).__name__, list(ls), heapq.heappop(ls))


class Boom(Exception):
    pass


class Raises:
    def __init__(self, v):
        self.v = v

    def __lt__(self, other):
        if self.v == 13 or other.v == 13:
            raise Boom("compared 13")
        return self.v < other.v

    def __repr__(self):
        return f"R{self.v}"


rh = [Raises(v) for v in (5, 9, 2, 7)]
heapq.heapify(rh)
show("push raising", lambda: heapq.heappush(rh, Raises(13)))
print("after raising push", rh)


# __lt__ that rewrites the heap without changing its length: CPython swaps the slots it
# reads after the comparison, so the result shows exactly which slots were re-read
class Rewriter:
    heap = None
    armed = True

    def __init__(self, v):
        self.v = v

    def __lt__(self, other):
        if Rewriter.armed and self.v == 4:
            Rewriter.armed = False
            Rewriter.heap[0], Rewriter.heap[-1] = Rewriter.heap[-1], Rewriter.heap[0]
        return self.v < other.v

    def __repr__(self):
        return f"W{self.v}"


wh = [Rewriter(v) for v in (1, 3, 5, 7, 9, 11)]
Rewriter.heap = wh
heapq.heappush(wh, Rewriter(4))
print("rewritten push", wh)


class Grower:
    heap = None

    def __init__(self, v):
        self.v = v

    def __lt__(self, other):
        Grower.heap.append(Grower(100))
        return self.v < other.v


gh = [Grower(v) for v in (1, 2, 3)]
Grower.heap = gh
show("growing push", lambda: heapq.heappush(gh, Grower(0)))
gh2 = [Grower(v) for v in (9, 2, 3, 4)]
Grower.heap = gh2
show("growing heapify", lambda: heapq.heapify(gh2))


class Shrinker:
    heap = None

    def __init__(self, v):
        self.v = v

    def __lt__(self, other):
        if Shrinker.heap:
            Shrinker.heap.pop()
        return self.v < other.v


kh = [Shrinker(v) for v in (1, 2, 3, 4, 5)]
Shrinker.heap = kh
show("shrinking pop", lambda: heapq.heappop(kh))
kh2 = [Shrinker(v) for v in (1, 2, 3)]
Shrinker.heap = kh2
show("shrinking pushpop", lambda: heapq.heappushpop(kh2, Shrinker(7)))

# ---------------------------------------------------------------- bisect
a = [1, 2, 2, 2, 3, 5, 8, 8, 13]
for x in (0, 1, 2, 4, 8, 13, 20):
    print("bisect", x, bisect.bisect_left(a, x), bisect.bisect_right(a, x),
          bisect.bisect(a, x), bisect.bisect_left(a, x, 2, 6), bisect.bisect_right(a, x, lo=3),
          bisect.bisect_right(a, x, hi=4), bisect.bisect_left(a, x, 1, None))
print("hi=-1 means len", bisect.bisect_left(a, 100, 0, -1), "hi<lo", bisect.bisect_left(a, 5, 4, 2))
print("lo past end", bisect.bisect_right(a, 0, 20))
print("tuple", bisect.bisect_left((1, 3, 5, 7), 4), "range", bisect.bisect_right(range(0, 100, 3), 50))
print("str", bisect.bisect_left("acegi", "d"))

recs = [("ann", 31), ("bob", 25), ("cy", 40), ("di", 25)]
recs.sort(key=lambda r: r[1])
print("key", bisect.bisect_left(recs, 25, key=lambda r: r[1]),
      bisect.bisect_right(recs, 25, key=lambda r: r[1]),
      bisect.bisect_right(recs, 35, 0, 3, key=lambda r: r[1]))
bisect.insort(recs, ("ed", 30), key=lambda r: r[1])
bisect.insort_left(recs, ("fay", 25), key=lambda r: r[1])
bisect.insort_right(recs, ("gus", 25), key=lambda r: r[1])
print("insort key", recs)
bisect.insort_left(recs, ("hal", 99), key=None)
print("key=None", recs[-1])

s = []
g = lcg(3)
for _ in range(50):
    bisect.insort(s, next(g) % 30)
print("insort sorted", s == sorted(s), s[:15])
s2 = [1.5, 2.5]
bisect.insort_left(s2, 2.5)
bisect.insort_right(s2, 2)
bisect.insort(s2, 0.5, 0, 1)
print("floats", s2)


class Logged(list):
    def insert(self, i, x):
        print("  Logged.insert", i, x)
        super().insert(i, x)


lg = Logged([1, 3, 5])
bisect.insort(lg, 4)
bisect.insort_left(lg, 0)
print("list subclass insort", lg)

show("lo negative", lambda: bisect.bisect_left(a, 1, -1))
show("insort lo negative", lambda: bisect.insort(a, 1, -3))
show("lo str", lambda: bisect.bisect_right(a, 1, "x"))
show("hi float", lambda: bisect.bisect_right(a, 1, 0, 2.5))
show("not a sequence", lambda: bisect.bisect_left(5, 1))
show("insort into tuple", lambda: bisect.insort((1, 2), 1))
show("mixed compare", lambda: bisect.bisect_left([1, 2, 3], "a"))
show("key raises", lambda: bisect.bisect_left([1, 2, 3], 2, key=lambda v: 1 / 0))
show("key not callable", lambda: bisect.bisect_left([1, 2, 3], 2, key=5))
show("bad keyword", lambda: bisect.bisect_left([1, 2, 3], 2, low=1))
show("hi beyond len", lambda: bisect.bisect_left([1, 2, 3], 9, 0, 10))
rb = [Raises(v) for v in (1, 5, 13, 20)]
show("compare raises", lambda: bisect.bisect_right(rb, Raises(14)))
show("insort compare raises", lambda: bisect.insort(rb, Raises(14)))
print("unchanged after raise", rb)


class Shrink:
    seq = None

    def __init__(self, v):
        self.v = v

    def __lt__(self, other):
        while len(Shrink.seq) > 1:
            Shrink.seq.pop()
        return self.v < other.v


sq = [Shrink(v) for v in range(10)]
Shrink.seq = sq
show("shrinking bisect", lambda: bisect.bisect_left(sq, Shrink(7)))

# a long run: the native paths agree with sorting
g = lcg(11)
h, s = [], []
for i in range(3000):
    v = next(g) % 5000
    heapq.heappush(h, v)
    bisect.insort(s, v)
    if i % 3 == 0:
        heapq.heappop(h)
        s.pop(0)
print("long run agrees", sorted(h) == s, len(h), s[:5], s[-5:])
