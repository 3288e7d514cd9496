# Generators resumed inside the dispatch loop (FOR_ITER, yield from) under the JIT: nested
# pipelines, yield from (with return values and sent values), send/throw/close, exceptions
# and finally inside generators, abandoned generators, generator expressions, early break.
# Loops run long enough to be compiled with the default threshold.
import sys

N = 3000


def numbers(n):
    i = 0
    while i < n:
        yield i
        i += 1


def evens(src):
    for v in src:
        if v % 2 == 0:
            yield v


def scaled(src, k):
    for v in src:
        yield v * k


def pipeline():
    t = 0
    for v in scaled(evens(numbers(N)), 3):
        t += v
    print("pipeline", t)


def for_else():
    hits = 0
    for v in numbers(N):
        hits += v & 1
    else:
        hits += 1000000
    print("for_else", hits)


def early_break():
    total = 0
    for rep in range(200):
        g = numbers(1000)
        for v in g:
            if v > rep:
                break
            total += v
        # the abandoned generator goes on where it stopped
        total += next(g)
    print("early_break", total)


def sub(n):
    for i in range(n):
        yield i
    return n * 10


def delegator(n):
    r = yield from sub(n)
    yield r
    r2 = yield from numbers(3)
    yield -1 if r2 is None else r2


def yield_from_sum():
    t = 0
    for rep in range(150):
        for v in delegator(rep % 7):
            t += v
    print("yield_from", t)


def deep(level, n):
    if level == 0:
        yield from numbers(n)
    else:
        yield from deep(level - 1, n)


def deep_yield_from():
    t = 0
    for v in deep(5, N):
        t += v
    print("deep", t)


def accumulator():
    total = 0
    while True:
        x = yield total
        if x is None:
            return total
        total += x


def sender():
    g = accumulator()
    next(g)
    for i in range(N):
        g.send(i)
    try:
        g.send(None)
    except StopIteration as e:
        print("send result", e.value)


def delegating_acc():
    r = yield from accumulator()
    yield "done %d" % r


def send_through_yield_from():
    g = delegating_acc()
    next(g)
    for i in range(500):
        g.send(i)
    print("send via yield from", g.send(None))


def thrower():
    caught = 0
    while True:
        try:
            yield caught
        except ValueError:
            caught += 1


def throws():
    g = thrower()
    next(g)
    last = 0
    for i in range(N):
        if i % 3 == 0:
            last = g.throw(ValueError("x"))
        else:
            last = next(g)
    g.close()
    print("throws", last)


log = []


def with_finally(n):
    try:
        for i in range(n):
            yield i
    finally:
        log.append(n)


def finally_paths():
    t = 0
    for rep in range(300):
        for v in with_finally(rep % 5):
            t += v
    # abandoned mid-iteration and closed
    g = with_finally(10)
    for v in g:
        if v == 3:
            break
    g.close()
    print("finally", t, len(log), log[-1], sum(log))


def raiser(n):
    for i in range(n):
        if i == n - 1:
            raise KeyError(i)
        yield i


def exceptions():
    caught = 0
    t = 0
    for rep in range(1, 300):
        try:
            for v in raiser(rep % 9 + 1):
                t += v
        except KeyError as e:
            caught += e.args[0]
    print("exceptions", caught, t)


def stop_inside():
    def bad():
        yield 1
        raise StopIteration("no")

    try:
        for v in bad():
            pass
    except RuntimeError as e:
        print("RuntimeError", e, type(e.__cause__).__name__)


def tb_gen():
    yield 1
    1 / 0


def tracebacks():
    import traceback

    try:
        for v in tb_gen():
            pass
    except ZeroDivisionError:
        lines = traceback.format_exc().splitlines()
        names = [ln.strip().split(", in ")[-1] for ln in lines if ", in " in ln]
        print("traceback", names)


def genexps():
    t = 0
    for rep in range(100):
        t += sum(x * x for x in numbers(rep))
        t += max((x for x in evens(numbers(rep + 1))), default=-1)
    print("genexp", t)
    print("list", list(scaled(numbers(10), 2)), sorted(evens(numbers(12)), reverse=True))
    gs = [x for x in (y + 1 for y in numbers(N)) if x % 7 == 0]
    print("nested genexp", len(gs), gs[-1])


def gen_state():
    g = numbers(3)
    print("state", next(g), list(g), list(g))
    for v in g:
        print("never")
    g2 = numbers(5)
    for v in g2:
        if v == 2:
            break
    print("resumed", list(g2))


def running():
    def selfish():
        try:
            yield next(me)
        except ValueError as e:
            yield "ValueError " + str(e)

    me = selfish()
    for v in me:
        print("running", v)


def recursive_tree(d):
    if d == 0:
        yield 1
        return
    for v in recursive_tree(d - 1):
        yield v
    for v in recursive_tree(d - 1):
        yield v + 1


def recursion():
    print("tree", sum(recursive_tree(10)), max(recursive_tree(8)))
    t = 0
    for v in recursive_tree(9):
        t += v
    print("tree for", t)


def infinite():
    i = 0
    while True:
        yield i
        i += 1


def zip_gens():
    t = 0
    for a, b in zip(numbers(N), infinite()):
        t += a * b
    print("zip", t)
    it = infinite()
    c = 0
    for v in it:
        c += 1
        if c > N:
            break
    print("infinite", c, next(it))


def deep_recursion_limit():
    def nest(k):
        if k == 0:
            yield 0
        else:
            for v in nest(k - 1):
                yield v + 1

    try:
        for v in nest(100000):
            pass
        print("no limit")
    except RecursionError:
        print("RecursionError")
    print("after", sum(nest(50)))


pipeline()
for_else()
early_break()
yield_from_sum()
deep_yield_from()
sender()
send_through_yield_from()
throws()
finally_paths()
exceptions()
stop_inside()
tracebacks()
genexps()
gen_state()
running()
recursion()
zip_gens()
deep_recursion_limit()
print("end", sys.getrecursionlimit() > 0)


def nexts():
    g = numbers(N)
    t = 0
    while True:
        try:
            t += next(g)
        except StopIteration:
            break
    g2 = numbers(5)
    print("nexts", t, next(g2, -1), [next(g2, -1) for _ in range(6)])

    def ret():
        yield 1
        return 7

    for rep in range(2):
        r = ret()
        next(r)
        try:
            next(r)
        except StopIteration as e:
            print("stop value", e.value)
    try:
        next(r)
    except StopIteration as e:
        print("exhausted", e.value)
    nx = next
    print("alias", nx(numbers(4)), next(iter([5])))


nexts()
