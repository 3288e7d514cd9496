# queue: FIFO, LIFO, priority and simple queues without threads.
import queue

q = queue.Queue()
for i in range(5):
    q.put(i * i)
print(q.qsize(), q.empty(), q.full(), q.maxsize)
print([q.get() for _ in range(3)], q.get_nowait(), q.qsize())
print(q.get(), q.empty())
try:
    q.get_nowait()
except queue.Empty:
    print("Empty raised", repr(queue.Empty()))
try:
    q.get(timeout=0.01)
except queue.Empty:
    print("Empty after timeout")
try:
    q.get(block=False)
except queue.Empty as e:
    print("Empty non-blocking", type(e).__name__)

b = queue.Queue(maxsize=2)
b.put("a")
b.put_nowait("b")
print(b.full(), b.qsize())
try:
    b.put_nowait("c")
except queue.Full:
    print("Full raised")
try:
    b.put("c", timeout=0.01)
except queue.Full:
    print("Full after timeout")
try:
    b.put("c", timeout=-1)
except ValueError as e:
    print("ValueError:", e)
print(b.get(), b.get())
print(b.unfinished_tasks)
b.task_done()
b.task_done()
b.join()
print(b.unfinished_tasks)
try:
    b.task_done()
except ValueError as e:
    print("ValueError:", e)

lq = queue.LifoQueue()
for x in "abc":
    lq.put(x)
print([lq.get() for _ in range(3)])

pq = queue.PriorityQueue()
for item in [(3, "low"), (1, "urgent"), (2, "normal"), (1, "also urgent")]:
    pq.put(item)
while not pq.empty():
    print(pq.get())

sq = queue.SimpleQueue()
sq.put(1)
sq.put_nowait(2)
print(sq.qsize(), sq.get(), sq.get_nowait(), sq.empty())
try:
    sq.get(block=False)
except queue.Empty:
    print("SimpleQueue empty")


class Job:
    def __init__(self, prio, name):
        self.prio, self.name = prio, name

    def __lt__(self, other):
        return self.prio < other.prio


jobs = queue.PriorityQueue()
for p, n in [(5, "e"), (1, "a"), (3, "c")]:
    jobs.put(Job(p, n))
print([jobs.get().name for _ in range(3)])

# breadth-first search with a queue
graph = {"a": ["b", "c"], "b": ["d"], "c": ["d", "e"], "d": ["f"], "e": ["f"], "f": []}
seen = {"a": 0}
work = queue.Queue()
work.put("a")
while not work.empty():
    node = work.get()
    for nxt in graph[node]:
        if nxt not in seen:
            seen[nxt] = seen[node] + 1
            work.put(nxt)
print(seen)
print(issubclass(queue.Empty, Exception), issubclass(queue.Full, Exception))
