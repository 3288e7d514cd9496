"""A minimal `tempfile` for pyguest: `gettempdir`, `mkdtemp`, `mkstemp`-free
`TemporaryDirectory` (context manager removing the tree), built on `os` and `_os`.
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
