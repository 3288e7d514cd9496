"""pyguest's `importlib._bootstrap_external`: the path-based loaders, the suffix lists and the
`.pyc` header helpers that CPython's `py_compile`, `compileall`, `modulefinder`, `imp` and
`pydoc` use, over pyguest's `importlib.machinery`.

pyguest writes and loads no bytecode files, and its `marshal` has no code objects, so
`_code_to_timestamp_pyc`/`_code_to_hash_pyc` raise `NotImplementedError` with that reason;
the header helpers (`_classify_pyc`, `_validate_timestamp_pyc`, `_pack_uint32`, ...) work on
any bytes, as CPython's do, with CPython's `ImportError`/`EOFError` messages.
"""

import os
import sys

from .machinery import (SourceFileLoader, SourcelessFileLoader, ExtensionFileLoader,
                        FileFinder, PathFinder, SOURCE_SUFFIXES, BYTECODE_SUFFIXES,
                        EXTENSION_SUFFIXES, all_suffixes)
from .util import (MAGIC_NUMBER, cache_from_source, source_from_cache, decode_source,
                   spec_from_file_location)

_RAW_MAGIC_NUMBER = int.from_bytes(MAGIC_NUMBER, "little")
_PYCACHE = "__pycache__"
_OPT = "opt-"
path_sep = os.sep
path_separators = os.sep


def _pack_uint32(x):
    return (int(x) & 0xFFFFFFFF).to_bytes(4, "little")


def _unpack_uint32(data):
    if len(data) != 4:
        raise ValueError("need exactly 4 bytes, got {}".format(len(data)))
    return int.from_bytes(data, "little")


def _path_join(*parts):
    return os.path.join(*parts)


def _path_split(path):
    return os.path.split(path)


def _path_stat(path):
    return os.stat(path)


def _path_isfile(path):
    return os.path.isfile(path)


def _path_isdir(path):
    return os.path.isdir(path or os.getcwd())


def _path_isabs(path):
    return os.path.isabs(path)


def _calc_mode(path):
    """The permission bits for a bytecode file written next to `path`'s source."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        mode = 0o666
    return mode | 0o200


def _write_atomic(path, data, mode=0o666):
    """Write `data` to `path` through a temporary file renamed into place."""
    tmp = "{}.{}".format(path, id(path))
    fd = os.open(tmp, os.O_EXCL | os.O_CREAT | os.O_WRONLY, mode & 0o666)
    try:
        with open(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _classify_pyc(data, name, exc_details):
    """Check a `.pyc` header (magic and flags); return the flags word."""
    magic = data[:4]
    if magic != MAGIC_NUMBER:
        message = f"bad magic number in {name!r}: {magic!r}"
        raise ImportError(message, **exc_details)
    if len(data) < 16:
        message = f"reached EOF while reading pyc header of {name!r}"
        raise EOFError(message)
    flags = _unpack_uint32(data[4:8])
    if flags & ~0b11:
        message = f"invalid flags {flags!r} in {name!r}"
        raise ImportError(message, **exc_details)
    return flags


def _validate_timestamp_pyc(data, source_mtime, source_size, name, exc_details):
    if _unpack_uint32(data[8:12]) != (int(source_mtime) & 0xFFFFFFFF):
        message = f"bytecode is stale for {name!r}"
        raise ImportError(message, **exc_details)
    if source_size is not None and _unpack_uint32(data[12:16]) != (source_size & 0xFFFFFFFF):
        raise ImportError(f"bytecode is stale for {name!r}", **exc_details)


def _validate_hash_pyc(data, source_hash, name, exc_details):
    if data[8:16] != source_hash:
        raise ImportError(f"hash in bytecode doesn't match hash of source {name!r}",
                          **exc_details)


def _no_code_marshal():
    raise NotImplementedError("pyguest writes no bytecode files: its marshal has no code objects")


def _code_to_timestamp_pyc(code, mtime=0, source_size=0):
    _no_code_marshal()


def _code_to_hash_pyc(code, source_hash, checked=True):
    _no_code_marshal()


def _get_supported_file_loaders():
    return [(ExtensionFileLoader, EXTENSION_SUFFIXES), (SourceFileLoader, SOURCE_SUFFIXES),
            (SourcelessFileLoader, BYTECODE_SUFFIXES)]
