# CPython's threading.py over pyguest's _thread (threads run to completion when started, so
# the program only relies on what join() guarantees).
import threading

out = []
def target(n, scale=1):
    out.append((n * scale, threading.current_thread().name))

threads = [threading.Thread(target=target, args=(i,), kwargs={"scale": 10}, name="T%d" % i)
           for i in range(3)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(sorted(out), threading.active_count(), threading.current_thread().name)
print([t.is_alive() for t in threads], threads[0].ident is not None)

lock = threading.Lock()
rlock = threading.RLock()
with lock:
    print("locked:", lock.locked())
with rlock:
    with rlock:
        print("rlock reentered")
cond = threading.Condition()
with cond:
    print("wait timed out:", cond.wait(0.01) is False)
event = threading.Event()
t = threading.Thread(target=event.set)
t.start()
t.join()
print(event.is_set(), event.wait(), t.is_alive())
sem = threading.BoundedSemaphore(2)
print(sem.acquire(), sem.acquire(), sem.acquire(blocking=False))
sem.release()
sem.release()
try:
    sem.release()
except ValueError as e:
    print("ValueError:", e)
barrier_hits = []
timer = threading.Timer(0.0, lambda: barrier_hits.append("timer"))
timer.start()
timer.join()
print(barrier_hits)
local = threading.local()
local.x = 1
def set_local():
    out.append(("local in thread", hasattr(local, "x")))
    local.x = 2
t = threading.Thread(target=set_local)
t.start()
t.join()
print(local.x, out[-1])
