from dataclasses import (dataclass, field, fields, asdict, astuple, replace, is_dataclass,
                         FrozenInstanceError, InitVar, KW_ONLY, make_dataclass, MISSING)
from typing import ClassVar, List, Optional


@dataclass
class Point:
    x: int
    y: int = 0

    def norm1(self):
        return abs(self.x) + abs(self.y)


p = Point(3, -4)
print(p, repr(Point(1)), p.norm1(), p == Point(3, -4), p != Point(3, 4), p == (3, -4))
print(Point.__match_args__, Point.__hash__ is None, Point.y, is_dataclass(p), is_dataclass(Point), is_dataclass(3))
print(Point.__doc__)
print([f.name for f in fields(Point)], [f.default for f in fields(p)][1:], fields(p)[1].default is MISSING)


@dataclass(order=True, frozen=True)
class Version:
    major: int
    minor: int = 0
    patch: int = 0
    label: str = field(default="", compare=False, repr=False)


vs = [Version(1, 2, 3), Version(1, 0), Version(0, 9, 9, "beta"), Version(1, 2)]
print(sorted(vs), max(vs), Version(1) < Version(1, 0, 1), Version(2) >= Version(1, 9))
print(Version(1, 2, label="a") == Version(1, 2, label="b"), hash(Version(1, 2)) == hash(Version(1, 2, label="z")))
try:
    vs[0].major = 5
except FrozenInstanceError as e:
    print("FrozenInstanceError:", e, isinstance(e, AttributeError))
try:
    del vs[0].minor
except FrozenInstanceError as e:
    print("FrozenInstanceError:", e)
print({Version(1): "one"}[Version(1, 0, 0)])
try:
    Version(1) < Point(1)
except TypeError as e:
    print("TypeError:", e)


@dataclass
class Inventory:
    owner: str
    items: List[str] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    total: int = field(init=False, default=0)
    kind: ClassVar[str] = "inventory"
    secret: str = field(default="hidden", repr=False)

    def add(self, item, n=1):
        self.items.append(item)
        self.counts[item] = self.counts.get(item, 0) + n
        self.total += n


a = Inventory("ann")
b = Inventory("bob")
a.add("apple", 3)
a.add("pear")
print(a, b, Inventory.kind, [f.name for f in fields(Inventory)])
print(asdict(a), astuple(a))
c = replace(a, owner="cat")
print(c, c.items is a.items)
try:
    replace(a, total=5)
except ValueError as e:
    print("ValueError:", e)


@dataclass
class Temperature:
    celsius: float
    scale: InitVar[str] = "C"
    kelvin: float = field(init=False)

    def __post_init__(self, scale):
        if scale == "F":
            self.celsius = round((self.celsius - 32) * 5 / 9, 2)
        self.kelvin = round(self.celsius + 273.15, 2)


print(Temperature(100), Temperature(212, "F"), [f.name for f in fields(Temperature)])


@dataclass
class Base:
    id: int
    name: str = "base"


@dataclass
class Derived(Base):
    extra: list = field(default_factory=lambda: [1, 2])
    name: str = "derived"


d = Derived(7)
print(d, Derived(1, "n", [3]), isinstance(d, Base), Derived.__match_args__)


@dataclass
class Tree:
    value: int
    children: list = field(default_factory=list)
    parent: Optional["Tree"] = field(default=None, repr=False, compare=False)


root = Tree(1, [Tree(2), Tree(3, [Tree(4)])])
print(root)
print(asdict(root))
print(astuple(root))


@dataclass(kw_only=True)
class Options:
    verbose: bool = False
    level: int


print(Options(level=3), Options(verbose=True, level=1))


@dataclass
class Mixed:
    a: int
    _: KW_ONLY
    b: int = 2
    c: int


print(Mixed(1, c=3), Mixed.__match_args__)
try:
    Mixed(1, 2, 3)
except TypeError as e:
    print("TypeError:", e)
try:
    Point()
except TypeError as e:
    print("TypeError:", e)
try:
    Point(1, 2, 3)
except TypeError as e:
    print("TypeError:", e)
try:
    @dataclass
    class Bad:
        x: list = []
except ValueError as e:
    print("ValueError:", e)
try:
    @dataclass
    class Bad2:
        x: int = 1
        y: int
except TypeError as e:
    print("TypeError:", e)


@dataclass(eq=False)
class Ident:
    v: int


print(Ident(1) == Ident(1), Ident.__hash__ is object.__hash__)


@dataclass(unsafe_hash=True)
class Hashable:
    v: int
    w: list = field(default_factory=list, hash=False)


print(hash(Hashable(5)) == hash(Hashable(5, [1])))


@dataclass(slots=True)
class Slotted:
    x: int
    y: int = 1


s = Slotted(1)
print(s, Slotted.__slots__, hasattr(s, "__dict__"))
try:
    s.z = 3
except AttributeError:
    print("AttributeError on new attribute")

Dyn = make_dataclass("Dyn", [("x", int), "z", ("y", int, field(default=5))])
print(Dyn(1, z=3), [f.name for f in fields(Dyn)])


@dataclass
class Recursive:
    name: str
    other: object = None


r = Recursive("r")
r.other = r
print(r)


@dataclass
class Pt:
    x: int
    y: int


match Pt(1, 2):
    case Pt(x, y=2):
        print("matched", x)


@dataclass
class WithMethods:
    name: str

    def __repr__(self):
        return "custom<%s>" % self.name


print(WithMethods("w"), WithMethods("a") == WithMethods("a"))
