"""Seeded maze generation and BFS solving: random + collections.deque + typing + enum."""
import random
from collections import deque
from enum import Enum
from typing import Dict, List, Optional, Set, Tuple

Cell = Tuple[int, int]


class Dir(Enum):
    N = (0, -1)
    S = (0, 1)
    E = (1, 0)
    W = (-1, 0)

    @property
    def dx(self) -> int:
        return self.value[0]

    @property
    def dy(self) -> int:
        return self.value[1]


def generate(width: int, height: int, rng: random.Random) -> Dict[Cell, Set[Dir]]:
    """Recursive-backtracker maze: passages[cell] is the set of open directions."""
    passages: Dict[Cell, Set[Dir]] = {(x, y): set() for x in range(width) for y in range(height)}
    opposite = {Dir.N: Dir.S, Dir.S: Dir.N, Dir.E: Dir.W, Dir.W: Dir.E}
    stack = [(0, 0)]
    seen = {(0, 0)}
    while stack:
        x, y = stack[-1]
        options = [d for d in Dir if (x + d.dx, y + d.dy) in passages and (x + d.dx, y + d.dy) not in seen]
        if not options:
            stack.pop()
            continue
        d = rng.choice(options)
        nxt = (x + d.dx, y + d.dy)
        passages[(x, y)].add(d)
        passages[nxt].add(opposite[d])
        seen.add(nxt)
        stack.append(nxt)
    return passages


def solve(passages: Dict[Cell, Set[Dir]], start: Cell, goal: Cell) -> Optional[List[Cell]]:
    prev: Dict[Cell, Optional[Cell]] = {start: None}
    queue = deque([start])
    while queue:
        cell = queue.popleft()
        if cell == goal:
            path = []
            while cell is not None:
                path.append(cell)
                cell = prev[cell]
            return path[::-1]
        for d in sorted(passages[cell], key=lambda d: d.name):
            nxt = (cell[0] + d.dx, cell[1] + d.dy)
            if nxt not in prev:
                prev[nxt] = cell
                queue.append(nxt)
    return None


def render(passages, width, height, path):
    on_path = set(path or [])
    lines = ["+" + "---+" * width]
    for y in range(height):
        row = "|"
        floor = "+"
        for x in range(width):
            row += " * " if (x, y) in on_path else "   "
            row += " " if Dir.E in passages[(x, y)] else "|"
            floor += "   +" if Dir.S in passages[(x, y)] else "---+"
        lines.append(row)
        lines.append(floor)
    return "\n".join(lines)


for seed in (1, 42, "maze"):
    rng = random.Random(seed)
    w, h = 8, 5
    maze = generate(w, h, rng)
    path = solve(maze, (0, 0), (w - 1, h - 1))
    print("seed %r: path length %d, dead ends %d" % (seed, len(path), sum(1 for v in maze.values() if len(v) == 1)))
    print(render(maze, w, h, path))
