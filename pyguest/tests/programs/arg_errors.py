# The TypeError messages of built-in functions, methods and constructors called with the
# wrong arguments (counts, keywords, receivers), compared with CPython 3.11's; and calls
# that pass required arguments by keyword, which must still work.


class User:
    pass


def attempt(src):
    try:
        r = eval(src)
    except TypeError as e:
        print(src, "-> TypeError:", e)
    else:
        print(src, "->", repr(r))


CASES = [
    # built-in functions: METH_O, positional-only, keywords
    "len()", "len([1], 2)", "len(obj=1)", "abs()", "chr()", "ord()", "hash()", "id()",
    "repr()", "ascii()", "hex()", "callable()", "any()", "all()",
    "divmod(1)", "divmod(1, 2, 3)", "isinstance(1)", "issubclass(int)", "getattr(1)",
    "getattr(1, 2, 3, 4)", "setattr(1, 2)", "delattr(1, 2, 3)", "hasattr(1)", "iter()",
    "iter(1, 2, 3)", "next()", "next(1, 2, 3)", "format()", "vars(1, 2)", "dir(1, 2)",
    "min()", "max()", "filter()", "reversed()", "sorted()", "sorted([], 1)", "eval()",
    "pow(1)", "pow()", "round()", "round(1, 2, 3)", "sum()", "sum([], 1, 2)", "exec()",
    "compile()", "__import__()", "memoryview()", "zip(x=1)", "print(x=1)",
    "globals(1)", "locals(1)",
    # methods
    "[].append()", "[].append(1, 2)", "''.join()", "{}.get()", "{}.get(1, 2, 3)",
    "{}.pop()", "{}.setdefault()", "[].copy(1)", "{}.keys(1)", "[].insert(1)",
    "[].index()", "[].pop(1, 2)", "[].sort(1)", "{1}.add()", "'a'.replace('a')",
    "'a'.split(1, 2, 3)", "'a'.split(x=1)", "'a'.split(sep=1, maxsplit=2, x=3)",
    "'a'.startswith()", "'a'.count()", "'a'.center()", "'a'.encode(1, 2, 3)",
    "(1).to_bytes(1, 2, 3, 4)", "(1).bit_length(1)", "(1.0).is_integer(1)",
    "b''.decode(1, 2, 3)", "{}.fromkeys()", "{}.update(1, 2)", "'a'.maketrans()",
    "[].__getitem__()", "(1).__add__()", "(1).__round__(1, 2)", "(1).__add__(x=1)",
    # receivers
    "list.copy()", "list.append()", "str.join()", "list.append(1, 2)", "dict.get('a', 1)",
    "str.upper(b'x')", "int.from_bytes()", "tuple.index(5, 1)", "set.add(frozenset(), 1)",
    # constructors
    "range()", "range(1, 2, 3, 4)", "int(1, 2, 3)", "str(1, 2, 3, 4)", "list(1, 2)",
    "dict(1, 2)", "tuple(1, 2)", "set(1, 2)", "frozenset(1, 2)", "float(1, 2)",
    "bytes(1, 2, 3, 4)", "complex(1, 2, 3)", "bool(1, 2)", "slice()", "list(x=1)",
    # required arguments passed by keyword
    "round(number=2.5)", "pow(base=2, exp=10)", "pow(2, exp=5, mod=7)",
    "int.from_bytes(bytes=b'\\x01\\x02', byteorder='little')", "list(enumerate(iterable='ab'))",
    "bytes(memoryview(object=b'ab'))", "(258).to_bytes(length=2, byteorder='big')",
    "'a b'.split(sep=' ')", "sorted([3, 1], key=None, reverse=True)",
    "int('ff', base=16)", "str(b'hi', encoding='ascii')", "min([2, 1], key=abs, default=0)",
    # keyword given twice
    "int('7', 10, base=10)", "round(2.5, number=1)",
]

for c in CASES:
    attempt(c)

# a user subclass of a built-in keeps its own constructor signature
class Pair(list):
    def __init__(self, a, b):
        super().__init__([a, b])


print(Pair(1, 2))
