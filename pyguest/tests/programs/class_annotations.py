x: int = 3
y: str
print(__annotations__)

class P:
    a: int = 1
    b: "list[str]"
    c: float = 2.5
    if True:
        d: bool = False
    def method(self):
        z: int = 5
        return z
print(P.__annotations__, P.a, P.c, P.d, P().method())
print('b' in P.__dict__)

class Q(P):
    e: int
print(Q.__annotations__)

from dataclasses import dataclass, field
@dataclass
class Point:
    x: int
    y: int = 0
    tags: list = field(default_factory=list)
p = Point(1, 2)
print(p, p == Point(1, 2), Point(5))

from typing import NamedTuple
class Pair(NamedTuple):
    left: int
    right: str = "r"
print(Pair(1), Pair(2, "x")._fields)

def func(a: int, b: "str" = "x", *args: float, key: bool = False, **kw: dict) -> list:
    return [a, b]
print(func.__annotations__, func(1))
def plain(a, b):
    return a
print(getattr(plain, "__annotations__", {}))
from typing import get_type_hints
class Box:
    def put(self, item: int) -> None:
        pass
print(get_type_hints(Box.put))
