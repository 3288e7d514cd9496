# Traceback and frame objects as programs use them: `__traceback__` chains, `tb_frame`,
# `tb_lineno`, `tb_next`, `tb_lasti`, frame attributes, `sys.exc_info()`, the `traceback`
# module's walkers and formatters, `sys._getframe`. Nothing printed depends on addresses or
# absolute paths.
import os
import sys
import traceback
import types


def short(filename):
    return os.path.basename(filename)


def inner(x):
    local_value = x * 2
    raise ValueError("inner %d" % local_value)


def middle(x):
    middle_local = "m"
    return inner(x + 1)


def outer():
    try:
        middle(1)
    except ValueError as e:
        # the frame catching the exception is live: its caller is reachable
        live_back.append(e.__traceback__.tb_frame.f_back.f_code.co_name)
        live_back.append(e.__traceback__.tb_frame is sys._getframe())
        return e


live_back = []


e = outer()
tb = e.__traceback__
print("type", type(tb).__name__, type(tb) is types.TracebackType, isinstance(tb, types.TracebackType))
chain = []
t = tb
while t is not None:
    f = t.tb_frame
    chain.append((f.f_code.co_name, t.tb_lineno - outer.__code__.co_firstlineno,
                  short(f.f_code.co_filename), isinstance(t.tb_lasti, int), t.tb_lasti >= 0))
    t = t.tb_next
print("chain", chain)
last = tb
while last.tb_next is not None:
    last = last.tb_next
print("innermost locals", sorted(last.tb_frame.f_locals.items()))
print("middle locals", sorted(tb.tb_next.tb_frame.f_locals))
print("frame type", type(tb.tb_frame) is types.FrameType, type(tb.tb_frame).__name__)
print("f_globals", tb.tb_frame.f_globals is globals())
print("f_back while live", live_back)
print("f_lineno", isinstance(last.tb_frame.f_lineno, int))

# the traceback module over real tracebacks
summary = traceback.extract_tb(tb)
print("extract_tb", [(short(s.filename), s.name, s.line) for s in summary])
print("extract_tb limit", [s.name for s in traceback.extract_tb(tb, limit=2)])
print("walk_tb", [(f.f_code.co_name, n - outer.__code__.co_firstlineno) for f, n in traceback.walk_tb(tb)])
formatted = traceback.format_tb(tb)
print("format_tb", len(formatted), [line.split(",")[-1].strip().split("\n")[0] for line in formatted])
lines = traceback.format_exception(type(e), e, tb)
print("format_exception", lines[0].strip(), lines[-1].strip(), len(lines))
print("format_exception one arg", traceback.format_exception(e) == lines)


class Out:
    def __init__(self):
        self.parts = []

    def write(self, s):
        self.parts.append(s)


out = Out()
traceback.print_tb(tb, file=out)
print("print_tb", "".join(out.parts).count("File"), "in inner" in "".join(out.parts))

# sys.exc_info() inside a handler
try:
    inner(5)
except ValueError:
    etype, evalue, etb = sys.exc_info()
    print("exc_info", etype.__name__, evalue, etb is evalue.__traceback__,
          etb.tb_frame.f_code.co_name, etb.tb_next.tb_frame.f_code.co_name)
print("exc_info outside", sys.exc_info())


# a traceback from a deeper recursion: one entry per frame
def recurse(n):
    if n == 0:
        raise KeyError("bottom")
    return recurse(n - 1)


try:
    recurse(4)
except KeyError as k:
    names = [f.f_code.co_name for f, _ in traceback.walk_tb(k.__traceback__)]
    print("recursion", names)

# re-raising keeps the chain and adds the new frames in front
def reraiser():
    try:
        inner(1)
    except ValueError:
        raise


try:
    reraiser()
except ValueError as r:
    print("reraise", [f.f_code.co_name for f, _ in traceback.walk_tb(r.__traceback__)])

# raise ... from ...: each exception has its own traceback
try:
    try:
        inner(2)
    except ValueError as first:
        raise RuntimeError("second") from first
except RuntimeError as second:
    print("cause", [f.f_code.co_name for f, _ in traceback.walk_tb(second.__traceback__)],
          [f.f_code.co_name for f, _ in traceback.walk_tb(second.__cause__.__traceback__)])

# with_traceback and assigning __traceback__
fresh = ValueError("fresh")
print("fresh", fresh.__traceback__)
same = fresh.with_traceback(tb)
print("with_traceback", same is fresh, fresh.__traceback__ is tb)
fresh.__traceback__ = None
print("set None", fresh.__traceback__)
try:
    setattr(fresh, "__traceback__", 5)
except TypeError as te:
    print("set int", te)
try:
    raise fresh.with_traceback(tb)
except ValueError as w:
    print("raised with_traceback", [f.f_code.co_name for f, _ in traceback.walk_tb(w.__traceback__)])

# building a traceback object
frame = sys._getframe()
made = types.TracebackType(None, frame, 0, 7)
print("TracebackType", made.tb_lineno, made.tb_next, made.tb_frame is frame, made.tb_lasti)
made2 = types.TracebackType(made, frame, 2, 9)
print("chained", made2.tb_next is made, [n for _, n in traceback.walk_tb(made2)])
try:
    types.TracebackType(5, frame, 0, 1)
except TypeError as te:
    print("bad tb_next", te)
try:
    types.TracebackType(None, 5, 0, 1)
except TypeError as te:
    print("bad tb_frame", te)


# sys._getframe
def who(depth):
    return sys._getframe(depth).f_code.co_name


def caller_of_who():
    return who(0), who(1), who(2)


print("_getframe", caller_of_who())
try:
    sys._getframe(10000)
except ValueError as ve:
    print("_getframe deep", ve)


# a frame kept by a traceback sees the frame's later locals state (it is the same frame)
def keeps():
    status = "before"
    try:
        raise IndexError("x")
    except IndexError as ie:
        status = "after"
        return ie


kept = keeps()
print("frame state", kept.__traceback__.tb_frame.f_locals["status"])

# exceptions in generators and methods name their code
def gen():
    yield 1
    raise StopIteration("not allowed") if False else ZeroDivisionError("gen")


class K:
    def method(self):
        return list(gen())


try:
    K().method()
except ZeroDivisionError as z:
    print("gen and method", [f.f_code.co_name for f, _ in traceback.walk_tb(z.__traceback__)])

# traceback.extract_stack / format_stack from a frame
def stack_here():
    return [s.name for s in traceback.extract_stack(sys._getframe())][-2:]


print("extract_stack", stack_here())
print("TracebackException", traceback.TracebackException.from_exception(e).stack[-1].name)
print("done")
