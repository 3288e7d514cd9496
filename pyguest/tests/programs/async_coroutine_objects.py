# Coroutine objects: send/throw/close, cr_* attributes, __await__'s wrapper, the errors of
# reuse and of awaiting one coroutine twice at once, flags and inspect/types helpers.
import inspect
import types


@types.coroutine
def pause(tag):
    got = yield tag
    return got


async def echo(n):
    total = 0
    for i in range(n):
        total += await pause(i)
    return total


c = echo(3)
print(type(c).__name__, c.__name__, c.__qualname__, repr(c).startswith("<coroutine object echo at 0x"))
print("cr_running", c.cr_running, "cr_await", c.cr_await, "cr_frame is None", c.cr_frame is None)
print(c.send(None))
print("cr_await while suspended", type(c.cr_await).__name__)
print(c.send(5))
print(c.send(6))
try:
    c.send(7)
except StopIteration as e:
    print("returned", e.value)
print("cr_frame after", c.cr_frame, "cr_await after", c.cr_await)
for op in (lambda: c.send(None), lambda: c.throw(ValueError)):
    try:
        op()
    except RuntimeError as e:
        print(e)
c.close()
print("close of finished coroutine is fine")

try:
    echo(1).send(1)
except TypeError as e:
    print(e)


async def guarded():
    try:
        await pause("p")
    except KeyError as e:
        print("  handled", repr(e))
        return "recovered"
    finally:
        print("  guarded finally")


g = guarded()
g.send(None)
try:
    g.throw(KeyError("k"))
except StopIteration as e:
    print("throw ->", e.value)
g = guarded()
g.send(None)
g.close()
print("closed while suspended")


async def ignores_exit():
    try:
        await pause(1)
    except GeneratorExit:
        await pause(2)


g = ignores_exit()
g.send(None)
try:
    g.close()
except RuntimeError as e:
    print(e)


async def self_stop():
    raise StopIteration(3)


try:
    self_stop().send(None)
except RuntimeError as e:
    print(e, "| cause:", type(e.__cause__).__name__)


# the __await__ wrapper
c = echo(2)
w = c.__await__()
print(type(w).__name__, iter(w) is w)
print(next(w), w.send(10))
try:
    w.send(20)
except StopIteration as e:
    print("wrapper returned", e.value)


class Wrapped:
    """An awaitable delegating to a coroutine's wrapper."""

    def __init__(self, coro):
        self.coro = coro

    def __await__(self):
        return self.coro.__await__()


async def use_wrapped():
    return await Wrapped(echo(2)) * 100


c = use_wrapped()
print(c.send(None), c.send(1))
try:
    c.send(2)
except StopIteration as e:
    print("through wrapper", e.value)


# awaiting a coroutine that is already being awaited
inner = echo(5)


async def first():
    return await inner


async def second():
    return await inner


f = first()
f.send(None)
try:
    second().send(None)
except RuntimeError as e:
    print(e)
f.close()


# exceptions travel through a chain of awaits, with traceback frames in order
async def level3():
    await pause("deep")
    raise ValueError("from level3")


async def level2():
    return await level3()


async def level1():
    try:
        return await level2()
    except ValueError as e:
        import traceback
        names = [fr.name for fr in traceback.extract_tb(e.__traceback__)]
        print("traceback through", names)
        raise KeyError("wrapped") from e


c = level1()
c.send(None)
try:
    c.send(None)
except KeyError as e:
    print("outer", repr(e), "cause", repr(e.__cause__))


# throw into the innermost awaiting frame
async def waits():
    try:
        await pause("x")
    except ZeroDivisionError:
        return "inner caught"


async def outer():
    return "outer got " + await waits()


c = outer()
c.send(None)
try:
    c.throw(ZeroDivisionError)
except StopIteration as e:
    print(e.value)

# flags and helpers
print(echo.__code__.co_flags & 0x80 != 0, pause.__code__.co_flags & 0x100 != 0)
print(inspect.iscoroutinefunction(echo), inspect.iscoroutinefunction(pause))
c = echo(0)
print(inspect.iscoroutine(c), inspect.isawaitable(c), isinstance(c, types.CoroutineType))
c.close()


async def agen():
    yield 1

print(inspect.isasyncgenfunction(agen), inspect.isasyncgen(agen()))


def plain_gen():
    yield "from plain"
    return "plain result"


legacy = types.coroutine(lambda: plain_gen())


async def use_legacy():
    return await legacy()


c = use_legacy()
print(c.send(None))
try:
    c.send(None)
except StopIteration as e:
    print(e.value)

# generator and coroutine states
def gen():
    yield 1


g = gen()
states = [inspect.getgeneratorstate(g)]
next(g)
states.append(inspect.getgeneratorstate(g))
g.close()
states.append(inspect.getgeneratorstate(g))
c = echo(1)
states.append(inspect.getcoroutinestate(c))
c.send(None)
states.append(inspect.getcoroutinestate(c))
c.close()
states.append(inspect.getcoroutinestate(c))
print(states)
print(inspect.isawaitable(pause(1)), inspect.isawaitable(gen()))

# the collections.abc ABCs see the built-in coroutine types
from collections import abc


async def agen2():
    yield 1


c = echo(0)
ag = agen2()
print(isinstance(c, abc.Coroutine), isinstance(c, abc.Awaitable), isinstance(c, abc.Generator))
print(isinstance(ag, abc.AsyncGenerator), isinstance(ag, abc.AsyncIterator),
      isinstance(ag, abc.AsyncIterable), isinstance(ag, abc.Iterable))
print(isinstance(c.__await__(), abc.Iterator), isinstance(ag.asend(None), abc.Iterator),
      issubclass(types.CoroutineType, abc.Coroutine))
c.close()
