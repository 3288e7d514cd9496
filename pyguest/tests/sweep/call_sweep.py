# Calls every built-in function, every built-in class and every method of every built-in
# type, found at run time through dir(), with 0 to 4 arguments of assorted types, and
# catches whatever they raise. The program must never crash the interpreter (a Rust panic
# or abort): every bad call has to end in a Python exception.
#
# Driven by tests/call_sweep.rs: `call_sweep.py START` begins at callable number START;
# before each callable it writes "@@C <index> <name>" and before each call "@@ <args>" to
# stderr, so the driver can tell which call crashed and restart after it. The last line
# is "@@done <count>". Runs under CPython too (the list differs, the protocol is the same).
import builtins
import sys

START = int(sys.argv[1]) if len(sys.argv) > 1 else 0


class User:
    def meth(self):
        return 1


HUGE = 2**100

# Argument values: small and negative ints, ints beyond 64 bits, a float, strings, None,
# containers, bytes, a user object and a class object, True.
VALUES = [0, 1, -1, 3, HUGE, -HUGE, 1.5, "abc", "", None, [1, "a"], (2,), {"k": 1},
          b"xy", User(), User, True]

# Built-in functions that would legitimately block, exit or touch the file system, or print
# help pages; never called.
EXCLUDED_BUILTINS = {"input", "exit", "quit", "breakpoint", "help", "open", "copyright",
                     "credits", "license"}
# Arithmetic whose legitimate result is astronomically large for a huge argument (CPython
# would spend unbounded time and memory too): skipped when an argument is a huge int.
EXPONENTIAL = {"pow", "__pow__", "__rpow__", "__lshift__", "__rlshift__", "__mul__",
               "__rmul__", "__imul__", "round", "__round__"}


def arg_combos():
    """Deterministic argument tuples: every value alone, then a spread of pairs, triples and
    quadruples chosen by a small linear congruential generator."""
    out = [()]
    for v in VALUES:
        out.append((v,))
    state = 12345
    n = len(VALUES)
    for arity, count in ((2, 60), (3, 30), (4, 15)):
        for _ in range(count):
            t = []
            for _ in range(arity):
                state = (state * 1103515245 + 12345) % 2147483648
                t.append(VALUES[(state >> 8) % n])
            out.append(tuple(t))
    return out


# Keyword arguments: names that built-in signatures use (so a required parameter may arrive
# by keyword) and names nothing takes, each with positional arguments in front.
KW_NAMES = ["x", "key", "default", "start", "sep", "iterable", "object", "base", "number",
            "name", "source", "length", "signed", "encoding", "errors", "reverse", "strict"]
KW_COMBOS = []
for _i, _k in enumerate(KW_NAMES):
    KW_COMBOS.append(((), {_k: VALUES[_i % len(VALUES)]}))
    KW_COMBOS.append(((1,), {_k: "abc"}))
    KW_COMBOS.append((("abc", 2), {_k: None, "key": None} if _k != "key" else {_k: len}))

COMBOS = arg_combos()


def describe(args):
    parts = []
    for a in args:
        if isinstance(a, User):
            parts.append("User()")
        elif a is User:
            parts.append("User")
        else:
            parts.append(repr(a))
    return "(" + ", ".join(parts) + ")"


DESCRIPTIONS = [describe(c) for c in COMBOS]
KW_DESCRIPTIONS = [describe(a)[:-1] + ", **" + repr(k) + ")" for a, k in KW_COMBOS]


# Receivers: a fresh instance per call, so mutating methods never see earlier calls' damage.
def gen():
    yield 1
    yield 2


SAMPLES = {
    "str": lambda: "a,b C",
    "bytes": lambda: b"a,b",
    "bytearray": lambda: bytearray(b"ab"),
    "list": lambda: [3, 1, 2],
    "tuple": lambda: (1, 2),
    "dict": lambda: {"a": 1, 2: "b"},
    "set": lambda: {1, 2},
    "frozenset": lambda: frozenset({1}),
    "int": lambda: 7,
    "bool": lambda: True,
    "float": lambda: 2.5,
    "complex": lambda: complex(1, 2),
    "range": lambda: range(1, 9, 2),
    "slice": lambda: slice(1, 5, 2),
    "object": lambda: object(),
    "type": lambda: type("K", (), {}),
    "property": lambda: property(lambda s: 1),
    "generator": gen,
    "dict_keys": lambda: {"a": 1}.keys(),
    "dict_values": lambda: {"a": 1}.values(),
    "dict_items": lambda: {"a": 1}.items(),
    "list_iterator": lambda: iter([1, 2]),
    "staticmethod": lambda: staticmethod(len),
    "classmethod": lambda: classmethod(len),
    "memoryview": lambda: memoryview(b"ab"),
}


def find_types():
    """Every class exposed by builtins, plus the types of a few objects that builtins do not
    name (iterators, views, generators, functions, methods)."""
    types = []
    seen = set()

    def add(t):
        if id(t) not in seen:
            seen.add(id(t))
            types.append(t)

    for name in dir(builtins):
        v = getattr(builtins, name)
        if isinstance(v, type):
            add(v)
    extra = [iter([]), iter(()), iter(""), iter(range(2)), {}.keys(), {}.values(),
             {}.items(), gen(), len, User().meth, lambda: 0, slice(1), range(1),
             property(), memoryview(b"")]
    for obj in extra:
        add(type(obj))
    return types


def sample_of(t):
    f = SAMPLES.get(t.__name__)
    if f is not None:
        return f
    if issubclass(t, BaseException):
        return lambda: t("msg")
    try:
        t()
    except Exception:
        return None
    return t


def callables():
    """(name, make) pairs: `make()` returns the callable to try (a fresh bound method for
    methods of instances)."""
    out = []
    for name in dir(builtins):
        if name in EXCLUDED_BUILTINS:
            continue
        v = getattr(builtins, name)
        if callable(v) and not isinstance(v, type):
            out.append(("builtins." + name, (lambda v=v: v)))
    for t in find_types():
        tname = t.__name__
        out.append((tname + "()", (lambda t=t: t)))
        make = sample_of(t)
        for m in dir(t):
            try:
                unbound = getattr(t, m)
            except Exception:
                continue
            if not callable(unbound):
                continue
            out.append((tname + "." + m, (lambda u=unbound: u)))
            if make is not None:
                def bound(make=make, m=m):
                    return getattr(make(), m)
                out.append((tname + "()." + m, bound))
    return out


def short_name(qual):
    return qual.rsplit(".", 1)[-1]


def sweep():
    cs = callables()
    err = sys.stderr
    for i in range(START, len(cs)):
        name, make = cs[i]
        err.write("@@C %d %s\n" % (i, name))
        err.flush()
        base = short_name(name)
        for k in range(len(COMBOS)):
            args = COMBOS[k]
            if base in EXPONENTIAL and any(isinstance(a, int) and abs(a) > 1000 for a in args):
                continue
            err.write("@@ %s\n" % DESCRIPTIONS[k])
            err.flush()
            try:
                f = make()
                r = f(*args)
                repr(r)
            except BaseException as e:  # SystemExit from gen.throw(SystemExit) too
                repr(e)
                str(e)
        for k in range(len(KW_COMBOS)):
            args, kwargs = KW_COMBOS[k]
            if base in EXPONENTIAL:
                continue
            err.write("@@ %s\n" % KW_DESCRIPTIONS[k])
            err.flush()
            try:
                f = make()
                r = f(*args, **kwargs)
                repr(r)
            except BaseException as e:
                repr(e)
                str(e)
    err.write("@@done %d\n" % len(cs))
    err.flush()


sweep()
