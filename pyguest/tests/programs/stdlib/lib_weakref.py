# weakref and gc: references die at a collection (gc.collect() makes that deterministic
# under both reference counting and a tracing collector), callbacks, containers, finalize.
# Objects whose death is checked are created and used inside helper functions: pyguest's
# collector scans the native stack conservatively, so an object the module-level code has
# just worked on directly may survive one more collection (see docs/compatibility.md).
import gc
import weakref


class Node:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "Node(%r)" % self.name

    def greet(self):
        return "hi from " + self.name


def make(name):
    return Node(name)


def isolated(f):
    # Runs f() from native code (map): its Python frames then run in a nested dispatch loop
    # whose native frame is gone before the next gc.collect(). The interpreter runs a call
    # made by Python code in the caller's dispatch loop, whose live native frame may keep a
    # stale copy of a temporary of the callee (an iterator, a register array) until it is
    # overwritten: the conservative scan's limit (docs/compatibility.md), which depends on
    # how the compiler laid out that frame.
    return next(map(lambda _: f(), [0]))


a = make("a")
r = weakref.ref(a)
print(r() is a, r() is not None, weakref.getweakrefcount(a))
events = []
r2 = weakref.ref(a, lambda ref: events.append("callback"))
print(weakref.getweakrefcount(a), len(weakref.getweakrefs(a)))
print(r == weakref.ref(a), hash(r) == hash(a), isinstance(r, weakref.ref), type(r) is weakref.ReferenceType)
del a
gc.collect()
print(r(), r2(), events)

for bad in (1, "s", [1], (1,), {"a": 1}, None):
    try:
        weakref.ref(bad)
    except TypeError as e:
        print("TypeError:", e)
print(weakref.ref(len)() is len, weakref.ref(Node)() is Node, weakref.ref(make)() is make)
print(weakref.ref({1, 2})() is not None or True, weakref.ref(frozenset())() is not None or True)

def proxy_demo():
    b = make("b")
    p = weakref.proxy(b)
    print(p.name, p.greet(), str(p))
    p.name = "renamed"
    print(b.name)
    return p


p = isolated(proxy_demo)
gc.collect()
try:
    p.name
except ReferenceError as e:
    print("ReferenceError:", e)

cache = weakref.WeakValueDictionary()
keep = [make("k%d" % i) for i in range(5)]
for n in keep:
    cache[n.name] = n
temp = make("temp")
cache["temp"] = temp
print(len(cache), sorted(cache.keys()), cache["k1"], cache.get("k9", "missing"), "temp" in cache)
del temp
# twice here and below: `temp` and the `keep` items were handled by module-level code, and a
# stale copy on the conservatively scanned native stack may keep one for one collection
gc.collect()
gc.collect()
print(len(cache), "temp" in cache, sorted(cache), cache.get("temp"))
try:
    cache["temp"]
except KeyError as e:
    print("KeyError:", e)
del keep[3:]
gc.collect()
gc.collect()
print(sorted(cache.keys()), sorted(n.name for n in cache.values()), sorted(k for k, v in cache.items()))
print(cache.pop("k0").name, len(cache), cache.setdefault("k1", None).name)

meta = weakref.WeakKeyDictionary()
x = make("x")


def fill_meta():
    y = make("y")
    meta[x] = 1
    meta[y] = 2
    print(len(meta), meta[x], x in meta, meta.get(y), sorted(v for v in meta.values()))


isolated(fill_meta)
gc.collect()
print(len(meta), [k.name for k in meta.keys()], list(meta.values()))

ws = weakref.WeakSet()
s1, s3 = make("s1"), make("s3")


def fill_set():
    s2 = make("s2")
    for n in (s1, s2, s3, s1):
        ws.add(n)
    print(len(ws), s2 in ws, sorted(n.name for n in ws))


isolated(fill_set)
gc.collect()
print(len(ws), sorted(n.name for n in ws))
ws.discard(s3)
print(len(ws), s3 in ws)

log = []


def finalize_demo():
    obj = make("finalized")
    f = weakref.finalize(obj, log.append, "finalizer ran")
    print(f.alive, log)
    return f


f = isolated(finalize_demo)
gc.collect()
print(f.alive, log, f())
obj2 = make("explicit")
f2 = weakref.finalize(obj2, lambda: "returned")
print(f2.peek()[0].name, f2.peek()[2:])
print(f2(), f2.alive, f2(), f2.detach())
obj3 = make("detached")
f3 = weakref.finalize(obj3, log.append, "never")
print(f3.detach()[0].name, f3.alive)
del obj3
gc.collect()
print(log)


class Handler:
    def __init__(self):
        self.count = 0

    def handle(self):
        self.count += 1
        return self.count


def weak_method_demo():
    h = Handler()
    wm = weakref.WeakMethod(h.handle)
    print(wm()(), wm()(), h.count)
    return wm


wm = isolated(weak_method_demo)
gc.collect()
print(wm())

def many():
    garbage = [make(str(i)) for i in range(1000)]
    return [weakref.ref(n) for n in garbage]


refs = isolated(many)
gc.collect()
print(sum(1 for w in refs if w() is None) >= 990)
