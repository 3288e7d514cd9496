# `sys.modules[name] = None` blocks an import (CPython's "import of NAME halted"), for plain
# imports, `from` imports, packages and their submodules; and ImportError's attributes.
import importlib
import os
import shutil
import sys
import tempfile


def attempt(label, stmt, ns=None):
    try:
        exec(stmt, {} if ns is None else ns)
        print(label, "ok")
    except ImportError as e:
        text = str(e).replace(root, "ROOT")
        print(label, type(e).__name__, "|", text, "|", e.name, "|", e.msg == str(e))


root = tempfile.mkdtemp()
try:
    pkg = os.path.join(root, "blockpkg")
    os.mkdir(pkg)
    with open(os.path.join(pkg, "__init__.py"), "w") as f:
        f.write("VALUE = 'pkg'\n")
    with open(os.path.join(pkg, "sub.py"), "w") as f:
        f.write("VALUE = 'sub'\n")
    with open(os.path.join(pkg, "other.py"), "w") as f:
        f.write("VALUE = 'other'\n")
    with open(os.path.join(root, "blockmod.py"), "w") as f:
        f.write("VALUE = 'mod'\nx = 1\n")
    sys.path.insert(0, root)

    # a plain module
    sys.modules["blockmod"] = None
    attempt("import", "import blockmod")
    attempt("from import", "from blockmod import x")
    attempt("import as", "import blockmod as bm")
    attempt("__import__", "__import__('blockmod')")
    try:
        importlib.import_module("blockmod")
    except ModuleNotFoundError as e:
        print("import_module", e, e.name)
    del sys.modules["blockmod"]
    import blockmod

    print("unblocked", blockmod.VALUE)

    # a submodule of a package
    sys.modules["blockpkg.sub"] = None
    attempt("import sub", "import blockpkg.sub")
    attempt("from pkg import sub", "from blockpkg import sub")
    attempt("from sub import", "from blockpkg.sub import VALUE")
    attempt("other submodule", "import blockpkg.other")
    import blockpkg

    print("package", blockpkg.VALUE, hasattr(blockpkg, "sub"), blockpkg.other.VALUE)
    del sys.modules["blockpkg.sub"]
    from blockpkg import sub

    print("sub unblocked", sub.VALUE)

    # the package itself blocked: its submodules are "not a package"
    saved = sys.modules.pop("blockpkg")
    for k in ["blockpkg.sub", "blockpkg.other"]:
        sys.modules.pop(k)
    sys.modules["blockpkg"] = None
    attempt("parent None", "import blockpkg.sub")
    attempt("from parent None", "from blockpkg import sub")
    attempt("from parent.sub None", "from blockpkg.sub import VALUE")
    sys.modules["blockpkg"] = saved

    # a name never importable, for comparison
    attempt("missing", "import blockmod_missing_xyz")
    attempt("missing from", "from blockmod import missing_name")
finally:
    shutil.rmtree(root)

# ImportError's attributes and constructor
e = ImportError("text")
print("ImportError", e.msg, e.name, e.path, str(e), repr(e))
e = ImportError("text", name="nm", path="pt")
print("with kwargs", e.msg, e.name, e.path, str(e), e.args)
e = ImportError("a", "b")
print("two args", e.msg, str(e))
e = ImportError(3)
print("non-str", e.msg, str(e))
e = ImportError()
print("no args", e.msg, repr(str(e)))
e = ModuleNotFoundError("m", name="n")
print("ModuleNotFoundError", e.msg, e.name, e.path, repr(e))
try:
    ImportError("x", bogus=1)
except TypeError as t:
    print("TypeError", t)


class MyImportError(ImportError):
    pass


e = MyImportError("sub", name="q")
print("subclass", e.msg, e.name, e.path, str(e))
try:
    import sys.nope
except ModuleNotFoundError as e:
    print("not a package", e, e.name)
