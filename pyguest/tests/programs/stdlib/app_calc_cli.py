"""Rational calculator CLI: argparse + fractions + json + enum + typing, several invocations."""
import argparse
import io
import json
from contextlib import redirect_stderr
from enum import Enum
from fractions import Fraction
from typing import List


class Op(Enum):
    ADD = "+"
    SUB = "-"
    MUL = "*"
    DIV = "/"

    def apply(self, a: Fraction, b: Fraction) -> Fraction:
        if self is Op.ADD:
            return a + b
        if self is Op.SUB:
            return a - b
        if self is Op.MUL:
            return a * b
        return a / b


def rpn(tokens: List[str]) -> Fraction:
    stack: List[Fraction] = []
    ops = {op.value: op for op in Op}
    for tok in tokens:
        if tok in ops:
            b, a = stack.pop(), stack.pop()
            stack.append(ops[tok].apply(a, b))
        else:
            stack.append(Fraction(tok))
    if len(stack) != 1:
        raise ValueError("malformed expression, stack: %s" % [str(x) for x in stack])
    return stack[0]


def main(argv):
    p = argparse.ArgumentParser(prog="qcalc", description="Exact rational RPN calculator.")
    p.add_argument("tokens", nargs="+", metavar="TOKEN", help="numbers and operators in RPN")
    p.add_argument("--float", action="store_true", help="also show a float")
    p.add_argument("--limit", type=int, metavar="N", help="approximate with denominator <= N")
    p.add_argument("--json", action="store_true")
    err = io.StringIO()
    try:
        with redirect_stderr(err):
            args = p.parse_args(argv)
    except SystemExit as e:
        print("usage error (%s):" % e.code, err.getvalue().strip().splitlines()[-1])
        return
    try:
        value = rpn(args.tokens)
    except (ValueError, ZeroDivisionError, IndexError) as e:
        print("error:", type(e).__name__, e)
        return
    if args.limit:
        value = value.limit_denominator(args.limit)
    out = {"expr": " ".join(args.tokens), "result": str(value)}
    if args.float:
        out["float"] = float(value)
    if args.json:
        print(json.dumps(out, sort_keys=True))
    else:
        print(" ".join("%s=%s" % kv for kv in out.items()))


main(["1/3", "1/6", "+"])
main(["3", "4", "*", "5", "/", "--float"])
main(["--json", "22/7", "355/113", "-", "--float"])
main(["0.1", "0.2", "+", "--limit", "100"])
main(["1", "0", "/"])
main(["1", "2"])
main(["+"])
main([])
main(["2", "--limit", "x"])
main(["1.5e3", "2", "*", "--json"])
