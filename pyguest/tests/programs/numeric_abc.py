# correctly rounded int / int, math.erf as libm, collections.abc, __subclasses__,
# isinstance through a non-class's __instancecheck__
import math
from collections.abc import (Iterable, Iterator, Sequence, MutableSequence, Mapping,
                             MutableMapping, Callable, Hashable, Sized, Set, Generator)
print(14163994134999251149812769 / 5424658191543895143840000)
print(10**400 // 7 / 10**399, (2**1100 + 1) / 2**1000, -(3**500) / 7**300, 0 / -5)
print(1 / 3**700, 2**1074 // 2**1074 / 2**1074, 3 / 2**1076, (2**53 + 1) / 1, (2**64 - 1) / 3)
for a, b in ((9007199254740993, 1), (-9223372036854775807 - 1, 3), (123456789123456789, 1000)):
    print(a / b)
try:
    print(10**400 / 3)
except OverflowError as e:
    print("OverflowError:", e)
print([math.erf(x) for x in (0.1, 0.5, 1.0, 1.3333333333333333, -2.5, 4.0)])
print([math.erfc(x) for x in (0.1, 1.0, 3.0)])
print(issubclass(list, MutableSequence), issubclass(tuple, Sequence), isinstance("", Sequence))
print(isinstance({}, MutableMapping), isinstance(3, Iterable), isinstance(iter([]), Iterator))
print(isinstance(len, Callable), isinstance([], Hashable), isinstance("", Sized), isinstance(frozenset(), Set))
print(isinstance((x for x in ()), Generator), Callable, Mapping.__module__)
class Bag(Sequence):
    def __init__(self, *xs): self.xs = xs
    def __getitem__(self, i): return self.xs[i]
    def __len__(self): return len(self.xs)
b = Bag(1, 2, 3, 2)
print(list(b), 2 in b, b.index(3), b.count(2), list(reversed(b)))
class A: pass
class B(A): pass
class C(A): pass
print(A.__subclasses__(), B.__subclasses__())
class Checker:
    def __instancecheck__(self, obj): return obj == 42
    def __subclasscheck__(self, c): return c is int
print(isinstance(42, Checker()), isinstance(41, Checker()), issubclass(int, Checker()))
