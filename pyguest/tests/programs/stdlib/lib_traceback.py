import os
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def clean(text):
    return text.replace(HERE, "")


# Every traced line is a whole statement: CPython 3.11 adds column carets under
# partial-line expressions, which pyguest does not produce.
def inner(x):
    divmod(10, x)


def middle(x):
    inner(x)


def outer(x):
    middle(x)


try:
    outer(0)
except ZeroDivisionError:
    print(clean(traceback.format_exc()))

try:
    outer(0)
except ZeroDivisionError as e:
    print(traceback.format_exception_only(type(e), e))
    print(traceback.format_exception_only(e))
    lines = traceback.format_exception(e)
    print(len(lines), clean(lines[0]), clean(lines[-1]))
    tb = traceback.extract_tb(e.__traceback__)
    print([(fs.name, fs.lineno, fs.line) for fs in tb])
    print([os.path.basename(fs.filename) for fs in tb])
    print(len(traceback.format_tb(e.__traceback__)), len(traceback.extract_tb(e.__traceback__, limit=2)))
    traceback.print_exc(file=sys.stdout) if False else None
    import io
    buf = io.StringIO()
    traceback.print_exc(file=buf)
    print(clean(buf.getvalue()).count("File"), buf.getvalue().endswith("ZeroDivisionError: integer division or modulo by zero\n"))
    buf = io.StringIO()
    traceback.print_exception(e, file=buf, limit=1)
    print(clean(buf.getvalue()))


class AppError(Exception):
    pass


def load(name):
    try:
        {"a": 1}.pop(name)
    except KeyError as exc:
        raise AppError("missing setting %r" % name) from exc


try:
    load("b")
except AppError:
    print(clean(traceback.format_exc()))


def parse(s):
    try:
        int(s)
    except ValueError:
        raise RuntimeError("cannot parse")


try:
    parse("x1")
except RuntimeError:
    print(clean(traceback.format_exc()))
    print(clean(traceback.format_exc(chain=False)))

try:
    try:
        raise ValueError("first")
    except ValueError:
        raise TypeError("second") from None
except TypeError:
    print(clean(traceback.format_exc()))

print(repr(traceback.format_exc()))
print(traceback.format_exception_only(ValueError, ValueError()))
print(traceback.format_exception_only(KeyError, KeyError("k")))
print(traceback.format_exception_only(AppError, AppError("x")))
print(traceback.format_exception_only(OSError, OSError("disk full")))

def recurse(n):
    if n == 0:
        raise RecursionError("deep")
    recurse(n - 1)
try:
    recurse(8)
except RecursionError:
    print(clean(traceback.format_exc()))

e = ValueError("with notes")
e.add_note("note one") if hasattr(e, "add_note") else setattr(e, "__notes__", ["note one"])
print(traceback.format_exception_only(e))

def where():
    return traceback.extract_stack()
st = where()
print([(f.name, f.line) for f in st][-2:])
print(clean("".join(traceback.format_list([("a.py", 3, "f", "x = 1"), ("b.py", 9, "g", None)]))))
te = traceback.TracebackException.from_exception(AppError("boom"))
print(list(te.format()), str(te))
try:
    traceback.print_exception(ValueError, ValueError("x"))
except Exception as ex:
    print(type(ex).__name__, ex)
fs = traceback.FrameSummary("f.py", 5, "fn", line="  return 1  ")
print(fs, fs.line, list(fs), fs == ("f.py", 5, "fn", "return 1"))
