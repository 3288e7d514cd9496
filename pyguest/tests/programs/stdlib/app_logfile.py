"""Log analysis over files in a temp dir: open/read/write + datetime.strptime + enum + json."""
import json
import os
import tempfile
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from enum import IntEnum
from typing import Dict, List, NamedTuple


class Level(IntEnum):
    DEBUG = 10
    INFO = 20
    WARNING = 30
    ERROR = 40


class Record(NamedTuple):
    when: datetime
    level: Level
    service: str
    message: str


LOG_A = """2024-05-01 08:00:01 INFO api started on port 8080
2024-05-01 08:00:05 DEBUG api loading routes
2024-05-01 08:01:17 WARNING db slow query took 1250ms
2024-05-01 08:02:00 ERROR api upstream timeout after 30s
2024-05-01 08:02:30 INFO api request served in 12ms
"""
LOG_B = """2024-05-01 07:59:58 INFO db ready
2024-05-01 08:01:59 ERROR db connection reset by peer
2024-05-01 08:03:10 INFO worker job 17 finished
this line is garbage
2024-05-01 08:04:45 WARNING worker queue length 950
"""


def parse_line(line: str) -> Record:
    stamp, level, service, message = line[:19], *line[20:].split(" ", 2)
    return Record(datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S"), Level[level], service, message)


def read_logs(directory: str) -> List[Record]:
    records, bad = [], 0
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".log"):
            continue
        with open(os.path.join(directory, name), encoding="utf-8") as f:
            for line in f:
                try:
                    records.append(parse_line(line.rstrip("\n")))
                except (ValueError, KeyError):
                    bad += 1
    print("skipped", bad, "bad line(s)")
    return sorted(records)


with tempfile.TemporaryDirectory() as tmp:
    for name, text in (("a.log", LOG_A), ("b.log", LOG_B), ("notes.txt", "ignore me")):
        with open(os.path.join(tmp, name), "w") as f:
            f.write(text)
    records = read_logs(tmp)
    for r in records:
        print(r.when.strftime("%H:%M:%S"), r.level.name.ljust(7), r.service.ljust(6), r.message)
    by_level = Counter(r.level for r in records)
    print({lvl.name: n for lvl, n in sorted(by_level.items())})
    errors = [r for r in records if r.level >= Level.WARNING]
    span = records[-1].when - records[0].when
    print("span", span, "errors+warnings", len(errors), "rate/min %.2f" % (len(errors) / (span / timedelta(minutes=1))))
    per_service: Dict[str, List[str]] = defaultdict(list)
    for r in records:
        per_service[r.service].append(r.level.name)
    summary = {"span_seconds": span.total_seconds(), "services": dict(sorted(per_service.items())),
               "first_error": next(r.when.isoformat() for r in records if r.level == Level.ERROR)}
    out_path = os.path.join(tmp, "summary.json")
    with open(out_path, "w") as f:
        json.dump(summary, f, indent=2, sort_keys=True)
    with open(out_path) as f:
        print(f.read())
    with open(out_path, "rb") as f:
        raw = f.read()
    print(type(raw).__name__, len(raw), raw[:12])
    with open(os.path.join(tmp, "a.log"), "a") as f:
        f.write("2024-05-01 08:05:00 DEBUG api shutting down\n")
    with open(os.path.join(tmp, "a.log")) as f:
        lines = f.readlines()
    print(len(lines), repr(lines[-1]))
    print(sorted(os.listdir(tmp)))
print(os.path.exists(tmp))
