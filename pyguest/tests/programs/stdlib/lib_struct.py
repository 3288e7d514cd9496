import struct

print(struct.pack("<hHiIqQ", -2, 65535, -123456, 4000000000, -2 ** 63, 2 ** 64 - 1).hex())
print(struct.pack(">bB?c", -128, 255, True, b"z"), struct.pack("!I", 0xDEADBEEF), struct.pack("=lL", -1, 7))
print(struct.pack("@bid", 1, 2, 3.5).hex(), struct.calcsize("@bid"), struct.calcsize("=bid"), struct.calcsize("@ci"), struct.calcsize("@cq0l"), struct.calcsize("<10s3x2h"))
print(struct.pack("<5s", b"ab"), struct.pack("<3s", b"abcdef"), struct.pack("<5p", b"abc"), struct.unpack("<5p", b"\x03abcd"))
vals = [0.0, -0.0, 1.0, -2.5, 3.141592653589793, 1e-300, 5e-324, 1.7976931348623157e308, float("inf"), -float("inf"), 0.1, 65504.0, 6.1e-05, 5.96e-08, 1e-8, 3.4028234663852886e38, 1.401298464324817e-45, 2.0 ** -149, 2.0 ** -150, 1.00000001]
for v in vals:
    d = struct.pack("<d", v)
    row = [d.hex(), struct.unpack("<d", d)[0]]
    for code in "fe":
        try:
            b = struct.pack(">" + code, v)
            row += [b.hex(), struct.unpack(">" + code, b)[0]]
        except OverflowError as e:
            row.append("OverflowError %s" % e)
    print(v, row)
nan = struct.unpack("<d", struct.pack("<d", float("nan")))[0]
print(nan != nan, struct.pack("<f", float("nan")).hex(), struct.pack("<e", float("nan")).hex())
rec = struct.Struct("<I16sdh")
packed = rec.pack(7, b"widget", 19.99, -3)
print(rec.size, rec.format, len(packed), rec.unpack(packed))
buf = bytearray(40)
rec.pack_into(buf, 4, 1, b"x", 2.0, 3)
print(rec.unpack_from(buf, 4), struct.unpack_from("<I", buf, 4))
print(list(struct.iter_unpack("<hh", b"\x01\x00\x02\x00\x03\x00\x04\x00")))
print(struct.unpack("<??", b"\x00\x05"), struct.unpack(">h", b"\xff\xfe"), struct.unpack("<Q", b"\xff" * 8))
for fmt, v in [("<b", 200), ("<B", -1), ("<h", 70000), ("<H", -1), ("<i", 2 ** 40), ("<I", -1), ("<q", 2 ** 64), ("<Q", -1), ("@l", 2 ** 70), ("@i", 2 ** 40), ("b", 1.5), ("<c", b"ab"), ("<e", 1e10), ("<f", 1e40), ("<s", "x")]:
    try:
        print(fmt, struct.pack(fmt, v))
    except (struct.error, OverflowError) as e:
        print(fmt, type(e).__name__, e)
for thunk in (lambda: struct.unpack("<i", b"abc"), lambda: struct.pack("<ii", 1), lambda: struct.pack("<i", 1, 2),
              lambda: struct.calcsize("<z"), lambda: struct.unpack_from("<i", b"ab", 0)):
    try:
        print(thunk())
    except struct.error as e:
        print("error", e)
