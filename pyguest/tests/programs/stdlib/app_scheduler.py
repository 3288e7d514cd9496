"""Meeting scheduler: datetime + dataclasses + enum + typing."""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import Enum
from typing import Iterator, List, Optional, Tuple


class Repeat(Enum):
    NONE = "once"
    DAILY = "daily"
    WEEKLY = "weekly"
    WEEKDAYS = "weekdays"


@dataclass(order=True)
class Meeting:
    start: datetime
    duration: timedelta = field(compare=False)
    title: str = field(compare=False)
    repeat: Repeat = field(default=Repeat.NONE, compare=False)
    until: Optional[date] = field(default=None, compare=False)

    @property
    def end(self) -> datetime:
        return self.start + self.duration

    def occurrences(self, horizon: date) -> Iterator["Meeting"]:
        current = self.start
        last = min(self.until or horizon, horizon)
        while current.date() <= last:
            if self.repeat != Repeat.WEEKDAYS or current.weekday() < 5:
                yield Meeting(current, self.duration, self.title)
            if self.repeat == Repeat.NONE:
                return
            step = timedelta(weeks=1) if self.repeat == Repeat.WEEKLY else timedelta(days=1)
            current += step


def conflicts(meetings: List[Meeting]) -> List[Tuple[Meeting, Meeting]]:
    found = []
    ordered = sorted(meetings)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b.start >= a.end:
                break
            found.append((a, b))
    return found


base = datetime(2024, 2, 26, 9, 0)
calendar = [
    Meeting(base, timedelta(minutes=15), "Standup", Repeat.WEEKDAYS),
    Meeting(base + timedelta(hours=5), timedelta(hours=1), "Planning", Repeat.WEEKLY),
    Meeting(datetime(2024, 2, 29, 9, 10), timedelta(minutes=30), "Leap-day review"),
    Meeting(datetime(2024, 3, 1, 13, 30), timedelta(minutes=45), "Demo"),
    Meeting(datetime(2024, 2, 27, 16, 0), timedelta(hours=2), "Training", Repeat.DAILY, date(2024, 2, 28)),
]
horizon = date(2024, 3, 10)
expanded = [occ for m in calendar for occ in m.occurrences(horizon)]
print(len(expanded), "occurrences")
by_day = {}
for occ in sorted(expanded):
    by_day.setdefault(occ.start.date(), []).append(occ)
for day in sorted(by_day):
    items = ", ".join("%s-%s %s" % (o.start.strftime("%H:%M"), o.end.strftime("%H:%M"), o.title) for o in by_day[day])
    print(day.strftime("%a %d %b"), "|", items)
for a, b in conflicts(expanded):
    print("conflict:", a.title, a.start.isoformat(), "<->", b.title, b.start.isoformat())
busy = sum((o.duration for o in expanded), timedelta())
print("busy time:", busy, "=", busy.total_seconds() / 3600, "hours")
week = base.isocalendar()
print("week", week.week, "of", week.year, "; next monday", (base + timedelta(days=7 - base.weekday())).date())
free_start = datetime.combine(date(2024, 3, 1), time(9))
slots = []
cursor = free_start
for o in by_day[date(2024, 3, 1)]:
    if o.start > cursor:
        slots.append((cursor.time(), o.start.time()))
    cursor = max(cursor, o.end)
slots.append((cursor.time(), time(17)))
print("free on Mar 1:", ["%s-%s" % (a.strftime("%H:%M"), b.strftime("%H:%M")) for a, b in slots])
print(datetime.strptime("2024-03-05 14:00", "%Y-%m-%d %H:%M") - base, (date(2024, 12, 25) - date(2024, 3, 1)).days)
