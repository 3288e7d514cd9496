# enumerate in loops: over lists (objects and unboxed floats), ranges, tuples, strings and
# generators; start values small, negative, at the edge of the small ints and of i64, and
# beyond (counted as Python ints); a list changed while enumerated; an enumerate resumed by
# next() after a break.

def over(xs, start=0):
    t = []
    for i, x in enumerate(xs, start):
        t.append((i, x))
    return t

print(over([5, 6, 7]))
print(over([0.5, 1.5, 2.5], -2))
print(over(range(3, 12, 4), 100))
print(over((1, "a", None)))
print(over("xyz", 2**62 - 2))
print(over([1, 2, 3, 4], 2**63 - 3))
print(over([1, 2], 10**20))
print(over([1, 2], -10**20))
print(over(x * x for x in range(4)))
print(over([], 5))

def total(n):
    xs = list(range(n))
    fs = [i * 0.25 for i in range(n)]
    t = 0
    for i, x in enumerate(xs):
        t += i * x % 7
    for i, f in enumerate(fs, 1):
        t += int(f) - i % 3
    for i, r in enumerate(range(n, 0, -2)):
        t += r - i
    return t

print(total(3000))

def mutate(n):
    xs = list(range(n))
    out = 0
    for i, x in enumerate(xs):
        if i == n // 2:
            xs.append(-1)          # grows while enumerated: the new item is seen
            del xs[0]              # shrinks: the index goes on from where it was
        out += i * 3 + x
    return out, len(xs)

print(mutate(2000))

e = enumerate(range(10), 3)
for i, x in e:
    if x == 4:
        break
print(next(e), list(e))

def kinds(n):
    seen = []
    for i, x in enumerate([1, 2.5, "s", None, (1,), 2**70] * (n // 6)):
        if i % (n // 4) == 0:
            seen.append((i, x))
    return seen

print(kinds(3000))
try:
    enumerate([1], "3")
except TypeError as err:
    print("TypeError", err)
print(type(enumerate([])).__name__, list(enumerate("ab", start=True)))

# a subclass's __next__ runs (the traced path steps only enumerate itself)
class Tens(enumerate):
    def __next__(self):
        i, x = super().__next__()
        return i * 10, x

def sub(n):
    t = 0
    for i, x in Tens(list(range(n))):
        t += i
    for i, x in Tens(range(n), 3):
        t += i - x
    return t

print(sub(3000))
