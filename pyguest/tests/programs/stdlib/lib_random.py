import random

random.seed(12345)
print([random.random() for _ in range(3)])
print(random.getrandbits(1), random.getrandbits(31), random.getrandbits(32), random.getrandbits(33), random.getrandbits(100))
print([random.randint(1, 6) for _ in range(20)])
print([random.randrange(10) for _ in range(10)], random.randrange(5, 100, 7), random.randrange(100, 5, -3))
print(random.randrange(10 ** 30))
xs = list(range(20))
random.shuffle(xs)
print(xs)
print(random.choice("abcdefg"), random.choice([1, 2, 3]))
print(random.sample(range(100), 10))
print(random.sample(range(10 ** 6), 8))
print(random.sample(["red", "blue"], counts=[3, 2], k=4))
print(random.choices("abc", k=5))
print(random.choices("abc", weights=[1, 5, 10], k=6))
print(random.choices("abc", cum_weights=[1, 2, 10], k=6))
print(random.uniform(-1, 1), random.triangular(0, 10, 3))
print(random.gauss(), random.gauss(10, 2), random.gauss())
print(random.normalvariate(0, 1), random.lognormvariate(0, 0.5), random.expovariate(2.0))
print(random.gammavariate(2.5, 1.0), random.gammavariate(0.5, 2.0), random.gammavariate(1.0, 3.0))
print(random.betavariate(2, 3), random.paretovariate(3), random.weibullvariate(1, 2))
print(random.vonmisesvariate(1.0, 4.0))
print(random.randbytes(6).hex())

for s in ("hello", "", "ünïcode ✓", b"bytes", bytearray(b"ba"), 0, -7, 2 ** 70 + 3, 3.25):
    random.seed(s)
    print(repr(s), random.random(), random.randint(0, 1000))

r1 = random.Random(42)
r2 = random.Random()
r2.seed(42)
print(r1.random() == r2.random(), r1.randint(1, 100), r2.randint(1, 100))
st = r1.getstate()
a = [r1.random() for _ in range(3)]
r1.setstate(st)
print(a == [r1.random() for _ in range(3)], st[0], len(st[1]))
random.seed("version1", version=1)
print(random.random())

# long stream crosses many twists
random.seed(7)
acc = 0
for _ in range(3000):
    acc = (acc * 31 + random.getrandbits(32)) % 1000000007
print(acc)

class MyRandom(random.Random):
    def random(self):
        return 0.5
m = MyRandom(1)
print(m.randrange(10), m.choice("xyz"))

for bad in [lambda: random.randrange(0), lambda: random.randrange(5, 5), lambda: random.choice([]),
            lambda: random.sample([1, 2], 3), lambda: random.sample({1, 2}, 1),
            lambda: random.randrange(1, 10, 0)]:
    try:
        bad()
    except Exception as e:
        print(type(e).__name__, e)
