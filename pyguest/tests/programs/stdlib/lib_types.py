import sys
import types

# SimpleNamespace
ns = types.SimpleNamespace(a=1, b="two")
print(ns, ns.a, ns.b)
ns.c = [3]
del ns.a
print(ns, repr(ns))
print(ns == types.SimpleNamespace(b="two", c=[3]), ns == types.SimpleNamespace(b="x"))
print(sorted(vars(ns)))
try:
    types.SimpleNamespace(1)
except TypeError as e:
    print("TypeError", e)
try:
    hash(ns)
except TypeError:
    print("unhashable")
class Point(types.SimpleNamespace):
    pass
print(Point(x=1, y=2))
empty = types.SimpleNamespace()
print(empty, getattr(empty, "missing", "dflt"))

# type names
def f():
    pass
def g():
    yield 1
class K:
    def m(self):
        pass
print(isinstance(f, types.FunctionType), isinstance(lambda: 0, types.LambdaType))
print(isinstance(g(), types.GeneratorType), isinstance(f, types.GeneratorType))
print(isinstance(K().m, types.MethodType), isinstance(K.m, types.MethodType))
print(isinstance(len, types.BuiltinFunctionType), isinstance(sys, types.ModuleType))
print(isinstance(None, types.NoneType), types.NoneType is type(None))
print(isinstance(f.__code__, types.CodeType))
print(types.FunctionType is types.LambdaType, types.EllipsisType is type(...))

# MethodType binds a function to an object
def greet(self, greeting):
    return "%s, %s" % (greeting, self.name)
class Person:
    def __init__(self, name):
        self.name = name
p = Person("Ada")
p.greet = types.MethodType(greet, p)
print(p.greet("Hello"), p.greet.__self__ is p, p.greet.__func__ is greet)

# ModuleType creates modules
mod = types.ModuleType("plugin", "A dynamic module.")
mod.VALUE = 42
exec("def double(x):\n    return 2 * x\n", mod.__dict__)
print(mod.__name__, mod.__doc__, mod.VALUE, mod.double(21))
print(types.ModuleType("bare").__doc__)

# MappingProxyType
d = {"x": 1}
mp = types.MappingProxyType(d)
print(mp["x"], len(mp), "x" in mp, list(mp), mp.get("y", 0), repr(mp))
d["y"] = 2
print(sorted(mp.items()), mp == {"x": 1, "y": 2}, mp | {"z": 3})
try:
    mp["z"] = 3
except TypeError as e:
    print("TypeError", e)
try:
    types.MappingProxyType([1, 2])
except TypeError as e:
    print("TypeError", e)
print(mp.copy(), type(mp.copy()).__name__)

# new_class / prepare_class / resolve_bases
def body(ns):
    ns["x"] = 10
    ns["double"] = lambda self: self.x * 2
Dyn = types.new_class("Dyn", (object,), None, body)
print(Dyn.__name__, Dyn().double(), Dyn.x)
class Meta(type):
    def __new__(mcls, name, bases, ns, **kw):
        ns["made_by"] = "Meta"
        return super().__new__(mcls, name, bases, ns)
D2 = types.new_class("D2", (), {"metaclass": Meta})
print(type(D2).__name__, D2.made_by)
meta, ns2, kw = types.prepare_class("Z", (), {"metaclass": Meta, "flag": 1})
print(meta.__name__, ns2, kw)
print(types.resolve_bases((int, str)))
class Entry:
    def __mro_entries__(self, bases):
        return (dict,)
print(types.resolve_bases((Entry(), int)))
Sub = types.new_class("Sub", (Entry(),))
print(Sub.__bases__, Sub.__orig_bases__[0].__class__.__name__)

# GenericAlias
ga = types.GenericAlias(list, (int,))
print(ga, ga.__origin__, ga.__args__, ga([1, 2]))
print(types.GenericAlias(dict, (str, int)))
