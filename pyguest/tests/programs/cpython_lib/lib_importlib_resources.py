# importlib.resources on a package of this test (bufio_support): files(), the Traversable API,
# read_text/read_binary/open_text/open_binary/is_resource/contents, and as_file.
import importlib.resources as resources
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bufio_support

root = resources.files(bufio_support)
print(root.is_dir(), root.name, root == resources.files("bufio_support"))
greeting = root.joinpath("greeting.txt")
print(greeting.is_file(), greeting.name, repr(greeting.read_text(encoding="utf-8")))
print(greeting.read_bytes())
print(sorted(p.name for p in root.iterdir() if not p.name.startswith("__")))
blob = root / "data" / "blob.bin"
print(blob.read_bytes(), (root / "data").is_dir(), (root / "missing.txt").is_file())
with greeting.open("r", encoding="utf-8") as f:
    print(repr(f.readline()), repr(f.read()))
with blob.open("rb") as f:
    print(f.read(3), f.read())
print(repr(resources.read_text("bufio_support", "greeting.txt")))
print(resources.read_binary("bufio_support", "greeting.txt")[:5])
with resources.open_text("bufio_support", "greeting.txt") as f:
    print(f.readlines())
with resources.open_binary("bufio_support", "greeting.txt") as f:
    print(f.read(5))
print(resources.is_resource("bufio_support", "greeting.txt"),
      resources.is_resource("bufio_support", "data"))
print(sorted(n for n in resources.contents("bufio_support") if not n.startswith("__")))
with resources.as_file(greeting) as path:
    print(os.path.basename(path), os.path.isfile(path))
    with open(path, encoding="utf-8") as f:
        print(f.read().splitlines())
with resources.as_file(root / "data") as path:
    print(sorted(os.listdir(path)))
with resources.path("bufio_support", "greeting.txt") as path:
    print(path.name, path.exists())
try:
    resources.read_text("bufio_support", "nope.txt")
except FileNotFoundError as e:
    print("FileNotFoundError", os.path.basename(e.filename))
try:
    resources.files("bufio_support.doctest_sample")
except TypeError as e:
    print("TypeError", e)
