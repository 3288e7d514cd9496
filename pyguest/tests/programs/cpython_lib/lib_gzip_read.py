# Reading through gzip.GzipFile and gzip.open (binary and text): GzipFile is a
# BufferedIOBase subclass over io.BufferedReader(_GzipReader), a RawIOBase subclass.
import gzip
import io
import os
import tempfile

d = tempfile.mkdtemp()
path = os.path.join(d, "words.txt.gz")
lines = ["line %d: %s\n" % (i, "ab" * (i % 7)) for i in range(300)]
payload = "".join(lines).encode("ascii")
with gzip.open(path, "wb") as f:
    print(type(f).__name__, f.write(payload))

with gzip.open(path, "rb") as f:
    print(isinstance(f, io.BufferedIOBase), f.readable(), f.seekable(), f.writable())
    print(f.readline(), f.readline(5), f.read(6), f.peek(1)[:1], f.read1(4), f.tell())
    rest = list(f)
    print(len(rest), rest[0], rest[-1], f.tell(), f.read(), f.read1())
    print(f.seek(10), f.read(8), f.seek(3, 1), f.read(4))

with gzip.GzipFile(path) as f:
    buf = bytearray(10)
    print(f.readinto(buf), bytes(buf), f.mode == gzip.READ, f.name.endswith("words.txt.gz"))
    print(len(f.read()), f.read() == b"")
print(f.closed)
try:
    f.read()
except ValueError as e:
    print("closed:", e)

with gzip.open(path, "rt", encoding="utf-8") as t:
    print(type(t).__name__, repr(t.readline()), repr(t.read(10)))
    print(sum(1 for _ in t), t.read() == "")
with gzip.open(path, "rt") as t:
    print(t.readlines() == lines)
with open(path, "rb") as raw:
    with gzip.GzipFile(fileobj=raw) as g:
        print(g.read(7), g.readline())

# a stream of two members, and a member in memory
two = gzip.compress(b"first\n") + gzip.compress(b"second\n")
with gzip.GzipFile(fileobj=io.BytesIO(two)) as g:
    print(list(g))
big = os.urandom(100000)
with gzip.GzipFile(fileobj=io.BytesIO(gzip.compress(big)), mode="rb") as g:
    parts = []
    while True:
        chunk = g.read1(4096)
        if not chunk:
            break
        parts.append(chunk)
    print(b"".join(parts) == big, all(0 < len(p) <= 4096 for p in parts))

bad = io.BytesIO(b"not gzip at all")
try:
    gzip.GzipFile(fileobj=bad).read()
except gzip.BadGzipFile as e:
    print("BadGzipFile:", e)
trunc = gzip.compress(b"x" * 1000)[:-6]
try:
    gzip.GzipFile(fileobj=io.BytesIO(trunc)).read()
except EOFError as e:
    print("EOFError:", e)

# text mode writing and reading back with a newline mode
tpath = os.path.join(d, "text.gz")
with gzip.open(tpath, "wt", encoding="utf-8", newline="\r\n") as t:
    t.write("grüße\nzwei\n")
with gzip.open(tpath, "rb") as f:
    print(f.read())
with gzip.open(tpath, "rt", encoding="utf-8", newline="") as t:
    print([line for line in t])
os.remove(path)
os.remove(tpath)
os.rmdir(d)
