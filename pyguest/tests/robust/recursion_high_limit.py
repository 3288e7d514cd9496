# Recursion through Rust re-entry with sys.setrecursionlimit(10**6): the native stack check,
# not the limit, stops it (run by tests/robustness.rs with a 2 GiB and a 4 MiB stack).
import sys
sys.setrecursionlimit(1000000)
def t(name, f):
    try:
        r = f()
        print(name, "no error", r)
    except RecursionError as e:
        print(name, "RecursionError")
class E:
    def __eq__(self, o):
        return E() == o
t("python __eq__ recursion", lambda: E() == 1)
def g(n):
    return sorted([1, 2], key=lambda x: g(n + 1))
t("sorted key recursion", lambda: g(0))
class R:
    def __repr__(self):
        return repr(R())
t("python __repr__ recursion", lambda: repr(R()))
def plain(n):
    return plain(n + 1) if n < 200000 else n
t("plain python recursion 200000", lambda: plain(0))
print("done")
