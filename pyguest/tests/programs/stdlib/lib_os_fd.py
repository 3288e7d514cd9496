# os.open/os.close and tempfile.mkstemp: descriptors, O_EXCL, permissions and the errors.
import os, tempfile
fd, path = tempfile.mkstemp(suffix=".xml", prefix="pg")
print(type(fd).__name__, fd > 2, os.path.basename(path).startswith("pg"), path.endswith(".xml"), os.path.exists(path))
print(oct(os.stat(path).st_mode & 0o777))
with open(path, "w") as f:
    f.write("hi")
os.close(fd)
print(open(path).read())
try:
    os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL)
except FileExistsError as e:
    print("FileExistsError", e.errno)
try:
    os.close(fd)
except OSError as e:
    print("OSError", e.errno, e.strerror)
fd2 = os.open(path, os.O_RDONLY)
os.close(fd2)
os.unlink(path)
try:
    os.open(path, os.O_RDONLY)
except FileNotFoundError as e:
    print("FileNotFoundError", e.errno)
