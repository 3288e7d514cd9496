# base64 and binascii: encodings, decoding errors, checksums.
import base64
import binascii

samples = [b"", b"f", b"fo", b"foo", b"foob", b"fooba", b"foobar", bytes(range(0, 256, 7)),
           "héllo wörld".encode("utf-8"), b"\xff\xfe\xfd"]
for s in samples:
    e64 = base64.b64encode(s)
    print(s[:12], e64, base64.b64decode(e64) == s)
    u = base64.urlsafe_b64encode(s)
    print("  url", u, base64.urlsafe_b64decode(u) == s)
    b32 = base64.b32encode(s)
    print("  b32", b32, base64.b32decode(b32) == s, base64.b32hexencode(s))
    b16 = base64.b16encode(s)
    print("  b16", b16, base64.b16decode(b16) == s, base64.b16decode(b16.lower(), casefold=True) == s)
print(base64.b64encode(b"\xfb\xff", altchars=b"-_"), base64.b64decode("-_8=", altchars="-_"))
print(base64.b64decode("Zm9v\nYmFy"), base64.b64decode(b"Zm9vYmFy!!"), base64.standard_b64decode("Zm8="))
for bad, kw in [("Zm9", {}), ("Z", {}), ("Zm9v!", {"validate": True}), ("Zm=9", {}), ("Zm9vYg", {})]:
    try:
        base64.b64decode(bad, **kw)
    except binascii.Error as e:
        print("binascii.Error:", e)
for bad in ["MZXW6===x", "MZXW6YQ", "1ZXW6YQ="]:
    try:
        base64.b32decode(bad)
    except binascii.Error as e:
        print("binascii.Error:", e)
print(base64.b32decode("mzxw6===", casefold=True), base64.b32decode("MZXW6YQ=", map01=b"L"))
try:
    base64.b16decode("0g")
except binascii.Error as e:
    print("binascii.Error:", e)
try:
    base64.b64encode("text")
except TypeError as e:
    print("TypeError:", e)
try:
    base64.b64decode("ñ")
except ValueError as e:
    print("ValueError:", e)
long = bytes(range(100))
print(base64.encodebytes(long))
print(base64.decodebytes(base64.encodebytes(long)) == long)
print(binascii.hexlify(b"\x00\xffab"), binascii.unhexlify(b"00ff6162"), binascii.b2a_hex(b"xyz", "-"))
print(binascii.hexlify(bytes(range(7)), ":", 2), binascii.hexlify(bytes(range(7)), b" ", -3))
for bad in ("abc", "zz"):
    try:
        binascii.unhexlify(bad)
    except binascii.Error as e:
        print("binascii.Error:", e)
print(binascii.crc32(b"hello world"), binascii.crc32(b"world", binascii.crc32(b"hello ")))
print(binascii.crc32(b""), binascii.crc32(b"a" * 1000), binascii.crc_hqx(b"123456789", 0))
print(binascii.b2a_base64(b"hi"), binascii.a2b_base64(b"aGk=\n"))
try:
    binascii.a2b_base64(b"aGk=x", strict_mode=True)
except binascii.Error as e:
    print("binascii.Error:", e)
