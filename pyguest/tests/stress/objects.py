# GC stress regression: classes/MRO, generators, dicts, sets, *args, eval, exceptions.
class A:
    def __init__(self, n):
        self.n = str(n)
    def __repr__(self):
        return "A(" + self.n + ")"
class B(A): pass
class C(A):
    def who(self): return "C" + self.n
class D(B, C): pass
print(D.__mro__ == (D, B, C, A, object), D(4).who(), [D(i) for i in range(18)])
def gen(n):
    for i in range(n):
        yield str(i) + "g"
print(list(gen(20)), max(gen(20)), min(map(lambda s: s * 2, gen(19))))
d = {}
for i in range(300):
    k = "k" + str(i % 37)
    d[k] = d.get(k, "") + str(i % 10)
print(len(d), sorted(d.items())[:3], sum(len(v) for v in d.values()))
s = set(str(i) for i in range(50))
print(len(s), sorted(s)[:5], "7" in s, frozenset(["a" + "b"]))
def f(*args, **kw):
    return args[-1] + kw["z"]
print(f(*[str(i) for i in range(20)], z="end"), eval("str(3) + 'x'"), globals()["x"] if "x" in globals() else "nox")
try:
    raise ValueError("bad " + str(42))
except ValueError as e:
    print("caught", e.args, repr(e))
print(sorted([(str(i % 3), i) for i in range(20)]), list(zip("abc", [str(i) for i in range(3)])))
