# inspect: predicates, members, docs, signatures and source of plain Python objects.
import functools
import inspect


def plain(a, b, c=3):
    """Add things.

    More text here.
    """
    return a + b + c


def full(a, b=2, /, c=3, *args, d, e=5, **kw):
    pass


def annotated(x: int, y: "str" = "a", *, z: float = 1.5) -> bool:
    return True


def kwonly(*, flag=False):
    pass


def gen(n):
    yield n


class Base:
    """A base class."""

    def method(self, x, y=1):
        """Do the base thing."""
        return x

    @classmethod
    def make(cls, value):
        return cls()

    @staticmethod
    def helper(p, q=0):
        return p

    @property
    def prop(self):
        return 1


class Child(Base):
    def __init__(self, name, *, size=0):
        self.name = name

    def method(self, x, y=1):
        return x * 2


class Callable:
    def __call__(self, item, times=1):
        return item


def deco(f):
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        return f(*args, **kwargs)
    return wrapper


@deco
def wrapped(p, q=10):
    return p


obj = Child("x")
print(inspect.isclass(Child), inspect.isclass(obj), inspect.isfunction(plain), inspect.isfunction(obj.method))
print(inspect.ismethod(obj.method), inspect.ismethod(Child.method), inspect.ismethod(Base.make))
print(inspect.isgeneratorfunction(gen), inspect.isgeneratorfunction(plain), inspect.isgenerator(gen(1)),
      inspect.isgenerator([]))
print(inspect.iscoroutinefunction(plain), inspect.isbuiltin(len), inspect.isbuiltin(plain),
      inspect.isroutine(len), inspect.isroutine(plain), inspect.ismodule(inspect), inspect.ismodule(plain))
print(inspect.isabstract(Child), inspect.isdatadescriptor(Base.__dict__["prop"]), inspect.iscode(plain.__code__))
for f in (plain, full, annotated, kwonly, gen, obj.method, Base.make, Base.helper, Child, Callable(), wrapped,
          functools.partial(plain, 1), functools.partial(plain, c=9), lambda *a, **k: None):
    sig = inspect.signature(f)
    print(str(sig), [p.kind.name for p in sig.parameters.values()])
sig = inspect.signature(full)
for name, p in sig.parameters.items():
    print(name, p.kind, p.kind.description, p.default is p.empty, repr(p))
print(repr(sig), sig.return_annotation is inspect.Signature.empty)
asig = inspect.signature(annotated)
print(asig.parameters["x"].annotation, asig.parameters["y"].default, asig.return_annotation)
ba = inspect.signature(plain).bind(1, 2)
print(ba.arguments, ba.args, ba.kwargs)
ba.apply_defaults()
print(ba.arguments, repr(ba))
print(inspect.signature(full).bind(1, 2, 3, 4, 5, d=6, z=7).arguments)
for args, kw in (((1,), {}), ((1, 2, 3, 4), {}), ((1, 2), {"zz": 1})):
    try:
        inspect.signature(plain).bind(*args, **kw)
    except TypeError as e:
        print("TypeError:", e)
print(inspect.signature(plain).bind_partial(1).arguments)
P = inspect.Parameter
s2 = inspect.Signature([P("a", P.POSITIONAL_ONLY), P("b", P.POSITIONAL_OR_KEYWORD, default=1),
                        P("c", P.KEYWORD_ONLY, annotation=int)], return_annotation=str)
print(s2, s2 == inspect.Signature([P("a", P.POSITIONAL_ONLY), P("b", P.POSITIONAL_OR_KEYWORD, default=1),
                                   P("c", P.KEYWORD_ONLY, annotation=int)], return_annotation=str))
print(s2.replace(return_annotation=inspect.Signature.empty), P("x", P.VAR_KEYWORD), P("n", P.POSITIONAL_OR_KEYWORD).replace(default=None))
try:
    inspect.Signature([P("a", P.KEYWORD_ONLY), P("b", P.POSITIONAL_OR_KEYWORD)])
except ValueError as e:
    print("ValueError:", e)
try:
    inspect.signature(42)
except TypeError as e:
    print("TypeError:", e)
spec = inspect.getfullargspec(full)
print(spec)
print(inspect.getfullargspec(annotated).annotations)
print(repr(inspect.getdoc(plain)))
print(inspect.getdoc(Child), "|", inspect.getdoc(Child.method), "|", inspect.getdoc(Base.method))
print(repr(inspect.cleandoc("  first\n    second\n      third\n\n")))
names = [n for n, v in inspect.getmembers(Child) if not n.startswith("__")]
print(names)
print([n for n, v in inspect.getmembers(obj, inspect.ismethod) if not n.startswith("__")])
print([n for n, v in inspect.getmembers(Child, inspect.isfunction)])
print(inspect.getmro(Child) == (Child, Base, object), inspect.unwrap(wrapped) is not wrapped, inspect.unwrap(plain) is plain)
print(inspect.getsource(plain), end="")
print(inspect.getsource(wrapped), end="")
print(inspect.getsource(Callable), end="")
print(inspect.getsourcelines(gen)[1], inspect.getfile(plain).endswith("lib_inspect.py"), inspect.getmodule(plain).__name__)
