"""pyguest's `time`: the clocks and `sleep` of the native `_pgtime`, plus what CPython's C
`time` module adds over the C library: `struct_time` (a named 9-tuple with `tm_zone` and
`tm_gmtoff`), `gmtime`, `localtime`, `mktime`, `asctime`, `ctime`, `strftime` (the C
library's, C locale), `strptime` (CPython's `_strptime`, as CPython's `time` does), the
`timezone`/`altzone`/`daylight`/`tzname` values and `tzset`, and the `_ns` clock variants.
Argument checks and messages follow CPython 3.11.
"""

from _pgtime import (time, time_ns, perf_counter, perf_counter_ns, monotonic, process_time,
                     thread_time, sleep, get_clock_info)
import _pgtime

_STRUCT_NAMES = ("tm_year", "tm_mon", "tm_mday", "tm_hour", "tm_min", "tm_sec", "tm_wday",
                 "tm_yday", "tm_isdst")


class struct_time(tuple):
    """The time value as returned by gmtime(), localtime(), and strptime(): a sequence of
    nine integers (tm_year, tm_mon, tm_mday, tm_hour, tm_min, tm_sec, tm_wday, tm_yday,
    tm_isdst), with tm_zone and tm_gmtoff as attributes."""

    n_sequence_fields = 9
    n_fields = 11
    n_unnamed_fields = 0

    def __new__(cls, seq, dict=None):
        seq = tuple(seq)
        n = len(seq)
        if n < 9:
            raise TypeError("time.struct_time() takes an at least 9-sequence (%d-sequence given)" % n)
        if n > 11:
            raise TypeError("time.struct_time() takes an at most 11-sequence (%d-sequence given)" % n)
        self = tuple.__new__(cls, seq[:9])
        extra = list(seq[9:]) + [None] * (11 - n)
        if dict:
            extra[0] = dict.get("tm_zone", extra[0])
            extra[1] = dict.get("tm_gmtoff", extra[1])
        self._extra = tuple(extra)
        return self

    tm_year = property(lambda self: self[0])
    tm_mon = property(lambda self: self[1])
    tm_mday = property(lambda self: self[2])
    tm_hour = property(lambda self: self[3])
    tm_min = property(lambda self: self[4])
    tm_sec = property(lambda self: self[5])
    tm_wday = property(lambda self: self[6])
    tm_yday = property(lambda self: self[7])
    tm_isdst = property(lambda self: self[8])
    tm_zone = property(lambda self: self._extra[0])
    tm_gmtoff = property(lambda self: self._extra[1])

    def __repr__(self):
        return "time.struct_time(" + ", ".join(
            "%s=%r" % (n, v) for n, v in zip(_STRUCT_NAMES, self)) + ")"

    def __reduce__(self):
        return (struct_time, (tuple(self), {"tm_zone": self._extra[0],
                                             "tm_gmtoff": self._extra[1]}))


struct_time.__module__ = "time"


def _secs(secs):
    if secs is None:
        return time()
    if isinstance(secs, float) or isinstance(secs, int):
        return secs
    if hasattr(type(secs), "__index__"):
        return secs.__index__()
    if hasattr(type(secs), "__float__"):
        return secs.__float__()
    raise TypeError("'%s' object cannot be interpreted as an integer" % type(secs).__name__)


def gmtime(seconds=None):
    """Convert seconds since the Epoch to a time tuple expressing UTC."""
    return struct_time(_pgtime._gmtime(_secs(seconds)))


def localtime(seconds=None):
    """Convert seconds since the Epoch to a time tuple expressing local time."""
    return struct_time(_pgtime._localtime(_secs(seconds)))


def _fields(t, func):
    if not isinstance(t, tuple):
        raise TypeError("Tuple or struct_time argument required")
    if len(t) != 9 and not isinstance(t, struct_time):
        raise TypeError("function takes exactly 9 arguments (%d given)" % len(t))
    fields = []
    for v in tuple(t)[:9]:
        if isinstance(v, float):
            raise TypeError("'float' object cannot be interpreted as an integer")
        fields.append(v.__index__())
    return fields


def mktime(t):
    """Convert a time tuple in local time to seconds since the Epoch."""
    return _pgtime._mktime(_fields(t, "mktime"))


def _checked(t, func):
    """The nine fields of `t`, with 0 accepted as January, the 1st and day 1 of the year,
    and CPython's range errors."""
    f = _fields(t, func)
    if f[1] == 0:
        f[1] = 1
    elif not 1 <= f[1] <= 12:
        raise ValueError("month out of range")
    if f[2] == 0:
        f[2] = 1
    elif not 1 <= f[2] <= 31:
        raise ValueError("day of month out of range")
    if not 0 <= f[3] <= 23:
        raise ValueError("hour out of range")
    if not 0 <= f[4] <= 59:
        raise ValueError("minute out of range")
    if not 0 <= f[5] <= 61:
        raise ValueError("seconds out of range")
    if f[6] < 0:
        raise ValueError("day of week out of range")
    f[6] %= 7
    if f[7] == 0:
        f[7] = 1
    elif not 1 <= f[7] <= 366:
        raise ValueError("day of year out of range")
    f[8] = max(-1, min(1, f[8]))
    return f


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def asctime(t=None):
    """Convert a time tuple to a string, e.g. 'Sat Jun 06 16:26:11 1998'."""
    if t is None:
        t = localtime()
    f = _checked(t, "asctime")
    return "%s %s%3d %02d:%02d:%02d %d" % (_DAYS[f[6]], _MONTHS[f[1] - 1], f[2], f[3], f[4],
                                            f[5], f[0])


def ctime(seconds=None):
    """Convert a time in seconds since the Epoch to a string in local time."""
    return asctime(localtime(seconds))


def strftime(format, t=None):
    """Convert a time tuple to a string according to a format specification."""
    if not isinstance(format, str):
        raise TypeError("strftime() argument 1 must be str, not %s" % type(format).__name__)
    if t is None:
        t = localtime()
    f = _checked(t, "strftime")
    zone = getattr(t, "tm_zone", None)
    gmtoff = getattr(t, "tm_gmtoff", None)
    if zone is None:
        zone = tzname[f[8] > 0] if f[8] >= 0 else ""
    if gmtoff is None:
        gmtoff = -(altzone if f[8] > 0 else timezone)
    return _pgtime._strftime(format, f, zone, gmtoff)


def strptime(string, format="%a %b %d %H:%M:%S %Y"):
    """Parse a string to a time tuple according to a format specification."""
    import _strptime
    return _strptime._strptime_time(string, format)


def monotonic_ns():
    return int(monotonic() * 1e9)


def process_time_ns():
    return int(process_time() * 1e9)


def thread_time_ns():
    return int(thread_time() * 1e9)


def tzset():
    """Reinitialise the time-zone values from the TZ environment variable."""
    global timezone, altzone, daylight, tzname
    timezone, altzone, daylight, name0, name1 = _pgtime._tzinfo()
    tzname = (name0, name1)


tzset()
_STRUCT_TM_ITEMS = 11
