# async with / async for protocols, async comprehensions, control flow out of them, and the
# errors of each protocol (messages as CPython 3.11 words them).
import types


@types.coroutine
def pause(tag):
    got = yield tag
    return got


def run(coro):
    """Drives a coroutine, answering every pause with the running count."""
    n = 0
    try:
        while True:
            tag = coro.send(None if n == 0 else n)
            n += 1
            print("  [pause]", tag)
    except StopIteration as e:
        return e.value


class Ctx:
    def __init__(self, name, suppress=False):
        self.name = name
        self.suppress = suppress

    async def __aenter__(self):
        print(f"  enter {self.name}")
        await pause(f"enter {self.name}")
        return self.name.upper()

    async def __aexit__(self, typ, val, tb):
        print(f"  exit {self.name}", typ.__name__ if typ else None, val)
        await pause(f"exit {self.name}")
        return self.suppress


class Counter:
    def __init__(self, n, fail_at=None):
        self.n = n
        self.i = 0
        self.fail_at = fail_at

    def __aiter__(self):
        return self

    async def __anext__(self):
        await pause(f"anext {self.i}")
        if self.i == self.fail_at:
            raise KeyError(self.i)
        if self.i >= self.n:
            raise StopAsyncIteration
        self.i += 1
        return self.i


async def with_flow():
    async with Ctx("a") as a, Ctx("b") as b:
        print("  body", a, b)
    async with Ctx("s", suppress=True):
        raise ValueError("swallowed")
    try:
        async with Ctx("p"):
            raise ValueError("passes")
    except ValueError as e:
        print("  caught", e)
    for i in range(3):
        async with Ctx(f"loop{i}"):
            if i == 0:
                continue
            if i == 1:
                break
    async with Ctx("ret"):
        return "returned from inside async with"


async def for_flow():
    total = 0
    async for x in Counter(3):
        total += x
    else:
        print("  else ran, total", total)
    async for x in Counter(5):
        if x == 2:
            continue
        if x == 4:
            break
        print("  x", x)
    else:
        print("  not printed")
    try:
        async for x in Counter(5, fail_at=2):
            print("  got", x)
    except KeyError as e:
        print("  KeyError from __anext__", e)
    for outer in range(2):
        async for x in Counter(2):
            async for y in Counter(2):
                if y == 2:
                    break
                print("  nested", outer, x, y)
    async for x in Counter(10):
        if x == 3:
            return f"returned at {x}"


async def agen(n):
    for i in range(n):
        await pause(f"agen {i}")
        yield i


async def double(x):
    await pause(f"double {x}")
    return 2 * x


async def comprehensions():
    print("  list", [x async for x in agen(3)])
    print("  filtered", [x async for x in agen(6) if x % 2])
    print("  set", sorted({x % 2 async for x in agen(4)}))
    print("  dict", {x: await double(x) async for x in agen(2)})
    print("  await in element", [await double(x) for x in range(3)])
    print("  nested", [(x, y) async for x in agen(2) for y in range(2)])
    print("  inner async", [[y async for y in agen(x)] for x in range(3)])
    g = (await double(x) for x in range(2))
    print("  async genexpr type", type(g).__name__)
    print("  drained", [v async for v in g])
    g2 = (x * 10 async for x in agen(3) if x != 1)
    out = []
    async for v in g2:
        out.append(v)
    print("  genexpr", out)


print(run(with_flow()))
print(run(for_flow()))
print(run(comprehensions()))


# ---- protocol errors
class NoAwait:
    pass


class BadAwait:
    def __await__(self):
        return 42


class AwaitReturnsCoro:
    def __await__(self):
        return double(1)


class BadAenter:
    def __aenter__(self):
        return 1

    async def __aexit__(self, *a):
        pass


class BadAexit:
    async def __aenter__(self):
        return self

    def __aexit__(self, *a):
        return None


class OnlyAenter:
    async def __aenter__(self):
        return self


class BadAiter:
    def __aiter__(self):
        return 5


class BadAnext:
    def __aiter__(self):
        return self

    def __anext__(self):
        return 7


async def await_it(x):
    return await x


async def with_it(x):
    async with x:
        pass


async def for_it(x):
    async for _ in x:
        pass


cases = [
    ("await int", await_it(3)),
    ("await no __await__", await_it(NoAwait())),
    ("__await__ returns int", await_it(BadAwait())),
    ("__await__ returns coroutine", await_it(AwaitReturnsCoro())),
    ("async with int", with_it(1)),
    ("async with no __aexit__", with_it(OnlyAenter())),
    ("bad __aenter__", with_it(BadAenter())),
    ("bad __aexit__", with_it(BadAexit())),
    ("async for int", for_it(1)),
    ("bad __aiter__", for_it(BadAiter())),
    ("bad __anext__", for_it(BadAnext())),
]
for name, coro in cases:
    try:
        run(coro)
        print(name, "-> no error")
    except TypeError as e:
        print(name, "->", e)
    coro.close()


async def not_awaited():
    pass


c = not_awaited()
c2 = await_it(c)
run(c2)
try:
    run(await_it(c))
except RuntimeError as e:
    print("awaiting twice:", e)


# ---- syntax errors
for src in [
    "await x",
    "def f():\n    await x",
    "def f():\n    async for x in y: pass",
    "def f():\n    async with x: pass",
    "def f():\n    return [x async for x in y]",
    "async def f():\n    yield from x",
    "async def f():\n    yield 1\n    return 2",
    "class C:\n    await x",
    "lambda: await x",
]:
    try:
        compile(src, "<case>", "exec")
        print(repr(src), "compiles")
    except SyntaxError as e:
        print(repr(src), "->", e.msg)
