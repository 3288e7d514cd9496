# Closures, nonlocal, global, default args, *args/**kwargs, keyword-only, positional-only.
counter = 0


def make():
    total = 0

    def add(n=1):
        nonlocal total
        total += n
        return total
    return add


def bump():
    global counter
    counter += 1


a = make()
a(); a(5)
bump(); bump()
print(a(), counter)


def f(a, b=2, /, c=3, *args, d, e=5, **kw):
    return (a, b, c, args, d, e, sorted(kw.items()))


print(f(1, d=4), f(1, 2, 3, 4, 5, d=6, z=7))
try:
    f(1, b=2, d=3)
except TypeError as e:
    print("TypeError")
fns = [lambda i=i: i * i for i in range(4)]
print([g() for g in fns], (lambda *a, **k: (a, k))(1, x=2))
