# The smaller pieces CPython's Lib needs: _weakref, X | Y unions, sys attributes, exceptions.
import _weakref, sys, weakref, gc

class Obj:
    pass

o = Obj()
r = _weakref.ref(o)
print(r() is o, _weakref.getweakrefcount(o), isinstance(weakref.ref(o), _weakref.ReferenceType))
print(_weakref.ref is weakref.ref, type(_weakref.proxy(o)).__name__)
d = {"k": r}
_weakref._remove_dead_weakref(d, "k")
print(list(d))

u = int | str | None
print(u, u.__args__, type(u).__name__, (int | str) == (str | int), int | int)
print(isinstance(3, int | str), isinstance(3.0, int | str), issubclass(bool, int | str),
      isinstance(None, int | None), None | int, {int | str: 1}[str | int])
try:
    int | 3
except TypeError as e:
    print("TypeError:", e)

print(sys.warnoptions, sys._xoptions, isinstance(sys.prefix, str), sys.flags.optimize,
      sys.flags.dont_write_bytecode == sys.dont_write_bytecode, sys.getfilesystemencoding(),
      sys.getfilesystemencodeerrors(), sys.getdefaultencoding(), sys.hash_info.modulus,
      sys.maxunicode, sys.float_repr_style, sys.int_info.bits_per_digit, sys.is_finalizing())
print(sys.implementation.cache_tag is None or isinstance(sys.implementation.cache_tag, str),
      sys.implementation.version[:2], isinstance(sys.hexversion, int),
      callable(sys.excepthook), sys.excepthook is sys.__excepthook__)
sys.displayhook(None)
sys.displayhook([1, "x"])
print(_)
sys.settrace(None)
print(sys.gettrace(), sys.getprofile())
for e in [SystemError, TabError, UnicodeTranslateError]:
    print(e.__name__, [c.__name__ for c in e.__mro__])
print(IOError is OSError)
try:
    raise SystemError("bad internal call")
except Exception as e:
    print(type(e).__name__, e)
p = property(lambda self: 1, doc="first")
p.__doc__ = "second"
print(p.__doc__)
print(b"abc".startswith((b"x", b"a")), b"abc".endswith(b"b", 0, 2), b"abc".startswith((b"\xff",)))
print(all(__import__(n) for n in sys.builtin_module_names))
