# divmod in hot loops: small and big ints of both signs, floats, a zero divisor raising inside
# the loop, bools, and a class with __divmod__ / __rdivmod__ (the traced fast path must give
# way to the general one for everything it does not handle).
class D:
    def __init__(self, v):
        self.v = v

    def __divmod__(self, o):
        return ("D", self.v, o)

    def __rdivmod__(self, o):
        return ("rD", o, self.v)


def digits(v):
    s = 0
    while v:
        v, r = divmod(v, 10)
        s += r
    return s


print(digits(3 ** 400), digits(2 ** 200 + 7), digits(12345))
acc = []
vals = [7, -7, 0, 2**70, -(2**70), 3.5, -2.25, True, 10**30 + 1]
divs = [3, -3, 2**65, 0.5, -1.5, 0, True, False, 7]
for i in range(600):
    x = vals[i % len(vals)]
    y = divs[(i // 3) % len(divs)]
    try:
        acc.append(divmod(x, y))
    except ZeroDivisionError as e:
        acc.append(("zde", str(e)))
print(len(acc), acc[:40])
print(acc[-20:])
t = 0
for i in range(3000):
    q, r = divmod(i * 37 - 5000, 7 + i % 5)
    t += q * 3 + r
print(t)
out = []
for i in range(300):
    out.append(divmod(D(i), 2) if i % 2 else divmod(i, D(2)))
print(out[:6], out[-2:])
f = 0.0
for i in range(2000):
    q, r = divmod(i * 0.75, 1.25)
    f += q - r
print(f)
