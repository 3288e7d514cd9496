"""Round-robin tournament: itertools + seeded random + dataclasses(order) + textwrap table."""
import itertools
import random
import textwrap
from dataclasses import dataclass, field
from typing import Dict, List, Tuple


@dataclass(order=True)
class Standing:
    sort_key: Tuple[int, int, int] = field(init=False, repr=False)
    team: str
    played: int = 0
    won: int = 0
    drawn: int = 0
    lost: int = 0
    goals_for: int = 0
    goals_against: int = 0

    @property
    def points(self) -> int:
        return 3 * self.won + self.drawn

    def refresh(self):
        self.sort_key = (-self.points, -(self.goals_for - self.goals_against), -self.goals_for)


TEAMS = {"Lions": 1.8, "Tigers": 1.5, "Bears": 1.2, "Wolves": 1.0, "Eagles": 0.8, "Sharks": 1.4}
rng = random.Random(31337)


def goals(strength: float) -> int:
    # Poisson sample by inversion (Knuth), driven by the seeded generator.
    import math
    limit, k, p = math.exp(-strength), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


table: Dict[str, Standing] = {t: Standing(t) for t in TEAMS}
results: List[str] = []
for home, away in itertools.combinations(TEAMS, 2):
    hg, ag = goals(TEAMS[home] * 1.1), goals(TEAMS[away])
    results.append("%s %d-%d %s" % (home, hg, ag, away))
    for team, gf, ga in ((home, hg, ag), (away, ag, hg)):
        s = table[team]
        s.played += 1
        s.goals_for += gf
        s.goals_against += ga
        if gf > ga:
            s.won += 1
        elif gf == ga:
            s.drawn += 1
        else:
            s.lost += 1
for s in table.values():
    s.refresh()
print(textwrap.fill("; ".join(results), 70))
print()
print("%-3s %-8s %2s %2s %2s %2s %3s %3s %4s" % ("#", "Team", "P", "W", "D", "L", "GF", "GA", "Pts"))
for pos, s in enumerate(sorted(table.values()), 1):
    print("%-3d %-8s %2d %2d %2d %2d %3d %3d %4d" % (pos, s.team, s.played, s.won, s.drawn, s.lost,
                                                      s.goals_for, s.goals_against, s.points))
champion = min(table.values())
print("champion:", champion.team, "with", champion.points, "points")
pairs = list(itertools.permutations("ABC", 2))
print(pairs, list(itertools.accumulate([s.points for s in sorted(table.values())])))
groups = {k: [s.team for s in g] for k, g in itertools.groupby(sorted(table.values()), key=lambda s: s.points // 5)}
print(groups)
