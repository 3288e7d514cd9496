# Tuple and list assignments of two and three values (compiled without a tuple: the values
# are reversed on the stack): evaluation order, targets of every kind, and the forms that
# keep the general path (starred, one side not a display, other lengths, chained targets).
log = []

def v(x):
    log.append(("value", x))
    return x

class T:
    def __setattr__(self, k, val):
        log.append(("setattr", k, val))
        object.__setattr__(self, k, val)

class L(list):
    def __setitem__(self, i, val):
        log.append(("setitem", i, val))
        list.__setitem__(self, i, val)

def idx(i):
    log.append(("index", i))
    return i

t = T()
l = L([0, 0, 0])
a, b = v(1), v(2)
print(a, b, log); log.clear()
t.x, l[idx(1)] = v("x"), v("y")
print(t.x, l, log); log.clear()
[a, b, c] = [v(3), v(4), v(5)]
print(a, b, c, log); log.clear()
a, [b, c] = v(6), [v(7), v(8)]
print(a, b, c, log); log.clear()
a, b = b, a
print(a, b)
a, b, c = c, a, b
print(a, b, c)
x = [1, 2, 3]
i = 0
i, x[i] = 1, 9           # x[i] uses the new i, as in CPython
print(i, x)
a, *b = 1, 2, 3
print(a, b)
a, b = c, d = 1, 2
print(a, b, c, d)
a, b = "xy"
print(a, b)
a, b, c, d = 1, 2, 3, 4
print(a, b, c, d)
try:
    a, b = 1, 2, 3
except ValueError as e:
    print("ValueError", e)
try:
    a, b, c = [1, 2]
except ValueError as e:
    print("ValueError", e)

def fib_pairs(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a

def gcd(x, y):
    while y:
        x, y = y, x % y
    return x

def rot3(n):
    p, q, r = 1, 2, 3
    for i in range(n):
        p, q, r = q, r, p + i
    return p, q, r

print(fib_pairs(90), gcd(1071, 462), sum(gcd(a, 1000 - a) for a in range(1, 1000)), rot3(1000))

def big_swap(n):
    a, b = 0, 2 ** 62
    for i in range(n):
        a, b = b + i, a        # crosses into big ints
    return a, b

print(big_swap(3000))
