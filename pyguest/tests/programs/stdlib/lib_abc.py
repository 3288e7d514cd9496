from abc import ABC, ABCMeta, abstractmethod


class Shape(ABC):
    @abstractmethod
    def area(self):
        ...

    @abstractmethod
    def perimeter(self):
        ...

    def describe(self):
        return "%s area=%.2f perimeter=%.2f" % (type(self).__name__, self.area(), self.perimeter())


class HalfDone(Shape):
    def area(self):
        return 0.0


class Rect(Shape):
    def __init__(self, w, h):
        self.w, self.h = w, h

    def area(self):
        return self.w * self.h

    def perimeter(self):
        return 2 * (self.w + self.h)


class Square(Rect):
    def __init__(self, s):
        super().__init__(s, s)


for cls in (Shape, HalfDone):
    try:
        cls()
    except TypeError as e:
        print("TypeError:", e)
print(Rect(2, 3).describe(), Square(2).describe())
print(sorted(Shape.__abstractmethods__), sorted(HalfDone.__abstractmethods__), sorted(Rect.__abstractmethods__))
print(isinstance(Square(1), Shape), issubclass(Square, Rect), isinstance(3, Shape))


class Base(metaclass=ABCMeta):
    @property
    @abstractmethod
    def name(self):
        ...

    @classmethod
    @abstractmethod
    def make(cls):
        ...

    @staticmethod
    @abstractmethod
    def helper():
        ...


try:
    Base()
except TypeError as e:
    print("TypeError:", e)


class Impl(Base):
    name = "impl"

    @classmethod
    def make(cls):
        return cls()

    @staticmethod
    def helper():
        return 42


print(Impl.make().name, Impl.helper(), type(Base).__name__)


class Drawable(ABC):
    @abstractmethod
    def draw(self):
        ...


class Circle:
    def draw(self):
        return "circle"


Drawable.register(Circle)
print(isinstance(Circle(), Drawable), issubclass(Circle, Drawable), issubclass(int, Drawable))


@Drawable.register
class Line:
    pass


print(isinstance(Line(), Drawable))


class Sized2(ABC):
    @classmethod
    def __subclasshook__(cls, C):
        if cls is Sized2:
            return any("__len__" in B.__dict__ for B in C.__mro__)
        return NotImplemented


print(isinstance([], Sized2), isinstance(5, Sized2), issubclass(dict, Sized2))


class WithInit(ABC):
    def __init__(self, x):
        self.x = x

    @abstractmethod
    def run(self):
        ...


class Runner(WithInit):
    def run(self):
        return self.x * 2


print(Runner(21).run())
