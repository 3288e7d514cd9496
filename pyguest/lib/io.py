"""In-memory streams: StringIO and BytesIO, with the io base-class names and constants.

pyguest's own implementation in plain Python of the parts of `io` that need no operating
system: text and binary buffers with read/readline/readlines/iteration, write/writelines,
seek/tell (SEEK_SET/CUR/END), truncate, getvalue, getbuffer-free BytesIO, context-manager and
closed-state behaviour as CPython 3.11 (ValueError "I/O operation on closed file").
`io.open` is the interpreter's built-in `open`; `TextIOWrapper` wraps a binary stream (see its
doc). Appending writes collect pieces joined on demand (`_Buffer._data`); newline translation supports newline=None/''/'\\n' (the common cases).
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
    """A text stream over a binary one (`buffer`): `write` encodes (translating "\\n" to
    `newline` when that is "\\r" or "\\r\\n") and passes the bytes on at once; `read` and
    `readline` decode what the buffer returns (universal newlines when `newline` is None).
    Enough for code that wraps a `BytesIO` or a binary file (ElementTree's `write`); no
    incremental decoder state across reads of multi-byte sequences split by `read(n)`."""

    def __init__(self, buffer, encoding=None, errors=None, newline=None,
                 line_buffering=False, write_through=False):
        if newline not in (None, "", "\n", "\r", "\r\n"):
            raise ValueError("illegal newline value: %s" % (newline,))
        if encoding is None or encoding == "locale":
            encoding = "utf-8"
        self._buffer = buffer
        self._encoding = encoding
        self._errors = errors or "strict"
        self._newline = newline
        self._line_buffering = line_buffering
        self._pending = ""

    buffer = property(lambda self: self._buffer)
    encoding = property(lambda self: self._encoding)
    errors = property(lambda self: self._errors)
    line_buffering = property(lambda self: self._line_buffering)

    @property
    def closed(self):
        return self._buffer is None or self._buffer.closed

    @property
    def name(self):
        return self._buffer.name

    def _check_buffer(self):
        if self._buffer is None:
            raise ValueError("underlying buffer has been detached")

    def readable(self):
        self._check_buffer()
        return self._buffer.readable()

    def writable(self):
        self._check_buffer()
        return self._buffer.writable()

    def seekable(self):
        self._check_buffer()
        return self._buffer.seekable()

    def write(self, s):
        self._check_buffer()
        if not isinstance(s, str):
            raise TypeError("write() argument must be str, not %s" % type(s).__name__)
        text = s
        if self._newline in ("\r", "\r\n"):
            text = text.replace("\n", self._newline)
        self._buffer.write(text.encode(self._encoding, self._errors))
        if self._line_buffering and ("\n" in s or "\r" in s):
            self.flush()
        return len(s)

    def _decode(self, data):
        text = data.decode(self._encoding, self._errors)
        if self._newline is None:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        return text

    def read(self, size=-1):
        self._check_buffer()
        if size is None or size < 0:
            text = self._pending + self._decode(self._buffer.read())
            self._pending = ""
            return text
        while len(self._pending) < size:
            chunk = self._buffer.read(max(size, DEFAULT_BUFFER_SIZE))
            if not chunk:
                break
            self._pending += self._decode(chunk)
        text, self._pending = self._pending[:size], self._pending[size:]
        return text

    def readline(self, size=-1):
        self._check_buffer()
        nl = self._newline or "\n"
        while True:
            end = self._pending.find(nl)
            if end >= 0 or (size is not None and 0 <= size <= len(self._pending)):
                break
            chunk = self._buffer.read(DEFAULT_BUFFER_SIZE)
            if not chunk:
                break
            self._pending += self._decode(chunk)
        end = self._pending.find(nl)
        end = len(self._pending) if end < 0 else end + len(nl)
        if size is not None and size >= 0:
            end = min(end, size)
        line, self._pending = self._pending[:end], self._pending[end:]
        return line

    def flush(self):
        self._check_buffer()
        if hasattr(self._buffer, "flush"):
            self._buffer.flush()

    def detach(self):
        self._check_buffer()
        self.flush()
        buffer, self._buffer = self._buffer, None
        return buffer

    def close(self):
        if self._buffer is not None and not self._buffer.closed:
            try:
                self.flush()
            finally:
                self._buffer.close()

    def fileno(self):
        self._check_buffer()
        return self._buffer.fileno()

    def isatty(self):
        self._check_buffer()
        return self._buffer.isatty()

    def __repr__(self):
        return "<_io.TextIOWrapper encoding='%s'>" % self._encoding


class _Buffer:
    """Shared logic of StringIO and BytesIO over a Python sequence type."""

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
