"""The checksum part of `zlib` for pyguest: `crc32` and `adler32` (native via `_pghash` when
present, else plain Python), `error`, and the version constants. Compression (`compress`,
`decompress`, `compressobj`, `decompressobj`) is not implemented: those functions raise
`zlib.error` saying so."""

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


def _unsupported(*args, **kwargs):
    raise error("compression is not supported by pyguest's zlib (checksums only)")


compress = decompress = compressobj = decompressobj = _unsupported
