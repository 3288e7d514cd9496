import pprint
from collections import OrderedDict, defaultdict, Counter, deque, ChainMap
from types import SimpleNamespace

data = {
    "name": "inventory",
    "version": (3, 11, 7),
    "items": [{"sku": "A-%03d" % i, "qty": i * 7, "tags": ["red", "blue"][: i % 3],
               "price": round(i * 1.15, 2)} for i in range(5)],
    "matrix": [[r * c for c in range(8)] for r in range(6)],
    "flags": {True, False},
    "empty": [{}, [], (), set(), ""],
    "nested": {"a": {"b": {"c": {"d": {"e": list(range(30))}}}}},
    "text": "The quick brown fox jumps over the lazy dog. " * 4,
    "multiline": "first line\nsecond line which is rather long and keeps going on and on\nthird",
    "bytes": bytes(range(40)),
    "ba": bytearray(b"hello world, this is a bytearray that is long enough to wrap"),
    "frozen": frozenset({40, 10, 30, 20}),
    "single": (1,),
    "num": 12345678901234567890,
}
pprint.pprint(data)
print(pprint.pformat(data, width=40))
print(pprint.pformat(data, indent=4, width=60, depth=2))
print(pprint.pformat(data["matrix"], compact=True, width=30))
print(pprint.pformat(list(range(60)), compact=True))
print(pprint.pformat(list(range(60))))
pprint.pp({"z": 1, "a": 2, "m": [3] * 30})
pprint.pprint({"z": 1, "a": 2, "m": [3] * 30}, sort_dicts=False, width=30)
pprint.pprint(123456789, underscore_numbers=True)
pprint.pprint([10 ** 12, {"k": 2 ** 40}], underscore_numbers=True, width=20)

od = OrderedDict((k, k * 3) for k in "abcdefghijklmnopqrstuvwxyz")
pprint.pprint(od)
dd = defaultdict(list)
for i in range(12):
    dd["key%d" % (i % 4)].append(i * 1000)
pprint.pprint(dd)
pprint.pprint(Counter("abracadabra" * 9 + "xyzzy"), width=30)
pprint.pprint(deque(range(40)))
pprint.pprint(deque(range(40), maxlen=50))
pprint.pprint(ChainMap({"a": 1, "b": list(range(20))}, {"c": 3}), width=40)
pprint.pprint(SimpleNamespace(alpha=list(range(25)), beta="b" * 50, gamma={"x": 1}))
pprint.pprint([OrderedDict(), defaultdict(int), Counter(), deque()])

rec = [1, 2]
rec.append(rec)
d = {"self": None}
d["self"] = d
print(pprint.pformat(rec).split("<")[0])
print(pprint.saferepr(d).startswith("{'self': <Recursion on dict with id="))
print(pprint.isrecursive(rec), pprint.isreadable(rec), pprint.isreadable([1, "a", (2,)]),
      pprint.isreadable(object()))
print(pprint.saferepr({"b": 2, "a": [1, 2]}))


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __repr__(self):
        return "Point(%d, %d)" % (self.x, self.y)


class MyList(list):
    pass


class MyDict(dict):
    def __repr__(self):
        return "MyDict(...)"


pprint.pprint([Point(i, i * i) for i in range(12)])
pprint.pprint(MyList(range(40)))
pprint.pprint(MyDict((i, i) for i in range(40)))
pprint.pprint({3: "c", 1: "a", "b": 2, None: 0, (1, 2): "t"})
pprint.pprint("short string")
pprint.pprint(["x" * 30, "y" * 30, "z" * 30], width=50)
pprint.pprint({"description": "word " * 40}, width=50)

pp = pprint.PrettyPrinter(indent=2, width=50, depth=3)
pp.pprint(data["nested"])
print(pp.pformat([[1, [2, [3, [4]]]]]))
print(pp.isreadable(data["nested"]), pp.isrecursive(rec))
for bad in [dict(indent=-1), dict(depth=0), dict(width=0)]:
    try:
        pprint.PrettyPrinter(**bad)
    except ValueError as e:
        print("ValueError", e)
import io
buf = io.StringIO()
pprint.pprint(list(range(30)), stream=buf, width=20)
print(buf.getvalue().count("\n"))
