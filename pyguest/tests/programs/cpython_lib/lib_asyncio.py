# CPython's asyncio over pyguest: the selector event loop (its self-pipe is a socketpair),
# tasks, gather, sleep, wait_for, Queue, Event, Lock, Semaphore, call_later, futures,
# run_in_executor on a thread, and the low-level sock_* calls over a socketpair.
import asyncio
import socket
import time

print(time.get_clock_info("monotonic").monotonic)


async def worker(name, delay, log):
    await asyncio.sleep(delay)
    log.append(name)
    return name.upper()


async def gather_demo():
    log = []
    res = await asyncio.gather(worker("c", 0.03, log), worker("a", 0.01, log), worker("b", 0.02, log))
    print("gather", res, log)
    t = asyncio.create_task(worker("t", 0, log))
    print("task", await t, t.done(), t.result())
    try:
        await asyncio.wait_for(asyncio.sleep(10), timeout=0.02)
    except asyncio.TimeoutError as e:
        print("wait_for timed out", type(e).__name__)
    print("wait_for ok", await asyncio.wait_for(worker("w", 0, log), timeout=10))
    r = await asyncio.gather(asyncio.sleep(0, "x"), asyncio.sleep(0.001, "y"))
    print("sleep results", r)


async def fails():
    await asyncio.sleep(0)
    raise ValueError("boom")


async def errors_demo():
    res = await asyncio.gather(fails(), asyncio.sleep(0, 1), return_exceptions=True)
    print("return_exceptions", [type(r).__name__ for r in res])
    try:
        await fails()
    except ValueError as e:
        print("caught", e)
    t = asyncio.create_task(asyncio.sleep(10))
    await asyncio.sleep(0)
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        print("cancelled", t.cancelled())
    done, pending = await asyncio.wait(
        [asyncio.create_task(asyncio.sleep(0.001, "fast")), asyncio.create_task(asyncio.sleep(5, "slow"))],
        return_when=asyncio.FIRST_COMPLETED,
    )
    print("wait", [d.result() for d in done], len(pending))
    for p in pending:
        p.cancel()


async def producer(q, n):
    for i in range(n):
        await q.put(i)
        await asyncio.sleep(0)
    await q.put(None)


async def consumer(q, out):
    while (item := await q.get()) is not None:
        out.append(item * item)
        q.task_done()
    q.task_done()


async def sync_demo():
    q = asyncio.Queue(maxsize=2)
    out = []
    await asyncio.gather(producer(q, 6), consumer(q, out))
    await q.join()
    print("queue", out, q.empty())

    ev = asyncio.Event()
    seen = []

    async def waiter(i):
        await ev.wait()
        seen.append(i)

    tasks = [asyncio.create_task(waiter(i)) for i in range(3)]
    await asyncio.sleep(0.01)
    print("before set", seen, ev.is_set())
    ev.set()
    await asyncio.gather(*tasks)
    print("after set", sorted(seen))

    lock = asyncio.Lock()
    order = []

    async def critical(i):
        async with lock:
            order.append(("in", i))
            await asyncio.sleep(0.001)
            order.append(("out", i))

    await asyncio.gather(*(critical(i) for i in range(3)))
    print("lock", order)

    sem = asyncio.Semaphore(2)
    active = [0, 0]

    async def limited():
        async with sem:
            active[0] += 1
            active[1] = max(active[1], active[0])
            await asyncio.sleep(0.002)
            active[0] -= 1

    await asyncio.gather(*(limited() for _ in range(5)))
    print("semaphore max", active[1])


async def loop_demo():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    loop.call_later(0.01, fut.set_result, "later")
    loop.call_soon(print, "call_soon ran")
    print("future", await fut)
    r = await loop.run_in_executor(None, sum, [1, 2, 3])
    print("executor", r)
    print("to_thread", await asyncio.to_thread(pow, 2, 10))
    a, b = socket.socketpair()
    a.setblocking(False)
    b.setblocking(False)
    await loop.sock_sendall(a, b"over the pair")
    print("sock_recv", await loop.sock_recv(b, 100))
    a.close()
    b.close()


async def agen(n):
    for i in range(n):
        await asyncio.sleep(0)
        yield i


async def main():
    await gather_demo()
    await errors_demo()
    await sync_demo()
    await loop_demo()
    print("async for", [x async for x in agen(4)])
    return "done"


print(asyncio.run(main()))
print(asyncio.run(asyncio.sleep(0, "second run")))
