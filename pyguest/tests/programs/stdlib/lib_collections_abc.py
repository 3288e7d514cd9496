import collections.abc as C
from collections.abc import Mapping, MutableMapping, Sequence
import collections

def show(label, v):
    print(label, v)

names = ["Hashable", "Iterable", "Iterator", "Reversible", "Generator", "Sized", "Container",
         "Collection", "Callable", "Set", "MutableSet", "Mapping", "MutableMapping",
         "MappingView", "KeysView", "ItemsView", "ValuesView", "Sequence", "MutableSequence",
         "ByteString"]
def gen():
    yield 1
class Plain: pass
class WithCall:
    def __call__(self): return 1
class WithIter:
    def __iter__(self): return iter([])
class WithLen:
    def __len__(self): return 0
class NoHash:
    __hash__ = None
objs = [("list", []), ("tuple", ()), ("str", ""), ("bytes", b""), ("bytearray", bytearray()),
        ("dict", {}), ("set", set()), ("frozenset", frozenset()), ("range", range(3)),
        ("int", 3), ("float", 1.5), ("None", None), ("keys", {}.keys()), ("values", {}.values()),
        ("items", {}.items()), ("list_iter", iter([])), ("gen", gen()), ("func", gen),
        ("builtin", len), ("type", int), ("Plain", Plain()), ("WithCall", WithCall()),
        ("WithIter", WithIter()), ("WithLen", WithLen()), ("NoHash", NoHash()),
        ("map", map(str, [])), ("zip", zip()), ("enumerate", enumerate([])),
        ("bound", WithCall().__call__), ("dict_iter", iter({}))]
for label, o in objs:
    yes = [n for n in names if isinstance(o, getattr(C, n))]
    print(label.ljust(10), " ".join(yes))

print(issubclass(list, C.Sequence), issubclass(dict, C.Mapping), issubclass(str, C.MutableSequence))
print(issubclass(int, C.Hashable), issubclass(list, C.Hashable))

class Bag(C.MutableMapping):
    def __init__(self, *a, **k):
        self._d = {}
        self.update(*a, **k)
    def __getitem__(self, k): return self._d[k.lower()]
    def __setitem__(self, k, v): self._d[k.lower()] = v
    def __delitem__(self, k): del self._d[k.lower()]
    def __iter__(self): return iter(self._d)
    def __len__(self): return len(self._d)
    def __repr__(self): return "Bag(%r)" % self._d

b = Bag({"A": 1}, B=2)
print(b, len(b), "a" in b, "Z" in b, b.get("b"), b.get("z", 9))
print(list(b.keys()), list(b.values()), list(b.items()))
print(b.keys(), b.items())
b.setdefault("c", 3)
print(b.pop("a"), b.pop("q", None), b)
print(b.popitem(), b)
print(b == {"c": 3}, b != {"c": 4})
try:
    b.pop("nope")
except KeyError as e:
    print("KeyError", e)
b.clear(); print(b, isinstance(b, C.Mapping), isinstance(b, dict))
print(sorted(b.keys() | {"x"}), ("c", 3) in Bag(c=3).items(), 3 in Bag(c=3).values())

class Seq(C.Sequence):
    def __init__(self, n): self.n = n
    def __getitem__(self, i):
        if isinstance(i, slice): return [self[j] for j in range(*i.indices(self.n))]
        if i < 0: i += self.n
        if not 0 <= i < self.n: raise IndexError(i)
        return i * i
    def __len__(self): return self.n
s = Seq(6)
print(list(s), 9 in s, 10 in s, s.index(16), s.count(4), list(reversed(s)))
try:
    s.index(7)
except ValueError as e:
    print("ValueError", repr(e))

class MList(C.MutableSequence):
    def __init__(self): self.d = []
    def __getitem__(self, i): return self.d[i]
    def __setitem__(self, i, v): self.d[i] = v
    def __delitem__(self, i): del self.d[i]
    def __len__(self): return len(self.d)
    def insert(self, i, v): self.d.insert(i, v)
m = MList()
m.append(1); m.extend([2, 3, 4]); m += [5]
print(m.d, m.pop(), m.pop(0), m.d)
m.reverse(); print(m.d); m.remove(3); print(m.d)
m.clear(); print(m.d)

class ISet(C.Set):
    def __init__(self, it=()): self.s = list(dict.fromkeys(it))
    def __contains__(self, x): return x in self.s
    def __iter__(self): return iter(self.s)
    def __len__(self): return len(self.s)
a, bb = ISet([1, 2, 3]), ISet([2, 3, 4])
print(sorted(a & bb), sorted(a | bb), sorted(a - bb), sorted(a ^ bb))
print(a <= bb, ISet([2]) < a, a == ISet([3, 2, 1]), a.isdisjoint([7]), a >= ISet([1]))

class MSet(C.MutableSet):
    def __init__(self, it=()): self.s = set(it)
    def __contains__(self, x): return x in self.s
    def __iter__(self): return iter(sorted(self.s))
    def __len__(self): return len(self.s)
    def add(self, x): self.s.add(x)
    def discard(self, x): self.s.discard(x)
ms = MSet([1, 2])
ms |= {5}; ms -= {1}; print(sorted(ms))
ms.remove(2); print(sorted(ms))
try:
    ms.remove(99)
except KeyError as e:
    print("KeyError", e)
print(ms.pop(), len(ms))

try:
    C.Mapping()
except TypeError as e:
    print(e)
try:
    class Half(C.Sequence):
        def __len__(self): return 0
    Half()
except TypeError as e:
    print(e)
print(C.Sized.register(Plain) is Plain, isinstance(Plain(), C.Sized))
class V: pass
C.Sequence.register(V)
print(issubclass(V, C.Iterable), issubclass(V, C.Collection), issubclass(V, C.MutableSequence))
print(C.Mapping.__name__, C.MutableSequence.__mro__[1].__name__)
print(repr(C.KeysView({"a": 1})), repr(C.ValuesView({"a": 1})))
print(sorted(C.Mapping.__abstractmethods__), sorted(C.MutableSequence.__abstractmethods__))

print(collections.abc.Mapping is Mapping, Mapping.__module__, MutableMapping.__qualname__)
print(isinstance(collections.OrderedDict(), MutableMapping), isinstance(collections.Counter(), Mapping))
print(isinstance(collections.deque(), C.Sequence) or isinstance(collections.deque(), C.MutableSequence))
print(isinstance(collections.defaultdict(int), MutableMapping), isinstance((1, 2), Sequence))
