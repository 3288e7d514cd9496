# Recursion that never enters a Python frame (a callable instance as its own __call__, a
# descriptor or metaclass __call__ cycle, containers nested 100,000 deep) ends in
# RecursionError, with CPython's messages, and the interpreter stays usable afterwards.
import json
def t(name, f):
    try:
        r = f()
        print(name, "no error", type(r).__name__)
    except RecursionError as e:
        print(name, "RecursionError", e)
class C: pass
c = C()
C.__call__ = c
t("__call__ = instance", lambda: c())
class D:
    pass
d = D()
D.__get__ = d
D.__call__ = d
class HasD:
    attr = d
t("descriptor __get__ instance", lambda: HasD().attr)
class M(type):
    pass
class K(metaclass=M):
    pass
M.__call__ = K
t("metaclass __call__ = class", lambda: K())
deep = []
for i in range(100000):
    deep = [deep]
deep2 = []
for i in range(100000):
    deep2 = [deep2]
t("repr deep list", lambda: repr(deep))
t("== deep lists", lambda: deep == deep2)
dt = ()
for i in range(100000):
    dt = (dt,)
t("repr deep tuple", lambda: repr(dt))
dd = {}
for i in range(100000):
    dd = {1: dd}
t("repr deep dict", lambda: repr(dd))
t("json.dumps deep", lambda: json.dumps(deep))
ic = int
for i in range(100000):
    ic = (ic,)
t("isinstance deep tuple", lambda: isinstance(1, ic))
t("str deep list", lambda: str(deep))
t("< deep lists", lambda: deep < deep2)
# the depth counters are released on the way out: the same errors again, then deep
# ordinary recursion still reaches close to the limit
for i in range(3):
    t("again %d" % i, lambda: c())
def f(n):
    return 0 if n == 0 else 1 + f(n - 1)
print(f(900))
print("done")
