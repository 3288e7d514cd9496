"""`importlib.util` for pyguest: finding a module's spec without importing it, making a
module from a spec, and the name and path helpers (see `importlib/__init__.py`)."""

import os
import sys

from .machinery import (ModuleSpec, SourceFileLoader, BuiltinImporter, PathFinder,
                        SOURCE_SUFFIXES, BYTECODE_SUFFIXES)

# CPython 3.11's bytecode magic (pyguest writes no bytecode files; tools compare it)
MAGIC_NUMBER = (3495).to_bytes(2, "little") + b"\r\n"


def resolve_name(name, package):
    """The absolute name of a possibly relative module name."""
    if not name.startswith("."):
        return name
    if not package:
        raise ImportError(f"no package specified for {repr(name)} "
                          "(required for relative module names)")
    level = 0
    for character in name:
        if character != ".":
            break
        level += 1
    from . import _resolve_name
    return _resolve_name(name[level:], package, level)


def decode_source(source_bytes):
    """Source bytes as text (UTF-8, universal newlines)."""
    text = source_bytes.decode("utf-8")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def cache_from_source(path, debug_override=None, *, optimization=None):
    head, tail = os.path.split(path)
    base = tail.rpartition(".")[0]
    tag = sys.implementation.cache_tag
    return os.path.join(head, "__pycache__", "{}.{}.pyc".format(base, tag))


def source_from_cache(path):
    head, pycache_filename = os.path.split(path)
    head, pycache = os.path.split(head)
    if pycache != "__pycache__":
        raise ValueError("{} not bottom-level directory in {!r}".format("__pycache__", path))
    base = pycache_filename.partition(".")[0]
    return os.path.join(head, base + SOURCE_SUFFIXES[0])


def spec_from_loader(name, loader, *, origin=None, is_package=None):
    """A spec for a module `loader` loads."""
    if origin is None:
        origin = getattr(loader, "_ORIGIN", None)
    if hasattr(loader, "get_filename") and origin is None:
        if is_package is None:
            return spec_from_file_location(name, loader=loader)
        search = [] if is_package else None
        return spec_from_file_location(name, loader=loader, submodule_search_locations=search)
    if is_package is None:
        is_package = loader.is_package(name) if hasattr(loader, "is_package") else False
    return ModuleSpec(name, loader, origin=origin, is_package=is_package)


_POPULATE = object()


def spec_from_file_location(name, location=None, *, loader=None,
                            submodule_search_locations=_POPULATE):
    """A spec for a module in a file."""
    if location is None:
        location = "<unknown>"
        if hasattr(loader, "get_filename"):
            location = loader.get_filename(name)
    else:
        location = os.fspath(location)
    if loader is None:
        if location.endswith(tuple(SOURCE_SUFFIXES)):
            loader = SourceFileLoader(name, location)
        else:
            return None
    spec = ModuleSpec(name, loader, origin=location)
    spec._set_fileattr = True
    if submodule_search_locations is _POPULATE:
        if hasattr(loader, "is_package") and loader.is_package(name):
            spec.submodule_search_locations = [os.path.dirname(location)]
    else:
        spec.submodule_search_locations = submodule_search_locations
    return spec


def module_from_spec(spec):
    """A new module for `spec` with its attributes set (not yet executed)."""
    module = None
    if hasattr(spec.loader, "create_module"):
        module = spec.loader.create_module(spec)
    if module is None:
        module = type(sys)(spec.name)
    try:
        module.__spec__ = spec
        module.__loader__ = spec.loader
        module.__package__ = spec.parent
        if spec.submodule_search_locations is not None:
            module.__path__ = spec.submodule_search_locations
        if spec.has_location and spec.origin is not None:
            module.__file__ = spec.origin
    except AttributeError:
        pass
    return module


def _spec_of_loaded(module, name):
    spec = getattr(module, "__spec__", None)
    if spec is not None:
        return spec
    file = getattr(module, "__file__", None)
    path = getattr(module, "__path__", None)
    if isinstance(file, str) and os.path.isfile(file):
        search = list(path) if path is not None else None
        return spec_from_file_location(name, file, submodule_search_locations=search)
    return ModuleSpec(name, BuiltinImporter, origin="built-in", is_package=path is not None)


def _spec_for_module(module):
    """The `__spec__` pyguest makes on first use for a module its importer loaded (see
    `objects/module.rs`): None for `__main__`, as CPython has for a script."""
    name = module.__dict__.get("__name__")
    if name == "__main__" or not isinstance(name, str):
        return None
    return _spec_of_loaded(module, name)


def find_spec(name, package=None):
    """The spec of a module: from `sys.modules` when it is loaded, else from where pyguest's
    importer would find it (the parent package's `__path__` or `sys.path`, pyguest's own
    modules, CPython's library). None when there is no such module."""
    fullname = resolve_name(name, package) if name.startswith(".") else name
    if fullname in sys.modules:
        module = sys.modules[fullname]
        if module is None:
            return None
        return _spec_of_loaded(module, fullname)
    parent = fullname.rpartition(".")[0]
    if parent:
        pkg = __import__(parent, fromlist=["__path__"])
        try:
            path = pkg.__path__
        except AttributeError as e:
            raise ModuleNotFoundError(
                f"__path__ attribute not found on {parent!r} "
                f"while trying to find {fullname!r}", name=fullname) from e
        spec = PathFinder.find_spec(fullname, list(path))
        if spec is not None:
            return spec
    else:
        spec = PathFinder.find_spec(fullname)
        if spec is not None:
            return spec
        stdlib = getattr(sys, "_stdlib_dir", None)
        if stdlib:
            spec = PathFinder.find_spec(fullname, [stdlib])
            if spec is not None:
                return spec
    # pyguest's native and embedded modules (and anything else the importer knows): try it
    try:
        __import__(fullname)
    except ImportError:
        return None
    return _spec_of_loaded(sys.modules[fullname], fullname)


class LazyLoader:
    """Accepted for compatibility: loads eagerly."""

    def __init__(self, loader):
        self.loader = loader

    @classmethod
    def factory(cls, loader):
        return lambda *args, **kwargs: cls(loader(*args, **kwargs))

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.loader.exec_module(module)
