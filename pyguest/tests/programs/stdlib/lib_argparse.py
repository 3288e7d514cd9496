import argparse
import io
import sys
from contextlib import redirect_stderr, redirect_stdout


def run(parser, argv):
    """Parse argv, printing the namespace or what the parser wrote and its exit status."""
    err = io.StringIO()
    out = io.StringIO()
    try:
        with redirect_stderr(err), redirect_stdout(out):
            ns = parser.parse_args(argv)
        print("ok", argv, ns)
    except SystemExit as e:
        print("exit", argv, e.code)
        if out.getvalue():
            print(out.getvalue(), end="")
        if err.getvalue():
            print(err.getvalue(), end="")


p = argparse.ArgumentParser(prog="tool", description="Process some files and report statistics about them in a friendly way.", epilog="See the manual for more.")
p.add_argument("name", help="the name to greet")
p.add_argument("files", nargs="*", help="input files")
p.add_argument("-v", "--verbose", action="store_true", help="be chatty")
p.add_argument("-n", "--count", type=int, default=3, help="how many times (default: %(default)s)")
p.add_argument("--mode", choices=["fast", "slow"], default="fast", help="speed: %(choices)s")
p.add_argument("-q", action="count", default=0, help="quieter")
p.add_argument("--tag", action="append", help="add a tag")
p.add_argument("--ratio", type=float, metavar="R")
p.add_argument("--dry-run", dest="dry", action="store_true")
p.add_argument("--a-very-long-option-name-that-overflows", help="forces the help onto the next line because the invocation is long")
p.print_help()
print(p.format_usage(), end="")
run(p, ["alice"])
run(p, ["alice", "a.txt", "b.txt", "-v", "-n", "5"])
run(p, ["-n5", "bob", "--mode=slow", "-qqq", "--tag", "x", "--tag=y"])
run(p, ["--verb", "carol", "--rat", "0.5", "--dry"])
run(p, [])
run(p, ["dave", "-n", "abc"])
run(p, ["dave", "--mode", "medium"])
run(p, ["dave", "--bogus", "x"])
run(p, ["dave", "-n"])
run(p, ["dave", "--", "-v", "--x"])
run(p, ["-h"])
run(p, ["dave", "--d"])

q = argparse.ArgumentParser(prog="calc")
q.add_argument("op", choices=["add", "mul"])
q.add_argument("nums", type=int, nargs="+")
q.add_argument("--scale", nargs="?", const=10, default=1, type=int)
q.add_argument("--pair", nargs=2, metavar=("A", "B"))
q.add_argument("--neg", type=int)
q.add_argument("--version", action="version", version="%(prog)s 1.2.3")
g = q.add_mutually_exclusive_group()
g.add_argument("--json", action="store_true")
g.add_argument("--csv", action="store_true")
q.print_help()
run(q, ["add", "1", "2", "3"])
run(q, ["mul", "4", "--scale"])
run(q, ["mul", "4", "--scale", "3", "--pair", "x", "y"])
run(q, ["add", "-5", "--neg", "-7"])
run(q, ["add"])
run(q, ["sub", "1"])
run(q, ["add", "1", "--json", "--csv"])
run(q, ["add", "1", "--pair", "x"])
run(q, ["--version"])

r = argparse.ArgumentParser(prog="git", formatter_class=argparse.ArgumentDefaultsHelpFormatter)
r.add_argument("--debug", action=argparse.BooleanOptionalAction, default=False, help="debug mode")
r.add_argument("--level", default="info", help="log level")
sub = r.add_subparsers(dest="cmd", help="sub-command help")
c1 = sub.add_parser("commit", help="record changes")
c1.add_argument("-m", "--message", required=True)
c1.add_argument("--amend", action="store_true")
c2 = sub.add_parser("log", help="show history", aliases=["lg"])
c2.add_argument("-n", type=int, default=10)
c2.add_argument("paths", nargs="*")
r.print_help()
c1.print_help()
run(r, ["commit", "-m", "fix"])
run(r, ["--no-debug", "log", "-n", "3", "src"])
run(r, ["--debug", "lg"])
run(r, ["commit"])
run(r, ["push"])

grp = argparse.ArgumentParser(prog="grp", usage="%(prog)s [options] SRC DST")
io_group = grp.add_argument_group("I/O", "Where data comes from and goes to.")
io_group.add_argument("src")
io_group.add_argument("dst")
io_group.add_argument("--buffer", type=int, default=4096)
req = grp.add_mutually_exclusive_group(required=True)
req.add_argument("--fast", action="store_true")
req.add_argument("--safe", action="store_true")
grp.set_defaults(extra="yes")
grp.print_help()
run(grp, ["a", "b", "--fast"])
run(grp, ["a", "b"])
print(grp.get_default("extra"), grp.get_default("buffer"))

long = argparse.ArgumentParser(prog="a-program-with-a-long-name")
for i in range(12):
    long.add_argument("--option-%d" % i, metavar="VALUE%d" % i)
long.add_argument("input")
long.add_argument("outputs", nargs="+")
print(long.format_usage(), end="")

parent = argparse.ArgumentParser(add_help=False)
parent.add_argument("--config", default="cfg.ini")
child = argparse.ArgumentParser(prog="child", parents=[parent])
child.add_argument("target")
run(child, ["t", "--config", "x.ini"])
child.print_help()

ns, rest = argparse.ArgumentParser(prog="k").parse_known_args(["--x", "1", "y"])
print(ns, rest)
print(argparse.Namespace(a=1, b="two") == argparse.Namespace(a=1, b="two"), "a" in argparse.Namespace(a=1))

raw = argparse.ArgumentParser(prog="raw", description="line one\n  indented line two\n", formatter_class=argparse.RawTextHelpFormatter)
raw.add_argument("--opt", help="keep\nthese lines")
raw.print_help()
rem = argparse.ArgumentParser(prog="rem")
rem.add_argument("cmd")
rem.add_argument("args", nargs=argparse.REMAINDER)
run(rem, ["ls", "-l", "--all", "x"])
opt = argparse.ArgumentParser(prog="opt")
opt.add_argument("first", nargs="?", default="dflt")
opt.add_argument("-x", type=int)
run(opt, ["-x", "1"])
run(opt, ["val", "-x", "2"])
def positive(s):
    v = int(s)
    if v <= 0:
        raise argparse.ArgumentTypeError("%r is not positive" % s)
    return v
tp = argparse.ArgumentParser(prog="tp", exit_on_error=False)
tp.add_argument("n", type=positive)
try:
    tp.parse_args(["-3"])
except argparse.ArgumentError as e:
    print("ArgumentError", e)
run(argparse.ArgumentParser(prog="tp2"), ["extra"])
