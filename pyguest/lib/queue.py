"""Queues (`queue`) for pyguest: `Queue` (FIFO), `LifoQueue`, `PriorityQueue`, `SimpleQueue`,
`Empty`, `Full`, with CPython's API (`put`/`get` with `block` and `timeout`, `*_nowait`,
`qsize`, `empty`, `full`, `task_done`, `join`, `maxsize`, `unfinished_tasks`).

Written over `threading`: one lock and three conditions (not empty, not full, all tasks
done), so a blocking `get` waits for another thread's `put` (pyguest's threads switch at
such waits: docs/pyguest.md, "Threads"). A wait that no thread can ever end raises
`RuntimeError` (deadlock) from the lock layer instead of hanging. Subclasses may override
`_init`, `_qsize`, `_put`, `_get` as in CPython.
"""

import heapq
import threading
from collections import deque
from time import monotonic as _time

__all__ = ["Empty", "Full", "Queue", "PriorityQueue", "LifoQueue", "SimpleQueue"]


class Empty(Exception):
    """Exception raised by Queue.get(block=0)/get_nowait()."""


class Full(Exception):
    """Exception raised by Queue.put(block=0)/put_nowait()."""


def _check_timeout(timeout):
    if timeout is not None and timeout < 0:
        raise ValueError("'timeout' must be a non-negative number")


class Queue:
    """A FIFO queue; `maxsize <= 0` means unbounded."""

    def __init__(self, maxsize=0):
        self.maxsize = maxsize
        self._init(maxsize)
        self.mutex = threading.Lock()
        self.not_empty = threading.Condition(self.mutex)
        self.not_full = threading.Condition(self.mutex)
        self.all_tasks_done = threading.Condition(self.mutex)
        self.unfinished_tasks = 0

    def task_done(self):
        with self.all_tasks_done:
            left = self.unfinished_tasks - 1
            if left <= 0:
                if left < 0:
                    raise ValueError("task_done() called too many times")
                self.all_tasks_done.notify_all()
            self.unfinished_tasks = left

    def join(self):
        with self.all_tasks_done:
            while self.unfinished_tasks:
                self.all_tasks_done.wait()

    def qsize(self):
        with self.mutex:
            return self._qsize()

    def empty(self):
        with self.mutex:
            return not self._qsize()

    def full(self):
        with self.mutex:
            return 0 < self.maxsize <= self._qsize()

    def _wait(self, cond, blocked, block, timeout, exc):
        """Waits on `cond` while `blocked()` holds, as `put`/`get` do (mutex held)."""
        if not block:
            if blocked():
                raise exc
        elif timeout is None:
            while blocked():
                cond.wait()
        else:
            _check_timeout(timeout)
            end = _time() + timeout
            while blocked():
                left = end - _time()
                if left <= 0.0:
                    raise exc
                cond.wait(left)

    def put(self, item, block=True, timeout=None):
        with self.not_full:
            if self.maxsize > 0:
                self._wait(self.not_full, lambda: self._qsize() >= self.maxsize,
                           block, timeout, Full)
            self._put(item)
            self.unfinished_tasks += 1
            self.not_empty.notify()

    def get(self, block=True, timeout=None):
        with self.not_empty:
            self._wait(self.not_empty, lambda: not self._qsize(), block, timeout, Empty)
            item = self._get()
            self.not_full.notify()
            return item

    def put_nowait(self, item):
        return self.put(item, block=False)

    def get_nowait(self):
        return self.get(block=False)

    def _init(self, maxsize):
        self.queue = deque()

    def _qsize(self):
        return len(self.queue)

    def _put(self, item):
        self.queue.append(item)

    def _get(self):
        return self.queue.popleft()

    def __class_getitem__(cls, item):
        return cls


class PriorityQueue(Queue):
    """Retrieves the lowest entry first (`heapq` order)."""

    def _init(self, maxsize):
        self.queue = []

    def _put(self, item):
        heapq.heappush(self.queue, item)

    def _get(self):
        return heapq.heappop(self.queue)


class LifoQueue(Queue):
    """Retrieves the most recently added entry first."""

    def _init(self, maxsize):
        self.queue = []

    def _put(self, item):
        self.queue.append(item)

    def _get(self):
        return self.queue.pop()


class SimpleQueue:
    """An unbounded FIFO queue without task tracking."""

    def __init__(self):
        self._queue = deque()
        self._count = threading.Semaphore(0)

    def put(self, item, block=True, timeout=None):
        self._queue.append(item)
        self._count.release()

    def get(self, block=True, timeout=None):
        _check_timeout(timeout)
        if not self._count.acquire(block, timeout):
            raise Empty
        return self._queue.popleft()

    def put_nowait(self, item):
        return self.put(item, block=False)

    def get_nowait(self):
        return self.get(False)

    def empty(self):
        return len(self._queue) == 0

    def qsize(self):
        return len(self._queue)

    def __class_getitem__(cls, item):
        return cls
