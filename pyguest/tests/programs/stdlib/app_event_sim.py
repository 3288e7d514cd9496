"""Discrete-event bank-queue simulation: heapq + dataclasses(order) + seeded random + statistics."""
import heapq
import random
import statistics
from dataclasses import dataclass, field
from enum import Enum
from typing import List


class Kind(Enum):
    ARRIVE = 1
    DEPART = 2


@dataclass(order=True)
class Event:
    time: float
    seq: int
    kind: Kind = field(compare=False)
    customer: int = field(compare=False)


def simulate(tellers: int, seed: int, customers: int = 200):
    rng = random.Random(seed)
    events: List[Event] = []
    seq = 0
    t = 0.0
    for c in range(customers):
        t += rng.expovariate(1.0)
        heapq.heappush(events, Event(t, seq, Kind.ARRIVE, c))
        seq += 1
    free = tellers
    queue: List[int] = []
    arrived = {}
    waits = []
    max_queue = 0
    now = 0.0
    while events:
        ev = heapq.heappop(events)
        now = ev.time
        if ev.kind is Kind.ARRIVE:
            arrived[ev.customer] = now
            queue.append(ev.customer)
        else:
            free += 1
        while free and queue:
            c = queue.pop(0)
            free -= 1
            waits.append(now - arrived[c])
            service = rng.triangular(0.5, 4.0, 1.5)
            heapq.heappush(events, Event(now + service, seq, Kind.DEPART, c))
            seq += 1
        max_queue = max(max_queue, len(queue))
    return waits, max_queue, now


for tellers in (1, 2, 3):
    waits, max_q, end = simulate(tellers, seed=99)
    print("tellers=%d served=%d mean_wait=%.3f median=%.3f p90=%.3f max_queue=%d end=%.2f" % (
        tellers, len(waits), statistics.mean(waits), statistics.median(waits),
        statistics.quantiles(waits, n=10)[-1], max_q, end))
runs = [statistics.mean(simulate(2, seed=s)[0]) for s in range(8)]
print(["%.3f" % r for r in runs], "overall %.4f +- %.4f" % (statistics.mean(runs), statistics.stdev(runs)))
print(heapq.nsmallest(3, [Event(3.0, 1, Kind.ARRIVE, 0), Event(1.0, 2, Kind.DEPART, 1), Event(2.0, 0, Kind.ARRIVE, 2)]))
