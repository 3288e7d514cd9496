"""High-level file operations (`shutil`) for pyguest, as CPython 3.11 on POSIX.

`copyfileobj`, `copyfile` (contents, natively), `copymode`, `copystat` (mode and times),
`copy`, `copy2`, `copytree` (`symlinks`, `ignore`, `copy_function`, `dirs_exist_ok`),
`ignore_patterns`, `rmtree` (`ignore_errors`, `onerror`), `move` (rename, or copy and delete),
`which`, `disk_usage`-free `get_terminal_size` (from `COLUMNS`/`LINES`, default 80x24),
`make_archive` is not provided. Errors are the same exception classes and messages as
CPython's (`SameFileError`, `Error` with its list of failures for `copytree`).
"""

import fnmatch
import os
import stat
import sys

try:
    import _os
except ImportError:  # another interpreter (the CPython check): copy through Python
    _os = None

__all__ = ["copyfileobj", "copyfile", "copymode", "copystat", "copy", "copy2", "copytree",
           "move", "rmtree", "Error", "SpecialFileError", "ExecError", "ignore_patterns",
           "which", "get_terminal_size", "SameFileError"]

COPY_BUFSIZE = 64 * 1024


class Error(OSError):
    pass


class SameFileError(Error):
    """Raised when source and destination are the same file."""


class SpecialFileError(OSError):
    """Raised when trying to do a kind of operation (e.g. copying) which is not supported on a
    special file (e.g. a named pipe)."""


class ExecError(OSError):
    """Raised when a command could not be executed."""


class ReadError(OSError):
    """Raised when an archive cannot be read."""


class RegistryError(Exception):
    pass


def copyfileobj(fsrc, fdst, length=0):
    """Copy data from file-like object fsrc to file-like object fdst."""
    if not length:
        length = COPY_BUFSIZE
    while True:
        buf = fsrc.read(length)
        if not buf:
            break
        fdst.write(buf)


def _samefile(src, dst):
    try:
        return os.path.samefile(src, dst)
    except OSError:
        return False


def _islink(p):
    return os.path.islink(p)


def copyfile(src, dst, *, follow_symlinks=True):
    """Copy the contents (no metadata) of src to dst; returns dst."""
    if _samefile(src, dst):
        raise SameFileError("{!r} and {!r} are the same file".format(src, dst))
    s, d = os.fspath(src), os.fspath(dst)
    if not follow_symlinks and _islink(s):
        os.symlink(os.readlink(s), d)
    else:
        if os.path.isdir(d) and os.path.exists(s):
            raise IsADirectoryError(21, "Is a directory", d)
        if _os is not None:
            _os.copyfile(s, d)
        else:
            with open(s, "rb") as fsrc, open(d, "wb") as fdst:
                copyfileobj(fsrc, fdst)
    return dst


def copymode(src, dst, *, follow_symlinks=True):
    """Copy the permission bits from src to dst."""
    if not follow_symlinks and _islink(src) and _islink(dst):
        return
    st = os.stat(src)
    os.chmod(dst, stat.S_IMODE(st.st_mode))


def copystat(src, dst, *, follow_symlinks=True):
    """Copy the permission bits and access/modification times from src to dst."""
    if not follow_symlinks and _islink(src) and _islink(dst):
        return
    st = os.stat(src)
    os.utime(dst, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.chmod(dst, stat.S_IMODE(st.st_mode))


def copy(src, dst, *, follow_symlinks=True):
    """Copy data and mode bits ("cp src dst"); dst may be a directory. Returns the file's
    destination."""
    if os.path.isdir(dst):
        dst = os.path.join(dst, os.path.basename(src))
    copyfile(src, dst, follow_symlinks=follow_symlinks)
    copymode(src, dst, follow_symlinks=follow_symlinks)
    return dst


def copy2(src, dst, *, follow_symlinks=True):
    """Copy data and metadata (mode and times); returns the file's destination."""
    if os.path.isdir(dst):
        dst = os.path.join(dst, os.path.basename(src))
    copyfile(src, dst, follow_symlinks=follow_symlinks)
    copystat(src, dst, follow_symlinks=follow_symlinks)
    return dst


def ignore_patterns(*patterns):
    """A function for copytree's `ignore` that skips names matching any glob pattern."""
    def _ignore_patterns(path, names):
        ignored = []
        for pattern in patterns:
            ignored.extend(fnmatch.filter(names, pattern))
        return set(ignored)
    return _ignore_patterns


def copytree(src, dst, symlinks=False, ignore=None, copy_function=copy2,
             ignore_dangling_symlinks=False, dirs_exist_ok=False):
    """Recursively copy the directory tree src to dst; returns dst."""
    src_s = os.fspath(src)
    names = os.listdir(src_s)
    ignored = ignore(os.fspath(src), names) if ignore is not None else set()
    os.makedirs(dst, exist_ok=dirs_exist_ok)
    errors = []
    for name in names:
        if name in ignored:
            continue
        srcname = os.path.join(src_s, name)
        dstname = os.path.join(os.fspath(dst), name)
        try:
            if _islink(srcname):
                linkto = os.readlink(srcname)
                if symlinks:
                    os.symlink(linkto, dstname)
                    copystat(srcname, dstname, follow_symlinks=False)
                else:
                    if not os.path.exists(linkto if os.path.isabs(linkto)
                                          else os.path.join(src_s, linkto)) \
                            and ignore_dangling_symlinks:
                        continue
                    if os.path.isdir(srcname):
                        copytree(srcname, dstname, symlinks, ignore, copy_function,
                                 dirs_exist_ok=dirs_exist_ok)
                    else:
                        copy_function(srcname, dstname)
            elif os.path.isdir(srcname):
                copytree(srcname, dstname, symlinks, ignore, copy_function,
                         ignore_dangling_symlinks, dirs_exist_ok)
            else:
                copy_function(srcname, dstname)
        except Error as err:
            errors.extend(err.args[0])
        except OSError as why:
            errors.append((srcname, dstname, str(why)))
    try:
        copystat(src_s, dst)
    except OSError as why:
        errors.append((src_s, os.fspath(dst), str(why)))
    if errors:
        raise Error(errors)
    return dst


def _rmtree(path, onerror):
    try:
        names = os.listdir(path)
    except OSError as err:
        onerror(os.listdir, path, sys.exc_info())
        return
    for name in names:
        full = os.path.join(path, name)
        try:
            is_dir = os.path.isdir(full) and not _islink(full)
        except OSError:
            is_dir = False
        if is_dir:
            _rmtree(full, onerror)
        else:
            try:
                os.unlink(full)
            except OSError:
                onerror(os.unlink, full, sys.exc_info())
    try:
        os.rmdir(path)
    except OSError:
        onerror(os.rmdir, path, sys.exc_info())


def rmtree(path, ignore_errors=False, onerror=None, *, dir_fd=None):
    """Recursively delete a directory tree (symlinks to directories are not followed)."""
    if ignore_errors:
        def onerror(*args):
            pass
    elif onerror is None:
        def onerror(*args):
            raise
    path = os.fspath(path)
    try:
        if _islink(path):
            raise OSError("Cannot call rmtree on a symbolic link")
    except OSError:
        onerror(os.path.islink, path, sys.exc_info())
        return
    if os.path.exists(path) and not os.path.isdir(path):
        try:
            raise NotADirectoryError(20, "Not a directory", path)
        except OSError:
            onerror(os.open if hasattr(os, "open") else os.listdir, path, sys.exc_info())
            return
    _rmtree(path, onerror)


rmtree.avoids_symlink_attacks = False


def _basename(path):
    path = os.fspath(path)
    return os.path.basename(path.rstrip(os.sep))


def _destinsrc(src, dst):
    src = os.path.abspath(src)
    dst = os.path.abspath(dst)
    if not src.endswith(os.path.sep):
        src += os.path.sep
    if not dst.endswith(os.path.sep):
        dst += os.path.sep
    return dst.startswith(src)


def move(src, dst, copy_function=copy2):
    """Recursively move a file or directory to another location ("mv"); returns dst."""
    real_dst = dst
    if os.path.isdir(dst):
        if _samefile(src, dst):
            os.rename(src, dst)
            return
        real_dst = os.path.join(dst, _basename(src))
        if os.path.exists(real_dst):
            raise Error("Destination path '%s' already exists" % real_dst)
    try:
        os.rename(src, real_dst)
    except OSError:
        if _islink(src):
            linkto = os.readlink(src)
            os.symlink(linkto, real_dst)
            os.unlink(src)
        elif os.path.isdir(src):
            if _destinsrc(src, dst):
                raise Error("Cannot move a directory '%s' into itself"
                            " '%s'." % (src, dst))
            copytree(src, real_dst, copy_function=copy_function, symlinks=True)
            rmtree(src)
        else:
            copy_function(src, real_dst)
            os.unlink(src)
    return real_dst


def which(cmd, mode=1, path=None):
    """The full path of the executable `cmd` on PATH, or None."""
    def _ok(fn):
        try:
            st = os.stat(fn)
        except OSError:
            return False
        return not stat.S_ISDIR(st.st_mode) and st.st_mode & 0o111 != 0

    if os.path.dirname(cmd):
        return cmd if _ok(cmd) else None
    if path is None:
        path = os.environ.get("PATH", None)
        if path is None:
            path = os.defpath
    if not path:
        return None
    seen = set()
    for d in path.split(os.pathsep):
        normdir = os.path.normcase(d)
        if normdir not in seen:
            seen.add(normdir)
            name = os.path.join(d, cmd)
            if _ok(name):
                return name
    return None


def get_terminal_size(fallback=(80, 24)):
    """The terminal size from `COLUMNS`/`LINES`, else the fallback (pyguest does not query
    the terminal)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    try:
        lines = int(os.environ["LINES"])
    except (KeyError, ValueError):
        lines = 0
    if columns <= 0 or lines <= 0:
        try:
            size = os.get_terminal_size(sys.__stdout__.fileno())
        except (AttributeError, ValueError, OSError):
            size = os.terminal_size(fallback)
        if columns <= 0:
            columns = size.columns or fallback[0]
        if lines <= 0:
            lines = size.lines or fallback[1]
    return os.terminal_size((columns, lines))


def disk_usage(path):
    raise NotImplementedError("shutil.disk_usage is not supported by pyguest")
