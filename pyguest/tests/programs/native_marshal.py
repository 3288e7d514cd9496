# marshal: CPython's bytes at version 2, round trips at every version, CPython's version-4
# output (with back-references) read back.
import marshal

values = [None, True, False, 0, -1, 2 ** 31, -2 ** 40, 2 ** 100, -(2 ** 15), 1.5, -0.0,
          1e300, 1 + 2j, "abc", "é€", "", b"xy", bytearray(b"z"), (1, "a"), (), [1, [2]],
          {"k": 1, 2: (3,)}, {1}, frozenset(), Ellipsis, StopIteration, ["a", "a", ("a",)]]
for v in values:
    print(repr(v)[:40], marshal.dumps(v, 2))
for version in range(5):
    ok = []
    for v in values:
        if isinstance(v, complex) and version < 2:
            continue
        back = marshal.loads(marshal.dumps(v, version))
        ok.append(back == v or (v != v))
    print(version, all(ok))
# written by CPython 3.11 at version 4 (FLAG_REF and back-references)
print(marshal.loads(b'\xdb\x03\x00\x00\x00\xda\x01ar\x01\x00\x00\x00\xa9\x01r\x01\x00\x00\x00'))
print(marshal.loads(b'{\xda\x03key\xa9\x01\xe9\x05\x00\x00\x00\xda\x01jr\x00\x00\x00\x00'
                    b'\xda\x01n[\x02\x00\x00\x00r\x00\x00\x00\x00r\x00\x00\x00\x000'))
print(marshal.version, type(marshal.loads(marshal.dumps(bytearray(b"q")))).__name__)
for bad in [b"", b"\x01", b"i\x01", b"r\x05\x00\x00\x00"]:
    try:
        marshal.loads(bad)
    except (ValueError, EOFError) as e:
        print(type(e).__name__ + ":", e)
try:
    marshal.dumps(object())
except ValueError as e:
    print("ValueError:", e)
