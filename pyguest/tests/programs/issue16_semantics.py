# Issue 16's "semantics classes", each swept: non-local exits out of every nesting of loops,
# `with`, `try` and comprehensions; class creation; built-in types as real types; `and`/`or`
# evaluating `__bool__` once per operand. Expected output: CPython 3.11.
import sys

# ---------------------------------------------------------------- non-local exits
LOG = []


def log(x):
    LOG.append(x)


class CM:
    def __init__(self, tag):
        self.tag = tag

    def __enter__(self):
        log("enter" + self.tag)
        return self

    def __exit__(self, t, v, tb):
        log("exit" + self.tag + ("" if t is None else ":" + t.__name__))
        return False


def boom(x):
    if x == 1:
        raise ValueError("comp")
    return x


CONSTRUCTS = {
    "for": (["for _i{n} in range(2):"], [], True),
    "while": (["_w{n} = 0", "while _w{n} < 2:", "    _w{n} += 1"], [], True),
    "with": (["with CM('{n}'):"], [], False),
    "tryfin": (["try:"], ["finally:", "    log('finally{n}')"], False),
    "tryexc": (["try:"], ["except KeyError:", "    log('keyerror{n}')"], False),
    "trycatch": (["try:"], ["except ValueError as _e{n}:", "    log('caught{n}')"], False),
}

EXITS = {
    "return": "return ('R', _k)",
    "break": "break",
    "continue": "continue",
    "raise": "raise ValueError('v')",
    "comp": "_k = [boom(x) for x in range(3)]",
    "genexp": "_k = sum(boom(x) for x in range(3))",
}


def build(nest, exit_name):
    lines = ["def f():", "    _k = 7", "    log('start')"]
    depth = 1
    foot = []
    has_loop = False
    for n, c in enumerate(nest):
        head, tail, loop = CONSTRUCTS[c]
        has_loop = has_loop or loop
        ind = "    " * depth
        for h in head:
            lines.append(ind + h.format(n=n))
        # the footer of this level comes after the body of the deeper levels
        foot.append([ind + t.format(n=n) for t in tail])
        depth += 1
    if exit_name in ("break", "continue") and not has_loop:
        return None
    ind = "    " * depth
    lines.append(ind + "log('in')")
    lines.append(ind + EXITS[exit_name])
    lines.append(ind + "log('unreached')")
    for n in range(len(nest) - 1, -1, -1):
        lines.extend(foot[n])
        lines.append("    " * (n + 1) + "log('after%d')" % n)
    lines.append("    return ('end', _k)")
    return "\n".join(lines)


def run_case(nest, exit_name):
    src = build(nest, exit_name)
    if src is None:
        return
    ns = {"log": log, "CM": CM, "boom": boom}
    exec(src, ns)
    del LOG[:]
    try:
        # the call sits inside a tuple display: a value stack left wrong shows here
        r = (100, ns["f"](), 200, [ns["f"]() for _ in range(1)][0][0])
    except ValueError as e:
        r = ("exc", str(e))
    print("/".join(nest), exit_name, r, " ".join(LOG))


names = list(CONSTRUCTS)
for a in names:
    for e in EXITS:
        run_case([a], e)
for a in names:
    for b in names:
        for e in EXITS:
            run_case([a, b], e)
for three in (["for", "with", "tryfin"], ["while", "tryfin", "with"], ["with", "for", "trycatch"],
              ["tryfin", "tryfin", "for"], ["for", "for", "tryexc"], ["with", "with", "while"]):
    for e in EXITS:
        run_case(three, e)


# a finally that overrides the exit, and a nested generator closed by a return
def override():
    for i in range(3):
        try:
            return "from try"
        finally:
            if i == 0:
                continue
    return "after loop"


print("override", override())


# ---------------------------------------------------------------- class creation
print("-- classes")


class MetaA(type):
    def __new__(mcls, name, bases, ns, **kw):
        ns["made_by"] = mcls.__name__
        return super().__new__(mcls, name, bases, ns)


class MetaB(MetaA):
    pass


class A(metaclass=MetaA):
    pass


class B(metaclass=MetaB):
    pass


class AB(A, B):
    pass


print("most derived metaclass", type(AB).__name__, AB.made_by)
try:
    class Bad(A, metaclass=type):
        pass
    print("Bad", type(Bad).__name__)
except TypeError as e:
    print("TypeError", e)


class Other(type):
    pass


class O(metaclass=Other):
    pass


try:
    class Conflict(A, O):
        pass
except TypeError as e:
    print("TypeError", e)


class Plugin:
    registry = []

    def __init_subclass__(cls, /, tag=None, **kw):
        super().__init_subclass__(**kw)
        Plugin.registry.append((cls.__name__, tag))


class Mixin:
    pass


class P1(Plugin, tag="first"):
    pass


class P2(Mixin, Plugin, tag="second"):
    pass


class P3(Mixin, P1):
    pass


print("__init_subclass__", Plugin.registry)


class Field:
    def __set_name__(self, owner, name):
        self.where = (owner.__name__, name)


class Base:
    f1 = Field()


class Derived(Mixin, Base):
    f2 = Field()


print("__set_name__", Base.f1.where, Derived.f2.where)


class OrderedMeta(type):
    @classmethod
    def __prepare__(mcls, name, bases, **kw):
        print("__prepare__", name, [b.__name__ for b in bases], sorted(kw))
        return {"prepared": True}

    def __new__(mcls, name, bases, ns, **kw):
        return super().__new__(mcls, name, bases, ns)

    def __init__(cls, name, bases, ns, **kw):
        super().__init__(name, bases, ns)


class Q(Mixin, metaclass=OrderedMeta, flag=1):
    x = 1


print("prepared", Q.prepared, Q.x)
T = type("T", (Base,), {"y": 2, "m": lambda self: self.y * 10})
t = T()
print("type() class", T.__name__, T.__bases__[0].__name__, t.m(), type(t) is T, isinstance(t, Base))
print("type()()", type("U", (), {})().__class__.__name__, type(3), type(t).__mro__[1].__name__)


class L(list):
    def append(self, x):
        super().append(x * 2)

    @classmethod
    def make(cls):
        return super().__new__(cls)

    def cell(self):
        return __class__.__name__


l = L()
l.append(3)
print("super()", l, type(L.make()).__name__, l.cell(), super(L, l).__len__())
# (re-enabled by branch `types16`: one-argument `super(list)`, an unbound super object)
print("super(L)", repr(super(L)), super(L).__thisclass__ is L, super(L).__self__,
      super(L).__get__(l, L).__len__(), super(L).__get__(l).__self__ is l)

# ---------------------------------------------------------------- built-in types are types
print("-- built-in types")
objs = [enumerate([]), map(str, []), filter(None, []), zip(), reversed([]), iter([]), iter(()),
        iter(""), iter({}), iter({}.values()), iter({}.items()), iter(set()), iter(range(3)),
        iter(b""), (x for x in ()), range(1).__iter__()]
for o in objs:
    t = type(o)
    print(t.__name__, isinstance(t, type), isinstance(o, t), t.__module__ if t.__module__ == "builtins" else "?")
# (re-enabled by branch `types16`: `enumerate`, `map`, `filter`, `zip`, `reversed` are classes)
for t, o in [(enumerate, enumerate([])), (map, map(str, [])), (filter, filter(None, [])),
             (zip, zip()), (reversed, reversed("ab"))]:
    print("class", t.__name__, isinstance(o, t), type(o) is t, isinstance(t, type))
print("isinstance exact", isinstance(enumerate([]), type(enumerate([]))), issubclass(type(zip()), object))


class Meta(type):
    def __instancecheck__(cls, obj):
        return obj == 42

    def __subclasscheck__(cls, sub):
        return sub is int


class Answer(metaclass=Meta):
    pass


print("__instancecheck__", isinstance(42, Answer), isinstance(41, Answer), isinstance(Answer(), Answer),
      issubclass(int, Answer), issubclass(str, Answer))
# (re-enabled by branch `types16`: `object.__subclasshook__`)
print("__subclasshook__", object.__subclasshook__(int), Answer.__subclasshook__(str))


class D:
    def __dir__(self):
        return ["zeta", "alpha", "mid"]


# (re-enabled by branch `types16`: `dir()` calls `__dir__` and sorts)
print("dir", dir(D()))


class SR(str):
    pass


class R:
    def __repr__(self):
        return SR("custom")


# (re-enabled by branch `types16`: a `__repr__` may return a `str` subclass)
print("repr", repr(R()), type(repr(R())).__name__, [R()])


def consts():
    return 42, "s"


# (pyguest orders its own constants: compared as a sorted list)
print("co_consts", sorted(map(repr, consts.__code__.co_consts)))


def locs(a, b=2):
    c = a + b
    return sys._getframe().f_locals


# (re-enabled by branch `types16`: `frame.f_locals`, `__main__.__cached__`)
print("f_locals", sorted(locs(1).items()))
import __main__
print("__cached__", __main__.__cached__)
import types


async def agen():
    yield 1


print("AsyncGeneratorType", types.AsyncGeneratorType, isinstance(agen(), types.AsyncGeneratorType))
from collections import deque
print("deque equality", deque([1, 2]) == deque([1, 2]), deque([1]) != [1])
# (re-enabled by branch `types16`: ordering comparisons of deques)
print("deque ordering", deque([1, 2]) < deque([1, 3]), deque([2]) >= deque([1, 9]), deque() <= deque())
import io
sio = io.StringIO("a\nb")
bio = io.BytesIO(b"xy")
print("StringIO attrs", sio.closed, sio.encoding, sio.errors, sio.newlines, sio.line_buffering,
      sio.readable(), sio.writable(), sio.seekable(), sio.tell())
print("BytesIO attrs", bio.closed, bio.readable(), bio.writable(), bio.seekable(), bio.getvalue(),
      bio.read1(1), bio.tell())
sio.close()
print("closed", sio.closed)

# ---------------------------------------------------------------- and/or: __bool__ once
print("-- and/or")
calls = []


class Bo:
    def __init__(self, name, v):
        self.name, self.v = name, v

    def __bool__(self):
        calls.append(self.name)
        return self.v

    def __repr__(self):
        return self.name


def show(label, f):
    del calls[:]
    r = f()
    print(label, r, calls)


T1, F1 = Bo("T1", True), Bo("F1", False)
T2, F2 = Bo("T2", True), Bo("F2", False)
show("T and T", lambda: T1 and T2)
show("F and T", lambda: F1 and T2)
show("T or F", lambda: T1 or F2)
show("F or F", lambda: F1 or F2)
show("if T and F", lambda: "yes" if T1 and F2 else "no")
show("if F or T", lambda: "yes" if F1 or T2 else "no")
show("not T", lambda: not T1)
show("T and F or T", lambda: T1 and F1 or T2)
show("(F or T) and T", lambda: (F1 or T1) and T2)
show("all", lambda: all([T1, F1, T2]))
show("bool", lambda: bool(F1))


def loop():
    n = 0
    while F1 or n < 2:
        n += 1
    return n


show("while F or n<2", loop)
show("comp if", lambda: [x for x in (T1, F1) if x and True])
