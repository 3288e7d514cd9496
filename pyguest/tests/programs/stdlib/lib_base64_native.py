# base64/binascii over pyguest's native byte loops (`_pgbinascii`) against CPython's C
# codecs: every encoder and decoder on pseudo-random data of lengths 0-70 and a few large
# inputs (outputs summarised by CRC-32), the options, and the error messages.
import base64
import binascii
import random

rng = random.Random(1234)
datas = [bytes(rng.randrange(256) for _ in range(n)) for n in range(71)]
datas += [b"\0" * 9, b" " * 9, b"\0\0\0\0 ", rng.randbytes(100003)]


def summary(name, f):
    acc = 0
    total = 0
    for d in datas:
        out = f(d)
        acc = binascii.crc32(out, acc)
        total += len(out)
    print(name, total, acc)


summary("b64encode", base64.b64encode)
summary("b64 round trip", lambda d: base64.b64decode(base64.b64encode(d), validate=True))
summary("urlsafe", base64.urlsafe_b64encode)
summary("urlsafe round trip", lambda d: base64.urlsafe_b64decode(base64.urlsafe_b64encode(d)))
summary("altchars", lambda d: base64.b64encode(d, altchars=b"*!"))
summary("altchars round trip",
        lambda d: base64.b64decode(base64.b64encode(d, altchars=b"*!"), altchars=b"*!"))
summary("encodebytes", base64.encodebytes)
summary("decodebytes", lambda d: base64.decodebytes(base64.encodebytes(d)))
summary("b32encode", base64.b32encode)
summary("b32 round trip", lambda d: base64.b32decode(base64.b32encode(d)))
summary("b32 casefold", lambda d: base64.b32decode(base64.b32encode(d).lower(), casefold=True))
summary("b32hexencode", base64.b32hexencode)
summary("b32hex round trip", lambda d: base64.b32hexdecode(base64.b32hexencode(d)))
summary("b16encode", base64.b16encode)
summary("b16 round trip", lambda d: base64.b16decode(base64.b16encode(d)))
summary("b16 casefold", lambda d: base64.b16decode(base64.b16encode(d).lower(), casefold=True))
summary("a85encode", base64.a85encode)
summary("a85 pad", lambda d: base64.a85encode(d, pad=True))
summary("a85 foldspaces", lambda d: base64.a85encode(d, foldspaces=True))
summary("a85 wrap adobe", lambda d: base64.a85encode(d, wrapcol=7, adobe=True))
summary("a85 round trip", lambda d: base64.a85decode(base64.a85encode(d)))
summary("a85 round trip fold",
        lambda d: base64.a85decode(base64.a85encode(d, foldspaces=True, wrapcol=9),
                                   foldspaces=True))
summary("a85 round trip adobe",
        lambda d: base64.a85decode(base64.a85encode(d, adobe=True), adobe=True))
summary("b85encode", base64.b85encode)
summary("b85 pad", lambda d: base64.b85encode(d, pad=True))
summary("b85 round trip", lambda d: base64.b85decode(base64.b85encode(d)))
summary("hexlify", binascii.hexlify)
summary("unhexlify", lambda d: binascii.unhexlify(binascii.hexlify(d)))
summary("b2a_base64", binascii.b2a_base64)
summary("b2a_base64 no newline", lambda d: binascii.b2a_base64(d, newline=False))
summary("crc_hqx", lambda d: binascii.crc_hqx(d, 0).to_bytes(2, "big"))
summary("crc_hqx seeded", lambda d: binascii.crc_hqx(d, 0xFFFF).to_bytes(2, "big"))

print(base64.b64encode(bytearray(b"xyz")), base64.b64decode("eHl6"), base64.b64decode(b"eH\nl6"))
print(base64.b64decode(b"YWI=extra"), base64.b64decode(b"YQ"+b"="*2), binascii.a2b_base64(b"Y W J j"))
print(base64.b32decode(b"ME======"), base64.b32decode(b"MFRGG==="), base64.b32decode(b"0E======", map01=b"L"))
print(base64.b16decode("4142"), binascii.unhexlify("4a4B"), binascii.hexlify(b"\x01\xfe", "-"))
print(base64.a85decode(b"<~9jqo^~>", adobe=True), base64.a85decode(b"z y", foldspaces=True),
      base64.a85decode(b"9j q\no^", ignorechars=b" \n"))
print(base64.b85decode(b"VPa"), base64.b85decode("VE"), binascii.crc_hqx(b"123456789", 0))

errors = [
    (base64.b64decode, (b"YWJ",), {}),
    (base64.b64decode, (b"Y",), {}),
    (base64.b64decode, (b"YW=J",), {"validate": True}),
    (base64.b64decode, (b"=YWJj",), {"validate": True}),
    (base64.b64decode, (b"YWJj=",), {"validate": True}),
    (base64.b64decode, (b"YW!j",), {"validate": True}),
    (base64.b64decode, (b"YQ==YQ==",), {"validate": True}),
    (base64.b64decode, ("é",), {}),
    (base64.b64encode, ("text",), {}),
    (base64.b32decode, (b"ME=====",), {}),
    (base64.b32decode, (b"ME1=====",), {}),
    (base64.b32decode, (b"MEE=====",), {}),
    (base64.b32decode, (b"me======",), {}),
    (base64.b16decode, (b"4g",), {}),
    (base64.b16decode, (b"414",), {}),
    (base64.b16decode, (b"4a",), {}),
    (binascii.unhexlify, (b"4g",), {}),
    (binascii.unhexlify, (b"414",), {}),
    (base64.a85decode, (b"abcz",), {}),
    (base64.a85decode, (b"ab y",), {"foldspaces": True}),
    (base64.a85decode, (b"uuuuu",), {}),
    (base64.a85decode, (b"ab\x7f",), {}),
    (base64.a85decode, (b"<~ab",), {"adobe": True}),
    (base64.b85decode, (b"VE\x7f",), {}),
    (base64.b85decode, (b"|NsC0|NsC0",), {}),
    (binascii.crc_hqx, ("str", 0), {}),
    (binascii.b2a_base64, (5,), {}),
]
for f, args, kw in errors:
    try:
        r = f(*args, **kw)
        print(f.__name__, "->", r)
    except Exception as e:
        print(f.__name__, type(e).__name__, e)
