# glob over a small tree in a temporary directory.
import glob
import os
import tempfile

with tempfile.TemporaryDirectory() as tmp:
    def mk(rel, text=""):
        path = os.path.join(tmp, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)

    for rel in ("a.txt", "b.txt", "c.py", ".hidden.txt", "sub/d.txt", "sub/e.py",
                "sub/deep/f.txt", "sub/.secret/g.txt", "other/h.md", "x[1].txt"):
        mk(rel, rel)

    def show(pattern, **kw):
        res = glob.glob(os.path.join(tmp, pattern), **kw)
        print(pattern, kw, sorted(os.path.relpath(r, tmp) for r in res))

    show("*.txt")
    show("*.py")
    show("?.txt")
    show("[ab].txt")
    show("[!a].txt")
    show("*/*.txt")
    show("**/*.txt")
    show("**/*.txt", recursive=True)
    show("**/*.txt", recursive=True, include_hidden=True)
    show("**", recursive=True)
    show("**/", recursive=True)
    show("sub/**", recursive=True)
    show("*", include_hidden=True)
    show(".*")
    show("nomatch*")
    show("a.txt")
    show("missing.txt")
    show("sub/")
    show(glob.escape("x[1].txt"))
    show("x[1].txt")
    print(sorted(glob.glob("*.txt", root_dir=tmp)))
    print(sorted(glob.glob("**/*.py", root_dir=tmp, recursive=True)))
    print(sorted(os.path.relpath(p, tmp) for p in glob.iglob(os.path.join(tmp, "sub", "*"))))
    print(glob.has_magic("a*"), glob.has_magic("abc"), glob.escape("a?b*c[d]"))
    old = os.getcwd()
    os.chdir(tmp)
    print(sorted(glob.glob("*.py")), sorted(glob.glob("sub/*/")), sorted(glob.glob("**/*.py", recursive=True)))
    os.chdir(old)
