# fnmatch: matching, filtering, sets and ranges, translate's regex text.
import fnmatch

names = ["main.py", "test_main.py", "README.md", "setup.cfg", "x.PY", ".env", "data1.csv", "data22.csv"]
for pat in ("*.py", "test_*", "*.[ch]", "data?.csv", "data*.csv", "[!.]*", "*", "*.PY", "[a-z]*.*"):
    print(pat, fnmatch.filter(names, pat), [fnmatch.fnmatch(n, pat) for n in names[:3]])
print(fnmatch.fnmatchcase("ABC", "abc"), fnmatch.fnmatch("abc", "a*c"), fnmatch.fnmatch("a/b", "a*b"))
for pat in ("*.txt", "a?c", "[a-c]*", "[!x]y", "x[]]z", "[a-", "*a*b*", "[z-a]", "[!]", "a[&~|]b"):
    print(repr(pat), repr(fnmatch.translate(pat)))
