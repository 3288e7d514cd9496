"""Sales report from a CSV-like file in a temp dir: file I/O + datetime + statistics + json + textwrap."""
import json
import os
import statistics
import tempfile
import textwrap
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Dict, List

ROWS = [
    ("2024-01-03", "north", "widget", 3, "19.99"),
    ("2024-01-15", "south", "gadget", 1, "149.00"),
    ("2024-01-28", "north", "gizmo", 10, "4.25"),
    ("2024-02-02", "east", "widget", 7, "19.99"),
    ("2024-02-14", "south", "widget", 2, "18.50"),
    ("2024-02-29", "west", "gadget", 2, "139.00"),
    ("2024-03-05", "east", "gizmo", 25, "3.99"),
    ("2024-03-17", "north", "gadget", 1, "149.00"),
    ("2024-03-30", "west", "widget", 12, "17.75"),
]


@dataclass
class Sale:
    day: date
    region: str
    product: str
    qty: int
    unit: Fraction

    @property
    def total(self) -> Fraction:
        return self.qty * self.unit


def write_csv(path: str) -> None:
    with open(path, "w", newline="") as f:
        f.write("date,region,product,qty,unit_price\n")
        for row in ROWS:
            f.write(",".join(str(x) for x in row) + "\n")


def read_csv(path: str) -> List[Sale]:
    sales = []
    with open(path) as f:
        header = f.readline().strip().split(",")
        for line in f:
            fields = dict(zip(header, line.strip().split(",")))
            sales.append(Sale(date.fromisoformat(fields["date"]), fields["region"], fields["product"],
                              int(fields["qty"]), Fraction(fields["unit_price"])))
    return sales


def money(x: Fraction) -> str:
    return "%.2f" % float(x)


with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "sales.csv")
    write_csv(path)
    print(os.path.getsize(path), "bytes written")
    sales = read_csv(path)
    by_month: Dict[str, Fraction] = defaultdict(Fraction)
    by_region: Dict[str, List[Fraction]] = defaultdict(list)
    for s in sales:
        by_month[s.day.strftime("%Y-%m %b")] += s.total
        by_region[s.region].append(s.total)
    for month, total in sorted(by_month.items()):
        print(month, money(total).rjust(9))
    for region, totals in sorted(by_region.items()):
        print("%-6s n=%d sum=%s mean=%s" % (region, len(totals), money(sum(totals)), money(statistics.mean(totals))))
    grand = sum(s.total for s in sales)
    print("grand total", money(grand), "exact", grand)
    weekdays = defaultdict(int)
    for s in sales:
        weekdays[s.day.strftime("%A")] += s.qty
    print(dict(sorted(weekdays.items())))
    report = {"months": {m: money(t) for m, t in sorted(by_month.items())},
              "best_day": max(sales, key=lambda s: s.total).day.isoformat(),
              "median_sale": money(statistics.median([s.total for s in sales]))}
    out = os.path.join(tmp, "report.json")
    with open(out, "w") as f:
        json.dump(report, f, indent=2)
    with open(out) as f:
        loaded = json.load(f)
    print(loaded == report, loaded["best_day"])
    note = ("In the first quarter %d sales were recorded across %d regions; the best month was %s."
            % (len(sales), len(by_region), max(by_month, key=by_month.get)))
    print(textwrap.fill(note, 45))
