# Private name mangling: inside a class body (and the functions, lambdas and comprehensions
# nested in it, until another class) `__name` not ending in `__` is `_Class__name`.
import sys


def keys(obj, part):
    return sorted(k for k in vars(obj) if part in k and not k.endswith("__"))


# --- attributes, methods, class attributes
class Account:
    __rate = 3
    _Account__other = "direct"

    def __init__(self, balance):
        self.__balance = balance
        self.__dunder__ = "dunder"

    def __add(self, n):
        self.__balance += n * Account.__rate
        return self.__balance

    def deposit(self, n):
        return self.__add(n)

    def read(self, other):
        return other.__balance

    def rate(self):
        return self.__rate, type(self).__rate, Account._Account__rate

    def remove(self):
        del self.__balance
        return hasattr(self, "_Account__balance"), hasattr(self, "__balance")


a = Account(10)
print("deposit", a.deposit(2), a.read(Account(5)), a.rate())
print("instance keys", keys(a, "balance"), keys(a, "dunder"))
print("class keys", keys(Account, "rate"), keys(Account, "add"), keys(Account, "other"))
print("getattr", getattr(a, "_Account__balance"), getattr(a, "__balance", "missing"))
try:
    a.__balance
except AttributeError as e:
    print("outside AttributeError")
print("remove", a.remove())
print("method name", Account._Account__add.__name__, Account._Account__add.__qualname__)
print("code names", Account.__init__.__code__.co_names)


# --- dunder names and names with underscores only are untouched
class Dunders:
    __init_subclass_called = []

    def __len__(self):
        return 3

    def __repr__(self):
        return "<Dunders>"

    def names(self):
        __ = 1
        ___ = 2
        __x__ = 3
        return sorted(k for k in locals() if k != "self")


print("dunders", len(Dunders()), repr(Dunders()), Dunders().names())


# --- leading underscores of the class name are stripped; all-underscore names do not mangle
class _Private:
    __a = 1


class __Double:
    __a = 2


class _:
    __a = 3


class ___:
    __a = 4


print("stripped", keys(_Private, "a"), keys(__Double, "a"), keys(_, "a"), keys(___, "a"))


# --- inheritance: each class sees its own private attribute on one instance
class Base:
    def __init__(self):
        self.__x = "base"

    def base_x(self):
        return self.__x


class Derived(Base):
    def __init__(self):
        super().__init__()
        self.__x = "derived"

    def derived_x(self):
        return self.__x


d = Derived()
print("inheritance", d.base_x(), d.derived_x(), keys(d, "x"))


# --- nested classes: the innermost class's name wins, functions inherit the class's name
class Outer:
    __v = "outer"

    class Inner:
        __v = "inner"

        def get(self):
            return self.__v

        def get_outer(self):
            return Outer.__v if False else Outer._Outer__v

    class __Hidden:
        pass

    def get(self):
        def nested():
            def deeper():
                return self.__v

            return deeper()

        return nested()


print("nested", Outer.Inner().get(), Outer.Inner().get_outer(), Outer().get())
print("nested keys", keys(Outer, "Hidden"), keys(Outer.Inner, "v"))
print(
    "hidden class",
    Outer._Outer__Hidden.__name__,
    Outer._Outer__Hidden.__qualname__,
)


# --- comprehensions, lambdas, generator expressions, closures inside methods
class Comp:
    def __init__(self):
        self.__items = [1, 2, 3]

    def run(self):
        __scale = 10
        doubled = [x * __scale for x in self.__items]
        total = sum(x for x in self.__items)
        by = {x: self.__items.index(x) for x in self.__items}
        f = lambda __k=2: [__k * y for y in self.__items]
        return doubled, total, by, f(), f(3)

    def closure(self):
        __count = 0

        def inc():
            nonlocal __count
            __count += 1
            return __count

        inc()
        inc()
        return inc(), inc.__code__.co_freevars, self.closure.__code__.co_cellvars


print("comp", Comp().run())
print("closure", Comp().closure())


# --- globals and nonlocal declarations are mangled too
_G__counter = 100


class G:
    def bump(self):
        global __counter
        __counter += 1
        return __counter


print("global", G().bump(), _G__counter, "__counter" in globals())


# --- parameters are mangled, keyword arguments of calls are not
class Params:
    def f(self, __a, *, __k=5):
        return __a, __k

    def call_kw(self):
        try:
            return self.f(1, __k=2)
        except TypeError as e:
            return "TypeError: " + str(e)

    def call_mangled_kw(self):
        return self.f(1, _Params__k=2)


p = Params()
print("params", Params.f.__code__.co_varnames, Params.f.__kwdefaults__)
print("kw", p.call_kw(), p.call_mangled_kw(), p.f(__a=7) if False else p.f(7))


# --- annotations in class bodies and of parameters
class Ann:
    __field: int = 1
    plain: str = "p"

    def m(self, __a: int, *, __b: str = "b") -> None:
        pass


print("annotations", Ann.__annotations__, Ann.m.__annotations__)


# --- imports: aliases are mangled, dotted names are not
class Imp:
    import os.path as __path
    from os import sep as __sep

    def where(self):
        return self.__path.join("a", "b"), self.__sep


print("imports", keys(Imp, "path"), keys(Imp, "sep"), Imp().where())
sys.modules["_Imp2__fake"] = "fake module"


class Imp2:
    import __fake

    def fake(self):
        return self.__fake


print("import mangled module", Imp2().fake(), keys(Imp2, "fake"))


# --- string literals and getattr/setattr strings are not mangled
class Strings:
    def __init__(self):
        setattr(self, "__s", 1)
        self.__t = 2

    def get(self):
        return getattr(self, "__s"), getattr(self, "_Strings__t"), "__t"


print("strings", Strings().get(), keys(Strings(), "s"))


# --- `__slots__` entries are mangled too
class Slotted:
    __slots__ = ("__x", "y")

    def __init__(self):
        self.__x = 1
        self.y = 2

    def get(self):
        return self.__x, self.y


s = Slotted()
print("slots", s.get(), s._Slotted__x)
try:
    s.__x = 5
except AttributeError:
    print("slots outside AttributeError")


# --- del of names and attributes, match captures, except names, walrus
class Misc:
    __gone = 1
    del __gone

    def run(self, v):
        out = []
        match v:
            case [__head, *__tail]:
                out.append((__head, __tail))
        try:
            raise ValueError("e")
        except ValueError as __err:
            out.append(type(__err).__name__)
        if (__w := len(out)) > 0:
            out.append(__w)
        for __i in range(2):
            pass
        out.append(__i)
        return out, sorted(k for k in Misc.run.__code__.co_varnames if "Misc" in k)


print("misc", keys(Misc, "gone"), Misc().run([1, 2, 3]))


# --- class-level code: comprehension over a private class variable, functions defined at
# class level reading module names
class Level:
    __base = [1, 2]
    __twice = [x * 2 for x in __base]
    __lam = lambda: "lam"
    __gen = list(x + 1 for x in (1, 2))


print("class level", Level._Level__twice, Level._Level__lam(), Level._Level__gen)


# --- super with private attributes, properties with private storage
class Prop:
    def __init__(self):
        self.__v = 0

    @property
    def v(self):
        return self.__v

    @v.setter
    def v(self, x):
        self.__v = x * 2


pr = Prop()
pr.v = 21
print("property", pr.v, keys(pr, "v"))


# --- a function defined outside any class is never mangled, even when set on a class
def outside(self):
    return self.__hidden


class Holder:
    pass


h = Holder()
h.__hidden = "plain"
Holder.outside = outside
print("outside", h.outside(), keys(h, "hidden"))


# --- type() with a dict: no compiler, no mangling
T = type("T", (), {"__z": 1})
print("type()", keys(T, "z"))


# --- exec inside a class body method is compiled on its own (no class context)
class Ex:
    def run(self):
        ns = {}
        exec("__q = 1", ns)
        return "__q" in ns


print("exec", Ex().run())
