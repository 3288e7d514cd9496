"""Seeded genetic algorithm evolving a target phrase: random + statistics + dataclasses."""
import random
import statistics
import string
from dataclasses import dataclass, field
from typing import List

TARGET = "METHINKS IT IS LIKE A WEASEL"
ALPHABET = string.ascii_uppercase + " "


@dataclass(order=True)
class Genome:
    fitness: int
    genes: str = field(compare=False)

    @classmethod
    def random(cls, rng: random.Random) -> "Genome":
        genes = "".join(rng.choice(ALPHABET) for _ in TARGET)
        return cls(score(genes), genes)


def score(genes: str) -> int:
    return sum(a == b for a, b in zip(genes, TARGET))


def mutate(genes: str, rng: random.Random, rate: float) -> str:
    return "".join(rng.choice(ALPHABET) if rng.random() < rate else g for g in genes)


def crossover(a: str, b: str, rng: random.Random) -> str:
    cut = rng.randrange(1, len(a))
    return a[:cut] + b[cut:]


def evolve(seed, pop_size=60, rate=0.04, max_gen=300):
    rng = random.Random(seed)
    population: List[Genome] = [Genome.random(rng) for _ in range(pop_size)]
    history = []
    for gen in range(max_gen):
        population.sort(reverse=True)
        best = population[0]
        history.append(statistics.fmean(g.fitness for g in population))
        if best.genes == TARGET:
            return gen, best, history
        elite = population[:pop_size // 5]
        weights = [g.fitness + 1 for g in population]
        children = list(elite)
        while len(children) < pop_size:
            pa, pb = rng.choices(population, weights=weights, k=2)
            child = mutate(crossover(pa.genes, pb.genes, rng), rng, rate)
            children.append(Genome(score(child), child))
        population = children
    return max_gen, max(population), history


for seed in (7, 2024):
    gens, best, history = evolve(seed)
    print("seed %d: generation %d best %r (%d/%d)" % (seed, gens, best.genes, best.fitness, len(TARGET)))
    print("  mean fitness every 10 gens:", [round(h, 2) for h in history[::10]])
rng = random.Random(5)
pool = list(range(10))
rng.shuffle(pool)
print(pool, rng.sample(pool, 3), rng.choices("ab", cum_weights=[1, 10], k=8), rng.getrandbits(40))
print([round(rng.gauss(0, 1), 6) for _ in range(4)], [round(rng.normalvariate(5, 2), 6) for _ in range(2)])
