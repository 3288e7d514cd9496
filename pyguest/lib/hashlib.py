"""Secure hashes (`hashlib`) for pyguest: `md5`, `sha1`, `sha224`, `sha256`, `sha384`,
`sha512`, `new`, `file_digest`, `algorithms_guaranteed`/`algorithms_available`.

The digests are computed natively (module `_pghash`, RustCrypto's `md-5`/`sha1`/`sha2`
crates); hash objects support `update`, `digest`, `hexdigest`, `copy`, `name`,
`digest_size`, `block_size`; `pbkdf2_hmac` (over our `hmac`). Under another interpreter (the
CPython check of this module) the same classes run over that interpreter's `_hashlib`. Not
provided: blake2, sha3/shake, `scrypt`.
"""

try:
    import _pghash
except ImportError:
    _pghash = None
    import _hashlib as _ossl

__all__ = ("md5", "sha1", "sha224", "sha256", "sha384", "sha512", "new",
           "algorithms_guaranteed", "algorithms_available", "file_digest", "pbkdf2_hmac")

_NAMES = ("md5", "sha1", "sha224", "sha256", "sha384", "sha512")
algorithms_guaranteed = set(_NAMES)
algorithms_available = set(_NAMES)

_SIZES = {"md5": (16, 64), "sha1": (20, 64), "sha224": (28, 64), "sha256": (32, 64),
          "sha384": (48, 128), "sha512": (64, 128)}


class _Hash:
    """A hash object: feed bytes with `update`, read the result with `digest`/`hexdigest`."""

    def __init__(self, name, data=b"", _handle=None):
        self.name = name
        if _handle is not None:
            self._h = _handle
        elif _pghash is not None:
            self._h = _pghash.new(name, self)
        else:
            self._h = _ossl.new(name)
        if data:
            self.update(data)

    @property
    def digest_size(self):
        return _SIZES[self.name][0]

    @property
    def block_size(self):
        return _SIZES[self.name][1]

    def update(self, data):
        if isinstance(data, str):
            raise TypeError("Strings must be encoded before hashing")
        if _pghash is not None:
            _pghash.update(self._h, data)
        else:
            self._h.update(data)

    def digest(self):
        if _pghash is not None:
            return _pghash.digest(self._h)
        return self._h.digest()

    def hexdigest(self):
        return self.digest().hex()

    def copy(self):
        c = _Hash.__new__(_Hash)
        c.name = self.name
        if _pghash is not None:
            c._h = _pghash.copy(self._h, c)
        else:
            c._h = self._h.copy()
        return c

    def __repr__(self):
        return "<%s _hashlib.HASH object @ %s>" % (self.name, hex(id(self)))


def _data_arg(data, string, kwargs):
    kwargs.pop("usedforsecurity", None)
    if kwargs:
        raise TypeError("unexpected keyword argument %r" % next(iter(kwargs)))
    if string is not None:
        if data:
            raise TypeError("'data' and 'string' are mutually exclusive and support for "
                            "'string' keyword parameter is slated for removal in a future "
                            "version.")
        return string
    return data


def new(name, data=b"", *, string=None, **kwargs):
    """A new hash object for the algorithm `name` (case-insensitive)."""
    if not isinstance(name, str):
        raise TypeError("new() argument 'name' must be str, not %s" % type(name).__name__)
    key = name.lower().replace("-", "")
    if key not in _SIZES:
        raise ValueError("unsupported hash type " + name)
    return _Hash(key, _data_arg(data, string, kwargs))


def _constructor(algo):
    def construct(data=b"", *, string=None, **kwargs):
        return _Hash(algo, _data_arg(data, string, kwargs))
    construct.__name__ = "openssl_" + algo
    construct.__qualname__ = "openssl_" + algo
    return construct


md5 = _constructor("md5")
sha1 = _constructor("sha1")
sha224 = _constructor("sha224")
sha256 = _constructor("sha256")
sha384 = _constructor("sha384")
sha512 = _constructor("sha512")


def file_digest(fileobj, digest, /, *, _bufsize=2 ** 18):
    """Hash the contents of a binary file object (3.11)."""
    if isinstance(digest, str):
        h = new(digest)
    else:
        h = digest()
    while True:
        chunk = fileobj.read(_bufsize)
        if not chunk:
            break
        h.update(chunk)
    return h


def pbkdf2_hmac(hash_name, password, salt, iterations, dklen=None):
    """Password-based key derivation function 2 (PKCS #5 v2.0) with HMAC as the PRF."""
    import hmac as _hmac
    password = bytes(password)
    salt = bytes(salt)
    if iterations < 1:
        raise ValueError("iteration value must be greater than 0.")
    mac = _hmac.new(password, None, hash_name)
    if dklen is None:
        dklen = mac.digest_size
    if dklen < 1:
        raise ValueError("key length must be greater than 0.")

    def prf(data):
        m = mac.copy()
        m.update(data)
        return m.digest()

    out = b""
    loop = 1
    while len(out) < dklen:
        prev = prf(salt + loop.to_bytes(4, "big"))
        acc = int.from_bytes(prev, "big")
        for _ in range(iterations - 1):
            prev = prf(prev)
            acc ^= int.from_bytes(prev, "big")
        loop += 1
        out += acc.to_bytes(mac.digest_size, "big")
    return out[:dklen]
