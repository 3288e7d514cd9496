"""A minimal `os` module (and `os.path`) for pyguest, over the native `_os` primitives.

Covers what scripts commonly use: `environ`, `getcwd`, `listdir`, `remove`/`unlink`,
`mkdir`/`makedirs`, `rmdir`, `rename`, `getpid`, `urandom`, `sep`/`linesep`/`name`, and the
`os.path` functions `join`, `exists`, `isfile`, `isdir`, `basename`, `dirname`, `split`,
`splitext`, `abspath`, `normpath`, `getsize`. Assumes POSIX paths ('/').
"""

import _os
import sys

name = "posix"
sep = "/"
altsep = None
extsep = "."
pathsep = ":"
linesep = "\n"
curdir = "."
pardir = ".."
devnull = "/dev/null"

environ = _os.environ()


def _get_exports_list(module):
    """The public names of `module` (its `__all__`, else the names not starting with '_')."""
    try:
        return list(module.__all__)
    except AttributeError:
        return [n for n in dir(module) if n[0] != "_"]


def getenv(key, default=None):
    return environ.get(key, default)


def getcwd():
    return _os.getcwd()


def getpid():
    return _os.getpid()


def urandom(n):
    return _os.urandom(n)


def fspath(p):
    if isinstance(p, (str, bytes)):
        return p
    if hasattr(p, "__fspath__"):
        return p.__fspath__()
    raise TypeError("expected str, bytes or os.PathLike object, not " + type(p).__name__)


def listdir(path="."):
    return _os.listdir(fspath(path))


def remove(path):
    _os.remove(fspath(path))


unlink = remove

O_RDONLY, O_WRONLY, O_RDWR = 0, 1, 2
O_CREAT, O_EXCL, O_NOCTTY, O_TRUNC, O_APPEND, O_NONBLOCK = 0o100, 0o200, 0o400, 0o1000, 0o2000, 0o4000
O_DSYNC, O_DIRECTORY, O_NOFOLLOW, O_CLOEXEC, O_SYNC = 0o10000, 0o200000, 0o400000, 0o2000000, 0o4010000


def open(path, flags, mode=0o777, *, dir_fd=None):
    """open(2): a new file descriptor (Linux flag values). pyguest's file objects do not
    use descriptors; these are for code that creates files atomically or passes them on."""
    if dir_fd is not None:
        raise NotImplementedError("dir_fd unavailable on this platform")
    return _os.open_fd(fspath(path), flags, mode)


def fdopen(fd, mode="r", buffering=-1, encoding=None, *args, **kwargs):
    if not isinstance(fd, int):
        raise TypeError("invalid fd type (%s, expected integer)" % type(fd).__name__)
    import io
    return io.open(fd, mode, buffering, encoding, *args, **kwargs)


def lseek(fd, pos, how):
    return _os.lseek(fd, pos, how)


def ftruncate(fd, length):
    _os.ftruncate(fd, length)


def isatty(fd):
    return _os.isatty(fd)


def close(fd):
    _os.close_fd(fd)


def rmdir(path):
    _os.rmdir(fspath(path))


def rename(src, dst):
    _os.rename(fspath(src), fspath(dst))


replace = rename


def mkdir(path, mode=0o777):
    _os.mkdir(fspath(path))


def makedirs(name, mode=0o777, exist_ok=False):
    name = fspath(name)
    head, tail = path.split(name)
    if not tail:
        head, tail = path.split(head)
    if head and tail and not path.exists(head):
        makedirs(head, exist_ok=True)
    if path.isdir(name):
        if not exist_ok:
            raise FileExistsError(17, "File exists", name)
        return
    _os.mkdir(name)


class _Path:
    """The `os.path` namespace (posixpath semantics)."""

    sep = "/"

    @staticmethod
    def join(a, *p):
        a = fspath(a)
        result = a
        for b in p:
            b = fspath(b)
            if b.startswith("/"):
                result = b
            elif not result or result.endswith("/"):
                result += b
            else:
                result += "/" + b
        return result

    @staticmethod
    def exists(p):
        return _os.kind(fspath(p)) != 0

    @staticmethod
    def isfile(p):
        return _os.kind(fspath(p)) == 1

    @staticmethod
    def isdir(p):
        return _os.kind(fspath(p)) == 2

    @staticmethod
    def getsize(p):
        return _os.size(fspath(p))

    @staticmethod
    def split(p):
        p = fspath(p)
        i = p.rfind("/") + 1
        head, tail = p[:i], p[i:]
        if head and head != "/" * len(head):
            head = head.rstrip("/")
        return head, tail

    @staticmethod
    def basename(p):
        p = fspath(p)
        return p[p.rfind("/") + 1:]

    @staticmethod
    def dirname(p):
        return _Path.split(p)[0]

    @staticmethod
    def splitext(p):
        p = fspath(p)
        dot = p.rfind(".")
        slash = p.rfind("/")
        if dot > slash:
            i = slash + 1
            while i < dot and p[i] == ".":
                i += 1
            if i < dot:
                return p[:dot], p[dot:]
        return p, ""

    @staticmethod
    def isabs(p):
        return fspath(p).startswith("/")

    @staticmethod
    def normpath(p):
        p = fspath(p)
        if not p:
            return "."
        initial = 0
        if p.startswith("/"):
            initial = 2 if p.startswith("//") and not p.startswith("///") else 1
        parts = []
        for comp in p.split("/"):
            if comp in ("", "."):
                continue
            if comp != ".." or (not initial and not parts) or (parts and parts[-1] == ".."):
                parts.append(comp)
            elif parts:
                parts.pop()
        p = "/".join(parts)
        if initial:
            p = "/" * initial + p
        return p or "."

    @staticmethod
    def abspath(p):
        p = fspath(p)
        if not p.startswith("/"):
            p = _Path.join(getcwd(), p)
        return _Path.normpath(p)



# ---- stat, walk, scandir, links (batch B: used by pathlib, shutil, glob) ----

class stat_result(tuple):
    """Result of `stat`/`lstat`: a 10-tuple (st_mode ... st_ctime as ints) with the
    `st_*` attributes (times as floats, `st_*time_ns` as ints)."""

    n_sequence_fields = 10

    def __new__(cls, values):
        seq = tuple(values[:7]) + (int(values[7]), int(values[8]), int(values[9]))
        self = tuple.__new__(cls, seq)
        self._full = tuple(values)
        return self

    st_mode = property(lambda self: self._full[0])
    st_ino = property(lambda self: self._full[1])
    st_dev = property(lambda self: self._full[2])
    st_nlink = property(lambda self: self._full[3])
    st_uid = property(lambda self: self._full[4])
    st_gid = property(lambda self: self._full[5])
    st_size = property(lambda self: self._full[6])
    st_atime = property(lambda self: self._full[7])
    st_mtime = property(lambda self: self._full[8])
    st_ctime = property(lambda self: self._full[9])
    st_atime_ns = property(lambda self: self._full[10])
    st_mtime_ns = property(lambda self: self._full[11])
    st_ctime_ns = property(lambda self: self._full[12])

    def __repr__(self):
        names = ("st_mode", "st_ino", "st_dev", "st_nlink", "st_uid", "st_gid", "st_size",
                 "st_atime", "st_mtime", "st_ctime")
        return "os.stat_result(" + ", ".join(
            "%s=%r" % (n, v) for n, v in zip(names, tuple(self))) + ")"


F_OK = 0
X_OK = 1
W_OK = 2
R_OK = 4
defpath = "/bin:/usr/bin"
SEEK_SET = 0
SEEK_CUR = 1
SEEK_END = 2


def fsencode(filename):
    filename = fspath(filename)
    return filename.encode("utf-8", "surrogateescape") if isinstance(filename, str) else filename


def fsdecode(filename):
    filename = fspath(filename)
    return filename.decode("utf-8", "surrogateescape") if isinstance(filename, bytes) else filename


def cpu_count():
    return None


def access(path, mode, *, dir_fd=None, effective_ids=False, follow_symlinks=True):
    try:
        st = stat(path)
    except OSError:
        return False
    if mode == F_OK:
        return True
    bits = st.st_mode
    ok = True
    if mode & R_OK:
        ok = ok and bool(bits & 0o444)
    if mode & W_OK:
        ok = ok and bool(bits & 0o222)
    if mode & X_OK:
        ok = ok and bool(bits & 0o111)
    return ok


def stat(path, *, dir_fd=None, follow_symlinks=True):
    return stat_result(_os.stat(fspath(path), follow_symlinks))


def lstat(path, *, dir_fd=None):
    return stat_result(_os.stat(fspath(path), False))


def chdir(path):
    _os.chdir(fspath(path))


def symlink(src, dst, target_is_directory=False, *, dir_fd=None):
    _os.symlink(fspath(src), fspath(dst))


def readlink(path, *, dir_fd=None):
    return _os.readlink(fspath(path))


def chmod(path, mode, *, dir_fd=None, follow_symlinks=True):
    _os.chmod(fspath(path), mode)


def utime(path, times=None, *, ns=None, dir_fd=None, follow_symlinks=True):
    if ns is not None:
        times = (ns[0] / 1e9, ns[1] / 1e9)
    if times is None:
        import time
        now = time.time()
        times = (now, now)
    _os.utime(fspath(path), times[0], times[1])


def removedirs(name):
    rmdir(name)
    head, tail = path.split(name)
    if not tail:
        head, tail = path.split(head)
    while head and tail:
        try:
            rmdir(head)
        except OSError:
            break
        head, tail = path.split(head)


def renames(old, new):
    head, tail = path.split(new)
    if head and tail and not path.exists(head):
        makedirs(head)
    rename(old, new)


def get_terminal_size(fd=1):
    raise OSError("[Errno 25] Inappropriate ioctl for device")


class terminal_size(tuple):
    def __new__(cls, size):
        return tuple.__new__(cls, (size[0], size[1]))

    columns = property(lambda self: self[0])
    lines = property(lambda self: self[1])

    def __repr__(self):
        return "os.terminal_size(columns=%d, lines=%d)" % (self[0], self[1])


class _PathLikeMeta(type):
    def __instancecheck__(cls, obj):
        return hasattr(type(obj), "__fspath__")

    def __subclasscheck__(cls, sub):
        return hasattr(sub, "__fspath__")


class PathLike(metaclass=_PathLikeMeta):
    """Abstract base class for objects with `__fspath__` (checked structurally)."""

    def __fspath__(self):
        raise NotImplementedError

    # `os.PathLike[str]` in annotations (importlib.resources): pyguest has no generic
    # aliases of built-in classes (`list[int]` is `list`), so the subscript is the class
    @classmethod
    def __class_getitem__(cls, item):
        return cls


class DirEntry:
    """One entry of `scandir`: `name`, `path`, `is_dir`, `is_file`, `is_symlink`, `stat`."""

    def __init__(self, dirpath, name):
        self.name = name
        if dirpath in ("", "."):
            self.path = name if dirpath == "" else "./" + name
        else:
            self.path = dirpath + name if dirpath.endswith("/") else dirpath + "/" + name
        self._lstat = None

    def __fspath__(self):
        return self.path

    def __repr__(self):
        return "<DirEntry %r>" % self.name

    def _l(self):
        if self._lstat is None:
            self._lstat = lstat(self.path)
        return self._lstat

    def is_symlink(self):
        try:
            return self._l().st_mode & 0o170000 == 0o120000
        except OSError:
            return False

    def is_dir(self, *, follow_symlinks=True):
        if follow_symlinks:
            return _os.kind(self.path) == 2
        try:
            return self._l().st_mode & 0o170000 == 0o040000
        except OSError:
            return False

    def is_file(self, *, follow_symlinks=True):
        if follow_symlinks:
            return _os.kind(self.path) == 1
        try:
            return self._l().st_mode & 0o170000 == 0o100000
        except OSError:
            return False

    def stat(self, *, follow_symlinks=True):
        return stat(self.path) if follow_symlinks else self._l()

    def inode(self):
        return self._l().st_ino


class _ScandirIterator:
    def __init__(self, p):
        self._path = p
        self._names = iter(listdir(p if p else "."))

    def __iter__(self):
        return self

    def __next__(self):
        return DirEntry(self._path, next(self._names))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self._names = iter(())


def scandir(path="."):
    return _ScandirIterator(fspath(path))


def walk(top, topdown=True, onerror=None, followlinks=False):
    """Directory tree generator yielding (dirpath, dirnames, filenames) like CPython's."""
    top = fspath(top)
    try:
        entries = list(scandir(top))
    except OSError as err:
        if onerror is not None:
            onerror(err)
        return
    dirs = []
    nondirs = []
    walk_into = []
    for entry in entries:
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            dirs.append(entry.name)
            if not topdown:
                walk_into.append(followlinks or not entry.is_symlink())
        else:
            nondirs.append(entry.name)
    if topdown:
        yield top, dirs, nondirs
        for d in dirs:
            new_path = path.join(top, d)
            if followlinks or not path.islink(new_path):
                yield from walk(new_path, topdown, onerror, followlinks)
    else:
        for d, go in zip(dirs, walk_into):
            if go:
                yield from walk(path.join(top, d), topdown, onerror, followlinks)
        yield top, dirs, nondirs


def _path_extra(p):
    """Adds the stat-based and less common `os.path` functions."""

    def getmtime(f):
        return stat(f).st_mtime

    def getatime(f):
        return stat(f).st_atime

    def getctime(f):
        return stat(f).st_ctime

    def islink(f):
        try:
            return lstat(f).st_mode & 0o170000 == 0o120000
        except (OSError, ValueError):
            return False

    def lexists(f):
        try:
            lstat(f)
        except (OSError, ValueError):
            return False
        return True

    def samefile(a, b):
        s1, s2 = stat(a), stat(b)
        return s1.st_ino == s2.st_ino and s1.st_dev == s2.st_dev

    def expanduser(f):
        f = fspath(f)
        if not f.startswith("~"):
            return f
        i = f.find("/", 1)
        if i < 0:
            i = len(f)
        if i != 1:
            return f
        home = environ.get("HOME", "/")
        return (home.rstrip("/") + f[i:]) or "/"

    def expandvars(f):
        f = fspath(f)
        out = []
        i, n = 0, len(f)
        while i < n:
            c = f[i]
            if c == "$" and i + 1 < n:
                if f[i + 1] == "{":
                    j = f.find("}", i + 2)
                    if j >= 0 and f[i + 2:j] in environ:
                        out.append(environ[f[i + 2:j]])
                        i = j + 1
                        continue
                else:
                    j = i + 1
                    while j < n and (f[j].isalnum() or f[j] == "_"):
                        j += 1
                    if j > i + 1 and f[i + 1:j] in environ:
                        out.append(environ[f[i + 1:j]])
                        i = j
                        continue
            out.append(c)
            i += 1
        return "".join(out)

    def realpath(f, *, strict=False):
        f = p.abspath(f)
        try:
            return _os.realpath(f)
        except OSError:
            if strict:
                raise
        # resolve the longest existing prefix, append the rest
        head, tail = p.split(f)
        rest = [tail]
        while head and head != "/":
            try:
                return p.normpath(p.join(_os.realpath(head), *reversed(rest)))
            except OSError:
                head, tail = p.split(head)
                rest.append(tail)
        return p.normpath(p.join("/", *reversed(rest)))

    def commonprefix(m):
        if not m:
            return ""
        s1 = min(m)
        s2 = max(m)
        for i, c in enumerate(s1):
            if c != s2[i]:
                return s1[:i]
        return s1

    def commonpath(paths):
        paths = [fspath(x) for x in paths]
        if not paths:
            raise ValueError("commonpath() arg is an empty sequence")
        isabs = {x.startswith("/") for x in paths}
        if len(isabs) != 1:
            raise ValueError("Can't mix absolute and relative paths")
        split = [[c for c in x.split("/") if c and c != "."] for x in paths]
        s1, s2 = min(split), max(split)
        common = s1
        for i, c in enumerate(s1):
            if c != s2[i]:
                common = s1[:i]
                break
        return ("/" if paths[0].startswith("/") else "") + "/".join(common)

    def relpath(f, start=None):
        f = fspath(f)
        if not f:
            raise ValueError("no path specified")
        start = curdir if start is None else fspath(start)
        sl = [x for x in p.abspath(start).split("/") if x]
        pl = [x for x in p.abspath(f).split("/") if x]
        i = 0
        while i < len(sl) and i < len(pl) and sl[i] == pl[i]:
            i += 1
        rel = [pardir] * (len(sl) - i) + pl[i:]
        return p.join(*rel) if rel else curdir

    def splitdrive(f):
        return f[:0], f

    def normcase(f):
        return fspath(f)

    for fn in (getmtime, getatime, getctime, islink, lexists, samefile, expanduser,
               expandvars, realpath, commonprefix, commonpath, relpath, splitdrive,
               normcase):
        setattr(p, fn.__name__, staticmethod(fn))
    p.curdir = curdir
    p.pardir = pardir
    p.extsep = extsep
    p.altsep = None
    p.pathsep = pathsep
    p.devnull = devnull


_path_extra(_Path)

path = _Path
sys.modules["os.path"] = path


# ---- process and descriptor calls over the native `_pgprocess` (uname, pipes, signals) ----

import _pgprocess


class uname_result(tuple):
    """Result of `uname()`: (sysname, nodename, release, version, machine) with those
    names as attributes, repr'd like CPython's `posix.uname_result`."""

    n_sequence_fields = 5
    _fields = ("sysname", "nodename", "release", "version", "machine")

    def __new__(cls, values):
        return tuple.__new__(cls, values)

    sysname = property(lambda self: self[0])
    nodename = property(lambda self: self[1])
    release = property(lambda self: self[2])
    version = property(lambda self: self[3])
    machine = property(lambda self: self[4])

    def __repr__(self):
        return "posix.uname_result(" + ", ".join(
            "%s=%r" % (n, v) for n, v in zip(self._fields, self)) + ")"


def uname():
    return uname_result(_pgprocess.uname())


def pipe():
    return _pgprocess.pipe()


def read(fd, n):
    return _pgprocess.read(fd, n)


def write(fd, data):
    return _pgprocess.write(fd, data)


def kill(pid, sig):
    _pgprocess.kill(pid, sig)


def getppid():
    return _pgprocess.getppid()


WNOHANG = 1


def waitpid(pid, options):
    """waitpid for a child started by pyguest's `subprocess` (the only children pyguest
    has): (pid, wait status), or (0, 0) under WNOHANG while it runs. Waiting lets the other
    Python threads run (asyncio's child watcher waits on a thread)."""
    try:
        rc = _pgprocess.poll(pid) if options & WNOHANG else _pgprocess.wait(pid, None)
    except ValueError:
        raise ChildProcessError(10, "No child processes") from None
    if rc is None:
        return (0, 0)
    return (pid, (rc & 0xFF) << 8 if rc >= 0 else -rc)


def waitstatus_to_exitcode(status):
    if status & 0x7F == 0:
        return (status >> 8) & 0xFF
    if status & 0xFF == 0x7F:
        raise ValueError(f"process stopped by delivery of signal {status >> 8 & 0xFF}")
    return -(status & 0x7F)


def WIFEXITED(status):
    return status & 0x7F == 0


def WEXITSTATUS(status):
    return (status >> 8) & 0xFF


def WIFSIGNALED(status):
    return (status & 0x7F) not in (0, 0x7F)


def WTERMSIG(status):
    return status & 0x7F


def get_exec_path(env=None):
    if env is None:
        env = environ
    return env.get("PATH", defpath).split(pathsep)
