"""Disassembler of pyguest's bytecode (`dis`), laid out like CPython 3.11's.

pyguest compiles to its own instruction set (docs/pyguest-bytecode.md), not CPython's, so
the op names, numbers and offsets printed here are pyguest's on purpose: one instruction is
a 4-byte word (`co_code` holds them little-endian, opcode in the low byte, argument in the
high 24 bits), so offsets go 0, 4, 8, ...; jump arguments are instruction indices, shown as
the offset they reach ("to 40"). The op table and the line and exception tables come from
the native `_pgdis` (`pyguest/src/modules/dis.rs`).

Provided: `dis` (functions, methods, classes, modules, code objects, source strings;
`depth`, `file`), `disassemble`/`disco`, `get_instructions`, `Bytecode` (iteration,
`dis()`, `info()`, `codeobj`, `first_line`), `Instruction`, `findlinestarts`, `findlabels`,
`code_info`, `show_code`, `pretty_flags`, `opname`, `opmap`, `cmp_op`, `hasconst`,
`hasname`, `haslocal`, `hasfree`, `hasjabs`, `hasjrel` (empty: no relative jumps),
`hascompare`, `COMPILER_FLAG_NAMES`. Not provided: `distb` (tracebacks carry no frames
with a last instruction), `stack_effect`, `show_caches`/`adaptive` (accepted, ignored), the
`positions` of instructions (always None).
"""

import collections
import sys

import _pgdis

__all__ = ["code_info", "dis", "disassemble", "distb", "disco", "findlinestarts",
           "findlabels", "show_code", "get_instructions", "Instruction", "Bytecode",
           "opname", "opmap", "cmp_op", "hasconst", "hasname", "hasjrel", "hasjabs",
           "haslocal", "hascompare", "hasfree", "HAVE_ARGUMENT", "EXTENDED_ARG",
           "pretty_flags", "COMPILER_FLAG_NAMES"]

_NAMES = _pgdis.opnames()
_KINDS = _pgdis.argkinds()

opname = ["<%r>" % (op,) for op in range(256)]
opmap = {}
for _op, _name in enumerate(_NAMES):
    opname[_op] = _name
    opmap[_name] = _op


def _ops_of(kind):
    return [op for op, k in enumerate(_KINDS) if k == kind]


hasconst = _ops_of("const")
hasname = _ops_of("name")
haslocal = _ops_of("local")
hasfree = _ops_of("cell")
hasjabs = _ops_of("jump")
hasjrel = []
hascompare = _ops_of("compare")
# every pyguest instruction has an argument field; those that ignore it print none
HAVE_ARGUMENT = 0
EXTENDED_ARG = None
cmp_op = ("<", "<=", "==", "!=", ">", ">=")
_BINOPS = ("+", "-", "*", "/", "//", "%", "**", "<<", ">>", "&", "|", "^", "@")
_CONVERSIONS = ((None, ""), (str, "str"), (repr, "repr"), (ascii, "ascii"))
_FUNCTION_FLAGS = ("defaults", "kwdefaults", "annotations", "closure")
_INSTR_SIZE = 4

COMPILER_FLAG_NAMES = {
    1: "OPTIMIZED",
    2: "NEWLOCALS",
    4: "VARARGS",
    8: "VARKEYWORDS",
    16: "NESTED",
    32: "GENERATOR",
    64: "NOFREE",
    128: "COROUTINE",
    256: "ITERABLE_COROUTINE",
    512: "ASYNC_GENERATOR",
}


def pretty_flags(flags):
    """The `co_flags` bits as names, as CPython prints them."""
    names = []
    for i in range(32):
        flag = 1 << i
        if flags & flag:
            names.append(COMPILER_FLAG_NAMES.get(flag, hex(flag)))
            flags ^= flag
            if not flags:
                break
    else:
        names.append(hex(flags))
    return ", ".join(names)


_Instruction = collections.namedtuple(
    "_Instruction",
    ["opname", "opcode", "arg", "argval", "argrepr", "offset", "starts_line",
     "is_jump_target", "positions"])

_OPNAME_WIDTH = 20
_OPARG_WIDTH = 5


class Instruction(_Instruction):
    """One instruction: `opname`, `opcode`, `arg` (None when the op ignores it), `argval`
    (the resolved argument: constant, name, jump offset), `argrepr`, `offset` (bytes),
    `starts_line` (line number or None), `is_jump_target`, `positions` (None)."""

    def _disassemble(self, lineno_width=3, mark_as_current=False, offset_width=4):
        fields = []
        if lineno_width:
            if self.starts_line is not None:
                fields.append(("%%%dd" % lineno_width) % self.starts_line)
            else:
                fields.append(" " * lineno_width)
        fields.append("-->" if mark_as_current else "   ")
        fields.append(">>" if self.is_jump_target else "  ")
        fields.append(repr(self.offset).rjust(offset_width))
        fields.append(self.opname.ljust(_OPNAME_WIDTH))
        if self.arg is not None:
            fields.append(repr(self.arg).rjust(_OPARG_WIDTH))
            if self.argrepr:
                fields.append("(" + self.argrepr + ")")
        return " ".join(fields).rstrip()


def _try_compile(source, name):
    try:
        return compile(source, name, "eval")
    except SyntaxError:
        pass
    return compile(source, name, "exec")


def _unwrap_code(x):
    """The code object behind a method, function, generator, async generator or coroutine;
    anything else as it is."""
    if hasattr(x, "__func__"):
        x = x.__func__
    for attr in ("__code__", "gi_code", "ag_code", "cr_code"):
        if hasattr(x, attr):
            return getattr(x, attr)
    return x


def _get_code_object(x):
    x = _unwrap_code(x)
    if isinstance(x, str):
        x = _try_compile(x, "<disassembly>")
    if hasattr(x, "co_code"):
        return x
    raise TypeError("don't know how to disassemble %s objects" % type(x).__name__)


def findlinestarts(code):
    """(offset, line) for every instruction that starts a new source line."""
    last = None
    for i, line in enumerate(_pgdis.lines(code)):
        if line and line != last:
            yield i * _INSTR_SIZE, line
            last = line


def _exception_entries(code):
    return [(start * _INSTR_SIZE, end * _INSTR_SIZE, handler * _INSTR_SIZE, depth)
            for start, end, handler, depth in _pgdis.exctable(code)]


def findlabels(code):
    """The offsets that jumps (and exception handlers) reach, sorted."""
    labels = set()
    words = _words(code)
    for w in words:
        op = w & 0xFF
        if op < len(_KINDS) and _KINDS[op] == "jump":
            labels.add((w >> 8) * _INSTR_SIZE)
    for _, _, handler, _ in _exception_entries(code):
        labels.add(handler)
    return sorted(labels)


def _words(code):
    raw = code.co_code
    return [int.from_bytes(raw[i:i + 4], "little") for i in range(0, len(raw), 4)]


def _get_instructions(code, first_line=None):
    consts = code.co_consts
    names = code.co_names
    varnames = code.co_varnames
    cells = code.co_cellvars + code.co_freevars
    linestarts = dict(findlinestarts(code))
    line_offset = 0
    if first_line is not None:
        line_offset = first_line - code.co_firstlineno
    labels = set(findlabels(code))
    for i, w in enumerate(_words(code)):
        op = w & 0xFF
        arg = w >> 8
        offset = i * _INSTR_SIZE
        kind = _KINDS[op] if op < len(_KINDS) else "number"
        argval = arg
        argrepr = ""
        name = opname[op]
        if kind == "unused":
            arg = argval = None
        elif kind == "const":
            argval = consts[arg]
            argrepr = repr(argval)
        elif kind == "name":
            argval = argrepr = names[arg]
        elif kind == "local":
            argval = argrepr = varnames[arg]
        elif kind == "cell":
            argval = argrepr = cells[arg]
        elif kind == "jump":
            argval = arg * _INSTR_SIZE
            argrepr = "to " + repr(argval)
        elif kind == "binop":
            argrepr = _BINOPS[arg] if arg < len(_BINOPS) else ""
            if argrepr and name == "INPLACE_OP":
                argrepr += "="
        elif kind == "compare":
            argval = cmp_op[arg]
            argrepr = argval
        elif name == "FORMAT_VALUE":
            argval = (_CONVERSIONS[arg & 3][0], bool(arg & 4))
            argrepr = _CONVERSIONS[arg & 3][1]
            if argval[1]:
                argrepr = argrepr + ", with format" if argrepr else "with format"
        elif name == "MAKE_FUNCTION":
            argrepr = ", ".join(s for k, s in enumerate(_FUNCTION_FLAGS) if arg & (1 << k))
        starts = linestarts.get(offset)
        if starts is not None:
            starts += line_offset
        yield Instruction(name, op, arg, argval, argrepr, offset, starts,
                          offset in labels, None)


def get_instructions(x, *, first_line=None, show_caches=False, adaptive=False):
    """An iterator of `Instruction`s of a function, method, code object or source string."""
    return _get_instructions(_get_code_object(x), first_line)


def _disassemble_code(co, lasti=-1, file=None, line_offset=0):
    linestarts = dict(findlinestarts(co))
    if linestarts:
        maxlineno = max(linestarts.values()) + line_offset
        lineno_width = len(str(maxlineno)) if maxlineno >= 1000 else 3
    else:
        lineno_width = 0
    maxoffset = len(co.co_code) - _INSTR_SIZE
    offset_width = len(str(maxoffset)) if maxoffset >= 10000 else 4
    first_line = co.co_firstlineno + line_offset if line_offset else None
    for instr in _get_instructions(co, first_line):
        if linestarts and instr.starts_line is not None and instr.offset > 0:
            print(file=file)
        print(instr._disassemble(lineno_width, instr.offset == lasti, offset_width), file=file)
    entries = _exception_entries(co)
    if entries:
        print("ExceptionTable:", file=file)
        for start, end, handler, depth in entries:
            print("  %d to %d -> %d [%d]" % (start, end - _INSTR_SIZE, handler, depth),
                  file=file)


def disassemble(co, lasti=-1, *, file=None, show_caches=False, adaptive=False):
    """Prints the instructions of one code object (`lasti` is marked with -->)."""
    _disassemble_code(_get_code_object(co), lasti, file)


disco = disassemble


def _disassemble_recursive(co, *, file=None, depth=None):
    _disassemble_code(co, file=file)
    if depth is None or depth > 0:
        if depth is not None:
            depth = depth - 1
        for x in co.co_consts:
            if hasattr(x, "co_code"):
                print(file=file)
                print("Disassembly of %r:" % (x,), file=file)
                _disassemble_recursive(x, file=file, depth=depth)


def dis(x=None, *, file=None, depth=None, show_caches=False, adaptive=False):
    """Disassembles a function, method, class (each of its functions), module, code object
    or source string, and the code objects nested in it (down to `depth` levels)."""
    if x is None:
        distb(file=file)
        return
    x = _unwrap_code(x)
    if hasattr(x, "co_code"):
        _disassemble_recursive(x, file=file, depth=depth)
    elif isinstance(x, str):
        _disassemble_recursive(_try_compile(x, "<dis>"), file=file, depth=depth)
    elif hasattr(x, "__dict__"):
        for name, x1 in sorted(x.__dict__.items()):
            if isinstance(x1, (type, classmethod, staticmethod)) or hasattr(x1, "__code__") \
                    or hasattr(x1, "co_code"):
                print("Disassembly of %s:" % name, file=file)
                try:
                    dis(x1, file=file, depth=depth)
                except TypeError as msg:
                    print("Sorry:", msg, file=file)
                print(file=file)
    else:
        raise TypeError("don't know how to disassemble %s objects" % type(x).__name__)


def distb(tb=None, *, file=None, show_caches=False, adaptive=False):
    """Not supported: pyguest's tracebacks do not record a frame's last instruction."""
    raise RuntimeError("dis.distb is not supported by pyguest")


def _format_code_info(co):
    lines = []
    lines.append("Name:              %s" % co.co_name)
    lines.append("Filename:          %s" % co.co_filename)
    lines.append("Argument count:    %s" % co.co_argcount)
    lines.append("Positional-only arguments: %s" % co.co_posonlyargcount)
    lines.append("Kw-only arguments: %s" % co.co_kwonlyargcount)
    lines.append("Number of locals:  %s" % co.co_nlocals)
    lines.append("Stack size:        %s" % co.co_stacksize)
    lines.append("Flags:             %s" % pretty_flags(co.co_flags))
    for title, items, fmt in (("Constants:", co.co_consts, "%4d: %r"),
                              ("Names:", co.co_names, "%4d: %s"),
                              ("Variable names:", co.co_varnames, "%4d: %s"),
                              ("Free variables:", co.co_freevars, "%4d: %s"),
                              ("Cell variables:", co.co_cellvars, "%4d: %s")):
        if items:
            lines.append(title)
            for i_x in enumerate(items):
                lines.append(fmt % i_x)
    return "\n".join(lines)


def code_info(x):
    """A formatted description of a code object (name, counts, flags, constants, names)."""
    return _format_code_info(_get_code_object(x))


def show_code(co, *, file=None):
    """Prints `code_info(co)`."""
    print(code_info(co), file=file)


class Bytecode:
    """The instructions of a function, method, code object or source string: iterate over
    it for `Instruction`s; `dis()` returns the listing as text, `info()` the code info."""

    def __init__(self, x, *, first_line=None, current_offset=None, show_caches=False,
                 adaptive=False):
        self.codeobj = co = _get_code_object(x)
        if first_line is None:
            self.first_line = co.co_firstlineno
            self._line_offset = 0
        else:
            self.first_line = first_line
            self._line_offset = first_line - co.co_firstlineno
        self._original_object = x
        self.current_offset = current_offset
        self.exception_entries = _exception_entries(co)

    def __iter__(self):
        co = self.codeobj
        return _get_instructions(co, self.first_line if self._line_offset else None)

    def __repr__(self):
        return "{}({!r})".format(self.__class__.__name__, self._original_object)

    def info(self):
        return _format_code_info(self.codeobj)

    def dis(self):
        import io
        out = io.StringIO()
        lasti = self.current_offset if self.current_offset is not None else -1
        _disassemble_code(self.codeobj, lasti, out, self._line_offset)
        return out.getvalue()


def _test():
    import argparse
    parser = argparse.ArgumentParser()
    parser.add_argument("infile", nargs="?", default="-")
    args = parser.parse_args()
    if args.infile == "-":
        source = sys.stdin.read()
        name = "<stdin>"
    else:
        with open(args.infile) as f:
            source = f.read()
        name = args.infile
    dis(compile(source, name, "exec"))


if __name__ == "__main__":
    _test()
