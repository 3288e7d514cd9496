# io.TextIOWrapper over BytesIO (encode on write, decode on read, newline handling, detach)
# and StringIO built by many appending writes, mixed with seeks and overwrites.
import io

b = io.BytesIO()
t = io.TextIOWrapper(b, encoding="utf-8", errors="xmlcharrefreplace", newline="\n")
print(t.write("héllo\nwörld\n"), t.encoding, t.errors)
t.flush()
print(b.getvalue())
raw = t.detach()
print(raw is b, b.getvalue())
try:
    t.write("x")
except ValueError as e:
    print("ValueError", e)

b = io.BytesIO()
t = io.TextIOWrapper(b, encoding="ascii", errors="xmlcharrefreplace", newline="\r\n")
t.write("a\u20acb\nc")
t.flush()
print(b.getvalue())

r = io.TextIOWrapper(io.BytesIO("one\r\ntwo\rthree\nfour".encode("utf-8")), encoding="utf-8")
print(repr(r.readline()), repr(r.readline()), repr(r.read(3)), repr(r.read()))
r = io.TextIOWrapper(io.BytesIO(b"x\ny\n"), encoding="latin-1", newline="")
print(list(iter(r.readline, "")))
try:
    io.TextIOWrapper(io.BytesIO(), newline="x")
except ValueError as e:
    print("ValueError", e)

s = io.StringIO()
for i in range(2000):
    s.write(str(i))
    if i % 100 == 0:
        s.write("\n")
v = s.getvalue()
print(len(v), v[:30].replace("\n", "|"), s.tell())
s.seek(5)
s.write("XY")
s.seek(0, 2)
s.write("END")
print(s.getvalue()[:12].replace("\n", "|"), s.getvalue()[-6:], s.tell())
s.seek(0)
print(repr(s.readline()), repr(s.readline()[:10]))
s.truncate(4)
s.write("!")
v = s.getvalue()
print(repr(v[:4]), len(v), v.count("\0"), repr(v[-1]))
s.seek(len(v) + 3)
s.write("z")
v = s.getvalue()
print(len(v), v.count("\0"), repr(v[-5:]))
bio = io.BytesIO(b"ab")
bio.seek(0, 2)
for k in range(5):
    bio.write(bytes([65 + k]))
print(bio.getvalue(), bio.tell())
print("a\u20acb\xff".encode("ascii","xmlcharrefreplace"), "a\u20acb\xff".encode("latin-1","backslashreplace"))
# bytes.find/index/count with start and end
h = b"l1\nl2\nl3\n"
print(h.find(b"\n", 3), h.find(10, 3), h.find(b"\n", -4), h.find(b"l", 1, 3), h.find(b"", 9), h.find(b"", 10))
print(h.index(b"l", 1), h.count(b"l", 2), h.count(b"", 2, 5), h.count(b"\n", -3), h.count(b"x", 20))
try:
    h.index(b"1", 2)
except ValueError as e:
    print("ValueError", e)
