"""The `io` module: the stream classes of CPython 3.11's `io`, in plain Python.

pyguest's own implementation, following the layering of CPython's `io` (and `_pyio`):

- `IOBase`, `RawIOBase`, `BufferedIOBase`, `TextIOBase` are real classes (metaclass
  `abc.ABCMeta`, so `register` works) whose default methods are written in terms of the few a
  subclass provides, with CPython's method resolution: a `RawIOBase` subclass that defines
  only `readinto` gets `read`/`readall`/`readline`/iteration; a `BufferedIOBase` subclass that
  defines `read` gets `readinto`; every method checks `self.closed`, so a subclass may define
  `closed` as it likes (`gzip.GzipFile` does).
- `FileIO` is the raw layer over a file descriptor, through the native `_os` (`open_fd`,
  `lseek`, `ftruncate`, `isatty`, `fstat_mode_size`) and `_pgprocess` (`read`, `write`).
- `BufferedReader`, `BufferedWriter`, `BufferedRandom`, `BufferedRWPair` buffer any raw stream
  (`FileIO`, a user's `RawIOBase`, or any object with `readable`/`read` such as tarfile's
  `_FileInFile`). Like CPython's C classes: `peek` returns what is buffered without a raw read
  when anything is, `read1` does at most one raw read, `read(-1)` uses the raw `readall` when
  there is one. The reader reads the raw stream with `raw.read(n)` (not `readinto`), so a raw
  stream need not support writing into a buffer in place (pyguest's `memoryview` is a copy).
- `TextIOWrapper` decodes and encodes over any buffered binary stream with an incremental
  decoder from `codecs` and `IncrementalNewlineDecoder` (universal newlines). `tell` returns a
  cookie that is the byte position whenever the decoder is at a character boundary with no
  pending state (always, for UTF-8 text read line by line), else a number that also encodes the
  decoder flags and the characters to skip after seeking to the last clean position.
- `StringIO` and `BytesIO` are kept in memory (see `_Buffer`).

`io.open` is the built-in `open` (pyguest/lib/_file.py): plain files opened by name keep its
fast whole-file objects; a descriptor, `buffering=0`, or an `opener` go through `FileIO` and
the classes here. Not done: non-blocking raw streams beyond returning `None`, finalizers that
flush an unclosed `BufferedWriter` (close or flush it), and BOM handling when a UTF-16/32
`TextIOWrapper` is opened at a non-zero position.
"""

import builtins as _builtins
import abc as _abc

__all__ = ["BlockingIOError", "open", "open_code", "IOBase", "RawIOBase", "FileIO", "BytesIO",
           "StringIO", "BufferedIOBase", "BufferedReader", "BufferedWriter", "BufferedRWPair",
           "BufferedRandom", "TextIOBase", "TextIOWrapper", "UnsupportedOperation", "SEEK_SET",
           "SEEK_CUR", "SEEK_END", "DEFAULT_BUFFER_SIZE", "text_encoding",
           "IncrementalNewlineDecoder"]

SEEK_SET = 0
SEEK_CUR = 1
SEEK_END = 2
DEFAULT_BUFFER_SIZE = 8192

open = getattr(_builtins, "open", None)
BlockingIOError = _builtins.BlockingIOError


def open_code(path):
    """Open `path` for reading its code, as CPython's `io.open_code`: binary, read-only."""
    if not isinstance(path, str):
        raise TypeError("open_code() argument 'path' must be str, not %s" % type(path).__name__)
    return open(path, "rb")


def text_encoding(encoding, stacklevel=2):
    """The encoding a text stream uses when given `encoding` (None means the locale's, which
    pyguest takes to be UTF-8 as CPython's UTF-8 mode does)."""
    if encoding is not None:
        return encoding
    return "locale"


class UnsupportedOperation(OSError, ValueError):
    pass


def _closed_error(what=None):
    return ValueError(what or "I/O operation on closed file.")


class IOBase(metaclass=_abc.ABCMeta):
    """Common stream behaviour: closing, context management, line reading and iteration;
    `seek`, `tell`, `truncate`, `fileno` are unsupported unless a subclass provides them."""

    _closed = False

    def _unsupported(self, name):
        raise UnsupportedOperation(name)

    def _checkClosed(self, msg=None):
        if self.closed:
            raise _closed_error(msg)

    def _checkReadable(self, msg=None):
        if not self.readable():
            raise UnsupportedOperation("File or stream is not readable." if msg is None else msg)

    def _checkWritable(self, msg=None):
        if not self.writable():
            raise UnsupportedOperation("File or stream is not writable." if msg is None else msg)

    def _checkSeekable(self, msg=None):
        if not self.seekable():
            raise UnsupportedOperation("File or stream is not seekable." if msg is None else msg)

    # pyguest's own name of the check, kept for the code that used it
    def _check_open(self):
        if self.closed:
            raise _closed_error()

    def seek(self, pos, whence=0):
        self._unsupported("seek")

    def tell(self):
        return self.seek(0, 1)

    def truncate(self, pos=None):
        self._unsupported("truncate")

    def flush(self):
        self._checkClosed()

    @property
    def closed(self):
        return self._closed

    def close(self):
        if not self._closed:
            try:
                self.flush()
            finally:
                self._closed = True

    def seekable(self):
        return False

    def readable(self):
        return False

    def writable(self):
        return False

    def fileno(self):
        self._unsupported("fileno")

    def isatty(self):
        self._checkClosed()
        return False

    def __enter__(self):
        self._checkClosed()
        return self

    def __exit__(self, *args):
        self.close()

    def __iter__(self):
        self._checkClosed()
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def readline(self, size=-1):
        """A line of bytes read with `read`; with `peek`, as many bytes at a time as reach the
        next newline, else one byte at a time."""
        if size is None:
            size = -1
        elif not isinstance(size, int):
            raise TypeError("%r is not an integer" % (size,))
        has_peek = hasattr(self, "peek")
        res = bytearray()
        while size < 0 or len(res) < size:
            n = 1
            if has_peek:
                ahead = self.peek(1)
                if ahead:
                    n = (ahead.find(b"\n") + 1) or len(ahead)
                    if size >= 0:
                        n = min(n, size - len(res))
            b = self.read(n)
            if not b:
                break
            res += b
            if res.endswith(b"\n"):
                break
        return bytes(res)

    def readlines(self, hint=None):
        self._checkClosed()
        if hint is None or hint <= 0:
            return list(self)
        lines = []
        total = 0
        for line in self:
            lines.append(line)
            total += len(line)
            if total >= hint:
                break
        return lines

    def writelines(self, lines):
        self._checkClosed()
        for line in lines:
            self.write(line)


class RawIOBase(IOBase):
    """Unbuffered binary streams: `read` and `readall` are built on the `readinto` a subclass
    defines (given a `bytearray`)."""

    def read(self, size=-1):
        if size is None:
            size = -1
        if size < 0:
            return self.readall()
        b = bytearray(size)
        n = self.readinto(b)
        if n is None:
            return None
        del b[n:]
        return bytes(b)

    def readall(self):
        chunks = []
        while True:
            data = self.read(DEFAULT_BUFFER_SIZE)
            if not data:
                break
            chunks.append(data)
        if chunks:
            return b"".join(chunks)
        return data

    def readinto(self, b):
        raise NotImplementedError

    def write(self, b):
        raise NotImplementedError


class BufferedIOBase(IOBase):
    """Buffered binary streams: `readinto`/`readinto1` are built on `read`/`read1`."""

    def read(self, size=-1):
        self._unsupported("read")

    def read1(self, size=-1):
        self._unsupported("read1")

    def write(self, b):
        self._unsupported("write")

    def detach(self):
        self._unsupported("detach")

    def _readinto(self, b, read):
        data = read(len(b))
        n = len(data)
        b[:n] = data
        return n

    def readinto(self, b):
        return self._readinto(b, self.read)

    def readinto1(self, b):
        return self._readinto(b, self.read1)


class TextIOBase(IOBase):
    """Text streams: `encoding`, `newlines` and `errors` are None unless a subclass knows."""

    def read(self, size=-1):
        self._unsupported("read")

    def write(self, s):
        self._unsupported("write")

    def truncate(self, pos=None):
        self._unsupported("truncate")

    def readline(self, size=-1):
        self._unsupported("readline")

    def detach(self):
        self._unsupported("detach")

    encoding = None
    newlines = None
    errors = None


# ---------------------------------------------------------------- FileIO (raw, over a descriptor)

import _os
import _pgprocess

_O_RDONLY, _O_WRONLY, _O_RDWR = 0, 1, 2
_O_CREAT, _O_EXCL, _O_TRUNC, _O_APPEND = 0o100, 0o200, 0o1000, 0o2000
_S_IFMT, _S_IFDIR = 0o170000, 0o040000


class FileIO(RawIOBase):
    """A raw binary stream over an operating-system file descriptor (opened here from a path,
    or given), with CPython's modes ('r', 'w', 'x', 'a', each with '+'; 'b' allowed)."""

    _fd = -1
    _closefd = True

    def __init__(self, file, mode="r", closefd=True, opener=None):
        if self._fd >= 0:
            # re-initialising an open object closes its descriptor first, as CPython does
            if self._closefd:
                _os.close_fd(self._fd)
            self._fd = -1
        if isinstance(file, float):
            raise TypeError("integer argument expected, got float")
        if isinstance(file, int):
            if isinstance(file, bool):
                import warnings
                warnings.warn("bool is used as a file descriptor", RuntimeWarning, 2)
            if file < 0:
                raise ValueError("negative file descriptor")
            fd = file
        else:
            fd = -1
            if hasattr(file, "__fspath__"):
                file = file.__fspath__()
            if isinstance(file, bytes):
                file = file.decode("utf-8", "surrogateescape")
            if not isinstance(file, str):
                raise TypeError("expected str, bytes or os.PathLike object, not %s"
                                % type(file).__name__)
        if not isinstance(mode, str):
            raise TypeError("invalid mode: %s" % (mode,))
        if not set(mode) <= set("xrwab+") or len(set(mode)) != len(mode):
            raise ValueError("invalid mode: %s" % (mode,))
        if sum(c in "rwax" for c in mode) != 1 or mode.count("+") > 1:
            raise ValueError("Must have exactly one of create/read/write/append "
                             "mode and at most one plus")
        self._created = "x" in mode
        self._readable = "r" in mode or "+" in mode
        self._writable = "r" not in mode or "+" in mode
        self._appending = "a" in mode
        if "x" in mode:
            flags = _O_EXCL | _O_CREAT
        elif "r" in mode:
            flags = 0
        elif "w" in mode:
            flags = _O_CREAT | _O_TRUNC
        else:
            flags = _O_APPEND | _O_CREAT
        if "+" in mode:
            flags |= _O_RDWR
        elif self._readable:
            flags |= _O_RDONLY
        else:
            flags |= _O_WRONLY
        if fd < 0:
            if not closefd:
                raise ValueError("Cannot use closefd=False with file name")
            if opener is None:
                fd = _os.open_fd(file, flags, 0o666)
            else:
                fd = opener(file, flags)
                if not isinstance(fd, int):
                    raise TypeError("expected integer from opener")
                if fd < 0:
                    raise ValueError("opener returned %d" % fd)
        self._fd = fd
        self._closefd = closefd
        try:
            st_mode, _size = _os.fstat_mode_size(fd)
            if st_mode & _S_IFMT == _S_IFDIR:
                raise IsADirectoryError(21, "Is a directory", file)
            if self._appending:
                # sets the position to the end, as CPython's FileIO does for 'a'
                _os.lseek(fd, 0, SEEK_END)
        except:
            if closefd and not isinstance(file, int):
                _os.close_fd(fd)
            self._fd = -1
            raise
        self.name = file
        self._seekable = None

    def _checkOpen(self):
        if self._fd < 0:
            raise ValueError("I/O operation on closed file")

    @property
    def closed(self):
        return self._fd < 0

    @property
    def closefd(self):
        return self._closefd

    @property
    def mode(self):
        if self._created:
            return "xb+" if self._readable else "xb"
        if self._appending:
            return "ab+" if self._readable else "ab"
        if self._readable:
            return "rb+" if self._writable else "rb"
        return "wb"

    def fileno(self):
        self._checkOpen()
        return self._fd

    def readable(self):
        self._checkOpen()
        return self._readable

    def writable(self):
        self._checkOpen()
        return self._writable

    def seekable(self):
        self._checkOpen()
        if self._seekable is None:
            try:
                _os.lseek(self._fd, 0, SEEK_CUR)
                self._seekable = True
            except OSError:
                self._seekable = False
        return self._seekable

    def isatty(self):
        self._checkOpen()
        return _os.isatty(self._fd)

    def read(self, size=-1):
        self._checkOpen()
        if not self._readable:
            raise UnsupportedOperation("File not open for reading")
        if size is None or size < 0:
            return self.readall()
        return _pgprocess.read(self._fd, size)

    def readall(self):
        self._checkOpen()
        if not self._readable:
            raise UnsupportedOperation("File not open for reading")
        return _pgprocess.read(self._fd, -1)

    def readinto(self, b):
        data = self.read(len(b))
        n = len(data)
        b[:n] = data
        return n

    def write(self, b):
        self._checkOpen()
        if not self._writable:
            raise UnsupportedOperation("File not open for writing")
        if isinstance(b, str):
            raise TypeError("a bytes-like object is required, not 'str'")
        return _pgprocess.write(self._fd, b)

    def seek(self, pos, whence=SEEK_SET):
        self._checkOpen()
        if isinstance(pos, float):
            raise TypeError("an integer is required")
        return _os.lseek(self._fd, pos, whence)

    def tell(self):
        self._checkOpen()
        return _os.lseek(self._fd, 0, SEEK_CUR)

    def truncate(self, size=None):
        self._checkOpen()
        if not self._writable:
            raise UnsupportedOperation("File not open for writing")
        if size is None:
            size = self.tell()
        _os.ftruncate(self._fd, size)
        return size

    def close(self):
        if self._fd >= 0:
            try:
                RawIOBase.close(self)
            finally:
                if self._closefd:
                    fd, self._fd = self._fd, -1
                    _os.close_fd(fd)
                else:
                    self._fd = -1

    def flush(self):
        self._checkOpen()

    def __getstate__(self):
        raise TypeError("cannot pickle %r object" % type(self).__name__)

    def __repr__(self):
        if self._fd < 0:
            return "<_io.FileIO [closed]>"
        return "<_io.FileIO name=%r mode=%r closefd=%r>" % (self.name, self.mode, self._closefd)


# ---------------------------------------------------------------- buffered streams

class _BufferedIOMixin(BufferedIOBase):
    """What every buffered stream passes on to its raw stream."""

    _raw = None

    def __init__(self, raw):
        self._raw = raw

    @property
    def raw(self):
        return self._raw

    def _checkRaw(self):
        if self._raw is None:
            raise ValueError("raw stream has been detached")

    def seek(self, pos, whence=0):
        self._checkRaw()
        new = self._raw.seek(pos, whence)
        if new < 0:
            raise OSError("seek() returned an invalid position")
        return new

    def tell(self):
        self._checkRaw()
        pos = self._raw.tell()
        if pos < 0:
            raise OSError("tell() returned an invalid position")
        return pos

    def truncate(self, pos=None):
        self._checkRaw()
        self._checkClosed("truncate of closed file")
        self._checkWritable()
        self.flush()
        if pos is None:
            pos = self.tell()
        return self._raw.truncate(pos)

    def flush(self):
        self._checkRaw()
        if self.closed:
            raise ValueError("flush of closed file")
        self._raw.flush()

    def close(self):
        if self._raw is not None and not self.closed:
            try:
                self.flush()
            finally:
                self._raw.close()

    def detach(self):
        self._checkRaw()
        self.flush()
        raw, self._raw = self._raw, None
        return raw

    def seekable(self):
        self._checkRaw()
        return self._raw.seekable()

    @property
    def closed(self):
        self._checkRaw()
        return self._raw.closed

    @property
    def name(self):
        self._checkRaw()
        return self._raw.name

    @property
    def mode(self):
        self._checkRaw()
        return self._raw.mode

    def fileno(self):
        self._checkRaw()
        return self._raw.fileno()

    def isatty(self):
        self._checkRaw()
        return self._raw.isatty()

    def __getstate__(self):
        raise TypeError("cannot pickle %r object" % type(self).__name__)

    def __repr__(self):
        kind = "%s.%s" % (type(self).__module__, type(self).__qualname__)
        try:
            name = self.name
        except Exception:
            return "<%s>" % kind
        return "<%s name=%r>" % (kind, name)


class _ReaderMethods(_BufferedIOMixin):
    """A buffer in front of a readable raw stream: `read`, `read1`, `peek`, `readline`,
    `readinto`, `seek` and `tell` (which account for what is buffered). The methods of
    `BufferedReader`, shared with `BufferedRandom` (which, as in CPython, is a subclass of
    neither `BufferedReader` nor `BufferedWriter`)."""

    def __init__(self, raw, buffer_size=DEFAULT_BUFFER_SIZE):
        if not raw.readable():
            raise OSError('"raw" argument must be readable.')
        if buffer_size <= 0:
            raise ValueError("buffer size must be strictly positive")
        self._raw = raw
        self.buffer_size = buffer_size
        self._rbuf = b""
        self._rpos = 0

    def readable(self):
        self._checkRaw()
        return self._raw.readable()

    def writable(self):
        self._checkRaw()
        return False

    def _check_read(self, what):
        if self._raw is None:
            raise ValueError("raw stream has been detached")
        if self._raw.closed:
            raise ValueError(what + " of closed file")

    def _raw_read(self, n):
        data = self._raw.read(n)
        if data is not None and not isinstance(data, bytes):
            data = bytes(data)
        return data

    def read(self, size=-1):
        self._check_read("read")
        if size is None:
            size = -1
        elif size < -1:
            raise ValueError("read length must be non-negative or -1")
        buf, pos = self._rbuf, self._rpos
        if 0 <= size <= len(buf) - pos:
            self._rpos = pos + size
            return buf[pos:pos + size]
        head = buf[pos:]
        self._rbuf = b""
        self._rpos = 0
        if size < 0:
            readall = getattr(self._raw, "readall", None)
            if readall is not None:
                rest = readall()
                if rest is None:
                    return head or None
                return head + bytes(rest)
            chunks = [head]
            while True:
                data = self._raw_read(DEFAULT_BUFFER_SIZE)
                if data is None:
                    if len(chunks) == 1 and not head:
                        return None
                    break
                if not data:
                    break
                chunks.append(data)
            return b"".join(chunks)
        # as CPython's C reader: whole blocks straight from the raw stream, then the rest
        # through the buffer, so what is left over stays buffered
        chunks = [head]
        have = len(head)
        remaining = size - have
        block = self.buffer_size
        direct = remaining - remaining % block
        while direct > 0:
            data = self._raw_read(direct)
            if not data:
                if data is None and have == 0:
                    return None
                return b"".join(chunks)
            chunks.append(data)
            have += len(data)
            direct -= len(data)
            remaining -= len(data)
        fill = b""
        while remaining > len(fill) and len(fill) < block:
            data = self._raw_read(block - len(fill))
            if not data:
                if data is None and have == 0 and not fill:
                    return None
                break
            fill += data
        if fill:
            take = min(remaining, len(fill))
            chunks.append(fill[:take])
            if take < len(fill):
                self._rbuf = fill
                self._rpos = take
        return b"".join(chunks)

    def peek(self, size=0):
        """The buffered bytes (at least one unless at the end); reads the raw stream only when
        nothing is buffered."""
        self._check_read("peek")
        if self._rpos < len(self._rbuf):
            return self._rbuf[self._rpos:]
        data = self._raw_read(self.buffer_size) or b""
        self._rbuf = data
        self._rpos = 0
        return data

    def read1(self, size=-1):
        """The buffered bytes (at most `size`), or, when nothing is buffered, one raw read."""
        self._check_read("read")
        if size is None or size < 0:
            size = self.buffer_size
        if size == 0:
            return b""
        buf, pos = self._rbuf, self._rpos
        if pos < len(buf):
            n = min(size, len(buf) - pos)
            self._rpos = pos + n
            return buf[pos:pos + n]
        self._rbuf = b""
        self._rpos = 0
        if size > self.buffer_size:
            return self._raw_read(size) or b""
        data = self._raw_read(self.buffer_size) or b""
        if len(data) > size:
            self._rbuf = data
            self._rpos = size
            return data[:size]
        return data

    def readline(self, size=-1):
        self._check_read("readline")
        if size is None:
            size = -1
        buf, pos = self._rbuf, self._rpos
        end = buf.find(b"\n", pos)
        if end >= 0 and (size < 0 or end + 1 - pos <= size):
            self._rpos = end + 1
            return buf[pos:end + 1]
        line = buf[pos:]
        self._rbuf = b""
        self._rpos = 0
        searched = 0
        while True:
            end = line.find(b"\n", searched)
            if end >= 0:
                cut = end + 1
            elif 0 <= size <= len(line):
                cut = size
            else:
                data = self._raw_read(self.buffer_size)
                if data:
                    searched = len(line)
                    line += data
                    continue
                cut = len(line)
            if 0 <= size < cut:
                cut = size
            if cut < len(line):
                self._rbuf = line
                self._rpos = cut
                return line[:cut]
            return line

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def tell(self):
        pos = _BufferedIOMixin.tell(self) - (len(self._rbuf) - self._rpos)
        return pos if pos > 0 else 0

    def seek(self, pos, whence=0):
        if whence not in (0, 1, 2):
            raise ValueError("whence value %d unsupported" % whence)
        self._check_read("seek")
        if whence == 1:
            pos -= len(self._rbuf) - self._rpos
        pos = _BufferedIOMixin.seek(self, pos, whence)
        self._rbuf = b""
        self._rpos = 0
        return pos

    def _unread(self):
        """Gives back to the raw stream what is buffered but not read (before a write)."""
        left = len(self._rbuf) - self._rpos
        if left:
            self._raw.seek(-left, 1)
        self._rbuf = b""
        self._rpos = 0


class _WriterMethods(_BufferedIOMixin):
    """A buffer in front of a writable raw stream: writes collect until `buffer_size` bytes,
    `flush`, `seek` or `close` pass them on. The methods of `BufferedWriter`, shared with
    `BufferedRandom`."""

    def __init__(self, raw, buffer_size=DEFAULT_BUFFER_SIZE):
        if not raw.writable():
            raise OSError('"raw" argument must be writable.')
        if buffer_size <= 0:
            raise ValueError("buffer size must be strictly positive")
        self._raw = raw
        self.buffer_size = buffer_size
        self._wbuf = bytearray()

    def writable(self):
        self._checkRaw()
        return self._raw.writable()

    def readable(self):
        self._checkRaw()
        return False

    def write(self, b):
        self._checkRaw()
        if self._raw.closed:
            raise ValueError("write to closed file")
        if isinstance(b, str):
            raise TypeError("a bytes-like object is required, not 'str'")
        n = len(b)
        self._wbuf += b
        if len(self._wbuf) > self.buffer_size:
            self._flush_buffer()
        return n

    def _flush_buffer(self):
        buf = self._wbuf
        while buf:
            n = self._raw.write(bytes(buf))
            if n is None:
                raise BlockingIOError(11, "write could not complete without blocking", 0)
            if n > len(buf) or n < 0:
                raise OSError("write() returned incorrect number of bytes")
            del buf[:n]

    def flush(self):
        self._checkRaw()
        if self._raw.closed:
            raise ValueError("flush of closed file")
        self._flush_buffer()

    def tell(self):
        return _BufferedIOMixin.tell(self) + len(self._wbuf)

    def seek(self, pos, whence=0):
        if whence not in (0, 1, 2):
            raise ValueError("whence value %d unsupported" % whence)
        self.flush()
        return _BufferedIOMixin.seek(self, pos, whence)

    def truncate(self, pos=None):
        self._checkRaw()
        self.flush()
        if pos is None:
            pos = self._raw.tell()
        return self._raw.truncate(pos)

    def close(self):
        if self._raw is None or self.closed:
            return
        try:
            self.flush()
        finally:
            self._raw.close()

    def __del__(self):
        # what is still buffered reaches the raw stream when the writer is collected (or at
        # exit), as CPython's finalizer does; errors are ignored, as there
        try:
            self.close()
        except Exception:
            pass


class BufferedReader(_ReaderMethods):
    """A buffer in front of a readable raw stream (see `_ReaderMethods`)."""


class BufferedWriter(_WriterMethods):
    """A buffer in front of a writable raw stream (see `_WriterMethods`)."""


class BufferedRWPair(BufferedIOBase):
    """A reader and a writer over two raw streams (one readable, one writable), as one."""

    def __init__(self, reader, writer, buffer_size=DEFAULT_BUFFER_SIZE):
        if not reader.readable():
            raise UnsupportedOperation('"reader" argument must be readable.')
        if not writer.writable():
            raise UnsupportedOperation('"writer" argument must be writable.')
        self.reader = BufferedReader(reader, buffer_size)
        self.writer = BufferedWriter(writer, buffer_size)

    def read(self, size=-1):
        return self.reader.read(size)

    def readinto(self, b):
        return self.reader.readinto(b)

    def write(self, b):
        return self.writer.write(b)

    def peek(self, size=0):
        return self.reader.peek(size)

    def read1(self, size=-1):
        return self.reader.read1(size)

    def readinto1(self, b):
        return self.reader.readinto1(b)

    def readline(self, size=-1):
        return self.reader.readline(size)

    def readable(self):
        return self.reader.readable()

    def writable(self):
        return self.writer.writable()

    def flush(self):
        return self.writer.flush()

    def close(self):
        try:
            self.writer.close()
        finally:
            self.reader.close()

    def isatty(self):
        return self.reader.isatty() or self.writer.isatty()

    @property
    def closed(self):
        return self.writer.closed


class BufferedRandom(_WriterMethods, _ReaderMethods):
    """Reading and writing one seekable raw stream: a write first gives back what the reader
    buffered ahead, a read first flushes what the writer holds."""

    def __init__(self, raw, buffer_size=DEFAULT_BUFFER_SIZE):
        raw._checkSeekable() if hasattr(raw, "_checkSeekable") else None
        if not raw.seekable():
            raise UnsupportedOperation("File or stream is not seekable.")
        _ReaderMethods.__init__(self, raw, buffer_size)
        _WriterMethods.__init__(self, raw, buffer_size)

    def readable(self):
        self._checkRaw()
        return self._raw.readable()

    def writable(self):
        self._checkRaw()
        return self._raw.writable()

    def seek(self, pos, whence=0):
        if whence not in (0, 1, 2):
            raise ValueError("whence value %d unsupported" % whence)
        self.flush()
        if whence == 1:
            pos -= len(self._rbuf) - self._rpos
        pos = _BufferedIOMixin.seek(self, pos, whence)
        self._rbuf = b""
        self._rpos = 0
        return pos

    def tell(self):
        if self._wbuf:
            return _WriterMethods.tell(self)
        return _ReaderMethods.tell(self)

    def truncate(self, pos=None):
        if pos is None:
            pos = self.tell()
        return _WriterMethods.truncate(self, pos)

    def read(self, size=-1):
        self.flush()
        return _ReaderMethods.read(self, size)

    def readinto(self, b):
        self.flush()
        return _ReaderMethods.readinto(self, b)

    def peek(self, size=0):
        self.flush()
        return _ReaderMethods.peek(self, size)

    def read1(self, size=-1):
        self.flush()
        return _ReaderMethods.read1(self, size)

    def readline(self, size=-1):
        self.flush()
        return _ReaderMethods.readline(self, size)

    def write(self, b):
        if self._rbuf:
            self._unread()
        return _WriterMethods.write(self, b)


# ---------------------------------------------------------------- text streams

def _codecs():
    # imported on first use: `import io` (which logging, pprint, ... do) stays cheap
    import codecs
    return codecs


class IncrementalNewlineDecoder:
    """Decodes with `decoder` (or passes `str` through when it is None), records which
    newlines were seen (`newlines`) and, with `translate`, turns "\r\n" and "\r" into
    "\n". A trailing "\r" is held back until the next input shows whether "\n" follows."""

    def __init__(self, decoder, translate, errors="strict"):
        self.errors = errors
        self.translate = translate
        self.decoder = decoder
        self.seennl = 0
        self.pendingcr = False

    def decode(self, input, final=False):
        if self.decoder is None:
            output = input
        else:
            output = self.decoder.decode(input, final=final)
        if self.pendingcr and (output or final):
            output = "\r" + output
            self.pendingcr = False
        if output.endswith("\r") and not final:
            output = output[:-1]
            self.pendingcr = True
        crlf = output.count("\r\n")
        cr = output.count("\r") - crlf
        lf = output.count("\n") - crlf
        self.seennl |= (lf and 1) | (cr and 2) | (crlf and 4)
        if self.translate:
            if crlf:
                output = output.replace("\r\n", "\n")
            if cr:
                output = output.replace("\r", "\n")
        return output

    def getstate(self):
        if self.decoder is None:
            buf, flag = b"", 0
        else:
            buf, flag = self.decoder.getstate()
        flag <<= 1
        if self.pendingcr:
            flag |= 1
        return buf, flag

    def setstate(self, state):
        buf, flag = state
        self.pendingcr = bool(flag & 1)
        if self.decoder is not None:
            self.decoder.setstate((buf, flag >> 1))

    def reset(self):
        self.seennl = 0
        self.pendingcr = False
        if self.decoder is not None:
            self.decoder.reset()

    _NEWLINES = (None, "\n", "\r", ("\r", "\n"), "\r\n", ("\n", "\r\n"),
                 ("\r", "\r\n"), ("\r", "\n", "\r\n"))

    @property
    def newlines(self):
        return self._NEWLINES[self.seennl]


def _pack_cookie(position, dec_flags=0, chars_to_skip=0):
    # the byte position in the low 64 bits, then the decoder flags, then characters to skip
    return position | (dec_flags << 64) | (chars_to_skip << 128)


def _unpack_cookie(cookie):
    position = cookie & ((1 << 64) - 1)
    dec_flags = (cookie >> 64) & ((1 << 64) - 1)
    chars_to_skip = cookie >> 128
    return position, dec_flags, chars_to_skip


class TextIOWrapper(TextIOBase):
    """A text stream over a buffered binary one (`buffer`): see the module's doc for `tell`.
    `newline` is as in `open`: None translates every newline to "\n" on reading and writes
    "\n"; '' reads universal newlines untranslated; "\n", "\r", "\r\n" end lines with that
    string and writes translate "\n" to it."""

    _CHUNK_SIZE = 8192
    _buffer = None

    def __init__(self, buffer, encoding=None, errors=None, newline=None,
                 line_buffering=False, write_through=False):
        if newline is not None and not isinstance(newline, str):
            raise TypeError("illegal newline type: %r" % (type(newline),))
        if newline not in (None, "", "\n", "\r", "\r\n"):
            raise ValueError("illegal newline value: %s" % (newline,))
        if encoding is None or encoding == "locale":
            encoding = "UTF-8" if encoding is None else "utf-8"
        elif not isinstance(encoding, str):
            raise TypeError("TextIOWrapper() argument 'encoding' must be str or None, not %s"
                            % type(encoding).__name__)
        _codecs().lookup(encoding)
        if errors is None:
            errors = "strict"
        elif not isinstance(errors, str):
            raise TypeError("TextIOWrapper() argument 'errors' must be str or None, not %s"
                            % type(errors).__name__)
        self._buffer = buffer
        self._encoding = encoding
        self._errors = errors
        self._configure(newline, line_buffering, write_through)
        self._seekable = self._telling = bool(buffer.seekable())
        self._has_read1 = hasattr(buffer, "read1")
        self._decoder = None
        self._encoder = None
        self._decoded = ""
        self._used = 0
        self._snapshot = None

    def _configure(self, newline, line_buffering, write_through):
        self._readnl = newline
        self._readuniversal = not newline
        self._readtranslate = newline is None
        self._writetranslate = newline != ""
        self._writenl = newline or "\n"
        self._line_buffering = bool(line_buffering)
        self._write_through = bool(write_through)
        self._plain_encode = self._encoding.lower().replace("_", "-") in (
            "utf-8", "utf8", "ascii", "latin-1", "latin1", "iso-8859-1")

    buffer = property(lambda self: self._buffer)
    encoding = property(lambda self: self._encoding)
    errors = property(lambda self: self._errors)
    line_buffering = property(lambda self: self._line_buffering)
    write_through = property(lambda self: self._write_through)

    @property
    def closed(self):
        return self._buffer_or_fail().closed

    @property
    def name(self):
        return self._buffer_or_fail().name

    @property
    def newlines(self):
        return self._decoder.newlines if self._decoder is not None else None

    def _buffer_or_fail(self):
        if self._buffer is None:
            raise ValueError("underlying buffer has been detached")
        return self._buffer

    def readable(self):
        return self._buffer_or_fail().readable()

    def writable(self):
        return self._buffer_or_fail().writable()

    def seekable(self):
        if self._buffer_or_fail().closed:
            raise _closed_error()
        return self._seekable

    def fileno(self):
        return self._buffer_or_fail().fileno()

    def isatty(self):
        return self._buffer_or_fail().isatty()

    def reconfigure(self, *, encoding=None, errors=None, newline=Ellipsis,
                    line_buffering=None, write_through=None):
        if self._decoder is not None and (encoding is not None or errors is not None
                                          or newline is not Ellipsis):
            raise UnsupportedOperation("It is not possible to set the encoding or newline "
                                       "of stream after the first read")
        if encoding is not None:
            _codecs().lookup(encoding)
            self._encoding = encoding
            if errors is None:
                errors = "strict"
        if errors is not None:
            self._errors = errors
        self._encoder = None
        if newline is Ellipsis:
            newline = self._readnl
        elif newline not in (None, "", "\n", "\r", "\r\n"):
            raise ValueError("illegal newline value: %s" % (newline,))
        self.flush()
        self._configure(newline,
                        self._line_buffering if line_buffering is None else line_buffering,
                        self._write_through if write_through is None else write_through)

    # ---- writing

    def _encode(self, s):
        if self._plain_encode:
            return s.encode(self._encoding, self._errors)
        if self._encoder is None:
            self._encoder = _codecs().getincrementalencoder(self._encoding)(self._errors)
        return self._encoder.encode(s)

    def write(self, s):
        buffer = self._buffer_or_fail()
        if buffer.closed:
            raise _closed_error()
        if not isinstance(s, str):
            raise TypeError("write() argument must be str, not %s" % type(s).__name__)
        length = len(s)
        haslf = (self._writetranslate or self._line_buffering) and "\n" in s
        if haslf and self._writetranslate and self._writenl != "\n":
            s = s.replace("\n", self._writenl)
        buffer.write(self._encode(s))
        if self._line_buffering and (haslf or "\r" in s):
            self.flush()
        if self._decoded or self._snapshot is not None:
            self._decoded = ""
            self._used = 0
            self._snapshot = None
        if self._decoder is not None:
            self._decoder.reset()
        return length

    def flush(self):
        buffer = self._buffer_or_fail()
        if buffer.closed:
            raise _closed_error()
        self._telling = self._seekable
        buffer.flush()

    def close(self):
        buffer = self._buffer_or_fail()
        if not buffer.closed:
            try:
                self.flush()
            finally:
                buffer.close()

    def detach(self):
        buffer = self._buffer_or_fail()
        self.flush()
        self._buffer = None
        return buffer

    # ---- reading

    def _get_decoder(self):
        if self._decoder is None:
            if not self._buffer_or_fail().readable():
                raise UnsupportedOperation("not readable")
            decoder = _codecs().getincrementaldecoder(self._encoding)(self._errors)
            if self._readuniversal:
                decoder = IncrementalNewlineDecoder(decoder, self._readtranslate)
            self._decoder = decoder
        return self._decoder

    def _take(self, n=None):
        """Up to `n` (default: all) of the decoded characters not yet returned."""
        used = self._used
        if n is None:
            chars = self._decoded[used:]
        else:
            chars = self._decoded[used:used + n]
        self._used = used + len(chars)
        return chars

    def _read_chunk(self):
        """Decodes the next chunk of the buffer into `_decoded`; False at the end."""
        decoder = self._get_decoder()
        if self._telling:
            dec_buffer, dec_flags = decoder.getstate()
        if self._has_read1:
            chunk = self._buffer.read1(self._CHUNK_SIZE)
        else:
            chunk = self._buffer.read(self._CHUNK_SIZE)
        if chunk is None:
            chunk = b""
        eof = not chunk
        self._decoded = decoder.decode(chunk, eof)
        self._used = 0
        if self._telling:
            self._snapshot = (dec_flags, dec_buffer + chunk)
        return not eof

    def _check_readable(self):
        buffer = self._buffer_or_fail()
        if buffer.closed:
            raise _closed_error()

    def read(self, size=-1):
        self._check_readable()
        if size is None:
            size = -1
        elif not isinstance(size, int):
            raise TypeError("argument should be integer or None, not '%s'" % type(size).__name__)
        decoder = self._get_decoder()
        if size < 0:
            data = self._buffer.read()
            if data is None:
                data = b""
            result = self._take() + decoder.decode(data, True)
            self._decoded = ""
            self._used = 0
            self._snapshot = None
            return result
        result = self._take(size)
        while len(result) < size:
            if not self._read_chunk():
                result += self._take(size - len(result))
                break
            result += self._take(size - len(result))
        return result

    def readline(self, size=-1):
        self._check_readable()
        if size is None:
            size = -1
        elif not isinstance(size, int):
            raise TypeError("%r is not an integer" % (size,))
        self._get_decoder()
        line = self._take()
        start = 0
        while True:
            end = self._find_line_end(line, start)
            if end >= 0:
                break
            if 0 <= size <= len(line):
                end = size
                break
            # keep a trailing "\r" in the search: a "\n" may follow in the next chunk
            start = max(len(line) - 1, 0)
            more = False
            while self._read_chunk():
                if self._decoded:
                    more = True
                    break
            if not more:
                line += self._take()
                end = self._find_line_end(line, start, eof=True)
                if end < 0:
                    end = len(line)
                break
            line += self._take()
        if 0 <= size < end:
            end = size
        self._used -= len(line) - end
        return line[:end]

    def _find_line_end(self, line, start, eof=False):
        """The index just after the first line ending at or after `start`, or -1."""
        if self._readtranslate:
            i = line.find("\n", start)
            return i + 1 if i >= 0 else -1
        if self._readuniversal:
            lf = line.find("\n", start)
            cr = line.find("\r", start)
            if cr < 0:
                return lf + 1 if lf >= 0 else -1
            if 0 <= lf < cr:
                return lf + 1
            if cr + 1 < len(line):
                return cr + 2 if line[cr + 1] == "\n" else cr + 1
            # a "\r" ends the text seen so far: a "\n" may follow
            return cr + 1 if eof else -1
        i = line.find(self._readnl, start)
        return i + len(self._readnl) if i >= 0 else -1

    def __next__(self):
        self._telling = False
        line = self.readline()
        if not line:
            self._snapshot = None
            self._telling = self._seekable
            raise StopIteration
        return line

    # ---- positions

    def tell(self):
        buffer = self._buffer_or_fail()
        if buffer.closed:
            raise _closed_error()
        if not self._seekable:
            raise UnsupportedOperation("underlying stream is not seekable")
        if not self._telling:
            raise OSError("telling position disabled by next() call")
        self.flush()
        position = buffer.tell()
        decoder = self._decoder
        if decoder is None or self._snapshot is None:
            return position
        dec_flags, next_input = self._snapshot
        start = position - len(next_input)
        skip = self._used
        if skip == 0:
            return _pack_cookie(start, dec_flags)
        saved = decoder.getstate()
        try:
            # guess: one byte per character (ASCII text)
            decoder.setstate((b"", dec_flags))
            if skip <= len(next_input):
                n = len(decoder.decode(next_input[:skip]))
                dec_buffer, flags = decoder.getstate()
                if n == skip and not dec_buffer:
                    return _pack_cookie(start + skip, flags)
            # else feed byte by byte, remembering the last point with an empty decoder buffer
            decoder.setstate((b"", dec_flags))
            point, point_flags, chars_at_point = start, dec_flags, 0
            chars = 0
            for i in range(len(next_input)):
                chars += len(decoder.decode(next_input[i:i + 1]))
                dec_buffer, flags = decoder.getstate()
                if not dec_buffer and chars <= skip:
                    point, point_flags, chars_at_point = start + i + 1, flags, chars
                if chars >= skip:
                    break
            return _pack_cookie(point, point_flags, skip - chars_at_point)
        finally:
            decoder.setstate(saved)

    def seek(self, cookie, whence=0):
        buffer = self._buffer_or_fail()
        if buffer.closed:
            raise _closed_error("tell on closed file")
        if not self._seekable:
            raise UnsupportedOperation("underlying stream is not seekable")
        if whence == SEEK_CUR:
            if cookie != 0:
                raise UnsupportedOperation("can't do nonzero cur-relative seeks")
            whence = SEEK_SET
            cookie = self.tell()
        elif whence == SEEK_END:
            if cookie != 0:
                raise UnsupportedOperation("can't do nonzero end-relative seeks")
            self.flush()
            position = buffer.seek(0, SEEK_END)
            self._decoded = ""
            self._used = 0
            self._snapshot = None
            if self._decoder is not None:
                self._decoder.reset()
            return position
        if whence != SEEK_SET:
            raise ValueError("invalid whence (%r, should be 0, 1 or 2)" % (whence,))
        if cookie < 0:
            raise ValueError("negative seek position %r" % (cookie,))
        self.flush()
        position, dec_flags, skip = _unpack_cookie(cookie)
        buffer.seek(position)
        self._decoded = ""
        self._used = 0
        self._snapshot = None
        if cookie == 0 and self._decoder is not None:
            self._decoder.reset()
        elif self._decoder is not None or dec_flags or skip:
            decoder = self._get_decoder()
            decoder.setstate((b"", dec_flags))
            self._snapshot = (dec_flags, b"")
        if skip:
            chunk = buffer.read(self._CHUNK_SIZE)
            self._decoded = self._decoder.decode(chunk)
            self._snapshot = (dec_flags, chunk)
            if len(self._decoded) < skip:
                raise OSError("can't restore logical file position")
            self._used = skip
        return cookie

    def truncate(self, pos=None):
        self.flush()
        if pos is None:
            pos = self.tell()
        return self._buffer_or_fail().truncate(pos)

    def __getstate__(self):
        raise TypeError("cannot pickle %r object" % type(self).__name__)

    def __repr__(self):
        result = "<_io.TextIOWrapper"
        try:
            name = self.name
        except Exception:
            pass
        else:
            result += " name=%r" % (name,)
        try:
            mode = self.mode
        except Exception:
            pass
        else:
            result += " mode=%r" % (mode,)
        return result + " encoding=%r>" % (self._encoding,)


class _Buffer:
    """Shared logic of StringIO and BytesIO over a Python sequence type."""

    _closed_message = "I/O operation on closed file."

    def _check_open(self):
        if self._closed:
            raise ValueError(self._closed_message)

    def readable(self):
        self._check_open()
        return True

    def writable(self):
        self._check_open()
        return True

    def seekable(self):
        self._check_open()
        return True

    # The contents are `_buf` followed by the pieces in `_tail` (written at the end and not
    # joined yet): appending writes cost O(len) in all instead of copying the whole buffer
    # each time (pprint writes a large text piece by piece). `_data` joins them on demand.

    def _init_buffer(self, initial, empty):
        self._empty = empty
        self._buf = initial if initial else empty
        self._tail = []
        self._size = len(self._buf)
        self._pos = 0
        self._closed = False

    @property
    def _data(self):
        if self._tail:
            self._buf = self._buf + self._empty.join(self._tail)
            self._tail = []
        return self._buf

    @_data.setter
    def _data(self, value):
        self._buf = value
        self._tail = []
        self._size = len(value)

    def getvalue(self):
        self._check_open()
        return self._data

    def tell(self):
        self._check_open()
        return self._pos

    def seek(self, pos, whence=0):
        self._check_open()
        if not isinstance(pos, int):
            raise TypeError("an integer is required (got type %s)" % type(pos).__name__)
        if whence == SEEK_SET:
            if pos < 0:
                raise ValueError("negative seek value %d" % pos)
            self._pos = pos
        elif whence == SEEK_CUR:
            if pos != 0 and isinstance(self, StringIO):
                raise OSError("Can't do nonzero cur-relative seeks")
            self._pos = max(0, self._pos + pos)
        elif whence == SEEK_END:
            if pos != 0 and isinstance(self, StringIO):
                raise OSError("Can't do nonzero end-relative seeks")
            self._pos = max(0, self._size + pos)
        else:
            raise ValueError("invalid whence (%r, should be 0, 1 or 2)" % (whence,))
        return self._pos

    def read(self, size=-1):
        self._check_open()
        if size is None or size < 0:
            size = len(self._data)
        chunk = self._data[self._pos:self._pos + size]
        self._pos += len(chunk)
        return chunk

    def readline(self, size=-1):
        self._check_open()
        nl = self._newline_char()
        data = self._data
        end = data.find(nl, self._pos)
        end = len(data) if end < 0 else end + 1
        if size is not None and size >= 0:
            end = min(end, self._pos + size)
        chunk = self._data[self._pos:end]
        self._pos = end
        return chunk

    def truncate(self, size=None):
        self._check_open()
        if size is None:
            size = self._pos
        if size < 0:
            raise ValueError("negative size value %d" % size)
        self._data = self._data[:size]
        return size

    def _write(self, s):
        self._check_open()
        n = len(s)
        if not n:
            return 0
        if self._pos == self._size:
            self._tail.append(s)
            self._size += n
            self._pos += n
            return n
        data = self._data
        if self._pos > len(data):
            data = data + self._pad(self._pos - len(data))
        self._data = data[:self._pos] + s + data[self._pos + n:]
        self._pos += n
        return n


class StringIO(_Buffer, TextIOBase):
    """A text stream kept in memory."""

    _closed_message = "I/O operation on closed file"

    def __init__(self, initial_value="", newline="\n"):
        if initial_value is not None and not isinstance(initial_value, str):
            raise TypeError("initial_value must be str or None, not %s"
                            % type(initial_value).__name__)
        if newline not in (None, "", "\n", "\r", "\r\n"):
            raise ValueError("illegal newline value: %r" % (newline,))
        self._newline = newline
        self._init_buffer(self._translate(initial_value or ""), "")

    def _translate(self, s):
        if self._newline is None:
            return s.replace("\r\n", "\n").replace("\r", "\n")
        if self._newline in ("\r", "\r\n"):
            return s.replace("\n", self._newline)
        return s

    def _newline_char(self):
        return "\r" if self._newline == "\r" else "\n"

    def _pad(self, n):
        return "\0" * n

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError("string argument expected, got '%s'" % type(s).__name__)
        return self._write(self._translate(s)) and len(s)

    @property
    def newlines(self):
        return None

    @property
    def line_buffering(self):
        return False

    @property
    def encoding(self):
        return None

    @property
    def errors(self):
        return None

    def __repr__(self):
        return "<_io.StringIO object>"


class BytesIO(_Buffer, BufferedIOBase):
    """A binary stream kept in memory."""

    def __init__(self, initial_bytes=b""):
        self._init_buffer(bytes(initial_bytes) if initial_bytes else b"", b"")

    def _newline_char(self):
        return b"\n"

    def _pad(self, n):
        return b"\0" * n

    def write(self, b):
        if isinstance(b, str):
            raise TypeError("a bytes-like object is required, not 'str'")
        return self._write(bytes(b))

    def read1(self, size=-1):
        return self.read(size)

    def getbuffer(self):
        self._check_open()
        return memoryview(bytearray(self._data)) if "memoryview" in dir(_builtins) else bytearray(self._data)

    def readinto(self, buffer):
        data = self.read(len(buffer))
        for k, byte in enumerate(data):
            buffer[k] = byte
        return len(data)

    def __repr__(self):
        return "<_io.BytesIO object>"


def _open_layered(file, mode="r", buffering=-1, encoding=None, errors=None, newline=None,
                  closefd=True, opener=None):
    """`open()` through the layers: `FileIO`, then (unless unbuffered) a `BufferedReader`,
    `BufferedWriter` or `BufferedRandom`, then (text modes) a `TextIOWrapper`."""
    if not isinstance(file, (str, bytes, int)) and not hasattr(file, "__fspath__"):
        raise TypeError("expected str, bytes or os.PathLike object, not %s"
                        % type(file).__name__)
    if not isinstance(mode, str):
        raise TypeError("open() argument 'mode' must be str, not %s" % type(mode).__name__)
    if not isinstance(buffering, int):
        raise TypeError("'%s' object cannot be interpreted as an integer"
                        % type(buffering).__name__)
    modes = set(mode)
    if len(mode) != len(modes) or not modes <= set("rwaxbt+"):
        raise ValueError("invalid mode: '%s'" % mode)
    binary = "b" in modes
    if binary and "t" in modes:
        raise ValueError("can't have text and binary mode at once")
    if sum(c in modes for c in "rwax") != 1:
        raise ValueError("must have exactly one of create/read/write/append mode")
    if binary and encoding is not None:
        raise ValueError("binary mode doesn't take an encoding argument")
    if binary and errors is not None:
        raise ValueError("binary mode doesn't take an errors argument")
    if binary and newline is not None:
        raise ValueError("binary mode doesn't take a newline argument")
    if binary and buffering == 1:
        import warnings
        warnings.warn("line buffering (buffering=1) isn't supported in binary mode, the "
                      "default buffer size will be used", RuntimeWarning, 2)
    raw = FileIO(file, "".join(c for c in mode if c != "t"), closefd, opener=opener)
    result = raw
    try:
        line_buffering = False
        if buffering == 1 or (buffering < 0 and raw.isatty()):
            buffering = -1
            line_buffering = True
        if buffering < 0:
            buffering = DEFAULT_BUFFER_SIZE
        if buffering == 0:
            if binary:
                return result
            raise ValueError("can't have unbuffered text I/O")
        if "+" in modes:
            buffer = BufferedRandom(raw, buffering)
        elif "r" in modes:
            buffer = BufferedReader(raw, buffering)
        else:
            buffer = BufferedWriter(raw, buffering)
        result = buffer
        if binary:
            return result
        text = TextIOWrapper(buffer, encoding, errors, newline, line_buffering)
        result = text
        text.mode = mode
        return result
    except:
        result.close()
        raise


def _make_stdin():
    """`sys.stdin`, made on its first use (modules/sysattrs.rs): UTF-8 text, line by line,
    over descriptor 0, which it never closes."""
    raw = FileIO(0, "r", closefd=False)
    raw.name = "<stdin>"
    text = TextIOWrapper(BufferedReader(raw), encoding="utf-8", line_buffering=True)
    text.mode = "r"
    return text


# CPython's concrete classes live in `_io`; the names and reprs follow
for _cls in (FileIO, BufferedReader, BufferedWriter, BufferedRWPair, BufferedRandom,
             TextIOWrapper, IncrementalNewlineDecoder, StringIO, BytesIO):
    _cls.__module__ = "_io"
del _cls

RawIOBase.register(FileIO)
