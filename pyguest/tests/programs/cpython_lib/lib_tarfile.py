# tarfile: write and read back a .tar and a .tar.gz in a temporary directory (its
# ExFileObject is an io.BufferedReader subclass over tarfile's own raw _FileInFile).
import io
import os
import shutil
import tarfile
import tempfile

d = tempfile.mkdtemp()
src = os.path.join(d, "src")
os.mkdir(src)
with open(os.path.join(src, "hello.txt"), "w") as f:
    f.write("hello tar\n" * 50)
with open(os.path.join(src, "data.bin"), "wb") as f:
    f.write(bytes(range(256)) * 8)

for name, wmode in (("a.tar", "w"), ("a.tar.gz", "w:gz"), ("b.tar", "w:")):
    path = os.path.join(d, name)
    with tarfile.open(path, wmode) as tf:
        tf.add(os.path.join(src, "hello.txt"), arcname="hello.txt")
        tf.add(os.path.join(src, "data.bin"), arcname="sub/data.bin")
        data = "in memory ✓\nsecond line\n".encode("utf-8")
        info = tarfile.TarInfo("sub/mem.txt")
        info.size = len(data)
        info.mtime = 1700000000
        info.mode = 0o640
        tf.addfile(info, io.BytesIO(data))
        dinfo = tarfile.TarInfo("emptydir")
        dinfo.type = tarfile.DIRTYPE
        dinfo.mode = 0o755
        tf.addfile(dinfo)
    print(name, tarfile.is_tarfile(path), os.path.getsize(path) > 0)
    with tarfile.open(path) as tf:
        print(" ", tf.getnames())
        for m in tf.getmembers():
            print("  ", m.name, m.size, m.isfile(), m.isdir(), oct(m.mode) if m.name.startswith(("sub/mem", "empty")) else "")
        f = tf.extractfile("sub/mem.txt")
        print("  ", type(f).__name__, isinstance(f, io.BufferedReader), f.readline(), f.peek(3)[:3], f.read(), f.tell())
        f.seek(3)
        print("  ", f.read(6), list(tf.extractfile("sub/mem.txt")))
        h = tf.extractfile("hello.txt")
        print("  ", h.read(10), h.tell(), len(h.read()), tf.extractfile("emptydir"))
        t = io.TextIOWrapper(tf.extractfile("sub/mem.txt"), encoding="utf-8")
        print("  ", t.readlines())
        b = tf.extractfile(tf.getmember("sub/data.bin")).read()
        print("  ", len(b), b[250:260])
        out = os.path.join(d, "out_" + name)
        tf.extractall(out)
    listing = []
    for root, dirs, files in os.walk(out):
        for fn in files:
            listing.append(os.path.relpath(os.path.join(root, fn), out))
    print("  ", sorted(listing))
    with open(os.path.join(out, "sub", "mem.txt"), encoding="utf-8") as f:
        print("  ", repr(f.read()))

# appending to an uncompressed archive, and a stream read ("r|gz")
path = os.path.join(d, "a.tar")
with tarfile.open(path, "a") as tf:
    info = tarfile.TarInfo("appended.txt")
    info.size = 3
    tf.addfile(info, io.BytesIO(b"abc"))
with tarfile.open(path) as tf:
    print(tf.getnames()[-1], tf.extractfile("appended.txt").read())
with open(os.path.join(d, "a.tar.gz"), "rb") as raw:
    with tarfile.open(fileobj=raw, mode="r|gz") as tf:
        for m in tf:
            if m.isfile():
                print("stream", m.name, len(tf.extractfile(m).read()))
try:
    tarfile.open(os.path.join(src, "hello.txt"))
except tarfile.ReadError as e:
    print("ReadError:", str(e).splitlines()[0])
shutil.rmtree(d)
print(os.path.exists(d))
