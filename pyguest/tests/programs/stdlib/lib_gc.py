# gc: the module's API and collection of unreachable objects (cycles included), checked
# through weak references so the output is the same with reference counting.
import gc
import weakref


class Node:
    def __init__(self, name):
        self.name = name
        self.peer = None


def make_cycle():
    a, b = Node("a"), Node("b")
    a.peer, b.peer = b, a
    return weakref.ref(a), weakref.ref(b)


print(gc.isenabled())
gc.disable()
print(gc.isenabled())
gc.enable()
print(gc.isenabled(), type(gc.collect()).__name__ in ('int', 'NoneType'), len(gc.get_count()), gc.get_threshold()[0] > 0)
print(type(gc.get_stats()).__name__, sorted(gc.get_stats()[0]), gc.garbage)
# (made in a dispatch loop entered from native code, so the outer loop's native frame keeps
# no stale copy of the nodes for the conservative stack scan: docs/compatibility.md)
ra, rb = next(map(lambda _: make_cycle(), [0]))
found = gc.collect()
print(ra() is None, rb() is None, found is None or found >= 0)
gc.set_threshold(500, 5, 5)
print(gc.get_threshold())
kept = Node("kept")
rk = weakref.ref(kept)
gc.collect()
print(rk() is kept, gc.is_tracked(kept), gc.is_tracked(1), gc.is_tracked("s"))
print(sorted(k for k in dir(gc) if k in ("collect", "enable", "disable", "isenabled", "get_count")))
