"""Seeded Monte Carlo dice simulation: random + statistics + collections + textwrap."""
import random
import statistics
import textwrap
from collections import Counter

rng = random.Random(2024)
rolls = [rng.randint(1, 6) + rng.randint(1, 6) for _ in range(5000)]
counts = Counter(rolls)
print("most common:", counts.most_common(3))
for total in range(2, 13):
    bar = "#" * (counts[total] // 25)
    print("%2d %4d %s" % (total, counts[total], bar))
print("mean %.4f median %s mode %s stdev %.4f" % (statistics.mean(rolls), statistics.median(rolls),
                                                  statistics.mode(rolls), statistics.stdev(rolls)))

# Craps: estimate the pass-line win probability.
def craps(r):
    first = r.randint(1, 6) + r.randint(1, 6)
    if first in (7, 11):
        return True
    if first in (2, 3, 12):
        return False
    while True:
        roll = r.randint(1, 6) + r.randint(1, 6)
        if roll == first:
            return True
        if roll == 7:
            return False

random.seed("craps")
wins = sum(craps(random) for _ in range(3000))
print("craps wins %d/3000 = %.3f" % (wins, wins / 3000))

# Bootstrap confidence interval for the mean of a small sample.
sample = [rng.gauss(50, 10) for _ in range(30)]
boots = sorted(statistics.fmean(rng.choices(sample, k=len(sample))) for _ in range(400))
print("sample mean %.3f, 95%% CI [%.3f, %.3f]" % (statistics.fmean(sample), boots[10], boots[389]))
print(textwrap.fill("Rolled values in order of first appearance: " +
                    ", ".join(str(v) for v in dict.fromkeys(rolls[:200])), width=60))
deck = [r + s for s in "SHDC" for r in "A23456789TJQK"]
rng.shuffle(deck)
hands = [sorted(deck[i * 5:(i + 1) * 5]) for i in range(4)]
for h in hands:
    print(" ".join(h))
print(rng.sample(range(1, 50), 6), rng.random(), rng.uniform(10, 20), rng.choice(deck))
