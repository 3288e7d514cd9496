# str() of str subclasses, builtin types' dunders as CPython, qualified names in argument errors
class S(str):
    def __repr__(self):
        return "S(%s)" % str.__repr__(self)
s = S("abc")
print(str(s), repr(s), "%s" % s, f"{s}", s, str.__str__(s), type(str(s)).__name__)
class I(int):
    def __repr__(self):
        return "I!"
print(str(I(3)), repr(I(3)))
print("__len__" in int.__dict__, "__len__" in str.__dict__, hasattr(float, "__and__"), hasattr(int, "__and__"))
print(list.__hash__, dict.__hash__ is None, set.__hash__ is None, tuple.__hash__ is None)
class L(list): pass
try:
    hash(L())
except TypeError as e:
    print("TypeError:", e)
class K:
    def __init__(self, a, b=1): pass
    def m(self, x, *, y): pass
for f in (lambda: K(), lambda: K(1, 2, 3), lambda: K(1, c=2), lambda: K(1, a=2), lambda: K(1).m(1), lambda: K(1).m()):
    try:
        f()
    except TypeError as e:
        print("TypeError:", e)
def g(x): pass
g.__qualname__ = "Renamed.g"
try:
    g()
except TypeError as e:
    print("TypeError:", e)
