# Issue 16, "built-in types are real types" and one-argument `super`: the gaps the session-10
# audit found (docs/compatibility.md, "Issue 16 audit"), each swept against CPython 3.11.
import sys

# ---------------------------------------------------------------- super(cls): unbound super
print("-- unbound super")


class A:
    def f(self):
        return "A.f"

    @classmethod
    def c(cls):
        return "A.c " + cls.__name__

    @staticmethod
    def s():
        return "A.s"

    @property
    def p(self):
        return "A.p"


class B(A):
    def f(self):
        return "B.f"


b = B()
u = super(B)
print(repr(u))
print(u.__thisclass__ is B, u.__self__, u.__self_class__)
bound = u.__get__(b, B)
print(repr(bound) == "<super: <class 'B'>, <B object>>", bound.__self__ is b, bound.__self_class__ is B)
print(super(B).__get__(b, B).f(), bound.c(), bound.s(), bound.p)
print(u.__get__(None, B) is u, bound.__get__(B(), B) is bound, u.__get__(b) is not u)
print(super(B, None).__self__, repr(super(B, None)))
try:
    u.f
except AttributeError as e:
    print("AttributeError", e)
print(type(u).__name__, isinstance(u, super))


# the two-argument forms keep working
class C(B):
    def f(self):
        return "C.f+" + super(C, self).f() + "+" + super(B, self).f()

    @classmethod
    def c(cls):
        return "C.c+" + super(C, cls).c()


print(C().f(), C.c(), super(C, C).c(), super(B, C).f(C()))
print(repr(super(C, C)) == "<super: <class 'C'>, <C object>>", super(C, C).__self__ is C,
      super(C, C).__self_class__ is C)
for bad in [lambda: super(B, 1), lambda: super(1), lambda: super(C, A())]:
    try:
        bad()
    except TypeError as e:
        print("TypeError", e)


# the old idiom: an unbound super stored on the class binds to the instance (the idiom's
# private `__super` name is left out: pyguest does not mangle private names)
class D(B):
    def f(self):
        return "D.f+" + self._super.f()


D._super = super(D)
print(D().f(), D.__dict__["_super"].__self__, D._super is D.__dict__["_super"])


# zero-argument super still works, also in a class method and through a subclass
class E(D):
    def f(self):
        return "E.f+" + super().f()


print(E().f(), repr(super(E, E())) == "<super: <class 'E'>, <E object>>")

# ---------------------------------------------------------------- iterator classes
print("-- iterator classes")
for t, it in [(enumerate, enumerate("ab")), (map, map(str, [1])), (filter, filter(None, [0, 1])),
              (zip, zip([1], [2])), (reversed, reversed(range(2).__class__ and "ab"))]:
    print(t.__name__, type(it) is t, isinstance(it, t), isinstance(t, type), repr(t),
          t.__module__, t.__mro__ == (t, object), iter(it) is it)
print(issubclass(enumerate, object), isinstance(enumerate, type), type(enumerate) is type)
print(type(reversed([1])).__name__, isinstance(reversed([1]), reversed), type(reversed((1,))) is reversed)
print(list(enumerate("abc", 1)), list(enumerate(iterable="xy", start=5)))
print(list(map(lambda a, b: a * b, [1, 2, 3], [4, 5])), list(filter(lambda x: x % 2, range(7))))
print(list(zip("ab", [1, 2], (True, False))), list(zip()), list(reversed([1, 2, 3])))
print(list(zip([1, 2], "ab", strict=True)), list(zip((), (), strict=True)))
for args in [([1, 2], [1]), ([1], [1, 2]), ([1], [1], [1, 2])]:
    try:
        list(zip(*args, strict=True))
    except ValueError as e:
        print("ValueError", e)
for bad in [lambda: enumerate(), lambda: enumerate(1), lambda: map(str), lambda: filter(None),
            lambda: reversed(1), lambda: enumerate([], "x"), lambda: zip(1),
            lambda: enumerate([], start=0, extra=1)]:
    try:
        bad()
    except TypeError as e:
        print("TypeError", e)
print(enumerate.__new__(enumerate, "q").__next__(), next(map.__new__(map, len, ["abc"])))


class Upper(enumerate):
    def __next__(self):
        i, x = super().__next__()
        return i * 10, x.upper()


ue = Upper("abc", start=1)
print(type(ue).__name__, isinstance(ue, enumerate), iter(ue) is ue, Upper.__mro__[1] is enumerate)
for i, x in ue:
    print("Upper", i, x)
print([p for p in Upper("xy")], list(Upper("z")), dict(Upper("kv")))


class Plain(enumerate):
    pass


pl = Plain(["p", "q"], 7)
print(next(pl), list(pl), type(pl).__name__)


class Pairs(zip):
    def __init__(self, *its, strict=False):
        self.count = 0

    def __next__(self):
        self.count += 1
        return sum(super().__next__())


pz = Pairs([1, 2, 3], [10, 20, 30])
print(list(pz), pz.count)


class Squares(map):
    def __new__(cls, xs):
        return super().__new__(cls, lambda x: x * x, xs)


class Odd(filter):
    pass


class Back(reversed):
    def __next__(self):
        return "<" + super().__next__() + ">"


print(list(Squares([1, 2, 3])), list(Odd(lambda x: x & 1, range(6))), list(Back("abc")))
print(sum(x for i, x in enumerate(range(1000)) if i % 3 == 0),
      sum(a * b for a, b in zip(range(100), range(100, 200))),
      sum(map(abs, range(-50, 50))), len(list(filter(None, range(-5, 5)))))

# ---------------------------------------------------------------- iterator type names
print("-- iterator types")
print(type(iter(bytearray())).__name__, type(iter(b"")).__name__, list(iter(bytearray(b"hi"))))
ba_it = iter(bytearray(b"ab"))
print(isinstance(ba_it, type(iter(bytearray(b"")))), next(ba_it), type(ba_it).__module__)

# ---------------------------------------------------------------- object.__subclasshook__
print("-- __subclasshook__")
print(object.__subclasshook__(), object.__subclasshook__(int), int.__subclasshook__(str))
print(A.__subclasshook__(B), "__subclasshook__" in object.__dict__)
import abc


class Sized(abc.ABC):
    @classmethod
    def __subclasshook__(cls, C):
        if cls is Sized:
            return any("__len__" in k.__dict__ for k in C.__mro__)
        return NotImplemented


class Base(abc.ABC):
    pass


print(issubclass(list, Sized), issubclass(int, Sized), isinstance("", Sized))
print(issubclass(int, Base), Base.__subclasshook__(int))
Base.register(int)
print(issubclass(int, Base), isinstance(3, Base), issubclass(bool, Base))

# ---------------------------------------------------------------- dir() and __dir__
print("-- dir")


class WithDir:
    def __dir__(self):
        return ["zeta", "alpha", "mid", "alpha"]


print(dir(WithDir()))


class TupleDir:
    def __dir__(self):
        return ("b", "a")


print(dir(TupleDir()))


class MetaDir(type):
    def __dir__(cls):
        return ["z_meta", "a_meta"]


class UsesMeta(metaclass=MetaDir):
    x = 1


print(dir(UsesMeta), "x" in dir(UsesMeta()))
import types
mod = types.ModuleType("m")
mod.b = 1
mod.a = 2
print([n for n in dir(mod) if not n.startswith("__")])
mod.__dir__ = lambda: ["only", "these"]
print(dir(mod))


class Plain2:
    def __init__(self):
        self.inst = 1

    def meth(self):
        pass


print([n for n in dir(Plain2()) if not n.startswith("__")], dir(Plain2()) == sorted(dir(Plain2())))


class BadDir:
    def __dir__(self):
        return 5


try:
    dir(BadDir())
except TypeError as e:
    print("TypeError", e)

# ---------------------------------------------------------------- __repr__ returning a str subclass
print("-- repr str subclass")


class SR(str):
    def shout(self):
        return self.upper() + "!"


class R:
    def __repr__(self):
        return SR("custom")


r = repr(R())
print(r, type(r).__name__, r.shout(), [R()], f"{R()!r}", "%r" % (R(),), str(R()) == "custom")


class NotStr:
    def __repr__(self):
        return 42


try:
    repr(NotStr())
except TypeError as e:
    print("TypeError", e)
try:
    print([NotStr()])
except TypeError as e:
    print("TypeError", e)

# ---------------------------------------------------------------- frame.f_locals
print("-- f_locals")


def locs(a, b=2, *rest, **kw):
    c = a + b
    inner = lambda: c  # noqa: E731 (c is a cell variable)
    del inner
    return sys._getframe().f_locals


print(sorted(locs(1).items()), sorted(locs(1, 5, 6, k=7).items()))


def caller():
    here = "caller-local"
    return callee()


def callee():
    f = sys._getframe(1)
    return f.f_code.co_name, sorted(f.f_locals.items())


print(caller())


def closure(x):
    y = x * 2

    def inner():
        return sys._getframe().f_locals, x
    return inner()


print(closure(4))
snap = locs(3)
snap["c"] = 99
print(sorted(snap.items()))
print(sys._getframe().f_locals is globals(), "locs" in sys._getframe().f_locals)


class Body:
    q = 1
    seen = sorted(k for k in sys._getframe().f_locals if not k.startswith("__"))


print(Body.seen)

# ---------------------------------------------------------------- __main__.__cached__
print("-- __main__")
import __main__
print(__main__.__cached__, __cached__, "__cached__" in __main__.__dict__)

# ---------------------------------------------------------------- deque ordering
print("-- deque ordering")
from collections import deque
d12, d13, d1 = deque([1, 2]), deque([1, 3]), deque([1])
print(d12 < d13, d12 <= d13, d12 > d13, d12 >= d13, d1 < d12, d12 > d1, d12 <= deque([1, 2]),
      d12 >= deque([1, 2]), deque() < d1, deque("b") > deque("abc"))
print(sorted([deque([2]), deque([1, 5]), deque([1])]), max(deque([0]), deque([0, 0])))
for op in ["<", "<=", ">", ">="]:
    for x, y in [(d12, [1, 2]), ([1, 2], d12), (d12, (1, 2))]:
        try:
            eval("x " + op + " y")
            print("no error")
        except TypeError as e:
            print("TypeError", str(e).replace("collections.deque", "deque"))
