# contextlib's async helpers and the aiter/anext builtins, driven by a small runner.
import contextlib
import types
from contextlib import asynccontextmanager, aclosing, AsyncExitStack, nullcontext


@types.coroutine
def pause(tag):
    yield tag


def run(coro):
    try:
        while True:
            print("  [pause]", coro.send(None))
    except StopIteration as e:
        return e.value


@asynccontextmanager
async def resource(name, log, swallow=False):
    log.append(f"open {name}")
    await pause(f"open {name}")
    try:
        yield name.upper()
    except ValueError as e:
        log.append(f"{name} saw {e}")
        if not swallow:
            raise
    finally:
        await pause(f"close {name}")
        log.append(f"close {name}")


@asynccontextmanager
async def no_yield():
    if False:
        yield


@asynccontextmanager
async def two_yields():
    yield 1
    yield 2


async def cm_cases():
    log = []
    async with resource("a", log) as r:
        log.append(f"body {r}")
    async with resource("b", log, swallow=True):
        raise ValueError("swallowed")
    try:
        async with resource("c", log):
            raise ValueError("propagates")
    except ValueError as e:
        log.append(f"outside caught {e}")
    try:
        async with resource("d", log):
            raise KeyError("other")
    except KeyError as e:
        log.append(f"outside caught KeyError {e}")
    for bad in (no_yield, two_yields):
        try:
            async with bad():
                pass
        except RuntimeError as e:
            log.append(f"{bad.__name__}: {e}")

    @resource("deco", log)
    async def decorated(x):
        log.append(f"inside decorated {x}")
        return x * 2

    log.append(f"decorated -> {await decorated(21)}")
    async with nullcontext(5) as n:
        log.append(f"nullcontext {n}")
    return log


for line in run(cm_cases()):
    print(line)


async def numbers(n, log):
    try:
        for i in range(n):
            yield i
    finally:
        log.append("numbers closed")


async def closing_cases():
    log = []
    async with aclosing(numbers(10, log)) as g:
        async for v in g:
            if v == 2:
                break
    log.append("after aclosing")
    return log


print(run(closing_cases()))


class Res:
    def __init__(self, name, log):
        self.name = name
        self.log = log

    async def __aenter__(self):
        self.log.append(f"enter {self.name}")
        return self.name

    async def __aexit__(self, t, v, tb):
        self.log.append(f"exit {self.name} {t.__name__ if t else None}")
        return self.name == "swallower"


async def stack_cases():
    log = []
    async with AsyncExitStack() as stack:
        a = await stack.enter_async_context(Res("a", log))
        stack.callback(log.append, "sync callback")

        async def acb(msg):
            await pause("acb")
            log.append(f"async callback {msg}")

        stack.push_async_callback(acb, "hello")
        b = await stack.enter_async_context(Res("b", log))
        log.append(f"entered {a} {b}")
    async with AsyncExitStack() as stack:
        await stack.enter_async_context(Res("swallower", log))
        await stack.enter_async_context(Res("inner", log))
        raise ValueError("x")
    log.append("swallowed by the stack")
    stack = AsyncExitStack()
    await stack.enter_async_context(Res("late", log))
    await stack.aclose()
    try:
        async with AsyncExitStack() as stack:
            await stack.enter_async_context(object())
    except TypeError as e:
        log.append(f"TypeError: {e}")
    return log


for line in run(stack_cases()):
    print(line)


# aiter / anext
class Countdown:
    def __init__(self, n):
        self.n = n

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self.n == 0:
            raise StopAsyncIteration
        self.n -= 1
        return self.n


async def builtin_cases():
    it = aiter(Countdown(2))
    print("anext", await anext(it), await anext(it))
    print("default", await anext(it, "empty"))
    try:
        await anext(it)
    except StopAsyncIteration:
        print("StopAsyncIteration without a default")
    g = numbers(2, [])
    print("agen", await anext(g), await anext(g), await anext(g, "done"))
    print("aiter of agen is itself", aiter(g) is g)
    for bad in (lambda: aiter(1), lambda: anext(1), lambda: aiter(BadAiter())):
        try:
            bad()
        except TypeError as e:
            print("TypeError:", e)
    aw = anext(Countdown(0), 7)
    print(type(aw).__name__, "->", await aw)


class BadAiter:
    def __aiter__(self):
        return 1


run(builtin_cases())
