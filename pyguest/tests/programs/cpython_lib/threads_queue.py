# queue.Queue between threads: producers/consumers with a bounded queue, task_done/join,
# LifoQueue/PriorityQueue/SimpleQueue, timeouts.
import queue
import threading
import time

q = queue.Queue(maxsize=3)
consumed = []
def producer(base):
    for i in range(10):
        q.put(base + i)
def consumer():
    while True:
        item = q.get()
        if item is None:
            q.task_done()
            break
        consumed.append(item)
        q.task_done()
prods = [threading.Thread(target=producer, args=(b,)) for b in (0, 100, 200)]
cons = [threading.Thread(target=consumer) for _ in range(2)]
for t in prods + cons:
    t.start()
for t in prods:
    t.join()
q.join()
for _ in cons:
    q.put(None)
for t in cons:
    t.join()
print(len(consumed), sorted(consumed) == sorted(list(range(10)) + list(range(100, 110)) + list(range(200, 210))))
print("per producer in order", all(
    [x for x in consumed if base <= x < base + 10] == list(range(base, base + 10))
    for base in (0, 100, 200)))

# a get that waits for a later put
q2 = queue.Queue()
got = []
def late_put():
    time.sleep(0.005)
    q2.put("late")
t = threading.Thread(target=late_put)
t.start()
got.append(q2.get(timeout=5))
t.join()
try:
    q2.get(timeout=0.005)
except queue.Empty:
    got.append("empty")
try:
    q2.get_nowait()
except queue.Empty:
    got.append("empty-nowait")
full = queue.Queue(1)
full.put(1)
try:
    full.put(2, timeout=0.005)
except queue.Full:
    got.append("full")
print(got)

lq = queue.LifoQueue()
pq = queue.PriorityQueue()
for v in [3, 1, 4, 1, 5]:
    lq.put(v)
    pq.put(v)
print([lq.get() for _ in range(5)], [pq.get() for _ in range(5)])

sq = queue.SimpleQueue()
def fill():
    for i in range(5):
        sq.put(i)
        time.sleep(0)
t = threading.Thread(target=fill)
t.start()
print([sq.get(timeout=5) for _ in range(5)], sq.empty())
t.join()
