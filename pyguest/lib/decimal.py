"""Decimal floating point: Decimal, Context, localcontext and the rounding modes and signals,
for the arithmetic ordinary programs do (money, fixed-point reports), following the General
Decimal Arithmetic rules CPython 3.11 implements.

pyguest's own implementation in plain Python. A finite Decimal is (sign, coefficient int,
exponent int); operations compute the exact result with ints, then round to the context
precision with the context rounding mode. Covered: construction from str/int/float/tuple/
Decimal; + - * / // % divmod ** (integer powers), unary ops, abs; comparisons and hashing
consistent with int/float/Fraction; quantize, to_integral_value, normalize, sqrt, exp-free
helpers (adjusted, as_tuple, as_integer_ratio, copy_sign, is_* predicates, max/min);
str/repr in scientific/engineering-free form as CPython prints; format() with the f, e, g, %
and empty types, fill/align/sign/width/grouping; round(); int/float conversion; contexts with
prec, rounding, Emin/Emax (not enforced beyond overflow of huge exponents), traps for
InvalidOperation, DivisionByZero and Overflow, flags.
Known gaps: ln/log10/exp, logical operations, Emin/Emax clamping and subnormals, the
`capitals`/`clamp` attributes beyond storage, engineering strings (to_eng_string).
"""

import math as _math

__all__ = ["Decimal", "Context", "DecimalException", "Clamped", "InvalidOperation",
           "DivisionByZero", "Inexact", "Rounded", "Subnormal", "Overflow", "Underflow",
           "FloatOperation", "DivisionImpossible", "DivisionUndefined", "ConversionSyntax",
           "DefaultContext", "BasicContext", "ExtendedContext", "getcontext", "setcontext",
           "localcontext", "ROUND_DOWN", "ROUND_HALF_UP", "ROUND_HALF_EVEN", "ROUND_CEILING",
           "ROUND_FLOOR", "ROUND_UP", "ROUND_HALF_DOWN", "ROUND_05UP", "MAX_PREC", "MAX_EMAX",
           "MIN_EMIN", "MIN_ETINY", "HAVE_THREADS", "HAVE_CONTEXTVAR"]

__version__ = "1.70"
__libmpdec_version__ = "2.5.1"

ROUND_DOWN = "ROUND_DOWN"
ROUND_HALF_UP = "ROUND_HALF_UP"
ROUND_HALF_EVEN = "ROUND_HALF_EVEN"
ROUND_CEILING = "ROUND_CEILING"
ROUND_FLOOR = "ROUND_FLOOR"
ROUND_UP = "ROUND_UP"
ROUND_HALF_DOWN = "ROUND_HALF_DOWN"
ROUND_05UP = "ROUND_05UP"
_ROUNDINGS = (ROUND_DOWN, ROUND_HALF_UP, ROUND_HALF_EVEN, ROUND_CEILING, ROUND_FLOOR,
              ROUND_UP, ROUND_HALF_DOWN, ROUND_05UP)

MAX_PREC = 999999999999999999
MAX_EMAX = 999999999999999999
MIN_EMIN = -999999999999999999
MIN_ETINY = MIN_EMIN - (MAX_PREC - 1)
HAVE_THREADS = True
HAVE_CONTEXTVAR = True


class DecimalException(ArithmeticError):
    pass


class Clamped(DecimalException):
    pass


class InvalidOperation(DecimalException):
    pass


class ConversionSyntax(InvalidOperation):
    pass


class DivisionByZero(DecimalException, ZeroDivisionError):
    pass


class DivisionImpossible(InvalidOperation):
    pass


class DivisionUndefined(InvalidOperation, ZeroDivisionError):
    pass


class Inexact(DecimalException):
    pass


class InvalidContext(InvalidOperation):
    pass


class Rounded(DecimalException):
    pass


class Subnormal(DecimalException):
    pass


class Overflow(Inexact, Rounded):
    pass


class Underflow(Inexact, Rounded, Subnormal):
    pass


class FloatOperation(DecimalException, TypeError):
    pass


_SIGNALS = [Clamped, DivisionByZero, Inexact, Overflow, Rounded, Underflow, InvalidOperation,
            Subnormal, FloatOperation]


class _Flags(dict):
    def __repr__(self):
        return "{" + ", ".join("<class 'decimal.%s'>:%s" % (k.__name__, v)
                               for k, v in self.items()) + "}"


class Context:
    """Precision, rounding mode and signal handling for Decimal operations."""

    def __init__(self, prec=None, rounding=None, Emin=None, Emax=None, capitals=None,
                 clamp=None, flags=None, traps=None):
        base = DefaultContext if "DefaultContext" in globals() else None
        self.prec = prec if prec is not None else (base.prec if base else 28)
        self.rounding = rounding if rounding is not None else (base.rounding if base else ROUND_HALF_EVEN)
        self.Emin = Emin if Emin is not None else (base.Emin if base else -999999)
        self.Emax = Emax if Emax is not None else (base.Emax if base else 999999)
        self.capitals = capitals if capitals is not None else 1
        self.clamp = clamp if clamp is not None else 0
        if traps is None:
            traps = base.traps if base else [DivisionByZero, Overflow, InvalidOperation]
        if isinstance(traps, dict):
            self.traps = _Flags((s, bool(traps.get(s, False))) for s in _SIGNALS)
        else:
            self.traps = _Flags((s, s in traps) for s in _SIGNALS)
        if flags is None:
            flags = []
        if isinstance(flags, dict):
            self.flags = _Flags((s, bool(flags.get(s, False))) for s in _SIGNALS)
        else:
            self.flags = _Flags((s, s in flags) for s in _SIGNALS)

    def __setattr__(self, name, value):
        if name == "prec" and (not isinstance(value, int) or value < 1):
            raise ValueError("valid range for prec is [1, MAX_PREC]")
        if name == "rounding" and value not in _ROUNDINGS:
            raise TypeError("valid values for rounding are:\n  [ROUND_CEILING, ROUND_FLOOR, "
                            "ROUND_UP, ROUND_DOWN,\n   ROUND_HALF_UP, ROUND_HALF_DOWN, "
                            "ROUND_HALF_EVEN,\n   ROUND_05UP]")
        object.__setattr__(self, name, value)

    def copy(self):
        return Context(self.prec, self.rounding, self.Emin, self.Emax, self.capitals,
                       self.clamp, dict(self.flags), dict(self.traps))

    __copy__ = copy

    def clear_flags(self):
        for s in self.flags:
            self.flags[s] = False

    def clear_traps(self):
        for s in self.traps:
            self.traps[s] = False

    def _raise(self, condition, message, result=None):
        """Record `condition`; raise its signal if trapped, else return result. Like the C
        implementation, conditions that are kinds of InvalidOperation (ConversionSyntax,
        DivisionUndefined, ...) are raised as InvalidOperation([<condition class>])."""
        signal = InvalidOperation if issubclass(condition, InvalidOperation) else condition
        self.flags[signal] = True
        if self.traps.get(signal):
            raise signal([condition])
        return result

    def __repr__(self):
        flags = [s.__name__ for s in _SIGNALS if self.flags[s]]
        traps = [s.__name__ for s in _SIGNALS if self.traps[s]]
        return ("Context(prec=%d, rounding=%s, Emin=%d, Emax=%d, capitals=%d, clamp=%d, "
                "flags=[%s], traps=[%s])" % (self.prec, self.rounding, self.Emin, self.Emax,
                                             self.capitals, self.clamp, ", ".join(flags),
                                             ", ".join(traps)))

    def create_decimal(self, num="0"):
        return Decimal(num)._fix(self)

    def create_decimal_from_float(self, f):
        return Decimal.from_float(f)._fix(self)

    def Etiny(self):
        return self.Emin - self.prec + 1

    def Etop(self):
        return self.Emax - self.prec + 1

    def add(self, a, b):
        return _dec(a).__add__(b, context=self)

    def subtract(self, a, b):
        return _dec(a).__sub__(b, context=self)

    def multiply(self, a, b):
        return _dec(a).__mul__(b, context=self)

    def divide(self, a, b):
        return _dec(a).__truediv__(b, context=self)

    def quantize(self, a, b):
        return _dec(a).quantize(b, context=self)

    def sqrt(self, a):
        return _dec(a).sqrt(context=self)

    def power(self, a, b, modulo=None):
        return _dec(a).__pow__(b, modulo, context=self)

    def plus(self, a):
        return _dec(a).__pos__(context=self)

    def minus(self, a):
        return _dec(a).__neg__(context=self)

    def abs(self, a):
        return _dec(a).__abs__(context=self)

    def compare(self, a, b):
        return _dec(a).compare(b, context=self)


_current = [None]


def getcontext():
    """The current (module-wide) context."""
    if _current[0] is None:
        _current[0] = DefaultContext.copy()
    return _current[0]


def setcontext(context):
    if context in (DefaultContext, BasicContext, ExtendedContext):
        context = context.copy()
        context.clear_flags()
    _current[0] = context


class _ContextManager:
    def __init__(self, new_context):
        self.new_context = new_context.copy()

    def __enter__(self):
        self.saved_context = getcontext()
        setcontext(self.new_context)
        return self.new_context

    def __exit__(self, t, v, tb):
        setcontext(self.saved_context)


def localcontext(ctx=None, **kwargs):
    """Context manager running its block with a copy of ctx (or the current context)."""
    if ctx is None:
        ctx = getcontext()
    manager = _ContextManager(ctx)
    for key, value in kwargs.items():
        if not hasattr(manager.new_context, key) or key in ("flags", "traps"):
            raise TypeError("'%s' is an invalid keyword argument for this function" % key)
        setattr(manager.new_context, key, value)
    return manager


# ----------------------------------------------------------------------------------------

def _dec(x):
    if isinstance(x, Decimal):
        return x
    if isinstance(x, int):
        return Decimal(x)
    raise TypeError("conversion from %s to Decimal is not supported" % type(x).__name__)


def _convert_other(other, allow_float=False):
    if isinstance(other, Decimal):
        return other
    if isinstance(other, int):
        return Decimal(other)
    if allow_float and isinstance(other, float):
        getcontext()._raise(FloatOperation, "strict semantics for mixing floats and Decimals "
                                            "are enabled")
        return Decimal.from_float(other)
    return NotImplemented


def _round_coefficient(sign, coeff, drop, rounding):
    """Remove `drop` trailing digits from coeff with the rounding mode; returns
    (new coefficient, inexact flag)."""
    if drop <= 0:
        return coeff * 10 ** (-drop), False
    div = 10 ** drop
    q, r = divmod(coeff, div)
    if r == 0:
        return q, False
    half = div // 2 if div % 2 == 0 else None
    twice = 2 * r
    if rounding == ROUND_DOWN:
        up = False
    elif rounding == ROUND_UP:
        up = True
    elif rounding == ROUND_CEILING:
        up = sign == 0
    elif rounding == ROUND_FLOOR:
        up = sign == 1
    elif rounding == ROUND_HALF_UP:
        up = twice >= div
    elif rounding == ROUND_HALF_DOWN:
        up = twice > div
    elif rounding == ROUND_HALF_EVEN:
        up = twice > div or (twice == div and q % 2 == 1)
    else:  # ROUND_05UP
        up = q % 10 in (0, 5)
    del half
    return q + (1 if up else 0), True


class Decimal:
    """Exact decimal numbers with context-controlled rounding."""

    __slots__ = ("_sign", "_int", "_exp", "_special")

    def __new__(cls, value="0", context=None):
        self = object.__new__(cls)
        self._special = None
        if isinstance(value, str):
            _parse_into(self, value, context)
            return self
        if isinstance(value, bool):
            value = int(value)
        if isinstance(value, int):
            self._sign = 1 if value < 0 else 0
            self._int = abs(value)
            self._exp = 0
            return self
        if isinstance(value, Decimal):
            self._sign, self._int, self._exp, self._special = (value._sign, value._int,
                                                               value._exp, value._special)
            return self
        if isinstance(value, float):
            ctx = context or getcontext()
            ctx.flags[FloatOperation] = True
            if ctx.traps[FloatOperation]:
                raise FloatOperation("strict semantics for mixing floats and Decimals are "
                                     "enabled")
            return cls.from_float(value)
        if isinstance(value, (tuple, list)):
            if len(value) != 3:
                raise ValueError("argument must be a sequence of length 3")
            sign, digits, exp = value
            if sign not in (0, 1):
                raise ValueError("sign must be an integer with the value 0 or 1")
            self._sign = sign
            if exp in ("F", "n", "N"):
                self._special = exp
                self._int = 0
                self._exp = 0
                return self
            coeff = 0
            for d in digits:
                if not (isinstance(d, int) and 0 <= d <= 9):
                    raise ValueError("The second value in the tuple must be composed of "
                                     "integers in the range 0 through 9.")
                coeff = coeff * 10 + d
            self._int = coeff
            self._exp = exp
            return self
        raise TypeError("conversion from %s to Decimal is not supported" % type(value).__name__)

    @classmethod
    def from_float(cls, f):
        """The exact decimal value of a float (or int)."""
        if isinstance(f, int):
            return cls(f)
        if not isinstance(f, float):
            raise TypeError("argument must be int or float")
        if f != f:
            return cls("NaN")
        if f in (float("inf"), float("-inf")):
            return cls("-Infinity" if f < 0 else "Infinity")
        sign = 1 if _math.copysign(1.0, f) < 0 else 0
        n, d = abs(f).as_integer_ratio()
        k = d.bit_length() - 1  # d is a power of two
        result = object.__new__(cls)
        result._special = None
        result._sign = sign
        result._int = n * 5 ** k
        result._exp = -k
        return result

    # -- basic properties ---------------------------------------------------------------------

    def _isnan(self):
        return self._special in ("n", "N")

    def is_nan(self):
        return self._isnan()

    def is_snan(self):
        return self._special == "N"

    def is_qnan(self):
        return self._special == "n"

    def is_infinite(self):
        return self._special == "F"

    def is_finite(self):
        return self._special is None

    def is_zero(self):
        return self._special is None and self._int == 0

    def is_signed(self):
        return self._sign == 1

    def is_normal(self, context=None):
        return self._special is None and self._int != 0

    def adjusted(self):
        if self._special is not None:
            return 0
        return self._exp + len(str(self._int)) - 1

    def as_tuple(self):
        if self._special == "F":
            return DecimalTuple(self._sign, (0,), "F")
        if self._special is not None:
            digits = tuple(int(c) for c in str(self._int)) if self._int else ()
            return DecimalTuple(self._sign, digits, self._special)
        return DecimalTuple(self._sign, tuple(int(c) for c in str(self._int)), self._exp)

    def as_integer_ratio(self):
        if self._special == "F":
            raise OverflowError("cannot convert Infinity to integer ratio")
        if self._special is not None:
            raise ValueError("cannot convert NaN to integer ratio")
        n = self._int
        if self._exp >= 0:
            num, den = n * 10 ** self._exp, 1
        else:
            num, den = n, 10 ** -self._exp
        g = _math.gcd(num, den)
        num //= g
        den //= g
        return (-num if self._sign else num), den

    # -- construction helpers -------------------------------------------------------------------

    @staticmethod
    def _make(sign, coeff, exp):
        d = object.__new__(Decimal)
        d._sign = sign
        d._int = coeff
        d._exp = exp
        d._special = None
        return d

    @staticmethod
    def _make_special(sign, kind, payload=0):
        d = object.__new__(Decimal)
        d._sign = sign
        d._int = payload
        d._exp = 0
        d._special = kind
        return d

    def _fix(self, context):
        """Round to the context precision, signalling Inexact/Rounded."""
        if self._special is not None:
            if self._special == "N":
                return context._raise(InvalidOperation, "sNaN",
                                      Decimal._make_special(self._sign, "n", self._int))
            return self
        digits = len(str(self._int))
        drop = digits - context.prec
        if drop <= 0:
            result = self
        else:
            coeff, inexact = _round_coefficient(self._sign, self._int, drop, context.rounding)
            exp = self._exp + drop
            if len(str(coeff)) > context.prec:
                coeff //= 10
                exp += 1
            context._raise(Rounded, "rounded")
            if inexact:
                context._raise(Inexact, "inexact")
            result = Decimal._make(self._sign, coeff, exp)
        if result._int and result.adjusted() > context.Emax:
            context._raise(Inexact, "inexact")
            context._raise(Rounded, "rounded")
            return context._raise(Overflow, "above Emax",
                                  Decimal._make_special(result._sign, "F"))
        return result

    def _nan_check(self, other, context):
        for x in (self, other):
            if x is not None and x._special == "N":
                return context._raise(InvalidOperation, "sNaN",
                                      Decimal._make_special(x._sign, "n", x._int))
        for x in (self, other):
            if x is not None and x._special == "n":
                return x
        return None

    # -- string forms --------------------------------------------------------------------------

    def __str__(self, eng=False, context=None):
        sign = "-" if self._sign else ""
        if self._special == "F":
            return sign + "Infinity"
        if self._special == "n":
            return sign + "NaN" + (str(self._int) if self._int else "")
        if self._special == "N":
            return sign + "sNaN" + (str(self._int) if self._int else "")
        digits = str(self._int)
        exp = self._exp
        leftdigits = exp + len(digits)
        if exp <= 0 and leftdigits > -6:
            dotplace = leftdigits
        else:
            dotplace = 1
        if dotplace <= 0:
            intpart = "0"
            fracpart = "." + "0" * (-dotplace) + digits
        elif dotplace >= len(digits):
            intpart = digits + "0" * (dotplace - len(digits))
            fracpart = ""
        else:
            intpart = digits[:dotplace]
            fracpart = "." + digits[dotplace:]
        if leftdigits == dotplace:
            expstr = ""
        else:
            caps = 1 if context is None else context.capitals
            expstr = ["e", "E"][caps] + "%+d" % (leftdigits - dotplace)
        return sign + intpart + fracpart + expstr

    def to_eng_string(self, context=None):
        return self.__str__(eng=True, context=context)

    def __repr__(self):
        return "Decimal('%s')" % str(self)

    def __format__(self, spec, _localeconv=None):
        return _format_decimal(self, spec)

    # -- conversions ----------------------------------------------------------------------------

    def __float__(self):
        if self._special is not None:
            if self._isnan():
                if self._special == "N":
                    raise ValueError("cannot convert signaling NaN to float")
                return float("-nan") if self._sign else float("nan")
            return float("-inf") if self._sign else float("inf")
        return float(str(self))

    def __int__(self):
        if self._special is not None:
            if self._isnan():
                raise ValueError("cannot convert NaN to integer")
            raise OverflowError("cannot convert Infinity to integer")
        if self._exp >= 0:
            n = self._int * 10 ** self._exp
        else:
            n = self._int // 10 ** -self._exp
        return -n if self._sign else n

    __trunc__ = __int__

    def __bool__(self):
        return self._special is not None or self._int != 0

    def __floor__(self):
        if self._special is not None:
            raise ValueError("cannot round a NaN") if self._isnan() else OverflowError(
                "cannot round an infinity")
        return int(self.to_integral_value(rounding=ROUND_FLOOR))

    def __ceil__(self):
        if self._special is not None:
            raise ValueError("cannot round a NaN") if self._isnan() else OverflowError(
                "cannot round an infinity")
        return int(self.to_integral_value(rounding=ROUND_CEILING))

    def __round__(self, n=None):
        if n is not None:
            if not isinstance(n, int):
                raise TypeError("Second argument to round should be integral")
            exp = Decimal._make(0, 1, -n)
            return self.quantize(exp)
        if self._special is not None:
            if self._isnan():
                raise ValueError("cannot round a NaN")
            raise OverflowError("cannot round an infinity")
        return int(self.to_integral_value(rounding=ROUND_HALF_EVEN))

    def __complex__(self):
        return complex(float(self))

    # -- comparisons ----------------------------------------------------------------------------

    def _cmp_key(self):
        """A Fraction-free exact comparison key: (sign-aware) rational as a pair."""
        return self.as_integer_ratio()

    def _compare(self, other):
        """-1, 0, 1 for finite/infinite (no NaN) operands."""
        if self._special == "F" or other._special == "F":
            a = (-1 if self._sign else 1) if self._special == "F" else 0
            b = (-1 if other._sign else 1) if other._special == "F" else 0
            if a == b:
                return 0
            if a or b:
                return -1 if a < b else 1
        an, ad = self.as_integer_ratio()
        bn, bd = other.as_integer_ratio()
        left, right = an * bd, bn * ad
        return (left > right) - (left < right)

    def _coerce_cmp(self, other, equality=False):
        if isinstance(other, float):
            ctx = getcontext()
            ctx.flags[FloatOperation] = True
            if not equality and ctx.traps[FloatOperation]:
                raise FloatOperation("strict semantics for mixing floats and Decimals are "
                                     "enabled")
            return Decimal.from_float(other)
        if isinstance(other, (Decimal, int)):
            return _dec(other)
        if hasattr(other, "numerator") and hasattr(other, "denominator"):
            return other
        return NotImplemented

    def _rich(self, other, op, equality=False):
        other = self._coerce_cmp(other, equality)
        if other is NotImplemented:
            return NotImplemented
        if not isinstance(other, Decimal):
            if self._special is not None:
                return False if self._isnan() else op((-1 if self._sign else 1), 0)
            n, d = self.as_integer_ratio()
            return op(n * other.denominator, other.numerator * d)
        if self._isnan() or other._isnan():
            if equality:
                return op is _ne
            if self._special == "N" or other._special == "N" or True:
                getcontext()._raise(InvalidOperation, "comparison involving NaN")
            return False
        return op(self._compare(other), 0)

    def __eq__(self, other):
        return self._rich(other, _eq, True)

    def __ne__(self, other):
        return self._rich(other, _ne, True)

    def __lt__(self, other):
        return self._rich(other, _lt)

    def __le__(self, other):
        return self._rich(other, _le)

    def __gt__(self, other):
        return self._rich(other, _gt)

    def __ge__(self, other):
        return self._rich(other, _ge)

    def compare(self, other, context=None):
        other = _dec(other)
        if self._isnan() or other._isnan():
            return self._nan_check(other, context or getcontext())
        return Decimal(self._compare(other))

    def __hash__(self):
        if self._special is not None:
            if self._special == "N":
                raise TypeError("Cannot hash a signaling NaN value.")
            if self._isnan():
                return object.__hash__(self)
            return hash(float("-inf") if self._sign else float("inf"))
        n, d = self.as_integer_ratio()
        if d == 1:
            return hash(n)
        try:
            modulus = __import__("sys").hash_info.modulus
            inf = __import__("sys").hash_info.inf
        except AttributeError:
            modulus, inf = (1 << 61) - 1, 314159
        try:
            dinv = pow(d, -1, modulus)
        except ValueError:
            h = inf
        else:
            h = hash(hash(abs(n)) * dinv)
        result = h if n >= 0 else -h
        return -2 if result == -1 else result

    # -- arithmetic -----------------------------------------------------------------------------

    def __add__(self, other, context=None):
        other = _convert_other(other)
        if other is NotImplemented:
            return other
        ctx = context or getcontext()
        nan = self._nan_check(other, ctx)
        if nan is not None:
            return nan
        if self._special == "F" or other._special == "F":
            if self._special == "F" and other._special == "F" and self._sign != other._sign:
                return ctx._raise(InvalidOperation, "-INF + INF",
                                  Decimal._make_special(0, "n"))
            return self if self._special == "F" else other
        exp = min(self._exp, other._exp)
        a = self._int * 10 ** (self._exp - exp) * (-1 if self._sign else 1)
        b = other._int * 10 ** (other._exp - exp) * (-1 if other._sign else 1)
        total = a + b
        if total == 0:
            if self._sign and other._sign:
                sign = 1
            elif ctx.rounding == ROUND_FLOOR and (self._sign or other._sign):
                sign = 1
            else:
                sign = 0
            return Decimal._make(sign, 0, exp)._fix(ctx)
        return Decimal._make(1 if total < 0 else 0, abs(total), exp)._fix(ctx)

    __radd__ = __add__

    def __sub__(self, other, context=None):
        other = _convert_other(other)
        if other is NotImplemented:
            return other
        return self.__add__(other.copy_negate(), context=context)

    def __rsub__(self, other, context=None):
        other = _convert_other(other)
        if other is NotImplemented:
            return other
        return other.__sub__(self, context=context)

    def __mul__(self, other, context=None):
        other = _convert_other(other)
        if other is NotImplemented:
            return other
        ctx = context or getcontext()
        nan = self._nan_check(other, ctx)
        if nan is not None:
            return nan
        sign = self._sign ^ other._sign
        if self._special == "F" or other._special == "F":
            if self.is_zero() or other.is_zero():
                return ctx._raise(InvalidOperation, "(+-)INF * 0", Decimal._make_special(0, "n"))
            return Decimal._make_special(sign, "F")
        return Decimal._make(sign, self._int * other._int, self._exp + other._exp)._fix(ctx)

    __rmul__ = __mul__

    def __truediv__(self, other, context=None):
        other = _convert_other(other)
        if other is NotImplemented:
            return other
        ctx = context or getcontext()
        nan = self._nan_check(other, ctx)
        if nan is not None:
            return nan
        sign = self._sign ^ other._sign
        if self._special == "F" or other._special == "F":
            if self._special == "F" and other._special == "F":
                return ctx._raise(InvalidOperation, "(+-)INF/(+-)INF",
                                  Decimal._make_special(0, "n"))
            if self._special == "F":
                return Decimal._make_special(sign, "F")
            return Decimal._make(sign, 0, ctx.Etiny())
        if other._int == 0:
            if self._int == 0:
                return ctx._raise(DivisionUndefined, "0 / 0", Decimal._make_special(0, "n"))
            return ctx._raise(DivisionByZero, "x / 0", Decimal._make_special(sign, "F"))
        ideal = self._exp - other._exp
        if self._int == 0:
            return Decimal._make(sign, 0, ideal)._fix(ctx)
        # Scale the dividend so the quotient has prec + 1 digits at least.
        shift = len(str(other._int)) - len(str(self._int)) + ctx.prec + 1
        if shift >= 0:
            q, r = divmod(self._int * 10 ** shift, other._int)
        else:
            q, r = divmod(self._int, other._int * 10 ** -shift)
        exp = ideal - shift
        if r == 0:
            # Exact: strip trailing zeros back towards the ideal exponent.
            while exp < ideal and q % 10 == 0:
                q //= 10
                exp += 1
            return Decimal._make(sign, q, exp)._fix(ctx)
        # Inexact: make the last digit sticky so rounding sees the remainder.
        if q % 10 in (0, 5):
            q += 1
        return Decimal._make(sign, q, exp)._fix(ctx)

    def __rtruediv__(self, other, context=None):
        other = _convert_other(other)
        if other is NotImplemented:
            return other
        return other.__truediv__(self, context=context)

    def _divide_integer(self, other, ctx):
        if other._int == 0:
            if self._int == 0:
                ctx._raise(DivisionUndefined, "0 // 0")
                return None
            ctx._raise(DivisionByZero, "x // 0")
            return None
        exp = min(self._exp, other._exp)
        a = self._int * 10 ** (self._exp - exp)
        b = other._int * 10 ** (other._exp - exp)
        q, r = divmod(a, b)
        if len(str(q)) > ctx.prec:
            ctx._raise(DivisionImpossible, "quotient too large in //, % or divmod")
            return None
        sign = self._sign ^ other._sign
        return (Decimal._make(sign, q, 0),
                Decimal._make(self._sign, r, exp)._fix(ctx))

    def __floordiv__(self, other, context=None):
        other = _convert_other(other)
        if other is NotImplemented:
            return other
        ctx = context or getcontext()
        nan = self._nan_check(other, ctx)
        if nan is not None:
            return nan
        result = self._divide_integer(other, ctx)
        if result is None:
            return Decimal._make_special(self._sign ^ other._sign, "F") if self._int else \
                Decimal._make_special(0, "n")
        return result[0]

    def __rfloordiv__(self, other, context=None):
        other = _convert_other(other)
        if other is NotImplemented:
            return other
        return other.__floordiv__(self, context=context)

    def __mod__(self, other, context=None):
        other = _convert_other(other)
        if other is NotImplemented:
            return other
        ctx = context or getcontext()
        nan = self._nan_check(other, ctx)
        if nan is not None:
            return nan
        if other._int == 0:
            return ctx._raise(InvalidOperation if self._int else DivisionUndefined, "x % 0",
                              Decimal._make_special(0, "n"))
        result = self._divide_integer(other, ctx)
        if result is None:
            return Decimal._make_special(0, "n")
        return result[1]

    def __rmod__(self, other, context=None):
        other = _convert_other(other)
        if other is NotImplemented:
            return other
        return other.__mod__(self, context=context)

    def __divmod__(self, other, context=None):
        other = _convert_other(other)
        if other is NotImplemented:
            return other
        ctx = context or getcontext()
        result = self._divide_integer(other, ctx)
        if result is None:
            nan = Decimal._make_special(0, "n")
            return nan, nan
        return result

    def __rdivmod__(self, other, context=None):
        other = _convert_other(other)
        if other is NotImplemented:
            return other
        return other.__divmod__(self, context=context)

    def __pow__(self, other, modulo=None, context=None):
        other = _convert_other(other)
        if other is NotImplemented:
            return other
        ctx = context or getcontext()
        if modulo is not None:
            m = int(_dec(modulo))
            return Decimal(pow(int(self), int(other), m))
        nan = self._nan_check(other, ctx)
        if nan is not None:
            return nan
        if other._special is None and other == other.to_integral_value():
            n = int(other)
            if self._special == "F":
                if n == 0:
                    return Decimal(1)
                sign = self._sign if n % 2 else 0
                return Decimal._make_special(sign, "F") if n > 0 else Decimal._make(sign, 0, 0)
            if n >= 0:
                sign = self._sign if n % 2 else 0
                wide = ctx.copy()
                wide.prec = ctx.prec + len(str(n)) + 2
                result = Decimal._make(sign, self._int ** n, self._exp * n)
                return result._fix(ctx)
            if self._int == 0:
                sign = self._sign if n % 2 else 0
                return ctx._raise(DivisionByZero, "0 ** -n", Decimal._make_special(sign, "F"))
            positive = Decimal._make(self._sign if n % 2 else 0, self._int ** -n, self._exp * -n)
            return Decimal(1).__truediv__(positive, context=ctx)
        if self._sign and not self.is_zero():
            return ctx._raise(InvalidOperation, "x ** y with x negative and y not an integer",
                              Decimal._make_special(0, "n"))
        exact = self._rational_power(other, ctx)
        if exact is not None:
            return exact
        # Other exponents: exp(y * ln x) in fixed point with guard digits.
        return _from_fixed(_fixed_exp(_fixed_mul(_to_fixed(other, ctx.prec),
                                                 _fixed_ln(self, ctx.prec), ctx.prec), ctx.prec),
                           ctx)

    def _rational_power(self, other, ctx):
        """x ** (p/q) for a small denominator q, correctly rounded via an integer q-th root;
        None when the exponent is not such a rational."""
        if self._special is not None or other._special is not None or self._int == 0:
            return None
        p, q = other.as_integer_ratio()
        if q > 64 or abs(p) > 4096:
            return None
        num, den = self.as_integer_ratio()
        if abs(p) * max(num.bit_length(), den.bit_length()) > 4000:
            return None
        if p < 0:
            num, den, p = den, num, -p
        num, den = num ** p, den ** p
        # root = (num/den) ** (1/q) scaled by 10**k so it has prec + 2 digits.
        approx_digits = (len(str(num)) - len(str(den))) // q
        k = ctx.prec + 2 - approx_digits
        if k >= 0:
            scaled_num, scaled_den = num * 10 ** (k * q), den
        else:
            scaled_num, scaled_den = num, den * 10 ** (-k * q)
        target = scaled_num // scaled_den
        root = _iroot(target, q)
        exact = root ** q * scaled_den == scaled_num
        if not exact and root % 10 in (0, 5):
            root += 1
        result = Decimal._make(0, root, -k)
        if exact:
            # Non-integer powers are given to full precision even when exact.
            return result._fix(ctx)
        out = result._fix(ctx)
        ctx._raise(Inexact, "inexact")
        ctx._raise(Rounded, "rounded")
        return out

    def __rpow__(self, other, context=None):
        other = _convert_other(other)
        if other is NotImplemented:
            return other
        return other.__pow__(self, context=context)

    def __neg__(self, context=None):
        ctx = context or getcontext()
        if self._isnan():
            return self._nan_check(None, ctx)
        if self.is_zero():
            sign = 1 if ctx.rounding == ROUND_FLOOR else 0
        else:
            sign = 1 - self._sign
        return self._with_sign(sign)._fix(ctx)

    def __pos__(self, context=None):
        ctx = context or getcontext()
        if self._isnan():
            return self._nan_check(None, ctx)
        if self.is_zero():
            sign = 1 if ctx.rounding == ROUND_FLOOR else 0
            return self._with_sign(sign)._fix(ctx)
        return self._fix(ctx)

    def __abs__(self, round=True, context=None):
        ctx = context or getcontext()
        if self._isnan():
            return self._nan_check(None, ctx)
        return self._with_sign(0)._fix(ctx) if round else self._with_sign(0)

    def _with_sign(self, sign):
        d = object.__new__(Decimal)
        d._sign, d._int, d._exp, d._special = sign, self._int, self._exp, self._special
        return d

    def copy_abs(self):
        return self._with_sign(0)

    def copy_negate(self):
        return self._with_sign(1 - self._sign)

    def copy_sign(self, other, context=None):
        return self._with_sign(_dec(other)._sign)

    # -- rounding and quantizing ----------------------------------------------------------------

    def quantize(self, exp, rounding=None, context=None):
        """Round to the exponent of exp: Decimal('1.2345').quantize(Decimal('0.01'))."""
        exp = _dec(exp)
        ctx = context or getcontext()
        rounding = rounding or ctx.rounding
        nan = self._nan_check(exp, ctx)
        if nan is not None:
            return nan
        if self._special == "F" or exp._special == "F":
            if self._special == "F" and exp._special == "F":
                return Decimal(self)
            return ctx._raise(InvalidOperation, "quantize with one INF",
                              Decimal._make_special(0, "n"))
        target = exp._exp
        drop = target - self._exp
        coeff, inexact = _round_coefficient(self._sign, self._int, drop, rounding)
        if len(str(coeff)) > ctx.prec:
            return ctx._raise(InvalidOperation, "quantize result has too many digits for "
                                                "current context",
                              Decimal._make_special(0, "n"))
        if drop > 0:
            ctx._raise(Rounded, "rounded")
            if inexact:
                ctx._raise(Inexact, "inexact")
        return Decimal._make(self._sign, coeff, target)

    def to_integral_value(self, rounding=None, context=None):
        ctx = context or getcontext()
        if self._special is not None:
            nan = self._nan_check(None, ctx)
            return nan if nan is not None else Decimal(self)
        if self._exp >= 0:
            return Decimal(self)
        coeff, _ = _round_coefficient(self._sign, self._int, -self._exp,
                                      rounding or ctx.rounding)
        return Decimal._make(self._sign, coeff, 0)

    to_integral = to_integral_value

    def to_integral_exact(self, rounding=None, context=None):
        ctx = context or getcontext()
        result = self.to_integral_value(rounding, ctx)
        if result != self:
            ctx._raise(Inexact, "inexact")
        if self._special is None and self._exp < 0:
            ctx._raise(Rounded, "rounded")
        return result

    def normalize(self, context=None):
        ctx = context or getcontext()
        if self._special is not None:
            nan = self._nan_check(None, ctx)
            return nan if nan is not None else Decimal(self)
        d = self._fix(ctx)
        if d._special is not None:
            return d
        if d._int == 0:
            return Decimal._make(d._sign, 0, 0)
        coeff, exp = d._int, d._exp
        while coeff % 10 == 0:
            coeff //= 10
            exp += 1
        return Decimal._make(d._sign, coeff, exp)

    def sqrt(self, context=None):
        ctx = context or getcontext()
        if self._special is not None:
            nan = self._nan_check(None, ctx)
            if nan is not None:
                return nan
            if self._sign:
                return ctx._raise(InvalidOperation, "sqrt(-x), x > 0",
                                  Decimal._make_special(0, "n"))
            return Decimal(self)
        if self._int == 0:
            return Decimal._make(self._sign, 0, self._exp // 2)
        if self._sign:
            return ctx._raise(InvalidOperation, "sqrt(-x), x > 0", Decimal._make_special(0, "n"))
        prec = ctx.prec
        ideal = self._exp // 2
        # Choose an even exponent e so that coeff * 10**(exp - e) has about 2*prec+2 digits.
        coeff, exp = self._int, self._exp
        digits = len(str(coeff))
        shift = 2 * prec + 2 - digits
        if (exp - shift) % 2:
            shift += 1
        if shift >= 0:
            n = coeff * 10 ** shift
        else:
            n = coeff // 10 ** -shift
        e = (exp - shift) // 2
        root = _math.isqrt(n) if hasattr(_math, "isqrt") else _isqrt(n)
        exact = root * root == n and (shift >= 0 or coeff % 10 ** -shift == 0)
        if exact:
            while e < ideal and root % 10 == 0:
                root //= 10
                e += 1
            return Decimal._make(0, root, e)._fix(ctx)
        if root % 10 in (0, 5):
            root += 1
        result = Decimal._make(0, root, e)
        wide = ctx.copy()
        wide.rounding = ROUND_HALF_EVEN
        out = result._fix(wide)
        ctx._raise(Inexact, "inexact")
        ctx._raise(Rounded, "rounded")
        return out

    def max(self, other, context=None):
        other = _dec(other)
        return self if self._compare(other) >= 0 else other

    def min(self, other, context=None):
        other = _dec(other)
        return self if self._compare(other) <= 0 else other

    def fma(self, other, third, context=None):
        ctx = context or getcontext()
        product = Decimal._make(self._sign ^ _dec(other)._sign, self._int * _dec(other)._int,
                                self._exp + _dec(other)._exp)
        return product.__add__(_dec(third), context=ctx)

    def exp(self, context=None):
        """e ** self, correctly rounded except in astronomically rare cases."""
        ctx = context or getcontext()
        if self._special is not None:
            if self._isnan():
                return self._nan_check(None, ctx)
            return Decimal(0) if self._sign else Decimal(self)
        if self._int == 0:
            return Decimal(1)
        return _from_fixed(_fixed_exp(_to_fixed(self, ctx.prec), ctx.prec), ctx)

    def ln(self, context=None):
        """Natural logarithm."""
        ctx = context or getcontext()
        if self._special is not None:
            if self._isnan():
                return self._nan_check(None, ctx)
            if self._sign:
                return ctx._raise(InvalidOperation, "ln(-inf)", Decimal._make_special(0, "n"))
            return Decimal(self)
        if self._int == 0:
            return Decimal._make_special(1, "F")
        if self._sign:
            return ctx._raise(InvalidOperation, "ln of a negative value",
                              Decimal._make_special(0, "n"))
        if self == 1:
            return Decimal(0)
        return _from_fixed(_fixed_ln(self, ctx.prec), ctx)

    def log10(self, context=None):
        """Base-10 logarithm (exact for powers of ten)."""
        ctx = context or getcontext()
        if self._special is None and self._int and not self._sign:
            digits = str(self._int).rstrip("0")
            if digits == "1":
                return Decimal(self.adjusted())
        if self._special is not None or self._int == 0 or self._sign:
            return self.ln(ctx)
        w = ctx.prec
        return _from_fixed(_fixed_div(_fixed_ln(self, w), _fixed_ln(Decimal(10), w), w), ctx)

    def __reduce__(self):
        return (self.__class__, (str(self),))

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    @property
    def real(self):
        return self

    @property
    def imag(self):
        return Decimal(0)

    def conjugate(self):
        return self


# Fixed-point helpers for ln/exp/non-integer powers: a value v is the int round(v * 10**W)
# with W = prec + _GUARD digits.

_GUARD = 25


def _scale(prec):
    return prec + _GUARD


def _to_fixed(d, prec):
    w = _scale(prec)
    n, den = d.as_integer_ratio()
    return (n * 10 ** w) // den


def _fixed_mul(a, b, prec):
    return a * b // 10 ** _scale(prec)


def _fixed_div(a, b, prec):
    return a * 10 ** _scale(prec) // b


def _fixed_ln(d, prec):
    """ln(d) for finite d > 0, as a fixed-point int."""
    w = _scale(prec)
    one = 10 ** w
    n, den = d.as_integer_ratio()
    # d = (n/den); bring it into [0.5, 1] * 2**k by binary scaling.
    k = n.bit_length() - den.bit_length()
    if k >= 0:
        den <<= k
    else:
        n <<= -k
    z = n * one // den
    while z > one:
        z //= 2
        k += 1
    while z < one // 2:
        z *= 2
        k -= 1
    return _ln_near_one(z, w) + k * _ln2(w)


def _ln_near_one(z, w):
    """ln(z / 10**w) for z/10**w in [0.5, 1], via 2 * atanh((z - 1) / (z + 1))."""
    one = 10 ** w
    negative = z < one
    t = abs(z - one) * one // (z + one)
    t2 = t * t // one
    term = t
    total = 0
    k = 1
    while term:
        total += term // k
        term = term * t2 // one
        k += 2
    return -2 * total if negative else 2 * total


_LN2_CACHE = {}


def _ln2(w):
    value = _LN2_CACHE.get(w)
    if value is None:
        # ln 2 = 2 * atanh(1/3)
        one = 10 ** w
        t = one // 3
        t2 = t * t // one
        term, total, k = t, 0, 1
        while term:
            total += term // k
            term = term * t2 // one
            k += 2
        value = _LN2_CACHE[w] = 2 * total
    return value


def _fixed_exp(x, prec):
    """exp(x / 10**W) as a fixed-point int."""
    w = _scale(prec)
    one = 10 ** w
    ln2 = _ln2(w)
    k = x // ln2
    r = x - k * ln2  # 0 <= r < ln 2
    # Halve r a few times so the Taylor series converges fast, then square back.
    halvings = 8
    r //= 2 ** halvings
    term = one
    total = one
    i = 1
    while term:
        term = term * r // (one * i)
        total += term
        i += 1
    for _ in range(halvings):
        total = total * total // one
    if k >= 0:
        return total << k
    return total >> -k


def _from_fixed(v, ctx):
    """Round the fixed-point value v to the context (always inexact)."""
    w = _scale(ctx.prec)
    sign = 1 if v < 0 else 0
    coeff = abs(v)
    if coeff % 10 in (0, 5):
        coeff += 1
    result = Decimal._make(sign, coeff, -w)
    out = result._fix(ctx)
    ctx._raise(Inexact, "inexact")
    ctx._raise(Rounded, "rounded")
    return out


def _iroot(n, k):
    """Largest integer x with x**k <= n."""
    if n < 2:
        return n
    x = 1 << ((n.bit_length() + k - 1) // k)
    while True:
        y = ((k - 1) * x + n // x ** (k - 1)) // k
        if y >= x:
            break
        x = y
    while x ** k > n:
        x -= 1
    while (x + 1) ** k <= n:
        x += 1
    return x


def _isqrt(n):
    if n == 0:
        return 0
    x = 1 << ((n.bit_length() + 1) // 2)
    while True:
        y = (x + n // x) // 2
        if y >= x:
            return x
        x = y


def _eq(a, b):
    return a == b


def _ne(a, b):
    return a != b


def _lt(a, b):
    return a < b


def _le(a, b):
    return a <= b


def _gt(a, b):
    return a > b


def _ge(a, b):
    return a >= b


class DecimalTuple(tuple):
    """(sign, digits, exponent) with named fields."""

    def __new__(cls, sign, digits, exponent):
        return tuple.__new__(cls, (sign, digits, exponent))

    sign = property(lambda self: self[0])
    digits = property(lambda self: self[1])
    exponent = property(lambda self: self[2])

    def __repr__(self):
        return "DecimalTuple(sign=%r, digits=%r, exponent=%r)" % tuple(self)

    __str__ = __repr__


def _parse_into(self, text, context):
    """Fill self from a numeric string (the decimal spec's syntax, with underscores)."""
    s = text.strip().replace("_", "") if "_" not in text.strip()[:1] else None
    bad = s is None or "__" in text
    if not bad:
        sign = 0
        if s[:1] in ("+", "-"):
            sign = 1 if s[0] == "-" else 0
            s = s[1:]
        low = s.lower()
        if low in ("inf", "infinity"):
            self._sign, self._int, self._exp, self._special = sign, 0, 0, "F"
            return
        for prefix, kind in (("snan", "N"), ("nan", "n")):
            if low.startswith(prefix):
                payload = low[len(prefix):]
                if payload == "" or (payload.isdigit() and payload.isascii()):
                    self._sign, self._special, self._exp = sign, kind, 0
                    self._int = int(payload) if payload else 0
                    return
                bad = True
                break
        if not bad:
            mant, e_char, exp_text = low.partition("e")
            exp = 0
            if e_char:
                body = exp_text[1:] if exp_text[:1] in ("+", "-") else exp_text
                if not body or not body.isdigit() or not body.isascii():
                    bad = True
                else:
                    exp = int(exp_text)
            if not bad:
                intpart, dot, frac = mant.partition(".")
                digits = intpart + frac
                if not digits or not digits.isdigit() or not digits.isascii():
                    bad = True
                else:
                    self._sign = sign
                    self._int = int(digits)
                    self._exp = exp - len(frac)
                    self._special = None
                    return
    ctx = context or getcontext()
    ctx._raise(ConversionSyntax, "Invalid literal for Decimal: %r" % text)
    # Not trapped: the result is NaN.
    self._sign, self._int, self._exp, self._special = 0, 0, 0, "n"


def _format_decimal(d, spec):
    """format(Decimal, spec) for [[fill]align][sign][z][#][0][width][,|_][.precision][type]."""
    fill, align, sign, zero, width, grouping, precision, ftype = " ", None, "-", False, 0, "", None, None
    i = 0
    n = len(spec)
    if n >= 2 and spec[1] in "<>=^":
        fill, align = spec[0], spec[1]
        i = 2
    elif n >= 1 and spec[0] in "<>=^":
        align = spec[0]
        i = 1
    if i < n and spec[i] in "+- ":
        sign = spec[i]
        i += 1
    if i < n and spec[i] == "z":
        i += 1
    if i < n and spec[i] == "#":
        i += 1
    if i < n and spec[i] == "0":
        zero = True
        if align is None:
            fill, align = "0", "="
        i += 1
    j = i
    while j < n and spec[j].isdigit():
        j += 1
    if j > i:
        width = int(spec[i:j])
    i = j
    if i < n and spec[i] == ",":
        grouping = spec[i]
        i += 1
    if i < n and spec[i] == ".":
        j = i + 1
        while j < n and spec[j].isdigit():
            j += 1
        precision = int(spec[i + 1:j])
        i = j
    if i < n:
        ftype = spec[i]
        i += 1
    if i != n or (ftype is not None and ftype not in "eEfFgGn%"):
        raise ValueError("invalid format string")
    if align is None:
        align = ">"
    negative = d._sign == 1
    if d._special is not None:
        body = "Infinity" if d._special == "F" else "NaN"
    else:
        ctx = getcontext()
        if ftype == "%":
            d = Decimal._make(d._sign, d._int, d._exp + 2)
        if ftype in ("f", "F", "%"):
            if precision is not None:
                d = d.quantize(Decimal._make(0, 1, -precision), rounding=ctx.rounding)
            body = _plain_digits(d)
        elif ftype in ("e", "E"):
            if precision is not None and d._int == 0:
                d = Decimal._make(d._sign, 0, d._exp)
                digits = "0" * (precision + 1)
                adj = d._exp + precision
                body = digits[0] + ("." + digits[1:] if precision else "") + ftype + "%+d" % adj
            elif precision is not None:
                digits = len(str(d._int))
                drop = digits - (precision + 1)
                coeff, _ = _round_coefficient(d._sign, d._int, drop, ctx.rounding)
                exp = d._exp + drop
                if len(str(coeff)) > precision + 1:
                    coeff //= 10
                    exp += 1
                d = Decimal._make(d._sign, coeff, exp)
            if not (precision is not None and d._int == 0):
                digits = str(d._int)
                adj = d._exp + len(digits) - 1
                mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
                body = mant + ftype + "%+d" % adj
        elif ftype in ("g", "G") or ftype is None:
            if precision is not None and ftype is not None:
                p = precision or 1
                digits = len(str(d._int))
                if digits > p:
                    coeff, _ = _round_coefficient(d._sign, d._int, digits - p, ctx.rounding)
                    exp = d._exp + digits - p
                    if len(str(coeff)) > p:
                        coeff //= 10
                        exp += 1
                    d = Decimal._make(d._sign, coeff, exp)
            if ftype is None:
                body = str(d.copy_abs())
            else:
                digits = str(d._int)
                leftdigits = d._exp + len(digits)
                if d._exp <= 0 and leftdigits > -6:
                    body = _plain_digits(d)
                else:
                    mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
                    body = mant + ("e" if ftype == "g" else "E") + "%+d" % (leftdigits - 1)
        else:
            body = _plain_digits(d)
        if ftype == "%":
            body += "%"
    if grouping:
        intpart, dot, rest = body.partition(".")
        tail = ""
        k = 0
        while k < len(intpart) and intpart[k].isdigit():
            k += 1
        intpart, tail0 = intpart[:k], intpart[k:]
        groups = []
        while len(intpart) > 3:
            groups.insert(0, intpart[-3:])
            intpart = intpart[:-3]
        groups.insert(0, intpart)
        body = grouping.join(groups) + tail0 + dot + rest + tail
    prefix = "-" if negative else ("+" if sign == "+" else (" " if sign == " " else ""))
    total = len(prefix) + len(body)
    pad = max(0, width - total)
    if align == "<":
        return prefix + body + fill * pad
    if align == ">":
        return fill * pad + prefix + body
    if align == "=":
        return prefix + fill * pad + body
    left = pad // 2
    return fill * left + prefix + body + fill * (pad - left)


def _plain_digits(d):
    """The absolute value written without exponent."""
    digits = str(d._int)
    if d._exp >= 0:
        return digits + "0" * d._exp if d._int else "0" * 1 if d._exp == 0 else "0"
    frac = -d._exp
    digits = digits.rjust(frac + 1, "0")
    return digits[:-frac] + "." + digits[-frac:]


DefaultContext = Context(prec=28, rounding=ROUND_HALF_EVEN, Emin=-999999, Emax=999999,
                         capitals=1, clamp=0, flags=[],
                         traps=[DivisionByZero, Overflow, InvalidOperation])
BasicContext = Context(prec=9, rounding=ROUND_HALF_UP, Emin=-999999, Emax=999999,
                       traps=[DivisionByZero, Overflow, InvalidOperation, Clamped, Underflow])
ExtendedContext = Context(prec=9, rounding=ROUND_HALF_EVEN, Emin=-999999, Emax=999999, traps=[])


try:
    import numbers as _numbers
    _numbers.Number.register(Decimal)
except (ImportError, AttributeError):
    pass
