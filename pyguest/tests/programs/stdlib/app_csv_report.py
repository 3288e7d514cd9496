"""Sales report: parse CSV with DictReader, validate rows with logging, aggregate, pprint the
summary and write a CSV report with DictWriter."""
import csv
import io
import logging
import pprint
from collections import defaultdict, Counter

RAW = '''date,region,product,units,unit_price,rep
2024-01-03,North,Widget,12,2.50,Ada
2024-01-03,South,Gadget,3,10.00,Bob
2024-01-04,North,Gizmo,,7.25,Ada
2024-01-05,East,Widget,7,2.50,"Cid, Jr."
2024-01-05,West,Gadget,-2,10.00,Dee
2024-01-06,South,Widget,20,2.40,Bob
2024-01-06,East,"Doohickey ""XL""",1,99.99,Eve
2024-01-07,North,Gadget,5,abc,Ada
2024-01-08,West,Gizmo,9,7.25,Dee
2024-01-08,North,Widget,30,2.35,Fay
'''

log_stream = io.StringIO()
handler = logging.StreamHandler(log_stream)
handler.setFormatter(logging.Formatter("%(levelname)-7s %(name)s: %(message)s"))
log = logging.getLogger("report")
log.setLevel(logging.DEBUG)
log.addHandler(handler)
log.propagate = False
parse_log = log.getChild("parse")


def parse(text):
    good = []
    reader = csv.DictReader(io.StringIO(text))
    for row in reader:
        line = reader.line_num
        try:
            units = int(row["units"])
            price = float(row["unit_price"])
        except ValueError as exc:
            parse_log.warning("line %d: skipped (%s)", line, exc)
            continue
        if units <= 0:
            parse_log.error("line %d: non-positive units %d for %s", line, units, row["rep"])
            continue
        row["units"] = units
        row["unit_price"] = price
        row["total"] = round(units * price, 2)
        parse_log.debug("line %d ok: %s x%d", line, row["product"], units)
        good.append(row)
    log.info("parsed %d valid rows of %d", len(good), reader.line_num - 1)
    return good


rows = parse(RAW)
by_region = defaultdict(float)
by_product = Counter()
by_rep = defaultdict(list)
for r in rows:
    by_region[r["region"]] += r["total"]
    by_product[r["product"]] += r["units"]
    by_rep[r["rep"]].append(r["date"])

summary = {
    "regions": {k: round(v, 2) for k, v in by_region.items()},
    "top_products": by_product.most_common(3),
    "reps": dict(by_rep),
    "grand_total": round(sum(by_region.values()), 2),
    "rows": len(rows),
}
pprint.pprint(summary, width=60)
pprint.pprint(rows[0], sort_dicts=False)

out = io.StringIO()
writer = csv.DictWriter(out, fieldnames=["region", "total", "share"], lineterminator="\n")
writer.writeheader()
for region in sorted(summary["regions"], key=summary["regions"].get, reverse=True):
    total = summary["regions"][region]
    writer.writerow({"region": region, "total": "%.2f" % total,
                     "share": "%.1f%%" % (100 * total / summary["grand_total"])})
print(out.getvalue(), end="")

if summary["grand_total"] < 1000:
    log.warning("grand total %.2f below target %d", summary["grand_total"], 1000)
print(log_stream.getvalue(), end="")
