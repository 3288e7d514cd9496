# hashlib digests (incremental, copies, new()), zlib checksums, and binary inputs.
import hashlib
import zlib

data = [b"", b"abc", b"The quick brown fox jumps over the lazy dog", bytes(range(256)) * 5,
        "unicode ✓ text".encode("utf-8")]
for name in ("md5", "sha1", "sha224", "sha256", "sha384", "sha512"):
    ctor = getattr(hashlib, name)
    for d in data:
        h = ctor(d)
        print(name, len(d), h.hexdigest())
    h = ctor()
    print(h.name, h.digest_size, h.block_size, len(h.digest()))

h = hashlib.sha256()
for chunk in (b"The quick ", b"brown fox ", b"jumps over the lazy dog"):
    h.update(chunk)
print(h.hexdigest() == hashlib.sha256(b"The quick brown fox jumps over the lazy dog").hexdigest())
c = h.copy()
c.update(b"!")
print(h.hexdigest()[:16], c.hexdigest()[:16], h.digest() != c.digest())
print(h.hexdigest() == h.hexdigest(), type(h.digest()).__name__, len(h.hexdigest()))
for n in ("md5", "SHA256", "sha512", "sha-1"):
    print(n, hashlib.new(n, b"x").hexdigest()[:20], hashlib.new(n).name)
print(hashlib.new("sha1", data=b"abc").hexdigest() == hashlib.sha1(b"abc").hexdigest())
print(hashlib.md5(bytearray(b"abc")).hexdigest(), hashlib.sha1(memoryview(b"abc")).hexdigest())
print(hashlib.sha256(b"abc", usedforsecurity=False).hexdigest()[:8])
try:
    hashlib.new("nosuch")
except ValueError as e:
    print("ValueError:", e)
try:
    hashlib.sha256("text")
except TypeError as e:
    print("TypeError:", e)
try:
    hashlib.md5().update("text")
except TypeError as e:
    print("TypeError:", e)
print(sorted(n for n in hashlib.algorithms_guaranteed if n in ("md5", "sha1", "sha256", "sha512")))
print({"md5", "sha1", "sha224", "sha256", "sha384", "sha512"} <= hashlib.algorithms_available)
many = [hashlib.md5(str(i).encode()) for i in range(300)]
print(many[0].hexdigest(), many[299].hexdigest())

import io
print(hashlib.file_digest(io.BytesIO(b"file contents" * 1000), "sha256").hexdigest())
print(hashlib.file_digest(io.BytesIO(b"abc"), hashlib.md5).hexdigest())

for d in data:
    print(zlib.crc32(d), zlib.adler32(d))
print(zlib.crc32(b"world", zlib.crc32(b"hello ")) == zlib.crc32(b"hello world"))
print(zlib.adler32(b"world", zlib.adler32(b"hello ")) == zlib.adler32(b"hello world"))
print(zlib.crc32(b"x" * 100000), zlib.adler32(b"y" * 100000), zlib.adler32(b"", 0))
