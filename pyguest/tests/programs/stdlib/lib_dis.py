# pyguest-only: the expected output is pyguest's own disassembly (pyguest compiles to its own
# instruction set, docs/pyguest-bytecode.md, so the op names, numbers and offsets differ from
# CPython's on purpose); check_lib_cpython.sh skips this program. Regenerate the .expected
# with target/debug/pyguest after a compiler change, and read the diff.
import dis
import io
import re


def clean(text):
    # object addresses vary from run to run; the stack size is the compiler's upper bound
    text = re.sub(r"Stack size: +\d+", "Stack size:        N", text)
    return re.sub(r"0x[0-9a-f]+", "0x...", text)


def show(x, **kw):
    out = io.StringIO()
    dis.dis(x, file=out, **kw)
    print(clean(out.getvalue()), end="")


def add(a, b=2):
    return a + b


def branchy(n):
    total = 0
    for i in range(n):
        if i % 3 == 0 and i != 6:
            total += i
        elif i > 10:
            break
        else:
            continue
    while total > 100:
        total //= 2
    return total


def handler(x):
    try:
        return 1 / x
    except ZeroDivisionError as e:
        return str(e)
    finally:
        print("done")


def closure(k):
    def inner(v):
        return v * k
    return inner


class Shape:
    sides = 0

    def area(self):
        return 0

    @staticmethod
    def unit():
        return Shape()


print("== dis(function)")
show(add)
print("== dis(code), nested code objects")
show(closure.__code__)
print("== depth=0")
show(closure, depth=0)
print("== dis(source)")
show("x = [n ** 2 for n in y if n]")
print("== dis(class)")
show(Shape)
print("== branches and handlers")
show(branchy)
show(handler)

print("== get_instructions")
for ins in dis.get_instructions(add):
    print(ins.opname, ins.opcode == dis.opmap[ins.opname], ins.arg, repr(ins.argval),
          repr(ins.argrepr), ins.offset, ins.starts_line, ins.is_jump_target)
print(repr(list(dis.get_instructions(add))[0])[:40])

print("== Bytecode")
bc = dis.Bytecode(add)
print(clean(repr(bc)), bc.first_line == add.__code__.co_firstlineno, bc.codeobj is add.__code__)
text = io.StringIO()
dis.dis(add, file=text)
print(bc.dis() == text.getvalue(), len(list(bc)))
print(dis.Bytecode(add, first_line=100).dis().splitlines()[0])
print(clean(bc.info()))

print("== code_info / show_code")
print(clean(dis.code_info(handler)))
out = io.StringIO()
dis.show_code(closure, file=out)
print(clean(out.getvalue()), end="")
print(dis.pretty_flags(0), dis.pretty_flags(3), dis.pretty_flags(0x23), dis.pretty_flags(1 << 20))

print("== co_* attributes")
co = branchy.__code__
print(type(co.co_code).__name__, len(co.co_code) % 4, co.co_consts, co.co_names, co.co_varnames)
print(closure.__code__.co_cellvars, closure(2).__code__.co_freevars, co.co_qualname,
      co.co_stacksize > 0)
print(clean(repr(closure.__code__.co_consts[0])))

print("== structural checks over every code object reachable from this module")


def codes(c):
    yield c
    for k in c.co_consts:
        if hasattr(k, "co_code"):
            yield from codes(k)


import sys
src = open(__file__).read()
top = compile(src, __file__, "exec")
count = bad = 0
names = set(dis.opname)
for c in codes(top):
    instrs = list(dis.get_instructions(c))
    offsets = {i.offset for i in instrs}
    labels = set(dis.findlabels(c))
    for i in instrs:
        count += 1
        if not i.opname or i.opname.startswith("<") or i.opname not in dis.opmap:
            bad += 1
            print("unnamed op", i)
        if i.opcode in dis.hasjabs and i.argval not in offsets:
            bad += 1
            print("jump to nowhere", c.co_name, i)
        if i.opcode in dis.hasjabs and not i.argrepr.startswith("to "):
            bad += 1
        if i.is_jump_target != (i.offset in labels):
            bad += 1
        if i.opcode in dis.hasconst and c.co_consts[i.arg] is not i.argval:
            bad += 1
        if i.opcode in dis.haslocal and i.argval != c.co_varnames[i.arg]:
            bad += 1
    for off in labels:
        if off not in offsets:
            bad += 1
            print("label outside the code", c.co_name, off)
    starts = [l for _, l in dis.findlinestarts(c)]
    if any(l < c.co_firstlineno for l in starts):
        bad += 1
        print("line before the first line", c.co_name)
print("instructions checked:", count > 200, "problems:", bad)
print(len(dis.opname), dis.opname[dis.opmap["LOAD_CONST"]], dis.cmp_op,
      dis.opmap["JUMP"] in dis.hasjabs, dis.hasjrel)

print("== errors")
for bad_arg in [42, object()]:
    try:
        dis.dis(bad_arg)
    except TypeError as e:
        print("TypeError", e)
try:
    dis.distb()
except RuntimeError as e:
    print("RuntimeError", e)
