# Issue 16's module list, the items no other program covers, each exercised beyond its import:
# unicodedata, importlib (import_module, util), time (gmtime, strftime, the
# rest), math against CPython 3.11's function list, shlex, heapq/bisect, gzip, `_imp`/`imp`
# and the bytecode tools, `__doc__` of built-in instances (email's policies read it).
# Expected output: CPython 3.11.
import sys
import warnings

warnings.simplefilter("ignore", DeprecationWarning)

print("-- unicodedata")
import unicodedata as ud

print(ud.unidata_version, ud.ucd_3_2_0.unidata_version)
for ch in "aZ5\u00e9\u0301\u00bd\u2163\u4e00\uac00\u0660\u00b2 \u200f\u05d0\U0001f600\u3000\uff21":
    print(hex(ord(ch)), ud.category(ch), ud.bidirectional(ch), ud.east_asian_width(ch),
          ud.combining(ch), ud.mirrored(ch), repr(ud.decomposition(ch)),
          ud.decimal(ch, None), ud.digit(ch, None), ud.numeric(ch, None), ud.name(ch, "?"))
print(ud.lookup("LATIN SMALL LETTER E WITH ACUTE"), ud.lookup("snowman"), ud.lookup("HANGUL SYLLABLE GA"))
for form in ("NFC", "NFD", "NFKC", "NFKD"):
    s = ud.normalize(form, "e\u0301\ufb01\u00bd\uac00")
    print(form, [hex(ord(c)) for c in s], ud.is_normalized(form, s), ud.is_normalized(form, "\ufb01"))
print("mirrored (", ud.mirrored("("), "category of unassigned", ud.category("\U000e0080"))
for bad in (lambda: ud.name("\x00"), lambda: ud.lookup("NO SUCH THING"), lambda: ud.category("ab"),
            lambda: ud.category(5), lambda: ud.decimal("x"), lambda: ud.digit("x"),
            lambda: ud.numeric("x"), lambda: ud.normalize("NFX", "a")):
    try:
        bad()
    except (KeyError, ValueError, TypeError) as e:
        print(type(e).__name__, e)
# a sample of every 97th code point: the properties CPython's tables give
acc = 0
counts = {}
# (lone surrogates are left out: pyguest's str cannot hold them, docs/compatibility.md)
for cp in [cp for cp in range(0, 0x110000, 97) if not 0xD800 <= cp < 0xE000]:
    c = chr(cp)
    cat = ud.category(c)
    counts[cat] = counts.get(cat, 0) + 1
    acc = (acc * 31 + hash((cat, ud.bidirectional(c), ud.east_asian_width(c), ud.combining(c),
                            ud.mirrored(c), ud.decomposition(c), ud.numeric(c, -1.0)))) % (1 << 61)
named = sum(1 for cp in range(0, 0x30000, 13) if not 0xD800 <= cp < 0xE000 and ud.name(chr(cp), None))
print("sample", sorted(counts.items()), named)
import stringprep
print("stringprep", stringprep.in_table_c11(" "), stringprep.in_table_b1("\u00ad"), stringprep.map_table_b2("A"))

print("-- importlib")
import importlib
import importlib.util
import importlib.machinery
m = importlib.import_module("json")
print(m.__name__, importlib.import_module(".abc", "collections").__name__)
spec = importlib.util.find_spec("textwrap")
print(spec.name, spec is not None, importlib.util.find_spec("no_such_module_x") is None)
print("-- _imp and the bytecode tools")
import _imp
print(_imp.lock_held(), _imp.is_frozen("no_such_module"), type(_imp.extension_suffixes()).__name__)
_imp.acquire_lock()
print(_imp.lock_held())
_imp.release_lock()
try:
    _imp.release_lock()
except RuntimeError as e:
    print("RuntimeError", e)
import imp
print(imp.get_suffixes()[:0], imp.PY_SOURCE, imp.new_module("m").__name__)
import py_compile, compileall, modulefinder, pydoc, cgitb
print("imported", py_compile.__name__, compileall.__name__, modulefinder.__name__, pydoc.__name__, cgitb.__name__)
import importlib._bootstrap_external as be
data = be.MAGIC_NUMBER + be._pack_uint32(0) + be._pack_uint32(123) + be._pack_uint32(7)
print("classify", be._classify_pyc(data, "x", {}), be._unpack_uint32(data[8:12]))
try:
    be._classify_pyc(b"abcd" + data[4:], "x", {"name": "x"})
except ImportError as e:
    print("ImportError", e)
mf = modulefinder.ModuleFinder()
print(pydoc.describe(str), pydoc.classname(int, "builtins"))

print("-- __doc__ of built-in instances")
print("x".__doc__ == str.__doc__, type("x".__doc__).__name__, (5).__doc__ == int.__doc__, [].__doc__ == list.__doc__,
      {}.__doc__ == dict.__doc__, (1.5).__doc__ == float.__doc__, None.__doc__)


class NoDoc:
    pass


class WithDoc:
    "Here."


class SubStr(str):
    pass


print(NoDoc.__doc__, NoDoc().__doc__, WithDoc().__doc__, SubStr.__doc__, SubStr("a").__doc__)
import cgi, mailbox, smtplib
from email import policy
print("imported", cgi.__name__, mailbox.__name__, smtplib.__name__, policy.default.linesep == "\n")

print("-- time")
import time
g = time.gmtime(86400 * 365 + 3661)
print(tuple(g), g.tm_year, g.tm_yday, g.tm_zone, type(g).__name__, time.struct_time is type(g))
print(time.strftime("%Y-%m-%d %H:%M:%S %a %A %b %B %j %U %W %w %y %p %I %%", g))
print(time.asctime(g), time.mktime(time.localtime(1000000)) == 1000000.0)
print(tuple(time.strptime("2024-03-05 17:04", "%Y-%m-%d %H:%M")))
print(time.strptime("31 Dec 99", "%d %b %y").tm_yday, time.gmtime(0).tm_wday)
import calendar
print(calendar.timegm(g), time.struct_time((2000, 1, 2, 3, 4, 5, 6, 2, 0)).tm_mday)
names = sorted(n for n in dir(time) if not n.startswith("_"))
print([n for n in ["altzone", "asctime", "ctime", "daylight", "get_clock_info", "gmtime",
                   "localtime", "mktime", "monotonic", "monotonic_ns", "perf_counter",
                   "perf_counter_ns", "process_time", "process_time_ns", "sleep", "strftime",
                   "strptime", "struct_time", "thread_time", "thread_time_ns", "time",
                   "time_ns", "timezone", "tzname", "tzset"] if n not in names])
print(isinstance(time.monotonic_ns(), int), time.get_clock_info("monotonic").monotonic)

print("-- math")
import math
want = ['acos', 'acosh', 'asin', 'asinh', 'atan', 'atan2', 'atanh', 'cbrt', 'ceil', 'comb',
        'copysign', 'cos', 'cosh', 'degrees', 'dist', 'e', 'erf', 'erfc', 'exp', 'exp2', 'expm1',
        'fabs', 'factorial', 'floor', 'fmod', 'frexp', 'fsum', 'gamma', 'gcd', 'hypot', 'inf',
        'isclose', 'isfinite', 'isinf', 'isnan', 'isqrt', 'lcm', 'ldexp', 'lgamma', 'log',
        'log10', 'log1p', 'log2', 'modf', 'nan', 'nextafter', 'perm', 'pi', 'pow', 'prod',
        'radians', 'remainder', 'sin', 'sinh', 'sqrt', 'tan', 'tanh', 'tau', 'trunc', 'ulp']
have = sorted(n for n in dir(math) if not n.startswith("_"))
print("missing", [n for n in want if n not in have], "extra", [n for n in have if n not in want])
print(math.remainder(10, 3), math.remainder(-7.5, 2), math.ulp(1.0), math.ulp(0.0),
      math.exp2(10), math.nextafter(1.0, 2.0), math.dist((0, 0), (3, 4)), math.lcm(4, 6, 10),
      math.perm(5, 2), math.comb(10, 3), math.prod([1, 2, 3, 4]), math.isqrt(99))

print("-- shlex, heapq, bisect, gzip")
import shlex
print(shlex.split("a 'b c' \"d e\" f\\ g # not a comment"), shlex.split("x # c", comments=True))
print(shlex.quote("it's"), shlex.join(["a b", "c"]), list(shlex.shlex("x=1;y", punctuation_chars=True)))
import heapq, bisect
h = []
for v in [5, 1, 8, 3, 9, 2]:
    heapq.heappush(h, v)
print([heapq.heappop(h) for _ in range(3)], heapq.nlargest(2, [4, 7, 1]), list(heapq.merge([1, 4], [2, 3])))
a = [1, 3, 3, 7]
bisect.insort(a, 4)
print(a, bisect.bisect_left(a, 3), bisect.bisect_right(a, 3), bisect.bisect(a, 8, key=None))
import gzip, io
blob = gzip.compress(b"hello " * 100, mtime=0)
print(len(gzip.decompress(blob)), gzip.decompress(blob)[:11])
buf = io.BytesIO()
with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as f:
    f.write(b"line1\nline2\n")
# (reading through GzipFile needs io.BufferedReader, which pyguest's io lacks)
print(gzip.decompress(buf.getvalue()))
