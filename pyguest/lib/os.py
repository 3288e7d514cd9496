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
            raise FileExistsError("[Errno 17] File exists: " + repr(name))
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


path = _Path
sys.modules["os.path"] = path
