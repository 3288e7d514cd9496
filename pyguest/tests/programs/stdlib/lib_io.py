import io

s = io.StringIO()
print(s.write("hello\n"), s.write("world"), s.tell(), repr(s.getvalue()))
s.seek(0)
print(repr(s.readline()), repr(s.readline()), repr(s.readline()), s.tell())
s.seek(0)
print(s.readlines(), list(io.StringIO("a\nb\n\nc")))
s = io.StringIO("initial text")
print(s.tell(), repr(s.read(4)), repr(s.read()), repr(s.read()))
s.seek(2)
s.write("XY")
print(repr(s.getvalue()), s.tell())
s.seek(20)
s.write("!")
print(repr(s.getvalue()))
s.truncate(5)
print(repr(s.getvalue()), s.seek(0, io.SEEK_END))
print(s.seek(0), s.readable(), s.writable(), s.seekable(), s.closed)
with io.StringIO("ctx") as c:
    print(c.read())
print(c.closed)
for thunk in (lambda: c.read(), lambda: io.StringIO().write(b"x"), lambda: io.StringIO(5), lambda: io.StringIO("x").seek(1, 1)):
    try:
        thunk()
    except (ValueError, TypeError, OSError) as e:
        print(type(e).__name__, e)
print(repr(io.StringIO("a\r\nb\rc", newline=None).getvalue()), repr(io.StringIO("a\r\nb", newline="").read()))
print("to buffer", file=(buf := io.StringIO()), end="!")
print(repr(buf.getvalue()))
out = io.StringIO()
out.writelines(["x", "y", "z\n"])
print(repr(out.getvalue()))

b = io.BytesIO(b"binary\ndata")
print(b.read(3), b.readline(), b.read(), b.tell(), b.getvalue())
b.seek(0)
print(b.write(b"BIN"), b.getvalue(), b.seek(-4, io.SEEK_END), b.read(), b.seek(2, io.SEEK_CUR))
b.write(bytearray(b"++"))
print(b.getvalue(), list(io.BytesIO(b"l1\nl2\n")), io.BytesIO().getvalue())
try:
    io.BytesIO().write("text")
except TypeError as e:
    print("TypeError", e)
ba = bytearray(4)
print(io.BytesIO(b"abcdef").readinto(ba), ba)
print(isinstance(io.StringIO(), io.TextIOBase), isinstance(io.BytesIO(), io.BufferedIOBase), isinstance(io.StringIO(), io.IOBase), io.SEEK_SET, io.SEEK_CUR, io.SEEK_END)
b = io.BytesIO(b"x")
b.close()
try:
    b.read()
except ValueError as e:
    print("ValueError", e)
