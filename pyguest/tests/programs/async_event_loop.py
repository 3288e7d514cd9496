# A tiny event loop written by hand: tasks are coroutines stepped with send(); an awaitable
# yields a request (sleep for virtual time, or wait on a future) up through every await.
import types
from collections import deque
import heapq


class Future:
    def __init__(self, name):
        self.name = name
        self.done = False
        self.result = None
        self.exc = None
        self.waiters = []

    def set_result(self, v):
        self.done = True
        self.result = v
        for t in self.waiters:
            loop.ready.append((t, v, None))
        self.waiters = []

    def set_exception(self, e):
        self.done = True
        self.exc = e
        for t in self.waiters:
            loop.ready.append((t, None, e))
        self.waiters = []

    def __await__(self):
        if not self.done:
            yield ("wait", self)
        if self.exc is not None:
            raise self.exc
        return self.result


@types.coroutine
def sleep(dt):
    now = yield ("sleep", dt)
    return now


class Task:
    counter = 0

    def __init__(self, coro, name):
        self.coro = coro
        self.name = name
        self.fut = Future(name)
        Task.counter += 1

    def __await__(self):
        return self.fut.__await__()


class Loop:
    def __init__(self):
        self.ready = deque()
        self.sleeping = []
        self.now = 0
        self.seq = 0
        self.log = []

    def spawn(self, coro, name):
        t = Task(coro, name)
        self.ready.append((t, None, None))
        return t

    def step(self, task, value, exc):
        try:
            if exc is not None:
                req = task.coro.throw(exc)
            else:
                req = task.coro.send(value)
        except StopIteration as e:
            self.log.append(f"{self.now}: {task.name} returned {e.value!r}")
            task.fut.set_result(e.value)
            return
        except Exception as e:
            self.log.append(f"{self.now}: {task.name} raised {type(e).__name__}: {e}")
            task.fut.set_exception(e)
            return
        kind, arg = req
        if kind == "sleep":
            self.seq += 1
            heapq.heappush(self.sleeping, (self.now + arg, self.seq, task))
        elif kind == "wait":
            arg.waiters.append(task)
        else:
            raise RuntimeError("bad request " + repr(req))

    def run(self, coro):
        main = self.spawn(coro, "main")
        while self.ready or self.sleeping:
            while self.ready:
                t, v, e = self.ready.popleft()
                self.step(t, v, e)
            if self.sleeping:
                when, _, t = heapq.heappop(self.sleeping)
                self.now = when
                self.ready.append((t, when, None))
        return main.fut.result


loop = Loop()


async def ticker(name, n, dt):
    out = []
    for i in range(n):
        t = await sleep(dt)
        out.append(t)
        print(f"  {name} tick {i} at {t}")
    return out


async def failing(dt):
    await sleep(dt)
    raise ValueError(f"failed after {dt}")


async def gather(*tasks):
    results = []
    for t in tasks:
        try:
            results.append(await t)
        except ValueError as e:
            results.append(f"error: {e}")
    return results


async def nested(depth):
    if depth == 0:
        return await sleep(1)
    return await nested(depth - 1) + 1


async def cleanup_on_cancel():
    try:
        await sleep(100)
    except KeyError as e:
        print("  cancelled with", repr(e))
        await sleep(1)
        return "cleaned"
    finally:
        print("  finally runs")


async def main():
    a = loop.spawn(ticker("a", 3, 2), "a")
    b = loop.spawn(ticker("b", 2, 3), "b")
    f = loop.spawn(failing(4), "f")
    res = await gather(a, b, f)
    print("gathered", res)
    print("nested", await nested(5))
    c = loop.spawn(cleanup_on_cancel(), "c")
    await sleep(1)
    # cancel c by throwing into it on the next step
    for i, (t, when_seq, task) in enumerate(list(loop.sleeping)):
        if task is c:
            loop.sleeping.pop(i)
            heapq.heapify(loop.sleeping)
            loop.ready.append((c, None, KeyError("cancel")))
            break
    print("c result", await c)
    try:
        await f
    except ValueError as e:
        print("awaiting a failed task again:", e)
    return "main done"


print(loop.run(main()))
for line in loop.log:
    print(line)
