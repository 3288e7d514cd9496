# CPython's pure-Python pickle at every protocol 0-5: round trips of the core types and of
# user classes, and the exact bytes of small pickles (protocol 0 is text: ints, floats and
# strings on their own lines, read back with int(bytes, 0), float(bytes) and the
# raw-unicode-escape codec).
import pickle
import copyreg
import collections

# the pure-Python pickler and unpickler (CPython's module-level functions are the C `_pickle`
# ones when it exists; under pyguest they are these)
dumps, loads = pickle._dumps, pickle._loads


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __eq__(self, other):
        return type(other) is Point and (self.x, self.y) == (other.x, other.y)

    def __repr__(self):
        return "Point(%r, %r)" % (self.x, self.y)


class Stateful:
    def __init__(self, n):
        self.n = n
        self.cache = {"big": list(range(n))}

    def __getstate__(self):
        return {"n": self.n}

    def __setstate__(self, st):
        self.n = st["n"]
        self.cache = None

    def __repr__(self):
        return "Stateful(%r, cache=%r)" % (self.n, self.cache)


class MyList(list):
    pass


class MyDict(dict):
    pass


class Reduced:
    def __init__(self, a, b=2):
        self.a, self.b = a, b

    def __reduce__(self):
        return (Reduced, (self.a, self.b))

    def __repr__(self):
        return "Reduced(%r, %r)" % (self.a, self.b)


Pair = collections.namedtuple("Pair", "left right")

VALUES = [
    None, True, False,
    0, 1, -1, 255, 256, 65535, 65536, -65536, 2**31 - 1, -2**31, 2**31, 2**63, -2**63 - 1,
    10**40, -(10**40),
    0.0, -0.0, 1.5, -2.25, 1e300, 1e-300, 3.141592653589793, float("inf"), float("-inf"),
    1 + 2j,
    "", "a", "héllo", "line\nbreak\\back\rcr\x00nul\x1a", "日本語", "\U0001f600",
    b"", b"abc", b"\x00\xff\n\\", bytearray(b"xyz"),
    (), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4), [], [1, [2, [3]]], {}, {"a": 1, 2: "b"},
    set(), {1, 2, 3}, frozenset(), frozenset({"x"}),
    range(3), slice(1, 10, 2), Ellipsis, NotImplemented,
    list, dict, len, pickle.dumps, collections.OrderedDict,
    collections.OrderedDict([("b", 1), ("a", 2)]),
    collections.deque([1, 2, 3]),
    Point(1, "two"), Stateful(5), MyList([1, 2]), MyDict(k="v"), Reduced(7), Pair(1, 2),
]


def same(a, b):
    if isinstance(a, float) and a != a:
        return b != b
    if type(a) is not type(b):
        return False
    if isinstance(a, Stateful):
        return a.n == b.n and b.cache is None
    if isinstance(a, (MyList, MyDict)):
        return a == b and type(a) is type(b)
    if isinstance(a, Reduced):
        return (a.a, a.b) == (b.a, b.b)
    if isinstance(a, float) and a == 0.0:
        return str(a) == str(b)
    return a == b


for proto in range(pickle.HIGHEST_PROTOCOL + 1):
    bad = []
    for v in VALUES:
        try:
            data = dumps(v, protocol=proto)
            back = loads(data)
        except Exception as e:
            bad.append("%r: %s: %s" % (v, type(e).__name__, e))
            continue
        if not same(v, back):
            bad.append("%r -> %r" % (v, back))
    print("protocol", proto, "round trips:", len(VALUES) - len(bad), "of", len(VALUES))
    for b in bad:
        print("   ", b)

# exact bytes of small pickles at each protocol (the C-free pickler is deterministic)
for proto in range(6):
    for v in [0, 1, True, -7, 300, 2**40, 2**70, 1.25, "a\nb", b"ab", (1, "x"), [None], {"k": 2.5}]:
        print(proto, repr(v), dumps(v, protocol=proto))

# shared and cyclic references at every protocol
for proto in range(6):
    shared = [1, 2]
    outer = [shared, shared, {"self": None}]
    outer[2]["self"] = outer
    back = loads(dumps(outer, protocol=proto))
    print(proto, back[0] is back[1], back[2]["self"] is back, back[0])

# protocol 0 opcodes read back by hand-written text pickles
print(loads(b"I42\n."), loads(b"I-0x10\n."), loads(b"I00\n."), loads(b"I01\n."))
print(loads(b"L123456789012345678901234567890L\n."), loads(b"F2.5\n."))
print(loads(b"S'quoted\\n'\n."), loads(b'Vcaf\\u00e9\n.'))
print(loads(b"(lp0\nI1\naI2\na."), loads(b"(dp0\nS'a'\np1\nI1\ns."))

# errors
for data in [b"I12x\n.", b"Fnope\n.", b"", b"\x80\x05K", b"(I1\n"]:
    try:
        loads(data)
    except Exception as e:
        print(type(e).__name__, e)

# copyreg-registered reducer
class Temp:
    def __init__(self, c):
        self.c = c


def reduce_temp(t):
    return (Temp, (t.c * 2,))


copyreg.pickle(Temp, reduce_temp)
for proto in range(6):
    print(proto, loads(dumps(Temp(21), protocol=proto)).c)
