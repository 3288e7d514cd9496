"""Shapes: abc + dataclasses + enum + json with default= + math + functools."""
import json
import math
from abc import ABC, abstractmethod
from dataclasses import dataclass, asdict, field
from enum import Enum
from functools import total_ordering, reduce
from typing import List, Type, Dict


class Color(str, Enum):
    RED = "red"
    GREEN = "green"
    BLUE = "blue"


@total_ordering
class Shape(ABC):
    registry: Dict[str, Type["Shape"]] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        Shape.registry[cls.__name__.lower()] = cls

    @abstractmethod
    def area(self) -> float:
        ...

    @abstractmethod
    def perimeter(self) -> float:
        ...

    def __lt__(self, other):
        return self.area() < other.area()

    def __eq__(self, other):
        return type(self) is type(other) and self.area() == other.area()

    def to_dict(self):
        d = asdict(self)
        d["kind"] = type(self).__name__.lower()
        return d

    @classmethod
    def from_dict(cls, d):
        d = dict(d)
        kind = Shape.registry[d.pop("kind")]
        d["color"] = Color(d["color"])
        return kind(**d)


@dataclass(eq=False)
class Circle(Shape):
    r: float
    color: Color = Color.RED

    def area(self):
        return math.pi * self.r ** 2

    def perimeter(self):
        return 2 * math.pi * self.r


@dataclass(eq=False)
class Rect(Shape):
    w: float
    h: float
    color: Color = Color.GREEN

    def area(self):
        return self.w * self.h

    def perimeter(self):
        return 2 * (self.w + self.h)


@dataclass(eq=False)
class Triangle(Shape):
    a: float
    b: float
    c: float
    color: Color = Color.BLUE

    def __post_init__(self):
        s = sorted((self.a, self.b, self.c))
        if s[0] + s[1] <= s[2]:
            raise ValueError("not a triangle: %s" % (s,))

    def area(self):
        s = self.perimeter() / 2
        return math.sqrt(s * (s - self.a) * (s - self.b) * (s - self.c))

    def perimeter(self):
        return self.a + self.b + self.c


shapes: List[Shape] = [Circle(1.5), Rect(2, 3.5), Triangle(3, 4, 5), Circle(0.5, Color.BLUE), Rect(1, 1, Color.RED)]
for s in sorted(shapes):
    print("%-40s area=%8.4f perimeter=%8.4f" % (s, s.area(), s.perimeter()))
print(sorted(Shape.registry))
text = json.dumps([s.to_dict() for s in shapes])
print(text)
back = [Shape.from_dict(d) for d in json.loads(text)]
print(back == shapes, max(back), min(back) <= max(back))
by_color = {}
for s in back:
    by_color.setdefault(s.color, []).append(type(s).__name__)
print({c.value: v for c, v in sorted(by_color.items(), key=lambda kv: kv[0].value)})
print(reduce(lambda acc, s: acc + s.area(), shapes, 0.0), sum(s.perimeter() for s in shapes))
try:
    Triangle(1, 2, 5)
except ValueError as e:
    print("ValueError:", e)
try:
    Shape()
except TypeError as e:
    print("TypeError:", e)
print(Color.RED == "red", Color("blue"), json.dumps({"c": Color.GREEN}), f"{Color.RED.value:>6}")
