# io's buffered layer (issue 16): BufferedReader/Writer/Random/RWPair over in-memory, user and
# file raw streams, TextIOWrapper over any buffered binary stream, FileIO, subclassing.
import io
import os
import tempfile


TMP = []


def show(label, f, *args):
    try:
        print(label, repr(f(*args)))
    except Exception as e:
        text = str(e)
        for d in TMP:
            text = text.replace(d, "<tmp>")
        print(label, type(e).__name__, text)


print("-- BufferedReader over BytesIO")
r = io.BufferedReader(io.BytesIO(b"line one\nline two\nthree"), buffer_size=8)
print(r.readable(), r.writable(), r.seekable(), r.raw.__class__.__name__)
print(r.peek(3)[:3], r.read(2), r.tell())
print(r.peek(), r.read1(100), r.tell())
print(r.readline(), r.readline(4), r.readline(), r.readline(), r.readline(), r.tell())
print(r.seek(0), list(r))
print(r.seek(5), r.read(), r.read(), r.read1(3))
print(r.seek(-4, 2), r.read(2), r.seek(1, 1), r.read())
buf = bytearray(6)
r.seek(9)
print(r.readinto(buf), buf)
r.seek(0)
print(r.read(100), r.tell())
show("seek whence 5", r.seek, 0, 5)
show("read -2", r.read, -2)
raw = r.detach()
print(type(raw).__name__, raw.tell())
show("read after detach", r.read)
r2 = io.BufferedReader(io.BytesIO(b"x" * 20000))
print(len(r2.read(10000)), len(r2.read1()), len(r2.read()), r2.tell())
r2.close()
print(r2.closed)
show("read closed", r2.read)

print("-- BufferedWriter over BytesIO")
b = io.BytesIO()
w = io.BufferedWriter(b, buffer_size=16)
print(w.write(b"hello "), b.getvalue(), w.tell())
print(w.write(b"world, more than sixteen"), len(b.getvalue()), w.tell())
print(w.write(b"!"), b.getvalue()[-3:])
w.flush()
print(b.getvalue())
show("write str", w.write, "text")
w.seek(0)
w.write(b"J")
w.flush()
print(b.getvalue()[:8], w.writable(), w.readable())

print("-- TextIOWrapper over BytesIO")
data = "héllo\r\nwörld\nthird line\rlast".encode("utf-8")
t = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
print(t.encoding, t.errors, t.line_buffering, t.newlines)
print(repr(t.readline()), t.tell())
print(repr(t.read(3)), t.tell())
pos = t.tell()
print(repr(t.read()))
print(t.seek(pos), repr(t.readline()), t.newlines)
t.seek(0)
print([line for line in t])
t.seek(0)
print(t.readlines())
t.seek(0)
print(repr(t.read(4)), repr(t.readline(3)), repr(t.readline()))
t2 = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline="")
print([line for line in t2])
t3 = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline="\r")
print([line for line in t3])
t4 = io.TextIOWrapper(io.BytesIO(b"a\nb\n"), encoding="ascii", newline="\n")
print(t4.readlines())
out = io.BytesIO()
tw = io.TextIOWrapper(out, encoding="utf-16-le", newline="\r\n")
print(tw.write("one\ntwo ü\n"), tw.tell())
tw.flush()
print(out.getvalue())
print(tw.detach() is out)
show("after detach", lambda: tw.encoding)
show("read after detach", tw.read)
tl = io.TextIOWrapper(io.BytesIO(), encoding="latin-1")
tl.write("abc\xe9")
tl.seek(0)
print(repr(tl.read()), tl.buffer.getvalue())
show("write bytes", tl.write, b"x")
show("bad newline", io.TextIOWrapper, io.BytesIO(), "utf-8", None, "x")
show("bad encoding", io.TextIOWrapper, io.BytesIO(), "no-such-codec")
bad = io.TextIOWrapper(io.BytesIO(b"ok\xffbad\n"), encoding="utf-8")
show("decode error", bad.read)
rep = io.TextIOWrapper(io.BytesIO(b"ok\xffbad\n"), encoding="utf-8", errors="replace")
print(repr(rep.read()))
it = io.TextIOWrapper(io.BytesIO(b"a\nb\n"), encoding="utf-8")
next(it)
show("tell during iteration", it.tell)
# multi-byte characters across chunk boundaries, and tell/seek in the middle of them
long = ("ab€" * 4000 + "\n") * 2
tb = io.TextIOWrapper(io.BufferedReader(io.BytesIO(long.encode("utf-8")), 100), encoding="utf-8")
first = tb.read(8191)
p = tb.tell()
rest = tb.read(10)
tb.seek(p)
print(len(first), p, rest == tb.read(10), tb.readline() == long[8201:12001])
tb.seek(0)
print(tb.read() == long)

print("-- IncrementalNewlineDecoder")
import codecs
d = io.IncrementalNewlineDecoder(codecs.getincrementaldecoder("utf-8")(), translate=True)
print(repr(d.decode(b"a\r")), repr(d.decode(b"\nb\r")), repr(d.decode(b"c", final=True)), d.newlines)
d2 = io.IncrementalNewlineDecoder(None, translate=False)
print(repr(d2.decode("x\r\ny\n")), d2.newlines, d2.getstate())

print("-- a user RawIOBase wrapped by BufferedReader")


class Chunks(io.RawIOBase):
    """Hands out its data a few bytes per readinto call."""

    def __init__(self, data, step):
        self.data = data
        self.pos = 0
        self.step = step
        self.calls = 0

    def readable(self):
        return True

    def readinto(self, b):
        self.calls += 1
        n = min(len(b), self.step, len(self.data) - self.pos)
        b[:n] = self.data[self.pos:self.pos + n]
        self.pos += n
        return n


raw = Chunks(b"first\nsecond\nthird\n", 4)
print(raw.read(3), raw.read(), raw.read(), raw.calls)
raw = Chunks(b"first\nsecond\nthird\n", 4)
br = io.BufferedReader(raw)
print(br.readline(), br.peek(1)[:1], br.read1(2), list(br), raw.calls > 3)
raw = Chunks(b"first\nsecond\nthird\n", 5)
print(raw.readline(), list(raw), raw.readall())
print(isinstance(raw, io.RawIOBase), isinstance(raw, io.IOBase), isinstance(br, io.BufferedIOBase))
tw = io.TextIOWrapper(io.BufferedReader(Chunks("zwölf\nelf\n".encode(), 3)), encoding="utf-8")
print(tw.readlines())
show("not seekable", tw.tell)
show("raw read of base", io.RawIOBase().read, 1)
show("unsupported seek", io.RawIOBase().seek, 0)
show("unsupported fileno", io.BytesIO().fileno)


class Upper(io.BufferedIOBase):
    """A BufferedIOBase subclass that defines only read: readinto comes from the base."""

    def __init__(self, data):
        self.src = io.BytesIO(data)

    def readable(self):
        return True

    def read(self, n=-1):
        return self.src.read(n).upper()


u = Upper(b"abc\ndef\n")
ba = bytearray(2)
print(u.readinto(ba), ba, u.readline(), list(u))


class Registered:
    pass


io.RawIOBase.register(Registered)
print(issubclass(Registered, io.IOBase), isinstance(Registered(), io.RawIOBase))
print(issubclass(io.FileIO, io.RawIOBase), issubclass(io.BufferedRandom, io.BufferedReader))

print("-- BufferedRWPair")
pair = io.BufferedRWPair(io.BytesIO(b"in\ndata"), io.BytesIO())
print(pair.readline(), pair.write(b"out"), pair.peek(1)[:1], pair.read(), pair.readable(), pair.writable())

print("-- FileIO, BufferedRandom, open() with descriptors")
d = tempfile.mkdtemp()
TMP.append(d)
path = os.path.join(d, "f.bin")
with io.FileIO(path, "w") as f:
    print(f.mode, f.writable(), f.readable(), f.write(b"0123456789"), f.tell())
    show("read write-only", f.read)
with io.FileIO(path) as f:
    print(f.mode, f.read(4), f.seek(-3, 2), f.read(), f.read(), f.tell(), f.closefd)
    print(f.readall(), f.seek(0), f.readall(), f.isatty())
    fd = f.fileno()
print(f.closed)
show("closed read", f.read)
with io.FileIO(path, "r+") as f:
    with io.BufferedRandom(f) as rnd:
        print(rnd.read(3), rnd.tell(), rnd.write(b"ABC"), rnd.tell(), rnd.read(2), rnd.tell())
        rnd.seek(0)
        print(rnd.read(), rnd.truncate(4), rnd.seek(0, 2))
with open(path, "rb") as f:
    print(f.read())
fd = os.open(path, os.O_RDWR)
with open(fd, "r+", closefd=False) as t:
    print(type(t).__name__, type(t.buffer).__name__, type(t.buffer.raw).__name__, t.read())
    t.write("xy")
    print(t.tell())
os.close(fd)
with open(path, "rb", buffering=0) as f:
    print(type(f).__name__, f.read())
with open(path, "ab", buffering=0) as f:
    print(f.mode, f.tell(), f.write(b"++"))
with open(path, "rb") as f:
    print(f.read())
show("unbuffered text", open, path, "r", 0)
show("directory", io.FileIO, d)
show("missing", io.FileIO, os.path.join(d, "missing"))
show("exclusive", io.FileIO, path, "x")
show("bad mode", io.FileIO, path, "rw")
with io.FileIO(path, "wb+") as f:
    print(f.mode, f.write(b"new"), f.seek(0), f.read())
os.remove(path)
os.rmdir(d)

print("-- _io and _pyio")
import _io
import _pyio
print(_io.BufferedReader is io.BufferedReader, _io.FileIO is io.FileIO, issubclass(_io.BufferedReader, _io._BufferedIOBase))
r = _pyio.BufferedReader(_pyio.BytesIO(b"abc\ndef\n"))
print(r.readline(), r.peek(2)[:2], isinstance(r, io.BufferedIOBase), isinstance(r, io.IOBase))
print(_pyio.TextIOWrapper(_pyio.BytesIO(b"x\r\ny"), encoding="utf-8").readlines())
print(io.BufferedReader, io.TextIOWrapper, io.IOBase, io.FileIO)
