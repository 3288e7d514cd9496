"""pyguest's `_imp`: the import-machinery primitives CPython's `imp`, `importlib` tools and
`pkgutil`-style code call, answered from pyguest's own importer (`import.rs`).

pyguest has no frozen modules and cannot load C extensions, so the frozen queries say "not
frozen" (or raise `ImportError` as CPython does for an unknown frozen name) and no
`create_dynamic` is defined (CPython's `imp` then sets its `load_dynamic` to None, as on a
platform without dynamic loading). "Built-in" means a module pyguest provides itself
(`sys.builtin_module_names`). The import lock is a re-entrant lock that the importer does not
take (pyguest's threads switch only at blocking calls, never inside an import statement's own
machinery), kept so that `imp.acquire_lock`/`release_lock` pair up with CPython's errors.
"""

import sys
import _thread

check_hash_based_pycs = "never"

_lock = _thread.RLock()
_depth = 0


def lock_held():
    """True while some thread holds the import lock."""
    return _depth > 0


def acquire_lock():
    global _depth
    _lock.acquire()
    _depth += 1


def release_lock():
    global _depth
    if _depth == 0 or not _lock._is_owned():
        raise RuntimeError("not holding the import lock")
    _depth -= 1
    _lock.release()


def extension_suffixes():
    return []


def is_builtin(name):
    """1 for a module pyguest provides itself, else 0 (CPython's -1 means "cannot be
    re-initialised", which no pyguest module needs)."""
    return 1 if name in sys.builtin_module_names else 0


def create_builtin(spec):
    __import__(spec.name)
    return sys.modules[spec.name]


def exec_builtin(module):
    return 0


def is_frozen(name):
    return False


def _frozen_module_names():
    return ()


def _no_frozen(name):
    raise ImportError("No such frozen object named {!r}".format(name), name=name)


def is_frozen_package(name):
    _no_frozen(name)


def get_frozen_object(name, data=None):
    _no_frozen(name)


def find_frozen(name, *, withdata=False):
    return None


def init_frozen(name):
    return None


def _fix_co_filename(code, path):
    """CPython rewrites `co_filename` of a code object loaded from a moved `.pyc`; pyguest
    loads no `.pyc` files, so a code object always names its real source."""
    return None


def _override_multi_interp_extensions_check(override):
    return -1
