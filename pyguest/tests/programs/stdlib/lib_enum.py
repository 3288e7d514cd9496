import enum
from enum import Enum, IntEnum, StrEnum, Flag, IntFlag, auto, unique


class Color(Enum):
    RED = 1
    GREEN = 2
    BLUE = 3
    CRIMSON = 1

    def describe(self):
        return "%s is %d" % (self.name.lower(), self.value)

    @property
    def warm(self):
        return self is Color.RED

    @classmethod
    def default(cls):
        return cls.GREEN


print(list(Color), len(Color), Color.CRIMSON, Color.CRIMSON is Color.RED)
print(repr(Color.RED), str(Color.RED), f"{Color.BLUE}", "{:>12}|".format(Color.GREEN), format(Color.RED))
print(Color(2), Color["BLUE"], Color.RED.name, Color.RED.value, Color.RED.describe(), Color.RED.warm, Color.default())
print(Color.RED in Color, isinstance(Color.RED, Color), type(Color.RED), repr(Color))
print(Color.__members__)
print(list(Color.__members__), [m.name for m in reversed(Color)])
print(Color.RED == Color.RED, Color.RED == 1, Color.RED != Color.BLUE, hash(Color.RED) == hash("RED"))
print({Color.RED: "r", Color.GREEN: "g"}[Color.CRIMSON], sorted(Color, key=lambda c: c.value))
for bad in (lambda: Color(7), lambda: Color["PURPLE"], lambda: setattr(Color, "RED", 5), lambda: 1 in Color):
    try:
        bad()
    except (ValueError, KeyError, AttributeError, TypeError) as e:
        print(type(e).__name__, e)
try:
    class More(Color):
        PINK = 9
except TypeError as e:
    print("TypeError", e)


class Num(IntEnum):
    ONE = 1
    TWO = 2
    THREE = 3


print(repr(Num.TWO), str(Num.TWO), f"{Num.TWO}", f"{Num.THREE:03d}", Num.TWO + 1, Num.ONE < Num.THREE, Num(3), Num.TWO == 2)
print(sorted([Num.THREE, Num.ONE]), list(range(Num.THREE)), [1, 2, 3][Num.ONE], max(Num))


class Mode(StrEnum):
    READ = auto()
    WRITE = "w"


print(repr(Mode.READ), str(Mode.READ), Mode.WRITE == "w", Mode("r" + "ead"), Mode.READ.upper(), f"[{Mode.WRITE}]")


class Shape(Enum):
    CIRCLE = auto()
    SQUARE = auto()
    TRIANGLE = 10
    HEX = auto()


print(list(Shape), [s.value for s in Shape])


class Planet(Enum):
    MERCURY = (3.303e+23, 2.4397e6)
    EARTH = (5.976e+24, 6.37814e6)

    def __init__(self, mass, radius):
        self.mass = mass
        self.radius = radius

    @property
    def surface_gravity(self):
        return 6.673e-11 * self.mass / (self.radius * self.radius)


print(Planet.EARTH.value, Planet.EARTH.mass, round(Planet.EARTH.surface_gravity, 3), Planet((3.303e+23, 2.4397e6)))


class Ordinal(Enum):
    def __new__(cls, label, rank):
        obj = object.__new__(cls)
        obj._value_ = rank
        obj.label = label
        return obj

    FIRST = ("1st", 1)
    SECOND = ("2nd", 2)


print(Ordinal(2), Ordinal.FIRST.label, Ordinal.SECOND.value)


class Loose(Enum):
    A = "a"
    B = "b"

    @classmethod
    def _missing_(cls, value):
        if isinstance(value, str):
            for m in cls:
                if m.value == value.lower():
                    return m
        return None


print(Loose("A"), Loose("b"))


class Perm(Flag):
    R = 4
    W = 2
    X = 1
    RWX = 7


rw = Perm.R | Perm.W
print(repr(rw), str(rw), repr(Perm(0)), str(Perm(0)), list(Perm), repr(~Perm.R), repr(Perm.RWX))
print(list(rw), len(rw), Perm.R in rw, Perm.X in rw, bool(Perm(0)), rw == Perm(6), repr(rw & Perm.W), repr(rw ^ Perm.R))
print(repr(Perm.R | Perm.X | Perm.W), repr(Perm))
try:
    Perm(8)
except ValueError as e:
    print(e)


class Opt(Flag):
    A = auto()
    B = auto()
    C = auto()


print(list(Opt), [m.value for m in Opt], repr(Opt.A | Opt.C), repr(~Opt.A))


class IP(IntFlag):
    R = 4
    W = 2
    X = 1


print(repr(IP.R | IP.W), str(IP.R | IP.W), repr(IP(0)), repr(~IP.R), repr(IP.R | 8), repr(IP(9)), format(IP.R), IP.R + 1, IP.R | IP.X == 5)

try:
    @unique
    class Dup(Enum):
        A = 1
        B = 1
        C = 2
        D = 2
except ValueError as e:
    print(e)

Animal = Enum("Animal", "ANT BEE CAT")
print(Animal, list(Animal), Animal.BEE.value)
N = IntEnum("N", [("a", 5), ("b", 7)])
print(list(N), N.b + 1)
S = Enum("S", {"x": "ex", "y": "why"})
print(list(S), S("why"))


class Weekday(Enum):
    MON = 1
    TUE = 2
    _ignore_ = ["tmp"]
    tmp = 5

    def is_weekend(self):
        return False


print(list(Weekday), Weekday.MON.is_weekend(), Weekday.MON.__class__.__name__)
match Color.GREEN:
    case Color.RED:
        print("matched red")
    case Color.GREEN:
        print("matched green")
