# zlib: round trips in every container, streaming with flushes and max_length, data made by
# CPython's zlib (fixed bytes below), checksums and the errors; gzip over it.
import zlib, gzip, io

data = b"".join(b"line %d of some text that repeats\n" % i for i in range(3000))
for wbits in (15, 9, -15, -9, 31, 25):
    c = zlib.compress(data, 6, wbits)
    print(wbits, len(c) < len(data) // 5, zlib.decompress(c, wbits) == data)
print(zlib.decompress(zlib.compress(data, wbits=31), 47) == data, zlib.decompress(zlib.compress(data), 47) == data)
print(zlib.decompress(zlib.compress(data)) == data, zlib.decompress(zlib.compress(data), 0) == data)
for level in range(0, 10):
    assert zlib.decompress(zlib.compress(data[:5000], level)) == data[:5000]
print(zlib.decompress(zlib.compress(b"")), zlib.compress(b"")[:2], zlib.compress(b"x", 9)[:2], zlib.compress(b"x", 1)[:2])

# made by CPython 3.11's zlib
print(zlib.decompress(b'x\x9c\xcbH\xcd\xc9\xc9W(\xcf/\xcaI\x01\x00\x1a\x0b\x04]'))
print(zlib.decompress(b'\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff\xcbH\xcd\xc9\xc9\x07\x00\x86\xa6\x106\x05\x00\x00\x00', 31))
print(gzip.decompress(b'\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff\xcbH\xcd\xc9\xc9\x07\x00\x86\xa6\x106\x05\x00\x00\x00'))

co = zlib.compressobj(9, zlib.DEFLATED, -15)
parts = [co.compress(data[i:i + 1000]) for i in range(0, len(data), 1000)]
parts.append(co.flush(zlib.Z_SYNC_FLUSH))
parts.append(co.compress(b"tail"))
parts.append(co.flush())
comp = b"".join(parts)
do = zlib.decompressobj(-15)
out = []
for i in range(0, len(comp), 77):
    out.append(do.decompress(comp[i:i + 77]))
print(b"".join(out) == data + b"tail", do.eof, do.unused_data)

do = zlib.decompressobj()
z = zlib.compress(data) + b"EXTRA"
got = do.decompress(z, 100)
print(len(got), len(do.unconsumed_tail) > 0, do.eof)
while not do.eof:
    got += do.decompress(do.unconsumed_tail, 4096)
print(got == data, do.eof, do.unused_data)

do = zlib.decompressobj(31)
g = zlib.compress(data, wbits=31)
res = b"".join(do.decompress(g[i:i + 5]) for i in range(0, len(g), 5))
print(res == data, do.eof, do.unused_data)

print(zlib.crc32(b"hello"), zlib.adler32(b"hello"), zlib.crc32(b"world", zlib.crc32(b"hello ")))
print(zlib.Z_SYNC_FLUSH, zlib.Z_FULL_FLUSH, zlib.Z_FINISH, zlib.DEFLATED, zlib.MAX_WBITS)

for bad in [lambda: zlib.decompress(b"not zlib data"), lambda: zlib.decompress(zlib.compress(data)[:50]),
            lambda: zlib.compress(b"x", 10), lambda: zlib.decompress("str"),
            lambda: zlib.decompress(b'\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff\xcbH\xcd\xc9\xc9\x07\x00\x86\xa6\x106\x06\x00\x00\x00', 31),
            lambda: zlib.decompressobj().decompress(b"x", -1)]:
    try:
        bad()
    except Exception as e:
        print(type(e).__name__, str(e).split(":")[0])

# gzip from CPython's Lib over this zlib
blob = gzip.compress(data, mtime=0)
print(blob[:4], gzip.decompress(blob) == data, gzip.decompress(blob + blob) == data + data)
buf = io.BytesIO()
with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as f:
    f.write(b"first\n")
    f.write(data)
print(gzip.decompress(buf.getvalue()) == b"first\n" + data)
