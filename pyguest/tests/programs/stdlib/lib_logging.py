import io
import logging
import os
import sys

# module-level functions before any configuration: lastResort prints bare messages to stderr
err = io.StringIO()
saved = sys.stderr
sys.stderr = err
logging.getLogger("early").warning("no handlers yet: %s", "last resort")
logging.getLogger("early").info("not shown")
sys.stderr = saved
print(repr(err.getvalue()))

# basicConfig via a module function: default format to stderr
err = io.StringIO()
sys.stderr = err
logging.warning("Watch out! %d", 3)
logging.info("hidden at default WARNING level")
logging.error("failure in %s", "step")
sys.stderr = saved
print(repr(err.getvalue()))
root = logging.getLogger()
print(root, root.handlers[0].__class__.__name__, len(root.handlers))
logging.basicConfig(level=logging.DEBUG)  # ignored: root already has a handler
print(root.level)

out = io.StringIO()
logging.basicConfig(stream=out, level=logging.DEBUG, force=True,
                    format="%(levelname)-8s %(name)s [%(funcName)s:%(filename)s] %(message)s")
print(len(root.handlers), root.level, logging.getLevelName(root.level))


def work():
    log = logging.getLogger("app.worker")
    log.debug("starting %s", "job")
    log.info("processed %d items", 42)
    log.warning("disk at %d%%", 91)
    log.error("could not write %r", "out.txt")
    log.critical("giving up")
    log.log(25, "custom level 25")


work()
print(out.getvalue(), end="")

# hierarchy and levels
a = logging.getLogger("a")
abc = logging.getLogger("a.b.c")
ab = logging.getLogger("a.b")
print(abc.parent is ab, ab.parent is a, a.parent is root, logging.getLogger("a.b") is ab)
print(abc.name, abc.getEffectiveLevel(), a.getChild("b") is ab, root.getChild("x").name)
a.setLevel(logging.ERROR)
print(abc.getEffectiveLevel(), abc.isEnabledFor(logging.WARNING), abc.isEnabledFor(50))
print(repr(a), repr(abc), repr(root))

# handlers with their own formatters, levels and filters; propagation
buf1 = io.StringIO()
buf2 = io.StringIO()
h1 = logging.StreamHandler(buf1)
h1.setFormatter(logging.Formatter("H1 %(name)s:%(levelno)d:%(message)s"))
h2 = logging.StreamHandler(buf2)
h2.setLevel(logging.ERROR)
h2.setFormatter(logging.Formatter("{levelname}|{message}", style="{"))
svc = logging.getLogger("svc")
svc.setLevel(logging.DEBUG)
svc.addHandler(h1)
svc.addHandler(h2)
svc.propagate = False
svc.debug("debug msg")
svc.error("error msg")
db = logging.getLogger("svc.db")
db.info("child record propagates to svc")


class OnlyOdd(logging.Filter):
    def filter(self, record):
        return record.args and record.args[0] % 2 == 1


h1.addFilter(OnlyOdd())
for i in range(4):
    svc.info("n=%d", i)
h1.filters.clear()
h1.addFilter(lambda r: "secret" not in r.getMessage())
svc.warning("public")
svc.warning("secret stuff")
print(buf1.getvalue(), end="")
print(buf2.getvalue(), end="")
print(svc.hasHandlers(), logging.getLogger("nothing.here").hasHandlers())

f = logging.Filter("svc.db")
print(f.filter(logging.makeLogRecord({"name": "svc.db.x"})), f.filter(logging.makeLogRecord({"name": "svc.dbx"})),
      logging.Filter().filter(logging.makeLogRecord({"name": "z"})))

# exceptions
buf = io.StringIO()
eh = logging.StreamHandler(buf)
eh.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
elog = logging.getLogger("exc")
elog.propagate = False
elog.addHandler(eh)
try:
    {}.pop("missing")
except KeyError:
    elog.exception("lookup failed")
try:
    int("x")
except ValueError as e:
    elog.error("bad int", exc_info=e)
    elog.warning("no traceback here")
text = buf.getvalue()
for line in text.splitlines():
    if line.startswith("  File"):
        line = "  File <...>" + line[line.index(","):]
    print(line)

# formatter details
rec = logging.makeLogRecord({"name": "fmt", "levelno": 20, "levelname": "INFO", "msg": "x=%s y=%s",
                             "args": (1, 2), "created": 1700000000.25, "msecs": 250.0,
                             "lineno": 7, "funcName": "fn"})
print(logging.Formatter().format(rec))
print(logging.Formatter("%(name)s %(lineno)d %(funcName)s %(message)s").format(rec))
print(logging.Formatter("${levelname} ${message}", style="$").format(rec))
print(logging.Formatter("%(msecs)03d|%(message)s").format(rec))
print(logging.Formatter("[%(custom)s] %(message)s", defaults={"custom": "dflt"}).format(rec))
d = logging.LogRecord("n", 20, "p.py", 1, "%(a)s and %(b)s", ({"a": 1, "b": 2},), None)
print(d.getMessage(), d.args)
for bad in ["no fields", "%(x)q"]:
    try:
        logging.Formatter(bad)
    except ValueError as e:
        print("ValueError", e)
try:
    logging.Formatter("%(x)s", style="?")
except ValueError as e:
    print("ValueError", e)

# levels
print(logging.getLevelName(10), logging.getLevelName("ERROR"), logging.getLevelName(15),
      logging.getLevelName("NOPE"))
logging.addLevelName(15, "VERBOSE")
print(logging.getLevelName(15), logging.getLevelName("VERBOSE"))
svc.log(15, "verbose message")
print(buf1.getvalue().splitlines()[-1])
try:
    svc.setLevel("LOUD")
except ValueError as e:
    print("ValueError", e)
svc.setLevel("WARNING")
print(svc.level)
try:
    svc.log("INFO", "x")
except TypeError as e:
    print("TypeError", e)

# extra and LoggerAdapter
xb = io.StringIO()
xh = logging.StreamHandler(xb)
xh.setFormatter(logging.Formatter("%(user)s %(levelname)s %(message)s"))
xl = logging.getLogger("xtra")
xl.propagate = False
xl.addHandler(xh)
xl.warning("with extra", extra={"user": "ada"})
try:
    xl.warning("clash", extra={"message": "boom"})
except KeyError as e:
    print("KeyError", e)


class Prefix(logging.LoggerAdapter):
    def process(self, msg, kwargs):
        return "[%s] %s" % (self.extra["req"], msg), kwargs


ad = logging.LoggerAdapter(xl, {"user": "bob"})
ad.error("adapter message %d", 1)
pa = Prefix(xl, {"req": "r-7"})
pa.warning("prefixed", extra={"user": "eve"})
print(xb.getvalue(), end="")
print(ad, ad.name, ad.isEnabledFor(logging.DEBUG))

# disable
logging.disable(logging.ERROR)
xl.error("disabled")
xl.critical("still shown", extra={"user": "z"})
logging.disable(logging.NOTSET)
print(xb.getvalue().splitlines()[-1])

# FileHandler
path = "lib_logging_tmp.log"
fh = logging.FileHandler(path, mode="w")
fh.setFormatter(logging.Formatter("%(levelname)s:%(message)s"))
fl = logging.getLogger("file")
fl.propagate = False
fl.addHandler(fh)
fl.warning("line one")
fl.error("line two")
fh.close()
with open(path) as fp:
    print(fp.read(), end="")
os.remove(path)
print(os.path.basename(fh.baseFilename))

nh = logging.NullHandler()
quiet = logging.getLogger("lib.quiet")
quiet.addHandler(nh)
quiet.propagate = False
quiet.error("nothing printed")
print(logging.StreamHandler(io.StringIO()).level, repr(logging.Handler()))
print(logging.DEBUG, logging.INFO, logging.WARNING, logging.WARN, logging.ERROR,
      logging.CRITICAL, logging.FATAL, logging.NOTSET)
