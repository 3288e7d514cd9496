"""GC churn benchmark: 50 million short-lived objects and 1 million dropped reference cycles.

Phase 1 allocates 50_000_000 small objects (instances of a plain class, half of them also
holding a tuple) that die immediately, while keeping a bounded window of survivors so the
collector has to promote some objects. Phase 2 builds 1_000_000 reference cycles (pairs and
triangles of objects pointing at each other, some through a list) and drops them: only a
cycle-collecting GC can reclaim them. The output is deterministic.

Run: python3 benches/programs/gc_churn.py
"""


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y


class Node:
    def __init__(self, value):
        self.value = value
        self.other = None


def churn(n):
    """n short-lived objects: 3/4 are Points, 1/4 are tuples; 1 in 1000 survives a while."""
    window = [None] * 1000
    total = 0
    i = 0
    while i < n:
        p = Point(i, i + 1)
        q = Point(i + 2, i + 3)
        t = (p.x, q.y)
        r = Point(t[0], t[1])
        total += r.y - r.x
        if i % 4000 == 0:
            window[(i // 4000) % 1000] = r
        i += 4
    kept = 0
    for w in window:
        if w is not None:
            kept += 1
    return total, kept


def cycles(n):
    """n reference cycles, built and dropped."""
    total = 0
    for i in range(n):
        a = Node(i)
        b = Node(i + 1)
        a.other = b
        if i % 3 == 0:
            c = Node(i + 2)
            b.other = c
            c.other = [a, i]
        else:
            b.other = a
        total += a.other.value
    return total


def main():
    total, kept = churn(50_000_000)
    print("churn", total, kept)
    print("cycles", cycles(1_000_000))


main()
