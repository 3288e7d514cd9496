import numbers
from fractions import Fraction
from decimal import Decimal

tower = [numbers.Number, numbers.Complex, numbers.Real, numbers.Rational, numbers.Integral]
for v in [1, True, 2.5, 1j, Fraction(1, 3), Decimal("1.5"), "7", None]:
    print(repr(v).ljust(18), [c.__name__ for c in tower if isinstance(v, c)])
print(issubclass(int, numbers.Integral), issubclass(float, numbers.Rational),
      issubclass(bool, numbers.Number), issubclass(complex, numbers.Real))
for c in tower:
    print(c.__name__, len(c.__abstractmethods__), c.__mro__[1].__name__)

def describe(x):
    if isinstance(x, numbers.Integral):
        return "integer %d" % x
    if isinstance(x, numbers.Rational):
        return "rational %s/%s" % (x.numerator, x.denominator)
    if isinstance(x, numbers.Real):
        return "real %.3f" % x
    if isinstance(x, numbers.Complex):
        return "complex %s+%sj" % (x.real, x.imag)
    return "not a number"
for v in [7, Fraction(3, 4), 2.0 ** 0.5, 3 - 4j, "x"]:
    print(describe(v))

try:
    numbers.Real()
except TypeError as e:
    print(e)

class Meters(numbers.Real):
    """A minimal Real implementation using the mixins."""
    def __init__(self, v): self.v = float(v)
    def __float__(self): return self.v
    def __trunc__(self): return int(self.v)
    def __floor__(self): return int(self.v // 1)
    def __ceil__(self): return -int(-self.v // 1)
    def __round__(self, nd=None): return round(self.v, nd)
    def __floordiv__(self, o): return Meters(self.v // float(o))
    def __rfloordiv__(self, o): return Meters(float(o) // self.v)
    def __mod__(self, o): return Meters(self.v % float(o))
    def __rmod__(self, o): return Meters(float(o) % self.v)
    def __lt__(self, o): return self.v < float(o)
    def __le__(self, o): return self.v <= float(o)
    def __add__(self, o): return Meters(self.v + float(o))
    def __radd__(self, o): return Meters(float(o) + self.v)
    def __neg__(self): return Meters(-self.v)
    def __pos__(self): return Meters(self.v)
    def __mul__(self, o): return Meters(self.v * float(o))
    def __rmul__(self, o): return Meters(float(o) * self.v)
    def __truediv__(self, o): return Meters(self.v / float(o))
    def __rtruediv__(self, o): return Meters(float(o) / self.v)
    def __pow__(self, o): return Meters(self.v ** float(o))
    def __rpow__(self, o): return Meters(float(o) ** self.v)
    def __abs__(self): return Meters(abs(self.v))
    def __eq__(self, o): return self.v == float(o)
    def __repr__(self): return "Meters(%g)" % self.v
m = Meters(7.5)
print(m - 2, 10 - m, divmod(m, 2), divmod(20, m), complex(m), m.real, m.imag, m.conjugate())
print(isinstance(m, numbers.Complex), isinstance(m, numbers.Rational), bool(m), bool(Meters(0)))

class Half(numbers.Integral):
    pass
try:
    Half()
except TypeError as e:
    print(str(e)[:60])

class Small(numbers.Integral):
    def __init__(self, v): self.v = v
    def __int__(self): return self.v
for name in sorted(numbers.Integral.__abstractmethods__ - {"__int__"}):
    setattr(Small, name, lambda self, *a: NotImplemented)
Small.__abstractmethods__ = frozenset()
s = Small(5)
print(s.__index__(), float(s), s.numerator, s.denominator, [0, 1, 2, 3, 4, 5, 6][s])
try:
    hash(numbers.Number)
    print("class hashable")
except TypeError:
    print("unhashable class")
print(numbers.Number.__hash__)
