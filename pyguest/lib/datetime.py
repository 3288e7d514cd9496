"""Dates and times: date, time, datetime, timedelta, tzinfo, timezone, in plain Python.

pyguest's own implementation of the parts of CPython 3.11's `datetime` programs commonly use:
proleptic-Gregorian date arithmetic through day ordinals, timedelta normalisation (days,
seconds, microseconds) with round-half-even for float arguments, isoformat/fromisoformat,
strftime (C-locale names; glibc's `-`, `_`, `0` padding flags) and strptime for the common
directives, fixed-offset time zones, and reprs/strs as CPython prints them.
Local-time functions (now, today, fromtimestamp, timestamp of naive datetimes) use
`time.time()`/`time.localtime()`/`time.mktime()` when the interpreter provides them and treat
local time as UTC otherwise.
"""

import sys as _sys

__all__ = ("date", "datetime", "time", "timedelta", "timezone", "tzinfo", "MINYEAR",
           "MAXYEAR", "UTC")

MINYEAR = 1
MAXYEAR = 9999
_MAXORDINAL = 3652059

_DAYS_IN_MONTH = [-1, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
_DAYS_BEFORE_MONTH = [-1]
_acc = 0
for _dim in _DAYS_IN_MONTH[1:]:
    _DAYS_BEFORE_MONTH.append(_acc)
    _acc += _dim
del _acc, _dim

_MONTHNAMES = [None, "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
               "Nov", "Dec"]
_FULLMONTHNAMES = [None, "January", "February", "March", "April", "May", "June", "July",
                   "August", "September", "October", "November", "December"]
_DAYNAMES = [None, "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
_FULLDAYNAMES = [None, "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                 "Sunday"]


def _is_leap(year):
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _days_in_month(year, month):
    if month == 2 and _is_leap(year):
        return 29
    return _DAYS_IN_MONTH[month]


def _days_before_year(year):
    y = year - 1
    return y * 365 + y // 4 - y // 100 + y // 400


def _ymd2ord(year, month, day):
    """Day number of the date, 0001-01-01 being day 1."""
    before = _DAYS_BEFORE_MONTH[month] + (month > 2 and _is_leap(year))
    return _days_before_year(year) + before + day


_DI400Y = _days_before_year(401)
_DI100Y = _days_before_year(101)
_DI4Y = _days_before_year(5)


def _ord2ymd(n):
    """(year, month, day) of day number n."""
    n -= 1
    n400, n = divmod(n, _DI400Y)
    year = n400 * 400 + 1
    n100, n = divmod(n, _DI100Y)
    n4, n = divmod(n, _DI4Y)
    n1, n = divmod(n, 365)
    year += n100 * 100 + n4 * 4 + n1
    if n1 == 4 or n100 == 4:
        return year - 1, 12, 31
    leap = n1 == 3 and (n4 != 24 or n100 == 3)
    month = (n + 50) >> 5
    preceding = _DAYS_BEFORE_MONTH[month] + (month > 2 and leap)
    if preceding > n:
        month -= 1
        preceding -= _DAYS_IN_MONTH[month] + (month == 2 and leap)
    return year, month, n - preceding + 1


def _check_int(value):
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        raise TypeError("'float' object cannot be interpreted as an integer")
    try:
        index = type(value).__index__
    except AttributeError:
        raise TypeError("an integer is required (got type %s)" % type(value).__name__) from None
    return index(value)


def _check_date_fields(year, month, day):
    year = _check_int(year)
    month = _check_int(month)
    day = _check_int(day)
    if not MINYEAR <= year <= MAXYEAR:
        raise ValueError("year %d is out of range" % year)
    if not 1 <= month <= 12:
        raise ValueError("month must be in 1..12")
    if not 1 <= day <= _days_in_month(year, month):
        raise ValueError("day is out of range for month")
    return year, month, day


def _check_time_fields(hour, minute, second, microsecond, fold):
    hour = _check_int(hour)
    minute = _check_int(minute)
    second = _check_int(second)
    microsecond = _check_int(microsecond)
    if not 0 <= hour <= 23:
        raise ValueError("hour must be in 0..23")
    if not 0 <= minute <= 59:
        raise ValueError("minute must be in 0..59")
    if not 0 <= second <= 59:
        raise ValueError("second must be in 0..59")
    if not 0 <= microsecond <= 999999:
        raise ValueError("microsecond must be in 0..999999")
    if fold not in (0, 1):
        raise ValueError("fold must be either 0 or 1")
    return hour, minute, second, microsecond, fold


def _check_tzinfo(tz):
    if tz is not None and not isinstance(tz, tzinfo):
        raise TypeError("tzinfo argument must be None or of a tzinfo subclass")


def _cmp(x, y):
    return 0 if x == y else 1 if x > y else -1


def _round_half_even_div(a, b):
    """a / b rounded to the nearest int, ties to even (b > 0)."""
    q, r = divmod(a, b)
    r2 = 2 * r
    if r2 > b or (r2 == b and q % 2 == 1):
        q += 1
    return q


def _ratio(x):
    """Exact (numerator, denominator) of an int or float."""
    if isinstance(x, int):
        return x, 1
    if isinstance(x, float):
        return x.as_integer_ratio()
    raise TypeError("unsupported type for timedelta component: %s" % type(x).__name__)


# ----------------------------------------------------------------------------------------

class timedelta:
    """A duration: days, seconds (0..86399) and microseconds (0..999999)."""

    __slots__ = ("_days", "_seconds", "_microseconds", "_hashcode")

    def __new__(cls, days=0, seconds=0, microseconds=0, milliseconds=0, minutes=0, hours=0,
                weeks=0):
        # Sum everything exactly as a fraction of microseconds, then round once.
        num, den = 0, 1
        for value, scale in ((days, 86400000000), (seconds, 1000000), (microseconds, 1),
                             (milliseconds, 1000), (minutes, 60000000), (hours, 3600000000),
                             (weeks, 604800000000)):
            if not value:
                if not isinstance(value, (int, float)):
                    _ratio(value)
                continue
            n, d = _ratio(value)
            num = num * d + n * scale * den
            den *= d
        if den < 0:
            num, den = -num, -den
        total = num // den if num % den == 0 else _round_half_even_div(num, den)
        return cls._from_microseconds(total)

    @classmethod
    def _from_microseconds(cls, total):
        self = object.__new__(cls)
        days, rest = divmod(total, 86400000000)
        seconds, microseconds = divmod(rest, 1000000)
        if abs(days) > 999999999:
            raise OverflowError("days=%d; must have magnitude <= 999999999" % days)
        self._days = days
        self._seconds = seconds
        self._microseconds = microseconds
        self._hashcode = -1
        return self

    def _to_microseconds(self):
        return (self._days * 86400 + self._seconds) * 1000000 + self._microseconds

    def __repr__(self):
        args = []
        if self._days:
            args.append("days=%d" % self._days)
        if self._seconds:
            args.append("seconds=%d" % self._seconds)
        if self._microseconds:
            args.append("microseconds=%d" % self._microseconds)
        if not args:
            args.append("0")
        return "%s.%s(%s)" % (_module_name(self), self.__class__.__qualname__, ", ".join(args))

    def __str__(self):
        mm, ss = divmod(self._seconds, 60)
        hh, mm = divmod(mm, 60)
        s = "%d:%02d:%02d" % (hh, mm, ss)
        if self._days:
            s = "%d day%s, " % (self._days, "s" if abs(self._days) != 1 else "") + s
        if self._microseconds:
            s += ".%06d" % self._microseconds
        return s

    def total_seconds(self):
        """The duration in seconds, as a float."""
        return self._to_microseconds() / 10 ** 6

    @property
    def days(self):
        return self._days

    @property
    def seconds(self):
        return self._seconds

    @property
    def microseconds(self):
        return self._microseconds

    def __add__(self, other):
        if isinstance(other, timedelta):
            return timedelta._from_microseconds(self._to_microseconds() + other._to_microseconds())
        return NotImplemented

    __radd__ = __add__

    def __sub__(self, other):
        if isinstance(other, timedelta):
            return timedelta._from_microseconds(self._to_microseconds() - other._to_microseconds())
        return NotImplemented

    def __rsub__(self, other):
        if isinstance(other, timedelta):
            return -self + other
        return NotImplemented

    def __neg__(self):
        return timedelta._from_microseconds(-self._to_microseconds())

    def __pos__(self):
        return self

    def __abs__(self):
        return -self if self._days < 0 else self

    def __mul__(self, other):
        if isinstance(other, int):
            return timedelta._from_microseconds(self._to_microseconds() * other)
        if isinstance(other, float):
            n, d = other.as_integer_ratio()
            return timedelta._from_microseconds(
                _round_half_even_div(self._to_microseconds() * n, d) if d > 0 else 0)
        return NotImplemented

    __rmul__ = __mul__

    def __floordiv__(self, other):
        if not isinstance(other, (int, timedelta)):
            return NotImplemented
        usec = self._to_microseconds()
        if isinstance(other, timedelta):
            return usec // other._to_microseconds()
        return timedelta._from_microseconds(usec // other)

    def __truediv__(self, other):
        if not isinstance(other, (int, float, timedelta)):
            return NotImplemented
        usec = self._to_microseconds()
        if isinstance(other, timedelta):
            return usec / other._to_microseconds()
        if isinstance(other, int):
            return timedelta._from_microseconds(_round_half_even_div(usec, other)
                                                if other > 0 else _round_half_even_div(-usec, -other))
        n, d = other.as_integer_ratio()
        num, den = d * usec, n
        if den < 0:
            num, den = -num, -den
        return timedelta._from_microseconds(_round_half_even_div(num, den))

    def __mod__(self, other):
        if isinstance(other, timedelta):
            return timedelta._from_microseconds(self._to_microseconds() % other._to_microseconds())
        return NotImplemented

    def __divmod__(self, other):
        if isinstance(other, timedelta):
            q, r = divmod(self._to_microseconds(), other._to_microseconds())
            return q, timedelta._from_microseconds(r)
        return NotImplemented

    def _key(self):
        return (self._days, self._seconds, self._microseconds)

    def __eq__(self, other):
        if isinstance(other, timedelta):
            return self._key() == other._key()
        return NotImplemented

    def __lt__(self, other):
        if isinstance(other, timedelta):
            return self._key() < other._key()
        return NotImplemented

    def __le__(self, other):
        if isinstance(other, timedelta):
            return self._key() <= other._key()
        return NotImplemented

    def __gt__(self, other):
        if isinstance(other, timedelta):
            return self._key() > other._key()
        return NotImplemented

    def __ge__(self, other):
        if isinstance(other, timedelta):
            return self._key() >= other._key()
        return NotImplemented

    def __hash__(self):
        if self._hashcode == -1:
            self._hashcode = hash(self._key())
        return self._hashcode

    def __bool__(self):
        return bool(self._days or self._seconds or self._microseconds)

    def __reduce__(self):
        return (self.__class__, self._key())


def _module_name(obj):
    mod = type(obj).__module__
    return "datetime" if mod in ("datetime", "__main__") and type(obj).__qualname__ in (
        "timedelta", "date", "time", "datetime", "timezone") else mod


timedelta.min = timedelta(-999999999)
timedelta.max = timedelta(days=999999999, hours=23, minutes=59, seconds=59,
                          microseconds=999999)
timedelta.resolution = timedelta(microseconds=1)


# ----------------------------------------------------------------------------------------
# strftime / strptime

def _pad(value, width, flag, default_fill="0"):
    text = str(value)
    if flag == "-":
        return text
    fill = " " if flag == "_" else "0" if flag == "0" else default_fill
    return text.rjust(width, fill)


def _format_offset(off, sep=""):
    if off is None:
        return ""
    sign = "+"
    if off.days < 0:
        sign = "-"
        off = -off
    hh, rest = divmod(off, timedelta(hours=1))
    mm, rest = divmod(rest, timedelta(minutes=1))
    s = "%s%02d%s%02d" % (sign, hh, sep, mm)
    if rest.seconds or rest.microseconds:
        s += "%s%02d" % (sep, rest.seconds)
        if rest.microseconds:
            s += ".%06d" % rest.microseconds
    return s


def _strftime(obj, fmt, has_date, has_time):
    """Format obj (date/time/datetime) with C-locale strftime directives."""
    if has_date:
        year, month, day = obj.year, obj.month, obj.day
        weekday = obj.weekday()
        yday = _ymd2ord(year, month, day) - _ymd2ord(year, 1, 1) + 1
    else:
        year, month, day, weekday, yday = 1900, 1, 1, 0, 1
    if has_time:
        hour, minute, second, micro = obj.hour, obj.minute, obj.second, obj.microsecond
    else:
        hour = minute = second = micro = 0
    out = []
    i = 0
    n = len(fmt)
    while i < n:
        ch = fmt[i]
        if ch != "%" or i + 1 >= n:
            out.append(ch)
            i += 1
            continue
        j = i + 1
        flag = ""
        if fmt[j] in "-_0^#" and j + 1 < n:
            flag = fmt[j]
            j += 1
        code = fmt[j]
        i = j + 1
        if code == "Y":
            out.append(_pad(year, 4, flag) if flag else str(year))
        elif code == "y":
            out.append(_pad(year % 100, 2, flag))
        elif code == "m":
            out.append(_pad(month, 2, flag))
        elif code == "d":
            out.append(_pad(day, 2, flag))
        elif code == "e":
            out.append(_pad(day, 2, flag, " "))
        elif code == "H":
            out.append(_pad(hour, 2, flag))
        elif code == "k":
            out.append(_pad(hour, 2, flag, " "))
        elif code == "I":
            out.append(_pad(hour % 12 or 12, 2, flag))
        elif code == "l":
            out.append(_pad(hour % 12 or 12, 2, flag, " "))
        elif code == "M":
            out.append(_pad(minute, 2, flag))
        elif code == "S":
            out.append(_pad(second, 2, flag))
        elif code == "f":
            out.append("%06d" % micro)
        elif code == "p":
            out.append("AM" if hour < 12 else "PM")
        elif code == "P":
            out.append("am" if hour < 12 else "pm")
        elif code == "a":
            text = _DAYNAMES[weekday + 1]
            out.append(text.upper() if flag == "^" else text)
        elif code == "A":
            text = _FULLDAYNAMES[weekday + 1]
            out.append(text.upper() if flag == "^" else text)
        elif code in "bh":
            text = _MONTHNAMES[month]
            out.append(text.upper() if flag == "^" else text)
        elif code == "B":
            text = _FULLMONTHNAMES[month]
            out.append(text.upper() if flag == "^" else text)
        elif code == "w":
            out.append(str((weekday + 1) % 7))
        elif code == "u":
            out.append(str(weekday + 1))
        elif code == "j":
            out.append(_pad(yday, 3, flag))
        elif code == "U":
            out.append(_pad((yday + 6 - (weekday + 1) % 7) // 7, 2, flag))
        elif code == "W":
            out.append(_pad((yday + 6 - weekday) // 7, 2, flag))
        elif code in "GVg":
            iso_year, iso_week, _ = _isocalendar(year, month, day)
            if code == "G":
                out.append(str(iso_year))
            elif code == "g":
                out.append(_pad(iso_year % 100, 2, flag))
            else:
                out.append(_pad(iso_week, 2, flag))
        elif code == "C":
            out.append(_pad(year // 100, 2, flag))
        elif code == "z":
            out.append(_format_offset(obj.utcoffset()) if has_time else "")
        elif code == ":" and i < n and fmt[i] == "z":
            i += 1
            out.append(_format_offset(obj.utcoffset(), ":") if has_time else "")
        elif code == "Z":
            name = obj.tzname() if has_time else None
            out.append(name or "")
        elif code == "c":
            out.append("%s %s %2d %02d:%02d:%02d %d" % (_DAYNAMES[weekday + 1], _MONTHNAMES[month],
                                                         day, hour, minute, second, year))
        elif code == "x":
            out.append("%02d/%02d/%02d" % (month, day, year % 100))
        elif code == "X":
            out.append("%02d:%02d:%02d" % (hour, minute, second))
        elif code == "D":
            out.append("%02d/%02d/%02d" % (month, day, year % 100))
        elif code == "F":
            out.append("%d-%02d-%02d" % (year, month, day))
        elif code == "T":
            out.append("%02d:%02d:%02d" % (hour, minute, second))
        elif code == "R":
            out.append("%02d:%02d" % (hour, minute))
        elif code == "r":
            out.append("%02d:%02d:%02d %s" % (hour % 12 or 12, minute, second,
                                               "AM" if hour < 12 else "PM"))
        elif code == "n":
            out.append("\n")
        elif code == "t":
            out.append("\t")
        elif code == "%":
            out.append("%")
        elif code == "s":
            out.append(str(int(obj.timestamp())) if hasattr(obj, "timestamp") else "0")
        else:
            out.append(fmt[i - 1 - len(flag) - 1:i])
    return "".join(out)


class _Scanner:
    """Parses a string against a strptime format."""

    def __init__(self, data, fmt):
        self.data = data
        self.fmt = fmt
        self.pos = 0

    def fail(self):
        raise ValueError("time data %r does not match format %r" % (self.data, self.fmt))

    def number(self, max_digits, min_digits=1):
        s = self.data
        start = self.pos
        end = start
        while end < len(s) and end - start < max_digits and "0" <= s[end] <= "9":
            end += 1
        if end - start < min_digits:
            self.fail()
        self.pos = end
        return int(s[start:end])

    def word(self, choices):
        s = self.data[self.pos:].lower()
        best = None
        for idx, name in choices:
            if name and s.startswith(name.lower()) and (best is None or len(name) > len(best[1])):
                best = (idx, name)
        if best is None:
            self.fail()
        self.pos += len(best[1])
        return best[0]


def _strptime(data, fmt):
    """Parse data by fmt; returns (fields dict)."""
    if not isinstance(data, str):
        raise TypeError("strptime() argument 1 must be str, not %s" % type(data).__name__)
    if not isinstance(fmt, str):
        raise TypeError("strptime() argument 2 must be str, not %s" % type(fmt).__name__)
    sc = _Scanner(data, fmt)
    f = {}
    i = 0
    n = len(fmt)
    while i < n:
        ch = fmt[i]
        if ch.isspace():
            while i < n and fmt[i].isspace():
                i += 1
            while sc.pos < len(data) and data[sc.pos].isspace():
                sc.pos += 1
            continue
        if ch != "%":
            if sc.pos < len(data) and data[sc.pos].lower() == ch.lower():
                sc.pos += 1
                i += 1
                continue
            sc.fail()
        if i + 1 >= n:
            raise ValueError("stray %% in format %r" % fmt)
        code = fmt[i + 1]
        i += 2
        if code == "-" and i < n:
            code = fmt[i]
            i += 1
        if code == "Y":
            f["year"] = sc.number(4, 4)
        elif code == "y":
            y = sc.number(2, 2)
            f["year"] = 1900 + y if y >= 69 else 2000 + y
        elif code == "m":
            f["month"] = sc.number(2)
        elif code == "d":
            f["day"] = sc.number(2)
        elif code == "H":
            f["hour"] = sc.number(2)
        elif code == "I":
            f["hour12"] = sc.number(2)
        elif code == "M":
            f["minute"] = sc.number(2)
        elif code == "S":
            f["second"] = sc.number(2)
        elif code == "f":
            start = sc.pos
            sc.number(6)
            digits = data[start:sc.pos]
            f["microsecond"] = int(digits.ljust(6, "0"))
        elif code == "j":
            f["yday"] = sc.number(3)
        elif code == "p":
            f["ampm"] = sc.word([(0, "AM"), (1, "PM")])
        elif code in "bh":
            f["month"] = sc.word(list(enumerate(_MONTHNAMES))[1:])
        elif code == "B":
            f["month"] = sc.word(list(enumerate(_FULLMONTHNAMES))[1:])
        elif code == "a":
            f["weekday"] = sc.word([(k - 1, v) for k, v in enumerate(_DAYNAMES) if v])
        elif code == "A":
            f["weekday"] = sc.word([(k - 1, v) for k, v in enumerate(_FULLDAYNAMES) if v])
        elif code in "wu":
            f["weekday_num"] = sc.number(1)
        elif code == "z":
            rest = data[sc.pos:]
            if rest[:1] in ("Z", "z"):
                sc.pos += 1
                f["offset"] = timedelta(0)
            else:
                if rest[:1] not in ("+", "-"):
                    sc.fail()
                sign = -1 if rest[0] == "-" else 1
                sc.pos += 1
                hh = sc.number(2, 2)
                if data[sc.pos:sc.pos + 1] == ":":
                    sc.pos += 1
                mm = sc.number(2, 2)
                ss = 0
                if data[sc.pos:sc.pos + 1].isdigit() or data[sc.pos:sc.pos + 1] == ":":
                    if data[sc.pos:sc.pos + 1] == ":":
                        sc.pos += 1
                    ss = sc.number(2, 2)
                f["offset"] = sign * timedelta(hours=hh, minutes=mm, seconds=ss)
        elif code == "Z":
            rest = data[sc.pos:]
            for name in ("UTC", "GMT"):
                if rest.upper().startswith(name):
                    sc.pos += 3
                    f["tzname"] = name
                    break
            else:
                sc.fail()
        elif code == "%":
            if data[sc.pos:sc.pos + 1] != "%":
                sc.fail()
            sc.pos += 1
        else:
            raise ValueError("'%s' is a bad directive in format '%s'" % (code, "%" + code))
    if sc.pos != len(data):
        raise ValueError("unconverted data remains: %s" % data[sc.pos:])
    year = f.get("year", 1900)
    hour = f.get("hour", 0)
    if "hour12" in f:
        hour = f["hour12"] % 12
        if f.get("ampm") == 1:
            hour += 12
    month = f.get("month", 1)
    day = f.get("day", 1)
    if "yday" in f and "month" not in f:
        year, month, day = _ord2ymd(_ymd2ord(year, 1, 1) + f["yday"] - 1)
    tz = None
    if "offset" in f:
        tz = timezone(f["offset"]) if f["offset"] else timezone.utc
    elif f.get("tzname") in ("UTC", "GMT") and False:
        tz = timezone.utc
    return (year, month, day, hour, f.get("minute", 0), f.get("second", 0),
            f.get("microsecond", 0), tz)


def _isocalendar(year, month, day):
    def week1_monday(y):
        first = _ymd2ord(y, 1, 1)
        first_weekday = (first + 6) % 7
        monday = first - first_weekday
        if first_weekday > 3:
            monday += 7
        return monday
    today = _ymd2ord(year, month, day)
    monday = week1_monday(year)
    week, dow = divmod(today - monday, 7)
    if week < 0:
        year -= 1
        monday = week1_monday(year)
        week, dow = divmod(today - monday, 7)
    elif week >= 52:
        if today >= week1_monday(year + 1):
            year += 1
            week = 0
    return year, week + 1, dow + 1


class IsoCalendarDate(tuple):
    """(year, week, weekday) with named fields."""

    def __new__(cls, year, week, weekday):
        return tuple.__new__(cls, (year, week, weekday))

    @property
    def year(self):
        return self[0]

    @property
    def week(self):
        return self[1]

    @property
    def weekday(self):
        return self[2]

    def __repr__(self):
        return "datetime.IsoCalendarDate(year=%d, week=%d, weekday=%d)" % tuple(self)

    __str__ = __repr__


def _parse_isodate(s):
    """(year, month, day) from YYYY-MM-DD, YYYYMMDD, YYYY-Www-D or YYYYWwwD."""
    if len(s) >= 8 and ("W" in s[4:6]):
        if s[4] == "-":
            if len(s) not in (8, 10) or s[5] != "W":
                raise ValueError
            week = int(s[6:8])
            day = int(s[9]) if len(s) == 10 else 1
            if len(s) == 10 and s[8] != "-":
                raise ValueError
        else:
            if len(s) not in (7, 8) or s[4] != "W":
                raise ValueError
            week = int(s[5:7])
            day = int(s[7]) if len(s) == 8 else 1
        year = int(s[:4])
        if not 1 <= week <= 53 or not 1 <= day <= 7:
            raise ValueError
        first = _ymd2ord(year, 1, 1)
        first_weekday = (first + 6) % 7
        monday = first - first_weekday + (7 if first_weekday > 3 else 0)
        return _ord2ymd(monday + (week - 1) * 7 + day - 1)
    if len(s) == 10 and s[4] == "-" and s[7] == "-":
        parts = (s[:4], s[5:7], s[8:10])
    elif len(s) == 8:
        parts = (s[:4], s[4:6], s[6:8])
    else:
        raise ValueError
    if not all(p.isdigit() and p.isascii() for p in parts):
        raise ValueError
    return tuple(int(p) for p in parts)


def _parse_isotime(s):
    """(hour, minute, second, microsecond, tzinfo) from an ISO 8601 time."""
    tz = None
    for k, c in enumerate(s):
        if c in "+-Zz":
            tz_text = s[k:]
            s = s[:k]
            if tz_text in ("Z", "z"):
                tz = timezone.utc
            else:
                sign = -1 if tz_text[0] == "-" else 1
                h, m, sec, us, _ = _parse_isotime(tz_text[1:])
                off = timedelta(hours=h, minutes=m, seconds=sec, microseconds=us)
                tz = timezone(sign * off) if off else timezone.utc
            break
    frac = 0
    for sep in ".,":
        if sep in s:
            s, frac_text = s.split(sep, 1)
            if not frac_text.isdigit() or not frac_text:
                raise ValueError
            frac = int(frac_text[:6].ljust(6, "0"))
            break
    if ":" in s:
        parts = s.split(":")
    else:
        parts = [s[k:k + 2] for k in range(0, len(s), 2)]
    if not 1 <= len(parts) <= 3 or any(len(p) != 2 or not p.isdigit() for p in parts):
        raise ValueError
    nums = [int(p) for p in parts] + [0] * (3 - len(parts))
    return nums[0], nums[1], nums[2], frac, tz


# ----------------------------------------------------------------------------------------

class date:
    """A calendar date (proleptic Gregorian): year, month, day."""

    __slots__ = ("_year", "_month", "_day", "_hashcode")

    def __new__(cls, year, month=None, day=None):
        year, month, day = _check_date_fields(year, month, day)
        self = object.__new__(cls)
        self._year = year
        self._month = month
        self._day = day
        self._hashcode = -1
        return self

    @classmethod
    def fromtimestamp(cls, t):
        y, m, d, hh, mm, ss, weekday, jday, dst = _localtime(t)
        return cls(y, m, d)

    @classmethod
    def today(cls):
        return cls.fromtimestamp(_time_now())

    @classmethod
    def fromordinal(cls, n):
        if not 1 <= n <= _MAXORDINAL:
            raise ValueError("ordinal must be >= 1")
        return cls(*_ord2ymd(n))

    @classmethod
    def fromisoformat(cls, date_string):
        if not isinstance(date_string, str):
            raise TypeError("fromisoformat: argument must be str")
        try:
            fields = _parse_isodate(date_string)
        except (ValueError, IndexError):
            raise ValueError("Invalid isoformat string: %r" % (date_string,)) from None
        return cls(*fields)

    @classmethod
    def fromisocalendar(cls, year, week, day):
        if not 1 <= week <= 53:
            raise ValueError("Invalid week: %d" % week)
        if not 1 <= day <= 7:
            raise ValueError("Invalid weekday: %d (range is [1, 7])" % day)
        first = _ymd2ord(year, 1, 1)
        first_weekday = (first + 6) % 7
        monday = first - first_weekday + (7 if first_weekday > 3 else 0)
        return cls(*_ord2ymd(monday + (week - 1) * 7 + day - 1))

    def __repr__(self):
        return "%s.%s(%d, %d, %d)" % (_module_name(self), self.__class__.__qualname__,
                                      self._year, self._month, self._day)

    def ctime(self):
        weekday = self.toordinal() % 7 or 7
        return "%s %s %2d 00:00:00 %04d" % (_DAYNAMES[weekday], _MONTHNAMES[self._month],
                                            self._day, self._year)

    def strftime(self, fmt):
        return _strftime(self, fmt, True, False)

    def __format__(self, fmt):
        if not isinstance(fmt, str):
            raise TypeError("must be str, not %s" % type(fmt).__name__)
        if len(fmt) != 0:
            return self.strftime(fmt)
        return str(self)

    def isoformat(self):
        return "%04d-%02d-%02d" % (self._year, self._month, self._day)

    __str__ = isoformat

    @property
    def year(self):
        return self._year

    @property
    def month(self):
        return self._month

    @property
    def day(self):
        return self._day

    def timetuple(self):
        return _build_struct_time(self._year, self._month, self._day, 0, 0, 0, -1)

    def toordinal(self):
        return _ymd2ord(self._year, self._month, self._day)

    def replace(self, year=None, month=None, day=None):
        return type(self)(self._year if year is None else year,
                          self._month if month is None else month,
                          self._day if day is None else day)

    def _date_key(self):
        return (self._year, self._month, self._day)

    def __eq__(self, other):
        if isinstance(other, date) and not isinstance(other, datetime) and \
                not isinstance(self, datetime):
            return self._date_key() == other._date_key()
        return NotImplemented

    def __lt__(self, other):
        if isinstance(other, date) and not isinstance(other, datetime):
            return self._date_key() < other._date_key()
        return NotImplemented

    def __le__(self, other):
        if isinstance(other, date) and not isinstance(other, datetime):
            return self._date_key() <= other._date_key()
        return NotImplemented

    def __gt__(self, other):
        if isinstance(other, date) and not isinstance(other, datetime):
            return self._date_key() > other._date_key()
        return NotImplemented

    def __ge__(self, other):
        if isinstance(other, date) and not isinstance(other, datetime):
            return self._date_key() >= other._date_key()
        return NotImplemented

    def __hash__(self):
        if self._hashcode == -1:
            self._hashcode = hash(self._date_key())
        return self._hashcode

    def __add__(self, other):
        if isinstance(other, timedelta):
            o = self.toordinal() + other.days
            if 0 < o <= _MAXORDINAL:
                return type(self).fromordinal(o)
            raise OverflowError("result out of range")
        return NotImplemented

    __radd__ = __add__

    def __sub__(self, other):
        if isinstance(other, timedelta):
            return self + timedelta(-other.days)
        if isinstance(other, date):
            return timedelta(self.toordinal() - other.toordinal())
        return NotImplemented

    def weekday(self):
        """Monday is 0, Sunday is 6."""
        return (self.toordinal() + 6) % 7

    def isoweekday(self):
        """Monday is 1, Sunday is 7."""
        return self.toordinal() % 7 or 7

    def isocalendar(self):
        return IsoCalendarDate(*_isocalendar(self._year, self._month, self._day))

    def __reduce__(self):
        return (self.__class__, (self._year, self._month, self._day))


date.min = date(1, 1, 1)
date.max = date(9999, 12, 31)
date.resolution = timedelta(days=1)


class tzinfo:
    """Abstract base class for time zone information."""

    __slots__ = ()

    def tzname(self, dt):
        raise NotImplementedError("tzinfo subclass must override tzname()")

    def utcoffset(self, dt):
        raise NotImplementedError("tzinfo subclass must override utcoffset()")

    def dst(self, dt):
        raise NotImplementedError("tzinfo subclass must override dst()")

    def fromutc(self, dt):
        if not isinstance(dt, datetime):
            raise TypeError("fromutc() requires a datetime argument")
        if dt.tzinfo is not self:
            raise ValueError("dt.tzinfo is not self")
        dtoff = dt.utcoffset()
        if dtoff is None:
            raise ValueError("fromutc() requires a non-None utcoffset() result")
        dtdst = dt.dst()
        if dtdst is None:
            raise ValueError("fromutc() requires a non-None dst() result")
        delta = dtoff - dtdst
        if delta:
            dt += delta
            dtdst = dt.dst()
            if dtdst is None:
                raise ValueError("fromutc(): dt.dst gave inconsistent results; cannot convert")
        return dt + dtdst


class time:
    """A time of day: hour, minute, second, microsecond, tzinfo, fold."""

    __slots__ = ("_hour", "_minute", "_second", "_microsecond", "_tzinfo", "_hashcode", "_fold")

    def __new__(cls, hour=0, minute=0, second=0, microsecond=0, tzinfo=None, *, fold=0):
        hour, minute, second, microsecond, fold = _check_time_fields(
            hour, minute, second, microsecond, fold)
        _check_tzinfo(tzinfo)
        self = object.__new__(cls)
        self._hour = hour
        self._minute = minute
        self._second = second
        self._microsecond = microsecond
        self._tzinfo = tzinfo
        self._hashcode = -1
        self._fold = fold
        return self

    hour = property(lambda self: self._hour)
    minute = property(lambda self: self._minute)
    second = property(lambda self: self._second)
    microsecond = property(lambda self: self._microsecond)
    tzinfo = property(lambda self: self._tzinfo)
    fold = property(lambda self: self._fold)

    def _key(self):
        return (self._hour, self._minute, self._second, self._microsecond)

    def _cmp(self, other):
        mytz, ottz = self._tzinfo, other._tzinfo
        myoff = self.utcoffset() if mytz is not None else None
        otoff = other.utcoffset() if ottz is not None else None
        if mytz is ottz or myoff == otoff:
            return _cmp(self._key(), other._key())
        if myoff is None or otoff is None:
            raise TypeError("can't compare offset-naive and offset-aware times")
        myhhmm = self._hour * 60 + self._minute - myoff // timedelta(minutes=1)
        othhmm = other._hour * 60 + other._minute - otoff // timedelta(minutes=1)
        return _cmp((myhhmm, self._second, self._microsecond),
                    (othhmm, other._second, other._microsecond))

    def __eq__(self, other):
        if isinstance(other, time):
            try:
                return self._cmp(other) == 0
            except TypeError:
                return False
        return NotImplemented

    def __lt__(self, other):
        return self._cmp(other) < 0 if isinstance(other, time) else NotImplemented

    def __le__(self, other):
        return self._cmp(other) <= 0 if isinstance(other, time) else NotImplemented

    def __gt__(self, other):
        return self._cmp(other) > 0 if isinstance(other, time) else NotImplemented

    def __ge__(self, other):
        return self._cmp(other) >= 0 if isinstance(other, time) else NotImplemented

    def __hash__(self):
        if self._hashcode == -1:
            off = self.utcoffset()
            if not off:
                self._hashcode = hash(self._key())
            else:
                h, m = divmod(timedelta(hours=self._hour, minutes=self._minute) - off,
                              timedelta(hours=1))
                m //= timedelta(minutes=1)
                self._hashcode = hash((h, m, self._second, self._microsecond))
        return self._hashcode

    def utcoffset(self):
        if self._tzinfo is None:
            return None
        return self._tzinfo.utcoffset(None)

    def tzname(self):
        if self._tzinfo is None:
            return None
        return self._tzinfo.tzname(None)

    def dst(self):
        if self._tzinfo is None:
            return None
        return self._tzinfo.dst(None)

    def __repr__(self):
        if self._microsecond:
            s = ", %d, %d" % (self._second, self._microsecond)
        elif self._second:
            s = ", %d" % self._second
        else:
            s = ""
        s = "%s.%s(%d, %d%s)" % (_module_name(self), self.__class__.__qualname__,
                                 self._hour, self._minute, s)
        if self._tzinfo is not None:
            s = s[:-1] + ", tzinfo=%r)" % self._tzinfo
        if self._fold:
            s = s[:-1] + ", fold=1)"
        return s

    def isoformat(self, timespec="auto"):
        s = _format_time(self._hour, self._minute, self._second, self._microsecond, timespec)
        off = self.utcoffset()
        if off is not None:
            s += _format_offset(off, ":")
        return s

    __str__ = isoformat

    @classmethod
    def fromisoformat(cls, time_string):
        if not isinstance(time_string, str):
            raise TypeError("fromisoformat: argument must be str")
        text = time_string[1:] if time_string[:1] == "T" else time_string
        try:
            return cls(*_parse_isotime(text))
        except (ValueError, IndexError):
            raise ValueError("Invalid isoformat string: %r" % (time_string,)) from None

    def strftime(self, fmt):
        return _strftime(self, fmt, False, True)

    def __format__(self, fmt):
        if len(fmt) != 0:
            return self.strftime(fmt)
        return str(self)

    def replace(self, hour=None, minute=None, second=None, microsecond=None, tzinfo=True, *,
                fold=None):
        return type(self)(self._hour if hour is None else hour,
                          self._minute if minute is None else minute,
                          self._second if second is None else second,
                          self._microsecond if microsecond is None else microsecond,
                          self._tzinfo if tzinfo is True else tzinfo,
                          fold=self._fold if fold is None else fold)

    def __bool__(self):
        return True

    def __reduce__(self):
        return (self.__class__, (self._hour, self._minute, self._second, self._microsecond,
                                 self._tzinfo))


time.min = time(0, 0, 0)
time.max = time(23, 59, 59, 999999)
time.resolution = timedelta(microseconds=1)


def _format_time(hh, mm, ss, us, timespec="auto"):
    if timespec == "auto":
        timespec = "microseconds" if us else "seconds"
    elif timespec == "milliseconds":
        us //= 1000
    if timespec == "hours":
        return "%02d" % hh
    if timespec == "minutes":
        return "%02d:%02d" % (hh, mm)
    if timespec == "seconds":
        return "%02d:%02d:%02d" % (hh, mm, ss)
    if timespec == "milliseconds":
        return "%02d:%02d:%02d.%03d" % (hh, mm, ss, us)
    if timespec == "microseconds":
        return "%02d:%02d:%02d.%06d" % (hh, mm, ss, us)
    raise ValueError("Unknown timespec value")


def _time_now():
    import time as _t
    return _t.time()


def _localtime(t):
    try:
        import time as _t
        tm = _t.localtime(t)
        return tuple(tm)[:9]
    except (ImportError, AttributeError):
        return _utc_fields(t)


def _utc_fields(t):
    secs = int(t // 1)
    days, rest = divmod(secs, 86400)
    y, m, d = _ord2ymd(days + _ymd2ord(1970, 1, 1))
    hh, rest = divmod(rest, 3600)
    mm, ss = divmod(rest, 60)
    return (y, m, d, hh, mm, ss, (_ymd2ord(y, m, d) + 6) % 7, 0, 0)


def _build_struct_time(y, m, d, hh, mm, ss, dstflag):
    wday = (_ymd2ord(y, m, d) + 6) % 7
    dnum = _ymd2ord(y, m, d) - _ymd2ord(y, 1, 1) + 1
    fields = (y, m, d, hh, mm, ss, wday, dnum, dstflag)
    try:
        import time as _t
        return _t.struct_time(fields)
    except (ImportError, AttributeError):
        return fields


class datetime(date):
    """A date with a time of day (and optional tzinfo)."""

    __slots__ = ("_hour", "_minute", "_second", "_microsecond", "_tzinfo", "_fold")

    def __new__(cls, year, month=None, day=None, hour=0, minute=0, second=0, microsecond=0,
                tzinfo=None, *, fold=0):
        year, month, day = _check_date_fields(year, month, day)
        hour, minute, second, microsecond, fold = _check_time_fields(
            hour, minute, second, microsecond, fold)
        _check_tzinfo(tzinfo)
        self = object.__new__(cls)
        self._year = year
        self._month = month
        self._day = day
        self._hour = hour
        self._minute = minute
        self._second = second
        self._microsecond = microsecond
        self._tzinfo = tzinfo
        self._hashcode = -1
        self._fold = fold
        return self

    hour = property(lambda self: self._hour)
    minute = property(lambda self: self._minute)
    second = property(lambda self: self._second)
    microsecond = property(lambda self: self._microsecond)
    tzinfo = property(lambda self: self._tzinfo)
    fold = property(lambda self: self._fold)

    @classmethod
    def _fromtimestamp(cls, t, utc, tz):
        frac, t_int = _modf(t)
        us = round(frac * 1e6)
        if us >= 1000000:
            t_int += 1
            us -= 1000000
        elif us < 0:
            t_int -= 1
            us += 1000000
        fields = _utc_fields(t_int) if utc else _localtime(t_int)
        y, m, d, hh, mm, ss = fields[:6]
        ss = min(ss, 59)
        return cls(y, m, d, hh, mm, ss, us, tz)

    @classmethod
    def fromtimestamp(cls, t, tz=None):
        _check_tzinfo(tz)
        result = cls._fromtimestamp(t, tz is not None, tz)
        if tz is not None:
            result = tz.fromutc(result)
        return result

    @classmethod
    def utcfromtimestamp(cls, t):
        return cls._fromtimestamp(t, True, None)

    @classmethod
    def now(cls, tz=None):
        return cls.fromtimestamp(_time_now(), tz)

    @classmethod
    def today(cls):
        return cls.fromtimestamp(_time_now())

    @classmethod
    def utcnow(cls):
        return cls.utcfromtimestamp(_time_now())

    @classmethod
    def combine(cls, date, time, tzinfo=True):
        if tzinfo is True:
            tzinfo = time.tzinfo
        return cls(date.year, date.month, date.day, time.hour, time.minute, time.second,
                   time.microsecond, tzinfo, fold=time.fold)

    @classmethod
    def fromisoformat(cls, date_string):
        if not isinstance(date_string, str):
            raise TypeError("fromisoformat: argument must be str")
        try:
            if len(date_string) < 7:
                raise ValueError
            # The date part ends where the separator is: position 10 for YYYY-MM-DD forms,
            # 8 for the compact ones.
            if len(date_string) >= 10 and date_string[4] == "-" and date_string[7] == "-":
                cut = 10
            elif "W" in date_string[4:6]:
                cut = 10 if date_string[4] == "-" else 8
            else:
                cut = 8
            date_part = date_string[:cut]
            ymd = _parse_isodate(date_part)
            rest = date_string[cut:]
            if rest:
                tparts = _parse_isotime(rest[1:])
            else:
                tparts = (0, 0, 0, 0, None)
        except (ValueError, IndexError):
            raise ValueError("Invalid isoformat string: %r" % (date_string,)) from None
        return cls(*(tuple(ymd) + tuple(tparts)))

    @classmethod
    def strptime(cls, date_string, format):
        y, m, d, hh, mm, ss, us, tz = _strptime(date_string, format)
        return cls(y, m, d, hh, mm, ss, us, tz)

    def timetuple(self):
        dst = self.dst()
        if dst is None:
            flag = -1
        elif dst:
            flag = 1
        else:
            flag = 0
        return _build_struct_time(self.year, self.month, self.day, self.hour, self.minute,
                                  self.second, flag)

    def utctimetuple(self):
        off = self.utcoffset()
        dt = self - off if off else self
        return _build_struct_time(dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second, 0)

    def _local_epoch(self):
        try:
            import time as _t
            return _t.mktime((self.year, self.month, self.day, self.hour, self.minute,
                              self.second, -1, -1, -1))
        except (ImportError, AttributeError):
            return (self.replace(tzinfo=timezone.utc) - _EPOCH).total_seconds() // 1

    def timestamp(self):
        if self._tzinfo is None:
            return self._local_epoch() + self.microsecond / 1e6
        return (self - _EPOCH).total_seconds()

    def date(self):
        return date(self._year, self._month, self._day)

    def time(self):
        return time(self.hour, self.minute, self.second, self.microsecond, fold=self.fold)

    def timetz(self):
        return time(self.hour, self.minute, self.second, self.microsecond, self._tzinfo,
                    fold=self.fold)

    def replace(self, year=None, month=None, day=None, hour=None, minute=None, second=None,
                microsecond=None, tzinfo=True, *, fold=None):
        return type(self)(self.year if year is None else year,
                          self.month if month is None else month,
                          self.day if day is None else day,
                          self.hour if hour is None else hour,
                          self.minute if minute is None else minute,
                          self.second if second is None else second,
                          self.microsecond if microsecond is None else microsecond,
                          self._tzinfo if tzinfo is True else tzinfo,
                          fold=self.fold if fold is None else fold)

    def _local_timezone(self):
        ts = self.timestamp() if self.tzinfo is None else (self - _EPOCH) // timedelta(seconds=1)
        try:
            import time as _t
            lt = _t.localtime(ts)
            gmtoff = lt.tm_gmtoff
            zone = lt.tm_zone
        except (ImportError, AttributeError):
            gmtoff, zone = 0, "UTC"
        return timezone(timedelta(seconds=gmtoff), zone)

    def astimezone(self, tz=None):
        if tz is None:
            tz = self._local_timezone()
        elif not isinstance(tz, tzinfo):
            raise TypeError("tz argument must be an instance of tzinfo")
        mytz = self.tzinfo
        if mytz is None:
            mytz = self._local_timezone()
            myoffset = mytz.utcoffset(self)
        else:
            myoffset = mytz.utcoffset(self)
            if myoffset is None:
                mytz = self.replace(tzinfo=None)._local_timezone()
                myoffset = mytz.utcoffset(self)
        if tz is mytz:
            return self
        utc = (self - myoffset).replace(tzinfo=tz)
        return tz.fromutc(utc)

    def ctime(self):
        weekday = self.toordinal() % 7 or 7
        return "%s %s %2d %02d:%02d:%02d %04d" % (
            _DAYNAMES[weekday], _MONTHNAMES[self._month], self._day, self._hour,
            self._minute, self._second, self._year)

    def isoformat(self, sep="T", timespec="auto"):
        s = "%04d-%02d-%02d%s" % (self._year, self._month, self._day, sep) + _format_time(
            self._hour, self._minute, self._second, self._microsecond, timespec)
        off = self.utcoffset()
        if off is not None:
            s += _format_offset(off, ":")
        return s

    def __repr__(self):
        parts = [self._year, self._month, self._day, self._hour, self._minute, self._second,
                 self._microsecond]
        while len(parts) > 5 and parts[-1] == 0:
            parts.pop()
        s = "%s.%s(%s)" % (_module_name(self), self.__class__.__qualname__,
                           ", ".join(map(str, parts)))
        if self._tzinfo is not None:
            s = s[:-1] + ", tzinfo=%r" % self._tzinfo + ")"
        if self._fold:
            s = s[:-1] + ", fold=1)"
        return s

    def __str__(self):
        return self.isoformat(sep=" ")

    def strftime(self, fmt):
        return _strftime(self, fmt, True, True)

    def utcoffset(self):
        if self._tzinfo is None:
            return None
        off = self._tzinfo.utcoffset(self)
        return off

    def tzname(self):
        if self._tzinfo is None:
            return None
        return self._tzinfo.tzname(self)

    def dst(self):
        if self._tzinfo is None:
            return None
        return self._tzinfo.dst(self)

    def _dt_key(self):
        return (self._year, self._month, self._day, self._hour, self._minute, self._second,
                self._microsecond)

    def _cmp(self, other, allow_mixed=False):
        mytz = self._tzinfo
        ottz = other._tzinfo
        myoff = otoff = None
        if mytz is ottz:
            base_compare = True
        else:
            myoff = self.utcoffset()
            otoff = other.utcoffset()
            base_compare = myoff == otoff
        if base_compare:
            return _cmp(self._dt_key(), other._dt_key())
        if myoff is None or otoff is None:
            if allow_mixed:
                return 2
            raise TypeError("can't compare offset-naive and offset-aware datetimes")
        diff = self - other
        if diff.days < 0:
            return -1
        return 1 if diff else 0

    def __eq__(self, other):
        if isinstance(other, datetime):
            return self._cmp(other, allow_mixed=True) == 0
        if not isinstance(other, date):
            return NotImplemented
        return False

    def __lt__(self, other):
        if isinstance(other, datetime):
            return self._cmp(other) < 0
        if not isinstance(other, date):
            return NotImplemented
        raise TypeError("can't compare %s to %s" % (type(self).__name__, type(other).__name__))

    def __le__(self, other):
        if isinstance(other, datetime):
            return self._cmp(other) <= 0
        if not isinstance(other, date):
            return NotImplemented
        raise TypeError("can't compare %s to %s" % (type(self).__name__, type(other).__name__))

    def __gt__(self, other):
        if isinstance(other, datetime):
            return self._cmp(other) > 0
        if not isinstance(other, date):
            return NotImplemented
        raise TypeError("can't compare %s to %s" % (type(self).__name__, type(other).__name__))

    def __ge__(self, other):
        if isinstance(other, datetime):
            return self._cmp(other) >= 0
        if not isinstance(other, date):
            return NotImplemented
        raise TypeError("can't compare %s to %s" % (type(self).__name__, type(other).__name__))

    def _to_microseconds(self):
        return ((self.toordinal() * 86400 + self._hour * 3600 + self._minute * 60
                 + self._second) * 1000000 + self._microsecond)

    def __add__(self, other):
        if not isinstance(other, timedelta):
            return NotImplemented
        total = self._to_microseconds() + other._to_microseconds()
        days, rest = divmod(total, 86400000000)
        if not 0 < days <= _MAXORDINAL:
            raise OverflowError("date value out of range")
        secs, us = divmod(rest, 1000000)
        hh, rest = divmod(secs, 3600)
        mm, ss = divmod(rest, 60)
        y, m, d = _ord2ymd(days)
        return type(self)(y, m, d, hh, mm, ss, us, self._tzinfo)

    __radd__ = __add__

    def __sub__(self, other):
        if not isinstance(other, datetime):
            if isinstance(other, timedelta):
                return self + -other
            return NotImplemented
        base = timedelta._from_microseconds(self._to_microseconds() - other._to_microseconds())
        if self._tzinfo is other._tzinfo:
            return base
        myoff = self.utcoffset()
        otoff = other.utcoffset()
        if myoff == otoff:
            return base
        if myoff is None or otoff is None:
            raise TypeError("cannot mix naive and timezone-aware time")
        return base + otoff - myoff

    def __hash__(self):
        if self._hashcode == -1:
            if self._fold:
                t = self.replace(fold=0)
            else:
                t = self
            off = t.utcoffset()
            if off is None:
                self._hashcode = hash(self._dt_key())
            else:
                self._hashcode = hash(timedelta._from_microseconds(self._to_microseconds()) - off)
        return self._hashcode

    def __reduce__(self):
        return (self.__class__, self._dt_key() + (self._tzinfo,))


def _modf(t):
    whole = int(t // 1) if t >= 0 else -int((-t) // 1)
    return t - whole, whole


datetime.min = datetime(1, 1, 1)
datetime.max = datetime(9999, 12, 31, 23, 59, 59, 999999)
datetime.resolution = timedelta(microseconds=1)


class timezone(tzinfo):
    """A fixed offset from UTC."""

    __slots__ = ("_offset", "_name")

    _Omitted = object()

    def __new__(cls, offset, name=_Omitted):
        if not isinstance(offset, timedelta):
            raise TypeError("offset must be a timedelta")
        if name is cls._Omitted:
            if not offset and getattr(cls, "utc", None) is not None:
                return cls.utc
            name = None
        elif not isinstance(name, str):
            raise TypeError("name must be a string")
        if not cls._minoffset <= offset <= cls._maxoffset:
            raise ValueError("offset must be a timedelta strictly between -timedelta(hours=24) "
                             "and timedelta(hours=24).")
        self = tzinfo.__new__(cls)
        self._offset = offset
        self._name = name
        return self

    def __getinitargs__(self):
        if self._name is None:
            return (self._offset,)
        return (self._offset, self._name)

    def __eq__(self, other):
        if isinstance(other, timezone):
            return self._offset == other._offset
        return NotImplemented

    def __hash__(self):
        return hash(self._offset)

    def __repr__(self):
        if self is self.utc:
            return "datetime.timezone.utc"
        if self._name is None:
            return "%s.%s(%r)" % ("datetime", self.__class__.__qualname__, self._offset)
        return "%s.%s(%r, %r)" % ("datetime", self.__class__.__qualname__, self._offset,
                                  self._name)

    def __str__(self):
        return self.tzname(None)

    def utcoffset(self, dt):
        return self._offset

    def tzname(self, dt):
        if self._name is None:
            return self._name_from_offset(self._offset)
        return self._name

    def dst(self, dt):
        return None

    def fromutc(self, dt):
        if isinstance(dt, datetime):
            if dt.tzinfo is not self:
                raise ValueError("fromutc: dt.tzinfo is not self")
            return dt + self._offset
        raise TypeError("fromutc() argument must be a datetime instance or None")

    _maxoffset = timedelta(hours=24, microseconds=-1)
    _minoffset = -_maxoffset

    @staticmethod
    def _name_from_offset(delta):
        if not delta:
            return "UTC"
        if delta < timedelta(0):
            sign = "-"
            delta = -delta
        else:
            sign = "+"
        hours, rest = divmod(delta, timedelta(hours=1))
        minutes, rest = divmod(rest, timedelta(minutes=1))
        seconds = rest.seconds
        microseconds = rest.microseconds
        if microseconds:
            return "UTC%s%02d:%02d:%02d.%06d" % (sign, hours, minutes, seconds, microseconds)
        if seconds:
            return "UTC%s%02d:%02d:%02d" % (sign, hours, minutes, seconds)
        return "UTC%s%02d:%02d" % (sign, hours, minutes)


timezone.utc = None
timezone.utc = timezone(timedelta(0))
timezone.min = timezone(-timezone._maxoffset)
timezone.max = timezone(timezone._maxoffset)
UTC = timezone.utc
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

datetime_CAPI = None
