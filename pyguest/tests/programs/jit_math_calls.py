# math.sqrt/sin/cos/exp/atan in hot loops, through `import math` and `from math import`:
# floats and small ints, results at the edges of their domains (the general path raises the
# domain and range errors, returns inf and nan), a big int, bools, a float subclass, and a
# rebinding of the name in the middle of the loop.
import math
from math import sqrt, sin, cos, exp, atan


class F(float):
    pass


vals = [0.0, -0.0, 1.0, 2, 0.5, -1.0, 1e308, 710.0, -750.0, float("inf"), float("-inf"),
        float("nan"), 10**20, True, F(2.25), 3]
out = []
for i in range(400):
    x = vals[i % len(vals)]
    for f in (sqrt, sin, cos, exp, atan, math.sqrt, math.exp):
        try:
            r = f(x)
            out.append(repr(r))
        except (ValueError, OverflowError) as e:
            out.append(type(e).__name__ + ": " + str(e))
print(len(out), out[:60])
print(out[-30:])
t = 0.0
for i in range(5000):
    t += sqrt(i) + sin(i * 0.01) * cos(i * 0.02) + atan(i) - exp(-i * 0.001)
print(round(t, 6))
s = 0.0
for i in range(3000):
    if i == 1500:
        sqrt = lambda v: -1.0
    s += sqrt(i * 1.0)
print(round(s, 6))
