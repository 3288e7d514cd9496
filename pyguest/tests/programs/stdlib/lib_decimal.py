from decimal import (Decimal as D, getcontext, localcontext, Context, ROUND_HALF_UP, ROUND_DOWN,
                     ROUND_CEILING, ROUND_FLOOR, ROUND_UP, ROUND_HALF_DOWN, ROUND_HALF_EVEN, ROUND_05UP,
                     InvalidOperation, DivisionByZero, Inexact, Rounded)
import decimal

vals = ["0", "1", "-1", "1.10", "2.205", "0.000001", "0.0000001", "123456789012345678901234567890", "1E+2", "1e-7",
        "-0", "0E+2", "0.00", "12.3400", "+5", "  7.5  ", "1_000.5", "Infinity", "-inf", "NaN", "sNaN", "nan12"]
for v in vals:
    d = D(v)
    print(repr(v), str(d), repr(d), d.as_tuple(), d.adjusted(), d.is_finite())
print(D(3), D(-42), D(0.1), D(2.5), D(1e100) == D("1e100"), D.from_float(0.1), D((0, (1, 4, 1), -2)), D((1, (5,), 3)))
a, b = D("1.10"), D("2.205")
print(a + b, a - b, b - a, a * b, a / b, b / a, a // D("0.3"), a % D("0.3"), divmod(D("7.5"), D("2")), -a, +a, abs(-b))
print(D(1) / D(3), D(2) / D(3), D(1) / D(4), D(10) / D(4), D("1.00") / D(2), D(100) / D("0.5"), D(1) / D(7) * 7, D("6.0") / D("2.0"))
print(D(2) ** 10, D("1.5") ** 3, D(2) ** -2, D("0.1") ** 5, D(10) ** 30, D(2) ** D("0.5"), D(8) ** D("1/3") if False else D(27) ** (D(1) / D(3)), D("1.21") ** D("0.5"), D(2) ** D("1.5"), D(4).sqrt(), D(2).sqrt(), D("0.25").sqrt(), D(100).sqrt(), D("1E+4").sqrt())
print(a + 1, 1 + a, 2 * a, a * 2, 10 / D(4), 7 // D(2), 7 % D(3), D("1.5") == 1.5, D("0.1") == 0.1, D(1) == 1, D("1.0") == D("1.00"), D(2) > 1, D("0.5") < 0.6)
print(sorted([D("1.5"), D("-2"), D("1.50"), D("0.1"), D(1)]), max(D(1), D("1.0")), min([D(3), D("2.99")]), sum([D("0.1")] * 10))
print(hash(D(5)) == hash(5), hash(D("0.5")) == hash(0.5), hash(D("1.10")) == hash(D("1.1")), {D("2.0"): "x"}[2], hash(D("0.1")) == hash(0.1))
print(int(D("7.9")), int(D("-7.9")), float(D("0.1")), round(D("2.5")), round(D("3.5")), round(D("-2.5")), round(D("2.675"), 2), round(D("12345"), -2), bool(D(0)), bool(D("0.01")))
print(D("1.2345").quantize(D("0.01")), D("1.235").quantize(D("0.01")), D("1.245").quantize(D("0.01")), D("7.325").quantize(D(".01"), rounding=ROUND_DOWN), D("1234").quantize(D("1E+2")), D("-1.5").quantize(D(1)))
for r in [ROUND_HALF_UP, ROUND_DOWN, ROUND_CEILING, ROUND_FLOOR, ROUND_UP, ROUND_HALF_DOWN, ROUND_HALF_EVEN, ROUND_05UP]:
    print(r, [str(D(x).quantize(D("1"), rounding=r)) for x in ("2.5", "-2.5", "1.4", "-1.6", "0.5", "5.01", "10.5")])
print(D("12.3400").normalize(), D("100").normalize(), D("0.000").normalize(), D("1.23E+5").normalize(), D("5.5").to_integral_value(), D("-3.7").to_integral_value(ROUND_FLOOR))
print(getcontext().prec, getcontext().rounding)
with localcontext() as ctx:
    ctx.prec = 5
    print(D(1) / D(3), D("123456789") + 0, D("1.23456789") * 1, ctx.prec)
    ctx.rounding = ROUND_UP
    print(D(2) / D(3), D("1.000011") + 0)
with localcontext(prec=50):
    print(D(2).sqrt())
print(D(1) / D(3), getcontext().prec)
getcontext().prec = 10
print(D(22) / D(7), D("3.14159265358979") + 0)
getcontext().prec = 28
ctx = Context(prec=3, rounding=ROUND_HALF_UP)
print(ctx.divide(D(2), D(3)), ctx.add(D("1.005"), D(0)), ctx.create_decimal("3.14159"), ctx.multiply(D("1.11"), D("1.11")), ctx.sqrt(D(2)))
for thunk in [lambda: D(1) / D(0), lambda: D(0) / D(0), lambda: D("abc"), lambda: D("NaN") < 1, lambda: D(-1).sqrt(), lambda: D("1.5") + 1.5, lambda: D("1e30").quantize(D("0.01"))]:
    try:
        print(thunk())
    except (InvalidOperation, DivisionByZero, TypeError) as e:
        print(type(e).__name__, isinstance(e, ArithmeticError))
print(D("inf") + 1, D("-inf") * 2, D(1) / D("inf"), D("NaN") + 1, D("NaN") == D("NaN"), D("inf") > D(10 ** 100))
for spec in ["", ".2f", "10.3f", "<10.1f", "^12,.2f", "+.3e", ".2%", "012.4f", ",", ".3g", "g", ".1f", "e", "=+10.2f"]:
    print(repr(spec), [format(D(x), spec) for x in ("1234567.891", "-0.0015", "0", "2.675", "1E+3", "0.000012345")])
print(f"{D('19.99') * 3:.2f} {D('-1234.5'):,.2f} {D('0.125'):.2f} {D('0.135'):.2f} {D('1.5'):>8}|")
total = sum(D(p) * q for p, q in [("19.99", 3), ("4.25", 10), ("0.10", 7)])
tax = (total * D("0.0825")).quantize(D("0.01"), rounding=ROUND_HALF_UP)
print(total, tax, total + tax, (total + tax) / 3, ((total + tax) / 3).quantize(D("0.01")))
print(D("1.30").as_integer_ratio(), D(-5).as_integer_ratio(), D("1.5").copy_negate(), D(-2).copy_abs(), D(3).copy_sign(D(-1)), D("1.50").compare(D("1.5")), D(2).max(D(3)), D("-0").is_signed())
print(decimal.Decimal is D, decimal.ROUND_HALF_EVEN, isinstance(D(1), decimal.Decimal))
print(D(1).exp(), D(2).ln(), D(10).ln(), D("0.5").ln(), D(100).log10(), D(2).log10(), D("-1.5").exp(), D(3) ** D("0.7"), D("1.0001") ** D("1000.5"))
with localcontext(prec=10):
    print(D(1).exp(), D(2).ln(), D(7) ** D("0.25"), D("2.5") ** D("-1.5"))
