# pathlib: pure-path lexical operations and file-system methods in a temporary directory.
import os
import tempfile
from pathlib import Path, PurePath, PurePosixPath, PosixPath

p = PurePosixPath("/usr/lib/python3.11/site-packages/pkg.tar.gz")
print(p, repr(p))
print(p.name, p.stem, p.suffix, p.suffixes)
print(p.parent, p.parent.parent.name)
print(p.parts)
print(list(p.parents)[:3], len(p.parents), p.parents[-1], p.parents[1:3])
print(repr(p.parents))
print(p.with_name("other.txt"), p.with_suffix(".zip"), p.with_suffix(""), p.with_stem("new"))
print(p.anchor, repr(p.drive), p.root, p.is_absolute(), PurePosixPath("a/b").is_absolute())
print(p.relative_to("/usr/lib"), p.is_relative_to("/usr"), p.is_relative_to("/etc"))
try:
    p.relative_to("/etc")
except ValueError as e:
    print("ValueError:", e)
for bad in ("gz", ".", "a/b.c"):
    try:
        p.with_suffix(bad)
    except ValueError as e:
        print("ValueError:", e)
for bad in ("", "a/b", "."):
    try:
        p.with_name(bad)
    except ValueError as e:
        print("ValueError:", e)
try:
    PurePosixPath("/").with_name("x")
except ValueError as e:
    print("ValueError:", e)

print(PurePosixPath("a") / "b" / "c.py", "x" / PurePosixPath("y"), PurePosixPath("a") / "/abs")
print(PurePosixPath("a", "b/c", PurePosixPath("d")), PurePosixPath("a").joinpath("b", "c"))
print(PurePosixPath("//a//b/./c/..").parts, PurePosixPath("///x").parts, PurePosixPath("").parts)
print(repr(PurePosixPath("")), repr(PurePosixPath(".")), PurePosixPath("..").parent)
print(PurePath("x/y"), type(PurePath("x")).__name__)
for name in ("a.b.c", ".bashrc", "a.", "archive.tar.gz", "noext", "..", "a..b"):
    q = PurePosixPath(name)
    print(repr(name), repr(q.suffix), q.suffixes, repr(q.stem))
print(PurePosixPath("a/b.py").match("*.py"), PurePosixPath("/a/b.py").match("/*.py"),
      PurePosixPath("/a/b.py").match("/a/*.py"), PurePosixPath("a/b/c.py").match("b/*.py"),
      PurePosixPath("a/b/c.py").match("a/*.py"))
print(PurePosixPath("a") == PurePosixPath("a/"), PurePosixPath("a") < PurePosixPath("b"),
      PurePosixPath("/z") < PurePosixPath("a"), sorted([PurePosixPath("b/a"), PurePosixPath("a/c"), PurePosixPath("a")]))
print(len({PurePosixPath("a/b"), PurePosixPath("a//b"), PurePosixPath("a/./b")}))
try:
    PurePosixPath("a") < "b"
except TypeError as e:
    print("TypeError:", e)
try:
    PurePosixPath("a") / 3
except TypeError as e:
    print("TypeError:", e)
print(PurePosixPath("/a b/c").as_uri(), PurePosixPath("/x").as_posix(), os.fspath(PurePosixPath("q/r")))
try:
    PurePosixPath("rel").as_uri()
except ValueError as e:
    print("ValueError:", e)
print(PurePosixPath("a") == "a", PurePosixPath("/a/b").relative_to("/"))

old = os.getcwd()
with tempfile.TemporaryDirectory() as tmp:
    base = Path(tmp)
    print(repr(Path("rel/x")), type(base).__name__, isinstance(base, PurePath), isinstance(base, os.PathLike))
    d = base / "proj" / "src"
    print(d.exists(), d.is_dir())
    try:
        d.mkdir()
    except FileNotFoundError as e:
        print("FileNotFoundError", e.errno)
    d.mkdir(parents=True)
    d.mkdir(parents=True, exist_ok=True)
    try:
        d.mkdir()
    except FileExistsError as e:
        print("FileExistsError", e.errno)
    print(d.exists(), d.is_dir(), d.is_file())
    f = d / "main.py"
    print(f.write_text("print('hi')\n"), f.read_text(), end="")
    print(f.is_file(), f.stat().st_size, f.exists())
    g = d / "data.bin"
    print(g.write_bytes(bytes(range(5))), g.read_bytes())
    (d / "util.py").write_text("x = 1\n")
    (base / "proj" / "README.md").write_text("# readme\n")
    (base / "proj" / ".hidden").write_text("h")
    (d / "pkg").mkdir()
    (d / "pkg" / "__init__.py").write_text("")
    (d / "pkg" / "mod.py").write_text("")
    proj = base / "proj"
    print(sorted(x.name for x in d.iterdir()))
    print(sorted(str(x.relative_to(base)) for x in proj.glob("*")))
    print(sorted(str(x.relative_to(base)) for x in proj.glob("src/*.py")))
    print(sorted(str(x.relative_to(proj)) for x in proj.glob("**/*.py")))
    print(sorted(str(x.relative_to(proj)) for x in proj.rglob("*.py")))
    print(sorted(str(x.relative_to(proj)) for x in proj.glob("**")))
    print(sorted(str(x.relative_to(proj)) for x in proj.glob("*/")))
    print(sorted(str(x.relative_to(proj)) for x in proj.glob("src/[dm]*")))
    with (d / "notes.txt").open("w") as fh:
        fh.write("line1\nline2\n")
    with (d / "notes.txt").open() as fh:
        print(fh.readlines())
    moved = (d / "notes.txt").rename(d / "notes2.txt")
    print(moved.name, (d / "notes.txt").exists(), moved.exists())
    moved.unlink()
    moved.unlink(missing_ok=True)
    try:
        moved.unlink()
    except FileNotFoundError as e:
        print("FileNotFoundError:", e.strerror)
    t = d / "touched"
    t.touch()
    print(t.exists(), t.stat().st_size)
    try:
        t.touch(exist_ok=False)
    except FileExistsError:
        print("FileExistsError")
    (d / "pkg" / "mod.py").unlink()
    (d / "pkg" / "__init__.py").unlink()
    (d / "pkg").rmdir()
    print((d / "pkg").exists())
    os.chdir(tmp)
    rel = Path("proj/src/../src/main.py")
    print(rel.resolve() == (base / "proj/src/main.py").resolve(), rel.absolute().is_absolute())
    print(Path.cwd().resolve() == base.resolve(), Path("missing/x").resolve().name)
    print(Path.home() == Path(os.path.expanduser("~")), Path("~/x").expanduser() == Path.home() / "x")
    try:
        f.write_text(b"bytes")
    except TypeError as e:
        print("TypeError:", e)
    try:
        Path("nope.txt").read_text()
    except FileNotFoundError as e:
        print("FileNotFoundError:", e)
    print(f.samefile(str(f)), f.with_suffix(".txt").name, f.parent.name)
    os.chdir(old)
print(base.exists())
