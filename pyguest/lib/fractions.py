"""Rational numbers: Fraction, with CPython 3.11's construction rules, arithmetic, mixed-type
behaviour (with int exact, with float/complex inexact), hashing, limit_denominator, repr/str.

pyguest's own implementation in plain Python. Needs big ints, `math.gcd`, and
`float.as_integer_ratio`; hashes agree with ints and floats when the interpreter's int hash
is CPython's (reduction modulo 2**61 - 1).
"""

import math
import operator
import sys

__all__ = ["Fraction"]

try:
    _HASH_MODULUS = sys.hash_info.modulus
    _HASH_INF = sys.hash_info.inf
except AttributeError:
    _HASH_MODULUS = (1 << 61) - 1
    _HASH_INF = 314159


def _parse(text):
    """(numerator, denominator) for a Fraction literal like ' -3/4 ', '1.5e-3', '7'."""
    s = text.strip()
    bad = ValueError("Invalid literal for Fraction: %r" % text)
    if not s:
        raise bad
    sign = 1
    if s[0] in "+-":
        if s[0] == "-":
            sign = -1
        s = s[1:]

    def digits(part, allow_empty=False):
        if part == "":
            if allow_empty:
                return ""
            raise bad
        if part[0] == "_" or part[-1] == "_" or "__" in part:
            raise bad
        clean = part.replace("_", "")
        if not clean.isdigit() or not clean.isascii():
            raise bad
        return clean

    if "/" in s:
        num_text, _, den_text = s.partition("/")
        num = int(digits(num_text))
        den = int(digits(den_text))
        if den == 0:
            raise ZeroDivisionError("Fraction(%s, 0)" % (sign * num))
        return sign * num, den
    exp = 0
    lower = s.lower()
    if "e" in lower:
        idx = lower.index("e")
        mant, exp_text = s[:idx], s[idx + 1:]
        exp_sign = 1
        if exp_text[:1] in ("+", "-"):
            exp_sign = -1 if exp_text[0] == "-" else 1
            exp_text = exp_text[1:]
        exp = exp_sign * int(digits(exp_text))
    else:
        mant = s
    if "." in mant:
        int_text, _, frac_text = mant.partition(".")
        if int_text == "" and frac_text == "":
            raise bad
        int_part = digits(int_text, allow_empty=True)
        frac_part = digits(frac_text, allow_empty=True)
        if int_part == "" and frac_part == "":
            raise bad
        num = int(int_part + frac_part or "0")
        den = 10 ** len(frac_part)
    else:
        num = int(digits(mant))
        den = 1
    if exp >= 0:
        num *= 10 ** exp
    else:
        den *= 10 ** -exp
    return sign * num, den


class Fraction:
    """A rational number numerator/denominator in lowest terms, denominator > 0."""

    __slots__ = ("_numerator", "_denominator")

    def __new__(cls, numerator=0, denominator=None, *, _normalize=True):
        self = object.__new__(cls)
        if denominator is None:
            if type(numerator) is int:
                self._numerator = numerator
                self._denominator = 1
                return self
            if isinstance(numerator, Fraction):
                self._numerator = numerator._numerator
                self._denominator = numerator._denominator
                return self
            if isinstance(numerator, int):
                self._numerator = int(numerator)
                self._denominator = 1
                return self
            if isinstance(numerator, (float,)) or type(numerator).__name__ == "Decimal":
                n, d = numerator.as_integer_ratio()
                self._numerator = n
                self._denominator = d
                return self
            if isinstance(numerator, str):
                n, d = _parse(numerator)
            elif hasattr(numerator, "numerator") and hasattr(numerator, "denominator"):
                n, d = numerator.numerator, numerator.denominator
            else:
                raise TypeError("argument should be a string or a Rational instance")
            numerator, denominator = n, d
        else:
            if type(numerator) is int and type(denominator) is int:
                pass
            elif _is_rational(numerator) and _is_rational(denominator):
                numerator, denominator = (
                    numerator.numerator * denominator.denominator,
                    denominator.numerator * numerator.denominator)
            else:
                raise TypeError("both arguments should be Rational instances")
        if denominator == 0:
            raise ZeroDivisionError("Fraction(%s, 0)" % numerator)
        if _normalize:
            g = math.gcd(numerator, denominator)
            if denominator < 0:
                g = -g
            numerator //= g
            denominator //= g
        self._numerator = numerator
        self._denominator = denominator
        return self

    @classmethod
    def from_float(cls, f):
        """Exact conversion of a float (or int)."""
        if isinstance(f, int):
            return cls(f)
        if not isinstance(f, float):
            raise TypeError("%s.from_float() only takes floats, not %r (%s)"
                            % (cls.__name__, f, type(f).__name__))
        return cls(*f.as_integer_ratio())

    @classmethod
    def from_decimal(cls, dec):
        """Exact conversion of a Decimal (or int)."""
        if isinstance(dec, int):
            return cls(dec)
        return cls(*dec.as_integer_ratio())

    def as_integer_ratio(self):
        return (self._numerator, self._denominator)

    def limit_denominator(self, max_denominator=1000000):
        """The closest Fraction with denominator at most max_denominator."""
        if max_denominator < 1:
            raise ValueError("max_denominator should be at least 1")
        if self._denominator <= max_denominator:
            return Fraction(self)
        # Walk the continued-fraction convergents p/q until q would exceed the limit.
        p_prev, q_prev, p_cur, q_cur = 0, 1, 1, 0
        n, d = self._numerator, self._denominator
        while True:
            a = n // d
            q_next = q_prev + a * q_cur
            if q_next > max_denominator:
                break
            p_prev, q_prev, p_cur, q_cur = p_cur, q_cur, p_prev + a * p_cur, q_next
            n, d = d, n - a * d
        k = (max_denominator - q_prev) // q_cur
        semi = Fraction(p_prev + k * p_cur, q_prev + k * q_cur)
        conv = Fraction(p_cur, q_cur)
        if abs(conv - self) <= abs(semi - self):
            return conv
        return semi

    @property
    def numerator(self):
        return self._numerator

    @property
    def denominator(self):
        return self._denominator

    def __repr__(self):
        return "%s(%s, %s)" % (self.__class__.__name__, self._numerator, self._denominator)

    def __str__(self):
        if self._denominator == 1:
            return str(self._numerator)
        return "%s/%s" % (self._numerator, self._denominator)

    # -- arithmetic ------------------------------------------------------------------------

    def _binary(self, other, exact, inexact):
        if isinstance(other, (int, Fraction)):
            return exact(self, other if isinstance(other, Fraction) else Fraction(other))
        if isinstance(other, float):
            return inexact(float(self), other)
        if isinstance(other, complex):
            return inexact(complex(float(self)), other)
        if _is_rational(other):
            return exact(self, Fraction(other.numerator, other.denominator))
        return NotImplemented

    def _rbinary(self, other, exact, inexact):
        if isinstance(other, int):
            return exact(Fraction(other), self)
        if isinstance(other, float):
            return inexact(other, float(self))
        if isinstance(other, complex):
            return inexact(other, complex(float(self)))
        if _is_rational(other):
            return exact(Fraction(other.numerator, other.denominator), self)
        return NotImplemented

    def __add__(a, b):
        return a._binary(b, _add, operator.add)

    def __radd__(b, a):
        return b._rbinary(a, _add, operator.add)

    def __sub__(a, b):
        return a._binary(b, _sub, operator.sub)

    def __rsub__(b, a):
        return b._rbinary(a, _sub, operator.sub)

    def __mul__(a, b):
        return a._binary(b, _mul, operator.mul)

    def __rmul__(b, a):
        return b._rbinary(a, _mul, operator.mul)

    def __truediv__(a, b):
        return a._binary(b, _div, operator.truediv)

    def __rtruediv__(b, a):
        return b._rbinary(a, _div, operator.truediv)

    def __floordiv__(a, b):
        return a._binary(b, _floordiv, operator.floordiv)

    def __rfloordiv__(b, a):
        return b._rbinary(a, _floordiv, operator.floordiv)

    def __mod__(a, b):
        return a._binary(b, _mod, operator.mod)

    def __rmod__(b, a):
        return b._rbinary(a, _mod, operator.mod)

    def __divmod__(a, b):
        return a._binary(b, _divmod, divmod)

    def __rdivmod__(b, a):
        return b._rbinary(a, _divmod, divmod)

    def __pow__(a, b):
        if isinstance(b, (int, Fraction)) or _is_rational(b):
            if b.denominator == 1:
                power = b.numerator
                if power >= 0:
                    return Fraction(a._numerator ** power, a._denominator ** power,
                                    _normalize=False)
                if a._numerator == 0:
                    raise ZeroDivisionError("Fraction(%s, 0)" % (a._denominator ** -power))
                if a._numerator > 0:
                    return Fraction(a._denominator ** -power, a._numerator ** -power,
                                    _normalize=False)
                return Fraction((-a._denominator) ** -power, (-a._numerator) ** -power,
                                _normalize=False)
            return float(a) ** float(b)
        if isinstance(b, (float, complex)):
            return float(a) ** b
        return NotImplemented

    def __rpow__(b, a):
        if b._denominator == 1 and b._numerator >= 0:
            return a ** b._numerator
        if isinstance(a, int) or _is_rational(a):
            return Fraction(a.numerator, a.denominator) ** b
        if b._denominator == 1:
            return a ** b._numerator
        return a ** float(b)

    def __pos__(a):
        return Fraction(a._numerator, a._denominator, _normalize=False)

    def __neg__(a):
        return Fraction(-a._numerator, a._denominator, _normalize=False)

    def __abs__(a):
        return Fraction(abs(a._numerator), a._denominator, _normalize=False)

    def __int__(a):
        if a._numerator < 0:
            return -(-a._numerator // a._denominator)
        return a._numerator // a._denominator

    def __trunc__(a):
        return a.__int__()

    def __floor__(a):
        return a._numerator // a._denominator

    def __ceil__(a):
        return -(-a._numerator // a._denominator)

    def __round__(self, ndigits=None):
        if ndigits is None:
            floor, remainder = divmod(self._numerator, self._denominator)
            if remainder * 2 < self._denominator:
                return floor
            if remainder * 2 > self._denominator:
                return floor + 1
            return floor if floor % 2 == 0 else floor + 1
        shift = 10 ** abs(ndigits)
        if ndigits > 0:
            return Fraction(round(self * shift), shift)
        return Fraction(round(self / shift) * shift)

    def __float__(a):
        return a._numerator / a._denominator

    def __complex__(a):
        return complex(float(a))

    def __bool__(a):
        return a._numerator != 0

    def __hash__(self):
        try:
            dinv = pow(self._denominator, -1, _HASH_MODULUS)
        except ValueError:
            h = _HASH_INF
        else:
            h = hash(hash(abs(self._numerator)) * dinv)
        result = h if self._numerator >= 0 else -h
        return -2 if result == -1 else result

    # -- comparisons -----------------------------------------------------------------------

    def __eq__(a, b):
        if type(b) is int:
            return a._numerator == b and a._denominator == 1
        if isinstance(b, Fraction) or _is_rational(b):
            return a._numerator == b.numerator and a._denominator == b.denominator
        if isinstance(b, complex) and b.imag == 0:
            b = b.real
        if isinstance(b, float):
            if math.isnan(b) or math.isinf(b):
                return 0.0 == b
            return a == a.from_float(b)
        return NotImplemented

    def _richcmp(self, other, op):
        if isinstance(other, (int, Fraction)) or _is_rational(other):
            return op(self._numerator * other.denominator, self._denominator * other.numerator)
        if isinstance(other, float):
            if math.isnan(other) or math.isinf(other):
                return op(0.0, other)
            return op(self, self.from_float(other))
        return NotImplemented

    def __lt__(a, b):
        return a._richcmp(b, operator.lt)

    def __gt__(a, b):
        return a._richcmp(b, operator.gt)

    def __le__(a, b):
        return a._richcmp(b, operator.le)

    def __ge__(a, b):
        return a._richcmp(b, operator.ge)

    # -- copying and pickling ---------------------------------------------------------------

    def __reduce__(self):
        return (self.__class__, (self._numerator, self._denominator))

    def __copy__(self):
        if type(self) is Fraction:
            return self
        return self.__class__(self._numerator, self._denominator)

    def __deepcopy__(self, memo):
        if type(self) is Fraction:
            return self
        return self.__class__(self._numerator, self._denominator)


def _is_rational(x):
    return (not isinstance(x, (float, complex, str, bool)) and hasattr(x, "numerator")
            and hasattr(x, "denominator") and isinstance(x.numerator, int)
            and isinstance(x.denominator, int))


def _add(a, b):
    return Fraction(a._numerator * b._denominator + b._numerator * a._denominator,
                    a._denominator * b._denominator)


def _sub(a, b):
    return Fraction(a._numerator * b._denominator - b._numerator * a._denominator,
                    a._denominator * b._denominator)


def _mul(a, b):
    return Fraction(a._numerator * b._numerator, a._denominator * b._denominator)


def _div(a, b):
    if b._numerator == 0:
        raise ZeroDivisionError("Fraction(%s, 0)" % (a._numerator * b._denominator))
    return Fraction(a._numerator * b._denominator, a._denominator * b._numerator)


def _floordiv(a, b):
    return (a._numerator * b._denominator) // (a._denominator * b._numerator)


def _mod(a, b):
    da, db = a._denominator, b._denominator
    return Fraction((a._numerator * db) % (b._numerator * da), da * db)


def _divmod(a, b):
    da, db = a._denominator, b._denominator
    q, r = divmod(a._numerator * db, da * b._numerator)
    return q, Fraction(r, da * db)


try:
    import numbers as _numbers
    _numbers.Rational.register(Fraction)
except (ImportError, AttributeError):
    pass
