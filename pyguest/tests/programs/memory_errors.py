# Every allocation whose size the program chooses fails with a catchable MemoryError (or
# CPython's OverflowError/ValueError where the size is not an index) and the program goes on.
# Sizes are far past any machine's memory, so CPython and pyguest both refuse them at once.
N = 10**12
cases = [
    ("list * n", lambda: [0] * N),
    ("n * list", lambda: N * [1, 2]),
    ("tuple * n", lambda: (1, 2) * N),
    ("str * n", lambda: 'ab' * N),
    ("n * str", lambda: N * 'ab'),
    ("bytes * n", lambda: b'x' * N),
    ("bytearray * n", lambda: bytearray(b'xy') * N),
    ("bytes(n)", lambda: bytes(N)),
    ("bytearray(n)", lambda: bytearray(N)),
    ("str.ljust", lambda: 'a'.ljust(N)),
    ("str.rjust", lambda: 'a'.rjust(N, '*')),
    ("str.center", lambda: 'a'.center(N)),
    ("str.zfill", lambda: '-7'.zfill(N)),
    ("bytes.ljust", lambda: b'a'.ljust(N)),
    ("bytes.center", lambda: b'ab'.center(N)),
    ("bytes.zfill", lambda: b'7'.zfill(N)),
    ("join", lambda: ' '.join(['a' * 10**6] * 10**6)),
    ("bytes join", lambda: b' '.join([b'a' * 10**6] * 10**6)),
    ("list(range)", lambda: list(range(N))),
    ("tuple(range)", lambda: tuple(range(N))),
    ("sorted(range)", lambda: sorted(range(N))),
    ("star range", lambda: [*range(N)]),
    ("list.extend(range)", lambda: [].extend(range(N))),
    ("format width", lambda: format(1, str(N))),
    ("f-string width", lambda: f'{"x":>{N}}'),
    ("% width", lambda: '%*d' % (N, 1)),
    ("% literal width", lambda: '%1000000000000d' % 1),
    ("shift", lambda: 1 << N),
    ("shift 2**62", lambda: 3 << 2**62),
    ("list * 2**62", lambda: [0] * 2**62),
    ("str * 2**62", lambda: 'a' * 2**62),
    ("bytes(2**62)", lambda: bytes(2**62)),
]
for name, f in cases:
    try:
        r = f()
        print(name, "ok", len(r) if hasattr(r, '__len__') else r)
    except MemoryError as e:
        print(name, "MemoryError", repr(e))
    except (OverflowError, ValueError) as e:
        print(name, type(e).__name__, e)

# sizes that are not indexes at all
for name, f in [("str * 10**20", lambda: 'a' * 10**20), ("10**20 * list", lambda: 10**20 * [1]),
                ("bytes(10**20)", lambda: bytes(10**20)), ("bytes(-10**20)", lambda: bytes(-10**20)),
                ("shift 2**70", lambda: 1 << 2**70)]:
    try:
        f()
    except OverflowError as e:
        print(name, "OverflowError", e)

# huge but harmless: zero or empty results need no memory
print(len([] * N), len('' * N), len(b'' * N), 0 << N, [] * 2**62, '' * 2**62)
print(len('a' * 0), (1, 2) * -N, 'x' * -(2**62))

# in-place repetition and concatenation of a growing value
l = [1, 2, 3]
try:
    l *= N
except MemoryError:
    print("l *= N MemoryError", l)
s = 'abc'
try:
    s *= N
except MemoryError:
    print("s *= N MemoryError", s)
ba = bytearray(b'ab')
try:
    ba *= N
except MemoryError:
    print("ba *= N MemoryError", ba)

# a MemoryError can be raised and caught like any other error
try:
    raise MemoryError("explicit")
except MemoryError as e:
    print("explicit", e.args, isinstance(e, Exception))
print("done")
