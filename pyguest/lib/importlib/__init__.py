"""pyguest's `importlib`: the public API over pyguest's own importer (`import.rs`), in place
of CPython's, which is written over `_imp` and `_frozen_importlib` (CPython internals).

Provided: `import_module` (relative names with `package`), `reload`, `invalidate_caches`,
`__import__`, `util` and `machinery` (the submodules: `find_spec`, `spec_from_loader`,
`spec_from_file_location`, `module_from_spec`, `ModuleSpec`, `SourceFileLoader`,
`FileFinder`, `PathFinder`, `BuiltinImporter`, the suffix lists, `MAGIC_NUMBER`, ...), so
CPython's `pkgutil`, `runpy`-free tools and `lib2to3` work; `_bootstrap` and
`_bootstrap_external` hold the private helpers that `imp`, `pydoc`, `py_compile` and
`modulefinder` call (with `_imp`, pyguest's own). A module is found where pyguest's
importer finds it: `sys.path`, pyguest's built-in and embedded modules, then CPython's
library (`sys._stdlib_dir`). Not provided: `importlib.resources`/`metadata` beyond what
CPython's own pure-Python packages give, `sys.meta_path` hooks (the importer does not
consult them), bytecode caching.
"""

import sys

__all__ = ["__import__", "import_module", "invalidate_caches", "reload"]

__import__ = __import__


def _resolve_name(name, package, level):
    bits = package.rsplit(".", level - 1)
    if len(bits) < level:
        raise ImportError("attempted relative import beyond top-level package")
    base = bits[0]
    return "{}.{}".format(base, name) if name else base


def import_module(name, package=None):
    """Imports a module; a name starting with '.' is relative to `package`."""
    level = 0
    if name.startswith("."):
        if not package:
            raise TypeError("the 'package' argument is required to perform a relative "
                            "import for {!r}".format(name))
        for character in name:
            if character != ".":
                break
            level += 1
        name = _resolve_name(name[level:], package, level)
    if not name:
        raise ValueError("Empty module name")
    __import__(name)
    return sys.modules[name]


def invalidate_caches():
    """Nothing to do: pyguest's importer keeps no finder caches."""
    for finder in list(sys.path_importer_cache.values()):
        if hasattr(finder, "invalidate_caches"):
            finder.invalidate_caches()


def reload(module):
    """Runs the module's code again in the same module object."""
    name = getattr(module, "__name__", None)
    if not isinstance(name, str) or sys.modules.get(name) is not module:
        raise ImportError("module {} not in sys.modules".format(name), name=name)
    del sys.modules[name]
    try:
        fresh = import_module(name)
    except BaseException:
        sys.modules[name] = module
        raise
    module.__dict__.update(fresh.__dict__)
    sys.modules[name] = module
    return module


from . import machinery  # noqa: E402
from . import util  # noqa: E402


from . import _bootstrap  # noqa: E402
