# functools: reduce, partial, partialmethod, wraps/update_wrapper, lru_cache/cache,
# cached_property, total_ordering, cmp_to_key, singledispatch/singledispatchmethod.
import functools
from functools import (reduce, partial, partialmethod, wraps, lru_cache, cache,
                       cached_property, total_ordering, cmp_to_key, singledispatch,
                       singledispatchmethod)

print(reduce(lambda a, b: a * b, range(1, 6)), reduce(lambda a, b: a + b, [], 7))
try:
    reduce(lambda a, b: a, [])
except TypeError as e:
    print("TypeError", e)

p = partial(int, base=2)
print(p("1011"), p.func is int, p.args, p.keywords, repr(partial(max, 1))[:20])
pp = partial(partial(lambda a, b, c: (a, b, c), 1), 2)
print(pp(3), pp.args)


class Cell:
    def __init__(self):
        self.state = None

    def set(self, v):
        self.state = v

    on = partialmethod(set, True)


c = Cell()
c.on()
print(c.state)


def deco(f):
    @wraps(f)
    def inner(*a, **k):
        return f(*a, **k)
    return inner


@deco
def documented(x):
    """Doc here."""
    return x


print(documented.__name__, documented.__doc__, documented.__wrapped__.__name__)

calls = []


@lru_cache(maxsize=2)
def sq(x):
    calls.append(x)
    return x * x


print([sq(i) for i in (1, 2, 1, 3, 1, 2)], calls, sq.cache_info())
sq.cache_clear()
print(sq.cache_info())


@cache
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


print(fib(80), fib.cache_info().currsize)


@lru_cache(maxsize=None, typed=True)
def ident(x):
    return type(x).__name__


print(ident(1), ident(1.0), ident.cache_info().misses)


class Data:
    def __init__(self):
        self.n = 0

    @cached_property
    def total(self):
        self.n += 1
        return 42


d = Data()
print(d.total, d.total, d.n)
del d.total
print(d.total, d.n)


@total_ordering
class V:
    def __init__(self, v):
        self.v = v

    def __eq__(self, o):
        return self.v == o.v

    def __lt__(self, o):
        return self.v < o.v


print(V(1) <= V(2), V(3) >= V(2), V(1) > V(2), sorted([V(3), V(1)])[0].v)
print(sorted(["bb", "a", "ccc"], key=cmp_to_key(lambda x, y: len(y) - len(x))))


@singledispatch
def show(x):
    return "object"


@show.register
def _(x: int):
    return "int"


@show.register(list)
def _(x):
    return "list"


print(show(1), show([1]), show("s"), show(True), show.dispatch(float).__name__)


class Fmt:
    @singledispatchmethod
    def fmt(self, x):
        return "any"

    @fmt.register
    def _(self, x: str):
        return "str:" + x


print(Fmt().fmt(1), Fmt().fmt("a"))
print(functools.WRAPPER_ASSIGNMENTS)
