# _thread: locks, RLock, start_new_thread (waited for with a lock, so the output is the same
# whether the thread runs at once, as under pyguest, or concurrently, as under CPython).
import _thread

lock = _thread.allocate_lock()
print(type(lock).__name__, lock.locked())
print(lock.acquire(), lock.locked(), lock.acquire(False), lock.acquire(True, 0.01))
lock.release()
print(lock.locked(), lock.acquire_lock(), lock.locked_lock())
lock.release_lock()
try:
    lock.release()
except RuntimeError as e:
    print("RuntimeError:", e)
with lock:
    print("inside with:", lock.locked())
print("after with:", lock.locked())
for bad in [dict(blocking=False, timeout=1), dict(timeout=-5)]:
    try:
        lock.acquire(**bad)
    except ValueError as e:
        print("ValueError:", e)

r = _thread.RLock()
print(r.acquire(), r.acquire(), r._is_owned())
r.release()
print(r._is_owned())
r.release()
print(r._is_owned())
try:
    r.release()
except RuntimeError as e:
    print("RuntimeError:", e)
with r:
    with r:
        print("nested with:", r._is_owned())

main = _thread.get_ident()
done = _thread.allocate_lock()
done.acquire()
results = []

def worker(a, b, *, scale=1):
    results.append(((a + b) * scale, _thread.get_ident() != main))
    done.release()

ident = _thread.start_new_thread(worker, (2, 3), {"scale": 10})
done.acquire()
print(results, isinstance(ident, int), ident != main)

for bad in [(1, ()), (worker, [1]), (worker, (1,), 5)]:
    try:
        _thread.start_new_thread(*bad)
    except TypeError as e:
        print("TypeError:", e)

print(_thread.TIMEOUT_MAX, _thread.error is RuntimeError, _thread.get_ident() == main)
print(_thread.stack_size(), isinstance(_thread.get_native_id(), int))

# _local: one attribute dict per thread; __init__ runs again in each new thread
class Counter(_thread._local):
    def __init__(self, start):
        self.n = start

    def bump(self):
        self.n += 1
        return self.n

c = Counter(10)
print(c.bump(), c.bump(), c.__dict__)
seen = []
# `done` is still held from the first thread's round trip
def in_thread():
    seen.append((c.n, c.bump(), hasattr(c, "extra")))
    done.release()
c.extra = True
_thread.start_new_thread(in_thread, ())
done.acquire()
print(seen, c.n, c.extra)
del c.extra
print(hasattr(c, "extra"))
plain = _thread._local()
try:
    _thread._local(1)
except TypeError as e:
    print("TypeError:", e)
try:
    plain.__dict__ = {}
except AttributeError as e:
    print("AttributeError:", e)
try:
    plain.missing
except AttributeError as e:
    print("AttributeError:", e)
