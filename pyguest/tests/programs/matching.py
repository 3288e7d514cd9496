# Structural pattern matching.
from collections import namedtuple

Point = namedtuple("Point", "x y")


def describe(v):
    match v:
        case 0 | 1:
            return "small"
        case int(n) if n < 0:
            return f"negative {n}"
        case [x, y, *rest]:
            return f"seq {x} {y} +{len(rest)}"
        case {"kind": "circle", "r": r}:
            return f"circle {r}"
        case Point(x=0, y=y):
            return f"on y axis at {y}"
        case Point(x, y):
            return f"point {x},{y}"
        case str() as s:
            return "str " + s
        case _:
            return "other"


for v in [0, -3, [1, 2, 3, 4], {"kind": "circle", "r": 2}, Point(0, 5), Point(1, 2), "z", 2.5]:
    print(describe(v))
