# Threads: start/join many, names, idents, is_alive, daemon, enumerate, locks under
# contention, RLock, exceptions in threads (threading.excepthook), thread-local data.
import io
import sys
import threading
import time

# many threads, each writing its own slot
results = [None] * 40
def square(i):
    time.sleep(0.001 * (i % 3))
    results[i] = i * i
threads = [threading.Thread(target=square, args=(i,), name="sq-%d" % i) for i in range(40)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(results[:5], sum(results), all(not t.is_alive() for t in threads))
print(threads[7].name, threads[7].daemon, threading.current_thread().name)
print(threading.main_thread() is threading.current_thread(), threading.active_count())

# idents are distinct, get_ident inside equals Thread.ident
seen = {}
all_in = threading.Barrier(5)
def record():
    seen[threading.current_thread().name] = threading.get_ident()
    all_in.wait()  # (alive together: idents of finished threads may be reused)
ts = [threading.Thread(target=record, name="r%d" % i) for i in range(5)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(len(set(seen.values())), all(seen[t.name] == t.ident for t in ts))
print(threading.get_ident() not in seen.values())

# is_alive while waiting on an event; enumerate sees the thread
go = threading.Event()
def waiter():
    go.wait()
w = threading.Thread(target=waiter, name="waiter", daemon=True)
w.start()
print(w.is_alive(), w.daemon, sorted(t.name for t in threading.enumerate()))
go.set()
w.join()
print(w.is_alive())

# a lock under contention: the read-modify-write yields in the middle
counter = 0
lock = threading.Lock()
def add(n):
    global counter
    for _ in range(n):
        with lock:
            v = counter
            time.sleep(0)
            counter = v + 1
ts = [threading.Thread(target=add, args=(50,)) for _ in range(6)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print("counter", counter, lock.locked())

# RLock: re-entrant for its owner, exclusive for others
rl = threading.RLock()
order = []
def nested(tag):
    with rl:
        with rl:
            order.append(tag + "-in")
            time.sleep(0.002)
            order.append(tag + "-out")
ts = [threading.Thread(target=nested, args=(t,)) for t in "abc"]
for t in ts:
    t.start()
for t in ts:
    t.join()
pairs = [order[i][0] == order[i + 1][0] for i in range(0, len(order), 2)]
print(len(order), all(pairs))

# acquire with a timeout fails while another thread holds the lock
held = threading.Lock()
held.acquire()
got = []
def try_it():
    got.append(held.acquire(timeout=0.01))
    got.append(held.acquire(blocking=False))
t = threading.Thread(target=try_it)
t.start()
t.join()
held.release()
print("timeouts", got)

# exceptions in threads: a custom hook, then the default one (to a captured stderr)
def boom():
    raise ValueError("boom in " + threading.current_thread().name)
caught = []
old = threading.excepthook
threading.excepthook = lambda a: caught.append((a.exc_type.__name__, str(a.exc_value), a.thread.name))
t = threading.Thread(target=boom, name="bad")
t.start()
t.join()
threading.excepthook = old
print(caught)
err = io.StringIO()
saved, sys.stderr = sys.stderr, err
t = threading.Thread(target=boom, name="bad2")
t.start()
t.join()
sys.stderr = saved
lines = err.getvalue().splitlines()
print(lines[0])
print(lines[-1])

# thread-local data
local = threading.local()
local.x = "main"
out = {}
def use_local(i):
    local.x = i
    time.sleep(0.001)
    out[i] = local.x
ts = [threading.Thread(target=use_local, args=(i,)) for i in range(5)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(sorted(out.items()), local.x)

class Counter(threading.local):
    def __init__(self, start):
        self.n = start
c = Counter(10)
vals = []
def bump():
    c.n += 1
    vals.append(c.n)
t = threading.Thread(target=bump)
t.start()
t.join()
c.n += 5
print(vals, c.n)
