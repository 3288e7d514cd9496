from datetime import date, datetime, time, timedelta, timezone, tzinfo, MINYEAR, MAXYEAR
import datetime as dtmod

print(timedelta(1), timedelta(0), timedelta(hours=25, minutes=3), timedelta(-1), timedelta(seconds=-1), timedelta(microseconds=1500))
print(repr(timedelta(1)), repr(timedelta(0)), repr(timedelta(hours=-1)), repr(timedelta(days=2, microseconds=7)), repr(timedelta(weeks=1, milliseconds=1)))
print(timedelta(days=1.5), timedelta(seconds=0.5), timedelta(microseconds=0.5), timedelta(microseconds=1.5), timedelta(minutes=0.1), timedelta(hours=-0.3333333))
td = timedelta(days=3, hours=4, minutes=5, seconds=6, microseconds=7)
print(td.days, td.seconds, td.microseconds, td.total_seconds(), td * 2, 2 * td, td * 0.5, td / 3, td / 2.5, td // 2, td / timedelta(hours=1), td // timedelta(hours=1))
print(td % timedelta(hours=5), divmod(td, timedelta(days=1)), -td, abs(-td), +td, td - timedelta(days=4), td + td)
print(timedelta(1) == timedelta(hours=24), timedelta(1) < timedelta(2), bool(timedelta(0)), hash(timedelta(1)) == hash(timedelta(hours=24)), timedelta.max, timedelta.min, timedelta.resolution)
try:
    timedelta(days=10 ** 9)
except OverflowError as e:
    print("OverflowError", e)

d = date(2024, 2, 28)
print(d, repr(d), d.year, d.month, d.day, d.weekday(), d.isoweekday(), d.isocalendar(), d.toordinal(), d.ctime())
print(d + timedelta(days=1), d + timedelta(days=2), d - timedelta(days=59), date(2024, 12, 25) - d, d.replace(day=1), d.replace(year=2023, month=3))
print(date.fromordinal(738000), date.fromisoformat("2021-03-04"), date.fromisoformat("20210304"), date.fromisoformat("2021-W10-3"), date.fromisocalendar(2020, 53, 7))
print(d < date(2024, 3, 1), d == date(2024, 2, 28), d != date(2024, 2, 27), max(d, date(2000, 1, 1)), sorted([date(2020, 5, 1), date(2019, 1, 1), d]))
print([date(y, 1, 1).isocalendar() for y in (2004, 2005, 2008, 2010, 2021, 2026)], date(2020, 12, 31).isocalendar().week)
for fmt in ["%Y-%m-%d", "%d/%m/%y", "%A %d %B %Y", "%a %b %e", "%j %U %W %w %u", "%G-W%V-%u", "%x", "%c", "%%Y", "%-d/%-m", "%C %y %D", "%H:%M:%S"]:
    print(repr(fmt), d.strftime(fmt), date(2023, 1, 1).strftime(fmt))
print(f"{d:%B %-d, %Y}", format(d, ""), "{:%Y}".format(d))
for bad in [(2024, 2, 30), (2023, 13, 1), (0, 1, 1), (10000, 1, 1), (2024, 0, 1)]:
    try:
        date(*bad)
    except ValueError as e:
        print("ValueError", e)
for s in ["2021-13-01", "2021/01/01", "abc", "2021-1-1"]:
    try:
        date.fromisoformat(s)
    except ValueError as e:
        print("ValueError", e)

t = time(13, 5, 9, 120)
print(t, repr(t), repr(time(1, 2)), repr(time(1, 2, 3)), t.isoformat("minutes"), t.isoformat("milliseconds"), t.strftime("%I:%M %p"), time.fromisoformat("04:23:01.000384"), time(), time.max)
print(time(12) < time(13), time(10, tzinfo=timezone.utc), time(10, tzinfo=timezone(timedelta(hours=2))).isoformat(), repr(time(1, tzinfo=timezone.utc)))

dt = datetime(2024, 3, 10, 14, 30, 15, 250000)
print(dt, repr(dt), repr(datetime(2024, 1, 1)), repr(datetime(2024, 1, 1, 5)), dt.date(), dt.time(), dt.isoformat(), dt.isoformat(" ", "seconds"), dt.isoformat(timespec="hours"))
print(dt + timedelta(hours=12), dt - timedelta(days=70), dt - datetime(2024, 1, 1), datetime(2024, 1, 1) - dt, dt.replace(hour=0, microsecond=0), dt.weekday(), dt.ctime())
print(dt.strftime("%Y-%m-%d %H:%M:%S.%f"), dt.strftime("%d %b %Y %I:%M%p"), dt.strftime("%c | %x | %X"), dt.strftime("%z|%Z|%s" if False else "%z|%Z"), f"{dt:%H:%M}")
print(datetime.strptime("2023-07-04 09:15:00", "%Y-%m-%d %H:%M:%S"), datetime.strptime("04/07/23", "%d/%m/%y"), datetime.strptime("March 5 2021 3:04PM", "%B %d %Y %I:%M%p"))
print(datetime.strptime("Tue, 05 Sep 2023 10:00:00 +0200", "%a, %d %b %Y %H:%M:%S %z"), datetime.strptime("2023-001", "%Y-%j"), datetime.strptime("12.5", "%H.%f"))
for s, f in [("2023-02-30", "%Y-%m-%d"), ("2023-01-01x", "%Y-%m-%d"), ("nope", "%Y")]:
    try:
        datetime.strptime(s, f)
    except ValueError as e:
        print("ValueError", e)
print(datetime.fromisoformat("2011-11-04T00:05:23"), datetime.fromisoformat("2011-11-04 00:05:23.283+00:00"), datetime.fromisoformat("2011-11-04"), datetime.fromisoformat("20111104T000523Z"), datetime.fromisoformat("2011-11-04T00:05:23+04:00"))
print(datetime.combine(date(2020, 1, 2), time(3, 4)), datetime.combine(d, t).isoformat(), datetime(2020, 5, 17) == datetime(2020, 5, 17, 0, 0), datetime(2020, 5, 17) == date(2020, 5, 17))
utc = timezone.utc
tz2 = timezone(timedelta(hours=2), "CEST")
tzm = timezone(-timedelta(hours=5, minutes=30))
a = datetime(2024, 6, 1, 12, 0, tzinfo=utc)
b = a.astimezone(tz2)
print(a, b, repr(a), repr(b), b.tzname(), b.utcoffset(), a == b, b - a, a.astimezone(tzm), tzm, repr(tzm), repr(utc), str(utc), tz2.tzname(None))
print(a.timestamp(), datetime.fromtimestamp(0, utc), datetime.fromtimestamp(1700000000.5, tz2), datetime(1970, 1, 2, tzinfo=utc).timestamp(), datetime.utcfromtimestamp(86400 * 365))
try:
    a < datetime(2024, 1, 1)
except TypeError as e:
    print("TypeError", e)
print(a == datetime(2024, 6, 1, 12), hash(a) == hash(b), {a: 1}[b], sorted([b, a.replace(hour=13), a]))


class Fixed(tzinfo):
    def __init__(self, hours, name):
        self.off = timedelta(hours=hours)
        self.name = name

    def utcoffset(self, dt):
        return self.off

    def tzname(self, dt):
        return self.name

    def dst(self, dt):
        return timedelta(0)


est = Fixed(-5, "EST")
x = datetime(2024, 1, 1, 8, tzinfo=est)
print(x, x.isoformat(), x.tzname(), x.astimezone(utc), x.strftime("%H:%M %Z %z"), x.utcoffset())
print(MINYEAR, MAXYEAR, date.min, date.max, datetime.min, datetime.max, date.resolution, dtmod.timedelta(3))
days = [date(2024, 1, 1) + timedelta(days=i * 37) for i in range(12)]
print([dd.strftime("%a %d %b") for dd in days])
start = datetime(2023, 12, 31, 23, 59, 59)
print([str(start + timedelta(seconds=s)) for s in (1, 3600, 86400 * 60)])
