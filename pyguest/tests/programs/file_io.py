import os
import os.path
import tempfile

d = tempfile.mkdtemp()
p = os.path.join(d, "notes.txt")
print(os.path.exists(p))
with open(p, "w") as f:
    print(f.write("first line\n"), f.write("second ünïcode\n"))
    f.writelines(["third\n", "fourth"])
print(os.path.exists(p), os.path.isfile(p), os.path.isdir(p), os.path.isdir(d))
with open(p) as f:
    print(repr(f.read()))
with open(p, encoding="utf-8") as f:
    print(repr(f.readline()), repr(f.readline()))
    print(f.readlines())
with open(p, "a") as f:
    f.write("\nappended\n")
for line in open(p):
    print(repr(line))
with open(p, "rb") as f:
    data = f.read()
print(type(data).__name__, len(data), data[:5])
bp = os.path.join(d, "blob.bin")
with open(bp, "wb") as f:
    print(f.write(bytes(range(5))))
with open(bp, "rb") as f:
    print(list(f.read()))
os.makedirs(os.path.join(d, "sub", "deeper"))
os.makedirs(os.path.join(d, "sub", "deeper"), exist_ok=True)
print(sorted(os.listdir(d)))
os.remove(bp)
print(sorted(os.listdir(d)))
try:
    open(os.path.join(d, "missing.txt"))
except FileNotFoundError as e:
    print(type(e).__name__, e.errno, str(e).replace(d, "D"))
try:
    os.remove("no_such_file_here.txt")
except OSError as e:
    print(type(e).__name__, e)
try:
    open(p, "rw")
except ValueError as e:
    print(e)
print(os.path.basename("/a/b/c.txt"), os.path.dirname("/a/b/c.txt"), os.path.splitext("x/y.tar.gz"))
print(os.path.splitext(".bashrc"), os.path.join("a", "b", "/c", "d"), os.sep)
print(os.path.abspath("x/../y") == os.path.join(os.getcwd(), "y"))
print("PATH" in os.environ, os.environ.get("NO_SUCH_VAR_X", "dflt"))
with tempfile.TemporaryDirectory() as t:
    q = os.path.join(t, "f.txt")
    open(q, "w").write("x")
    print(os.path.exists(q))
print(os.path.exists(q), os.path.exists(t))
