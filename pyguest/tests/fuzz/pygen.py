"""Random Python programs, deterministic per seed, for differential testing against CPython.

`generate(seed)` returns the source of a program that ends quickly (every loop is bounded, no
recursion without a depth limit, no input) and prints what it computes: ints (small and big),
floats, strings, lists, tuples, dicts, sets, classes with methods, properties and
inheritance, closures, generators, comprehensions, exceptions raised and caught, and
f-strings. Statements that may raise run inside `try` blocks that print the exception's type
and message, so a different message is a difference too.

The program never prints what CPython leaves unspecified: ids, hashes of str, the order of
sets of strings (sets are printed sorted), object reprs with addresses.

Feature classes that are known to differ from CPython today can be switched off by name
(`FEATURES`, `--without`); the runner (`pyguest/tests/fuzz/diff_cpython.py`) documents which
ones are off by default and why.
"""

import random

# Every feature class the generator knows; each can be switched off.
FEATURES = [
    "int", "bigint", "float", "str", "list", "tuple", "dict", "set", "class", "closure",
    "generator", "comprehension", "exception", "fstring", "while", "slice", "format",
    "float_edge", "str_methods", "builtins",
]

SMALL_INTS = [0, 1, 2, 3, 5, 7, -1, -2, -7, 10, 100, 255, 256, 1000, -1000, 2**31 - 1, -(2**31)]
BIG_INTS = [2**63 - 1, -(2**63), 2**64, 10**20, -(10**25) + 7, 3**50]
FLOATS = ["0.0", "-0.0", "0.5", "1.5", "-2.25", "3.141592653589793", "1e-07", "1e16", "2.5e+300",
          "0.1", "123.456", "-7.0"]
FLOAT_EDGES = ["float('inf')", "float('-inf')", "float('nan')", "1e308", "5e-324"]
STRS = ["''", "'a'", "'abc'", "'Hello, World'", "'  pad  '", "'x-y-z'", "'\u00e9t\u00e9'", "'12'",
        "'A1b2'", "'tab\\there'", "'line\\nbreak'", "'\u00df'", "'snake_case'", "'CamelCase'"]
NAMES = ["a", "b", "c", "d", "e", "f", "g", "h", "k", "m", "n", "p", "q", "r", "s", "t", "u", "v", "w"]


class Gen:
    def __init__(self, seed, features):
        self.r = random.Random(seed)
        self.features = set(features)
        self.lines = []
        self.indent = 0
        self.vars = {}  # name -> type ("int", "float", "str", "list", "dict", "set", "tuple", "obj")
        self.counter = 0
        self.classes = []
        self.funcs = []  # (name, arity)
        self.in_fstring = False

    def on(self, f):
        return f in self.features

    def emit(self, line):
        self.lines.append("    " * self.indent + line)

    def fresh(self, prefix="v"):
        self.counter += 1
        return f"{prefix}{self.counter}"

    def choice(self, xs):
        return self.r.choice(xs)

    def var_of(self, ty):
        names = [n for n, t in self.vars.items() if t == ty]
        return self.choice(names) if names else None

    # ---- expressions, by type ------------------------------------------------------------

    def int_expr(self, depth=0):
        r = self.r.random()
        v = self.var_of("int")
        if depth > 2 or r < 0.25:
            if v and self.r.random() < 0.6:
                return v
            if self.on("bigint") and self.r.random() < 0.15:
                return str(self.choice(BIG_INTS))
            return str(self.choice(SMALL_INTS))
        if r < 0.6:
            op = self.choice(["+", "-", "*", "//", "%", "&", "|", "^", "<<", ">>", "**"])
            a, b = self.int_expr(depth + 1), self.int_expr(depth + 1)
            if op in ("<<", ">>"):
                b = str(self.r.randint(0, 70))
            if op == "**":
                b = str(self.r.randint(0, 40))
            return f"({a} {op} {b})"
        if r < 0.7:
            return f"(-{self.int_expr(depth + 1)})"
        if r < 0.8 and self.on("str"):
            return f"len({self.str_expr(depth + 1)})"
        if r < 0.85 and self.on("list") and self.var_of("list"):
            return f"len({self.var_of('list')})"
        if r < 0.9 and self.on("builtins"):
            f = self.choice(["abs", "int", "hash"])
            return f"{f}({self.int_expr(depth + 1)})"
        if self.on("builtins"):
            a, b = self.int_expr(depth + 1), self.int_expr(depth + 1)
            return f"{self.choice(['min', 'max'])}({a}, {b})"
        return self.int_expr(depth + 1)

    def float_expr(self, depth=0):
        r = self.r.random()
        v = self.var_of("float")
        if depth > 2 or r < 0.3:
            if v and self.r.random() < 0.5:
                return v
            if self.on("float_edge") and self.r.random() < 0.1:
                return self.choice(FLOAT_EDGES)
            return self.choice(FLOATS)
        if r < 0.7:
            op = self.choice(["+", "-", "*", "/", "//", "%", "**"])
            a = self.float_expr(depth + 1)
            b = self.float_expr(depth + 1) if self.r.random() < 0.7 else self.int_expr(depth + 1)
            if op == "**":
                b = self.choice(["2", "0.5", "3", "-1", "0"])
            return f"({a} {op} {b})"
        if r < 0.8:
            return f"float({self.int_expr(depth + 1)})"
        if r < 0.9 and self.on("builtins"):
            return f"abs({self.float_expr(depth + 1)})"
        return f"round({self.float_expr(depth + 1)}, {self.r.randint(0, 4)})"

    def str_expr(self, depth=0):
        r = self.r.random()
        v = self.var_of("str")
        if depth > 2 or r < 0.3:
            if v and self.r.random() < 0.5:
                return v
            return self.choice(STRS)
        if r < 0.45:
            return f"({self.str_expr(depth + 1)} + {self.str_expr(depth + 1)})"
        if r < 0.55:
            return f"({self.str_expr(depth + 1)} * {self.r.randint(0, 3)})"
        if r < 0.65:
            return f"str({self.int_expr(depth + 1)})"
        if r < 0.7 and self.on("float"):
            return f"repr({self.float_expr(depth + 1)})"
        if r < 0.85 and self.on("str_methods"):
            s = self.str_expr(depth + 1)
            m = self.choice([
                "upper()", "lower()", "strip()", "title()", "capitalize()", "swapcase()",
                "replace('a', 'XY')", "center(9, '*')", "ljust(6, '.')", "rjust(6)", "zfill(5)",
                "casefold()", "lstrip('x ')", "expandtabs(4)",
            ])
            return f"{s}.{m}"
        if r < 0.9 and self.on("slice"):
            a, b = self.r.randint(-4, 4), self.r.randint(-4, 6)
            st = self.choice(["", ":2", ":-1", ":3"])
            return f"{self.str_expr(depth + 1)}[{a}:{b}{st}]"
        if self.on("fstring") and not self.in_fstring:
            # Not nested: an f-string inside another reuses its quotes (invalid before 3.12).
            self.in_fstring = True
            try:
                return self.fstring(depth + 1)
            finally:
                self.in_fstring = False
        return self.choice(STRS)

    def fstring(self, depth):
        parts = []
        for _ in range(self.r.randint(1, 3)):
            kind = self.r.random()
            if kind < 0.3:
                parts.append("txt ")
            elif kind < 0.6:
                spec = self.choice(["", ":>5", ":<4", ":^7", ":05d", ":x", ":,", ":+d"])
                parts.append("{" + self.int_expr(depth) + spec + "}")
            elif kind < 0.8 and self.on("float"):
                spec = self.choice(["", ":.2f", ":.3e", ":g", ":10.4f", ":.1%", ":+.1f"])
                parts.append("{" + self.float_expr(depth) + spec + "}")
            else:
                spec = self.choice(["", "!r", ":>8", ":.2"])
                parts.append("{" + self.str_expr(depth) + spec + "}")
        # No backslashes inside f-string expressions (a SyntaxError before 3.12).
        parts = [p if "\\" not in p else "{'no backslash'}" for p in parts]
        body = "".join(parts).replace("'", '"')
        return "f'" + body + "'"

    def list_expr(self, depth=0):
        r = self.r.random()
        v = self.var_of("list")
        if v and r < 0.3:
            return v
        if r < 0.6 or depth > 1:
            n = self.r.randint(0, 5)
            return "[" + ", ".join(self.int_expr(depth + 1) for _ in range(n)) + "]"
        if r < 0.8 and self.on("comprehension"):
            x = self.fresh("i")
            cond = f" if {x} % {self.r.randint(2, 4)}" if self.r.random() < 0.5 else ""
            return f"[{x} * {self.r.randint(-3, 3)} + {self.r.randint(0, 5)} for {x} in range({self.r.randint(0, 8)}){cond}]"
        if self.on("builtins"):
            f = self.choice(["sorted", "list(reversed", "list(range"])
            if f == "sorted":
                return f"sorted({self.list_expr(depth + 1)}, reverse={self.choice(['True', 'False'])})"
            if f == "list(reversed":
                return f"list(reversed({self.list_expr(depth + 1)}))"
            return f"list(range({self.r.randint(-3, 3)}, {self.r.randint(0, 9)}, {self.choice([1, 2, 3, -1])}))"
        return "[]"

    def value_expr(self, depth=0):
        kinds = ["int"]
        for k in ("float", "str", "list"):
            if self.on(k):
                kinds.append(k)
        k = self.choice(kinds)
        return getattr(self, f"{k}_expr")(depth), k

    # ---- statements ----------------------------------------------------------------------

    def print_stmt(self):
        e, _ = self.value_expr()
        self.guarded([f"print({e})"])

    def guarded(self, body):
        if self.on("exception"):
            self.emit("try:")
            self.indent += 1
            for b in body:
                self.emit(b)
            self.indent -= 1
            self.emit("except Exception as exc:")
            self.emit("    print(type(exc).__name__, exc)")
        else:
            for b in body:
                self.emit(b)

    def assign(self):
        e, k = self.value_expr()
        name = self.choice(NAMES)
        self.emit(f"{name} = 0")
        self.vars.setdefault(name, "int")
        self.guarded([f"{name} = {e}"])
        # The assignment may have failed, leaving the 0: only an int is certain.
        self.vars[name] = "int" if k == "int" else "unknown"
        self.emit(f"print({name!r}, repr({name}))")

    def for_loop(self, depth):
        x = self.fresh("i")
        acc = self.fresh("acc")
        self.emit(f"{acc} = 0")
        self.emit(f"for {x} in range({self.r.randint(0, 30)}):")
        self.indent += 1
        self.vars[x] = "int"
        op = self.choice(["+", "-", "^", "*"])
        self.emit(f"{acc} = ({acc} {op} {x} * {self.r.randint(1, 9)}) % {self.choice([97, 10**9 + 7, 2**64])}")
        if self.r.random() < 0.5:
            self.emit(f"if {x} % {self.r.randint(2, 5)} == 0:")
            self.emit(f"    {acc} += {self.r.randint(1, 3)}")
        if depth < 2 and self.r.random() < 0.3:
            self.block(depth + 1, 2)
        if self.r.random() < 0.2:
            self.emit(f"if {acc} > {self.r.randint(50, 500)}:")
            self.emit("    break")
        self.indent -= 1
        del self.vars[x]
        self.emit(f"print('loop', {acc})")

    def while_loop(self):
        n = self.fresh("n")
        self.emit(f"{n} = {self.r.randint(1, 300)}")
        steps = self.fresh("steps")
        self.emit(f"{steps} = 0")
        self.emit(f"while {n} != 1 and {steps} < 500:")
        self.emit(f"    {n} = {n} // 2 if {n} % 2 == 0 else 3 * {n} + 1")
        self.emit(f"    {steps} += 1")
        self.emit(f"print('collatz', {steps})")

    def dict_stmt(self):
        d = self.fresh("d")
        n = self.r.randint(0, 6)
        items = ", ".join(f"{self.str_expr(2)}: {self.int_expr(2)}" for _ in range(n))
        self.guarded([f"{d} = {{{items}}}", f"{d}[{self.str_expr(2)}] = {self.int_expr(2)}",
                      f"print(len({d}), sorted({d}.items()))",
                      f"print({d}.get({self.str_expr(2)}, 'missing'), list({d})[:3])",
                      f"print({d}.pop({self.str_expr(2)}, None), sum({d}.values()))"])

    def set_stmt(self):
        a, b = self.fresh("s"), self.fresh("s")
        self.emit(f"{a} = set({self.list_expr(1)})")
        self.emit(f"{b} = {{{', '.join(self.int_expr(2) for _ in range(self.r.randint(1, 4)))}}}")
        op = self.choice(["|", "&", "-", "^"])
        self.guarded([f"print(sorted({a} {op} {b}), len({a}), {a} <= {b}, {self.int_expr(2)} in {a})"])

    def tuple_stmt(self):
        t = self.fresh("t")
        self.guarded([f"{t} = ({self.int_expr(1)}, {self.str_expr(1)}, {self.list_expr(1)})",
                      f"x, y, z = {t}",
                      f"print({t}, x, y, z, {t}[{self.r.randint(-3, 2)}], {t} < ({self.int_expr(1)},))"])

    def list_stmt(self):
        name = self.fresh("l")
        self.emit(f"{name} = {self.list_expr()}")
        ops = [f"{name}.append({self.int_expr(1)})", f"{name}.extend({self.list_expr(1)})",
               f"{name}.insert({self.r.randint(-3, 3)}, {self.int_expr(1)})",
               f"print({name}.pop())", f"{name}.sort()", f"{name}.reverse()",
               f"print({name}.index({self.int_expr(1)}))", f"print({name}.count({self.int_expr(1)}))",
               f"{name}[{self.r.randint(-3, 3)}] = {self.int_expr(1)}",
               f"del {name}[{self.r.randint(-2, 2)}:{self.r.randint(0, 4)}]",
               f"print({name}[{self.r.randint(-3, 3)}:{self.r.randint(-3, 5)}])",
               f"print(sum({name}), min({name}), max({name}))"]
        self.guarded([self.choice(ops) for _ in range(self.r.randint(1, 4))] + [f"print({name})"])
        self.vars[name] = "list"

    def class_stmt(self):
        cname = self.fresh("C")
        base = self.choice(self.classes) if self.classes and self.r.random() < 0.5 else None
        self.emit(f"class {cname}{'(' + base + ')' if base else ''}:")
        self.indent += 1
        self.emit(f"k = {self.choice(SMALL_INTS)}")
        self.emit("def __init__(self, x):")
        if base:
            self.emit("    super().__init__(x + 1)")
        self.emit(f"    self.x = x * {self.r.randint(1, 4)}")
        self.emit("def m(self, y):")
        self.emit(f"    return self.x + y + self.k")
        self.emit("def __repr__(self):")
        self.emit(f"    return '{cname}(' + repr(self.x) + ')'")
        if self.r.random() < 0.5:
            self.emit("@property")
            self.emit("def double(self):")
            self.emit("    return self.x * 2")
        if self.r.random() < 0.5:
            self.emit("def __eq__(self, other):")
            self.emit(f"    return isinstance(other, {cname}) and self.x == other.x")
            self.emit("def __hash__(self):")
            self.emit("    return hash(self.x)")
        if self.r.random() < 0.4:
            self.emit("def __lt__(self, other):")
            self.emit("    return self.x < other.x")
        self.indent -= 1
        self.classes.append(cname)
        o = self.fresh("o")
        self.guarded([f"{o} = {cname}({self.int_expr(2)})",
                      f"print({o}, {o}.m({self.int_expr(2)}), getattr({o}, 'double', None), isinstance({o}, {cname}))",
                      f"print(sorted([{cname}(3), {cname}(1), {cname}(2)], key=lambda z: -z.x))",
                      f"{o}.extra = {self.str_expr(2)}",
                      f"print(hasattr({o}, 'extra'), {o}.extra, type({o}).__name__)"])

    def closure_stmt(self):
        f = self.fresh("make")
        self.emit(f"def {f}(start):")
        self.emit("    total = start")
        self.emit("    def add(x):")
        self.emit("        nonlocal total")
        self.emit(f"        total = total {self.choice(['+', '-', '*'])} x")
        self.emit("        return total")
        self.emit("    return add")
        g = self.fresh("g")
        self.emit(f"{g} = {f}({self.choice(SMALL_INTS)})")
        self.guarded([f"print([{g}(i) for i in range({self.r.randint(0, 6)})])"])

    def generator_stmt(self):
        f = self.fresh("gen")
        self.emit(f"def {f}(n):")
        self.emit("    for i in range(n):")
        self.emit(f"        if i % {self.r.randint(2, 4)} == 0:")
        self.emit("            yield i * i")
        self.emit("        else:")
        self.emit(f"            yield from range(i, i + {self.r.randint(0, 3)})")
        self.emit("    return 'done'")
        n = self.r.randint(0, 10)
        self.guarded([f"print(list({f}({n})), sum({f}({n})), next(iter({f}({n + 1})), None))",
                      f"print(dict(enumerate({f}({n}))), list(zip({f}({n}), 'abcdef')))"])

    def exception_stmt(self):
        exc = self.choice(["ValueError", "KeyError", "IndexError", "TypeError",
                           "ZeroDivisionError", "RuntimeError", "ArithmeticError"])
        custom = self.fresh("E")
        self.emit(f"class {custom}({exc}):")
        self.emit("    pass")
        self.emit("try:")
        self.emit("    try:")
        self.emit(f"        raise {custom}({self.str_expr(2)})")
        self.emit(f"    except {self.choice([exc, custom, 'Exception'])} as inner:")
        self.emit(f"        print('inner', type(inner).__name__, inner.args)")
        if self.r.random() < 0.5:
            self.emit(f"        raise ValueError({self.int_expr(2)}) from inner")
        self.emit("    finally:")
        self.emit("        print('finally')")
        self.emit("except ValueError as outer:")
        self.emit("    print('outer', outer, type(outer.__cause__).__name__)")
        trig = self.choice(["1 // 0", "[][1]", "{}['k']", "int('x1')", "None + 1", "'a' + 1",
                            "[1, 2].index(9)", "float('abc')", "(1).foo", "chr(-1)",
                            "1.0 / 0", "divmod(3, 0)", "int('12', 1)", "'%d' % 'x'",
                            "[1][::0]", "pow(0, -1)", "ord('ab')", "max([])"])
        self.guarded([f"print({trig})"])

    def format_stmt(self):
        fmt = self.choice(["'%d|%5d|%-4d|%x'", "'%s and %r'", "'%.3f|%8.2e|%g'", "'%05.1f%%'"])
        if "%d" in fmt:
            args = ", ".join(self.int_expr(2) for _ in range(4))
        elif "%s" in fmt:
            args = f"{self.str_expr(2)}, {self.str_expr(2)}"
        elif "%.3f" in fmt:
            args = ", ".join(self.float_expr(2) for _ in range(3))
        else:
            args = self.float_expr(2)
        self.guarded([f"print({fmt} % ({args},))",
                      f"print(format({self.int_expr(2)}, '{self.choice(['b', 'o', '08x', ',', '>10', '^+7'])}'))",
                      f"print('{{:{self.choice(['>8', '<8', '^8', '.3'])}}}'.format({self.str_expr(2)}))"])

    def block(self, depth, n):
        for _ in range(n):
            self.stmt(depth)

    def stmt(self, depth=0):
        table = [("print", 3), ("assign", 3)]
        for feat, w in [("for", 2), ("while", 1), ("dict", 1), ("set", 1), ("tuple", 1),
                        ("list", 2), ("class", 1), ("closure", 1), ("generator", 1),
                        ("exception", 1), ("format", 1)]:
            if feat in ("for",) or self.on(feat):
                table.append((feat, w))
        if depth > 0:
            table = [t for t in table if t[0] in ("print", "assign", "list")]
        total = sum(w for _, w in table)
        pick = self.r.uniform(0, total)
        for name, w in table:
            pick -= w
            if pick <= 0:
                break
        if name == "print":
            self.print_stmt()
        elif name == "assign":
            self.assign()
        elif name == "for":
            self.for_loop(depth)
        elif name == "while":
            self.while_loop()
        else:
            getattr(self, f"{name}_stmt")()


def generate(seed, without=()):
    """The source text of program number `seed`, with the feature classes in `without` off."""
    g = Gen(seed, [f for f in FEATURES if f not in without])
    g.emit(f"# generated by pyguest/tests/fuzz/pygen.py, seed {seed}")
    for n in NAMES:
        g.emit(f"{n} = {g.r.randint(-5, 20)}")
        g.vars[n] = "int"
    g.block(0, g.r.randint(8, 20))
    g.emit("print('end')")
    return "\n".join(g.lines) + "\n"


if __name__ == "__main__":
    import sys
    print(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 0), end="")
