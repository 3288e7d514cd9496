# Generators: send/throw/close, yield from with return values, recursion through yield from.
def tree(n):
    if n == 0:
        yield 0
        return 1
    count = yield from tree(n - 1)
    yield n
    count += yield from tree(n - 1)
    return count + 1


g = tree(3)
print(list(g))


def averager():
    total = 0.0
    n = 0
    avg = None
    while True:
        try:
            x = yield avg
        except ValueError:
            print("reset")
            total, n = 0.0, 0
            continue
        if x is None:
            return avg
        total += x
        n += 1
        avg = total / n


a = averager()
next(a)
print(a.send(10), a.send(20))
print(a.throw(ValueError))
print(a.send(5))
try:
    a.send(None)
except StopIteration as e:
    print("done", e.value)


def closer():
    try:
        yield 1
        yield 2
    finally:
        print("cleanup")


c = closer()
print(next(c))
c.close()
print(sum(x * x for x in range(10) if x % 3), [y for y in (i * 2 for i in range(4))])
