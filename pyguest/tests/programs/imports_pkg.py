# Packages, relative imports, `import a.b as c`, from-imports, __name__.
import pkgdemo
import pkgdemo.sub.leaf as leaf
from pkgdemo import helper
from pkgdemo.sub import leaf as leaf2
import sys

print(pkgdemo.NAME, helper.double(21), leaf.describe(), leaf is leaf2)
print("pkgdemo.sub.leaf" in sys.modules, __name__)
try:
    import does_not_exist
except ModuleNotFoundError as e:
    print("ModuleNotFoundError:", e)
ns = {}
exec("y = x * 2", {"x": 5}, ns)
print(ns["y"], eval("1 + 2 * 3"), eval(compile("40 + 2", "<s>", "eval")))
