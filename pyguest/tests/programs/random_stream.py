# random: CPython's exact MT19937 stream through the native core, for int/big-int/str/bytes/float seeds
import random
for s in (0, 1, 42, -7, 2**100 + 12345, 3**300, "hello", "", "ünïcode", b"bytes", bytearray(b"ba"), 3.5):
    random.seed(s)
    print(repr(s)[:30], random.random(), random.getrandbits(1), random.getrandbits(31), random.getrandbits(64), random.getrandbits(100))
    print(random.randint(1, 6), random.randint(-10**30, 10**30), random.randrange(0, 100, 7), random.randrange(10))
    print(random.choice("abcdefg"), random.choices(range(10), k=5), random.choices("abc", weights=[1, 2, 3], k=4))
    l = list(range(20)); random.shuffle(l); print(l)
    print(random.sample(range(100), 5), random.sample(range(10**9), 3), random.uniform(2, 5), random.gauss(0, 1), random.gauss(10, 2))
    print(random.triangular(), random.expovariate(2), random.normalvariate(), random.betavariate(2, 3), random.randbytes(5))
r = random.Random(123)
st = r.getstate()
a = [r.random() for _ in range(700)]
r.setstate(st)
print(a == [r.random() for _ in range(700)], a[-1])
class MyR(random.Random):
    def random(self): return 0.5
print(MyR(1).randint(1, 100), MyR(1).choice([1,2,3]))
class MyB(random.Random):
    def getrandbits(self, k): return 1
print(MyB(1).randint(1, 100), MyB(1).random())
try:
    random.getrandbits(-1)
except ValueError as e: print("ValueError", e)
try:
    random.getrandbits(1.5)
except TypeError as e: print("TypeError", e)
print(random.Random("x").random(), random.Random(2**64).random())
