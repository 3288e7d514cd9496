# a live obj.__dict__ (reads and writes are the instance's attributes) and metaclass
# __prepare__ namespaces that are dict subclasses
class A:
    def __init__(self): self.x = 1; self.y = 2
    def m(self): return "method"
a = A()
d = a.__dict__
print(d, type(d) is dict)
d['z'] = 3
print(a.z, vars(a) is d)
a.w = 4
print(d)
del a.x
print(d, hasattr(a, 'x'))
a.__dict__.update(x=10)
print(a.x)
for i in range(3):
    print(a.m())
    if i == 1: a.__dict__['m'] = lambda: "shadow"
a.__dict__ = {'q': 1}
print(a.q, hasattr(a, 'y'), sorted(k for k in dir(a) if not k.startswith('__')))
class Meta(type):
    @classmethod
    def __prepare__(mcls, name, bases):
        return NS()
class NS(dict):
    def __setitem__(self, k, v):
        print("set", k)
        super().__setitem__(k, v)
    def __getitem__(self, k):
        print("get", k)
        return super().__getitem__(k)
class C(metaclass=Meta):
    a = 1
    b = a + 1
    del a
print(C.b, hasattr(C, "a"))
class St:
    def __init__(self): self.a = 1
    def __getstate__(self): return dict(self.__dict__, extra=2)
    def __setstate__(self, st): self.__dict__.update(st)
s = St.__new__(St)
s.__setstate__(St().__getstate__())
print(s.a, s.extra, sorted(vars(s)))
