# base64 Ascii85/Base85: round trips, padding, folding, Adobe framing, wrapping and the errors, against CPython 3.11.
import base64, random
r = random.Random(5)
out = []
samples = [b"", b"\0", b"\0\0\0\0", b"    ", b"   ", b"abc", b"\0\0\0\0\0", b"hello world", bytes(range(256))]
for n in range(200):
    samples.append(bytes(r.choice([0, 32, r.randrange(256)]) for _ in range(r.randrange(12))))
for s in samples:
    a = base64.a85encode(s); b = base64.b85encode(s)
    out.append((a, base64.a85encode(s, pad=True), base64.a85encode(s, foldspaces=True),
                base64.a85encode(s, adobe=True, wrapcol=7), b, base64.b85encode(s, pad=True)))
    assert base64.a85decode(a) == s and base64.b85decode(b) == s, s
    assert base64.a85decode(base64.a85encode(s, foldspaces=True), foldspaces=True) == s
    assert base64.a85decode(base64.a85encode(s, adobe=True, wrapcol=3), adobe=True) == s
for row in out[:20]:
    print(row)
import hashlib
print(hashlib.sha256(repr(out).encode()).hexdigest())
print(base64.a85decode(b"<~87cURD]i,\"Ebo80~>", adobe=True))
print(base64.a85decode(b"z", foldspaces=True), base64.a85decode("y", foldspaces=True))
for bad, f in [(b"az", base64.a85decode), (b"a{", base64.a85decode), (b"uuuuu", base64.a85decode),
               (b"abc~>", lambda x: base64.a85decode(x, adobe=True) if False else base64.a85decode(b"abc", adobe=True)),
               (b"ab\"cd", base64.b85decode), (b"|NsC0|NsC0", base64.b85decode), ("é", base64.b85decode)]:
    try:
        print(f(bad))
    except Exception as e:
        print(type(e).__name__, e)
try:
    base64.b85encode("str")
except TypeError as e:
    print(e)
