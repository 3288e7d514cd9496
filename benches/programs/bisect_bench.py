# 30,000 bisect.insort of pseudo-random ints into one sorted list (docs/compatibility.md,
# issue 16 audit row for heapq/bisect); prints a checksum so runs can be compared.
import bisect

x = 54321
a = []
for _ in range(30000):
    x = (x * 1103515245 + 12345) & 0x7FFFFFFF
    bisect.insort(a, x % 1000000)
print(len(a), a[0], a[15000], a[-1], bisect.bisect_left(a, 500000))
