# Every path on which Rust calls back into Python, made to recurse without a Python frame,
# and containers nested 200,000 deep. pyguest binds a built-in stored as a class attribute
# like a method (CPython does not), so `__len__ = len` recurses here; each line must end in
# RecursionError (run by tests/robustness.rs with a 2 GiB and a 4 MiB stack).
import sys, operator
def t(name, f):
    try:
        r = f()
        print(name, "no error", type(r).__name__)
    except RecursionError as e:
        print(name, "RecursionError")
    except Exception as e:
        print(name, type(e).__name__, e)

class C: pass
c = C()
C.__call__ = c
t("__call__ = instance", lambda: c())

class G:
    __getattr__ = getattr
t("__getattr__ = getattr", lambda: G().x)
class GA:
    __getattribute__ = getattr
t("__getattribute__ = getattr", lambda: GA().x)
class L:
    __len__ = len
t("__len__ = len", lambda: len(L()))
class B:
    __bool__ = bool
t("__bool__ = bool", lambda: bool(B()))
class B2:
    __len__ = operator.truth
t("__len__ = truth", lambda: not B2())
class I:
    __iter__ = iter
t("__iter__ = iter", lambda: iter(I()))
class R:
    __repr__ = repr
t("__repr__ = repr", lambda: repr(R()))
class S:
    __str__ = str
t("__str__ = str", lambda: str(S()))
class H:
    __hash__ = hash
t("__hash__ = hash", lambda: hash(H()))
class E:
    __eq__ = operator.eq
t("__eq__ = eq", lambda: E() == 1)
class X:
    __index__ = operator.index
t("__index__ = index", lambda: [1, 2][X()])
class Ad:
    __add__ = operator.add
t("__add__ = add", lambda: Ad() + 1)
class Gi:
    __getitem__ = operator.getitem
t("__getitem__ = getitem", lambda: Gi()[0])
class Ne:
    __neg__ = operator.neg
t("__neg__ = neg", lambda: -Ne())
class Co:
    __contains__ = operator.contains
t("__contains__ = contains", lambda: 1 in Co())
class F:
    __format__ = format
t("__format__ = format", lambda: format(F(), ''))
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
class MI(type):
    pass
class KI(metaclass=MI):
    pass
inst_check = KI()
MI.__instancecheck__ = inst_check
KI.__call__ = inst_check
t("__instancecheck__ = callable instance", lambda: isinstance(1, KI))

# deep data: Rust recursion with no Python frames at all
deep = []
for i in range(200000):
    deep = [deep]
t("repr deep list", lambda: repr(deep))
t("str deep list", lambda: str(deep))
deep2 = []
for i in range(200000):
    deep2 = [deep2]
t("== deep lists", lambda: deep == deep2)
t("< deep lists", lambda: deep < deep2)
dt = ()
for i in range(200000):
    dt = (dt,)
t("hash deep tuple", lambda: hash(dt))
t("repr deep tuple", lambda: repr(dt))
dd = {}
for i in range(200000):
    dd = {1: dd}
t("repr deep dict", lambda: repr(dd))
ic = int
for i in range(200000):
    ic = (ic,)
t("isinstance deep tuple", lambda: isinstance(1, ic))
import json
t("json.dumps deep", lambda: json.dumps(deep))
print("done")
