# 100,000 heappush then 100,000 heappop of pseudo-random ints (docs/compatibility.md, issue 16
# audit row for heapq/bisect); prints a checksum so runs can be compared.
import heapq

x = 12345
h = []
for _ in range(100000):
    x = (x * 1103515245 + 12345) & 0x7FFFFFFF
    heapq.heappush(h, x)
total = 0
prev = -1
ok = True
while h:
    v = heapq.heappop(h)
    ok = ok and v >= prev
    prev = v
    total = (total + v) & 0xFFFFFFFF
print(ok, total)
