"""Run a Python program under CPython with pyguest's own pure-Python stdlib modules
(pyguest/lib) shadowing CPython's, so the modules can be checked against real CPython output.

Usage: python3 -I -S pyguest/tests/cpython_with_lib.py PROGRAM.py [ARGS...]

CPython's own modules that import the shadowed names (re, collections, ...) are loaded first
with the real stdlib, then the shadowed names are dropped from sys.modules, so only the test
program sees pyguest's versions.
"""
import importlib.machinery
import os
import runpy
import sys

LIB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib")
LIB = os.path.normpath(LIB)

# Real-stdlib modules preloaded so their internal imports are bound to CPython's versions.
for name in ("re", "collections", "functools", "itertools", "operator", "math", "string",
             "heapq", "bisect", "tempfile", "os", "io", "inspect", "types", "weakref",
             "keyword", "reprlib", "linecache", "traceback", "warnings", "locale",
             "struct", "hashlib", "shutil", "pathlib", "glob", "fnmatch", "csv",
             "pkgutil", "runpy", "numbers", "errno", "pprint", "logging"):
    try:
        __import__(name)
    except ImportError:
        pass

# Core modules written for the interpreter itself (owned by the interpreter's code, checked by
# its own tests) are not shadowed: CPython's runpy/pkgutil need the real ones.
CORE = {"collections", "itertools", "functools", "operator", "string", "heapq", "bisect",
        "__future__",
        # re.py is a front end for the interpreter's native engine (_pyre): checked by
        # comparing pyguest's output with CPython's real re, not under CPython
        "re",
        # likewise front ends for the native _os module (CPython's runpy needs its real os)
        "os", "tempfile", "_file", "gc"}
ours = set()
for entry in os.listdir(LIB):
    if entry.endswith(".py"):
        ours.add(entry[:-3])
    elif os.path.isdir(os.path.join(LIB, entry)):
        ours.add(entry)
ours -= CORE
# modules over pyguest's native `_os` cannot run under CPython: keep CPython's
ours -= {"os", "_file", "tempfile"}
for name in list(sys.modules):
    if name.split(".")[0] in ours:
        del sys.modules[name]
sys.path.insert(0, LIB)


class _LibFirst:
    """Meta-path finder placed before the frozen and built-in importers, so frozen stdlib
    modules (abc, io, ...) are shadowed too."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name.split(".")[0] not in ours:
            return None
        return importlib.machinery.PathFinder.find_spec(name, [LIB] if path is None else path)


sys.meta_path.insert(0, _LibFirst)

prog = sys.argv[1]
sys.argv = sys.argv[1:]
sys.path.insert(0, os.path.dirname(os.path.abspath(prog)))
runpy.run_path(prog, run_name="__main__")
