"""A minimal `tempfile` for pyguest: `gettempdir`, `mkdtemp`, `mktemp`, `NamedTemporaryFile`,
`TemporaryFile` (named; removed on close), `mkstemp` (a descriptor from `os.open` with
`O_CREAT | O_EXCL`, mode 0o600), `TemporaryDirectory` (context manager removing the tree), built on `os` and `_os`.
Names are unique per process (pid, a counter and random bits)."""

import os
import _os

tempdir = None
_counter = [0]


def gettempdir():
    return tempdir or os.environ.get("TMPDIR") or "/tmp"


def _name(prefix, suffix):
    _counter[0] += 1
    rnd = "".join("abcdefghijklmnopqrstuvwxyz0123456789_"[b % 37] for b in _os.urandom(8))
    return prefix + str(_os.getpid()) + "_" + str(_counter[0]) + rnd + suffix


def mkdtemp(suffix=None, prefix=None, dir=None):
    base = dir if dir is not None else gettempdir()
    while True:
        p = os.path.join(base, _name(prefix if prefix is not None else "tmp", suffix or ""))
        if not os.path.exists(p):
            _os.mkdir(p)
            return os.path.abspath(p)


def mkstemp(suffix=None, prefix=None, dir=None, text=False):
    """Creates a new file only this user can read and write; returns (descriptor, path)."""
    base = dir if dir is not None else gettempdir()
    while True:
        p = os.path.join(base, _name(prefix if prefix is not None else "tmp", suffix or ""))
        try:
            fd = os.open(p, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        return fd, os.path.abspath(p)


class TemporaryDirectory:
    def __init__(self, suffix=None, prefix=None, dir=None, ignore_cleanup_errors=False):
        self.name = mkdtemp(suffix, prefix, dir)
        self._ignore = ignore_cleanup_errors

    def __repr__(self):
        return "<TemporaryDirectory %r>" % self.name

    def __enter__(self):
        return self.name

    def __exit__(self, *exc):
        self.cleanup()

    def cleanup(self):
        if os.path.exists(self.name):
            try:
                _os.rmtree(self.name)
            except OSError:
                if not self._ignore:
                    raise


# ---- named temporary files (batch B: used with pathlib/shutil programs)

def gettempprefix():
    return "tmp"


def mktemp(suffix="", prefix="tmp", dir=None):
    """A unique file name that did not exist when asked (unsafe: nothing is created)."""
    base = dir if dir is not None else gettempdir()
    while True:
        p = os.path.join(base, _name(prefix, suffix))
        if not os.path.exists(p):
            return p


class _TemporaryFileWrapper:
    """A file object with a `name` that is removed on close (when `delete` is true)."""

    def __init__(self, file, name, delete=True):
        self.file = file
        self.name = name
        self.delete = delete

    def __getattr__(self, name):
        return getattr(self.__dict__["file"], name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __iter__(self):
        return iter(self.file)

    def close(self):
        if not self.file.closed:
            self.file.close()
            if self.delete and os.path.exists(self.name):
                os.remove(self.name)

    @property
    def closed(self):
        return self.file.closed

    def __repr__(self):
        return "<tempfile._TemporaryFileWrapper file=%r>" % (self.file,)


def NamedTemporaryFile(mode="w+b", buffering=-1, encoding=None, newline=None, suffix=None,
                       prefix=None, dir=None, delete=True, *, errors=None):
    """A temporary file with a visible name, removed on close when `delete` is true."""
    name = mktemp(suffix or "", prefix if prefix is not None else "tmp", dir)
    if "x" not in mode and "w" not in mode and "a" not in mode:
        with open(name, "wb"):
            pass
    f = open(name, mode, buffering, encoding, errors, newline)
    return _TemporaryFileWrapper(f, os.path.abspath(name), delete)


def TemporaryFile(mode="w+b", buffering=-1, encoding=None, newline=None, suffix=None,
                  prefix=None, dir=None, *, errors=None):
    """A temporary file removed on close (it has a name under pyguest)."""
    return NamedTemporaryFile(mode, buffering, encoding, newline, suffix, prefix, dir, True,
                              errors=errors)
