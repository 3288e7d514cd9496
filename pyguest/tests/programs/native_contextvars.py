# _contextvars (through CPython-compatible names): variables, tokens, contexts.
import _contextvars as cv

v = cv.ContextVar("v", default=1)
w = cv.ContextVar("w")
print(v.name, v.get(), w.get("fallback"))
try:
    w.get()
except LookupError as e:
    print("LookupError", type(e.args[0]).__name__, e.args[0] is w)
t = v.set(2)
print(v.get(), t.var is v, t.old_value is cv.Token.MISSING)
t2 = v.set(3)
print(v.get(), t2.old_value)
v.reset(t2)
print(v.get())
v.reset(t)
print(v.get())
try:
    v.reset(t)
except RuntimeError as e:
    print("RuntimeError: used once:", "has already been used once" in str(e))
try:
    w.reset(v.set(9))
except ValueError as e:
    print("ValueError:", "different ContextVar" in str(e))
try:
    v.reset(5)
except TypeError as e:
    print("TypeError:", e)

ctx = cv.copy_context()
v.set(10)
print(ctx[v], v.get(), v in ctx, w in ctx, len(ctx) >= 1)

def inside(x, scale=1):
    w.set(x * scale)
    return v.get(), w.get()

print(ctx.run(inside, 4, scale=10), ctx[w], w.get(None))
try:
    ctx.run(ctx.run, print)
except RuntimeError as e:
    print("RuntimeError: already entered:", "is already entered" in str(e))
tok = ctx.run(w.set, 7)
try:
    w.reset(tok)
except ValueError as e:
    print("ValueError:", "different Context" in str(e))
empty = cv.Context()
print(len(empty), list(empty), empty.get(v, "none"), empty.run(lambda: v.get()))
c2 = ctx.copy()
ctx.run(w.set, 99)
print(c2[w], ctx[w], sorted(x.name for x in ctx))
try:
    ctx[cv.ContextVar("z")]
except KeyError as e:
    print("KeyError", type(e.args[0]).__name__)
try:
    ctx["v"]
except TypeError as e:
    print("TypeError: key", "ContextVar key was expected" in str(e))
