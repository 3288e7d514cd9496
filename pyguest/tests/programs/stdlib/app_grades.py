"""Grade report: argparse + statistics + textwrap + dataclasses + json."""
import argparse
import json
import statistics
import textwrap
from dataclasses import dataclass
from typing import Dict, List

RAW = """
{"course": "Algorithms", "students": [
 {"name": "Ada", "scores": [93, 88, 97, 91]},
 {"name": "Brian", "scores": [72, 65, 80, 77]},
 {"name": "Chen", "scores": [85, 90, 78, 88]},
 {"name": "Dara", "scores": [55, 62, 70, 58]},
 {"name": "Eve", "scores": [99, 100, 98, 97]},
 {"name": "Farid", "scores": [81, 79, 85, 90]}
]}
"""


@dataclass
class Student:
    name: str
    scores: List[int]

    @property
    def average(self) -> float:
        return statistics.mean(self.scores)

    def letter(self, curve: float) -> str:
        avg = self.average + curve
        for cutoff, letter in ((90, "A"), (80, "B"), (70, "C"), (60, "D")):
            if avg >= cutoff:
                return letter
        return "F"


def report(argv):
    parser = argparse.ArgumentParser(prog="grades")
    parser.add_argument("--curve", type=float, default=0.0)
    parser.add_argument("--top", type=int, default=3)
    parser.add_argument("--format", choices=["text", "json"], default="text")
    args = parser.parse_args(argv)
    data = json.loads(RAW)
    students = [Student(**s) for s in data["students"]]
    averages = [s.average for s in students]
    summary: Dict[str, object] = {
        "course": data["course"],
        "mean": round(statistics.mean(averages), 3),
        "median": statistics.median(averages),
        "stdev": round(statistics.stdev(averages), 3),
        "letters": {s.name: s.letter(args.curve) for s in students},
        "top": [s.name for s in sorted(students, key=lambda s: -s.average)[:args.top]],
    }
    if args.format == "json":
        print(json.dumps(summary, indent=2))
        return
    print("%s (curve %+.1f)" % (summary["course"], args.curve))
    for s in students:
        print("  %-6s %6.2f %s  %s" % (s.name, s.average, s.letter(args.curve), " ".join(map(str, s.scores))))
    dist = statistics.multimode(summary["letters"].values())
    text = ("The class mean is %(mean)s with a median of %(median)s and a standard deviation of %(stdev)s. "
            % summary) + "The most common letter grades were %s. Top students: %s." % (
        ", ".join(dist), ", ".join(summary["top"]))
    print(textwrap.indent(textwrap.fill(text, 50), "  | "))
    per_exam = list(zip(*(s.scores for s in students)))
    for i, exam in enumerate(per_exam, 1):
        q = statistics.quantiles(exam, n=4)
        print("  exam %d: mean %.2f quartiles %s" % (i, statistics.fmean(exam), q))


report([])
report(["--curve", "5", "--top", "2"])
report(["--format", "json", "--curve=-2.5"])
