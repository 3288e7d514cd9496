# Code shapes whose value stack is deepest on paths other than the straight line: exception
# handlers entered from deep expressions, `with` blocks, loops left by break/continue/return
# through try/finally, comprehensions, calls of every form, unpacking, f-strings, match.
# pyguest sizes each frame's value stack by a flow analysis of the bytecode
# (compiler::bytecode::max_stack_depth): a path it missed would overflow the frame.


class CM:
    def __init__(self, log, name):
        self.log, self.name = log, name

    def __enter__(self):
        self.log.append("enter " + self.name)
        return self

    def __exit__(self, t, v, tb):
        self.log.append("exit %s %s" % (self.name, t.__name__ if t else None))
        return self.name == "swallow"


def f3(a, b, c, *rest, k=1, **kw):
    return (a, b, c, rest, k, sorted(kw.items()))


def deep_expr(x):
    return [(x, (x + 1, [x * 2, {x: (x, x - 1, [x, (x, x)])}]), f3(x, x, x, x, k=x, z=x))]


def handler_from_deep(xs):
    out = []
    for x in xs:
        try:
            out.append([1, (2, [3, {4: 1 // x + f3(x, x, *[x, x], **{"q": 1})[0]}])])
        except ZeroDivisionError as e:
            out.append(("zde", str(e)))
        except TypeError:
            out.append("te")
        else:
            out.append("else")
        finally:
            out.append("fin")
    return out


def loops_and_exits(n):
    log = []
    for i in range(n):
        for j in range(n):
            try:
                with CM(log, "a%d%d" % (i, j)):
                    if j == 1:
                        continue
                    if i == 2:
                        break
                    if i == 3 and j == 2:
                        return log
                    log.append((i, j, [k * k for k in range(j) if k % 2 == 0]))
            finally:
                log.append("f")
        else:
            log.append("inner done")
    return log


def with_exceptions():
    log = []
    with CM(log, "swallow"):
        with CM(log, "inner"):
            {}["missing"]
    try:
        with CM(log, "x"), CM(log, "y"):
            raise ValueError("boom")
    except ValueError as e:
        log.append(repr(e))
    return log


def comprehensions(n):
    a = {i: [j for j in range(i) if j % 2] for i in range(n)}
    b = {(i, j) for i in range(n) for j in range(i) if (i + j) % 3 == 0}
    c = sum(x * y for x, y in zip(range(n), range(n, 0, -1)))
    return a, sorted(b), c


def unpacking(seq):
    a, *b, c = seq
    (d, e), [f, *g] = (seq[0], seq[1]), seq
    return a, b, c, d, e, f, g, [*seq, *b], {**{"a": 1}, **{"b": 2}}, (*seq,)


def fstrings(x, y):
    return f"{x!r:>10} {y:.3f} {f'{x}{y:{5}}'} {[x, y]!s} {x + y:{'>'}{12}}"


def matcher(v):
    match v:
        case [1, [2, *rest], {"k": (a, b)}]:
            return ("deep", rest, a, b)
        case {"x": int(x), "y": [*_, last]}:
            return ("map", x, last)
        case CM(name="n") | CM(name="m"):
            return "cm"
        case (1 | 2 | 3) as small if small > 1:
            return ("small", small)
        case _:
            return "other"


def nested_defs(n):
    def mk(a, b=[n, n + 1], *, c={"n": n}):
        return lambda d=(a, b): (a, b, c, d, n)
    return mk(1)()


def boolean_chains(xs):
    return [x and (x > 2 or x < -2) and not (x == 5) or (x, x) for x in xs]


def raise_in_handler():
    try:
        try:
            raise KeyError("k")
        except KeyError:
            [1, (2, {3: undefined_name})]
    except NameError as e:
        return ("ne", str(e))


class Body:
    items = [(i, [j for j in range(i)]) for i in range(3)]
    try:
        import no_such_module_xyz
    except ImportError as e:
        err = type(e).__name__
    total = sum(len(x[1]) for x in items)



def gen_paths(log):
    for i in range(3):
        try:
            with CM(log, "g%d" % i):
                x = yield [i, (i, {i: (yield i)})]
                log.append(("sent", x))
        except KeyError as e:
            log.append(("caught", str(e)))
            yield ("after", [i, (i, (yield "inner"))])
        finally:
            log.append("gfin")
    return "done"


def delegate(log):
    r = yield from gen_paths(log)
    log.append(("delegate got", r))
    yield from [1, (yield "mid"), 3]
    return [r, (r, r)]


def drive():
    log = []
    g = delegate(log)
    out = [next(g), g.send("a"), g.send("b")]
    out.append(g.throw(KeyError("k")))
    out.append(g.send("c"))
    try:
        while True:
            out.append(next(g))
    except StopIteration as e:
        out.append(("stop", e.value))
    return out, log

print(deep_expr(3))
print(handler_from_deep([1, 0, 2]))
print(loops_and_exits(2))
print(loops_and_exits(4))
print(with_exceptions())
print(comprehensions(6))
print(unpacking([1, 2, 3, 4, 5]))
print(fstrings(3, 2.5))
for v in ([1, [2, 3, 4], {"k": (5, 6)}], {"x": 1, "y": [7, 8]}, 2, 1, "s"):
    print(matcher(v))
print(nested_defs(4))
print(boolean_chains([0, 1, 3, 5, -5]))
print(raise_in_handler())
print(Body.items, Body.err, Body.total)
print(drive())
for i in range(300):
    r = handler_from_deep([i % 3]) + [loops_and_exits(2)[-1], comprehensions(3)[2], fstrings(i, 1.0)]
print(r)
