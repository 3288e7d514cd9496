# hmac over hashlib: RFC 4231 / RFC 2202 vectors, incremental use, copies, comparisons.
import hashlib
import hmac

vectors = [
    (b"\x0b" * 20, b"Hi There"),
    (b"Jefe", b"what do ya want for nothing?"),
    (b"\xaa" * 20, b"\xdd" * 50),
    (b"\xaa" * 131, b"Test Using Larger Than Block-Size Key - Hash Key First"),
]
for key, msg in vectors:
    for algo in ("md5", "sha1", "sha256", "sha512"):
        print(algo, hmac.new(key, msg, algo).hexdigest())
h = hmac.new(b"secret", digestmod=hashlib.sha256)
h.update(b"part one, ")
c = h.copy()
h.update(b"part two")
print(h.hexdigest() == hmac.new(b"secret", b"part one, part two", "sha256").hexdigest())
print(c.hexdigest() == hmac.new(b"secret", b"part one, ", "sha256").hexdigest())
print(h.name, h.digest_size, h.block_size, len(h.digest()))
print(hmac.digest(b"k", b"m", "sha1").hex())
print(hmac.compare_digest(b"abc", b"abc"), hmac.compare_digest("abc", "abd"), hmac.compare_digest(b"a", b"ab"))
try:
    hmac.new(b"k", b"m")
except TypeError as e:
    print("TypeError:", e)
try:
    hmac.new("k", b"m", "sha1")
except TypeError as e:
    print("TypeError:", e)
sig = hmac.new(b"api-key", b'{"user": 1}', hashlib.sha256).hexdigest()
print(sig, hmac.compare_digest(sig, hmac.new(b"api-key", b'{"user": 1}', "sha256").hexdigest()))
print(hashlib.pbkdf2_hmac("sha256", b"password", b"salt", 1).hex())
print(hashlib.pbkdf2_hmac("sha1", b"password", b"salt", 2, 20).hex())
print(hashlib.pbkdf2_hmac("sha512", b"pw", b"NaCl", 50, 100).hex())
for bad in ((0, None), (1, 0)):
    try:
        hashlib.pbkdf2_hmac("sha256", b"p", b"s", *bad)
    except ValueError as e:
        print("ValueError:", e)
