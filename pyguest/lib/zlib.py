"""`zlib` for pyguest: `crc32` and `adler32` (native via `_pghash` when present, else plain
Python), `compress`/`decompress` and the streaming `compressobj`/`decompressobj` (over the
native `_pgzlib`, deflate from the `flate2` crate), `error`, and the constants.

Formats by `wbits` as in CPython: 9..15 zlib, -9..-15 raw deflate, 25..31 gzip (header and
CRC-32/size trailer written and checked here), 40..47 (decompression) zlib or gzip by the
first byte, 0 (decompression) the window of the zlib header. Limits: compression always
uses a 32 KiB window and ignores `memLevel` and `strategy`; `zdict` and `copy()` raise
`zlib.error`; compressed bytes are valid but not identical to CPython's (another deflate
implementation), so code should compare decompressed data, not compressed bytes.
"""

try:
    import _pghash
except ImportError:
    _pghash = None

import binascii

ZLIB_VERSION = "1.2.13"
ZLIB_RUNTIME_VERSION = "1.2.13"
MAX_WBITS = 15
DEFLATED = 8
DEF_MEM_LEVEL = 8
DEF_BUF_SIZE = 16384
Z_DEFAULT_COMPRESSION = -1
Z_BEST_SPEED = 1
Z_BEST_COMPRESSION = 9
Z_NO_COMPRESSION = 0


class error(Exception):
    pass


def crc32(data, value=0):
    """CRC-32 checksum of data, continuing from value."""
    return binascii.crc32(data, value)


def adler32(data, value=1):
    """Adler-32 checksum of data, continuing from value."""
    data = binascii._binary(data)
    if _pghash is not None:
        return _pghash.adler32(data, value)
    a = value & 0xFFFF
    b = (value >> 16) & 0xFFFF
    for x in data:
        a = (a + x) % 65521
        b = (b + a) % 65521
    return (b << 16) | a


Z_NO_FLUSH = 0
Z_PARTIAL_FLUSH = 1
Z_SYNC_FLUSH = 2
Z_FULL_FLUSH = 3
Z_FINISH = 4
Z_BLOCK = 5
Z_TREES = 6
Z_FILTERED = 1
Z_HUFFMAN_ONLY = 2
Z_RLE = 3
Z_FIXED = 4
Z_DEFAULT_STRATEGY = 0

try:
    import _pgzlib
except ImportError:
    _pgzlib = None


def _native():
    if _pgzlib is None:
        raise error("compression needs pyguest's native _pgzlib")
    return _pgzlib


def _data(data):
    if isinstance(data, str):
        raise TypeError("a bytes-like object is required, not 'str'")
    return data if isinstance(data, bytes) else bytes(data)


def _container(wbits, decompressing):
    """'zlib', 'raw', 'gzip' or 'auto' for a wbits value, or zlib.error."""
    if 8 <= wbits <= 15 or (decompressing and wbits == 0):
        return "zlib"
    if -15 <= wbits <= -8:
        return "raw"
    if 24 <= wbits <= 31:
        return "gzip"
    if decompressing and 40 <= wbits <= 47:
        return "auto"
    raise ValueError("Invalid initialization option") if not decompressing else \
        ValueError("Invalid initialization option")


def _gzip_header(level):
    xfl = 2 if level == 9 else 4 if level == 1 else 0
    return b"\x1f\x8b\x08\x00\x00\x00\x00\x00" + bytes([xfl, 3])


def _check_level(level):
    if level == -1:
        return 6
    if not 0 <= level <= 9:
        raise error("Bad compression level")
    return level


class _Compress:
    def __init__(self, level, wbits):
        self._level = _check_level(level)
        self._kind = _container(wbits, False)
        self._handle = _native().deflate_new(self._level, self._kind == "zlib", self)
        self._started = False
        self._crc = 0
        self._size = 0
        self._finished = False

    def _run(self, data, mode):
        if self._finished:
            raise error("Error -2 while compressing data: inconsistent stream state")
        out = _pgzlib.deflate(self._handle, data, mode)
        if self._kind == "gzip":
            self._crc = crc32(data, self._crc)
            self._size += len(data)
            if not self._started:
                out = _gzip_header(self._level) + out
                self._started = True
            if mode == Z_FINISH:
                out += (self._crc.to_bytes(4, "little")
                        + (self._size & 0xFFFFFFFF).to_bytes(4, "little"))
        if mode == Z_FINISH:
            self._finished = True
            _pgzlib.free(self._handle)
        return out

    def compress(self, data, /):
        return self._run(_data(data), Z_NO_FLUSH)

    def flush(self, mode=Z_FINISH, /):
        if mode == Z_NO_FLUSH:
            return b""
        return self._run(b"", mode)

    def copy(self):
        raise error("copying a compression stream is not supported by pyguest's zlib")


class _Decompress:
    def __init__(self, wbits, zdict):
        if zdict:
            raise error("preset dictionaries (zdict) are not supported by pyguest's zlib")
        self._kind = _container(wbits, True)
        self._handle = None
        self._header = b""  # gzip header bytes seen so far, until the header is complete
        self._trailer = b""
        self._crc = 0
        self._size = 0
        self.unused_data = b""
        self.unconsumed_tail = b""
        self.eof = False
        self._inflated = False

    def _start(self, data):
        """Consumes the gzip header (when there is one) and opens the inflate stream; returns
        the rest of `data`, or None while the header is incomplete."""
        if self._kind == "auto":
            buf = self._header + data
            if not buf:
                return None
            self._kind = "gzip" if buf[:1] == b"\x1f" else "zlib"
        if self._kind == "gzip":
            buf = self._header + data
            end = _gzip_header_end(buf)
            if end is None:
                self._header = buf
                return None
            data = buf[end:]
            self._header = b""
        else:
            data = self._header + data
            self._header = b""
        self._handle = _native().inflate_new(self._kind == "zlib", self)
        return data

    def decompress(self, data, /, max_length=0):
        if max_length < 0:
            raise ValueError("max_length must be non-negative")
        data = _data(data)
        if self.eof:
            self.unused_data += data
            return b""
        if self._inflated:  # gzip: the deflate data ended, the trailer is incomplete
            return self._finish(data)
        if self._handle is None:
            data = self._start(data)
            if data is None:
                return b""
        try:
            out, used, done = _pgzlib.inflate(self._handle, data, max_length)
        except RuntimeError as e:
            raise error("Error -3 while decompressing data: %s" % e) from None
        rest = data[used:]
        if self._kind == "gzip":
            self._crc = crc32(out, self._crc)
            self._size += len(out)
        self.unconsumed_tail = b"" if done else rest
        if done:
            _pgzlib.free(self._handle)
            self._inflated = True
            self._finish(rest)
        return out

    def _finish(self, rest):
        """After the end of the deflate data: the gzip trailer (checked), then unused data."""
        if self._kind == "gzip":
            need = 8 - len(self._trailer)
            self._trailer += rest[:need]
            rest = rest[need:]
            if len(self._trailer) < 8:
                return b""
            self._check_trailer()
        self.eof = True
        self.unused_data = rest
        return b""

    def _check_trailer(self):
        crc = int.from_bytes(self._trailer[:4], "little")
        size = int.from_bytes(self._trailer[4:8], "little")
        if crc != self._crc or size != self._size & 0xFFFFFFFF:
            raise error("Error -3 while decompressing data: incorrect data check")

    def flush(self, length=DEF_BUF_SIZE, /):
        if length <= 0:
            raise ValueError("length must be greater than zero")
        out = b""
        while self.unconsumed_tail and not self.eof:
            out += self.decompress(self.unconsumed_tail)
        return out

    def copy(self):
        raise error("copying a decompression stream is not supported by pyguest's zlib")


def _gzip_header_end(buf):
    """The length of the gzip header at the start of `buf`, None if it is incomplete."""
    if len(buf) < 10:
        if buf[:2] not in (b"\x1f\x8b"[:len(buf[:2])],):
            raise error("Error -3 while decompressing data: incorrect header check")
        return None
    if buf[:2] != b"\x1f\x8b":
        raise error("Error -3 while decompressing data: incorrect header check")
    if buf[2] != 8:
        raise error("Error -3 while decompressing data: unknown compression method")
    flags = buf[3]
    pos = 10
    if flags & 4:  # FEXTRA
        if len(buf) < pos + 2:
            return None
        pos += 2 + int.from_bytes(buf[pos:pos + 2], "little")
    for bit in (8, 16):  # FNAME, FCOMMENT: zero-terminated
        if flags & bit:
            end = buf.find(b"\0", pos)
            if end < 0:
                return None
            pos = end + 1
    if flags & 2:  # FHCRC
        pos += 2
    return pos if len(buf) >= pos else None


def compressobj(level=Z_DEFAULT_COMPRESSION, method=DEFLATED, wbits=MAX_WBITS,
                memLevel=DEF_MEM_LEVEL, strategy=Z_DEFAULT_STRATEGY, zdict=None):
    if method != DEFLATED:
        raise ValueError("Invalid initialization option")
    if zdict is not None:
        raise error("preset dictionaries (zdict) are not supported by pyguest's zlib")
    return _Compress(level, wbits)


def decompressobj(wbits=MAX_WBITS, zdict=b""):
    return _Decompress(wbits, zdict)


def compress(data, /, level=Z_DEFAULT_COMPRESSION, wbits=MAX_WBITS):
    c = _Compress(level, wbits)
    return c._run(_data(data), Z_FINISH)


def decompress(data, /, wbits=MAX_WBITS, bufsize=DEF_BUF_SIZE):
    if bufsize < 0:
        raise ValueError("bufsize must be non-negative")
    d = _Decompress(wbits, b"")
    out = d.decompress(data)
    if not d.eof:
        raise error("Error -5 while decompressing data: incomplete or truncated stream")
    return out
