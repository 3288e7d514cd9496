"""Object-oriented file-system paths (`pathlib`) for pyguest, POSIX flavour only.

`PurePath`/`PurePosixPath` do the lexical work (parsing, joining with `/`, `name`, `stem`,
`suffix(es)`, `parent(s)`, `parts`, `with_name`/`with_stem`/`with_suffix`, `relative_to`,
`is_relative_to`, `match`, comparisons and hashing); `Path`/`PosixPath` add the file-system
methods on top of `os` (`stat`, `exists`, `is_dir`, `mkdir`, `read_text`, `iterdir`, `glob`,
`rglob`, `resolve`, ...). Behaviour, reprs and error messages follow CPython 3.11.
`PureWindowsPath`/`WindowsPath` are not provided (instantiating `WindowsPath` fails as on
POSIX CPython). Glob matching uses our `fnmatch` (`*` matches dot files, as in pathlib).
"""

import fnmatch
import os
import sys

__all__ = ["PurePath", "PurePosixPath", "PureWindowsPath", "Path", "PosixPath", "WindowsPath"]


def _parse_args(args):
    """Split the constructor arguments into (root, [parts]) with POSIX rules."""
    root = ""
    parts = []
    for a in args:
        if isinstance(a, PurePath):
            s = str(a)
        else:
            a = os.fspath(a)
            if isinstance(a, bytes):
                raise TypeError("argument should be a str object or an os.PathLike object "
                                "returning str, not %r" % (type(a),))
            if not isinstance(a, str):
                raise TypeError("argument should be a str object or an os.PathLike object "
                                "returning str, not %r" % (type(a),))
            s = a
        if not s:
            continue
        if s.startswith("/"):
            if s.startswith("//") and not s.startswith("///"):
                root = "//"
            else:
                root = "/"
            parts = []
        for x in s.split("/"):
            if x and x != ".":
                parts.append(x)
    return root, parts


class _PathParents:
    """The immutable sequence of a path's logical ancestors (`path.parents`)."""

    def __init__(self, path):
        self._path = path
        self._n = len(path._tail)

    def __len__(self):
        return self._n

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return tuple(self[i] for i in range(*idx.indices(self._n)))
        if idx >= self._n or idx < -self._n:
            raise IndexError(idx)
        if idx < 0:
            idx += self._n
        p = self._path
        return p._from_parts(p._root, p._tail[:self._n - idx - 1])

    def __iter__(self):
        for i in range(self._n):
            yield self[i]

    def __repr__(self):
        return "<{}.parents>".format(type(self._path).__name__)


class PurePath:
    """A lexical path; `PurePath(...)` makes a `PurePosixPath`."""

    __slots__ = ("_root", "_tail", "_str", "_hash")

    def __new__(cls, *args):
        if cls is PurePath:
            cls = PurePosixPath
        return cls._from_args(args)

    @classmethod
    def _from_args(cls, args):
        self = object.__new__(cls)
        self._root, self._tail = _parse_args(args)
        self._str = None
        self._hash = None
        return self

    def _from_parts(self, root, tail):
        p = object.__new__(type(self))
        p._root = root
        p._tail = list(tail)
        p._str = None
        p._hash = None
        return p

    def __reduce__(self):
        return (type(self), tuple(self.parts))

    # ---- string forms

    def __str__(self):
        if self._str is None:
            self._str = (self._root + "/".join(self._tail)) or "."
        return self._str

    def __fspath__(self):
        return str(self)

    def as_posix(self):
        return str(self)

    def __bytes__(self):
        return os.fsencode(str(self)) if hasattr(os, "fsencode") else str(self).encode()

    def __repr__(self):
        return "{}({!r})".format(type(self).__name__, self.as_posix())

    def as_uri(self):
        if not self.is_absolute():
            raise ValueError("relative path can't be expressed as a file URI")
        safe = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~/")
        out = []
        for b in str(self).encode("utf-8"):
            c = chr(b)
            out.append(c if c in safe else "%%%02X" % b)
        return "file://" + "".join(out)

    # ---- comparison

    def _cparts(self):
        return ([self._root] if self._root else []) + self._tail

    def __eq__(self, other):
        if not isinstance(other, PurePath):
            return NotImplemented
        return self._root == other._root and self._tail == other._tail

    def __hash__(self):
        if self._hash is None:
            self._hash = hash(tuple(self._cparts()))
        return self._hash

    def __lt__(self, other):
        if not isinstance(other, PurePath):
            return NotImplemented
        return self._cparts() < other._cparts()

    def __le__(self, other):
        if not isinstance(other, PurePath):
            return NotImplemented
        return self._cparts() <= other._cparts()

    def __gt__(self, other):
        if not isinstance(other, PurePath):
            return NotImplemented
        return self._cparts() > other._cparts()

    def __ge__(self, other):
        if not isinstance(other, PurePath):
            return NotImplemented
        return self._cparts() >= other._cparts()

    # ---- components

    drive = property(lambda self: "")
    root = property(lambda self: self._root)
    anchor = property(lambda self: self._root)

    @property
    def parts(self):
        return tuple(self._cparts())

    @property
    def name(self):
        return self._tail[-1] if self._tail else ""

    @property
    def suffix(self):
        name = self.name
        i = name.rfind(".")
        if 0 < i < len(name) - 1:
            return name[i:]
        return ""

    @property
    def suffixes(self):
        name = self.name
        if name.endswith("."):
            return []
        name = name.lstrip(".")
        return ["." + s for s in name.split(".")[1:]]

    @property
    def stem(self):
        name = self.name
        i = name.rfind(".")
        if 0 < i < len(name) - 1:
            return name[:i]
        return name

    @property
    def parent(self):
        if not self._tail:
            return self
        return self._from_parts(self._root, self._tail[:-1])

    @property
    def parents(self):
        return _PathParents(self)

    def with_name(self, name):
        if not self.name:
            raise ValueError("%r has an empty name" % (self,))
        if not name or name.endswith("/") or "/" in name or name == ".":
            raise ValueError("Invalid name %r" % (name,))
        return self._from_parts(self._root, self._tail[:-1] + [name])

    def with_stem(self, stem):
        return self.with_name(stem + self.suffix)

    def with_suffix(self, suffix):
        if "/" in suffix or suffix and (not suffix.startswith(".") or suffix == "."):
            raise ValueError("Invalid suffix %r" % (suffix,))
        name = self.name
        if not name:
            raise ValueError("%r has an empty name" % (self,))
        old = self.suffix
        name = name + suffix if not old else name[:len(name) - len(old)] + suffix
        return self._from_parts(self._root, self._tail[:-1] + [name])

    # ---- joining and relations

    def joinpath(self, *args):
        return type(self)._from_args((self,) + args)

    def __truediv__(self, key):
        try:
            return type(self)._from_args((self, key))
        except TypeError:
            return NotImplemented

    def __rtruediv__(self, key):
        try:
            return type(self)._from_args((key, self))
        except TypeError:
            return NotImplemented

    def relative_to(self, *other):
        if not other:
            raise TypeError("need at least one argument")
        o = type(self)._from_args(other)
        n = len(o._tail)
        if self._root != o._root or self._tail[:n] != o._tail:
            raise ValueError("{!r} is not in the subpath of {!r}"
                             " OR one path is relative and the other is absolute."
                             .format(str(self), str(o)))
        return self._from_parts("", self._tail[n:])

    def is_relative_to(self, *other):
        try:
            self.relative_to(*other)
            return True
        except ValueError:
            return False

    def is_absolute(self):
        return bool(self._root)

    def is_reserved(self):
        return False

    def match(self, path_pattern):
        pat = type(self)._from_args((path_pattern,))
        if not pat._root and not pat._tail:
            raise ValueError("empty pattern")
        parts = self._cparts()
        pparts = pat._cparts()
        if pat._root:
            if len(pparts) != len(parts):
                return False
        elif len(pparts) > len(parts):
            return False
        for part, p in zip(reversed(parts), reversed(pparts)):
            if not fnmatch.fnmatchcase(part, p):
                return False
        return True


class PurePosixPath(PurePath):
    """A lexical POSIX path."""

    __slots__ = ()


class PureWindowsPath(PurePath):
    """Not supported by pyguest (POSIX flavour only)."""

    __slots__ = ()

    def __new__(cls, *args):
        raise NotImplementedError("pyguest's pathlib supports POSIX paths only")


def _is_dir_entry(path):
    try:
        return os.path.isdir(path)
    except OSError:
        return False


class Path(PurePath):
    """A concrete path; `Path(...)` makes a `PosixPath`."""

    __slots__ = ()

    def __new__(cls, *args, **kwargs):
        if cls is Path:
            cls = PosixPath
        return cls._from_args(args)

    @classmethod
    def cwd(cls):
        return cls(os.getcwd())

    @classmethod
    def home(cls):
        return cls(os.path.expanduser("~"))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass

    # ---- queries

    def stat(self, *, follow_symlinks=True):
        return os.stat(self, follow_symlinks=follow_symlinks)

    def lstat(self):
        return os.lstat(self)

    def exists(self):
        return os.path.exists(str(self))

    def is_dir(self):
        return os.path.isdir(str(self))

    def is_file(self):
        return os.path.isfile(str(self))

    def is_symlink(self):
        return os.path.islink(str(self))

    def is_mount(self):
        if not self.exists() or not self.is_dir():
            return False
        if str(self) == "/":
            return True
        parent = self.parent
        try:
            a, b = self.stat(), parent.stat()
        except OSError:
            return False
        return a.st_dev != b.st_dev or a.st_ino == b.st_ino

    def is_socket(self):
        return self._type_bits() == 0o140000

    def is_fifo(self):
        return self._type_bits() == 0o010000

    def is_block_device(self):
        return self._type_bits() == 0o060000

    def is_char_device(self):
        return self._type_bits() == 0o020000

    def _type_bits(self):
        try:
            return self.stat().st_mode & 0o170000
        except (OSError, ValueError):
            return -1

    def samefile(self, other_path):
        return os.path.samefile(str(self), os.fspath(other_path))

    # ---- whole-file I/O

    def open(self, mode="r", buffering=-1, encoding=None, errors=None, newline=None):
        return open(str(self), mode, buffering, encoding, errors, newline)

    def read_bytes(self):
        with self.open("rb") as f:
            return f.read()

    def read_text(self, encoding=None, errors=None):
        with self.open("r", encoding=encoding, errors=errors) as f:
            return f.read()

    def write_bytes(self, data):
        view = bytes(data)
        with self.open("wb") as f:
            return f.write(view)

    def write_text(self, data, encoding=None, errors=None, newline=None):
        if not isinstance(data, str):
            raise TypeError("data must be str, not %s" % data.__class__.__name__)
        with self.open("w", encoding=encoding, errors=errors, newline=newline) as f:
            return f.write(data)

    # ---- directory operations

    def iterdir(self):
        for name in os.listdir(str(self)):
            yield self._from_parts(self._root, self._tail + [name])

    def _make_child(self, name):
        return self._from_parts(self._root, self._tail + [name])

    def glob(self, pattern):
        if not pattern:
            raise ValueError("Unacceptable pattern: {!r}".format(pattern))
        pat = PurePosixPath(pattern)
        if pat._root:
            raise NotImplementedError("Non-relative patterns are unsupported")
        parts = list(pat._tail)
        if pattern.endswith("/"):
            parts.append("")
        yield from self._select(parts)

    def rglob(self, pattern):
        if not pattern:
            raise ValueError("Unacceptable pattern: {!r}".format(pattern))
        pat = PurePosixPath(pattern)
        if pat._root:
            raise NotImplementedError("Non-relative patterns are unsupported")
        parts = ["**"] + list(pat._tail)
        if pattern.endswith("/"):
            parts.append("")
        yield from self._select(parts)

    def _select(self, parts):
        """Yield the paths below self matching the pattern parts (each a name pattern, '**'
        for any number of directories, '' for "is a directory")."""
        if not parts:
            yield self
            return
        head, rest = parts[0], parts[1:]
        if head == "":
            if _is_dir_entry(str(self)):
                yield self
            return
        if head == "**":
            while rest and rest[0] == "**":
                rest = rest[1:]
            seen = set()
            for d in self._walk_dirs():
                for p in d._select(rest):
                    if p not in seen:
                        seen.add(p)
                        yield p
            return
        if not _is_dir_entry(str(self)):
            return
        try:
            names = os.listdir(str(self))
        except OSError:
            return
        if not any(c in head for c in "*?["):
            if head in names or (head in (".", "..")):
                child = self._make_child(head)
                if rest and not _is_dir_entry(str(child)):
                    return
                yield from child._select(rest)
            return
        for name in names:
            if fnmatch.fnmatchcase(name, head):
                child = self._make_child(name)
                if rest and not _is_dir_entry(str(child)):
                    continue
                yield from child._select(rest)

    def _walk_dirs(self):
        yield self
        try:
            names = os.listdir(str(self))
        except OSError:
            return
        for name in names:
            child = self._make_child(name)
            if _is_dir_entry(str(child)) and not child.is_symlink():
                yield from child._walk_dirs()

    def mkdir(self, mode=0o777, parents=False, exist_ok=False):
        try:
            os.mkdir(str(self), mode)
        except FileNotFoundError:
            if not parents or self.parent == self:
                raise
            self.parent.mkdir(parents=True, exist_ok=True)
            self.mkdir(mode, parents=False, exist_ok=exist_ok)
        except OSError:
            if not exist_ok or not self.is_dir():
                raise

    def rmdir(self):
        os.rmdir(str(self))

    def unlink(self, missing_ok=False):
        try:
            os.unlink(str(self))
        except FileNotFoundError:
            if not missing_ok:
                raise

    def touch(self, mode=0o666, exist_ok=True):
        if self.exists():
            if not exist_ok:
                raise FileExistsError(17, "File exists", str(self))
            os.utime(str(self), None)
            return
        with open(str(self), "ab"):
            pass

    def rename(self, target):
        os.rename(str(self), os.fspath(target))
        return type(self)(target)

    def replace(self, target):
        os.replace(str(self), os.fspath(target))
        return type(self)(target)

    def chmod(self, mode, *, follow_symlinks=True):
        os.chmod(str(self), mode)

    def symlink_to(self, target, target_is_directory=False):
        os.symlink(os.fspath(target), str(self))

    def readlink(self):
        return type(self)(os.readlink(str(self)))

    # ---- other forms of the path

    def absolute(self):
        if self._root:
            return self
        return type(self)(os.getcwd(), self)

    def resolve(self, strict=False):
        return type(self)(os.path.realpath(str(self), strict=strict))

    def expanduser(self):
        if self._tail and self._tail[0].startswith("~") and not self._root:
            home = os.path.expanduser(self._tail[0])
            if home.startswith("~"):
                raise RuntimeError("Could not determine home directory.")
            return type(self)(home, *self._tail[1:])
        return self

    def owner(self):
        raise NotImplementedError("Path.owner() is unsupported on this system")

    def group(self):
        raise NotImplementedError("Path.group() is unsupported on this system")


class PosixPath(Path, PurePosixPath):
    """A concrete POSIX path."""

    __slots__ = ()


class WindowsPath(Path, PureWindowsPath):
    __slots__ = ()

    def __new__(cls, *args, **kwargs):
        raise NotImplementedError("cannot instantiate %r on your system" % (cls.__name__,))
