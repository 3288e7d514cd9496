"""`importlib.machinery` for pyguest: module specs, the source-file loader and the finders
that `pkgutil` and `importlib.util` use (see `importlib/__init__.py`)."""

import os
import sys

SOURCE_SUFFIXES = [".py"]
DEBUG_BYTECODE_SUFFIXES = OPTIMIZED_BYTECODE_SUFFIXES = BYTECODE_SUFFIXES = [".pyc"]
EXTENSION_SUFFIXES = []


def all_suffixes():
    """Every file suffix a module can have."""
    return SOURCE_SUFFIXES + BYTECODE_SUFFIXES + EXTENSION_SUFFIXES


class ModuleSpec:
    """What is known about a module before it is loaded."""

    def __init__(self, name, loader, *, origin=None, loader_state=None, is_package=None):
        self.name = name
        self.loader = loader
        self.origin = origin
        self.loader_state = loader_state
        self.submodule_search_locations = [] if is_package else None
        self._set_fileattr = False
        self._cached = None

    @property
    def parent(self):
        if self.submodule_search_locations is None:
            return self.name.rpartition(".")[0]
        return self.name

    @property
    def has_location(self):
        return self._set_fileattr

    @has_location.setter
    def has_location(self, value):
        self._set_fileattr = bool(value)

    @property
    def cached(self):
        return self._cached

    @cached.setter
    def cached(self, value):
        self._cached = value

    def __repr__(self):
        args = ["name={!r}".format(self.name), "loader={!r}".format(self.loader)]
        if self.origin is not None:
            args.append("origin={!r}".format(self.origin))
        if self.submodule_search_locations is not None:
            args.append("submodule_search_locations={}".format(
                self.submodule_search_locations))
        return "{}({})".format(self.__class__.__name__, ", ".join(args))

    def __eq__(self, other):
        if not isinstance(other, ModuleSpec):
            return NotImplemented
        return (self.name == other.name and self.loader == other.loader
                and self.origin == other.origin
                and self.submodule_search_locations == other.submodule_search_locations)


class BuiltinImporter:
    """Modules built into pyguest (native and embedded): already importable by name."""

    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        if fullname in sys.builtin_module_names:
            return ModuleSpec(fullname, cls, origin="built-in")
        return None

    @staticmethod
    def create_module(spec):
        __import__(spec.name)
        return sys.modules[spec.name]

    @staticmethod
    def exec_module(module):
        pass

    @classmethod
    def is_package(cls, fullname):
        return False


class FrozenImporter(BuiltinImporter):
    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        return None


class SourceFileLoader:
    """Loads a module from a `.py` file."""

    def __init__(self, fullname, path):
        self.name = fullname
        self.path = path

    def __eq__(self, other):
        return (self.__class__ == other.__class__ and self.__dict__ == other.__dict__)

    def __hash__(self):
        return hash(self.name) ^ hash(self.path)

    def get_filename(self, name=None):
        return self.path

    def get_data(self, path):
        with open(path, "rb") as f:
            return f.read()

    def get_source(self, fullname):
        from .util import decode_source
        return decode_source(self.get_data(self.path))

    def is_package(self, fullname):
        filename = os.path.split(self.path)[1]
        return filename.rsplit(".", 1)[0] == "__init__"

    def create_module(self, spec):
        return None

    def get_resource_reader(self, name=None):
        """The reader `importlib.resources` uses: the files beside the module's file."""
        from importlib.resources.readers import FileReader
        return FileReader(self)

    def get_code(self, fullname):
        return compile(self.get_source(fullname), self.path, "exec")

    def exec_module(self, module):
        code = self.get_code(module.__name__)
        exec(code, module.__dict__)

    def load_module(self, fullname):
        from .util import spec_from_file_location, module_from_spec
        spec = spec_from_file_location(fullname, self.path, loader=self)
        module = module_from_spec(spec)
        sys.modules[fullname] = module
        self.exec_module(module)
        return sys.modules[fullname]


class SourcelessFileLoader(SourceFileLoader):
    """Loads a module from a `.pyc` file: never possible in pyguest (no code objects in its
    `marshal`), so loading raises `ImportError`."""

    def get_source(self, fullname):
        return None

    def get_code(self, fullname):
        raise ImportError("pyguest cannot load bytecode files: {}".format(self.path),
                          name=fullname, path=self.path)


class ExtensionFileLoader(SourceFileLoader):
    def exec_module(self, module):
        raise ImportError("pyguest cannot load extension modules", name=self.name)


class FileFinder:
    """Finds modules and packages in one directory."""

    def __init__(self, path, *loader_details):
        self.path = path or "."
        self._loaders = loader_details or ((SourceFileLoader, SOURCE_SUFFIXES),)

    def __repr__(self):
        return "FileFinder({!r})".format(self.path)

    def invalidate_caches(self):
        pass

    def find_spec(self, fullname, target=None):
        from .util import spec_from_file_location
        tail = fullname.rpartition(".")[2]
        base = os.path.join(self.path, tail)
        for loader, suffixes in self._loaders:
            for suffix in suffixes:
                init = os.path.join(base, "__init__" + suffix)
                if os.path.isdir(base) and os.path.isfile(init):
                    return spec_from_file_location(fullname, init, loader=loader(fullname, init),
                                                   submodule_search_locations=[base])
        for loader, suffixes in self._loaders:
            for suffix in suffixes:
                full = base + suffix
                if os.path.isfile(full):
                    return spec_from_file_location(fullname, full, loader=loader(fullname, full))
        if os.path.isdir(base):
            spec = ModuleSpec(fullname, None, is_package=True)
            spec.submodule_search_locations = [base]
            return spec
        return None

    def find_module(self, fullname):
        spec = self.find_spec(fullname)
        return None if spec is None else spec.loader

    @classmethod
    def path_hook(cls, *loader_details):
        def path_hook_for_FileFinder(path):
            if not os.path.isdir(path):
                raise ImportError("only directories are supported", path=path)
            return cls(path, *loader_details)
        return path_hook_for_FileFinder


class PathFinder:
    """Finds modules on `sys.path` (or a package's `__path__`) through `sys.path_hooks`."""

    @classmethod
    def invalidate_caches(cls):
        for finder in list(sys.path_importer_cache.values()):
            if hasattr(finder, "invalidate_caches"):
                finder.invalidate_caches()

    @classmethod
    def _path_importer_cache(cls, path):
        if path == "":
            path = os.getcwd()
        try:
            return sys.path_importer_cache[path]
        except KeyError:
            pass
        finder = None
        for hook in sys.path_hooks:
            try:
                finder = hook(path)
                break
            except ImportError:
                continue
        sys.path_importer_cache[path] = finder
        return finder

    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        if path is None:
            path = sys.path
        for entry in path:
            if not isinstance(entry, str):
                continue
            finder = cls._path_importer_cache(entry)
            if finder is None:
                continue
            spec = finder.find_spec(fullname)
            if spec is not None and (spec.loader is not None or
                                     spec.submodule_search_locations is None):
                return spec
        return None


_PATH_HOOK = FileFinder.path_hook((SourceFileLoader, SOURCE_SUFFIXES))
if not any(getattr(h, "__name__", "") == "path_hook_for_FileFinder" for h in sys.path_hooks):
    sys.path_hooks.append(_PATH_HOOK)
