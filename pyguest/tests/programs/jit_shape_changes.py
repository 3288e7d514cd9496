# Loops whose values change type or shape while they run: compiled code must notice (guards)
# and go on exactly as the interpreter does. Used by .ci/pyguest-jit.sh with several JIT
# settings; the expected output comes from CPython.

def int_to_bigint(n):
    x = 1
    out = []
    for i in range(n):
        x = x * 3 + i          # leaves the small-int range around i = 39
        if i % 10 == 0:
            out.append(x % 1000003)
    return x, out

print(int_to_bigint(120))

def int_to_float(n):
    s = 0
    for i in range(n):
        if i == n // 2:
            s = s + 0.5        # from here on s is a float
        s = s + i
    return s

print(int_to_float(3000))

class P:
    def __init__(self, x):
        self.x = x

def attrs_added(n):
    ps = [P(i) for i in range(n)]
    t = 0
    for i in range(n):
        p = ps[i]
        if i == n // 3:
            for q in ps:
                q.y = 7        # every instance gets a new attribute mid-loop
        t += p.x + getattr(p, "y", 0)
    return t

print(attrs_added(3000))

class A:
    def f(self):
        return 1

def method_replaced(n):
    a = A()
    t = 0
    for i in range(n):
        if i == 1500:
            A.f = lambda self: 100   # the class changes under the loop
        t += a.f()
    return t

print(method_replaced(3000))

G = 1

def global_rebound(n):
    global G
    t = 0
    for i in range(n):
        if i == 2000:
            G = "x"            # from int to str
        if isinstance(G, int):
            t += G
        else:
            t += len(G) * 10
    return t

print(global_rebound(3000))

# globals read through a constant entry index in traces (the dict's keys keep their
# places): a builtin shadowed by a new global, then the global deleted again; new globals
# added (the entry arrays grow and move); a global rebound to another type

def shadowed_builtin(n):
    global len
    t = 0
    for i in range(n):
        if i == 1500:
            len = lambda x: 100        # a new key in globals shadows the builtin
        if i == 2500:
            del len                    # and removing it uncovers the builtin again
        t += len("abc")
    return t

print(shadowed_builtin(3000))

def globals_grow(n):
    t = 0
    for i in range(n):
        if i % 500 == 0:
            globals()["extra_%d" % i] = i    # rehashes move every entry
        t += G2 + K2
    return t

G2 = 5
K2 = 7
print(globals_grow(3000))

def global_deleted(n):
    global G3
    t = 0
    for i in range(n):
        if i == 2000:
            del G3
        try:
            t += G3
        except NameError:
            t -= 1
    return t

G3 = 2
print(global_deleted(3000))

def shrinking_list(n):
    xs = list(range(n))
    t = 0
    i = 0
    while i < len(xs):
        t += xs[i]
        if i == 100:
            del xs[200:]       # the list shrinks mid-loop
        i += 1
    return t, len(xs)

print(shrinking_list(3000))

def exceptions_in_loop(n):
    caught = 0
    for i in range(n):
        try:
            if i % 7 == 0:
                raise ValueError(i)
            caught += 0
        except ValueError as e:
            caught += e.args[0] % 3
    return caught

print(exceptions_in_loop(3000))

def gen(n):
    for i in range(n):
        yield i * i

def consume(n):
    t = 0
    for v in gen(n):
        t += v
    return t

print(consume(5000))
print(sum(x % 5 for x in range(5000)))
print(sorted(range(2000), key=lambda v: (v * 7919) % 2003)[:5])

# methods found while tracing are constants of the trace (class epoch, quasi-immutable):
# an instance attribute that shadows the method, a subclass instance mixed in, and a class
# attribute written on every iteration (the epoch turns unstable, methods are looked up)

class Shape:
    def area(self):
        return 1
    def name(self):
        return "shape"

class Square(Shape):
    def area(self):
        return 4

def method_shadowed(n):
    s = Shape()
    t = 0
    for i in range(n):
        if i == 1500:
            s.area = lambda: 10        # an instance attribute now shadows the method
        t += s.area()
    return t

print(method_shadowed(3000))

def mixed_receivers(n):
    objs = [Shape(), Square()]
    t = 0
    for i in range(n):
        o = objs[(i // 700) % 2]
        t += o.area() + len(o.name())
    return t

print(mixed_receivers(3000))

class Counter:
    hits = 0
    def bump(self, k):
        return k + 1

def class_attr_written(n):
    c = Counter()
    t = 0
    for i in range(n):
        Counter.hits = i               # changes the class (the epoch) every iteration
        t += c.bump(i)
    return t + Counter.hits

print(class_attr_written(3000))

# attribute stores at a constant slot: the class gains __setattr__, then a data descriptor
# (property) of the same name, mid-loop; and a store that adds an attribute

class Box:
    def __init__(self):
        self.v = 0

def stores_then_setattr(n):
    b = Box()
    log = []
    for i in range(n):
        if i == 1000:
            Box.__setattr__ = lambda self, k, x: log.append((k, x))
        if i == 2000:
            del Box.__setattr__
            Box.v = property(lambda self: -1, lambda self, x: log.append(x))
        b.v = i
    del Box.v
    return len(log), log[0], log[-1], b.v

print(stores_then_setattr(3000))

def stores_add(n):
    out = 0
    for i in range(n):
        b = Box()
        if i % 3 == 0:
            b.w = i              # a new attribute: a map transition
        b.v = i
        out += b.v + getattr(b, "w", 0)
    return out

print(stores_add(3000))

# for loops over lists are stepped in traces: the list grows and shrinks while it is walked,
# and the same loop gets tuples, then a list again

def list_walk_mutating(n):
    xs = list(range(50))
    t = 0
    steps = 0
    for x in xs:
        steps += 1
        t += x
        if steps % 7 == 0 and len(xs) < n:
            xs.append(x + 1000)          # walked too, as the interpreter does
        if steps == n // 2:
            del xs[-200:]                # shrinks under the iterator
    return t, steps, len(xs)

print(list_walk_mutating(3000))

def mixed_sequences(n):
    t = 0
    for k in range(n):
        seq = [1, 2, 3] if k % 500 < 400 else (4, 5)
        for v in seq:
            t += v
    return t

print(mixed_sequences(3000))

# truth tests, `and`/`or`, negation and comparisons are traced for the common kinds
# (True/False/None/small ints, small ints, float pairs); each loop meets the other kinds too

def truth_mix(n):
    vals = [0, 1, None, True, False, -3, [], [0], "", "x", 0.0, 2.5, 2**70, -(2**62)]
    t = 0
    for i in range(n):
        v = vals[i % len(vals)] if i > n // 2 else i % 3
        if v:
            t += 1
        if not v:
            t += 10
        w = v and i
        x = v or -i
        if w:
            t += 100
        if x is not None and x != 0:
            t += 1000
    return t

print(truth_mix(3000))

def negations(n):
    t = 0
    big = 0
    for i in range(n):
        v = i if i < n - 10 else -(2**62) + (i % 3)   # the last: negation leaves the small range
        u = -v
        if u < -(2**61) or u > 2**61:
            big += 1
        else:
            t += u
        t += -(i * 0.5) if i % 7 == 0 else 0
    return t, big

print(negations(3000))

def float_compares(n):
    c = [0] * 6
    edge = float(2**53)
    others = [2**53 + 1, 2**53, 2**60, -(2**53) - 1, 3, float("nan"), float("inf"), True]
    for i in range(n):
        a = i * 0.25
        b = (n - i) * 0.5 if i < n - 40 else others[i % len(others)]
        if a < b: c[0] += 1
        if a <= b: c[1] += 1
        if a == b: c[2] += 1
        if a != b: c[3] += 1
        if a > b: c[4] += 1
        if a >= b: c[5] += 1
        if i >= n - 40:
            o = others[i % len(others)]
            c[0] += (edge < o) + 2 * (edge == o) + 4 * (o > edge) + 8 * (edge != o)
    return c

print(float_compares(3000))
# recursion: function-entry traces close at the recursive call; returns are guards on the
# caller's position (bridges)

def rfib(n):
    if n < 2:
        return n
    return rfib(n - 1) + rfib(n - 2)

print(rfib(18))

# a guard fails deep inside the recursion: below depth k the value turns into a float,
# then into a big int
def rmixed(n, k):
    if n == 0:
        return 0
    if n < k:
        return rmixed(n - 1, k) + 0.5
    if n == k + 3:
        return rmixed(n - 1, k) + 2 ** 70
    return rmixed(n - 1, k) + 1

print([rmixed(90, k) for k in range(0, 90, 4)])

# a recursive function redefined while it runs: the inner calls look the name up again
def rcount(n):
    global rcount
    if n == 0:
        return 0
    if n == 150:
        old = rcount
        def rcount(m):
            return old(m) + 1000 if m % 50 == 0 else old(m)
    return rcount(n - 1) + 1

print(rcount(300))
print(rcount(300))

# exceptions raised deep in a recursion and caught some levels up, and through all of them
def rdive(n, fail_at):
    if n == fail_at:
        raise ValueError(n)
    if n == 0:
        return 0
    if n % 10 == 0:
        try:
            return rdive(n - 1, fail_at) + 1
        except ValueError as e:
            return -1000 - e.args[0]
    return rdive(n - 1, fail_at) + 1

print([rdive(100, f) for f in (-1, 5, 55, 95) * 5])
try:
    rdive(9, 3)
except ValueError as e:
    print("escaped", e)

# RecursionError at the limit, caught, and recursion works again afterwards
def rdeep(n):
    return rdeep(n + 1) + 1

for attempt in range(3):
    try:
        rdeep(0)
    except RecursionError:
        print("RecursionError", attempt)
print(rfib(15))

# a tree walked recursively (instances and attributes)
class RNode:
    def __init__(self, left, right, v):
        self.left = left
        self.right = right
        self.v = v

def rbuild(d):
    if d == 0:
        return None
    return RNode(rbuild(d - 1), rbuild(d - 1), d)

def rsum(t):
    if t is None:
        return 0
    return t.v + rsum(t.left) + rsum(t.right)

rt = rbuild(9)
print(sum(rsum(rt) for _ in range(20)))
# float arithmetic allocates its results in traces, and the optimizer removes the boxes of
# temporaries: these loops change the types of float values while they run, fail guards with
# floats live, and read the frame (locals(), a traceback) inside a hot float loop

def float_turns_int(n):
    x = 0.5
    t = 0.0
    for i in range(n):
        if i == n // 2:
            x = 3                        # an int where a float was: the float path's guards fail
        t = t + x * 2.0 - 0.25
    return t

print(float_turns_int(3000))

def float_to_big_int(n):
    x = 1.5
    acc = 0.0
    for i in range(n):
        y = x * 3.0 + 1.0
        if i > n - 5:
            y = 2 ** 70 + i              # a big int where a float was
        acc = y
    return acc, type(acc).__name__

print(float_to_big_int(3000))

def float_guard_mid_loop(n):
    a = 0.0
    b = 1.0
    hits = 0
    for i in range(n):
        c = a * 0.5 + b * 0.25
        if i % 97 == 0:
            hits += 1                    # a rarely taken branch with a, b and c live
        a, b = b, c + 1.0 / (i + 1)
    return a, b, hits

print(float_guard_mid_loop(3000))

def float_locals_read(n):
    s = 0.0
    seen = []
    for i in range(n):
        d = s * 0.5 + 1.0
        s = d - s * 0.25
        if i % 1000 == 999:
            loc = locals()               # the frame's registers as the interpreter has them
            seen.append((loc["d"], loc["s"], loc["i"]))
    return seen

print(float_locals_read(3000))

def float_traceback(n):
    import traceback
    x = 1.0
    try:
        for i in range(n):
            y = x * 0.5 + 0.75
            x = y * 2.0 - 1.0
            if i == n - 7:
                raise ValueError(y)      # raised with floats live, caught outside the loop
    except ValueError as e:
        lines = traceback.format_exc().splitlines()
        return e.args[0], x, lines[-1], [l.strip() for l in lines if "raise" in l]
    return None

print(float_traceback(3000))

# The running frame's registers live in machine registers inside a compiled loop (the
# virtualizable frame): what leaves the loop must see them written back.
def vregs_generator(n):
    a, b, i = 0, 1, 0
    while i < n:
        a = (a + b * 3) & 0xffffff
        b = b ^ (a & 0xff)
        i += 1
        if i % 500 == 0:
            yield a, b, i                # the generator's frame is left and resumed

print(list(vregs_generator(3000)))

def vregs_deopt(n):
    a, b, i = 1, 0, 0
    seen = []
    while i < n:
        a = a * 3 + 1                    # overflows small ints: a guard fails mid-iteration
        b = (b + i) & 0xffff
        if a > 10 ** 30:
            a = a % 1000003
        i += 1
        if i % 700 == 0:
            loc = locals()               # read through the frame object
            seen.append((loc["a"], loc["b"], loc["i"]))
    return a, b, i, seen

print(vregs_deopt(3000))

def vregs_raise(n):
    a, i = 0, 0
    try:
        while True:
            a = (a * 7 + i) % 1000
            i += 1
            if i == n:
                raise KeyError(a, i)     # leaves the loop with its locals live
    except KeyError as e:
        return e.args, a, i

print(vregs_raise(2500))
