# Condition, Event, Semaphore, BoundedSemaphore, Timer, Barrier: handoffs between threads
# in a fixed order.
import threading
import time

# ping-pong over a Condition: strictly alternating
cond = threading.Condition()
turn = ["ping"]
log = []
def player(me, other, n):
    for i in range(n):
        with cond:
            while turn[0] != me:
                cond.wait()
            log.append("%s%d" % (me, i))
            turn[0] = other
            cond.notify_all()
a = threading.Thread(target=player, args=("ping", "pong", 4))
b = threading.Thread(target=player, args=("pong", "ping", 4))
a.start(); b.start(); a.join(); b.join()
print(" ".join(log))

# wait_for with a predicate, and a timed-out wait
items = []
def producer():
    for i in range(3):
        time.sleep(0.002)
        with cond:
            items.append(i)
            cond.notify()
p = threading.Thread(target=producer)
p.start()
with cond:
    ok = cond.wait_for(lambda: len(items) == 3, timeout=5)
p.join()
print("wait_for", ok, items)
with cond:
    print("timed out wait", cond.wait(0.005))

# Event handoff chain: each thread waits for the previous one's event
events = [threading.Event() for _ in range(5)]
chain = []
def link(i):
    events[i].wait()
    chain.append(i)
    if i + 1 < len(events):
        events[i + 1].set()
ts = [threading.Thread(target=link, args=(i,)) for i in reversed(range(5))]
for t in ts:
    t.start()
events[0].set()
for t in ts:
    t.join()
print("chain", chain, events[4].is_set(), threading.Event().wait(0.001))

# Semaphore: at most two inside at once
sem = threading.Semaphore(2)
inside = [0]
peak = [0]
def limited():
    with sem:
        inside[0] += 1
        peak[0] = max(peak[0], inside[0])
        time.sleep(0.002)
        inside[0] -= 1
ts = [threading.Thread(target=limited) for _ in range(6)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print("peak", peak[0], inside[0])
bs = threading.BoundedSemaphore(1)
bs.acquire()
bs.release()
try:
    bs.release()
except ValueError as e:
    print("bounded:", e)

# Timer: one fires, one is cancelled
fired = []
t1 = threading.Timer(0.005, lambda: fired.append("t1"))
t2 = threading.Timer(0.005, lambda: fired.append("t2"))
t1.start(); t2.start(); t2.cancel()
t1.join(); t2.join()
print("timers", fired)

# Barrier: every party passes together
barrier = threading.Barrier(3)
stages = []
def party(i):
    stages.append(("before", i))
    barrier.wait()
    stages.append(("after", i))
ts = [threading.Thread(target=party, args=(i,)) for i in range(3)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print("barrier", [s[0] for s in stages[:3]], [s[0] for s in stages[3:]])
