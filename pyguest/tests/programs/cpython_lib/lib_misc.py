# Other CPython modules that import and work once the native pieces exist: string.Formatter
# (_string), pickle/copyreg (X | Y unions), http (enum._simple_enum), calendar/locale
# (_codecs), atexit.
import string, pickle, http, calendar, copyreg, reprlib, sched, graphlib

f = string.Formatter()
print(f.format("{0}-{name!r:>8}|{1[1]}", 3, [4, 5], name="n"), list(f.parse("x{0}y{{")))
data = [1, "a", (2.5, None, True), {"k": [], "s": {1, 2}}, 2 ** 70, -1.5]
for proto in range(2, 6):
    print(proto, pickle.loads(pickle.dumps(data, protocol=proto)) == data)
print(pickle.loads(pickle.dumps([b"bytes", bytearray(b"ba")], protocol=4)))
print(pickle.dumps((1, 2), protocol=2))
print(http.HTTPStatus.NOT_FOUND, repr(http.HTTPStatus(200)), http.HTTPStatus.OK.phrase, http.HTTPMethod.GET)
print(calendar.month_name[3], calendar.isleap(2024), calendar.monthrange(2024, 2))
print(reprlib.repr(list(range(100))))
ts = graphlib.TopologicalSorter({"b": {"a"}, "c": {"b"}})
print(list(ts.static_order()))
s = sched.scheduler()
s.enter(0, 1, print, ("scheduled",))
s.run()
