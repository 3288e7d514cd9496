class M(type):
    def __new__(mcls, name, bases, ns, **kw):
        ns['added'] = 42
        return super().__new__(mcls, name, bases, ns)
    def __iter__(cls):
        return iter([1, 2, 3])
    def __len__(cls):
        return 3
    def __contains__(cls, x):
        return x == 2
    def __getitem__(cls, k):
        return k * 2
    def __repr__(cls):
        return "<M class " + cls.__name__ + ">"
    def helper(cls):
        return "helper of " + cls.__name__
    meta_attr = "from meta"

class C(metaclass=M):
    x = 1
    def f(self):
        return self.x + 10

print(type(C) is M, isinstance(C, type), C.__name__, C.x, C.added)
print(C.__bases__, [k.__name__ for k in C.__mro__])
print(C().f())
print(list(C), len(C), 2 in C, 5 in C, C[21])
print(repr(C))
print(C.helper(), C.meta_attr)

class D(C):
    y = 2
print(type(D) is M, D.added, D.y, D().f(), list(D))

class Counting(type):
    def __call__(cls, *args, **kw):
        print("creating", cls.__name__, args)
        return super().__call__(*args, **kw)
class E(metaclass=Counting):
    def __init__(self, v):
        self.v = v
print(E(5).v)

class Ordered(type):
    @classmethod
    def __prepare__(mcls, name, bases, **kw):
        print("prepare", name)
        return {"prepared": True}
class F(metaclass=Ordered):
    pass
print(F.prepared)

class Base:
    def __init_subclass__(cls, tag=None, **kw):
        super().__init_subclass__(**kw)
        cls.tag = tag
class G(Base, tag="g"):
    pass
print(G.tag)

class Desc:
    def __set_name__(self, owner, name):
        self.name = owner.__name__ + "." + name
class H:
    d = Desc()
print(H.d.name)

class MK(type):
    def __new__(mcls, name, bases, ns, flag=False):
        c = super().__new__(mcls, name, bases, ns)
        c.flag = flag
        return c
class K(metaclass=MK, flag=True):
    pass
print(K.flag)

print(type("T", (), {"z": 1}).z, type(M("Dyn", (), {})) is M)
