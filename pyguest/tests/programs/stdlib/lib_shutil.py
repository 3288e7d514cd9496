# shutil: copying files and trees, moving, removing, which, terminal size.
import os
import shutil
import stat
import tempfile


def tree(root):
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        rel = os.path.relpath(dirpath, root)
        for f in sorted(filenames):
            with open(os.path.join(dirpath, f)) as fh:
                out.append((os.path.join(rel, f), fh.read()))
    return out


with tempfile.TemporaryDirectory() as tmp:
    src = os.path.join(tmp, "src")
    os.makedirs(os.path.join(src, "pkg", "sub"))
    files = {"a.txt": "alpha\n", "b.log": "log line\n", "pkg/mod.py": "x = 1\n",
             "pkg/sub/deep.txt": "deep\n", "pkg/cache.pyc": "junk"}
    for rel, text in files.items():
        with open(os.path.join(src, rel), "w") as f:
            f.write(text)
    os.chmod(os.path.join(src, "a.txt"), 0o640)

    dst = shutil.copyfile(os.path.join(src, "a.txt"), os.path.join(tmp, "copy.txt"))
    print(os.path.basename(dst), open(dst).read(), end="")
    print(oct(stat.S_IMODE(os.stat(os.path.join(src, "a.txt")).st_mode)))
    d2 = shutil.copy(os.path.join(src, "a.txt"), tmp)
    print(os.path.relpath(d2, tmp), oct(stat.S_IMODE(os.stat(d2).st_mode)))
    d3 = shutil.copy2(os.path.join(src, "b.log"), os.path.join(tmp, "b2.log"))
    s1, s3 = os.stat(os.path.join(src, "b.log")), os.stat(d3)
    print(os.path.basename(d3), int(s1.st_mtime) == int(s3.st_mtime))
    try:
        shutil.copyfile(dst, dst)
    except shutil.SameFileError as e:
        print("SameFileError", isinstance(e, OSError), str(e).replace(tmp, "TMP"))
    try:
        shutil.copyfile(os.path.join(tmp, "missing"), os.path.join(tmp, "x"))
    except FileNotFoundError as e:
        print("FileNotFoundError", e.errno, os.path.basename(e.filename))

    out = shutil.copytree(src, os.path.join(tmp, "backup"))
    print(os.path.relpath(out, tmp), tree(out) == tree(src), len(tree(out)))
    try:
        shutil.copytree(src, os.path.join(tmp, "backup"))
    except FileExistsError as e:
        print("FileExistsError", e.errno)
    shutil.copytree(src, os.path.join(tmp, "backup"), dirs_exist_ok=True)
    clean = shutil.copytree(src, os.path.join(tmp, "clean"), ignore=shutil.ignore_patterns("*.pyc", "*.log"))
    print([p for p, _ in tree(clean)])

    moved = shutil.move(os.path.join(tmp, "copy.txt"), os.path.join(tmp, "moved.txt"))
    print(os.path.basename(moved), os.path.exists(os.path.join(tmp, "copy.txt")))
    into = shutil.move(os.path.join(tmp, "moved.txt"), os.path.join(tmp, "clean"))
    print(os.path.relpath(into, tmp))
    os.makedirs(os.path.join(tmp, "dest"))
    shutil.move(os.path.join(tmp, "clean"), os.path.join(tmp, "dest"))
    print(sorted(os.listdir(os.path.join(tmp, "dest", "clean"))))
    try:
        shutil.move(os.path.join(tmp, "dest"), os.path.join(tmp, "dest", "inner"))
    except shutil.Error as e:
        print("shutil.Error", str(e).replace(tmp, "TMP"))
    with open(os.path.join(tmp, "dest", "clean", "a.txt"), "w") as f:
        f.write("x")
    try:
        shutil.move(os.path.join(tmp, "a.txt"), os.path.join(tmp, "dest", "clean"))
    except shutil.Error as e:
        print("shutil.Error", str(e).replace(tmp, "TMP"))

    shutil.rmtree(os.path.join(tmp, "backup"))
    print(os.path.exists(os.path.join(tmp, "backup")))
    try:
        shutil.rmtree(os.path.join(tmp, "backup"))
    except FileNotFoundError as e:
        print("FileNotFoundError", e.errno)
    shutil.rmtree(os.path.join(tmp, "backup"), ignore_errors=True)
    errors = []
    shutil.rmtree(os.path.join(tmp, "nothing"), onerror=lambda f, p, e: errors.append(e[0].__name__))
    print(errors)
    with open(os.path.join(tmp, "src", "a.txt")) as fsrc, open(os.path.join(tmp, "obj.txt"), "w") as fdst:
        shutil.copyfileobj(fsrc, fdst)
    print(open(os.path.join(tmp, "obj.txt")).read(), end="")
    print(sorted(os.listdir(tmp)))

print(shutil.which("sh") is not None, shutil.which("definitely-not-a-command-xyz"))
os.environ["COLUMNS"] = "100"
os.environ["LINES"] = "40"
print(shutil.get_terminal_size(), tuple(shutil.get_terminal_size((10, 5))))
print(issubclass(shutil.Error, OSError), issubclass(shutil.SameFileError, shutil.Error))

# named temporary files used with shutil
with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
    f.write("hello\n")
    name = f.name
print(name.endswith(".txt"), os.path.exists(name))
copied = shutil.copy(name, name + ".bak")
print(open(copied).read(), end="")
os.remove(name)
os.remove(copied)
with tempfile.NamedTemporaryFile() as g:
    g.write(b"abc")
    g.seek(0)
    print(g.read(), os.path.exists(g.name))
print(os.path.exists(g.name))
