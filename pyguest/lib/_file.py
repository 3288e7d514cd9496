"""File objects returned by pyguest's built-in `open()`.

Plain Python over the native `_os` module (whole-file `read`, `write` with append), for a
file opened by name with the default buffering; a descriptor, `buffering=0`, `closefd=False`
or an `opener` give `io`'s layered objects (`FileIO` under a buffer and a text wrapper). Reading
modes load the file at open time; write and append modes write through on every `write()`
(so a file that is never closed still has its data); `+` modes keep the contents in memory
and write them back on `flush()`/`close()`. Text mode decodes/encodes UTF-8 (other encodings:
`latin-1`/`ascii` through `bytes.decode`) with universal-newline reading (newline=None).
"""

import _os


class _FileObject:
    def __init__(self, path, mode, binary, encoding, newline):
        self.name = path
        self.mode = mode
        self.closed = False
        self._binary = binary
        self._encoding = encoding
        self._newline = newline
        self._readable = "r" in mode or "+" in mode
        self._writable = "w" in mode or "a" in mode or "x" in mode or "+" in mode
        self._plus = "+" in mode
        self._pos = 0
        if "x" in mode and _os.kind(path) != 0:
            raise FileExistsError(17, "File exists", path)
        if "r" in mode:
            self._data = self._decode(_os.read(path))
        elif "a" in mode:
            if _os.kind(path) == 0:
                _os.write(path, b"", False)
            self._data = self._decode(_os.read(path)) if self._plus else self._empty()
            self._pos = len(self._data)
        else:
            _os.write(path, b"", False)
            self._data = self._empty()

    def _empty(self):
        return b"" if self._binary else ""

    def _decode(self, b):
        if self._binary:
            return b
        s = b.decode(self._encoding)
        if self._newline is None:
            s = s.replace("\r\n", "\n").replace("\r", "\n")
        return s

    def _encode(self, s):
        if self._binary:
            return bytes(s)
        if self._newline not in (None, "", "\n"):
            s = s.replace("\n", self._newline)
        return s.encode(self._encoding)

    def _check(self, readable=False, writable=False):
        if self.closed:
            raise ValueError("I/O operation on closed file.")
        if readable and not self._readable:
            raise _unsupported("not readable")
        if writable and not self._writable:
            raise _unsupported("not writable")

    def readable(self):
        self._check()
        return self._readable

    def writable(self):
        self._check()
        return self._writable

    def seekable(self):
        self._check()
        return True

    def read(self, size=-1):
        self._check(readable=True)
        if size is None or size < 0:
            end = len(self._data)
        else:
            end = min(len(self._data), self._pos + size)
        r = self._data[self._pos:end]
        self._pos = end
        return r

    def readline(self, size=-1):
        self._check(readable=True)
        nl = b"\n" if self._binary else "\n"
        i = self._data.find(nl, self._pos)
        end = len(self._data) if i < 0 else i + 1
        if size is not None and size >= 0:
            end = min(end, self._pos + size)
        r = self._data[self._pos:end]
        self._pos = end
        return r

    def readlines(self, hint=-1):
        lines = []
        total = 0
        while True:
            line = self.readline()
            if not line:
                break
            lines.append(line)
            total += len(line)
            if hint is not None and 0 < hint <= total:
                break
        return lines

    def __iter__(self):
        self._check()
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def write(self, s):
        self._check(writable=True)
        if self._binary:
            if isinstance(s, str):
                raise TypeError("a bytes-like object is required, not 'str'")
        elif not isinstance(s, str):
            raise TypeError("write() argument must be str, not " + type(s).__name__)
        if self._plus:
            if "a" in self.mode:
                self._pos = len(self._data)
            self._data = self._data[:self._pos] + s + self._data[self._pos + len(s):]
            self._pos += len(s)
            self._dirty = True
        else:
            _os.write(self.name, self._encode(s), True)
        return len(s)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def tell(self):
        self._check()
        if self._binary or not self._readable:
            return self._pos if self._readable else _os.size(self.name)
        return len(self._encode(self._data[:self._pos]))

    def seek(self, offset, whence=0):
        self._check()
        if whence == 0:
            self._pos = offset
        elif whence == 1:
            self._pos += offset
        else:
            self._pos = len(self._data) + offset
        self._pos = max(0, self._pos)
        return self._pos

    def flush(self):
        self._check()
        if self._plus and getattr(self, "_dirty", False):
            _os.write(self.name, self._encode(self._data), False)
            self._dirty = False

    def close(self):
        if not self.closed:
            self.flush()
            self.closed = True

    def fileno(self):
        raise _unsupported("fileno")

    def __enter__(self):
        self._check()
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __repr__(self):
        if self._binary:
            kind = "_io.BufferedReader" if self.mode == "rb" else "_io.BufferedWriter"
            return "<%s name=%r>" % (kind, self.name)
        return "<_io.TextIOWrapper name=%r mode=%r encoding=%r>" % (
            self.name, self.mode, self._encoding)


def _unsupported(what):
    try:
        import io
        return io.UnsupportedOperation(what)
    except ImportError:
        return OSError(what)


def open(file, mode="r", buffering=-1, encoding=None, errors=None, newline=None,
         closefd=True, opener=None):
    if isinstance(file, int) or buffering == 0 or opener is not None or not closefd:
        # a descriptor, unbuffered, or a custom opener: the layered classes of `io`
        import io
        return io._open_layered(file, mode, buffering, encoding, errors, newline, closefd,
                                opener)
    if not isinstance(file, str):
        if hasattr(file, "__fspath__"):
            file = file.__fspath__()
        else:
            raise TypeError("expected str, bytes or os.PathLike object, not "
                            + type(file).__name__)
    if not isinstance(mode, str):
        raise TypeError("open() argument 'mode' must be str, not " + type(mode).__name__)
    modes = set(mode)
    if len(mode) != len(modes) or not modes <= set("rwaxbt+"):
        raise ValueError("invalid mode: '%s'" % mode)
    if "b" in mode and "t" in mode:
        raise ValueError("can't have text and binary mode at once")
    if sum(c in mode for c in "rwax") != 1:
        raise ValueError("must have exactly one of create/read/write/append mode")
    binary = "b" in mode
    if binary and encoding is not None:
        raise ValueError("binary mode doesn't take an encoding argument")
    if encoding is None:
        encoding = "utf-8"
    return _FileObject(file, mode, binary, encoding, newline)
