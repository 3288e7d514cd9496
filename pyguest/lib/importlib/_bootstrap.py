"""pyguest's `importlib._bootstrap`: the few private helpers of CPython's bootstrap module that
standard-library tools call (`imp`, `pydoc`, `pkgutil`), over pyguest's importer.

CPython's `_bootstrap` *is* its importer, written against `_imp` and installed at start-up;
pyguest's importer is native (`import.rs`), so this module only maps the helpers onto it:
`_load(spec)` imports the module a spec names (through its loader when it has one),
`_exec(spec, module)` runs a spec's loader on an existing module, `_builtin_from_name`
returns a module pyguest provides itself.
"""

import sys

from .machinery import ModuleSpec, BuiltinImporter
from .util import module_from_spec, spec_from_loader

_ERR_MSG_PREFIX = "No module named "
_ERR_MSG = _ERR_MSG_PREFIX + "{!r}"


def _load(spec):
    """Import the module `spec` describes and return it (re-using `sys.modules`)."""
    if spec.name in sys.modules:
        return sys.modules[spec.name]
    loader = spec.loader
    if loader is None or isinstance(loader, type) and issubclass(loader, BuiltinImporter):
        __import__(spec.name)
        return sys.modules[spec.name]
    module = module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        loader.exec_module(module)
    except BaseException:
        sys.modules.pop(spec.name, None)
        raise
    return sys.modules[spec.name]


def _exec(spec, module):
    """Run `spec`'s loader again in `module` (what `importlib.reload` does per module)."""
    name = spec.name
    if sys.modules.get(name) is not module:
        raise ImportError("module {!r} not in sys.modules".format(name), name=name)
    if spec.loader is None:
        raise ImportError("missing loader", name=name)
    module.__spec__ = spec
    module.__loader__ = spec.loader
    spec.loader.exec_module(module)
    return sys.modules[name]


def _builtin_from_name(name):
    spec = BuiltinImporter.find_spec(name)
    if spec is None:
        raise ImportError("no built-in module named " + name)
    return _load(spec)
