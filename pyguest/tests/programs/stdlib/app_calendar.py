"""Month calendars and date facts: datetime + enum + textwrap + itertools."""
import itertools
import textwrap
from datetime import date, timedelta
from enum import IntEnum


class Weekday(IntEnum):
    MONDAY = 0
    TUESDAY = 1
    WEDNESDAY = 2
    THURSDAY = 3
    FRIDAY = 4
    SATURDAY = 5
    SUNDAY = 6


def month_grid(year: int, month: int, first: Weekday = Weekday.MONDAY) -> str:
    start = date(year, month, 1)
    header = date(year, month, 1).strftime("%B %Y").center(20).rstrip()
    names = [Weekday((first + i) % 7).name[:2].title() for i in range(7)]
    lines = [header, " ".join(names)]
    offset = (start.weekday() - first) % 7
    days = []
    d = start
    while d.month == month:
        days.append(d.day)
        d += timedelta(days=1)
    cells = ["  "] * offset + ["%2d" % n for n in days]
    for i in range(0, len(cells), 7):
        lines.append(" ".join(cells[i:i + 7]))
    return "\n".join(lines)


print(month_grid(2024, 2))
print()
print(month_grid(2025, 6, Weekday.SUNDAY))
print()


def nth_weekday(year, month, weekday: Weekday, n: int) -> date:
    d = date(year, month, 1)
    d += timedelta(days=(weekday - d.weekday()) % 7)
    return d + timedelta(weeks=n - 1)


def last_weekday(year, month, weekday: Weekday) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    d = nxt - timedelta(days=1)
    return d - timedelta(days=(d.weekday() - weekday) % 7)


facts = []
for year in (2024, 2025):
    thanksgiving = nth_weekday(year, 11, Weekday.THURSDAY, 4)
    memorial = last_weekday(year, 5, Weekday.MONDAY)
    facts.append("%d: Thanksgiving %s, Memorial Day %s, day %s of the year, ISO week %d" % (
        year, thanksgiving.strftime("%b %d"), memorial.strftime("%b %d"),
        thanksgiving.strftime("%j"), thanksgiving.isocalendar()[1]))
print(textwrap.fill(" ".join(facts), 64))
fridays13 = [d for d in (date(2024, m, 13) for m in range(1, 13)) if d.weekday() == Weekday.FRIDAY]
print("Friday 13th in 2024:", [d.isoformat() for d in fridays13])
span = date(2025, 1, 1) - date(2024, 1, 1)
print(span.days, "days;", sum(1 for i in range(span.days) if (date(2024, 1, 1) + timedelta(i)).weekday() >= 5), "weekend days")
counts = {k: len(list(g)) for k, g in itertools.groupby(sorted((date(2024, 1, 1) + timedelta(i)).strftime("%a") for i in range(366)))}
print(counts)
print(Weekday(date(2000, 1, 1).weekday()).name, Weekday.FRIDAY > Weekday.MONDAY, list(Weekday)[-1])
