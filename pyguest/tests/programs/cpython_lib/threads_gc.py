# Threads that allocate heavily and switch often: every thread's objects survive the
# collections that run on the other threads' stacks.
import threading
import time

class Node:
    def __init__(self, v, nxt):
        self.v = v
        self.nxt = nxt

def build(k, n):
    head = None
    for i in range(n):
        head = Node((k, i, [i] * 3, {"k": str(i)}), head)
        if i % 50 == 0:
            time.sleep(0)
    return head

def check(head, k, n):
    i = n - 1
    while head is not None:
        kk, ii, lst, d = head.v
        if kk != k or ii != i or lst != [i] * 3 or d != {"k": str(i)}:
            return False
        head = head.nxt
        i -= 1
    return i == -1

sums = {}
def worker(k):
    lists = [build(k, 300) for _ in range(3)]
    time.sleep(0.001)
    garbage = [str(j) * 5 for j in range(2000)]
    sums[k] = all(check(h, k, 300) for h in lists) and len(garbage) == 2000
ts = [threading.Thread(target=worker, args=(k,)) for k in range(6)]
for t in ts:
    t.start()
mine = build(99, 500)
for t in ts:
    t.join()
print(sorted(sums.items()), check(mine, 99, 500))
