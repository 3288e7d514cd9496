"""In-memory streams: StringIO and BytesIO, with the io base-class names and constants.

pyguest's own implementation in plain Python of the parts of `io` that need no operating
system: text and binary buffers with read/readline/readlines/iteration, write/writelines,
seek/tell (SEEK_SET/CUR/END), truncate, getvalue, getbuffer-free BytesIO, context-manager and
closed-state behaviour as CPython 3.11 (ValueError "I/O operation on closed file").
`io.open` is the interpreter's built-in `open`. StringIO keeps text as a list of characters
joined on demand; newline translation supports newline=None/''/'\\n' (the common cases).
"""

import builtins as _builtins

__all__ = ["StringIO", "BytesIO", "IOBase", "RawIOBase", "BufferedIOBase", "TextIOBase",
           "UnsupportedOperation", "SEEK_SET", "SEEK_CUR", "SEEK_END", "DEFAULT_BUFFER_SIZE",
           "open", "TextIOWrapper"]

SEEK_SET = 0
SEEK_CUR = 1
SEEK_END = 2
DEFAULT_BUFFER_SIZE = 8192

open = getattr(_builtins, "open", None)


class UnsupportedOperation(OSError, ValueError):
    pass


class IOBase:
    """Common stream behaviour: closing, context management, line iteration."""

    _closed = False
    _closed_message = "I/O operation on closed file."

    def _check_open(self):
        if self._closed:
            raise ValueError(self._closed_message)

    @property
    def closed(self):
        return self._closed

    def close(self):
        self._closed = True

    def __enter__(self):
        self._check_open()
        return self

    def __exit__(self, *args):
        self.close()

    def __iter__(self):
        self._check_open()
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def readlines(self, hint=-1):
        self._check_open()
        lines = []
        total = 0
        for line in self:
            lines.append(line)
            total += len(line)
            if 0 < hint <= total:
                break
        return lines

    def writelines(self, lines):
        self._check_open()
        for line in lines:
            self.write(line)

    def flush(self):
        self._check_open()

    def readable(self):
        self._check_open()
        return True

    def writable(self):
        self._check_open()
        return True

    def seekable(self):
        self._check_open()
        return True

    def isatty(self):
        self._check_open()
        return False

    def fileno(self):
        raise UnsupportedOperation("fileno")


class RawIOBase(IOBase):
    pass


class BufferedIOBase(IOBase):
    pass


class TextIOBase(IOBase):
    pass


class TextIOWrapper(TextIOBase):
    """Placeholder name so isinstance checks and annotations work."""


class _Buffer:
    """Shared logic of StringIO and BytesIO over a Python sequence type."""

    def _init_buffer(self, initial, empty):
        self._empty = empty
        self._data = empty
        self._pos = 0
        self._closed = False
        if initial:
            self._data = initial
        self._pos = 0

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
            self._pos = max(0, len(self._data) + pos)
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
        end = self._data[self._pos:].find(nl)
        end = len(self._data) if end < 0 else self._pos + end + 1
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
