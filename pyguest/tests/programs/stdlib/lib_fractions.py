from fractions import Fraction as F
import math

vals = [F(3, 4), F(-6, 8), F(5), F("1/3"), F("  -2.5e-1 "), F("1_000/3"), F(0.1), F(1.5), F(F(2, 3)), F("7"), F(".5"), F("3."), F(2, -4)]
print(vals)
print([str(v) for v in vals])
a, b = F(3, 4), F(5, 6)
print(a + b, a - b, a * b, a / b, a // b, a % b, divmod(a, b), a ** 2, a ** -2, (-a) ** 3, (-a) ** -3, a ** 0)
print(a + 1, 1 + a, a - 2, 2 - a, a * 3, 3 * a, a / 3, 3 / a, 7 // a, 7 % a, a ** F(2), 2 ** F(3), 4 ** F(1, 2), a ** 0.5)
print(a + 0.25, 0.25 + a, a * 1.5, a / 2.0, a + 1j, a == 0.75, a == F(6, 8), a != b, a < b, a >= 0.75, a > 0, 1 < b, F(1, 2) == 0.5)
print(abs(F(-3, 2)), -F(1, 3), +F(2, 5), int(F(-7, 2)), int(F(7, 2)), math.floor(F(-7, 2)), math.ceil(F(-7, 2)), math.trunc(F(-7, 2)), float(F(1, 3)))
print(round(F(5, 2)), round(F(7, 2)), round(F(-5, 2)), round(F(1234, 100), 1), round(F(1234, 1000), -1), round(F(3, 8), 2))
print(bool(F(0)), bool(F(1, 9)), F(3, 4).numerator, F(3, 4).denominator, F(3, 4).as_integer_ratio())
print(F(math.pi).limit_denominator(1000), F(math.pi).limit_denominator(100), F(math.pi).limit_denominator(), F(1, 3).limit_denominator(10), F(0.1).limit_denominator(), F(-355, 113).limit_denominator(50))
print(F.from_float(0.3), F.from_float(5), hash(F(1, 2)) == hash(0.5), hash(F(3)) == hash(3), hash(F(2, 3)), hash(F(-1)), hash(F(10 ** 30, 7)))
print(sum([F(1, n) for n in range(1, 11)]), sorted([F(1, 2), F(1, 3), 0.4, 1]), max(F(7, 3), 2), min(F(1, 10), 0.1))
print({F(1, 2): "half"}[0.5], F(2, 4) in {F(1, 2)}, repr(F(10, 5)), F(10 ** 20, 3) * 3)
for bad in ["1/0", "abc", "1.2.3", "", "1/-2", " / ", "1e", "_1"]:
    try:
        print(F(bad))
    except (ValueError, ZeroDivisionError) as e:
        print(type(e).__name__, e)
for thunk in (lambda: F(1, 0), lambda: F(1, 2) / 0, lambda: F(0) ** -1, lambda: F(1.5, 2), lambda: F([1]), lambda: F(1).limit_denominator(0)):
    try:
        print(thunk())
    except (ValueError, ZeroDivisionError, TypeError) as e:
        print(type(e).__name__, e)
x = F(1)
for i in range(1, 30):
    x = x + F(1, i * i)
print(x, float(x))
