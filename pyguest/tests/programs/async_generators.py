# Async generators driven by hand: asend, athrow, aclose, finally blocks, the awaitables'
# states, and the errors CPython 3.11 raises for misuse.
import types


@types.coroutine
def pause(tag):
    got = yield tag
    return got


def run(coro):
    try:
        while True:
            tag = coro.send(None)
            print("  [pause]", tag)
    except StopIteration as e:
        return e.value


def step(aw, value=None):
    """One send into an awaitable: ('yield', v) or ('done', result) or ('raise', exc)."""
    try:
        return ("yield", aw.send(value))
    except StopIteration as e:
        return ("done", e.value)
    except BaseException as e:
        return ("raise", f"{type(e).__name__}: {e}")


async def ticks(n):
    try:
        for i in range(n):
            got = yield i
            print("  sent in:", got)
            await pause(f"tick {i}")
    finally:
        print("  ticks finally")


async def main():
    g = ticks(3)
    print("first", await g.__anext__())
    print("asend", await g.asend("hello"))
    try:
        await g.athrow(ValueError("boom"))
    except ValueError as e:
        print("athrow propagated", e)
    try:
        await g.__anext__()
    except StopAsyncIteration:
        print("exhausted after athrow")
    g2 = ticks(5)
    print(await g2.__anext__())
    await g2.aclose()
    print("closed; aclose again:", await g2.aclose())
    try:
        await g2.__anext__()
    except StopAsyncIteration:
        print("anext after aclose: StopAsyncIteration")
    print("athrow after close:", await g2.athrow(KeyError))
    return "main done"


print(run(main()))


async def catcher():
    while True:
        try:
            yield "waiting"
        except KeyError as e:
            print("  caught", repr(e))


async def main2():
    g = catcher()
    print(await g.asend(None))
    print(await g.athrow(KeyError("k")))
    print(await g.athrow(KeyError, KeyError("k2")))
    await g.aclose()
    print("catcher closed")


run(main2())


async def stubborn():
    try:
        yield 1
    except GeneratorExit:
        yield 2


async def main3():
    g = stubborn()
    await g.__anext__()
    try:
        await g.aclose()
    except RuntimeError as e:
        print("stubborn:", e)

    async def returns_early():
        yield 1
        return

    print([x async for x in returns_early()])

    async def raises_stop():
        yield 1
        raise StopAsyncIteration

    try:
        async for x in raises_stop():
            print("got", x)
    except RuntimeError as e:
        print("raises_stop:", e)

    async def raises_stop_iteration():
        yield 1
        raise StopIteration

    try:
        async for x in raises_stop_iteration():
            print("got", x)
    except RuntimeError as e:
        print("raises_stop_iteration:", e)

    async def awaits_in_finally():
        try:
            yield "a"
        finally:
            await pause("cleanup await")
            print("  finally done")

    g = awaits_in_finally()
    print(await g.__anext__())
    await g.aclose()


run(main3())


# ---- awaitable objects driven by hand
async def three():
    yield 1
    await pause("inner")
    yield 3


g = three()
a = g.__anext__()
print(type(a).__name__, step(a))
print("reuse", step(a))
a = g.asend(None)
print(step(a), step(a))
a = g.asend(None)
print("fresh asend on running gen", step(g.asend(None)))
print(step(a))
print("end", step(g.__anext__()))
g = three()
a = g.__anext__()
print("non-None to just-started:", step(a, 5))
t = three().athrow(ValueError("v"))
print(type(t).__name__, step(t))
c = three().aclose()
print("aclose of fresh", step(c), step(c))
print(type(g).__name__, g.__aiter__() is g)
print("ag attrs", g.ag_running, g.ag_await, type(g.ag_code).__name__)
print(isinstance(g, types.AsyncGeneratorType), types.AsyncGeneratorType.__name__)
try:
    iter(g)
except TypeError as e:
    print(e)
try:
    next(g)
except TypeError as e:
    print(e)


# ---- the firstiter hook
import sys

seen = []
old = sys.get_asyncgen_hooks()
sys.set_asyncgen_hooks(firstiter=lambda ag: seen.append(ag.__name__))
h = three()
run(h.__anext__())
run(h.__anext__())
sys.set_asyncgen_hooks(*old)
print("firstiter saw", seen)
try:
    sys.set_asyncgen_hooks(firstiter=5)
except TypeError as e:
    print(e)
