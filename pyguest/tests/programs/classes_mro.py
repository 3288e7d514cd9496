# C3 MRO, super(), properties, class/static methods, __slots__, descriptors.
class A:
    def who(self):
        return "A"


class B(A):
    def who(self):
        return "B>" + super().who()


class C(A):
    def who(self):
        return "C>" + super().who()


class D(B, C):
    def who(self):
        return "D>" + super().who()


print([k.__name__ for k in D.__mro__], D().who())


class Temp:
    scale = "C"

    def __init__(self, deg):
        self._deg = deg

    @property
    def deg(self):
        return self._deg

    @deg.setter
    def deg(self, v):
        if v < -273:
            raise ValueError("too cold")
        self._deg = v

    @classmethod
    def freezing(cls):
        return cls(0)

    @staticmethod
    def describe(x):
        return f"{x:.1f} degrees"


t = Temp.freezing()
t.deg = 21.5
print(t.deg, Temp.describe(t.deg))
try:
    t.deg = -300
except ValueError as e:
    print("ValueError", e)


class Positive:
    def __set_name__(self, owner, name):
        self.name = "_" + name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        return getattr(obj, self.name)

    def __set__(self, obj, value):
        if value <= 0:
            raise ValueError(f"{self.name[1:]} must be positive")
        setattr(obj, self.name, value)


class Box:
    width = Positive()

    def __init__(self, w):
        self.width = w


b = Box(3)
print(b.width, type(Box.__dict__["width"]).__name__)
try:
    Box(-1)
except ValueError as e:
    print(e)


class Slot:
    __slots__ = ("x",)


s = Slot()
s.x = 1
try:
    s.y = 2
except AttributeError:
    print("no slot y")
