import sys
# str() of a huge int must hit the heap limit, not CPython's digit limit (which comes first).
sys.set_int_max_str_digits(0)

def grow(f, x):
    n = 0
    try:
        while True:
            x = f(x)
            n += 1
    except MemoryError:
        return n, len(x)

print("s = s + s", grow(lambda s: s + s, 'x'))
print("b = b + b", grow(lambda b: b + b, b'x'))
print("l = l + l", grow(lambda l: l + l, [0]))
print("t = t + t", grow(lambda t: t + t, (0,)))
def iadd(l):
    l += l
    return l
print("l += l", grow(iadd, [0]))
print("s *= 2", grow(lambda s: s * 2, 'ab'))
for name, f in [("[0]*10**10", lambda: [0] * 10**10), ("'ab'*10**10", lambda: 'ab' * 10**10),
                ("bytes(10**10)", lambda: bytes(10**10)), ("bytearray(10**10)", lambda: bytearray(10**10)),
                ("b'x'*10**10", lambda: b'x' * 10**10), ("list(range(10**10))", lambda: list(range(10**10))),
                ("ljust", lambda: 'a'.ljust(10**9)), ("x << 10**10", lambda: 7 << 10**10),
                ("2 ** 10**10", lambda: 3 ** (2**31)), ("str(big)", lambda: str(1 << 10**9)),
                ("expandtabs", lambda: '\t'.expandtabs(10**9)), ("join", lambda: ','.join(['ab' * 1000] * 10**6)),
                ("replace", lambda: ('a' * 1000).replace('', 'x' * 10**6))]:
    try:
        f()
        print(name, "no error")
    except MemoryError:
        print(name, "MemoryError")
print("done")
